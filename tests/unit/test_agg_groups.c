/*
 * test_agg_groups.c - aggregates with several scores, segments, periods, drivers and quotes
 * (agg.c, agg_state.c, agg_table.c): a split run merges to exactly the state and the table of
 * one run, states round-trip and corrupted ones are refused, segment significance matches
 * values worked out by hand, the z and exact tests are chosen by the expected counts, quotes
 * are the best distinct texts with the theme span marked, a survey's questions get their
 * answers' own sentiment and themes, and limits refuse cleanly.
 */
#include "vb_test.h"

#include <stdio.h>
#include <stdlib.h>

#include "verbatim.h"

#define CODEBOOK VB_TEST_TMP "/test_agg_groups.codebook"
#define VALENCE VB_TEST_TMP "/test_agg_groups_valence.tsv"

static const char codebook_text[] = "[delivery]\nen: delivery; shipping\n"
                                    "[delivery.late]\nen: late; delayed\n"
                                    "[price]\nen: price; expensive\n"
                                    "[staff]\nen: staff; employee\n"
                                    "[app]\nen: app\n";
static const char valence_text[] = "great\t3\nterrible\t-3\nfriendly\t2\nhelpful\t2\nrude\t-2.5\n"
                                   "slow\t-1.5\ncrashes\t-2\nlove\t3\n";

enum { T_DELIVERY = 0, T_LATE, T_PRICE, T_STAFF, T_APP };

typedef struct {
  vb_model *model;
  vb_analyzer *an;
} fixture;

static int write_file(const char *path, const char *text) {
  FILE *fp = fopen(path, "wb");
  if (!fp) return -1;
  size_t n = strlen(text);
  int bad = fwrite(text, 1, n, fp) != n;
  return (fclose(fp) != 0 || bad) ? -1 : 0;
}

static int group_setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f || write_file(CODEBOOK, codebook_text) || write_file(VALENCE, valence_text)) return -1;
  const char *cbs[1] = {CODEBOOK}, *lex[1] = {"en:" VALENCE};
  vb_model_options o = {0};
  o.codebooks = cbs;
  o.n_codebooks = 1;
  o.no_default_codebook = 1;
  o.lexicons = lex;
  o.n_lexicons = 1;
  if (vb_model_load(&o, &f->model, NULL) || vb_analyzer_new(f->model, &f->an)) return -1;
  *state = f;
  return 0;
}

static int group_teardown(void **state) {
  fixture *f = *state;
  vb_analyzer_free(f->an);
  vb_model_free(f->model);
  free(f);
  remove(CODEBOOK);
  remove(VALENCE);
  return 0;
}

static const vb_result *run(fixture *f, const char *text) {
  vb_run_options ro = {VB_LANG_EN, VB_LANG_EN, 0};
  const vb_result *r = NULL;
  assert_int_equal(vb_analyzer_run(f->an, text, strlen(text), &ro, &r), VB_OK);
  return r;
}

/* ---- the full corpus: two scores, segments, dates, drivers ---- */

typedef struct {
  const char *text;
  int nps;      /* -1 missing, -2 an unreadable value */
  int csat;     /* -1 missing */
  const char *channel; /* NULL: none */
  const char *date;    /* NULL: none */
  double effort;       /* < 0: missing */
} rec;

static const rec corpus[] = {
    {"The delivery was late again, terrible.", 2, 1, "email", "2026-08-03", 5},
    {"Great staff, very friendly!", 10, 5, "app", "2026-08-04", 1},
    {"Price is too high and shipping was slow.", 4, 2, "email", "2026-08-09", 4},
    {"The app crashes all the time", 3, 2, "app", "2026-08-15", 5},
    {"Nothing special.", -1, 3, "web", "2026-08-20", 3},
    {"Delivery delayed by a week, staff was rude", 0, 1, "email", "2026-08-21", 5},
    {"Love the app", 9, 5, "app", "2026-08-30", 1},
    {"", -1, -1, NULL, "2026-09-01", -1},
    {"Expensive but great quality", 8, 4, "web", "2026-09-02", 2},
    {"Helpful employee, fast delivery", 9, 5, "email", "not a date", 2},
    {"late late late", 1, 1, "sms", "2026-09-05", 5},
    {"ok", 7, 3, "sms", "2026-09-09", 3},
    {"The price was fine", 8, 4, "web", "2026-09-12", 2},
    {"Staff were helpful and the delivery was on time", 10, 5, "app", "2026-09-14", 1},
    {"Shipping was delayed, the app is slow", 6, 2, "app", "2026-09-20", 4},
    {"Terrible experience with the staff", 0, 1, "email", NULL, 5},
    {"great great great", 10, 5, "web", "2026-09-28", 1},
    {"Delivery, price, staff and app: all great", 9, 5, "app", "2026-10-01", 2},
    {"Slow delivery", 5, 2, "email", "2026-10-02", 4},
    {"Expensive", 6, 3, "web", "2026-10-05", 3},
    {"The employee was rude about the late shipping", 2, 1, "email", "2026-10-07", 5},
    {"Would recommend", -2, 5, "sms", "2026-10-08", 1},
    {"the app", -1, -1, "app", "2026-10-10", -1},
    {"Price ok, delivery ok", 7, 4, NULL, "2026-10-11", 2},
    {"I love the staff", 10, 5, "web", "2026-10-19", 1},
    {"Late. Late. Late.", 3, 1, "email", "2026-10-21", 5},
    {"Great price", 9, 5, "web", "2026-10-30", 2},
    {"The delivery was late again, terrible.", 1, 1, "sms", "2026-11-02", 5}, /* same text */
    {"the delivery was LATE again terrible", 2, 2, "sms", "2026-11-03", 4},  /* same, normalised */
    {"Friendly staff, quick delivery", 10, 5, "app", "2026-11-05", 1},
};
#define N_CORPUS (sizeof corpus / sizeof corpus[0])

