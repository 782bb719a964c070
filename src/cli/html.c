/*
 * html.c - the HTML report: `verbatim analyze --format html` and `verbatim report`.
 *
 * One self-contained page written from one vb_table: inline CSS, inline SVG charts, no
 * script, no reference to anything outside the file (a Content-Security-Policy of
 * default-src 'none' makes the browser refuse any that slipped in). Every piece of text that
 * comes from the input (quotes, ids, segment names, theme labels of a user's codebook, the
 * command line) goes through esc(), which escapes the HTML metacharacters and also '/', ':',
 * '=' and '`': a customer's "https://..." is shown as text but never appears in the file as a
 * URL, so "the page has no external reference" can be checked by a plain search of the bytes.
 *
 * Every number shown is a <span class="num" data-k="/json/pointer" data-v="..." ...>: the
 * pointer names the same number in the JSON output of the same run, data-v holds it at full
 * precision, data-d the decimals shown and data-x the factor (100 for percentages). The
 * browser test (tests/browser/check_report.py) compares all three with the JSON.
 *
 * Quotes are re-analysed here to mark the theme's words and the words that carry sentiment
 * (the library keeps only the excerpt and the theme span). A quote in Hebrew gets dir="rtl",
 * every other quote dir="auto", so that the browser's bidi algorithm lays out each one by its
 * own text.
 *
 * The phrases the codebook does not cover come from the discovery API (vb_discover_*), run
 * over the input files once more after the table: two extra passes, so a report takes about
 * three times as long as the table alone. Without input files (standard input, merge) the
 * section says why it is empty.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define COMMON_PREV 0.10 /* prevalence from which a theme is "common" (as the verdicts) */
#define QUOTE_THEMES 15  /* themes whose quotes are shown */
#define MULTIPLES 6      /* themes in the small multiples of prevalence over time */
#define HEAT_THEMES 15   /* themes (rows) of the segment heat maps */
#define HEAT_SEGMENTS 24 /* segments (columns) of the heat maps */
#define WATERFALL_BARS 8 /* themes in the waterfall before "other themes" */
#define PHRASES 25       /* discovered phrases shown */

typedef struct html {
  FILE *fp;
  const vb_table *t;
  const vb_model *m;
  const render_info *info;
  const opts *in; /* the inputs, for discovery; NULL: none */
  vb_score_type type;
  int dec;         /* decimals of the score */
  const char *sl;  /* its short name */
  vb_analyzer *an; /* quotes are re-analysed for highlighting */
  vb_lang lang;    /* the most frequent language: for excerpts too short to identify */
  char key[160];
} html;

/* The command line of `verbatim report` (what the user typed, not the analyze it became). */
static char *report_command_line;

/* ---- text ---- */

/* Writes user text as HTML text or attribute value. Control characters other than TAB and
 * newline are not allowed in HTML: they become U+FFFD. */
static void esc(FILE *fp, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
    case '&':
      fputs("&amp;", fp);
      break;
    case '<':
      fputs("&lt;", fp);
      break;
    case '>':
      fputs("&gt;", fp);
      break;
    case '"':
      fputs("&quot;", fp);
      break;
    case '\'':
      fputs("&#39;", fp);
      break;
    case '/':
      fputs("&#47;", fp);
      break;
    case ':':
      fputs("&#58;", fp);
      break;
    case '=':
      fputs("&#61;", fp);
      break;
    case '`':
      fputs("&#96;", fp);
      break;
    default:
      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
        fputs("&#xFFFD;", fp);
      else
        fputc(c, fp);
    }
  }
}

static void escs(FILE *fp, const char *s) {
  if (s) esc(fp, s, strlen(s));
}

static const char *keyf(html *h, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static const char *keyf(html *h, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(h->key, sizeof h->key, fmt, ap);
  va_end(ap);
  return h->key;
}

/* ---- numbers ---- */

static void fmtn(char *b, size_t cap, double v, int dec, bool sign) {
  if (isnan(v)) {
    snprintf(b, cap, "\xe2\x80\x93"); /* en dash */
    return;
  }
  snprintf(b, cap, sign && v > 0 ? "+%.*f" : "%.*f", dec, v);
  /* no "-0.0": a value that rounds to zero is shown without a sign */
  bool zero = true;
  for (const char *p = b; *p; p++)
    if (*p >= '1' && *p <= '9') zero = false;
  if (zero) snprintf(b, cap, "%.*f", dec, 0.0);
}

/* The attributes that tie a shown number to the JSON value at `key`: the value at full
 * precision, the decimals shown and the factor (100 for a percentage). */
static void kattr(html *h, const char *key, double v, int dec, double scale) {
  FILE *fp = h->fp;
  fputs(" data-k=\"", fp);
  escs(fp, key);
  fputs("\" data-v=\"", fp);
  if (!isnan(v)) fprintf(fp, "%.17g", v);
  fprintf(fp, "\" data-d=\"%d\" data-x=\"%g\"", dec, scale);
}

/* A number shown as v * scale with `dec` decimals, tied to the JSON value at `key` (NULL: not
 * in the JSON output). */
static void num(html *h, const char *key, double v, int dec, double scale, const char *suffix,
                bool sign) {
  char b[64];
  fmtn(b, sizeof b, isnan(v) ? v : v * scale, dec, sign);
  fputs("<span class=\"num\"", h->fp);
  if (key) kattr(h, key, v, dec, scale);
  fprintf(h->fp, ">%s%s</span>", b, isnan(v) || !suffix ? "" : suffix);
}

static void count(html *h, const char *key, size_t v) {
  fputs("<span class=\"num\"", h->fp);
  if (key) {
    fputs(" data-k=\"", h->fp);
    escs(h->fp, key);
    fprintf(h->fp, "\" data-v=\"%zu\" data-d=\"0\" data-x=\"1\"", v);
  }
  fprintf(h->fp, ">%zu</span>", v);
}

/* A p- or q-value: three decimals, "<0.001" below. */
static void pval(html *h, const char *key, double p) {
  FILE *fp = h->fp;
  fputs("<span class=\"num p\"", fp);
  if (key) {
    fputs(" data-k=\"", fp);
    escs(fp, key);
    fputs("\" data-v=\"", fp);
    if (!isnan(p)) fprintf(fp, "%.17g", p);
    fputs("\" data-d=\"3\" data-x=\"1\"", fp);
  }
  if (isnan(p))
    fputs(">\xe2\x80\x93</span>", fp);
  else if (p < 0.001)
    fputs(">&lt;0.001</span>", fp);
  else
    fprintf(fp, ">%.3f</span>", p);
}

static const char *score_label(vb_score_type t) {
  switch (t) {
  case VB_SCORE_NPS:
    return "NPS";
  case VB_SCORE_CSAT:
    return "CSAT %";
  case VB_SCORE_CES:
    return "CES";
  case VB_SCORE_RATING:
    return "mean rating";
  default:
    return "score";
  }
}

/* "Nice" tick step for a range: 1, 2 or 5 times a power of ten, giving about `ticks` ticks. */
static double nice_step(double range, int ticks) {
  if (!(range > 0)) return 1;
  double raw = range / ticks, mag = pow(10, floor(log10(raw))), f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

static int theme_depth(const vb_model *m, size_t theme) {
  int d = 0;
  for (long p = vb_model_theme_parent(m, theme); p >= 0 && d < 16;
       p = vb_model_theme_parent(m, (size_t)p))
    d++;
  return d;
}

static bool theme_within(const vb_model *m, size_t theme, size_t ancestor) {
  for (long p = (long)theme; p >= 0; p = vb_model_theme_parent(m, (size_t)p))
    if ((size_t)p == ancestor) return true;
  return false;
}

/* The row of `theme` in rows[n], or NULL. */
static const vb_theme_row *row_of(const vb_theme_row *rows, size_t n, size_t theme) {
  for (size_t i = 0; i < n; i++)
    if (rows[i].theme == theme) return &rows[i];
  return NULL;
}

static void theme_name(html *h, size_t theme) {
  fputs("<bdi class=\"tl\">", h->fp);
  escs(h->fp, vb_model_theme_label(h->m, theme));
  fputs("</bdi>", h->fp);
}

/* A theme's id, tied to the JSON string at `key` (a pointer of our own: ASCII, no quote). */
static void theme_id(html *h, size_t theme, const char *key) {
  fprintf(h->fp, "<span class=\"id\" data-k=\"%s\">", key);
  escs(h->fp, vb_model_theme_id(h->m, theme));
  fputs("</span>", h->fp);
}

/* Colours: negative red, positive green, neutral grey. */
#define C_NEG "#c0392b"
#define C_POS "#1e8449"
#define C_MID "#95a5a6"
#define C_INK "#1b2631"

/* ---- page frame ---- */

static const char css[] =
    ":root{--neg:" C_NEG ";--pos:" C_POS ";--mid:" C_MID ";--ink:" C_INK ";--soft:#f4f6f7;"
    "--line:#d5d8dc}\n"
    "*{box-sizing:border-box}\n"
    "body{font-family:system-ui,'Segoe UI','DejaVu Sans','Noto Sans','Noto Sans Hebrew',Arial,"
    "sans-serif;color:var(--ink);margin:0 auto;max-width:1060px;padding:24px 28px 48px;"
    "line-height:1.45;font-size:15px}\n"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 10px;padding-bottom:4px;"
    "border-bottom:2px solid var(--line)}h3{font-size:16px;margin:22px 0 6px}\n"
    "p.lead{color:#566573;margin:0 0 16px}\n"
    "nav{font-size:13px;margin:8px 0 18px}nav a{margin-right:12px;color:#2e4053}\n"
    ".big{font-size:44px;font-weight:700;line-height:1.1}\n"
    ".kpis{display:flex;flex-wrap:wrap;gap:14px 36px;align-items:flex-end;margin:10px 0}\n"
    ".kpi .lab{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#566573}\n"
    ".kpi .val{font-size:20px;font-weight:600}\n"
    "table{border-collapse:collapse;width:100%;font-size:13.5px;margin:6px 0 12px}\n"
    "th,td{padding:4px 6px;border-bottom:1px solid var(--line);vertical-align:middle}\n"
    "table.themes{font-size:12.5px}table.themes td:first-child{min-width:140px}"
    "table.themes td.verdict{min-width:70px}\n"
    ".wide{overflow-x:auto}\n"
    "th{text-align:left;font-weight:600;background:var(--soft);font-size:12.5px}\n"
    "td.r,th.r{text-align:right;white-space:nowrap}td.c{text-align:center}\n"
    "td .id{display:block;font-size:11px;color:#7f8c8d}\n"
    "tr.few td{color:#7f8c8d}\n"
    ".neg{color:var(--neg)}.pos{color:var(--pos)}\n"
    ".v-common-severe{background:#fadbd8;color:#922b21;font-weight:600}"
    ".v-rare-severe{background:#fdedec;color:#922b21}.v-common-lift{background:#d5f5e3;"
    "color:#145a32;font-weight:600}.v-rare-lift{background:#eafaf1;color:#145a32}\n"
    "td.verdict span{padding:0 4px;border-radius:6px;font-size:11.5px;display:inline-block;"
    "line-height:1.25}\n"
    "svg{display:block;overflow:visible}svg.inl{display:inline-block;vertical-align:middle}\n"
    "svg.chart:not(.inl){max-width:100%;height:auto}\n"
    "svg text{font-family:inherit;fill:var(--ink)}\n"
    "svg .ax{stroke:#aab7b8;stroke-width:1}svg .grid{stroke:#e5e8e8;stroke-width:1}\n"
    "svg .tick{font-size:11px;fill:#566573}svg .lbl{font-size:11px}\n"
    "figure{margin:10px 0 16px}figcaption{font-size:12.5px;color:#566573;margin-top:4px}\n"
    ".multiples{display:flex;flex-wrap:wrap;gap:12px}\n"
    ".multiples figure{margin:0;width:230px}\n"
    ".qt{margin:10px 0 18px}.qcols{display:grid;grid-template-columns:1fr 1fr;gap:4px 22px}\n"
    "blockquote{margin:6px 0 2px;padding:6px 10px;border-inline-start:4px solid var(--line);"
    "background:var(--soft);white-space:pre-line;unicode-bidi:isolate}\n"
    "blockquote.qneg{border-inline-start-color:var(--neg)}"
    "blockquote.qpos{border-inline-start-color:var(--pos)}\n"
    ".qm{font-size:11.5px;color:#7f8c8d;margin-bottom:6px}\n"
    "mark.t{background:#fcf3cf;color:inherit;border-bottom:2px solid #d4ac0d;padding:0 1px}\n"
    "b.sp{color:var(--pos)}b.sn{color:var(--neg)}\n"
    ".legend{font-size:12.5px;color:#566573}.legend mark,.legend b{font-weight:600}\n"
    ".note{font-size:13.5px;background:var(--soft);padding:10px 14px;border-radius:4px}\n"
    ".empty{color:#7f8c8d;font-style:italic}\n"
    "code{font-family:'DejaVu Sans Mono',monospace;font-size:12.5px;word-break:break-all}\n"
    "footer{margin-top:36px;font-size:12.5px;color:#566573;border-top:1px solid var(--line);"
    "padding-top:10px}\n"
    "@page{size:A4;margin:14mm 12mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:10pt}nav{display:none}"
    ".wide{overflow:visible}table{font-size:8.5pt}table.themes{font-size:7pt}"
    "table.themes th,table.themes td{padding:2px 3px}table.themes th{font-size:7pt}table.themes "
    "td:first-child{min-width:0}"
    "table.themes td.verdict{min-width:0}td.verdict span{font-size:6.5pt}"
    "svg.inl{width:34px;height:10px}td .id{font-size:6pt}td.verdict span{white-space:normal}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "h2,h3{break-after:avoid}figure,svg,tr,blockquote,.qm,.kpis{break-inside:avoid}"
    "thead{display:table-header-group}section.pb{break-before:page}"
    ".qcols{grid-template-columns:1fr 1fr}}\n";

static void page_start(html *h) {
  FILE *fp = h->fp;
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", fp);
  /* Nothing may be fetched and no script may run, whatever the page holds. */
  fputs("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n",
        fp);
  fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", fp);
  fprintf(fp, "<meta name=\"generator\" content=\"verbatim %s\">\n", vb_version());
  fputs("<title>verbatim report", fp);
  if (h->type != VB_SCORE_NONE) fprintf(fp, ": %s", score_label(h->type));
  fputs("</title>\n<style>\n", fp);
  fputs(css, fp);
  fputs("</style>\n</head>\n<body>\n", fp);
}

/* ---- charts: small pieces ---- */

/* The opening tag of a small chart inside a table cell, `w` x `hh` pixels. */
static void inline_svg(html *h, const char *chart, const char *label, double w, double hh) {
  fprintf(h->fp,
          "<svg class=\"inl chart\" data-chart=\"%s\" width=\"%g\" height=\"%g\" "
          "viewBox=\"0 0 %g %g\" role=\"img\" aria-label=\"%s\">",
          chart, w, hh, w, hh, label);
}

/* A horizontal bar centred on zero: negative red to the left, positive green to the right. */
static void impact_bar(html *h, double v, double max) {
  const double w = 90, hh = 14, mid = w / 2;
  inline_svg(h, "impact-bar", "impact", w, hh);
  fprintf(h->fp, "<line class=\"ax\" x1=\"%g\" y1=\"0\" x2=\"%g\" y2=\"%g\"/>", mid, mid, hh);
  if (!isnan(v) && max > 0) {
    double len = fabs(v) / max * (mid - 2);
    if (len < 0.5) len = 0.5;
    fprintf(h->fp, "<rect x=\"%.1f\" y=\"2\" width=\"%.1f\" height=\"%g\" fill=\"%s\"/>",
            v < 0 ? mid - len : mid, len, hh - 4, v < 0 ? C_NEG : C_POS);
  }
  fputs("</svg>", h->fp);
}

/* Prevalence as a bar with its interval as a whisker, on a scale up to `max`. */
static void prev_bar(html *h, double v, double lo, double hi, double max) {
  const double w = 80, hh = 14;
  inline_svg(h, "prevalence-bar", "prevalence", w, hh);
  fprintf(h->fp, "<rect x=\"0\" y=\"3\" width=\"%g\" height=\"%g\" fill=\"#eef0f1\"/>", w, hh - 6);
  if (!isnan(v) && max > 0) {
    fprintf(h->fp, "<rect x=\"0\" y=\"3\" width=\"%.1f\" height=\"%g\" fill=\"#5d6d7e\"/>",
            v / max * w, hh - 6);
    if (!isnan(lo) && !isnan(hi))
      fprintf(h->fp,
              "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"%s\" "
              "stroke-width=\"1.5\"/>",
              lo / max * w, hh / 2, hi / max * w, hh / 2, C_INK);
  }
  fputs("</svg>", h->fp);
}

/* A share and its 95% interval (cells: the numbers, then a bar of both on a scale up to
 * `max`), tied to the JSON at ROW/NAME and ROW/NAME_ci (ROW such as "/themes/3"). */
static void share_cells(html *h, const char *row, const char *name, double v, double lo,
                        double hi, double max) {
  FILE *fp = h->fp;
  fputs("<td class=\"r\">", fp);
  num(h, keyf(h, "%s/%s", row, name), v, 1, 100, "%", false);
  fputs(" <span class=\"id\">", fp);
  num(h, keyf(h, "%s/%s_ci/0", row, name), lo, 1, 100, NULL, false);
  fputs("\xe2\x80\x93", fp);
  num(h, keyf(h, "%s/%s_ci/1", row, name), hi, 1, 100, "%", false);
  fputs("</span></td><td>", fp);
  prev_bar(h, v, lo, hi, max);
  fputs("</td>", fp);
}

/* ---- headline ---- */

static const char *dist_colour(vb_score_type t, double v, double lo, double hi) {
  switch (t) {
  case VB_SCORE_NPS:
    return v <= 6 ? C_NEG : v <= 8 ? C_MID : C_POS;
  case VB_SCORE_CSAT:
    return v <= 2 ? C_NEG : v <= 3 ? C_MID : C_POS;
  case VB_SCORE_CES:
    return v <= 3 ? C_NEG : v <= 4 ? C_MID : C_POS;
  default: {
    double f = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return f < 1.0 / 3 ? C_NEG : f < 2.0 / 3 ? C_MID : C_POS;
  }
  }
}

static void distribution_bar(html *h) {
  const vb_table *t = h->t;
  size_t total = 0;
  for (size_t i = 0; i < t->dist_n; i++)
    total += t->dist_count[i];
  if (!total) return;
  const double w = 640, bh = 26, hh = 58;
  FILE *fp = h->fp;
  fprintf(fp,
          "<figure><svg class=\"chart\" data-chart=\"distribution\" width=\"%g\" "
          "height=\"%g\" viewBox=\"0 0 %g %g\" role=\"img\" "
          "aria-label=\"distribution of the scores\"><title>Distribution of the scores</title>",
          w, hh, w, hh);
  double x = 0, lo = t->dist_value[0], hi = t->dist_value[t->dist_n - 1];
  for (size_t i = 0; i < t->dist_n; i++) {
    double bw = (double)t->dist_count[i] / (double)total * w;
    char v[32];
    fmtn(v, sizeof v, t->dist_value[i], t->dist_value[i] == floor(t->dist_value[i]) ? 0 : 2, false);
    if (bw > 0) {
      fprintf(fp,
              "<rect x=\"%.2f\" y=\"0\" width=\"%.2f\" height=\"%g\" fill=\"%s\" "
              "stroke=\"#fff\" stroke-width=\"1\"><title>%s: %zu</title></rect>",
              x, bw, bh, dist_colour(t->type, t->dist_value[i], lo, hi), v, t->dist_count[i]);
      if (bw >= 16) {
        fprintf(fp,
                "<text x=\"%.1f\" y=\"17\" text-anchor=\"middle\" class=\"lbl\" "
                "style=\"fill:#fff;font-weight:600\">%s</text>",
                x + bw / 2, v);
        fprintf(fp, "<text x=\"%.1f\" y=\"42\" text-anchor=\"middle\" class=\"tick\">%zu</text>",
                x + bw / 2, t->dist_count[i]);
      }
    }
    x += bw;
  }
  fputs("</svg><figcaption>Each block is one answer value, its width the share of answers "
        "(count below).",
        fp);
  fputs("</figcaption></figure>\n", fp);
}

static void headline(html *h) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  fputs("<section id=\"headline\">\n<h1>", fp);
  if (t->type != VB_SCORE_NONE) fprintf(fp, "%s ", score_label(t->type));
  fputs("report</h1>\n<p class=\"lead\">Root causes in open-ended feedback: how common each "
        "theme is, how severe, and what it costs in the score.</p>\n",
        fp);
  fputs("<nav><a href=\"#themes\">Themes</a><a href=\"#map\">What to fix first</a>", fp);
  if (t->n_periods) fputs("<a href=\"#trends\">Trends</a>", fp);
  if (t->n_segments) fputs("<a href=\"#segments\">Segments</a>", fp);
  if (t->n_questions) fputs("<a href=\"#questions\">Questions</a>", fp);
  if (t->drivers) fputs("<a href=\"#drivers\">Drivers</a>", fp);
  fputs("<a href=\"#quotes\">Quotes</a><a href=\"#discovered\">New phrases</a>"
        "<a href=\"#mismatch\">Score vs text</a><a href=\"#howto\">How to read this</a></nav>\n",
        fp);
  fputs("<div class=\"kpis\">", fp);
  if (t->type != VB_SCORE_NONE) {
    fputs("<div class=\"kpi\"><div class=\"lab\">", fp);
    fputs(score_label(t->type), fp);
    if (t->score_name) {
      fputs(" (column <bdi>", fp);
      escs(fp, t->score_name);
      fputs("</bdi>)", fp);
    }
    fputs("</div><div class=\"big\">", fp);
    num(h, "/score/value", t->score.value, h->dec, 1, NULL, false);
    fputs("</div><div>95% interval ", fp);
    num(h, "/score/ci/0", t->score.ci_low, h->dec, 1, NULL, false);
    fputs(" to ", fp);
    num(h, "/score/ci/1", t->score.ci_high, h->dec, 1, NULL, false);
    fputs("</div></div>\n", fp);
  }
  fputs("<div class=\"kpi\"><div class=\"lab\">responses</div><div class=\"val\">", fp);
  count(h, "/records", t->records);
  fputs("</div><div>", fp);
  count(h, "/n", t->analysed);
  fputs(" analysed", fp);
  if (t->type != VB_SCORE_NONE) {
    fputs(", ", fp);
    count(h, "/score/n", t->score.n);
    fputs(" with a score", fp);
  }
  fputs("</div></div>\n", fp);
  fputs("<div class=\"kpi\"><div class=\"lab\">languages</div><div class=\"val\">", fp);
  static const vb_lang order[] = {VB_LANG_SV, VB_LANG_DA, VB_LANG_HE, VB_LANG_EN, VB_LANG_UND};
  bool any = false;
  for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
    if (!t->by_lang[order[k]]) continue;
    const char *code = vb_lang_code(order[k]);
    fprintf(fp, "%s%s ", any ? ", " : "", code);
    count(h, keyf(h, "/languages/%s", code), t->by_lang[order[k]]);
    any = true;
  }
  if (!any) fputs("\xe2\x80\x93", fp);
  fputs("</div></div>\n", fp);
  fputs("<div class=\"kpi\"><div class=\"lab\">period covered</div><div class=\"val\">", fp);
  if (t->n_periods) {
    fputs("<bdi>", fp);
    escs(fp, t->periods[0].label);
    fputs("</bdi>", fp);
    if (t->n_periods > 1) {
      fputs(" to <bdi>", fp);
      escs(fp, t->periods[t->n_periods - 1].label);
      fputs("</bdi>", fp);
    }
    fputs("</div><div>", fp);
    fprintf(fp, "%zu %s%s (column <bdi>", t->n_periods, vb_period_name(t->period),
            t->n_periods == 1 ? "" : "s");
    escs(fp, t->date);
    fputs("</bdi>)", fp);
    if (t->undated) fprintf(fp, "; %zu records without a date", t->undated);
  } else {
    fputs("\xe2\x80\x93</div><div>no date column given (<code>--date</code>)", fp);
  }
  fputs("</div></div>\n</div>\n", fp);

  if (t->type != VB_SCORE_NONE) {
    distribution_bar(h);
    fputs("<p>", fp);
    const char *names[3][3] = {{"promoters (9-10)", "passives (7-8)", "detractors (0-6)"},
                               {"satisfied (4-5)", "neutral (3)", "dissatisfied (1-2)"},
                               {"agree (5-7)", "neutral (4)", "disagree (1-3)"}};
    int k = t->type == VB_SCORE_NPS    ? 0
            : t->type == VB_SCORE_CSAT ? 1
            : t->type == VB_SCORE_CES  ? 2
                                       : -1;
    if (k >= 0) {
      fprintf(fp, "%s ", names[k][0]);
      num(h, "/score/top", t->score.top, 1, 100, "%", false);
      fprintf(fp, " &middot; %s ", names[k][1]);
      num(h, "/score/middle", t->score.middle, 1, 100, "%", false);
      fprintf(fp, " &middot; %s ", names[k][2]);
      num(h, "/score/bottom", t->score.bottom, 1, 100, "%", false);
      fputs(" &middot; ", fp);
    }
    fputs("mean ", fp);
    num(h, "/score/mean", t->score.mean, 2, 1, NULL, false);
    if (t->missing_score)
      fprintf(fp, " &middot; %zu analysed records without a usable score", t->missing_score);
    fputs("</p>\n", fp);
  }
  if (t->analysed) {
    fputs("<p>Sentiment of the texts: positive ", fp);
    count(h, "/sentiment/positive", t->sent_pos);
    fputs(", neutral ", fp);
    count(h, "/sentiment/neutral", t->sent_neu);
    fputs(", negative ", fp);
    count(h, "/sentiment/negative", t->sent_neg);
    fputs(" records.</p>\n", fp);
  }
  if (t->n_other) {
    fputs("<h3>Other score columns</h3>\n<table><thead><tr><th>column</th><th>type</th>"
          "<th class=\"r\">n</th><th class=\"r\">value</th><th class=\"r\">95% interval</th>"
          "</tr></thead><tbody>\n",
          fp);
    for (size_t i = 0; i < t->n_other; i++) {
      const vb_table *o = &t->other[i];
      int d = (o->type == VB_SCORE_CES || o->type == VB_SCORE_RATING) ? 2 : 1;
      fputs("<tr><td><bdi>", fp);
      escs(fp, o->score_name);
      fprintf(fp, "</bdi></td><td>%s</td><td class=\"r\">", score_label(o->type));
      count(h, NULL, o->score.n);
      fputs("</td><td class=\"r\">", fp);
      num(h, NULL, o->score.value, d, 1, NULL, false);
      fputs("</td><td class=\"r\">", fp);
      num(h, NULL, o->score.ci_low, d, 1, NULL, false);
      fputs(" to ", fp);
      num(h, NULL, o->score.ci_high, d, 1, NULL, false);
      fputs("</td></tr>\n", fp);
    }
    fputs("</tbody></table>\n", fp);
  }
  fputs("</section>\n", fp);
}

