/*
 * regex_lit.c - what a pattern's every match must contain, and finding that in a text.
 *
 * Codebook patterns ("\b(charged|billed)\b[^.!?\n]{0,40}\btwice\b") are matched on every text
 * of their language, and each tries every start position: with dozens of patterns that costs
 * more than the rest of the analysis, and most runs find nothing. Most patterns, though,
 * cannot match unless some literal words are in the text. This module reads a pattern's
 * source and computes up to VB_LIT_SETS sets of literals such that every match contains a
 * literal of EACH set ({charged, billed} and {twice} here); the analyzer runs the pattern only
 * on texts that hold one literal of every set. All the literals of a language are found in
 * a text in one scan of the case-folded text (vb__lits_find).
 *
 * The analysis is deliberately conservative: anything it does not understand (\Q..\E, (?|..),
 * (?i), back-references, verbs, deep nesting) makes the pattern "unfilterable", and the
 * pattern then runs on every text as before. Rules:
 *  - a run of literal characters none of which is optional is required;
 *  - a sequence requires every requirement of its parts (a conjunction), the strongest
 *    VB_LIT_SETS of them kept;
 *  - an alternation requires, for each rank r, the union of its branches' r-th strongest sets
 *    (a match goes through one branch, which holds a literal of each of its sets); a branch
 *    that requires nothing makes the alternation require nothing;
 *  - an optional part (?, *, {0,n}) and a lookaround (it consumes nothing) require nothing;
 *  - a run of letters (not Hebrew) right after a \b or white space (\s, \s+), or its
 *    group's, or right before one is marked so (VB_LIT_B_*): the scan finds it only where
 *    no letter of the text is on that side.
 *
 * Literals may be a single byte ("&" in "t\s?&\s?c"). A required \d{n} is the pseudo-literal
 * of n VB_LIT_DIGIT bytes, "n digits in a row": patterns such as order numbers
 * ("[a-z]{2}\d{6,8}") have no other literal, and most texts have no long number.
 *
 * Case: patterns match caselessly with Unicode rules, under which 'k' also matches the Kelvin
 * sign, 's' the long s, 'å' the Ångström sign, 'ÿ' 'Ÿ', 'ß' 'ẞ' and 'µ' the Greek mu. The text
 * and the literals are folded alike (vb__lit_fold): ASCII and Latin-1 capitals and those six
 * to one form, and a literal holds only characters whose caseless equivalents all fold to one
 * form (ASCII, Latin-1, Hebrew, general punctuation and currency signs; tests/unit/
 * test_regex_lit.c checks this against PCRE2 for every code point). With PCRE2_UCP \d is any
 * Unicode decimal digit: the fold writes every one as '0'.
 */
#include "vb_model.h"

#define LIT_MAX 32   /* literals in one set */
#define RUN_LEN 32   /* bytes of a run of literal characters with a NUL: a longer one is cut */
#define LIT_LEN 34   /* bytes of a literal with its NUL and boundary marks (VB_LIT_B_*) */
#define DEPTH_MAX 10 /* nested groups read; a deeper pattern is unfilterable */
#define DIGITS_MAX 8 /* the longest digit run required */

typedef struct litset {
  size_t n;
  uint8_t len[LIT_MAX];
  char lit[LIT_MAX][LIT_LEN];
} litset;

/* A conjunction of sets; n == 0: nothing required. */
typedef struct req {
  size_t n;
  litset set[VB_LIT_SETS];
} req;

typedef struct parser {
  const char *p, *end;
  int depth;
  bool fail; /* a construct we do not understand */
} parser;

/* ---- folding ---- */

/* Unicode decimal digits (\d under PCRE2_UCP) above ASCII in the BMP; every code point of
 * planes 1 below U+1F000 counts as one too (conservative: the digits of historic scripts and
 * mathematical digits live there). */
static const uint16_t nd_bmp[][2] = {
    {0x660, 0x669},   {0x6F0, 0x6F9},   {0x7C0, 0x7C9},   {0x966, 0x96F},   {0x9E6, 0x9EF},
    {0xA66, 0xA6F},   {0xAE6, 0xAEF},   {0xB66, 0xB6F},   {0xBE6, 0xBEF},   {0xC66, 0xC6F},
    {0xCE6, 0xCEF},   {0xD66, 0xD6F},   {0xDE6, 0xDEF},   {0xE50, 0xE59},   {0xED0, 0xED9},
    {0xF20, 0xF29},   {0x1040, 0x1049}, {0x1090, 0x1099}, {0x17E0, 0x17E9}, {0x1810, 0x1819},
    {0x1946, 0x194F}, {0x19D0, 0x19D9}, {0x1A80, 0x1A89}, {0x1A90, 0x1A99}, {0x1B50, 0x1B59},
    {0x1BB0, 0x1BB9}, {0x1C40, 0x1C49}, {0x1C50, 0x1C59}, {0xA620, 0xA629}, {0xA8D0, 0xA8D9},
    {0xA900, 0xA909}, {0xA9D0, 0xA9D9}, {0xA9F0, 0xA9F9}, {0xAA50, 0xAA59}, {0xABF0, 0xABF9},
    {0xFF10, 0xFF19}};

static bool unicode_digit(uint32_t cp) {
  if (cp >= 0x10000) return cp < 0x1F000 || (cp >= 0x1FBF0 && cp <= 0x1FBF9);
  for (size_t i = 0; i < sizeof nd_bmp / sizeof nd_bmp[0]; i++)
    if (cp >= nd_bmp[i][0] && cp <= nd_bmp[i][1]) return true;
  return false;
}

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

/* The high bit of each byte of x that equals c. */
static inline uint64_t bytes_eq(uint64_t x, unsigned char c) {
  uint64_t y = x ^ (ONES * c);
  return ~(((y & ~HIGH) + ~HIGH) | y) & HIGH;
}

/* The bytes of a UTF-8 character, lead byte first: the length its lead byte gives it. */
static inline size_t char_len(unsigned char b) {
  return b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
}

/* vb__lit_fold(), with SSE2 when `sse` (and the compiler has it: VB_SSE2). */
static VB__INLINE size_t lit_fold(const char *in, size_t n, char *out, bool sse) {
  const unsigned char *s = (const unsigned char *)in;
  unsigned char *o = (unsigned char *)out;
  size_t i = 0, w = 0;
  (void)sse;
  while (i < n) {
#if VB_SSE2
    /* Sixteen bytes at a time, as the eight below: each ASCII capital and the second byte of
     * each Latin-1 capital (C3 80-9E but C3 97) gets 0x20 (as signed bytes, a lead byte is
     * -64 to -1, and any byte from 0x80 is below 'A'). */
    while (sse && n - i >= 16) {
      __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
      __m128i add = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('A' - 1)),
                                  _mm_cmplt_epi8(x, _mm_set1_epi8('Z' + 1)));
      if (_mm_movemask_epi8(x)) {
        __m128i lead = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8((char)0xBF)),
                                     _mm_cmplt_epi8(x, _mm_setzero_si128()));
        __m128i d7 = _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xD7));
        if (_mm_movemask_epi8(_mm_andnot_si128(d7, lead))) { /* (Hebrew alone: nothing) */
          __m128i c3 = _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xC3));
          __m128i ok = _mm_or_si128(_mm_or_si128(d7, c3),
                                    _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xC2)));
          if (_mm_movemask_epi8(_mm_andnot_si128(ok, lead)) || (_mm_movemask_epi8(c3) >> 15))
            break;
          __m128i capital = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0x97)),
                                             _mm_cmplt_epi8(x, _mm_set1_epi8((char)0x9F)));
          add = _mm_or_si128(add, _mm_and_si128(_mm_slli_si128(c3, 1), capital));
        }
      }
      x = _mm_or_si128(x, _mm_and_si128(add, _mm_set1_epi8(0x20)));
      _mm_storeu_si128((__m128i *)(void *)(o + w), x);
      i += 16;
      w += 16;
    }
