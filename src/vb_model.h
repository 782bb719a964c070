/*
 * vb_model.h - the inside of a vb_model: lexicons per language, the emoji table, the
 * codebook, and the analyzer's per-thread state. Shared by model.c, lexicon.c, codebook.c,
 * sentiment.c, themes.c and analyzer.c.
 */
#ifndef VB_MODEL_H
#define VB_MODEL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "vb_text.h"

/* The longest word (bytes) tried as a compound: splitting is quadratic in the length, and no
 * real compound is longer. */
#define VB_COMPOUND_MAX 64

/* Kinds of lexicon entry. */
enum {
  VB_LEX_VALENCE = 0,
  VB_LEX_NEGATOR,
  VB_LEX_BOOSTER,   /* value > 0 */
  VB_LEX_DAMPENER,  /* value < 0 */
  VB_LEX_CONTRAST,
  VB_LEX_PREFIX,    /* intensifying compound prefix, value > 0 */
  VB_LEX_NEGPREFIX  /* Hebrew negator with a proclitic */
};

typedef struct vb__lexentry {
  float valence;
  float value;   /* booster / dampener / prefix strength */
  uint8_t kind;
  uint8_t has_valence;
  uint16_t file; /* index into vb_model.files: where the entry came from (for --explain) */
  uint16_t min_len; /* stem entries: the shortest key (bytes) of the entries behind the stem */
  uint32_t line;
  uint32_t min_key; /* stem entries: that shortest key, at this offset of vb__lexicon.stem_keys */
} vb__lexentry;

/* A multi-word entry: words [word_begin, word_begin + n_words) of `phrase_words`. */
typedef struct vb__phrase {
  uint32_t word_begin;
  uint16_t n_words;
  uint16_t file;
  uint32_t line;
  float valence;
  float value;  /* modifier strength (boosters, dampeners) */
  uint8_t kind; /* VB_LEX_* */
  int32_t next; /* next phrase with the same first word, or -1 */
  uint32_t w1_key_hash, w1_stem_hash; /* the second word's, as in its vb__pword */
  uint32_t w2_key_hash, w2_stem_hash; /* the third word's (0 for a phrase of two words) */
} vb__phrase;

typedef struct vb__pword {
  uint32_t key_off, key_len;   /* into phrase_text */
  uint32_t stem_off, stem_len; /* into phrase_text */
  uint32_t key_hash, stem_hash; /* low halves of vb__hash(): most comparisons end there */
} vb__pword;

/* A list of words (the words of multi-word lexicon entries and codebook terms): keys and
 * stems back to back in `text`. */
typedef struct vb__wordlist {
  vb__pword *v;
  size_t n, cap;
  vb__buf text;
} vb__wordlist;

typedef struct vb__lexicon {
  vb__strmap surface;    /* key -> entry index */
  vb__strmap stems;      /* stem -> entry index (valence entries only) */
  vb__strmap prefixes;   /* compound prefix -> strength (float bits), kept apart so that a word
                            can be both a booster ("jätte bra") and a prefix ("jättebra") */
  vb__lexentry *entries;
  size_t n_entries, cap_entries;
  vb__strmap phrase_first; /* key of the first word -> a phrase index; the phrases that begin
                              with that key are chained through vb__phrase.next, in no order
                              that matters (match_phrase in sentiment.c ranks its matches) */
  vb__phrase *phrases;
  size_t n_phrases, cap_phrases;
  vb__wordlist pw; /* the phrases' words */
  /* A bit per (first word, second word) pair of hashes that some phrase starts with: most
   * tokens start no phrase, and this answers that without a lookup (VB_PAIR_BITS). */
  uint64_t *pair_bits;
  /* The phrases by their first two words (vb__lexicon_pairs()): open addressing over
   * n_pair_slots (a power of two, or 0) from (first word's key hash, second word's key or stem
   * hash) to the first of a list of entries p << 1 | w (phrase p, under its second word's key
   * hash when w = 0, its stem hash when w = 1), linked through pair_next. */
  struct vb__pairslot {
    uint64_t pair;  /* first << 32 | second */
    uint32_t head1; /* the list's first entry + 1; 0: an empty slot */
    uint32_t two;   /* whether a phrase of the list has two words only */
    /* the bits (vb__next_bit()) of the key and stem hashes of the third words of the list's
     * longer phrases: most lists of a common pair ("on the") are passed over at once */
    uint64_t third;
  } *pair_slots;
  size_t n_pair_slots, n_pairs;
  int32_t *pair_next;
  size_t cap_pair_next;
  vb__buf stem_keys;     /* the shortest key behind each stem entry */
  uint32_t *stem_counts; /* entries averaged into each stem entry (while loading) */
  size_t cap_stem_counts;
  size_t n_valence;      /* distinct valence terms (words and phrases) */
} vb__lexicon;

