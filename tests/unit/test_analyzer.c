/*
 * test_analyzer.c - one document through the pipeline (analyzer.c): the result accessors
 * (tokens with keys and stems as spans, sentences, clauses), invalid input, empty text,
 * VB_RUN_TOKENS_ONLY, results reused from run to run, vb_analyzer_stem, the _free(NULL)
 * rule, and the one-call vb_sentiment_score.
 *
 * The model is the built-in data (lexicons and default codebook), as a library user gets it.
 */
#define _XOPEN_SOURCE 700
#include "vb_test.h"
#include "vb_test_model.h"

#include <stdio.h>
#include <stdlib.h>

#include "verbatim.h"
#include "vb_text.h" /* vb__normalize: the emoji keys' reference; vb__tokenize */

typedef struct {
  vb_model *m;
  vb_analyzer *an;
} fixture;

static int group_setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f) return -1;
  *state = f;
  vb_error e;
  memset(&e, 0, sizeof e);
  if (vb_model_load(NULL, &f->m, &e)) {
    fprintf(stderr, "vb_model_load: %s:%ld: %s\n", e.file, e.line, e.message);
    return -1;
  }
  return vb_analyzer_new(f->m, &f->an) ? -1 : 0;
}

static int group_teardown(void **state) {
  fixture *f = *state;
  if (f) {
    vb_analyzer_free(f->an);
    vb_model_free(f->m);
    free(f);
  }
  return 0;
}

static const vb_result *run_flags(vb_analyzer *an, vb_lang lang, const char *text,
                                  unsigned flags) {
  vb_run_options ro = {lang, VB_LANG_UND, flags};
  const vb_result *r = NULL;
  assert_int_equal(vb_analyzer_run(an, text, strlen(text), &ro, &r), VB_OK);
  assert_non_null(r);
  return r;
}

/* Structural checks every result must pass. */
static void check_result(const vb_result *r) {
  size_t len;
  const char *text = vb_result_text(r, &len);
  const vb_token *t;
  const vb_span *s, *c;
  size_t nt = vb_result_tokens(r, &t), ns = vb_result_sentences(r, &s),
         nc = vb_result_clauses(r, &c);
  size_t prev_end = 0;
  for (size_t i = 0; i < nt; i++) {
    assert_true(t[i].start < t[i].end && t[i].end <= len);
    assert_true(t[i].start >= prev_end);
    prev_end = t[i].end;
    assert_true(t[i].type < VB_TOK_TYPE_COUNT);
    assert_non_null(t[i].key);
    assert_true(t[i].key_len > 0);
    assert_non_null(t[i].stem);
    assert_true(t[i].sentence < ns);
    assert_true(t[i].clause < nc);
    assert_true(s[t[i].sentence].tok_begin <= i && i < s[t[i].sentence].tok_end);
    assert_true(c[t[i].clause].tok_begin <= i && i < c[t[i].clause].tok_end);
    assert_true(isfinite(t[i].valence));
  }
  /* sentences and clauses tile the tokens in order, clauses inside sentences */
  const vb_span *spans[2] = {s, c};
  size_t counts[2] = {ns, nc};
  for (int k = 0; k < 2; k++) {
    size_t next = 0;
    for (size_t j = 0; j < counts[k]; j++) {
      const vb_span *sp = &spans[k][j];
      assert_int_equal(sp->tok_begin, next);
      assert_true(sp->tok_end > sp->tok_begin);
      assert_int_equal(sp->start, t[sp->tok_begin].start);
      assert_int_equal(sp->end, t[sp->tok_end - 1].end);
      assert_true(sp->sentiment >= -1 && sp->sentiment <= 1);
      next = sp->tok_end;
    }
    assert_int_equal(next, nt);
  }
  for (size_t j = 0; j < nc; j++) {
    size_t sen = t[c[j].tok_begin].sentence;
    assert_true(c[j].tok_end <= s[sen].tok_end);
  }
  const vb_sentiment *se = vb_result_sentiment(r);
  assert_true(se->score >= -1 && se->score <= 1);
  assert_close(se->pos + se->neg + se->neu, 1.0, 1e-9);
  assert_true(se->label >= -1 && se->label <= 1);
  assert_true(se->level >= -2 && se->level <= 2);
  (void)text;
}

