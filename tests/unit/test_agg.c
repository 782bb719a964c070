/*
 * test_agg.c - aggregation (agg.c): merging the aggregates of the parts of a file gives
 * exactly the aggregate of the whole; state files round-trip and corrupted ones are refused;
 * the NPS table of a ten-record fixture matches numbers worked out by hand.
 *
 * The model uses a tiny codebook written to VB_TEST_TMP and loaded with no_default_codebook,
 * so no result depends on the default codebook. Theme matching needs only the codebook and
 * the English stemmer; a small valence file is added so that some texts carry sentiment
 * (sentiment values themselves are not asserted here, only that they merge exactly).
 */
#include "vb_test.h"

#include <stdio.h>
#include <stdlib.h>

#include "verbatim.h"

#define CODEBOOK VB_TEST_TMP "/test_agg.codebook"
#define CODEBOOK2 VB_TEST_TMP "/test_agg_other.codebook"
#define VALENCE VB_TEST_TMP "/test_agg_valence.tsv"
#define BRANDS VB_TEST_TMP "/test_agg.brands"

static const char codebook_text[] = "# test_agg codebook: five themes, one of them a child\n"
                                    "[delivery]\n"
                                    "label: Delivery\n"
                                    "en: delivery; shipping\n"
                                    "\n"
                                    "[delivery.late]\n"
                                    "label: Late delivery\n"
                                    "en: late; delayed\n"
                                    "\n"
                                    "[price]\n"
                                    "en: price; expensive\n"
                                    "\n"
                                    "[staff]\n"
                                    "en: staff; employee\n"
                                    "\n"
                                    "[app]\n"
                                    "en: app\n";

/* the same themes but one id changed: states and aggregates must not mix */
static const char codebook2_text[] = "[delivery]\nen: delivery\n[delivery.late]\nen: late\n"
                                     "[price]\nen: price\n[staff]\nen: staff\n[website]\n"
                                     "en: website\n";

static const char valence_text[] = "great\t3\nterrible\t-3\nfriendly\t2\nhelpful\t2\n"
                                   "rude\t-2.5\nslow\t-1.5\ncrashes\t-2\nlove\t3\n";

/* theme indices, in the order the codebook creates them */
enum { T_DELIVERY = 0, T_LATE, T_PRICE, T_STAFF, T_APP, N_THEMES };

typedef struct {
  vb_model *model;
  vb_model *model2; /* the other codebook */
  vb_analyzer *an;
} fixture;

static int write_file(const char *path, const char *text) {
  FILE *fp = fopen(path, "wb");
  if (!fp) return -1;
  size_t n = strlen(text);
  int bad = fwrite(text, 1, n, fp) != n;
  return (fclose(fp) != 0 || bad) ? -1 : 0;
}

/* The model of a codebook, the test valence lexicon and, unless NULL, a brand list (given as
 * its text). */
static int load_model_brands(const char *codebook, const char *brands_text, vb_model **out) {
  const char *cbs[1] = {codebook}, *brs[1] = {BRANDS};
  const char *lex[1] = {"en:" VALENCE};
  vb_model_options o = {0};
  o.codebooks = cbs;
  o.n_codebooks = 1;
  if (brands_text) {
    if (write_file(BRANDS, brands_text)) return -1;
    o.brands = brs;
    o.n_brands = 1;
  }
  o.no_default_codebook = 1;
  o.lexicons = lex;
  o.n_lexicons = 1;
  vb_error e = {0};
  int rc = vb_model_load(&o, out, &e);
  if (rc) print_error("vb_model_load: %s:%ld: %s\n", e.file, e.line, e.message);
  if (brands_text) remove(BRANDS);
  return rc;
}

static int load_model(const char *codebook, vb_model **out) {
  return load_model_brands(codebook, NULL, out);
}

static int group_setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f) return -1;
  if (write_file(CODEBOOK, codebook_text) || write_file(CODEBOOK2, codebook2_text) ||
      write_file(VALENCE, valence_text))
    return -1;
  if (load_model(CODEBOOK, &f->model) || load_model(CODEBOOK2, &f->model2)) return -1;
  if (vb_analyzer_new(f->model, &f->an)) return -1;
  *state = f;
  return 0;
}

static int group_teardown(void **state) {
  fixture *f = *state;
  vb_analyzer_free(f->an);
  vb_model_free(f->model);
  vb_model_free(f->model2);
  free(f);
  remove(CODEBOOK);
  remove(CODEBOOK2);
  remove(VALENCE);
  return 0;
}

static const vb_result *run(fixture *f, const char *text, vb_lang lang) {
  vb_run_options ro = {lang, VB_LANG_EN, 0};
  const vb_result *r = NULL;
  assert_int_equal(vb_analyzer_run(f->an, text, strlen(text), &ro, &r), VB_OK);
  return r;
}

/* Non-zero when the result mentions theme t (directly). */
static int mentions(const vb_result *r, size_t t) {
  const vb_mention *m;
  size_t n = vb_result_mentions(r, &m);
  for (size_t i = 0; i < n; i++)
    if (m[i].theme == t) return 1;
  return 0;
}

static void test_model_has_the_test_codebook(void **state) {
  fixture *f = *state;
  assert_int_equal(vb_model_theme_count(f->model), N_THEMES);
  assert_string_equal(vb_model_theme_id(f->model, T_DELIVERY), "delivery");
  assert_string_equal(vb_model_theme_id(f->model, T_LATE), "delivery.late");
  assert_int_equal(vb_model_theme_parent(f->model, T_LATE), T_DELIVERY);
  assert_string_equal(vb_model_theme_id(f->model, T_APP), "app");
  /* the matching the fixtures below rely on */
  const vb_result *r = run(f, "The delivery was late.", VB_LANG_EN);
  assert_true(mentions(r, T_DELIVERY) && mentions(r, T_LATE));
  r = run(f, "Late again.", VB_LANG_EN);
  assert_true(mentions(r, T_LATE) && !mentions(r, T_DELIVERY));
  r = run(f, "Too expensive", VB_LANG_EN);
  assert_true(mentions(r, T_PRICE));
  r = run(f, "Nothing to add", VB_LANG_EN);
  const vb_mention *m;
  assert_int_equal(vb_result_mentions(r, &m), 0);
}

/* ---- merging ---- */

typedef struct {
  const char *text;
  vb_lang lang;
  int has_score; /* 0: missing; -1: an error record (no result) */
  double score;
} rec;

static const rec corpus[] = {
    {"The delivery was late again, terrible.", VB_LANG_EN, 1, 2},
    {"Great staff, very friendly!", VB_LANG_EN, 1, 10},
    {"Price is too high and shipping was slow.", VB_LANG_EN, 1, 4},
    {"The app crashes all the time", VB_LANG_EN, 1, 3},
    {"Nothing special.", VB_LANG_EN, 0, 0},
    {"Delivery delayed by a week, staff was rude", VB_LANG_EN, 1, 0},
    {"Love the app", VB_LANG_EN, 1, 9},
    {"", VB_LANG_EN, -1, 0},
    {"Expensive but great quality", VB_LANG_EN, 1, 8},
    {"Helpful employee, fast delivery", VB_LANG_EN, 1, 9},
    {"late late late", VB_LANG_EN, 1, 1},
    {"ok", VB_LANG_EN, 1, 7},
    {"Leveransen var sen", VB_LANG_SV, 1, 5},
    {"Pakken kom for sent", VB_LANG_DA, 0, 0},
    {"The price was fine", VB_LANG_EN, 1, 8},
    {"Staff were helpful and the delivery was on time", VB_LANG_EN, 1, 10},
    {"Shipping was delayed, the app is slow", VB_LANG_EN, 1, 6},
    {"Terrible experience with the staff", VB_LANG_EN, 1, 0},
    {"great great great", VB_LANG_EN, 1, 10},
    {"", VB_LANG_EN, -1, 0},
    {"Delivery, price, staff and app: all great", VB_LANG_EN, 1, 9},
    {"Slow delivery", VB_LANG_EN, 1, 5},
    {"Expensive", VB_LANG_EN, 1, 6},
    {"The employee was rude about the late shipping", VB_LANG_EN, 1, 2},
    {"Would recommend", VB_LANG_EN, 1, 10},
    {"the app", VB_LANG_EN, 0, 0},
    {"Price ok, delivery ok", VB_LANG_EN, 1, 7},
    {"I love the staff", VB_LANG_EN, 1, 10},
    {"Late. Late. Late.", VB_LANG_EN, 1, 3},
    {"Great price", VB_LANG_EN, 1, 9},
};
#define N_CORPUS (sizeof corpus / sizeof corpus[0])

static void add_record(fixture *f, const rec *r, vb_agg *const *aggs, size_t n_aggs) {
  const vb_result *res = NULL;
  if (r->has_score >= 0) res = run(f, r->text, r->lang);
  for (size_t i = 0; i < n_aggs; i++)
    assert_int_equal(vb_agg_add(aggs[i], res, r->has_score > 0, r->score), VB_OK);
}

static char *save(const vb_agg *a, size_t *len) {
  char *buf = NULL;
  assert_int_equal(vb_agg_save(a, &buf, len), VB_OK);
  assert_non_null(buf);
  assert_int_equal(strlen(buf), *len);
  return buf;
}

static void assert_same_summary(const vb_score_summary *a, const vb_score_summary *b) {
  assert_int_equal(a->n, b->n);
  assert_same_double(a->value, b->value);
  assert_same_double(a->ci_low, b->ci_low);
  assert_same_double(a->ci_high, b->ci_high);
  assert_same_double(a->mean, b->mean);
  assert_same_double(a->top, b->top);
  assert_same_double(a->middle, b->middle);
  assert_same_double(a->bottom, b->bottom);
}

static void assert_same_table(const vb_agg *x, const vb_agg *y) {
  vb_table *a, *b;
  assert_int_equal(vb_agg_table(x, &a), VB_OK);
  assert_int_equal(vb_agg_table(y, &b), VB_OK);
  assert_int_equal(a->type, b->type);
  assert_int_equal(a->records, b->records);
  assert_int_equal(a->analysed, b->analysed);
  assert_int_equal(a->errors, b->errors);
  assert_int_equal(a->missing_score, b->missing_score);
  for (int l = 0; l < VB_LANG_COUNT; l++)
    assert_int_equal(a->by_lang[l], b->by_lang[l]);
  assert_int_equal(a->sent_pos, b->sent_pos);
  assert_int_equal(a->sent_neg, b->sent_neg);
  assert_int_equal(a->sent_neu, b->sent_neu);
  assert_same_summary(&a->score, &b->score);
  assert_int_equal(a->dist_n, b->dist_n);
  for (size_t i = 0; i < a->dist_n; i++) {
    assert_same_double(a->dist_value[i], b->dist_value[i]);
    assert_int_equal(a->dist_count[i], b->dist_count[i]);
  }
  assert_int_equal(a->n_rows, b->n_rows);
  for (size_t i = 0; i < a->n_rows; i++) {
    const vb_theme_row *r = &a->rows[i], *s = &b->rows[i];
    assert_int_equal(r->theme, s->theme);
    assert_int_equal(r->n, s->n);
    assert_same_double(r->prevalence, s->prevalence);
    assert_same_double(r->prev_low, s->prev_low);
    assert_same_double(r->prev_high, s->prev_high);
    assert_same_summary(&r->with, &s->with);
    assert_same_summary(&r->without, &s->without);
    assert_same_double(r->impact, s->impact);
    assert_same_double(r->p, s->p);
    assert_same_double(r->q, s->q);
    assert_same_double(r->neg_share, s->neg_share);
    assert_int_equal(r->too_few, s->too_few);
  }
  vb_table_free(a);
  vb_table_free(b);
}

