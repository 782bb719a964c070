/*
 * render.c - the root-cause table in every output format. All formats print the numbers of
 * one vb_table, so they cannot disagree.
 */
#include <math.h>
#include <string.h>

#include "cli.h"

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
    if (!strcmp(b, "-0.0") || !strcmp(b, "-0")) snprintf(b, n, "%.*f", dec, 0.0);
  }
}

static void fmt_p(char *b, size_t n, double p) {
  if (isnan(p)) snprintf(b, n, "-");
  else if (p < 0.001) snprintf(b, n, "<0.001");
  else snprintf(b, n, "%.3f", p);
}

static int dec_for(vb_score_type t) { return (t == VB_SCORE_CES || t == VB_SCORE_RATING) ? 2 : 1; }

/* ---- the terminal table ---- */

static void headline(FILE *fp, const vb_table *t, const render_info *info) {
  char v[32], lo[32], hi[32];
  int d = dec_for(t->type);
  if (t->type != VB_SCORE_NONE) {
    fmt_num(v, sizeof v, t->score.value, d);
    fmt_num(lo, sizeof lo, t->score.ci_low, d);
    fmt_num(hi, sizeof hi, t->score.ci_high, d);
    fprintf(fp, "%s %s (95%% CI %s to %s) from %zu scored records", score_label(t->type), v, lo,
            hi, t->score.n);
    if (info && info->score_name) fprintf(fp, " (column '%s')", info->score_name);
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
  }
  fprintf(fp, "%zu records, %zu analysed", t->records, t->analysed);
  if (t->errors) fprintf(fp, ", %zu not analysable", t->errors);
  if (t->type != VB_SCORE_NONE) fprintf(fp, ", %zu without a score", t->missing_score);
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

static void term_table(FILE *fp, const vb_table *t, const vb_model *m, const render_info *info) {
  headline(fp, t, info);
  fputc('\n', fp);
  if (t->n_rows == 0) {
    fputs("No theme of the codebook was mentioned.\n", fp);
    return;
  }
  int d = dec_for(t->type);
  const char *sl = score_label(t->type);
  fprintf(fp, "%-28s %5s %6s %13s %7s %7s %7s %7s %4s\n", "theme", "n", "prev", "95% CI", sl,
          "impact", "p", "q", "neg");
  for (size_t i = 0; i < t->n_rows; i++) {
    const vb_theme_row *r = &t->rows[i];
    char ci[64], sc[32], im[48], p[16], q[16], neg[16];
    snprintf(ci, sizeof ci, "[%.1f-%.1f]", 100 * r->prev_low, 100 * r->prev_high);
    fmt_num(sc, sizeof sc, r->with.value, d);
    fmt_num(im, sizeof im, r->impact, d);
    if (!isnan(r->impact) && r->impact > 0) {
      char tmp[48];
      snprintf(tmp, sizeof tmp, "+%.30s", im);
      snprintf(im, sizeof im, "%s", tmp);
    }
    fmt_p(p, sizeof p, r->p);
    fmt_p(q, sizeof q, r->q);
    snprintf(neg, sizeof neg, "%.0f%%", 100 * r->neg_share);
    const char *id = vb_model_theme_id(m, r->theme);
    char name[64];
    snprintf(name, sizeof name, "%s%s", id, r->too_few ? " *" : "");
    if (strlen(name) > 28) {
      name[26] = '.';
      name[27] = '.';
      name[28] = '\0';
    }
    fprintf(fp, "%-28s %5zu %5.1f%% %13s %7s %7s %7s %7s %4s\n", name, r->n, 100 * r->prevalence,
            ci, sc, im, p, q, neg);
  }
  fputc('\n', fp);
  if (t->type != VB_SCORE_NONE)
    fprintf(fp, "impact = %s of all records minus %s of the records not mentioning the theme;\n"
                "themes overlap, so impacts do not add up. p: mentioners vs the rest; q: after\n"
                "Benjamini-Hochberg. neg: share of mentions in negative clauses.\n"
                "* fewer than 20 scored mentions: too few to conclude.\n", sl, sl);
}

/* ---- delimited and Markdown ---- */

typedef void (*cell_fn)(FILE *fp, const char *s, size_t n, char delim);

static void plain_cell(FILE *fp, const char *s, size_t n, char delim) {
  (void)delim;
  tsv_cell(fp, s, n);
}

static void md_cell(FILE *fp, const char *s, size_t n, char delim) {
  (void)delim;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '|') fputc('\\', fp);
    fputc(s[i] == '\n' ? ' ' : s[i], fp);
  }
}