static void test_tokens_keys_stems(void **state) {
  fixture *f = *state;
  const char *text = "The DELIVERIES were late \xF0\x9F\x98\xA1 #fail";
  const vb_result *r = run_flags(f->an, VB_LANG_EN, text, 0);
  check_result(r);
  size_t len;
  assert_ptr_equal(vb_result_text(r, &len), text);
  assert_int_equal(len, strlen(text));
  assert_ptr_equal(vb_result_text(r, NULL), text);
  const vb_token *t;
  assert_int_equal(vb_result_tokens(r, &t), 6);
  /* the span, the lookup key (folded) and the stem; keys are not NUL-terminated */
  assert_int_equal(t[1].start, 4);
  assert_int_equal(t[1].end, 14);
  assert_int_equal(t[1].type, VB_TOK_WORD);
  assert_span(t[1].key, t[1].key_len, "deliveries");
  assert_span(t[1].stem, t[1].stem_len, "deliveri");
  assert_true(t[1].flags & VB_TOKF_CAPS);
  assert_span(t[3].key, t[3].key_len, "late");
  assert_span(t[3].stem, t[3].stem_len, "late");
  assert_int_equal(t[4].type, VB_TOK_EMOJI);
  assert_span(t[4].key, t[4].key_len, "\xF0\x9F\x98\xA1");
  assert_int_equal(t[5].type, VB_TOK_HASHTAG);
  assert_span(t[5].key, t[5].key_len, "#fail");
  assert_span(text + t[5].start, t[5].end - t[5].start, "#fail");
  /* normalisation: NFKC (the ﬁ ligature), case folding, Hebrew points removed and final
   * letters folded (ם -> מ) */
  text = "\xEF\xAC\x81ne CAFÉ ש\xD6\xB8לוֹם";
  r = run_flags(f->an, VB_LANG_EN, text, 0);
  check_result(r);
  assert_int_equal(vb_result_tokens(r, &t), 3);
  assert_span(t[0].key, t[0].key_len, "fine");
  assert_span(t[1].key, t[1].key_len, "café");
  assert_span(t[2].key, t[2].key_len, "שלומ");
  assert_span(text + t[2].start, t[2].end - t[2].start, "ש\xD6\xB8לוֹם");
  /* Swedish and Hebrew stems */
  r = run_flags(f->an, VB_LANG_SV, "Leveranserna", 0);
  assert_int_equal(vb_result_tokens(r, &t), 1);
  assert_span(t[0].key, t[0].key_len, "leveranserna");
  assert_span(t[0].stem, t[0].stem_len, "leverans");
  r = run_flags(f->an, VB_LANG_HE, "והמשלוחים", 0);
  assert_int_equal(vb_result_tokens(r, &t), 1);
  assert_span(t[0].stem, t[0].stem_len, "משלוח");
}

static void test_sentences_and_clauses(void **state) {
  fixture *f = *state;
  const char *text = "It was late, and cold. Why?\nNo idea; none at all";
  const vb_result *r = run_flags(f->an, VB_LANG_EN, text, 0);
  check_result(r);
  const vb_span *s, *c;
  assert_int_equal(vb_result_sentences(r, &s), 3);
  assert_span(text + s[0].start, s[0].end - s[0].start, "It was late, and cold.");
  assert_span(text + s[1].start, s[1].end - s[1].start, "Why?");
  /* a line break ends a sentence */
  assert_span(text + s[2].start, s[2].end - s[2].start, "No idea; none at all");
  assert_int_equal(vb_result_clauses(r, &c), 5);
  assert_span(text + c[0].start, c[0].end - c[0].start, "It was late,");
  assert_span(text + c[1].start, c[1].end - c[1].start, "and cold.");
  assert_span(text + c[3].start, c[3].end - c[3].start, "No idea;");
  /* a contrast word starts a clause */
  text = "Good food but slow service";
  r = run_flags(f->an, VB_LANG_EN, text, 0);
  check_result(r);
  assert_int_equal(vb_result_clauses(r, &c), 2);
  assert_span(text + c[1].start, c[1].end - c[1].start, "but slow service");
  assert_int_equal(vb_result_sentences(r, &s), 1);
}

static void test_invalid_input(void **state) {
  fixture *f = *state;
  const vb_result *r = (const vb_result *)f; /* must stay untouched on failure */
  const vb_result *const sentinel = r;
  static const char *const bad[] = {
      "bad \xC3 byte", "overlong \xC0\xAF", "surrogate \xED\xA0\x80", "too big \xF4\x90\x80\x80",
      "cut \xE2\x82",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(vb_analyzer_run(f->an, bad[i], strlen(bad[i]), NULL, &r), VB_EUTF8);
    assert_ptr_equal(r, sentinel);
  }
  /* a NUL byte inside the length is valid UTF-8 */
  static const char nul[] = "good\0bad";
  assert_int_equal(vb_analyzer_run(f->an, nul, sizeof nul - 1, NULL, &r), VB_OK);
  check_result(r);
  /* arguments */
  r = sentinel;
  assert_int_equal(vb_analyzer_run(NULL, "x", 1, NULL, &r), VB_EINVAL);
  assert_int_equal(vb_analyzer_run(f->an, "x", 1, NULL, NULL), VB_EINVAL);
  assert_int_equal(vb_analyzer_run(f->an, NULL, 3, NULL, &r), VB_EINVAL);
  assert_ptr_equal(r, sentinel);
  /* the analyzer still works afterwards */
  r = run_flags(f->an, VB_LANG_EN, "great", 0);
  assert_true(vb_result_sentiment(r)->score > 0);
}

