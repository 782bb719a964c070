/*
 * render.c - the root-cause table in every output format. All formats print the numbers of
 * one vb_table, so they cannot disagree.
 *
 * - table: aligned for a terminal, at most 100 columns: the headline, the theme table, quotes
 *   of the most negative and most positive themes, the brands (with a brand list), then
 *   segments, periods, questions (several --text fields), key drivers and score-text
 *   mismatches when there are any.
 * - tsv, csv: one table per output (a spreadsheet reads one), chosen with --table; CSV cells
 *   that a spreadsheet would take for a formula are quoted with a leading apostrophe.
 * - json: everything, with the field names of the contract (CONTRACT.md).
 * - md: everything, as Markdown sections.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *const render_table_names =
    "themes scores segments segment-themes periods period-themes attribution rising drivers "
    "mismatch quotes testimonials brands segment-brands period-brands questions "
    "question-themes question-brands pairs brand-themes brand-pairs brand-switches";

bool model_has_brands(const vb_model *m) {
  size_t n = vb_model_theme_count(m);
  for (size_t i = 0; i < n; i++)
    if (vb_model_theme_is_brand(m, i)) return true;
  return false;
}

static const char *score_label(vb_score_type t) {
  switch (t) {
  case VB_SCORE_NPS: return "NPS";
  case VB_SCORE_CSAT: return "CSAT%";
  case VB_SCORE_CES: return "CES";
  case VB_SCORE_RATING: return "mean";
  default: return "score";
  }
}

static void fmt_num(char *b, size_t n, double v, int dec) {
  if (isnan(v)) snprintf(b, n, "-");
  else {
    snprintf(b, n, "%.*f", dec, v);
    if (!strcmp(b, "-0.0") || !strcmp(b, "-0") || !strcmp(b, "-0.00")) snprintf(b, n, "%.*f", dec, 0.0);
  }
}

static void fmt_signed(char *b, size_t n, double v, int dec) {
  fmt_num(b, n, v, dec);
  if (!isnan(v) && b[0] != '-' && strspn(b, "0.") != strlen(b)) {
    size_t m = strlen(b); /* shifted right by one for the sign, cut to fit */
    if (m + 2 > n) m = n - 2;
    memmove(b + 1, b, m);
    b[0] = '+';
    b[m + 1] = '\0';
  }
}

static void fmt_p(char *b, size_t n, double p) {
  if (isnan(p)) snprintf(b, n, "-");
  else if (p < 0.001) snprintf(b, n, "<0.001");
  else snprintf(b, n, "%.3f", p);
}

static int dec_for(vb_score_type t) { return (t == VB_SCORE_CES || t == VB_SCORE_RATING) ? 2 : 1; }

/* Bytes of the first `cols` characters of s (UTF-8), for fitting text into columns. */
static size_t fit(const char *s, size_t n, size_t cols) {
  size_t i = 0, c = 0;
  while (i < n && c < cols) {
    i++;
    while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
    c++;
  }
  return i;
}

static size_t width(const char *s) {
  size_t c = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) c++;
  return c;
}

/* s left-aligned in `cols` characters, cut with ".." when longer. */
static void put_col(FILE *fp, const char *s, size_t cols) {
  size_t n = strlen(s), w = width(s);
  if (w > cols) {
    size_t k = fit(s, n, cols - 2);
    for (size_t i = 0; i < k; i++) putc((unsigned char)s[i] < 0x20 ? ' ' : s[i], fp);
    fputs("..", fp);
    return;
  }
  for (size_t i = 0; i < n; i++) putc((unsigned char)s[i] < 0x20 ? ' ' : s[i], fp);
  for (size_t i = w; i < cols; i++) putc(' ', fp);
}

/* The last column: cut like put_col, never padded. */
static void put_last(FILE *fp, const char *s, size_t cols) {
  size_t n = strlen(s);
  if (width(s) > cols) n = fit(s, n, cols - 2);
  for (size_t i = 0; i < n; i++) putc((unsigned char)s[i] < 0x20 ? ' ' : s[i], fp);
  if (n < strlen(s)) fputs("..", fp);
}

static const char *short_verdict(int v) {
  static const char *const names[] = {"-",           "too few",   "common severe", "rare severe",
                                      "common mild", "rare mild", "common lifts",  "rare lifts"};
  return (v >= 0 && v <= VB_VERDICT_RARE_LIFT) ? names[v] : "-";
}

/* A quote with its theme span between open and close marks, cut marks as "...". */
static void put_quote_text(FILE *fp, const vb_quote *q, const char *open, const char *close,
                           size_t max_cols) {
  size_t a = 0, b = q->len;
  bool cut_s = q->cut_start, cut_e = q->cut_end;
  if (max_cols) {
    /* keep the span in view: start up to 30 characters before it */
    size_t before = 0;
    for (size_t i = q->span_start; i > 0 && before < 30; i--)
      if (((unsigned char)q->text[i - 1] & 0xC0) != 0x80) before++, a = i - 1;
    if (q->span_start == q->span_end || q->span_start < 30) a = 0;
    while (a > 0 && ((unsigned char)q->text[a] & 0xC0) == 0x80) a--;
    for (size_t k = a; a > 0 && k < a + 16 && k < q->span_start; k++)
      if (q->text[k] == ' ') { /* start at a word */
        a = k + 1;
        break;
      }
    if (a > 0) cut_s = true;
    size_t k = fit(q->text + a, q->len - a, max_cols);
    if (a + k < q->len) {
      b = a + k;
      cut_e = true;
    }
  }
  if (cut_s) fputs("...", fp);
  for (size_t i = a; i < b; i++) {
    if (q->span_end > q->span_start && i == q->span_start) fputs(open, fp);
    unsigned char c = (unsigned char)q->text[i];
    putc(c < 0x20 ? ' ' : (int)c, fp);
    if (q->span_end > q->span_start && i + 1 == q->span_end) fputs(close, fp);
  }
  if (q->span_end > q->span_start && q->span_start >= b && q->span_start < q->len) {
    /* the span lies beyond the cut: nothing to mark */
  }
  if (cut_e) fputs("...", fp);
}

/* ---- the terminal table ---- */

static void score_headline(FILE *fp, const vb_table *t, const char *name) {
  char v[32], lo[32], hi[32];
  int d = dec_for(t->type);
  fmt_num(v, sizeof v, t->score.value, d);
  fmt_num(lo, sizeof lo, t->score.ci_low, d);
  fmt_num(hi, sizeof hi, t->score.ci_high, d);
  fprintf(fp, "%s %s (95%% CI %s to %s) from %zu scored records", score_label(t->type), v, lo,
          hi, t->score.n);
  if (name) fprintf(fp, " (column '%s')", name);
  fputc('\n', fp);
  if (t->type == VB_SCORE_NPS)
    fprintf(fp, "  promoters %.1f%%  passives %.1f%%  detractors %.1f%%\n", 100 * t->score.top,
            100 * t->score.middle, 100 * t->score.bottom);
  else if (t->type == VB_SCORE_CSAT)
    fprintf(fp, "  mean %.2f  satisfied (4-5) %.1f%%  neutral (3) %.1f%%  dissatisfied (1-2) %.1f%%\n",
            t->score.mean, 100 * t->score.top, 100 * t->score.middle, 100 * t->score.bottom);
  else if (t->type == VB_SCORE_CES)
    fprintf(fp, "  agree (5-7) %.1f%%  net easy %.1f  disagree (1-3) %.1f%%\n", 100 * t->score.top,
            100 * (t->score.top - t->score.bottom), 100 * t->score.bottom);
  if (t->dist_n) {
    fputs("  distribution:", fp);
    for (size_t i = 0; i < t->dist_n; i++) {
      fmt_num(v, sizeof v, t->dist_value[i], t->dist_value[i] == floor(t->dist_value[i]) ? 0 : 2);
      fprintf(fp, " %s:%zu", v, t->dist_count[i]);
    }
    fputc('\n', fp);
  }
  fprintf(fp, "  %zu without a score (%zu unreadable or out of range)\n", t->missing_score,
          t->invalid_score);
}

static const char *name_of(const vb_table *t, const render_info *info) {
  return t->score_name ? t->score_name : info ? info->score_name : NULL;
}

static void headline(FILE *fp, const vb_table *t, const render_info *info) {
  if (t->type != VB_SCORE_NONE) score_headline(fp, t, name_of(t, info));
  for (size_t i = 0; i < t->n_other; i++) score_headline(fp, &t->other[i], t->other[i].score_name);
  fprintf(fp, "%zu records, %zu analysed", t->records, t->analysed);
  if (t->errors) fprintf(fp, ", %zu not analysable", t->errors);
  fputs("; languages:", fp);
  static const vb_lang order[] = {VB_LANG_SV, VB_LANG_DA, VB_LANG_HE, VB_LANG_EN, VB_LANG_UND};
  for (size_t k = 0; k < 5; k++)
    if (t->by_lang[order[k]]) fprintf(fp, " %s %zu", vb_lang_code(order[k]), t->by_lang[order[k]]);
  fputc('\n', fp);
  if (t->analysed)
    fprintf(fp, "sentiment: positive %.1f%%  neutral %.1f%%  negative %.1f%%\n",
            100.0 * (double)t->sent_pos / (double)t->analysed,
            100.0 * (double)t->sent_neu / (double)t->analysed,
            100.0 * (double)t->sent_neg / (double)t->analysed);
}

static void term_rows(FILE *fp, const vb_table *t, const vb_theme_row *rows, size_t n,
                      const vb_model *m, size_t limit) {
  int d = dec_for(t->type);
  put_col(fp, "theme", 22);
  fprintf(fp, " %5s %6s %13s %7s %7s %6s %6s %4s %s\n", "n", "prev", "95% CI", score_label(t->type),
          "impact", "p", "q", "neg", "verdict");
  for (size_t i = 0; i < n && i < limit; i++) {
    const vb_theme_row *r = &rows[i];
    char ci[64], sc[32], im[48], p[16], q[16], neg[16], name[128];
    snprintf(ci, sizeof ci, "[%.1f-%.1f]", 100 * r->prev_low, 100 * r->prev_high);
    fmt_num(sc, sizeof sc, r->with.value, d);
    fmt_signed(im, sizeof im, r->impact, d);
    fmt_p(p, sizeof p, r->p);
    fmt_p(q, sizeof q, r->q);
    if (p[0] == '<') strcpy(p, "<.001");
    else if (p[0] == '0') memmove(p, p + 1, strlen(p));
    if (q[0] == '<') strcpy(q, "<.001");
    else if (q[0] == '0') memmove(q, q + 1, strlen(q));
    snprintf(neg, sizeof neg, "%.0f%%", 100 * r->neg_share);
    snprintf(name, sizeof name, "%s%s", vb_model_theme_id(m, r->theme), r->too_few ? " *" : "");
    put_col(fp, name, 22);
    fprintf(fp, " %5zu %5.1f%% %13s %7s %7s %6s %6s %4s %s\n", r->n, 100 * r->prevalence, ci, sc,
            im, p, q, neg, short_verdict(r->verdict));
  }
  if (n > limit) fprintf(fp, "... and %zu more themes (all of them in --format json, tsv, md)\n", n - limit);
}

static void term_quotes(FILE *fp, const vb_table *t, const vb_model *m) {
  /* the most negative themes' negative quotes, the most positive themes' positive ones */
  size_t shown = 0;
  for (size_t i = 0; i < t->n_rows && shown < 5; i++) {
    const vb_theme_row *r = &t->rows[i];
    if (!r->n_neg_quotes || !(r->impact < 0 || (t->type == VB_SCORE_NONE && r->neg_share >= 0.5)))
      continue;
    if (!shown++) fputs("\nWhat they say (negative mentions of the themes that cost most):\n", fp);
    fprintf(fp, "%s\n", vb_model_theme_id(m, r->theme));
    for (size_t k = 0; k < r->n_neg_quotes && k < 2; k++) {
      fputs("  \"", fp);
      put_quote_text(fp, &r->neg_quotes[k], "[", "]", 84);
      fputs("\"\n", fp);
    }
  }
  shown = 0;
  for (size_t i = t->n_rows; i-- > 0 && shown < 3;) {
    const vb_theme_row *r = &t->rows[i];
    if (!r->n_pos_quotes || !(r->impact > 0)) continue;
    if (!shown++) fputs("\nWhat they say (positive mentions of the themes that lift most):\n", fp);
    fprintf(fp, "%s\n", vb_model_theme_id(m, r->theme));
    for (size_t k = 0; k < r->n_pos_quotes && k < 2; k++) {
      fputs("  \"", fp);
      put_quote_text(fp, &r->pos_quotes[k], "[", "]", 84);
      fputs("\"\n", fp);
    }
  }
}

