/*
 * discover.c - recurring phrases nobody has coded yet: n-grams of 1 to 4 words over stems,
 * counted per record, ranked by support or by keyness between two groups of records, with
 * near-duplicates merged, example quotes and the codebook's coverage.
 *
 * Candidates. Within a clause, a run of word and number tokens (punctuation, emoji, mentions,
 * URLs ... end a run) gives every n-gram of 1..max_words tokens whose first and last tokens are
 * words that are not stopwords (lexicons/LANG/stopwords.txt; "!word" entries such as "not" may
 * stand at an edge but a phrase needs one ordinary content word). Phrases are keyed by the
 * language and the stems, so "delayed flights" and "flight delayed" differ but "flight
 * delayed" and "flights delayed" do not. Support counts records, not occurrences.
 *
 * Memory. The table holds at most max_entries phrases. When it is full, the phrases of lowest
 * support are dropped: the smallest support s such that dropping every phrase with support
 * <= s frees at least half the table. A phrase seen again later starts from zero and carries
 * `delta` = the largest s dropped so far, the most it can have lost (as in Manku and Motwani's
 * lossy counting); phrases with delta 0 are exact. Pruning depends only on the input and its
 * order, so the output stays deterministic.
 *
 * Keyness. With two groups (focus F records, reference R records; records in neither count
 * for support only), a phrase in a of the focus and b of the reference records gets the 2x2
 * log-likelihood G2 = 2 sum O ln(O/E) over (a, F-a, b, R-b) with Williams's correction, its p
 * from the chi-square distribution with one degree of freedom, and the log ratio
 * log2((a/F) / (b/R)) (a zero count taken as 0.5) as effect size. Ranking by keyness sorts by
 * G2 signed by the direction of the log ratio: phrases typical of the focus group first.
 *
 * Near-duplicates. A phrase contained in a longer candidate whose support is at least
 * merge_ratio of its own (0.9 by default: "bag" inside "lost bag" when nearly every "bag" is a
 * lost one) is merged into the longer phrase and listed with it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "vb_embed.h"
#include "vb_text.h"

#define DISCOVER_MAX_WORDS 4
#define EXAMPLE_MAX 240 /* bytes of a quote around the phrase */
#define MAX_FORMS 8
#define MAX_THEMES 8

typedef struct ngram {
  uint32_t support, focus, reference, delta;
  uint32_t last; /* the last record (1-based) that counted it */
  uint8_t n_words, lang;
} ngram;

typedef struct sel { /* a ranked phrase, with what pass 2 gathers */
  uint32_t entry;
  vb_phrase out;
  uint32_t last;
  size_t seen;  /* records holding it in pass 2 */
  size_t forms_n;
  char *forms[MAX_FORMS];
  size_t form_count[MAX_FORMS];
  long themes[MAX_THEMES];
  size_t theme_count[MAX_THEMES];
  size_t n_themes;
  char *examples[16], *example_ids[16];
  size_t n_ex;
  char *backup[16], *backup_ids[16]; /* quotes from outside the focus group */
  size_t n_backup;
  vb__buf merged;
  char *text, *stems;
} sel;

struct vb_discover {
  const vb_model *model;
  vb_discover_options o;
  vb__strmap stop[VB_LANG_COUNT]; /* key -> 1 stopword, 2 negation-like edge word */
  vb__norm norm;
  vb__strmap map;                 /* lang byte + stems -> entry */
  ngram *e;
  size_t n_e, cap_e;
  uint32_t record;                /* records added (pass 1) */
  size_t focus, reference;
  uint32_t max_dropped;
  size_t prunes;
  bool ranked;
  sel *sel;
  size_t n_sel;
  vb__strmap sel_map; /* key -> index into sel */
  uint32_t record2;
  vb__buf key; /* scratch */
  vb__buf tmp;
  vb_phrase *phrases;
};

/* ---- stopwords ---- */