/* ---- the theme table ---- */

static const char *verdict_class(int v) {
  switch (v) {
  case VB_VERDICT_COMMON_SEVERE:
    return "v-common-severe";
  case VB_VERDICT_RARE_SEVERE:
    return "v-rare-severe";
  case VB_VERDICT_COMMON_LIFT:
    return "v-common-lift";
  case VB_VERDICT_RARE_LIFT:
    return "v-rare-lift";
  default:
    return "v-other";
  }
}

static void theme_table(html *h) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  fputs("<section id=\"themes\">\n<h2>Themes</h2>\n", fp);
  if (!t->n_rows) {
    fputs("<p class=\"empty\">No theme of the codebook was mentioned.</p>\n</section>\n", fp);
    return;
  }
  double max_imp = 0, max_prev = 0;
  for (size_t i = 0; i < t->n_rows; i++) {
    if (!isnan(t->rows[i].impact) && fabs(t->rows[i].impact) > max_imp)
      max_imp = fabs(t->rows[i].impact);
    if (!isnan(t->rows[i].prev_high) && t->rows[i].prev_high > max_prev)
      max_prev = t->rows[i].prev_high;
  }
  bool scored = t->type != VB_SCORE_NONE;
  fputs("<div class=\"wide\"><table class=\"themes\"><thead><tr><th>theme</th>"
        "<th class=\"r\">men&shy;tions</th><th class=\"r\" colspan=\"2\">prevalence<br>(95% "
        "interval)</th>",
        fp);
  if (scored)
    fprintf(fp,
            "<th class=\"r\">%s of<br>mentioners</th><th class=\"r\" colspan=\"2\">impact</th>"
            "<th class=\"r\">p</th><th class=\"r\">q</th>",
            h->sl);
  fputs("<th class=\"r\">neg&shy;ative</th>", fp);
  if (scored) fputs("<th>verdict</th>", fp);
  fputs("</tr></thead>\n<tbody>\n", fp);
  for (size_t i = 0; i < t->n_rows; i++) {
    const vb_theme_row *r = &t->rows[i];
    fprintf(fp, "<tr%s><td style=\"padding-inline-start:%dpx\">",
            r->too_few ? " class=\"few\"" : "", 7 + 14 * theme_depth(h->m, r->theme));
    theme_name(h, r->theme);
    fputs(r->too_few && scored ? " *" : "", fp);
    theme_id(h, r->theme, keyf(h, "/themes/%zu/theme", i));
    fputs("</td><td class=\"r\">", fp);
    count(h, keyf(h, "/themes/%zu/n", i), r->n);
    fputs("</td>", fp);
    char row[48];
    snprintf(row, sizeof row, "/themes/%zu", i);
    share_cells(h, row, "prevalence", r->prevalence, r->prev_low, r->prev_high, max_prev);
    if (scored) {
      fputs("<td class=\"r\">", fp);
      num(h, keyf(h, "/themes/%zu/score", i), r->with.value, h->dec, 1, NULL, false);
      fprintf(fp, "</td><td class=\"r %s\">",
              isnan(r->impact) ? ""
              : r->impact < 0  ? "neg"
                               : "pos");
      num(h, keyf(h, "/themes/%zu/impact", i), r->impact, h->dec, 1, NULL, true);
      fputs("</td><td>", fp);
      impact_bar(h, r->impact, max_imp);
      fputs("</td><td class=\"r\">", fp);
      pval(h, keyf(h, "/themes/%zu/p", i), r->p);
      fputs("</td><td class=\"r\">", fp);
      pval(h, keyf(h, "/themes/%zu/q", i), r->q);
      fputs("</td>", fp);
    }
    fputs("<td class=\"r\">", fp);
    num(h, keyf(h, "/themes/%zu/neg_share", i), r->neg_share, 0, 100, "%", false);
    fputs("</td>", fp);
    if (scored)
      fprintf(fp, "<td class=\"verdict\"><span class=\"%s\">%s</span></td>",
              verdict_class(r->verdict), vb_verdict_name(r->verdict));
    fputs("</tr>\n", fp);
  }
  fputs("</tbody></table></div>\n<p class=\"legend\">", fp);
  if (scored)
    fprintf(fp,
            "Impact = %s of all records minus %s of the records that do not mention the "
            "theme: what the score would gain (green: lose) if the theme's records were "
            "like the rest. Themes overlap, so impacts do not add up. p: mentioners against "
            "the rest; q: p after Benjamini-Hochberg across themes. Verdict: common means "
            "10%% of records or more, severe/lift a large gap that is significant (q &lt; "
            "0.05). * fewer than 20 scored mentions: too few to conclude. ",
            h->sl, h->sl);
  fputs("Negative: share of the mentions made in a negative clause.</p>\n</section>\n", fp);
}