static const vb_theme_row *top_negative(const vb_theme_row *rows, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!rows[i].too_few && rows[i].impact < 0) return &rows[i];
  return NULL;
}

/* Segments or questions: each group's sentiment and most mentioned theme (no score), or its
 * score against that of all other records and the theme that costs it most. `title` heads
 * the first, `head` the second. */
static void term_groups(FILE *fp, const vb_table *t, const vb_model *m, const vb_segment *rows,
                        size_t n, const char *kind, const char *title, const char *head) {
  if (t->type == VB_SCORE_NONE) { /* no score: sentiment and the most mentioned theme */
    fprintf(fp, "\n%s\n%-20s records positive negative  most mentioned (prevalence)\n", title,
            kind);
    for (size_t i = 0; i < n; i++) {
      const vb_segment *g = &rows[i];
      const vb_theme_row *top = NULL;
      for (size_t k = 0; k < g->n_rows; k++)
        if (!top || g->rows[k].n > top->n) top = &g->rows[k];
      char most[128] = "";
      if (top) snprintf(most, sizeof most, "%.60s (%.0f%%)", vb_model_theme_id(m, top->theme), 100 * top->prevalence);
      put_col(fp, g->name, 20);
      fprintf(fp, " %7zu %7.0f%% %7.0f%%  ", g->records,
              g->analysed ? 100.0 * (double)g->sent_pos / (double)g->analysed : 0.0,
              g->analysed ? 100.0 * (double)g->sent_neg / (double)g->analysed : 0.0);
      put_last(fp, most, 40);
      fputc('\n', fp);
    }
    return;
  }
  int d = dec_for(t->type);
  fprintf(fp, "\n%s\n", head);
  fprintf(fp, "%-20s records %7s      95%% CI    rest    diff      p      q  "
              "costs most (impact)\n", kind, score_label(t->type));
  for (size_t i = 0; i < n; i++) {
    const vb_segment *s = &rows[i];
    char v[32], lo[32], hi[32], ci[80], rest[32], diff[48], p[16], q[16], top[128] = "";
    fmt_num(v, sizeof v, s->score.value, d);
    fmt_num(lo, sizeof lo, s->score.ci_low, d);
    fmt_num(hi, sizeof hi, s->score.ci_high, d);
    snprintf(ci, sizeof ci, "[%s,%s]", lo, hi);
    fmt_num(rest, sizeof rest, s->rest.value, d);
    fmt_signed(diff, sizeof diff, s->diff, d);
    fmt_p(p, sizeof p, s->p);
    fmt_p(q, sizeof q, s->q);
    const vb_theme_row *r = top_negative(s->rows, s->n_rows);
    if (r) {
      char im[48];
      fmt_signed(im, sizeof im, r->impact, d);
      snprintf(top, sizeof top, "%.60s (%.40s)", vb_model_theme_id(m, r->theme), im);
    }
    put_col(fp, s->name, 20);
    fprintf(fp, " %7zu %7s %13s %7s %7s %6s %6s  ", s->records, v, ci, rest, diff, p, q);
    put_last(fp, top, 18);
    fputc('\n', fp);
  }
}

static void term_segments(FILE *fp, const vb_table *t, const vb_model *m) {
  if (!t->by) return;
  const char *by = strcmp(t->by, ":lang") ? t->by : "language";
  char title[300], head[400];
  snprintf(title, sizeof title, "By %.200s", by);
  snprintf(head, sizeof head, "By %.200s: each segment's %s against all other records", by,
           score_label(t->type));
  term_groups(fp, t, m, t->segments, t->n_segments, "segment", title, head);
}

/* Each question's answers: their own sentiment and themes; the score of those who answered. */
static void term_questions(FILE *fp, const vb_table *t, const vb_model *m) {
  if (!t->n_questions) return;
  char head[200];
  snprintf(head, sizeof head, "By question: the %s of those who answered against the others; "
           "themes in the answer", score_label(t->type));
  term_groups(fp, t, m, t->questions, t->n_questions, "question",
              "By question: those who answered, their answers' sentiment and themes", head);
}

static void term_periods(FILE *fp, const vb_table *t, const vb_model *m) {
  if (!t->date) return;
  int d = dec_for(t->type);
  fprintf(fp, "\nBy %s (column '%s'; %zu record%s without a date)\n", vb_period_name(t->period),
          t->date, t->undated, t->undated == 1 ? "" : "s");
  if (t->type != VB_SCORE_NONE) {
    fprintf(fp, "period     records %7s        95%% CI  change      p baseline  largest parts of "
                "the change\n", score_label(t->type));
  } else {
    fputs("period      records\n", fp);
  }
  for (size_t i = 0; i < t->n_periods; i++) {
    const vb_period_row *r = &t->periods[i];
    if (t->type == VB_SCORE_NONE) {
      fprintf(fp, "%-10s %8zu\n", r->label, r->records);
      continue;
    }
    char v[32], lo[32], hi[32], ci[80], ch[48], p[16], base[48], parts[160] = "";
    fmt_num(v, sizeof v, r->score.value, d);
    fmt_num(lo, sizeof lo, r->score.ci_low, d);
    fmt_num(hi, sizeof hi, r->score.ci_high, d);
    snprintf(ci, sizeof ci, "[%s,%s]", lo, hi);
    fmt_signed(ch, sizeof ch, r->change, d);
    fmt_p(p, sizeof p, r->change_p);
    fmt_signed(base, sizeof base, r->baseline, d);
    /* the three largest contributions */
    size_t used[3] = {(size_t)-1, (size_t)-1, (size_t)-1};
    size_t len = 0;
    for (int k = 0; k < 2 && i > 0; k++) {
      size_t best = (size_t)-1;
      for (size_t j = 0; j < t->n_players; j++) {
        if (j == used[0] || j == used[1] || isnan(r->contrib[j]) || fabs(r->contrib[j]) < 0.05) continue;
        if (best == (size_t)-1 || fabs(r->contrib[j]) > fabs(r->contrib[best])) best = j;
      }
      if (best == (size_t)-1) break;
      used[k] = best;
      char c[48];
      fmt_signed(c, sizeof c, r->contrib[best], d);
      int w = snprintf(parts + len, sizeof parts - len, "%s%.30s %s", k ? ", " : "",
                       vb_model_theme_id(m, t->players[best]), c);
      if (w < 0 || (size_t)w >= sizeof parts - len) break;
      len += (size_t)w;
    }
    fprintf(fp, "%-10s %7zu %7s %13s %7s %6s %8s  ", r->label, r->records, v, ci, ch, p, base);
    put_last(fp, parts, 32);
    fputc('\n', fp);
  }
  if (t->type != VB_SCORE_NONE && t->n_periods > 1)
    fputs("change = baseline (records mentioning none of the top-level themes) + the Shapley parts\n"
          "of the themes (a record with several themes shared equally among them), which add up\n"
          "exactly (all of them in --table attribution).\n", fp);
  if (t->n_rising) {
    fputs("\nRising themes (Poisson count against the trailing periods' rate, q < 0.05; "
          "mentions: all, or\nthose in negative clauses):\n", fp);
    fputs("period     theme                    mentions count  expected      z        p        q\n",
          fp);
    for (size_t i = 0; i < t->n_rising && i < 15; i++) {
      const vb_rising *r = &t->rising[i];
      char p[16], q[16], name[96];
      fmt_p(p, sizeof p, r->p);
      fmt_p(q, sizeof q, r->q);
      snprintf(name, sizeof name, "%s%s", vb_model_theme_id(m, r->theme), r->emerging ? " (new)" : "");
      fprintf(fp, "%-10s ", t->periods[r->period].label);
      put_col(fp, name, 24);
      fprintf(fp, " %-8s %5zu %9.1f %6.1f %8s %8s\n", r->negative ? "negative" : "all", r->count,
              r->expected, r->z, p, q);
    }
    if (t->n_rising > 15) fprintf(fp, "... and %zu more (--table rising)\n", t->n_rising - 15);
  }
}

/* The brands: share of voice, net sentiment, the score among the records naming them, and per
 * period the share of voice of the most mentioned ones. */
/* The topics each brand is mentioned with: the terminal, Markdown and HTML show the
 * BT_SHOWN most frequent topics of each of the first BT_BRANDS brands; JSON and TSV/CSV
 * (--table brand-themes) have every row of VB_PAIR_MIN records. */
#define BT_SHOWN 5
#define BT_BRANDS 5

/* Whether row i of the brand topics is shown: among the first BT_SHOWN of its brand, whose
 * brand is among the first BT_BRANDS of the brand table (the order the rows' brands follow:
 * named by most records first). */
bool brand_theme_shown(const vb_table *t, size_t i) {
  size_t brand = t->brand_themes[i].brand, rank = 0;
  while (rank < i && t->brand_themes[i - rank - 1].brand == brand)
    if (++rank >= BT_SHOWN) return false;
  for (size_t k = 0; k < t->n_brands && k < BT_BRANDS; k++)
    if (t->brands[k].row.theme == brand) return true;
  return false;
}

/* Instead of a table a merge did not count (a state of an older verbatim in it): says so under
 * the table's name. True when it did. */
static bool term_not_counted(FILE *fp, const char *what, bool unknown) {
  if (unknown)
    fprintf(fp, "\n%s: not counted.\nA state of an older verbatim, which did not count them, is "
                "in the merge; make it\nagain to see them.\n", what);
  return unknown;
}

static void term_brand_themes(FILE *fp, const vb_table *t, const vb_model *m) {
  if (term_not_counted(fp, "Themes mentioned with each brand", t->brand_themes_unknown)) return;
  if (!t->n_brand_themes) return;
  fprintf(fp, "\nWhat each brand is mentioned with (its %d most frequent themes):\n", BT_SHOWN);
  fputs("brand                theme                      both  share others   lift        q   neg"
        "   pos", fp);
  if (t->type != VB_SCORE_NONE) fprintf(fp, " %7s", score_label(t->type));
  fputc('\n', fp);
  int dec = dec_for(t->type);
  for (size_t i = 0; i < t->n_brand_themes; i++) {
    if (!brand_theme_shown(t, i)) continue;
    const vb_brand_theme_row *r = &t->brand_themes[i];
    bool first = i == 0 || r->brand != t->brand_themes[i - 1].brand;
    char q[16], rest[16];
    fmt_p(q, sizeof q, r->q);
    if (isnan(r->share_rest)) strcpy(rest, "-");
    else snprintf(rest, sizeof rest, "%.1f%%", 100 * r->share_rest);
    put_col(fp, first ? vb_model_theme_label(m, r->brand) : "", 20);
    fputc(' ', fp);
    put_col(fp, vb_model_theme_id(m, r->theme), 26);
    fprintf(fp, " %4zu %5.1f%% %6s %5.1fx %8s %5zu %5zu", r->n, 100 * r->share, rest, r->lift, q,
            r->neg, r->pos);
    if (t->type != VB_SCORE_NONE) {
      char sc[32];
      fmt_num(sc, sizeof sc, r->score.value, dec);
      fprintf(fp, " %7s", sc);
    }
    fputc('\n', fp);
  }
  fputs("share: of the records naming the brand; others: of the records that do not; lift = "
        "both /\nwhat chance gives; q: more often than chance (hypergeometric, Benjamini-Hochberg "
        "over\nevery brand and theme); neg, pos: the theme's mention in a negative / positive "
        "clause.\n", fp);
  if (t->type != VB_SCORE_NONE)
    fputs("The score is that of the records naming the brand and mentioning the theme.\n", fp);
  fputs("Every row: --format tsv --table brand-themes.\n", fp);
}

/* The net sentiment of a brand in the records naming both ("-" when none), and in all of the
 * records naming it. */
static void fmt_nets(char *buf, size_t size, double there, const vb_table *t, size_t brand) {
  char a[16] = "-", b[16] = "-";
  if (!isnan(there)) snprintf(a, sizeof a, "%+.2f", there);
  for (size_t k = 0; k < t->n_brands; k++)
    if (t->brands[k].row.theme == brand && !isnan(t->brands[k].net))
      snprintf(b, sizeof b, "%+.2f", t->brands[k].net);
  snprintf(buf, size, "%5s (%s)", a, b);
}

