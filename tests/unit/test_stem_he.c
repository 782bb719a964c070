/*
 * test_stem_he.c - the Hebrew light stemmer (HLS-1 in LANGUAGES.md) with a vocabulary built
 * here, so that the results do not depend on the lexicon files.
 *
 * HLS-1: leave words under 3 letters, protected function words and words with " alone; try
 * every (legal proclitic prefix, suffix) split leaving a stem of at least 3 letters; accept a
 * stem only when the stem, stem+ה or stem+ת is in the vocabulary; take the accepted split that
 * strips the most; then drop a final ה or ת from a stem longer than 3 letters. Keys arrive
 * normalised (no points, final letters folded), so the helpers normalise first and the
 * expected stems are written with folded finals (הזמנ, not הזמן).
 */
#include "vb_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vb_text.h"

/* The vocabulary of the customer-experience words that must survive stemming. */
static const char *const core_words[] = {"לקוח", "משלוח", "שירות", "הזמנה",
                                         "מחיר", "החזר",  "תמיכה"};

typedef struct {
  vb__he_vocab *v;
  vb__norm nz;
  vb__buf key, out;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f || vb__he_vocab_new(&f->v) != VB_OK) return -1;
  for (size_t i = 0; i < sizeof core_words / sizeof core_words[0]; i++) {
    f->key.len = 0;
    if (vb__normalize(&f->nz, core_words[i], strlen(core_words[i]), 0, &f->key) ||
        vb__he_vocab_add(f->v, f->key.data, f->key.len))
      return -1;
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  vb__he_vocab_free(f->v);
  vb__norm_free(&f->nz);
  vb__buf_free(&f->key);
  vb__buf_free(&f->out);
  free(f);
  return 0;
}

static void vocab_add(fixture *f, const char *w) {
  f->key.len = 0;
  assert_int_equal(vb__normalize(&f->nz, w, strlen(w), 0, &f->key), VB_OK);
  assert_int_equal(vb__he_vocab_add(f->v, f->key.data, f->key.len), VB_OK);
}

/* Normalises `word`, stems it, and returns the stem (NUL-terminated, owned by f). */
static const char *stem(fixture *f, const vb__he_vocab *v, const char *word) {
  f->key.len = 0;
  assert_int_equal(vb__normalize(&f->nz, word, strlen(word), 0, &f->key), VB_OK);
  f->out.len = 0;
  assert_int_equal(vb__he_stem(v, f->key.data, f->key.len, &f->out), VB_OK);
  assert_int_equal(vb__buf_putc(&f->out, '\0'), VB_OK);
  return f->out.data;
}

#define stem_is(f, word, want) assert_string_equal(stem((f), (f)->v, (word)), (want))

static void test_core_words_survive(void **state) {
  fixture *f = *state;
  assert_int_equal(vb__he_vocab_size(f->v), 7);
  /* משלוח "delivery": not מש+לוח ("board") */
  stem_is(f, "משלוח", "משלוח");
  stem_is(f, "משלוחים", "משלוח");
  stem_is(f, "והמשלוח", "משלוח");
  stem_is(f, "למשלוח", "משלוח");
  /* לקוח "customer": not ל+קוח */
  stem_is(f, "לקוח", "לקוח");
  stem_is(f, "לקוחות", "לקוח");
  stem_is(f, "ללקוח", "לקוח");
  stem_is(f, "והלקוחות", "לקוח");
  /* הזמנה "order": not ה+זמן ("time"); הזמנה and הזמנות both give הזמנ (step 5) */
  stem_is(f, "הזמנה", "הזמנ");
  stem_is(f, "הזמנות", "הזמנ");
  stem_is(f, "בהזמנה", "הזמנ");
  stem_is(f, "ההזמנות", "הזמנ");
  /* מחיר "price", החזר "refund" */
  stem_is(f, "מחיר", "מחיר");
  stem_is(f, "המחיר", "מחיר");
  stem_is(f, "מחירים", "מחיר");
  stem_is(f, "החזר", "החזר");
  stem_is(f, "ההחזר", "החזר");
  stem_is(f, "החזרים", "החזר");
  /* תמיכה "support": final ה dropped */
  stem_is(f, "תמיכה", "תמיכ");
  stem_is(f, "בתמיכה", "תמיכ");
}

