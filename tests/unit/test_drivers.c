/*
 * test_drivers.c - key-driver analysis (drivers.c): the Shapley / LMG split of R^2, checked on
 * a three-driver example worked out by hand, against a second implementation (every order of
 * the drivers, R^2 of each subset by Gauss-Jordan elimination on the correlation matrix) on
 * five drivers, on uncorrelated drivers where the answer is r^2 for the sampled path, and
 * through an aggregate against ordinary least squares computed here from the raw records.
 */
#include "vb_test.h"

#include <stdio.h>
#include <stdlib.h>

#include "vb_agg.h"

/* ---- a second implementation ---- */

/* R^2 of the drivers in `mask` by Gauss-Jordan on [R_SS | r_S]: r_S' R_SS^-1 r_S. */
static double r2_subset(const double *R, const double *r, size_t p, unsigned mask) {
  double a[16][17];
  size_t idx[16], k = 0;
  for (size_t i = 0; i < p; i++)
    if (mask >> i & 1) idx[k++] = i;
  for (size_t i = 0; i < k; i++) {
    for (size_t j = 0; j < k; j++) a[i][j] = R[idx[i] * p + idx[j]];
    a[i][k] = r[idx[i]];
  }
  for (size_t c = 0; c < k; c++) {
    size_t piv = c;
    for (size_t i = c + 1; i < k; i++)
      if (fabs(a[i][c]) > fabs(a[piv][c])) piv = i;
    for (size_t j = 0; j <= k; j++) {
      double t = a[c][j];
      a[c][j] = a[piv][j];
      a[piv][j] = t;
    }
    for (size_t i = 0; i < k; i++) {
      if (i == c) continue;
      double f = a[i][c] / a[c][c];
      for (size_t j = c; j <= k; j++) a[i][j] -= f * a[c][j];
    }
  }
  double r2 = 0;
  for (size_t i = 0; i < k; i++) r2 += r[idx[i]] * a[i][k] / a[i][i];
  return r2;
}

/* Shapley values by averaging marginal gains over all p! orders (Heap's algorithm). */
static void shapley_by_orders(const double *R, const double *r, size_t p, double *phi) {
  size_t perm[8], c[8] = {0};
  double count = 0;
  for (size_t i = 0; i < p; i++) perm[i] = i, phi[i] = 0;
  for (;;) {
    unsigned mask = 0;
    double prev = 0;
    for (size_t i = 0; i < p; i++) {
      mask |= 1u << perm[i];
      double cur = r2_subset(R, r, p, mask);
      phi[perm[i]] += cur - prev;
      prev = cur;
    }
    count++;
    size_t i = 1;
    while (i < p && c[i] >= i) c[i++] = 0;
    if (i >= p) break;
    size_t j = i % 2 ? c[i] : 0;
    size_t t = perm[j];
    perm[j] = perm[i];
    perm[i] = t;
    c[i]++;
  }
  for (size_t i = 0; i < p; i++) phi[i] /= count;
}

/* ---- the worked example ---- */

static void test_lmg_three_drivers_by_hand(void **state) {
  (void)state;
  /*
   * Three drivers: x1 and x2 correlate 0.5 with each other, x3 with neither; each correlates
   * with the score: r = (0.5, 0.5, 0.3).
   *   R^2({1}) = R^2({2}) = 0.25, R^2({3}) = 0.09
   *   R^2({1,2}) = r' R^-1 r with R = [[1, .5], [.5, 1]], R^-1 = [[1, -.5], [-.5, 1]] / 0.75:
   *              (0.5 (0.5 - 0.25) + 0.5 (-0.25 + 0.5)) / 0.75 = 0.25 / 0.75 = 1/3
   *   R^2({1,3}) = R^2({2,3}) = 0.25 + 0.09 = 0.34 (x3 is uncorrelated)
   *   R^2({1,2,3}) = 1/3 + 0.09 = 0.4233333
   * Shapley weights for 3 players: 1/3 for the empty and the two-element coalitions, 1/6 for
   * the one-element ones.
   *   phi1 = 1/3 (0.25) + 1/6 (1/3 - 0.25) + 1/6 (0.34 - 0.09) + 1/3 (0.4233333 - 0.34)
   *        = 0.0833333 + 0.0138889 + 0.0416667 + 0.0277778 = 1/6
   *   phi2 = 1/6 (the same by symmetry)
   *   phi3 = 0.09 in every coalition: 0.09
   * They add up to 1/6 + 1/6 + 0.09 = 0.4233333 = R^2 of all three.
   */
  const double R[9] = {1, 0.5, 0, 0.5, 1, 0, 0, 0, 1};
  const double r[3] = {0.5, 0.5, 0.3};
  double phi[3], r2;
  int exact;
  size_t perms;
  assert_int_equal(vb__lmg(R, r, 3, phi, &r2, &exact, &perms), VB_OK);
  assert_true(exact);
  assert_int_equal(perms, 0);
  assert_close(r2, 1.0 / 3 + 0.09, 1e-12);
  assert_close(phi[0], 1.0 / 6, 1e-12);
  assert_close(phi[1], 1.0 / 6, 1e-12);
  assert_close(phi[2], 0.09, 1e-12);
  double brute[3];
  shapley_by_orders(R, r, 3, brute);
  for (int i = 0; i < 3; i++) assert_close(phi[i], brute[i], 1e-12);
}

