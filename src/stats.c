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

int vb__bh(const double *p, double *q, size_t n) { return vb__bh_family(p, q, n, 0); }

int vb__bh_family(const double *p, double *q, size_t n, size_t family) {
  pidx *v = vb__calloc(n ? n : 1, sizeof *v);
  if (!v) return VB_ENOMEM;
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    q[i] = NAN;
    if (!isnan(p[i])) v[m++] = (pidx){p[i], i};
  }
  qsort(v, m, sizeof *v, cmp_p);
  /* the tests not given have p = 1: they rank after these and only raise m */
  double fam = (double)(family > m ? family : m);
  double run = 1.0;
  for (size_t k = m; k-- > 0;) {
    double val = v[k].p * fam / (double)(k + 1);
    if (val < run) run = val;
    q[v[k].i] = run > 1 ? 1 : run;
  }
  vb__free(v);
  return VB_OK;
}

/* ---- exact tests ---- */

static double lfact(uint64_t n) { return lgamma((double)n + 1.0); }

double vb__fisher_2x2(uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
  uint64_t r1 = a + b, r2 = c + d, c1 = a + c, n = r1 + r2;
  if (n == 0) return NAN;
  /* log P(table with top-left cell x) up to the constant of the margins */
  double konst = lfact(r1) + lfact(r2) + lfact(c1) + lfact(n - c1) - lfact(n);
  uint64_t lo = c1 > r2 ? c1 - r2 : 0, hi = c1 < r1 ? c1 : r1;
  double lp_obs = konst - lfact(a) - lfact(b) - lfact(c) - lfact(d);
  double p = 0;
  for (uint64_t x = lo; x <= hi; x++) {
    double lp = konst - lfact(x) - lfact(r1 - x) - lfact(c1 - x) - lfact(r2 - (c1 - x));
    if (lp <= lp_obs + 1e-7 * fabs(lp_obs) + 1e-12) p += exp(lp);
  }
  return p > 1 ? 1 : p;
}

double vb__fisher_2x3(const uint64_t x[3], const uint64_t y[3]) {
  uint64_t col[3], r1 = x[0] + x[1] + x[2], r2 = y[0] + y[1] + y[2], n = r1 + r2;
  int ord[3] = {0, 1, 2};
  for (int k = 0; k < 3; k++) col[k] = x[k] + y[k];
  if (n == 0) return NAN;
  /* loop over the two smallest columns; the third is then determined */
  for (int i = 0; i < 3; i++)
    for (int k = i + 1; k < 3; k++)
      if (col[ord[k]] < col[ord[i]]) {
        int t = ord[i];
        ord[i] = ord[k];
        ord[k] = t;
      }
  uint64_t ca = col[ord[0]], cb = col[ord[1]], cc = col[ord[2]];
  uint64_t ha = ca < r1 ? ca : r1, hb = cb < r1 ? cb : r1;
  if ((double)(ha + 1) * (double)(hb + 1) > 1e7) return NAN;
  double konst = lfact(r1) + lfact(r2) + lfact(ca) + lfact(cb) + lfact(cc) - lfact(n);
  double lp_obs = konst;
  for (int k = 0; k < 3; k++) lp_obs -= lfact(x[k]) + lfact(y[k]);
  double p = 0, tol = 1e-7 * fabs(lp_obs) + 1e-12;
  for (uint64_t a = 0; a <= ha; a++)
    for (uint64_t b = 0; b <= hb && a + b <= r1; b++) {
      uint64_t c = r1 - a - b;
      if (c > cc) continue;
      double lp = konst - lfact(a) - lfact(b) - lfact(c) - lfact(ca - a) - lfact(cb - b) -
                  lfact(cc - c);
      if (lp <= lp_obs + tol) p += exp(lp);
    }
  return p > 1 ? 1 : p;
}

