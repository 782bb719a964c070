/*
 * trend.c - periods: the Shapley split of a change of the score between two periods, and
 * rising or emerging themes.
 *
 * The split. A score is a mean over records (NPS: +100 a promoter, -100 a detractor; CSAT:
 * 100 for the top box; CES and ratings: the score). For a set C of top-level themes, let V(C)
 * be the score period a would have had if the records touching C (mentioning a theme of C)
 * had been as in period b, in share and in score, and the other records as in period a:
 *
 *     V(C) = (Y_b - Y_b(not C)) / N_b + (N_b(not C) / N_b) x S_a(not C)
 *
 * with Y the sum and N the number of scored records, S = Y / N, "not C" the records touching
 * none of C. V(empty) = S_a, and with P all themes mentioned in the two periods
 *
 *     S_b - S_a = [V(P) - S_a] + (N_b(not P) / N_b) x [S_b(not P) - S_a(not P)]
 *
 * : the themes' part plus a baseline, the change among records that mention no theme weighted
 * by their share. The themes' part is split by the Shapley value of the game V(C) - S_a, the
 * only split that is additive, symmetric and gives nothing to a theme that changed nothing, so
 * baseline + contributions = change. With at most 15 themes the Shapley value is exact (all
 * 2^K coalitions, through a subset-sum transform); beyond, it is the mean over 2000 random
 * orders from a fixed seed (the same input gives the same numbers), which still adds up
 * exactly because each order's marginal contributions telescope to V(P) - S_a.
 *
 * S_a(not C) is needed only with the weight N_b(not C) / N_b; when period a has no scored
 * record outside C, the score of all periods together outside C stands in (and the records of
 * period b outside C themselves when there is none there either), so V is always defined.
 *
 * Rising themes (METRICS.md, "Spikes"): the count x of records mentioning a theme in a period
 * against lambda = N x (X + 1/2) / N_w, the theme's rate over a trailing window (7 days, 4
 * weeks, 3 months or 2 quarters; X mentions in N_w records; the half keeps lambda above zero)
 * times the period's N records, so that volume and weekday effects cancel. p = P(Poisson(lambda)
 * >= x), one-sided; themes with x >= 5 are tested; q by Benjamini-Hochberg across every test of
 * the table; q < 0.05 is a rise, and "emerging" when the window held no mention at all.
 */
#include <math.h>
#include <stdlib.h>

#include "vb_agg.h"

#define EXACT_MAX 15
#define PERMUTATIONS 2000
#define RISE_MIN_COUNT 5

vb__sc vb__sc_of(vb_score_type t, const vb__hist *h) {
  vb__sc s = {0, 0, 0, 0};
  double tlo, thi, blo, bhi;
  vb__score_ranges(t, &tlo, &thi, &blo, &bhi);
  for (size_t i = 0; i < h->n; i++) {
    double v = (double)h->bins[i].value / 1000.0, c = (double)h->bins[i].count;
    s.n += c;
    s.sum += v * c;
    if (v >= tlo - 1e-9 && v <= thi + 1e-9) s.top += c;
    if (v >= blo - 1e-9 && v <= bhi + 1e-9) s.bot += c;
  }
  return s;
}

double vb__sc_value(vb_score_type t, const vb__sc *s) {
  if (s->n <= 0) return NAN;
  switch (t) {
  case VB_SCORE_NPS: return 100.0 * (s->top - s->bot) / s->n;
  case VB_SCORE_CSAT: return 100.0 * s->top / s->n;
  default: return s->sum / s->n;
  }
}

static void sc_add(vb__sc *a, const vb__sc *b, double sign) {
  a->n += sign * b->n;
  a->top += sign * b->top;
  a->bot += sign * b->bot;
  a->sum += sign * b->sum;
}

typedef struct side {
  size_t n;
  uint64_t *mask;
  vb__sc *sc;
  vb__sc total;
} side;

typedef struct keyed {
  uint64_t mask;
  size_t i;
} keyed;

static int cmp_keyed(const void *x, const void *y) {
  const keyed *a = x, *b = y;
  return a->mask < b->mask ? -1 : a->mask > b->mask;
}

/* A period's sets in mask order (not in the order they were first seen, which differs between
 * a whole run and a merge), with their score sums. */
static int side_of(vb_score_type t, const agg_mask *m, size_t n, side *s) {
  memset(s, 0, sizeof *s);
  s->mask = vb__calloc(n ? n : 1, sizeof *s->mask);
  s->sc = vb__calloc(n ? n : 1, sizeof *s->sc);
  keyed *k = vb__calloc(n ? n : 1, sizeof *k);
  if (!s->mask || !s->sc || !k) {
    vb__free(k);
    return VB_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) k[i] = (keyed){m[i].mask, i};
  qsort(k, n, sizeof *k, cmp_keyed);
  for (size_t j = 0; j < n; j++) {
    s->mask[j] = k[j].mask;
    s->sc[j] = vb__sc_of(t, &m[k[j].i].h);
    sc_add(&s->total, &s->sc[j], 1);
  }
  s->n = n;
  vb__free(k);
  return VB_OK;
}

