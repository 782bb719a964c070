/*
 * agg_input.c - the columns a root-cause table reads besides the text: the score columns
 * (--score, repeated, each with its --score-type or a guess), the segment (--by), the date
 * (--date, --period) and numeric drivers (--driver). Runs in the main thread of the record
 * loop, so that every problem is reported in input order as FILE:LINE.
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Distinct segments and periods seen, to stop at the aggregate's limits with a message
 * instead of a failure inside a worker. */
typedef struct agg_seen {
  char **names;
  size_t *lens;
  size_t n_names, cap_names; /* open addressing: cap is a power of two */
  long *keys;
  size_t n_keys, cap_keys;   /* likewise */
} agg_seen;

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h;
}

/* 1: new, 0: seen, -1: out of memory. */
static int seen_name(agg_seen *s, const char *name, size_t n) {
  if (2 * (s->n_names + 1) > s->cap_names) {
    size_t cap = s->cap_names ? 2 * s->cap_names : 64;
    char **nn = calloc(cap, sizeof *nn);
    size_t *nl = calloc(cap, sizeof *nl);
    if (!nn || !nl) {
      free(nn);
      free(nl);
      return -1;
    }
    for (size_t i = 0; i < s->cap_names; i++) {
      if (!s->names[i]) continue;
      size_t k = hash_bytes(s->names[i], s->lens[i]) & (cap - 1);
      while (nn[k]) k = (k + 1) & (cap - 1);
      nn[k] = s->names[i];
      nl[k] = s->lens[i];
    }
    free(s->names);
    free(s->lens);
    s->names = nn;
    s->lens = nl;
    s->cap_names = cap;
  }
  size_t k = hash_bytes(name, n) & (s->cap_names - 1);
  for (; s->names[k]; k = (k + 1) & (s->cap_names - 1))
    if (s->lens[k] == n && memcmp(s->names[k], name, n) == 0) return 0;
  s->names[k] = malloc(n + 1);
  if (!s->names[k]) return -1;
  memcpy(s->names[k], name, n);
  s->names[k][n] = '\0';
  s->lens[k] = n;
  s->n_names++;
  return 1;
}

static int seen_key(agg_seen *s, long key) {
  if (2 * (s->n_keys + 1) > s->cap_keys) {
    size_t cap = s->cap_keys ? 2 * s->cap_keys : 64;
    long *nk = malloc(cap * sizeof *nk);
    if (!nk) return -1;
    for (size_t i = 0; i < cap; i++) nk[i] = LONG_MIN;
    for (size_t i = 0; i < s->cap_keys; i++) {
      if (s->keys[i] == LONG_MIN) continue;
      size_t k = hash_bytes((const char *)&s->keys[i], sizeof(long)) & (cap - 1);
      while (nk[k] != LONG_MIN) k = (k + 1) & (cap - 1);
      nk[k] = s->keys[i];
    }
    free(s->keys);
    s->keys = nk;
    s->cap_keys = cap;
  }
  size_t k = hash_bytes((const char *)&key, sizeof key) & (s->cap_keys - 1);
  for (; s->keys[k] != LONG_MIN; k = (k + 1) & (s->cap_keys - 1))
    if (s->keys[k] == key) return 0;
  s->keys[k] = key;
  s->n_keys++;
  return 1;
}

void agg_input_free(job *j) {
  agg_seen *s = j->seen;
  if (!s) return;
  for (size_t i = 0; i < s->cap_names; i++) free(s->names[i]);
  free(s->names);
  free(s->lens);
  free(s->keys);
  free(s);
  j->seen = NULL;
}

