/*
 * test_trend.c - periods (trend.c): the Shapley split of a change between two periods on
 * examples worked out by hand (records mentioning 0, 1 and 2 themes; NPS, CSAT, a rating; no
 * change at all), against a second implementation (the game V(C) evaluated straight from the
 * records and its Shapley value over every order of the themes), with and without theme-less
 * records in either period, on 70 themes (more than a 64-bit set could hold) against the
 * per-record formula, and rising / emerging themes against the Poisson tail summed here.
 */
#include "vb_test.h"

#include <stdio.h>
#include <stdlib.h>

#include "vb_agg.h"

/* A record: the top-level themes it mentions (root indices, at most 8) and an NPS 0-10. */
typedef struct rec {
  int themes[8];
  int k;
  int score;
} rec;

/* The period group the aggregate would hold: the first-score histogram and the split entries
 * (what agg.c's group_add writes). */
static void fill(agg_group *g, const rec *r, size_t n) {
  memset(g, 0, sizeof *g);
  for (size_t i = 0; i < n; i++) {
    int64_t v = r[i].score * 1000;
    assert_int_equal(vb__hist_add(&g->hist[0], v, 1), VB_OK);
    if (r[i].k == 0) assert_int_equal(vb__agg_split_add(g, 0, 0, v, 1), VB_OK);
    for (int j = 0; j < r[i].k; j++)
      assert_int_equal(vb__agg_split_add(g, (uint32_t)r[i].themes[j] + 1, (uint32_t)r[i].k, v, 1),
                       VB_OK);
  }
}

static void drop(agg_group *g) {
  for (size_t i = 0; i < g->n_splits; i++) vb__hist_free(&g->splits[i].h);
  vb__free(g->splits);
  vb__hist_free(&g->hist[0]);
}

static double y_of(int score) { return score >= 9 ? 100 : score <= 6 ? -100 : 0; }

static int touches(const rec *r, uint64_t C) {
  for (int j = 0; j < r->k; j++)
    if (C >> r->themes[j] & 1) return 1;
  return 0;
}

static double mean(const rec *r, size_t n, int none_only) {
  double y = 0, c = 0;
  for (size_t i = 0; i < n; i++)
    if (!none_only || r[i].k == 0) y += y_of(r[i].score), c++;
  return c ? y / c : NAN;
}

/* The second implementation: the game of trend.c's comment, from the records themselves,
 * written as the lead put it: S_a + (the sum of y over b's records touching C) / N_b - (the same
 * over a's) / N_a - (share of b touching C - share of a touching C) x S_a. */
static double V(const rec *a, size_t na, const rec *b, size_t nb, uint64_t C) {
  double sa = mean(a, na, 0), yb = 0, ya = 0, cb = 0, ca = 0;
  for (size_t i = 0; i < nb; i++)
    if (touches(&b[i], C)) yb += y_of(b[i].score), cb++;
  for (size_t i = 0; i < na; i++)
    if (touches(&a[i], C)) ya += y_of(a[i].score), ca++;
  return sa + yb / (double)nb - ya / (double)na - (cb / (double)nb - ca / (double)na) * sa;
}

/* The Shapley value of V over every order of the k themes (Heap's algorithm). */
static void shapley_orders(const rec *a, size_t na, const rec *b, size_t nb, const int *themes,
                           size_t k, double *phi) {
  size_t perm[8], c[8] = {0};
  double count = 0, base = V(a, na, b, nb, 0);
  for (size_t i = 0; i < k; i++) perm[i] = i, phi[i] = 0;
  for (;;) {
    uint64_t C = 0;
    double prev = 0;
    for (size_t i = 0; i < k; i++) {
      C |= (uint64_t)1 << themes[perm[i]];
      double cur = V(a, na, b, nb, C) - base;
      phi[perm[i]] += cur - prev;
      prev = cur;
    }
    count++;
    size_t i = 1;
    while (i < k && c[i] >= i) c[i++] = 0;
    if (i >= k) break;
    size_t j = i % 2 ? c[i] : 0;
    size_t t = perm[j];
    perm[j] = perm[i];
    perm[i] = t;
    c[i]++;
  }
  for (size_t i = 0; i < k; i++) phi[i] /= count;
}

