/*
 * test_out.c - the CLI's output helpers (src/cli/out.c, compiled into this test).
 *
 * annotate writes its results into a byte buffer (obuf_*) instead of a stdio stream; the
 * output must stay byte for byte what it was. Numbers are compared with two oracles: the
 * definition (printf's "%.*f", trailing zeros and a bare "-0" removed, "null" for NaN and
 * infinities) and put_num as it was before the buffer, kept here verbatim. Strings, cells and
 * whole numbers are compared with the FILE versions and with printf.
 */
#define _POSIX_C_SOURCE 200809L
#include "vb_test.h"

#include <float.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

/* The definition: what every number written by the CLI must look like. printf's output is
 * cut at 63 characters (values from about 1e62 up), as it always was. */
static void ref_num(char *b, size_t size, double v, int decimals) {
  if (size > 64) size = 64;
  if (isnan(v) || isinf(v)) {
    snprintf(b, size, "null");
    return;
  }
  snprintf(b, size, "%.*f", decimals, v);
  char *dot = strchr(b, '.');
  if (dot) {
    char *e = b + strlen(b) - 1;
    while (e > dot && *e == '0') *e-- = '\0';
    if (e == dot) *e = '\0';
  }
  if (!strcmp(b, "-0")) strcpy(b, "0");
}

/* put_num before the output buffer (commit 3f028d5), writing into b instead of a stream. */
static void old_put_num(char *res, double v, int decimals) {
  if (isnan(v) || isinf(v)) {
    strcpy(res, "null");
    return;
  }
  char b[64];
  static const double pow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  bool fast = decimals >= 0 && decimals <= 9;
  double x = fast ? v * pow10[decimals] : 0;
  double r = nearbyint(x);
  if (fast && fabs(x) < 1e15 && fabs(fabs(x - r) - 0.5) > 1e-6) {
    unsigned long long u = (unsigned long long)fabs(r);
    char d[32];
    int nd = 0;
    for (; u || nd <= decimals; u /= 10) d[nd++] = (char)('0' + u % 10);
    char *p = b;
    if (r < 0) *p++ = '-';
    for (int i = nd - 1; i >= decimals; i--) *p++ = d[i];
    if (decimals > 0) {
      *p++ = '.';
      for (int i = decimals - 1; i >= 0; i--) *p++ = d[i];
    }
    *p = '\0';
  } else {
    snprintf(b, sizeof b, "%.*f", decimals, v);
  }
  char *dot = strchr(b, '.');
  if (dot) {
    char *e = b + strlen(b) - 1;
    while (e > dot && *e == '0') *e-- = '\0';
    if (e == dot) *e = '\0';
  }
  if (!strcmp(b, "-0")) strcpy(b, "0");
  strcpy(res, b);
}

/* Runs f(fp) on a memory stream and returns what it wrote (free it). */
#define STREAM_OF(call, text, len)                                                                 \
  do {                                                                                             \
    FILE *fp = open_memstream(&(text), &(len));                                                    \
    assert_non_null(fp);                                                                           \
    call;                                                                                          \
    assert_int_equal(fclose(fp), 0);                                                               \
  } while (0)

static size_t n_checked;

/* One number at one precision: the buffer, put_num, the definition and the old put_num agree. */
static void check_num(double v, int decimals) {
  char want[128], old[128];
  ref_num(want, sizeof want, v, decimals);
  old_put_num(old, v, decimals);
  obuf b = {0};
  obuf_putc(&b, '<'); /* the number lands after other bytes, not at the buffer's start */
  obuf_num(&b, v, decimals);
  assert_false(b.failed);
  char *s = NULL;
  size_t n = 0;
  STREAM_OF(put_num(fp, v, decimals), s, n);
  if (strcmp(old, want) || b.len - 1 != strlen(want) || memcmp(b.p + 1, want, b.len - 1) ||
      n != strlen(want) || memcmp(s, want, n))
    fail_msg("%.17g with %d decimals: printf \"%s\", old put_num \"%s\", obuf \"%.*s\", put_num "
             "\"%.*s\"", v, decimals, want, old, (int)b.len - 1, b.p + 1, (int)n, s);
  free(s);
  obuf_free(&b);
  n_checked++;
}

static void check_all_decimals(double v) {
  for (int d = 0; d <= 9; d++) check_num(v, d);
}

