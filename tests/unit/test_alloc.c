/*
 * test_alloc.c - the allocation-failure harness over the parts test_error.c's sweep does not
 * reach: the record reader (every format, with its recovery paths: quotes replayed, lines too
 * long, invalid UTF-8 repaired, duplicate JSON keys) and the aggregate's life after analysis
 * (saved, read back, merged, the score type settled, the table made).
 *
 * An allocator that fails the k-th request is installed for every k along a small run. Each
 * run must then
 *   - return VB_OK or VB_ENOMEM, never crash (ASan/UBSan in CI) and never another code;
 *   - give back every block it took (the allocator tracks them);
 *   - when it returns VB_OK, produce exactly what the run without failures produced: an
 *     allocation failure that is swallowed and turns into a silently missing field or record
 *     is the worst kind of data loss, and this is what catches it.
 * jansson, libcsv and PCRE2 allocate with their own allocators and are not failed here.
 */
#define _XOPEN_SOURCE 700
#include "vb_test.h"
#include "vb_test_model.h"

#include <stdio.h>
#include <stdlib.h>

#include "verbatim.h"

#define DATA VB_TEST_TMP "/test_alloc.d"

/* ---- an allocator that counts, tracks and fails the k-th request ---- */

typedef struct {
  long requests, fail_at, failed;
  void **blocks;
  size_t n_blocks, cap_blocks;
} counter;

static void forget(counter *c, void *p) {
  for (size_t i = c->n_blocks; i-- > 0;)
    if (c->blocks[i] == p) {
      c->blocks[i] = c->blocks[--c->n_blocks];
      return;
    }
  fail_msg("a block the library did not take through the allocator was given back");
}

static void remember(counter *c, void *p) {
  if (c->n_blocks == c->cap_blocks) {
    size_t nc = c->cap_blocks ? 2 * c->cap_blocks : 256;
    void **nb = realloc(c->blocks, nc * sizeof *nb);
    assert_non_null(nb);
    c->blocks = nb;
    c->cap_blocks = nc;
  }
  c->blocks[c->n_blocks++] = p;
}

static void *c_malloc(size_t n, void *ctx) {
  counter *c = ctx;
  if (++c->requests == c->fail_at) {
    c->failed++;
    return NULL;
  }
  void *p = malloc(n);
  assert_non_null(p);
  remember(c, p);
  return p;
}

static void *c_realloc(void *p, size_t n, void *ctx) {
  counter *c = ctx;
  if (++c->requests == c->fail_at) {
    c->failed++;
    return NULL;
  }
  if (p) forget(c, p);
  void *q = realloc(p, n);
  assert_non_null(q);
  remember(c, q);
  return q;
}

static void c_free(void *p, void *ctx) {
  counter *c = ctx;
  forget(c, p);
  free(p);
}

/* Frees what a run left behind; returns how many blocks that was. */
static long reclaim(counter *c) {
  long left = (long)c->n_blocks;
  for (size_t i = 0; i < c->n_blocks; i++) free(c->blocks[i]);
  free(c->blocks);
  memset(c, 0, sizeof *c);
  return left;
}

/* What a run produced, in the test's own memory (never through the library's allocator). */
typedef struct {
  char *s;
  size_t len, cap;
} digest;

static void dput(digest *d, const char *s, size_t n) {
  if (d->len + n + 1 > d->cap) {
    d->cap = (d->len + n + 1) * 2;
    d->s = realloc(d->s, d->cap);
    assert_non_null(d->s);
  }
  memcpy(d->s + d->len, s, n);
  d->len += n;
  d->s[d->len] = '\0';
}

