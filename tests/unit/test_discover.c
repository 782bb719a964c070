/*
 * test_discover.c - the near-duplicate merges of discover.c on small fixtures the team wrote:
 * spelling variants and abbreviations counted as their word (rule 2), longer phrases that add
 * no keyness folded into a higher-ranked phrase inside them (rule 3), and the sub-phrase merge
 * (rule 1) kept, with the quotes and codebook coverage of the merged rows. Each test also runs
 * with the rule switched off, so a rule that stops merging, or merges too much, fails here.
 *
 * The model and discover read a data folder the test writes (stopwords, variants, no
 * lexicons) and a one-theme codebook; every text is English.
 */
#define _XOPEN_SOURCE 700
#include "vb_test.h"
#include "vb_test_model.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "verbatim.h"

#define DATA VB_TEST_TMP "/test_discover.d"
#define CB VB_TEST_TMP "/test_discover.codebook"

static const vbt_file data_files[] = {
    {"lexicons/en/stopwords.txt", "# test\na\nthe\nfor\nmy\ni\nwas\nand\nof\nplease\nis\n!no\n", 0},
    {"lexicons/en/variants.txt", "# test\nhours\thrs\nplease\tpls plz\n", 0},
};

static const char cb_text[] = "[wait]\nen: hours\n";

typedef vbt_fixture fixture;

static int group_setup(void **state) {
  return vbt_fixture_files(state, DATA, data_files, sizeof data_files / sizeof data_files[0],
                           CB, cb_text);
}

static int group_teardown(void **state) { return vbt_fixture_files_free(state, DATA, CB); }

typedef struct rec {
  const char *text;
  int group;
} rec;

/* Runs both passes of discover over the records with options *o; the caller frees *d. */
static size_t discover_with(fixture *f, const rec *recs, size_t n, const vb_discover_options *o,
                            vb_discover **d, const vb_phrase **ph) {
  assert_int_equal(vb_discover_new(f->m, o, d), VB_OK);
  vb_run_options ro = {VB_LANG_EN, VB_LANG_UND, 0};
  for (int pass = 1; pass <= 2; pass++) {
    for (size_t i = 0; i < n; i++) {
      const vb_result *r;
      assert_int_equal(vb_analyzer_run(f->an, recs[i].text, strlen(recs[i].text), &ro, &r), VB_OK);
      if (pass == 1) assert_int_equal(vb_discover_add(*d, r, recs[i].group), VB_OK);
      else assert_int_equal(vb_discover_examples(*d, r, recs[i].group, "x", 1), VB_OK);
    }
    if (pass == 1) assert_int_equal(vb_discover_rank(*d), VB_OK);
  }
  return vb_discover_phrases(*d, ph);
}

/* The same with these flags and ranking, a support of 2, and no effect-size minimum: the
 * fixtures are a few records, where the rules below are tested on phrases whose rates differ
 * by less than twice (the minimum has its own test). */
static size_t discover(fixture *f, const rec *recs, size_t n, unsigned flags, int sort,
                       vb_discover **d, const vb_phrase **ph) {
  vb_discover_options o = {0};
  o.data_dir = DATA;
  o.min_support = 2;
  o.flags = flags;
  o.sort = sort;
  o.min_log_ratio = -1;
  return discover_with(f, recs, n, &o, d, ph);
}

/* The row whose stems are `stems`, or NULL. */
static const vb_phrase *row(const vb_phrase *ph, size_t n, const char *stems) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(ph[i].stems, stems)) return &ph[i];
  return NULL;
}

/* The index of variant `text` of p, or -1. */
static long variant(const vb_phrase *p, const char *text) {
  for (size_t k = 0; k < p->n_variants; k++)
    if (!strcmp(p->variants[k], text)) return (long)k;
  return -1;
}

/* ---- rule 2: spelling variants and abbreviations ---- */

static const rec waits[] = {
    {"Waited 3 hrs at the desk.", VB_GROUP_NONE},
    {"Two hours on the phone.", VB_GROUP_NONE},
    {"Another 4 hrs gone.", VB_GROUP_NONE},
    {"Hours and hours of music.", VB_GROUP_NONE},
    {"Five hrs, pls help.", VB_GROUP_NONE},
    {"Pls help me.", VB_GROUP_NONE},
    {"Please help.", VB_GROUP_NONE},
};

