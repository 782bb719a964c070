/*
 * agg_state.c - aggregate state files: vb_agg_save writes them, vb_agg_load reads them back.
 *
 * The format (HACKING.md, "Exact merges") is line-oriented text, one record of the aggregate
 * per line, strings percent-escaped after a '=' so that a line splits at blanks. States come
 * from other machines and are untrusted: the loader checks every number against its bounds
 * and every count against the others (segments add up to all records, a child theme counts no
 * more than its parent, histograms of themes lie within the histogram of their group, quotes
 * are valid UTF-8 in the order the merge keeps ...), so a state that loads describes records
 * that could have been added, and no table computed from it can index out of bounds.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "vb_agg.h"

#define STATE_HEADER "verbatim-state 8"
#define STATE_HEADER_7 "verbatim-state 7" /* read too: the same without switches of brands */
#define STATE_HEADER_6 "verbatim-state 6" /* read too: the same without two brands' pairs */
#define STATE_HEADER_5 "verbatim-state 5" /* read too: without brand pairs */
#define STATE_HEADER_4 "verbatim-state 4" /* read too: without pairs */
#define STATE_HEADER_3 "verbatim-state 3" /* read too: without questions and pairs */
#define NAME_MAX_BYTES 256

/* ---- writing ---- */

static int put_str(vb__buf *b, const char *s, size_t n) {
  int rc = vb__buf_printf(b, " =");
  for (size_t i = 0; rc == VB_OK && i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c <= 0x20 || c == 0x7f || c == '%' || c == '=')
      rc = vb__buf_printf(b, "%%%02X", c);
    else
      rc = vb__buf_putc(b, (char)c);
  }
  return rc;
}

static int put_hist(vb__buf *b, const vb__hist *h) {
  int rc = vb__buf_printf(b, " %zu", h->n);
  for (size_t i = 0; rc == VB_OK && i < h->n; i++)
    rc = vb__buf_printf(b, " %" PRId64 ":%" PRIu64, h->bins[i].value, h->bins[i].count);
  return rc;
}

static int put_i128(vb__buf *b, vb__i128 v) {
  char t[48];
  vb__i128_format(v, t);
  return vb__buf_printf(b, " %s", t);
}

static int put_group(vb__buf *b, const vb_agg *a, const agg_group *g, bool period) {
  int rc = vb__buf_printf(b, "counts %" PRIu64 " %" PRIu64 " %" PRIu64 "\nlangs", g->records,
                          g->analysed, g->errors);
  for (int l = 0; rc == VB_OK && l < VB_LANG_COUNT; l++)
    rc = vb__buf_printf(b, " %" PRIu64, g->by_lang[l]);
  if (rc == VB_OK)
    rc = vb__buf_printf(b, "\nsentiment %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", g->sent[0],
                        g->sent[1], g->sent[2]);
  for (size_t s = 0; rc == VB_OK && s < a->n_scores; s++) {
    rc = vb__buf_printf(b, "s %zu %" PRIu64 " %" PRIu64, s, g->missing[s], g->bad[s]);
    if (rc == VB_OK) rc = put_hist(b, &g->hist[s]);
    if (rc == VB_OK) rc = vb__buf_putc(b, '\n');
  }
  for (size_t i = 0; rc == VB_OK && g->cells && i < a->n_themes; i++) {
    const agg_cell *c = &g->cells[i];
    if (!c->n) continue;
    rc = vb__buf_printf(b, "t %zu %" PRIu64 " %" PRIu64 " %" PRIu64, i, c->n, c->neg, c->pos);
    for (size_t s = 0; rc == VB_OK && s < a->n_scores; s++) {
      static const vb__hist empty;
      rc = put_hist(b, c->h ? &c->h[s] : &empty);
    }
    if (rc == VB_OK) rc = vb__buf_putc(b, '\n');
  }
  /* the entries are kept in (root, k) order: "m0" first, then theme index and k ascending */
  for (size_t i = 0; period && rc == VB_OK && i < g->n_splits; i++) {
    const agg_split *e = &g->splits[i];
    if (e->root == 0)
      rc = vb__buf_printf(b, "m0");
    else
      rc = vb__buf_printf(b, "m %ld %" PRIu32, a->root_of[e->root - 1], e->k);
    if (rc == VB_OK) rc = put_hist(b, &e->h);
    if (rc == VB_OK) rc = vb__buf_putc(b, '\n');
  }
  return rc;
}

static int put_quote(vb__buf *b, const char *kind, size_t where, int pol, const agg_quote *q) {
  int rc = vb__buf_printf(b, "%s %zu %d %" PRId64 " %" PRIu64 " %" PRIu32 " %" PRIu32 " %d %d %" PRId32
                          " %d %" PRId64, kind, where, pol, q->quality, q->tie, q->span_s,
                          q->span_e, q->cut_s, q->cut_e, q->sent, q->has_score, q->score);
  if (rc == VB_OK) rc = put_str(b, q->id, strlen(q->id));
  if (rc == VB_OK) rc = put_str(b, q->text, q->len);
  return rc ? rc : vb__buf_putc(b, '\n');
}

static int cmp_seg(const void *x, const void *y) {
  const agg_group *a = *(const agg_group *const *)x, *b = *(const agg_group *const *)y;
  size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
  int c = memcmp(a->name, b->name, n);
  if (c) return c;
  return a->name_len < b->name_len ? -1 : a->name_len > b->name_len;
}

static int cmp_per(const void *x, const void *y) {
  const agg_group *a = *(const agg_group *const *)x, *b = *(const agg_group *const *)y;
  return a->key < b->key ? -1 : a->key > b->key;
}

typedef enum { PAIR_TOPICS, PAIR_BRAND_TOPIC, PAIR_BRANDS } pair_kind;

/* Per kind of pair: its line's first word, the word of "... unknown", and the messages of a bad
 * line of each (literals: L->why keeps them). */
static const struct {
  const char *line, *lines, *bad_line, *bad_lines;
} pair_words[] = {
    [PAIR_TOPICS] = {"pair", "pairs", "bad 'pair' line", "bad 'pairs' line"},
    [PAIR_BRAND_TOPIC] = {"bpair", "bpairs", "bad 'bpair' line", "bad 'bpairs' line"},
    [PAIR_BRANDS] = {"bbpair", "bbpairs", "bad 'bbpair' line", "bad 'bbpairs' line"},
};

/* The lines of a pair table, in (a, b) order: "pair A B N hist" (two topics), "bpair A B N
 * NEG POS hist" (a brand, a topic) or "bbpair A B N ANEG APOS NEG POS hist" (two brands);
 * "pairs unknown" (or "bpairs", "bbpairs") instead after a merge with a state that did not
 * count them, whose pairs would be only some records'. */
static int put_pairs(vb__buf *b, const agg_pairs *p, pair_kind kind) {
  const char *name = pair_words[kind].line;
  if (p->unknown) return vb__buf_printf(b, "%s unknown\n", pair_words[kind].lines);
  const agg_pair **pv = NULL;
  int rc = vb__agg_pairs_sorted(p, &pv);
  bool brand = kind != PAIR_TOPICS, two = kind == PAIR_BRANDS;
  for (size_t i = 0; rc == VB_OK && i < p->used; i++) {
    rc = vb__buf_printf(b, "%s %" PRIu32 " %" PRIu32 " %" PRIu64, name, pv[i]->a, pv[i]->b,
                        pv[i]->n);
    if (rc == VB_OK && two)
      rc = vb__buf_printf(b, " %" PRIu64 " %" PRIu64, pv[i]->aneg, pv[i]->apos);
    if (rc == VB_OK && brand)
      rc = vb__buf_printf(b, " %" PRIu64 " %" PRIu64, pv[i]->neg, pv[i]->pos);
    if (rc == VB_OK) rc = put_hist(b, &pv[i]->h);
    if (rc == VB_OK) rc = vb__buf_putc(b, '\n');
  }
  vb__free(pv);
  return rc;
}

/* The switches between brands: "switch F T N hist" in (F, T) order, F the brand left and T
 * the brand taken up (theme indices, "-" for one not named, which sorts last), then the
 * quotes of each brand's switches away (K 0) and to it (K 1), "wq B K ..."; or "switches
 * unknown" after a merge with a state that did not count them. */
