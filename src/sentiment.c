/*
 * sentiment.c - lexicon and rules: valence per token, then negation, boosters, caps,
 * contrast and punctuation, scored per sentence and combined per document.
 *
 * The rules follow VADER's where VADER is right (its constants are documented in
 * LANGUAGES.md) and differ where it is known to fail:
 *  - multi-word entries and idioms are matched before single words, so "no problem",
 *    "inga problem", "not bad" and "could be better" carry their own valence;
 *  - Swedish and Danish put the negator after the finite verb ("jag gillar inte", "den
 *    virker ikke"), so the word just before a negator is in its scope too;
 *  - "not only" / "inte bara" / "ikke kun" / "לא רק" do not negate;
 *  - negating a negative word gives a weak positive (x -0.5), not a mirror image;
 *  - sentences are scored one by one and the document combines their sums divided by the
 *    square root of their number, so long texts do not saturate toward +-1;
 *  - emoji and emoticons carry valence from the team's table.
 */
#include <math.h>

#include "vb_analyzer.h"

#define VB_BOOST_DECAY_2 0.95f
#define VB_BOOST_DECAY_3 0.90f
#define VB_CAPS_INCR 0.733f
#define VB_ELONG_INCR 0.293f
#define VB_NEG_POS -0.74f  /* a negated positive word */
#define VB_NEG_NEG -0.5f   /* a negated negative word */
#define VB_EXCL_INCR 0.292 /* each '!' up to four */
#define VB_ALPHA 15.0      /* normalisation constant of S / sqrt(S^2 + alpha) */

enum { K_NONE = 0, K_SKIP = 100 };

/* What sent_form() keeps of a form besides its entry (vb__lform.sent). */
enum {
  SF_HEAD_KEY = 1,  /* a multi-word entry begins with the form's key */
  SF_HEAD_STEM = 2, /* one begins with its stem (where the stem is not the key) */
  SF_BELIEF = 4     /* a verb of opinion (neg-raising) */
};

static double normalise(double s) {
  if (s == 0) return s; /* what the division gives, without it (most clauses) */
  double c = s / sqrt(s * s + VB_ALPHA);
  return c > 1 ? 1 : (c < -1 ? -1 : c);
}

static float sign(float v) { return v > 0 ? 1.0f : (v < 0 ? -1.0f : 0.0f); }

/* key_is() for a word whose length is known at compile time: the length decides first, so
 * Hebrew words (which all begin with the byte 0xD7) cost no strlen. */
#define KEY_IS(t, lit) ((t)->key_len == sizeof(lit) - 1 && memcmp((t)->key, lit, sizeof(lit) - 1) == 0)

static bool key_is(const vb_token *t, const char *w) {
  /* the first byte settles almost every call before strlen is needed */
  if (t->key_len == 0 || t->key[0] != w[0]) return false;
  size_t n = strlen(w);
  return t->key_len == n && memcmp(t->key, w, n) == 0;
}

/* A token is a phrase's word when the keys are equal, or the stems are and the token begins
 * like the word (so ההזמנה is not הזמן in "חבל על הזמן", though both stem to הזמנ). */
static bool word_eq(const vb_analyzer *an, size_t i, const vb__lexicon *lx, const vb__pword *w) {
  /* different hashes of key and of stem: neither can be equal (the common case) */
  if ((uint32_t)an->khash[i] != w->key_hash && (uint32_t)an->shash[i] != w->stem_hash)
    return false;
  const vb_token *t = &an->res.tokens[i];
  const char *pt = lx->pw.text.data;
  if (t->key_len == w->key_len && memcmp(t->key, pt + w->key_off, w->key_len) == 0) return true;
  if (t->stem_len != w->stem_len || memcmp(t->stem, pt + w->stem_off, w->stem_len) != 0)
    return false;
  size_t need = w->key_len > 2 ? w->key_len - 2u : w->key_len;
  return vb__common_prefix(t->key, t->key_len, pt + w->key_off, w->key_len) >= need;
}

/* Whether phrase ph, found under the token's key (pass 0) or its stem (pass 1), wins over
 * best: the longest phrase wins; between phrases of the same length, one found under the key
 * wins over one found under the stem, and the one loaded first (the lower index) over the
 * later. */
static bool better_phrase(const vb__phrase *ph, int pass, const vb__phrase *best, int best_pass) {
  if (!best || ph->n_words != best->n_words) return !best || ph->n_words > best->n_words;
  return pass != best_pass ? pass < best_pass : ph < best;
}

/* The longest multi-word entry starting at word token i, or NULL: phrases begin with a word's
 * key, and the token's key and its stem are both tried ("feeling sick" and, for "feeling",
 * also the phrases of "feel"). The form's record says which of them begin any phrase. Only
 * the phrases whose first two words have the hashes of this token and the next are compared
 * (vb__lexicon_pairs), not every phrase of the first word. *cacheable is cleared when a
 * phrase of more than three words was among the candidates (the answer may then depend on
 * the fourth token and after). match_phrase() is the caller. */
static const vb__phrase *phrase_walk(const vb_analyzer *an, const vb__lexicon *lx, size_t i,
                                     const vb__lform *lf, bool *cacheable) {
  const vb_token *tok = an->res.tokens;
  size_t n = an->res.n_tokens;
  uint32_t k1 = (uint32_t)an->khash[i + 1], s1 = (uint32_t)an->shash[i + 1];
  /* the third token's hashes and bits: a phrase of three words or more is compared only when
   * its third word's key or stem hash is the token's, and a list of such phrases is passed
   * over when none of its third words' bits is the token's (there is no third word token:
   * no bits) */
  uint32_t k2 = 0, s2 = 0;
  uint64_t third = 0;
  if (i + 2 < n && tok[i + 2].type == VB_TOK_WORD) {
    k2 = (uint32_t)an->khash[i + 2];
    s2 = (uint32_t)an->shash[i + 2];
    third = vb__next_bit(k2) | vb__next_bit(s2);
  }
  uint8_t heads = lf->sent;
  const char *pt = lx->pw.text.data;
  const vb__phrase *best = NULL;
  int best_pass = 0;
  for (int pass = 0; pass < 2; pass++) {
    if (!(heads & (pass ? SF_HEAD_STEM : SF_HEAD_KEY))) continue;
    uint32_t first = (uint32_t)(pass ? an->shash[i] : an->khash[i]);
    const char *fw = pass ? tok[i].stem : tok[i].key;
    size_t fl = pass ? tok[i].stem_len : tok[i].key_len;
    for (int side = 0; side < 2; side++) { /* the next token's key, then its stem */
      uint32_t second = side ? s1 : k1;
      if ((side && s1 == k1) || !vb__pair_has(lx->pair_bits, first, second)) continue;
      const struct vb__pairslot *ps = vb__lexicon_pair_slot(lx, first, second);
      if (!ps || (!ps->two && !(ps->third & third))) continue;
      for (int32_t e = (int32_t)ps->head1 - 1; e >= 0; e = lx->pair_next[e]) {
        const vb__phrase *ph = &lx->phrases[e >> 1];
        /* the third word's hashes, in the phrase's own cache line (most long phrases of a
         * common pair differ there) */
        if (ph->n_words > 2 && k2 != ph->w2_key_hash && s2 != ph->w2_stem_hash) continue;
        if (ph->n_words > 3) *cacheable = false; /* it looks at the fourth token */
        if (i + ph->n_words > n || !better_phrase(ph, pass, best, best_pass)) continue;
        const vb__pword *w = &lx->pw.v[ph->word_begin];
        /* the hashes of the other words before any word is compared */
        bool ok = true;
        for (size_t j = 1; j < ph->n_words && ok; j++)
          ok = tok[i + j].type == VB_TOK_WORD && ((uint32_t)an->khash[i + j] == w[j].key_hash ||
                                                  (uint32_t)an->shash[i + j] == w[j].stem_hash);
        if (!ok || w[0].key_len != fl || memcmp(pt + w[0].key_off, fw, fl) != 0) continue;
        for (size_t j = 1; j < ph->n_words && ok; j++) ok = word_eq(an, i + j, lx, &w[j]);
        if (ok) {
          best = ph;
          best_pass = pass;
        }
      }
    }
  }
  return best;
}