#endif
    /* Eight bytes at a time while the only characters that change are ASCII capitals and
     * Latin-1 capitals (C3 80-9E but C3 97): each gets 0x20, found with SWAR (a byte's high
     * bit says whether it is at least 'A', whether it is above 'Z'; after C3, whether its
     * low seven bits are below 1F). The other bytes stay: ASCII, continuation bytes, and the
     * lead bytes C2 (U+0080-00BF, none folds), C3 and D7 (Hebrew: no case, no digits). Any
     * other lead byte, or C3 as the last byte, ends the run: one character the long way. A
     * block whose lead bytes are all D7 (Hebrew text) skips the tests for C2 and C3. */
    while (n - i >= 8) {
      uint64_t x;
      memcpy(&x, s + i, 8);
      uint64_t low = x & ~HIGH, latin = 0;
      if (x & HIGH) {
        uint64_t lead = x & (x << 1) & HIGH, d7 = bytes_eq(x, 0xD7);
        if (lead & ~d7) { /* (Hebrew letters alone need nothing of this) */
          uint64_t c3 = bytes_eq(x, 0xC3);
          if ((lead & ~(c3 | bytes_eq(x, 0xC2) | d7)) || (c3 >> 56)) break;
          uint64_t below_1f = ~(low + 0x6161616161616161ULL) & HIGH;
          latin = (c3 << 8) & below_1f & ~bytes_eq(x, 0x97);
        }
      }
      uint64_t ascii = (low + 0x3F3F3F3F3F3F3F3FULL) & ~(low + 0x2525252525252525ULL) & ~x & HIGH;
      x |= (ascii | latin) >> 2;
      memcpy(o + w, &x, 8);
      i += 8;
      w += 8;
    }
    if (i >= n) break;
    unsigned char b = s[i];
    if (b < 0x80) {
      o[w++] = b >= 'A' && b <= 'Z' ? (unsigned char)(b + 32) : b;
      i++;
      continue;
    }
    size_t len = char_len(b);
    if (len > n - i) len = n - i;
    if (b == 0xD7 && len == 2) { /* Hebrew: no case, no digits */
      o[w++] = b;
      o[w++] = s[i + 1];
      i += 2;
      continue;
    }
    uint32_t cp = UINT32_MAX;
    if (len == 2)
      cp = (uint32_t)(b & 0x1F) << 6 | (s[i + 1] & 0x3Fu);
    else if (len == 3)
      cp = (uint32_t)(b & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3Fu);
    else if (len == 4)
      cp = (uint32_t)(b & 0x07) << 18 | (uint32_t)(s[i + 1] & 0x3F) << 12 |
           (uint32_t)(s[i + 2] & 0x3F) << 6 | (s[i + 3] & 0x3Fu);
    uint32_t to = cp;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
      to = cp + 0x20;
    else if (cp == 0x178)
      to = 0xFF; /* Ÿ */
    else if (cp == 0x17F)
      to = 's'; /* long s */
    else if (cp == 0x39C || cp == 0x3BC)
      to = 0xB5; /* Greek mu: micro sign */
    else if (cp == 0x1E9E)
      to = 0xDF; /* capital sharp s */
    else if (cp == 0x212A)
      to = 'k'; /* Kelvin sign */
    else if (cp == 0x212B)
      to = 0xE5; /* Ångström sign */
    else if (cp != UINT32_MAX && unicode_digit(cp))
      to = '0';
    if (to == cp || cp == UINT32_MAX) {
      memcpy(o + w, s + i, len);
      w += len;
    } else if (to < 0x80) {
      o[w++] = (unsigned char)to;
    } else { /* Latin-1: two bytes, never more than the character had */
      o[w++] = (unsigned char)(0xC0 | to >> 6);
      o[w++] = (unsigned char)(0x80 | (to & 0x3F));
    }
    i += len;
  }
  return w;
}

size_t vb__lit_fold(const char *in, size_t n, char *out) { return lit_fold(in, n, out, true); }

size_t vb__lit_fold_words(const char *in, size_t n, char *out) {
  return lit_fold(in, n, out, false);
}

/* Whether a character may be part of a literal: all its caseless equivalents fold to one
 * form (see the top of the file). */
static bool case_safe(uint32_t cp) {
  return cp < 0x100 || (cp >= 0x590 && cp <= 0x5FF) || (cp >= 0x2000 && cp <= 0x20CF);
}

/* The code point of the n-byte character at u (n from char_len(), the bytes there), as the
 * literal readers need it: a four-byte one (emoji and the like) as 0x10000, which no literal,
 * letter or digit class holds. */
static inline uint32_t lit_cp(const unsigned char *u, size_t n) {
  switch (n) {
  case 1: return u[0];
  case 2: return (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3Fu);
  case 3: return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3Fu);
  default: return 0x10000;
  }
}

/* ---- sets ---- */

/* Copies of sets and conjunctions: only the literals in use (a set is 1 kB). */
static void set_copy(litset *d, const litset *s) {
  d->n = s->n;
  memcpy(d->len, s->len, s->n);
  memcpy(d->lit, s->lit, s->n * LIT_LEN);
}

static void req_copy(req *d, const req *s) {
  d->n = s->n;
  for (size_t i = 0; i < s->n; i++)
    set_copy(&d->set[i], &s->set[i]);
}

/* A literal's bytes without its boundary marks (VB_LIT_B_*): *c points at them; returns how
 * many. */
static size_t lit_core(const char *lit, size_t len, const char **c) {
  if (len && lit[0] == VB_LIT_B_BEFORE) lit++, len--;
  if (len && lit[len - 1] == VB_LIT_B_AFTER) len--;
  *c = lit;
  return len;
}

/* How well a set filters: twice its shortest literal's length (a boundary mark counting as
 * a byte: "<i>" is the word "i"), plus one when that is a single punctuation byte ('&' is
 * rarer in text than 't'), minus one for a space. */
static size_t strength(const litset *s) {
  size_t w = SIZE_MAX;
  const char *c;
  for (size_t i = 0; i < s->n; i++)
    if (s->len[i] < w) w = s->len[i];
  if (w != 1) return 2 * w;
  for (size_t i = 0; i < s->n; i++)
    if (lit_core(s->lit[i], s->len[i], &c) == 1 && c[0] == ' ') return 1; /* in every text */
  for (size_t i = 0; i < s->n; i++) {
    if (lit_core(s->lit[i], s->len[i], &c) != 1) continue;
    unsigned char b = (unsigned char)c[0];
    bool punct = b < 0x80 && !vb__ascii_alpha(b) && !vb__ascii_digit(b) && b != VB_LIT_DIGIT;
    if (!punct) return 2; /* a letter, a digit or \d */
  }
  return 3;
}

/* Whether a set has a literal of one ASCII letter or a space (boundary marks or not). */
static bool one_letter(const litset *s) {
  const char *c;
  for (size_t i = 0; i < s->n; i++)
    if (lit_core(s->lit[i], s->len[i], &c) == 1 &&
        (vb__ascii_alpha((unsigned char)c[0]) || c[0] == ' '))
      return true;
  return false;
}

/* Whether a is a better set than b: it filters better, or as well with fewer literals. */
static bool stronger(const litset *a, const litset *b) {
  size_t sa = strength(a), sb = strength(b);
  return sa > sb || (sa == sb && a->n < b->n);
}

/* Whether literal a (la bytes) holds literal b (lb bytes). */
static bool holds(const char *a, size_t la, const char *b, size_t lb) {
  for (size_t i = 0; i + lb <= la; i++)
    if (a[i] == b[0] && memcmp(a + i, b, lb) == 0) return true;
  return false;
}

/* Whether literal a (la bytes) starts with literal b (lb bytes). */
static bool starts_with(const char *a, size_t la, const char *b, size_t lb) {
  return lb <= la && memcmp(a, b, lb) == 0;
}

/* Adds a literal to a set in which a literal that covers another one of the set (by the
 * relation `covers`: holds it, or starts with it) adds nothing, and replaces those that
 * cover it. False when the set is full. */
static bool set_add_by(litset *s, const char *lit, size_t len,
                       bool (*covers)(const char *, size_t, const char *, size_t)) {
  for (size_t i = 0; i < s->n; i++)
    if (covers(lit, len, s->lit[i], s->len[i])) return true;
  size_t k = 0;
  for (size_t i = 0; i < s->n; i++)
    if (!covers(s->lit[i], s->len[i], lit, len)) {
      if (k != i) {
        memcpy(s->lit[k], s->lit[i], LIT_LEN);
        s->len[k] = s->len[i];
      }
      k++;
    }
  s->n = k;
  if (s->n == LIT_MAX) return false;
  memcpy(s->lit[s->n], lit, LIT_LEN);
  s->len[s->n++] = (uint8_t)len;
  return true;
}

/* Adds a literal to an alternative set: a literal holding another one of the set adds
 * nothing (a text with it has the other), and replaces those that hold it. False when the
 * set is full. */
static bool set_add(litset *s, const char *lit, size_t len) {
  litset room;
  set_copy(&room, s);
  if (set_add_by(&room, lit, len, holds)) {
    set_copy(s, &room);
    return true;
  }
  /* full: a literal whose letters hold another's, or are held by them, but whose boundary
   * marks differ ("<bag>" and "<bags>"): both give way to the shorter letters with the marks
   * true of both ("<bag"), as without the marks the shorter would take the longer's place */
  char m[LIT_LEN];
  memcpy(m, lit, len + 1);
  for (size_t i = 0; i < s->n; i++) {
    const char *a = s->lit[i], *b = m, *ca, *cb;
    size_t la = s->len[i], lb = len;
    if (holds(a, la, b, lb) || holds(b, lb, a, la)) continue; /* (set_add_by() sees to it) */
    size_t na = lit_core(a, la, &ca), nb = lit_core(b, lb, &cb);
    if (na < nb) { /* b: the shorter letters */
      const char *t[2] = {a, ca};
      size_t u[2] = {la, na};
      a = b, ca = cb, la = lb, na = nb;
      b = t[0], cb = t[1], lb = u[0], nb = u[1];
    }
    size_t o = 0;
    while (o + nb <= na && memcmp(ca + o, cb, nb) != 0) o++;
    if (o + nb > na) continue; /* (unrelated) */
    bool before = b[0] == VB_LIT_B_BEFORE && a[0] == VB_LIT_B_BEFORE && o == 0;
    bool after = b[lb - 1] == VB_LIT_B_AFTER && a[la - 1] == VB_LIT_B_AFTER && o + nb == na;
    char w[LIT_LEN];
    size_t n = 0;
    if (before) w[n++] = VB_LIT_B_BEFORE;
    memcpy(w + n, cb, nb);
    n += nb;
    if (after) w[n++] = VB_LIT_B_AFTER;
    w[n] = '\0';
    memcpy(m, w, n + 1);
    len = n;
  }
  return set_add_by(s, m, len, holds);
}

/* Whether a text holding a literal of `a` holds one of `b`: each literal of a holds one of b. */
static bool implies(const litset *a, const litset *b) {
  for (size_t i = 0; i < a->n; i++) {
    bool held = false;
    for (size_t j = 0; j < b->n && !held; j++)
      held = holds(a->lit[i], a->len[i], b->lit[j], b->len[j]);
    if (!held) return false;
  }
  return true;
}

/* Adds a set to a conjunction: nothing when a set there implies it, replacing those it
 * implies; when full, it replaces the weakest if stronger. */
