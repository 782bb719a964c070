/*
 * test_regex_lit.c - the literal sets a codebook pattern's every match must contain
 * (regex_lit.c), the scan that finds them in a text, and the gate built on both: a pattern
 * skipped on a text must not match it. The property is checked for every pattern of the
 * shipped codebook on the sample corpora (corpora/) and on variants of them written with the
 * characters that caseless Unicode matching treats as equal to ASCII and Latin-1 letters
 * (Kelvin sign, long s, Ångström sign) and with non-ASCII digits; and the analyzer's mentions
 * with the gate must equal those with every pattern run on every text.
 */
#define _XOPEN_SOURCE 700
#include "vb_analyzer.h"
#include "vb_test.h"
#include "vb_test_model.h"

#include <stdio.h>
#include <stdlib.h>

#include "verbatim.h"

/* lits() shows the word boundaries a literal asks for (VB_LIT_B_*) as "<" before it and ">"
 * after it; else it leaves them out. */
static bool show_marks;

/* The requirement of `pattern`: its sets, strongest first, joined with ';', the literals of a
 * set with '|' ("" when the pattern is unfilterable); a run of n digits shows as "\d{n}". */
static const char *lits(const char *pattern) {
  static char out[1024];
  vb__buf b = {0};
  size_t ns;
  uint8_t len[VB_LIT_SETS];
  assert_int_equal(vb__regex_literals(pattern, &b, &ns, len), VB_OK);
  out[0] = '\0';
  const char *p = b.data;
  for (size_t s = 0; s < ns; s++) {
    if (s) strcat(out, ";");
    for (size_t i = 0; i < len[s]; i++, p += strlen(p) + 1) {
      if (i) strcat(out, "|");
      if (p[0] == VB_LIT_DIGIT) {
        size_t n = strlen(p);
        if (n == 1)
          strcat(out, "\\d");
        else
          sprintf(out + strlen(out), "\\d{%zu}", n);
      } else {
        size_t n = strlen(p), o = strlen(out);
        for (size_t q = 0; q < n; q++)
          if (p[q] == VB_LIT_B_BEFORE || p[q] == VB_LIT_B_AFTER) {
            if (show_marks) out[o++] = p[q] == VB_LIT_B_BEFORE ? '<' : '>';
          } else {
            out[o++] = p[q];
          }
        out[o] = '\0';
      }
    }
  }
  vb__buf_free(&b);
  return out;
}

/* The built-in model with the codebook file `path` (and without the default codebook when
 * `alone`). */
static vb_model *codebook_model(const char *path, bool alone) {
  const char *books[] = {path};
  vb_model_options mo = {0};
  mo.codebooks = books;
  mo.n_codebooks = 1;
  mo.no_default_codebook = alone;
  vb_model *m = NULL;
  vb_error err;
  memset(&err, 0, sizeof err);
  int rc = vb_model_load(&mo, &m, &err);
  if (rc) print_error("vb_model_load: %d %s\n", rc, err.message);
  assert_int_equal(rc, VB_OK);
  return m;
}

/* The built-in model (all four languages, the default codebook). */
static vb_model *default_model(void) {
  vb_model *m = NULL;
  vb_error err;
  memset(&err, 0, sizeof err);
  int rc = vb_model_load(NULL, &m, &err);
  if (rc) print_error("vb_model_load: %d %s\n", rc, err.message);
  assert_int_equal(rc, VB_OK);
  return m;
}

static void test_words(void **state) {
  (void)state;
  /* a sequence requires each of its parts */
  assert_string_equal(lits("\\bcharg\\w*\\b[^.!?\\n]{0,40}\\btwice\\b"), "twice;charg");
  assert_string_equal(lits("\\b(fast|quick)\\b[^.]{0,15}\\bdeliver"), "deliver;fast|quick");
  /* an alternation needs every branch to have one; a literal holding another adds nothing */
  assert_string_equal(lits("(app|website|site)"), "app|site");
  assert_string_equal(lits("(app|\\w+site)"), "app|site");
  /* optional parts require nothing */
  assert_string_equal(lits("(foo)?bar"), "bar");
  assert_string_equal(lits("(foo){0,2}bar(baz)*"), "bar");
  assert_string_equal(lits("x*"), "");
  /* letters fold as the text does */
  assert_string_equal(lits("Leverans"), "leverans");
  assert_string_equal(lits("ÅTERBETALNING"), "återbetalning");
  /* a quantified group is required when its minimum is not 0 */
  assert_string_equal(lits("(?:refund)+\\s(ab){2}"), "refund;ab");
  /* lookarounds are skipped, with their quantifiers */
  assert_string_equal(lits("(?<!not )good(?=ness)?"), "good");
  /* Hebrew */
  assert_string_equal(lits("(חויב|חייב)\\S*[^.]{0,30}פעמיים"), "פעמיים;חויב|חייב");
}

static void test_alternation_of_sequences(void **state) {
  (void)state;
  /* the union of the branches' sets of the same rank */
  assert_string_equal(lits("\\bfrom\\s+\\d+\\s+to\\b|\\bbetween\\s+\\d+\\s+and\\b"),
                      "from|between;to|and;\\d");
  /* a branch with fewer sets gives its last to the later ranks */
  assert_string_equal(lits("(charged|billed)[^.]*twice|double charge"),
                      "charged|billed|double charge;twice|double charge");
  /* a branch that requires nothing: the alternation requires nothing */
  assert_string_equal(lits("(a|[0-9])b"), "b");
  assert_string_equal(lits("abc|\\w+"), "");
}

static void test_set_cap(void **state) {
  (void)state;
  /* at most VB_LIT_SETS sets, the strongest kept */
  assert_string_equal(lits("alpha\\s+bb\\s+gamma\\s+c\\s+delta\\s+epsilons"),
                      "epsilons;gamma;delta;alpha"); /* (<gamma> is stronger than alpha>) */
  /* spaces are literals too, but the weakest: a set with a one-letter or space literal is
   * dropped when another remains */
  assert_string_equal(lits("a b"), "a b");
  assert_string_equal(lits("(no|yes) (way|sir)"), "way|sir;no|yes");
  /* a literal longer than a literal may be is cut in pieces, each required */
  assert_string_equal(lits("abcdefghijklmnopqrstuvwxyz0123456789"),
                      "abcdefghijklmnopqrstuvwxyz01234;56789");
}

static void test_short_literals(void **state) {
  (void)state;
  /* two bytes and one byte are literals too */
  assert_string_equal(lits("\\b(10|ten)\\s*/\\s*10\\b"), "10;/"); /* {10} implies {10, ten} */
  assert_string_equal(lits("\\b(10|ten)\\s*/"), "10|ten;/");
  assert_string_equal(lits("(?<!\\d)10\\s*/\\s*10(?!\\d)"), "10;/");
  assert_string_equal(lits("t\\s?&\\s?cs?"), "&"); /* not the letters */
  /* but a letter with a \b next to it (a mark counts as a byte: "<t" is a word's start) */
  show_marks = true;
  assert_string_equal(lits("\\bt\\s?&\\s?cs?\\b"), "<t;c>|cs>;&");
  show_marks = false;
  assert_string_equal(lits("\\b5\\s*(stars?|\\*)"), "star|*;5");
  assert_string_equal(lits("\\d+\\s*(working|business)\\s+days"), "working|business;days;\\d");
}

static void test_digit_requirement(void **state) {
  (void)state;
  assert_string_equal(lits("\\b[a-z]{2}\\d{6,8}\\b"), "\\d{6}");
  assert_string_equal(lits("order\\s*#?\\d{4,}"), "order;\\d{4}");
  assert_string_equal(lits("[a-z]\\d?"), "");   /* optional: nothing required */
  assert_string_equal(lits("(\\d|x)y"), "y");   /* the only set left, though a letter */
  assert_string_equal(lits("(\\d|[a-z])"), ""); /* one branch requires nothing */
}

static void test_unfilterable(void **state) {
  (void)state;
  assert_string_equal(lits("(a)\\1"), ""); /* back-references */
  assert_string_equal(lits("\\Qabc\\E"), "");
  assert_string_equal(lits("[abc]+"), "");
  assert_string_equal(lits("(?i)abc"), ""); /* options */
  assert_string_equal(lits("\\cJabc"), ""); /* control and octal escapes */
  assert_string_equal(lits("\\012abc"), "");
  assert_string_equal(lits("(((((((((((((abc)))))))))))))"), ""); /* too deep */
  /* characters with caseless equivalents outside what the fold knows are no literal */
  assert_string_equal(lits("Ωmega"), "mega");
  assert_string_equal(lits("\\x{41}bc"), "bc");
  assert_string_equal(lits("\\x41bc"), "bc");
}

/* vb__regex_leads() with the literals of the pattern's sets. */
static int leads_of(const char *pattern, vb__buf *out, vb__lead *ld, size_t *n) {
  vb__buf lits = {0};
  size_t ns, nl = 0;
  uint8_t len[VB_LIT_SETS];
  int rc = vb__regex_literals(pattern, &lits, &ns, len);
  for (size_t s = 0; s < ns; s++) nl += len[s];
  if (!rc) rc = vb__regex_leads(pattern, lits.data, nl, out, ld, n);
  vb__buf_free(&lits);
  return rc;
}

/* The leads of `pattern` (vb__regex_leads), joined with ';': each as "BEFORE:" (with the
 * classes skipped after the number: s, d, w) and its literals joined with '|' ("" when none);
 * a digit shows as "\d". */
static const char *lead(const char *pattern) {
  static char out[1024];
  vb__buf b = {0};
  vb__lead ld[VB_LEADS];
  size_t n;
  assert_int_equal(leads_of(pattern, &b, ld, &n), VB_OK);
  out[0] = '\0';
  const char *p = b.data;
  for (size_t j = 0; j < n; j++) {
    sprintf(out + strlen(out), "%s%u%s%s%s:", j ? ";" : "", ld[j].before,
            ld[j].skip & VB_SKIP_SPACE ? "s" : "", ld[j].skip & VB_SKIP_DIGIT ? "d" : "",
            ld[j].skip & VB_SKIP_WORD ? "w" : "");
    for (size_t i = 0; i < ld[j].n; i++, p += strlen(p) + 1) {
      if (i) strcat(out, "|");
      strcat(out, p[0] == VB_LIT_DIGIT ? "\\d" : p);
    }
  }
  vb__buf_free(&b);
  return out;
}

