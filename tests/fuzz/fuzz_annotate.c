/* fuzz_annotate.c - the whole analysis on arbitrary bytes: repaired to UTF-8 as the reader
 * does, then analysed in each language and with identification, with explanations, and the
 * results aggregated. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const vb_model *m = fuzz_model();
  if (!m || size > 1 << 20) return 0;
  static vb_analyzer *an;
  if (!an && vb_analyzer_new(m, &an) != VB_OK) return 0;
  char *text = malloc(size * 3 + 1);
  if (!text) return 0;
  size_t n = vb_utf8_repair((const char *)data, size, text, size * 3 + 1, NULL);
  vb_agg *agg;
  if (vb_agg_new(m, VB_SCORE_NPS, &agg) == VB_OK) {
    for (int l = VB_LANG_UND; l < VB_LANG_COUNT; l++) {
      vb_run_options ro = {(vb_lang)l, VB_LANG_UND, VB_RUN_EXPLAIN};
      const vb_result *r;
      if (vb_analyzer_run(an, text, n, &ro, &r) != VB_OK) continue;
      const vb_sentiment *s = vb_result_sentiment(r);
      if (!(s->score >= -1 && s->score <= 1)) __builtin_trap();
      const vb_mention *me;
      size_t nm = vb_result_mentions(r, &me);
      for (size_t i = 0; i < nm; i++)
        if (me[i].start > me[i].end || me[i].end > n) __builtin_trap();
      vb_agg_add(agg, r, 1, (double)(size % 11));
    }
    char *state;
    size_t len;
    if (vb_agg_save(agg, &state, &len) == VB_OK) {
      vb_agg *back;
      if (vb_agg_load(m, state, len, &back, NULL) != VB_OK) __builtin_trap(); /* own state reads */
      vb_agg_free(back);
      vb_free(state);
    }
    vb_agg_free(agg);
  }
  free(text);
  return 0;
}