#define VB_PAIR_BITS 19
/* The bit of a pair of word hashes (low halves of vb__hash()) in vb__lexicon.pair_bits. */
static inline size_t vb__pair_bit(uint32_t first, uint32_t second) {
  uint64_t x = (((uint64_t)first << 32) | second) * 0x9E3779B97F4A7C15ULL;
  return (size_t)(x >> (64 - VB_PAIR_BITS));
}
static inline bool vb__pair_has(const uint64_t *bits, uint32_t first, uint32_t second) {
  size_t b = vb__pair_bit(first, second);
  return (bits[b >> 6] >> (b & 63)) & 1;
}
static inline void vb__pair_set(uint64_t *bits, uint32_t first, uint32_t second) {
  size_t b = vb__pair_bit(first, second);
  bits[b >> 6] |= 1ULL << (b & 63);
}

#define VB_FIRST_BITS 18
static inline bool vb__first_has(const uint64_t *bits, uint32_t h) {
  size_t b = (size_t)((h * 0x9E3779B97F4A7C15ULL) >> (64 - VB_FIRST_BITS));
  return bits && ((bits[b >> 6] >> (b & 63)) & 1);
}
static inline void vb__first_set(uint64_t *bits, uint32_t h) {
  size_t b = (size_t)((h * 0x9E3779B97F4A7C15ULL) >> (64 - VB_FIRST_BITS));
  bits[b >> 6] |= 1ULL << (b & 63);
}
/* The key of the first four bytes of s in part4_bits. */
static inline uint32_t vb__part4_key(const char *s) {
  uint32_t w;
  memcpy(&w, s, 4);
  return w;
}

/* ---- codebook ---- */

typedef struct vb__theme {
  char *id, *label, *description;
  long parent;
  int depth;
  bool brand; /* under the top-level theme "brand": a tracked brand, not a topic */
  int8_t fallback_own; /* "fallback:" as written: 0 not written, 1 yes, -1 no */
  bool fallback;       /* its own or, unwritten, its parent's: its mentions count only where
                        * no mention of a theme that is not a fallback shares a byte */
} vb__theme;

/* A top-level theme that is a topic (not "brand"): the themes the trend split shares a record
 * among, and the ones a testimonial's specificity counts. */
static inline bool vb__topic_root(const vb__theme *th) { return th->parent < 0 && !th->brand; }

/* One codebook term in one language. Words are stored as keys and stems. */
typedef struct vb__term {
  uint32_t theme;
  uint32_t word_begin; /* into vb__cblang.words */
  uint16_t n_words;
  uint8_t prefix;      /* last word ends with '*': prefix match on the key */
  uint8_t exclude;     /* an exclusion phrase, not a term */
  int32_t next;        /* next term with the same first-word stem */
  uint32_t line;
  uint8_t exact;       /* "=word": the word's key only (vb__cblang.exact), no stem, no compounds */
  uint8_t side;        /* of a near term: 0 its first part, 1 its second */
  uint32_t near;       /* a part of near term near - 1 (vb__cblang.nears), or 0 */
} vb__term;

/* A near term ("A ~N B", codebook.c): a match of one of its first parts, then within N words
 * in the same sentence a match of one of its second parts. Its parts are terms of their own
 * (vb__term.near), whose matches themes.c pairs. */
typedef struct vb__near {
  uint32_t theme;
  uint32_t gap;  /* N: the most words between the two parts */
  char *source;  /* as written, for listings and exports */
} vb__near;

/* A pattern's requirement (regex_lit.c): at most VB_LIT_SETS sets of literals, every match
 * holding a literal of each set. */
#define VB_LIT_SETS 4
#define VB_LIT_DIGIT '\x01' /* a literal of n such bytes stands for "n ASCII digits in a row" */
#define VB_PRE_DIGITS 16
/* Marks around a literal of letters (vb__regex_literals(); vb__lits_index() takes them off
 * into vb__lit.b_before and b_after): every match holds it with a word boundary right before
 * it (a first byte VB_LIT_B_BEFORE) or right after it (a last byte VB_LIT_B_AFTER). */
#define VB_LIT_B_BEFORE '\x02'
#define VB_LIT_B_AFTER '\x03'

/* A pattern's lead (regex_lit.c, vb__regex_leads()): every match starts at most `before`
 * characters before one of its n literals, not counting the characters of the classes `skip`
 * (any number of them may come there). */
#define VB_LEADS 4
#define VB_SKIP_SPACE 1 /* \s */
#define VB_SKIP_DIGIT 2 /* \d */
#define VB_SKIP_WORD 4  /* \w */
#define VB_SKIP_ANY 8   /* any character (no lead is made of such) */
typedef struct vb__lead {
  uint32_t before;
  uint8_t n, skip;
} vb__lead;

