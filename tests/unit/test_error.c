/*
 * test_error.c - error texts and the version (error.c); the allocator hook, growable buffers
 * and overflow checks (alloc.c).
 *
 * The allocator tests install a counting allocator and check that every block the library
 * takes through vb__malloc/vb__realloc is given back through vb__free: after loading a model
 * (the built-in one and a small one written here), analysing texts, aggregating and freeing
 * everything, the number of live blocks is zero. A second allocator fails the k-th request
 * for every k in turn: each call must then return VB_ENOMEM (or succeed), never crash, and
 * still leave nothing behind.
 */
#define _XOPEN_SOURCE 700
#include "vb_test.h"
#include "vb_test_model.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "vb_internal.h"
#include "verbatim.h"

#define DATA VB_TEST_TMP "/test_error.d"

/* ---- error texts and version ---- */

static const int all_codes[] = {VB_OK,    VB_ENOMEM, VB_EINVAL,    VB_EUTF8,  VB_EIO,
                                VB_EPARSE, VB_ELANG,  VB_ENOTFOUND, VB_ELIMIT, VB_EMISMATCH};
#define N_CODES (sizeof all_codes / sizeof all_codes[0])

static void test_strerror_every_code(void **state) {
  (void)state;
  for (size_t i = 0; i < N_CODES; i++) {
    const char *s = vb_strerror(all_codes[i]);
    assert_non_null(s);
    assert_true(strlen(s) > 0);
    /* static text: the same pointer every time */
    assert_ptr_equal(s, vb_strerror(all_codes[i]));
    for (size_t j = 0; j < i; j++) assert_string_not_equal(s, vb_strerror(all_codes[j]));
  }
  assert_string_equal(vb_strerror(VB_OK), "success");
  assert_string_equal(vb_strerror(VB_ENOMEM), "out of memory");
  assert_string_equal(vb_strerror(VB_EUTF8), "invalid UTF-8");
}

static void test_strerror_unknown_codes(void **state) {
  (void)state;
  const int odd[] = {1, 42, -10, -100, INT_MIN, INT_MAX};
  for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++) {
    const char *s = vb_strerror(odd[k]);
    assert_non_null(s);
    assert_true(strlen(s) > 0);
    /* not mistaken for a real code */
    for (size_t i = 0; i < N_CODES; i++) assert_string_not_equal(s, vb_strerror(all_codes[i]));
  }
}

static void test_version(void **state) {
  (void)state;
  assert_non_null(vb_version());
  assert_string_equal(vb_version(), VB_VERSION_STRING);
  char want[64];
  snprintf(want, sizeof want, "%d.%d.%d", VB_VERSION_MAJOR, VB_VERSION_MINOR, VB_VERSION_PATCH);
  assert_string_equal(vb_version(), want);
}

static void test_error_set(void **state) {
  (void)state;
  vb_error e;
  memset(&e, 0x55, sizeof e);
  assert_int_equal(vb__error_set(&e, VB_EPARSE, "f.tsv", 3, 7, "bad '%s' (%d)", "x", 5),
                   VB_EPARSE);
  assert_int_equal(e.code, VB_EPARSE);
  assert_string_equal(e.file, "f.tsv");
  assert_int_equal(e.line, 3);
  assert_int_equal(e.column, 7);
  assert_string_equal(e.message, "bad 'x' (5)");
  /* no file: "", and a message longer than the field is cut, still terminated */
  char longmsg[600];
  memset(longmsg, 'm', sizeof longmsg - 1);
  longmsg[sizeof longmsg - 1] = '\0';
  assert_int_equal(vb__error_set(&e, VB_EIO, NULL, 0, 0, "%s", longmsg), VB_EIO);
  assert_string_equal(e.file, "");
  assert_int_equal(strlen(e.message), sizeof e.message - 1);
  /* NULL: only the code comes back */
  assert_int_equal(vb__error_set(NULL, VB_ELANG, "x", 1, 1, "y"), VB_ELANG);
}

/* ---- a counting allocator ---- */

typedef struct {
  long live;        /* blocks taken and not yet given back */
  long mallocs;     /* successful malloc (and realloc(NULL)) calls */
  long reallocs;    /* realloc calls on an existing block */
  long frees;
  long requests;    /* every call to malloc or realloc */
  long fail_at;     /* fail request number fail_at (1-based); 0: never */
  long failed;      /* requests refused */
  size_t max_size;  /* largest size asked for */
  void **blocks;    /* the live blocks (so that a test can reclaim what the library leaked) */
  size_t n_blocks, cap_blocks;
} counter;

