/*
 * test_sentiment_rules.c - the sentiment rules' results on many generated texts, compared
 * with what the rules gave when this test was written (tests/golden/sentiment-rules/LANG.txt).
 *
 * sentiment.c is written for speed (per-form records, only the tokens that carry sentiment
 * visited by the later passes, an index of the multi-word entries by their first two words);
 * this test holds every such change to the results of the plain version it replaced. For each
 * language it builds a few thousand texts from the built-in lexicon's own entries (every
 * modifier, random valence words and multi-word entries, parts of those, elongated, capital
 * and compound forms) mixed with the words and marks the rules look for (questions, tag
 * questions, choice words, verbs of opinion, emoji, emoticons, hashtags, punctuation), runs
 * them with --explain, and reduces each result to a 64-bit digest of every token's valence,
 * flags, sentence and clause, every clause and sentence score, the document's sentiment and
 * every step of the explanation (floating-point values bit for bit). The golden file holds one
 * digest per text. A run without the explanation must give the same results but for it.
 *
 * VB_REGEN=1 rewrites the golden files (only after a deliberate change of the rules or the
 * lexicons: review what changed with `verbatim annotate --explain` first).
 */
#define _XOPEN_SOURCE 700
#include "vb_test.h"
#include "vb_test_model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "vb_analyzer.h"
#include "vb_model.h"
#include "verbatim.h"

#define GOLDEN VB_SOURCE_DIR "/tests/golden/sentiment-rules/"
#define N_TEXTS 2500

typedef vbt_fixture fixture;

static int group_setup(void **state) {
  return vbt_fixture_new(state, NULL, NULL, 0);
}

static int group_teardown(void **state) {
  vbt_fixture_free(state);
  return 0;
}

