/*
 * test_model_load.c - loading a model in tasks (vb_model_options.parallel): the lexicons and
 * the codebooks load at the same time on two threads, or in turn in either order, and the
 * model is the same as when everything loads on the calling thread: the same themes, and the
 * same sentiment and mentions for texts in four languages, with and without the user's own
 * codebook and lexicon. A load that fails reports the error of the earliest source in the
 * loading order (built-in files, the user's codebooks, then the user's lexicons), however the
 * tasks ran.
 */
#define _XOPEN_SOURCE 700
#include "vb_test.h"
#include "vb_test_model.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "verbatim.h"

#define CB_GOOD VB_TEST_TMP "/test_model_load.good.codebook"
#define CB_BAD VB_TEST_TMP "/test_model_load.bad.codebook"
#define LEX_GOOD VB_TEST_TMP "/test_model_load.good.tsv"
#define LEX_BAD VB_TEST_TMP "/test_model_load.bad.tsv"

static const char cb_good[] = "[waiting]\nlabel: Waiting\nen: queue; waited ages\n"
                              "sv: kö; väntade länge\nen.re: \\b\\d+ hours? on hold\\b\n";
static const char cb_bad[] = "[waiting]\nen: queue\nen.re: (unclosed\n";
static const char lex_good[] = "queue\t-1.5\nmoved\t0.5\n";
static const char lex_bad[] = "queue\t-1.5\nno valence here\n";

/* ---- the ways of running the tasks ---- */

typedef struct task {
  void (*run)(void *arg, size_t i);
  void *arg;
  size_t i;
} task;

static void *task_main(void *p) {
  task *t = p;
  t->run(t->arg, t->i);
  return NULL;
}

/* every task but the first on a thread of its own */
static void on_threads(void *ctx, size_t n, void (*run)(void *arg, size_t i), void *arg) {
  (void)ctx;
  pthread_t th[8];
  task t[8];
  assert_true(n >= 1 && n <= 8);
  for (size_t i = 1; i < n; i++) {
    t[i] = (task){run, arg, i};
    assert_int_equal(pthread_create(&th[i], NULL, task_main, &t[i]), 0);
  }
  run(arg, 0);
  for (size_t i = 1; i < n; i++) assert_int_equal(pthread_join(th[i], NULL), 0);
}

/* in turn, last first; counts the calls */
static void reversed(void *ctx, size_t n, void (*run)(void *arg, size_t i), void *arg) {
  (*(int *)ctx)++;
  for (size_t i = n; i-- > 0;) run(arg, i);
}

enum { SERIAL, THREADS, REVERSED, N_WAYS };

static int load(int way, const char *cb, const char *lex, vb_model **m, vb_error *e) {
  static int calls;
  vb_model_options o = {0};
  char lex_arg[512];
  snprintf(lex_arg, sizeof lex_arg, "en:%s", lex ? lex : "");
  const char *cbs[] = {cb}, *lexs[] = {lex_arg};
  if (cb) o.codebooks = cbs, o.n_codebooks = 1;
  if (lex) o.lexicons = lexs, o.n_lexicons = 1;
  if (way == THREADS) o.parallel = on_threads;
  if (way == REVERSED) o.parallel = reversed, o.parallel_ctx = &calls;
  int before = calls;
  memset(e, 0, sizeof *e);
  int rc = vb_model_load(&o, m, e);
  if (way == REVERSED) assert_int_equal(calls, before + 1); /* it was used */
  return rc;
}

/* ---- the same model ---- */

static const char *const texts[][2] = {
    {"en", "Waited 3 hours on hold, the queue never moved. Staff were lovely though!"},
    {"en", "Fast delivery, great price, but the app keeps crashing at checkout."},
    {"sv", "Väntade länge i kö, men personalen var jättetrevlig."},
    {"sv", "Leveransen var försenad och kundtjänst svarade aldrig."},
    {"da", "Pakken kom for sent og kundeservice var uhøflig."},
    {"da", "Super god service og hurtig levering, tak!"},
    {"he", "ההזמנה הגיעה באיחור והשירות היה גרוע."},
    {"he", "שירות מעולה ומשלוח מהיר, תודה רבה!"},
};
#define N_TEXTS (sizeof texts / sizeof texts[0])

