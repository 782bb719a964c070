/*
 * themes.c - finding the codebook's themes in a document.
 *
 * For each word token the stem of the token selects the codebook terms whose first word has
 * that stem; each is checked against the following tokens (stem or key per word, a prefix on
 * the key for a final '*'; a word by the numbers of its key and stem among the terms' words,
 * vb__cblang.word_ids, kept with the token's form). Swedish and Danish words that match
 * nothing directly are split into two parts at every character boundary, and a part that is a
 * one-word term (the left part with or without a linking -s-/-e-, the right part after
 * stemming) counts as a mention flagged VB_TOKF_COMPOUND: leveransproblem, matleveransen,
 * leveringstiden. Exact forms ("=word") are looked up by the token's key (in Hebrew also after
 * its proclitics) with its prefix terms, once per form. The parts of near terms ("A ~N B") are
 * terms of their own whose matches are kept aside (near_hit()) and paired after the scan
 * (near_pairs()): a first part, then a second within N words in the same sentence. Patterns
 * run on the original text under PCRE2's match limits. Matches inside an exclusion phrase are
 * dropped.
 * Every mention carries the sentiment of its clause (aspect sentiment); a brand on the losing
 * side of a comparison, that sentiment turned (compare.c).
 */
#include <stdlib.h>
#include <string.h>

#include "vb_analyzer.h"

#define VB_PART_MIN 4 /* bytes: the shortest compound part that may match */

static VB__INLINE int add_match(vb_analyzer *an, uint32_t theme, size_t tb, size_t te,
                                int exclude) {
  if (vb__grow(&an->matches, &an->cap_matches, an->n_matches + 1, sizeof *an->matches))
    return VB_ENOMEM;
  const vb_token *tok = an->res.tokens;
  vb__match *mt = &an->matches[an->n_matches++];
  mt->theme = theme;
  mt->tok_begin = (uint32_t)tb;
  mt->tok_end = (uint32_t)te;
  mt->start = tok[tb].start;
  mt->end = tok[te - 1].end;
  mt->exclude = (uint8_t)exclude;
  an->n_excl += (size_t)exclude;
  return VB_OK;
}

/* A part of a near term matched at tokens [tb, te): kept in an->excl (free while the tokens
 * are scanned) until near_pairs() pairs the parts, the near term's index as its theme and
 * exclude 0 for a first part, 1 for a second. A second part before any first part of the
 * text can pair with none, and is not kept. */
static int near_hit(vb_analyzer *an, const vb__term *term, size_t tb, size_t te) {
  if (term->side && !an->n_near_first) return VB_OK;
  if (vb__grow(&an->excl, &an->cap_excl, an->n_near + 1, sizeof *an->excl)) return VB_ENOMEM;
  const vb_token *tok = an->res.tokens;
  vb__match *mt = &an->excl[an->n_near++];
  mt->theme = term->near - 1;
  mt->tok_begin = (uint32_t)tb;
  mt->tok_end = (uint32_t)te;
  mt->start = tok[tb].start;
  mt->end = tok[te - 1].end;
  mt->exclude = term->side;
  an->n_near_first += !term->side;
  return VB_OK;
}

/* Term `term` matched at tokens [tb, te): a match, or a part of a near term. Returns in
 * *plain whether it is a match (1) or a near term's part (0), which does not stop the
 * token's other readings (proclitics, compound parts). */
static VB__INLINE int term_match(vb_analyzer *an, const vb__term *term, size_t tb, size_t te,
                                 int *plain) {
  *plain = !term->near;
  if (term->near) return near_hit(an, term, tb, te);
  return an->near_only ? VB_OK : add_match(an, term->theme, tb, te, term->exclude);
}

/* Whether token i's key begins with the key of word w (a term's last word written with '*'). */
static inline bool prefix_matches(const vb_analyzer *an, size_t i, const vb__cblang *cb,
                                  const vb__pword *w) {
  const vb_token *t = &an->res.tokens[i];
  return t->key_len >= w->key_len && memcmp(t->key, cb->w.text.data + w->key_off, w->key_len) == 0;
}

/* The word token a term's next word must be after token j ("e-post" written "e - post": past
 * a lone hyphen), or n when there is none. */
static size_t next_word(const vb_token *tok, size_t n, size_t j) {
  while (j < n && tok[j].type == VB_TOK_PUNCT && tok[j].key_len == 1 && tok[j].key[0] == '-')
    j++;
  return j < n && tok[j].type == VB_TOK_WORD ? j : n;
}

/* The first of the terms whose first word is s[0..sl) (h: its vb__hash()), or -1. */
static int32_t head_of(const vb__cblang *cb, const char *s, size_t sl, uint64_t h) {
  uint32_t head;
  if (!vb__first_has(cb->first_bits, (uint32_t)h) ||
      !vb__strmap_get_h(&cb->first_stem, s, sl, h, &head))
    return -1;
  return (int32_t)head;
}

/* The list of chain `head`'s terms whose second word's key or stem is string `id` of
 * cb->word_ids, in chain order; NULL when there are none. */
static VB__INLINE const uint32_t *chain_pair(const vb__cblang *cb, int32_t head, uint32_t id,
                                              size_t *n) {
  uint64_t key = (uint64_t)(uint32_t)head << 32 | id;
  size_t mask = cb->n_chain_pairs - 1, j = vb__pair_slot(key, cb->n_chain_pairs);
  for (; cb->chain_pairs[j].n; j = (j + 1) & mask)
    if (cb->chain_pairs[j].key == key) {
      *n = cb->chain_pairs[j].n;
      return cb->chain_list + cb->chain_pairs[j].off;
    }
  *n = 0;
  return NULL;
}

static int theme_form(vb_analyzer *an, const vb__cblang *cb, size_t i, const vb__lform **out);

/* theme_form(), inline for a form asked before. */
static VB__INLINE int form_known(vb_analyzer *an, const vb__cblang *cb, size_t i,
                                 const vb__lform **out) {
  const vb__lform *lf = vb__lform_of(an, i);
  if (lf && lf->themes_set) {
    *out = lf;
    return VB_OK;
  }
  return theme_form(an, cb, i, out);
}

/* The terms of lists a[0..na) and b[0..nb) (both in chain order; b may be empty) that start
 * at token i, whose second word is token j1 (or none, j1 == n; kid1, sid1: the numbers of its
 * key and stem, as for terms_from()); adds to *matched the number found. */
