#!/usr/bin/env python3
"""Measure verbatim's document sentiment against public labelled corpora.

The corpora live outside the repository (default: ../shared/corpora relative to the repo root)
and are only read here: nothing from them may be copied, translated or derived into lexicons,
rules or test fixtures, and they are never committed. The results table written with --write
holds numbers only, no corpus text.

For each data set the script runs

    verbatim annotate --input-format tsv --text text --id id --lang LANG -q FILE

once, maps the document score to a class (score >= 0.05 positive, <= -0.05 negative, else
neutral; the thresholds of the corpora README and of the CLI contract) and computes the set's
headline metric:

- Pearson r of the score against the gold mean rating (VADER ground truth, -4..+4);
- 3-class macro-F1: mean over the gold classes present of the per-class F1;
- 2-class macro-F1 (Swedish reviews: gold pos/neg only): F1 of pos and neg, where a neutral
  prediction is simply wrong (it lowers recall and is nobody's true positive).

Also per set: N, accuracy and the confusion matrix (gold rows, predicted columns). For the
VADER sets, whose gold is a continuous rating, the gold class is the same +-0.05 rule applied
to rating/4; their accuracy and macro-F1 are secondary (the headline is Pearson r).

Exit status: 0 success; 1 --check found a regression (a metric more than the tolerance below
the committed value, or a committed set missing); 2 error (corpus missing, verbatim failed).

Standard library only.
"""

import argparse
import datetime
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THRESHOLD = 0.05
CHECK_TOLERANCE = 0.02
CLASSES = ("neg", "neu", "pos")

# The data sets. 'gold' says how to read the gold column:
#   'rating'  numeric, VADER scale -4..+4 (headline: Pearson r)
#   'sign'    numeric, mapped to a class by its sign (Danish -2..+2)
#   'label'   a class label, mapped through 'labels'
# 'metric' is 'pearson', 'f1_3' or 'f1_2'. 'peer' is the best peer from the issue;
# 'peer_readme' the anchor printed in the corpora README when it says something else.
SETS = [
    dict(id="en-vader-tweets", lang="en", name="en VADER tweets",
         path="en/vader_groundtruth/tweets.score.tsv", gold="rating", metric="pearson",
         peer="VADER 0.87", peer_value=0.87),
    dict(id="en-vader-amazon", lang="en", name="en VADER Amazon snippets",
         path="en/vader_groundtruth/amazonReviewSnippets.score.tsv", gold="rating",
         metric="pearson", peer="VADER 0.58", peer_value=0.58, peer_readme="VADER 0.60"),
    dict(id="en-airline", lang="en", name="en airline tweets",
         path="en/twitter_us_airline_sentiment/tweets.label.tsv", gold="label",
         labels={"negative": "neg", "neutral": "neu", "positive": "pos"}, metric="f1_3",
         peer="wink 0.53", peer_value=0.53),
    dict(id="sv-reviews", lang="sv", name="sv reviews",
         path="sv/swedish_sentiment_reviews_timpal0l/swedish_sentiment_reviews.label.tsv",
         gold="label", labels={"neg": "neg", "pos": "pos"}, metric="f1_2",
         peer="Swedish VADER port 0.72", peer_value=0.72),
    dict(id="sv-emoji", lang="sv", name="sv emoji tweets",
         path="sv/swe_sentiment_emoji_berggren2023/swe_sentiment.label.tsv", gold="label",
         labels={"neg": "neg", "neu": "neu", "pos": "pos"}, metric="f1_3",
         peer="0.51", peer_value=0.51),
    dict(id="da-political", lang="da", name="da political comments",
         path="da/political_comments_sentiment/political_comments.score.tsv", gold="sign",
         metric="f1_3", peer="AFINN-da 0.51", peer_value=0.51, peer_readme="0.50"),
    dict(id="he-amram", lang="he", name="he Amram comments",
         path="he/hebrew_sentiment_amram2018/hebrew_sentiment_token_dev.label.tsv",
         gold="label", labels={"neg": "neg", "neu": "neu", "pos": "pos"}, metric="f1_3",
         peer="0.38", peer_value=0.38, peer_readme="0.32"),
    dict(id="he-hebert", lang="he", name="he HeBERT comments (majority)",
         path="he/hebert_ugc_sentiment_emotions/hebert_main.majority.tsv", gold="label",
         labels={"neg": "neg", "neu": "neu", "pos": "pos"}, metric="f1_3",
         peer="0.41", peer_value=0.41),
]