static uint64_t rnd(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

/* A growing list of NUL-terminated fragments. */
typedef struct {
  char **v;
  size_t n, cap;
} frags;

static void add_frag(frags *f, const char *s, size_t n) {
  if (f->n == f->cap) {
    f->cap = f->cap ? 2 * f->cap : 256;
    f->v = realloc(f->v, f->cap * sizeof *f->v);
    assert_non_null(f->v);
  }
  char *c = malloc(n + 1);
  assert_non_null(c);
  memcpy(c, s, n);
  c[n] = '\0';
  f->v[f->n++] = c;
}

static void free_frags(frags *f) {
  for (size_t i = 0; i < f->n; i++) free(f->v[i]);
  free(f->v);
  memset(f, 0, sizeof *f);
}

/* The words of phrase p from word `from` to word `to` (exclusive), keys joined by spaces. */
static void add_phrase_words(frags *f, const vb__lexicon *lx, const vb__phrase *ph, size_t from,
                             size_t to) {
  char buf[512];
  size_t n = 0;
  for (size_t w = from; w < to && w < ph->n_words; w++) {
    const vb__pword *pw = &lx->pw.v[ph->word_begin + w];
    if (n + pw->key_len + 2 >= sizeof buf) break;
    if (n) buf[n++] = ' ';
    memcpy(buf + n, lx->pw.text.data + pw->key_off, pw->key_len);
    n += pw->key_len;
  }
  if (n) add_frag(f, buf, n);
}

/* The fragments of one language: its lexicon's entries and their variants, and the words
 * and marks of the rules. */
static void build_frags(const vb_model *m, vb_lang lang, frags *mods, frags *marks,
                        frags *words) {
  static const char *const common[] = {
      ",", ".", "!", "?", "!!", "!!!!!", "??", "???", "?!", "...", ";", ":", "-", "\n", "(", ")",
      "\xF0\x9F\x98\x80", "\xF0\x9F\x98\xA1", "\xF0\x9F\x98\x8D", "\xF0\x9F\x91\x8D", ":)", ":(",
      ":-D", "<3", "#fail", "#love", "#NeverAgain", "#notgood", "#stillbitter", "#customerservice",
      "#sooogood", "#epic_fail", "12", "24/7", "http://example.com", "@someone", "and", "the", "it",
      "is", "i", "you", "was", "this", "so", "or", "which", "what", "right", "isn't", "don't", "eh",
      "only", "just", "think", "believe", "feel", "find", "were", "are", "they", "do", "would",
      "och", "det", "jag", "vad", "vilken", "eller", "hur", "bara", "tycker", "tror", "va", "är",
      "og", "det", "jeg", "hvad", "hvilken", "kun", "synes", "mener", "ikke", "vel", "er",
      "זה", "זאת", "את", "של", "על", "מה", "איזה", "או", "רק", "חושב", "מרגיש", "נכון", "הוא",
      "Which", "What", "I", "The", "NOT", "VERY"};
  for (size_t k = 0; k < sizeof common / sizeof common[0]; k++)
    add_frag(marks, common[k], strlen(common[k]));
  const vb__lexicon *lx = &m->lex[lang];
  uint64_t seed = 0x243F6A8885A308D3ULL + (uint64_t)lang;
  size_t ns = vb__strmap_size(&lx->surface);
  for (size_t i = 0; i < ns; i++) {
    size_t kl;
    const char *k = vb__strmap_key(&lx->surface, i, &kl);
    uint32_t ix;
    assert_true(vb__strmap_get(&lx->surface, k, kl, &ix));
    const vb__lexentry *e = &lx->entries[ix];
    if (e->kind != VB_LEX_VALENCE) {
      add_frag(mods, k, kl);
      continue;
    }
    if (rnd(&seed) % 6 != 0) continue; /* a sixth of the valence words */
    add_frag(words, k, kl);
    uint64_t r = rnd(&seed) % 8;
    char buf[256];
    if (r == 0 && kl + 4 < sizeof buf && kl > 1) { /* elongated: its last letter four times */
      size_t last = kl - 1;
      while (last > 0 && ((unsigned char)k[last] & 0xC0) == 0x80) last--;
      size_t cl = kl - last;
      memcpy(buf, k, kl);
      size_t n = kl;
      for (int j = 0; j < 3 && n + cl < sizeof buf; j++, n += cl) memcpy(buf + n, k + last, cl);
      add_frag(words, buf, n);
    } else if (r == 1 && kl < sizeof buf) { /* capitals (ASCII letters) */
      for (size_t j = 0; j < kl; j++) buf[j] = k[j] >= 'a' && k[j] <= 'z' ? (char)(k[j] - 32) : k[j];
      add_frag(words, buf, kl);
    } else if (r == 2 && kl + 8 < sizeof buf) { /* an English-style degree or plural */
      static const char *const ends[] = {"er", "est", "s", "ing", "ed", "a", "en", "et"};
      const char *e2 = ends[rnd(&seed) % 8];
      size_t el = strlen(e2);
      memcpy(buf, k, kl);
      memcpy(buf + kl, e2, el);
      add_frag(words, buf, kl + el);
    }
  }
  /* compounds with an intensifying prefix, and Hebrew proclitics */
  size_t np = vb__strmap_size(&lx->prefixes);
  for (size_t i = 0; i < np && i < 40; i++) {
    size_t pl;
    const char *p = vb__strmap_key(&lx->prefixes, i, &pl);
    for (int j = 0; j < 3 && words->n > 0; j++) {
      const char *w = words->v[rnd(&seed) % words->n];
      char buf[256];
      size_t wl = strlen(w);
      if (pl + wl >= sizeof buf) continue;
      memcpy(buf, p, pl);
      memcpy(buf + pl, w, wl);
      add_frag(words, buf, pl + wl);
    }
  }
  if (lang == VB_LANG_HE) {
    static const char *const pro[] = {"ו", "ה", "ב", "ל", "ש", "מ", "כש", "וה"};
    size_t nw = words->n;
    for (int j = 0; j < 300 && nw > 0; j++) {
      const char *w = words->v[rnd(&seed) % nw];
      const char *p = pro[rnd(&seed) % 8];
      char buf[256];
      size_t wl = strlen(w), pl = strlen(p);
      if (pl + wl >= sizeof buf) continue;
      memcpy(buf, p, pl);
      memcpy(buf + pl, w, wl);
      add_frag(words, buf, pl + wl);
    }
  }
  /* multi-word entries: whole, their first two words, all but the last word, the rest */
  for (size_t p = 0; p < lx->n_phrases; p++) {
    const vb__phrase *ph = &lx->phrases[p];
    uint64_t r = rnd(&seed) % 4;
    if (r == 0) add_phrase_words(words, lx, ph, 0, ph->n_words);
    else if (r == 1) add_phrase_words(words, lx, ph, 0, 2);
    else if (r == 2 && ph->n_words > 2) add_phrase_words(words, lx, ph, 0, ph->n_words - 1u);
    else add_phrase_words(words, lx, ph, 1, ph->n_words);
  }
}

static uint64_t mixin(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  return h * 0xFF51AFD7ED558CCDULL;
}

static uint64_t dbits(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

static uint64_t fbits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

/* Everything the sentiment rules decide for a result (with the explanation when `with_x`). */
static uint64_t digest(const vb_result *r, bool with_x) {
  uint64_t h = 1469598103934665603ULL;
  const vb_token *tok;
  size_t n = vb_result_tokens(r, &tok);
  h = mixin(h, n);
  for (size_t i = 0; i < n; i++) {
    h = mixin(h, fbits(tok[i].valence));
    h = mixin(h, ((uint64_t)tok[i].flags << 48) ^ ((uint64_t)tok[i].sentence << 24) ^ tok[i].clause);
  }
  const vb_span *sp;
  size_t ns = vb_result_sentences(r, &sp);
  for (size_t s = 0; s < ns; s++) h = mixin(h, dbits(sp[s].sentiment));
  ns = vb_result_clauses(r, &sp);
  for (size_t s = 0; s < ns; s++) h = mixin(h, dbits(sp[s].sentiment));
  const vb_sentiment *se = vb_result_sentiment(r);
  h = mixin(h, dbits(se->score));
  h = mixin(h, dbits(se->pos));
  h = mixin(h, dbits(se->neg));
  h = mixin(h, dbits(se->neu));
  h = mixin(h, (uint64_t)(se->label + 2) | (uint64_t)(se->level + 2) << 8 | (uint64_t)se->mixed << 16);
  if (!with_x) return h;
  const vb_explain *x;
  size_t nx = vb_result_explain(r, &x);
  h = mixin(h, nx);
  for (size_t k = 0; k < nx; k++) {
    h = mixin(h, (uint64_t)x[k].kind);
    h = mixin(h, x[k].token);
    h = mixin(h, x[k].token_end);
    h = mixin(h, x[k].other);
    h = mixin(h, dbits(x[k].value));
    h = mixin(h, (uint64_t)x[k].line);
    for (const char *c = x[k].source; c && *c; c++) h = mixin(h, (unsigned char)*c);
  }
  return h;
}

/* A text: 1 to 24 fragments (3 in 10 modifiers, 2 in 10 marks, the rest words), separated
 * by a space (none before most punctuation). */
static size_t make_text(uint64_t *seed, const frags *mods, const frags *marks,
                        const frags *words, char *buf, size_t cap) {
  size_t len = 0;
  int parts = 1 + (int)(rnd(seed) % 24);
  for (int k = 0; k < parts; k++) {
    uint64_t r = rnd(seed);
    const frags *f = r % 20 < 6 ? mods : r % 20 < 10 ? marks : words;
    const char *s = f->v[(r >> 8) % f->n];
    size_t sl = strlen(s);
    bool punct = sl <= 5 && strchr(",.!?;:)", s[0]) != NULL;
    if (len + sl + 2 >= cap) break;
    if (len && (!punct || (r >> 40) % 4 == 0)) buf[len++] = ' ';
    memcpy(buf + len, s, sl);
    len += sl;
  }
  return len;
}

static void run_language(fixture *f, vb_lang lang, const char *code) {
  frags mods = {0}, marks = {0}, words = {0};
  build_frags(f->m, lang, &mods, &marks, &words);
  assert_true(words.n > 100 && mods.n > 10);
  char path[512];
  snprintf(path, sizeof path, GOLDEN "%s.txt", code);
  const char *regen = getenv("VB_REGEN");
  bool write = regen && strcmp(regen, "1") == 0;
  FILE *fp = fopen(path, write ? "w" : "r");
  if (!fp) fail_msg("cannot open %s", path);
  uint64_t seed = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)lang << 32);
  char buf[2048];
  for (int t = 0; t < N_TEXTS; t++) {
    size_t len = make_text(&seed, &mods, &marks, &words, buf, sizeof buf);
    vb_run_options o = {lang, VB_LANG_UND, VB_RUN_EXPLAIN};
    const vb_result *r;
    assert_int_equal(vb_analyzer_run(f->an, buf, len, &o, &r), VB_OK);
    uint64_t with_x = digest(r, true), plain = digest(r, false);
    o.flags = 0;
    assert_int_equal(vb_analyzer_run(f->an, buf, len, &o, &r), VB_OK);
    if (digest(r, false) != plain)
      fail_msg("%s text %d differs without --explain: \"%.*s\"", code, t, (int)len, buf);
    /* the sentiment of the whole text as a range is the document's, to the bit */
    vb_sentiment whole;
    const vb_sentiment *d = vb_result_sentiment(r);
    assert_int_equal(vb_result_sentiment_range(r, 0, len, &whole), VB_OK);
    if (whole.score != d->score || whole.pos != d->pos || whole.neg != d->neg ||
        whole.neu != d->neu || whole.label != d->label || whole.level != d->level ||
        whole.mixed != d->mixed)
      fail_msg("%s text %d: its range's sentiment is not the document's: \"%.*s\"", code, t,
               (int)len, buf);
    if (write) {
      fprintf(fp, "%016" PRIx64 "\n", with_x);
      continue;
    }
    char line[64];
    if (!fgets(line, sizeof line, fp)) fail_msg("%s: too few lines", path);
    uint64_t want = strtoull(line, NULL, 16);
    if (want != with_x)
      fail_msg("%s text %d: the rules' results changed: \"%.*s\"", code, t, (int)len, buf);
  }
  assert_int_equal(fclose(fp), 0);
  free_frags(&mods);
  free_frags(&marks);
  free_frags(&words);
}

