#!/usr/bin/env bash
# Worker accuracy: `qualkit accuracy` against the plain-Python notebook metrics (notebook_metrics.py) on a
# generated Ground Truth job, side by side in one run, plus crowd-kit's Dawid-Skene as the reference for
# `--dawid-skene`. Exits non-zero when the per-worker metrics differ or Dawid-Skene agreement < 99%.
#
#   Benchmarks/accuracy/run.sh                      # 100,000 objects x 10 workers = 1,000,000 responses
#   OBJECTS=1000 Benchmarks/accuracy/run.sh         # quick
# Knobs: OBJECTS PER_OBJECT POOL SEED SPLIT (fraction of objects stored one file per answer) KEEP=1 (keep the
# job under Benchmarks/.work/accuracy/ for the next run; default: regenerate in a temp dir and delete).
# BIN_DIR=… uses an already built release qualkit; otherwise it is built with
# `swift build -c release --product qualkit --scratch-path ${SCRATCH:-<repo>/.build-bench-acc}`.
# Needs: swift, python3, GNU /usr/bin/time, pip install -r Benchmarks/accuracy/requirements.txt (crowd-kit).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
objects="${OBJECTS:-100000}"
per_object="${PER_OBJECT:-10}"
pool="${POOL:-200}"
seed="${SEED:-7}"
split="${SPLIT:-0.02}"

if [[ -z "${BIN_DIR:-}" ]]; then
  scratch="${SCRATCH:-$root/.build-bench-acc}"
  (cd "$root" && swift build -c release --product qualkit --scratch-path "$scratch" >&2)
  BIN_DIR="$(cd "$root" && swift build -c release --scratch-path "$scratch" --show-bin-path)"
fi
qk="$BIN_DIR/qualkit"
python3 -c 'import crowdkit' 2> /dev/null || { echo "crowd-kit missing: pip install -r $here/requirements.txt" >&2; exit 2; }

if [[ "${KEEP:-0}" == 1 ]]; then
  gen_hash="$(md5sum "$here/generate.py" | cut -c1-8)"
  data="$root/Benchmarks/.work/accuracy/o$objects-k$per_object-p$pool-s$seed-f$split-$gen_hash"
  work="$data.run"
  mkdir -p "$work"
else
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  data="$tmp/data"
  work="$tmp/run"
  mkdir -p "$work"
fi
if [[ ! -f "$data/.complete" ]]; then
  rm -rf "$data"
  gen_start=$(date +%s.%N)
  python3 "$here/generate.py" "$data" --objects "$objects" --per-object "$per_object" --pool "$pool" \
    --seed "$seed" --split-fraction "$split"
  touch "$data/.complete"
  echo "generated in $(python3 -c "import time;print(f'{time.time()-$gen_start:.0f}')") s" >&2
fi
job="$data/text-classification-bench"
responses_dir="$job/annotations/worker-response"

# Runs a command under GNU time; the command's stdout/stderr go to $work/$1.out/.err; prints "wall user sys peak_kb rc".
measure() {
  local name="$1"; shift
  local rc=0
  /usr/bin/time -f "%e %U %S %M" -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" || rc=$?
  echo "$(tail -1 "$work/$name.time") $rc"
}

files="$(find "$responses_dir" -name '*.json' | wc -l)"
bytes="$(find "$responses_dir" -name '*.json' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)"
echo "job: $objects objects x $per_object workers = $((objects * per_object)) responses, pool $pool, seed $seed," \
     "$files worker-response files ($((bytes / 1048576)) MB), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# Read-only floor: every worker-response file read once, nothing parsed. The first pass warms the page
# cache so that both contenders below read from memory; the second is the floor that bounds both.
measure floor-cold sh -c "find '$responses_dir' -name '*.json' -print0 | xargs -0 cat > /dev/null" > /dev/null
read -r fl_s fl_u fl_sy fl_kb _ < <(measure floor sh -c "find '$responses_dir' -name '*.json' -print0 | xargs -0 cat > /dev/null")
cores="$(nproc)"
read -r fp_s fp_u fp_sy fp_kb _ < <(measure floor-par sh -c "find '$responses_dir' -name '*.json' -print0 | xargs -0 -P $cores -n $(( files / cores + 1 )) cat > /dev/null")

read -r pf_s pf_u pf_sy pf_kb _ < <(measure python-floor python3 "$here/read_floor.py" "$job")

# Side by side: qualkit (with Dawid-Skene and object labels) and the notebook-style Python.
read -r qk_s qk_u qk_sy qk_kb qk_rc < <(measure qualkit "$qk" accuracy --job "$job" --dataset "$data/dataset.manifest" \
  --gold "$data/golden.manifest" --format json --dawid-skene --object-labels "$work/qualkit-objects.csv")
read -r py_s py_u py_sy py_kb py_rc < <(measure python python3 "$here/notebook_metrics.py" "$job" \
  --dataset "$data/dataset.manifest" --gold "$data/golden.manifest" --output "$work/python.json")
