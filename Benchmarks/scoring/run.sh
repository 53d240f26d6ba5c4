#!/usr/bin/env bash
# Scoring benchmark: qualkit score vs a Python + lxml scorer vs the libxml2 parse-only floor, in one run.
#
#   Benchmarks/scoring/run.sh              # 100,000 attempts side by side, then 1,000,000 for peak memory
#   ATTEMPTS=20000 BIG=0 Benchmarks/scoring/run.sh   # quicker
#   WITH_TEST=20000 Benchmarks/scoring/run.sh         # also records that carry the Test field, as the API returns
#
# Every contender runs REPEAT times (default 3) and the fastest run of each counts: on a shared machine the
# fastest run is the one least disturbed.
# Needs: swift, python3 with lxml (pip install lxml), /usr/bin/time (GNU, for peak memory).
# BIN_DIR=… uses already built release binaries (qualkit, qualkit-parse-floor) instead of building.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/Benchmarks/.work"
attempts="${ATTEMPTS:-100000}"
big="${BIG:-1000000}"
repeat="${REPEAT:-3}"
mkdir -p "$work"

if [[ -z "${BIN_DIR:-}" ]]; then
    (cd "$root" && swift build -c release --product qualkit >&2 && swift build -c release --product qualkit-parse-floor >&2)
    BIN_DIR="$(cd "$root" && swift build -c release --show-bin-path)"
fi
qualkit="$BIN_DIR/qualkit"
floor="$BIN_DIR/qualkit-parse-floor"
cores="$(nproc)"
python3 -c 'import lxml' 2> /dev/null || { echo "lxml missing: pip install lxml" >&2; exit 2; }

corpus="$work/c$attempts"
if [[ ! -f "$corpus/attempts.jsonl" ]]; then python3 "$here/generate.py" "$corpus" --attempts "$attempts"; fi

# Runs a command under GNU time; prints "seconds peak_kb".
measure() {
    local log="$work/time.log"
    /usr/bin/time -f "%e %M" -o "$log" "$@" > "$work/out.tmp" 2> "$work/err.tmp" || true
    cat "$log" | tail -1
}

echo "corpus: $attempts attempts ($(du -h "$corpus/attempts.jsonl" | cut -f1)), 20 questions, $cores cores, libxml2 $(xml2-config --version 2>/dev/null || echo ?); fastest of $repeat runs each"
# Fastest of $repeat runs: "seconds peak_kb" of the fastest.
fastest() {
    local best="" s kb
    for _ in $(seq "$repeat"); do
        read -r s kb < <(measure "$@")
        if [[ -z "$best" ]] || awk -v a="$s" -v b="${best% *}" 'BEGIN { exit !(a < b) }'; then best="$s $kb"; fi
    done
    echo "$best"
}
read -r py_s py_kb < <(fastest python3 "$here/score.py" --key "$corpus/answer-key.xml" "$corpus/attempts.jsonl")
cp "$work/out.tmp" "$work/python.csv"
read -r qk_s qk_kb < <(fastest "$qualkit" score --key "$corpus/answer-key.xml" --format csv "$corpus/attempts.jsonl")
cp "$work/out.tmp" "$work/qualkit.csv"
read -r qk1_s qk1_kb < <(fastest "$qualkit" score --key "$corpus/answer-key.xml" --format csv --jobs 1 "$corpus/attempts.jsonl")
: > "$work/floor.txt"
for _ in $(seq "$repeat"); do "$floor" --key "$corpus/answer-key.xml" "$corpus/attempts.jsonl" 1 "$cores" >> "$work/floor.txt"; done
best_rate() { grep "^$1 threads=$2 " "$work/floor.txt" | sed 's/.*docs_per_sec=//' | sort -n | tail -1; }
floor1="$(best_rate floor 1)"
floorN="$(best_rate floor "$cores")"
# The same documents scored in memory (our SAX handler and key lookups; no JSON, no output): splits the gap.
scorer1="$(best_rate scorer 1)"