static void req_add(req *r, const litset *s) {
  if (s->n == 0) return;
  for (size_t i = 0; i < r->n; i++)
    if (implies(&r->set[i], s)) return;
  size_t k = 0;
  for (size_t i = 0; i < r->n; i++)
    if (!implies(s, &r->set[i])) {
      if (k != i) set_copy(&r->set[k], &r->set[i]);
      k++;
    }
  r->n = k;
  if (r->n < VB_LIT_SETS) {
    set_copy(&r->set[r->n++], s);
    return;
  }
  size_t weak = 0;
  for (size_t i = 1; i < r->n; i++)
    if (stronger(&r->set[weak], &r->set[i])) weak = i;
  if (stronger(s, &r->set[weak])) set_copy(&r->set[weak], s);
}

/* Sorts a conjunction's sets, strongest first. */
static void req_sort(req *r) {
  litset t;
  for (size_t i = 1; i < r->n; i++)
    for (size_t j = i; j > 0 && stronger(&r->set[j], &r->set[j - 1]); j--) {
      set_copy(&t, &r->set[j]);
      set_copy(&r->set[j], &r->set[j - 1]);
      set_copy(&r->set[j - 1], &t);
    }
}

/* ---- parsing ---- */

static void parse_alt(parser *ps, req *out, bool b_before, bool b_after);

/* After an atom: its quantifier. Returns how many times the atom must occur at least (1 when
 * there is no quantifier); `*quantified` tells whether there was one. */
static long quantifier(parser *ps, bool *quantified) {
  *quantified = false;
  if (ps->p >= ps->end) return 1;
  char c = *ps->p;
  long min = 1;
  if (c == '?' || c == '*') {
    min = 0;
    *quantified = true;
    ps->p++;
  } else if (c == '+') {
    *quantified = true;
    ps->p++;
  } else if (c == '{') {
    const char *q = ps->p + 1;
    if (q < ps->end && (*q >= '0' && *q <= '9')) {
      long v = 0;
      while (q < ps->end && *q >= '0' && *q <= '9') {
        if (v < 1000) v = v * 10 + (*q - '0');
        q++;
      }
      while (q < ps->end && *q != '}')
        q++;
      if (q < ps->end) {
        min = v;
        *quantified = true;
        ps->p = q + 1;
      }
    } else if (q < ps->end && *q == ',') {
      while (q < ps->end && *q != '}')
        q++;
      min = 0;
      *quantified = true;
      ps->p = q < ps->end ? q + 1 : q;
    }
  }
  /* lazy or possessive */
  if (*quantified && ps->p < ps->end && (*ps->p == '?' || *ps->p == '+')) ps->p++;
  return min;
}

/* Skips a character class [...]. */
static void skip_class(parser *ps) {
  ps->p++; /* [ */
  if (ps->p < ps->end && *ps->p == '^') ps->p++;
  if (ps->p < ps->end && *ps->p == ']') ps->p++;
  while (ps->p < ps->end && *ps->p != ']') {
    if (*ps->p == '\\' && ps->p + 1 < ps->end)
      ps->p++;
    else if (*ps->p == '[' && ps->p + 1 < ps->end && ps->p[1] == ':') {
      const char *e = strstr(ps->p + 2, ":]");
      if (e && e < ps->end) ps->p = e + 1;
    }
    ps->p++;
  }
  if (ps->p < ps->end)
    ps->p++;
  else
    ps->fail = true;
}

/* After the letter e of an escape (ps->p just past it): passes over its argument, for \p{..},
 * \pL, \P.., \x{..} and \xhh. */
static void skip_escape_arg(parser *ps, char e) {
  if (e != 'p' && e != 'P' && e != 'x') return;
  if (ps->p < ps->end && *ps->p == '{') {
    while (ps->p < ps->end && *ps->p != '}') ps->p++;
    if (ps->p < ps->end) ps->p++;
  } else if (e == 'x') {
    for (int k = 0; k < 2 && ps->p < ps->end &&
                    ((*ps->p >= '0' && *ps->p <= '9') ||
                     ((*ps->p | 0x20) >= 'a' && (*ps->p | 0x20) <= 'f'));
         k++)
      ps->p++;
  } else if (ps->p < ps->end) {
    ps->p++;
  }
}

/* At a backslash: the escape's character, with ps->p past it and its argument (\p{..},
 * \xhh); *literal when it stands for itself (\. \( ...). 0 (ps->fail set) for a backslash at
 * the end and the escapes not read: back-references, quoting, octal and control escapes,
 * named characters, and for a lead \K too (it moves where a match starts). */
static char escape_open(parser *ps, bool lead, bool *literal) {
  if (ps->p + 1 >= ps->end) {
    ps->fail = true;
    return 0;
  }
  char e = ps->p[1];
  ps->p += 2;
  if (e == 'Q' || e == 'g' || e == 'k' || e == 'c' || e == 'o' || e == 'N' ||
      (lead && e == 'K') || (e >= '0' && e <= '9') || e == '\0') {
    ps->fail = true;
    return 0;
  }
  *literal = !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (unsigned char)e >= 0x80);
  skip_escape_arg(ps, e);
  return e;
}

/* After a '(' (ps->p just past it), what the group is. A plain, (?: ) or atomic (?> ) group
 * is for the caller to read (GROUP_READ: ps->p at its first part, ps->depth one more); a
 * lookaround consumes nothing and is passed over to just past its ')' (GROUP_LOOKAROUND);
 * anything else ((?| ), (?i), (*VERB) ...) or nesting deeper than DEPTH_MAX is not
 * understood (GROUP_FAIL, ps->fail set). Both readers of a pattern (the literals, the lead)
 * open groups with it. */
typedef enum { GROUP_FAIL, GROUP_READ, GROUP_LOOKAROUND } group_kind;

static group_kind group_open(parser *ps) {
  if (ps->p < ps->end && *ps->p == '?') {
    if (ps->p + 1 < ps->end && (ps->p[1] == ':' || ps->p[1] == '>')) {
      ps->p += 2;
    } else if (ps->p + 1 < ps->end &&
               (ps->p[1] == '=' || ps->p[1] == '!' ||
                (ps->p[1] == '<' && ps->p + 2 < ps->end && (ps->p[2] == '=' || ps->p[2] == '!')))) {
      int depth = 1;
      while (ps->p < ps->end && depth > 0 && !ps->fail) {
        if (*ps->p == '\\' && ps->p + 1 < ps->end)
          ps->p += 2;
        else if (*ps->p == '[')
          skip_class(ps);
        else
          depth += *ps->p == '(' ? 1 : *ps->p == ')' ? -1 : 0, ps->p++;
      }
      if (depth) ps->fail = true;
      return ps->fail ? GROUP_FAIL : GROUP_LOOKAROUND;
    } else {
      ps->fail = true;
      return GROUP_FAIL;
    }
  } else if (ps->p < ps->end && *ps->p == '*') {
    ps->fail = true;
    return GROUP_FAIL;
  }
  if (++ps->depth > DEPTH_MAX) {
    ps->fail = true;
    return GROUP_FAIL;
  }
  return GROUP_READ;
}

/* Whether s[0..n) is a word: one or more letters (vb__lit_letter(): \w). */
static bool is_word(const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    size_t c = char_len((unsigned char)s[i]);
    if (i + c > n || !vb__lit_letter(lit_cp((const unsigned char *)s + i, c))) return false;
    i += c;
  }
  return n > 0;
}

/* Writes run[0..rl) folded to `lit`, marked (VB_LIT_B_*) by the word boundaries every match
 * has right before it (before) and right after it (after) when it is a word (a mark next to
 * a byte that may be no \w would not say what it means) and not Hebrew (the sets marks give
 * the Hebrew patterns cost 1.2 M instructions more on the Hebrew sample than they save);
 * returns its length. */
static size_t marked(char *lit, const char *run, size_t rl, bool before, bool after) {
  char folded[RUN_LEN];
  size_t n = vb__lit_fold(run, rl, folded), o = 0;
  bool word = is_word(folded, n) && (unsigned char)folded[0] != 0xD7;
  if (before && word) lit[o++] = VB_LIT_B_BEFORE;
  memcpy(lit + o, folded, n);
  o += n;
  if (after && word) lit[o++] = VB_LIT_B_AFTER;
  lit[o] = '\0';
  return o;
}

/* Adds a run of literal characters (folded) to a conjunction, marked by the word boundaries
 * every match has right before it (before) and right after it (after). */
static void flush_b(req *r, char *run, size_t *rl, bool before, bool after) {
  if (*rl == 0) return;
  litset one;
  one.n = 1;
  one.len[0] = (uint8_t)marked(one.lit[0], run, *rl, before, after);
  req_add(r, &one);
  *rl = 0;
}

/* Whether a character class escape e (\b or \s) with its quantifier (at q, or none) means a
 * word boundary there: \b, or at least one white space (no \w). */
static bool boundary_escape(char e, const char *q, const char *end) {
  return (e == 'b' || e == 's') && (q >= end || (*q != '?' && *q != '*' && *q != '{'));
}

/* Whether the pattern goes on at p with a word boundary (boundary_escape()). */
static bool at_boundary(const parser *ps) {
  return ps->end - ps->p >= 2 && ps->p[0] == '\\' &&
         boundary_escape(ps->p[1], ps->p + 2, ps->end);
}

/* Whether the sequence ends at p (the end of its branch). */
static bool seq_end(const parser *ps) {
  return ps->p >= ps->end || *ps->p == '|' || *ps->p == ')';
}

/* A sequence's requirement. b_before: a word boundary comes right before it in every match
 * (\b before its group), b_after: right after it; the runs of literal characters right after
 * one or right before one are marked so (VB_LIT_B_*), as is a run whose one optional letter
 * comes before one ("hrs?\b": {hr, hrs}, both with the boundary after them). */