/* ---- brands ---- */

static void quote(html *h, const vb_quote *q, long theme, const char *cls);

/* Net sentiment as a bar from the middle (-1 left, +1 right) with its interval. */
static void net_bar(html *h, double v, double lo, double hi) {
  const double w = 90, hh = 14, mid = w / 2;
  inline_svg(h, "net-bar", "net sentiment", w, hh);
  fprintf(h->fp, "<line class=\"ax\" x1=\"%g\" y1=\"0\" x2=\"%g\" y2=\"%g\"/>", mid, mid, hh);
  if (!isnan(v)) {
    double len = fabs(v) * (mid - 2);
    if (len < 0.5) len = 0.5;
    fprintf(h->fp, "<rect x=\"%.1f\" y=\"3\" width=\"%.1f\" height=\"%g\" fill=\"%s\"/>",
            v < 0 ? mid - len : mid, len, hh - 6, v < 0 ? C_NEG : C_POS);
    if (!isnan(lo) && !isnan(hi))
      fprintf(h->fp,
              "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"%s\" "
              "stroke-width=\"1.5\"/>",
              mid + lo * (mid - 2), hh / 2, mid + hi * (mid - 2), hh / 2, C_INK);
  }
  fputs("</svg>", h->fp);
}

/* A cell with a score, keyed into the JSON at `key`. */
static void score_cell(html *h, const char *key, double value) {
  fputs("<td class=\"r\">", h->fp);
  num(h, key, value, h->dec, 1, NULL, false);
  fputs("</td>", h->fp);
}

/* The cells of a net sentiment: the number (coloured by its sign) with its 95% interval, tied
 * to the JSON values ROW/net and ROW/net_ci, and its bar; no interval without a net. */
static void net_cells(html *h, const char *row, double net, double lo, double hi) {
  FILE *fp = h->fp;
  char key[96];
  fprintf(fp, "<td class=\"r %s\">", isnan(net) || net == 0 ? "" : net < 0 ? "neg" : "pos");
  snprintf(key, sizeof key, "%s/net", row);
  num(h, key, net, 2, 1, NULL, true);
  if (!isnan(net)) {
    fputs(" <span class=\"id\">", fp);
    snprintf(key, sizeof key, "%s/net_ci/0", row);
    num(h, key, lo, 2, 1, NULL, true);
    fputs(" to ", fp);
    snprintf(key, sizeof key, "%s/net_ci/1", row);
    num(h, key, hi, 2, 1, NULL, true);
    fputs("</span>", fp);
  }
  fputs("</td><td>", fp);
  net_bar(h, net, lo, hi);
  fputs("</td>", fp);
}

/* The horizontal grid lines of a chart and their labels at the left, every `ys` from lo to hi
 * (signed: with + before positive values), the chart's area from x0 to x1 and from `top`
 * down `ph` pixels. */
static void y_grid(FILE *fp, double lo, double hi, double ys, bool sign, double x0, double x1,
                   double top, double ph) {
  for (int k = 0; k < 1000 && lo + k * ys <= hi + ys / 2; k++) {
    double y = lo + k * ys, py = top + (hi - y) / (hi - lo) * ph;
    char b[32];
    fmtn(b, sizeof b, y, ys < 1 ? 1 : 0, sign);
    fprintf(fp, "<line class=\"grid\" x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\"/>", x0, py, x1,
            py);
    fprintf(fp, "<text class=\"tick\" x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%s</text>", x0 - 6,
            py + 4, b);
  }
}

/* Whether period i of np gets its label under a chart that labels every `every`-th: those and
 * the last, which takes the place of the one before it when the two would touch. */
static bool tick_at(size_t i, size_t np, size_t every) {
  if (i == np - 1) return true;
  return i % every == 0 && np - 1 - i >= (every + 1) / 2;
}

/* Mentions per period of the most mentioned brands (t->brands[0..nb), in that order): a line
 * each, on one scale, a point per period that names the brand, with its count, share of voice
 * and net sentiment as its tooltip, and a legend. Counts rather than shares: a day's share of
 * five mentions swings from 0 to 100% and reads as a trend; the table above has the shares. */
static void brand_chart(html *h, size_t nb) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  static const char *const colour[] = {"#0072b2", "#d55e00", "#009e73",
                                       "#cc79a7", "#e69f00", "#56b4e9"}; /* Okabe-Ito */
  size_t np = t->n_periods;
  double ymax = 0;
  for (size_t i = 0; i < np; i++)
    for (size_t j = 0; j < t->periods[i].n_brands; j++)
      if ((double)t->periods[i].brands[j].row.n > ymax)
        ymax = (double)t->periods[i].brands[j].row.n;
  if (ymax <= 0 || nb == 0) return;
  if (nb > sizeof colour / sizeof colour[0]) nb = sizeof colour / sizeof colour[0];
  double ys = nice_step(ymax, 5);
  if (ys < 1) ys = 1; /* (counts) */
  double hi = ceil(ymax / ys) * ys;
  const double W = 760, H = 260, L = 44, R = 16, T = 14, B = 40;
  double pw = W - L - R, ph = H - T - B;
#define PX(i) (L + (np > 1 ? (double)(i) / (double)(np - 1) * pw : pw / 2))
#define PY(v) (T + (hi - (v)) / hi * ph)
  fprintf(fp,
          "<figure><svg class=\"chart\" data-chart=\"brand-mentions\" width=\"%g\" "
          "height=\"%g\" viewBox=\"0 0 %g %g\" role=\"img\" aria-label=\"brand mentions per "
          "period\"><title>Mentions of each brand per %s</title>",
          W, H, W, H, vb_period_name(t->period));
  y_grid(fp, 0, hi, ys, false, L, W - R, T, ph);
  for (size_t k = 0; k < nb; k++) {
    size_t theme = t->brands[k].row.theme;
    fprintf(fp, "<g data-brand=\"%zu\"><path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"",
            k, colour[k]);
    for (size_t i = 0; i < np; i++) {
      const vb_period_row *r = &t->periods[i];
      size_t j = 0;
      while (j < r->n_brands && r->brands[j].row.theme != theme) j++;
      fprintf(fp, "%c%.1f %.1f ", i ? 'L' : 'M', PX(i),
              PY(j < r->n_brands ? (double)r->brands[j].row.n : 0));
    }
    fputs("\"/>", fp);
    for (size_t i = 0; i < np; i++) { /* a point where it is named, with its numbers */
      const vb_period_row *r = &t->periods[i];
      size_t j = 0;
      while (j < r->n_brands && r->brands[j].row.theme != theme) j++;
      if (j == r->n_brands) continue;
      const vb_brand_row *b = &r->brands[j];
      char sh[32], net[32];
      fmtn(sh, sizeof sh, 100 * b->share, 0, false);
      fmtn(net, sizeof net, b->net, 2, true);
      fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" data-n=\"%zu\"><title>",
              PX(i), PY((double)b->row.n), colour[k], b->row.n);
      escs(fp, vb_model_theme_label(h->m, theme));
      fputs(", ", fp);
      escs(fp, r->label);
      fprintf(fp, ": %zu mention%s, %s%% share of voice", b->row.n, b->row.n == 1 ? "" : "s",
              sh);
      if (!isnan(b->net)) fprintf(fp, ", net sentiment %s", net);
      fputs("</title></circle>", fp);
    }
    fputs("</g>", fp);
  }
  size_t every = np > 12 ? (np + 11) / 12 : 1;
  for (size_t i = 0; i < np; i++)
    if (tick_at(i, np, every)) {
      fprintf(fp, "<text class=\"tick\" x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">", PX(i),
              H - B + 16);
      escs(fp, t->periods[i].label);
      fputs("</text>", fp);
    }
#undef PX
#undef PY
  fprintf(fp, "</svg><figcaption class=\"legend\">Mentions per %s:", vb_period_name(t->period));
  for (size_t k = 0; k < nb; k++) {
    fprintf(fp, " &nbsp;<span style=\"color:%s\">&#9632;</span> ", colour[k]);
    escs(fp, vb_model_theme_label(h->m, t->brands[k].row.theme));
  }
  fputs(". A point's tooltip gives that period's share of voice and net sentiment."
        "</figcaption></figure>\n",
        fp);
}

/* The heading of a table of the brand section and, instead of the table, why it is not there:
 * not counted (a merge with a state of an older verbatim) or `none`, with `why_none`. True when
 * the table follows. */
static bool brand_table_head(html *h, const char *title, bool unknown, bool none,
                             const char *why_none) {
  fprintf(h->fp, "<h3>%s</h3>\n", title);
  if (unknown)
    fputs("<p class=\"empty\">Not counted: a state of an older verbatim, which did not count "
          "them, is in the merge. Make it again to see them.</p>\n", h->fp);
  else if (none)
    fprintf(h->fp, "<p class=\"empty\">%s</p>\n", why_none);
  return !unknown && !none;
}

/* The topics each brand is mentioned with (the rows brand_theme_shown() picks); the JSON
 * index of each is its place among all of "/brands/themes". */
static void brand_themes(html *h) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  if (!brand_table_head(h, "What each brand is mentioned with", t->brand_themes_unknown,
                        !t->n_brand_themes, "No brand is named with a theme in 3 or more records."))
    return;
  bool scored = t->type != VB_SCORE_NONE;
  fputs("<div class=\"wide\"><table><thead><tr><th>brand</th><th>theme</th>"
        "<th class=\"r\">both</th><th class=\"r\">share of the<br>brand's records</th>"
        "<th class=\"r\">share of<br>the others</th><th class=\"r\">lift</th>"
        "<th class=\"r\">q</th><th class=\"r\">neg&shy;ative</th><th class=\"r\">pos&shy;itive"
        "</th>", fp);
  if (scored) fprintf(fp, "<th class=\"r\">%s of both</th>", h->sl);
  fputs("</tr></thead>\n<tbody>\n", fp);
  for (size_t i = 0; i < t->n_brand_themes; i++) {
    if (!brand_theme_shown(t, i)) continue;
    const vb_brand_theme_row *r = &t->brand_themes[i];
    bool first = i == 0 || r->brand != t->brand_themes[i - 1].brand;
    fputs("<tr><td>", fp);
    if (first) escs(fp, vb_model_theme_label(h->m, r->brand));
    fputs("</td><td>", fp);
    theme_name(h, r->theme);
    theme_id(h, r->theme, keyf(h, "/brands/themes/%zu/theme", i));
    fputs("</td><td class=\"r\">", fp);
    count(h, keyf(h, "/brands/themes/%zu/both", i), r->n);
    fputs("</td><td class=\"r\">", fp);
    num(h, keyf(h, "/brands/themes/%zu/share", i), r->share, 1, 100, "%", false);
    fputs("</td><td class=\"r\">", fp);
    num(h, keyf(h, "/brands/themes/%zu/share_others", i), r->share_rest, 1, 100, "%", false);
    fputs("</td><td class=\"r\">", fp);
    num(h, keyf(h, "/brands/themes/%zu/lift", i), r->lift, 1, 1, NULL, false);
    fputs("&times;</td><td class=\"r\">", fp);
    pval(h, keyf(h, "/brands/themes/%zu/q", i), r->q);
    fputs("</td><td class=\"r\">", fp);
    count(h, keyf(h, "/brands/themes/%zu/neg", i), r->neg);
    fputs("</td><td class=\"r\">", fp);
    count(h, keyf(h, "/brands/themes/%zu/pos", i), r->pos);
    fputs("</td>", fp);
    if (scored) score_cell(h, keyf(h, "/brands/themes/%zu/score/value", i), r->score.value);
    fputs("</tr>\n", fp);
  }
  fputs("</tbody></table></div>\n<p class=\"legend\">The most frequent themes of the records "
        "naming each brand. Lift: the records with both / the number chance would give; q: the "
        "one-sided p of meeting that often by chance (hypergeometric), after Benjamini-Hochberg "
        "across every brand with every mentioned theme; negative, positive: the records where "
        "the theme is mentioned in a negative / positive clause. Every row: "
        "<code>verbatim analyze --format tsv --table brand-themes</code>.</p>\n", fp);
}

/* One brand of a pair of brands named together: its name, its net sentiment in the records
 * naming both with the interval, and the net bar (JSON "/brands/pairs/I/a" or ".../b"). */
static void pair_side(html *h, size_t i, char side, size_t brand, double net, double lo,
                      double hi) {
  FILE *fp = h->fp;
  fputs("<td>", fp);
  escs(fp, vb_model_theme_label(h->m, brand));
  theme_id(h, brand, keyf(h, "/brands/pairs/%zu/%c/brand", i, side));
  fputs("</td>", fp);
  char row[48];
  snprintf(row, sizeof row, "/brands/pairs/%zu/%c", i, side);
  net_cells(h, row, net, lo, hi);
}

/* Brands named together: the first BP_SHOWN pairs (as the terminal shows), each brand's net
 * sentiment in the records naming both; the JSON index of each is its place in
 * "/brands/pairs". */
static void brand_pairs(html *h) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  if (!brand_table_head(h, "Brands named together", t->brand_pairs_unknown, !t->n_brand_pairs,
                        "No two brands are named together in 3 or more records."))
    return;
  bool scored = t->type != VB_SCORE_NONE;
  fputs("<div class=\"wide\"><table><thead><tr><th>brand</th><th class=\"r\">net there</th>"
        "<th></th><th>with</th><th class=\"r\">net there</th><th></th>"
        "<th class=\"r\">both</th><th class=\"r\">lift</th><th class=\"r\">q</th>", fp);
  if (scored) fprintf(fp, "<th class=\"r\">%s of both</th>", h->sl);
  fputs("</tr></thead>\n<tbody>\n", fp);
  for (size_t i = 0; i < t->n_brand_pairs && i < BP_SHOWN; i++) {
    const vb_brand_pair_row *r = &t->brand_pairs[i];
    fputs("<tr>", fp);
    pair_side(h, i, 'a', r->a, r->a_net, r->a_net_low, r->a_net_high);
    pair_side(h, i, 'b', r->b, r->b_net, r->b_net_low, r->b_net_high);
    fputs("<td class=\"r\">", fp);
    count(h, keyf(h, "/brands/pairs/%zu/both", i), r->n);
    fputs("</td><td class=\"r\">", fp);
    num(h, keyf(h, "/brands/pairs/%zu/lift", i), r->lift, 1, 1, NULL, false);
    fputs("&times;</td><td class=\"r\">", fp);
    pval(h, keyf(h, "/brands/pairs/%zu/q", i), r->q);
    fputs("</td>", fp);
    if (scored) score_cell(h, keyf(h, "/brands/pairs/%zu/score/value", i), r->score.value);
    fputs("</tr>\n", fp);
  }
  fputs("</tbody></table></div>\n<p class=\"legend\">", fp);
  if (t->n_brand_pairs > BP_SHOWN)
    fprintf(fp, "The %d pairs named together most often. ", BP_SHOWN);
  fputs("Net there: each brand's net sentiment (positive minus negative mentions over both) "
        "in the records naming the two, with its 95% interval; compare it with the brand's own "
        "net above. Lift: the records with both / the number chance would give; q: the "
        "one-sided p of meeting that often by chance (hypergeometric), after "
        "Benjamini-Hochberg across every pair of named brands. Every row: <code>verbatim "
        "analyze --format tsv --table brand-pairs</code>.</p>\n", fp);
}

/* The two columns of a block of quotes of `theme` (its words marked): a negative quote and a
 * positive one, each or the message when NULL; then the end of the block. */