static void term_brand_pairs(FILE *fp, const vb_table *t, const vb_model *m) {
  if (term_not_counted(fp, "Brands named together", t->brand_pairs_unknown)) return;
  if (!t->n_brand_pairs) return;
  fprintf(fp, "\nBrands named together (%zu pair%s of 3 or more records", t->n_brand_pairs,
          t->n_brand_pairs == 1 ? "" : "s");
  if (t->n_brand_pairs > BP_SHOWN) fprintf(fp, ", the first %d", BP_SHOWN);
  fputs("):\n", fp);
  fputs("brand            with              both   lift        q  net there (all)  net there "
        "(all)", fp);
  if (t->type != VB_SCORE_NONE) fprintf(fp, " %7s", score_label(t->type));
  fputc('\n', fp);
  int dec = dec_for(t->type);
  for (size_t i = 0; i < t->n_brand_pairs && i < BP_SHOWN; i++) {
    const vb_brand_pair_row *r = &t->brand_pairs[i];
    char q[16], na[40], nb[40];
    fmt_p(q, sizeof q, r->q);
    fmt_nets(na, sizeof na, r->a_net, t, r->a);
    fmt_nets(nb, sizeof nb, r->b_net, t, r->b);
    put_col(fp, vb_model_theme_label(m, r->a), 16);
    fputc(' ', fp);
    put_col(fp, vb_model_theme_label(m, r->b), 16);
    fprintf(fp, " %5zu %5.1fx %8s  %-15s  ", r->n, r->lift, q, na);
    if (t->type != VB_SCORE_NONE) {
      char sc[32];
      fmt_num(sc, sizeof sc, r->score.value, dec);
      fprintf(fp, "%-15s %7s", nb, sc);
    } else {
      fputs(nb, fp);
    }
    fputc('\n', fp);
  }
  fputs("both: records naming the two; lift = both / what chance gives; q: more often than "
        "chance\n(hypergeometric, Benjamini-Hochberg over every pair of named brands); net "
        "there: each\nbrand's net sentiment in the records naming both, (all): in all of its "
        "records.\n", fp);
  if (t->type != VB_SCORE_NONE) fputs("The score is that of the records naming both.\n", fp);
  fputs("Every row: --format tsv --table brand-pairs.\n", fp);
}

const char *switch_side_label(const vb_model *m, size_t t) {
  return t == SIZE_MAX ? "(not named)" : vb_model_theme_label(m, t);
}

/* Switches between brands said in the records: what each brand loses and wins, the switches
 * said most, and what a leaver and a newcomer of each brand wrote. */
static void term_switches(FILE *fp, const vb_table *t, const vb_model *m) {
  if (term_not_counted(fp, "Switching between brands", t->switches_unknown)) return;
  if (!t->n_switches) return;
  fprintf(fp, "\nSwitching between brands (%zu brand%s", t->n_switch_brands,
          t->n_switch_brands == 1 ? "" : "s");
  if (t->n_switch_brands > SW_SHOWN) fprintf(fp, ", the first %d", SW_SHOWN);
  fputs("):\nbrand                 lost   won   net\n", fp);
  for (size_t i = 0; i < t->n_switch_brands && i < SW_SHOWN; i++) {
    const vb_switch_brand_row *b = &t->switch_brands[i];
    put_col(fp, vb_model_theme_label(m, b->brand), 20);
    fprintf(fp, " %5zu %5zu %+5ld\n", b->lost, b->won, (long)b->won - (long)b->lost);
  }
  fputs("from                  to                   records", fp);
  if (t->type != VB_SCORE_NONE) fprintf(fp, " %7s", score_label(t->type));
  fputc('\n', fp);
  int dec = dec_for(t->type);
  for (size_t i = 0; i < t->n_switches && i < SW_SHOWN; i++) {
    const vb_switch_row *r = &t->switches[i];
    put_col(fp, switch_side_label(m, r->from), 20);
    fputs("  ", fp);
    put_col(fp, switch_side_label(m, r->to), 20);
    fprintf(fp, " %7zu", r->n);
    if (t->type != VB_SCORE_NONE) {
      char sc[32];
      fmt_num(sc, sizeof sc, r->score.value, dec);
      fprintf(fp, " %7s", sc);
    }
    fputc('\n', fp);
  }
  if (t->n_switches > SW_SHOWN)
    fprintf(fp, "... and %zu more (every one: --format tsv --table brand-switches)\n",
            t->n_switches - SW_SHOWN);
  fputs("lost: switches away from the brand said in the text (\"switched from\", \"left ... "
        "for\",\n\"ditched\"); won: switches to it (\"switched to\", \"moved my shop to\"); a "
        "record counts\nonce per switch; (not named): the other brand is not said.\n", fp);
  for (size_t i = 0; i < t->n_switch_brands && i < 5; i++) {
    const vb_switch_brand_row *b = &t->switch_brands[i];
    fprintf(fp, "%s%s\n", i ? "" : "\nWhy they leave, why they come:\n",
            vb_model_theme_label(m, b->brand));
    if (b->n_lost_quotes) {
      fputs("  left: \"", fp);
      put_quote_text(fp, &b->lost_quotes[0], "[", "]", 78);
      fputs("\"\n", fp);
    }
    if (b->n_won_quotes) {
      fputs("  came: \"", fp);
      put_quote_text(fp, &b->won_quotes[0], "[", "]", 78);
      fputs("\"\n", fp);
    }
  }
}

static void term_brands(FILE *fp, const vb_table *t, const vb_model *m) {
  if (!model_has_brands(m)) return;
  if (t->n_brands == 0) {
    fputs("\nBrands: no record names a brand of the brand list.\n", fp);
    return;
  }
  int d = dec_for(t->type);
  fprintf(fp, "\nBrands: %zu record%s name%s a brand of the brand list\n", t->brand_records,
          t->brand_records == 1 ? "" : "s", t->brand_records == 1 ? "s" : "");
  put_col(fp, "brand", 20);
  fprintf(fp, " %5s %6s %13s %6s %13s %5s %5s", "n", "share", "95% CI", "net", "95% CI", "pos",
          "neg");
  if (t->type != VB_SCORE_NONE) fprintf(fp, " %7s %7s %6s", score_label(t->type), "impact", "p");
  fputc('\n', fp);
  for (size_t i = 0; i < t->n_brands && i < 20; i++) {
    const vb_brand_row *b = &t->brands[i];
    char sci[64], net[16], nci[64];
    snprintf(sci, sizeof sci, "[%.1f-%.1f]", 100 * b->share_low, 100 * b->share_high);
    if (isnan(b->net)) {
      strcpy(net, "-");
      strcpy(nci, "");
    } else {
      snprintf(net, sizeof net, "%+.2f", b->net);
      snprintf(nci, sizeof nci, "[%+.2f,%+.2f]", b->net_low, b->net_high);
    }
    put_col(fp, vb_model_theme_label(m, b->row.theme), 20);
    fprintf(fp, " %5zu %5.1f%% %13s %6s %13s %5zu %5zu", b->row.n, 100 * b->share, sci, net, nci,
            b->row.pos, b->row.neg);
    if (t->type != VB_SCORE_NONE) {
      char sc[32], im[48], p[16];
      fmt_num(sc, sizeof sc, b->row.with.value, d);
      fmt_signed(im, sizeof im, b->row.impact, d);
      fmt_p(p, sizeof p, b->row.p);
      if (p[0] == '<') strcpy(p, "<.001");
      else if (p[0] == '0') memmove(p, p + 1, strlen(p));
      fprintf(fp, " %7s %7s %6s", sc, im, p);
    }
    fputc('\n', fp);
  }
  if (t->n_brands > 20)
    fprintf(fp, "... and %zu more brands (all of them in --format json, tsv, md)\n",
            t->n_brands - 20);
  fputs("share: of all brand mentions (a record naming two brands counts for both); net: (pos -\n"
        "neg) / (pos + neg) over the records with a positive / negative mention of the brand.\n",
        fp);
  /* each brand's most negative and most positive mention */
  size_t shown = 0;
  for (size_t i = 0; i < t->n_brands && shown < 5; i++) {
    const vb_brand_row *b = &t->brands[i];
    if (!b->row.n_neg_quotes && !b->row.n_pos_quotes) continue;
    if (!shown++) fputs("\nWhat they say about each brand:\n", fp);
    fprintf(fp, "%s\n", vb_model_theme_label(m, b->row.theme));
    if (b->row.n_neg_quotes) {
      fputs("  - \"", fp);
      put_quote_text(fp, &b->row.neg_quotes[0], "[", "]", 82);
      fputs("\"\n", fp);
    }
    if (b->row.n_pos_quotes) {
      fputs("  + \"", fp);
      put_quote_text(fp, &b->row.pos_quotes[0], "[", "]", 82);
      fputs("\"\n", fp);
    }
  }
  term_brand_themes(fp, t, m);
  term_brand_pairs(fp, t, m);
  term_switches(fp, t, m);
  if (t->n_periods < 2) return;
  /* share of voice per period (the last 14), the five most mentioned brands */
  size_t nb = t->n_brands < 5 ? t->n_brands : 5;
  fprintf(fp, "\nShare of voice by %s (net sentiment)\nperiod    ", vb_period_name(t->period));
  for (size_t k = 0; k < nb; k++) {
    fputc(' ', fp);
    put_col(fp, vb_model_theme_label(m, t->brands[k].row.theme), 13);
  }
  fputc('\n', fp);
  size_t first = t->n_periods > 14 ? t->n_periods - 14 : 0; /* the last 14 */
  if (first)
    fprintf(fp, "(the %zu periods before: --format json, md, or tsv --table period-brands)\n",
            first);
  for (size_t i = first; i < t->n_periods; i++) {
    const vb_period_row *r = &t->periods[i];
    fprintf(fp, "%-10s", r->label);
    for (size_t k = 0; k < nb; k++) {
      const vb_brand_row *hit = NULL;
      for (size_t j = 0; j < r->n_brands && !hit; j++)
        if (r->brands[j].row.theme == t->brands[k].row.theme) hit = &r->brands[j];
      char c[40] = "-";
      if (hit && isnan(hit->net)) snprintf(c, sizeof c, "%.0f%%", 100 * hit->share);
      else if (hit) snprintf(c, sizeof c, "%.0f%% (%+.2f)", 100 * hit->share, hit->net);
      fputc(' ', fp);
      put_col(fp, c, 13);
    }
    fputc('\n', fp);
  }
}

static void term_drivers(FILE *fp, const vb_table *t, const render_info *info) {
  const vb_drivers *d = t->drivers;
  if (!d) return;
  char p[16];
  fmt_p(p, sizeof p, d->f_p);
  const char *name = name_of(t, info);
  fprintf(fp, "\nKey drivers of %s: R^2 %.3f (adjusted %.3f), N %zu, F test p %s\n",
          name ? name : "the score", d->r2, d->r2_adj, d->n, p);
  if (d->exact) fprintf(fp, "R^2 split among %zu drivers by the exact Shapley value (LMG)\n", d->n_rows);
  else fprintf(fp, "R^2 split among %zu drivers by the Shapley value (LMG), %zu sampled orders\n",
               d->n_rows, d->permutations);
  if (!d->n_rows) {
    fputs("No theme has 20 mentioners and 20 non-mentioners among the scored records.\n", fp);
    return;
  }
  fputs("driver                      mean       r      coef        p        q    R^2 share\n", fp);
  for (size_t i = 0; i < d->n_rows; i++) {
    const vb_driver_row *r = &d->rows[i];
    char pp[16], qq[16], coef[32];
    fmt_p(pp, sizeof pp, r->p);
    fmt_p(qq, sizeof qq, r->q);
    fmt_signed(coef, sizeof coef, r->coef, 3);
    put_col(fp, r->name, 24);
    fprintf(fp, " %7.3f %7.3f %9s %8s %8s %7.4f %4.0f%%\n", r->mean, r->r, coef, pp, qq,
            r->shapley, 100 * r->share);
  }
  fputs("coef: change of the score with the theme mentioned (or per unit of a column), the other\n"
        "drivers held fixed; the shares of R^2 add up to R^2.\n", fp);
}

/* The pairs of themes met together more often than chance (q < 0.05) are in JSON; the
 * terminal and Markdown show the first PAIRS_SHOWN of them by c. TSV and CSV (--table pairs)
 * have every pair of VB_PAIR_MIN records: the whole co-occurrence table, which on a large
 * file runs to thousands of rows. */