static void test_lead(void **state) {
  (void)state;
  /* the parts that must match a literal; zero-width parts before them count for nothing */
  assert_string_equal(lead("\\bcancel\\w*\\b[^.]{0,80}\\bcharg"), "0:cancel;86w:charg");
  assert_string_equal(lead("(?<!not )\\b(sorted|solved)\\b"), "0:sorted|solved");
  assert_string_equal(lead("\\b(\\d+|two|three)\\s+days"), "0:\\d|two|three;5sd:days");
  /* parts of a bounded width before it: their most characters */
  assert_string_equal(lead("(?<![a-z])(ab|c)?order"), "2:order");
  assert_string_equal(lead("\\b[a-z]{2}\\d{6,8}"), "2:\\d");
  assert_string_equal(lead("x?.{0,3}\\s?\\d"), "5:\\d");
  /* one character of \s, \d or \w repeated without bound: any number of that class */
  assert_string_equal(lead("\\w+order"), "0w:order");
  assert_string_equal(lead("(a\\s+)?order"), "1s:order");
  assert_string_equal(lead("\\b(\\d+|a|an|one)\\s*(\\+\\s*)?(days?|hours?)\\s+late\\b"),
                      "4sd:day|hour;9sd:late");
  /* of another character, or a group: none from there on */
  assert_string_equal(lead("x{2,}order"), "");
  assert_string_equal(lead("\\S+\\s+order"), "");
  assert_string_equal(lead("ab(cd)+ef"), "0:ab;2:cd");
  /* each branch leads; a literal that starts with another adds nothing, but one that holds
   * another after its start is kept (a match through it starts before the other) */
  assert_string_equal(lead("(från|ifrån)\\s+\\d"), "0:från|ifrån;5s:\\d");
  assert_string_equal(lead("(app|apps|website|site)\\b"), "0:app|website|site");
  assert_string_equal(lead("ab(c|d)|(?:x)?efg"), "1:ab|efg");
  /* after the first, only leads of the literals of the sets ("ifrån" is none: "från" is) */
  assert_string_equal(lead("xy.(från|ifrån)"), "0:xy");
  /* a branch without a lead, or a one-letter literal: none */
  assert_string_equal(lead("abc|\\d*x+"), "");
  assert_string_equal(lead("\\b(\\d+|an?|one)\\s"), "");
  /* folded as the text is */
  assert_string_equal(lead("LEVERANS"), "0:leverans");
  /* not understood: none */
  assert_string_equal(lead("\\Kabc"), "");
  assert_string_equal(lead("(?i)abc"), "");
}

/* ---- the fold against PCRE2's caseless matching, for every code point ---- */

static size_t enc(uint32_t cp, char *o) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | cp >> 6);
    o[1] = (char)(0x80 | (cp & 63));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | cp >> 12);
    o[1] = (char)(0x80 | ((cp >> 6) & 63));
    o[2] = (char)(0x80 | (cp & 63));
    return 3;
  }
  o[0] = (char)(0xF0 | cp >> 18);
  o[1] = (char)(0x80 | ((cp >> 12) & 63));
  o[2] = (char)(0x80 | ((cp >> 6) & 63));
  o[3] = (char)(0x80 | (cp & 63));
  return 4;
}

static uint32_t dec(const unsigned char *s, size_t n) {
  if (n == 1) return s[0];
  if (n == 2) return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3Fu);
  if (n == 3) return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3Fu);
  return (uint32_t)(s[0] & 7) << 18 | (uint32_t)(s[1] & 0x3F) << 12 | (uint32_t)(s[2] & 0x3F) << 6 |
         (s[3] & 0x3Fu);
}

static pcre2_code *compile(const char *pat, bool jit) {
  int ec;
  PCRE2_SIZE off;
  pcre2_code *c = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                                PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &ec, &off, NULL);
  assert_non_null(c);
  if (jit) (void)pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
  return c;
}

/* Every code point above ASCII (no surrogates) that the pattern matches, as fn(cp). */
static void each_match(const char *pat, void (*fn)(uint32_t cp, void *), void *arg) {
  static char *subject;
  static size_t len;
  if (!subject) {
    subject = malloc(0x110000 * 4);
    assert_non_null(subject);
    for (uint32_t cp = 0x80; cp < 0x110000; cp++)
      if (cp < 0xD800 || cp > 0xDFFF) len += enc(cp, subject + len);
  }
  pcre2_code *c = compile(pat, true);
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(c, NULL);
  PCRE2_SIZE off = 0;
  uint32_t check = 0; /* the subject is checked once, not at every call */
  while (pcre2_match(c, (PCRE2_SPTR)subject, len, off, check, md, NULL) >= 0) {
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    fn(dec((const unsigned char *)subject + ov[0], ov[1] - ov[0]), arg);
    off = ov[1];
    check = PCRE2_NO_UTF_CHECK;
  }
  pcre2_match_data_free(md);
  pcre2_code_free(c);
}

static size_t fold_cp(uint32_t cp, char *out) {
  char b[4];
  return vb__lit_fold(b, enc(cp, b), out);
}

/* The characters a literal may hold (regex_lit.c case_safe). */
static const uint32_t safe[][2] = {{0, 0xFF}, {0x590, 0x5FF}, {0x2000, 0x20CF}};

static void outside_equivalent(uint32_t cp, void *arg) {
  /* a character outside the safe ranges caselessly equal to one inside: the fold must
   * write it as a safe character that PCRE2 finds equal */
  size_t *count = arg;
  for (size_t r = 0; r < 3; r++)
    if (cp >= safe[r][0] && cp <= safe[r][1]) return;
  (*count)++;
  char f[4], pat[32];
  size_t n = fold_cp(cp, f);
  uint32_t to = dec((const unsigned char *)f, n);
  bool inside = false;
  for (size_t r = 0; r < 3; r++)
    inside |= to >= safe[r][0] && to <= safe[r][1];
  if (!inside) fail_msg("U+%04X matches a literal character but folds to U+%04X", cp, to);
  snprintf(pat, sizeof pat, "^\\x{%X}$", to);
  pcre2_code *c = compile(pat, false);
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(c, NULL);
  char b[4];
  size_t bl = enc(cp, b);
  assert_true(pcre2_match(c, (PCRE2_SPTR)b, bl, 0, 0, md, NULL) >= 0);
  pcre2_match_data_free(md);
  pcre2_code_free(c);
}

static void digit_folds(uint32_t cp, void *arg) {
  (*(size_t *)arg)++;
  char f[4];
  size_t n = fold_cp(cp, f);
  if (n != 1 || f[0] < '0' || f[0] > '9')
    fail_msg("\\d matches U+%04X, which does not fold to a digit", cp);
}

static void test_fold_is_caseless(void **state) {
  (void)state;
  /* outside the safe ranges: exactly the known equivalents (Ÿ, long s, Greek mu twice,
   * capital sharp s, Kelvin, Ångström) */
  size_t count = 0;
  each_match("[\\x{00}-\\x{FF}\\x{590}-\\x{5FF}\\x{2000}-\\x{20CF}]", outside_equivalent, &count);
  assert_int_equal(count, 7);
  /* inside: two characters PCRE2 finds equal fold alike, and two it finds different fold
   * differently */
  pcre2_match_data *md = pcre2_match_data_create(4, NULL);
  for (size_t r = 0; r < 3; r++)
    for (uint32_t a = safe[r][0]; a <= safe[r][1]; a++) {
      char pat[32], fa[4];
      snprintf(pat, sizeof pat, "^\\x{%X}$", a);
      pcre2_code *c = compile(pat, false);
      size_t na = fold_cp(a, fa);
      for (size_t r2 = 0; r2 < 3; r2++)
        for (uint32_t b = safe[r2][0]; b <= safe[r2][1]; b++) {
          char bb[4], fb[4];
          size_t bl = enc(b, bb), nb = fold_cp(b, fb);
          bool equal = pcre2_match(c, (PCRE2_SPTR)bb, bl, 0, 0, md, NULL) >= 0;
          bool same = na == nb && memcmp(fa, fb, na) == 0;
          if (equal != same)
            fail_msg("U+%04X, U+%04X: caseless %d, folded alike %d", a, b, equal, same);
        }
      pcre2_code_free(c);
    }
  pcre2_match_data_free(md);
  /* every Unicode decimal digit folds to an ASCII digit */
  count = 0;
  each_match("\\d", digit_folds, &count);
  assert_true(count > 500);
}

/* ---- random patterns: a text a pattern matches holds a literal of each of its sets ---- */

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static unsigned rnd(unsigned n) {
  rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
  return (unsigned)((rng >> 33) % n);
}

static const char *const vocab[] = {"ab", "cd", "x", "é", "Ö", "k",  "s", "å",  "10",
                                    "&",  " ",  "ß", "ÿ", "µ", "tw", "o", "KS", "ab cd"};
#define N_VOCAB (sizeof vocab / sizeof vocab[0])

static void gen_alt(char *out, size_t cap, int depth);

static void gen_seq(char *out, size_t cap, int depth) {
  static const char *const atoms[] = {"[a-c]", "\\d",     "\\w",    "\\s", ".",      "\\b",
                                      "\\.",   "\\x{41}", "[^.!?]", "\\D", "\\d{3}", "\\p{L}"};
  static const char *const quants[] = {"?", "*", "+", "{0,2}", "{2}", "{1,3}", "??", "+?", "{3,}"};
  for (unsigned n = 1 + rnd(4); n > 0; n--) {
    unsigned k = rnd(10);
    if (k < 4) {
      strncat(out, vocab[rnd(N_VOCAB)], cap - strlen(out) - 1);
    } else if (k < 6) {
      strncat(out, atoms[rnd(sizeof atoms / sizeof atoms[0])], cap - strlen(out) - 1);
    } else if (depth < 3) {
      static const char *const open[] = {"(", "(?:", "(?=", "(?!", "(?>"};
      unsigned o = rnd(k == 9 ? 5 : 2);
      strncat(out, open[o], cap - strlen(out) - 1);
      gen_alt(out, cap, depth + 1);
      strncat(out, ")", cap - strlen(out) - 1);
    } else {
      strncat(out, vocab[rnd(N_VOCAB)], cap - strlen(out) - 1);
    }
    if (rnd(3) == 0)
      strncat(out, quants[rnd(sizeof quants / sizeof quants[0])], cap - strlen(out) - 1);
  }
}