static void assert_same_state(const vb_agg *x, const vb_agg *y) {
  size_t lx, ly;
  char *sx = save(x, &lx), *sy = save(y, &ly);
  if (lx != ly || memcmp(sx, sy, lx) != 0) {
    print_error("states differ:\n--- first ---\n%s--- second ---\n%s", sx, sy);
    vb_free(sx);
    vb_free(sy);
    fail();
  }
  vb_free(sx);
  vb_free(sy);
}

static void test_merge_of_parts_equals_whole(void **state) {
  fixture *f = *state;
  /* one aggregate on everything, 2 and 7 contiguous parts */
  vb_agg *whole, *p2[2], *p7[7];
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_NPS, &whole), VB_OK);
  for (size_t i = 0; i < 2; i++)
    assert_int_equal(vb_agg_new(f->model, VB_SCORE_NPS, &p2[i]), VB_OK);
  for (size_t i = 0; i < 7; i++)
    assert_int_equal(vb_agg_new(f->model, VB_SCORE_NPS, &p7[i]), VB_OK);
  for (size_t i = 0; i < N_CORPUS; i++) {
    /* parts of 15 + 15, and of 4 4 4 4 4 5 5 records */
    size_t k2 = i < 15 ? 0 : 1;
    size_t k7 = i < 20 ? i / 4 : 5 + (i - 20) / 5;
    vb_agg *aggs[3] = {whole, p2[k2], p7[k7]};
    add_record(f, &corpus[i], aggs, 3);
  }
  /* the parts are really different from the whole */
  size_t l_whole, l_part;
  char *s_whole = save(whole, &l_whole), *s_part = save(p2[0], &l_part);
  assert_true(l_whole != l_part || memcmp(s_whole, s_part, l_whole) != 0);
  vb_free(s_part);
  assert_non_null(strstr(s_whole, "group all\ncounts 30 28 2\n"));
  assert_non_null(strstr(s_whole, "\ns 0 3 0 ")); /* three analysed records without a score */

  /* merged in order */
  vb_agg *m2, *m7, *m7r;
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_NPS, &m2), VB_OK);
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_NPS, &m7), VB_OK);
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_NPS, &m7r), VB_OK);
  for (size_t i = 0; i < 2; i++)
    assert_int_equal(vb_agg_merge(m2, p2[i]), VB_OK);
  for (size_t i = 0; i < 7; i++)
    assert_int_equal(vb_agg_merge(m7, p7[i]), VB_OK);
  /* and in reverse order */
  for (size_t i = 7; i-- > 0;)
    assert_int_equal(vb_agg_merge(m7r, p7[i]), VB_OK);
  assert_same_state(m2, whole);
  assert_same_state(m7, whole);
  assert_same_state(m7r, whole);
  assert_same_table(m2, whole);
  assert_same_table(m7, whole);
  assert_same_table(m7r, whole);
  /* merging into a part (not an empty aggregate) works the same */
  assert_int_equal(vb_agg_merge(p2[0], p2[1]), VB_OK);
  assert_same_state(p2[0], whole);

  /* round trip: load(save(x)) saves to the same bytes and gives the same table */
  vb_agg *back = NULL;
  vb_error e = {0};
  assert_int_equal(vb_agg_load(f->model, s_whole, l_whole, &back, &e), VB_OK);
  assert_non_null(back);
  assert_int_equal(vb_agg_score_type(back), VB_SCORE_NPS);
  assert_same_state(back, whole);
  assert_same_table(back, whole);
  /* a loaded state merges like any other: twice the whole = whole merged with itself */
  vb_agg *twice;
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_NPS, &twice), VB_OK);
  assert_int_equal(vb_agg_merge(twice, whole), VB_OK);
  assert_int_equal(vb_agg_merge(twice, back), VB_OK);
  vb_table *t;
  assert_int_equal(vb_agg_table(twice, &t), VB_OK);
  assert_int_equal(t->records, 60);
  assert_int_equal(t->errors, 4);
  vb_table_free(t);
  vb_agg_free(twice);
  vb_agg_free(back);

  vb_free(s_whole);
  vb_agg_free(whole);
  vb_agg_free(m2);
  vb_agg_free(m7);
  vb_agg_free(m7r);
  for (size_t i = 0; i < 2; i++)
    vb_agg_free(p2[i]);
  for (size_t i = 0; i < 7; i++)
    vb_agg_free(p7[i]);
}

static void test_merge_mismatch(void **state) {
  fixture *f = *state;
  vb_agg *nps, *csat, *other;
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_NPS, &nps), VB_OK);
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_CSAT, &csat), VB_OK);
  assert_int_equal(vb_agg_new(f->model2, VB_SCORE_NPS, &other), VB_OK);
  assert_int_equal(vb_agg_merge(nps, csat), VB_EMISMATCH);
  assert_int_equal(vb_agg_merge(nps, other), VB_EMISMATCH);
  assert_int_equal(vb_agg_merge(nps, NULL), VB_EINVAL);
  /* a state made with another codebook */
  char *buf;
  size_t len;
  buf = save(other, &len);
  vb_agg *back = (vb_agg *)&back; /* must be reset to NULL */
  vb_error e = {0};
  assert_int_equal(vb_agg_load(f->model, buf, len, &back, &e), VB_EMISMATCH);
  assert_null(back);
  assert_int_equal(e.code, VB_EMISMATCH);
  assert_contains(e.message, "codebook");
  vb_free(buf);
  /* a score off the scale is refused and not counted */
  assert_int_equal(vb_agg_add(nps, NULL, 1, 11), VB_EINVAL);
  assert_int_equal(vb_agg_add(nps, NULL, 1, 8.5), VB_EINVAL);
  buf = save(nps, &len);
  assert_non_null(strstr(buf, "counts 0 0 0\n"));
  vb_free(buf);
  vb_agg_free(nps);
  vb_agg_free(csat);
  vb_agg_free(other);
}

/* ---- corrupted states ---- */

/* `s` with every `from` replaced by `to` (new memory). */
static char *replace_all(const char *s, const char *from, const char *to) {
  size_t fl = strlen(from), tl = strlen(to), n = 0;
  for (const char *p = strstr(s, from); p; p = strstr(p + fl, from)) n++;
  assert_true(n > 0);
  char *out = malloc(strlen(s) + n * tl + 1), *o = out;
  assert_non_null(out);
  for (const char *p = s, *q; (q = strstr(p, from)) != NULL; p = q + fl) {
    memcpy(o, p, (size_t)(q - p));
    o += q - p;
    memcpy(o, to, tl);
    o += tl;
    s = q + fl;
  }
  strcpy(o, s);
  return out;
}


/* A valid state for the test codebook, written by hand: 3 records, all English and analysed,
 * scores 0, 9 and 10; the record scored 0 is negative and mentions delivery and app in
 * negative clauses (a pair), the one scored 10 is positive and mentions staff in a positive
 * clause, the one scored 9 is neutral and mentions staff. */
static const char good_state[] = "verbatim-state 8\n"
                                 "themes 5\n"
                                 "theme delivery\n"
                                 "theme delivery.late\n"
                                 "theme price\n"
                                 "theme staff\n"
                                 "theme app\n"
                                 "scores 1\n"
                                 "score nps =nps\n"
                                 "by -\n"
                                 "date -\n"
                                 "drivers -\n"
                                 "questions -\n"
                                 "group all\n"
                                 "counts 3 3 0\n"
                                 "langs 0 3 0 0 0\n"
                                 "sentiment 1 1 1\n"
                                 "s 0 0 0 3 0:1 9000:1 10000:1\n"
                                 "t 0 1 1 0 1 0:1\n"
                                 "t 3 2 0 1 2 9000:1 10000:1\n"
                                 "t 4 1 1 0 1 0:1\n"
                                 "tn 0 1 0:1\n"
                                 "tp 3 1 10000:1\n"
                                 "tn 4 1 0:1\n"
                                 "doc 0 1 0:1\n"
                                 "doc 1 1 9000:1\n"
                                 "doc 2 1 10000:1\n"
                                 "pair 0 4 1 1 0:1\n"
                                 "end\n";

/* good_state with the first occurrence of `from` replaced by `to`. */
static char *mutate(const char *from, const char *to) {
  const char *at = strstr(good_state, from);
  if (!at) fail_msg("'%s' not in the state", from);
  size_t pre = (size_t)(at - good_state), fl = strlen(from), tl = strlen(to);
  size_t n = sizeof good_state - 1 - fl + tl;
  char *s = malloc(n + 1);
  assert_non_null(s);
  memcpy(s, good_state, pre);
  memcpy(s + pre, to, tl);
  memcpy(s + pre + tl, at + fl, sizeof good_state - 1 - pre - fl);
  s[n] = '\0';
  return s;
}

static void expect_load_fails_(const vb_model *m, const char *buf, size_t len, int want,
                               const char *file, int line) {
  vb_agg *a = (vb_agg *)&a;
  vb_error e = {0};
  int rc = vb_agg_load(m, buf, len, &a, &e);
  if (rc != want || a != NULL || e.code != want) {
    print_error("vb_agg_load: rc %d (err.code %d, \"%s\"), expected %d, on:\n%.*s\n", rc, e.code,
                e.message, want, (int)len, buf);
    if (rc == VB_OK) vb_agg_free(a);
    _fail(file, line);
  }
}
#define LOAD_FAILS(m, buf, len, want)                                                              \
  expect_load_fails_((m), (buf), (len), (want), __FILE__, __LINE__)

static void load_fails_with(const vb_model *m, const char *from, const char *to, int want) {
  char *s = mutate(from, to);
  expect_load_fails_(m, s, strlen(s), want, __FILE__, __LINE__);
  free(s);
}

static void test_load_good_state(void **state) {
  fixture *f = *state;
  vb_agg *a = NULL;
  vb_error e = {0};
  assert_int_equal(vb_agg_load(f->model, good_state, sizeof good_state - 1, &a, &e), VB_OK);
  /* it saves back to itself */
  size_t len;
  char *s = save(a, &len);
  assert_int_equal(len, sizeof good_state - 1);
  assert_memory_equal(s, good_state, len);
  vb_free(s);
  /* and its table: NPS of {0, 9, 10} = 100 (2 - 1) / 3 = 33.33; staff: n 2, NPS 100; the pair
   * of one record is below VB_PAIR_MIN */
  vb_table *t;
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  assert_close(t->score.value, 100.0 / 3, 1e-12);
  assert_int_equal(t->n_rows, 3);
  assert_int_equal(t->n_pairs, 0);
  assert_int_equal(t->pairs_unknown, 0);
  vb_table_free(t);
  vb_agg_free(a);
}