METRIC_NAMES = {"pearson": "Pearson r", "f1_3": "3-class macro-F1", "f1_2": "2-class macro-F1"}


class EvalError(Exception):
    pass


def predicted_class(score):
    if score >= THRESHOLD:
        return "pos"
    if score <= -THRESHOLD:
        return "neg"
    return "neu"


def read_tsv(path):
    """Rows of a corpus TSV as dicts (header row, no quoting)."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise EvalError("%s: empty file" % path)
    header = [h.lstrip("\ufeff").rstrip("\r") for h in lines[0].split("\t")]
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        cells = line.rstrip("\r").split("\t")
        if len(cells) != len(header):
            raise EvalError("%s:%d: %d fields, header has %d" % (path, n, len(cells), len(header)))
        rows.append(dict(zip(header, cells)))
    return header, rows


def gold_of(spec, row, path):
    if spec["gold"] in ("rating", "sign"):
        try:
            v = float(row["score"])
        except (KeyError, ValueError):
            raise EvalError("%s: id %s: bad gold score %r" % (path, row.get("id"), row.get("score")))
        if spec["gold"] == "rating":
            return v, predicted_class(v / 4.0)
        return v, ("pos" if v > 0 else "neg" if v < 0 else "neu")
    label = row.get("label")
    if label not in spec["labels"]:
        raise EvalError("%s: id %s: unknown gold label %r" % (path, row.get("id"), label))
    return None, spec["labels"][label]


def file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:12]


def run_verbatim(binary, spec, path):
    cmd = [binary, "annotate", "--input-format", "tsv", "--text", "text", "--id", "id",
           "--lang", spec["lang"], "-q", path]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # 2 = bad input (e.g. repaired UTF-8): the output is still complete by contract.
    if p.returncode not in (0, 2):
        raise EvalError("%s exited %d on %s:\n%s" % (binary, p.returncode, path,
                                                    p.stderr.decode("utf-8", "replace")[:2000]))
    out = []
    for n, line in enumerate(p.stdout.decode("utf-8", "replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError as e:
            raise EvalError("verbatim output line %d on %s is not JSON: %s" % (n, path, e))
    warnings = p.stderr.decode("utf-8", "replace").strip().splitlines()
    return out, warnings


def pearson(xs, ys):
    n = len(xs)
    if n < 2:
        return float("nan")
    mx = sum(xs) / n
    my = sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return float("nan")
    return sxy / math.sqrt(sxx * syy)


def classification(golds, preds):
    """Confusion matrix, accuracy, per-class P/R/F1 and macro-F1 over the gold classes present."""
    gold_classes = [c for c in CLASSES if c in set(golds)]
    conf = {g: {p: 0 for p in CLASSES} for g in gold_classes}
    for g, p in zip(golds, preds):
        conf[g][p] += 1
    per_class = {}
    for c in gold_classes:
        tp = conf[c][c]
        predicted = sum(conf[g][c] for g in gold_classes)
        actual = sum(conf[c].values())
        prec = tp / predicted if predicted else 0.0
        rec = tp / actual if actual else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_class[c] = {"precision": prec, "recall": rec, "f1": f1, "support": actual}
    n = len(golds)
    acc = sum(1 for g, p in zip(golds, preds) if g == p) / n if n else float("nan")
    macro = sum(v["f1"] for v in per_class.values()) / len(per_class) if per_class else float("nan")
    return {"confusion": conf, "accuracy": acc, "macro_f1": macro, "per_class": per_class}


def evaluate(binary, corpora, spec, n_errors):
    path = os.path.join(corpora, spec["path"])
    if not os.path.isfile(path):
        raise EvalError("corpus file not found: %s" % path)
    header, rows = read_tsv(path)
    for col in ("id", "text"):
        if col not in header:
            raise EvalError("%s: no %r column" % (path, col))
    results, warnings = run_verbatim(binary, spec, path)
    if len(results) != len(rows):
        raise EvalError("%s: %d records but verbatim wrote %d results"
                        % (path, len(rows), len(results)))
    items = []
    n_failed = 0
    for row, res in zip(rows, results):
        if str(res.get("id")) != row["id"]:
            raise EvalError("%s: result id %r does not match record id %r"
                            % (path, res.get("id"), row["id"]))
        gold_value, gold_class = gold_of(spec, row, path)
        sent = res.get("sentiment")
        if "error" in res or not isinstance(sent, dict) or "score" not in sent:
            n_failed += 1
            score = 0.0  # an unanalysed record counts as a neutral prediction
        else:
            score = float(sent["score"])
        items.append({"id": row["id"], "text": row["text"], "gold": gold_value,
                      "gold_class": gold_class, "score": score, "pred": predicted_class(score)})

    golds = [it["gold_class"] for it in items]
    preds = [it["pred"] for it in items]
    cls = classification(golds, preds)
    out = {
        "id": spec["id"], "name": spec["name"], "lang": spec["lang"], "file": spec["path"],
        "sha256_12": file_digest(path), "metric": spec["metric"],
        "metric_name": METRIC_NAMES[spec["metric"]], "peer": spec["peer"],
        "peer_value": spec["peer_value"], "peer_readme": spec.get("peer_readme"),
        "n": len(items), "n_failed": n_failed, "accuracy": cls["accuracy"],
        "macro_f1": cls["macro_f1"], "per_class": cls["per_class"], "confusion": cls["confusion"],
        "predicted_neutral_share": preds.count("neu") / len(preds) if preds else float("nan"),
        "zero_score_share": (sum(1 for it in items if it["score"] == 0.0) / len(items)
                             if items else float("nan")),
        "verbatim_stderr": warnings[:20],
    }
    if spec["metric"] == "pearson" or spec["gold"] == "sign":
        out["pearson"] = pearson([it["score"] for it in items], [it["gold"] for it in items])
    out["value"] = out["pearson"] if spec["metric"] == "pearson" else cls["macro_f1"]

    if n_errors:
        if spec["gold"] == "rating":
            # worst disagreement on the common -1..1 scale, among sign/class mistakes
            wrong = [it for it in items if it["pred"] != it["gold_class"]]
            wrong.sort(key=lambda it: -abs(it["score"] - it["gold"] / 4.0))
        else:
            wrong = [it for it in items if it["pred"] != it["gold_class"]]
            wrong.sort(key=lambda it: -abs(it["score"]))
        out["errors"] = [{"id": it["id"], "gold": it["gold"] if it["gold"] is not None
                          else it["gold_class"], "gold_class": it["gold_class"],
                          "score": it["score"], "text": it["text"]} for it in wrong[:n_errors]]
    return out


# ---------------------------------------------------------------- output

def fmt(v, digits=3):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return "%.*f" % (digits, v)


def results_table(results):
    lines = ["| id | set | file | metric | verbatim | best peer | N | accuracy |",
             "|---|---|---|---|---:|---|---:|---:|"]
    notes = []
    for r in results:
        peer = r["peer"]
        if r.get("peer_readme"):
            peer += " *"
            notes.append("%s: the corpora README gives %s" % (r["id"], r["peer_readme"]))
        lines.append("| %s | %s | %s | %s | %s | %s | %d | %s |" % (
            r["id"], r["name"], os.path.basename(r["file"]), r["metric_name"], fmt(r["value"]),
            peer, r["n"], fmt(r["accuracy"])))
    if notes:
        lines.append("")
        lines.append("\\* best peer as given in the issue; " + "; ".join(notes) + ".")
    return lines


def details(results):
    lines = []
    for r in results:
        lines.append("### %s (`%s`, %s)" % (r["name"], r["id"], r["lang"]))
        lines.append("")
        extra = []
        if "pearson" in r:
            extra.append("Pearson r %s" % fmt(r["pearson"]))
        extra.append("macro-F1 %s" % fmt(r["macro_f1"]))
        extra.append("accuracy %s" % fmt(r["accuracy"]))
        extra.append("predicted neutral %s" % fmt(r["predicted_neutral_share"]))
        extra.append("score exactly 0 %s" % fmt(r["zero_score_share"]))
        lines.append("N %d (file sha256 %s); %s%s." % (
            r["n"], r["sha256_12"], "; ".join(extra),
            "; %d records not analysed (counted neutral)" % r["n_failed"] if r["n_failed"] else ""))
        if r["metric"] == "pearson":
            lines.append("Gold class for the matrix: rating/4 with the +-0.05 rule.")
        lines.append("")
        lines.append("| gold \\ predicted | neg | neu | pos | recall | precision | F1 |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        for g, row in r["confusion"].items():
            pc = r["per_class"][g]
            lines.append("| %s | %d | %d | %d | %s | %s | %s |" % (
                g, row["neg"], row["neu"], row["pos"], fmt(pc["recall"]),
                fmt(pc["precision"]), fmt(pc["f1"])))
        lines.append("")
    return lines


def error_listing(results):
    lines = []
    for r in results:
        if not r.get("errors"):
            continue
        lines.append("### Most confident wrong predictions: %s" % r["name"])
        lines.append("")
        for e in r["errors"]:
            gold = e["gold"] if isinstance(e["gold"], str) else "%g (%s)" % (e["gold"], e["gold_class"])
            text = e["text"] if len(e["text"]) <= 400 else e["text"][:400] + "..."
            lines.append("- `%s` gold %s, score %+.3f: %s" % (e["id"], gold, e["score"], text))
        lines.append("")
    return lines


def git_head():
    try:
        p = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=30)
        if p.returncode == 0:
            return p.stdout.decode().strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return "unknown"


def verbatim_version(binary):
    try:
        p = subprocess.run([binary, "--version"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=30)
        return p.stdout.decode("utf-8", "replace").strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def write_doc(path, results, meta):
    lines = [
        "# Sentiment evaluation",
        "",
        "Generated by `python3 tools/eval_sentiment.py --write %s` on %s at commit `%s` (%s)."
        % (path, meta["date"], meta["commit"], meta["version"]),
        "Corpora: the development halves in `../shared/corpora` (public data, read only; see its",
        "README). This file holds numbers only, no corpus text. Predicted class: score >= 0.05",
        "positive, <= -0.05 negative, else neutral. Macro-F1 is the mean of the per-class F1 over",
        "the gold classes present; for the 2-class Swedish reviews a neutral prediction is wrong.",
        "",
        "CI regression floor: `python3 tools/eval_sentiment.py --check %s` exits 1 when a metric"
        % path,
        "in the `verbatim` column falls more than %.2f below the value here." % CHECK_TOLERANCE,
        "",
        "## Results",
        "",
    ]
    lines += results_table(results)
    lines += ["", "## Per set: confusion matrices (gold rows, predicted columns)", ""]
    lines += details(results)
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".sentiment-eval.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines).rstrip("\n") + "\n")
    os.replace(tmp, path)


def read_committed(path):
    """{set id: value} from a table written by --write (or a --json output)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.lstrip().startswith("{"):
        data = json.loads(text)
        return {s["id"]: s["value"] for s in data["sets"] if s.get("value") is not None}
    values = {}
    col = None
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == "id" and "verbatim" in cells:
            col = cells.index("verbatim")
            continue
        if col is None or len(cells) <= col or not re.match(r"^[a-z]{2}-[a-z0-9-]+$", cells[0]):
            continue
        try:
            values[cells[0]] = float(cells[col])
        except ValueError:
            pass
    if not values:
        raise EvalError("%s: no results table found" % path)
    return values