static const char *const score_names[2] = {"nps", "csat"};
static const vb_score_type score_types[2] = {VB_SCORE_NPS, VB_SCORE_CSAT};
static const char *const driver_names[1] = {"effort"};

static vb_agg_options full_options(void) {
  vb_agg_options o = {0};
  o.n_scores = 2;
  o.score_names = score_names;
  o.score_types = score_types;
  o.by = "channel";
  o.date = "date";
  o.period = VB_PERIOD_MONTH;
  o.drivers = 1;
  o.n_drivers = 1;
  o.driver_names = driver_names;
  return o;
}

static void add(fixture *f, const rec *r, size_t idx, vb_agg *const *aggs, size_t n) {
  const vb_result *res = r->text[0] ? run(f, r->text) : NULL;
  vb_value sc[2] = {{r->nps, r->nps >= 0 ? VB_VALUE_OK : r->nps == -2 ? VB_VALUE_BAD : VB_VALUE_MISSING},
                    {r->csat, r->csat >= 0 ? VB_VALUE_OK : VB_VALUE_MISSING}};
  vb_value dv = {r->effort, r->effort >= 0 ? VB_VALUE_OK : VB_VALUE_MISSING};
  vb_agg_record ar = {0};
  ar.result = res;
  ar.scores = sc;
  ar.drivers = &dv;
  ar.segment = r->channel;
  ar.segment_len = r->channel ? strlen(r->channel) : 0;
  ar.has_date = r->date && vb_date_parse(r->date, strlen(r->date), &ar.date) == VB_OK;
  char id[16];
  snprintf(id, sizeof id, "r%02zu", idx + 1);
  ar.id = id;
  ar.id_len = strlen(id);
  for (size_t i = 0; i < n; i++) assert_int_equal(vb_agg_add_record(aggs[i], &ar), VB_OK);
}

static char *save(const vb_agg *a, size_t *len) {
  char *buf[1] = {NULL}; /* an array: gcc -O3 took `&buf` of a plain pointer, inlined, for the
                            address the function returns (-Wdangling-pointer) */
  assert_int_equal(vb_agg_save(a, buf, len), VB_OK);
  assert_int_equal(strlen(buf[0]), *len);
  return buf[0];
}

/* A change to a state: the first `from` becomes `to`. */
typedef struct mutation {
  const char *from, *to;
} mutation;

/* Each mutation of state `s` (len bytes) must be refused (VB_EPARSE, with a message), without a
 * crash or a leak. */
static void assert_refused(const vb_model *model, const char *s, size_t len,
                           const mutation *muts, size_t n) {
  for (size_t k = 0; k < n; k++) {
    const char *at = strstr(s, muts[k].from);
    if (!at) fail_msg("'%s' not in the state:\n%s", muts[k].from, s);
    size_t pre = (size_t)(at - s), fl = strlen(muts[k].from), tl = strlen(muts[k].to);
    char *m = malloc(len - fl + tl + 1);
    assert_non_null(m);
    memcpy(m, s, pre);
    memcpy(m + pre, muts[k].to, tl);
    memcpy(m + pre + tl, at + fl, len - pre - fl);
    m[len - fl + tl] = '\0';
    vb_agg *b = NULL;
    vb_error e = {0};
    int rc = vb_agg_load(model, m, strlen(m), &b, &e);
    if (rc == VB_OK) fail_msg("mutation %zu (%s -> %s) loaded", k, muts[k].from, muts[k].to);
    assert_int_equal(rc, VB_EPARSE);
    assert_true(e.message[0] != '\0');
    assert_null(b);
    free(m);
  }
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

static void assert_same_rows(const vb_theme_row *a, const vb_theme_row *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(a[i].theme, b[i].theme);
    assert_int_equal(a[i].n, b[i].n);
    assert_same_double(a[i].impact, b[i].impact);
    assert_same_double(a[i].p, b[i].p);
    assert_same_double(a[i].q, b[i].q);
    assert_int_equal(a[i].verdict, b[i].verdict);
    assert_int_equal(a[i].n_neg_quotes, b[i].n_neg_quotes);
    assert_int_equal(a[i].n_pos_quotes, b[i].n_pos_quotes);
    for (size_t k = 0; k < a[i].n_neg_quotes; k++) {
      assert_string_equal(a[i].neg_quotes[k].id, b[i].neg_quotes[k].id);
      assert_int_equal(a[i].neg_quotes[k].span_start, b[i].neg_quotes[k].span_start);
    }
  }
}

