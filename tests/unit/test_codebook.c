/*
 * test_codebook.c - the codebook format (codebook.c) and the matching it sets up: parse
 * errors with their positions, the theme hierarchy, later codebooks adding and overriding,
 * exclusions, multi-word, prefix and pattern terms, Swedish and Danish compound parts,
 * Hebrew proclitics, and a pattern that would backtrack for ever.
 *
 * Codebooks are written to VB_TEST_TMP and loaded with no_default_codebook. Most models use
 * an empty data folder (no lexicons: matching needs only the codebook and the stemmers); the
 * Hebrew test also uses the built-in data, whose vocabulary guards the Hebrew stemmer.
 */
#define _XOPEN_SOURCE 700
#include "vb_test.h"
#include "vb_test_model.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "verbatim.h"

#define EMPTY VB_TEST_TMP "/test_codebook.d"
#define CB1 VB_TEST_TMP "/test_codebook_1.codebook"
#define CB2 VB_TEST_TMP "/test_codebook_2.codebook"
#define CB_BAD VB_TEST_TMP "/test_codebook_bad.codebook"
#define CB_EVIL VB_TEST_TMP "/test_codebook_evil.codebook"

static const char cb1_text[] =
    "# test codebook\n"
    "[delivery]\n"
    "label: Delivery\n"
    "description: Getting the order to the customer.\n"
    "en: delivery; wait time\n"
    "sv: leverans\n"
    "da: levering\n"
    "he: משלוח\n"
    "en.not: delivery note\n"
    "\n"
    "[delivery.late]\n"
    "label: Late delivery\n"
    "en: late; ; delayed\n" /* an empty item between two ';' is allowed */
    "en.not: late night; late fee\n"
    "en.re: \\b\\d+ days? late\\b\n"
    "\n"
    "[billing.refund]\n" /* creates its parent "billing" */
    "en: refund*\n"
    "sv: återbetalning\n"
    "\n"
    "[support]\n"
    "en: customer service\n"
    "en.re: call ?cent(er|re)\n";

/* theme indices, in the order CB1 creates them */
enum { T_DELIVERY = 0, T_LATE, T_BILLING, T_REFUND, T_SUPPORT, N_CB1 };

static const char cb2_text[] = "[delivery]\n"
                               "label: Shipping\n"
                               "en: parcel\n"
                               "[support.chat]\n"
                               "en: chat\n"
                               "[app]\n"
                               "en: app\n";

typedef struct {
  vb_model *m;      /* CB1 */
  vb_model *m2;     /* CB1 then CB2 */
  vb_model *evil;   /* a pattern that backtracks */
  vb_analyzer *an, *an2, *an_evil;
  const vb_result *r;
} fixture;

static int group_setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f) return -1;
  *state = f;
  if (vbt_data_dir(EMPTY, NULL, 0) || vbt_write(CB1, cb1_text, 0) ||
      vbt_write(CB2, cb2_text, 0) ||
      vbt_write(CB_EVIL, "[evil]\nen.re: (a+)+$\n[delivery]\nen: delivery\n", 0))
    return -1;
  const char *const one[] = {CB1};
  const char *const two[] = {CB1, CB2};
  const char *const evil[] = {CB_EVIL};
  if (vbt_load_or_say(EMPTY, one, 1, NULL, 0, &f->m) ||
      vbt_load_or_say(EMPTY, two, 2, NULL, 0, &f->m2) ||
      vbt_load_or_say(EMPTY, evil, 1, NULL, 0, &f->evil))
    return -1;
  if (vb_analyzer_new(f->m, &f->an) || vb_analyzer_new(f->m2, &f->an2) ||
      vb_analyzer_new(f->evil, &f->an_evil))
    return -1;
  return 0;
}

static int group_teardown(void **state) {
  fixture *f = *state;
  if (f) {
    vb_analyzer_free(f->an);
    vb_analyzer_free(f->an2);
    vb_analyzer_free(f->an_evil);
    vb_model_free(f->m);
    vb_model_free(f->m2);
    vb_model_free(f->evil);
    free(f);
  }
  vbt_remove_tree(EMPTY);
  remove(CB1);
  remove(CB2);
  remove(CB_BAD);
  remove(CB_EVIL);
  return 0;
}

