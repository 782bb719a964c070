/*
 * model.c - loading a vb_model: the built-in (or a folder's) lexicons, emoji table and
 * codebook, then the user's own files.
 *
 * Order matters in one place: the Hebrew stemmer is guarded by a vocabulary, and lexicon and
 * codebook entries are stemmed while loading, so every Hebrew word of every file is put in the
 * vocabulary first; otherwise a word's stem would depend on the order of the files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "vb_codebook_io.h"
#include "vb_embed.h"
#include "vb_model.h"
#include "vb_stems.h"

static const char *const lang_codes[VB_LANG_COUNT] = {"und", "en", "sv", "da", "he"};

const char *vb_lang_code(vb_lang lang) {
  return (lang >= 0 && lang < VB_LANG_COUNT) ? lang_codes[lang] : "und";
}

int vb_lang_parse(const char *code, vb_lang *out) {
  if (!code) return VB_EINVAL;
  if (vb__strieq(code, "auto")) {
    *out = VB_LANG_UND;
    return VB_OK;
  }
  for (int l = 0; l < VB_LANG_COUNT; l++)
    if (vb__strieq(code, lang_codes[l])) {
      *out = (vb_lang)l;
      return VB_OK;
    }
  return VB_ELANG;
}

int vb__model_add_file(vb_model *m, const char *name, uint16_t *index) {
  for (size_t i = 0; i < m->n_files; i++)
    if (strcmp(m->files[i], name) == 0) {
      *index = (uint16_t)i;
      return VB_OK;
    }
  if (m->n_files >= UINT16_MAX) return VB_ELIMIT;
  if (vb__grow(&m->files, &m->cap_files, m->n_files + 1, sizeof *m->files)) return VB_ENOMEM;
  char *d = vb__strdup(name);
  if (!d) return VB_ENOMEM;
  m->files[m->n_files] = d;
  *index = (uint16_t)m->n_files++;
  return VB_OK;
}

void (*vb__model_stem_hook)(void *ctx, vb_lang lang, const char *key, size_t key_len,
                            const char *stem, size_t stem_len);
void *vb__model_stem_hook_ctx;
static bool no_stemtab;
void vb__model_use_stemtab(bool on) { no_stemtab = !on; }

int vb__model_key_stem(const vb_model *m, vb__loadctx *lc, vb_lang lang, const char *w,
                       size_t len, vb__keystem *ks) {
  vb__buf *b = &lc->buf;
  b->len = 0;
  if (vb__normalize(&lc->norm, w, len, 0, b)) return VB_ENOMEM;
  size_t kl = b->len;
  ks->key_off = 0;
  ks->key_len = kl;
  ks->key_hash = vb__hash(b->data, kl);
  /* no stemmer: the stem is the key itself */
  ks->stem_off = 0;
  ks->stem_len = kl;
  ks->stem_hash = ks->key_hash;
  if (!lc->stem[lang]) return VB_OK;
  /* The stem lives in the table or the stemmer, never in lc->buf: it is put after the key. */
  const char *stem;
  size_t sl;
  if (!m->load_stemtab ||
      !vb__stemtab_get_h(&vb__builtin_stems, lang, b->data, kl, ks->key_hash, &stem, &sl)) {
    int rc = vb__stem(lc->stem[lang], b->data, kl, &stem, &sl);
    if (rc) return rc;
    if (vb__model_stem_hook)
      vb__model_stem_hook(vb__model_stem_hook_ctx, lang, b->data, kl, stem, sl);
  }
  ks->stem_off = kl;
  ks->stem_len = sl;
  if (sl != kl || memcmp(stem, b->data, kl) != 0) ks->stem_hash = vb__hash(stem, sl);
  return vb__buf_add(b, stem, sl);
}

/* The key and stem of word w[0..n) from the words seen before, else normalised, stemmed and
 * kept. The result is valid until the next call. */
