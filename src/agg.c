/*
 * agg.c - the aggregate of analysed records: what root-cause tables are computed from.
 *
 * Everything kept is a count or a histogram of scores in thousandths (integers), never a
 * running floating-point sum, so that merging the aggregates of the parts of a file gives
 * exactly, bit for bit, the aggregate of the whole, in any order: addition of integers is
 * associative, addition of doubles is not. The table is computed from the histograms in one
 * fixed order. A parent theme counts a record once when the record mentions it or any child.
 *
 * The state file (vb_agg_save) is line-oriented text, versioned, and read back with every
 * number and count checked: state files come from other machines and are untrusted.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "vb_model.h"
#include "vb_stats.h"

typedef struct agg_theme {
  uint64_t n;        /* records mentioning the theme or a child */
  uint64_t neg, pos; /* of those, records where a mention sits in a negative/positive clause */
  vb__hist hist;     /* scores of the scored ones */
} agg_theme;

struct vb_agg {
  const vb_model *model;
  vb_score_type type;
  size_t n_themes;
  uint64_t records, analysed, errors, missing;
  uint64_t by_lang[VB_LANG_COUNT];
  uint64_t sent[3]; /* neg, neu, pos */
  vb__hist hist;
  agg_theme *themes;
  uint32_t *stamp;  /* per theme: the record that last counted it */
  uint32_t *stamp_neg, *stamp_pos;
  uint32_t cur;
};

const char *vb_score_type_name(vb_score_type type) {
  static const char *const names[] = {"none", "nps", "csat", "ces", "rating"};
  return (type >= VB_SCORE_NONE && type <= VB_SCORE_RATING) ? names[type] : "none";
}

int vb_score_type_parse(const char *name, vb_score_type *out) {
  for (int t = VB_SCORE_NONE; t <= VB_SCORE_RATING; t++)
    if (name && vb__strieq(name, vb_score_type_name((vb_score_type)t))) {
      *out = (vb_score_type)t;
      return VB_OK;
    }
  return VB_EINVAL;
}

vb_score_type vb_score_type_guess(double min, double max) {
  if (!(min <= max)) return VB_SCORE_RATING;
  if (min >= 0 && max <= 10 && max > 7) return VB_SCORE_NPS;
  if (min >= 1 && max <= 5) return VB_SCORE_CSAT;
  if (min >= 1 && max <= 7) return VB_SCORE_CES;
  return VB_SCORE_RATING;
}

int vb_score_valid(vb_score_type type, double v) {
  if (!isfinite(v)) return 0;
  switch (type) {
  case VB_SCORE_NPS: return v >= 0 && v <= 10 && v == floor(v);
  case VB_SCORE_CSAT: return v >= 1 && v <= 5 && v == floor(v);
  case VB_SCORE_CES: return v >= 1 && v <= 7 && v == floor(v);
  case VB_SCORE_RATING: return fabs(v) < 1e12;
  default: return 1;
  }
}

int vb_agg_new(const vb_model *model, vb_score_type type, vb_agg **out) {
  if (!model || !out) return VB_EINVAL;
  vb_agg *a = vb__calloc(1, sizeof *a);
  if (!a) return VB_ENOMEM;
  a->model = model;
  a->type = type;
  a->n_themes = model->n_themes;
  size_t n = a->n_themes ? a->n_themes : 1;
  a->themes = vb__calloc(n, sizeof *a->themes);
  a->stamp = vb__calloc(n, sizeof *a->stamp);
  a->stamp_neg = vb__calloc(n, sizeof *a->stamp_neg);
  a->stamp_pos = vb__calloc(n, sizeof *a->stamp_pos);
  if (!a->themes || !a->stamp || !a->stamp_neg || !a->stamp_pos) {
    vb_agg_free(a);
    return VB_ENOMEM;
  }
  *out = a;
  return VB_OK;
}

