/*
 * test_tokenize.c - vb__tokenize: token types, flags and exact byte spans.
 *
 * check_tokens() walks the text with the expected surfaces: each token must start exactly
 * where the previous one ended plus any ASCII blanks, and span exactly the bytes of its
 * expected surface, so every offset is pinned down (including right-to-left Hebrew, where a
 * few offsets are also asserted as numbers).
 */
#include <utf8proc.h>

#include "vb_test.h"

#include "vb_text.h"

enum {
  W = VB_TOK_WORD,
  N = VB_TOK_NUMBER,
  E = VB_TOK_EMOJI,
  EMO = VB_TOK_EMOTICON,
  URL = VB_TOK_URL,
  MAIL = VB_TOK_EMAIL,
  AT = VB_TOK_MENTION,
  TAG = VB_TOK_HASHTAG,
  P = VB_TOK_PUNCT
};
enum { CAPS = VB_TOKF_CAPS, LONG = VB_TOKF_ELONGATED };

typedef struct {
  const char *surface;
  int type;
  unsigned flags;
} xtok;

static const char *type_name(int t) {
  static const char *const names[] = {"word",  "number",  "emoji",   "emoticon", "url",
                                      "email", "mention", "hashtag", "punct"};
  return t >= 0 && t < 9 ? names[t] : "?";
}

static void dump(const char *text, const vb__toks *t) {
  for (size_t i = 0; i < t->n; i++)
    print_message("  [%zu,%zu) %s flags=%u '%.*s'\n", t->v[i].start, t->v[i].end,
                  type_name(t->v[i].type), t->v[i].flags, (int)(t->v[i].end - t->v[i].start),
                  text + t->v[i].start);
}