#define PAIRS_SHOWN 10

static bool pair_shown(const vb_pair_row *r) { return r->q < 0.05; }

static void term_pairs(FILE *fp, const vb_table *t, const vb_model *m) {
  if (term_not_counted(fp, "Themes mentioned together", t->pairs_unknown)) return;
  size_t shown = 0;
  for (size_t i = 0; i < t->n_pairs; i++) shown += pair_shown(&t->pairs[i]);
  if (!shown) return;
  const char *sl = score_label(t->type);
  fprintf(fp,
          "\nThemes mentioned together more often than chance (%zu pairs, the first %zu by c):\n",
          shown, shown < PAIRS_SHOWN ? shown : (size_t)PAIRS_SHOWN);
  fputs("theme                      with                        both      c    lift        q", fp);
  if (t->type != VB_SCORE_NONE) fprintf(fp, " %10s", sl);
  fputc('\n', fp);
  int dec = dec_for(t->type);
  for (size_t i = 0, k = 0; i < t->n_pairs && k < PAIRS_SHOWN; i++) {
    const vb_pair_row *r = &t->pairs[i];
    if (!pair_shown(r)) continue;
    k++;
    char q[16], sc[32];
    fmt_p(q, sizeof q, r->q);
    put_col(fp, vb_model_theme_id(m, r->a), 26);
    fputc(' ', fp);
    put_col(fp, vb_model_theme_id(m, r->b), 26);
    fprintf(fp, " %6zu %6.2f %6.1fx %8s", r->n, r->c, r->lift, q);
    if (t->type != VB_SCORE_NONE) {
      fmt_num(sc, sizeof sc, r->score.value, dec);
      fprintf(fp, " %10s", sc);
    }
    fputc('\n', fp);
  }
  fprintf(fp, "c = both / either (ATLAS.ti's coefficient); lift = both / what chance gives; q: "
              "after\nBenjamini-Hochberg over every pair of mentioned themes.%s\n",
          t->type != VB_SCORE_NONE ? " The score is that of the records\nmentioning both." : "");
}

static void range_names(vb_score_type t, const char **top, const char **bottom) {
  switch (t) {
  case VB_SCORE_NPS: *top = "promoters (9-10)", *bottom = "detractors (0-6)"; return;
  case VB_SCORE_CSAT: *top = "satisfied (4-5)", *bottom = "dissatisfied (1-2)"; return;
  default: *top = "agree easy (5-7)", *bottom = "disagree (1-3)"; return;
  }
}

static double pct(size_t a, size_t b) { return b ? 100.0 * (double)a / (double)b : NAN; }

static void term_mismatch(FILE *fp, const vb_table *t, const vb_model *m) {
  const vb_mismatch *x = &t->mismatch;
  if (!x->available) return;
  const char *top, *bottom;
  range_names(t->type, &top, &bottom);
  fputs("\nScore-text mismatch (hidden friction):\n", fp);
  fprintf(fp, "  %s whose text is negative: %zu of %zu (%.1f%%)\n", top, x->top_negative, x->top,
          pct(x->top_negative, x->top));
  fprintf(fp, "  %s whose text is positive: %zu of %zu (%.1f%%)\n", bottom, x->bottom_positive,
          x->bottom, pct(x->bottom_positive, x->bottom));
  if (x->n_rows) {
    fputs("theme                      top box, negative mention   bottom box, positive mention\n", fp);
    for (size_t i = 0; i < x->n_rows && i < 8; i++) {
      put_col(fp, vb_model_theme_id(m, x->rows[i].theme), 26);
      fprintf(fp, " %26zu %30zu\n", x->rows[i].top_neg, x->rows[i].bottom_pos);
    }
  }
  char num[32];
  if (x->n_top_quotes) fprintf(fp, "%s with a negative text:\n", top);
  for (size_t k = 0; k < x->n_top_quotes; k++) {
    fputs("  \"", fp);
    put_quote_text(fp, &x->top_quotes[k], "", "", 72);
    fmt_num(num, sizeof num, x->top_quotes[k].score, 0);
    fprintf(fp, "\" (%.30s, %s)\n", x->top_quotes[k].id, num);
  }
  if (x->n_bottom_quotes) fprintf(fp, "%s with a positive text:\n", bottom);
  for (size_t k = 0; k < x->n_bottom_quotes; k++) {
    fputs("  \"", fp);
    put_quote_text(fp, &x->bottom_quotes[k], "", "", 72);
    fmt_num(num, sizeof num, x->bottom_quotes[k].score, 0);
    fprintf(fp, "\" (%.30s, %s)\n", x->bottom_quotes[k].id, num);
  }
  if (t->n_testimonials) {
    fputs("\nTestimonial candidates (most positive, specific texts of the top box):\n", fp);
    for (size_t k = 0; k < t->n_testimonials; k++) {
      const vb_quote *q = &t->testimonials[k];
      fputs("  \"", fp);
      put_quote_text(fp, q, "", "", 76);
      fprintf(fp, "\" (%.30s)\n", q->id);
    }
  }
}

static void term_table(FILE *fp, const vb_table *t, const vb_model *m, const render_info *info) {
  headline(fp, t, info);
  fputc('\n', fp);
  if (t->n_rows == 0) {
    fputs("No theme of the codebook was mentioned.\n", fp);
  } else {
    term_rows(fp, t, t->rows, t->n_rows, m, (size_t)-1);
    const char *sl = score_label(t->type);
    if (t->type != VB_SCORE_NONE) /* (without a score, no legend: the next part's own line) */
      fprintf(fp, "\nimpact = %s of all records minus %s of the records not mentioning the theme;\n"
                  "themes overlap, so impacts do not add up. p: mentioners vs the rest; q: after\n"
                  "Benjamini-Hochberg. neg: share of mentions in negative clauses. verdict: common\n"
                  "from 10%% prevalence; severe (lifts): a significant gap of a tenth of the scale.\n"
                  "* fewer than 20 scored mentions: too few to conclude.\n", sl, sl);
    for (size_t i = 0; i < t->n_other; i++) {
      const vb_table *o = &t->other[i];
      fprintf(fp, "\nThemes against '%s' (%s):\n", o->score_name ? o->score_name : "?",
              score_label(o->type));
      term_rows(fp, o, o->rows, o->n_rows, m, 15);
    }
    term_quotes(fp, t, m);
    term_pairs(fp, t, m);
  }
  term_brands(fp, t, m);
  term_segments(fp, t, m);
  term_periods(fp, t, m);
  term_questions(fp, t, m);
  term_drivers(fp, t, info);
  term_mismatch(fp, t, m);
}

/* ---- delimited (tsv, csv) and Markdown tables ---- */

typedef struct sink {
  FILE *fp;
  char delim;
  int kind; /* 0 tsv, 1 csv, 2 md */
  size_t col;
} sink;

static void cell_str(sink *s, const char *v, size_t n) {
  if (s->col++) fputs(s->kind == 2 ? " | " : (char[]){s->delim, 0}, s->fp);
  else if (s->kind == 2) fputs("| ", s->fp);
  if (s->kind == 1) csv_cell(s->fp, v, n, s->delim);
  else if (s->kind == 0) tsv_cell(s->fp, v, n);
  else
    for (size_t i = 0; i < n; i++) {
      if (v[i] == '|') fputc('\\', s->fp);
      fputc((unsigned char)v[i] < 0x20 ? ' ' : v[i], s->fp);
    }
}

static void cell(sink *s, const char *v) { cell_str(s, v, strlen(v)); }

static void cell_num(sink *s, double v, int dec) {
  if (s->col++) fputs(s->kind == 2 ? " | " : (char[]){s->delim, 0}, s->fp);
  else if (s->kind == 2) fputs("| ", s->fp);
  if (isnan(v)) fputs(s->kind == 2 ? "-" : "", s->fp);
  else put_num(s->fp, v, dec);
}

static void cell_p(sink *s, double v) {
  if (!isnan(v) && v > 0 && v < 1e-4) {
    if (s->col++) fputs(s->kind == 2 ? " | " : (char[]){s->delim, 0}, s->fp);
    else if (s->kind == 2) fputs("| ", s->fp);
    fprintf(s->fp, "%.2e", v);
  } else {
    cell_num(s, v, 4);
  }
}

static void cell_size(sink *s, size_t v) {
  char b[32];
  snprintf(b, sizeof b, "%zu", v);
  cell(s, b);
}

static void row_end(sink *s) {
  fputs(s->kind == 2 ? " |\n" : "\n", s->fp);
  s->col = 0;
}

static void header(sink *s, const char *const *names, size_t n, size_t text_cols) {
  for (size_t i = 0; i < n; i++) cell(s, names[i]);
  row_end(s);
  if (s->kind == 2) {
    fputs("|", s->fp);
    for (size_t i = 0; i < n; i++) fputs(i < text_cols ? "---|" : "---:|", s->fp);
    fputc('\n', s->fp);
  }
}

/* A quote as one cell, the span between [ and ] (** in Markdown). */
static void cell_quote(sink *s, const vb_quote *q) {
  char *buf;
  size_t len;
  FILE *mem = open_memstream(&buf, &len);
  if (!mem) return;
  put_quote_text(mem, q, s->kind == 2 ? "**" : "[", s->kind == 2 ? "**" : "]", 0);
  fclose(mem);
  cell_str(s, buf, len);
  free(buf);
}

/* The header of a table of rows (themes, brands) whose first two columns are text, with the
 * column `first` before them when not NULL (segment, period). */
static void rows_header(sink *s, const char *first, const char *const *head, size_t nh) {
  if (first) {
    const char *h2[32];
    h2[0] = first;
    for (size_t i = 0; i < nh && i < 31; i++) h2[i + 1] = head[i];
    header(s, h2, nh + 1, 3);
  } else {
    header(s, head, nh, 2);
  }
}

static void theme_header(sink *s, const char *first) {
  static const char *const head[] = {"theme", "label", "n", "prevalence", "prevalence_low",
                                     "prevalence_high", "score", "score_without", "impact", "p",
                                     "q", "neg_share", "too_few", "n_scored", "gap", "test",
                                     "verdict", "neg", "pos"};
  rows_header(s, first, head, sizeof head / sizeof head[0]);
}

static void theme_row(sink *s, const vb_theme_row *r, const vb_model *m, const char *first) {
  if (first) cell(s, first);
  cell(s, vb_model_theme_id(m, r->theme));
  cell(s, vb_model_theme_label(m, r->theme));
  cell_size(s, r->n);
  cell_num(s, r->prevalence, 4);
  cell_num(s, r->prev_low, 4);
  cell_num(s, r->prev_high, 4);
  cell_num(s, r->with.value, 2);
  cell_num(s, r->without.value, 2);
  cell_num(s, r->impact, 2);
  cell_p(s, r->p);
  cell_p(s, r->q);
  cell_num(s, r->neg_share, 3);
  cell(s, r->too_few ? "yes" : "no");
  cell_size(s, r->with.n);
  cell_num(s, r->gap, 2);
  cell(s, vb_test_name(r->test));
  cell(s, vb_verdict_name(r->verdict));
  cell_size(s, r->neg);
  cell_size(s, r->pos);
  row_end(s);
}

static void t_themes(sink *s, const vb_table *t, const vb_model *m) {
  theme_header(s, NULL);
  for (size_t i = 0; i < t->n_rows; i++) theme_row(s, &t->rows[i], m, NULL);
}

static void summary_cells(sink *s, const vb_score_summary *x) {
  cell_size(s, x->n);
  cell_num(s, x->value, 4);
  cell_num(s, x->ci_low, 4);
  cell_num(s, x->ci_high, 4);
  cell_num(s, x->mean, 4);
  cell_num(s, x->top, 4);
  cell_num(s, x->middle, 4);
  cell_num(s, x->bottom, 4);
}

static void score_line(sink *s, const vb_table *t, const char *name) {
  cell(s, name ? name : "");
  cell(s, vb_score_type_name(t->type));
  summary_cells(s, &t->score);
  cell_size(s, t->missing_score);
  cell_size(s, t->invalid_score);
  char b[512];
  size_t len = 0;
  b[0] = '\0';
  for (size_t i = 0; i < t->dist_n && len < sizeof b - 40; i++) {
    int w = snprintf(b + len, sizeof b - len, "%s%g:%zu", i ? " " : "", t->dist_value[i], t->dist_count[i]);
    if (w > 0) len += (size_t)w;
  }
  cell(s, b);
  row_end(s);
}