static void test_load_rejects_corrupted_states(void **state) {
  fixture *f = *state;
  const vb_model *m = f->model;
  /* header */
  load_fails_with(m, "verbatim-state 8", "verbatim-state 2", VB_EPARSE); /* an older format */
  load_fails_with(m, "verbatim-state 8", "verbatim-state 1", VB_EPARSE);
  load_fails_with(m, "verbatim-state 8", "verbatim-state 9", VB_EPARSE);
  load_fails_with(m, "verbatim-state 8", "verbatim-state 3", VB_EPARSE); /* 3 has no questions */
  load_fails_with(m, "verbatim-state 8", "verbatim-state 4", VB_EPARSE); /* 4 has no pairs */
  load_fails_with(m, "questions -\n", "", VB_EPARSE);
  load_fails_with(m, "questions -", "questions 0", VB_EPARSE);
  load_fails_with(m, "questions -", "questions 1 =a", VB_EPARSE);      /* one is not several */
  load_fails_with(m, "questions -", "questions 2 =a =a", VB_EPARSE);   /* the same twice */
  load_fails_with(m, "questions -", "questions 2 =a =b", VB_EPARSE);   /* no groups */
  load_fails_with(m, "questions -", "questions 2 =a", VB_EPARSE);
  {
    /* versions 3 (without the questions line) and 4 (without pairs) still load; they did not
     * count pairs, so they save as version 8 that says so, and their table has none */
    char *v4 = mutate("pair 0 4 1 1 0:1\n", "");
    memcpy(v4, "verbatim-state 4", 16);
    char *v3 = replace_all(v4, "questions -\n", "");
    memcpy(v3, "verbatim-state 3", 16);
    char *want = mutate("pair 0 4 1 1 0:1\n", "pairs unknown\n");
    for (int k = 0; k < 2; k++) {
      const char *old = k ? v3 : v4;
      vb_agg *a = NULL;
      vb_error e = {0};
      assert_int_equal(vb_agg_load(m, old, strlen(old), &a, &e), VB_OK);
      size_t len;
      char *s = save(a, &len);
      assert_int_equal(len, strlen(want));
      assert_memory_equal(s, want, len);
      vb_free(s);
      vb_table *t;
      assert_int_equal(vb_agg_table(a, &t), VB_OK);
      assert_int_equal(t->pairs_unknown, 1);
      assert_int_equal(t->n_pairs, 0);
      vb_table_free(t);
      /* merged with a state that counted them, the pairs are still unknown, either way */
      for (int way = 0; way < 2; way++) {
        vb_agg *b = NULL;
        assert_int_equal(vb_agg_load(m, good_state, sizeof good_state - 1, &b, &e), VB_OK);
        vb_agg *c = way ? a : b;
        assert_int_equal(vb_agg_merge(c, way ? b : a), VB_OK);
        assert_int_equal(vb_agg_table(c, &t), VB_OK);
        assert_int_equal(t->pairs_unknown, 1);
        vb_table_free(t);
        s = save(c, &len);
        assert_null(strstr(s, "\npair "));
        assert_non_null(strstr(s, "\npairs unknown\nend\n"));
        vb_free(s);
        vb_agg_free(b);
      }
      vb_agg_free(a);
      a = NULL;
      assert_int_equal(vb_agg_load(m, old, strlen(old), &a, &e), VB_OK);
      /* and what it saved loads back as itself */
      vb_agg_free(a);
      assert_int_equal(vb_agg_load(m, want, strlen(want), &a, &e), VB_OK);
      s = save(a, &len);
      assert_memory_equal(s, want, len);
      vb_free(s);
      vb_agg_free(a);
    }
    free(v3);
    free(v4);
    free(want);
  }
  /* pair lines */
  load_fails_with(m, "pair 0 4 1 1 0:1", "pair 4 0 1 1 0:1", VB_EPARSE);  /* not a < b */
  load_fails_with(m, "pair 0 4 1 1 0:1", "pair 0 5 1 1 0:1", VB_EPARSE);  /* no theme 5 */
  load_fails_with(m, "pair 0 4 1 1 0:1", "pair 0 1 1 1 0:1", VB_EPARSE);  /* with its child */
  load_fails_with(m, "pair 0 4 1 1 0:1", "pair 0 4 0 0", VB_EPARSE);      /* n = 0 */
  load_fails_with(m, "pair 0 4 1 1 0:1", "pair 0 4 2 1 0:1", VB_EPARSE);  /* more than app */
  load_fails_with(m, "pair 0 4 1 1 0:1", "pair 0 4 1 1 9000:1", VB_EPARSE); /* not its score */
  load_fails_with(m, "pair 0 4 1 1 0:1", "pair 0 4 1 0", VB_EPARSE); /* unscored; both are scored */
  load_fails_with(m, "pair 0 4 1 1 0:1", "pair 0 4 1 2 0:1 9000:1", VB_EPARSE);
  load_fails_with(m, "pair 0 4 1 1 0:1", "pair 0 4 1 1 0:1 x", VB_EPARSE);
  load_fails_with(m, "pair 0 4 1 1 0:1", "pair 3 4 1 1 0:1\npair 0 4 1 1 0:1", VB_EPARSE);
  load_fails_with(m, "pair 0 4 1 1 0:1", "pair 0 4 1 1 0:1\npairs unknown", VB_EPARSE);
  load_fails_with(m, "pair 0 4 1 1 0:1", "pairs unknown\npair 0 4 1 1 0:1", VB_EPARSE);
  load_fails_with(m, "pair 0 4 1 1 0:1", "pairs maybe", VB_EPARSE);
  {
    /* an older verbatim's state is named as such, with what to do */
    char *old = mutate("verbatim-state 8", "verbatim-state 2");
    vb_agg *a = NULL;
    vb_error e = {0};
    assert_int_equal(vb_agg_load(m, old, strlen(old), &a, &e), VB_EPARSE);
    assert_non_null(strstr(e.message, "older verbatim"));
    assert_non_null(strstr(e.message, "make it again"));
    assert_int_equal(e.line, 1);
    free(old);
  }
  load_fails_with(m, "score nps", "score bogus", VB_EPARSE);
  load_fails_with(m, "score nps", "score csat", VB_EPARSE); /* 0, 9 and 10 are not CSAT scores */
  load_fails_with(m, "score nps =nps", "score nps", VB_EPARSE);
  load_fails_with(m, "score nps =nps", "score nps =n%ZZps", VB_EPARSE); /* bad escape */
  load_fails_with(m, "score nps =nps", "score nps =n%00ps", VB_EPARSE); /* NUL */
  load_fails_with(m, "score nps =nps", "score nps =n%FFps", VB_EPARSE); /* not UTF-8 */
  load_fails_with(m, "scores 1", "scores 9", VB_EPARSE);
  load_fails_with(m, "scores 1", "scores 2", VB_EPARSE);
  load_fails_with(m, "themes 5", "themes 4", VB_EMISMATCH);
  load_fails_with(m, "themes 5", "themes five", VB_EPARSE);
  load_fails_with(m, "theme delivery.late", "theme delivery.early", VB_EMISMATCH);
  load_fails_with(m, "theme price\n", "", VB_EMISMATCH); /* one theme line missing */
  load_fails_with(m, "by -", "by =channel", VB_EPARSE);     /* segments promised, none there */
  load_fails_with(m, "date -", "date month =date", VB_EPARSE); /* no 'undated' line */
  load_fails_with(m, "date -", "date fortnight =date", VB_EPARSE);
  load_fails_with(m, "drivers -", "drivers 0", VB_EPARSE);  /* no 'drv' line */
  load_fails_with(m, "drivers -", "drivers 17", VB_EPARSE);
  /* counts that do not add up */
  load_fails_with(m, "counts 3 3 0", "counts 4 3 0", VB_EPARSE);
  load_fails_with(m, "counts 3 3 0", "counts 3 3 1", VB_EPARSE);
  load_fails_with(m, "counts 3 3 0", "counts 3 3", VB_EPARSE);
  load_fails_with(m, "counts 3 3 0", "counts 3 3 0 0", VB_EPARSE);
  load_fails_with(m, "counts 3 3 0", "counts -3 3 0", VB_EPARSE);
  load_fails_with(m, "counts 3 3 0", "counts 99999999999999999999 3 0", VB_EPARSE);
  load_fails_with(m, "langs 0 3 0 0 0", "langs 0 2 0 0 0", VB_EPARSE);
  load_fails_with(m, "langs 0 3 0 0 0", "langs 0 3 0 0", VB_EPARSE);
  load_fails_with(m, "langs 0 3 0 0 0", "langs 0 3 0 0 0 0", VB_EPARSE);
  load_fails_with(m, "langs 0 3 0 0 0", "langs 18446744073709551615 4 0 0 0", VB_EPARSE);
  load_fails_with(m, "sentiment 1 1 1", "sentiment 1 1 2", VB_EPARSE);
  /* score histogram */
  load_fails_with(m, "s 0 0 0 3 0:1 9000:1 10000:1", "s 0 0 0 2 0:1 9000:1", VB_EPARSE);
  load_fails_with(m, "s 0 0 0 3 0:1 9000:1 10000:1", "s 0 0 0 3 0:1 9000:1", VB_EPARSE);
  load_fails_with(m, "s 0 0 0 3 0:1 9000:1 10000:1", "s 0 0 0 3 9000:1 0:1 10000:1", VB_EPARSE);
  load_fails_with(m, "s 0 0 0 3 0:1 9000:1 10000:1", "s 0 0 0 3 0:1 0:1 10000:1", VB_EPARSE);
  load_fails_with(m, "s 0 0 0 3 0:1 9000:1 10000:1", "s 0 0 0 3 0:1 9000:1 11000:1", VB_EPARSE);
  load_fails_with(m, "s 0 0 0 3 0:1 9000:1 10000:1", "s 0 0 0 3 0:1 9500:1 10000:1", VB_EPARSE);
  load_fails_with(m, "s 0 0 0 3 0:1 9000:1 10000:1", "s 0 0 0 3 0:1 9000:0 10000:2", VB_EPARSE);
  load_fails_with(m, "s 0 0 0 3 0:1 9000:1 10000:1", "s 0 0 0 3 0:1 9000:1 10000:1 x", VB_EPARSE);
  load_fails_with(m, "s 0 0 0 3 0:1 9000:1 10000:1", "s 0 0 0 3 0:1 9000 10000:1", VB_EPARSE);
  load_fails_with(m, "s 0 0 0 3 0:1 9000:1 10000:1", "s 0 0 0 20000000 0:1", VB_EPARSE);
  load_fails_with(m, "s 0 0 0 3 0:1 9000:1 10000:1", "s 0 0 0 2 0:18446744073709551615 9000:2",
                  VB_EPARSE); /* total overflows */
  load_fails_with(m, "s 0 0 0 3", "s 0 1 0 3", VB_EPARSE);  /* missing + scored > analysed */
  load_fails_with(m, "s 0 0 0 3", "s 0 0 1 3", VB_EPARSE);  /* more bad than missing */
  load_fails_with(m, "s 0 0 0 3", "s 1 0 0 3", VB_EPARSE);  /* score column 1 of 1 */
  /* theme lines */
  load_fails_with(m, "t 0 1 1 0 1 0:1", "t 5 1 1 0 1 0:1", VB_EPARSE);        /* no theme 5 */
  load_fails_with(m, "t 0 1 1 0 1 0:1", "t 0 4 1 0 1 0:1", VB_EPARSE);        /* n > analysed */
  load_fails_with(m, "t 0 1 1 0 1 0:1", "t 0 1 2 0 1 0:1", VB_EPARSE);        /* neg > n */
  load_fails_with(m, "t 0 1 1 0 1 0:1", "t 0 1 0 2 1 0:1", VB_EPARSE);        /* pos > n */
  load_fails_with(m, "t 0 1 1 0 1 0:1", "t 0 1 1 0 2 0:1 9000:1", VB_EPARSE); /* hist > n */
  load_fails_with(m, "t 0 1 1 0 1 0:1", "t 0 1 1 0 1 5000:1", VB_EPARSE);     /* not a score seen */
  load_fails_with(m, "t 0 1 1 0 1 0:1", "t 0 0 0 0 0", VB_EPARSE);            /* n = 0 */
  load_fails_with(m, "t 3 2 0 1 2 9000:1 10000:1", "t 3 2 0 1 2 9000:2", VB_EPARSE);
  load_fails_with(m, "t 3 2", "t 0 2", VB_EPARSE); /* theme 0 twice */
  load_fails_with(m, "t 0 1 1 0 1 0:1\nt 3", "t 3 2 0 1 2 9000:1 10000:1\nt 0", VB_EPARSE);
  load_fails_with(m, "t 0 1 1 0 1 0:1", "x 0 1 1 0 1 0:1", VB_EPARSE);
  /* scores of negative / positive mentioners and of texts by sentiment */
  load_fails_with(m, "tn 0 1 0:1", "tn 0 1 9000:1", VB_EPARSE);  /* not a score of theme 0 */
  load_fails_with(m, "tn 0 1 0:1", "tn 3 1 0:1", VB_EPARSE);     /* theme 3 has no negative */
  load_fails_with(m, "tp 3 1 10000:1", "tp 3 2 9000:1 10000:1", VB_EPARSE); /* > pos */
  load_fails_with(m, "tp 3 1 10000:1", "tp 3 0", VB_EPARSE);     /* empty */
  load_fails_with(m, "doc 0 1 0:1", "doc 0 1 9000:1", VB_EPARSE); /* do not add up */
  load_fails_with(m, "doc 1 1 9000:1", "doc 1 2 0:1 9000:1", VB_EPARSE);
  load_fails_with(m, "doc 2 1 10000:1\n", "", VB_EPARSE);
  /* quotes */
  load_fails_with(m, "end\n", "q 0 1 1 0 0 0 0 0 0 0 0 =1 =x\nend\n", VB_EPARSE); /* no positive */
  load_fails_with(m, "end\n", "q 9 0 1 0 0 0 0 0 0 0 0 =1 =x\nend\n", VB_EPARSE); /* theme 9 */
  load_fails_with(m, "end\n", "q 0 0 1 0 0 0 0 0 0 0 0 =1 =x\nend\n", VB_EPARSE); /* bad hash */
  load_fails_with(m, "end\n", "v 11 0 1 0 0 0 0 0 0 1 11000 =1 =x\nend\n", VB_EPARSE);
  /* the end */
  load_fails_with(m, "end\n", "", VB_EPARSE);
  load_fails_with(m, "end\n", "end\nmore\n", VB_EPARSE);
  load_fails_with(m, "end\n", "ending\n", VB_EPARSE);
  /* binary and garbage */
  load_fails_with(m, "counts 3 3 0", "counts 3\0013 0", VB_EPARSE);
  {
    char *s = mutate("sentiment 1 1 1", "sentiment 1 1 1");
    s[strlen("verbatim-state 8\nthemes 5\nth")] = '\0'; /* a NUL inside a line */
    LOAD_FAILS(m, s, sizeof good_state - 1, VB_EPARSE);
    free(s);
  }
  LOAD_FAILS(m, "", 0, VB_EPARSE);
  LOAD_FAILS(m, "hello world\n", 12, VB_EPARSE);
  LOAD_FAILS(m, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, VB_EPARSE);
  {
    /* a line longer than any buffer */
    size_t n = 200000;
    char *big = malloc(n);
    assert_non_null(big);
    memcpy(big, "verbatim-state 4\nthemes ", 24);
    memset(big + 24, '5', n - 24);
    LOAD_FAILS(m, big, n, VB_EPARSE);
    free(big);
  }
  /* NULL arguments */
  vb_agg *a;
  assert_int_equal(vb_agg_load(NULL, good_state, sizeof good_state - 1, &a, NULL), VB_EINVAL);
  assert_int_equal(vb_agg_load(m, NULL, 0, &a, NULL), VB_EINVAL);
}

