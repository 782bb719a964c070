/*
 * agg_table.c - the root-cause table computed from an aggregate (vb_agg_table).
 *
 * Every number comes from the integer counts and histograms of the aggregate in one fixed
 * order (themes in codebook order, segments by name, periods by time, sets of themes by their
 * bits), so the table of a merged aggregate is the table of the whole to the last bit.
 *
 * Per theme: prevalence with a Wilson interval; the score among mentioners and among the rest;
 * impact = score(all) - score(rest) (Thematic's definition, equal to Qualtrics' NPS impact
 * n (NPS_theme - NPS_all) / (N - n)); the p of mentioners against the rest (NPS: z on the
 * difference of two NPS with adjusted-Wald standard errors, or the Fisher-Freeman-Halton exact
 * test on promoters/passives/detractors when an expected count is below 5; CSAT: two-proportion
 * z or Fisher's exact test; CES and ratings: Welch's t); q by Benjamini-Hochberg across themes;
 * and a verdict in the common/rare x severe/mild grid.
 */
#include <math.h>
#include <stdlib.h>

#include "vb_agg.h"

#define VB_TOO_FEW 20       /* fewer scored mentions than this: too few to conclude */
#define VB_COMMON 0.10      /* prevalence from which a theme is common */
#define VB_SEVERE_GAP 0.10  /* a gap of a tenth of the scale's span is large */

/* ---- score summaries and tests ---- */

static void summarise(vb_score_type type, const vb__hist *h, vb_score_summary *s) {
  memset(s, 0, sizeof *s);
  uint64_t n = vb__hist_n(h);
  s->n = (size_t)n;
  double mean, var;
  vb__hist_moments(h, &mean, &var);
  s->mean = mean;
  s->value = s->ci_low = s->ci_high = NAN;
  s->top = s->middle = s->bottom = NAN;
  if (n == 0) return;
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
  case VB_SCORE_RATING: {
    s->value = mean;
    double half = n > 1 ? VB_Z95 * sqrt(var / nn) : NAN;
    s->ci_low = mean - half;
    s->ci_high = mean + half;
    if (type == VB_SCORE_CES) {
      uint64_t t = vb__hist_count_range(h, 5, 7), b = vb__hist_count_range(h, 1, 3);
      s->top = (double)t / nn;
      s->bottom = (double)b / nn;
      s->middle = 1 - s->top - s->bottom;
    }
    break;
  }
  default:
    s->value = s->ci_low = s->ci_high = NAN;
    break;
  }
}

/* True when a cell of the table rows x columns would be expected below 5 under independence. */
static bool small_expected(const uint64_t *r, size_t nr, const uint64_t *c, size_t nc) {
  double n = 0;
  for (size_t i = 0; i < nr; i++) n += (double)r[i];
  for (size_t i = 0; i < nr; i++)
    for (size_t k = 0; k < nc; k++)
      if ((double)r[i] * (double)c[k] / n < 5) return true;
  return false;
}

/* p of group 1 against group 2 and the test used. */
static double significance(vb_score_type type, const vb__hist *g1, const vb__hist *g2, int *test) {
  uint64_t n1 = vb__hist_n(g1), n2 = vb__hist_n(g2);
  *test = VB_TEST_NONE;
  if (n1 < 2 || n2 < 2) return NAN;
  if (type == VB_SCORE_NPS) {
    uint64_t x[3] = {vb__hist_count_range(g1, 9, 10), vb__hist_count_range(g1, 7, 8),
                     vb__hist_count_range(g1, 0, 6)};
    uint64_t y[3] = {vb__hist_count_range(g2, 9, 10), vb__hist_count_range(g2, 7, 8),
                     vb__hist_count_range(g2, 0, 6)};
    uint64_t rows[2] = {n1, n2}, cols[3] = {x[0] + y[0], x[1] + y[1], x[2] + y[2]};
    if (small_expected(rows, 2, cols, 3)) {
      double p = vb__fisher_2x3(x, y);
      if (!isnan(p)) {
        *test = VB_TEST_EXACT_2X3;
        return p;
      }
    }
    /* Standard errors from the adjusted-Wald shares, so that a small group of only
     * detractors does not get a standard error of zero. */
    double se1 = vb__nps_se_adjusted(x[0], x[2], n1), se2 = vb__nps_se_adjusted(y[0], y[2], n2);
    double nps1 = 100.0 * ((double)x[0] - (double)x[2]) / (double)n1;
    double nps2 = 100.0 * ((double)y[0] - (double)y[2]) / (double)n2;
    double se = sqrt(se1 * se1 + se2 * se2);
    *test = VB_TEST_NPS_Z;
    if (se == 0) return nps1 == nps2 ? 1.0 : 0.0;
    return vb__p_normal((nps1 - nps2) / se);
  }
  if (type == VB_SCORE_CSAT) {
    uint64_t k1 = vb__hist_count_range(g1, 4, 5), k2 = vb__hist_count_range(g2, 4, 5);
    uint64_t rows[2] = {n1, n2}, cols[2] = {k1 + k2, n1 + n2 - k1 - k2};
    if (small_expected(rows, 2, cols, 2)) {
      *test = VB_TEST_FISHER;
      return vb__fisher_2x2(k1, n1 - k1, k2, n2 - k2);
    }
    *test = VB_TEST_PROP_Z;
    return vb__two_prop_p(k1, n1, k2, n2);
  }
  if (type == VB_SCORE_NONE) return NAN;
  double m1, v1, m2, v2;
  vb__hist_moments(g1, &m1, &v1);
  vb__hist_moments(g2, &m2, &v2);
  *test = VB_TEST_WELCH;
  return vb__welch_p(m1, v1, (double)n1, m2, v2, (double)n2);
}

