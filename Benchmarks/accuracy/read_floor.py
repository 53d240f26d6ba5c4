#!/usr/bin/env python3
"""Read-only floor of the Python side: walks JOB/annotations/worker-response like notebook_metrics.py and
reads every *.json file's bytes, parsing nothing. notebook_metrics.py minus this = JSON parsing + metrics.

    read_floor.py JOB_DIR
"""
import os
import sys

total = files = 0
for dirpath, _, filenames in os.walk(os.path.join(sys.argv[1], "annotations", "worker-response")):
    for name in filenames:
        if name.endswith(".json"):
            with open(os.path.join(dirpath, name), "rb") as f:
                total += len(f.read())
            files += 1
print(f"{files} files, {total} bytes")