typedef struct vb__cbregex {
  uint32_t theme;
  pcre2_code *code;
  char *source;
  char *literals;    /* NUL-separated case-folded literals, set after set */
  size_t n_literals; /* 0: the pattern runs on every text */
  uint8_t n_sets, set_len[VB_LIT_SETS]; /* the sets: their numbers of literals, in order */
  uint32_t *lit_ids; /* the same literals as indexes into vb__cblang.lits */
  /* its leads (vb__regex_leads()): the literals of each, lead after lead (NUL-separated, and
   * as indexes into vb__cblang.lits; n_lead in all) */
  char *lead;
  size_t n_lead;
  uint32_t *lead_ids;
  vb__lead leads[VB_LEADS];
  uint8_t n_leads;
  bool joined; /* in vb__cblang.combined: it does not run on its own */
} vb__cbregex;

struct vb__cblang;
/* regex_lit.c: the literal sets of a pattern (see there); `*n_sets` 0 when none can be told. */
int vb__regex_literals(const char *pattern, vb__buf *out, size_t *n_sets,
                       uint8_t set_len[VB_LIT_SETS]);
/* regex_lit.c: the leads of a pattern (at most VB_LEADS; `*n_leads` 0 when none can be
 * told): leads[i].n literals each (NUL-separated in `out`, case-folded, lead after lead).
 * `lits` holds the n_lits literals of its sets (vb__regex_literals()). */
int vb__regex_leads(const char *pattern, const char *lits, size_t n_lits, vb__buf *out,
                    vb__lead *leads, size_t *n_leads);
/* regex_lit.c: where a match of a pattern may start at the earliest, by one of its leads
 * whose literal is at byte p of `text` (valid UTF-8) or later: `before` characters back from
 * p, not counting those of the classes `skip` (or an earlier character boundary); `from` if
 * that is later (a place known already: the characters before it are not looked at). The byte
 * at p is read (to step back to a character's first byte): p is inside the text, or the text
 * has a byte after its end. */
size_t vb__lead_start(const char *text, size_t from, size_t p, uint32_t before, uint8_t skip);
/* Folds s[0..n) as literals are folded (case, a few Unicode equivalents, digits to '0'):
 * writes at most n bytes to `out`, returns how many. */
size_t vb__lit_fold(const char *s, size_t n, char *out);
/* regex_lit.c, for tests: vb__lit_fold() without SSE2 (eight bytes at a time, as on machines
 * without it). */
size_t vb__lit_fold_words(const char *s, size_t n, char *out);
/* themes.c: the chains' index (struct vb__chain above), once the codebook is loaded. */
int vb__terms_index(struct vb__cblang *cb);
/* Which of the language's literals text[0..len) holds: seen[k] (cb->n_lits bytes) for
 * cb->lits[k]; `folded` is scratch. The plain scan of the whole text: patterns.c finds the
 * same with less work, and test_regex_lit.c compares the two. */
int vb__lits_find(const struct vb__cblang *cb, const char *text, size_t len, vb__buf *folded,
                  unsigned char *seen);
/* The tables by which a language's literals (vb__cblang.lits: the text, its length) are
 * found (see vb__cblang). */
int vb__lits_index(struct vb__cblang *cb);
#define VB_LIT_B_BUCKETS 4096
/* Literals found in a text: seen[k] for each literal of the language; the indexes of those
 * found, in the order found; at[k] where literal k was first found (an offset in the folded
 * text, or the start of the token it is in: never after its first place in the text); and,
 * when `last` is not NULL, last[k] where it was last found (an offset in the folded text, or
 * the end of the token it is in: never before the start of its last place). */
typedef struct vb__litfound {
  unsigned char *seen;
  uint32_t *id, *at, *last;
  size_t n;
} vb__litfound;
/* Adds literal k, found at offset `at`, to `found` unless it is there already, and makes `at`
 * its last place (id, at and last may be NULL: seen[] only). */
static inline void vb__found_add(vb__litfound *found, uint32_t k, size_t at) {
  if (found->last) found->last[k] = (uint32_t)at;
  if (found->seen[k]) return;
  found->seen[k] = 1;
  if (found->id) {
    found->id[found->n++] = k;
    found->at[k] = (uint32_t)at;
  }
}
/* Whether a character folds (vb__lit_fold) to a letter a word literal may hold (vb__lit.word):
 * an ASCII or Latin-1 letter or a Hebrew letter. */
bool vb__lit_letter(uint32_t cp);
/* The word literals (vb__lit.word) that start at f[from..to) of a folded text and end by
 * f + end (f readable eight bytes past `end`), added to `found` (vb__found_add()). */
