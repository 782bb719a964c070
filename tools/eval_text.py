#!/usr/bin/env python3
"""eval_text.py - measure verbatim's text pipeline against Universal Dependencies treebanks.

Three measurements, each through the command-line contract (../shared/docs/CONTRACT.md), one
process call per command and treebank:

1. Tokenizer: `verbatim tokenize --lang L --format tsv` on the `# text =` sentences, one per
   line. Gold tokens are the orthographic tokens of the treebank: the surface of a multi-word
   token range line (`3-4`) instead of its syntactic words, so Hebrew proclitics and English
   contractions stay one token. Each gold surface is found in the raw sentence greedily, left to
   right (whitespace skipped); a predicted token is correct when its byte span [start, end)
   equals a gold span. Reports precision, recall, F1 and the most frequent error patterns.

2. Stemmer: pairwise conflation precision/recall/F1 as in ../shared/docs/LANGUAGES.md. Items
   are the distinct (form, lemma) pairs of content words (UPOS NOUN VERB ADJ ADV), forms and
   lemmas lower-cased. Two items with different forms are a gold pair when they share a lemma,
   a predicted pair when `verbatim stem --lang L` gives their forms the same stem. Pairs are
   counted per group (n(n-1)/2), the intersection per (stem, lemma) group. Hebrew also gets the
   NOUN+ADJ subset and each UPOS alone. The stemmer runs as shipped: nothing of the treebank
   goes into its vocabulary.

3. Language identification: `verbatim langid` on each sentence and on its first three words;
   accuracy against the treebank's language, and the counts of every answer (confusion). The
   full sentences it misses are sorted by kind: no letters at all, only a URL or e-mail
   address, one to three words (names, signatures, greetings), or four words and more.

Corpus text is only read; nothing is written into the project. Standard library only.

    python3 tools/eval_text.py                       # every treebank under ../shared/corpora
    python3 tools/eval_text.py FILE.conllu --lang sv
    python3 tools/eval_text.py --json > eval.json
"""

import argparse
import collections
import glob
import json
import os
import subprocess
import sys
import time
import re
import unicodedata

LANGS = ("sv", "da", "he", "en")
CONTENT_UPOS = ("NOUN", "VERB", "ADJ", "ADV")
HE_NOUN_ADJ = ("NOUN", "ADJ")
# The treebanks the team measures, in report order (others found under the corpora are added).
KNOWN_TREEBANKS = ("sv/UD_Swedish-Talbanken", "da/UD_Danish-DDT", "en/UD_English-EWT",
                   "he/UD_Hebrew-HTB", "he/UD_Hebrew-IAHLTwiki")
SEP = "\u2502"  # joins tokens in error patterns; not ASCII '|', which would break Markdown tables

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class EvalError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Reading CoNLL-U


class Sentence:
    __slots__ = ("text", "gold", "words")

    def __init__(self, text, gold, words):
        self.text = text    # the raw sentence (# text =)
        self.gold = gold    # orthographic token surfaces, in order
        self.words = words  # (form, lemma, upos) of the syntactic words


def read_conllu(path):
    """Returns the sentences of a CoNLL-U file. A sentence without `# text =` gets its text
    rebuilt from the token surfaces and SpaceAfter=No."""
    sents = []
    text, gold, words, rebuilt = None, [], [], []
    mwt_end = 0

    def flush():
        nonlocal text, gold, words, rebuilt, mwt_end
        if gold or words:
            t = text if text is not None else "".join(rebuilt).strip()
            sents.append(Sentence(t, gold, words))
        text, gold, words, rebuilt, mwt_end = None, [], [], [], 0

    with open(path, encoding="utf-8-sig") as fp:
        for line in fp:
            line = line.rstrip("\r\n")
            if not line:
                flush()
                continue
            if line.startswith("#"):
                if line.startswith("# text =") and text is None:
                    text = line[len("# text ="):].strip()
                continue
            cols = line.split("\t")
            if len(cols) != 10:
                continue
            tid = cols[0]
            if "." in tid:  # empty node: no surface
                continue
            space = "" if "SpaceAfter=No" in cols[9].split("|") else " "
            if "-" in tid:
                a, b = tid.split("-", 1)
                mwt_end = int(b)
                gold.append(cols[1])
                rebuilt.append(cols[1] + space)
                continue
            n = int(tid)
            words.append((cols[1], cols[2], cols[3]))
            if n > mwt_end:
                gold.append(cols[1])
                rebuilt.append(cols[1] + space)
    flush()
    return sents