static int put_switches(vb__buf *b, const vb_agg *a) {
  if (a->sw.unknown) return vb__buf_printf(b, "switches unknown\n");
  const agg_pair **pv = NULL;
  int rc = vb__agg_pairs_sorted(&a->sw, &pv);
  for (size_t i = 0; rc == VB_OK && i < a->sw.used; i++) {
    rc = vb__buf_printf(b, "switch");
    for (int side = 0; rc == VB_OK && side < 2; side++) {
      uint32_t t = side ? pv[i]->b : pv[i]->a;
      rc = t == AGG_NO_BRAND ? vb__buf_printf(b, " -") : vb__buf_printf(b, " %" PRIu32, t);
    }
    if (rc == VB_OK) rc = vb__buf_printf(b, " %" PRIu64, pv[i]->n);
    if (rc == VB_OK) rc = put_hist(b, &pv[i]->h);
    if (rc == VB_OK) rc = vb__buf_putc(b, '\n');
  }
  vb__free(pv);
  for (size_t t = 0; rc == VB_OK && t < a->n_themes; t++)
    for (int k = 0; rc == VB_OK && k < 2; k++)
      for (uint32_t i = 0; rc == VB_OK && i < a->sq[2 * t + k].n; i++)
        rc = put_quote(b, "wq", t, k, &a->sq[2 * t + k].q[i]);
  return rc;
}

int vb_agg_save(const vb_agg *a, char **out, size_t *len) {
  if (!a || !out) return VB_EINVAL;
  vb__buf b = {0};
  const agg_group **order = NULL;
  int rc = vb__buf_printf(&b, STATE_HEADER "\nthemes %zu\n", a->n_themes);
  for (size_t i = 0; rc == VB_OK && i < a->n_themes; i++)
    rc = vb__buf_printf(&b, "theme %s\n", a->model->themes[i].id);
  if (rc == VB_OK) rc = vb__buf_printf(&b, "scores %zu\n", a->n_scores);
  for (size_t s = 0; rc == VB_OK && s < a->n_scores; s++) {
    const char *nm = a->score_name[s] ? a->score_name[s] : "";
    rc = vb__buf_printf(&b, "score %s", vb_score_type_name(a->type[s]));
    if (rc == VB_OK) rc = put_str(&b, nm, strlen(nm));
    if (rc == VB_OK) rc = vb__buf_putc(&b, '\n');
  }
  if (rc == VB_OK) rc = vb__buf_printf(&b, "by");
  if (rc == VB_OK) rc = a->by ? put_str(&b, a->by, strlen(a->by)) : vb__buf_printf(&b, " -");
  if (rc == VB_OK) rc = vb__buf_printf(&b, "\ndate");
  if (rc == VB_OK && a->date) {
    rc = vb__buf_printf(&b, " %s", vb_period_name(a->period));
    if (rc == VB_OK) rc = put_str(&b, a->date, strlen(a->date));
  } else if (rc == VB_OK) {
    rc = vb__buf_printf(&b, " -");
  }
  if (rc == VB_OK) rc = vb__buf_printf(&b, "\ndrivers");
  if (rc == VB_OK && a->drivers) {
    rc = vb__buf_printf(&b, " %zu", a->n_drivers);
    for (size_t d = 0; rc == VB_OK && d < a->n_drivers; d++)
      rc = put_str(&b, a->driver_name[d], strlen(a->driver_name[d]));
  } else if (rc == VB_OK) {
    rc = vb__buf_printf(&b, " -");
  }
  if (rc == VB_OK) rc = vb__buf_printf(&b, "\nquestions");
  if (rc == VB_OK && a->n_ques) {
    rc = vb__buf_printf(&b, " %zu", a->n_ques);
    for (size_t q = 0; rc == VB_OK && q < a->n_ques; q++)
      rc = put_str(&b, a->ques[q].name, a->ques[q].name_len);
  } else if (rc == VB_OK) {
    rc = vb__buf_printf(&b, " -");
  }
  if (rc == VB_OK) rc = vb__buf_printf(&b, "\ngroup all\n");
  if (rc == VB_OK) rc = put_group(&b, a, &a->all, false);
  size_t no = a->n_segs > a->n_pers ? a->n_segs : a->n_pers;
  if (rc == VB_OK && no) {
    order = vb__calloc(no, sizeof *order);
    if (!order) rc = VB_ENOMEM;
  }
  if (rc == VB_OK && a->n_segs) {
    for (size_t i = 0; i < a->n_segs; i++) order[i] = &a->segs[i];
    qsort(order, a->n_segs, sizeof *order, cmp_seg);
    for (size_t i = 0; rc == VB_OK && i < a->n_segs; i++) {
      rc = vb__buf_printf(&b, "group seg");
      if (rc == VB_OK) rc = put_str(&b, order[i]->name, order[i]->name_len);
      if (rc == VB_OK) rc = vb__buf_putc(&b, '\n');
      if (rc == VB_OK) rc = put_group(&b, a, order[i], false);
    }
  }
  if (rc == VB_OK && a->n_pers) {
    for (size_t i = 0; i < a->n_pers; i++) order[i] = &a->pers[i];
    qsort(order, a->n_pers, sizeof *order, cmp_per);
    for (size_t i = 0; rc == VB_OK && i < a->n_pers; i++) {
      rc = vb__buf_printf(&b, "group period %ld\n", order[i]->key);
      if (rc == VB_OK) rc = put_group(&b, a, order[i], true);
    }
  }
  vb__free(order);
  for (size_t q = 0; rc == VB_OK && q < a->n_ques; q++) {
    rc = vb__buf_printf(&b, "group question %zu\n", q);
    if (rc == VB_OK) rc = put_group(&b, a, &a->ques[q], false);
  }
  if (rc == VB_OK && a->date) rc = vb__buf_printf(&b, "undated %" PRIu64 "\n", a->undated);
  for (size_t t = 0; rc == VB_OK && t < a->n_themes; t++) {
    if (a->neg_h[t].n) {
      rc = vb__buf_printf(&b, "tn %zu", t);
      if (rc == VB_OK) rc = put_hist(&b, &a->neg_h[t]);
      if (rc == VB_OK) rc = vb__buf_putc(&b, '\n');
    }
    if (rc == VB_OK && a->pos_h[t].n) {
      rc = vb__buf_printf(&b, "tp %zu", t);
      if (rc == VB_OK) rc = put_hist(&b, &a->pos_h[t]);
      if (rc == VB_OK) rc = vb__buf_putc(&b, '\n');
    }
  }
  for (int k = 0; rc == VB_OK && a->n_scores && k < 3; k++) {
    rc = vb__buf_printf(&b, "doc %d", k);
    if (rc == VB_OK) rc = put_hist(&b, &a->doc_h[k]);
    if (rc == VB_OK) rc = vb__buf_putc(&b, '\n');
  }
  for (size_t t = 0; rc == VB_OK && t < a->n_themes; t++)
    for (int k = 0; rc == VB_OK && k < 2; k++)
      for (uint32_t i = 0; rc == VB_OK && i < a->tq[2 * t + k].n; i++)
        rc = put_quote(&b, "q", t, k, &a->tq[2 * t + k].q[i]);
  for (size_t v = 0; rc == VB_OK && v <= 10; v++)
    for (int k = 0; rc == VB_OK && k < 2; k++)
      for (uint32_t i = 0; rc == VB_OK && i < a->vq[v][k].n; i++)
        rc = put_quote(&b, "v", v, k, &a->vq[v][k].q[i]);
  if (rc == VB_OK && a->drv) {
    const agg_drv *d = a->drv;
    size_t T = a->n_themes;
    rc = vb__buf_printf(&b, "drv %" PRIu64, d->n);
    if (rc == VB_OK) rc = put_i128(&b, d->sy);
    if (rc == VB_OK) rc = put_i128(&b, d->syy);
    if (rc == VB_OK) rc = vb__buf_putc(&b, '\n');
    for (size_t t = 0; rc == VB_OK && t < T; t++) {
      if (!d->tc[t]) continue;
      rc = vb__buf_printf(&b, "dt %zu %" PRIu64, t, d->tc[t]);
      if (rc == VB_OK) rc = put_i128(&b, d->ty[t]);
      if (rc == VB_OK) rc = vb__buf_putc(&b, '\n');
    }
    for (size_t t = 0; rc == VB_OK && t < T; t++)
      for (size_t u = t + 1; rc == VB_OK && u < T; u++)
        if (d->tt[t * T + u]) rc = vb__buf_printf(&b, "dtt %zu %zu %" PRIu64 "\n", t, u, d->tt[t * T + u]);
    for (size_t j = 0; rc == VB_OK && j < a->n_drivers; j++) {
      rc = vb__buf_printf(&b, "dx %zu", j);
      if (rc == VB_OK) rc = put_i128(&b, d->sx[j]);
      if (rc == VB_OK) rc = put_i128(&b, d->sxy[j]);
      for (size_t i = 0; rc == VB_OK && i < a->n_drivers; i++)
        rc = put_i128(&b, d->sxx[j * VB_AGG_MAX_DRIVERS + i]);
      if (rc == VB_OK) rc = vb__buf_putc(&b, '\n');
      for (size_t t = 0; rc == VB_OK && t < T; t++) {
        vb__i128 v = d->sxt[j * T + t];
        if (!v.hi && !v.lo) continue;
        rc = vb__buf_printf(&b, "dxt %zu %zu", j, t);
        if (rc == VB_OK) rc = put_i128(&b, v);
        if (rc == VB_OK) rc = vb__buf_putc(&b, '\n');
      }
    }
  }
  if (rc == VB_OK) rc = put_pairs(&b, &a->pairs, PAIR_TOPICS);
  if (rc == VB_OK) rc = put_pairs(&b, &a->bpairs, PAIR_BRAND_TOPIC);
  if (rc == VB_OK) rc = put_pairs(&b, &a->bbpairs, PAIR_BRANDS);
  if (rc == VB_OK) rc = put_switches(&b, a);
  if (rc == VB_OK) rc = vb__buf_printf(&b, "end\n");
  if (rc) {
    vb__buf_free(&b);
    return rc;
  }
  *out = b.data;
  if (len) *len = b.len;
  return VB_OK;
}