static void quote_cols(html *h, size_t theme, const vb_quote *neg, const char *no_neg,
                       const vb_quote *pos, const char *no_pos) {
  FILE *fp = h->fp;
  fputs("<div class=\"qcols\"><div>", fp);
  if (neg) quote(h, neg, (long)theme, "qneg");
  else fprintf(fp, "<p class=\"empty\">%s</p>", no_neg);
  fputs("</div><div>", fp);
  if (pos) quote(h, pos, (long)theme, "qpos");
  else fprintf(fp, "<p class=\"empty\">%s</p>", no_pos);
  fputs("</div></div></div>\n", fp);
}

/* Switches between brands: per brand what it loses and wins, the switches said most (the first
 * SW_SHOWN of each, as the terminal shows; JSON indices in "/brands/switches"), and what a
 * leaver and a newcomer of the first brands wrote. */
static void brand_switches(html *h) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  if (!brand_table_head(h, "Switching between brands", t->switches_unknown, !t->n_switches,
                        "No record says it switched from or to a brand."))
    return;
  fputs("<div class=\"wide\"><table><thead><tr><th>brand</th><th class=\"r\">lost</th>"
        "<th class=\"r\">won</th><th class=\"r\">net</th></tr></thead>\n<tbody>\n", fp);
  for (size_t i = 0; i < t->n_switch_brands && i < SW_SHOWN; i++) {
    const vb_switch_brand_row *b = &t->switch_brands[i];
    fputs("<tr><td>", fp);
    escs(fp, vb_model_theme_label(h->m, b->brand));
    theme_id(h, b->brand, keyf(h, "/brands/switches/by_brand/%zu/brand", i));
    fputs("</td><td class=\"r\">", fp);
    count(h, keyf(h, "/brands/switches/by_brand/%zu/lost", i), b->lost);
    fputs("</td><td class=\"r\">", fp);
    count(h, keyf(h, "/brands/switches/by_brand/%zu/won", i), b->won);
    fprintf(fp, "</td><td class=\"r\">%+ld</td></tr>\n", (long)b->won - (long)b->lost);
  }
  bool scored = t->type != VB_SCORE_NONE;
  fputs("</tbody></table></div>\n<div class=\"wide\"><table><thead><tr><th>from</th><th>to</th>"
        "<th class=\"r\">records</th>", fp);
  if (scored) fprintf(fp, "<th class=\"r\">%s</th>", h->sl);
  fputs("</tr></thead>\n<tbody>\n", fp);
  for (size_t i = 0; i < t->n_switches && i < SW_SHOWN; i++) {
    const vb_switch_row *r = &t->switches[i];
    fputs("<tr>", fp);
    for (int side = 0; side < 2; side++) {
      size_t b = side ? r->to : r->from;
      fputs("<td>", fp);
      if (b == SIZE_MAX) {
        fputs("<span class=\"id\" style=\"display:inline\">(not named)</span>", fp);
      } else {
        escs(fp, vb_model_theme_label(h->m, b));
        theme_id(h, b, keyf(h, "/brands/switches/flows/%zu/%s", i, side ? "to" : "from"));
      }
      fputs("</td>", fp);
    }
    fputs("<td class=\"r\">", fp);
    count(h, keyf(h, "/brands/switches/flows/%zu/records", i), r->n);
    fputs("</td>", fp);
    if (scored)
      score_cell(h, keyf(h, "/brands/switches/flows/%zu/score/value", i), r->score.value);
    fputs("</tr>\n", fp);
  }
  fputs("</tbody></table></div>\n<p class=\"legend\">", fp);
  if (t->n_switches > SW_SHOWN) fprintf(fp, "The %d switches said most often. ", SW_SHOWN);
  fputs("Lost: switches away from the brand said in the text (&ldquo;switched from&rdquo;, "
        "&ldquo;left &hellip; for&rdquo;, &ldquo;ditched&rdquo;); won: switches to it "
        "(&ldquo;switched to&rdquo;, &ldquo;moved my shop to&rdquo;); a record counts once per "
        "switch. (not named): the other brand is not said. A negated verb (&ldquo;would never "
        "switch to&rdquo;) is no switch. Every switch: <code>verbatim analyze --format tsv "
        "--table brand-switches</code>.</p>\n", fp);
  for (size_t i = 0; i < t->n_switch_brands && i < QUOTE_THEMES; i++) {
    const vb_switch_brand_row *b = &t->switch_brands[i];
    fputs("<div class=\"qt\"><h3>", fp);
    escs(fp, vb_model_theme_label(h->m, b->brand));
    fputs(": why they leave, why they come</h3>\n", fp);
    quote_cols(h, b->brand, b->n_lost_quotes ? &b->lost_quotes[0] : NULL,
               "No one says they left.", b->n_won_quotes ? &b->won_quotes[0] : NULL,
               "No one says they came.");
  }
}

/* The brands of a brand list: share of voice, net sentiment and the score among the records
 * naming each, their share per period (and a chart of their mentions), and a negative and a
 * positive mention of each, what each is mentioned with, and which are named together. Absent
 * without a brand list. */
static void brands(html *h) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  if (!model_has_brands(h->m)) return;
  fputs("<section id=\"brands\">\n<h2>Brands</h2>\n", fp);
  if (!t->n_brands) {
    fputs("<p class=\"empty\">No record names a brand of the brand list.</p>\n</section>\n", fp);
    return;
  }
  fputs("<p>", fp);
  count(h, "/brands/records", t->brand_records);
  fputs(" records name a brand of the brand list.</p>\n", fp);
  double max_share = 0;
  for (size_t i = 0; i < t->n_brands; i++)
    if (!isnan(t->brands[i].share_high) && t->brands[i].share_high > max_share)
      max_share = t->brands[i].share_high;
  bool scored = t->type != VB_SCORE_NONE;
  fputs("<div class=\"wide\"><table class=\"themes\"><thead><tr><th>brand</th>"
        "<th class=\"r\">men&shy;tions</th><th class=\"r\" colspan=\"2\">share of voice<br>"
        "(95% interval)</th><th class=\"r\" colspan=\"2\">net sentiment<br>(95% interval)"
        "</th><th class=\"r\">pos&shy;itive</th><th class=\"r\">neg&shy;ative</th>",
        fp);
  if (scored)
    fprintf(fp, "<th class=\"r\">%s of<br>mentioners</th><th class=\"r\">impact</th>"
                "<th class=\"r\">p</th>",
            h->sl);
  fputs("</tr></thead>\n<tbody>\n", fp);
  for (size_t i = 0; i < t->n_brands; i++) {
    const vb_brand_row *b = &t->brands[i];
    fputs("<tr><td>", fp);
    escs(fp, vb_model_theme_label(h->m, b->row.theme));
    theme_id(h, b->row.theme, keyf(h, "/brands/rows/%zu/brand", i));
    fputs("</td><td class=\"r\">", fp);
    count(h, keyf(h, "/brands/rows/%zu/n", i), b->row.n);
    fputs("</td>", fp);
    char row[48];
    snprintf(row, sizeof row, "/brands/rows/%zu", i);
    share_cells(h, row, "share", b->share, b->share_low, b->share_high, max_share);
    net_cells(h, row, b->net, b->net_low, b->net_high);
    fputs("<td class=\"r\">", fp);
    count(h, keyf(h, "/brands/rows/%zu/pos", i), b->row.pos);
    fputs("</td><td class=\"r\">", fp);
    count(h, keyf(h, "/brands/rows/%zu/neg", i), b->row.neg);
    fputs("</td>", fp);
    if (scored) {
      fputs("<td class=\"r\">", fp);
      num(h, keyf(h, "/brands/rows/%zu/score", i), b->row.with.value, h->dec, 1, NULL, false);
      fprintf(fp, "</td><td class=\"r %s\">",
              isnan(b->row.impact) ? "" : b->row.impact < 0 ? "neg" : "pos");
      num(h, keyf(h, "/brands/rows/%zu/impact", i), b->row.impact, h->dec, 1, NULL, true);
      fputs("</td><td class=\"r\">", fp);
      pval(h, keyf(h, "/brands/rows/%zu/p", i), b->row.p);
      fputs("</td>", fp);
    }
    fputs("</tr>\n", fp);
  }
  fputs("</tbody></table></div>\n<p class=\"legend\">Share of voice: the brand's mentions "
        "among all brand mentions (a record naming two brands counts for both), with a Wilson "
        "interval. Net sentiment: (positive &minus; negative) / (positive + negative) over the "
        "records with a positive or negative mention of the brand, &minus;1 to +1, with an "
        "adjusted-Wald interval.</p>\n",
        fp);
  /* share of voice per period, the most mentioned brands */
  if (t->n_periods > 1) {
    size_t nb = t->n_brands < 6 ? t->n_brands : 6;
    fprintf(fp, "<h3>Share of voice by %s</h3>\n<div class=\"wide\"><table class=\"themes\">"
                "<thead><tr><th>period</th>",
            vb_period_name(t->period));
    for (size_t k = 0; k < nb; k++) {
      fputs("<th class=\"r\">", fp);
      escs(fp, vb_model_theme_label(h->m, t->brands[k].row.theme));
      fputs("</th>", fp);
    }
    fputs("</tr></thead>\n<tbody>\n", fp);
    for (size_t i = 0; i < t->n_periods; i++) {
      const vb_period_row *r = &t->periods[i];
      fputs("<tr><td>", fp);
      escs(fp, r->label);
      fputs("</td>", fp);
      for (size_t k = 0; k < nb; k++) {
        size_t j = 0;
        while (j < r->n_brands && r->brands[j].row.theme != t->brands[k].row.theme) j++;
        fputs("<td class=\"r\">", fp);
        if (j < r->n_brands) {
          num(h, keyf(h, "/periods/rows/%zu/brands/%zu/share", i, j), r->brands[j].share, 0,
              100, "%", false);
          if (!isnan(r->brands[j].net)) {
            fputs(" <span class=\"id\" style=\"display:inline\">", fp);
            num(h, keyf(h, "/periods/rows/%zu/brands/%zu/net", i, j), r->brands[j].net, 2, 1,
                NULL, true);
            fputs("</span>", fp);
          }
        } else {
          fputs("\xe2\x80\x93", fp);
        }
        fputs("</td>", fp);
      }
      fputs("</tr>\n", fp);
    }
    fputs("</tbody></table></div>\n<p class=\"legend\">Each period's share of voice, and in "
          "small type its net sentiment. A sudden rise in a brand's mentions is listed among "
          "the rising themes under Trends.</p>\n",
          fp);
    brand_chart(h, nb);
  }
  /* a negative and a positive mention of each brand */
  fputs("<h3>What they say about each brand</h3>\n", fp);
  for (size_t i = 0; i < t->n_brands && i < QUOTE_THEMES; i++) {
    const vb_theme_row *r = &t->brands[i].row;
    fputs("<div class=\"qt\"><h3>", fp);
    escs(fp, vb_model_theme_label(h->m, r->theme));
    fprintf(fp, " <span class=\"id\" style=\"display:inline\">%zu mentions</span></h3>\n",
            r->n);
    quote_cols(h, r->theme, r->n_neg_quotes ? &r->neg_quotes[0] : NULL, "No negative mention.",
               r->n_pos_quotes ? &r->pos_quotes[0] : NULL, "No positive mention.");
  }
  brand_themes(h);
  brand_pairs(h);
  brand_switches(h);
  fputs("</section>\n", fp);
}

/* ---- prevalence x impact ---- */

static void bubble_chart(html *h) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  fputs("<section id=\"map\">\n<h2>What to fix first: prevalence &times; impact</h2>\n", fp);
  if (t->type == VB_SCORE_NONE) {
    fputs("<p class=\"empty\">No score column (<code>--score</code>): impact needs a score.</p>"
          "\n</section>\n",
          fp);
    return;
  }
  size_t n = 0, max_n = 1;
  double xmax = 0, ymax = 0;
  for (size_t i = 0; i < t->n_rows; i++) {
    const vb_theme_row *r = &t->rows[i];
    if (isnan(r->impact)) continue;
    n++;
    if (r->n > max_n) max_n = r->n;
    if (r->prevalence > xmax) xmax = r->prevalence;
    if (fabs(r->impact) > ymax) ymax = fabs(r->impact);
  }
  if (!n) {
    fputs("<p class=\"empty\">No theme has an impact to show.</p>\n</section>\n", fp);
    return;
  }
  xmax = fmax(xmax * 1.1, 1.5 * COMMON_PREV);
  double xs = nice_step(xmax, 6);
  xmax = ceil(xmax / xs) * xs;
  ymax = ymax > 0 ? ymax * 1.15 : 1;
  double ys = nice_step(2 * ymax, 6);
  ymax = ceil(ymax / ys) * ys;
  const double W = 760, H = 460, L = 58, R = 16, T = 16, B = 44;
  double pw = W - L - R, ph = H - T - B;
#define BX(v) (L + (v) / xmax * pw)
#define BY(v) (T + (ymax - (v)) / (2 * ymax) * ph)
  fprintf(fp,
          "<figure><svg class=\"chart\" data-chart=\"bubbles\" width=\"%g\" height=\"%g\" "
          "viewBox=\"0 0 %g %g\" role=\"img\" aria-label=\"prevalence against impact\">"
          "<title>Prevalence against impact; bubble area: mentions</title>",
          W, H, W, H);
  /* the common-and-severe quadrant */
  fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fdedec\"/>",
          BX(COMMON_PREV), BY(0), BX(xmax) - BX(COMMON_PREV), BY(-ymax) - BY(0));
  fprintf(fp,
          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" class=\"lbl\" "
          "style=\"fill:#922b21;font-weight:600\">common and severe: fix first</text>",
          BX(xmax) - 6, BY(-ymax) - 8);
  fprintf(fp,
          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" class=\"lbl\" "
          "style=\"fill:#145a32\">common and lifting the score</text>",
          BX(xmax) - 6, BY(ymax) + 14);
  for (int k = 0; k < 1000 && k * xs <= xmax + xs / 2; k++) {
    double x = k * xs;
    fprintf(fp, "<line class=\"grid\" x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\"/>", BX(x), T,
            BX(x), H - B);
    fprintf(fp, "<text class=\"tick\" x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%.0f%%</text>",
            BX(x), H - B + 16, 100 * x);
  }
  y_grid(fp, -ymax, ymax, ys, true, L, W - R, T, ph);
  fprintf(
      fp,
      "<line class=\"ax\" x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" style=\"stroke:#5d6d7e\"/>",
      L, BY(0), W - R, BY(0));
  fprintf(fp,
          "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"#922b21\" "
          "stroke-dasharray=\"4 3\"/>",
          BX(COMMON_PREV), T, BX(COMMON_PREV), H - B);
  fprintf(fp,
          "<text class=\"tick\" x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">prevalence "
          "(share of records mentioning the theme)</text>",
          L + pw / 2, H - 6);
  fprintf(fp,
          "<text class=\"tick\" transform=\"translate(14 %.1f) rotate(-90)\" "
          "text-anchor=\"middle\">impact on %s (points)</text>",
          T + ph / 2, h->sl);
  /* bubbles, largest first so that small ones stay visible; labels for the 12 largest impacts */
  size_t *ord = malloc(t->n_rows * sizeof *ord);
  size_t k = 0;
  for (size_t i = 0; ord && i < t->n_rows; i++)
    if (!isnan(t->rows[i].impact)) ord[k++] = i;
  for (size_t a = 1; ord && a < k; a++)
    for (size_t b = a; b > 0 && t->rows[ord[b - 1]].n < t->rows[ord[b]].n; b--) {
      size_t x = ord[b];
      ord[b] = ord[b - 1];
      ord[b - 1] = x;
    }
  for (size_t j = 0; ord && j < k; j++) {
    const vb_theme_row *r = &t->rows[ord[j]];
    double rad = 3 + 22 * sqrt((double)r->n / (double)max_n);
    const char *col = r->too_few ? "none" : r->impact < 0 ? C_NEG : C_POS;
    fprintf(fp,
            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" fill-opacity=\"0.45\" "
            "stroke=\"%s\" stroke-width=\"1\"><title>",
            BX(r->prevalence), BY(r->impact), rad, col, r->too_few ? C_MID : col);
    escs(fp, vb_model_theme_id(h->m, r->theme));
    char a[32], b[32];
    fmtn(a, sizeof a, 100 * r->prevalence, 1, false);
    fmtn(b, sizeof b, r->impact, h->dec, true);
    fprintf(fp, ": %zu mentions, %s%%, impact %s</title></circle>", r->n, a, b);
  }
  /* labels: the 12 themes with the largest |impact| that are not too few */
  for (size_t pass = 0; ord && pass < 12; pass++) {
    long best = -1;
    for (size_t j = 0; j < k; j++) {
      const vb_theme_row *r = &t->rows[ord[j]];
      if (r->too_few) continue;
      if (best < 0 || fabs(r->impact) > fabs(t->rows[ord[best]].impact)) best = (long)j;
    }
    if (best < 0) break;
    const vb_theme_row *r = &t->rows[ord[best]];
    double rad = 3 + 22 * sqrt((double)r->n / (double)max_n);
    fprintf(fp, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\">", BX(r->prevalence) + rad + 3,
            BY(r->impact) + 4);
    escs(fp, vb_model_theme_id(h->m, r->theme));
    fputs("</text>", fp);
    ord[best] = ord[--k]; /* labelled: no longer a candidate */
  }
  free(ord);
