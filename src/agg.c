/*
 * agg.c - the aggregate of analysed records: what root-cause tables are computed from.
 *
 * Everything kept is an integer (vb_agg.h): counts, histograms of scores in thousandths, sums
 * of products in 128 bits, and top-k lists of quotes under a total order. Merging the
 * aggregates of the parts of a file therefore gives exactly, bit for bit, the aggregate of the
 * whole, in any order; addition of doubles would not. A parent theme counts a record once when
 * the record mentions it or any child.
 *
 * Besides all records, an aggregate keeps the same counts per segment (--by) and per period
 * (--date), each period's scores by top-level theme and number of top-level themes of the
 * record (for the Shapley split of a change, trend.c), the cross-products of the key-driver
 * regression, and quotes.
 *
 * Quotes are kept as a bounded top-k under a total order that depends on the quote alone
 * (quality, then a hash of its normalised text, then its bytes): the top k distinct texts of
 * a union are the top k of the union of the parts' top k, so quotes merge exactly too.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "vb_agg.h"

/* ---- names ---- */

const char *vb_score_type_name(vb_score_type type) {
  static const char *const names[] = {"none", "nps", "csat", "ces", "rating"};
  return (type >= VB_SCORE_NONE && type <= VB_SCORE_RATING) ? names[type] : "none";
}

int vb_score_type_parse(const char *name, vb_score_type *out) {
  for (int t = VB_SCORE_NONE; t <= VB_SCORE_RATING; t++)
    if (name && vb__strieq(name, vb_score_type_name((vb_score_type)t))) {
      *out = (vb_score_type)t;
      return VB_OK;
    }
  return VB_EINVAL;
}

vb_score_type vb_score_type_guess(double min, double max) {
  if (!(min <= max)) return VB_SCORE_RATING;
  if (min >= 0 && max <= 10 && max > 7) return VB_SCORE_NPS;
  if (min >= 1 && max <= 5) return VB_SCORE_CSAT;
  if (min >= 1 && max <= 7) return VB_SCORE_CES;
  return VB_SCORE_RATING;
}

int vb_score_valid(vb_score_type type, double v) {
  if (!isfinite(v)) return 0;
  switch (type) {
  case VB_SCORE_NPS: return v >= 0 && v <= 10 && v == floor(v);
  case VB_SCORE_CSAT: return v >= 1 && v <= 5 && v == floor(v);
  case VB_SCORE_CES: return v >= 1 && v <= 7 && v == floor(v);
  case VB_SCORE_RATING: return fabs(v) < 1e12;
  default: return 1;
  }
}

/* Top and bottom boxes of a scale (NaN for ratings: no fixed scale). */
void vb__score_ranges(vb_score_type t, double *top_lo, double *top_hi, double *bot_lo,
                      double *bot_hi) {
  switch (t) {
  case VB_SCORE_NPS: *top_lo = 9, *top_hi = 10, *bot_lo = 0, *bot_hi = 6; return;
  case VB_SCORE_CSAT: *top_lo = 4, *top_hi = 5, *bot_lo = 1, *bot_hi = 2; return;
  case VB_SCORE_CES: *top_lo = 5, *top_hi = 7, *bot_lo = 1, *bot_hi = 3; return;
  default: *top_lo = *top_hi = *bot_lo = *bot_hi = NAN; return;
  }
}

const char *vb_test_name(int test) {
  static const char *const names[] = {"-", "nps-z", "exact", "z", "fisher", "welch"};
  return (test >= 0 && test <= VB_TEST_WELCH) ? names[test] : "-";
}

const char *vb_verdict_name(int v) {
  static const char *const names[] = {"-",           "too few",     "common, severe",
                                      "rare, severe", "common, mild", "rare, mild",
                                      "common, lifts", "rare, lifts"};
  return (v >= 0 && v <= VB_VERDICT_RARE_LIFT) ? names[v] : "-";
}

/* ---- dates and periods ---- */

const char *vb_period_name(vb_period p) {
  static const char *const names[] = {"none", "day", "week", "month", "quarter"};
  return (p >= VB_PERIOD_NONE && p <= VB_PERIOD_QUARTER) ? names[p] : "none";
}

int vb_period_parse(const char *name, vb_period *out) {
  for (int p = VB_PERIOD_DAY; p <= VB_PERIOD_QUARTER; p++)
    if (name && vb__strieq(name, vb_period_name((vb_period)p))) {
      *out = (vb_period)p;
      return VB_OK;
    }
  return VB_EINVAL;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's
 * days_from_civil) and back. */