/* The index of multi-word entries by their first two words (vb__lexicon_pairs()), through
 * which sentiment.c finds them: each phrase is listed under its first key's hash with its
 * second word's key hash and (when it differs) its stem hash, exactly once each, and every
 * listed entry belongs where it is listed. */
static void test_phrase_index(void **state) {
  fixture *f = *state;
  for (int l = VB_LANG_UND + 1; l < VB_LANG_COUNT; l++) {
    const vb__lexicon *lx = &f->m->lex[l];
    assert_true(lx->n_phrases > 100);
    for (size_t p = 0; p < lx->n_phrases; p++) {
      const vb__phrase *ph = &lx->phrases[p];
      uint32_t first = lx->pw.v[ph->word_begin].key_hash;
      assert_int_equal(ph->w1_key_hash, lx->pw.v[ph->word_begin + 1].key_hash);
      assert_int_equal(ph->w1_stem_hash, lx->pw.v[ph->word_begin + 1].stem_hash);
      for (uint32_t w = 0; w < 2; w++) {
        uint32_t second = w ? ph->w1_stem_hash : ph->w1_key_hash;
        int found = 0;
        for (int32_t e = vb__lexicon_pairs(lx, first, second); e >= 0; e = lx->pair_next[e]) {
          const vb__phrase *o = &lx->phrases[e >> 1];
          assert_int_equal(lx->pw.v[o->word_begin].key_hash, first);
          assert_int_equal((e & 1) ? o->w1_stem_hash : o->w1_key_hash, second);
          if ((e & 1) && o->w1_stem_hash == o->w1_key_hash) fail_msg("listed twice");
          if ((size_t)(e >> 1) == p) found++;
        }
        assert_int_equal(found, 1); /* p << 1 | w (p << 1 when the two hashes agree) */
        assert_true(vb__pair_has(lx->pair_bits, first, second));
        /* the list's filter lets the phrase through: a phrase of two words through `two`, a
         * longer one by its third word's key and its stem (match_phrase skips the lists whose
         * filter does not) */
        const struct vb__pairslot *ps = vb__lexicon_pair_slot(lx, first, second);
        assert_non_null(ps);
        if (ph->n_words == 2) {
          assert_true(ps->two);
        } else {
          assert_int_equal(ph->w2_key_hash, lx->pw.v[ph->word_begin + 2].key_hash);
          assert_int_equal(ph->w2_stem_hash, lx->pw.v[ph->word_begin + 2].stem_hash);
          assert_true(ps->third & vb__next_bit(ph->w2_key_hash));
          assert_true(ps->third & vb__next_bit(ph->w2_stem_hash));
        }
      }
    }
  }
}