static void t_scores_all(sink *s, const vb_table *t, const render_info *info) {
  static const char *const head[] = {"column", "type", "n", "value", "ci_low", "ci_high", "mean",
                                     "top", "middle", "bottom", "missing", "invalid",
                                     "distribution"};
  header(s, head, sizeof head / sizeof head[0], 2);
  if (t->type != VB_SCORE_NONE) score_line(s, t, name_of(t, info));
  for (size_t i = 0; i < t->n_other; i++) score_line(s, &t->other[i], t->other[i].score_name);
}

static void t_groups(sink *s, const vb_segment *rows, size_t n, const char *kind) {
  static const char *const head[] = {"", "records", "analysed", "missing_score", "n",
                                     "score", "ci_low", "ci_high", "mean", "top", "middle",
                                     "bottom", "rest", "diff", "p", "q", "test", "positive",
                                     "neutral", "negative"};
  const char *h[sizeof head / sizeof head[0]];
  memcpy(h, head, sizeof head);
  h[0] = kind;
  header(s, h, sizeof head / sizeof head[0], 1);
  for (size_t i = 0; i < n; i++) {
    const vb_segment *g = &rows[i];
    cell(s, g->name);
    cell_size(s, g->records);
    cell_size(s, g->analysed);
    cell_size(s, g->missing_score);
    summary_cells(s, &g->score);
    cell_num(s, g->rest.value, 4);
    cell_num(s, g->diff, 4);
    cell_p(s, g->p);
    cell_p(s, g->q);
    cell(s, vb_test_name(g->test));
    cell_size(s, g->sent_pos);
    cell_size(s, g->sent_neu);
    cell_size(s, g->sent_neg);
    row_end(s);
  }
}

static void t_group_themes(sink *s, const vb_segment *rows, size_t n, const char *kind,
                           const vb_model *m) {
  theme_header(s, kind);
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < rows[i].n_rows; k++) theme_row(s, &rows[i].rows[k], m, rows[i].name);
}

static void t_periods(sink *s, const vb_table *t) {
  static const char *const head[] = {"period", "records", "analysed", "missing_score", "n",
                                     "score", "ci_low", "ci_high", "mean", "top", "middle",
                                     "bottom", "change", "change_p", "test", "baseline",
                                     "attribution"};
  header(s, head, sizeof head / sizeof head[0], 1);
  for (size_t i = 0; i < t->n_periods; i++) {
    const vb_period_row *r = &t->periods[i];
    cell(s, r->label);
    cell_size(s, r->records);
    cell_size(s, r->analysed);
    cell_size(s, r->missing_score);
    summary_cells(s, &r->score);
    cell_num(s, r->change, 4);
    cell_p(s, r->change_p);
    cell(s, vb_test_name(r->change_test));
    cell_num(s, r->baseline, 4);
    cell(s, i == 0 || t->type == VB_SCORE_NONE ? "" : r->exact ? "exact" : "sampled");
    row_end(s);
  }
}

static void t_period_themes(sink *s, const vb_table *t, const vb_model *m) {
  theme_header(s, "period");
  for (size_t i = 0; i < t->n_periods; i++)
    for (size_t k = 0; k < t->periods[i].n_rows; k++)
      theme_row(s, &t->periods[i].rows[k], m, t->periods[i].label);
}

static void t_attribution(sink *s, const vb_table *t, const vb_model *m) {
  static const char *const head[] = {"period", "theme", "contribution"};
  header(s, head, 3, 2);
  for (size_t i = 1; i < t->n_periods; i++) {
    const vb_period_row *r = &t->periods[i];
    cell(s, r->label);
    cell(s, "(baseline)");
    cell_num(s, r->baseline, 4);
    row_end(s);
    for (size_t k = 0; k < t->n_players; k++) {
      cell(s, r->label);
      cell(s, vb_model_theme_id(m, t->players[k]));
      cell_num(s, r->contrib[k], 4);
      row_end(s);
    }
  }
}

static void t_rising_all(sink *s, const vb_table *t, const vb_model *m) {
  static const char *const head[] = {"period", "theme", "mentions", "count", "expected", "z",
                                     "p", "q", "emerging"};
  header(s, head, sizeof head / sizeof head[0], 2);
  for (size_t i = 0; i < t->n_rising; i++) {
    const vb_rising *r = &t->rising[i];
    cell(s, t->periods[r->period].label);
    cell(s, vb_model_theme_id(m, r->theme));
    cell(s, r->negative ? "negative" : "all");
    cell_size(s, r->count);
    cell_num(s, r->expected, 3);
    cell_num(s, r->z, 3);
    cell_p(s, r->p);
    cell_p(s, r->q);
    cell(s, r->emerging ? "yes" : "no");
    row_end(s);
  }
}

static void brand_header(sink *s, const char *first) {
  static const char *const head[] = {"brand", "label", "n", "share", "share_low", "share_high",
                                     "net", "net_low", "net_high", "pos", "neg", "prevalence",
                                     "score", "score_without", "impact", "p", "q", "test",
                                     "n_scored"};
  rows_header(s, first, head, sizeof head / sizeof head[0]);
}

static void brand_row(sink *s, const vb_brand_row *b, const vb_model *m, const char *first) {
  const vb_theme_row *r = &b->row;
  if (first) cell(s, first);
  cell(s, vb_model_theme_id(m, r->theme));
  cell(s, vb_model_theme_label(m, r->theme));
  cell_size(s, r->n);
  cell_num(s, b->share, 4);
  cell_num(s, b->share_low, 4);
  cell_num(s, b->share_high, 4);
  cell_num(s, b->net, 4);
  cell_num(s, b->net_low, 4);
  cell_num(s, b->net_high, 4);
  cell_size(s, r->pos);
  cell_size(s, r->neg);
  cell_num(s, r->prevalence, 4);
  cell_num(s, r->with.value, 2);
  cell_num(s, r->without.value, 2);
  cell_num(s, r->impact, 2);
  cell_p(s, r->p);
  cell_p(s, r->q);
  cell(s, vb_test_name(r->test));
  cell_size(s, r->with.n);
  row_end(s);
}

static void t_brands(sink *s, const vb_table *t, const vb_model *m) {
  brand_header(s, NULL);
  for (size_t i = 0; i < t->n_brands; i++) brand_row(s, &t->brands[i], m, NULL);
}

static void t_group_brands(sink *s, const vb_segment *rows, size_t n, const char *kind,
                           const vb_model *m) {
  brand_header(s, kind);
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < rows[i].n_brands; k++) brand_row(s, &rows[i].brands[k], m, rows[i].name);
}

static void t_period_brands(sink *s, const vb_table *t, const vb_model *m) {
  brand_header(s, "period");
  for (size_t i = 0; i < t->n_periods; i++)
    for (size_t k = 0; k < t->periods[i].n_brands; k++)
      brand_row(s, &t->periods[i].brands[k], m, t->periods[i].label);
}

static void t_drivers(sink *s, const vb_table *t) {
  static const char *const head[] = {"driver", "kind", "mean", "r", "coef", "se", "t", "p", "q",
                                     "shapley", "share"};
  header(s, head, sizeof head / sizeof head[0], 2);
  const vb_drivers *d = t->drivers;
  for (size_t i = 0; d && i < d->n_rows; i++) {
    const vb_driver_row *r = &d->rows[i];
    cell(s, r->name);
    cell(s, r->theme >= 0 ? "theme" : "column");
    cell_num(s, r->mean, 4);
    cell_num(s, r->r, 4);
    cell_num(s, r->coef, 4);
    cell_num(s, r->se, 4);
    cell_num(s, r->t, 3);
    cell_p(s, r->p);
    cell_p(s, r->q);
    cell_num(s, r->shapley, 5);
    cell_num(s, r->share, 4);
    row_end(s);
  }
}

/* The cells n_scored, score, score_low, score_high of a group of records. */
static void cell_summary(sink *s, const vb_score_summary *sc) {
  cell_size(s, sc->n);
  cell_num(s, sc->value, 2);
  cell_num(s, sc->ci_low, 2);
  cell_num(s, sc->ci_high, 2);
}

/* Themes mentioned together: every pair with VB_PAIR_MIN records, or only those `pair_shown`
 * (Markdown). */
static void t_pairs(sink *s, const vb_table *t, const vb_model *m, bool shown_only) {
  static const char *const head[] = {"theme", "with", "both", "n_theme", "n_with", "c", "lift",
                                     "p", "q", "n_scored", "score", "score_low", "score_high"};
  header(s, head, sizeof head / sizeof head[0], 2);
  for (size_t i = 0, k = 0; i < t->n_pairs; i++) {
    const vb_pair_row *r = &t->pairs[i];
    if (shown_only && (!pair_shown(r) || k++ >= PAIRS_SHOWN)) continue;
    cell(s, vb_model_theme_id(m, r->a));
    cell(s, vb_model_theme_id(m, r->b));
    cell_size(s, r->n);
    cell_size(s, r->n_a);
    cell_size(s, r->n_b);
    cell_num(s, r->c, 4);
    cell_num(s, r->lift, 4);
    cell_p(s, r->p);
    cell_p(s, r->q);
    cell_summary(s, &r->score);
    row_end(s);
  }
}

/* The topics each brand is mentioned with: every row, or only those `brand_theme_shown`
 * (Markdown). */
static void t_brand_themes(sink *s, const vb_table *t, const vb_model *m, bool shown_only) {
  static const char *const head[] = {"brand", "theme", "both", "n_brand", "n_theme", "share",
                                     "share_others", "lift", "p", "q", "neg", "pos", "n_scored",
                                     "score", "score_low", "score_high"};
  header(s, head, sizeof head / sizeof head[0], 2);
  for (size_t i = 0; i < t->n_brand_themes; i++) {
    const vb_brand_theme_row *r = &t->brand_themes[i];
    if (shown_only && !brand_theme_shown(t, i)) continue;
    cell(s, vb_model_theme_id(m, r->brand));
    cell(s, vb_model_theme_id(m, r->theme));
    cell_size(s, r->n);
    cell_size(s, r->n_brand);
    cell_size(s, r->n_theme);
    cell_num(s, r->share, 4);
    cell_num(s, r->share_rest, 4);
    cell_num(s, r->lift, 4);
    cell_p(s, r->p);
    cell_p(s, r->q);
    cell_size(s, r->neg);
    cell_size(s, r->pos);
    cell_summary(s, &r->score);
    row_end(s);
  }
}

/* The net sentiment cells neg, pos, net, net_low, net_high of one side of a brand pair. */
static void cell_net(sink *s, size_t neg, size_t pos, double net, double lo, double hi) {
  cell_size(s, neg);
  cell_size(s, pos);
  cell_num(s, net, 4);
  cell_num(s, lo, 4);
  cell_num(s, hi, 4);
}

/* Brands named together: every pair with VB_PAIR_MIN records, or the first BP_SHOWN
 * (Markdown). */
static void t_brand_pairs(sink *s, const vb_table *t, const vb_model *m, bool shown_only) {
  static const char *const head[] = {
      "brand",     "with",         "both",          "n_brand", "n_with",   "lift",
      "p",         "q",            "brand_neg",     "brand_pos", "brand_net", "brand_net_low",
      "brand_net_high", "with_neg", "with_pos",     "with_net", "with_net_low", "with_net_high",
      "n_scored",  "score",        "score_low",     "score_high"};
  header(s, head, sizeof head / sizeof head[0], 2);
  for (size_t i = 0; i < t->n_brand_pairs && (!shown_only || i < BP_SHOWN); i++) {
    const vb_brand_pair_row *r = &t->brand_pairs[i];
    cell(s, vb_model_theme_id(m, r->a));
    cell(s, vb_model_theme_id(m, r->b));
    cell_size(s, r->n);
    cell_size(s, r->n_a);
    cell_size(s, r->n_b);
    cell_num(s, r->lift, 4);
    cell_p(s, r->p);
    cell_p(s, r->q);
    cell_net(s, r->a_neg, r->a_pos, r->a_net, r->a_net_low, r->a_net_high);
    cell_net(s, r->b_neg, r->b_pos, r->b_net, r->b_net_low, r->b_net_high);
    cell_summary(s, &r->score);
    row_end(s);
  }
}

