/*
 * test_themes.c - theme mentions (themes.c): their byte spans in the original text (also in
 * Hebrew and after multi-byte characters), aspect sentiment (each mention carries the score
 * of its clause), several themes and repeated mentions in one record, hashtags; the filter
 * of the term chains' second words against the chains without it, with the default codebook.
 *
 * The model is loaded from a data folder written here (a tiny lexicon, so clause scores are
 * known) with a small codebook and no default codebook.
 */
#define _XOPEN_SOURCE 700
#include "vb_analyzer.h"
#include "vb_test.h"
#include "vb_test_model.h"

#include <stdio.h>
#include <stdlib.h>

#include "verbatim.h"

#define DATA VB_TEST_TMP "/test_themes.d"
#define CODEBOOK VB_TEST_TMP "/test_themes.codebook"

static const vbt_file data_files[] = {
    {"lexicons/en/valence.tsv", "fast\t2\nrude\t-2.5\ngreat\t3\nslow\t-1.5\nfriendly\t2\n", 0},
    {"lexicons/en/modifiers.tsv", "but\tcontrast\nnot\tnegator\n", 0},
    {"lexicons/sv/valence.tsv", "snabb\t2\notrevlig\t-2.5\n", 0},
    {"lexicons/sv/modifiers.tsv", "men\tcontrast\n", 0},
    {"lexicons/he/valence.tsv", "מהיר\t2\nגרוע\t-2\n", 0},
    {"lexicons/he/modifiers.tsv", "אבל\tcontrast\n", 0},
};

static const char codebook_text[] = "[delivery]\n"
                                    "en: delivery; shipping\n"
                                    "sv: leverans\n"
                                    "he: משלוח\n"
                                    "[staff]\n"
                                    "en: staff; employee\n"
                                    "sv: personal\n"
                                    "he: צוות\n"
                                    "[price]\n"
                                    "en: price; expensive\n"
                                    "[app]\n"
                                    "en: app; mobile app\n";

enum { T_DELIVERY = 0, T_STAFF, T_PRICE, T_APP, N_THEMES };

typedef vbt_fixture fixture;

static int group_setup(void **state) {
  return vbt_fixture_files(state, DATA, data_files, sizeof data_files / sizeof data_files[0],
                           CODEBOOK, codebook_text);
}

static int group_teardown(void **state) { return vbt_fixture_files_free(state, DATA, CODEBOOK); }

static double norm(double s) { return s / sqrt(s * s + 15.0); }

static const vb_result *run(fixture *f, vb_lang lang, const char *text) {
  vb_run_options ro = {lang, VB_LANG_UND, 0};
  const vb_result *r = NULL;
  assert_int_equal(vb_analyzer_run(f->an, text, strlen(text), &ro, &r), VB_OK);
  return r;
}

/* The mentions of theme t, in order, into out (room for max); returns how many. */
static size_t mentions_of(const vb_result *r, size_t t, const vb_mention **out, size_t max) {
  const vb_mention *m;
  size_t n = vb_result_mentions(r, &m), k = 0;
  for (size_t i = 0; i < n; i++)
    if (m[i].theme == t) {
      if (k < max) out[k] = &m[i];
      k++;
    }
  return k;
}

/* Checks that mention `m` covers exactly the `nth` (0-based) occurrence of `span` in `text`. */
static void expect_span(const vb_mention *m, const char *text, const char *span, int nth) {
  const char *p = strstr(text, span);
  for (int i = 0; p && i < nth; i++) p = strstr(p + 1, span);
  assert_non_null(p);
  size_t start = (size_t)(p - text);
  if (m->start != start || m->end != start + strlen(span))
    print_error("mention [%zu, %zu) \"%.*s\", expected [%zu, %zu) \"%s\"\n", m->start, m->end,
                (int)(m->end - m->start), text + m->start, start, start + strlen(span), span);
  assert_int_equal(m->start, start);
  assert_int_equal(m->end, start + strlen(span));
}

/* Every mention: inside the text, in an existing clause, carrying that clause's score. */
static void check_mentions(const vb_result *r) {
  const vb_mention *m;
  const vb_span *c;
  size_t n = vb_result_mentions(r, &m), nc = vb_result_clauses(r, &c), len;
  vb_result_text(r, &len);
  for (size_t i = 0; i < n; i++) {
    assert_true(m[i].theme < N_THEMES);
    assert_true(m[i].start < m[i].end && m[i].end <= len);
    assert_true(m[i].clause < nc);
    assert_true(c[m[i].clause].start <= m[i].start && m[i].start < c[m[i].clause].end);
    assert_same_double(m[i].sentiment, c[m[i].clause].sentiment);
  }
}

static void test_spans_english(void **state) {
  fixture *f = *state;
  const char *text = "  The delivery was fine; shipping costs too.";
  const vb_result *r = run(f, VB_LANG_EN, text);
  const vb_mention *m[4];
  assert_int_equal(mentions_of(r, T_DELIVERY, m, 4), 2);
  expect_span(m[0], text, "delivery", 0);
  expect_span(m[1], text, "shipping", 0);
  check_mentions(r);
  /* inflected, capitalised, and after multi-byte characters: offsets are bytes */
  text = "\xF0\x9F\x98\x80 \xC3\xA5\xC3\xA4 Deliveries";
  r = run(f, VB_LANG_EN, text);
  assert_int_equal(mentions_of(r, T_DELIVERY, m, 4), 1);
  expect_span(m[0], text, "Deliveries", 0);
  assert_int_equal(m[0]->start, 10);
  /* a multi-word term spans its words */
  text = "the mobile app crashed";
  r = run(f, VB_LANG_EN, text);
  assert_true(mentions_of(r, T_APP, m, 4) >= 1);
  int found = 0;
  for (size_t i = 0; i < mentions_of(r, T_APP, m, 4); i++)
    found |= m[i]->start == 4 && m[i]->end == 14;
  assert_true(found);
  check_mentions(r);
}

