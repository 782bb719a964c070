/* cmd_discover.c - verbatim discover: recurring phrases, ranked by support or by keyness
 * between two groups of records (low vs high scores, negative vs positive records, a column's
 * value vs the rest, the last period vs the one before), with quotes, the codebook's coverage
 * and a codebook snippet for the phrases it does not cover. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef enum { GROUP_NONE, GROUP_SCORE, GROUP_SENTIMENT, GROUP_COLUMN, GROUP_PERIOD } group_kind;

typedef struct dopts {
  group_kind kind;
  const char *group_col, *focus, *reference, *date_col, *period, *snippet, *sort;
  vb_discover_options d;
} dopts;

typedef struct dctx {
  opts o;
  dopts x;
  vb_model *m;
  vb_analyzer *an;
  vb_discover *disc;
  vb_run_options ro;
  vb_score_type type;
  bool type_given;
  double smin, smax, lo, hi; /* focus: score <= lo; reference: score >= hi */
  bool any_score;
  char last_period[16], prev_period[16];
  int pass; /* 0 scan scores/dates, 1 count, 2 examples */
  size_t records, errors, problems;
  size_t redacted; /* --redact: replacements made (all passes) */
  speakers speakers; /* --redact: transcripts' speaker labels as "Speaker N" (in ids) */
  obuf aliased_id;
  FILE *spool; /* standard input, kept for the second pass */
} dctx;

static void on_problem(void *ctx, int severity, const vb_error *e) {
  dctx *c = ctx;
  if (c->pass > 1) return; /* said already */
  if (severity == VB_PROBLEM_ERROR) c->problems++;
  fprintf(stderr, "%s:%ld:%ld: %s%s\n", e->file, e->line, e->column > 0 ? e->column : 1,
          severity == VB_PROBLEM_ERROR ? "" : "warning: ", e->message);
}

/* ---- dates and periods ---- */