static int load_stopwords(vb_discover *d, vb_lang lang, const char *data, size_t len) {
  size_t i = 0;
  while (i < len) {
    size_t j = i;
    while (j < len && data[j] != '\n') j++;
    const char *w = data + i;
    size_t n = j - i;
    i = j + 1;
    while (n && (w[n - 1] == '\r' || w[n - 1] == ' ' || w[n - 1] == '\t')) n--;
    while (n && (*w == ' ' || *w == '\t')) { w++; n--; }
    if (n == 0 || *w == '#') continue;
    uint32_t kind = 1;
    if (*w == '!') {
      kind = 2;
      w++;
      n--;
    }
    d->tmp.len = 0;
    if (vb__normalize(&d->norm, w, n, 0, &d->tmp)) return VB_ENOMEM;
    uint32_t *slot;
    bool found;
    if (vb__strmap_put(&d->stop[lang], d->tmp.data, d->tmp.len, kind, &found, &slot))
      return VB_ENOMEM;
    if (found) *slot = kind;
  }
  return VB_OK;
}

static int read_all(const char *path, vb__buf *b) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return VB_ENOTFOUND;
  char chunk[16384];
  size_t n;
  int rc = VB_OK;
  while (rc == VB_OK && (n = fread(chunk, 1, sizeof chunk, fp)) > 0)
    rc = vb__buf_append(b, chunk, n);
  if (ferror(fp)) rc = VB_EIO;
  fclose(fp);
  return rc;
}

/* ---- life cycle ---- */

int vb_discover_new(const vb_model *m, const vb_discover_options *o, vb_discover **out) {
  if (!m || !out) return VB_EINVAL;
  *out = NULL;
  vb_discover *d = vb__calloc(1, sizeof *d);
  if (!d) return VB_ENOMEM;
  d->model = m;
  if (o) d->o = *o;
  if (d->o.max_words == 0 || d->o.max_words > DISCOVER_MAX_WORDS) d->o.max_words = DISCOVER_MAX_WORDS;
  if (d->o.max_entries == 0) d->o.max_entries = 200000;
  if (d->o.max_entries < 16) d->o.max_entries = 16;
  if (d->o.min_support == 0) d->o.min_support = 3;
  if (d->o.top == 0) d->o.top = 50;
  if (d->o.examples == 0) d->o.examples = 2;
  if (d->o.examples > 16) d->o.examples = 16;
  if (!(d->o.merge_ratio > 0)) d->o.merge_ratio = 0.9;
  int rc = VB_OK;
  static const char *const codes[] = {NULL, "en", "sv", "da", "he"};
  for (int l = VB_LANG_EN; rc == VB_OK && l < VB_LANG_COUNT; l++) {
    char rel[64];
    snprintf(rel, sizeof rel, "lexicons/%s/stopwords.txt", codes[l]);
    if (d->o.data_dir) {
      char path[1024];
      vb__buf b = {0};
      snprintf(path, sizeof path, "%s/%s", d->o.data_dir, rel);
      rc = read_all(path, &b);
      if (rc == VB_OK) rc = load_stopwords(d, (vb_lang)l, b.data ? b.data : "", b.len);
      else if (rc == VB_ENOTFOUND) rc = VB_OK;
      vb__buf_free(&b);
    } else {
      for (const vb__embedded_file *f = vb__embedded_files; f->path; f++)
        if (strcmp(f->path, rel) == 0) rc = load_stopwords(d, (vb_lang)l, (const char *)f->data, f->len);
    }
  }
  if (rc) {
    vb_discover_free(d);
    return rc;
  }
  *out = d;
  return VB_OK;
}

static void free_sel(sel *s) {
  for (size_t k = 0; k < s->forms_n; k++) vb__free(s->forms[k]);
  for (size_t k = 0; k < s->n_ex; k++) {
    vb__free(s->examples[k]);
    vb__free(s->example_ids[k]);
  }
  for (size_t k = 0; k < s->n_backup; k++) {
    vb__free(s->backup[k]);
    vb__free(s->backup_ids[k]);
  }
  vb__buf_free(&s->merged);
  vb__free(s->text);
  vb__free(s->stems);
}

void vb_discover_free(vb_discover *d) {
  if (!d) return;
  for (int l = 0; l < VB_LANG_COUNT; l++) vb__strmap_free(&d->stop[l]);
  vb__norm_free(&d->norm);
  vb__strmap_free(&d->map);
  vb__free(d->e);
  for (size_t i = 0; i < d->n_sel; i++) free_sel(&d->sel[i]);
  vb__free(d->sel);
  vb__strmap_free(&d->sel_map);
  vb__buf_free(&d->key);
  vb__buf_free(&d->tmp);
  vb__free(d->phrases);
  vb__free(d);
}

