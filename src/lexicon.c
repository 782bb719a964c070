/*
 * lexicon.c - loading valence lexicons, modifier lists and the emoji table.
 *
 * Every entry is stored under its key (the normalised surface form) and valence entries also
 * under their stem, computed with the same stemmer as the text, because Snowball over-stems
 * (sv dåligt -> dål) and only the same stemmer on both sides makes the stems meet. When
 * several entries share a stem, the stem entry holds their mean valence. Multi-word entries
 * are kept as word sequences indexed by their first word's key.
 */
#include <math.h>
#include <stdlib.h>

#include "vb_model.h"

size_t vb__split_tabs(char *line, char **fields, size_t max) {
  size_t n = 0;
  char *p = line;
  while (n < max) {
    fields[n++] = p;
    char *t = strchr(p, '\t');
    if (!t) break;
    *t = '\0';
    p = t + 1;
  }
  return n;
}

static void trim(char **s) {
  char *p = *s;
  while (*p == ' ') p++;
  size_t n = strlen(p);
  while (n && (p[n - 1] == ' ' || p[n - 1] == '\r')) p[--n] = '\0';
  *s = p;
}

/* Copies the line starting at *i (without its LF or CR LF) into `line` and moves *i past
 * it. Returns 1, 0 at the end of the data, or VB_ENOMEM. */
static int take_line(const char *data, size_t len, size_t *i, vb__buf *line) {
  if (*i >= len) return 0;
  const char *nl = memchr(data + *i, '\n', len - *i);
  size_t j = nl ? (size_t)(nl - data) : len;
  line->len = 0;
  if (vb__buf_append(line, data + *i, j - *i)) return VB_ENOMEM;
  while (line->len && line->data[line->len - 1] == '\r') line->data[--line->len] = '\0';
  *i = j + 1;
  return 1;
}

/* Calls fn for each non-comment, non-blank line (NUL-terminated copy, CR removed). */
typedef int (*line_fn)(vb_model *m, void *ctx, char *line, long lineno, vb_error *err);

static int each_line(vb_model *m, const char *data, size_t len, line_fn fn, void *ctx,
                     vb_error *err) {
  vb__buf line = {0};
  long lineno = 0;
  size_t i = 0;
  int rc = VB_OK;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) i = 3;
  while (rc == VB_OK) {
    int got = take_line(data, len, &i, &line);
    if (got <= 0) {
      rc = got;
      break;
    }
    lineno++;
    if (strlen(line.data) != line.len) {
      rc = vb__error_set(err, VB_EPARSE, NULL, lineno, (long)strlen(line.data) + 1,
                         "NUL byte in line");
      break;
    }
    char *s = line.data;
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '\0' || *s == '#') continue;
    rc = fn(m, ctx, line.data, lineno, err);
  }
  vb__buf_free(&line);
  return rc;
}

typedef struct {
  vb_lang lang;
  const char *name;
  uint16_t file;
  int modifiers;
} load_ctx;

/* A plain decimal ("-1.25", "3") of at most 15 digits, as strtod would read it: the digits
 * as an integer and a power of ten are both exact doubles, so their quotient is the correctly
 * rounded value, which is what strtod gives. `*end` is where it stops; false for anything
 * else (exponents, hex, "inf", leading blanks), which strtod reads. */
static bool plain_decimal(const char *s, double *out, const char **end) {
  static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char *p = s;
  bool neg = *p == '-';
  if (*p == '-' || *p == '+') p++;
  uint64_t mant = 0;
  int digits = 0, frac = 0;
  if (!vb__ascii_digit(*p)) return false;
  while (vb__ascii_digit(*p)) mant = mant * 10 + (uint64_t)(*p++ - '0'), digits++;
  if (*p == '.') {
    p++;
    if (!vb__ascii_digit(*p)) return false;
    while (vb__ascii_digit(*p)) mant = mant * 10 + (uint64_t)(*p++ - '0'), digits++, frac++;
  }
  if (digits > 15 || *p == 'e' || *p == 'E') return false;
  double v = (double)mant / pow10[frac];
  *out = neg ? -v : v;
  *end = p;
  return true;
}

static int parse_value(const char *s, double lo, double hi, double *out) {
  const char *end;
  double v;
  if (!plain_decimal(s, &v, &end)) {
    char *e;
    v = strtod(s, &e);
    end = e;
  }
  while (*end == ' ') end++;
  if (end == s || *end != '\0' || !isfinite(v) || v < lo || v > hi) return VB_EPARSE;
  *out = v;
  return VB_OK;
}

