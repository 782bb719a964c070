/*
 * test_langid.c - language identification (langid.c) through vb_analyzer_langid and
 * vb_analyzer_run: clear sentences in each language, texts too short to tell (und, or the
 * caller's default), mixed-language text, and the confidence.
 *
 * Identification does not use the model's lexicons, so the model is loaded from an empty data
 * folder.
 */
#define _XOPEN_SOURCE 700
#include "vb_test.h"
#include "vb_test_model.h"

#include <stdio.h>
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "verbatim.h"

#define EMPTY VB_TEST_TMP "/test_langid.d"

typedef vbt_fixture fixture;

static int group_setup(void **state) {
  if (vbt_data_dir(EMPTY, NULL, 0)) return -1;
  return vbt_fixture_new(state, EMPTY, NULL, 0);
}

static int group_teardown(void **state) {
  vbt_fixture_free(state);
  vbt_remove_tree(EMPTY);
  return 0;
}

/* Identifies `text`, checks the confidence is in [0, 1], and returns the language. */
static vb_lang lid(fixture *f, const char *text, vb_lang dflt, double *conf) {
  double c = -1;
  vb_lang l = vb_analyzer_langid(f->an, text, strlen(text), dflt, &c);
  if (c < 0 || c > 1 || isnan(c)) print_error("confidence %g for \"%s\"\n", c, text);
  assert_true(c >= 0 && c <= 1);
  assert_true(l >= VB_LANG_UND && l < VB_LANG_COUNT);
  if (conf) *conf = c;
  return l;
}

#define expect_lang(f, text, dflt, want)                                                           \
  do {                                                                                             \
    vb_lang got_ = lid((f), (text), (dflt), NULL);                                                 \
    if (got_ != (want))                                                                            \
      print_error("\"%s\": %s, expected %s\n", (text), vb_lang_code(got_), vb_lang_code(want));  \
    assert_int_equal(got_, (want));                                                                \
  } while (0)

static void test_clear_sentences(void **state) {
  fixture *f = *state;
  static const struct {
    const char *text;
    vb_lang lang;
  } cases[] = {
      {"Jag är mycket nöjd med leveransen och personalen var trevlig.", VB_LANG_SV},
      {"Paketet kom fram efter två veckor och ingen svarade på mina mejl.", VB_LANG_SV},
      {"Leveransen kom fram i tid.", VB_LANG_SV},
      {"Jeg er meget tilfreds med leveringen, og personalet var venligt.", VB_LANG_DA},
      {"Pakken kom først efter to uger, og ingen svarede på mine mails.", VB_LANG_DA},
      {"Pakken kom til tiden.", VB_LANG_DA},
      {"I am very happy with the delivery and the staff were friendly.", VB_LANG_EN},
      {"The parcel arrived after two weeks and nobody answered my emails.", VB_LANG_EN},
      {"The parcel arrived on time.", VB_LANG_EN},
      {"המשלוח הגיע מהר והשירות היה מצוין", VB_LANG_HE},
      {"החבילה הגיעה אחרי שבועיים ואף אחד לא ענה למיילים שלי.", VB_LANG_HE},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    /* the same with and without a default: a clear text does not need it */
    expect_lang(f, cases[i].text, VB_LANG_UND, cases[i].lang);
    vb_lang other = cases[i].lang == VB_LANG_EN ? VB_LANG_DA : VB_LANG_EN;
    expect_lang(f, cases[i].text, other, cases[i].lang);
  }
}