# ---------------------------------------------------------------------------------------------
# Running verbatim


def run_verbatim(exe, args, lines, extra_env=None):
    """Runs `verbatim ARGS` with LINES on standard input; returns the output lines. Output is
    split on LF only (str.splitlines would also split on U+2028 and friends inside tokens)."""
    data = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    env = dict(os.environ, **(extra_env or {}))
    p = subprocess.run([exe] + args, input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env)
    if p.returncode not in (0, 2):
        raise EvalError("%s %s: exit %d: %s" % (exe, " ".join(args), p.returncode,
                                                p.stderr.decode("utf-8", "replace").strip()))
    if p.returncode == 2:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        print("warning: %s %s reported bad input (%d problems), first: %s"
              % (os.path.basename(exe), args[0], len(err), err[0] if err else "?"),
              file=sys.stderr)
    out = p.stdout.decode("utf-8", "replace").split("\n")
    if out and out[-1] == "":
        out.pop()
    return out


def tokenize(exe, lang, texts):
    """Returns, per text, the predicted tokens as (start, end) byte spans."""
    out = run_verbatim(exe, ["tokenize", "--lang", lang, "--format", "tsv"], texts)
    docs, cur = [], []
    for line in out:
        if line == "":
            docs.append(cur)
            cur = []
            continue
        f = line.split("\t")
        if len(f) < 6:
            raise EvalError("tokenize: unexpected line %r" % line)
        # token start end type key stem; take the offsets from the right in case a token
        # ever holds a TAB
        cur.append((int(f[-5]), int(f[-4])))
    if cur:
        docs.append(cur)
    if len(docs) != len(texts):
        raise EvalError("tokenize: %d documents in, %d out" % (len(texts), len(docs)))
    return docs


def stem(exe, lang, words, data_dir=None):
    args = ["stem", "--lang", lang]
    if data_dir:
        args += ["--data", data_dir]
    out = run_verbatim(exe, args, words)
    if len(out) != len(words):
        raise EvalError("stem: %d words in, %d lines out" % (len(words), len(out)))
    return dict(zip(words, out))


def langid(exe, texts):
    out = run_verbatim(exe, ["langid"], texts)
    if len(out) != len(texts):
        raise EvalError("langid: %d documents in, %d out" % (len(texts), len(out)))
    return [s.strip() for s in out]


# ---------------------------------------------------------------------------------------------
# 1. Tokenizer


def byte_offsets(text):
    """offs[i] = byte offset of character i in the UTF-8 encoding of text (offs[len] = size)."""
    offs = [0] * (len(text) + 1)
    b = 0
    for i, ch in enumerate(text):
        offs[i] = b
        o = ord(ch)
        b += 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4
    offs[len(text)] = b
    return offs


def align_gold(text, gold):
    """Greedy left-to-right alignment of the gold surfaces in text. Returns [(start, end)] in
    characters (None for a surface not found), and whether non-blank text was skipped."""
    spans, pos, skipped = [], 0, False
    n = len(text)
    for g in gold:
        while pos < n and text[pos].isspace():
            pos += 1
        if text.startswith(g, pos):
            i = pos
        else:
            i = text.find(g, pos)
            if i < 0:
                spans.append(None)
                continue
            skipped = True
        spans.append((i, i + len(g)))
        pos = i + len(g)
    return spans, skipped


