/*
 * stem.c - one stemming interface over Snowball (Swedish, Danish, English) and the Hebrew
 * light stemmer, with a cache from key to stem.
 *
 * Snowball costs 45-115 ns per token here and feedback repeats the same few thousand word
 * forms, so each stemmer keeps a map from key to stem and stems each form once. The cache is
 * cleared when it reaches VB_STEM_CACHE_MAX forms, which bounds memory on endless streams.
 * libstemmer's header has no include guard and its stemmers are not thread-safe: it is
 * included here only, and each stemmer object belongs to one analyzer.
 */
#include <libstemmer.h>

#include "vb_text.h"

#define VB_STEM_CACHE_MAX (1u << 18)

struct vb__stemmer {
  vb_lang lang;
  struct sb_stemmer *sb;      /* Snowball, or NULL for Hebrew and unknown languages */
  const vb__he_vocab *vocab;  /* Hebrew only */
  vb__strmap cache;           /* key -> index into spans */
  struct { uint32_t off, len; } *spans;
  size_t n_spans, cap_spans;
  vb__buf stems;              /* the cached stems, back to back */
  vb__buf scratch;
};

int vb__stemmer_new(vb_lang lang, const vb__he_vocab *vocab, vb__stemmer **out) {
  vb__stemmer *st = vb__calloc(1, sizeof *st);
  if (!st) return VB_ENOMEM;
  st->lang = lang;
  st->vocab = vocab;
  vb__strmap_init(&st->cache);
  const char *algo = lang == VB_LANG_EN ? "english"
                     : lang == VB_LANG_SV ? "swedish"
                     : lang == VB_LANG_DA ? "danish"
                                          : NULL;
  if (algo) {
    st->sb = sb_stemmer_new(algo, "UTF_8");
    if (!st->sb) {
      vb__free(st);
      return VB_ENOMEM;
    }
  }
  *out = st;
  return VB_OK;
}

void vb__stemmer_free(vb__stemmer *st) {
  if (!st) return;
  if (st->sb) sb_stemmer_delete(st->sb);
  vb__strmap_free(&st->cache);
  vb__free(st->spans);
  vb__buf_free(&st->stems);
  vb__buf_free(&st->scratch);
  vb__free(st);
}

static void cache_clear(vb__stemmer *st) {
  vb__strmap_free(&st->cache);
  vb__strmap_init(&st->cache);
  st->n_spans = 0;
  st->stems.len = 0;
}

int vb__stem_once(vb__stemmer *st, const char *key, size_t len, const char **out,
                  size_t *out_len) {
  *out = key;
  *out_len = len;
  if (st->sb) {
    if (len > 0 && len < 256) {
      const sb_symbol *r = sb_stemmer_stem(st->sb, (const sb_symbol *)key, (int)len);
      if (!r) return VB_ENOMEM;
      *out = (const char *)r;
      *out_len = (size_t)sb_stemmer_length(st->sb);
    }
  } else if (st->lang == VB_LANG_HE) {
    st->scratch.len = 0;
    if (vb__he_stem(st->vocab, key, len, &st->scratch)) return VB_ENOMEM;
    *out = st->scratch.data;
    *out_len = st->scratch.len;
  }
  return VB_OK;
}

int vb__stem(vb__stemmer *st, const char *key, size_t len, const char **out, size_t *out_len) {
  uint32_t idx;
  if (vb__strmap_get(&st->cache, key, len, &idx)) {
    *out = st->stems.data + st->spans[idx].off;
    *out_len = st->spans[idx].len;
    return VB_OK;
  }
  const char *s;
  size_t n;
  int rc = vb__stem_once(st, key, len, &s, &n);
  if (rc) return rc;
  if (st->n_spans >= VB_STEM_CACHE_MAX || st->stems.len + n >= UINT32_MAX) cache_clear(st);
  if (vb__grow(&st->spans, &st->cap_spans, st->n_spans + 1, sizeof *st->spans))
    return VB_ENOMEM;
  uint32_t off = (uint32_t)st->stems.len;
  if (vb__buf_append(&st->stems, s, n)) return VB_ENOMEM;
  st->spans[st->n_spans].off = off;
  st->spans[st->n_spans].len = (uint32_t)n;
  if (vb__strmap_put(&st->cache, key, len, (uint32_t)st->n_spans, NULL, NULL)) return VB_ENOMEM;
  st->n_spans++;
  *out = st->stems.data + off;
  *out_len = n;
  return VB_OK;
}
