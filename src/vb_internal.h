/*
 * vb_internal.h - helpers shared by the library's modules: memory, growable buffers, a string
 * map, error filling. Nothing here is public; names carry the vb__ prefix.
 */
#ifndef VB_INTERNAL_H
#define VB_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "verbatim.h"

/* SSE2 where the compiler has it (every x86-64): the byte scans that take sixteen bytes at
 * once; the portable eight-byte versions stay for other machines. */
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define VB_SSE2 1
#else
#define VB_SSE2 0
#endif

/* ---- memory (alloc.c): every allocation of the library goes through these ---- */
void *vb__malloc(size_t n);
void *vb__calloc(size_t count, size_t size);
void *vb__realloc(void *p, size_t n);
void vb__free(void *p);
char *vb__strndup(const char *s, size_t n);
char *vb__strdup(const char *s);

/* Whether a[0..n) and b[0..n) are the same bytes: a word at a time, the last (partial) word
 * read overlapping the one before (words are short: a call of memcmp costs more; strmap.c,
 * themes.c). */
static inline bool vb__same_bytes(const char *a, const char *b, size_t n) {
  uint64_t x, y;
  uint32_t u, v;
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      memcpy(&x, a + i, 8), memcpy(&y, b + i, 8);
      if (x != y) return false;
    }
    memcpy(&x, a + n - 8, 8), memcpy(&y, b + n - 8, 8);
    return x == y;
  }
  if (n >= 4) {
    memcpy(&u, a, 4), memcpy(&v, b, 4);
    if (u != v) return false;
    memcpy(&u, a + n - 4, 4), memcpy(&v, b + n - 4, 4);
    return u == v;
  }
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return false;
  return true;
}

/* Grows an array `*ptr` of `*cap` elements of `size` bytes to hold at least `need`.
 * Returns VB_OK or VB_ENOMEM (the array is then unchanged). The test for room is inline:
 * most calls find it (loading the model makes ~160,000 of them). */
int vb__grow_to(void *ptr, size_t *cap, size_t need, size_t size);
static inline int vb__grow(void *ptr, size_t *cap, size_t need, size_t size) {
  return need <= *cap ? VB_OK : vb__grow_to(ptr, cap, need, size);
}
/* Makes the array hold exactly `need` elements when it holds fewer (a size known in advance:
 * no doubling). Returns VB_OK or VB_ENOMEM (the array is then unchanged). */
int vb__reserve(void *ptr, size_t *cap, size_t need, size_t size);

/* A function seldom called from a hot loop: kept out of line, so the loop stays small. */
/* And a small function of such a loop, inlined whatever the compiler's heuristics say. */
#if defined(__GNUC__)
#define VB__COLD __attribute__((cold, noinline))
#define VB__INLINE inline __attribute__((always_inline))
#else
#define VB__COLD
#define VB__INLINE inline
#endif

/* ---- growable byte buffer ---- */
typedef struct vb__buf {
  char *data;
  size_t len, cap;
} vb__buf;