#undef BX
#undef BY
  fputs("</svg><figcaption>Each bubble is a theme; its area is the number of mentions. Right: "
        "more common; down: costs more score. Themes in the shaded corner touch at least 10% of "
        "records and pull the score down; hollow bubbles have too few scored mentions to "
        "conclude.</figcaption></figure>\n</section>\n",
        fp);
}

/* ---- trends ---- */

static void trend_chart(html *h) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  size_t np = t->n_periods;
  double lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < np; i++) {
    const vb_score_summary *s = &t->periods[i].score;
    double a = isnan(s->ci_low) ? s->value : s->ci_low,
           b = isnan(s->ci_high) ? s->value : s->ci_high;
    if (!isnan(a) && a < lo) lo = a;
    if (!isnan(b) && b > hi) hi = b;
  }
  if (!(hi >= lo)) {
    fputs("<p class=\"empty\">No period has a score.</p>\n", fp);
    return;
  }
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  double ys = nice_step(hi - lo, 5);
  lo = floor(lo / ys) * ys;
  hi = ceil(hi / ys) * ys;
  const double W = 760, H = 300, L = 54, R = 16, T = 14, B = 46;
  double pw = W - L - R, ph = H - T - B;
#define PX(i) (L + (np > 1 ? (double)(i) / (double)(np - 1) * pw : pw / 2))
#define PY(v) (T + (hi - (v)) / (hi - lo) * ph)
  fprintf(fp,
          "<figure><svg class=\"chart\" data-chart=\"trend\" width=\"%g\" height=\"%g\" "
          "viewBox=\"0 0 %g %g\" role=\"img\" aria-label=\"score per period\">"
          "<title>%s per %s with its 95%% interval</title>",
          W, H, W, H, h->sl, vb_period_name(t->period));
  y_grid(fp, lo, hi, ys, false, L, W - R, T, ph);
  /* the interval band: upper edge forward, lower edge back, over periods that have one */
  fputs("<path fill=\"#d6eaf8\" stroke=\"none\" d=\"", fp);
  bool first = true;
  for (size_t i = 0; i < np; i++) {
    const vb_score_summary *s = &t->periods[i].score;
    if (isnan(s->ci_high) || isnan(s->ci_low)) continue;
    fprintf(fp, "%c%.1f %.1f ", first ? 'M' : 'L', PX(i), PY(s->ci_high));
    first = false;
  }
  for (size_t i = np; i-- > 0;) {
    const vb_score_summary *s = &t->periods[i].score;
    if (isnan(s->ci_high) || isnan(s->ci_low)) continue;
    fprintf(fp, "L%.1f %.1f ", PX(i), PY(s->ci_low));
  }
  fputs(first ? "M0 0\"/>" : "Z\"/>", fp);
  fputs("<path fill=\"none\" stroke=\"#1f618d\" stroke-width=\"2\" d=\"", fp);
  first = true;
  for (size_t i = 0; i < np; i++) {
    double v = t->periods[i].score.value;
    if (isnan(v)) {
      first = true;
      continue;
    }
    fprintf(fp, "%c%.1f %.1f ", first ? 'M' : 'L', PX(i), PY(v));
    first = false;
  }
  fputs("\"/>", fp);
  size_t every = np > 12 ? (np + 11) / 12 : 1;
  for (size_t i = 0; i < np; i++) {
    const vb_period_row *p = &t->periods[i];
    if (!isnan(p->score.value)) {
      char b[32];
      fmtn(b, sizeof b, p->score.value, h->dec, false);
      fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#1f618d\"><title>", PX(i),
              PY(p->score.value));
      escs(fp, p->label);
      fprintf(fp, ": %s (n %zu)</title></circle>", b, p->score.n);
    }
    if (tick_at(i, np, every)) {
      fprintf(fp, "<text class=\"tick\" x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">", PX(i),
              H - B + 16);
      escs(fp, p->label);
      fputs("</text>", fp);
    }
  }
#undef PX
#undef PY
  fprintf(fp,
          "</svg><figcaption>%s per %s (line) and its 95%% interval (band).</figcaption>"
          "</figure>\n",
          h->sl, vb_period_name(t->period));
}

/* Small multiples: prevalence per period of the most mentioned themes, on one shared scale. */
static void multiples(html *h) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  size_t pick[MULTIPLES], n = 0;
  bool *used = calloc(t->n_rows ? t->n_rows : 1, sizeof *used);
  if (!used) return;
  while (n < MULTIPLES) {
    long best = -1;
    for (size_t i = 0; i < t->n_rows; i++)
      if (!used[i] && (best < 0 || t->rows[i].n > t->rows[best].n)) best = (long)i;
    if (best < 0) break;
    used[best] = true;
    pick[n++] = (size_t)best;
  }
  free(used);
  if (!n) return;
  double ymax = 0;
  for (size_t k = 0; k < n; k++)
    for (size_t i = 0; i < t->n_periods; i++) {
      const vb_theme_row *r =
          row_of(t->periods[i].rows, t->periods[i].n_rows, t->rows[pick[k]].theme);
      if (r && r->prevalence > ymax) ymax = r->prevalence;
    }
  if (ymax <= 0) ymax = 0.01;
  fputs("<h3>Prevalence of the most mentioned themes</h3>\n<div class=\"multiples\">\n", fp);
  size_t np = t->n_periods;
  const double W = 230, H = 96, L = 6, R = 6, T = 8, B = 18;
  double pw = W - L - R, ph = H - T - B;
  for (size_t k = 0; k < n; k++) {
    size_t theme = t->rows[pick[k]].theme;
    fputs("<figure>", fp);
    fprintf(fp,
            "<svg class=\"chart\" data-chart=\"multiple\" width=\"%g\" height=\"%g\" "
            "viewBox=\"0 0 %g %g\" role=\"img\" aria-label=\"prevalence over time\"><title>",
            W, H, W, H);
    escs(fp, vb_model_theme_id(h->m, theme));
    fputs("</title>", fp);
    fprintf(fp, "<line class=\"ax\" x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\"/>", L, T + ph, W - R,
            T + ph);
    fputs("<path fill=\"#d4e6f1\" stroke=\"#2874a6\" stroke-width=\"1.5\" d=\"", fp);
    for (size_t i = 0; i < np; i++) {
      const vb_period_row *p = &t->periods[i];
      const vb_theme_row *r = row_of(p->rows, p->n_rows, theme);
      double v = r ? r->prevalence : 0;
      double x = L + (np > 1 ? (double)i / (double)(np - 1) * pw : pw / 2);
      fprintf(fp, "%c%.1f %.1f ", i ? 'L' : 'M', x, T + ph - v / ymax * ph);
    }
    if (np > 1) fprintf(fp, "L%.1f %.1f L%.1f %.1f Z", L + pw, T + ph, L, T + ph);
    fputs("\"/>", fp);
    fprintf(fp, "<text class=\"tick\" x=\"%g\" y=\"%g\">", L, H - 4);
    escs(fp, t->periods[0].label);
    fprintf(fp, "</text><text class=\"tick\" x=\"%g\" y=\"%g\" text-anchor=\"end\">", W - R, H - 4);
    escs(fp, t->periods[np - 1].label);
    fputs("</text></svg><figcaption>", fp);
    theme_name(h, theme);
    const vb_period_row *last = &t->periods[np - 1];
    const vb_theme_row *r = row_of(last->rows, last->n_rows, theme);
    fputs(": ", fp);
    if (r)
      num(h, keyf(h, "/periods/rows/%zu/themes/%zu/prevalence", np - 1, (size_t)(r - last->rows)),
          r->prevalence, 1, 100, "%", false);
    else
      fputs("0%", fp);
    fprintf(fp, " in the last %s</figcaption></figure>\n", vb_period_name(t->period));
  }
  char b[32];
  fmtn(b, sizeof b, 100 * ymax, 1, false);
  fprintf(fp,
          "</div>\n<p class=\"legend\">One scale for all: the top of each panel is %s%% of "
          "the period's records.</p>\n",
          b);
}

static void waterfall(html *h) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  long at = -1;
  for (size_t i = t->n_periods; i-- > 1;)
    if (!isnan(t->periods[i].change) && t->periods[i].contrib) {
      at = (long)i;
      break;
    }
  fputs("<h3>What changed the score</h3>\n", fp);
  if (at < 0 || !t->n_players) {
    fputs("<p class=\"empty\">No change between two periods with scores to attribute.</p>\n", fp);
    return;
  }
  const vb_period_row *p = &t->periods[at], *prev = &t->periods[at - 1];
  /* bars: the change among records mentioning none of the themes, the largest contributions,
   * the rest summed, and the total change */
  size_t nb = 0, *pick = malloc((t->n_players + 1) * sizeof *pick);
  bool *used = calloc(t->n_players + 1, sizeof *used);
  if (!pick || !used) {
    free(pick);
    free(used);
    return;
  }
  while (nb < WATERFALL_BARS && nb < t->n_players) {
    long best = -1;
    for (size_t k = 0; k < t->n_players; k++)
      if (!used[k] && !isnan(p->contrib[k]) &&
          (best < 0 || fabs(p->contrib[k]) > fabs(p->contrib[best])))
        best = (long)k;
    if (best < 0) break;
    used[best] = true;
    pick[nb++] = (size_t)best;
  }
  double other = 0;
  size_t n_other = 0;
  for (size_t k = 0; k < t->n_players; k++)
    if (!used[k] && !isnan(p->contrib[k])) {
      other += p->contrib[k];
      n_other++;
    }
  size_t bars = 1 + nb + (n_other ? 1 : 0) + 1;
  double cum = 0, lo = 0, hi = 0;
  double base = isnan(p->baseline) ? 0 : p->baseline;
  cum = base;
  lo = fmin(lo, cum);
  hi = fmax(hi, cum);
  for (size_t j = 0; j < nb; j++) {
    cum += p->contrib[pick[j]];
    lo = fmin(lo, cum);
    hi = fmax(hi, cum);
  }
  cum += other;
  lo = fmin(lo, fmin(cum, p->change));
  hi = fmax(hi, fmax(cum, p->change));
  double pad = (hi - lo) * 0.1 + 0.5;
  lo -= pad;
  hi += pad;
  double ys = nice_step(hi - lo, 5);
  lo = floor(lo / ys) * ys;
  hi = ceil(hi / ys) * ys;
  const double W = 760, H = 320, L = 54, R = 16, T = 14, B = 96;
  double pw = W - L - R, ph = H - T - B, bw = pw / (double)bars;
#define WY(v) (T + (hi - (v)) / (hi - lo) * ph)
  fprintf(fp,
          "<figure><svg class=\"chart\" data-chart=\"waterfall\" width=\"%g\" height=\"%g\" "
          "viewBox=\"0 0 %g %g\" role=\"img\" aria-label=\"change attribution\">"
          "<title>Change of %s from ",
          W, H, W, H, h->sl);
  escs(fp, prev->label);
  fputs(" to ", fp);
  escs(fp, p->label);
  fputs("</title>", fp);
  y_grid(fp, lo, hi, ys, true, L, W - R, T, ph);
  fprintf(
      fp,
      "<line class=\"ax\" x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" style=\"stroke:#5d6d7e\"/>",
      L, WY(0), W - R, WY(0));
  cum = 0;
  for (size_t b = 0; b < bars; b++) {
    double from, to;
    const char *name;
    char lab[96];
    bool total = b == bars - 1;
    if (b == 0) {
      from = 0;
      to = base;
      name = "no theme";
    } else if (total) {
      from = 0;
      to = p->change;
      name = "total change";
    } else if (b <= nb) {
      from = cum;
      to = cum + p->contrib[pick[b - 1]];
      name = vb_model_theme_id(h->m, t->players[pick[b - 1]]);
    } else {
      from = cum;
      to = cum + other;
      snprintf(lab, sizeof lab, "%zu other themes", n_other);
      name = lab;
    }
    if (!total) cum = to;
    double x = L + (double)b * bw + bw * 0.15, y1 = WY(fmax(from, to)), y2 = WY(fmin(from, to));
    const char *col = total ? "#1f618d" : to < from ? C_NEG : C_POS;
    double val = b == 0 ? base : total ? p->change : b <= nb ? p->contrib[pick[b - 1]] : other;
    char v[32];
    fmtn(v, sizeof v, val, h->dec, true);
    fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>", x,
            y1, bw * 0.7, fmax(y2 - y1, 0.8), col);
    escs(fp, name);
    fprintf(fp, ": %s</title></rect>", v);
    fprintf(fp, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\"", x + bw * 0.35,
            y1 - 4);
    if (b == 0 && !isnan(p->baseline))
      kattr(h, keyf(h, "/periods/rows/%ld/baseline", at), val, h->dec, 1);
    else if (total)
      kattr(h, keyf(h, "/periods/rows/%ld/change", at), val, h->dec, 1);
    else if (b <= nb)
      kattr(h, keyf(h, "/periods/rows/%ld/attribution/themes/%s", at, name), val, h->dec, 1);
    fprintf(fp, ">%s</text>", v);
    if (!total && b + 1 < bars)
      fprintf(fp,
              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#7f8c8d\" "
              "stroke-dasharray=\"2 2\"/>",
              x + bw * 0.7, WY(to), x + bw, WY(to));
    fprintf(fp,
            "<text class=\"tick\" transform=\"translate(%.1f %.1f) rotate(-35)\" "
            "text-anchor=\"end\">",
            x + bw * 0.35, H - B + 14);
    escs(fp, name);
    fputs("</text>", fp);
  }
#undef WY
  fputs("</svg><figcaption>", fp);
  fprintf(fp, "The change of %s from <bdi>", h->sl);
  escs(fp, prev->label);
  fputs("</bdi> (", fp);
  num(h, keyf(h, "/periods/rows/%ld/score/value", at - 1), prev->score.value, h->dec, 1, NULL,
      false);
  fputs(") to <bdi>", fp);
  escs(fp, p->label);
  fputs("</bdi> (", fp);
  num(h, keyf(h, "/periods/rows/%ld/score/value", at), p->score.value, h->dec, 1, NULL, false);
  fputs("), split among the top-level themes by Shapley values: each bar is what the theme's "
        "records added to the change, its share of the records times how far they scored from "
        "the earlier period's score, in the later period minus in the earlier (a record with "
        "several themes counts an equal share for each); \"no theme\" is the same for the "
        "records mentioning none. The bars add up to the total exactly.",
        fp);
  fputs("</figcaption></figure>\n", fp);
  free(pick);
  free(used);
}

