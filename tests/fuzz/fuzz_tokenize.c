/* fuzz_tokenize.c - the tokenizer and the normaliser alone, then the whole text pipeline
 * without lexicons (tokens, keys, stems: VB_RUN_TOKENS_ONLY) in every language.
 * The raw bytes go to the scanner first (it must survive invalid UTF-8 too); the checks run on
 * the repaired text, as the analyzer sees it: tokens in order, non-empty, inside the text, on
 * code-point boundaries, no letter or digit left between tokens, every key and stem valid
 * UTF-8. Uses the library's internal headers (vb_text.h). */
#include "fuzz.h"
#include "vb_text.h"

static bool cont(unsigned char c) { return (c & 0xC0) == 0x80; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16) return 0;
  static vb__toks toks;
  static vb__norm nz;
  static vb__buf key;
  /* raw bytes: no crash, no read past the end */
  if (vb__tokenize((const char *)data, size, &toks) != VB_OK) return 0;
  char *text = malloc(size * 3 + 1);
  if (!text) return 0;
  size_t n = vb_utf8_repair((const char *)data, size, text, size * 3 + 1, NULL);
  FUZZ_CHECK(vb_utf8_check(text, n) == n);
  if (vb__tokenize(text, n, &toks) != VB_OK) {
    free(text);
    return 0;
  }
  size_t prev = 0;
  for (size_t k = 0; k < toks.n; k++) {
    const vb__tok *t = &toks.v[k];
    FUZZ_CHECK(t->start >= prev && t->start < t->end && t->end <= n);
    FUZZ_CHECK(!cont((unsigned char)text[t->start]));
    FUZZ_CHECK(t->end == n || !cont((unsigned char)text[t->end]));
    FUZZ_CHECK(t->type < VB_TOK_TYPE_COUNT);
    for (size_t i = prev; i < t->start; i++) /* between tokens: only spaces */
      FUZZ_CHECK(!(text[i] >= 'a' && text[i] <= 'z') && !(text[i] >= 'A' && text[i] <= 'Z') &&
                 !(text[i] >= '0' && text[i] <= '9'));
    prev = t->end;
    for (unsigned flags = 0; flags <= VB_NORM_EMOJI; flags++) {
      key.len = 0;
      if (vb__normalize(&nz, text + t->start, t->end - t->start, flags, &key) != VB_OK) break;
      FUZZ_CHECK(vb_utf8_check(key.data, key.len) == key.len);
    }
  }
  for (size_t i = prev; i < n; i++)
    FUZZ_CHECK(!(text[i] >= 'a' && text[i] <= 'z') && !(text[i] >= 'A' && text[i] <= 'Z') &&
               !(text[i] >= '0' && text[i] <= '9'));
  /* the public pipeline without lexicons: keys and stems in every language */
  const vb_model *m = fuzz_model();
  static vb_analyzer *an;
  if (m && (an || vb_analyzer_new(m, &an) == VB_OK)) {
    for (int l = VB_LANG_UND; l < VB_LANG_COUNT; l++) {
      vb_run_options ro = {(vb_lang)l, VB_LANG_UND, VB_RUN_TOKENS_ONLY};
      const vb_result *r;
      if (vb_analyzer_run(an, text, n, &ro, &r) != VB_OK) continue;
      const vb_token *tk;
      size_t nt = vb_result_tokens(r, &tk);
      FUZZ_CHECK(nt == toks.n);
      for (size_t k = 0; k < nt; k++) {
        FUZZ_CHECK(tk[k].start == toks.v[k].start && tk[k].end == toks.v[k].end);
        FUZZ_CHECK(vb_utf8_check(tk[k].key, tk[k].key_len) == tk[k].key_len);
        FUZZ_CHECK(vb_utf8_check(tk[k].stem, tk[k].stem_len) == tk[k].stem_len);
      }
    }
  }
  free(text);
  return 0;
}
