/*
 * trend.c - periods: the Shapley split of a change of the score between two periods, and
 * rising or emerging themes.
 *
 * The split. A score is a mean over the scored records r of y_r (NPS: +100 a promoter, 0 a
 * passive, -100 a detractor; CSAT: 100 for the top box, else 0; CES and ratings: the score).
 * Share each record equally among the k_r top-level themes it mentions (1/k_r each). In a
 * period with N scored records and score S, for a top-level theme t
 *
 *     W_t = sum over the records mentioning t of 1/k_r,    Y_t = sum of y_r / k_r,
 *
 * share_t = W_t / N and S_t = Y_t / W_t; the records mentioning no top-level theme form group
 * 0 with W_0 = N_0 (their number), Y_0, share_0 = N_0 / N, S_0 = Y_0 / N_0. The groups' shares
 * add up to 1 in each period and S = sum_g share_g S_g. So, subtracting S_a = S_a x sum_g
 * share_g from both periods' sums, the change from period a to period b is exactly
 *
 *     S_b - S_a = sum over g of [ share_g,b (S_g,b - S_a) - share_g,a (S_g,a - S_a) ]
 *
 * and group g's term is its part: theme t's for g = t, and "baseline" for g = 0, the records
 * mentioning no theme, computed the same way as a theme's. In sums, part_g = (Y_g,b - W_g,b
 * S_a) / N_b - (Y_g,a - W_g,a S_a) / N_a (a term with W_g = 0 is 0). A theme's part is how far
 * its records lie above or below period a's average, times its share, in b minus in a: a theme
 * whose share and score stayed the same gets 0; one whose score rose at the same share gets
 * share x the rise; one whose share grew at the same score gets the growth x (S_t - S_a), so
 * more records of a theme that scores below a's average pull the score down and more of one
 * above it push it up; and when nothing changed at all (every record a detractor in both
 * periods, say) every part is 0.
 *
 * Theme t's part is its Shapley value in the game on coalitions C of top-level themes
 *
 *     V(C) = S_a + sum over the records r of b touching C of (y_r - S_a) / N_b
 *                - sum over the records r of a touching C of (y_r - S_a) / N_a
 *
 * (touching: mentioning a theme of C), i.e. period a with its records that touch C replaced by
 * those of b, the difference in their shares (share of b touching C - share of a touching C)
 * filled or emptied at a's average S_a. V(empty) = S_a and V(all) = S_b - baseline. Each
 * record's term is c x [C touches the record's k themes], a game whose Shapley value gives
 * c / k to each of the k themes (they are symmetric, the other themes are null, and the value
 * is efficient), and the Shapley value is additive over games, which gives part_t above. So the
 * split is exact for any number of themes (no sampling), additive, symmetric, and baseline +
 * parts = change. Pricing at S_a needs no stand-in: S_a exists whenever the comparison is made
 * (a period without scored records gets no split, NaN).
 *
 * It needs, per period, the first-score histogram per top-level theme and k (agg_split in
 * vb_agg.h): bounded by themes x distinct k x periods, and integer counts, so a merge gives the
 * table of one run bit for bit. A record that mentions one theme goes to that theme alone. The
 * split is not the one of the game "records touching C as in b, the others as in a, at the
 * share of b" (verbatim before state version 3), which needed the joint sets of themes of the
 * records: the two differ when shares move, in how the shift of share is priced (here at S_a,
 * there at a's score among the records touching none of C). Nor is it the one of the first
 * version 3 (f8e2f05), which priced it at S_0,a, a's score among the records without a theme,
 * with a stand-in from other periods when a had none: a period's no-theme records are few and
 * their score is noisy, and with the stand-in the parts were not 0 when nothing changed.
 *
 * Rising themes (METRICS.md, "Spikes"): the count x of records mentioning a theme in a period
 * against lambda = N x (X + 1/2) / N_w, the theme's rate over a trailing window (7 days, 4
 * weeks, 3 months or 2 quarters; X mentions in N_w records; the half keeps lambda above zero)
 * times the period's N records, so that volume and weekday effects cancel. p = P(Poisson(lambda)
 * >= x), one-sided; themes with x >= 5 are tested; q by Benjamini-Hochberg across every test of
 * the table; q < 0.05 is a rise, and "emerging" when the window held no mention at all.
 *
 * The same test on the records whose mention of the theme sits in a negative clause finds a
 * rise in complaints that the volume hides (a theme talked about as often as before, but now
 * in anger: the sentiment spike social-listening tools alert on). Those tests are a family of
 * their own for Benjamini-Hochberg, so adding them leaves the volume results as they were;
 * each family keeps its false discovery rate at 5%, the two together at most 10%.
 */
#include <math.h>
#include <stdlib.h>

#include "vb_agg.h"

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

/* The sum of the records' scores on the scale of the score (see above). */
static double ysum(vb_score_type t, const vb__sc *s) {
  switch (t) {
  case VB_SCORE_NPS: return 100.0 * (s->top - s->bot);
  case VB_SCORE_CSAT: return 100.0 * s->top;
  default: return s->sum;
  }
}

/* A period's sums: N and Y of all its scored records and of those without a theme, and W_t,
 * Y_t per top-level theme (contrib-sized arrays). Runs over the entries in (root, k) order. */
typedef struct side {
  double n, y, n0, y0;
} side;