static void test_num_special_values(void **state) {
  (void)state;
  const double special[] = {0.0, -0.0, NAN, -NAN, INFINITY, -INFINITY, DBL_MIN, -DBL_MIN,
                            DBL_TRUE_MIN, -DBL_TRUE_MIN, DBL_MAX, -DBL_MAX, DBL_EPSILON,
                            1e15, -1e15, 1e15 - 1, 9.999999999e14, 1e16, 1e22, 1e300, -1e300,
                            4503599627370495.5, 9007199254740991.0, 1.8446744073709552e19,
                            1e14, 1e14 - 1, 1e13 + 0.5, 99999.99995, 1e9, 1e10 - 1};
  for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) check_all_decimals(special[i]);
  /* a negative value that rounds to zero is "0", never "-0" */
  char want[8];
  ref_num(want, sizeof want, -0.0004, 3);
  assert_string_equal(want, "0");
  check_num(-0.0004, 3);
  check_num(-0.4, 0);
  check_num(-0.5, 0); /* a tie: to even, 0 */
  check_num(-0.0000000004, 9);
  /* precisions outside the fast path's 0-9 go through printf in both */
  for (int d = 10; d <= 17; d++) {
    check_num(0.123456789012345678, d);
    check_num(-2.5e-12, d);
  }
}

static void test_num_ties(void **state) {
  (void)state;
  /* exact binary ties (k/2^m) at every precision, both signs: printf rounds them to even */
  for (int m = 1; m <= 12; m++)
    for (long k = -4100; k <= 4100; k += 7) check_all_decimals(ldexp((double)k, -m));
  /* decimal "ties" that are not exact in binary, either side: 2.675 is below, 0.125 exact */
  const double near[] = {2.675, 1.005, 0.0005, 0.00015, 1.45, 2.5, 3.5, 0.35, 0.045, 1e-9 / 2,
                         5e-10, 0.9999999995, 99.5, 0.49999999999999994, 0.5000000000000001};
  for (size_t i = 0; i < sizeof near / sizeof near[0]; i++) {
    check_all_decimals(near[i]);
    check_all_decimals(-near[i]);
    check_all_decimals(nextafter(near[i], 0));
    check_all_decimals(nextafter(near[i], 10));
  }
  /* (j + 1/2) / 10^d and the doubles next to it, for every precision */
  static const double pow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  for (int d = 0; d <= 9; d++)
    for (long j = -300; j <= 300; j++) {
      double t = ((double)j + 0.5) / pow10[d];
      check_num(t, d);
      check_num(nextafter(t, -INFINITY), d);
      check_num(nextafter(t, INFINITY), d);
    }
}

static void test_num_random(void **state) {
  (void)state;
  /* a fixed sequence (xorshift) of values of every magnitude from 1e-12 to 1e17 */
  uint64_t x = 88172645463325252ULL;
  for (int i = 0; i < 12000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    double mant = (double)(x >> 11) / 9007199254740992.0; /* [0, 1) */
    int e = (int)(x % 30) - 12;
    double v = mant * pow(10.0, e) * ((x >> 5) & 1 ? -1 : 1);
    check_all_decimals(v);
  }
  /* the scores annotate writes: means and ratios of small counts */
  for (int a = -40; a <= 40; a++)
    for (int b = 1; b <= 40; b++) {
      check_num((double)a / b, 4);
      check_num((double)a / b, 3);
      check_num((double)a / b / sqrt((double)a * a + 15), 6);
    }
  assert_true(n_checked > 250000);
}

/* fmt_num's path for magnitudes that round below 10 with up to six decimals (the whole
 * digit, then the fraction as six digits, scaled up) and the values next to it: 0, -0, 1, 10,
 * the roundings up to 1 and to 10 (0.99995 at four decimals, 9.9999996 at six), the smallest
 * that do not round to 0, and random scores and explanation values. */