static long days_from_civil(long y, long m, long d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(long y, long m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return dm[m - 1];
}

static size_t digits(const char *s, size_t i, size_t n, size_t max, long *v) {
  size_t k = 0;
  *v = 0;
  while (i + k < n && k < max && vb__ascii_digit(s[i + k])) *v = *v * 10 + (s[i + k++] - '0');
  return k;
}

int vb_date_parse(const char *s, size_t n, long *days) {
  if (!s || !days) return VB_EINVAL;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
  size_t i = 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
  long a, b, c, y, m, d;
  size_t k = digits(s, i, n, 4, &a);
  if (k == 0 || i + k >= n) return VB_EPARSE;
  char sep = s[i + k];
  size_t j = i + k + 1;
  size_t k2 = digits(s, j, n, 2, &b);
  if (k2 == 0 || j + k2 >= n || s[j + k2] != sep) return VB_EPARSE;
  size_t j2 = j + k2 + 1;
  size_t k3 = digits(s, j2, n, 4, &c);
  if (k3 == 0) return VB_EPARSE;
  size_t end = j2 + k3;
  if (k == 4 && (sep == '-' || sep == '/') && k3 <= 2) {
    y = a, m = b, d = c;
  } else if (k <= 2 && (sep == '.' || sep == '/') && k3 == 4) {
    d = a, m = b, y = c;
  } else {
    return VB_EPARSE;
  }
  /* after the date: nothing, or a time introduced by 'T' or a blank */
  if (end < n && s[end] != 'T' && s[end] != ' ' && s[end] != 't') return VB_EPARSE;
  if (end < n && end + 1 < n && !vb__ascii_digit(s[end + 1])) return VB_EPARSE;
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return VB_EPARSE;
  *days = days_from_civil(y, m, d);
  return VB_OK;
}

static long floor_div(long a, long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

long vb_period_key(vb_period p, long days) {
  long y, m, d;
  switch (p) {
  case VB_PERIOD_WEEK: return days - (days + 3 - 7 * floor_div(days + 3, 7)); /* the Monday */
  case VB_PERIOD_MONTH: civil_from_days(days, &y, &m, &d); return y * 12 + m - 1;
  case VB_PERIOD_QUARTER: civil_from_days(days, &y, &m, &d); return y * 4 + (m - 1) / 3;
  default: return days;
  }
}

void vb_period_label(vb_period p, long key, char *buf, size_t cap) {
  long y, m, d;
  if (!buf || cap == 0) return;
  switch (p) {
  case VB_PERIOD_WEEK: {
    /* the ISO year is the year of the week's Thursday */
    civil_from_days(key + 3, &y, &m, &d);
    long week = (key + 3 - days_from_civil(y, 1, 1)) / 7 + 1;
    snprintf(buf, cap, "%04ld-W%02ld", y, week);
    return;
  }
  case VB_PERIOD_MONTH:
    snprintf(buf, cap, "%04ld-%02ld", floor_div(key, 12), key - 12 * floor_div(key, 12) + 1);
    return;
  case VB_PERIOD_QUARTER:
    snprintf(buf, cap, "%04ld-Q%ld", floor_div(key, 4), key - 4 * floor_div(key, 4) + 1);
    return;
  default:
    civil_from_days(key, &y, &m, &d);
    snprintf(buf, cap, "%04ld-%02ld-%02ld", y, m, d);
    return;
  }
}

/* ---- groups ---- */

int vb__agg_group_init(const vb_agg *a, agg_group *g) {
  (void)a;
  memset(g, 0, sizeof *g);
  return VB_OK;
}

int vb__agg_group_cells(const vb_agg *a, agg_group *g) {
  if (g->cells) return VB_OK;
  g->cells = vb__calloc(a->n_themes ? a->n_themes : 1, sizeof *g->cells);
  return g->cells ? VB_OK : VB_ENOMEM;
}

static void cell_free(const vb_agg *a, agg_cell *c) {
  if (!c->h) return;
  for (size_t s = 0; s < a->n_scores; s++) vb__hist_free(&c->h[s]);
  vb__free(c->h);
  c->h = NULL;
}

void vb__agg_group_free(const vb_agg *a, agg_group *g) {
  if (g->cells)
    for (size_t i = 0; i < a->n_themes; i++) cell_free(a, &g->cells[i]);
  vb__free(g->cells);
  for (size_t s = 0; s < VB_AGG_MAX_SCORES; s++) vb__hist_free(&g->hist[s]);
  for (size_t i = 0; i < g->n_splits; i++) vb__hist_free(&g->splits[i].h);
  vb__free(g->splits);
  vb__free(g->name);
  memset(g, 0, sizeof *g);
}

static int cell_hists(const vb_agg *a, agg_cell *c) {
  if (c->h || a->n_scores == 0) return VB_OK;
  c->h = vb__calloc(a->n_scores, sizeof *c->h);
  return c->h ? VB_OK : VB_ENOMEM;
}

/* Entries are few (top-level themes x the distinct k that occur): a sorted array, found by
 * binary search, kept in (root, k) order so that every sum over them runs in one order. */
int vb__agg_split_add(agg_group *g, uint32_t root, uint32_t k, int64_t value, uint64_t count) {
  size_t lo = 0, hi = g->n_splits;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const agg_split *e = &g->splits[mid];
    if (e->root < root || (e->root == root && e->k < k))
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == g->n_splits || g->splits[lo].root != root || g->splits[lo].k != k) {
    if (vb__grow(&g->splits, &g->cap_splits, g->n_splits + 1, sizeof *g->splits)) return VB_ENOMEM;
    memmove(&g->splits[lo + 1], &g->splits[lo], (g->n_splits - lo) * sizeof *g->splits);
    memset(&g->splits[lo], 0, sizeof g->splits[lo]);
    g->splits[lo].root = root;
    g->splits[lo].k = k;
    g->n_splits++;
  }
  return vb__hist_add(&g->splits[lo].h, value, count);
}

int vb__agg_group_merge(const vb_agg *a, agg_group *into, const agg_group *from) {
  into->records += from->records;
  into->analysed += from->analysed;
  into->errors += from->errors;
  for (int l = 0; l < VB_LANG_COUNT; l++) into->by_lang[l] += from->by_lang[l];
  for (int k = 0; k < 3; k++) into->sent[k] += from->sent[k];
  for (size_t s = 0; s < a->n_scores; s++) {
    into->missing[s] += from->missing[s];
    into->bad[s] += from->bad[s];
    if (vb__hist_merge(&into->hist[s], &from->hist[s])) return VB_ENOMEM;
  }
  if (from->cells) {
    if (vb__agg_group_cells(a, into)) return VB_ENOMEM;
    for (size_t i = 0; i < a->n_themes; i++) {
      const agg_cell *f = &from->cells[i];
      agg_cell *c = &into->cells[i];
      if (!f->n) continue;
      c->n += f->n;
      c->neg += f->neg;
      c->pos += f->pos;
      if (f->h) {
        if (cell_hists(a, c)) return VB_ENOMEM;
        for (size_t s = 0; s < a->n_scores; s++)
          if (vb__hist_merge(&c->h[s], &f->h[s])) return VB_ENOMEM;
      }
    }
  }
  for (size_t i = 0; i < from->n_splits; i++) {
    const agg_split *e = &from->splits[i];
    for (size_t k = 0; k < e->h.n; k++)
      if (vb__agg_split_add(into, e->root, e->k, e->h.bins[k].value, e->h.bins[k].count))
        return VB_ENOMEM;
  }
  return VB_OK;
}

bool vb__agg_questions_ok(size_t n, const char *const *names) {
  if (n == 0) return true;
  if (n == 1 || n > VB_AGG_MAX_QUESTIONS || !names) return false;
  for (size_t i = 0; i < n; i++) {
    if (!names[i] || !names[i][0]) return false;
    for (size_t k = 0; k < i; k++)
      if (strcmp(names[k], names[i]) == 0) return false;
  }
  return true;
}

int vb__agg_questions(vb_agg *a, size_t n, const char *const *names) {
  if (n == 0) return VB_OK;
  if (!vb__agg_questions_ok(n, names)) return VB_EINVAL;
  a->ques = vb__calloc(n, sizeof *a->ques);
  if (!a->ques) return VB_ENOMEM;
  a->n_ques = n;
  for (size_t i = 0; i < n; i++) {
    agg_group *g = &a->ques[i];
    vb__agg_group_init(a, g);
    g->name_len = strlen(names[i]);
    g->name = vb__strndup(names[i], g->name_len);
    if (!g->name) return VB_ENOMEM;
  }
  return VB_OK;
}

agg_group *vb__agg_segment(vb_agg *a, const char *name, size_t len, int create) {
  uint32_t idx;
  if (vb__strmap_get(&a->seg_index, name, len, &idx)) return &a->segs[idx];
  if (!create || a->n_segs >= VB_AGG_MAX_SEGMENTS) return NULL;
  if (vb__grow(&a->segs, &a->cap_segs, a->n_segs + 1, sizeof *a->segs)) return NULL;
  agg_group *g = &a->segs[a->n_segs];
  vb__agg_group_init(a, g);
  g->name = vb__strndup(name, len);
  g->name_len = len;
  bool found;
  if (!g->name || vb__strmap_put(&a->seg_index, name, len, (uint32_t)a->n_segs, &found, NULL)) {
    vb__agg_group_free(a, g);
    return NULL;
  }
  a->n_segs++;
  return g;
}

agg_group *vb__agg_period(vb_agg *a, long key, int create) {
  unsigned char k[8];
  uint64_t u = (uint64_t)key;
  for (int i = 0; i < 8; i++) k[i] = (unsigned char)(u >> (8 * i));
  uint32_t idx;
  if (vb__strmap_get(&a->per_index, (const char *)k, 8, &idx)) return &a->pers[idx];
  if (!create || a->n_pers >= VB_AGG_MAX_PERIODS) return NULL;
  if (vb__grow(&a->pers, &a->cap_pers, a->n_pers + 1, sizeof *a->pers)) return NULL;
  agg_group *g = &a->pers[a->n_pers];
  vb__agg_group_init(a, g);
  g->key = key;
  bool found;
  if (vb__strmap_put(&a->per_index, (const char *)k, 8, (uint32_t)a->n_pers, &found, NULL)) {
    vb__agg_group_free(a, g);
    return NULL;
  }
  a->n_pers++;
  return g;
}

/* ---- quotes ---- */

/* The normalised text behind de-duplication: ASCII letters and digits lower-cased, every run of
 * other ASCII characters (blanks, punctuation) one separator, other bytes as they are. */
static size_t normalise(const char *s, size_t n, unsigned char *out) {
  size_t k = 0;
  bool sep = false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80 && !vb__ascii_alpha(c) && !vb__ascii_digit(c)) {
      sep = k > 0;
      continue;
    }
    if (sep) out[k++] = ' ';
    sep = false;
    out[k++] = (unsigned char)vb__ascii_lower(c);
  }
  return k;
}