static void test_empty_text(void **state) {
  fixture *f = *state;
  const char *const empties[] = {"", "   ", "\n\n\t "};
  for (size_t k = 0; k < 3; k++) {
    /* first leave something behind from a real text */
    run_flags(f->an, VB_LANG_EN, "The delivery was great!", VB_RUN_EXPLAIN);
    const vb_result *r = run_flags(f->an, VB_LANG_EN, empties[k], VB_RUN_EXPLAIN);
    check_result(r);
    const vb_token *t;
    const vb_span *s;
    const vb_mention *m;
    const vb_explain *x;
    assert_int_equal(vb_result_tokens(r, &t), 0);
    assert_int_equal(vb_result_sentences(r, &s), 0);
    assert_int_equal(vb_result_clauses(r, &s), 0);
    assert_int_equal(vb_result_mentions(r, &m), 0);
    assert_int_equal(vb_result_explain(r, &x), 0);
    const vb_sentiment *se = vb_result_sentiment(r);
    assert_close(se->score, 0.0, 0);
    assert_close(se->neu, 1.0, 0);
    assert_int_equal(se->label, VB_NEUTRAL);
    assert_int_equal(se->mixed, 0);
  }
  /* NULL text of length 0 is the empty text */
  const vb_result *r = NULL;
  assert_int_equal(vb_analyzer_run(f->an, NULL, 0, NULL, &r), VB_OK);
  const vb_token *t;
  assert_int_equal(vb_result_tokens(r, &t), 0);
  assert_int_equal(vb_result_lang(r), VB_LANG_UND);
}

static void test_tokens_only(void **state) {
  fixture *f = *state;
  const char *text = "The delivery was NOT good!!! \xF0\x9F\x98\xA1 Terrible service.";
  const vb_result *full = run_flags(f->an, VB_LANG_EN, text, 0);
  const vb_token *t;
  size_t n_full = vb_result_tokens(full, &t);
  const vb_mention *m;
  assert_true(vb_result_mentions(full, &m) > 0);
  assert_true(vb_result_sentiment(full)->score < 0);

  const vb_result *r = run_flags(f->an, VB_LANG_EN, text, VB_RUN_TOKENS_ONLY | VB_RUN_EXPLAIN);
  check_result(r);
  size_t n = vb_result_tokens(r, &t);
  assert_int_equal(n, n_full);
  assert_span(t[1].key, t[1].key_len, "delivery");
  assert_span(t[1].stem, t[1].stem_len, "deliveri");
  assert_true(t[3].flags & VB_TOKF_CAPS);
  for (size_t i = 0; i < n; i++) {
    assert_close(t[i].valence, 0.0, 0);
    assert_false(t[i].flags & VB_TOKF_NEGATED);
  }
  const vb_span *s;
  assert_int_equal(vb_result_sentences(r, &s), 2);
  for (size_t i = 0; i < 2; i++) assert_close(s[i].sentiment, 0.0, 0);
  assert_int_equal(vb_result_mentions(r, &m), 0);
  const vb_explain *x;
  assert_int_equal(vb_result_explain(r, &x), 0);
  const vb_sentiment *se = vb_result_sentiment(r);
  assert_close(se->score, 0.0, 0);
  assert_int_equal(se->label, VB_NEUTRAL);
  /* the language is still identified */
  r = run_flags(f->an, VB_LANG_UND, "Leveransen var sen och personalen var otrevlig.",
                VB_RUN_TOKENS_ONLY);
  assert_int_equal(vb_result_lang(r), VB_LANG_SV);
}

/* A copy of what a result says, to compare two runs. */
typedef struct {
  size_t n_tok, n_sen, n_cla, n_men, n_exp;
  vb_token tok[64];
  char keys[64][64], stems[64][64];
  vb_span sen[16], cla[16];
  vb_mention men[16];
  vb_sentiment se;
} snapshot;

static void take(const vb_result *r, snapshot *s) {
  memset(s, 0, sizeof *s);
  const vb_token *t;
  const vb_span *sp;
  const vb_mention *m;
  const vb_explain *x;
  s->n_tok = vb_result_tokens(r, &t);
  assert_true(s->n_tok <= 64);
  for (size_t i = 0; i < s->n_tok; i++) {
    s->tok[i] = t[i];
    assert_true(t[i].key_len < 64 && t[i].stem_len < 64);
    memcpy(s->keys[i], t[i].key, t[i].key_len);
    memcpy(s->stems[i], t[i].stem, t[i].stem_len);
    s->tok[i].key = s->tok[i].stem = NULL;
  }
  s->n_sen = vb_result_sentences(r, &sp);
  assert_true(s->n_sen <= 16);
  memcpy(s->sen, sp, s->n_sen * sizeof *sp);
  s->n_cla = vb_result_clauses(r, &sp);
  assert_true(s->n_cla <= 16);
  memcpy(s->cla, sp, s->n_cla * sizeof *sp);
  s->n_men = vb_result_mentions(r, &m);
  assert_true(s->n_men <= 16);
  memcpy(s->men, m, s->n_men * sizeof *m);
  s->n_exp = vb_result_explain(r, &x);
  s->se = *vb_result_sentiment(r);
}

