/*
 * verbatim.h - the public interface of libverbatim.
 *
 * verbatim turns open-ended feedback (survey answers, interview transcripts, social posts) in
 * Swedish, Danish, Hebrew and English into sentiment, themes and root-cause tables joined
 * with numeric scores (NPS, CSAT, CES, ratings).
 *
 * Overview
 * --------
 * The simplest entry point is vb_sentiment_score(): one call, one text, one score.
 *
 * For real work the library has four kinds of object:
 *
 *   vb_model     lexicons, codebook and compiled patterns. Loaded once, immutable after
 *                loading, shared read-only by any number of threads.
 *   vb_analyzer  per-thread working state (stemmers, caches, scratch buffers reused from
 *                document to document). vb_analyzer_run() analyses one document and returns a
 *                vb_result owned by the analyzer, valid until the next run.
 *   vb_reader    reads records (CSV, TSV, JSONL, plain text) from a stream, one at a time,
 *                with file:line positions for every problem.
 *   vb_agg       the aggregate of many results joined with their scores: the root-cause
 *                table. Aggregates can be serialised, read back and merged: merging the
 *                aggregates of the parts of a file gives exactly the aggregate of the whole.
 *
 * Errors: fallible functions return an int, VB_OK (0) or a negative VB_E* code; vb_strerror()
 * gives static text. Where a position matters they fill an optional vb_error (NULL: don't
 * care). The library never prints, never exits and never aborts on out-of-memory.
 *
 * Threads: the library starts no threads. A vb_model may be used by many threads at once;
 * every other object belongs to one thread at a time.
 */
#ifndef VERBATIM_H
#define VERBATIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "verbatim_version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------- */
/* Errors                                                                                   */
/* ---------------------------------------------------------------------------------------- */

enum {
  VB_OK = 0,
  VB_ENOMEM = -1,  /* out of memory */
  VB_EINVAL = -2,  /* invalid argument */
  VB_EUTF8 = -3,   /* invalid UTF-8 */
  VB_EIO = -4,     /* read or write failed */
  VB_EPARSE = -5,  /* malformed input (CSV, JSON, lexicon, codebook, state file) */
  VB_ELANG = -6,   /* unknown or unsupported language */
  VB_ENOTFOUND = -7, /* a named column, field or file was not found */
  VB_ELIMIT = -8,  /* a size limit was exceeded (record, field count, pattern match) */
  VB_EMISMATCH = -9 /* objects made with different options were combined */
};

/** Static English text for an error code; never NULL. */
const char *vb_strerror(int code);

/** Where and why something failed. Filled by functions that take a `vb_error *`. */
typedef struct vb_error {
  int code;          /* one of VB_E* */
  char message[256]; /* what went wrong, without the position */
  char file[256];    /* the file name, or "" */
  long line;         /* 1-based line, or 0 when unknown */
  long column;       /* 1-based byte column, or 0 when unknown */
} vb_error;

/** Returns the library version as "MAJOR.MINOR.PATCH"; a static string. */
const char *vb_version(void);

/**
 * Allocator used by the library for all its own memory. Set it once, before any other call,
 * with vb_set_allocator(); NULL restores malloc/realloc/free. Dependencies that allocate
 * (PCRE2, jansson, libstemmer) use their own allocators. Not thread-safe.
 */
typedef struct vb_allocator {
  void *(*malloc_fn)(size_t size, void *ctx);
  void *(*realloc_fn)(void *ptr, size_t size, void *ctx);
  void (*free_fn)(void *ptr, void *ctx);
  void *ctx;
} vb_allocator;
void vb_set_allocator(const vb_allocator *alloc);

/** Frees memory the library handed to the caller (strings from vb_agg_save() and similar). */
void vb_free(void *ptr);

/* ---------------------------------------------------------------------------------------- */
/* Languages                                                                                */
/* ---------------------------------------------------------------------------------------- */

typedef enum vb_lang {
  VB_LANG_UND = 0, /* undetermined */
  VB_LANG_EN,
  VB_LANG_SV,
  VB_LANG_DA,
  VB_LANG_HE,
  VB_LANG_COUNT
} vb_lang;

/** "en", "sv", "da", "he" or "und"; a static string. */
const char *vb_lang_code(vb_lang lang);
/** Parses a language code (case-insensitive; "auto" and "und" give VB_LANG_UND).
 *  Returns VB_OK, or VB_ELANG for an unknown code. */
int vb_lang_parse(const char *code, vb_lang *out);

/* ---------------------------------------------------------------------------------------- */
/* The one-call interface                                                                   */
/* ---------------------------------------------------------------------------------------- */

/**
 * Scores the sentiment of one UTF-8 text with the built-in lexicons: `*score` in [-1, 1].
 * `lang` is a language code or NULL for automatic identification. Loads the built-in model
 * on every call: convenient, not fast (use a vb_model and a vb_analyzer for many texts).
 */
int vb_sentiment_score(const char *text, size_t len, const char *lang, double *score);

/* ---------------------------------------------------------------------------------------- */
/* Model                                                                                    */
/* ---------------------------------------------------------------------------------------- */

typedef struct vb_model vb_model;

typedef struct vb_model_options {
  /* Folder holding lexicons/<lang>/... and lexicons/themes/; NULL: the lexicons built into
   * the library. */
  const char *data_dir;
  /* Extra codebook files, applied in order after the default one (later ones add themes and
   * override earlier ones with the same id). Our codebook format, a LIWC .dic, a YAML
   * dictionary or a brand list (.brands) (detected from the name or content); "LANG:PATH" puts the words of a LIWC or
   * YAML file in one language (en, sv, da, he), else they apply to all four. */
  const char *const *codebooks;
  size_t n_codebooks;
  /* Brand lists (lexicons/README.md, "Brands"), loaded after the codebooks: each brand becomes
   * the theme brand.ID under the top-level theme "brand", whose themes the tables report as
   * brands (share of voice, net sentiment), not as topics. "LANG:PATH" as for codebooks. */
  const char *const *brands;
  size_t n_brands;
  /* Name lists added to the built-in ones (lexicons/README.md, "Names": a staff roster, the
   * participants of a study), for vb_model_redact. */
  const char *const *names;
  size_t n_names;
  /* Non-zero: do not load the default codebook (only the files in `codebooks`). */
  int no_default_codebook;
  /* Extra valence files (`term TAB valence`), applied after the built-in lexicons; each
   * entry is "LANG:PATH" (for example "sv:my-words.tsv"). */
  const char *const *lexicons;
  size_t n_lexicons;
  /* Optional: lets loading use the caller's threads (the library starts none of its own).
   * When set, part of the loading is split into `n` independent tasks, and this is called
   * once with them: it must call run(arg, i) exactly once for each i in 0..n-1, on any
   * threads, at the same time or in turn, and return when all have returned. The tasks
   * allocate memory (vb_set_allocator's functions must then be thread-safe, as malloc is).
   * NULL: the tasks run in turn on the calling thread. The model is the same either way. */
  void (*parallel)(void *ctx, size_t n, void (*run)(void *arg, size_t i), void *arg);
  void *parallel_ctx; /* passed to `parallel` */
} vb_model_options;

/**
 * Loads a model. `opts` may be NULL (the built-in data). On success `*out` is a new model;
 * release it with vb_model_free(). On failure returns a negative code and fills `err`
 * (file and line of a bad lexicon or codebook entry).
 */
int vb_model_load(const vb_model_options *opts, vb_model **out, vb_error *err);
/** Releases a model; NULL does nothing. No analyzer made from it may be used afterwards. */
void vb_model_free(vb_model *model);

/** Number of themes in the model's codebook (parents included). */
size_t vb_model_theme_count(const vb_model *model);
/** The id ("delivery.late"), label and parent index (-1 for a top-level theme) of theme `i`;
 *  strings owned by the model. NULL / -1 when `i` is out of range. */
const char *vb_model_theme_id(const vb_model *model, size_t i);
const char *vb_model_theme_label(const vb_model *model, size_t i);
long vb_model_theme_parent(const vb_model *model, size_t i);
/** Index of the theme with this id, or -1. */
long vb_model_theme_find(const vb_model *model, const char *id);
/** Non-zero when theme `i` is a tracked brand: the top-level theme "brand" or one under it
 *  (from a brand list, or written so in a codebook). Tables report brands apart from topics. */
