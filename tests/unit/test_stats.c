/*
 * test_stats.c - the statistics of root-cause tables (stats.c), each checked against values
 * worked out independently: by hand in the comments, by a closed form that stats.c does not
 * use (Student's t with 1, 2 and 4 degrees of freedom, the binomial tail for the incomplete
 * beta), or with 30-digit arithmetic (Python mpmath: betainc, erfc) where noted.
 */
#include "vb_test.h"

#include <stdlib.h>

#include "vb_internal.h"
#include "vb_stats.h"

#define Z 1.959963984540054
#define PI 3.14159265358979323846

/* ---- NPS ---- */

static void test_nps_adjusted_wald(void **state) {
  (void)state;
  double nps, lo, hi;
  /*
   * P = 50, D = 20, N = 100.
   *   NPS = 100 (50 - 20) / 100 = 30.
   * Adjusted Wald (METRICS.md): N' = 103, p' = 50.75 / 103 = 0.4927184, d' = 20.75 / 103 =
   * 0.2014563.
   *   centre = 100 (p' - d') = 29.12621
   *   var    = (p' + d') - (p' - d')^2 = 0.6941748 - 0.0848336 = 0.6093411
   *   SE     = sqrt(0.6093411 / 103) = 0.0769151
   *   margin = 100 * 1.959964 * 0.0769153 = 15.07508
   *   lo = 29.12621 - 15.07508 = 14.05113, hi = 29.12621 + 15.07508 = 44.20130
   * (mpmath: 14.0511301787616, 44.2012970057044.)
   * The interval is centred on the adjusted value, not on 30.
   */
  vb__nps(50, 20, 100, &nps, &lo, &hi);
  assert_close(nps, 30.0, 1e-12);
  assert_close(lo, 14.05113, 1e-4);
  assert_close(hi, 44.20130, 1e-4);
  assert_close((lo + hi) / 2, 100.0 * (50.75 - 20.75) / 103.0, 1e-9);

  /*
   * P = 5, D = 0, N = 5 (all promoters): NPS = 100.
   * N' = 8, p' = 5.75 / 8 = 0.71875, d' = 0.75 / 8 = 0.09375; centre = 62.5;
   * var = 0.8125 - 0.390625 = 0.421875; SE = sqrt(0.421875 / 8) = 0.2296397;
   * margin = 45.00855: lo = 17.49145, hi = 107.50855 -> clamped to 100.
   */
  vb__nps(5, 0, 5, &nps, &lo, &hi);
  assert_close(nps, 100.0, 1e-12);
  assert_close(lo, 17.49145, 1e-4);
  assert_close(hi, 100.0, 0);
  /* mirrored: all detractors */
  vb__nps(0, 5, 5, &nps, &lo, &hi);
  assert_close(nps, -100.0, 1e-12);
  assert_close(lo, -100.0, 0);
  assert_close(hi, -17.49145, 1e-4);

  /* P = D = 4, N = 10: NPS 0; p' = d' = 4.75 / 13; var = 2 * 0.3653846 = 0.7307692;
   * SE = sqrt(0.7307692 / 13) = 0.2370919; margin = 46.46934: [-46.46934, 46.46934]. */
  vb__nps(4, 4, 10, &nps, &lo, &hi);
  assert_close(nps, 0.0, 1e-12);
  assert_close(lo, -46.46934, 1e-4);
  assert_close(hi, 46.46934, 1e-4);

  /* no responses: undefined */
  vb__nps(0, 0, 0, &nps, &lo, &hi);
  assert_nan(nps);
  assert_nan(lo);
  assert_nan(hi);
}

static void test_nps_se(void **state) {
  (void)state;
  /* P = 50, D = 20, N = 100: p = 0.5, d = 0.2; (p + d) - (p - d)^2 = 0.7 - 0.09 = 0.61;
   * SE = 100 sqrt(0.61 / 100) = 7.810250 */
  assert_close(vb__nps_se(50, 20, 100), 7.810250, 1e-5);
  /* second formula: the sample standard deviation of +1/0/-1 scores (population form)
   * divided by sqrt(N), times 100 */
  {
    double mean = (50.0 - 20.0) / 100.0;
    double ss = 50 * (1 - mean) * (1 - mean) + 30 * mean * mean + 20 * (-1 - mean) * (-1 - mean);
    assert_close(vb__nps_se(50, 20, 100), 100.0 * sqrt(ss / 100.0) / sqrt(100.0), 1e-9);
  }
  /* all promoters: no spread, SE 0 */
  assert_close(vb__nps_se(10, 0, 10), 0.0, 0);
  /* half promoters, half detractors: var = 1 - 0 = 1, SE = 100 / sqrt(4) = 50 */
  assert_close(vb__nps_se(2, 2, 4), 50.0, 1e-12);
  assert_nan(vb__nps_se(0, 0, 0));
}

