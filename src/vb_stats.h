/*
 * vb_stats.h - statistics for root-cause tables (stats.c). Pure functions of counts and
 * numbers: this module knows nothing about text. Formulas and sources: METRICS.md.
 */
#ifndef VB_STATS_H
#define VB_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A histogram of scores: values in thousandths, sorted, with counts. */
typedef struct vb__hist {
  struct vb__bin {
    int64_t value; /* score * 1000 */
    uint64_t count;
  } *bins;
  size_t n, cap;
} vb__hist;

int vb__hist_add(vb__hist *h, int64_t value, uint64_t count);
int vb__hist_merge(vb__hist *into, const vb__hist *from);
/* out = a - b (b must be contained in a). */
int vb__hist_sub(vb__hist *out, const vb__hist *a, const vb__hist *b);
void vb__hist_free(vb__hist *h);
uint64_t vb__hist_n(const vb__hist *h);
uint64_t vb__hist_count_range(const vb__hist *h, double lo, double hi); /* lo <= v <= hi */
void vb__hist_moments(const vb__hist *h, double *mean, double *var); /* sample variance */

/* 95% two-sided normal quantile. */
#define VB_Z95 1.959963984540054

/* NPS and its adjusted-Wald 95% interval (Rocks 2016). */
void vb__nps(uint64_t prom, uint64_t det, uint64_t n, double *nps, double *lo, double *hi);
/* Plain standard error of an NPS (responses scored +1/0/-1), in NPS points. */
double vb__nps_se(uint64_t prom, uint64_t det, uint64_t n);
/* The same from the adjusted-Wald shares (never zero): used by the significance test. */
double vb__nps_se_adjusted(uint64_t prom, uint64_t det, uint64_t n);
/* Wilson 95% interval of a proportion k/n. */
void vb__wilson(uint64_t k, uint64_t n, double *lo, double *hi);
/* Two-sided p of a standard normal z. */
double vb__p_normal(double z);
/* Two-sided p of Student's t with df degrees of freedom. */
double vb__p_student(double t, double df);
/* Welch's t test of two means: returns the two-sided p (NaN when undefined: fewer than two
 * values on a side; Benjamini-Hochberg skips NaN). */
double vb__welch_p(double m1, double v1, double n1, double m2, double v2, double n2);
/* Two-proportion z test, two-sided p. */
double vb__two_prop_p(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2);
/* Regularised incomplete beta I_x(a, b). */
double vb__ibeta(double a, double b, double x);
/* Benjamini-Hochberg: q values for p[0..n) (NaN entries are skipped and left NaN). */
int vb__bh(const double *p, double *q, size_t n);
/* The same for p[0..n) among `family` tests, the others with p = 1 (family <= n: n). */
int vb__bh_family(const double *p, double *q, size_t n, size_t family);

/* Fisher's exact test on the 2 x 2 table [[a, b], [c, d]], two-sided: the sum of the
 * probabilities of all tables with the same margins that are no more likely than this one
 * (with R's relative tolerance of 1e-7). */
double vb__fisher_2x2(uint64_t a, uint64_t b, uint64_t c, uint64_t d);
/* Cohen's kappa of a k x k table m (row-major, rows the first coder, k <= 4) and its 95%
 * interval (Fleiss, Cohen and Everitt's standard error; agree.c); NaN when undefined. */
void vb__kappa(const size_t *m, size_t k, double *kappa, double *lo, double *hi);
/* The Fisher-Freeman-Halton exact test on a 2 x 3 table (rows x[0..2], y[0..2]), two-sided in
 * the same sense. NaN when the enumeration would exceed about 10^7 tables. */
double vb__fisher_2x3(const uint64_t x[3], const uint64_t y[3]);
/* Regularised lower incomplete gamma P(a, x). */
double vb__gamma_p(double a, double x);
/* P(X >= k) for X ~ Poisson(lambda): the one-sided p of a count k. */
double vb__poisson_upper(uint64_t k, double lambda);
/* P(X >= k) for X the overlap of two sets of n1 and n2 among n (hypergeometric): the
 * one-sided p of k records mentioning both of two themes mentioned by n1 and n2 of n. */
double vb__hyper_upper(uint64_t k, uint64_t n1, uint64_t n2, uint64_t n);
/* Upper tail of the F distribution with (d1, d2) degrees of freedom. */
double vb__p_f(double f, double d1, double d2);

/* A signed 128-bit integer for exact sums of products of scores in thousandths (portable:
 * two 64-bit halves, two's complement). */
typedef struct vb__i128 {
  int64_t hi;
  uint64_t lo;
} vb__i128;

void vb__i128_add(vb__i128 *acc, vb__i128 x);
void vb__i128_add64(vb__i128 *acc, int64_t x);
/* acc += a * b, exactly. */
void vb__i128_addmul(vb__i128 *acc, int64_t a, int64_t b);
vb__i128 vb__i128_neg(vb__i128 x);
double vb__i128_double(vb__i128 x);
int vb__i128_cmp(vb__i128 a, vb__i128 b);
/* Decimal text ("-123"), at least 41 bytes of room. */
void vb__i128_format(vb__i128 x, char *buf);
/* Parses an optionally signed decimal; advances *s. false on overflow or no digits. */
bool vb__i128_parse(const char **s, vb__i128 *out);

/* A small deterministic PRNG (splitmix64) for sampled Shapley values. */
static inline uint64_t vb__splitmix(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

#endif