int vb_model_theme_is_brand(const vb_model *model, size_t i);
/** Non-zero when theme `i` is a fallback ("fallback: yes" in the codebook, or inherited from
 *  its parent): its mentions count only where no mention of another theme, not a fallback,
 *  shares a byte with them ("fast" in "It was fast", not in "fast delivery"). */
int vb_model_theme_is_fallback(const vb_model *model, size_t i);
/** The description of theme `i` ("" when the codebook gives none); owned by the model. */
const char *vb_model_theme_description(const vb_model *model, size_t i);

/** What vb_model_theme_terms() lists. */
enum { VB_TERMS_MATCH = 0, VB_TERMS_EXCLUDE = 1, VB_TERMS_PATTERN = 2 };
/**
 * The terms of theme `i` in `lang` as text: VB_TERMS_MATCH and VB_TERMS_EXCLUDE give the
 * words of each term in their normalised form ("still waiting", "refund*") joined by "; ",
 * VB_TERMS_PATTERN the PCRE2 patterns one per line. `*out` is new memory (release it with
 * vb_free()); `*count` (may be NULL) gets the number of items. VB_EINVAL for a bad index,
 * language or kind.
 */
int vb_model_theme_terms(const vb_model *model, size_t i, vb_lang lang, int kind, char **out,
                         size_t *count);

/** The GUID of a theme id in the REFI-QDA exports: a name-based UUID (version 5) of the URL
 *  namespace and "verbatim:theme:" + id, in upper case; `out` gets 36 characters and a NUL. */
void vb_theme_guid(const char *id, char out[37]);

/**
 * Writes the model's codebook as a REFI-QDA codebook (.qdc, XML in the namespace
 * urn:QDA-XML:codebook:1.0): one Code per theme, nested as the themes are, with the
 * description, id and terms in its Description. `*out` is new memory (release it with
 * vb_free()); `*len` (may be NULL) gets its length. The same model gives the same bytes.
 */
int vb_codebook_export_qdc(const vb_model *model, char **out, size_t *len);
/** Number of valence entries loaded for a language (0 for VB_LANG_UND). */
size_t vb_model_lexicon_size(const vb_model *model, vb_lang lang);

/* ---------------------------------------------------------------------------------------- */
/* Analysis of one document                                                                 */
/* ---------------------------------------------------------------------------------------- */

typedef enum vb_token_type {
  VB_TOK_WORD = 0,
  VB_TOK_NUMBER,
  VB_TOK_EMOJI,
  VB_TOK_EMOTICON,
  VB_TOK_URL,
  VB_TOK_EMAIL,
  VB_TOK_MENTION,
  VB_TOK_HASHTAG,
  VB_TOK_PUNCT,
  VB_TOK_TYPE_COUNT
} vb_token_type;

/** "word", "number", "emoji", ...; a static string. */
const char *vb_token_type_name(vb_token_type type);

enum {
  VB_TOKF_CAPS = 1,      /* written in capitals (at least two letters, all upper case) */
  VB_TOKF_ELONGATED = 2, /* a letter or mark repeated three or more times ("sooo", "!!!") */
  VB_TOKF_NEGATED = 4,   /* inside the scope of a negator (sentiment) */
  VB_TOKF_COMPOUND = 8,  /* matched through a compound part (themes, sentiment) */
  VB_TOKF_PHRASE = 16    /* a later word of a multi-word lexicon entry, whose valence is on
                            its first word (sentiment) */
};

/** A token: a span of the original text plus its lookup key and stem. The strings are owned
 *  by the analyzer that produced the result and are NOT NUL-terminated. */
typedef struct vb_token {
  size_t start, end; /* byte offsets [start, end) into the document text */
  const char *key;   /* normalised lookup form (NFKC, case-folded, Hebrew marks removed) */
  size_t key_len;
  const char *stem;  /* stem of the key (the key itself where no stemmer applies) */
  size_t stem_len;
  uint16_t type;     /* vb_token_type */
  uint16_t flags;    /* VB_TOKF_* */
  float valence;     /* lexicon valence after rules (0 when none) */
  uint32_t sentence; /* index of the sentence holding the token */
  uint32_t clause;   /* index of the clause holding the token */
} vb_token;

/** A sentence or clause: byte span and token range [tok_begin, tok_end). */
typedef struct vb_span {
  size_t start, end;
  size_t tok_begin, tok_end;
  double sentiment; /* score of this sentence or clause in [-1, 1] */
} vb_span;

typedef enum vb_label { VB_NEGATIVE = -1, VB_NEUTRAL = 0, VB_POSITIVE = 1 } vb_label;

typedef struct vb_sentiment {
  double score;      /* compound score in [-1, 1] */
  double pos, neg, neu; /* shares of positive, negative and neutral weight, summing to 1 */
  int label;         /* vb_label: score <= -0.05 negative, >= 0.05 positive */
  int level;         /* five levels: -2 very negative .. +2 very positive */
  int mixed;         /* non-zero when clear positive and clear negative parts are present */
} vb_sentiment;

/** One mention of a theme. */
typedef struct vb_mention {
  size_t theme;      /* index into the model's themes */
  size_t start, end; /* byte span of the matched words */
  size_t clause;     /* index of the clause holding it */
  double sentiment;  /* sentiment of that clause (aspect sentiment); of a brand that loses a
                        comparison ("better than Vexa", "switched from Vexa"), that turned */
} vb_mention;

/** A switch between brands said in the text: "switched from Vexa to Lumo", "moved over to
 *  Lumo", "ditched Vexa", "bytte från Vexa till Lumo", "skiftede til Lumo", "עברתי מוקסה
 *  ללומו". Found only when a brand list is loaded (HACKING.md, "Brand switching"); a negated
 *  verb ("would never switch to Vexa") is no switch. */
typedef struct vb_switch {
  size_t from, to;   /* theme indices of the brand left and the brand taken up; SIZE_MAX:
                        not named ("moved to Lumo" has no from, "ditched Vexa" no to) */
  size_t start, end; /* byte span from the verb to the last brand named */
} vb_switch;

typedef struct vb_analyzer vb_analyzer;
typedef struct vb_result vb_result;

/**
 * Returns a new analyzer for `model` in `*out`; release it with vb_analyzer_free(). The model
 * must outlive the analyzer. One analyzer per thread.
 */
int vb_analyzer_new(const vb_model *model, vb_analyzer **out);
/** Releases an analyzer; NULL does nothing. */
void vb_analyzer_free(vb_analyzer *an);

enum {
  VB_RUN_TOKENS_ONLY = 1, /* tokenise, normalise and stem only: no sentiment, no themes */
  VB_RUN_EXPLAIN = 2,     /* record why the sentiment is what it is (vb_result_explain) */
  VB_RUN_VALID_UTF8 = 4   /* the caller has made sure the text is valid UTF-8 (vb_reader's
                             fields always are; vb_utf8_check()), so it is not checked again;
                             invalid UTF-8 with this flag is undefined behaviour */
};

/** The rules that make a sentiment score, in the order they apply to a token:
 *  valence = ((base + prefix + boosters + caps + elongation) x negation) x contrast x question;
 *  a sentence's sum of valences gets the punctuation amount added (in its direction), is
 *  normalised as S / sqrt(S^2 + 15) for the sentence's score; the document score is the same
 *  normalisation of (the sum of the sentences' S) / sqrt(k), k the sentences with S != 0. */
typedef enum vb_explain_kind {
  VB_EXPLAIN_ENTRY = 0,  /* a lexicon word: value = its valence; source/line = the entry */
  VB_EXPLAIN_STEM,       /* a lexicon entry matched through the token's stem */
  VB_EXPLAIN_PHRASE,     /* a multi-word entry over tokens [token, token_end) */
  VB_EXPLAIN_EMOJI,      /* an emoji or emoticon: value = its valence */
  VB_EXPLAIN_PREFIX,     /* an intensifying compound prefix (jättebra): value = added */
  VB_EXPLAIN_BOOSTER,    /* a booster or dampener `other` tokens away: value = added */
  VB_EXPLAIN_CAPS,       /* capitals for emphasis: value = added */
  VB_EXPLAIN_ELONGATION, /* "sooo": value = added */
  VB_EXPLAIN_NEGATION,   /* in the scope of negator token `other`: value = the multiplier */
  VB_EXPLAIN_CONTRAST,   /* before/after contrast token `other`: value = the multiplier */
  VB_EXPLAIN_PUNCT,      /* ! and ? of sentence `token`: value = added to the sentence sum */
  VB_EXPLAIN_QUESTION    /* in a choice question ("Which is better, A or B?"), or a positive
                            word in a question that is not a tag question: value = 0 */
} vb_explain_kind;