static void test_confidence(void **state) {
  fixture *f = *state;
  double c;
  /* Hebrew by script: all letters Hebrew */
  assert_int_equal(lid(f, "המשלוח הגיע מהר", VB_LANG_UND, &c), VB_LANG_HE);
  assert_close(c, 1.0, 1e-12);
  /* an English sentence of English words only */
  assert_int_equal(lid(f, "We are very happy with the delivery.", VB_LANG_UND, &c), VB_LANG_EN);
  assert_close(c, 1.0, 1e-12);
  /* "I" is also Swedish and Danish "i" (in): English, but not certain */
  assert_int_equal(lid(f, "I am very happy with the delivery.", VB_LANG_UND, &c), VB_LANG_EN);
  assert_true(c > 0.8 && c < 1.0);
  /* Nordic sentences share words: confident, not certain */
  assert_int_equal(
      lid(f, "Jag är mycket nöjd med leveransen och personalen var trevlig.", VB_LANG_UND, &c),
      VB_LANG_SV);
  assert_true(c > 0.5 && c < 1.0);
  /* the confidence argument may be NULL */
  assert_int_equal(vb_analyzer_langid(f->an, "the delivery was late", 21, VB_LANG_UND, NULL),
                   VB_LANG_EN);
}

static void test_too_short(void **state) {
  fixture *f = *state;
  double c;
  /* a word that is in no language's list, too short for n-grams */
  assert_int_equal(lid(f, "ok", VB_LANG_UND, &c), VB_LANG_UND);
  assert_int_equal(lid(f, "ok", VB_LANG_DA, &c), VB_LANG_DA);
  assert_int_equal(lid(f, "ok", VB_LANG_HE, &c), VB_LANG_HE);
  assert_int_equal(lid(f, "Fint!", VB_LANG_UND, &c), VB_LANG_UND);
  assert_int_equal(lid(f, "Fint!", VB_LANG_SV, &c), VB_LANG_SV);
  /* a word both Nordic languages share: no winner */
  assert_int_equal(lid(f, "hej", VB_LANG_UND, &c), VB_LANG_UND);
  assert_close(c, 0.5, 1e-12);
  assert_int_equal(lid(f, "Helt ok", VB_LANG_UND, &c), VB_LANG_UND);
  assert_int_equal(lid(f, "hej", VB_LANG_DA, &c), VB_LANG_DA);
  assert_int_equal(lid(f, "hej", VB_LANG_SV, &c), VB_LANG_SV);
  /* no letters at all */
  assert_int_equal(lid(f, "12345 !!! :-)", VB_LANG_UND, &c), VB_LANG_UND);
  assert_int_equal(lid(f, "12345 !!! :-)", VB_LANG_EN, &c), VB_LANG_EN);
  /* but a single Hebrew word is Hebrew by its script */
  assert_int_equal(lid(f, "שירות", VB_LANG_UND, &c), VB_LANG_HE);
  assert_int_equal(lid(f, "שירות", VB_LANG_EN, &c), VB_LANG_HE);
}

static void test_empty(void **state) {
  fixture *f = *state;
  double c = -1;
  assert_int_equal(vb_analyzer_langid(f->an, "", 0, VB_LANG_UND, &c), VB_LANG_UND);
  assert_true(c >= 0 && c <= 1);
  assert_int_equal(vb_analyzer_langid(f->an, "   \n\t ", 6, VB_LANG_UND, &c), VB_LANG_UND);
  /* NULL text or analyzer, invalid UTF-8: und */
  assert_int_equal(vb_analyzer_langid(f->an, NULL, 0, VB_LANG_EN, NULL), VB_LANG_UND);
  assert_int_equal(vb_analyzer_langid(NULL, "the delivery", 12, VB_LANG_UND, NULL), VB_LANG_UND);
  static const char bad[] = "the \xC3 delivery was late";
  assert_int_equal(vb_analyzer_langid(f->an, bad, sizeof bad - 1, VB_LANG_UND, NULL), VB_LANG_UND);
  /* only `len` bytes count */
  assert_int_equal(vb_analyzer_langid(f->an, "hejthe delivery was late and slow", 3, VB_LANG_UND, NULL),
                   VB_LANG_UND);
}

/* Evidence besides the listed words: spelling that belongs to one language, the parts of
 * Swedish and Danish compounds and hyphenated words, and frequent English content words. */