/* A dated state by hand: January 2026 (key 24312), three records scored 0, one without a
 * theme and two mentioning delivery and price (two top-level themes each). */
static const char dated_state[] = "verbatim-state 8\n"
                                  "themes 5\n"
                                  "theme delivery\n"
                                  "theme delivery.late\n"
                                  "theme price\n"
                                  "theme staff\n"
                                  "theme app\n"
                                  "scores 1\n"
                                  "score nps =nps\n"
                                  "by -\n"
                                  "date month =date\n"
                                  "drivers -\n"
                                  "questions -\n"
                                  "group all\n"
                                  "counts 3 3 0\n"
                                  "langs 0 3 0 0 0\n"
                                  "sentiment 0 3 0\n"
                                  "s 0 0 0 1 0:3\n"
                                  "t 0 2 0 0 1 0:2\n"
                                  "t 2 2 0 0 1 0:2\n"
                                  "group period 24312\n"
                                  "counts 3 3 0\n"
                                  "langs 0 3 0 0 0\n"
                                  "sentiment 0 3 0\n"
                                  "s 0 0 0 1 0:3\n"
                                  "t 0 2 0 0 1 0:2\n"
                                  "t 2 2 0 0 1 0:2\n"
                                  "m0 1 0:1\n"
                                  "m 0 2 1 0:2\n"
                                  "m 2 2 1 0:2\n"
                                  "undated 0\n"
                                  "doc 0 0\n"
                                  "doc 1 1 0:3\n"
                                  "doc 2 0\n"
                                  "pair 0 2 2 1 0:2\n"
                                  "end\n";

static void test_load_dated_state(void **state) {
  fixture *f = *state;
  vb_agg *a = NULL;
  vb_error e = {0};
  assert_int_equal(vb_agg_load(f->model, dated_state, sizeof dated_state - 1, &a, &e), VB_OK);
  size_t len;
  char *s = save(a, &len); /* it saves back to itself */
  assert_int_equal(len, sizeof dated_state - 1);
  assert_memory_equal(s, dated_state, len);
  vb_free(s);
  vb_agg_free(a);
  /*
   * The same counts per theme and per record, but delivery in 3 of the records with two
   * themes and price in 1: the 'm' lines add up (3 + 1 = 2 x 2 records with two themes, plus
   * one without, = the period's 3 scores; each theme's lines = its 't' histogram), yet no two
   * records can hold delivery three times. Refused.
   */
  char *b1 = replace_all(dated_state, "t 0 2 0 0 1 0:2", "t 0 3 0 0 1 0:3");
  char *b2 = replace_all(b1, "t 2 2 0 0 1 0:2", "t 2 1 0 0 1 0:1");
  char *b3 = replace_all(b2, "m 0 2 1 0:2", "m 0 2 1 0:3");
  char *bad = replace_all(b3, "m 2 2 1 0:2", "m 2 2 1 0:1");
  LOAD_FAILS(f->model, bad, strlen(bad), VB_EPARSE);
  free(b1);
  free(b2);
  free(b3);
  free(bad);
  /* and each of these */
  const struct { const char *from, *to; } muts[] = {
      {"m0 1 0:1\n", ""},                          /* the period's scores do not add up */
      {"m 2 2 1 0:2\n", ""},                       /* price's scores do not add up */
      {"m 2 2 1 0:2", "m 2 1 1 0:2"},              /* K = 2: 2 counts, not 2 x records */
      {"m 0 2 1 0:2\nm 2 2 1 0:2", "m 2 2 1 0:2\nm 0 2 1 0:2"}, /* out of order */
      {"m0 1 0:1\nm 0", "m 0"},                     /* no 'm0' */
      {"m0 1 0:1\nm 0 2 1 0:2\n", "m 0 2 1 0:2\nm0 1 0:1\n"}, /* 'm0' comes first */
      {"m 0 2 1 0:2", "m 0 5 1 0:2"},              /* more themes than the 4 top-level */
      {"m 0 2 1 0:2", "m 1 2 1 0:2"},              /* delivery.late is not top-level */
  };
  for (size_t k = 0; k < sizeof muts / sizeof muts[0]; k++) {
    char *m = replace_all(dated_state, muts[k].from, muts[k].to);
    LOAD_FAILS(f->model, m, strlen(m), VB_EPARSE);
    free(m);
  }
}

static void test_load_child_without_parent(void **state) {
  fixture *f = *state;
  /*
   * A record that mentions delivery.late also counts for its parent delivery (agg.c), so in
   * any state made by vb_agg_add/merge a child's n and scores are contained in its parent's.
   * vb_agg_load promises to check every field of untrusted state files but does not check
   * this: a state with delivery.late counted once and delivery not at all loads, and its table
   * shows a child theme more prevalent than its parent.
   */
  char *s = mutate("t 0 1 1 0 1 0:1", "t 1 1 1 0 1 0:1");
  vb_agg *a = NULL;
  int rc = vb_agg_load(f->model, s, strlen(s), &a, NULL);
  assert_true(rc == VB_OK || rc == VB_EPARSE);
  assert_int_equal(rc, VB_EPARSE);
  vb_agg_free(a);
  free(s);
}

static void test_load_truncated_and_mutated_never_crash(void **state) {
  fixture *f = *state;
  const size_t len = sizeof good_state - 1;
  /* every truncation before the final "end" fails; only the missing final newline may pass */
  for (size_t cut = 0; cut < len - 1; cut++) {
    char *s = malloc(cut + 1);
    assert_non_null(s);
    memcpy(s, good_state, cut);
    vb_agg *a = (vb_agg *)&a;
    int rc = vb_agg_load(f->model, s, cut, &a, NULL);
    if (rc != VB_EPARSE && rc != VB_EMISMATCH) fail_msg("truncated at %zu: rc %d", cut, rc);
    assert_null(a);
    free(s);
  }
  /* every byte replaced by a few others: a clean error or a state that saves again */
  static const char subst[] = {'0', '9', ' ', '\n', 'x', '-', ':', '\0', (char)0xFF};
  char *s = malloc(len);
  assert_non_null(s);
  for (size_t i = 0; i < len; i++) {
    for (size_t k = 0; k < sizeof subst; k++) {
      memcpy(s, good_state, len);
      if (s[i] == subst[k]) continue;
      s[i] = subst[k];
      vb_agg *a = NULL;
      vb_error e = {0};
      int rc = vb_agg_load(f->model, s, len, &a, &e);
      if (rc == VB_OK) {
        char *out;
        size_t ol;
        assert_int_equal(vb_agg_save(a, &out, &ol), VB_OK);
        vb_table *t;
        assert_int_equal(vb_agg_table(a, &t), VB_OK);
        vb_table_free(t);
        vb_free(out);
        vb_agg_free(a);
      } else {
        if (rc != VB_EPARSE && rc != VB_EMISMATCH)
          fail_msg("byte %zu -> %d: rc %d", i, subst[k], rc);
        assert_null(a);
        assert_true(e.code == rc);
      }
    }
  }
  free(s);
}

/* ---- the NPS table of a ten-record fixture ---- */

static const rec fixture10[] = {
    {"The delivery was late.", VB_LANG_EN, 1, 2}, /* delivery, delivery.late */
    {"Late again.", VB_LANG_EN, 1, 0},            /* delivery.late (so delivery) */
    {"Delivery was fine.", VB_LANG_EN, 1, 8},     /* delivery */
    {"The price is good", VB_LANG_EN, 1, 9},      /* price */
    {"Too expensive", VB_LANG_EN, 1, 5},          /* price */
    {"Friendly staff", VB_LANG_EN, 1, 10},        /* staff */
    {"Staff were helpful", VB_LANG_EN, 1, 9},     /* staff */
    {"Nothing to add", VB_LANG_EN, 1, 7},         /* - */
    {"Great delivery", VB_LANG_EN, 1, 10},        /* delivery */
    {"OK", VB_LANG_EN, 1, 6},                     /* - */
};