static int terms_walk(vb_analyzer *an, const vb__cblang *cb, size_t i, size_t j1, uint32_t kid1,
                      uint32_t sid1, const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                      int *matched) {
  const vb_token *tok = an->res.tokens;
  size_t n = an->res.n_tokens;
  uint32_t last = UINT32_MAX;
  /* the word after j1 (a term's third word), asked once for all the terms that have one */
  size_t j2 = SIZE_MAX;
  uint32_t kid2 = 0, sid2 = 0;
  for (size_t x = 0, y = 0; x < na || y < nb;) {
    uint32_t k = y >= nb || (x < na && a[x] > b[y]) ? a[x++] : b[y++]; /* descending */
    if (k == last) continue; /* in both lists */
    last = k;
    const vb__term *term = &cb->terms[k];
    size_t end = i + 1; /* past the last word matched */
    if (term->n_words == 2 && term->prefix) { /* of the base list: its second word is a prefix */
      if (j1 >= n || !prefix_matches(an, j1, cb, &cb->w.v[term->word_begin + 1])) continue;
      end = j1 + 1;
    } else if (term->n_words > 1) { /* in the list of token j1's key or stem */
      size_t wb = term->word_begin;
      /* listed under the number of j1's key or stem, but perhaps as its stem or key: a term
       * word whose stem is the token's key is not the token's word */
      if (cb->word_kid[wb + 1] != kid1 && cb->word_sid[wb + 1] != sid1) continue;
      end = j1 + 1;
      if (term->n_words > 2) {
        if (j2 == SIZE_MAX) {
          j2 = end < n && tok[end].type == VB_TOK_WORD ? end : next_word(tok, n, end);
          if (j2 < n) {
            const vb__lform *lf;
            int rc = form_known(an, cb, j2, &lf);
            if (rc) return rc;
            kid2 = lf->word_kid;
            sid2 = lf->word_sid;
          }
        }
        if (j2 >= n) continue;
        bool last_prefix = term->prefix && term->n_words == 3;
        if (last_prefix ? !prefix_matches(an, j2, cb, &cb->w.v[wb + 2])
                        : cb->word_kid[wb + 2] != kid2 && cb->word_sid[wb + 2] != sid2)
          continue;
        size_t j = j2 + 1;
        bool ok = true;
        for (size_t w = 3; ok && w < term->n_words; w++) {
          j = j < n && tok[j].type == VB_TOK_WORD ? j : next_word(tok, n, j);
          size_t wi = wb + w;
          if (j >= n) ok = false;
          else if (term->prefix && w + 1 == term->n_words)
            ok = prefix_matches(an, j, cb, &cb->w.v[wi]);
          else {
            const vb__lform *lf;
            int rc = form_known(an, cb, j, &lf);
            if (rc) return rc;
            ok = lf->word_kid == cb->word_kid[wi] || lf->word_sid == cb->word_sid[wi];
          }
          j++;
        }
        if (!ok) continue;
        end = j;
      }
    }
    int plain, rc = term_match(an, term, i, end, &plain);
    if (rc) return rc;
    *matched += plain;
  }
  return VB_OK;
}

/* Terms starting at token i from the chain at `head` (terms with the same first word), the
 * next word being token j1 (n when none) whose key and stem have the numbers kid1 and sid1 in
 * cb->word_ids (0: not a word of any term); adds to *matched the number found. A common first
 * word heads many terms ("not", "customer"): only those whose second word's key or stem has
 * the number of the next token's key or stem (chain_pair) are tried, with the chain's one-word
 * terms and two-word prefix terms, all in chain order (the order of the matches, and so of the
 * output, is that of the chain). Each pair's list already holds the latter (vb__terms_index),
 * so there is one list to walk, or two to merge when the next word's key and stem both have
 * one. Most calls find nothing to walk: the chain's bits of its second words
 * (vb__chain.seconds) and the filter of the pairs (vb__chain_pair_may()) spare most lookups. */
static VB__INLINE int terms_from(vb_analyzer *an, const vb__cblang *cb, size_t i, int32_t head,
                                 size_t j1, uint32_t kid1, uint32_t sid1, int *matched) {
  const struct vb__chain *c = &cb->chains[head];
  const uint32_t *a = cb->chain_list + c->base_off, *b = NULL;
  size_t na = c->n_base, nb = 0;
  bool base = true; /* a is the chain's base list */
  if (c->n_pairs && (kid1 | sid1)) {
    /* a second word of the chain's terms: by the chain's own bits, then by the filter */
    bool k_may = kid1 && (c->seconds & vb__next_bit(kid1)) && vb__chain_pair_may(cb, head, kid1);
    bool s_may = sid1 != kid1 && sid1 && (c->seconds & vb__next_bit(sid1)) &&
                 vb__chain_pair_may(cb, head, sid1);
    size_t n1 = 0, n2 = 0;
    const uint32_t *p1 = k_may ? chain_pair(cb, head, kid1, &n1) : NULL;
    const uint32_t *p2 = s_may ? chain_pair(cb, head, sid1, &n2) : NULL;
    if (p1) a = p1, na = n1;
    if (p2 && p1) b = p2, nb = n2;
    else if (p2) a = p2, na = n2;
    base = !p1 && !p2;
  }
  if (na == 0) return VB_OK; /* (nb is 0 when na is) */
  /* one-word terms: all match. (Not told by the pointer: a chain without base terms has its
   * empty base list where its first pair's list begins.) */
  if (base && c->base_one) {
    for (size_t x = 0; x < na; x++) {
      int plain, rc = term_match(an, &cb->terms[a[x]], i, i + 1, &plain);
      if (rc) return rc;
      *matched += plain;
    }
    return VB_OK;
  }
  return terms_walk(an, cb, i, j1, kid1, sid1, a, na, b, nb, matched);
}

/* The word a term's second word must be after token i (j1, or n when there is none) and the
 * numbers of its key and stem in cb->word_ids (0 when none). */
static VB__INLINE int next_ids(vb_analyzer *an, const vb__cblang *cb, size_t i, size_t *j1,
                               uint32_t *kid1, uint32_t *sid1) {
  const vb_token *tok = an->res.tokens;
  size_t n = an->res.n_tokens;
  size_t j = i + 1 < n && tok[i + 1].type == VB_TOK_WORD ? i + 1 : next_word(tok, n, i + 1);
  *j1 = j;
  *kid1 = *sid1 = 0;
  if (j == n) return VB_OK;
  const vb__lform *lf1;
  int rc = form_known(an, cb, j, &lf1);
  if (rc) return rc;
  *kid1 = lf1->word_kid;
  *sid1 = lf1->word_sid;
  return VB_OK;
}

/* A term under the number of its second word's key or stem, for vb__terms_index(). */
struct pair_item {
  uint64_t key;
  uint32_t term;
};

