/*
 * test_redact.c - vb_redact: e-mail addresses, URLs, handles and long numbers replaced in the
 * ways people write them in four languages; dates, times, years, prices and short numbers
 * kept; each kind only when asked for; the text around left as it was.
 */
#include "vb_test.h"

#include <stdlib.h>

#include "verbatim.h"

static void check(const char *in, unsigned what, const char *want, size_t want_n) {
  char *out;
  size_t len, n;
  assert_int_equal(vb_redact(in, strlen(in), what, &out, &len, &n), VB_OK);
  if (strcmp(out, want) || len != strlen(want) || n != want_n)
    fail_msg("'%s' -> '%s' (%zu replaced); expected '%s' (%zu)", in, out, n, want, want_n);
  vb_free(out);
}

static void test_kinds(void **state) {
  (void)state;
  check("Mail me at anna.berg@example.se, thanks", VB_REDACT_ALL,
        "Mail me at [email], thanks", 1);
  check("see https://lumo.example/orders/123456789?u=anna now", VB_REDACT_ALL, "see [url] now", 1);
  check("@lumo_help why is my order late", VB_REDACT_ALL, "[@user] why is my order late", 1);
  check("ring 070-123 45 67 eller +46 70 123 45 67", VB_REDACT_ALL,
        "ring [number] eller [number]", 2);
  check("(08) 123 45 67 i går", VB_REDACT_ALL, "[number] i går", 1);
  check("personnummer 19800101-1234, CPR 010180-1234", VB_REDACT_ALL,
        "personnummer [number], CPR [number]", 2);
  check("ת.ז. 123456782 והטלפון 054-1234567", VB_REDACT_ALL, "ת.ז. [number] והטלפון [number]", 2);
  check("kort 4111 1111 1111 1111, IBAN SE45 5000 0000 0583 9825 7466", VB_REDACT_ALL,
        "kort [number], IBAN SE[number]", 2);
}

static void test_kept(void **state) {
  (void)state;
  /* dates, times, year ranges, prices, order lines with few digits */
  static const char *const kept[] = {
      "delivered 2026-10-21 at 12:30:00", "den 21.10.2026 kl 14.30", "21/10/26",
      "customer 2019-2026", "it cost 1 299 kr", "order #12345 was late", "3 of 10 stars",
      "NPS 9/10", "", "no numbers here at all"};
  for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) check(kept[i], VB_REDACT_ALL, kept[i], 0);
}

static void test_only_what_is_asked(void **state) {
  (void)state;
  const char *t = "a@b.se https://x.se @x 0701234567";
  check(t, VB_REDACT_EMAIL, "[email] https://x.se @x 0701234567", 1);
  check(t, VB_REDACT_URL, "a@b.se [url] @x 0701234567", 1);
  check(t, VB_REDACT_MENTION, "a@b.se https://x.se [@user] 0701234567", 1);
  check(t, VB_REDACT_NUMBER, "a@b.se https://x.se @x [number]", 1);
  check(t, 0, t, 0);
  char *out;
  assert_int_equal(vb_redact(NULL, 3, VB_REDACT_ALL, &out, NULL, NULL), VB_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kinds),
      cmocka_unit_test(test_kept),
      cmocka_unit_test(test_only_what_is_asked),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
