#!/usr/bin/env python3
"""Writes docs/text-eval.md: the summary tables of tools/eval_text.py and
tools/eval_compounds.py (numbers only; no corpus sentences), stamped with the date and commit.

    python3 tools/write_text_eval.py [--verbatim PATH]
"""
import argparse, datetime, os, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("--verbatim", default=os.path.join(root, "build", "src", "verbatim"))
args = ap.parse_args()

def run(tool):
    return subprocess.run([sys.executable, os.path.join(root, "tools", tool), "--verbatim", args.verbatim],
                          capture_output=True, text=True, check=True).stdout.splitlines()

ev = run("eval_text.py")
cmp = run("eval_compounds.py")

def section(title):
    out, on = [], False
    for line in ev:
        if line.startswith(title):
            on = True
            out.append(line)
            continue
        if on and line.startswith("## "):
            break
        if on and line.startswith("- ") and "`" in line:
            continue  # example sentences from the corpora stay out of the repository
        if on:
            out.append(line)
    return "\n".join(out)

summary = "\n".join(l for l in ev if l.startswith("|"))
summary = "\n".join(summary.splitlines()[:7])
commit = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True,
                        text=True).stdout.strip()
compounds = "\n".join(l for l in cmp[:8] if l.startswith("|"))
doc = f"""# Text pipeline evaluation

Measured on {datetime.date.today()} at commit `{commit}` with `python3 tools/write_text_eval.py`,
which runs

```sh
python3 tools/eval_text.py           # tokenizer, stemmers, language identification (UD dev sets)
python3 tools/eval_compounds.py      # Swedish and Danish compounds (the team's own test set)
```

Corpora: the UD development treebanks in `../shared/corpora` (read only; nothing of them is in
this repository). Tokens: byte spans equal to the gold orthographic tokens (multi-word token
surfaces). Stems: pairwise conflation precision/recall/F1 over distinct (form, lemma) pairs of
NOUN VERB ADJ ADV, as LANGUAGES.md describes. Language identification: accuracy of
`verbatim langid` on the full sentences and on their first three words ("und" counts as wrong).

## Summary

{summary}

Targets (issue "Text pipeline"): token F1 >= 0.98; langid >= 0.97 on full sentences; Hebrew
conflation F1 >= 0.65 IAHLTwiki and >= 0.63 HTB.

{section("## Hebrew stemmer")}

The Hebrew stemmer keeps the longest stem its vocabulary (`lexicons/he/vocab.txt`, team-written
dictionary forms) knows, which protects the words customers use (משלוח, לקוח, שירות, הזמנה, בקשה).
Verbs are listed once, in the past third person masculine singular; templates of Hebrew
inflection (participles, infinitives, future forms of the binyanim, construct nouns) take
their other forms there (שולחים, לשלוח, ישלחו -> שלח; מזמינים, להזמין -> הזמין), so that
verbs, the weakest part before, conflate like nouns. What is left is mostly what UD lemmatises
differently from a stemmer (suppletive verbs such as היה/יהיה, adjectives lemmatised to the
feminine, participles that UD calls nouns) and words the vocabulary does not have. The
vocabulary is not grown from the analysed text (HLS-1's "text V"): nothing of the evaluation
data may go into it.

{section("## Language identification")}

When it answers, language identification is right 99.6-99.9% of the time, and on sentences of
four words or more it is right 99.0-99.5% of the time. Its misses are sentences it declines to
decide (`und`). Short English texts made of words that English shares with Swedish and Danish
("sent in time", "all in all") are read as English when the text shows nothing Swedish or Danish
of its own (no å ä ö æ ø, no word or spelling of theirs) and English has something of its own
(a word only English has, English spelling or inflection, the pronoun I inside a sentence, or
an English function word among two listed words), unless the n-grams say otherwise. Words that
only the English lexicon knows decide a short text that shows nothing else ("Yikes!", "shoddy
packaging"), elongated words count as the word they lengthen ("sooooo"), and English ordinals
("22nd") as English spelling. A text of names alone (every word capitalised, not every word an
English lexicon word) is `und` whatever its spelling; so are laughter, URLs and e-mail
addresses.

The English web treebank stays below the 0.97 target on full sentences, and cannot reach it
while names and URLs stay `und` as the issue asks: a quarter of its sentences are shorter than
four words, and almost all of its misses have no language to find. At the time of writing
(0.898, 204 misses) they were 22 lines without letters, 34 bare URLs and e-mail addresses,
about 135 lines of capitalised words alone (names, e-mail signatures and headers, time stamps,
codes, file names, titles) and about 15 short texts with a word that no list or lexicon has,
or that Swedish or Danish share ("ok", a label before a number, a misspelt exclamation).
Deciding every one of the last group would still leave it near 0.91; deciding the rest would
mean guessing from the name of a person, which the design leaves to `--lang-default`. On the
4+-word sentences it is at 0.995.

## Swedish and Danish compounds

{compounds}

`tests/golden/compounds/LANG.tsv` (written by the team) lists compounds with the themes a coder
would assign and 28 traps per language that must match nothing; "negatives clean" is the share
of traps with no theme at all - homonyms such as pris (prize) and paket keep it low.
"""
with open(os.path.join(root, "docs", "text-eval.md"), "w", encoding="utf-8") as f:
    f.write(doc)
print("wrote docs/text-eval.md")