static void test_word_evidence(void **state) {
  fixture *f = *state;
  static const struct {
    const char *text;
    vb_lang lang;
  } cases[] = {
      /* Swedish upp- and -erna, -ades */
      {"Uppgifterna saknades", VB_LANG_SV},
      /* Danish op- before a consonant, with a listed verb */
      {"Opskriften virkede", VB_LANG_DA},
      /* Danish hv- */
      {"Hvornår kommer pakken?", VB_LANG_DA},
      /* the parts of a hyphenated word count as words */
      {"POLITI-PENGEAFPRESNING", VB_LANG_DA},
      /* Swedish typed without å ä ö */
      {"Svarstiderna pa mejl ar alldeles for langa", VB_LANG_SV},
      /* short English answers of content words */
      {"Nothing works", VB_LANG_EN},
      {"absolutely fantastic", VB_LANG_EN},
      {"Ridiculous prices, awful staff", VB_LANG_EN},
      /* Danish and Swedish short answers */
      {"Fantastisk firma, bliv ved med det!", VB_LANG_DA},
      {"Pakken kom aldrig frem", VB_LANG_DA},
      {"Paketet kom aldrig fram", VB_LANG_SV},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    expect_lang(f, cases[i].text, VB_LANG_UND, cases[i].lang);
}

/* Short English texts of words English shares with Swedish and Danish (i, have, to, in, all,
 * sent): read as English when the text shows nothing Swedish or Danish of its own and English
 * has something of its own. Swedish and Danish texts of shared words stay theirs or undecided. */
static void test_english_lean(void **state) {
  fixture *f = *state;
  static const struct {
    const char *text;
    vb_lang lang;
  } cases[] = {
      /* two listed words, one an English function word */
      {"Sent in time", VB_LANG_EN},
      {"Have to", VB_LANG_EN},
      {"All in all", VB_LANG_EN},
      {"Sent to", VB_LANG_EN},
      /* the pronoun I inside a sentence */
      {"Ok, I", VB_LANG_EN},
      /* an inflection of a word only English lists (box, parcel, miss), possessive 's */
      {"Boxes crushed", VB_LANG_EN},
      {"Parcels missing", VB_LANG_EN},
      {"Anna's hotel", VB_LANG_EN},
      /* Danish and Swedish of shared words: not English */
      {"For sent!", VB_LANG_UND},  /* da: too late */
      {"God mad", VB_LANG_UND},    /* da: good food */
      {"At give", VB_LANG_UND},    /* da: to give */
      {"Under all kritik", VB_LANG_UND},
      {"Kom in i", VB_LANG_SV},    /* the n-grams say Swedish */
      {"I Danmark", VB_LANG_DA},
      {"Mad til tiden", VB_LANG_DA},
      /* one shared word alone is too short to tell */
      {"Have", VB_LANG_UND},
      {"Stop", VB_LANG_UND},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    expect_lang(f, cases[i].text, VB_LANG_UND, cases[i].lang);
  /* a default language is still taken when the lean does not hold */
  expect_lang(f, "God mad", VB_LANG_DA, VB_LANG_DA);
  /* the lean decides, but its confidence is English's own share of the votes: "sent", "in"
   * and "time" are Swedish or Danish words too */
  double c;
  assert_int_equal(lid(f, "Sent in time", VB_LANG_UND, &c), VB_LANG_EN);
  assert_true(c > 0.3 && c < 0.7);
  /* a capital I at the start of a sentence is not the pronoun's evidence (it may be Swedish
   * or Danish "I" = in); lower case neither */
  expect_lang(f, "Ok. I", VB_LANG_UND, VB_LANG_UND);
  expect_lang(f, "ok, i", VB_LANG_UND, VB_LANG_UND);
}

/* Names alone are too short to tell, whatever their spelling: und, or the caller's default. */
static void test_names(void **state) {
  fixture *f = *state;
  static const char *const names[] = {
      "Wendy Wilson", "Debra Kelly", "Mikael Persson", "Anders Jensen", "Acme Logistics",
      "Sara", "Lena's", "Howard Woodward, Emily Brooks, Andy Cooper",
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    double c = -1;
    expect_lang(f, names[i], VB_LANG_UND, VB_LANG_UND);
    expect_lang(f, names[i], VB_LANG_SV, VB_LANG_SV);
    (void)lid(f, names[i], VB_LANG_UND, &c);
    assert_close(c, 0.0, 1e-12);
  }
  /* a listed word, or a word in lower case, is more than a name */
  expect_lang(f, "Wendy Wilson was very helpful", VB_LANG_UND, VB_LANG_EN);
  expect_lang(f, "REFUNDS DELAYED", VB_LANG_UND, VB_LANG_EN);
  expect_lang(f, "Uppgifterna saknades", VB_LANG_UND, VB_LANG_SV);
}

/* A word lengthened by a letter written three times or more is the listed word it lengthens
 * (cut to two letters, else to one); a run of one letter alone is no word. English ordinals
 * (1st, 22nd) are English spelling; Swedish 3:e and Danish 3. are not. */
static void test_elongation_ordinals(void **state) {
  fixture *f = *state;
  static const struct {
    const char *text;
    vb_lang lang;
  } cases[] = {
      {"Sooooo", VB_LANG_EN},   /* so */
      {"Nooooo!", VB_LANG_EN},  /* no */
      {"Yesss", VB_LANG_EN},    /* yes */
      {"Tackkk!", VB_LANG_SV},  /* tack */
      {"Hejjj", VB_LANG_UND},   /* hej: Swedish and Danish alike */
      {"aaaaaaa", VB_LANG_UND}, /* not "a" */
      {"November 22nd", VB_LANG_EN},
      {"22nd", VB_LANG_UND}, /* half a vote alone is too little */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    expect_lang(f, cases[i].text, VB_LANG_UND, cases[i].lang);
  assert_true(lid(f, "den 22:a november", VB_LANG_UND, NULL) != VB_LANG_EN);
  assert_true(lid(f, "den 22. november", VB_LANG_UND, NULL) != VB_LANG_EN);
}

/* Swedish and Danish function words: du (both), då (Swedish), få (both), adverbs (netop,
 * tilbage, begge); "er" leans Danish
 * (its "is") but a Swedish text with "er" (you, your) and anything else Swedish stays Swedish.
 * An English inflection is not a Nordic compound ("hundreds" is not hund + reds). */
static void test_nordic_words(void **state) {
  fixture *f = *state;
  static const struct {
    const char *text;
    vb_lang lang;
  } cases[] = {
      {"Du då?", VB_LANG_SV},
      {"Hvad gør du?", VB_LANG_DA},
      {"Har du", VB_LANG_UND}, /* both languages */
      {"Det er jo", VB_LANG_DA},
      {"Netop", VB_LANG_DA}, /* adverbs of one language */
      {"Kom tilbage", VB_LANG_DA},
      {"Begge dele", VB_LANG_DA},
      {"Tack för er hjälp", VB_LANG_SV},
      {"Vi tackar er för allt", VB_LANG_SV},
      {"Have hundreds", VB_LANG_EN},
      {"All in hundreds", VB_LANG_EN},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    expect_lang(f, cases[i].text, VB_LANG_UND, cases[i].lang);
  /* after a preposition "er" is the Swedish pronoun: shared words alone stay undecided */
  expect_lang(f, "Hej på er", VB_LANG_UND, VB_LANG_UND);
  expect_lang(f, "Tack till er", VB_LANG_UND, VB_LANG_SV);
}

/* Words only the English lexicon knows decide a short text that shows nothing else (the
 * analyzer adds half a vote per word one lexicon knows): "Yikes!", "bummer". Not a text of
 * capitalised words that are not all such words (a name: Bent is a Danish first name), not
 * laughter, and not a word the Danish lexicon knows too. Without the lexicons the same texts
 * are too short to tell. */
#define LEX VB_TEST_TMP "/test_langid_lex.d"
static void test_lexicon_english(void **state) {
  fixture *f = *state;
  static const vbt_file files[] = {
      {"lexicons/en/valence.tsv", "yikes\t-1\nbummer\t-1.5\nbent\t-1\nhahaha\t1\nsucks\t-2\n", 0},
      {"lexicons/da/valence.tsv", "sucks\t-2\n", 0},
  };
  vb_model *m = NULL;
  vb_analyzer *an = NULL;
  assert_int_equal(vbt_data_dir(LEX, files, sizeof files / sizeof files[0]), 0);
  assert_int_equal(vbt_load_or_say(LEX, NULL, 0, NULL, 0, &m), VB_OK);
  assert_int_equal(vb_analyzer_new(m, &an), VB_OK);
  fixture g = {m, an};
  static const struct {
    const char *text;
    vb_lang lang;
  } cases[] = {
      {"Yikes!", VB_LANG_EN},   {"bummer", VB_LANG_EN},   {"Yikes, bummer", VB_LANG_EN},
      {"Bent Nielsen", VB_LANG_UND}, {"Hahaha", VB_LANG_UND}, {"Sucks", VB_LANG_UND},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    expect_lang(&g, cases[i].text, VB_LANG_UND, cases[i].lang);
    expect_lang(f, cases[i].text, VB_LANG_UND, VB_LANG_UND);
  }
  /* a default is still taken when they do not decide */
  expect_lang(&g, "Bent Nielsen", VB_LANG_DA, VB_LANG_DA);
  vb_analyzer_free(an);
  vb_model_free(m);
  vbt_remove_tree(LEX);
}

static void test_mixed_language(void **state) {
  fixture *f = *state;
  /* a Swedish sentence with an English phrase inside is Swedish */
  expect_lang(f, "Jag beställde en ny telefon men customer service was not helpful och jag är "
                 "besviken.", VB_LANG_UND, VB_LANG_SV);
  expect_lang(f, "Vi fick vänta i tre veckor, the worst experience ever, och ingen svarade.",
              VB_LANG_UND, VB_LANG_SV);
  /* a Danish one likewise */
  expect_lang(f, "Jeg bestilte en ny telefon, men customer service was not helpful, og jeg er "
                 "skuffet.", VB_LANG_UND, VB_LANG_DA);
  /* English with a Hebrew phrase: more Latin letters than Hebrew ones */
  expect_lang(f, "The app is great and the delivery was fast but השירות גרוע", VB_LANG_UND,
              VB_LANG_EN);
  /* Hebrew with a brand name: mostly Hebrew letters */
  expect_lang(f, "הזמנתי מ-Amazon והמשלוח הגיע מהר מאוד", VB_LANG_UND, VB_LANG_HE);
  /* 11 Hebrew letters against 8 Latin ones */
  expect_lang(f, "השירות מעולה, great app", VB_LANG_UND, VB_LANG_HE);
}

static void test_through_run(void **state) {
  fixture *f = *state;
  const char *text = "Leveransen var sen och personalen var otrevlig.";
  const vb_result *r = NULL;
  vb_run_options ro = {VB_LANG_UND, VB_LANG_UND, 0};
  assert_int_equal(vb_analyzer_run(f->an, text, strlen(text), &ro, &r), VB_OK);
  assert_int_equal(vb_result_lang(r), VB_LANG_SV);
  double c;
  assert_int_equal(lid(f, text, VB_LANG_UND, &c), VB_LANG_SV);
  assert_int_equal(vb_analyzer_run(f->an, text, strlen(text), &ro, &r), VB_OK);
  assert_close(vb_result_lang_confidence(r), c, 1e-12);
  /* NULL options: identify */
  assert_int_equal(vb_analyzer_run(f->an, text, strlen(text), NULL, &r), VB_OK);
  assert_int_equal(vb_result_lang(r), VB_LANG_SV);
  /* a language given by the caller is taken as it is, with confidence 1 */
  ro.lang = VB_LANG_DA;
  assert_int_equal(vb_analyzer_run(f->an, text, strlen(text), &ro, &r), VB_OK);
  assert_int_equal(vb_result_lang(r), VB_LANG_DA);
  assert_close(vb_result_lang_confidence(r), 1.0, 0);
  /* a short text takes the default */
  ro.lang = VB_LANG_UND;
  ro.lang_default = VB_LANG_HE;
  assert_int_equal(vb_analyzer_run(f->an, "ok", 2, &ro, &r), VB_OK);
  assert_int_equal(vb_result_lang(r), VB_LANG_HE);
  ro.lang_default = VB_LANG_UND;
  assert_int_equal(vb_analyzer_run(f->an, "ok", 2, &ro, &r), VB_OK);
  assert_int_equal(vb_result_lang(r), VB_LANG_UND);
  assert_int_equal(vb_analyzer_run(f->an, "", 0, &ro, &r), VB_OK);
  assert_int_equal(vb_result_lang(r), VB_LANG_UND);
}

/* Identifying many texts with one analyzer must not make the heap grow (an earlier version
 * leaked a libexttextcat fingerprint per text; the n-gram model now allocates nothing per
 * text). Under AddressSanitizer mallinfo2 tells nothing; LeakSanitizer checks. */
static void test_no_growth(void **state) {
  fixture *f = *state;
  /* no listed word: the n-gram vote runs for this text */
  const char *text = "Xylofon zebra qwerty";
  for (int i = 0; i < 3; i++) (void)lid(f, text, VB_LANG_UND, NULL);
#if defined(__GLIBC__)
  size_t before = mallinfo2().uordblks;
  for (int i = 0; i < 500; i++) (void)lid(f, text, VB_LANG_UND, NULL);
  size_t after = mallinfo2().uordblks;
  if (after > before + 64 * 1024) print_error("the heap grew by %zu bytes\n", after - before);
  assert_true(after <= before + 64 * 1024);
#endif
}

static void test_lang_codes(void **state) {
  (void)state;
  static const char *const codes[VB_LANG_COUNT] = {"und", "en", "sv", "da", "he"};
  for (int l = 0; l < VB_LANG_COUNT; l++) {
    assert_string_equal(vb_lang_code((vb_lang)l), codes[l]);
    vb_lang back = VB_LANG_COUNT;
    assert_int_equal(vb_lang_parse(codes[l], &back), VB_OK);
    assert_int_equal(back, l);
  }
  assert_string_equal(vb_lang_code(VB_LANG_COUNT), "und");
  assert_string_equal(vb_lang_code((vb_lang)-1), "und");
  vb_lang l = VB_LANG_COUNT;
  assert_int_equal(vb_lang_parse("SV", &l), VB_OK);
  assert_int_equal(l, VB_LANG_SV);
  assert_int_equal(vb_lang_parse("auto", &l), VB_OK);
  assert_int_equal(l, VB_LANG_UND);
  l = VB_LANG_EN;
  assert_int_equal(vb_lang_parse("fr", &l), VB_ELANG);
  assert_int_equal(vb_lang_parse("", &l), VB_ELANG);
  assert_int_equal(vb_lang_parse("svv", &l), VB_ELANG);
  assert_int_equal(l, VB_LANG_EN); /* unchanged on failure */
  assert_int_equal(vb_lang_parse(NULL, &l), VB_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clear_sentences), cmocka_unit_test(test_confidence),
      cmocka_unit_test(test_too_short),       cmocka_unit_test(test_empty),
      cmocka_unit_test(test_mixed_language),  cmocka_unit_test(test_through_run),
      cmocka_unit_test(test_no_growth),       cmocka_unit_test(test_lang_codes),
      cmocka_unit_test(test_word_evidence),  cmocka_unit_test(test_english_lean),
      cmocka_unit_test(test_names),           cmocka_unit_test(test_elongation_ordinals),
      cmocka_unit_test(test_nordic_words),    cmocka_unit_test(test_lexicon_english),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