/* The span of a scale, for the verdict: NPS 200 points, CSAT 100 (%), CES 6, a rating its
 * observed range. */
static double scale_span(vb_score_type type, const vb__hist *all) {
  switch (type) {
  case VB_SCORE_NPS: return 200;
  case VB_SCORE_CSAT: return 100;
  case VB_SCORE_CES: return 6;
  default:
    if (all->n < 2) return NAN;
    return (double)(all->bins[all->n - 1].value - all->bins[0].value) / 1000.0;
  }
}

static int verdict(const vb_theme_row *r, vb_score_type type, double span) {
  if (type == VB_SCORE_NONE) return VB_VERDICT_NONE;
  if (r->too_few) return VB_VERDICT_TOO_FEW;
  bool common = r->prevalence >= VB_COMMON;
  bool sig = !isnan(r->q) && r->q < 0.05 && !isnan(span) && span > 0;
  if (sig && r->gap <= -VB_SEVERE_GAP * span)
    return common ? VB_VERDICT_COMMON_SEVERE : VB_VERDICT_RARE_SEVERE;
  if (sig && r->gap >= VB_SEVERE_GAP * span)
    return common ? VB_VERDICT_COMMON_LIFT : VB_VERDICT_RARE_LIFT;
  return common ? VB_VERDICT_COMMON_MILD : VB_VERDICT_RARE_MILD;
}

static int cmp_rows(const void *a, const void *b) {
  const vb_theme_row *x = a, *y = b;
  double ix = isnan(x->impact) ? 0 : x->impact, iy = isnan(y->impact) ? 0 : y->impact;
  if (ix < iy) return -1;
  if (ix > iy) return 1;
  if (x->n != y->n) return x->n > y->n ? -1 : 1;
  return x->theme < y->theme ? -1 : (x->theme > y->theme);
}

static const vb__hist empty_hist;

/* Whether theme i has a row among the brands (brands) or the topics (!brands): the theme
 * "brand" itself is neither. */
static bool row_kind(const vb_agg *a, size_t i, bool brands) {
  const vb__theme *th = &a->model->themes[i];
  return brands ? th->brand && th->parent >= 0 : !th->brand;
}

/* The theme rows of group g for score column sc (type NONE: counts only): of the topics, or
 * of the brands. */
static int theme_rows(const vb_agg *a, const agg_group *g, size_t sc, bool brands,
                      vb_theme_row **out, size_t *n_out) {
  vb_score_type type = sc < a->n_scores ? a->type[sc] : VB_SCORE_NONE;
  const vb__hist *all = sc < a->n_scores ? &g->hist[sc] : &empty_hist;
  size_t n = 0;
  for (size_t i = 0; g->cells && i < a->n_themes; i++)
    if (g->cells[i].n && row_kind(a, i, brands)) n++;
  vb_theme_row *rows = vb__calloc(n ? n : 1, sizeof *rows);
  double *p = vb__calloc(n ? n : 1, sizeof *p), *q = vb__calloc(n ? n : 1, sizeof *q);
  vb__hist without = {0};
  vb_score_summary total;
  summarise(type, all, &total);
  double span = scale_span(type, all);
  size_t k = 0;
  if (!rows || !p || !q) goto oom;
  for (size_t i = 0; g->cells && i < a->n_themes; i++) {
    const agg_cell *c = &g->cells[i];
    if (!c->n || !row_kind(a, i, brands)) continue;
    vb_theme_row *r = &rows[k];
    const vb__hist *h = (c->h && sc < a->n_scores) ? &c->h[sc] : &empty_hist;
    r->theme = i;
    r->n = (size_t)c->n;
    r->neg = (size_t)c->neg;
    r->pos = (size_t)c->pos;
    r->prevalence = g->analysed ? (double)c->n / (double)g->analysed : NAN;
    vb__wilson(c->n, g->analysed, &r->prev_low, &r->prev_high);
    summarise(type, h, &r->with);
    if (vb__hist_sub(&without, all, h)) goto oom;
    summarise(type, &without, &r->without);
    r->impact = (type == VB_SCORE_NONE || r->without.n == 0) ? NAN : total.value - r->without.value;
    r->gap = r->with.value - r->without.value;
    r->p = significance(type, h, &without, &r->test);
    r->neg_share = (double)c->neg / (double)c->n;
    r->too_few = r->with.n < VB_TOO_FEW;
    p[k++] = r->p;
  }
  if (vb__bh(p, q, k)) goto oom;
  for (size_t i = 0; i < k; i++) {
    rows[i].q = q[i];
    rows[i].verdict = verdict(&rows[i], type, span);
  }
  qsort(rows, k, sizeof *rows, cmp_rows);
  vb__hist_free(&without);
  vb__free(p);
  vb__free(q);
  *out = rows;
  *n_out = k;
  return VB_OK;
oom:
  vb__hist_free(&without);
  vb__free(p);
  vb__free(q);
  vb__free(rows);
  return VB_ENOMEM;
}

static int cmp_brands(const void *a, const void *b) {
  const vb_brand_row *x = a, *y = b;
  if (x->row.n != y->row.n) return x->row.n > y->row.n ? -1 : 1;
  return x->row.theme < y->row.theme ? -1 : (x->row.theme > y->row.theme);
}

/* Net sentiment (pos - neg) / (pos + neg) with its interval, -1..1; NaN when neither. */
static void net_of(size_t pos, size_t neg, double *net, double *lo, double *hi) {
  vb__nps(pos, neg, pos + neg, net, lo, hi);
  *net /= 100.0;
  *lo /= 100.0;
  *hi /= 100.0;
}

