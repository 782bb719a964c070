/*
 * test_normalize.c - vb__normalize: lookup keys (NFKC + case folding, Hebrew points removed,
 * Hebrew final letters folded, typographic apostrophes and quotes folded, emoji reduced to
 * their base code point with VB_NORM_EMOJI). Both the fast path (ASCII, Latin-1, plain
 * Hebrew) and the utf8proc path are exercised.
 */
#include "vb_test.h"

#include "vb_text.h"

static void key_is_(const char *in, unsigned flags, const char *want, const char *file, int line) {
  vb__norm nz = {0};
  vb__buf out = {0};
  int rc = vb__normalize(&nz, in, strlen(in), flags, &out);
  if (rc != VB_OK || out.len != strlen(want) || memcmp(out.data, want, out.len) != 0 ||
      out.data[out.len] != '\0') {
    print_error("key of \"%s\" = \"%.*s\" (%zu bytes, rc %d), expected \"%s\" (%zu bytes)\n", in,
                (int)out.len, out.data ? out.data : "", out.len, rc, want, strlen(want));
    vb__buf_free(&out);
    vb__norm_free(&nz);
    _fail(file, line);
  }
  vb__buf_free(&out);
  vb__norm_free(&nz);
}
#define key_is(in, want) key_is_((in), 0, (want), __FILE__, __LINE__)
#define emoji_key_is(in, want) key_is_((in), VB_NORM_EMOJI, (want), __FILE__, __LINE__)

static void test_case_folding(void **state) {
  (void)state;
  key_is("Hello WORLD", "hello world");
  key_is("ÅÄÖ", "åäö");
  key_is("ÆØÅ", "æøå");
  key_is("É", "é");
  key_is("STRASSE", "strasse");
  key_is("ß", "ss");
  key_is("Straße", "strasse");
  key_is("KUNDTJÄNSTEN", "kundtjänsten");
  key_is("123 ABC!", "123 abc!");
  key_is("", "");
}

static void test_nordic_letters_kept(void **state) {
  (void)state;
  /* marks are never stripped outside Hebrew (no "kundtjanst", no "blabar") */
  key_is("kundtjänst", "kundtjänst");
  key_is("blåbär", "blåbär");
  key_is("søde æbler", "søde æbler");
  /* a decomposed ä (a + U+0308) composes to the same key */
  key_is("kundtja\xCC\x88nst", "kundtjänst");
  /* soft hyphen is dropped */
  key_is("kund\xC2\xADtjänst", "kundtjänst");
}

static void test_hebrew_niqqud_and_finals(void **state) {
  (void)state;
  /* shin + qamats + shin dot, lamed, vav + holam, final mem -> שלומ */
  key_is("שָׁלוֹם", "שלומ");
  key_is("שלום", "שלומ");
  /* the five final letters: ך ם ן ף ץ -> כ מ נ פ צ */
  key_is("מלך", "מלכ");
  key_is("אין", "אינ");
  key_is("כסף", "כספ");
  key_is("ארץ", "ארצ");
  key_is("מלכים", "מלכימ");
  /* a final letter inside a word is folded as well (keys never hold final forms) */
  key_is("ךםןףץ", "כמנפצ");
  /* cantillation (U+0591 etnahta) removed */
  key_is("ב\xD6\x91ית", "בית");
  /* maqaf and sof pasuq are punctuation, kept */
  key_is("\xD6\xBE", "\xD6\xBE");
  key_is("\xD7\x83", "\xD7\x83");
  /* a presentation form (U+FB2A shin with shin dot) goes through NFKC: the dot is removed */
  key_is("\xEF\xAC\xAA"
         "לום",
         "שלומ");
  /* direction marks are dropped */
  key_is("\xE2\x80\x8F"
         "שלום",
         "שלומ");
  assert_true(vb__is_hebrew_cp(0x05D0));
  assert_true(vb__is_hebrew_cp(0x05BE));
  assert_false(vb__is_hebrew_cp(0x0600)); /* Arabic */
  assert_false(vb__is_hebrew_cp('a'));
}