static int attribute_as(vb_score_type type, const rec *a, size_t na, const rec *b, size_t nb,
                        size_t n_roots, double *contrib, double *baseline) {
  agg_group ga, gb;
  fill(&ga, a, na);
  fill(&gb, b, nb);
  int rc = vb__trend_attribute(type, &ga, &gb, n_roots, contrib, baseline);
  drop(&ga);
  drop(&gb);
  return rc;
}

static int attribute(const rec *a, size_t na, const rec *b, size_t nb, size_t n_roots,
                     double *contrib, double *baseline) {
  return attribute_as(VB_SCORE_NPS, a, na, b, nb, n_roots, contrib, baseline);
}

#define R0(s) {{0}, 0, s}
#define R1(t, s) {{t}, 1, s}
#define R2(t, u, s) {{t, u}, 2, s}

static void test_split_by_hand(void **state) {
  (void)state;
  /*
   * Two themes, A (0) and B (1); y = +100 promoter (9-10), 0 passive (7-8), -100 detractor.
   * Period a, 10 records: none 10 10 8 8 | A 3 9 | B 10 10 | A+B 0 0
   *   S_a = (100 + 100 + 0 + 0 - 100 + 100 + 100 + 100 - 100 - 100) / 10 = 200 / 10 = 20
   *   none: N_0 = 4, Y_0 = 200 (S_0,a = 50)
   *   A: W = 2 + 2 x 1/2 = 3, Y = (-100 + 100) + (-100 - 100) / 2 = -100
   *   B: W = 2 + 1 = 3,       Y = 200 - 100 = 100
   *   (W: 4 + 3 + 3 = 10 = N; Y: 200 - 100 + 100 = 200)
   * Period b, 10 records: none 10 8 | A 0 0 0 0 0 8 | B 10 | A+B 0
   *   S_b = (100 + 0 - 500 + 0 + 100 - 100) / 10 = -40; change = -40 - 20 = -60
   *   none: N_0 = 2, Y_0 = 100
   *   A: W = 6 + 1/2 = 6.5, Y = -500 - 50 = -550
   *   B: W = 1 + 1/2 = 1.5, Y = 100 - 50 = 50
   * Parts, (Y_b - W_b S_a) / N_b - (Y_a - W_a S_a) / N_a with S_a = 20:
   *   A: (-550 - 6.5 x 20) / 10 - (-100 - 3 x 20) / 10 = -680 / 10 + 160 / 10 = -68 + 16 = -52
   *      (= share 0.65 x (S_A,b -84.615 - 20) - share 0.3 x (S_A,a -33.333 - 20)
   *       = 0.65 x -104.615 - 0.3 x -53.333 = -68 + 16)
   *   B: (50 - 1.5 x 20) / 10 - (100 - 3 x 20) / 10 = 20 / 10 - 40 / 10 = 2 - 4 = -2
   *   baseline: (100 - 2 x 20) / 10 - (200 - 4 x 20) / 10 = 6 - 12 = -6
   *      (= 0.2 x (50 - 20) - 0.4 x (50 - 20): the no-theme records, above a's average, lost
   *       half their share)
   *   -52 - 2 - 6 = -60 = change.
   * The same by the game, V(C) = S_a + sum over b's records touching C of (y - 20) / 10 - the
   * same over a's: the records touching A are, in b, -100 x 5, 0, -100 (A+B): 7 with sum -600;
   * in a, -100, +100, -100 x 2 (A+B): 4 with sum -200. Touching B: in b +100, -100 (2, sum 0),
   * in a +100 x 2, -100 x 2 (4, sum 0). Touching A or B: in b 8 with sum -500, in a 6 with 0.
   *   V({})    = 20
   *   V({A})   = 20 + (-600 - 7 x 20) / 10 - (-200 - 4 x 20) / 10 = 20 - 74 + 28 = -26
   *   V({B})   = 20 + (0 - 2 x 20) / 10 - (0 - 4 x 20) / 10 = 20 - 4 + 8 = 24
   *   V({A,B}) = 20 + (-500 - 8 x 20) / 10 - (0 - 6 x 20) / 10 = 20 - 66 + 12 = -34
   *            = S_b - baseline = -40 + 6
   *   phi_A = ((-26 - 20) + (-34 - 24)) / 2 = (-46 - 58) / 2 = -52,
   *   phi_B = ((24 - 20) + (-34 + 26)) / 2 = (4 - 8) / 2 = -2.
   * (Priced at S_0,a = 50, as in f8e2f05, the parts were A -62.5, B 2.5, baseline 0.)
   */
  const rec a[] = {R0(10), R0(10), R0(8), R0(8), R1(0, 3), R1(0, 9), R1(1, 10), R1(1, 10),
                   R2(0, 1, 0), R2(0, 1, 0)};
  const rec b[] = {R0(10), R0(8), R1(0, 0), R1(0, 0), R1(0, 0), R1(0, 0), R1(0, 0), R1(0, 8),
                   R1(1, 10), R2(0, 1, 0)};
  double contrib[2], baseline;
  assert_int_equal(attribute(a, 10, b, 10, 2, contrib, &baseline), VB_OK);
  assert_close(contrib[0], -52, 1e-9);
  assert_close(contrib[1], -2, 1e-9);
  assert_close(baseline, -6, 1e-9);
  assert_close(baseline + contrib[0] + contrib[1], -60, 1e-9);
  /* the game of the comment, evaluated from the records */
  assert_close(V(a, 10, b, 10, 0), 20, 1e-9);
  assert_close(V(a, 10, b, 10, 1), -26, 1e-9);
  assert_close(V(a, 10, b, 10, 2), 24, 1e-9);
  assert_close(V(a, 10, b, 10, 3), -34, 1e-9);
}