static void parse_seq(parser *ps, req *out, bool b_before, bool b_after) {
  req best;
  best.n = 0;
  char run[RUN_LEN];
  size_t rl = 0;
  bool at_b = b_before; /* a \b comes right before the place reached */
  bool run_b = false;   /* and came right before the run */
#define RUN_FLUSH(after) flush_b(&best, run, &rl, run_b, (after))
  while (ps->p < ps->end && !ps->fail && *ps->p != '|' && *ps->p != ')') {
    char c = *ps->p;
    bool quantified;
    if (c == '(') {
      /* (?: ) and atomic (?> ) groups are read; lookarounds consume nothing and are skipped
       * (a requirement computed without them still holds); other groups are not understood */
      ps->p++;
      group_kind g = group_open(ps);
      if (g == GROUP_FAIL) break;
      if (g == GROUP_LOOKAROUND) { /* (it does not move: a \b before still holds after it) */
        RUN_FLUSH(false);
        (void)quantifier(ps, &quantified);
        continue;
      }
      /* read once to see what follows it: a \b, or with no quantifier the end of this
       * sequence when a boundary comes after that; then again with that known */
      const char *from = ps->p;
      int depth = ps->depth;
      req inner;
      parse_alt(ps, &inner, at_b, false);
      bool after = false;
      if (!ps->fail && ps->p < ps->end && *ps->p == ')') {
        ps->p++;
        after = at_boundary(ps) || (b_after && seq_end(ps));
        if (after) {
          ps->p = from;
          ps->depth = depth;
          parse_alt(ps, &inner, at_b, true);
          if (!ps->fail && ps->p < ps->end && *ps->p == ')') ps->p++;
          else ps->fail = true;
        }
      } else {
        ps->fail = true;
      }
      ps->depth--;
      if (ps->fail) break;
      RUN_FLUSH(false);
      at_b = false;
      if (quantifier(ps, &quantified) > 0)
        for (size_t i = 0; i < inner.n; i++)
          req_add(&best, &inner.set[i]);
      continue;
    }
    if (c == '[') {
      skip_class(ps);
      RUN_FLUSH(false);
      at_b = false;
      (void)quantifier(ps, &quantified);
      continue;
    }
    if (c == '\\') {
      bool literal;
      char e = escape_open(ps, false, &literal);
      if (!e) break;
      if (e == 'b' || e == 's') { /* (a quantified character ended the run before it) */
        bool b = boundary_escape(e, ps->p, ps->end);
        (void)quantifier(ps, &quantified);
        RUN_FLUSH(b);
        at_b = b;
        continue;
      }
      if (e == 'd') {
        RUN_FLUSH(false);
        at_b = false;
        long min = quantifier(ps, &quantified);
        if (min > 0) {
          litset digits;
          digits.n = 1;
          size_t nd = min > DIGITS_MAX ? DIGITS_MAX : (size_t)min;
          memset(digits.lit[0], VB_LIT_DIGIT, nd);
          digits.lit[0][nd] = '\0';
          digits.len[0] = (uint8_t)nd;
          req_add(&best, &digits);
        }
        continue;
      }
      if (literal) {
        long min = quantifier(ps, &quantified);
        if (min == 0) {
          RUN_FLUSH(false);
        } else {
          if (rl + 1 >= RUN_LEN) RUN_FLUSH(false);
          if (rl == 0) run_b = at_b;
          run[rl++] = e;
          if (quantified) RUN_FLUSH(false);
        }
      } else {
        RUN_FLUSH(false);
        (void)quantifier(ps, &quantified);
      }
      at_b = false;
      continue;
    }
    if (c == '.' || c == '^' || c == '$') {
      ps->p++;
      RUN_FLUSH(false);
      at_b = false;
      (void)quantifier(ps, &quantified);
      continue;
    }
    /* a literal character (all the bytes of a UTF-8 sequence) */
    unsigned char b = (unsigned char)c;
    size_t n = char_len(b);
    if ((size_t)(ps->end - ps->p) < n || (b >= 0x80 && b < 0xC0)) {
      ps->fail = true;
      break;
    }
    uint32_t cp = lit_cp((const unsigned char *)ps->p, n);
    char ch[4];
    memcpy(ch, ps->p, n);
    ps->p += n;
    bool maybe = ps->p < ps->end && *ps->p == '?'; /* "?", "??" or "?+": once or not */
    long min = quantifier(ps, &quantified);
    bool was_b = at_b;
    at_b = false;
    if (min == 0 && maybe && rl > 0 && rl + 1 < RUN_LEN && cp < 0x80 &&
        vb__ascii_alpha((int)cp) && case_safe(cp) &&
        (at_boundary(ps) || (b_after && seq_end(ps)))) {
      /* "hrs?\b": the run, or the run and the letter, with the boundary after either */
      litset two;
      two.n = 2;
      two.len[0] = (uint8_t)marked(two.lit[0], run, rl, run_b, true);
      run[rl] = ch[0];
      two.len[1] = (uint8_t)marked(two.lit[1], run, rl + 1, run_b, true);
      req_add(&best, &two);
      rl = 0;
      continue;
    }
    if (min == 0 || !case_safe(cp)) {
      RUN_FLUSH(false);
      continue;
    }
    if (rl + n >= RUN_LEN) RUN_FLUSH(false);
    if (rl == 0) run_b = was_b;
    memcpy(run + rl, ch, n);
    rl += n;
    if (quantified) RUN_FLUSH(false);
  }
  RUN_FLUSH(b_after && seq_end(ps));
#undef RUN_FLUSH
  req_copy(out, &best);
}

/* The alternation's requirement: for rank r, the union of each branch's r-th strongest set
 * (its last when it has fewer). */
static void parse_alt(parser *ps, req *out, bool b_before, bool b_after) {
  litset acc[VB_LIT_SETS];
  bool ok[VB_LIT_SETS];
  bool first = true, none = false;
  for (;;) {
    req branch;
    parse_seq(ps, &branch, b_before, b_after);
    if (ps->fail) break;
    if (branch.n == 0) none = true;
    if (!none) {
      req_sort(&branch);
      for (size_t r = 0; r < VB_LIT_SETS; r++) {
        const litset *s = &branch.set[r < branch.n ? r : branch.n - 1];
        if (first) {
          set_copy(&acc[r], s);
          ok[r] = true;
          continue;
        }
        for (size_t i = 0; i < s->n && ok[r]; i++)
          ok[r] = set_add(&acc[r], s->lit[i], s->len[i]);
      }
      first = false;
    }
    if (ps->p < ps->end && *ps->p == '|') {
      ps->p++;
      continue;
    }
    break;
  }
  out->n = 0;
  if (ps->fail || none || first) return;
  for (size_t r = 0; r < VB_LIT_SETS; r++)
    if (ok[r]) req_add(out, &acc[r]);
}

int vb__regex_literals(const char *pattern, vb__buf *out, size_t *n_sets,
                       uint8_t set_len[VB_LIT_SETS]) {
  parser ps = {pattern, pattern + strlen(pattern), 0, false};
  req r;
  parse_alt(&ps, &r, false, false);
  *n_sets = 0;
  out->len = 0;
  if (ps.fail || ps.p != ps.end || r.n == 0) return VB_OK;
  req_sort(&r);
  /* a set with a one-letter (or space) literal filters nothing and costs a look at almost
   * every position of the scan: dropped when another set remains */
  while (r.n > 1 && one_letter(&r.set[r.n - 1]))
    r.n--;
  for (size_t s = 0; s < r.n; s++) {
    for (size_t i = 0; i < r.set[s].n; i++)
      if (vb__buf_append(out, r.set[s].lit[i], r.set[s].len[i] + 1u)) return VB_ENOMEM;
    set_len[s] = (uint8_t)r.set[s].n;
  }
  *n_sets = r.n;
  return VB_OK;
}

/* ---- where a match starts ---- */

/* A pattern's leads: sets of literals such that every match starts at most `before`
 * characters before a literal of the set, not counting characters of the classes `skip`
 * (VB_SKIP_*) that may come there in any number. A match of "\b(app|site)\b..." starts at
 * "app" or "site", one of "(ו|ש)?הזמנ" at most two characters before "הזמנ", one of
 * "\b(\d+|an?|one)\s*(mins?|hours?)\s+late" at most three characters before "min" or
 * "hour" and at most ten before "late", besides digits and spaces. The analyzer starts PCRE2
 * at the latest place these give (patterns.c, vb__lead_start()). Read from the parts of the
 * pattern's sequence that must match a literal, as the sets are; the parts before one must
 * have a bounded width, but for single characters of a known class repeated without bound
 * (lookarounds and \b have none). A pattern that is an alternation has one lead, its
 * branches' first leads joined. */
#define WIDE SIZE_MAX /* no bound */
#define LEADS_READ 8  /* leads read from a sequence, before the useless are dropped */

/* A width: at most n characters (WIDE: no bound) besides any number of the classes `skip`. */
typedef struct span {
  size_t n;
  uint8_t skip;
} span;

typedef struct lead {
  bool known;
  span before;
  litset set;
} lead;

/* The leads of the pattern's sequence, in order. */
typedef struct leads {
  size_t n;
  lead l[LEADS_READ];
} leads;

static const span S_WIDE = {WIDE, 0};

static span s_add(span a, span b) {
  if (a.n == WIDE || b.n == WIDE || a.n + b.n > 100000) return S_WIDE;
  return (span){a.n + b.n, (uint8_t)(a.skip | b.skip)};
}

/* w repeated at most `max` times (WIDE: no bound). */
static span s_times(span w, size_t max) {
  if (max == 0) return (span){0, 0};
  if (w.n == 0) return w; /* nothing but the classes: any number of them */
  if (w.n == WIDE || max == WIDE || w.n > 100000 / max) return S_WIDE;
  return (span){w.n * max, w.skip};
}