static void test_nps_se_adjusted(void **state) {
  (void)state;
  /* the same as the margin of vb__nps divided by z: 15.07508 / 1.959964 = 7.691513 */
  assert_close(vb__nps_se_adjusted(50, 20, 100), 15.0750834 / Z, 1e-5);
  /* never zero: all detractors, N = 5 -> N' = 8, p' = 0.09375, d' = 0.71875,
   * var = 0.8125 - 0.390625 = 0.421875, SE = 100 sqrt(0.421875 / 8) = 22.96397 */
  assert_close(vb__nps_se_adjusted(0, 5, 5), 22.96397, 1e-4);
  assert_true(vb__nps_se_adjusted(0, 0, 0) > 0);
}

/* ---- Wilson ---- */

static void test_wilson(void **state) {
  (void)state;
  double lo, hi;
  /* k = 0: lo = 0, hi = z^2 / (n + z^2) = 3.841459 / 23.841459 = 0.1611252 */
  vb__wilson(0, 20, &lo, &hi);
  assert_close(lo, 0.0, 1e-12);
  assert_true(lo >= 0);
  assert_close(hi, Z * Z / (20 + Z * Z), 1e-12);
  assert_close(hi, 0.1611252, 1e-6);
  /* k = n: lo = n / (n + z^2) = 20 / 23.841459 = 0.8388748, hi = 1 */
  vb__wilson(20, 20, &lo, &hi);
  assert_close(lo, 20 / (20 + Z * Z), 1e-12);
  assert_close(lo, 0.8388748, 1e-6);
  assert_true(hi <= 1.0);
  assert_close(hi, 1.0, 1e-12);
  /*
   * k = 5, n = 20: p = 0.25, z^2 / n = 0.1920730, denom = 1.1920730
   *   centre = (0.25 + 0.0960365) / 1.1920730 = 0.2902835
   *   half   = 1.959964 sqrt(0.25 * 0.75 / 20 + 3.841459 / 1600) / 1.1920730
   *          = 1.959964 sqrt(0.009375 + 0.0024009) / 1.1920730 = 0.1784174
   *   [0.1118617, 0.4687009]
   */
  vb__wilson(5, 20, &lo, &hi);
  assert_close(lo, 0.1118617, 1e-6);
  assert_close(hi, 0.4687009, 1e-6);
  /* the interval is not symmetric around p = 0.25 but around the centre */
  assert_close((lo + hi) / 2, (0.25 + Z * Z / 40) / (1 + Z * Z / 20), 1e-12);
  /* n = 0: undefined */
  vb__wilson(0, 0, &lo, &hi);
  assert_nan(lo);
  assert_nan(hi);
}

/* ---- p-values ---- */

static void test_p_normal(void **state) {
  (void)state;
  /* erfc(1.96 / sqrt 2) = 0.0499958 */
  assert_close(vb__p_normal(1.96), 0.05, 1e-4);
  assert_close(vb__p_normal(1.96), 0.0499957903, 1e-9);
  assert_close(vb__p_normal(-1.96), vb__p_normal(1.96), 0);
  assert_close(vb__p_normal(Z), 0.05, 1e-12);
  assert_close(vb__p_normal(0), 1.0, 0);
  /* 2.5758293 is the 99.5% quantile: p = 0.01 */
  assert_close(vb__p_normal(2.5758293035489), 0.01, 1e-9);
  assert_true(vb__p_normal(40) >= 0 && vb__p_normal(40) < 1e-300);
  assert_nan(vb__p_normal(NAN));
}

static void test_p_student(void **state) {
  (void)state;
  /* the table value: t(0.975, 10) = 2.228 (mpmath: p = 0.0500118) */
  assert_close(vb__p_student(2.228, 10), 0.05, 1e-3);
  assert_close(vb__p_student(2.228, 10), 0.0500118, 1e-6);
  assert_close(vb__p_student(-2.228, 10), vb__p_student(2.228, 10), 1e-15);
  assert_close(vb__p_student(0, 10), 1.0, 0);
  assert_close(vb__p_student(0, 1), 1.0, 0);
  /* df = 1 (Cauchy): p = 1 - (2 / pi) atan|t| */
  for (double t = 0.25; t < 20; t *= 1.7)
    assert_close(vb__p_student(t, 1), 1 - 2 / PI * atan(t), 1e-12);
  /* df = 2: p = 1 - |t| / sqrt(2 + t^2) */
  for (double t = 0.25; t < 20; t *= 1.7)
    assert_close(vb__p_student(t, 2), 1 - t / sqrt(2 + t * t), 1e-12);
  /* df = 4: p = 1 - t (t^2 + 6) / (t^2 + 4)^(3/2); t = 2: 1 - 20 / 8^1.5 = 0.1161165 */
  assert_close(vb__p_student(2, 4), 0.1161165, 1e-6);
  for (double t = 0.25; t < 20; t *= 1.7)
    assert_close(vb__p_student(t, 4), 1 - t * (t * t + 6) / pow(t * t + 4, 1.5), 1e-12);
  /* large df tends to the normal */
  assert_close(vb__p_student(1.96, 1e7), vb__p_normal(1.96), 1e-6);
  /* undefined */
  assert_nan(vb__p_student(1, 0));
  assert_nan(vb__p_student(1, -3));
  assert_nan(vb__p_student(NAN, 5));
}

