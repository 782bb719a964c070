#!/usr/bin/env python3
"""Writes the CSV and TSV forms of the team's sample surveys from the JSONL originals.

The JSONL files are the originals the team wrote; the Swedish and Danish CSVs use ';' and the
English one ',' as their spreadsheet exports would; the Hebrew TSV shows the TSV input path.
Run from the repository root: python3 corpora/tocsv.py
"""
import csv, json

def rows(lang):
    with open(f"corpora/{lang}/survey.jsonl", encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]

cols = ["id", "respondent", "date", "channel", "nps", "text"]
for lang, delim in (("sv", ";"), ("da", ";"), ("en", ",")):
    with open(f"corpora/{lang}/survey.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=delim, lineterminator="\r\n")
        w.writerow(cols)
        for r in rows(lang):
            w.writerow(["" if r[c] is None else r[c] for c in cols])
with open("corpora/he/survey.tsv", "w", encoding="utf-8") as f:
    f.write("\t".join(cols) + "\n")
    for r in rows("he"):
        vals = ["" if r[c] is None else str(r[c]) for c in cols]
        f.write("\t".join(v.replace("\t", " ").replace("\r", " ").replace("\n", " ") for v in vals) + "\n")