static void dprintf_(digest *d, const char *fmt, ...) {
  char b[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(b, sizeof b, fmt, ap);
  va_end(ap);
  assert_true(n >= 0 && (size_t)n < sizeof b);
  dput(d, b, (size_t)n);
}

typedef int (*run_fn)(const void *arg, digest *out);

/* Runs `fn` once without failures (the reference), then once failing each request k in turn.
 * Returns how many runs ended in VB_ENOMEM. */
static long sweep(const char *what, run_fn fn, const void *arg) {
  counter c = {0};
  digest ref = {0};
  vb_allocator a = {c_malloc, c_realloc, c_free, &c};
  vb_set_allocator(&a);
  int rc = fn(arg, &ref);
  vb_set_allocator(NULL);
  long total = c.requests;
  assert_int_equal(reclaim(&c), 0);
  if (rc != VB_OK) fail_msg("%s: the run without failures gave %d", what, rc);
  assert_true(total > 5); /* the run really allocates through the hook */
  long enomem = 0;
  for (long k = 1; k <= total; k++) {
    digest got = {0};
    c.fail_at = k;
    vb_set_allocator(&a);
    rc = fn(arg, &got);
    vb_set_allocator(NULL);
    long failed = c.failed;
    long left = reclaim(&c);
    if (left) fail_msg("%s: failing request %ld of %ld leaves %ld blocks", what, k, total, left);
    assert_int_equal(failed, 1);
    if (rc == VB_ENOMEM) {
      enomem++;
    } else if (rc != VB_OK) {
      fail_msg("%s: failing request %ld of %ld gave %d, not VB_ENOMEM", what, k, total, rc);
    } else if (got.len != ref.len || memcmp(got.s, ref.s, ref.len) != 0) {
      fail_msg("%s: failing request %ld of %ld was swallowed: the run succeeded with a "
               "different result:\n%s\n--- expected ---\n%s", what, k, total,
               got.s ? got.s : "", ref.s);
    }
    free(got.s);
  }
  free(ref.s);
  print_message("%s: %ld allocation requests, each failed in turn: %ld runs gave VB_ENOMEM, "
                "%ld succeeded with the same result\n", what, total, enomem, total - enomem);
  return enomem;
}

/* ---- the reader ---- */

typedef struct {
  vb_format fmt;
  const char *data;
  size_t len;
  size_t max_field;
} reader_case;

static void on_problem(void *ctx, int severity, const vb_error *e) {
  dprintf_(ctx, "problem %d %ld:%ld %s\n", severity, e->line, e->column, e->message);
}

static int read_all(const void *arg, digest *out) {
  const reader_case *rc_ = arg;
  FILE *fp = fmemopen((void *)(uintptr_t)rc_->data, rc_->len, "r");
  assert_non_null(fp);
  vb_reader_options o = {0};
  o.format = rc_->fmt;
  o.name = "in";
  o.max_field = rc_->max_field;
  vb_reader *rd = NULL;
  vb_error e = {0};
  int rc = vb_reader_new(fp, &o, on_problem, out, &rd, &e);
  if (rc == VB_OK) {
    static const char *const names[] = {"text", "id", "nps", "a.b"};
    int h[4];
    for (int i = 0; i < 4 && rc == VB_OK; i++) {
      h[i] = vb_reader_field(rd, names[i], NULL);
      if (h[i] == VB_ENOMEM) rc = VB_ENOMEM;
    }
    const vb_record *r;
    int got;
    while (rc == VB_OK && (got = vb_reader_next(rd, &r)) != 0) {
      if (got < 0) {
        rc = got;
        break;
      }
      dprintf_(out, "record %zu lines %ld-%ld error %d '%s' bad %u:", r->index, r->line,
               r->line_end, r->error, r->error_msg, r->n_invalid_utf8);
      for (int i = 0; i < 4; i++) {
        size_t n;
        const char *v = vb_reader_get(rd, h[i], &n);
        dput(out, " [", 2);
        if (v) dput(out, v, n);
        else dput(out, "-", 1);
        dput(out, "]", 1);
      }
      dput(out, "\n", 1);
    }
  }
  vb_reader_free(rd);
  fclose(fp);
  return rc;
}

#define CASE(fmt, lit, maxf) {(fmt), (lit), sizeof(lit) - 1, (maxf)}

static void test_reader_csv(void **state) {
  (void)state;
  static const reader_case c = CASE(
      VB_FORMAT_CSV,
      "\xEF\xBB\xBFid;nps;text;text\r\n"
      "1;9;\"two\r\nlines, \"\"quoted\"\"\"\r\n"
      "\r\n"
      "2;8,5;caf\xE9 and a \"stray\" quote\r\n"
      "3;;short;x;y\r\n"
      "4;10;a field far longer than the limit of sixty-four bytes set for this run......\r\n"
      "5;1;\"never closed\r\n"
      "6;2;after\r\n",
      64);
  assert_true(sweep("csv", read_all, &c) > 10);
}

static void test_reader_tsv_txt(void **state) {
  (void)state;
  static const reader_case t = CASE(VB_FORMAT_TSV,
                                    "id\ttext\tnps\n1\tfine\t9\n\n2\tnul\0byte\t\n3\tonly\n"
                                    "4\tthis text is much longer than sixty-four bytes, so it "
                                    "is cut..........\t1\n",
                                    64);
  assert_true(sweep("tsv", read_all, &t) > 10);
  static const reader_case x = CASE(VB_FORMAT_TXT, "one\rtwo\r\nthree \xF0\x9F\x98\x80\n\nbad \xC0\xAF\n", 0);
  assert_true(sweep("txt", read_all, &x) > 5);
}

static void test_reader_jsonl(void **state) {
  (void)state;
  static const reader_case j = CASE(
      VB_FORMAT_JSONL,
      "{\"id\": 1, \"text\": \"ok\", \"nps\": 9.5, \"a\": {\"b\": [1, {\"c\": null}]}}\n"
      "  \n"
      "{\"id\": \"2\", \"text\": \"dup\", \"text\": \"last\", \"a.b\": true}\n"
      "{\"id\": 3, \"text\": broken}\n"
      "[1, 2]\n"
      "{\"id\": 5, \"text\": \"a text longer than the sixty-four bytes allowed in this run....\"}\n"
      "{\"id\": 6, \"nps\": null}\n",
      64);
  assert_true(sweep("jsonl", read_all, &j) > 10);
}

/* ---- model, analysis and the aggregate's whole life ---- */

static const vbt_file small_data[] = {
    {"lexicons/en/valence.tsv", "good\t2\nbad\t-2\nslow\t-1.5\nno problem\t1.5\n", 0},
    {"lexicons/en/modifiers.tsv", "not\tnegator\nvery\tbooster\t0.3\nbut\tcontrast\n", 0},
    {"lexicons/sv/valence.tsv", "bra\t2\ndålig\t-2\n", 0},
    {"lexicons/themes/cx.codebook", "[delivery]\nen: delivery; ship*\nsv: leverans\n"
                                    "[delivery.late]\nen: late\nen.re: \\b\\d+ days\\b\n"
                                    "[price]\nen: price; expensive\n", 0},
};

static const char *const texts[] = {
    "The delivery was not good but very fast!! 12 days",
    "Late delivery, bad price. No problem though.",
    "Leveransen var bra",
    "",
    "expensive expensive expensive",
};

/* Two aggregates of the texts (one per half, as ratings), each saved, read back and merged,
 * the score type then narrowed to NPS, the table made; the digest is the merged state and the table. */
static int agg_life(const void *arg, digest *out) {
  (void)arg;
  vb_model_options mo = {0};
  mo.data_dir = DATA;
  vb_model *m = NULL;
  vb_analyzer *an = NULL;
  vb_agg *part[2] = {NULL, NULL}, *back[2] = {NULL, NULL};
  char *saved[2] = {NULL, NULL}, *merged = NULL;
  size_t saved_len[2] = {0, 0}, merged_len = 0;
  vb_table *t = NULL;
  int rc = vb_model_load(&mo, &m, NULL);
  if (rc == VB_OK) rc = vb_analyzer_new(m, &an);
  for (int p = 0; p < 2 && rc == VB_OK; p++) rc = vb_agg_new(m, VB_SCORE_RATING, &part[p]);
  for (size_t i = 0; i < sizeof texts / sizeof texts[0] && rc == VB_OK; i++) {
    vb_run_options ro = {VB_LANG_UND, VB_LANG_EN, 0};
    const vb_result *r;
    rc = vb_analyzer_run(an, texts[i], strlen(texts[i]), &ro, &r);
    if (rc == VB_OK) rc = vb_agg_add(part[i % 2], i == 3 ? NULL : r, i != 4, (double)(i * 2 + 1));
  }
  for (int p = 0; p < 2 && rc == VB_OK; p++) rc = vb_agg_save(part[p], &saved[p], &saved_len[p]);
  for (int p = 0; p < 2 && rc == VB_OK; p++)
    rc = vb_agg_load(m, saved[p], saved_len[p], &back[p], NULL);
  if (rc == VB_OK) rc = vb_agg_merge(back[0], back[1]);
  if (rc == VB_OK) rc = vb_agg_set_score_type(back[0], VB_SCORE_NPS); /* 1..9: all fit */
  if (rc == VB_OK) rc = vb_agg_save(back[0], &merged, &merged_len);
  if (rc == VB_OK) rc = vb_agg_table(back[0], &t);
  if (rc == VB_OK) {
    dput(out, merged, merged_len);
    dprintf_(out, "table %zu %zu %zu %zu %.6f rows %zu\n", t->records, t->analysed, t->errors,
             t->missing_score, t->score.value, t->n_rows);
    for (size_t i = 0; i < t->n_rows; i++)
      dprintf_(out, "%zu %zu %.6f %.6f\n", t->rows[i].theme, t->rows[i].n, t->rows[i].impact,
               t->rows[i].prevalence);
  }
  vb_table_free(t);
  vb_free(merged);
  for (int p = 0; p < 2; p++) {
    vb_free(saved[p]);
    vb_agg_free(back[p]);
    vb_agg_free(part[p]);
  }
  vb_analyzer_free(an);
  vb_model_free(m);
  return rc;
}

static void test_aggregate_life(void **state) {
  (void)state;
  assert_true(sweep("aggregate", agg_life, NULL) > 50);
}

/* The one-call interface: loads the built-in model (hundreds of thousands of requests, so
 * only a sample of k along the run: every 997th). */
static void test_one_call_sampled(void **state) {
  (void)state;
  counter c = {0};
  vb_allocator a = {c_malloc, c_realloc, c_free, &c};
  vb_set_allocator(&a);
  double ref = 0;
  int rc = vb_sentiment_score("The delivery was not good", 25, "en", &ref);
  vb_set_allocator(NULL);
  long total = c.requests;
  assert_int_equal(reclaim(&c), 0);
  assert_int_equal(rc, VB_OK);
  long enomem = 0;
  for (long k = 1; k <= total; k += 997) {
    c.fail_at = k;
    double s = 0;
    vb_set_allocator(&a);
    rc = vb_sentiment_score("The delivery was not good", 25, "en", &s);
    vb_set_allocator(NULL);
    assert_int_equal(reclaim(&c), 0);
    if (rc == VB_ENOMEM) enomem++;
    else assert_int_equal(rc, VB_OK), assert_same_double(s, ref);
  }
  assert_true(enomem > 0);
}

static int group_setup(void **state) {
  (void)state;
  return vbt_data_dir(DATA, small_data, sizeof small_data / sizeof small_data[0]);
}

static int group_teardown(void **state) {
  (void)state;
  vb_set_allocator(NULL);
  vbt_remove_tree(DATA);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reader_csv),
      cmocka_unit_test(test_reader_tsv_txt),
      cmocka_unit_test(test_reader_jsonl),
      cmocka_unit_test(test_aggregate_life),
      cmocka_unit_test(test_one_call_sampled),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