/* match_phrase()'s cache of answers by the forms of three tokens in a row (vb__phslot) against
 * the walk over the candidates on every word (vb_analyzer.phcache_off), for each language on
 * the generated texts: each text's digest with the explanation, once with the cache as the
 * texts before left it, once right after (every triple found), once without. A fresh analyzer
 * runs the texts, then documents of new words until its form table is full, then other texts:
 * the table starts over, and the numbers the cache keys on name other forms. */
static void test_phrase_cache(void **state) {
  fixture *f = *state;
  for (int l = VB_LANG_UND + 1; l < VB_LANG_COUNT; l++) {
    frags mods = {0}, marks = {0}, words = {0};
    build_frags(f->m, (vb_lang)l, &mods, &marks, &words);
    vb_analyzer *an;
    assert_int_equal(vb_analyzer_new(f->m, &an), VB_OK);
    char buf[2048];
    for (int round = 0; round < 2; round++) {
      uint64_t seed = 0xD1B54A32D192ED03ULL ^ ((uint64_t)l << 40) ^ (uint64_t)round;
      for (int t = 0; t < 3000; t++) {
        size_t len = make_text(&seed, &mods, &marks, &words, buf, sizeof buf);
        vb_run_options o = {(vb_lang)l, VB_LANG_UND, VB_RUN_EXPLAIN};
        const vb_result *r;
        uint64_t d[3];
        for (int k = 0; k < 3; k++) {
          an->phcache_off = k == 2;
          assert_int_equal(vb_analyzer_run(an, buf, len, &o, &r), VB_OK);
          d[k] = digest(r, true);
        }
        if (d[0] != d[2] || d[1] != d[2])
          fail_msg("lang %d round %d text %d: the cache changed the result: \"%.*s\"", l, round,
                   t, (int)len, buf);
      }
      if (round) break;
      /* new forms until the table is full: it starts over at the next text, whose forms then
       * take the numbers from 0 in another order than above */
      an->phcache_off = false;
      static char many[16384];
      size_t n_forms = 0;
      while (an->n_form < VB__FORM_MAX) {
        size_t len = 0;
        for (int w = 0; w < 1000; w++, n_forms++)
          len += (size_t)snprintf(many + len, sizeof many - len, "q%zx ", n_forms);
        const vb_result *r;
        vb_run_options o = {(vb_lang)l, VB_LANG_UND, 0};
        assert_int_equal(vb_analyzer_run(an, many, len, &o, &r), VB_OK);
      }
    }
    vb_analyzer_free(an);
    free_frags(&mods);
    free_frags(&marks);
    free_frags(&words);
  }
}

static void test_english(void **state) { run_language(*state, VB_LANG_EN, "en"); }
static void test_swedish(void **state) { run_language(*state, VB_LANG_SV, "sv"); }
static void test_danish(void **state) { run_language(*state, VB_LANG_DA, "da"); }
static void test_hebrew(void **state) { run_language(*state, VB_LANG_HE, "he"); }

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_phrase_index),
      cmocka_unit_test(test_phrase_cache),
      cmocka_unit_test(test_english),
      cmocka_unit_test(test_swedish),
      cmocka_unit_test(test_danish),
      cmocka_unit_test(test_hebrew),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