static void test_shirut_conflates_without_becoming_shir(void **state) {
  fixture *f = *state;
  /*
   * שירות ends in ת and is longer than 3 letters, so HLS-1 step 5 drops it: every form gives
   * שירו. (The brief for these tests expected בשירות -> שירות; LANGUAGES.md's step 5, which
   * stem_he.c implements, gives שירו.) What matters: all forms meet, and never at שיר "song".
   */
  stem_is(f, "שירות", "שירו");
  stem_is(f, "בשירות", "שירו");
  stem_is(f, "השירות", "שירו");
  stem_is(f, "והשירות", "שירו");
  stem_is(f, "שירותים", "שירו");
  assert_string_not_equal(stem(f, f->v, "בשירות"), "שיר");
}

static void test_unknown_words_unchanged(void **state) {
  fixture *f = *state;
  /* no split of these has a stem in the vocabulary: the normalised word comes back */
  stem_is(f, "מכוניות", "מכוניות");
  stem_is(f, "ספרים", "ספרימ");
  stem_is(f, "והשולחן", "והשולחנ");
  stem_is(f, "בית", "בית");
  /* non-Hebrew keys and acronyms (with ") are left alone */
  stem_is(f, "delivery", "delivery");
  stem_is(f, "דו\"ח", "דו\"ח");
  stem_is(f, "שירותx", "שירותx");
  /* no vocabulary: nothing is stemmed */
  assert_string_equal(stem(f, NULL, "משלוחים"), "משלוחימ");
}

static void test_protected_and_short_words(void **state) {
  fixture *f = *state;
  /* with אות ("letter, sign") in the vocabulary, אותיות is stemmed to it ... */
  vocab_add(f, "אות");
  stem_is(f, "אותיות", "אות");
  /* ... but the protected function words that look like its inflections are not */
  stem_is(f, "אותה", "אותה");
  stem_is(f, "אותו", "אותו");
  stem_is(f, "אותנו", "אותנו");
  /* protected words written with finals are matched after folding */
  stem_is(f, "אותם", "אותמ");
  vocab_add(f, "שלנ");
  stem_is(f, "שלנו", "שלנו");
  /* under three letters: unchanged, even when a suffix rule would apply */
  vocab_add(f, "בת");
  stem_is(f, "בתה", "בתה"); /* a three-letter word whose stem would be two letters */
  stem_is(f, "בה", "בה");
  stem_is(f, "ו", "ו");
  stem_is(f, "", "");
}

static void test_vocab(void **state) {
  (void)state;
  vb__he_vocab *v;
  assert_int_equal(vb__he_vocab_new(&v), VB_OK);
  assert_int_equal(vb__he_vocab_size(v), 0);
  assert_int_equal(vb__he_vocab_size(NULL), 0);
  /* only Hebrew keys are kept (acronyms with a gershayim too); duplicates once */
  assert_int_equal(vb__he_vocab_add(v, "abc", 3), VB_OK);
  assert_int_equal(vb__he_vocab_size(v), 0);
  assert_int_equal(vb__he_vocab_add(v, "דו\"ח", strlen("דו\"ח")), VB_OK);
  assert_int_equal(vb__he_vocab_size(v), 1);
  assert_int_equal(vb__he_vocab_add(v, "לקוח", strlen("לקוח")), VB_OK);
  assert_int_equal(vb__he_vocab_add(v, "לקוח", strlen("לקוח")), VB_OK);
  assert_int_equal(vb__he_vocab_size(v), 2);
  vb__he_vocab_free(v);
  vb__he_vocab_free(NULL);
}

static void expect_prefixes(const char *word, size_t max, const size_t *want, size_t n_want) {
  size_t lens[64];
  size_t n = vb__he_prefixes(word, strlen(word), lens, max);
  if (n != n_want) fail_msg("%s: %zu prefixes, expected %zu", word, n, n_want);
  for (size_t i = 0; i < n; i++)
    if (lens[i] != want[i])
      fail_msg("%s: prefix %zu is %zu bytes, expected %zu", word, i, lens[i], want[i]);
}