static void assert_same(const snapshot *a, const snapshot *b) {
  assert_int_equal(a->n_tok, b->n_tok);
  assert_int_equal(a->n_sen, b->n_sen);
  assert_int_equal(a->n_cla, b->n_cla);
  assert_int_equal(a->n_men, b->n_men);
  assert_int_equal(a->n_exp, b->n_exp);
  assert_memory_equal(a->tok, b->tok, a->n_tok * sizeof a->tok[0]);
  assert_memory_equal(a->keys, b->keys, sizeof a->keys);
  assert_memory_equal(a->stems, b->stems, sizeof a->stems);
  for (size_t i = 0; i < a->n_sen; i++) assert_same_double(a->sen[i].sentiment, b->sen[i].sentiment);
  for (size_t i = 0; i < a->n_cla; i++) assert_same_double(a->cla[i].sentiment, b->cla[i].sentiment);
  for (size_t i = 0; i < a->n_men; i++) {
    assert_int_equal(a->men[i].theme, b->men[i].theme);
    assert_int_equal(a->men[i].start, b->men[i].start);
    assert_int_equal(a->men[i].end, b->men[i].end);
    assert_same_double(a->men[i].sentiment, b->men[i].sentiment);
  }
  assert_same_double(a->se.score, b->se.score);
  assert_same_double(a->se.pos, b->se.pos);
  assert_same_double(a->se.neg, b->se.neg);
  assert_int_equal(a->se.label, b->se.label);
  assert_int_equal(a->se.mixed, b->se.mixed);
}

static void test_results_reused(void **state) {
  fixture *f = *state;
  static snapshot first, again, fresh;
  const char *a = "The delivery was late, but the staff were very friendly! \xF0\x9F\x98\x80";
  const vb_result *r1 = run_flags(f->an, VB_LANG_UND, a, VB_RUN_EXPLAIN);
  take(r1, &first);
  /* a longer text, then a different language, then the first again */
  char big[4096];
  big[0] = '\0';
  for (int i = 0; i < 60; i++) strcat(big, "Terrible app, it crashes constantly. ");
  const vb_result *r2 = run_flags(f->an, VB_LANG_EN, big, 0);
  assert_ptr_equal(r2, r1); /* the same result object, owned by the analyzer */
  const vb_token *t;
  assert_true(vb_result_tokens(r2, &t) > 64);
  run_flags(f->an, VB_LANG_HE, "השירות היה גרוע מאוד", VB_RUN_EXPLAIN);
  run_flags(f->an, VB_LANG_SV, "Jättebra leverans!", 0);
  const vb_result *r3 = run_flags(f->an, VB_LANG_UND, a, VB_RUN_EXPLAIN);
  take(r3, &again);
  assert_same(&first, &again);
  /* a new analyzer on the same model agrees */
  vb_analyzer *an2 = NULL;
  assert_int_equal(vb_analyzer_new(f->m, &an2), VB_OK);
  take(run_flags(an2, VB_LANG_UND, a, VB_RUN_EXPLAIN), &fresh);
  assert_same(&first, &fresh);
  /* the two analyzers' results are independent */
  const vb_result *ra = run_flags(f->an, VB_LANG_EN, "great", 0);
  const vb_result *rb = run_flags(an2, VB_LANG_EN, "terrible", 0);
  assert_ptr_not_equal(ra, rb);
  assert_true(vb_result_sentiment(ra)->score > 0);
  assert_true(vb_result_sentiment(rb)->score < 0);
  vb_analyzer_free(an2);
}

