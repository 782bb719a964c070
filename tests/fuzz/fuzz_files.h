/* fuzz_files.h - for the loader targets: a private data folder, written once per process,
 * into which each input is written as the file under test (the loaders read files, as the
 * CLI's --codebook, --lexicon and --data do). */
#ifndef VB_FUZZ_FILES_H
#define VB_FUZZ_FILES_H
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* nftw */
#endif
#include "fuzz.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

static char fuzz_dir[64];

static inline int fuzz_rm_one(const char *path, const struct stat *st, int flag, struct FTW *f) {
  (void)st, (void)flag, (void)f;
  return remove(path);
}

/* The folder goes when the process ends (a replay run or a fuzzing session), files first. */
static inline void fuzz_rm_dir(void) {
  if (fuzz_dir[0]) nftw(fuzz_dir, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes `len` bytes to DIR/rel (folders made as needed) and fills `path`. */
static inline int fuzz_put(const char *rel, const void *data, size_t len, char *path,
                           size_t cap) {
  if (!fuzz_dir[0]) {
    snprintf(fuzz_dir, sizeof fuzz_dir, "/tmp/vb-fuzz-XXXXXX");
    if (!mkdtemp(fuzz_dir)) {
      fuzz_dir[0] = '\0';
      return -1;
    }
    atexit(fuzz_rm_dir);
  }
  snprintf(path, cap, "%s/%s", fuzz_dir, rel);
  for (char *s = path + strlen(fuzz_dir) + 1; *s; s++)
    if (*s == '/') {
      *s = '\0';
      mkdir(path, 0700);
      *s = '/';
    }
  FILE *fp = fopen(path, "wb");
  if (!fp) return -1;
  size_t w = fwrite(data, 1, len, fp);
  return fclose(fp) == 0 && w == len ? 0 : -1;
}

/* A few texts in every language that reach terms, phrases, negation, patterns and emoji. */
static const char *const fuzz_texts[] = {
    "The delivery was not good but the staff were very helpful!! 12 days late :( \xF0\x9F\x98\xA1",
    "Leveransen var inte bra men personalen var jättetrevlig, väntade 3 veckor",
    "Pakken kom ikke, kundeservice var rigtig dårlig men prisen var kæmpegod :-)",
    "\xD7\x94\xD7\x9E\xD7\xA9\xD7\x9C\xD7\x95\xD7\x97 \xD7\x9C\xD7\x90 \xD7\x94\xD7\x92\xD7\x99"
    "\xD7\xA2 \xD7\x90\xD7\x91\xD7\x9C \xD7\x94\xD7\xA9\xD7\x99\xD7\xA8\xD7\x95\xD7\xAA \xD7\x98"
    "\xD7\x95\xD7\x91",
};

/* Loads a model from `o`; when it loads, analyses the texts with explanations in each
 * language. A failure must carry its code and a message. */
static inline void fuzz_load_and_run_text(const vb_model_options *o, const uint8_t *text,
                                          size_t text_len) {
  vb_model *m;
  vb_error err;
  memset(&err, 0, sizeof err);
  int rc = vb_model_load(o, &m, &err);
  if (rc != VB_OK) {
    FUZZ_CHECK(rc < 0 && err.code == rc && err.message[0] != '\0');
    return;
  }
  /* the input itself redacted with the model's names (a brand list's terms are none):
   * valid UTF-8 out */
  if (text && vb_utf8_check((const char *)text, text_len) == text_len) {
    char *red;
    size_t rl;
    if (vb_model_redact(m, (const char *)text, text_len, VB_REDACT_ALL | VB_REDACT_NAME, &red,
                        &rl, NULL) == VB_OK)
      FUZZ_CHECK(vb_utf8_check(red, rl) == rl && red[rl] == '\0');
    vb_free(red);
  }
  vb_analyzer *an;
  if (vb_analyzer_new(m, &an) == VB_OK) {
    for (size_t i = 0; i < sizeof fuzz_texts / sizeof fuzz_texts[0]; i++) {
      vb_run_options ro = {i < 3 ? (vb_lang)(VB_LANG_EN + i) : VB_LANG_HE, VB_LANG_UND,
                           VB_RUN_EXPLAIN};
      const vb_result *r;
      if (vb_analyzer_run(an, fuzz_texts[i], strlen(fuzz_texts[i]), &ro, &r) == VB_OK) {
        const vb_sentiment *s = vb_result_sentiment(r);
        FUZZ_CHECK(s->score >= -1 && s->score <= 1);
      }
    }
    vb_analyzer_free(an);
  }
  vb_model_free(m);
}

static inline void fuzz_load_and_run(const vb_model_options *o) {
  fuzz_load_and_run_text(o, NULL, 0);
}
#endif
