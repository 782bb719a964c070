/*
 * test_agree.c - agreement with a hand coding (agree.c): Cohen's kappa and its interval on
 * tables worked out by hand (and checked against a bootstrap of 20,000 resamples while the
 * formula was written: standard errors 0.101 against 0.106 for the 2x2 table, 0.087 against
 * 0.088 for the 3x3); the codes' counts over records whose mentions are known (a three-theme
 * codebook written here), with a parent code agreeing with a child theme on either side; the
 * sentiment confusion matrix with and without mixed; and the refusals.
 */
#define _XOPEN_SOURCE 700
#include "vb_test.h"
#include "vb_test_model.h"

#include <math.h>

#include "vb_stats.h"

#define DATA VB_TEST_TMP "/test_agree.data"
#define CB VB_TEST_TMP "/test_agree.codebook"

static const vbt_file data_files[] = {
    {"lexicons/en/valence.tsv", "good\t2\nbad\t-2\n", 0},
};

/* delivery (0), delivery.late (1), staff (2) */
static const char cb_text[] = "[delivery]\nen: parcel\n[delivery.late]\nen: late\n"
                              "[staff]\nen: staff\n";

static int group_setup(void **state) {
  return vbt_fixture_files(state, DATA, data_files, sizeof data_files / sizeof data_files[0],
                           CB, cb_text);
}

static int group_teardown(void **state) { return vbt_fixture_files_free(state, DATA, CB); }

/* 2x2: both 10, first only 2, second only 1, neither 27 (n 40). po = 37/40 = 0.925; the
 * margins 12/40, 11/40 give pe = 0.3 x 0.275 + 0.7 x 0.725 = 0.59; kappa = 0.335 / 0.41 =
 * 0.817073. The Fleiss-Cohen-Everitt variance: the diagonal 0.25 x (0.41 - 0.575 x 0.075)^2 +
 * 0.675 x (0.41 - 1.425 x 0.075)^2 = 0.095672; off it 0.075^2 x (0.05 x 0.975^2 + 0.025 x
 * 1.025^2) = 0.000415; (po pe - 2 pe + po)^2 = 0.29075^2 = 0.084536; var = 0.011551 / (40 x
 * 0.41^4) = 0.010219, SE 0.101091. */
static void test_kappa_2x2(void **state) {
  (void)state;
  const size_t m[4] = {10, 2, 1, 27};
  double k, lo, hi;
  vb__kappa(m, 2, &k, &lo, &hi);
  assert_true(fabs(k - 0.8170732) < 1e-6);
  assert_true(fabs((k - lo) - 1.959964 * 0.1010912) < 1e-5);
  assert_true(hi == 1.0); /* (0.817 + 0.198, cut) */
  /* agreement by chance only: kappa 0 */
  const size_t c[4] = {25, 25, 25, 25};
  vb__kappa(c, 2, &k, &lo, &hi);
  assert_true(fabs(k) < 1e-12 && lo < 0 && hi > 0);
  /* one class for both coders: undefined */
  const size_t one[4] = {0, 0, 0, 9};
  vb__kappa(one, 2, &k, &lo, &hi);
  assert_true(isnan(k) && isnan(lo) && isnan(hi));
  /* no interval where the standard error is 0: disagreement or agreement on every record, a
   * code one coder never gives */
  const size_t neg[4] = {0, 3, 3, 0}, all[4] = {3, 0, 0, 5}, never[4] = {0, 2, 0, 8};
  vb__kappa(neg, 2, &k, &lo, &hi);
  assert_true(fabs(k + 1) < 1e-12 && isnan(lo) && isnan(hi));
  vb__kappa(all, 2, &k, &lo, &hi);
  assert_true(k == 1 && isnan(lo) && isnan(hi));
  vb__kappa(never, 2, &k, &lo, &hi);
  assert_true(fabs(k) < 1e-12 && isnan(lo) && isnan(hi));
}