static void test_prefixes(void **state) {
  (void)state;
  /* ו+ה: וה, ו; "והמ" is not legal (ה comes last) */
  expect_prefixes("והמשלוח", 16, (const size_t[]){4, 2}, 2);
  /* ומשל (ו + מש + ל), ומש, ומ, ו: longest first, in bytes */
  expect_prefixes("ומשלוח", 16, (const size_t[]){8, 6, 4, 2}, 4);
  /* every prefix leaves at least two letters: ומשלוח has 6 letters, so a 5-letter prefix
   * could not fit anyway; with ולכשבהזמנה (10 letters): ולכשבה ולכשב ולכש ול ו */
  expect_prefixes("ולכשבהזמנה", 16, (const size_t[]){12, 10, 8, 4, 2}, 5);
  /* בית: ב leaves ית (two letters) */
  expect_prefixes("בית", 16, (const size_t[]){2}, 1);
  /* בו: ב would leave one letter */
  expect_prefixes("בו", 16, NULL, 0);
  /* no proclitic letter first */
  expect_prefixes("לקוח", 16, (const size_t[]){2}, 1); /* ל is a legal prefix letter */
  expect_prefixes("תמיכה", 16, NULL, 0);
  /* max is respected (the longest come first) */
  expect_prefixes("ומשלוח", 1, (const size_t[]){8}, 1);
  /* not Hebrew */
  expect_prefixes("www", 16, NULL, 0);
  expect_prefixes("ו\"ח", 16, NULL, 0);
  /* proclitics and a hyphen before another script or a number: one reading, through the
   * hyphen (ו- ל- ומה- וכשב-), and none when the letters are no proclitic sequence (ר-, בב-),
   * when nothing follows, or with no room (max 0) */
  expect_prefixes("ו-vexa", 16, (const size_t[]){3}, 1);
  expect_prefixes("ל-google", 16, (const size_t[]){3}, 1);
  expect_prefixes("ומה-2020", 16, (const size_t[]){7}, 1);
  expect_prefixes("וכשב-ikea", 16, (const size_t[]){9}, 1);
  expect_prefixes("ר-vexa", 16, NULL, 0);
  expect_prefixes("בב-vexa", 16, NULL, 0);
  expect_prefixes("ל-", 16, NULL, 0);
  expect_prefixes("ל-vexa", 0, NULL, 0);
  expect_prefixes("vexa-ל", 16, NULL, 0);
}

/* vb__he_prefixes() walks the key through the four slots of a proclitic; here the same
 * answer by the way it was found before: every combination of the slots in a list, longest
 * first, each tried against the key, on 200,000 random words of prefix letters and others. */
static void test_prefixes_against_the_list(void **state) {
  (void)state;
  static const char *const g1[] = {"", "ו"}, *const g2[] = {"", "ש", "כש", "מש", "לכש"},
                           *const g3[] = {"", "ב", "כ", "ל", "מ"}, *const g4[] = {"", "ה"};
  char list[100][16];
  size_t n_list = 0;
  for (size_t a = 0; a < 2; a++)
    for (size_t b = 0; b < 5; b++)
      for (size_t c = 0; c < 5; c++)
        for (size_t d = 0; d < 2; d++) {
          if (!a && !b && !c && !d) continue;
          snprintf(list[n_list++], sizeof list[0], "%s%s%s%s", g1[a], g2[b], g3[c], g4[d]);
        }
  assert_int_equal(n_list, 99);
  /* longest first (a stable order within a length: one string of a length can match) */
  for (size_t i = 1; i < n_list; i++)
    for (size_t j = i; j > 0 && strlen(list[j - 1]) < strlen(list[j]); j--) {
      char t[16];
      memcpy(t, list[j], sizeof t);
      memcpy(list[j], list[j - 1], sizeof t);
      memcpy(list[j - 1], t, sizeof t);
    }
  static const char *const letters[] = {"ו", "ה", "ב", "כ", "ל", "מ", "ש", "א", "ת", "ר", "\""};
  srand(7);
  for (int round = 0; round < 200000; round++) {
    char key[64];
    size_t len = 0, n_letters = 1 + (size_t)(rand() % 9);
    for (size_t k = 0; k < n_letters; k++) {
      const char *l = letters[rand() % (round % 3 ? 7 : 11)];
      memcpy(key + len, l, strlen(l));
      len += strlen(l);
    }
    size_t max = round % 5 ? 16 : 1 + (size_t)(rand() % 3);
    size_t got[16], want[16], n_got = vb__he_prefixes(key, len, got, max), n_want = 0;
    bool hebrew = true;
    for (size_t q = 0; q < len; q++) hebrew &= key[q] != '"' || (q > 0 && q + 1 < len);
    for (size_t i = 0; i < n_list && n_want < max && hebrew; i++) {
      size_t pl = strlen(list[i]);
      if (pl + 4 <= len && memcmp(key, list[i], pl) == 0) want[n_want++] = pl;
    }
    if (n_got != n_want || memcmp(got, want, n_got * sizeof *got) != 0)
      fail_msg("'%.*s' (max %zu): %zu prefixes, the list gives %zu", (int)len, key, max, n_got,
               n_want);
  }
}

