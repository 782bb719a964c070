/*
 * test_names.c - person names for --redact (names.c through vb_model_redact): each context
 * rule on a model whose name list, lexicon and stopwords the test writes itself; the lists'
 * loading errors at their line and column; the caller's own list; and the built-in lists
 * against the built-in lexicons (a name not flagged `word` must be no word we know).
 */
#define _XOPEN_SOURCE 700
#include "vb_test.h"
#include "vb_test_model.h"

#include "vb_model.h"
#include "verbatim.h"

#define DATA VB_TEST_TMP "/test_names.d"
#define ROSTER VB_TEST_TMP "/test_names_roster.tsv"
#define BAD VB_TEST_TMP "/test_names_bad.tsv"

static const vbt_file data_files[] = {
    {"lexicons/en/names.tsv",
     "# test names\n"
     "Anna\tg\n"
     "Sarah\tg\n"
     "Bill\tg\tword\n"
     "Mark\tg\tword\n"
     "Jensen\ts\n"
     "Berg\ts\tword\n"
     "Ulf\tg\n"
     "Al\tg\n"
     "Per\tg\n" /* not flagged here: the stopword list makes it a word */
     "mr\tt\n"
     "driver\tr\n"
     "interviewer\tr\n"
     "customer\tr\n"
     "from\ta\n"
     "and\tc\n"
     "at\ta\n"
     "Chase\tg\tproper\n"
     "san\tp\n", 0},
    {"lexicons/he/names.tsv",
     "יוסי\tg\n"
     "אור\tg\tword\n"
     "כהן\ts\tword\n"
     "מר\tt\n"
     "הנציגה\tr\n"
     "מראיין\tr\n", 0},
    {"lexicons/en/valence.tsv", "great\t3\nrude\t-2\n", 0},
    {"lexicons/sv/stopwords.txt", "per\n!inte\n", 0},
    {"lexicons/he/stopwords.txt", "לי\n", 0}};

static vb_model *model;

static int setup(void **state) {
  (void)state;
  if (vbt_data_dir(DATA, data_files, sizeof data_files / sizeof data_files[0])) return -1;
  vb_model_options o = {0};
  o.data_dir = DATA;
  o.no_default_codebook = 1;
  return vb_model_load(&o, &model, NULL) == VB_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  vb_model_free(model);
  vbt_remove_tree(DATA);
  return 0;
}

static void check_with(const vb_model *m, const char *in, const char *want, size_t want_n) {
  char *out;
  size_t len, n;
  assert_int_equal(vb_model_redact(m, in, strlen(in), VB_REDACT_ALL | VB_REDACT_NAME, &out, &len,
                                   &n),
                   VB_OK);
  if (strcmp(out, want) || len != strlen(want) || n != want_n)
    fail_msg("'%s' -> '%s' (%zu replaced); expected '%s' (%zu)", in, out, n, want, want_n);
  vb_free(out);
}

static void check(const char *in, const char *want, size_t want_n) {
  check_with(model, in, want, want_n);
}

/* A listed name that is no word: in any case and position, with possessive endings. */
static void test_plain_names(void **state) {
  (void)state;
  check("Anna was great", "[name] was great", 1);
  check("thanks to Anna!", "thanks to [name]!", 1);
  check("ask for sarah, she knows", "ask for [name], she knows", 1);
  check("Sarah's help and Annas råd", "[name]'s help and [name]s råd", 2);
  check("Sarah’s help", "[name]’s help", 1);
  check("ANNA WAS GREAT", "[name] WAS GREAT", 1);
  check("Annabel and Sarahs", "Annabel and [name]s", 1); /* no prefix match; a genitive -s */
  check("ulf and al", "[name] and al", 1); /* lower case: three letters at least */
  check("Al and Ulfs", "[name] and Ulfs", 1);  /* no genitive of a short name */
}

