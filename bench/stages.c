/*
 * stages.c - the front of the pipeline one stage at a time, for vb_bench.
 *
 * The analyzer runs tokenize, normalise (keys), language identification and stemming one
 * after another on each document; here each stage runs alone over all the texts, on the output
 * of the stages before it computed beforehand and not timed, so its own speed can be read.
 * This file uses the library's internal headers (src/), which the rest of the bench does not.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vb_model.h"

int bench_stage(const char *kind, const char *data, const size_t *off, const unsigned char *lang,
                size_t n, double *secs, double *cpu, char *note, size_t note_len);

static double clock_of(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Word keys of every record: offsets into one buffer. */
typedef struct keys {
  vb__buf text;
  uint32_t *off, *len;
  size_t *first; /* n + 1: each record's first key */
  size_t n, cap;
} keys;

static int push_key(keys *k, const char *s, size_t len) {
  if (k->n == k->cap) {
    size_t cap = k->cap ? k->cap * 2 : 1024;
    uint32_t *o = realloc(k->off, cap * sizeof *o), *l = o ? realloc(k->len, cap * sizeof *l) : NULL;
    if (!o || !l) return -1;
    k->off = o;
    k->len = l;
    k->cap = cap;
  }
  k->off[k->n] = (uint32_t)k->text.len;
  k->len[k->n] = (uint32_t)len;
  k->n++;
  return vb__buf_append(&k->text, s, len);
}