/* ---- candidates of one record ---- */

/* 0 content word, 1 stopword, 2 negation-like edge word, 3 not a word (number) */
static int word_kind(const vb_discover *d, vb_lang lang, const vb_token *t) {
  if (t->type != VB_TOK_WORD) return 3;
  uint32_t k;
  if (vb__strmap_get(&d->stop[lang], t->key, t->key_len, &k)) return (int)k;
  return 0;
}

typedef int (*phrase_fn)(vb_discover *d, const vb_result *r, const vb_token *t, size_t i,
                         size_t j, void *ctx);

/* Calls fn for every candidate n-gram [i, j] of the record, with its key in d->key. */
static int each_phrase(vb_discover *d, const vb_result *r, phrase_fn fn, void *ctx) {
  const vb_token *t;
  size_t n = vb_result_tokens(r, &t);
  vb_lang lang = vb_result_lang(r);
  if (lang <= VB_LANG_UND || lang >= VB_LANG_COUNT) return VB_OK;
  for (size_t i = 0; i < n; i++) {
    int k0 = word_kind(d, lang, &t[i]);
    if (k0 == 1 || k0 == 3) continue;
    bool content = k0 == 0;
    for (size_t j = i; j < n && j - i < d->o.max_words; j++) {
      if (t[j].type != VB_TOK_WORD && t[j].type != VB_TOK_NUMBER) break;
      if (t[j].clause != t[i].clause) break;
      int kj = j == i ? k0 : word_kind(d, lang, &t[j]);
      if (kj == 0) content = true;
      if (kj == 1 || kj == 3 || !content) continue;
      d->key.len = 0;
      if (vb__buf_putc(&d->key, (char)('0' + lang))) return VB_ENOMEM;
      for (size_t q = i; q <= j; q++) {
        if (vb__buf_putc(&d->key, ' ')) return VB_ENOMEM;
        if (vb__buf_append(&d->key, t[q].stem, t[q].stem_len)) return VB_ENOMEM;
      }
      int rc = fn(d, r, t, i, j, ctx);
      if (rc) return rc;
    }
  }
  return VB_OK;
}

/* Drops the phrases of lowest support (see the top of the file) by rebuilding the table. */
static int prune(vb_discover *d) {
  size_t cap = 64;
  size_t *hist = vb__calloc(cap + 1, sizeof *hist);
  if (!hist) return VB_ENOMEM;
  for (size_t i = 0; i < d->n_e; i++) hist[d->e[i].support < cap ? d->e[i].support : cap]++;
  size_t drop = 0, s = 0;
  while (drop < d->n_e / 2 && s < cap) drop += hist[++s];
  vb__free(hist);
  vb__strmap nm;
  vb__strmap_init(&nm);
  size_t w = 0;
  int rc = VB_OK;
  for (size_t i = 0; i < d->n_e && rc == VB_OK; i++) {
    if (d->e[i].support <= s) continue;
    size_t kl;
    const char *k = vb__strmap_key(&d->map, i, &kl);
    rc = vb__strmap_put(&nm, k, kl, (uint32_t)w, NULL, NULL);
    d->e[w++] = d->e[i];
  }
  if (rc) {
    vb__strmap_free(&nm);
    return rc;
  }
  vb__strmap_free(&d->map);
  d->map = nm;
  d->n_e = w;
  if (s > d->max_dropped) d->max_dropped = (uint32_t)s;
  d->prunes++;
  return VB_OK;
}

static int count_phrase(vb_discover *d, const vb_result *r, const vb_token *t, size_t i,
                        size_t j, void *ctx) {
  (void)r;
  (void)t;
  int group = *(const int *)ctx;
  uint32_t idx;
  if (!vb__strmap_get(&d->map, d->key.data, d->key.len, &idx)) {
    if (d->n_e >= d->o.max_entries) {
      int rc = prune(d);
      if (rc) return rc;
    }
    if (vb__grow(&d->e, &d->cap_e, d->n_e + 1, sizeof *d->e)) return VB_ENOMEM;
    idx = (uint32_t)d->n_e;
    if (vb__strmap_put(&d->map, d->key.data, d->key.len, idx, NULL, NULL)) return VB_ENOMEM;
    d->e[idx] = (ngram){0, 0, 0, d->max_dropped, 0, (uint8_t)(j - i + 1),
                        (uint8_t)(d->key.data[0] - '0')};
    d->n_e++;
  }
  ngram *g = &d->e[idx];
  if (g->last == d->record) return VB_OK; /* once per record */
  g->last = d->record;
  g->support++;
  if (group == VB_GROUP_FOCUS) g->focus++;
  else if (group == VB_GROUP_REFERENCE) g->reference++;
  return VB_OK;
}

