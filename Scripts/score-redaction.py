#!/usr/bin/env python3
"""Score a redactor against a labelled JSONL corpus at entity level.

Runs `BINARY [ARGS...] --jsonl` (default: `casebook redact`, or $CASEBOOK_REDACT), feeding each
corpus line's {"id","text"} on stdin and reading {"id","spans"} back, then prints:

  - per label and overall: precision, recall, F2 (beta = 2: recall weighs 4x precision)
  - recall on structured identifiers (PHONE, EMAIL, POSTCODE, NHS_NUMBER, NI_NUMBER, URL)
  - leak rate: share of notes with identifiers where any gold identifier character is left
    unmasked (by a span of any label)
  - false-alarm rate (over-redaction): share of identifier-free notes where anything was flagged
  - masked recall: share of gold entities with >= 80% of their non-space characters masked by
    spans of any label (the issue's held-out measure), per label and overall

Matching rule (entity level, overlap): a gold entity is found when some predicted span with the
same label overlaps it by at least one code point; a predicted span is correct when it overlaps
some gold entity with the same label. Precision = correct predictions / predictions; recall =
found gold / gold. Offsets are Unicode code points, end exclusive.

Usage:
  python3 Scripts/score-redaction.py --corpus eval/redaction/corpus.jsonl -- .build/release/casebook redact
  CASEBOOK_REDACT="/path/redact-dev" python3 Scripts/score-redaction.py
  add --errors to list misses and false alarms (synthetic corpus only: never run on real notes).
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
from collections import defaultdict

STRUCTURED = {"PHONE", "EMAIL", "POSTCODE", "NHS_NUMBER", "NI_NUMBER", "URL"}


def f_beta(p, r, beta=2.0):
    if p == 0 and r == 0:
        return 0.0
    b2 = beta * beta
    return (1 + b2) * p * r / (b2 * p + r)


def overlaps(a, b):
    return a["start"] < b["end"] and b["start"] < a["end"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="eval/redaction/corpus.jsonl")
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object too")
    ap.add_argument("command", nargs="*")
    a = ap.parse_args()
    cmd = a.command or shlex.split(os.environ.get("CASEBOOK_REDACT", "casebook redact"))
    notes = [json.loads(l) for l in open(a.corpus, encoding="utf-8") if l.strip()]
    stdin = "".join(json.dumps({"id": n["id"], "text": n["text"]}, ensure_ascii=False) + "\n" for n in notes)
    out = subprocess.run(cmd + ["--jsonl"], input=stdin, capture_output=True, text=True, encoding="utf-8")
    if out.returncode != 0:
        sys.exit(f"redactor failed ({out.returncode}): {out.stderr.strip()}")
    preds = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    if len(preds) != len(notes) or any(p["id"] != n["id"] for p, n in zip(preds, notes)):
        sys.exit("output lines do not match input ids/order")

    gold_n, found_n, pred_n, correct_n = (defaultdict(int) for _ in range(4))
    leaks = notes_with_ids = false_alarms = clean_notes = 0
    masked_n = defaultdict(int)
    errors = []
    for n, p in zip(notes, preds):
        gold, spans = n["entities"], p["spans"]
        for g in gold:
            gold_n[g["label"]] += 1
            if any(s["label"] == g["label"] and overlaps(s, g) for s in spans):
                found_n[g["label"]] += 1
            else:
                got = [s["label"] for s in spans if overlaps(s, g)]
                errors.append((n["id"], "MISS", g["label"], n["text"][g["start"]:g["end"]], got))
        for s in spans:
            pred_n[s["label"]] += 1
            if any(g["label"] == s["label"] and overlaps(s, g) for g in gold):
                correct_n[s["label"]] += 1
            else:
                errors.append((n["id"], "FALSE", s["label"], n["text"][s["start"]:s["end"]], []))
        covered = set()
        for s in spans:
            covered.update(range(s["start"], s["end"]))
        for g in gold:
            chars = [k for k in range(g["start"], g["end"]) if not n["text"][k].isspace()]
            if chars and sum(k in covered for k in chars) >= 0.8 * len(chars):
                masked_n[g["label"]] += 1
        if gold:
            notes_with_ids += 1
            if any(not n["text"][k].isspace() and k not in covered for g in gold for k in range(g["start"], g["end"])):
                leaks += 1
        else:
            clean_notes += 1
            if spans:
                false_alarms += 1

    labels = sorted(set(gold_n) | set(pred_n))
    print(f"corpus: {a.corpus}  notes: {len(notes)}  identifier-free: {clean_notes}")
    print(f"{'label':<14}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F2':>8}{'R80':>8}")
    figures = {"labels": {}}
    for lab in labels:
        P = correct_n[lab] / pred_n[lab] if pred_n[lab] else 1.0
        R = found_n[lab] / gold_n[lab] if gold_n[lab] else 1.0
        M = masked_n[lab] / gold_n[lab] if gold_n[lab] else 1.0
        print(f"{lab:<14}{gold_n[lab]:>6}{pred_n[lab]:>6}{P:>8.3f}{R:>8.3f}{f_beta(P, R):>8.3f}{M:>8.3f}")
        figures["labels"][lab] = {"gold": gold_n[lab], "pred": pred_n[lab], "precision": P, "recall": R, "f2": f_beta(P, R), "masked_recall": M}
    tg, tf, tp, tc = sum(gold_n.values()), sum(found_n.values()), sum(pred_n.values()), sum(correct_n.values())
    P, R = (tc / tp if tp else 1.0), (tf / tg if tg else 1.0)
    MR = sum(masked_n.values()) / tg if tg else 1.0
    print(f"{'OVERALL':<14}{tg:>6}{tp:>6}{P:>8.3f}{R:>8.3f}{f_beta(P, R):>8.3f}{MR:>8.3f}")
    sg = sum(gold_n[l] for l in STRUCTURED)
    sf = sum(found_n[l] for l in STRUCTURED)
    sr = sf / sg if sg else 1.0
    leak = leaks / notes_with_ids if notes_with_ids else 0.0
    fa = false_alarms / clean_notes if clean_notes else 0.0
    print(f"structured-identifier recall: {sr:.3f} ({sf}/{sg})")
    print(f"leak rate: {leak:.3f} ({leaks}/{notes_with_ids} notes with identifiers; {leaks / len(notes):.3f} of all {len(notes)} notes)")
    print(f"false-alarm rate: {fa:.3f} ({false_alarms}/{clean_notes} identifier-free notes)")
    figures.update(precision=P, recall=R, f2=f_beta(P, R), structured_recall=sr, leak_rate=leak, false_alarm_rate=fa,
                   masked_recall=MR)
    if a.errors:
        for e in errors:
            print(f"  {e[0]} {e[1]:<5} {e[2]:<13} {e[3]!r} {e[4] if e[4] else ''}")
    if a.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