static void test_split_no_change(void **state) {
  (void)state;
  /*
   * Every record a detractor (NPS 0-6, y = -100) in both periods: S_a = S_b = -100 and every
   * group's score is -100 = S_a, so every part is share_b x (-100 + 100) - share_a x 0 = 0,
   * however the shares moved. a: A | B | A+B | A+B+C (no record without a theme); b: C C | B+C
   * | none; and the other way round.
   */
  const rec a[] = {R1(0, 3), R1(1, 0), R2(0, 1, 6), {{0, 1, 2}, 3, 5}};
  const rec b[] = {R1(2, 6), R1(2, 1), R2(1, 2, 4), R0(2)};
  double c[3], base;
  assert_int_equal(attribute(a, 4, b, 4, 3, c, &base), VB_OK);
  for (int t = 0; t < 3; t++) assert_close(c[t], 0, 1e-12);
  assert_close(base, 0, 1e-12);
  assert_int_equal(attribute(b, 4, a, 4, 3, c, &base), VB_OK);
  for (int t = 0; t < 3; t++) assert_close(c[t], 0, 1e-12);
  assert_close(base, 0, 1e-12);
}

/* Random records over the themes `themes` (root indices < 8), about `none` in 11 without one. */
static void make(rec *r, size_t n, uint64_t *seed, int none) {
  static const int themes[4] = {0, 2, 5, 6};
  for (size_t i = 0; i < n; i++) {
    r[i].score = (int)(vb__splitmix(seed) % 11);
    r[i].k = 0;
    if ((int)(vb__splitmix(seed) % 11) < none) continue;
    int k = 1 + (int)(vb__splitmix(seed) % 4);
    for (int j = 0; j < 4 && r[i].k < k; j++)
      if (vb__splitmix(seed) % 2) r[i].themes[r[i].k++] = themes[j];
    if (r[i].k == 0) r[i].themes[r[i].k++] = themes[vb__splitmix(seed) % 4];
  }
}

