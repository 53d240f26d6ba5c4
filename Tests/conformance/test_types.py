"""Qualification types: create, get, update, delete, list — shapes and every rule of the API."""
import datetime

import pytest
from botocore.exceptions import ClientError

from conftest import sample


def error_of(excinfo):
    e = excinfo.value.response
    return e["Error"]["Code"], e["Error"]["Message"], e


def test_create_and_get_round_trip(mturk, name):
    t = mturk.create_qualification_type(Name=name, Keywords="a, b", Description="Describes it",
                                        QualificationTypeStatus="Active", RetryDelayInSeconds=3600)["QualificationType"]
    assert len(t["QualificationTypeId"]) == 30 and t["QualificationTypeId"].isalnum() and t["QualificationTypeId"].isupper()
    assert isinstance(t["CreationTime"], datetime.datetime)
    assert abs((datetime.datetime.now(datetime.timezone.utc) - t["CreationTime"]).total_seconds()) < 60
    assert (t["Name"], t["Keywords"], t["Description"], t["QualificationTypeStatus"]) == (name, "a, b", "Describes it", "Active")
    assert t["RetryDelayInSeconds"] == 3600 and t["IsRequestable"] is True and t["AutoGranted"] is False
    got = mturk.get_qualification_type(QualificationTypeId=t["QualificationTypeId"])["QualificationType"]
    assert got == t


def test_create_with_test_and_answer_key(mturk, name):
    form, key = sample("en-fr-meaning/form.xml"), sample("en-fr-meaning/answer-key.xml")
    t = mturk.create_qualification_type(Name=name, Description="d", QualificationTypeStatus="Active",
                                        Test=form, AnswerKey=key, TestDurationInSeconds=900)["QualificationType"]
    assert t["Test"] == form and t["AnswerKey"] == key and t["TestDurationInSeconds"] == 900


def test_auto_granted_defaults_to_value_1(mturk, name):
    t = mturk.create_qualification_type(Name=name, Description="d", QualificationTypeStatus="Inactive",
                                        AutoGranted=True)["QualificationType"]
    assert t["AutoGranted"] is True and t["AutoGrantedValue"] == 1 and t["IsRequestable"] is False


def test_duplicate_name_is_a_request_error(mturk, name):
    mturk.create_qualification_type(Name=name, Description="d", QualificationTypeStatus="Active")
    with pytest.raises(ClientError) as e:
        mturk.create_qualification_type(Name=name, Description="d", QualificationTypeStatus="Active")
    code, message, response = error_of(e)
    assert code == "RequestError" and response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "already created a QualificationType with this name" in message
    assert response.get("TurkErrorCode") == "AWS.MechanicalTurk.QualificationTypeAlreadyExists", response


def test_names_are_unique_per_requester_only(server, mturk, name):
    mturk.create_qualification_type(Name=name, Description="d", QualificationTypeStatus="Active")
    other = server.client(*server.new_key(requester="other-lab"))
    other.create_qualification_type(Name=name, Description="d", QualificationTypeStatus="Active")


@pytest.mark.parametrize("params,parameter", [
    ({"Test": "FORM"}, "TestDurationInSeconds"),
    ({"AnswerKey": "KEY"}, "AnswerKey"),
    ({"Test": "FORM", "TestDurationInSeconds": 60, "AutoGranted": True}, "Test"),
    ({"Description": "x" * 2001}, "Description"),
    ({"Keywords": "k" * 1001}, "Keywords"),
])
def test_parameter_rules(mturk, name, params, parameter):
    values = {"Name": name, "Description": "d", "QualificationTypeStatus": "Active"}
    for k, v in params.items():
        values[k] = sample("en-fr-meaning/form.xml") if v == "FORM" else sample("en-fr-meaning/answer-key.xml") if v == "KEY" else v
    with pytest.raises(ClientError) as e:
        mturk.create_qualification_type(**values)
    code, message, _ = error_of(e)
    assert code == "ParameterValidationError"
    assert f"is not valid for the parameter {parameter}" in message


def test_invalid_test_reports_line_column_and_code(mturk, name):
    with pytest.raises(ClientError) as e:
        mturk.create_qualification_type(Name=name, Description="d", QualificationTypeStatus="Active",
                                        Test=sample("broken/missing-namespace.xml"), TestDurationInSeconds=60)
    code, message, _ = error_of(e)
    assert code == "ParameterValidationError"
    import re
    assert re.search(r"Test:\d+:\d+: error\[QK\d+\]", message), message


def test_test_over_65535_bytes_is_refused(mturk, name):
    huge = sample("en-fr-meaning/form.xml").replace("</QuestionForm>", "<!--" + "x" * 66000 + "--></QuestionForm>")
    with pytest.raises(ClientError) as e:
        mturk.create_qualification_type(Name=name, Description="d", QualificationTypeStatus="Active",
                                        Test=huge, TestDurationInSeconds=60)
    assert "65535" in error_of(e)[1]