static void assert_same_table(const vb_agg *x, const vb_agg *y) {
  vb_table *a, *b;
  assert_int_equal(vb_agg_table(x, &a), VB_OK);
  assert_int_equal(vb_agg_table(y, &b), VB_OK);
  assert_same_double(a->score.value, b->score.value);
  assert_int_equal(a->n_rows, b->n_rows);
  assert_same_rows(a->rows, b->rows, a->n_rows);
  assert_int_equal(a->n_other, b->n_other);
  assert_same_rows(a->other[0].rows, b->other[0].rows, a->other[0].n_rows);
  assert_int_equal(a->n_segments, b->n_segments);
  for (size_t i = 0; i < a->n_segments; i++) {
    assert_string_equal(a->segments[i].name, b->segments[i].name);
    assert_same_double(a->segments[i].p, b->segments[i].p);
    assert_same_double(a->segments[i].q, b->segments[i].q);
    assert_same_rows(a->segments[i].rows, b->segments[i].rows, a->segments[i].n_rows);
  }
  assert_int_equal(a->n_periods, b->n_periods);
  for (size_t i = 0; i < a->n_periods; i++) {
    assert_same_double(a->periods[i].change, b->periods[i].change);
    assert_same_double(a->periods[i].baseline, b->periods[i].baseline);
    for (size_t k = 0; k < a->n_players; k++)
      assert_same_double(a->periods[i].contrib[k], b->periods[i].contrib[k]);
  }
  assert_same_double(a->drivers->r2, b->drivers->r2);
  assert_int_equal(a->mismatch.top_negative, b->mismatch.top_negative);
  assert_int_equal(a->n_testimonials, b->n_testimonials);
  for (size_t k = 0; k < a->n_testimonials; k++)
    assert_string_equal(a->testimonials[k].id, b->testimonials[k].id);
  vb_table_free(a);
  vb_table_free(b);
}

static void test_merge_everything(void **state) {
  fixture *f = *state;
  vb_agg_options o = full_options();
  vb_agg *whole, *p2[2], *p7[7];
  assert_int_equal(vb_agg_new_with(f->model, &o, &whole), VB_OK);
  for (int i = 0; i < 2; i++) assert_int_equal(vb_agg_new_with(f->model, &o, &p2[i]), VB_OK);
  for (int i = 0; i < 7; i++) assert_int_equal(vb_agg_new_with(f->model, &o, &p7[i]), VB_OK);
  for (size_t i = 0; i < N_CORPUS; i++) {
    /* the parts interleave: record i goes to part i % k, so quotes arrive in other orders */
    vb_agg *aggs[3] = {whole, p2[i % 2], p7[i % 7]};
    add(f, &corpus[i], i, aggs, 3);
  }
  vb_agg *m2, *m7;
  assert_int_equal(vb_agg_new_with(f->model, &o, &m2), VB_OK);
  assert_int_equal(vb_agg_new_with(f->model, &o, &m7), VB_OK);
  assert_int_equal(vb_agg_merge(m2, p2[1]), VB_OK);
  assert_int_equal(vb_agg_merge(m2, p2[0]), VB_OK);
  for (int i = 0; i < 7; i++) assert_int_equal(vb_agg_merge(m7, p7[(i * 3) % 7]), VB_OK);
  assert_same_state(m2, whole);
  assert_same_state(m7, whole);
  assert_same_table(m2, whole);
  assert_same_table(m7, whole);
  /* round trip through the text */
  size_t len;
  char *s = save(whole, &len);
  assert_non_null(strstr(s, "\ngroup seg =email\n"));
  assert_non_null(strstr(s, "\ngroup seg =(none)\n"));
  assert_non_null(strstr(s, "\nundated 2\n")); /* no date, "not a date" */
  vb_agg *back;
  vb_error e = {0};
  assert_int_equal(vb_agg_load(f->model, s, len, &back, &e), VB_OK);
  assert_same_state(back, whole);
  assert_same_table(back, whole);
  /* what the table says about the corpus */
  vb_table *t;
  assert_int_equal(vb_agg_table(whole, &t), VB_OK);
  assert_int_equal(t->records, 30);
  assert_int_equal(t->errors, 1);
  assert_int_equal(t->missing_score, 3); /* 2 missing + 1 unreadable among analysed records */
  assert_int_equal(t->invalid_score, 1);
  assert_int_equal(t->n_other, 1);
  assert_string_equal(t->other[0].score_name, "csat");
  assert_int_equal(t->other[0].type, VB_SCORE_CSAT);
  assert_int_equal(t->other[0].missing_score, 1);
  assert_int_equal(t->n_segments, 5); /* (none) app email sms web, in byte order */
  assert_string_equal(t->segments[0].name, "(none)");
  assert_string_equal(t->segments[4].name, "web");
  size_t seg_records = 0;
  for (size_t i = 0; i < t->n_segments; i++) seg_records += t->segments[i].records;
  assert_int_equal(seg_records, 30);
  assert_int_equal(t->n_periods, 4);
  assert_int_equal(t->undated, 2);
  /* quotes: the three copies of one complaint count once */
  const vb_theme_row *late = NULL;
  for (size_t i = 0; i < t->n_rows; i++)
    if (t->rows[i].theme == T_LATE) late = &t->rows[i];
  assert_non_null(late);
  assert_int_equal(late->n_neg_quotes, 3);
  for (size_t k = 0; k < late->n_neg_quotes; k++)
    for (size_t l = k + 1; l < late->n_neg_quotes; l++)
      assert_true(strcmp(late->neg_quotes[k].text, late->neg_quotes[l].text) != 0);
  for (size_t k = 0; k < late->n_neg_quotes; k++) {
    const vb_quote *q = &late->neg_quotes[k];
    assert_true(q->span_end > q->span_start);
    /* the span is the theme's word */
    assert_true(!strncmp(q->text + q->span_start, "late", 4) || !strncmp(q->text + q->span_start, "Late", 4) ||
                !strncmp(q->text + q->span_start, "delayed", 7) || !strncmp(q->text + q->span_start, "LATE", 4));
  }
  vb_table_free(t);
  vb_free(s);
  vb_agg_free(back);
  vb_agg_free(whole);
  vb_agg_free(m2);
  vb_agg_free(m7);
  for (int i = 0; i < 2; i++) vb_agg_free(p2[i]);
  for (int i = 0; i < 7; i++) vb_agg_free(p7[i]);
}