def shape(s):
    """A token's shape for grouping errors: letter runs become 'a' (Hebrew 'א'), digit runs '9',
    everything else stays as it is."""
    out = []
    for ch in s:
        if "\u05d0" <= ch <= "\u05ea":
            c = "\u05d0"
        elif ch.isalpha():
            c = "a"
        elif ch.isdigit():
            c = "9"
        elif unicodedata.category(ch) == "Mn":
            continue
        else:
            c = ch
        if c in ("a", "9", "\u05d0") and out and out[-1] == c:
            continue
        out.append(c)
    return "".join(out)


def eval_tokenizer(exe, lang, sents, top):
    texts = [s.text for s in sents]
    pred_all = tokenize(exe, lang, texts)
    n_gold = n_pred = tp = 0
    unfound = 0
    skipped_sents = 0
    kinds = collections.Counter()
    patterns = collections.Counter()
    shapes = collections.Counter()
    examples = {}
    for s, pred in zip(sents, pred_all):
        text = s.text
        offs = byte_offsets(text)
        bytes_ = text.encode("utf-8")
        spans, skipped = align_gold(text, s.gold)
        skipped_sents += skipped
        gold_spans = []
        for g, sp in zip(s.gold, spans):
            if sp is None:
                unfound += 1
                kinds["gold not in text"] += 1
                key = ("not in text", g.lower())
                patterns[key] += 1
                examples.setdefault(key, g)
            else:
                gold_spans.append((offs[sp[0]], offs[sp[1]]))
        n_gold += len(s.gold)
        n_pred += len(pred)
        gset, pset = set(gold_spans), set(pred)
        tp += len(gset & pset)
        # Error regions: connected runs of overlapping unmatched gold and predicted spans.
        bad = sorted([(a, b, 0) for a, b in gset - pset] + [(a, b, 1) for a, b in pset - gset])
        i = 0
        while i < len(bad):
            end = bad[i][1]
            j = i + 1
            while j < len(bad) and bad[j][0] < end:
                end = max(end, bad[j][1])
                j += 1
            grp = bad[i:j]
            i = j
            g = [bytes_[a:b].decode("utf-8", "replace") for a, b, k in grp if k == 0]
            p = [bytes_[a:b].decode("utf-8", "replace") for a, b, k in grp if k == 1]
            if not p:
                kind = "gold token not covered"
            elif not g:
                kind = "predicted token outside gold"
            elif len(g) == 1 and len(p) > 1:
                kind = "split (over-segmented)"
            elif len(g) > 1 and len(p) == 1:
                kind = "merged (under-segmented)"
            else:
                kind = "boundary shifted"
            kinds[kind] += 1
            gs, ps = SEP.join(g) or "-", SEP.join(p) or "-"
            key = (gs.lower(), ps.lower())
            patterns[key] += 1
            examples.setdefault(key, (gs, ps))
            skey = (SEP.join(shape(x) for x in g) or "-", SEP.join(shape(x) for x in p) or "-")
            shapes[skey] += 1
            examples.setdefault(("shape",) + skey, (gs, ps))

    def prf(tp_, npred, ngold):
        p = tp_ / npred if npred else None
        r = tp_ / ngold if ngold else None
        f = 2 * p * r / (p + r) if p and r else 0.0
        return p, r, f

    p, r, f = prf(tp, n_pred, n_gold)
    pat_list = []
    for key, c in patterns.most_common(top):
        if key[0] == "not in text":
            pat_list.append({"count": c, "gold": examples[key], "pred": None})
        else:
            gs, ps = examples[key]
            pat_list.append({"count": c, "gold": gs, "pred": ps})
    shape_list = [{"count": c, "gold": k[0], "pred": k[1],
                   "example_gold": examples[("shape",) + k][0],
                   "example_pred": examples[("shape",) + k][1]}
                  for k, c in shapes.most_common(top)]
    return {
        "gold_tokens": n_gold, "pred_tokens": n_pred, "correct": tp,
        "precision": p, "recall": r, "f1": f,
        "gold_not_in_text": unfound, "sentences_with_skipped_text": skipped_sents,
        "error_kinds": dict(kinds.most_common()),
        "error_patterns": pat_list, "error_shapes": shape_list,
    }