static void trends(html *h) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  fputs("<section id=\"trends\" class=\"pb\">\n<h2>Trends</h2>\n", fp);
  if (!t->n_periods) {
    fputs("<p class=\"empty\">", fp);
    if (t->date)
      fputs("No record had a usable date.", fp);
    else
      fputs("No date column given: run with <code>--date COLUMN --period month</code> for "
            "the score per period, the themes over time and what changed the score.",
            fp);
    fputs("</p>\n</section>\n", fp);
    return;
  }
  if (t->type != VB_SCORE_NONE) trend_chart(h);
  fprintf(fp, "<table><thead><tr><th>%s</th><th class=\"r\">records</th>",
          vb_period_name(t->period));
  if (t->type != VB_SCORE_NONE)
    fprintf(fp,
            "<th class=\"r\">%s</th><th class=\"r\">95%% interval</th><th class=\"r\">change</th>"
            "<th class=\"r\">p</th>",
            h->sl);
  fputs("</tr></thead><tbody>\n", fp);
  for (size_t i = 0; i < t->n_periods; i++) {
    const vb_period_row *p = &t->periods[i];
    fprintf(fp, "<tr><td><bdi data-k=\"/periods/rows/%zu/period\">", i);
    escs(fp, p->label);
    fputs("</bdi></td><td class=\"r\">", fp);
    count(h, keyf(h, "/periods/rows/%zu/records", i), p->records);
    fputs("</td>", fp);
    if (t->type != VB_SCORE_NONE) {
      fputs("<td class=\"r\">", fp);
      num(h, keyf(h, "/periods/rows/%zu/score/value", i), p->score.value, h->dec, 1, NULL, false);
      fputs("</td><td class=\"r\">", fp);
      num(h, keyf(h, "/periods/rows/%zu/score/ci/0", i), p->score.ci_low, h->dec, 1, NULL, false);
      fputs(" to ", fp);
      num(h, keyf(h, "/periods/rows/%zu/score/ci/1", i), p->score.ci_high, h->dec, 1, NULL, false);
      fprintf(fp, "</td><td class=\"r %s\">",
              isnan(p->change) ? ""
              : p->change < 0  ? "neg"
                               : "pos");
      num(h, keyf(h, "/periods/rows/%zu/change", i), p->change, h->dec, 1, NULL, true);
      fputs("</td><td class=\"r\">", fp);
      pval(h, keyf(h, "/periods/rows/%zu/change_p", i), p->change_p);
      fputs("</td>", fp);
    }
    fputs("</tr>\n", fp);
  }
  fputs("</tbody></table>\n", fp);
  multiples(h);
  if (t->type != VB_SCORE_NONE) waterfall(h);
  if (t->n_rising) {
    fputs("<h3>Rising and emerging themes</h3>\n<table><thead><tr><th>theme</th><th>period</th>"
          "<th>mentions</th><th class=\"r\">records</th><th class=\"r\">expected</th><th class=\"r\">p</th>"
          "<th class=\"r\">q</th><th></th></tr></thead><tbody>\n",
          fp);
    for (size_t i = 0; i < t->n_rising; i++) {
      const vb_rising *r = &t->rising[i];
      fputs("<tr><td>", fp);
      theme_name(h, r->theme);
      theme_id(h, r->theme, keyf(h, "/periods/rising/%zu/theme", i));
      fprintf(fp, "</td><td><bdi data-k=\"/periods/rising/%zu/period\">", i);
      if (r->period < t->n_periods) escs(fp, t->periods[r->period].label);
      fprintf(fp, "</bdi></td><td data-k=\"/periods/rising/%zu/mentions\">%s</td><td class=\"r\">",
              i, r->negative ? "negative" : "all");
      count(h, keyf(h, "/periods/rising/%zu/count", i), r->count);
      fputs("</td><td class=\"r\">", fp);
      num(h, keyf(h, "/periods/rising/%zu/expected", i), r->expected, 1, 1, NULL, false);
      fputs("</td><td class=\"r\">", fp);
      pval(h, keyf(h, "/periods/rising/%zu/p", i), r->p);
      fputs("</td><td class=\"r\">", fp);
      pval(h, keyf(h, "/periods/rising/%zu/q", i), r->q);
      fprintf(fp, "</td><td>%s</td></tr>\n", r->emerging ? "emerging" : "rising");
    }
    fputs("</tbody></table>\n<p class=\"legend\">A theme is rising when its records in a period "
          "exceed what its rate in the trailing periods predicts (Poisson test, q after "
          "Benjamini-Hochberg); emerging when it was not mentioned at all before. Mentions "
          "\"negative\": the records whose mention sits in a negative clause, tested apart (a "
          "rise in complaints the volume may hide).</p>\n",
          fp);
  }
  fputs("</section>\n", fp);
}

/* ---- segments ---- */

/* Segments or questions: what their section shows. */
typedef struct groups {
  const vb_segment *rows;
  size_t n;
  const char *key;  /* of the JSON: "segments/rows" or "questions" */
  const char *kind; /* "segment", "question" */
} groups;

/* One heat map: themes (rows) by groups (columns); `impact` picks the value. */
static void heat_map(html *h, const groups *gs, const size_t *themes, size_t nt,
                     const size_t *segs, size_t ns, bool impact) {
  FILE *fp = h->fp;
  double vmax = 0;
  for (size_t a = 0; a < nt; a++)
    for (size_t b = 0; b < ns; b++) {
      const vb_segment *s = &gs->rows[segs[b]];
      const vb_theme_row *r = row_of(s->rows, s->n_rows, themes[a]);
      if (!r) continue;
      double v = impact ? (r->too_few ? NAN : r->impact) : r->prevalence;
      if (!isnan(v) && fabs(v) > vmax) vmax = fabs(v);
    }
  if (vmax <= 0) vmax = 1;
  const double cw = 58, ch = 22, L = 210, T = 92;
  double W = L + cw * (double)ns + 4, H = T + ch * (double)nt + 4;
  fprintf(fp,
          "<figure><svg class=\"chart\" data-chart=\"heat-%s\" width=\"%g\" height=\"%g\" "
          "viewBox=\"0 0 %g %g\" role=\"img\" aria-label=\"%s by %s\"><title>%s of the "
          "themes by %s</title>",
          impact ? "impact" : "prevalence", W, H, W, H, impact ? "impact" : "prevalence",
          gs->kind, impact ? "Impact" : "Prevalence", gs->kind);
  for (size_t b = 0; b < ns; b++) {
    fprintf(fp, "<text class=\"tick\" transform=\"translate(%.1f %g) rotate(-40)\">",
            L + cw * (double)b + cw / 2, T - 6);
    const char *name = gs->rows[segs[b]].name;
    size_t len = strlen(name);
    if (len > 22) {
      /* shorten at a character boundary */
      len = 20;
      while (len > 0 && ((unsigned char)name[len] & 0xC0) == 0x80)
        len--;
      esc(fp, name, len);
      fputs("\xe2\x80\xa6", fp);
    } else {
      esc(fp, name, len);
    }
    fputs("</text>", fp);
  }
  for (size_t a = 0; a < nt; a++) {
    double y = T + ch * (double)a;
    fprintf(fp, "<text class=\"lbl\" x=\"%g\" y=\"%.1f\" text-anchor=\"end\">", L - 8,
            y + ch / 2 + 4);
    escs(fp, vb_model_theme_id(h->m, themes[a]));
    fputs("</text>", fp);
    for (size_t b = 0; b < ns; b++) {
      const vb_segment *s = &gs->rows[segs[b]];
      const vb_theme_row *r = row_of(s->rows, s->n_rows, themes[a]);
      double v = !r ? (impact ? NAN : 0) : impact ? r->impact : r->prevalence;
      bool few = impact && r && r->too_few;
      char fill[16];
      if (isnan(v) || few)
        snprintf(fill, sizeof fill, "#f4f6f7");
      else {
        double f = fmin(1, fabs(v) / vmax);
        /* from white to blue (prevalence), red or green (impact) */
        int rr, gg, bb;
        if (!impact)
          rr = 255 - (int)(f * 215), gg = 255 - (int)(f * 140), bb = 255 - (int)(f * 50);
        else if (v < 0)
          rr = 255 - (int)(f * 63), gg = 255 - (int)(f * 198), bb = 255 - (int)(f * 212);
        else
          rr = 255 - (int)(f * 225), gg = 255 - (int)(f * 123), bb = 255 - (int)(f * 182);
        snprintf(fill, sizeof fill, "#%02x%02x%02x", rr, gg, bb);
      }
      double x = L + cw * (double)b;
      char txt[32];
      int dec = impact ? (h->dec == 2 ? 2 : 1) : 0;
      if (isnan(v))
        snprintf(txt, sizeof txt, "\xc2\xb7");
      else
        fmtn(txt, sizeof txt, impact ? v : 100 * v, dec, impact);
      fprintf(fp,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%g\" height=\"%g\" fill=\"%s\" "
              "stroke=\"#fff\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
              "class=\"lbl\"%s",
              x, y, cw, ch, fill, x + cw / 2, y + ch / 2 + 4,
              few                                 ? " style=\"fill:#aab7b8\""
              : !isnan(v) && fabs(v) / vmax > 0.6 ? " style=\"fill:#fff\""
                                                  : "");
      if (r && !isnan(v))
        kattr(h,
              keyf(h, "/%s/%zu/themes/%zu/%s", gs->key, segs[b], (size_t)(r - s->rows),
                   impact ? "impact" : "prevalence"),
              v, dec, impact ? 1 : 100);
      fprintf(fp, ">%s%s</text>", txt, !isnan(v) && !impact ? "%" : "");
    }
  }
  fputs("</svg><figcaption>", fp);
  if (impact)
    fprintf(fp,
            "Impact of each theme on the %s's own %s (points; red lowers it, green "
            "raises it); grey: too few scored mentions in the %s to conclude; a dot: "
            "not mentioned.",
            gs->kind, h->sl, gs->kind);
  else if (!strcmp(gs->kind, "question"))
    fputs("Share of each question's answers that mention each theme; darker is more common.", fp);
  else
    fputs("Share of the segment's records that mention each theme; darker is more common.", fp);
  fputs("</figcaption></figure>\n", fp);
}

/* The table of the groups (name, records, score against the rest) and the heat maps of the
 * most mentioned themes by the largest groups. */
static void group_body(html *h, const groups *gs) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  fprintf(fp, "<table><thead><tr><th>%s</th><th class=\"r\">records</th>", gs->kind);
  if (t->type != VB_SCORE_NONE)
    fprintf(fp,
            "<th class=\"r\">%s</th><th class=\"r\">95%% interval</th><th class=\"r\">vs the "
            "rest</th><th class=\"r\">p</th><th class=\"r\">q</th>",
            h->sl);
  fputs("<th class=\"r\">positive</th><th class=\"r\">negative</th></tr></thead><tbody>\n", fp);
  for (size_t i = 0; i < gs->n; i++) {
    const vb_segment *s = &gs->rows[i];
    fprintf(fp, "<tr><td><bdi data-k=\"/%s/%zu/%s\">", gs->key, i, gs->kind);
    escs(fp, s->name);
    fputs("</bdi></td><td class=\"r\">", fp);
    count(h, keyf(h, "/%s/%zu/records", gs->key, i), s->records);
    fputs("</td>", fp);
    if (t->type != VB_SCORE_NONE) {
      fputs("<td class=\"r\">", fp);
      num(h, keyf(h, "/%s/%zu/score/value", gs->key, i), s->score.value, h->dec, 1, NULL, false);
      fputs("</td><td class=\"r\">", fp);
      num(h, keyf(h, "/%s/%zu/score/ci/0", gs->key, i), s->score.ci_low, h->dec, 1, NULL, false);
      fputs(" to ", fp);
      num(h, keyf(h, "/%s/%zu/score/ci/1", gs->key, i), s->score.ci_high, h->dec, 1, NULL, false);
      fprintf(fp, "</td><td class=\"r %s\">", isnan(s->diff) ? "" : s->diff < 0 ? "neg" : "pos");
      num(h, keyf(h, "/%s/%zu/diff", gs->key, i), s->diff, h->dec, 1, NULL, true);
      fputs("</td><td class=\"r\">", fp);
      pval(h, keyf(h, "/%s/%zu/p", gs->key, i), s->p);
      fputs("</td><td class=\"r\">", fp);
      pval(h, keyf(h, "/%s/%zu/q", gs->key, i), s->q);
      fputs("</td>", fp);
    }
    fputs("<td class=\"r\">", fp);
    count(h, keyf(h, "/%s/%zu/sentiment/positive", gs->key, i), s->sent_pos);
    fputs("</td><td class=\"r\">", fp);
    count(h, keyf(h, "/%s/%zu/sentiment/negative", gs->key, i), s->sent_neg);
    fputs("</td></tr>\n", fp);
  }
  fputs("</tbody></table>\n", fp);
  /* the heat maps: the most mentioned themes by the largest groups */
  size_t themes[HEAT_THEMES], nt = 0, segs[HEAT_SEGMENTS], ns = 0;
  bool *used = calloc((t->n_rows > gs->n ? t->n_rows : gs->n) + 1, sizeof *used);
  if (!used) return;
  while (nt < HEAT_THEMES) {
    long best = -1;
    for (size_t i = 0; i < t->n_rows; i++)
      if (!used[i] && (best < 0 || t->rows[i].n > t->rows[best].n)) best = (long)i;
    if (best < 0) break;
    used[best] = true;
    themes[nt++] = t->rows[best].theme;
  }
  memset(used, 0, (t->n_rows > gs->n ? t->n_rows : gs->n) * sizeof *used);
  while (ns < HEAT_SEGMENTS) {
    long best = -1;
    for (size_t i = 0; i < gs->n; i++)
      if (!used[i] && (best < 0 || gs->rows[i].records > gs->rows[best].records))
        best = (long)i;
    if (best < 0) break;
    used[best] = true;
    segs[ns++] = (size_t)best;
  }
  free(used);
  /* columns in the table's order */
  for (size_t a = 1; a < ns; a++)
    for (size_t b = a; b > 0 && segs[b - 1] > segs[b]; b--) {
      size_t x = segs[b];
      segs[b] = segs[b - 1];
      segs[b - 1] = x;
    }
  if (nt && ns) {
    fprintf(fp, "<h3>Themes by %s</h3>\n", gs->kind);
    if (ns < gs->n)
      fprintf(fp, "<p class=\"legend\">The %zu largest of %zu %ss.</p>\n", ns, gs->n, gs->kind);
    heat_map(h, gs, themes, nt, segs, ns, false);
    if (t->type != VB_SCORE_NONE) heat_map(h, gs, themes, nt, segs, ns, true);
  }
}

static void segments(html *h) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  fputs("<section id=\"segments\" class=\"pb\">\n<h2>Segments</h2>\n", fp);
  if (!t->n_segments) {
    fputs("<p class=\"empty\">", fp);
    if (t->by)
      fputs("No record had a segment.", fp);
    else
      fputs("No segment column given: run with <code>--by COLUMN</code> (channel, country, "
            "product ...) for the table per segment and a heat map of the themes.",
            fp);
    fputs("</p>\n</section>\n", fp);
    return;
  }
  fputs("<p>Segments of column <bdi>", fp);
  escs(fp, t->by);
  fputs("</bdi>.</p>\n", fp);
  groups gs = {t->segments, t->n_segments, "segments/rows", "segment"};
  group_body(h, &gs);
  fputs("</section>\n", fp);
}