static void test_merge_refuses_other_options(void **state) {
  fixture *f = *state;
  vb_agg_options o = full_options(), o2 = full_options();
  vb_agg *a, *b;
  assert_int_equal(vb_agg_new_with(f->model, &o, &a), VB_OK);
  o2.by = "country";
  assert_int_equal(vb_agg_new_with(f->model, &o2, &b), VB_OK);
  assert_int_equal(vb_agg_merge(a, b), VB_EMISMATCH);
  vb_agg_free(b);
  o2 = full_options();
  o2.period = VB_PERIOD_WEEK;
  assert_int_equal(vb_agg_new_with(f->model, &o2, &b), VB_OK);
  assert_int_equal(vb_agg_merge(a, b), VB_EMISMATCH);
  vb_agg_free(b);
  o2 = full_options();
  o2.n_scores = 1;
  assert_int_equal(vb_agg_new_with(f->model, &o2, &b), VB_OK);
  assert_int_equal(vb_agg_merge(a, b), VB_EMISMATCH);
  vb_agg_free(b);
  o2 = full_options();
  o2.n_drivers = 0;
  assert_int_equal(vb_agg_new_with(f->model, &o2, &b), VB_OK);
  assert_int_equal(vb_agg_merge(a, b), VB_EMISMATCH);
  vb_agg_free(b);
  /* options that make no sense */
  o2 = full_options();
  o2.period = VB_PERIOD_NONE;
  assert_int_equal(vb_agg_new_with(f->model, &o2, &b), VB_EINVAL);
  o2 = full_options();
  o2.n_scores = 0;
  assert_int_equal(vb_agg_new_with(f->model, &o2, &b), VB_EINVAL); /* drivers need a score */
  o2 = full_options();
  o2.n_scores = VB_AGG_MAX_SCORES + 1;
  assert_int_equal(vb_agg_new_with(f->model, &o2, &b), VB_EINVAL);
  vb_agg_free(a);
}

/* ---- segments by hand ---- */