static const vb_result *run(vb_analyzer *an, vb_lang lang, const char *text) {
  vb_run_options ro = {lang, VB_LANG_UND, 0};
  const vb_result *r = NULL;
  assert_int_equal(vb_analyzer_run(an, text, strlen(text), &ro, &r), VB_OK);
  return r;
}

/* The number of mentions of theme t. */
static size_t count(const vb_result *r, size_t t) {
  const vb_mention *m;
  size_t n = vb_result_mentions(r, &m), c = 0;
  for (size_t i = 0; i < n; i++) c += m[i].theme == t;
  return c;
}

/* True when theme t is mentioned exactly over the bytes of `span` in `text`. */
static bool mentioned_at(const vb_result *r, size_t t, const char *text, const char *span) {
  const char *p = strstr(text, span);
  assert_non_null(p);
  size_t start = (size_t)(p - text), end = start + strlen(span);
  const vb_mention *m;
  size_t n = vb_result_mentions(r, &m);
  for (size_t i = 0; i < n; i++)
    if (m[i].theme == t && m[i].start == start && m[i].end == end) return true;
  return false;
}

/* Loads CB_BAD holding `text` (`len` bytes, 0: strlen); returns the code and fills e. */
static int load_bad(const char *text, size_t len, vb_error *e) {
  assert_int_equal(vbt_write(CB_BAD, text, len), 0);
  const char *const cbs[] = {CB_BAD};
  vb_model *m = NULL;
  memset(e, 0, sizeof *e);
  int rc = vbt_load(EMPTY, cbs, 1, NULL, 0, &m, e);
  if (rc == VB_OK) vb_model_free(m);
  else assert_null(m);
  return rc;
}

/* ---- parse errors ---- */

static void test_bad_ids(void **state) {
  (void)state;
  vb_error e;
  const char *const bad[] = {"[Delivery]\n", "[a..b]\n", "[.a]\n", "[a.]\n", "[a b]\n",
                             "[]\n",         "[å]\n",    "[a/b]\n"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char text[64];
    snprintf(text, sizeof text, "# c\n%s", bad[i]);
    assert_int_equal(load_bad(text, 0, &e), VB_EPARSE);
    assert_int_equal(e.code, VB_EPARSE);
    assert_string_equal(e.file, CB_BAD);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 2); /* the id, after '[' */
  }
  assert_int_equal(load_bad("[a-b.c_d.e9]\n[ x ]\n", 0, &e), VB_OK);
  /* a section line must be [id] and nothing else */
  assert_int_equal(load_bad("[a]x\n", 0, &e), VB_EPARSE);
  assert_int_equal(e.line, 1);
  assert_int_equal(load_bad("[a\n", 0, &e), VB_EPARSE);
}

/* Each of `items` put in `fmt` (a codebook whose third line holds it) is refused at line 3,
 * `column`, with a message holding `msg`. */
static void refused_lines(const char *fmt, const char *const *items, size_t n, long column,
                          const char *msg) {
  vb_error e;
  for (size_t i = 0; i < n; i++) {
    char text[64];
    snprintf(text, sizeof text, fmt, items[i]);
    assert_int_equal(load_bad(text, 0, &e), VB_EPARSE);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, column);
    assert_contains(e.message, msg);
  }
}

static void test_bad_keys(void **state) {
  (void)state;
  vb_error e;
  /* a key before the first section */
  assert_int_equal(load_bad("# c\n\nen: delivery\n[a]\n", 0, &e), VB_EPARSE);
  assert_string_equal(e.file, CB_BAD);
  assert_int_equal(e.line, 3);
  assert_int_equal(e.column, 1);
  assert_contains(e.message, "en");
  /* unknown keys */
  const char *const bad[] = {"fr: x", "en.foo: x", "und: x", "labels: x", "en.not.re: x"};
  refused_lines("[a]\nlabel: A\n%s\n", bad, sizeof bad / sizeof bad[0], 1, "unknown key");
  /* fallback takes yes or no; the column is the value's */
  const char *const bad_fb[] = {"maybe", "Yes", "yes please", "1"};
  refused_lines("[a]\nen: x\nfallback: %s\n", bad_fb, sizeof bad_fb / sizeof bad_fb[0], 11,
                "'yes' or 'no'");
  assert_int_equal(load_bad("[a]\nfallback:\n", 0, &e), VB_EPARSE);
  assert_int_equal(e.line, 2);
  assert_int_equal(e.column, 10); /* (nothing after the colon) */
  /* no colon */
  assert_int_equal(load_bad("[a]\nlabel x\n", 0, &e), VB_EPARSE);
  assert_int_equal(e.line, 2);
  /* every key that exists, in any case of language code */
  assert_int_equal(load_bad("[a]\nlabel: A\ndescription: d\nen: x\nSV: y\nda.not: z\n"
                            "he.re: w+\nfallback: yes\nfallback: no\n",
                            0, &e),
                   VB_OK);
}