static void check_against_all_orders(int none_a, int none_b, uint64_t seed) {
  enum { NA = 37, NB = 29 };
  rec a[NA], b[NB];
  make(a, NA, &seed, none_a);
  make(b, NB, &seed, none_b);
  double contrib[8], baseline;
  assert_int_equal(attribute(a, NA, b, NB, 8, contrib, &baseline), VB_OK);
  const int themes[4] = {0, 2, 5, 6};
  double phi[4], sum = baseline;
  shapley_orders(a, NA, b, NB, themes, 4, phi);
  for (int k = 0; k < 4; k++) {
    assert_close(contrib[themes[k]], phi[k], 1e-9);
    sum += contrib[themes[k]];
  }
  for (int t = 0; t < 8; t++) /* no record mentions these: nothing */
    if (t != 0 && t != 2 && t != 5 && t != 6) assert_close(contrib[t], 0, 0);
  double change = mean(b, NB, 0) - mean(a, NA, 0);
  assert_close(sum, change, 1e-9); /* baseline + parts = change */
  /* V(all) = S_b - baseline, and baseline = the no-theme group's part by its own sums */
  assert_close(V(a, NA, b, NB, 0xff), mean(b, NB, 0) - baseline, 1e-9);
  double sa = mean(a, NA, 0), y0a = 0, n0a = 0, y0b = 0, n0b = 0;
  for (size_t i = 0; i < NA; i++)
    if (a[i].k == 0) y0a += y_of(a[i].score), n0a++;
  for (size_t i = 0; i < NB; i++)
    if (b[i].k == 0) y0b += y_of(b[i].score), n0b++;
  assert_close(baseline, (y0b - n0b * sa) / NB - (y0a - n0a * sa) / NA, 1e-9);
  if (n0a == 0 && n0b == 0) assert_close(baseline, 0, 0);
}

static void test_split_against_all_orders(void **state) {
  (void)state;
  check_against_all_orders(2, 3, 99); /* both periods have theme-less records */
  check_against_all_orders(0, 3, 7);  /* only b has */
  check_against_all_orders(0, 0, 11); /* neither has: baseline 0 */
  check_against_all_orders(3, 0, 5);  /* only a has */
}

static void test_split_many_themes(void **state) {
  (void)state;
  /*
   * 70 top-level themes (beyond the 64 a bit set held), records with 0 to 8 of them: every
   * theme's part against the per-record form of the formula, sum_r (y_r - S_a) / (k_r N)
   * over b's records mentioning it minus the same over a's, and baseline + parts = change.
   */
  enum { K = 70, NA = 400, NB = 300 };
  static rec a[NA], b[NB];
  uint64_t seed = 2026;
  rec *sides[2] = {a, b};
  size_t ns[2] = {NA, NB};
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < ns[s]; i++) {
      rec *r = &sides[s][i];
      r->score = (int)(vb__splitmix(&seed) % 11);
      r->k = (int)(vb__splitmix(&seed) % 9);
      for (int j = 0; j < r->k; j++) {
        int t, dup;
        do {
          t = (int)(vb__splitmix(&seed) % K);
          dup = 0;
          for (int q = 0; q < j; q++) dup |= r->themes[q] == t;
        } while (dup);
        r->themes[j] = t;
      }
    }
  double contrib[K], baseline, want[K] = {0};
  assert_int_equal(attribute(a, NA, b, NB, K, contrib, &baseline), VB_OK);
  double ref = mean(a, NA, 0), sum = baseline;
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < ns[s]; i++)
      for (int j = 0; j < sides[s][i].k; j++)
        want[sides[s][i].themes[j]] += (s ? 1 : -1) * (y_of(sides[s][i].score) - ref) /
                                       (sides[s][i].k * (double)ns[s]);
  for (int t = 0; t < K; t++) {
    assert_close(contrib[t], want[t], 1e-9);
    sum += contrib[t];
  }
  assert_close(sum, mean(b, NB, 0) - mean(a, NA, 0), 1e-9);
  double y0a = 0, n0a = 0, y0b = 0, n0b = 0;
  for (size_t i = 0; i < NA; i++)
    if (a[i].k == 0) y0a += y_of(a[i].score), n0a++;
  for (size_t i = 0; i < NB; i++)
    if (b[i].k == 0) y0b += y_of(b[i].score), n0b++;
  assert_true(n0a > 0 && n0b > 0);
  assert_close(baseline, n0b / NB * (y0b / n0b - ref) - n0a / NA * (y0a / n0a - ref), 1e-9);
}