static void gen_alt(char *out, size_t cap, int depth) {
  for (unsigned n = 1 + (rnd(3) == 0 ? rnd(3) : 0); n > 0; n--) {
    gen_seq(out, cap, depth);
    if (n > 1) strncat(out, "|", cap - strlen(out) - 1);
  }
}

/* A text from the vocabulary, some of it in capitals or written with caseless equivalents,
 * digits of several scripts, spaces and punctuation. */
static size_t gen_text(char *out) {
  static const char *const extra[] = {"AB",
                                      "CD",
                                      "\xe2\x84\xaa",
                                      "\xc5\xbf",
                                      "\xe2\x84\xab",
                                      "\xe1\xba\x9e",
                                      "\xc5\xb8",
                                      "\xce\xbc",
                                      "123",
                                      "\xd9\xa3\xd9\xa4",
                                      "\xef\xbc\x91",
                                      ".",
                                      "A",
                                      "É",
                                      " ",
                                      "TW",
                                      "10"};
  size_t n = 0;
  for (unsigned k = rnd(9); k > 0; k--) {
    const char *w = rnd(2) ? vocab[rnd(N_VOCAB)] : extra[rnd(sizeof extra / sizeof extra[0])];
    size_t l = strlen(w);
    memcpy(out + n, w, l);
    n += l;
  }
  out[n] = '\0';
  return n;
}

/* Whether the character of f[0..n) that ends at byte p (before) or begins there (not before)
 * is a letter as word literals hold them (vb__lit_letter()). */
static bool letter_next(const char *f, size_t n, size_t p, bool before) {
  if (before ? p == 0 : p >= n) return false;
  size_t q = before ? p - 1 : p, adv;
  while (before && q > 0 && ((unsigned char)f[q] & 0xC0) == 0x80) q--;
  int32_t cp = vb__utf8_decode((const unsigned char *)f + q, n - q, &adv);
  return cp >= 0 && vb__lit_letter((uint32_t)cp);
}

/* Whether the folded text holds a literal of every set (a digit run as ASCII digits in a row,
 * a word literal marked VB_LIT_B_* with no letter next to it on that side). */
static bool holds_all(const char *folded, size_t n, const char *lits, size_t ns,
                      const uint8_t *len) {
  for (size_t s = 0; s < ns; s++) {
    bool any = false;
    for (size_t q = 0; q < len[s]; q++, lits += strlen(lits) + 1) {
      size_t l = strlen(lits);
      for (size_t i = 0; !any && i <= n; i++) {
        if (lits[0] == VB_LIT_DIGIT) {
          if (i + l > n) break;
          size_t d = 0;
          while (d < l && folded[i + d] >= '0' && folded[i + d] <= '9')
            d++;
          any = d == l;
        } else {
          bool before = lits[0] == VB_LIT_B_BEFORE, after = lits[l - 1] == VB_LIT_B_AFTER;
          size_t cl = l - before - after;
          if (i + cl > n) break;
          any = memcmp(folded + i, lits + before, cl) == 0 &&
                !(before && letter_next(folded, n, i, true)) &&
                !(after && letter_next(folded, n, i + cl, false));
        }
      }
    }
    if (!any) return false;
  }
  return true;
}

static void test_random_patterns(void **state) {
  (void)state;
  size_t patterns = 0, with_sets = 0, matches = 0;
  pcre2_match_data *md = pcre2_match_data_create(32, NULL);
  for (int p = 0; p < 3000; p++) {
    char pat[512] = "";
    gen_alt(pat, sizeof pat, 0);
    int ec;
    PCRE2_SIZE off;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                                  PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &ec, &off, NULL);
    if (!c) continue;
    patterns++;
    vb__buf b = {0};
    size_t ns;
    uint8_t len[VB_LIT_SETS];
    assert_int_equal(vb__regex_literals(pat, &b, &ns, len), VB_OK);
    with_sets += ns > 0;
    for (int t = 0; t < 200 && ns; t++) {
      char text[256], folded[256];
      size_t n = gen_text(text);
      if (pcre2_match(c, (PCRE2_SPTR)text, n, 0, 0, md, NULL) < 0) continue;
      matches++;
      size_t fn = vb__lit_fold(text, n, folded);
      if (!holds_all(folded, fn, b.data, ns, len))
        fail_msg("pattern %s matches \"%s\" but a literal set is absent (%s)", pat, text,
                 lits(pat));
    }
    vb__buf_free(&b);
    pcre2_code_free(c);
  }
  pcre2_match_data_free(md);
  print_message("%zu random patterns, %zu with literal sets, %zu matches checked\n", patterns,
                with_sets, matches);
  assert_true(patterns > 2000 && with_sets > 1000 && matches > 20000);
}

/* Random patterns and texts: started where the analyzer starts it (for each lead, its first
 * place in the folded text less the characters that may come before it, vb__lead_start();
 * the latest of these), PCRE2 finds the first match it finds from the start; and without a
 * literal of a lead there is none. */
static void test_random_leads(void **state) {
  (void)state;
  size_t patterns = 0, with_lead = 0, with_more = 0, matches = 0, moved = 0;
  pcre2_match_data *md = pcre2_match_data_create(32, NULL);
  for (int p = 0; p < 4000; p++) {
    char pat[512] = "";
    gen_alt(pat, sizeof pat, 0);
    int ec;
    PCRE2_SIZE off;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                                  PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &ec, &off, NULL);
    if (!c) continue;
    patterns++;
    vb__buf b = {0};
    vb__lead ld[VB_LEADS];
    size_t n_leads;
    assert_int_equal(leads_of(pat, &b, ld, &n_leads), VB_OK);
    with_lead += n_leads > 0;
    with_more += n_leads > 1;
    for (int t = 0; t < 200 && n_leads; t++) {
      char text[256], folded[256 + 8];
      size_t n = gen_text(text);
      size_t fn = vb__lit_fold(text, n, folded);
      int rc0 = pcre2_match(c, (PCRE2_SPTR)text, n, 0, 0, md, NULL);
      PCRE2_SIZE s0 = 0, e0 = 0;
      if (rc0 >= 0) {
        s0 = pcre2_get_ovector_pointer(md)[0];
        e0 = pcre2_get_ovector_pointer(md)[1];
        matches++;
      }
      size_t start = 0;
      bool absent = false;
      const char *l = b.data;
      for (size_t j = 0; j < n_leads; j++) {
        size_t first = SIZE_MAX;
        for (size_t q = 0; q < ld[j].n; q++, l += strlen(l) + 1) {
          size_t ll = strlen(l);
          for (size_t i = 0; i + ll <= fn && i < first; i++)
            if (l[0] == VB_LIT_DIGIT ? folded[i] >= '0' && folded[i] <= '9'
                                     : memcmp(folded + i, l, ll) == 0)
              first = i;
        }
        if (first == SIZE_MAX)
          absent = true;
        else
          start = vb__lead_start(text, start, first, ld[j].before, ld[j].skip);
      }
      if (absent) {
        if (rc0 >= 0)
          fail_msg("pattern %s matches \"%s\" without a lead's literal (%s)", pat, text, lead(pat));
        continue;
      }
      moved += start > 0;
      int rc1 = pcre2_match(c, (PCRE2_SPTR)text, n, start, 0, md, NULL);
      if ((rc0 >= 0) != (rc1 >= 0) ||
          (rc0 >= 0 && (pcre2_get_ovector_pointer(md)[0] != s0 || pcre2_get_ovector_pointer(md)[1] != e0)))
        fail_msg("pattern %s on \"%s\": from 0 %d, from %zu %d (leads %s)", pat, text, rc0, start,
                 rc1, lead(pat));
    }
    vb__buf_free(&b);
    pcre2_code_free(c);
  }
  pcre2_match_data_free(md);
  print_message("%zu random patterns, %zu with a lead, %zu with more, %zu matches, %zu starts "
                "moved\n",
                patterns, with_lead, with_more, matches, moved);
  assert_true(with_lead > 1000 && with_more > 150 && matches > 5000 && moved > 5000);
}

/* The classes a lead skips (vb__lead_start) hold every character PCRE2 matches with \s, \d
 * and \w under PCRE2_UCP: a walk back over one such character with no character to spare
 * passes it. */
static void skip_class_check(uint32_t cp, void *arg) {
  uint8_t skip = *(uint8_t *)arg;
  char t[5] = {0}; /* vb__lead_start reads the byte at p, the end here */
  size_t n = enc(cp, t);
  if (vb__lead_start(t, 0, n, 0, skip) != 0)
    fail_msg("U+%04X is in the class, but the walk stops before it (skip %u)", cp, skip);
}

static void test_lead_skip_classes(void **state) {
  (void)state;
  static const char *const cls[] = {"\\s", "\\d", "\\w"};
  static const uint8_t bit[] = {VB_SKIP_SPACE, VB_SKIP_DIGIT, VB_SKIP_WORD};
  for (size_t i = 0; i < 3; i++) {
    uint8_t skip = bit[i];
    each_match(cls[i], skip_class_check, &skip);
    for (uint32_t cp = 0; cp < 0x80; cp++) { /* ASCII: exactly the class */
      char t[2] = {(char)cp, 0}, pat[16];
      snprintf(pat, sizeof pat, "^%s$", cls[i]);
      pcre2_code *c = compile(pat, false);
      pcre2_match_data *md = pcre2_match_data_create_from_pattern(c, NULL);
      bool in = pcre2_match(c, (PCRE2_SPTR)t, 1, 0, 0, md, NULL) >= 0;
      assert_int_equal(in, vb__lead_start(t, 0, 1, 0, skip) == 0);
      pcre2_match_data_free(md);
      pcre2_code_free(c);
    }
  }
  /* a Hebrew letter, a Latin-1 letter and a CJK character are no space or digit; the walk
   * counts characters, not bytes, and stops at `from` */
  assert_int_equal(vb__lead_start("\xd7\x90 1\xc3\xa9x", 0, 6, 1, VB_SKIP_SPACE | VB_SKIP_DIGIT),
                   2);
  assert_int_equal(vb__lead_start("\xd7\x90 1\xc3\xa9x", 0, 6, 2, VB_SKIP_SPACE | VB_SKIP_DIGIT),
                   0);
  assert_int_equal(vb__lead_start("\xe4\xb8\x80\xe4\xb8\x80x", 0, 6, 1, 0), 0);
  assert_int_equal(vb__lead_start("abcdef", 0, 6, 1, VB_SKIP_SPACE), 5);
  assert_int_equal(vb__lead_start("ab  ef", 3, 6, 5, VB_SKIP_SPACE), 3);
}