/* The wider of two (one branch or the other). */
static span s_max(span a, span b) {
  if (a.n == WIDE || b.n == WIDE) return S_WIDE;
  return (span){a.n > b.n ? a.n : b.n, (uint8_t)(a.skip | b.skip)};
}

/* The quantifier after an atom (as quantifier() reads it): the least and the most times the
 * atom may match (WIDE: no bound, also for a form not known for certain). */
static void quant_range(parser *ps, size_t *min, size_t *max) {
  const char *q0 = ps->p;
  bool quantified;
  long lo = quantifier(ps, &quantified);
  *min = (size_t)lo;
  *max = WIDE;
  if (!quantified) {
    *max = 1;
    return;
  }
  const char *q = q0, *e = ps->p;
  if (e > q && (e[-1] == '?' || e[-1] == '+') && e - q >= 2) e--; /* lazy, possessive */
  if (e - q == 1 && *q == '?') *max = 1;
  if (*q != '{' || e[-1] != '}') return;
  size_t v = 0, digits = 0;
  for (q++; q < e - 1 && *q >= '0' && *q <= '9'; q++, digits++)
    if (v < 100000) v = v * 10 + (size_t)(*q - '0');
  if (!digits) return;
  if (q == e - 1) { /* {n} */
    *max = v;
    return;
  }
  if (*q++ != ',') return;
  size_t m = 0, mdigits = 0;
  for (; q < e - 1 && *q >= '0' && *q <= '9'; q++, mdigits++)
    if (m < 100000) m = m * 10 + (size_t)(*q - '0');
  if (q == e - 1 && mdigits) *max = m; /* {n,m}; {n,} has no bound */
}

static void lead_alt(parser *ps, lead *out, span *width);

/* Copies a lead: only the literals in use (a set is 1 kB). */
static void lead_copy(lead *d, const lead *s) {
  d->known = s->known;
  d->before = s->before;
  set_copy(&d->set, &s->set);
}

/* One part of a sequence (after its quantifier was read): `part` is what it starts with, if
 * anything; `w` its width once; `cls` the class of its every character when it is one
 * character (VB_SKIP_*, 0: not known), which makes it any number of that class when it may
 * repeat without bound. The first lead goes to `out` (the sequence's), each to `all`. */
static void lead_part(leads *all, lead *out, span *width, const lead *part, span w, uint8_t cls,
                      size_t min, size_t max) {
  if (width->n != WIDE && min > 0 && part && part->known) {
    span before = s_add(*width, part->before);
    if (!out->known) {
      lead_copy(out, part);
      out->before = before;
    }
    if (all && all->n < LEADS_READ) {
      lead_copy(&all->l[all->n], part);
      all->l[all->n++].before = before;
    }
  }
  *width = s_add(*width, max == WIDE && cls ? (span){0, cls} : s_times(w, max));
}

/* A run of literal characters as a lead. */
static void run_lead(lead *l, char *run, size_t *rl) {
  l->known = *rl > 0;
  l->before = (span){0, 0};
  l->set.n = 1;
  size_t n = vb__lit_fold(run, *rl, l->set.lit[0]);
  l->set.lit[0][n] = '\0';
  l->set.len[0] = (uint8_t)n;
  *rl = 0;
}

/* The class of an escape's characters (VB_SKIP_*): \s, \d, \w, or any for the others that
 * match one character. */
static uint8_t escape_class(char e) {
  return e == 's' ? VB_SKIP_SPACE : e == 'd' ? VB_SKIP_DIGIT : e == 'w' ? VB_SKIP_WORD
                                                                        : VB_SKIP_ANY;
}

static void lead_seq(parser *ps, lead *out, span *width, leads *all) {
  out->known = false;
  *width = (span){0, 0};
  char run[RUN_LEN];
  size_t rl = 0, run_w = 0; /* a run of required literal characters, its width */
  lead part;
  static const span ONE = {1, 0}, NONE = {0, 0};
#define END_RUN()                                                                                  \
  do {                                                                                             \
    if (rl) {                                                                                      \
      run_lead(&part, run, &rl);                                                                   \
      lead_part(all, out, width, &part, (span){run_w, 0}, 0, 1, 1);                                \
      run_w = 0;                                                                                   \
    }                                                                                              \
  } while (0)
  while (ps->p < ps->end && !ps->fail && *ps->p != '|' && *ps->p != ')') {
    char c = *ps->p;
    size_t min, max;
    if (c == '(') {
      END_RUN();
      ps->p++;
      group_kind g = group_open(ps);
      if (g == GROUP_FAIL) break;
      if (g == GROUP_LOOKAROUND) { /* no width, its own parts skipped */
        quant_range(ps, &min, &max);
        continue;
      }
      span w;
      lead_alt(ps, &part, &w);
      ps->depth--;
      if (ps->fail || ps->p >= ps->end || *ps->p != ')') {
        ps->fail = true;
        break;
      }
      ps->p++;
      quant_range(ps, &min, &max);
      lead_part(all, out, width, &part, w, 0, min, max);
      continue;
    }
    if (c == '[' || c == '.' || c == '^' || c == '$') {
      END_RUN();
      if (c == '[')
        skip_class(ps);
      else
        ps->p++;
      quant_range(ps, &min, &max);
      bool one = c == '[' || c == '.';
      lead_part(all, out, width, NULL, one ? ONE : NONE, one ? VB_SKIP_ANY : 0, min, max);
      continue;
    }
    if (c == '\\') {
      bool literal;
      char e = escape_open(ps, true, &literal);
      if (!e) break;
      if (literal) {
        quant_range(ps, &min, &max);
        if (min == 0 || max != 1) {
          END_RUN();
          lead_part(all, out, width, NULL, ONE, VB_SKIP_ANY, min, max);
        } else {
          if (rl + 1 >= RUN_LEN) END_RUN();
          run[rl++] = e;
          run_w++;
        }
        continue;
      }
      END_RUN();
      quant_range(ps, &min, &max);
      if (e == 'd') {
        part.known = true;
        part.before = NONE;
        part.set.n = 1;
        part.set.lit[0][0] = VB_LIT_DIGIT;
        part.set.lit[0][1] = '\0';
        part.set.len[0] = 1;
        lead_part(all, out, width, &part, ONE, VB_SKIP_DIGIT, min, max);
      } else {
        bool none = e == 'b' || e == 'B' || e == 'A' || e == 'z' || e == 'Z' || e == 'G';
        span w = none ? NONE : e == 'R' ? (span){2, 0} : e == 'X' ? S_WIDE : ONE;
        lead_part(all, out, width, NULL, w, none || e == 'X' ? 0 : escape_class(e), min, max);
      }
      continue;
    }
    /* a literal character (all the bytes of a UTF-8 sequence) */
    unsigned char b = (unsigned char)c;
    size_t n = char_len(b);
    if ((size_t)(ps->end - ps->p) < n || (b >= 0x80 && b < 0xC0)) {
      ps->fail = true;
      break;
    }
    uint32_t cp = lit_cp((const unsigned char *)ps->p, n);
    char ch[4];
    memcpy(ch, ps->p, n);
    ps->p += n;
    quant_range(ps, &min, &max);
    if (min == 0 || max != 1 || !case_safe(cp)) {
      END_RUN();
      lead_part(all, out, width, NULL, ONE, VB_SKIP_ANY, min, max);
      continue;
    }
    if (rl + n >= RUN_LEN) END_RUN();
    memcpy(run + rl, ch, n);
    rl += n;
    run_w++;
  }
  END_RUN();
#undef END_RUN
}

/* Adds a literal to a lead's set: one that starts with a literal of the set adds nothing (a
 * match through it starts where that one starts), and replaces those that start with it;
 * unlike set_add(), a literal that holds another elsewhere is kept ("ifrån" and "från": a
 * match through "ifrån" starts before "från"). False when the set is full. */
static bool lead_add(litset *s, const char *lit, size_t len) {
  return set_add_by(s, lit, len, starts_with);
}

/* An alternation: each branch's first lead, joined (a match goes through one branch). */
static void lead_alt(parser *ps, lead *out, span *width) {
  bool first = true, known = true;
  *width = (span){0, 0};
  out->known = false;
  for (;;) {
    lead branch;
    span w;
    lead_seq(ps, &branch, &w, NULL);
    if (ps->fail) return;
    *width = first ? w : s_max(*width, w);
    if (!branch.known) known = false;
    if (known && first) {
      lead_copy(out, &branch);
    } else if (known) {
      out->before = s_max(out->before, branch.before);
      for (size_t i = 0; i < branch.set.n && known; i++)
        known = lead_add(&out->set, branch.set.lit[i], branch.set.len[i]);
    }
    first = false;
    if (ps->p < ps->end && *ps->p == '|') {
      ps->p++;
      continue;
    }
    break;
  }
  out->known = known && !first;
}

/* Whether every literal of a lead is one of the n NUL-separated literals at `lits` (without
 * their boundary marks). */
static bool in_sets(const litset *lead_set, const char *lits, size_t n) {
  for (size_t i = 0; i < lead_set->n; i++) {
    bool in = false;
    const char *l = lits, *c;
    for (size_t j = 0; j < n && !in; j++, l += strlen(l) + 1)
      in = lit_core(l, strlen(l), &c) == lead_set->len[i] &&
           memcmp(c, lead_set->lit[i], lead_set->len[i]) == 0;
    if (!in) return false;
  }
  return true;
}

