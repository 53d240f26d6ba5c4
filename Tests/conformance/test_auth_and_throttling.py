"""SigV4 against the server's keys, MTurk's error shapes for bad requests, simulated throttling and restarts."""
import datetime
import json
import urllib.request
from unittest import mock

import pytest
from botocore.exceptions import ClientError

from conftest import Server


def test_wrong_secret_is_refused(server):
    bad = server.client(secret="x" * 40, retries={"max_attempts": 1})
    with pytest.raises(ClientError) as e:
        bad.list_qualification_types(MustBeRequestable=False)
    assert e.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unknown_access_key_is_refused(server):
    with pytest.raises(ClientError) as e:
        server.client(key_id="QKIANOSUCHKEY0000000", retries={"max_attempts": 1}).list_qualification_types(MustBeRequestable=False)
    assert e.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_revoked_key_is_refused(server):
    key_id, secret = server.new_key()
    server.cli("keys", "revoke", key_id, "--db", server.db)
    assert key_id in server.cli("keys", "list", "--db", server.db)
    assert secret not in server.cli("keys", "list", "--db", server.db)
    with pytest.raises(ClientError) as e:
        server.client(key_id, secret, retries={"max_attempts": 1}).list_qualification_types(MustBeRequestable=False)
    assert e.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_tampered_body_is_refused(server):
    client = server.client(retries={"max_attempts": 1})

    def tamper(request, **_):
        request.body = request.body.replace(b'"MustBeRequestable": false', b'"MustBeRequestable": true ')

    client.meta.events.register("before-send.mturk.ListQualificationTypes", tamper)
    with pytest.raises(ClientError) as e:
        client.list_qualification_types(MustBeRequestable=False)
    assert e.value.response["Error"]["Code"] == "InvalidSignatureException"


def test_old_signature_is_refused(server):
    client = server.client(retries={"max_attempts": 1})
    old = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=6)
    with mock.patch("botocore.auth.get_current_datetime", return_value=old):
        with pytest.raises(ClientError) as e:
            client.list_qualification_types(MustBeRequestable=False)
    assert e.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert "Signature expired" in e.value.response["Error"]["Message"]


def test_unsigned_and_unknown_target(server):
    def post(headers, body=b"{}"):
        request = urllib.request.Request(server.endpoint + "/", data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())
    status, body = post({"Content-Type": "application/x-amz-json-1.1",
                         "X-Amz-Target": "MTurkRequesterServiceV20170117.ListQualificationTypes"})
    assert status == 403 and body["__type"] == "MissingAuthenticationTokenException"
    status, body = post({"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "MTurkRequesterServiceV20170117.CreateHIT"})
    assert status == 400 and "__type" in body and "Message" in body


def test_throttling_is_recovered_by_boto3_retries(tmp_path):
    s = Server(tmp_path, throttling=0.3)
    try:
        patient = s.client(retries={"max_attempts": 12, "mode": "standard"})
        for _ in range(20):
            patient.list_qualification_types(MustBeRequestable=False)  # every call ends well
        # botocore's max_attempts counts retries (1 = two tries: both throttled in only 9% of calls, so all 30 calls
        # went through in 6% of runs); total_max_attempts 1 is a single try: 30 of them all pass in 0.7^30 = 2e-5.
        impatient = s.client(retries={"total_max_attempts": 1, "mode": "standard"})
        codes = []
        for _ in range(30):
            try:
                impatient.list_qualification_types(MustBeRequestable=False)
            except ClientError as e:
                codes.append((e.response["Error"]["Code"], e.response["Error"]["Message"]))
        assert codes and all(c == ("ThrottlingException", "Rate exceeded") for c in codes)
    finally:
        s.stop()


def test_restart_keeps_everything(tmp_path):
    s = Server(tmp_path)
    try:
        client = s.client()
        tid = client.create_qualification_type(Name="Survives restarts", Description="d",
                                               QualificationTypeStatus="Active")["QualificationType"]["QualificationTypeId"]
        client.associate_qualification_with_worker(QualificationTypeId=tid, WorkerId="A1STAYS", IntegerValue=9)
    finally:
        s.stop()
    import subprocess, re
    again = subprocess.Popen([s.binary, "serve", "--db", s.db, "--port", "0"], cwd=tmp_path, stdout=subprocess.PIPE, text=True)
    try:
        port = int(re.search(r"127\.0\.0\.1:(\d+)", again.stdout.readline()).group(1))
        s.endpoint = f"http://127.0.0.1:{port}"
        client = s.client()
        assert client.get_qualification_type(QualificationTypeId=tid)["QualificationType"]["Name"] == "Survives restarts"
        assert client.get_qualification_score(QualificationTypeId=tid, WorkerId="A1STAYS")["Qualification"]["IntegerValue"] == 9
    finally:
        again.terminate()
        again.wait(timeout=10)


def test_concurrent_grants_are_all_kept(server, mturk, name):
    from concurrent.futures import ThreadPoolExecutor
    tid = mturk.create_qualification_type(Name=name, Description="d", QualificationTypeStatus="Active")["QualificationType"]["QualificationTypeId"]
    clients = [server.client() for _ in range(8)]

    def grant(i):
        clients[i % 8].associate_qualification_with_worker(QualificationTypeId=tid, WorkerId=f"A{i}PAR", IntegerValue=i, SendNotification=False)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(grant, range(200)))
    workers = [q for p in mturk.get_paginator("list_workers_with_qualification_type").paginate(QualificationTypeId=tid)
               for q in p["Qualifications"]]
    assert len(workers) == 200 and {q["IntegerValue"] for q in workers} == set(range(200))