int vb_discover_add(vb_discover *d, const vb_result *r, int group) {
  if (!d || !r || d->ranked) return VB_EINVAL;
  d->record++;
  if (group == VB_GROUP_FOCUS) d->focus++;
  else if (group == VB_GROUP_REFERENCE) d->reference++;
  return each_phrase(d, r, count_phrase, &group);
}

/* ---- ranking ---- */

static double xlnx(double o, double e) { return o > 0 ? o * log(o / e) : 0; }

static void keyness(const vb_discover *d, const ngram *g, vb_phrase *p) {
  double F = (double)d->focus, R = (double)d->reference;
  if (F <= 0 || R <= 0) {
    p->g2 = p->p = p->log_ratio = NAN;
    return;
  }
  double a = g->focus, b = g->reference, c = F - a, dd = R - b, N = F + R;
  double ab = a + b, cd = c + dd;
  double g2 = 0;
  if (ab > 0 && cd > 0) {
    g2 = 2 * (xlnx(a, ab * F / N) + xlnx(b, ab * R / N) + xlnx(c, cd * F / N) +
              xlnx(dd, cd * R / N));
    double q = 1 + (N / ab + N / cd - 1) * (N / F + N / R - 1) / (6 * N);
    g2 /= q;
    if (g2 < 0) g2 = 0;
  }
  p->g2 = g2;
  p->p = erfc(sqrt(g2 / 2));
  p->log_ratio = log2(((a > 0 ? a : 0.5) / F) / ((b > 0 ? b : 0.5) / R));
}

typedef struct cand {
  uint32_t entry;
  double score;
  long merged_into; /* index into the candidates, or -1 */
} cand;

static const vb_discover *g_sort_d; /* qsort has no context argument in C11 */

static int key_cmp(const vb_discover *d, uint32_t a, uint32_t b) {
  size_t la, lb;
  const char *ka = vb__strmap_key(&d->map, a, &la), *kb = vb__strmap_key(&d->map, b, &lb);
  size_t n = la < lb ? la : lb;
  int c = memcmp(ka, kb, n);
  return c ? c : (la < lb ? -1 : la > lb);
}

static int by_score(const void *x, const void *y) {
  const cand *a = x, *b = y;
  const vb_discover *d = g_sort_d;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  if (d->e[a->entry].support != d->e[b->entry].support)
    return d->e[a->entry].support > d->e[b->entry].support ? -1 : 1;
  if (d->e[a->entry].n_words != d->e[b->entry].n_words)
    return d->e[a->entry].n_words > d->e[b->entry].n_words ? -1 : 1;
  return key_cmp(d, a->entry, b->entry);
}

static int by_length(const void *x, const void *y) {
  const cand *a = x, *b = y;
  const vb_discover *d = g_sort_d;
  if (d->e[a->entry].n_words != d->e[b->entry].n_words)
    return d->e[a->entry].n_words > d->e[b->entry].n_words ? -1 : 1;
  if (d->e[a->entry].support != d->e[b->entry].support)
    return d->e[a->entry].support > d->e[b->entry].support ? -1 : 1;
  return key_cmp(d, a->entry, b->entry);
}

static bool use_keyness(const vb_discover *d) {
  if (d->o.sort == VB_DISCOVER_BY_SUPPORT) return false;
  if (d->o.sort == VB_DISCOVER_BY_KEYNESS) return true;
  return d->focus > 0 && d->reference > 0;
}

