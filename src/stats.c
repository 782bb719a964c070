/*
 * stats.c - the statistics of root-cause tables: score histograms, NPS with its adjusted-Wald
 * interval, Wilson intervals, Welch's t, two-proportion z, Benjamini-Hochberg. Every formula
 * is in METRICS.md with its source; the unit tests check each against values worked out by
 * hand or by a second implementation.
 */
#include <math.h>
#include <stdlib.h>

#include "vb_internal.h"
#include "vb_stats.h"

int vb__hist_add(vb__hist *h, int64_t value, uint64_t count) {
  size_t lo = 0, hi = h->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (h->bins[mid].value < value) lo = mid + 1;
    else hi = mid;
  }
  if (lo < h->n && h->bins[lo].value == value) {
    h->bins[lo].count += count;
    return VB_OK;
  }
  if (vb__grow(&h->bins, &h->cap, h->n + 1, sizeof *h->bins)) return VB_ENOMEM;
  memmove(&h->bins[lo + 1], &h->bins[lo], (h->n - lo) * sizeof *h->bins);
  h->bins[lo].value = value;
  h->bins[lo].count = count;
  h->n++;
  return VB_OK;
}

int vb__hist_merge(vb__hist *into, const vb__hist *from) {
  for (size_t i = 0; i < from->n; i++)
    if (vb__hist_add(into, from->bins[i].value, from->bins[i].count)) return VB_ENOMEM;
  return VB_OK;
}

int vb__hist_sub(vb__hist *out, const vb__hist *a, const vb__hist *b) {
  out->n = 0;
  size_t j = 0;
  for (size_t i = 0; i < a->n; i++) {
    uint64_t c = a->bins[i].count;
    while (j < b->n && b->bins[j].value < a->bins[i].value) j++;
    if (j < b->n && b->bins[j].value == a->bins[i].value) c -= b->bins[j].count;
    if (c && vb__hist_add(out, a->bins[i].value, c)) return VB_ENOMEM;
  }
  return VB_OK;
}

void vb__hist_free(vb__hist *h) {
  vb__free(h->bins);
  h->bins = NULL;
  h->n = h->cap = 0;
}

uint64_t vb__hist_n(const vb__hist *h) {
  uint64_t n = 0;
  for (size_t i = 0; i < h->n; i++) n += h->bins[i].count;
  return n;
}

uint64_t vb__hist_count_range(const vb__hist *h, double lo, double hi) {
  uint64_t n = 0;
  for (size_t i = 0; i < h->n; i++) {
    double v = (double)h->bins[i].value / 1000.0;
    if (v >= lo - 1e-9 && v <= hi + 1e-9) n += h->bins[i].count;
  }
  return n;
}

void vb__hist_moments(const vb__hist *h, double *mean, double *var) {
  uint64_t n = vb__hist_n(h);
  double m = 0, ss = 0;
  if (n > 0) {
    for (size_t i = 0; i < h->n; i++) m += (double)h->bins[i].count * ((double)h->bins[i].value / 1000.0);
    m /= (double)n;
    for (size_t i = 0; i < h->n; i++) {
      double d = (double)h->bins[i].value / 1000.0 - m;
      ss += (double)h->bins[i].count * d * d;
    }
  }
  *mean = n ? m : NAN;
  *var = n > 1 ? ss / (double)(n - 1) : NAN;
}

static double nps_se_frac(double p, double d, double n) {
  double v = (p + d) - (p - d) * (p - d);
  return v > 0 ? sqrt(v / n) : 0;
}

double vb__nps_se(uint64_t prom, uint64_t det, uint64_t n) {
  if (n == 0) return NAN;
  return 100.0 * nps_se_frac((double)prom / (double)n, (double)det / (double)n, (double)n);
}

double vb__nps_se_adjusted(uint64_t prom, uint64_t det, uint64_t n) {
  double n2 = (double)n + 3.0;
  return 100.0 * nps_se_frac(((double)prom + 0.75) / n2, ((double)det + 0.75) / n2, n2);
}