# ---------------------------------------------------------------------------------------------
# 2. Stemmer


def pairs(counter):
    return sum(n * (n - 1) // 2 for n in counter.values())


def conflation(items, stems):
    """Pairwise conflation scores over (form, lemma) items, with stems[form] the predicted stem.
    Pairs of items with the same form (one form, two lemmas) are not counted: a pair is two
    distinct forms."""
    by_lemma = collections.Counter(l for f, l in items)
    by_stem = collections.Counter(stems[f] for f, l in items)
    by_form = collections.Counter(f for f, l in items)
    by_stem_lemma = collections.Counter((stems[f], l) for f, l in items)
    gold = pairs(by_lemma)
    pred = pairs(by_stem) - pairs(by_form)
    tp = pairs(by_stem_lemma)
    p = tp / pred if pred else None
    r = tp / gold if gold else None
    f = 2 * p * r / (p + r) if p and r else 0.0
    return {"items": len(items), "forms": len(by_form), "lemmas": len(by_lemma),
            "gold_pairs": gold, "pred_pairs": pred, "correct_pairs": tp,
            "precision": p, "recall": r, "f1": f}


def content_items(sents, upos):
    items = set()
    for s in sents:
        for form, lemma, u in s.words:
            if u in upos and form and lemma and lemma != "_":
                items.add((form.lower(), lemma.lower()))
    return sorted(items)


def eval_stemmer(exe, lang, sents):
    items = content_items(sents, CONTENT_UPOS)
    forms = sorted({f for f, l in items})
    stems = stem(exe, lang, forms)
    res = {"upos": list(CONTENT_UPOS), "verbatim": conflation(items, stems),
           "no_stemming": conflation(items, {f: f for f in forms})}
    if lang == "he":
        na = [(f, l) for f, l in content_items(sents, HE_NOUN_ADJ)]
        res["verbatim_noun_adj"] = conflation(na, stems)
        # Per UPOS: the share of each part of speech's gold pairs that the stemmer conflates.
        by_upos = {}
        for u in CONTENT_UPOS:
            sub = [(f, l) for f, l in content_items(sents, (u,))]
            if sub:
                by_upos[u] = conflation(sub, stems)
        res["verbatim_by_upos"] = by_upos
    return res


# ---------------------------------------------------------------------------------------------
# 3. Language identification


MISS_KINDS = ("no letters", "URL or e-mail only", "1-3 words", "4+ words")
URL_OR_MAIL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+|\S+\.(?:com|org|net|htm|html|pdf|doc|jpg)\b",
                         re.IGNORECASE)


def miss_kind(text):
    """Why a sentence may have nothing to identify: the kind of a missed full sentence."""
    if not any(ch.isalpha() for ch in text):
        return "no letters"
    rest = URL_OR_MAIL.sub(" ", text)
    if not any(ch.isalpha() for ch in rest):
        return "URL or e-mail only"
    return "1-3 words" if len(text.split()) < 4 else "4+ words"