static void test_welch(void **state) {
  (void)state;
  /*
   * Group 1: {1, 3}: mean 2, sample variance ((1-2)^2 + (3-2)^2) / 1 = 2, n = 2.
   * Group 2: {4, 6}: mean 5, variance 2, n = 2.
   *   s1 = 2 / 2 = 1, s2 = 1; t = (2 - 5) / sqrt(2) = -2.1213203
   *   df = (1 + 1)^2 / (1 / 1 + 1 / 1) = 2
   *   p (df = 2) = 1 - |t| / sqrt(2 + t^2) = 1 - 2.1213203 / sqrt(6.5) = 0.1679497
   */
  assert_close(vb__welch_p(2, 2, 2, 5, 2, 2), 0.1679497, 1e-6);
  assert_close(vb__welch_p(5, 2, 2, 2, 2, 2), 0.1679497, 1e-6); /* symmetric */
  /*
   * Unequal variances: {1, 2, 3} (mean 2, var 1) against {4, 5, 6, 7, 8} (mean 6, var 2.5).
   *   s1 = 1/3, s2 = 0.5; t = -4 / sqrt(0.8333333) = -4.3817805
   *   df = 0.8333333^2 / ((1/3)^2 / 2 + 0.5^2 / 4) = 0.6944444 / 0.1180556 = 5.8823529
   *   p = I_{df / (df + t^2)}(df / 2, 1/2) = 0.00488263 (mpmath betainc)
   */
  assert_close(vb__welch_p(2, 1, 3, 6, 2.5, 5), 0.00488263, 1e-7);
  /* equal means: t = 0, p = 1 */
  assert_close(vb__welch_p(4, 1, 10, 4, 3, 12), 1.0, 1e-12);
  /* no variance at all: 1 when the means agree, 0 when they differ */
  assert_close(vb__welch_p(3, 0, 5, 3, 0, 5), 1.0, 0);
  assert_close(vb__welch_p(3, 0, 5, 4, 0, 5), 0.0, 0);
  /* fewer than two in a group, or no variance known: undefined (NaN, which vb__bh skips).
   * vb_stats.h says "1 when undefined"; stats.c and agg.c use NaN: see the report. */
  assert_nan(vb__welch_p(3, 1, 1, 4, 1, 5));
  assert_nan(vb__welch_p(3, NAN, 5, 4, 1, 5));
}

static void test_two_prop(void **state) {
  (void)state;
  /*
   * 30 / 100 against 20 / 100: pooled p = 50 / 200 = 0.25
   *   SE = sqrt(0.25 * 0.75 * (1/100 + 1/100)) = sqrt(0.00375) = 0.0612372
   *   z  = (0.30 - 0.20) / 0.0612372 = 1.6329932
   *   p  = erfc(1.6329932 / sqrt 2) = 0.1024704
   */
  assert_close(vb__two_prop_p(30, 100, 20, 100), 0.1024704, 1e-6);
  assert_close(vb__two_prop_p(20, 100, 30, 100), 0.1024704, 1e-6);
  /* equal proportions: z = 0 */
  assert_close(vb__two_prop_p(5, 10, 50, 100), 1.0, 1e-12);
  /* nothing in either group: no spread, same proportion */
  assert_close(vb__two_prop_p(0, 10, 0, 20), 1.0, 0);
  assert_close(vb__two_prop_p(10, 10, 20, 20), 1.0, 0);
  /* 0 / 50 against 50 / 50: pooled 0.5, SE = sqrt(0.25 * 0.04) = 0.1, z = 10 */
  assert_close(vb__two_prop_p(0, 50, 50, 50), erfc(10 / sqrt(2.0)), 1e-20);
  assert_nan(vb__two_prop_p(1, 0, 1, 10));
  assert_nan(vb__two_prop_p(1, 10, 0, 0));
}

/* ---- incomplete beta ---- */

static void test_ibeta(void **state) {
  (void)state;
  /* I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1 - x)^b */
  for (double x = 0.05; x < 1; x += 0.1) {
    assert_close(vb__ibeta(1, 1, x), x, 1e-13);
    assert_close(vb__ibeta(3, 1, x), x * x * x, 1e-13);
    assert_close(vb__ibeta(1, 4, x), 1 - pow(1 - x, 4), 1e-13);
    /* symmetry: I_x(a, b) = 1 - I_{1-x}(b, a) */
    assert_close(vb__ibeta(2.5, 7, x), 1 - vb__ibeta(7, 2.5, 1 - x), 1e-13);
  }
  /* I_0.5(a, a) = 1/2 */
  assert_close(vb__ibeta(4, 4, 0.5), 0.5, 1e-13);
  assert_close(vb__ibeta(0.5, 0.5, 0.5), 0.5, 1e-13);
  /* I_0.3(2, 3) = sum_{j=2..4} C(4, j) 0.3^j 0.7^(4-j) = 0.2646 + 0.0756 + 0.0081 = 0.3483 */
  assert_close(vb__ibeta(2, 3, 0.3), 0.3483, 1e-12);
  /* binomial tail: I_p(k, n - k + 1) = P(X >= k), X ~ Bin(n, p); n = 10, p = 0.3, k = 3:
   * 1 - 0.7^10 - 10 * 0.3 * 0.7^9 - 45 * 0.09 * 0.7^8 = 0.6172172136 */
  assert_close(vb__ibeta(3, 8, 0.3),
               1 - pow(0.7, 10) - 10 * 0.3 * pow(0.7, 9) - 45 * 0.09 * pow(0.7, 8), 1e-12);
  /* arcsine law: I_x(1/2, 1/2) = (2 / pi) asin(sqrt x); x = 0.9: 0.7951672353 */
  assert_close(vb__ibeta(0.5, 0.5, 0.9), 2 / PI * asin(sqrt(0.9)), 1e-12);
  /* mpmath betainc */
  assert_close(vb__ibeta(10, 15, 0.4), 0.5109198068510469, 1e-12);
  assert_close(vb__ibeta(200, 3, 0.999), 0.9988334368468834, 1e-10);
  /* bounds */
  assert_close(vb__ibeta(2, 3, 0), 0, 0);
  assert_close(vb__ibeta(2, 3, -1), 0, 0);
  assert_close(vb__ibeta(2, 3, 1), 1, 0);
  assert_close(vb__ibeta(2, 3, 2), 1, 0);
}