/* Forgets block `old` (an address, 0 for none: it may already have been given back) and
 * remembers block `p` (NULL for none). */
static void track(counter *c, uintptr_t old, void *p) {
  if (old) {
    for (size_t i = c->n_blocks; i-- > 0;)
      if ((uintptr_t)c->blocks[i] == old) {
        c->blocks[i] = c->blocks[--c->n_blocks];
        break;
      }
  }
  if (p) {
    if (c->n_blocks == c->cap_blocks) {
      size_t nc = c->cap_blocks ? 2 * c->cap_blocks : 256;
      void **nb = realloc(c->blocks, nc * sizeof *nb);
      assert_non_null(nb);
      c->blocks = nb;
      c->cap_blocks = nc;
    }
    c->blocks[c->n_blocks++] = p;
  }
}

/* Frees what the library left behind and the tracking array; returns the count left. */
static long reclaim(counter *c) {
  long left = (long)c->n_blocks;
  for (size_t i = 0; i < c->n_blocks; i++) free(c->blocks[i]);
  free(c->blocks);
  c->blocks = NULL;
  c->n_blocks = c->cap_blocks = 0;
  return left;
}

static void *c_malloc(size_t n, void *ctx) {
  counter *c = ctx;
  c->requests++;
  if (n > c->max_size) c->max_size = n;
  if (c->fail_at && c->requests == c->fail_at) {
    c->failed++;
    return NULL;
  }
  void *p = malloc(n);
  if (p) {
    c->live++;
    c->mallocs++;
    track(c, 0, p);
  }
  return p;
}

static void *c_realloc(void *p, size_t n, void *ctx) {
  counter *c = ctx;
  c->requests++;
  if (n > c->max_size) c->max_size = n;
  if (c->fail_at && c->requests == c->fail_at) {
    c->failed++;
    return NULL;
  }
  /* forget the old block before realloc may move it (the test's own realloc never fails) */
  if (p) {
    c->reallocs++;
    track(c, (uintptr_t)p, NULL);
  } else {
    c->live++;
    c->mallocs++;
  }
  void *q = realloc(p, n);
  assert_non_null(q);
  track(c, 0, q);
  return q;
}

static void c_free(void *p, void *ctx) {
  counter *c = ctx;
  assert_non_null(p); /* vb__free never passes NULL on */
  c->frees++;
  c->live--;
  track(c, (uintptr_t)p, NULL);
  free(p);
}

static void use_counter(counter *c) {
  vb_allocator a = {c_malloc, c_realloc, c_free, c};
  vb_set_allocator(&a);
}

static const vbt_file small_data[] = {
    {"lexicons/en/valence.tsv", "good\t2\nbad\t-2\nslow\t-1.5\nno problem\t1.5\n", 0},
    {"lexicons/en/modifiers.tsv", "not\tnegator\nvery\tbooster\t0.3\nbut\tcontrast\n"
                                  "super\tprefix\t0.3\n", 0},
    {"lexicons/sv/valence.tsv", "bra\t2\n", 0},
    {"lexicons/emoji.tsv", "\xF0\x9F\x98\x80\t2.5\tgrinning face\n", 0},
    {"lexicons/themes/cx.codebook", "[delivery]\nen: delivery; ship*\nen.not: delivery note\n"
                                    "[delivery.late]\nen: late\nsv: leverans\n"
                                    "en.re: \\b\\d+ days\\b\n[x]\nen.re: (foo|bar)+\n"
                                    "[y]\nen.re: q+\n", 0},
};

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

static const char *const texts[] = {
    "The delivery was not good but very fast!! \xF0\x9F\x98\x80 #delivery",
    "Shipping took 12 days, bad bad bad. No problem though. supergood",
    "Leveransen var bra",
    "",
    "foo bar qqq",
};

/* Loads a model (the built-in data when `dir` is NULL), analyses the texts, aggregates them
 * and frees everything. Returns the first failure code, or VB_OK. */
