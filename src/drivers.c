/*
 * drivers.c - key-driver analysis: the score regressed on theme indicators (1 when a record
 * mentions the theme or a child) and on numeric driver columns, with the R^2 split among the
 * drivers by the Shapley value (LMG, Lindeman-Merenda-Gold 1980; Gromping 2007): each driver
 * gets its marginal gain in R^2 averaged over every order in which drivers can enter the
 * model. The parts add up to the R^2 of all drivers.
 *
 * Everything comes from the sufficient statistics the aggregate keeps (vb_agg.h, agg_drv):
 * counts, co-mention counts and sums of products, all integers, so a merged aggregate gives
 * the same numbers as one run, and memory does not depend on the number of records.
 *
 * Which themes: those with at least 20 mentioners and 20 non-mentioners among the records
 * used, keeping the most specific (a theme is dropped when one of its children qualifies).
 *
 * The R^2 of a set of drivers is r_S' R_SS^-1 r_S on the correlation matrix, grown one driver
 * at a time by a Cholesky row (O(s^2) per step): exact over all 2^p subsets up to 15 drivers
 * (a depth-first walk, each subset one step from its parent), else averaged over 1000 random
 * orders from a fixed seed. A driver that is a linear combination of those before it adds
 * nothing (pivot below 1e-10). Per-driver significance is the t test of its coefficient in the
 * regression on all drivers.
 */
#include <math.h>
#include <stdlib.h>

#include "vb_agg.h"

#define EXACT_MAX 15
#define PERMUTATIONS 1000
#define MIN_MENTIONS 20
#define PIVOT_EPS 1e-10

/* An incrementally grown Cholesky factor of R_SS with z = L^-1 r_S. */
typedef struct chol {
  size_t p, s;
  const double *r, *ry;
  double *L;   /* p x p, row i holds row i of the factor */
  size_t *var; /* the variable of each row */
  double *z;
  double *tmp;
} chol;

/* Adds variable k; returns the R^2 gained (0 when k depends linearly on those in). */
static double chol_add(chol *c, size_t k) {
  size_t s = c->s, p = c->p;
  double *l = c->tmp, ll = 0, lz = 0;
  for (size_t i = 0; i < s; i++) {
    double v = c->r[c->var[i] * p + k];
    for (size_t j = 0; j < i; j++) v -= c->L[i * p + j] * l[j];
    l[i] = v / c->L[i * p + i];
    ll += l[i] * l[i];
    lz += l[i] * c->z[i];
  }
  double d2 = c->r[k * p + k] - ll;
  if (!(d2 > PIVOT_EPS)) return 0;
  double d = sqrt(d2);
  for (size_t i = 0; i < s; i++) c->L[s * p + i] = l[i];
  c->L[s * p + s] = d;
  c->var[s] = k;
  c->z[s] = (c->ry[k] - lz) / d;
  c->s++;
  return c->z[s] * c->z[s];
}

static void dfs(chol *c, size_t mask, double r2, size_t start, double *R2) {
  R2[mask] = r2;
  for (size_t k = start; k < c->p; k++) {
    size_t s = c->s;
    double gain = chol_add(c, k);
    dfs(c, mask | ((size_t)1 << k), r2 + gain, k + 1, R2);
    c->s = s;
  }
}