/* Neither of the two below allocates: a failed allocation here would give a wrong hash or a
 * wrong "different" silently (the allocation-failure test found it: a saved state then did not
 * read back). The normalised text is never longer than the text. */
uint64_t vb__quote_norm_hash(const char *s, size_t n) {
  unsigned char b[2 * AGG_QUOTE_MAX];
  if (n > sizeof b) n = sizeof b; /* quotes are at most AGG_QUOTE_MAX bytes */
  return vb__hash(b, normalise(s, n, b));
}

/* The next byte of the normalised text of s[0..n) from *i (*sep: a separator is pending), or -1
 * at its end; the same text normalise() writes. */
static int norm_next(const char *s, size_t n, size_t *i, bool *sep, bool *any) {
  while (*i < n) {
    unsigned char c = (unsigned char)s[*i];
    if (c < 0x80 && !vb__ascii_alpha(c) && !vb__ascii_digit(c)) {
      *sep = *any;
      (*i)++;
      continue;
    }
    if (*sep) {
      *sep = false;
      return ' ';
    }
    (*i)++;
    *any = true;
    return vb__ascii_lower(c);
  }
  return -1;
}

int vb__quote_norm_eq(const char *a, size_t na, const char *b, size_t nb) {
  size_t i = 0, j = 0;
  bool sa = false, sb = false, aa = false, ab = false;
  for (;;) {
    int x = norm_next(a, na, &i, &sa, &aa), y = norm_next(b, nb, &j, &sb, &ab);
    if (x != y) return 0;
    if (x < 0) return 1;
  }
}

int vb__quote_cmp(const agg_quote *x, const agg_quote *y) {
#define CMP(a, b) do { if ((a) != (b)) return (a) < (b) ? -1 : 1; } while (0)
  CMP(y->quality, x->quality); /* larger quality first */
  CMP(x->tie, y->tie);
  CMP(x->len, y->len);
  int c = memcmp(x->text, y->text, x->len);
  if (c) return c < 0 ? -1 : 1;
  CMP(x->span_s, y->span_s);
  CMP(x->span_e, y->span_e);
  CMP(x->cut_s, y->cut_s);
  CMP(x->cut_e, y->cut_e);
  c = strcmp(x->id, y->id);
  if (c) return c < 0 ? -1 : 1;
  CMP(x->sent, y->sent);
  CMP(x->has_score, y->has_score);
  CMP(x->score, y->score);
  return 0;
#undef CMP
}

static void quote_free(agg_quote *q) {
  vb__free(q->text);
  vb__free(q->id);
  q->text = q->id = NULL;
}

void vb__qlist_free(agg_qlist *l) {
  for (uint32_t i = 0; i < l->n; i++) quote_free(&l->q[i]);
  l->n = 0;
}

/* Would a quote of this quality enter the list? (Exact ties are settled by vb__quote_cmp.) */
static bool qlist_may_take(const agg_qlist *l, int64_t quality) {
  return l->n < VB_AGG_QUOTES || quality >= l->q[l->n - 1].quality;
}

/* Inserts q keeping the best VB_AGG_QUOTES distinct normalised texts, each with its best
 * instance. `copy`: duplicate q's strings; else the list takes them (or frees them). */
int vb__qlist_insert(agg_qlist *l, const agg_quote *q, int copy) {
  agg_quote c = *q;
  if (copy) {
    c.text = vb__strndup(q->text, q->len);
    c.id = vb__strdup(q->id);
    if (!c.text || !c.id) {
      quote_free(&c);
      return VB_ENOMEM;
    }
  }
  for (uint32_t i = 0; i < l->n; i++) {
    if (l->q[i].tie != c.tie || !vb__quote_norm_eq(l->q[i].text, l->q[i].len, c.text, c.len))
      continue;
    if (vb__quote_cmp(&c, &l->q[i]) >= 0) { /* the one kept is at least as good */
      quote_free(&c);
      return VB_OK;
    }
    quote_free(&l->q[i]);
    memmove(&l->q[i], &l->q[i + 1], (l->n - i - 1) * sizeof l->q[0]);
    l->n--;
    break;
  }
  if (l->n == VB_AGG_QUOTES) {
    if (vb__quote_cmp(&c, &l->q[l->n - 1]) >= 0) {
      quote_free(&c);
      return VB_OK;
    }
    quote_free(&l->q[--l->n]);
  }
  uint32_t pos = l->n;
  while (pos > 0 && vb__quote_cmp(&c, &l->q[pos - 1]) < 0) pos--;
  memmove(&l->q[pos + 1], &l->q[pos], (l->n - pos) * sizeof l->q[0]);
  l->q[pos] = c;
  l->n++;
  return VB_OK;
}

static bool cont_byte(const char *t, size_t i) { return ((unsigned char)t[i] & 0xC0) == 0x80; }

/* Whether a blank line ends at byte k of t: "\n\n" or "\n\r\n" just before it. */
static bool blank_line_before(const char *t, size_t k) {
  return k >= 2 && t[k - 1] == '\n' &&
         (t[k - 2] == '\n' || (k >= 3 && t[k - 2] == '\r' && t[k - 3] == '\n'));
}

/* An excerpt of at most AGG_QUOTE_MAX bytes around [s, e), within the paragraph that holds it
 * (a blank line ends one: the answers to a survey's several questions, joined, or a
 * respondent's turns), cut at characters and, where one is near, at blanks. */
static void excerpt(const char *t, size_t len, size_t s, size_t e, size_t *from, size_t *to) {
  if (e > len) e = len;
  if (s > e) s = e;
  /* the paragraph, looked for only as far as an excerpt could reach */
  size_t p0 = 0, p1 = len;
  for (size_t k = s; k > 0 && k + AGG_QUOTE_MAX > s; k--)
    if (blank_line_before(t, k)) {
      p0 = k;
      break;
    }
  for (size_t k = e; k + 1 < len && k < e + AGG_QUOTE_MAX; k++)
    if (t[k] == '\n' &&
        (t[k + 1] == '\n' || (t[k + 1] == '\r' && k + 2 < len && t[k + 2] == '\n'))) {
      p1 = k;
      break;
    }
  if (p0 > 0 || p1 < len) {
    excerpt(t + p0, p1 - p0, s - p0, e - p0, from, to);
    *from += p0;
    *to += p0;
    return;
  }
  if (len <= AGG_QUOTE_MAX) {
    *from = 0;
    *to = len;
    return;
  }
  size_t a = s > 80 ? s - 80 : 0;
  size_t b = a + AGG_QUOTE_MAX < len ? a + AGG_QUOTE_MAX : len;
  if (b < e) {
    b = e + 20 < len ? e + 20 : len;
    a = b > AGG_QUOTE_MAX ? b - AGG_QUOTE_MAX : 0;
  }
  while (a < len && cont_byte(t, a)) a++;
  while (b > a && b < len && cont_byte(t, b)) b--;
  if (a > 0)
    for (size_t k = a; k < a + 24 && k < s && k < b; k++)
      if (t[k] == ' ' || t[k] == '\n') {
        a = k + 1;
        break;
      }
  if (b < len)
    for (size_t k = b; k > b - 24 && k > e && k > a; k--)
      if (t[k - 1] == ' ' || t[k - 1] == '\n') {
        b = k - 1;
        break;
      }
  *from = a;
  *to = b;
}

static size_t count_words(const char *t, size_t len) {
  size_t w = 0;
  bool in = false;
  for (size_t i = 0; i < len; i++) {
    bool blank = t[i] == ' ' || t[i] == '\n' || t[i] == '\t' || t[i] == '\r';
    if (!blank && !in) w++;
    in = !blank;
  }
  return w;
}

