/*
 * agree.c - how far verbatim's coding agrees with a hand coding of the same records: per
 * code, the 2x2 table of records (coded so by hand, by verbatim, by both, by neither) with the
 * share of agreement, Cohen's kappa and its 95% interval, and verbatim's precision, recall and
 * F1 against the hand coding; over the hand sentiment labels, the confusion matrix, accuracy,
 * macro-F1 and kappa. This is the comparison NVivo's coding comparison query makes between
 * two coders, with verbatim as the second coder.
 *
 * Codes. A hand code stands for one or more themes; verbatim has it in a record that mentions
 * one of them or a theme under one, so a hand code "delivery" agrees with verbatim's
 * "delivery.late". The same holds for the hand coding: a record coded "delivery.late" by hand
 * has the code "delivery" too, as a child code lies within its parent in a QDA codebook (and
 * as verbatim's tables count a theme's mentions under its parent). The codes are fixed before
 * the first record (every record must be counted against every code: a code declared late
 * would miss the records verbatim gave it before).
 *
 * Kappa. kappa = (po - pe) / (1 - pe), po the observed share of agreement and pe the share
 * expected from the two coders' margins. Its standard error is the large-sample one of Fleiss,
 * Cohen and Everitt (1969), which holds for any kappa, not only for kappa = 0:
 *
 *   var = [ sum_i p_ii ((1 - pe) - (p_i. + p_.i)(1 - po))^2
 *           + (1 - po)^2 sum_{i != j} p_ij (p_.i + p_j.)^2 - (po pe - 2 pe + po)^2 ]
 *         / (N (1 - pe)^4)
 *
 * and the interval kappa +- 1.96 SE, cut to [-1, 1]. Kappa is undefined (NaN) when pe = 1:
 * both coders put every record in the same class (a code nobody gave). The standard error is
 * 0 when the coders agree on every record or one of them never gives the code (kappa is then
 * 1, or 0, whatever the sample); a zero-width interval would claim a certainty a few records
 * cannot give, so there is none (NaN) in those cases. Kappa is low for a
 * rare code even when the coders agree on nearly every record, which is why the share of
 * agreement is reported beside it.
 */
#include <math.h>
#include <string.h>

#include "vb_internal.h"
#include "vb_model.h"
#include "vb_stats.h"

#define AGREE_CLASSES 4 /* negative, neutral, positive, mixed */

struct vb_agree {
  const vb_model *model;
  size_t n_themes;
  vb_agree_row *rows; /* the codes, with their counts */
  size_t n_rows, cap_rows, cap_names, cap_sets;
  char **names;        /* what the rows point to, owned */
  size_t **sets;
  size_t records;
  /* sentiment: [hand][verbatim's label], and with verbatim's mixed records as mixed */
  size_t conf3[AGREE_CLASSES][AGREE_CLASSES], conf4[AGREE_CLASSES][AGREE_CLASSES];
  size_t labelled;
  unsigned char *has; /* per theme: the record mentions it or a theme under it */
};

int vb_agree_new(const vb_model *model, vb_agree **out) {
  *out = NULL;
  if (!model) return VB_EINVAL;
  vb_agree *ag = vb__calloc(1, sizeof *ag);
  if (!ag) return VB_ENOMEM;
  ag->model = model;
  ag->n_themes = vb_model_theme_count(model);
  ag->has = vb__calloc(ag->n_themes ? ag->n_themes : 1, 1);
  if (!ag->has) {
    vb__free(ag);
    return VB_ENOMEM;
  }
  *out = ag;
  return VB_OK;
}

void vb_agree_free(vb_agree *ag) {
  if (!ag) return;
  for (size_t k = 0; k < ag->n_rows; k++) {
    vb__free(ag->names[k]);
    vb__free(ag->sets[k]);
  }
  vb__free(ag->rows);
  vb__free(ag->names);
  vb__free(ag->sets);
  vb__free(ag->has);
  vb__free(ag);
}

