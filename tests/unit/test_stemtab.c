/*
 * test_stemtab.c - the build-time stems of the built-in data (src/vb_stems.h) are what the
 * stemmers give, cover every word the loader stems, and a model loaded with them is the model
 * loaded without them; lexicon values written as plain decimals read as strtod reads them.
 */
#define _POSIX_C_SOURCE 200809L
#include "vb_test.h"

#include <stdio.h>
#include <stdlib.h>

#include "vb_model.h"
#include "vb_stems.h"

static vb_model *load(bool table, const vb_model_options *o) {
  vb__model_use_stemtab(table);
  vb_model *m = NULL;
  vb_error e = {0};
  int rc = vb_model_load(o, &m, &e);
  vb__model_use_stemtab(true);
  if (rc) fail_msg("vb_model_load: %s", e.message);
  return m;
}

/* Every entry of the table is the stem the stemmer gives for its key. */
static void test_every_entry_is_the_stem(void **state) {
  (void)state;
  const vb__stemtab *t = &vb__builtin_stems;
  assert_true(t->n_entries > 10000); /* tens of thousands of lexicon and codebook words */
  vb_model *m = load(true, NULL);
  vb__stemmer *st[VB_LANG_COUNT] = {0};
  size_t per_lang[VB_LANG_COUNT] = {0};
  for (int l = VB_LANG_EN; l < VB_LANG_COUNT; l++)
    assert_int_equal(vb__stemmer_new((vb_lang)l, m->he_vocab, &st[l]), VB_OK);
  for (uint32_t i = 0; i < t->n_entries; i++) {
    const vb__stem_entry *e = &t->entries[i];
    assert_true(e->lang > VB_LANG_UND && e->lang < VB_LANG_COUNT);
    const char *key = t->text + e->key_off, *stem, *got;
    size_t sl, gl;
    assert_int_equal(vb__stem(st[e->lang], key, e->key_len, &stem, &sl), VB_OK);
    if (sl != e->stem_len || memcmp(stem, t->text + e->stem_off, sl) != 0)
      fail_msg("%s '%.*s': the stemmer says '%.*s', the table '%.*s'", vb_lang_code(e->lang),
               (int)e->key_len, key, (int)sl, stem, (int)e->stem_len, t->text + e->stem_off);
    /* and the lookup finds it */
    assert_true(vb__stemtab_get(t, (vb_lang)e->lang, key, e->key_len, &got, &gl));
    assert_ptr_equal(got, t->text + e->stem_off);
    per_lang[e->lang]++;
  }
  for (int l = VB_LANG_EN; l < VB_LANG_COUNT; l++) {
    assert_true(per_lang[l] > 1000);
    vb__stemmer_free(st[l]);
  }
  /* a key it does not hold, and a key under another language */
  const char *s;
  size_t n;
  assert_false(vb__stemtab_get(t, VB_LANG_EN, "qqxqzzyq", 8, &s, &n));
  const vb__stem_entry *e0 = &t->entries[0];
  bool other = false;
  for (int l = VB_LANG_EN; l < VB_LANG_COUNT && !other; l++)
    if (l != e0->lang && !vb__stemtab_get(t, (vb_lang)l, t->text + e0->key_off, e0->key_len, &s, &n))
      other = true;
  assert_true(other);
  vb_model_free(m);
}

static void count_miss(void *ctx, vb_lang lang, const char *key, size_t key_len,
                       const char *stem, size_t stem_len) {
  (void)lang, (void)key, (void)key_len, (void)stem, (void)stem_len;
  (*(size_t *)ctx)++;
}

/* Loading the built-in data stems nothing itself; a user's lexicon word is stemmed. */
static void test_table_covers_the_builtin_data(void **state) {
  (void)state;
  size_t misses = 0;
  vb__model_stem_hook = count_miss;
  vb__model_stem_hook_ctx = &misses;
  vb_model_free(load(true, NULL));
  assert_int_equal(misses, 0);
  vb_model_free(load(false, NULL)); /* without the table every word is */
  assert_true(misses > 10000);
  misses = 0;
  char path[] = "/tmp/vb_test_stemtab_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *fp = fdopen(fd, "w");
  fputs("qqxqzzyqing\t2\n", fp);
  fclose(fp);
  char arg[64];
  snprintf(arg, sizeof arg, "en:%s", path);
  const char *lex[] = {arg};
  vb_model_options o = {0};
  o.lexicons = lex;
  o.n_lexicons = 1;
  vb_model_free(load(true, &o));
  assert_int_equal(misses, 1);
  vb__model_stem_hook = NULL;
  remove(path);
}