/* phrase_walk() for word token i, behind two filters: the second word's bits, then the
 * analyzer's cache of earlier answers. Which entry begins at a word depends on the words
 * after it only as far as the candidates reach, and what is compared of each word (its key,
 * stem and their hashes) on its form alone: so when no candidate has more than three words,
 * the answer is the same wherever the same three forms follow each other (a token after the
 * second that is no word, or none, has no form: UINT32_MAX). Feedback repeats a few thousand
 * such triples; the walk over the candidates of common pairs ("on the", "it is") cost about
 * 190 instructions a word that passed the first filter. */
static const vb__phrase *match_phrase(vb_analyzer *an, const vb__lexicon *lx, size_t i,
                                      const vb__lform *lf) {
  const vb_token *tok = an->res.tokens;
  size_t n = an->res.n_tokens;
  /* every phrase has two words or more */
  if (!lf->next_bits || i + 1 >= n || tok[i + 1].type != VB_TOK_WORD) return NULL;
  /* a second word's bits in vb__lform.next_bits, from the low halves of its key's and its
   * stem's hash: a token begins no phrase when the next token's two bits are not in the set */
  uint32_t k1 = (uint32_t)an->khash[i + 1], s1 = (uint32_t)an->shash[i + 1];
  if (!(lf->next_bits & (vb__next_bit(k1) | vb__next_bit(s1)))) return NULL;
  bool cacheable = true;
  if (an->phcache_off) return phrase_walk(an, lx, i, lf, &cacheable);
  uint32_t f0 = an->form_of[i] * VB_LANG_COUNT + (uint32_t)an->res.lang + 1;
  uint32_t f1 = an->form_of[i + 1], f2 = i + 2 < n ? an->form_of[i + 2] : UINT32_MAX;
  uint64_t h = (((uint64_t)f0 << 32 | f1) ^ (uint64_t)f2 << 16) * 0x9E3779B97F4A7C15ULL;
  /* two ways: a triple is kept in either slot of its pair, the newest in the first */
  vb__phslot *set = &an->phcache[(h >> (64 - VB_PHRASE_CACHE_BITS)) & ~(uint64_t)1];
  for (int w = 0; w < 2; w++)
    if (set[w].f[0] == f0 && set[w].f[1] == f1 && set[w].f[2] == f2)
      return set[w].ph ? &lx->phrases[set[w].ph - 1] : NULL;
  const vb__phrase *ph = phrase_walk(an, lx, i, lf, &cacheable);
  if (cacheable) {
    set[1] = set[0];
    set[0] = (vb__phslot){{f0, f1, f2}, ph ? (uint32_t)(ph - lx->phrases) + 1 : 0};
  }
  return ph;
}

/* An unknown Swedish/Danish/English word that is an intensifying prefix plus a known word:
 * "jättebra", "kæmpegod", "superhelpful". */
static const vb__lexentry *prefixed(vb_analyzer *an, const vb__lexicon *lx, const vb_token *t,
                                    float *boost) {
  if (t->key_len < 6 || t->key_len > VB_COMPOUND_MAX) return NULL;
  vb__stemmer *st = NULL;
  if (vb__analyzer_stemmer(an, an->res.lang, &st)) return NULL;
  for (size_t i = 2; i + 3 <= t->key_len; i++) {
    if (((unsigned char)t->key[i] & 0xC0) == 0x80) continue; /* not a character boundary */
    float strength;
    if (!vb__lexicon_prefix(lx, t->key, i, &strength)) continue;
    const char *rest = t->key + i;
    size_t rl = t->key_len - i;
    if (rest[0] == '-') { rest++; rl--; }
    const vb__lexentry *e = vb__lexicon_get(lx, rest, rl);
    if ((!e || !e->has_valence) && st) {
      const char *s;
      size_t sl;
      if (vb__stem(st, rest, rl, &s, &sl) == VB_OK) e = vb__lexicon_get_stem(lx, s, sl, rest, rl);
    }
    if (e && e->has_valence) {
      *boost = strength;
      return e;
    }
  }
  return NULL;
}

/* An elongated word ("sloooow", "braaaa", "מעולהההה"): its letters repeated three times or
 * more are collapsed to one, then to two ("goood" -> "god", then "good"), and looked up. */
static const vb__lexentry *unelongated(const vb__lexicon *lx, const vb_token *t) {
  char one[96], two[96];
  size_t n1 = 0, n2 = 0;
  bool cut = false;
  if (t->key_len >= sizeof one) return NULL;
  /* Without a character three times in a row both spellings are the key, which the callers
   * have looked up. Such a run has a byte equal to the bytes one and two characters on (of
   * 1-4 bytes): without one, there is none. */
  const char *w = t->key;
  for (size_t i = 0; i + 2 < t->key_len && !cut; i++)
    for (size_t c = 1; c <= 4 && i + 2 * c < t->key_len; c++)
      if (w[i] == w[i + c] && w[i] == w[i + 2 * c]) cut = true;
  if (!cut) return NULL;
  cut = false;
  for (size_t i = 0; i < t->key_len;) {
    size_t c = 1; /* bytes of this character */
    unsigned char b = (unsigned char)t->key[i];
    if (b >= 0xF0) c = 4;
    else if (b >= 0xE0) c = 3;
    else if (b >= 0xC0) c = 2;
    if (i + c > t->key_len) return NULL;
    size_t run = 1;
    while (i + (run + 1) * c <= t->key_len && memcmp(t->key + i, t->key + i + run * c, c) == 0) run++;
    size_t keep2 = run >= 3 ? 2 : run, keep1 = run >= 3 ? 1 : run;
    cut = cut || run >= 3;
    for (size_t k = 0; k < keep1; k++, n1 += c) memcpy(one + n1, t->key + i, c);
    for (size_t k = 0; k < keep2; k++, n2 += c) memcpy(two + n2, t->key + i, c);
    i += run * c;
  }
  if (!cut) return NULL;
  const vb__lexentry *e = vb__lexicon_get(lx, one, n1);
  if (!e || !e->has_valence) e = vb__lexicon_get(lx, two, n2);
  return e && e->has_valence ? e : NULL;
}

/* English comparatives and superlatives that Snowball leaves alone: funniest -> funny,
 * greatest -> great, nicer -> nice, bigger -> big. */
static const vb__lexentry *degree_base(const vb__lexicon *lx, const vb_token *t) {
  /* words in -er/-est that are not degrees of the word before the ending */
  static const char *const not_degrees[] = {
      "later", "latest", "number", "sober", "dryer", "freezer", "cooler", "sweater", "shower",
      "flower", "corner", "matter", "banner", "manner", "dinner", "winter", "sister", "master",
      "mister", "monster", "poster", "printer", "charger", "router", "blender", "toaster",
      "heater", "cooker", "sticker", "planner", "trainer", "liner", "timer", "washer",
      "scanner", "killer", "lover", "hater", "player", "leader", "reader", "owner", "user",
      "interest", "honest", "forest", "request", "suggest", "protest", "contest", NULL};
  const char *k = t->key;
  size_t n = t->key_len;
  char b[64];
  size_t sl = 0;
  if (n < 5 || n >= sizeof b) return NULL;
  if (n > 4 && memcmp(k + n - 3, "est", 3) == 0) sl = 3;
  else if (n > 3 && memcmp(k + n - 2, "er", 2) == 0) sl = 2;
  if (!sl) return NULL;
  for (const char *const *w = not_degrees; *w; w++)
    if (key_is(t, *w)) return NULL;
  size_t m = n - sl;
  memcpy(b, k, m);
  const vb__lexentry *e;
  if (b[m - 1] == 'i') { /* funni+est -> funny */
    b[m - 1] = 'y';
    if ((e = vb__lexicon_get(lx, b, m)) && e->has_valence) return e;
    return NULL;
  }
  if ((e = vb__lexicon_get(lx, b, m)) && e->has_valence) return e;   /* great+est */
  b[m] = 'e';
  if ((e = vb__lexicon_get(lx, b, m + 1)) && e->has_valence) return e; /* nic+est -> nice */
  if (m > 2 && b[m - 1] == b[m - 2] && (e = vb__lexicon_get(lx, b, m - 1)) && e->has_valence)
    return e; /* bigg+er -> big */
  return NULL;
}

