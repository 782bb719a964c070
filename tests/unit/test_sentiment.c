/*
 * test_sentiment.c - the sentiment rules (sentiment.c), through vb_analyzer_run on a model
 * loaded from a tiny data folder written here, so that every valence is known and every
 * expected value below is worked out by hand from the rules in include/verbatim.h:
 *
 *   token valence = ((base + prefix + boosters + caps + elongation) x negation) x contrast
 *   booster at distance 1/2/3 adds sign(v) * b * {1, 0.95, 0.90} * min(|v|, 1)
 *   caps adds 0.733 (only when some but not all words are in capitals), elongation 0.293
 *   negation multiplies a positive word by -0.74 and a negative one by -0.5
 *   contrast: words before the last contrast word x0.5, after it x1.5
 *   sentence: S = sum + 0.292 per '!' (up to 4) in its direction; score S / sqrt(S^2 + 15)
 *   document: normalise(sum of the sentences' S / sqrt(k)), k = sentences with S != 0
 *
 * Token valences are floats, so comparisons allow 1e-5. The last tests replay the explanation
 * of many texts (also with the built-in lexicons) and check that it reproduces every token's
 * valence, every sentence score and the document score.
 */
#define _XOPEN_SOURCE 700
#include "vb_test.h"
#include "vb_test_model.h"

#include <stdio.h>
#include <stdlib.h>

#include "verbatim.h"

#define DATA VB_TEST_TMP "/test_sentiment.d"
#define TOL 1e-5

static const vbt_file data_files[] = {
    {"lexicons/en/valence.tsv",
     "good\t2\n"
     "bad\t-2\n"
     "great\t3\n"
     "slow\t-1.5\n"
     "okay\t0.5\n"
     "problem\t-1.5\n"
     "no problem\t1.5\n"
     "decent\t0.2\n"
     "okayish\t0.19\n"
     "meh\t-0.2\n"
     "bland\t-0.19\n"
     "fast\t2\n"
     "rude\t-2.5\n"
     "love\t3\n"
     "hate\t-3\n",
     0},
    {"lexicons/en/modifiers.tsv",
     "not\tnegator\n"
     "no\tnegator\n"
     "never\tnegator\n"
     "very\tbooster\t0.3\n"
     "extremely\tbooster\t0.5\n"
     "slightly\tdampener\t0.2\n"
     "a bit\tdampener\t0.3\n"
     "but\tcontrast\n"
     "super\tprefix\t0.5\n",
     0},
    {"lexicons/sv/valence.tsv", "bra\t2\ndålig\t-2\ngillar\t2\n", 0},
    {"lexicons/sv/modifiers.tsv", "inte\tnegator\nmycket\tbooster\t0.3\nmen\tcontrast\n"
                                  "jätte\tprefix\t0.3\n",
     0},
    {"lexicons/da/valence.tsv", "god\t2\nvirker\t1\ndårlig\t-2\n", 0},
    {"lexicons/da/modifiers.tsv", "ikke\tnegator\nmeget\tbooster\t0.3\nmen\tcontrast\n", 0},
    {"lexicons/he/valence.tsv", "טוב\t2\nגרוע\t-2\nסכנה\t-2\nלא עוזר\t-1.5\nמעניין\t1\n", 0},
    {"lexicons/he/modifiers.tsv", "לא\tnegator\nולא\tnegprefix\nמאוד\tbooster\t0.3\nאבל\tcontrast\n"
                                  "אף\tnegator\nשום\tnegator\nאין\tnegator\n",
     0},
    {"lexicons/emoji.tsv",
     "\xF0\x9F\x98\x80\t2.5\tgrinning face\n"        /* 😀 */
     "\xF0\x9F\x98\xA1\t-3\tpouting face\n"          /* 😡 */
     "\xF0\x9F\x93\xA6\t0\tpackage\n"                /* 📦: listed, neutral */
     ":(\t-1.5\tsad\n",
     0},
};

typedef struct {
  vb_model *m;
  vb_analyzer *an;
  vb_model *builtin;
  vb_analyzer *an_builtin;
} fixture;

static int group_setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f) return -1;
  *state = f;
  if (vbt_data_dir(DATA, data_files, sizeof data_files / sizeof data_files[0]) ||
      vbt_load_or_say(DATA, NULL, 0, NULL, 0, &f->m) || vb_analyzer_new(f->m, &f->an) ||
      vbt_load_or_say(NULL, NULL, 0, NULL, 0, &f->builtin) ||
      vb_analyzer_new(f->builtin, &f->an_builtin))
    return -1;
  return 0;
}

static int group_teardown(void **state) {
  fixture *f = *state;
  if (f) {
    vb_analyzer_free(f->an);
    vb_model_free(f->m);
    vb_analyzer_free(f->an_builtin);
    vb_model_free(f->builtin);
    free(f);
  }
  vbt_remove_tree(DATA);
  return 0;
}

static double norm(double s) { return s / sqrt(s * s + 15.0); }

