#!/usr/bin/env python3
"""Renders a verbatim HTML report and checks it, statically and in headless chromium.

usage: check_report.py --verbatim BIN --out DIR --name NAME [--input FILE] [--charts a,b]
                       [--rtl] [--nordic] [--escape] -- ARGS...

Runs `BIN analyze ARGS --format json` and `BIN report ARGS` (the alias of analyze --format
html) and checks that

  - the file references nothing outside itself: no "http:", "https:", "//", "url(", "src=",
    "@import"; every href is an in-page "#anchor"; no script, no event handler attribute;
  - chromium loads it with no console error or warning, no exception and no log error
    (a Content-Security-Policy violation would be one);
  - every <svg> has a non-zero size, and each chart named in --charts is there;
  - every number marked data-k equals the JSON value at that pointer (within the JSON's
    rounding), and its shown text is that value rounded as data-d says;
  - every quote's text is exactly a piece of one input text (--input), so letters such as
    å, ä, ö, æ, ø and Hebrew arrive intact; --nordic: some quote holds a Nordic letter;
  - quotes whose first strong letter is Hebrew, and all quotes marked lang="he", are laid out
    right to left (computed direction); --rtl: there is at least one;
  - --escape: the texts of the fixture with <script>, </textarea>, " onload= and javascript:
    appear on the page as text;
  - a screenshot (DIR/NAME.png) and a print to PDF (DIR/NAME.pdf) are made.

Exit status 0 when all checks pass, 1 when one fails, 77 when no chromium is installed.
"""
import argparse
import csv
import html.parser
import io
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402

HEBREW = re.compile("[\u0590-\u05ff\ufb1d-\ufb4f]")
LATIN = re.compile("[A-Za-z\u00c0-\u024f]")

COLLECT = r"""
(() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; };
  const out = {};
  out.scripts = document.scripts.length;
  out.charts = [...document.querySelectorAll('svg')].map(s => {
    const [w, h] = box(s);
    return {chart: s.getAttribute('data-chart') || '', w, h, shapes: s.querySelectorAll('rect,circle,path,line').length};
  });
  out.brandLines = [...document.querySelectorAll('svg[data-chart="brand-mentions"] g[data-brand]')].map(g => ({
    brand: +g.getAttribute('data-brand'),
    counts: [...g.querySelectorAll('circle')].map(c => +c.getAttribute('data-n')),
    tips: [...g.querySelectorAll('circle title')].map(t => t.textContent)}));
  out.nums = [...document.querySelectorAll('[data-k]')].map(e => ({
    k: e.getAttribute('data-k'), v: e.getAttribute('data-v'), d: e.getAttribute('data-d'),
    x: e.getAttribute('data-x'), text: e.textContent}));
  out.quotes = [...document.querySelectorAll('blockquote.q')].map(e => ({
    lang: e.getAttribute('lang'), dir: e.getAttribute('dir'),
    direction: getComputedStyle(e).direction, rtl: e.matches(':dir(rtl)'),
    text: e.textContent, width: box(e)[0]}));
  out.handlers = [...document.querySelectorAll('*')].filter(e =>
    [...e.attributes].some(a => a.name.startsWith('on'))).length;
  out.external = [...document.querySelectorAll('[src],[href],img,iframe,object,embed,link,form')]
    .filter(e => !(e.tagName === 'A' && (e.getAttribute('href') || '').startsWith('#'))).length;
  out.text = document.body.innerText;
  out.command = (document.getElementById('command') || {}).textContent || '';
  out.version = (document.getElementById('version') || {}).textContent || '';
  out.sections = [...document.querySelectorAll('section[id]')].map(s => s.id);
  out.pageWidth = document.documentElement.scrollWidth;
  out.viewWidth = window.innerWidth;
  out.overflow = [...document.querySelectorAll('.wide')].filter(e => e.scrollWidth > e.clientWidth + 1).length;
  return out;
})()
"""