static int64_t length_bonus(size_t words) {
  if (words >= 6 && words <= 40) return 1000;
  if ((words >= 3 && words < 6) || (words > 40 && words <= 80)) return 400;
  return 0;
}

static int64_t milli(double v) { return (int64_t)llround(v * 1000.0); }

/* Offers a quote to a list: built only when it could enter. */
static int offer_quote(agg_qlist *l, int64_t quality, const char *text, size_t len, size_t s,
                       size_t e, double sent, const vb_agg_record *rec, const vb_value *score0) {
  if (!qlist_may_take(l, quality)) return VB_OK;
  size_t a, b;
  excerpt(text, len, s, e, &a, &b);
  agg_quote q = {0};
  q.quality = quality;
  /* a NUL byte (JSON "\u0000") becomes a blank: quotes are C strings in the state file */
  char buf[AGG_QUOTE_MAX + 1];
  memcpy(buf, text + a, b - a);
  for (size_t i = 0; i < b - a; i++)
    if (buf[i] == '\0') buf[i] = ' ';
  q.text = buf;
  q.len = (uint32_t)(b - a);
  q.span_s = (uint32_t)(s < a ? 0 : s - a > q.len ? q.len : s - a);
  q.span_e = (uint32_t)(e < a ? 0 : e - a > q.len ? q.len : e - a);
  if (q.span_e < q.span_s) q.span_e = q.span_s;
  q.cut_s = a > 0;
  q.cut_e = b < len;
  q.tie = vb__quote_norm_hash(q.text, q.len);
  size_t idl = rec->id ? rec->id_len : 0;
  if (idl > AGG_ID_MAX) idl = AGG_ID_MAX;
  while (idl > 0 && idl < (rec->id ? rec->id_len : 0) && cont_byte(rec->id, idl)) idl--;
  char idbuf[AGG_ID_MAX + 1];
  if (idl) memcpy(idbuf, rec->id, idl);
  idbuf[idl] = '\0';
  for (size_t i = 0; i < idl; i++)
    if ((unsigned char)idbuf[i] < 0x20) idbuf[i] = ' ';
  q.id = idbuf;
  q.sent = (int32_t)milli(sent);
  if (score0 && score0->status == VB_VALUE_OK) {
    q.has_score = 1;
    q.score = milli(score0->v);
  }
  return vb__qlist_insert(l, &q, 1);
}

/* ---- themes mentioned together ---- */

bool vb__agg_pairable(const vb_agg *a, size_t t, size_t u) {
  const vb__theme *th = a->model->themes;
  if (t == u || th[t].brand || th[u].brand) return false;
  for (long p = th[t].parent; p >= 0; p = th[p].parent)
    if ((size_t)p == u) return false;
  for (long p = th[u].parent; p >= 0; p = th[p].parent)
    if ((size_t)p == t) return false;
  return true;
}

bool vb__agg_brand_pairable(const vb_agg *a, size_t b, size_t t) {
  const vb__theme *th = a->model->themes;
  return th[b].brand && th[b].parent >= 0 && !th[t].brand;
}

bool vb__agg_brands_pairable(const vb_agg *a, size_t b, size_t c) {
  const vb__theme *th = a->model->themes;
  if (b == c || !th[b].brand || !th[c].brand || th[b].parent < 0 || th[c].parent < 0)
    return false;
  for (long p = th[b].parent; p >= 0; p = th[p].parent)
    if ((size_t)p == c) return false;
  for (long p = th[c].parent; p >= 0; p = th[p].parent)
    if ((size_t)p == b) return false;
  return true;
}

static size_t pair_home(uint32_t a, uint32_t b, size_t cap) {
  uint64_t k = ((uint64_t)a << 32 | b) * 0x9E3779B97F4A7C15ull;
  return (size_t)(k >> 32) & (cap - 1);
}

agg_pair *vb__agg_pair(agg_pairs *p, uint32_t a, uint32_t b) {
  if (p->cap) {
    for (size_t i = pair_home(a, b, p->cap);; i = (i + 1) & (p->cap - 1)) {
      agg_pair *e = &p->slot[i];
      if (e->n == 0) break;
      if (e->a == a && e->b == b) return e;
    }
  }
  if (2 * (p->used + 1) > p->cap) { /* at most half full */
    size_t cap = p->cap ? 2 * p->cap : 64;
    agg_pair *slot = vb__calloc(cap, sizeof *slot);
    if (!slot) return NULL;
    for (size_t j = 0; j < p->cap; j++) {
      if (!p->slot[j].n) continue;
      size_t i = pair_home(p->slot[j].a, p->slot[j].b, cap);
      while (slot[i].n) i = (i + 1) & (cap - 1);
      slot[i] = p->slot[j];
    }
    vb__free(p->slot);
    p->slot = slot;
    p->cap = cap;
  }
  size_t i = pair_home(a, b, p->cap);
  while (p->slot[i].n) i = (i + 1) & (p->cap - 1);
  /* the caller counts at once: n > 0 is what marks a slot taken */
  agg_pair *e = &p->slot[i];
  memset(e, 0, sizeof *e);
  e->a = a;
  e->b = b;
  p->used++;
  return e;
}

static int cmp_pair(const void *x, const void *y) {
  const agg_pair *p = *(const agg_pair *const *)x, *q = *(const agg_pair *const *)y;
  if (p->a != q->a) return p->a < q->a ? -1 : 1;
  return p->b < q->b ? -1 : p->b > q->b;
}

int vb__agg_pairs_sorted(const agg_pairs *p, const agg_pair ***out) {
  *out = NULL;
  if (!p->used) return VB_OK;
  const agg_pair **v = vb__calloc(p->used, sizeof *v);
  if (!v) return VB_ENOMEM;
  size_t k = 0;
  for (size_t i = 0; i < p->cap; i++)
    if (p->slot[i].n) v[k++] = &p->slot[i];
  qsort(v, k, sizeof *v, cmp_pair);
  *out = v;
  return VB_OK;
}

static void pairs_free(agg_pairs *p) {
  for (size_t i = 0; i < p->cap; i++) vb__hist_free(&p->slot[i].h);
  vb__free(p->slot);
  memset(p, 0, sizeof *p);
}

static int pairs_merge(agg_pairs *into, const agg_pairs *from) {
  into->unknown = into->unknown || from->unknown;
  for (size_t i = 0; i < from->cap; i++) {
    const agg_pair *f = &from->slot[i];
    if (!f->n) continue;
    agg_pair *e = vb__agg_pair(into, f->a, f->b);
    if (!e) return VB_ENOMEM;
    e->n += f->n;
    e->neg += f->neg;
    e->pos += f->pos;
    e->aneg += f->aneg;
    e->apos += f->apos;
    if (vb__hist_merge(&e->h, &f->h)) return VB_ENOMEM;
  }
  return VB_OK;
}

/* Counts the pairs among the record's themes (a->touched, with a->flags): two topics, a
 * brand and a topic (whose flags say how the topic was mentioned), or two brands (both sides'
 * flags). */