static const vb_result *run_on(vb_analyzer *an, vb_lang lang, const char *text) {
  vb_run_options ro = {lang, VB_LANG_UND, VB_RUN_EXPLAIN};
  const vb_result *r = NULL;
  int rc = vb_analyzer_run(an, text, strlen(text), &ro, &r);
  if (rc) print_error("vb_analyzer_run(\"%s\") = %d\n", text, rc);
  assert_int_equal(rc, VB_OK);
  return r;
}

static const vb_result *run(fixture *f, vb_lang lang, const char *text) {
  return run_on(f->an, lang, text);
}

/* The valence of the token spelt `word` in the result of `text`. */
static double val(const vb_result *r, const char *word) {
  const vb_token *t;
  size_t n = vb_result_tokens(r, &t);
  size_t len;
  const char *text = vb_result_text(r, &len);
  size_t i = vbt_token_at(text, t, n, word);
  if (i == (size_t)-1) print_error("no token \"%s\" in \"%.*s\"\n", word, (int)len, text);
  assert_true(i != (size_t)-1);
  return t[i].valence;
}

static uint16_t flags_of(const vb_result *r, const char *word) {
  const vb_token *t;
  size_t n = vb_result_tokens(r, &t);
  size_t i = vbt_token_at(vb_result_text(r, NULL), t, n, word);
  assert_true(i != (size_t)-1);
  return t[i].flags;
}

static double score(const vb_result *r) { return vb_result_sentiment(r)->score; }

#define expect_val(r, word, want)                                                                  \
  do {                                                                                             \
    double got_ = val((r), (word));                                                                \
    if (fabs(got_ - (want)) > TOL)                                                                 \
      print_error("\"%s\" in \"%s\": %.9g, expected %.9g\n", (word), vb_result_text((r), NULL),  \
                  got_, (double)(want));                                                           \
    assert_close(got_, (want), TOL);                                                               \
  } while (0)

/* ---- single words and the document formula ---- */

static void test_plain_words(void **state) {
  fixture *f = *state;
  const vb_result *r = run(f, VB_LANG_EN, "good");
  expect_val(r, "good", 2.0);
  assert_close(score(r), norm(2.0), 1e-9);
  r = run(f, VB_LANG_EN, "The table is brown");
  assert_close(score(r), 0.0, 0);
  const vb_sentiment *s = vb_result_sentiment(r);
  assert_int_equal(s->label, VB_NEUTRAL);
  assert_close(s->neu, 1.0, 1e-12);
  /* shares: a sentiment word weighs |v| + 1, a neutral word 1 */
  r = run(f, VB_LANG_EN, "good table bad");
  s = vb_result_sentiment(r);
  assert_close(s->pos, 3.0 / 7.0, 1e-9);
  assert_close(s->neg, 3.0 / 7.0, 1e-9);
  assert_close(s->neu, 1.0 / 7.0, 1e-9);
  assert_close(s->pos + s->neg + s->neu, 1.0, 1e-12);
  assert_close(score(r), 0.0, 1e-9);
}

static void test_document_formula(void **state) {
  fixture *f = *state;
  /* two sentences carrying sentiment: (2 + 3) / sqrt(2) */
  const vb_result *r = run(f, VB_LANG_EN, "It was good. It was great.");
  assert_close(score(r), norm(5.0 / sqrt(2.0)), 1e-6);
  const vb_span *sp;
  assert_int_equal(vb_result_sentences(r, &sp), 2);
  assert_close(sp[0].sentiment, norm(2.0), 1e-6);
  assert_close(sp[1].sentiment, norm(3.0), 1e-6);
  /* a neutral sentence does not count in k */
  r = run(f, VB_LANG_EN, "It was good. The table is brown. Nothing else.");
  assert_int_equal(vb_result_sentences(r, &sp), 3);
  assert_close(score(r), norm(2.0), 1e-6);
  assert_close(sp[1].sentiment, 0.0, 0);
  /* three sentences, one negative: (2 + 3 - 2) / sqrt(3) */
  r = run(f, VB_LANG_EN, "good.\ngreat\nbad");
  assert_int_equal(vb_result_sentences(r, &sp), 3);
  assert_close(score(r), norm(3.0 / sqrt(3.0)), 1e-6);
  /* agreeing sentences do not run to 1 as a plain sum would: 10 x "great" */
  r = run(f, VB_LANG_EN, "great. great. great. great. great. great. great. great. great. great.");
  assert_close(score(r), norm(30.0 / sqrt(10.0)), 1e-6);
  assert_true(score(r) < 0.93);
  /* a sentence's words are summed before normalising */
  r = run(f, VB_LANG_EN, "good and great");
  assert_close(score(r), norm(5.0), 1e-6);
}

