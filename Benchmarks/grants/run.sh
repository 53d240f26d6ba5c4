#!/usr/bin/env bash
# Bulk grants: `qualkit workers grant --from` against a sequential boto3 loop (how the tutorials do it), side by side,
# against the same `qualkit serve` with 5% simulated throttling. Checks that no grant was lost.
#
#   Benchmarks/grants/run.sh            # 5,000 workers
#   WORKERS=1000 Benchmarks/grants/run.sh
# BIN_DIR=… uses an already built release qualkit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
workers="${WORKERS:-5000}"
throttle="${THROTTLE:-0.05}"
if [[ -z "${BIN_DIR:-}" ]]; then
  (cd "$root" && swift build -c release --product qualkit >&2)
  BIN_DIR="$(cd "$root" && swift build -c release --show-bin-path)"
fi
qk="$BIN_DIR/qualkit"
work="$(mktemp -d)"
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
"$qk" serve init > /dev/null
"$qk" serve --port 0 --simulate-throttling "$throttle" > serve.log 2>&1 &
server=$!
for _ in $(seq 100); do grep -q listening serve.log && break; sleep 0.1; done
port="$(grep -o '127.0.0.1:[0-9]*' serve.log | cut -d: -f2)"
endpoint="http://127.0.0.1:$port"
export AWS_SHARED_CREDENTIALS_FILE="$work/.qualkit/credentials"
export AWS_CONFIG_FILE=/dev/null
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_PROFILE

cp -r "$root/SampleForms/sentence-classification" test
python3 - "$workers" <<'PY'
import sys
n = int(sys.argv[1])
with open("grants-a.csv", "w") as a, open("grants-b.csv", "w") as b:
    a.write("worker,value\n"); b.write("worker,value\n")
    for i in range(n):
        a.write(f"A{i:08d}QK,{i % 101}\n"); b.write(f"A{i:08d}BT,{i % 101}\n")
PY
"$qk" types create test --endpoint "$endpoint" > /dev/null 2>&1 || { echo "types create failed"; exit 1; }
type_id="$(python3 -c 'import json;print(json.load(open("qualkit.lock"))["entries"][0]["qualificationTypeId"])')"

echo "$workers grants each, $throttle of requests throttled, endpoint $endpoint, $(nproc) cores"
start=$(date +%s.%N)
"$qk" workers grant "$type_id" --from grants-a.csv --concurrency 16 --endpoint "$endpoint" > qk.out 2> qk.err || { cat qk.err; exit 1; }
qk_s=$(python3 -c "import time;print(f'{time.time()-$start:.2f}')")
boto_line="$(python3 "$here/boto3_grant_loop.py" "$endpoint" "$type_id" grants-b.csv 2> boto.err)"
boto_s="$(echo "$boto_line" | awk '{print $6}')"

# Nothing lost: every worker of both files holds the qualification with the right value.
"$qk" workers list "$type_id" --endpoint "$endpoint" --status Granted > holders.csv 2> /dev/null
python3 - "$workers" <<'PY'
import csv, sys
n = int(sys.argv[1])
held = {r["worker"]: int(r["value"]) for r in csv.DictReader(open("holders.csv"))}
for suffix in ("QK", "BT"):
    missing = [i for i in range(n) if held.get(f"A{i:08d}{suffix}") != i % 101]
    print(f"{'qualkit' if suffix == 'QK' else 'boto3  '}: {n - len(missing)}/{n} grants present with the right value")
    if missing: sys.exit(1)
PY
awk -v n="$workers" -v q="$qk_s" -v b="$boto_s" 'BEGIN {
  printf "qualkit workers grant --from (16 in flight): %7.2f s  %7.0f grants/s\n", q, n / q
  printf "boto3 sequential loop:                       %7.2f s  %7.0f grants/s\n", b, n / b
  printf "qualkit vs boto3 loop: %.1fx (target >= 5x)\n", b / q
}'
grep -c ThrottlingException boto.err 2>/dev/null | sed 's/^/boto3 calls that failed after retries: /' || true