/* 3x3 [[14,2,0],[3,9,2],[1,3,16]]: po = 39/50, pe = (16x18 + 14x14 + 20x18)/2500 = 0.3376,
 * kappa = 0.4424 / 0.6624 = 0.667874; SE 0.087254 (the formula, in Python). */
static void test_kappa_3x3(void **state) {
  (void)state;
  const size_t m[9] = {14, 2, 0, 3, 9, 2, 1, 3, 16};
  double k, lo, hi;
  vb__kappa(m, 3, &k, &lo, &hi);
  assert_true(fabs(k - 0.6678744) < 1e-6);
  assert_true(fabs((hi - lo) / 2 - 1.959964 * 0.0872541) < 1e-5);
}

static const vb_result *run(vbt_fixture *f, const char *text) {
  vb_run_options ro = {0};
  ro.lang = VB_LANG_EN;
  const vb_result *r;
  assert_int_equal(vb_analyzer_run(f->an, text, strlen(text), &ro, &r), VB_OK);
  return r;
}

/* Codes: "delivery" (theme 0), "late" (theme 1), "staff" (theme 2). */
static void test_codes(void **state) {
  vbt_fixture *f = *state;
  vb_agree *ag;
  assert_int_equal(vb_agree_new(f->m, &ag), VB_OK);
  const size_t t0 = 0, t1 = 1, t2 = 2, bad = 3;
  assert_int_equal(vb_agree_code(ag, "delivery", &t0, 1), VB_OK);
  assert_int_equal(vb_agree_code(ag, "late", &t1, 1), VB_OK);
  assert_int_equal(vb_agree_code(ag, "staff", &t2, 1), VB_OK);
  assert_int_equal(vb_agree_code(ag, "none", &bad, 1), VB_EINVAL);
  assert_int_equal(vb_agree_code(ag, "empty", &t0, 0), VB_EINVAL);
  assert_int_equal(vb_agree_code_count(ag), 3);
  struct {
    const char *text;
    unsigned char hand[3];
    unsigned char got[3]; /* 1 verbatim gives it, 2 the hand coding does */
  } recs[] = {
      /* verbatim: delivery.late, so delivery too; by hand "late" only: delivery counts for
       * both (the hand's child code lies within its parent) */
      {"It came late.", {0, 1, 0}, {3, 3, 0}},
      /* verbatim: delivery; by hand "delivery" and "staff": staff is the hand's only */
      {"The parcel is here.", {1, 0, 1}, {3, 0, 2}},
      /* verbatim: staff; by hand nothing */
      {"The staff.", {0, 0, 0}, {0, 0, 1}},
      /* neither */
      {"Nothing.", {0, 0, 0}, {0, 0, 0}},
  };
  for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++) {
    unsigned char got[3] = {9, 9, 9};
    assert_int_equal(vb_agree_add(ag, run(f, recs[i].text), recs[i].hand, VB_AGREE_NO_LABEL, got),
                     VB_OK);
    assert_memory_equal(got, recs[i].got, 3);
  }
  /* a record not coded by hand is not counted */
  assert_int_equal(vb_agree_add(ag, run(f, "The staff."), NULL, VB_AGREE_NO_LABEL, NULL), VB_OK);
  /* codes are fixed once records are counted */
  assert_int_equal(vb_agree_code(ag, "late2", &t1, 1), VB_EINVAL);
  const vb_agree_row *rows;
  assert_int_equal(vb_agree_rows(ag, &rows), 3);
  /* delivery: hand 2 (records 1 and 2), verbatim 2, both 2: agreement 1, kappa 1 */
  assert_int_equal(rows[0].records, 4);
  assert_int_equal(rows[0].hand, 2);
  assert_int_equal(rows[0].machine, 2);
  assert_int_equal(rows[0].both, 2);
  assert_true(rows[0].agreement == 1.0 && rows[0].kappa == 1.0 && rows[0].f1 == 1.0);
  assert_true(isnan(rows[0].kappa_lo) && isnan(rows[0].kappa_hi));
  /* late: 1, 1, 1 */
  assert_int_equal(rows[1].hand, 1);
  assert_int_equal(rows[1].both, 1);
  /* staff: hand 1 (record 2), verbatim 1 (record 3), both 0: po 0.5, pe = 0.25x0.25 +
   * 0.75x0.75 = 0.625, kappa = -0.125/0.375 = -1/3; precision and recall 0 */
  assert_int_equal(rows[2].hand, 1);
  assert_int_equal(rows[2].machine, 1);
  assert_int_equal(rows[2].both, 0);
  assert_true(fabs(rows[2].agreement - 0.5) < 1e-12);
  assert_true(fabs(rows[2].kappa + 1.0 / 3.0) < 1e-12);
  assert_true(rows[2].precision == 0 && rows[2].recall == 0 && rows[2].f1 == 0);
  vb_agree_info in;
  vb_agree_stats(ag, &in);
  assert_int_equal(in.records, 4);
  assert_int_equal(in.hand, 4);
  assert_int_equal(in.machine, 4);
  assert_int_equal(in.both, 3);
  assert_true(fabs(in.f1 - 0.75) < 1e-12);
  assert_true(fabs(in.macro_f1 - 2.0 / 3.0) < 1e-12);
  assert_true(fabs(in.mean_kappa - (1 + 1 - 1.0 / 3.0) / 3) < 1e-12);
  assert_int_equal(in.labelled, 0);
  assert_true(isnan(in.accuracy));
  vb_agree_free(ag);
}