static long days_from_civil(long y, long m, long d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* The period of a date "YYYY-MM-DD..." (or YYYY/MM/DD) as a text that sorts in time order;
 * false when the field is not such a date. */
static bool period_key(const char *s, size_t n, const char *period, char key[16]) {
  while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
  if (n < 10) return false;
  for (int k = 0; k < 10; k++) {
    if (k == 4 || k == 7) {
      if (s[k] != '-' && s[k] != '/') return false;
    } else if (s[k] < '0' || s[k] > '9') {
      return false;
    }
  }
  long y = strtol(s, NULL, 10) % 10000, m = strtol(s + 5, NULL, 10), d = strtol(s + 8, NULL, 10);
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  if (!strcmp(period, "day")) snprintf(key, 16, "%04ld-%02ld-%02ld", y, m, d);
  else if (!strcmp(period, "month")) snprintf(key, 16, "%04ld-%02ld", y, m);
  else if (!strcmp(period, "quarter")) snprintf(key, 16, "%04ld-Q%ld", y, (m - 1) / 3 + 1);
  else { /* ISO week: the week holding the Thursday */
    long days = days_from_civil(y, m, d);
    long wd = ((days % 7) + 7 + 3) % 7; /* 0 Monday (1970-01-01 was a Thursday) */
    long thu = days - wd + 3;
    /* the year of that Thursday */
    long ty = y;
    if (thu < days_from_civil(ty, 1, 1)) ty--;
    else if (thu >= days_from_civil(ty + 1, 1, 1)) ty++;
    long week = (thu - days_from_civil(ty, 1, 1)) / 7 + 1;
    snprintf(key, 16, "%04ld-W%02ld", ty % 10000, week % 100);
  }
  return true;
}

/* ---- one input, one pass ---- */

static int group_of(dctx *c, const vb_reader *rd, int h_score, int h_group, int h_date,
                    const vb_result *r) {
  size_t n;
  const char *v;
  switch (c->x.kind) {
  case GROUP_SCORE: {
    v = vb_reader_get(rd, h_score, &n);
    double s;
    if (!v || vb_parse_number(v, n, &s) || !vb_score_valid(c->type, s)) return VB_GROUP_NONE;
    return s <= c->lo ? VB_GROUP_FOCUS : s >= c->hi ? VB_GROUP_REFERENCE : VB_GROUP_NONE;
  }
  case GROUP_SENTIMENT: {
    int l = vb_result_sentiment(r)->label;
    return l < 0 ? VB_GROUP_FOCUS : l > 0 ? VB_GROUP_REFERENCE : VB_GROUP_NONE;
  }
  case GROUP_COLUMN:
    v = vb_reader_get(rd, h_group, &n);
    if (!v) return VB_GROUP_NONE;
    if (strlen(c->x.focus) == n && !memcmp(v, c->x.focus, n)) return VB_GROUP_FOCUS;
    if (!c->x.reference) return n ? VB_GROUP_REFERENCE : VB_GROUP_NONE;
    return strlen(c->x.reference) == n && !memcmp(v, c->x.reference, n) ? VB_GROUP_REFERENCE
                                                                        : VB_GROUP_NONE;
  case GROUP_PERIOD: {
    char key[16];
    v = vb_reader_get(rd, h_date, &n);
    if (!v || !period_key(v, n, c->x.period, key)) return VB_GROUP_NONE;
    return !strcmp(key, c->last_period) ? VB_GROUP_FOCUS
           : !strcmp(key, c->prev_period) ? VB_GROUP_REFERENCE : VB_GROUP_NONE;
  }
  default: return VB_GROUP_NONE;
  }
}

static int run_input(void *ctx, const char *path) {
  dctx *c = ctx;
  const opts *o = &c->o;
  FILE *fp;
  vb_reader *rd;
  int rc = open_input(o, path, &c->spool, on_problem, c, &c->problems, &fp, &rd);
  if (rc) return rc;
  vb_error e = {0};
  int h_id = -1, h_score = -1, h_group = -1, h_date = -1, h_lang = -1;
  text_src ts;
  int status = text_src_open(&ts, o, rd, &e);
  if (status == EXIT_BADINPUT) msg_error(&e);
  if (status == EXIT_OK && vb_reader_format(rd) != VB_FORMAT_TXT) {
    vb_error ie = {0};
    h_id = vb_reader_field(rd, o->id, &ie);
    if (h_id < 0 && o->id_given) {
      msg_error(&ie);
      status = EXIT_BADINPUT;
    }
    if (status == EXIT_OK && c->x.kind == GROUP_SCORE) status = reader_field_or_say(rd, o->score, &h_score);
    if (status == EXIT_OK && c->x.kind == GROUP_COLUMN) status = reader_field_or_say(rd, c->x.group_col, &h_group);
    if (status == EXIT_OK && c->x.kind == GROUP_PERIOD) status = reader_field_or_say(rd, c->x.date_col, &h_date);
    if (status == EXIT_OK && o->lang_col) status = reader_field_or_say(rd, o->lang_col, &h_lang);
  } else if (status == EXIT_OK && c->x.kind != GROUP_NONE && c->x.kind != GROUP_SENTIMENT) {
    msg("%s: plain text has no columns to group by", path);
    status = EXIT_USAGE;
  }
  int h_role = status == EXIT_OK ? role_field(rd) : -1;
  speakers_fields(&c->speakers, rd, o->redact);
  const vb_record *rec = NULL;
  char idbuf[32];
  size_t index = 0;
  while (status == EXIT_OK && (rc = vb_reader_next(rd, &rec)) == 1) {
    index++;
    if (is_interviewer(rd, h_role)) continue; /* (the interviewer's words are not phrases) */
    if (c->pass == 0) {
      size_t n;
      const char *v;
      if (h_score >= 0 && (v = vb_reader_get(rd, h_score, &n))) {
        double s;
        if (vb_parse_number(v, n, &s) == VB_OK && vb_score_valid(VB_SCORE_RATING, s)) {
          if (!c->any_score || s < c->smin) c->smin = s;
          if (!c->any_score || s > c->smax) c->smax = s;
          c->any_score = true;
        }
      }
      char key[16];
      if (h_date >= 0 && (v = vb_reader_get(rd, h_date, &n)) && period_key(v, n, c->x.period, key)) {
        if (strcmp(key, c->last_period) > 0) {
          if (c->last_period[0]) memcpy(c->prev_period, c->last_period, sizeof key);
          memcpy(c->last_period, key, sizeof key);
        } else if (strcmp(key, c->last_period) < 0 && strcmp(key, c->prev_period) > 0) {
          memcpy(c->prev_period, key, sizeof key);
        }
      }
      continue;
    }
    if (c->pass == 1) c->records++;
    size_t tlen = 0, idlen = 0;
    const char *text;
    size_t again = 0; /* (each record is counted once, in the first pass that reads it) */
    if (text_src_get(&ts, rd, o->redact ? c->m : NULL, &c->speakers,
                     c->pass == 1 ? &c->redacted : &again, &text, &tlen)) {
      msg("out of memory");
      status = EXIT_INTERNAL;
      break;
    }
    const char *id = record_id(rd, h_id, index, idbuf, &idlen);
    char alias[32];
    size_t alias_n;
    if (o->redact && (status = speaker_record(&c->speakers, rd, &id, &idlen, &c->aliased_id,
                                              alias, &alias_n)))
      break;
    if (rec->error || (!text && vb_reader_format(rd) == VB_FORMAT_JSONL)) {
      if (c->pass == 1) c->errors++;
      continue;
    }
    vb_run_options ro = c->ro;
    char code[8];
    record_lang(rd, h_lang, &ro.lang, code);
    const vb_result *r;
    int arc = vb_analyzer_run(c->an, text ? text : "", tlen, &ro, &r);
    if (arc == VB_ENOMEM) {
      msg("out of memory");
      status = EXIT_INTERNAL;
      break;
    }
    if (arc) {
      if (c->pass == 1) c->errors++;
      continue;
    }
    int g = group_of(c, rd, h_score, h_group, h_date, r);
    arc = c->pass == 1 ? vb_discover_add(c->disc, r, g)
                       : vb_discover_examples(c->disc, r, g, id, idlen);
    if (arc) {
      msg("out of memory");
      status = EXIT_INTERNAL;
    }
  }
  return close_input(path, rc, rec, status, &ts, rd, fp);
}

static int run_pass(dctx *c, int pass) {
  c->pass = pass;
  return each_input(&c->o, run_input, c);
}

/* ---- output ---- */

static const char *group_name(const dctx *c, bool focus) {
  switch (c->x.kind) {
  case GROUP_SCORE:
    if (c->type == VB_SCORE_NPS) return focus ? "detractors" : "promoters";
    return focus ? "low scores" : "high scores";
  case GROUP_SENTIMENT: return focus ? "negative records" : "positive records";
  case GROUP_COLUMN: return focus ? c->x.focus : c->x.reference ? c->x.reference : "the rest";
  case GROUP_PERIOD: return focus ? c->last_period : c->prev_period;
  default: return "";
  }
}

static bool is_covered(const vb_phrase *p) { return p->seen && 2 * p->covered >= p->seen; }

/* An id level from a phrase: ASCII letters and digits, '_' between words. */
static void slug(const char *text, char *dst, size_t cap) {
  size_t o = 0;
  bool under = false;
  for (const unsigned char *p = (const unsigned char *)text; *p && o + 2 < cap; p++) {
    unsigned char ch = *p;
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
      if (under && o) dst[o++] = '_';
      under = false;
      dst[o++] = (char)ch;
    } else if (ch == ' ' || ch == '-' || ch == '\'') {
      under = true;
    } else if (ch >= 0x80) {
      /* å ä ö æ ø é ...: their base letter; other scripts are left out */
      static const char *const from[] = {"\xC3\xA5", "\xC3\xA4", "\xC3\xA6", "\xC3\xB6",
                                         "\xC3\xB8", "\xC3\xA9", "\xC3\xBC"};
      static const char *const to[] = {"a", "a", "ae", "o", "o", "e", "u"};
      for (size_t k = 0; k < 7; k++)
        if (!memcmp(p, from[k], 2)) {
          if (under && o) dst[o++] = '_';
          under = false;
          for (const char *t = to[k]; *t && o + 2 < cap; t++) dst[o++] = *t;
        }
    }
  }
  dst[o] = '\0';
}