static int load_word(const vb_model *m, vb__loadctx *lc, vb_lang lang, const char *w, size_t n,
                     const struct vb__loadword **out) {
  uint64_t h = vb__hash(w, n);
  uint32_t i;
  if (vb__strmap_get_h(&lc->words[lang], w, n, h, &i)) {
    *out = &lc->words_v[i];
    return VB_OK;
  }
  vb__keystem ks;
  int rc = vb__model_key_stem(m, lc, lang, w, n, &ks);
  if (rc) return rc;
  if (lc->words_text.len + ks.key_len + ks.stem_len >= UINT32_MAX) return VB_ELIMIT;
  if (vb__grow(&lc->words_v, &lc->cap_words, lc->n_words + 1, sizeof *lc->words_v))
    return VB_ENOMEM;
  struct vb__loadword *lw = &lc->words_v[lc->n_words];
  lw->text_off = (uint32_t)lc->words_text.len;
  lw->key_len = (uint32_t)ks.key_len;
  lw->stem_len = (uint32_t)ks.stem_len;
  lw->key_hash = (uint32_t)ks.key_hash;
  lw->stem_hash = (uint32_t)ks.stem_hash;
  if (vb__buf_add(&lc->words_text, lc->buf.data + ks.key_off, ks.key_len) ||
      vb__buf_add(&lc->words_text, lc->buf.data + ks.stem_off, ks.stem_len))
    return VB_ENOMEM;
  bool found;
  rc = vb__strmap_put_h(&lc->words[lang], w, n, h, (uint32_t)lc->n_words, &found, NULL);
  if (rc) return rc;
  lc->n_words++;
  *out = lw;
  return VB_OK;
}

/* A loading context with a stemmer per language (Hebrew's guarded by `vocab`). */
static int loadctx_init(vb__loadctx *lc, const vb__he_vocab *vocab) {
  memset(lc, 0, sizeof *lc);
  int rc = VB_OK;
  for (int l = VB_LANG_EN; rc == VB_OK && l < VB_LANG_COUNT; l++)
    rc = vb__stemmer_new((vb_lang)l, vocab, &lc->stem[l]);
  return rc;
}

static void loadctx_free(vb__loadctx *lc) {
  for (int l = 0; l < VB_LANG_COUNT; l++) {
    vb__stemmer_free(lc->stem[l]);
    lc->stem[l] = NULL;
    vb__strmap_free(&lc->words[l]);
  }
  vb__free(lc->words_v);
  lc->words_v = NULL;
  lc->n_words = lc->cap_words = 0;
  vb__buf_free(&lc->words_text);
  vb__norm_free(&lc->norm);
  vb__buf_free(&lc->buf);
}

int vb__model_add_words(const vb_model *m, vb__loadctx *lc, vb_lang lang, const char *term,
                        vb__wordlist *wl, uint16_t *count, bool *star) {
  const char *p = term;
  *count = 0;
  if (star) *star = false;
  while (*p) {
    while (*p == ' ') p++;
    const char *q = p;
    while (*q && *q != ' ') q++;
    if (q == p) break;
    size_t n = (size_t)(q - p);
    const char *inner = memchr(p, '*', n);
    if (inner && inner != p + n - 1) return VB_EPARSE; /* '*' only ends a word */
    if (p[n - 1] == '*') {
      if (!star || q[strspn(q, " ")] != '\0') return VB_EPARSE; /* '*' only at the end */
      *star = true;
      n--;
    }
    if (n == 0) return VB_EPARSE;
    const struct vb__loadword *lw;
    int rc = load_word(m, lc, lang, p, n, &lw);
    if (rc) return rc;
    const char *text = lc->words_text.data + lw->text_off;
    if (vb__grow(&wl->v, &wl->cap, wl->n + 1, sizeof *wl->v)) return VB_ENOMEM;
    vb__pword *w = &wl->v[wl->n++];
    w->key_off = (uint32_t)wl->text.len;
    w->key_len = lw->key_len;
    if (vb__buf_add(&wl->text, text, lw->key_len)) return VB_ENOMEM;
    w->stem_off = (uint32_t)wl->text.len;
    w->stem_len = lw->stem_len;
    w->key_hash = lw->key_hash;
    w->stem_hash = lw->stem_hash;
    if (vb__buf_add(&wl->text, text + lw->key_len, lw->stem_len)) return VB_ENOMEM;
    (*count)++;
    p = q;
  }
  return VB_OK;
}

/* ---- reading data files ---- */

static int read_file(const char *path, char **data, size_t *len, vb_error *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return vb__error_set(err, errno == ENOENT ? VB_ENOTFOUND : VB_EIO, path, 1, 1,
                                "cannot open the file: %s", strerror(errno));
  vb__buf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
    if (vb__buf_append(&b, chunk, n)) {
      fclose(fp);
      vb__buf_free(&b);
      return vb__error_set(err, VB_ENOMEM, path, 0, 0, "out of memory");
    }
  }
  int bad = ferror(fp) ? (errno ? errno : EIO) : 0;
  fclose(fp);
  if (bad) {
    vb__buf_free(&b);
    return vb__error_set(err, VB_EIO, path, 1, 1, "cannot read the file: %s", strerror(bad));
  }
  if (!b.data && vb__buf_append(&b, "", 0)) return VB_ENOMEM;
  *data = b.data;
  *len = b.len;
  return VB_OK;
}