int vb__regex_leads(const char *pattern, const char *lits, size_t n_lits, vb__buf *out,
                    vb__lead *leads_out, size_t *n_leads) {
  parser ps = {pattern, pattern + strlen(pattern), 0, false};
  leads all;
  all.n = 0;
  lead l;
  span w;
  lead_seq(&ps, &l, &w, &all);
  if (!ps.fail && ps.p < ps.end && *ps.p == '|') { /* an alternation: one lead */
    ps = (parser){pattern, pattern + strlen(pattern), 0, false};
    lead_alt(&ps, &all.l[0], &w);
    all.n = all.l[0].known;
  }
  *n_leads = 0;
  out->len = 0;
  if (ps.fail || ps.p != ps.end) return VB_OK;
  int rc = VB_OK;
  for (size_t i = 0; i < all.n && *n_leads < VB_LEADS && rc == VB_OK; i++) {
    const lead *a = &all.l[i];
    /* a one-letter (or space) literal is found early in most texts, and any character
     * before it leaves no bound: no use; after the first, only leads of literals the
     * pattern's sets hold (found in the text anyway: no literal more to look for) */
    if (!a->known || a->before.n == WIDE || (a->before.skip & VB_SKIP_ANY) ||
        one_letter(&a->set) || (i > 0 && !in_sets(&a->set, lits, n_lits)))
      continue;
    for (size_t q = 0; q < a->set.n && rc == VB_OK; q++)
      rc = vb__buf_append(out, a->set.lit[q], a->set.len[q] + 1u);
    leads_out[*n_leads].n = (uint8_t)a->set.n;
    leads_out[*n_leads].skip = a->before.skip;
    leads_out[(*n_leads)++].before = (uint32_t)a->before.n;
  }
  return rc;
}

/* Whether a character is in one of the classes `skip` (VB_SKIP_*): what \s, \d and \w match
 * under PCRE2_UCP, or more (above ASCII: every character for \w, every decimal digit and
 * more for \d, the Unicode spaces and a few format characters for \s). */
static inline bool skipped_ascii(unsigned char c, uint8_t skip) {
  bool digit = c >= '0' && c <= '9';
  return ((skip & VB_SKIP_SPACE) && (c == ' ' || (c >= 9 && c <= 13))) ||
         ((skip & VB_SKIP_DIGIT) && digit) ||
         ((skip & VB_SKIP_WORD) && (digit || c == '_' || vb__ascii_alpha(c)));
}

/* skipped_ascii() as a table: the classes (VB_SKIP_SPACE, _DIGIT, _WORD) of each ASCII byte,
 * which vb__lead_start() asks at every character it walks back over (test_lead_skip_classes
 * holds the walk to PCRE2's \s, \d and \w on every ASCII byte). */
static const uint8_t ascii_classes[128] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 0, 0, 0, 0, 0, 0,
    0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 4,
    0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0,
};

static bool skipped(uint32_t cp, uint8_t skip) {
  if (cp < 0x80) return skipped_ascii((unsigned char)cp, skip);
  return (skip & (VB_SKIP_WORD | VB_SKIP_ANY)) || ((skip & VB_SKIP_DIGIT) && unicode_digit(cp)) ||
         ((skip & VB_SKIP_SPACE) &&
          (cp == 0x85 || cp == 0xA0 || cp == 0x1680 || cp == 0x180E ||
           (cp >= 0x2000 && cp <= 0x200D) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000 || cp == 0xFEFF));
}

size_t vb__lead_start(const char *text, size_t from, size_t p, uint32_t before, uint8_t skip) {
  const unsigned char *s = (const unsigned char *)text;
  if (p <= from + before) return from; /* the walk passes `before` bytes at least */
  if (!skip) /* at most four bytes a character: no need to look */
    p = p > 4 * (size_t)before ? p - 4 * (size_t)before : 0;
  while (p > from && (s[p] & 0xC0) == 0x80) p--;
  while (p > from && skip) {
    size_t b = p - 1;
    bool skips;
    if (s[b] < 0x80) {
      skips = ascii_classes[s[b]] & skip;
    } else { /* the character before: back to its lead byte */
      while (b > 0 && (s[b] & 0xC0) == 0x80) b--;
      size_t n = p - b;
      uint32_t cp = n <= 3 ? lit_cp(s + b, n) : 0x10000; /* four bytes: taken as a digit */
      skips = (skip & VB_SKIP_WORD) || (s[b] != 0xD7 && skipped(cp, skip)); /* D7: Hebrew */
    }
    if (!skips) {
      if (before == 0) break;
      before--;
    }
    p = b;
  }
  return p > from ? p : from;
}

/* ---- the tables by which the literals are found ---- */

bool vb__lit_letter(uint32_t cp) {
  if (cp < 0x80) return vb__ascii_alpha((int)cp);
  if (cp >= 0xC0 && cp <= 0xFF) return cp != 0xD7 && cp != 0xF7;
  /* Ÿ, long s, capital sharp s, Kelvin and Ångström signs: folded to Latin letters */
  return (cp >= 0x5D0 && cp <= 0x5EA) || cp == 0x178 || cp == 0x17F || cp == 0x1E9E ||
         cp == 0x212A || cp == 0x212B;
}

/* Whether a word literal is in the Hebrew table (vb__cblang): four bytes or more from a
 * Hebrew letter (D7 xx), under its two letters' second bytes. */
static bool lit_hebrew(const struct vb__lit *l) {
  return l->word && l->len >= 4 && (unsigned char)l->s[0] == 0xD7;
}

/* The anchor table's bucket (vb__cblang.lit_b_start) of three bytes of a literal, or of a
 * text, that start `back` bytes before its anchor. */
static inline size_t b_bucket(const unsigned char *s, unsigned back) {
  uint32_t x = ((uint32_t)s[0] << 18 | (uint32_t)s[1] << 10 | (uint32_t)s[2] << 2 | back) *
               2654435761u;
  return x >> (32 - 12); /* VB_LIT_B_BUCKETS */
}

/* A literal's fields besides its text: the first four bytes, and its class: a word (every
 * character a letter, vb__lit_letter()) or the offset of its anchor: its first character
 * that is no letter. */
static void lit_classify(struct vb__lit *l) {
  if (l->len && l->s[0] == VB_LIT_B_BEFORE) { /* its boundary marks, taken off */
    memmove(l->s, l->s + 1, l->len--);
    l->b_before = true;
  }
  if (l->len && l->s[l->len - 1] == VB_LIT_B_AFTER) {
    l->s[--l->len] = '\0';
    l->b_after = true;
  }
  const unsigned char *s = (const unsigned char *)l->s;
  unsigned char pre[8] = {0}, mask[8] = {0};
  for (size_t i = 0; i < 8 && i < l->len; i++) {
    pre[i] = s[i];
    mask[i] = 0xFF;
  }
  memcpy(&l->pre, pre, 8);
  memcpy(&l->mask, mask, 8);
  l->digits = s[0] == VB_LIT_DIGIT;
  l->word = !l->digits;
  l->anchor = 0;
  for (size_t i = 0; i < l->len && l->word;) {
    size_t n = char_len(s[i]);
    uint32_t cp = lit_cp(s + i, n);
    if (!vb__lit_letter(cp)) {
      l->word = false;
      l->anchor = (uint8_t)i;
    }
    i += n;
  }
  if (!l->word) l->b_before = l->b_after = false; /* (its first or last byte may be no \w) */
  /* not a word, three bytes or more: keyed by three bytes that hold the anchor, from it if
   * it has two after it, else from the one before, else from two before; compared first by
   * (up to) four bytes from there */
  l->back = 0;
  if (l->word || l->digits || l->len < 3) return;
  l->back = l->anchor + 3u <= l->len ? 0 : l->anchor + 2u <= l->len ? 1 : 2;
  size_t from = l->anchor - l->back, to = l->len < from + 4u ? l->len : from + 4u;
  memset(pre, 0, 4);
  memset(mask, 0, 4);
  for (size_t i = from; i < to; i++) {
    pre[i - from] = s[i];
    mask[i - from] = 0xFF;
  }
  memcpy(&l->awin, pre, 4);
  memcpy(&l->amask, mask, 4);
}

/* Which table a literal is in (0 words, 1 Hebrew words, 2 one byte or digits, 3 anchors:
 * see vb__cblang), and, when fn is not NULL, fn(arg, key) for each key it is listed under. */
typedef void (*key_fn)(void *arg, size_t key);
static int lit_keys(const struct vb__lit *l, key_fn fn, void *arg) {
  const unsigned char *s = (const unsigned char *)l->s, *a = s + l->anchor;
  int table;
  if (lit_hebrew(l)) {
    table = 1;
    if (fn) fn(arg, vb__lit_he_key(l->s));
  } else if (l->word) {
    table = 0;
    if (fn && l->len > 1) fn(arg, (size_t)s[0] << 8 | s[1]);
    for (unsigned b1 = 0; fn && l->len == 1 && b1 < 256; b1++) /* one letter: under every b1 */
      fn(arg, (size_t)s[0] << 8 | b1);
  } else if (l->digits || l->len < 3) {
    table = 2;
    for (unsigned b = l->digits ? '0' : a[0]; fn && b <= (l->digits ? '9' : a[0]); b++)
      fn(arg, b);
  } else {
    table = 3;
    if (fn) fn(arg, b_bucket(a - l->back, l->back));
  }
  return table;
}

/* A table being built: counts per key, then their running sums, then each literal placed
 * from the end, so that start[key] ends as the start of its list. */
typedef struct table {
  uint32_t *start, *list;
  uint32_t k; /* the literal being placed */
} table;

static void key_count(void *arg, size_t key) { ((table *)arg)->start[key]++; }
static void key_place(void *arg, size_t key) {
  table *t = arg;
  t->list[--t->start[key]] = t->k;
}

/* How a literal is anchored at a space (vb__cblang.lit_gap_start): 1 with letters before it
 * (*key: the last), 2 with nothing before it and a letter after it (*key: 256 + the byte
 * after it); 0 when its anchor is no space; -1 when it is at a space otherwise. */
