/*
 * analyzer.c - one document through the pipeline: tokens, keys, language, stems, sentences
 * and clauses, then sentiment and themes.
 *
 * Everything is written into buffers the analyzer owns and reuses, so analysing a document
 * allocates nothing once the buffers have grown to the size of the largest document seen.
 * With the language given, the front (keys, stems, sentences and clauses) is one pass over the
 * tokenizer's output that writes each vb_token once, its key and stem as pointers into buffers
 * that do not move during the document (stable_append()).
 */
#include <assert.h>

#include "vb_analyzer.h"

static void release_retired(vb_analyzer *an);

int vb_analyzer_new(const vb_model *model, vb_analyzer **out) {
  if (!model || !out) return VB_EINVAL;
  vb_analyzer *an = vb__calloc(1, sizeof *an);
  if (!an) return VB_ENOMEM;
  an->model = model;
  int rc = vb__langid_new(&an->langid);
  if (rc == VB_OK) {
    an->md = pcre2_match_data_create(32, NULL);
    an->mctx = pcre2_match_context_create(NULL);
    if (!an->md || !an->mctx) rc = VB_ENOMEM;
  }
  if (rc == VB_OK) {
    vb__strmap_init(&an->belief);
    rc = vb__sentiment_init(an);
  }
  if (rc == VB_OK) {
    /* No user pattern may hang a run: bound backtracking and recursion depth. */
    pcre2_set_match_limit(an->mctx, 1000000);
    pcre2_set_depth_limit(an->mctx, 10000);
    pcre2_set_heap_limit(an->mctx, 20000); /* KiB */
  }
  if (rc) {
    vb_analyzer_free(an);
    return rc;
  }
  *out = an;
  return VB_OK;
}

void vb_analyzer_free(vb_analyzer *an) {
  if (!an) return;
  vb__free(an->fslot);
  vb__free(an->form);
  vb__buf_free(&an->form_text);
  vb__free(an->form_of);
  for (int l = 0; l < VB_LANG_COUNT; l++) vb__free(an->lform[l]);
  vb__free(an->tf_list);
  vb__free(an->toks.v);
  vb__norm_free(&an->norm);
  vb__buf_free(&an->arena);
  vb__buf_free(&an->nscratch);
  release_retired(an);
  vb__free(an->retired);
  for (int l = 0; l < VB_LANG_COUNT; l++) vb__stemmer_free(an->stem[l]);
  vb__langid_free(an->langid);
  vb__free(an->lid_keys);
  vb__free(an->lid_lens);
  vb__free(an->lid_masks);
  vb__free(an->matches);
  vb__free(an->weights);
  pcre2_match_data_free(an->md);
  pcre2_match_context_free(an->mctx);
  vb__buf_free(&an->scratch);
  vb__buf_free(&an->folded);
  vb__free(an->lit_seen);
  vb__free(an->lit_found);
  vb__free(an->khash);
  vb__free(an->sent_lists);
  vb__strmap_free(&an->belief);
  vb__free(an->excl);
  vb__free(an->dup_slots);
  vb__free(an->held);
  for (int l = 0; l < VB_LANG_COUNT; l++) vb__free(an->tcache[l]);
  vb__free(an->phcache);
  vb__free(an->shash);
  vb__free(an->res.sentences);
  vb__free(an->res.sums);
  vb__free(an->res.clauses);
  vb__free(an->res.mentions);
  vb__free(an->res.switches);
  vb__free(an->res.explain);
  vb__free(an);
}

int vb__analyzer_stemmer(vb_analyzer *an, vb_lang lang, vb__stemmer **out) {
  if (lang <= VB_LANG_UND || lang >= VB_LANG_COUNT) {
    *out = NULL;
    return VB_OK;
  }
  if (!an->stem[lang]) {
    int rc = vb__stemmer_new(lang, an->model->he_vocab, &an->stem[lang]);
    if (rc) return rc;
  }
  *out = an->stem[lang];
  return VB_OK;
}

/* The form table: open addressing with linear probing, at most half full. Most words are 16
 * bytes or shorter: their bytes are read in two overlapping loads (form_words()), which a slot
 * keeps, so a lookup compares two words instead of the bytes, and hashes them with one
 * multiplication (vb__hash mixes every eight bytes and then twice more, which costs as much as
 * the rest of a lookup). For up to 16 bytes the two words and the length are the bytes; longer
 * forms are compared in form_text. */
