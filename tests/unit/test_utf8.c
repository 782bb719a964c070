/*
 * test_utf8.c - vb_utf8_check, vb_utf8_repair, vb__utf8_decode and vb__utf8_encode.
 *
 * RFC 3629 is the reference: overlong forms (C0 80, E0 80 80, F0 80 80 80), UTF-16 surrogates
 * (ED A0 80 .. ED BF BF) and code points above U+10FFFF (F4 90 80 80 and lead bytes F5..FF)
 * are invalid, as are truncated sequences and continuation bytes without a lead.
 *
 * Replacement policy (utf8.c): an invalid lead byte together with the continuation bytes that
 * follow it becomes ONE U+FFFD, so "C0 80" and "ED A0 80" count one replacement each. (The
 * Unicode "maximal subpart" practice, which utf8.c's comment names, would give 2 and 3: see
 * test_repair_counts.)
 */
#include "vb_test.h"

#include "vb_internal.h"

#define S(lit) (lit), (sizeof(lit) - 1)

static const char FFFD[] = "\xEF\xBF\xBD";

/* ---- vb__utf8_decode ---- */

static void expect_decode(const char *s, size_t len, int32_t cp, size_t adv) {
  size_t got_adv = 99;
  int32_t got = vb__utf8_decode((const unsigned char *)s, len, &got_adv);
  assert_int_equal(got, cp);
  assert_int_equal(got_adv, adv);
}

static void test_decode_valid(void **state) {
  (void)state;
  expect_decode(S("A"), 'A', 1);
  expect_decode(S("\x7F"), 0x7F, 1);
  expect_decode(S("\xC2\x80"), 0x80, 2);  /* smallest two-byte form */
  expect_decode(S("\xC3\xA5"), 0xE5, 2);  /* å */
  expect_decode(S("\xC3\xB8"), 0xF8, 2);  /* ø */
  expect_decode(S("\xD7\xA9"), 0x5E9, 2); /* ש */
  expect_decode(S("\xDF\xBF"), 0x7FF, 2);
  expect_decode(S("\xE0\xA0\x80"), 0x800, 3);  /* smallest three-byte form */
  expect_decode(S("\xE2\x82\xAC"), 0x20AC, 3); /* € */
  expect_decode(S("\xED\x9F\xBF"), 0xD7FF, 3); /* just below the surrogates */
  expect_decode(S("\xEE\x80\x80"), 0xE000, 3); /* just above them */
  expect_decode(S("\xEF\xBF\xBD"), 0xFFFD, 3);
  expect_decode(S("\xF0\x90\x80\x80"), 0x10000, 4);
  expect_decode(S("\xF0\x9F\x91\x8D"), 0x1F44D, 4); /* 👍 */
  expect_decode(S("\xF4\x8F\xBF\xBF"), 0x10FFFF, 4);
  /* only the first code point is decoded */
  expect_decode(S("\xC3\xA5xyz"), 0xE5, 2);
}

static void test_decode_invalid(void **state) {
  (void)state;
  /* overlong forms */
  expect_decode(S("\xC0\x80"), -1, 1);
  expect_decode(S("\xC1\xBF"), -1, 1);
  expect_decode(S("\xE0\x80\x80"), -1, 1);
  expect_decode(S("\xE0\x9F\xBF"), -1, 1); /* U+07FF in three bytes */
  expect_decode(S("\xF0\x80\x80\x80"), -1, 1);
  expect_decode(S("\xF0\x8F\xBF\xBF"), -1, 1); /* U+FFFF in four bytes */
  /* surrogates */
  expect_decode(S("\xED\xA0\x80"), -1, 1); /* U+D800 */
  expect_decode(S("\xED\xBF\xBF"), -1, 1); /* U+DFFF */
  /* above U+10FFFF */
  expect_decode(S("\xF4\x90\x80\x80"), -1, 1);
  expect_decode(S("\xF5\x80\x80\x80"), -1, 1);
  expect_decode(S("\xF7\xBF\xBF\xBF"), -1, 1);
  expect_decode(S("\xF8\x88\x80\x80\x80"), -1, 1); /* old five-byte form */
  expect_decode(S("\xFE"), -1, 1);
  expect_decode(S("\xFF"), -1, 1);
  /* lone continuation bytes */
  expect_decode(S("\x80"), -1, 1);
  expect_decode(S("\xBF"), -1, 1);
  /* a lead byte followed by a non-continuation */
  expect_decode(S("\xC3\x41"), -1, 1);
  expect_decode(S("\xE2\x82\x41"), -1, 1);
  expect_decode(S("\xF0\x9F\x91\x41"), -1, 1);
  /* truncated: the length given ends inside the sequence */
  expect_decode("\xE2\x82\xAC", 2, -1, 1);
  expect_decode("\xF0\x9F\x91\x8D", 3, -1, 1);
  expect_decode("\xC3\xA5", 1, -1, 1);
}