/* A name that is also a word: capitalised inside a sentence, or before another name. */
static void test_word_names(void **state) {
  (void)state;
  check("The bill was wrong. Bill fixed it.", "The bill was wrong. Bill fixed it.", 0);
  check("Thanks to Bill at the desk", "Thanks to [name] at the desk", 1);
  check("Mark Jensen called back", "[name] called back", 1);
  check("\"Bill\" said so", "\"Bill\" said so", 0); /* an opening quote: still the start */
  check("WILL BILL CALL", "WILL BILL CALL", 0);      /* capitals are no capitalisation */
  check("Bill\nBill", "Bill\nBill", 0);              /* a line break starts a sentence */
  check("so Bill: Bill", "so [name]: Bill", 1);
  check("Per month it costs more, per day too", "Per month it costs more, per day too", 0);
  check("Bill from support called", "[name] from support called", 1); /* an `a` word after */
  check("Bill and Anna called", "[name] and [name] called", 2);        /* joined to a name */
  check("Bill and Mark called", "[name] and [name] called", 2);
  check("Paid with Chase, at Chase", "Paid with Chase, at Chase", 0); /* proper: capitals say nothing */
  check("I asked Chase at the desk", "I asked [name] at the desk", 1); /* ...an `a` word does */
  check("We flew to San Sarah", "We flew to San Sarah", 0);           /* after a `p` word */
  check("I asked Per", "I asked [name]", 1); /* a stopword-name: capitalised inside */
  check("Anna Inte", "[name] Inte", 1);      /* a stopword (a negation: !inte) is no surname */
}

/* Titles and roles; surnames after a name; neighbours one span. */
static void test_context(void **state) {
  (void)state;
  check("Mr Okafor was rude", "Mr [name] was rude", 1);
  check("Mr. Okafor was rude", "Mr. [name] was rude", 1);
  check("mr smith too", "mr smith too", 0); /* after a title, a capitalised word only */
  check("Anna Okonkwo helped", "[name] helped", 1);
  check("Anna Great service", "[name] Great service", 1); /* a lexicon word is no surname */
  check("Anna-Karin och Anna Berg", "[name] och [name]", 2);
  check("the driver, Mark, was kind", "the driver, [name], was kind", 1);
  check("Anna, Sarah", "[name], [name]", 2);
}

static void test_hebrew(void **state) {
  (void)state;
  check("תודה ליוסי מהשירות", "תודה ל[name] מהשירות", 1);
  check("האור היה חזק", "האור היה חזק", 0);
  check("אור היה חזק", "אור היה חזק", 0); /* a word-name alone: no case to tell */
  check("אור מהמשלוחים", "[name] מהמשלוחים", 1); /* ...but "from the" a workplace */
  check("אור הנציגה", "[name] הנציגה", 1);        /* ...or a role after it */
  check("הנציגה אור הייתה מקסימה", "הנציגה [name] הייתה מקסימה", 1);
  check("יוסי כהן עזר", "[name] עזר", 1); /* a word-surname next to a name */
  check("מר כהן עזר", "מר [name] עזר", 1);
  check("מר גרינשטיין עזר", "מר [name] עזר", 1); /* after a title, a word no list holds */
  check("טעם מר לי", "טעם מר לי", 0);            /* ...but no stopword */
  check("גב' גרינשטיין וד\"ר גרינשטיין", "גב' [name] וד\"ר [name]", 2);
  check("הדני", "הדני", 0); /* no article before a name */
}

/* Loads the test's data with `text` written to `path` as the caller's name list, or as a
 * brand list when `brands`. */
static int load_with(const char *path, const char *text, bool brands, vb_model **m,
                     vb_error *e) {
  assert_int_equal(vbt_write(path, text, 0), 0);
  vb_model_options o = {0};
  o.data_dir = DATA;
  o.no_default_codebook = 1;
  const char *files[] = {path};
  if (brands) {
    o.brands = files;
    o.n_brands = 1;
  } else {
    o.names = files;
    o.n_names = 1;
  }
  *m = NULL;
  return vb_model_load(&o, m, e);
}

/* With a brand list, a brand's names are no person's (its terms' words, whole terms only);
 * the same words elsewhere still are. */
