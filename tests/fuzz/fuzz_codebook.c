/* fuzz_codebook.c - the codebook loader on arbitrary bytes, as a user's --codebook file
 * (sections, labels, terms with '*', exclusions, PCRE2 patterns: compiled, their literals
 * extracted, and run under the match limits on the texts of fuzz_files.h). The model has no
 * other data, so the codebook alone is under test. An input whose first byte is 1, 2 or 3 is
 * the rest of it as a LIWC .dic, a YAML dictionary or a brand list (.brands), rewritten as
 * codebook text first; any other input is our format (so the corpus of before keeps its
 * meaning). A brand list is also redacted as a text with the model it made (its terms are no
 * names): valid UTF-8 out. */
#include "fuzz_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16) return 0;
  static const char *const names[] = {"user.codebook", "user.dic", "user.yml", "user.brands"};
  size_t kind = size && data[0] >= 1 && data[0] <= 3 ? data[0] : 0;
  if (kind) {
    data++;
    size--;
  }
  char path[128];
  if (fuzz_put(names[kind], data, size, path, sizeof path)) return 0;
  vb_model_options o = {0};
  o.no_default_codebook = 1;
  o.data_dir = fuzz_dir; /* holds only the input: no built-in lexicons, no codebook */
  const char *cb[1] = {path};
  o.codebooks = cb;
  o.n_codebooks = 1;
  fuzz_load_and_run_text(&o, kind == 3 ? data : NULL, size); /* (brand lists: redacted too) */
  return 0;
}