static void test_stemmer_interface_caches(void **state) {
  fixture *f = *state;
  vb__stemmer *st;
  assert_int_equal(vb__stemmer_new(VB_LANG_HE, f->v, &st), VB_OK);
  const char *key = "\xD7\x9E\xD7\xA9\xD7\x9C\xD7\x95\xD7\x97\xD7\x99\xD7\x9E"; /* משלוחימ */
  const char *s1, *s2;
  size_t n1, n2;
  assert_int_equal(vb__stem(st, key, strlen(key), &s1, &n1), VB_OK);
  assert_span(s1, n1, "משלוח");
  assert_int_equal(vb__stem(st, key, strlen(key), &s2, &n2), VB_OK); /* from the cache */
  assert_span(s2, n2, "משלוח");
  vb__stemmer_free(st);
}

static void test_realistic_vocabulary_destroys_words(void **state) {
  fixture *f = *state;
  /*
   * LANGUAGES.md warns that unguarded stripping turns משלוח into לוח ("board") and שירות into
   * שיר ("song"). The vocabulary guard only helps while לוח and שיר are NOT in the vocabulary:
   * a real vocabulary (a reference word list, "grown from the corpus being analysed") holds
   * these common words, and then "the accepted split that strips the most" (step 4) prefers
   * מש+לוח (4 bytes stripped) over the whole word (0) and שיר+ות over שירו+ת.
   * Expected: משלוח -> משלוח, שירות -> שירו; actual: לוח and שיר.
   */
  vocab_add(f, "לוח");
  vocab_add(f, "שיר");
  const char *s = stem(f, f->v, "משלוח");
  assert_non_null(s);
  s = stem(f, f->v, "שירות");
  assert_non_null(s);
  stem_is(f, "משלוח", "משלוח");
  stem_is(f, "משלוחים", "משלוח");
  stem_is(f, "שירות", "שירו");
}

static void test_prefix_before_known_acronym(void **state) {
  fixture *f = *state;
  /*
   * HLS-1 step 1: words containing " are left alone, but "strip a legal prefix before a known
   * acronym" (בדו"ח -> דו"ח). stem_he.c leaves every word with " unchanged and
   * vb__he_vocab_add() silently ignores acronyms, so the prefix is never stripped; and
   * vb__he_prefixes() returns no prefix for them either (themes.c relies on it).
   */
  vocab_add(f, "דו\"ח");
  stem_is(f, "דו\"ח", "דו\"ח");
  stem_is(f, "בדו\"ח", "דו\"ח");
  expect_prefixes("בדו\"ח", 16, (const size_t[]){2}, 1);
}

/* Verb forms reach the past third person masculine singular in the vocabulary (templates in
 * stem_he.c), in every binyan the customer vocabulary needs. */
static void test_verb_templates(void **state) {
  fixture *f = *state;
  static const char *const verbs[] = {"שלח", "הזמין", "קיבל", "התקשר", "נבחר", "עשה",
                                      "ניסה", "חיכה", "הגיע", "התאחר", "זמין", "מים"};
  for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) vocab_add(f, verbs[i]);
  /* pa'al: participle, infinitive, future */
  stem_is(f, "שולח", "שלח");
  stem_is(f, "שולחים", "שלח");
  stem_is(f, "לשלוח", "שלח");
  stem_is(f, "ישלחו", "שלח");
  stem_is(f, "שלחו", "שלח");
  /* hif'il: participle (not מ + זמין "from available"), infinitive, future */
  stem_is(f, "מזמין", "הזמינ");
  stem_is(f, "מזמינים", "הזמינ");
  stem_is(f, "להזמין", "הזמינ");
  stem_is(f, "ויזמינו", "הזמינ");
  stem_is(f, "הזמנו", "הזמנ"); /* הזמנה is in the vocabulary: the noun's split wins */
  stem_is(f, "מגיע", "הגיע");
  stem_is(f, "יגיעו", "הגיע");
  /* pi'el: participle and future with the י of the past */
  stem_is(f, "מקבל", "קיבל");
  stem_is(f, "תקבל", "קיבל");
  stem_is(f, "מחכים", "חיכ");
  stem_is(f, "מנסה", "ניס");
  /* hitpa'el */
  stem_is(f, "מתקשרים", "התקשר");
  stem_is(f, "להתקשר", "התקשר");
  stem_is(f, "יתקשרו", "התקשר");
  /* nif'al: future and infinitive */
  stem_is(f, "ייבחר", "נבחר");
  stem_is(f, "להיבחר", "נבחר");
  /* lamed-he: the ה falls before suffixes and becomes ות in the infinitive */
  stem_is(f, "לעשות", "עשה");
  stem_is(f, "עשו", "עשה");
  stem_is(f, "יעשו", "עשה");
  stem_is(f, "לחכות", "חיכ");
  /* after ל a stem known only with ה is an infinitive first: לקבל is not ל + קבלה */
  vocab_add(f, "קבלה");
  stem_is(f, "לקבל", "קיבל");
  stem_is(f, "תקבלו", "קיבל");
  stem_is(f, "קבלות", "קבל");
  /* but לקוח stays the customer after ל (no ל + infinitive of לקח) */
  vocab_add(f, "לקח");
  stem_is(f, "ללקוחות", "לקוח");
  stem_is(f, "ללקוח", "לקוח");
  /* after ל, C1 C2 ו C3 of an adjective is the infinitive: לסגור -> סגר, סגורה -> סגור */
  vocab_add(f, "סגר");
  vocab_add(f, "סגור");
  stem_is(f, "לסגור", "סגר");
  stem_is(f, "סגורה", "סגור");
  /* no future after the article: התאחר is not ה + תאחר (future of אחר) */
  stem_is(f, "התאחרה", "התאחר");
  /* a noun whose first letter looks like a future prefix is not rewritten when a known word
   * is found first */
  stem_is(f, "המים", "מימ");
}