static void side_free(side *s) {
  vb__free(s->mask);
  vb__free(s->sc);
}

/* The sum of the records' scores on the scale of the score (see above). */
static double ysum(vb_score_type t, const vb__sc *s) {
  switch (t) {
  case VB_SCORE_NPS: return 100.0 * (s->top - s->bot);
  case VB_SCORE_CSAT: return 100.0 * s->top;
  default: return s->sum;
  }
}

/* V(C) from the sums of the records outside C in a, in b and in all periods. */
static double v_of(vb_score_type t, const side *sb, const vb__sc *out_a,
                   const vb__sc *out_b, const vb__sc *out_pooled) {
  double nb = sb->total.n;
  double touch = (ysum(t, &sb->total) - ysum(t, out_b)) / nb;
  if (out_b->n <= 0) return touch;
  double rest = out_a->n > 0 ? vb__sc_value(t, out_a)
                : out_pooled->n > 0 ? vb__sc_value(t, out_pooled) : vb__sc_value(t, out_b);
  return touch + out_b->n / nb * rest;
}

static unsigned popcount64(uint64_t x) {
  unsigned c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

/* Compresses `mask` to the K player bits listed in `bits`. */
static size_t compress(uint64_t mask, const int *bits, size_t k) {
  size_t r = 0;
  for (size_t i = 0; i < k; i++)
    if (mask >> bits[i] & 1) r |= (size_t)1 << i;
  return r;
}

static int exact_split(vb_score_type t, const side *sa, const side *sb, const side *sp,
                       const int *bits, size_t K, double *phi) {
  size_t full = ((size_t)1 << K) - 1, N = (size_t)1 << K;
  double base = vb__sc_value(t, &sa->total);
  vb__sc *f[3];
  double *v = vb__calloc(N, sizeof *v), *w = vb__calloc(K + 1, sizeof *w);
  const side *sides[3] = {sa, sb, sp};
  int rc = VB_OK;
  for (int k = 0; k < 3; k++) f[k] = vb__calloc(N, sizeof *f[k]);
  if (!v || !w || !f[0] || !f[1] || !f[2]) {
    rc = VB_ENOMEM;
    goto done;
  }
  for (int k = 0; k < 3; k++) {
    for (size_t i = 0; i < sides[k]->n; i++)
      sc_add(&f[k][compress(sides[k]->mask[i], bits, K)], &sides[k]->sc[i], 1);
    /* subset sums: f[S] = sum over m within S of g[m] */
    for (size_t b = 0; b < K; b++)
      for (size_t S = 0; S < N; S++)
        if (S >> b & 1) sc_add(&f[k][S], &f[k][S ^ ((size_t)1 << b)], 1);
  }
  for (size_t C = 0; C < N; C++) {
    size_t out = full & ~C; /* records mentioning none of C have their set within ~C */
    v[C] = v_of(t, sb, &f[0][out], &f[1][out], &f[2][out]) - base;
  }
  /* weights s! (K - s - 1)! / K! */
  for (size_t s = 0; s < K; s++)
    w[s] = exp(lgamma((double)s + 1) + lgamma((double)(K - s)) - lgamma((double)K + 1));
  for (size_t i = 0; i < K; i++) phi[i] = 0;
  for (size_t C = 0; C < N; C++) {
    unsigned s = popcount64(C);
    for (size_t i = 0; i < K; i++)
      if (!(C >> i & 1)) phi[i] += w[s] * (v[C | ((size_t)1 << i)] - v[C]);
  }
done:
  for (int k = 0; k < 3; k++) vb__free(f[k]);
  vb__free(v);
  vb__free(w);
  return rc;
}

/* The records of a side outside the coalition C (a bit mask). */
static vb__sc outside(const side *s, uint64_t C) {
  vb__sc o = {0, 0, 0, 0};
  for (size_t i = 0; i < s->n; i++)
    if (!(s->mask[i] & C)) sc_add(&o, &s->sc[i], 1);
  return o;
}

/* Sampled orders. In an order, a set of themes leaves "outside C" at the step its first theme
 * enters C, so each order costs one pass over the sets of the two periods (the minimum step
 * over a set's bits) and a pass over the K steps; the pooled sets are summed only at the rare
 * steps where period a has no record left outside C. */
static int sampled_split(vb_score_type t, const side *sa, const side *sb, const side *sp,
                         const int *bits, size_t K, uint64_t seed, double *phi) {
  size_t *order = vb__calloc(K, sizeof *order);
  int pos[64];
  vb__sc *delta[2];
  uint8_t *bl[2];     /* the bits of each set, back to back */
  size_t *start[2];   /* where each set's bits begin in bl */
  delta[0] = vb__calloc(K + 1, sizeof *delta[0]);
  delta[1] = vb__calloc(K + 1, sizeof *delta[1]);
  const side *sides[2] = {sa, sb};
  int rc = VB_OK;
  for (int k = 0; k < 2; k++) {
    start[k] = vb__calloc(sides[k]->n + 1, sizeof *start[k]);
    bl[k] = vb__calloc(64 * (sides[k]->n ? sides[k]->n : 1), 1);
    if (!start[k] || !bl[k]) continue;
    size_t at = 0;
    for (size_t j = 0; j < sides[k]->n; j++) {
      start[k][j] = at;
      for (int b = 0; b < 64; b++)
        if (sides[k]->mask[j] >> b & 1) bl[k][at++] = (uint8_t)b;
    }
    start[k][sides[k]->n] = at;
  }
  if (!order || !delta[0] || !delta[1] || !start[0] || !start[1] || !bl[0] || !bl[1]) {
    rc = VB_ENOMEM;
    goto done;
  }
  for (size_t i = 0; i < K; i++) phi[i] = 0;
  double base = vb__sc_value(t, &sa->total);
  uint64_t state = seed;
  for (int r = 0; r < PERMUTATIONS; r++) {
    for (size_t i = 0; i < K; i++) order[i] = i;
    for (size_t i = K; i-- > 1;) { /* Fisher-Yates, i = K-1 .. 1 (none when K < 2) */
      size_t j = (size_t)(vb__splitmix(&state) % (i + 1));
      size_t x = order[i];
      order[i] = order[j];
      order[j] = x;
    }
    for (int b = 0; b < 64; b++) pos[b] = (int)K; /* bits of no player never enter */
    for (size_t i = 0; i < K; i++) pos[bits[order[i]]] = (int)i;
    for (int k = 0; k < 2; k++) {
      memset(delta[k], 0, (K + 1) * sizeof *delta[k]);
      for (size_t j = 0; j < sides[k]->n; j++) {
        int step = (int)K;
        for (size_t q = start[k][j]; q < start[k][j + 1]; q++)
          if (pos[bl[k][q]] < step) step = pos[bl[k][q]];
        sc_add(&delta[k][step], &sides[k]->sc[j], 1);
      }
    }
    vb__sc out[2] = {sa->total, sb->total};
    uint64_t C = 0;
    double prev = 0; /* v of the empty coalition */
    for (size_t s = 0; s < K; s++) {
      size_t p = order[s];
      C |= (uint64_t)1 << bits[p];
      sc_add(&out[0], &delta[0][s], -1);
      sc_add(&out[1], &delta[1][s], -1);
      double cur;
      if (out[0].n > 0 || out[1].n <= 0) {
        cur = v_of(t, sb, &out[0], &out[1], &out[0]) - base;
      } else {
        vb__sc op = outside(sp, C);
        cur = v_of(t, sb, &out[0], &out[1], &op) - base;
      }
      phi[p] += cur - prev;
      prev = cur;
    }
  }
  for (size_t i = 0; i < K; i++) phi[i] /= PERMUTATIONS;
done:
  vb__free(order);
  for (int k = 0; k < 2; k++) {
    vb__free(delta[k]);
    vb__free(start[k]);
    vb__free(bl[k]);
  }
  return rc;
}

int vb__trend_attribute(vb_score_type t, const agg_group *a, const agg_group *b,
                        const agg_mask *pooled, size_t n_pooled, size_t n_roots, double *contrib,
                        double *baseline, int *exact) {
  for (size_t i = 0; i < n_roots; i++) contrib[i] = 0;
  *baseline = NAN;
  *exact = 1;
  side sa = {0}, sb = {0}, sp = {0};
  int rc = side_of(t, a->masks, a->n_masks, &sa);
  if (rc == VB_OK) rc = side_of(t, b->masks, b->n_masks, &sb);
  if (rc == VB_OK) rc = side_of(t, pooled, n_pooled, &sp);
  uint64_t used = 0;
  int bits[64];
  size_t K = 0;
  double phi[64];
  if (rc) goto done;
  if (sa.total.n <= 0 || sb.total.n <= 0) {
    for (size_t i = 0; i < n_roots; i++) contrib[i] = NAN;
    goto done;
  }
  for (size_t i = 0; i < sa.n; i++) used |= sa.mask[i];
  for (size_t i = 0; i < sb.n; i++) used |= sb.mask[i];
  for (int bit = 0; bit < 64; bit++)
    if (used >> bit & 1) bits[K++] = bit;
  if (K <= EXACT_MAX) {
    rc = exact_split(t, &sa, &sb, &sp, bits, K, phi);
  } else {
    *exact = 0;
    uint64_t seed = (uint64_t)a->key * 0x9E3779B97F4A7C15ull ^ (uint64_t)b->key;
    rc = sampled_split(t, &sa, &sb, &sp, bits, K, seed, phi);
  }
  if (rc) goto done;
  {
    /* the baseline: the change among records that mention none of the K themes */
    vb__sc oa = {0, 0, 0, 0}, ob = {0, 0, 0, 0}, op = {0, 0, 0, 0};
    for (size_t i = 0; i < sa.n; i++)
      if (!(sa.mask[i] & used)) sc_add(&oa, &sa.sc[i], 1);
    for (size_t i = 0; i < sb.n; i++)
      if (!(sb.mask[i] & used)) sc_add(&ob, &sb.sc[i], 1);
    for (size_t i = 0; i < sp.n; i++)
      if (!(sp.mask[i] & used)) sc_add(&op, &sp.sc[i], 1);
    double sa_v = vb__sc_value(t, &sa.total);
    double change = vb__sc_value(t, &sb.total) - sa_v;
    *baseline = change - (v_of(t, &sb, &oa, &ob, &op) - sa_v);
    for (size_t i = 0; i < K; i++) contrib[bits[i]] = phi[i];
  }
done:
  side_free(&sa);
  side_free(&sb);
  side_free(&sp);
  return rc;
}

/* ---- rising themes ---- */

typedef struct test {
  size_t theme, period, count;
  double expected, z, p, q;
  int emerging;
} test;

static int cmp_rising(const void *x, const void *y) {
  const vb_rising *a = x, *b = y;
  if (a->q != b->q) return a->q < b->q ? -1 : 1;
  if (a->period != b->period) return a->period < b->period ? -1 : 1;
  return a->theme < b->theme ? -1 : (a->theme > b->theme);
}

int vb__trend_rising(const vb_agg *a, const agg_group *const *pg, size_t n, vb_table *t) {
  long window;
  switch (a->period) {
  case VB_PERIOD_DAY: window = 7; break;
  case VB_PERIOD_WEEK: window = 28; break;
  case VB_PERIOD_MONTH: window = 3; break;
  default: window = 2; break;
  }
  size_t cap = 0, m = 0;
  test *tests = NULL;
  for (size_t i = 1; i < n; i++) {
    const agg_group *g = pg[i];
    if (!g->cells) continue;
    uint64_t nw = 0;
    size_t j0 = i;
    while (j0 > 0 && pg[j0 - 1]->key >= g->key - window) j0--;
    for (size_t j = j0; j < i; j++) nw += pg[j]->analysed;
    if (nw == 0) continue;
    for (size_t k = 0; k < a->n_themes; k++) {
      uint64_t x = g->cells[k].n;
      if (x < RISE_MIN_COUNT) continue;
      uint64_t xw = 0;
      for (size_t j = j0; j < i; j++) xw += pg[j]->cells ? pg[j]->cells[k].n : 0;
      double lambda = (double)g->analysed * ((double)xw + 0.5) / (double)nw;
      if (vb__grow(&tests, &cap, m + 1, sizeof *tests)) {
        vb__free(tests);
        return VB_ENOMEM;
      }
      tests[m++] = (test){k, i, (size_t)x, lambda, ((double)x - lambda) / sqrt(lambda),
                          vb__poisson_upper(x, lambda), NAN, xw == 0};
    }
  }
  double *p = vb__calloc(m ? m : 1, sizeof *p), *q = vb__calloc(m ? m : 1, sizeof *q);
  if (!p || !q || (t->rising = vb__calloc(m ? m : 1, sizeof *t->rising)) == NULL) {
    vb__free(p);
    vb__free(q);
    vb__free(tests);
    return VB_ENOMEM;
  }
  for (size_t i = 0; i < m; i++) p[i] = tests[i].p;
  int rc = vb__bh(p, q, m);
  for (size_t i = 0; rc == VB_OK && i < m; i++) {
    if (!(q[i] < 0.05) || !((double)tests[i].count > tests[i].expected)) continue;
    vb_rising *r = &t->rising[t->n_rising++];
    r->theme = tests[i].theme;
    r->period = tests[i].period;
    r->count = tests[i].count;
    r->expected = tests[i].expected;
    r->z = tests[i].z;
    r->p = tests[i].p;
    r->q = q[i];
    r->emerging = tests[i].emerging;
  }
  qsort(t->rising, t->n_rising, sizeof *t->rising, cmp_rising);
  vb__free(p);
  vb__free(q);
  vb__free(tests);
  return rc;
}
