/*
 * test_near.c - the codebook's near terms ("A|B ~N C|D") and exact forms ("=word") in the four
 * languages: matching across inflection, compounds and Hebrew proclitics, the word distance,
 * the sentence boundary, the order of the parts, exclusions, exact forms that match no other
 * inflection; parse errors with their positions; the terms as listed for exports; a YAML
 * dictionary using both; and the pairing against a reference written out here, on many
 * generated texts.
 *
 * The models use the built-in data (stems, and the vocabulary that guards the Hebrew stemmer)
 * with only the test's codebook.
 */
#define _XOPEN_SOURCE 700
#include "vb_test.h"
#include "vb_test_model.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "verbatim.h"

#define CB VB_TEST_TMP "/test_near.codebook"
#define CB_BAD VB_TEST_TMP "/test_near_bad.codebook"
#define CB_YML VB_TEST_TMP "/test_near.yml"
#define CB_RAND VB_TEST_TMP "/test_near_rand.codebook"

static const char cb_text[] =
    "[near]\n"
    "en: fast|quick ~3 deliver*; turned up ~2 broken box\n"
    "en.not: not quick\n"
    "sv: snabb ~3 leverans\n"
    "da: hurtig* ~3 levering\n"
    "he: מחיר ~3 =עלה|=עלו\n"
    "[exact]\n"
    "en: =sorted\n"
    "en.not: not sorted\n"
    "sv: =löst\n"
    "da: =løst\n"
    "he: =הזמנה\n"
    "[plain]\n"
    "he: הזמנה\n";

typedef struct {
  vb_model *m;
  vb_analyzer *an;
  long near, exact, plain;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f) return -1;
  *state = f;
  const char *const cbs[] = {CB};
  if (vbt_write(CB, cb_text, 0) || vbt_load_or_say(NULL, cbs, 1, NULL, 0, &f->m) ||
      vb_analyzer_new(f->m, &f->an))
    return -1;
  f->near = vb_model_theme_find(f->m, "near");
  f->exact = vb_model_theme_find(f->m, "exact");
  f->plain = vb_model_theme_find(f->m, "plain");
  return f->near < 0 || f->exact < 0 || f->plain < 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  if (f) {
    vb_analyzer_free(f->an);
    vb_model_free(f->m);
    free(f);
  }
  remove(CB);
  remove(CB_BAD);
  remove(CB_YML);
  remove(CB_RAND);
  return 0;
}

static const vb_result *run(vb_analyzer *an, vb_lang lang, const char *text) {
  vb_run_options ro = {lang, VB_LANG_UND, 0};
  const vb_result *r = NULL;
  assert_int_equal(vb_analyzer_run(an, text, strlen(text), &ro, &r), VB_OK);
  return r;
}

static size_t count(const vb_result *r, long t) {
  const vb_mention *m;
  size_t n = vb_result_mentions(r, &m), c = 0;
  for (size_t i = 0; i < n; i++) c += (long)m[i].theme == t;
  return c;
}

/* Writes codebook `text` to `path` and loads a model of it alone, with an analyzer. */
static void load_alone(const char *path, const char *text, vb_model **m, vb_analyzer **an) {
  assert_int_equal(vbt_write(path, text, 0), 0);
  const char *const cbs[] = {path};
  *m = NULL;
  assert_int_equal(vbt_load_or_say(NULL, cbs, 1, NULL, 0, m), VB_OK);
  *an = NULL;
  assert_int_equal(vb_analyzer_new(*m, an), VB_OK);
}

/* Whether theme t is mentioned exactly over `span` (its first place in `text`). */
static bool at(const vb_result *r, long t, const char *text, const char *span) {
  const char *p = strstr(text, span);
  assert_non_null(p);
  size_t start = (size_t)(p - text), end = start + strlen(span);
  const vb_mention *m;
  size_t n = vb_result_mentions(r, &m);
  for (size_t i = 0; i < n; i++)
    if ((long)m[i].theme == t && m[i].start == start && m[i].end == end) return true;
  return false;
}

/* `text` mentions theme t once, over `span`. */
static void once(fixture *f, vb_lang lang, long t, const char *text, const char *span) {
  const vb_result *r = run(f->an, lang, text);
  if (count(r, t) != 1 || !at(r, t, text, span))
    fail_msg("%s \"%s\": %zu mentions, want one over \"%s\"", vb_lang_code(lang), text,
             count(r, t), span);
}

static void none(fixture *f, vb_lang lang, long t, const char *text) {
  const vb_result *r = run(f->an, lang, text);
  if (count(r, t))
    fail_msg("%s \"%s\": %zu mentions, want none", vb_lang_code(lang), text, count(r, t));
}