static void test_range(void **state) {
  fixture *f = *state;
  /* two answers joined by a blank line, as annotate joins several --text fields */
  const char *text = "It was good. It was great!\n\nThe app is slow. No problem with staff.";
  const vb_result *r = run(f, VB_LANG_EN, text);
  size_t len = strlen(text), cut = strlen("It was good. It was great!");
  vb_sentiment a, b, all;
  assert_int_equal(vb_result_sentiment_range(r, 0, cut, &a), VB_OK);
  assert_int_equal(vb_result_sentiment_range(r, cut + 2, len, &b), VB_OK);
  assert_int_equal(vb_result_sentiment_range(r, 0, len, &all), VB_OK);
  /* the first: (2 + (3 + 0.292)) / sqrt(2); 2 positive words (weight v + 1: 3 and 4), 4
   * neutral */
  assert_close(a.score, norm((2.0 + 3.292) / sqrt(2.0)), 1e-6);
  assert_int_equal(a.label, VB_POSITIVE);
  assert_close(a.pos, 7.0 / 11.0, 1e-6);
  assert_close(a.neg, 0.0, 0);
  assert_false(a.mixed);
  /* the second: (-1.5 + 1.5) / sqrt(2), "no problem" one word (its second word is neither
   * neutral nor valued), 1 negative (2.5) and 1 positive (2.5) weight, 5 neutral words */
  assert_close(b.score, norm(0.0), 1e-6);
  assert_int_equal(b.label, VB_NEUTRAL);
  assert_close(b.pos, 2.5 / 10.0, 1e-6);
  assert_close(b.neg, 2.5 / 10.0, 1e-6);
  assert_close(b.neu, 5.0 / 10.0, 1e-6);
  assert_true(b.mixed);
  /* the whole text is the document's sentiment, field by field */
  const vb_sentiment *d = vb_result_sentiment(r);
  assert_true(all.score == d->score && all.pos == d->pos && all.neg == d->neg &&
              all.neu == d->neu && all.label == d->label && all.level == d->level &&
              all.mixed == d->mixed);
  /* a sentence that straddles an edge is left out; nothing inside is neutral */
  assert_int_equal(vb_result_sentiment_range(r, 3, cut, &a), VB_OK);
  assert_close(a.score, norm(3.292), 1e-6);
  assert_int_equal(vb_result_sentiment_range(r, 5, 5, &a), VB_OK);
  assert_close(a.score, 0.0, 0);
  assert_close(a.neu, 1.0, 0);
  assert_int_equal(vb_result_sentiment_range(r, 6, 5, &a), VB_EINVAL);
  assert_int_equal(vb_result_sentiment_range(r, 0, len + 1, &a), VB_EINVAL);
}

static void test_labels_and_levels(void **state) {
  fixture *f = *state;
  /* normalise(0.2) = 0.0516 >= 0.05; normalise(0.19) = 0.0490 < 0.05 */
  const vb_result *r = run(f, VB_LANG_EN, "decent");
  assert_true(score(r) >= 0.05);
  assert_int_equal(vb_result_sentiment(r)->label, VB_POSITIVE);
  assert_int_equal(vb_result_sentiment(r)->level, 1);
  r = run(f, VB_LANG_EN, "okayish");
  assert_true(score(r) > 0 && score(r) < 0.05);
  assert_int_equal(vb_result_sentiment(r)->label, VB_NEUTRAL);
  assert_int_equal(vb_result_sentiment(r)->level, 0);
  r = run(f, VB_LANG_EN, "meh");
  assert_true(score(r) <= -0.05);
  assert_int_equal(vb_result_sentiment(r)->label, VB_NEGATIVE);
  assert_int_equal(vb_result_sentiment(r)->level, -1);
  r = run(f, VB_LANG_EN, "bland");
  assert_true(score(r) < 0 && score(r) > -0.05);
  assert_int_equal(vb_result_sentiment(r)->label, VB_NEUTRAL);
  /* five levels: +-0.6 separates strong from clear */
  r = run(f, VB_LANG_EN, "great"); /* 3 / sqrt(24) = 0.612 */
  assert_int_equal(vb_result_sentiment(r)->level, 2);
  r = run(f, VB_LANG_EN, "good"); /* 0.459 */
  assert_int_equal(vb_result_sentiment(r)->level, 1);
  r = run(f, VB_LANG_EN, "hate"); /* -0.612 */
  assert_int_equal(vb_result_sentiment(r)->level, -2);
  assert_int_equal(vb_result_sentiment(r)->label, VB_NEGATIVE);
  /* mixed: a clearly positive and a clearly negative clause */
  r = run(f, VB_LANG_EN, "good staff, bad food");
  assert_true(vb_result_sentiment(r)->mixed);
  r = run(f, VB_LANG_EN, "good staff, great food");
  assert_false(vb_result_sentiment(r)->mixed);
}

/* ---- negation ---- */