static const vb_theme_row *row_of(const vb_table *t, size_t theme) {
  for (size_t i = 0; i < t->n_rows; i++)
    if (t->rows[i].theme == theme) return &t->rows[i];
  fail_msg("no row for theme %zu", theme);
  return NULL;
}

/* A text and its score. */
typedef struct {
  const char *text;
  double score;
} scored;

/* Themes mentioned together, worked out by hand on six records. */
static void test_pairs_by_hand(void **state) {
  fixture *f = *state;
  static const scored recs[] = {
      {"The delivery was late and the app was down", 0}, /* delivery, delivery.late, app */
      {"delivery and app", 2},                            /* delivery, app */
      {"shipping through the app", 10},                   /* delivery, app */
      {"the price", 9},
      {"the staff", 9},
      {"staff and price", 8},                             /* price, staff */
  };
  vb_agg *a;
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_NPS, &a), VB_OK);
  for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++)
    assert_int_equal(vb_agg_add(a, run(f, recs[i].text, VB_LANG_EN), 1, recs[i].score), VB_OK);
  vb_table *t;
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  /*
   * Pairs: delivery-app 3, delivery.late-app 1, price-staff 1; delivery with delivery.late is
   * no pair (a parent). Only delivery-app has VB_PAIR_MIN (3) records.
   * c = 3 / (3 + 3 - 3) = 1; lift = 3 x 6 / (3 x 3) = 2; p = P(X >= 3), N 6, 3 and 3:
   * C(3,3) C(3,0) / C(6,3) = 1/20. The family: the pairs of the 5 themes mentioned, 10, less
   * delivery with delivery.late, = 9; the other two p are P(X >= 1 | 6, 1, 3) = 1/2 and
   * P(X >= 1 | 6, 2, 2) = 1 - C(4,2)/C(6,2) = 3/5; q = min(0.05 x 9 / 1, 0.5 x 9 / 2 ...) = 0.45.
   * Score of the three: 0, 2 and 10: NPS 100 (1 - 2) / 3 = -33.3.
   */
  assert_int_equal(t->pairs_unknown, 0);
  assert_int_equal(t->n_pairs, 1);
  const vb_pair_row *r = &t->pairs[0];
  assert_int_equal(r->a, T_DELIVERY);
  assert_int_equal(r->b, T_APP);
  assert_int_equal(r->n, 3);
  assert_int_equal(r->n_a, 3);
  assert_int_equal(r->n_b, 3);
  assert_close(r->c, 1.0, 1e-12);
  assert_close(r->lift, 2.0, 1e-12);
  assert_close(r->p, 0.05, 1e-12);
  assert_close(r->q, 0.45, 1e-12);
  assert_int_equal(r->score.n, 3);
  assert_close(r->score.value, -100.0 / 3, 1e-9);
  vb_table_free(t);
  /* the state keeps every pair, and the merge of two halves equals the whole */
  size_t len;
  char *s = save(a, &len);
  assert_non_null(strstr(s, "\npair 0 4 3 3 0:1 2000:1 10000:1\npair 1 4 1 1 0:1\n"
                            "pair 2 3 1 1 8000:1\nend\n"));
  vb_agg *h1, *h2;
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_NPS, &h1), VB_OK);
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_NPS, &h2), VB_OK);
  for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++)
    assert_int_equal(vb_agg_add(i % 2 ? h1 : h2, run(f, recs[i].text, VB_LANG_EN), 1,
                                recs[i].score), VB_OK);
  assert_int_equal(vb_agg_merge(h2, h1), VB_OK);
  char *s2 = save(h2, &len);
  assert_string_equal(s, s2);
  vb_free(s);
  vb_free(s2);
  vb_agg_free(h1);
  vb_agg_free(h2);
  vb_agg_free(a);
}

/* The themes mentioned with each brand, worked out by hand on seven records, with a model of
 * the test codebook and a brand list of two brands. */
/* Adds the records to a new aggregate *a, and alternately to two new halves h[0], h[1]. */
static void add_scored(const vb_model *m, vb_analyzer *an, const scored *recs, size_t n,
                       vb_agg **a, vb_agg **h) {
  assert_int_equal(vb_agg_new(m, VB_SCORE_NPS, a), VB_OK);
  assert_int_equal(vb_agg_new(m, VB_SCORE_NPS, &h[0]), VB_OK);
  assert_int_equal(vb_agg_new(m, VB_SCORE_NPS, &h[1]), VB_OK);
  vb_run_options ro = {VB_LANG_EN, VB_LANG_EN, 0};
  for (size_t i = 0; i < n; i++) {
    const vb_result *r;
    assert_int_equal(vb_analyzer_run(an, recs[i].text, strlen(recs[i].text), &ro, &r), VB_OK);
    assert_int_equal(vb_agg_add(*a, r, 1, recs[i].score), VB_OK);
    assert_int_equal(vb_agg_add(h[i % 2], r, 1, recs[i].score), VB_OK);
  }
}

/* The halves h merged save as the whole's state s, and s loads back as itself (h[0] keeps the
 * merge). */
static void same_when_merged_and_loaded(const vb_model *m, const char *s, vb_agg **h) {
  size_t len;
  vb_error e = {0};
  assert_int_equal(vb_agg_merge(h[0], h[1]), VB_OK);
  char *s2 = save(h[0], &len);
  assert_string_equal(s, s2);
  vb_free(s2);
  vb_agg *b;
  assert_int_equal(vb_agg_load(m, s, strlen(s), &b, &e), VB_OK);
  s2 = save(b, &len);
  assert_string_equal(s, s2);
  vb_free(s2);
  vb_agg_free(b);
}

/* The state s as a state of an older version (its header `header`, everything from `first` on
 * cut): it loads, and saves with `unknown` (the lines that say what it did not count) before
 * its end; with those lines left in, the older state is refused. The loaded aggregate, for the
 * caller's checks of its table and merges. */
static vb_agg *older_state(const vb_model *m, const char *s, const char *header,
                           const char *first, const char *unknown) {
  char *old = replace_all(s, "verbatim-state 8", header);
  LOAD_FAILS(m, old, strlen(old), VB_EPARSE);
  char *cut = strstr(old, first);
  assert_non_null(cut);
  strcpy(cut + 1, "end\n");
  vb_agg *b;
  vb_error e = {0};
  assert_int_equal(vb_agg_load(m, old, strlen(old), &b, &e), VB_OK);
  free(old);
  size_t len;
  char *again = save(b, &len);
  assert_non_null(strstr(again, unknown));
  vb_free(again);
  return b;
}

/* A model of the test codebook with the brands Acme, Zento and Bolt, an analyzer, and the
 * three brands' theme indices (in that order). */
static void three_brands(vb_model **m, vb_analyzer **an, size_t *acme, size_t *zento,
                         size_t *bolt) {
  assert_int_equal(load_model_brands(CODEBOOK, "Acme: acme\nZento: zento\nBolt: bolt\n", m),
                   VB_OK);
  assert_int_equal(vb_analyzer_new(*m, an), VB_OK);
  *acme = *zento = *bolt = SIZE_MAX;
  for (size_t i = 0; i < vb_model_theme_count(*m); i++) {
    if (!strcmp(vb_model_theme_id(*m, i), "brand.acme")) *acme = i;
    if (!strcmp(vb_model_theme_id(*m, i), "brand.zento")) *zento = i;
    if (!strcmp(vb_model_theme_id(*m, i), "brand.bolt")) *bolt = i;
  }
  assert_true(*acme < *zento && *zento < *bolt && *bolt < SIZE_MAX);
}

static void test_brand_themes_by_hand(void **state) {
  (void)state;
  vb_model *m;
  assert_int_equal(load_model_brands(CODEBOOK, "Acme: acme\nZento: zento\n", &m), VB_OK);
  vb_analyzer *an;
  assert_int_equal(vb_analyzer_new(m, &an), VB_OK);
  size_t acme = SIZE_MAX, zento = SIZE_MAX;
  for (size_t i = 0; i < vb_model_theme_count(m); i++) {
    if (!strcmp(vb_model_theme_id(m, i), "brand.acme")) acme = i;
    if (!strcmp(vb_model_theme_id(m, i), "brand.zento")) zento = i;
  }
  assert_true(acme < SIZE_MAX && zento < SIZE_MAX);
  static const scored recs[] = {
      {"Acme delivery was terrible", 0},  /* acme, delivery (negative) */
      {"acme shipping late", 2},          /* acme, delivery (negative), delivery.late */
      {"Acme delivery was great", 10},    /* acme, delivery (positive) */
      {"Zento price", 9},                 /* zento, price */
      {"the staff", 8},                   /* staff */
      {"acme and zento and the app", 5},  /* acme, zento, app */
      {"delivery", 7},                    /* delivery */
  };
  vb_agg *a, *h[2];
  add_scored(m, an, recs, sizeof recs / sizeof recs[0], &a, h);
  vb_table *t;
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  /*
   * Brand pairs: acme-delivery 3 (records 1-3), acme-delivery.late 1, acme-app 1,
   * zento-price 1, zento-app 1; never a brand with a brand (acme and zento in record 6).
   * Only acme-delivery has VB_PAIR_MIN records. N 7, acme 4 records, delivery 4:
   * share 3/4; others (4 - 3) / (7 - 4) = 1/3; lift 3 x 7 / (4 x 4) = 21/16;
   * p = P(X >= 3 | 7, 4, 4) = (C(4,3) C(3,1) + C(4,4) C(3,0)) / C(7,4) = 13/35.
   * The family: 2 brands named x 5 topics mentioned = 10; the five p sorted: 2/7 (zento-price,
   * zento: 2 records, price 1), 2/7 (zento-app), 13/35, 4/7 (acme-late: 4 and 1), 4/7
   * (acme-app); q of the third = min(13/35 x 10 / 3, 4/7 x 10 / 4, 4/7 x 10 / 5) = 8/7 -> 1.
   * delivery is negative in records 1 and 2 ("late" is negative in the built-in lexicon) and
   * positive in record 3. Scores 0, 2 and 10: NPS
   * 100 (1 - 2) / 3.
   */
  assert_int_equal(t->brand_themes_unknown, 0);
  assert_int_equal(t->n_brand_themes, 1);
  const vb_brand_theme_row *r = &t->brand_themes[0];
  assert_int_equal(r->brand, acme);
  assert_int_equal(r->theme, T_DELIVERY);
  assert_int_equal(r->n, 3);
  assert_int_equal(r->n_brand, 4);
  assert_int_equal(r->n_theme, 4);
  assert_close(r->share, 0.75, 1e-12);
  assert_close(r->share_rest, 1.0 / 3, 1e-12);
  assert_close(r->lift, 21.0 / 16, 1e-12);
  assert_close(r->p, 13.0 / 35, 1e-12);
  assert_close(r->q, 1.0, 1e-12);
  assert_int_equal(r->neg, 2);
  assert_int_equal(r->pos, 1);
  assert_int_equal(r->score.n, 3);
  assert_close(r->score.value, -100.0 / 3, 1e-9);
  /* and the topic pairs do not take brands */
  for (size_t i = 0; i < t->n_pairs; i++)
    assert_false(vb_model_theme_is_brand(m, t->pairs[i].a) ||
                 vb_model_theme_is_brand(m, t->pairs[i].b));
  vb_table_free(t);
  /* the state keeps every brand pair; the merge of two halves equals the whole */
  size_t len;
  char *s = save(a, &len);
  char want[160];
  snprintf(want, sizeof want, "\nbpair %zu %d 3 2 1 3 0:1 2000:1 10000:1\nbpair %zu %d 1 1 0 1 2000:1\n",
           acme, T_DELIVERY, acme, T_LATE);
  assert_non_null(strstr(s, want));
  same_when_merged_and_loaded(m, s, h);
  /* a version 5 state has no brand pairs: it loads, and its table says they are unknown */
  vb_agg *b = older_state(m, s, "verbatim-state 5", "\nbpair ",
                          "\nbpairs unknown\nbbpairs unknown\nswitches unknown\nend\n");
  assert_int_equal(vb_agg_table(b, &t), VB_OK);
  assert_int_equal(t->brand_themes_unknown, 1);
  assert_int_equal(t->n_brand_themes, 0);
  vb_table_free(t);
  vb_agg_free(b);
  /* corrupted brand pair lines */
  char from[128], to[128];
  snprintf(from, sizeof from, "bpair %zu %d 3 2 1 3 0:1 ", acme, T_DELIVERY);
  const char *bad[] = {
      "bpair %zu %d 3 4 1 3 0:1 ",   /* more negative records than the pair */
      "bpair %zu %d 3 2 2 3 0:1 ",   /* more positive ones than delivery has */
      "bpair %zu %d 3 2 3 0:1 ",     /* no positive count */
      "bpair %zu %d 5 2 1 3 0:1 ",   /* more records than acme */
      "bpair %zu %d 3 2 1 3 9000:1 ", /* a score that is not delivery's */
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    snprintf(to, sizeof to, bad[k], acme, T_DELIVERY);
    char *x = replace_all(s, from, to);
    LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
    free(x);
  }
  snprintf(to, sizeof to, "bpair %zu %zu 3 2 1 3 0:1 ", acme, zento); /* a brand with a brand */
  char *x = replace_all(s, from, to);
  LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
  free(x);
  snprintf(to, sizeof to, "bpair %d %zu 3 2 1 3 0:1 ", T_DELIVERY, acme); /* the topic first */
  x = replace_all(s, from, to);
  LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
  free(x);
  char late[48], app[48];
  snprintf(late, sizeof late, "bpair %zu %d 1 1 0 1 2000:1\n", acme, T_LATE);
  snprintf(app, sizeof app, "bpair %zu %d 1 0 0 1 5000:1\n", acme, T_APP);
  snprintf(from, sizeof from, "%s%s", late, app);
  snprintf(to, sizeof to, "%s%s", app, late); /* out of order */
  assert_non_null(strstr(s, from));
  x = replace_all(s, from, to);
  LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
  free(x);
  x = replace_all(s, "\nend\n", "\nbpairs unknown\nend\n"); /* both counted and unknown */
  LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
  free(x);
  vb_free(s);
  vb_agg_free(h[0]);
  vb_agg_free(h[1]);
  vb_agg_free(a);
  vb_analyzer_free(an);
  vb_model_free(m);
}