static void test_bad_star(void **state) {
  (void)state;
  vb_error e;
  /* '*' ends only the last word; the column is that of the term */
  assert_int_equal(load_bad("[a]\nen: ok; refund* policy\n", 0, &e), VB_EPARSE);
  assert_string_equal(e.file, CB_BAD);
  assert_int_equal(e.line, 2);
  assert_int_equal(e.column, 9);
  assert_contains(e.message, "refund* policy");
  assert_int_equal(load_bad("[a]\nen: *\n", 0, &e), VB_EPARSE);
  assert_int_equal(e.column, 5);
  assert_int_equal(load_bad("[a]\nen: full refund*\n", 0, &e), VB_OK);
  /* codebook.c add_term checks '*' only at the end of a word: "ref*und" and "*fund" are
   * accepted as words with a literal '*', which no token can ever match */
  assert_int_equal(load_bad("[a]\nen: ref*und\n", 0, &e), VB_EPARSE);
  assert_int_equal(load_bad("[a]\nen: *fund\n", 0, &e), VB_EPARSE);
}

static void test_bad_pattern(void **state) {
  (void)state;
  vb_error e;
  /* PCRE2's message, and the column of the problem in the line */
  assert_int_equal(load_bad("[a]\nen.re: (abc\n", 0, &e), VB_EPARSE);
  assert_string_equal(e.file, CB_BAD);
  assert_int_equal(e.line, 2);
  assert_contains(e.message, "missing closing parenthesis");
  assert_int_equal(e.column, 12); /* the pattern starts at column 8; PCRE2 stops at its end */
  assert_int_equal(load_bad("[a]\n\nsv.re:   x[\n", 0, &e), VB_EPARSE);
  assert_int_equal(e.line, 3);
  assert_contains(e.message, "missing terminating ]");
  assert_int_equal(e.column, 12);
  assert_int_equal(load_bad("[a]\nen.re: a{2,1}\n", 0, &e), VB_EPARSE);
  assert_int_equal(e.line, 2);
  assert_true(e.column > 8);
}

static void test_bad_bytes(void **state) {
  (void)state;
  vb_error e;
  static const char nul[] = "[a]\nen: x\0y\n";
  assert_int_equal(load_bad(nul, sizeof nul - 1, &e), VB_EPARSE);
  assert_int_equal(e.line, 2);
  assert_int_equal(e.column, 6);
  assert_int_equal(load_bad("[a]\nen: x\n\xFF\n", 0, &e), VB_EUTF8);
  assert_int_equal(e.line, 3);
  assert_int_equal(e.column, 1);
  /* a missing codebook */
  const char *const cbs[] = {VB_TEST_TMP "/test_codebook_missing.codebook"};
  vb_model *m = NULL;
  memset(&e, 0, sizeof e);
  assert_int_equal(vbt_load(EMPTY, cbs, 1, NULL, 0, &m, &e), VB_ENOTFOUND);
  assert_null(m);
  assert_string_equal(e.file, cbs[0]);
}

/* ---- the model's themes ---- */