static void test_segments_by_hand(void **state) {
  fixture *f = *state;
  vb_score_type type = VB_SCORE_NPS;
  vb_agg_options o = {0};
  o.n_scores = 1;
  o.score_types = &type;
  o.by = "channel";
  vb_agg *a;
  assert_int_equal(vb_agg_new_with(f->model, &o, &a), VB_OK);
  const vb_result *r = run(f, "ok"); /* valid until the next run */
  /*
   * Segment A: 10 10 (2 promoters); segment B: 0 0 (2 detractors).
   * A: NPS 100 against the rest (B) -100. Expected counts (2 x 2 / 4 = 1) are below 5: the
   * exact test. Tables with the margins P 2, D 2, N 4, row 2: (2 P) 1/6, (1 P 1 D) 4/6,
   * (2 D) 1/6; p = 1/6 + 1/6 = 1/3 for both; BH: q = 1/3.
   */
  const struct { const char *seg; double s; } recs[] = {{"A", 10}, {"A", 10}, {"B", 0}, {"B", 0}};
  for (int i = 0; i < 4; i++) {
    vb_value v = {recs[i].s, VB_VALUE_OK};
    vb_agg_record ar = {0};
    ar.result = r;
    ar.scores = &v;
    ar.segment = recs[i].seg;
    ar.segment_len = 1;
    assert_int_equal(vb_agg_add_record(a, &ar), VB_OK);
  }
  vb_table *t;
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  assert_int_equal(t->n_segments, 2);
  assert_close(t->segments[0].score.value, 100, 1e-12);
  assert_close(t->segments[0].rest.value, -100, 1e-12);
  assert_close(t->segments[0].diff, 200, 1e-12);
  assert_int_equal(t->segments[0].test, VB_TEST_EXACT_2X3);
  assert_close(t->segments[0].p, 1.0 / 3, 1e-12);
  assert_close(t->segments[1].p, 1.0 / 3, 1e-12);
  assert_close(t->segments[0].q, 1.0 / 3, 1e-12);
  vb_table_free(t);
  vb_agg_free(a);
  /*
   * Large counts: the z test of METRICS.md. Segment A: 30 promoters, 10 passives, 10
   * detractors (NPS 40); B: 15, 10, 25 (NPS -20). Every expected count is at least 10.
   * Adjusted-Wald SEs: A: N' 53, p' 30.75/53, d' 10.75/53; B: p' 15.75/53, d' 25.75/53;
   * SE = 100 sqrt((p' + d' - (p' - d')^2) / N'); z = (40 - (-20)) / sqrt(SE_A^2 + SE_B^2).
   */
  assert_int_equal(vb_agg_new_with(f->model, &o, &a), VB_OK);
  const int counts[2][3] = {{30, 10, 10}, {15, 10, 25}};
  const double values[3] = {10, 8, 3};
  for (int g = 0; g < 2; g++)
    for (int c = 0; c < 3; c++)
      for (int k = 0; k < counts[g][c]; k++) {
        vb_value v = {values[c], VB_VALUE_OK};
        vb_agg_record ar = {0};
        ar.result = r;
        ar.scores = &v;
        ar.segment = g ? "B" : "A";
        ar.segment_len = 1;
        assert_int_equal(vb_agg_add_record(a, &ar), VB_OK);
      }
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  double pa = 30.75 / 53, da = 10.75 / 53, pb = 15.75 / 53, db = 25.75 / 53;
  double sea = 100 * sqrt((pa + da - (pa - da) * (pa - da)) / 53);
  double seb = 100 * sqrt((pb + db - (pb - db) * (pb - db)) / 53);
  double z = 60 / sqrt(sea * sea + seb * seb);
  assert_int_equal(t->segments[0].test, VB_TEST_NPS_Z);
  assert_close(t->segments[0].score.value, 40, 1e-12);
  assert_close(t->segments[0].p, erfc(z / sqrt(2)), 1e-12);
  vb_table_free(t);
  vb_agg_free(a);
}

static void test_csat_tests(void **state) {
  fixture *f = *state;
  const vb_result *r = run(f, "The app crashes"); /* mentions app */
  vb_score_type type = VB_SCORE_CSAT;
  vb_agg *a;
  assert_int_equal(vb_agg_new(f->model, type, &a), VB_OK);
  /*
   * 40 records mention app: 12 in the top box (4-5) of 40; 60 others: 45 of 60. Expected
   * top-box counts 40 x 57 / 100 = 22.8 and so on, all at least 5: two-proportion z,
   * z = (0.3 - 0.75) / sqrt(0.57 x 0.43 x (1/40 + 1/60)).
   */
  for (int i = 0; i < 40; i++) assert_int_equal(vb_agg_add(a, r, 1, i < 12 ? 5 : 2), VB_OK);
  const vb_result *r2 = run(f, "fine");
  for (int i = 0; i < 60; i++) assert_int_equal(vb_agg_add(a, r2, 1, i < 45 ? 4 : 1), VB_OK);
  vb_table *t;
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  assert_int_equal(t->n_rows, 1);
  double z = (0.3 - 0.75) / sqrt(0.57 * 0.43 * (1.0 / 40 + 1.0 / 60));
  assert_int_equal(t->rows[0].test, VB_TEST_PROP_Z);
  assert_close(t->rows[0].p, erfc(fabs(z) / sqrt(2)), 1e-12);
  /* 30 points below the others, common and significant: common, severe */
  assert_close(t->rows[0].with.value, 30, 1e-12);
  assert_int_equal(t->rows[0].verdict, VB_VERDICT_COMMON_SEVERE);
  vb_table_free(t);
  vb_agg_free(a);
  /* few records: Fisher's exact test; app: top box 3 of 4, others 1 of 4: p = 17/35 x ... */
  assert_int_equal(vb_agg_new(f->model, type, &a), VB_OK);
  r = run(f, "The app crashes");
  for (int i = 0; i < 4; i++) assert_int_equal(vb_agg_add(a, r, 1, i < 3 ? 5 : 1), VB_OK);
  r2 = run(f, "fine");
  for (int i = 0; i < 4; i++) assert_int_equal(vb_agg_add(a, r2, 1, i < 1 ? 5 : 1), VB_OK);
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  assert_int_equal(t->rows[0].test, VB_TEST_FISHER);
  assert_close(t->rows[0].p, 17.0 / 35, 1e-12); /* the 2 x 2 table [[3, 1], [1, 3]] */
  vb_table_free(t);
  vb_agg_free(a);
}