/* Nouns: construct feminine, plurals of two-letter cores, irregular plurals; and rewrites
 * that must not happen. */
static void test_noun_templates(void **state) {
  fixture *f = *state;
  static const char *const words[] = {"שנה", "שעה", "דקה", "קשה", "קשת", "היכל", "יום", "מים"};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) vocab_add(f, words[i]);
  stem_is(f, "שנת", "שנה");
  stem_is(f, "שנים", "שנה");
  stem_is(f, "שעות", "שעה");
  stem_is(f, "בדקות", "דקה");
  /* קשות is the plural of קשה, not קשת "bow" (C1 C2 ו C3 is an infinitive only after ל) */
  stem_is(f, "קשות", "קשה");
  /* מיכל is not a participle of היכל */
  stem_is(f, "מיכל", "מיכל");
  /* ימים "days" belongs to יום, not to מים "water" */
  stem_is(f, "ימים", "יומ");
  stem_is(f, "בימים", "יומ");
  stem_is(f, "מים", "מימ");
  /* every irregular plural and construct form of the table, bare and after a proclitic, goes
   * to the stem of its singular (the stemmer looks the table up only for words ending in ם, י or
   * ת, the letters all of them end with) */
  static const char *const irregular[][2] = {
      {"ימים", "יום"}, {"ימי", "יום"},   {"אנשים", "איש"}, {"אנשי", "איש"},   {"נשים", "אשה"},
      {"נשות", "אשה"}, {"בנים", "בן"},   {"בנות", "בת"},   {"ערים", "עיר"},   {"ערי", "עיר"},
      {"בתים", "בית"}, {"בתי", "בית"},   {"אחים", "אח"},   {"אחיות", "אחות"}, {"אבות", "אב"},
      {"אמהות", "אם"}, {"שמות", "שם"}};
  for (size_t i = 0; i < sizeof irregular / sizeof irregular[0]; i++) {
    char want[64], with_ve[64];
    vocab_add(f, irregular[i][1]);
    snprintf(want, sizeof want, "%s", stem(f, f->v, irregular[i][1]));
    stem_is(f, irregular[i][0], want);
    snprintf(with_ve, sizeof with_ve, "\xD7\x95%s", irregular[i][0]); /* ו "and" */
    stem_is(f, with_ve, want);
  }
  /* a two-letter core needs a plural suffix: רמי is not רמה */
  vocab_add(f, "רמה");
  stem_is(f, "רמי", "רמי");
  /* function words after proclitics */
  stem_is(f, "ולא", "ולא");
  stem_is(f, "מלא", "מלא");
  stem_is(f, "ואין", "אינ");
  stem_is(f, "שאני", "אני");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_core_words_survive, setup, teardown),
      cmocka_unit_test_setup_teardown(test_shirut_conflates_without_becoming_shir, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unknown_words_unchanged, setup, teardown),
      cmocka_unit_test_setup_teardown(test_protected_and_short_words, setup, teardown),
      cmocka_unit_test(test_vocab),
      cmocka_unit_test(test_prefixes),
      cmocka_unit_test(test_prefixes_against_the_list),
      cmocka_unit_test_setup_teardown(test_stemmer_interface_caches, setup, teardown),
      cmocka_unit_test_setup_teardown(test_realistic_vocabulary_destroys_words, setup, teardown),
      cmocka_unit_test_setup_teardown(test_prefix_before_known_acronym, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verb_templates, setup, teardown),
      cmocka_unit_test_setup_teardown(test_noun_templates, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