int agg_input_setup(job *j) {
  opts *o = &j->o;
  const char *cmd = j->cmd;
  if (o->n_score_types > o->n_scores) {
    msg("%s: --score-type needs --score NAME (the score column)", cmd);
    return EXIT_USAGE;
  }
  j->n_sc = (size_t)o->n_scores;
  for (size_t i = 0; i < j->n_sc; i++) {
    score_in *s = &j->sc[i];
    memset(s, 0, sizeof *s);
    s->name = o->scores[i];
    s->type = VB_SCORE_RATING;
    if ((int)i < o->n_score_types) {
      if (vb_score_type_parse(o->score_types[i], &s->type) || s->type == VB_SCORE_NONE) {
        msg("%s: --score-type takes nps, csat, ces or rating", cmd);
        return EXIT_USAGE;
      }
      s->type_given = true;
    }
    j->ao_types[i] = s->type;
  }
  j->want_scores = j->n_sc > 0;
  memset(&j->ao, 0, sizeof j->ao);
  j->ao.n_scores = j->n_sc;
  j->ao.score_names = o->scores;
  j->ao.score_types = j->ao_types;
  j->ao.by = o->by;
  if (o->period && !o->date) {
    msg("%s: --period needs --date NAME (the date column)", cmd);
    return EXIT_USAGE;
  }
  if (o->date) {
    j->ao.date = o->date;
    j->ao.period = VB_PERIOD_MONTH;
    if (o->period && vb_period_parse(o->period, &j->ao.period)) {
      msg("%s: --period takes day, week, month or quarter", cmd);
      return EXIT_USAGE;
    }
  }
  if (o->drivers && !j->n_sc) {
    msg("%s: --drivers and --driver need --score NAME (the score the drivers explain)", cmd);
    return EXIT_USAGE;
  }
  j->ao.drivers = o->drivers;
  j->ao.n_drivers = (size_t)o->n_driver_cols;
  j->ao.driver_names = o->driver_cols;
  if (o->n_texts > 1) { /* a survey's questions: a table per question as well */
    j->ao.n_questions = (size_t)o->n_texts;
    j->ao.question_names = o->texts;
  }
  j->seen = calloc(1, sizeof *j->seen);
  if (!j->seen) {
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  return EXIT_OK;
}

int agg_input_open(job *j, vb_reader *rd, agg_fields *f) {
  const opts *o = &j->o;
  f->by = f->date = -1;
  for (size_t i = 0; i < VB_AGG_MAX_SCORES; i++) f->score[i] = -1;
  for (size_t i = 0; i < VB_AGG_MAX_DRIVERS; i++) f->driver[i] = -1;
  bool any = j->n_sc || (o->by && strcmp(o->by, ":lang") != 0) || o->date || o->n_driver_cols;
  if (!any) return EXIT_OK;
  if (vb_reader_format(rd) == VB_FORMAT_TXT) {
    msg("plain text has no %s column", j->n_sc ? "score" : o->by ? "segment" : o->date ? "date"
                                                                                   : "driver");
    return EXIT_USAGE;
  }
  int rc = EXIT_OK;
  for (size_t i = 0; rc == EXIT_OK && i < j->n_sc; i++)
    rc = reader_field_or_say(rd, j->sc[i].name, &f->score[i]);
  if (rc == EXIT_OK && o->by && strcmp(o->by, ":lang") != 0)
    rc = reader_field_or_say(rd, o->by, &f->by);
  if (rc == EXIT_OK && o->date) rc = reader_field_or_say(rd, o->date, &f->date);
  for (int i = 0; rc == EXIT_OK && i < o->n_driver_cols; i++)
    rc = reader_field_or_say(rd, o->driver_cols[i], &f->driver[i]);
  if (rc) j->problems++;
  return rc;
}

static const char *scale_text(vb_score_type t) {
  switch (t) {
  case VB_SCORE_NPS: return "whole numbers 0-10";
  case VB_SCORE_CSAT: return "whole numbers 1-5";
  case VB_SCORE_CES: return "whole numbers 1-7";
  default: return "finite numbers";
  }
}

int agg_input_read(job *j, vb_reader *rd, const agg_fields *f, const char *file, long line,
                   agg_vals *v) {
  memset(v, 0, sizeof *v);
  for (size_t i = 0; i < j->n_sc; i++) {
    score_in *s = &j->sc[i];
    vb_value *val = &v->scores[i];
    size_t sl = 0;
    const char *sv = vb_reader_get(rd, f->score[i], &sl);
    double x = NAN;
    int prc = sv ? vb_parse_number(sv, sl, &x) : VB_ENOTFOUND;
    int w = (int)(sl > 40 ? 40 : sl);
    char col[96] = "";
    if (j->n_sc > 1) snprintf(col, sizeof col, " in column '%.60s'", s->name);
    val->status = VB_VALUE_MISSING;
    if (prc == VB_OK) {
      if (s->type_given && !vb_score_valid(s->type, x)) {
        job_problem(j, file, line, "score '%.*s'%s is outside the %s scale (%s); counted as missing",
                w, sv, col, vb_score_type_name(s->type), scale_text(s->type));
        val->status = VB_VALUE_BAD;
      } else if (!vb_score_valid(VB_SCORE_RATING, x)) {
        job_problem(j, file, line, "score '%.*s'%s is not a usable number", w, sv, col);
        val->status = VB_VALUE_BAD;
      } else {
        val->status = VB_VALUE_OK;
        val->v = x;
      }
    } else if (prc == VB_EPARSE) {
      job_problem(j, file, line, "score '%.*s'%s is not a number; counted as missing", w, sv, col);
      val->status = VB_VALUE_BAD;
    }
    if (val->status == VB_VALUE_OK) {
      if (!s->any || x < s->smin) s->smin = x;
      if (!s->any || x > s->smax) s->smax = x;
      s->any = true;
    } else {
      s->missing++;
      if (val->status == VB_VALUE_BAD) s->bad++;
    }
  }
  if (f->by >= 0) {
    v->seg = vb_reader_get(rd, f->by, &v->seg_len);
    if (!v->seg || v->seg_len == 0) {
      v->seg = "(none)";
      v->seg_len = 6;
    }
    if (v->seg_len > 200) v->seg_len = 200; /* as the aggregate keeps it (at a character) */
    while (v->seg_len > 0 && v->seg_len < 200 && ((unsigned char)v->seg[v->seg_len] & 0xC0) == 0x80)
      v->seg_len--;
    int nw = seen_name(j->seen, v->seg, v->seg_len);
    if (nw < 0) {
      msg("out of memory");
      return EXIT_INTERNAL;
    }
    if (nw && j->seen->n_names > VB_AGG_MAX_SEGMENTS) {
      job_problem(j, file, line, "column '%s' has more than %d distinct values: --by takes a "
              "category (channel, country, product ...)", j->o.by, VB_AGG_MAX_SEGMENTS);
      return EXIT_USAGE;
    }
  }
  if (f->date >= 0) {
    size_t dl = 0;
    const char *dv = vb_reader_get(rd, f->date, &dl);
    long days;
    if (dv && dl > 0 && vb_date_parse(dv, dl, &days) == VB_OK) {
      v->has_date = true;
      v->date = days;
      int nw = seen_key(j->seen, vb_period_key(j->ao.period, days));
      if (nw < 0) {
        msg("out of memory");
        return EXIT_INTERNAL;
      }
      if (nw && j->seen->n_keys > VB_AGG_MAX_PERIODS) {
        job_problem(j, file, line, "the dates span more than %d periods: take a longer --period",
                VB_AGG_MAX_PERIODS);
        return EXIT_USAGE;
      }
    } else {
      j->undated++;
      if (dv && dl > 0) {
        job_problem(j, file, line, "date '%.*s' is not a date (YYYY-MM-DD, DD.MM.YYYY ...); the "
                "record is in no period", (int)(dl > 40 ? 40 : dl), dv);
        j->bad_date++;
      }
    }
  }
  for (int i = 0; i < j->o.n_driver_cols; i++) {
    size_t xl = 0;
    const char *xv = vb_reader_get(rd, f->driver[i], &xl);
    double x;
    int prc = xv ? vb_parse_number(xv, xl, &x) : VB_ENOTFOUND;
    if (prc == VB_OK && fabs(x) < 1e12) {
      v->drivers[i].status = VB_VALUE_OK;
      v->drivers[i].v = x;
    } else if (prc != VB_ENOTFOUND && xl > 0) {
      job_problem(j, file, line, "driver '%s' value '%.*s' is not a usable number", j->o.driver_cols[i],
              (int)(xl > 40 ? 40 : xl), xv);
      v->drivers[i].status = VB_VALUE_BAD;
      j->bad_driver++;
    }
  }
  return EXIT_OK;
}

void agg_input_record(const agg_vals *v, const char *seg, vb_agg_record *rec) {
  rec->scores = v->scores;
  rec->drivers = v->drivers;
  rec->segment = seg;
  rec->segment_len = seg ? v->seg_len : 0;
  rec->has_date = v->has_date;
  rec->date = v->date;
}

void agg_input_finish(job *j) {
  for (size_t i = 0; i < j->n_sc; i++) {
    score_in *s = &j->sc[i];
    if (s->type_given) continue;
    vb_score_type t = s->any ? vb_score_type_guess(s->smin, s->smax) : VB_SCORE_RATING;
    if (!j->o.quiet && s->any) {
      if (j->n_sc > 1)
        msg("score type of '%s' guessed as %s from the values %g to %g (set it with --score-type)",
            s->name, vb_score_type_name(t), s->smin, s->smax);
      else
        msg("score type guessed as %s from the values %g to %g (set it with --score-type)",
            vb_score_type_name(t), s->smin, s->smax);
    }
    /* a guess always fits its range; fall back to a plain rating */
    if (vb_agg_set_score_type_at(j->agg, i, t)) vb_agg_set_score_type_at(j->agg, i, VB_SCORE_RATING);
    s->type = vb_agg_score_type_at(j->agg, i);
  }
}

void agg_input_summary(const job *j) {
  for (size_t i = 0; i < j->n_sc; i++) {
    const score_in *s = &j->sc[i];
    fprintf(stderr, "; scores%s%s%s: %zu valid, %zu missing (%zu of them unreadable or out of range)",
            j->n_sc > 1 ? " '" : "", j->n_sc > 1 ? s->name : "", j->n_sc > 1 ? "'" : "",
            j->records - s->missing, s->missing, s->bad);
  }
  if (j->o.date)
    fprintf(stderr, "; %zu without a date (%zu unreadable)", j->undated, j->bad_date);
  if (j->bad_driver) fprintf(stderr, "; %zu unreadable driver values", j->bad_driver);
}
