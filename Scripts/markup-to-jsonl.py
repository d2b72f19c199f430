#!/usr/bin/env python3
"""Convert hand-marked notes ("[[LABEL:text]]" per identifier, one note per line, '#' comments,
a literal backslash-n for a line break inside a note) into the corpus JSONL format with code-point
offsets. The output id prefix is the first letter of the file name ("h" for handwritten.txt).
Usage: python3 Scripts/markup-to-jsonl.py eval/redaction/handwritten.txt > eval/redaction/handwritten.jsonl
"""
import json
import re
import sys

MARK = re.compile(r"\[\[([A-Z_]+):(.+?)\]\]", re.S)
PREFIX = sys.argv[1].rsplit("/", 1)[-1][:1]
for k, line in enumerate(l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8")):
    if not line.strip() or line.startswith("#"):
        continue
    line = line.replace("\\n", "\n")
    text, ents, pos = "", [], 0
    for m in MARK.finditer(line):
        text += line[pos:m.start()]
        label, value = m.group(1), m.group(2)
        if label == "NAME" and value.split(" ")[0] in ("Mr", "Mrs", "Ms", "Miss", "Dr"):
            prefix, value = value.split(" ", 1)
            text += prefix + " "
        ents.append({"start": len(text), "end": len(text) + len(value), "label": label})
        text += value
        pos = m.end()
    text += line[pos:]
    print(json.dumps({"id": f"{PREFIX}{k:03d}", "text": text, "entities": ents}, ensure_ascii=False))