static int kind_parse(const char *s, uint8_t *kind) {
  static const struct { const char *name; uint8_t kind; } kinds[] = {
      {"negator", VB_LEX_NEGATOR}, {"booster", VB_LEX_BOOSTER}, {"dampener", VB_LEX_DAMPENER},
      {"contrast", VB_LEX_CONTRAST}, {"prefix", VB_LEX_PREFIX}, {"negprefix", VB_LEX_NEGPREFIX}};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (strcmp(s, kinds[i].name) == 0) {
      *kind = kinds[i].kind;
      return VB_OK;
    }
  return VB_EPARSE;
}

/* Makes the pair table hold `n` pairs at most half full. */
static int pairs_reserve(vb__lexicon *lx, size_t n) {
  if (2 * n <= lx->n_pair_slots) return VB_OK;
  size_t n_slots = lx->n_pair_slots ? lx->n_pair_slots : 256;
  while (2 * n > n_slots) n_slots *= 2;
  struct vb__pairslot *v = vb__calloc(n_slots, sizeof *v);
  if (!v) return VB_ENOMEM;
  for (size_t k = 0; k < lx->n_pair_slots; k++) {
    const struct vb__pairslot *o = &lx->pair_slots[k];
    if (!o->head1) continue;
    size_t s = vb__pair_slot(o->pair, n_slots);
    while (v[s].head1) s = (s + 1) & (n_slots - 1);
    v[s] = *o;
  }
  vb__free(lx->pair_slots);
  lx->pair_slots = v;
  lx->n_pair_slots = n_slots;
  return VB_OK;
}

/* Adds entry e (p << 1 | w) to the list of its pair of hashes in vb__lexicon.pair_slots. */
static int add_pair(vb__lexicon *lx, uint32_t first, uint32_t second, uint32_t e,
                    const vb__phrase *ph) {
  int rc = pairs_reserve(lx, lx->n_pairs + 1);
  if (rc) return rc;
  uint64_t pair = (uint64_t)first << 32 | second;
  size_t s = vb__pair_slot(pair, lx->n_pair_slots);
  while (lx->pair_slots[s].head1 && lx->pair_slots[s].pair != pair)
    s = (s + 1) & (lx->n_pair_slots - 1);
  struct vb__pairslot *ps = &lx->pair_slots[s];
  if (ps->head1) {
    lx->pair_next[e] = (int32_t)ps->head1 - 1;
  } else {
    lx->pair_next[e] = -1;
    ps->pair = pair;
    lx->n_pairs++;
  }
  ps->head1 = e + 1;
  if (ph->n_words == 2) ps->two = 1;
  else ps->third |= vb__next_bit(ph->w2_key_hash) | vb__next_bit(ph->w2_stem_hash);
  return VB_OK;
}