static void write_snippet(FILE *fp, const dctx *c, const vb_phrase *ph, size_t n) {
  size_t uncovered = 0;
  for (size_t i = 0; i < n; i++) uncovered += !is_covered(&ph[i]);
  fprintf(fp, "# verbatim discover: %zu phrase%s the codebook does not cover yet. Edit the ids,\n"
              "# labels and terms (merge related phrases into one theme, add the other languages),\n"
              "# then load the file with --codebook FILE.\n", uncovered, uncovered == 1 ? "" : "s");
  char used[64][48];
  size_t n_used = 0;
  for (size_t i = 0; i < n; i++) {
    const vb_phrase *p = &ph[i];
    if (is_covered(p)) continue;
    char s[48];
    slug(p->text, s, sizeof s);
    bool dup = !s[0];
    for (size_t k = 0; k < n_used && !dup; k++) dup = !strcmp(used[k], s);
    if (dup) snprintf(s, sizeof s, "phrase_%zu", i + 1);
    if (n_used < 64) snprintf(used[n_used++], sizeof used[0], "%s", s);
    fprintf(fp, "\n[discovered.%s]\nlabel: %s\ndescription: found by verbatim discover in %zu "
                "records", s, p->text, p->support);
    if (!isnan(p->g2))
      fprintf(fp, " (%zu %s, %zu %s; G2 %.1f, log2 ratio %+.2f)", p->focus, group_name(c, true),
              p->reference, group_name(c, false), p->g2, p->log_ratio);
    fputc('\n', fp);
    if (p->n_examples) fprintf(fp, "# e.g. \"%s\"\n", p->examples[0]);
    /* the spellings merged into it are terms too: a term matches on stems, and "hrs" is not
     * an inflection of "hours" (the longer phrases folded into it hold the phrase already) */
    fprintf(fp, "%s: %s", vb_lang_code(p->lang), p->text);
    for (size_t k = 0; k < p->n_variants; k++)
      if (!p->variant_longer[k]) fprintf(fp, "; %s", p->variants[k]);
    fputc('\n', fp);
  }
}