/* ---- states ---- */

static void test_state_corruption(void **state) {
  fixture *f = *state;
  vb_agg_options o = full_options();
  vb_agg *a;
  assert_int_equal(vb_agg_new_with(f->model, &o, &a), VB_OK);
  for (size_t i = 0; i < N_CORPUS; i++) add(f, &corpus[i], i, &a, 1);
  size_t len;
  char *good = save(a, &len);
  vb_agg_free(a);
  /* every mutation below must be refused */
  const mutation muts[] = {
      {"group seg =app\ncounts ", "group seg =zzz\ncounts "},  /* out of order */
      {"group seg =email\ncounts 8", "group seg =email\ncounts 9"}, /* segments do not add up */
      {"undated 2", "undated 3"},
      {"undated 2", "undated 1"},
      {"group period 24319", "group period 24320"}, /* August as September: out of order */
      {"date month =date", "date week =date"},       /* months are not Mondays */
      {"\nm 0 1 1 2000:1", "\nm 1 1 1 2000:1"},       /* delivery.late is no top-level theme */
      {"\nm 0 1 1 2000:1", "\nm 200 1 1 2000:1"},     /* no such theme */
      {"\nm 0 1 1 2000:1", "\nm 0 9 1 2000:1"},       /* more themes than there are */
      {"\nm 0 1 1 2000:1", "\nm 0 0 1 2000:1"},       /* k = 0 is 'm0' */
      {"\nm 0 1 1 2000:1", "\nm zz 1 1 2000:1"},
      {"\nm 0 2 2 0:1 4000:1", "\nm 0 2 2 0:1 5000:1"}, /* not delivery's scores */
      {"\nm 2 2 1 4000:1", "\nm 2 3 1 4000:1"},       /* k = 2: 4000 once, no record */
      {"\nm 3 1 1 10000:1\nm 3 2 1 0:1", "\nm 3 2 1 0:1\nm 3 1 1 10000:1"}, /* order */
      {"\nm0 2 7000:1 10000:1", "\nm0 2 7000:1 10000:2"}, /* more than the period's scores */
      {"\nm0 2 7000:1 10000:1", "\nm0 0"},             /* an empty line */
      {"drv 26 ", "drv 99 "},                         /* more than the scored records */
      {"\ndt 1 ", "\ndt 7 "},                          /* theme 7 does not exist */
      {"\ndx 0 ", "\ndx 1 "},
      {"\nq 0 0 ", "\nq 0 1 "},                        /* order broken or list of other kind */
      {"\nv ", "\nv 11"},
      {"score csat =csat", "score csat =csat =x"},
      {"drivers 1 =effort", "drivers 1 =effort =more"},
  };
  assert_refused(f->model, good, len, muts, sizeof muts / sizeof muts[0]);
  /* every truncation fails cleanly */
  for (size_t cut = 0; cut + 1 < len; cut += 7) {
    vb_agg *b = NULL;
    int rc = vb_agg_load(f->model, good, cut, &b, NULL);
    assert_true(rc == VB_EPARSE || rc == VB_EMISMATCH);
    assert_null(b);
  }
  vb_free(good);
}

/* ---- a survey's several questions ---- */

static const char *const question_names[3] = {"liked", "improve", "other"};

typedef struct {
  const char *ans[3]; /* NULL: not answered */
  int nps;
} survey;

static const survey surveys[] = {
    {{"Great staff", "The delivery was late, terrible", NULL}, 6},
    {{NULL, "Price is too high", "Love the app"}, 3},
    {{"Friendly staff", NULL, NULL}, 10},
    {{"The app", "Slow delivery", "Great price"}, 8},
    {{NULL, NULL, NULL}, 5}, /* not analysed (an error record): in no question */
};
#define N_SURVEYS (sizeof surveys / sizeof surveys[0])

static vb_agg_options question_options(void) {
  static const vb_score_type nps = VB_SCORE_NPS;
  vb_agg_options o = {0};
  o.n_scores = 1;
  o.score_types = &nps;
  o.n_questions = 3;
  o.question_names = question_names;
  return o;
}