void vb__lits_words(const struct vb__cblang *cb, const unsigned char *f, size_t from, size_t to,
                    size_t end, vb__litfound *found);
/* The other literals whose anchor byte is in f[from..to) of a folded text f[0..n) (eight NUL
 * bytes after), added to `found` (vb__found_add()). */
void vb__lits_anchored(const struct vb__cblang *cb, const unsigned char *f, size_t from,
                       size_t to, size_t n, vb__litfound *found);
/* The literals anchored at a space (vb__cblang.lit_gap_list) that may hold a space right
 * after (begin false) or right before (begin true) a word whose folded bytes are w[0..len):
 * those whose letters before the space end the word, or whose bytes after it begin the word
 * as far as it goes. Written to `out` (at most cb->n_lits); returns how many. */
size_t vb__lits_gap_form(const struct vb__cblang *cb, const unsigned char *w, size_t len,
                         bool begin, uint32_t *out);
/* The literals anchored at a space that a later word of theirs names (vb__lit.next) and
 * that the word w[0..len) (folded) may be that word of: it begins with the part after their
 * last space as far as it goes, or is the part between two spaces (part_whole). Written to
 * `out` (at most cb->n_lits); returns how many. */
size_t vb__lits_gap_next(const struct vb__cblang *cb, const unsigned char *w, size_t len,
                         uint32_t *out);