def eval_langid(exe, lang, sents):
    full = [s.text for s in sents]
    short = [" ".join(t.split()[:3]) for t in full]
    out = langid(exe, full + short)
    res = {}
    for name, labels in (("full", out[:len(full)]), ("3words", out[len(full):])):
        c = collections.Counter(labels)
        n = len(labels)
        decided = n - c.get("und", 0)
        res[name] = {"n": n, "accuracy": c.get(lang, 0) / n if n else None,
                     "accuracy_decided": c.get(lang, 0) / decided if decided else None,
                     "confusion": {k: c.get(k, 0) for k in LANGS + ("und",) if c.get(k, 0)}}
        other = sorted(set(c) - set(LANGS) - {"und"})
        for k in other:
            res[name]["confusion"][k] = c[k]
    # Full sentences by length: LANGUAGES.md expects "und" under about four words.
    buckets = collections.OrderedDict((b, [0, 0]) for b in ("<4", "4-7", "8+"))
    misses = []
    for text, label in zip(full, out[:len(full)]):
        n = len(text.split())
        b = buckets["<4" if n < 4 else "4-7" if n < 8 else "8+"]
        b[0] += 1
        b[1] += label == lang
        if n >= 8 and label != lang and len(misses) < 5:
            misses.append({"answer": label,
                           "text": text if len(text) <= 90 else text[:87] + "..."})
    res["full_by_words"] = {k: {"n": v[0], "accuracy": v[1] / v[0] if v[0] else None}
                            for k, v in buckets.items()}
    kinds = collections.Counter()
    for text, label in zip(full, out[:len(full)]):
        if label != lang:
            kinds[miss_kind(text)] += 1
    res["full_misses_by_kind"] = {k: kinds.get(k, 0) for k in MISS_KINDS}
    res["misses_8plus_words"] = misses
    return res


# ---------------------------------------------------------------------------------------------
# Driver


def find_treebanks(corpora):
    """[(name, lang, [conllu files])] for every corpora/LANG/UD_*/ holding .conllu files."""
    found = {}
    for path in sorted(glob.glob(os.path.join(corpora, "*", "*", "*.conllu"))):
        tb_dir = os.path.dirname(path)
        lang = os.path.basename(os.path.dirname(tb_dir))
        if lang not in LANGS:
            continue
        name = lang + "/" + os.path.basename(tb_dir)
        found.setdefault(name, (lang, []))[1].append(path)
    for k in KNOWN_TREEBANKS:
        if k not in found:
            print("warning: no .conllu files for %s under %s" % (k, corpora), file=sys.stderr)
    order = [k for k in KNOWN_TREEBANKS if k in found] + \
            sorted(k for k in found if k not in KNOWN_TREEBANKS)
    return [(k, found[k][0], found[k][1]) for k in order]


def evaluate(exe, name, lang, files, top):
    t0 = time.time()
    sents = []
    for f in files:
        sents.extend(read_conllu(f))
    res = {"treebank": name, "lang": lang, "files": [os.path.basename(f) for f in files],
           "sentences": len(sents)}
    res["tokenizer"] = eval_tokenizer(exe, lang, sents, top)
    res["stemmer"] = eval_stemmer(exe, lang, sents)
    res["langid"] = eval_langid(exe, lang, sents)
    res["seconds"] = round(time.time() - t0, 2)
    return res


def fmt(x, digits=3):
    return "-" if x is None else ("%.*f" % (digits, x))


def visible(s):
    """Shows invisible characters (format, control, unusual spaces) as <U+XXXX>."""
    return "".join("<U+%04X>" % ord(ch)
                   if unicodedata.category(ch) in ("Cf", "Cc", "Zl", "Zp")
                   or (unicodedata.category(ch) == "Zs" and ch != " ") else ch for ch in s)


def md_code(s):
    if s is None:
        return "(not in text)"
    s = visible(s).replace("|", "\\|")
    return "`` %s ``" % s if "`" in s else "`%s`" % s