static void check_tokens_(const char *text, const xtok *x, size_t nx, const char *file, int line) {
  vb__toks t = {0};
  size_t len = strlen(text);
  if (vb__tokenize(text, len, &t) != VB_OK) {
    print_error("vb__tokenize failed on \"%s\"\n", text);
    _fail(file, line);
  }
  bool ok = t.n == nx;
  size_t pos = 0;
  for (size_t i = 0; ok && i < nx; i++) {
    while (pos < len && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n'))
      pos++;
    size_t sl = strlen(x[i].surface);
    if (t.v[i].start != pos || t.v[i].end != pos + sl ||
        memcmp(text + pos, x[i].surface, sl) != 0 || t.v[i].type != x[i].type ||
        (t.v[i].flags & ~VB__TOKF_LINE) != x[i].flags) { /* test_line_breaks() */
      print_error("token %zu: expected [%zu,%zu) %s flags=%u '%s'\n", i, pos, pos + sl,
                  type_name(x[i].type), x[i].flags, x[i].surface);
      ok = false;
    }
    pos += sl;
  }
  if (ok) {
    while (pos < len && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n'))
      pos++;
    if (pos != len) {
      print_error("text left over after the last expected token at %zu\n", pos);
      ok = false;
    }
  }
  if (!ok) {
    print_error("\"%s\": %zu tokens (expected %zu):\n", text, t.n, nx);
    dump(text, &t);
    vb__free(t.v);
    _fail(file, line);
  }
  vb__free(t.v);
}
#define check_tokens(text, ...)                                                                    \
  do {                                                                                             \
    const xtok x_[] = {__VA_ARGS__};                                                               \
    check_tokens_((text), x_, sizeof x_ / sizeof x_[0], __FILE__, __LINE__);                       \
  } while (0)

/* ---- English ---- */

static void test_english_words(void **state) {
  (void)state;
  check_tokens("I don't like the wi-fi", {"I", W, 0}, {"don't", W, 0}, {"like", W, 0},
               {"the", W, 0}, {"wi-fi", W, 0});
  /* a typographic apostrophe joins too */
  check_tokens("don\xE2\x80\x99t", {"don\xE2\x80\x99t", W, 0});
  /* and so do the acute accent and the other characters typed for one */
  check_tokens("I don\xC2\xB4t", {"I", W, 0}, {"don\xC2\xB4t", W, 0});
  check_tokens("it\xE2\x80\x98s ok", {"it\xE2\x80\x98s", W, 0}, {"ok", W, 0});
  check_tokens("can\xEF\xBC\x87t", {"can\xEF\xBC\x87t", W, 0});
  /* but not at a word's end, nor as an opening quote */
  check_tokens("the users\xC2\xB4 view", {"the", W, 0}, {"users", W, 0}, {"\xC2\xB4", P, 0},
               {"view", W, 0});
  /* an apostrophe or hyphen not followed by a letter does not */
  check_tokens("the users' view - ok", {"the", W, 0}, {"users", W, 0}, {"'", P, 0}, {"view", W, 0},
               {"-", P, 0}, {"ok", W, 0});
  /* digits glued to letters make a word */
  check_tokens("3rd 4g", {"3rd", W, 0}, {"4g", W, 0});
}

static void test_english_numbers(void **state) {
  (void)state;
  check_tokens("24/7 support", {"24/7", N, 0}, {"support", W, 0});
  check_tokens("8,5 of 10", {"8,5", N, 0}, {"of", W, 0}, {"10", N, 0});
  check_tokens("2-3 days, 10:30, 1.000.000", {"2-3", N, 0}, {"days", W, 0}, {",", P, 0},
               {"10:30", N, 0}, {",", P, 0}, {"1.000.000", N, 0});
  /* a separator not followed by a digit ends the number */
  check_tokens("10, 5.", {"10", N, 0}, {",", P, 0}, {"5", N, 0}, {".", P, 0});
  /* a leading sign is punctuation */
  check_tokens("-5", {"-", P, 0}, {"5", N, 0});
}

static void test_urls(void **state) {
  (void)state;
  /* trailing sentence punctuation is not part of the URL */
  check_tokens("see https://example.com/a?b=1. now", {"see", W, 0},
               {"https://example.com/a?b=1", URL, 0}, {".", P, 0}, {"now", W, 0});
  check_tokens("(www.test.se/x),", {"(", P, 0}, {"www.test.se/x", URL, 0}, {")", P, 0},
               {",", P, 0});
  check_tokens("http://a.b/c?! x", {"http://a.b/c", URL, 0}, {"?!", P, 0}, {"x", W, 0});
  check_tokens("WWW.EXAMPLE.COM", {"WWW.EXAMPLE.COM", URL, 0});
  /* non-ASCII inside a URL is kept; an emoji ends it */
  check_tokens("http://a.b/\xC3\xBC\xF0\x9F\x91\x8D", {"http://a.b/\xC3\xBC", URL, 0},
               {"\xF0\x9F\x91\x8D", E, 0});
  /* a scheme with nothing after it is not a URL */
  check_tokens("http://", {"http", W, 0}, {":", P, 0}, {"/", P, 0}, {"/", P, 0});
}

static void test_email_mention_hashtag(void **state) {
  (void)state;
  check_tokens("mail anna.b@example.co.uk.", {"mail", W, 0}, {"anna.b@example.co.uk", MAIL, 0},
               {".", P, 0});
  check_tokens("@anna_b thanks", {"@anna_b", AT, 0}, {"thanks", W, 0});
  check_tokens("#fail #wifi2", {"#fail", TAG, 0}, {"#wifi2", TAG, 0});
  /* a tag in any script */
  check_tokens("#\xD7\xA9\xD7\x99\xD7\xA8\xD7\x95\xD7\xAA",
               {"#\xD7\xA9\xD7\x99\xD7\xA8\xD7\x95\xD7\xAA", TAG, 0});
  /* "#1" is not a hashtag; a lone sign is punctuation */
  check_tokens("#1 @ #", {"#", P, 0}, {"1", N, 0}, {"@", P, 0}, {"#", P, 0});
  /* no dot in the domain: not an e-mail address */
  check_tokens("x@y", {"x", W, 0}, {"@y", AT, 0});
}

static void test_emoticons(void **state) {
  (void)state;
  check_tokens(":-) :( :'( ;) :D XD", {":-)", EMO, 0}, {":(", EMO, 0}, {":'(", EMO, 0},
               {";)", EMO, 0}, {":D", EMO, 0}, {"XD", EMO, 0});
  check_tokens("I <3 it", {"I", W, 0}, {"<3", EMO, 0}, {"it", W, 0});
  /* <3 may follow a word directly; other emoticons must follow a blank, ( or " */
  check_tokens("love<3", {"love", W, 0}, {"<3", EMO, 0});
  check_tokens("(:-)", {"(", P, 0}, {":-)", EMO, 0});
  check_tokens("hello:)", {"hello", W, 0}, {":", P, 0}, {")", P, 0});
  /* longest match first */
  check_tokens(":-))", {":-))", EMO, 0});
  /* an emoticon must not run into a letter or digit: ":Dx" is not ":D" */
  check_tokens(":Dx", {":", P, 0}, {"Dx", W, 0});
  /* the other emoticons of emoji.tsv, also those that begin with a letter or a digit */
  check_tokens("=/ :\\ D: x_x T_T o_O 8-) \\o/ (y) ):", {"=/", EMO, 0}, {":\\", EMO, 0},
               {"D:", EMO, 0}, {"x_x", EMO, 0}, {"T_T", EMO, 0}, {"o_O", EMO, 0}, {"8-)", EMO, 0},
               {"\\o/", EMO, 0}, {"(y)", EMO, 0}, {"):", EMO, 0});
  /* but not inside words, paths and times: "Dx", "D:\\", "o'clock", "8-10" */
  check_tokens("D:\\x Do o'clock 8-10", {"D", W, 0}, {":", P, 0}, {"\\", P, 0}, {"x", W, 0},
               {"Do", W, 0}, {"o'clock", W, 0}, {"8-10", N, 0});
}

static void test_elongation_and_caps(void **state) {
  (void)state;
  check_tokens("!!! !! ?!? ... sooooo soo", {"!!!", P, LONG}, {"!!", P, 0}, {"?!?", P, LONG},
               {"...", P, LONG}, {"sooooo", W, LONG}, {"soo", W, 0});
  check_tokens("GREAT OK ok A I'M", {"GREAT", W, CAPS}, {"OK", W, CAPS}, {"ok", W, 0}, {"A", W, 0},
               {"I'M", W, CAPS});
  check_tokens("GREAT!!!", {"GREAT", W, CAPS}, {"!!!", P, LONG});
  check_tokens("SOOOO", {"SOOOO", W, CAPS | LONG});
  /* mixed case is not caps; a digit run is not elongation */
  check_tokens("GrEAT abc111", {"GrEAT", W, 0}, {"abc111", W, 0});
}

/* ---- Swedish and Danish ---- */

static void test_swedish(void **state) {
  (void)state;
  check_tokens("Skicka e-post till kundtjänsten", {"Skicka", W, 0}, {"e-post", W, 0},
               {"till", W, 0}, {"kundtjänsten", W, 0});
  check_tokens("jättebra!!", {"jättebra", W, 0}, {"!!", P, 0});
  check_tokens("ÅÄÖ åäö", {"ÅÄÖ", W, CAPS}, {"åäö", W, 0});
  check_tokens("8,5 av 10", {"8,5", N, 0}, {"av", W, 0}, {"10", N, 0});
  /* byte offsets count bytes: "kundtjänsten" is 13 bytes */
  vb__toks t = {0};
  const char *s = "x kundtjänsten.";
  assert_int_equal(vb__tokenize(s, strlen(s), &t), VB_OK);
  assert_int_equal(t.n, 3);
  assert_int_equal(t.v[1].start, 2);
  assert_int_equal(t.v[1].end, 15);
  assert_int_equal(t.v[2].start, 15);
  vb__free(t.v);
}

static void test_danish(void **state) {
  (void)state;
  check_tokens("æøå ÆØÅ Kæmpe god service", {"æøå", W, 0}, {"ÆØÅ", W, CAPS}, {"Kæmpe", W, 0},
               {"god", W, 0}, {"service", W, 0});
}

/* ---- Hebrew ---- */

static void test_hebrew_gershayim_geresh(void **state) {
  (void)state;
  /* acronyms with " between two Hebrew letters stay whole */
  check_tokens("צה\"ל דו\"ח", {"צה\"ל", W, 0}, {"דו\"ח", W, 0});
  /* also with the real gershayim U+05F4 */
  check_tokens("צה\xD7\xB4ל", {"צה\xD7\xB4ל", W, 0});
  /* a geresh after צ inside and after ג at the end belongs to the word */
  check_tokens("צ'יפס ג'", {"צ'יפס", W, 0}, {"ג'", W, 0});
  /* inside a word any apostrophe character does, but at the end only ' and the geresh: a
   * typographic one there mostly closes a quote */
  check_tokens("צ\xE2\x80\x99יפס אני שמח\xE2\x80\x99", {"צ\xE2\x80\x99יפס", W, 0}, {"אני", W, 0},
               {"שמח", W, 0}, {"\xE2\x80\x99", P, 0});
  /* a quoted word is split from its quotes */
  check_tokens("\"בדיוק\"", {"\"", P, 0}, {"בדיוק", W, 0}, {"\"", P, 0});
  check_tokens("אמר \"בדיוק\".", {"אמר", W, 0}, {"\"", P, 0}, {"בדיוק", W, 0}, {"\"", P, 0},
               {".", P, 0});
  /* an apostrophe after another letter at the end is a closing quote */
  check_tokens("שלום'", {"שלום", W, 0}, {"'", P, 0});
}

static void test_hebrew_maqaf_and_offsets(void **state) {
  (void)state;
  /* maqaf U+05BE is a hyphen: it splits */
  check_tokens("חדר־אוכל", {"חדר", W, 0}, {"־", P, 0}, {"אוכל", W, 0});
  /* niqqud marks stay inside the word */
  check_tokens("שָׁלוֹם עולם", {"שָׁלוֹם", W, 0}, {"עולם", W, 0});
  /* right-to-left text: offsets are logical byte offsets, every letter two bytes */
  const char *s = "המשלוח איחר, צה\"ל!";
  vb__toks t = {0};
  assert_int_equal(vb__tokenize(s, strlen(s), &t), VB_OK);
  assert_int_equal(t.n, 5);
  assert_int_equal(t.v[0].start, 0); /* המשלוח: 6 letters */
  assert_int_equal(t.v[0].end, 12);
  assert_int_equal(t.v[1].start, 13); /* איחר */
  assert_int_equal(t.v[1].end, 21);
  assert_int_equal(t.v[2].start, 21); /* , */
  assert_int_equal(t.v[2].end, 22);
  assert_int_equal(t.v[3].start, 23); /* צה"ל: 3 letters + 1 quote = 7 bytes */
  assert_int_equal(t.v[3].end, 30);
  assert_int_equal(t.v[4].start, 30); /* ! */
  assert_int_equal(t.v[4].end, 31);
  assert_int_equal(t.v[4].type, P);
  vb__free(t.v);
  t = (vb__toks){0};
  /* direction marks are blanks: RLM (3 bytes) then a word from byte 3 */
  s = "\xE2\x80\x8F"
      "שלום";
  assert_int_equal(vb__tokenize(s, strlen(s), &t), VB_OK);
  assert_int_equal(t.n, 1);
  assert_int_equal(t.v[0].start, 3);
  assert_int_equal(t.v[0].end, 11);
  vb__free(t.v);
}

/* ---- emoji ---- */

static void test_emoji_sequences(void **state) {
  (void)state;
  /* skin tone: one token of 8 bytes */
  check_tokens("👍🏽", {"👍🏽", E, 0});
  /* ZWJ family: man ZWJ woman ZWJ girl, 4 + 3 + 4 + 3 + 4 = 18 bytes */
  check_tokens("👨‍👩‍👧", {"👨‍👩‍👧", E, 0});
  /* flags: a regional-indicator pair each */
  check_tokens("🇸🇪", {"🇸🇪", E, 0});
  check_tokens("🇸🇪🇩🇰", {"🇸🇪", E, 0}, {"🇩🇰", E, 0});
  /* heart with variation selector 16: 6 bytes */
  check_tokens("❤️", {"❤️", E, 0});
  /* repeated emoji are separate tokens; emoji split from words */
  check_tokens("bra👍👍 ok", {"bra", W, 0}, {"👍", E, 0}, {"👍", E, 0}, {"ok", W, 0});
  /* exact spans */
  const char *s = "Tack 👍🏽 👨‍👩‍👧 🇸🇪 ❤️!";
  vb__toks t = {0};
  assert_int_equal(vb__tokenize(s, strlen(s), &t), VB_OK);
  assert_int_equal(t.n, 6);
  assert_int_equal(t.v[1].start, 5);
  assert_int_equal(t.v[1].end, 13);
  assert_int_equal(t.v[2].start, 14);
  assert_int_equal(t.v[2].end, 32);
  assert_int_equal(t.v[3].start, 33);
  assert_int_equal(t.v[3].end, 41);
  assert_int_equal(t.v[4].start, 42);
  assert_int_equal(t.v[4].end, 48);
  assert_int_equal(t.v[5].type, P);
  vb__free(t.v);
}

static void test_emoji_keycap(void **state) {
  (void)state;
  /* tokenize.c's match_emoji claims keycaps (digit, # or * + FE0F + 20E3) as one emoji, but a
   * keycap starts with an ASCII digit or '#', which never reaches match_emoji: "1️⃣" becomes
   * a WORD (FE0F and 20E3 count as letters, being marks) and "#️⃣" a HASHTAG. */
  vb__toks t = {0};
  const char *s = "1\xEF\xB8\x8F\xE2\x83\xA3 #\xEF\xB8\x8F\xE2\x83\xA3";
  assert_int_equal(vb__tokenize(s, strlen(s), &t), VB_OK);
  assert_int_equal(t.n, 2); /* one token each, whatever the type */
  assert_int_equal(t.v[0].end, 7);
  assert_int_equal(t.v[0].type, E);
  assert_int_equal(t.v[1].type, E);
  vb__free(t.v);
}

static void test_emoticon_after_non_ascii_letter(void **state) {
  (void)state;
  /* match_emoticon tests the BYTE before the emoticon with is_space(), which reads byte 0xA0
   * (the last byte of à, of Hebrew נ ...) as U+00A0 NO-BREAK SPACE: so "voilà:)" gives an
   * emoticon while "hello:)" does not. */
  check_tokens("hello:)", {"hello", W, 0}, {":", P, 0}, {")", P, 0});
  check_tokens("voilà:)", {"voilà", W, 0}, {":", P, 0}, {")", P, 0});
}

/* ---- invariants ---- */

static void test_blanks_and_reuse(void **state) {
  (void)state;
  vb__toks t = {0};
  assert_int_equal(vb__tokenize("", 0, &t), VB_OK);
  assert_int_equal(t.n, 0);
  assert_int_equal(vb__tokenize(" \t\r\n ", 5, &t), VB_OK);
  assert_int_equal(t.n, 0);
  /* NBSP, zero-width space and newlines separate words */
  const char *s = "a\xC2\xA0"
                  "b\xE2\x80\x8B"
                  "c\nd";
  assert_int_equal(vb__tokenize(s, strlen(s), &t), VB_OK);
  assert_int_equal(t.n, 4);
  assert_int_equal(t.v[1].start, 3);
  assert_int_equal(t.v[2].start, 7);
  assert_int_equal(t.v[3].start, 9);
  /* the output is emptied first, not appended to */
  assert_int_equal(vb__tokenize("one", 3, &t), VB_OK);
  assert_int_equal(t.n, 1);
  /* the length is respected (no NUL needed) */
  assert_int_equal(vb__tokenize("one two", 3, &t), VB_OK);
  assert_int_equal(t.n, 1);
  assert_int_equal(t.v[0].end, 3);
  vb__free(t.v);
}

static void test_spans_cover_the_text(void **state) {
  (void)state;
  /* whatever the text, tokens are ordered, non-empty, inside the text, and only blanks lie
   * between them; invalid bytes do not stop the scanner */
  static const char *const texts[] = {
      "Leveransen var sen :( men kundtjänsten var jättebra!!! 👍🏽 https://x.se/a.",
      "Pakken kom for sent; ÆØÅ 24/7 #fail @dk anna@x.dk <3 ...",
      "המשלוח איחר ־ צה\"ל, \"בדיוק\" 😡😡 צ'יפס",
      "bad \xFF bytes \xC3 here \xE2\x82 end",
      "😀😀😀😀 !!!??? ,,,, ---- ____ ''''",
  };
  for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
    vb__toks t = {0};
    const char *s = texts[k];
    size_t len = strlen(s);
    assert_int_equal(vb__tokenize(s, len, &t), VB_OK);
    assert_true(t.n > 0);
    size_t prev = 0;
    for (size_t i = 0; i < t.n; i++) {
      assert_true(t.v[i].start < t.v[i].end);
      assert_true(t.v[i].end <= len);
      assert_true(t.v[i].start >= prev);
      for (size_t b = prev; b < t.v[i].start; b++)
        assert_true(s[b] == ' ' || (unsigned char)s[b] >= 0x80);
      assert_true(t.v[i].type < VB_TOK_TYPE_COUNT);
      prev = t.v[i].end;
    }
    vb__free(t.v);
  }
}

/* VB__TOKF_LINE marks the tokens after a line break (not a carriage return alone, not a
 * line separator), whichever path found them. */
static void test_line_breaks(void **state) {
  (void)state;
  const char *s = "\nfirst line,\n\nsecond!\r\nthird\rsame \xE2\x80\xA8 same\n 3\n:-)\n\n";
  static const unsigned line[] = {1, 0, 0, 1, 0, 1, 0, 0, 1, 1};
  vb__toks t = {0};
  assert_int_equal(vb__tokenize(s, strlen(s), &t), VB_OK);
  assert_int_equal(t.n, sizeof line / sizeof line[0]);
  for (size_t i = 0; i < t.n; i++)
    assert_int_equal((t.v[i].flags & VB__TOKF_LINE) != 0, line[i]);
  vb__free(t.v);
}

/* vb__tokenize_forms() with each word token's flags ORed with vb__word_elongated() of its
 * bytes, as the analyzer does through its forms, must give vb__tokenize()'s tokens; `c` gets
 * them. False at the first token that differs (its index in *at). */
static bool forms_match(const char *text, size_t len, const vb__toks *a, vb__toks *c, size_t *at) {
  assert_int_equal(vb__tokenize_forms(text, len, c), VB_OK);
  *at = 0;
  if (a->n != c->n) return false;
  for (size_t i = 0; i < c->n; i++) {
    vb__tok *t = &c->v[i];
    if (t->type == VB_TOK_WORD && vb__word_elongated(text + t->start, t->end - t->start))
      t->flags |= VB_TOKF_ELONGATED;
    *at = i;
    if (t->start != a->v[i].start || t->end != a->v[i].end || t->type != a->v[i].type ||
        t->flags != a->v[i].flags)
      return false;
  }
  return true;
}

/* The fast path for plain lower-case words must find exactly the tokens the general path
 * finds, and vb__tokenize_forms() with vb__word_elongated() those of vb__tokenize(): random
 * texts built from fragments chosen to sit at its edges (emoticon letters, URL and domain
 * starts, e-mail, abbreviations, elongation, inner apostrophes and hyphens, every kind of word
 * end; words of the general path with three equal letters). */
static void test_plain_word_path_matches_general(void **state) {
  (void)state;
  static const char *const frag[] = {
      "a", "b", "x", "o", "h", "w", "e", "good", "http", "://", "www", "www.", ".", "..", "@",
      "@ab", "xD", "xP", "o_O", "o.O", ":)", ":-(", "<3", "!", "!!!", "?", "?!", "!?.", ")", "(", "\n", "\r\n",
      " ", "  ", "\t", ",", ";", ":", "'", "'s", "-", "_", "\"", "ä", "ø", "ש", "צה\"ל", "1", "24/7",
      "2", "#", "#tag", "A", "Z", "aaa", "sooo", "com", "se", "http://a.se", "lumo.se", "e.g.",
      "dr.", "Dr.", "etc.", "t.ex.", "&lt;3", "&amp;", "8)", "😀", "wi-fi", "don't", "\xE2\x80\x99",
      "The", "I", "A", "Sooo", "B)", "B", "T", "T_T", "D:", "X", "O", "Mr", "No", "U", "S", "Inc",
      "sept", "prof", "A. B", ". ", ".\n", "Www", "HTTP", "Ab", "aB", "I'm", "שלום", "ממממ",
      "ג'", "צ'יפס", "דו\"ח", "\xD7\xB4", "\xD6\xB8", "\xD7\xBE", "ך", ".com", "...", "é",
      "ä", "Ä", "öö", "ååå", "ß", "Æ", "×", "÷", "ø", "\xC3", "\xC3\xBF", "\xC3\x9F", "ñ", "É",
      /* words that begin with an emoticon's letter, inner joiners, e-mail addresses */
      "on", "of", "Of", "The", "Tried", "Do", "Been", "Ok", "xs", "XL", "Xm", "ox", "oD", "xo",
      "8a", "Ta", "it's", "I've", "O'Brien", "d'été", "x-ray", "re-", "-a", "'a", "a'", "a-",
      "a--b", "a''b", "a-B", "a'É", "a'ä", "ab-c@d.se", "on@x.com", "a-b@c.dk", "mail@", "@x",
      "aaa-a", "a-aa", "aa'a", "ää'ä", "äää", "Ääää", "l'", "www-", "http-a", "dr-", "e-g.",
      /* numbers: separators, a letter or emoticon after, keycaps, addresses */
      "12.5", "1,000", "10:30", "3rd", "8-)", "8)", "1\xEF\xB8\x8F\xE2\x83\xA3", "12@x.se", "4g",
      "2-", "7/",
      /* signs that begin emoticons or runs, before a space or not */
      "=", "==", "=)", "-_-", "--", "(y)", "(:", "):", ";)", ":-)", "\"\"", "\n",
      /* colons after words (a URL's "://"), full stops after numbers (an e-mail address) */
      "http:", "https://a.se", "note:", "a:/", "9.", "9.x@y.se", "12.5.", "3.a",
      /* mentions and tags: ASCII, underscores, digits, other scripts */
      "@Lumo_SE", "#lumo2", "#\xC3\x85r", "@\xD7\xA9\xD7\x9C", "#1", "@_", "#a-b",
      /* three equal letters where the general path decides */
      "a.aaa.", "x.xxx", "aaa5", "5aaa", "AAA", "aAAA", "Aaaa", "zzz.se", "ooo@x.se", "\xC3\xA9\xC3\xA9\xC3\xA9",
      "\xD7\xA9\xD7\xA9\xD7\xA9\xD6\xB8", "\xD7\xA9\xD6\xB8\xD7\xA9\xD7\xA9", "aa'aa", "ab-bbb"};
  const size_t nf = sizeof frag / sizeof frag[0];
  uint64_t seed = 0x9E3779B97F4A7C15ULL;
  char buf[512];
  vb__toks a = {0}, b = {0}, c = {0};
  size_t at;
  for (int round = 0; round < 20000; round++) {
    size_t len = 0;
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    int parts = 1 + (int)(seed % 12);
    for (int k = 0; k < parts; k++) {
      seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
      const char *f = frag[seed % nf];
      size_t fl = strlen(f);
      if (len + fl >= sizeof buf) break;
      memcpy(buf + len, f, fl);
      len += fl;
    }
    assert_int_equal(vb__tokenize(buf, len, &a), VB_OK);
    assert_int_equal(vb__tokenize_general(buf, len, &b), VB_OK);
    if (a.n != b.n) fail_msg("token count differs on \"%.*s\"", (int)len, buf);
    for (size_t i = 0; i < a.n; i++)
      if (a.v[i].start != b.v[i].start || a.v[i].end != b.v[i].end ||
          a.v[i].type != b.v[i].type || a.v[i].flags != b.v[i].flags)
        fail_msg("token %zu differs on \"%.*s\"", i, (int)len, buf);
    if (!forms_match(buf, len, &a, &c, &at))
      fail_msg("vb__tokenize_forms: token %zu differs on \"%.*s\"", at, (int)len, buf);
  }
  vb__free(a.v);
  vb__free(b.v);
  vb__free(c.v);
}

/* The fast path's byte classes (tokenize.c plain_class: word starts, joiners, ends): every
 * byte value before, inside, after and between plain words gives the general path's tokens. */
static void test_plain_word_path_every_byte(void **state) {
  (void)state;
  static const char *const shape[] = {"%cab ", "a%cb ", "ab%c", "ab%c c", "ab%cc d", "x%cy",
                                      "o%c", "%c", "%cx ", "\xC3\xA4%cb", "don%ct", "a %c b",
                                      "ab. %c", "Ab%cb", "aaa%caa", "ab\xC3%c", "dr%c x",
                                      "e%cg. x", "lumo%cse", "1%c2 ", "12%c", "8%c)", "%c5 ",
                                      "1.%c", "24%c7", "3%crd", "0%c\xEF\xB8\x8F"};
  vb__toks a = {0}, b = {0}, cf = {0};
  size_t at;
  char buf[32];
  for (size_t k = 0; k < sizeof shape / sizeof shape[0]; k++) {
    for (int c = 1; c < 256; c++) {
      int len = snprintf(buf, sizeof buf, shape[k], c);
      assert_true(len > 0 && len < (int)sizeof buf);
      assert_int_equal(vb__tokenize(buf, (size_t)len, &a), VB_OK);
      assert_int_equal(vb__tokenize_general(buf, (size_t)len, &b), VB_OK);
      if (a.n != b.n) fail_msg("token count differs on \"%s\" (byte %02X)", buf, c);
      for (size_t i = 0; i < a.n; i++)
        if (a.v[i].start != b.v[i].start || a.v[i].end != b.v[i].end ||
            a.v[i].type != b.v[i].type || a.v[i].flags != b.v[i].flags)
          fail_msg("token %zu differs on \"%s\" (byte %02X)", i, buf, c);
      if (!forms_match(buf, (size_t)len, &a, &cf, &at))
        fail_msg("vb__tokenize_forms: token %zu differs on \"%s\" (byte %02X)", at, buf, c);
    }
  }
  vb__free(a.v);
  vb__free(b.v);
  vb__free(cf.v);
}

/* Latin-1's letters, spaces and signs are answered without utf8proc: each character
 * U+0080-00FF between two letters joins them into one word when utf8proc calls it a letter or
 * mark (or it is the acute accent, typed for an apostrophe: "don´t"), splits them without a
 * token of its own when it calls it a space, and is a token of its own otherwise. */
static void test_latin1_classes(void **state) {
  (void)state;
  vb__toks t = {0};
  for (int32_t cp = 0x80; cp <= 0xFF; cp++) {
    char buf[8] = {'a', (char)(0xC0 | cp >> 6), (char)(0x80 | (cp & 0x3F)), 'b'};
    assert_int_equal(vb__tokenize(buf, 4, &t), VB_OK);
    utf8proc_category_t c = utf8proc_category(cp);
    size_t want = (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME) || cp == 0xB4 ? 1
                  : c == UTF8PROC_CATEGORY_ZS                             ? 2
                                                                          : 3;
    if (t.n != want) fail_msg("U+%04X: %zu tokens, want %zu", (unsigned)cp, t.n, want);
  }
  vb__free(t.v);
}

/* Every abbreviation of the tokenizer's list keeps its full stop before a capital; a word
 * that is not one, or is one with a letter more or less, does not. */
static void test_abbreviations(void **state) {
  (void)state;
  static const char *const abbr[] = {
      "dr", "mr", "mrs", "ms", "jr", "sr", "st", "inc", "ltd", "corp", "etc", "vs", "approx",
      "dept", "kr", "ca", "osv", "dvs", "evt", "inkl", "ekskl", "exkl", "nr", "stk", "kl", "resp",
      "ang", "tel", "tlf", "pga", "bl", "hr", "frk", "prof", "mdr", "mrd", "tkr", "jfr", "mht",
      "iflg", "ifm", "vha", "mv", "mm", "fx", "feb", "sept", "oct", "nov", "dec", "aug", "okt"};
  vb__toks t = {0};
  char buf[64];
  for (size_t k = 0; k < sizeof abbr / sizeof abbr[0]; k++) {
    for (int cap = 0; cap < 3; cap++) { /* "dr", "Dr", "DR" */
      int n = snprintf(buf, sizeof buf, "%s. Next", abbr[k]);
      for (size_t q = 0; cap && q < (cap == 1 ? 1 : strlen(abbr[k])); q++)
        buf[q] = (char)(buf[q] - 32);
      assert_int_equal(vb__tokenize(buf, (size_t)n, &t), VB_OK);
      if (t.v[0].end != strlen(abbr[k]) + 1) fail_msg("\"%s\" lost its full stop", buf);
    }
    int n = snprintf(buf, sizeof buf, "%sq. Next", abbr[k]);
    assert_int_equal(vb__tokenize(buf, (size_t)n, &t), VB_OK);
    if (t.v[0].end != strlen(abbr[k]) + 1) fail_msg("\"%s\" kept its full stop", buf);
    if (strlen(abbr[k]) > 2) {
      n = snprintf(buf, sizeof buf, "%.*s. Next", (int)strlen(abbr[k]) - 1, abbr[k]);
      bool other = false; /* "mr" is also the shortening of "mrs" */
      for (size_t q = 0; q < sizeof abbr / sizeof abbr[0]; q++)
        other |= strlen(abbr[q]) == strlen(abbr[k]) - 1 && !strncmp(abbr[q], abbr[k], strlen(abbr[q]));
      assert_int_equal(vb__tokenize(buf, (size_t)n, &t), VB_OK);
      if (!other && t.v[0].end != strlen(abbr[k]) - 1) fail_msg("\"%s\" kept its full stop", buf);
    }
  }
  vb__free(t.v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_english_words),
      cmocka_unit_test(test_english_numbers),
      cmocka_unit_test(test_urls),
      cmocka_unit_test(test_email_mention_hashtag),
      cmocka_unit_test(test_emoticons),
      cmocka_unit_test(test_elongation_and_caps),
      cmocka_unit_test(test_swedish),
      cmocka_unit_test(test_danish),
      cmocka_unit_test(test_hebrew_gershayim_geresh),
      cmocka_unit_test(test_hebrew_maqaf_and_offsets),
      cmocka_unit_test(test_emoji_sequences),
      cmocka_unit_test(test_emoji_keycap),
      cmocka_unit_test(test_emoticon_after_non_ascii_letter),
      cmocka_unit_test(test_blanks_and_reuse),
      cmocka_unit_test(test_spans_cover_the_text),
      cmocka_unit_test(test_line_breaks),
      cmocka_unit_test(test_plain_word_path_matches_general),
      cmocka_unit_test(test_plain_word_path_every_byte),
      cmocka_unit_test(test_latin1_classes),
      cmocka_unit_test(test_abbreviations),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