typedef struct vb_explain {
  int kind;              /* vb_explain_kind */
  size_t token;          /* the token (the sentence for VB_EXPLAIN_PUNCT) */
  size_t token_end;      /* one past the last token (phrases), else token + 1 */
  size_t other;          /* the modifying token (booster, negator, contrast word) */
  double value;
  const char *source;    /* file of the lexicon entry (owned by the model), or NULL */
  long line;             /* its line, or 0 */
} vb_explain;

typedef struct vb_run_options {
  vb_lang lang;         /* the document's language, or VB_LANG_UND to identify it */
  vb_lang lang_default; /* used when identification cannot tell (short texts) */
  unsigned flags;       /* VB_RUN_* */
} vb_run_options;

/**
 * Analyses one document of `len` bytes of valid UTF-8 (see vb_utf8_repair()). `opts` may be
 * NULL (identify the language, do everything). On success `*out` points to a result owned by
 * `an`, valid until the next call on `an`. Returns VB_EUTF8 for invalid UTF-8.
 */
int vb_analyzer_run(vb_analyzer *an, const char *text, size_t len, const vb_run_options *opts,
                    const vb_result **out);

vb_lang vb_result_lang(const vb_result *r);
/** Confidence of the language decision in [0, 1] (1 when given by the caller). */
double vb_result_lang_confidence(const vb_result *r);
/** The document text the result refers to (owned by the caller of vb_analyzer_run). */
const char *vb_result_text(const vb_result *r, size_t *len);
/** Arrays owned by the analyzer, valid until its next run; the count is returned. */
size_t vb_result_tokens(const vb_result *r, const vb_token **tokens);
size_t vb_result_sentences(const vb_result *r, const vb_span **sentences);
size_t vb_result_clauses(const vb_result *r, const vb_span **clauses);
size_t vb_result_mentions(const vb_result *r, const vb_mention **mentions);
/** The switches between brands in the text, in the order of the text (none without brands). */
size_t vb_result_switches(const vb_result *r, const vb_switch **switches);
const vb_sentiment *vb_result_sentiment(const vb_result *r);
/** The sentiment of a part of the text: the document's formulas over the sentences, clauses
 *  and tokens that lie wholly in bytes [start, end) (for a survey's several answers joined
 *  into one text, each answer's own sentiment). The words' valences are those the whole
 *  text gave them. The whole text gives what vb_result_sentiment() says. VB_OK, or
 *  VB_EINVAL when start > end or end is past the text. */
int vb_result_sentiment_range(const vb_result *r, size_t start, size_t end, vb_sentiment *out);
/** The explanation of the sentiment (when run with VB_RUN_EXPLAIN, else 0 items), in the
 *  order the rules applied. Owned by the analyzer, valid until its next run. */
size_t vb_result_explain(const vb_result *r, const vb_explain **items);
/** Codebook patterns (LANG.re:) that gave up on this text because a PCRE2 limit was hit (a
 *  pattern that backtracks catastrophically on a long text; match, depth and heap are bounded
 *  so that no pattern can hang a run). Their matches are missing from the mentions; terms and
 *  the other patterns are unaffected. `*theme` (may be NULL) gets the theme of the first one,
 *  or SIZE_MAX when it was one of the patterns without literals, which run joined. */
size_t vb_result_pattern_limits(const vb_result *r, size_t *theme);

/** Stems one word (any case) for `lang` with the analyzer's stemmer. `*out` is owned by the
 *  analyzer and valid until its next call. */
int vb_analyzer_stem(vb_analyzer *an, vb_lang lang, const char *word, size_t len,
                     const char **out, size_t *out_len);

/** Identifies the language of a text without a full analysis; `confidence` may be NULL. */
vb_lang vb_analyzer_langid(vb_analyzer *an, const char *text, size_t len, vb_lang lang_default,
                           double *confidence);

/* ---------------------------------------------------------------------------------------- */
/* UTF-8 and numbers                                                                        */
/* ---------------------------------------------------------------------------------------- */

/* ---------------------------------------------------------------------------------------- */
/* Privacy                                                                                  */
/* ---------------------------------------------------------------------------------------- */

enum {
  VB_REDACT_EMAIL = 1,   /* e-mail addresses -> "[email]" */
  VB_REDACT_URL = 2,     /* URLs -> "[url]" */
  VB_REDACT_MENTION = 4, /* @handles -> "[@user]" */
  VB_REDACT_NUMBER = 8,  /* numbers of 7 digits or more, separators inside them included
                          * (phone, personal, card and account numbers) -> "[number]"; dates,
                          * times and year ranges are kept */
  VB_REDACT_ALL = 15,    /* the four kinds above (names need a model) */
  VB_REDACT_NAME = 16    /* person names -> "[name]": the model's name lists with context
                          * rules (lexicons/README.md, "Names"); vb_model_redact only */
};

/**
 * Copies `text` with the personal data of the kinds in `what` replaced by placeholders
 * (above). `*out` is new memory holding `*out_len` bytes and a NUL (release it with
 * vb_free()); `*n_replaced` (may be NULL) gets the number of replacements. The text is UTF-8
 * (repaired text from vb_reader is). VB_OK, VB_ENOMEM or VB_EINVAL (also for VB_REDACT_NAME,
 * which needs the model: vb_model_redact).
 */
int vb_redact(const char *text, size_t len, unsigned what, char **out, size_t *out_len,
              size_t *n_replaced);
/**
 * The same with the name lists of `model` (the built-in ones and vb_model_options.names), so
 * that `what` may include VB_REDACT_NAME: VB_REDACT_ALL | VB_REDACT_NAME takes everything
 * out. Names next to each other become one "[name]"; titles and roles stay ("Mr [name]");
 * proclitics and possessive endings stay (ל[name], [name]'s). The model is only read: any
 * number of threads may call this at once.
 */
int vb_model_redact(const vb_model *model, const char *text, size_t len, unsigned what,
                    char **out, size_t *out_len, size_t *n_replaced);
/**
 * vb_model_redact() that also takes the words of `labels` (n_labels speaker labels of a
 * transcript, "Sara Lind", "Wojciech (R)") for names wherever they stand as words of the text,
 * listed or not: the same letters in the same case, with a possessive or genitive ending, or in
 * Hebrew after a proclitic (לאורית). A label's words that only say a role (Interviewer,
 * Respondent, Customer, מראיין: the name lists' titles, roles and stopwords), words with a
 * digit or of one letter, Latin words in lower case and Hebrew words the lexicons know are not
 * taken. Without VB_REDACT_NAME the labels do nothing. VB_EINVAL also when n_labels > 0 and
 * labels is NULL.
 */
int vb_model_redact_labels(const vb_model *model, const char *text, size_t len, unsigned what,
                           const char *const *labels, size_t n_labels, char **out,
                           size_t *out_len, size_t *n_replaced);

/** Returns the byte offset of the first invalid UTF-8 sequence in `s`, or `len` when all of
 *  it is valid (overlong forms, surrogates and code points above U+10FFFF are invalid). */
size_t vb_utf8_check(const char *s, size_t len);

/**
 * Copies `s` to `out` (capacity `cap`, at least 3 * len bytes) replacing each invalid
 * sequence by U+FFFD. Returns the new length; `*n_bad` (may be NULL) receives the number of
 * replacements.
 */
size_t vb_utf8_repair(const char *s, size_t len, char *out, size_t cap, size_t *n_bad);

/**
 * Parses a score field: surrounding blanks ignored, a decimal comma ("8,5") or point, an
 * optional sign. Returns VB_OK and sets `*out`; VB_ENOTFOUND for an empty field (a missing
 * score); VB_EPARSE for anything else (text, NaN, infinity, out of double range).
 */
int vb_parse_number(const char *s, size_t len, double *out);

/* ---------------------------------------------------------------------------------------- */
/* Reading records                                                                          */
/* ---------------------------------------------------------------------------------------- */