static int pipeline(const char *dir, int with_default_codebook) {
  vb_model_options o = {0};
  o.data_dir = dir;
  o.no_default_codebook = !with_default_codebook;
  vb_model *m = NULL;
  int rc = vb_model_load(&o, &m, NULL);
  if (rc) {
    assert_null(m);
    return rc;
  }
  vb_analyzer *an = NULL;
  vb_agg *agg = NULL;
  char *saved = NULL;
  size_t saved_len = 0;
  rc = vb_analyzer_new(m, &an);
  if (rc == VB_OK) rc = vb_agg_new(m, VB_SCORE_NPS, &agg);
  for (size_t i = 0; rc == VB_OK && i < sizeof texts / sizeof texts[0]; i++) {
    vb_run_options ro = {VB_LANG_UND, VB_LANG_EN, i % 2 ? VB_RUN_EXPLAIN : 0};
    const vb_result *r = NULL;
    rc = vb_analyzer_run(an, texts[i], strlen(texts[i]), &ro, &r);
    if (rc == VB_OK) rc = vb_agg_add(agg, r, 1, (double)(i * 2));
  }
  if (rc == VB_OK) {
    const char *st;
    size_t sl;
    rc = vb_analyzer_stem(an, VB_LANG_SV, "leveranserna", 12, &st, &sl);
  }
  if (rc == VB_OK) rc = vb_agg_save(agg, &saved, &saved_len);
  vb_table *table = NULL;
  if (rc == VB_OK) rc = vb_agg_table(agg, &table);
  vb_table_free(table);
  vb_free(saved);
  vb_agg_free(agg);
  vb_analyzer_free(an);
  vb_model_free(m);
  return rc;
}

static void test_allocator_balanced_builtin_model(void **state) {
  (void)state;
  counter c = {0};
  use_counter(&c);
  int rc = pipeline(NULL, 1);
  vb_set_allocator(NULL);
  long left = reclaim(&c);
  assert_int_equal(rc, VB_OK);
  assert_true(c.mallocs > 100); /* the library really went through the hook */
  assert_true(c.reallocs > 0);
  assert_int_equal(c.live, 0);
  assert_int_equal(left, 0);
  assert_int_equal(c.frees, c.mallocs);
}

static void test_allocator_balanced_small_model(void **state) {
  (void)state;
  counter c = {0};
  use_counter(&c);
  int rc = pipeline(DATA, 1);
  vb_set_allocator(NULL);
  long left = reclaim(&c);
  assert_int_equal(rc, VB_OK);
  assert_true(c.mallocs > 10);
  assert_int_equal(c.live, 0);
  assert_int_equal(left, 0);
}

static void test_allocator_one_call_api(void **state) {
  (void)state;
  counter c = {0};
  use_counter(&c);
  double score = 0;
  int rc = vb_sentiment_score("good", 4, "en", &score);
  vb_set_allocator(NULL);
  long left = reclaim(&c);
  assert_int_equal(rc, VB_OK);
  assert_true(score > 0);
  assert_true(c.mallocs > 0);
  assert_int_equal(left, 0);
}

static void test_allocator_restored_with_null(void **state) {
  (void)state;
  counter c = {0};
  use_counter(&c);
  void *p = vb__malloc(10);
  assert_non_null(p);
  assert_int_equal(c.live, 1);
  p = vb__realloc(p, 1000);
  assert_non_null(p);
  assert_int_equal(c.live, 1);
  assert_int_equal(c.reallocs, 1);
  vb__free(p);
  assert_int_equal(c.live, 0);
  vb_set_allocator(NULL);
  /* the counter sees nothing any more */
  p = vb__malloc(10);
  assert_non_null(p);
  p = vb__realloc(p, 100);
  assert_non_null(p);
  vb__free(p);
  char *s = vb__strdup("abc");
  assert_string_equal(s, "abc");
  vb_free(s);
  assert_int_equal(c.requests, 2);
  assert_int_equal(c.frees, 1);
  /* vb_free(NULL) and vb__free(NULL) do nothing */
  use_counter(&c);
  vb_free(NULL);
  vb__free(NULL);
  vb_set_allocator(NULL);
  assert_int_equal(c.frees, 1);
  assert_int_equal(reclaim(&c), 0);
}

/* Fails each allocation of the pipeline in turn: every run returns VB_OK or VB_ENOMEM and
 * gives back what it took. Returns how many runs failed. */
