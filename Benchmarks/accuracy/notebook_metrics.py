#!/usr/bin/env python3
"""Per-worker accuracy of a Ground Truth text-classification job, computed the way AWS's
"Identify Worker Accuracy" notebook does it (see ../../../shared/spec/groundtruth-formats.md §6),
in plain Python with the standard library only: what a tutorial user runs.

    notebook_metrics.py JOB_DIR --gold golden.manifest [--dataset dataset.manifest] [--output out.json]

Like the notebook: gold map = every pair of every golden line; consolidated map = output manifest line i
-> line[<last key of the first line>]["class-name"]; every *.json under annotations/worker-response (all
iterations), index = parent folder name, every answer appended to a list per workerId with a gold
score (1/0, or -1 when the object has no gold) and a consolidated score (1/0).

Extended to what `qualkit accuracy --format json` reports (scalar fields only):
responses, objects (distinct), goldResponses, goldAccuracy (None, not the notebook's 0, when the worker
saw no gold), consolidatedAccuracy, and 95% Wilson intervals for both.
"""
import argparse
import json
import math
import os
import sys

Z95 = 1.959963984540054  # two-sided 95% normal quantile


def wilson(k, n, z=Z95):
    if n == 0:
        return None
    p = k / n
    z2 = z * z
    denom = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return [max(0.0, center - half), min(1.0, center + half)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("job")
    ap.add_argument("--gold", help="golden.manifest (JSON Lines of {\"index\": \"label\"})")
    ap.add_argument("--dataset", help="dataset.manifest (only used to count objects)")
    ap.add_argument("--output", help="write the JSON here (default stdout)")
    ap.add_argument("--z", type=float, default=Z95, help="normal quantile of the Wilson interval")
    args = ap.parse_args()

    # 1. Gold map (notebook: read golden manifest, every key/value of every line).
    gold = {}
    if args.gold:
        with open(args.gold) as f:
            for line in f.read().splitlines():
                if line.strip():
                    for key_, value_ in json.loads(line).items():
                        gold[key_] = value_

    # 2. Consolidated labels from the output manifest (metadata key = last key of the first line).
    with open(os.path.join(args.job, "manifests", "output", "output.manifest")) as f:
        content_list = [line for line in f.read().splitlines() if line.strip()]
    metadata_key = list(json.loads(content_list[0]).keys())[-1]
    consolidated = {}
    for i, line in enumerate(content_list):
        consolidated[str(i)] = json.loads(line)[metadata_key]["class-name"]

    # 3. Every worker response of every iteration.
    worker_gt = {}
    worker_cons = {}
    worker_objects = {}
    classes = set(consolidated.values()) | set(gold.values())
    responses = 0
    root = os.path.join(args.job, "annotations", "worker-response")
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            if not name.endswith(".json"):
                continue
            key = os.path.join(dirpath, name)
            index = key.split("/")[-2]
            with open(key) as f:
                annotations = json.load(f)
            for answer in annotations["answers"]:
                label = answer["answerContent"]["crowd-classifier"]["label"]
                worker = answer["workerId"]
                classes.add(label)
                responses += 1
                gt_score = -1
                if index in gold:
                    gt_score = 1 if gold[index] == label else 0
                cons_score = 1 if consolidated[index] == label else 0
                worker_gt.setdefault(worker, []).append(gt_score)
                worker_cons.setdefault(worker, []).append(cons_score)
                worker_objects.setdefault(worker, set()).add(index)

    # 4. Per-worker metrics.
    workers = []
    for worker in sorted(worker_gt):
        gt_scores = [s for s in worker_gt[worker] if s != -1]
        cons_scores = worker_cons[worker]
        n_gold = len(gt_scores)
        gold_right = sum(gt_scores)
        cons_right = sum(cons_scores)
        workers.append({
            "workerId": worker,
            "responses": len(cons_scores),
            "objects": len(worker_objects[worker]),
            "goldResponses": n_gold,
            "goldAccuracy": gold_right / n_gold if n_gold else None,
            "goldInterval": wilson(gold_right, n_gold, args.z),
            "consolidatedAccuracy": cons_right / len(cons_scores),
            "consolidatedInterval": wilson(cons_right, len(cons_scores), args.z),
        })

    if args.dataset:
        with open(args.dataset) as f:
            objects = sum(1 for line in f if line.strip())
    else:
        objects = len(content_list)
    result = {
        "source": args.job,
        "objects": objects,
        "responses": responses,
        "classes": sorted(classes),
        "consolidation": "output-manifest",
        "workers": workers,
    }
    text = json.dumps(result, indent=2)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
