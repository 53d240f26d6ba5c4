"""Grants, scores, revocations, worker listings, qualification requests (made through the worker portal) and NotifyWorkers."""
import datetime
import re
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from botocore.exceptions import ClientError

from conftest import sample

NS_ANS = "{http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/QuestionFormAnswers.xsd}"


def new_type(mturk, name, **extra):
    return mturk.create_qualification_type(Name=name, Description="d", QualificationTypeStatus="Active",
                                           **extra)["QualificationType"]["QualificationTypeId"]


def test_associate_score_and_disassociate(mturk, name):
    tid = new_type(mturk, name)
    mturk.associate_qualification_with_worker(QualificationTypeId=tid, WorkerId="A1GRANT")
    q = mturk.get_qualification_score(QualificationTypeId=tid, WorkerId="A1GRANT")["Qualification"]
    assert (q["QualificationTypeId"], q["WorkerId"], q["IntegerValue"], q["Status"]) == (tid, "A1GRANT", 1, "Granted")
    assert isinstance(q["GrantTime"], datetime.datetime)
    mturk.associate_qualification_with_worker(QualificationTypeId=tid, WorkerId="A1GRANT", IntegerValue=-12, SendNotification=False)
    assert mturk.get_qualification_score(QualificationTypeId=tid, WorkerId="A1GRANT")["Qualification"]["IntegerValue"] == -12
    mturk.disassociate_qualification_from_worker(QualificationTypeId=tid, WorkerId="A1GRANT", Reason="moved on")
    assert mturk.get_qualification_score(QualificationTypeId=tid, WorkerId="A1GRANT")["Qualification"]["Status"] == "Revoked"
    with pytest.raises(ClientError) as e:
        mturk.disassociate_qualification_from_worker(QualificationTypeId=tid, WorkerId="A1GRANT")
    assert e.value.response["Error"]["Code"] == "RequestError"


def test_score_of_a_worker_without_the_qualification(mturk, name):
    tid = new_type(mturk, name)
    with pytest.raises(ClientError) as e:
        mturk.get_qualification_score(QualificationTypeId=tid, WorkerId="A9NOBODY")
    assert e.value.response["Error"]["Code"] == "RequestError"
    assert "You requested a Qualification that does not exist." in e.value.response["Error"]["Message"]
    assert e.value.response.get("TurkErrorCode") == "AWS.MechanicalTurk.QualificationDoesNotExist"


def test_invalid_worker_id(mturk, name):
    tid = new_type(mturk, name)
    with pytest.raises(ClientError) as e:
        mturk.associate_qualification_with_worker(QualificationTypeId=tid, WorkerId="not-a-worker", IntegerValue=1)
    assert e.value.response["Error"]["Code"] == "ParameterValidationError"
    assert "is not valid for the parameter WorkerId" in e.value.response["Error"]["Message"]


def test_list_workers_paginates_and_filters(mturk, name):
    tid = new_type(mturk, name)
    for i in range(7):
        mturk.associate_qualification_with_worker(QualificationTypeId=tid, WorkerId=f"A{i}LIST", IntegerValue=i, SendNotification=False)
    mturk.disassociate_qualification_from_worker(QualificationTypeId=tid, WorkerId="A0LIST")
    pages = list(mturk.get_paginator("list_workers_with_qualification_type").paginate(
        QualificationTypeId=tid, Status="Granted", PaginationConfig={"PageSize": 3}))
    assert [p["NumResults"] for p in pages] == [3, 3]
    assert sorted(q["WorkerId"] for p in pages for q in p["Qualifications"]) == [f"A{i}LIST" for i in range(1, 7)]
    revoked = mturk.list_workers_with_qualification_type(QualificationTypeId=tid, Status="Revoked")["Qualifications"]
    assert [q["WorkerId"] for q in revoked] == ["A0LIST"]


def test_notify_workers(mturk):
    r = mturk.notify_workers(Subject="News", MessageText="More HITs on Monday", WorkerIds=["A1NEWS", "bad worker"])
    assert [s["WorkerId"] for s in r["NotifyWorkersFailureStatuses"]] == ["bad worker"]
    with pytest.raises(ClientError) as e:
        mturk.notify_workers(Subject="s" * 201, MessageText="m", WorkerIds=["A1NEWS"])
    assert e.value.response["Error"]["Code"] == "ParameterValidationError"


# --- the worker portal, over HTTP, the way a browser posts it ---

def worker_link(server, tid, worker):
    out = server.cli("link", tid, "--worker", worker, "--db", server.db, "--base-url", server.endpoint)
    return out.strip().splitlines()[-1]


def http(url, fields=None):
    data = urllib.parse.urlencode(fields, doseq=True).encode() if fields is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def hidden_fields(html):
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def answer_fields(form_path, answers_path):
    """The fields a worker posts to give the sample answers (q<N>.sel = index of the selection in question N)."""
    form = ET.fromstring(sample(form_path))
    ns = form.tag[:form.tag.index("}") + 1]  # either QuestionForm version
    questions = form.findall(f"{ns}Question")
    answers = ET.fromstring(sample(answers_path))
    fields = []
    for a in answers.findall(f"{NS_ANS}Answer"):
        qid = a.find(f"{NS_ANS}QuestionIdentifier").text
        i = next(n for n, q in enumerate(questions) if q.find(f"{ns}QuestionIdentifier").text == qid)
        ids = [s.find(f"{ns}SelectionIdentifier").text for s in questions[i].iter(f"{ns}Selection")]
        for sel in a.findall(f"{NS_ANS}SelectionIdentifier"):
            fields.append((f"q{i}.sel", str(ids.index(sel.text))))
        free = a.find(f"{NS_ANS}FreeText")
        if free is not None:
            fields.append((f"q{i}.text", free.text or ""))
    return fields