/* The answers joined with a blank line between them, as the CLI joins them. */
static void add_survey(fixture *f, const survey *s, vb_agg *const *aggs, size_t n) {
  char text[256] = "";
  vb_agg_answer ans[3];
  size_t na = 0, len = 0;
  for (size_t q = 0; q < 3; q++) {
    if (!s->ans[q]) continue;
    if (len) len += (size_t)snprintf(text + len, sizeof text - len, "\n\n");
    ans[na].question = q;
    ans[na].start = len;
    len += (size_t)snprintf(text + len, sizeof text - len, "%s", s->ans[q]);
    ans[na++].end = len;
  }
  vb_value sc = {s->nps, VB_VALUE_OK};
  vb_agg_record ar = {0};
  ar.result = na ? run(f, text) : NULL;
  ar.scores = &sc;
  ar.answers = ans;
  ar.n_answers = na;
  for (size_t i = 0; i < n; i++) assert_int_equal(vb_agg_add_record(aggs[i], &ar), VB_OK);
}

static const vb_theme_row *row_for(const vb_segment *g, size_t theme) {
  for (size_t i = 0; i < g->n_rows; i++)
    if (g->rows[i].theme == theme) return &g->rows[i];
  return NULL;
}

static void test_questions(void **state) {
  fixture *f = *state;
  vb_agg_options o = question_options();
  vb_agg *whole, *part[2];
  assert_int_equal(vb_agg_new_with(f->model, &o, &whole), VB_OK);
  for (int i = 0; i < 2; i++) assert_int_equal(vb_agg_new_with(f->model, &o, &part[i]), VB_OK);
  for (size_t i = 0; i < N_SURVEYS; i++) {
    vb_agg *aggs[2] = {whole, part[i % 2]};
    add_survey(f, &surveys[i], aggs, 2);
  }
  vb_table *t;
  assert_int_equal(vb_agg_table(whole, &t), VB_OK);
  assert_int_equal(t->records, 5);
  assert_int_equal(t->n_questions, 3);
  const vb_segment *liked = &t->questions[0], *improve = &t->questions[1];
  assert_string_equal(liked->name, "liked");
  assert_string_equal(t->questions[2].name, "other");
  /* liked: the records that answered it and their answers' own sentiment and themes */
  assert_int_equal(liked->records, 3);
  assert_int_equal(liked->sent_pos, 2); /* "Great staff", "Friendly staff" */
  assert_int_equal(liked->sent_neu, 1); /* "The app" */
  assert_int_equal(liked->sent_neg, 0);
  assert_int_equal(row_for(liked, T_STAFF)->n, 2);
  assert_int_equal(row_for(liked, T_APP)->n, 1);
  assert_null(row_for(liked, T_DELIVERY)); /* the first record's delivery is in 'improve' */
  /* improve */
  assert_int_equal(improve->records, 3);
  assert_int_equal(improve->sent_neg, 2); /* "... late, terrible", "Slow delivery" */
  assert_int_equal(row_for(improve, T_DELIVERY)->n, 2);
  assert_int_equal(row_for(improve, T_DELIVERY)->neg, 2);
  assert_int_equal(row_for(improve, T_LATE)->n, 1);
  assert_int_equal(row_for(improve, T_PRICE)->n, 1);
  assert_null(row_for(improve, T_STAFF));
  /* scores: liked's {6, 10, 8} give NPS 0; the rest, the one analysed record without an
   * answer to it, {3}, -100 */
  assert_same_double(liked->score.value, 0);
  assert_same_double(liked->rest.value, -100);
  assert_same_double(liked->diff, 100);
  vb_table_free(t);
  /* a split run merges to the same state; the state round-trips */
  vb_agg *m;
  assert_int_equal(vb_agg_new_with(f->model, &o, &m), VB_OK);
  assert_int_equal(vb_agg_merge(m, part[1]), VB_OK);
  assert_int_equal(vb_agg_merge(m, part[0]), VB_OK);
  assert_same_state(m, whole);
  size_t len;
  char *s = save(whole, &len);
  assert_non_null(strstr(s, "\nquestions 3 =liked =improve =other\n"));
  assert_non_null(strstr(s, "\ngroup question 2\ncounts 2 2 0\n"));
  vb_agg *back;
  assert_int_equal(vb_agg_load(f->model, s, len, &back, NULL), VB_OK);
  assert_same_state(back, whole);
  vb_agg_free(back);
  /* states that must be refused */
  const mutation muts[] = {
      {"group question 1\ncounts 3 3 0", "group question 1\ncounts 5 5 0"}, /* more than all */
      {"group question 1\n", "group question 2\n"},                       /* order */
      {"group question 2\n", "group question 1\n"},
      {"questions 3 =liked =improve =other", "questions 4 =liked =improve =other =x"},
      {"questions 3 =liked =improve =other", "questions 3 =liked =liked =other"},
      {"questions 3 =liked =improve =other", "questions -"},
  };
  assert_refused(f->model, s, len, muts, sizeof muts / sizeof muts[0]);
  vb_free(s);
  /* answers that do not fit are refused and add nothing */
  const vb_result *r = run(f, "Great staff\n\nSlow delivery");
  const vb_agg_answer bad[][2] = {
      {{3, 0, 11}, {1, 13, 26}},  /* no question 3 */
      {{0, 0, 11}, {0, 13, 26}},  /* question 0 twice */
      {{0, 0, 14}, {1, 13, 26}},  /* overlapping */
      {{1, 13, 26}, {0, 0, 11}},  /* out of order */
      {{0, 0, 11}, {1, 13, 27}},  /* past the text */
      {{0, 5, 4}, {1, 13, 26}},   /* start after end */
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    vb_agg_record ar = {0};
    ar.result = r;
    ar.answers = bad[k];
    ar.n_answers = 2;
    assert_int_equal(vb_agg_add_record(m, &ar), VB_EINVAL);
  }
  assert_same_state(m, whole);
  /* aggregates of other questions do not merge; bad question lists are refused */
  vb_agg *other;
  vb_agg_options o2 = question_options();
  o2.n_questions = 2;
  assert_int_equal(vb_agg_new_with(f->model, &o2, &other), VB_OK);
  assert_int_equal(vb_agg_merge(m, other), VB_EMISMATCH);
  vb_agg_free(other);
  o2.n_questions = 0;
  assert_int_equal(vb_agg_new_with(f->model, &o2, &other), VB_OK);
  assert_int_equal(vb_agg_merge(m, other), VB_EMISMATCH);
  vb_agg_free(other);
  o2.n_questions = 1;
  assert_int_equal(vb_agg_new_with(f->model, &o2, &other), VB_EINVAL);
  const char *const twice[2] = {"a", "a"}, *const empty[2] = {"a", ""};
  o2.n_questions = 2;
  o2.question_names = twice;
  assert_int_equal(vb_agg_new_with(f->model, &o2, &other), VB_EINVAL);
  o2.question_names = empty;
  assert_int_equal(vb_agg_new_with(f->model, &o2, &other), VB_EINVAL);
  o2.question_names = NULL;
  assert_int_equal(vb_agg_new_with(f->model, &o2, &other), VB_EINVAL);
  o2 = question_options();
  o2.n_questions = VB_AGG_MAX_QUESTIONS + 1;
  assert_int_equal(vb_agg_new_with(f->model, &o2, &other), VB_EINVAL);
  vb_agg_free(m);
  vb_agg_free(whole);
  for (int i = 0; i < 2; i++) vb_agg_free(part[i]);
}