static void test_each_set_matters(void **state) {
  (void)state;
  const char *cbfile = VB_TEST_TMP "/test_regex_lit.codebook";
  assert_int_equal(vbt_write(cbfile,
                             "[billing]\n"
                             "en.re: \\b(charged|billed)\\b[^.!?\\n]{0,40}\\btwice\\b\n"
                             "en.re: \\border\\s*#?\\d{6}\n",
                             0),
                   0);
  vb_model *m;
  assert_int_equal(vbt_load_or_say(NULL, &cbfile, 1, NULL, 0, &m), 0);
  const vb__cblang *cb = &m->cb[VB_LANG_EN];
  assert_int_equal(cb->n_regexes, 2);
  assert_int_equal(cb->regexes[0].n_sets, 2);
  assert_int_equal(cb->regexes[1].n_sets, 2);
  static const struct {
    const char *text;
    int pattern;
    bool runs, matches;
  } cases[] = {
      {"I was charged once.", 0, false, false}, /* the first set only */
      {"They did it twice.", 0, false, false},  /* the second only */
      {"I was CHARGED TWICE", 0, true, true},
      {"Billed me, then refunded. Twice!", 0, true, false}, /* both: runs, no match */
      {"order 12345", 1, false, false},                     /* five digits */
      {"the 123456 item", 1, false, false},                 /* no "order" */
      {"order 123456", 1, true, true},
      {"ORDER #\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5\xd9\xa6", 1, true, true}, /* Arabic-Indic */
      {"Order 12\xef\xbc\x93\xef\xbc\x94"
       "4567",
       1, true, true}, /* fullwidth digits inside */
  };
  unsigned char *seen = malloc(cb->n_lits);
  assert_non_null(seen);
  vb__buf folded = {0};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const vb__cbregex *re = &cb->regexes[cases[i].pattern];
    size_t n = strlen(cases[i].text);
    assert_int_equal(vb__lits_find(cb, cases[i].text, n, &folded, seen), VB_OK);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
    int rc = pcre2_match(re->code, (PCRE2_SPTR)cases[i].text, n, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    bool runs = vb__regex_may_match(cb, re, seen);
    if (runs != cases[i].runs || (rc >= 0) != cases[i].matches)
      fail_msg("%s: runs %d, matches %d", cases[i].text, runs, rc >= 0);
  }
  vb__buf_free(&folded);
  free(seen);
  vb_model_free(m);
  remove(cbfile);
}

/* ---- the gate on the shipped codebook and the sample corpora ---- */

typedef struct texts {
  char **s;
  size_t n, cap;
} texts;

static void add_text(texts *t, const char *s, size_t n) {
  if (t->n == t->cap) {
    t->cap = t->cap ? 2 * t->cap : 1024;
    t->s = realloc(t->s, t->cap * sizeof *t->s);
    assert_non_null(t->s);
  }
  char *d = malloc(n + 1);
  assert_non_null(d);
  memcpy(d, s, n);
  d[n] = '\0';
  t->s[t->n++] = d;
}

/* A variant of s: ASCII capitals; or k, s, å, ß written as the Kelvin sign, long s, Ångström
 * sign, capital sharp s and digits as Arabic-Indic or fullwidth ones. */
static void add_variant(texts *t, const char *s, int kind) {
  size_t n = strlen(s);
  char *d = malloc(4 * n + 1), *o = d;
  assert_non_null(d);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (kind == 0)
      *o++ = c >= 'a' && c <= 'z' ? (char)(c - 32) : (char)c;
    else if (kind == 1 && (c == 'k' || c == 'K'))
      o += enc(0x212A, o);
    else if (kind == 1 && (c == 's' || c == 'S'))
      o += enc(0x17F, o);
    else if (kind == 1 && c == 0xC3 && (s[i + 1] == '\xA5' || s[i + 1] == '\x85'))
      o += enc(0x212B, o), i++;
    else if (kind == 1 && c == 0xC3 && s[i + 1] == '\x9F')
      o += enc(0x1E9E, o), i++;
    else if (kind == 2 && c >= '0' && c <= '9')
      o += enc(0x660 + (c - '0'), o);
    else if (kind == 3 && c >= '0' && c <= '9')
      o += enc(0xFF10 + (c - '0'), o);
    else
      *o++ = (char)c;
  }
  add_text(t, d, (size_t)(o - d));
  free(d);
}

/* The lines of a file (the JSON lines as they are: any text will do). */
static void add_file(texts *t, const char *rel) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", VB_SOURCE_DIR, rel);
  FILE *fp = fopen(path, "rb");
  if (!fp) fail_msg("cannot open %s", path);
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, fp)) > 0) {
    add_text(t, line, (size_t)n);
    for (int kind = 0; kind < 4; kind++)
      add_variant(t, t->s[t->n - 1 - (size_t)kind], kind);
  }
  free(line);
  fclose(fp);
}

static texts corpus;

static int group_setup(void **state) {
  (void)state;
  static const char *const files[] = {"corpora/en/survey.jsonl",
                                      "corpora/sv/survey.jsonl",
                                      "corpora/da/survey.jsonl",
                                      "corpora/he/survey.jsonl",
                                      "corpora/transcripts/en-interview.txt",
                                      "corpora/transcripts/sv-interview.txt",
                                      "corpora/transcripts/da-interview.txt",
                                      "corpora/transcripts/he-interview.txt"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    add_file(&corpus, files[i]);
  /* a few of our own, one set present without the other */
  static const char *const own[] = {"I was charged twice for one order.",
                                    "I was charged once.",
                                    "They did it twice.",
                                    "Order AB1234567 never came",
                                    "order 12 then 34",
                                    "ORDER NO. 123456 MISSING",
                                    "Drog pengarna två gånger!",
                                    "חויב פעמיים על אותה הזמנה",
                                    "٣ days late",
                                    "３ weeks later"};
  for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
    add_text(&corpus, own[i], strlen(own[i]));
  return 0;
}

static int group_teardown(void **state) {
  (void)state;
  for (size_t i = 0; i < corpus.n; i++)
    free(corpus.s[i]);
  free(corpus.s);
  return 0;
}

static void test_gate_never_skips_a_match(void **state) {
  (void)state;
  vb_model *m = default_model();
  size_t patterns = 0, filtered = 0, skipped = 0, ran = 0, matched = 0;
  vb__buf folded = {0};
  for (int l = 0; l < VB_LANG_COUNT; l++) {
    const vb__cblang *cb = &m->cb[l];
    patterns += cb->n_regexes;
    if (!cb->n_lits) continue;
    unsigned char *seen = malloc(cb->n_lits);
    pcre2_match_data **md = calloc(cb->n_regexes, sizeof *md);
    assert_true(seen && md);
    for (size_t r = 0; r < cb->n_regexes; r++) {
      filtered += cb->regexes[r].n_literals != 0;
      md[r] = pcre2_match_data_create_from_pattern(cb->regexes[r].code, NULL);
    }
    for (size_t t = 0; t < corpus.n; t++) {
      const char *s = corpus.s[t];
      size_t n = strlen(s);
      assert_int_equal(vb__lits_find(cb, s, n, &folded, seen), VB_OK);
      for (size_t r = 0; r < cb->n_regexes; r++) {
        const vb__cbregex *re = &cb->regexes[r];
        if (!re->n_literals) continue;
        bool run = vb__regex_may_match(cb, re, seen);
        int rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, 0, 0, md[r], NULL);
        if (rc >= 0 && !run)
          fail_msg("pattern %s skipped on a text it matches: %.200s", re->source, s);
        assert_true(rc >= 0 || rc == PCRE2_ERROR_NOMATCH);
        skipped += !run;
        ran += run;
        matched += rc >= 0;
      }
    }
    for (size_t r = 0; r < cb->n_regexes; r++)
      pcre2_match_data_free(md[r]);
    free(md);
    free(seen);
  }
  vb__buf_free(&folded);
  print_message("%zu patterns, %zu with literals; %zu texts: %zu runs skipped, %zu run, %zu "
                "matches\n",
                patterns, filtered, corpus.n, skipped, ran, matched);
  /* the test means something: most patterns are filtered, most pairs skipped, and many
   * matches found */
  assert_true(patterns >= 100 && filtered * 10 >= patterns * 9);
  assert_true(skipped > 20 * ran && matched > 200);
  vb_model_free(m);
}

static void test_analyzer_same_mentions(void **state) {
  (void)state;
  vb_model *m = default_model();
  vb_analyzer *an;
  assert_int_equal(vb_analyzer_new(m, &an), VB_OK);
  vb_mention *keep = NULL;
  size_t cap = 0, total = 0;
  static const vb_lang langs[] = {VB_LANG_EN, VB_LANG_SV, VB_LANG_DA, VB_LANG_HE};
  for (size_t t = 0; t < corpus.n; t++)
    for (size_t li = 0; li < 4; li++) {
      vb_run_options o = {langs[li], langs[li], 0};
      const vb_result *r;
      const vb_mention *mn;
      for (int l = 0; l < VB_LANG_COUNT; l++)
        m->cb[l].lit_all = false;
      assert_int_equal(vb_analyzer_run(an, corpus.s[t], strlen(corpus.s[t]), &o, &r), VB_OK);
      size_t n = vb_result_mentions(r, &mn);
      if (n > cap) {
        cap = 2 * n;
        keep = realloc(keep, cap * sizeof *keep);
        assert_non_null(keep);
      }
      if (n) memcpy(keep, mn, n * sizeof *mn);
      for (int l = 0; l < VB_LANG_COUNT; l++)
        m->cb[l].lit_all = true;
      assert_int_equal(vb_analyzer_run(an, corpus.s[t], strlen(corpus.s[t]), &o, &r), VB_OK);
      size_t n2 = vb_result_mentions(r, &mn);
      assert_int_equal(n2, n);
      for (size_t i = 0; i < n; i++) {
        assert_int_equal(mn[i].theme, keep[i].theme);
        assert_int_equal(mn[i].start, keep[i].start);
        assert_int_equal(mn[i].end, keep[i].end);
      }
      total += n;
    }
  assert_true(total > 1000);
  free(keep);
  vb_analyzer_free(an);
  vb_model_free(m);
}

/* The literals anchored at a space that a word's form names (vb__lits_gap_form()): those
 * whose letters before the space end the word, those whose bytes after it begin it. */