void vb_agg_free(vb_agg *a) {
  if (!a) return;
  if (a->themes)
    for (size_t i = 0; i < a->n_themes; i++) vb__hist_free(&a->themes[i].hist);
  vb__free(a->themes);
  vb__free(a->stamp);
  vb__free(a->stamp_neg);
  vb__free(a->stamp_pos);
  vb__hist_free(&a->hist);
  vb__free(a);
}

static int64_t milli(double v) { return (int64_t)llround(v * 1000.0); }

int vb_agg_add(vb_agg *a, const vb_result *r, int has_score, double score) {
  if (!a) return VB_EINVAL;
  if (has_score && !vb_score_valid(a->type, score)) return VB_EINVAL;
  a->records++;
  if (!r) {
    a->errors++;
    return VB_OK;
  }
  a->analysed++;
  vb_lang lang = vb_result_lang(r);
  a->by_lang[(lang >= 0 && lang < VB_LANG_COUNT) ? lang : 0]++;
  const vb_sentiment *s = vb_result_sentiment(r);
  a->sent[s->label + 1]++;
  bool scored = has_score && a->type != VB_SCORE_NONE;
  if (scored) {
    if (vb__hist_add(&a->hist, milli(score), 1)) return VB_ENOMEM;
  } else {
    a->missing++;
  }
  if (++a->cur == 0) { /* wrapped: clear the stamps */
    memset(a->stamp, 0, a->n_themes * sizeof *a->stamp);
    memset(a->stamp_neg, 0, a->n_themes * sizeof *a->stamp_neg);
    memset(a->stamp_pos, 0, a->n_themes * sizeof *a->stamp_pos);
    a->cur = 1;
  }
  const vb_mention *m;
  size_t nm = vb_result_mentions(r, &m);
  for (size_t i = 0; i < nm; i++) {
    for (long t = (long)m[i].theme; t >= 0 && (size_t)t < a->n_themes;
         t = a->model->themes[t].parent) {
      agg_theme *th = &a->themes[t];
      if (a->stamp[t] != a->cur) {
        a->stamp[t] = a->cur;
        th->n++;
        if (scored && vb__hist_add(&th->hist, milli(score), 1)) return VB_ENOMEM;
      }
      if (m[i].sentiment <= -0.05 && a->stamp_neg[t] != a->cur) {
        a->stamp_neg[t] = a->cur;
        th->neg++;
      }
      if (m[i].sentiment >= 0.05 && a->stamp_pos[t] != a->cur) {
        a->stamp_pos[t] = a->cur;
        th->pos++;
      }
    }
  }
  return VB_OK;
}

int vb_agg_set_score_type(vb_agg *a, vb_score_type type) {
  if (!a) return VB_EINVAL;
  for (size_t i = 0; i < a->hist.n; i++)
    if (!vb_score_valid(type, (double)a->hist.bins[i].value / 1000.0)) return VB_EINVAL;
  a->type = type;
  return VB_OK;
}

vb_score_type vb_agg_score_type(const vb_agg *a) { return a ? a->type : VB_SCORE_NONE; }

static int same_shape(const vb_agg *a, const vb_agg *b) {
  if (a->type != b->type || a->n_themes != b->n_themes) return 0;
  for (size_t i = 0; i < a->n_themes; i++)
    if (strcmp(a->model->themes[i].id, b->model->themes[i].id) != 0) return 0;
  return 1;
}

int vb_agg_merge(vb_agg *into, const vb_agg *from) {
  if (!into || !from) return VB_EINVAL;
  if (!same_shape(into, from)) return VB_EMISMATCH;
  into->records += from->records;
  into->analysed += from->analysed;
  into->errors += from->errors;
  into->missing += from->missing;
  for (int l = 0; l < VB_LANG_COUNT; l++) into->by_lang[l] += from->by_lang[l];
  for (int k = 0; k < 3; k++) into->sent[k] += from->sent[k];
  if (vb__hist_merge(&into->hist, &from->hist)) return VB_ENOMEM;
  for (size_t i = 0; i < into->n_themes; i++) {
    agg_theme *a = &into->themes[i];
    const agg_theme *b = &from->themes[i];
    a->n += b->n;
    a->neg += b->neg;
    a->pos += b->pos;
    if (vb__hist_merge(&a->hist, &b->hist)) return VB_ENOMEM;
  }
  return VB_OK;
}