/* Hebrew: the word without a proclitic prefix (ו ה ב כ ל מ ש ...). Only sentiment words are
 * found this way: a negator with a proclitic must be listed as such (negprefix: ולא, שלא), so
 * that מלא ("full") is never read as מ + לא. */
static const vb__lexentry *hebrew_bare(const vb__lexicon *lx, const vb_token *t) {
  size_t lens[16];
  size_t n = vb__he_prefixes(t->key, t->key_len, lens, 16);
  for (size_t k = 0; k < n; k++) {
    const vb__lexentry *e = vb__lexicon_get(lx, t->key + lens[k], t->key_len - lens[k]);
    if (e && e->has_valence) return e;
  }
  return NULL;
}

/* The lexicon entry of word token i on its own (no context): by key, by stem, then the
 * fallbacks (elongation, English degrees, Hebrew proclitics, intensifying prefixes). */
static const vb__lexentry *word_lookup(vb_analyzer *an, const vb__lexicon *lx, size_t i,
                                       int *how, float *boost, bool *compound) {
  const vb_result *r = &an->res;
  const vb_token *t = &r->tokens[i];
  const vb__lexentry *e = vb__lexicon_get_h(lx, t->key, t->key_len, an->khash[i]);
  if (!e || (!e->has_valence && e->kind == VB_LEX_VALENCE)) {
    const vb__lexentry *st =
        vb__lexicon_get_stem_h(lx, t->stem, t->stem_len, an->shash[i], t->key, t->key_len);
    if (st) {
      e = st;
      *how = VB_EXPLAIN_STEM;
    }
  }
  if (!e && (t->flags & VB_TOKF_ELONGATED)) e = unelongated(lx, t);
  if (!e && r->lang == VB_LANG_EN) e = degree_base(lx, t);
  /* a proclitic is stripped only from a word the stemmer does not know: בקשה ("request")
   * is a word, not ב + קשה ("hard"), and מזמינים is not מ + זמינים */
  if (!e && r->lang == VB_LANG_HE && t->stem_len == t->key_len &&
      memcmp(t->stem, t->key, t->key_len) == 0 &&
      !vb__he_vocab_has(an->model->he_vocab, t->key, t->key_len))
    e = hebrew_bare(lx, t);
  if (!e && r->lang != VB_LANG_HE) {
    e = prefixed(an, lx, t, boost);
    if (e) *compound = true;
  }
  return e;
}

static bool is_belief_verb(const vb_analyzer *an, size_t i);

/* What the rules ask of word token i's form alone, kept with the form (vb__lform): its entry
 * (word_lookup() depends only on the language and the form), whether multi-word entries
 * begin with its key or stem, whether it is a verb of opinion. Feedback repeats the same few
 * thousand forms, and each is asked once. NULL when out of memory. */
static vb__lform *sent_form(vb_analyzer *an, const vb__lexicon *lx, size_t i) {
  vb__lform *lf = vb__lform_of(an, i); /* inline for a form seen before */
  if (!lf || lf->lex_set) return lf;
  bool c = false;
  int h = VB_EXPLAIN_ENTRY;
  float b = 0;
  lf->lex = word_lookup(an, lx, i, &h, &b, &c);
  lf->how = (uint8_t)h;
  lf->boost = b;
  lf->compound = c;
  const vb_token *t = &an->res.tokens[i];
  uint32_t head;
  uint8_t sent = 0;
  uint64_t next = 0;
  for (int pass = 0; pass < 2; pass++) {
    const char *k = pass ? t->stem : t->key;
    size_t kl = pass ? t->stem_len : t->key_len;
    if (pass && kl == t->key_len && memcmp(k, t->key, kl) == 0) break;
    if (!vb__strmap_get_h(&lx->phrase_first, k, kl, pass ? an->shash[i] : an->khash[i], &head))
      continue;
    sent |= pass ? SF_HEAD_STEM : SF_HEAD_KEY;
    for (int32_t p = (int32_t)head; p >= 0; p = lx->phrases[p].next)
      next |= vb__next_bit(lx->phrases[p].w1_key_hash) | vb__next_bit(lx->phrases[p].w1_stem_hash);
  }
  if (is_belief_verb(an, i)) sent |= SF_BELIEF;
  lf->sent = sent;
  lf->next_bits = next;
  lf->lex_set = 1;
  return lf;
}

/* ---- hashtags ---- */

static inline int explain(vb_analyzer *an, int kind, size_t token, size_t token_end,
                          size_t other, double value, const vb__lexentry *e, uint16_t file,
                          uint32_t line);

/* A word of a hashtag (not a token): its entry by key, then by stem (when `stem`), then
 * without an elongation (#woooo). NULL when the word is not in the lexicon at all. */
static const vb__lexentry *tag_word(vb_analyzer *an, const vb__lexicon *lx, const char *w,
                                    size_t n, bool stem) {
  if (n == 0) return NULL;
  const vb__lexentry *e = vb__lexicon_get(lx, w, n);
  if (e && (e->has_valence || e->kind != VB_LEX_VALENCE)) return e;
  vb__stemmer *st = NULL;
  if (stem && vb__analyzer_stemmer(an, an->res.lang, &st) == VB_OK && st) {
    const char *sw;
    size_t sl;
    const vb__lexentry *se;
    if (vb__stem(st, w, n, &sw, &sl) == VB_OK && (se = vb__lexicon_get_stem(lx, sw, sl, w, n)))
      return se;
  }
  if (n < 60) {
    vb_token fake = {0};
    fake.key = w;
    fake.key_len = n;
    const vb__lexentry *u = unelongated(lx, &fake);
    if (u) return u;
  }
  return e;
}

/* The two-word entry "a b" ("never again", "epic fail"), or NULL. */
static const vb__phrase *tag_phrase(const vb__lexicon *lx, const char *a, size_t na,
                                    const char *b, size_t nb) {
  uint32_t head;
  if (!vb__strmap_get(&lx->phrase_first, a, na, &head)) return NULL;
  const char *pt = lx->pw.text.data;
  for (int32_t p = (int32_t)head; p >= 0; p = lx->phrases[p].next) {
    const vb__phrase *ph = &lx->phrases[p];
    if (ph->n_words != 2 || ph->kind != VB_LEX_VALENCE) continue;
    const vb__pword *w = &lx->pw.v[ph->word_begin + 1];
    if (w->key_len == nb && memcmp(pt + w->key_off, b, nb) == 0) return ph;
  }
  return NULL;
}

typedef struct {
  size_t off, len;
} tag_part;

/* The words of a hashtag's body as its writer separated them: at '_' and where a lower-case
 * letter is followed by a capital (#NeverAgain, #still_bitter). Only for bodies whose key has
 * the bytes of the text (ASCII and most Latin text); returns the number of parts. */