/* P(a, x) by its series for x < a + 1, else 1 - Q by Lentz's continued fraction. */
double vb__gamma_p(double a, double x) {
  if (isnan(a) || isnan(x) || a <= 0) return NAN;
  if (x <= 0) return 0;
  double gln = lgamma(a);
  if (x < a + 1) {
    double ap = a, sum = 1.0 / a, del = sum;
    for (int n = 0; n < 1000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (fabs(del) < fabs(sum) * 1e-16) break;
    }
    double r = sum * exp(-x + a * log(x) - gln);
    return r > 1 ? 1 : r;
  }
  const double fpmin = 1e-300;
  double b = x + 1 - a, c = 1 / fpmin, d = 1 / b, h = d;
  for (int i = 1; i < 1000; i++) {
    double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (fabs(d) < fpmin) d = fpmin;
    c = b + an / c;
    if (fabs(c) < fpmin) c = fpmin;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1) < 1e-16) break;
  }
  double q = exp(-x + a * log(x) - gln) * h;
  return q > 1 ? 0 : 1 - q;
}

double vb__poisson_upper(uint64_t k, double lambda) {
  if (isnan(lambda) || lambda < 0) return NAN;
  if (k == 0) return 1;
  if (lambda == 0) return 0;
  /* P(X >= k) = P(k, lambda), the regularised lower incomplete gamma */
  return vb__gamma_p((double)k, lambda);
}

double vb__hyper_upper(uint64_t k, uint64_t n1, uint64_t n2, uint64_t n) {
  if (n1 > n || n2 > n) return NAN;
  uint64_t lo = n1 + n2 > n ? n1 + n2 - n : 0, hi = n1 < n2 ? n1 : n2;
  if (k <= lo) return 1;
  if (k > hi) return 0;
  /* P(X = x) = C(n1, x) C(n - n1, n2 - x) / C(n, n2); from one term to the next by their
   * ratio, away from the mode, where the terms only fall: stop when they no longer count */
  uint64_t rest = n - n1 - n2; /* rest + x: records with neither (rest wraps when n1 + n2 > n;
                                  rest + x, with x >= lo, does not) */
  double konst = lfact(n1) + lfact(n - n1) + lfact(n2) + lfact(n - n2) - lfact(n);
  double mode = floor(((double)n1 + 1) * ((double)n2 + 1) / ((double)n + 2));
  bool upper = (double)k > mode;
  uint64_t x = upper ? k : k - 1;
  double term = exp(konst - lfact(x) - lfact(n1 - x) - lfact(n2 - x) - lfact(rest + x)), sum = 0;
  for (;;) {
    sum += term;
    /* the rest only falls: a first term below the smallest double leaves a tail of 0 */
    if (term == 0 || (upper ? x == hi : x == lo)) break;
    if (upper) {
      term *= (double)(n1 - x) * (double)(n2 - x) / ((double)(x + 1) * (double)(rest + x + 1));
      x++;
    } else {
      term *= (double)x * (double)(rest + x) / ((double)(n1 - x + 1) * (double)(n2 - x + 1));
      x--;
    }
    if (term < sum * 1e-17) break;
  }
  double p = upper ? sum : 1 - sum;
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

double vb__p_f(double f, double d1, double d2) {
  if (isnan(f) || d1 <= 0 || d2 <= 0) return NAN;
  if (f <= 0) return 1;
  return vb__ibeta(d2 / 2, d1 / 2, d2 / (d2 + d1 * f));
}

/* ---- 128-bit sums ---- */

void vb__i128_add(vb__i128 *acc, vb__i128 x) {
  uint64_t lo = acc->lo + x.lo;
  uint64_t carry = lo < acc->lo;
  acc->lo = lo;
  acc->hi = (int64_t)((uint64_t)acc->hi + (uint64_t)x.hi + carry);
}

void vb__i128_add64(vb__i128 *acc, int64_t x) {
  vb__i128 v = {x < 0 ? -1 : 0, (uint64_t)x};
  vb__i128_add(acc, v);
}

vb__i128 vb__i128_neg(vb__i128 x) {
  vb__i128 r = {(int64_t)~(uint64_t)x.hi, ~x.lo};
  vb__i128_add64(&r, 1);
  return r;
}

void vb__i128_addmul(vb__i128 *acc, int64_t a, int64_t b) {
  bool neg = (a < 0) != (b < 0);
  uint64_t ua = a < 0 ? 0 - (uint64_t)a : (uint64_t)a, ub = b < 0 ? 0 - (uint64_t)b : (uint64_t)b;
  uint64_t a0 = ua & 0xffffffffu, a1 = ua >> 32, b0 = ub & 0xffffffffu, b1 = ub >> 32;
  uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
  vb__i128 r;
  r.lo = (p00 & 0xffffffffu) | (mid << 32);
  r.hi = (int64_t)(p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32));
  vb__i128_add(acc, neg ? vb__i128_neg(r) : r);
}