static void test_hierarchy(void **state) {
  fixture *f = *state;
  const vb_model *m = f->m;
  assert_int_equal(vb_model_theme_count(m), N_CB1);
  assert_string_equal(vb_model_theme_id(m, T_DELIVERY), "delivery");
  assert_string_equal(vb_model_theme_label(m, T_DELIVERY), "Delivery");
  assert_int_equal(vb_model_theme_parent(m, T_DELIVERY), -1);
  assert_string_equal(vb_model_theme_id(m, T_LATE), "delivery.late");
  assert_string_equal(vb_model_theme_label(m, T_LATE), "Late delivery");
  assert_int_equal(vb_model_theme_parent(m, T_LATE), T_DELIVERY);
  /* the parent of billing.refund was created for it, labelled with its id */
  assert_string_equal(vb_model_theme_id(m, T_BILLING), "billing");
  assert_string_equal(vb_model_theme_label(m, T_BILLING), "billing");
  assert_int_equal(vb_model_theme_parent(m, T_BILLING), -1);
  assert_string_equal(vb_model_theme_id(m, T_REFUND), "billing.refund");
  assert_string_equal(vb_model_theme_label(m, T_REFUND), "refund"); /* no label: last part */
  assert_int_equal(vb_model_theme_parent(m, T_REFUND), T_BILLING);
  assert_int_equal(vb_model_theme_find(m, "billing.refund"), T_REFUND);
  assert_int_equal(vb_model_theme_find(m, "support"), T_SUPPORT);
  assert_int_equal(vb_model_theme_find(m, "app"), -1);
  assert_int_equal(vb_model_theme_find(m, "refund"), -1);
  assert_int_equal(vb_model_theme_find(m, NULL), -1);
  assert_int_equal(vb_model_theme_find(NULL, "support"), -1);
  /* out of range */
  assert_null(vb_model_theme_id(m, N_CB1));
  assert_null(vb_model_theme_label(m, N_CB1));
  assert_int_equal(vb_model_theme_parent(m, N_CB1), -1);
  assert_int_equal(vb_model_theme_count(NULL), 0);
  /* three levels at once */
  vb_error e;
  memset(&e, 0, sizeof e);
  assert_int_equal(vbt_write(CB_BAD, "[a.b.c]\nen: x\n[a.b]\nlabel: B\n", 0), 0);
  const char *const cbs[] = {CB_BAD};
  vb_model *m3 = NULL;
  assert_int_equal(vbt_load(EMPTY, cbs, 1, NULL, 0, &m3, &e), VB_OK);
  assert_int_equal(vb_model_theme_count(m3), 3);
  long a = vb_model_theme_find(m3, "a"), ab = vb_model_theme_find(m3, "a.b"),
       abc = vb_model_theme_find(m3, "a.b.c");
  assert_true(a >= 0 && ab >= 0 && abc >= 0);
  assert_int_equal(vb_model_theme_parent(m3, (size_t)abc), ab);
  assert_int_equal(vb_model_theme_parent(m3, (size_t)ab), a);
  assert_int_equal(vb_model_theme_parent(m3, (size_t)a), -1);
  assert_string_equal(vb_model_theme_label(m3, (size_t)ab), "B"); /* set after creation */
  vb_model_free(m3);
}

static void test_later_codebooks(void **state) {
  fixture *f = *state;
  const vb_model *m = f->m2;
  /* CB2 adds support.chat and app after CB1's themes, and relabels delivery */
  assert_int_equal(vb_model_theme_count(m), N_CB1 + 2);
  assert_string_equal(vb_model_theme_label(m, T_DELIVERY), "Shipping");
  assert_string_equal(vb_model_theme_label(m, T_LATE), "Late delivery");
  long chat = vb_model_theme_find(m, "support.chat"), app = vb_model_theme_find(m, "app");
  assert_int_equal(chat, N_CB1);
  assert_int_equal(app, N_CB1 + 1);
  assert_int_equal(vb_model_theme_parent(m, (size_t)chat), T_SUPPORT);
  /* the terms of both codebooks match */
  const char *text = "The parcel and the delivery, the app and the chat";
  const vb_result *r = run(f->an2, VB_LANG_EN, text);
  assert_true(mentioned_at(r, T_DELIVERY, text, "parcel"));
  assert_true(mentioned_at(r, T_DELIVERY, text, "delivery"));
  assert_true(mentioned_at(r, (size_t)app, text, "app"));
  assert_true(mentioned_at(r, (size_t)chat, text, "chat"));
  /* ... and CB2's only in the model that loaded it */
  r = run(f->an, VB_LANG_EN, text);
  assert_int_equal(count(r, T_DELIVERY), 1);
}

/* ---- matching ---- */

static void test_exclusions(void **state) {
  fixture *f = *state;
  const vb_result *r = run(f->an, VB_LANG_EN, "Where is the delivery note?");
  assert_int_equal(count(r, T_DELIVERY), 0);
  r = run(f->an, VB_LANG_EN, "It was a late night. And a Late Fee!");
  assert_int_equal(count(r, T_LATE), 0);
  /* outside an exclusion the same words count */
  const char *text = "The delivery was late at night";
  r = run(f->an, VB_LANG_EN, text);
  assert_true(mentioned_at(r, T_DELIVERY, text, "delivery"));
  assert_true(mentioned_at(r, T_LATE, text, "late"));
  /* an exclusion removes only what lies inside it */
  text = "a late night delivery";
  r = run(f->an, VB_LANG_EN, text);
  assert_int_equal(count(r, T_LATE), 0);
  assert_true(mentioned_at(r, T_DELIVERY, text, "delivery"));
}