def render_md(results, exe):
    out = []
    w = out.append
    w("# verbatim text pipeline against UD treebanks")
    w("")
    w("Binary: `%s`. Tokens: byte spans equal to the gold orthographic tokens (multi-word "
      "token surfaces). Stems: pairwise conflation over distinct (form, lemma) items of %s. "
      "Langid: accuracy of `verbatim langid` on full sentences and on their first 3 words."
      % (exe, " ".join(CONTENT_UPOS)))
    w("")
    w("| treebank | sents | gold tok | tok P | tok R | tok F1 | stem P | stem R | stem F1 "
      "| no-stem F1 | langid full | langid 3w |")
    w("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in results:
        t, s, l = r["tokenizer"], r["stemmer"]["verbatim"], r["langid"]
        w("| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["treebank"], r["sentences"], t["gold_tokens"], fmt(t["precision"]),
            fmt(t["recall"]), fmt(t["f1"]), fmt(s["precision"]), fmt(s["recall"]),
            fmt(s["f1"]), fmt(r["stemmer"]["no_stemming"]["f1"]),
            fmt(l["full"]["accuracy"]), fmt(l["3words"]["accuracy"])))
    he = [r for r in results if r["lang"] == "he"]
    if he:
        w("")
        w("## Hebrew stemmer (HLS-1)")
        w("")
        w("`verbatim stem` as shipped: its vocabulary is `lexicons/he/vocab.txt` only (the "
          "team's own word list). Nothing of the treebank goes into it: growing the vocabulary "
          "from the evaluated text would measure on data the stemmer has seen. LANGUAGES.md "
          "reports HLS-1 at F1 0.63 HTB / 0.65 IAHLTwiki (0.73 on NOUN+ADJ) with a vocabulary "
          "grown from a reference corpus. A single UPOS counts pairs inside it only.")
        w("")
        w("| treebank | UPOS | items | gold pairs | P | R | F1 |")
        w("|---|---|--:|--:|--:|--:|--:|")
        for r in he:
            st = r["stemmer"]
            rows = [("NOUN VERB ADJ ADV", st["verbatim"]), ("NOUN ADJ", st["verbatim_noun_adj"])]
            rows += [(u, c) for u, c in st.get("verbatim_by_upos", {}).items()]
            for up, c in rows:
                w("| %s | %s | %d | %d | %s | %s | %s |" % (
                    r["treebank"], up, c["items"], c["gold_pairs"], fmt(c["precision"]),
                    fmt(c["recall"]), fmt(c["f1"])))
    w("")
    w("## Language identification: answers per treebank")
    w("")
    w("| treebank | input | n | accuracy | accuracy when not und | answers |")
    w("|---|---|--:|--:|--:|---|")
    for r in results:
        for key in ("full", "3words"):
            l = r["langid"][key]
            w("| %s | %s | %d | %s | %s | %s |" % (
                r["treebank"], key, l["n"], fmt(l["accuracy"]), fmt(l["accuracy_decided"]),
                " ".join("%s %d" % kv for kv in l["confusion"].items())))
    w("")
    w("Full sentences by length in words (accuracy, n):")
    w("")
    w("| treebank | < 4 words | 4-7 words | 8+ words |")
    w("|---|--:|--:|--:|")
    for r in results:
        b = r["langid"]["full_by_words"]
        w("| %s | %s |" % (r["treebank"], " | ".join(
            "%s (%d)" % (fmt(b[k]["accuracy"]), b[k]["n"]) for k in ("<4", "4-7", "8+"))))
    w("")
    w("Full sentences not identified, by kind (a sentence without letters, or with nothing but "
      "a URL or e-mail address, has no language to find; under four words `und` is the "
      "designed answer when nothing decides):")
    w("")
    w("| treebank | missed | %s | accuracy on 4+ words |" % " | ".join(MISS_KINDS))
    w("|---|--:|%s--:|" % ("--:|" * len(MISS_KINDS)))
    for r in results:
        k = r["langid"]["full_misses_by_kind"]
        b = r["langid"]["full_by_words"]
        n4 = b["4-7"]["n"] + b["8+"]["n"]
        ok4 = (b["4-7"]["accuracy"] or 0) * b["4-7"]["n"] + (b["8+"]["accuracy"] or 0) * b["8+"]["n"]
        w("| %s | %d | %s | %s (%d) |" % (r["treebank"], sum(k.values()),
                                          " | ".join(str(k[x]) for x in MISS_KINDS),
                                          fmt(ok4 / n4 if n4 else None), n4))
    miss = [(r["treebank"], m) for r in results for m in r["langid"]["misses_8plus_words"]]
    if miss:
        w("")
        w("Examples of sentences of 8+ words not identified:")
        w("")
        for tb, m in miss:
            w("- %s, answered `%s`: %s" % (tb, m["answer"], md_code(m["text"])))
    for r in results:
        t = r["tokenizer"]
        w("")
        w("## Tokenizer errors: %s" % r["treebank"])
        w("")
        w("%d gold tokens, %d predicted, %d correct; %d gold surfaces not found in the text; "
          "%d sentences where alignment skipped text." % (
              t["gold_tokens"], t["pred_tokens"], t["correct"], t["gold_not_in_text"],
              t["sentences_with_skipped_text"]))
        w("")
        w("Error regions by kind: " + ", ".join("%s %d" % kv for kv in t["error_kinds"].items())
          + ".")
        w("")
        w("| n | gold | predicted |")
        w("|--:|---|---|")
        for e in t["error_patterns"]:
            w("| %d | %s | %s |" % (e["count"], md_code(e["gold"]),
                                    md_code(e["pred"]) if e["pred"] is not None else "-"))
        w("")
        w("By shape (a = letters, א = Hebrew letters, 9 = digits):")
        w("")
        w("| n | gold shape | predicted shape | example |")
        w("|--:|---|---|---|")
        for e in t["error_shapes"]:
            w("| %d | %s | %s | %s → %s |" % (e["count"], md_code(e["gold"]), md_code(e["pred"]),
                                             md_code(e["example_gold"]),
                                             md_code(e["example_pred"])))
    return "\n".join(out) + "\n"