static void test_lmg_against_all_orders(void **state) {
  (void)state;
  /* five correlated drivers from made-up data: the correlation matrix of five columns */
  enum { N = 40, P = 5 };
  double x[N][P + 1];
  uint64_t seed = 12345;
  for (int i = 0; i < N; i++) {
    double z[P + 1];
    for (int k = 0; k <= P; k++) z[k] = (double)(vb__splitmix(&seed) % 1000) / 1000.0 - 0.5;
    x[i][0] = z[0];
    x[i][1] = 0.6 * z[0] + 0.4 * z[1];
    x[i][2] = z[2];
    x[i][3] = 0.3 * z[2] + 0.7 * z[3] - 0.2 * z[0];
    x[i][4] = z[4];
    x[i][P] = 1.0 * x[i][0] + 0.5 * x[i][2] - 0.8 * x[i][3] + 0.3 * z[5]; /* the score */
  }
  double mean[P + 1] = {0}, C[P + 1][P + 1] = {{0}};
  for (int i = 0; i < N; i++)
    for (int k = 0; k <= P; k++) mean[k] += x[i][k] / N;
  for (int i = 0; i < N; i++)
    for (int k = 0; k <= P; k++)
      for (int l = 0; l <= P; l++) C[k][l] += (x[i][k] - mean[k]) * (x[i][l] - mean[l]);
  double R[P * P], r[P];
  for (int k = 0; k < P; k++) {
    for (int l = 0; l < P; l++) R[k * P + l] = C[k][l] / sqrt(C[k][k] * C[l][l]);
    r[k] = C[k][P] / sqrt(C[k][k] * C[P][P]);
  }
  double phi[P], brute[P], r2;
  int exact;
  size_t perms;
  assert_int_equal(vb__lmg(R, r, P, phi, &r2, &exact, &perms), VB_OK);
  shapley_by_orders(R, r, P, brute);
  double sum = 0;
  for (int k = 0; k < P; k++) {
    assert_close(phi[k], brute[k], 1e-10);
    sum += phi[k];
  }
  assert_close(sum, r2, 1e-12);
  assert_close(r2, r2_subset(R, r, P, (1u << P) - 1), 1e-10);
}

static void test_lmg_sampled_and_collinear(void **state) {
  (void)state;
  /*
   * 18 uncorrelated drivers (more than 15: sampled orders). Each adds r_j^2 whatever comes
   * before it, so every order gives phi_j = r_j^2 exactly, sampled or not.
   */
  enum { P = 18 };
  double R[P * P] = {0}, r[P], phi[P], r2;
  double want = 0;
  for (int k = 0; k < P; k++) {
    R[k * P + k] = 1;
    r[k] = 0.05 * (k % 7) - 0.12;
    want += r[k] * r[k];
  }
  int exact;
  size_t perms;
  assert_int_equal(vb__lmg(R, r, P, phi, &r2, &exact, &perms), VB_OK);
  assert_false(exact);
  assert_int_equal(perms, 1000);
  assert_close(r2, want, 1e-12);
  for (int k = 0; k < P; k++) assert_close(phi[k], r[k] * r[k], 1e-12);
  /*
   * Two copies of one driver and a third driver: the copies share their part equally, the
   * copy adds nothing once the other is in (pivot below 1e-10), R^2 stays that of one copy.
   * x1 = x2, r(x1) = 0.6, x3 uncorrelated with r 0.2: R^2 = 0.36 + 0.04; phi1 = phi2 = 0.18.
   */
  const double R3[9] = {1, 1, 0, 1, 1, 0, 0, 0, 1};
  const double r3[3] = {0.6, 0.6, 0.2};
  double phi3[3];
  assert_int_equal(vb__lmg(R3, r3, 3, phi3, &r2, &exact, &perms), VB_OK);
  assert_close(r2, 0.40, 1e-12);
  assert_close(phi3[0], 0.18, 1e-12);
  assert_close(phi3[1], 0.18, 1e-12);
  assert_close(phi3[2], 0.04, 1e-12);
}

