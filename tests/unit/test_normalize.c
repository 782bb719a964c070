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

/* ---- the fast path against utf8proc (VB_NORM_UTF8PROC) ---- */

static size_t put_cp(char *o, int32_t cp) { return vb__utf8_encode(cp, o); }

/* Normalises s both ways with `flags` and fails unless the keys are the same bytes. The one
 * character on which the two ways differ, U+00B4 (acute accent; test_acute_accent), is left
 * out. */
static void same_both_ways_(const char *s, size_t len, unsigned flags, const char *file, int line) {
  for (size_t i = 0; i + 1 < len; i++)
    if ((unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xB4) return;
  vb__norm nz = {0};
  vb__buf a = {0}, b = {0};
  int ra = vb__normalize(&nz, s, len, flags, &a);
  int rb = vb__normalize(&nz, s, len, flags | VB_NORM_UTF8PROC, &b);
  if (ra != VB_OK || rb != VB_OK || a.len != b.len || memcmp(a.data, b.data, a.len) != 0) {
    print_error("flags %u: key of \"%.*s\" is \"%.*s\" (fast path), \"%.*s\" (utf8proc)\n", flags,
                (int)len, s, (int)a.len, a.data ? a.data : "", (int)b.len, b.data ? b.data : "");
    _fail(file, line);
  }
  vb__buf_free(&a);
  vb__buf_free(&b);
  vb__norm_free(&nz);
}
#define same_both_ways(s, len, flags) same_both_ways_((s), (len), (flags), __FILE__, __LINE__)

/* ´ (U+00B4) is folded to ' before the fast path's letters are looked at, but utf8proc's
 * compatibility decomposition turns it into a space and U+0301 before the fold can see it: so
 * it becomes ' in a token of fast-path characters and " \xCC\x81" in a token that goes
 * through utf8proc. Keys (and saved states) depend on that, so it is kept as it is. */
static void test_acute_accent(void **state) {
  (void)state;
  key_is("\xC2\xB4", "'");
  key_is("don\xC2\xB4t", "don't");
  key_is("\xD7\xA6\xC2\xB4\xD7\x99\xD7\xA4\xD7\xA1", "\xD7\xA6'\xD7\x99\xD7\xA4\xD7\xA1");
  key_is("\xC2\xB4\xEF\xBC\xA1", " \xCC\x81" "a"); /* with a fullwidth A: utf8proc */
  key_is("e\xCC\x81\xC2\xB4", "\xC3\xA9 \xCC\x81");
}

static void test_fast_path_every_two_byte_cp(void **state) {
  (void)state;
  /* every code point from U+0080 to U+07FF, and the three-byte ones the fast path folds or
   * drops, alone and among letters, finals, points and combining marks */
  static const int32_t extra[] = {0x2018, 0x2019, 0x201B, 0x2032, 0x201C, 0x201D, 0x201F,
                                  0xFF07, 0xFF02, 0xFE0E, 0xFE0F, 0x200B, 0x200D, 0x200E,
                                  0x200F, 0x2026, 0xFB2A, 0x1F44D, 0x1F3FD, 0x212A};
  static const char *const before[] = {"", "a", "A", "\xC3\x89", "\xD7\xA9", "\xD7\x9D",
                                       "e\xCC\x81", "\xD7\xA9\xD7\x81", "x ", "\xC3\x9F"};
  static const char *const after[] = {"", "b", "Z", "\xCC\x81", "\xCC\x88", "\xD6\xB4",
                                      "\xD7\x81", "\xD7\x9F", "\xC3\xA5", "'", "\xE2\x80\x99"};
  size_t n_extra = sizeof extra / sizeof extra[0];
  for (int32_t k = 0; k < 0x800 - 0x80 + (int32_t)n_extra; k++) {
    int32_t cp = k < 0x800 - 0x80 ? 0x80 + k : extra[k - (0x800 - 0x80)];
    for (size_t bi = 0; bi < sizeof before / sizeof before[0]; bi++)
      for (size_t ai = 0; ai < sizeof after / sizeof after[0]; ai++) {
        char s[64];
        size_t n = strlen(before[bi]);
        memcpy(s, before[bi], n);
        n += put_cp(s + n, cp);
        size_t m = strlen(after[ai]);
        memcpy(s + n, after[ai], m);
        n += m;
        same_both_ways(s, n, 0);
        same_both_ways(s, n, VB_NORM_EMOJI);
        n += put_cp(s + n, cp); /* twice */
        same_both_ways(s, n, 0);
      }
  }
}

static uint64_t rng_next(uint64_t *x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

static void test_fast_path_random_text(void **state) {
  (void)state;
  /* 200,000 random words of 1 to 12 characters: mostly letters of our languages, with
   * points, combining marks, quotes and any two-byte character now and then */
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (int t = 0; t < 200000; t++) {
    char s[128];
    size_t n = 0;
    int chars = 1 + (int)(rng_next(&x) % 12);
    for (int c = 0; c < chars; c++) {
      uint64_t r = rng_next(&x);
      int32_t cp;
      switch (r % 10) {
      case 0: case 1: cp = 'A' + (int32_t)((r >> 8) % 58); break;      /* ASCII letters, [\]^_` */
      case 2: cp = 0x20 + (int32_t)((r >> 8) % 0x60); break;          /* any printable ASCII */
      case 3: case 4: cp = 0xA0 + (int32_t)((r >> 8) % 0x60); break;  /* Latin-1 */
      case 5: case 6: cp = 0x5D0 + (int32_t)((r >> 8) % 0x1B); break; /* Hebrew letters */
      case 7: cp = 0x591 + (int32_t)((r >> 8) % 0x64); break;         /* Hebrew points and marks */
      case 8: cp = 0x300 + (int32_t)((r >> 8) % 0x70); break;         /* combining marks */
      default: cp = 0x80 + (int32_t)((r >> 8) % 0x780); break;        /* any two-byte character */
      }
      n += put_cp(s + n, cp);
    }
    same_both_ways(s, n, 0);
    if (t % 8 == 0) same_both_ways(s, n, VB_NORM_EMOJI);
  }
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
      cmocka_unit_test(test_acute_accent),
      cmocka_unit_test(test_fast_path_every_two_byte_cp),
      cmocka_unit_test(test_fast_path_random_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