static void test_multi_word_terms(void **state) {
  fixture *f = *state;
  /* each word on its stem: inflected and capitalised */
  const char *text = "Waiting Times were long";
  const vb_result *r = run(f->an, VB_LANG_EN, text);
  assert_true(mentioned_at(r, T_DELIVERY, text, "Waiting Times"));
  text = "two customer services";
  r = run(f->an, VB_LANG_EN, text);
  assert_true(mentioned_at(r, T_SUPPORT, text, "customer services"));
  /* in sequence only */
  r = run(f->an, VB_LANG_EN, "the time we had to wait");
  assert_int_equal(count(r, T_DELIVERY), 0);
  r = run(f->an, VB_LANG_EN, "customer, service");
  assert_int_equal(count(r, T_SUPPORT), 0);
  /* one-word terms through their stem */
  text = "deliveries delayed";
  r = run(f->an, VB_LANG_EN, text);
  assert_true(mentioned_at(r, T_DELIVERY, text, "deliveries"));
  assert_true(mentioned_at(r, T_LATE, text, "delayed"));
}

static void test_prefix_terms(void **state) {
  fixture *f = *state;
  const char *text = "Refund, refunds, refunded and REFUNDABLE, not unrefunded or refu";
  const vb_result *r = run(f->an, VB_LANG_EN, text);
  assert_true(mentioned_at(r, T_REFUND, text, "Refund"));
  assert_true(mentioned_at(r, T_REFUND, text, "refunds"));
  assert_true(mentioned_at(r, T_REFUND, text, "refunded"));
  assert_true(mentioned_at(r, T_REFUND, text, "REFUNDABLE"));
  assert_int_equal(count(r, T_REFUND), 4);
  /* the parent is not mentioned by its child's term */
  assert_int_equal(count(r, T_BILLING), 0);
}

static void test_pattern_terms(void **state) {
  fixture *f = *state;
  const char *text = "It came 3 days late";
  const vb_result *r = run(f->an, VB_LANG_EN, text);
  /* the pattern's match, and the word "late" on its own: two spans */
  assert_true(mentioned_at(r, T_LATE, text, "3 days late"));
  assert_true(mentioned_at(r, T_LATE, text, "late"));
  assert_int_equal(count(r, T_LATE), 2);
  /* case-insensitive, on the original text, every match */
  text = "The CALL CENTER, then the call centre again";
  r = run(f->an, VB_LANG_EN, text);
  assert_true(mentioned_at(r, T_SUPPORT, text, "CALL CENTER"));
  assert_true(mentioned_at(r, T_SUPPORT, text, "call centre"));
  assert_int_equal(count(r, T_SUPPORT), 2);
  r = run(f->an, VB_LANG_EN, "the centre of the city");
  assert_int_equal(count(r, T_SUPPORT), 0);
  /* English patterns do not run on Swedish text */
  r = run(f->an, VB_LANG_SV, "3 days late");
  assert_int_equal(count(r, T_LATE), 0);
}

static void test_compound_parts(void **state) {
  fixture *f = *state;
  /* Swedish: the term as the first part */
  const char *text = "leveransproblem igen";
  const vb_result *r = run(f->an, VB_LANG_SV, text);
  assert_true(mentioned_at(r, T_DELIVERY, text, "leveransproblem"));
  const vb_token *t;
  assert_true(vb_result_tokens(r, &t) >= 1);
  assert_true(t[0].flags & VB_TOKF_COMPOUND);
  assert_false(t[1].flags & VB_TOKF_COMPOUND);
  /* ... and as the last, inflected */
  text = "paketleveransen";
  r = run(f->an, VB_LANG_SV, text);
  assert_true(mentioned_at(r, T_DELIVERY, text, "paketleveransen"));
  text = "återbetalningsproblem";
  r = run(f->an, VB_LANG_SV, text);
  assert_true(mentioned_at(r, T_REFUND, text, "återbetalningsproblem"));
  /* Danish, with a linking -s- */
  text = "leveringstiden";
  r = run(f->an, VB_LANG_DA, text);
  assert_true(mentioned_at(r, T_DELIVERY, text, "leveringstiden"));
  /* a word that merely contains no term part */
  r = run(f->an, VB_LANG_SV, "problemlösning");
  assert_int_equal(count(r, T_DELIVERY), 0);
  /* English words are not split */
  r = run(f->an, VB_LANG_EN, "deliveryproblem");
  assert_int_equal(count(r, T_DELIVERY), 0);
  /* a first part shorter than four bytes (mat+leveransen, hem+leveransen) */
  text = "matleveransen";
  r = run(f->an, VB_LANG_SV, text);
  assert_true(mentioned_at(r, T_DELIVERY, text, "matleveransen"));
  text = "hemleveransen";
  r = run(f->an, VB_LANG_SV, text);
  assert_true(mentioned_at(r, T_DELIVERY, text, "hemleveransen"));
}