static void test_encode_roundtrip_all_code_points(void **state) {
  (void)state;
  char buf[4];
  size_t n_checked = 0;
  for (int32_t cp = 0; cp <= 0x10FFFF; cp++) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    size_t n = vb__utf8_encode(cp, buf);
    size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (n != want) fail_msg("U+%04X encoded in %zu bytes, expected %zu", (unsigned)cp, n, want);
    size_t adv;
    int32_t back = vb__utf8_decode((const unsigned char *)buf, n, &adv);
    if (back != cp || adv != n)
      fail_msg("U+%04X decoded as %d (%zu bytes)", (unsigned)cp, (int)back, adv);
    if (vb_utf8_check(buf, n) != n) fail_msg("U+%04X rejected by vb_utf8_check", (unsigned)cp);
    n_checked++;
  }
  assert_int_equal(n_checked, 0x110000 - 0x800);
}

/* ---- vb_utf8_check ---- */

static void test_check_valid_languages(void **state) {
  (void)state;
  static const char *const texts[] = {
      "The delivery was late again, but support was great :-)",
      "Leveransen var jättebra! Kundtjänsten svarade inom två timmar. ÅÄÖ åäö",
      "Pakken kom for sent, men personalet var søde. Æblerne og ølen: æøå ÆØÅ",
      "המשלוח הגיע באיחור של שבוע, אבל השירות היה מצוין. צה\"ל, דו\"ח, צ'יפס",
      "שָׁלוֹם ־ מקף", /* niqqud and maqaf */
      "Emoji 👍🏽 👨‍👩‍👧 🇸🇪 ❤️ fullwidth ＡＢＣ",
      "",
  };
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    size_t n = strlen(texts[i]);
    assert_int_equal(vb_utf8_check(texts[i], n), n);
  }
  /* NUL is valid UTF-8 */
  assert_int_equal(vb_utf8_check("a\0b", 3), 3);
}

static void test_check_reports_first_bad_offset(void **state) {
  (void)state;
  assert_int_equal(vb_utf8_check(S("abc\xC0\x80"
                                   "def")),
                   3);
  assert_int_equal(vb_utf8_check(S("\xE0\x80\x80")), 0);
  assert_int_equal(vb_utf8_check(S("x\xED\xA0\x80")), 1);
  assert_int_equal(vb_utf8_check(S("xy\xF4\x90\x80\x80")), 2);
  assert_int_equal(vb_utf8_check(S("\x80"
                                   "abc")),
                   0);
  assert_int_equal(vb_utf8_check(S("åäö\xBF")), 6);
  /* truncated at the end */
  assert_int_equal(vb_utf8_check(S("ok \xE2\x82")), 3);
  assert_int_equal(vb_utf8_check(S("ok \xF0\x9F\x91")), 3);
  assert_int_equal(vb_utf8_check(S("ok \xC3")), 3);
  /* the first of several */
  assert_int_equal(vb_utf8_check(S("a\xFF"
                                   "b\xFE")),
                   1);
  /* around the eight-byte ASCII fast path: bad bytes at 7, 8, 15, 16 and 17 */
  char buf[40];
  for (size_t at = 0; at < 33; at++) {
    memset(buf, 'a', sizeof buf);
    buf[at] = (char)0xFF;
    assert_int_equal(vb_utf8_check(buf, sizeof buf), at);
    buf[at] = (char)0xC3; /* a valid two-byte sequence there is fine */
    buf[at + 1] = (char)0xA5;
    assert_int_equal(vb_utf8_check(buf, sizeof buf), sizeof buf);
  }
  /* the length is respected: a valid sequence cut by len is invalid */
  assert_int_equal(vb_utf8_check("ab\xC3\xA5", 3), 2);
}