typedef struct vb__cblang {
  vb__term *terms;
  size_t n_terms, cap_terms;
  vb__wordlist w; /* the terms' words */
  vb__strmap first_stem;   /* stem of first word -> first term index (chained by next) */
  uint64_t *first_bits;    /* a bit per key of first_stem (low hash half, VB_FIRST_BITS): most
                              tokens and compound parts are no term's first word */
  uint64_t *part4_bits;    /* a bit per first four bytes of a key of first_stem of four bytes or
                              more (vb__part4_key(), VB_FIRST_BITS): themes.c, compound_parts() */
  /* themes.c, vb__terms_index(): each chain of first_stem (by its head term) split for the
   * walk at a token: its base list, the one-word terms and the two-word terms ending in a
   * prefix, tried at every token, and per hash of a second word (chain_pairs) the list of the
   * terms with that second word merged with the base list; every list in chain order */
  struct vb__chain {
    uint32_t base_off, n_base, n_pairs;
    uint32_t base_one; /* the base list holds one-word terms only: each matches where it is */
    uint64_t seconds;  /* bit h % 64 for each hash h of its pairs' second words (a first test
                          before vb__chain_pair_may()) */
    uint32_t near;     /* how many of its terms are near terms' parts */
  } *chains;
  uint32_t *chain_list;
  struct vb__chainslot { uint64_t key; uint32_t off, n; } *chain_pairs; /* head << 32 | number */
  size_t n_chain_pairs; /* slots: a power of two, or 0 */
  /* a bit per key of chain_pairs (vb__chain_pair_may()): most tokens that begin a term's first
   * word are followed by no term's second word ("the", "i", "a") */
  uint64_t *chain_bits;
  unsigned chain_shift; /* 64 less the log2 of the bits */
  /* themes.c, vb__terms_index(): the keys and stems of the terms' words after the first, each
   * distinct string numbered from 1 (word_ids), and per word of `w` the numbers of its key and
   * of its stem (word_kid, word_sid; 0 for first words). A token's word is a term's word (the
   * same stem or the same key) when its key's number in word_ids (vb__lform.word_kid) is the
   * word's word_kid or its stem's (word_sid) the word's word_sid: no hash and no bytes are
   * compared while matching. chain_pairs are keyed by these numbers. */
  vb__strmap word_ids;
  uint32_t *word_kid, *word_sid;
  uint32_t *prefix_terms;  /* terms whose first word is a prefix pattern */
  size_t n_prefix, cap_prefix;
  /* the one-word prefix terms by their key (chained by vb__term.next), and the lengths of
   * those keys (bit n: n bytes; prefix_long: one has 64 or more) */
  vb__strmap prefix_map;
  uint64_t prefix_lens;
  bool prefix_long;
  bool lit_bounded; /* some word literal asks for a word boundary (b_before, b_after) */
  vb__strmap exact;        /* key of an exact-form term ("=word") or of a tag term ("@name",
                              "#tag") -> its first term (by next) */
  bool tags;               /* some term is a tag: mentions and hashtags are looked up whole */
  vb__near *nears;         /* near terms, in codebook order */
  size_t n_nears, cap_nears;
  vb__cbregex *regexes;
  size_t n_regexes, cap_regexes;
  pcre2_code *combined; /* the patterns without literals or groups as one alternation,
                           (*MARK:k) naming each (codebook.c, vb__codebook_finish()) */
  /* the distinct literals of all the patterns (vb__lits_index()) */
  struct vb__lit {
    char *s;
    uint32_t len;
    uint64_t pre, mask; /* the first (up to) eight bytes, as loaded from memory */
    bool digits;        /* VB_LIT_DIGIT bytes: that many digits in a row */
    bool word;          /* letters only (vb__lit_letter()), so inside one word of a text */
    /* a word found only where no letter or digit of the text comes right before it
     * (b_before) or right after it (b_after): every match has a word boundary there */
    bool b_before, b_after;
    uint8_t anchor;     /* not a word: the offset of its anchor (below) */
    uint8_t back;       /* and of its key, `back` bytes before the anchor */
    /* next: anchored at a space with letters before it, and a later word of it names it for
     * the pre-gate (vb__lits_gap_next()): the one that begins with its bytes s[part ..
     * part + part_len) after its last space, or (part_whole) is exactly those letters
     * between two of its spaces */
    bool next, part_whole;
    uint8_t part, part_len;
    uint32_t awin, amask; /* the (up to) four bytes from there, as loaded from memory */
  } *lits;
  size_t n_lits, cap_lits;
  /* The word literals: lit_list[lit_start[h] .. lit_start[h + 1]) are those that may start
   * with the two bytes h = b0 << 8 | b1 (a one-byte literal under every b1); 65537 entries,
   * or NULL when there are none. Those of four bytes or more that start with a Hebrew letter
   * are not there but in lit_he_start/lit_he_list, under vb__lit_he_key() (NULL when there
   * are none): in Hebrew text every letter starts with D7. */
  uint32_t *lit_start, *lit_list;
  uint32_t *lit_he_start, *lit_he_list;
  /* The other literals, each found at its anchor, its first byte that is no letter
   * (regex_lit.c, vb__lits_anchored()): runs of digits and literals of one or two bytes under
   * their anchor byte in lit_one_start/lit_one_list (257 entries); the others in
   * lit_b_start/lit_b_list (VB_LIT_B_BUCKETS + 1 entries) under a hash of three of their
   * bytes that hold the anchor. lit_b_first[b]: the lists to look in at byte b (bit 0 the
   * first, bit 1 + k the second with the three bytes from k bytes before). NULL when there
   * are none. */
  uint32_t *lit_one_start, *lit_one_list;
  uint32_t *lit_b_start, *lit_b_list;
  /* Every literal that is no word under its anchor byte (a run of digits under each digit):
   * lit_anch_list[lit_anch_start[b] .. lit_anch_start[b + 1]), 257 entries (patterns.c,
   * anchored_tail()). */
  uint32_t *lit_anch_start, *lit_anch_list;
  uint8_t lit_b_first[256];
  /* The literals anchored at a space (regex_lit.c, vb__lits_gap_form()): those with letters
   * before it under the last of them (0-255), those with nothing before it and a letter
   * after it under the byte after it (256 + the byte): lit_gap_list[lit_gap_start[key] ..
   * lit_gap_start[key + 1]); and again, those of the first kind that a later word names
   * (vb__lit.next) under the first byte of that word (512 + the byte). lit_gap: every
   * literal anchored at a space is one of the first two kinds. */
  uint32_t *lit_gap_start, *lit_gap_list;
  bool lit_gap;
  /* The patterns' literal sets as bits (patterns.c): which sets of a text are met is kept
   * in VB_LIT_SETS x pat_words words, bit p % 64 of word s * pat_words + p / 64 standing for
   * set s of pattern p. set_need has the bits of the sets the patterns have; a literal sets
   * the bits of the sets it is in, lit_bits[lit_bits_start[k] .. lit_bits_start[k + 1]) (one
   * entry per word); a pattern may match when all its bits are set. solo_bits (pat_words):
   * the patterns without literals that run on their own (not in the alternation). */
  size_t pat_words;
  uint64_t *set_need, *solo_bits;
  uint32_t *lit_bits_start;
  /* The pre-gate (patterns.c, none_may_run()), for a language of up to 64 patterns whose
   * literals anchored at a space are all in lit_gap_list (else NULL): per byte b of a folded
   * text, pre_anchor[b * VB_LIT_SETS + s] has the bits of set s of the literals anchored at
   * b but runs of digits and those at a space (the words' gap literals); then, at
   * (256 + d) * VB_LIT_SETS, those of the runs of up to d digits (d up to VB_PRE_DIGITS) */
  uint64_t *pre_anchor;
  struct vb__setbits {
    uint32_t at; /* s * pat_words + the word */
    uint64_t bits;
  } *lit_bits;
  bool lit_all;        /* tests: every pattern runs on every text, literals or not */
  size_t n_excludes;
} vb__cblang;