int vb__lmg(const double *rxx, const double *rxy, size_t p, double *shap, double *r2,
            int *exact, size_t *perms) {
  chol c = {p, 0, rxx, rxy, NULL, NULL, NULL, NULL};
  c.L = vb__calloc(p ? p * p : 1, sizeof *c.L);
  c.var = vb__calloc(p ? p : 1, sizeof *c.var);
  c.z = vb__calloc(p ? p : 1, sizeof *c.z);
  c.tmp = vb__calloc(p ? p : 1, sizeof *c.tmp);
  double *R2 = NULL;
  size_t *order = NULL;
  int rc = VB_OK;
  if (!c.L || !c.var || !c.z || !c.tmp) {
    rc = VB_ENOMEM;
    goto done;
  }
  for (size_t j = 0; j < p; j++) shap[j] = 0;
  *perms = 0;
  if (p <= EXACT_MAX) {
    *exact = 1;
    size_t N = (size_t)1 << p;
    R2 = vb__calloc(N, sizeof *R2);
    if (!R2) {
      rc = VB_ENOMEM;
      goto done;
    }
    dfs(&c, 0, 0, 0, R2);
    /* weight of a coalition of size s not holding j: s! (p - s - 1)! / p! */
    for (size_t S = 0; S < N; S++) {
      unsigned s = 0;
      for (size_t x = S; x; x &= x - 1) s++;
      double w = exp(lgamma((double)s + 1) + lgamma((double)(p - s)) - lgamma((double)p + 1));
      for (size_t j = 0; j < p; j++)
        if (!(S >> j & 1)) shap[j] += w * (R2[S | ((size_t)1 << j)] - R2[S]);
    }
    *r2 = R2[N - 1];
  } else {
    *exact = 0;
    *perms = PERMUTATIONS;
    order = vb__calloc(p, sizeof *order);
    if (!order) {
      rc = VB_ENOMEM;
      goto done;
    }
    uint64_t state = 0x5eed0f1a2b3c4d5eull;
    double total = 0;
    for (int r = 0; r < PERMUTATIONS; r++) {
      for (size_t i = 0; i < p; i++) order[i] = i;
      for (size_t i = p - 1; i > 0; i--) {
        size_t j = (size_t)(vb__splitmix(&state) % (i + 1));
        size_t x = order[i];
        order[i] = order[j];
        order[j] = x;
      }
      c.s = 0;
      total = 0;
      for (size_t i = 0; i < p; i++) {
        double g = chol_add(&c, order[i]);
        shap[order[i]] += g;
        total += g;
      }
    }
    for (size_t j = 0; j < p; j++) shap[j] /= PERMUTATIONS;
    *r2 = total; /* the same in every order */
  }
done:
  vb__free(c.L);
  vb__free(c.var);
  vb__free(c.z);
  vb__free(c.tmp);
  vb__free(R2);
  vb__free(order);
  return rc;
}

void vb__drivers_free(vb_drivers *d) {
  if (!d) return;
  vb__free(d->rows);
  vb__free(d);
}

static int cmp_shap(const void *x, const void *y) {
  const vb_driver_row *a = x, *b = y;
  double sa = isnan(a->shapley) ? -1 : a->shapley, sb = isnan(b->shapley) ? -1 : b->shapley;
  if (sa != sb) return sa > sb ? -1 : 1;
  if (a->theme != b->theme) {
    if (a->theme < 0) return 1;
    if (b->theme < 0) return -1;
    return a->theme < b->theme ? -1 : 1;
  }
  return strcmp(a->name, b->name);
}