static int pairs_add(vb_agg *a, const vb_value *sc, size_t nt) {
  for (size_t k = 0; k < nt; k++)
    for (size_t l = k + 1; l < nt; l++) {
      size_t t = a->touched[k], u = a->touched[l];
      agg_pair *e;
      if (vb__agg_pairable(a, t, u)) {
        e = vb__agg_pair(&a->pairs, (uint32_t)(t < u ? t : u), (uint32_t)(t < u ? u : t));
      } else if (vb__agg_brands_pairable(a, t, u)) {
        if (t > u) {
          size_t x = t;
          t = u;
          u = x;
        }
        e = vb__agg_pair(&a->bbpairs, (uint32_t)t, (uint32_t)u);
        if (e) {
          e->aneg += (a->flags[t] & 1) != 0;
          e->apos += (a->flags[t] & 2) != 0;
          e->neg += (a->flags[u] & 1) != 0;
          e->pos += (a->flags[u] & 2) != 0;
        }
      } else {
        if (vb__agg_brand_pairable(a, u, t)) {
          size_t x = t;
          t = u; /* the brand first */
          u = x;
        } else if (!vb__agg_brand_pairable(a, t, u)) {
          continue;
        }
        e = vb__agg_pair(&a->bpairs, (uint32_t)t, (uint32_t)u);
        if (e) {
          e->neg += (a->flags[u] & 1) != 0;
          e->pos += (a->flags[u] & 2) != 0;
        }
      }
      if (!e) return VB_ENOMEM;
      e->n++;
      if (a->n_scores && sc[0].status == VB_VALUE_OK && vb__hist_add(&e->h, milli(sc[0].v), 1))
        return VB_ENOMEM;
    }
  return VB_OK;
}

/* ---- new / free ---- */

static char *dup_or_null(const char *s, int *fail) {
  if (!s) return NULL;
  char *d = vb__strdup(s);
  if (!d) *fail = 1;
  return d;
}

int vb_agg_new_with(const vb_model *model, const vb_agg_options *o, vb_agg **out) {
  if (!model || !o || !out) return VB_EINVAL;
  *out = NULL;
  if (o->n_scores > VB_AGG_MAX_SCORES || o->n_drivers > VB_AGG_MAX_DRIVERS ||
      (o->n_scores && !o->score_types) || (o->n_drivers && !o->driver_names) ||
      (o->period != VB_PERIOD_NONE) != (o->date != NULL) || o->period < VB_PERIOD_NONE ||
      o->period > VB_PERIOD_QUARTER || ((o->drivers || o->n_drivers) && o->n_scores == 0) ||
      !vb__agg_questions_ok(o->n_questions, o->question_names))
    return VB_EINVAL;
  for (size_t s = 0; s < o->n_scores; s++)
    if (o->score_types[s] <= VB_SCORE_NONE || o->score_types[s] > VB_SCORE_RATING)
      return VB_EINVAL;
  vb_agg *a = vb__calloc(1, sizeof *a);
  if (!a) return VB_ENOMEM;
  a->model = model;
  a->n_themes = model->n_themes;
  a->n_scores = o->n_scores;
  int fail = 0;
  for (size_t s = 0; s < o->n_scores; s++) {
    a->type[s] = o->score_types[s];
    a->score_name[s] = dup_or_null(o->score_names ? o->score_names[s] : NULL, &fail);
  }
  a->by = dup_or_null(o->by, &fail);
  a->date = dup_or_null(o->date, &fail);
  a->period = o->period;
  a->drivers = o->drivers || o->n_drivers;
  a->n_drivers = o->n_drivers;
  for (size_t d = 0; d < o->n_drivers; d++) {
    a->driver_name[d] = dup_or_null(o->driver_names[d], &fail);
    if (!o->driver_names[d]) fail = 1;
  }
  if (!fail && vb__agg_questions(a, o->n_questions, o->question_names) == VB_ENOMEM) fail = 1;
  vb__agg_group_init(a, &a->all);
  vb__strmap_init(&a->seg_index);
  vb__strmap_init(&a->per_index);
  size_t nt = a->n_themes ? a->n_themes : 1;
  a->neg_h = vb__calloc(nt, sizeof *a->neg_h);
  a->pos_h = vb__calloc(nt, sizeof *a->pos_h);
  a->tq = vb__calloc(2 * nt, sizeof *a->tq);
  a->sq = vb__calloc(2 * nt, sizeof *a->sq);
  a->root = vb__calloc(nt, sizeof *a->root);
  a->root_of = vb__calloc(nt, sizeof *a->root_of);
  a->stamp = vb__calloc(nt, sizeof *a->stamp);
  a->flags = vb__calloc(nt, sizeof *a->flags);
  a->touched = vb__calloc(nt, sizeof *a->touched);
  a->best_neg = vb__calloc(nt, sizeof *a->best_neg);
  a->best_pos = vb__calloc(nt, sizeof *a->best_pos);
  a->best_neg_m = vb__calloc(nt, sizeof *a->best_neg_m);
  a->best_pos_m = vb__calloc(nt, sizeof *a->best_pos_m);
  if (fail || !a->neg_h || !a->pos_h || !a->tq || !a->sq || !a->root || !a->root_of || !a->stamp ||
      !a->flags || !a->touched || !a->best_neg || !a->best_pos || !a->best_neg_m ||
      !a->best_pos_m || vb__agg_group_cells(a, &a->all))
    goto oom;
  /* top-level themes are numbered in codebook order */
  for (size_t i = 0; i < a->n_themes; i++)
    if (model->themes[i].parent < 0) {
      a->root[i] = a->n_roots;
      a->root_of[a->n_roots++] = (long)i;
    }
  for (size_t i = 0; i < a->n_themes; i++) {
    long r = (long)i;
    while (model->themes[r].parent >= 0) r = model->themes[r].parent;
    a->root[i] = a->root[r];
  }
  if (a->drivers) {
    a->drv = vb__calloc(1, sizeof *a->drv);
    if (!a->drv) goto oom;
    a->drv->tc = vb__calloc(nt, sizeof *a->drv->tc);
    a->drv->ty = vb__calloc(nt, sizeof *a->drv->ty);
    a->drv->tt = vb__calloc(nt * nt, sizeof *a->drv->tt);
    a->drv->sxt = vb__calloc(nt * (a->n_drivers ? a->n_drivers : 1), sizeof *a->drv->sxt);
    if (!a->drv->tc || !a->drv->ty || !a->drv->tt || !a->drv->sxt) goto oom;
  }
  *out = a;
  return VB_OK;
oom:
  vb_agg_free(a);
  return VB_ENOMEM;
}

int vb_agg_new(const vb_model *model, vb_score_type type, vb_agg **out) {
  vb_agg_options o = {0};
  o.n_scores = type == VB_SCORE_NONE ? 0 : 1;
  o.score_types = &type;
  return vb_agg_new_with(model, &o, out);
}

void vb_agg_free(vb_agg *a) {
  if (!a) return;
  vb__agg_group_free(a, &a->all);
  for (size_t i = 0; i < a->n_segs; i++) vb__agg_group_free(a, &a->segs[i]);
  for (size_t i = 0; i < a->n_pers; i++) vb__agg_group_free(a, &a->pers[i]);
  for (size_t i = 0; i < a->n_ques; i++) vb__agg_group_free(a, &a->ques[i]);
  vb__free(a->ques);
  vb__free(a->segs);
  vb__free(a->pers);
  vb__strmap_free(&a->seg_index);
  vb__strmap_free(&a->per_index);
  for (size_t s = 0; s < VB_AGG_MAX_SCORES; s++) vb__free(a->score_name[s]);
  for (size_t d = 0; d < VB_AGG_MAX_DRIVERS; d++) vb__free(a->driver_name[d]);
  vb__free(a->by);
  vb__free(a->date);
  for (size_t i = 0; i < a->n_themes; i++) {
    if (a->neg_h) vb__hist_free(&a->neg_h[i]);
    if (a->pos_h) vb__hist_free(&a->pos_h[i]);
    if (a->tq) {
      vb__qlist_free(&a->tq[2 * i]);
      vb__qlist_free(&a->tq[2 * i + 1]);
    }
    if (a->sq) {
      vb__qlist_free(&a->sq[2 * i]);
      vb__qlist_free(&a->sq[2 * i + 1]);
    }
  }
  for (int k = 0; k < 3; k++) vb__hist_free(&a->doc_h[k]);
  for (int v = 0; v <= 10; v++) {
    vb__qlist_free(&a->vq[v][0]);
    vb__qlist_free(&a->vq[v][1]);
  }
  vb__free(a->neg_h);
  vb__free(a->pos_h);
  vb__free(a->tq);
  vb__free(a->sq);
  pairs_free(&a->pairs);
  pairs_free(&a->sw);
  pairs_free(&a->bpairs);
  pairs_free(&a->bbpairs);
  if (a->drv) {
    vb__free(a->drv->tc);
    vb__free(a->drv->ty);
    vb__free(a->drv->tt);
    vb__free(a->drv->sxt);
    vb__free(a->drv);
  }
  vb__free(a->root);
  vb__free(a->root_of);
  vb__free(a->stamp);
  vb__free(a->flags);
  vb__free(a->touched);
  vb__free(a->best_neg);
  vb__free(a->best_pos);
  vb__free(a->best_neg_m);
  vb__free(a->best_pos_m);
  vb__free(a);
}