static int add_phrase(vb_model *m, vb__lexicon *lx, vb_lang lang, const char *term,
                      const vb__lexentry *e) {
  /* Split on spaces; normalise and stem each word. */
  vb__phrase ph = {0};
  ph.word_begin = (uint32_t)lx->pw.n;
  ph.valence = e->valence;
  ph.value = e->value;
  ph.kind = e->kind;
  ph.file = e->file;
  ph.line = e->line;
  int rc = vb__model_add_words(m, &m->load, lang, term, &lx->pw, &ph.n_words, NULL);
  if (rc) return rc;
  if (ph.n_words < 2) return VB_EPARSE;
  ph.w1_key_hash = lx->pw.v[ph.word_begin + 1].key_hash;
  ph.w1_stem_hash = lx->pw.v[ph.word_begin + 1].stem_hash;
  if (ph.n_words > 2) {
    ph.w2_key_hash = lx->pw.v[ph.word_begin + 2].key_hash;
    ph.w2_stem_hash = lx->pw.v[ph.word_begin + 2].stem_hash;
  }
  const vb__pword *w0 = &lx->pw.v[ph.word_begin];
  /* The same phrase again (a user file after ours): the later entry overrides. It is listed
   * under the hashes of its first two keys (not only there: the words are compared). */
  int32_t q = vb__lexicon_pairs(lx, w0->key_hash, ph.w1_key_hash);
  for (; q >= 0; q = lx->pair_next[q]) {
    vb__phrase *old = &lx->phrases[q >> 1];
    if (old->n_words != ph.n_words) continue;
    bool same = true;
    for (size_t w = 0; w < ph.n_words && same; w++) {
      const vb__pword *a = &lx->pw.v[old->word_begin + w], *b = &lx->pw.v[ph.word_begin + w];
      same = a->key_len == b->key_len &&
             memcmp(lx->pw.text.data + a->key_off, lx->pw.text.data + b->key_off,
                    a->key_len) == 0;
    }
    if (!same) continue;
    old->valence = ph.valence;
    old->value = ph.value;
    old->kind = ph.kind;
    old->file = ph.file;
    old->line = ph.line;
    lx->pw.n = ph.word_begin; /* the words just added are not needed */
    return VB_OK;
  }
  if (vb__grow(&lx->phrases, &lx->cap_phrases, lx->n_phrases + 1, sizeof *lx->phrases))
    return VB_ENOMEM;
  uint32_t *head;
  bool found;
  rc = vb__strmap_put(&lx->phrase_first, lx->pw.text.data + w0->key_off, w0->key_len,
                      (uint32_t)lx->n_phrases, &found, &head);
  if (rc) return rc;
  /* the chain of the first word's phrases: the new one goes first */
  ph.next = found ? (int32_t)*head : -1;
  *head = (uint32_t)lx->n_phrases;
  lx->phrases[lx->n_phrases++] = ph;
  /* the pairs a token and the next can show: the first word's key (a token's key or stem is
   * looked up under it) with the second word's key or stem */
  if (!lx->pair_bits && !(lx->pair_bits = vb__calloc((1u << VB_PAIR_BITS) / 64, sizeof(uint64_t))))
    return VB_ENOMEM;
  const vb__pword *w1 = &lx->pw.v[ph.word_begin + 1];
  uint32_t f = lx->pw.v[ph.word_begin].key_hash;
  vb__pair_set(lx->pair_bits, f, w1->key_hash);
  vb__pair_set(lx->pair_bits, f, w1->stem_hash);
  /* and the same pairs with the phrase, for the analyzer, which needs the phrases of a token
   * and the next one and not the whole chain of the first word (לא begins 549 of them) */
  uint32_t p = (uint32_t)(lx->n_phrases - 1);
  if (vb__grow(&lx->pair_next, &lx->cap_pair_next, 2 * (size_t)p + 2, sizeof *lx->pair_next))
    return VB_ENOMEM;
  if ((rc = add_pair(lx, f, w1->key_hash, p << 1, &ph)) ||
      (w1->stem_hash != w1->key_hash && (rc = add_pair(lx, f, w1->stem_hash, p << 1 | 1, &ph))))
    return rc;
  if (ph.kind == VB_LEX_VALENCE) lx->n_valence++;
  return VB_OK;
}