typedef enum vb_format {
  VB_FORMAT_AUTO = 0, /* from the file name; on a stream: JSONL when the first byte is '{' */
  VB_FORMAT_CSV,
  VB_FORMAT_TSV,
  VB_FORMAT_JSONL,
  VB_FORMAT_TXT,
  VB_FORMAT_TRANSCRIPT /* interview transcripts: speaker turns (verbatim.1, TRANSCRIPTS) */
} vb_format;

/** Parses "csv", "tsv", "jsonl", "ndjson", "txt", "transcript", "vtt" (WebVTT is read as a
 *  transcript); VB_EINVAL otherwise. */
int vb_format_parse(const char *name, vb_format *out);
/** The format a file name implies from its extension, or VB_FORMAT_AUTO. */
vb_format vb_format_from_name(const char *path);

typedef struct vb_reader vb_reader;

typedef struct vb_reader_options {
  vb_format format;     /* VB_FORMAT_AUTO: from `name` */
  const char *name;     /* file name for messages ("-" or NULL: "<stdin>") */
  char delimiter;       /* CSV: 0 to detect among , ; TAB from the header line */
  size_t max_field;     /* bytes; a longer field makes the record an error. 0: 16 MiB */
  size_t max_fields;    /* fields per record; 0: 10,000 */
  /* Transcripts: the interviewer's speaker labels, comma-separated, matched whole (case
   * aside); NULL: the names of the role in the four languages ("I", "Interviewer",
   * "Moderator", "Intervjuare", "מראיין" ...), also with a number ("Interviewer 2"). */
  const char *interviewers;
  /* Transcripts: what a record is: VB_UNIT_TURN (0), each speaker turn, the interviewer's
   * included (field "role" tells whose); VB_UNIT_RESPONDENT, all the turns of a respondent
   * in one interview, joined by a blank line, the interviewer's left out. */
  int unit;
  /* The input's encoding: NULL or "utf-8" for UTF-8; "utf-16" (little-endian unless a
   * byte-order mark says otherwise), "utf-16le", "utf-16be"; or any encoding of one byte a
   * character that keeps ASCII and that iconv knows ("windows-1252", the CSV that Excel
   * writes in Sweden and Denmark; "windows-1255" in Israel; "iso-8859-1", "iso-8859-8" ...).
   * A UTF-16 byte-order mark is followed whatever this says; a UTF-8 one makes it UTF-8 (said
   * as a warning when another was given). Line numbers count the file's lines; columns are
   * the file's bytes in a one-byte encoding and UTF-8 bytes in UTF-16. */
  const char *encoding;
} vb_reader_options;

enum { VB_UNIT_TURN = 0, VB_UNIT_RESPONDENT = 1 };

/** Whether vb_reader can read input in the encoding `name` (vb_reader_options.encoding):
 *  VB_OK, or VB_EINVAL with the reason in `err` (may be NULL). */
int vb_encoding_check(const char *name, vb_error *err);

/** Severity of a problem reported while reading. */
enum { VB_PROBLEM_WARNING = 1, VB_PROBLEM_ERROR = 2 };

/** Called for each problem found while reading (may be NULL to ignore them). `err` holds the
 *  file, line, column and message. */
typedef void (*vb_problem_fn)(void *ctx, int severity, const vb_error *err);

/**
 * Returns a new reader on `fp` (read sequentially; not closed by the reader) in `*out`;
 * release it with vb_reader_free(). Reads the header now (CSV, TSV), so that columns can be
 * looked up; a missing or empty header is an error (VB_EPARSE, VB_EIO for a read error),
 * an empty input gives VB_ENOTFOUND, a UTF-32 input VB_EUTF8, an encoding that cannot be
 * read (vb_reader_options.encoding) VB_EINVAL.
 */
int vb_reader_new(FILE *fp, const vb_reader_options *opts, vb_problem_fn problem, void *ctx,
                  vb_reader **out, vb_error *err);
void vb_reader_free(vb_reader *rd);

/**
 * Asks the reader to call `fn(ctx)` whenever it is about to wait for input that has not
 * arrived yet. Only inputs that are pipes, sockets or terminals wait; a regular file never
 * does, and neither does any input where the C library's FILE cannot be inspected (only glibc's
 * is). Records from such a stream are returned as soon as their last line has arrived, and a
 * streaming caller uses `fn` to write out the results it holds, so that a result does not wait
 * for the records after it. `fn` runs inside vb_reader_next(), on its thread; NULL stops it.
 */
void vb_reader_on_wait(vb_reader *rd, void (*fn)(void *ctx), void *ctx);

/** The format in use (after detection). */
vb_format vb_reader_format(const vb_reader *rd);

/**
 * Declares a field the caller wants (a column name; for JSONL a key or a dotted path such as
 * "answer.text"; for plain text only "text" exists; for a transcript "text", "id",
 * "interview", "speaker", "role" (interviewer, respondent, or unknown before the first
 * label), "turn", "turns", "time", "line", "respondent", "speakers" (the interview's speaker
 * labels, each once, a line each) and the interview's own fields
 * ("# date: 2026-10-21")). Returns its handle (>= 0), or
 * VB_ENOTFOUND when a CSV/TSV header has no such column (fills `err` with the columns found).
 */
int vb_reader_field(vb_reader *rd, const char *name, vb_error *err);

/** The header's column names (CSV/TSV); NULL for other formats. Owned by the reader. */
size_t vb_reader_columns(const vb_reader *rd, const char *const **names);

/** One record. Valid until the next vb_reader_next() on the same reader. */
typedef struct vb_record {
  long line;          /* the line the record starts on (1-based) */
  long line_end;      /* the line it ends on */
  size_t index;       /* 1-based record number */
  int error;          /* 0, or a VB_E* code: the record could not be read properly */
  char error_msg[160];
  unsigned n_invalid_utf8; /* invalid sequences replaced by U+FFFD in this record */
} vb_record;

/**
 * Reads the next record. Returns 1 with `*rec` set, 0 at the end of input, or a negative
 * code for a read error (the input can't be read further). A record with problems is still
 * returned (with `error` set when its fields are not to be trusted); each problem is also
 * passed to the reader's problem function.
 */
int vb_reader_next(vb_reader *rd, const vb_record **rec);

/** The value of field `handle` in the current record: a pointer owned by the reader (valid
 *  until the next vb_reader_next) and its length, or NULL when the record lacks the field.
 *  JSON numbers, booleans are given as their text; JSON null is NULL. */
const char *vb_reader_get(const vb_reader *rd, int handle, size_t *len);

/** A field of a record: its name and value, UTF-8, each NUL-terminated. */
typedef struct vb_field {
  const char *name, *value;
  size_t name_len, value_len;
} vb_field;

/**
 * Every field of the current record, in the input's order, for a caller that does not know
 * the names beforehand (vb_reader_field() asks for one by name): CSV and TSV, every column of
 * the header (a value missing from a short row is empty); JSONL, every top-level member whose
 * value is a string, a number or a boolean (numbers and booleans as their text, as
 * vb_reader_get() gives them; objects, arrays and null left out); a transcript, the
 * interview's own fields ("# key: value", the first of a repeated key); plain text, none. An
 * error record has none. JSONL needs vb_reader_keep_fields() before the record is read (it
 * gives none without). The array and its strings are owned by the reader, valid until the
 * next vb_reader_next(). Returns VB_OK, or VB_ENOMEM.
 */
int vb_reader_record_fields(vb_reader *rd, const vb_field **fields, size_t *n);
/** Keeps what vb_reader_record_fields() needs from the next record on: JSONL lines are then
 *  all read by jansson, not by the reader's faster scan, which writes into the line. */
void vb_reader_keep_fields(vb_reader *rd);

/** Records read so far and problems reported (warnings, errors). */
void vb_reader_stats(const vb_reader *rd, size_t *records, size_t *warnings, size_t *errors);

/* ---------------------------------------------------------------------------------------- */
/* Aggregation: the root-cause table                                                        */
/* ---------------------------------------------------------------------------------------- */

typedef enum vb_score_type {
  VB_SCORE_NONE = 0, /* no score column: counts and sentiment only */
  VB_SCORE_NPS,      /* 0-10 likelihood to recommend */
  VB_SCORE_CSAT,     /* 1-5 satisfaction */
  VB_SCORE_CES,      /* 1-7 agreement that it was easy */
  VB_SCORE_RATING    /* any other numeric score (stars, 1-10 ...) */
} vb_score_type;