/* The brand rows of group g (first score): each brand's theme row, share of voice (its
 * records over the sum of every brand's: a record naming two brands counts for both) and net
 * sentiment over its records with a positive or negative mention (one with both counts on
 * each side). */
static int brand_rows(const vb_agg *a, const agg_group *g, vb_brand_row **out, size_t *n_out) {
  vb_theme_row *rows;
  size_t n;
  *out = NULL;
  *n_out = 0;
  int rc = theme_rows(a, g, 0, true, &rows, &n);
  if (rc) return rc;
  vb_brand_row *b = vb__calloc(n ? n : 1, sizeof *b);
  if (!b) {
    vb__free(rows);
    return VB_ENOMEM;
  }
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i++) sum += rows[i].n;
  for (size_t i = 0; i < n; i++) {
    vb_brand_row *r = &b[i];
    r->row = rows[i];
    r->share = sum ? (double)r->row.n / (double)sum : NAN;
    vb__wilson(r->row.n, sum, &r->share_low, &r->share_high);
    net_of(r->row.pos, r->row.neg, &r->net, &r->net_low, &r->net_high);
  }
  vb__free(rows);
  qsort(b, n, sizeof *b, cmp_brands);
  *out = b;
  *n_out = n;
  return VB_OK;
}

/* ---- quotes ---- */

static int quote_out(const agg_quote *q, vb_quote *o) {
  memset(o, 0, sizeof *o);
  char *t = vb__strndup(q->text, q->len), *id = vb__strdup(q->id);
  if (!t || !id) {
    vb__free(t);
    vb__free(id);
    return VB_ENOMEM;
  }
  o->text = t;
  o->len = q->len;
  o->span_start = q->span_s;
  o->span_end = q->span_e;
  o->cut_start = q->cut_s;
  o->cut_end = q->cut_e;
  o->id = id;
  o->sentiment = (double)q->sent / 1000.0;
  o->score = q->has_score ? (double)q->score / 1000.0 : NAN;
  return VB_OK;
}

static void quote_release(vb_quote *q) {
  vb__free((void *)(uintptr_t)q->text);
  vb__free((void *)(uintptr_t)q->id);
  q->text = q->id = NULL;
}

/* The best VB_AGG_QUOTES of the per-value lists for whole scores in [lo, hi]. */
static int quotes_of_range(const vb_agg *a, int pol, double lo, double hi, vb_quote *out,
                           size_t *n_out) {
  agg_qlist l = {0};
  int rc = VB_OK;
  for (int v = 0; v <= 10 && rc == VB_OK; v++)
    if (v >= lo && v <= hi)
      for (uint32_t i = 0; i < a->vq[v][pol].n && rc == VB_OK; i++)
        rc = vb__qlist_insert(&l, &a->vq[v][pol].q[i], 1);
  *n_out = 0;
  for (uint32_t i = 0; i < l.n && rc == VB_OK; i++)
    if ((rc = quote_out(&l.q[i], &out[i])) == VB_OK) (*n_out)++;
  vb__qlist_free(&l);
  return rc;
}

/* ---- the table ---- */

static void fill_score(const vb_agg *a, const agg_group *g, size_t s, vb_table *t) {
  vb_score_type type = s < a->n_scores ? a->type[s] : VB_SCORE_NONE;
  const vb__hist *h = s < a->n_scores ? &g->hist[s] : &empty_hist;
  t->type = type;
  t->score_name = s < a->n_scores ? a->score_name[s] : NULL;
  t->records = (size_t)g->records;
  t->analysed = (size_t)g->analysed;
  t->errors = (size_t)g->errors;
  t->missing_score = s < a->n_scores ? (size_t)g->missing[s] : (size_t)g->analysed;
  t->invalid_score = s < a->n_scores ? (size_t)g->bad[s] : 0;
  for (int l = 0; l < VB_LANG_COUNT; l++) t->by_lang[l] = (size_t)g->by_lang[l];
  t->sent_neg = (size_t)g->sent[0];
  t->sent_neu = (size_t)g->sent[1];
  t->sent_pos = (size_t)g->sent[2];
  summarise(type, h, &t->score);
  int lo = 0, hi = -1;
  if (type == VB_SCORE_NPS) lo = 0, hi = 10;
  else if (type == VB_SCORE_CSAT) lo = 1, hi = 5;
  else if (type == VB_SCORE_CES) lo = 1, hi = 7;
  t->dist_n = 0;
  if (hi >= lo) {
    for (int v = lo; v <= hi; v++) {
      t->dist_value[t->dist_n] = v;
      t->dist_count[t->dist_n++] = (size_t)vb__hist_count_range(h, v, v);
    }
  } else if (h->n <= 16) {
    for (size_t i = 0; i < h->n; i++) {
      t->dist_value[t->dist_n] = (double)h->bins[i].value / 1000.0;
      t->dist_count[t->dist_n++] = (size_t)h->bins[i].count;
    }
  } else {
    /* more distinct values than buckets: ten buckets of equal width over the range, each
     * named by its lower edge (the last one holds the maximum) */
    int64_t lo_v = h->bins[0].value, hi_v = h->bins[h->n - 1].value;
    double width = (double)(hi_v - lo_v) / 10.0;
    for (int b = 0; b < 10; b++) {
      t->dist_value[b] = ((double)lo_v + b * width) / 1000.0;
      t->dist_count[b] = 0;
    }
    for (size_t i = 0; i < h->n; i++) {
      int b = (int)((double)(h->bins[i].value - lo_v) / width);
      t->dist_count[b > 9 ? 9 : b < 0 ? 0 : b] += (size_t)h->bins[i].count;
    }
    t->dist_n = 10;
  }
}