/* Whether literal l starts at f + i of a folded text f[0..n) (eight bytes readable after). */
static inline bool vb__lit_at(const struct vb__lit *l, const unsigned char *f, size_t n,
                              size_t i) {
  if (l->len > n - i) return false;
  if (l->digits) {
    for (size_t d = 0; d < l->len; d++)
      if (f[i + d] < '0' || f[i + d] > '9') return false;
    return true;
  }
  uint64_t w;
  memcpy(&w, f + i, 8); /* (eight bytes can be read past the end) */
  return (w & l->mask) == l->pre && (l->len <= 8 || memcmp(f + i + 8, l->s + 8, l->len - 8) == 0);
}

/* Of the literals `ids` (from vb__lits_gap_form()), those anchored at the space at f + q of
 * a folded text f[0..n) (eight NUL bytes after), added to `found` (inline: patterns.c asks at
 * most spaces between words, for one or two literals). */
static inline void vb__lits_gap(const vb__cblang *cb, const unsigned char *f, size_t n, size_t q,
                                const uint32_t *ids, size_t count, vb__litfound *found) {
  for (size_t i = 0; i < count; i++) {
    const struct vb__lit *l = &cb->lits[ids[i]];
    if ((!found->seen[ids[i]] || found->last) && vb__lit_at(l, f, n, q - l->anchor))
      vb__found_add(found, ids[i], q - l->anchor);
  }
}

/* Whether chain `head` may have a term whose second word has the hash h (see chain_pair() in
 * themes.c): false only when it has none. */
static inline bool vb__chain_pair_may(const vb__cblang *cb, int32_t head, uint32_t h) {
  uint64_t key = (uint64_t)(uint32_t)head << 32 | h;
  uint64_t bit = (key * 0xD6E8FEB86659FD93ULL) >> cb->chain_shift;
  return cb->chain_bits[bit >> 6] >> (bit & 63) & 1;
}

/* The Hebrew table's bucket of a literal or text position starting with D7: the second bytes
 * of its first two letters. */
static inline size_t vb__lit_he_key(const char *s) {
  return (size_t)(unsigned char)s[1] << 8 | (unsigned char)s[3];
}

/* Whether a pattern may match a text holding the literals `seen` (vb__lits_find): one of each
 * of its sets (strongest first, the likeliest to be absent). */
static inline bool vb__regex_may_match(const vb__cblang *cb, const vb__cbregex *re,
                                       const unsigned char *seen) {
  if (re->n_literals == 0 || cb->lit_all) return true;
  const uint32_t *id = re->lit_ids;
  for (size_t s = 0; s < re->n_sets; id += re->set_len[s], s++) {
    bool any = false;
    for (size_t q = 0; q < re->set_len[s] && !any; q++) any = seen[id[q]] != 0;
    if (!any) return false;
  }
  return true;
}

/* What loading needs besides the model it fills: stemmers, scratch buffers, and the key and
 * stem of each distinct word of the phrases and terms loaded so far, by language and the word
 * as written (vb__model_add_words): "not", "the", "לא" recur. One per loading task, since
 * stemmers and buffers are not shared between threads (vb_model_options.parallel). */
typedef struct vb__loadctx {
  vb__stemmer *stem[VB_LANG_COUNT];
  vb__norm norm;
  vb__buf buf;
  vb__strmap words[VB_LANG_COUNT]; /* word -> index into words_v */
  struct vb__loadword {
    uint32_t text_off, key_len, stem_len; /* the key, then the stem, in words_text */
    uint32_t key_hash, stem_hash;         /* as in a vb__pword */
  } *words_v;
  size_t n_words, cap_words;
  vb__buf words_text;
} vb__loadctx;

struct vb_model {
  vb__lexicon lex[VB_LANG_COUNT];
  vb__strmap emoji;          /* key -> index into emoji_valence */
  float *emoji_valence;
  size_t n_emoji, cap_emoji;
  vb__theme *themes;
  size_t n_themes, cap_themes;
  bool any_fallback;         /* some theme is a fallback (vb__codebook_finish()) */
  bool any_brand;            /* some theme is a brand (vb__codebook_finish()) */
  vb__strmap theme_ids;      /* id -> theme index */
  vb__cblang cb[VB_LANG_COUNT];
  vb__he_vocab *he_vocab;
  vb__strmap names;          /* name key -> VB__NAME_* (names.c, --redact) */
  vb__strmap brand_names;    /* the words of brand-list terms, keys joined by a space ->
                              * VB__BRAND_* (names.c: a brand's name is no person's) */
  char **files;              /* names of the files loaded, for explanations */
  size_t n_files, cap_files;
  /* while loading */
  bool load_stemtab;         /* stems of built-in words from the build-time table (vb_stems.h) */
  vb__loadctx load;          /* the lexicons', the emoji table's and the Hebrew vocabulary's */
  vb__loadctx *load_cb;      /* the codebooks': &load, or their own when they load beside the
                                lexicons */
};