static int add_entry(vb_model *m, vb_lang lang, const char *term, const vb__lexentry *e) {
  vb__lexicon *lx = &m->lex[lang];
  if (strchr(term, ' ')) return add_phrase(m, lx, lang, term, e);
  vb__keystem ks;
  int rc = vb__model_key_stem(m, &m->load, lang, term, strlen(term), &ks);
  if (rc) return rc;
  const char *key = m->load.buf.data + ks.key_off, *stem = m->load.buf.data + ks.stem_off;
  size_t kl = ks.key_len, sl = ks.stem_len;
  if (kl == 0) return VB_EPARSE;
  bool found;
  uint32_t *slot;
  if (e->kind == VB_LEX_PREFIX) {
    uint32_t bits;
    memcpy(&bits, &e->value, sizeof bits);
    rc = vb__strmap_put_h(&lx->prefixes, key, kl, ks.key_hash, bits, &found, &slot);
    if (rc == VB_OK) *slot = bits;
    return rc;
  }
  if (vb__grow(&lx->entries, &lx->cap_entries, lx->n_entries + 2, sizeof *lx->entries))
    return VB_ENOMEM;
  rc = vb__strmap_put_h(&lx->surface, key, kl, ks.key_hash, (uint32_t)lx->n_entries, &found,
                        &slot);
  if (rc) return rc;
  if (found) {
    /* A later entry for the same key overrides (user files come after ours). A modifier
     * entry and a valence entry for one word merge: "no" is a negator with no valence. */
    vb__lexentry *old = &lx->entries[*slot];
    if (e->kind == VB_LEX_VALENCE) {
      if (!old->has_valence) lx->n_valence++; /* a modifier that now has a valence too */
      old->valence = e->valence;
      old->has_valence = 1;
      old->file = e->file;
      old->line = e->line;
      /* the override also decides the stem entry ("delays" follows the new "delay") */
      uint32_t si;
      if (vb__strmap_get_h(&lx->stems, stem, sl, ks.stem_hash, &si)) {
        lx->entries[si].valence = e->valence;
        lx->entries[si].file = e->file;
        lx->entries[si].line = e->line;
      }
      return VB_OK;
    } else {
      /* a modifier merged into a word with a valence keeps the valence's file and line */
      vb__lexentry keep = *old;
      *old = *e;
      if (keep.has_valence) {
        old->valence = keep.valence;
        old->has_valence = 1;
        old->file = keep.file;
        old->line = keep.line;
      }
    }
  } else {
    lx->entries[lx->n_entries++] = *e;
    if (e->kind == VB_LEX_VALENCE) lx->n_valence++;
  }
  if (e->kind != VB_LEX_VALENCE) return VB_OK;
  /* The stem entry: the mean valence of the entries sharing the stem. */
  rc = vb__strmap_put_h(&lx->stems, stem, sl, ks.stem_hash, (uint32_t)lx->n_entries, &found,
                        &slot);
  if (rc) return rc;
  if (vb__grow(&lx->stem_counts, &lx->cap_stem_counts, lx->n_entries + 1,
               sizeof *lx->stem_counts))
    return VB_ENOMEM;
  uint16_t klen = kl > UINT16_MAX ? UINT16_MAX : (uint16_t)kl;
  uint32_t koff = (uint32_t)lx->stem_keys.len;
  if (vb__buf_add(&lx->stem_keys, key, kl)) return VB_ENOMEM;
  if (!found) {
    lx->entries[lx->n_entries] = *e;
    lx->entries[lx->n_entries].min_len = klen;
    lx->entries[lx->n_entries].min_key = koff;
    lx->stem_counts[lx->n_entries] = 1;
    lx->n_entries++;
  } else {
    vb__lexentry *se = &lx->entries[*slot];
    uint32_t c = ++lx->stem_counts[*slot];
    se->valence += (e->valence - se->valence) / (float)c;
    if (klen < se->min_len) {
      se->min_len = klen;
      se->min_key = koff;
    }
  }
  return VB_OK;
}

static int valence_line(vb_model *m, void *vctx, char *line, long lineno, vb_error *err) {
  load_ctx *ctx = vctx;
  char *f[4];
  size_t n = vb__split_tabs(line, f, 4);
  vb__lexentry e = {0};
  e.file = ctx->file;
  e.line = (uint32_t)lineno;
  char *term = f[0];
  trim(&term);
  if (n < 2 || *term == '\0')
    return vb__error_set(err, VB_EPARSE, ctx->name, lineno, 1,
                         ctx->modifiers ? "expected: term TAB kind [TAB value]"
                                        : "expected: term TAB valence");
  trim(&f[1]);
  if (ctx->modifiers) {
    if (kind_parse(f[1], &e.kind))
      return vb__error_set(err, VB_EPARSE, ctx->name, lineno, (long)(f[1] - line) + 1,
                           "unknown modifier kind '%s' (negator, booster, dampener, contrast, "
                           "prefix, negprefix)", f[1]);
    double v = 0;
    if (e.kind == VB_LEX_BOOSTER || e.kind == VB_LEX_DAMPENER || e.kind == VB_LEX_PREFIX) {
      if (n < 3 || parse_value(f[2], -2, 2, &v))
        return vb__error_set(err, VB_EPARSE, ctx->name, lineno, 1,
                             "%s needs a value between -2 and 2", f[1]);
      if (e.kind == VB_LEX_DAMPENER && v > 0) v = -v;
    }
    e.value = (float)v;
  } else {
    double v;
    if (parse_value(f[1], -4, 4, &v))
      return vb__error_set(err, VB_EPARSE, ctx->name, lineno, (long)(f[1] - line) + 1,
                           "valence must be a number from -4 to 4, not '%s'", f[1]);
    e.kind = VB_LEX_VALENCE;
    e.valence = (float)v;
    e.has_valence = 1;
  }
  int rc = add_entry(m, ctx->lang, term, &e);
  if (rc == VB_EPARSE)
    return vb__error_set(err, rc, ctx->name, lineno, 1, "malformed term '%s'", term);
  if (rc) return vb__error_set(err, rc, ctx->name, lineno, 0, "%s", vb_strerror(rc));
  return VB_OK;
}