#define BRANDS VB_TEST_TMP "/test_names.brands"
static void test_brands(void **state) {
  (void)state;
  vb_model *m;
  assert_int_equal(load_with(BRANDS, "Jensen Shoes: jensen shoes; @jensen\nSarah Bakes: "
                                     "sarah's bakery\n  not: sarah lee\nUlf: ulf\n",
                             true, &m, NULL),
                   VB_OK);
  check_with(m, "I love Jensen Shoes, says Anna Jensen.", "I love Jensen Shoes, says [name].", 1);
  /* (without the list: "Shoes", a capitalised unknown word after a name, reads as a surname) */
  check_with(model, "I love Jensen Shoes, says Anna Jensen.", "I love [name], says [name].", 2);
  check_with(m, "Sarah's Bakery was shut; Sarah was not.", "Sarah's Bakery was shut; [name] was "
             "not.", 1);
  check_with(m, "Ulf was great", "Ulf was great", 0); /* a brand of one word: never a name */
  check_with(m, "Sarah Lee came", "[name] came", 1);  /* (an exclusion is no brand term) */
  vb_model_free(m);
  /* a Hebrew brand (its id spelled in ASCII), also after proclitics; a name elsewhere */
  assert_int_equal(load_with(BRANDS, "\xD7\x99\xD7\x95\xD7\xA1\xD7\x99: "
                                     "\xD7\x99\xD7\x95\xD7\xA1\xD7\x99\n", true, &m, NULL),
                   VB_OK); /* יוסי: יוסי */
  const char *at = "\xD7\xA7\xD7\xA0\xD7\x99\xD7\xAA\xD7\x99 "
                   "\xD7\x91\xD7\x99\xD7\x95\xD7\xA1\xD7\x99"; /* קניתי ביוסי */
  check_with(m, at, at, 0);
  check_with(model, at, "\xD7\xA7\xD7\xA0\xD7\x99\xD7\xAA\xD7\x99 \xD7\x91[name]", 1);
  assert_true(vb_model_theme_find(m, "brand.yvsy") >= 0);
  vb_model_free(m);
  remove(BRANDS);
}

/* vb_model_redact_labels: the words of a transcript's speaker labels are names wherever they
 * stand, listed or not; labels that only say a role name nobody. */
static void check_labels(const char *const *labels, size_t n_labels, const char *in,
                         const char *want, size_t want_n) {
  char *out;
  size_t len, n;
  assert_int_equal(vb_model_redact_labels(model, in, strlen(in), VB_REDACT_ALL | VB_REDACT_NAME,
                                          labels, n_labels, &out, &len, &n),
                   VB_OK);
  if (strcmp(out, want) || len != strlen(want) || n != want_n)
    fail_msg("'%s' -> '%s' (%zu replaced); expected '%s' (%zu)", in, out, n, want, want_n);
  vb_free(out);
}

static void test_speaker_labels(void **state) {
  (void)state;
  static const char *const lb[] = {"Wojciech Kowalczyk", "Interviewer 2", "R", "P1",
                                   "Customer", "kim lee", "Mr Amadou", "גרינשטיין", "לי",
                                   "מראיין"};
  const size_t n = sizeof lb / sizeof *lb;
  /* unlisted names from the labels, with a possessive or genitive kept outside */
  check_labels(lb, n, "Welcome, Wojciech. Wojciech's bag and Kowalczyk.",
               "Welcome, [name]. [name]'s bag and [name].", 3);
  check_labels(lb, n, "Wojciechs cykel", "[name]s cykel", 1);
  check("Welcome, Wojciech.", "Welcome, Wojciech.", 0); /* (unlisted: only from a label) */
  /* the same case only; role words, letters, digits and lower-case words are no names */
  check_labels(lb, n, "wojciech wrote", "wojciech wrote", 0);
  check_labels(lb, n, "The Interviewer asked the Customer, R and P1", "The Interviewer asked "
               "the Customer, R and P1", 0);
  check_labels(lb, n, "Lee said kim", "Lee said kim", 0);
  /* a title in a label is none; its name is, and the rules go on around it */
  check_labels(lb, n, "Amadou and Mr Smith", "[name] and Mr [name]", 2);
  /* Hebrew: after one proclitic, not after the article; a known word or a role is none */
  check_labels(lb, n, "תודה לגרינשטיין והגרינשטיין", "תודה ל[name] והגרינשטיין", 1);
  check_labels(lb, n, "תן לי את המראיין", "תן לי את המראיין", 0);
  static const char *const lb2[] = {"גרינשטיין", "הגרינשטיין"}; /* (a label may begin with ה) */
  check_labels(lb2, 2, "הגרינשטיין בא", "[name] בא", 1);
  /* without names asked for, the labels do nothing; labels NULL with a count is an error */
  char *out;
  size_t len;
  assert_int_equal(vb_model_redact_labels(model, "Wojciech", 8, VB_REDACT_ALL, lb, n, &out, &len,
                                          NULL),
                   VB_OK);
  assert_string_equal(out, "Wojciech");
  vb_free(out);
  assert_int_equal(vb_model_redact_labels(model, "x", 1, VB_REDACT_NAME, NULL, 1, &out, &len,
                                          NULL),
                   VB_EINVAL);
}