static int cmp_pair_item(const void *pa, const void *pb) {
  const struct pair_item *a = pa, *b = pb;
  if (a->key != b->key) return a->key < b->key ? -1 : 1;
  return a->term > b->term ? -1 : a->term < b->term; /* chain order: descending */
}

/* Numbers the distinct keys and stems of the terms' words after the first (cb->word_ids) and
 * gives each word of cb->w its key's and stem's (word_kid, word_sid). */
static int number_words(vb__cblang *cb) {
  cb->word_kid = vb__calloc(cb->w.n ? cb->w.n : 1, sizeof *cb->word_kid);
  cb->word_sid = vb__calloc(cb->w.n ? cb->w.n : 1, sizeof *cb->word_sid);
  if (!cb->word_kid || !cb->word_sid) return VB_ENOMEM;
  const char *tx = cb->w.text.data;
  size_t n_words = 0; /* the words after the first, keys and stems */
  for (size_t k = 0; k < cb->n_terms; k++) n_words += 2 * (cb->terms[k].n_words - 1u);
  /* about one in six is distinct (the default codebook: one in 7-14 of its words' keys and
   * stems, one in 3 in Hebrew) */
  if (vb__strmap_reserve(&cb->word_ids, n_words / 6 + 16, 8 * (n_words / 6 + 16)))
    return VB_ENOMEM;
  for (size_t k = 0; k < cb->n_terms; k++) {
    const vb__term *t = &cb->terms[k];
    if (t->n_words < 2 || cb->word_kid[t->word_begin + 1]) continue; /* (a term's second entry) */
    for (size_t w = t->word_begin + 1; w < t->word_begin + t->n_words; w++) {
      const vb__pword *pw = &cb->w.v[w];
      uint32_t *id;
      bool found;
      uint32_t next = (uint32_t)vb__strmap_size(&cb->word_ids) + 1;
      if (vb__strmap_put(&cb->word_ids, tx + pw->key_off, pw->key_len, next, &found, &id))
        return VB_ENOMEM;
      cb->word_kid[w] = *id;
      if (pw->stem_len == pw->key_len &&
          memcmp(tx + pw->stem_off, tx + pw->key_off, pw->key_len) == 0) {
        cb->word_sid[w] = cb->word_kid[w];
        continue;
      }
      next = (uint32_t)vb__strmap_size(&cb->word_ids) + 1;
      if (vb__strmap_put(&cb->word_ids, tx + pw->stem_off, pw->stem_len, next, &found, &id))
        return VB_ENOMEM;
      cb->word_sid[w] = *id;
    }
  }
  return VB_OK;
}

int vb__terms_index(vb__cblang *cb) {
  size_t nh = vb__strmap_size(&cb->first_stem);
  if (nh == 0) return VB_OK;
  if (number_words(cb)) return VB_ENOMEM;
  cb->chains = vb__calloc(cb->n_terms, sizeof *cb->chains);
  cb->chain_list = vb__malloc(cb->n_terms * sizeof *cb->chain_list);
  struct pair_item *items = vb__malloc(2 * cb->n_terms * sizeof *items);
  int rc = VB_OK;
  if (!cb->chains || !cb->chain_list || !items) rc = VB_ENOMEM;
  size_t n_list = 0, n_items = 0;
  for (size_t e = 0; e < nh && rc == VB_OK; e++) {
    uint32_t head = cb->first_stem.entries[e].value;
    struct vb__chain *c = &cb->chains[head];
    size_t first_item = n_items;
    c->base_off = (uint32_t)n_list;
    for (int32_t k = (int32_t)head; k >= 0; k = cb->terms[k].next) {
      const vb__term *t = &cb->terms[k];
      if (t->n_words == 1 || (t->n_words == 2 && t->prefix)) { /* tried at every token */
        cb->chain_list[n_list++] = (uint32_t)k;
      } else { /* under the numbers of its second word's key and stem */
        uint64_t hk = (uint64_t)head << 32;
        uint32_t kk = cb->word_kid[t->word_begin + 1], sk = cb->word_sid[t->word_begin + 1];
        c->seconds |= vb__next_bit(kk) | vb__next_bit(sk);
        items[n_items++] = (struct pair_item){hk | kk, (uint32_t)k};
        if (sk != kk) items[n_items++] = (struct pair_item){hk | sk, (uint32_t)k};
        c->n_pairs++;
      }
    }
    for (int32_t k = (int32_t)head; k >= 0; k = cb->terms[k].next)
      c->near += cb->terms[k].near != 0;
    c->n_base = (uint32_t)n_list - c->base_off;
    c->base_one = 1;
    for (size_t x = c->base_off; x < n_list; x++)
      if (cb->terms[cb->chain_list[x]].n_words != 1) c->base_one = 0;
    /* the head's items by number (the same head throughout: sorting each head's own items
     * costs a fifth of sorting them all together at load) */
    if (n_items - first_item > 1)
      qsort(items + first_item, n_items - first_item, sizeof *items, cmp_pair_item);
  }
  if (rc == VB_OK && n_items) {
    /* one list per distinct (head, number): its terms merged with the chain's base list, in
     * chain order (both descending); the items are grouped by head, each head's by number */
    size_t n_keys = 0, room = n_list + n_items;
    for (size_t q = 0; q < n_items; q++)
      if (q == 0 || items[q].key != items[q - 1].key) {
        n_keys++;
        room += cb->chains[items[q].key >> 32].n_base;
      }
    size_t slots = 16;
    while (slots < 2 * n_keys) slots *= 2;
    unsigned log_bits = 6; /* the filter: 16 bits a key or more */
    while (((size_t)1 << log_bits) < 16 * n_keys) log_bits++;
    uint32_t *list = vb__realloc(cb->chain_list, room * sizeof *list);
    cb->chain_pairs = vb__calloc(slots, sizeof *cb->chain_pairs);
    cb->chain_bits = vb__calloc((size_t)1 << (log_bits - 6), sizeof *cb->chain_bits);
    cb->chain_shift = 64 - log_bits;
    if (list) cb->chain_list = list;
    if (!list || !cb->chain_pairs || !cb->chain_bits) rc = VB_ENOMEM;
    for (size_t q = 0; q < n_items && rc == VB_OK;) {
      uint64_t key = items[q].key;
      const struct vb__chain *c = &cb->chains[key >> 32];
      size_t r = q, x = c->base_off, xe = c->base_off + c->n_base, start = n_list;
      while (r < n_items && items[r].key == key) r++;
      for (size_t y = q; x < xe || y < r;)
        cb->chain_list[n_list++] =
            y >= r || (x < xe && cb->chain_list[x] > items[y].term) ? cb->chain_list[x++]
                                                                    : items[y++].term;
      size_t j = vb__pair_slot(key, slots);
      while (cb->chain_pairs[j].n) j = (j + 1) & (slots - 1);
      cb->chain_pairs[j] =
          (struct vb__chainslot){key, (uint32_t)start, (uint32_t)(n_list - start)};
      uint64_t bit = (key * 0xD6E8FEB86659FD93ULL) >> cb->chain_shift; /* vb__chain_pair_may */
      cb->chain_bits[bit >> 6] |= 1ULL << (bit & 63);
      q = r;
    }
    cb->n_chain_pairs = slots;
  }
  vb__free(items);
  return rc;
}