/* Switches between brands: every switch said, or the first SW_SHOWN (Markdown). */
static void t_switches(sink *s, const vb_table *t, const vb_model *m, bool shown_only) {
  static const char *const head[] = {"from", "to", "records", "n_scored", "score", "score_low",
                                     "score_high"};
  header(s, head, sizeof head / sizeof head[0], 2);
  for (size_t i = 0; i < t->n_switches && (!shown_only || i < SW_SHOWN); i++) {
    const vb_switch_row *r = &t->switches[i];
    cell(s, r->from == SIZE_MAX ? "" : vb_model_theme_id(m, r->from));
    cell(s, r->to == SIZE_MAX ? "" : vb_model_theme_id(m, r->to));
    cell_size(s, r->n);
    cell_summary(s, &r->score);
    row_end(s);
  }
}

static void t_mismatch(sink *s, const vb_table *t, const vb_model *m) {
  static const char *const head[] = {"theme", "top_box_negative", "bottom_box_positive"};
  header(s, head, 3, 1);
  const vb_mismatch *x = &t->mismatch;
  if (!x->available) return;
  cell(s, "(all records)");
  cell_size(s, x->top_negative);
  cell_size(s, x->bottom_positive);
  row_end(s);
  for (size_t i = 0; i < x->n_rows; i++) {
    cell(s, vb_model_theme_id(m, x->rows[i].theme));
    cell_size(s, x->rows[i].top_neg);
    cell_size(s, x->rows[i].bottom_pos);
    row_end(s);
  }
}

static void quote_cells(sink *s, const vb_quote *q) {
  cell(s, q->id);
  cell_num(s, q->score, 3);
  cell_num(s, q->sentiment, 3);
  cell_quote(s, q);
}

static void t_quotes_all(sink *s, const vb_table *t, const vb_model *m) {
  static const char *const head[] = {"theme", "kind", "rank", "id", "score", "sentiment", "quote"};
  header(s, head, sizeof head / sizeof head[0], 2);
  for (size_t i = 0; i < t->n_rows; i++) {
    const vb_theme_row *r = &t->rows[i];
    for (int kind = 0; kind < 2; kind++) {
      size_t n = kind ? r->n_pos_quotes : r->n_neg_quotes;
      for (size_t k = 0; k < n; k++) {
        cell(s, vb_model_theme_id(m, r->theme));
        cell(s, kind ? "positive" : "negative");
        cell_size(s, k + 1);
        quote_cells(s, kind ? &r->pos_quotes[k] : &r->neg_quotes[k]);
        row_end(s);
      }
    }
  }
  const vb_mismatch *x = &t->mismatch;
  for (size_t k = 0; k < x->n_top_quotes; k++) {
    cell(s, "(mismatch)");
    cell(s, "top box, negative text");
    cell_size(s, k + 1);
    quote_cells(s, &x->top_quotes[k]);
    row_end(s);
  }
  for (size_t k = 0; k < x->n_bottom_quotes; k++) {
    cell(s, "(mismatch)");
    cell(s, "bottom box, positive text");
    cell_size(s, k + 1);
    quote_cells(s, &x->bottom_quotes[k]);
    row_end(s);
  }
}

static void t_testimonials(sink *s, const vb_table *t) {
  static const char *const head[] = {"rank", "id", "score", "sentiment", "quote"};
  header(s, head, sizeof head / sizeof head[0], 0);
  for (size_t k = 0; k < t->n_testimonials; k++) {
    cell_size(s, k + 1);
    quote_cells(s, &t->testimonials[k]);
    row_end(s);
  }
}

static void delimited(FILE *fp, char delim, int kind, const char *which, const vb_table *t,
                      const vb_model *m, const render_info *info) {
  sink s = {fp, delim, kind, 0};
  if (!which || !strcmp(which, "themes")) t_themes(&s, t, m);
  else if (!strcmp(which, "scores")) t_scores_all(&s, t, info);
  else if (!strcmp(which, "segments")) t_groups(&s, t->segments, t->n_segments, "segment");
  else if (!strcmp(which, "segment-themes"))
    t_group_themes(&s, t->segments, t->n_segments, "segment", m);
  else if (!strcmp(which, "periods")) t_periods(&s, t);
  else if (!strcmp(which, "period-themes")) t_period_themes(&s, t, m);
  else if (!strcmp(which, "attribution")) t_attribution(&s, t, m);
  else if (!strcmp(which, "rising")) t_rising_all(&s, t, m);
  else if (!strcmp(which, "drivers")) t_drivers(&s, t);
  else if (!strcmp(which, "mismatch")) t_mismatch(&s, t, m);
  else if (!strcmp(which, "pairs")) t_pairs(&s, t, m, false);
  else if (!strcmp(which, "brand-themes")) t_brand_themes(&s, t, m, false);
  else if (!strcmp(which, "brand-pairs")) t_brand_pairs(&s, t, m, false);
  else if (!strcmp(which, "brand-switches")) t_switches(&s, t, m, false);
  else if (!strcmp(which, "quotes")) t_quotes_all(&s, t, m);
  else if (!strcmp(which, "testimonials")) t_testimonials(&s, t);
  else if (!strcmp(which, "brands")) t_brands(&s, t, m);
  else if (!strcmp(which, "segment-brands"))
    t_group_brands(&s, t->segments, t->n_segments, "segment", m);
  else if (!strcmp(which, "period-brands")) t_period_brands(&s, t, m);
  else if (!strcmp(which, "questions")) t_groups(&s, t->questions, t->n_questions, "question");
  else if (!strcmp(which, "question-themes"))
    t_group_themes(&s, t->questions, t->n_questions, "question", m);
  else if (!strcmp(which, "question-brands"))
    t_group_brands(&s, t->questions, t->n_questions, "question", m);
}

/* Segments or questions in Markdown: their table, then their themes and brands. */
static void md_groups(sink *s, const vb_segment *rows, size_t n, const char *kind,
                      const vb_model *m) {
  t_groups(s, rows, n, kind);
  fprintf(s->fp, "\n### Themes per %s\n\n", kind);
  t_group_themes(s, rows, n, kind, m);
  if (model_has_brands(m)) {
    fprintf(s->fp, "\n### Brands per %s\n\n", kind);
    t_group_brands(s, rows, n, kind, m);
  }
}

/* The heading of a section when it has rows (`any`) or a merge did not count them, and then
 * why they are not there. True when the rows follow. */
static bool md_section(FILE *fp, const char *heading, bool unknown, bool any) {
  if (unknown || any) fprintf(fp, "\n%s\n\n", heading);
  if (unknown)
    fputs("Not counted: a state of an older verbatim, which did not count them, is in the "
          "merge.\n", fp);
  return !unknown && any;
}

static void md_table(FILE *fp, const vb_table *t, const vb_model *m, const render_info *info) {
  sink s = {fp, '|', 2, 0};
  fputs("## Root-cause table\n\n", fp);
  headline(fp, t, info);
  fputc('\n', fp);
  t_themes(&s, t, m);
  fputs("\nimpact = score of all records minus score of the records not mentioning the theme; "
        "themes overlap, so impacts do not add up.\n", fp);
  if (t->n_other) {
    fputs("\n## Scores\n\n", fp);
    t_scores_all(&s, t, info);
    for (size_t i = 0; i < t->n_other; i++) {
      fprintf(fp, "\n### Themes against '%s'\n\n", t->other[i].score_name ? t->other[i].score_name : "?");
      t_themes(&s, &t->other[i], m);
    }
  }
  bool any_quotes = false;
  for (size_t i = 0; i < t->n_rows && !any_quotes; i++)
    any_quotes = t->rows[i].n_neg_quotes || t->rows[i].n_pos_quotes;
  if (any_quotes) {
    fputs("\n## Quotes\n\n", fp);
    t_quotes_all(&s, t, m);
  }
  size_t shown = 0; /* (no pairs when not counted) */
  for (size_t i = 0; i < t->n_pairs; i++) shown += pair_shown(&t->pairs[i]);
  if (md_section(fp, "## Themes mentioned together", t->pairs_unknown, shown)) {
    fprintf(fp, "More often than chance (q < 0.05): %zu pairs, the first %zu by c. c = both / "
                "either (ATLAS.ti's coefficient); lift = both / what chance gives; score: of the "
                "records mentioning both.\n\n", shown,
            shown < PAIRS_SHOWN ? shown : (size_t)PAIRS_SHOWN);
    t_pairs(&s, t, m, true);
  }
  if (model_has_brands(m)) {
    fprintf(fp, "\n## Brands\n\n%zu records name a brand of the brand list. share: of all brand "
                "mentions; net: (pos - neg) / (pos + neg).\n\n", t->brand_records);
    t_brands(&s, t, m);
    if (md_section(fp, "### Themes mentioned with each brand", t->brand_themes_unknown,
                   t->n_brand_themes)) {
      fprintf(fp, "The %d most frequent themes of each brand's records. share: of the records "
                  "naming the brand; share_others: of the records that do not; lift: both / "
                  "what chance gives; q: more often than chance; neg, pos: the theme's mention "
                  "in a negative / positive clause.\n\n", BT_SHOWN);
      t_brand_themes(&s, t, m, true);
    }
    if (md_section(fp, "### Brands named together", t->brand_pairs_unknown, t->n_brand_pairs)) {
      fprintf(fp, "%zu pairs of brands named together by 3 or more records", t->n_brand_pairs);
      if (t->n_brand_pairs > BP_SHOWN) fprintf(fp, ", the first %d", BP_SHOWN);
      fputs(". lift: both / what chance gives; q: more often than chance; neg, pos, net: each "
            "brand's mentions in the records naming both.\n\n", fp);
      t_brand_pairs(&s, t, m, true);
    }
    if (md_section(fp, "### Switching between brands", t->switches_unknown, t->n_switches)) {
      fprintf(fp, "%zu switches said in the text (\"switched from\", \"left ... for\", \"moved "
                  "to\")", t->n_switches);
      if (t->n_switches > SW_SHOWN) fprintf(fp, ", the first %d", SW_SHOWN);
      fputs(". An empty side: the other brand is not named. records: a record counts once per "
            "switch.\n\n", fp);
      t_switches(&s, t, m, true);
    }
  }
  if (t->by) {
    fprintf(fp, "\n## Segments by %s\n\n", t->by);
    md_groups(&s, t->segments, t->n_segments, "segment", m);
  }
  if (t->date) {
    fprintf(fp, "\n## Periods (%s, column %s)\n\n", vb_period_name(t->period), t->date);
    t_periods(&s, t);
    if (t->n_periods > 1 && t->type != VB_SCORE_NONE) {
      fputs("\n### Change attributed to themes (Shapley; baseline + parts = change)\n\n", fp);
      t_attribution(&s, t, m);
    }
    fputs("\n### Themes per period\n\n", fp);
    t_period_themes(&s, t, m);
    if (model_has_brands(m)) {
      fputs("\n### Brands per period\n\n", fp);
      t_period_brands(&s, t, m);
    }
    fputs("\n### Rising themes\n\n", fp);
    t_rising_all(&s, t, m);
  }
  if (t->n_questions) {
    fputs("\n## Questions\n\nrecords: those who answered the question; sentiment and themes: "
          "those of the answer; rest: the score of the records without an answer.\n\n", fp);
    md_groups(&s, t->questions, t->n_questions, "question", m);
  }
  if (t->drivers) {
    const vb_drivers *d = t->drivers;
    char p[16];
    fmt_p(p, sizeof p, d->f_p);
    fprintf(fp, "\n## Key drivers\n\nR^2 %.4f (adjusted %.4f), N %zu, F test p %s, %s.\n\n", d->r2,
            d->r2_adj, d->n, p, d->exact ? "exact Shapley" : "sampled Shapley");
    t_drivers(&s, t);
  }
  if (t->mismatch.available) {
    fputs("\n## Score-text mismatch\n\n", fp);
    t_mismatch(&s, t, m);
    if (t->n_testimonials) {
      fputs("\n## Testimonial candidates\n\n", fp);
      t_testimonials(&s, t);
    }
  }
}

/* ---- JSON ---- */

static void json_num(FILE *fp, const char *key, double v, int dec) {
  fprintf(fp, ", \"%s\": ", key);
  put_num(fp, v, dec);
}

/* ", "key": [lo, hi]" */
static void json_interval(FILE *fp, const char *key, double lo, double hi) {
  fprintf(fp, ", \"%s\": [", key);
  put_num(fp, lo, 4);
  fputs(", ", fp);
  put_num(fp, hi, 4);
  fputc(']', fp);
}