void vb__nps(uint64_t prom, uint64_t det, uint64_t n, double *nps, double *lo, double *hi) {
  if (n == 0) {
    *nps = *lo = *hi = NAN;
    return;
  }
  *nps = 100.0 * ((double)prom - (double)det) / (double)n;
  /* adjusted Wald: add 3/4 promoter, 3/4 detractor and 3 responses */
  double n2 = (double)n + 3.0;
  double p2 = ((double)prom + 0.75) / n2, d2 = ((double)det + 0.75) / n2;
  double centre = 100.0 * (p2 - d2);
  double me = 100.0 * VB_Z95 * nps_se_frac(p2, d2, n2);
  *lo = centre - me < -100 ? -100 : centre - me;
  *hi = centre + me > 100 ? 100 : centre + me;
}

void vb__wilson(uint64_t k, uint64_t n, double *lo, double *hi) {
  if (n == 0) {
    *lo = *hi = NAN;
    return;
  }
  double z = VB_Z95, nn = (double)n, p = (double)k / nn;
  double denom = 1 + z * z / nn;
  double centre = (p + z * z / (2 * nn)) / denom;
  double half = z * sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denom;
  *lo = centre - half < 0 ? 0 : centre - half;
  *hi = centre + half > 1 ? 1 : centre + half;
}

double vb__p_normal(double z) {
  if (isnan(z)) return NAN;
  return erfc(fabs(z) / sqrt(2.0));
}

/* Continued fraction for the incomplete beta (modified Lentz). */
static double betacf(double a, double b, double x) {
  const double eps = 1e-15, fpmin = 1e-300;
  double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (fabs(d) < fpmin) d = fpmin;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 300; m++) {
    int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (fabs(d) < fpmin) d = fpmin;
    c = 1 + aa / c;
    if (fabs(c) < fpmin) c = fpmin;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (fabs(d) < fpmin) d = fpmin;
    c = 1 + aa / c;
    if (fabs(c) < fpmin) c = fpmin;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1) < eps) break;
  }
  return h;
}

double vb__ibeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
  double bt = exp(lbt);
  if (x < (a + 1) / (a + b + 2)) return bt * betacf(a, b, x) / a;
  return 1 - bt * betacf(b, a, 1 - x) / b;
}

double vb__p_student(double t, double df) {
  if (isnan(t) || isnan(df) || df <= 0) return NAN;
  return vb__ibeta(df / 2, 0.5, df / (df + t * t));
}

double vb__welch_p(double m1, double v1, double n1, double m2, double v2, double n2) {
  if (n1 < 2 || n2 < 2 || isnan(v1) || isnan(v2)) return NAN;
  double s1 = v1 / n1, s2 = v2 / n2;
  if (s1 + s2 <= 0) return m1 == m2 ? 1.0 : 0.0;
  double t = (m1 - m2) / sqrt(s1 + s2);
  double df = (s1 + s2) * (s1 + s2) / (s1 * s1 / (n1 - 1) + s2 * s2 / (n2 - 1));
  return vb__p_student(t, df);
}

double vb__two_prop_p(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2) {
  if (n1 == 0 || n2 == 0) return NAN;
  double p1 = (double)k1 / (double)n1, p2 = (double)k2 / (double)n2;
  double p = (double)(k1 + k2) / (double)(n1 + n2);
  double se = sqrt(p * (1 - p) * (1.0 / (double)n1 + 1.0 / (double)n2));
  if (se == 0) return p1 == p2 ? 1.0 : 0.0;
  return vb__p_normal((p1 - p2) / se);
}

typedef struct {
  double p;
  size_t i;
} pidx;

static int cmp_p(const void *a, const void *b) {
  const pidx *x = a, *y = b;
  if (x->p < y->p) return -1;
  if (x->p > y->p) return 1;
  return x->i < y->i ? -1 : (x->i > y->i);
}

int vb__bh(const double *p, double *q, size_t n) {
  pidx *v = vb__calloc(n ? n : 1, sizeof *v);
  if (!v) return VB_ENOMEM;
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    q[i] = NAN;
    if (!isnan(p[i])) v[m++] = (pidx){p[i], i};
  }
  qsort(v, m, sizeof *v, cmp_p);
  double run = 1.0;
  for (size_t k = m; k-- > 0;) {
    double val = v[k].p * (double)m / (double)(k + 1);
    if (val < run) run = val;
    q[v[k].i] = run > 1 ? 1 : run;
  }
  vb__free(v);
  return VB_OK;
}
