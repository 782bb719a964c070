/*
 * codebook_export.c - what a loaded codebook holds, for people and for other tools: the terms
 * of a theme as text, and the whole codebook as a REFI-QDA codebook (.qdc), the exchange
 * format of QDA programs (NVivo, ATLAS.ti, MAXQDA, QDA Miner, QualCoder).
 *
 * A .qdc names each code by a GUID. Ours are name-based UUIDs (version 5, RFC 4122): SHA-1 of
 * the URL namespace and the text "verbatim:theme:" + the theme id, so a theme keeps its GUID
 * from export to export and anyone can recompute it (Python: uuid.uuid5(uuid.NAMESPACE_URL,
 * "verbatim:theme:delivery.late")).
 */
#include <stdio.h>

#include "vb_model.h"

const char *vb_model_theme_description(const vb_model *m, size_t i) {
  return (m && i < m->n_themes) ? m->themes[i].description : NULL;
}

/* The text of term `t`: its words' keys joined by spaces, '*' after a prefix term, '=' before
 * an exact form. */
static int term_text(const vb__cblang *cb, const vb__term *t, vb__buf *out) {
  if (t->exact && vb__buf_putc(out, '=')) return VB_ENOMEM;
  for (uint16_t k = 0; k < t->n_words; k++) {
    const vb__pword *w = &cb->w.v[t->word_begin + k];
    if (k && vb__buf_putc(out, ' ')) return VB_ENOMEM;
    if (vb__buf_append(out, cb->w.text.data + w->key_off, w->key_len)) return VB_ENOMEM;
  }
  return t->prefix ? vb__buf_putc(out, '*') : VB_OK;
}

int vb_model_theme_terms(const vb_model *m, size_t i, vb_lang lang, int kind, char **out,
                         size_t *count) {
  if (out) *out = NULL;
  if (count) *count = 0;
  if (!m || i >= m->n_themes || lang <= VB_LANG_UND || lang >= VB_LANG_COUNT || !out ||
      kind < VB_TERMS_MATCH || kind > VB_TERMS_PATTERN)
    return VB_EINVAL;
  const vb__cblang *cb = &m->cb[lang];
  vb__buf b = {0};
  size_t n = 0;
  int rc = VB_OK;
  if (kind == VB_TERMS_PATTERN) {
    for (size_t r = 0; rc == VB_OK && r < cb->n_regexes; r++) {
      if (cb->regexes[r].theme != i) continue;
      if (n++ && vb__buf_append(&b, "\n", 1)) rc = VB_ENOMEM;
      else if (vb__buf_append(&b, cb->regexes[r].source, strlen(cb->regexes[r].source)))
        rc = VB_ENOMEM;
    }
  } else {
    for (size_t k = 0; rc == VB_OK && k < cb->n_terms; k++) {
      const vb__term *t = &cb->terms[k];
      /* (a near term's parts are listed with it, below) */
      if (t->theme != i || t->exclude != (kind == VB_TERMS_EXCLUDE) || t->near) continue;
      /* a term indexed under both its stem and its key is stored twice, side by side */
      if (k && cb->terms[k - 1].word_begin == t->word_begin && cb->terms[k - 1].theme == i &&
          cb->terms[k - 1].n_words == t->n_words)
        continue;
      if (n++ && vb__buf_append(&b, "; ", 2)) rc = VB_ENOMEM;
      else rc = term_text(cb, t, &b);
    }
    /* near terms as written ("fast|quick ~3 deliver*"), after the others */
    for (size_t k = 0; rc == VB_OK && kind == VB_TERMS_MATCH && k < cb->n_nears; k++) {
      const vb__near *nr = &cb->nears[k];
      if (nr->theme != i) continue;
      if (n++ && vb__buf_append(&b, "; ", 2)) rc = VB_ENOMEM;
      else if (vb__buf_append(&b, nr->source, strlen(nr->source))) rc = VB_ENOMEM;
    }
  }
  if (rc == VB_OK && vb__buf_append(&b, "", 0)) rc = VB_ENOMEM;
  if (rc) {
    vb__buf_free(&b);
    return rc;
  }
  *out = b.data;
  if (count) *count = n;
  return VB_OK;
}

/* ---- SHA-1 (FIPS 180-4), only for name-based UUIDs ---- */

typedef struct sha1 {
  uint32_t h[5];
  uint64_t len;
  unsigned char block[64];
  size_t fill;
} sha1;

static uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(sha1 *s, const unsigned char *p) {
  uint32_t w[80];
  for (int t = 0; t < 16; t++)
    w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 | (uint32_t)p[4 * t + 2] << 8 |
           (uint32_t)p[4 * t + 3];
  for (int t = 16; t < 80; t++) w[t] = rol(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
  uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];
  for (int t = 0; t < 80; t++) {
    uint32_t f, k;
    if (t < 20) f = (b & c) | (~b & d), k = 0x5A827999;
    else if (t < 40) f = b ^ c ^ d, k = 0x6ED9EBA1;
    else if (t < 60) f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
    else f = b ^ c ^ d, k = 0xCA62C1D6;
    uint32_t tmp = rol(a, 5) + f + e + k + w[t];
    e = d;
    d = c;
    c = rol(b, 30);
    b = a;
    a = tmp;
  }
  s->h[0] += a;
  s->h[1] += b;
  s->h[2] += c;
  s->h[3] += d;
  s->h[4] += e;
}

static void sha1_init(sha1 *s) {
  static const uint32_t h0[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  memcpy(s->h, h0, sizeof h0);
  s->len = 0;
  s->fill = 0;
}

static void sha1_update(sha1 *s, const void *data, size_t n) {
  const unsigned char *p = data;
  s->len += n;
  while (n) {
    size_t take = 64 - s->fill < n ? 64 - s->fill : n;
    memcpy(s->block + s->fill, p, take);
    s->fill += take;
    p += take;
    n -= take;
    if (s->fill == 64) {
      sha1_block(s, s->block);
      s->fill = 0;
    }
  }
}

static void sha1_final(sha1 *s, unsigned char out[20]) {
  uint64_t bits = s->len * 8;
  unsigned char pad = 0x80;
  sha1_update(s, &pad, 1);
  unsigned char zero = 0;
  while (s->fill != 56) sha1_update(s, &zero, 1);
  unsigned char lenb[8];
  for (int k = 0; k < 8; k++) lenb[k] = (unsigned char)(bits >> (56 - 8 * k));
  sha1_update(s, lenb, 8);
  for (int k = 0; k < 5; k++) {
    out[4 * k] = (unsigned char)(s->h[k] >> 24);
    out[4 * k + 1] = (unsigned char)(s->h[k] >> 16);
    out[4 * k + 2] = (unsigned char)(s->h[k] >> 8);
    out[4 * k + 3] = (unsigned char)s->h[k];
  }
}

void vb_theme_guid(const char *id, char out[37]) {
  /* the URL namespace of RFC 4122, 6ba7b811-9dad-11d1-80b4-00c04fd430c8 */
  static const unsigned char ns[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                       0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
  sha1 s;
  unsigned char h[20];
  sha1_init(&s);
  sha1_update(&s, ns, sizeof ns);
  sha1_update(&s, "verbatim:theme:", 15);
  if (id) sha1_update(&s, id, strlen(id));
  sha1_final(&s, h);
  h[6] = (unsigned char)((h[6] & 0x0F) | 0x50); /* version 5 */
  h[8] = (unsigned char)((h[8] & 0x3F) | 0x80); /* RFC 4122 variant */
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;
  for (int k = 0; k < 16; k++) {
    if (k == 4 || k == 6 || k == 8 || k == 10) out[o++] = '-';
    out[o++] = hex[h[k] >> 4];
    out[o++] = hex[h[k] & 15];
  }
  out[o] = '\0';
}

/* ---- XML ---- */

/* Text or attribute value: & < > " ' escaped; control characters and the noncharacters
 * U+FFFE and U+FFFF, which XML 1.0 cannot hold, are left out (the codebook is valid UTF-8,
 * so nothing else needs care). */
static int xml_text(vb__buf *b, const char *s) {
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    int rc;
    switch (ch) {
    case '&': rc = vb__buf_append(b, "&amp;", 5); break;
    case '<': rc = vb__buf_append(b, "&lt;", 4); break;
    case '>': rc = vb__buf_append(b, "&gt;", 4); break;
    case '"': rc = vb__buf_append(b, "&quot;", 6); break;
    case '\'': rc = vb__buf_append(b, "&apos;", 6); break;
    case 0xEF: /* U+FFFE and U+FFFF are no XML characters either: left out */
      if ((unsigned char)s[1] == 0xBF && ((unsigned char)s[2] & 0xFE) == 0xBE) {
        s += 2;
        rc = VB_OK;
        break;
      }
      rc = vb__buf_putc(b, (char)ch);
      break;
    default:
      rc = (ch < 0x20 && ch != '\n' && ch != '\t') ? VB_OK : vb__buf_putc(b, (char)ch);
    }
    if (rc) return rc;
  }
  return VB_OK;
}

static int indent(vb__buf *b, int depth) {
  for (int k = 0; k < depth; k++)
    if (vb__buf_append(b, "  ", 2)) return VB_ENOMEM;
  return VB_OK;
}

/* The description of a code: the theme's description, its id, and its terms per language. */
static int code_description(const vb_model *m, size_t i, vb__buf *b) {
  const vb__theme *th = &m->themes[i];
  int rc = xml_text(b, th->description);
  if (rc == VB_OK && th->description[0]) rc = vb__buf_append(b, "\n", 1);
  if (rc == VB_OK) rc = vb__buf_append(b, "verbatim theme: ", 16);
  if (rc == VB_OK) rc = xml_text(b, th->id);
  static const vb_lang langs[] = {VB_LANG_EN, VB_LANG_SV, VB_LANG_DA, VB_LANG_HE};
  static const char *const kinds[] = {"", ".not", ".re"};
  for (size_t l = 0; rc == VB_OK && l < 4; l++)
    for (int k = VB_TERMS_MATCH; rc == VB_OK && k <= VB_TERMS_PATTERN; k++) {
      char *terms;
      size_t n;
      rc = vb_model_theme_terms(m, i, langs[l], k, &terms, &n);
      if (rc == VB_OK && n) {
        /* one pattern per line, as in the codebook */
        const char *p = terms;
        while (rc == VB_OK && p) {
          const char *nl = k == VB_TERMS_PATTERN ? strchr(p, '\n') : NULL;
          rc = vb__buf_printf(b, "\n%s%s: ", vb_lang_code(langs[l]), kinds[k]);
          char *one = nl ? vb__strndup(p, (size_t)(nl - p)) : NULL;
          if (rc == VB_OK) rc = (nl && !one) ? VB_ENOMEM : xml_text(b, one ? one : p);
          vb__free(one);
          p = nl ? nl + 1 : NULL;
        }
      }
      vb__free(terms);
    }
  return rc;
}

static int write_code(const vb_model *m, size_t i, int depth, vb__buf *b) {
  const vb__theme *th = &m->themes[i];
  char guid[37];
  vb_theme_guid(th->id, guid);
  int rc = indent(b, depth);
  if (rc == VB_OK) rc = vb__buf_printf(b, "<Code guid=\"%s\" name=\"", guid);
  if (rc == VB_OK) rc = xml_text(b, th->label[0] ? th->label : th->id);
  if (rc == VB_OK) rc = vb__buf_append(b, "\" isCodable=\"true\">\n", 20);
  if (rc == VB_OK) rc = indent(b, depth + 1);
  if (rc == VB_OK) rc = vb__buf_append(b, "<Description>", 13);
  if (rc == VB_OK) rc = code_description(m, i, b);
  if (rc == VB_OK) rc = vb__buf_append(b, "</Description>\n", 15);
  /* children in codebook order */
  for (size_t c = 0; rc == VB_OK && c < m->n_themes; c++)
    if (m->themes[c].parent == (long)i) rc = write_code(m, c, depth + 1, b);
  if (rc == VB_OK) rc = indent(b, depth);
  if (rc == VB_OK) rc = vb__buf_append(b, "</Code>\n", 8);
  return rc;
}

int vb_codebook_export_qdc(const vb_model *m, char **out, size_t *len) {
  if (!m || !out) return VB_EINVAL;
  *out = NULL;
  if (len) *len = 0;
  vb__buf b = {0};
  /* origin without the version, so that the same codebook gives the same file */
  int rc = vb__buf_printf(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                              "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" "
                              "origin=\"verbatim\">\n  <Codes>\n");
  for (size_t i = 0; rc == VB_OK && i < m->n_themes; i++)
    if (m->themes[i].parent < 0) rc = write_code(m, i, 2, &b);
  if (rc == VB_OK) rc = vb__buf_append(&b, "  </Codes>\n</CodeBook>\n", 23);
  if (rc) {
    vb__buf_free(&b);
    return rc;
  }
  *out = b.data;
  if (len) *len = b.len;
  return VB_OK;
}
