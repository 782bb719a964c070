/* vb_analyzer.h - the inside of a vb_analyzer and its vb_result (analyzer.c, sentiment.c,
 * themes.c). */
#ifndef VB_ANALYZER_H
#define VB_ANALYZER_H

#include "vb_model.h"

struct vb_result {
  const char *text;
  size_t len;
  vb_lang lang;
  double lang_conf;
  vb_token *tokens; /* the analyzer's toks.v: the tokenizer's array */
  size_t n_tokens;
  vb_span *sentences;
  size_t n_sentences, cap_sentences;
  vb_span *clauses;
  size_t n_clauses, cap_clauses;
  vb_mention *mentions;
  size_t n_mentions, cap_mentions;
  vb_switch *switches;   /* compare.c: switches between brands */
  size_t n_switches, cap_switches;
  vb_sentiment sentiment;
  double *sums;   /* sentiment.c: each sentence's sum of valences with its ! and ? */
  size_t n_sums, cap_sums; /* n_sums is n_sentences once sentiment has run, else 0 */
  vb_explain *explain;
  size_t n_explain, cap_explain;
  bool explaining;
  size_t n_limited;      /* codebook patterns that hit a PCRE2 limit on this text */
  size_t limited_theme;  /* the theme of the first one (SIZE_MAX: the joined patterns) */
};

/* A theme match found while scanning, before exclusions are applied. */
typedef struct vb__match {
  uint32_t theme;
  uint32_t tok_begin, tok_end; /* token range, or byte range for patterns */
  size_t start, end;           /* bytes */
  uint8_t exclude;
  uint8_t dup;     /* themes.c: the same theme and span as an earlier match */
  size_t maxend;   /* themes.c, exclusions sorted: the furthest end so far in their theme */
} vb__match;

/* sentiment.c: per language, the readings of recent hashtags (as written, # included) */
#define VB_TAG_CACHE_SLOTS 1024
#define VB_TAG_CACHE_LEN 64
typedef struct vb__tagslot vb__tagslot;

/* sentiment.c, match_phrase(): the multi-word entry found at a word whose own form, the next
 * word's and the token after's (vb__phslot.f) were seen together before. f[0] is 0 in an
 * empty slot (form * VB_LANG_COUNT + language + 1 otherwise), ph the entry's index + 1 or 0.
 * Emptied when the form table starts over. */
#define VB_PHRASE_CACHE_BITS 12
typedef struct vb__phslot {
  uint32_t f[3];
  uint32_t ph;
} vb__phslot;

/* analyzer.c: a word form (a word token's bytes as written) seen before, with its key and, per
 * language, its stem: feedback repeats the same few thousand forms, and each is normalised
 * and stemmed once. Offsets into vb_analyzer.form_text; found by analyzer.c's own hash table. */
typedef struct vb__form {
  uint64_t khash;               /* vb__hash() of the key */
  uint32_t surf_off, surf_len;  /* the bytes as written */
  uint32_t key_off, key_len;
  uint32_t stem_off[VB_LANG_COUNT]; /* VB__FORM_SAME: the stem is the key */
  uint32_t stem_len[VB_LANG_COUNT]; /* VB__FORM_UNSET: not stemmed in this language yet */
  uint64_t shash[VB_LANG_COUNT];
  uint8_t contrast[VB_LANG_COUNT]; /* a contrast word of the language: 0 not stemmed in it yet,
                                      1 no, 2 yes (analyzer.c, form_stem()) */
  uint8_t lid_known, lid_set;       /* analyzer.c, lexicon_votes(): the languages whose
                                       lexicon votes for it (bits), once asked */
  uint8_t elong;                    /* VB_TOKF_ELONGATED when vb__word_elongated() */
  uint32_t lid_words;               /* and vb__langid_word() of its key */
  uint32_t spare_[2];               /* to 128 bytes on x86-64 (from 120): the table finds a
                                       form by a shift instead of a multiplication, -1.1 to
                                       -1.6 M instructions of 127-140 M in the front */
} vb__form;
#if defined(__x86_64__)
_Static_assert(sizeof(vb__form) == 128, "vb__form is padded to 128 bytes: adjust spare_");
#endif
#define VB__FORM_SAME UINT32_MAX
#define VB__FORM_UNSET UINT32_MAX
#define VB__FORM_MAX (1u << 16) /* forms kept; the cache starts over beyond (bounded memory) */