static int cmp_group_name(const void *x, const void *y) {
  const agg_group *a = *(const agg_group *const *)x, *b = *(const agg_group *const *)y;
  size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
  int c = memcmp(a->name, b->name, n);
  if (c) return c;
  return a->name_len < b->name_len ? -1 : a->name_len > b->name_len;
}

static int cmp_group_key(const void *x, const void *y) {
  const agg_group *a = *(const agg_group *const *)x, *b = *(const agg_group *const *)y;
  return a->key < b->key ? -1 : a->key > b->key;
}

/* One row per group (segments, questions) in the order given: its counts, its score against
 * that of all other records, its theme and brand tables; q across the groups. */
static int group_table(const vb_agg *a, const agg_group *const *order, size_t n,
                       vb_segment **out, size_t *n_out) {
  double *p = vb__calloc(n, sizeof *p), *q = vb__calloc(n, sizeof *q);
  vb_segment *rows = *out = vb__calloc(n, sizeof *rows);
  vb__hist rest = {0};
  int rc = VB_ENOMEM;
  if (!p || !q || !rows) goto done;
  vb_score_type type = a->n_scores ? a->type[0] : VB_SCORE_NONE;
  for (size_t i = 0; i < n; i++) {
    const agg_group *g = order[i];
    vb_segment *s = &rows[i];
    char *name = vb__strndup(g->name, g->name_len);
    if (!name) goto done;
    s->name = name;
    (*n_out)++;
    s->records = (size_t)g->records;
    s->analysed = (size_t)g->analysed;
    s->missing_score = a->n_scores ? (size_t)g->missing[0] : (size_t)g->analysed;
    s->sent_neg = (size_t)g->sent[0];
    s->sent_neu = (size_t)g->sent[1];
    s->sent_pos = (size_t)g->sent[2];
    const vb__hist *h = a->n_scores ? &g->hist[0] : &empty_hist;
    summarise(type, h, &s->score);
    if (vb__hist_sub(&rest, a->n_scores ? &a->all.hist[0] : &empty_hist, h)) goto done;
    summarise(type, &rest, &s->rest);
    s->diff = s->score.value - s->rest.value;
    s->p = p[i] = significance(type, h, &rest, &s->test);
    if (theme_rows(a, g, 0, false, &s->rows, &s->n_rows) ||
        brand_rows(a, g, &s->brands, &s->n_brands))
      goto done;
  }
  if (vb__bh(p, q, n)) goto done;
  for (size_t i = 0; i < n; i++) rows[i].q = q[i];
  rc = VB_OK;
done:
  vb__hist_free(&rest);
  vb__free(p);
  vb__free(q);
  return rc;
}

static int segments(const vb_agg *a, vb_table *t) {
  t->by = a->by;
  if (!a->n_segs) return VB_OK;
  const agg_group **order = vb__calloc(a->n_segs, sizeof *order);
  if (!order) return VB_ENOMEM;
  for (size_t i = 0; i < a->n_segs; i++) order[i] = &a->segs[i];
  qsort(order, a->n_segs, sizeof *order, cmp_group_name);
  int rc = group_table(a, order, a->n_segs, &t->segments, &t->n_segments);
  vb__free(order);
  return rc;
}

static int questions(const vb_agg *a, vb_table *t) {
  const agg_group *order[VB_AGG_MAX_QUESTIONS];
  for (size_t i = 0; i < a->n_ques; i++) order[i] = &a->ques[i];
  return group_table(a, order, a->n_ques, &t->questions, &t->n_questions);
}

static int periods(const vb_agg *a, vb_table *t) {
  t->date = a->date;
  t->period = a->period;
  t->undated = (size_t)a->undated;
  if (!a->n_pers) return VB_OK;
  vb_score_type type = a->type[0];
  const agg_group **order = vb__calloc(a->n_pers, sizeof *order);
  bool *used = vb__calloc(a->n_roots ? a->n_roots : 1, sizeof *used);
  double *by_root = vb__calloc(a->n_roots ? a->n_roots : 1, sizeof *by_root);
  int rc = VB_ENOMEM;
  t->periods = vb__calloc(a->n_pers, sizeof *t->periods);
  if (!order || !t->periods || !used || !by_root) goto done;
  for (size_t i = 0; i < a->n_pers; i++) order[i] = &a->pers[i];
  qsort(order, a->n_pers, sizeof *order, cmp_group_key);
  /* the attribution themes: top-level themes mentioned by a scored record of some period */
  for (size_t i = 0; i < a->n_pers; i++)
    for (size_t k = 0; k < order[i]->n_splits; k++) {
      const agg_split *e = &order[i]->splits[k];
      if (e->root != 0 && e->root <= a->n_roots) used[e->root - 1] = true;
    }
  t->players = vb__calloc(a->n_roots ? a->n_roots : 1, sizeof *t->players);
  if (!t->players) goto done;
  for (size_t r = 0; r < a->n_roots; r++)
    if (used[r]) t->players[t->n_players++] = (size_t)a->root_of[r];
  for (size_t i = 0; i < a->n_pers; i++) {
    const agg_group *g = order[i];
    vb_period_row *r = &t->periods[i];
    t->n_periods++;
    r->key = g->key;
    vb_period_label(a->period, g->key, r->label, sizeof r->label);
    r->records = (size_t)g->records;
    r->analysed = (size_t)g->analysed;
    r->missing_score = (size_t)g->missing[0];
    summarise(type, &g->hist[0], &r->score);
    r->change = r->change_p = r->baseline = NAN;
    r->contrib = vb__calloc(a->n_roots ? a->n_roots : 1, sizeof *r->contrib);
    if (!r->contrib) goto done;
    if (theme_rows(a, g, 0, false, &r->rows, &r->n_rows) ||
        brand_rows(a, g, &r->brands, &r->n_brands))
      goto done;
    if (i == 0) {
      for (size_t k = 0; k < t->n_players; k++) r->contrib[k] = NAN;
      continue;
    }
    const agg_group *prev = order[i - 1];
    r->change = r->score.value - t->periods[i - 1].score.value;
    r->change_p = significance(type, &prev->hist[0], &g->hist[0], &r->change_test);
    r->exact = 1; /* the split is a closed form (trend.c) */
    if (vb__trend_attribute(type, prev, g, a->n_roots, by_root, &r->baseline)) goto done;
    for (size_t k = 0; k < t->n_players; k++) r->contrib[k] = by_root[a->root[t->players[k]]];
  }
  rc = vb__trend_rising(a, order, a->n_pers, t);
done:
  vb__free(used);
  vb__free(by_root);
  vb__free(order);
  return rc;
}