static void check_hebrew(const vb_model *m) {
  vb_analyzer *an = NULL;
  assert_int_equal(vb_analyzer_new(m, &an), VB_OK);
  long d = vb_model_theme_find(m, "delivery");
  assert_true(d >= 0);
  /* ו + ב + משלוח, ה + משלוח, ל + משלוח, and the plain word */
  const char *const words[] = {"ובמשלוח", "המשלוח", "למשלוח", "משלוח"};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
    char text[128];
    snprintf(text, sizeof text, "בעיה %s היום", words[i]);
    const vb_result *r = run(an, VB_LANG_HE, text);
    if (!mentioned_at(r, (size_t)d, text, words[i])) print_error("no mention in %s\n", text);
    assert_true(mentioned_at(r, (size_t)d, text, words[i]));
  }
  /* a word that only ends like the term */
  const vb_result *r = run(an, VB_LANG_HE, "שלוח");
  assert_int_equal(count(r, (size_t)d), 0);
  vb_analyzer_free(an);
}

static void test_hebrew_proclitics(void **state) {
  fixture *f = *state;
  check_hebrew(f->m);
  /* the same with the built-in data (its vocabulary guards the Hebrew stemmer) */
  const char *const one[] = {CB1};
  vb_model *m = NULL;
  assert_int_equal(vbt_load_or_say(NULL, one, 1, NULL, 0, &m), VB_OK);
  check_hebrew(m);
  vb_model_free(m);
}

static void test_catastrophic_pattern(void **state) {
  fixture *f = *state;
  /* "delivery " then 50 kB of 'a' and a 'b': (a+)+$ would backtrack for ever; the match
   * limit makes the pattern give up on this text, and the run still succeeds */
  size_t n = 50000;
  char *text = malloc(n + 16);
  assert_non_null(text);
  memcpy(text, "delivery ", 9);
  memset(text + 9, 'a', n);
  text[9 + n] = 'b';
  text[10 + n] = '\0';
  vb_run_options ro = {VB_LANG_EN, VB_LANG_UND, 0};
  const vb_result *r = NULL;
  assert_int_equal(vb_analyzer_run(f->an_evil, text, strlen(text), &ro, &r), VB_OK);
  long evil = vb_model_theme_find(f->evil, "evil"), d = vb_model_theme_find(f->evil, "delivery");
  assert_int_equal(count(r, (size_t)evil), 0);
  assert_int_equal(count(r, (size_t)d), 1); /* the rest of the analysis happened */
  free(text);
  /* the pattern itself works on a short text */
  r = run(f->an_evil, VB_LANG_EN, "aaa");
  assert_int_equal(count(r, (size_t)evil), 1);
  /* and the analyzer is still usable after the limit was hit */
  r = run(f->an_evil, VB_LANG_EN, "delivery");
  assert_int_equal(count(r, (size_t)d), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_ids),
      cmocka_unit_test(test_bad_keys),
      cmocka_unit_test(test_bad_star),
      cmocka_unit_test(test_bad_pattern),
      cmocka_unit_test(test_bad_bytes),
      cmocka_unit_test(test_hierarchy),
      cmocka_unit_test(test_later_codebooks),
      cmocka_unit_test(test_exclusions),
      cmocka_unit_test(test_multi_word_terms),
      cmocka_unit_test(test_prefix_terms),
      cmocka_unit_test(test_pattern_terms),
      cmocka_unit_test(test_compound_parts),
      cmocka_unit_test(test_hebrew_proclitics),
      cmocka_unit_test(test_catastrophic_pattern),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