/* ---- through an aggregate ---- */

#define CODEBOOK VB_TEST_TMP "/test_drivers.codebook"
static const char codebook_text[] = "[late]\nen: late\n[staff]\nen: staff\n[price]\nen: price\n";

static void test_drivers_from_aggregate(void **state) {
  (void)state;
  FILE *fp = fopen(CODEBOOK, "wb");
  assert_non_null(fp);
  fputs(codebook_text, fp);
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
  const char *names[1] = {"effort"};
  vb_score_type type = VB_SCORE_NPS;
  const char *sn[1] = {"nps"};
  vb_agg_options o = {0};
  o.n_scores = 1;
  o.score_types = &type;
  o.score_names = sn;
  o.drivers = 1;
  o.n_drivers = 1;
  o.driver_names = names;
  vb_agg *whole, *part[3];
  assert_int_equal(vb_agg_new_with(m, &o, &whole), VB_OK);
  for (int k = 0; k < 3; k++) assert_int_equal(vb_agg_new_with(m, &o, &part[k]), VB_OK);
  /*
   * 120 records: themes by the record number (late every 3rd, staff every 4th, price every
   * 5th), an effort column, a score that falls with late and effort and rises with staff,
   * and a deterministic wobble. Records 7, 50 lack the effort (left out of the regression),
   * record 90 has no score.
   */
  enum { N = 120 };
  double X[N][4], Y[N];
  int used[N];
  size_t n = 0;
  for (int i = 0; i < N; i++) {
    char text[64] = "";
    int late = i % 3 == 0, staff = i % 4 == 0, price = i % 5 == 0;
    snprintf(text, sizeof text, "%s%s%s ok", late ? "late " : "", staff ? "staff " : "",
             price ? "price " : "");
    double effort = (double)((i * 7) % 5) + 1;
    double y = 7 - 3 * late + 2 * staff - 0.5 * (effort - 3) + (double)((i * 13) % 3) - 1;
    y = y < 0 ? 0 : y > 10 ? 10 : floor(y);
    const vb_result *r;
    vb_run_options ro = {VB_LANG_EN, VB_LANG_EN, 0};
    assert_int_equal(vb_analyzer_run(an, text, strlen(text), &ro, &r), VB_OK);
    vb_value sc = {y, i == 90 ? VB_VALUE_MISSING : VB_VALUE_OK};
    vb_value dv = {effort, (i == 7 || i == 50) ? VB_VALUE_MISSING : VB_VALUE_OK};
    vb_agg_record rec = {0};
    rec.result = r;
    rec.scores = &sc;
    rec.drivers = &dv;
    assert_int_equal(vb_agg_add_record(whole, &rec), VB_OK);
    assert_int_equal(vb_agg_add_record(part[i % 3], &rec), VB_OK);
    used[i] = sc.status == VB_VALUE_OK && dv.status == VB_VALUE_OK;
    if (used[i]) {
      X[n][0] = late;
      X[n][1] = staff;
      X[n][2] = price;
      X[n][3] = effort;
      Y[n] = y;
      n++;
    }
  }
  assert_int_equal(n, 117);
  /* the merged parts give the same table as the whole, to the last bit */
  vb_agg *merged;
  assert_int_equal(vb_agg_new_with(m, &o, &merged), VB_OK);
  for (int k = 2; k >= 0; k--) assert_int_equal(vb_agg_merge(merged, part[k]), VB_OK);
  vb_table *t, *tm;
  assert_int_equal(vb_agg_table(whole, &t), VB_OK);
  assert_int_equal(vb_agg_table(merged, &tm), VB_OK);
  const vb_drivers *d = t->drivers, *dm = tm->drivers;
  assert_non_null(d);
  assert_non_null(dm);
  assert_int_equal(d->n, 117);
  assert_int_equal(d->n_rows, 4); /* late 39, staff 30, price 24 mentioners (>= 20), effort */
  assert_int_equal(dm->n_rows, d->n_rows);
  assert_same_double(dm->r2, d->r2);
  for (size_t i = 0; i < d->n_rows; i++) {
    assert_string_equal(dm->rows[i].name, d->rows[i].name);
    assert_same_double(dm->rows[i].shapley, d->rows[i].shapley);
    assert_same_double(dm->rows[i].coef, d->rows[i].coef);
    assert_same_double(dm->rows[i].p, d->rows[i].p);
  }
  /* ordinary least squares here, on the raw records: normal equations with an intercept */
  double A[5][6] = {{0}};
  for (size_t i = 0; i < n; i++) {
    double row[5] = {1, X[i][0], X[i][1], X[i][2], X[i][3]};
    for (int a = 0; a < 5; a++) {
      for (int b = 0; b < 5; b++) A[a][b] += row[a] * row[b];
      A[a][5] += row[a] * Y[i];
    }
  }
  double inv[5][5] = {{0}};
  double M[5][10];
  for (int a = 0; a < 5; a++)
    for (int b = 0; b < 10; b++) M[a][b] = b < 5 ? A[a][b] : (b - 5 == a);
  for (int c = 0; c < 5; c++) {
    double piv = M[c][c];
    for (int b = 0; b < 10; b++) M[c][b] /= piv;
    for (int a = 0; a < 5; a++) {
      if (a == c) continue;
      double f = M[a][c];
      for (int b = 0; b < 10; b++) M[a][b] -= f * M[c][b];
    }
  }
  for (int a = 0; a < 5; a++)
    for (int b = 0; b < 5; b++) inv[a][b] = M[a][b + 5];
  double beta[5] = {0};
  for (int a = 0; a < 5; a++)
    for (int b = 0; b < 5; b++) beta[a] += inv[a][b] * A[b][5];
  double ybar = 0, sst = 0, sse = 0;
  for (size_t i = 0; i < n; i++) ybar += Y[i] / (double)n;
  for (size_t i = 0; i < n; i++) {
    double fit = beta[0] + beta[1] * X[i][0] + beta[2] * X[i][1] + beta[3] * X[i][2] + beta[4] * X[i][3];
    sse += (Y[i] - fit) * (Y[i] - fit);
    sst += (Y[i] - ybar) * (Y[i] - ybar);
  }
  double r2 = 1 - sse / sst, s2 = sse / ((double)n - 5);
  assert_close(d->r2, r2, 1e-9);
  assert_close(d->r2_adj, 1 - (1 - r2) * ((double)n - 1) / ((double)n - 5), 1e-9);
  const char *ids[4] = {"late", "staff", "price", "effort"};
  double share_sum = 0;
  for (int k = 0; k < 4; k++) {
    const vb_driver_row *row = NULL;
    for (size_t i = 0; i < d->n_rows; i++)
      if (!strcmp(d->rows[i].name, ids[k])) row = &d->rows[i];
    assert_non_null(row);
    assert_close(row->coef, beta[k + 1], 1e-9);
    double se = sqrt(s2 * inv[k + 1][k + 1]);
    assert_close(row->se, se, 1e-9);
    assert_close(row->t, beta[k + 1] / se, 1e-7);
    assert_close(row->p, vb__p_student(beta[k + 1] / se, (double)n - 5), 1e-9);
    assert_int_equal(row->theme >= 0, k < 3);
    share_sum += row->shapley;
  }
  assert_close(share_sum, d->r2, 1e-12);
  /* late costs, staff lifts: the signs the data were made with */
  for (size_t i = 0; i < d->n_rows; i++) {
    if (!strcmp(d->rows[i].name, "late")) assert_true(d->rows[i].coef < -2 && d->rows[i].r < 0);
    if (!strcmp(d->rows[i].name, "staff")) assert_true(d->rows[i].coef > 1 && d->rows[i].r > 0);
    if (!strcmp(d->rows[i].name, "effort")) assert_true(d->rows[i].coef < 0);
    if (i) assert_true(d->rows[i - 1].shapley >= d->rows[i].shapley);
  }
  vb_table_free(t);
  vb_table_free(tm);
  vb_agg_free(merged);
  vb_agg_free(whole);
  for (int k = 0; k < 3; k++) vb_agg_free(part[k]);
  vb_analyzer_free(an);
  vb_model_free(m);
  remove(CODEBOOK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lmg_three_drivers_by_hand),
      cmocka_unit_test(test_lmg_against_all_orders),
      cmocka_unit_test(test_lmg_sampled_and_collinear),
      cmocka_unit_test(test_drivers_from_aggregate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