/* lexicon.c */
/* What lexicon files will add at most, counted before they are loaded (vb__lexicon_count adds
 * a file's lines), so that a language's arrays and maps are sized once for all its files
 * (vb__lexicon_reserve) instead of growing and rehashing while they load. */
typedef struct vb__lexcount {
  size_t words, word_bytes;                  /* lines of one word, their terms' bytes */
  size_t phrases, phrase_words, phrase_bytes; /* lines whose term has a space */
} vb__lexcount;
void vb__lexicon_count(const char *data, size_t len, vb__lexcount *c);
int vb__lexicon_reserve(vb__lexicon *lx, const vb__lexcount *c);
int vb__lexicon_load_valence(vb_model *m, vb_lang lang, const char *name, const char *data,
                             size_t len, vb_error *err);
int vb__lexicon_load_modifiers(vb_model *m, vb_lang lang, const char *name, const char *data,
                               size_t len, vb_error *err);
int vb__emoji_load(vb_model *m, const char *name, const char *data, size_t len, vb_error *err);
void vb__lexicon_free(vb__lexicon *lx);
/* Looks up a valence or modifier entry by key; NULL when absent. */
const vb__lexentry *vb__lexicon_get(const vb__lexicon *lx, const char *key, size_t len);
/* A compound prefix ("jätte", "kæmpe"): true with its strength. */
bool vb__lexicon_prefix(const vb__lexicon *lx, const char *key, size_t len, float *value);
/* The valence entry of a stem for a token with this key: NULL when the token is shorter than
 * every entry behind the stem or does not begin like the shortest of them. */
const vb__lexentry *vb__lexicon_get_stem(const vb__lexicon *lx, const char *stem, size_t len,
                                         const char *key, size_t key_len);
/* The same two with the hash of the key (of the stem) already known. */
const vb__lexentry *vb__lexicon_get_h(const vb__lexicon *lx, const char *key, size_t len,
                                      uint64_t h);
const vb__lexentry *vb__lexicon_get_stem_h(const vb__lexicon *lx, const char *stem, size_t len,
                                           uint64_t h, const char *key, size_t key_len);

/* The slot of a pair of word hashes in vb__lexicon.pair_slots, or of a (chain, second-word
 * hash) key in vb__cblang.chain_pairs (before probing; n_slots a power of two). */
static inline size_t vb__pair_slot(uint64_t pair, size_t n_slots) {
  return (size_t)((pair * 0x9E3779B97F4A7C15ULL) >> 32) & (n_slots - 1);
}
/* A word's bit in a 64-bit set of word hashes (low halves of vb__hash()). */
static inline uint64_t vb__next_bit(uint32_t h) { return 1ULL << (h & 63); }
/* The slot of the list of phrases whose first word's key hashes to `first` and whose second
 * word's key or stem hashes to `second` (low halves of vb__hash()), or NULL. */
static inline const struct vb__pairslot *vb__lexicon_pair_slot(const vb__lexicon *lx,
                                                               uint32_t first, uint32_t second) {
  uint64_t pair = (uint64_t)first << 32 | second;
  if (!lx->n_pair_slots) return NULL;
  for (size_t s = vb__pair_slot(pair, lx->n_pair_slots);; s = (s + 1) & (lx->n_pair_slots - 1)) {
    const struct vb__pairslot *ps = &lx->pair_slots[s];
    if (!ps->head1) return NULL;
    if (ps->pair == pair) return ps;
  }
}
/* The first entry of that list, or -1; the next is pair_next[entry], the phrase entry >> 1.
 * A phrase whose second word's key and stem have the same hash is listed once. Hashes only:
 * the words must still be compared. */
static inline int32_t vb__lexicon_pairs(const vb__lexicon *lx, uint32_t first, uint32_t second) {
  const struct vb__pairslot *ps = vb__lexicon_pair_slot(lx, first, second);
  return ps ? (int32_t)ps->head1 - 1 : -1;
}
/* Lexicon file formats users can import (lexicons/README.md). */
enum { VB_LEXFMT_AUTO = 0, VB_LEXFMT_TSV, VB_LEXFMT_VADER, VB_LEXFMT_AFINN, VB_LEXFMT_SENTIDA };
int vb__lexicon_detect_format(const char *data, size_t len);
/* Rewrites a lexicon of another format as `term TAB valence` lines, one per input line. */
int vb__lexicon_convert(int format, const char *name, const char *data, size_t len,
                        vb__buf *out, vb_error *err);

/* codebook.c */
int vb__codebook_load(vb_model *m, const char *name, const char *data, size_t len,
                      vb_error *err);