static size_t tag_split_marked(const char *orig, const char *key, size_t n, tag_part *parts,
                               size_t max) {
  size_t np = 0, start = 0;
  for (size_t k = 0; k <= n && np < max; k++) {
    bool cut = k == n || key[k] == '_' ||
               (k > 0 && orig[k] >= 'A' && orig[k] <= 'Z' && orig[k - 1] >= 'a' &&
                orig[k - 1] <= 'z');
    if (!cut) continue;
    if (k > start) parts[np++] = (tag_part){start, k - start};
    start = k < n && key[k] == '_' ? k + 1 : k;
  }
  return np;
}

/* The valence of a hashtag's body read as words: the parts' valences added, a negator
 * reversing what follows it ("#notgood"), a booster strengthening it. Records the steps. */
static int tag_words_valence(vb_analyzer *an, const vb__lexicon *lx, size_t i, const char *key,
                             const tag_part *parts, size_t np, float *out) {
  float v = 0, boost = 0;
  bool negated = false;
  size_t negator = i;
  int rc;
  for (size_t p = 0; p < np; p++) {
    const char *w = key + parts[p].off;
    size_t n = parts[p].len;
    if (p + 1 < np) {
      const vb__phrase *ph = tag_phrase(lx, w, n, key + parts[p + 1].off, parts[p + 1].len);
      if (ph) {
        float add = ph->valence + (ph->valence != 0 ? sign(ph->valence) * boost : 0);
        v += add;
        boost = 0;
        if ((rc = explain(an, VB_EXPLAIN_PHRASE, i, i + 1, i, add, NULL, ph->file, ph->line)))
          return rc;
        p++;
        continue;
      }
    }
    const vb__lexentry *e = tag_word(an, lx, w, n, true);
    if (!e) continue;
    if (e->kind == VB_LEX_NEGATOR || e->kind == VB_LEX_NEGPREFIX) {
      negated = !negated;
      negator = i;
      continue;
    }
    if (e->kind == VB_LEX_BOOSTER || e->kind == VB_LEX_DAMPENER) {
      boost += e->value;
      continue;
    }
    if (!e->has_valence || e->valence == 0) continue;
    float add = e->valence + sign(e->valence) * boost;
    boost = 0;
    v += add;
    if ((rc = explain(an, VB_EXPLAIN_ENTRY, i, i + 1, i, add, e, 0, 0))) return rc;
  }
  if (negated && v != 0) {
    float mult = v > 0 ? VB_NEG_POS : VB_NEG_NEG;
    v *= mult;
    if ((rc = explain(an, VB_EXPLAIN_NEGATION, i, i + 1, negator, mult, NULL, 0, 0))) return rc;
  }
  *out = v;
  return VB_OK;
}

/* #fail, #love, #stillbitter, #NeverAgain, #WeAreDoomed: the hashtag's body as one word;
 * else its words as the writer marked them (capitals, '_'); else, in one run of lower-case
 * letters, a split into a word of the lexicon and another word ("still" + "bitter",
 * "never" + "again"). Sets the token's valence and records the steps. */
/* How a hashtag reads (tag_reading()): as one lexicon entry, as words, or not at all. */
typedef struct {
  const vb__lexentry *e; /* the tag's body is this entry */
  size_t np;             /* else its words, when 2 or more */
  tag_part parts[8];
} tag_read;

static int tag_reading(vb_analyzer *an, const vb__lexicon *lx, size_t i, tag_read *out);

/* Hashtags repeat (#fail, #customerservice) and reading one tries every split of it: each
 * analyzer keeps the readings of recent tags in a small direct-mapped cache per language,
 * keyed by the tag as written (its splits depend on its capitals). */
struct vb__tagslot {
  uint64_t hash;
  uint8_t len; /* 0: empty */
  char tag[VB_TAG_CACHE_LEN];
  tag_read read;
};

static int hashtag_valence(vb_analyzer *an, const vb__lexicon *lx, size_t i) {
  vb_token *t = &an->res.tokens[i];
  const char *tag = an->res.text + t->start;
  size_t len = t->end - t->start;
  tag_read rd, *read = &rd;
  int rc;
  vb__tagslot *slot = NULL;
  if (len <= VB_TAG_CACHE_LEN) {
    vb_lang lang = an->res.lang;
    if (!an->tcache[lang] &&
        !(an->tcache[lang] = vb__calloc(VB_TAG_CACHE_SLOTS, sizeof *an->tcache[lang])))
      return VB_ENOMEM;
    uint64_t h = vb__hash(tag, len);
    slot = &an->tcache[lang][h & (VB_TAG_CACHE_SLOTS - 1)];
    if (slot->len == len && slot->hash == h && memcmp(slot->tag, tag, len) == 0) {
      read = &slot->read;
    } else {
      slot->len = 0; /* filled again below */
      if ((rc = tag_reading(an, lx, i, &rd))) return rc;
      slot->hash = h;
      memcpy(slot->tag, tag, len);
      slot->read = rd;
      slot->len = (uint8_t)len;
    }
  } else if ((rc = tag_reading(an, lx, i, &rd))) {
    return rc;
  }
  if (read->e) {
    if (read->e->has_valence && read->e->valence != 0) {
      t->valence = read->e->valence;
      return explain(an, VB_EXPLAIN_ENTRY, i, i + 1, i, read->e->valence, read->e, 0, 0);
    }
    return VB_OK; /* a known word without valence: #travel, #news */
  }
  if (read->np < 2) return VB_OK;
  float v;
  if ((rc = tag_words_valence(an, lx, i, t->key + 1, read->parts, read->np, &v))) return rc;
  t->valence = v;
  return VB_OK;
}

/* Reads hashtag token i: its body as an entry, else as words (VB_OK with np < 2: neither). */
static int tag_reading(vb_analyzer *an, const vb__lexicon *lx, size_t i, tag_read *out) {
  const vb_token *t = &an->res.tokens[i];
  const char *key = t->key + 1;
  size_t n = t->key_len - 1;
  memset(out, 0, sizeof *out);
  if ((out->e = tag_word(an, lx, key, n, true))) return VB_OK;
  if (n < 5 || n > 60) return VB_OK;
  tag_part *parts = out->parts;
  const char *orig = an->res.text + t->start + 1;
  size_t np = 0;
  if (t->end - t->start - 1 == n) np = tag_split_marked(orig, key, n, parts, 8);
  if (np < 2) {
    /* one run: a two-word entry ("never" + "again"), else a split into two known words one
     * of which carries valence, else an unknown word and a valence word; the longest
     * valence word wins. A part is looked up through its stem only beside a part the lexicon
     * knows as written (#guiltypleasures: "guilty", so "pleasures" as "pleasure"): the stem of
     * a fragment next to an unknown one matched words that are not there (#Nashville read
     * "ille" as "ill", #Emirates "irates" as "irate", #busads "sads" as "sad"), and stemming
     * every fragment was a quarter of the analysis of a feed of tweets. */
    size_t best = 0, best_len = 0;
    int best_q = 0;
    for (size_t k = 2; k + 2 <= n; k++) {
      if (((unsigned char)key[k] & 0xC0) == 0x80) continue;
      if (tag_phrase(lx, key, k, key + k, n - k)) {
        best = k;
        best_q = 3;
        break;
      }
      const vb__lexentry *a = tag_word(an, lx, key, k, false), *b = tag_word(an, lx, key + k, n - k, false);
      if (a && !(b && b->has_valence)) b = tag_word(an, lx, key + k, n - k, true);
      if (b && !(a && a->has_valence)) a = tag_word(an, lx, key, k, true);
      bool va = a && a->has_valence && a->valence != 0, vbv = b && b->has_valence && b->valence != 0;
      if (!va && !vbv) continue;
      int q = (a && b) ? 2 : 1;
      size_t vlen = vbv ? n - k : k;
      /* with an unknown first word, the valence word is the last one, the head of an
       * English-style compound (#careerfail, #stillbitter), and longer than three letters */
      if (q == 1 && (!vbv || vlen < 4)) continue;
      if (q > best_q || (q == best_q && vlen > best_len)) {
        best = k;
        best_q = q;
        best_len = vlen;
      }
    }
    if (!best_q) return VB_OK;
    parts[0] = (tag_part){0, best};
    parts[1] = (tag_part){best, n - best};
    np = 2;
  }
  out->np = np;
  return VB_OK;
}