/** "none", "nps", "csat", "ces", "rating"; a static string. */
const char *vb_score_type_name(vb_score_type type);
int vb_score_type_parse(const char *name, vb_score_type *out);
/** Guesses the score type from the smallest and largest value seen. */
vb_score_type vb_score_type_guess(double min, double max);
/** Non-zero when `value` lies on the scale of `type` (NPS: integer 0..10 ...). */
int vb_score_valid(vb_score_type type, double value);

typedef struct vb_agg vb_agg;

/**
 * Returns a new, empty aggregate in `*out` for the themes of `model` and scores of `type`;
 * release it with vb_agg_free().
 */
int vb_agg_new(const vb_model *model, vb_score_type type, vb_agg **out);
void vb_agg_free(vb_agg *agg);

/** Adds one analysed record. `has_score` zero: the score is missing. A result that is NULL
 *  counts the record as not analysed (an error record). */
int vb_agg_add(vb_agg *agg, const vb_result *r, int has_score, double score);

/** Sets the score type after the records were added (when it is guessed from the values
 *  seen). VB_EINVAL when a score already added lies outside the new type's scale. */
int vb_agg_set_score_type(vb_agg *agg, vb_score_type type);
/** The score type of an aggregate. */
vb_score_type vb_agg_score_type(const vb_agg *agg);

/** Adds everything in `from` to `into`. Both must have the same score type and themes
 *  (VB_EMISMATCH otherwise). */
int vb_agg_merge(vb_agg *into, const vb_agg *from);

/** Serialises the aggregate (a text format; see HACKING.md). `*buf` is new memory; release it
 *  with vb_free(). */
int vb_agg_save(const vb_agg *agg, char **buf, size_t *len);
/** Reads an aggregate written by vb_agg_save() (untrusted input: every field is checked).
 *  Returns a new aggregate in `*out`. `model` gives the themes it must match. */
int vb_agg_load(const vb_model *model, const char *buf, size_t len, vb_agg **out,
                vb_error *err);

/* ---- richer aggregates: several scores, segments, periods, drivers, quotes ---- */

#define VB_AGG_MAX_SCORES 8      /* score columns in one aggregate */
#define VB_AGG_MAX_DRIVERS 16    /* numeric driver columns (besides the theme indicators) */
#define VB_AGG_MAX_SEGMENTS 1000 /* distinct values of the segment column */
#define VB_AGG_MAX_PERIODS 2000  /* distinct periods of the date column */
#define VB_AGG_QUOTES 3          /* quotes kept per theme and kind */
#define VB_AGG_MAX_QUESTIONS 32  /* questions whose answers are joined into one text */

typedef enum vb_period {
  VB_PERIOD_NONE = 0,
  VB_PERIOD_DAY,
  VB_PERIOD_WEEK,   /* ISO weeks, Monday to Sunday */
  VB_PERIOD_MONTH,
  VB_PERIOD_QUARTER
} vb_period;

/** "none", "day", "week", "month", "quarter"; a static string. */
const char *vb_period_name(vb_period p);
/** VB_OK and `*out`, or VB_EINVAL for an unknown name. */
int vb_period_parse(const char *name, vb_period *out);
/** Parses a date: YYYY-MM-DD (optionally followed by a time: "T12:00", " 12:00:00Z" ...),
 *  YYYY/MM/DD, DD.MM.YYYY or DD/MM/YYYY; surrounding blanks ignored. `*days` is the number of
 *  days since 1970-01-01. VB_EPARSE for anything else, including impossible dates. */
int vb_date_parse(const char *s, size_t len, long *days);
/** The period holding a day: the day itself, the Monday of its ISO week, year * 12 + month - 1,
 *  or year * 4 + quarter - 1. */
long vb_period_key(vb_period p, long days);
/** Writes the period's label ("2026-08-01", "2026-W31", "2026-08", "2026-Q3") into buf. */
void vb_period_label(vb_period p, long key, char *buf, size_t cap);

/** What an aggregate collects besides the theme table. Strings are copied. */
typedef struct vb_agg_options {
  size_t n_scores;                 /* score columns, 0..VB_AGG_MAX_SCORES */
  const char *const *score_names;  /* their names (for the table), may be NULL */
  const vb_score_type *score_types;/* their types; VB_SCORE_RATING while a type is guessed */
  const char *by;                  /* segment column name, or NULL */
  const char *date;                /* date column name, or NULL */
  vb_period period;                /* with `date` */
  int drivers;                     /* non-zero: key-driver statistics of the first score */
  size_t n_drivers;                /* numeric driver columns, 0..VB_AGG_MAX_DRIVERS */
  const char *const *driver_names;
  /* A survey's several open-ended questions whose answers are joined into one text a record
   * (vb_agg_record.answers): a table per question as well. 0 or 2..VB_AGG_MAX_QUESTIONS. */
  size_t n_questions;
  const char *const *question_names;
} vb_agg_options;

/**
 * Returns a new, empty aggregate in `*out` collecting what `opt` asks for; release it with
 * vb_agg_free(). vb_agg_new(model, type, out) is the same with one score column (none for
 * VB_SCORE_NONE). VB_EINVAL for limits exceeded or a period without a date column.
 */
int vb_agg_new_with(const vb_model *model, const vb_agg_options *opt, vb_agg **out);

enum { VB_VALUE_MISSING = 0, VB_VALUE_OK = 1, VB_VALUE_BAD = 2 };
/** A number read from a record: its status says whether it was there and usable. */
typedef struct vb_value {
  double v;
  int status; /* VB_VALUE_MISSING (empty or absent), VB_VALUE_OK, VB_VALUE_BAD (unreadable or
                 outside the score's scale: counted and reported as such) */
} vb_value;

/** Where the answer to one question lies in a record's text (questions: vb_agg_options). */
typedef struct vb_agg_answer {
  size_t question;         /* index into vb_agg_options.question_names */
  size_t start, end;       /* the answer's bytes in the result's text */
} vb_agg_answer;

/** One record for vb_agg_add_record(). */
typedef struct vb_agg_record {
  const vb_result *result;    /* NULL: the record could not be analysed */
  const vb_value *scores;     /* one per score column; NULL: all missing */
  const vb_value *drivers;    /* one per driver column; NULL: all missing */
  const char *segment;        /* value of the segment column; NULL or empty: "(none)" */
  size_t segment_len;
  int has_date;               /* non-zero: `date` holds days since 1970-01-01 */
  long date;
  const char *id;             /* the record's id (kept with its quotes), may be NULL */
  size_t id_len;
  const vb_agg_answer *answers; /* the questions the record answered, each at most once, in */
  size_t n_answers;             /* the order of the text, not overlapping; may be none */
} vb_agg_record;

/**
 * Adds one record. A VB_VALUE_OK score outside its column's scale gives VB_EINVAL and adds
 * nothing; so do answers to an unknown question, to one question twice, out of order,
 * overlapping or past the text. VB_ELIMIT when the record would be the
 * (VB_AGG_MAX_SEGMENTS + 1)th segment or the (VB_AGG_MAX_PERIODS + 1)th period (nothing is
 * added), VB_ENOMEM.
 */
int vb_agg_add_record(vb_agg *agg, const vb_agg_record *rec);
/** vb_agg_set_score_type() for score column `i`. */
int vb_agg_set_score_type_at(vb_agg *agg, size_t i, vb_score_type type);
/** Number of score columns and the type of column `i` (VB_SCORE_NONE when out of range). */
size_t vb_agg_score_count(const vb_agg *agg);
vb_score_type vb_agg_score_type_at(const vb_agg *agg, size_t i);

/** A quote: an excerpt of a record (at most about 240 bytes), with the theme span marked. */
typedef struct vb_quote {
  const char *text;            /* the excerpt, UTF-8, owned by the table */
  size_t len;
  size_t span_start, span_end; /* the theme's words within the excerpt (equal: none) */
  int cut_start, cut_end;      /* non-zero: the record's text goes on before / after */
  const char *id;              /* the record's id ("" if none) */
  double sentiment;            /* of the mention's clause, or of the whole text */
  double score;                /* the record's first score (NaN if none) */
} vb_quote;