void vb__codebook_free(vb_model *m);
/* After every codebook is loaded: builds each language's combined pattern. */
int vb__codebook_finish(vb_model *m);

/* model.c: helpers used while loading */
/* One word's key and stem in a loading context's buffer, with their vb__hash() values. */
typedef struct vb__keystem {
  size_t key_off, key_len, stem_off, stem_len;
  uint64_t key_hash, stem_hash;
} vb__keystem;
/* Normalises and stems one word of a lexicon or codebook entry into lc->buf (valid until the
 * next call) and hashes both. */
int vb__model_key_stem(const vb_model *m, vb__loadctx *lc, vb_lang lang, const char *w,
                       size_t len, vb__keystem *ks);
int vb__model_add_file(vb_model *m, const char *name, uint16_t *index);


/* Splits `term` at spaces and appends each word's key and stem to `wl`; `*count` gets the
 * number of words. With `star`, a '*' may end the last word: `*star` is then set and the
 * '*' left out; a '*' elsewhere is VB_EPARSE. */
int vb__model_add_words(const vb_model *m, vb__loadctx *lc, vb_lang lang, const char *term,
                        vb__wordlist *wl, uint16_t *count, bool *star);

/* Bytes shared at the start of two keys. */
static inline size_t vb__common_prefix(const char *a, size_t na, const char *b, size_t nb) {
  size_t n = 0;
  while (n < na && n < nb && a[n] == b[n]) n++;
  return n;
}

/* names.c: person names for vb_model_redact */
enum {
  VB__NAME_GIVEN = 1,   /* a given name */
  VB__NAME_SURNAME = 2, /* a surname */
  VB__NAME_TITLE = 4,   /* a title: the next word is a name (Mr, herr, מר) */
  VB__NAME_ROLE = 8,    /* a role: a listed name after it is one even if a word (the driver) */
  VB__NAME_WORD = 16,   /* the name is also an ordinary word (Bill, Per, אור) */
  VB__NAME_STOP = 32,   /* a stopword (lexicons/<lang>/stopwords.txt): a word, not a name */
  VB__NAME_AFTER = 64,  /* a word that says the name before it is one: "Per i kundtjänst" */
  VB__NAME_PLACE = 128, /* a word before a place: the name after it is none ("San Diego") */
  VB__NAME_PROPER = 256, /* (with WORD) a month, place or brand too: capitals say nothing */
  VB__NAME_CONJ = 512    /* a conjunction: a name joined to a name by it is one ("Tine og Morten") */
};
/* A span of a text to replace, and what it holds (redact.c). */
typedef struct vb__span {
  size_t start, end;
  int kind;
} vb__span;
typedef struct vb__spans {
  vb__span *v;
  size_t n, cap;
} vb__spans;
static inline int vb__spans_add(vb__spans *s, size_t start, size_t end, int kind) {
  if (s->n == s->cap && vb__grow(&s->v, &s->cap, s->n + 1, sizeof *s->v)) return VB_ENOMEM;
  s->v[s->n++] = (vb__span){start, end, kind};
  return VB_OK;
}
enum { VB__SPAN_EMAIL, VB__SPAN_URL, VB__SPAN_MENTION, VB__SPAN_NUMBER, VB__SPAN_NAME };
/* Adds the lines of a name list (lexicons/README.md, "Names") to m->names. */
int vb__names_load(vb_model *m, const char *name, const char *data, size_t len,
                   vb_error *err);
/* Adds the words of a stopword list to m->names as VB__NAME_STOP. */
int vb__names_load_stopwords(vb_model *m, const char *name, const char *data, size_t len,
                             vb_error *err);
/* The words of speaker labels that name someone, as "word\0" strings in `words` (vb_model_
 * redact_labels): not a title, role, place word, conjunction or stopword of the lists, not a
 * word with a digit or of one letter, not a Latin word in lower case, not a Hebrew word the
 * lexicons or the vocabulary know. */
int vb__names_label_words(const vb_model *m, const char *const *labels, size_t n_labels,
                          vb__buf *words);
/* Adds a brand-list term (its words) to m->brand_names. */
int vb__names_brand_term(vb_model *m, const char *term);
enum { VB__BRAND_TERM = 1, VB__BRAND_START = 2 }; /* a whole term; a term's first word */
/* Appends the spans of the person names among the tokens `t` of `text` to `out`; the
 * `words_len` bytes of `words` (vb__names_label_words) are names wherever they stand. */
int vb__names_find(const vb_model *m, const char *text, const vb__tok *t, size_t n_tok,
                   const char *words, size_t words_len, vb__spans *out);

/* Splits `line` at TABs into at most `max` fields; returns the count. */
size_t vb__split_tabs(char *line, char **fields, size_t max);

#endif