/* ---- Benjamini-Hochberg ---- */

static void test_bh(void **state) {
  (void)state;
  /*
   * p = {0.005, 0.04, 0.02, 0.04, NaN, 0.30}: the NaN is skipped, m = 5.
   * sorted: 0.005 (rank 1), 0.02 (2), 0.04 (3), 0.04 (4), 0.30 (5)
   * p * m / rank: 0.025, 0.05, 0.0667, 0.05, 0.30
   * running minimum from the top: rank 5: 0.30; 4: 0.05; 3: min(0.0667, 0.05) = 0.05;
   *   2: min(0.05, 0.05) = 0.05; 1: min(0.025, 0.05) = 0.025
   * q = {0.025, 0.05, 0.05, 0.05, NaN, 0.30}: the tied p values get the same q.
   */
  const double p[6] = {0.005, 0.04, 0.02, 0.04, NAN, 0.30};
  double q[6];
  assert_int_equal(vb__bh(p, q, 6), VB_OK);
  assert_close(q[0], 0.025, 1e-15);
  assert_close(q[1], 0.05, 1e-15);
  assert_close(q[2], 0.05, 1e-15);
  assert_close(q[3], 0.05, 1e-15);
  assert_nan(q[4]);
  assert_close(q[5], 0.30, 1e-15);

  /* monotone in p, never below p, at most 1 */
  const double p2[5] = {0.9, 0.01, 0.5, 0.011, 0.99};
  double q2[5];
  assert_int_equal(vb__bh(p2, q2, 5), VB_OK);
  /* sorted 0.01, 0.011, 0.5, 0.9, 0.99; raw 0.05, 0.0275, 0.8333, 1.125, 0.99;
   * from the top: 0.99, 0.99, 0.8333, 0.0275, 0.0275 */
  assert_close(q2[1], 0.0275, 1e-15);
  assert_close(q2[3], 0.0275, 1e-15);
  assert_close(q2[2], 0.5 * 5 / 3, 1e-15);
  assert_close(q2[0], 0.99, 1e-15);
  assert_close(q2[4], 0.99, 1e-15);
  for (size_t i = 0; i < 5; i++)
    assert_true(q2[i] >= p2[i] && q2[i] <= 1);

  /* all NaN, and nothing at all */
  const double pn[2] = {NAN, NAN};
  double qn[2] = {0, 0};
  assert_int_equal(vb__bh(pn, qn, 2), VB_OK);
  assert_nan(qn[0]);
  assert_nan(qn[1]);
  assert_int_equal(vb__bh(NULL, NULL, 0), VB_OK);
  /* a single p is its own q */
  double one = 0.2, qone = 0;
  assert_int_equal(vb__bh(&one, &qone, 1), VB_OK);
  assert_close(qone, 0.2, 0);
}

/* ---- histograms ---- */

static void hist_of(vb__hist *h, const int *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    assert_int_equal(vb__hist_add(h, (int64_t)v[i] * 1000, 1), VB_OK);
}

static void test_hist_add_sorted_and_counted(void **state) {
  (void)state;
  vb__hist h = {0};
  /* the NPS fixture of test_agg: 2 0 8 9 5 10 9 7 10 6 */
  const int v[] = {2, 0, 8, 9, 5, 10, 9, 7, 10, 6};
  hist_of(&h, v, 10);
  assert_int_equal(vb__hist_n(&h), 10);
  assert_int_equal(h.n, 8); /* distinct values: 0 2 5 6 7 8 9 10 */
  const int64_t want_v[] = {0, 2000, 5000, 6000, 7000, 8000, 9000, 10000};
  const uint64_t want_c[] = {1, 1, 1, 1, 1, 1, 2, 2};
  for (size_t i = 0; i < 8; i++) {
    assert_true(h.bins[i].value == want_v[i]);
    assert_int_equal(h.bins[i].count, want_c[i]);
  }
  /* counts of more than one at once, negative and fractional values */
  assert_int_equal(vb__hist_add(&h, -1500, 3), VB_OK);
  assert_int_equal(vb__hist_add(&h, 9000, 5), VB_OK);
  assert_true(h.bins[0].value == -1500);
  assert_int_equal(vb__hist_n(&h), 18);
  assert_int_equal(vb__hist_count_range(&h, 9, 9), 7);
  vb__hist_free(&h);
  assert_int_equal(h.n, 0);
  assert_null(h.bins);
  assert_int_equal(vb__hist_n(&h), 0);
}

