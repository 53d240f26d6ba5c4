#!/usr/bin/env python3
"""Writes a synthetic SageMaker Ground Truth text-classification job in the Ground Truth file layout.

    generate.py OUT [--objects 100000] [--per-object 10] [--pool 200] [--seed 7]
                    [--gold-fraction 0.05] [--split-fraction 0.0] [--batch 10000]

OUT/
  dataset.manifest                 {"source": "..."} per line (the input manifest; line i = object i)
  golden.manifest                  {"17": "animal"} per line (~5% of objects; a few lines hold two pairs)
  truth.csv                        object,label (the generator's true label of every object; not GT output)
  workers.csv                      worker,kind,skill,responses (the simulated pool; not GT output)
  JOB/                             the labeling-job folder (pass it as --job)
    manifests/output/output.manifest
    annotations/worker-response/iteration-N/<index>/<YYYY-MM-DD_HH:MM:SS>.json
    annotations/consolidated-annotation/consolidation-response/iteration-N/<timestamp>.json

Formats follow ../../../shared/spec/groundtruth-formats.md: each worker-response file is one line
{"answers":[...]} with the answer keys in alphabetical order, public (MTurk) workers without
workerMetadata; the output manifest line is the input line plus "<attr>": class index and
"<attr>-metadata" (the last key) with class-name, confidence, job-name, ...; consolidation is a plain
majority vote (ties broken by the seeded generator) with the vote share as confidence.
By default all answers of an object are in one file; --split-fraction F writes one file per answer for
a fraction F of the objects. Everything is a function of --seed.
"""
import argparse
import datetime as dt
import os
import random
import sys
import time

CLASSES = ["person", "animal", "plant"]
PRIORS = [0.5, 0.3, 0.2]
JOB = "text-classification-bench"
ATTR = JOB

SUBJECTS = {
    "person": ["The teacher", "My neighbour", "A young doctor", "The old fisherman", "Her brother", "The mayor",
               "A tired nurse", "The pilot", "Our coach", "The baker"],
    "animal": ["The fox", "A stray dog", "The grey heron", "An old tortoise", "The cat", "A herd of goats",
               "The barn owl", "A small lizard", "The horse", "A red squirrel"],
    "plant": ["The oak tree", "A climbing rose", "The fern", "Wild garlic", "The young birch", "A cactus",
              "The ivy", "Tall sunflowers", "The moss", "An apple tree"],
}
PREDICATES = ["crossed the road", "stood by the river", "grew near the fence", "waited in the rain",
              "was seen at dawn", "leaned towards the light", "rested in the shade", "appeared after the storm",
              "stayed in the garden all summer", "was there when we arrived"]

# Worker kinds: (share of the pool, how a worker of that kind answers)
KINDS = [("expert", 0.30), ("good", 0.40), ("weak", 0.15), ("random", 0.08), ("adversarial", 0.07)]


def make_pool(rng, size):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    pool, seen = [], set()
    cum = []
    acc = 0.0
    for kind, share in KINDS:
        acc += share
        cum.append((acc, kind))
    for i in range(size):
        while True:
            wid = "public.us-east-1.A" + "".join(rng.choice(alphabet) for _ in range(13))
            if wid not in seen:
                seen.add(wid)
                break
        r = rng.random()
        kind = next(k for c, k in cum if r < c) if r < cum[-1][0] else cum[-1][1]
        if kind == "expert":
            skill = rng.uniform(0.90, 0.99)
        elif kind == "good":
            skill = rng.uniform(0.72, 0.90)
        elif kind == "weak":
            skill = rng.uniform(0.45, 0.72)
        elif kind == "random":
            skill = 1.0 / 3.0
        else:
            skill = rng.uniform(0.6, 0.85)  # probability of giving the shifted (wrong) class
        # Some workers do far more work than others (long-tailed activity, as on MTurk).
        activity = rng.paretovariate(1.5)
        # A per-worker bias towards one class when wrong (confusions are not uniform).
        bias = rng.randrange(3)
        pool.append((wid, kind, skill, activity, bias))
    return pool