int bench_stage(const char *kind, const char *data, const size_t *off, const unsigned char *lang,
                size_t n, double *secs, double *cpu, char *note, size_t note_len) {
  vb__toks toks = {0};
  vb__norm nz = {0};
  vb__buf out = {0};
  keys k = {0};
  bool tokenize = !strcmp(kind, "s-tokenize"), normalize = !strcmp(kind, "s-normalize");
  size_t units = 0;
  double t0 = 0, c0 = 0;
  if (tokenize) {
    t0 = clock_of(CLOCK_MONOTONIC);
    c0 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t i = 0; i < n; i++) {
      if (vb__tokenize(data + off[i], off[i + 1] - off[i], &toks)) return -1;
      units += toks.n;
    }
    *secs = clock_of(CLOCK_MONOTONIC) - t0;
    *cpu = clock_of(CLOCK_PROCESS_CPUTIME_ID) - c0;
    snprintf(note, note_len, "%zu tokens", units);
    free(toks.v);
    return 0;
  }
  if (normalize) {
    /* the tokens of all texts first (not timed) */
    vb__toks all = {0};
    size_t *first = malloc((n + 1) * sizeof *first);
    if (!first) return -1;
    for (size_t i = 0; i < n; i++) {
      first[i] = all.n;
      if (vb__tokenize(data + off[i], off[i + 1] - off[i], &toks)) return -1;
      if (vb__grow(&all.v, &all.cap, all.n + toks.n, sizeof *all.v)) return -1;
      for (size_t q = 0; q < toks.n; q++) {
        all.v[all.n] = toks.v[q];
        all.v[all.n].start += (uint32_t)0; /* offsets stay relative to the text */
        all.n++;
      }
    }
    first[n] = all.n;
    t0 = clock_of(CLOCK_MONOTONIC);
    c0 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t i = 0; i < n; i++) {
      const char *text = data + off[i];
      out.len = 0;
      for (size_t q = first[i]; q < first[i + 1]; q++) {
        const vb__tok *t = &all.v[q];
        if (t->type != VB_TOK_WORD) continue;
        if (vb__normalize(&nz, text + t->start, t->end - t->start, 0, &out)) return -1;
        units++;
      }
    }
    *secs = clock_of(CLOCK_MONOTONIC) - t0;
    *cpu = clock_of(CLOCK_PROCESS_CPUTIME_ID) - c0;
    snprintf(note, note_len, "%zu word tokens normalised", units);
    free(all.v);
    free(first);
    free(toks.v);
    vb__norm_free(&nz);
    vb__buf_free(&out);
    return 0;
  }
  /* stem and langid work on the keys of word tokens (computed first, not timed) */
  k.first = malloc((n + 1) * sizeof *k.first);
  if (!k.first) return -1;
  for (size_t i = 0; i < n; i++) {
    const char *text = data + off[i];
    k.first[i] = k.n;
    if (vb__tokenize(text, off[i + 1] - off[i], &toks)) return -1;
    for (size_t q = 0; q < toks.n; q++) {
      const vb__tok *t = &toks.v[q];
      if (t->type != VB_TOK_WORD) continue;
      out.len = 0;
      if (vb__normalize(&nz, text + t->start, t->end - t->start, 0, &out) ||
          push_key(&k, out.data, out.len))
        return -1;
    }
  }
  k.first[n] = k.n;
  int rc = 0;
  if (!strcmp(kind, "s-stem")) {
    vb_model *m;
    if (vb_model_load(NULL, &m, NULL)) return -1;
    vb__stemmer *st[VB_LANG_COUNT] = {0};
    for (int l = VB_LANG_EN; l < VB_LANG_COUNT; l++)
      if (vb__stemmer_new((vb_lang)l, m->he_vocab, &st[l])) return -1;
    t0 = clock_of(CLOCK_MONOTONIC);
    c0 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t i = 0; i < n && !rc; i++) {
      vb__stemmer *s = lang[i] > VB_LANG_UND && lang[i] < VB_LANG_COUNT ? st[lang[i]] : NULL;
      if (!s) continue;
      for (size_t q = k.first[i]; q < k.first[i + 1]; q++) {
        const char *o;
        size_t ol;
        if (vb__stem(s, k.text.data + k.off[q], k.len[q], &o, &ol)) rc = -1;
        units++;
      }
    }
    *secs = clock_of(CLOCK_MONOTONIC) - t0;
    *cpu = clock_of(CLOCK_PROCESS_CPUTIME_ID) - c0;
    snprintf(note, note_len, "%zu word keys stemmed (Snowball or the Hebrew stemmer, with the "
             "per-stemmer cache)", units);
    for (int l = 0; l < VB_LANG_COUNT; l++) vb__stemmer_free(st[l]);
    vb_model_free(m);
  } else if (!strcmp(kind, "s-langid")) {
    vb__langid *li;
    if (vb__langid_new(&li)) return -1;
    const char **kp = NULL;
    size_t *kl = NULL, cap = 0;
    size_t counts[VB_LANG_COUNT] = {0};
    t0 = clock_of(CLOCK_MONOTONIC);
    c0 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t i = 0; i < n && !rc; i++) {
      size_t nw = k.first[i + 1] - k.first[i];
      if (nw > cap) {
        cap = nw * 2;
        kp = realloc(kp, cap * sizeof *kp);
        kl = realloc(kl, cap * sizeof *kl);
        if (!kp || !kl) return -1;
      }
      for (size_t q = 0; q < nw; q++) {
        kp[q] = k.text.data + k.off[k.first[i] + q];
        kl[q] = k.len[k.first[i] + q];
      }
      double conf;
      vb_lang l = vb__langid_run(li, data + off[i], off[i + 1] - off[i], kp, kl, NULL, nw, VB_LANG_UND,
                                 NULL, &conf);
      counts[l]++;
    }
    *secs = clock_of(CLOCK_MONOTONIC) - t0;
    *cpu = clock_of(CLOCK_PROCESS_CPUTIME_ID) - c0;
    snprintf(note, note_len, "vb__langid_run alone (no lexicon votes): und %zu en %zu sv %zu "
             "da %zu he %zu of %zu", counts[VB_LANG_UND], counts[VB_LANG_EN], counts[VB_LANG_SV],
             counts[VB_LANG_DA], counts[VB_LANG_HE], n);
    free(kp);
    free(kl);
    vb__langid_free(li);
  } else {
    rc = -1;
  }
  free(k.off);
  free(k.len);
  free(k.first);
  vb__buf_free(&k.text);
  free(toks.v);
  vb__norm_free(&nz);
  vb__buf_free(&out);
  return rc;
}