int vb__buf_reserve(vb__buf *b, size_t extra);
int vb__buf_append(vb__buf *b, const void *s, size_t n);
int vb__buf_putc(vb__buf *b, char c);
int vb__buf_printf(vb__buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void vb__buf_free(vb__buf *b);
/* vb__buf_append() for hot loops: inline while the buffer has room. */
static inline int vb__buf_add(vb__buf *b, const void *s, size_t n) {
  if (n < b->cap - b->len) { /* room for the bytes and the NUL after them */
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return VB_OK;
  }
  return vb__buf_append(b, s, n);
}

/* ---- string map (strmap.c): byte string -> uint32, open addressing, keys copied ---- */
typedef struct vb__strmap {
  uint64_t *slots;  /* 0 empty, else (high 32 bits of the hash << 32) | (entry index + 1) */
  size_t n_slots;   /* power of two */
  struct vb__strmap_entry {
    uint64_t hash;
    uint32_t key_off, key_len;
    uint32_t value;
  } *entries;
  size_t n_entries, cap_entries;
  vb__buf keys;
} vb__strmap;

uint64_t vb__hash(const void *s, size_t n);
void vb__strmap_init(vb__strmap *m);
void vb__strmap_free(vb__strmap *m);
/* Inserts or finds `key`. On insertion sets the value to `value` and `*found` to false; when
 * present leaves the value and sets `*found` true. `*slot_value` (may be NULL) gets a pointer to
 * the stored value, valid until the next insertion. */
int vb__strmap_put(vb__strmap *m, const char *key, size_t len, uint32_t value, bool *found,
                   uint32_t **slot_value);
/* The same with the key's vb__hash() already known (the model's loader hashes each word once). */
int vb__strmap_put_h(vb__strmap *m, const char *key, size_t len, uint64_t h, uint32_t value,
                     bool *found, uint32_t **slot_value);
/* Makes room for `n` more keys of `bytes` bytes in all: as many insertions then neither
 * rehash nor grow. Returns VB_OK or VB_ENOMEM. */
int vb__strmap_reserve(vb__strmap *m, size_t n, size_t bytes);
/* Looks `key` up: returns true and sets `*value` when present. */
bool vb__strmap_get(const vb__strmap *m, const char *key, size_t len, uint32_t *value);
/* The same with the key's vb__hash() already known (the analyzer hashes each token once). */
bool vb__strmap_get_h(const vb__strmap *m, const char *key, size_t len, uint64_t h,
                      uint32_t *value);
static inline size_t vb__strmap_size(const vb__strmap *m) { return m->n_entries; }
static inline const char *vb__strmap_key(const vb__strmap *m, size_t i, size_t *len) {
  *len = m->entries[i].key_len;
  return m->keys.data + m->entries[i].key_off;
}

/* ---- errors (error.c) ---- */
int vb__error_set(vb_error *err, int code, const char *file, long line, long column,
                  const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* ---- interview transcripts (transcript.c), read by vb_reader as VB_FORMAT_TRANSCRIPT ---- */
/* What a line of a transcript is (vb__tr_classify): offsets into the line. */
enum { VB__TL_BLANK, VB__TL_HEADER, VB__TL_META, VB__TL_COMMENT, VB__TL_TIME, VB__TL_TURN,
       VB__TL_TEXT };
typedef struct vb__trline {
  int kind;
  size_t label_off, label_len; /* TURN: the speaker */
  size_t time_off, time_len;   /* a timestamp on the line (TIME, TURN) */
  size_t text_off, text_len;   /* TURN (empty: the text follows), TEXT; HEADER: the title;
                                * META, COMMENT: what follows the '#' */
} vb__trline;
void vb__tr_classify(const char *s, size_t n, bool vtt, vb__trline *out);

enum { VB__TR_TURNS = 0, VB__TR_RESPONDENTS = 1 };
enum { VB__TR_ERR_LINE = 1, VB__TR_ERR_BIG = 2 }; /* vb__trrec.error */
enum { VB__TR_AGAIN = 1 }; /* vb__tr_line: give out the records, then pass the line again */
typedef struct vb__tr_options {
  const char *name;         /* the input's name: the id of an interview without a "##" line */
  size_t max_text;          /* bytes of a turn's text: a longer turn is an error */
  const char *interviewers; /* comma-separated labels of the interviewer; NULL: the defaults */
  int unit;                 /* VB__TR_TURNS or VB__TR_RESPONDENTS */
  void (*problem)(void *ctx, int severity, long line, const char *msg);
  void *ctx;
  size_t max_interview;     /* bytes held before a long interview is given out in parts (at a
                             * turn); 0: 64 MB */
} vb__tr_options;
typedef struct vb__trrec {
  long line, line_end;
  size_t bad;               /* invalid UTF-8 sequences repaired in its lines */
  int error;                /* VB__TR_ERR_LINE: a line was too long to keep (reported when
                             * read); VB__TR_ERR_BIG: a turn longer than max_text */
  const char *text;
  size_t text_len;
} vb__trrec;
typedef struct vb__tr vb__tr;
int vb__tr_new(const vb__tr_options *o, vb__tr **out);
void vb__tr_free(vb__tr *tr);
/* Reads one line (without its terminator; `too_long`: it was not kept). VB_OK, VB_ENOMEM,
 * or VB__TR_AGAIN: a long interview ends here, to be given out in parts; pass the same line
 * again once vb__tr_next() has given 0. VB_EINVAL while an interview is being given out. */
int vb__tr_line(vb__tr *tr, const char *s, size_t n, long lineno, size_t bad, bool too_long);
/* The input has ended. */
int vb__tr_finish(vb__tr *tr);
/* The next record of an interview that has ended: 1 (*rec set; its text valid until the next
 * call), 0 when there is none now (read more lines), VB_ENOMEM. */
int vb__tr_next(vb__tr *tr, vb__trrec *rec);
/* Field `name` of the current record (text aside): id, interview, speaker, role, turn, turns,
 * time, line, a field of the interview ("# key: value"), respondent. *val is NULL when the
 * record has none; valid until the next call. VB_OK or VB_ENOMEM. */
int vb__tr_get(vb__tr *tr, const char *name, const char **val, size_t *len);

/* The interview's own fields of the current record: "key\0value\0" pairs (*len bytes; a
 * key may repeat: the first counts). */
const char *vb__tr_meta(const vb__tr *tr, size_t *len);

/* ---- input encodings (encoding.c), for vb_reader_options.encoding ---- */
enum { VB__ENC_UTF8 = 0, VB__ENC_UTF16LE, VB__ENC_UTF16BE, VB__ENC_SINGLE };
/* The kind of encoding a name means: UTF-8 (also for NULL or ""), UTF-16 ("utf-16" alone is
 * little-endian, Windows' order, unless a byte-order mark says otherwise), or another, to be
 * opened with vb__sbcs_open() (case, '-' and '_' aside). */
int vb__encoding_kind(const char *name);
/* One byte a character, ASCII as it is: each byte's UTF-8 (len 0: undefined in it). */
typedef struct vb__sbcs {
  char to[256][3];
  unsigned char len[256];
  char name[40];
} vb__sbcs;
/* Fills `t` for the encoding iconv knows as `name`. VB_EINVAL with a message in msg for a
 * name iconv does not know, or an encoding that is not one byte a character or changes ASCII. */
int vb__sbcs_open(const char *name, vb__sbcs *t, char *msg, size_t cap);
/* UTF-16 (big-endian when `be`) in[0..n) to UTF-8 in out[0..cap); returns the bytes written,
 * the input taken in *used. Whole characters only: a split one waits for more input, unless
 * `last` (the input's end), where half of one becomes U+FFFD. A lone surrogate is written in
 * the three bytes CESU-8 would use, which are not UTF-8, for the reader's line check to
 * report at its place. */
size_t vb__utf16_decode(const unsigned char *in, size_t n, bool be, bool last, char *out,
                        size_t cap, size_t *used);

/* Reader (reader.c): the input's encoding as decided (VB__ENC_*; for tests). */
int vb__reader_encoding(const vb_reader *rd);
/* Reader (reader.c): every JSONL line through jansson, not its fast path (for tests). */
void vb__reader_jsonl_slow(vb_reader *rd, bool slow);
size_t vb__reader_jsonl_fast_lines(const vb_reader *rd); /* lines the fast path read */
/* The end of a JSON string's plain run at or after p (a quote, a backslash, a byte below 0x20,
 * or e), with at least 16 readable bytes after e, one of them zero: eight bytes at a time, and
 * sixteen with SSE2 where the compiler has it (the reader uses that one; tests compare). */
const char *vb__json_plain_end_swar(const char *p, const char *e);
/* Whether s[0..len) is valid UTF-8 without NUL bytes; s[len..len+16) must be zero bytes. */
bool vb__reader_line_clean(const char *s, size_t len);
#if VB_SSE2
const char *vb__json_plain_end_sse2(const char *p, const char *e);
#endif

/* ---- UTF-8 (utf8.c) ---- */
/* Decodes one code point at `s` (len > 0). Returns it and sets `*adv` to its byte length, or
 * returns -1 with `*adv` = 1 for an invalid sequence. */
int32_t vb__utf8_decode(const unsigned char *s, size_t len, size_t *adv);
/* Whether s[0..len) starts with a two-byte character (Latin letters with diacritics, Hebrew):
 * a lead byte C2-DF and a continuation byte are always valid. The hot loops' fast path. */
static inline bool vb__utf8_two(const unsigned char *s, size_t len) {
  return len >= 2 && s[0] >= 0xC2 && s[0] <= 0xDF && (s[1] & 0xC0) == 0x80;
}
/* vb__utf8_decode() with ASCII and two-byte characters decoded inline (len > 0). */
static inline int32_t vb__utf8_next(const unsigned char *s, size_t len, size_t *adv) {
  if (s[0] < 0x80) {
    *adv = 1;
    return s[0];
  }
  if (vb__utf8_two(s, len)) {
    *adv = 2;
    return (int32_t)((s[0] & 0x1Fu) << 6 | (s[1] & 0x3Fu));
  }
  return vb__utf8_decode(s, len, adv);
}
/* Eight bytes as a little-endian word, whatever the machine (one load where it is): for
 * the fast paths that test eight bytes at once. */
static inline uint64_t vb__load_le64(const unsigned char *p) {
  return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
         (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
         (uint64_t)p[7] << 56;
}
/* Encodes `cp` into `out` (4 bytes room); returns the byte length. */
size_t vb__utf8_encode(int32_t cp, char *out);
/* Which one-byte code page p[0..len), a line that is not UTF-8, looks like: "windows-1255"
 * (Hebrew) or "windows-1252" (Nordic and other Latin letters). */
const char *vb__legacy_guess(const unsigned char *p, size_t len);
/* A file of ours read whole (a codebook, a lexicon, a name list): VB_OK when it is valid UTF-8,
 * else VB_EUTF8 in `err` at the first bad byte's line and column, saying when the file looks
 * like a Windows code page (saved as "ANSI"). */
int vb__file_utf8(const char *name, const char *data, size_t len, vb_error *err);
#if VB_SSE2
/* Sixteen bytes x from a character boundary, `odd` the bits of those the caller does not take
 * as they are (bytes 0x80 and up; NUL too for a caller that refuses it): whether every one of
 * them is a byte of a valid two-byte character (lead C2-DF, then a continuation byte: Hebrew,
 * Latin letters with diacritics). Returns the bytes that are done, 16, or 15 when the last is
 * a lead byte whose second byte comes next; 0 when this cannot tell (a longer character, a bad
 * byte, a NUL: the caller decodes). */
static inline size_t vb__utf8_twos16(__m128i x, unsigned odd) {
  __m128i t = _mm_sub_epi8(x, _mm_set1_epi8((char)0xC2));
  unsigned l = (unsigned)_mm_movemask_epi8(
      _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(0xDF - 0xC2)), t)); /* C2 <= x <= DF */
  unsigned c = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
      _mm_and_si128(x, _mm_set1_epi8((char)0xC0)), _mm_set1_epi8((char)0x80))); /* 10xxxxxx */
  if ((l | c) != odd || c != ((l << 1) & 0xFFFF)) return 0;
  return l >> 15 ? 15 : 16;
}
/* The valid UTF-8 at the start of p[0..len), sixteen bytes at a time: a block is taken whole
 * when it is ASCII, or ASCII and two-byte characters (vb__utf8_twos16); any other block is
 * decoded one character at a time. Returns len, or the offset of the first invalid character
 * (or NUL byte, when nul_bad). With `padded`, the sixteen bytes after p[len) must be readable
 * and the last block is read whole; without, it stops before the last bytes that do not fill
 * a block (the caller checks them: vb_utf8_check). Used by vb_utf8_check and the reader. */