/* Records one step of the explanation. */
static int explain_step(vb_analyzer *an, int kind, size_t token, size_t token_end, size_t other,
                        double value, const vb__lexentry *e, uint16_t file, uint32_t line) {
  vb_result *r = &an->res;
  if (vb__grow(&r->explain, &r->cap_explain, r->n_explain + 1, sizeof *r->explain))
    return VB_ENOMEM;
  vb_explain *x = &r->explain[r->n_explain++];
  x->kind = kind;
  x->token = token;
  x->token_end = token_end;
  x->other = other;
  x->value = value;
  x->source = NULL;
  x->line = 0;
  if (e) {
    file = e->file;
    line = e->line;
  }
  if (line && file < an->model->n_files) {
    x->source = an->model->files[file];
    x->line = (long)line;
  }
  return VB_OK;
}

/* The same only when the caller asked for the explanation (the test is inline: most runs do
 * not ask, and the rules call this for every step). */
static inline int explain(vb_analyzer *an, int kind, size_t token, size_t token_end,
                          size_t other, double value, const vb__lexentry *e, uint16_t file,
                          uint32_t line) {
  if (!an->res.explaining) return VB_OK;
  return explain_step(an, kind, token, token_end, other, value, e, file, line);
}

/* Verbs of opinion that carry a negation into the clause after them ("I don't think it was
 * good" = "I think it was not good"): the team's list, in a map each analyzer builds once. */
static const char *const belief_verbs[] = {
    "think", "believe", "feel", "find", "reckon", "suppose", "consider", "expect", "tycker",
    "tyckte", "tror", "trodde", "anser", "tänker", "känner", "upplever", "tycks", "synes",
    "syntes", "mener", "mente", "føler", "oplever", "finder", "חושב", "חושבת", "חושבים", "חושבות",
    "מאמין", "מאמינה", "מאמינים", "מרגיש", "מרגישה", "חשבתי", "הרגשתי"};

int vb__sentiment_init(vb_analyzer *an) {
  if (!(an->phcache = vb__calloc((size_t)1 << VB_PHRASE_CACHE_BITS, sizeof *an->phcache)))
    return VB_ENOMEM;
  for (size_t k = 0; k < sizeof belief_verbs / sizeof belief_verbs[0]; k++) {
    bool found;
    if (vb__strmap_put(&an->belief, belief_verbs[k], strlen(belief_verbs[k]), 1, &found, NULL))
      return VB_ENOMEM;
  }
  return VB_OK;
}

static bool is_belief_verb(const vb_analyzer *an, size_t i) {
  const vb_token *t = &an->res.tokens[i];
  uint32_t v;
  return vb__strmap_get_h(&an->belief, t->key, t->key_len, an->khash[i], &v);
}

/* "Which one is better, the blue or the black?": a question that asks for a choice voices no
 * opinion. True for a sentence ending in ? that opens with a choice word, or with a "what"
 * and holds an "or". */
static bool choice_question(const vb_result *r, const vb_span *sp) {
  const vb_token *tok = r->tokens;
  size_t first = SIZE_MAX, last = SIZE_MAX;
  for (size_t i = sp->tok_begin; i < sp->tok_end; i++) {
    if (tok[i].type == VB_TOK_WORD && first == SIZE_MAX) first = i;
    last = i;
  }
  if (first == SIZE_MAX || tok[last].type != VB_TOK_PUNCT || r->text[tok[last].start] != '?')
    return false;
  static const char *const which[] = {"which", "vilken", "vilket", "vilka", "hvilken", "hvilket",
                                      "hvilke", "איזה", "איזו", "אילו", NULL};
  for (const char *const *w = which; *w; w++)
    if (key_is(&tok[first], *w)) return true;
  static const char *const what[] = {"what", "vad", "hvad", "מה", NULL};
  static const char *const ors[] = {"or", "eller", "או", NULL};
  bool wh = false, or = false;
  for (const char *const *w = what; *w; w++) wh = wh || key_is(&tok[first], *w);
  for (size_t i = first; wh && i < sp->tok_end; i++)
    for (const char *const *o = ors; *o; o++) or = or || key_is(&tok[i], *o);
  return wh && or;
}

/* A sentence that asks (it holds a '?') and is not a tag question ("great, isn't it?",
 * "right?", "eller hur?", "ikke?", "נכון?"), which asks to confirm what it says. */
static bool asks(const vb_result *r, const vb_span *sp) {
  const vb_token *tok = r->tokens;
  size_t lastq = SIZE_MAX;
  for (size_t i = sp->tok_begin; i < sp->tok_end; i++)
    if (tok[i].type == VB_TOK_PUNCT && memchr(r->text + tok[i].start, '?', tok[i].end - tok[i].start))
      lastq = i;
  if (lastq == SIZE_MAX) return false;
  /* the last two words before the '?' (a comma may stand between them) */
  size_t w[2], nw = 0;
  for (size_t i = lastq; i-- > sp->tok_begin && nw < 2;)
    if (tok[i].type == VB_TOK_WORD) w[nw++] = i;
    else if (tok[i].type == VB_TOK_PUNCT && r->text[tok[i].start] != ',') break;
  static const char *const tags[] = {"right", "eh", "huh", "va", "ikke", "vel", "נכון", "לא",
                                     NULL};
  static const char *const aux[] = {"isn't", "aren't", "wasn't", "weren't", "don't", "doesn't",
                                    "didn't", "won't", "wouldn't", "can't", "couldn't", "haven't",
                                    "hasn't", "shouldn't", "isnt", "dont", "innit", NULL};
  if (nw >= 1)
    for (const char *const *t = tags; *t; t++)
      if (key_is(&tok[w[0]], *t)) return false;
  if (nw >= 2)
    for (const char *const *t = aux; *t; t++)
      if (key_is(&tok[w[1]], *t)) return false;
  if (nw >= 2 && key_is(&tok[w[1]], "eller") && key_is(&tok[w[0]], "hur")) return false;
  /* "I was at this awesome party, were you?": a short question after a comma asks about
   * someone else and leaves the statement before it as it is */
  static const char *const aux2[] = {"is", "are", "was", "were", "do", "does", "did", "have",
                                     "has", "will", "would", "can", "could", NULL};
  static const char *const pron[] = {"you", "it", "they", "he", "she", "we", "u", NULL};
  if (nw == 2 && w[1] > sp->tok_begin && tok[w[1] - 1].type == VB_TOK_PUNCT &&
      r->text[tok[w[1] - 1].start] == ',') {
    bool a = false, p = false;
    for (const char *const *t = aux2; *t; t++) a = a || key_is(&tok[w[1]], *t);
    for (const char *const *t = pron; *t; t++) p = p || key_is(&tok[w[0]], *t);
    if (a && p) return false;
  }
  return true;
}

/* Whether punctuation token t holds a '!' (1) or a '?' (2), or both (3): the sentence rules
 * below count those two in punctuation tokens only. */
static unsigned punct_marks(const char *text, const vb_token *t) {
  unsigned m = 0;
  for (size_t b = t->start; b < t->end; b++) m |= text[b] == '!' ? 1u : text[b] == '?' ? 2u : 0u;
  return m;
}

/* Hebrew: where the scope of a negator before token i ends, seen from word j between them.
 * A negator binds to the nearest sentiment word (לא מעניינים, אתם משעממים: the second word is
 * not negated). A negative word after the object marker את or after של / על is the object
 * of the negated verb, not what is denied: הם לא מבינים את הסכנה, לא מדברים על הבעיה (the
 * danger and the problem stay negative). */
