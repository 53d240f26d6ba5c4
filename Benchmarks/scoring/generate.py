#!/usr/bin/env python3
"""Generates the synthetic scoring corpus: a 20-question AnswerKey with multi-select and negative options,
its QuestionForm, and N attempts as JSON Lines shaped like ListQualificationRequests records.

usage: generate.py OUTDIR [--attempts N] [--seed S] [--with-test]
"""
import argparse
import json
import os
import random

NS = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas"
QUESTIONS = 20


def make_test(rng):
    """Returns (questions, key_xml, form_xml). Each question: id, selections, options [(set, score)], default."""
    questions = []
    for i in range(QUESTIONS):
        qid = "q%02d" % (i + 1)
        n = rng.choice([4, 5, 6])
        sels = ["%s_%s" % (qid, chr(97 + j)) for j in range(n)]
        multi = i % 3 == 2  # every third question is multi-select
        if multi:
            correct = sorted(rng.sample(sels, rng.choice([2, 3])))
            options = [(correct, 2)]
            # partial credit for one subset, a penalty for picking a known-wrong pair
            options.append((correct[:1], 1))
            wrong = [s for s in sels if s not in correct]
            options.append((sorted(wrong[:2]), -1))
            default = 0
        else:
            correct = [rng.choice(sels)]
            options = [(correct, 1)]
            wrong = [s for s in sels if s not in correct]
            options.append(([wrong[0]], -1))  # a negative distractor
            default = rng.choice([0, 0, -1])
        questions.append({"id": qid, "selections": sels, "options": options, "default": default, "multi": multi})
    maximum = sum(max(max(sc for _, sc in q["options"]), q["default"]) for q in questions)
    key = ['<?xml version="1.0" encoding="UTF-8"?>', '<AnswerKey xmlns="%s/2005-10-01/AnswerKey.xsd">' % NS]
    for q in questions:
        key.append("  <Question>\n    <QuestionIdentifier>%s</QuestionIdentifier>" % q["id"])
        for ids, score in q["options"]:
            key.append("    <AnswerOption>" + "".join("<SelectionIdentifier>%s</SelectionIdentifier>" % s for s in ids)
                       + "<AnswerScore>%d</AnswerScore></AnswerOption>" % score)
        key.append("    <DefaultScore>%d</DefaultScore>\n  </Question>" % q["default"])
    key.append("  <QualificationValueMapping><PercentageMapping><MaximumSummedScore>%d</MaximumSummedScore>"
               "</PercentageMapping></QualificationValueMapping>" % maximum)
    key.append("</AnswerKey>")
    form = ['<?xml version="1.0" encoding="UTF-8"?>', '<QuestionForm xmlns="%s/2017-11-06/QuestionForm.xsd">' % NS]
    for q in questions:
        style = "checkbox" if q["multi"] else "radiobutton"
        count = "<MaxSelectionCount>%d</MaxSelectionCount>" % len(q["selections"]) if q["multi"] else ""
        form.append("  <Question><QuestionIdentifier>%s</QuestionIdentifier><QuestionContent><Text>Question %s</Text></QuestionContent>"
                    "<AnswerSpecification><SelectionAnswer>%s<StyleSuggestion>%s</StyleSuggestion><Selections>%s</Selections>"
                    "</SelectionAnswer></AnswerSpecification></Question>"
                    % (q["id"], q["id"], count, style,
                       "".join("<Selection><SelectionIdentifier>%s</SelectionIdentifier><Text>%s</Text></Selection>" % (s, s)
                               for s in q["selections"])))
    form.append("</QuestionForm>")
    return questions, "\n".join(key) + "\n", "\n".join(form) + "\n"


def answer_xml(rng, questions, skill):
    parts = ['<?xml version="1.0" encoding="ASCII"?><QuestionFormAnswers xmlns="%s/2005-10-01/QuestionFormAnswers.xsd">' % NS]
    for q in questions:
        r = rng.random()
        if r < 0.03:
            continue  # question left unanswered: no Answer element
        if rng.random() < skill:
            chosen = list(q["options"][0][0])
        elif q["multi"]:
            chosen = rng.sample(q["selections"], rng.choice([1, 2, 3]))
        else:
            chosen = [rng.choice(q["selections"])]
        parts.append("<Answer><QuestionIdentifier>%s</QuestionIdentifier>%s</Answer>"
                     % (q["id"], "".join("<SelectionIdentifier>%s</SelectionIdentifier>" % s for s in chosen)))
    parts.append("</QuestionFormAnswers>")
    return "".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--attempts", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--with-test", action="store_true", help="include the Test (QuestionForm) field in every record, as the API does")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.outdir, exist_ok=True)
    questions, key, form = make_test(rng)
    with open(os.path.join(args.outdir, "answer-key.xml"), "w") as f:
        f.write(key)
    with open(os.path.join(args.outdir, "form.xml"), "w") as f:
        f.write(form)
    type_id = "3" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(29))
    with open(os.path.join(args.outdir, "attempts.jsonl"), "w") as f:
        for n in range(args.attempts):
            skill = rng.random()
            r = rng.random()
            if r < 0.005:
                answer = ""  # the worker answered nothing: MTurk sends an empty Answer
            elif r < 0.0052:
                answer = answer_xml(rng, questions, skill).replace("</Answer>", "</Answr>", 1)  # malformed
            else:
                answer = answer_xml(rng, questions, skill)
            record = {
                "QualificationRequestId": "3QR%027d" % n,
                "QualificationTypeId": type_id,
                "WorkerId": "A%013d" % (n % 900000 + 1),
            }
            if args.with_test:
                record["Test"] = form
            record["Answer"] = answer
            record["SubmitTime"] = 1700000000 + n
            f.write(json.dumps(record, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