static void test_spans_hebrew(void **state) {
  fixture *f = *state;
  /* right-to-left text: spans are still byte offsets in logical order */
  const char *text = "המשלוח היה מהיר אבל הצוות גרוע";
  const vb_result *r = run(f, VB_LANG_HE, text);
  const vb_mention *m[4];
  assert_int_equal(mentions_of(r, T_DELIVERY, m, 4), 1);
  expect_span(m[0], text, "המשלוח", 0);
  assert_int_equal(m[0]->start, 0);
  assert_int_equal(m[0]->end, 12); /* six letters of two bytes */
  assert_int_equal(mentions_of(r, T_STAFF, m, 4), 1);
  expect_span(m[0], text, "הצוות", 0);
  check_mentions(r);
  /* niqqud and a proclitic inside the span */
  text = "ובמשלוח\xD6\xB4 איחור";
  r = run(f, VB_LANG_HE, text);
  assert_int_equal(mentions_of(r, T_DELIVERY, m, 4), 1);
  assert_int_equal(m[0]->start, 0);
  assert_int_equal(m[0]->end, 16);
}

static void test_aspect_sentiment(void **state) {
  fixture *f = *state;
  const char *text = "fast delivery but rude staff";
  const vb_result *r = run(f, VB_LANG_EN, text);
  const vb_mention *d[2], *s[2];
  assert_int_equal(mentions_of(r, T_DELIVERY, d, 2), 1);
  assert_int_equal(mentions_of(r, T_STAFF, s, 2), 1);
  /* "fast delivery" is one clause, "but rude staff" another, each with its own sentiment:
   * the contrast weights (x0.5 before, x1.5 after) weigh the clauses in the text's score,
   * they do not change what a clause says about its aspect */
  assert_close(d[0]->sentiment, norm(2.0), 1e-6);
  assert_close(s[0]->sentiment, norm(-2.5), 1e-6);
  assert_true(d[0]->sentiment > 0);
  assert_true(s[0]->sentiment < 0);
  assert_int_not_equal(d[0]->clause, s[0]->clause);
  check_mentions(r);
  /* the same through commas, and in Swedish */
  text = "Great staff, slow delivery, the price";
  r = run(f, VB_LANG_EN, text);
  assert_int_equal(mentions_of(r, T_STAFF, s, 2), 1);
  assert_int_equal(mentions_of(r, T_DELIVERY, d, 2), 1);
  assert_close(s[0]->sentiment, norm(3.0), 1e-6);
  assert_close(d[0]->sentiment, norm(-1.5), 1e-6);
  const vb_mention *p[2];
  assert_int_equal(mentions_of(r, T_PRICE, p, 2), 1);
  assert_close(p[0]->sentiment, 0.0, 0);
  check_mentions(r);
  text = "snabb leverans men otrevlig personal";
  r = run(f, VB_LANG_SV, text);
  assert_int_equal(mentions_of(r, T_DELIVERY, d, 2), 1);
  assert_int_equal(mentions_of(r, T_STAFF, s, 2), 1);
  assert_true(d[0]->sentiment > 0);
  assert_true(s[0]->sentiment < 0);
  check_mentions(r);
  /* Hebrew */
  text = "המשלוח היה מהיר אבל הצוות גרוע";
  r = run(f, VB_LANG_HE, text);
  assert_int_equal(mentions_of(r, T_DELIVERY, d, 2), 1);
  assert_int_equal(mentions_of(r, T_STAFF, s, 2), 1);
  assert_close(d[0]->sentiment, norm(2.0), 1e-6);
  assert_close(s[0]->sentiment, norm(-2.0), 1e-6);
}

/* Fallback themes: a mention of one counts only where no mention of a theme that is not a
 * fallback shares a byte with it. The flag is inherited (speed.fast), a child may say no
 * (speed.slow.app), a later file may change it (staff in the second file). Patterns' mentions
 * come after the terms' ones, out of order of start: the span check sorts them and carries
 * the furthest end, so a short span starting inside a long one does not hide the long one. */
#define FB_CB1 VB_TEST_TMP "/test_themes_fb1.codebook"
#define FB_CB2 VB_TEST_TMP "/test_themes_fb2.codebook"

static const char *names_of(const vb_model *m, const vb_result *r, char *buf, size_t size) {
  const vb_mention *me;
  size_t n = vb_result_mentions(r, &me), used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && used < size; i++)
    used += (size_t)snprintf(buf + used, size - used, "%s%s@%zu", i ? " " : "",
                             vb_model_theme_id(m, me[i].theme), me[i].start);
  return buf;
}