static int cmp_mismatch(const void *x, const void *y) {
  const vb_mismatch_row *a = x, *b = y;
  size_t sa = a->top_neg + a->bottom_pos, sb = b->top_neg + b->bottom_pos;
  if (sa != sb) return sa > sb ? -1 : 1;
  return a->theme < b->theme ? -1 : (a->theme > b->theme);
}

static int mismatch(const vb_agg *a, vb_table *t) {
  vb_mismatch *m = &t->mismatch;
  if (!a->n_scores || a->type[0] == VB_SCORE_RATING) return VB_OK;
  double tlo, thi, blo, bhi;
  vb__score_ranges(a->type[0], &tlo, &thi, &blo, &bhi);
  m->available = 1;
  m->top = (size_t)vb__hist_count_range(&a->all.hist[0], tlo, thi);
  m->bottom = (size_t)vb__hist_count_range(&a->all.hist[0], blo, bhi);
  m->top_negative = (size_t)vb__hist_count_range(&a->doc_h[0], tlo, thi);
  m->bottom_positive = (size_t)vb__hist_count_range(&a->doc_h[2], blo, bhi);
  size_t n = 0;
  for (size_t i = 0; i < a->n_themes; i++)
    if (!a->model->themes[i].brand && (vb__hist_count_range(&a->neg_h[i], tlo, thi) ||
                                       vb__hist_count_range(&a->pos_h[i], blo, bhi)))
      n++;
  m->rows = vb__calloc(n ? n : 1, sizeof *m->rows);
  if (!m->rows) return VB_ENOMEM;
  for (size_t i = 0; i < a->n_themes; i++) {
    if (a->model->themes[i].brand) continue;
    size_t tn = (size_t)vb__hist_count_range(&a->neg_h[i], tlo, thi);
    size_t bp = (size_t)vb__hist_count_range(&a->pos_h[i], blo, bhi);
    if (!tn && !bp) continue;
    m->rows[m->n_rows++] = (vb_mismatch_row){i, tn, bp};
  }
  qsort(m->rows, m->n_rows, sizeof *m->rows, cmp_mismatch);
  int rc = quotes_of_range(a, 0, tlo, thi, m->top_quotes, &m->n_top_quotes);
  if (rc == VB_OK) rc = quotes_of_range(a, 1, blo, bhi, m->bottom_quotes, &m->n_bottom_quotes);
  if (rc == VB_OK) rc = quotes_of_range(a, 1, tlo, thi, t->testimonials, &t->n_testimonials);
  return rc;
}

/* ---- themes mentioned together ---- */

static int cmp_pair_row(const void *x, const void *y) {
  const vb_pair_row *p = x, *q = y;
  if (p->c != q->c) return p->c > q->c ? -1 : 1;
  if (p->n != q->n) return p->n > q->n ? -1 : 1;
  if (p->a != q->a) return p->a < q->a ? -1 : 1;
  return p->b < q->b ? -1 : p->b > q->b;
}

/* The pairs of a table in (a, b) order (*pv), the one-sided p of each meeting that often by
 * chance (hypergeometric, from the records of each side) and q across `family` tests, the
 * others with p = 1 (*pq: p[0..np), then q[0..np); np = pairs->used), and how many pairs have
 * VB_PAIR_MIN records (*n_rows). Both are new memory; VB_OK or VB_ENOMEM. */
static int pair_tests(const vb_agg *a, const agg_pairs *pairs, size_t family,
                      const agg_pair ***pv, double **pq, size_t *n_rows) {
  size_t np = pairs->used;
  *pq = NULL;
  *n_rows = 0;
  int rc = vb__agg_pairs_sorted(pairs, pv);
  if (rc) return rc;
  double *p = vb__calloc(2 * np, sizeof *p);
  if (!p) return VB_ENOMEM;
  for (size_t i = 0; i < np; i++) {
    const agg_pair *e = (*pv)[i];
    p[i] = vb__hyper_upper(e->n, a->all.cells[e->a].n, a->all.cells[e->b].n, a->all.analysed);
    *n_rows += e->n >= VB_PAIR_MIN;
  }
  *pq = p;
  return vb__bh_family(p, p + np, np, family);
}

/* The pairs of at least VB_PAIR_MIN records, with c, lift, the one-sided p of meeting that
 * often by chance and q across the family of every pair whose two themes were mentioned (a
 * pair never mentioned together has p = 1). */