static void write_table(FILE *fp, const dctx *c, const vb_phrase *ph, size_t n, bool key) {
  fprintf(fp, "%-4s %-32s %7s", "#", "phrase", "support");
  if (key) fprintf(fp, " %6s %6s %8s %7s %7s", "focus", "ref", "G2", "p", "log2r");
  fprintf(fp, "  %s\n", "covered by");
  for (size_t i = 0; i < n; i++) {
    const vb_phrase *p = &ph[i];
    char num[32];
    snprintf(num, sizeof num, "%zu%s", i + 1, p->exact ? "" : "~");
    fprintf(fp, "%-4s %-32s %7zu", num, p->text, p->support);
    if (key) {
      fprintf(fp, " %6zu %6zu %8.2f ", p->focus, p->reference, p->g2);
      char pb[16];
      if (p->p < 0.001) snprintf(pb, sizeof pb, "<0.001");
      else snprintf(pb, sizeof pb, "%.3f", p->p);
      fprintf(fp, "%7s %+7.2f", pb, p->log_ratio);
    }
    if (is_covered(p) && p->theme >= 0)
      fprintf(fp, "  %s (%.0f%%)", vb_model_theme_id(c->m, (size_t)p->theme),
              100.0 * (double)p->covered / (double)p->seen);
    else if (p->covered)
      fprintf(fp, "  - (%.0f%% by %s)", 100.0 * (double)p->covered / (double)p->seen,
              vb_model_theme_id(c->m, (size_t)p->theme));
    else
      fputs("  -", fp);
    fputc('\n', fp);
    for (int longer = 0; longer <= 1; longer++) {
      bool any = false;
      for (size_t k = 0; k < p->n_variants; k++) {
        if (p->variant_longer[k] != longer) continue;
        fprintf(fp, "%s%s (%zu)", any ? "; " : longer ? "     longer: " : "     spelled: ",
                p->variants[k], p->variant_support[k]);
        any = true;
      }
      if (any) fputc('\n', fp);
    }
    if (p->merged[0]) fprintf(fp, "     merged: %s\n", p->merged);
    for (size_t k = 0; k < p->n_examples; k++)
      fprintf(fp, "     \"%s\" (%s)\n", p->examples[k], p->example_ids[k]);
  }
}