static void test_hist_count_range(void **state) {
  (void)state;
  vb__hist h = {0};
  const int v[] = {2, 0, 8, 9, 5, 10, 9, 7, 10, 6};
  hist_of(&h, v, 10);
  /* promoters 9-10: 9 9 10 10; detractors 0-6: 2 0 5 6; passives 7-8: 8 7 */
  assert_int_equal(vb__hist_count_range(&h, 9, 10), 4);
  assert_int_equal(vb__hist_count_range(&h, 0, 6), 4);
  assert_int_equal(vb__hist_count_range(&h, 7, 8), 2);
  /* inclusive at both ends, empty ranges */
  assert_int_equal(vb__hist_count_range(&h, 10, 10), 2);
  assert_int_equal(vb__hist_count_range(&h, 0, 0), 1);
  assert_int_equal(vb__hist_count_range(&h, 3, 4), 0);
  assert_int_equal(vb__hist_count_range(&h, 11, 20), 0);
  assert_int_equal(vb__hist_count_range(&h, 6, 5), 0);
  /* fractional values: 8.5 is neither 8 nor 9 */
  assert_int_equal(vb__hist_add(&h, 8500, 1), VB_OK);
  assert_int_equal(vb__hist_count_range(&h, 9, 10), 4);
  assert_int_equal(vb__hist_count_range(&h, 7, 8), 2);
  assert_int_equal(vb__hist_count_range(&h, 8.5, 8.5), 1);
  vb__hist_free(&h);
}

static void test_hist_moments(void **state) {
  (void)state;
  vb__hist h = {0};
  double mean, var;
  /* empty: both undefined; one value: mean defined, variance undefined */
  vb__hist_moments(&h, &mean, &var);
  assert_nan(mean);
  assert_nan(var);
  assert_int_equal(vb__hist_add(&h, 7000, 1), VB_OK);
  vb__hist_moments(&h, &mean, &var);
  assert_close(mean, 7.0, 0);
  assert_nan(var);
  vb__hist_free(&h);
  /*
   * 2 0 8 9 5 10 9 7 10 6: sum 66, mean 6.6.
   * squared deviations: 21.16 43.56 1.96 5.76 2.56 11.56 5.76 0.16 11.56 0.36 = 104.4
   * sample variance 104.4 / 9 = 11.6
   */
  const int v[] = {2, 0, 8, 9, 5, 10, 9, 7, 10, 6};
  hist_of(&h, v, 10);
  vb__hist_moments(&h, &mean, &var);
  assert_close(mean, 6.6, 1e-12);
  assert_close(var, 11.6, 1e-12);
  vb__hist_free(&h);
  /* fractional scores: {8.5, 8.5, 9.5}: mean 26.5 / 3 = 8.8333, var ((1/3)^2 * 2 + (2/3)^2) / 2
   * = (2/9 + 4/9) / 2 = 1/3 */
  assert_int_equal(vb__hist_add(&h, 8500, 2), VB_OK);
  assert_int_equal(vb__hist_add(&h, 9500, 1), VB_OK);
  vb__hist_moments(&h, &mean, &var);
  assert_close(mean, 26.5 / 3, 1e-12);
  assert_close(var, 1.0 / 3, 1e-12);
  vb__hist_free(&h);
}

static void test_hist_merge_and_sub(void **state) {
  (void)state;
  vb__hist a = {0}, b = {0}, all = {0}, out = {0};
  const int va[] = {2, 0, 8, 9, 5};
  const int vb[] = {10, 9, 7, 10, 6};
  const int vall[] = {2, 0, 8, 9, 5, 10, 9, 7, 10, 6};
  hist_of(&a, va, 5);
  hist_of(&b, vb, 5);
  hist_of(&all, vall, 10);
  /* merge(a, b) equals the histogram of all the values, bin for bin */
  assert_int_equal(vb__hist_merge(&a, &b), VB_OK);
  assert_int_equal(a.n, all.n);
  for (size_t i = 0; i < all.n; i++) {
    assert_true(a.bins[i].value == all.bins[i].value);
    assert_int_equal(a.bins[i].count, all.bins[i].count);
  }
  /* merging an empty histogram changes nothing; into an empty one copies */
  vb__hist empty = {0};
  assert_int_equal(vb__hist_merge(&a, &empty), VB_OK);
  assert_int_equal(vb__hist_n(&a), 10);
  assert_int_equal(vb__hist_merge(&empty, &b), VB_OK);
  assert_int_equal(vb__hist_n(&empty), 5);
  vb__hist_free(&empty);

  /* all - b = the first five values: 0 2 5 8 9 (each once) */
  assert_int_equal(vb__hist_sub(&out, &all, &b), VB_OK);
  assert_int_equal(vb__hist_n(&out), 5);
  assert_int_equal(out.n, 5);
  const int64_t want[] = {0, 2000, 5000, 8000, 9000};
  for (size_t i = 0; i < 5; i++) {
    assert_true(out.bins[i].value == want[i]);
    assert_int_equal(out.bins[i].count, 1);
  }
  /* bins that drop to zero disappear: all - all is empty; out is reused (n reset) */
  assert_int_equal(vb__hist_sub(&out, &all, &all), VB_OK);
  assert_int_equal(out.n, 0);
  assert_int_equal(vb__hist_n(&out), 0);
  /* all - empty = all */
  vb__hist none = {0};
  assert_int_equal(vb__hist_sub(&out, &all, &none), VB_OK);
  assert_int_equal(vb__hist_n(&out), 10);
  assert_int_equal(out.n, all.n);
  vb__hist_free(&a);
  vb__hist_free(&b);
  vb__hist_free(&all);
  vb__hist_free(&out);
}