static int pair_rows(const vb_agg *a, vb_table *t) {
  t->pairs_unknown = a->pairs.unknown;
  if (a->pairs.unknown || !a->pairs.used || !a->all.cells) return VB_OK;
  size_t np = a->pairs.used, family = 0, nr;
  for (size_t x = 0; x < a->n_themes; x++)
    for (size_t y = x + 1; a->all.cells[x].n && y < a->n_themes; y++)
      if (a->all.cells[y].n && vb__agg_pairable(a, x, y)) family++;
  const agg_pair **pv = NULL;
  double *p;
  int rc = pair_tests(a, &a->pairs, family, &pv, &p, &nr);
  if (rc == VB_OK && nr) {
    t->pairs = vb__calloc(nr, sizeof *t->pairs);
    if (!t->pairs) rc = VB_ENOMEM;
  }
  uint64_t N = a->all.analysed;
  vb_score_type type = a->n_scores ? a->type[0] : VB_SCORE_NONE;
  for (size_t i = 0; rc == VB_OK && i < np; i++) {
    const agg_pair *e = pv[i];
    if (e->n < VB_PAIR_MIN) continue;
    vb_pair_row *r = &t->pairs[t->n_pairs++];
    r->a = e->a;
    r->b = e->b;
    r->n = (size_t)e->n;
    r->n_a = (size_t)a->all.cells[e->a].n;
    r->n_b = (size_t)a->all.cells[e->b].n;
    r->c = (double)r->n / (double)(r->n_a + r->n_b - r->n);
    r->lift = (double)r->n * (double)N / ((double)r->n_a * (double)r->n_b);
    r->p = p[i];
    r->q = p[np + i];
    summarise(type, &e->h, &r->score);
  }
  if (rc == VB_OK && t->n_pairs > 1) qsort(t->pairs, t->n_pairs, sizeof *t->pairs, cmp_pair_row);
  vb__free(p);
  vb__free(pv);
  return rc;
}

/* ---- the topics each brand is mentioned with ---- */

static int cmp_brand_theme(const void *x, const void *y) {
  const vb_brand_theme_row *p = x, *q = y;
  if (p->n_brand != q->n_brand) return p->n_brand > q->n_brand ? -1 : 1;
  if (p->brand != q->brand) return p->brand < q->brand ? -1 : 1;
  if (p->n != q->n) return p->n > q->n ? -1 : 1;
  return p->theme < q->theme ? -1 : p->theme > q->theme;
}

/* The brand-topic pairs of at least VB_PAIR_MIN records, with the topic's share of the brand's
 * records and of the others, lift, the one-sided p of meeting that often by chance and q across
 * the family of every named brand with every mentioned topic. */
static int brand_theme_rows(const vb_agg *a, vb_table *t) {
  t->brand_themes_unknown = a->bpairs.unknown;
  if (a->bpairs.unknown || !a->bpairs.used || !a->all.cells) return VB_OK;
  size_t np = a->bpairs.used, n_brands = 0, n_topics = 0, nr;
  for (size_t x = 0; x < a->n_themes; x++) {
    const vb__theme *th = &a->model->themes[x];
    if (!a->all.cells[x].n) continue;
    if (th->brand && th->parent >= 0) n_brands++;
    else if (!th->brand) n_topics++;
  }
  const agg_pair **pv = NULL;
  double *p;
  int rc = pair_tests(a, &a->bpairs, n_brands * n_topics, &pv, &p, &nr);
  if (rc == VB_OK && nr) {
    t->brand_themes = vb__calloc(nr, sizeof *t->brand_themes);
    if (!t->brand_themes) rc = VB_ENOMEM;
  }
  uint64_t N = a->all.analysed;
  vb_score_type type = a->n_scores ? a->type[0] : VB_SCORE_NONE;
  for (size_t i = 0; rc == VB_OK && i < np; i++) {
    const agg_pair *e = pv[i];
    if (e->n < VB_PAIR_MIN) continue;
    vb_brand_theme_row *r = &t->brand_themes[t->n_brand_themes++];
    r->brand = e->a;
    r->theme = e->b;
    r->n = (size_t)e->n;
    r->n_brand = (size_t)a->all.cells[e->a].n;
    r->n_theme = (size_t)a->all.cells[e->b].n;
    r->share = (double)r->n / (double)r->n_brand;
    r->share_rest = N > r->n_brand ? (double)(r->n_theme - r->n) / (double)(N - r->n_brand) : NAN;
    r->lift = (double)r->n * (double)N / ((double)r->n_brand * (double)r->n_theme);
    r->p = p[i];
    r->q = p[np + i];
    r->neg = (size_t)e->neg;
    r->pos = (size_t)e->pos;
    summarise(type, &e->h, &r->score);
  }
  if (rc == VB_OK && t->n_brand_themes > 1)
    qsort(t->brand_themes, t->n_brand_themes, sizeof *t->brand_themes, cmp_brand_theme);
  vb__free(p);
  vb__free(pv);
  return rc;
}

/* ---- brands named together ---- */

static int cmp_brand_pair(const void *x, const void *y) {
  const vb_brand_pair_row *p = x, *q = y;
  if (p->n != q->n) return p->n > q->n ? -1 : 1;
  if (p->lift != q->lift) return p->lift > q->lift ? -1 : 1;
  if (p->a != q->a) return p->a < q->a ? -1 : 1;
  return p->b < q->b ? -1 : p->b > q->b;
}

/* The pairs of brands named by at least VB_PAIR_MIN records together, with lift, the one-sided
 * p of meeting that often by chance, q across the family of every pair of named brands, and
 * each brand's net sentiment in those records. */