static void test_split_other_scales(void **state) {
  (void)state;
  /*
   * a: none 5 | A 2 | A+B 4;  b: A 5 | B 1 (no record without a theme in b). N_a = 3, N_b = 2.
   * CSAT (y = 100 for 4-5, else 0): a: y = 100, 0, 100; S_a = 200/3; none N_0 1, Y_0 100;
   *   A W 1 + 1/2 = 1.5, Y 0 + 100/2 = 50; B W 0.5, Y 50.
   *   b: y = 100, 0; S_b = 50; A W 1, Y 100; B W 1, Y 0. Change 50 - 200/3 = -50/3 = -16.667.
   *   A: (100 - 1 x 200/3) / 2 - (50 - 1.5 x 200/3) / 3 = (100/3) / 2 - (-50) / 3
   *      = 50/3 + 50/3 = 100/3 = 33.333
   *   B: (0 - 200/3) / 2 - (50 - 0.5 x 200/3) / 3 = -100/3 - (50/3) / 3 = -300/9 - 50/9
   *      = -350/9 = -38.889
   *   baseline: (0 - 0) / 2 - (100 - 1 x 200/3) / 3 = -(100/3) / 3 = -100/9 = -11.111
   *   sum: (300 - 350 - 100) / 9 = -150/9 = -50/3 = change.
   * Rating (y = the score): a: S_a = (5 + 2 + 4) / 3 = 11/3; none N_0 1, Y_0 5;
   *   A W 1.5, Y 2 + 4/2 = 4; B W 0.5, Y 2.
   *   b: S_b = (5 + 1) / 2 = 3; A W 1, Y 5; B W 1, Y 1. Change 3 - 11/3 = -2/3.
   *   A: (5 - 11/3) / 2 - (4 - 1.5 x 11/3) / 3 = (4/3) / 2 - (4 - 11/2) / 3 = 2/3 + 1/2 = 7/6
   *   B: (1 - 11/3) / 2 - (2 - 0.5 x 11/3) / 3 = (-8/3) / 2 - (1/6) / 3 = -4/3 - 1/18 = -25/18
   *   baseline: 0 - (5 - 11/3) / 3 = -(4/3) / 3 = -4/9
   *   sum: (21 - 25 - 8) / 18 = -12/18 = -2/3 = change.
   */
  const rec a[] = {R0(5), R1(0, 2), R2(0, 1, 4)};
  const rec b[] = {R1(0, 5), R1(1, 1)};
  double c[2], base;
  assert_int_equal(attribute_as(VB_SCORE_CSAT, a, 3, b, 2, 2, c, &base), VB_OK);
  assert_close(c[0], 100.0 / 3, 1e-9);
  assert_close(c[1], -350.0 / 9, 1e-9);
  assert_close(base, -100.0 / 9, 1e-9);
  assert_int_equal(attribute_as(VB_SCORE_RATING, a, 3, b, 2, 2, c, &base), VB_OK);
  assert_close(c[0], 7.0 / 6, 1e-9);
  assert_close(c[1], -25.0 / 18, 1e-9);
  assert_close(base, -4.0 / 9, 1e-9);
}

static void test_split_empty_period(void **state) {
  (void)state;
  const rec a[] = {R1(0, 10)};
  double contrib[2], baseline;
  assert_int_equal(attribute(a, 1, a, 0, 2, contrib, &baseline), VB_OK);
  assert_true(isnan(contrib[0]) && isnan(contrib[1]) && isnan(baseline));
}

/* ---- rising themes through an aggregate ---- */

#define CODEBOOK VB_TEST_TMP "/test_trend.codebook"

/* A model with only `codebook` (English terms), an analyzer, and an aggregate of one NPS score
 * by month of the column "date". */
static void monthly_nps(const char *codebook, vb_model **m, vb_analyzer **an, vb_agg **a) {
  FILE *fp = fopen(CODEBOOK, "wb");
  assert_non_null(fp);
  fputs(codebook, fp);
  fclose(fp);
  const char *cbs[1] = {CODEBOOK};
  vb_model_options mo = {0};
  mo.codebooks = cbs;
  mo.n_codebooks = 1;
  mo.no_default_codebook = 1;
  assert_int_equal(vb_model_load(&mo, m, NULL), VB_OK);
  assert_int_equal(vb_analyzer_new(*m, an), VB_OK);
  static vb_score_type type = VB_SCORE_NPS;
  vb_agg_options o = {0};
  o.n_scores = 1;
  o.score_types = &type;
  o.date = "date";
  o.period = VB_PERIOD_MONTH;
  assert_int_equal(vb_agg_new_with(*m, &o, a), VB_OK);
}

