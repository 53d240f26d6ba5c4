#!/usr/bin/env python3
"""A straightforward Python + lxml scorer with QualKit's AnswerKey semantics: what a requester would write.
Also the reference side of QualKit's differential test.

usage: score.py --key answer-key.xml [--rounding half-up|half-even|half-away|truncate] INPUT.jsonl|INPUT.xml ...
Prints CSV: request_id,worker_id,sum,value  (value "failed" when the attempt cannot be scored).
"""
import argparse
import json
import sys
from fractions import Fraction

from lxml import etree

NS_KEY = "{http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/AnswerKey.xsd}"
NS_ANS = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/QuestionFormAnswers.xsd"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
INT32 = (-2**31, 2**31 - 1)


def load_key(path):
    root = etree.parse(path, PARSER).getroot()
    questions = []
    for q in root.findall(NS_KEY + "Question"):
        qid = q.find(NS_KEY + "QuestionIdentifier").text or ""
        options = []
        for o in q.findall(NS_KEY + "AnswerOption"):
            ids = frozenset((s.text or "") for s in o.findall(NS_KEY + "SelectionIdentifier"))
            options.append((ids, int(o.find(NS_KEY + "AnswerScore").text.strip())))
        d = q.find(NS_KEY + "DefaultScore")
        questions.append((qid, options, int(d.text.strip()) if d is not None else 0))
    mapping = None
    m = root.find(NS_KEY + "QualificationValueMapping")
    if m is not None:
        p = m.find(NS_KEY + "PercentageMapping")
        s = m.find(NS_KEY + "ScaleMapping")
        r = m.find(NS_KEY + "RangeMapping")
        if p is not None:
            mapping = ("percentage", int(p.find(NS_KEY + "MaximumSummedScore").text.strip()))
        elif s is not None:
            mapping = ("scale", Fraction(s.find(NS_KEY + "SummedScoreMultiplier").text.strip()))
        elif r is not None:
            ranges = [(int(x.find(NS_KEY + "InclusiveLowerBound").text), int(x.find(NS_KEY + "InclusiveUpperBound").text),
                       int(x.find(NS_KEY + "QualificationValue").text)) for x in r.findall(NS_KEY + "SummedScoreRange")]
            mapping = ("range", ranges, int(r.find(NS_KEY + "OutOfRangeQualificationValue").text))
    return questions, mapping


def round_fraction(x, mode):
    fl = x.numerator // x.denominator
    frac = x - fl
    if frac == 0:
        return fl
    half = Fraction(1, 2)
    if mode == "truncate":
        return fl if x >= 0 else fl + 1
    if frac > half:
        return fl + 1
    if frac < half:
        return fl
    if mode == "half-up":
        return fl + 1
    if mode == "half-away":
        return fl + 1 if x > 0 else fl
    return fl if fl % 2 == 0 else fl + 1  # half-even


def map_value(total, mapping, mode):
    if mapping is None:
        v = total
    elif mapping[0] == "percentage":
        v = round_fraction(Fraction(100 * total, mapping[1]), mode)
    elif mapping[0] == "scale":
        v = round_fraction(total * mapping[1], mode)
    else:
        v = mapping[2]
        for lo, hi, val in mapping[1]:
            if lo <= total <= hi:
                v = val
                break
    return v if INT32[0] <= v <= INT32[1] else None


def score(answer, key, mode):
    questions, mapping = key
    selections = {}
    if answer.strip():
        root = etree.fromstring(answer, PARSER)
        if root.tag != "{%s}QuestionFormAnswers" % NS_ANS:
            raise ValueError("not a QuestionFormAnswers document")
        for a in root:
            if a.tag != "{%s}Answer" % NS_ANS:
                raise ValueError("unexpected element")
            qids = a.findall("{%s}QuestionIdentifier" % NS_ANS)
            if len(qids) != 1:
                raise ValueError("Answer without exactly one QuestionIdentifier")
            qid = qids[0].text or ""
            chosen = selections.setdefault(qid, set())
            for s in a.findall("{%s}SelectionIdentifier" % NS_ANS):
                chosen.add(s.text or "")
    total = 0
    for qid, options, default in questions:
        chosen = selections.get(qid, set())
        points = [sc for ids, sc in options if ids == chosen]
        total += sum(points) if points else default
    return total, map_value(total, mapping, mode)


def records(path):
    if path.endswith(".xml"):
        with open(path, "rb") as f:
            yield {"QualificationRequestId": path}, f.read()
        return
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                yield r, (r.get("Answer") or "").encode("utf-8")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--key", required=True)
    ap.add_argument("--rounding", default="half-up", choices=["half-up", "half-even", "half-away", "truncate"])
    ap.add_argument("inputs", nargs="+")
    args = ap.parse_args()
    key = load_key(args.key)
    out = sys.stdout
    out.write("request_id,worker_id,sum,value\n")
    for path in args.inputs:
        for r, answer in records(path):
            try:
                total, value = score(answer, key, args.rounding)
                out.write("%s,%s,%d,%s\n" % (r.get("QualificationRequestId", ""), r.get("WorkerId", ""), total,
                                             "failed" if value is None else value))
            except (etree.XMLSyntaxError, ValueError):
                out.write("%s,%s,,failed\n" % (r.get("QualificationRequestId", ""), r.get("WorkerId", "")))


if __name__ == "__main__":
    main()
