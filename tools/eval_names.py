#!/usr/bin/env python3
"""eval_names.py - measure how well `--redact` finds person names (docs/privacy-eval.md).

Two measurements, each through the command line (`verbatim annotate --redact`, whose output
carries the redacted text), one process call per file:

1. The team's name sentences, tests/golden/names/LANG.txt: 100 lines per language written
   without seeing the name lists, every person's name marked with ⟦ ⟧. A marked name is found
   when every one of its letters lies inside a "[name]" the tool wrote; a "[name]" is right
   when it overlaps a marked name. Reports precision, recall and F1 per language, and every
   miss and false alarm.

2. Universal Dependencies treebanks under ../shared/corpora (measuring only; nothing of them
   enters the project): the `# text =` sentences redacted, and each surface token that a
   "[name]" covers counted by its part of speech. A token that is not PROPN is an ordinary
   word taken for a name (a false alarm: the cost of redaction to the analysis); PROPN
   covers places and organisations as well as people, so its share is no recall. The Hebrew
   IAHLTwiki treebank marks entities (Entity=(PER ...)): there, person-name recall and
   precision are measured as for the sentences above.

Standard library only.

    python3 tools/eval_names.py                 # both, every language
    python3 tools/eval_names.py --show 20       # with up to 20 misses and false alarms each
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPORA = os.path.join(ROOT, "..", "shared", "corpora")
PLACEHOLDERS = ["[name]", "[email]", "[url]", "[@user]", "[number]"]
UD = {
    "en": "en/UD_English-EWT/en_ewt-ud-dev.conllu",
    "sv": "sv/UD_Swedish-Talbanken/sv_talbanken-ud-dev.conllu",
    "da": "da/UD_Danish-DDT/da_ddt-ud-dev.conllu",
    "he": "he/UD_Hebrew-IAHLTwiki/he_iahltwiki-ud-dev.conllu",
}


def redact(binary, texts, lang, extra=()):
    """The redacted text of each input text (one annotate call)."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n")
        path = f.name
    try:
        out = subprocess.run([binary, "annotate", path, "--redact", "--lang", lang, "-q", *extra],
                             capture_output=True, check=False, text=True, encoding="utf-8")
    finally:
        os.unlink(path)
    if out.returncode not in (0, 2):
        sys.exit("verbatim failed: " + out.stderr)
    res = [None] * len(texts)
    for line in out.stdout.splitlines():
        r = json.loads(line)
        res[int(r["id"])] = r.get("text", texts[int(r["id"])])
    return res


def name_spans(original, redacted):
    """The character spans of `original` that became "[name]" in `redacted`."""
    parts = re.split(r"(\[name\]|\[email\]|\[url\]|\[@user\]|\[number\])", redacted)
    pattern, kinds = "", []
    for p in parts:
        if p in PLACEHOLDERS:
            pattern += "(.+?)"
            kinds.append(p)
        else:
            pattern += re.escape(p)
    m = re.fullmatch(pattern, original, re.S)
    if not m:
        raise ValueError("cannot align %r with %r" % (original, redacted))
    return [m.span(i + 1) for i, k in enumerate(kinds) if k == "[name]"]


def marked(line):
    """A line with ⟦ ⟧ marks: its plain text and the spans of the marked names."""
    text, spans, start = "", [], None
    for ch in line:
        if ch == "⟦":
            start = len(text)
        elif ch == "⟧":
            spans.append((start, len(text)))
        else:
            text += ch
    return text, spans


def covered(span, found, text):
    """Whether every non-space character of span lies inside the found spans."""
    return all(any(a <= i < b for a, b in found)
               for i in range(span[0], span[1]) if not text[i].isspace())


def overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


def prf(tp_gold, n_gold, tp_found, n_found):
    p = tp_found / n_found if n_found else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def sentences_eval(binary, show):
    print("## The team's name sentences (tests/golden/names)\n")
    print("| language | names | found | recall | [name] written | right | precision | F1 |")
    print("|---|---|---|---|---|---|---|---|")
    report = []
    totals = [0, 0, 0, 0]
    for lang in ("en", "sv", "da", "he"):
        path = os.path.join(ROOT, "tests", "golden", "names", lang + ".txt")
        with open(path, encoding="utf-8") as f:
            lines = [l.rstrip("\n") for l in f if l.strip()]
        items = [marked(l) for l in lines]
        red = redact(binary, [t for t, _ in items], lang)
        n_gold = tp_gold = n_found = tp_found = 0
        misses, alarms = [], []
        for (text, gold), r in zip(items, red):
            found = name_spans(text, r)
            n_gold += len(gold)
            n_found += len(found)
            for g in gold:
                if covered(g, found, text):
                    tp_gold += 1
                else:
                    misses.append((text[g[0]:g[1]], text))
            for s in found:
                if any(overlaps(s, g) for g in gold):
                    tp_found += 1
                else:
                    alarms.append((text[s[0]:s[1]], text))
        p, r_, f = prf(tp_gold, n_gold, tp_found, n_found)
        totals = [a + b for a, b in zip(totals, (n_gold, tp_gold, n_found, tp_found))]
        print("| %s | %d | %d | %.3f | %d | %d | %.3f | %.3f |" %
              (lang, n_gold, tp_gold, r_, n_found, tp_found, p, f))
        report.append((lang, misses, alarms))
    p, r_, f = prf(totals[1], totals[0], totals[3], totals[2])
    print("| all | %d | %d | %.3f | %d | %d | %.3f | %.3f |" %
          (totals[0], totals[1], r_, totals[2], totals[3], p, f))
    if show:
        for lang, misses, alarms in report:
            print("\n%s misses (%d):" % (lang, len(misses)))
            for name, text in misses[:show]:
                print("  %s  <- %s" % (name, text))
            print("%s false alarms (%d):" % (lang, len(alarms)))
            for name, text in alarms[:show]:
                print("  %s  <- %s" % (name, text))
    print()