void vb__lexicon_count(const char *data, size_t len, vb__lexcount *c) {
  for (size_t i = 0; i < len;) {
    const char *line = data + i;
    const char *nl = memchr(line, '\n', len - i);
    size_t n = nl ? (size_t)(nl - line) : len - i;
    i += n + 1;
    size_t lead = 0; /* blank and comment lines hold no entry (each_line skips them) */
    while (lead < n && (line[lead] == ' ' || line[lead] == '\t')) lead++;
    if (lead == n || line[lead] == '#' || line[lead] == '\r') continue;
    const char *tab = memchr(line, '\t', n);
    size_t tl = tab ? (size_t)(tab - line) : n;
    const char *sp = memchr(line, ' ', tl);
    if (!sp) {
      c->words++;
      c->word_bytes += tl;
      continue;
    }
    c->phrases++;
    c->phrase_bytes += tl;
    c->phrase_words++;
    for (; sp; sp = memchr(sp + 1, ' ', (size_t)(line + tl - sp - 1))) c->phrase_words++;
  }
}

/* A line of one word adds up to two entries (its key and its stem); a line whose term has a
 * space a phrase, its words and a pair (its second word's stem may add another: seldom, and
 * the pair table grows for it). */
int vb__lexicon_reserve(vb__lexicon *lx, const vb__lexcount *c) {
  size_t entries = lx->n_entries + 2 * c->words;
  if (vb__reserve(&lx->entries, &lx->cap_entries, entries, sizeof *lx->entries) ||
      vb__reserve(&lx->stem_counts, &lx->cap_stem_counts, entries, sizeof *lx->stem_counts) ||
      vb__strmap_reserve(&lx->surface, c->words, c->word_bytes) ||
      vb__strmap_reserve(&lx->stems, c->words, c->word_bytes) ||
      vb__buf_reserve(&lx->stem_keys, c->word_bytes))
    return VB_ENOMEM;
  if (!c->phrases) return VB_OK;
  size_t all = lx->n_phrases + c->phrases;
  if (vb__reserve(&lx->phrases, &lx->cap_phrases, all, sizeof *lx->phrases) ||
      vb__reserve(&lx->pair_next, &lx->cap_pair_next, 2 * all, sizeof *lx->pair_next) ||
      vb__reserve(&lx->pw.v, &lx->pw.cap, lx->pw.n + c->phrase_words, sizeof *lx->pw.v) ||
      vb__buf_reserve(&lx->pw.text, 2 * c->phrase_bytes) ||
      vb__strmap_reserve(&lx->phrase_first, c->phrases, c->phrase_bytes) ||
      pairs_reserve(lx, lx->n_pairs + c->phrases))
    return VB_ENOMEM;
  return VB_OK;
}

static int load(vb_model *m, vb_lang lang, const char *name, const char *data, size_t len,
                int modifiers, vb_error *err) {
  load_ctx ctx = {lang, name, 0, modifiers};
  int rc = vb__model_add_file(m, name, &ctx.file);
  if (rc) return vb__error_set(err, rc, name, 0, 0, "%s", vb_strerror(rc));
  rc = each_line(m, data, len, valence_line, &ctx, err);
  if (rc && err && err->file[0] == '\0') snprintf(err->file, sizeof err->file, "%s", name);
  return rc;
}

int vb__lexicon_load_valence(vb_model *m, vb_lang lang, const char *name, const char *data,
                             size_t len, vb_error *err) {
  return load(m, lang, name, data, len, 0, err);
}

int vb__lexicon_load_modifiers(vb_model *m, vb_lang lang, const char *name, const char *data,
                               size_t len, vb_error *err) {
  return load(m, lang, name, data, len, 1, err);
}