static void test_negation_english(void **state) {
  fixture *f = *state;
  const vb_result *r = run(f, VB_LANG_EN, "not good");
  expect_val(r, "good", 2.0 * -0.74);
  assert_true(flags_of(r, "good") & VB_TOKF_NEGATED);
  assert_false(flags_of(r, "not") & VB_TOKF_NEGATED);
  /* a negated negative word becomes weakly positive */
  r = run(f, VB_LANG_EN, "not slow");
  expect_val(r, "slow", -1.5 * -0.5);
  /* up to three words back */
  r = run(f, VB_LANG_EN, "never at all good");
  expect_val(r, "good", 2.0 * -0.74);
  r = run(f, VB_LANG_EN, "not that it was good");
  expect_val(r, "good", 2.0);
  assert_false(flags_of(r, "good") & VB_TOKF_NEGATED);
  /* not after the word in English */
  r = run(f, VB_LANG_EN, "good not");
  expect_val(r, "good", 2.0);
  /* not across a clause boundary */
  r = run(f, VB_LANG_EN, "not, good");
  expect_val(r, "good", 2.0);
  /* two negators cancel */
  r = run(f, VB_LANG_EN, "not never good");
  expect_val(r, "good", 2.0);
  /* "not only" does not negate */
  r = run(f, VB_LANG_EN, "not only good");
  expect_val(r, "good", 2.0);
  /* an emoji is not negated and ends the scope */
  r = run(f, VB_LANG_EN, "not \xF0\x9F\x98\x80");
  expect_val(r, "\xF0\x9F\x98\x80", 2.5);
  r = run(f, VB_LANG_EN, "not \xF0\x9F\x93\xA6 good");
  expect_val(r, "good", 2.0);
  /* the document follows */
  r = run(f, VB_LANG_EN, "The food was not good");
  assert_close(score(r), norm(-1.48), 1e-6);
  assert_int_equal(vb_result_sentiment(r)->label, VB_NEGATIVE);
}

static void test_negation_nordic(void **state) {
  fixture *f = *state;
  /* Swedish: the negator after the verb negates the verb ("jag gillar inte") */
  const vb_result *r = run(f, VB_LANG_SV, "Jag gillar inte");
  expect_val(r, "gillar", 2.0 * -0.74);
  assert_true(flags_of(r, "gillar") & VB_TOKF_NEGATED);
  r = run(f, VB_LANG_SV, "Jag gillar inte det");
  expect_val(r, "gillar", 2.0 * -0.74);
  /* ... and before an adjective, the adjective ("den är inte bra") */
  r = run(f, VB_LANG_SV, "Den är inte bra");
  expect_val(r, "bra", 2.0 * -0.74);
  /* when a valence word follows "inte", it is that word that is negated, not the verb */
  r = run(f, VB_LANG_SV, "Jag gillar inte dålig service");
  expect_val(r, "gillar", 2.0);
  expect_val(r, "dålig", -2.0 * -0.5);
  /* "inte bara" does not negate */
  r = run(f, VB_LANG_SV, "inte bara bra");
  expect_val(r, "bra", 2.0);
  r = run(f, VB_LANG_SV, "Jag gillar inte bara");
  expect_val(r, "gillar", 2.0);
  /* Danish likewise ("den virker ikke") */
  r = run(f, VB_LANG_DA, "Den virker ikke");
  expect_val(r, "virker", 1.0 * -0.74);
  r = run(f, VB_LANG_DA, "Den er ikke god");
  expect_val(r, "god", 2.0 * -0.74);
  r = run(f, VB_LANG_DA, "ikke kun god");
  expect_val(r, "god", 2.0);
  /* English has no negator after the word */
  r = run(f, VB_LANG_EN, "I love it not");
  expect_val(r, "love", 3.0);
}

static void test_negation_hebrew(void **state) {
  fixture *f = *state;
  const vb_result *r = run(f, VB_LANG_HE, "לא טוב");
  expect_val(r, "טוב", 2.0 * -0.74);
  /* ולא ("and not"): a negator with a proclitic, listed as negprefix */
  r = run(f, VB_LANG_HE, "זה ולא טוב");
  expect_val(r, "טוב", 2.0 * -0.74);
  assert_true(flags_of(r, "טוב") & VB_TOKF_NEGATED);
  /* מלא ("full") is not מ + לא */
  r = run(f, VB_LANG_HE, "מלא טוב");
  expect_val(r, "טוב", 2.0);
  assert_false(flags_of(r, "טוב") & VB_TOKF_NEGATED);
  r = run(f, VB_LANG_HE, "לא גרוע");
  expect_val(r, "גרוע", -2.0 * -0.5);
  /* "לא רק" (not only) */
  r = run(f, VB_LANG_HE, "לא רק טוב");
  expect_val(r, "טוב", 2.0);
  /* negative concord: אף ... לא, אין שום are one negation */
  r = run(f, VB_LANG_HE, "אף אחד לא טוב");
  expect_val(r, "טוב", 2.0 * -0.74);
  r = run(f, VB_LANG_HE, "אין שום סכנה");
  expect_val(r, "סכנה", -2.0 * -0.5);
  /* a phrase with its own negator is not negated again by אף */
  r = run(f, VB_LANG_HE, "אף אחד לא עוזר");
  assert_close(score(r), norm(-1.5), TOL);
  /* a negative object after את / על is not what the negator denies */
  r = run(f, VB_LANG_HE, "הם לא מבינים את הסכנה");
  expect_val(r, "הסכנה", -2.0);
  assert_false(flags_of(r, "הסכנה") & VB_TOKF_NEGATED);
  r = run(f, VB_LANG_HE, "לא מדברים על סכנה");
  expect_val(r, "סכנה", -2.0);
  /* but a positive one is: "did not get the good ..." */
  r = run(f, VB_LANG_HE, "לא קיבלנו את הטוב");
  expect_val(r, "הטוב", 2.0 * -0.74);
  /* the negator binds to the nearest sentiment word */
  r = run(f, VB_LANG_HE, "לא מעניין אבל גרוע");
  expect_val(r, "מעניין", 1.0 * -0.74 * 0.5);
  r = run(f, VB_LANG_HE, "לא מעניין גרוע");
  expect_val(r, "גרוע", -2.0);
}

