#!/usr/bin/env python3
"""The same load as qualkit-load, through boto3: N threads, each with its own boto3 client (so its own connection),
each making GRANTS AssociateQualificationWithWorker calls to new workers and a GetQualificationScore after every
READ_EVERY-th grant. No retries, so every failure is counted.

usage: boto3_load.py ENDPOINT TYPE_ID CONNECTIONS GRANTS READ_EVERY PREFIX   (credentials as boto3 reads them)
Prints the same RESULT line as qualkit-load.
"""
import math
import sys
import threading
import time
from collections import Counter

import boto3
from botocore.config import Config


def worker_id(prefix, connection, n):
    def b36(x):
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        out = ""
        while True:
            x, r = divmod(x, 36)
            out = digits[r] + out
            if x == 0:
                return out
    body = f"{prefix}{b36(connection)}X{b36(n)}"
    return "A" + "0" * max(0, 13 - len(body)) + body


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, math.ceil(p * len(sorted_values)) - 1))
    return sorted_values[rank]


def main():
    endpoint, type_id = sys.argv[1], sys.argv[2]
    connections, grants, read_every = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    prefix = sys.argv[6]
    config = Config(retries={"max_attempts": 1, "mode": "standard"}, max_pool_connections=1)
    session = boto3.session.Session()
    clients = [session.client("mturk", endpoint_url=endpoint, region_name="us-east-1", config=config)
               for _ in range(connections)]
    grant_lat, read_lat = [[] for _ in range(connections)], [[] for _ in range(connections)]
    acked, reads_ok, mismatches = [0] * connections, [0] * connections, [0] * connections
    failures = [Counter() for _ in range(connections)]

    def run(c):
        client = clients[c]
        for n in range(grants):
            t = time.perf_counter()
            try:
                client.associate_qualification_with_worker(QualificationTypeId=type_id, WorkerId=worker_id(prefix, c, n),
                                                           IntegerValue=n % 101, SendNotification=False)
            except Exception as e:  # noqa: BLE001 - counted, the load goes on
                failures[c][type(e).__name__] += 1
                continue
            grant_lat[c].append(time.perf_counter() - t)
            acked[c] += 1
            if (n + 1) % read_every == 0:
                earlier = (n * 7919) % (n + 1)
                t = time.perf_counter()
                try:
                    r = client.get_qualification_score(QualificationTypeId=type_id, WorkerId=worker_id(prefix, c, earlier))
                except Exception as e:  # noqa: BLE001
                    failures[c]["read: " + type(e).__name__] += 1
                    continue
                read_lat[c].append(time.perf_counter() - t)
                reads_ok[c] += 1
                if r["Qualification"].get("IntegerValue") != earlier % 101:
                    mismatches[c] += 1

    threads = [threading.Thread(target=run, args=(c,)) for c in range(connections)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    g = sorted(x for l in grant_lat for x in l)
    r = sorted(x for l in read_lat for x in l)
    total_failures = sum(sum(f.values()) for f in failures)
    calls = len(g) + len(r)
    ms = lambda s: f"{s * 1000:.2f}"  # noqa: E731
    print(f"connections {connections}, grants/connection {grants}, a read after every {read_every} grants")
    print(f"wall {seconds:.2f} s, {calls} calls, {calls / seconds:.0f} calls/s, {sum(acked) / seconds:.0f} grants/s")
    print(f"grant latency ms: p50 {ms(percentile(g, .5))} p90 {ms(percentile(g, .9))} p99 {ms(percentile(g, .99))} max {ms(g[-1] if g else 0)}")
    print(f"read  latency ms: p50 {ms(percentile(r, .5))} p90 {ms(percentile(r, .9))} p99 {ms(percentile(r, .99))} max {ms(r[-1] if r else 0)}")
    print(f"grants acknowledged {sum(acked)}; reads acknowledged {sum(reads_ok)}; reads with a wrong value {sum(mismatches)}")
    merged = Counter()
    for f in failures:
        merged.update(f)
    for what, n in sorted(merged.items()):
        print(f"failed: {n} × {what}")
    print(f"RESULT grants_acked={sum(acked)} failures={total_failures} mismatches={sum(mismatches)} "
          f"grants_per_s={int(sum(acked) / seconds)} p50_ms={ms(percentile(g, .5))} p99_ms={ms(percentile(g, .99))}")
    sys.exit(0 if total_failures == 0 and sum(mismatches) == 0 else 1)


if __name__ == "__main__":
    main()