/* Terms starting at token i whose first word is s[0..sl) (h: its vb__hash()). */
static int terms_at(vb_analyzer *an, const vb__cblang *cb, size_t i, const char *s, size_t sl,
                    uint64_t h, int *matched) {
  int32_t head = head_of(cb, s, sl, h);
  if (head < 0) return VB_OK;
  size_t j1;
  uint32_t kid1, sid1;
  int rc = next_ids(an, cb, i, &j1, &kid1, &sid1);
  return rc ? rc : terms_from(an, cb, i, head, j1, kid1, sid1, matched);
}

/* A term's first word: s[0..n) in first_stem, asked of the bitset first. */
static bool first_get(const vb__cblang *cb, const char *s, size_t n, uint32_t *head) {
  uint64_t h = vb__hash(s, n);
  return vb__first_has(cb->first_bits, (uint32_t)h) &&
         vb__strmap_get_h(&cb->first_stem, s, n, h, head);
}

static int push_term(vb_analyzer *an, int32_t k) {
  if (vb__grow(&an->tf_list, &an->cap_tf_list, an->n_tf_list + 1, sizeof *an->tf_list))
    return VB_ENOMEM;
  an->tf_list[an->n_tf_list++] = (uint32_t)k;
  return VB_OK;
}

/* What a compound part's term gives: its theme, or the part of a near term. */
static uint32_t part_id(const vb__term *term) {
  return term->near ? 0x80000000u | (term->near << 1 | term->side) : term->theme;
}

/* The exact-form terms ("=word") whose key is s[0..n), appended to an->tf_list. */
static int exact_terms(vb_analyzer *an, const vb__cblang *cb, const char *s, size_t n,
                       uint64_t h) {
  uint32_t head;
  if (!vb__strmap_get_h(&cb->exact, s, n, h, &head)) return VB_OK;
  for (int32_t k = (int32_t)head; k >= 0; k = cb->terms[k].next) {
    int rc = push_term(an, k);
    if (rc) return rc;
  }
  return VB_OK;
}

/* The one-word terms in the compound parts of a Swedish or Danish word (token i), appended to
 * an->tf_list. */
static int compound_parts(vb_analyzer *an, const vb__cblang *cb, size_t i) {
  const vb_token *t = &an->res.tokens[i];
  if (t->key_len < 6 || t->key_len > VB_COMPOUND_MAX) return VB_OK;
  vb__stemmer *st = NULL;
  int rc = vb__analyzer_stemmer(an, an->res.lang, &st);
  if (rc) return rc;
  uint32_t seen_left = UINT32_MAX, seen_right = UINT32_MAX;
  /* Every cut at a character boundary: a modifier (left part) must be 4 bytes or more, a
   * head (right part) 4 bytes or more when found through its stem, 3 when its key is a term
   * as written (kundtjänst|kö, faktura|fel); a head may follow a short modifier (mat|leveransen,
   * app|inloggningen). */
  for (size_t cut = 2; cut + 3 <= t->key_len; cut++) {
    if (((unsigned char)t->key[cut] & 0xC0) == 0x80) continue;
    uint32_t head;
    if (cut >= VB_PART_MIN) {
      /* left part, also without a linking s or e (leverings+tid, arbete+s+miljö) */
      size_t ll = cut;
      bool hit = first_get(cb, t->key, ll, &head);
      if (!hit && (t->key[cut - 1] == 's' || t->key[cut - 1] == 'e') && cut - 1 >= VB_PART_MIN)
        hit = first_get(cb, t->key, --ll, &head);
      if (hit) {
        for (int32_t k = (int32_t)head; k >= 0; k = cb->terms[k].next) {
          const vb__term *term = &cb->terms[k];
          if (term->n_words != 1 || part_id(term) == seen_left) continue;
          seen_left = part_id(term);
          if ((rc = push_term(an, k))) return rc;
        }
      }
    }
    /* right part: as written, then stemmed, unless no term's first word begins with its first
     * four bytes: the Swedish and Danish Snowball stemmers only take letters off the end (at
     * least three stay), so the stem of a part is a prefix of it, and one of VB_PART_MIN (4)
     * bytes or more that is a first word starts with the part's four bytes (the stemmer was
     * most of the time spent on new Swedish words; test_stemtab checks the prefixes) */
    size_t rl = t->key_len - cut;
    bool hit = rl >= 3 && first_get(cb, t->key + cut, rl, &head);
    if (!hit && rl >= VB_PART_MIN && st &&
        vb__first_has(cb->part4_bits, vb__part4_key(t->key + cut))) {
      const char *s;
      size_t sl;
      if ((rc = vb__stem(st, t->key + cut, rl, &s, &sl))) return rc;
      hit = sl >= VB_PART_MIN && first_get(cb, s, sl, &head);
    }
    if (hit) {
      for (int32_t k = (int32_t)head; k >= 0; k = cb->terms[k].next) {
        const vb__term *term = &cb->terms[k];
        if (term->n_words != 1 || part_id(term) == seen_right) continue;
        seen_right = part_id(term);
        if ((rc = push_term(an, k))) return rc;
      }
    }
  }
  return VB_OK;
}

/* vb__lform.themes_set: theme_form() has been asked, and whether the form begins a term or
 * matches one in a part of it (most words do neither). */
#define THEMES_KNOWN 1
#define THEMES_ANY 2
#define THEMES_HEADS 4 /* it begins a term: head_stem or head_key */
#define THEMES_BASE 8  /* and one of those chains has terms tried whatever the next word */
#define THEMES_REST 16 /* prefix terms, compound parts or proclitics (n_pre, n_cmp, n_he) */
#define THEMES_HE_NEAR 32 /* a chain after its proclitics holds a near term's part */
#define THEMES_ONE 64 /* its chains hold one-word terms only: the next word does not matter */

/* What the codebook says of word token i alone, which depends only on its form and the
 * language: the term chains of its stem and its key, the prefix terms it matches, the terms
 * in its compound parts (Swedish, Danish), the term chains after its proclitics (Hebrew).
 * Computed once per form (the analyzer's form cache), kept in its vb__lform. */