/* ---- exact tests, the gamma and F distributions, 128-bit sums ---- */

static void test_fisher_2x2(void **state) {
  (void)state;
  /*
   * Two-sided p = the sum of the hypergeometric probabilities C(r1, x) C(r2, c1 - x) / C(n, c1)
   * of the tables no more likely than the one seen, computed as exact fractions (Python
   * fractions.Fraction over math.comb) for this test:
   *   [[3, 1], [1, 3]]   17/35 = 0.4857143 (R's fisher.test "tea tasting" example)
   *   [[1, 9], [11, 3]]  41/14858 = 0.002759456 (R documents 0.002759)
   *   [[0, 5], [5, 0]]   1/126
   *   [[2, 7], [8, 2]]   1063/46189
   *   [[10, 0], [0, 10]] 1/92378
   *   [[5, 5], [5, 5]]   1
   *   [[12, 5], [3, 20]] 354917/1183098384
   */
  assert_close(vb__fisher_2x2(3, 1, 1, 3), 17.0 / 35, 1e-12);
  assert_close(vb__fisher_2x2(1, 9, 11, 3), 41.0 / 14858, 1e-12);
  assert_close(vb__fisher_2x2(0, 5, 5, 0), 1.0 / 126, 1e-12);
  assert_close(vb__fisher_2x2(2, 7, 8, 2), 1063.0 / 46189, 1e-12);
  assert_close(vb__fisher_2x2(10, 0, 0, 10), 1.0 / 92378, 1e-14);
  assert_close(vb__fisher_2x2(5, 5, 5, 5), 1.0, 1e-12);
  assert_close(vb__fisher_2x2(12, 5, 3, 20), 354917.0 / 1183098384, 1e-14);
  /* symmetric in rows and in columns */
  assert_close(vb__fisher_2x2(11, 3, 1, 9), 41.0 / 14858, 1e-12);
  assert_close(vb__fisher_2x2(9, 1, 3, 11), 41.0 / 14858, 1e-12);
  assert_nan(vb__fisher_2x2(0, 0, 0, 0));
}

static void test_fisher_2x3(void **state) {
  (void)state;
  /*
   * Fisher-Freeman-Halton: the same over all 2 x 3 tables with the margins of the one seen.
   * (0 0 3 / 3 2 1) by hand (test_agg.c has the enumeration): 1/7. The others as exact
   * fractions (Python, enumerating every table):
   *   (1 2 7 / 8 3 2)    12161/572033
   *   (5 0 0 / 0 5 5)    1/1001
   *   (2 2 2 / 2 2 2)    1
   *   (3 1 4 / 10 6 2)   3238/24035
   *   (0 4 1 / 9 2 12)   11/2340
   */
  uint64_t x1[3] = {0, 0, 3}, y1[3] = {3, 2, 1};
  assert_close(vb__fisher_2x3(x1, y1), 1.0 / 7, 1e-12);
  uint64_t x2[3] = {1, 2, 7}, y2[3] = {8, 3, 2};
  assert_close(vb__fisher_2x3(x2, y2), 12161.0 / 572033, 1e-12);
  uint64_t x3[3] = {5, 0, 0}, y3[3] = {0, 5, 5};
  assert_close(vb__fisher_2x3(x3, y3), 1.0 / 1001, 1e-13);
  uint64_t x4[3] = {2, 2, 2}, y4[3] = {2, 2, 2};
  assert_close(vb__fisher_2x3(x4, y4), 1.0, 1e-12);
  uint64_t x5[3] = {3, 1, 4}, y5[3] = {10, 6, 2};
  assert_close(vb__fisher_2x3(x5, y5), 3238.0 / 24035, 1e-12);
  uint64_t x6[3] = {0, 4, 1}, y6[3] = {9, 2, 12};
  assert_close(vb__fisher_2x3(x6, y6), 11.0 / 2340, 1e-12);
  /* the rows swapped, the columns permuted: the same p */
  assert_close(vb__fisher_2x3(y6, x6), 11.0 / 2340, 1e-12);
  uint64_t x7[3] = {1, 0, 4}, y7[3] = {12, 9, 2};
  assert_close(vb__fisher_2x3(x7, y7), 11.0 / 2340, 1e-12);
  /* a column that is empty: the 2 x 2 test on the other two */
  uint64_t x8[3] = {3, 0, 1}, y8[3] = {1, 0, 3};
  assert_close(vb__fisher_2x3(x8, y8), 17.0 / 35, 1e-12);
  /* too many tables to enumerate: NaN (the caller falls back to the z test) */
  uint64_t x9[3] = {5000, 5000, 5000}, y9[3] = {5000, 5000, 5000};
  assert_nan(vb__fisher_2x3(x9, y9));
}