static void test_stem(void **state) {
  fixture *f = *state;
  const char *s;
  size_t n;
  static const struct {
    vb_lang lang;
    const char *word, *stem;
  } cases[] = {
      {VB_LANG_EN, "deliveries", "deliveri"},   {VB_LANG_EN, "Delivered", "deliv"},
      {VB_LANG_SV, "leveranserna", "leverans"}, {VB_LANG_SV, "LEVERANSEN", "leverans"},
      {VB_LANG_DA, "leveringerne", "levering"}, {VB_LANG_HE, "והמשלוחים", "משלוח"},
      {VB_LANG_UND, "Deliveries", "deliveries"}, /* no stemmer: the key */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(vb_analyzer_stem(f->an, cases[i].lang, cases[i].word,
                                      strlen(cases[i].word), &s, &n),
                     VB_OK);
    assert_span(s, n, cases[i].stem);
  }
  /* only `len` bytes */
  assert_int_equal(vb_analyzer_stem(f->an, VB_LANG_EN, "deliveriesXYZ", 10, &s, &n), VB_OK);
  assert_span(s, n, "deliveri");
  assert_int_equal(vb_analyzer_stem(f->an, VB_LANG_EN, "", 0, &s, &n), VB_OK);
  assert_int_equal(n, 0);
  /* errors */
  assert_int_equal(vb_analyzer_stem(f->an, VB_LANG_EN, "caf\xC3", 4, &s, &n), VB_EUTF8);
  assert_int_equal(vb_analyzer_stem(NULL, VB_LANG_EN, "x", 1, &s, &n), VB_EINVAL);
  assert_int_equal(vb_analyzer_stem(f->an, VB_LANG_EN, NULL, 1, &s, &n), VB_EINVAL);
  assert_int_equal(vb_analyzer_stem(f->an, VB_LANG_EN, "x", 1, NULL, &n), VB_EINVAL);
  assert_int_equal(vb_analyzer_stem(f->an, VB_LANG_EN, "x", 1, &s, NULL), VB_EINVAL);
  /* stemming between runs does not disturb the next run */
  const vb_result *r = run_flags(f->an, VB_LANG_EN, "Deliveries were late", 0);
  const vb_token *t;
  assert_int_equal(vb_result_tokens(r, &t), 3);
  assert_span(t[0].stem, t[0].stem_len, "deliveri");
}

static void test_free_null_and_new(void **state) {
  fixture *f = *state;
  vb_analyzer_free(NULL);
  vb_model_free(NULL);
  vb_free(NULL);
  vb_analyzer *an = (vb_analyzer *)f;
  assert_int_equal(vb_analyzer_new(NULL, &an), VB_EINVAL);
  assert_int_equal(vb_analyzer_new(f->m, NULL), VB_EINVAL);
  assert_int_equal(vb_model_load(NULL, NULL, NULL), VB_EINVAL);
  /* many analyzers on one model, freed in any order */
  vb_analyzer *ans[4];
  for (int i = 0; i < 4; i++) assert_int_equal(vb_analyzer_new(f->m, &ans[i]), VB_OK);
  for (int i = 0; i < 4; i++) run_flags(ans[i], VB_LANG_UND, "the staff were friendly", 0);
  vb_analyzer_free(ans[2]);
  vb_analyzer_free(ans[0]);
  vb_analyzer_free(ans[3]);
  vb_analyzer_free(ans[1]);
  /* token type names */
  static const char *const names[VB_TOK_TYPE_COUNT] = {
      "word", "number", "emoji", "emoticon", "url", "email", "mention", "hashtag", "punct"};
  for (int i = 0; i < VB_TOK_TYPE_COUNT; i++)
    assert_string_equal(vb_token_type_name((vb_token_type)i), names[i]);
  assert_string_equal(vb_token_type_name(VB_TOK_TYPE_COUNT), "unknown");
}

