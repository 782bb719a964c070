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
 * G2 grows with a phrase's frequency, so a very common word a little more frequent in one
 * group ("flight" in an airline's complaints, 1.9 times their rate in its praise) would rank
 * above rarer words that mark the group far better; such a word is what both groups talk
 * about, not a finding. So with keyness a phrase is ranked only when its rate in one group
 * is at least twice that in the other (|log ratio| >= min_log_ratio, 1 by default), the
 * usual pairing of a significance measure for the order with an effect-size minimum for
 * what is shown. It is applied before the near-duplicate rules, so a phrase left out neither
 * absorbs nor folds others.
 *
 * Near-duplicates: three rules, so that one thing the customers say is one row.
 *
 * 1. Sub-phrases. A phrase contained in a longer candidate whose support is at least
 *    merge_ratio of its own (0.9 by default: "bag" inside "lost bag" when nearly every "bag" is
 *    a lost one) is merged into the longer phrase and listed with it (`merged`, by stems).
 *
 * 2. Spelling variants and abbreviations of one word ("hrs" and "hours", "mins" and
 *    "minutes", "pls" and "please", "tlf" and "telefon"). They come from a short list per
 *    language that the team wrote (lexicons/LANG/variants.txt: "word<TAB>variant variant ..."),
 *    matched on the token's key (its normalised surface form), not on its stem: an
 *    abbreviation does not inflect like its word, and in Hebrew a stem may have lost a
 *    proclitic, so a stem could be another word's. A listed variant counts as its word: the
 *    phrase key takes the word's stem and the stopword test the word's key ("pls" is a stopword
 *    when "please" is), so "2 hrs late" and "2 hours late" are one phrase, counted once per
 *    record, and its support and keyness are those of the union, exact. A list was chosen
 *    over a general rule: the rule that finds the other near-duplicates, shared records, fails
 *    here, since a writer uses one spelling, so "hrs" and "hours" rarely meet in a record; and
 *    edit distance or prefixes would join "min" (minutes) with "mine" and "mind", or Danish
 *    "tid" with "tit". A short list costs a line per variant and is wrong only where a listed
 *    form has another meaning, which the list avoids (no "min" in Swedish or Danish, where it
 *    is "my"). The spellings seen are listed with the row (`variants`), and the codebook
 *    snippet's terms name them too, since a codebook term matches on stems.
 *
 * 3. Longer phrases that add nothing (with keyness only). A phrase L of two or more words is
 *    folded into a phrase S inside it that ranks higher and is a row of its own when L's
 *    records are not typical of either group in a different way than the rest of S's records
 *    are. Every record of L holds S, so S's records split into L's and the others; Fisher's
 *    exact test (two-sided) on that 2x2 table (focus and reference records of L, and of S
 *    without L) asks whether L's focus share differs from the rest of S's. When p >= 0.05,
 *    L says nothing S does not already say ("cancelled flight" under "cancelled" when the
 *    cancelled flights are as negative as the other cancellations), and listing it as a row
 *    would spend a place on the same finding. It is listed with S as a longer variant, and S
 *    keeps its own counts, which already hold every record of L. When p < 0.05, L has an
 *    effect of its own ("late flight" is far more negative than "flight") and stays a row.
 *    The usual 5% level is used on purpose: folding is the default here, so a lower level
 *    would fold phrases with fair evidence of an effect of their own; a wrong "keep" only costs
 *    a row. With several such S, L goes to the highest-ranked. With support ranking there is
 *    no effect to compare, and a longer phrase is always below its parts, so nothing is
 *    folded. The rows are walked best first, so whether S is a row is settled before L is
 *    tested, and the result does not depend on how many rows are shown.
 *
 * Rule 1 runs first (on all candidates), then the ranking, then rule 3; rule 2 is applied while
 * counting. VB_DISCOVER_NO_VARIANTS and VB_DISCOVER_NO_FOLD switch rules 2 and 3 off.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "vb_embed.h"
#include "vb_model.h"
#include "vb_stats.h"
#include "vb_text.h"

#define DISCOVER_MAX_WORDS 4
#define EXAMPLE_MAX 240 /* bytes of a quote around the phrase */
#define MAX_FORMS 8
#define MAX_THEMES 8
#define MAX_VARIANTS 8 /* variants listed per row (VB_DISCOVER doc in verbatim.h) */
#define FOLD_P 0.05    /* rule 3: a longer phrase folds when Fisher's p is at least this */

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
  /* rule 2: surface forms holding a listed variant, counted once per record each */
  char *vforms[MAX_VARIANTS];
  size_t vform_count[MAX_VARIANTS];
  uint32_t vform_last[MAX_VARIANTS];
  size_t n_vforms;
  /* rule 3: the most supported longer phrases folded into it (indices into folds) */
  uint32_t folds[MAX_VARIANTS];
  size_t n_folds;
  /* the output lists */
  const char *var_text[2 * MAX_VARIANTS];
  size_t var_support[2 * MAX_VARIANTS];
  int var_longer[2 * MAX_VARIANTS];
} sel;

