/*
 * analyzer.c - one document through the pipeline: tokens, keys, language, stems, sentences
 * and clauses, then sentiment and themes.
 *
 * Everything is written into buffers the analyzer owns and reuses, so analysing a document
 * allocates nothing once the buffers have grown to the size of the largest document seen.
 * Keys and stems go into one arena as offsets while it may still move, and become pointers
 * in the vb_token array only at the end.
 */
#include "vb_analyzer.h"

int vb_analyzer_new(const vb_model *model, vb_analyzer **out) {
  if (!model || !out) return VB_EINVAL;
  vb_analyzer *an = vb__calloc(1, sizeof *an);
  if (!an) return VB_ENOMEM;
  an->model = model;
  int rc = vb__langid_new(&an->langid);
  if (rc == VB_OK) {
    an->md = pcre2_match_data_create(32, NULL);
    an->mctx = pcre2_match_context_create(NULL);
    if (!an->md || !an->mctx) rc = VB_ENOMEM;
  }
  if (rc == VB_OK) {
    vb__strmap_init(&an->belief);
    rc = vb__sentiment_init(an);
  }
  if (rc == VB_OK) {
    /* No user pattern may hang a run: bound backtracking and recursion depth. */
    pcre2_set_match_limit(an->mctx, 1000000);
    pcre2_set_depth_limit(an->mctx, 10000);
    pcre2_set_heap_limit(an->mctx, 20000); /* KiB */
  }
  if (rc) {
    vb_analyzer_free(an);
    return rc;
  }
  *out = an;
  return VB_OK;
}

void vb_analyzer_free(vb_analyzer *an) {
  if (!an) return;
  vb__free(an->fslot);
  vb__free(an->form);
  vb__buf_free(&an->form_text);
  vb__free(an->form_of);
  for (int l = 0; l < VB_LANG_COUNT; l++) vb__free(an->lform[l]);
  vb__free(an->tf_list);
  vb__free(an->toks.v);
  vb__norm_free(&an->norm);
  vb__buf_free(&an->arena);
  vb__free(an->offs);
  for (int l = 0; l < VB_LANG_COUNT; l++) vb__stemmer_free(an->stem[l]);
  vb__langid_free(an->langid);
  vb__free(an->lid_keys);
  vb__free(an->lid_lens);
  vb__free(an->lid_masks);
  vb__free(an->matches);
  vb__free(an->weights);
  pcre2_match_data_free(an->md);
  pcre2_match_context_free(an->mctx);
  vb__buf_free(&an->scratch);
  vb__buf_free(&an->folded);
  vb__free(an->lit_seen);
  vb__free(an->lit_found);
  vb__free(an->khash);
  vb__free(an->sent_lists);
  vb__strmap_free(&an->belief);
  vb__free(an->excl);
  vb__free(an->order);
  for (int l = 0; l < VB_LANG_COUNT; l++) vb__free(an->tcache[l]);
  vb__free(an->shash);
  vb__free(an->res.tokens);
  vb__free(an->res.sentences);
  vb__free(an->res.clauses);
  vb__free(an->res.mentions);
  vb__free(an->res.explain);
  vb__free(an);
}

int vb__analyzer_stemmer(vb_analyzer *an, vb_lang lang, vb__stemmer **out) {
  if (lang <= VB_LANG_UND || lang >= VB_LANG_COUNT) {
    *out = NULL;
    return VB_OK;
  }
  if (!an->stem[lang]) {
    int rc = vb__stemmer_new(lang, an->model->he_vocab, &an->stem[lang]);
    if (rc) return rc;
  }
  *out = an->stem[lang];
  return VB_OK;
}

/* The form table's hash of a token's bytes: most words are 16 bytes or shorter, read in two
 * overlapping loads and mixed with one multiplication (vb__hash mixes every eight bytes and
 * then twice more, which costs as much as the rest of a lookup). */