/* ---- adding records ---- */

/* Adds the record to one group; `nt` themes of the record are in a->touched, `nroots` of them
 * top-level; `label` is the sentiment of the record (of the answer, for a question). */
static int group_add(vb_agg *a, agg_group *g, const vb_agg_record *rec, const vb_value *sc,
                     size_t nt, uint32_t nroots, bool is_period, int label) {
  g->records++;
  if (!rec->result) {
    g->errors++;
    return VB_OK;
  }
  g->analysed++;
  vb_lang lang = vb_result_lang(rec->result);
  g->by_lang[(lang >= 0 && lang < VB_LANG_COUNT) ? lang : 0]++;
  g->sent[label < 0 ? 0 : label > 0 ? 2 : 1]++;
  for (size_t s = 0; s < a->n_scores; s++) {
    if (sc[s].status == VB_VALUE_OK) {
      if (vb__hist_add(&g->hist[s], milli(sc[s].v), 1)) return VB_ENOMEM;
    } else {
      g->missing[s]++;
      if (sc[s].status == VB_VALUE_BAD) g->bad[s]++;
    }
  }
  if (vb__agg_group_cells(a, g)) return VB_ENOMEM;
  for (size_t k = 0; k < nt; k++) {
    size_t t = a->touched[k];
    agg_cell *c = &g->cells[t];
    c->n++;
    if (a->flags[t] & 1) c->neg++;
    if (a->flags[t] & 2) c->pos++;
    for (size_t s = 0; s < a->n_scores; s++) {
      if (sc[s].status != VB_VALUE_OK) continue;
      if (cell_hists(a, c) || vb__hist_add(&c->h[s], milli(sc[s].v), 1)) return VB_ENOMEM;
    }
  }
  if (is_period && a->n_scores && sc[0].status == VB_VALUE_OK) {
    int64_t y = milli(sc[0].v);
    if (nroots == 0 && vb__agg_split_add(g, 0, 0, y, 1)) return VB_ENOMEM;
    for (size_t k = 0; k < nt; k++) {
      size_t t = a->touched[k];
      if (vb__topic_root(&a->model->themes[t]) &&
          vb__agg_split_add(g, (uint32_t)a->root[t] + 1, nroots, y, 1))
        return VB_ENOMEM;
    }
  }
  return VB_OK;
}

static int drivers_add(vb_agg *a, const vb_agg_record *rec, const vb_value *sc, size_t nt) {
  agg_drv *d = a->drv;
  if (!rec->result || sc[0].status != VB_VALUE_OK) return VB_OK;
  int64_t x[VB_AGG_MAX_DRIVERS];
  for (size_t j = 0; j < a->n_drivers; j++) {
    if (!rec->drivers || rec->drivers[j].status != VB_VALUE_OK ||
        !(fabs(rec->drivers[j].v) < 1e12))
      return VB_OK; /* listwise: every driver column must be there */
    x[j] = milli(rec->drivers[j].v);
  }
  int64_t y = milli(sc[0].v);
  size_t T = a->n_themes;
  d->n++;
  vb__i128_add64(&d->sy, y);
  vb__i128_addmul(&d->syy, y, y);
  for (size_t k = 0; k < nt; k++) {
    size_t t = a->touched[k];
    d->tc[t]++;
    vb__i128_add64(&d->ty[t], y);
    for (size_t l = k + 1; l < nt; l++) {
      size_t u = a->touched[l];
      d->tt[t < u ? t * T + u : u * T + t]++;
    }
  }
  for (size_t j = 0; j < a->n_drivers; j++) {
    vb__i128_add64(&d->sx[j], x[j]);
    vb__i128_addmul(&d->sxy[j], x[j], y);
    for (size_t i = 0; i < a->n_drivers; i++)
      vb__i128_addmul(&d->sxx[j * VB_AGG_MAX_DRIVERS + i], x[j], x[i]);
    for (size_t k = 0; k < nt; k++) vb__i128_add64(&d->sxt[j * T + a->touched[k]], x[j]);
  }
  return VB_OK;
}

static int quotes_add(vb_agg *a, const vb_agg_record *rec, const vb_value *sc, size_t nt) {
  const vb_result *r = rec->result;
  size_t len;
  const char *text = vb_result_text(r, &len);
  if (!text || len == 0) return VB_OK;
  const vb_mention *m;
  vb_result_mentions(r, &m);
  const vb_sentiment *sent = vb_result_sentiment(r);
  size_t words = count_words(text, len);
  int64_t lb = length_bonus(words);
  int rc;
  for (size_t k = 0; k < nt; k++) {
    size_t t = a->touched[k];
    if (a->flags[t] & 1) {
      const vb_mention *mm = &m[a->best_neg_m[t]];
      int64_t q = 2 * milli(fabs(mm->sentiment)) + lb + (sent->label < 0 ? 1000 : 0);
      if ((rc = offer_quote(&a->tq[2 * t], q, text, len, mm->start, mm->end, mm->sentiment, rec,
                            a->n_scores ? &sc[0] : NULL)))
        return rc;
    }
    if (a->flags[t] & 2) {
      const vb_mention *mm = &m[a->best_pos_m[t]];
      int64_t q = 2 * milli(fabs(mm->sentiment)) + lb + (sent->label > 0 ? 1000 : 0);
      if ((rc = offer_quote(&a->tq[2 * t + 1], q, text, len, mm->start, mm->end, mm->sentiment,
                            rec, a->n_scores ? &sc[0] : NULL)))
        return rc;
    }
  }
  /* whole texts by their score, for mismatches and testimonials */
  if (a->n_scores && sc[0].status == VB_VALUE_OK && sc[0].v >= 0 && sc[0].v <= 10 &&
      sc[0].v == floor(sc[0].v) && sent->label != 0) {
    int v = (int)sc[0].v;
    size_t themes = 0;
    for (size_t k = 0; k < nt; k++)
      if (vb__topic_root(&a->model->themes[a->touched[k]])) themes++;
    int64_t q = 2 * milli(fabs(sent->score)) + lb;
    if (sent->label > 0) q += 300 * (int64_t)(themes < 3 ? themes : 3);
    if ((rc = offer_quote(&a->vq[v][sent->label > 0], q, text, len, 0, 0, sent->score, rec,
                          &sc[0])))
      return rc;
  }
  return VB_OK;
}

/* The switches between brands the record says (vb_switch), each (from, to) once, and the
 * record as a quote of each brand left or taken up (once per brand and side), the switch
 * marked: longer, more opinionated texts first, as for the themes' quotes. */