static void test_variants_count_as_word(void **state) {
  fixture *f = *state;
  vb_discover *d;
  const vb_phrase *ph;
  size_t n = discover(f, waits, 7, 0, VB_DISCOVER_AUTO, &d, &ph);
  const vb_phrase *h = row(ph, n, "hour");
  assert_non_null(h);
  assert_int_equal(h->support, 5); /* the union: 3 with "hrs", 2 with "hours" */
  assert_string_equal(h->text, "hours"); /* the word as spelled out names the row */
  long k = variant(h, "hrs");
  assert_true(k >= 0);
  assert_int_equal(h->variant_support[k], 3);
  assert_int_equal(h->variant_longer[k], 0);
  assert_null(row(ph, n, "hrs"));
  /* coverage and quotes over every spelling: the codebook's "hours" covers 2 of the 5 */
  assert_int_equal(h->seen, 5);
  assert_int_equal(h->covered, 2);
  assert_int_equal(h->n_examples, 2);
  /* "pls" is a stopword because "please" is: no "pls" row, and "pls help" is no phrase */
  assert_null(row(ph, n, "pls"));
  assert_null(row(ph, n, "pleas"));
  assert_null(row(ph, n, "pleas help"));
  assert_null(row(ph, n, "pls help"));
  const vb_phrase *help = row(ph, n, "help");
  assert_non_null(help);
  assert_int_equal(help->support, 3);
  vb_discover_free(d);

  /* switched off: two rows, each with its own records */
  n = discover(f, waits, 7, VB_DISCOVER_NO_VARIANTS, VB_DISCOVER_AUTO, &d, &ph);
  h = row(ph, n, "hour");
  assert_non_null(h);
  assert_int_equal(h->support, 2);
  assert_int_equal(h->n_variants, 0);
  const vb_phrase *hrs = row(ph, n, "hrs");
  assert_non_null(hrs);
  assert_int_equal(hrs->support, 3);
  assert_non_null(row(ph, n, "pls help")); /* and "pls" is an ordinary word */
  vb_discover_free(d);
}

/* A variant joins the phrases around it too: "3 hrs late" and "2 hours late" are one phrase. */
static void test_variants_inside_phrases(void **state) {
  fixture *f = *state;
  static const rec r[] = {
      {"The train was hrs late.", VB_GROUP_NONE},
      {"It came hours late again.", VB_GROUP_NONE},
      {"Hours late, no word.", VB_GROUP_NONE},
  };
  vb_discover *d;
  const vb_phrase *ph;
  size_t n = discover(f, r, 3, 0, VB_DISCOVER_BY_SUPPORT, &d, &ph);
  const vb_phrase *p = row(ph, n, "hour late");
  assert_non_null(p);
  assert_int_equal(p->support, 3);
  assert_string_equal(p->text, "hours late");
  assert_true(variant(p, "hrs late") >= 0);
  vb_discover_free(d);
  n = discover(f, r, 3, VB_DISCOVER_NO_VARIANTS, VB_DISCOVER_BY_SUPPORT, &d, &ph);
  p = row(ph, n, "hour late");
  assert_non_null(p);
  assert_int_equal(p->support, 2);
  vb_discover_free(d);
}

/* ---- rule 3: longer phrases that add no keyness ---- */

#define F VB_GROUP_FOCUS
#define R VB_GROUP_REFERENCE

/* "refund" in 8 focus and 2 reference records; "refund late" (and "late" only there) in 4
 * focus and both reference ones: not significantly different from the other refunds (4 and 0;
 * Fisher p = 0.47), so it says nothing "refund" does not. */
static const rec refunds[] = {
    {"My refund late again.", F},   {"Refund late, as always.", F},
    {"The refund late by weeks.", F}, {"A refund late and lost.", F},
    {"No refund yet.", F},          {"Where is my refund?", F},
    {"Refund never came.", F},      {"The refund is missing.", F},
    {"Friendly staff.", R},         {"Friendly staff and music.", R},
    {"Nice music.", R},             {"Good shop.", R},
    {"Refund late but kind staff.", R}, {"Got my refund late, fine.", R},
};

static void test_fold_longer(void **state) {
  fixture *f = *state;
  vb_discover *d;
  const vb_phrase *ph;
  size_t n = discover(f, refunds, 14, 0, VB_DISCOVER_AUTO, &d, &ph);
  const vb_phrase *s = row(ph, n, "refund");
  assert_non_null(s);
  assert_null(row(ph, n, "refund late"));
  assert_int_equal(s->support, 10); /* its own counts: every "refund late" record holds it */
  assert_int_equal(s->focus, 8);
  assert_int_equal(s->reference, 2);
  long k = variant(s, "refund late");
  assert_true(k >= 0);
  assert_int_equal(s->variant_longer[k], 1);
  assert_int_equal(s->variant_support[k], 6);
  /* rule 1 still ran: "late" went into "refund late", and goes with it */
  assert_null(row(ph, n, "late"));
  assert_string_equal(s->merged, "late");
  assert_int_equal(s->n_examples, 2);
  vb_discover_free(d);

  /* switched off: the longer phrase is a row, holding "late" */
  n = discover(f, refunds, 14, VB_DISCOVER_NO_FOLD, VB_DISCOVER_AUTO, &d, &ph);
  const vb_phrase *l = row(ph, n, "refund late");
  assert_non_null(l);
  assert_string_equal(l->merged, "late");
  assert_int_equal(row(ph, n, "refund")->n_variants, 0);
  vb_discover_free(d);

  /* ranked by support there is no effect to compare: nothing is folded */
  n = discover(f, refunds, 14, 0, VB_DISCOVER_BY_SUPPORT, &d, &ph);
  assert_non_null(row(ph, n, "refund late"));
  vb_discover_free(d);
}