/* ---- reading ---- */

typedef struct cursor {
  const char *p, *end;
  long line;
  char *buf; /* the current line, NUL-terminated */
  size_t cap;
  bool oom;
} cursor;

#define LINE_MAX_BYTES (64u << 20)

static bool next_line(cursor *c) {
  if (c->p >= c->end) return false;
  const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
  size_t n = nl ? (size_t)(nl - c->p) : (size_t)(c->end - c->p);
  c->line++;
  if (n >= LINE_MAX_BYTES || memchr(c->p, '\0', n)) {
    c->p = c->end;
    if (vb__grow(&c->buf, &c->cap, 2, 1)) return c->oom = true, false;
    c->buf[0] = '\x01'; /* too long or binary: will not parse */
    c->buf[1] = '\0';
    return true;
  }
  if (vb__grow(&c->buf, &c->cap, n + 1, 1)) return c->oom = true, false;
  memcpy(c->buf, c->p, n);
  c->buf[n] = '\0';
  c->p = nl ? nl + 1 : c->end;
  return true;
}

/* The next line if it starts with `word` followed by a blank or its end; rewinds otherwise. */
static bool peek_is(cursor *c, const char *word) {
  size_t n = strlen(word);
  return (size_t)(c->end - c->p) >= n && memcmp(c->p, word, n) == 0 &&
         (c->p + n == c->end || c->p[n] == ' ' || c->p[n] == '\n');
}

