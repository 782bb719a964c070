/*
 * test_utf8.c - vb_utf8_check, vb_utf8_repair, vb__utf8_decode, vb__utf8_encode and
 * vb__file_utf8.
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

/* The offset of the first invalid byte by decoding one character at a time: what
 * vb_utf8_check's fast paths must agree with. */
static size_t check_slowly(const char *s, size_t len) {
  size_t i = 0, adv;
  while (i < len && vb__utf8_decode((const unsigned char *)s + i, len - i, &adv) >= 0) i += adv;
  return i < len ? i : len;
}

/* Random texts from pieces at the edges of the fast paths (ASCII, Hebrew and Latin-1
 * letters, the overlong leads C0 C1, lone continuation and lead bytes, three- and four-byte
 * characters, surrogates), cut at every length. */
static void test_check_matches_decoding(void **state) {
  (void)state;
  static const char *const piece[] = {
      "a", " ", "abcdefgh", "ש", "שלום", "מצוין", "å", "åäö", "\xC0\x80", "\xC1\xBF",
      "\xC2\x80", "\xDF\xBF", "\x80", "\xBF", "\xC3", "\xD7", "\xE2\x80\x99", "€",
      "\xED\xA0\x80", "\xF0\x9F\x91\x8D", "\xF4\x90\x80\x80", "\xFF", "\xD7\xD7",
      "\xD7\x90\xD7", "\xE0\x80\x80"};
  const size_t np = sizeof piece / sizeof piece[0];
  uint64_t seed = 0x2545F4914F6CDD1DULL;
  char buf[96];
  for (int round = 0; round < 20000; round++) {
    size_t len = 0;
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    int parts = 1 + (int)(seed % 16);
    for (int k = 0; k < parts; k++) {
      seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
      /* mostly valid letters, now and then a bad piece */
      size_t q = seed % 8 < 6 ? (seed >> 8) % 8 : (seed >> 8) % np;
      size_t pl = strlen(piece[q]);
      if (len + pl > sizeof buf) break;
      memcpy(buf + len, piece[q], pl);
      len += pl;
    }
    for (size_t cut = 0; cut <= len; cut++) {
      size_t want = check_slowly(buf, cut), got = vb_utf8_check(buf, cut);
      if (got != want) print_error("round %d, %zu bytes: %zu, expected %zu\n", round, cut, got, want);
      assert_int_equal(got, want);
    }
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

/* Our own files (codebooks, lexicons, name lists): the first bad byte's line and column,
 * and the code page named only when the line looks like one. */
static void test_file_utf8(void **state) {
  (void)state;
  vb_error e = {0};
  assert_int_equal(vb__file_utf8("ok.tsv", S("gr\xC3\xB6n\t1\n\xD7\xA9\xD7\x9C\t2\n"), &e),
                   VB_OK);
  /* Swedish in Windows-1252, on line 2 */
  assert_int_equal(vb__file_utf8("sv.tsv", S("ok\t1\nf\xF6rsenad\t-2\n"), &e), VB_EUTF8);
  assert_int_equal(e.line, 2);
  assert_int_equal(e.column, 2);
  assert_string_equal(e.file, "sv.tsv");
  assert_non_null(strstr(e.message, "(byte 0xF6): the file looks like windows-1252"));
  assert_non_null(strstr(e.message, "in Sweden and Denmark; save it as UTF-8"));
  /* Hebrew in Windows-1255: letters side by side */
  memset(&e, 0, sizeof e);
  assert_int_equal(vb__file_utf8("he.tsv", S("\xF9\xEC\xE5\xED\t2\n"), &e), VB_EUTF8);
  assert_non_null(strstr(e.message, "looks like windows-1255"));
  assert_non_null(strstr(e.message, "on a Hebrew system"));
  /* no code page named: a byte no letter of one, or a stray byte beside good UTF-8 */
  const char *const plain[] = {"ok\xFF\t1\n", "gr\xC3\xB6n bl\xE4\t1\n", "\x80x\n"};
  for (size_t i = 0; i < 3; i++) {
    memset(&e, 0, sizeof e);
    assert_int_equal(vb__file_utf8("x", plain[i], strlen(plain[i]), &e), VB_EUTF8);
    assert_non_null(strstr(e.message, "invalid UTF-8 (byte 0x"));
    assert_null(strstr(e.message, "looks like"));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_decode_valid),
      cmocka_unit_test(test_decode_invalid),
      cmocka_unit_test(test_encode_roundtrip_all_code_points),
      cmocka_unit_test(test_check_valid_languages),
      cmocka_unit_test(test_check_reports_first_bad_offset),
      cmocka_unit_test(test_check_matches_decoding),
      cmocka_unit_test(test_repair_valid_unchanged),
      cmocka_unit_test(test_repair_counts),
      cmocka_unit_test(test_repair_null_count_and_capacity),
      cmocka_unit_test(test_file_utf8),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