static void test_near_english(void **state) {
  fixture *f = *state;
  long t = f->near;
  /* each part matched as a term: the stem, a prefix, several words */
  once(f, VB_LANG_EN, t, "Quick delivery, thanks", "Quick delivery");
  once(f, VB_LANG_EN, t, "the fast courier delivered it", "fast courier delivered");
  once(f, VB_LANG_EN, t, "it turned up with a broken boxes", "turned up with a broken boxes");
  /* at most three words between */
  once(f, VB_LANG_EN, t, "quick little parcel was delivered", "quick little parcel was delivered");
  none(f, VB_LANG_EN, t, "quick little parcel that was delivered");
  /* punctuation is no word; a sentence end stops it, a comma does not */
  once(f, VB_LANG_EN, t, "quick , - , delivery", "quick , - , delivery");
  none(f, VB_LANG_EN, t, "It was quick. Delivery was late");
  none(f, VB_LANG_EN, t, "Was it quick? Delivery was late");
  none(f, VB_LANG_EN, t, "quick!delivery");
  none(f, VB_LANG_EN, t, "quick\ndelivery");
  /* the first part first */
  none(f, VB_LANG_EN, t, "delivery was quick");
  /* an exclusion holding a part removes it */
  none(f, VB_LANG_EN, t, "not quick delivery at all");
  /* from the first first part to the furthest second part; no overlapping mentions */
  once(f, VB_LANG_EN, t, "fast delivery and delivered", "fast delivery and delivered");
  once(f, VB_LANG_EN, t, "fast fast delivery", "fast fast delivery");
  const char *text = "fast delivery. Quick delivery too";
  const vb_result *r = run(f->an, VB_LANG_EN, text);
  assert_int_equal(count(r, t), 2);
  assert_true(at(r, t, text, "fast delivery"));
  assert_true(at(r, t, text, "Quick delivery"));
  /* English parts only in English */
  none(f, VB_LANG_SV, t, "quick delivery");
}

static void test_near_nordic(void **state) {
  fixture *f = *state;
  long t = f->near;
  once(f, VB_LANG_SV, t, "Snabb leverans!", "Snabb leverans");
  once(f, VB_LANG_SV, t, "snabba leveranser", "snabba leveranser"); /* inflected */
  once(f, VB_LANG_SV, t, "snabb och bra hemleverans", "snabb och bra hemleverans"); /* compound */
  none(f, VB_LANG_SV, t, "snabb men inte alls någon leverans");
  none(f, VB_LANG_SV, t, "leveransen var snabb");
  once(f, VB_LANG_DA, t, "Hurtigt og fin levering", "Hurtigt og fin levering");
  none(f, VB_LANG_DA, t, "Hurtig. Levering");
}

static void test_near_hebrew(void **state) {
  fixture *f = *state;
  long t = f->near;
  /* proclitics on either part (ה + מחיר, ו + עלה), an exact form as a part */
  once(f, VB_LANG_HE, t, "המחיר שוב עלה", "המחיר שוב עלה");
  once(f, VB_LANG_HE, t, "מחיר הלחם ועלו", "מחיר הלחם ועלו");
  none(f, VB_LANG_HE, t, "המחיר שוב עליה"); /* another form of the second part */
  none(f, VB_LANG_HE, t, "המחיר. עלה");
  none(f, VB_LANG_HE, t, "עלה המחיר");
}

static void test_exact_forms(void **state) {
  fixture *f = *state;
  long t = f->exact;
  once(f, VB_LANG_EN, t, "all Sorted now", "Sorted");
  none(f, VB_LANG_EN, t, "they sort it and it sorts");
  none(f, VB_LANG_EN, t, "still not sorted");
  once(f, VB_LANG_SV, t, "ärendet är löst", "löst");
  none(f, VB_LANG_SV, t, "lösta ärenden, olöst problem"); /* other forms, no compound part */
  once(f, VB_LANG_DA, t, "sagen er løst", "løst");
  none(f, VB_LANG_DA, t, "de løste det");
  /* Hebrew: with or without proclitics, not another inflection */
  once(f, VB_LANG_HE, t, "הזמנה חדשה", "הזמנה");
  once(f, VB_LANG_HE, t, "איפה וההזמנה שלי", "וההזמנה");
  none(f, VB_LANG_HE, t, "שתי הזמנות");
  /* an exact form does not stop the word's other readings (here a plain term after the
   * proclitics) */
  const char *text = "איפה וההזמנה שלי";
  const vb_result *r = run(f->an, VB_LANG_HE, text);
  assert_true(at(r, f->plain, text, "וההזמנה"));
}