static void same_wordlist(const vb__wordlist *a, const vb__wordlist *b) {
  assert_int_equal(a->n, b->n);
  assert_int_equal(a->text.len, b->text.len);
  assert_memory_equal(a->text.data, b->text.data, a->text.len);
  for (size_t i = 0; i < a->n; i++) {
    assert_int_equal(a->v[i].key_off, b->v[i].key_off);
    assert_int_equal(a->v[i].key_len, b->v[i].key_len);
    assert_int_equal(a->v[i].stem_off, b->v[i].stem_off);
    assert_int_equal(a->v[i].stem_len, b->v[i].stem_len);
    assert_int_equal(a->v[i].key_hash, b->v[i].key_hash);
    assert_int_equal(a->v[i].stem_hash, b->v[i].stem_hash);
  }
}

static void same_map(const vb__strmap *a, const vb__strmap *b) {
  assert_int_equal(vb__strmap_size(a), vb__strmap_size(b));
  for (size_t i = 0; i < vb__strmap_size(a); i++) {
    size_t la, lb;
    const char *ka = vb__strmap_key(a, i, &la), *kb = vb__strmap_key(b, i, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(ka, kb, la);
    assert_int_equal(a->entries[i].value, b->entries[i].value);
  }
}

/* A model loaded with the table is the model loaded without it. */
static void test_same_model_with_and_without(void **state) {
  (void)state;
  vb_model *a = load(true, NULL), *b = load(false, NULL);
  for (int l = 0; l < VB_LANG_COUNT; l++) {
    const vb__lexicon *x = &a->lex[l], *y = &b->lex[l];
    same_map(&x->surface, &y->surface);
    same_map(&x->stems, &y->stems);
    same_map(&x->prefixes, &y->prefixes);
    same_map(&x->phrase_first, &y->phrase_first);
    assert_int_equal(x->n_entries, y->n_entries);
    assert_int_equal(x->n_valence, y->n_valence);
    for (size_t i = 0; i < x->n_entries; i++) {
      const vb__lexentry *p = &x->entries[i], *q = &y->entries[i];
      assert_true(p->valence == q->valence && p->value == q->value);
      assert_true(p->kind == q->kind && p->has_valence == q->has_valence);
      assert_true(p->file == q->file && p->line == q->line);
      assert_true(p->min_len == q->min_len && p->min_key == q->min_key);
    }
    assert_int_equal(x->n_phrases, y->n_phrases);
    for (size_t i = 0; i < x->n_phrases; i++) {
      const vb__phrase *p = &x->phrases[i], *q = &y->phrases[i];
      assert_true(p->word_begin == q->word_begin && p->n_words == q->n_words);
      assert_true(p->valence == q->valence && p->value == q->value && p->kind == q->kind);
      assert_true(p->next == q->next && p->line == q->line && p->file == q->file);
    }
    same_wordlist(&x->pw, &y->pw);
    assert_int_equal(x->stem_keys.len, y->stem_keys.len);
    if (x->stem_keys.len) assert_memory_equal(x->stem_keys.data, y->stem_keys.data, x->stem_keys.len);
    if (x->pair_bits || y->pair_bits)
      assert_memory_equal(x->pair_bits, y->pair_bits, ((size_t)1 << VB_PAIR_BITS) / 8);
    const vb__cblang *c = &a->cb[l], *d = &b->cb[l];
    same_wordlist(&c->w, &d->w);
    same_map(&c->first_stem, &d->first_stem);
    assert_int_equal(c->n_terms, d->n_terms);
    for (size_t i = 0; i < c->n_terms; i++) {
      const vb__term *p = &c->terms[i], *q = &d->terms[i];
      assert_true(p->theme == q->theme && p->word_begin == q->word_begin);
      assert_true(p->n_words == q->n_words && p->prefix == q->prefix);
      assert_true(p->exclude == q->exclude && p->next == q->next && p->line == q->line);
    }
    assert_int_equal(c->n_prefix, d->n_prefix);
    assert_int_equal(c->n_regexes, d->n_regexes);
    for (size_t i = 0; i < c->n_regexes; i++)
      assert_string_equal(c->regexes[i].source, d->regexes[i].source);
  }
  assert_int_equal(a->n_themes, b->n_themes);
  assert_true(a->n_themes > 10);
  assert_true(a->lex[VB_LANG_HE].n_entries > 1000 && a->cb[VB_LANG_SV].n_terms > 100);
  vb_model_free(a);
  vb_model_free(b);
}

/* Valences written as plain decimals (read without strtod) are strtod's, as floats. */
static void test_decimal_values(void **state) {
  (void)state;
  char path[] = "/tmp/vb_test_decimals_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *fp = fdopen(fd, "w");
  enum { N = 3000 };
  static char vals[N][32];
  uint64_t seed = 42;
  for (int i = 0; i < N; i++) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    unsigned r = (unsigned)(seed >> 33);
    int frac = (int)(r % 16), whole = (int)((r >> 4) % 5);
    char digits[24];
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    snprintf(digits, sizeof digits, "%015llu", (unsigned long long)(seed >> 8) % 1000000000000000ull);
    /* sign, whole part 0-4 (4 only with a zero fraction would be needed for <= 4: use 0-3),
     * then 0-15 fraction digits (some forms strtod reads and the fast path leaves: 1e0, .5) */
    if (i % 97 == 0) snprintf(vals[i], sizeof vals[i], "%se0", i % 2 ? "-1" : "2");
    else if (i % 89 == 0) snprintf(vals[i], sizeof vals[i], "%s.5", i % 2 ? "-" : "");
    else if (i % 83 == 0) snprintf(vals[i], sizeof vals[i], "+%d.25", whole % 4);
    else
      snprintf(vals[i], sizeof vals[i], "%s%d%s%.*s", r & 1 ? "-" : "", whole % 4, frac ? "." : "",
               frac, digits);
    fprintf(fp, "qqdecimal%d\t%s\n", i, vals[i]);
  }
  fclose(fp);
  char arg[64];
  snprintf(arg, sizeof arg, "sv:%s", path);
  const char *lex[] = {arg};
  vb_model_options o = {0};
  o.lexicons = lex;
  o.n_lexicons = 1;
  vb_model *m = load(true, &o);
  for (int i = 0; i < N; i++) {
    char w[32];
    snprintf(w, sizeof w, "qqdecimal%d", i);
    const vb__lexentry *e = vb__lexicon_get(&m->lex[VB_LANG_SV], w, strlen(w));
    assert_non_null(e);
    float want = (float)strtod(vals[i], NULL);
    if (e->valence != want) fail_msg("'%s' read as %.9g, strtod gives %.9g", vals[i], e->valence, want);
  }
  vb_model_free(m);
  remove(path);
}