static int gap_kind(const struct vb__lit *l, size_t *key) {
  const unsigned char *s = (const unsigned char *)l->s;
  if (l->word || l->digits || s[l->anchor] != ' ') return 0;
  if (l->anchor > 0) { /* all letters before the anchor */
    *key = s[l->anchor - 1];
    return 1;
  }
  if (l->len < 2) return -1;
  size_t n = char_len(s[1]);
  if (n > l->len - 1) return -1;
  uint32_t cp = lit_cp(s + 1, n);
  if (!vb__lit_letter(cp)) return -1;
  *key = 256u + s[1];
  return 2;
}

/* Whether the n bytes at s are letters as word literals hold them (vb__lit_letter()). */
static bool all_letters(const unsigned char *s, size_t n) {
  for (size_t q = 0; q < n;) {
    size_t c = char_len(s[q]);
    if (c > n - q || !vb__lit_letter(lit_cp(s + q, c))) return false;
    q += c;
  }
  return true;
}

/* Whether a later word of literal l, anchored at a space with letters before it (gap_kind()
 * 1), names it for the pre-gate instead of the word its letters before the space end: the
 * longest of its parts (likely the rarest: "on hold" by "hold", not every word ending in
 * "on"; "on the phone" by "phone"; "wait for" by "wait"), the letters between two of its
 * spaces (a word exactly) or its bytes after its last space when a letter begins them (a
 * word beginning with them). Sets l->part, part_len, part_whole and *key (512 + the part's
 * first byte) when it does (vb__lit.next). */
static bool gap_next_kind(struct vb__lit *l, size_t *key) {
  const unsigned char *s = (const unsigned char *)l->s;
  size_t k, best = l->anchor; /* the letters before the space */
  bool next = false;
  if (gap_kind(l, &k) != 1) return false;
  for (size_t p = l->anchor + 1u; p <= l->len;) {
    size_t e = p;
    while (e < l->len && s[e] != ' ') e++;
    bool last = e == l->len;
    if (e - p > best && e - p <= UINT8_MAX && p <= UINT8_MAX &&
        (last ? char_len(s[p]) <= e - p && all_letters(s + p, char_len(s[p]))
              : all_letters(s + p, e - p))) {
      best = e - p;
      next = true;
      l->part = (uint8_t)p;
      l->part_len = (uint8_t)(e - p);
      l->part_whole = !last;
    }
    p = e + 1;
  }
  if (next) *key = 512u + s[l->part];
  return next;
}

/* The sets of the patterns as bits (vb__cblang.set_need): each pattern's, those without
 * literals, and per literal the bits of the sets it is in, one entry per word. */
static int set_bits(vb__cblang *cb) {
  size_t nw = (cb->n_regexes + 63) / 64, n_in = 0;
  cb->pat_words = nw;
  if (!(cb->set_need = vb__calloc(VB_LIT_SETS * nw + 1, sizeof *cb->set_need)) ||
      !(cb->solo_bits = vb__calloc(nw + 1, sizeof *cb->solo_bits)) ||
      !(cb->lit_bits_start = vb__calloc(cb->n_lits + 1, sizeof *cb->lit_bits_start)))
    return VB_ENOMEM;
  for (size_t r = 0; r < cb->n_regexes; r++) {
    const vb__cbregex *re = &cb->regexes[r];
    uint64_t bit = 1ULL << (r & 63);
    if (re->n_literals == 0) cb->solo_bits[r / 64] |= bit;
    for (size_t set = 0; set < re->n_sets; set++) cb->set_need[set * nw + r / 64] |= bit;
    n_in += re->n_literals;
  }
  /* each literal's entries in a room of one per set it is in (room[k] .. room[k + 1]), then
   * packed */
  struct vb__setbits *all = vb__malloc((n_in ? n_in : 1) * sizeof *all);
  uint32_t *room = vb__calloc(cb->n_lits + 1, sizeof *room);
  if (!all || !room || !(cb->lit_bits = vb__malloc((n_in ? n_in : 1) * sizeof *cb->lit_bits))) {
    vb__free(all);
    vb__free(room);
    return VB_ENOMEM;
  }
  for (size_t r = 0; r < cb->n_regexes; r++)
    for (size_t q = 0; q < cb->regexes[r].n_literals; q++) room[cb->regexes[r].lit_ids[q] + 1]++;
  for (size_t k = 1; k <= cb->n_lits; k++) room[k] += room[k - 1];
  uint32_t *used = cb->lit_bits_start; /* per literal, its entries so far */
  for (size_t r = 0; r < cb->n_regexes; r++) {
    const vb__cbregex *re = &cb->regexes[r];
    const uint32_t *id = re->lit_ids;
    for (size_t set = 0; set < re->n_sets; id += re->set_len[set], set++)
      for (size_t q = 0; q < re->set_len[set]; q++) {
        uint32_t k = id[q], at = (uint32_t)(set * nw + r / 64), e = 0;
        struct vb__setbits *mine = all + room[k];
        while (e < used[k] && mine[e].at != at) e++;
        if (e == used[k]) mine[used[k]++] = (struct vb__setbits){at, 0};
        mine[e].bits |= 1ULL << (r & 63);
      }
  }
  size_t n = 0;
  for (size_t k = 0; k < cb->n_lits; k++) {
    uint32_t count = used[k];
    used[k] = (uint32_t)n;
    for (uint32_t e = 0; e < count; e++) cb->lit_bits[n++] = all[room[k] + e];
  }
  cb->lit_bits_start[cb->n_lits] = (uint32_t)n;
  vb__free(all);
  vb__free(room);
  return VB_OK;
}

int vb__lits_index(vb__cblang *cb) {
  static const size_t n_keys[4] = {65536, 65536, 256, VB_LIT_B_BUCKETS};
  uint32_t **start[4] = {&cb->lit_start, &cb->lit_he_start, &cb->lit_one_start, &cb->lit_b_start};
  uint32_t **list[4] = {&cb->lit_list, &cb->lit_he_list, &cb->lit_one_list, &cb->lit_b_list};
  size_t count[4] = {0};
  cb->lit_bounded = false;
  for (size_t k = 0; k < cb->n_lits; k++) {
    lit_classify(&cb->lits[k]);
    cb->lit_bounded |= cb->lits[k].b_before || cb->lits[k].b_after;
    count[lit_keys(&cb->lits[k], NULL, NULL)]++;
  }
  for (int w = 0; w < 4; w++) {
    if (!count[w]) continue;
    table t = {vb__calloc(n_keys[w] + 1, sizeof *t.start), NULL, 0};
    if (!(*start[w] = t.start)) return VB_ENOMEM;
    for (size_t k = 0; k < cb->n_lits; k++)
      if (lit_keys(&cb->lits[k], NULL, NULL) == w) lit_keys(&cb->lits[k], key_count, &t);
    for (size_t h = 1; h <= n_keys[w]; h++) t.start[h] += t.start[h - 1];
    t.list = vb__malloc(t.start[n_keys[w]] * sizeof *t.list);
    if (!(*list[w] = t.list)) return VB_ENOMEM;
    for (size_t k = cb->n_lits; k-- > 0;) {
      t.k = (uint32_t)k;
      if (lit_keys(&cb->lits[k], NULL, NULL) == w) lit_keys(&cb->lits[k], key_place, &t);
    }
  }
  /* the sets each literal is in, as bits (see vb__cblang.set_need) */
  if (set_bits(cb)) return VB_ENOMEM;
  /* the literals anchored at a space, under the word they may end or begin */
  cb->lit_gap = true;
  if (!(cb->lit_gap_start = vb__calloc(3 * 256 + 1, sizeof *cb->lit_gap_start)))
    return VB_ENOMEM;
  size_t n_gap = 0;
  for (size_t k = 0; k < cb->n_lits; k++) {
    size_t key;
    int kind = gap_kind(&cb->lits[k], &key);
    if (kind < 0) cb->lit_gap = false;
    if (kind > 0) cb->lit_gap_start[key]++, n_gap++;
    if ((cb->lits[k].next = gap_next_kind(&cb->lits[k], &key))) cb->lit_gap_start[key]++, n_gap++;
  }
  for (size_t h = 1; h <= 3 * 256; h++) cb->lit_gap_start[h] += cb->lit_gap_start[h - 1];
  if (!(cb->lit_gap_list = vb__malloc((n_gap ? n_gap : 1) * sizeof *cb->lit_gap_list)))
    return VB_ENOMEM;
  for (size_t k = cb->n_lits; k-- > 0;) {
    size_t key;
    if (gap_kind(&cb->lits[k], &key) > 0) cb->lit_gap_list[--cb->lit_gap_start[key]] = (uint32_t)k;
    const struct vb__lit *l = &cb->lits[k];
    if (l->next)
      cb->lit_gap_list[--cb->lit_gap_start[512u + (unsigned char)l->s[l->part]]] = (uint32_t)k;
  }
  /* the literals that are no word by anchor byte (digits: under each digit), in order of k:
   * counted in the first pass, placed in the second */
  if (!(cb->lit_anch_start = vb__calloc(257, sizeof *cb->lit_anch_start))) return VB_ENOMEM;
  uint32_t fill[256];
  for (int pass = 0; pass < 2; pass++) {
    if (pass) {
      for (size_t b = 1; b <= 256; b++) cb->lit_anch_start[b] += cb->lit_anch_start[b - 1];
      size_t n_anch = cb->lit_anch_start[256];
      if (!(cb->lit_anch_list = vb__malloc((n_anch ? n_anch : 1) * sizeof *cb->lit_anch_list)))
        return VB_ENOMEM;
      memcpy(fill, cb->lit_anch_start, sizeof fill);
    }
    for (size_t k = 0; k < cb->n_lits; k++) {
      const struct vb__lit *l = &cb->lits[k];
      if (l->word) continue;
      unsigned lo = l->digits ? '0' : (unsigned char)l->s[l->anchor], hi = l->digits ? '9' : lo;
      for (unsigned b = lo; b <= hi; b++) {
        if (pass) cb->lit_anch_list[fill[b]++] = (uint32_t)k;
        else cb->lit_anch_start[b + 1]++;
      }
    }
  }
  /* the lists to look in at each byte */
  for (size_t k = 0; k < cb->n_lits; k++) {
    const struct vb__lit *l = &cb->lits[k];
    const unsigned char a = (unsigned char)l->s[l->anchor];
    if (l->digits)
      for (unsigned b = '0'; b <= '9'; b++) cb->lit_b_first[b] |= 1;
    else if (l->word)
      continue;
    else
      cb->lit_b_first[a] |= l->len < 3 ? 1 : 2 << l->back;
  }
  /* the pre-gate's sets by anchor byte (see vb__cblang.pre_anchor) */
  if (cb->pat_words != 1 || !cb->lit_gap) return VB_OK;
  if (!(cb->pre_anchor = vb__calloc((256 + VB_PRE_DIGITS + 1) * VB_LIT_SETS,
                                     sizeof *cb->pre_anchor)))
    return VB_ENOMEM;
  for (size_t k = 0; k < cb->n_lits; k++) {
    const struct vb__lit *l = &cb->lits[k];
    unsigned a = (unsigned char)l->s[l->anchor];
    if (l->word || (!l->digits && a == ' ')) continue;
    /* a run of digits: under every length from its own on */
    unsigned from = l->digits ? 256 + (l->len < VB_PRE_DIGITS ? l->len : VB_PRE_DIGITS) : a;
    unsigned to = l->digits ? 256 + VB_PRE_DIGITS : a;
    for (unsigned b = from; b <= to; b++)
      for (uint32_t e = cb->lit_bits_start[k]; e < cb->lit_bits_start[k + 1]; e++)
        cb->pre_anchor[b * VB_LIT_SETS + cb->lit_bits[e].at] |= cb->lit_bits[e].bits;
  }
  return VB_OK;
}