/* Loads CB_BAD holding `text`; returns the code and fills e. */
static int load_bad(const char *path, const char *text, vb_error *e) {
  assert_int_equal(vbt_write(path, text, 0), 0);
  const char *const cbs[] = {path};
  vb_model *m = NULL;
  memset(e, 0, sizeof *e);
  int rc = vbt_load(NULL, cbs, 1, NULL, 0, &m, e);
  if (rc == VB_OK) vb_model_free(m);
  else assert_null(m);
  return rc;
}

static void bad(const char *text, long line, long column, const char *what) {
  vb_error e;
  assert_int_equal(load_bad(CB_BAD, text, &e), VB_EPARSE);
  if (strcmp(e.file, CB_BAD) || e.line != line || e.column != column || !strstr(e.message, what))
    fail_msg("\"%s\": %s:%ld:%ld: %s", text, e.file, e.line, e.column, e.message);
}

static void test_parse_errors(void **state) {
  (void)state;
  bad("[a]\nen: a|b\n", 2, 6, "'|'");
  bad("[a]\nen: ok; a ~x b\n", 2, 11, "'~'");
  bad("[a]\nen: a ~ b\n", 2, 7, "'~'");
  bad("[a]\nen: a ~100 b\n", 2, 7, "0 to 99");
  bad("[a]\nen: ~3 b\n", 2, 5, "before and after");
  bad("[a]\nen: a ~3\n", 2, 7, "before and after");
  bad("[a]\nen: a ~3 b ~2 c\n", 2, 12, "two parts");
  bad("[a]\n\nen.not: a ~3 b\n", 3, 11, "exclusion");
  bad("[a]\nen: a| ~3 b\n", 2, 8, "without a word");
  bad("[a]\nen: x ~3 b|=two words\n", 2, 12, "exact form");
  bad("[a]\nen: ok; =refund*\n", 2, 9, "exact form");
  bad("[a]\nen: a ~3 refund* policy\n", 2, 10, "'*'");
  bad("[a]\nen: not =sorted\n", 2, 5, "exact form"); /* '=' marks whole terms only */
  bad("[a]\nen: very =quick ~3 deliver*\n", 2, 5, "exact form");
  /* '~' inside a word, '=' before no letter: words as before */
  vb_error e;
  assert_int_equal(load_bad(CB_BAD, "[a]\nen: a~b; =); x= y\n", &e), VB_OK);
}

/* A tab before '~N' or after N is a space: "fast<TAB>~3 delivery" is a near term, not a
 * phrase of the words "fast", "~3" and "delivery" that never matches. */
static void test_tab_mark(void **state) {
  (void)state;
  vb_model *m;
  vb_analyzer *an;
  load_alone(CB_RAND, "[n]\nen: fast\t~3 delivery; quick ~2\tbox\n", &m, &an);
  const vb_mention *mn;
  assert_int_equal(vb_result_mentions(run(an, VB_LANG_EN, "fast cheap delivery"), &mn), 1);
  assert_int_equal(vb_result_mentions(run(an, VB_LANG_EN, "a quick new box"), &mn), 1);
  vb_analyzer_free(an);
  vb_model_free(m);
}

static void test_listing(void **state) {
  fixture *f = *state;
  char *s = NULL;
  size_t n = 0;
  assert_int_equal(vb_model_theme_terms(f->m, (size_t)f->near, VB_LANG_EN, VB_TERMS_MATCH, &s, &n),
                   VB_OK);
  assert_string_equal(s, "fast|quick ~3 deliver*; turned up ~2 broken box");
  assert_int_equal(n, 2);
  vb_free(s);
  assert_int_equal(
      vb_model_theme_terms(f->m, (size_t)f->near, VB_LANG_EN, VB_TERMS_EXCLUDE, &s, &n), VB_OK);
  assert_string_equal(s, "not quick");
  vb_free(s);
  assert_int_equal(vb_model_theme_terms(f->m, (size_t)f->exact, VB_LANG_HE, VB_TERMS_MATCH, &s, &n),
                   VB_OK);
  assert_string_equal(s, "=הזמנה");
  vb_free(s);
  assert_int_equal(vb_model_theme_terms(f->m, (size_t)f->near, VB_LANG_HE, VB_TERMS_MATCH, &s, &n),
                   VB_OK);
  assert_string_equal(s, "מחיר ~3 =עלה|=עלו");
  vb_free(s);
}

/* A YAML dictionary's words may be near terms and exact forms too; an error in one is
 * reported at its place in the YAML file. */