/** How a p-value was computed. */
typedef enum vb_test {
  VB_TEST_NONE = 0,
  VB_TEST_NPS_Z,     /* z on the difference of two NPS (adjusted-Wald standard errors) */
  VB_TEST_EXACT_2X3, /* Fisher-Freeman-Halton exact test on promoters/passives/detractors */
  VB_TEST_PROP_Z,    /* two-proportion z test (top-2-box share) */
  VB_TEST_FISHER,    /* Fisher's exact test on the 2 x 2 table of top-2-box share */
  VB_TEST_WELCH      /* Welch's t test on the means */
} vb_test;
/** "-", "nps-z", "exact", "z", "fisher", "welch"; a static string. */
const char *vb_test_name(int test);

/** Where a theme sits in the common/rare x severe/mild grid. */
typedef enum vb_verdict {
  VB_VERDICT_NONE = 0,      /* no score */
  VB_VERDICT_TOO_FEW,       /* too few scored mentions to conclude */
  VB_VERDICT_COMMON_SEVERE, /* prevalence >= 10% and the score gap is large and significant */
  VB_VERDICT_RARE_SEVERE,
  VB_VERDICT_COMMON_MILD,   /* the gap is small or not significant */
  VB_VERDICT_RARE_MILD,
  VB_VERDICT_COMMON_LIFT,   /* a large, significant gap upwards: the theme lifts the score */
  VB_VERDICT_RARE_LIFT
} vb_verdict;
/** "-", "too few", "common, severe", ...; a static string. */
const char *vb_verdict_name(int verdict);

/** Score summary over a set of records. */
typedef struct vb_score_summary {
  size_t n;            /* records with a valid score */
  double value;        /* NPS (-100..100), CSAT top-2-box %, CES mean, rating mean */
  double ci_low, ci_high; /* 95% interval of `value` */
  double mean;         /* mean of the raw scores */
  double top, middle, bottom; /* NPS: promoter/passive/detractor shares; CSAT: 4-5 / 3 / 1-2;
                                 CES: 5-7 / 4 / 1-3 (as fractions) */
} vb_score_summary;

/** One row of the theme table. */
typedef struct vb_theme_row {
  size_t theme;           /* index into the model's themes */
  size_t n;               /* records mentioning the theme (or a child theme) */
  double prevalence;      /* n / analysed records */
  double prev_low, prev_high; /* Wilson 95% interval */
  vb_score_summary with;  /* score among records mentioning the theme */
  vb_score_summary without; /* among records not mentioning it */
  double impact;          /* score(all) - score(not mentioning) */
  double p, q;            /* significance of with vs without; q after Benjamini-Hochberg */
  double neg_share;       /* share of the theme's mentions in negative clauses */
  int too_few;            /* non-zero: too few scored mentions to conclude */
  size_t neg, pos;        /* records with a mention in a negative / positive clause */
  double gap;             /* with.value - without.value */
  int test;               /* vb_test behind `p` */
  int verdict;            /* vb_verdict */
  size_t n_neg_quotes, n_pos_quotes; /* the most representative negative / positive mentions */
  vb_quote neg_quotes[VB_AGG_QUOTES], pos_quotes[VB_AGG_QUOTES];
} vb_theme_row;

/** One row of the brand table: a brand (a theme under "brand"; the theme "brand" itself is
 *  not a row). Computed as a theme's row, with the brand's share of voice and net sentiment. */
typedef struct vb_brand_row {
  vb_theme_row row;       /* as for a theme: mentions, prevalence, score, impact, p, q (q across
                             the brands), quotes */
  double share;           /* share of voice: row.n / the sum of row.n over the brands */
  double share_low, share_high; /* Wilson 95% interval */
  double net;             /* net sentiment (pos - neg) / (pos + neg) of the records with a
                             positive or negative mention, -1..1; NaN when none */
  double net_low, net_high; /* 95% interval of net (adjusted Wald, as for NPS) */
} vb_brand_row;

/** Two themes mentioned in the same records (ATLAS.ti's code co-occurrence, METRICS.md).
 *  Topic themes only (no brand), never a theme with its ancestor. */
typedef struct vb_pair_row {
  size_t a, b;            /* theme indices, a < b */
  size_t n;               /* records mentioning both */
  size_t n_a, n_b;        /* records mentioning each */
  double c;               /* n / (n_a + n_b - n), 0..1: ATLAS.ti's c-coefficient */
  double lift;            /* n / (n_a n_b / analysed): 1 = as often as chance would have it */
  double p, q;            /* one-sided: P(at least n together by chance), hypergeometric; q after
                             Benjamini-Hochberg across every pair of themes both mentioned */
  vb_score_summary score; /* the score of the records mentioning both */
} vb_pair_row;

/** A topic theme mentioned in the records that name a brand: what the brand is talked about
 *  with (METRICS.md's co-occurrence, with the brand as one side). Every topic theme, parents
 *  included; never another brand. */
typedef struct vb_brand_theme_row {
  size_t brand, theme;    /* theme indices: the brand (vb_model_theme_is_brand()), the topic */
  size_t n;               /* records naming the brand and mentioning the theme */
  size_t n_brand, n_theme; /* records naming the brand; records mentioning the theme */
  double share;           /* n / n_brand: the theme's share of the brand's records */
  double share_rest;      /* (n_theme - n) / (analysed - n_brand): its share of the other
                             records (NaN when every record names the brand) */
  double lift;            /* n / (n_brand n_theme / analysed): 1 = as often as chance */
  double p, q;            /* one-sided: P(at least n together by chance), hypergeometric; q after
                             Benjamini-Hochberg across every brand with every mentioned topic */
  size_t neg, pos;        /* of the n records, those where the theme is mentioned in a negative /
                             positive clause (a record can count for both) */
  vb_score_summary score; /* the score of the n records */
} vb_brand_theme_row;

/** Two brands named in the same records (competitor co-mentions, METRICS.md's co-occurrence
 *  with a brand on each side), and how each fares there. */
typedef struct vb_brand_pair_row {
  size_t a, b;            /* theme indices of the two brands, a < b */
  size_t n;               /* records naming both */
  size_t n_a, n_b;        /* records naming each */
  double lift;            /* n / (n_a n_b / analysed): 1 = as often as chance */
  double p, q;            /* one-sided: P(at least n together by chance), hypergeometric; q after
                             Benjamini-Hochberg across every pair of named brands */
  size_t a_neg, a_pos;    /* of the n records, those where a is named in a negative / positive
                             clause (a record can count for both) */
  size_t b_neg, b_pos;    /* the same for b */
  double a_net, a_net_low, a_net_high; /* a's net sentiment in those records, (pos - neg) /
                             (pos + neg), -1..1, with its 95% interval (as vb_brand_row.net);
                             NaN when a has no positive or negative mention there */
  double b_net, b_net_low, b_net_high; /* the same for b */
  vb_score_summary score; /* the score of the n records */
} vb_brand_pair_row;

/** A switch between brands said in the records (vb_switch): "switched from Vexa to Lumo". */
typedef struct vb_switch_row {
  size_t from, to;        /* theme indices of the brand left and the brand taken up; SIZE_MAX:
                             not named ("moved to Lumo", "ditched Vexa") */
  size_t n;               /* records saying it (a record counts once per switch) */
  vb_score_summary score; /* the score of those records */
} vb_switch_row;

/** A brand's switches: what it loses and wins, and what those who leave or come say. */
typedef struct vb_switch_brand_row {
  size_t brand;           /* theme index */
  size_t lost, won;       /* switches away from the brand and to it, as vb_switch_row.n adds
                             them up: a record counts once per switch */
  size_t n_lost_quotes, n_won_quotes; /* the most telling records of each, the switch marked */
  vb_quote lost_quotes[VB_AGG_QUOTES], won_quotes[VB_AGG_QUOTES];
} vb_switch_brand_row;

/** One segment (a value of the --by column). */
typedef struct vb_segment {
  const char *name;        /* "(none)" for records without a value */
  size_t records, analysed, missing_score;
  size_t sent_pos, sent_neg, sent_neu;
  vb_score_summary score;  /* the segment's own score */
  vb_score_summary rest;   /* all other records */
  double diff;             /* score.value - rest.value */
  double p, q;             /* significance against the rest; q across segments */
  int test;
  size_t n_rows;
  vb_theme_row *rows;      /* the theme table within the segment, sorted by impact */
  size_t n_brands;
  vb_brand_row *brands;    /* the brands within the segment, most mentioned first */
} vb_segment;