/* ---- state files ---- */

static int put_hist(vb__buf *b, const vb__hist *h) {
  int rc = vb__buf_printf(b, " %zu", h->n);
  for (size_t i = 0; rc == VB_OK && i < h->n; i++)
    rc = vb__buf_printf(b, " %" PRId64 ":%" PRIu64, h->bins[i].value, h->bins[i].count);
  return rc ? rc : vb__buf_putc(b, '\n');
}

int vb_agg_save(const vb_agg *a, char **out, size_t *len) {
  if (!a || !out) return VB_EINVAL;
  vb__buf b = {0};
  int rc = vb__buf_printf(&b, "verbatim-state 1\ntype %s\nthemes %zu\n",
                          vb_score_type_name(a->type), a->n_themes);
  for (size_t i = 0; rc == VB_OK && i < a->n_themes; i++)
    rc = vb__buf_printf(&b, "theme %s\n", a->model->themes[i].id);
  if (rc == VB_OK)
    rc = vb__buf_printf(&b, "counts %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
                        a->records, a->analysed, a->errors, a->missing);
  if (rc == VB_OK)
    rc = vb__buf_printf(&b, "langs %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
                        a->by_lang[0], a->by_lang[1], a->by_lang[2], a->by_lang[3], a->by_lang[4]);
  if (rc == VB_OK)
    rc = vb__buf_printf(&b, "sentiment %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", a->sent[0],
                        a->sent[1], a->sent[2]);
  if (rc == VB_OK) rc = vb__buf_printf(&b, "scores");
  if (rc == VB_OK) rc = put_hist(&b, &a->hist);
  for (size_t i = 0; rc == VB_OK && i < a->n_themes; i++) {
    const agg_theme *t = &a->themes[i];
    if (t->n == 0) continue;
    rc = vb__buf_printf(&b, "t %zu %" PRIu64 " %" PRIu64 " %" PRIu64, i, t->n, t->neg, t->pos);
    if (rc == VB_OK) rc = put_hist(&b, &t->hist);
  }
  if (rc == VB_OK) rc = vb__buf_printf(&b, "end\n");
  if (rc) {
    vb__buf_free(&b);
    return rc;
  }
  *out = b.data;
  if (len) *len = b.len;
  return VB_OK;
}

typedef struct {
  const char *p, *end;
  long line;
} cursor;

/* The next line as a NUL-terminated copy in `line` (at most cap - 1 bytes). */
static bool next_line(cursor *c, char *line, size_t cap) {
  if (c->p >= c->end) return false;
  const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
  size_t n = nl ? (size_t)(nl - c->p) : (size_t)(c->end - c->p);
  c->line++;
  if (n >= cap || memchr(c->p, '\0', n)) {
    c->p = c->end;
    line[0] = '\x01'; /* too long or binary: will not parse */
    line[1] = '\0';
    return true;
  }
  memcpy(line, c->p, n);
  line[n] = '\0';
  c->p = nl ? nl + 1 : c->end;
  return true;
}