static void test_yaml(void **state) {
  (void)state;
  vb_model *m;
  vb_analyzer *an;
  load_alone(CB_YML, "delivery:\n  fast:\n    - fast ~2 delivery\n    - =speedy\n", &m, &an);
  long t = vb_model_theme_find(m, "delivery.fast");
  assert_true(t >= 0);
  const char *text = "fast and free delivery, speedy";
  const vb_result *r = run(an, VB_LANG_EN, text);
  assert_true(at(r, t, text, "fast and free delivery"));
  assert_true(at(r, t, text, "speedy"));
  r = run(an, VB_LANG_SV, "fast leverans, speedier");
  assert_int_equal(count(r, t), 0);
  vb_analyzer_free(an);
  vb_model_free(m);
  vb_error e;
  assert_int_equal(load_bad(CB_YML, "delivery:\n  - fast ~x delivery\n", &e), VB_EPARSE);
  assert_string_equal(e.file, CB_YML);
  assert_int_equal(e.line, 2);
  assert_int_equal(e.column, 5); /* (the word's column, as for the YAML file's other errors) */
}

/* ---- the pairing against a reference, on generated texts ---- */

/* A small generator (xorshift), so that the texts are the same on every run. */
static uint64_t rng_next(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static const char *const vocab[] = {"fast", "quick", "deliver", "delivery", "delivered",
                                    "not",  "the",   "a",       "parcel",   "box",
                                    ",",    ".",     "!",       "?",        "\n",
                                    "-",    "day",   "3.5",     "site.com", "fast.quick"};
enum { GAP = 2 };

typedef struct { size_t start, end; } span;

/* The near term "fast|quick ~2 deliver*" with the exclusion "not quick", as the codebook
 * format describes it, on the tokens of r: first parts in text order, each not inside a
 * mention found already paired with the furthest second part at most GAP words (tokens other
 * than punctuation) after it, no '.', '!', '?' or line break between; a "quick" right after
 * "not" (lone hyphens between, as words of a term may have) does not count. */
static size_t ref_near(const vb_result *r, const char *text, span *out) {
  const vb_token *t;
  size_t n = vb_result_tokens(r, &t), n_out = 0, from = 0;
  for (size_t a = 0; a < n; a++) {
    bool first = t[a].type == VB_TOK_WORD &&
                 ((t[a].key_len == 4 && !memcmp(t[a].key, "fast", 4)) ||
                  (t[a].key_len == 5 && !memcmp(t[a].key, "quick", 5)));
    if (!first || a < from) continue;
    size_t w = a; /* the word before, past lone hyphens (as terms' words are matched) */
    while (w > 0 && t[w - 1].type == VB_TOK_PUNCT && t[w - 1].key_len == 1 &&
           t[w - 1].key[0] == '-')
      w--;
    if (t[a].key[0] == 'q' && w > 0 && t[w - 1].key_len == 3 && !memcmp(t[w - 1].key, "not", 3))
      continue;
    size_t best = n, words = 0;
    for (size_t b = a + 1; b < n; b++) {
      bool stop = false;
      for (size_t p = t[a].end; p < t[b].start && !stop; p++)
        stop = strchr(".!?\n", text[p]) != NULL;
      if (stop) break;
      if (t[b].type == VB_TOK_WORD && t[b].key_len >= 7 && !memcmp(t[b].key, "deliver", 7))
        best = b;
      if (t[b].type != VB_TOK_PUNCT && ++words > GAP) break;
    }
    if (best == n) continue;
    out[n_out++] = (span){t[a].start, t[best].end};
    from = best + 1;
  }
  return n_out;
}

static void test_pairing_reference(void **state) {
  (void)state;
  vb_model *m;
  vb_analyzer *an;
  load_alone(CB_RAND, "[n]\nen.not: not quick\nen: fast|quick ~2 deliver*\n", &m, &an);
  uint64_t seed = 0x4E454152ULL;
  size_t total = 0;
  for (int k = 0; k < 20000; k++) {
    char text[512];
    size_t len = 0, words = 2 + (size_t)(rng_next(&seed) % 24);
    for (size_t w = 0; w < words; w++) {
      const char *v = vocab[rng_next(&seed) % (sizeof vocab / sizeof vocab[0])];
      len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", w ? " " : "", v);
    }
    const vb_result *r = run(an, VB_LANG_EN, text);
    span want[64];
    size_t nw = ref_near(r, text, want);
    const vb_mention *mn;
    size_t nm = vb_result_mentions(r, &mn);
    bool same = nm == nw;
    for (size_t i = 0; same && i < nw; i++)
      same = mn[i].start == want[i].start && mn[i].end == want[i].end;
    if (!same) fail_msg("\"%s\": %zu mentions, the reference %zu", text, nm, nw);
    total += nw;
  }
  assert_true(total > 2000);
  vb_analyzer_free(an);
  vb_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_near_english),  cmocka_unit_test(test_near_nordic),
      cmocka_unit_test(test_near_hebrew),   cmocka_unit_test(test_exact_forms),
      cmocka_unit_test(test_parse_errors),  cmocka_unit_test(test_tab_mark),
      cmocka_unit_test(test_listing),       cmocka_unit_test(test_yaml),
      cmocka_unit_test(test_pairing_reference),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