/* What a language's lexicon and codebook say of a word form alone (vb__lform_of()): kept per
 * form and language beside the form table, each half filled on first use. */
typedef struct vb__lform {
  /* themes.c, theme_form() */
  int32_t head_stem, head_key; /* term chains of its stem and of its key, or -1 */
  uint32_t pre_off, n_pre;     /* prefix terms it matches: in vb_analyzer.tf_list */
  uint32_t cmp_off, n_cmp;     /* one-word terms in its compound parts (sv, da) */
  uint32_t he_off, n_he;       /* term chains after its proclitic prefixes (he) */
  uint32_t word_kid, word_sid; /* its key's and stem's numbers in vb__cblang.word_ids, or 0 */
  uint64_t seconds;            /* the vb__chain.seconds of its term chains together */
  /* patterns.c, form_literals(): the codebook patterns' word literals in it, in tf_list, and
   * after them the literals anchored at a space that may hold the space after it (n_end)
   * and the space before it (n_begin) (vb__lits_gap_form()) */
  uint32_t lit_off, n_lit, n_end, n_begin; /* (and n_anch, below) */
  uint64_t may[VB_LIT_SETS]; /* the sets those and its anchor bytes may meet (patterns.c, the
                                pre-gate: set s of pattern p is bit p of may[s]) */
  uint64_t met[VB_LIT_SETS]; /* the sets its word literals meet (when the language has at most
                                64 patterns: vb__cblang.pat_words 1) */
  /* sentiment.c, sent_form(): its lexicon entry and how it was found, and what else the
   * rules ask of the form alone (sentiment.c's SF_* bits, the second words of the phrases
   * that begin with it) */
  const vb__lexentry *lex;
  uint64_t next_bits;
  float boost;
  uint8_t how, compound, sent;
  uint8_t themes_set, lex_set, lits_set;
  uint32_t n_anch; /* patterns.c: after the lists above, the literals anchored in it (here to
                      keep the record at 144 bytes) */
} vb__lform;