/* themes.c's compound_parts() stems a Swedish or Danish right part only when a term's first
 * word begins with its first four bytes, which is right only if the stem of a part is a prefix
 * of it: every suffix of four bytes or more of every Swedish and Danish word of the built-in
 * data (at a character boundary, as the parts are cut), stemmed, is a prefix of itself. */
static void test_nordic_stems_are_prefixes(void **state) {
  (void)state;
  const vb__stemtab *t = &vb__builtin_stems;
  vb__stemmer *st[2] = {0};
  static const vb_lang langs[2] = {VB_LANG_SV, VB_LANG_DA};
  for (int k = 0; k < 2; k++) assert_int_equal(vb__stemmer_new(langs[k], NULL, &st[k]), VB_OK);
  size_t tried = 0, shorter = 0;
  for (uint32_t i = 0; i < t->n_entries; i++) {
    const vb__stem_entry *e = &t->entries[i];
    if (e->lang != VB_LANG_SV && e->lang != VB_LANG_DA) continue;
    vb__stemmer *s = st[e->lang == VB_LANG_DA];
    const char *key = t->text + e->key_off;
    for (size_t cut = 0; cut + 4 <= e->key_len; cut++) {
      if (((unsigned char)key[cut] & 0xC0) == 0x80) continue;
      const char *stem;
      size_t sl;
      assert_int_equal(vb__stem_once(s, key + cut, e->key_len - cut, &stem, &sl), VB_OK);
      if (sl > e->key_len - cut || memcmp(stem, key + cut, sl) != 0)
        fail_msg("%s '%.*s' stems to '%.*s', which is no prefix of it", vb_lang_code(e->lang),
                 (int)(e->key_len - cut), key + cut, (int)sl, stem);
      tried++;
      shorter += sl < e->key_len - cut;
    }
  }
  assert_true(tried > 50000); /* (80,243 parts of the data of 2026-11-23) */
  assert_true(shorter > tried / 10); /* (the stemmers did cut) */
  for (int k = 0; k < 2; k++) vb__stemmer_free(st[k]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_entry_is_the_stem),
      cmocka_unit_test(test_table_covers_the_builtin_data),
      cmocka_unit_test(test_same_model_with_and_without),
      cmocka_unit_test(test_decimal_values),
      cmocka_unit_test(test_nordic_stems_are_prefixes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
