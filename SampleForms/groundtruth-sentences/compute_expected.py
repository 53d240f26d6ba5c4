#!/usr/bin/env python3
"""Independent check of the sample's per-worker metrics (standard library only, no QualKit code).

Reads the job the way the AWS "Identify Worker Accuracy" notebook does (every answer of every .json file under
annotations/worker-response, index = parent folder; golden.manifest pairs; output.manifest class-name), but
leaves gold accuracy empty when a worker saw no gold, skips the failed object (no class-name) in the
consolidated accuracy, and adds Wilson intervals and the weighted gold score with person=2 (others 1).
Writes expected-metrics.csv beside this file. Run: python3 compute_expected.py
"""
import csv, json, math, os

here = os.path.dirname(os.path.abspath(__file__))
z = 1.959963984540054
weights = {"person": 2.0}

gold = {}
for line in open(os.path.join(here, "golden.manifest")):
    if line.strip():
        gold.update(json.loads(line))
consolidated = {}
lines = [l for l in open(os.path.join(here, "manifests/output/output.manifest")) if l.strip()]
for i, line in enumerate(lines):
    meta = json.loads(line)["sentences-metadata"]
    if "class-name" in meta:
        consolidated[str(i)] = meta["class-name"]

answers = {}  # worker -> list of (index, label)
root = os.path.join(here, "annotations/worker-response")
for dirpath, _, files in os.walk(root):
    for name in files:
        if name.endswith(".json"):
            index = os.path.basename(dirpath)
            for a in json.load(open(os.path.join(dirpath, name)))["answers"]:
                answers.setdefault(a["workerId"], []).append((index, a["answerContent"]["crowd-classifier"]["label"]))

def wilson(k, n):
    p = k / n
    d = 1 + z * z / n
    c = p + z * z / (2 * n)
    m = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (c - m) / d), min(1.0, (c + m) / d)

def f(x):
    return "" if x is None else "%.6f" % x

rows = []
for w in sorted(answers):
    a = answers[w]
    g = [(i, l) for i, l in a if i in gold]
    gk = sum(1 for i, l in g if gold[i] == l)
    c = [(i, l) for i, l in a if i in consolidated]
    ck = sum(1 for i, l in c if consolidated[i] == l)
    ga = gk / len(g) if g else None
    gi = wilson(gk, len(g)) if g else (None, None)
    ca = ck / len(c) if c else None
    ci = wilson(ck, len(c)) if c else (None, None)
    ws = sum(weights.get(gold[i], 1.0) for i, _ in g)
    wk = sum(weights.get(gold[i], 1.0) for i, l in g if gold[i] == l)
    wa = wk / ws if g and ws > 0 else None
    rows.append([w, len(a), len({i for i, _ in a}), len(g), f(ga), f(gi[0]), f(gi[1]), f(ca), f(ci[0]), f(ci[1]), f(wa)])

with open(os.path.join(here, "expected-metrics.csv"), "w", newline="") as out:
    wr = csv.writer(out, lineterminator="\n")
    wr.writerow(["workerId", "responses", "objects", "goldResponses", "goldAccuracy", "goldIntervalLow", "goldIntervalHigh",
                 "consolidatedAccuracy", "consolidatedIntervalLow", "consolidatedIntervalHigh", "weightedGoldAccuracy"])
    wr.writerows(rows)