static void write_tsv(FILE *fp, const dctx *c, const vb_phrase *ph, size_t n) {
  fputs("rank\tphrase\tstems\tlang\twords\tsupport\tfocus\treference\tg2\tp\tlog_ratio\texact\t"
        "covered\ttheme\tmerged\texample_id\texample\tvariants\n", fp);
  for (size_t i = 0; i < n; i++) {
    const vb_phrase *p = &ph[i];
    fprintf(fp, "%zu\t", i + 1);
    tsv_cell(fp, p->text, strlen(p->text));
    fputc('\t', fp);
    tsv_cell(fp, p->stems, strlen(p->stems));
    fprintf(fp, "\t%s\t%zu\t%zu\t%zu\t%zu\t", vb_lang_code(p->lang), p->n_words, p->support,
            p->focus, p->reference);
    put_num(fp, p->g2, 3);
    fputc('\t', fp);
    put_num(fp, p->p, 6);
    fputc('\t', fp);
    put_num(fp, p->log_ratio, 3);
    fprintf(fp, "\t%s\t", p->exact ? "yes" : "no");
    put_num(fp, p->seen ? (double)p->covered / (double)p->seen : 0.0, 3);
    fprintf(fp, "\t%s\t", is_covered(p) && p->theme >= 0 ? vb_model_theme_id(c->m, (size_t)p->theme) : "");
    tsv_cell(fp, p->merged, strlen(p->merged));
    fputc('\t', fp);
    if (p->n_examples) {
      tsv_cell(fp, p->example_ids[0], strlen(p->example_ids[0]));
      fputc('\t', fp);
      tsv_cell(fp, p->examples[0], strlen(p->examples[0]));
    } else {
      fputc('\t', fp);
    }
    /* the variants last (a column added after the first release): "hrs (115); ..." with
     * "longer " before a longer phrase folded in */
    fputc('\t', fp);
    for (size_t k = 0; k < p->n_variants; k++) {
      char cell[64];
      if (k) fputs("; ", fp);
      if (p->variant_longer[k]) fputs("longer ", fp);
      tsv_cell(fp, p->variants[k], strlen(p->variants[k]));
      snprintf(cell, sizeof cell, " (%zu)", p->variant_support[k]);
      fputs(cell, fp);
    }
    fputc('\n', fp);
  }
}

static void write_json(FILE *fp, const dctx *c, const vb_phrase *ph, size_t n,
                       const vb_discover_info *info) {
  fprintf(fp, "{\"records\": %zu, \"analysed\": %zu, \"ranked_by\": \"%s\"", c->records,
          info->records, info->by_keyness ? "keyness" : "support");
  if (c->x.kind != GROUP_NONE) {
    fputs(", \"focus\": {\"name\": ", fp);
    json_str(fp, group_name(c, true), strlen(group_name(c, true)));
    fprintf(fp, ", \"records\": %zu}, \"reference\": {\"name\": ", info->focus);
    json_str(fp, group_name(c, false), strlen(group_name(c, false)));
    fprintf(fp, ", \"records\": %zu}", info->reference);
  }
  fprintf(fp, ", \"table\": {\"entries\": %zu, \"prunes\": %zu, \"max_dropped_support\": %zu}",
          info->entries, info->prunes, info->max_dropped);
  fputs(", \"phrases\": [", fp);
  for (size_t i = 0; i < n; i++) {
    const vb_phrase *p = &ph[i];
    fprintf(fp, "%s\n  {\"rank\": %zu, \"phrase\": ", i ? "," : "", i + 1);
    json_str(fp, p->text, strlen(p->text));
    fputs(", \"stems\": ", fp);
    json_str(fp, p->stems, strlen(p->stems));
    fprintf(fp, ", \"lang\": \"%s\", \"words\": %zu, \"support\": %zu, \"focus\": %zu, "
                "\"reference\": %zu, \"g2\": ", vb_lang_code(p->lang), p->n_words, p->support,
            p->focus, p->reference);
    put_num(fp, p->g2, 3);
    fputs(", \"p\": ", fp);
    put_num(fp, p->p, 6);
    fputs(", \"log_ratio\": ", fp);
    put_num(fp, p->log_ratio, 3);
    fprintf(fp, ", \"exact\": %s, \"covered\": ", p->exact ? "true" : "false");
    put_num(fp, p->seen ? (double)p->covered / (double)p->seen : 0.0, 3);
    fputs(", \"theme\": ", fp);
    if (p->theme >= 0) {
      const char *t = vb_model_theme_id(c->m, (size_t)p->theme);
      json_str(fp, t, strlen(t));
    } else {
      fputs("null", fp);
    }
    fprintf(fp, ", \"is_covered\": %s, \"merged\": [", is_covered(p) ? "true" : "false");
    const char *s = p->merged;
    for (bool first = true; *s; first = false) {
      const char *e = strstr(s, "; ");
      size_t l = e ? (size_t)(e - s) : strlen(s);
      if (!first) fputs(", ", fp);
      json_str(fp, s, l);
      s += l + (e ? 2 : 0);
    }
    fputs("], \"variants\": [", fp);
    for (size_t k = 0; k < p->n_variants; k++) {
      fputs(k ? ", {\"phrase\": " : "{\"phrase\": ", fp);
      json_str(fp, p->variants[k], strlen(p->variants[k]));
      fprintf(fp, ", \"support\": %zu, \"kind\": \"%s\"}", p->variant_support[k],
              p->variant_longer[k] ? "longer" : "spelling");
    }
    fputs("], \"examples\": [", fp);
    for (size_t k = 0; k < p->n_examples; k++) {
      fputs(k ? ", {\"id\": " : "{\"id\": ", fp);
      json_str(fp, p->example_ids[k], strlen(p->example_ids[k]));
      fputs(", \"text\": ", fp);
      json_str(fp, p->examples[k], strlen(p->examples[k]));
      fputc('}', fp);
    }
    fputs("]}", fp);
  }
  fputs("\n]}\n", fp);
}

