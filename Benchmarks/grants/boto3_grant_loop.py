#!/usr/bin/env python3
"""The way MTurk tutorials grant a qualification to a list of workers: one boto3 call after another.

usage: boto3_grant_loop.py ENDPOINT TYPE_ID GRANTS_CSV   (credentials from the environment, as boto3 reads them)
Prints "granted N failed M seconds S". boto3's own retry mode (legacy, 5 attempts) handles throttling.
"""
import csv
import sys
import time

import boto3
from botocore.config import Config


def main():
    endpoint, type_id, path = sys.argv[1:4]
    client = boto3.client("mturk", endpoint_url=endpoint, region_name="us-east-1",
                          config=Config(retries={"max_attempts": 10, "mode": "standard"}))
    rows = [r for r in csv.reader(open(path)) if r and r[0] != "worker"]
    start = time.monotonic()
    granted = failed = 0
    for worker, value in rows:
        try:
            client.associate_qualification_with_worker(QualificationTypeId=type_id, WorkerId=worker,
                                                       IntegerValue=int(value), SendNotification=False)
            granted += 1
        except Exception as e:  # noqa: BLE001 - a benchmark counts failures, it does not stop
            failed += 1
            print(f"failed {worker}: {e}", file=sys.stderr)
    print(f"granted {granted} failed {failed} seconds {time.monotonic() - start:.2f}")


if __name__ == "__main__":
    main()