/* ---- intensity ---- */

static void test_boosters_decay(void **state) {
  fixture *f = *state;
  const vb_result *r = run(f, VB_LANG_EN, "very good");
  expect_val(r, "good", 2.0 + 0.3);
  r = run(f, VB_LANG_EN, "very much good");
  expect_val(r, "good", 2.0 + 0.3 * 0.95);
  r = run(f, VB_LANG_EN, "very much so good");
  expect_val(r, "good", 2.0 + 0.3 * 0.90);
  r = run(f, VB_LANG_EN, "very much so then good");
  expect_val(r, "good", 2.0);
  /* negative words are pushed down; weak words by |v| only */
  r = run(f, VB_LANG_EN, "very bad");
  expect_val(r, "bad", -2.0 - 0.3);
  r = run(f, VB_LANG_EN, "very okay");
  expect_val(r, "okay", 0.5 + 0.3 * 0.5);
  /* two boosters add up */
  r = run(f, VB_LANG_EN, "extremely very good");
  expect_val(r, "good", 2.0 + 0.3 + 0.5 * 0.95);
  /* a booster in capitals among other words counts half again */
  r = run(f, VB_LANG_EN, "VERY good");
  expect_val(r, "good", 2.0 + 0.3 * 1.5);
  /* not across clauses */
  r = run(f, VB_LANG_EN, "very, good");
  expect_val(r, "good", 2.0);
  /* boosters before a negator: boosted, then negated */
  r = run(f, VB_LANG_EN, "not very good");
  expect_val(r, "good", (2.0 + 0.3) * -0.74);
  /* Swedish, and Hebrew (the booster after the word) */
  r = run(f, VB_LANG_SV, "mycket bra");
  expect_val(r, "bra", 2.3);
  r = run(f, VB_LANG_HE, "טוב מאוד");
  expect_val(r, "טוב", 2.3);
}

static void test_dampeners(void **state) {
  fixture *f = *state;
  /* a dampener's value is negative (its sign in the file does not matter) */
  const vb_result *r = run(f, VB_LANG_EN, "slightly good");
  expect_val(r, "good", 2.0 - 0.2);
  r = run(f, VB_LANG_EN, "slightly bad");
  expect_val(r, "bad", -2.0 + 0.2);
  r = run(f, VB_LANG_EN, "slightly okay");
  expect_val(r, "okay", 0.5 - 0.2 * 0.5);
  r = run(f, VB_LANG_EN, "slightly too good");
  expect_val(r, "good", 2.0 - 0.2 * 0.95);
  /* a multi-word dampener right before the word */
  r = run(f, VB_LANG_EN, "a bit good");
  /* sentiment.c pass 2 counts the distance from the modifier's first word, so "a bit" right
   * before "good" is taken to be two words away (decay 0.95): 1.715 instead of 1.7 */
  expect_val(r, "good", 2.0 - 0.3);
}

static void test_caps(void **state) {
  fixture *f = *state;
  /* some words in capitals: emphasis */
  const vb_result *r = run(f, VB_LANG_EN, "GOOD service");
  expect_val(r, "GOOD", 2.0 + 0.733);
  assert_true(flags_of(r, "GOOD") & VB_TOKF_CAPS);
  r = run(f, VB_LANG_EN, "the service was BAD");
  expect_val(r, "BAD", -2.0 - 0.733);
  /* every word in capitals: shouting, not emphasis */
  r = run(f, VB_LANG_EN, "GOOD");
  expect_val(r, "GOOD", 2.0);
  r = run(f, VB_LANG_EN, "GOOD SERVICE");
  expect_val(r, "GOOD", 2.0);
  /* a single capital letter is not capitals */
  r = run(f, VB_LANG_EN, "Good service");
  expect_val(r, "Good", 2.0);
  /* caps, then negation */
  r = run(f, VB_LANG_EN, "not GOOD");
  expect_val(r, "GOOD", (2.0 + 0.733) * -0.74);
}

static void test_elongation(void **state) {
  fixture *f = *state;
  const vb_result *r = run(f, VB_LANG_EN, "goooood");
  expect_val(r, "goooood", 2.0 + 0.293);
  assert_true(flags_of(r, "goooood") & VB_TOKF_ELONGATED);
  r = run(f, VB_LANG_EN, "sloooow");
  expect_val(r, "sloooow", -1.5 - 0.293);
  r = run(f, VB_LANG_EN, "baaaad service");
  expect_val(r, "baaaad", -2.0 - 0.293);
  /* two letters are not elongation */
  r = run(f, VB_LANG_EN, "good");
  assert_false(flags_of(r, "good") & VB_TOKF_ELONGATED);
  expect_val(r, "good", 2.0);
}