static void test_brand_pairs_by_hand(void **state) {
  (void)state;
  vb_model *m;
  vb_analyzer *an;
  size_t acme, zento, bolt;
  three_brands(&m, &an, &acme, &zento, &bolt);
  static const scored recs[] = {
      {"Acme was great, but Zento was terrible", 9}, /* acme positive, zento negative */
      {"Acme and Zento were terrible", 0},           /* both negative */
      {"Acme and Zento were great", 10},             /* both positive */
      {"Zento or Bolt", 5},                          /* neither */
      {"Bolt", 7},
      {"the staff", 8},
      {"delivery", 3},
      {"price", 6},
  };
  vb_agg *a, *h[2];
  add_scored(m, an, recs, sizeof recs / sizeof recs[0], &a, h);
  vb_table *t;
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  /*
   * N 8; acme 3 records (1-3), zento 4 (1-4), bolt 2 (4, 5). Pairs: acme-zento 3, zento-bolt 1;
   * only acme-zento has VB_PAIR_MIN records. Lift 3 x 8 / (3 x 4) = 2;
   * p = P(X >= 3 | N 8, acme 3, zento 4) = C(3,3) C(5,1) / C(8,4) = 5/70 = 1/14.
   * zento-bolt: P(X >= 1 | 8, 4, 2) = 1 - C(6,4) / C(8,4) = 55/70 = 11/14; acme-bolt, never
   * together: 1. The family: the 3 pairs of the 3 named brands; q of 1/14 = min(1/14 x 3,
   * 11/14 x 3/2, 1 x 3/3) = 3/14.
   * acme: positive in 1 and 3, negative in 2: net (2 - 1) / 3 = 1/3; zento: negative in 1 and
   * 2, positive in 3: -1/3. Adjusted Wald, as vb__nps: p' = 2.75 / 6, d' = 1.75 / 6, centre
   * 1/6, SE sqrt((p' + d' - (p' - d')^2) / 6). Scores 9, 0, 10: NPS 100 (2 - 1) / 3.
   */
  assert_int_equal(t->brand_pairs_unknown, 0);
  assert_int_equal(t->n_brand_pairs, 1);
  const vb_brand_pair_row *r = &t->brand_pairs[0];
  assert_int_equal(r->a, acme);
  assert_int_equal(r->b, zento);
  assert_int_equal(r->n, 3);
  assert_int_equal(r->n_a, 3);
  assert_int_equal(r->n_b, 4);
  assert_close(r->lift, 2.0, 1e-12);
  assert_close(r->p, 1.0 / 14, 1e-12);
  assert_close(r->q, 3.0 / 14, 1e-12);
  assert_int_equal(r->a_neg, 1);
  assert_int_equal(r->a_pos, 2);
  assert_int_equal(r->b_neg, 2);
  assert_int_equal(r->b_pos, 1);
  assert_close(r->a_net, 1.0 / 3, 1e-12);
  assert_close(r->b_net, -1.0 / 3, 1e-12);
  double pp = 2.75 / 6, dd = 1.75 / 6, se = sqrt((pp + dd - (pp - dd) * (pp - dd)) / 6);
  assert_close(r->a_net_low, 1.0 / 6 - 1.959963984540054 * se, 1e-9);
  assert_close(r->a_net_high, 1.0 / 6 + 1.959963984540054 * se, 1e-9);
  assert_close(r->b_net_low, -1.0 / 6 - 1.959963984540054 * se, 1e-9);
  assert_close(r->b_net_high, -1.0 / 6 + 1.959963984540054 * se, 1e-9);
  assert_int_equal(r->score.n, 3);
  assert_close(r->score.value, 100.0 / 3, 1e-9);
  /* two brands are no brand-theme row */
  for (size_t i = 0; i < t->n_brand_themes; i++)
    assert_false(vb_model_theme_is_brand(m, t->brand_themes[i].theme));
  vb_table_free(t);
  /* the state keeps every pair of brands; the merge of two halves equals the whole */
  size_t len;
  char *s = save(a, &len);
  char want[160];
  snprintf(want, sizeof want, "\nbbpair %zu %zu 3 1 2 2 1 3 0:1 9000:1 10000:1\n"
           "bbpair %zu %zu 1 0 0 0 0 1 5000:1\nend\n", acme, zento, zento, bolt);
  assert_non_null(strstr(s, want));
  same_when_merged_and_loaded(m, s, h);
  /* a version 6 state has none: it loads, says they are unknown, and a merge keeps that */
  vb_agg *b = older_state(m, s, "verbatim-state 6", "\nbbpair ",
                          "\nbbpairs unknown\nswitches unknown\nend\n");
  assert_int_equal(vb_agg_table(b, &t), VB_OK);
  assert_int_equal(t->brand_pairs_unknown, 1);
  assert_int_equal(t->brand_themes_unknown, 0);
  assert_int_equal(t->n_brand_pairs, 0);
  vb_table_free(t);
  assert_int_equal(vb_agg_merge(b, a), VB_OK);
  char *s2 = save(b, &len);
  assert_non_null(strstr(s2, "\nbbpairs unknown\nswitches unknown\nend\n"));
  vb_free(s2);
  vb_agg_free(b);
  /* corrupted lines */
  char from[128], to[128];
  snprintf(from, sizeof from, "bbpair %zu %zu 3 1 2 2 1 3 0:1 ", acme, zento);
  static const char *const bad[] = {
      "bbpair %zu %zu 3 2 2 2 1 3 0:1 ",  /* more negative mentions of acme than it has */
      "bbpair %zu %zu 3 1 3 2 1 3 0:1 ",  /* more positive ones of acme */
      "bbpair %zu %zu 3 1 2 3 1 3 0:1 ",  /* more negative ones of zento */
      "bbpair %zu %zu 3 1 2 4 1 3 0:1 ",  /* more than the pair's records */
      "bbpair %zu %zu 3 1 2 2 3 0:1 ",    /* a count missing */
      "bbpair %zu %zu 4 1 2 2 1 3 0:1 ",  /* more records than acme */
      "bbpair %zu %zu 3 1 2 2 1 3 1000:1 ", /* a score that is not acme's */
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    snprintf(to, sizeof to, bad[k], acme, zento);
    char *x = replace_all(s, from, to);
    LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
    free(x);
  }
  snprintf(to, sizeof to, "bbpair %zu %zu 3 1 2 2 1 3 0:1 ", zento, acme); /* b before a */
  char *x = replace_all(s, from, to);
  LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
  free(x);
  snprintf(to, sizeof to, "bbpair %zu %d 3 1 2 2 1 3 0:1 ", acme, T_DELIVERY); /* not a brand */
  x = replace_all(s, from, to);
  LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
  free(x);
  x = replace_all(s, "\nend\n", "\nbbpairs unknown\nend\n"); /* both counted and unknown */
  LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
  free(x);
  vb_free(s);
  vb_agg_free(h[0]);
  vb_agg_free(h[1]);
  vb_agg_free(a);
  vb_analyzer_free(an);
  vb_model_free(m);
}

