#!/usr/bin/env python3
"""Shows that QualKit's own XSDs accept and reject exactly what Amazon's published schemas do.

Every document of Tests/Fixtures/schema-corpus/<kind>/{valid,invalid}/*.xml is validated
  * with our schema from Schemas/ (through lxml's libxml2), and
  * with Amazon's copy from ../shared/reference/mturk-schemas/ (present in the development workspace only),
and the two verdicts must both equal the folder's expectation (valid/ or invalid/).

Where Amazon's schema cannot be used as is, the reference is built as follows:
  * QuestionForm 2017-11-06: Amazon did not publish that XSD where we could read it. The reference is Amazon's
    2005-10-01 QuestionForm.xsd re-targeted (in memory) to the 2017-11-06 namespace, and a document is also
    rejected when it contains Application or FileUploadAnswer, the two elements the 2017 version removed.
  * FormattedContent: Amazon's 2017 revision of the XHTML subset imports the XML namespace schema as xml.xsd.
    The reference gets a faithful declaration of that namespace (xml:space is "default" or "preserve") in a temporary
    folder. libxml2 ignores the fixed="preserve" that the subset puts on pre/@xml:space, so the reference applies
    that rule itself (our own xml.xsd enforces it through the attribute's type).

If `xmllint` is on PATH, our schemas are also run through it: QualKit links the system libxml2, which may be older
than the one inside lxml (libxml2 2.9 rejects " 7 " as an xs:int, for example), so that column shows what QualKit's
own validator will say. Exits 1 on any disagreement; prints a table of them and an "N passed, M failed" summary.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from lxml import etree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Tests", "Fixtures", "schema-corpus")
OURS = os.path.join(ROOT, "Schemas")
AMAZON = os.path.join(os.path.dirname(ROOT), "shared", "reference", "mturk-schemas")
NS05 = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/QuestionForm.xsd"
NS17 = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2017-11-06/QuestionForm.xsd"
XHTML = "http://www.w3.org/1999/xhtml"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# kind (corpus folder) -> (our schema, Amazon's schema)
KINDS = {
    "QuestionForm-2005-10-01": ("QuestionForm-2005-10-01.xsd", "QuestionForm.xsd"),
    "QuestionForm-2017-11-06": ("QuestionForm-2017-11-06.xsd", "QuestionForm.xsd"),
    "AnswerKey": ("AnswerKey-2005-10-01.xsd", "AnswerKey.xsd"),
    "QuestionFormAnswers": ("QuestionFormAnswers-2005-10-01.xsd", "QuestionFormAnswers.xsd"),
    "FormattedContent": ("FormattedContentXHTMLSubset-2006-07-14.xsd", "FormattedContentXHTMLSubset.xsd"),
}

# The XML namespace as the XML specification defines it, for Amazon's XHTML subset (written here, not copied).
REFERENCE_XML_NAMESPACE_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{XML_NS}">
  <xs:attribute name="lang">
    <xs:simpleType>
      <xs:union memberTypes="xs:language">
        <xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value=""/></xs:restriction></xs:simpleType>
      </xs:union>
    </xs:simpleType>
  </xs:attribute>
  <xs:attribute name="space">
    <xs:simpleType>
      <xs:restriction base="xs:NCName">
        <xs:enumeration value="default"/>
        <xs:enumeration value="preserve"/>
      </xs:restriction>
    </xs:simpleType>
  </xs:attribute>
</xs:schema>
"""

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def load_schema(path):
    return etree.XMLSchema(etree.parse(path, PARSER))


def amazon_schema(kind, workdir):
    _, amazon_file = KINDS[kind]
    src = os.path.join(AMAZON, amazon_file)
    if kind == "QuestionForm-2017-11-06":
        text = open(src, encoding="utf-8").read()
        if NS05 not in text:
            raise SystemExit(f"error: {src} does not declare the 2005-10-01 QuestionForm namespace; cannot re-target it")
        path = os.path.join(workdir, "QuestionForm-2017-reference.xsd")
        with open(path, "w", encoding="utf-8") as out:
            out.write(text.replace(NS05, NS17))
        return load_schema(path)
    if kind == "FormattedContent":
        folder = os.path.join(workdir, "xhtml")
        os.makedirs(folder, exist_ok=True)
        shutil.copy(src, os.path.join(folder, amazon_file))
        with open(os.path.join(folder, "xml.xsd"), "w", encoding="utf-8") as out:
            out.write(REFERENCE_XML_NAMESPACE_XSD)
        return load_schema(os.path.join(folder, amazon_file))
    return load_schema(src)