static int theme_form(vb_analyzer *an, const vb__cblang *cb, size_t i, const vb__lform **out) {
  vb_lang lang = an->res.lang;
  vb__lform *tf = vb__lform_of(an, i);
  if (!tf) return VB_ENOMEM;
  *out = tf;
  if (tf->themes_set) return VB_OK;
  const vb_token *t = &an->res.tokens[i];
  tf->head_stem = head_of(cb, t->stem, t->stem_len, an->shash[i]);
  tf->head_key = -1;
  if (t->stem_len != t->key_len || memcmp(t->stem, t->key, t->key_len) != 0)
    tf->head_key = head_of(cb, t->key, t->key_len, an->khash[i]);
  uint32_t id = 0;
  tf->word_kid = vb__strmap_get_h(&cb->word_ids, t->key, t->key_len, an->khash[i], &id) ? id : 0;
  tf->word_sid =
      vb__strmap_get_h(&cb->word_ids, t->stem, t->stem_len, an->shash[i], &id) ? id : 0;
  tf->pre_off = (uint32_t)an->n_tf_list;
  int rc;
  if (cb->prefix_long) {
    for (size_t p = 0; p < cb->n_prefix; p++) {
      const vb__term *term = &cb->terms[cb->prefix_terms[p]];
      if (prefix_matches(an, i, cb, &cb->w.v[term->word_begin]) &&
          (rc = push_term(an, (int32_t)cb->prefix_terms[p])))
        return rc;
    }
  } else if (cb->n_prefix) {
    /* the key's beginnings of the lengths the prefix terms have, in their map; the terms
     * found in the order of prefix_terms (that of the codebook), as when each was tried */
    for (uint64_t lens = cb->prefix_lens; lens; lens &= lens - 1) {
      size_t len = (size_t)__builtin_ctzll(lens);
      uint32_t head;
      if (len > t->key_len) break;
      if (!vb__strmap_get(&cb->prefix_map, t->key, len, &head)) continue;
      for (int32_t k = (int32_t)head; k >= 0; k = cb->terms[k].next)
        if ((rc = push_term(an, k))) return rc;
    }
    size_t n = an->n_tf_list - tf->pre_off;
    uint32_t *l = n > 1 ? an->tf_list + tf->pre_off : NULL; /* (tf_list may still be null) */
    for (size_t a = 1; a < n; a++)
      for (size_t b = a; b > 0 && l[b - 1] > l[b]; b--) {
        uint32_t x = l[b];
        l[b] = l[b - 1];
        l[b - 1] = x;
      }
  }
  /* Hebrew: the word without each proclitic prefix it may have (ו, ה, ב, ל, מ, ש, כ and
   * their combinations), in vb__he_prefixes()'s order (the longest first) */
  size_t lens[16], np = 0;
  uint64_t he_hash[16];
  if (lang == VB_LANG_HE) {
    np = vb__he_prefixes(t->key, t->key_len, lens, 16);
    for (size_t k = 0; k < np; k++) he_hash[k] = vb__hash(t->key + lens[k], t->key_len - lens[k]);
  }
  /* exact forms: by the key, in Hebrew also after each proclitic */
  if (vb__strmap_size(&cb->exact)) {
    if ((rc = exact_terms(an, cb, t->key, t->key_len, an->khash[i]))) return rc;
    for (size_t k = 0; k < np; k++)
      if ((rc = exact_terms(an, cb, t->key + lens[k], t->key_len - lens[k], he_hash[k])))
        return rc;
  }
  tf->n_pre = (uint32_t)an->n_tf_list - tf->pre_off;
  tf->cmp_off = (uint32_t)an->n_tf_list;
  if ((lang == VB_LANG_SV || lang == VB_LANG_DA) && (rc = compound_parts(an, cb, i))) return rc;
  tf->n_cmp = (uint32_t)an->n_tf_list - tf->cmp_off;
  /* Hebrew: the term chains of the word after its proclitics */
  tf->he_off = (uint32_t)an->n_tf_list;
  bool he_near = false; /* one of those chains holds a near term's part */
  for (size_t k = 0; k < np; k++) {
    int32_t head = head_of(cb, t->key + lens[k], t->key_len - lens[k], he_hash[k]);
    if (head < 0) continue;
    if ((rc = push_term(an, head))) return rc;
    he_near |= cb->chains[head].near != 0;
  }
  tf->n_he = (uint32_t)an->n_tf_list - tf->he_off;
  tf->themes_set = THEMES_KNOWN | (he_near ? THEMES_HE_NEAR : 0);
  tf->seconds = 0;
  bool one = true;
  for (int k = 0; k < 2; k++) {
    int32_t head = k ? tf->head_key : tf->head_stem;
    if (head < 0) continue;
    tf->themes_set |= THEMES_ANY | THEMES_HEADS;
    tf->seconds |= cb->chains[head].seconds;
    if (cb->chains[head].n_base) tf->themes_set |= THEMES_BASE;
    one &= cb->chains[head].n_pairs == 0 && cb->chains[head].base_one;
  }
  if (one && (tf->themes_set & THEMES_HEADS)) tf->themes_set |= THEMES_ONE;
  if (tf->n_pre || tf->n_cmp || tf->n_he) tf->themes_set |= THEMES_ANY | THEMES_REST;
  return VB_OK;
}

/* The clause holding a byte: the first whose end lies after it (clauses are in text order). */
static size_t clause_of(const vb_result *r, size_t byte) {
  size_t lo = 0, hi = r->n_clauses;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (byte < r->clauses[mid].end) hi = mid;
    else lo = mid + 1;
  }
  return lo < r->n_clauses ? lo : (r->n_clauses ? r->n_clauses - 1 : 0);
}

/* clause_of(), first trying clause *at and the one after it (the clause of the mention before:
 * mentions come mostly in text order), which it sets to the clause found. */
static size_t clause_near(const vb_result *r, size_t byte, size_t *at) {
  const vb_span *c = r->clauses;
  size_t k = *at, n = r->n_clauses;
  if (k < n && byte >= c[k].end) k++; /* the next clause */
  if (k < n && byte < c[k].end && (k == 0 || c[k - 1].end <= byte)) return *at = k;
  return *at = clause_of(r, byte);
}

static int cmp_excl(const void *pa, const void *pb) {
  const vb__match *a = pa, *b = pb;
  if (a->theme != b->theme) return a->theme < b->theme ? -1 : 1;
  return a->start < b->start ? -1 : a->start > b->start;
}

/* Whether an exclusion of theme `theme` contains [start, end): the exclusions are sorted by
 * theme and start, each carrying the furthest end of its theme up to it. */