static void json_p(FILE *fp, const char *key, double v) {
  fprintf(fp, ", \"%s\": ", key);
  if (!isnan(v) && v < 1e-4 && v > 0) fprintf(fp, "%.3e", v);
  else put_num(fp, v, 4);
}

static void json_summary(FILE *fp, const vb_score_summary *s) {
  fprintf(fp, "{\"n\": %zu, \"value\": ", s->n);
  put_num(fp, s->value, 4);
  fputs(", \"ci\": [", fp);
  put_num(fp, s->ci_low, 4);
  fputs(", ", fp);
  put_num(fp, s->ci_high, 4);
  fputc(']', fp);
  json_num(fp, "mean", s->mean, 4);
  json_num(fp, "top", s->top, 4);
  json_num(fp, "middle", s->middle, 4);
  json_num(fp, "bottom", s->bottom, 4);
  fputc('}', fp);
}

/* ", KEY: " (`key` with its line break, indent and quotes) and, when a merge did not count the
 * table (a state of an older verbatim in it), null. True when the value is to follow. */
static bool json_counted(FILE *fp, const char *key, bool unknown) {
  fprintf(fp, ",%s: %s", key, unknown ? "null" : "");
  return !unknown;
}

/* ", "themes": [...]" inside "brands": every brand-theme row, or null after a merge with a
 * state that did not count them. */
static void json_brand_themes(FILE *fp, const vb_table *t, const vb_model *m) {
  if (!json_counted(fp, "\n  \"themes\"", t->brand_themes_unknown)) return;
  fputc('[', fp);
  for (size_t i = 0; i < t->n_brand_themes; i++) {
    const vb_brand_theme_row *r = &t->brand_themes[i];
    const char *b = vb_model_theme_id(m, r->brand), *x = vb_model_theme_id(m, r->theme);
    fputs(i ? ",\n   {\"brand\": " : "\n   {\"brand\": ", fp);
    json_str(fp, b, strlen(b));
    fputs(", \"theme\": ", fp);
    json_str(fp, x, strlen(x));
    fprintf(fp, ", \"both\": %zu, \"n_brand\": %zu, \"n_theme\": %zu", r->n, r->n_brand,
            r->n_theme);
    json_num(fp, "share", r->share, 4);
    json_num(fp, "share_others", r->share_rest, 4);
    json_num(fp, "lift", r->lift, 4);
    json_p(fp, "p", r->p);
    json_p(fp, "q", r->q);
    fprintf(fp, ", \"neg\": %zu, \"pos\": %zu, \"score\": ", r->neg, r->pos);
    json_summary(fp, &r->score);
    fputc('}', fp);
  }
  fputs(t->n_brand_themes ? "\n  ]" : "]", fp);
}

/* One side of a brand pair: {"brand": ID, "n": N, "neg": .., "pos": .., "net": .., "net_ci": []} */
static void json_side(FILE *fp, const vb_model *m, size_t brand, size_t n, size_t neg,
                      size_t pos, double net, double lo, double hi) {
  const char *id = vb_model_theme_id(m, brand);
  fputs("{\"brand\": ", fp);
  json_str(fp, id, strlen(id));
  fprintf(fp, ", \"n\": %zu, \"neg\": %zu, \"pos\": %zu", n, neg, pos);
  json_num(fp, "net", net, 4);
  json_interval(fp, "net_ci", lo, hi);
  fputc('}', fp);
}

/* ", "pairs": [...]" inside "brands": every pair of brands named together by VB_PAIR_MIN
 * records, or null after a merge with a state that did not count them. */
static void json_brand_pairs(FILE *fp, const vb_table *t, const vb_model *m) {
  if (!json_counted(fp, "\n  \"pairs\"", t->brand_pairs_unknown)) return;
  fputc('[', fp);
  for (size_t i = 0; i < t->n_brand_pairs; i++) {
    const vb_brand_pair_row *r = &t->brand_pairs[i];
    fputs(i ? ",\n   {\"a\": " : "\n   {\"a\": ", fp);
    json_side(fp, m, r->a, r->n_a, r->a_neg, r->a_pos, r->a_net, r->a_net_low, r->a_net_high);
    fputs(", \"b\": ", fp);
    json_side(fp, m, r->b, r->n_b, r->b_neg, r->b_pos, r->b_net, r->b_net_low, r->b_net_high);
    fprintf(fp, ", \"both\": %zu", r->n);
    json_num(fp, "lift", r->lift, 4);
    json_p(fp, "p", r->p);
    json_p(fp, "q", r->q);
    fputs(", \"score\": ", fp);
    json_summary(fp, &r->score);
    fputc('}', fp);
  }
  fputs(t->n_brand_pairs ? "\n  ]" : "]", fp);
}

static void json_quote(FILE *fp, const vb_quote *q) {
  fputs("{\"id\": ", fp);
  json_str(fp, q->id, strlen(q->id));
  fputs(", \"text\": ", fp);
  json_str(fp, q->text, q->len);
  if (q->span_end > q->span_start) fprintf(fp, ", \"span\": [%zu, %zu]", q->span_start, q->span_end);
  fprintf(fp, ", \"cut\": [%s, %s]", q->cut_start ? "true" : "false", q->cut_end ? "true" : "false");
  json_num(fp, "score", q->score, 3);
  json_num(fp, "sentiment", q->sentiment, 3);
  fputc('}', fp);
}

static void json_quotes(FILE *fp, const vb_quote *q, size_t n) {
  fputc('[', fp);
  for (size_t i = 0; i < n; i++) {
    if (i) fputs(", ", fp);
    json_quote(fp, &q[i]);
  }
  fputc(']', fp);
}

/* ", "switches": {...}" inside "brands": every switch said and per brand what it loses and
 * wins with the quotes of each, or null after a merge with a state that did not count them. */
static void json_switches(FILE *fp, const vb_table *t, const vb_model *m) {
  if (!json_counted(fp, "\n  \"switches\"", t->switches_unknown)) return;
  fputs("{\"flows\": [", fp);
  for (size_t i = 0; i < t->n_switches; i++) {
    const vb_switch_row *r = &t->switches[i];
    fputs(i ? ",\n    {\"from\": " : "\n    {\"from\": ", fp);
    for (int side = 0; side < 2; side++) {
      size_t b = side ? r->to : r->from;
      if (side) fputs(", \"to\": ", fp);
      if (b == SIZE_MAX) {
        fputs("null", fp);
      } else {
        const char *id = vb_model_theme_id(m, b);
        json_str(fp, id, strlen(id));
      }
    }
    fprintf(fp, ", \"records\": %zu, \"score\": ", r->n);
    json_summary(fp, &r->score);
    fputc('}', fp);
  }
  fputs(t->n_switches ? "\n   ],\n   \"by_brand\": [" : "], \"by_brand\": [", fp);
  for (size_t i = 0; i < t->n_switch_brands; i++) {
    const vb_switch_brand_row *b = &t->switch_brands[i];
    const char *id = vb_model_theme_id(m, b->brand);
    fputs(i ? ",\n    {\"brand\": " : "\n    {\"brand\": ", fp);
    json_str(fp, id, strlen(id));
    fprintf(fp, ", \"lost\": %zu, \"won\": %zu, \"lost_quotes\": ", b->lost, b->won);
    json_quotes(fp, b->lost_quotes, b->n_lost_quotes);
    fputs(", \"won_quotes\": ", fp);
    json_quotes(fp, b->won_quotes, b->n_won_quotes);
    fputc('}', fp);
  }
  fputs(t->n_switch_brands ? "\n   ]}" : "]}", fp);
}

/* A row's quotes, when it has any (themes and brands alike). */
static void json_row_quotes(FILE *fp, const vb_theme_row *r, const char *indent) {
  if (!r->n_neg_quotes && !r->n_pos_quotes) return;
  fprintf(fp, ",\n%s \"quotes\": {\"negative\": ", indent);
  json_quotes(fp, r->neg_quotes, r->n_neg_quotes);
  fputs(", \"positive\": ", fp);
  json_quotes(fp, r->pos_quotes, r->n_pos_quotes);
  fputc('}', fp);
}

/* The end of a list of rows written at `indent`. */
static void json_rows_end(FILE *fp, size_t n, const char *indent) {
  if (n) fprintf(fp, "\n%.*s", (int)(strlen(indent) > 1 ? strlen(indent) - 1 : 0), indent);
  fputc(']', fp);
}

static void json_rows(FILE *fp, const vb_theme_row *rows, size_t n, const vb_model *m,
                      const char *indent) {
  fputc('[', fp);
  for (size_t i = 0; i < n; i++) {
    const vb_theme_row *r = &rows[i];
    const char *id = vb_model_theme_id(m, r->theme), *label = vb_model_theme_label(m, r->theme);
    long parent = vb_model_theme_parent(m, r->theme);
    fprintf(fp, "%s\n%s{\"theme\": ", i ? "," : "", indent);
    json_str(fp, id, strlen(id));
    fputs(", \"label\": ", fp);
    json_str(fp, label, strlen(label));
    if (parent >= 0) {
      const char *pid = vb_model_theme_id(m, (size_t)parent);
      fputs(", \"parent\": ", fp);
      json_str(fp, pid, strlen(pid));
    }
    fprintf(fp, ", \"n\": %zu", r->n);
    json_num(fp, "prevalence", r->prevalence, 4);
    json_interval(fp, "prevalence_ci", r->prev_low, r->prev_high);
    json_num(fp, "score", r->with.value, 4);
    json_num(fp, "score_without", r->without.value, 4);
    json_num(fp, "impact", r->impact, 4);
    json_p(fp, "p", r->p);
    json_p(fp, "q", r->q);
    fprintf(fp, ", \"test\": \"%s\"", vb_test_name(r->test));
    json_num(fp, "gap", r->gap, 4);
    json_num(fp, "neg_share", r->neg_share, 4);
    fprintf(fp, ", \"neg\": %zu, \"pos\": %zu", r->neg, r->pos);
    fprintf(fp, ", \"too_few\": %s, \"verdict\": \"%s\",\n%s \"with\": ", r->too_few ? "true" : "false",
            vb_verdict_name(r->verdict), indent);
    json_summary(fp, &r->with);
    fputs(", \"without\": ", fp);
    json_summary(fp, &r->without);
    json_row_quotes(fp, r, indent);
    fputc('}', fp);
  }
  json_rows_end(fp, n, indent);
}

static void json_brands(FILE *fp, const vb_brand_row *rows, size_t n, const vb_model *m,
                        const char *indent) {
  fputc('[', fp);
  for (size_t i = 0; i < n; i++) {
    const vb_brand_row *b = &rows[i];
    const vb_theme_row *r = &b->row;
    const char *id = vb_model_theme_id(m, r->theme), *label = vb_model_theme_label(m, r->theme);
    fprintf(fp, "%s\n%s{\"brand\": ", i ? "," : "", indent);
    json_str(fp, id, strlen(id));
    fputs(", \"label\": ", fp);
    json_str(fp, label, strlen(label));
    fprintf(fp, ", \"n\": %zu", r->n);
    json_num(fp, "share", b->share, 4);
    json_interval(fp, "share_ci", b->share_low, b->share_high);
    json_num(fp, "net", b->net, 4);
    json_interval(fp, "net_ci", b->net_low, b->net_high);
    fprintf(fp, ", \"pos\": %zu, \"neg\": %zu", r->pos, r->neg);
    json_num(fp, "prevalence", r->prevalence, 4);
    json_num(fp, "score", r->with.value, 4);
    json_num(fp, "score_without", r->without.value, 4);
    json_num(fp, "impact", r->impact, 4);
    json_p(fp, "p", r->p);
    json_p(fp, "q", r->q);
    fprintf(fp, ", \"test\": \"%s\", \"too_few\": %s", vb_test_name(r->test),
            r->too_few ? "true" : "false");
    json_row_quotes(fp, r, indent);
    fputc('}', fp);
  }
  json_rows_end(fp, n, indent);
}