static void test_rising(void **state) {
  (void)state;
  vb_model *m;
  vb_analyzer *an;
  vb_agg *a;
  monthly_nps("[late]\nen: late\n[staff]\nen: staff\n", &m, &an, &a);
  /*
   * January to April 2026, 50 records a month. 'late' in 2, 2, 2 and 12 of them; 'staff' in
   * none, none, none and 6. Two records have no date.
   *   April, late:  window January-March: X = 6 in N_w = 150; lambda = 50 (6.5) / 150 = 2.1667
   *                 p = P(Poisson(13/6) >= 12) = 3.0634109688164247e-06 (the sum in 50-digit
   *                 decimals), z = (12 - 2.1667) / sqrt(2.1667) = 6.6803
   *   April, staff: X = 0: lambda = 50 (0.5) / 150 = 1/6, emerging;
   *                 p = P(Poisson(1/6) >= 6) = 2.5811371190053273e-08
   * No other theme and month has 5 mentions, so these are the two tests; Benjamini-Hochberg:
   * q(staff) = min(2 p_staff / 1, p_late) = 5.162274238010655e-08, q(late) = p_late.
   * The negative mentions are a family of their own: 'late' is negative in the built-in lexicon
   * and 'staff' is not, so April's 12 negative 'late' mentions are its one test, with the numbers
   * of the volume test and q = p. It sorts after the volume row of the same q.
   */
  for (int month = 1; month <= 4; month++)
    for (int i = 0; i < 50; i++) {
      int late = month < 4 ? i < 2 : i < 12, staff = month == 4 && i >= 40 && i < 46;
      const char *text = late ? "late" : staff ? "staff" : "fine";
      const vb_result *r;
      vb_run_options ro = {VB_LANG_EN, VB_LANG_EN, 0};
      assert_int_equal(vb_analyzer_run(an, text, strlen(text), &ro, &r), VB_OK);
      vb_value sc = {(double)(i % 11), VB_VALUE_OK};
      vb_agg_record ar = {0};
      ar.result = r;
      ar.scores = &sc;
      char d[16];
      snprintf(d, sizeof d, "2026-%02d-%02d", month, 1 + i % 28);
      assert_int_equal(vb_date_parse(d, strlen(d), &ar.date), VB_OK);
      ar.has_date = 1;
      assert_int_equal(vb_agg_add_record(a, &ar), VB_OK);
      if (month == 1 && i < 2) { /* two records without a date */
        ar.has_date = 0;
        assert_int_equal(vb_agg_add_record(a, &ar), VB_OK);
      }
    }
  vb_table *t;
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  assert_int_equal(t->n_periods, 4);
  assert_int_equal(t->undated, 2);
  assert_string_equal(t->periods[0].label, "2026-01");
  assert_string_equal(t->periods[3].label, "2026-04");
  assert_int_equal(t->periods[0].records, 50);
  assert_int_equal(t->n_rising, 3);
  const vb_rising *staff = &t->rising[0], *late = &t->rising[1], *neg = &t->rising[2];
  assert_false(staff->negative || late->negative);
  assert_true(neg->negative);
  assert_int_equal(neg->theme, late->theme);
  assert_int_equal(neg->count, 12);
  assert_close(neg->expected, 13.0 / 6, 1e-12);
  assert_close(neg->q, 3.0634109688164247e-06, 1e-16);
  assert_string_equal(vb_model_theme_id(m, staff->theme), "staff");
  assert_string_equal(vb_model_theme_id(m, late->theme), "late");
  assert_int_equal(late->period, 3);
  assert_int_equal(late->count, 12);
  assert_close(late->expected, 13.0 / 6, 1e-12);
  assert_close(late->p, 3.0634109688164247e-06, 1e-16);
  assert_close(late->z, (12 - 13.0 / 6) / sqrt(13.0 / 6), 1e-12);
  assert_close(late->q, 3.0634109688164247e-06, 1e-16);
  assert_false(late->emerging);
  assert_true(staff->emerging);
  assert_int_equal(staff->count, 6);
  assert_close(staff->p, 2.5811371190053273e-08, 1e-18);
  assert_close(staff->q, 5.162274238010655e-08, 1e-18);
  /* the periods' scores add up with the undated records to the whole */
  size_t n = 0;
  for (size_t i = 0; i < t->n_periods; i++) n += t->periods[i].records;
  assert_int_equal(n + t->undated, t->records);
  /* each period's change splits exactly into baseline and theme parts */
  for (size_t i = 1; i < t->n_periods; i++) {
    const vb_period_row *r = &t->periods[i];
    double sum = r->baseline;
    for (size_t k = 0; k < t->n_players; k++) sum += r->contrib[k];
    assert_close(sum, r->change, 1e-9);
  }
  vb_table_free(t);
  vb_agg_free(a);
  vb_analyzer_free(an);
  vb_model_free(m);
  remove(CODEBOOK);
}