int vb_discover_rank(vb_discover *d) {
  if (!d || d->ranked) return VB_EINVAL;
  d->ranked = true;
  size_t n_c = 0;
  for (size_t i = 0; i < d->n_e; i++) n_c += d->e[i].support >= d->o.min_support;
  cand *c = vb__calloc(n_c ? n_c : 1, sizeof *c);
  uint32_t *cand_of = vb__malloc((d->n_e ? d->n_e : 1) * sizeof *cand_of);
  if (!c || !cand_of) {
    vb__free(c);
    vb__free(cand_of);
    return VB_ENOMEM;
  }
  bool key = use_keyness(d);
  size_t k = 0;
  for (size_t i = 0; i < d->n_e; i++) {
    if (d->e[i].support < d->o.min_support) continue;
    vb_phrase p;
    keyness(d, &d->e[i], &p);
    double sc = d->e[i].support;
    if (key) sc = isnan(p.g2) ? 0 : (p.log_ratio < 0 ? -p.g2 : p.g2);
    c[k++] = (cand){(uint32_t)i, sc, -1};
  }
  g_sort_d = d;
  /* near-duplicates: longest phrases first, each absorbs its sub-phrases of similar support */
  qsort(c, n_c, sizeof *c, by_length);
  for (size_t i = 0; i < d->n_e; i++) cand_of[i] = UINT32_MAX;
  for (size_t i = 0; i < n_c; i++) cand_of[c[i].entry] = (uint32_t)i;
  int rc = VB_OK;
  for (size_t i = 0; i < n_c && rc == VB_OK; i++) {
    const ngram *g = &d->e[c[i].entry];
    if (g->n_words < 2) continue;
    size_t kl;
    const char *kp = vb__strmap_key(&d->map, c[i].entry, &kl);
    /* the words of the key: "L stem stem stem" */
    const char *w[DISCOVER_MAX_WORDS + 1];
    size_t nw = 0;
    for (size_t q = 1; q < kl && nw < DISCOVER_MAX_WORDS; q++)
      if (kp[q] == ' ') w[nw++] = kp + q;
    w[nw] = kp + kl;
    long root = (long)i;
    while (c[root].merged_into >= 0) root = c[root].merged_into;
    for (size_t a = 0; a < nw; a++)
      for (size_t b = a + 1; b <= nw; b++) {
        if (a == 0 && b == nw) continue;
        d->tmp.len = 0;
        if (vb__buf_putc(&d->tmp, kp[0]) || vb__buf_append(&d->tmp, w[a], (size_t)(w[b] - w[a]))) {
          rc = VB_ENOMEM;
          break;
        }
        uint32_t sub;
        if (!vb__strmap_get(&d->map, d->tmp.data, d->tmp.len, &sub)) continue;
        uint32_t ci = cand_of[sub];
        if (ci == UINT32_MAX || c[ci].merged_into >= 0 || (long)ci == root) continue;
        if ((double)g->support >= d->o.merge_ratio * (double)d->e[sub].support)
          c[ci].merged_into = root;
      }
  }
  /* resolve chains, then rank what is left */
  for (size_t i = 0; i < n_c; i++) {
    long r = c[i].merged_into;
    while (r >= 0 && c[r].merged_into >= 0) r = c[r].merged_into;
    c[i].merged_into = r;
  }
  size_t n_keep = 0;
  for (size_t i = 0; i < n_c; i++) n_keep += c[i].merged_into < 0;
  cand *keep = vb__calloc(n_keep ? n_keep : 1, sizeof *keep);
  if (!keep) rc = VB_ENOMEM;
  size_t q = 0;
  for (size_t i = 0; rc == VB_OK && i < n_c; i++)
    if (c[i].merged_into < 0) {
      keep[q] = c[i];
      keep[q].merged_into = (long)i; /* remember the position in c */
      q++;
    }
  if (rc == VB_OK) qsort(keep, n_keep, sizeof *keep, by_score);
  size_t n_sel = n_keep < d->o.top ? n_keep : d->o.top;
  if (rc == VB_OK && n_sel) {
    d->sel = vb__calloc(n_sel, sizeof *d->sel);
    if (!d->sel) rc = VB_ENOMEM;
  }
  for (size_t s = 0; rc == VB_OK && s < n_sel; s++) {
    sel *se = &d->sel[s];
    d->n_sel++;
    se->entry = keep[s].entry;
    const ngram *g = &d->e[se->entry];
    size_t kl;
    const char *kp = vb__strmap_key(&d->map, se->entry, &kl);
    se->stems = vb__strndup(kp + 2, kl - 2);
    if (!se->stems) rc = VB_ENOMEM;
    if (rc == VB_OK && vb__strmap_put(&d->sel_map, kp, kl, (uint32_t)s, NULL, NULL)) rc = VB_ENOMEM;
    vb_phrase *p = &se->out;
    keyness(d, g, p);
    p->lang = (vb_lang)g->lang;
    p->n_words = g->n_words;
    p->support = g->support;
    p->focus = g->focus;
    p->reference = g->reference;
    p->exact = g->delta == 0;
    p->theme = -1;
    /* the phrases merged into it, by their stems (their surface forms are not kept) */
    size_t pos = (size_t)keep[s].merged_into;
    for (size_t i = 0; rc == VB_OK && i < n_c; i++) {
      if (c[i].merged_into != (long)pos || i == pos) continue;
      size_t ml;
      const char *mk = vb__strmap_key(&d->map, c[i].entry, &ml);
      if ((se->merged.len && vb__buf_append(&se->merged, "; ", 2)) ||
          vb__buf_append(&se->merged, mk + 2, ml - 2))
        rc = VB_ENOMEM;
    }
    if (rc == VB_OK && vb__buf_append(&se->merged, "", 0)) rc = VB_ENOMEM;
  }
  vb__free(keep);
  vb__free(c);
  vb__free(cand_of);
  return rc;
}