static void test_prefix_compounds(void **state) {
  fixture *f = *state;
  const vb_result *r = run(f, VB_LANG_EN, "supergood");
  expect_val(r, "supergood", 2.0 + 0.5);
  assert_true(flags_of(r, "supergood") & VB_TOKF_COMPOUND);
  r = run(f, VB_LANG_EN, "superbad");
  expect_val(r, "superbad", -2.0 - 0.5);
  r = run(f, VB_LANG_SV, "jättebra");
  expect_val(r, "jättebra", 2.0 + 0.3);
  /* a prefix alone, or before an unknown word, is nothing */
  r = run(f, VB_LANG_EN, "supertable");
  expect_val(r, "supertable", 0.0);
}

/* ---- contrast and punctuation ---- */

static void test_contrast(void **state) {
  fixture *f = *state;
  const vb_result *r = run(f, VB_LANG_EN, "good but slow");
  expect_val(r, "good", 2.0 * 0.5);
  expect_val(r, "slow", -1.5 * 1.5);
  assert_close(score(r), norm(1.0 - 2.25), 1e-6);
  /* the contrast word starts a clause; a clause's score is its own, before the weights */
  const vb_span *c;
  assert_int_equal(vb_result_clauses(r, &c), 2);
  assert_close(c[0].sentiment, norm(2.0), 1e-6);
  assert_close(c[1].sentiment, norm(-1.5), 1e-6);
  /* so a weak clause before "but" still makes the text mixed: norm(1.5 * 0.5) = 0.19 would
   * not reach the 0.3 a clause needs, norm(1.5) = 0.36 does */
  r = run(f, VB_LANG_EN, "slow but great");
  expect_val(r, "slow", -1.5 * 0.5);
  assert_true(score(r) > 0);
  assert_true(vb_result_sentiment(r)->mixed);
  /* the last contrast word counts */
  r = run(f, VB_LANG_EN, "good but bad but great");
  expect_val(r, "good", 1.0);
  expect_val(r, "bad", -1.0);
  expect_val(r, "great", 4.5);
  /* within the sentence only */
  r = run(f, VB_LANG_EN, "It was good. But slow.");
  expect_val(r, "good", 2.0);
  expect_val(r, "slow", -2.25);
  /* Swedish, Danish, Hebrew */
  r = run(f, VB_LANG_SV, "bra men dålig");
  expect_val(r, "bra", 1.0);
  expect_val(r, "dålig", -3.0);
  r = run(f, VB_LANG_DA, "god men dårlig");
  expect_val(r, "dårlig", -3.0);
  r = run(f, VB_LANG_HE, "טוב אבל גרוע");
  expect_val(r, "טוב", 1.0);
  expect_val(r, "גרוע", -3.0);
}

static void test_punctuation(void **state) {
  fixture *f = *state;
  static const struct {
    const char *text;
    double sum;
  } cases[] = {
      {"good", 2.0},
      {"good!", 2.0 + 0.292},
      {"good!!", 2.0 + 2 * 0.292},
      {"good!!!!", 2.0 + 4 * 0.292},
      {"good!!!!!!!", 2.0 + 4 * 0.292}, /* at most four */
      {"bad!!!", -2.0 - 3 * 0.292},     /* in the sentence's direction */
      {"bad?", -2.0},                    /* one question mark: nothing */
      {"bad??", -2.0 - 2 * 0.18},
      {"bad???", -2.0 - 3 * 0.18},
      {"bad?????", -2.0 - 0.96},
      {"bad?!?!", -2.0 - 2 * 0.292 - 2 * 0.18},
      {"good?", 0.0}, /* a question asserts nothing: its positive words count for nothing */
      {"good?!?!", 0.0},
      {"good, right?", 2.0}, /* but a tag question asks to confirm what it says */
      {"It is good, isn't it?", 2.0},
      {"good. bad?", 2.0 - 2.0}, /* only the sentence that asks */
      {"The table!!!", 0.0}, /* no sentiment, nothing to amplify */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const vb_result *r = run(f, VB_LANG_EN, cases[i].text);
    if (fabs(score(r) - norm(cases[i].sum)) > 1e-6)
      print_error("\"%s\": %.9g, expected %.9g\n", cases[i].text, score(r), norm(cases[i].sum));
    assert_close(score(r), norm(cases[i].sum), 1e-6);
  }
  /* the clause score leaves punctuation out; the sentence score has it */
  const vb_result *r = run(f, VB_LANG_EN, "good!!");
  const vb_span *s, *c;
  assert_int_equal(vb_result_sentences(r, &s), 1);
  assert_int_equal(vb_result_clauses(r, &c), 1);
  assert_close(c[0].sentiment, norm(2.0), 1e-6);
  assert_close(s[0].sentiment, norm(2.0 + 2 * 0.292), 1e-6);
}

/* ---- lexicon matching ---- */

static void test_phrase_precedence(void **state) {
  fixture *f = *state;
  /* "no problem" is an entry: neither "no" negating nor "problem" counts */
  const vb_result *r = run(f, VB_LANG_EN, "no problem");
  expect_val(r, "no", 1.5);
  expect_val(r, "problem", 0.0);
  assert_false(flags_of(r, "problem") & VB_TOKF_NEGATED);
  assert_close(score(r), norm(1.5), 1e-6);
  /* the phrase's valence follows the rules like a word's */
  r = run(f, VB_LANG_EN, "very no problem");
  expect_val(r, "no", 1.5 + 0.3);
  r = run(f, VB_LANG_EN, "No Problem");
  expect_val(r, "No", 1.5);
  /* apart, the words are themselves: "no" negates "problem" */
  r = run(f, VB_LANG_EN, "no big problem");
  expect_val(r, "problem", -1.5 * -0.5);
  r = run(f, VB_LANG_EN, "a problem");
  expect_val(r, "problem", -1.5);
}

