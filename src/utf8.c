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

/* Eight bytes from a character boundary that hold only ASCII and two-byte characters (Hebrew,
 * Latin-1 letters): how many of them are valid, 8, or 7 when the last is a lead byte whose
 * second byte comes next; 0 when this cannot tell (a longer character or a bad byte: the
 * caller decodes). Bits 7, 6 and 5 of every byte at once: a lead byte is 110xxxxx but not C0
 * or C1 (overlong), so one of its bits 0x1E is set; a second byte is 10xxxxxx and follows a
 * lead byte, and every lead byte is followed by one. */
static inline size_t ascii_twos(uint64_t w) {
  const uint64_t top = 0x8080808080808080ULL;
  uint64_t b7 = w & top, b6 = (w << 1) & top, b5 = (w << 2) & top;
  if (b7 & b6 & b5) return 0; /* 111xxxxx */
  uint64_t lead = b7 & b6, second = b7 & ~b6;
  if ((lead << 8) != second) return 0;
  /* a byte's 0x1E bits, plus 0x7F: its top bit is set when any of them was */
  uint64_t not_c0c1 = ((w & 0x1E1E1E1E1E1E1E1EULL) + 0x7F7F7F7F7F7F7F7FULL) & top;
  if (lead & ~not_c0c1) return 0;
  return lead >> 63 ? 7 : 8;
}

size_t vb_utf8_check(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
#if VB_SSE2
  i = vb__utf8_valid16(p, len, false, false); /* the rest (and a bad character) below */
#endif
  while (i < len) {
    /* fast paths: eight ASCII bytes at a time, then eight bytes of ASCII and two-byte
     * characters */
    size_t k;
    while (i + 8 <= len && !(vb__load_le64(p + i) & 0x8080808080808080ULL)) i += 8;
    while (i + 8 <= len && (k = ascii_twos(vb__load_le64(p + i)))) i += k;
    if (i >= len) break;
    if (p[i] < 0x80) { i++; continue; }
    if (vb__utf8_two(p + i, len - i)) {
      i += 2;
      continue;
    }
    size_t adv;
    if (vb__utf8_decode(p + i, len - i, &adv) < 0) return i;
    i += adv;
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

/* Which one-byte code page a line that is not UTF-8 looks like: Hebrew letters in
 * Windows-1255 and ISO-8859-8 are 0xE0-0xFA, written next to each other; the Nordic letters
 * of Windows-1252 (å ä æ ö ø) mostly stand alone between ASCII letters. */
const char *vb__legacy_guess(const unsigned char *p, size_t len) {
  size_t high = 0, paired = 0;
  for (size_t i = 0; i < len; i++) {
    if (p[i] < 0x80) continue;
    high++;
    bool heb = p[i] >= 0xE0 && p[i] <= 0xFA;
    if (heb && ((i > 0 && p[i - 1] >= 0xE0 && p[i - 1] <= 0xFA) ||
                (i + 1 < len && p[i + 1] >= 0xE0 && p[i + 1] <= 0xFA)))
      paired++;
  }
  return 2 * paired > high ? "windows-1255" : "windows-1252";
}

int vb__file_utf8(const char *name, const char *data, size_t len, vb_error *err) {
  size_t bad = vb_utf8_check(data, len);
  if (bad == len) return VB_OK;
  const unsigned char *p = (const unsigned char *)data;
  long ln = 1, col = 1;
  size_t from = 0; /* the line of the bad byte: [from, to) */
  for (size_t k = 0; k < bad; k++) {
    if (p[k] == '\n') {
      ln++;
      col = 1;
      from = k + 1;
    } else {
      col++;
    }
  }
  const char *nl = memchr(data + bad, '\n', len - bad);
  size_t to = nl ? (size_t)(nl - data) : len;
  /* as the reader's hint: a code page's letter (0xC0-0xFE) first, and no valid character of
   * two or more bytes on the line (a stray byte in UTF-8 text is no code page) */
  bool wide = false;
  for (size_t k = from; k < to && !wide; k++) {
    size_t adv;
    wide = p[k] >= 0x80 && vb__utf8_decode(p + k, to - k, &adv) >= 0;
  }
  unsigned b = p[bad];
  if (b >= 0xC0 && b <= 0xFE && !wide) {
    const char *cp = vb__legacy_guess(p + from, to - from);
    return vb__error_set(err, VB_EUTF8, name, ln, col,
                         "invalid UTF-8 (byte 0x%02X): the file looks like %s, what Windows "
                         "programs such as Notepad save as \"ANSI\" %s; save it as UTF-8", b,
                         cp, !strcmp(cp, "windows-1255") ? "on a Hebrew system" : "in Sweden and Denmark");
  }
  return vb__error_set(err, VB_EUTF8, name, ln, col, "invalid UTF-8 (byte 0x%02X)", b);
}