static long failure_sweep(const char *dir, int with_codebook) {
  counter c = {0};
  use_counter(&c);
  int rc = pipeline(dir, with_codebook);
  vb_set_allocator(NULL);
  assert_int_equal(reclaim(&c), 0);
  assert_int_equal(rc, VB_OK);
  long total = c.requests;
  assert_true(total > 10);
  long enomem = 0;
  for (long k = 1; k <= total; k++) {
    counter f = {0};
    f.fail_at = k;
    use_counter(&f);
    rc = pipeline(dir, with_codebook);
    vb_set_allocator(NULL);
    long left = reclaim(&f);
    if (rc != VB_OK) {
      if (rc != VB_ENOMEM) print_error("failing request %ld gave %d\n", k, rc);
      assert_int_equal(rc, VB_ENOMEM);
      enomem++;
    }
    assert_int_equal(f.failed, 1);
    if (left != 0)
      print_error("failing request %ld of %ld leaves %ld blocks\n", k, total, left);
    assert_int_equal(left, 0);
  }
  return enomem;
}

static void test_allocation_failures_lexicons(void **state) {
  (void)state;
  /* lexicons, modifiers, emoji; no codebook */
  long enomem = failure_sweep(DATA, 0);
  assert_true(enomem > 10);
}

static void test_allocation_failures_codebook(void **state) {
  (void)state;
  long enomem = failure_sweep(DATA, 1);
  assert_true(enomem > 10);
}

/* ---- buffers ---- */

static void test_buf_growth(void **state) {
  (void)state;
  vb__buf b = {0};
  assert_int_equal(vb__buf_append(&b, "", 0), VB_OK);
  assert_non_null(b.data);
  assert_int_equal(b.len, 0);
  assert_string_equal(b.data, "");
  size_t last_cap = b.cap;
  size_t regrowths = 0;
  for (int i = 0; i < 10000; i++) {
    assert_int_equal(vb__buf_putc(&b, (char)('a' + i % 26)), VB_OK);
    assert_true(b.cap >= b.len + 1); /* room for the terminating NUL */
    assert_int_equal(b.data[b.len], '\0');
    if (b.cap != last_cap) regrowths++;
    last_cap = b.cap;
  }
  assert_int_equal(b.len, 10000);
  for (int i = 0; i < 10000; i++) assert_int_equal(b.data[i], 'a' + i % 26);
  /* capacity doubles: few reallocations for many appends */
  assert_true(regrowths <= 12);
  assert_int_equal(vb__buf_append(&b, "xyz", 3), VB_OK);
  assert_int_equal(b.len, 10003);
  assert_string_equal(b.data + 10000, "xyz");
  /* reserve gives room without changing the length */
  assert_int_equal(vb__buf_reserve(&b, 50000), VB_OK);
  assert_int_equal(b.len, 10003);
  assert_true(b.cap >= 60004);
  vb__buf_free(&b);
  assert_null(b.data);
  assert_int_equal(b.len, 0);
  assert_int_equal(b.cap, 0);
  vb__buf_free(&b); /* twice is harmless */
}

static void test_buf_printf(void **state) {
  (void)state;
  vb__buf b = {0};
  assert_int_equal(vb__buf_printf(&b, "%d-%s", 42, "x"), VB_OK);
  assert_string_equal(b.data, "42-x");
  assert_int_equal(b.len, 4);
  assert_int_equal(vb__buf_printf(&b, "%s", ""), VB_OK);
  assert_int_equal(b.len, 4);
  /* longer than the function's small stack buffer (256 bytes) */
  char big[1001];
  memset(big, 'q', 1000);
  big[1000] = '\0';
  assert_int_equal(vb__buf_printf(&b, "[%s]%d", big, 7), VB_OK);
  assert_int_equal(b.len, 4 + 1002 + 1);
  assert_int_equal(strlen(b.data), b.len);
  assert_int_equal(b.data[4], '[');
  assert_int_equal(b.data[5], 'q');
  assert_int_equal(b.data[1004], 'q');
  assert_string_equal(b.data + 1005, "]7");
  /* exactly 255 and 256 characters: either side of the stack buffer */
  for (size_t n = 254; n <= 258; n++) {
    vb__buf c = {0};
    char s[300];
    memset(s, 'z', n);
    s[n] = '\0';
    assert_int_equal(vb__buf_printf(&c, "%s", s), VB_OK);
    assert_int_equal(c.len, n);
    assert_string_equal(c.data, s);
    vb__buf_free(&c);
  }
  vb__buf_free(&b);
}