def test_update_semantics(mturk, name):
    form, key = sample("en-fr-meaning/form.xml"), sample("en-fr-meaning/answer-key.xml")
    tid = mturk.create_qualification_type(Name=name, Description="d", QualificationTypeStatus="Active", Test=form,
                                          AnswerKey=key, TestDurationInSeconds=900)["QualificationType"]["QualificationTypeId"]
    t = mturk.update_qualification_type(QualificationTypeId=tid, Description="new", QualificationTypeStatus="Inactive")["QualificationType"]
    assert (t["Description"], t["QualificationTypeStatus"], t["Name"], t["AnswerKey"]) == ("new", "Inactive", name, key)
    with pytest.raises(ClientError) as e:
        mturk.update_qualification_type(QualificationTypeId=tid, TestDurationInSeconds=60)
    assert error_of(e)[0] == "ParameterValidationError"
    with pytest.raises(ClientError):
        mturk.update_qualification_type(QualificationTypeId=tid, Test=form)  # needs TestDurationInSeconds
    t = mturk.update_qualification_type(QualificationTypeId=tid, Test=form, TestDurationInSeconds=300)["QualificationType"]
    assert "AnswerKey" not in t and t["TestDurationInSeconds"] == 300  # omitted AnswerKey: no key any more
    with pytest.raises(ClientError):
        mturk.update_qualification_type(QualificationTypeId=tid, AutoGranted=True)
    assert mturk.update_qualification_type(QualificationTypeId=tid, RetryDelayInSeconds=5)["QualificationType"]["RetryDelayInSeconds"] == 5


def test_only_the_owner_may_change_a_type(server, mturk, name):
    tid = mturk.create_qualification_type(Name=name, Description="d", QualificationTypeStatus="Active")["QualificationType"]["QualificationTypeId"]
    other = server.client(*server.new_key(requester="someone-else"))
    with pytest.raises(ClientError) as e:
        other.update_qualification_type(QualificationTypeId=tid, Description="mine now")
    assert error_of(e)[0] == "RequestError"
    with pytest.raises(ClientError):
        other.delete_qualification_type(QualificationTypeId=tid)


def test_delete_semantics(mturk, name):
    tid = mturk.create_qualification_type(Name=name, Description="d", QualificationTypeStatus="Active")["QualificationType"]["QualificationTypeId"]
    mturk.associate_qualification_with_worker(QualificationTypeId=tid, WorkerId="A1KEPT", IntegerValue=3, SendNotification=False)
    assert mturk.delete_qualification_type(QualificationTypeId=tid)["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as e:
        mturk.get_qualification_type(QualificationTypeId=tid)
    assert error_of(e)[0] == "RequestError"
    # The name can be used again.
    mturk.create_qualification_type(Name=name, Description="d", QualificationTypeStatus="Active")


def test_unknown_and_malformed_ids(mturk):
    with pytest.raises(ClientError) as e:
        mturk.get_qualification_type(QualificationTypeId="3NOSUCHTYPE0000000000000000000")
    assert error_of(e)[0] == "RequestError" and "does not exist" in error_of(e)[1]
    with pytest.raises(ClientError) as e:
        mturk.get_qualification_type(QualificationTypeId="3abc-lower")
    assert error_of(e)[0] == "ParameterValidationError"


def test_list_pagination_query_and_ownership(server, mturk):
    tag = __import__("uuid").uuid4().hex[:8]
    made = {mturk.create_qualification_type(Name=f"Pager {tag} {i}", Description="d", QualificationTypeStatus="Active")
            ["QualificationType"]["QualificationTypeId"] for i in range(7)}
    mturk.create_qualification_type(Name=f"Pager {tag} inactive", Description="d", QualificationTypeStatus="Inactive")
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"Query": f"Pager {tag}", "MustBeRequestable": True, "MustBeOwnedByCaller": True, "MaxResults": 3}
        if token:
            kwargs["NextToken"] = token
        page = mturk.list_qualification_types(**kwargs)
        assert page["NumResults"] == len(page["QualificationTypes"])
        seen += [t["QualificationTypeId"] for t in page["QualificationTypes"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert pages == 3 and set(seen) == made and len(seen) == 7
    everything = [t for p in mturk.get_paginator("list_qualification_types").paginate(
        Query=f"Pager {tag}", MustBeRequestable=False, PaginationConfig={"PageSize": 2}) for t in p["QualificationTypes"]]
    assert len(everything) == 8
    with pytest.raises(ClientError) as e:
        mturk.list_qualification_types(MustBeRequestable=True, MaxResults=101)
    assert error_of(e)[0] == "ParameterValidationError"
    with pytest.raises(ClientError) as e:
        mturk.list_qualification_types(MustBeRequestable=True, NextToken="not-a-token")
    assert error_of(e)[0] == "ParameterValidationError"