static int switches_add(vb_agg *a, const vb_agg_record *rec, const vb_value *sc) {
  const vb_result *r = rec->result;
  const vb_switch *w;
  size_t n = vb_result_switches(r, &w), len;
  if (n == 0) return VB_OK;
  const char *text = vb_result_text(r, &len);
  int64_t q = length_bonus(count_words(text, len)) +
              2 * milli(fabs(vb_result_sentiment(r)->score));
  int rc;
  for (size_t i = 0; i < n; i++) {
    bool seen = false, from_seen = false, to_seen = false;
    for (size_t k = 0; k < i; k++) {
      seen |= w[k].from == w[i].from && w[k].to == w[i].to;
      from_seen |= w[k].from == w[i].from;
      to_seen |= w[k].to == w[i].to;
    }
    if (seen) continue;
    uint32_t f = w[i].from == SIZE_MAX ? AGG_NO_BRAND : (uint32_t)w[i].from;
    uint32_t t = w[i].to == SIZE_MAX ? AGG_NO_BRAND : (uint32_t)w[i].to;
    agg_pair *e = vb__agg_pair(&a->sw, f, t);
    if (!e) return VB_ENOMEM;
    e->n++;
    if (a->n_scores && sc[0].status == VB_VALUE_OK && vb__hist_add(&e->h, milli(sc[0].v), 1))
      return VB_ENOMEM;
    const vb_value *s0 = a->n_scores ? &sc[0] : NULL;
    double sent = vb_result_sentiment(r)->score;
    if (f != AGG_NO_BRAND && !from_seen &&
        (rc = offer_quote(&a->sq[2 * f], q, text, len, w[i].start, w[i].end, sent, rec, s0)))
      return rc;
    if (t != AGG_NO_BRAND && !to_seen &&
        (rc = offer_quote(&a->sq[2 * t + 1], q, text, len, w[i].start, w[i].end, sent, rec, s0)))
      return rc;
  }
  return VB_OK;
}

/* The themes mentioned in bytes [from, to) of the result's text, each once, with their
 * parents, into a->touched (returns how many; *nroots of them top-level), with a->flags
 * (1: a mention in a negative clause, 2: in a positive one) and the strongest mention of each
 * sign. */
static size_t touch_themes(vb_agg *a, const vb_result *r, size_t from, size_t to,
                           uint32_t *nroots) {
  if (++a->cur == 0) {
    memset(a->stamp, 0, a->n_themes * sizeof *a->stamp);
    a->cur = 1;
  }
  size_t nt = 0;
  *nroots = 0;
  const vb_mention *m;
  size_t nm = vb_result_mentions(r, &m);
  for (size_t i = 0; i < nm; i++) {
    if (m[i].start < from || m[i].end > to) continue;
    for (long t = (long)m[i].theme; t >= 0 && (size_t)t < a->n_themes;
         t = a->model->themes[t].parent) {
      if (a->stamp[t] != a->cur) {
        a->stamp[t] = a->cur;
        a->flags[t] = 0;
        a->best_neg[t] = a->best_pos[t] = 0;
        a->touched[nt++] = (size_t)t;
        if (vb__topic_root(&a->model->themes[t])) (*nroots)++;
      }
      double s = m[i].sentiment;
      if (s <= -0.05) {
        a->flags[t] |= 1;
        if (s < a->best_neg[t]) a->best_neg[t] = s, a->best_neg_m[t] = i;
      }
      if (s >= 0.05) {
        a->flags[t] |= 2;
        if (s > a->best_pos[t]) a->best_pos[t] = s, a->best_pos_m[t] = i;
      }
    }
  }
  return nt;
}

/* The answers must name known questions, each once, in the order of the text, within it. */
static bool answers_ok(const vb_agg *a, const vb_agg_record *rec) {
  if (!rec->n_answers) return true; /* every record of a single-text run */
  if (!rec->answers || rec->n_answers > a->n_ques) return false;
  size_t len = 0;
  if (rec->result) vb_result_text(rec->result, &len);
  _Static_assert(VB_AGG_MAX_QUESTIONS <= 64, "a bit a question");
  uint64_t seen = 0;
  for (size_t i = 0; i < rec->n_answers; i++) {
    const vb_agg_answer *an = &rec->answers[i];
    if (an->question >= a->n_ques || (seen >> an->question & 1) || an->start > an->end ||
        (rec->result && an->end > len) || (i && an->start < rec->answers[i - 1].end))
      return false;
    seen |= (uint64_t)1 << an->question;
  }
  return true;
}

/* Each answer to its question's group, with the themes mentioned within it and its own
 * sentiment (the record's language and scores). */
static int answers_add(vb_agg *a, const vb_agg_record *rec, const vb_value *sc) {
  for (size_t i = 0; i < rec->n_answers; i++) {
    const vb_agg_answer *an = &rec->answers[i];
    vb_sentiment s;
    int rc = vb_result_sentiment_range(rec->result, an->start, an->end, &s);
    if (rc) return rc;
    uint32_t nroots;
    size_t nt = touch_themes(a, rec->result, an->start, an->end, &nroots);
    if ((rc = group_add(a, &a->ques[an->question], rec, sc, nt, nroots, false, s.label)))
      return rc;
  }
  return VB_OK;
}

int vb_agg_add_record(vb_agg *a, const vb_agg_record *rec) {
  if (!a || !rec) return VB_EINVAL;
  vb_value none[VB_AGG_MAX_SCORES];
  const vb_value *sc = rec->scores;
  if (!sc) {
    memset(none, 0, sizeof none);
    sc = none;
  }
  for (size_t s = 0; s < a->n_scores; s++)
    if (sc[s].status == VB_VALUE_OK && !vb_score_valid(a->type[s], sc[s].v)) return VB_EINVAL;
  if (!answers_ok(a, rec)) return VB_EINVAL;
  /* find or make the groups first: a record beyond a limit adds nothing */
  agg_group *seg = NULL, *per = NULL;
  if (a->by) {
    const char *name = rec->segment && rec->segment_len ? rec->segment : "(none)";
    size_t nl = rec->segment && rec->segment_len ? rec->segment_len : 6;
    if (nl > 200) {
      nl = 200;
      while (nl > 0 && cont_byte(name, nl)) nl--;
    }
    seg = vb__agg_segment(a, name, nl, 1);
    if (!seg) return a->n_segs >= VB_AGG_MAX_SEGMENTS ? VB_ELIMIT : VB_ENOMEM;
  }
  if (a->period != VB_PERIOD_NONE && rec->has_date) {
    per = vb__agg_period(a, vb_period_key(a->period, rec->date), 1);
    if (!per) return a->n_pers >= VB_AGG_MAX_PERIODS ? VB_ELIMIT : VB_ENOMEM;
  }
  int label = 0;
  size_t nt = 0;
  uint32_t nroots = 0;
  if (rec->result) {
    label = vb_result_sentiment(rec->result)->label;
    nt = touch_themes(a, rec->result, 0, SIZE_MAX, &nroots);
  }
  int rc;
  if ((rc = group_add(a, &a->all, rec, sc, nt, nroots, false, label))) return rc;
  if (seg && (rc = group_add(a, seg, rec, sc, nt, nroots, false, label))) return rc;
  if (per && (rc = group_add(a, per, rec, sc, nt, nroots, true, label))) return rc;
  if (a->period != VB_PERIOD_NONE && !rec->has_date) a->undated++;
  if (!rec->result) return VB_OK;
  if (a->n_scores && sc[0].status == VB_VALUE_OK) {
    int64_t y = milli(sc[0].v);
    if (vb__hist_add(&a->doc_h[label < 0 ? 0 : label > 0 ? 2 : 1], y, 1)) return VB_ENOMEM;
    for (size_t k = 0; k < nt; k++) {
      size_t t = a->touched[k];
      if ((a->flags[t] & 1) && vb__hist_add(&a->neg_h[t], y, 1)) return VB_ENOMEM;
      if ((a->flags[t] & 2) && vb__hist_add(&a->pos_h[t], y, 1)) return VB_ENOMEM;
    }
  }
  if (a->drv && (rc = drivers_add(a, rec, sc, nt))) return rc;
  if ((rc = pairs_add(a, sc, nt))) return rc;
  if ((rc = quotes_add(a, rec, sc, nt))) return rc;
  if (a->model->any_brand && (rc = switches_add(a, rec, sc))) return rc;
  /* last: it reuses the scratch of the record's themes */
  return answers_add(a, rec, sc);
}