/* vb_utf8_check against its definition (the first offset where vb__utf8_decode fails) on
 * random texts of ASCII, two-, three- and four-byte characters and invalid bytes, cut at
 * random lengths: its words of ASCII and two-byte characters and its byte-by-byte stretches
 * must agree with it anywhere (sequences split between words, C0 and C1 leads, stray
 * continuation bytes). */
static size_t check_ref(const char *s, size_t len) {
  size_t i = 0, adv;
  while (i < len) {
    if (vb__utf8_decode((const unsigned char *)s + i, len - i, &adv) < 0) return i;
    i += adv;
  }
  return len;
}

static void test_check_random_texts(void **state) {
  (void)state;
  static const char *const frags[] = {"a", "b", " ", ".", "\xc3\xa5", "\xd7\x90", "\xc2\xa0",
                                      "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x80", "\xc0\x80",
                                      "\xff", "\xed\xa0\x80", "\xc3", "\xe2\x82", "\xf4\x90\x80\x80"};
  uint64_t x = 0x9E3779B97F4A7C15ull;
  char buf[512]; /* at most 93 fragments of 4 bytes */
  for (int t = 0; t < 30000; t++) {
    size_t n = 0;
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    size_t n_frags = (size_t)(x >> 59) * 3, bad_every = 8 + (size_t)((x >> 40) % 64);
    for (size_t k = 0; k < n_frags; k++) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      size_t r = (size_t)(x >> 33);
      const char *f = frags[r % bad_every == 0 ? 9 + r / 64 % 7 : r / 64 % 9];
      size_t fl = strlen(f);
      memcpy(buf + n, f, fl);
      n += fl;
    }
    size_t cut = (size_t)(x >> 20) % (n + 1);
    assert_int_equal(vb_utf8_check(buf, n), check_ref(buf, n));
    assert_int_equal(vb_utf8_check(buf, cut), check_ref(buf, cut));
  }
}

/* ---- vb_utf8_repair ---- */

static size_t repair(const char *s, size_t len, char *out, size_t *bad) {
  size_t cap = 3 * len + 1;
  size_t n = vb_utf8_repair(s, len, out, cap, bad);
  assert_true(n <= cap);
  assert_int_equal(vb_utf8_check(out, n), n); /* the output is always valid */
  return n;
}

static void test_repair_valid_unchanged(void **state) {
  (void)state;
  static const char *const texts[] = {"Kundtjänsten var jättebra", "Kæmpe god service, æøå",
                                      "השירות היה מצוין, דו\"ח",
                                      "Great 👍🏽 👨‍👩‍👧 🇸🇪 ❤️",
                                      "plain ascii text that is longer than eight bytes"};
  char out[256];
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    size_t len = strlen(texts[i]), bad = 99;
    size_t n = repair(texts[i], len, out, &bad);
    assert_int_equal(bad, 0);
    assert_int_equal(n, len);
    assert_memory_equal(out, texts[i], len);
  }
}

static void expect_repair(const char *s, size_t len, const char *want, size_t want_bad) {
  char out[256];
  size_t bad = 99;
  size_t n = repair(s, len, out, &bad);
  assert_span(out, n, want);
  assert_int_equal(bad, want_bad);
}