static void test_split_no_change_through_agg(void **state) {
  (void)state;
  vb_model *m;
  vb_analyzer *an;
  vb_agg *a;
  monthly_nps("[late]\nen: late\n[staff]\nen: staff\n[price]\nen: price\n", &m, &an, &a);
  /*
   * January: late, late, staff, late+staff; February: price, price, staff+price, late; all
   * detractors (NPS 3). March: two records without a theme, passives (NPS 7).
   * January -> February: no change (-100 both), so every part is 0 and baseline 0, whatever the
   * shares did. (f8e2f05 priced the shift at a stand-in, March's theme-less score 0, since
   * January has no theme-less record: part_t = 25 (W_t,Jan - W_t,Feb) with W = late 2.5 / 1,
   * staff 1.5 / 0.5, price 0 / 2.5: late +37.5, staff +25, price -62.5.)
   * February -> March: S -100 -> 0, change +100; S_a = -100; each theme's part is
   * (0 - 0) / 2 - (Y_t - W_t x -100) / 4 = -(-100 W_t + 100 W_t) / 4 = 0; baseline =
   * (Y_0,b - N_0,b x -100) / N_b - 0 = (0 + 200) / 2 = 100.
   */
  static const char *const texts[3][4] = {{"late", "late", "staff", "late staff"},
                                          {"price", "price", "staff price", "late"},
                                          {"fine", "fine", NULL, NULL}};
  for (int month = 1; month <= 3; month++)
    for (int i = 0; i < 4 && texts[month - 1][i]; i++) {
      const char *text = texts[month - 1][i];
      const vb_result *r;
      vb_run_options ro = {VB_LANG_EN, VB_LANG_EN, 0};
      assert_int_equal(vb_analyzer_run(an, text, strlen(text), &ro, &r), VB_OK);
      vb_value sc = {month == 3 ? 7 : 3, VB_VALUE_OK};
      vb_agg_record ar = {0};
      ar.result = r;
      ar.scores = &sc;
      char d[16];
      snprintf(d, sizeof d, "2026-%02d-%02d", month, 1 + i);
      assert_int_equal(vb_date_parse(d, strlen(d), &ar.date), VB_OK);
      ar.has_date = 1;
      assert_int_equal(vb_agg_add_record(a, &ar), VB_OK);
    }
  vb_table *t;
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  assert_int_equal(t->n_periods, 3);
  assert_int_equal(t->n_players, 3);
  const vb_period_row *feb = &t->periods[1], *mar = &t->periods[2];
  assert_close(feb->change, 0, 1e-12);
  assert_close(feb->baseline, 0, 1e-12);
  assert_close(mar->change, 100, 1e-12);
  assert_close(mar->baseline, 100, 1e-12);
  int seen = 0;
  for (size_t k = 0; k < t->n_players; k++) {
    const char *id = vb_model_theme_id(m, t->players[k]);
    seen |= (strcmp(id, "late") == 0) | (strcmp(id, "staff") == 0) << 1 |
            (strcmp(id, "price") == 0) << 2;
    assert_close(feb->contrib[k], 0, 1e-12);
    assert_close(mar->contrib[k], 0, 1e-12);
  }
  assert_int_equal(seen, 7);
  vb_table_free(t);
  vb_agg_free(a);
  vb_analyzer_free(an);
  vb_model_free(m);
  remove(CODEBOOK);
}