/* Switches between brands, worked out by hand on seven records. */
static void test_switches_by_hand(void **state) {
  (void)state;
  vb_model *m;
  vb_analyzer *an;
  size_t acme, zento, bolt;
  three_brands(&m, &an, &acme, &zento, &bolt);
  static const scored recs[] = {
      {"Switched from Acme to Zento", 9},                        /* acme -> zento */
      {"switched from acme to zento last week", 10},             /* acme -> zento */
      {"Ditched Acme", 2},                                        /* acme -> (none) */
      {"Moved over to Bolt from Zento", 5},                       /* zento -> bolt */
      {"I would never switch to Bolt", 6},                        /* none: negated */
      {"Left Acme for Zento, then left Acme for Zento again", 8}, /* acme -> zento, once */
      {"the staff", 7},
  };
  vb_run_options ro = {VB_LANG_EN, VB_LANG_EN, 0};
  const vb_result *res;
  const vb_switch *w;
  assert_int_equal(vb_analyzer_run(an, recs[3].text, strlen(recs[3].text), &ro, &res), VB_OK);
  assert_int_equal(vb_result_switches(res, &w), 1);
  assert_int_equal(w[0].from, zento);
  assert_int_equal(w[0].to, bolt);
  assert_int_equal(w[0].start, 0);
  assert_int_equal(w[0].end, strlen(recs[3].text));
  assert_int_equal(vb_analyzer_run(an, recs[4].text, strlen(recs[4].text), &ro, &res), VB_OK);
  assert_int_equal(vb_result_switches(res, &w), 0);
  assert_int_equal(vb_analyzer_run(an, recs[5].text, strlen(recs[5].text), &ro, &res), VB_OK);
  assert_int_equal(vb_result_switches(res, &w), 2);
  vb_agg *a, *h[2];
  add_scored(m, an, recs, sizeof recs / sizeof recs[0], &a, h);
  vb_table *t;
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  /*
   * Switches: acme -> zento in records 1, 2 and 6 (twice in 6, counted once): 3, scores 9, 10
   * and 8, NPS 100 (2 - 0) / 3; acme -> (none) 1 (record 3); zento -> bolt 1 (record 4).
   * Ordered by n, then by the brand left (acme before zento), the unnamed side last.
   * Per brand: acme lost 4, won 0; zento lost 1, won 3; bolt won 1. acme and zento tie at 4:
   * theme order. Quotes: acme's switches away are in 4 records, of which VB_AGG_QUOTES (3)
   * are kept; zento's away: record 4 only, its switch marked from the verb to the last brand.
   */
  assert_int_equal(t->switches_unknown, 0);
  assert_int_equal(t->n_switches, 3);
  const vb_switch_row *r = t->switches;
  assert_int_equal(r[0].from, acme);
  assert_int_equal(r[0].to, zento);
  assert_int_equal(r[0].n, 3);
  assert_int_equal(r[0].score.n, 3);
  assert_close(r[0].score.value, 200.0 / 3, 1e-9);
  assert_int_equal(r[1].from, acme);
  assert_int_equal(r[1].to, SIZE_MAX);
  assert_int_equal(r[1].n, 1);
  assert_int_equal(r[2].from, zento);
  assert_int_equal(r[2].to, bolt);
  assert_int_equal(r[2].n, 1);
  assert_int_equal(t->n_switch_brands, 3);
  const vb_switch_brand_row *b = t->switch_brands;
  assert_int_equal(b[0].brand, acme);
  assert_int_equal(b[0].lost, 4);
  assert_int_equal(b[0].won, 0);
  assert_int_equal(b[0].n_lost_quotes, VB_AGG_QUOTES);
  assert_int_equal(b[0].n_won_quotes, 0);
  assert_int_equal(b[1].brand, zento);
  assert_int_equal(b[1].lost, 1);
  assert_int_equal(b[1].won, 3);
  assert_int_equal(b[1].n_lost_quotes, 1);
  assert_string_equal(b[1].lost_quotes[0].text, recs[3].text);
  assert_int_equal(b[1].lost_quotes[0].span_start, 0);
  assert_int_equal(b[1].lost_quotes[0].span_end, strlen(recs[3].text));
  assert_int_equal(b[1].n_won_quotes, 3);
  assert_int_equal(b[2].brand, bolt);
  assert_int_equal(b[2].lost, 0);
  assert_int_equal(b[2].won, 1);
  vb_table_free(t);
  /* the state keeps them; the merge of two halves equals the whole */
  size_t len;
  char *s = save(a, &len);
  char want[160];
  snprintf(want, sizeof want, "\nswitch %zu %zu 3 3 8000:1 9000:1 10000:1\nswitch %zu - 1 1 "
           "2000:1\nswitch %zu %zu 1 1 5000:1\nwq ", acme, zento, acme, zento, bolt);
  assert_non_null(strstr(s, want));
  same_when_merged_and_loaded(m, s, h);
  /* a version 7 state has none: it loads, says they are unknown, and a merge keeps that */
  vb_agg *c = older_state(m, s, "verbatim-state 7", "\nswitch ", "\nswitches unknown\nend\n");
  assert_int_equal(vb_agg_table(c, &t), VB_OK);
  assert_int_equal(t->switches_unknown, 1);
  assert_int_equal(t->n_switches, 0);
  assert_int_equal(t->n_switch_brands, 0);
  vb_table_free(t);
  assert_int_equal(vb_agg_merge(c, a), VB_OK);
  char *s2 = save(c, &len);
  assert_non_null(strstr(s2, "\nswitches unknown\nend\n"));
  assert_null(strstr(s2, "\nwq "));
  vb_free(s2);
  vb_agg_free(c);
  /* corrupted lines */
  char from[160], to[64];
  snprintf(from, sizeof from, "switch %zu %zu 3 3 8000:1 ", acme, zento);
  const char *bad[] = {
      "switch %zu %zu 4 3 8000:1 ",  /* more records than zento has (3 and 4: 4 > 4 unscored) */
      "switch %zu %zu 0 3 8000:1 ",  /* none */
      "switch %zu %zu 3 3 7000:1 ",  /* a score that is not acme's */
      "switch %zu %zu 3 ",           /* no histogram */
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    snprintf(to, sizeof to, bad[k], acme, zento);
    char *x = replace_all(s, from, to);
    LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
    free(x);
  }
  snprintf(to, sizeof to, "switch %zu %zu 3 3 8000:1 ", acme, acme); /* a brand to itself */
  char *x = replace_all(s, from, to);
  LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
  free(x);
  snprintf(to, sizeof to, "switch %zu %d 3 3 8000:1 ", acme, T_DELIVERY); /* not a brand */
  x = replace_all(s, from, to);
  LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
  free(x);
  snprintf(to, sizeof to, "switch - - 3 3 8000:1 "); /* no brand named */
  x = replace_all(s, from, to);
  LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
  free(x);
  char sw1[64], sw2[64], swap[160]; /* out of order */
  snprintf(sw1, sizeof sw1, "\nswitch %zu %zu 3 3 8000:1 9000:1 10000:1", acme, zento);
  snprintf(sw2, sizeof sw2, "\nswitch %zu - 1 1 2000:1", acme);
  snprintf(from, sizeof from, "%s%s", sw1, sw2);
  snprintf(swap, sizeof swap, "%s%s", sw2, sw1);
  x = replace_all(s, from, swap);
  assert_string_not_equal(x, s);
  LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
  free(x);
  x = replace_all(s, "\nend\n", "\nswitches unknown\nend\n"); /* both counted and unknown */
  LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
  free(x);
  /* the quotes must match the switches: bolt's switch to it without its quote */
  char bq[32];
  snprintf(bq, sizeof bq, "\nwq %zu 1 ", bolt);
  x = malloc(strlen(s) + 1);
  assert_non_null(x);
  strcpy(x, s);
  char *line = strstr(x, bq);
  assert_non_null(line);
  char *next = strchr(line + 1, '\n');
  memmove(line, next, strlen(next) + 1);
  LOAD_FAILS(m, x, strlen(x), VB_EPARSE);
  free(x);
  vb_free(s);
  vb_agg_free(h[0]);
  vb_agg_free(h[1]);
  vb_agg_free(a);
  vb_analyzer_free(an);
  vb_model_free(m);
}

static void test_nps_table_by_hand(void **state) {
  fixture *f = *state;
  vb_agg *a;
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_NPS, &a), VB_OK);
  for (size_t i = 0; i < 10; i++)
    add_record(f, &fixture10[i], &a, 1);
  vb_table *t;
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  /*
   * Scores 2 0 8 9 5 10 9 7 10 6.
   * Promoters (9-10): 9 10 9 10 -> P = 4; detractors (0-6): 2 0 5 6 -> D = 4; passives 8 7.
   * NPS = 100 (4 - 4) / 10 = 0; shares 0.4 / 0.2 / 0.4; mean 66 / 10 = 6.6.
   * Adjusted Wald: p' = d' = 4.75 / 13 = 0.3653846; var = 0.7307692 - 0 = 0.7307692;
   * SE = sqrt(0.7307692 / 13) = 0.2370919; margin 100 * 1.959964 * 0.2370919 = 46.46934.
   */
  assert_int_equal(t->type, VB_SCORE_NPS);
  assert_int_equal(t->records, 10);
  assert_int_equal(t->analysed, 10);
  assert_int_equal(t->errors, 0);
  assert_int_equal(t->missing_score, 0);
  assert_int_equal(t->by_lang[VB_LANG_EN], 10);
  assert_int_equal(t->sent_pos + t->sent_neg + t->sent_neu, 10);
  assert_int_equal(t->score.n, 10);
  assert_close(t->score.value, 0.0, 1e-12);
  assert_close(t->score.top, 0.4, 1e-12);
  assert_close(t->score.middle, 0.2, 1e-12);
  assert_close(t->score.bottom, 0.4, 1e-12);
  assert_close(t->score.mean, 6.6, 1e-12);
  assert_close(t->score.ci_low, -46.46934, 1e-4);
  assert_close(t->score.ci_high, 46.46934, 1e-4);
  /* distribution 0..10 */
  assert_int_equal(t->dist_n, 11);
  const size_t dist[11] = {1, 0, 1, 0, 0, 1, 1, 1, 1, 2, 2};
  for (size_t v = 0; v <= 10; v++) {
    assert_close(t->dist_value[v], (double)v, 0);
    assert_int_equal(t->dist_count[v], dist[v]);
  }
  /*
   * Themes (a record mentioning delivery.late also counts for its parent delivery):
   *   delivery       records 1 2 3 9: scores 2 0 8 10 -> P 1, D 2, n 4: NPS -25
   *                  without (4 5 6 7 8 10): 9 5 10 9 7 6 -> P 3, D 2, n 6: NPS 16.6667
   *                  impact = 0 - 16.6667 = -16.6667
   *                  (Qualtrics form: n (NPS_t - NPS) / (N - n) = 4 (-25 - 0) / 6 = -16.6667)
   *   delivery.late  records 1 2: 2 0 -> NPS -100; without: 8 9 5 10 9 7 10 6 -> P 4, D 2:
   *                  NPS 25; impact -25 (= 2 (-100 - 0) / 8)
   *   price          records 4 5: 9 5 -> NPS 0; without: 2 0 8 10 9 7 10 6 -> P 3, D 3: 0;
   *                  impact 0
   *   staff          records 6 7: 10 9 -> NPS 100; without: 2 0 8 9 5 7 10 6 -> P 2, D 4:
   *                  NPS -25; impact +25 (= 2 (100 - 0) / 8)
   *   app            not mentioned: no row
   * Rows sorted by impact, most negative first: delivery.late, delivery, price, staff.
   * Prevalence n / 10 with Wilson intervals: 4/10 -> [0.1681803, 0.6873262];
   * 2/10 -> [0.0566822, 0.5098375].
   */
  assert_int_equal(t->n_rows, 4);
  assert_int_equal(t->rows[0].theme, T_LATE);
  assert_int_equal(t->rows[1].theme, T_DELIVERY);
  assert_int_equal(t->rows[2].theme, T_PRICE);
  assert_int_equal(t->rows[3].theme, T_STAFF);

  const vb_theme_row *r = row_of(t, T_DELIVERY);
  assert_int_equal(r->n, 4);
  assert_close(r->prevalence, 0.4, 1e-12);
  assert_close(r->prev_low, 0.1681803, 1e-6);
  assert_close(r->prev_high, 0.6873262, 1e-6);
  assert_int_equal(r->with.n, 4);
  assert_close(r->with.value, -25.0, 1e-12);
  assert_close(r->with.top, 0.25, 1e-12);
  assert_close(r->with.bottom, 0.5, 1e-12);
  assert_close(r->with.mean, 5.0, 1e-12); /* (2 + 0 + 8 + 10) / 4 */
  assert_int_equal(r->without.n, 6);
  assert_close(r->without.value, 100.0 / 6, 1e-12);
  assert_close(r->impact, -100.0 / 6, 1e-12);
  assert_true(r->too_few);

  r = row_of(t, T_LATE);
  assert_int_equal(r->n, 2);
  assert_close(r->prevalence, 0.2, 1e-12);
  assert_close(r->prev_low, 0.0566822, 1e-6);
  assert_close(r->prev_high, 0.5098375, 1e-6);
  assert_close(r->with.value, -100.0, 1e-12);
  assert_close(r->with.bottom, 1.0, 1e-12);
  assert_int_equal(r->without.n, 8);
  assert_close(r->without.value, 25.0, 1e-12);
  assert_close(r->impact, -25.0, 1e-12);

  r = row_of(t, T_PRICE);
  assert_int_equal(r->n, 2);
  assert_close(r->with.value, 0.0, 1e-12);
  assert_close(r->without.value, 0.0, 1e-12);
  assert_close(r->impact, 0.0, 1e-12);

  r = row_of(t, T_STAFF);
  assert_int_equal(r->n, 2);
  assert_close(r->with.value, 100.0, 1e-12);
  assert_close(r->with.top, 1.0, 1e-12);
  assert_close(r->without.value, -25.0, 1e-12);
  assert_close(r->impact, 25.0, 1e-12);

  /* impact = n (NPS_theme - NPS_all) / (N - n) for every row (METRICS.md) */
  for (size_t i = 0; i < t->n_rows; i++) {
    const vb_theme_row *x = &t->rows[i];
    assert_close(x->impact, (double)x->n * (x->with.value - t->score.value) / (double)(10 - x->n),
                 1e-9);
    assert_true(x->neg_share >= 0 && x->neg_share <= 1);
  }

  /*
   * Significance. Every expected count of the 2 x 3 table (mentioners / the rest x
   * promoters / passives / detractors) is below 5 here, so agg_table.c uses the
   * Fisher-Freeman-Halton exact test: all tables with the same margins (P 4, Pa 2, D 4 of 10),
   * P(a, b, c) = C(4, a) C(2, b) C(4, c) / C(10, n1) for a mentioners' row (a, b, c), and p =
   * the sum over tables no more likely than the one seen.
   *   delivery.late: row (0, 0, 2), n1 = 2, C(10, 2) = 45. Tables (a, b, c) -> weight:
   *                  (0,0,2) 6, (0,1,1) 8, (0,2,0) 1, (1,0,1) 16, (1,1,0) 8, (2,0,0) 6 (sum 45).
   *                  p = (6 + 1 + 6) / 45 = 0.2888889
   *   staff:         row (2, 0, 0): the same tables, p = 13 / 45
   *   delivery:      row (1, 1, 2), n1 = 4, C(10, 4) = 210: weight 4 x 2 x 6 = 48, the largest of
   *                  all twelve tables (1 8 6 16 48 16 36 48 6 16 8 1), so p = 1
   *   price:         row (1, 0, 1): weight 16 of 45, the largest: p = 1
   * Benjamini-Hochberg over (13/45, 13/45, 1, 1): q = min(1, 1 x 4/3, 13/45 x 4/2) =
   *   0.5777778 for the first two, 1 for the others.
   */
  assert_close(row_of(t, T_LATE)->p, 13.0 / 45, 1e-12);
  assert_close(row_of(t, T_STAFF)->p, 13.0 / 45, 1e-12);
  assert_close(row_of(t, T_DELIVERY)->p, 1.0, 1e-12);
  assert_close(row_of(t, T_PRICE)->p, 1.0, 1e-12);
  assert_int_equal(row_of(t, T_LATE)->test, VB_TEST_EXACT_2X3);
  assert_close(row_of(t, T_LATE)->q, 26.0 / 45, 1e-12);
  assert_close(row_of(t, T_STAFF)->q, 26.0 / 45, 1e-12);
  assert_close(row_of(t, T_DELIVERY)->q, 1.0, 1e-12);
  assert_close(row_of(t, T_PRICE)->q, 1.0, 1e-12);
  /* gap, verdict: every theme has fewer than 20 scored mentions */
  assert_close(row_of(t, T_LATE)->gap, -125.0, 1e-12);
  for (size_t i = 0; i < t->n_rows; i++) assert_int_equal(t->rows[i].verdict, VB_VERDICT_TOO_FEW);
  vb_table_free(t);
  vb_agg_free(a);
}