static int emoji_line(vb_model *m, void *vctx, char *line, long lineno, vb_error *err) {
  load_ctx *ctx = vctx;
  char *f[3];
  size_t n = vb__split_tabs(line, f, 3);
  double v;
  if (n < 2 || parse_value(f[1], -4, 4, &v))
    return vb__error_set(err, VB_EPARSE, ctx->name, lineno, 1,
                         "expected: emoji TAB valence TAB name");
  char *seq = f[0];
  trim(&seq);
  vb__buf *b = &m->load.buf;
  b->len = 0;
  if (vb__normalize(&m->load.norm, seq, strlen(seq), VB_NORM_EMOJI, b)) return VB_ENOMEM;
  if (b->len == 0)
    return vb__error_set(err, VB_EPARSE, ctx->name, lineno, 1, "empty emoji");
  uint32_t *slot;
  bool found;
  if (vb__grow(&m->emoji_valence, &m->cap_emoji, m->n_emoji + 1, sizeof *m->emoji_valence))
    return VB_ENOMEM;
  if (vb__strmap_put(&m->emoji, b->data, b->len, (uint32_t)m->n_emoji, &found, &slot))
    return VB_ENOMEM;
  if (found) m->emoji_valence[*slot] = (float)v;
  else m->emoji_valence[m->n_emoji++] = (float)v;
  return VB_OK;
}

int vb__emoji_load(vb_model *m, const char *name, const char *data, size_t len, vb_error *err) {
  load_ctx ctx = {VB_LANG_UND, name, 0, 0};
  return each_line(m, data, len, emoji_line, &ctx, err);
}

void vb__lexicon_free(vb__lexicon *lx) {
  vb__strmap_free(&lx->surface);
  vb__strmap_free(&lx->stems);
  vb__strmap_free(&lx->prefixes);
  vb__strmap_free(&lx->phrase_first);
  vb__free(lx->pair_slots);
  vb__free(lx->pair_next);
  vb__buf_free(&lx->stem_keys);
  vb__free(lx->entries);
  vb__free(lx->phrases);
  vb__free(lx->pair_bits);
  vb__free(lx->pw.v);
  vb__free(lx->stem_counts);
  vb__buf_free(&lx->pw.text);
  memset(lx, 0, sizeof *lx);
}

const vb__lexentry *vb__lexicon_get(const vb__lexicon *lx, const char *key, size_t len) {
  uint32_t i;
  return vb__strmap_get(&lx->surface, key, len, &i) ? &lx->entries[i] : NULL;
}

const vb__lexentry *vb__lexicon_get_h(const vb__lexicon *lx, const char *key, size_t len,
                                      uint64_t h) {
  uint32_t i;
  return vb__strmap_get_h(&lx->surface, key, len, h, &i) ? &lx->entries[i] : NULL;
}

const vb__lexentry *vb__lexicon_get_stem(const vb__lexicon *lx, const char *stem, size_t len,
                                         const char *key, size_t key_len) {
  return vb__lexicon_get_stem_h(lx, stem, len, vb__hash(stem, len), key, key_len);
}

const vb__lexentry *vb__lexicon_get_stem_h(const vb__lexicon *lx, const char *stem, size_t len,
                                           uint64_t h, const char *key, size_t key_len) {
  uint32_t i;
  if (!vb__strmap_get_h(&lx->stems, stem, len, h, &i)) return NULL;
  /* An inflection of an entry matches ("delays" -> delay, "disappointing" -> disappointed);
   * a shorter base word does not take the valence of a derivation that shares its stem ("use"
   * is not "useful", "friend" is not "friendly"), and a different word that Snowball or the
   * Hebrew stemmer happens to cut to the same stem must also begin like the entry
   * (skickades is not skicklig, הכול is not שכול): all but its last two bytes shared. */
  const vb__lexentry *e = &lx->entries[i];
  const char *base = lx->stem_keys.data + e->min_key;
  size_t need = e->min_len > 2 ? e->min_len - 2u : e->min_len;
  if (key_len >= e->min_len && vb__common_prefix(key, key_len, base, e->min_len) >= need) return e;
  /* Hebrew: the same after a proclitic (והגרוע is ו + ה + גרוע; הכול is still not שכול) */
  size_t lens[16];
  size_t np = vb__he_prefixes(key, key_len, lens, 16);
  for (size_t k = 0; k < np; k++)
    if (vb__common_prefix(key + lens[k], key_len - lens[k], base, e->min_len) >= need) return e;
  return NULL;
}