static bool parse_u64(const char **s, uint64_t *out) {
  const char *p = *s;
  while (*p == ' ') p++;
  if (!vb__ascii_digit(*p)) return false;
  uint64_t v = 0;
  while (vb__ascii_digit(*p)) {
    uint64_t d = (uint64_t)(*p - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
    p++;
  }
  *out = v;
  *s = p;
  return true;
}

static bool parse_i64(const char **s, int64_t *out) {
  const char *p = *s;
  while (*p == ' ') p++;
  bool neg = *p == '-';
  if (neg) p++;
  uint64_t v;
  if (!vb__ascii_digit(*p) || !parse_u64(&p, &v) || v > (uint64_t)INT64_MAX) return false;
  *out = neg ? -(int64_t)v : (int64_t)v;
  *s = p;
  return true;
}

static bool at_end(const char *s) {
  while (*s == ' ') s++;
  return *s == '\0';
}

static bool valid_utf8(const char *s, size_t n) {
  size_t i = 0, adv;
  while (i < n) {
    if (s[i] == '\0' || vb__utf8_decode((const unsigned char *)s + i, n - i, &adv) < 0) return false;
    i += adv;
  }
  return true;
}

/* A '=' string: decoded into new memory (*out, *len); valid UTF-8 without NUL, at most max. */
static int parse_str(const char **s, size_t max, char **out, size_t *len) {
  const char *p = *s;
  while (*p == ' ') p++;
  if (*p != '=') return VB_EPARSE;
  p++;
  const char *e = p;
  while (*e && *e != ' ') e++;
  char *d = vb__malloc((size_t)(e - p) + 1);
  if (!d) return VB_ENOMEM;
  size_t k = 0;
  for (const char *q = p; q < e; q++) {
    if (*q == '%') {
      int v = 0;
      for (int h = 1; h <= 2; h++) {
        char c = q[h];
        int x = vb__ascii_digit(c) ? c - '0' : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (x < 0) {
          vb__free(d);
          return VB_EPARSE;
        }
        v = v * 16 + x;
      }
      d[k++] = (char)v;
      q += 2;
    } else {
      d[k++] = *q;
    }
  }
  d[k] = '\0';
  if (k > max || !valid_utf8(d, k)) {
    vb__free(d);
    return VB_EPARSE;
  }
  *out = d;
  if (len) *len = k;
  *s = e;
  return VB_OK;
}

static int parse_hist(const char **sp, vb__hist *h, uint64_t *total) {
  const char *s = *sp;
  uint64_t n;
  if (!parse_u64(&s, &n) || n > 10000000) return VB_EPARSE;
  int64_t prev = INT64_MIN;
  *total = 0;
  for (uint64_t i = 0; i < n; i++) {
    int64_t v;
    uint64_t c;
    if (!parse_i64(&s, &v) || *s++ != ':' || !parse_u64(&s, &c) || c == 0 || v <= prev ||
        (i > 0 && v == INT64_MIN))
      return VB_EPARSE;
    if (*total > UINT64_MAX - c) return VB_EPARSE;
    *total += c;
    prev = v;
    if (vb__hist_add(h, v, c)) return VB_ENOMEM;
  }
  *sp = s;
  return VB_OK;
}

/* Every bin of `sub` is within `of` (same value, no larger count). */
static bool hist_within(const vb__hist *sub, const vb__hist *of) {
  size_t j = 0;
  for (size_t i = 0; i < sub->n; i++) {
    while (j < of->n && of->bins[j].value < sub->bins[i].value) j++;
    if (j == of->n || of->bins[j].value != sub->bins[i].value ||
        of->bins[j].count < sub->bins[i].count)
      return false;
  }
  return true;
}

static bool hist_equal(const vb__hist *x, const vb__hist *y) {
  if (x->n != y->n) return false;
  for (size_t i = 0; i < x->n; i++)
    if (x->bins[i].value != y->bins[i].value || x->bins[i].count != y->bins[i].count) return false;
  return true;
}

static bool add_ok(uint64_t *acc, uint64_t v) {
  if (*acc > UINT64_MAX - v) return false;
  *acc += v;
  return true;
}

typedef struct loader {
  cursor c;
  vb_agg *a;
  vb_error *err;
  const char *why;
} loader;

#define BAD(msg) do { L->why = (msg); return VB_EPARSE; } while (0)
#define TRY(x) do { int rc_ = (x); if (rc_ == VB_ENOMEM) return rc_; if (rc_) BAD(what); } while (0)

/* The count of `value` in h (0 when absent). */
static uint64_t hist_count_of(const vb__hist *h, int64_t value) {
  size_t lo = 0, hi = h->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (h->bins[mid].value < value)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < h->n && h->bins[lo].value == value ? h->bins[lo].count : 0;
}

/* Adds h x 1/div into `into` (every count a multiple of div), refusing overflow. */
static int hist_add_div(vb__hist *into, const vb__hist *h, uint64_t div) {
  for (size_t i = 0; i < h->n; i++) {
    uint64_t c = h->bins[i].count;
    if (c % div) return VB_EPARSE;
    c /= div;
    if (hist_count_of(into, h->bins[i].value) > UINT64_MAX - c) return VB_EPARSE;
    if (vb__hist_add(into, h->bins[i].value, c)) return VB_ENOMEM;
  }
  return VB_OK;
}

/* A period's "m0" and "m I K" lines (agg_split in vb_agg.h) and their checks: the lines of a
 * top-level theme add up to its first-score histogram ('t' line); at each K the counts of the
 * themes add up to K times those of the records with K themes, none more than those records;
 * and the records without a theme plus those with K themes, over all K, are exactly the period's
 * scored records. So a state that loads describes records that could have been added. */
static int load_splits(loader *L, agg_group *g) {
  vb_agg *a = L->a;
  size_t nr = a->n_roots;
  vb__hist *per_k = vb__calloc(nr + 1, sizeof *per_k), sum = {0}, mine = {0};
  int rc = per_k ? VB_OK : VB_ENOMEM;
  if (rc == VB_OK && peek_is(&L->c, "m0")) {
    next_line(&L->c);
    const char *s = L->c.buf + 2;
    vb__hist h = {0};
    uint64_t tot;
    rc = parse_hist(&s, &h, &tot);
    if (rc == VB_OK && (h.n == 0 || !at_end(s))) rc = VB_EPARSE;
    for (size_t k = 0; rc == VB_OK && k < h.n; k++)
      rc = vb__agg_split_add(g, 0, 0, h.bins[k].value, h.bins[k].count);
    vb__hist_free(&h);
    if (rc == VB_EPARSE) L->why = "bad 'm0' line";
  }
  uint64_t prev_i = 0, prev_k = 0;
  bool first = true;
  while (rc == VB_OK && peek_is(&L->c, "m")) {
    next_line(&L->c);
    const char *s = L->c.buf + 2;
    uint64_t idx, k, tot;
    if (!parse_u64(&s, &idx) || idx >= a->n_themes || !vb__topic_root(&a->model->themes[idx]) ||
        !parse_u64(&s, &k) || k == 0 || k > nr ||
        (!first && (idx < prev_i || (idx == prev_i && k <= prev_k)))) {
      rc = VB_EPARSE;
      L->why = "bad 'm' line";
      break;
    }
    first = false;
    prev_i = idx;
    prev_k = k;
    vb__hist h = {0};
    rc = parse_hist(&s, &h, &tot);
    if (rc == VB_OK && (h.n == 0 || !at_end(s))) rc = VB_EPARSE;
    for (size_t j = 0; rc == VB_OK && j < h.n; j++)
      rc = vb__agg_split_add(g, (uint32_t)a->root[idx] + 1, (uint32_t)k, h.bins[j].value,
                             h.bins[j].count);
    vb__hist_free(&h);
    if (rc == VB_EPARSE) L->why = "bad 'm' line";
  }
  /* per top-level theme: its lines add up to its scores (the brands have none: they are not
   * in the split) */
  for (size_t i = 0, r = 0; rc == VB_OK && r < nr; r++) {
    vb__hist_free(&mine);
    for (; rc == VB_OK && i < g->n_splits && g->splits[i].root <= r + 1; i++)
      if (g->splits[i].root == r + 1) rc = hist_add_div(&mine, &g->splits[i].h, 1);
    const agg_cell *c = &g->cells[a->root_of[r]];
    static const vb__hist empty;
    if (a->model->themes[a->root_of[r]].brand) continue;
    if (rc == VB_OK && !hist_equal(&mine, c->h ? &c->h[0] : &empty)) {
      rc = VB_EPARSE;
      L->why = "a theme's 'm' lines do not add up to its scores";
    }
  }
  /* per K: the themes' counts are K times the records', none above */
  for (size_t i = 0; rc == VB_OK && i < g->n_splits; i++)
    if (g->splits[i].root) rc = hist_add_div(&per_k[g->splits[i].k], &g->splits[i].h, 1);
  for (size_t i = 0; rc == VB_OK && i < g->n_splits; i++) {
    const agg_split *e = &g->splits[i];
    for (size_t j = 0; e->root && j < e->h.n; j++)
      if (e->h.bins[j].count > hist_count_of(&per_k[e->k], e->h.bins[j].value) / e->k)
        rc = VB_EPARSE;
  }
  for (size_t k = 1; rc == VB_OK && k <= nr; k++) rc = hist_add_div(&sum, &per_k[k], k);
  for (size_t i = 0; rc == VB_OK && i < g->n_splits && g->splits[i].root == 0; i++)
    rc = hist_add_div(&sum, &g->splits[i].h, 1);
  if (rc == VB_OK && !hist_equal(&sum, &g->hist[0])) rc = VB_EPARSE;
  if (rc == VB_EPARSE && !L->why) L->why = "the 'm' lines of a period do not add up to its scores";
  for (size_t k = 0; per_k && k <= nr; k++) vb__hist_free(&per_k[k]);
  vb__free(per_k);
  vb__hist_free(&sum);
  vb__hist_free(&mine);
  return rc;
}

/* The lines of one group (after its "group" line). */
static int load_group(loader *L, agg_group *g, bool period) {
  vb_agg *a = L->a;
  const char *s, *what = "bad group";
  if (!next_line(&L->c) || strncmp(L->c.buf, "counts ", 7) != 0) BAD("expected 'counts'");
  s = L->c.buf + 7;
  if (!parse_u64(&s, &g->records) || !parse_u64(&s, &g->analysed) || !parse_u64(&s, &g->errors) ||
      !at_end(s) || g->analysed > g->records || g->records - g->analysed != g->errors)
    BAD("bad 'counts' line");
  if (!next_line(&L->c) || strncmp(L->c.buf, "langs ", 6) != 0) BAD("expected 'langs'");
  s = L->c.buf + 6;
  uint64_t total = 0;
  for (int l = 0; l < VB_LANG_COUNT; l++)
    if (!parse_u64(&s, &g->by_lang[l]) || !add_ok(&total, g->by_lang[l])) BAD("bad 'langs' line");
  if (!at_end(s) || total != g->analysed) BAD("bad 'langs' line");
  if (!next_line(&L->c) || strncmp(L->c.buf, "sentiment ", 10) != 0) BAD("expected 'sentiment'");
  s = L->c.buf + 10;
  total = 0;
  for (int k = 0; k < 3; k++)
    if (!parse_u64(&s, &g->sent[k]) || !add_ok(&total, g->sent[k])) BAD("bad 'sentiment' line");
  if (!at_end(s) || total != g->analysed) BAD("bad 'sentiment' line");
  for (size_t sc = 0; sc < a->n_scores; sc++) {
    uint64_t idx, tot;
    if (!next_line(&L->c) || strncmp(L->c.buf, "s ", 2) != 0) BAD("expected 's' (a score line)");
    s = L->c.buf + 2;
    if (!parse_u64(&s, &idx) || idx != sc || !parse_u64(&s, &g->missing[sc]) ||
        !parse_u64(&s, &g->bad[sc]) || g->bad[sc] > g->missing[sc] || g->missing[sc] > g->analysed)
      BAD("bad 's' line");
    what = "bad score histogram";
    TRY(parse_hist(&s, &g->hist[sc], &tot));
    if (!at_end(s) || tot != g->analysed - g->missing[sc]) BAD("score counts do not add up");
    for (size_t i = 0; i < g->hist[sc].n; i++)
      if (!vb_score_valid(a->type[sc], (double)g->hist[sc].bins[i].value / 1000.0))
        BAD("score out of range");
  }
  if (vb__agg_group_cells(a, g)) return VB_ENOMEM;
  long last = -1;
  while (peek_is(&L->c, "t")) {
    next_line(&L->c);
    s = L->c.buf + 2;
    uint64_t idx, n, neg, pos;
    if (!parse_u64(&s, &idx) || idx >= a->n_themes || (long)idx <= last || !parse_u64(&s, &n) ||
        !parse_u64(&s, &neg) || !parse_u64(&s, &pos) || n == 0 || n > g->analysed || neg > n ||
        pos > n)
      BAD("bad theme line");
    last = (long)idx;
    agg_cell *c = &g->cells[idx];
    c->n = n;
    c->neg = neg;
    c->pos = pos;
    if (a->n_scores) {
      c->h = vb__calloc(a->n_scores, sizeof *c->h);
      if (!c->h) return VB_ENOMEM;
    }
    for (size_t sc = 0; sc < a->n_scores; sc++) {
      uint64_t tot;
      what = "bad theme histogram";
      TRY(parse_hist(&s, &c->h[sc], &tot));
      if (tot > n) BAD("theme counts do not add up");
      if (!hist_within(&c->h[sc], &g->hist[sc])) BAD("theme scores not among all scores");
    }
    if (!at_end(s)) BAD("bad theme line");
  }
  /* A record that mentions a child theme counts for its parent too. */
  for (size_t i = 0; i < a->n_themes; i++) {
    long par = a->model->themes[i].parent;
    if (par < 0) continue;
    const agg_cell *ch = &g->cells[i], *pa = &g->cells[par];
    if (ch->n > pa->n || ch->neg > pa->neg || ch->pos > pa->pos)
      BAD("a theme counts more than its parent");
    for (size_t sc = 0; ch->h && sc < a->n_scores; sc++)
      if (!pa->h || !hist_within(&ch->h[sc], &pa->h[sc]))
        BAD("a theme's scores are not among its parent's");
  }
  if (period && a->n_scores) {
    int rc = load_splits(L, g);
    if (rc) return rc;
  }
  return VB_OK;
}

/* `sum` (of groups) holds the same records as `all` (equal) or some of them; `sentiment`:
 * its sentiment counts too (a question's group has its answers', not its records'). */
static bool group_within(const vb_agg *a, const agg_group *sum, const agg_group *all, bool equal,
                         bool sentiment) {
#define CHK(x, y) do { if (equal ? (x) != (y) : (x) > (y)) return false; } while (0)
  CHK(sum->records, all->records);
  CHK(sum->analysed, all->analysed);
  CHK(sum->errors, all->errors);
  for (int l = 0; l < VB_LANG_COUNT; l++) CHK(sum->by_lang[l], all->by_lang[l]);
  for (int k = 0; sentiment && k < 3; k++) CHK(sum->sent[k], all->sent[k]);
  for (size_t s = 0; s < a->n_scores; s++) {
    CHK(sum->missing[s], all->missing[s]);
    CHK(sum->bad[s], all->bad[s]);
    if (equal ? !hist_equal(&sum->hist[s], &all->hist[s]) : !hist_within(&sum->hist[s], &all->hist[s]))
      return false;
  }
  for (size_t i = 0; sum->cells && i < a->n_themes; i++) {
    const agg_cell *x = &sum->cells[i], *y = all->cells ? &all->cells[i] : NULL;
    if (!y) {
      if (x->n) return false;
      continue;
    }
    CHK(x->n, y->n);
    CHK(x->neg, y->neg);
    CHK(x->pos, y->pos);
    for (size_t s = 0; x->h && s < a->n_scores; s++) {
      if (!y->h) return false;
      if (equal ? !hist_equal(&x->h[s], &y->h[s]) : !hist_within(&x->h[s], &y->h[s])) return false;
    }
  }
  return true;
#undef CHK
}

static bool quote_ok(const vb_agg *a, const agg_quote *q) {
  if (q->quality < 0 || q->quality > 1000000 || q->span_s > q->span_e || q->span_e > q->len ||
      q->cut_s > 1 || q->cut_e > 1 || q->sent < -1000 || q->sent > 1000 || q->has_score > 1)
    return false;
  if (q->has_score && (a->n_scores == 0 || !vb_score_valid(a->type[0], (double)q->score / 1000.0)))
    return false;
  if (!q->has_score && q->score != 0) return false;
  for (uint32_t i = 0; i < q->len; i++)
    if (q->text[i] == '\0') return false;
  return q->tie == vb__quote_norm_hash(q->text, q->len);
}

static int load_quote(loader *L, const char *s, agg_qlist *lists, size_t stride, size_t max_where,
                      bool by_value) {
  vb_agg *a = L->a;
  uint64_t where, pol, tie, ss, se, cs, ce, has;
  int64_t quality, sent, score;
  if (!parse_u64(&s, &where) || where > max_where || !parse_u64(&s, &pol) || pol > 1 ||
      !parse_i64(&s, &quality) || !parse_u64(&s, &tie) || !parse_u64(&s, &ss) || ss > 100000 ||
      !parse_u64(&s, &se) || se > 100000 || !parse_u64(&s, &cs) || !parse_u64(&s, &ce) ||
      !parse_i64(&s, &sent) || sent < INT32_MIN || sent > INT32_MAX || !parse_u64(&s, &has) ||
      has > 1 || !parse_i64(&s, &score) || cs > 1 || ce > 1)
    BAD("bad quote line");
  agg_quote q = {0};
  size_t len;
  int rc = parse_str(&s, AGG_ID_MAX, &q.id, NULL);
  if (rc == VB_OK) rc = parse_str(&s, AGG_QUOTE_MAX, &q.text, &len);
  if (rc == VB_ENOMEM) {
    vb__free(q.id);
    return rc;
  }
  q.quality = quality;
  q.tie = tie;
  q.len = rc == VB_OK ? (uint32_t)len : 0;
  q.span_s = (uint32_t)ss;
  q.span_e = (uint32_t)se;
  q.cut_s = (uint8_t)cs;
  q.cut_e = (uint8_t)ce;
  q.sent = (int32_t)sent;
  q.has_score = (uint8_t)has;
  q.score = score;
  agg_qlist *l = &lists[where * stride + pol];
  if (rc || !at_end(s) || !quote_ok(a, &q) ||
      (by_value && (!q.has_score || q.score != (int64_t)where * 1000)) ||
      (l->n > 0 && vb__quote_cmp(&l->q[l->n - 1], &q) >= 0) || l->n >= VB_AGG_QUOTES) {
    vb__free(q.id);
    vb__free(q.text);
    BAD("bad quote line");
  }
  for (uint32_t i = 0; i < l->n; i++)
    if (l->q[i].tie == q.tie && vb__quote_norm_eq(l->q[i].text, l->q[i].len, q.text, q.len)) {
      vb__free(q.id);
      vb__free(q.text);
      BAD("a quote given twice");
    }
  l->q[l->n++] = q;
  return VB_OK;
}

/* The "pair" lines (two topics, a < b), "bpair" lines (a brand, a topic) or "bbpair" lines
 * (two brands, a < b) in (a, b) order, and "pairs unknown" (or "bpairs", "bbpairs": a merge
 * with an older state). A pair is two themes that can pair, mentioned together by no more
 * records than either alone (nor more unscored ones), with scores among each one's scores; the
 * negative and positive mentions of a brand pair's side are no more than that theme's own. */
static int load_pairs(loader *L, agg_pairs *p, pair_kind kind, bool old) {
  vb_agg *a = L->a;
  bool brand = kind != PAIR_TOPICS, two = kind == PAIR_BRANDS;
  const char *name = pair_words[kind].line, *plural = pair_words[kind].lines;
  const char *what = pair_words[kind].bad_line, *s;
  uint64_t last = 0;
  bool first = true;
  while (!old && peek_is(&L->c, name)) {
    next_line(&L->c);
    s = L->c.buf + strlen(name);
    uint64_t x, y, n, neg = 0, pos = 0, aneg = 0, apos = 0, tot;
    if (!parse_u64(&s, &x) || !parse_u64(&s, &y) || !parse_u64(&s, &n) ||
        (two && (!parse_u64(&s, &aneg) || !parse_u64(&s, &apos))) ||
        (brand && (!parse_u64(&s, &neg) || !parse_u64(&s, &pos))) || x >= a->n_themes ||
        y >= a->n_themes || n == 0 || neg > n || pos > n || aneg > n || apos > n ||
        !(two     ? x < y && vb__agg_brands_pairable(a, (size_t)x, (size_t)y)
          : brand ? vb__agg_brand_pairable(a, (size_t)x, (size_t)y)
                  : x < y && vb__agg_pairable(a, (size_t)x, (size_t)y)) ||
        (!first && x * a->n_themes + y <= last))
      BAD(what);
    first = false;
    last = x * a->n_themes + y;
    agg_pair *e = vb__agg_pair(p, (uint32_t)x, (uint32_t)y);
    if (!e) return VB_ENOMEM;
    e->n = n;
    e->neg = neg;
    e->pos = pos;
    e->aneg = aneg;
    e->apos = apos;
    TRY(parse_hist(&s, &e->h, &tot));
    if (!at_end(s) || tot > n || (a->n_scores == 0 && tot)) BAD(what);
    for (int k = 0; k < 2; k++) {
      const agg_cell *c = &a->all.cells[k ? y : x];
      uint64_t scored = c->h && a->n_scores ? vb__hist_n(&c->h[0]) : 0;
      if (n > c->n || n - tot > c->n - scored ||
          (tot && (!c->h || !hist_within(&e->h, &c->h[0]))))
        BAD("a pair counts more than one of its themes");
    }
    if (neg > a->all.cells[y].neg || pos > a->all.cells[y].pos || aneg > a->all.cells[x].neg ||
        apos > a->all.cells[x].pos)
      BAD("a brand pair counts more mentions than its theme");
  }
  if (peek_is(&L->c, plural)) {
    next_line(&L->c);
    if (strcmp(L->c.buf + strlen(plural), " unknown") != 0 || old || p->used)
      BAD(pair_words[kind].bad_lines);
    p->unknown = true;
  }
  return VB_OK;
}

/* A side of a "switch" line: a brand's theme index, or "-" (AGG_NO_BRAND). */
static bool parse_side(const vb_agg *a, const char **s, uint32_t *out) {
  const char *p = *s;
  while (*p == ' ') p++;
  if (*p == '-' && (p[1] == ' ' || !p[1])) {
    *s = p + 1;
    *out = AGG_NO_BRAND;
    return true;
  }
  uint64_t t;
  const vb__theme *th = a->model->themes;
  if (!parse_u64(s, &t) || t >= a->n_themes || !th[t].brand || th[t].parent < 0) return false;
  *out = (uint32_t)t;
  return true;
}

/* The "switch" and "wq" lines of put_switches(), or "switches unknown". A switch names a brand
 * on at least one side and two different ones, is said by no more records than name each brand
 * (nor more unscored ones), with scores among theirs; a brand has quotes of a side exactly when
 * it has switches of that side. */
static int load_switches(loader *L, bool old) {
  vb_agg *a = L->a;
  const char *what = "bad 'switch' line", *s;
  uint64_t last = 0, key;
  bool first = true;
  while (!old && peek_is(&L->c, "switch")) {
    next_line(&L->c);
    s = L->c.buf + 6;
    uint32_t f, t;
    uint64_t n, tot;
    if (!parse_side(a, &s, &f) || !parse_side(a, &s, &t) || !parse_u64(&s, &n) || n == 0 ||
        f == t)
      BAD(what);
    key = (uint64_t)(f == AGG_NO_BRAND ? a->n_themes : f) * (a->n_themes + 1) +
          (t == AGG_NO_BRAND ? a->n_themes : t);
    if (!first && key <= last) BAD(what);
    first = false;
    last = key;
    agg_pair *e = vb__agg_pair(&a->sw, f, t);
    if (!e) return VB_ENOMEM;
    e->n = n;
    TRY(parse_hist(&s, &e->h, &tot));
    if (!at_end(s) || tot > n || (a->n_scores == 0 && tot)) BAD(what);
    for (int side = 0; side < 2; side++) {
      uint32_t b = side ? t : f;
      if (b == AGG_NO_BRAND) continue;
      const agg_cell *c = &a->all.cells[b];
      uint64_t scored = c->h && a->n_scores ? vb__hist_n(&c->h[0]) : 0;
      if (n > c->n || n - tot > c->n - scored ||
          (tot && (!c->h || !hist_within(&e->h, &c->h[0]))))
        BAD("a switch counts more records than name its brand");
    }
  }
  if (peek_is(&L->c, "switches")) {
    next_line(&L->c);
    if (strcmp(L->c.buf + 8, " unknown") != 0 || old || a->sw.used) BAD("bad 'switches' line");
    a->sw.unknown = true;
  }
  int rc;
  while (peek_is(&L->c, "wq")) {
    next_line(&L->c);
    if (a->sw.unknown || a->n_themes == 0) BAD("a quote of switches not counted");
    if ((rc = load_quote(L, L->c.buf + 3, a->sq, 2, a->n_themes - 1, false))) return rc;
  }
  for (size_t b = 0; !a->sw.unknown && b < a->n_themes; b++) {
    bool side[2] = {false, false};
    for (size_t i = 0; i < a->sw.cap; i++) {
      const agg_pair *e = &a->sw.slot[i];
      side[0] |= e->n && e->a == b;
      side[1] |= e->n && e->b == b;
    }
    if (side[0] != (a->sq[2 * b].n > 0) || side[1] != (a->sq[2 * b + 1].n > 0))
      BAD("the quotes of a brand's switches do not match its switches");
  }
  return VB_OK;
}

static int load_body(loader *L) {
  vb_agg *a = L->a;
  const vb_model *model = a->model;
  const char *s, *what = "bad line";
  uint64_t n;
  /* header */
  bool v3 = false, v4 = false, v5 = false, v6 = false, v7 = false;
  if (!next_line(&L->c) || (strcmp(L->c.buf, STATE_HEADER) != 0 &&
                            !(v7 = strcmp(L->c.buf, STATE_HEADER_7) == 0) &&
                            !(v6 = strcmp(L->c.buf, STATE_HEADER_6) == 0) &&
                            !(v5 = strcmp(L->c.buf, STATE_HEADER_5) == 0) &&
                            !(v4 = strcmp(L->c.buf, STATE_HEADER_4) == 0) &&
                            !(v3 = strcmp(L->c.buf, STATE_HEADER_3) == 0))) {
    const char *h = L->c.buf ? L->c.buf : "";
    if (strcmp(h, "verbatim-state 1") == 0 || strcmp(h, "verbatim-state 2") == 0)
      BAD("a state file of an older verbatim (format version 1 or 2; this one reads versions 3 "
          "to 8): make it again with this verbatim");
    if (strncmp(h, "verbatim-state ", 15) == 0)
      BAD("a state of another version of verbatim (this one reads versions 3 to 8): make it "
          "again");
    BAD("not a verbatim state file (version 3 to 8)");
  }
  /* states before version 5 did not count the themes mentioned together, before version 6
   * the themes mentioned with each brand, before version 7 the brands named together, before
   * version 8 the switches between brands */
  a->pairs.unknown = v3 || v4;
  bool brands = false;
  for (size_t i = 0; i < model->n_themes && !brands; i++) brands = model->themes[i].brand;
  a->bpairs.unknown = (v3 || v4 || v5) && brands;
  a->bbpairs.unknown = (v3 || v4 || v5 || v6) && brands;
  a->sw.unknown = (v3 || v4 || v5 || v6 || v7) && brands;
  if (!next_line(&L->c) || strncmp(L->c.buf, "themes ", 7) != 0 ||
      !(s = L->c.buf + 7, parse_u64(&s, &n)) || !at_end(s))
    BAD("expected 'themes N'");
  if (n != model->n_themes) {
    vb__error_set(L->err, VB_EMISMATCH, NULL, L->c.line, 0,
                  "the state has %" PRIu64 " themes, the codebook in use has %zu: made with "
                  "another codebook", n, model->n_themes);
    return VB_EMISMATCH;
  }
  for (size_t i = 0; i < model->n_themes; i++) {
    if (!next_line(&L->c) || strncmp(L->c.buf, "theme ", 6) != 0) BAD("expected 'theme ID'");
    if (strcmp(L->c.buf + 6, model->themes[i].id) != 0) {
      vb__error_set(L->err, VB_EMISMATCH, NULL, L->c.line, 0,
                    "theme '%.100s' where the codebook in use has '%s': made with another "
                    "codebook", L->c.buf + 6, model->themes[i].id);
      return VB_EMISMATCH;
    }
  }
  if (!next_line(&L->c) || strncmp(L->c.buf, "scores ", 7) != 0 ||
      !(s = L->c.buf + 7, parse_u64(&s, &n)) || !at_end(s) || n > VB_AGG_MAX_SCORES)
    BAD("expected 'scores N'");
  a->n_scores = (size_t)n;
  for (size_t i = 0; i < a->n_scores; i++) {
    if (!next_line(&L->c) || strncmp(L->c.buf, "score ", 6) != 0) BAD("expected 'score TYPE =NAME'");
    char *sp = strchr(L->c.buf + 6, ' ');
    if (!sp) BAD("expected 'score TYPE =NAME'");
    *sp = '\0';
    if (vb_score_type_parse(L->c.buf + 6, &a->type[i]) || a->type[i] == VB_SCORE_NONE)
      BAD("unknown score type");
    s = sp + 1;
    what = "bad score name";
    TRY(parse_str(&s, NAME_MAX_BYTES, &a->score_name[i], NULL));
    if (!at_end(s)) BAD("bad 'score' line");
    if (a->score_name[i][0] == '\0') {
      vb__free(a->score_name[i]);
      a->score_name[i] = NULL;
    }
  }
  if (!next_line(&L->c) || strncmp(L->c.buf, "by ", 3) != 0) BAD("expected 'by'");
  s = L->c.buf + 3;
  if (strcmp(s, "-") != 0) {
    what = "bad 'by' line";
    TRY(parse_str(&s, NAME_MAX_BYTES, &a->by, NULL));
    if (!at_end(s)) BAD("bad 'by' line");
  }
  if (!next_line(&L->c) || strncmp(L->c.buf, "date ", 5) != 0) BAD("expected 'date'");
  s = L->c.buf + 5;
  if (strcmp(s, "-") != 0) {
    char *sp = strchr(L->c.buf + 5, ' ');
    if (!sp) BAD("bad 'date' line");
    *sp = '\0';
    if (vb_period_parse(L->c.buf + 5, &a->period)) BAD("unknown period");
    s = sp + 1;
    what = "bad 'date' line";
    TRY(parse_str(&s, NAME_MAX_BYTES, &a->date, NULL));
    if (!at_end(s)) BAD("bad 'date' line");
  }
  if (!next_line(&L->c) || strncmp(L->c.buf, "drivers ", 8) != 0) BAD("expected 'drivers'");
  s = L->c.buf + 8;
  if (strcmp(s, "-") != 0) {
    if (!parse_u64(&s, &n) || n > VB_AGG_MAX_DRIVERS || a->n_scores == 0) BAD("bad 'drivers' line");
    a->drivers = 1;
    a->n_drivers = (size_t)n;
    for (size_t d = 0; d < a->n_drivers; d++) {
      what = "bad driver name";
      TRY(parse_str(&s, NAME_MAX_BYTES, &a->driver_name[d], NULL));
    }
    if (!at_end(s)) BAD("bad 'drivers' line");
    size_t nt = a->n_themes ? a->n_themes : 1;
    a->drv = vb__calloc(1, sizeof *a->drv);
    if (!a->drv) return VB_ENOMEM;
    a->drv->tc = vb__calloc(nt, sizeof *a->drv->tc);
    a->drv->ty = vb__calloc(nt, sizeof *a->drv->ty);
    a->drv->tt = vb__calloc(nt * nt, sizeof *a->drv->tt);
    a->drv->sxt = vb__calloc(nt * (a->n_drivers ? a->n_drivers : 1), sizeof *a->drv->sxt);
    if (!a->drv->tc || !a->drv->ty || !a->drv->tt || !a->drv->sxt) return VB_ENOMEM;
  }
  if (!v3) {
    if (!next_line(&L->c) || strncmp(L->c.buf, "questions ", 10) != 0)
      BAD("expected 'questions'");
    s = L->c.buf + 10;
    if (strcmp(s, "-") != 0) {
      char *names[VB_AGG_MAX_QUESTIONS] = {0};
      int rc = VB_OK;
      if (!parse_u64(&s, &n) || n < 2 || n > VB_AGG_MAX_QUESTIONS) BAD("bad 'questions' line");
      for (size_t q = 0; rc == VB_OK && q < n; q++)
        rc = parse_str(&s, NAME_MAX_BYTES, &names[q], NULL);
      if (rc == VB_OK && !at_end(s)) rc = VB_EPARSE;
      if (rc == VB_OK) rc = vb__agg_questions(a, (size_t)n, (const char *const *)names);
      for (size_t q = 0; q < n; q++) vb__free(names[q]);
      if (rc == VB_ENOMEM) return rc;
      if (rc) BAD("bad 'questions' line");
    }
  }
  /* groups */
  if (!next_line(&L->c) || strcmp(L->c.buf, "group all") != 0) BAD("expected 'group all'");
  int rc = load_group(L, &a->all, false);
  if (rc) return rc;
  size_t n_ques_read = 0;
  while (peek_is(&L->c, "group")) {
    next_line(&L->c);
    if (strncmp(L->c.buf, "group seg ", 10) == 0) {
      if (!a->by || a->n_pers || n_ques_read) BAD("a segment where the state has none");
      s = L->c.buf + 10;
      char *name;
      size_t len;
      what = "bad segment name";
      TRY(parse_str(&s, 200, &name, &len));
      if (!at_end(s) || len == 0) {
        vb__free(name);
        BAD("bad segment line");
      }
      agg_group *prev = a->n_segs ? &a->segs[a->n_segs - 1] : NULL;
      bool ordered = !prev || memcmp(prev->name, name, prev->name_len < len ? prev->name_len : len) < 0 ||
                     (memcmp(prev->name, name, prev->name_len < len ? prev->name_len : len) == 0 &&
                      prev->name_len < len);
      size_t before = a->n_segs;
      agg_group *g = ordered ? vb__agg_segment(a, name, len, 1) : NULL;
      vb__free(name);
      if (!ordered) BAD("segments out of order");
      if (!g) return a->n_segs >= VB_AGG_MAX_SEGMENTS ? (L->why = "too many segments", VB_EPARSE) : VB_ENOMEM;
      if (a->n_segs == before) BAD("segments out of order");
      if ((rc = load_group(L, g, false))) return rc;
    } else if (strncmp(L->c.buf, "group period ", 13) == 0) {
      if (!a->date || n_ques_read) BAD("a period where the state has none");
      s = L->c.buf + 13;
      int64_t key;
      if (!parse_i64(&s, &key) || !at_end(s) || key < -100000000 || key > 100000000 ||
          (a->n_pers && key <= a->pers[a->n_pers - 1].key))
        BAD("bad period line");
      if (vb_period_key(a->period, (long)key) != (long)key && a->period != VB_PERIOD_MONTH &&
          a->period != VB_PERIOD_QUARTER)
        BAD("not the key of a period");
      if (a->period == VB_PERIOD_MONTH && (key < 0 || key > 9999 * 12 + 11)) BAD("bad month");
      if (a->period == VB_PERIOD_QUARTER && (key < 0 || key > 9999 * 4 + 3)) BAD("bad quarter");
      agg_group *g = vb__agg_period(a, (long)key, 1);
      if (!g) return a->n_pers >= VB_AGG_MAX_PERIODS ? (L->why = "too many periods", VB_EPARSE) : VB_ENOMEM;
      if ((rc = load_group(L, g, true))) return rc;
    } else if (strncmp(L->c.buf, "group question ", 15) == 0) {
      s = L->c.buf + 15;
      if (!parse_u64(&s, &n) || !at_end(s) || n != n_ques_read || n >= a->n_ques)
        BAD("bad question line");
      if ((rc = load_group(L, &a->ques[n_ques_read++], false))) return rc;
    } else {
      BAD("bad 'group' line");
    }
  }
  if (n_ques_read != a->n_ques) BAD("a question without its group");
  /* an answer's themes are among its record's (its sentiment is its own) */
  for (size_t q = 0; q < a->n_ques; q++)
    if (!group_within(a, &a->ques[q], &a->all, false, false) || a->ques[q].errors)
      BAD("a question's answers are not among the records");
  /* groups must add up */
  if (a->by || a->date) {
    agg_group sum;
    vb__agg_group_init(a, &sum);
    bool ok = true;
    if (a->by) {
      for (size_t i = 0; ok && i < a->n_segs; i++)
        if (vb__agg_group_merge(a, &sum, &a->segs[i])) ok = false, rc = VB_ENOMEM;
      if (ok && !group_within(a, &sum, &a->all, true, true))
        ok = false, L->why = "segments do not add up to all records";
    }
    vb__agg_group_free(a, &sum);
    vb__agg_group_init(a, &sum);
    if (ok && a->date) {
      for (size_t i = 0; ok && i < a->n_pers; i++)
        if (vb__agg_group_merge(a, &sum, &a->pers[i])) ok = false, rc = VB_ENOMEM;
      if (ok && !group_within(a, &sum, &a->all, false, true))
        ok = false, L->why = "periods hold more than all records";
    }
    if (ok && a->date) {
      if (!next_line(&L->c) || strncmp(L->c.buf, "undated ", 8) != 0 ||
          !(s = L->c.buf + 8, parse_u64(&s, &a->undated)) || !at_end(s) ||
          a->undated > a->all.records || sum.records + a->undated != a->all.records)
        ok = false, L->why = "bad 'undated' line";
      else if (a->undated == 0 && !group_within(a, &sum, &a->all, true, true))
        ok = false, L->why = "periods do not add up to all records";
    }
    vb__agg_group_free(a, &sum);
    if (!ok) return rc ? rc : VB_EPARSE;
  }
  /* first-score histograms of negative / positive mentioners */
  long last_n = -1, last_p = -1;
  while (peek_is(&L->c, "tn") || peek_is(&L->c, "tp")) {
    next_line(&L->c);
    bool neg = L->c.buf[1] == 'n';
    s = L->c.buf + 3;
    uint64_t idx, tot;
    long *last = neg ? &last_n : &last_p;
    if (!parse_u64(&s, &idx) || idx >= a->n_themes || (long)idx <= *last || a->n_scores == 0)
      BAD("bad 'tn'/'tp' line");
    *last = (long)idx;
    vb__hist *h = neg ? &a->neg_h[idx] : &a->pos_h[idx];
    what = "bad 'tn'/'tp' histogram";
    TRY(parse_hist(&s, h, &tot));
    const agg_cell *c = &a->all.cells[idx];
    if (!at_end(s) || h->n == 0 || tot > (neg ? c->neg : c->pos) || !c->h ||
        !hist_within(h, &c->h[0]))
      BAD("bad 'tn'/'tp' line");
  }
  if (a->n_scores) {
    vb__hist sum = {0};
    for (int k = 0; k < 3; k++) {
      uint64_t idx, tot;
      if (!next_line(&L->c) || strncmp(L->c.buf, "doc ", 4) != 0 ||
          !(s = L->c.buf + 4, parse_u64(&s, &idx)) || idx != (uint64_t)k) {
        vb__hist_free(&sum);
        BAD("expected 'doc'");
      }
      rc = parse_hist(&s, &a->doc_h[k], &tot);
      if (rc == VB_OK && (!at_end(s) || tot > a->all.sent[k])) rc = VB_EPARSE;
      if (rc == VB_OK) rc = vb__hist_merge(&sum, &a->doc_h[k]);
      if (rc) {
        vb__hist_free(&sum);
        if (rc == VB_EPARSE) L->why = "bad 'doc' line";
        return rc;
      }
    }
    bool eq = hist_equal(&sum, &a->all.hist[0]);
    vb__hist_free(&sum);
    if (!eq) BAD("'doc' lines do not add up to the scores");
  }
  /* quotes */
  while (peek_is(&L->c, "q")) {
    next_line(&L->c);
    if ((rc = load_quote(L, L->c.buf + 2, a->tq, 2, a->n_themes ? a->n_themes - 1 : 0, false)))
      return rc;
    if (a->n_themes == 0) BAD("a quote without themes");
  }
  for (size_t t = 0; t < a->n_themes; t++)
    if ((a->tq[2 * t].n && !a->all.cells[t].neg) || (a->tq[2 * t + 1].n && !a->all.cells[t].pos))
      BAD("a quote of a theme without such mentions");
  while (peek_is(&L->c, "v")) {
    next_line(&L->c);
    if (a->n_scores == 0) BAD("a quote without scores");
    if ((rc = load_quote(L, L->c.buf + 2, &a->vq[0][0], 2, 10, true))) return rc;
  }
  /* key drivers */
  if (a->drv) {
    agg_drv *d = a->drv;
    size_t T = a->n_themes;
    if (!next_line(&L->c) || strncmp(L->c.buf, "drv ", 4) != 0) BAD("expected 'drv'");
    s = L->c.buf + 4;
    if (!parse_u64(&s, &d->n) || d->n > a->all.analysed - a->all.missing[0] ||
        !vb__i128_parse(&s, &d->sy) || !vb__i128_parse(&s, &d->syy) || !at_end(s) ||
        d->syy.hi < 0)
      BAD("bad 'drv' line");
    long last = -1;
    while (peek_is(&L->c, "dt")) {
      next_line(&L->c);
      s = L->c.buf + 3;
      uint64_t idx, tc;
      if (!parse_u64(&s, &idx) || idx >= T || (long)idx <= last || !parse_u64(&s, &tc) ||
          tc == 0 || tc > d->n || tc > a->all.cells[idx].n || !vb__i128_parse(&s, &d->ty[idx]) ||
          !at_end(s))
        BAD("bad 'dt' line");
      last = (long)idx;
      d->tc[idx] = tc;
    }
    long lastp = -1;
    while (peek_is(&L->c, "dtt")) {
      next_line(&L->c);
      s = L->c.buf + 4;
      uint64_t i, j, c;
      if (!parse_u64(&s, &i) || !parse_u64(&s, &j) || !parse_u64(&s, &c) || !at_end(s) || i >= j ||
          j >= T || c == 0 || c > d->tc[i] || c > d->tc[j] || (long)(i * T + j) <= lastp)
        BAD("bad 'dtt' line");
      lastp = (long)(i * T + j);
      d->tt[i * T + j] = c;
    }
    for (size_t j = 0; j < a->n_drivers; j++) {
      uint64_t idx;
      if (!next_line(&L->c) || strncmp(L->c.buf, "dx ", 3) != 0 ||
          !(s = L->c.buf + 3, parse_u64(&s, &idx)) || idx != j ||
          !vb__i128_parse(&s, &d->sx[j]) || !vb__i128_parse(&s, &d->sxy[j]))
        BAD("bad 'dx' line");
      for (size_t i = 0; i < a->n_drivers; i++)
        if (!vb__i128_parse(&s, &d->sxx[j * VB_AGG_MAX_DRIVERS + i])) BAD("bad 'dx' line");
      if (!at_end(s)) BAD("bad 'dx' line");
      long lt = -1;
      while (peek_is(&L->c, "dxt")) {
        next_line(&L->c);
        s = L->c.buf + 4;
        uint64_t jj, t;
        vb__i128 v;
        if (!parse_u64(&s, &jj) || jj != j || !parse_u64(&s, &t) || t >= T || (long)t <= lt ||
            !vb__i128_parse(&s, &v) || !at_end(s) || (!v.hi && !v.lo) || !d->tc[t])
          BAD("bad 'dxt' line");
        lt = (long)t;
        d->sxt[j * T + t] = v;
      }
    }
    for (size_t i = 0; i < a->n_drivers; i++)
      for (size_t j = 0; j < i; j++)
        if (vb__i128_cmp(d->sxx[i * VB_AGG_MAX_DRIVERS + j], d->sxx[j * VB_AGG_MAX_DRIVERS + i]))
          BAD("bad 'dx' lines: not symmetric");
  }
  if ((rc = load_pairs(L, &a->pairs, PAIR_TOPICS, v3 || v4)) ||
      (rc = load_pairs(L, &a->bpairs, PAIR_BRAND_TOPIC, v3 || v4 || v5)) ||
      (rc = load_pairs(L, &a->bbpairs, PAIR_BRANDS, v3 || v4 || v5 || v6)) ||
      (rc = load_switches(L, v3 || v4 || v5 || v6 || v7)))
    return rc;
  if (!next_line(&L->c) || strcmp(L->c.buf, "end") != 0) BAD("expected 'end'");
  if (L->c.p < L->c.end) BAD("text after 'end'");
  return VB_OK;
}

int vb_agg_load(const vb_model *model, const char *buf, size_t len, vb_agg **out,
                vb_error *err) {
  if (!model || !buf || !out) return VB_EINVAL;
  *out = NULL;
  loader L = {{buf, buf + len, 0, NULL, 0, false}, NULL, err, NULL};
  vb_agg_options o = {0};
  int rc = vb_agg_new_with(model, &o, &L.a);
  if (rc == VB_OK) rc = load_body(&L);
  if (L.c.oom) rc = VB_ENOMEM;
  vb__free(L.c.buf);
  if (rc == VB_OK) {
    *out = L.a;
    return VB_OK;
  }
  vb_agg_free(L.a);
  if (err && err->code == 0)
    vb__error_set(err, rc, NULL, L.c.line, 0, "%s", L.why && rc == VB_EPARSE ? L.why : vb_strerror(rc));
  return rc;
}