static void test_missing_scores_and_errors(void **state) {
  fixture *f = *state;
  vb_agg *a;
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_NPS, &a), VB_OK);
  vb_agg *aggs[1] = {a};
  /* two scored staff mentions, one unscored staff mention, one error record */
  const rec recs[] = {{"Friendly staff", VB_LANG_EN, 1, 10},
                      {"Rude staff", VB_LANG_EN, 1, 0},
                      {"Staff", VB_LANG_EN, 0, 0},
                      {"", VB_LANG_EN, -1, 0}};
  for (size_t i = 0; i < 4; i++)
    add_record(f, &recs[i], aggs, 1);
  vb_table *t;
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  assert_int_equal(t->records, 4);
  assert_int_equal(t->analysed, 3);
  assert_int_equal(t->errors, 1);
  assert_int_equal(t->missing_score, 1);
  assert_int_equal(t->score.n, 2);
  assert_close(t->score.value, 0.0, 1e-12); /* one promoter, one detractor */
  const vb_theme_row *r = row_of(t, T_STAFF);
  assert_int_equal(r->n, 3);               /* every analysed record mentioning it ... */
  assert_close(r->prevalence, 1.0, 1e-12); /* ... over the analysed records */
  assert_int_equal(r->with.n, 2);          /* ... but only the scored ones in the score */
  assert_int_equal(r->without.n, 0);
  assert_nan(r->impact); /* nobody without the theme: no impact */
  vb_table_free(t);
  vb_agg_free(a);
}

static void test_other_score_types(void **state) {
  fixture *f = *state;
  const vb_result *r = run(f, "ok", VB_LANG_EN); /* valid until the next run */
  vb_table *t;
  /*
   * CSAT 1-5: scores 5 4 3 2 1 5. Top-2-box (4-5) = 3 / 6 = 50 %, bottom (1-2) 2 / 6, middle
   * 1 / 6, mean 20 / 6. Wilson for 3 / 6: p 0.5, z^2 / n = 0.6402432, denom 1.6402432,
   * centre 0.5, half = 1.959964 sqrt(0.25 / 6 + 3.841459 / 144) / 1.6402432 = 0.3123818:
   * [18.76163, 81.23837] in percent. Distribution over 1..5: 1 1 1 1 2.
   */
  vb_agg *a;
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_CSAT, &a), VB_OK);
  const double csat[] = {5, 4, 3, 2, 1, 5};
  for (size_t i = 0; i < 6; i++)
    assert_int_equal(vb_agg_add(a, r, 1, csat[i]), VB_OK);
  assert_int_equal(vb_agg_add(a, r, 1, 0), VB_EINVAL); /* not on the 1-5 scale */
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  assert_close(t->score.value, 50.0, 1e-12);
  assert_close(t->score.ci_low, 18.76163, 1e-4);
  assert_close(t->score.ci_high, 81.23837, 1e-4);
  assert_close(t->score.top, 0.5, 1e-12);
  assert_close(t->score.bottom, 2.0 / 6, 1e-12);
  assert_close(t->score.middle, 1.0 / 6, 1e-12);
  assert_close(t->score.mean, 20.0 / 6, 1e-12);
  assert_int_equal(t->dist_n, 5);
  assert_close(t->dist_value[0], 1, 0);
  assert_int_equal(t->dist_count[4], 2);
  assert_int_equal(t->dist_count[0], 1);
  vb_table_free(t);
  vb_agg_free(a);
  /*
   * CES 1-7: scores 7 6 5 4 3 2 1 7: mean 35 / 8 = 4.375; squared deviations sum to 35.875,
   * sample variance 35.875 / 7 = 5.125; half-width 1.959964 sqrt(5.125 / 8) = 1.568737:
   * [2.806263, 5.943737]. Agree (5-7) 4 / 8, disagree (1-3) 3 / 8.
   */
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_CES, &a), VB_OK);
  const double ces[] = {7, 6, 5, 4, 3, 2, 1, 7};
  for (size_t i = 0; i < 8; i++)
    assert_int_equal(vb_agg_add(a, r, 1, ces[i]), VB_OK);
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  assert_close(t->score.value, 4.375, 1e-12);
  assert_close(t->score.ci_low, 2.806263, 1e-5);
  assert_close(t->score.ci_high, 5.943737, 1e-5);
  assert_close(t->score.top, 0.5, 1e-12);
  assert_close(t->score.bottom, 0.375, 1e-12);
  assert_int_equal(t->dist_n, 7);
  assert_int_equal(t->dist_count[6], 2);
  vb_table_free(t);
  vb_agg_free(a);
  /*
   * A rating with more distinct values than the 16 buckets of the table: ten buckets of equal
   * width over the range, named by their lower edges. Ratings 0, 1, ..., 20: width 2, buckets
   * 0 2 4 ... 18 with two values each, the maximum 20 in the last one (three values).
   */
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_RATING, &a), VB_OK);
  for (int v = 0; v <= 20; v++) assert_int_equal(vb_agg_add(a, r, 1, v), VB_OK);
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  assert_int_equal(t->dist_n, 10);
  for (size_t b = 0; b < 10; b++) {
    assert_close(t->dist_value[b], 2.0 * (double)b, 1e-12);
    assert_int_equal(t->dist_count[b], b == 9 ? 3 : 2);
  }
  assert_close(t->score.value, 10, 1e-12);
  vb_table_free(t);
  vb_agg_free(a);
  /* a rating aggregate re-typed once the range is known; a type the scores do not fit is
   * refused and leaves the type alone */
  assert_int_equal(vb_agg_new(f->model, VB_SCORE_RATING, &a), VB_OK);
  const double nps[] = {0, 10, 9, 6};
  for (size_t i = 0; i < 4; i++)
    assert_int_equal(vb_agg_add(a, r, 1, nps[i]), VB_OK);
  assert_int_equal(vb_score_type_guess(0, 10), VB_SCORE_NPS);
  assert_int_equal(vb_agg_set_score_type(a, VB_SCORE_CSAT), VB_EINVAL);
  assert_int_equal(vb_agg_score_type(a), VB_SCORE_RATING);
  assert_int_equal(vb_agg_set_score_type(a, VB_SCORE_NPS), VB_OK);
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  assert_int_equal(t->type, VB_SCORE_NPS);
  assert_close(t->score.value, 100.0 * (2 - 2) / 4, 1e-12);
  vb_table_free(t);
  vb_agg_free(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_model_has_the_test_codebook),
      cmocka_unit_test(test_merge_of_parts_equals_whole),
      cmocka_unit_test(test_merge_mismatch),
      cmocka_unit_test(test_load_good_state),
      cmocka_unit_test(test_load_rejects_corrupted_states),
      cmocka_unit_test(test_load_dated_state),
      cmocka_unit_test(test_load_child_without_parent),
      cmocka_unit_test(test_load_truncated_and_mutated_never_crash),
      cmocka_unit_test(test_pairs_by_hand),
      cmocka_unit_test(test_brand_themes_by_hand),
      cmocka_unit_test(test_brand_pairs_by_hand),
      cmocka_unit_test(test_switches_by_hand),
      cmocka_unit_test(test_nps_table_by_hand),
      cmocka_unit_test(test_missing_scores_and_errors),
      cmocka_unit_test(test_other_score_types),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