static bool he_scope_ends(const vb_token *tok, const unsigned char *kind, size_t j, float v) {
  if (tok[j].valence != 0 && kind[j] != VB_LEX_BOOSTER && kind[j] != VB_LEX_DAMPENER)
    return true;
  return v < 0 && (KEY_IS(&tok[j], "את") || KEY_IS(&tok[j], "של") || KEY_IS(&tok[j], "על"));
}

static bool skips_negation(const vb_token *nx) {
  return nx && (key_is(nx, "only") || key_is(nx, "just") || key_is(nx, "bara") ||
                key_is(nx, "kun") || key_is(nx, "רק"));
}

/* Sets to 0 the valence of the tokens in `hit` (text order) whose sentence is a question of
 * the kind `is_question` tells (asked once per sentence): the positive words only, or every
 * token with a valence; each with its explanation step. */
static int zero_in_questions(vb_analyzer *an, const size_t *hit, size_t n_hit,
                             bool positive_words,
                             bool (*is_question)(const vb_result *, const vb_span *)) {
  vb_result *r = &an->res;
  vb_token *tok = r->tokens;
  uint32_t s_seen = UINT32_MAX;
  bool s_asks = false;
  for (size_t h = 0; h < n_hit; h++) {
    size_t i = hit[h];
    if (positive_words ? tok[i].valence <= 0 || tok[i].type != VB_TOK_WORD : tok[i].valence == 0)
      continue;
    if (tok[i].sentence != s_seen) {
      s_seen = tok[i].sentence;
      s_asks = is_question(r, &r->sentences[s_seen]);
    }
    if (!s_asks) continue;
    tok[i].valence = 0;
    int rc = explain(an, VB_EXPLAIN_QUESTION, i, i + 1, i, 0.0, NULL, 0, 0);
    if (rc) return rc;
  }
  return VB_OK;
}

/* The score, shares, label, level and mixed flag of a text or a part of it, from its sums:
 * the sentences' sums (with punctuation) and how many of them carry sentiment, the positive
 * and negative weight, the neutral words, and whether a clause is clearly positive or
 * negative. */
static void summarise(vb_sentiment *out, double total, size_t bearing, double pos, double neg,
                      double neu, bool any_pos, bool any_neg) {
  /* The sentences' sums added and divided by the square root of how many carry
   * sentiment, then normalised. k sentences that agree score like one sentence sqrt(k) times
   * as strong: agreement counts, but a long text does not run to +-1 as a plain sum does
   * (VADER's saturation), and one strong sentence among neutral ones keeps its strength. */
  out->score = bearing ? normalise(total / sqrt((double)bearing)) : 0.0;
  double all = pos + neg + neu;
  if (all > 0) {
    out->pos = pos / all;
    out->neg = neg / all;
    out->neu = neu / all;
  } else {
    out->pos = out->neg = 0;
    out->neu = 1;
  }
  out->label = out->score >= 0.05 ? VB_POSITIVE : out->score <= -0.05 ? VB_NEGATIVE : VB_NEUTRAL;
  out->level = out->score <= -0.6 ? -2 : out->score <= -0.05 ? -1 : out->score < 0.05 ? 0
               : out->score < 0.6 ? 1 : 2;
  out->mixed = any_pos && any_neg;
}