/* ---- finding the literals in a text ---- */
/* Whether the character of f[from..end) that ends just before byte p (before) or begins at
 * it (not before) is a letter (vb__lit_letter(): \w, so no word boundary next to a word
 * literal there); false at `from` or `end` (the character beyond is not known). Digits are
 * \w too but do not count: patterns.c's scan of a word, which sees no other token, would not
 * see one in a number token right before it ("3hours"), where the plain scan would. */
static bool letter_at(const unsigned char *f, size_t from, size_t end, size_t p, bool before) {
  if (before ? p <= from : p >= end) return false;
  size_t q = before ? p - 1 : p;
  if (f[q] < 0x80) return vb__ascii_alpha(f[q]);
  while (before && q > from && (f[q] & 0xC0) == 0x80) q--;
  size_t adv;
  int32_t cp = vb__utf8_decode(f + q, end - q, &adv);
  return cp >= 0 && vb__lit_letter((uint32_t)cp);
}

/* Whether word literal l at f + i (in f[from..end)) may have the word boundaries it asks
 * for (vb__lit.b_before, b_after): no letter right before or after it (letter_at()). */
static inline bool lit_bounds(const struct vb__lit *l, const unsigned char *f, size_t from,
                              size_t end, size_t i) {
  return !(l->b_before && letter_at(f, from, end, i, true)) &&
         !(l->b_after && letter_at(f, from, end, i + l->len, false));
}

/* The literals of list[a..b) that start at f + i and end by f + end (with the word
 * boundaries they ask for, in f[from..end)). */
static VB__INLINE void lits_try(const vb__cblang *cb, const unsigned char *f, size_t from,
                                size_t end, size_t i, const uint32_t *list, uint32_t a,
                                uint32_t b, vb__litfound *found, bool bounded) {
  for (; a < b; a++) {
    uint32_t k = list[a];
    const struct vb__lit *l = &cb->lits[k];
    if ((!found->seen[k] || found->last) && vb__lit_at(l, f, end, i) &&
        (!bounded || !(l->b_before | l->b_after) || lit_bounds(l, f, from, end, i)))
      vb__found_add(found, k, i);
  }
}

/* vb__lits_words(); `bounded`: some literal asks for a word boundary (vb__cblang.lit_bounded) */
static VB__INLINE void lits_words(const vb__cblang *cb, const unsigned char *f, size_t from,
                                  size_t to, size_t end, vb__litfound *found, bool bounded) {
  const uint32_t *start = cb->lit_start;
  /* at each position, the literals that may start with its two bytes */
  for (size_t i = from; i < to; i++) {
    size_t h = (size_t)f[i] << 8 | f[i + 1];
    if (start && start[h] < start[h + 1])
      lits_try(cb, f, from, end, i, cb->lit_list, start[h], start[h + 1], found, bounded);
    if (f[i] == 0xD7 && cb->lit_he_start) { /* a Hebrew letter: its table too */
      size_t g = vb__lit_he_key((const char *)f + i);
      if (cb->lit_he_start[g] < cb->lit_he_start[g + 1])
        lits_try(cb, f, from, end, i, cb->lit_he_list, cb->lit_he_start[g],
                 cb->lit_he_start[g + 1], found, bounded);
    }
  }
}

void vb__lits_words(const vb__cblang *cb, const unsigned char *f, size_t from, size_t to,
                    size_t end, vb__litfound *found) {
  if (cb->lit_bounded)
    lits_words(cb, f, from, to, end, found, true);
  else
    lits_words(cb, f, from, to, end, found, false);
}

void vb__lits_anchored(const vb__cblang *cb, const unsigned char *f, size_t from, size_t to,
                       size_t n, vb__litfound *found) {
  /* Only at the bytes that are some literal's anchor (never a letter), the lists that
   * lit_b_first names there: bit 0 the literals of one or two bytes and the runs of digits,
   * listed under the byte; bit 1 + back those keyed by the three bytes from `back` bytes
   * before. A literal listed is compared by the (up to) four bytes around its anchor, then
   * whole, from `anchor` bytes before; a run of digits by the length of the run of digits
   * from q (run_end: where it ends, found once per run). */
  size_t run_end = 0;
  for (size_t q = from; q < to; q++) {
    unsigned look = cb->lit_b_first[f[q]];
    for (unsigned kind = 0; look; kind++, look >>= 1) {
      if (!(look & 1)) continue;
      const uint32_t *start = kind ? cb->lit_b_start : cb->lit_one_start;
      const uint32_t *list = kind ? cb->lit_b_list : cb->lit_one_list;
      size_t h = f[q];
      if (kind) {
        if (q < kind - 1) continue;
        h = b_bucket(f + q - (kind - 1), kind - 1);
      }
      for (uint32_t i = start[h]; i < start[h + 1]; i++) {
        uint32_t k = list[i];
        const struct vb__lit *l = &cb->lits[k];
        uint32_t w;
        if (l->digits) { /* (anchored at its first byte: at q) */
          if (run_end <= q)
            for (run_end = q; run_end < n && f[run_end] >= '0' && f[run_end] <= '9';) run_end++;
          if (l->len <= run_end - q) vb__found_add(found, k, q);
          continue;
        }
        if (q < l->anchor) continue;
        memcpy(&w, f + q - l->back, 4);
        if ((w & l->amask) == l->awin && (!found->seen[k] || found->last) &&
            vb__lit_at(l, f, n, q - l->anchor))
          vb__found_add(found, k, q - l->anchor);
      }
    }
  }
}

size_t vb__lits_gap_form(const vb__cblang *cb, const unsigned char *w, size_t len, bool begin,
                         uint32_t *out) {
  if (!len || !cb->lit_gap_start) return 0;
  size_t key = begin ? 256u + w[0] : w[len - 1], n = 0;
  for (uint32_t i = cb->lit_gap_start[key]; i < cb->lit_gap_start[key + 1]; i++) {
    const struct vb__lit *l = &cb->lits[cb->lit_gap_list[i]];
    if (begin ? memcmp(l->s + 1, w, l->len - 1 < len ? l->len - 1 : len) == 0
              : l->anchor <= len && memcmp(l->s, w + len - l->anchor, l->anchor) == 0)
      out[n++] = cb->lit_gap_list[i];
  }
  return n;
}

size_t vb__lits_gap_next(const vb__cblang *cb, const unsigned char *w, size_t len,
                         uint32_t *out) {
  if (!len || !cb->lit_gap_start) return 0;
  size_t key = 512u + w[0], n = 0;
  for (uint32_t i = cb->lit_gap_start[key]; i < cb->lit_gap_start[key + 1]; i++) {
    const struct vb__lit *l = &cb->lits[cb->lit_gap_list[i]];
    if (l->part_whole ? l->part_len == len && memcmp(l->s + l->part, w, len) == 0
                      : memcmp(l->s + l->part, w, l->part_len < len ? l->part_len : len) == 0)
      out[n++] = cb->lit_gap_list[i];
  }
  return n;
}

int vb__lits_find(const vb__cblang *cb, const char *text, size_t len, vb__buf *folded,
                  unsigned char *seen) {
  if (!cb->n_lits) return VB_OK;
  memset(seen, 0, cb->n_lits);
  /* the fold never lengthens; eight NUL bytes after it: the pair at the last byte, the
   * anchor key and the four-byte prefix loads */
  folded->len = 0;
  if (vb__buf_reserve(folded, len + 8)) return VB_ENOMEM;
  unsigned char *f = (unsigned char *)folded->data;
  size_t n = vb__lit_fold(text, len, folded->data);
  memset(f + n, 0, 8);
  vb__litfound found = {seen, NULL, NULL, NULL, 0};
  vb__lits_words(cb, f, 0, n, n, &found);
  vb__lits_anchored(cb, f, 0, n, n, &found);
  return VB_OK;
}