static void test_dates_and_periods(void **state) {
  (void)state;
  long d;
  assert_int_equal(vb_date_parse("1970-01-01", 10, &d), VB_OK);
  assert_int_equal(d, 0);
  assert_int_equal(vb_date_parse("2026-08-01", 10, &d), VB_OK);
  assert_int_equal(d, 20666); /* 56 years with 14 leap days, Jan-Jul 2026: 20454 + 212 */
  long e;
  assert_int_equal(vb_date_parse(" 01.08.2026 ", 12, &e), VB_OK);
  assert_int_equal(e, d);
  assert_int_equal(vb_date_parse("2026/8/1", 8, &e), VB_OK);
  assert_int_equal(e, d);
  assert_int_equal(vb_date_parse("2026-08-01T13:45:00Z", 20, &e), VB_OK);
  assert_int_equal(e, d);
  assert_int_equal(vb_date_parse("2026-08-01 13:45", 16, &e), VB_OK);
  assert_int_equal(e, d);
  assert_int_equal(vb_date_parse("2024-02-29", 10, &e), VB_OK);
  const char *bad[] = {"", "2026", "2026-13-01", "2026-02-29", "2026-08-32", "26-08-01",
                       "2026-08-01x", "2026-08/01", "01.08.26", "yesterday", "2026-00-10"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(vb_date_parse(bad[i], strlen(bad[i]), &e), VB_EPARSE);
  /* 2026-08-01 is a Saturday: its ISO week (31) starts on Monday 2026-07-27 */
  char b[32];
  long wk = vb_period_key(VB_PERIOD_WEEK, d);
  assert_int_equal(wk, d - 5);
  vb_period_label(VB_PERIOD_WEEK, wk, b, sizeof b);
  assert_string_equal(b, "2026-W31");
  vb_period_label(VB_PERIOD_DAY, d, b, sizeof b);
  assert_string_equal(b, "2026-08-01");
  vb_period_label(VB_PERIOD_MONTH, vb_period_key(VB_PERIOD_MONTH, d), b, sizeof b);
  assert_string_equal(b, "2026-08");
  vb_period_label(VB_PERIOD_QUARTER, vb_period_key(VB_PERIOD_QUARTER, d), b, sizeof b);
  assert_string_equal(b, "2026-Q3");
  /* ISO weeks at a year's turn: 2021-01-03 (Sunday) is in 2020-W53, 2024-12-30 in 2025-W01 */
  assert_int_equal(vb_date_parse("2021-01-03", 10, &e), VB_OK);
  vb_period_label(VB_PERIOD_WEEK, vb_period_key(VB_PERIOD_WEEK, e), b, sizeof b);
  assert_string_equal(b, "2020-W53");
  assert_int_equal(vb_date_parse("2024-12-30", 10, &e), VB_OK);
  vb_period_label(VB_PERIOD_WEEK, vb_period_key(VB_PERIOD_WEEK, e), b, sizeof b);
  assert_string_equal(b, "2025-W01");
  /* before 1970 */
  assert_int_equal(vb_date_parse("1969-12-31", 10, &e), VB_OK);
  assert_int_equal(e, -1);
  vb_period_label(VB_PERIOD_MONTH, vb_period_key(VB_PERIOD_MONTH, e), b, sizeof b);
  assert_string_equal(b, "1969-12");
  vb_period p;
  assert_int_equal(vb_period_parse("Quarter", &p), VB_OK);
  assert_int_equal(p, VB_PERIOD_QUARTER);
  assert_int_equal(vb_period_parse("fortnight", &p), VB_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_split_by_hand),
      cmocka_unit_test(test_split_no_change),
      cmocka_unit_test(test_split_against_all_orders),
      cmocka_unit_test(test_split_many_themes),
      cmocka_unit_test(test_split_other_scales),
      cmocka_unit_test(test_split_empty_period),
      cmocka_unit_test(test_rising),
      cmocka_unit_test(test_split_no_change_through_agg),
      cmocka_unit_test(test_dates_and_periods),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
