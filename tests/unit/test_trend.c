/*
 * test_trend.c - periods (trend.c): the Shapley split of a change between two periods on an
 * example worked out by hand, against a second implementation (V(C) straight from the records
 * and the Shapley value over every order of the themes), the sampled path on a game whose
 * answer is known, and rising / emerging themes against the Poisson tail summed here.
 */
#include "vb_test.h"

#include <stdio.h>
#include <stdlib.h>

#include "vb_agg.h"

typedef struct rec {
  uint64_t mask;
  int score; /* NPS 0-10 */
} rec;

static void fill(agg_group *g, const rec *r, size_t n) {
  memset(g, 0, sizeof *g);
  vb__strmap_init(&g->mask_index);
  for (size_t i = 0; i < n; i++) assert_int_equal(vb__agg_mask_add(g, r[i].mask, r[i].score * 1000, 1), VB_OK);
}

static void drop(agg_group *g) {
  for (size_t i = 0; i < g->n_masks; i++) vb__hist_free(&g->masks[i].h);
  vb__free(g->masks);
  vb__strmap_free(&g->mask_index);
}

static double y_of(int score) { return score >= 9 ? 100 : score <= 6 ? -100 : 0; }

/* The second implementation: V(C) from the records themselves (trend.c's comment). */
static double V(const rec *a, size_t na, const rec *b, size_t nb, const rec *all, size_t nall,
                uint64_t C) {
  double yb = 0, yb_out = 0, nb_out = 0, ya_out = 0, na_out = 0, yp_out = 0, np_out = 0;
  for (size_t i = 0; i < nb; i++) {
    yb += y_of(b[i].score);
    if (!(b[i].mask & C)) yb_out += y_of(b[i].score), nb_out++;
  }
  for (size_t i = 0; i < na; i++)
    if (!(a[i].mask & C)) ya_out += y_of(a[i].score), na_out++;
  for (size_t i = 0; i < nall; i++)
    if (!(all[i].mask & C)) yp_out += y_of(all[i].score), np_out++;
  double touch = (yb - yb_out) / (double)nb;
  if (nb_out == 0) return touch;
  double rest = na_out ? ya_out / na_out : np_out ? yp_out / np_out : yb_out / nb_out;
  return touch + nb_out / (double)nb * rest;
}