/* ---- pass 2: quotes, surface forms, coverage ---- */

typedef struct ex_ctx {
  int group;
  const char *id;
  size_t id_len;
} ex_ctx;

/* A quote: the sentence holding the phrase, cut to EXAMPLE_MAX bytes around it at character
 * boundaries, "..." where cut. */
static char *make_quote(const vb_result *r, size_t start, size_t end) {
  size_t tl;
  const char *text = vb_result_text(r, &tl);
  const vb_span *sp;
  size_t ns = vb_result_sentences(r, &sp);
  size_t a = 0, b = tl;
  for (size_t s = 0; s < ns; s++)
    if (sp[s].start <= start && end <= sp[s].end) {
      a = sp[s].start;
      b = sp[s].end;
    }
  bool cut_a = false, cut_b = false;
  if (b - a > EXAMPLE_MAX) {
    size_t room = EXAMPLE_MAX > end - start ? (EXAMPLE_MAX - (end - start)) / 2 : 0;
    if (start - a > room) { a = start - room; cut_a = true; }
    if (b - end > room) { b = end + room; cut_b = true; }
    while (a < start && ((unsigned char)text[a] & 0xC0) == 0x80) a++;
    while (b > end && b < tl && ((unsigned char)text[b] & 0xC0) == 0x80) b--;
  }
  while (a < b && (text[a] == ' ' || text[a] == '\t')) a++;
  while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t')) b--;
  vb__buf q = {0};
  int rc = VB_OK;
  if (cut_a) rc = vb__buf_append(&q, "...", 3);
  for (size_t i = a; rc == VB_OK && i < b; i++) {
    char ch = text[i];
    rc = vb__buf_putc(&q, (ch == '\n' || ch == '\r' || ch == '\t') ? ' ' : ch);
  }
  if (rc == VB_OK && cut_b) rc = vb__buf_append(&q, "...", 3);
  if (rc == VB_OK) rc = vb__buf_append(&q, "", 0);
  if (rc) {
    vb__buf_free(&q);
    return NULL;
  }
  return q.data;
}

