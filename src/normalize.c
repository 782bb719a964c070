/*
 * normalize.c - lookup keys.
 *
 * A key is NFKC + case folding of the token, with three additions that LANGUAGES.md asks for:
 * Hebrew points and cantillation (category Mn in U+0591..U+05C7) are removed, Hebrew final
 * letters are folded to their base forms (so that removing a suffix never needs a fix-up), and
 * typographic apostrophes and quotes are folded to ASCII. Marks elsewhere are never stripped:
 * "kundtjänst" stays "kundtjänst".
 *
 * Almost every token in our languages is ASCII, Latin-1 letters (å ä ö æ ø é ...) or plain
 * Hebrew letters, all of which are already NFKC and fold by a fixed offset, so a fast path
 * handles them without utf8proc (utf8proc costs ~160 MB/s per code point here), decoding
 * and encoding two-byte characters inline. Anything else goes through
 * utf8proc_decompose_custom + utf8proc_normalize_utf32 into a reused scratch buffer: no
 * allocation per token. test_normalize.c compares the fast path with utf8proc
 * (VB_NORM_UTF8PROC) for every code point up to U+07FF in many contexts and on random text.
 */
#include <utf8proc.h>

#include "vb_text.h"

bool vb__is_hebrew_cp(int32_t cp) { return cp >= 0x0590 && cp <= 0x05FF; }

static int32_t fold_final(int32_t cp) {
  switch (cp) {
  case 0x05DA: return 0x05DB; /* ך -> כ */
  case 0x05DD: return 0x05DE; /* ם -> מ */
  case 0x05DF: return 0x05E0; /* ן -> נ */
  case 0x05E3: return 0x05E4; /* ף -> פ */
  case 0x05E5: return 0x05E6; /* ץ -> צ */
  default: return cp;
  }
}

/* Folds punctuation variants that people type interchangeably. Returns 0 to drop `cp`. */
static VB__INLINE int32_t fold_variant(int32_t cp) {
  if (cp < 0xAD) return cp; /* below the first of them (ASCII, most of Latin-1) */
  switch (cp) {
  case 0x2018: case 0x2019: case 0x201B: case 0xFF07: case 0x05F3: case 0x00B4: case 0x2032:
    return '\'';
  case 0x201C: case 0x201D: case 0x201F: case 0xFF02: case 0x05F4:
    return '"';
  case 0xFE0E: case 0xFE0F: case 0x00AD: case 0x200B: case 0x200E: case 0x200F:
    return 0; /* variation selectors, soft hyphen, zero-width space, direction marks */
  default:
    return cp;
  }
}

/* The fast path: returns the folded code point, or -1 when utf8proc is needed. */
static VB__INLINE int32_t fast_fold(int32_t cp) {
  if (cp < 0x80) return vb__ascii_lower(cp);
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;
  if (cp >= 0xE0 && cp <= 0xFF && cp != 0xF7) return cp;
  if (cp >= 0x05D0 && cp <= 0x05EA) return fold_final(cp);
  if (cp >= 0x0591 && cp <= 0x05C7) {
    if (utf8proc_category(cp) == UTF8PROC_CATEGORY_MN) return 0; /* Hebrew point */
    return cp;
  }
  return -1;
}

void vb__norm_free(vb__norm *nz) {
  vb__free(nz->cps);
  nz->cps = NULL;
  nz->cap = 0;
}

static bool is_skin_tone(int32_t cp) { return cp >= 0x1F3FB && cp <= 0x1F3FF; }

