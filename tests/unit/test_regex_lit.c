/* test_regex_lit.c - the literals a codebook pattern's every match must contain. */
#include "vb_model.h"
#include "vb_test.h"

/* The literal set of `pattern` joined with '|' ("" when the pattern is unfilterable); a
 * digit requirement shows as "\d". */
static const char *lits(const char *pattern) {
  static char out[512];
  vb__buf b = {0};
  size_t n;
  assert_int_equal(vb__regex_literals(pattern, &b, &n), VB_OK);
  out[0] = '\0';
  const char *p = b.data;
  for (size_t i = 0; i < n; i++, p += strlen(p) + 1) {
    if (i) strcat(out, "|");
    strcat(out, p[0] == VB_LIT_DIGIT && p[1] == '\0' ? "\\d" : p);
  }
  vb__buf_free(&b);
  return out;
}

static void test_words(void **state) {
  (void)state;
  assert_string_equal(lits("\\bcharg\\w*\\b[^.!?\\n]{0,40}\\btwice\\b"), "charg");
  assert_string_equal(lits("\\b(fast|quick)\\b[^.]{0,15}\\bdeliver"), "deliver");
  /* an alternation needs every branch to have one */
  assert_string_equal(lits("\\b(app|website|site)\\b"), "app|website|site");
  assert_string_equal(lits("(app|\\w+site)"), "app|site");
  /* optional parts require nothing */
  assert_string_equal(lits("(foo)?bar"), "bar");
  assert_string_equal(lits("x*"), "");
  /* letters fold as the text does */
  assert_string_equal(lits("Leverans"), "leverans");
}

static void test_short_literals(void **state) {
  (void)state;
  /* two bytes and one byte are literals too when nothing longer is required */
  assert_string_equal(lits("\\b(10|ten)\\s*/\\s*10\\b"), "10"); /* one literal beats two */
  assert_string_equal(lits("\\b(10|ten)\\s*/"), "10|ten");
  assert_string_equal(lits("(?<!\\d)10\\s*/\\s*10(?!\\d)"), "10");
  assert_string_equal(lits("\\bt\\s?&\\s?cs?\\b"), "&"); /* punctuation is rarer than a letter */
  assert_string_equal(lits("\\b5\\s*(stars?|\\*)"), "star|*"); /* not the digit */
  /* a longer literal is preferred to a short one or to a digit */
  assert_string_equal(lits("\\d+\\s*(working|business)\\s+days"), "working|business");
}

static void test_digit_requirement(void **state) {
  (void)state;
  assert_string_equal(lits("\\b[a-z]{2}\\d{6,8}\\b"), "\\d");
  assert_string_equal(lits("[a-z]\\d?"), "");     /* optional: nothing required */
  assert_string_equal(lits("(\\d|x)y"), "y");      /* the branches' best, then the sequence's */
  assert_string_equal(lits("(\\d|[a-z])"), "");   /* one branch requires nothing */
}

static void test_unfilterable(void **state) {
  (void)state;
  assert_string_equal(lits("(a)\\1"), "");        /* back-references */
  assert_string_equal(lits("\\Qabc\\E"), "");
  assert_string_equal(lits("[abc]+"), "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_words),
      cmocka_unit_test(test_short_literals),
      cmocka_unit_test(test_digit_requirement),
      cmocka_unit_test(test_unfilterable),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
