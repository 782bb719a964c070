#!/usr/bin/env python3
"""eval_compounds.py - codebook themes and sentiment of Swedish and Danish compounds.

Runs `verbatim annotate` on tests/golden/compounds/LANG.tsv (one word per row, with the
themes a human coder assigns from the word alone and the sign of its sentiment) and reports,
per language, theme precision/recall/F1 over (word, theme) pairs, the share of negative controls
(rows with themes "-") that get no theme at all, and sentiment-sign accuracy, plus the misses
and false alarms. Python 3, standard library only. See tools/README.md.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LANGS = ("sv", "da")
LABEL_SIGN = {"positive": "+", "negative": "-", "neutral": "0"}


def parent_of(theme):
    return theme.rsplit(".", 1)[0] if "." in theme else None


def is_parent(theme):
    return "." not in theme


def read_gold(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        if header[:3] != ["word", "themes", "sentiment"]:
            sys.exit(f"{path}: header must be word<TAB>themes<TAB>sentiment")
        for n, line in enumerate(f, 2):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 3 or cols[2] not in ("+", "-", "0"):
                sys.exit(f"{path}:{n}: expected word<TAB>themes<TAB>+|-|0")
            themes = [] if cols[1] == "-" else cols[1].split("|")
            rows.append({"word": cols[0], "themes": themes, "sentiment": cols[2], "line": n})
    words = [r["word"] for r in rows]
    dup = sorted({w for w in words if words.count(w) > 1})
    if dup:
        sys.exit(f"{path}: duplicate words: {' '.join(dup)}")
    return rows


def codebook_themes(path):
    ids = set()
    if not path or not os.path.exists(path):
        return ids
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("[") and line.endswith("]"):
                ids.add(line[1:-1])
    return ids


def run_verbatim(binary, path, lang):
    cmd = [binary, "annotate", "--input-format", "tsv", "--text", "word", "--id", "word",
           "--lang", lang, "-q", path]
    p = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8")
    if p.returncode not in (0, 2):
        sys.exit(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stderr}")
    out = {}
    for line in p.stdout.splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        if "error" in rec:
            sys.exit(f"verbatim: record {rec.get('id')}: {rec['error']}")
        out[rec["id"]] = rec
    return out


def score_word(expected, predicted):
    """Pair scoring for one word.

    expected: the gold themes (child themes, or a parent where the word names only the topic).
    predicted: every theme verbatim reported.
    A predicted child counts: correct when it, or its parent, is expected. A predicted parent is
    ignored (the engine reports the parent beside a child, or from a compound part that names
    the topic) unless it is itself expected and no child of it was predicted. An expected theme
    is found when it is predicted, or, for an expected parent, when a child of it is.
    Returns (correct, counted, found, false_alarms, misses, parent_extras).
    """
    exp = set(expected)
    pred = set(predicted)
    counted, correct, false_alarms = 0, 0, []
    for t in sorted(pred):
        if is_parent(t):
            if t in exp and not any(parent_of(c) == t for c in pred):
                counted += 1
                correct += 1
            continue
        counted += 1
        if t in exp or parent_of(t) in exp:
            correct += 1
        else:
            false_alarms.append(t)
    found, misses = 0, []
    for g in sorted(exp):
        if g in pred or (is_parent(g) and any(parent_of(c) == g for c in pred)):
            found += 1
        else:
            misses.append(g)
    implied = {parent_of(t) for t in pred | exp if parent_of(t)}
    parent_extras = sorted(t for t in pred if is_parent(t) and t not in exp and t not in implied)
    return correct, counted, found, false_alarms, misses, parent_extras


def evaluate(lang, rows, results):
    tp_pred = n_pred = tp_gold = n_gold = 0
    misses, false_alarms, parent_extras, neg_fail, sent_err = [], [], [], [], []
    n_neg = neg_ok = sent_ok = 0
    for r in rows:
        rec = results.get(r["word"])
        if rec is None:
            sys.exit(f"{lang}: no result for {r['word']!r}")
        pred = sorted({m["theme"] for m in rec.get("themes", [])})
        c, k, fnd, fa, ms, pe = score_word(r["themes"], pred)
        tp_pred += c
        n_pred += k
        tp_gold += fnd
        n_gold += len(set(r["themes"]))
        gold_s = "|".join(r["themes"]) or "-"
        pred_s = "|".join(pred) or "-"
        for t in ms:
            misses.append({"word": r["word"], "theme": t, "expected": gold_s, "predicted": pred_s})
        for t in fa:
            false_alarms.append({"word": r["word"], "theme": t, "expected": gold_s,
                                 "predicted": pred_s})
        for t in pe:
            parent_extras.append({"word": r["word"], "theme": t, "expected": gold_s,
                                  "predicted": pred_s})
        if not r["themes"]:
            n_neg += 1
            if pred:
                neg_fail.append({"word": r["word"], "predicted": pred_s})
            else:
                neg_ok += 1
        s = rec.get("sentiment", {})
        got = LABEL_SIGN.get(s.get("label"), "?")
        if got == r["sentiment"]:
            sent_ok += 1
        else:
            sent_err.append({"word": r["word"], "expected": r["sentiment"], "got": got,
                             "score": s.get("score")})
    p = tp_pred / n_pred if n_pred else 0.0
    rc = tp_gold / n_gold if n_gold else 0.0
    f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
    return {
        "lang": lang, "words": len(rows),
        "theme": {"precision": p, "recall": rc, "f1": f1, "correct_predicted": tp_pred,
                  "predicted": n_pred, "found": tp_gold, "expected": n_gold},
        "negative_controls": {"n": n_neg, "clean": neg_ok,
                              "share": neg_ok / n_neg if n_neg else 0.0},
        "sentiment": {"n": len(rows), "correct": sent_ok,
                      "accuracy": sent_ok / len(rows) if rows else 0.0},
        "misses": misses, "false_alarms": false_alarms, "parent_extras": parent_extras,
        "negative_failures": neg_fail, "sentiment_errors": sent_err,
    }


def print_report(res, limit):
    t, n, s = res["theme"], res["negative_controls"], res["sentiment"]
    print(f"## {res['lang']} ({res['words']} words)\n")
    print("| measure | value |\n|---|---|")
    print(f"| theme precision | {t['precision']:.3f} ({t['correct_predicted']}/{t['predicted']}) |")
    print(f"| theme recall | {t['recall']:.3f} ({t['found']}/{t['expected']}) |")
    print(f"| theme F1 | {t['f1']:.3f} |")
    print(f"| negative controls with no theme | {n['share']:.3f} ({n['clean']}/{n['n']}) |")
    print(f"| sentiment sign accuracy | {s['accuracy']:.3f} ({s['correct']}/{s['n']}) |\n")

    def section(title, items, fmt):
        if not items:
            return
        print(f"### {title} ({len(items)})\n")
        for it in items[:limit]:
            print("- " + fmt(it))
        if len(items) > limit:
            print(f"- ... {len(items) - limit} more")
        print()

    section("Misses (expected theme not found)", res["misses"],
            lambda i: f"`{i['word']}`: {i['theme']} (got {i['predicted']})")
    section("False alarms (child theme not expected)", res["false_alarms"],
            lambda i: f"`{i['word']}`: {i['theme']} (expected {i['expected']})")
    section("Negative controls that got a theme", res["negative_failures"],
            lambda i: f"`{i['word']}`: {i['predicted']}")
    section("Unexpected parent themes (not scored)", res["parent_extras"],
            lambda i: f"`{i['word']}`: {i['theme']} (expected {i['expected']})")
    section("Sentiment sign errors", res["sentiment_errors"],
            lambda i: f"`{i['word']}`: expected {i['expected']}, got {i['got']} "
                      f"(score {i['score']})")


def warn_if_stale(binary):
    """The codebook and lexicons are compiled into the binary: warn when they are newer."""
    try:
        built = os.path.getmtime(binary)
    except OSError:
        return
    newest = 0.0
    for d in ("lexicons", "src"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, d)):
            for f in files:
                newest = max(newest, os.path.getmtime(os.path.join(dirpath, f)))
    if newest > built:
        print(f"warning: {binary} is older than lexicons/ or src/; rebuild it", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--verbatim", default=os.path.join(ROOT, "build/src/verbatim"),
                    help="the binary (default build/src/verbatim)")
    ap.add_argument("--golden", default=os.path.join(ROOT, "tests/golden/compounds"),
                    help="directory holding LANG.tsv")
    ap.add_argument("--lang", choices=LANGS, action="append",
                    help="only this language (repeatable; default sv and da)")
    ap.add_argument("--codebook", default=os.path.join(ROOT, "lexicons/themes/cx.codebook"),
                    help="codebook whose theme ids the gold files must use (checked only)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    ap.add_argument("--top", type=int, default=1000, help="items listed per section")
    a = ap.parse_args()
    binary = a.verbatim
    if not os.path.exists(binary):
        sys.exit(f"{binary}: not found (build verbatim or pass --verbatim)")
    warn_if_stale(binary)
    known = codebook_themes(a.codebook)
    out = []
    for lang in a.lang or LANGS:
        path = os.path.join(a.golden, f"{lang}.tsv")
        rows = read_gold(path)
        if known:
            bad = sorted({(r["word"], t) for r in rows for t in r["themes"] if t not in known})
            if bad:
                sys.exit(f"{path}: unknown theme ids: " + ", ".join(f"{w}:{t}" for w, t in bad))
        out.append(evaluate(lang, rows, run_verbatim(binary, path, lang)))
    if a.json:
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return
    print(f"# Compound themes and sentiment ({os.path.relpath(binary, ROOT)})\n")
    print("| lang | words | theme P | theme R | theme F1 | negatives clean | sentiment acc |")
    print("|---|---|---|---|---|---|---|")
    for r in out:
        t, n, s = r["theme"], r["negative_controls"], r["sentiment"]
        print(f"| {r['lang']} | {r['words']} | {t['precision']:.3f} | {t['recall']:.3f} | "
              f"{t['f1']:.3f} | {n['share']:.3f} ({n['clean']}/{n['n']}) | "
              f"{s['accuracy']:.3f} |")
    print()
    for r in out:
        print_report(r, a.top)


if __name__ == "__main__":
    main()