/* Compares what two models give: theme ids, then sentiment and mentions of every text. */
static void assert_same_model(const vb_model *a, const vb_model *b) {
  assert_int_equal(vb_model_theme_count(a), vb_model_theme_count(b));
  for (size_t i = 0; i < vb_model_theme_count(a); i++)
    assert_string_equal(vb_model_theme_id(a, i), vb_model_theme_id(b, i));
  vb_analyzer *x, *y;
  assert_int_equal(vb_analyzer_new(a, &x), VB_OK);
  assert_int_equal(vb_analyzer_new(b, &y), VB_OK);
  size_t total = 0;
  for (size_t t = 0; t < N_TEXTS; t++) {
    vb_lang lang;
    assert_int_equal(vb_lang_parse(texts[t][0], &lang), VB_OK);
    vb_run_options ro = {lang, VB_LANG_UND, 0};
    const vb_result *r, *s;
    assert_int_equal(vb_analyzer_run(x, texts[t][1], strlen(texts[t][1]), &ro, &r), VB_OK);
    assert_int_equal(vb_analyzer_run(y, texts[t][1], strlen(texts[t][1]), &ro, &s), VB_OK);
    assert_true(vb_result_sentiment(r)->score == vb_result_sentiment(s)->score);
    const vb_mention *mr, *ms;
    size_t nr = vb_result_mentions(r, &mr), ns = vb_result_mentions(s, &ms);
    assert_int_equal(nr, ns);
    for (size_t k = 0; k < nr; k++) {
      assert_int_equal(mr[k].theme, ms[k].theme);
      assert_int_equal(mr[k].start, ms[k].start);
      assert_int_equal(mr[k].end, ms[k].end);
      assert_true(mr[k].sentiment == ms[k].sentiment);
    }
    total += nr;
  }
  assert_true(total >= N_TEXTS); /* the texts do meet the codebook */
  vb_analyzer_free(x);
  vb_analyzer_free(y);
}

static void test_same_model_every_way(void **state) {
  (void)state;
  const char *cbs[] = {NULL, CB_GOOD}, *lexs[] = {NULL, LEX_GOOD};
  for (int v = 0; v < 2; v++) {
    vb_model *ref;
    vb_error e;
    assert_int_equal(load(SERIAL, cbs[v], lexs[v], &ref, &e), VB_OK);
    for (int way = THREADS; way < N_WAYS; way++) {
      vb_model *m;
      assert_int_equal(load(way, cbs[v], lexs[v], &m, &e), VB_OK);
      assert_same_model(ref, m);
      vb_model_free(m);
    }
    vb_model_free(ref);
  }
}

/* Loading ten times on threads: the same model each time (a race would show as a difference
 * now and then; ThreadSanitizer builds see it at once). */
static void test_threads_repeatable(void **state) {
  (void)state;
  vb_model *ref;
  vb_error e;
  assert_int_equal(load(SERIAL, CB_GOOD, LEX_GOOD, &ref, &e), VB_OK);
  for (int k = 0; k < 10; k++) {
    vb_model *m;
    assert_int_equal(load(THREADS, CB_GOOD, LEX_GOOD, &m, &e), VB_OK);
    assert_same_model(ref, m);
    vb_model_free(m);
  }
  vb_model_free(ref);
}

/* ---- which error ---- */

static void assert_error(int way, const char *cb, const char *lex, const char *file, long line) {
  vb_model *m = NULL;
  vb_error e;
  assert_int_equal(load(way, cb, lex, &m, &e), VB_EPARSE);
  assert_null(m);
  assert_int_equal(e.code, VB_EPARSE);
  assert_string_equal(e.file, file);
  assert_int_equal(e.line, line);
}

static void test_error_of_the_earliest_source(void **state) {
  (void)state;
  for (int way = SERIAL; way < N_WAYS; way++) {
    /* both bad: the codebook comes before the lexicon */
    assert_error(way, CB_BAD, LEX_BAD, CB_BAD, 3);
    /* one bad */
    assert_error(way, CB_GOOD, LEX_BAD, LEX_BAD, 2);
    assert_error(way, CB_BAD, LEX_GOOD, CB_BAD, 3);
    assert_error(way, NULL, LEX_BAD, LEX_BAD, 2);
  }
}

static int group_setup(void **state) {
  (void)state;
  return vbt_write(CB_GOOD, cb_good, 0) || vbt_write(CB_BAD, cb_bad, 0) ||
                 vbt_write(LEX_GOOD, lex_good, 0) || vbt_write(LEX_BAD, lex_bad, 0)
             ? -1
             : 0;
}

static int group_teardown(void **state) {
  (void)state;
  remove(CB_GOOD);
  remove(CB_BAD);
  remove(LEX_GOOD);
  remove(LEX_BAD);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_model_every_way),
      cmocka_unit_test(test_threads_repeatable),
      cmocka_unit_test(test_error_of_the_earliest_source),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