def take_test(server, tid, worker, answers):
    link = worker_link(server, tid, worker)
    status, page = http(link)
    assert status == 200 and "Start the test" in page
    base = server.endpoint + f"/worker/types/{tid}"
    status, form_page = http(base + "/start", hidden_fields(page))
    assert status == 200 and 'name="attempt"' in form_page
    fields = list(hidden_fields(form_page).items()) + answer_fields("en-fr-meaning/form.xml", answers)
    return http(base + "/submit", fields)


def test_portal_graded_test_grants_the_score(server, mturk, name):
    tid = new_type(mturk, name, Test=sample("en-fr-meaning/form.xml"), AnswerKey=sample("en-fr-meaning/answer-key.xml"),
                   TestDurationInSeconds=900)
    status, result = take_test(server, tid, "A1EXPERTFR0001", "en-fr-meaning/answers/A1EXPERTFR0001.xml")
    assert status == 200 and "value 100" in result
    q = mturk.get_qualification_score(QualificationTypeId=tid, WorkerId="A1EXPERTFR0001")["Qualification"]
    assert q["IntegerValue"] == 100 and q["Status"] == "Granted"
    # No RetryDelayInSeconds: one attempt ever.
    status, page = http(worker_link(server, tid, "A1EXPERTFR0001"))
    assert "one attempt" in page


def test_requests_from_the_portal_are_listed_accepted_and_rejected(server, mturk, name):
    form = sample("en-fr-meaning/form.xml")
    tid = new_type(mturk, name, Test=form, TestDurationInSeconds=900)
    for worker in ["A1EXPERTFR0001", "A2CLOSEFR00002"]:
        status, result = take_test(server, tid, worker, f"en-fr-meaning/answers/{worker}.xml")
        assert status == 200 and "review" in result
    pages = list(mturk.get_paginator("list_qualification_requests").paginate(QualificationTypeId=tid, PaginationConfig={"PageSize": 1}))
    requests = [r for p in pages for r in p["QualificationRequests"]]
    assert len(pages) == 2 and [r["WorkerId"] for r in requests] == ["A1EXPERTFR0001", "A2CLOSEFR00002"]
    for r in requests:
        assert r["QualificationTypeId"] == tid and r["Test"] == form and isinstance(r["SubmitTime"], datetime.datetime)
        answers = ET.fromstring(r["Answer"])
        assert answers.tag == f"{NS_ANS}QuestionFormAnswers" and len(answers) == 8
    mturk.accept_qualification_request(QualificationRequestId=requests[0]["QualificationRequestId"], IntegerValue=95)
    mturk.reject_qualification_request(QualificationRequestId=requests[1]["QualificationRequestId"], Reason="Please read the guidelines")
    assert mturk.get_qualification_score(QualificationTypeId=tid, WorkerId="A1EXPERTFR0001")["Qualification"]["IntegerValue"] == 95
    assert mturk.list_qualification_requests(QualificationTypeId=tid)["NumResults"] == 0
    with pytest.raises(ClientError) as e:
        mturk.accept_qualification_request(QualificationRequestId=requests[1]["QualificationRequestId"])
    assert e.value.response["Error"]["Code"] == "RequestError"
    with pytest.raises(ClientError):
        mturk.reject_qualification_request(QualificationRequestId="3NOSUCHREQUEST")
    # The worker sees the reason on the type page.
    status, page = http(worker_link(server, tid, "A2CLOSEFR00002"))
    assert "Please read the guidelines" in page


def test_request_without_test_and_auto_granted(server, mturk, name):
    manual = new_type(mturk, name + " manual")
    auto = mturk.create_qualification_type(Name=name + " auto", Description="d", QualificationTypeStatus="Active",
                                           AutoGranted=True, AutoGrantedValue=7)["QualificationType"]["QualificationTypeId"]
    for tid in (manual, auto):
        status, page = http(worker_link(server, tid, "A3ASKER"))
        assert "Request this qualification" in page
        status, result = http(server.endpoint + f"/worker/types/{tid}/request", hidden_fields(page))
        assert status == 200
    pending = mturk.list_qualification_requests(QualificationTypeId=manual)["QualificationRequests"]
    assert [r["WorkerId"] for r in pending] == ["A3ASKER"] and pending[0].get("Answer", "") == ""
    assert mturk.get_qualification_score(QualificationTypeId=auto, WorkerId="A3ASKER")["Qualification"]["IntegerValue"] == 7


def test_tampered_links_are_refused(server, mturk, name):
    tid = new_type(mturk, name)
    link = worker_link(server, tid, "A4REAL")
    assert http(link)[0] == 200
    assert http(link.replace("w=A4REAL", "w=A4FAKE"))[0] == 403
    assert http(link[:-1] + ("0" if link[-1] != "0" else "1"))[0] == 403