static void test_quotes_and_apostrophes(void **state) {
  (void)state;
  key_is("don\xE2\x80\x99t", "don't"); /* ’ */
  key_is("\xE2\x80\x98"
         "x",
         "'x");                                   /* ‘ */
  key_is("\xEF\xBC\x87", "'");                    /* fullwidth ' */
  key_is("צ\xD7\xB3יפס", "צ'יפס");                /* geresh ׳ */
  key_is("צה\xD7\xB4ל", "צה\"ל");                 /* gershayim ״ */
  key_is("\xE2\x80\x9Cok\xE2\x80\x9D", "\"ok\""); /* “ ” */
}

static void test_compatibility_forms(void **state) {
  (void)state;
  key_is("ＡＢＣ", "abc");
  key_is("ｈｅｌｌｏ", "hello");
  key_is("\xEF\xAC\x81ne", "fine"); /* ﬁ ligature */
  key_is("…", "...");
  key_is("x²", "x2");
  /* a mixed token: the whole of it goes through utf8proc, with the same result for the
   * fast-path part */
  key_is("ÅÄÖ ＡＢＣ", "åäö abc");
  key_is("ÅÄÖ\xE2\x80\x99", "åäö'");
}

static void test_emoji_keys(void **state) {
  (void)state;
  /* VB_NORM_EMOJI keeps the base code point */
  emoji_key_is("👍🏽", "👍");
  emoji_key_is("👍", "👍");
  emoji_key_is("❤️", "❤");
  emoji_key_is("🇸🇪", "🇸🇪"); /* a flag is its two regional indicators */
  /* without the flag a skin tone stays (it is part of the text); variation selectors never */
  key_is("👍🏽", "👍🏽");
  key_is("❤️", "❤");
}

static void test_emoji_zwj_sequence(void **state) {
  (void)state;
  /* normalize.c: "ZWJ sequence: its key is its first emoji". utf8proc's UTF8PROC_IGNORE drops
   * U+200D (a default-ignorable) before the ZWJ test runs, so the key of 👨‍👩‍👧 is 👨👩👧
   * (the three emoji glued together), which no emoji table entry can match. */
  vb__norm nz = {0};
  vb__buf out = {0};
  const char *fam = "👨‍👩‍👧";
  assert_int_equal(vb__normalize(&nz, fam, strlen(fam), VB_NORM_EMOJI, &out), VB_OK);
  assert_true(out.len > 0);
  assert_memory_equal(out.data, "👨", 4); /* it starts with the first emoji in any case */
  assert_span(out.data, out.len, "👨");
  vb__buf_free(&out);
  vb__norm_free(&nz);
}

static void test_appends_to_buffer(void **state) {
  (void)state;
  vb__norm nz = {0};
  vb__buf out = {0};
  assert_int_equal(vb__buf_append(&out, "x|", 2), VB_OK);
  assert_int_equal(vb__normalize(&nz, "ÅÄÖ", strlen("ÅÄÖ"), 0, &out), VB_OK);
  assert_int_equal(vb__buf_putc(&out, '|'), VB_OK);
  /* slow path too: the earlier content survives */
  assert_int_equal(vb__normalize(&nz, "ＡＢＣ", strlen("ＡＢＣ"), 0, &out), VB_OK);
  assert_span(out.data, out.len, "x|åäö|abc");
  /* the scratch buffer grows for a long slow-path token and is reused */
  char big[3 * 400 + 1];
  for (int i = 0; i < 400; i++)
    memcpy(big + 3 * i, "\xEF\xBC\xA1", 3); /* Ａ */
  out.len = 0;
  assert_int_equal(vb__normalize(&nz, big, 1200, 0, &out), VB_OK);
  assert_int_equal(out.len, 400);
  for (size_t i = 0; i < out.len; i++)
    assert_int_equal(out.data[i], 'a');
  vb__buf_free(&out);
  vb__norm_free(&nz);
  assert_null(nz.cps);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_case_folding),
      cmocka_unit_test(test_nordic_letters_kept),
      cmocka_unit_test(test_hebrew_niqqud_and_finals),
      cmocka_unit_test(test_quotes_and_apostrophes),
      cmocka_unit_test(test_compatibility_forms),
      cmocka_unit_test(test_emoji_keys),
      cmocka_unit_test(test_emoji_zwj_sequence),
      cmocka_unit_test(test_appends_to_buffer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
