/*
 * vb_stems.h - the stems of the built-in data, computed at build time.
 *
 * Loading the model stems every word of every lexicon and codebook entry (Snowball, and the
 * Hebrew stemmer with its vocabulary), which was a third of the load. Those words are fixed
 * when the library is built, so the build runs the loader once (gen_stems.c, linked without
 * this table), records every (language, key) it stemmed with the stem it got, and writes them
 * as a table (vb_stems.c in the build folder). The loader then takes a key's stem from the
 * table and stems only keys the table lacks (the user's own lexicons and codebooks).
 *
 * The table is a cache of a pure function of the key: the stemmers are the same code, and
 * the Hebrew stemmer's vocabulary is the built-in lexicons/he/vocab.txt, so the table is used
 * only when the built-in data is (no data folder). tests/unit/test_stemtab.c stems every entry
 * again and compares, and compares models loaded with and without the table.
 */
#ifndef VB_STEMS_H
#define VB_STEMS_H

#include <stdint.h>

#include "vb_internal.h"

typedef struct vb__stem_entry {
  uint32_t key_off, stem_off; /* into text */
  uint16_t key_len, stem_len;
  uint8_t lang;
} vb__stem_entry;

typedef struct vb__stemtab {
  const char *text;             /* keys and stems back to back */
  const vb__stem_entry *entries;
  uint32_t n_entries;
  const uint32_t *slots;        /* open addressing: entry index + 1, 0 for an empty slot */
  uint32_t mask;                /* slots - 1 (a power of two less one), 0 when empty */
} vb__stemtab;

/* The table built into the library (an empty one in the generator). */
extern const vb__stemtab vb__builtin_stems;

/* The slot a key starts its probe at, from the key's vb__hash() `kh`. */
static inline uint32_t vb__stemtab_start_h(vb_lang lang, uint64_t kh, uint32_t mask) {
  uint64_t h = kh ^ ((uint64_t)lang * 0x9E3779B97F4A7C15ULL);
  return (uint32_t)(h ^ (h >> 32)) & mask;
}
static inline uint32_t vb__stemtab_start(vb_lang lang, const char *key, size_t len,
                                         uint32_t mask) {
  return vb__stemtab_start_h(lang, vb__hash(key, len), mask);
}

/* The stem of (lang, key) from the table, or false when it is not there; `kh` is the key's
 * vb__hash() (the loader has it already). */
static inline bool vb__stemtab_get_h(const vb__stemtab *t, vb_lang lang, const char *key,
                                     size_t len, uint64_t kh, const char **stem,
                                     size_t *stem_len) {
  if (!t || t->mask == 0) return false;
  for (uint32_t i = vb__stemtab_start_h(lang, kh, t->mask);; i = (i + 1) & t->mask) {
    uint32_t s = t->slots[i];
    if (s == 0) return false;
    const vb__stem_entry *e = &t->entries[s - 1];
    if (e->lang == (uint8_t)lang && e->key_len == len && memcmp(t->text + e->key_off, key, len) == 0) {
      *stem = t->text + e->stem_off;
      *stem_len = e->stem_len;
      return true;
    }
  }
}
static inline bool vb__stemtab_get(const vb__stemtab *t, vb_lang lang, const char *key,
                                   size_t len, const char **stem, size_t *stem_len) {
  return vb__stemtab_get_h(t, lang, key, len, vb__hash(key, len), stem, stem_len);
}

/* model.c: called for every key the loader stems itself (not found in the table); the
 * generator sets it to collect the table. NULL otherwise. */
extern void (*vb__model_stem_hook)(void *ctx, vb_lang lang, const char *key, size_t key_len,
                                   const char *stem, size_t stem_len);
extern void *vb__model_stem_hook_ctx;
/* Tests: false loads without the table. */
void vb__model_use_stemtab(bool on);

#endif