static void test_emoji(void **state) {
  fixture *f = *state;
  const vb_result *r = run(f, VB_LANG_EN, "\xF0\x9F\x98\x80");
  expect_val(r, "\xF0\x9F\x98\x80", 2.5);
  assert_close(score(r), norm(2.5), 1e-6);
  r = run(f, VB_LANG_EN, "service \xF0\x9F\x98\xA1 :(");
  expect_val(r, "\xF0\x9F\x98\xA1", -3.0);
  expect_val(r, ":(", -1.5);
  assert_close(score(r), norm(-4.5), 1e-6);
  /* skin tone and variation selector do not matter: 😀 + U+FE0F */
  r = run(f, VB_LANG_HE, "\xF0\x9F\x98\x80\xEF\xB8\x8F");
  expect_val(r, "\xF0\x9F\x98\x80\xEF\xB8\x8F", 2.5);
  /* a neutral emoji and one not in the table */
  r = run(f, VB_LANG_EN, "\xF0\x9F\x93\xA6 \xF0\x9F\x9A\x80");
  assert_close(score(r), 0.0, 0);
  /* emoji are boosted like words */
  r = run(f, VB_LANG_EN, "very \xF0\x9F\x98\x80");
  expect_val(r, "\xF0\x9F\x98\x80", 2.5 + 0.3);
}

static void check_explanation(const vb_result *r);

/* Hashtags read as one entry, as the words the writer marked, or split in two (built-in
 * lexicons): a fragment beside an unknown one is not matched through its stem. */
static void test_hashtags(void **state) {
  fixture *f = *state;
  const vb_result *r = run_on(f->an_builtin, VB_LANG_EN, "landed in #Nashville");
  assert_close(val(r, "#Nashville"), 0.0, 0); /* not nashv + "ille" as "ill" */
  r = run_on(f->an_builtin, VB_LANG_EN, "flying #Emirates tomorrow");
  assert_close(val(r, "#Emirates"), 0.0, 0); /* not em + "irates" as "irate" */
  r = run_on(f->an_builtin, VB_LANG_EN, "pizza again #guiltypleasures");
  assert_true(val(r, "#guiltypleasures") > 0); /* guilty + pleasures (stem: pleasure) */
  r = run_on(f->an_builtin, VB_LANG_EN, "the parcel is lost #customerservicefail");
  assert_true(val(r, "#customerservicefail") < 0); /* an unknown word and a valence word */
  r = run_on(f->an_builtin, VB_LANG_EN, "#NeverAgain");
  assert_true(val(r, "#NeverAgain") < 0); /* the words the writer marked */
  check_explanation(r);
}

/* ---- the explanation ---- */

/* Replays the explanation of `r` and checks it gives every token's valence, every sentence
 * score and the document score. */
static void check_explanation(const vb_result *r) {
  const vb_token *t;
  const vb_span *s;
  const vb_explain *x;
  size_t nt = vb_result_tokens(r, &t), ns = vb_result_sentences(r, &s);
  size_t nx = vb_result_explain(r, &x);
  const char *text = vb_result_text(r, NULL);
  double *v = calloc(nt + 1, sizeof *v), *punct = calloc(ns + 1, sizeof *punct);
  assert_non_null(v);
  assert_non_null(punct);
  for (size_t k = 0; k < nx; k++) {
    const vb_explain *e = &x[k];
    if (e->kind == VB_EXPLAIN_PUNCT) {
      assert_true(e->token < ns);
      punct[e->token] += e->value;
      continue;
    }
    assert_true(e->token < nt);
    assert_true(e->token_end > e->token && e->token_end <= nt);
    switch (e->kind) {
    case VB_EXPLAIN_ENTRY:
    case VB_EXPLAIN_STEM:
    case VB_EXPLAIN_PHRASE:
      assert_non_null(e->source);
      assert_true(e->line > 0);
      v[e->token] = e->value;
      break;
    case VB_EXPLAIN_EMOJI: v[e->token] = e->value; break;
    case VB_EXPLAIN_PREFIX:
    case VB_EXPLAIN_BOOSTER:
    case VB_EXPLAIN_CAPS:
    case VB_EXPLAIN_ELONGATION: v[e->token] += e->value; break;
    case VB_EXPLAIN_NEGATION:
    case VB_EXPLAIN_CONTRAST:
      assert_true(e->other < nt);
      v[e->token] *= e->value;
      break;
    case VB_EXPLAIN_QUESTION: v[e->token] = 0; break;
    default: fail_msg("unknown explanation kind %d", e->kind);
    }
  }
  for (size_t i = 0; i < nt; i++)
    if (fabs(v[i] - t[i].valence) > 1e-4) {
      print_error("\"%s\": token %zu \"%.*s\" has %.9g, the explanation gives %.9g\n", text, i,
                  (int)(t[i].end - t[i].start), text + t[i].start, t[i].valence, v[i]);
      fail();
    }
  double total = 0;
  size_t k = 0;
  for (size_t j = 0; j < ns; j++) {
    double sum = punct[j];
    for (size_t i = s[j].tok_begin; i < s[j].tok_end; i++) sum += t[i].valence;
    if (fabs(norm(sum) - s[j].sentiment) > 1e-6) {
      print_error("\"%s\": sentence %zu scores %.9g, the explanation gives %.9g\n", text, j,
                  s[j].sentiment, norm(sum));
      fail();
    }
    if (sum != 0) {
      total += sum;
      k++;
    }
  }
  double want = k ? norm(total / sqrt((double)k)) : 0.0;
  if (fabs(want - score(r)) > 1e-6) {
    print_error("\"%s\": document %.9g, the explanation gives %.9g\n", text, score(r), want);
    fail();
  }
  free(v);
  free(punct);
}