struct vb_analyzer {
  const vb_model *model;
  struct vb__fslot {      /* a token's bytes -> its form (analyzer.c, form_find()) */
    uint64_t a, b;        /* the bytes in two words (form_words()) */
    uint32_t h, idx;      /* the low half of their hash, the form + 1 (0: empty slot) */
  } *fslot;
  size_t n_fslot;
  vb__form *form;
  size_t n_form, cap_form;
  vb__buf form_text;  /* the forms' keys and stems */
  uint32_t *form_of;  /* per token: its form, or UINT32_MAX (not a word) */
  vb__lform *lform[VB_LANG_COUNT]; /* per form (vb__lform_of()) */
  size_t n_lform[VB_LANG_COUNT], cap_lform[VB_LANG_COUNT];
  uint32_t *tf_list;                /* term (and literal) indexes of the vb__lform lists */
  size_t n_tf_list, cap_tf_list;
  vb__toks toks;
  vb__norm norm;
  vb__buf arena;    /* the keys of the document's emoji and emoticons */
  vb__buf nscratch; /* a key being normalised */
  char **retired;   /* analyzer.c: form_text's and arena's buffers before they grew during the
                       document (its tokens point into them), freed before the next */
  size_t n_retired, cap_retired;
  size_t cap_front; /* room for tokens in form_of, khash, shash and res.tokens */
  vb__stemmer *stem[VB_LANG_COUNT];
  vb__langid *langid;
  const char **lid_keys;
  size_t *lid_lens;
  uint32_t *lid_masks; /* vb__langid_word() of each key in lid_keys */
  size_t cap_lid, cap_lid_lens, cap_lid_masks;
  vb__match *matches;
  size_t n_matches, cap_matches;
  float *weights; /* per-token scratch for sentiment */
  size_t cap_weights;
  pcre2_match_data *md;
  pcre2_match_context *mctx;
  vb__buf scratch;
  vb__buf folded; /* the text case-folded, for the patterns' literal check */
  unsigned char *lit_seen; /* patterns.c: per literal of the language, found in the text;
                              per literal, scratch; then (eight-byte aligned) the bits of the
                              literal sets met, per set of each pattern (find_literals) */
  size_t cap_lit_seen;
  uint32_t *lit_found;     /* patterns.c: vb__litfound's id and at, twice (text, form), and
                              last, twice (text, form) */
  size_t cap_lit_found;
  size_t n_cand; /* patterns.c: the patterns to run on the text, in their order (after
                    lit_found's literal lists): those whose literal sets are all met, and those
                    without literals that run on their own (not in the alternation) */
  bool lits_skipped; /* patterns.c: the pre-gate told that no pattern with literals can run,
                        and literals were not looked for (lit_seen is not the text's) */
  uint64_t *khash, *shash; /* per token: vb__hash() of its key and of its stem */
  size_t *sent_lists;      /* sentiment.c: the tokens that carry sentiment, the verbs of
                              opinion and the contrast words of the text (3 x n_tokens) */
  vb__strmap belief;       /* sentiment.c: the verbs of opinion */
  vb__tagslot *tcache[VB_LANG_COUNT];  /* sentiment.c: hashtag_valence() */
  vb__phslot *phcache;     /* sentiment.c: match_phrase(), 1 << VB_PHRASE_CACHE_BITS slots */
  bool phcache_off;        /* tests: match_phrase() without phcache */
  vb__match *excl;         /* themes.c: the near terms' parts found (n_near), then the
                              exclusion matches, sorted */
  size_t cap_excl;
  size_t n_near, n_near_first; /* themes.c: near terms' parts found, and first parts among them */
  bool near_only;              /* themes.c: only near terms' parts are taken (term_match()) */
  size_t n_excl;           /* themes.c: how many of the matches are exclusions (add_match()) */
  uint32_t *dup_slots;     /* themes.c, vb__themes_mark_dups(): the matches by theme and span */
  size_t cap_dup_slots;
  vb__span *held;          /* themes.c, drop_fallbacks(): the spans of the other mentions */
  size_t cap_held;
  size_t cap_sent_lists;
  vb_result res;
};

/* analyzer.c: what the document's language says of word token i's form, zeroed when new;
 * NULL when out of memory (or for a token that is not a word). */
vb__lform *vb__lform_grow(vb_analyzer *an, size_t i);
static inline vb__lform *vb__lform_of(vb_analyzer *an, size_t i) {
  uint32_t fi = an->form_of[i];
  vb_lang lang = an->res.lang;
  if (fi < an->n_lform[lang]) return &an->lform[lang][fi]; /* a form seen before */
  return vb__lform_grow(an, i);
}
/* sentiment.c: the analyzer's own tables (once, at creation). */
int vb__sentiment_init(vb_analyzer *an);
/* sentiment.c: fills tokens' valence and flags, clause and sentence scores, res.sentiment. */
int vb__sentiment_run(vb_analyzer *an);
/* themes.c: fills res.mentions. */
int vb__themes_run(vb_analyzer *an);
/* compare.c: turns the sentiment of the brand mentions that are the object of a comparison
 * ("better than Vexa") or what someone switched away from ("switched from Vexa"), and fills
 * res.switches. VB_OK or VB_ENOMEM. */
int vb__compare_brands(vb_analyzer *an);
/* themes.c: marks each match (an->matches) whose theme and span an earlier one has (dup); the
 * first n_sorted matches are in order of start (any number is right; 0 says nothing). */
int vb__themes_mark_dups(vb_analyzer *an, size_t n_sorted);
/* patterns.c: the matches of the codebook's patterns for the document's language, appended to
 * an->matches. */
int vb__patterns_run(vb_analyzer *an, const vb__cblang *cb);
/* analyzer.c: the stemmer for a language, created on first use. */
int vb__analyzer_stemmer(vb_analyzer *an, vb_lang lang, vb__stemmer **out);

#endif
