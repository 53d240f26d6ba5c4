#!/usr/bin/env python3
"""Shows that QualKit's own XSDs accept and reject exactly what Amazon's published schemas do.

Every document of Tests/Fixtures/schema-corpus/<kind>/{valid,invalid}/ is validated with our schema (Schemas/)
and with Amazon's copy (../shared/reference/mturk-schemas/, present in the development workspace only).
For QuestionForm 2017-11-06, whose XSD Amazon did not publish where we could read it, the reference is Amazon's
2005-10-01 schema re-targeted to the 2017 namespace, plus the documented removal of Application and FileUploadAnswer.
For the FormattedContent XHTML subset, Amazon's schema imports the W3C xml.xsd, which is supplied by ours.
Exits 1 on any disagreement with either schema or with the folder's expectation.
"""
import os
import shutil
import sys
import tempfile

from lxml import etree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Tests", "Fixtures", "schema-corpus")
OURS = os.path.join(ROOT, "Schemas")
AMAZON = os.path.join(os.path.dirname(ROOT), "shared", "reference", "mturk-schemas")
NS05 = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/QuestionForm.xsd"
NS17 = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2017-11-06/QuestionForm.xsd"

KINDS = {
    "QuestionForm-2005-10-01": ("QuestionForm-2005-10-01.xsd", "QuestionForm.xsd"),
    "QuestionForm-2017-11-06": ("QuestionForm-2017-11-06.xsd", "QuestionForm.xsd"),
    "AnswerKey": ("AnswerKey-2005-10-01.xsd", "AnswerKey.xsd"),
    "QuestionFormAnswers": ("QuestionFormAnswers-2005-10-01.xsd", "QuestionFormAnswers.xsd"),
    "FormattedContent": ("FormattedContentXHTMLSubset-2006-07-14.xsd", "FormattedContentXHTMLSubset.xsd"),
}

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def load_schema(path):
    return etree.XMLSchema(etree.parse(path, PARSER))


def amazon_schema(kind, workdir):
    ours_file, amazon_file = KINDS[kind]
    src = os.path.join(AMAZON, amazon_file)
    if kind == "QuestionForm-2017-11-06":
        text = open(src, encoding="utf-8").read().replace(NS05, NS17)
        path = os.path.join(workdir, "QuestionForm-2017.xsd")
        open(path, "w", encoding="utf-8").write(text)
        return load_schema(path)
    if kind == "FormattedContent":
        shutil.copy(src, os.path.join(workdir, amazon_file))
        shutil.copy(os.path.join(OURS, "xml.xsd"), os.path.join(workdir, "xml.xsd"))
        return load_schema(os.path.join(workdir, amazon_file))
    return load_schema(src)


def amazon_accepts(kind, schema, doc):
    if not schema.validate(doc):
        return False
    if kind == "QuestionForm-2017-11-06":
        removed = doc.xpath("//q:Application | //q:FileUploadAnswer", namespaces={"q": NS17})
        return not removed
    return True


def main():
    if not os.path.isdir(AMAZON):
        print("skipped: Amazon's reference schemas not available (../shared missing)")
        return 0
    passed = failed = 0
    problems = []
    with tempfile.TemporaryDirectory() as workdir:
        for kind, (ours_file, _) in KINDS.items():
            ours = load_schema(os.path.join(OURS, ours_file))
            theirs = amazon_schema(kind, workdir)
            for expectation in ("valid", "invalid"):
                folder = os.path.join(CORPUS, kind, expectation)
                for name in sorted(os.listdir(folder)):
                    path = os.path.join(folder, name)
                    doc = etree.parse(path, PARSER)
                    ours_ok = ours.validate(doc)
                    theirs_ok = amazon_accepts(kind, theirs, doc)
                    expected_ok = expectation == "valid"
                    if ours_ok == theirs_ok == expected_ok:
                        passed += 1
                    else:
                        failed += 1
                        problems.append((f"{kind}/{expectation}/{name}", ours_ok, theirs_ok, expected_ok))
    if problems:
        print(f"{'document':70} {'ours':>6} {'amazon':>7} {'folder':>7}")
        for name, o, t, e in problems:
            print(f"{name:70} {str(o):>6} {str(t):>7} {str(e):>7}")
    print(f"schema agreement: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