static void rows_delimited(FILE *fp, const vb_table *t, const vb_model *m, char delim,
                           cell_fn cell, bool md) {
  static const char *const head[] = {"theme", "label", "n", "prevalence", "prevalence_low",
                                     "prevalence_high", "score", "score_without", "impact", "p",
                                     "q", "neg_share", "too_few"};
  size_t nh = sizeof head / sizeof head[0];
  if (md) fputs("| ", fp);
  for (size_t i = 0; i < nh; i++) {
    if (i) fputs(md ? " | " : (char[]){delim, 0}, fp);
    fputs(head[i], fp);
  }
  fputs(md ? " |\n" : "\n", fp);
  if (md) {
    fputs("|", fp);
    for (size_t i = 0; i < nh; i++) fputs(i < 2 ? "---|" : "---:|", fp);
    fputc('\n', fp);
  }
  char sep[4] = {delim, 0, 0, 0};
  if (md) strcpy(sep, " | ");
  for (size_t i = 0; i < t->n_rows; i++) {
    const vb_theme_row *r = &t->rows[i];
    const char *id = vb_model_theme_id(m, r->theme), *label = vb_model_theme_label(m, r->theme);
    if (md) fputs("| ", fp);
    cell(fp, id, strlen(id), delim);
    fputs(sep, fp);
    cell(fp, label, strlen(label), delim);
    fprintf(fp, "%s%zu%s", sep, r->n, sep);
    double v[] = {r->prevalence, r->prev_low, r->prev_high, r->with.value, r->without.value,
                  r->impact, r->p, r->q, r->neg_share};
    int dec[] = {4, 4, 4, 2, 2, 2, 4, 4, 3};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
      if (isnan(v[k])) fputs(md ? "-" : "", fp);
      else if (k >= 6 && k <= 7 && v[k] < 1e-4) fprintf(fp, "%.2e", v[k]);
      else put_num(fp, v[k], dec[k]);
      fputs(sep, fp);
    }
    fputs(r->too_few ? "yes" : "no", fp);
    fputs(md ? " |\n" : "\n", fp);
  }
}

static void md_table(FILE *fp, const vb_table *t, const vb_model *m, const render_info *info) {
  fputs("## Root-cause table\n\n", fp);
  /* the headline as a paragraph */
  headline(fp, t, info);
  fputc('\n', fp);
  rows_delimited(fp, t, m, '|', md_cell, true);
  fputs("\nimpact = score of all records minus score of the records not mentioning the theme; "
        "themes overlap, so impacts do not add up.\n", fp);
}

/* ---- JSON ---- */