def amazon_accepts(kind, schema, doc):
    if not schema.validate(doc):
        return False
    if kind == "QuestionForm-2017-11-06":
        removed = doc.xpath("//q:Application | //q:FileUploadAnswer", namespaces={"q": NS17})
        return not removed
    if kind == "FormattedContent":
        # pre/@xml:space is declared with fixed="preserve", which libxml2 does not check.
        space = "{%s}space" % XML_NS
        return all(pre.get(space) in (None, "preserve") for pre in doc.iter("{%s}pre" % XHTML))
    return True


def xmllint_verdicts(schema_path, paths):
    """Our schema through the system libxml2 (what QualKit links); None if xmllint is not installed."""
    exe = shutil.which("xmllint")
    if exe is None:
        return None
    result = subprocess.run([exe, "--noout", "--nonet", "--schema", schema_path] + paths,
                            capture_output=True, text=True)
    verdicts = {}
    for line in result.stderr.splitlines():
        match = re.match(r"^(.*) (validates|fails to validate)$", line)
        if match:
            verdicts[match.group(1)] = match.group(2) == "validates"
    if result.returncode not in (0, 3) or not verdicts and paths:
        raise SystemExit(f"error: xmllint could not use {schema_path}:\n{result.stderr[-2000:]}")
    return verdicts


def system_libxml2_version():
    exe = shutil.which("xmllint")
    if exe is None:
        return None
    out = subprocess.run([exe, "--version"], capture_output=True, text=True)
    match = re.search(r"libxml version (\d+)", out.stdout + out.stderr)
    if not match:
        return "unknown"
    number = int(match.group(1))
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}"


def main():
    if not os.path.isdir(AMAZON):
        print("skipped: Amazon's reference schemas not available (../shared missing)")
        return 0
    system_version = system_libxml2_version()
    lxml_version = ".".join(map(str, etree.LIBXML_VERSION))
    print(f"ours and Amazon's through lxml (libxml2 {lxml_version}); "
          + (f"ours also through xmllint (system libxml2 {system_version})" if system_version
             else "xmllint not found: the system-libxml2 column is skipped"))
    passed = failed = 0
    problems = []
    counts = []
    with tempfile.TemporaryDirectory() as workdir:
        for kind, (ours_file, _) in KINDS.items():
            ours_path = os.path.join(OURS, ours_file)
            ours = load_schema(ours_path)
            theirs = amazon_schema(kind, workdir)
            per_kind = {"valid": 0, "invalid": 0}
            for expectation in ("valid", "invalid"):
                folder = os.path.join(CORPUS, kind, expectation)
                names = sorted(n for n in os.listdir(folder) if n.endswith(".xml")) if os.path.isdir(folder) else []
                if not names:
                    problems.append((f"{kind}/{expectation}/", "-", "-", "-", "no documents in this folder"))
                    failed += 1
                    continue
                paths = [os.path.join(folder, n) for n in names]
                system = xmllint_verdicts(ours_path, paths)
                for name, path in zip(names, paths):
                    label = f"{kind}/{expectation}/{name}"
                    per_kind[expectation] += 1
                    try:
                        doc = etree.parse(path, PARSER)
                    except etree.XMLSyntaxError as error:
                        failed += 1
                        problems.append((label, "-", "-", "-", f"not well-formed: {error}"))
                        continue
                    expected = expectation == "valid"
                    ours_ok = ours.validate(doc)
                    theirs_ok = amazon_accepts(kind, theirs, doc)
                    system_ok = None if system is None else system.get(path)
                    agree = ours_ok == theirs_ok == expected and (system is None or system_ok == expected)
                    if agree:
                        passed += 1
                    else:
                        failed += 1
                        problems.append((label, ours_ok, theirs_ok, system_ok, ""))
            counts.append((kind, per_kind["valid"], per_kind["invalid"]))
    for kind, valid, invalid in counts:
        print(f"  {kind:26} {valid:4} valid {invalid:4} invalid")
    if problems:
        print()
        print(f"{'document':72} {'ours':>6} {'amazon':>7} {'system':>7}  note")
        for label, o, t, s, note in problems:
            print(f"{label:72} {str(o):>6} {str(t):>7} {str(s):>7}  {note}")
        print("(ours/amazon: lxml's libxml2; system: ours through xmllint; the folder name is the expectation)")
    print(f"schema agreement: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
