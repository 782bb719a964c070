/* fuzz_lexicon.c - every lexicon format on arbitrary bytes. The first byte picks the file:
 * a user's --lexicon in each import format (detected, tsv, vader, afinn, sentida), or a data
 * folder's modifiers.tsv, emoji.tsv or Hebrew vocabulary (--data), and the language; the rest
 * is the file. The model is then used on a text of every language with explanations. */
#include "fuzz_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 1 << 16) return 0;
  static const char *const langs[] = {"en", "sv", "da", "he"};
  static const char *const fmts[] = {"", "tsv:", "vader:", "afinn:", "sentida:"};
  int kind = data[0] & 7;
  const char *lang = langs[(data[0] >> 3) & 3];
  static bool seeded;
  char path[160], rel[64];
  if (!seeded) { /* a little valence in every language, so modifiers have words to act on */
    for (int l = 0; l < 4; l++) {
      snprintf(rel, sizeof rel, "lexicons/%s/valence.tsv", langs[l]);
      static const char v[] = "good\t2\nbad\t-2\nbra\t2\ndårlig\t-2\n"
                              "\xD7\x98\xD7\x95\xD7\x91\t2\n";
      if (fuzz_put(rel, v, sizeof v - 1, path, sizeof path)) return 0;
    }
    seeded = true;
  }
  vb_model_options o = {0};
  o.no_default_codebook = 1;
  char arg[200];
  const char *lexs[1] = {arg};
  if (kind <= 4) {
    if (fuzz_put("user.lexicon", data + 1, size - 1, path, sizeof path)) return 0;
    snprintf(arg, sizeof arg, "%s:%s%s", lang, fmts[kind], path);
    o.lexicons = lexs;
    o.n_lexicons = 1;
  } else if (kind == 5) {
    snprintf(rel, sizeof rel, "lexicons/%s/modifiers.tsv", lang);
  } else if (kind == 6) {
    snprintf(rel, sizeof rel, "lexicons/emoji.tsv");
  } else {
    snprintf(rel, sizeof rel, "lexicons/he/vocab.txt");
  }
  if (kind > 4 && fuzz_put(rel, data + 1, size - 1, path, sizeof path)) return 0;
  o.data_dir = fuzz_dir;
  fuzz_load_and_run(&o);
  if (kind > 4) unlink(path); /* the folder holds only the seeded valence between inputs */
  return 0;
}