bool vb__lexicon_prefix(const vb__lexicon *lx, const char *key, size_t len, float *value) {
  uint32_t bits;
  if (!vb__strmap_get(&lx->prefixes, key, len, &bits)) return false;
  memcpy(value, &bits, sizeof *value);
  return true;
}

/* ---- importing lexicons users own ---- */

/* Splits off the next field of `line` at `sep`; NULL when none is left. */
static char *next_field(char **line, char sep) {
  char *p = *line;
  if (!p) return NULL;
  char *q = strchr(p, sep);
  if (q) {
    *q = '\0';
    *line = q + 1;
  } else {
    *line = NULL;
  }
  return p;
}

static bool is_int(const char *s, long *v) {
  char *end;
  while (*s == ' ') s++;
  long x = strtol(s, &end, 10);
  while (*end == ' ' || *end == '\r') end++;
  if (end == s || *end) return false;
  *v = x;
  return true;
}

int vb__lexicon_detect_format(const char *data, size_t len) {
  bool any_tab = false, any_comma_only = false, all_int = true, has5 = false, vader = false;
  size_t lines = 0;
  for (size_t i = 0; i < len && lines < 2000;) {
    size_t j = i;
    while (j < len && data[j] != '\n') j++;
    char buf[512];
    size_t n = j - i < sizeof buf - 1 ? j - i : sizeof buf - 1;
    memcpy(buf, data + i, n);
    buf[n] = '\0';
    i = j + 1;
    if (n == 0 || buf[0] == '#') continue;
    lines++;
    char *tab = strchr(buf, '\t');
    if (tab) {
      any_tab = true;
      if (strchr(tab + 1, '\t') && strchr(buf, '[')) vader = true;
      char *rest = tab + 1;
      char *val = next_field(&rest, '\t');
      long v;
      if (!is_int(val, &v)) all_int = false;
      else if (v == 5 || v == -5) has5 = true;
    } else if (strchr(buf, ',')) {
      any_comma_only = true;
    }
  }
  if (vader) return VB_LEXFMT_VADER;
  if (!any_tab && any_comma_only) return VB_LEXFMT_SENTIDA;
  if (any_tab && all_int && has5) return VB_LEXFMT_AFINN;
  return VB_LEXFMT_TSV;
}

int vb__lexicon_convert(int format, const char *name, const char *data, size_t len,
                        vb__buf *out, vb_error *err) {
  long lineno = 0;
  vb__buf line = {0};
  int rc = VB_OK;
  for (size_t i = 0; rc == VB_OK;) {
    int got = take_line(data, len, &i, &line);
    if (got <= 0) {
      rc = got;
      break;
    }
    lineno++;
    char *p = line.data;
    if (line.len == 0 || p[0] == '#') {
      rc = vb__buf_putc(out, '\n'); /* keep the line numbers */
      continue;
    }
    char *term, *val;
    double v;
    char *end;
    if (format == VB_LEXFMT_SENTIDA) {
      /* word,score (a header line "word,score" is skipped); scores -5..+5 */
      char *rest = p;
      term = next_field(&rest, ',');
      val = next_field(&rest, ',');
      if (term && *term == '"') {
        term++;
        size_t tl = strlen(term);
        if (tl && term[tl - 1] == '"') term[tl - 1] = '\0';
      }
    } else {
      char *rest = p;
      term = next_field(&rest, '\t');
      val = next_field(&rest, '\t');
    }
    if (!term || !val || (v = strtod(val, &end), end == val)) {
      if (lineno == 1 && format == VB_LEXFMT_SENTIDA) { /* a header */
        rc = vb__buf_putc(out, '\n');
        continue;
      }
      rc = vb__error_set(err, VB_EPARSE, name, lineno, 1, "expected %s",
                         format == VB_LEXFMT_SENTIDA ? "word,score"
                         : format == VB_LEXFMT_VADER ? "token TAB mean TAB sd TAB ratings"
                                                     : "word TAB score");
      break;
    }
    /* AFINN and Sentida rate on -5..+5; ours (and VADER's) is -4..+4 */
    if (format == VB_LEXFMT_AFINN || format == VB_LEXFMT_SENTIDA) v *= 0.8;
    if (v > 4) v = 4;
    if (v < -4) v = -4;
    rc = vb__buf_printf(out, "%s\t%.2f\n", term, v);
  }
  vb__buf_free(&line);
  return rc;
}