typedef struct fold { /* a longer phrase folded into a row (rule 3), for its surface form */
  uint32_t entry, last;
  size_t forms_n;
  char *forms[MAX_FORMS];
  size_t form_count[MAX_FORMS];
  char *stems;
} fold;

typedef struct canon { /* the word a listed variant stands for (rule 2) */
  size_t key_off, key_len, stem_off, stem_len; /* into canon_text */
} canon;

typedef struct tview { /* a token as discover counts it: a listed variant as its word */
  const char *key, *stem;
  size_t key_len, stem_len;
  bool variant;
  uint8_t kind; /* word_kind() */
} tview;

struct vb_discover {
  const vb_model *model;
  vb_discover_options o;
  vb__strmap stop[VB_LANG_COUNT]; /* key -> 1 stopword, 2 negation-like edge word */
  vb__strmap var[VB_LANG_COUNT];  /* variant key -> index into canons */
  canon *canons;
  size_t n_canons, cap_canons;
  vb__buf canon_text;
  tview *tv;                      /* the tokens of the record being read */
  size_t cap_tv;
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
  fold *folds;
  size_t n_folds;
  vb__strmap fold_map; /* key -> index into folds */
  uint32_t record2;
  vb__buf key; /* scratch */
  vb__buf tmp;
  vb_phrase *phrases;
};

/* ---- stopwords ---- */

/* The next line of a word list from data[*i] on that holds something: trimmed of white space,
 * not a comment ('#'). Returns false at the end. */
static bool list_line(const char *data, size_t len, size_t *i, const char **w, size_t *n) {
  while (*i < len) {
    size_t j = *i;
    while (j < len && data[j] != '\n') j++;
    const char *s = data + *i;
    size_t k = j - *i;
    *i = j + 1;
    while (k && (s[k - 1] == '\r' || s[k - 1] == ' ' || s[k - 1] == '\t')) k--;
    while (k && (*s == ' ' || *s == '\t')) { s++; k--; }
    if (k == 0 || *s == '#') continue;
    *w = s;
    *n = k;
    return true;
  }
  return false;
}