PRINT_LAYOUT = r"""
(() => {
  const W = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > W + 1 && !e.closest('svg *');
  }).map(e => e.tagName + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className : '') + ' ' + Math.round(e.getBoundingClientRect().right));
  return {width: W, scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 8), n: wide.length};
})()
"""


class Failures:
    def __init__(self, name):
        self.name = name
        self.items = []

    def add(self, msg):
        self.items.append(msg)

    def check(self, cond, msg):
        if not cond:
            self.add(msg)
        return cond


class TagScan(html.parser.HTMLParser):
    """Every tag and attribute of the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def static_checks(raw, f):
    for needle in ("http:", "https:", "//", "url(", "src=", "@import", "<script", "javascript:",
                   "onload=", "onerror=", "onmouseover=", "<iframe", "<img", "<textarea"):
        f.check(needle not in raw.lower(), "the file contains %r" % needle)
    scan = TagScan()
    scan.feed(raw)
    for tag, attrs in scan.tags:
        f.check(tag not in ("script", "iframe", "object", "embed", "img", "link", "form", "base",
                            "textarea", "input"), "element <%s>" % tag)
        for k, v in attrs:
            f.check(not k.startswith("on"), "event handler attribute %s on <%s>" % (k, tag))
            if k == "href":
                f.check((v or "").startswith("#"), "href %r is not an in-page anchor" % v)
    f.check(raw.startswith("<!DOCTYPE html>"), "no doctype")
    f.check("Content-Security-Policy" in raw and "default-src 'none'" in raw, "no CSP")


def pointer(doc, ptr):
    """The value at a JSON pointer ("/themes/3/impact"); KeyError when absent."""
    cur = doc
    for part in ptr.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(cur, list):
            cur = cur[int(part)]
        elif isinstance(cur, dict):
            cur = cur[part]
        else:
            raise KeyError(ptr)
    return cur


def shown(v, d):
    s = "%.*f" % (d, v)
    if float(s) == 0:
        s = "%.*f" % (d, 0.0)
    return s


def number_checks(nums, doc, f):
    checked = 0
    for n in nums:
        k = n["k"]
        try:
            j = pointer(doc, k)
        except (KeyError, IndexError, ValueError):
            f.add("%s: not in the JSON output" % k)
            continue
        if n["v"] is None:  # a string: the shown text is the JSON string
            f.check(isinstance(j, str) and n["text"].strip() == j,
                    "%s: page shows %r, JSON has %r" % (k, n["text"], j))
            checked += 1
            continue
        text = n["text"].strip().rstrip("%").replace("\u2212", "-")
        if n["v"] == "":
            f.check(j is None, "%s: page has no value, JSON has %r" % (k, j))
            f.check(text == "\u2013", "%s: page shows %r for no value" % (k, n["text"]))
            checked += 1
            continue
        v = float(n["v"])
        if not f.check(isinstance(j, (int, float)) and not isinstance(j, bool),
                       "%s: JSON has %r, page %r" % (k, j, n["v"])):
            continue
        # the JSON prints 4 decimals (or 4 significant digits for tiny p-values)
        tol = 0.5e-4 + 1e-9 if abs(j) >= 1e-4 or j == 0 else abs(j) * 1e-3
        f.check(abs(v - j) <= tol, "%s: page value %r, JSON %r" % (k, v, j))
        d, x = int(n["d"]), float(n["x"])
        if text.startswith("<"):
            f.check(v < float(text[1:]), "%s: shown %r but the value is %r" % (k, n["text"], v))
        else:
            want = shown(v * x, d)
            got = text.lstrip("+")
            f.check(got == want, "%s: shown %r, the value %r gives %r" % (k, n["text"], v, want))
        checked += 1
    return checked


def input_texts(path, fields=("text",)):
    """Each record's text: its text fields (--text, repeated) present and not empty, joined
    with a blank line as verbatim joins a survey's several answers."""
    def join(values):
        return "\n\n".join(v for v in values if isinstance(v, str) and v)
    texts = []
    if path.endswith((".jsonl", ".ndjson")):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    obj = json.loads(line)
                    texts.append(join(obj.get(f) for f in fields))
        return texts
    with open(path, encoding="utf-8-sig", newline="") as fh:
        data = fh.read()
    if path.endswith(".tsv"):
        rows = [line.split("\t") for line in data.splitlines()]
    else:
        head = data.split("\n", 1)[0]
        delim = max(",;\t", key=head.count)
        rows = list(csv.reader(io.StringIO(data), delimiter=delim))
    cols = [rows[0].index(f) for f in fields]
    return [join(r[c] if len(r) > c else "" for c in cols) for r in rows[1:]]


