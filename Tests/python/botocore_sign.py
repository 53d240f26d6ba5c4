#!/usr/bin/env python3
"""Signs request descriptions with botocore's own SigV4Auth, for QualKit's differential signing test.

stdin: a JSON list of {"method", "url", "headers": [[name, value], ...], "body", "amzDate", "accessKeyId",
"secretAccessKey", "sessionToken" (optional), "service", "region"}; stdout: a JSON list of the Authorization
header botocore computes for each.
"""
import datetime
import json
import sys
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(d):
    creds = Credentials(d["accessKeyId"], d["secretAccessKey"], d.get("sessionToken"))
    request = AWSRequest(method=d["method"], url=d["url"], data=d["body"].encode("utf-8"), headers=dict(d["headers"]))
    fixed = datetime.datetime.strptime(d["amzDate"], "%Y%m%dT%H%M%SZ")
    with mock.patch("botocore.auth.get_current_datetime", return_value=fixed):
        SigV4Auth(creds, d["service"], d["region"]).add_auth(request)
    return request.headers["Authorization"]


if __name__ == "__main__":
    print(json.dumps([sign(d) for d in json.load(sys.stdin)]))
