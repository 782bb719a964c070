/* fuzz_loaders.c - the codebook and lexicon loaders on arbitrary bytes, as user files: the
 * first byte picks codebook, valence list (TSV, VADER, AFINN, Sentida) or modifiers. The files
 * are written to a temporary folder and loaded through vb_model_load, as the CLI does. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 1 << 16) return 0;
  static char dir[64];
  if (!dir[0]) {
    snprintf(dir, sizeof dir, "/tmp/vb-fuzz-XXXXXX");
    if (!mkdtemp(dir)) return 0;
  }
  char path[128];
  snprintf(path, sizeof path, "%s/input", dir);
  FILE *fp = fopen(path, "wb");
  if (!fp) return 0;
  fwrite(data + 1, 1, size - 1, fp);
  fclose(fp);
  vb_model_options o = {0};
  o.no_default_codebook = 1;
  o.data_dir = dir; /* only the input: no built-in files in that folder */
  const char *cb[1] = {path};
  char lex[160];
  const char *lexs[1] = {lex};
  static const char *const fmts[] = {"", "tsv:", "vader:", "afinn:", "sentida:"};
  int kind = data[0] % 6;
  if (kind == 0) {
    o.codebooks = cb;
    o.n_codebooks = 1;
  } else {
    snprintf(lex, sizeof lex, "%s:%s%s", (data[0] & 0x80) ? "he" : "sv", fmts[kind - 1], path);
    o.lexicons = lexs;
    o.n_lexicons = 1;
  }
  vb_model *m;
  vb_error err;
  if (vb_model_load(&o, &m, &err) == VB_OK) {
    vb_analyzer *an;
    if (vb_analyzer_new(m, &an) == VB_OK) {
      const vb_result *r;
      vb_run_options ro = {VB_LANG_SV, VB_LANG_UND, VB_RUN_EXPLAIN};
      vb_analyzer_run(an, "leveransen var inte bra men personalen var snäll", 49, &ro, &r);
      vb_analyzer_free(an);
    }
    vb_model_free(m);
  } else if (err.message[0] == '\0') {
    __builtin_trap(); /* every failure says why */
  }
  unlink(path);
  return 0;
}
