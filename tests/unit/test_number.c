/*
 * test_number.c - vb_parse_number: score fields as people type them.
 *
 * Contract (verbatim.h): surrounding blanks ignored, a decimal comma or point, an optional
 * sign; VB_OK and *out set; VB_ENOTFOUND for an empty field; VB_EPARSE for anything else
 * (text, NaN, infinity, hexadecimal, out of double range). On failure *out is left alone.
 */
#include "vb_test.h"

#include "verbatim.h"

#define SENTINEL -12345.0

static void expect_ok(const char *s, double want) {
  double v = SENTINEL;
  int rc = vb_parse_number(s, strlen(s), &v);
  if (rc != VB_OK) fail_msg("\"%s\": rc %d, expected VB_OK", s, rc);
  if (v != want) fail_msg("\"%s\": %.17g, expected %.17g", s, v, want);
}

static void expect_rc(const char *s, int want) {
  double v = SENTINEL;
  int rc = vb_parse_number(s, strlen(s), &v);
  if (rc != want) fail_msg("\"%s\": rc %d, expected %d", s, rc, want);
  if (v != SENTINEL) fail_msg("\"%s\": *out changed to %.17g on failure", s, v);
}

static void test_plain_integers(void **state) {
  (void)state;
  expect_ok("8", 8.0);
  expect_ok("0", 0.0);
  expect_ok("10", 10.0);
  expect_ok("-1", -1.0);
  expect_ok("+7", 7.0);
  expect_ok("007", 7.0);
}

static void test_blanks_are_ignored(void **state) {
  (void)state;
  expect_ok(" 9 ", 9.0);
  expect_ok("\t9\r\n", 9.0);
  expect_ok("   -3   ", -3.0);
}

static void test_decimal_comma_and_point(void **state) {
  (void)state;
  expect_ok("8,5", 8.5);
  expect_ok("8.5", 8.5);
  expect_ok(" 8,5 ", 8.5);
  expect_ok("-0,25", -0.25);
  expect_ok(",5", 0.5);
  expect_ok("5.", 5.0);
}

static void test_exponents(void **state) {
  (void)state;
  expect_ok("1e3", 1000.0);
  expect_ok("1E3", 1000.0);
  expect_ok("2,5e2", 250.0);
  expect_ok("1e-3", 0.001);
  expect_ok("1e+2", 100.0);
  expect_rc("1e309", VB_EPARSE); /* overflows a double */
  expect_rc("-1e309", VB_EPARSE);
  expect_rc("1e", VB_EPARSE);
  expect_rc("e5", VB_EPARSE);
  expect_rc("1e+", VB_EPARSE);
}

static void test_empty_is_not_found(void **state) {
  (void)state;
  expect_rc("", VB_ENOTFOUND);
  expect_rc("  ", VB_ENOTFOUND);
  expect_rc("\t\r\n", VB_ENOTFOUND);
  double v = SENTINEL;
  assert_int_equal(vb_parse_number("8", 0, &v), VB_ENOTFOUND); /* the length rules */
  assert_true(v == SENTINEL);
}

static void test_text_is_rejected(void **state) {
  (void)state;
  expect_rc("abc", VB_EPARSE);
  expect_rc("NaN", VB_EPARSE);
  expect_rc("nan", VB_EPARSE);
  expect_rc("inf", VB_EPARSE);
  expect_rc("-inf", VB_EPARSE);
  expect_rc("Infinity", VB_EPARSE);
  expect_rc("0x10", VB_EPARSE);
  expect_rc("0X1p3", VB_EPARSE);
  expect_rc("8,5,1", VB_EPARSE);
  expect_rc("8.5.1", VB_EPARSE);
  expect_rc("8,5.1", VB_EPARSE);
  expect_rc("8 5", VB_EPARSE);
  expect_rc("8/10", VB_EPARSE);
  expect_rc("1-2", VB_EPARSE);
  expect_rc("--1", VB_EPARSE);
  expect_rc("+-1", VB_EPARSE);
  expect_rc("-", VB_EPARSE);
  expect_rc(".", VB_EPARSE);
  expect_rc("8 points", VB_EPARSE);
  expect_rc("9!", VB_EPARSE);
  expect_rc("\xD7\xA9", VB_EPARSE); /* a Hebrew letter */
}

static void test_length_is_respected(void **state) {
  (void)state;
  double v = SENTINEL;
  /* only the first len bytes count: "8,5" of "8,5,1" */
  assert_int_equal(vb_parse_number("8,5,1", 3, &v), VB_OK);
  assert_true(v == 8.5);
  /* not NUL-terminated */
  const char buf[3] = {'4', '2', 'x'};
  assert_int_equal(vb_parse_number(buf, 2, &v), VB_OK);
  assert_true(v == 42.0);
  /* an absurdly long field is refused rather than copied */
  char longf[200];
  memset(longf, '1', sizeof longf);
  v = SENTINEL;
  assert_int_equal(vb_parse_number(longf, sizeof longf, &v), VB_EPARSE);
  assert_true(v == SENTINEL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_integers),          cmocka_unit_test(test_blanks_are_ignored),
      cmocka_unit_test(test_decimal_comma_and_point), cmocka_unit_test(test_exponents),
      cmocka_unit_test(test_empty_is_not_found),      cmocka_unit_test(test_text_is_rejected),
      cmocka_unit_test(test_length_is_respected),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