static void test_repair_counts(void **state) {
  (void)state;
  char want[64];
  /* overlong */
  snprintf(want, sizeof want, "a%sb", FFFD);
  expect_repair(S("a\xC0\x80"
                  "b"),
                want, 1);
  expect_repair(S("a\xE0\x80\x80"
                  "b"),
                want, 1);
  /* surrogate */
  expect_repair(S("a\xED\xA0\x80"
                  "b"),
                want, 1);
  /* above U+10FFFF */
  expect_repair(S("a\xF4\x90\x80\x80"
                  "b"),
                want, 1);
  /* lone continuation bytes: a run of them is one replacement */
  expect_repair(S("a\x80"
                  "b"),
                want, 1);
  expect_repair(S("a\x80\xBF\x80"
                  "b"),
                want, 1);
  /* a lead byte followed by a non-continuation: the next character survives */
  snprintf(want, sizeof want, "%sA", FFFD);
  expect_repair(S("\xC3"
                  "A"),
                want, 1);
  snprintf(want, sizeof want, "%s\xE2\x82\xAC", FFFD);
  expect_repair(S("\xE2\x82\xE2\x82\xAC"), want, 1); /* truncated €, then € */
  /* truncated at the end */
  snprintf(want, sizeof want, "ok%s", FFFD);
  expect_repair(S("ok\xF0\x9F\x91"), want, 1);
  expect_repair(S("ok\xE2\x82"), want, 1);
  expect_repair(S("ok\xC3"), want, 1);
  /* several independent ones */
  snprintf(want, sizeof want, "%s x %s y %s", FFFD, FFFD, FFFD);
  expect_repair(S("\xFF x \xFE y \xC0"), want, 3);
  /* two encoded surrogates (CESU-8 pair) */
  snprintf(want, sizeof want, "%s%s", FFFD, FFFD);
  expect_repair(S("\xED\xA0\xBD\xED\xB1\x8D"), want, 2);
  /* a valid character, then stray continuation bytes */
  snprintf(want, sizeof want, "\xC3\xA5%s", FFFD);
  expect_repair(S("\xC3\xA5\x80\x80"), want, 1);
  /* Hebrew with one bad byte in the middle */
  snprintf(want, sizeof want, "\xD7\xA9%s\xD7\x9C", FFFD);
  expect_repair(S("\xD7\xA9\xFF\xD7\x9C"), want, 1);
  /* empty */
  expect_repair("", 0, "", 0);
}

static void test_repair_null_count_and_capacity(void **state) {
  (void)state;
  char out[16];
  /* n_bad may be NULL */
  size_t n = vb_utf8_repair(S("a\xFF"
                              "b"),
                            out, sizeof out, NULL);
  assert_int_equal(n, 5);
  /* the worst case, every byte invalid and separated, fits in exactly 3 * len */
  const char worst[] = "\xFF\xFE\xFF\xFE\xFF";
  char big[15];
  size_t bad = 0;
  n = vb_utf8_repair(worst, 5, big, sizeof big, &bad);
  assert_int_equal(n, 15);
  assert_int_equal(bad, 5);
  for (size_t i = 0; i < 5; i++)
    assert_memory_equal(big + 3 * i, FFFD, 3);
  /* a too small buffer is never overrun */
  char small[8];
  memset(small, 'Z', sizeof small);
  n = vb_utf8_repair(worst, 5, small, 7, &bad);
  assert_true(n <= 7);
  assert_int_equal(small[7], 'Z');
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_decode_valid),
      cmocka_unit_test(test_decode_invalid),
      cmocka_unit_test(test_encode_roundtrip_all_code_points),
      cmocka_unit_test(test_check_valid_languages),
      cmocka_unit_test(test_check_reports_first_bad_offset),
      cmocka_unit_test(test_check_random_texts),
      cmocka_unit_test(test_repair_valid_unchanged),
      cmocka_unit_test(test_repair_counts),
      cmocka_unit_test(test_repair_null_count_and_capacity),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