static void test_strndup_calloc(void **state) {
  (void)state;
  char *s = vb__strndup("hello world", 5);
  assert_string_equal(s, "hello");
  vb__free(s);
  s = vb__strndup("abc", 0);
  assert_string_equal(s, "");
  vb__free(s);
  int *z = vb__calloc(100, sizeof *z);
  assert_non_null(z);
  for (int i = 0; i < 100; i++) assert_int_equal(z[i], 0);
  vb__free(z);
  /* count * size overflows: refused, not a short block */
  counter c = {0};
  use_counter(&c);
  assert_null(vb__calloc(SIZE_MAX / 2, 4));
  assert_null(vb__calloc(4, SIZE_MAX / 2));
  vb_set_allocator(NULL);
  assert_int_equal(reclaim(&c), 0);
  assert_int_equal(c.requests, 0);
}

static void test_grow_refuses_overflow(void **state) {
  (void)state;
  counter c = {0};
  use_counter(&c);
  uint64_t *v = NULL;
  size_t cap = 0;
  assert_int_equal(vb__grow(&v, &cap, 3, sizeof *v), VB_OK);
  assert_non_null(v);
  assert_int_equal(cap, 8); /* the first capacity */
  v[0] = 11;
  v[7] = 77;
  /* need <= cap: nothing to do */
  long before = c.requests;
  assert_int_equal(vb__grow(&v, &cap, 8, sizeof *v), VB_OK);
  assert_int_equal(c.requests, before);
  assert_int_equal(vb__grow(&v, &cap, 9, sizeof *v), VB_OK);
  assert_int_equal(cap, 16);
  assert_int_equal(v[0], 11);
  assert_int_equal(v[7], 77);
  /* a count whose byte size cannot be represented: refused before asking the allocator */
  uint64_t *old = v;
  before = c.requests;
  assert_int_equal(vb__grow(&v, &cap, SIZE_MAX / sizeof *v + 1, sizeof *v), VB_ENOMEM);
  assert_int_equal(vb__grow(&v, &cap, SIZE_MAX, sizeof *v), VB_ENOMEM);
  assert_int_equal(c.requests, before);
  assert_ptr_equal(v, old);
  assert_int_equal(cap, 16);
  /* the allocator refuses: VB_ENOMEM, the array unchanged */
  c.fail_at = c.requests + 1;
  assert_int_equal(vb__grow(&v, &cap, 1000, sizeof *v), VB_ENOMEM);
  assert_ptr_equal(v, old);
  assert_int_equal(cap, 16);
  assert_int_equal(v[7], 77);
  vb__free(v);
  /* buffers: a reservation that would wrap */
  vb__buf b = {0};
  assert_int_equal(vb__buf_append(&b, "abc", 3), VB_OK);
  before = c.requests;
  assert_int_equal(vb__buf_reserve(&b, SIZE_MAX), VB_ENOMEM);
  assert_int_equal(vb__buf_reserve(&b, SIZE_MAX - 3), VB_ENOMEM);
  assert_int_equal(c.requests, before);
  assert_string_equal(b.data, "abc");
  vb__buf_free(&b);
  vb_set_allocator(NULL);
  assert_int_equal(reclaim(&c), 0);
  assert_int_equal(c.live, 0);
  /* nothing larger than the array could ever need was asked for */
  assert_true(c.max_size <= 1024 * sizeof *v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_strerror_every_code),
      cmocka_unit_test(test_strerror_unknown_codes),
      cmocka_unit_test(test_version),
      cmocka_unit_test(test_error_set),
      cmocka_unit_test(test_allocator_balanced_builtin_model),
      cmocka_unit_test(test_allocator_balanced_small_model),
      cmocka_unit_test(test_allocator_one_call_api),
      cmocka_unit_test(test_allocator_restored_with_null),
      cmocka_unit_test(test_allocation_failures_lexicons),
      cmocka_unit_test(test_allocation_failures_codebook),
      cmocka_unit_test(test_buf_growth),
      cmocka_unit_test(test_buf_printf),
      cmocka_unit_test(test_strndup_calloc),
      cmocka_unit_test(test_grow_refuses_overflow),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
