"""The worker portal in a real browser: headless Chromium takes a SampleForms test as a worker.

Proves, end to end, that a type created with `qualkit types create` from SampleForms/en-fr-meaning can be
taken through a `qualkit link` signed link (open → Start the test → click the answers → Submit) and that
the worker is then granted the qualification with exactly the value expected-values.csv gives for that
attempt, as boto3's GetQualificationScore reports it. Also: the pages log no console error, a second
submission of the same attempt (from another tab) is refused and leaves the value unchanged, and a link
whose token was altered is refused with HTTP 403.

Needs selenium (Tests/requirements.txt) and the Debian packages chromium and chromium-driver; without
them the test is skipped, saying what to install.
"""
import csv
import json
import os
import uuid
import xml.etree.ElementTree as ET

import pytest

from conftest import REPO

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
TEST_DIR = REPO / "SampleForms" / "en-fr-meaning"
WORKER = "A2CLOSEFR00002"  # a partly right sample attempt: its value (67) cannot come from all-or-nothing scoring
NS_ANS = "{http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/QuestionFormAnswers.xsd}"

webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium: pip install 'selenium>=4'")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture()
def browser():
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            pytest.skip(f"needs {path}: apt-get install -y chromium chromium-driver (missing {package})")
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def sample_attempt(worker):
    """[(question index, DisplayName, [(selection index, selection text)])] for the worker's sample answers."""
    form = ET.parse(TEST_DIR / "form.xml").getroot()
    ns = form.tag[:form.tag.index("}") + 1]
    questions = form.findall(f"{ns}Question")
    picks = []
    for answer in ET.parse(TEST_DIR / "answers" / f"{worker}.xml").getroot().findall(f"{NS_ANS}Answer"):
        qid = answer.findtext(f"{NS_ANS}QuestionIdentifier")
        i = next(n for n, q in enumerate(questions) if q.findtext(f"{ns}QuestionIdentifier") == qid)
        selections = [(s.findtext(f"{ns}SelectionIdentifier"), s.findtext(f"{ns}Text"))
                      for s in questions[i].iter(f"{ns}Selection")]
        chosen = [(n, text) for n, (sid, text) in enumerate(selections)
                  if sid in {e.text for e in answer.findall(f"{NS_ANS}SelectionIdentifier")}]
        assert chosen, f"{worker}: {qid} has no selection answer"
        picks.append((i, questions[i].findtext(f"{ns}DisplayName"), chosen))
    return picks


def expected_value(worker):
    with open(TEST_DIR / "expected-values.csv", newline="") as f:
        return next(int(row["value"]) for row in csv.DictReader(f)
                    if row["key"] == "answer-key.xml" and row["answers"] == f"{worker}.xml")


def wait_for(driver, css):
    return WebDriverWait(driver, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def start_test(driver, link):
    driver.get(link)
    wait_for(driver, "form button").click()  # "Start the test"
    return wait_for(driver, "input[name=attempt]").get_attribute("value")


def click_label(fieldset, text):
    label = next(label for label in fieldset.find_elements(By.TAG_NAME, "label") if label.text == text)
    label.click()
    return fieldset.find_element(By.ID, label.get_attribute("for"))


def console_errors(driver):
    return [e["message"] for e in driver.get_log("browser")
            if e["level"] in ("SEVERE", "WARNING")]


def test_worker_takes_sample_test_in_chromium(server, tmp_path, monkeypatch, browser):
    # The type, created from the test directory by the CLI under a requester of its own (names are per requester).
    key_id, secret = server.new_key(requester=f"browser-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    for var in ("AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    created = server.cli("types", "create", str(TEST_DIR), "--endpoint", server.endpoint,
                         "--ledger", str(tmp_path / "qualkit.lock"), "--format", "json")
    tid = json.loads(created)["qualificationTypeId"]
    mturk = server.client(key_id, secret)
    link = server.cli("link", tid, "--worker", WORKER, "--db", server.db, "--base-url", server.endpoint).strip().splitlines()[-1]
    expected = expected_value(WORKER)

    # Two tabs on the same attempt: the second one will try to submit it again.
    attempt = start_test(browser, link)
    first = browser.current_window_handle
    browser.switch_to.new_window("tab")
    assert start_test(browser, link) == attempt, "reopening the link must resume the attempt, not start another"
    second = browser.current_window_handle
    browser.switch_to.window(first)

    picks = sample_attempt(WORKER)
    assert len(picks) == len(browser.find_elements(By.CSS_SELECTOR, "fieldset.qk-question"))
    for i, display_name, chosen in picks:
        fieldset = browser.find_element(By.ID, f"qk-q{i}")
        assert display_name in fieldset.find_element(By.TAG_NAME, "legend").text
        for n, text in chosen:
            control = click_label(fieldset, text)
            assert control.is_selected()
            assert (control.get_attribute("name"), control.get_attribute("value")) == (f"q{i}.sel", str(n))
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    result = wait_for(browser, ".qk-result").text
    assert f"granted this qualification with the value {expected}." in result, result
    assert console_errors(browser) == []

    q = mturk.get_qualification_score(QualificationTypeId=tid, WorkerId=WORKER)["Qualification"]
    assert (q["QualificationTypeId"], q["WorkerId"], q["Status"], q["IntegerValue"]) == (tid, WORKER, "Granted", expected)

    # The second tab submits the same attempt with other answers: refused, the value stays.
    browser.switch_to.window(second)
    for fieldset in browser.find_elements(By.CSS_SELECTOR, "fieldset.qk-question"):
        fieldset.find_elements(By.TAG_NAME, "label")[-1].click()
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert "already submitted" in wait_for(browser, ".qk-error").text
    assert mturk.get_qualification_score(QualificationTypeId=tid, WorkerId=WORKER)["Qualification"]["IntegerValue"] == expected
    console_errors(browser)  # the refusal's 409 is expected; clear the log

    # Back on the type page: the value is shown and RetryDelayInSeconds (a day) offers no new attempt.
    browser.get(link)
    assert f"value {expected}" in wait_for(browser, ".qk-granted").text
    assert browser.find_elements(By.TAG_NAME, "button") == []
    assert console_errors(browser) == []

    # A link whose token was altered: refused (403), without the worker's page.
    browser.get(link[:-1] + ("0" if link[-1] != "0" else "1"))
    assert "not valid" in wait_for(browser, ".qk-error").text
    assert any("status of 403" in m for m in console_errors(browser))
