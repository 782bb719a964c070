/* fuzz_annotate.c - annotate on arbitrary bytes. When the first byte is 0-3 the rest is a file
 * of that format (CSV, TSV, JSONL, plain text) and goes the way `verbatim annotate --score nps`
 * takes it: records read, the text analysed with explanations, the score parsed, everything
 * aggregated, the table computed, the state saved and read back. Otherwise the whole input is
 * one document: repaired to UTF-8 as the reader does, analysed in each language and with
 * identification, with explanations, and aggregated; and the same again with a brand list
 * (brands in comparisons, switches between brands, the brand tables and their state lines).
 * Checks: scores in [-1, 1]; token, sentence and mention spans inside the text; a record
 * analysed or counted as an error, none lost; the saved state reads back and makes the same
 * table. */
#include "fuzz.h"

static void check_result(const vb_result *r, size_t n) {
  const vb_sentiment *s = vb_result_sentiment(r);
  FUZZ_CHECK(s->score >= -1 && s->score <= 1);
  FUZZ_CHECK(s->label >= -1 && s->label <= 1);
  const vb_mention *me;
  size_t nm = vb_result_mentions(r, &me);
  for (size_t i = 0; i < nm; i++) FUZZ_CHECK(me[i].start <= me[i].end && me[i].end <= n);
  const vb_token *t;
  size_t nt = vb_result_tokens(r, &t);
  for (size_t i = 0; i < nt; i++) FUZZ_CHECK(t[i].start < t[i].end && t[i].end <= n);
  const vb_span *sp;
  size_t ns = vb_result_sentences(r, &sp);
  for (size_t i = 0; i < ns; i++)
    FUZZ_CHECK(sp[i].start <= sp[i].end && sp[i].end <= n && sp[i].tok_end <= nt);
  const vb_explain *x;
  size_t nx = vb_result_explain(r, &x);
  for (size_t i = 0; i < nx; i++)
    FUZZ_CHECK(x[i].kind == VB_EXPLAIN_PUNCT ? x[i].token < ns : x[i].token < nt);
}

/* Switches name a brand on one side at least, two different ones, and lie in the text, in
 * its order. */
static void check_switches(const vb_model *m, const vb_result *r, size_t n) {
  const vb_switch *w;
  size_t ns = vb_result_switches(r, &w);
  for (size_t i = 0; i < ns; i++) {
    FUZZ_CHECK(w[i].start < w[i].end && w[i].end <= n);
    FUZZ_CHECK(i == 0 || w[i - 1].start < w[i].start);
    FUZZ_CHECK(w[i].from != w[i].to);
    FUZZ_CHECK(w[i].from == SIZE_MAX || vb_model_theme_is_brand(m, w[i].from));
    FUZZ_CHECK(w[i].to == SIZE_MAX || vb_model_theme_is_brand(m, w[i].to));
  }
  const vb_mention *me;
  size_t nm = vb_result_mentions(r, &me);
  for (size_t i = 0; i < nm; i++) FUZZ_CHECK(me[i].sentiment >= -1 && me[i].sentiment <= 1);
}

/* The state of `agg` reads back, and the table made from it equals the table of `agg`. */
static void check_state(const vb_model *m, const vb_agg *agg) {
  char *state;
  size_t len;
  if (vb_agg_save(agg, &state, &len) != VB_OK) return;
  vb_agg *back;
  FUZZ_CHECK(vb_agg_load(m, state, len, &back, NULL) == VB_OK);
  vb_table *t1, *t2;
  if (vb_agg_table(agg, &t1) == VB_OK) {
    if (vb_agg_table(back, &t2) == VB_OK) {
      FUZZ_CHECK(t1->records == t2->records && t1->analysed == t2->analysed &&
                 t1->errors == t2->errors && t1->n_rows == t2->n_rows);
      vb_table_free(t2);
    }
    vb_table_free(t1);
  }
  vb_agg_free(back);
  vb_free(state);
}

static void as_file(const vb_model *m, vb_analyzer *an, const uint8_t *data, size_t size,
                    vb_format fmt) {
  FILE *fp = fuzz_stream(data, size);
  if (!fp) return;
  vb_reader_options o = {0};
  o.format = fmt;
  o.name = "fuzz";
  o.max_field = 4096;
  vb_reader *rd;
  vb_agg *agg;
  if (vb_agg_new(m, VB_SCORE_NPS, &agg) != VB_OK) {
    fclose(fp);
    return;
  }
  if (vb_reader_new(fp, &o, NULL, NULL, &rd, NULL) == VB_OK) {
    int ht = vb_reader_field(rd, "text", NULL), hs = vb_reader_field(rd, "nps", NULL);
    const vb_record *rec;
    size_t records = 0, analysed = 0, errors = 0;
    while (vb_reader_next(rd, &rec) == 1) {
      records++;
      size_t n = 0, sl;
      const char *text = vb_reader_get(rd, ht, &n);
      const char *sv = vb_reader_get(rd, hs, &sl);
      double score = 0;
      int has = sv && vb_parse_number(sv, sl, &score) == VB_OK && vb_score_valid(VB_SCORE_NPS, score);
      const vb_result *r = NULL;
      vb_run_options ro = {VB_LANG_UND, VB_LANG_SV, VB_RUN_EXPLAIN};
      if (!rec->error && vb_analyzer_run(an, text ? text : "", n, &ro, &r) == VB_OK) {
        check_result(r, n);
        analysed++;
      } else {
        r = NULL;
        errors++;
      }
      if (vb_agg_add(agg, r, has, score) != VB_OK) break;
    }
    vb_table *t;
    if (vb_agg_table(agg, &t) == VB_OK) {
      FUZZ_CHECK(t->records == records && t->analysed == analysed && t->errors == errors);
      vb_table_free(t);
    }
    check_state(m, agg);
    vb_reader_free(rd);
  }
  vb_agg_free(agg);
  fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const vb_model *m = fuzz_model();
  if (!m || size > 1 << 18) return 0;
  static vb_analyzer *an;
  if (!an && vb_analyzer_new(m, &an) != VB_OK) return 0;
  if (size >= 1 && data[0] < 4) {
    static const vb_format f[] = {VB_FORMAT_CSV, VB_FORMAT_TSV, VB_FORMAT_JSONL, VB_FORMAT_TXT};
    as_file(m, an, data + 1, size - 1, f[data[0]]);
    return 0;
  }
  char *text = malloc(size * 3 + 1);
  if (!text) return 0;
  size_t n = vb_utf8_repair((const char *)data, size, text, size * 3 + 1, NULL);
  const vb_model *mb = fuzz_model_brands();
  static vb_analyzer *anb;
  if (mb && !anb && vb_analyzer_new(mb, &anb) != VB_OK) anb = NULL;
  for (int brands = 0; brands < 2; brands++) {
    const vb_model *mm = brands ? mb : m;
    vb_analyzer *aa = brands ? anb : an;
    vb_agg *agg;
    if (!mm || !aa || vb_agg_new(mm, VB_SCORE_NPS, &agg) != VB_OK) continue;
    for (int l = VB_LANG_UND; l < VB_LANG_COUNT; l++) {
      vb_run_options ro = {(vb_lang)l, VB_LANG_UND, VB_RUN_EXPLAIN};
      const vb_result *r;
      if (vb_analyzer_run(aa, text, n, &ro, &r) != VB_OK) continue;
      check_result(r, n);
      if (brands) check_switches(mm, r, n);
      vb_agg_add(agg, r, 1, (double)(size % 11));
    }
    check_state(mm, agg);
    vb_agg_free(agg);
  }
  free(text);
  return 0;
}