def answer(rng, worker, truth):
    _, kind, skill, _, bias = worker
    r = rng.random()
    if kind == "random":
        return rng.randrange(3)
    if kind == "drive-by":
        return truth if r < skill else rng.randrange(3)
    if kind == "adversarial":
        return (truth + 1) % 3 if r < skill else rng.randrange(3)
    if r < skill:
        return truth
    others = [c for c in range(3) if c != truth]
    if bias in others and rng.random() < 0.7:
        return bias
    return rng.choice(others)


def iso_ms(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--objects", type=int, default=100_000)
    ap.add_argument("--per-object", type=int, default=10, help="workers per object")
    ap.add_argument("--pool", type=int, default=200, help="number of distinct workers")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--gold-fraction", type=float, default=0.05)
    ap.add_argument("--split-fraction", type=float, default=0.0,
                    help="fraction of objects written as one file per answer instead of one file per object")
    ap.add_argument("--drive-by", type=int, default=4,
                    help="extra workers who answer only 1-3 non-gold objects each (gold accuracy absent)")
    ap.add_argument("--batch", type=int, default=10_000, help="objects per iteration-N folder")
    args = ap.parse_args()
    if args.per_object > args.pool:
        sys.exit("--per-object must not exceed --pool")

    started = time.time()
    rng = random.Random(args.seed)
    pool = make_pool(rng, args.pool)
    main_pool = len(pool)
    weights = [w[3] for w in pool]
    cum_weights = []
    total = 0.0
    for w in weights:
        total += w
        cum_weights.append(total)

    out = args.out
    job = os.path.join(out, JOB)
    wr_root = os.path.join(job, "annotations", "worker-response")
    cons_root = os.path.join(job, "annotations", "consolidated-annotation", "consolidation-response")
    os.makedirs(os.path.join(job, "manifests", "output"), exist_ok=True)

    base = dt.datetime(2020, 12, 28, 18, 0, 0)
    n = args.objects
    truths = rng.choices(range(3), weights=PRIORS, k=n)
    gold_set = set(rng.sample(range(n), int(round(n * args.gold_fraction))))
    # Drive-by workers: each takes the last seat of 1-3 non-gold objects, so they never see gold.
    drive_slots = {}
    for j in range(args.drive_by):
        pool.append((f"public.us-east-1.ADRIVEBY{j:05d}", "drive-by", 0.8, 0.0, rng.randrange(3)))
        for _ in range(rng.randint(1, 3)):
            while True:
                o = rng.randrange(n)
                if o not in gold_set and o not in drive_slots:
                    drive_slots[o] = len(pool) - 1
                    break
    counts = [0] * len(pool)

    dataset = open(os.path.join(out, "dataset.manifest"), "w")
    output = open(os.path.join(job, "manifests", "output", "output.manifest"), "w")
    truth_csv = open(os.path.join(out, "truth.csv"), "w")
    truth_csv.write("object,label\n")
    files = 0
    cons_entries = []
    iteration = 0
    iter_dir = None
    for i in range(n):
        if i % args.batch == 0:
            if cons_entries:
                write_consolidation(cons_root, iteration, cons_entries, clock)
                files += 1
                cons_entries = []
            iteration += 1
            iter_dir = os.path.join(wr_root, f"iteration-{iteration}")
            os.makedirs(iter_dir, exist_ok=True)
        truth = truths[i]
        c = CLASSES[truth]
        text = f"{rng.choice(SUBJECTS[c])} {rng.choice(PREDICATES)}."
        dataset.write('{"source": "%s"}\n' % text)
        truth_csv.write(f"{i},{c}\n")

        # Distinct workers for this object, drawn by activity.
        chosen = []
        picked = set()
        while len(chosen) < args.per_object:
            for w in rng.choices(range(main_pool), cum_weights=cum_weights, k=args.per_object * 2):
                if w not in picked:
                    picked.add(w)
                    chosen.append(w)
                    if len(chosen) == args.per_object:
                        break
        if i in drive_slots:
            chosen[-1] = drive_slots[i]
        # The object's batch is posted at some time; each worker accepts and submits after it.
        clock = base + dt.timedelta(seconds=i * 3 + rng.randrange(3))
        entries = []
        votes = [0, 0, 0]
        for w in chosen:
            worker = pool[w]
            counts[w] += 1
            label = answer(rng, worker, truth)
            votes[label] += 1
            accept = clock + dt.timedelta(milliseconds=rng.randrange(0, 600_000))
            spent = rng.randrange(3_000, 90_000)
            submit = accept + dt.timedelta(milliseconds=spent + rng.randrange(0, 5_000))
            entry = ('{"acceptanceTime":"%s","answerContent":{"crowd-classifier":{"label":"%s"}},'
                     '"submissionTime":"%s","timeSpentInSeconds":%.3f,"workerId":"%s"}'
                     % (iso_ms(accept), CLASSES[label], iso_ms(submit), spent / 1000.0, worker[0]))
            entries.append((submit, entry))

        obj_dir = os.path.join(iter_dir, str(i))
        os.mkdir(obj_dir)
        if args.split_fraction > 0 and rng.random() < args.split_fraction:
            used = set()
            for submit, entry in entries:
                name = submit.strftime("%Y-%m-%d_%H:%M:%S")
                while name in used:  # two answers submitted in the same second
                    submit += dt.timedelta(seconds=1)
                    name = submit.strftime("%Y-%m-%d_%H:%M:%S")
                used.add(name)
                with open(os.path.join(obj_dir, name + ".json"), "w") as f:
                    f.write('{"answers":[' + entry + "]}")
                files += 1
        else:
            last = max(s for s, _ in entries)
            with open(os.path.join(obj_dir, last.strftime("%Y-%m-%d_%H:%M:%S") + ".json"), "w") as f:
                f.write('{"answers":[' + ",".join(e for _, e in entries) + "]}")
            files += 1

        # Consolidation: majority vote, ties broken at random (seeded), vote share as confidence.
        top = max(votes)
        winners = [k for k in range(3) if votes[k] == top]
        label = winners[0] if len(winners) == 1 else rng.choice(winners)
        conf = round(top / args.per_object, 2)
        done = max(s for s, _ in entries) + dt.timedelta(seconds=30)
        created = done.strftime("%Y-%m-%dT%H:%M:%S.") + f"{done.microsecond:06d}"
        meta = ('{"confidence": %s, "job-name": "labeling-job/%s", "class-name": "%s", "human-annotated": "yes", '
                '"creation-date": "%s", "type": "groundtruth/text-classification"}'
                % (conf, JOB.lower(), CLASSES[label], created))
        output.write('{"source": "%s", "%s": %d, "%s-metadata": %s}\n' % (text, ATTR, label, ATTR, meta))
        cons_entries.append('{"datasetObjectId":"%d","consolidatedAnnotation":{"content":{"%s":%d,"%s-metadata":%s}}}'
                            % (i, ATTR, label, ATTR, meta))
    if cons_entries:
        write_consolidation(cons_root, iteration, cons_entries, clock)
        files += 1
    dataset.close()
    output.close()
    truth_csv.close()

    # Golden manifest: one pair per line, except every 50th line which carries two pairs (the spec's
    # reader takes every pair of every line).
    gold = sorted(gold_set)
    rng.shuffle(gold)
    with open(os.path.join(out, "golden.manifest"), "w") as f:
        k = 0
        line_no = 0
        while k < len(gold):
            take = 2 if line_no % 50 == 49 and k + 1 < len(gold) else 1
            pairs = ", ".join('"%d": "%s"' % (g, CLASSES[truths[g]]) for g in gold[k:k + take])
            f.write("{" + pairs + "}\n")
            k += take
            line_no += 1

    with open(os.path.join(out, "workers.csv"), "w") as f:
        f.write("worker,kind,skill,responses\n")
        for (wid, kind, skill, _, _), cnt in zip(pool, counts):
            f.write(f"{wid},{kind},{skill:.4f},{cnt}\n")

    print(f"{n} objects x {args.per_object} = {n * args.per_object} responses by {sum(1 for c in counts if c)} workers, "
          f"{len(gold)} gold, {files} files, {iteration} iterations, {time.time() - started:.1f} s -> {out}",
          file=sys.stderr)


def write_consolidation(root, iteration, entries, clock):
    d = os.path.join(root, f"iteration-{iteration}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, clock.strftime("%Y-%m-%d_%H:%M:%S") + ".json"), "w") as f:
        f.write("[" + ",".join(entries) + "]")


if __name__ == "__main__":
    main()