def first_strong(text):
    for ch in text:
        if HEBREW.match(ch):
            return "rtl"
        if LATIN.match(ch):
            return "ltr"
    return None


def quote_checks(quotes, texts, args, f):
    joined = "\x00".join(texts)
    rtl = 0
    for q in quotes:
        body = q["text"].strip("\u2026")
        f.check(body in joined, "quote not found verbatim in the input: %r" % q["text"][:120])
        f.check(q["width"] > 0, "quote with zero width: %r" % q["text"][:60])
        strong = first_strong(q["text"])
        if q["lang"] == "he" or (q["dir"] == "auto" and strong == "rtl"):
            f.check(q["direction"] == "rtl" and q["rtl"],
                    "Hebrew quote laid out %s: %r" % (q["direction"], q["text"][:80]))
            rtl += 1
        elif strong == "ltr" and q["dir"] == "auto":
            f.check(q["direction"] == "ltr", "left-to-right quote laid out %s" % q["direction"])
    if args.rtl:
        f.check(rtl > 0, "no right-to-left quote on the page")
    if args.nordic:
        f.check(any(re.search("[åäöæøÅÄÖÆØ]", q["text"]) for q in quotes),
                "no quote with a Nordic letter")
    return rtl


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbatim", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--input")
    ap.add_argument("--charts", default="")
    ap.add_argument("--rtl", action="store_true")
    ap.add_argument("--nordic", action="store_true")
    ap.add_argument("--escape", action="store_true")
    ap.add_argument("--chromium")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    rest = args.args[1:] if args.args[:1] == ["--"] else args.args
    os.makedirs(args.out, exist_ok=True)
    f = Failures(args.name)
    base = os.path.join(args.out, args.name)

    js = subprocess.run([args.verbatim, "analyze"] + rest + ["--format", "json", "-q", "-o", base + ".json"],
                        stderr=subprocess.PIPE)
    rep = subprocess.run([args.verbatim, "report"] + rest + ["-q", "-o", base + ".html"],
                         stderr=subprocess.PIPE)
    if js.returncode not in (0, 2) or rep.returncode != js.returncode:
        print("verbatim failed: json %d, report %d\n%s%s" % (js.returncode, rep.returncode,
              js.stderr.decode(errors="replace"), rep.stderr.decode(errors="replace")))
        return 1
    with open(base + ".json", encoding="utf-8") as fh:
        doc = json.load(fh)
    with open(base + ".html", encoding="utf-8") as fh:
        raw = fh.read()
    static_checks(raw, f)

    browser = cdp.find_browser(args.chromium)
    if not browser:
        for m in f.items:
            print("FAIL %s: %s" % (args.name, m))
        print("SKIP %s: no chromium installed (apt-get install chromium)" % args.name)
        return 1 if f.items else 77
    b = cdp.Browser(browser)
    try:
        s = b.open_page("file://" + os.path.abspath(base + ".html"))
        data = b.evaluate(s, COLLECT)
        w, h = b.screenshot(s, base + ".png")
        pdf = b.pdf(s, base + ".pdf")
        # laid out as printed on A4 (210 mm less 2 x 12 mm margins = 703 CSS px): nothing may
        # stick out of the page
        b.call("Emulation.setEmulatedMedia", {"media": "print"}, session=s)
        b.call("Emulation.setDeviceMetricsOverride",
               {"width": 703, "height": 1000, "deviceScaleFactor": 1, "mobile": False}, session=s)
        printed = b.evaluate(s, PRINT_LAYOUT)
        b.drain(0.3)
        problems = b.problems(s)
    finally:
        b.close()

    for p in problems:
        f.add("browser: " + p)
    f.check(data["scripts"] == 0, "%d script elements" % data["scripts"])
    f.check(data["handlers"] == 0, "%d elements with event handlers" % data["handlers"])
    f.check(data["external"] == 0, "%d elements that load or link outside" % data["external"])
    for c in data["charts"]:
        f.check(c["w"] > 0 and c["h"] > 0, "chart %r has size %gx%g" % (c["chart"], c["w"], c["h"]))
        f.check(c["shapes"] > 0, "chart %r draws nothing" % c["chart"])
    f.check(data["pageWidth"] <= data["viewWidth"],
            "the page is %d px wide in a %d px window" % (data["pageWidth"], data["viewWidth"]))
    f.check(data["overflow"] == 0, "%d tables wider than the page" % data["overflow"])
    f.check(printed["n"] == 0 and printed["scroll"] <= printed["width"],
            "printed on A4, %d elements stick out of the %d px page: %s" % (
                printed["n"], printed["width"], printed["wide"]))
    # the brand chart: each line's points are the brand's mentions in the periods that name
    # it, as the JSON has them, in period order
    for line in data["brandLines"]:
        brand = doc["brands"]["rows"][line["brand"]]["brand"]
        want = [b["n"] for r in doc["periods"]["rows"] for b in r.get("brands", [])
                if b["brand"] == brand]
        f.check(line["counts"] == want, "brand chart %s: %s, JSON %s" % (brand, line["counts"], want))
        f.check(all(("%d mention" % n) in t for n, t in zip(line["counts"], line["tips"])),
                "brand chart %s: tooltips %s" % (brand, line["tips"][:3]))
    names = {c["chart"] for c in data["charts"]}
    for want in filter(None, args.charts.split(",")):
        f.check(want in names, "chart %r missing (have %s)" % (want, sorted(names)))
    n_checked = number_checks(data["nums"], doc, f)
    f.check(n_checked >= 20, "only %d numbers carry data-k" % n_checked)
    f.check(doc.get("version") == data["version"], "version %r, JSON %r" % (data["version"], doc.get("version")))
    f.check(data["command"].startswith("verbatim report"), "command line %r" % data["command"])
    for sec in ("headline", "themes", "map", "trends", "segments", "quotes", "discovered",
                "mismatch", "howto"):
        f.check(sec in data["sections"], "section %s missing" % sec)
    fields = [rest[i + 1] for i in range(len(rest) - 1) if rest[i] == "--text"] or ["text"]
    if len(fields) > 1:
        f.check("questions" in data["sections"], "section questions missing")
    n_rtl = 0
    if args.input:
        n_rtl = quote_checks(data["quotes"], input_texts(args.input, fields), args, f)
    if args.escape:
        # texts, labels and segment names of tests/browser/data/escape.* shown as text
        for needle in ("<script>alert(1)</script>", "</textarea>", '" onload="alert(3)',
                       "javascript:alert(4)", "https://evil.example/x.png",
                       "<script>alert('label')</script>", "</textarea><b>delivery</b>",
                       '" onmouseover="alert(2)', "<b>web</b>", 'app" onload="alert(3)'):
            f.check(needle in data["text"], "%r is not shown as text" % needle)
    f.check(len(pdf) > 10000 and pdf[:5] == b"%PDF-", "print to PDF failed")
    f.check(w > 0 and h > 0 and os.path.getsize(base + ".png") > 10000, "no screenshot")

    for m in f.items:
        print("FAIL %s: %s" % (args.name, m))
    print("%s %s: %d numbers compared with the JSON, %d charts, %d quotes (%d right to left), "
          "page %dx%d px, PDF %d bytes, screenshot %s" % (
              "FAILED" if f.items else "ok", args.name, n_checked, len(data["charts"]),
              len(data["quotes"]), n_rtl, w, h, len(pdf), base + ".png"))
    return 1 if f.items else 0


if __name__ == "__main__":
    sys.exit(main())