static int brand_pair_rows(const vb_agg *a, vb_table *t) {
  t->brand_pairs_unknown = a->bbpairs.unknown;
  if (a->bbpairs.unknown || !a->bbpairs.used || !a->all.cells) return VB_OK;
  size_t np = a->bbpairs.used, family = 0, nr;
  for (size_t x = 0; x < a->n_themes; x++)
    for (size_t y = x + 1; a->all.cells[x].n && y < a->n_themes; y++)
      if (a->all.cells[y].n && vb__agg_brands_pairable(a, x, y)) family++;
  const agg_pair **pv = NULL;
  double *p;
  int rc = pair_tests(a, &a->bbpairs, family, &pv, &p, &nr);
  if (rc == VB_OK && nr) {
    t->brand_pairs = vb__calloc(nr, sizeof *t->brand_pairs);
    if (!t->brand_pairs) rc = VB_ENOMEM;
  }
  uint64_t N = a->all.analysed;
  vb_score_type type = a->n_scores ? a->type[0] : VB_SCORE_NONE;
  for (size_t i = 0; rc == VB_OK && i < np; i++) {
    const agg_pair *e = pv[i];
    if (e->n < VB_PAIR_MIN) continue;
    vb_brand_pair_row *r = &t->brand_pairs[t->n_brand_pairs++];
    r->a = e->a;
    r->b = e->b;
    r->n = (size_t)e->n;
    r->n_a = (size_t)a->all.cells[e->a].n;
    r->n_b = (size_t)a->all.cells[e->b].n;
    r->lift = (double)r->n * (double)N / ((double)r->n_a * (double)r->n_b);
    r->p = p[i];
    r->q = p[np + i];
    r->a_neg = (size_t)e->aneg;
    r->a_pos = (size_t)e->apos;
    r->b_neg = (size_t)e->neg;
    r->b_pos = (size_t)e->pos;
    net_of(r->a_pos, r->a_neg, &r->a_net, &r->a_net_low, &r->a_net_high);
    net_of(r->b_pos, r->b_neg, &r->b_net, &r->b_net_low, &r->b_net_high);
    summarise(type, &e->h, &r->score);
  }
  if (rc == VB_OK && t->n_brand_pairs > 1)
    qsort(t->brand_pairs, t->n_brand_pairs, sizeof *t->brand_pairs, cmp_brand_pair);
  vb__free(p);
  vb__free(pv);
  return rc;
}

/* ---- switches between brands ---- */

static int cmp_switch_row(const void *x, const void *y) {
  const vb_switch_row *p = x, *q = y;
  if (p->n != q->n) return p->n > q->n ? -1 : 1;
  if (p->from != q->from) return p->from < q->from ? -1 : 1; /* SIZE_MAX: after every brand */
  return p->to < q->to ? -1 : p->to > q->to;
}

static int cmp_switch_brand(const void *x, const void *y) {
  const vb_switch_brand_row *p = x, *q = y;
  size_t a = p->lost + p->won, b = q->lost + q->won;
  if (a != b) return a > b ? -1 : 1;
  return p->brand < q->brand ? -1 : p->brand > q->brand;
}

/* Every switch said, and per brand what it loses and wins, with the quotes of each side. */
static int switch_rows(const vb_agg *a, vb_table *t) {
  t->switches_unknown = a->sw.unknown;
  if (a->sw.unknown || !a->sw.used) return VB_OK;
  t->switches = vb__calloc(a->sw.used, sizeof *t->switches);
  size_t nb = 0;
  for (size_t b = 0; b < a->n_themes; b++) nb += a->sq[2 * b].n || a->sq[2 * b + 1].n;
  size_t *row_of = vb__calloc(a->n_themes, sizeof *row_of); /* brand -> row + 1 */
  t->switch_brands = vb__calloc(nb ? nb : 1, sizeof *t->switch_brands);
  int rc = t->switches && row_of && t->switch_brands ? VB_OK : VB_ENOMEM;
  vb_score_type type = a->n_scores ? a->type[0] : VB_SCORE_NONE;
  for (size_t i = 0; rc == VB_OK && i < a->sw.cap; i++) {
    const agg_pair *e = &a->sw.slot[i];
    if (!e->n) continue;
    vb_switch_row *r = &t->switches[t->n_switches++];
    r->from = e->a == AGG_NO_BRAND ? SIZE_MAX : e->a;
    r->to = e->b == AGG_NO_BRAND ? SIZE_MAX : e->b;
    r->n = (size_t)e->n;
    summarise(type, &e->h, &r->score);
    for (int side = 0; side < 2; side++) {
      size_t b = side ? r->to : r->from;
      if (b == SIZE_MAX) continue;
      if (!row_of[b]) {
        /* (a state's loader checks that a brand switched from or to has quotes of that side) */
        if (t->n_switch_brands == nb) {
          rc = VB_EINVAL;
          break;
        }
        row_of[b] = ++t->n_switch_brands;
        t->switch_brands[row_of[b] - 1].brand = b;
      }
      vb_switch_brand_row *br = &t->switch_brands[row_of[b] - 1];
      *(side ? &br->won : &br->lost) += r->n;
    }
  }
  for (size_t i = 0; rc == VB_OK && i < t->n_switch_brands; i++) {
    vb_switch_brand_row *br = &t->switch_brands[i];
    const agg_qlist *ll = &a->sq[2 * br->brand], *lw = &a->sq[2 * br->brand + 1];
    for (uint32_t k = 0; rc == VB_OK && k < ll->n; k++)
      if ((rc = quote_out(&ll->q[k], &br->lost_quotes[k])) == VB_OK) br->n_lost_quotes++;
    for (uint32_t k = 0; rc == VB_OK && k < lw->n; k++)
      if ((rc = quote_out(&lw->q[k], &br->won_quotes[k])) == VB_OK) br->n_won_quotes++;
  }
  vb__free(row_of);
  if (rc == VB_OK && t->n_switches > 1)
    qsort(t->switches, t->n_switches, sizeof *t->switches, cmp_switch_row);
  if (rc == VB_OK && t->n_switch_brands > 1)
    qsort(t->switch_brands, t->n_switch_brands, sizeof *t->switch_brands, cmp_switch_brand);
  return rc;
}