static void test_num_scores(void **state) {
  (void)state;
  static const double pow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
  for (int d = 0; d <= 6; d++)
    for (long k = -10100; k <= 10100; k++) {
      /* steps of a tenth of the last digit near 0 and 1, of a hundredth near 10 */
      double t = (double)k / pow10[d] / 1e1;
      double near10 = (k < 0 ? -10.0 : 10.0) + (double)k / pow10[d] / 1e4;
      check_num(t, d);
      check_num(nextafter(t, -INFINITY), d);
      check_num(nextafter(t, INFINITY), d);
      check_num(near10, d);
      check_num(nextafter(near10, 0), d);
    }
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < 100000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    double v = ((double)(x >> 11) / 9007199254740992.0 * 2.4 - 1.2); /* [-1.2, 1.2) */
    check_num(v, (int)(x % 7));
    check_num(-v, 3);
    check_num(v * 10, 6);
    check_num((double)(float)(v * 3), 6); /* valences are floats */
  }
}

static void expect_json(const char *s, size_t n) {
  char *f = NULL;
  size_t fn = 0;
  STREAM_OF(json_str(fp, s, n), f, fn);
  obuf b = {0};
  obuf_json_str(&b, s, n);
  assert_false(b.failed);
  if (b.len != fn || memcmp(b.p, f, fn)) fail_msg("json of %zu bytes differs", n);
  free(f);
  obuf_free(&b);
}

static void test_json_str(void **state) {
  (void)state;
  obuf b = {0};
  const char in[] = "a\"b\\c\nd\re\tf\x01g\x7Fh\x1F";
  obuf_json_str(&b, in, sizeof in - 1);
  obuf_json_str(&b, "", 0);
  obuf_json_str(&b, "\xC3\xA5", 2); /* UTF-8 passes through */
  const char want[] = "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u007fh\\u001f\"\"\"\"\xC3\xA5\"";
  assert_int_equal(b.len, sizeof want - 1);
  assert_memory_equal(b.p, want, b.len);
  obuf_free(&b);
  /* every byte alone, between others, and in a run of escapes */
  for (int c = 0; c < 256; c++) {
    char s[3] = {'x', (char)c, 'y'};
    expect_json(s + 1, 1);
    expect_json(s, 3);
  }
  char all[512];
  for (int i = 0; i < 512; i++) all[i] = (char)(i % 256);
  expect_json(all, sizeof all);
  /* long strings, with escapes at the ends, grow the buffer past several sizes */
  size_t n = 100000;
  char *big = malloc(n);
  assert_non_null(big);
  for (size_t i = 0; i < n; i++) big[i] = (char)('a' + i % 26);
  big[0] = '"';
  big[n - 1] = '\n';
  for (size_t i = 4000; i < n; i += 4093) big[i] = (char)(i % 32);
  expect_json(big, n);
  memset(big, '\\', n); /* doubles every byte */
  expect_json(big, n);
  memset(big, 2, n); /* six bytes for each */
  expect_json(big, n);
  free(big);
  /* random strings up to 40 bytes, the bytes that need an escape (and their neighbours that do
   * not) at every place of the eight bytes the buffer tests at once */
  static const unsigned char special[] = {'"', '\\', 0x00, 0x01, 0x0A, 0x1F, 0x7F,
                                          0x20, 0x21, 0x5B, 0x5D, 0x7E, 0x80, 0xC3, 0xFF};
  uint64_t seed = 0x6A09E667F3BCC908ull;
  char r[40];
  for (int round = 0; round < 30000; round++) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    size_t len = (size_t)(seed >> 33) % 41, odds = 1 + (size_t)(seed >> 20) % 20;
    for (size_t i = 0; i < len; i++) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      size_t x = (size_t)(seed >> 33);
      r[i] = x % odds == 0 ? (char)special[(x / odds) % sizeof special] : (char)('a' + x % 26);
    }
    expect_json(r, len);
  }
}