/* The kinds of the other rules still work beside names, and the old call refuses names. */
static void test_with_other_kinds(void **state) {
  (void)state;
  check("Mail Anna at anna@x.se or 070-123 45 67", "Mail [name] at [email] or [number]", 3);
  char *out;
  assert_int_equal(vb_redact("Anna", 4, VB_REDACT_NAME, &out, NULL, NULL), VB_EINVAL);
  assert_int_equal(vb_model_redact(NULL, "Anna", 4, VB_REDACT_NAME, &out, NULL, NULL), VB_EINVAL);
}


/* The caller's list (a staff roster) adds to the built-in ones. */
static void test_user_list(void **state) {
  (void)state;
  vb_model *m;
  assert_int_equal(load_with(ROSTER, "Okonkwo\ts\nChidi\tg\n", false, &m, NULL), VB_OK);
  check_with(m, "Chidi and Okonkwo and Anna", "[name] and [name] and [name]", 3);
  check_with(model, "Chidi and Okonkwo and Anna", "Chidi and Okonkwo and [name]", 1);
  vb_model_free(m);
  remove(ROSTER);
}

static void bad_list(const char *text, long line, long col, const char *what) {
  vb_model *m;
  vb_error e = {0};
  assert_int_equal(load_with(BAD, text, false, &m, &e), VB_EPARSE);
  assert_null(m);
  if (e.line != line || e.column != col || !strstr(e.message, what) || strcmp(e.file, BAD))
    fail_msg("'%s': %s:%ld:%ld: %s; expected line %ld column %ld '%s'", text, e.file, e.line,
             e.column, e.message, line, col, what);
  remove(BAD);
}

static void test_errors(void **state) {
  (void)state;
  bad_list("Anna\n", 1, 1, "expected NAME<TAB>KIND");
  bad_list("# c\n\tg\n", 2, 1, "expected NAME<TAB>KIND");
  bad_list("Anna\tx\n", 1, 6, "unknown kind 'x'");
  bad_list("Anna\tg\nBo\tgiven\n", 2, 4, "unknown kind 'given'");
  bad_list("Anna Berg\tg\n", 1, 5, "one word");
  bad_list("Anna-Karin\tg\n", 1, 5, "one word");
  bad_list("Bill\tg\twords\n", 1, 8, "expected 'word', 'proper'");
  bad_list("mr\tt\tword\n", 1, 6, "'word' is for given names and surnames");
  bad_list("san\tp\tproper\n", 1, 7, "'proper' is for given names and surnames");
}

/* The built-in lists: a given name or surname not flagged `word` is no word of any built-in
 * lexicon, stopword list or the Hebrew vocabulary (else the tool would erase that word
 * wherever it is written). */
static void test_builtin_lists(void **state) {
  (void)state;
  vb_model *m;
  assert_int_equal(vb_model_load(NULL, &m, NULL), VB_OK);
  size_t n = vb__strmap_size(&m->names), names = 0, bad = 0;
  for (size_t i = 0; i < n; i++) {
    size_t kl;
    const char *k = vb__strmap_key(&m->names, i, &kl);
    uint32_t f = m->names.entries[i].value, v;
    if (!(f & (VB__NAME_GIVEN | VB__NAME_SURNAME))) continue;
    names++;
    if (f & (VB__NAME_WORD | VB__NAME_STOP)) continue;
    bool word = vb__he_vocab_has(m->he_vocab, k, kl);
    for (int l = 0; l < VB_LANG_COUNT; l++) word = word || vb__strmap_get(&m->lex[l].surface, k, kl, &v);
    if (word) {
      print_message("a word, not flagged: %.*s\n", (int)kl, k);
      bad++;
    }
  }
  assert_true(names > 2000);
  assert_int_equal(bad, 0);
  /* and the lists are in use: one name of each */
  check_with(m, "Tack till Anna och Mette, Sarah och יוסי", "Tack till [name] och [name], [name] och [name]", 4);
  vb_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_names),  cmocka_unit_test(test_word_names),
      cmocka_unit_test(test_context),      cmocka_unit_test(test_hebrew),
      cmocka_unit_test(test_with_other_kinds), cmocka_unit_test(test_user_list),
      cmocka_unit_test(test_errors),       cmocka_unit_test(test_builtin_lists),
      cmocka_unit_test(test_speaker_labels), cmocka_unit_test(test_brands),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