int vb__sentiment_run(vb_analyzer *an) {
  vb_result *r = &an->res;
  const vb_model *m = an->model;
  if (!m) return VB_EINVAL; /* never (vb_analyzer_new): for the static analyser, which took
                               a NULL lexicon below for a NULL model */
  size_t n = r->n_tokens;
  vb_token *tok = r->tokens;
  const vb__lexicon *lx = (r->lang > VB_LANG_UND && r->lang < VB_LANG_COUNT) ? &m->lex[r->lang]
                                                                              : NULL;
  /* kind[i]: what token i modifies with (VB_LEX_*, K_SKIP inside a phrase); mod[i]: its
   * strength, set wherever kind[i] is a booster or dampener and read nowhere else. */
  if (vb__grow(&an->weights, &an->cap_weights, n + 1, sizeof *an->weights)) return VB_ENOMEM;
  an->scratch.len = 0;
  if (vb__buf_reserve(&an->scratch, n + 1)) return VB_ENOMEM;
  unsigned char *kind = (unsigned char *)an->scratch.data;
  memset(kind, 0, n + 1);
  float *mod = an->weights;
  /* Most tokens carry no sentiment: pass 1 looks at every token and lists the few that matter
   * to the rules after it, in text order: the tokens with a valence (hit), the verbs of
   * opinion (belief) and the contrast words (con). A rule visits the tokens it can change
   * through these lists in the order the full scan did, so the explanation's steps and every
   * sum come out in the same order. */
  if (vb__grow(&an->sent_lists, &an->cap_sent_lists, 3 * n + 1, sizeof *an->sent_lists))
    return VB_ENOMEM;
  size_t *hit = an->sent_lists, *belief = hit + n, *con = belief + n;
  size_t n_hit = 0, n_belief = 0, n_con = 0;
  unsigned kinds = 0; /* bit k: some token's kind is k (VB_LEX_*) */
  int rc;

  /* Pass 1: what each token is. */
  size_t n_words = 0, n_caps = 0;
  unsigned marks = 0; /* the punctuation's '!' (1) and '?' (2) */
  for (size_t i = 0; i < n; i++) {
    vb_token *t = &tok[i];
    if (t->type != VB_TOK_WORD) {
      if (t->type == VB_TOK_PUNCT) {
        marks |= punct_marks(r->text, t);
        continue;
      }
      if (kind[i] == K_SKIP) continue;
      if (t->type == VB_TOK_EMOJI || t->type == VB_TOK_EMOTICON) {
        uint32_t ix;
        if (vb__strmap_get_h(&m->emoji, t->key, t->key_len, an->khash[i], &ix) &&
            m->emoji_valence[ix] != 0) {
          t->valence = m->emoji_valence[ix];
          hit[n_hit++] = i;
          if ((rc = explain(an, VB_EXPLAIN_EMOJI, i, i + 1, i, t->valence, NULL, 0, 0))) return rc;
        }
      } else if (t->type == VB_TOK_HASHTAG && lx) {
        if ((rc = hashtag_valence(an, lx, i))) return rc;
        if (t->valence != 0) hit[n_hit++] = i;
      }
      continue;
    }
    vb__lform *lf = NULL;
    if (lx) {
      if (!(lf = sent_form(an, lx, i))) return VB_ENOMEM;
      /* every word, also inside a phrase (without a lexicon no word carries a valence, and
       * neg-raising has nothing to negate) */
      if (lf->sent & SF_BELIEF) belief[n_belief++] = i;
    }
    if (kind[i] == K_SKIP) continue;
    n_words++;
    if (t->flags & VB_TOKF_CAPS) n_caps++;
    if (!lx) continue;
    const vb__phrase *ph = match_phrase(an, lx, i, lf);
    if (ph) {
      if (ph->kind == VB_LEX_VALENCE) {
        t->valence = ph->valence;
        if ((rc = explain(an, VB_EXPLAIN_PHRASE, i, i + ph->n_words, i, ph->valence, NULL,
                          ph->file, ph->line)))
          return rc;
      } else {
        kind[i] = ph->kind;
        kinds |= 1u << ph->kind;
        mod[i] = ph->value;
        if (ph->kind == VB_LEX_CONTRAST) con[n_con++] = i;
      }
      for (size_t j = 1; j < ph->n_words; j++) {
        kind[i + j] = K_SKIP;
        tok[i + j].flags |= VB_TOKF_PHRASE;
        if (tok[i + j].flags & VB_TOKF_CAPS) t->flags |= VB_TOKF_CAPS;
      }
      if (t->valence != 0) hit[n_hit++] = i;
      continue;
    }
    if (lf->compound) t->flags |= VB_TOKF_COMPOUND;
    const vb__lexentry *e = lf->lex;
    if (!e) continue;
    if (e->has_valence) {
      float boost = lf->boost;
      t->valence = e->valence + sign(e->valence) * boost;
      if ((rc = explain(an, lf->how, i, i + 1, i, e->valence, e, 0, 0))) return rc;
      if (boost != 0 &&
          (rc = explain(an, VB_EXPLAIN_PREFIX, i, i + 1, i, sign(e->valence) * boost, NULL, 0, 0)))
        return rc;
      if (t->valence != 0) hit[n_hit++] = i;
    }
    if (e->kind != VB_LEX_VALENCE) {
      kind[i] = e->kind;
      kinds |= 1u << e->kind;
      mod[i] = e->value;
      if (e->kind == VB_LEX_CONTRAST) con[n_con++] = i;
    }
  }
  bool caps_emphasis = n_caps > 0 && n_caps < n_words;
  /* the rules of boosters and of negators have nothing to do in a text without one */
  bool any_boost = kinds & (1u << VB_LEX_BOOSTER | 1u << VB_LEX_DAMPENER);
  bool any_negator = kinds & (1u << VB_LEX_NEGATOR | 1u << VB_LEX_NEGPREFIX);

  /* A word that is both an intensifier and a sentiment word ("damn", "fucking", "sjukt")
   * only intensifies when a sentiment word follows it ("damn good"); alone it keeps its own
   * valence ("damn it"). */
  for (size_t h = 0; h < n_hit; h++) {
    size_t i = hit[h];
    if ((kind[i] != VB_LEX_BOOSTER && kind[i] != VB_LEX_DAMPENER) || tok[i].valence == 0) continue;
    for (size_t j = i + 1; j < n && j <= i + 2; j++) {
      if (tok[j].type != VB_TOK_WORD || tok[j].clause != tok[i].clause) break;
      if (tok[j].valence != 0 && kind[j] != VB_LEX_BOOSTER) {
        tok[i].valence = 0;
        if (r->explaining) {
          /* drop the entry step recorded for it */
          for (size_t q = r->n_explain; q-- > 0;)
            if (r->explain[q].token == i) {
              memmove(&r->explain[q], &r->explain[q + 1],
                      (r->n_explain - q - 1) * sizeof *r->explain);
              r->n_explain--;
            }
        }
        break;
      }
    }
  }

  /* Pass 2: the rules, token by token, within the token's clause. */
  size_t b_next = 0; /* belief[b_next] is the first verb of opinion at or after token i */
  for (size_t h = 0; h < n_hit; h++) {
    size_t i = hit[h];
    vb_token *t = &tok[i];
    float v = t->valence;
    if (v == 0 || kind[i] == K_SKIP) continue;
    uint32_t clause = t->clause;
    /* boosters and dampeners up to three words back; in Hebrew also the word right after
     * (טעים מאוד, גרוע נורא: Hebrew puts the intensifier after the adjective) */
    size_t dist = 0;
    for (size_t j = i; any_boost && j-- > 0 && dist < 3;) {
      if (tok[j].clause != clause) break;
      if (tok[j].type != VB_TOK_WORD || kind[j] == K_SKIP) continue; /* "a bit" is one word */
      dist++;
      if (kind[j] == VB_LEX_BOOSTER || kind[j] == VB_LEX_DAMPENER) {
        float d = dist == 1 ? 1.0f : dist == 2 ? VB_BOOST_DECAY_2 : VB_BOOST_DECAY_3;
        float b = mod[j] * d * (tok[j].flags & VB_TOKF_CAPS ? 1.5f : 1.0f);
        float add = sign(v) * b * (fabsf(v) < 1 ? fabsf(v) : 1.0f);
        v += add;
        if ((rc = explain(an, VB_EXPLAIN_BOOSTER, i, i + 1, j, add, NULL, 0, 0))) return rc;
      }
    }
    if (any_boost && r->lang == VB_LANG_HE && i + 1 < n && tok[i + 1].clause == clause &&
        (kind[i + 1] == VB_LEX_BOOSTER || kind[i + 1] == VB_LEX_DAMPENER)) {
      float add = sign(v) * mod[i + 1] * (fabsf(v) < 1 ? fabsf(v) : 1.0f);
      v += add;
      if ((rc = explain(an, VB_EXPLAIN_BOOSTER, i, i + 1, i + 1, add, NULL, 0, 0))) return rc;
    }
    if (caps_emphasis && (t->flags & VB_TOKF_CAPS)) {
      float add = sign(v) * VB_CAPS_INCR;
      v += add;
      if ((rc = explain(an, VB_EXPLAIN_CAPS, i, i + 1, i, add, NULL, 0, 0))) return rc;
    }
    if (t->flags & VB_TOKF_ELONGATED) {
      float add = sign(v) * VB_ELONG_INCR;
      v += add;
      if ((rc = explain(an, VB_EXPLAIN_ELONGATION, i, i + 1, i, add, NULL, 0, 0))) return rc;
    }
    /* negation: a negator up to three words back, or (sv, da) right after the word */
    size_t negator = SIZE_MAX;
    int flips = 0;
    dist = 0;
    /* only words are negated ("no cheque :(" does not make the emoticon positive), and an
     * emoji or emoticon ends the scope */
    for (size_t j = i; any_negator && t->type == VB_TOK_WORD && j-- > 0 && dist < 3;) {
      if (tok[j].clause != clause) break;
      if (tok[j].type == VB_TOK_EMOJI || tok[j].type == VB_TOK_EMOTICON) break;
      if (tok[j].type != VB_TOK_WORD) continue;
      if (r->lang == VB_LANG_HE && he_scope_ends(tok, kind, j, v)) break;
      dist++;
      if ((kind[j] == VB_LEX_NEGATOR || kind[j] == VB_LEX_NEGPREFIX) &&
          !skips_negation(j + 1 < n ? &tok[j + 1] : NULL)) {
        flips++;
        negator = j;
      }
    }
    if (r->lang == VB_LANG_HE && flips > 0) {
      /* negative concord: אף אחד לא, אין שום, אף פעם לא are one negation, not two; and a
       * phrase that begins with its own negator (לא עוזר, אין בעיה) is not negated again */
      flips = 1;
      const vb__lexentry *ne = lx ? vb__lexicon_get_h(lx, t->key, t->key_len, an->khash[i]) : NULL;
      if (ne && (ne->kind == VB_LEX_NEGATOR || ne->kind == VB_LEX_NEGPREFIX)) flips = 0;
    }
    if (any_negator && flips == 0 && t->type == VB_TOK_WORD &&
        (r->lang == VB_LANG_SV || r->lang == VB_LANG_DA)) {
      for (size_t j = i + 1; j < n && j <= i + 2; j++) {
        if (tok[j].clause != clause || tok[j].type != VB_TOK_WORD) break;
        if (kind[j] == VB_LEX_NEGATOR) {
          if (skips_negation(j + 1 < n ? &tok[j + 1] : NULL)) break;
          /* "inte" negates what follows when a valence word follows it; else the verb */
          bool later = false;
          for (size_t k = j + 1; k < n && k <= j + 3; k++)
            if (tok[k].clause == clause && tok[k].valence != 0) later = true;
          if (!later) {
            flips = 1;
            negator = j;
          }
          break;
        }
        if (tok[j].valence != 0) break;
      }
    }
    if (any_negator && flips == 0 && t->type == VB_TOK_WORD) {
      /* neg-raising: a negated verb of opinion earlier in the sentence ("don't think",
       * "tycker inte", "synes ikke", "לא חושב") negates what the clause after it says */
      size_t sb = r->sentences[t->sentence].tok_begin;
      while (b_next < n_belief && belief[b_next] < i) b_next++;
      size_t nearest = b_next > 0 && tok[belief[b_next - 1]].sentence == t->sentence
                           ? belief[b_next - 1]
                           : SIZE_MAX; /* the nearest one before i in its sentence */
      for (size_t j = nearest; j != SIZE_MAX;) { /* once */
        size_t neg = SIZE_MAX;
        if (j > sb && (kind[j - 1] == VB_LEX_NEGATOR || kind[j - 1] == VB_LEX_NEGPREFIX)) neg = j - 1;
        else if (j + 1 < i && kind[j + 1] == VB_LEX_NEGATOR) neg = j + 1;
        /* "I don't think so", "jag tror inte det": the opinion is about something else */
        size_t after = (neg == j + 1 ? j + 2 : j + 1);
        if (after < n && (key_is(&tok[after], "so") || key_is(&tok[after], "det") ||
                          key_is(&tok[after], "זה") || key_is(&tok[after], "זאת")))
          neg = SIZE_MAX;
        if (neg != SIZE_MAX) {
          flips = 1;
          negator = neg;
        }
        break;
      }
    }
    if (flips % 2 == 1) {
      float mult = v > 0 ? VB_NEG_POS : VB_NEG_NEG;
      v *= mult;
      t->flags |= VB_TOKF_NEGATED;
      if ((rc = explain(an, VB_EXPLAIN_NEGATION, i, i + 1, negator, mult, NULL, 0, 0))) return rc;
    }
    t->valence = v;
  }

  /* A question asserts nothing: the positive words it holds are not the writer's opinion
   * ("Any good films on?", "Can you help me?", "Where is the great service you promised?").
   * Its negative words stay: a question that holds them complains ("Why is it always late?"),
   * and a negated positive word is negative by now ("Why doesn't it work?"). Both kinds of
   * question end in a '?', and most texts ask nothing (both rules look for it in punctuation
   * tokens only). */
  bool any_q = marks & 2;
  if (any_q &&
      ((rc = zero_in_questions(an, hit, n_hit, true, asks)) ||
       (rc = zero_in_questions(an, hit, n_hit, false, choice_question))))
    return rc;

  /* Clauses: each clause's own sentiment, before the contrast weights below. A clause
   * begins at a contrast word, so the weights only scale a clause as a whole: they say how
   * much it counts in its sentence, not what it says about its aspect. "The delivery was
   * late but the staff were great about it" is positive as a whole, and its first clause
   * is as negative about the delivery as it would be alone, which makes the text mixed. */
  bool any_pos = false, any_neg = false;
  for (size_t c = 0, h = 0; c < r->n_clauses; c++) {
    vb_span *sp = &r->clauses[c];
    double sum = 0;
    for (; h < n_hit && hit[h] < sp->tok_end; h++)
      if (hit[h] >= sp->tok_begin) sum += tok[hit[h]].valence;
    sp->sentiment = normalise(sum);
    if (sp->sentiment >= 0.3) any_pos = true;
    if (sp->sentiment <= -0.3) any_neg = true;
  }
  /* Contrast: within a sentence, words before the last contrast word weigh half, words
   * after it one and a half. */
  for (size_t h = 0, k = 0; n_con > 0 && h < n_hit; h++) {
    size_t i = hit[h];
    if (tok[i].valence == 0) continue;
    uint32_t s = tok[i].sentence;
    while (k < n_con && tok[con[k]].sentence < s) k++;
    size_t c = SIZE_MAX; /* the last contrast word of the sentence */
    for (size_t q = k; q < n_con && tok[con[q]].sentence == s; q++) c = con[q];
    if (c == SIZE_MAX || i == c) continue;
    float mult = i < c ? 0.5f : 1.5f;
    tok[i].valence *= mult;
    if ((rc = explain(an, VB_EXPLAIN_CONTRAST, i, i + 1, c, mult, NULL, 0, 0))) return rc;
  }

  /* Scores: sentences (with ! and ?) and the document. A token without valence adds
   * nothing to a sum (a sum that starts at +0 never becomes -0), so the sums run over the
   * tokens with one, in the text's order. */
  double pos = 0, neg = 0;
  size_t n_valued = 0; /* words (not inside a phrase) with a valence */
  for (size_t h = 0; h < n_hit; h++) {
    const vb_token *t = &tok[hit[h]];
    float v = t->valence;
    if (v > 0) pos += v + 1;
    else if (v < 0) neg += -v + 1;
    if (v != 0 && t->type == VB_TOK_WORD) n_valued++;
  }
  double neu = (double)(n_words - n_valued); /* each neutral word counts one */
  bool any_mark = marks != 0;
  if (vb__grow(&r->sums, &r->cap_sums, r->n_sentences + 1, sizeof *r->sums)) return VB_ENOMEM;
  double total = 0; /* the sentences' sums (with punctuation) */
  size_t bearing = 0;
  for (size_t s = 0, h = 0; s < r->n_sentences; s++) {
    vb_span *sp = &r->sentences[s];
    double sum = 0;
    for (; h < n_hit && hit[h] < sp->tok_end; h++)
      if (hit[h] >= sp->tok_begin) sum += tok[hit[h]].valence;
    if (sum != 0) {
      size_t excl = 0, quest = 0;
      for (size_t i = sp->tok_begin; any_mark && i < sp->tok_end; i++) {
        if (tok[i].type != VB_TOK_PUNCT) continue;
        for (size_t b = tok[i].start; b < tok[i].end; b++) {
          if (r->text[b] == '!') excl++;
          else if (r->text[b] == '?') quest++;
        }
      }
      double amp = (double)(excl > 4 ? 4 : excl) * VB_EXCL_INCR;
      if (quest > 1) amp += quest <= 3 ? (double)quest * 0.18 : 0.96;
      if (amp != 0) {
        double add = sum > 0 ? amp : -amp;
        sum += add;
        if ((rc = explain(an, VB_EXPLAIN_PUNCT, s, s + 1, s, add, NULL, 0, 0))) return rc;
      }
    }
    sp->sentiment = normalise(sum);
    r->sums[s] = sum;
    if (sum != 0) {
      total += sum;
      bearing++;
    }
  }
  r->n_sums = r->n_sentences;
  summarise(&r->sentiment, total, bearing, pos, neg, neu, any_pos, any_neg);
  return VB_OK;
}