/* "delivery" is typical of the focus group (12 of 16), but "quick delivery" is in 4 reference
 * records only: an effect of its own (Fisher p < 0.001), so it stays a row. */
static void test_keep_longer_with_own_effect(void **state) {
  fixture *f = *state;
  rec r[20];
  size_t n_r = 0;
  for (int i = 0; i < 12; i++) r[n_r++] = (rec){"The delivery was slow.", F};
  for (int i = 0; i < 4; i++) r[n_r++] = (rec){"A quick delivery, thanks.", R};
  for (int i = 0; i < 4; i++) r[n_r++] = (rec){"Nice music.", R};
  vb_discover *d;
  const vb_phrase *ph;
  size_t n = discover(f, r, n_r, 0, VB_DISCOVER_AUTO, &d, &ph);
  const vb_phrase *s = row(ph, n, "deliveri");
  const vb_phrase *l = row(ph, n, "quick deliveri");
  assert_non_null(s);
  assert_non_null(l);
  assert_true(s - ph < l - ph); /* the sub-phrase ranks higher, yet the longer one stays */
  assert_int_equal(variant(s, "quick delivery"), -1);
  assert_int_equal(l->reference, 4);
  vb_discover_free(d);
}

/* ---- the effect-size minimum of keyness ---- */

/* "order" in 5 of 8 focus and 3 of 8 reference records (5/3 the rate: log2 0.74), "lost"
 * in 4 focus records only, "lovely" in 4 reference records only. By default (a log2 ratio of
 * at least 1) "order" is not listed, however common; both others are, the reference's last. */
static void test_min_log_ratio(void **state) {
  fixture *f = *state;
  static const rec r[] = {
      {"My order got lost.", F},   {"Order lost again.", F},   {"The order is lost.", F},
      {"Lost it twice.", F},       {"Order late.", F},         {"Order missing.", F},
      {"Hopeless.", F},            {"Awful.", F},
      {"Lovely order.", R},        {"Lovely staff.", R},       {"Order fine.", R},
      {"Lovely, order came.", R},  {"Lovely.", R},             {"Fine.", R},
      {"Great.", R},               {"Nice.", R},
  };
  vb_discover_options o = {0};
  o.data_dir = DATA;
  o.min_support = 2;
  vb_discover *d;
  const vb_phrase *ph;
  size_t n = discover_with(f, r, 16, &o, &d, &ph);
  assert_null(row(ph, n, "order"));
  const vb_phrase *lost = row(ph, n, "lost"), *lovely = row(ph, n, "love");
  assert_non_null(lost);
  assert_non_null(lovely);
  assert_true(lost->log_ratio >= 1);
  assert_true(lovely->log_ratio <= -1);
  assert_true(lost < lovely); /* typical of the focus group first */
  vb_discover_free(d);

  o.min_log_ratio = -1; /* no minimum: listed, between the two */
  n = discover_with(f, r, 16, &o, &d, &ph);
  const vb_phrase *order = row(ph, n, "order");
  assert_non_null(order);
  assert_int_equal(order->focus, 5);
  assert_int_equal(order->reference, 3);
  assert_true(order->log_ratio > 0 && order->log_ratio < 1);
  assert_true(row(ph, n, "lost") < order && order < row(ph, n, "love"));
  vb_discover_free(d);

  o.min_log_ratio = 0.5; /* a lower minimum lets it in */
  n = discover_with(f, r, 16, &o, &d, &ph);
  assert_non_null(row(ph, n, "order"));
  vb_discover_free(d);

  o.min_log_ratio = 0; /* 0 is the default: as the first run */
  o.sort = VB_DISCOVER_BY_SUPPORT; /* ranked by support there is no minimum */
  n = discover_with(f, r, 16, &o, &d, &ph);
  assert_non_null(row(ph, n, "order"));
  vb_discover_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_variants_count_as_word),
      cmocka_unit_test(test_variants_inside_phrases),
      cmocka_unit_test(test_fold_longer),
      cmocka_unit_test(test_keep_longer_with_own_effect),
      cmocka_unit_test(test_min_log_ratio),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