int vb_agree_code(vb_agree *ag, const char *name, const size_t *themes, size_t n_themes) {
  if (!ag || !name || !themes || n_themes == 0 || ag->records || ag->labelled) return VB_EINVAL;
  for (size_t i = 0; i < n_themes; i++)
    if (themes[i] >= ag->n_themes) return VB_EINVAL;
  if (vb__grow(&ag->rows, &ag->cap_rows, ag->n_rows + 1, sizeof *ag->rows) ||
      vb__grow(&ag->names, &ag->cap_names, ag->n_rows + 1, sizeof *ag->names) ||
      vb__grow(&ag->sets, &ag->cap_sets, ag->n_rows + 1, sizeof *ag->sets))
    return VB_ENOMEM;
  vb_agree_row *row = &ag->rows[ag->n_rows];
  memset(row, 0, sizeof *row);
  char *copy = vb__strdup(name);
  size_t *ts = vb__malloc(n_themes * sizeof *ts);
  if (!copy || !ts) {
    vb__free(copy);
    vb__free(ts);
    return VB_ENOMEM;
  }
  memcpy(ts, themes, n_themes * sizeof *ts);
  row->code = ag->names[ag->n_rows] = copy;
  row->themes = ag->sets[ag->n_rows] = ts;
  row->n_themes = n_themes;
  ag->n_rows++;
  return VB_OK;
}

size_t vb_agree_code_count(const vb_agree *ag) { return ag ? ag->n_rows : 0; }

/* Marks `bit` on theme t and every theme above it. */
static void mark(vb_agree *ag, size_t t, unsigned char bit) {
  for (long u = (long)t; u >= 0 && !(ag->has[u] & bit);
       u = vb_model_theme_parent(ag->model, (size_t)u))
    ag->has[u] |= bit;
}

int vb_agree_add(vb_agree *ag, const vb_result *r, const unsigned char *hand, int label,
                 unsigned char *got) {
  if (!ag || !r || (label != VB_AGREE_NO_LABEL && (label < VB_NEGATIVE || label > VB_AGREE_MIXED)))
    return VB_EINVAL;
  if (hand || got) {
    /* has: bit 1 verbatim mentions the theme or one under it; bit 2 a hand code stands for
     * it or one under it */
    memset(ag->has, 0, ag->n_themes ? ag->n_themes : 1);
    const vb_mention *mt;
    size_t n = vb_result_mentions(r, &mt);
    for (size_t i = 0; i < n; i++) mark(ag, mt[i].theme, 1);
    for (size_t k = 0; hand && k < ag->n_rows; k++)
      for (size_t i = 0; hand[k] && i < ag->rows[k].n_themes; i++)
        mark(ag, ag->rows[k].themes[i], 2);
    for (size_t k = 0; k < ag->n_rows; k++) {
      unsigned v = 0;
      for (size_t i = 0; i < ag->rows[k].n_themes; i++) v |= ag->has[ag->rows[k].themes[i]];
      if (got) got[k] = (unsigned char)v;
      if (!hand) continue;
      vb_agree_row *row = &ag->rows[k];
      row->hand += (v & 2) != 0;
      row->machine += v & 1;
      row->both += v == 3;
    }
    if (hand) ag->records++;
  }
  if (label != VB_AGREE_NO_LABEL) {
    const vb_sentiment *s = vb_result_sentiment(r);
    int h = label == VB_AGREE_MIXED ? 3 : label + 1;
    ag->conf3[h][s->label + 1]++;
    ag->conf4[h][s->mixed ? 3 : s->label + 1]++;
    ag->labelled++;
  }
  return VB_OK;
}

/* Kappa of a k x k table m (rows: the first coder) with its 95% interval. */
void vb__kappa(const size_t *m, size_t k, double *kappa, double *lo, double *hi) {
  double n = 0, po = 0, pe = 0;
  for (size_t i = 0; i < k * k; i++) n += (double)m[i];
  *kappa = *lo = *hi = NAN;
  if (n == 0) return;
  double row[AGREE_CLASSES], col[AGREE_CLASSES];
  if (k > AGREE_CLASSES) return;
  for (size_t i = 0; i < k; i++) {
    row[i] = col[i] = 0;
    for (size_t j = 0; j < k; j++) {
      row[i] += (double)m[i * k + j] / n;
      col[i] += (double)m[j * k + i] / n;
    }
  }
  for (size_t i = 0; i < k; i++) {
    po += (double)m[i * k + i] / n;
    pe += row[i] * col[i];
  }
  if (pe >= 1.0 - 1e-12) return;
  *kappa = (po - pe) / (1.0 - pe);
  double a = 0, b = 0;
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j < k; j++) {
      double p = (double)m[i * k + j] / n;
      if (i == j) {
        double d = (1.0 - pe) - (row[i] + col[i]) * (1.0 - po);
        a += p * d * d;
      } else {
        double s = col[i] + row[j];
        b += p * s * s;
      }
    }
  double c = po * pe - 2.0 * pe + po;
  double var = (a + (1.0 - po) * (1.0 - po) * b - c * c) / (n * pow(1.0 - pe, 4));
  if (!(var > 1e-12)) return; /* 0 up to rounding (no interval: see above) */
  double se = sqrt(var);
  *lo = fmax(-1.0, *kappa - 1.959964 * se);
  *hi = fmin(1.0, *kappa + 1.959964 * se);
}