/* The hypergeometric upper tail, from sums of binomial coefficients worked out by hand (small)
 * or with exact rational arithmetic (Python's math.comb and fractions; large). */
static void test_hyper_upper(void **state) {
  (void)state;
  /* 10 records, themes of 4 and 5: P(X >= 3) = (C(4,3) C(6,2) + C(4,4) C(6,1)) / C(10,5) */
  assert_close(vb__hyper_upper(3, 4, 5, 10), 66.0 / 252, 1e-12);
  /* below the mode (2): 1 - P(X = 0) = 1 - C(6,5) / C(10,5) */
  assert_close(vb__hyper_upper(1, 4, 5, 10), 246.0 / 252, 1e-12);
  /* at the mode: 1 - P(X = 0) - P(X = 1) = 1 - (C(6,5) + C(4,1) C(6,4)) / C(10,5) */
  assert_close(vb__hyper_upper(2, 4, 5, 10), 1 - (6.0 + 60.0) / 252, 1e-12);
  assert_close(vb__hyper_upper(0, 4, 5, 10), 1.0, 0);
  assert_close(vb__hyper_upper(5, 4, 5, 10), 0.0, 0); /* more than the smaller set */
  assert_close(vb__hyper_upper(4, 4, 5, 10), 6.0 / 252, 1e-12); /* C(4,4) C(6,1) / C(10,5) */
  /* 7 and 6 of 10 overlap in at least 3: that is certain; all 6 in the 7: C(7,6) / C(10,6) */
  assert_close(vb__hyper_upper(3, 7, 6, 10), 1.0, 0);
  assert_close(vb__hyper_upper(6, 7, 6, 10), 7.0 / 210, 1e-12);
  assert_close(vb__hyper_upper(6, 6, 7, 10), 7.0 / 210, 1e-12); /* symmetric */
  /* large: expected 1 together, 10 seen; expected 24, 40 and 20 seen */
  assert_close(vb__hyper_upper(10, 1000, 1000, 1000000), 1.0357074276483974e-07, 1e-14);
  assert_close(vb__hyper_upper(40, 300, 400, 5000), 0.0007396210976164405, 1e-12);
  assert_close(vb__hyper_upper(20, 300, 400, 5000), 0.8384446845576276, 1e-10);
  assert_true(isnan(vb__hyper_upper(1, 11, 5, 10)));
  /* a tail below the smallest double is 0 */
  assert_close(vb__hyper_upper(2000000, 2000000, 2000000, 100000000), 0.0, 0);
}

static void test_bh_family(void **state) {
  (void)state;
  /* two p among ten tests: q = p m / rank, then the running minimum from the top */
  double p[2] = {0.04, 0.01}, q[2];
  assert_int_equal(vb__bh_family(p, q, 2, 10), VB_OK);
  assert_close(q[1], 0.1, 1e-12);
  assert_close(q[0], 0.2, 1e-12);
  /* a family smaller than the tests given is the tests given: vb__bh */
  double q2[2];
  assert_int_equal(vb__bh_family(p, q, 2, 1), VB_OK);
  assert_int_equal(vb__bh(p, q2, 2), VB_OK);
  assert_close(q[0], q2[0], 0);
  assert_close(q[1], q2[1], 0);
  assert_close(q[0], 0.04, 1e-12);
}

static void test_gamma_and_poisson(void **state) {
  (void)state;
  /* closed forms: P(1, x) = 1 - e^-x; P(1/2, x) = erf(sqrt x) */
  for (double x = 0.1; x < 30; x *= 1.7) {
    assert_close(vb__gamma_p(1, x), 1 - exp(-x), 1e-13);
    assert_close(vb__gamma_p(0.5, x), erf(sqrt(x)), 1e-13);
  }
  assert_close(vb__gamma_p(3, 0), 0, 0);
  assert_nan(vb__gamma_p(0, 1));
  /*
   * P(X >= k) for Poisson(lambda), against the sum 1 - sum_{i<k} e^-l l^i / i! in 50-digit
   * decimal arithmetic (Python decimal):
   *   k 12, l 13/6    3.0634109688164247e-06
   *   k 5,  l 0.7     7.855354489530239e-04
   *   k 1,  l 3       0.950212931632136
   *   k 30, l 10      2.5099512015279076e-07
   *   k 3,  l 5.5     0.9116235676432145
   */
  assert_close(vb__poisson_upper(12, 13.0 / 6), 3.0634109688164247e-06, 1e-16);
  assert_close(vb__poisson_upper(5, 0.7), 7.855354489530239e-04, 1e-15);
  assert_close(vb__poisson_upper(1, 3), 0.950212931632136, 1e-14);
  assert_close(vb__poisson_upper(30, 10), 2.5099512015279076e-07, 1e-17);
  assert_close(vb__poisson_upper(3, 5.5), 0.9116235676432145, 1e-14);
  assert_close(vb__poisson_upper(0, 4), 1, 0);
  assert_close(vb__poisson_upper(4, 0), 0, 0);
  /* and a second implementation here: the direct sum in double precision */
  for (double l = 0.3; l < 40; l *= 2.1)
    for (uint64_t k = 1; k < 60; k += 7) {
      double sum = 0, term = exp(-l);
      for (uint64_t i = 0; i < k; i++) {
        sum += term;
        term *= l / (double)(i + 1);
      }
      assert_close(vb__poisson_upper(k, l), 1 - sum, 1e-12);
    }
}