static void test_fallback(void **state) {
  (void)state;
  const char *cb1 = "[speed]\n"
                    "fallback: yes\n"
                    "en: speed\n"
                    "[speed.fast]\n"
                    "en: fast; quick\n"
                    "[speed.slow]\n"
                    "en: slow\n"
                    "[speed.slow.app]\n"
                    "fallback: no\n"
                    "en: slow app\n"
                    "[delivery]\n"
                    "en: delivery; fast delivery\n"
                    "en.re: \\bdelivery by\\b[^.]*\\bhome\\b\n"
                    "[staff]\n"
                    "en: staff; rude\n";
  const char *cb2 = "[staff]\nfallback: yes\n[staff.rude]\nfallback: no\nen: rude\n";
  const char *const cbs[] = {FB_CB1, FB_CB2};
  void *st = NULL;
  assert_int_equal(vbt_write(FB_CB1, cb1, 0), 0);
  assert_int_equal(vbt_write(FB_CB2, cb2, 0), 0);
  assert_int_equal(vbt_fixture_new(&st, DATA, cbs, 2), 0);
  fixture *f = st;
  const vb_model *m = f->m;
  const char *want_fb[] = {"speed", "speed.fast", "speed.slow", "staff"};
  const char *want_not[] = {"speed.slow.app", "delivery", "staff.rude"};
  for (size_t i = 0; i < sizeof want_fb / sizeof *want_fb; i++)
    assert_true(vb_model_theme_is_fallback(m, (size_t)vb_model_theme_find(m, want_fb[i])));
  for (size_t i = 0; i < sizeof want_not / sizeof *want_not; i++)
    assert_false(vb_model_theme_is_fallback(m, (size_t)vb_model_theme_find(m, want_not[i])));
  assert_false(vb_model_theme_is_fallback(m, 999));
  char buf[512];
  struct {
    const char *text, *want;
  } cases[] = {
      /* the example of issue #5: nothing shares a byte with "fast"; "rude" is staff.rude's
       * and staff's, a fallback since the second file: staff.rude alone */
      {"It was fast but the rude staff", "speed.fast@7 staff.rude@20 staff@25"},
      /* "fast delivery" (and "delivery" in it) holds "fast": delivery alone */
      {"fast delivery", "delivery@0 delivery@5"},
      {"The delivery was fast", "delivery@4 speed.fast@17"},
      /* a child that is not a fallback keeps its own mention; its parent's goes */
      {"a slow app", "speed.slow.app@2"},
      {"slow, then a slow app", "speed.slow@0 speed.slow.app@13"},
      /* only fallbacks: all count (staff is one since the second file) */
      {"quick staff", "speed.fast@0 staff@6"},
      /* the pattern's long span [0, 37) holds "fast" after the short "staff" span inside it:
       * without the furthest end carried, "fast" would look free */
      {"delivery by rude staff was fast to my home. fast",
       "delivery@0 staff.rude@12 speed.fast@44 delivery@0"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const vb_result *r = run(f, VB_LANG_EN, cases[i].text);
    names_of(m, r, buf, sizeof buf);
    if (strcmp(buf, cases[i].want))
      print_error("\"%s\": got \"%s\", want \"%s\"\n", cases[i].text, buf, cases[i].want);
    assert_string_equal(buf, cases[i].want);
  }
  /* many mentions: every other "fast" is inside "fast delivery" */
  char text[4096];
  size_t used = 0;
  for (int k = 0; k < 60; k++)
    used += (size_t)snprintf(text + used, sizeof text - used, "%s. ",
                             k % 2 ? "fast delivery" : "fast");
  const vb_result *r = run(f, VB_LANG_EN, text);
  const vb_mention *me;
  size_t n = vb_result_mentions(r, &me), fast = 0, deliv = 0;
  for (size_t i = 0; i < n; i++) {
    const char *id = vb_model_theme_id(m, me[i].theme);
    if (strcmp(id, "speed.fast") == 0) {
      fast++;
      assert_memory_equal(text + me[i].start, "fast. ", 6);
    } else {
      assert_string_equal(id, "delivery");
      deliv++;
    }
  }
  assert_int_equal(fast, 30);
  assert_int_equal(deliv, 60); /* "fast delivery" and "delivery" */
  vbt_fixture_free(&st);
  remove(FB_CB1);
  remove(FB_CB2);
}

static void test_several_themes(void **state) {
  fixture *f = *state;
  const char *text = "The app is expensive and the employee did not help with the delivery.";
  const vb_result *r = run(f, VB_LANG_EN, text);
  const vb_mention *m[4];
  assert_int_equal(mentions_of(r, T_APP, m, 4), 1);
  expect_span(m[0], text, "app", 0);
  assert_int_equal(mentions_of(r, T_PRICE, m, 4), 1);
  expect_span(m[0], text, "expensive", 0);
  assert_int_equal(mentions_of(r, T_STAFF, m, 4), 1);
  expect_span(m[0], text, "employee", 0);
  assert_int_equal(mentions_of(r, T_DELIVERY, m, 4), 1);
  const vb_mention *all;
  assert_int_equal(vb_result_mentions(r, &all), 4);
  check_mentions(r);
  /* nothing to find */
  r = run(f, VB_LANG_EN, "Nothing to add here.");
  assert_int_equal(vb_result_mentions(r, &all), 0);
  /* no themes without a language */
  r = run(f, VB_LANG_UND, "the delivery was late");
  assert_int_equal(vb_result_lang(r), VB_LANG_EN); /* identified */
  assert_int_equal(vb_result_mentions(r, &all), 1);
  vb_run_options ro = {VB_LANG_UND, VB_LANG_UND, 0};
  assert_int_equal(vb_analyzer_run(f->an, "app!", 4, &ro, &r), VB_OK);
  assert_int_equal(vb_result_lang(r), VB_LANG_UND);
  assert_int_equal(vb_result_mentions(r, &all), 0);
}

static void test_same_theme_twice(void **state) {
  fixture *f = *state;
  const char *text = "The delivery was late. The second delivery too, and shipping.";
  const vb_result *r = run(f, VB_LANG_EN, text);
  const vb_mention *m[4];
  assert_int_equal(mentions_of(r, T_DELIVERY, m, 4), 3);
  expect_span(m[0], text, "delivery", 0);
  expect_span(m[1], text, "delivery", 1);
  expect_span(m[2], text, "shipping", 0);
  /* in different sentences and clauses */
  assert_int_not_equal(m[0]->clause, m[1]->clause);
  check_mentions(r);
  /* the same word three times: three spans */
  text = "app app app";
  r = run(f, VB_LANG_EN, text);
  assert_int_equal(mentions_of(r, T_APP, m, 4), 3);
  expect_span(m[0], text, "app", 0);
  expect_span(m[1], text, "app", 1);
  expect_span(m[2], text, "app", 2);
}

static void test_hashtags(void **state) {
  fixture *f = *state;
  const char *text = "Waiting again #delivery #fail";
  const vb_result *r = run(f, VB_LANG_EN, text);
  const vb_token *t;
  size_t n = vb_result_tokens(r, &t);
  size_t i = vbt_token_at(text, t, n, "#delivery");
  assert_true(i != (size_t)-1);
  assert_int_equal(t[i].type, VB_TOK_HASHTAG);
  check_mentions(r);
  const vb_mention *m[4];
  /* a hashtag is looked up as its word ("#delivery" as "delivery"); the mention spans the tag */
  assert_int_equal(mentions_of(r, T_DELIVERY, m, 4), 1);
  expect_span(m[0], text, "#delivery", 0);
  /* a hashtag in capitals; a tag that is not a term */
  text = "#Staff #nothing";
  r = run(f, VB_LANG_EN, text);
  assert_int_equal(mentions_of(r, T_STAFF, m, 4), 1);
  expect_span(m[0], text, "#Staff", 0);
  const vb_mention *all;
  assert_int_equal(vb_result_mentions(r, &all), 1);
  /* a mention (@user) is not a hashtag */
  r = run(f, VB_LANG_EN, "@delivery hello");
  assert_int_equal(mentions_of(r, T_DELIVERY, m, 4), 0);
}

/* One first word heading many terms of different lengths and themes (themes.c indexes each
 * chain by its terms' second word): every term that matches is found, whatever the next word,
 * and the mentions come in the chain's order, the last term written first. */
static void test_shared_first_word(void **state) {
  (void)state;
  static const char cb[] = "[t0]\nen: window\n"
                           "[t1]\nen: window seat\n"
                           "[t2]\nen: window se*\n"
                           "[t3]\nen: window seat was broken\n"
                           "[t4]\nen: window cleaner\n"
                           "[t5]\nen: window seat was\n";
  const char *const cbs[] = {VB_TEST_TMP "/test_themes_chain.codebook"};
  vb_model *m = NULL;
  vb_analyzer *an = NULL;
  assert_int_equal(vbt_write(cbs[0], cb, 0), 0);
  assert_int_equal(vbt_load_or_say(DATA, cbs, 1, NULL, 0, &m), 0);
  assert_int_equal(vb_analyzer_new(m, &an), VB_OK);
  static const struct {
    const char *text;
    const char *expect; /* theme digits of the mentions, in order */
  } cases[] = {
      {"a window seat was broken today", "53210"},
      {"the window seat", "210"},
      {"the window - seat", "210"}, /* past a lone hyphen */
      {"the window-seat", ""},      /* one word */
      {"a window sealed shut", "20"},
      {"window cleaner wanted", "40"},
      {"the window", "0"},
      {"window, seat", "0"},
      {"no windows", "0"},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    vb_run_options ro = {VB_LANG_EN, VB_LANG_UND, 0};
    const vb_result *r = NULL;
    assert_int_equal(vb_analyzer_run(an, cases[c].text, strlen(cases[c].text), &ro, &r), VB_OK);
    const vb_mention *me;
    size_t n = vb_result_mentions(r, &me);
    char got[16] = "";
    for (size_t i = 0; i < n && i + 1 < sizeof got; i++) got[i] = (char)('0' + me[i].theme);
    if (strcmp(got, cases[c].expect) != 0)
      print_error("\"%s\": mentions of themes %s, expected %s\n", cases[c].text, got,
                  cases[c].expect);
    assert_string_equal(got, cases[c].expect);
  }
  vb_analyzer_free(an);
  vb_model_free(m);
  remove(cbs[0]);
}

/* Tag terms ("@name", "#tag") match that mention or hashtag token only, by its key in any
 * case; a hashtag is also read as its word, exact forms included; a brand list (.brands)
 * makes themes under "brand", which the model marks as brands. */
static void test_tag_terms(void **state) {
  (void)state;
  static const char list[] = "# brands\n"
                             "Lumo: @LumoUK; #lumoplus; =lumo; Lumo Plus\n"
                             "  not: lumo plus size\n"
                             "Parcelo: parcelo; @parcelo\n";
  const char *const cbs[] = {VB_TEST_TMP "/test_themes_tags.brands"};
  vb_model *m = NULL;
  vb_analyzer *an = NULL;
  assert_int_equal(vbt_write(cbs[0], list, 0), 0);
  assert_int_equal(vbt_load_or_say(DATA, cbs, 1, NULL, 0, &m), 0);
  assert_int_equal(vb_analyzer_new(m, &an), VB_OK);
  long brand = vb_model_theme_find(m, "brand"), lumo = vb_model_theme_find(m, "brand.lumo"),
       parcelo = vb_model_theme_find(m, "brand.parcelo");
  assert_true(brand >= 0 && lumo >= 0 && parcelo >= 0);
  assert_int_equal(vb_model_theme_parent(m, (size_t)lumo), brand);
  assert_string_equal(vb_model_theme_label(m, (size_t)lumo), "Lumo");
  assert_true(vb_model_theme_is_brand(m, (size_t)brand));
  assert_true(vb_model_theme_is_brand(m, (size_t)parcelo));
  static const struct {
    const char *text;
    const char *expect; /* the mentions' words, '|' after each */
  } cases[] = {
      {"@LumoUK lost it again", "@LumoUK|"},
      {"@lumouk and @LUMOUK", "@lumouk|@LUMOUK|"},  /* any case */
      {"@lumoukhelp hello", ""},                     /* another handle */
      {"#LumoPlus renewal", "#LumoPlus|"},           /* the tag term */
      {"#lumo rocks", "#lumo|"},                     /* a hashtag read as its word: =lumo */
      {"lumo and Lumo, not Lumos", "lumo|Lumo|"},    /* an exact form: no other inflection */
      {"@lumo is not a handle of the list", ""},     /* a mention is not read as its word */
      {"I love Lumo Plus", "Lumo Plus|Lumo|"},
      {"lumo plus size jeans", ""},                  /* the exclusion holds both matches */
      {"#parcelo and @Parcelo and parcelo's van", "#parcelo|@Parcelo|parcelo's|"},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    vb_run_options ro = {VB_LANG_EN, VB_LANG_UND, 0};
    const vb_result *r = NULL;
    const char *text = cases[c].text;
    assert_int_equal(vb_analyzer_run(an, text, strlen(text), &ro, &r), VB_OK);
    const vb_mention *me;
    size_t n = vb_result_mentions(r, &me);
    char got[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
      len += (size_t)snprintf(got + len, sizeof got - len, "%.*s|",
                              (int)(me[i].end - me[i].start), text + me[i].start);
    if (strcmp(got, cases[c].expect) != 0)
      print_error("\"%s\": mentions %s, expected %s\n", text, got, cases[c].expect);
    assert_string_equal(got, cases[c].expect);
  }
  vb_analyzer_free(an);
  vb_model_free(m);
  remove(cbs[0]);
}

/* A small generator (xorshift), so that the texts are the same on every run. */
static uint64_t rng_next(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

/* A text of words from the language's codebook terms (their keys and stems) and a few others,
 * so that term words follow each other in every order. */
static size_t gen_text(const vb__cblang *cb, uint64_t *seed, char *out, size_t cap) {
  static const char *const other[] = {"the", "a", "-", ",", "was", "not", "very", "i", "and",
                                      "to", "my", ".", "of", "it", "is"};
  size_t n = 0, words = 2 + rng_next(seed) % 14;
  for (size_t w = 0; w < words; w++) {
    uint64_t r = rng_next(seed);
    const char *s;
    size_t len;
    if (r % 3 == 0 || cb->w.n == 0) {
      s = other[(r >> 8) % (sizeof other / sizeof other[0])];
      len = strlen(s);
    } else {
      const vb__pword *pw = &cb->w.v[(r >> 8) % cb->w.n];
      bool stem = (r >> 40) & 1;
      s = cb->w.text.data + (stem ? pw->stem_off : pw->key_off);
      len = stem ? pw->stem_len : pw->key_len;
    }
    if (n + len + 2 >= cap) break;
    if (n) out[n++] = ' ';
    memcpy(out + n, s, len);
    n += len;
  }
  out[n] = '\0';
  return n;
}

/* Each mention's clause is the first clause that ends after the mention's start (the last
 * clause when none does), as clause_of() finds it by bisection: clause_near() tries the
 * clause of the mention before and the one after it first. */
static void check_clauses(const vb_result *r) {
  const vb_mention *m;
  const vb_span *c;
  size_t n = vb_result_mentions(r, &m), nc = vb_result_clauses(r, &c);
  for (size_t i = 0; i < n; i++) {
    size_t k = 0;
    while (k < nc && c[k].end <= m[i].start) k++;
    if (k == nc && nc) k = nc - 1;
    assert_int_equal(m[i].clause, k);
  }
}

/* The built-in model and an analyzer of it, and the languages of the default codebook. */
static const vb_lang langs[] = {VB_LANG_EN, VB_LANG_SV, VB_LANG_DA, VB_LANG_HE};

static void load_builtin(vb_model **m, vb_analyzer **an) {
  vb_error err;
  assert_int_equal(vb_model_load(NULL, m, &err), VB_OK);
  assert_int_equal(vb_analyzer_new(*m, an), VB_OK);
}

/* The filters of the chains' second words (vb__chain.seconds, vb__chain_pair_may()) hold
 * every (chain, word number) of the index, and the mentions with them and the one-word shortcut
 * (vb__chain.base_one) are
 * those with every lookup made (all bits set) and every list walked by terms_walk(), on
 * generated texts in each language of the default codebook. */
static void test_chain_filter(void **state) {
  (void)state;
  vb_model *m;
  vb_analyzer *an;
  load_builtin(&m, &an);
  uint64_t seed = 0x9E3779B97F4A7C15ULL;
  for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
    vb__cblang *cb = &m->cb[langs[l]];
    assert_true(cb->n_chain_pairs > 0);
    size_t n_words = (size_t)1 << (64 - cb->chain_shift) >> 6;
    for (size_t j = 0; j < cb->n_chain_pairs; j++) {
      if (!cb->chain_pairs[j].n) continue;
      uint64_t key = cb->chain_pairs[j].key;
      assert_true(vb__chain_pair_may(cb, (int32_t)(key >> 32), (uint32_t)key));
      assert_true(cb->chains[key >> 32].seconds >> (key & 63) & 1); /* and the chain's bits */
    }
    /* it filters: random keys mostly miss */
    size_t pass = 0;
    for (size_t q = 0; q < 10000; q++)
      pass += vb__chain_pair_may(cb, (int32_t)(rng_next(&seed) % cb->n_terms),
                                 (uint32_t)rng_next(&seed));
    assert_true(pass < 2000);
    /* the mentions with and without the filter */
    enum { N_TEXTS = 3000 };
    static char text[256];
    static char got[N_TEXTS][64];
    uint64_t s0 = seed;
    uint64_t *bits = cb->chain_bits;
    char *base_one = NULL;
    uint64_t *seconds = NULL;
    for (int pass_no = 0; pass_no < 2; pass_no++) {
      if (pass_no == 1) { /* every lookup made, every list walked: the chains as before */
        vb_analyzer_free(an); /* (its forms keep their chains' bits) */
        an = NULL;
        assert_int_equal(vb_analyzer_new(m, &an), VB_OK);
        cb->chain_bits = malloc(n_words * sizeof *bits);
        assert_non_null(cb->chain_bits);
        memset(cb->chain_bits, 0xFF, n_words * sizeof *bits);
        base_one = malloc(cb->n_terms);
        seconds = malloc(cb->n_terms * sizeof *seconds);
        assert_true(base_one && seconds);
        for (size_t h = 0; h < cb->n_terms; h++) {
          base_one[h] = (char)cb->chains[h].base_one;
          cb->chains[h].base_one = 0;
          seconds[h] = cb->chains[h].seconds;
          cb->chains[h].seconds = UINT64_MAX;
        }
      }
      seed = s0;
      for (size_t t = 0; t < N_TEXTS; t++) {
        size_t len = gen_text(cb, &seed, text, sizeof text);
        vb_run_options ro = {langs[l], VB_LANG_UND, 0};
        const vb_result *r = NULL;
        assert_int_equal(vb_analyzer_run(an, text, len, &ro, &r), VB_OK);
        check_clauses(r);
        const vb_mention *me;
        size_t nm = vb_result_mentions(r, &me), h = nm;
        for (size_t i = 0; i < nm; i++)
          h = h * 1000003 + me[i].theme * 7919 + me[i].start * 31 + me[i].end;
        char line[64];
        snprintf(line, sizeof line, "%zu:%zx", nm, h);
        if (pass_no == 0) memcpy(got[t], line, sizeof line);
        else if (strcmp(got[t], line) != 0)
          fail_msg("\"%s\": mentions %s with the filter, %s without", text, got[t], line);
      }
    }
    free(cb->chain_bits);
    cb->chain_bits = bits;
    for (size_t h = 0; h < cb->n_terms; h++) {
      cb->chains[h].base_one = (uint32_t)base_one[h];
      cb->chains[h].seconds = seconds[h];
    }
    free(base_one);
    free(seconds);
  }
  vb_analyzer_free(an);
  vb_model_free(m);
}

/* vb__themes_mark_dups() (pairs compared in short lists, a hash table in long ones, a sorted
 * first part looked back in and bisected) against comparing every pair, on random lists of up
 * to 400 matches with many repeats, each with a first part in order of start of every length
 * (and 0). */
static void test_mark_dups(void **state) {
  fixture *f = *state;
  vb_analyzer *an = f->an;
  uint64_t seed = 12345;
  for (size_t round = 0; round < 6000; round++) {
    size_t n = round < 200 ? round % 20 : rng_next(&seed) % (round % 2 ? 24 : 400);
    size_t spread = 1 + rng_next(&seed) % 40;
    size_t n_sorted = round % 3 == 0 ? 0 : rng_next(&seed) % (n + 2); /* (may be past n) */
    assert_int_equal(vb__grow(&an->matches, &an->cap_matches, n + 1, sizeof *an->matches), 0);
    an->n_matches = n;
    size_t at = 0;
    for (size_t a = 0; a < n; a++) {
      vb__match *m = &an->matches[a];
      uint64_t r = rng_next(&seed);
      m->theme = (uint32_t)(r % 4);
      if (a < n_sorted) at += (r >> 8) % 3 == 0; /* in order of start, often the same */
      m->start = a < n_sorted ? at : (r >> 8) % spread;
      m->end = m->start + (r >> 20) % 3;
      m->dup = (uint8_t)(r >> 40 & 1); /* left over from before */
    }
    assert_int_equal(vb__themes_mark_dups(an, n_sorted), VB_OK);
    for (size_t a = 0; a < n; a++) {
      const vb__match *c = &an->matches[a];
      bool dup = false;
      for (size_t b = 0; b < a && !dup; b++) {
        const vb__match *p = &an->matches[b];
        dup = p->theme == c->theme && p->start == c->start && p->end == c->end;
      }
      assert_int_equal(c->dup, dup);
    }
  }
  an->n_matches = 0;
}

/* vb__same_bytes() (the term words' comparison) against memcmp: equal words of 0-40 bytes and
 * words that differ in one byte at each place. */
static void test_same_bytes(void **state) {
  (void)state;
  uint64_t seed = 777;
  char a[48], b[48];
  for (size_t round = 0; round < 2000; round++) {
    size_t n = rng_next(&seed) % 41;
    for (size_t i = 0; i < n; i++) a[i] = (char)(rng_next(&seed) % 4 + 'a');
    memcpy(b, a, n);
    assert_true(vb__same_bytes(a, b, n));
    for (size_t i = 0; i < n; i++) {
      b[i] = (char)(b[i] ^ (1 << (rng_next(&seed) % 8)));
      assert_int_equal(vb__same_bytes(a, b, n), memcmp(a, b, n) == 0);
      assert_false(vb__same_bytes(a, b, n));
      b[i] = a[i];
    }
  }
}

/* ---- The term matches as the chains were walked before their index (test_terms_reference) */

/* Whether token j's stem or key equals word w of a term (its key a prefix of the token's key
 * when `prefix`), by comparing bytes. */
static bool ref_word(const vb_token *t, const vb__cblang *cb, const vb__pword *w, bool prefix) {
  const char *tx = cb->w.text.data;
  if (prefix) return t->key_len >= w->key_len && memcmp(t->key, tx + w->key_off, w->key_len) == 0;
  return (t->stem_len == w->stem_len && memcmp(t->stem, tx + w->stem_off, w->stem_len) == 0) ||
         (t->key_len == w->key_len && memcmp(t->key, tx + w->key_off, w->key_len) == 0);
}

/* The word token after token j, past lone hyphens ("e - post"), or n. */
static size_t ref_next(const vb_token *tok, size_t n, size_t j) {
  while (j < n && tok[j].type == VB_TOK_PUNCT && tok[j].key_len == 1 && tok[j].key[0] == '-') j++;
  return j < n && tok[j].type == VB_TOK_WORD ? j : n;
}

typedef struct ref_match {
  uint32_t theme, begin, end;
  uint8_t exclude;
} ref_match;

/* Every term of the chain `head` (first_stem's, followed by vb__term.next) that starts at
 * token i, in chain order, appended to out. */
static size_t ref_chain(const vb_result *r, const vb__cblang *cb, size_t i, int32_t head,
                        ref_match *out, size_t n_out, size_t cap) {
  size_t n = r->n_tokens;
  for (int32_t k = head; k >= 0; k = cb->terms[k].next) {
    const vb__term *term = &cb->terms[k];
    if (term->near) continue; /* a near term's part: no match of its own */
    size_t j = i + 1;
    bool ok = true;
    for (size_t w = 1; ok && w < term->n_words; w++) {
      j = ref_next(r->tokens, n, j);
      ok = j < n && ref_word(&r->tokens[j], cb, &cb->w.v[term->word_begin + w],
                             term->prefix && w + 1 == term->n_words);
      j++;
    }
    if (!ok) continue;
    assert_true(n_out < cap);
    out[n_out++] = (ref_match){term->theme, (uint32_t)i, (uint32_t)j, term->exclude};
  }
  return n_out;
}

static int32_t ref_head(const vb__cblang *cb, const char *s, size_t len) {
  uint32_t head;
  return vb__strmap_get(&cb->first_stem, s, len, &head) ? (int32_t)head : -1;
}

/* The term matches of the document analysed last by `an` (its tokens, keys and stems), as the
 * chains were walked before vb__terms_index(): each chain of a token's stem, then of its key,
 * its prefix terms, (Hebrew) the chains after its proclitics, (Swedish, Danish) the terms in
 * its compound parts (from its vb__lform, which the index does not touch). Returns how many;
 * *n_compound: how many words are matched by their parts, each of which must carry
 * VB_TOKF_COMPOUND (sentiment's compound prefixes set it too, so the other words may). */
static size_t ref_matches(vb_analyzer *an, const vb__cblang *cb, ref_match *out, size_t cap,
                          size_t *n_compound) {
  const vb_result *r = &an->res;
  size_t nm = 0;
  *n_compound = 0;
  for (size_t i = 0; i < r->n_tokens; i++) {
    const vb_token *t = &r->tokens[i];
    if (t->type == VB_TOK_HASHTAG || t->type == VB_TOK_MENTION) {
      /* a tag term ("#sorted", "@name") by the whole key; a hashtag also as its word: the
       * exact forms of the word, then its chain */
      for (size_t off = 0; off <= (t->type == VB_TOK_HASHTAG); off++) {
        uint32_t head;
        if (!vb__strmap_get(&cb->exact, t->key + off, t->key_len - off, &head)) continue;
        for (int32_t e = (int32_t)head; e >= 0; e = cb->terms[e].next) {
          const vb__term *term = &cb->terms[e];
          if (term->near) continue;
          assert_true(nm < cap);
          out[nm++] = (ref_match){term->theme, (uint32_t)i, (uint32_t)i + 1, term->exclude};
        }
      }
      if (t->type == VB_TOK_HASHTAG)
        nm = ref_chain(r, cb, i, ref_head(cb, t->key + 1, t->key_len - 1), out, nm, cap);
      continue;
    }
    if (t->type != VB_TOK_WORD) continue;
    size_t before = nm;
    nm = ref_chain(r, cb, i, ref_head(cb, t->stem, t->stem_len), out, nm, cap);
    if (t->stem_len != t->key_len || memcmp(t->stem, t->key, t->key_len) != 0)
      nm = ref_chain(r, cb, i, ref_head(cb, t->key, t->key_len), out, nm, cap);
    for (size_t p = 0; p < cb->n_prefix; p++) {
      const vb__term *term = &cb->terms[cb->prefix_terms[p]];
      if (term->near || !ref_word(t, cb, &cb->w.v[term->word_begin], true)) continue;
      assert_true(nm < cap);
      out[nm++] = (ref_match){term->theme, (uint32_t)i, (uint32_t)i + 1, term->exclude};
    }
    /* exact forms ("=word"): the key, in Hebrew also after each proclitic; they do not stop
     * the readings after proclitics or in compound parts */
    size_t lens[16], np = r->lang == VB_LANG_HE ? vb__he_prefixes(t->key, t->key_len, lens, 16) : 0;
    size_t plain = nm - before;
    for (size_t k = 0; k <= np; k++) {
      size_t off = k ? lens[k - 1] : 0;
      uint32_t head;
      if (!vb__strmap_get(&cb->exact, t->key + off, t->key_len - off, &head)) continue;
      for (int32_t e = (int32_t)head; e >= 0; e = cb->terms[e].next) {
        const vb__term *term = &cb->terms[e];
        if (term->near) continue;
        assert_true(nm < cap);
        out[nm++] = (ref_match){term->theme, (uint32_t)i, (uint32_t)i + 1, term->exclude};
      }
    }
    if (r->lang == VB_LANG_HE) {
      size_t he_before = nm;
      for (size_t k = 0; k < np && !plain && nm == he_before; k++)
        nm = ref_chain(r, cb, i, ref_head(cb, t->key + lens[k], t->key_len - lens[k]), out, nm,
                       cap);
      plain += nm - he_before;
    }
    const vb__lform *lf = &an->lform[r->lang][an->form_of[i]];
    if (!plain && lf->n_cmp) {
      for (uint32_t q = 0; q < lf->n_cmp; q++) {
        const vb__term *term = &cb->terms[an->tf_list[lf->cmp_off + q]];
        if (term->near) continue;
        assert_true(nm < cap);
        out[nm++] = (ref_match){term->theme, (uint32_t)i, (uint32_t)i + 1, term->exclude};
      }
      (*n_compound)++;
      assert_true(t->flags & VB_TOKF_COMPOUND);
    }
  }
  return nm;
}

/* A text made of the language's codebook terms (as keys or stems, some cut short or with a
 * word changed, a hyphen between words, a hashtag, a Hebrew proclitic, two words written as
 * one) and common words, so that most terms of several words are tried and many match. */
static size_t gen_terms_text(const vb__cblang *cb, vb_lang lang, uint64_t *seed, char *out,
                             size_t cap) {
  static const char *const other[] = {"the", "a", "-", ",", "was", "not", "very", "i", "and",
                                      "to", "my", ".", "of", "it", "is", "no"};
  size_t n = 0, pieces = 1 + rng_next(seed) % 6;
  out[0] = '\0';
  for (size_t p = 0; p < pieces; p++) {
    uint64_t r = rng_next(seed);
    const vb__term *term = &cb->terms[(r >> 8) % cb->n_terms];
    size_t nw = r % 5 == 0 ? 1 : term->n_words;
    if (r % 23 == 0 && nw > 1) nw--; /* cut short */
    for (size_t w = 0; w < nw; w++) {
      uint64_t q = rng_next(seed);
      const vb__pword *pw = &cb->w.v[term->word_begin + w];
      if (q % 11 == 0) pw = &cb->w.v[(q >> 8) % cb->w.n]; /* another word */
      const char *s = cb->w.text.data + ((q >> 20) & 1 ? pw->stem_off : pw->key_off);
      size_t len = (q >> 20) & 1 ? pw->stem_len : pw->key_len;
      const char *pre = "", *post = "";
      if (q % 5 == 0) {
        s = other[(q >> 24) % (sizeof other / sizeof other[0])];
        len = strlen(s);
      }
      if (w == 0 && (q >> 30) % 13 == 0) pre = "#";
      if (w == 0 && (q >> 30) % 13 == 1) pre = "@"; /* a mention: no match (no tag term) */
      if (lang == VB_LANG_HE && (q >> 34) % 4 == 0) pre = (q >> 36) & 1 ? "ו" : "וה";
      if ((q >> 38) % 7 == 0) post = (q >> 40) & 1 ? "s" : "en";
      bool glue = (lang == VB_LANG_SV || lang == VB_LANG_DA) && (q >> 42) % 6 == 0;
      bool hyphen = (q >> 46) % 9 == 0;
      if (n + len + 16 >= cap) return n;
      if (n && !glue) out[n++] = ' ';
      if (n && hyphen) {
        memcpy(out + n, "- ", 2);
        n += 2;
      }
      n += (size_t)sprintf(out + n, "%s%.*s%s", pre, (int)len, s, post);
    }
    if ((r >> 50) % 3 == 0 && n + 8 < cap)
      n += (size_t)sprintf(out + n, " %s", other[(r >> 52) % 16]);
  }
  return n;
}

/* The term matches (before the patterns) and the compound flags against ref_matches() on
 * 20,000 generated texts in each language of the default codebook: whatever the index, the
 * filters and the word numbers do, the matches are those of every chain walked word by word. */
static void test_terms_reference(void **state) {
  (void)state;
  vb_model *m;
  vb_analyzer *an;
  load_builtin(&m, &an);
  enum { CAP = 512 };
  static ref_match want[CAP];
  static char text[1024];
  uint64_t seed = 0xC0DEB00CULL;
  size_t total = 0, multi = 0, compounds = 0;
  for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
    vb__cblang *cb = &m->cb[langs[l]];
    /* the term matches alone: no pattern runs */
    size_t n_regexes = cb->n_regexes;
    pcre2_code *combined = cb->combined;
    cb->n_regexes = 0;
    cb->combined = NULL;
    for (size_t t = 0; t < 20000; t++) {
      size_t len = gen_terms_text(cb, langs[l], &seed, text, sizeof text);
      vb_run_options ro = {langs[l], VB_LANG_UND, 0};
      const vb_result *r = NULL;
      assert_int_equal(vb_analyzer_run(an, text, len, &ro, &r), VB_OK);
      check_clauses(r);
      size_t n_compound, nw = ref_matches(an, cb, want, CAP, &n_compound);
      bool same = an->n_matches >= nw;
      for (size_t a = 0; same && a < nw; a++) {
        const vb__match *mt = &an->matches[a];
        same = mt->theme == want[a].theme && mt->tok_begin == want[a].begin &&
               mt->tok_end == want[a].end && mt->exclude == want[a].exclude;
      }
      /* after them the near terms' matches (test_near checks those) */
      for (size_t a = nw; same && a < an->n_matches; a++) {
        const vb__match *mt = &an->matches[a];
        same = false;
        for (size_t k = 0; k < cb->n_nears && !same; k++) same = cb->nears[k].theme == mt->theme;
        same = same && mt->tok_end >= mt->tok_begin + 2 && !mt->exclude;
      }
      if (!same)
        fail_msg("%s \"%s\": %zu matches, %zu by the chains", vb_lang_code(langs[l]), text,
                 an->n_matches, nw);
      total += nw;
      compounds += n_compound;
      for (size_t a = 0; a < nw; a++) multi += want[a].end > want[a].begin + 1;
    }
    cb->n_regexes = n_regexes;
    cb->combined = combined;
  }
  assert_true(multi > 20000); /* the texts do exercise terms of several words */
  assert_true(total > multi);
  assert_true(compounds > 1000);
  vb_analyzer_free(an);
  vb_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_spans_english),    cmocka_unit_test(test_spans_hebrew),
      cmocka_unit_test(test_aspect_sentiment), cmocka_unit_test(test_several_themes),
      cmocka_unit_test(test_fallback),
      cmocka_unit_test(test_same_theme_twice), cmocka_unit_test(test_hashtags),
      cmocka_unit_test(test_shared_first_word), cmocka_unit_test(test_chain_filter),
      cmocka_unit_test(test_mark_dups),        cmocka_unit_test(test_same_bytes),
      cmocka_unit_test(test_terms_reference), cmocka_unit_test(test_tag_terms),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