static bool gap_names(const vb__cblang *cb, const char *word, bool begin, const char *lit) {
  uint32_t ids[2048];
  assert_true(cb->n_lits <= 2048);
  size_t n = vb__lits_gap_form(cb, (const unsigned char *)word, strlen(word), begin, ids);
  for (size_t i = 0; i < n; i++)
    if (strcmp(cb->lits[ids[i]].s, lit) == 0) return true;
  return false;
}

static void test_gap_lists(void **state) {
  (void)state;
  vb_model *m = default_model();
  for (int l = 0; l < VB_LANG_COUNT; l++) /* every literal at a space is of the two kinds */
    assert_true(m->cb[l].lit_gap || !m->cb[l].n_lits);
  const vb__cblang *en = &m->cb[VB_LANG_EN];
  assert_true(gap_names(en, "on", false, "on hold"));
  assert_true(gap_names(en, "won", false, "on hold")); /* "won holdings" holds it */
  assert_false(gap_names(en, "one", false, "on hold"));
  assert_false(gap_names(en, "on", true, "on hold"));
  const vb__cblang *sv = &m->cb[VB_LANG_SV];
  assert_true(gap_names(sv, "på", true, " på svar"));
  assert_true(gap_names(sv, "p", true, " på svar")); /* as far as the word goes */
  assert_false(gap_names(sv, "pål", true, " på svar"));
  assert_false(gap_names(sv, "stå", true, " på svar"));
  assert_true(gap_names(en, "got", false, "got back to "));
  assert_true(gap_names(&m->cb[VB_LANG_SV], "i", true, " i telefon"));
  assert_false(gap_names(&m->cb[VB_LANG_SV], "inte", true, " i telefon"));
  vb_model_free(m);
}

/* The literals a later word of theirs names for the pre-gate (vb__lits_gap_next(): a part
 * longer than their letters before the space) against a plain comparison, on words cut from
 * the literals and changed at random, in the four languages; and a text whose only word
 * ending in "on" is no "on hold" is skipped by the pre-gate. */
static void test_gap_next(void **state) {
  (void)state;
  vb_model *m = default_model();
  static const vb_lang langs[] = {VB_LANG_EN, VB_LANG_SV, VB_LANG_DA, VB_LANG_HE};
  static const char letters[] = "abdehilnorstuy";
  size_t named = 0, checked = 0, n_next = 0;
  for (size_t li = 0; li < 4; li++) {
    const vb__cblang *cb = &m->cb[langs[li]];
    uint32_t *ids = malloc((cb->n_lits + 1) * sizeof *ids);
    bool *in = malloc(cb->n_lits + 1);
    assert_true(ids && in);
    for (size_t k = 0; k < cb->n_lits; k++) {
      const struct vb__lit *l = &cb->lits[k];
      const unsigned char *s = (const unsigned char *)l->s;
      /* next: at a space with letters before it, named by a longer part between two of its
       * spaces, or after its last one */
      bool gap = !l->word && !l->digits && s[l->anchor] == ' ' && l->anchor > 0;
      if (!gap) assert_false(l->next);
      if (!l->next) continue;
      assert_true(l->part > l->anchor && s[l->part - 1] == ' ' && l->part_len > l->anchor);
      assert_true(l->part + l->part_len <= l->len);
      assert_true(memchr(l->s + l->part, ' ', l->part_len) == NULL);
      if (l->part_whole) assert_true(s[l->part + l->part_len] == ' ');
      else assert_true(l->part + l->part_len == l->len);
      n_next++;
    }
    for (int round = 0; round < 4000; round++) {
      /* a word: the bytes after the space of a literal, cut and changed, or random letters */
      char w[64];
      size_t wl = 0;
      const struct vb__lit *l = &cb->lits[rnd((unsigned)cb->n_lits)];
      for (int tries = 0; !l->next && rnd(2) && tries < 64; tries++) /* mostly a named one */
        l = &cb->lits[rnd((unsigned)cb->n_lits)];
      if (!l->word && !l->digits && l->anchor + 1u < l->len && rnd(4)) {
        size_t from = l->next ? l->part : l->anchor + 1u, a = l->len - from;
        wl = 1 + rnd((unsigned)(a + 3));
        if (wl > sizeof w) wl = sizeof w;
        for (size_t q = 0; q < wl; q++)
          w[q] = q < a ? l->s[from + q] : letters[rnd(sizeof letters - 1)];
        if (rnd(3) == 0) w[rnd((unsigned)wl)] = letters[rnd(sizeof letters - 1)];
      } else {
        wl = 1 + rnd(8);
        for (size_t q = 0; q < wl; q++) w[q] = letters[rnd(sizeof letters - 1)];
      }
      size_t n = vb__lits_gap_next(cb, (const unsigned char *)w, wl, ids);
      memset(in, 0, cb->n_lits);
      for (size_t i = 0; i < n; i++) {
        assert_false(in[ids[i]]); /* listed once */
        in[ids[i]] = true;
      }
      for (size_t k = 0; k < cb->n_lits; k++) {
        const struct vb__lit *c = &cb->lits[k];
        bool want = false;
        if (c->next && c->part_whole)
          want = wl == c->part_len && memcmp(c->s + c->part, w, wl) == 0;
        else if (c->next)
          want = memcmp(c->s + c->part, w, c->part_len < wl ? c->part_len : wl) == 0;
        if (want != in[k])
          fail_msg("literal \"%s\", word \"%.*s\": %d, plainly %d", c->s, (int)wl, w, in[k],
                   want);
      }
      named += n;
      checked++;
    }
    free(ids);
    free(in);
  }
  print_message("%zu literals named by a later word of theirs, %zu words, %zu named\n",
                n_next, checked, named);
  assert_true(n_next > 20 && named > 1000);
  /* "on" no longer makes "on hold" possible; "hold" after it does */
  vb_analyzer *an;
  assert_int_equal(vb_analyzer_new(m, &an), VB_OK);
  vb_run_options o = {VB_LANG_EN, VB_LANG_EN, 0};
  const vb_result *r;
  const char *t1 = "one min on it"; /* patterns 17 and 18 but for "on hold" */
  /* (twice: the pre-gate knows only forms seen before) */
  assert_int_equal(vb_analyzer_run(an, t1, strlen(t1), &o, &r), VB_OK);
  assert_int_equal(vb_analyzer_run(an, t1, strlen(t1), &o, &r), VB_OK);
  assert_true(an->lits_skipped);
  const char *t2 = "one min on hold";
  assert_int_equal(vb_analyzer_run(an, t2, strlen(t2), &o, &r), VB_OK);
  assert_int_equal(vb_analyzer_run(an, t2, strlen(t2), &o, &r), VB_OK);
  assert_false(an->lits_skipped);
  vb_analyzer_free(an);
  vb_model_free(m);
}

/* A text of pieces of the corpus texts (whole characters, up to 160 bytes each), literals of
 * the language and glue between them: matches at any place, literals again before and
 * after them. */
static size_t gen_mixed_text(const vb__cblang *cb, char *out, size_t cap) {
  static const char *const glue[] = {" ", " ", " ", "  ", "", ". ", ", ", "\n", "!", " 3 ",
                                     " 12 ", "'", "-", "\xc2\xa0"};
  size_t n = 0;
  for (unsigned parts = 2 + rnd(6); parts > 0; parts--) {
    const char *p;
    size_t pl;
    unsigned kind = rnd(3);
    if (kind == 0) {
      const char *t = corpus.s[rnd((unsigned)corpus.n)];
      size_t tl = strlen(t), from = rnd((unsigned)tl + 1), len = 1 + rnd(160);
      while (from < tl && ((unsigned char)t[from] & 0xC0) == 0x80) from++;
      if (len > tl - from) len = tl - from;
      while (from + len < tl && ((unsigned char)t[from + len] & 0xC0) == 0x80) len--;
      p = t + from;
      pl = len;
    } else if (kind == 1 && cb->n_lits) {
      const struct vb__lit *l = &cb->lits[rnd((unsigned)cb->n_lits)];
      p = l->digits ? "2024" : l->s;
      pl = strlen(p);
    } else {
      p = glue[rnd(sizeof glue / sizeof glue[0])];
      pl = strlen(p);
    }
    if (n + pl >= cap) break;
    memcpy(out + n, p, pl);
    n += pl;
  }
  out[n] = '\0';
  return n;
}

/* Runs the text with the pre-gate and the literal lists, then with every pattern run
 * (lit_all), and fails unless the mentions (up to 256) are the same; returns how many. */
static size_t same_without_gate(vb_analyzer *an, vb__cblang *cb, const char *text, size_t len,
                                const vb_run_options *o) {
  static vb_mention keep[256];
  const vb_result *r;
  const vb_mention *mn;
  cb->lit_all = false;
  assert_int_equal(vb_analyzer_run(an, text, len, o, &r), VB_OK);
  size_t n = vb_result_mentions(r, &mn);
  if (n > 256) n = 256;
  if (n) memcpy(keep, mn, n * sizeof *mn);
  cb->lit_all = true;
  assert_int_equal(vb_analyzer_run(an, text, len, o, &r), VB_OK);
  cb->lit_all = false;
  size_t n2 = vb_result_mentions(r, &mn);
  if (n2 > 256) n2 = 256;
  if (n2 != n) fail_msg("%zu mentions with the gate, %zu without: \"%s\"", n, n2, text);
  for (size_t i = 0; i < n; i++)
    if (mn[i].theme != keep[i].theme || mn[i].start != keep[i].start || mn[i].end != keep[i].end)
      fail_msg("mention %zu differs with the gate: \"%s\"", i, text);
  return n;
}

/* The mentions found with the literals' gate and the window they give each pattern (from its
 * lead to the last place of its literals: patterns.c) are those found with every pattern run
 * on the whole of every text, on texts mixed from the corpus and the literals. */
static void test_analyzer_windows(void **state) {
  (void)state;
  vb_model *m = default_model();
  vb_analyzer *an;
  assert_int_equal(vb_analyzer_new(m, &an), VB_OK);
  size_t total = 0;
  static const vb_lang langs[] = {VB_LANG_EN, VB_LANG_SV, VB_LANG_DA, VB_LANG_HE};
  for (size_t li = 0; li < 4; li++) {
    vb_run_options o = {langs[li], langs[li], 0};
    for (int round = 0; round < 3000; round++) {
      char text[1200];
      size_t len = gen_mixed_text(&m->cb[langs[li]], text, sizeof text);
      total += same_without_gate(an, &m->cb[langs[li]], text, len, &o);
    }
  }
  print_message("12000 mixed texts: %zu mentions, the same with and without the gate\n", total);
  assert_true(total > 2000);
  vb_analyzer_free(an);
  vb_model_free(m);
}