static bool excluded_by(const vb_analyzer *an, size_t nx, uint32_t theme, size_t start,
                        size_t end) {
  const vb__match *ex = an->excl + an->n_near;
  size_t lo = 0, hi = nx; /* the last exclusion of `theme` starting at or before `start` */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const vb__match *x = &ex[mid];
    if (x->theme < theme || (x->theme == theme && x->start <= start)) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && ex[lo - 1].theme == theme && ex[lo - 1].maxend >= end;
}

/* Whether an exclusion of theme `theme` or of one of its ancestors contains [start, end) (an
 * exclusion removes matches of its own theme and of its children, not others'). */
static bool excluded_in(const vb_analyzer *an, size_t nx, uint32_t theme, size_t start,
                        size_t end) {
  for (long t = (long)theme; t >= 0; t = an->model->themes[t].parent)
    if (excluded_by(an, nx, (uint32_t)t, start, end)) return true;
  return false;
}

/* Whether an exclusion of theme `theme` or of one of its ancestors holds the near term's part
 * [start, end) and more ("not quick" holds "quick"): one that is only the part itself
 * ("can't recommend" in "can't recommend ~5 enough") was written for the theme's other terms,
 * and the near term names it on purpose. */
static bool excluded_part(const vb_analyzer *an, size_t nx, uint32_t theme, size_t start,
                          size_t end) {
  for (long t = (long)theme; t >= 0; t = an->model->themes[t].parent)
    if ((start > 0 && excluded_by(an, nx, (uint32_t)t, start - 1, end)) ||
        excluded_by(an, nx, (uint32_t)t, start, end + 1))
      return true;
  return false;
}

/* Near terms' parts by near term, then place (first token, side, last token). */
static int cmp_hit(const void *pa, const void *pb) {
  const vb__match *a = pa, *b = pb;
  if (a->theme != b->theme) return a->theme < b->theme ? -1 : 1;
  if (a->tok_begin != b->tok_begin) return a->tok_begin < b->tok_begin ? -1 : 1;
  if (a->exclude != b->exclude) return a->exclude < b->exclude ? -1 : 1;
  return a->tok_end < b->tok_end ? -1 : a->tok_end > b->tok_end;
}

/* Sorts the parts by cmp_hit(): by insertion, as they come nearly in order (by token). */
static void sort_hits(vb__match *h, size_t n) {
  if (n > 64) {
    qsort(h, n, sizeof *h, cmp_hit);
    return;
  }
  for (size_t i = 1; i < n; i++) {
    vb__match x = h[i];
    size_t j = i;
    for (; j > 0 && cmp_hit(&h[j - 1], &x) > 0; j--) h[j] = h[j - 1];
    h[j] = x;
  }
}

/* How far first part a of a near term reaches, found as the parts after it are tried in order
 * of token (near_follows()): the words (tokens other than punctuation) in tokens
 * [a->tok_end, tok) and the offsets [a->end, pos) of the text looked at, with the first
 * sentence end among them ('.', '!', '?' or '\n': SIZE_MAX while none). Each part after a
 * moves them on only as far as it begins, so a first part costs what lies within its reach. */
typedef struct {
  size_t tok, words, pos, end;
} near_reach;

/* Whether part b may follow first part a of near term nr: after it, in the same sentence (no
 * sentence end between them, as a pattern's [^.!?\n] says), with at most nr->gap words
 * between them. Sets *past when b is out of reach: then so is every part at a later token.
 * Parts come in order of their first token. */
static bool near_follows(const vb_result *r, const vb__near *nr, const vb__match *a,
                         const vb__match *b, near_reach *g, bool *past) {
  *past = false;
  if (b->tok_begin < a->tok_end) return false;
  for (; g->tok < b->tok_begin && g->words <= nr->gap; g->tok++)
    g->words += r->tokens[g->tok].type != VB_TOK_PUNCT;
  for (; g->pos < b->start && g->end == SIZE_MAX; g->pos++) {
    char c = r->text[g->pos];
    if (c == '.' || c == '!' || c == '?' || c == '\n') g->end = g->pos;
  }
  if (g->words > nr->gap || g->end < b->start) return !(*past = true);
  return true;
}

/* The near terms' matches, from their parts an->excl[0, an->n_near) (nx exclusions after
 * them): per near term in codebook order, as a pattern "A[^.!?\n]{0,N}B" finds them. From
 * the first first part on, each first part not inside a match found already is paired with
 * the furthest second part that may follow it (near_follows()); parts inside an exclusion of
 * the theme do not count (excluded_part()). The search from a first part stops at the first
 * part out of reach: at once if it is a second part (as the pattern would), after the other
 * parts of its token if it is a first part (a part's start may lie inside its token). */
static int near_pairs(vb_analyzer *an, const vb__cblang *cb, size_t nx) {
  vb__match *h = an->excl;
  size_t nh = an->n_near;
  const vb_result *r = &an->res;
  sort_hits(h, nh);
  int rc;
  for (size_t g = 0; g < nh;) {
    size_t ge = g;
    while (ge < nh && h[ge].theme == h[g].theme) ge++;
    const vb__near *nr = &cb->nears[h[g].theme];
    uint32_t theme = nr->theme;
    size_t from = 0; /* the first token a first part may begin at */
    for (size_t a = g; a < ge; a++) {
      if (h[a].exclude != 0 || h[a].tok_begin < from ||
          (nx && excluded_part(an, nx, theme, h[a].start, h[a].end)))
        continue;
      size_t best = SIZE_MAX, stop = SIZE_MAX;
      near_reach reach = {h[a].tok_end, 0, h[a].end, SIZE_MAX};
      for (size_t b = a + 1; b < ge && h[b].tok_begin <= stop; b++) {
        bool past;
        bool follows = near_follows(r, nr, &h[a], &h[b], &reach, &past);
        if (past && h[b].exclude == 1) break;
        if (past) stop = h[b].tok_begin;
        if (!follows || h[b].exclude != 1) continue;
        if (!(nx && excluded_part(an, nx, theme, h[b].start, h[b].end)) &&
            (best == SIZE_MAX || h[b].tok_end >= h[best].tok_end))
          best = b;
      }
      if (best == SIZE_MAX) continue;
      if ((rc = add_match(an, theme, h[a].tok_begin, h[best].tok_end, 0))) return rc;
      from = h[best].tok_end;
    }
    g = ge;
  }
  return VB_OK;
}

/* The slot of a match's theme and span in the table of vb__themes_mark_dups() (`shift`: 64
 * less the log2 of its slots). */
