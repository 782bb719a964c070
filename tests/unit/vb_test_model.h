/*
 * vb_test_model.h - helpers for the unit tests that need a vb_model built from data the test
 * writes itself (not a test: only tests/unit/test_*.c become test programs).
 *
 * A test describes a data folder as a list of (relative path, contents) pairs; the folder is
 * created under VB_TEST_TMP with vbt_data_dir(), loaded with vbt_load(), and removed with
 * vbt_remove_tree() in the group teardown. With a data_dir every built-in file is optional,
 * so a model loaded from such a folder holds exactly what the test wrote and its valences
 * are known. A test file that includes this header must define _XOPEN_SOURCE 700 before its
 * first #include (nftw, mkdir).
 */
#ifndef VB_TEST_MODEL_H
#define VB_TEST_MODEL_H

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "verbatim.h"

/* One file of a data folder: its path below the folder and its contents (NUL-terminated, or
 * `len` bytes when len is not 0, for contents that hold a NUL byte). */
typedef struct vbt_file {
  const char *rel;
  const char *text;
  size_t len;
} vbt_file;

/* Creates every missing folder of `path` (not its last component when `leaf` is 0). */
static inline int vbt_mkdirs(const char *path, int leaf) {
  char buf[1024];
  size_t n = strlen(path);
  if (n >= sizeof buf) return -1;
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] != '/' && buf[i] != '\0') continue;
    if (buf[i] == '\0' && !leaf) break;
    char c = buf[i];
    buf[i] = '\0';
    if (mkdir(buf, 0700) != 0 && errno != EEXIST) return -1;
    buf[i] = c;
  }
  return 0;
}

/* Writes `len` bytes (strlen(text) when len is 0) to `path`, creating its folders. */
static inline int vbt_write(const char *path, const char *text, size_t len) {
  if (vbt_mkdirs(path, 0)) return -1;
  FILE *fp = fopen(path, "wb");
  if (!fp) return -1;
  size_t n = len ? len : strlen(text);
  int bad = fwrite(text, 1, n, fp) != n;
  return (fclose(fp) != 0 || bad) ? -1 : 0;
}

static inline int vbt_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* Removes a folder and everything in it (nothing when it does not exist). */
static inline void vbt_remove_tree(const char *root) {
  (void)nftw(root, vbt_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Creates the folder `root` (after removing any older one) holding `files`. */
static inline int vbt_data_dir(const char *root, const vbt_file *files, size_t n) {
  vbt_remove_tree(root);
  if (vbt_mkdirs(root, 1)) return -1;
  for (size_t i = 0; i < n; i++) {
    char path[1024];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", root, files[i].rel) >= sizeof path)
      return -1;
    if (vbt_write(path, files[i].text, files[i].len)) return -1;
  }
  return 0;
}

/* Loads a model from `data_dir` (NULL: the built-in data) without the default codebook,
 * with the given codebooks and user lexicons. Returns the vb_model_load code; `err` (may be
 * NULL) receives its error. */
static inline int vbt_load(const char *data_dir, const char *const *codebooks, size_t n_cb,
                           const char *const *lexicons, size_t n_lex, vb_model **out,
                           vb_error *err) {
  vb_model_options o = {0};
  o.data_dir = data_dir;
  o.codebooks = codebooks;
  o.n_codebooks = n_cb;
  o.no_default_codebook = 1;
  o.lexicons = lexicons;
  o.n_lexicons = n_lex;
  vb_error local;
  memset(&local, 0, sizeof local);
  return vb_model_load(&o, out, err ? err : &local);
}

/* Like vbt_load, and on failure prints where (for a setup that must succeed). */
static inline int vbt_load_or_say(const char *data_dir, const char *const *codebooks,
                                  size_t n_cb, const char *const *lexicons, size_t n_lex,
                                  vb_model **out) {
  vb_error e;
  memset(&e, 0, sizeof e);
  int rc = vbt_load(data_dir, codebooks, n_cb, lexicons, n_lex, out, &e);
  if (rc) fprintf(stderr, "vb_model_load: %d %s:%ld:%ld: %s\n", rc, e.file, e.line, e.column,
                  e.message);
  return rc;
}

/* The fixture most test groups share: a model and an analyzer of it. */
typedef struct vbt_fixture {
  vb_model *m;
  vb_analyzer *an;
} vbt_fixture;

/* A new fixture at *state, its model loaded as vbt_load_or_say() loads it; -1 on failure
 * (vbt_fixture_free() frees what was made). */
static inline int vbt_fixture_new(void **state, const char *data_dir,
                                  const char *const *codebooks, size_t n_cb) {
  vbt_fixture *f = calloc(1, sizeof *f);
  *state = f;
  if (!f || vbt_load_or_say(data_dir, codebooks, n_cb, NULL, 0, &f->m) ||
      vb_analyzer_new(f->m, &f->an))
    return -1;
  return 0;
}

static inline void vbt_fixture_free(void **state) {
  vbt_fixture *f = *state;
  if (!f) return;
  vb_analyzer_free(f->an);
  vb_model_free(f->m);
  free(f);
  *state = NULL;
}

/* A test group's setup of a fixture on its own data folder (`files`) and one codebook
 * (`cb_text` written to `cb_path`), and its teardown, which also removes both. */
static inline int vbt_fixture_files(void **state, const char *data_dir, const vbt_file *files,
                                    size_t n_files, const char *cb_path, const char *cb_text) {
  const char *const cbs[] = {cb_path};
  if (vbt_data_dir(data_dir, files, n_files) || vbt_write(cb_path, cb_text, 0)) return -1;
  return vbt_fixture_new(state, data_dir, cbs, 1);
}

static inline int vbt_fixture_files_free(void **state, const char *data_dir,
                                         const char *cb_path) {
  vbt_fixture_free(state);
  vbt_remove_tree(data_dir);
  remove(cb_path);
  return 0;
}

/* Index of the first token whose text is `word`, or (size_t)-1. */
static inline size_t vbt_token_at(const char *text, const vb_token *tok, size_t n,
                                  const char *word) {
  size_t wl = strlen(word);
  for (size_t i = 0; i < n; i++)
    if (tok[i].end - tok[i].start == wl && memcmp(text + tok[i].start, word, wl) == 0) return i;
  return (size_t)-1;
}

#endif