static int load_stopwords(vb_discover *d, vb_lang lang, const char *data, size_t len) {
  size_t i = 0, n;
  const char *w;
  while (list_line(data, len, &i, &w, &n)) {
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

/* lexicons/LANG/variants.txt: "word<TAB>variant variant ..." (rule 2 at the top). The word
 * is stemmed with the stemmer the analyzer uses for the language; a variant listed twice keeps
 * its first word, and a variant equal to its word is ignored. */
static int load_variants(vb_discover *d, vb_lang lang, const char *data, size_t len) {
  vb__stemmer *st = NULL;
  int rc = vb__stemmer_new(lang, d->model->he_vocab, &st);
  size_t i = 0, n;
  const char *w;
  while (rc == VB_OK && list_line(data, len, &i, &w, &n)) {
    size_t tab = 0;
    while (tab < n && w[tab] != '\t') tab++;
    if (tab == n) continue; /* a word without variants */
    /* the word: its key and stem */
    d->tmp.len = 0;
    if ((rc = vb__normalize(&d->norm, w, tab, 0, &d->tmp))) break;
    const char *stem = d->tmp.data;
    size_t sl = d->tmp.len;
    if (st && (rc = vb__stem(st, d->tmp.data, d->tmp.len, &stem, &sl))) break;
    if ((rc = vb__grow(&d->canons, &d->cap_canons, d->n_canons + 1, sizeof *d->canons))) break;
    canon *c = &d->canons[d->n_canons];
    c->key_off = d->canon_text.len;
    c->key_len = d->tmp.len;
    if ((rc = vb__buf_append(&d->canon_text, d->tmp.data, d->tmp.len))) break;
    c->stem_off = d->canon_text.len;
    c->stem_len = sl;
    if ((rc = vb__buf_append(&d->canon_text, stem, sl))) break;
    uint32_t ci = (uint32_t)d->n_canons++;
    /* the variants */
    size_t k = tab + 1;
    while (rc == VB_OK && k < n) {
      while (k < n && (w[k] == ' ' || w[k] == '\t')) k++;
      size_t e = k;
      while (e < n && w[e] != ' ' && w[e] != '\t') e++;
      if (e == k) break;
      d->tmp.len = 0;
      if ((rc = vb__normalize(&d->norm, w + k, e - k, 0, &d->tmp))) break;
      k = e;
      if (d->tmp.len == c->key_len && !memcmp(d->tmp.data, d->canon_text.data + c->key_off, c->key_len))
        continue;
      if (vb__strmap_put(&d->var[lang], d->tmp.data, d->tmp.len, ci, NULL, NULL)) rc = VB_ENOMEM;
    }
  }
  vb__stemmer_free(st);
  return rc;
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
  if (d->o.min_log_ratio == 0) d->o.min_log_ratio = 1;
  int rc = VB_OK;
  static const char *const codes[] = {NULL, "en", "sv", "da", "he"};
  typedef int (*list_fn)(vb_discover *, vb_lang, const char *, size_t);
  static const char *const names[] = {"stopwords.txt", "variants.txt"};
  const list_fn fns[] = {load_stopwords, load_variants};
  size_t n_lists = (d->o.flags & VB_DISCOVER_NO_VARIANTS) ? 1 : 2;
  for (int l = VB_LANG_EN; rc == VB_OK && l < VB_LANG_COUNT; l++)
    for (size_t li = 0; rc == VB_OK && li < n_lists; li++) {
      char rel[64];
      snprintf(rel, sizeof rel, "lexicons/%s/%s", codes[l], names[li]);
      if (d->o.data_dir) {
        char path[1024];
        vb__buf b = {0};
        snprintf(path, sizeof path, "%s/%s", d->o.data_dir, rel);
        rc = read_all(path, &b);
        if (rc == VB_OK) rc = fns[li](d, (vb_lang)l, b.data ? b.data : "", b.len);
        else if (rc == VB_ENOTFOUND) rc = VB_OK;
        vb__buf_free(&b);
      } else {
        for (const vb__embedded_file *f = vb__embedded_files; f->path; f++)
          if (strcmp(f->path, rel) == 0) rc = fns[li](d, (vb_lang)l, (const char *)f->data, f->len);
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
  for (size_t k = 0; k < s->n_vforms; k++) vb__free(s->vforms[k]);
}

void vb_discover_free(vb_discover *d) {
  if (!d) return;
  for (int l = 0; l < VB_LANG_COUNT; l++) {
    vb__strmap_free(&d->stop[l]);
    vb__strmap_free(&d->var[l]);
  }
  vb__free(d->canons);
  vb__buf_free(&d->canon_text);
  vb__free(d->tv);
  for (size_t i = 0; i < d->n_folds; i++) {
    for (size_t k = 0; k < d->folds[i].forms_n; k++) vb__free(d->folds[i].forms[k]);
    vb__free(d->folds[i].stems);
  }
  vb__free(d->folds);
  vb__strmap_free(&d->fold_map);
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

/* 0 content word, 1 stopword, 2 negation-like edge word, 3 not a word (number); a listed
 * variant by its word's key (rule 2). */
static int word_kind(const vb_discover *d, vb_lang lang, const vb_token *t, const tview *v) {
  if (t->type != VB_TOK_WORD) return 3;
  uint32_t k;
  if (vb__strmap_get(&d->stop[lang], v->key, v->key_len, &k)) return (int)k;
  return 0;
}

/* Fills d->tv for the tokens of a record: each token's key and stem, a listed variant's
 * replaced by its word's (rule 2), and its kind. */
static int view_tokens(vb_discover *d, vb_lang lang, const vb_token *t, size_t n) {
  if (vb__grow(&d->tv, &d->cap_tv, n ? n : 1, sizeof *d->tv)) return VB_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    tview *v = &d->tv[i];
    *v = (tview){t[i].key, t[i].stem, t[i].key_len, t[i].stem_len, false, 0};
    uint32_t ci;
    if (t[i].type == VB_TOK_WORD && d->n_canons &&
        vb__strmap_get(&d->var[lang], t[i].key, t[i].key_len, &ci)) {
      const canon *c = &d->canons[ci];
      v->key = d->canon_text.data + c->key_off;
      v->key_len = c->key_len;
      v->stem = d->canon_text.data + c->stem_off;
      v->stem_len = c->stem_len;
      v->variant = true;
    }
    v->kind = (uint8_t)word_kind(d, lang, &t[i], v);
  }
  return VB_OK;
}

typedef int (*phrase_fn)(vb_discover *d, const vb_result *r, const vb_token *t, size_t i,
                         size_t j, void *ctx);

/* Calls fn for every candidate n-gram [i, j] of the record, with its key in d->key. */
static int each_phrase(vb_discover *d, const vb_result *r, phrase_fn fn, void *ctx) {
  const vb_token *t;
  size_t n = vb_result_tokens(r, &t);
  vb_lang lang = vb_result_lang(r);
  if (lang <= VB_LANG_UND || lang >= VB_LANG_COUNT) return VB_OK;
  int vrc = view_tokens(d, lang, t, n);
  if (vrc) return vrc;
  const tview *tv = d->tv;
  for (size_t i = 0; i < n; i++) {
    int k0 = tv[i].kind;
    if (k0 == 1 || k0 == 3) continue;
    bool content = k0 == 0;
    for (size_t j = i; j < n && j - i < d->o.max_words; j++) {
      if (t[j].type != VB_TOK_WORD && t[j].type != VB_TOK_NUMBER) break;
      if (t[j].clause != t[i].clause) break;
      int kj = tv[j].kind;
      if (kj == 0) content = true;
      if (kj == 1 || kj == 3 || !content) continue;
      d->key.len = 0;
      if (vb__buf_putc(&d->key, (char)('0' + lang))) return VB_ENOMEM;
      for (size_t q = i; q <= j; q++) {
        if (vb__buf_putc(&d->key, ' ')) return VB_ENOMEM;
        if (vb__buf_append(&d->key, tv[q].stem, tv[q].stem_len)) return VB_ENOMEM;
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
  bool folded;      /* merged by rule 3 (else by rule 1) */
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

/* The entries of the proper contiguous sub-phrases of entry `e` that are in the table. */
static int sub_phrases(vb_discover *d, uint32_t e, uint32_t *out, size_t *n_out) {
  *n_out = 0;
  size_t kl;
  const char *kp = vb__strmap_key(&d->map, e, &kl);
  /* the words of the key: "L stem stem stem" */
  const char *w[DISCOVER_MAX_WORDS + 1];
  size_t nw = 0;
  for (size_t q = 1; q < kl && nw < DISCOVER_MAX_WORDS; q++)
    if (kp[q] == ' ') w[nw++] = kp + q;
  w[nw] = kp + kl;
  for (size_t a = 0; a < nw; a++)
    for (size_t b = a + 1; b <= nw; b++) {
      if (a == 0 && b == nw) continue;
      d->tmp.len = 0;
      if (vb__buf_putc(&d->tmp, kp[0]) || vb__buf_append(&d->tmp, w[a], (size_t)(w[b] - w[a])))
        return VB_ENOMEM;
      uint32_t sub;
      if (vb__strmap_get(&d->map, d->tmp.data, d->tmp.len, &sub)) out[(*n_out)++] = sub;
    }
  return VB_OK;
}

/* Points every merged candidate at the end of its chain (a row). */
static void resolve_chains(cand *c, size_t n_c) {
  for (size_t i = 0; i < n_c; i++) {
    long r = c[i].merged_into;
    while (r >= 0 && c[r].merged_into >= 0) r = c[r].merged_into;
    c[i].merged_into = r;
  }
}

/* Rule 3: does longer phrase l say nothing its sub-phrase s does not (at the top)? */
static bool says_nothing_more(const ngram *l, const ngram *s) {
  if (l->focus > s->focus || l->reference > s->reference) return false; /* pruned counts */
  if (l->focus + l->reference == 0) return false; /* no group holds it: no effect to compare */
  uint64_t a1 = l->focus, b1 = l->reference, a0 = s->focus - a1, b0 = s->reference - b1;
  /* the test sums over the tables with these margins: run it over the smaller column */
  double p = b1 + b0 <= a1 + a0 ? vb__fisher_2x2(b1, a1, b0, a0) : vb__fisher_2x2(a1, b1, a0, b0);
  return p >= FOLD_P;
}

/* Rule 3 on the rows in `keep` (best first; keep[i].merged_into is the row's index in c):
 * folds each longer phrase into the highest-ranked row inside it that it says nothing more
 * than, and drops it from `keep`. */
static int fold_longer(vb_discover *d, cand *c, size_t n_c, const uint32_t *cand_of, cand *keep,
                       size_t *n_keep) {
  uint32_t *rank = vb__malloc((n_c ? n_c : 1) * sizeof *rank); /* candidate -> place in keep */
  if (!rank) return VB_ENOMEM;
  for (size_t i = 0; i < n_c; i++) rank[i] = UINT32_MAX;
  for (size_t r = 0; r < *n_keep; r++) rank[keep[r].merged_into] = (uint32_t)r;
  int rc = VB_OK;
  for (size_t r = 0; r < *n_keep && rc == VB_OK; r++) {
    const ngram *g = &d->e[keep[r].entry];
    if (g->n_words < 2) continue;
    uint32_t subs[DISCOVER_MAX_WORDS * DISCOVER_MAX_WORDS];
    size_t n_subs;
    if ((rc = sub_phrases(d, keep[r].entry, subs, &n_subs))) break;
    uint32_t best = UINT32_MAX;
    for (size_t k = 0; k < n_subs; k++) {
      uint32_t ci = cand_of[subs[k]];
      if (ci == UINT32_MAX || c[ci].merged_into >= 0 || rank[ci] >= r || rank[ci] >= best) continue;
      if (says_nothing_more(g, &d->e[subs[k]])) best = rank[ci];
    }
    if (best == UINT32_MAX) continue;
    size_t ci = (size_t)keep[r].merged_into;
    c[ci].merged_into = keep[best].merged_into;
    c[ci].folded = true;
  }
  vb__free(rank);
  if (rc) return rc;
  resolve_chains(c, n_c); /* what had merged into a folded phrase goes with it */
  size_t w = 0;
  for (size_t r = 0; r < *n_keep; r++)
    if (c[keep[r].merged_into].merged_into < 0) keep[w++] = keep[r];
  *n_keep = w;
  return VB_OK;
}

/* Keeps `entry` in top[0..*n) (at most MAX_VARIANTS), the most supported first (ties: by
 * key): the longer phrases of a row whose surface forms pass 2 gathers. */
static void keep_top(const vb_discover *d, uint32_t *top, size_t *n, uint32_t entry) {
  uint32_t sup = d->e[entry].support;
  size_t at = *n;
  while (at > 0 && (d->e[top[at - 1]].support < sup ||
                    (d->e[top[at - 1]].support == sup && key_cmp(d, top[at - 1], entry) > 0)))
    at--;
  if (at >= MAX_VARIANTS) return;
  size_t move = (*n < MAX_VARIANTS ? *n : MAX_VARIANTS - 1) - at;
  memmove(top + at + 1, top + at, move * sizeof *top);
  top[at] = entry;
  if (*n < MAX_VARIANTS) (*n)++;
}

/* Registers the longer phrases folded into row s (rule 3) for pass 2. */
static int add_folds(vb_discover *d, size_t s, const uint32_t *top, size_t n) {
  sel *se = &d->sel[s];
  fold *nf = vb__realloc(d->folds, (d->n_folds + n + 1) * sizeof *d->folds);
  if (!nf) return VB_ENOMEM;
  d->folds = nf;
  for (size_t k = 0; k < n; k++) {
    uint32_t fi = (uint32_t)d->n_folds;
    fold *f = &d->folds[fi];
    memset(f, 0, sizeof *f);
    f->entry = top[k];
    size_t kl;
    const char *key = vb__strmap_key(&d->map, top[k], &kl);
    f->stems = vb__strndup(key + 2, kl - 2);
    if (!f->stems) return VB_ENOMEM;
    d->n_folds++;
    if (vb__strmap_put(&d->fold_map, key, kl, fi, NULL, NULL)) return VB_ENOMEM;
    se->folds[se->n_folds++] = fi;
  }
  return VB_OK;
}

int vb_discover_rank(vb_discover *d) {
  if (!d || d->ranked) return VB_EINVAL;
  d->ranked = true;
  size_t n_c = 0; /* at most; fewer with an effect-size minimum */
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
    if (key) {
      if (d->o.min_log_ratio > 0 && !(fabs(p.log_ratio) >= d->o.min_log_ratio)) continue;
      sc = isnan(p.g2) ? 0 : (p.log_ratio < 0 ? -p.g2 : p.g2);
    }
    c[k++] = (cand){(uint32_t)i, sc, -1, false};
  }
  n_c = k;
  g_sort_d = d;
  /* near-duplicates: longest phrases first, each absorbs its sub-phrases of similar support */
  qsort(c, n_c, sizeof *c, by_length);
  for (size_t i = 0; i < d->n_e; i++) cand_of[i] = UINT32_MAX;
  for (size_t i = 0; i < n_c; i++) cand_of[c[i].entry] = (uint32_t)i;
  int rc = VB_OK;
  for (size_t i = 0; i < n_c && rc == VB_OK; i++) {
    const ngram *g = &d->e[c[i].entry];
    if (g->n_words < 2) continue;
    uint32_t subs[DISCOVER_MAX_WORDS * DISCOVER_MAX_WORDS];
    size_t n_subs;
    if ((rc = sub_phrases(d, c[i].entry, subs, &n_subs))) break;
    long root = (long)i;
    while (c[root].merged_into >= 0) root = c[root].merged_into;
    for (size_t u = 0; u < n_subs; u++) {
      uint32_t sub = subs[u], ci = cand_of[sub];
      if (ci == UINT32_MAX || c[ci].merged_into >= 0 || (long)ci == root) continue;
      if ((double)g->support >= d->o.merge_ratio * (double)d->e[sub].support)
        c[ci].merged_into = root;
    }
  }
  resolve_chains(c, n_c);
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
  if (rc == VB_OK && key && !(d->o.flags & VB_DISCOVER_NO_FOLD) && d->focus && d->reference)
    rc = fold_longer(d, c, n_c, cand_of, keep, &n_keep);
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
    /* the sub-phrases merged into it, by their stems (their surface forms are not kept), and
     * the longer phrases folded into it, the most supported first (their surface forms are
     * gathered in pass 2) */
    size_t pos = (size_t)keep[s].merged_into;
    uint32_t top[MAX_VARIANTS];
    size_t n_top = 0;
    for (size_t i = 0; rc == VB_OK && i < n_c; i++) {
      if (c[i].merged_into != (long)pos || i == pos) continue;
      if (c[i].folded) {
        keep_top(d, top, &n_top, c[i].entry);
        continue;
      }
      size_t ml;
      const char *mk = vb__strmap_key(&d->map, c[i].entry, &ml);
      if ((se->merged.len && vb__buf_append(&se->merged, "; ", 2)) ||
          vb__buf_append(&se->merged, mk + 2, ml - 2))
        rc = VB_ENOMEM;
    }
    if (rc == VB_OK && vb__buf_append(&se->merged, "", 0)) rc = VB_ENOMEM;
    if (rc == VB_OK) rc = add_folds(d, s, top, n_top);
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

/* Counts the surface form in d->tmp in forms[0..*n) (a new one while there is room). When
 * `last` is given, a form counts once per record. */
static int count_form(vb_discover *d, char **forms, size_t *count, uint32_t *last, size_t *n,
                      size_t max) {
  size_t f = 0;
  while (f < *n && strcmp(forms[f], d->tmp.data)) f++;
  if (f == *n) {
    if (*n == max) return VB_OK;
    forms[f] = vb__strdup(d->tmp.data);
    if (!forms[f]) return VB_ENOMEM;
    count[f] = 0;
    if (last) last[f] = 0;
    (*n)++;
  }
  if (last && last[f] == d->record2) return VB_OK;
  if (last) last[f] = d->record2;
  count[f]++;
  return VB_OK;
}

static int example_phrase(vb_discover *d, const vb_result *r, const vb_token *t, size_t i,
                          size_t j, void *ctx) {
  const ex_ctx *x = ctx;
  uint32_t si, fi;
  bool is_sel = vb__strmap_get(&d->sel_map, d->key.data, d->key.len, &si);
  bool is_fold = !is_sel && d->n_folds && vb__strmap_get(&d->fold_map, d->key.data, d->key.len, &fi);
  if (!is_sel && !is_fold) return VB_OK;
  /* the surface form: the keys */
  d->tmp.len = 0;
  bool variant = false;
  for (size_t q = i; q <= j; q++) {
    if (q > i && vb__buf_putc(&d->tmp, ' ')) return VB_ENOMEM;
    if (vb__buf_append(&d->tmp, t[q].key, t[q].key_len)) return VB_ENOMEM;
    variant |= d->tv[q].variant;
  }
  if (vb__buf_append(&d->tmp, "", 0)) return VB_ENOMEM;
  if (is_fold) { /* a longer phrase folded into a row: its surface form only */
    fold *fo = &d->folds[fi];
    if (fo->last == d->record2) return VB_OK;
    fo->last = d->record2;
    return count_form(d, fo->forms, fo->form_count, NULL, &fo->forms_n, MAX_FORMS);
  }
  sel *se = &d->sel[si];
  int rc;
  if (variant && (rc = count_form(d, se->vforms, se->vform_count, se->vform_last, &se->n_vforms,
                                  MAX_VARIANTS)))
    return rc;
  if (se->last == d->record2) return VB_OK;
  se->last = d->record2;
  se->seen++;
  size_t start = t[i].start, end = t[j].end;
  if (!variant && (rc = count_form(d, se->forms, se->form_count, NULL, &se->forms_n, MAX_FORMS)))
    return rc;
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
    /* the most frequent surface form (ties: the first seen) without a listed variant (rule
     * 2: the word as spelled out names the row), else with one; the stems before pass 2 */
    size_t best = 0;
    for (size_t f = 1; f < se->forms_n; f++)
      if (se->form_count[f] > se->form_count[best]) best = f;
    size_t vbest = 0;
    for (size_t f = 1; f < se->n_vforms; f++)
      if (se->vform_count[f] > se->vform_count[vbest]) vbest = f;
    p->text = se->forms_n ? se->forms[best] : se->n_vforms ? se->vforms[vbest] : se->stems;
    p->stems = se->stems;
    /* the variants: the spellings with a listed variant, then the longer phrases folded in,
     * the most records first, at most MAX_VARIANTS */
    size_t nv = 0;
    for (size_t f = 0; f < se->n_vforms; f++) {
      if (se->vforms[f] == p->text) continue;
      se->var_text[nv] = se->vforms[f];
      se->var_support[nv] = se->vform_count[f];
      se->var_longer[nv++] = 0;
    }
    for (size_t k = 0; k < se->n_folds; k++) {
      const fold *fo = &d->folds[se->folds[k]];
      size_t fb = 0;
      for (size_t f = 1; f < fo->forms_n; f++)
        if (fo->form_count[f] > fo->form_count[fb]) fb = f;
      se->var_text[nv] = fo->forms_n ? fo->forms[fb] : fo->stems;
      se->var_support[nv] = d->e[fo->entry].support;
      se->var_longer[nv++] = 1;
    }
    for (size_t a = 1; a < nv; a++) /* stable insertion sort by records */
      for (size_t b = a; b > 0 && se->var_support[b] > se->var_support[b - 1]; b--) {
        const char *tt = se->var_text[b];
        se->var_text[b] = se->var_text[b - 1];
        se->var_text[b - 1] = tt;
        size_t ts = se->var_support[b];
        se->var_support[b] = se->var_support[b - 1];
        se->var_support[b - 1] = ts;
        int tl = se->var_longer[b];
        se->var_longer[b] = se->var_longer[b - 1];
        se->var_longer[b - 1] = tl;
      }
    p->n_variants = nv < MAX_VARIANTS ? nv : MAX_VARIANTS;
    p->variants = se->var_text;
    p->variant_support = se->var_support;
    p->variant_longer = se->var_longer;
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