int vb_agg_table(const vb_agg *a, vb_table **out) {
  if (!a || !out) return VB_EINVAL;
  *out = NULL;
  vb_table *t = vb__calloc(1, sizeof *t);
  if (!t) return VB_ENOMEM;
  fill_score(a, &a->all, 0, t);
  int rc = theme_rows(a, &a->all, 0, false, &t->rows, &t->n_rows);
  if (rc == VB_OK) rc = brand_rows(a, &a->all, &t->brands, &t->n_brands);
  for (size_t i = 0; i < a->n_themes && a->all.cells; i++)
    if (a->model->themes[i].brand && a->model->themes[i].parent < 0)
      t->brand_records = (size_t)a->all.cells[i].n;
  /* quotes of the whole table */
  for (size_t i = 0; rc == VB_OK && i < t->n_rows + t->n_brands; i++) {
    vb_theme_row *r = i < t->n_rows ? &t->rows[i] : &t->brands[i - t->n_rows].row;
    const agg_qlist *ln = &a->tq[2 * r->theme], *lp = &a->tq[2 * r->theme + 1];
    for (uint32_t k = 0; rc == VB_OK && k < ln->n; k++)
      if ((rc = quote_out(&ln->q[k], &r->neg_quotes[k])) == VB_OK) r->n_neg_quotes++;
    for (uint32_t k = 0; rc == VB_OK && k < lp->n; k++)
      if ((rc = quote_out(&lp->q[k], &r->pos_quotes[k])) == VB_OK) r->n_pos_quotes++;
  }
  if (rc == VB_OK && a->n_scores > 1) {
    t->other = vb__calloc(a->n_scores - 1, sizeof *t->other);
    if (!t->other) rc = VB_ENOMEM;
    for (size_t s = 1; rc == VB_OK && s < a->n_scores; s++) {
      vb_table *o = &t->other[s - 1];
      fill_score(a, &a->all, s, o);
      t->n_other++;
      rc = theme_rows(a, &a->all, s, false, &o->rows, &o->n_rows);
    }
  }
  if (rc == VB_OK && a->by) rc = segments(a, t);
  if (rc == VB_OK && a->date) rc = periods(a, t);
  if (rc == VB_OK && a->n_ques) rc = questions(a, t);
  if (rc == VB_OK && a->drv) rc = vb__drivers_table(a, &t->drivers);
  if (rc == VB_OK) rc = mismatch(a, t);
  if (rc == VB_OK) rc = pair_rows(a, t);
  if (rc == VB_OK) rc = brand_theme_rows(a, t);
  if (rc == VB_OK) rc = brand_pair_rows(a, t);
  if (rc == VB_OK) rc = switch_rows(a, t);
  if (rc) {
    vb_table_free(t);
    return rc;
  }
  *out = t;
  return VB_OK;
}

static void row_release(vb_theme_row *r) {
  for (size_t k = 0; k < r->n_neg_quotes; k++) quote_release(&r->neg_quotes[k]);
  for (size_t k = 0; k < r->n_pos_quotes; k++) quote_release(&r->pos_quotes[k]);
}

static void rows_free(vb_theme_row *rows, size_t n) {
  for (size_t i = 0; rows && i < n; i++) row_release(&rows[i]);
  vb__free(rows);
}

static void brands_free(vb_brand_row *rows, size_t n) {
  for (size_t i = 0; rows && i < n; i++) row_release(&rows[i].row);
  vb__free(rows);
}

void vb_table_free(vb_table *t) {
  if (!t) return;
  rows_free(t->rows, t->n_rows);
  brands_free(t->brands, t->n_brands);
  for (size_t i = 0; t->other && i < t->n_other; i++) rows_free(t->other[i].rows, t->other[i].n_rows);
  vb__free(t->other);
  for (size_t i = 0; t->segments && i < t->n_segments; i++) {
    vb__free((void *)(uintptr_t)t->segments[i].name);
    rows_free(t->segments[i].rows, t->segments[i].n_rows);
    brands_free(t->segments[i].brands, t->segments[i].n_brands);
  }
  vb__free(t->segments);
  for (size_t i = 0; t->questions && i < t->n_questions; i++) {
    vb__free((void *)(uintptr_t)t->questions[i].name);
    rows_free(t->questions[i].rows, t->questions[i].n_rows);
    brands_free(t->questions[i].brands, t->questions[i].n_brands);
  }
  vb__free(t->questions);
  vb__free(t->pairs);
  vb__free(t->brand_themes);
  vb__free(t->brand_pairs);
  vb__free(t->switches);
  for (size_t i = 0; t->switch_brands && i < t->n_switch_brands; i++) {
    vb_switch_brand_row *br = &t->switch_brands[i];
    for (size_t k = 0; k < br->n_lost_quotes; k++) quote_release(&br->lost_quotes[k]);
    for (size_t k = 0; k < br->n_won_quotes; k++) quote_release(&br->won_quotes[k]);
  }
  vb__free(t->switch_brands);
  for (size_t i = 0; t->periods && i < t->n_periods; i++) {
    vb__free(t->periods[i].contrib);
    rows_free(t->periods[i].rows, t->periods[i].n_rows);
    brands_free(t->periods[i].brands, t->periods[i].n_brands);
  }
  vb__free(t->periods);
  vb__free(t->players);
  vb__free(t->rising);
  vb__drivers_free(t->drivers);
  vb__free(t->mismatch.rows);
  for (size_t k = 0; k < t->mismatch.n_top_quotes; k++) quote_release(&t->mismatch.top_quotes[k]);
  for (size_t k = 0; k < t->mismatch.n_bottom_quotes; k++)
    quote_release(&t->mismatch.bottom_quotes[k]);
  for (size_t k = 0; k < t->n_testimonials; k++) quote_release(&t->testimonials[k]);
  vb__free(t);
}