static void test_sentiment_score(void **state) {
  fixture *f = *state;
  static const struct {
    const char *text, *lang;
  } cases[] = {
      {"The staff were wonderful and the delivery was fast!", "en"},
      {"Terrible service, I will never order again.", NULL},
      {"Leveransen var jättebra, tack!", "sv"},
      {"Pakken kom ikke, meget dårlig service", "da"},
      {"השירות היה מצוין", "HE"},
      {"", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    double score = 99;
    assert_int_equal(vb_sentiment_score(cases[i].text, strlen(cases[i].text), cases[i].lang,
                                        &score),
                     VB_OK);
    assert_true(score >= -1 && score <= 1);
    /* the same as the model and analyzer give */
    vb_run_options ro = {VB_LANG_UND, VB_LANG_UND, 0};
    if (cases[i].lang) assert_int_equal(vb_lang_parse(cases[i].lang, &ro.lang), VB_OK);
    const vb_result *r = NULL;
    assert_int_equal(vb_analyzer_run(f->an, cases[i].text, strlen(cases[i].text), &ro, &r),
                     VB_OK);
    assert_same_double(score, vb_result_sentiment(r)->score);
  }
  double score = 0;
  assert_int_equal(vb_sentiment_score("great", 5, "en", &score), VB_OK);
  assert_true(score > 0.3);
  assert_int_equal(vb_sentiment_score("awful", 5, "en", &score), VB_OK);
  assert_true(score < -0.3);
  /* errors */
  assert_int_equal(vb_sentiment_score("great", 5, "xx", &score), VB_ELANG);
  assert_int_equal(vb_sentiment_score(NULL, 5, "en", &score), VB_EINVAL);
  assert_int_equal(vb_sentiment_score("great", 5, "en", NULL), VB_EINVAL);
  assert_int_equal(vb_sentiment_score("gr\xC3", 3, "en", &score), VB_EUTF8);
}

/* The form table compares a form of up to 16 bytes by its two words and length, a longer one
 * also byte by byte (two loops, analyzer.c form_find()): forms that share their first and
 * last eight bytes and differ in length or in a byte between, in one document, in both cases,
 * each get their own key. */
static void test_form_table_long_forms(void **state) {
  fixture *f = *state;
  /* a new analyzer: its table is small (4,096 slots) and these forms fill a third of it, so
   * most probes pass forms with the same two words */
  vb_analyzer *an;
  assert_int_equal(vb_analyzer_new(f->m, &an), VB_OK);
  enum { WORDS = 1500 };
  char *doc = malloc(WORDS * 48 + 1);
  char(*want)[48] = malloc(WORDS * sizeof *want);
  assert_non_null(doc);
  assert_non_null(want);
  size_t len = 0;
  uint64_t seed = 0x2545F4914F6CDD1DULL;
  for (int w = 0; w < WORDS; w++) {
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    /* "abcdefgh" + 0-24 letters of x and y + "stuvwxyz": 16 to 40 bytes, some upper case */
    int mid = (int)(seed % 25), n = 0;
    char *o = want[w];
    memcpy(o, "abcdefgh", 8), n = 8;
    for (int k = 0; k < mid; k++) o[n++] = (seed >> (8 + k)) & 1 ? 'x' : 'y';
    memcpy(o + n, "stuvwxyz", 8), n += 8;
    o[n] = '\0';
    for (int k = 0; k < n; k++)
      doc[len++] = (seed >> 40) & 1 && k % 3 == 0 ? (char)(o[k] - 32) : o[k];
    doc[len++] = ' ';
  }
  doc[len] = '\0';
  const vb_result *r = run_flags(an, VB_LANG_EN, doc, VB_RUN_TOKENS_ONLY);
  const vb_token *t;
  assert_int_equal(vb_result_tokens(r, &t), WORDS);
  for (int w = 0; w < WORDS; w++) {
    if (t[w].key_len != strlen(want[w]) || memcmp(t[w].key, want[w], t[w].key_len) != 0)
      fail_msg("token %d: key \"%.*s\", want \"%s\"", w, (int)t[w].key_len, t[w].key, want[w]);
  }
  vb_analyzer_free(an);
  free(doc);
  free(want);
}

/* A text of up to `parts` fragments drawn with a xorshift generator (*seed), each followed by
 * a space (always when `spaced`, else when the generator's top bits say so); its length. */
static size_t random_doc(const char *const *frag, size_t nf, uint64_t *seed, int parts,
                         bool spaced, char *buf, size_t cap) {
  size_t len = 0;
  for (int k = 0; k < parts; k++) {
    *seed ^= *seed << 13, *seed ^= *seed >> 7, *seed ^= *seed << 17;
    const char *fr = frag[*seed % nf];
    size_t fl = strlen(fr);
    if (len + fl + 2 >= cap) break;
    memcpy(buf + len, fr, fl);
    len += fl;
    if (spaced || *seed >> 60) buf[len++] = ' ';
  }
  buf[len] = '\0';
  return len;
}

/* Emoji keys come from the form table (tagged apart from other forms of the same bytes):
 * each emoji token's key is vb__normalize(VB_NORM_EMOJI) of its bytes, the first time and
 * every time after, in random mixes of emoji sequences, emoticons and words. */
static void test_emoji_keys_from_forms(void **state) {
  fixture *f = *state;
  static const char *const frag[] = {
      "\xF0\x9F\x98\x80", "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", "\xE2\x9D\xA4\xEF\xB8\x8F",
      "\xE2\x9D\xA4", "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x92\xBB",
      "\xF0\x9F\x87\xB8\xF0\x9F\x87\xAA", "1\xEF\xB8\x8F\xE2\x83\xA3", "#\xEF\xB8\x8F\xE2\x83\xA3",
      "\xE2\xAD\x90", "\xE2\x98\xBA", ":)", "&lt;3", "XD", "good", " ", " ", "!", "\xC2\xA9"};
  const size_t nf = sizeof frag / sizeof frag[0];
  vb_analyzer *an;
  assert_int_equal(vb_analyzer_new(f->m, &an), VB_OK);
  vb__norm nz = {0};
  vb__buf want = {0};
  char doc[400];
  uint64_t seed = 0x9E3779B97F4A7C15ULL;
  for (int round = 0; round < 400; round++) {
    random_doc(frag, nf, &seed, 24, true, doc, sizeof doc);
    const vb_result *r = run_flags(an, round % 2 ? VB_LANG_EN : VB_LANG_UND, doc, 0);
    const vb_token *t;
    size_t n = vb_result_tokens(r, &t);
    for (size_t i = 0; i < n; i++) {
      if (t[i].type != VB_TOK_EMOJI) continue;
      want.len = 0;
      assert_int_equal(vb__normalize(&nz, doc + t[i].start, t[i].end - t[i].start, VB_NORM_EMOJI,
                                     &want),
                       VB_OK);
      if (t[i].key_len != want.len || memcmp(t[i].key, want.data, want.len) != 0)
        fail_msg("emoji token %zu of \"%s\": key \"%.*s\"", i, doc, (int)t[i].key_len, t[i].key);
    }
  }
  vb__norm_free(&nz);
  vb__free(want.data);
  vb_analyzer_free(an);
}

/* The analyzer's table of word forms (keys, stems, the codebook's and the lexicons' answers
 * per form) starts over between documents once it holds VB__FORM_MAX (65,536) forms. Texts in
 * the four languages (themes, compounds, proclitics, langid) give the same results before,
 * after starting over, after a document with more distinct forms than that, and in a new
 * analyzer. */
static void test_form_table_starts_over(void **state) {
  fixture *f = *state;
  static const struct {
    vb_lang lang;
    const char *text;
  } texts[] = {
      {VB_LANG_UND, "The delivery was late, but the staff were very friendly! No hassle at all."},
      {VB_LANG_EN, "Waited on hold for ages and nobody called back."},
      {VB_LANG_UND, "Leveransproblem igen, och kundtjänsten svarade aldrig. Jättedåligt!"},
      {VB_LANG_DA, "Leveringstiden var alt for lang, men personalet var søde."},
      {VB_LANG_UND, "ההזמנה הגיעה באיחור והשירות היה גרוע מאוד"},
  };
  enum { N = sizeof texts / sizeof texts[0] };
  static snapshot before[N], after[N];
  for (size_t k = 0; k < N; k++)
    take(run_flags(f->an, texts[k].lang, texts[k].text, VB_RUN_EXPLAIN), &before[k]);
  /* 70 documents of 1,000 new words each (made-up forms: "qz" and a number in letters) */
  size_t cap = 1000 * 12 + 1;
  char *doc = malloc(cap);
  assert_non_null(doc);
  unsigned serial = 0;
  for (int d = 0; d < 71; d++) {
    size_t len = 0;
    int words = d < 70 ? 1000 : 0;
    for (int w = 0; w < words; w++, serial++) {
      char word[16];
      int n = 0;
      word[n++] = 'q';
      word[n++] = 'z';
      for (unsigned v = serial; n < 10; v /= 26) {
        word[n++] = (char)('a' + v % 26);
        if (v < 26) break;
      }
      word[n++] = ' ';
      memcpy(doc + len, word, (size_t)n);
      len += (size_t)n;
    }
    doc[len] = '\0';
    if (d == 70) break;
    check_result(run_flags(f->an, d % 2 ? VB_LANG_SV : VB_LANG_UND, doc, 0));
  }
  for (size_t k = 0; k < N; k++) {
    take(run_flags(f->an, texts[k].lang, texts[k].text, VB_RUN_EXPLAIN), &after[k]);
    assert_same(&before[k], &after[k]);
  }
  /* one document with more distinct forms than the table keeps: it grows for the document */
  char *huge = malloc(70000 * 12 + 1);
  assert_non_null(huge);
  size_t len = 0;
  for (unsigned w = 0; w < 70000; w++) len += (size_t)sprintf(huge + len, "xk%u ", w);
  const vb_result *r = run_flags(f->an, VB_LANG_EN, huge, 0);
  const vb_token *t;
  assert_int_equal(vb_result_tokens(r, &t), 70000);
  assert_int_equal(t[69999].key_len, 7); /* "xk69999" */
  assert_memory_equal(t[69999].key, "xk69999", 7);
  /* the buffers of keys and stems grew during the document: the keys and stems of its first
   * tokens are still there (with a NUL after each key) */
  for (unsigned w = 0; w < 70000; w += 997) {
    char word[16];
    int n = sprintf(word, "xk%u", w);
    assert_int_equal(t[w].key_len, (size_t)n);
    assert_memory_equal(t[w].key, word, (size_t)n + 1);
    assert_true(t[w].stem_len >= 2 && t[w].stem_len <= (size_t)n);
    assert_memory_equal(t[w].stem, word, t[w].stem_len);
  }
  for (size_t k = 0; k < N; k++) {
    take(run_flags(f->an, texts[k].lang, texts[k].text, VB_RUN_EXPLAIN), &after[k]);
    assert_same(&before[k], &after[k]);
  }
  vb_analyzer *an2 = NULL;
  assert_int_equal(vb_analyzer_new(f->m, &an2), VB_OK);
  for (size_t k = 0; k < N; k++) {
    take(run_flags(an2, texts[k].lang, texts[k].text, VB_RUN_EXPLAIN), &after[k]);
    assert_same(&before[k], &after[k]);
  }
  vb_analyzer_free(an2);
  free(huge);
  free(doc);
}

/* With the language given, keys, stems, sentences and clauses are made in one pass over the
 * tokens; without, the keys come first and the rest after language identification. Texts the
 * identification gives the same language come out the same both ways, also when the form
 * table is new to them and when its forms were made by the other way. */
static void test_one_pass_and_two(void **state) {
  fixture *f = *state;
  static const struct {
    vb_lang lang;
    const char *text;
  } texts[] = {
      {VB_LANG_EN, "The delivery was late, but the staff were very friendly!\nNo hassle at all... "
                   "I've been waiting (since Monday) \xE2\x80\x94 it's a mess; 24/7 support? "
                   "Sooo slow \xF0\x9F\x98\xA1 :-( see lumo.se or mail@lumo.se #fail @Lumo"},
      {VB_LANG_SV, "Leveransen var sen, men personalen var trevlig. Jättedåligt!!\n\nAldrig mer: "
                   "kundtjänsten svarade inte \xE2\x80\xA6 t.ex. igår"},
      {VB_LANG_DA, "Leveringstiden var alt for lang, men personalet var søde. Kæmpe god service!"},
      {VB_LANG_HE, "ההזמנה הגיעה באיחור, אבל השירות היה מצוין. צה\"ל \xD7\x83 שלום!"},
  };
  static snapshot one, two;
  for (int round = 0; round < 2; round++) {
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
      vb_analyzer *an2 = NULL;
      assert_int_equal(vb_analyzer_new(f->m, &an2), VB_OK);
      /* round 0: the one pass on a new analyzer; round 1: both on one, the second pass
       * finding the forms the first made */
      const vb_result *r = run_flags(round ? f->an : an2, texts[k].lang, texts[k].text,
                                     VB_RUN_EXPLAIN);
      check_result(r);
      take(r, &one);
      r = run_flags(f->an, VB_LANG_UND, texts[k].text, VB_RUN_EXPLAIN);
      assert_int_equal(vb_result_lang(r), texts[k].lang);
      take(r, &two);
      assert_same(&one, &two);
      vb_analyzer_free(an2);
    }
  }
}