static void test_sentiment(void **state) {
  vbt_fixture *f = *state;
  vb_agree *ag;
  assert_int_equal(vb_agree_new(f->m, &ag), VB_OK);
  /* verbatim: positive, negative, neutral, and mixed (a positive and a negative clause) */
  const char *texts[] = {"Good.", "Bad.", "Nothing.", "Good staff, but bad parcel."};
  const int hand[] = {VB_POSITIVE, VB_NEGATIVE, VB_POSITIVE, VB_NEGATIVE};
  for (size_t i = 0; i < 4; i++)
    assert_int_equal(vb_agree_add(ag, run(f, texts[i]), NULL, hand[i], NULL), VB_OK);
  assert_int_equal(vb_agree_add(ag, run(f, "Good."), NULL, 7, NULL), VB_EINVAL);
  vb_agree_info in;
  vb_agree_stats(ag, &in);
  assert_int_equal(in.labelled, 4);
  assert_int_equal(in.classes, 3);
  const vb_sentiment *s = vb_result_sentiment(run(f, texts[3]));
  assert_true(s->mixed);
  /* without a mixed hand label the mixed record counts by its label */
  size_t third = (size_t)(s->label + 1);
  assert_int_equal(in.confusion[2][2], 1);
  assert_int_equal(in.confusion[0][0] + (third == 0), 1 + (third == 0));
  assert_int_equal(in.confusion[2][1], 1);
  vb_agree_free(ag);
  /* with one: four classes, and the mixed record is mixed */
  assert_int_equal(vb_agree_new(f->m, &ag), VB_OK);
  assert_int_equal(vb_agree_add(ag, run(f, texts[3]), NULL, VB_AGREE_MIXED, NULL), VB_OK);
  assert_int_equal(vb_agree_add(ag, run(f, texts[1]), NULL, VB_NEGATIVE, NULL), VB_OK);
  vb_agree_stats(ag, &in);
  assert_int_equal(in.classes, 4);
  assert_int_equal(in.confusion[3][3], 1);
  assert_int_equal(in.confusion[0][0], 1);
  assert_true(in.accuracy == 1.0 && in.kappa == 1.0);
  vb_agree_free(ag);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kappa_2x2),
      cmocka_unit_test(test_kappa_3x3),
      cmocka_unit_test(test_codes),
      cmocka_unit_test(test_sentiment),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