/** One period of the --date column. */
typedef struct vb_period_row {
  long key;
  char label[16];
  size_t records, analysed, missing_score;
  vb_score_summary score;
  double change;           /* score - the previous period's score (NaN for the first) */
  double change_p;         /* significance of the change */
  int change_test;
  double baseline;         /* the part of the records mentioning none of the attribution
                              themes, worked out as a theme's (trend.c) */
  double *contrib;         /* [n_players]: Shapley share of the change per attribution theme;
                              baseline + the sum of contrib = change */
  int exact;               /* always 1: the split is a closed form, exact for any number of
                              themes (kept for the JSON's "exact") */
  size_t n_rows;
  vb_theme_row *rows;      /* per theme: n, prevalence, score, impact in the period */
  size_t n_brands;
  vb_brand_row *brands;    /* per brand: share of voice and net sentiment in the period */
} vb_period_row;

/** A theme whose mentions rose beyond what the trailing periods predict. */
typedef struct vb_rising {
  size_t theme;
  size_t period;           /* index into periods */
  size_t count;            /* records mentioning it in the period */
  double expected;         /* lambda: the trailing rate times the period's records */
  double z, p, q;          /* Poisson z, one-sided Poisson p, q across all tests */
  int emerging;            /* no mention at all in the trailing window */
  int negative;            /* the count is of records whose mention of the theme sits in a
                              negative clause (a rise in complaints), not of all mentioners */
} vb_rising;

/** One driver of the key-driver analysis. */
typedef struct vb_driver_row {
  const char *name;        /* theme id or column name */
  long theme;              /* theme index, or -1 for a numeric column */
  double mean;             /* share mentioning (themes) or mean value */
  double r;                /* correlation with the score */
  double coef, se, t, p, q;/* multiple regression coefficient, its test; q across drivers */
  double shapley;          /* LMG / Shapley share of R^2 (they add up to r2) */
  double share;            /* shapley / r2 */
} vb_driver_row;

typedef struct vb_drivers {
  size_t n;                /* records used (scored, every driver column present) */
  double r2, r2_adj, f_p;  /* R^2 of all drivers, adjusted R^2, p of the overall F test */
  int exact;               /* exact Shapley (<= 15 drivers) or sampled permutations */
  size_t permutations;     /* when sampled */
  size_t n_rows;
  vb_driver_row *rows;     /* sorted by shapley, largest first */
} vb_drivers;

/** Score-text mismatch: texts that contradict their scores. */
typedef struct vb_mismatch_row {
  size_t theme;
  size_t top_neg;          /* top-box records (promoters) with a negative mention of it */
  size_t bottom_pos;       /* bottom-box records (detractors) with a positive mention */
} vb_mismatch_row;

typedef struct vb_mismatch {
  int available;           /* NPS, CSAT or CES first score */
  size_t top, top_negative;       /* top-box records; those whose text is negative */
  size_t bottom, bottom_positive; /* bottom-box records; those whose text is positive */
  size_t n_rows;
  vb_mismatch_row *rows;   /* themes, most mismatches first */
  size_t n_top_quotes, n_bottom_quotes;
  vb_quote top_quotes[VB_AGG_QUOTES], bottom_quotes[VB_AGG_QUOTES];
} vb_mismatch;

typedef struct vb_table {
  vb_score_type type;
  size_t records;          /* records read */
  size_t analysed;         /* records analysed (not errors) */
  size_t errors;           /* records that could not be analysed */
  size_t missing_score;    /* records without a valid score */
  size_t by_lang[VB_LANG_COUNT];
  size_t sent_pos, sent_neg, sent_neu; /* records by sentiment label */
  vb_score_summary score;  /* over all scored records */
  size_t dist_n;           /* number of distribution buckets */
  double dist_value[16];   /* bucket values (NPS 0..10, CSAT 1..5, ...); ratings with more than 16
                              distinct values: the lower edges of ten equal-width buckets */
  size_t dist_count[16];
  size_t n_rows;
  vb_theme_row *rows;      /* sorted by impact, most negative first */
  /* additions (vb_agg_new_with) */
  const char *score_name;  /* the score column's name, or NULL */
  size_t invalid_score;    /* of missing_score: unreadable or outside the scale */
  size_t n_other;          /* the other score columns: their tables (score and rows only) */
  struct vb_table *other;
  const char *by;          /* segments (NULL: none) */
  size_t n_segments;
  vb_segment *segments;    /* in order of their names */
  const char *date;        /* periods (NULL: none) */
  vb_period period;
  size_t undated;          /* records without a usable date */
  size_t n_periods;
  vb_period_row *periods;  /* in time order */
  size_t n_players;        /* attribution themes: the top-level themes mentioned */
  size_t *players;
  size_t n_rising;
  vb_rising *rising;       /* significant rises, by q */
  vb_drivers *drivers;     /* NULL unless asked for */
  vb_mismatch mismatch;
  size_t n_testimonials;   /* the most positive, specific texts among top-box records */
  vb_quote testimonials[VB_AGG_QUOTES];
  /* brands (vb_model_theme_is_brand(); none without a brand list): not in `rows` */
  size_t n_brands;
  vb_brand_row *brands;    /* most mentioned first */
  size_t brand_records;    /* records mentioning any brand */
  /* questions (vb_agg_options.question_names), in their order: each row holds the analysed
   * records that answered the question. Its sentiment counts and theme rows are the answers'
   * own (the themes mentioned within the answer, in clauses of the answer); its score is that
   * of those records, and `rest` that of all other records. */
  size_t n_questions;
  vb_segment *questions;
  /* themes mentioned together: the pairs with at least VB_PAIR_MIN records, by c (largest
   * first), then by n; pairs_unknown: the table is of a merge with a state of an older
   * verbatim, which did not count them (no pairs then) */
  size_t n_pairs;
  vb_pair_row *pairs;
  int pairs_unknown;
  /* the topics each brand is mentioned with: the brand-theme pairs with at least VB_PAIR_MIN
   * records, grouped by brand (the brand named by most records first), within a brand by n
   * (largest first); brand_themes_unknown: the table is of a merge with a state of an older
   * verbatim, which did not count them */
  size_t n_brand_themes;
  vb_brand_theme_row *brand_themes;
  int brand_themes_unknown;
  /* brands named together: the pairs of brands with at least VB_PAIR_MIN records, by n
   * (largest first), then by lift; brand_pairs_unknown: as brand_themes_unknown */
  size_t n_brand_pairs;
  vb_brand_pair_row *brand_pairs;
  int brand_pairs_unknown;
  /* switches between brands (vb_switch): every switch said (no minimum), by n (largest first),
   * then in theme order with the unnamed side last; per brand with any, lost + won (largest
   * first); switches_unknown: as brand_themes_unknown (no rows then) */
  size_t n_switches;
  vb_switch_row *switches;
  size_t n_switch_brands;
  vb_switch_brand_row *switch_brands;
  int switches_unknown;
} vb_table;

#define VB_PAIR_MIN 3 /* records two themes need together to be a row of vb_table.pairs (and
                       * a brand and a theme, of vb_table.brand_themes; two brands, of
                       * vb_table.brand_pairs) */

/** Computes the table. `*out` is new; release it with vb_table_free(). */
int vb_agg_table(const vb_agg *agg, vb_table **out);
void vb_table_free(vb_table *table);

/* ---------------------------------------------------------------------------------------- */
/* Discovery of recurring phrases                                                           */
/* ---------------------------------------------------------------------------------------- */

/* Phrases of 1-4 words (over stems, stopwords at neither end) that recur across records,
 * ranked by support or by keyness between a focus and a reference group, near-duplicates
 * merged (a sub-phrase into a longer phrase of nearly the same support; spelling variants and
 * abbreviations of a word from lexicons/LANG/variants.txt counted as the word; with keyness, a
 * longer phrase whose groups' rates are not significantly different from those of a
 * higher-ranked phrase inside it folded into that phrase: the rules and their reasons are in
 * src/discover.c), with example quotes and whether the codebook already covers them. Two passes over
 * the same records in the same order: vb_discover_add() for each, vb_discover_rank(), then
 * (optionally) vb_discover_examples() for each; vb_discover_phrases() gives the result.
 * Memory is bounded by `max_entries` (the pruning rule is in src/discover.c and the manual). */

typedef struct vb_discover vb_discover;