/* A data file by its path under the source tree ("lexicons/sv/valence.tsv"): from the
 * folder when one is given, else built in. `*owned` is non-NULL when it must be freed.
 * VB_ENOTFOUND when absent. */
static int data_file(const vb_model_options *o, const char *rel, const char **data,
                     size_t *len, char **owned, char *name, size_t name_cap, vb_error *err) {
  *owned = NULL;
  if (o && o->data_dir) {
    snprintf(name, name_cap, "%s/%s", o->data_dir, rel);
    int rc = read_file(name, owned, len, err);
    if (rc) return rc;
    *data = *owned;
    return VB_OK;
  }
  snprintf(name, name_cap, "%s", rel);
  for (const vb__embedded_file *f = vb__embedded_files; f->path; f++)
    if (strcmp(f->path, rel) == 0) {
      *data = (const char *)f->data;
      *len = f->len;
      return VB_OK;
    }
  return VB_ENOTFOUND;
}

/* Adds one vocabulary word (normalised) if it is a single Hebrew word. */
static int vocab_word(vb_model *m, const char *w, size_t n) {
  while (n && (*w == ' ' || *w == '\t')) { w++; n--; }
  while (n && (w[n - 1] == ' ' || w[n - 1] == '\t' || w[n - 1] == '\r' || w[n - 1] == '*')) n--;
  if (n == 0 || memchr(w, ' ', n) || (unsigned char)w[0] != 0xD7) return VB_OK;
  vb__buf *b = &m->load.buf;
  b->len = 0;
  int rc = vb__normalize(&m->load.norm, w, n, 0, b);
  return rc ? rc : vb__he_vocab_add(m->he_vocab, b->data, b->len);
}

/* Puts the single-word Hebrew entries of a file into the stemmer's vocabulary: the terms of
 * lexicon lines, the `he:` terms of a codebook, the words of a word list. Words inside
 * multi-word entries are left out: they carry proclitics (השירות היה ...), and the stemmer's
 * vocabulary must hold dictionary forms for its longest-stem rule to work. */
static int vocab_from_file(vb_model *m, const char *data, size_t len, int kind) {
  int rc = VB_OK;
  size_t i = 0;
  while (i < len && rc == VB_OK) {
    const char *nl = memchr(data + i, '\n', len - i);
    size_t j = nl ? (size_t)(nl - data) : len;
    const char *line = data + i;
    size_t n = j - i;
    i = j + 1;
    if (n == 0 || line[0] == '#') continue;
    if (kind == 3) {
      if (n < 3 || memcmp(line, "he:", 3) != 0) continue;
      const char *p = line + 3, *end = line + n;
      while (p < end && rc == VB_OK) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *q = semi ? semi : end;
        rc = vocab_word(m, p, (size_t)(q - p));
        p = q + 1;
      }
    } else {
      const char *tab = memchr(line, '\t', n);
      rc = vocab_word(m, line, tab ? (size_t)(tab - line) : n);
    }
  }
  return rc;
}

typedef struct {
  const char *rel;
  vb_lang lang;
  int kind;   /* 0 valence, 1 modifiers, 2 emoji, 3 codebook, 4 vocabulary only, 5 names,
               * 6 stopwords (words that are no name: names.c) */
  int format; /* valence files given by the user: VB_LEXFMT_*; codebooks: 1 a brand list */
} data_spec;