/* ---- the analyzer's way of finding literals (patterns.c: per word form, the others at
 * their anchors) against the plain scan of the whole text (vb__lits_find) ---- */

/* Texts on which the pre-gate (patterns.c, none_may_run()) skipped the literals. */
static size_t pregate_skips;

/* Whether the analyzer's last run found exactly the literals vb__lits_find() finds, or, when
 * the pre-gate skipped them, that no pattern may match. */
static void same_literals(vb_analyzer *an, const vb__cblang *cb, const char *text, size_t n,
                          unsigned char *want, vb__buf *folded) {
  assert_int_equal(vb__lits_find(cb, text, n, folded, want), VB_OK);
  if (an->lits_skipped) { /* the pre-gate: rightly only when no pattern may match */
    pregate_skips++;
    for (size_t r = 0; r < cb->n_regexes; r++)
      if (cb->regexes[r].n_literals && vb__regex_may_match(cb, &cb->regexes[r], want))
        fail_msg("pattern %s may match, but the pre-gate skipped \"%.300s\"",
                 cb->regexes[r].source, text);
    return;
  }
  for (size_t k = 0; k < cb->n_lits; k++)
    if (want[k] != an->lit_seen[k])
      fail_msg("literal \"%s\": the scan says %d, the analyzer %d, in \"%.300s\"",
               cb->lits[k].digits ? "\\d" : cb->lits[k].s, want[k], an->lit_seen[k], text);
  /* where each was last found: never before the start of its last place (patterns.c lets
   * no match start after it), when the fold kept the text's offsets */
  char *f = malloc(n + 1);
  assert_non_null(f);
  if (vb__lit_fold(text, n, f) == n) {
    const uint32_t *last = an->lit_found + 4 * cb->n_lits;
    for (size_t k = 0; k < cb->n_lits; k++) {
      const struct vb__lit *l = &cb->lits[k];
      size_t at = SIZE_MAX;
      for (size_t i = 0; i + l->len <= n; i++) {
        bool here = true;
        for (size_t d = 0; d < l->len && here; d++)
          here = l->digits ? f[i + d] >= '0' && f[i + d] <= '9' : f[i + d] == l->s[d];
        /* a word that asks for a boundary: no letter next to it on that side */
        if (here && l->b_before) here = !letter_next(f, n, i, true);
        if (here && l->b_after) here = !letter_next(f, n, i + l->len, false);
        if (here) at = i;
      }
      if (want[k] && last[k] < at)
        fail_msg("literal \"%s\" last found at %u, but it is at %zu in \"%.300s\"",
                 l->digits ? "\\d" : l->s, last[k], at, text);
      /* (and the scan itself against this plain one: runs of digits by their length) */
      if ((at != SIZE_MAX) != (want[k] != 0))
        fail_msg("literal \"%s\": the scan says %d, a plain search %d, in \"%.300s\"",
                 l->digits ? "\\d" : l->s, want[k], at != SIZE_MAX, text);
    }
  }
  free(f);
  /* and the patterns it listed to run (their sets met, as bits) are, in order, those the
   * literals found allow, and those without literals that are not in the alternation */
  const uint32_t *cand = an->lit_found + 6 * cb->n_lits;
  size_t c = 0;
  for (size_t r = 0; r < cb->n_regexes; r++) {
    bool listed = c < an->n_cand && cand[c] == r;
    c += listed;
    bool may = cb->regexes[r].n_literals ? vb__regex_may_match(cb, &cb->regexes[r], want)
                                         : !cb->regexes[r].joined;
    if (listed != may)
      fail_msg("pattern %s: the literals and the sets disagree on \"%.300s\"",
               cb->regexes[r].source, text);
  }
  if (c != an->n_cand) fail_msg("patterns listed out of order for \"%.300s\"", text);
}

/* Random texts built from the language's own literals (as they are, in capitals, with
 * caseless equivalents) and pieces that meet them in every way tokens can: no space
 * between (two letters meeting across tokens: an emoticon, a number, a URL before a word),
 * joiners, tags, mentions, e-mail addresses, entities, emoji, digits of other scripts,
 * spaces of other kinds. */
static size_t gen_lit_text(const vb__cblang *cb, char *out, size_t cap) {
  static const char *const glue[] = {
      " ", " ", " ", "", "", "-", "'", "\xe2\x80\x99", ".", ", ", "!", "?", "\n", "\t",
      "\xc2\xa0", "#", "@", "&amp;", "xD", ":P", "XD", "o_O", "www.", ".com", "a@b.se ", "3",
      "2nd", "\xd9\xa3", "\xef\xbc\x91", "\xe2\x84\xaa", "\xc5\xbf", "\xf0\x9f\x98\x80",
      "\xd7\xb3", "\"", "\xd7\xa9", "\xd7\x95", "\xd7\x94", "\xc3\xa9", "\xc3\x85", "\xc3\x97",
      "http://x.se/", "(", ")", "%", "\xc2\xa3", "10/10", "5*"};
  size_t n = 0;
  for (unsigned parts = 1 + rnd(10); parts > 0; parts--) {
    char piece[64];
    size_t pl;
    if (rnd(2) && cb->n_lits) {
      const struct vb__lit *l = &cb->lits[rnd((unsigned)cb->n_lits)];
      if (l->digits) {
        pl = l->len;
        for (size_t i = 0; i < pl; i++) piece[i] = (char)('0' + rnd(10));
      } else {
        pl = l->len;
        memcpy(piece, l->s, pl);
        if (rnd(3) == 0) /* capitals */
          for (size_t i = 0; i < pl; i++)
            if (piece[i] >= 'a' && piece[i] <= 'z') piece[i] = (char)(piece[i] - 32);
        if (rnd(4) == 0 && pl > 1) pl -= 1 + rnd((unsigned)pl - 1); /* a part of it */
        while (pl && ((unsigned char)piece[pl - 1] & 0xC0) == 0xC0) pl--; /* whole characters */
        while (pl && pl < l->len && ((unsigned char)piece[pl] & 0xC0) == 0x80) {
          pl--;
          while (pl && ((unsigned char)piece[pl] & 0xC0) == 0x80) pl--;
        }
      }
    } else {
      const char *g = glue[rnd(sizeof glue / sizeof glue[0])];
      pl = strlen(g);
      memcpy(piece, g, pl);
    }
    if (n + pl >= cap) break;
    memcpy(out + n, piece, pl);
    n += pl;
  }
  out[n] = '\0';
  return n;
}

/* Words that hold an anchor (an apostrophe, a digit): the literals anchored inside such a
 * word are kept with its form and added again wherever it comes (patterns.c), unless one may
 * go on past the word ("hasn't " with its space, a run of digits), which is searched each
 * time. Each form comes first in one place and again in others (before a space, a full stop,
 * another word, at the end), in capitals too; the analyzer's literals and their last places
 * are the scan's each time, and the pre-gate skips only texts where no pattern may match. */
static void test_anchored_words(void **state) {
  (void)state;
  static const char *const words[] = {"hasn't", "isn't", "it's", "don't", "Don't", "DIDN'T",
                                      "can't", "won't", "I'm", "ab123456", "x2", "3rd",
                                      "haven't", "doesn't", "e-mails", "t&cs", "10%"};
  static const char *const after[] = {" ", ".", " recommend", " there", "", " found", "!"};
  vb_model *m = default_model();
  vb_analyzer *an;
  assert_int_equal(vb_analyzer_new(m, &an), VB_OK);
  const vb__cblang *cb = &m->cb[VB_LANG_EN];
  unsigned char *want = malloc(cb->n_lits);
  assert_non_null(want);
  vb__buf folded = {0};
  vb_run_options o = {VB_LANG_EN, VB_LANG_EN, 0};
  size_t n_words = sizeof words / sizeof words[0], n_after = sizeof after / sizeof after[0];
  for (size_t round = 0; round < 4 * n_words * n_after; round++) {
    char text[256];
    size_t w = round % n_words, a = round / n_words % n_after, v = round / (n_words * n_after);
    int len = snprintf(text, sizeof text, "%s%s %s%s and %s%s", v & 1 ? "so " : "",
                       words[w], words[(w + v + 1) % n_words], after[a], words[w],
                       after[(a + v) % n_after]);
    const vb_result *r;
    assert_int_equal(vb_analyzer_run(an, text, (size_t)len, &o, &r), VB_OK);
    same_literals(an, cb, text, (size_t)len, want, &folded);
  }
  free(want);
  vb__buf_free(&folded);
  vb_analyzer_free(an);
  vb_model_free(m);
}

/* A character that folds to a letter a word literal may hold is a letter to
 * vb__lit_letter(), which patterns.c asks where two tokens meet. */
static void test_lit_letter_covers_the_fold(void **state) {
  (void)state;
  size_t letters = 0;
  for (uint32_t cp = 0; cp < 0x110000; cp++) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    char f[4];
    size_t n = fold_cp(cp, f);
    uint32_t to = dec((const unsigned char *)f, n);
    bool word_letter = (to < 0x80 && vb__ascii_alpha((int)to)) ||
                       (to >= 0xC0 && to <= 0xFF && to != 0xD7 && to != 0xF7) ||
                       (to >= 0x5D0 && to <= 0x5EA);
    if (word_letter && !vb__lit_letter(cp)) fail_msg("U+%04X folds to a letter", cp);
    letters += word_letter;
  }
  assert_int_equal(letters, 52 + 62 + 27 + 5); /* ASCII, Latin-1 both cases, Hebrew, 5 more */
}

static void test_analyzer_finds_the_same_literals(void **state) {
  (void)state;
  vb_model *m = default_model();
  vb_analyzer *an;
  assert_int_equal(vb_analyzer_new(m, &an), VB_OK);
  vb__buf folded = {0};
  static const vb_lang langs[] = {VB_LANG_EN, VB_LANG_SV, VB_LANG_DA, VB_LANG_HE};
  size_t checked = 0;
  for (size_t li = 0; li < 4; li++) {
    const vb__cblang *cb = &m->cb[langs[li]];
    assert_true(cb->n_lits > 0);
    unsigned char *want = malloc(cb->n_lits);
    assert_non_null(want);
    vb_run_options o = {langs[li], langs[li], 0};
    const vb_result *r;
    for (size_t t = 0; t < corpus.n; t++) {
      size_t n = strlen(corpus.s[t]);
      assert_int_equal(vb_analyzer_run(an, corpus.s[t], n, &o, &r), VB_OK);
      same_literals(an, cb, corpus.s[t], n, want, &folded);
      checked++;
    }
    for (int round = 0; round < 20000; round++) {
      char text[1024];
      size_t n = gen_lit_text(cb, text, sizeof text);
      assert_int_equal(vb_analyzer_run(an, text, n, &o, &r), VB_OK);
      same_literals(an, cb, text, n, want, &folded);
      checked++;
    }
    free(want);
  }
  print_message("%zu texts: the analyzer found the literals the scan found (the pre-gate "
                "skipped %zu, rightly)\n", checked, pregate_skips);
  assert_true(pregate_skips > checked / 20);
  vb__buf_free(&folded);
  vb_analyzer_free(an);
  vb_model_free(m);
}