static void test_whole_numbers_and_cells(void **state) {
  (void)state;
  const size_t sizes[] = {0, 1, 9, 10, 99, 100, 4294967295u, 4294967296u, SIZE_MAX};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    char want[32];
    snprintf(want, sizeof want, "%zu", sizes[i]);
    obuf b = {0};
    obuf_size(&b, sizes[i]);
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.p, want, b.len);
    obuf_free(&b);
  }
  /* both sides of every power of ten, and random values of every length, against printf */
  uint64_t x = 0x2545F4914F6CDD1DULL;
  obuf all = {0};
  char want_all[64];
  for (int i = 0; i < 200000; i++) {
    size_t v;
    if (i < 60) {
      size_t p = 1;
      for (int k = 0; k < i / 3; k++) p *= 10;
      v = p + (size_t)(i % 3) - 1; /* 10^k - 1, 10^k, 10^k + 1 */
    } else {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      v = (size_t)(x >> (x % 64)); /* every magnitude */
    }
    all.len = 0;
    obuf_putc(&all, '<');
    obuf_size(&all, v);
    int n = snprintf(want_all, sizeof want_all, "%zu", v);
    if (all.len - 1 != (size_t)n || memcmp(all.p + 1, want_all, (size_t)n))
      fail_msg("%zu written as %.*s", v, (int)all.len - 1, all.p + 1);
  }
  obuf_free(&all);
  /* spans: "[start, end]" after ", " unless first, against printf, on the same kinds of values */
  obuf spans = {0};
  char want_span[128];
  for (int i = 0; i < 100000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    size_t a = i < 60 ? sizes[i % 9] : (size_t)(x >> (x % 64));
    size_t e = i < 60 ? sizes[(i / 9) % 9] : (size_t)((x * 0x9E3779B97F4A7C15ULL) >> (x >> 58));
    bool first = i & 1;
    spans.len = 0;
    obuf_putc(&spans, '<');
    obuf_span(&spans, a, e, first);
    int n = snprintf(want_span, sizeof want_span, "%s[%zu, %zu]", first ? "" : ", ", a, e);
    if (spans.len - 1 != (size_t)n || memcmp(spans.p + 1, want_span, (size_t)n))
      fail_msg("span %zu %zu written as %.*s", a, e, (int)spans.len - 1, spans.p + 1);
  }
  obuf_free(&spans);
  const long longs[] = {0, 1, -1, 9, -10, 12345, -12345, LONG_MAX, LONG_MIN};
  for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++) {
    char want[32];
    snprintf(want, sizeof want, "%ld", longs[i]);
    obuf b = {0};
    obuf_long(&b, longs[i]);
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.p, want, b.len);
    obuf_free(&b);
  }
  const char cell[] = "a\tb\nc\rd e\"f";
  char *f = NULL;
  size_t fn = 0;
  STREAM_OF(tsv_cell(fp, cell, sizeof cell - 1), f, fn);
  obuf b = {0};
  obuf_tsv_cell(&b, cell, sizeof cell - 1);
  obuf_tsv_cell(&b, "", 0);
  assert_int_equal(b.len, fn);
  assert_memory_equal(b.p, f, fn);
  assert_memory_equal(b.p, "a b c d e\"f", fn);
  free(f);
  obuf_free(&b);
}

static void test_buffer_appends(void **state) {
  (void)state;
  /* many small appends of every kind make the same bytes as a stream does */
  char *f = NULL;
  size_t fn = 0;
  obuf b = {0};
  FILE *fp = open_memstream(&f, &fn);
  assert_non_null(fp);
  for (int i = 0; i < 20000; i++) {
    obuf_str(&b, "{\"k\": ");
    fputs("{\"k\": ", fp);
    obuf_putc(&b, (char)('0' + i % 10));
    putc('0' + i % 10, fp);
    obuf_put(&b, "xyz", (size_t)(i % 4));
    fwrite("xyz", 1, (size_t)(i % 4), fp);
    obuf_size(&b, (size_t)i * 7919);
    fprintf(fp, "%zu", (size_t)i * 7919);
    obuf_num(&b, i / 7.0, i % 10);
    put_num(fp, i / 7.0, i % 10);
  }
  assert_int_equal(fclose(fp), 0);
  assert_false(b.failed);
  assert_int_equal(b.len, fn);
  assert_memory_equal(b.p, f, fn);
  assert_true(b.cap >= b.len);
  /* emptied for the next batch, the memory is kept and reused */
  char *p = b.p;
  b.len = 0;
  obuf_str(&b, "again");
  assert_ptr_equal(b.p, p);
  assert_memory_equal(b.p, "again", 5);
  free(f);
  obuf_free(&b);
  assert_null(b.p);
  assert_int_equal(b.len, 0);
  obuf_free(&b); /* twice is harmless */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_num_special_values),
      cmocka_unit_test(test_num_ties),
      cmocka_unit_test(test_num_random),
      cmocka_unit_test(test_num_scores),
      cmocka_unit_test(test_json_str),
      cmocka_unit_test(test_whole_numbers_and_cells),
      cmocka_unit_test(test_buffer_appends),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