static void test_limits(void **state) {
  fixture *f = *state;
  vb_score_type type = VB_SCORE_NPS;
  vb_agg_options o = {0};
  o.n_scores = 1;
  o.score_types = &type;
  o.by = "id";
  vb_agg *a, *b;
  assert_int_equal(vb_agg_new_with(f->model, &o, &a), VB_OK);
  assert_int_equal(vb_agg_new_with(f->model, &o, &b), VB_OK);
  const vb_result *r = run(f, "ok");
  char name[32];
  for (int i = 0; i < VB_AGG_MAX_SEGMENTS; i++) {
    snprintf(name, sizeof name, "s%d", i);
    vb_agg_record ar = {0};
    ar.result = r;
    ar.segment = name;
    ar.segment_len = strlen(name);
    assert_int_equal(vb_agg_add_record(a, &ar), VB_OK);
    if (i < 10) assert_int_equal(vb_agg_add_record(b, &ar), VB_OK);
  }
  vb_agg_record ar = {0};
  ar.result = r;
  ar.segment = "one too many";
  ar.segment_len = 12;
  assert_int_equal(vb_agg_add_record(a, &ar), VB_ELIMIT);
  assert_int_equal(vb_agg_add_record(b, &ar), VB_OK);
  vb_table *t;
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  assert_int_equal(t->records, VB_AGG_MAX_SEGMENTS); /* the refused record added nothing */
  vb_table_free(t);
  /* a merge that would pass the limit is refused and changes nothing */
  assert_int_equal(vb_agg_merge(a, b), VB_ELIMIT);
  assert_int_equal(vb_agg_table(a, &t), VB_OK);
  assert_int_equal(t->records, VB_AGG_MAX_SEGMENTS);
  vb_table_free(t);
  vb_agg_free(a);
  vb_agg_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_merge_everything),
      cmocka_unit_test(test_merge_refuses_other_options),
      cmocka_unit_test(test_segments_by_hand),
      cmocka_unit_test(test_csat_tests),
      cmocka_unit_test(test_state_corruption),
      cmocka_unit_test(test_questions),
      cmocka_unit_test(test_limits),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