int vb__normalize(vb__norm *nz, const char *s, size_t len, unsigned flags, vb__buf *out) {
  const unsigned char *p = (const unsigned char *)s;
  if (flags & VB_NORM_EMOJI) {
    /* A ZWJ sequence's key is its first emoji; cut before utf8proc, which drops U+200D. */
    for (size_t k = 0; k + 2 < len; k++)
      if (p[k] == 0xE2 && p[k + 1] == 0x80 && p[k + 2] == 0x8D) {
        len = k;
        break;
      }
  }
  if (len * 3 + 8 >= out->cap - out->len && vb__buf_reserve(out, len * 3 + 8)) return VB_ENOMEM;
  size_t mark = out->len;
  bool slow = (flags & VB_NORM_UTF8PROC) != 0;
  char *o = out->data + out->len;
  for (size_t i = 0; i < len && !slow;) {
    if (p[i] < 0x80) {
      *o++ = (char)vb__ascii_lower(p[i]);
      i++;
      continue;
    }
    int32_t cp;
    if (vb__utf8_two(p + i, len - i)) {
      /* The letters of our languages in their bytes: À-þ (C3 80-BF but × ß ÷) lower-cased,
       * the Hebrew letters (D7 90-AA) with the finals folded (ך ם ן ף ץ are one before
       * their base forms); another two-byte character decoded here. */
      static const uint32_t finals = 1u << 0xA | 1u << 0xD | 1u << 0xF | 1u << 0x13 | 1u << 0x15;
      unsigned c = p[i], d = p[i + 1];
      i += 2;
      if (c == 0xC3 && d != 0x97 && d != 0x9F && d != 0xB7) {
        *o++ = (char)c;
        *o++ = (char)(d < 0xA0 ? d + 0x20 : d);
        continue;
      }
      if (c == 0xD7 && d >= 0x90 && d <= 0xAA) {
        *o++ = (char)c;
        *o++ = (char)(d + ((finals >> (d - 0x90)) & 1));
        continue;
      }
      cp = (int32_t)(c & 0x1F) << 6 | (int32_t)(d & 0x3F);
    } else {
      size_t adv;
      cp = vb__utf8_decode(p + i, len - i, &adv);
      i += adv;
      if (cp < 0) cp = 0xFFFD;
    }
    int32_t v = fold_variant(cp);
    if (v == 0) continue;
    if (flags & VB_NORM_EMOJI) {
      if (is_skin_tone(cp)) continue;
      if (cp == 0x200D) break; /* ZWJ sequence: its key is its first emoji */
    }
    int32_t f = fast_fold(v);
    if (f < 0) { slow = true; break; }
    if (f == 0) continue;
    if (f < 0x80) {
      *o++ = (char)f;
    } else if (f < 0x800) {
      *o++ = (char)(0xC0 | f >> 6);
      *o++ = (char)(0x80 | (f & 0x3F));
    } else {
      o += vb__utf8_encode(f, o);
    }
  }
  out->len = (size_t)(o - out->data);
  if (!slow) {
    out->data[out->len] = '\0';
    return VB_OK;
  }

  /* Slow path: the whole token through utf8proc. */
  out->len = mark;
  utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                          UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
  for (;;) {
    utf8proc_ssize_t n = utf8proc_decompose_custom(p, (utf8proc_ssize_t)len, nz->cps,
                                                   (utf8proc_ssize_t)nz->cap, opt, NULL, NULL);
    if (n < 0) {
      /* Invalid UTF-8 cannot reach here (texts are repaired first); copy bytes as they are. */
      return vb__buf_append(out, s, len);
    }
    if ((size_t)n > nz->cap) {
      if (vb__grow(&nz->cps, &nz->cap, (size_t)n, sizeof *nz->cps)) return VB_ENOMEM;
      continue;
    }
    size_t m = 0;
    for (size_t k = 0; k < (size_t)n; k++) {
      int32_t cp = fold_variant(nz->cps[k]);
      if (cp == 0) continue;
      if (flags & VB_NORM_EMOJI) {
        if (is_skin_tone(cp)) continue;
        if (cp == 0x200D) break;
      }
      if (cp >= 0x0591 && cp <= 0x05C7 && utf8proc_category(cp) == UTF8PROC_CATEGORY_MN)
        continue;
      nz->cps[m++] = fold_final(cp);
    }
    utf8proc_ssize_t r = utf8proc_normalize_utf32(nz->cps, (utf8proc_ssize_t)m,
                                                  UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (r < 0) r = (utf8proc_ssize_t)m;
    if (vb__buf_reserve(out, (size_t)r * 4 + 1)) return VB_ENOMEM;
    for (utf8proc_ssize_t k = 0; k < r; k++)
      out->len += vb__utf8_encode(nz->cps[k], out->data + out->len);
    out->data[out->len] = '\0';
    return VB_OK;
  }
}