int vb__drivers_table(const vb_agg *a, vb_drivers **out) {
  const agg_drv *d = a->drv;
  size_t T = a->n_themes, D = a->n_drivers;
  vb_drivers *res = vb__calloc(1, sizeof *res);
  if (!res) return VB_ENOMEM;
  *out = res;
  res->n = (size_t)d->n;
  res->r2 = res->r2_adj = res->f_p = NAN;
  res->exact = 1;
  double n = (double)d->n;
  /* which themes */
  char *keep = vb__calloc(T ? T : 1, 1), *covered = vb__calloc(T ? T : 1, 1);
  long *var = vb__calloc(T + D + 1, sizeof *var); /* theme index, or -1 - column */
  double *C = NULL, *cy = NULL, *R = NULL, *ry = NULL, *shap = NULL, *Linv = NULL, *work = NULL;
  char *work2 = NULL;
  int rc = VB_ENOMEM;
  if (!keep || !covered || !var) goto done;
  for (size_t k = 0; k < T; k++)
    keep[k] = d->tc[k] >= MIN_MENTIONS && d->n - d->tc[k] >= MIN_MENTIONS &&
              !a->model->themes[k].brand; /* (brands are not causes) */
  for (size_t k = 0; k < T; k++)
    if (keep[k])
      for (long par = a->model->themes[k].parent; par >= 0; par = a->model->themes[par].parent)
        covered[par] = 1;
  size_t p = 0;
  for (size_t k = 0; k < T; k++)
    if (keep[k] && !covered[k]) var[p++] = (long)k;
  for (size_t j = 0; j < D; j++) var[p++] = -1 - (long)j;
  rc = VB_OK;
  if (d->n < 3 || p == 0) goto done;
  /* centred sums of squares and products */
  rc = VB_ENOMEM;
  C = vb__calloc(p * p, sizeof *C);
  cy = vb__calloc(p, sizeof *cy);
  if (!C || !cy) goto done;
  double ybar = vb__i128_double(d->sy) / 1000.0 / n;
  double cyy = vb__i128_double(d->syy) / 1e6 - n * ybar * ybar;
  double *mean = vb__calloc(p, sizeof *mean);
  char *keep_var = vb__calloc(p, 1);
  work = mean;
  work2 = keep_var;
  if (!mean || !keep_var) goto done;
  for (size_t i = 0; i < p; i++)
    mean[i] = var[i] >= 0 ? (double)d->tc[var[i]] / n
                          : vb__i128_double(d->sx[-1 - var[i]]) / 1000.0 / n;
  for (size_t i = 0; i < p; i++) {
    long vi = var[i];
    cy[i] = vi >= 0 ? vb__i128_double(d->ty[vi]) / 1000.0 - (double)d->tc[vi] * ybar
                    : vb__i128_double(d->sxy[-1 - vi]) / 1e6 - n * mean[i] * ybar;
    for (size_t j = 0; j < p; j++) {
      long vj = var[j];
      double s;
      if (vi >= 0 && vj >= 0) {
        size_t x = (size_t)vi, y = (size_t)vj;
        double both = x == y ? (double)d->tc[x] : (double)d->tt[x < y ? x * T + y : y * T + x];
        s = both - (double)d->tc[x] * (double)d->tc[y] / n;
      } else if (vi < 0 && vj < 0) {
        s = vb__i128_double(d->sxx[(size_t)(-1 - vi) * VB_AGG_MAX_DRIVERS + (size_t)(-1 - vj)]) / 1e6 -
            n * mean[i] * mean[j];
      } else {
        long col = vi < 0 ? -1 - vi : -1 - vj, th = vi < 0 ? vj : vi;
        double mcol = vi < 0 ? mean[i] : mean[j];
        s = vb__i128_double(d->sxt[(size_t)col * T + (size_t)th]) / 1000.0 -
            (double)d->tc[th] * mcol;
      }
      C[i * p + j] = s;
    }
  }
  /* drop drivers without variance (a numeric column that never changes) */
  size_t q = 0;
  for (size_t i = 0; i < p; i++) keep_var[i] = C[i * p + i] > 1e-12;
  for (size_t i = 0; i < p; i++) {
    if (!keep_var[i]) continue;
    var[q] = var[i];
    mean[q] = mean[i];
    cy[q] = cy[i];
    for (size_t j = 0, jj = 0; j < p; j++)
      if (keep_var[j]) C[q * p + jj++] = C[i * p + j];
    q++;
  }
  /* rows were compacted in place above: rebuild a q x q matrix */
  R = vb__calloc(q ? q * q : 1, sizeof *R);
  ry = vb__calloc(q ? q : 1, sizeof *ry);
  shap = vb__calloc(q ? q : 1, sizeof *shap);
  Linv = vb__calloc(q ? q * q : 1, sizeof *Linv);
  res->rows = vb__calloc(q ? q : 1, sizeof *res->rows);
  if (!R || !ry || !shap || !Linv || !res->rows) goto done;
  rc = VB_OK;
  if (q == 0 || !(cyy > 1e-12)) goto done;
  for (size_t i = 0; i < q; i++)
    for (size_t j = 0; j < q; j++)
      R[i * q + j] = C[i * p + j] / sqrt(C[i * p + i] * C[j * p + j]);
  for (size_t i = 0; i < q; i++) ry[i] = cy[i] / sqrt(C[i * p + i] * cyy);
  size_t perms;
  if ((rc = vb__lmg(R, ry, q, shap, &res->r2, &res->exact, &perms))) goto done;
  res->permutations = perms;
  /* the regression on all drivers: Cholesky of R (dependent drivers left out), its inverse */
  size_t *in = vb__calloc(q, sizeof *in);
  double *L = vb__calloc(q * q, sizeof *L), *beta = vb__calloc(q, sizeof *beta);
  if (!in || !L || !beta) {
    vb__free(in);
    vb__free(L);
    vb__free(beta);
    rc = VB_ENOMEM;
    goto done;
  }
  size_t m = 0;
  double *row = vb__calloc(q, sizeof *row), *zz = vb__calloc(q, sizeof *zz);
  if (!row || !zz) {
    vb__free(row);
    vb__free(zz);
    vb__free(in);
    vb__free(L);
    vb__free(beta);
    rc = VB_ENOMEM;
    goto done;
  }
  for (size_t k = 0; k < q; k++) {
    double ll = 0;
    for (size_t i = 0; i < m; i++) {
      double v = R[in[i] * q + k];
      for (size_t j = 0; j < i; j++) v -= L[i * q + j] * row[j];
      row[i] = v / L[i * q + i];
      ll += row[i] * row[i];
    }
    double d2 = R[k * q + k] - ll;
    if (!(d2 > PIVOT_EPS)) continue;
    for (size_t i = 0; i < m; i++) L[m * q + i] = row[i];
    L[m * q + m] = sqrt(d2);
    in[m++] = k;
  }
  /* Linv = L^-1 (lower triangular) */
  for (size_t c = 0; c < m; c++)
    for (size_t i = c; i < m; i++) {
      double v = i == c ? 1 : 0;
      for (size_t j = c; j < i; j++) v -= L[i * q + j] * Linv[j * q + c];
      Linv[i * q + c] = v / L[i * q + i];
    }
  /* beta = R^-1 r = Linv' Linv r */
  for (size_t i = 0; i < m; i++) {
    zz[i] = 0;
    for (size_t j = 0; j <= i; j++) zz[i] += Linv[i * q + j] * ry[in[j]];
  }
  for (size_t j = 0; j < m; j++) {
    beta[j] = 0;
    for (size_t i = j; i < m; i++) beta[j] += Linv[i * q + j] * zz[i];
  }
  double df = n - (double)m - 1;
  res->r2_adj = df > 0 ? 1 - (1 - res->r2) * (n - 1) / df : NAN;
  if (df > 0 && m > 0 && res->r2 < 1) {
    double f = (res->r2 / (double)m) / ((1 - res->r2) / df);
    res->f_p = vb__p_f(f, (double)m, df);
  }
  vb__free(row);
  vb__free(zz);
  double *pv = vb__calloc(q, sizeof *pv), *qv = vb__calloc(q, sizeof *qv);
  if (!pv || !qv) {
    vb__free(pv);
    vb__free(qv);
    vb__free(in);
    vb__free(L);
    vb__free(beta);
    rc = VB_ENOMEM;
    goto done;
  }
  for (size_t i = 0; i < q; i++) {
    vb_driver_row *r = &res->rows[i];
    r->theme = var[i] >= 0 ? var[i] : -1;
    r->name = var[i] >= 0 ? a->model->themes[var[i]].id : a->driver_name[-1 - var[i]];
    r->mean = mean[i];
    r->r = ry[i];
    r->shapley = shap[i];
    r->share = res->r2 > 0 ? shap[i] / res->r2 : NAN;
    r->coef = r->se = r->t = r->p = NAN;
    pv[i] = NAN;
  }
  for (size_t k = 0; k < m; k++) {
    size_t i = in[k];
    vb_driver_row *r = &res->rows[i];
    double inv = 0; /* (R^-1)_kk = sum over rows of Linv[.,k]^2 */
    for (size_t j = k; j < m; j++) inv += Linv[j * q + k] * Linv[j * q + k];
    double scale = sqrt(cyy / C[i * p + i]);
    r->coef = beta[k] * scale;
    if (df > 0) {
      double se = sqrt((1 - res->r2) / df * inv);
      r->se = se * scale;
      r->t = se > 0 ? beta[k] / se : NAN;
      r->p = pv[i] = vb__p_student(r->t, df);
    }
  }
  rc = vb__bh(pv, qv, q);
  for (size_t i = 0; i < q; i++) res->rows[i].q = qv[i];
  res->n_rows = q;
  qsort(res->rows, res->n_rows, sizeof *res->rows, cmp_shap);
  vb__free(pv);
  vb__free(qv);
  vb__free(in);
  vb__free(L);
  vb__free(beta);
done:
  vb__free(work);
  vb__free(work2);
  vb__free(keep);
  vb__free(covered);
  vb__free(var);
  vb__free(C);
  vb__free(cy);
  vb__free(R);
  vb__free(ry);
  vb__free(shap);
  vb__free(Linv);
  if (rc) {
    vb__drivers_free(res);
    *out = NULL;
  }
  return rc;
}