int vb_result_sentiment_range(const vb_result *r, size_t start, size_t end, vb_sentiment *out) {
  if (!r || !out || start > end || end > r->len) return VB_EINVAL;
  double pos = 0, neg = 0, neu = 0, total = 0;
  size_t bearing = 0;
  bool any_pos = false, any_neg = false;
  /* as vb__sentiment_run() adds them up: the words with a valence and the emoji and
   * hashtags with one, each word once (a phrase counts as its first word), in text order */
  for (size_t i = 0; i < r->n_tokens; i++) {
    const vb_token *t = &r->tokens[i];
    if (t->start < start || t->end > end) continue;
    float v = t->valence;
    if (v > 0) pos += v + 1;
    else if (v < 0) neg += -v + 1;
    if (t->type == VB_TOK_WORD && !(t->flags & VB_TOKF_PHRASE) && v == 0) neu++;
  }
  for (size_t c = 0; c < r->n_clauses; c++) {
    const vb_span *sp = &r->clauses[c];
    if (sp->start < start || sp->end > end) continue;
    if (sp->sentiment >= 0.3) any_pos = true;
    if (sp->sentiment <= -0.3) any_neg = true;
  }
  for (size_t s = 0; s < r->n_sums; s++) {
    const vb_span *sp = &r->sentences[s];
    if (sp->start < start || sp->end > end || r->sums[s] == 0) continue;
    total += r->sums[s];
    bearing++;
  }
  summarise(out, total, bearing, pos, neg, neu, any_pos, any_neg);
  return VB_OK;
}
