/* utf8.c - UTF-8 decoding, validation and repair (RFC 3629: no overlongs, no surrogates). */
#include "vb_internal.h"

int32_t vb__utf8_decode(const unsigned char *s, size_t len, size_t *adv) {
  unsigned c = s[0];
  *adv = 1;
  if (c < 0x80) return (int32_t)c;
  size_t n;
  int32_t cp, min;
  if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; min = 0x80; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; min = 0x800; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; min = 0x10000; }
  else return -1;
  if (len < n) return -1;
  for (size_t i = 1; i < n; i++) {
    unsigned cc = s[i];
    if ((cc & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (int32_t)(cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *adv = n;
  return cp;
}

size_t vb__utf8_encode(int32_t cp, char *out) {
  unsigned char *o = (unsigned char *)out;
  if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
  if (cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | (cp >> 6));
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | (cp >> 12));
    o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | (cp >> 18));
  o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

/* How many of the eight bytes of w (loaded from memory with memcpy) are ASCII characters and
 * whole two-byte sequences (C2-DF, then 80-BF), from the first: 8, 7 when the last byte is
 * the lead of a sequence that goes on in the next word, or 0 when anything else is in it.
 * Per byte, with bits 7, 6 and 5 moved to bit 7 of the same byte: a continuation byte is
 * 10xxxxxx, a two-byte lead 110xxxxx with one of bits 4-1 set (C0 and C1 are overlong); the
 * word is fine when it has no other lead and its continuation bytes are exactly the bytes
 * after its leads. Little-endian only (the next byte in memory is the next higher byte). */
static unsigned utf8_two_byte_run(uint64_t w) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  const uint64_t high = 0x8080808080808080ULL;
  uint64_t b7 = w & high, b6 = (w << 1) & high, b5 = (w << 2) & high;
  uint64_t lead = b7 & b6, cont = b7 & ~b6, lead2 = lead & ~b5;
  uint64_t low_bits = ((w & 0x1E1E1E1E1E1E1E1EULL) + 0x7E7E7E7E7E7E7E7EULL) & high;
  if (lead != lead2 || (lead2 & ~low_bits) || (lead2 << 8) != cont) return 0;
  return lead2 >> 63 ? 7 : 8;
#else
  return (w & 0x8080808080808080ULL) ? 0 : 8;
#endif
}

size_t vb_utf8_check(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    /* Fast path: eight bytes at a time while they are ASCII and two-byte characters (Latin
     * letters with accents, Hebrew); i is always at the start of a character. */
    while (i + 8 <= len) {
      uint64_t w;
      memcpy(&w, p + i, 8);
      unsigned n = (w & 0x8080808080808080ULL) ? utf8_two_byte_run(w) : 8;
      if (!n) break;
      i += n;
    }
    /* The rest of a word that is not, byte by byte (testing a word again after every
     * character would cost more than it saves). */
    size_t stop = len - i > 8 ? i + 8 : len;
    while (i < stop) {
      if (p[i] < 0x80) {
        i++;
      } else if (vb__utf8_two(p + i, len - i)) {
        i += 2;
      } else {
        size_t adv;
        if (vb__utf8_decode(p + i, len - i, &adv) < 0) return i;
        i += adv;
      }
    }
  }
  return len;
}

size_t vb_utf8_repair(const char *s, size_t len, char *out, size_t cap, size_t *n_bad) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, o = 0, bad = 0;
  while (i < len) {
    size_t adv;
    int32_t cp = vb__utf8_decode(p + i, len - i, &adv);
    if (cp < 0) {
      /* One U+FFFD per invalid lead byte together with the continuation bytes after it (so
       * C0 80 and ED A0 80 each become one U+FFFD). */
      if (o + 3 > cap) break;
      memcpy(out + o, "\xEF\xBF\xBD", 3);
      o += 3;
      bad++;
      i++;
      while (i < len && (p[i] & 0xC0) == 0x80) i++;
      continue;
    }
    if (o + adv > cap) break;
    memcpy(out + o, s + i, adv);
    o += adv;
    i += adv;
  }
  if (n_bad) *n_bad = bad;
  return o;
}