int vb_agg_add(vb_agg *a, const vb_result *r, int has_score, double score) {
  if (!a) return VB_EINVAL;
  /* one value for the first score column, the others missing: vb_agg_add_record reads one
   * value per column */
  vb_value v[VB_AGG_MAX_SCORES];
  memset(v, 0, sizeof v);
  v[0].v = score;
  v[0].status = has_score ? VB_VALUE_OK : VB_VALUE_MISSING;
  if (has_score && a->n_scores && !vb_score_valid(a->type[0], score)) return VB_EINVAL;
  vb_agg_record rec = {0};
  rec.result = r;
  rec.scores = v;
  return vb_agg_add_record(a, &rec);
}

int vb_agg_set_score_type_at(vb_agg *a, size_t s, vb_score_type type) {
  if (!a || s >= a->n_scores || type <= VB_SCORE_NONE || type > VB_SCORE_RATING)
    return VB_EINVAL;
  /* every score kept anywhere is in the all-records histogram */
  for (size_t i = 0; i < a->all.hist[s].n; i++)
    if (!vb_score_valid(type, (double)a->all.hist[s].bins[i].value / 1000.0)) return VB_EINVAL;
  a->type[s] = type;
  return VB_OK;
}

int vb_agg_set_score_type(vb_agg *a, vb_score_type type) {
  if (a && a->n_scores == 0) return type == VB_SCORE_NONE ? VB_OK : VB_EINVAL;
  return vb_agg_set_score_type_at(a, 0, type);
}

vb_score_type vb_agg_score_type(const vb_agg *a) {
  return a && a->n_scores ? a->type[0] : VB_SCORE_NONE;
}

size_t vb_agg_score_count(const vb_agg *a) { return a ? a->n_scores : 0; }

vb_score_type vb_agg_score_type_at(const vb_agg *a, size_t i) {
  return a && i < a->n_scores ? a->type[i] : VB_SCORE_NONE;
}

/* ---- merging ---- */

static bool same_str(const char *x, const char *y) {
  return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

static int same_shape(const vb_agg *a, const vb_agg *b) {
  if (a->n_themes != b->n_themes || a->n_scores != b->n_scores) return 0;
  for (size_t i = 0; i < a->n_themes; i++)
    if (strcmp(a->model->themes[i].id, b->model->themes[i].id) != 0) return 0;
  for (size_t s = 0; s < a->n_scores; s++)
    if (a->type[s] != b->type[s] || !same_str(a->score_name[s], b->score_name[s])) return 0;
  if (!same_str(a->by, b->by) || !same_str(a->date, b->date) || a->period != b->period ||
      a->drivers != b->drivers || a->n_drivers != b->n_drivers)
    return 0;
  for (size_t d = 0; d < a->n_drivers; d++)
    if (!same_str(a->driver_name[d], b->driver_name[d])) return 0;
  if (a->n_ques != b->n_ques) return 0;
  for (size_t q = 0; q < a->n_ques; q++)
    if (!same_str(a->ques[q].name, b->ques[q].name)) return 0;
  return 1;
}

int vb_agg_merge(vb_agg *into, const vb_agg *from) {
  if (!into || !from) return VB_EINVAL;
  if (!same_shape(into, from)) return VB_EMISMATCH;
  /* the limits first, so that a refused merge changes nothing */
  size_t new_segs = 0, new_pers = 0;
  for (size_t i = 0; i < from->n_segs; i++) {
    uint32_t idx;
    if (!vb__strmap_get(&into->seg_index, from->segs[i].name, from->segs[i].name_len, &idx))
      new_segs++;
  }
  for (size_t i = 0; i < from->n_pers; i++)
    if (!vb__agg_period(into, from->pers[i].key, 0)) new_pers++;
  if (into->n_segs + new_segs > VB_AGG_MAX_SEGMENTS || into->n_pers + new_pers > VB_AGG_MAX_PERIODS)
    return VB_ELIMIT;
  if (vb__agg_group_merge(into, &into->all, &from->all)) return VB_ENOMEM;
  for (size_t i = 0; i < from->n_segs; i++) {
    agg_group *g = vb__agg_segment(into, from->segs[i].name, from->segs[i].name_len, 1);
    if (!g || vb__agg_group_merge(into, g, &from->segs[i])) return VB_ENOMEM;
  }
  for (size_t i = 0; i < from->n_pers; i++) {
    agg_group *g = vb__agg_period(into, from->pers[i].key, 1);
    if (!g || vb__agg_group_merge(into, g, &from->pers[i])) return VB_ENOMEM;
  }
  for (size_t i = 0; i < from->n_ques; i++)
    if (vb__agg_group_merge(into, &into->ques[i], &from->ques[i])) return VB_ENOMEM;
  into->undated += from->undated;
  for (size_t t = 0; t < into->n_themes; t++) {
    if (vb__hist_merge(&into->neg_h[t], &from->neg_h[t]) ||
        vb__hist_merge(&into->pos_h[t], &from->pos_h[t]))
      return VB_ENOMEM;
    for (int k = 0; k < 2; k++) {
      for (uint32_t i = 0; i < from->tq[2 * t + k].n; i++)
        if (vb__qlist_insert(&into->tq[2 * t + k], &from->tq[2 * t + k].q[i], 1)) return VB_ENOMEM;
      for (uint32_t i = 0; i < from->sq[2 * t + k].n; i++)
        if (vb__qlist_insert(&into->sq[2 * t + k], &from->sq[2 * t + k].q[i], 1)) return VB_ENOMEM;
    }
  }
  for (int k = 0; k < 3; k++)
    if (vb__hist_merge(&into->doc_h[k], &from->doc_h[k])) return VB_ENOMEM;
  for (int v = 0; v <= 10; v++)
    for (int k = 0; k < 2; k++)
      for (uint32_t i = 0; i < from->vq[v][k].n; i++)
        if (vb__qlist_insert(&into->vq[v][k], &from->vq[v][k].q[i], 1)) return VB_ENOMEM;
  if (pairs_merge(&into->pairs, &from->pairs) || pairs_merge(&into->bpairs, &from->bpairs) ||
      pairs_merge(&into->bbpairs, &from->bbpairs) || pairs_merge(&into->sw, &from->sw))
    return VB_ENOMEM;
  if (into->drv && from->drv) {
    agg_drv *d = into->drv;
    const agg_drv *f = from->drv;
    size_t T = into->n_themes, D = into->n_drivers;
    d->n += f->n;
    vb__i128_add(&d->sy, f->sy);
    vb__i128_add(&d->syy, f->syy);
    for (size_t t = 0; t < T; t++) {
      d->tc[t] += f->tc[t];
      vb__i128_add(&d->ty[t], f->ty[t]);
    }
    for (size_t i = 0; i < T * T; i++) d->tt[i] += f->tt[i];
    for (size_t j = 0; j < D; j++) {
      vb__i128_add(&d->sx[j], f->sx[j]);
      vb__i128_add(&d->sxy[j], f->sxy[j]);
      for (size_t i = 0; i < D; i++)
        vb__i128_add(&d->sxx[j * VB_AGG_MAX_DRIVERS + i], f->sxx[j * VB_AGG_MAX_DRIVERS + i]);
      for (size_t t = 0; t < T; t++) vb__i128_add(&d->sxt[j * T + t], f->sxt[j * T + t]);
    }
  }
  return VB_OK;
}
