/*
 * vb_test.h - small helpers shared by the cmocka unit tests (not a test itself: only
 * tests/unit/test_*.c become test programs).
 *
 * cmocka 1.1.5's assert_float_equal compares in single precision, which is too coarse for the
 * statistics; assert_close compares doubles with an absolute tolerance and fails on NaN.
 * assert_same_double compares bit patterns after folding every NaN to one (for "identical"
 * checks between two computations). A test that reveals a library bug keeps its assertion
 * inside `#if VB_KNOWN_BUG`; build with -DVB_KNOWN_BUG=1 to see it fail.
 */
#ifndef VB_TEST_H
#define VB_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#ifndef VB_KNOWN_BUG
#define VB_KNOWN_BUG 0
#endif

static inline void vb_test_close(double a, double b, double tol, const char *ea, const char *eb,
                                 const char *file, int line) {
  if (isnan(a) || isnan(b) || fabs(a - b) > tol) {
    print_error("%s = %.17g, expected %s = %.17g (tolerance %g)\n", ea, a, eb, b, tol);
    _fail(file, line);
  }
}
#define assert_close(a, b, tol)                                                                    \
  vb_test_close((double)(a), (double)(b), (double)(tol), #a, #b, __FILE__, __LINE__)

static inline void vb_test_nan(double a, const char *ea, const char *file, int line) {
  if (!isnan(a)) {
    print_error("%s = %.17g, expected NaN\n", ea, a);
    _fail(file, line);
  }
}
#define assert_nan(a) vb_test_nan((double)(a), #a, __FILE__, __LINE__)

static inline void vb_test_same(double a, double b, const char *ea, const char *eb,
                                const char *file, int line) {
  if (isnan(a) && isnan(b)) return;
  if (memcmp(&a, &b, sizeof a) != 0) {
    print_error("%s = %.17g and %s = %.17g differ\n", ea, a, eb, b);
    _fail(file, line);
  }
}
#define assert_same_double(a, b) vb_test_same((double)(a), (double)(b), #a, #b, __FILE__, __LINE__)

/* Compares a byte span with a C string. */
static inline void vb_test_span(const char *s, size_t n, const char *want, const char *es,
                                const char *file, int line) {
  size_t wn = strlen(want);
  if (!s || n != wn || memcmp(s, want, n) != 0) {
    print_error("%s = \"%.*s\" (%zu bytes), expected \"%s\" (%zu bytes)\n", es, s ? (int)n : 6,
                s ? s : "(null)", n, want, wn);
    _fail(file, line);
  }
}
#define assert_span(s, n, want) vb_test_span((s), (n), (want), #s, __FILE__, __LINE__)

/* Checks that `hay` contains `needle`. */
static inline void vb_test_contains(const char *hay, const char *needle, const char *file,
                                    int line) {
  if (!hay || !strstr(hay, needle)) {
    print_error("\"%s\" does not contain \"%s\"\n", hay ? hay : "(null)", needle);
    _fail(file, line);
  }
}
#define assert_contains(hay, needle) vb_test_contains((hay), (needle), __FILE__, __LINE__)

#endif