/* A survey's several open-ended questions: each one's answers (only with several --text). */
static void questions(html *h) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  if (!t->n_questions) return;
  fputs("<section id=\"questions\" class=\"pb\">\n<h2>Questions</h2>\n<p>Each open-ended "
        "question on its own: the records that answered it, the sentiment of their answers and "
        "the themes mentioned in the answers.", fp);
  if (t->type != VB_SCORE_NONE)
    fprintf(fp, " The %s is that of the records that answered, against the records that did "
                "not.", h->sl);
  fputs("</p>\n", fp);
  groups gs = {t->questions, t->n_questions, "questions", "question"};
  group_body(h, &gs);
  fputs("</section>\n", fp);
}

/* ---- drivers ---- */

static void drivers(html *h) {
  const vb_drivers *d = h->t->drivers;
  FILE *fp = h->fp;
  if (!d) return;
  fputs("<section id=\"drivers\">\n<h2>Key drivers</h2>\n", fp);
  if (!d->n_rows) {
    fputs("<p class=\"empty\">No driver could be estimated.</p>\n</section>\n", fp);
    return;
  }
  fputs("<p>R&sup2; ", fp);
  num(h, "/drivers/r2", d->r2, 3, 1, NULL, false);
  fputs(" (adjusted ", fp);
  num(h, "/drivers/r2_adj", d->r2_adj, 3, 1, NULL, false);
  fputs(") from ", fp);
  count(h, "/drivers/n", d->n);
  fputs(" records; p of the overall F test ", fp);
  pval(h, "/drivers/p", d->f_p);
  fprintf(fp, ". Shares of R&sup2; by %s.</p>\n",
          d->exact ? "exact Shapley values (LMG)" : "Shapley values over sampled orders");
  double max = 0;
  for (size_t i = 0; i < d->n_rows; i++)
    if (d->rows[i].shapley > max) max = d->rows[i].shapley;
  size_t nr = d->n_rows > 20 ? 20 : d->n_rows;
  const double W = 760, rowh = 22, L = 230, T = 6;
  double H = T + rowh * (double)nr + 6;
  fprintf(fp,
          "<figure><svg class=\"chart\" data-chart=\"drivers\" width=\"%g\" height=\"%g\" "
          "viewBox=\"0 0 %g %g\" role=\"img\" aria-label=\"driver importance\">"
          "<title>Share of R squared per driver</title>",
          W, H, W, H);
  for (size_t i = 0; i < nr; i++) {
    const vb_driver_row *r = &d->rows[i];
    double y = T + rowh * (double)i, len = max > 0 ? fmax(0, r->shapley) / max * (W - L - 80) : 0;
    fprintf(fp, "<text class=\"lbl\" x=\"%g\" y=\"%.1f\" text-anchor=\"end\">", L - 8, y + 15);
    escs(fp, r->name);
    fprintf(fp, "</text><rect x=\"%g\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>", L,
            y + 4, len, r->coef < 0 ? C_NEG : C_POS);
    char b[32];
    fmtn(b, sizeof b, 100 * r->share, 1, false);
    fprintf(fp, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">%s%%</text>", L + len + 6, y + 15, b);
  }
  fputs("</svg><figcaption>Bar length: the driver's share of the explained variance; colour: "
        "the sign of its regression coefficient (red lowers the score).</figcaption></figure>\n",
        fp);
  fputs("<table><thead><tr><th>driver</th><th class=\"r\">mean</th><th class=\"r\">r</th>"
        "<th class=\"r\">coefficient</th><th class=\"r\">p</th><th class=\"r\">q</th>"
        "<th class=\"r\">share of R&sup2;</th></tr></thead><tbody>\n",
        fp);
  for (size_t i = 0; i < d->n_rows; i++) {
    const vb_driver_row *r = &d->rows[i];
    fprintf(fp, "<tr><td><bdi data-k=\"/drivers/rows/%zu/driver\">", i);
    escs(fp, r->name);
    fputs("</bdi></td><td class=\"r\">", fp);
    num(h, keyf(h, "/drivers/rows/%zu/mean", i), r->mean, 3, 1, NULL, false);
    fputs("</td><td class=\"r\">", fp);
    num(h, keyf(h, "/drivers/rows/%zu/r", i), r->r, 3, 1, NULL, false);
    fputs("</td><td class=\"r\">", fp);
    num(h, keyf(h, "/drivers/rows/%zu/coef", i), r->coef, 2, 1, NULL, true);
    fputs("</td><td class=\"r\">", fp);
    pval(h, keyf(h, "/drivers/rows/%zu/p", i), r->p);
    fputs("</td><td class=\"r\">", fp);
    pval(h, keyf(h, "/drivers/rows/%zu/q", i), r->q);
    fputs("</td><td class=\"r\">", fp);
    num(h, keyf(h, "/drivers/rows/%zu/share", i), r->share, 1, 100, "%", false);
    fputs("</td></tr>\n", fp);
  }
  fputs("</tbody></table>\n</section>\n", fp);
}

/* ---- themes mentioned together ---- */

/* The pairs of the JSON output (those more often together than chance, by c), the first 20;
 * the JSON index of each is its rank among them. */
static void pairs(html *h) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  if (t->pairs_unknown) {
    fputs("<section id=\"pairs\">\n<h2>Themes mentioned together</h2>\n<p class=\"empty\">Not "
          "counted: a state of an older verbatim, which did not count them, is in the merge. "
          "Make it again to see them.</p>\n</section>\n", fp);
    return;
  }
  size_t shown = 0;
  for (size_t i = 0; i < t->n_pairs; i++) shown += t->pairs[i].q < 0.05;
  if (!shown) return;
  bool scored = t->type != VB_SCORE_NONE;
  fputs("<section id=\"pairs\">\n<h2>Themes mentioned together</h2>\n", fp);
  fprintf(fp, "<p>%zu pairs of themes are mentioned in the same records more often than chance "
              "would have it%s.</p>\n", shown, shown > 20 ? "; the 20 most closely tied" : "");
  fputs("<table><thead><tr><th>theme</th><th>with</th><th class=\"r\">both</th>"
        "<th class=\"r\">c</th><th class=\"r\">lift</th><th class=\"r\">q</th>", fp);
  if (scored) fprintf(fp, "<th class=\"r\">%s of both</th>", h->sl);
  fputs("</tr></thead><tbody>\n", fp);
  for (size_t i = 0, k = 0; i < t->n_pairs && k < 20; i++) {
    const vb_pair_row *r = &t->pairs[i];
    if (!(r->q < 0.05)) continue;
    fputs("<tr><td>", fp);
    theme_name(h, r->a);
    theme_id(h, r->a, keyf(h, "/pairs/%zu/theme", k));
    fputs("</td><td>", fp);
    theme_name(h, r->b);
    theme_id(h, r->b, keyf(h, "/pairs/%zu/with", k));
    fputs("</td><td class=\"r\">", fp);
    count(h, keyf(h, "/pairs/%zu/both", k), r->n);
    fputs("</td><td class=\"r\">", fp);
    num(h, keyf(h, "/pairs/%zu/c", k), r->c, 2, 1, NULL, false);
    fputs("</td><td class=\"r\">", fp);
    num(h, keyf(h, "/pairs/%zu/lift", k), r->lift, 1, 1, NULL, false);
    fputs("&times;</td><td class=\"r\">", fp);
    pval(h, keyf(h, "/pairs/%zu/q", k), r->q);
    fputs("</td>", fp);
    if (scored) {
      fputs("<td class=\"r\">", fp);
      num(h, keyf(h, "/pairs/%zu/score/value", k), r->score.value, h->dec, 1, NULL, false);
      fputs("</td>", fp);
    }
    fputs("</tr>\n", fp);
    k++;
  }
  fputs("</tbody></table>\n<p class=\"legend\">c = records with both / records with either "
        "(ATLAS.ti's co-occurrence coefficient, 0 to 1); lift = records with both / the number "
        "chance would give; q: the one-sided p of meeting that often by chance (hypergeometric), "
        "after Benjamini-Hochberg across every pair of mentioned themes. A theme is never paired "
        "with its own parent. The full table (every pair of 3 or more records) is "
        "<code>verbatim analyze --format tsv --table pairs</code>.</p>\n</section>\n", fp);
}

/* ---- quotes ---- */

enum { HL_THEME = 1, HL_POS = 2, HL_NEG = 4 };

/* One quote with the theme's words (`theme` < 0: only the quote's own span) and the words
 * carrying sentiment marked. */
static void quote(html *h, const vb_quote *q, long theme, const char *cls) {
  FILE *fp = h->fp;
  size_t len = q->len;
  unsigned char *hl = calloc(len ? len : 1, 1);
  const char *lang = NULL;
  const vb_result *r = NULL;
  vb_run_options ro = {VB_LANG_UND, h->lang, 0};
  if (hl && h->an && vb_analyzer_run(h->an, q->text, len, &ro, &r) == VB_OK) {
    vb_lang l = vb_result_lang(r);
    if (l != VB_LANG_UND) lang = vb_lang_code(l);
    const vb_token *tok;
    size_t nt = vb_result_tokens(r, &tok);
    for (size_t i = 0; i < nt; i++) {
      if (tok[i].valence == 0 || tok[i].end > len) continue;
      for (size_t b = tok[i].start; b < tok[i].end; b++)
        hl[b] |= tok[i].valence > 0 ? HL_POS : HL_NEG;
    }
    const vb_mention *men;
    size_t nm = vb_result_mentions(r, &men);
    for (size_t i = 0; theme >= 0 && i < nm; i++) {
      if (!theme_within(h->m, men[i].theme, (size_t)theme) || men[i].end > len) continue;
      for (size_t b = men[i].start; b < men[i].end; b++)
        hl[b] |= HL_THEME;
    }
  }
  if (hl && q->span_end > q->span_start && q->span_end <= len)
    for (size_t b = q->span_start; b < q->span_end; b++)
      hl[b] |= HL_THEME;
  fprintf(fp, "<blockquote class=\"q %s\" dir=\"%s\"", cls,
          lang && !strcmp(lang, "he") ? "rtl" : "auto");
  if (lang) fprintf(fp, " lang=\"%s\"", lang);
  fputc('>', fp);
  if (q->cut_start) fputs("\xe2\x80\xa6", fp);
  size_t i = 0;
  while (i < len) {
    unsigned char c = hl ? hl[i] : 0;
    size_t j = i + 1;
    while (j < len && (hl ? hl[j] : 0) == c)
      j++;
    if (c & HL_THEME) fputs("<mark class=\"t\">", fp);
    if (c & (HL_POS | HL_NEG)) fprintf(fp, "<b class=\"%s\">", c & HL_NEG ? "sn" : "sp");
    esc(fp, q->text + i, j - i);
    if (c & (HL_POS | HL_NEG)) fputs("</b>", fp);
    if (c & HL_THEME) fputs("</mark>", fp);
    i = j;
  }
  if (q->cut_end) fputs("\xe2\x80\xa6", fp);
  fputs("</blockquote>\n<div class=\"qm\">record <bdi>", fp);
  escs(fp, q->id && *q->id ? q->id : "?");
  fputs("</bdi>", fp);
  if (!isnan(q->score)) {
    char b[32];
    fmtn(b, sizeof b, q->score, q->score == floor(q->score) ? 0 : 2, false);
    fprintf(fp, " &middot; %s %s", h->type == VB_SCORE_NONE ? "score" : score_label(h->type), b);
  }
  char s[32];
  fmtn(s, sizeof s, q->sentiment, 2, true);
  fprintf(fp, " &middot; sentiment %s</div>\n", s);
  free(hl);
}

static void quotes(html *h) {
  const vb_table *t = h->t;
  FILE *fp = h->fp;
  fputs("<section id=\"quotes\" class=\"pb\">\n<h2>What customers say</h2>\n", fp);
  fputs("<p class=\"legend\">The most representative negative and positive mentions of the "
        "themes with the largest impact. <mark class=\"t\">Marked</mark>: the theme's words; "
        "<b class=\"sn\">red</b> and <b class=\"sp\">green</b>: words that carry negative and "
        "positive sentiment.</p>\n",
        fp);
  size_t shown = 0;
  bool *used = calloc(t->n_rows ? t->n_rows : 1, sizeof *used);
  while (used && shown < QUOTE_THEMES) {
    long best = -1;
    for (size_t i = 0; i < t->n_rows; i++) {
      const vb_theme_row *r = &t->rows[i];
      if (used[i] || (!r->n_neg_quotes && !r->n_pos_quotes)) continue;
      double a = isnan(r->impact) ? 0 : fabs(r->impact);
      double b = best < 0 ? -1 : isnan(t->rows[best].impact) ? 0 : fabs(t->rows[best].impact);
      if (best < 0 || a > b || (a == b && r->n > t->rows[best].n)) best = (long)i;
    }
    if (best < 0) break;
    used[best] = true;
    const vb_theme_row *r = &t->rows[best];
    fputs("<div class=\"qt\"><h3>", fp);
    theme_name(h, r->theme);
    fputs(" <span class=\"id\" style=\"display:inline\">", fp);
    escs(fp, vb_model_theme_id(h->m, r->theme));
    fprintf(fp, " &middot; %zu mentions", r->n);
    if (!isnan(r->impact)) {
      char b[32];
      fmtn(b, sizeof b, r->impact, h->dec, true);
      fprintf(fp, " &middot; impact %s", b);
    }
    fputs("</span></h3>\n<div class=\"qcols\"><div>", fp);
    for (size_t k = 0; k < r->n_neg_quotes; k++)
      quote(h, &r->neg_quotes[k], (long)r->theme, "qneg");
    if (!r->n_neg_quotes) fputs("<p class=\"empty\">No negative mention.</p>", fp);
    fputs("</div><div>", fp);
    for (size_t k = 0; k < r->n_pos_quotes; k++)
      quote(h, &r->pos_quotes[k], (long)r->theme, "qpos");
    if (!r->n_pos_quotes) fputs("<p class=\"empty\">No positive mention.</p>", fp);
    fputs("</div></div></div>\n", fp);
    shown++;
  }
  free(used);
  if (!shown) fputs("<p class=\"empty\">No quotes were kept for any theme.</p>\n", fp);
  fputs("</section>\n", fp);
}

/* ---- discovered phrases ---- */

typedef struct disc_ctx {
  const opts *o;
  const vb_model *m;
  speakers speakers; /* --redact: transcripts' speaker labels as "Speaker N" (in ids) */
  obuf aliased_id;
  vb_analyzer *an;
  vb_discover *d;
  vb_score_type type;
  int pass;
  size_t records;
} disc_ctx;

static void quiet_problem(void *ctx, int severity, const vb_error *e) {
  (void)ctx;
  (void)severity;
  (void)e; /* reported by the table's pass already */
}

/* The group of a record for keyness: the bottom box against the top box of the score. */
static int score_group(vb_score_type t, const char *v, size_t n) {
  double s;
  if (!v || vb_parse_number(v, n, &s) != VB_OK) return VB_GROUP_NONE;
  switch (t) {
  case VB_SCORE_NPS:
    return s <= 6 ? VB_GROUP_FOCUS : s >= 9 ? VB_GROUP_REFERENCE : VB_GROUP_NONE;
  case VB_SCORE_CSAT:
    return s <= 2 ? VB_GROUP_FOCUS : s >= 4 ? VB_GROUP_REFERENCE : VB_GROUP_NONE;
  case VB_SCORE_CES:
    return s <= 3 ? VB_GROUP_FOCUS : s >= 5 ? VB_GROUP_REFERENCE : VB_GROUP_NONE;
  default:
    return VB_GROUP_NONE;
  }
}