static void row_stats(vb_agree_row *row, size_t records) {
  row->records = records;
  size_t h_only = row->hand - row->both, m_only = row->machine - row->both;
  size_t neither = records - row->both - h_only - m_only;
  size_t m[4] = {row->both, h_only, m_only, neither};
  row->agreement = records ? (double)(row->both + neither) / (double)records : NAN;
  vb__kappa(m, 2, &row->kappa, &row->kappa_lo, &row->kappa_hi);
  row->precision = row->machine ? (double)row->both / (double)row->machine : NAN;
  row->recall = row->hand ? (double)row->both / (double)row->hand : NAN;
  row->f1 = row->hand + row->machine
                ? 2.0 * (double)row->both / (double)(row->hand + row->machine) : NAN;
}

size_t vb_agree_rows(vb_agree *ag, const vb_agree_row **rows) {
  *rows = ag ? ag->rows : NULL;
  if (!ag) return 0;
  for (size_t k = 0; k < ag->n_rows; k++) row_stats(&ag->rows[k], ag->records);
  return ag->n_rows;
}

void vb_agree_stats(vb_agree *ag, vb_agree_info *info) {
  memset(info, 0, sizeof *info);
  const vb_agree_row *rows;
  size_t n = vb_agree_rows(ag, &rows);
  info->records = ag ? ag->records : 0;
  double f1 = 0, kappa = 0;
  size_t n_f1 = 0, n_kappa = 0;
  for (size_t k = 0; k < n; k++) {
    info->hand += rows[k].hand;
    info->machine += rows[k].machine;
    info->both += rows[k].both;
    if (!isnan(rows[k].f1)) f1 += rows[k].f1, n_f1++;
    if (!isnan(rows[k].kappa)) kappa += rows[k].kappa, n_kappa++;
  }
  info->precision = info->machine ? (double)info->both / (double)info->machine : NAN;
  info->recall = info->hand ? (double)info->both / (double)info->hand : NAN;
  info->f1 = info->hand + info->machine
                 ? 2.0 * (double)info->both / (double)(info->hand + info->machine) : NAN;
  info->macro_f1 = n_f1 ? f1 / (double)n_f1 : NAN;
  info->mean_kappa = n_kappa ? kappa / (double)n_kappa : NAN;
  info->labelled = ag ? ag->labelled : 0;
  info->accuracy = info->sentiment_f1 = info->kappa = info->kappa_lo = info->kappa_hi = NAN;
  if (!ag || !ag->labelled) return;
  bool mixed = false;
  for (size_t j = 0; j < AGREE_CLASSES; j++) mixed |= ag->conf4[3][j] != 0;
  size_t k = mixed ? 4 : 3;
  info->classes = k;
  size_t m[AGREE_CLASSES * AGREE_CLASSES] = {0};
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j < k; j++) {
      info->confusion[i][j] = mixed ? ag->conf4[i][j] : ag->conf3[i][j];
      m[i * k + j] = info->confusion[i][j];
    }
  size_t right = 0, n_f = 0;
  double fs = 0;
  for (size_t i = 0; i < k; i++) {
    size_t h = 0, v = 0;
    for (size_t j = 0; j < k; j++) {
      h += info->confusion[i][j];
      v += info->confusion[j][i];
    }
    right += info->confusion[i][i];
    if (h + v) {
      fs += 2.0 * (double)info->confusion[i][i] / (double)(h + v);
      n_f++;
    }
  }
  info->accuracy = (double)right / (double)ag->labelled;
  info->sentiment_f1 = n_f ? fs / (double)n_f : NAN;
  vb__kappa(m, k, &info->kappa, &info->kappa_lo, &info->kappa_hi);
}