static size_t dup_slot(const vb__match *m, unsigned shift) {
  uint64_t k = ((uint64_t)m->start << 32 ^ (uint64_t)m->end) * 0x9E3779B97F4A7C15ULL;
  return (size_t)((k ^ (uint64_t)m->theme * 0xD6E8FEB86659FD93ULL) >> shift);
}

static bool same_match(const vb__match *p, const vb__match *c) {
  return p->start == c->start && p->end == c->end && p->theme == c->theme;
}

int vb__themes_mark_dups(vb_analyzer *an, size_t n_sorted) {
  size_t n = an->n_matches;
  if (n_sorted > n) n_sorted = n;
  if (n_sorted > 1 && n - n_sorted <= 8) {
    /* The first n_sorted (the terms' matches, found token by token) are in order of start: a
     * match can be the same as an earlier one of the same start only, found by looking back
     * while the start is the same. Each of the others (a few patterns' matches) looks for
     * its start among those by bisection, then compares the earlier others. */
    vb__match *m = an->matches;
    for (size_t a = 0; a < n_sorted; a++) {
      bool dup = false;
      for (size_t b = a; b-- > 0 && m[b].start == m[a].start && !dup;)
        dup = same_match(&m[b], &m[a]);
      m[a].dup = dup;
    }
    for (size_t a = n_sorted; a < n; a++) {
      vb__match *c = &m[a];
      size_t lo = 0, hi = n_sorted; /* the first sorted match starting at c's start or after */
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m[mid].start < c->start) lo = mid + 1;
        else hi = mid;
      }
      c->dup = 0;
      for (size_t b = lo; b < n_sorted && m[b].start == c->start && !c->dup; b++)
        c->dup = same_match(&m[b], c);
      for (size_t b = n_sorted; b < a && !c->dup; b++) c->dup = same_match(&m[b], c);
    }
    return VB_OK;
  }
  if (n <= 8) { /* a typical record: compare the pairs */
    for (size_t a = 0; a < n; a++) {
      vb__match *c = &an->matches[a];
      c->dup = 0;
      for (size_t b = 0; b < a && !c->dup; b++) {
        const vb__match *p = &an->matches[b];
        c->dup = p->start == c->start && p->end == c->end && p->theme == c->theme;
      }
    }
    return VB_OK;
  }
  /* a long document: a hash table of the first match of each theme and span (the index + 1;
   * at least twice as many slots as matches) */
  unsigned log_slots = 5;
  while (((size_t)1 << log_slots) < 2 * n) log_slots++;
  size_t slots = (size_t)1 << log_slots, mask = slots - 1;
  if (vb__grow(&an->dup_slots, &an->cap_dup_slots, slots, sizeof *an->dup_slots))
    return VB_ENOMEM;
  memset(an->dup_slots, 0, slots * sizeof *an->dup_slots);
  for (size_t a = 0; a < n; a++) {
    vb__match *c = &an->matches[a];
    size_t j = dup_slot(c, 64 - log_slots);
    for (; an->dup_slots[j]; j = (j + 1) & mask) {
      const vb__match *p = &an->matches[an->dup_slots[j] - 1];
      if (p->theme == c->theme && p->start == c->start && p->end == c->end) break;
    }
    c->dup = an->dup_slots[j] != 0; /* a later one: the first found is kept */
    if (!c->dup) an->dup_slots[j] = (uint32_t)a + 1;
  }
  return VB_OK;
}

/* The terms filed under s[0..n) among the exact forms, matched at token i: the tag terms
 * ("@name", "#tag") of a mention or hashtag by the token's whole key, the exact forms ("=word")
 * of a hashtag by its word. */
static int exact_at(vb_analyzer *an, const vb__cblang *cb, size_t i, const char *s, size_t n) {
  uint32_t head;
  if (!vb__strmap_get_h(&cb->exact, s, n, vb__hash(s, n), &head)) return VB_OK;
  for (int32_t k = (int32_t)head; k >= 0; k = cb->terms[k].next) {
    int plain, rc = term_match(an, &cb->terms[k], i, i + 1, &plain);
    if (rc) return rc;
  }
  return VB_OK;
}

static int cmp_span(const void *pa, const void *pb) {
  const vb__span *a = pa, *b = pb;
  return (a->start > b->start) - (a->start < b->start);
}

/* Removes the mentions of fallback themes that share a byte with a mention of a theme that is
 * not one ("fast" in "fast delivery"); the others keep their order. The other mentions' spans
 * are sorted by start, each holding the furthest end so far, so a fallback mention looks up
 * the last one starting before its end and asks whether that reach passes its start. */
static int drop_fallbacks(vb_analyzer *an) {
  vb_result *r = &an->res;
  const vb__theme *th = an->model->themes;
  size_t n = r->n_mentions, nh = 0;
  for (size_t a = 0; a < n; a++) nh += !th[r->mentions[a].theme].fallback;
  if (nh == 0 || nh == n) return VB_OK;
  if (vb__grow(&an->held, &an->cap_held, nh, sizeof *an->held)) return VB_ENOMEM;
  vb__span *h = an->held;
  for (size_t a = 0, k = 0; a < n; a++)
    if (!th[r->mentions[a].theme].fallback)
      h[k++] = (vb__span){r->mentions[a].start, r->mentions[a].end, 0};
  if (nh > 1) qsort(h, nh, sizeof *h, cmp_span);
  for (size_t k = 1; k < nh; k++)
    if (h[k].end < h[k - 1].end) h[k].end = h[k - 1].end;
  size_t kept = 0;
  for (size_t a = 0; a < n; a++) {
    const vb_mention *me = &r->mentions[a];
    if (th[me->theme].fallback) {
      size_t lo = 0, hi = nh; /* the spans starting before me->end: h[0..lo) */
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h[mid].start < me->end) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0 && h[lo - 1].end > me->start) continue;
    }
    r->mentions[kept++] = *me;
  }
  r->n_mentions = kept;
  return VB_OK;
}