/* ---- options ---- */

static int num_opt(const char *name, const char *v, size_t lo, size_t hi, size_t *res) {
  char *end;
  unsigned long long x = strtoull(v, &end, 10);
  if (*end || !*v || x < lo || x > hi) {
    msg("discover: --%s takes a whole number from %zu to %zu", name, lo, hi);
    return EXIT_USAGE;
  }
  *res = (size_t)x;
  return EXIT_OK;
}

/* One of the options only discover has (opts_parse_own gives the rest to opts_parse). */
static int take_opt(void *ctx, const char *name, const char *val) {
  dopts *x = ctx;
  if (!strcmp(name, "by-sentiment")) {
    x->kind = GROUP_SENTIMENT;
    return EXIT_OK;
  }
  if (!strcmp(name, "no-variants") || !strcmp(name, "no-fold")) {
    x->d.flags |= name[3] == 'v' ? VB_DISCOVER_NO_VARIANTS : VB_DISCOVER_NO_FOLD;
    return EXIT_OK;
  }
  int rc = EXIT_OK;
  if (!strcmp(name, "group")) { x->group_col = val; x->kind = GROUP_COLUMN; }
  else if (!strcmp(name, "focus")) x->focus = val;
  else if (!strcmp(name, "reference")) x->reference = val;
  else if (!strcmp(name, "date")) { x->date_col = val; x->kind = GROUP_PERIOD; }
  else if (!strcmp(name, "period")) x->period = val;
  else if (!strcmp(name, "top")) rc = num_opt(name, val, 1, 100000, &x->d.top);
  else if (!strcmp(name, "min-support")) rc = num_opt(name, val, 1, 1000000000, &x->d.min_support);
  else if (!strcmp(name, "max-words")) rc = num_opt(name, val, 1, 4, &x->d.max_words);
  else if (!strcmp(name, "max-ngrams")) rc = num_opt(name, val, 16, 100000000, &x->d.max_entries);
  else if (!strcmp(name, "examples")) rc = num_opt(name, val, 1, 16, &x->d.examples);
  else if (!strcmp(name, "snippet")) x->snippet = val;
  else if (!strcmp(name, "sort")) {
    if (!strcmp(val, "support")) x->d.sort = VB_DISCOVER_BY_SUPPORT;
    else if (!strcmp(val, "keyness")) x->d.sort = VB_DISCOVER_BY_KEYNESS;
    else { msg("discover: --sort takes support or keyness"); rc = EXIT_USAGE; }
  } else if (!strcmp(name, "min-ratio")) {
    char *end;
    double r = strtod(val, &end);
    if (end == val || *end || !(r >= 0 && r <= 20)) {
      msg("discover: --min-ratio takes a log2 ratio from 0 to 20 (e.g. 1: twice the rate; "
          "0: no minimum)");
      rc = EXIT_USAGE;
    } else {
      x->d.min_log_ratio = r > 0 ? r : -1;
    }
  } else if (!strcmp(name, "merge")) {
    char *end;
    double r = strtod(val, &end);
    if (*end || !(r > 0 && r <= 1)) {
      msg("discover: --merge takes a share above 0 and at most 1 (e.g. 0.9)");
      rc = EXIT_USAGE;
    } else {
      x->d.merge_ratio = r;
    }
  }
  return rc;
}