double vb__i128_double(vb__i128 x) {
  /* through the magnitude: -1 * 2^64 + (2^64 - 2) would round to 0 */
  if (x.hi < 0) {
    vb__i128 m = vb__i128_neg(x);
    return -((double)(uint64_t)m.hi * 18446744073709551616.0 + (double)m.lo);
  }
  return (double)x.hi * 18446744073709551616.0 + (double)x.lo;
}

int vb__i128_cmp(vb__i128 a, vb__i128 b) {
  if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
  if (a.lo != b.lo) return a.lo < b.lo ? -1 : 1;
  return 0;
}

/* Divides the magnitude (hi:lo as unsigned) by 10 in place; returns the remainder. */
static unsigned div10(uint64_t *hi, uint64_t *lo) {
  uint64_t h = *hi, rem = h % 10;
  *hi = h / 10;
  /* the low word in two 32-bit steps */
  uint64_t cur = (rem << 32) | (*lo >> 32);
  uint64_t q1 = cur / 10;
  rem = cur % 10;
  cur = (rem << 32) | (*lo & 0xffffffffu);
  uint64_t q0 = cur / 10;
  rem = cur % 10;
  *lo = (q1 << 32) | q0;
  return (unsigned)rem;
}

void vb__i128_format(vb__i128 x, char *buf) {
  bool neg = x.hi < 0;
  if (neg) x = vb__i128_neg(x);
  uint64_t hi = (uint64_t)x.hi, lo = x.lo;
  char tmp[48];
  size_t n = 0;
  do tmp[n++] = (char)('0' + div10(&hi, &lo));
  while (hi || lo);
  size_t k = 0;
  if (neg) buf[k++] = '-';
  while (n) buf[k++] = tmp[--n];
  buf[k] = '\0';
}

bool vb__i128_parse(const char **s, vb__i128 *out) {
  const char *p = *s;
  while (*p == ' ') p++;
  bool neg = *p == '-';
  if (neg) p++;
  if (!vb__ascii_digit(*p)) return false;
  /* magnitude < 2^127, accumulated as hi:lo */
  uint64_t hi = 0, lo = 0;
  int digits = 0;
  while (vb__ascii_digit(*p)) {
    if (++digits > 39) return false;
    /* (hi:lo) * 10 + d */
    uint64_t l0 = lo & 0xffffffffu, l1 = lo >> 32;
    uint64_t m0 = l0 * 10 + (uint64_t)(*p - '0');
    uint64_t m1 = l1 * 10 + (m0 >> 32);
    if (hi > (UINT64_MAX >> 1) / 10) return false;
    hi = hi * 10 + (m1 >> 32);
    lo = (m1 << 32) | (m0 & 0xffffffffu);
    if (hi >> 63) return false;
    p++;
  }
  vb__i128 v = {(int64_t)hi, lo};
  *out = neg ? vb__i128_neg(v) : v;
  *s = p;
  return true;
}