static side side_of(vb_score_type t, const agg_group *g, size_t n_roots, double *w, double *y) {
  side s = {0, 0, 0, 0};
  vb__sc all = vb__sc_of(t, &g->hist[0]);
  s.n = all.n;
  s.y = ysum(t, &all);
  for (size_t i = 0; i < n_roots; i++) w[i] = y[i] = 0;
  for (size_t i = 0; i < g->n_splits; i++) {
    const agg_split *e = &g->splits[i];
    vb__sc sc = vb__sc_of(t, &e->h);
    if (e->root == 0) {
      s.n0 += sc.n;
      s.y0 += ysum(t, &sc);
    } else if (e->root <= n_roots && e->k > 0) {
      w[e->root - 1] += sc.n / e->k;
      y[e->root - 1] += ysum(t, &sc) / e->k;
    }
  }
  return s;
}

int vb__trend_attribute(vb_score_type t, const agg_group *a, const agg_group *b, size_t n_roots,
                        double *contrib, double *baseline) {
  *baseline = NAN;
  size_t nr = n_roots ? n_roots : 1;
  double *w = vb__calloc(4 * nr, sizeof *w);
  if (!w) return VB_ENOMEM;
  double *wa = w, *ya = w + nr, *wb = w + 2 * nr, *yb = w + 3 * nr;
  side sa = side_of(t, a, n_roots, wa, ya), sb = side_of(t, b, n_roots, wb, yb);
  if (sa.n <= 0 || sb.n <= 0) {
    for (size_t i = 0; i < n_roots; i++) contrib[i] = NAN;
    vb__free(w);
    return VB_OK;
  }
  /* every group's part, priced at S_a (see above); baseline is group 0's */
  double sa_score = sa.y / sa.n;
  for (size_t i = 0; i < n_roots; i++)
    contrib[i] = (yb[i] - wb[i] * sa_score) / sb.n - (ya[i] - wa[i] * sa_score) / sa.n;
  *baseline = (sb.y0 - sb.n0 * sa_score) / sb.n - (sa.y0 - sa.n0 * sa_score) / sa.n;
  vb__free(w);
  return VB_OK;
}

/* ---- rising themes ---- */

typedef struct test {
  size_t theme, period, count;
  double expected, z, p, q;
  int emerging, negative;
} test;

static int cmp_rising(const void *x, const void *y) {
  const vb_rising *a = x, *b = y;
  if (a->q != b->q) return a->q < b->q ? -1 : 1;
  if (a->period != b->period) return a->period < b->period ? -1 : 1;
  if (a->theme != b->theme) return a->theme < b->theme ? -1 : 1;
  return a->negative - b->negative;
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
    for (size_t k = 0; k < a->n_themes; k++)
      for (int neg = 0; neg <= 1; neg++) {
        uint64_t x = neg ? g->cells[k].neg : g->cells[k].n;
        if (x < RISE_MIN_COUNT) continue;
        uint64_t xw = 0;
        for (size_t j = j0; j < i; j++)
          xw += pg[j]->cells ? (neg ? pg[j]->cells[k].neg : pg[j]->cells[k].n) : 0;
        double lambda = (double)g->analysed * ((double)xw + 0.5) / (double)nw;
        if (vb__grow(&tests, &cap, m + 1, sizeof *tests)) {
          vb__free(tests);
          return VB_ENOMEM;
        }
        tests[m++] = (test){k, i, (size_t)x, lambda, ((double)x - lambda) / sqrt(lambda),
                            vb__poisson_upper(x, lambda), NAN, xw == 0, neg};
      }
  }
  double *p = vb__calloc(m ? m : 1, sizeof *p), *q = vb__calloc(m ? m : 1, sizeof *q);
  if (!p || !q || (t->rising = vb__calloc(m ? m : 1, sizeof *t->rising)) == NULL) {
    vb__free(p);
    vb__free(q);
    vb__free(tests);
    return VB_ENOMEM;
  }
  /* two families (above): the volume tests, then the negative ones, each corrected alone */
  int rc = VB_OK;
  size_t n_fam[2] = {0, 0};
  for (int neg = 0; neg <= 1 && rc == VB_OK; neg++) {
    size_t f = 0;
    for (size_t i = 0; i < m; i++)
      if (tests[i].negative == neg) p[f++] = tests[i].p;
    rc = vb__bh(p, q + (neg ? n_fam[0] : 0), f);
    n_fam[neg] = f;
  }
  /* q[] holds the volume family's q values, then the negative family's, each in test order */
  for (size_t i = 0, at[2] = {0, n_fam[0]}; rc == VB_OK && i < m; i++) {
    double qi = q[at[tests[i].negative]++];
    if (!(qi < 0.05) || !((double)tests[i].count > tests[i].expected)) continue;
    vb_rising *r = &t->rising[t->n_rising++];
    r->theme = tests[i].theme;
    r->period = tests[i].period;
    r->count = tests[i].count;
    r->expected = tests[i].expected;
    r->z = tests[i].z;
    r->p = tests[i].p;
    r->q = qi;
    r->emerging = tests[i].emerging;
    r->negative = tests[i].negative;
  }
  qsort(t->rising, t->n_rising, sizeof *t->rising, cmp_rising);
  vb__free(p);
  vb__free(q);
  vb__free(tests);
  return rc;
}