static bool parse_u64(const char **s, uint64_t *out) {
  const char *p = *s;
  while (*p == ' ') p++;
  if (!vb__ascii_digit(*p)) return false;
  uint64_t v = 0;
  while (vb__ascii_digit(*p)) {
    uint64_t d = (uint64_t)(*p - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
    p++;
  }
  *out = v;
  *s = p;
  return true;
}

static bool parse_i64(const char **s, int64_t *out) {
  const char *p = *s;
  while (*p == ' ') p++;
  bool neg = *p == '-';
  if (neg) p++;
  uint64_t v;
  if (!parse_u64(&p, &v) || v > (uint64_t)INT64_MAX) return false;
  *out = neg ? -(int64_t)v : (int64_t)v;
  *s = p;
  return true;
}

static bool at_end(const char *s) {
  while (*s == ' ') s++;
  return *s == '\0';
}

static int parse_hist(const char *s, vb__hist *h, uint64_t *total) {
  uint64_t n;
  if (!parse_u64(&s, &n) || n > 1000000) return VB_EPARSE;
  int64_t prev = INT64_MIN;
  *total = 0;
  for (uint64_t i = 0; i < n; i++) {
    int64_t v;
    uint64_t c;
    if (!parse_i64(&s, &v) || *s++ != ':' || !parse_u64(&s, &c) || c == 0 || v <= prev)
      return VB_EPARSE;
    if (*total > UINT64_MAX - c) return VB_EPARSE;
    *total += c;
    prev = v;
    if (vb__hist_add(h, v, c)) return VB_ENOMEM;
  }
  return at_end(s) ? VB_OK : VB_EPARSE;
}

#define BAD(msg) do { rc = vb__error_set(err, VB_EPARSE, NULL, c.line, 0, "%s", msg); goto fail; } while (0)

int vb_agg_load(const vb_model *model, const char *buf, size_t len, vb_agg **out,
                vb_error *err) {
  if (!model || !buf || !out) return VB_EINVAL;
  *out = NULL;
  cursor c = {buf, buf + len, 0};
  char line[1 << 16];
  vb_agg *a = NULL;
  int rc = VB_OK;
  uint64_t n_themes;
  const char *s;
  if (!next_line(&c, line, sizeof line) || strcmp(line, "verbatim-state 1") != 0)
    BAD("not a verbatim state file (version 1)");
  if (!next_line(&c, line, sizeof line) || strncmp(line, "type ", 5) != 0) BAD("expected 'type'");
  vb_score_type type;
  if (vb_score_type_parse(line + 5, &type)) BAD("unknown score type");
  if ((rc = vb_agg_new(model, type, &a))) goto fail;
  s = line + 7;
  if (!next_line(&c, line, sizeof line) || strncmp(line, "themes ", 7) != 0 ||
      !(s = line + 7, parse_u64(&s, &n_themes)) || !at_end(s))
    BAD("expected 'themes N'");
  if (n_themes != model->n_themes) {
    rc = vb__error_set(err, VB_EMISMATCH, NULL, c.line, 0,
                       "the state has %" PRIu64 " themes, the codebook in use has %zu: made "
                       "with another codebook", n_themes, model->n_themes);
    goto fail;
  }
  for (size_t i = 0; i < model->n_themes; i++) {
    if (!next_line(&c, line, sizeof line) || strncmp(line, "theme ", 6) != 0) BAD("expected 'theme ID'");
    if (strcmp(line + 6, model->themes[i].id) != 0) {
      rc = vb__error_set(err, VB_EMISMATCH, NULL, c.line, 0,
                         "theme '%s' where the codebook in use has '%s': made with another "
                         "codebook", line + 6, model->themes[i].id);
      goto fail;
    }
  }
  if (!next_line(&c, line, sizeof line) || strncmp(line, "counts ", 7) != 0) BAD("expected 'counts'");
  s = line + 7;
  if (!parse_u64(&s, &a->records) || !parse_u64(&s, &a->analysed) || !parse_u64(&s, &a->errors) ||
      !parse_u64(&s, &a->missing) || !at_end(s) || a->analysed + a->errors != a->records ||
      a->missing > a->records)
    BAD("bad 'counts' line");
  if (!next_line(&c, line, sizeof line) || strncmp(line, "langs ", 6) != 0) BAD("expected 'langs'");
  s = line + 6;
  uint64_t lang_total = 0;
  for (int l = 0; l < VB_LANG_COUNT; l++) {
    if (!parse_u64(&s, &a->by_lang[l])) BAD("bad 'langs' line");
    lang_total += a->by_lang[l];
  }
  if (!at_end(s) || lang_total != a->analysed) BAD("bad 'langs' line");
  if (!next_line(&c, line, sizeof line) || strncmp(line, "sentiment ", 10) != 0) BAD("expected 'sentiment'");
  s = line + 10;
  if (!parse_u64(&s, &a->sent[0]) || !parse_u64(&s, &a->sent[1]) || !parse_u64(&s, &a->sent[2]) ||
      !at_end(s) || a->sent[0] + a->sent[1] + a->sent[2] != a->analysed)
    BAD("bad 'sentiment' line");
  if (!next_line(&c, line, sizeof line) || strncmp(line, "scores ", 7) != 0) BAD("expected 'scores'");
  uint64_t scored;
  if ((rc = parse_hist(line + 7, &a->hist, &scored))) BAD("bad 'scores' line");
  if (scored + a->missing != a->analysed) BAD("score counts do not add up");
  for (size_t i = 0; i < a->hist.n; i++)
    if (!vb_score_valid(type, (double)a->hist.bins[i].value / 1000.0)) BAD("score out of range");
  long last = -1;
  for (;;) {
    if (!next_line(&c, line, sizeof line)) BAD("missing 'end'");
    if (strcmp(line, "end") == 0) break;
    if (strncmp(line, "t ", 2) != 0) BAD("expected 't' or 'end'");
    s = line + 2;
    uint64_t idx, n, neg, pos;
    if (!parse_u64(&s, &idx) || idx >= model->n_themes || (long)idx <= last ||
        !parse_u64(&s, &n) || !parse_u64(&s, &neg) || !parse_u64(&s, &pos) || n > a->analysed ||
        neg > n || pos > n)
      BAD("bad theme line");
    last = (long)idx;
    agg_theme *t = &a->themes[idx];
    t->n = n;
    t->neg = neg;
    t->pos = pos;
    uint64_t tot;
    if ((rc = parse_hist(s, &t->hist, &tot))) BAD("bad theme histogram");
    if (tot > n) BAD("theme counts do not add up");
    /* every theme score must also be among all the scores */
    for (size_t k = 0; k < t->hist.n; k++)
      if (vb__hist_count_range(&a->hist, (double)t->hist.bins[k].value / 1000.0,
                               (double)t->hist.bins[k].value / 1000.0) < t->hist.bins[k].count)
        rc = VB_EPARSE;
    if (rc) BAD("theme scores not among all scores");
  }
  if (c.p < c.end) BAD("text after 'end'");
  /* A record that mentions a child theme counts for its parent too: a parent can never have
   * fewer records, or miss a score, that a child has. */
  for (size_t i = 0; i < a->n_themes; i++) {
    long par = model->themes[i].parent;
    if (par < 0) continue;
    const agg_theme *ch = &a->themes[i], *pa = &a->themes[par];
    if (ch->n > pa->n || ch->neg > pa->neg || ch->pos > pa->pos) BAD("a theme counts more than its parent");
    for (size_t k = 0; k < ch->hist.n; k++)
      if (vb__hist_count_range(&pa->hist, (double)ch->hist.bins[k].value / 1000.0,
                               (double)ch->hist.bins[k].value / 1000.0) < ch->hist.bins[k].count)
        BAD("a theme's scores are not among its parent's");
  }
  *out = a;
  return VB_OK;
fail:
  vb_agg_free(a);
  if (err && err->code == 0) vb__error_set(err, rc, NULL, c.line, 0, "%s", vb_strerror(rc));
  return rc;
}

/* ---- the table ---- */

static void summarise(vb_score_type type, const vb__hist *h, vb_score_summary *s) {
  memset(s, 0, sizeof *s);
  uint64_t n = vb__hist_n(h);
  s->n = (size_t)n;
  double mean, var;
  vb__hist_moments(h, &mean, &var);
  s->mean = mean;
  s->value = s->ci_low = s->ci_high = NAN;
  if (n == 0) {
    s->top = s->middle = s->bottom = NAN;
    return;
  }
  double nn = (double)n;
  switch (type) {
  case VB_SCORE_NPS: {
    uint64_t p = vb__hist_count_range(h, 9, 10), d = vb__hist_count_range(h, 0, 6);
    vb__nps(p, d, n, &s->value, &s->ci_low, &s->ci_high);
    s->top = (double)p / nn;
    s->bottom = (double)d / nn;
    s->middle = 1 - s->top - s->bottom;
    break;
  }
  case VB_SCORE_CSAT: {
    uint64_t t = vb__hist_count_range(h, 4, 5), b = vb__hist_count_range(h, 1, 2);
    s->value = 100.0 * (double)t / nn;
    vb__wilson(t, n, &s->ci_low, &s->ci_high);
    s->ci_low *= 100;
    s->ci_high *= 100;
    s->top = (double)t / nn;
    s->bottom = (double)b / nn;
    s->middle = 1 - s->top - s->bottom;
    break;
  }
  case VB_SCORE_CES:
  case VB_SCORE_RATING:
  default: {
    s->value = mean;
    double half = n > 1 ? VB_Z95 * sqrt(var / nn) : NAN;
    s->ci_low = mean - half;
    s->ci_high = mean + half;
    if (type == VB_SCORE_CES) {
      uint64_t t = vb__hist_count_range(h, 5, 7), b = vb__hist_count_range(h, 1, 3);
      s->top = (double)t / nn;
      s->bottom = (double)b / nn;
      s->middle = 1 - s->top - s->bottom;
    } else {
      s->top = s->middle = s->bottom = NAN;
    }
    break;
  }
  }
}

/* Significance of mentioners against non-mentioners. */
static double significance(vb_score_type type, const vb__hist *with, const vb__hist *without) {
  uint64_t n1 = vb__hist_n(with), n2 = vb__hist_n(without);
  if (n1 < 2 || n2 < 2) return NAN;
  if (type == VB_SCORE_NPS) {
    uint64_t p1 = vb__hist_count_range(with, 9, 10), d1 = vb__hist_count_range(with, 0, 6);
    uint64_t p2 = vb__hist_count_range(without, 9, 10), d2 = vb__hist_count_range(without, 0, 6);
    /* Standard errors from the adjusted-Wald shares (3/4 promoter, 3/4 detractor, 3
     * responses added), so that a small group of only detractors does not get a standard
     * error of zero and an absurdly small p. */
    double se1 = vb__nps_se_adjusted(p1, d1, n1), se2 = vb__nps_se_adjusted(p2, d2, n2);
    double nps1 = 100.0 * ((double)p1 - (double)d1) / (double)n1;
    double nps2 = 100.0 * ((double)p2 - (double)d2) / (double)n2;
    double se = sqrt(se1 * se1 + se2 * se2);
    if (se == 0) return nps1 == nps2 ? 1.0 : 0.0;
    return vb__p_normal((nps1 - nps2) / se);
  }
  if (type == VB_SCORE_CSAT)
    return vb__two_prop_p(vb__hist_count_range(with, 4, 5), n1,
                          vb__hist_count_range(without, 4, 5), n2);
  double m1, v1, m2, v2;
  vb__hist_moments(with, &m1, &v1);
  vb__hist_moments(without, &m2, &v2);
  return vb__welch_p(m1, v1, (double)n1, m2, v2, (double)n2);
}

static int cmp_rows(const void *a, const void *b) {
  const vb_theme_row *x = a, *y = b;
  double ix = isnan(x->impact) ? 0 : x->impact, iy = isnan(y->impact) ? 0 : y->impact;
  if (ix < iy) return -1;
  if (ix > iy) return 1;
  if (x->n != y->n) return x->n > y->n ? -1 : 1;
  return x->theme < y->theme ? -1 : (x->theme > y->theme);
}

#define VB_TOO_FEW 20 /* fewer scored mentions than this: too few to conclude */

int vb_agg_table(const vb_agg *a, vb_table **out) {
  if (!a || !out) return VB_EINVAL;
  vb_table *t = vb__calloc(1, sizeof *t);
  if (!t) return VB_ENOMEM;
  t->type = a->type;
  t->records = (size_t)a->records;
  t->analysed = (size_t)a->analysed;
  t->errors = (size_t)a->errors;
  t->missing_score = (size_t)a->missing;
  for (int l = 0; l < VB_LANG_COUNT; l++) t->by_lang[l] = (size_t)a->by_lang[l];
  t->sent_neg = (size_t)a->sent[0];
  t->sent_neu = (size_t)a->sent[1];
  t->sent_pos = (size_t)a->sent[2];
  summarise(a->type, &a->hist, &t->score);
  /* distribution */
  int lo = 0, hi = -1;
  if (a->type == VB_SCORE_NPS) { lo = 0; hi = 10; }
  else if (a->type == VB_SCORE_CSAT) { lo = 1; hi = 5; }
  else if (a->type == VB_SCORE_CES) { lo = 1; hi = 7; }
  if (hi >= lo) {
    for (int v = lo; v <= hi; v++) {
      t->dist_value[t->dist_n] = v;
      t->dist_count[t->dist_n++] = (size_t)vb__hist_count_range(&a->hist, v, v);
    }
  } else if (a->hist.n <= 16) {
    for (size_t i = 0; i < a->hist.n; i++) {
      t->dist_value[t->dist_n] = (double)a->hist.bins[i].value / 1000.0;
      t->dist_count[t->dist_n++] = (size_t)a->hist.bins[i].count;
    }
  }
  size_t n_rows = 0;
  for (size_t i = 0; i < a->n_themes; i++)
    if (a->themes[i].n) n_rows++;
  t->rows = vb__calloc(n_rows ? n_rows : 1, sizeof *t->rows);
  double *p = vb__calloc(n_rows ? n_rows : 1, sizeof *p), *q = vb__calloc(n_rows ? n_rows : 1, sizeof *q);
  vb__hist without = {0};
  if (!t->rows || !p || !q) goto oom;
  for (size_t i = 0; i < a->n_themes; i++) {
    const agg_theme *th = &a->themes[i];
    if (!th->n) continue;
    vb_theme_row *r = &t->rows[t->n_rows];
    r->theme = i;
    r->n = (size_t)th->n;
    r->prevalence = a->analysed ? (double)th->n / (double)a->analysed : NAN;
    vb__wilson(th->n, a->analysed, &r->prev_low, &r->prev_high);
    summarise(a->type, &th->hist, &r->with);
    if (vb__hist_sub(&without, &a->hist, &th->hist)) goto oom;
    summarise(a->type, &without, &r->without);
    r->impact = (a->type == VB_SCORE_NONE || r->without.n == 0) ? NAN
                                                                : t->score.value - r->without.value;
    r->p = a->type == VB_SCORE_NONE ? NAN : significance(a->type, &th->hist, &without);
    r->neg_share = (double)th->neg / (double)th->n;
    r->too_few = r->with.n < VB_TOO_FEW;
    p[t->n_rows] = r->p;
    t->n_rows++;
  }
  if (vb__bh(p, q, t->n_rows)) goto oom;
  for (size_t i = 0; i < t->n_rows; i++) t->rows[i].q = q[i];
  qsort(t->rows, t->n_rows, sizeof *t->rows, cmp_rows);
  vb__hist_free(&without);
  vb__free(p);
  vb__free(q);
  *out = t;
  return VB_OK;
oom:
  vb__hist_free(&without);
  vb__free(p);
  vb__free(q);
  vb_table_free(t);
  return VB_ENOMEM;
}

void vb_table_free(vb_table *t) {
  if (!t) return;
  vb__free(t->rows);
  vb__free(t);
}