static inline uint64_t form_mix(uint64_t a, uint64_t b) {
  __uint128_t r = (__uint128_t)a * b;
  return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t form_hash(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  uint64_t a = 0, b = 0;
  if (n > 16) return vb__hash(s, n);
  if (n >= 8) {
    memcpy(&a, p, 8);
    memcpy(&b, p + n - 8, 8);
  } else if (n >= 4) {
    uint32_t x, y;
    memcpy(&x, p, 4);
    memcpy(&y, p + n - 4, 4);
    a = x;
    b = y;
  } else if (n > 0) {
    a = (uint64_t)p[0] | (uint64_t)p[n / 2] << 8 | (uint64_t)p[n - 1] << 16;
  }
  return form_mix(a ^ 0xA0761D6478BD642FULL ^ n, b ^ 0xE7037ED1A0B428DBULL);
}

/* The form table: open addressing with linear probing, a slot holding the hash and the form
 * index + 1 (0: empty), at most half full. */
static int form_slots_grow(vb_analyzer *an) {
  size_t n = an->n_fslot ? an->n_fslot * 2 : 4096;
  struct vb__fslot *v = vb__calloc(n, sizeof *v);
  if (!v) return VB_ENOMEM;
  for (size_t k = 0; an->fslot && k < an->n_fslot; k++) {
    if (!an->fslot[k].idx) continue;
    size_t j = (size_t)an->fslot[k].h & (n - 1);
    while (v[j].idx) j = (j + 1) & (n - 1);
    v[j] = an->fslot[k];
  }
  vb__free(an->fslot);
  an->fslot = v;
  an->n_fslot = n;
  return VB_OK;
}

/* Where a token's key or stem lies: in the form table's text (VB__IN_FORMS set: words and
 * the other tokens whose key depends only on their bytes) or in the document's arena (emoji
 * and emoticons). The form table starts over before its text reaches VB__IN_FORMS / 2. */
#define VB__IN_FORMS 0x80000000u

static inline const char *key_text(const vb_analyzer *an, uint32_t off) {
  return off & VB__IN_FORMS ? an->form_text.data + (off & ~VB__IN_FORMS) : an->arena.data + off;
}

/* Whether two byte strings of length n are equal: words are short, and a call to memcmp costs
 * more than comparing them. */
static inline bool same_bytes(const char *a, const char *b, size_t n) {
  if (n > 16) return memcmp(a, b, n) == 0;
  if (n < 4) /* the first, middle and last byte are all of them */
    return n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
  uint64_t x0, y0, x1, y1;
  if (n >= 8) {
    memcpy(&x0, a, 8), memcpy(&y0, b, 8), memcpy(&x1, a + n - 8, 8), memcpy(&y1, b + n - 8, 8);
  } else {
    uint32_t u0, v0, u1, v1;
    memcpy(&u0, a, 4), memcpy(&v0, b, 4), memcpy(&u1, a + n - 4, 4), memcpy(&v1, b + n - 4, 4);
    x0 = u0, y0 = v0, x1 = u1, y1 = v1;
  }
  return ((x0 ^ y0) | (x1 ^ y1)) == 0;
}

/* The key of token i (a word, number, punctuation, URL ...: every token but emoji and
 * emoticons, whose keys depend on more than their bytes), from the form table or normalised
 * and added to it; its hash in an->khash[i], its form in an->form_of[i] when it is a word. */
static int form_key(vb_analyzer *an, const char *text, size_t i, bool word) {
  const vb__tok *t = &an->toks.v[i];
  const char *w = text + t->start;
  size_t n = t->end - t->start;
  /* room for one more form first: the table stays at most half full, so a probe always
   * reaches an empty slot (also after a failed allocation) */
  if ((an->n_form + 1) * 2 > an->n_fslot && form_slots_grow(an)) return VB_ENOMEM;
  uint64_t h = form_hash(w, n);
  size_t mask = an->n_fslot - 1, j = (size_t)h & mask;
  uint32_t fi = UINT32_MAX;
  for (; an->fslot[j].idx; j = (j + 1) & mask) {
    if (an->fslot[j].h != h) continue;
    const vb__form *f = &an->form[an->fslot[j].idx - 1];
    if (f->surf_len == n && same_bytes(an->form_text.data + f->surf_off, w, n)) {
      fi = an->fslot[j].idx - 1;
      break;
    }
  }
  if (fi == UINT32_MAX) { /* a new form: at slot j */
    size_t off = an->arena.len;
    int rc = vb__normalize(&an->norm, w, n, 0, &an->arena);
    if (rc) return rc;
    size_t kl = an->arena.len - off;
    if (an->form_text.len + n + kl + 1 >= VB__IN_FORMS) return VB_ENOMEM; /* a 1 GB document */
    if (vb__grow(&an->form, &an->cap_form, an->n_form + 1, sizeof *an->form)) return VB_ENOMEM;
    vb__form *f = &an->form[an->n_form];
    f->surf_off = (uint32_t)an->form_text.len;
    f->surf_len = (uint32_t)n;
    f->key_off = (uint32_t)(an->form_text.len + n);
    f->key_len = (uint32_t)kl;
    f->khash = vb__hash(an->arena.data + off, kl);
    for (int l = 0; l < VB_LANG_COUNT; l++) {
      f->stem_len[l] = VB__FORM_UNSET;
      f->contrast[l] = 0;
    }
    f->lid_set = 0;
    /* the key with its NUL, as the arena held it: callers may read a key as a C string */
    if (vb__buf_append(&an->form_text, w, n) ||
        vb__buf_append(&an->form_text, an->arena.data + off, kl + 1))
      return VB_ENOMEM;
    an->arena.len = off;
    fi = (uint32_t)an->n_form++;
    an->fslot[j].h = h;
    an->fslot[j].idx = fi + 1;
  }
  const vb__form *f = &an->form[fi];
  an->offs[i].key_off = an->offs[i].stem_off = f->key_off | VB__IN_FORMS;
  an->offs[i].key_len = an->offs[i].stem_len = f->key_len;
  an->form_of[i] = word ? fi : UINT32_MAX;
  an->khash[i] = f->khash;
  return VB_OK;
}

/* vb__lform_of() for a form not yet in the language's table: the table grown to every form,
 * the new records zeroed. */
vb__lform *vb__lform_grow(vb_analyzer *an, size_t i) {
  vb_lang lang = an->res.lang;
  uint32_t fi = an->form_of[i];
  if (fi == UINT32_MAX) return NULL; /* every word token has a form (make_keys) */
  if (fi >= an->n_lform[lang]) {
    if (vb__grow(&an->lform[lang], &an->cap_lform[lang], an->n_form, sizeof *an->lform[lang]))
      return NULL;
    memset(&an->lform[lang][an->n_lform[lang]], 0,
           (an->n_form - an->n_lform[lang]) * sizeof *an->lform[lang]);
    an->n_lform[lang] = an->n_form;
  }
  return &an->lform[lang][fi];
}

/* Keys for every token, and their hashes; word keys are also collected for language
 * identification. */
static int make_keys(vb_analyzer *an, const char *text) {
  an->arena.len = 0;
  if (an->n_form >= VB__FORM_MAX || an->form_text.len >= VB__IN_FORMS / 2) { /* start over */
    if (an->fslot) memset(an->fslot, 0, an->n_fslot * sizeof *an->fslot);
    an->n_form = 0;
    an->form_text.len = 0;
    for (int l = 0; l < VB_LANG_COUNT; l++) an->n_lform[l] = 0;
    an->n_tf_list = 0;
  }
  size_t cap = an->cap_hash, cap_fo = an->cap_form_of;
  if (vb__grow(&an->offs, &an->cap_offs, an->toks.n, sizeof *an->offs) ||
      vb__grow(&an->form_of, &cap_fo, an->toks.n, sizeof *an->form_of) ||
      vb__grow(&an->khash, &an->cap_hash, an->toks.n, sizeof *an->khash) ||
      vb__grow(&an->shash, &cap, an->cap_hash, sizeof *an->shash))
    return VB_ENOMEM;
  an->cap_form_of = cap_fo;
  for (size_t i = 0; i < an->toks.n; i++) {
    const vb__tok *t = &an->toks.v[i];
    size_t off = an->arena.len;
    int rc;
    if (t->type != VB_TOK_EMOJI && t->type != VB_TOK_EMOTICON) {
      if ((rc = form_key(an, text, i, t->type == VB_TOK_WORD))) return rc;
      continue;
    }
    an->form_of[i] = UINT32_MAX;
    if (t->type == VB_TOK_EMOTICON && text[t->start] == '&') {
      /* "&lt;3" is "<3" */
      rc = vb__buf_putc(&an->arena, '<');
      if (!rc) rc = vb__buf_append(&an->arena, text + t->start + 4, t->end - t->start - 4);
    } else if (t->type == VB_TOK_EMOTICON) {
      /* case-folded as the emoji table's keys are: ":D" and "XD" are ":d" and "xd" there */
      rc = vb__buf_append(&an->arena, text + t->start, t->end - t->start);
      for (size_t q = off; !rc && q < an->arena.len; q++)
        an->arena.data[q] = (char)vb__ascii_lower((unsigned char)an->arena.data[q]);
    } else {
      rc = vb__normalize(&an->norm, text + t->start, t->end - t->start, VB_NORM_EMOJI,
                         &an->arena);
    }
    if (!rc) rc = vb__buf_putc(&an->arena, '\0');
    if (rc) return rc;
    an->offs[i].key_off = an->offs[i].stem_off = (uint32_t)off;
    an->offs[i].key_len = an->offs[i].stem_len = (uint32_t)(an->arena.len - 1 - off);
    an->khash[i] = vb__hash(an->arena.data + off, an->offs[i].key_len);
  }
  return VB_OK;
}

/* The lexicons are each language's vocabulary: a word that only one or two of sv, da, en
 * know is evidence for them (half a vote, shared), which decides many short answers
 * ("toppen", "helt okej upplevelse") that function words alone leave undecided. A word the
 * function-word lists give to some languages votes through the lexicons only for those:
 * Danish "hun" (she) is English slang in the English lexicon. The languages (bits 1 << l)
 * whose lexicon votes for word token i; kept with its form. */
static unsigned lexicon_votes(vb_analyzer *an, size_t i, uint32_t *words) {
  vb__form *f = an->form_of[i] != UINT32_MAX ? &an->form[an->form_of[i]] : NULL;
  if (f && f->lid_set) {
    *words = f->lid_words;
    return f->lid_known;
  }
  const char *key = key_text(an, an->offs[i].key_off);
  size_t len = an->offs[i].key_len;
  *words = vb__langid_word(an->langid, key, len);
  uint32_t listed = *words & ((1u << VB_LANG_EN) | (1u << VB_LANG_SV) | (1u << VB_LANG_DA));
  unsigned known = 0;
  for (int l = VB_LANG_EN; l <= VB_LANG_DA; l++)
    if ((!listed || (listed >> l & 1)) &&
        vb__lexicon_get_h(&an->model->lex[l], key, len, an->khash[i]))
      known |= 1u << l;
  if (f) {
    f->lid_known = (uint8_t)known;
    f->lid_words = *words;
    f->lid_set = 1;
  }
  return known;
}

static int identify(vb_analyzer *an, const char *text, size_t len, vb_lang dflt) {
  size_t n = 0;
  if (vb__grow(&an->lid_keys, &an->cap_lid, an->toks.n, sizeof *an->lid_keys)) return VB_ENOMEM;
  size_t cap = 0, cap_m = 0;
  if (vb__grow(&an->lid_lens, &cap, an->cap_lid, sizeof *an->lid_lens) ||
      vb__grow(&an->lid_masks, &cap_m, an->cap_lid, sizeof *an->lid_masks))
    return VB_ENOMEM;
  double extra[VB_LANG_COUNT] = {0};
  for (size_t i = 0; i < an->toks.n; i++) {
    if (an->toks.v[i].type != VB_TOK_WORD) continue;
    an->lid_keys[n] = key_text(an, an->offs[i].key_off);
    an->lid_lens[n] = an->offs[i].key_len;
    unsigned known = lexicon_votes(an, i, &an->lid_masks[n]);
    n++;
    int k = (known >> VB_LANG_EN & 1) + (known >> VB_LANG_SV & 1) + (known >> VB_LANG_DA & 1);
    if (k == 1 || k == 2)
      for (int l = VB_LANG_EN; l <= VB_LANG_DA; l++)
        if (known >> l & 1) extra[l] += 0.5 / k;
  }
  an->res.lang = vb__langid_run(an->langid, text, len, an->lid_keys, an->lid_lens, an->lid_masks,
                                n, dflt, extra, &an->res.lang_conf);
  return VB_OK;
}

/* Stems of the word tokens (each form stemmed once per language: the form cache), and the
 * hashes of every token's stem in an->shash. */
static int stem_words(vb_analyzer *an) {
  vb_lang lang = an->res.lang;
  vb__stemmer *st;
  int rc = vb__analyzer_stemmer(an, lang, &st);
  if (rc) return rc;
  for (size_t i = 0; i < an->toks.n; i++) {
    an->shash[i] = an->khash[i];
    if (!st || an->form_of[i] == UINT32_MAX) continue;
    vb__form *f = &an->form[an->form_of[i]];
    if (f->stem_len[lang] == VB__FORM_UNSET) {
      const char *stem;
      size_t sl;
      if ((rc = vb__stem(st, an->form_text.data + f->key_off, f->key_len, &stem, &sl))) return rc;
      if (sl == f->key_len && memcmp(stem, an->form_text.data + f->key_off, sl) == 0) {
        f->stem_off[lang] = VB__FORM_SAME;
        f->shash[lang] = f->khash;
      } else {
        if (an->form_text.len + sl + 1 >= VB__IN_FORMS) return VB_ENOMEM;
        f->stem_off[lang] = (uint32_t)an->form_text.len;
        f->shash[lang] = vb__hash(stem, sl);
        if (vb__buf_append(&an->form_text, stem, sl) || vb__buf_putc(&an->form_text, '\0'))
          return VB_ENOMEM;
      }
      f->stem_len[lang] = (uint32_t)sl;
    }
    an->shash[i] = f->shash[lang];
    if (f->stem_off[lang] == VB__FORM_SAME) continue; /* stem == key: share it */
    an->offs[i].stem_off = f->stem_off[lang] | VB__IN_FORMS;
    an->offs[i].stem_len = f->stem_len[lang];
  }
  return VB_OK;
}

static bool ends_sentence(const char *text, const vb__tok *t) {
  if (t->type != VB_TOK_PUNCT) return false;
  unsigned char c = (unsigned char)text[t->start];
  if (c == '.' || c == '!' || c == '?') return true;
  /* … (U+2026), Hebrew sof pasuq (U+05C3) */
  size_t n = t->end - t->start;
  return (n == 3 && memcmp(text + t->start, "\xE2\x80\xA6", 3) == 0) ||
         (n == 2 && memcmp(text + t->start, "\xD7\x83", 2) == 0);
}

static bool ends_clause(const char *text, const vb__tok *t) {
  if (t->type != VB_TOK_PUNCT) return false;
  unsigned char c = (unsigned char)text[t->start];
  size_t n = t->end - t->start;
  return c == ',' || c == ';' || c == ':' || c == '(' || c == ')' ||
         (n == 3 && (memcmp(text + t->start, "\xE2\x80\x94", 3) == 0 ||    /* — */
                     memcmp(text + t->start, "\xE2\x80\x93", 3) == 0));   /* – */
}

static bool newline_between(const char *text, size_t a, size_t b) {
  for (; a < b; a++) /* mostly one space: no call */
    if (text[a] == '\n') return true;
  return false;
}

static int push_span(vb_span **v, size_t *n, size_t *cap, size_t start, size_t end, size_t tb,
                     size_t te) {
  if (vb__grow(v, cap, *n + 1, sizeof **v)) return VB_ENOMEM;
  (*v)[(*n)++] = (vb_span){start, end, tb, te, 0.0};
  return VB_OK;
}

/* Whether word token i is a contrast word ("but", "men", "אבל") of the document's language:
 * asked of the lexicon once per form. */
static bool is_contrast(vb_analyzer *an, const vb__lexicon *lx, size_t i) {
  vb_lang lang = an->res.lang;
  uint8_t *c = an->form_of[i] != UINT32_MAX ? &an->form[an->form_of[i]].contrast[lang] : NULL;
  if (c && *c) return *c == 2;
  const vb_token *t = &an->res.tokens[i];
  const vb__lexentry *e = vb__lexicon_get_h(lx, t->key, t->key_len, an->khash[i]);
  bool yes = e && e->kind == VB_LEX_CONTRAST;
  if (c) *c = yes ? 2 : 1;
  return yes;
}

/* Sentences end at . ! ? … and at line breaks; clauses also at , ; : dashes and before a
 * contrast word of the document's language. */
static int segment(vb_analyzer *an, const char *text) {
  vb_result *r = &an->res;
  r->n_sentences = r->n_clauses = 0;
  size_t n = r->n_tokens;
  if (n == 0) return VB_OK;
  const vb__lexicon *lx = r->lang != VB_LANG_UND ? &an->model->lex[r->lang] : NULL;
  size_t s_begin = 0, c_begin = 0;
  for (size_t i = 0; i < n; i++) {
    vb_token *t = &r->tokens[i];
    bool last = i + 1 == n;
    bool s_end = last || ends_sentence(text, &an->toks.v[i]) ||
                 newline_between(text, t->end, r->tokens[i + 1].start);
    bool c_end = s_end || ends_clause(text, &an->toks.v[i]);
    if (!c_end && lx && r->tokens[i + 1].type == VB_TOK_WORD)
      c_end = is_contrast(an, lx, i + 1);
    t->sentence = (uint32_t)r->n_sentences;
    t->clause = (uint32_t)r->n_clauses;
    if (c_end) {
      if (push_span(&r->clauses, &r->n_clauses, &r->cap_clauses, r->tokens[c_begin].start,
                    t->end, c_begin, i + 1))
        return VB_ENOMEM;
      c_begin = i + 1;
    }
    if (s_end) {
      if (push_span(&r->sentences, &r->n_sentences, &r->cap_sentences,
                    r->tokens[s_begin].start, t->end, s_begin, i + 1))
        return VB_ENOMEM;
      s_begin = i + 1;
    }
  }
  return VB_OK;
}

int vb_analyzer_run(vb_analyzer *an, const char *text, size_t len, const vb_run_options *opts,
                    const vb_result **out) {
  if (!an || (!text && len) || !out) return VB_EINVAL;
  if (!text) text = "";
  if (vb_utf8_check(text, len) != len) return VB_EUTF8;
  vb_result *r = &an->res;
  r->text = text;
  r->len = len;
  r->n_tokens = r->n_sentences = r->n_clauses = r->n_mentions = r->n_explain = 0;
  r->n_limited = 0;
  memset(&r->sentiment, 0, sizeof r->sentiment);
  r->sentiment.neu = 1.0;
  vb_lang lang = opts ? opts->lang : VB_LANG_UND;
  vb_lang dflt = opts ? opts->lang_default : VB_LANG_UND;
  unsigned flags = opts ? opts->flags : 0;
  r->explaining = (flags & VB_RUN_EXPLAIN) != 0;

  int rc = vb__tokenize(text, len, &an->toks);
  if (!rc) rc = make_keys(an, text);
  if (rc) return rc;
  if (lang != VB_LANG_UND) {
    r->lang = lang;
    r->lang_conf = 1.0;
  } else if ((rc = identify(an, text, len, dflt))) {
    return rc;
  }
  if ((rc = stem_words(an))) return rc;
  if (vb__grow(&r->tokens, &r->cap_tokens, an->toks.n, sizeof *r->tokens)) return VB_ENOMEM;
  for (size_t i = 0; i < an->toks.n; i++) {
    const vb__tok *t = &an->toks.v[i];
    vb_token *o = &r->tokens[i];
    o->start = t->start;
    o->end = t->end;
    o->type = t->type;
    o->flags = t->flags;
    o->key = key_text(an, an->offs[i].key_off);
    o->key_len = an->offs[i].key_len;
    o->stem = key_text(an, an->offs[i].stem_off);
    o->stem_len = an->offs[i].stem_len;
    o->valence = 0;
    o->sentence = o->clause = 0;
  }
  r->n_tokens = an->toks.n;
  if ((rc = segment(an, text))) return rc;
  if (!(flags & VB_RUN_TOKENS_ONLY)) {
    if ((rc = vb__sentiment_run(an))) return rc;
    if ((rc = vb__themes_run(an))) return rc;
  }
  *out = r;
  return VB_OK;
}

int vb_analyzer_stem(vb_analyzer *an, vb_lang lang, const char *word, size_t len,
                     const char **out, size_t *out_len) {
  if (!an || !word || !out || !out_len) return VB_EINVAL;
  if (vb_utf8_check(word, len) != len) return VB_EUTF8;
  an->scratch.len = 0;
  int rc = vb__normalize(&an->norm, word, len, 0, &an->scratch);
  if (rc) return rc;
  vb__stemmer *st;
  if ((rc = vb__analyzer_stemmer(an, lang, &st))) return rc;
  if (!st) {
    *out = an->scratch.data;
    *out_len = an->scratch.len;
    return VB_OK;
  }
  return vb__stem(st, an->scratch.data, an->scratch.len, out, out_len);
}

vb_lang vb_analyzer_langid(vb_analyzer *an, const char *text, size_t len, vb_lang dflt,
                           double *confidence) {
  if (!an || !text || vb_utf8_check(text, len) != len) return VB_LANG_UND;
  if (vb__tokenize(text, len, &an->toks) || make_keys(an, text) ||
      identify(an, text, len, dflt))
    return VB_LANG_UND;
  if (confidence) *confidence = an->res.lang_conf;
  return an->res.lang;
}

vb_lang vb_result_lang(const vb_result *r) { return r->lang; }
double vb_result_lang_confidence(const vb_result *r) { return r->lang_conf; }
const char *vb_result_text(const vb_result *r, size_t *len) {
  if (len) *len = r->len;
  return r->text;
}
size_t vb_result_tokens(const vb_result *r, const vb_token **t) {
  *t = r->tokens;
  return r->n_tokens;
}
size_t vb_result_sentences(const vb_result *r, const vb_span **s) {
  *s = r->sentences;
  return r->n_sentences;
}
size_t vb_result_clauses(const vb_result *r, const vb_span **s) {
  *s = r->clauses;
  return r->n_clauses;
}
size_t vb_result_mentions(const vb_result *r, const vb_mention **m) {
  *m = r->mentions;
  return r->n_mentions;
}
const vb_sentiment *vb_result_sentiment(const vb_result *r) { return &r->sentiment; }
size_t vb_result_explain(const vb_result *r, const vb_explain **items) {
  *items = r->explain;
  return r->n_explain;
}

size_t vb_result_pattern_limits(const vb_result *r, size_t *theme) {
  if (theme) *theme = r->n_limited ? r->limited_theme : SIZE_MAX;
  return r->n_limited;
}

const char *vb_token_type_name(vb_token_type type) {
  static const char *const names[VB_TOK_TYPE_COUNT] = {
      "word", "number", "emoji", "emoticon", "url", "email", "mention", "hashtag", "punct"};
  return (type >= 0 && type < VB_TOK_TYPE_COUNT) ? names[type] : "unknown";
}

int vb_sentiment_score(const char *text, size_t len, const char *lang, double *score) {
  if (!text || !score) return VB_EINVAL;
  vb_run_options ro = {VB_LANG_UND, VB_LANG_UND, 0};
  if (lang && vb_lang_parse(lang, &ro.lang)) return VB_ELANG;
  vb_model *m;
  int rc = vb_model_load(NULL, &m, NULL);
  if (rc) return rc;
  vb_analyzer *an;
  rc = vb_analyzer_new(m, &an);
  if (rc == VB_OK) {
    const vb_result *r;
    rc = vb_analyzer_run(an, text, len, &ro, &r);
    if (rc == VB_OK) *score = r->sentiment.score;
    vb_analyzer_free(an);
  }
  vb_model_free(m);
  return rc;
}