/* ---- word boundaries (vb__lit.b_before, b_after) ---- */

static void test_boundary_marks(void **state) {
  (void)state;
  show_marks = true;
  /* a run right after or right before \b (or its group's) is marked so, or white space */
  assert_string_equal(lits("(late|early)\\s+for\\s*(it)"), "late>|early>;<for;it");
  /* Hebrew words are not marked (see marked() in regex_lit.c) */
  assert_string_equal(lits("\\bשלום\\b"), "שלום");
  assert_string_equal(lits("\\bab\\s?cd"), "<ab;cd");
  assert_string_equal(lits("\\bcharg\\w*\\b[^.!?\\n]{0,40}\\btwice\\b"), "<twice>;<charg");
  assert_string_equal(lits("\\b(app|website|site)\\b"), "<app>|<website>|<site>");
  /* an optional last letter before \b: both forms, each with the boundary after it */
  assert_string_equal(lits("\\b(mins?|hrs?)\\b"), "<min>|<mins>|<hr>|<hrs>");
  assert_string_equal(lits("(mins?)xy"), "min;xy");
  /* a lookaround does not move: the \b before it still holds after it */
  assert_string_equal(lits("\\b(?=a)abc\\b"), "<abc>");
  /* an optional or repeated \b, a repeated group, a quantified last letter: no mark */
  assert_string_equal(lits("\\b?abc\\b*"), "abc");
  assert_string_equal(lits("\\b(abc)+\\b"), "<abc");
  assert_string_equal(lits("\\bab+\\b"), "<ab");
  /* only words (letters at both ends) are marked */
  assert_string_equal(lits("\\b(on hold|10|queue)\\b"), "on hold|10|<queue>");
  /* a set keeps a marked literal beside the one holding its letters; a full set gives way
   * to the shorter letters with the marks true of both */
  assert_string_equal(lits("\\b(bag|bags)\\b"), "<bag>|<bags>");
  show_marks = false;
}

/* Characters set next to the literals and the matches: letters in and outside the fold's
 * tables, digits of several scripts, a combining mark, punctuation, emoji. */
static const char *const edges[] = {"",       " ",       "x",      "\xc3\x89", "\xc3\xa9",
                                    "\xc5\xbf", "\xe2\x84\xaa", "\xc3\xbf", "\xd7\xa9",
                                    "\xd0\xb6", "\xd9\xa3", "3",        "\xef\xbc\x91",
                                    "_",      "'",       "-",      "\xcc\x81", "\xf0\x9f\x98\x80",
                                    "\xc2\xaa", "\xc2\xb5", "\xc3\x9f"};
#define N_EDGES (sizeof edges / sizeof edges[0])

/* Checks the text as test_analyzer_finds_the_same_literals does, and that pattern `re` (if
 * not NULL) runs on it when it matches it. */
static void boundary_check(vb_analyzer *an, const vb__cblang *cb, const vb_run_options *o,
                           const vb__cbregex *re, pcre2_match_data *md, const char *text,
                           size_t n, unsigned char *want, vb__buf *folded) {
  const vb_result *r;
  assert_int_equal(vb_analyzer_run(an, text, n, o, &r), VB_OK);
  same_literals(an, cb, text, n, want, folded);
  if (re && pcre2_match(re->code, (PCRE2_SPTR)text, n, 0, 0, md, NULL) >= 0 &&
      !vb__regex_may_match(cb, re, want))
    fail_msg("pattern %s skipped on a text it matches: %.300s", re->source, text);
}

static void test_boundary_edges(void **state) {
  (void)state;
  vb_model *m = default_model();
  vb_analyzer *an;
  assert_int_equal(vb_analyzer_new(m, &an), VB_OK);
  vb__buf folded = {0};
  pcre2_match_data *md = pcre2_match_data_create(64, NULL);
  static const vb_lang langs[] = {VB_LANG_EN, VB_LANG_SV, VB_LANG_DA, VB_LANG_HE};
  size_t bounded = 0, checked = 0, matched = 0;
  char *text = malloc(1 << 16);
  assert_true(md && text);
  for (size_t li = 0; li < 4; li++) {
    const vb__cblang *cb = &m->cb[langs[li]];
    unsigned char *want = malloc(cb->n_lits);
    assert_non_null(want);
    vb_run_options o = {langs[li], langs[li], 0};
    /* each literal that asks for a boundary, with every edge before it, after it, both */
    for (size_t k = 0; k < cb->n_lits; k++) {
      const struct vb__lit *l = &cb->lits[k];
      if (!l->b_before && !l->b_after) continue;
      bounded++;
      for (size_t e = 0; e < N_EDGES; e++)
        for (int side = 0; side < 3; side++) {
          int n = snprintf(text, 1 << 16, "so %s%s%s ok", side != 1 ? edges[e] : "", l->s,
                           side != 0 ? edges[e] : "");
          boundary_check(an, cb, &o, NULL, md, text, (size_t)n, want, &folded);
          boundary_check(an, cb, &o, NULL, md, text + 3, (size_t)n - 6, want, &folded);
          checked += 2;
        }
    }
    /* each match of a pattern with such a literal in the corpora, with every edge right
     * before it, right after it, both */
    for (size_t r = 0; r < cb->n_regexes; r++) {
      const vb__cbregex *re = &cb->regexes[r];
      bool any = false;
      for (size_t q = 0; q < re->n_literals; q++)
        any |= cb->lits[re->lit_ids[q]].b_before || cb->lits[re->lit_ids[q]].b_after;
      if (!any) continue;
      for (size_t t = 0; t < corpus.n; t++) {
        const char *s = corpus.s[t];
        size_t n = strlen(s);
        if (n > 30000 || pcre2_match(re->code, (PCRE2_SPTR)s, n, 0, 0, md, NULL) < 0) continue;
        matched++;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t a = ov[0], b = ov[1];
        for (size_t e = 0; e < N_EDGES; e++)
          for (int side = 0; side < 3; side++) {
            const char *eb = side != 1 ? edges[e] : "", *ea = side != 0 ? edges[e] : "";
            int len = snprintf(text, 1 << 16, "%.*s%s%.*s%s%s", (int)a, s, eb, (int)(b - a),
                               s + a, ea, s + b);
            boundary_check(an, cb, &o, re, md, text, (size_t)len, want, &folded);
            checked++;
          }
      }
    }
    free(want);
  }
  print_message("%zu literals with a boundary, %zu matches of their patterns; %zu texts with "
                "letters, digits, marks next to them\n", bounded, matched, checked);
  assert_true(bounded > 100 && matched > 100);
  free(text);
  pcre2_match_data_free(md);
  vb__buf_free(&folded);
  vb_analyzer_free(an);
  vb_model_free(m);
}

/* Analyses `rounds` generated English texts (with the literals of cb, and mixed) and checks
 * each: the literals the analyzer found are the scan's (same_literals), and the mentions are
 * the same without the gate (same_without_gate). Returns the mentions; *skipped the texts the
 * pre-gate skipped. */
static size_t gate_rounds(vb_model *m, vb__cblang *cb, int rounds, size_t *skipped) {
  vb_analyzer *an;
  assert_int_equal(vb_analyzer_new(m, &an), VB_OK);
  unsigned char *want = malloc(cb->n_lits ? cb->n_lits : 1);
  assert_non_null(want);
  vb__buf folded = {0};
  vb_run_options o = {VB_LANG_EN, VB_LANG_EN, 0};
  size_t total = 0;
  *skipped = 0;
  for (int round = 0; round < rounds; round++) {
    char text[1200];
    size_t len = round % 2 ? gen_mixed_text(cb, text, sizeof text)
                           : gen_lit_text(cb, text, sizeof text);
    const vb_result *r;
    assert_int_equal(vb_analyzer_run(an, text, len, &o, &r), VB_OK);
    *skipped += an->lits_skipped;
    same_literals(an, cb, text, len, want, &folded);
    total += same_without_gate(an, cb, text, len, &o);
  }
  free(want);
  vb__buf_free(&folded);
  vb_analyzer_free(an);
  return total;
}

/* More patterns than one word of bits holds (vb__cblang.set_need): the default English
 * patterns three times more, under themes of their own; the literals and the patterns listed
 * against the scan. (The pre-gate is off with more than 64 patterns: pre_anchor is NULL.) */
static void test_many_patterns(void **state) {
  (void)state;
  vb_model *m = default_model();
  char dir[] = "/tmp/vb_test_manyre_XXXXXX", path[64];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/many.codebook", dir);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  for (int copy = 0; copy < 3; copy++) {
    fprintf(fp, "[many%d]\nlabel: Many %d\n", copy, copy);
    for (size_t r = 0; r < m->cb[VB_LANG_EN].n_regexes; r++)
      fprintf(fp, "en.re: %s\n", m->cb[VB_LANG_EN].regexes[r].source);
  }
  fclose(fp);
  vb_model_free(m);
  m = codebook_model(path, false);
  remove(path);
  remove(dir);
  vb__cblang *cb = &m->cb[VB_LANG_EN];
  assert_true(cb->pat_words >= 3);
  assert_null(cb->pre_anchor);
  size_t skipped, total = gate_rounds(m, cb, 3000, &skipped);
  print_message("%zu English patterns: 3000 texts, %zu mentions, the same without the gate\n",
                cb->n_regexes, total);
  assert_true(total > 500);
  vb_model_free(m);
}

/* The edge of one word of pattern bits: 63, 64 and 65 patterns (the default English ones in
 * turn, each under a theme of its own, without the default codebook). The pre-gate works up to
 * 64 (bit 63 the last it uses) and is off above; with it or without, the literals the analyzer
 * finds are those of the scan and the mentions are those of running every pattern. */
