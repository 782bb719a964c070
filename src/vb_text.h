/*
 * vb_text.h - the front of the pipeline: normalisation, tokenising, language identification
 * and stemming. These modules know nothing about lexicons, themes or scores.
 */
#ifndef VB_TEXT_H
#define VB_TEXT_H

#include "vb_internal.h"

/* ---- normalize.c ---- */
typedef struct vb__norm {
  int32_t *cps; /* scratch for the slow (utf8proc) path */
  size_t cap;
} vb__norm;

enum {
  VB_NORM_EMOJI = 1,   /* keep only the base code point(s) of an emoji sequence */
  VB_NORM_UTF8PROC = 2 /* (tests) every token with a non-ASCII byte through utf8proc, the
                        * reference the fast path is compared with */
};

/* Appends the lookup key of s[0..len) to `out`: NFKC, case-folded, Hebrew points and
 * cantillation removed, Hebrew final letters folded, typographic apostrophes and quotes
 * folded to ' and ". Returns VB_OK or VB_ENOMEM. */
int vb__normalize(vb__norm *nz, const char *s, size_t len, unsigned flags, vb__buf *out);
void vb__norm_free(vb__norm *nz);
/* Re-finalises Hebrew letters at the end of a key (for display). */
bool vb__is_hebrew_cp(int32_t cp);

/* ---- tokenize.c ---- */
/* The tokenizer fills start, end, type and flags of each vb_token; the analyzer fills the rest
 * in the same array. */
typedef vb_token vb__tok;

typedef struct vb__toks {
  vb__tok *v;
  size_t n, cap;
} vb__toks;

/* Set by the tokenizer on a token with a line break between it and the token before (the
 * analyzer ends sentences there, and clears the flag). */
#define VB__TOKF_LINE 0x8000u

/* Splits text into tokens (appended to `out`, which is emptied first). */
int vb__tokenize(const char *text, size_t len, vb__toks *out);
/* The same, but the words of the fast paths (most words) are never marked VB_TOKF_ELONGATED:
 * the caller ORs vb__word_elongated() of its bytes into every word token's flags (the
 * analyzer once per word form, where the fast paths tested every letter). */
int vb__tokenize_forms(const char *text, size_t len, vb__toks *out);
/* Whether a word token with the bytes w[0..n) is elongated (three equal characters in a row),
 * for the words whose bytes the fast paths take; false for any other word (which carries its
 * own VB_TOKF_ELONGATED from vb__tokenize_forms()). */
bool vb__word_elongated(const char *w, size_t n);
/* The same without the fast path for plain lower-case words (tests compare the two). */
int vb__tokenize_general(const char *text, size_t len, vb__toks *out);
/* Non-zero when the code point is an emoji or pictograph. */
bool vb__is_emoji_cp(int32_t cp);

/* ---- langid.c ---- */
/* Decides among en, sv, da, he from tokens' keys. `keys[i]`/`lens[i]` are the lookup keys of
 * word tokens; `text` is used for letter evidence. */
typedef struct vb__langid vb__langid;
int vb__langid_new(vb__langid **out);
void vb__langid_free(vb__langid *li);
/* The languages (bits 1 << VB_LANG_EN, _SV, _DA) whose word lists hold w[0..n), or 0. */
uint32_t vb__langid_listed(const vb__langid *li, const char *w, size_t n);
/* What the word lists say of w[0..n) (languages and finer bits), 0 when none holds it. */
uint32_t vb__langid_word(const vb__langid *li, const char *w, size_t n);
/* `masks` (may be NULL): vb__langid_word() of each key, when the caller has it. `extra_q` (may
 * be NULL): further votes per language from the caller in quarters of a vote (the analyzer
 * counts the words each language's lexicon knows), added to the word and letter evidence. */
vb_lang vb__langid_run(vb__langid *li, const char *text, size_t len, const char *const *keys,
                       const size_t *lens, const uint32_t *masks, size_t n_words, vb_lang dflt,
                       const uint32_t *extra_q, double *confidence);

/* ---- stem.c: one interface over Snowball (sv, da, en) and the Hebrew light stemmer ---- */
typedef struct vb__he_vocab vb__he_vocab;
typedef struct vb__stemmer vb__stemmer;
/* `vocab` (may be NULL) guards the Hebrew stemmer; owned by the caller (the model). */
int vb__stemmer_new(vb_lang lang, const vb__he_vocab *vocab, vb__stemmer **out);
void vb__stemmer_free(vb__stemmer *st);
/* Stems a key (already normalised). `*out` is owned by the stemmer, valid until its next
 * call. */
int vb__stem(vb__stemmer *st, const char *key, size_t len, const char **out, size_t *out_len);
/* The same without the stemmer's cache, for a caller that keeps the stem itself (the
 * analyzer's form table: a cache of its own, and the key would be hashed, looked up and copied
 * for nothing). `*out` is owned by the stemmer, or is `key`, valid until its next call. */
int vb__stem_once(vb__stemmer *st, const char *key, size_t len, const char **out,
                  size_t *out_len);

/* ---- stem_he.c ---- */
int vb__he_vocab_new(vb__he_vocab **out);
void vb__he_vocab_free(vb__he_vocab *v);
int vb__he_vocab_add(vb__he_vocab *v, const char *key, size_t len);
size_t vb__he_vocab_size(const vb__he_vocab *v);
bool vb__he_vocab_has(const vb__he_vocab *v, const char *key, size_t len);
/* Writes the stem of `key` (a normalised Hebrew word, finals folded) to `out`. */
int vb__he_stem(const vb__he_vocab *v, const char *key, size_t len, vb__buf *out);
/* Fills `lens` (room for `max`) with the byte lengths of the legal proclitic prefixes that
 * `key` starts with, longest first, each leaving at least two letters; returns their count.
 * Lexicon and theme lookups try the rest of the word after each. A word of another script
 * or a number after proclitics and a hyphen (ל-google, ב-2020) has one: through the hyphen. */
size_t vb__he_prefixes(const char *key, size_t len, size_t *lens, size_t max);

#endif