def check(results, committed):
    current = {r["id"]: r["value"] for r in results}
    failures = []
    report = []
    for sid, old in committed.items():
        new = current.get(sid)
        if new is None or math.isnan(new):
            failures.append("%s: in the committed table (%.3f) but not measured now" % (sid, old))
            continue
        delta = new - old
        status = "FAIL" if delta < -CHECK_TOLERANCE - 1e-9 else "ok"
        report.append("%-16s committed %.3f  now %.3f  (%+.3f) %s" % (sid, old, new, delta, status))
        if status == "FAIL":
            failures.append("%s: %.3f is %.3f below the committed %.3f (tolerance %.2f)"
                            % (sid, new, -delta, old, CHECK_TOLERANCE))
    return report, failures


# ---------------------------------------------------------------- main

def _json_safe(v):
    """NaN (e.g. Pearson r of a constant column) becomes null: JSON has no NaN."""
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, dict):
        return {k: _json_safe(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_json_safe(x) for x in v]
    return v


def find_binary(explicit):
    if explicit:
        return explicit
    if os.environ.get("VERBATIM"):
        return os.environ["VERBATIM"]
    candidates = [os.path.join(REPO, d, "src", "verbatim")
                  for d in ("build", "build-sent", "build-unit", "build-bench")]
    found = [c for c in candidates if os.path.isfile(c) and os.access(c, os.X_OK)]
    if found:
        return max(found, key=os.path.getmtime)  # the most recently built one
    return shutil.which("verbatim") or candidates[0]


def staleness_warning(binary):
    try:
        bt = os.path.getmtime(binary)
    except OSError:
        return None
    newest, newest_path = 0.0, None
    for sub in ("src", "include", "lexicons"):
        for root, _dirs, files in os.walk(os.path.join(REPO, sub)):
            for name in files:
                p = os.path.join(root, name)
                try:
                    t = os.path.getmtime(p)
                except OSError:
                    continue
                if t > newest:
                    newest, newest_path = t, p
    if newest > bt:
        return "warning: %s is older than %s; rebuild for current numbers" % (
            binary, os.path.relpath(newest_path, REPO))
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Evaluate verbatim's sentiment on the public corpora (read only).")
    ap.add_argument("corpora_pos", nargs="?", metavar="CORPORA",
                    help="path of the corpora folder (same as --corpora)")
    ap.add_argument("--corpora", help="path of the corpora folder "
                    "(default: ../shared/corpora relative to the repository root)")
    ap.add_argument("--verbatim", help="the verbatim binary (default: $VERBATIM, else the most "
                    "recently built build*/src/verbatim of the repository, else PATH)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    ap.add_argument("--errors", type=int, default=0, metavar="N",
                    help="also print the N most confident wrong predictions per set "
                    "(corpus text: for studying only, never into the project)")
    ap.add_argument("--check", metavar="FILE",
                    help="compare with a committed results table; exit 1 when a metric is more "
                    "than %.2f below it" % CHECK_TOLERANCE)
    ap.add_argument("--write", metavar="FILE",
                    help="write the results table (no corpus text) with date and commit to FILE")
    ap.add_argument("--only", action="append", metavar="ID",
                    help="evaluate only this set id (repeatable): "
                    + ", ".join(s["id"] for s in SETS))
    args = ap.parse_args(argv)

    if args.errors < 0:
        ap.error("--errors must be >= 0")
    corpora = args.corpora or args.corpora_pos or os.path.join(REPO, "..", "shared", "corpora")
    corpora = os.path.abspath(corpora)
    if not os.path.isdir(corpora):
        print("error: corpora folder not found: %s" % corpora, file=sys.stderr)
        return 2
    binary = find_binary(args.verbatim)
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print("error: verbatim binary not found or not executable: %s (build it, or pass "
              "--verbatim)" % binary, file=sys.stderr)
        return 2
    sets = SETS
    if args.only:
        known = {s["id"] for s in SETS}
        bad = [o for o in args.only if o not in known]
        if bad:
            ap.error("unknown set id %s (known: %s)" % (", ".join(bad), ", ".join(sorted(known))))
        sets = [s for s in SETS if s["id"] in args.only]

    warn = staleness_warning(binary)
    if warn:
        print(warn, file=sys.stderr)
    print("using %s, corpora %s" % (binary, corpora), file=sys.stderr)

    results = []
    try:
        for spec in sets:
            results.append(evaluate(binary, corpora, spec, args.errors))
    except EvalError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2

    meta = {"date": datetime.date.today().isoformat(), "commit": git_head(),
            "version": verbatim_version(binary), "binary": binary, "corpora": corpora,
            "threshold": THRESHOLD}

    if args.json:
        print(json.dumps(_json_safe({"meta": meta, "sets": results}), ensure_ascii=False,
                         indent=1))
    else:
        print("Sentiment evaluation, %s, commit %s (%s)" % (meta["date"], meta["commit"],
                                                          meta["version"]))
        print()
        print("\n".join(results_table(results)))
        print()
        print("\n".join(details(results)).rstrip())
        if args.errors:
            print()
            print("\n".join(error_listing(results)).rstrip())

    if args.write:
        if args.only:
            print("error: --write needs all sets (no --only)", file=sys.stderr)
            return 2
        write_doc(args.write, results, meta)
        print("wrote %s" % args.write, file=sys.stderr)

    if args.check:
        try:
            committed = read_committed(args.check)
        except (OSError, ValueError, EvalError) as e:
            print("error: --check %s: %s" % (args.check, e), file=sys.stderr)
            return 2
        if args.only:
            committed = {k: v for k, v in committed.items() if k in args.only}
        report, failures = check(results, committed)
        for line in report:
            print("check: " + line, file=sys.stderr)
        if failures:
            for f in failures:
                print("REGRESSION: " + f, file=sys.stderr)
            return 1
        print("check: no metric more than %.2f below %s" % (CHECK_TOLERANCE, args.check),
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