def default_exe():
    for rel in ("build/src/verbatim", "build-eval/src/verbatim"):
        p = os.path.join(REPO, rel)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return os.path.join(REPO, "build", "src", "verbatim")


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Measure verbatim's tokenizer, stemmer and language identification "
                    "against UD treebanks.")
    ap.add_argument("target", nargs="?",
                    help="a .conllu file (give --lang) or a corpora directory "
                         "(default: --corpora)")
    ap.add_argument("--lang", choices=LANGS, help="language of a single .conllu file")
    ap.add_argument("--verbatim", help="the verbatim binary (default: build/src/verbatim, "
                                       "else build-eval/src/verbatim, in the repository)")
    ap.add_argument("--corpora", default=os.path.normpath(os.path.join(REPO, "..", "shared",
                                                                        "corpora")),
                    help="the corpora directory (default: ../shared/corpora from the repository)")
    ap.add_argument("--json", action="store_true", help="write JSON instead of Markdown")
    ap.add_argument("--top", type=int, default=15, help="error patterns to list (default 15)")
    a = ap.parse_args(argv)

    exe = a.verbatim or default_exe()
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        ap.error("no verbatim binary at %s (build it or give --verbatim)" % exe)
    target = a.target or a.corpora
    if os.path.isdir(target):
        jobs = find_treebanks(target)
        if a.lang:
            jobs = [j for j in jobs if j[1] == a.lang]
        if not jobs:
            ap.error("no treebanks (LANG/UD_*/*.conllu) under %s" % target)
    elif os.path.isfile(target):
        lang = a.lang
        if not lang:
            prefix = os.path.basename(target).split("_", 1)[0]
            if prefix in LANGS:
                lang = prefix
            else:
                ap.error("give --lang for %s" % target)
        jobs = [(os.path.basename(target), lang, [target])]
    else:
        ap.error("no such file or directory: %s" % target)

    try:
        results = [evaluate(exe, name, lang, files, a.top) for name, lang, files in jobs]
    except EvalError as e:
        print("eval_text: %s" % e, file=sys.stderr)
        return 3
    try:
        if a.json:
            json.dump({"verbatim": exe, "treebanks": results}, sys.stdout, ensure_ascii=False,
                      indent=1)
            sys.stdout.write("\n")
        else:
            sys.stdout.write(render_md(results, exe))
        sys.stdout.flush()
    except BrokenPipeError:  # output piped into head and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
