/*
 * encoding.c - input in another encoding than UTF-8, converted as the reader reads it.
 *
 * Two kinds are met in feedback exports. Excel's "CSV" is in the system's code page:
 * Windows-1252 in Sweden and Denmark, Windows-1255 in Israel (ISO-8859-1/-15/-8 from older
 * systems). Each of these has one byte a character, ASCII as it is, so a line can be cut at
 * its LF before it is converted, and every byte the code page leaves undefined can be reported
 * at its line and column: the reader converts line by line through a table of 256 entries,
 * which iconv fills once (vb__sbcs_open). Excel's "Unicode text" is UTF-16 with a byte-order
 * mark; its LF is two bytes and may be split across blocks, so it is converted block by block
 * before lines are cut (vb__utf16_decode), by hand: the rules are short and the lone
 * surrogates can then be passed on where they are, for the line check to report.
 */
#include <errno.h>
#include <iconv.h>

#include "vb_internal.h"

/* Whether `name` is `want` (lower case, no '-' or '_'), case and '-', '_' aside. */
static bool name_is(const char *name, const char *want) {
  for (;; name++, want++) {
    while (*name == '-' || *name == '_') name++;
    if (!*name || !*want) return !*name && !*want;
    char c = *name >= 'A' && *name <= 'Z' ? (char)(*name - 'A' + 'a') : *name;
    if (c != *want) return false;
  }
}

int vb__encoding_kind(const char *name) {
  if (!name || !*name || name_is(name, "utf8")) return VB__ENC_UTF8;
  if (name_is(name, "utf16") || name_is(name, "utf16le")) return VB__ENC_UTF16LE;
  if (name_is(name, "utf16be")) return VB__ENC_UTF16BE;
  return VB__ENC_SINGLE;
}

int vb__sbcs_open(const char *name, vb__sbcs *t, char *msg, size_t cap) {
  iconv_t cd = iconv_open("UTF-8", name);
  if (cd == (iconv_t)-1) {
    snprintf(msg, cap, "unknown encoding '%s' (examples: utf-8, utf-16, windows-1252, "
             "windows-1255, iso-8859-1, iso-8859-8)", name);
    return VB_EINVAL;
  }
  snprintf(t->name, sizeof t->name, "%s", name);
  int rc = VB_OK;
  for (int b = 0; b < 256 && rc == VB_OK; b++) {
    char in = (char)b, *ip = &in, out[8], *op = out;
    size_t il = 1, ol = sizeof out;
    iconv(cd, NULL, NULL, NULL, NULL); /* the initial state for each byte */
    size_t r = iconv(cd, &ip, &il, &op, &ol);
    /* and what the converter holds back: glibc's Windows-1255 keeps a letter until it knows
     * whether a point follows */
    if (r != (size_t)-1 && iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1) r = (size_t)-1;
    if (r == (size_t)-1 && errno == EINVAL) { /* a byte that begins a longer character */
      snprintf(msg, cap, "the encoding '%s' is not one byte a character: convert the input "
               "to UTF-8 first (iconv -f %s -t UTF-8)", name, name);
      rc = VB_EINVAL;
    } else if (r == (size_t)-1 || op == out) {
      t->len[b] = 0; /* undefined in this code page */
    } else if ((size_t)(op - out) > sizeof t->to[b] ||
               (b < 0x80 && (op - out != 1 || out[0] != b))) {
      snprintf(msg, cap, "the encoding '%s' does not keep ASCII as it is: convert the input to "
               "UTF-8 first (iconv -f %s -t UTF-8)", name, name);
      rc = VB_EINVAL;
    } else {
      t->len[b] = (unsigned char)(op - out);
      memcpy(t->to[b], out, t->len[b]);
    }
  }
  iconv_close(cd);
  return rc;
}

size_t vb__utf16_decode(const unsigned char *in, size_t n, bool be, bool last, char *out,
                        size_t cap, size_t *used) {
  size_t i = 0, o = 0;
  while (i + 1 < n && o + 4 <= cap) {
    uint32_t u = be ? (uint32_t)in[i] << 8 | in[i + 1] : (uint32_t)in[i + 1] << 8 | in[i];
    if (u >= 0xD800 && u <= 0xDBFF) { /* a high surrogate: its low one must follow */
      if (i + 3 >= n && !last) break; /* wait for the next two bytes */
      uint32_t v = i + 3 < n ? (be ? (uint32_t)in[i + 2] << 8 | in[i + 3]
                                   : (uint32_t)in[i + 3] << 8 | in[i + 2])
                             : 0;
      if (v >= 0xDC00 && v <= 0xDFFF) {
        o += vb__utf8_encode((int32_t)(0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00)), out + o);
        i += 4;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) {
      /* a lone surrogate: its three bytes as CESU-8 would have them, which are not UTF-8, so
       * that the reader's line check reports it at its place and replaces it */
      out[o++] = (char)0xED;
      out[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
      out[o++] = (char)(0x80 | (u & 0x3F));
    } else {
      o += vb__utf8_encode((int32_t)u, out + o);
    }
    i += 2;
  }
  if (last && i + 1 == n && o + 3 <= cap) { /* an odd byte at the end: half a character */
    memcpy(out + o, "\xEF\xBF\xBD", 3);
    o += 3;
    i++;
  }
  *used = i;
  return o;
}

int vb_encoding_check(const char *name, vb_error *err) {
  if (vb__encoding_kind(name) != VB__ENC_SINGLE) return VB_OK;
  vb__sbcs *t = vb__malloc(sizeof *t);
  if (!t) return vb__error_set(err, VB_ENOMEM, NULL, 0, 0, "out of memory");
  char msg[256];
  int rc = vb__sbcs_open(name, t, msg, sizeof msg);
  vb__free(t);
  return rc ? vb__error_set(err, rc, NULL, 0, 0, "%s", msg) : VB_OK;
}