static void json_score(FILE *fp, const vb_table *t, const char *name) {
  fprintf(fp, "{\"type\": \"%s\", \"column\": ", vb_score_type_name(t->type));
  if (name) json_str(fp, name, strlen(name));
  else fputs("null", fp);
  fputs(", \"value\": ", fp);
  put_num(fp, t->score.value, 4);
  fputs(", \"ci\": [", fp);
  put_num(fp, t->score.ci_low, 4);
  fputs(", ", fp);
  put_num(fp, t->score.ci_high, 4);
  fprintf(fp, "], \"n\": %zu", t->score.n);
  json_num(fp, "mean", t->score.mean, 4);
  json_num(fp, "top", t->score.top, 4);
  json_num(fp, "middle", t->score.middle, 4);
  json_num(fp, "bottom", t->score.bottom, 4);
  if (t->type == VB_SCORE_CES) json_num(fp, "net_easy", 100 * (t->score.top - t->score.bottom), 4);
  fprintf(fp, ", \"missing\": %zu, \"invalid\": %zu", t->missing_score, t->invalid_score);
  fputs(", \"distribution\": [", fp);
  for (size_t i = 0; i < t->dist_n; i++) {
    fputs(i ? ", [" : "[", fp);
    put_num(fp, t->dist_value[i], 3);
    fprintf(fp, ", %zu]", t->dist_count[i]);
  }
  fputs("]}", fp);
}

/* Segments or questions: one object per group, its name under `kind`. */
static void json_groups(FILE *fp, const vb_segment *rows, size_t n, const char *kind,
                        const vb_model *m, bool brands) {
  fputc('[', fp);
  for (size_t i = 0; i < n; i++) {
    const vb_segment *g = &rows[i];
    fprintf(fp, "%s{\"%s\": ", i ? ",\n  " : "\n  ", kind);
    json_str(fp, g->name, strlen(g->name));
    fprintf(fp, ", \"records\": %zu, \"n\": %zu, \"missing_score\": %zu, \"score\": ", g->records,
            g->analysed, g->missing_score);
    json_summary(fp, &g->score);
    fputs(", \"rest\": ", fp);
    json_summary(fp, &g->rest);
    json_num(fp, "diff", g->diff, 4);
    json_p(fp, "p", g->p);
    json_p(fp, "q", g->q);
    fprintf(fp, ", \"test\": \"%s\", \"sentiment\": {\"positive\": %zu, \"neutral\": %zu, "
                "\"negative\": %zu},\n   \"themes\": ", vb_test_name(g->test), g->sent_pos,
            g->sent_neu, g->sent_neg);
    json_rows(fp, g->rows, g->n_rows, m, "    ");
    if (brands) {
      fputs(",\n   \"brands\": ", fp);
      json_brands(fp, g->brands, g->n_brands, m, "    ");
    }
    fputc('}', fp);
  }
  fputs(n ? "\n ]" : "]", fp);
}

static void json_table(FILE *fp, const vb_table *t, const vb_model *m, const render_info *info) {
  fprintf(fp, "{\"n\": %zu, \"records\": %zu, \"errors\": %zu, \"missing_score\": %zu,\n",
          t->analysed, t->records, t->errors, t->missing_score);
  fprintf(fp, " \"version\": \"%s\",\n", vb_version());
  if (info && info->command_line) {
    fputs(" \"command\": ", fp);
    json_str(fp, info->command_line, strlen(info->command_line));
    fputs(",\n", fp);
  }
  fputs(" \"languages\": {", fp);
  bool first = true;
  for (int l = 0; l < VB_LANG_COUNT; l++) {
    if (!t->by_lang[l]) continue;
    fprintf(fp, "%s\"%s\": %zu", first ? "" : ", ", vb_lang_code((vb_lang)l), t->by_lang[l]);
    first = false;
  }
  fprintf(fp, "},\n \"sentiment\": {\"positive\": %zu, \"neutral\": %zu, \"negative\": %zu},\n",
          t->sent_pos, t->sent_neu, t->sent_neg);
  fputs(" \"score\": ", fp);
  json_score(fp, t, name_of(t, info));
  fputs(",\n \"themes\": ", fp);
  json_rows(fp, t->rows, t->n_rows, m, "  ");
  bool brands = model_has_brands(m);
  if (brands) {
    fprintf(fp, ",\n \"brands\": {\"records\": %zu, \"rows\": ", t->brand_records);
    json_brands(fp, t->brands, t->n_brands, m, "  ");
    json_brand_themes(fp, t, m);
    json_brand_pairs(fp, t, m);
    json_switches(fp, t, m);
    fputc('}', fp);
  }
  if (t->n_other) {
    fputs(",\n \"other_scores\": [", fp);
    for (size_t i = 0; i < t->n_other; i++) {
      fputs(i ? ",\n  {\"score\": " : "\n  {\"score\": ", fp);
      json_score(fp, &t->other[i], t->other[i].score_name);
      fputs(",\n   \"themes\": ", fp);
      json_rows(fp, t->other[i].rows, t->other[i].n_rows, m, "    ");
      fputc('}', fp);
    }
    fputs("\n ]", fp);
  }
  if (t->by) {
    fputs(",\n \"segments\": {\"by\": ", fp);
    json_str(fp, t->by, strlen(t->by));
    fputs(", \"rows\": ", fp);
    json_groups(fp, t->segments, t->n_segments, "segment", m, brands);
    fputc('}', fp);
  }
  if (t->date) {
    fputs(",\n \"periods\": {\"date\": ", fp);
    json_str(fp, t->date, strlen(t->date));
    fprintf(fp, ", \"period\": \"%s\", \"undated\": %zu, \"attribution_themes\": [",
            vb_period_name(t->period), t->undated);
    for (size_t k = 0; k < t->n_players; k++) {
      const char *id = vb_model_theme_id(m, t->players[k]);
      if (k) fputs(", ", fp);
      json_str(fp, id, strlen(id));
    }
    fputs("], \"rows\": [", fp);
    for (size_t i = 0; i < t->n_periods; i++) {
      const vb_period_row *r = &t->periods[i];
      fprintf(fp, "%s\n  {\"period\": \"%s\", \"records\": %zu, \"n\": %zu, \"missing_score\": %zu, "
                  "\"score\": ", i ? "," : "", r->label, r->records, r->analysed, r->missing_score);
      json_summary(fp, &r->score);
      json_num(fp, "change", r->change, 4);
      json_p(fp, "change_p", r->change_p);
      fprintf(fp, ", \"change_test\": \"%s\"", vb_test_name(r->change_test));
      if (i > 0 && t->type != VB_SCORE_NONE) {
        json_num(fp, "baseline", r->baseline, 4);
        fprintf(fp, ", \"attribution\": {\"exact\": %s, \"themes\": {", r->exact ? "true" : "false");
        for (size_t k = 0; k < t->n_players; k++) {
          const char *id = vb_model_theme_id(m, t->players[k]);
          if (k) fputs(", ", fp);
          json_str(fp, id, strlen(id));
          fputs(": ", fp);
          put_num(fp, r->contrib[k], 4);
        }
        fputs("}}", fp);
      }
      fputs(",\n   \"themes\": ", fp);
      json_rows(fp, r->rows, r->n_rows, m, "    ");
      if (brands) {
        fputs(",\n   \"brands\": ", fp);
        json_brands(fp, r->brands, r->n_brands, m, "    ");
      }
      fputc('}', fp);
    }
    fputs(t->n_periods ? "\n ],\n \"rising\": [" : "],\n \"rising\": [", fp);
    for (size_t i = 0; i < t->n_rising; i++) {
      const vb_rising *r = &t->rising[i];
      const char *id = vb_model_theme_id(m, r->theme);
      fprintf(fp, "%s\n  {\"period\": \"%s\", \"theme\": ", i ? "," : "", t->periods[r->period].label);
      json_str(fp, id, strlen(id));
      fprintf(fp, ", \"mentions\": \"%s\", \"count\": %zu", r->negative ? "negative" : "all",
              r->count);
      json_num(fp, "expected", r->expected, 4);
      json_num(fp, "z", r->z, 4);
      json_p(fp, "p", r->p);
      json_p(fp, "q", r->q);
      fprintf(fp, ", \"emerging\": %s}", r->emerging ? "true" : "false");
    }
    fputs(t->n_rising ? "\n ]}" : "]}", fp);
  }
  if (t->n_questions) {
    fputs(",\n \"questions\": ", fp);
    json_groups(fp, t->questions, t->n_questions, "question", m, brands);
  }
  if (t->drivers) {
    const vb_drivers *d = t->drivers;
    fprintf(fp, ",\n \"drivers\": {\"n\": %zu", d->n);
    json_num(fp, "r2", d->r2, 5);
    json_num(fp, "r2_adj", d->r2_adj, 5);
    json_p(fp, "p", d->f_p);
    fprintf(fp, ", \"exact\": %s, \"permutations\": %zu, \"rows\": [", d->exact ? "true" : "false",
            d->permutations);
    for (size_t i = 0; i < d->n_rows; i++) {
      const vb_driver_row *r = &d->rows[i];
      fputs(i ? ",\n  {\"driver\": " : "\n  {\"driver\": ", fp);
      json_str(fp, r->name, strlen(r->name));
      fprintf(fp, ", \"kind\": \"%s\"", r->theme >= 0 ? "theme" : "column");
      json_num(fp, "mean", r->mean, 5);
      json_num(fp, "r", r->r, 5);
      json_num(fp, "coef", r->coef, 5);
      json_num(fp, "se", r->se, 5);
      json_num(fp, "t", r->t, 4);
      json_p(fp, "p", r->p);
      json_p(fp, "q", r->q);
      json_num(fp, "shapley", r->shapley, 6);
      json_num(fp, "share", r->share, 5);
      fputc('}', fp);
    }
    fputs(d->n_rows ? "\n ]}" : "]}", fp);
  }
  if (json_counted(fp, "\n \"pairs\"", t->pairs_unknown)) {
    fputc('[', fp);
    size_t k = 0;
    for (size_t i = 0; i < t->n_pairs; i++) {
      const vb_pair_row *r = &t->pairs[i];
      if (!pair_shown(r)) continue;
      const char *x = vb_model_theme_id(m, r->a), *y = vb_model_theme_id(m, r->b);
      fputs(k++ ? ",\n  {\"theme\": " : "\n  {\"theme\": ", fp);
      json_str(fp, x, strlen(x));
      fputs(", \"with\": ", fp);
      json_str(fp, y, strlen(y));
      fprintf(fp, ", \"both\": %zu, \"n_theme\": %zu, \"n_with\": %zu", r->n, r->n_a, r->n_b);
      json_num(fp, "c", r->c, 4);
      json_num(fp, "lift", r->lift, 4);
      json_p(fp, "p", r->p);
      json_p(fp, "q", r->q);
      fputs(", \"score\": ", fp);
      json_summary(fp, &r->score);
      fputc('}', fp);
    }
    fputs(k ? "\n ]" : "]", fp);
  }
  if (t->mismatch.available) {
    const vb_mismatch *x = &t->mismatch;
    fprintf(fp, ",\n \"mismatch\": {\"top\": %zu, \"top_negative\": %zu, \"bottom\": %zu, "
                "\"bottom_positive\": %zu, \"themes\": [", x->top, x->top_negative, x->bottom,
            x->bottom_positive);
    for (size_t i = 0; i < x->n_rows; i++) {
      const char *id = vb_model_theme_id(m, x->rows[i].theme);
      fputs(i ? ", {\"theme\": " : "{\"theme\": ", fp);
      json_str(fp, id, strlen(id));
      fprintf(fp, ", \"top_negative\": %zu, \"bottom_positive\": %zu}", x->rows[i].top_neg,
              x->rows[i].bottom_pos);
    }
    fputs("],\n  \"top_negative_quotes\": ", fp);
    json_quotes(fp, x->top_quotes, x->n_top_quotes);
    fputs(",\n  \"bottom_positive_quotes\": ", fp);
    json_quotes(fp, x->bottom_quotes, x->n_bottom_quotes);
    fputs("},\n \"testimonials\": ", fp);
    json_quotes(fp, t->testimonials, t->n_testimonials);
  }
  fputs("}\n", fp);
}

int render_table(FILE *fp, const char *format, const vb_table *t, const vb_model *m,
                 const render_info *info) {
  const char *which = info ? info->table : NULL;
  if (!format || !strcmp(format, "table")) term_table(fp, t, m, info);
  else if (!strcmp(format, "tsv")) delimited(fp, '\t', 0, which, t, m, info);
  else if (!strcmp(format, "csv")) delimited(fp, ',', 1, which, t, m, info);
  else if (!strcmp(format, "json")) json_table(fp, t, m, info);
  else if (!strcmp(format, "md")) md_table(fp, t, m, info);
  else return EXIT_USAGE;
  return EXIT_OK;
}