static const data_spec builtin[] = {
    {"lexicons/he/vocab.txt", VB_LANG_HE, 4, 0},
    {"lexicons/en/valence.tsv", VB_LANG_EN, 0, 0}, {"lexicons/en/valence-social.tsv", VB_LANG_EN, 0, 0},
    {"lexicons/en/modifiers.tsv", VB_LANG_EN, 1, 0},
    {"lexicons/sv/valence.tsv", VB_LANG_SV, 0, 0}, {"lexicons/sv/modifiers.tsv", VB_LANG_SV, 1, 0},
    {"lexicons/da/valence.tsv", VB_LANG_DA, 0, 0}, {"lexicons/da/modifiers.tsv", VB_LANG_DA, 1, 0},
    {"lexicons/he/valence.tsv", VB_LANG_HE, 0, 0}, {"lexicons/he/modifiers.tsv", VB_LANG_HE, 1, 0},
    {"lexicons/emoji.tsv", VB_LANG_UND, 2, 0},
    {"lexicons/en/names.tsv", VB_LANG_EN, 5, 0}, {"lexicons/sv/names.tsv", VB_LANG_SV, 5, 0},
    {"lexicons/da/names.tsv", VB_LANG_DA, 5, 0}, {"lexicons/he/names.tsv", VB_LANG_HE, 5, 0},
    {"lexicons/en/stopwords.txt", VB_LANG_EN, 6, 0}, {"lexicons/sv/stopwords.txt", VB_LANG_SV, 6, 0},
    {"lexicons/da/stopwords.txt", VB_LANG_DA, 6, 0}, {"lexicons/he/stopwords.txt", VB_LANG_HE, 6, 0},
    {"lexicons/themes/cx.codebook", VB_LANG_UND, 3, 0}};

static int load_one(vb_model *m, const data_spec *s, const char *name, const char *data,
                    size_t len, vb_error *err) {
  /* a word in another encoding would load and never match: said instead (codebooks say it
   * themselves) */
  if (s->kind != 3) {
    int rc = vb__file_utf8(name, data, len, err);
    if (rc) return rc;
  }
  switch (s->kind) {
  case 0: return vb__lexicon_load_valence(m, s->lang, name, data, len, err);
  case 1: return vb__lexicon_load_modifiers(m, s->lang, name, data, len, err);
  case 2: return vb__emoji_load(m, name, data, len, err);
  case 5: return vb__names_load(m, name, data, len, err);
  case 6: return vb__names_load_stopwords(m, name, data, len, err);
  case 3: /* any format: detected, or a brand list */
    return vb__codebook_load_any(m, s->lang, s->format ? VB_CBFMT_BRANDS : -1, name, data, len,
                                 err);
  default: return VB_OK;
  }
}

/* One source of a model: a built-in file or one of the user's. */
struct src {
  data_spec spec;
  char name[1024];
  const char *data;
  size_t len;
  char *owned;
  bool present;
};

/* Pass 2 of loading runs as two tasks that share nothing but the sources and the read-only
 * parts of the model (the Hebrew vocabulary, the stem table): the lexicons, modifier lists
 * and emoji table (task 0, with m->load) and the codebooks (task 1, with m->load_cb: a
 * loading context of its own when the caller may run the tasks at the same time, else
 * m->load too). Each task loads its sources in order and stops at its first error; the
 * error reported is that of the earlier source, as when every source loaded in turn. A
 * task runs on after the other has failed: that source may come later than its own. */
typedef struct load_task {
  vb_model *m;
  const struct src *srcs;
  size_t n_src;
  bool codebooks; /* the task's sources: the codebooks, or all the others */
  int rc;
  size_t failed;  /* the source it stopped at */
  vb_error err;
} load_task;

static void load_task_run(void *arg, size_t i) {
  load_task *t = &((load_task *)arg)[i];
  for (size_t k = 0; t->rc == VB_OK && k < t->n_src; k++) {
    const struct src *s = &t->srcs[k];
    if (!s->present || (s->spec.kind == 3) != t->codebooks) continue;
    t->rc = load_one(t->m, &s->spec, s->name, s->data, s->len, &t->err);
    t->failed = k;
  }
}