static void test_pattern_bits_edge(void **state) {
  (void)state;
  vb_model *m = default_model();
  const vb__cblang *dflt = &m->cb[VB_LANG_EN];
  size_t n_dflt = dflt->n_regexes;
  assert_true(n_dflt >= 8);
  char **src = calloc(n_dflt, sizeof *src);
  assert_non_null(src);
  for (size_t r = 0; r < n_dflt; r++) src[r] = strdup(dflt->regexes[r].source);
  vb_model_free(m);
  for (size_t count = 63; count <= 65; count++) {
    char dir[] = "/tmp/vb_test_edge_XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/edge.codebook", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (size_t k = 0; k < count; k++)
      fprintf(fp, "[edge%zu]\nlabel: Edge %zu\nen.re: %s\n", k, k, src[k % n_dflt]);
    fclose(fp);
    m = codebook_model(path, true);
    remove(path);
    remove(dir);
    vb__cblang *cb = &m->cb[VB_LANG_EN];
    assert_int_equal(cb->n_regexes, count);
    assert_int_equal(cb->pat_words, (count + 63) / 64);
    if (count <= 64) assert_non_null(cb->pre_anchor);
    else assert_null(cb->pre_anchor);
    size_t skipped, total = gate_rounds(m, cb, 1500, &skipped);
    print_message("%zu patterns: 1500 texts (the pre-gate skipped %zu), %zu mentions, the same "
                  "without the gate\n", count, skipped, total);
    assert_true(total > 20);
    assert_true(count <= 64 ? skipped > 50 : skipped == 0);
    vb_model_free(m);
  }
  for (size_t r = 0; r < n_dflt; r++) free(src[r]);
  free(src);
}

/* Patterns are compiled without capturing plain groups (PCRE2_NO_AUTO_CAPTURE) unless that
 * changes them: a reference by number needs the groups (it fails to compile without), and a
 * named group would take number 1. Each pattern here matches only as written. */
static void test_backreferences(void **state) {
  (void)state;
  char dir[] = "/tmp/vb_test_backref_XXXXXX", path[64];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/refs.codebook", dir);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  /* (none has a literal: all would join the alternation of vb__codebook_finish(), where
   * group numbers shift, but for their groups) */
  fputs("[plain]\nlabel: Plain\nen.re: \\b(zq+)x\\1\\b\n"
        "[named]\nlabel: Named\nen.re: \\b(zr+)(?<n>zs+)x\\1\\b\n"
        "[relative]\nlabel: Relative\nen.re: \\b(zt)y\\g{-1}\\b\n"
        "[free]\nlabel: Free\nen.re: \\b[zw][xy]\\b\n"
        "[free2]\nlabel: Free2\nen.re: \\b[vy][xy][xy]\\b\n"
        /* \10 is a reference with ten groups before it (an octal escape without them) */
        "[ten]\nlabel: Ten\nen.re: (q)(w)(e)(r)(t)(y)(u)(i)(o)(p)\\10\n"
        /* verbs and marks act on a whole alternation: these run on their own */
        "[commit]\nlabel: Commit\nen.re: \\b\\p{Lu}\\p{Ll}(*COMMIT)\\p{Ll}{20}\n"
        "[caps]\nlabel: Caps\nen.re: \\b\\p{Lu}{5,}\\b\n"
        "[mark]\nlabel: Mark\nen.re: (*:0)\\b\\d{3}\\b\n",
        fp);
  fclose(fp);
  vb_model *m = codebook_model(path, true);
  remove(path);
  remove(dir);
  const vb__cblang *cb = &m->cb[VB_LANG_EN];
  assert_non_null(cb->combined); /* (the two without groups) */
  static const bool joined[] = {false, false, false, true, true, false, false, true, false};
  assert_int_equal(cb->n_regexes, sizeof joined / sizeof *joined);
  for (size_t r = 0; r < cb->n_regexes; r++) assert_int_equal(cb->regexes[r].joined, joined[r]);
  vb_analyzer *an;
  assert_int_equal(vb_analyzer_new(m, &an), VB_OK);
  static const struct {
    const char *text, *theme; /* NULL: no mention */
  } cases[] = {
      {"so zqqxzqq then", "plain"},  {"so zqqxzq then", NULL},
      {"so zrrzssxzrr ok", "named"}, {"so zrrzssxzss ok", NULL},
      {"a ztyzt b", "relative"},     {"a ztyzq b", NULL},
      {"a zx b", "free"},            {"a yxy b", "free2"},
      {"we saw qwertyuiopp today", "ten"}, {"we saw qwertyuiop\x08 today", NULL},
      {"Hi there SHOUTING now", "caps"},   {"code 123 here", "mark"},
  };
  vb_run_options o = {VB_LANG_EN, VB_LANG_EN, 0};
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    const vb_result *r;
    const vb_mention *mn;
    assert_int_equal(vb_analyzer_run(an, cases[c].text, strlen(cases[c].text), &o, &r), VB_OK);
    size_t n = vb_result_mentions(r, &mn);
    if (!cases[c].theme) {
      if (n) fail_msg("\"%s\": a mention of %s", cases[c].text, vb_model_theme_id(m, mn[0].theme));
      continue;
    }
    assert_int_equal(n, 1);
    assert_string_equal(vb_model_theme_id(m, mn[0].theme), cases[c].theme);
  }
  vb_analyzer_free(an);
  vb_model_free(m);
}

/* The fold's eight-bytes-at-a-time ASCII path against a byte-wise lower-casing, on random
 * ASCII with capitals, the bytes around them ('@', '[', '`', '{') and runs cut by a non-ASCII
 * letter at every offset. */
static void test_fold_ascii_runs(void **state) {
  (void)state;
  static const char alphabet[] = "AZaz@[`{09 .MQmq\x7f\x01";
  uint64_t seed = 12345;
  char in[64], out[64], want[64];
  for (int round = 0; round < 20000; round++) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    size_t n = (size_t)(seed >> 58) % 40, cut = (size_t)(seed >> 40) % 48;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      if (i == cut && k + 2 <= n) { /* "Ä", folded to "ä" */
        in[k] = (char)0xC3, want[k++] = (char)0xC3;
        in[k] = (char)0x84, want[k++] = (char)0xA4;
        continue;
      }
      if (k >= n) break;
      char c = alphabet[(seed >> 33) % (sizeof alphabet - 1)];
      in[k] = c;
      want[k++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    size_t got = vb__lit_fold(in, k, out);
    assert_int_equal(got, k);
    assert_memory_equal(out, want, k);
    got = vb__lit_fold_words(in, k, out); /* (the path of machines without SSE2) */
    assert_int_equal(got, k);
    assert_memory_equal(out, want, k);
  }
}

/* The fold eight bytes at a time against the fold of each character alone, on random text of
 * ASCII, Latin-1 (capitals, ×, ß, ÿ), C2 characters, Hebrew letters and points, the
 * characters that fold to ASCII or Latin-1 and digits of other scripts, at every
 * alignment. */
static void test_fold_blocks(void **state) {
  (void)state;
  static const uint32_t chars[] = {'a',    'Z',    'q',   'M',    ' ',    '.',    '7',    '@',
                                   '[',    '`',    '{',   0xC5,   0xE5,   0xD6,   0xF6,   0xC0,
                                   0xDE,   0xDF,   0xFF,  0xD7,   0xF7,   0xC9,   0xA0,   0xA3,
                                   0xB5,   0xBF,   0x80,  0x5D0,  0x5EA,  0x5B0,  0x5F3,  0x212A,
                                   0x212B, 0x17F,  0x178, 0x1E9E, 0x39C,  0x3BC,  0x663,  0xFF13,
                                   0x2019, 0x1F600, 0x100, 0x1D7CE, 0x966, 0x5BE};
  uint64_t seed = 99;
  char in[256], out[256], want[256];
  for (int round = 0; round < 20000; round++) {
    size_t n = 0, wn = 0;
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    size_t count = (size_t)(seed >> 59);
    /* mostly letters of one script, some of the others */
    size_t base = (size_t)(seed >> 40) % 4;
    for (size_t c = 0; c < count; c++) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      uint32_t cp;
      if ((seed >> 60) < 10)
        cp = base == 0 ? 'a' + (uint32_t)(seed >> 33) % 26
             : base == 1 ? 'A' + (uint32_t)(seed >> 33) % 26
             : base == 2 ? 0xC0 + (uint32_t)(seed >> 33) % 64
                         : 0x5D0 + (uint32_t)(seed >> 33) % 27;
      else
        cp = chars[(seed >> 33) % (sizeof chars / sizeof chars[0])];
      char b[4];
      size_t bl = enc(cp, b);
      memcpy(in + n, b, bl);
      n += bl;
      wn += fold_cp(cp, want + wn);
    }
    size_t got = vb__lit_fold(in, n, out);
    assert_int_equal(got, wn);
    assert_memory_equal(out, want, wn);
    got = vb__lit_fold_words(in, n, out); /* (the path of machines without SSE2) */
    assert_int_equal(got, wn);
    assert_memory_equal(out, want, wn);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_words),
      cmocka_unit_test(test_alternation_of_sequences),
      cmocka_unit_test(test_set_cap),
      cmocka_unit_test(test_short_literals),
      cmocka_unit_test(test_digit_requirement),
      cmocka_unit_test(test_unfilterable),
      cmocka_unit_test(test_fold_is_caseless),
      cmocka_unit_test(test_fold_ascii_runs),
      cmocka_unit_test(test_fold_blocks),
      cmocka_unit_test(test_random_patterns),
      cmocka_unit_test(test_lead),
      cmocka_unit_test(test_random_leads),
      cmocka_unit_test(test_lead_skip_classes),
      cmocka_unit_test(test_each_set_matters),
      cmocka_unit_test(test_gate_never_skips_a_match),
      cmocka_unit_test(test_many_patterns),
      cmocka_unit_test(test_pattern_bits_edge),
      cmocka_unit_test(test_backreferences),
      cmocka_unit_test(test_analyzer_same_mentions),
      cmocka_unit_test(test_analyzer_windows),
      cmocka_unit_test(test_gap_lists),
      cmocka_unit_test(test_gap_next),
      cmocka_unit_test(test_lit_letter_covers_the_fold),
      cmocka_unit_test(test_anchored_words),
      cmocka_unit_test(test_analyzer_finds_the_same_literals),
      cmocka_unit_test(test_boundary_marks),
      cmocka_unit_test(test_boundary_edges),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