# The two scorers must agree on every attempt.
python3 - "$work/python.csv" "$work/qualkit.csv" <<'PY'
import csv, sys
py = {r["request_id"]: (r["sum"], r["value"]) for r in csv.DictReader(open(sys.argv[1]))}
qk = {r["request_id"]: (r["sum"] if r["status"] == "ok" else "", r["value"] if r["status"] == "ok" else "failed")
      for r in csv.DictReader(open(sys.argv[2]))}
bad = [k for k in py if py[k] != qk.get(k)]
print("agreement: %d attempts, %d differ" % (len(py), len(bad)))
sys.exit(1 if bad or len(py) != len(qk) else 0)
PY

awk -v n="$attempts" -v py="$py_s" -v qk="$qk_s" -v qk1="$qk1_s" -v f1="$floor1" -v fn="$floorN" -v s1="$scorer1" -v c="$cores" \
    -v pykb="$py_kb" -v qkkb="$qk_kb" 'BEGIN {
    qps = n / qk; pps = n / py; q1 = n / qk1
    printf "%-34s %10s %12s %10s\n", "", "seconds", "attempts/s", "peak MB"
    printf "%-34s %10.2f %12d %10.1f\n", "python3 + lxml (1 process)", py, pps, pykb / 1024
    printf "%-34s %10.2f %12d %10.1f\n", "qualkit score (" c " cores)", qk, qps, qkkb / 1024
    printf "%-34s %10.2f %12d\n", "qualkit score --jobs 1", qk1, q1
    printf "%-34s %10s %12d\n", "parse-only floor, 1 thread", "", f1
    printf "%-34s %10s %12d\n", "parse-only floor, " c " threads", "", fn
    printf "%-34s %10s %12d\n", "scoring in-memory docs, 1 thread", "", s1
    printf "\nqualkit vs python: %.1fx (target >= 15x)\n", qps / pps
    printf "qualkit per core vs 1-thread floor: %.0f%% (target >= 70%%)\n", 100 * qps / c / f1
    printf "qualkit all cores vs floor all cores: %.0f%%\n", 100 * qps / fn
    printf "where the rest goes: scoring the documents alone (no JSON, no output) is %.0f%% of the 1-thread floor\n", 100 * s1 / f1
}'

# Records as ListQualificationRequests returns them for a type with a test also carry Test (the QuestionForm, about
# 15 KB here), which a scorer reads past: WITH_TEST=N scores N such records with qualkit and the Python scorer.
if [[ "${WITH_TEST:-0}" != "0" ]]; then
    tc="$work/t${WITH_TEST}"
    if [[ ! -f "$tc/attempts.jsonl" ]]; then python3 "$here/generate.py" "$tc" --attempts "$WITH_TEST" --with-test; fi
    read -r tpy_s _ < <(fastest python3 "$here/score.py" --key "$tc/answer-key.xml" "$tc/attempts.jsonl")
    read -r tqk_s _ < <(fastest "$qualkit" score --key "$tc/answer-key.xml" --format csv "$tc/attempts.jsonl")
    awk -v n="$WITH_TEST" -v py="$tpy_s" -v qk="$tqk_s" -v mb="$(du -m "$tc/attempts.jsonl" | cut -f1)" 'BEGIN {
        printf "\nwith the Test field (%d records, %d MB): python %.2f s, qualkit %.2f s, %d attempts/s, %.1fx python\n",
            n, mb, py, qk, n / qk, py / qk }'
fi

if [[ "$big" != "0" ]]; then
    bigc="$work/c$big"
    if [[ ! -f "$bigc/attempts.jsonl" ]]; then python3 "$here/generate.py" "$bigc" --attempts "$big"; fi
    read -r b_s b_kb < <(measure "$qualkit" score --key "$bigc/answer-key.xml" --format csv "$bigc/attempts.jsonl")
    awk -v n="$big" -v s="$b_s" -v kb="$b_kb" 'BEGIN {
        printf "\n%d attempts: %.2f s, %d attempts/s, peak memory %.1f MB (target < 200 MB)\n", n, s, n / s, kb / 1024 }'
fi
