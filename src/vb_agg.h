/*
 * vb_agg.h - the inside of vb_agg, shared by agg.c (adding and merging), agg_state.c (state
 * files), agg_table.c (the table), trend.c (periods) and drivers.c (key drivers).
 *
 * Everything an aggregate keeps is an integer: counts, histograms of scores in thousandths,
 * sums of products in 128 bits, and bounded top-k lists of quotes under a total order. So the
 * aggregate of a file equals, bit for bit, the merge of the aggregates of its parts in any
 * order and grouping, and so does every table computed from it.
 */
#ifndef VB_AGG_H
#define VB_AGG_H

#include "vb_internal.h"
#include "vb_model.h"
#include "vb_stats.h"

/* One theme within one group of records. */
typedef struct agg_cell {
  uint64_t n;        /* records mentioning the theme or a child */
  uint64_t neg, pos; /* of those, records with a mention in a negative / positive clause */
  vb__hist *h;       /* [n_scores] scores of those records; NULL while n == 0 */
} agg_cell;

/* Scored records of a period by one top-level theme they mention and k, the number of
 * top-level themes they mention (the Shapley split of a change between periods, trend.c, gives
 * each of those themes 1/k of the record). root 0, k 0: the records mentioning no top-level
 * theme; root r > 0: the top-level theme a->root_of[r - 1], k >= 1. Kept sorted by (root, k);
 * a record with k themes is in k entries. The number of entries is bounded by the top-level
 * themes times the distinct k that occur, not by the records. */
typedef struct agg_split {
  uint32_t root, k;
  vb__hist h; /* first score */
} agg_split;

/* A group of records: all of them, one segment, or one period. */
typedef struct agg_group {
  uint64_t records, analysed, errors;
  uint64_t by_lang[VB_LANG_COUNT];
  uint64_t sent[3]; /* negative, neutral, positive records */
  uint64_t missing[VB_AGG_MAX_SCORES]; /* analysed records without a usable score */
  uint64_t bad[VB_AGG_MAX_SCORES];     /* of those: unreadable or outside the scale */
  vb__hist hist[VB_AGG_MAX_SCORES];
  agg_cell *cells; /* [n_themes], NULL until the first analysed record */
  agg_split *splits;      /* periods (with a score): see agg_split */
  size_t n_splits, cap_splits;
  char *name; /* segments */
  size_t name_len;
  long key;   /* periods */
} agg_group;

/* A quote and the order quotes are kept in. */
typedef struct agg_quote {
  int64_t quality;   /* larger is better */
  uint64_t tie;      /* hash of the normalised text: ties broken without regard to input order */
  char *text;        /* excerpt (owned) */
  uint32_t len, span_s, span_e;
  uint8_t cut_s, cut_e;
  char *id;          /* record id (owned, "" when none) */
  int32_t sent;      /* sentiment in thousandths */
  uint8_t has_score;
  int64_t score;     /* first score in thousandths */
} agg_quote;

typedef struct agg_qlist {
  uint32_t n;
  agg_quote q[VB_AGG_QUOTES]; /* best first, distinct normalised texts */
} agg_qlist;

/* Sufficient statistics of the key-driver regression: sums over the records that have the
 * first score and every driver column, in thousandths (products in millionths). */
typedef struct agg_drv {
  uint64_t n;
  vb__i128 sy, syy;
  uint64_t *tc;     /* [T] records mentioning theme k */
  vb__i128 *ty;     /* [T] sum of scores of those */
  uint64_t *tt;     /* [T * T] records mentioning both k and l (k < l used) */
  vb__i128 sx[VB_AGG_MAX_DRIVERS], sxy[VB_AGG_MAX_DRIVERS];
  vb__i128 sxx[VB_AGG_MAX_DRIVERS * VB_AGG_MAX_DRIVERS];
  vb__i128 *sxt;    /* [D * T] sum of driver d over the records mentioning theme k */
} agg_drv;

/* Two themes mentioned in the same record, over all records (the co-occurrence tables,
 * agg_table.c): two topic themes, a brand with a topic, or two brands, each kind in its own
 * table; never a theme with its ancestor: a record mentioning delivery.late mentions delivery
 * by definition. An open-addressing table keyed by the pair: its size is bounded by the pairs
 * of the codebook, not by the records. */
typedef struct agg_pair {
  uint32_t a, b; /* theme indices, a < b; of a brand and a topic: the brand, the topic */
  uint64_t n;    /* records mentioning both; 0: an empty slot */
  uint64_t neg, pos; /* brand pairs only: of those, the records with b (the topic, or the
                        second brand) in a negative / positive clause */
  uint64_t aneg, apos; /* two brands only: the same for a */
  vb__hist h;    /* the first score of those records */
} agg_pair;

typedef struct agg_pairs {
  agg_pair *slot; /* [cap], cap 0 or a power of two */
  size_t cap, used;
  bool unknown;   /* read from a state of an older version, which did not keep these pairs */
} agg_pairs;

struct vb_agg {
  const vb_model *model;
  size_t n_themes;
  size_t n_scores;
  vb_score_type type[VB_AGG_MAX_SCORES];
  char *score_name[VB_AGG_MAX_SCORES];
  char *by, *date;
  vb_period period;
  int drivers;
  size_t n_drivers;
  char *driver_name[VB_AGG_MAX_DRIVERS];

  agg_group all;
  agg_group *segs;
  size_t n_segs, cap_segs;
  vb__strmap seg_index;
  agg_group *pers;
  size_t n_pers, cap_pers;
  vb__strmap per_index;
  uint64_t undated; /* records without a usable date (when periods are kept) */
  size_t n_ques;
  agg_group *ques;  /* [n_ques] the records that answered each question (name: the question) */