/* The analyzer tokenizes with vb__tokenize_forms() and ORs each word's elongation in from
 * its form: its tokens' flags must be vb__tokenize()'s (less the line-break mark), with the
 * language given and found, on texts of fragments with and without three equal letters, in
 * each form seen for the first time and again. */
static void test_elongation_from_forms(void **state) {
  fixture *f = *state;
  static const char *const frag[] = {
      "sooo", "so", "Sooo", "SOOO", "good", "goood", "gooood", "a.aaa.", "zzz.se", "aaa5",
      "x-xxx", "ab-bbb", "aa'aa", "don't", "I've", "\xC3\xA4\xC3\xA4\xC3\xA4",
      "j\xC3\xA4\xC3\xA4\xC3\xA4ttebra", "d\xC3\xA5\xC3\xA5lig", "sk\xC3\xB8\xC3\xB8\xC3\xB8n",
      "\xD7\x98\xD7\x95\xD7\x91\xD7\x91\xD7\x91", "\xD7\x98\xD7\x95\xD7\x91",
      "\xD7\xA9\xD7\xA9\xD7\xA9\xD6\xB8", "!!!", "...", ",", ".", "?", "\n", "1000",
      "\xF0\x9F\x98\x80", ":)", "#sooogood", "@mmm", "http://aaa.se", "e.g.", "etc.", "the"};
  const size_t nf = sizeof frag / sizeof frag[0];
  uint64_t seed = 0x2545F4914F6CDD1DULL;
  char buf[512];
  vb__toks want = {0};
  for (int round = 0; round < 4000; round++) {
    size_t len = random_doc(frag, nf, &seed, 1 + (int)(seed % 10), false, buf, sizeof buf);
    assert_int_equal(vb__tokenize(buf, len, &want), VB_OK);
    for (int l = VB_LANG_UND; l < VB_LANG_COUNT; l++) {
      const vb_result *r = run_flags(f->an, (vb_lang)l, buf, VB_RUN_TOKENS_ONLY);
      const vb_token *tok;
      size_t n = vb_result_tokens(r, &tok);
      assert_int_equal(n, want.n);
      for (size_t i = 0; i < n; i++)
        if (tok[i].flags != (want.v[i].flags & ~VB__TOKF_LINE))
          fail_msg("token %zu's flags differ on \"%s\"", i, buf);
    }
  }
  vb__free(want.v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tokens_keys_stems), cmocka_unit_test(test_sentences_and_clauses),
      cmocka_unit_test(test_invalid_input),     cmocka_unit_test(test_empty_text),
      cmocka_unit_test(test_tokens_only),       cmocka_unit_test(test_results_reused),
      cmocka_unit_test(test_stem),              cmocka_unit_test(test_free_null_and_new),
      cmocka_unit_test(test_sentiment_score),
      cmocka_unit_test(test_form_table_starts_over),
      cmocka_unit_test(test_form_table_long_forms),
      cmocka_unit_test(test_emoji_keys_from_forms),
      cmocka_unit_test(test_one_pass_and_two),
      cmocka_unit_test(test_elongation_from_forms),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