enum { VB_DISCOVER_AUTO = 0, VB_DISCOVER_BY_SUPPORT = 1, VB_DISCOVER_BY_KEYNESS = 2 };
/* Merges that can be switched off (vb_discover_options.flags). */
enum { VB_DISCOVER_NO_VARIANTS = 1, /* count spelling variants and abbreviations apart */
       VB_DISCOVER_NO_FOLD = 2 };   /* keep longer phrases that add no keyness as rows */
/* The group of a record: VB_GROUP_NONE counts for support only. */
enum { VB_GROUP_NONE = -1, VB_GROUP_REFERENCE = 0, VB_GROUP_FOCUS = 1 };

typedef struct vb_discover_options {
  size_t max_words;    /* longest phrase, 1..4 (0: 4) */
  size_t max_entries;  /* phrases the counting table holds at most (0: 200,000) */
  size_t min_support;  /* records a phrase needs to be ranked (0: 3) */
  size_t top;          /* phrases kept (0: 50) */
  double merge_ratio;  /* a sub-phrase merges into a longer phrase holding at least this
                          share of its support (0: 0.9) */
  int sort;            /* VB_DISCOVER_*; AUTO: by keyness when both groups have records */
  size_t examples;     /* quotes per phrase, at most 16 (0: 2) */
  const char *data_dir; /* folder with lexicons/LANG/stopwords.txt and variants.txt; NULL:
                           the built-in lists */
  unsigned flags;      /* VB_DISCOVER_NO_* (0: every merge) */
  double min_log_ratio; /* with keyness, a phrase is ranked only when its rates in the two
                           groups differ at least this much, as |log2 ratio| (0: 1, twice
                           or half the other group's rate; negative: no minimum) */
} vb_discover_options;

typedef struct vb_phrase {
  const char *text;    /* the most frequent surface form (normalised words) */
  const char *stems;   /* the stems it is counted by */
  vb_lang lang;
  size_t n_words;
  size_t support;      /* records holding it */
  size_t focus, reference; /* ... of each group */
  double g2, p;        /* keyness: log-likelihood (Williams-corrected) and its p; NaN
                          without two groups */
  double log_ratio;    /* effect size: log2 of the ratio of the groups' rates */
  int exact;           /* 0: the table was pruned before it was counted; support may be low */
  size_t seen;         /* records holding it in the second pass */
  size_t covered;      /* ... in which a theme mention overlaps it */
  long theme;          /* the theme covering it most often, or -1 */
  size_t n_examples;
  const char *const *examples;    /* quotes: the sentence around the phrase */
  const char *const *example_ids; /* the id of each quote's record */
  const char *merged;  /* stems of the sub-phrases merged into it (of it, or of a longer
                          phrase folded into it), "; "-separated, or "" */
  size_t n_variants;   /* at most 8, most records first: */
  const char *const *variants;   /* surface forms merged into it: spellings and abbreviations
                                    from the variant list ("hrs" under "hours"), and longer
                                    phrases folded into it (their most frequent form) */
  const size_t *variant_support; /* records holding each (a spelling: second-pass records) */
  const int *variant_longer;     /* 1: a longer phrase folded in; 0: a spelling variant */
} vb_phrase;

typedef struct vb_discover_info {
  size_t records, focus, reference; /* records added, and in each group */
  size_t entries;      /* phrases in the table at the end */
  size_t prunes;       /* times the table was pruned */
  size_t max_dropped;  /* the largest support dropped by pruning (0: all counts exact) */
  int by_keyness;      /* ranked by keyness (else by support) */
} vb_discover_info;

/** Returns a new discovery in `*out` for the themes of `model` (which must outlive it);
 *  release it with vb_discover_free(). `opts` may be NULL (the defaults). */
int vb_discover_new(const vb_model *model, const vb_discover_options *opts, vb_discover **out);
void vb_discover_free(vb_discover *d);
/** First pass: counts the phrases of one analysed record in `group` (VB_GROUP_*). */
int vb_discover_add(vb_discover *d, const vb_result *r, int group);
/** Ends the first pass: ranks, merges near-duplicates, keeps the top phrases. */
int vb_discover_rank(vb_discover *d);
/** Second pass (optional), the same records in the same order: quotes, surface forms and
 *  codebook coverage of the ranked phrases. `id` (may be NULL) names the record. */
int vb_discover_examples(vb_discover *d, const vb_result *r, int group, const char *id,
                         size_t id_len);
/** The ranked phrases, best first; the array is owned by `d`, valid until it is freed. */
size_t vb_discover_phrases(vb_discover *d, const vb_phrase **out);
/** Counts about the run. */
void vb_discover_stats(const vb_discover *d, vb_discover_info *info);

/* ---------------------------------------------------------------------------------------- */
/* Agreement with a hand coding                                                             */
/* ---------------------------------------------------------------------------------------- */

/* How far verbatim's coding agrees with a person's coding of the same records (the check a
 * researcher makes before trusting automatic codes): per hand code, records coded so by hand,
 * by verbatim and by both, the share of records the two agree on, Cohen's kappa with its 95%
 * interval, and verbatim's precision, recall and F1 against the hand coding; over hand
 * sentiment labels, the confusion matrix, accuracy, macro-F1 and kappa. The formulas are in
 * src/agree.c. Declare the codes with vb_agree_code(), then add each record. */

typedef struct vb_agree vb_agree;

/* A hand sentiment label: a vb_label, VB_AGREE_MIXED, or VB_AGREE_NO_LABEL (not labelled). */
enum { VB_AGREE_NO_LABEL = -2, VB_AGREE_MIXED = 2 };

typedef struct vb_agree_row {
  const char *code;        /* the hand code */
  const size_t *themes;    /* the themes it stands for */
  size_t n_themes;
  size_t records;          /* records compared (those coded by hand) */
  size_t hand, machine, both; /* records coded so by hand, by verbatim, by both */
  double agreement;        /* share of the records on which the two agree */
  double kappa, kappa_lo, kappa_hi; /* Cohen's kappa and its 95% interval; NaN when nobody
                                       gave the code */
  double precision, recall, f1; /* verbatim's against the hand coding; NaN when 0/0 */
} vb_agree_row;

typedef struct vb_agree_info {
  size_t records;          /* records compared on codes */
  size_t hand, machine, both; /* summed over the codes */
  double precision, recall, f1; /* micro averages */
  double macro_f1;         /* mean F1 of the codes given by either coder */
  double mean_kappa;       /* mean kappa of the codes where it is defined */
  size_t labelled;         /* records compared on sentiment */
  size_t classes;          /* 3 (negative, neutral, positive), or 4 with mixed: when a hand
                              label is mixed, verbatim's mixed records count as mixed */
  size_t confusion[4][4];  /* [hand][verbatim], classes in that order */
  double accuracy, sentiment_f1; /* sentiment_f1: macro-F1 over the classes */
  double kappa, kappa_lo, kappa_hi;
} vb_agree_info;

/** Returns a new comparison for the themes of `model` (which must outlive it) in `*out`;
 *  release it with vb_agree_free(). */
int vb_agree_new(const vb_model *model, vb_agree **out);
void vb_agree_free(vb_agree *ag);
/** Declares a hand code standing for themes[0..n_themes): verbatim gives it to a record that
 *  mentions one of them or a theme under one. Only before the first record (VB_EINVAL after,
 *  and for a theme out of range). Codes are numbered from 0 in the order declared. */
int vb_agree_code(vb_agree *ag, const char *name, const size_t *themes, size_t n_themes);
size_t vb_agree_code_count(const vb_agree *ag);
/** One analysed record. `hand` (vb_agree_code_count() bytes, or NULL when the record was not
 *  coded by hand): non-zero for each code the person gave it; a code whose themes lie under
 *  those of a code given counts as given too (a record coded "delivery.late" is coded
 *  "delivery"). `label`: the hand sentiment
 *  label or VB_AGREE_NO_LABEL. `got` (may be NULL) receives for each code 1 when verbatim
 *  gives it to the record, 2 when the hand coding does (with the rule above), 3 for both. */
int vb_agree_add(vb_agree *ag, const vb_result *r, const unsigned char *hand, int label,
                 unsigned char *got);
/** The codes with their figures, in the order declared; the array is owned by `ag`. */
size_t vb_agree_rows(vb_agree *ag, const vb_agree_row **rows);
/** The averages over the codes and the sentiment comparison. */
void vb_agree_stats(vb_agree *ag, vb_agree_info *info);

#ifdef __cplusplus
}
#endif

#endif /* VERBATIM_H */