static int disc_file(disc_ctx *c, const char *path) {
  const opts *o = c->o;
  FILE *fp = fopen(path, "rb");
  if (!fp) return EXIT_BADINPUT;
  vb_reader_options ropt;
  reader_options(o, path, &ropt);
  vb_reader *rd;
  vb_error e = {0};
  if (vb_reader_new(fp, &ropt, quiet_problem, c, &rd, &e)) {
    fclose(fp);
    return EXIT_BADINPUT;
  }
  text_src ts;
  int h_id = -1, h_score = -1, h_lang = -1, tsrc = text_src_open(&ts, o, rd, NULL);
  if (vb_reader_format(rd) != VB_FORMAT_TXT) {
    h_id = vb_reader_field(rd, o->id, NULL);
    if (o->score) h_score = vb_reader_field(rd, o->score, NULL);
    if (o->lang_col) h_lang = vb_reader_field(rd, o->lang_col, NULL);
  }
  vb_run_options ro0 = {VB_LANG_UND, VB_LANG_UND, 0};
  if (o->lang) vb_lang_parse(o->lang, &ro0.lang);
  if (o->lang_default) vb_lang_parse(o->lang_default, &ro0.lang_default);
  int status = tsrc;
  int h_role = role_field(rd);
  speakers_fields(&c->speakers, rd, o->redact);
  const vb_record *rec;
  size_t index = 0;
  char idbuf[32];
  while (status == EXIT_OK && vb_reader_next(rd, &rec) == 1) {
    index++;
    if (rec->error || is_interviewer(rd, h_role)) continue;
    size_t tlen = 0, idlen = 0, sl = 0;
    const char *text;
    size_t ignored = 0;
    if (text_src_get(&ts, rd, o->redact ? c->m : NULL, &c->speakers, &ignored, &text, &tlen))
      status = EXIT_INTERNAL;
    if (!text || status) continue;
    const char *id = record_id(rd, h_id, index, idbuf, &idlen);
    char alias[32];
    size_t alias_n;
    if (o->redact && (status = speaker_record(&c->speakers, rd, &id, &idlen, &c->aliased_id,
                                              alias, &alias_n)))
      continue;
    vb_run_options ro = ro0;
    char code[8];
    record_lang(rd, h_lang, &ro.lang, code);
    const vb_result *r;
    if (vb_analyzer_run(c->an, text, tlen, &ro, &r) != VB_OK) continue;
    const char *sv = h_score >= 0 ? vb_reader_get(rd, h_score, &sl) : NULL;
    int g = score_group(c->type, sv, sl);
    int arc =
        c->pass == 1 ? vb_discover_add(c->d, r, g) : vb_discover_examples(c->d, r, g, id, idlen);
    if (arc) status = EXIT_INTERNAL;
    if (c->pass == 1) c->records++;
  }
  text_src_free(&ts);
  vb_reader_free(rd);
  fclose(fp);
  return status;
}

static bool phrase_covered(const vb_phrase *p) { return p->seen && 2 * p->covered >= p->seen; }

static void discovered(html *h) {
  FILE *fp = h->fp;
  fputs("<section id=\"discovered\">\n<h2>Recurring phrases the codebook does not cover</h2>\n",
        fp);
  const opts *o = h->in;
  bool files = o && o->n_files > 0;
  /* merge passes its state files: they have no input format */
  for (int i = 0; files && i < o->n_files; i++)
    if (!strcmp(o->files[i], "-") ||
        (!o->input_format && vb_format_from_name(o->files[i]) == VB_FORMAT_AUTO))
      files = false;
  if (!files) {
    fputs("<p class=\"empty\">Not available: discovering phrases reads the input again, and this "
          "page was made from standard input or from merged states. Run <code>verbatim "
          "discover</code> on the files.</p>\n</section>\n",
          fp);
    return;
  }
  disc_ctx c = {o, h->m, {0}, {0}, NULL, NULL, h->type, 0, 0};
  vb_discover_options dopt = {0};
  dopt.top = 200;
  dopt.examples = 1;
  dopt.data_dir = o->data_dir;
  int status = EXIT_OK;
  if (vb_analyzer_new(h->m, &c.an) || vb_discover_new(h->m, &dopt, &c.d)) status = EXIT_INTERNAL;
  for (c.pass = 1; status == EXIT_OK && c.pass <= 2; c.pass++) {
    for (int i = 0; status == EXIT_OK && i < o->n_files; i++)
      status = disc_file(&c, o->files[i]);
    if (status == EXIT_OK && c.pass == 1 && vb_discover_rank(c.d)) status = EXIT_INTERNAL;
  }
  const vb_phrase *ph = NULL;
  size_t n = status == EXIT_OK ? vb_discover_phrases(c.d, &ph) : 0;
  vb_discover_info info = {0};
  if (c.d) vb_discover_stats(c.d, &info);
  size_t shown = 0;
  if (status != EXIT_OK) {
    fputs("<p class=\"empty\">The inputs could not be read again for discovery.</p>\n", fp);
  } else {
    fputs("<p>Phrases of one to four words that recur across records but that no theme of the "
          "codebook matches in most of their records: candidates for new themes or terms",
          fp);
    if (info.by_keyness)
      fprintf(fp,
              ", ranked by how much more often the %s use them than the %s (keyness, "
              "log-likelihood G&sup2;)",
              h->type == VB_SCORE_NPS ? "detractors" : "lowest scores",
              h->type == VB_SCORE_NPS ? "promoters" : "highest scores");
    else
      fputs(", ranked by the number of records using them", fp);
    fputs(".</p>\n", fp);
    fputs("<table><thead><tr><th>phrase</th><th class=\"r\">records</th>", fp);
    if (info.by_keyness)
      fputs("<th class=\"r\">low / high scores</th><th class=\"r\">G&sup2;</th>", fp);
    fputs("<th>example</th></tr></thead><tbody>\n", fp);
    for (size_t i = 0; i < n && shown < PHRASES; i++) {
      const vb_phrase *p = &ph[i];
      if (phrase_covered(p)) continue;
      if (info.by_keyness && !(p->focus > 0 && (isnan(p->log_ratio) || p->log_ratio > 0))) continue;
      fprintf(fp, "<tr><td><bdi lang=\"%s\">", vb_lang_code(p->lang));
      escs(fp, p->text);
      fputs("</bdi></td><td class=\"r\">", fp);
      count(h, NULL, p->support);
      fputs("</td>", fp);
      if (info.by_keyness) {
        fprintf(fp, "<td class=\"r\">%zu / %zu</td><td class=\"r\">", p->focus, p->reference);
        num(h, NULL, p->g2, 1, 1, NULL, false);
        fputs("</td>", fp);
      }
      fputs("<td>", fp);
      if (p->n_examples) {
        fprintf(fp, "<div dir=\"%s\" class=\"ex\">", p->lang == VB_LANG_HE ? "rtl" : "auto");
        escs(fp, p->examples[0]);
        fputs("</div>", fp);
      }
      fputs("</td></tr>\n", fp);
      shown++;
    }
    fputs("</tbody></table>\n", fp);
    if (!shown)
      fputs("<p class=\"empty\">Every recurring phrase is covered by the codebook.</p>\n", fp);
    else
      fputs("<p class=\"legend\"><code>verbatim discover</code> lists more, with a codebook "
            "snippet to start from.</p>\n",
            fp);
  }
  vb_discover_free(c.d);
  vb_analyzer_free(c.an);
  speakers_free(&c.speakers);
  obuf_free(&c.aliased_id);
  fputs("</section>\n", fp);
}

/* ---- score-text mismatch and testimonials ---- */

static void mismatch(html *h) {
  const vb_table *t = h->t;
  const vb_mismatch *mm = &t->mismatch;
  FILE *fp = h->fp;
  fputs("<section id=\"mismatch\">\n<h2>When the score and the text disagree</h2>\n", fp);
  if (!mm->available) {
    fputs("<p class=\"empty\">Needs an NPS, CSAT or CES score.</p>\n</section>\n", fp);
    return;
  }
  const char *top = t->type == VB_SCORE_NPS ? "promoters" : "top-box answers";
  const char *bot = t->type == VB_SCORE_NPS ? "detractors" : "bottom-box answers";
  fputs("<p>Hidden friction: ", fp);
  count(h, "/mismatch/top_negative", mm->top_negative);
  fputs(" of ", fp);
  count(h, "/mismatch/top", mm->top);
  fprintf(fp, " %s wrote a negative text; ", top);
  count(h, "/mismatch/bottom_positive", mm->bottom_positive);
  fputs(" of ", fp);
  count(h, "/mismatch/bottom", mm->bottom);
  fprintf(fp, " %s wrote a positive one.</p>\n", bot);
  if (mm->n_rows) {
    fprintf(fp,
            "<table><thead><tr><th>theme</th><th class=\"r\">%s with a negative "
            "mention</th><th class=\"r\">%s with a positive mention</th></tr></thead>"
            "<tbody>\n",
            top, bot);
    size_t nr = mm->n_rows > 15 ? 15 : mm->n_rows;
    for (size_t i = 0; i < nr; i++) {
      const vb_mismatch_row *r = &mm->rows[i];
      fputs("<tr><td>", fp);
      theme_name(h, r->theme);
      theme_id(h, r->theme, keyf(h, "/mismatch/themes/%zu/theme", i));
      fputs("</td><td class=\"r\">", fp);
      count(h, keyf(h, "/mismatch/themes/%zu/top_negative", i), r->top_neg);
      fputs("</td><td class=\"r\">", fp);
      count(h, keyf(h, "/mismatch/themes/%zu/bottom_positive", i), r->bottom_pos);
      fputs("</td></tr>\n", fp);
    }
    fputs("</tbody></table>\n", fp);
  }
  if (mm->n_top_quotes || mm->n_bottom_quotes) {
    fprintf(fp, "<div class=\"qcols\"><div><h3>%s who complain</h3>\n", top);
    for (size_t k = 0; k < mm->n_top_quotes; k++)
      quote(h, &mm->top_quotes[k], -1, "qneg");
    fprintf(fp, "</div><div><h3>%s who praise</h3>\n", bot);
    for (size_t k = 0; k < mm->n_bottom_quotes; k++)
      quote(h, &mm->bottom_quotes[k], -1, "qpos");
    fputs("</div></div>\n", fp);
  }
  if (t->n_testimonials) {
    fprintf(fp,
            "<h3 id=\"testimonials\">Testimonial candidates</h3>\n<p class=\"legend\">The most "
            "positive, specific texts among %s. Ask before quoting.</p>\n",
            top);
    for (size_t k = 0; k < t->n_testimonials; k++)
      quote(h, &t->testimonials[k], -1, "qpos");
  }
  fputs("</section>\n", fp);
}

/* ---- how to read this, provenance ---- */

static void howto(html *h) {
  FILE *fp = h->fp;
  fputs("<section id=\"howto\">\n<h2>How to read this</h2>\n<div class=\"note\">\n", fp);
  fputs("<p><b>Prevalence</b> is the share of records that mention a theme (or one of its "
        "sub-themes); the interval around it is a 95% Wilson interval. <b>Impact</b> is how many "
        "points the overall score would change if the records mentioning the theme scored like "
        "the others: negative impacts (red) cost score, positive ones (green) lift it. A theme "
        "that is both common and severe is where fixing pays most.</p>\n",
        fp);
  fputs("<p>Intervals and p-values describe sampling noise only; <b>q</b> corrects p for testing "
        "many themes at once (Benjamini-Hochberg). Themes with fewer than 20 scored mentions are "
        "marked: their numbers move a lot with a few answers. Themes come from keyword rules "
        "(the codebook), sentiment from lexicons with rules for negation and intensity: read "
        "the quotes before acting on a number.</p>\n",
        fp);
  fputs("<p>Every number on this page comes from one computation; the same numbers are in the "
        "JSON output (<code>--format json</code>).</p>\n</div>\n</section>\n",
        fp);
}

static void footer(html *h) {
  FILE *fp = h->fp;
  const char *cl = report_command_line ? report_command_line
                   : h->info           ? h->info->command_line
                                       : NULL;
  fputs("<footer id=\"provenance\">Made by verbatim <span id=\"version\">", fp);
  escs(fp, vb_version());
  fputs("</span>", fp);
  if (cl) {
    fputs(" with<br><code id=\"command\">", fp);
    escs(fp, cl);
    fputs("</code>", fp);
  }
  fputs("</footer>\n</body>\n</html>\n", fp);
}

int render_html(FILE *fp, const vb_table *t, const vb_model *m, const render_info *info,
                const opts *inputs) {
  html h;
  memset(&h, 0, sizeof h);
  h.fp = fp;
  h.t = t;
  h.m = m;
  h.info = info;
  h.in = inputs;
  h.type = t->type;
  h.dec = (t->type == VB_SCORE_CES || t->type == VB_SCORE_RATING) ? 2 : 1;
  h.sl = score_label(t->type);
  h.lang = VB_LANG_UND;
  for (int l = 1; l < VB_LANG_COUNT; l++)
    if (t->by_lang[l] > (h.lang == VB_LANG_UND ? 0 : t->by_lang[h.lang])) h.lang = (vb_lang)l;
  if (vb_analyzer_new(m, &h.an)) h.an = NULL; /* quotes are then shown without marks */
  page_start(&h);
  headline(&h);
  theme_table(&h);
  bubble_chart(&h);
  brands(&h);
  trends(&h);
  segments(&h);
  questions(&h);
  drivers(&h);
  pairs(&h);
  quotes(&h);
  discovered(&h);
  mismatch(&h);
  howto(&h);
  footer(&h);
  vb_analyzer_free(h.an);
  return ferror(fp) ? EXIT_INTERNAL : EXIT_OK;
}

/* ---- verbatim report ---- */

/* Appends `s` to the command line, in single quotes when the shell would split or expand it. */
static void append_arg(char *b, size_t cap, const char *s) {
  size_t n = strlen(b);
  bool plain = *s != '\0';
  for (const char *p = s; *p; p++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+.,/:=@%", *p) &&
        !((unsigned char)*p & 0x80))
      plain = false;
  if (n + 1 < cap) b[n++] = ' ';
  if (!plain && n + 1 < cap) b[n++] = '\'';
  for (const char *p = s; *p && n + 5 < cap; p++) {
    if (*p == '\'' && !plain) {
      memcpy(b + n, "'\\''", 4);
      n += 4;
    } else {
      b[n++] = *p;
    }
  }
  if (!plain && n + 1 < cap) b[n++] = '\'';
  b[n] = '\0';
}

int cmd_report(int argc, char **argv) {
  bool has_out = false;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) break;
    const char *v = NULL;
    if (!strncmp(a, "--format=", 9))
      v = a + 9;
    else if (!strcmp(a, "--format") || !strcmp(a, "-f"))
      v = i + 1 < argc && argv[i + 1] ? argv[i + 1] : "";
    if (v) {
      if (strcmp(v, "html")) {
        msg("report: writes HTML only; use 'verbatim analyze --format %s'", v);
        return EXIT_USAGE;
      }
    }
    if (!strcmp(a, "-o") || !strcmp(a, "--output") || !strncmp(a, "--output=", 9)) has_out = true;
  }
  size_t cap = 64;
  for (int i = 0; i < argc; i++)
    cap += 3 + 4 * strlen(argv[i]);
  report_command_line = malloc(cap);
  char **nargv = malloc(((size_t)argc + 5) * sizeof *nargv);
  if (!report_command_line || !nargv) {
    free(report_command_line);
    free(nargv);
    report_command_line = NULL;
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  memcpy(report_command_line, "verbatim report", sizeof "verbatim report"); /* cap >= 64 */
  for (int i = 0; i < argc; i++)
    append_arg(report_command_line, cap, argv[i]);
  /* the added options go first: after a "--" they would be taken for file names */
  int n = 0;
  nargv[n++] = (char *)(uintptr_t) "--format";
  nargv[n++] = (char *)(uintptr_t) "html";
  if (!has_out && isatty(1)) {
    /* a page is no use on a terminal */
    nargv[n++] = (char *)(uintptr_t) "--output";
    nargv[n++] = (char *)(uintptr_t) "report.html";
    msg("report: writing report.html");
  }
  for (int i = 0; i < argc; i++)
    nargv[n++] = argv[i];
  nargv[n] = NULL;
  int rc = cmd_analyze(n, nargv);
  free(nargv);
  free(report_command_line);
  report_command_line = NULL;
  return rc;
}
