#!/usr/bin/env bash
# Load on `qualkit serve`: our Swift load generator (qualkit-load, every request SigV4-signed) and the same load
# through boto3, one after the other against the same server (release build, SQLite in WAL on local disk).
# 16 connections × 5,000 AssociateQualificationWithWorker to distinct workers, plus a GetQualificationScore read
# after every 10th grant. Afterwards the rows in the database are counted: they must equal the acknowledged grants.
#
#   Benchmarks/serve/run.sh
#   CONNECTIONS=16 GRANTS=5000 READ_EVERY=10 BOTO_GRANTS=5000 Benchmarks/serve/run.sh
# BIN_DIR=… uses already built release binaries (qualkit and qualkit-load).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
connections="${CONNECTIONS:-16}"
grants="${GRANTS:-5000}"
read_every="${READ_EVERY:-10}"
boto_grants="${BOTO_GRANTS:-$grants}"
if [[ -z "${BIN_DIR:-}" ]]; then
  (cd "$root" && swift build -c release --product qualkit >&2 && swift build -c release --product qualkit-load >&2)
  BIN_DIR="$(cd "$root" && swift build -c release --show-bin-path)"
fi
qk="$BIN_DIR/qualkit"
work="$(mktemp -d)"
server=""
trap '[[ -n "$server" ]] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
"$qk" serve init > /dev/null
"$qk" serve --port 0 > serve.log 2>&1 &
server=$!
for _ in $(seq 100); do grep -q listening serve.log && break; sleep 0.1; done
port="$(grep -o '127.0.0.1:[0-9]*' serve.log | head -1 | cut -d: -f2)"
[[ -n "$port" ]] || { echo "qualkit serve did not start:"; cat serve.log; exit 1; }
endpoint="http://127.0.0.1:$port"
export AWS_SHARED_CREDENTIALS_FILE="$work/.qualkit/credentials" AWS_CONFIG_FILE=/dev/null
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_PROFILE AWS_SESSION_TOKEN

# Two qualification types (one per client) from a bundled test, created through the API.
type_for() {
  mkdir -p "$1" && cp "$root"/SampleForms/sentence-classification/{form.xml,answer-key.xml} "$1/"
  sed "s/\"Name\": *\"[^\"]*\"/\"Name\": \"load test $1\"/" "$root/SampleForms/sentence-classification/qualification.json" > "$1/qualification.json"
  "$qk" types create "$1" --endpoint "$endpoint" --format json > "$1.json"
  python3 -c 'import json,sys; t = json.load(open(sys.argv[1])); print(t.get("qualificationTypeId") or t["QualificationTypeId"])' "$1.json"
}
swift_type="$(type_for swift-load)"
boto_type="$(type_for boto3-load)"

rows() {
  python3 - "$work/.qualkit/qualkit.sqlite" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(db.execute("SELECT COUNT(*) FROM qualifications WHERE type_id = ? AND granted = 1", (sys.argv[2],)).fetchone()[0])
PY
}
field() { sed -n "s/.*RESULT.* $2=\([^ ]*\).*/\1/p" "$1"; }

echo "== $(nproc) cores; qualkit serve ($qk) at $endpoint; the load generator runs on the same machine"
echo "== qualkit-load (Swift, AsyncHTTPClient, SigV4 per request)"
status=0
"$BIN_DIR/qualkit-load" "$endpoint" "$swift_type" --connections "$connections" --grants "$grants" --read-every "$read_every" \
  --prefix S | tee swift.out || status=1
echo "== boto3 (one client and connection per thread, no retries)"
python3 "$here/boto3_load.py" "$endpoint" "$boto_type" "$connections" "$boto_grants" "$read_every" B | tee boto.out || status=1

swift_rows="$(rows "$swift_type")"; boto_rows="$(rows "$boto_type")"
swift_acked="$(field swift.out grants_acked)"; boto_acked="$(field boto.out grants_acked)"
echo "== rows in the database vs acknowledged grants"
echo "qualkit-load: $swift_rows rows, $swift_acked acknowledged"
echo "boto3:        $boto_rows rows, $boto_acked acknowledged"
[[ "$swift_rows" == "$swift_acked" && "$boto_rows" == "$boto_acked" ]] || { echo "MISMATCH: rows differ from acknowledged calls"; status=1; }
sp="$(field swift.out grants_per_s)"; s99="$(field swift.out p99_ms)"; bp="$(field boto.out grants_per_s)"
awk -v sp="$sp" -v s99="$s99" -v bp="$bp" 'BEGIN {
  printf "qualkit-load %d grants/s, p99 %s ms (target >= 3000 grants/s, p99 < 25 ms: %s); boto3 %d grants/s; ratio %.1fx\n",
    sp, s99, (sp >= 3000 && s99 < 25) ? "met" : "NOT met", bp, (bp > 0 ? sp / bp : 0)
}'
exit "$status"