int vb__themes_run(vb_analyzer *an) {
  vb_result *r = &an->res;
  r->n_mentions = r->n_switches = 0;
  an->n_matches = 0;
  an->n_excl = 0;
  an->n_near = an->n_near_first = 0;
  if (r->lang <= VB_LANG_UND || r->lang >= VB_LANG_COUNT) return VB_OK;
  const vb__cblang *cb = &an->model->cb[r->lang];
  if (cb->n_terms == 0 && cb->n_regexes == 0) return VB_OK;
  vb_token *tok = r->tokens;
  int rc;
  for (size_t i = 0; i < r->n_tokens; i++) {
    vb_token *t = &tok[i];
    int matched = 0;
    if (t->type != VB_TOK_WORD) {
      if (t->type != VB_TOK_HASHTAG && (t->type != VB_TOK_MENTION || !cb->tags)) continue;
      if (cb->tags && (rc = exact_at(an, cb, i, t->key, t->key_len))) return rc;
      if (t->type == VB_TOK_MENTION) continue;
      /* #delivery: the tag's word */
      if ((rc = exact_at(an, cb, i, t->key + 1, t->key_len - 1)) ||
          (rc = terms_at(an, cb, i, t->key + 1, t->key_len - 1,
                         vb__hash(t->key + 1, t->key_len - 1), &matched)))
        return rc;
      continue;
    }
    const vb__lform *tf;
    if ((rc = form_known(an, cb, i, &tf))) return rc;
    unsigned set = tf->themes_set;
    if (!(set & THEMES_ANY)) continue;
    if (set & THEMES_ONE) { /* (no next word to ask: terms_from() matches them all) */
      int32_t head_stem = tf->head_stem, head_key = tf->head_key;
      size_t n = r->n_tokens;
      if ((head_stem >= 0 && (rc = terms_from(an, cb, i, head_stem, n, 0, 0, &matched))) ||
          (head_key >= 0 && (rc = terms_from(an, cb, i, head_key, n, 0, 0, &matched))))
        return rc;
    } else if (set & THEMES_HEADS) {
      int32_t head_stem = tf->head_stem, head_key = tf->head_key;
      uint64_t seconds = tf->seconds;
      size_t j1;
      uint32_t kid1, sid1;
      /* (this may move the language's table of forms: tf is not used after it) */
      if ((rc = next_ids(an, cb, i, &j1, &kid1, &sid1))) return rc;
      /* most first words are followed by none of their terms' second words */
      uint64_t bits = (kid1 ? vb__next_bit(kid1) : 0) | (sid1 ? vb__next_bit(sid1) : 0);
      if ((set & THEMES_BASE) || (seconds & bits)) {
        if ((head_stem >= 0 &&
             (rc = terms_from(an, cb, i, head_stem, j1, kid1, sid1, &matched))) ||
            (head_key >= 0 && (rc = terms_from(an, cb, i, head_key, j1, kid1, sid1, &matched))))
          return rc;
      }
    }
    if (!(set & THEMES_REST)) continue;
    tf = &an->lform[r->lang][an->form_of[i]];
    for (uint32_t q = 0; q < tf->n_pre; q++) {
      const vb__term *term = &cb->terms[an->tf_list[tf->pre_off + q]];
      int plain;
      if ((rc = term_match(an, term, i, i + 1, &plain))) return rc;
      matched += plain && !term->exact; /* (an exact form is no reading of the token's own) */
    }
    if (tf->n_he && (!matched || (set & THEMES_HE_NEAR))) {
      /* Hebrew: the word after a proclitic; after a match of the word as it is, only the near
       * terms' parts there (term_match() takes nothing else under near_only) */
      uint32_t he_off = tf->he_off, n_he = tf->n_he;
      size_t j1;
      uint32_t kid1, sid1;
      int found = 0;
      an->near_only = matched != 0;
      rc = next_ids(an, cb, i, &j1, &kid1, &sid1);
      for (uint32_t q = 0; q < n_he && rc == VB_OK && (an->near_only || !found); q++)
        rc = terms_from(an, cb, i, (int32_t)an->tf_list[he_off + q], j1, kid1, sid1, &found);
      if (!an->near_only) matched += found;
      an->near_only = false;
      if (rc) return rc;
      tf = &an->lform[r->lang][an->form_of[i]];
    }
    if (tf->n_cmp) { /* Swedish and Danish compounds (near terms' parts even after a match) */
      for (uint32_t q = 0; q < tf->n_cmp; q++) {
        const vb__term *term = &cb->terms[an->tf_list[tf->cmp_off + q]];
        int plain;
        if (matched && !term->near) continue;
        if ((rc = term_match(an, term, i, i + 1, &plain))) return rc;
      }
      if (!matched) t->flags |= VB_TOKF_COMPOUND;
    }
  }
  /* The exclusions (only terms are exclusions, patterns never), sorted, after the near terms'
   * parts in an->excl: the near terms' matches need them */
  size_t nx = an->n_excl, nh = an->n_near;
  if (nx && vb__grow(&an->excl, &an->cap_excl, nh + nx, sizeof *an->excl)) return VB_ENOMEM;
  vb__match *ex = nx ? an->excl + nh : NULL; /* no arithmetic on a null excl */
  for (size_t a = 0, x = 0; x < nx; a++)
    if (an->matches[a].exclude) ex[x++] = an->matches[a];
  if (nx > 1) qsort(ex, nx, sizeof *ex, cmp_excl);
  for (size_t q = 0; q < nx; q++) {
    size_t e = ex[q].end;
    if (q > 0 && ex[q - 1].theme == ex[q].theme && ex[q - 1].maxend > e) e = ex[q - 1].maxend;
    ex[q].maxend = e;
  }
  size_t n_sorted = an->n_matches; /* the terms' matches, in order of start */
  if (an->n_near_first && (rc = near_pairs(an, cb, nx))) return rc;
  if ((rc = vb__patterns_run(an, cb))) return rc;
  /* Mentions: matches that are not inside an exclusion, one per theme and span, in the order
   * found. A long document (a whole transcript in one record) has many thousands of matches,
   * so nothing here is quadratic: exclusions are sorted by theme and start, and duplicates are
   * found among the matches of the same start (the terms' matches come in order of start) or
   * in a hash table (vb__themes_mark_dups). */
  if ((rc = vb__themes_mark_dups(an, n_sorted))) return rc;
  size_t clause = 0;
  if (vb__grow(&r->mentions, &r->cap_mentions, an->n_matches, sizeof *r->mentions))
    return VB_ENOMEM;
  for (size_t a = 0; a < an->n_matches; a++) {
    const vb__match *mt = &an->matches[a];
    if (mt->exclude || mt->dup) continue;
    /* an exclusion removes matches of its own theme and of its children, not others' */
    if (nx && excluded_in(an, nx, mt->theme, mt->start, mt->end)) continue;
    vb_mention *me = &r->mentions[r->n_mentions++];
    me->theme = mt->theme;
    me->start = mt->start;
    me->end = mt->end;
    me->clause = clause_near(r, mt->start, &clause);
    me->sentiment = r->n_clauses ? r->clauses[me->clause].sentiment : 0.0;
  }
  if (an->model->any_brand && (rc = vb__compare_brands(an))) return rc;
  return an->model->any_fallback ? drop_fallbacks(an) : VB_OK;
}