static int example_phrase(vb_discover *d, const vb_result *r, const vb_token *t, size_t i,
                          size_t j, void *ctx) {
  const ex_ctx *x = ctx;
  uint32_t si;
  if (!vb__strmap_get(&d->sel_map, d->key.data, d->key.len, &si)) return VB_OK;
  sel *se = &d->sel[si];
  if (se->last == d->record2) return VB_OK;
  se->last = d->record2;
  se->seen++;
  size_t start = t[i].start, end = t[j].end;
  /* the surface form: the keys */
  d->tmp.len = 0;
  for (size_t q = i; q <= j; q++) {
    if (q > i && vb__buf_putc(&d->tmp, ' ')) return VB_ENOMEM;
    if (vb__buf_append(&d->tmp, t[q].key, t[q].key_len)) return VB_ENOMEM;
  }
  if (vb__buf_append(&d->tmp, "", 0)) return VB_ENOMEM;
  size_t f = 0;
  while (f < se->forms_n && strcmp(se->forms[f], d->tmp.data)) f++;
  if (f < se->forms_n) {
    se->form_count[f]++;
  } else if (se->forms_n < MAX_FORMS) {
    se->forms[f] = vb__strdup(d->tmp.data);
    if (!se->forms[f]) return VB_ENOMEM;
    se->form_count[f] = 1;
    se->forms_n++;
  }
  /* coverage: a mention overlapping the phrase */
  const vb_mention *m;
  size_t nm = vb_result_mentions(r, &m);
  long theme = -1;
  for (size_t k = 0; k < nm && theme < 0; k++)
    if (m[k].start < end && start < m[k].end) theme = (long)m[k].theme;
  if (theme >= 0) {
    se->out.covered++;
    size_t h = 0;
    while (h < se->n_themes && se->themes[h] != theme) h++;
    if (h < se->n_themes) se->theme_count[h]++;
    else if (se->n_themes < MAX_THEMES) {
      se->themes[h] = theme;
      se->theme_count[h] = 1;
      se->n_themes++;
    }
  }
  /* a quote: from the focus group when the phrase is typical of it */
  bool prefer_focus = d->focus > 0 && d->reference > 0 && se->out.log_ratio > 0;
  bool primary = !prefer_focus || x->group == VB_GROUP_FOCUS;
  size_t want = d->o.examples;
  char **list = primary ? se->examples : se->backup;
  char **ids = primary ? se->example_ids : se->backup_ids;
  size_t *n = primary ? &se->n_ex : &se->n_backup;
  if (*n < want) {
    list[*n] = make_quote(r, start, end);
    ids[*n] = vb__strndup(x->id ? x->id : "", x->id ? x->id_len : 0);
    if (!list[*n] || !ids[*n]) {
      vb__free(list[*n]);
      vb__free(ids[*n]);
      return VB_ENOMEM;
    }
    (*n)++;
  }
  return VB_OK;
}

int vb_discover_examples(vb_discover *d, const vb_result *r, int group, const char *id,
                         size_t id_len) {
  if (!d || !r || !d->ranked) return VB_EINVAL;
  d->record2++;
  ex_ctx x = {group, id, id_len};
  return each_phrase(d, r, example_phrase, &x);
}

size_t vb_discover_phrases(vb_discover *d, const vb_phrase **out) {
  if (out) *out = NULL;
  if (!d || !d->ranked) return 0;
  if (!d->phrases && d->n_sel) {
    d->phrases = vb__calloc(d->n_sel, sizeof *d->phrases);
    if (!d->phrases) return 0;
  }
  for (size_t s = 0; s < d->n_sel; s++) {
    sel *se = &d->sel[s];
    vb_phrase *p = &se->out;
    /* the most frequent surface form (ties: the first seen); the stems before pass 2 */
    size_t best = 0;
    for (size_t f = 1; f < se->forms_n; f++)
      if (se->form_count[f] > se->form_count[best]) best = f;
    p->text = se->forms_n ? se->forms[best] : se->stems;
    p->stems = se->stems;
    p->seen = se->seen;
    size_t bt = 0;
    for (size_t h = 1; h < se->n_themes; h++)
      if (se->theme_count[h] > se->theme_count[bt]) bt = h;
    p->theme = se->n_themes ? se->themes[bt] : -1;
    /* fill up with quotes from outside the focus group */
    while (se->n_ex < d->o.examples && se->n_backup) {
      se->examples[se->n_ex] = se->backup[0];
      se->example_ids[se->n_ex] = se->backup_ids[0];
      se->n_ex++;
      memmove(se->backup, se->backup + 1, (se->n_backup - 1) * sizeof *se->backup);
      memmove(se->backup_ids, se->backup_ids + 1, (se->n_backup - 1) * sizeof *se->backup_ids);
      se->n_backup--;
    }
    p->n_examples = se->n_ex;
    p->examples = (const char *const *)se->examples;
    p->example_ids = (const char *const *)se->example_ids;
    p->merged = se->merged.data ? se->merged.data : "";
    d->phrases[s] = *p;
  }
  if (out) *out = d->phrases;
  return d->n_sel;
}

void vb_discover_stats(const vb_discover *d, vb_discover_info *info) {
  if (!info) return;
  memset(info, 0, sizeof *info);
  if (!d) return;
  info->records = d->record;
  info->focus = d->focus;
  info->reference = d->reference;
  info->entries = d->n_e;
  info->prunes = d->prunes;
  info->max_dropped = d->max_dropped;
  info->by_keyness = use_keyness(d);
}