# Breakdown: qualkit without Dawid-Skene / object labels (reading + metrics only).
read -r qm_s qm_u qm_sy qm_kb qm_rc < <(measure qualkit-metrics "$qk" accuracy --job "$job" \
  --dataset "$data/dataset.manifest" --gold "$data/golden.manifest" --format json)
read -r ck_s ck_u ck_sy ck_kb ck_rc < <(measure crowdkit python3 "$here/crowdkit_ds.py" "$job" --output "$work/crowdkit.csv" \
  --majority "$work/majority.csv")

if [[ "$qk_rc" != 0 || "$py_rc" != 0 || "$qm_rc" != 0 || "$ck_rc" != 0 ]]; then
  echo "a run failed: qualkit=$qk_rc python=$py_rc qualkit-metrics=$qm_rc crowd-kit=$ck_rc" >&2
  for n in qualkit python qualkit-metrics crowdkit; do tail -5 "$work/$n.err" | sed "s/^/$n: /" >&2; done
  exit 1
fi
cp "$work/qualkit.out" "$work/qualkit.json"

awk -v fl="$fl_s" -v flkb="$fl_kb" -v qk="$qk_s" -v qku="$qk_u" -v qks="$qk_sy" -v qkkb="$qk_kb" \
    -v py="$py_s" -v pyu="$py_u" -v pys="$py_sy" -v pykb="$py_kb" \
    -v qm="$qm_s" -v qmu="$qm_u" -v qms="$qm_sy" -v qmkb="$qm_kb" \
    -v ck="$ck_s" -v cku="$ck_u" -v cks="$ck_sy" -v ckkb="$ck_kb" -v flu="$fl_u" -v fls="$fl_sy" -v fp="$fp_s" -v fpu="$fp_u" -v fps="$fp_sy" -v fpkb="$fp_kb" -v cores="$cores" -v pf="$pf_s" -v pfu="$pf_u" -v pfs="$pf_sy" -v pfkb="$pf_kb" 'BEGIN {
  printf "%-52s %8s %8s %8s %9s\n", "", "wall s", "user s", "sys s", "peak MB"
  printf "%-52s %8.2f %8.2f %8.2f %9.1f\n", "read-only floor (find | xargs cat, warm cache)", fl, flu, fls, flkb / 1024
  printf "%-52s %8.2f %8.2f %8.2f %9.1f\n", "read-only floor, " cores " cat processes in parallel", fp, fpu, fps, fpkb / 1024
  printf "%-52s %8.2f %8.2f %8.2f %9.1f\n", "read-only floor, python (os.walk + read, no parse)", pf, pfu, pfs, pfkb / 1024
  printf "%-52s %8.2f %8.2f %8.2f %9.1f\n", "qualkit accuracy --dawid-skene --object-labels", qk, qku, qks, qkkb / 1024
  printf "%-52s %8.2f %8.2f %8.2f %9.1f\n", "python3 notebook_metrics.py (notebook method)", py, pyu, pys, pykb / 1024
  printf "%-52s %8.2f %8.2f %8.2f %9.1f\n", "  qualkit accuracy without Dawid-Skene (breakdown)", qm, qmu, qms, qmkb / 1024
  printf "%-52s %8.2f %8.2f %8.2f %9.1f\n", "  crowd-kit DawidSkene (reference labels)", ck, cku, cks, ckkb / 1024
  printf "qualkit vs python: %.1fx faster (target >= 5x: %s)\n", py / qk, (py / qk >= 5 ? "met" : "MISSED")
  printf "qualkit peak memory: %.0f MB (target < 500 MB: %s); python %.0f MB\n", qkkb / 1024, (qkkb / 1024 < 500 ? "met" : "MISSED"), pykb / 1024
  printf "time: python: reading %.2f s (%.0f%%), JSON parsing + metrics %.2f s; cat floor %.2f s (1 process), %.2f s (%d processes)\n", pf, 100 * pf / py, py - pf, fl, fp, cores
  printf "      qualkit: %.2f s user + %.2f s system CPU over %.2f s wall (system time = opening and reading the files)\n", qku, qks, qk
  printf "      qualkit metrics only %.2f s, Dawid-Skene + object labels %.2f s\n", qm, qk - qm
}'
if grep -qiE 'time|elapsed|ms\b' "$work/qualkit.err"; then
  echo "qualkit's own breakdown (stderr):"; sed 's/^/  /' "$work/qualkit.err"
fi

python3 "$here/compare.py" --qualkit "$work/qualkit.json" --python "$work/python.json" \
  --object-labels "$work/qualkit-objects.csv" --crowdkit "$work/crowdkit.csv" --majority "$work/majority.csv" --truth "$data/truth.csv" \
  --output-manifest "$job/manifests/output/output.manifest"
sed 's/^/  /' "$work/crowdkit.err"