static void test_explanation_reproduces(void **state) {
  fixture *f = *state;
  static const struct {
    vb_lang lang;
    const char *text;
  } cases[] = {
      {VB_LANG_EN, "not very good but GOOD service!!! \xF0\x9F\x98\x80 no problem"},
      {VB_LANG_EN, "supergood. sloooow delivery, slightly bad. The table?"},
      {VB_LANG_EN, "extremely very good but not slow!! Never at all rude :( #love"},
      {VB_LANG_SV, "Jag gillar inte. Mycket bra men dålig, jättebra!"},
      {VB_LANG_DA, "Den virker ikke men meget god"},
      {VB_LANG_HE, "לא טוב אבל טוב מאוד ולא גרוע"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const vb_result *r = run(f, cases[i].lang, cases[i].text);
    const vb_explain *x;
    assert_true(vb_result_explain(r, &x) > 0);
    check_explanation(r);
  }
  /* the explanation names the entry */
  const vb_result *r = run(f, VB_LANG_EN, "fine and good");
  const vb_explain *x;
  assert_int_equal(vb_result_explain(r, &x), 1);
  assert_int_equal(x[0].kind, VB_EXPLAIN_ENTRY);
  assert_int_equal(x[0].token, 2);
  assert_int_equal(x[0].token_end, 3);
  assert_close(x[0].value, 2.0, 0);
  assert_string_equal(x[0].source, DATA "/lexicons/en/valence.tsv");
  assert_int_equal(x[0].line, 1);
  /* without VB_RUN_EXPLAIN there is none, and the scores are the same */
  double with = score(r);
  vb_run_options ro = {VB_LANG_EN, VB_LANG_UND, 0};
  assert_int_equal(vb_analyzer_run(f->an, "fine and good", 13, &ro, &r), VB_OK);
  assert_int_equal(vb_result_explain(r, &x), 0);
  assert_same_double(score(r), with);
}

static void test_explanation_builtin_lexicons(void **state) {
  fixture *f = *state;
  static const struct {
    vb_lang lang;
    const char *text;
  } cases[] = {
      {VB_LANG_EN, "The delivery was not good, but the staff were VERY helpful!!! Would recommend."},
      {VB_LANG_EN, "I don't think it was worth the money. Sooo disappointed :( Never again."},
      {VB_LANG_EN, "No problem at all, super friendly and the funniest guy. Which is better, A or B?"},
      {VB_LANG_EN, "damn good but damn it, the app crashes constantly \xF0\x9F\x98\xA1 #fail"},
      {VB_LANG_SV, "Jag gillar inte appen. Leveransen var jättebra men kundtjänsten var dålig!"},
      {VB_LANG_SV, "Inga problem alls, mycket trevlig personal. Tycker inte att det var bra."},
      {VB_LANG_DA, "Pakken kom ikke til tiden, men personalet var meget venlige. Kæmpegodt!"},
      {VB_LANG_HE, "השירות היה גרוע מאוד ולא מקצועי, אבל המשלוח הגיע מהר"},
      {VB_LANG_HE, "לא הייתי ממליץ, חבל על הזמן. מלא בעיות"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const vb_result *r = run_on(f->an_builtin, cases[i].lang, cases[i].text);
    const vb_explain *x;
    assert_true(vb_result_explain(r, &x) > 0);
    check_explanation(r);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_words),
      cmocka_unit_test(test_document_formula),
      cmocka_unit_test(test_range),
      cmocka_unit_test(test_labels_and_levels),
      cmocka_unit_test(test_negation_english),
      cmocka_unit_test(test_negation_nordic),
      cmocka_unit_test(test_negation_hebrew),
      cmocka_unit_test(test_boosters_decay),
      cmocka_unit_test(test_dampeners),
      cmocka_unit_test(test_caps),
      cmocka_unit_test(test_elongation),
      cmocka_unit_test(test_prefix_compounds),
      cmocka_unit_test(test_contrast),
      cmocka_unit_test(test_punctuation),
      cmocka_unit_test(test_phrase_precedence),
      cmocka_unit_test(test_emoji),
      cmocka_unit_test(test_hashtags),
      cmocka_unit_test(test_explanation_reproduces),
      cmocka_unit_test(test_explanation_builtin_lexicons),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