int cmd_discover(int argc, char **argv) {
  dctx c;
  memset(&c, 0, sizeof c);
  static const char *const with_arg[] = {"group", "focus", "reference", "date", "period", "top",
                                         "min-support", "max-words", "max-ngrams", "examples",
                                         "merge", "min-ratio", "sort", "snippet", NULL};
  static const char *const flags[] = {"by-sentiment", "no-variants", "no-fold", NULL};
  int rc = opts_parse_own("discover", argc, argv, with_arg, flags, take_opt, &c.x,
                          "text id lang lang-col lang-default input-format encoding delimiter "
                          "format output score score-type codebook brands lexicon data "
                          "max-field quiet no-default-codebook interviewer unit redact names",
                          &c.o);
  if (rc) return rc;
  opts *o = &c.o;
  if (o->score) {
    if (c.x.kind != GROUP_NONE) {
      msg("discover: give one way of grouping (--score, --by-sentiment, --group or --date)");
      return EXIT_USAGE;
    }
    c.x.kind = GROUP_SCORE;
  }
  if (o->score_type && !o->score) {
    msg("discover: --score-type needs --score NAME");
    return EXIT_USAGE;
  }
  if (c.x.kind == GROUP_COLUMN && !c.x.focus) {
    msg("discover: --group NAME needs --focus VALUE (and optionally --reference VALUE)");
    return EXIT_USAGE;
  }
  if ((c.x.focus || c.x.reference) && c.x.kind != GROUP_COLUMN) {
    msg("discover: --focus and --reference go with --group NAME");
    return EXIT_USAGE;
  }
  if (c.x.kind == GROUP_PERIOD) {
    if (!c.x.period) c.x.period = "month";
    if (strcmp(c.x.period, "day") && strcmp(c.x.period, "week") && strcmp(c.x.period, "month") &&
        strcmp(c.x.period, "quarter")) {
      msg("discover: --period takes day, week, month or quarter");
      return EXIT_USAGE;
    }
  } else if (c.x.period) {
    msg("discover: --period goes with --date NAME");
    return EXIT_USAGE;
  }
  if (o->format && strcmp(o->format, "table") && strcmp(o->format, "tsv") && strcmp(o->format, "json")) {
    msg("discover: --format takes table, tsv or json");
    return EXIT_USAGE;
  }
  if ((rc = input_lang_opts("discover", o, &c.ro))) return rc;
  if (o->score_type) {
    if (vb_score_type_parse(o->score_type, &c.type) || c.type == VB_SCORE_NONE) {
      msg("discover: --score-type takes nps, csat, ces or rating");
      return EXIT_USAGE;
    }
    c.type_given = true;
  }
  if ((rc = load_model(o, &c.m))) return rc;
  c.x.d.data_dir = o->data_dir;
  int status = EXIT_OK;
  if (vb_analyzer_new(c.m, &c.an) || vb_discover_new(c.m, &c.x.d, &c.disc)) {
    msg("out of memory");
    status = EXIT_INTERNAL;
  }
  /* pass 0: the score range (type guess, rating thirds) or the last two periods */
  if (status == EXIT_OK &&
      ((c.x.kind == GROUP_SCORE && (!c.type_given || c.type == VB_SCORE_RATING)) ||
       c.x.kind == GROUP_PERIOD)) {
    status = run_pass(&c, 0);
    if (c.x.kind == GROUP_SCORE && !c.type_given) {
      c.type = c.any_score ? vb_score_type_guess(c.smin, c.smax) : VB_SCORE_RATING;
      if (!o->quiet && c.any_score)
        msg("score type guessed as %s from the values %g to %g (set it with --score-type)",
            vb_score_type_name(c.type), c.smin, c.smax);
    }
    if (c.x.kind == GROUP_PERIOD && !c.prev_period[0] && !o->quiet)
      msg("discover: fewer than two %ss with dates in '%s': no keyness", c.x.period, c.x.date_col);
  }
  switch (c.type) {
  case VB_SCORE_NPS: c.lo = 6; c.hi = 9; break;
  case VB_SCORE_CSAT: c.lo = 2; c.hi = 4; break;
  case VB_SCORE_CES: c.lo = 3; c.hi = 5; break;
  default: /* the lower and upper thirds of the range seen */
    c.lo = c.smin + (c.smax - c.smin) / 3;
    c.hi = c.smax - (c.smax - c.smin) / 3;
    if (!(c.hi > c.lo)) c.lo = -INFINITY, c.hi = INFINITY;
  }
  if (status == EXIT_OK || status == EXIT_BADINPUT) {
    int s1 = run_pass(&c, 1);
    if (s1 && (!status || s1 == EXIT_INTERNAL || s1 == EXIT_USAGE)) status = s1;
  }
  if (status == EXIT_OK || status == EXIT_BADINPUT) {
    if (vb_discover_rank(c.disc)) status = EXIT_INTERNAL;
  }
  if (status == EXIT_OK || status == EXIT_BADINPUT) {
    int s2 = run_pass(&c, 2);
    if (s2 == EXIT_INTERNAL || s2 == EXIT_USAGE) status = s2;
  }
  if (status == EXIT_OK || status == EXIT_BADINPUT) {
    const vb_phrase *ph;
    size_t n = vb_discover_phrases(c.disc, &ph);
    vb_discover_info info;
    vb_discover_stats(c.disc, &info);
    out w;
    int wrc = out_open(&w, o->output);
    if (wrc == EXIT_OK) {
      const char *fmt = o->format ? o->format : "table";
      if (!strcmp(fmt, "json")) {
        write_json(w.fp, &c, ph, n, &info);
      } else if (!strcmp(fmt, "tsv")) {
        write_tsv(w.fp, &c, ph, n);
      } else {
        fprintf(w.fp, "%zu records, %zu analysed", c.records, info.records);
        if (c.x.kind != GROUP_NONE)
          fprintf(w.fp, "; focus: %s %zu, reference: %s %zu", group_name(&c, true), info.focus,
                  group_name(&c, false), info.reference);
        fprintf(w.fp, "; ranked by %s; %zu phrases of 1-%zu words in the table",
                info.by_keyness ? "keyness (G2, signed by direction)" : "support", info.entries,
                c.x.d.max_words ? c.x.d.max_words : 4);
        if (info.prunes)
          fprintf(w.fp, " (pruned %zu times; supports up to %zu dropped, '~' marks counts that "
                  "may be low)", info.prunes, info.max_dropped);
        fputs("\n\n", w.fp);
        write_table(w.fp, &c, ph, n, info.by_keyness);
        if (!c.x.snippet) {
          fputc('\n', w.fp);
          write_snippet(w.fp, &c, ph, n);
        }
      }
      wrc = out_close(&w);
    }
    if (wrc == EXIT_OK && c.x.snippet) {
      out sw;
      wrc = out_open(&sw, c.x.snippet);
      if (wrc == EXIT_OK) {
        write_snippet(sw.fp, &c, ph, n);
        wrc = out_close(&sw);
      }
    }
    if (wrc) status = wrc;
    if (!o->quiet) {
      fprintf(stderr, "%s: discover: %zu records read, %zu analysed, %zu not analysable; %zu "
              "phrases reported", progname, c.records, info.records, c.errors, n);
      if (c.o.redact)
        fprintf(stderr, "; redacted: %zu e-mail addresses, URLs, handles, long numbers and names",
                c.redacted);
      fputc('\n', stderr);
    }
  }
  if (c.spool) fclose(c.spool);
  vb_discover_free(c.disc);
  speakers_free(&c.speakers);
  obuf_free(&c.aliased_id);
  vb_analyzer_free(c.an);
  vb_model_free(c.m);
  if (status == EXIT_OK && c.problems) status = EXIT_BADINPUT;
  return status;
}
