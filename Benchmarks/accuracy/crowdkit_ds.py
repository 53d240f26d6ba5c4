#!/usr/bin/env python3
"""Dawid-Skene labels of a Ground Truth text-classification job by crowd-kit (PyPI `crowd-kit`), the
reference for `qualkit accuracy --dawid-skene`.

    crowdkit_ds.py JOB_DIR --output ds.csv [--n-iter 100] [--tol 1e-5]

Reads every answer of every *.json under JOB_DIR/annotations/worker-response (object = the parent folder
name, the 0-based dataset index), builds the DataFrame crowd-kit expects (columns task, worker, label),
runs crowdkit.aggregation.DawidSkene(n_iter, tol).fit_predict (no gold: skill is estimated from the
responses alone, initialised from majority vote) and writes `object,label` sorted by object.
With --majority FILE also writes the majority-vote winners of every object (several when tied).
"""
import argparse
import json
import os
import sys
import time

import pandas as pd
from crowdkit.aggregation import DawidSkene


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("job")
    ap.add_argument("--output", required=True)
    ap.add_argument("--n-iter", type=int, default=100)
    ap.add_argument("--tol", type=float, default=1e-5)
    ap.add_argument("--majority", help="also write object,winners (the most-voted labels, '|'-joined when tied)")
    args = ap.parse_args()

    started = time.time()
    tasks, workers, labels = [], [], []
    root = os.path.join(args.job, "annotations", "worker-response")
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            if not name.endswith(".json"):
                continue
            index = int(os.path.basename(dirpath))
            with open(os.path.join(dirpath, name)) as f:
                for answer in json.load(f)["answers"]:
                    tasks.append(index)
                    workers.append(answer["workerId"])
                    labels.append(answer["answerContent"]["crowd-classifier"]["label"])
    df = pd.DataFrame({"task": tasks, "worker": workers, "label": labels})
    read_s = time.time() - started

    ds = DawidSkene(n_iter=args.n_iter, tol=args.tol)
    result = ds.fit_predict(df).sort_index()
    fit_s = time.time() - started - read_s

    with open(args.output, "w") as f:
        f.write("object,label\n")
        for task, label in result.items():
            f.write(f"{task},{label}\n")
    if args.majority:
        counts = df.groupby(["task", "label"]).size()
        top = counts.groupby(level="task").transform("max")
        winners = counts[counts == top].reset_index().groupby("task")["label"].agg(lambda ls: "|".join(sorted(ls)))
        with open(args.majority, "w") as f:
            f.write("object,winners\n")
            for task, w in winners.sort_index().items():
                f.write(f"{task},{w}\n")
    print(f"crowd-kit DawidSkene: {len(df)} responses, {len(result)} objects, {len(ds.loss_history_)} EM iterations, "
          f"read {read_s:.1f} s, fit {fit_s:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