int vb_model_load(const vb_model_options *opts, vb_model **out, vb_error *err) {
  if (!out) return VB_EINVAL;
  *out = NULL;
  vb_model *m = vb__calloc(1, sizeof *m);
  if (!m) return vb__error_set(err, VB_ENOMEM, NULL, 0, 0, "out of memory");
  /* the build-time stems hold for the built-in Hebrew vocabulary only (vb_stems.h) */
  m->load_stemtab = !no_stemtab && !(opts && opts->data_dir);
  m->load_cb = &m->load;
  int rc = vb__he_vocab_new(&m->he_vocab);
  if (rc == VB_OK) rc = loadctx_init(&m->load, m->he_vocab);
  if (rc) {
    vb_model_free(m);
    return vb__error_set(err, rc, NULL, 0, 0, "%s", vb_strerror(rc));
  }

  /* All sources, in order: built-in files, then the user's codebooks and lexicons. */
  size_t n_builtin = sizeof builtin / sizeof builtin[0];
  size_t n_cb_files = opts ? opts->n_codebooks : 0, n_lex = opts ? opts->n_lexicons : 0;
  size_t n_cb = n_cb_files + (opts ? opts->n_brands : 0);
  size_t n_names = opts ? opts->n_names : 0;
  size_t n_src = n_builtin + n_cb + n_lex + n_names;
  struct src *src = vb__calloc(n_src, sizeof *src);
  if (!src) {
    vb_model_free(m);
    return vb__error_set(err, VB_ENOMEM, NULL, 0, 0, "out of memory");
  }
  for (size_t i = 0; rc == VB_OK && i < n_src; i++) {
    struct src *s = &src[i];
    if (i < n_builtin) {
      s->spec = builtin[i];
      if (s->spec.kind == 3 && opts && opts->no_default_codebook) continue;
      rc = data_file(opts, s->spec.rel, &s->data, &s->len, &s->owned, s->name, sizeof s->name,
                     err);
      if (rc == VB_ENOTFOUND) {
        rc = VB_OK; /* every built-in file is optional */
        continue;
      }
    } else if (i < n_builtin + n_cb) {
      bool brands = i - n_builtin >= n_cb_files; /* (the brand lists come last) */
      const char *path = brands ? opts->brands[i - n_builtin - n_cb_files]
                                : opts->codebooks[i - n_builtin];
      vb_lang cl = vb__codebook_lang_prefix(&path); /* "LANG:" for LIWC / YAML terms */
      s->spec = (data_spec){path, cl, 3, brands};
      snprintf(s->name, sizeof s->name, "%s", path);
      rc = read_file(path, &s->owned, &s->len, err);
      s->data = s->owned;
    } else if (i >= n_builtin + n_cb + n_lex) {
      const char *path = opts->names[i - n_builtin - n_cb - n_lex];
      s->spec = (data_spec){path, VB_LANG_UND, 5, 0};
      snprintf(s->name, sizeof s->name, "%s", path);
      rc = read_file(path, &s->owned, &s->len, err);
      s->data = s->owned;
    } else {
      /* "LANG:PATH" or "LANG:FORMAT:PATH" */
      const char *arg = opts->lexicons[i - n_builtin - n_cb];
      const char *colon = strchr(arg, ':');
      char code[8] = "";
      if (colon && (size_t)(colon - arg) < sizeof code) {
        memcpy(code, arg, (size_t)(colon - arg));
        code[colon - arg] = '\0';
      }
      vb_lang lang;
      if (!colon || vb_lang_parse(code, &lang) || lang == VB_LANG_UND) {
        rc = vb__error_set(err, VB_EINVAL, arg, 0, 0,
                           "a lexicon is given as LANG:FILE or LANG:FORMAT:FILE (LANG one of "
                           "en sv da he; FORMAT tsv, vader, afinn or sentida)");
        break;
      }
      const char *path = colon + 1;
      int format = VB_LEXFMT_AUTO;
      static const struct { const char *name; int fmt; } fmts[] = {
          {"tsv:", VB_LEXFMT_TSV}, {"vader:", VB_LEXFMT_VADER}, {"afinn:", VB_LEXFMT_AFINN},
          {"sentida:", VB_LEXFMT_SENTIDA}, {"auto:", VB_LEXFMT_AUTO}};
      for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++)
        if (strncmp(path, fmts[f].name, strlen(fmts[f].name)) == 0) {
          format = fmts[f].fmt;
          path += strlen(fmts[f].name);
        }
      s->spec = (data_spec){path, lang, 0, format};
      snprintf(s->name, sizeof s->name, "%s", path);
      rc = read_file(path, &s->owned, &s->len, err);
      if (rc == VB_OK) {
        if (format == VB_LEXFMT_AUTO) format = vb__lexicon_detect_format(s->owned, s->len);
        if (format != VB_LEXFMT_TSV) {
          vb__buf conv = {0};
          rc = vb__lexicon_convert(format, path, s->owned, s->len, &conv, err);
          vb__free(s->owned);
          s->owned = conv.data;
          s->len = conv.len;
          if (!s->owned && rc == VB_OK) rc = vb__buf_append(&conv, "", 0), s->owned = conv.data;
        }
      }
      s->data = s->owned;
    }
    if (rc == VB_OK) s->present = true;
  }
  /* Pass 1: the Hebrew vocabulary, from the word lists only (lexicons/he/vocab.txt): the
   * lexicons and codebooks hold inflected forms (ביטלו, זמינים) that would be kept whole or win
   * a wrong split; their words are found by the prefix fallback of lookups instead. */
  for (size_t i = 0; rc == VB_OK && i < n_src; i++)
    if (src[i].present && src[i].spec.kind == 4)
      rc = vocab_from_file(m, src[i].data, src[i].len, src[i].spec.kind);
  /* Pass 2: the entries, in lexicons sized first for all their files. */
  vb__lexcount counts[VB_LANG_COUNT] = {{0}};
  for (size_t i = 0; i < n_src; i++)
    if (src[i].present && (src[i].spec.kind == 0 || src[i].spec.kind == 1))
      vb__lexicon_count(src[i].data, src[i].len, &counts[src[i].spec.lang]);
  for (int l = 0; rc == VB_OK && l < VB_LANG_COUNT; l++)
    if ((rc = vb__lexicon_reserve(&m->lex[l], &counts[l])))
      vb__error_set(err, rc, NULL, 0, 0, "%s", vb_strerror(rc));
  load_task tasks[2] = {{m, src, n_src, false, VB_OK, 0, {0}},
                        {m, src, n_src, true, VB_OK, 0, {0}}};
  vb__loadctx own = {0};
  bool apart = rc == VB_OK && opts && opts->parallel;
  if (apart && (rc = loadctx_init(&own, m->he_vocab)) != VB_OK)
    vb__error_set(err, rc, NULL, 0, 0, "%s", vb_strerror(rc));
  if (rc == VB_OK) {
    if (apart) {
      m->load_cb = &own;
      opts->parallel(opts->parallel_ctx, 2, load_task_run, tasks);
    } else {
      load_task_run(tasks, 0);
      load_task_run(tasks, 1);
    }
    const load_task *bad = tasks[0].rc && (!tasks[1].rc || tasks[0].failed < tasks[1].failed)
                               ? &tasks[0]
                               : tasks[1].rc ? &tasks[1] : NULL;
    if (bad) {
      rc = bad->rc;
      if (err) *err = bad->err;
    }
  }
  m->load_cb = &m->load;
  loadctx_free(&own);
  if (rc == VB_OK) rc = vb__codebook_finish(m);
  for (size_t i = 0; i < n_src; i++) vb__free(src[i].owned);
  vb__free(src);
  for (int l = 0; l < VB_LANG_COUNT; l++) {
    vb__free(m->lex[l].stem_counts);
    m->lex[l].stem_counts = NULL;
    m->lex[l].cap_stem_counts = 0;
  }
  loadctx_free(&m->load);
  if (rc) {
    if (err && err->code == 0) vb__error_set(err, rc, NULL, 0, 0, "%s", vb_strerror(rc));
    vb_model_free(m);
    return rc;
  }
  *out = m;
  return VB_OK;
}