static void json_summary(FILE *fp, const vb_score_summary *s) {
  fprintf(fp, "{\"n\": %zu, \"value\": ", s->n);
  put_num(fp, s->value, 4);
  fputs(", \"ci\": [", fp);
  put_num(fp, s->ci_low, 4);
  fputs(", ", fp);
  put_num(fp, s->ci_high, 4);
  fputs("], \"mean\": ", fp);
  put_num(fp, s->mean, 4);
  fputs(", \"top\": ", fp);
  put_num(fp, s->top, 4);
  fputs(", \"middle\": ", fp);
  put_num(fp, s->middle, 4);
  fputs(", \"bottom\": ", fp);
  put_num(fp, s->bottom, 4);
  fputc('}', fp);
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
  fprintf(fp, " \"score\": {\"type\": \"%s\", \"value\": ", vb_score_type_name(t->type));
  put_num(fp, t->score.value, 4);
  fputs(", \"ci\": [", fp);
  put_num(fp, t->score.ci_low, 4);
  fputs(", ", fp);
  put_num(fp, t->score.ci_high, 4);
  fprintf(fp, "], \"n\": %zu, \"mean\": ", t->score.n);
  put_num(fp, t->score.mean, 4);
  fputs(", \"top\": ", fp);
  put_num(fp, t->score.top, 4);
  fputs(", \"middle\": ", fp);
  put_num(fp, t->score.middle, 4);
  fputs(", \"bottom\": ", fp);
  put_num(fp, t->score.bottom, 4);
  fputs(", \"distribution\": [", fp);
  for (size_t i = 0; i < t->dist_n; i++) {
    fputs(i ? ", [" : "[", fp);
    put_num(fp, t->dist_value[i], 3);
    fprintf(fp, ", %zu]", t->dist_count[i]);
  }
  fputs("]},\n \"themes\": [", fp);
  for (size_t i = 0; i < t->n_rows; i++) {
    const vb_theme_row *r = &t->rows[i];
    const char *id = vb_model_theme_id(m, r->theme), *label = vb_model_theme_label(m, r->theme);
    long parent = vb_model_theme_parent(m, r->theme);
    fputs(i ? ",\n  {\"theme\": " : "\n  {\"theme\": ", fp);
    json_str(fp, id, strlen(id));
    fputs(", \"label\": ", fp);
    json_str(fp, label, strlen(label));
    if (parent >= 0) {
      const char *pid = vb_model_theme_id(m, (size_t)parent);
      fputs(", \"parent\": ", fp);
      json_str(fp, pid, strlen(pid));
    }
    fprintf(fp, ", \"n\": %zu, \"prevalence\": ", r->n);
    put_num(fp, r->prevalence, 4);
    fputs(", \"prevalence_ci\": [", fp);
    put_num(fp, r->prev_low, 4);
    fputs(", ", fp);
    put_num(fp, r->prev_high, 4);
    fputs("], \"score\": ", fp);
    put_num(fp, r->with.value, 4);
    fputs(", \"score_without\": ", fp);
    put_num(fp, r->without.value, 4);
    fputs(", \"impact\": ", fp);
    put_num(fp, r->impact, 4);
    fputs(", \"p\": ", fp);
    if (!isnan(r->p) && r->p < 1e-4 && r->p > 0) fprintf(fp, "%.3e", r->p);
    else put_num(fp, r->p, 4);
    fputs(", \"q\": ", fp);
    if (!isnan(r->q) && r->q < 1e-4 && r->q > 0) fprintf(fp, "%.3e", r->q);
    else put_num(fp, r->q, 4);
    fputs(", \"neg_share\": ", fp);
    put_num(fp, r->neg_share, 4);
    fprintf(fp, ", \"too_few\": %s,\n   \"with\": ", r->too_few ? "true" : "false");
    json_summary(fp, &r->with);
    fputs(", \"without\": ", fp);
    json_summary(fp, &r->without);
    fputc('}', fp);
  }
  fputs(t->n_rows ? "\n ]}\n" : "]}\n", fp);
}

int render_table(FILE *fp, const char *format, const vb_table *t, const vb_model *m,
                 const render_info *info) {
  if (!format || !strcmp(format, "table")) term_table(fp, t, m, info);
  else if (!strcmp(format, "tsv")) rows_delimited(fp, t, m, '\t', plain_cell, false);
  else if (!strcmp(format, "csv")) rows_delimited(fp, t, m, ',', csv_cell, false);
  else if (!strcmp(format, "json")) json_table(fp, t, m, info);
  else if (!strcmp(format, "md")) md_table(fp, t, m, info);
  else return EXIT_USAGE;
  return EXIT_OK;
}