static void test_f_distribution(void **state) {
  (void)state;
  /* F(1, d) is t(d) squared: P(F > t^2) = two-sided P(|T| > t) */
  for (double t = 0.2; t < 8; t *= 1.9)
    for (double df = 1; df < 200; df *= 3) assert_close(vb__p_f(t * t, 1, df), vb__p_student(t, df), 1e-12);
  /* F(2, d): P(F > f) = (1 + 2 f / d)^(-d / 2) */
  for (double f = 0.1; f < 50; f *= 2.3)
    for (double d = 1; d < 100; d *= 2.7)
      assert_close(vb__p_f(f, 2, d), pow(1 + 2 * f / d, -d / 2), 1e-12);
  assert_close(vb__p_f(0, 3, 10), 1, 0);
  assert_nan(vb__p_f(NAN, 3, 10));
}

static void test_i128(void **state) {
  (void)state;
  char b[48];
  vb__i128 a = {0, 0};
  vb__i128_addmul(&a, INT64_MAX, INT64_MAX);
  vb__i128_format(a, b);
  assert_string_equal(b, "85070591730234615847396907784232501249"); /* (2^63 - 1)^2 */
  vb__i128_addmul(&a, INT64_MIN, INT64_MAX); /* - 2^63 (2^63 - 1) */
  vb__i128_format(a, b);
  assert_string_equal(b, "-9223372036854775807"); /* (2^63 - 1)^2 - 2^63 (2^63 - 1) */
  vb__i128 z = {0, 0};
  vb__i128_add64(&z, -5);
  vb__i128_add64(&z, 3);
  vb__i128_format(z, b);
  assert_string_equal(b, "-2");
  assert_close(vb__i128_double(z), -2, 0);
  /* sums of products that overflow 64 bits: 10^6 times (10^15)^2 */
  vb__i128 s = {0, 0};
  for (int i = 0; i < 1000000; i++) vb__i128_addmul(&s, 1000000000000000LL, -1000000000000000LL);
  vb__i128_format(s, b);
  assert_string_equal(b, "-1000000000000000000000000000000000000");
  assert_close(vb__i128_double(s), -1e36, 1e21);
  /* parse is the inverse of format */
  const char *texts[] = {"0", "-1", "170141183460469231731687303715884105727",
                         "-170141183460469231731687303715884105727", "18446744073709551616",
                         "-18446744073709551617"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    const char *p = texts[i];
    vb__i128 v;
    assert_true(vb__i128_parse(&p, &v));
    assert_int_equal(*p, '\0');
    vb__i128_format(v, b);
    assert_string_equal(b, texts[i]);
  }
  const char *bad[] = {"", "-", "x", "170141183460469231731687303715884105728",
                       "9999999999999999999999999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const char *p = bad[i];
    vb__i128 v;
    assert_false(vb__i128_parse(&p, &v));
  }
  vb__i128 x = {0, 5}, y = {0, 7}, m = {-1, 0};
  assert_true(vb__i128_cmp(x, y) < 0 && vb__i128_cmp(y, x) > 0 && vb__i128_cmp(x, x) == 0);
  assert_true(vb__i128_cmp(m, x) < 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nps_adjusted_wald),
      cmocka_unit_test(test_nps_se),
      cmocka_unit_test(test_nps_se_adjusted),
      cmocka_unit_test(test_wilson),
      cmocka_unit_test(test_p_normal),
      cmocka_unit_test(test_p_student),
      cmocka_unit_test(test_welch),
      cmocka_unit_test(test_two_prop),
      cmocka_unit_test(test_ibeta),
      cmocka_unit_test(test_bh),
      cmocka_unit_test(test_hist_add_sorted_and_counted),
      cmocka_unit_test(test_hist_count_range),
      cmocka_unit_test(test_hist_moments),
      cmocka_unit_test(test_hist_merge_and_sub),
      cmocka_unit_test(test_fisher_2x2),
      cmocka_unit_test(test_fisher_2x3),
      cmocka_unit_test(test_hyper_upper),
      cmocka_unit_test(test_bh_family),
      cmocka_unit_test(test_gamma_and_poisson),
      cmocka_unit_test(test_f_distribution),
      cmocka_unit_test(test_i128),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