void vb_model_free(vb_model *m) {
  if (!m) return;
  for (int l = 0; l < VB_LANG_COUNT; l++) vb__lexicon_free(&m->lex[l]);
  vb__strmap_free(&m->emoji);
  vb__free(m->emoji_valence);
  vb__codebook_free(m);
  vb__he_vocab_free(m->he_vocab);
  vb__strmap_free(&m->names);
  vb__strmap_free(&m->brand_names);
  for (size_t i = 0; i < m->n_files; i++) vb__free(m->files[i]);
  vb__free(m->files);
  loadctx_free(&m->load);
  vb__free(m);
}

size_t vb_model_theme_count(const vb_model *m) { return m ? m->n_themes : 0; }

const char *vb_model_theme_id(const vb_model *m, size_t i) {
  return (m && i < m->n_themes) ? m->themes[i].id : NULL;
}

const char *vb_model_theme_label(const vb_model *m, size_t i) {
  return (m && i < m->n_themes) ? m->themes[i].label : NULL;
}

int vb_model_theme_is_brand(const vb_model *m, size_t i) {
  return m && i < m->n_themes && m->themes[i].brand;
}

int vb_model_theme_is_fallback(const vb_model *m, size_t i) {
  return m && i < m->n_themes && m->themes[i].fallback;
}

long vb_model_theme_parent(const vb_model *m, size_t i) {
  return (m && i < m->n_themes) ? m->themes[i].parent : -1;
}

long vb_model_theme_find(const vb_model *m, const char *id) {
  uint32_t i;
  if (!m || !id) return -1;
  return vb__strmap_get(&m->theme_ids, id, strlen(id), &i) ? (long)i : -1;
}

size_t vb_model_lexicon_size(const vb_model *m, vb_lang lang) {
  if (!m || lang <= VB_LANG_UND || lang >= VB_LANG_COUNT) return 0;
  return m->lex[lang].n_valence;
}