static void shapley_orders(const rec *a, size_t na, const rec *b, size_t nb, const rec *all,
                           size_t nall, const int *bits, size_t k, double *phi) {
  size_t perm[8], c[8] = {0};
  double count = 0, base = V(a, na, b, nb, all, nall, 0);
  for (size_t i = 0; i < k; i++) perm[i] = i, phi[i] = 0;
  for (;;) {
    uint64_t C = 0;
    double prev = 0;
    for (size_t i = 0; i < k; i++) {
      C |= (uint64_t)1 << bits[perm[i]];
      double cur = V(a, na, b, nb, all, nall, C) - base;
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

static void test_split_by_hand(void **state) {
  (void)state;
  /*
   * Two themes, A (bit 0) and B (bit 1); y = +100 promoter, 0 passive, -100 detractor.
   * Period a, 10 records: none 10 10 8 8 | A 3 9 | B 10 10 | A+B 0 0:  S_a = 200 / 10 = 20.
   * Period b, 10 records: none 10 8 | A 0 0 0 0 0 8 | B 10 | A+B 0:  S_b = -400 / 10 = -40.
   * V(C) = (Y_b - Y_b(not C)) / N_b + N_b(not C) / N_b x S_a(not C):
   *   V({})    = S_a = 20
   *   V({A})   = (-400 - 200) / 10 + 3/10 x 400/6 = -60 + 20 = -40
   *   V({B})   = (-400 + 400) / 10 + 8/10 x 200/6 = 26.667
   *   V({A,B}) = (-400 - 100) / 10 + 2/10 x 200/4 = -50 + 10 = -40
   * v = V - 20: v(A) = -60, v(B) = 6.667, v(AB) = -60. Two players:
   *   phi_A = (v(A) + v(AB) - v(B)) / 2 = (-60 - 66.667) / 2 = -63.333
   *   phi_B = (v(B) + v(AB) - v(A)) / 2 = (6.667 + 0) / 2 = 3.333
   * baseline = change - v(AB) = -60 + 60 = 0 (= 2/10 x (S_b(none) 50 - S_a(none) 50)).
   */
  const rec a[] = {{0, 10}, {0, 10}, {0, 8}, {0, 8}, {1, 3}, {1, 9}, {2, 10}, {2, 10}, {3, 0}, {3, 0}};
  const rec b[] = {{0, 10}, {0, 8}, {1, 0}, {1, 0}, {1, 0}, {1, 0}, {1, 0}, {1, 8}, {2, 10}, {3, 0}};
  agg_group ga, gb, gp;
  fill(&ga, a, 10);
  fill(&gb, b, 10);
  rec all[20];
  memcpy(all, a, sizeof a);
  memcpy(all + 10, b, sizeof b);
  fill(&gp, all, 20);
  double contrib[2], baseline;
  int exact;
  assert_int_equal(vb__trend_attribute(VB_SCORE_NPS, &ga, &gb, gp.masks, gp.n_masks, 2, contrib,
                                       &baseline, &exact),
                   VB_OK);
  assert_true(exact);
  assert_close(contrib[0], -63.0 - 1.0 / 3, 1e-9);
  assert_close(contrib[1], 10.0 / 3, 1e-9);
  assert_close(baseline, 0, 1e-9);
  assert_close(baseline + contrib[0] + contrib[1], -60, 1e-9);
  drop(&ga);
  drop(&gb);
  drop(&gp);
}

static void test_split_against_all_orders(void **state) {
  (void)state;
  /* four themes (bits 0, 2, 5, 6), made-up records, some periods without records outside C */
  enum { NA = 37, NB = 29 };
  rec a[NA], b[NB], all[NA + NB];
  const uint64_t masks[] = {0, 1, 4, 5, 32, 33, 64, 69, 100, 101, 36};
  uint64_t seed = 99;
  for (int i = 0; i < NA; i++)
    a[i] = (rec){masks[vb__splitmix(&seed) % 11], (int)(vb__splitmix(&seed) % 11)};
  for (int i = 0; i < NB; i++)
    b[i] = (rec){masks[vb__splitmix(&seed) % 11], (int)(vb__splitmix(&seed) % 11)};
  memcpy(all, a, sizeof a);
  memcpy(all + NA, b, sizeof b);
  agg_group ga, gb, gp;
  fill(&ga, a, NA);
  fill(&gb, b, NB);
  fill(&gp, all, NA + NB);
  double contrib[7], baseline;
  int exact;
  assert_int_equal(vb__trend_attribute(VB_SCORE_NPS, &ga, &gb, gp.masks, gp.n_masks, 7, contrib,
                                       &baseline, &exact),
                   VB_OK);
  const int bits[4] = {0, 2, 5, 6};
  double phi[4], sum = baseline;
  shapley_orders(a, NA, b, NB, all, NA + NB, bits, 4, phi);
  for (int k = 0; k < 4; k++) {
    assert_close(contrib[bits[k]], phi[k], 1e-9);
    sum += contrib[bits[k]];
  }
  assert_close(contrib[1], 0, 0); /* no record mentions theme 1: nothing */
  double sa = 0, sb = 0;
  for (int i = 0; i < NA; i++) sa += y_of(a[i].score) / NA;
  for (int i = 0; i < NB; i++) sb += y_of(b[i].score) / NB;
  assert_close(sum, sb - sa, 1e-9); /* baseline + parts = change */
  drop(&ga);
  drop(&gb);
  drop(&gp);
}

static void test_split_sampled(void **state) {
  (void)state;
  /*
   * 20 themes (more than 15: sampled orders). Period a mentions none of them, so S_a(not C) =
   * S_a for every C, and each record of period b touches at most one theme: then V(C) - S_a =
   * sum over k in C of (Y_b(k) - N_b(k) S_a) / N_b, an additive game, whose Shapley value is
   * that term in every order: the sampled values must equal it.
   */
  enum { K = 20, NB = 200 };
  rec a[10], b[NB];
  for (int i = 0; i < 10; i++) a[i] = (rec){0, i < 4 ? 10 : i < 7 ? 8 : 2}; /* S_a = 10 */
  double yk[K] = {0}, nk[K] = {0};
  for (int i = 0; i < NB; i++) {
    int k = i % (K + 3); /* 3 in 23 records touch no theme */
    int score = (i * 7) % 11;
    b[i] = (rec){k < K ? (uint64_t)1 << k : 0, score};
    if (k < K) yk[k] += y_of(score), nk[k]++;
  }
  rec all[10 + NB];
  memcpy(all, a, sizeof a);
  memcpy(all + 10, b, sizeof b);
  agg_group ga, gb, gp;
  fill(&ga, a, 10);
  fill(&gb, b, NB);
  fill(&gp, all, 10 + NB);
  double contrib[K], baseline;
  int exact;
  assert_int_equal(vb__trend_attribute(VB_SCORE_NPS, &ga, &gb, gp.masks, gp.n_masks, K, contrib,
                                       &baseline, &exact),
                   VB_OK);
  assert_false(exact);
  double sum = baseline, sb = 0;
  for (int k = 0; k < K; k++) {
    assert_close(contrib[k], (yk[k] - nk[k] * 10) / NB, 1e-9);
    sum += contrib[k];
  }
  for (int i = 0; i < NB; i++) sb += y_of(b[i].score) / NB;
  assert_close(sum, sb - 10, 1e-9);
  drop(&ga);
  drop(&gb);
  drop(&gp);
}

/* ---- rising themes through an aggregate ---- */

#define CODEBOOK VB_TEST_TMP "/test_trend.codebook"

static void test_rising(void **state) {
  (void)state;
  FILE *fp = fopen(CODEBOOK, "wb");
  assert_non_null(fp);
  fputs("[late]\nen: late\n[staff]\nen: staff\n", fp);
  fclose(fp);
  const char *cbs[1] = {CODEBOOK};
  vb_model_options mo = {0};
  mo.codebooks = cbs;
  mo.n_codebooks = 1;
  mo.no_default_codebook = 1;
  vb_model *m;
  assert_int_equal(vb_model_load(&mo, &m, NULL), VB_OK);
  vb_analyzer *an;
  assert_int_equal(vb_analyzer_new(m, &an), VB_OK);
  vb_score_type type = VB_SCORE_NPS;
  vb_agg_options o = {0};
  o.n_scores = 1;
  o.score_types = &type;
  o.date = "date";
  o.period = VB_PERIOD_MONTH;
  vb_agg *a;
  assert_int_equal(vb_agg_new_with(m, &o, &a), VB_OK);
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
  assert_int_equal(t->n_rising, 2);
  const vb_rising *staff = &t->rising[0], *late = &t->rising[1];
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
      cmocka_unit_test(test_split_against_all_orders),
      cmocka_unit_test(test_split_sampled),
      cmocka_unit_test(test_rising),
      cmocka_unit_test(test_dates_and_periods),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
