#!/usr/bin/env python3
"""Checks `qualkit accuracy` against the plain-Python notebook metrics and crowd-kit's Dawid-Skene.

    compare.py --qualkit qk.json --python py.json --object-labels qk-objects.csv --crowdkit ck.csv
               [--truth truth.csv] [--output-manifest JOB/manifests/output/output.manifest] [--tol 1e-9]

1. Per worker, every scalar field of the Python result (responses, objects, goldResponses, goldAccuracy,
   goldInterval, consolidatedAccuracy, consolidatedInterval) must equal qualkit's (integers exactly, floats
   within --tol; a null must be a null), the same workers on both sides, and the same objects / responses
   / classes.
2. qualkit's dawid_skene label (--object-labels CSV) must equal crowd-kit's on >= --min-agreement of objects.
Prints a summary and the first differences; exits 1 when either check fails.
"""
import argparse
import csv
import json
import sys

FIELDS = ["responses", "objects", "goldResponses", "goldAccuracy", "goldInterval",
          "consolidatedAccuracy", "consolidatedInterval"]


def same(a, b, tol):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(
            same(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= tol
    return a == b


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--qualkit", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--object-labels", required=True)
    ap.add_argument("--crowdkit", required=True)
    ap.add_argument("--majority", help="object,winners CSV (crowdkit_ds.py --majority): qualkit's majority must be one of them")
    ap.add_argument("--truth")
    ap.add_argument("--output-manifest")
    ap.add_argument("--tol", type=float, default=1e-9)
    ap.add_argument("--min-agreement", type=float, default=0.99)
    args = ap.parse_args()

    qk = json.load(open(args.qualkit))
    py = json.load(open(args.python))
    problems = []

    for key in ("objects", "responses"):
        if qk.get(key) != py.get(key):
            problems.append(f"top-level {key}: qualkit {qk.get(key)!r}, python {py.get(key)!r}")
    if sorted(qk.get("classes", [])) != sorted(py.get("classes", [])):
        problems.append(f"classes: qualkit {qk.get('classes')!r}, python {py.get('classes')!r}")
    if qk.get("consolidation") != py.get("consolidation"):
        problems.append(f"consolidation: qualkit {qk.get('consolidation')!r}, python {py.get('consolidation')!r}")

    qw = {w["workerId"]: w for w in qk.get("workers", [])}
    pw = {w["workerId"]: w for w in py["workers"]}
    for w in sorted(set(pw) - set(qw)):
        problems.append(f"worker {w}: only in the python result")
    for w in sorted(set(qw) - set(pw)):
        problems.append(f"worker {w}: only in the qualkit result")
    field_diffs = 0
    max_float_diff = 0.0
    for w in sorted(set(pw) & set(qw)):
        for field in FIELDS:
            a, b = qw[w].get(field, "<missing>"), pw[w][field]
            if not same(a, b, args.tol):
                field_diffs += 1
                problems.append(f"worker {w} {field}: qualkit {a!r}, python {b!r}")
            else:
                for x, y in zip(a if isinstance(a, list) else [a], b if isinstance(b, list) else [b]):
                    if isinstance(x, float) or isinstance(y, float):
                        max_float_diff = max(max_float_diff, abs(x - y))
    no_gold = sum(1 for w in pw.values() if w["goldAccuracy"] is None)
    print(f"metrics: {len(pw)} workers ({no_gold} without gold), {len(FIELDS)} fields each, {field_diffs} field "
          f"differences, largest float difference {max_float_diff:.2e} (tolerance {args.tol:g})")

    # Object labels: qualkit's Dawid-Skene against crowd-kit's.
    ql = list(csv.DictReader(open(args.object_labels)))
    qds = {int(r["object"]): r["dawid_skene"] for r in ql}
    ck = {int(r["object"]): r["label"] for r in csv.DictReader(open(args.crowdkit))}
    common = set(qds) & set(ck)
    agree = sum(1 for o in common if qds[o] == ck[o])
    agreement = agree / len(ck) if ck else 0.0
    disagreeing = sorted(o for o in common if qds[o] != ck[o])
    if isinstance(qk.get("dawidSkene"), dict):
        print("qualkit dawidSkene: " + ", ".join(f"{k} {v}" for k, v in qk["dawidSkene"].items()
                                                  if not isinstance(v, (list, dict))))
    print(f"dawid-skene: qualkit and crowd-kit agree on {agree}/{len(ck)} objects = {100 * agreement:.3f}% "
          f"(target >= {100 * args.min_agreement:g}%)")
    if set(qds) != set(ck):
        problems.append(f"object sets differ: {len(set(qds) - set(ck))} only in qualkit, "
                        f"{len(set(ck) - set(qds))} only in crowd-kit")
    if agreement < args.min_agreement:
        problems.append(f"dawid-skene agreement {100 * agreement:.3f}% < {100 * args.min_agreement:g}%; "
                        f"first disagreeing objects: " +
                        ", ".join(f"{o} (qualkit {qds[o]}, crowd-kit {ck[o]})" for o in disagreeing[:10]))
    elif disagreeing:
        print("  disagreeing objects (first 10): " +
              ", ".join(f"{o} qualkit={qds[o]} crowd-kit={ck[o]}" for o in disagreeing[:10]))

    if args.majority:
        winners = {int(r["object"]): r["winners"].split("|") for r in csv.DictReader(open(args.majority))}
        bad = [int(r["object"]) for r in ql if r["majority"] not in winners.get(int(r["object"]), [])]
        ties = sum(1 for w in winners.values() if len(w) > 1)
        print(f"majority column is a most-voted label on {len(ql) - len(bad)}/{len(ql)} objects ({ties} objects tied)")
        if bad:
            problems.append(f"majority column not a most-voted label on {len(bad)} objects, first: " +
                            ", ".join(f"{o} (qualkit {next(r['majority'] for r in ql if int(r['object']) == o)}, "
                                      f"winners {'|'.join(winners.get(o, []))})" for o in bad[:5]))

    # Informative: consolidated column against the output manifest, and label accuracy against the truth.
    if args.output_manifest:
        names = []
        with open(args.output_manifest) as f:
            lines = [l for l in f.read().splitlines() if l.strip()]
        meta = list(json.loads(lines[0]).keys())[-1]
        names = [json.loads(l)[meta]["class-name"] for l in lines]
        bad = [int(r["object"]) for r in ql if r["consolidated"] != names[int(r["object"])]]
        print(f"object-labels consolidated column = output manifest class-name on {len(ql) - len(bad)}/{len(ql)} objects")
        if bad:
            problems.append(f"consolidated column differs from the output manifest on {len(bad)} objects, first: {bad[:10]}")
        mv = sum(1 for r in ql if r["majority"] == names[int(r["object"])])
        print(f"  qualkit majority = output manifest (generator's majority vote, ties broken at random) on {mv}/{len(ql)} objects")
    if args.truth:
        truth = {int(r["object"]): r["label"] for r in csv.DictReader(open(args.truth))}
        def acc(labels):
            return 100 * sum(1 for o, l in labels.items() if truth.get(o) == l) / len(labels)
        print(f"  against the generator's true labels: qualkit DS {acc(qds):.2f}%, crowd-kit DS {acc(ck):.2f}%, "
              f"qualkit majority {acc({int(r['object']): r['majority'] for r in ql}):.2f}%")

    if problems:
        print(f"FAILED: {len(problems)} problems")
        for p in problems[:40]:
            print("  " + p)
        if len(problems) > 40:
            print(f"  ... {len(problems) - 40} more")
        sys.exit(1)
    print("OK: metrics equal, dawid-skene agreement met")


if __name__ == "__main__":
    main()