  /* first score, all records: */
  vb__hist *neg_h, *pos_h; /* [n_themes] records with a negative / positive mention */
  vb__hist doc_h[3];       /* by the record's sentiment label */
  agg_qlist *tq;           /* [n_themes * 2]: negative, positive mentions */
  agg_qlist vq[11][2];     /* per whole first score 0..10: negative, positive texts */
  agg_drv *drv;            /* NULL unless drivers */
  agg_pairs pairs;         /* themes mentioned together */
  agg_pairs bpairs;        /* a brand with the topic themes of the records naming it */
  agg_pairs bbpairs;       /* two brands named in the same record (a < b) */
  agg_pairs sw;            /* switches between brands (vb_switch): a the brand left, b the
                              brand taken up, AGG_NO_BRAND for one not named; n the records */
  agg_qlist *sq;           /* [n_themes * 2]: records switching away from / to each brand */

  size_t *root;            /* [n_themes]: index of the theme's top-level ancestor among roots */
  size_t n_roots;          /* top-level themes */
  long *root_of;           /* [n_roots]: theme index of each top-level theme, codebook order */

  /* per-record scratch */
  uint32_t *stamp;
  uint8_t *flags;          /* [n_themes] 1 negative, 2 positive mention in this record */
  size_t *touched;         /* [n_themes] themes of this record, in order of first touch */
  double *best_neg, *best_pos; /* [n_themes] strongest mention sentiment of each sign */
  size_t *best_neg_m, *best_pos_m;
  uint32_t cur;
};

#define AGG_QUOTE_MAX 240 /* bytes of an excerpt */
#define AGG_NO_BRAND UINT32_MAX /* agg.sw: the side of a switch no brand is named on */
#define AGG_ID_MAX 64

/* agg.c */
int vb__agg_group_init(const vb_agg *a, agg_group *g);
void vb__agg_group_free(const vb_agg *a, agg_group *g);
int vb__agg_group_cells(const vb_agg *a, agg_group *g);
int vb__agg_group_merge(const vb_agg *a, agg_group *into, const agg_group *from);
int vb__agg_split_add(agg_group *g, uint32_t root, uint32_t k, int64_t value, uint64_t count);
agg_group *vb__agg_segment(vb_agg *a, const char *name, size_t len, int create);
/* Questions: names valid (none, or 2..VB_AGG_MAX_QUESTIONS distinct non-empty names); the
 * groups made, each named (VB_OK, VB_EINVAL, VB_ENOMEM). */
bool vb__agg_questions_ok(size_t n, const char *const *names);
int vb__agg_questions(vb_agg *a, size_t n, const char *const *names);
agg_group *vb__agg_period(vb_agg *a, long key, int create);
/* Whether themes t and u can form a pair (both topics, neither the other's ancestor). */
bool vb__agg_pairable(const vb_agg *a, size_t t, size_t u);
/* Whether theme b is a brand (a row of the brand table) and t a topic theme. */
bool vb__agg_brand_pairable(const vb_agg *a, size_t b, size_t t);
/* Whether themes b and c are two brands (rows of the brand table), neither under the other. */
bool vb__agg_brands_pairable(const vb_agg *a, size_t b, size_t c);
/* The entry of the pair (a, b), made (n 0) when absent; NULL when out of memory. */
agg_pair *vb__agg_pair(agg_pairs *p, uint32_t a, uint32_t b);
/* The pairs in (a, b) order, into new memory (*out, NULL when none); VB_OK or VB_ENOMEM. */
int vb__agg_pairs_sorted(const agg_pairs *p, const agg_pair ***out);
int vb__qlist_insert(agg_qlist *l, const agg_quote *q, int copy);
void vb__qlist_free(agg_qlist *l);
int vb__quote_cmp(const agg_quote *x, const agg_quote *y); /* < 0: x goes first */
uint64_t vb__quote_norm_hash(const char *s, size_t n);
int vb__quote_norm_eq(const char *a, size_t na, const char *b, size_t nb);
void vb__score_ranges(vb_score_type t, double *top_lo, double *top_hi, double *bot_lo,
                      double *bot_hi);

/* trend.c: Shapley split of the change from period a to period b (see trend.c). n, top, bot:
 * counts; sum: of the values (ratings, CES). */
typedef struct vb__sc {
  double n, top, bot, sum;
} vb__sc;
vb__sc vb__sc_of(vb_score_type t, const vb__hist *h);
/* contrib[n_roots] by root index; baseline: the part of the records mentioning no top-level
 * theme. NaN when a period has no scored record. Always exact (closed form, see trend.c). */
int vb__trend_attribute(vb_score_type t, const agg_group *a, const agg_group *b, size_t n_roots,
                        double *contrib, double *baseline);
/* Rising and emerging themes: a Poisson count model per theme and period against the rate
 * of the trailing periods, Benjamini-Hochberg across all tests. `pg` are the period groups in
 * time order (t->periods in the same order). */
int vb__trend_rising(const vb_agg *a, const agg_group *const *pg, size_t n, vb_table *t);

/* drivers.c */
int vb__drivers_table(const vb_agg *a, vb_drivers **out);
void vb__drivers_free(vb_drivers *d);
/* R^2 decomposition on a correlation matrix: exposed for the unit tests.
 * rxx: p x p correlations, rxy: p correlations with y. Fills shap[p] (adds up to r2). */
int vb__lmg(const double *rxx, const double *rxy, size_t p, double *shap, double *r2,
            int *exact, size_t *perms);

#endif