static VB__INLINE void form_words(const char *s, size_t n, uint64_t *a, uint64_t *b) {
  const unsigned char *p = (const unsigned char *)s;
  if (n >= 8) {
    memcpy(a, p, 8);
    memcpy(b, p + n - 8, 8);
  } else if (n >= 4) {
    uint32_t x, y;
    memcpy(&x, p, 4);
    memcpy(&y, p + n - 4, 4);
    *a = x;
    *b = y;
  } else {
    assert(n > 0); /* a token has a byte at least */
    *a = (uint64_t)p[0] | (uint64_t)p[n / 2] << 8 | (uint64_t)p[n - 1] << 16;
    *b = 0;
  }
}

static VB__INLINE uint64_t form_hash(const char *s, size_t n, uint64_t a, uint64_t b) {
  if (n > 16) return vb__hash(s, n);
  __uint128_t r = (__uint128_t)(a ^ 0xA0761D6478BD642FULL ^ n) * (b ^ 0xE7037ED1A0B428DBULL);
  return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static int form_slots_grow(vb_analyzer *an) {
  size_t n = an->n_fslot ? an->n_fslot * 2 : 4096;
  struct vb__fslot *v = vb__calloc(n, sizeof *v);
  if (!v) return VB_ENOMEM;
  for (size_t k = 0; an->fslot && k < an->n_fslot; k++) {
    if (!an->fslot[k].idx) continue;
    size_t j = an->fslot[k].h & (n - 1);
    while (v[j].idx) j = (j + 1) & (n - 1);
    v[j] = an->fslot[k];
  }
  vb__free(an->fslot);
  an->fslot = v;
  an->n_fslot = n;
  return VB_OK;
}

/* Keys and stems are handed out as pointers while the document is still being read: a token's
 * key points into form_text (the forms' keys and stems) or arena (the keys of emoji and
 * emoticons) as soon as it is known. Neither buffer moves what it holds during a document: a
 * full one is copied into one twice as big and the old one is kept (an->retired) until the
 * next document begins, so the tokens written before still point at the same bytes. The
 * forms' offsets stay below VB__FORM_TEXT_MAX; the table starts over at half of it. */
#define VB__FORM_TEXT_MAX 0x80000000u

static void release_retired(vb_analyzer *an) {
  for (size_t k = 0; k < an->n_retired; k++) vb__free(an->retired[k]);
  an->n_retired = 0;
}

static int stable_append(vb_analyzer *an, vb__buf *b, const char *s, size_t n) {
  if (n >= b->cap - b->len) { /* no room for the bytes and a NUL */
    if (n > SIZE_MAX / 4 - b->len) return VB_ENOMEM;
    size_t cap = b->cap ? b->cap * 2 : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    if (vb__grow(&an->retired, &an->cap_retired, an->n_retired + 1, sizeof *an->retired))
      return VB_ENOMEM;
    char *d = vb__malloc(cap);
    if (!d) return VB_ENOMEM;
    if (b->len) memcpy(d, b->data, b->len);
    if (b->data) an->retired[an->n_retired++] = b->data;
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
  return VB_OK;
}

/* In a form's surf_len: the form of an emoji token, its key normalised with VB_NORM_EMOJI (a
 * form's bytes stay below VB__FORM_TEXT_MAX). The same bytes never make another kind of token,
 * but the tag keeps the two keys apart if they ever did. */
#define VB__FORM_EMOJI 0x80000000u

/* A new form for the bytes w[0..n) (not in the table; form_words() a, b, hash h; `emoji` 0 or
 * VB__FORM_EMOJI): its key normalised and both added to form_text. */
static VB__COLD int form_add(vb_analyzer *an, const char *w, size_t n, uint32_t emoji, uint64_t a,
                             uint64_t b, uint64_t h, uint32_t *out) {
  /* at most half full: room first, then the empty slot the lookup ended at */
  if ((an->n_form + 1) * 2 > an->n_fslot && form_slots_grow(an)) return VB_ENOMEM;
  size_t mask = an->n_fslot - 1, j = (size_t)h & mask;
  while (an->fslot[j].idx) j = (j + 1) & mask;
  an->nscratch.len = 0;
  int rc = vb__normalize(&an->norm, w, n, emoji ? VB_NORM_EMOJI : 0, &an->nscratch);
  if (rc) return rc;
  size_t kl = an->nscratch.len;
  if (an->form_text.len + n + kl + 1 >= VB__FORM_TEXT_MAX) return VB_ENOMEM; /* a 1 GB document */
  if (vb__grow(&an->form, &an->cap_form, an->n_form + 1, sizeof *an->form)) return VB_ENOMEM;
  vb__form *f = &an->form[an->n_form];
  f->surf_off = (uint32_t)an->form_text.len;
  f->surf_len = (uint32_t)n | emoji;
  f->key_off = (uint32_t)(an->form_text.len + n);
  f->key_len = (uint32_t)kl;
  f->khash = vb__hash(an->nscratch.data, kl);
  for (int l = 0; l < VB_LANG_COUNT; l++) {
    f->stem_len[l] = VB__FORM_UNSET;
    f->contrast[l] = 0;
  }
  f->lid_set = 0;
  f->elong = !emoji && vb__word_elongated(w, n) ? VB_TOKF_ELONGATED : 0;
  /* the key with its NUL: callers may read a key as a C string */
  if (stable_append(an, &an->form_text, w, n) ||
      stable_append(an, &an->form_text, an->nscratch.data, kl + 1))
    return VB_ENOMEM;
  *out = (uint32_t)an->n_form++;
  an->fslot[j] = (struct vb__fslot){a, b, (uint32_t)h, *out + 1};
  return VB_OK;
}

/* The form of the bytes w[0..n) (a token whose key depends only on its bytes: words, numbers,
 * punctuation, URLs ..., and with `emoji` VB__FORM_EMOJI emoji), from the table or added. */
static VB__INLINE int form_find(vb_analyzer *an, const char *w, size_t n, uint32_t emoji,
                                uint32_t *out) {
  uint64_t a, b;
  form_words(w, n, &a, &b);
  uint64_t h = form_hash(w, n, a, b);
  size_t mask = an->n_fslot - 1;
  /* two loops, so that the one of most forms does not ask each slot whether the form is
   * longer; a call left in the loop, even one never made, cost the whole front loop registers
   * (-5.1 M instructions of 152.7 M in the front on English) */
  if (n <= 16) {
    for (size_t j = (size_t)h & mask; an->fslot[j].idx; j = (j + 1) & mask) {
      const struct vb__fslot *s = &an->fslot[j];
      if (s->a == a && s->b == b && an->form[s->idx - 1].surf_len == (n | emoji)) {
        *out = s->idx - 1;
        return VB_OK;
      }
    }
  } else {
    /* (a form's length holds the emoji tag in its top bit: no form is that long, and no token
     * may be either, or it could pass for an emoji's form) */
    if (n >= VB__FORM_TEXT_MAX) return VB_ENOMEM;
    for (size_t j = (size_t)h & mask; an->fslot[j].idx; j = (j + 1) & mask) {
      const struct vb__fslot *s = &an->fslot[j];
      const vb__form *f = &an->form[s->idx - 1];
      if (s->a == a && s->b == b && f->surf_len == (n | emoji) &&
          memcmp(an->form_text.data + f->surf_off, w, n) == 0) {
        *out = s->idx - 1;
        return VB_OK;
      }
    }
  }
  return form_add(an, w, n, emoji, a, b, h, out);
}

/* vb__lform_of() for a form not yet in the language's table: the table grown to every form,
 * the new records zeroed. */
vb__lform *vb__lform_grow(vb_analyzer *an, size_t i) {
  vb_lang lang = an->res.lang;
  uint32_t fi = an->form_of[i];
  if (fi == UINT32_MAX) return NULL; /* every word token has a form (token_key) */
  if (fi >= an->n_lform[lang]) {
    if (vb__grow(&an->lform[lang], &an->cap_lform[lang], an->n_form, sizeof *an->lform[lang]))
      return NULL;
    memset(&an->lform[lang][an->n_lform[lang]], 0,
           (an->n_form - an->n_lform[lang]) * sizeof *an->lform[lang]);
    an->n_lform[lang] = an->n_form;
  }
  return &an->lform[lang][fi];
}

/* Before a document (tokenized): the form table (started over when full), room for its tokens
 * in the per-token arrays, no key of the last document kept. */
static int front_begin(vb_analyzer *an, size_t n) {
  release_retired(an);
  an->arena.len = 0;
  if (an->n_form >= VB__FORM_MAX || an->form_text.len >= VB__FORM_TEXT_MAX / 2) { /* start over */
    if (an->fslot) memset(an->fslot, 0, an->n_fslot * sizeof *an->fslot);
    an->n_form = 0;
    an->form_text.len = 0;
    for (int l = 0; l < VB_LANG_COUNT; l++) an->n_lform[l] = 0;
    an->n_tf_list = 0;
    /* its entries name forms by number */
    if (an->phcache) memset(an->phcache, 0, sizeof *an->phcache << VB_PHRASE_CACHE_BITS);
  }
  if (!an->fslot && form_slots_grow(an)) return VB_ENOMEM;
  if (n > an->cap_front) {
    size_t cap_fo = an->cap_front, cap_k = an->cap_front, cap_s = an->cap_front;
    if (vb__grow(&an->form_of, &cap_fo, n, sizeof *an->form_of) ||
        vb__grow(&an->khash, &cap_k, n, sizeof *an->khash) ||
        vb__grow(&an->shash, &cap_s, n, sizeof *an->shash))
      return VB_ENOMEM;
    an->cap_front = n;
  }
  an->res.tokens = an->toks.v; /* the tokenizer's vb_token array, filled in here */
  return VB_OK;
}

/* The key of emoji and emoticon token i: an emoji's from its form (VB__FORM_EMOJI), an
 * emoticon's (which depends on more than its bytes) made in the arena. */
static VB__COLD int emoji_key(vb_analyzer *an, const char *text, size_t i, vb_token *o) {
  const char *w = text + o->start;
  size_t n = o->end - o->start;
  an->form_of[i] = UINT32_MAX;
  int rc;
  if (o->type == VB_TOK_EMOJI) {
    uint32_t fi;
    if ((rc = form_find(an, w, n, VB__FORM_EMOJI, &fi))) return rc;
    const vb__form *f = &an->form[fi];
    o->key = o->stem = an->form_text.data + f->key_off;
    o->key_len = o->stem_len = f->key_len;
    an->khash[i] = f->khash;
    return VB_OK;
  }
  an->nscratch.len = 0;
  if (*w == '&') { /* "&lt;3" is "<3" */
    rc = vb__buf_putc(&an->nscratch, '<');
    if (!rc) rc = vb__buf_append(&an->nscratch, w + 4, n - 4);
  } else {
    /* case-folded as the emoji table's keys are: ":D" and "XD" are ":d" and "xd" there */
    rc = vb__buf_append(&an->nscratch, w, n);
    for (size_t q = 0; !rc && q < an->nscratch.len; q++)
      an->nscratch.data[q] = (char)vb__ascii_lower((unsigned char)an->nscratch.data[q]);
  }
  size_t off = an->arena.len, kl = an->nscratch.len;
  if (rc || (rc = stable_append(an, &an->arena, an->nscratch.data, kl + 1))) return rc;
  o->key = o->stem = an->arena.data + off;
  o->key_len = o->stem_len = kl;
  an->khash[i] = vb__hash(o->key, kl);
  return VB_OK;
}

/* Token i (span and type from the tokenizer) with its key, an->khash[i] and an->form_of[i];
 * the stem is the key until token_stem(). Returns its form when it is a word, else NULL (in
 * *word, valid until the next form is added). */
static VB__INLINE int token_key(vb_analyzer *an, const char *text, size_t i, vb_token *o,
                                vb__form **word) {
  o->valence = 0;
  *word = NULL;
  if (o->type == VB_TOK_EMOJI || o->type == VB_TOK_EMOTICON) return emoji_key(an, text, i, o);
  uint32_t fi;
  int rc = form_find(an, text + o->start, o->end - o->start, 0, &fi);
  if (rc) return rc;
  vb__form *f = &an->form[fi];
  o->key = o->stem = an->form_text.data + f->key_off;
  o->key_len = o->stem_len = f->key_len;
  an->khash[i] = f->khash;
  an->form_of[i] = UINT32_MAX;
  if (o->type == VB_TOK_WORD) {
    an->form_of[i] = fi;
    *word = f;
    o->flags |= f->elong; /* vb__tokenize_forms() */
  }
  return VB_OK;
}

/* The stem of a form in the language, stemmed once and kept in form_text (or the key itself),
 * and whether the language's lexicon calls it a contrast word. */
static VB__COLD int form_stem(vb_analyzer *an, vb__stemmer *st, vb_lang lang, vb__form *f) {
  const char *stem;
  size_t sl;
  int rc = vb__stem_once(st, an->form_text.data + f->key_off, f->key_len, &stem, &sl);
  if (rc) return rc;
  if (sl == f->key_len && memcmp(stem, an->form_text.data + f->key_off, sl) == 0) {
    f->stem_off[lang] = VB__FORM_SAME;
    f->shash[lang] = f->khash;
  } else {
    if (an->form_text.len + sl + 1 >= VB__FORM_TEXT_MAX) return VB_ENOMEM;
    f->stem_off[lang] = (uint32_t)an->form_text.len;
    f->shash[lang] = vb__hash(stem, sl);
    if (stable_append(an, &an->form_text, stem, sl + 1)) return VB_ENOMEM;
  }
  f->stem_len[lang] = (uint32_t)sl;
  /* and whether it is a contrast word of the language (segment_token()) */
  const vb__lexentry *e = vb__lexicon_get_h(&an->model->lex[lang], an->form_text.data + f->key_off,
                                            f->key_len, f->khash);
  f->contrast[lang] = e && e->kind == VB_LEX_CONTRAST ? 2 : 1;
  return VB_OK;
}

/* Token i's stem (a word's, through its form `word`: each form is stemmed once per language)
 * and its hash in an->shash[i]; other tokens' stems are their keys. */
static VB__INLINE int token_stem(vb_analyzer *an, vb__stemmer *st, vb_lang lang, size_t i,
                                 vb_token *o, vb__form *word) {
  if (!st || !word) {
    an->shash[i] = an->khash[i];
    return VB_OK;
  }
  if (word->stem_len[lang] == VB__FORM_UNSET) {
    int rc = form_stem(an, st, lang, word);
    if (rc) return rc;
  }
  an->shash[i] = word->shash[lang];
  if (word->stem_off[lang] != VB__FORM_SAME) { /* else stem == key: shared */
    o->stem = an->form_text.data + word->stem_off[lang];
    o->stem_len = word->stem_len[lang];
  }
  return VB_OK;
}

/* The lexicons are each language's vocabulary: a word that only one or two of sv, da, en
 * know is evidence for them (half a vote, shared), which decides many short answers
 * ("toppen", "helt okej upplevelse") that function words alone leave undecided. A word the
 * function-word lists give to some languages votes through the lexicons only for those:
 * Danish "hun" (she) is English slang in the English lexicon. The languages (bits 1 << l)
 * whose lexicon votes for word token i; kept with its form. */
static VB__INLINE unsigned lexicon_votes(vb_analyzer *an, size_t i, vb__form *f,
                                         uint32_t *words) {
  if (f && f->lid_set) {
    *words = f->lid_words;
    return f->lid_known;
  }
  const char *key = an->res.tokens[i].key;
  size_t len = an->res.tokens[i].key_len;
  *words = vb__langid_word(an->langid, key, len);
  uint32_t listed = *words & ((1u << VB_LANG_EN) | (1u << VB_LANG_SV) | (1u << VB_LANG_DA));
  unsigned known = 0;
  for (int l = VB_LANG_EN; l <= VB_LANG_DA; l++)
    if ((!listed || (listed >> l & 1)) &&
        vb__lexicon_get_h(&an->model->lex[l], key, len, an->khash[i]))
      known |= 1u << l;
  if (f) {
    f->lid_known = (uint8_t)known;
    f->lid_words = *words;
    f->lid_set = 1;
  }
  return known;
}

/* Language identification's view of the words: key, length and word-list mask of each word
 * token in an->lid_*, and the lexicons' votes in quarters of a vote per language. */
typedef struct lid_words {
  size_t n;
  uint32_t q[VB_LANG_COUNT];
} lid_words;

static VB__INLINE void lid_add(vb_analyzer *an, size_t i, const vb_token *o, vb__form *word,
                               lid_words *w) {
  /* Quarters of a vote for en, sv, da by the lexicons that know a word (bits 0 en, 1 sv,
   * 2 da): half a vote for one, a quarter each for two, none for all three. */
  static const uint8_t quarters[8][3] = {{0, 0, 0}, {2, 0, 0}, {0, 2, 0}, {1, 1, 0},
                                         {0, 0, 2}, {1, 0, 1}, {0, 1, 1}, {0, 0, 0}};
  _Static_assert(VB_LANG_SV == VB_LANG_EN + 1 && VB_LANG_DA == VB_LANG_EN + 2, "en sv da in a row");
  an->lid_keys[w->n] = o->key;
  an->lid_lens[w->n] = o->key_len;
  const uint8_t *q = quarters[lexicon_votes(an, i, word, &an->lid_masks[w->n]) >> VB_LANG_EN & 7];
  w->n++;
  w->q[VB_LANG_EN] += q[0];
  w->q[VB_LANG_SV] += q[1];
  w->q[VB_LANG_DA] += q[2];
}

/* What a punctuation token ends: 2 a sentence (. ! ? … and the Hebrew sof pasuq), 1 a clause
 * (, ; : ( ) and the dashes — –), 0 neither. */
static VB__INLINE int punct_ends(const char *text, const vb_token *t) {
  const char *p = text + t->start;
  size_t n = t->end - t->start;
  switch ((unsigned char)*p) {
  case '.': case '!': case '?':
    return 2;
  case ',': case ';': case ':': case '(': case ')':
    return 1;
  case 0xE2:
    if (n != 3) return 0;
    if (memcmp(p, "\xE2\x80\xA6", 3) == 0) return 2; /* … */
    return memcmp(p, "\xE2\x80\x94", 3) == 0 || memcmp(p, "\xE2\x80\x93", 3) == 0;
  case 0xD7:
    return n == 2 && (unsigned char)p[1] == 0x83 ? 2 : 0; /* U+05C3 */
  default:
    return 0;
  }
}

static inline int push_span(vb_span **v, size_t *n, size_t *cap, size_t start, size_t end,
                            size_t tb, size_t te) {
  if (vb__grow(v, cap, *n + 1, sizeof **v)) return VB_ENOMEM;
  (*v)[(*n)++] = (vb_span){start, end, tb, te, 0.0};
  return VB_OK;
}

/* Sentences end at . ! ? … and at line breaks; clauses also at , ; : dashes and before a
 * contrast word of the document's language. Each token is placed when the one after it has
 * its key: what the token before it ends (`ends`, punct_ends()) and the token itself decide
 * whether a clause or sentence ends between them. */
typedef struct segmenter {
  vb_lang lang; /* the document's */
  size_t s_begin, c_begin;
  int ends;
} segmenter;

static VB__INLINE int segment_token(vb_analyzer *an, segmenter *sg, const char *text, size_t i,
                                   vb_token *o, vb__form *word) {
  vb_result *r = &an->res;
  /* what ends before the token: 2 a sentence (the token before ends one, or a line break
   * comes between), 1 a clause (the token before ends one, or the token is a contrast word,
   * "but", "men", "אבל": form_stem() asked the lexicon), 0 neither: most tokens, one test */
  int brk = sg->ends | (o->flags & VB__TOKF_LINE ? 2 : 0) | (word && word->contrast[sg->lang] == 2);
  if (brk) {
    o->flags &= (uint16_t)~VB__TOKF_LINE;
    if (i > 0) { /* nothing to end before the first token */
      size_t end = o[-1].end;
      if (push_span(&r->clauses, &r->n_clauses, &r->cap_clauses, r->tokens[sg->c_begin].start, end,
                    sg->c_begin, i))
        return VB_ENOMEM;
      sg->c_begin = i;
      if (brk & 2) {
        if (push_span(&r->sentences, &r->n_sentences, &r->cap_sentences,
                      r->tokens[sg->s_begin].start, end, sg->s_begin, i))
          return VB_ENOMEM;
        sg->s_begin = i;
      }
    }
  }
  o->sentence = (uint32_t)r->n_sentences;
  o->clause = (uint32_t)r->n_clauses;
  sg->ends = o->type == VB_TOK_PUNCT ? punct_ends(text, o) : 0;
  return VB_OK;
}

/* The last token ends its clause and sentence. */
static int segment_end(vb_analyzer *an, const segmenter *sg, size_t n) {
  vb_result *r = &an->res;
  if (n == 0) return VB_OK;
  size_t end = r->tokens[n - 1].end;
  if (push_span(&r->clauses, &r->n_clauses, &r->cap_clauses, r->tokens[sg->c_begin].start, end,
                sg->c_begin, n) ||
      push_span(&r->sentences, &r->n_sentences, &r->cap_sentences, r->tokens[sg->s_begin].start,
                end, sg->s_begin, n))
    return VB_ENOMEM;
  return VB_OK;
}

/* The tokens with their keys only, and the language identified from them. */
static int front_keys(vb_analyzer *an, const char *text, size_t len, vb_lang dflt) {
  size_t n = an->toks.n;
  /* three arrays of one length: each with its own capacity (a capacity of 0 made every
   * document reallocate two of them) */
  if (vb__grow(&an->lid_keys, &an->cap_lid, n, sizeof *an->lid_keys) ||
      vb__grow(&an->lid_lens, &an->cap_lid_lens, n, sizeof *an->lid_lens) ||
      vb__grow(&an->lid_masks, &an->cap_lid_masks, n, sizeof *an->lid_masks))
    return VB_ENOMEM;
  int rc = front_begin(an, n);
  if (rc) return rc;
  lid_words w = {0, {0}};
  vb__form *word;
  vb_token *tok = an->res.tokens;
  for (size_t i = 0; i < n; i++) {
    if ((rc = token_key(an, text, i, &tok[i], &word))) return rc;
    if (tok[i].type == VB_TOK_WORD) lid_add(an, i, &tok[i], word, &w);
  }
  an->res.lang = vb__langid_run(an->langid, text, len, an->lid_keys, an->lid_lens, an->lid_masks,
                                w.n, dflt, w.q, &an->res.lang_conf);
  return VB_OK;
}

/* The front of the pipeline over the tokenizer's tokens: keys, stems, sentences and clauses.
 * With the language given it is one pass, each token written once; otherwise the keys come
 * first, the language is identified from them, and a second pass adds the rest. */
static int front_run(vb_analyzer *an, const char *text, size_t len, vb_lang lang, vb_lang dflt) {
  vb_result *r = &an->res;
  size_t n = an->toks.n;
  int rc;
  bool keyed = lang == VB_LANG_UND;
  if (keyed) {
    if ((rc = front_keys(an, text, len, dflt))) return rc;
    lang = r->lang;
  } else {
    if ((rc = front_begin(an, n))) return rc;
    r->lang = lang;
    r->lang_conf = 1.0;
  }
  vb__stemmer *st;
  if ((rc = vb__analyzer_stemmer(an, lang, &st))) return rc;
  vb_token *tok = r->tokens;
  segmenter sg = {lang, 0, 0, 0};
  vb__form *word;
  if (keyed) {
    for (size_t i = 0; i < n; i++) {
      word = an->form_of[i] != UINT32_MAX ? &an->form[an->form_of[i]] : NULL;
      if ((rc = token_stem(an, st, lang, i, &tok[i], word)) ||
          (rc = segment_token(an, &sg, text, i, &tok[i], word)))
        return rc;
    }
  } else {
    for (size_t i = 0; i < n; i++)
      if ((rc = token_key(an, text, i, &tok[i], &word)) ||
          (rc = token_stem(an, st, lang, i, &tok[i], word)) ||
          (rc = segment_token(an, &sg, text, i, &tok[i], word)))
        return rc;
  }
  r->n_tokens = n;
  return segment_end(an, &sg, n);
}

int vb_analyzer_run(vb_analyzer *an, const char *text, size_t len, const vb_run_options *opts,
                    const vb_result **out) {
  if (!an || (!text && len) || !out) return VB_EINVAL;
  if (!text) text = "";
  unsigned flags = opts ? opts->flags : 0;
  if (!(flags & VB_RUN_VALID_UTF8) && vb_utf8_check(text, len) != len) return VB_EUTF8;
  vb_result *r = &an->res;
  r->text = text;
  r->len = len;
  r->n_tokens = r->n_sentences = r->n_clauses = r->n_mentions = r->n_explain = 0;
  r->n_switches = 0;
  r->n_limited = r->n_sums = 0;
  memset(&r->sentiment, 0, sizeof r->sentiment);
  r->sentiment.neu = 1.0;
  vb_lang lang = opts ? opts->lang : VB_LANG_UND;
  vb_lang dflt = opts ? opts->lang_default : VB_LANG_UND;
  r->explaining = (flags & VB_RUN_EXPLAIN) != 0;

  int rc = vb__tokenize_forms(text, len, &an->toks);
  if (!rc) rc = front_run(an, text, len, lang, dflt);
  if (rc) return rc;
  if (!(flags & VB_RUN_TOKENS_ONLY)) {
    if ((rc = vb__sentiment_run(an))) return rc;
    if ((rc = vb__themes_run(an))) return rc;
  }
  *out = r;
  return VB_OK;
}

int vb_analyzer_stem(vb_analyzer *an, vb_lang lang, const char *word, size_t len,
                     const char **out, size_t *out_len) {
  if (!an || !word || !out || !out_len) return VB_EINVAL;
  if (vb_utf8_check(word, len) != len) return VB_EUTF8;
  an->scratch.len = 0;
  int rc = vb__normalize(&an->norm, word, len, 0, &an->scratch);
  if (rc) return rc;
  vb__stemmer *st;
  if ((rc = vb__analyzer_stemmer(an, lang, &st))) return rc;
  if (!st) {
    *out = an->scratch.data;
    *out_len = an->scratch.len;
    return VB_OK;
  }
  return vb__stem(st, an->scratch.data, an->scratch.len, out, out_len);
}

vb_lang vb_analyzer_langid(vb_analyzer *an, const char *text, size_t len, vb_lang dflt,
                           double *confidence) {
  if (!an || !text || vb_utf8_check(text, len) != len) return VB_LANG_UND;
  if (vb__tokenize(text, len, &an->toks) || front_keys(an, text, len, dflt)) return VB_LANG_UND;
  if (confidence) *confidence = an->res.lang_conf;
  return an->res.lang;
}

vb_lang vb_result_lang(const vb_result *r) { return r->lang; }
double vb_result_lang_confidence(const vb_result *r) { return r->lang_conf; }
const char *vb_result_text(const vb_result *r, size_t *len) {
  if (len) *len = r->len;
  return r->text;
}
size_t vb_result_tokens(const vb_result *r, const vb_token **t) {
  *t = r->tokens;
  return r->n_tokens;
}
size_t vb_result_sentences(const vb_result *r, const vb_span **s) {
  *s = r->sentences;
  return r->n_sentences;
}
size_t vb_result_clauses(const vb_result *r, const vb_span **s) {
  *s = r->clauses;
  return r->n_clauses;
}
size_t vb_result_mentions(const vb_result *r, const vb_mention **m) {
  *m = r->mentions;
  return r->n_mentions;
}
size_t vb_result_switches(const vb_result *r, const vb_switch **s) {
  *s = r->switches;
  return r->n_switches;
}
const vb_sentiment *vb_result_sentiment(const vb_result *r) { return &r->sentiment; }
size_t vb_result_explain(const vb_result *r, const vb_explain **items) {
  *items = r->explain;
  return r->n_explain;
}

size_t vb_result_pattern_limits(const vb_result *r, size_t *theme) {
  if (theme) *theme = r->n_limited ? r->limited_theme : SIZE_MAX;
  return r->n_limited;
}

const char *vb_token_type_name(vb_token_type type) {
  static const char *const names[VB_TOK_TYPE_COUNT] = {
      "word", "number", "emoji", "emoticon", "url", "email", "mention", "hashtag", "punct"};
  return (type >= 0 && type < VB_TOK_TYPE_COUNT) ? names[type] : "unknown";
}

int vb_sentiment_score(const char *text, size_t len, const char *lang, double *score) {
  if (!text || !score) return VB_EINVAL;
  vb_run_options ro = {VB_LANG_UND, VB_LANG_UND, 0};
  if (lang && vb_lang_parse(lang, &ro.lang)) return VB_ELANG;
  vb_model *m;
  int rc = vb_model_load(NULL, &m, NULL);
  if (rc) return rc;
  vb_analyzer *an;
  rc = vb_analyzer_new(m, &an);
  if (rc == VB_OK) {
    const vb_result *r;
    rc = vb_analyzer_run(an, text, len, &ro, &r);
    if (rc == VB_OK) *score = r->sentiment.score;
    vb_analyzer_free(an);
  }
  vb_model_free(m);
  return rc;
}