def read_conllu(path):
    """Sentences: (text, [(start, end, upos set, entity tags)]) with surface-token spans."""
    sents = []
    with open(path, encoding="utf-8") as f:
        block = []
        for line in f:
            line = line.rstrip("\n")
            if line:
                block.append(line)
                continue
            if block:
                sents.append(block)
            block = []
        if block:
            sents.append(block)
    out = []
    for block in sents:
        text = next((l[len("# text = "):] for l in block if l.startswith("# text = ")), None)
        if text is None:
            continue
        rows = [l.split("\t") for l in block if not l.startswith("#")]
        toks, skip_to, pos = [], 0, 0
        words = {r[0]: r for r in rows if r[0].isdigit()}
        for r in rows:
            if "." in r[0]:
                continue
            if "-" in r[0]:
                a, b = (int(x) for x in r[0].split("-"))
                parts = [words[str(i)] for i in range(a, b + 1) if str(i) in words]
                surface, skip_to = r[1], b
            elif int(r[0]) <= skip_to:
                continue
            else:
                parts, surface = [r], r[1]
            at = text.find(surface, pos)
            if at < 0:
                continue
            pos = at + len(surface)
            upos = {p[3] for p in parts}
            ent = "".join(p[9] for p in parts if "Entity=" in p[9])
            toks.append((at, pos, upos, ent))
        out.append((text, toks))
    return out


def per_entities(toks):
    """Hebrew IAHLTwiki: the token index ranges of PER entities. The MISC value marks an
    entity's first word "(TYPE", its last "TYPE)", a one-word entity "(TYPE)"; they nest."""
    ents, open_ = [], []
    for i, (_, _, _, ent) in enumerate(toks):
        for m in re.finditer(r"\(([A-Z]+)(\))?|([A-Z]+)\)", ent):
            if m.group(1) and m.group(2):
                if m.group(1) == "PER":
                    ents.append((i, i))
            elif m.group(1):
                open_.append((m.group(1), i))
            else:
                for k in range(len(open_) - 1, -1, -1):
                    if open_[k][0] == m.group(3):
                        typ, start = open_.pop(k)
                        if typ == "PER":
                            ents.append((start, i))
                        break
    return ents


def ud_eval(binary, show):
    print("## Universal Dependencies treebanks (dev sets, measuring only)\n")
    print("| language | sentences | tokens | PROPN tokens | tokens in a [name] | of them PROPN |"
          " of them other | other per 10,000 tokens |")
    print("|---|---|---|---|---|---|---|---|")
    he_result, others = None, {}
    for lang, rel in UD.items():
        path = os.path.join(CORPORA, rel)
        if not os.path.exists(path):
            print("| %s | (no treebank) | | | | | | |" % lang)
            continue
        sents = read_conllu(path)
        red = redact(binary, [t for t, _ in sents], lang)
        n_tok = n_propn = hit = hit_propn = 0
        other = Counter()
        ents = ents_found = spans = spans_right = 0
        alarm_ex = []
        for (text, toks), r in zip(sents, red):
            found = name_spans(text, r)
            n_tok += len(toks)
            for (s, e, upos, _) in toks:
                propn = "PROPN" in upos
                n_propn += propn
                if any(overlaps((s, e), f) for f in found):
                    hit += 1
                    hit_propn += propn
                    if not propn:
                        other[text[s:e]] += 1
            if lang == "he":
                pe = per_entities(toks)
                espans = [(toks[a][0], toks[b][1]) for a, b in pe]
                ents += len(espans)
                ents_found += sum(1 for es in espans if any(overlaps(es, f) for f in found))
                spans += len(found)
                right = [f for f in found if any(overlaps(f, es) for es in espans)]
                spans_right += len(right)
                for f in found:
                    if f not in right:
                        alarm_ex.append((text[f[0]:f[1]], text))
        print("| %s | %d | %d | %d | %d | %d | %d | %.1f |" %
              (lang, len(sents), n_tok, n_propn, hit, hit_propn, hit - hit_propn,
               10000.0 * (hit - hit_propn) / n_tok if n_tok else 0))
        others[lang] = other
        if lang == "he":
            he_result = (ents, ents_found, spans, spans_right, alarm_ex)
    if he_result:
        ents, ents_found, spans, spans_right, alarm_ex = he_result
        p, r_, f = prf(ents_found, ents, spans_right, spans)
        print("\nHebrew IAHLTwiki, person entities (Entity=PER): %d entities, %d found (recall "
              "%.3f); %d [name] spans, %d on a person (precision %.3f); F1 %.3f" %
              (ents, ents_found, r_, spans, spans_right, p, f))
        if show:
            print("Hebrew [name] spans on no person (first %d):" % show)
            for name, text in alarm_ex[:show]:
                print("  %s  <- %s" % (name, text[:100]))
    print("\nOrdinary words (not PROPN) taken for names, most frequent:")
    for lang, other in others.items():
        print("  %s: %s" % (lang, ", ".join("%s %d" % kv for kv in other.most_common(show or 12))))
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "src", "verbatim"))
    ap.add_argument("--show", type=int, default=0, help="list up to N errors of each kind")
    ap.add_argument("--only", choices=["sentences", "ud"], help="one measurement only")
    a = ap.parse_args()
    if a.only != "ud":
        sentences_eval(a.bin, a.show)
    if a.only != "sentences":
        ud_eval(a.bin, a.show)


if __name__ == "__main__":
    main()