static inline size_t vb__utf8_valid16(const unsigned char *p, size_t len, bool nul_bad,
                                      bool padded) {
  /* the bytes that are not taken as they are: 0x80 and up (below 0 as signed bytes), and NUL
   * too when it is refused (below 1) */
  const __m128i below = _mm_set1_epi8(nul_bad ? 1 : 0);
  size_t i = 0;
  while (padded ? i < len : i + 16 <= len) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
    unsigned odd = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(x, below));
    if (len - i < 16) odd &= (1u << (len - i)) - 1; /* the padding is not the text's */
    size_t k = odd ? vb__utf8_twos16(x, odd) : 16;
    if (k) {
      i += k;
      continue;
    }
    for (size_t end = i + 16 < len ? i + 16 : len; i < end;) {
      size_t adv;
      int32_t cp = vb__utf8_decode(p + i, len - i, &adv);
      if (cp < 0 || (cp == 0 && nul_bad)) return i;
      i += adv;
    }
  }
  return i < len ? i : len;
}
#endif

/* Small ASCII helpers that ignore the locale. */
static inline int vb__ascii_lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
static inline bool vb__ascii_alpha(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline bool vb__ascii_digit(int c) { return c >= '0' && c <= '9'; }
bool vb__strieq(const char *a, const char *b);

#endif
