/*
 * patterns.c - the codebook's PCRE2 patterns on a document's original text.
 *
 * Each match becomes a theme match in an->matches, beside those of the terms (themes.c), and
 * goes through the same exclusion and duplicate rules there. A pattern runs only on texts
 * that hold a literal of each of its literal sets (regex_lit.c); patterns without literals
 * run, joined in one alternation when possible, on every text. Before the literals are looked
 * for, a pre-gate (none_may_run) tells from the word forms alone, when it can, that no
 * pattern with literals can run: a third to a half of the texts. PCRE2's match, depth and heap
 * limits stop a pattern that would take too long; the result counts those (vb_result_
 * pattern_limits) so that the caller can warn.
 */
#include <stdlib.h>

#include "vb_analyzer.h"

/* letters_meet() past its first test. */
static bool letters_meet_decode(const unsigned char *s, size_t len, size_t p) {
  size_t adv, b = p - 1;
  while (b > 0 && (s[b] & 0xC0) == 0x80) b--;
  int32_t after = vb__utf8_decode(s + p, len - p, &adv);
  int32_t before = vb__utf8_decode(s + b, len - b, &adv);
  return after >= 0 && before >= 0 && vb__lit_letter((uint32_t)after) &&
         vb__lit_letter((uint32_t)before);
}

/* Whether the characters on both sides of byte p of the text are letters as word literals
 * hold them (vb__lit_letter()): inline up to the bytes on either side, when one is ASCII and
 * no letter (a word and a comma). */
static inline bool letters_meet(const unsigned char *s, size_t len, size_t p) {
  if (p == 0 || p >= len || (s[p] < 0x80 && !vb__ascii_alpha(s[p])) ||
      (s[p - 1] < 0x80 && !vb__ascii_alpha(s[p - 1])))
    return false;
  return letters_meet_decode(s, len, p);
}

/* Per form and language (vb__lform.lits_set): its literals are known, whether it holds a
 * byte that anchors a literal that is no word (an apostrophe, a digit), and whether it may
 * meet a set (vb__lform.may, the pre-gate). */
#define FORM_KNOWN 1
#define FORM_ANCHORS 2
#define FORM_MAY 4
#define FORM_TAIL 8 /* it holds an anchor, and a literal anchored there may go on past it */

/* Adds the sets literal k is in to `may` (one word of bits: set s is word s). */
static inline void or_sets(const vb__cblang *cb, uint32_t k, uint64_t may[VB_LIT_SETS]) {
  for (uint32_t e = cb->lit_bits_start[k]; e < cb->lit_bits_start[k + 1]; e++)
    may[cb->lit_bits[e].at] |= cb->lit_bits[e].bits;
}

/* Whether a literal anchored at a byte of the word f[s..e) of a folded text may go on past
 * its end: one whose bytes in the word are there (digits: a run of digits to the end). (One
 * that would begin before the word would begin with letters there: letters meeting across
 * tokens, a text searched whole.) */
static bool anchored_tail(const vb__cblang *cb, const unsigned char *f, size_t s, size_t e) {
  for (size_t q = s; q < e; q++) {
    if (!cb->lit_b_first[f[q]]) continue;
    for (uint32_t a = cb->lit_anch_start[f[q]]; a < cb->lit_anch_start[f[q] + 1]; a++) {
      const struct vb__lit *l = &cb->lits[cb->lit_anch_list[a]];
      if (q < s + l->anchor) continue;
      size_t p = q - l->anchor, d = 0;
      if (p + l->len <= e) continue; /* (inside: found by vb__lits_anchored() on the word) */
      while (p + d < e && (l->digits ? f[p + d] >= '0' && f[p + d] <= '9'
                                      : f[p + d] == (unsigned char)l->s[d]))
        d++;
      if (p + d == e) return true;
    }
  }
  return false;
}

/* What word token i's form says of the literals: its word literals, the literals anchored at
 * a space that may hold the space after it or before it, and whether it holds an anchor, and
 * if so, the literals anchored there that lie inside it, unless one may go on past it
 * (FORM_TAIL) (found once per form in the folded text f, which has the text's offsets, and
 * kept in its vb__lform: in tf_list from lit_off, the n_lit word literals, the n_end and
 * n_begin literals at a space, and n_anch triples of an anchored literal and its first and
 * last place from the word's start). `scratch` is a vb__litfound with cb->n_lits zero bytes
 * (and `last`), zero again on return. */
static int form_literals(vb_analyzer *an, const vb__cblang *cb, const unsigned char *f, size_t i,
                         vb__litfound *scratch, const vb__lform **out) {
  vb__lform *lf = vb__lform_of(an, i); /* inline for a form seen before */
  if (!lf) return VB_ENOMEM;
  *out = lf;
  if (lf->lits_set) return VB_OK;
  if (vb__grow(&an->tf_list, &an->cap_tf_list, an->n_tf_list + 5 * cb->n_lits,
               sizeof *an->tf_list))
    return VB_ENOMEM;
  const vb_token *t = &an->res.tokens[i];
  scratch->n = 0;
  vb__lits_words(cb, f, t->start, t->end, t->end, scratch);
  lf->lit_off = (uint32_t)an->n_tf_list;
  lf->n_lit = (uint32_t)scratch->n;
  for (size_t q = 0; q < scratch->n; q++) {
    scratch->seen[scratch->id[q]] = 0;
    an->tf_list[an->n_tf_list++] = scratch->id[q];
  }
  /* (no literal is both a word and at a space, or at the space before and after: all of
   * them fit in the n_lits grown for) */
  lf->n_end = lf->n_begin = 0;
  if (cb->lit_gap) {
    const unsigned char *w = f + t->start;
    size_t len = t->end - t->start;
    lf->n_end = (uint32_t)vb__lits_gap_form(cb, w, len, false, an->tf_list + an->n_tf_list);
    an->n_tf_list += lf->n_end;
    lf->n_begin = (uint32_t)vb__lits_gap_form(cb, w, len, true, an->tf_list + an->n_tf_list);
    an->n_tf_list += lf->n_begin;
  }
  lf->lits_set = FORM_KNOWN;
  if (cb->pat_words == 1) /* the sets its word literals meet, all at once (find_literals()) */
    for (uint32_t q = 0; q < lf->n_lit; q++) or_sets(cb, an->tf_list[lf->lit_off + q], lf->met);
  for (size_t q = t->start; q < t->end; q++)
    if (cb->lit_b_first[f[q]]) lf->lits_set |= FORM_ANCHORS;
  /* the literals anchored inside it, found here once (the word as the whole text) */
  lf->n_anch = 0;
  if ((lf->lits_set & FORM_ANCHORS) && anchored_tail(cb, f, t->start, t->end))
    lf->lits_set |= FORM_TAIL;
  if ((lf->lits_set & FORM_ANCHORS) && !(lf->lits_set & FORM_TAIL)) {
    scratch->n = 0;
    vb__lits_anchored(cb, f, t->start, t->end, t->end, scratch);
    for (size_t q = 0; q < scratch->n; q++) {
      uint32_t k = scratch->id[q];
      scratch->seen[k] = 0;
      if (scratch->at[k] < t->start) lf->lits_set |= FORM_TAIL; /* (see anchored_tail()) */
      an->tf_list[an->n_tf_list++] = k;
      an->tf_list[an->n_tf_list++] = scratch->at[k] - (uint32_t)t->start;
      an->tf_list[an->n_tf_list++] = scratch->last[k] - (uint32_t)t->start;
    }
    lf->n_anch = (uint32_t)scratch->n;
  }
  if (cb->pre_anchor) { /* (one word of bits: set s of the literals' entries is word s) */
    /* its word literals, those at the spaces beside it, and those anchored in it, or when
     * one may go on past it, those anchored at its bytes (a digit: every run of digits, as
     * the run may go on in the next token). Of those at the space after it, not the ones a
     * later word of theirs names (vb__lit.next): that word does, when it is this one
     * (vb__lits_gap_next(): "on hold" only where a word begins with "hold", not after every
     * word ending in "on") */
    uint64_t *may = lf->may, any = 0;
    const uint32_t *ids = an->tf_list + lf->lit_off;
    for (uint32_t q = 0; q < lf->n_lit + lf->n_end + lf->n_begin; q++)
      if (!(q >= lf->n_lit && q < lf->n_lit + lf->n_end && cb->lits[ids[q]].next))
        or_sets(cb, ids[q], may);
    const uint32_t *anch = ids + lf->n_lit + lf->n_end + lf->n_begin;
    for (uint32_t q = 0; q < lf->n_anch; q++) or_sets(cb, anch[3 * q], may);
    /* (room after the lists: no more than cb->n_lits) */
    uint32_t *next = an->tf_list + an->n_tf_list;
    size_t n_next = vb__lits_gap_next(cb, f + t->start, t->end - t->start, next);
    for (size_t q = 0; q < n_next; q++) or_sets(cb, next[q], may);
    for (size_t q = t->start; q < t->end && (lf->lits_set & FORM_TAIL); q++) {
      const uint64_t *pa = cb->pre_anchor + f[q] * VB_LIT_SETS;
      const uint64_t *run = cb->pre_anchor + (256 + VB_PRE_DIGITS) * VB_LIT_SETS;
      bool digit = f[q] >= '0' && f[q] <= '9';
      for (size_t s = 0; s < VB_LIT_SETS; s++) may[s] |= pa[s] | (digit ? run[s] : 0);
    }
    for (size_t s = 0; s < VB_LIT_SETS; s++) any |= may[s];
    if (any) lf->lits_set |= FORM_MAY;
  }
  return VB_OK;
}

/* The pre-gate's sets of the bytes s[from..to) of a text that lie outside words (spaces,
 * punctuation, numbers, emoji), added to `may`; false when one of them is no ASCII (the fold
 * might change it, or its length) unless `folded`: they are known to fold to themselves.
 * Spaces add nothing: the literals anchored at one are those of the words on either side. A
 * run of digits counts whole, from its first digit (through the tokens after, which then
 * pass over it). */
static VB__INLINE bool bytes_may(const vb__cblang *cb, const unsigned char *s, size_t len,
                                 size_t from, size_t to, bool folded, uint64_t may[VB_LIT_SETS]) {
  for (size_t q = from; q < to; q++) {
    size_t b = s[q];
    if (b >= 0x80 && !folded) return false;
    const uint64_t *pa = cb->pre_anchor + (size_t)vb__ascii_lower((int)b) * VB_LIT_SETS;
    for (size_t k = 0; k < VB_LIT_SETS; k++) may[k] |= pa[k];
    if (b >= '0' && b <= '9' && !(q > 0 && s[q - 1] >= '0' && s[q - 1] <= '9')) {
      size_t e = q + 1; /* a run's first digit */
      while (e < len && s[e] >= '0' && s[e] <= '9') e++;
      pa = cb->pre_anchor + (256 + (e - q < VB_PRE_DIGITS ? e - q : VB_PRE_DIGITS)) * VB_LIT_SETS;
      for (size_t k = 0; k < VB_LIT_SETS; k++) may[k] |= pa[k];
    }
  }
  return true;
}

/* Whether a pattern with literals has all its sets in `may` (one word of bits). */
static inline bool any_may_run(const vb__cblang *cb, const uint64_t may[VB_LIT_SETS]) {
  uint64_t run = cb->set_need[0];
  for (size_t s = 0; s < VB_LIT_SETS; s++) run &= may[s] | ~cb->set_need[s];
  return run != 0;
}

/* The pre-gate: true when no pattern with literals can run on the text, as told from what
 * its word forms already say (the literals in them and at the spaces beside them, and the
 * anchor bytes they hold) and the anchor bytes outside them; false when that cannot be told:
 * a word form not seen before, a token other than a word, a number, punctuation or emoji
 * that may hold a letter (URL, tag, e-mail address, emoticon, entity), two letters meeting
 * across tokens, a byte outside words that is no ASCII (in emoji: that the fold changes).
 * Every literal of the text lies in a word, or holds an anchor byte (find_literals()), so the
 * sets this finds possible hold all those find_literals() finds met. It stops at the first
 * pattern possible. */
static bool none_may_run(const vb_analyzer *an, const vb__cblang *cb) {
  if (!cb->pre_anchor) return false;
  const vb_result *r = &an->res;
  const unsigned char *text = (const unsigned char *)r->text;
  const vb_token *tok = r->tokens;
  const vb__lform *forms = an->lform[r->lang];
  size_t n_forms = an->n_lform[r->lang], gap = 0, len = r->len;
  uint64_t may[VB_LIT_SETS] = {0};
  for (size_t i = 0; i < r->n_tokens; i++) {
    const vb_token *t = &tok[i];
    if (!(t->start == gap + 1 && text[gap] == ' ') &&
        !bytes_may(cb, text, len, gap, t->start, false, may))
      return false;
    gap = t->end;
    if (t->type == VB_TOK_WORD) {
      uint32_t fi = an->form_of[i];
      if (fi >= n_forms || !forms[fi].lits_set) return false;
      const vb__lform *lf = &forms[fi];
      if (lf->lits_set & FORM_MAY) {
        for (size_t s = 0; s < VB_LIT_SETS; s++) may[s] |= lf->may[s];
        if (any_may_run(cb, may)) return false; /* (no need to go on) */
      }
    } else if (t->type == VB_TOK_NUMBER || (t->type == VB_TOK_PUNCT && text[t->start] != '&')) {
      if (!bytes_may(cb, text, len, t->start, t->end, false, may)) return false;
    } else if (t->type == VB_TOK_EMOJI) { /* no letter; its bytes, when they fold to themselves */
      char f[32];
      size_t n = t->end - t->start;
      if (n > sizeof f || vb__lit_fold((const char *)text + t->start, n, f) != n ||
          memcmp(f, text + t->start, n) != 0 ||
          !bytes_may(cb, text, len, t->start, t->end, true, may))
        return false;
    } else {
      return false;
    }
    if (i + 1 < r->n_tokens && t->end == tok[i + 1].start && letters_meet(text, len, t->end))
      return false;
  }
  return bytes_may(cb, text, len, gap, len, false, may) && !any_may_run(cb, may);
}

/* Which of the language's literals the text holds: what vb__lits_find() finds, with less
 * work, into `found`. A word literal (letters only) lies in one token or across two tokens
 * that touch with a letter on each side, since only spaces separate tokens and every letter
 * is in a token: those of a word are known from its form, found once per form; the few other
 * tokens that may hold a letter (URLs, tags, e-mail addresses, emoticons, emoji, entities)
 * are searched each time. The other literals are found at their anchors (a byte that is no
 * letter: vb__lits_anchored), which lie in the spaces between tokens, in tokens other than
 * words, and in the words whose form holds one. At a single space between two words, only
 * the literals the words' forms name are tried (vb__lits_gap_form(): "on hold" where the
 * word before ends with "on", " the" where the word after begins with "the"): the letters
 * before a space lie in the word before it, and a letter after it begins the word after it.
 * A text where two letters meet across tokens, or whose fold moves offsets (a Kelvin sign, a
 * non-ASCII digit), is searched whole. With one word of pattern bits, the sets the words'
 * literals meet come from their forms (vb__lform.met), and found's list (id) holds only the
 * literals found elsewhere: every literal found is still seen, with its first and last place. */
static int find_literals(vb_analyzer *an, const vb__cblang *cb, vb__litfound *found,
                         bool *same_offsets) {
  vb_result *r = &an->res;
  /* lit_seen: found's seen, scratch's, then (eight-byte aligned) the sets met */
  size_t nl = cb->n_lits, met_off = (2 * nl + 7) & ~(size_t)7;
  size_t nb = met_off + VB_LIT_SETS * cb->pat_words * sizeof(uint64_t);
  if (vb__grow(&an->lit_seen, &an->cap_lit_seen, nb, 1) ||
      vb__grow(&an->lit_found, &an->cap_lit_found, 6 * nl + cb->n_regexes,
               sizeof *an->lit_found) ||
      vb__buf_reserve(&an->folded, r->len + 8))
    return VB_ENOMEM;
  memset(an->lit_seen, 0, 2 * nl);
  uint32_t *lists = an->lit_found;
  *found = (vb__litfound){an->lit_seen, lists, lists + nl, lists + 4 * nl, 0};
  vb__litfound scratch = {an->lit_seen + nl, lists + 2 * nl, lists + 3 * nl, lists + 5 * nl, 0};
  unsigned char *f = (unsigned char *)an->folded.data;
  size_t n = vb__lit_fold(r->text, r->len, an->folded.data);
  memset(f + n, 0, 8);
  *same_offsets = n == r->len;
  const unsigned char *text = (const unsigned char *)r->text;
  const vb_token *tok = r->tokens;
  bool whole = n != r->len;
  size_t gap = 0; /* the first byte not in a token seen yet */
  /* the literals that may hold the space after the token before, when that is a word (its
   * form's list in tf_list: an offset, as the form table may move) */
  bool word_before = false;
  uint32_t end_off = 0, n_end = 0;
  /* the sets the words' literals meet (vb__lform.met; with more than 64 patterns the forms
   * keep none, and the words' literals are listed in `found` to give theirs) */
  size_t nw = cb->pat_words;
  uint64_t words_met[VB_LIT_SETS] = {0};
  const bool lit_gap = cb->lit_gap; /* (a local: the stores to found's bytes might alias it) */
  for (size_t i = 0; i < r->n_tokens && !whole; i++) {
    const vb_token *t = &tok[i];
    const vb__lform *lf = NULL;
    if (t->type == VB_TOK_WORD) {
      int rc = form_literals(an, cb, f, i, &scratch, &lf);
      if (rc) return rc;
    }
    /* the spaces before: one space before a word holds only the literals its form names,
     * and those the word before names (nothing to name when the byte before is no letter:
     * punctuation, a number) */
    if (lf && t->start == gap + 1 && f[gap] == ' ' && lit_gap &&
        (word_before || gap == 0 || (f[gap - 1] < 0x80 && !vb__ascii_alpha(f[gap - 1])))) {
      if (word_before && n_end) vb__lits_gap(cb, f, n, gap, an->tf_list + end_off, n_end, found);
      if (lf->n_begin)
        vb__lits_gap(cb, f, n, gap, an->tf_list + lf->lit_off + lf->n_lit + lf->n_end,
                     lf->n_begin, found);
    } else if (t->start > gap) { /* (no spaces: nothing to anchor) */
      vb__lits_anchored(cb, f, gap, t->start, n, found);
    }
    gap = t->end;
    word_before = lf != NULL;
    if (lf) {
      end_off = lf->lit_off + lf->n_lit;
      n_end = lf->n_end;
    }
    if (i + 1 < r->n_tokens && t->end == tok[i + 1].start && letters_meet(text, r->len, t->end)) {
      whole = true;
    } else if (lf) {
      for (size_t s = 0; s < VB_LIT_SETS; s++) words_met[s] |= lf->met[s];
      for (uint32_t q = 0; q < lf->n_lit; q++) { /* (vb__found_add(), the last place t->end) */
        uint32_t k = an->tf_list[lf->lit_off + q];
        found->last[k] = (uint32_t)t->end;
        if (found->seen[k]) continue;
        found->seen[k] = 1;
        found->at[k] = (uint32_t)t->start;
        if (nw > 1) found->id[found->n++] = k;
      }
      if (!(lf->lits_set & FORM_ANCHORS)) {
        /* (nothing anchored in it) */
      } else if (lf->lits_set & FORM_TAIL) {
        vb__lits_anchored(cb, f, t->start, t->end, n, found);
      } else { /* (as vb__lits_anchored() on the word would add them) */
        const uint32_t *a = an->tf_list + lf->lit_off + lf->n_lit + lf->n_end + lf->n_begin;
        for (uint32_t q = 0; q < lf->n_anch; q++, a += 3) {
          uint32_t k = a[0];
          found->last[k] = (uint32_t)t->start + a[2];
          if (found->seen[k]) continue;
          found->seen[k] = 1;
          found->id[found->n++] = k;
          found->at[k] = (uint32_t)t->start + a[1];
        }
      }
    } else {
      if (t->type != VB_TOK_NUMBER && (t->type != VB_TOK_PUNCT || text[t->start] == '&'))
        vb__lits_words(cb, f, t->start, t->end, t->end, found);
      if (t->end - t->start > 1 || cb->lit_b_first[f[t->start]]) /* (a comma: no anchor) */
        vb__lits_anchored(cb, f, t->start, t->end, n, found);
    }
  }
  if (whole) { /* from the start again: the first place each is found */
    memset(found->seen, 0, nl);
    found->n = 0;
    vb__lits_words(cb, f, 0, n, n, found);
    vb__lits_anchored(cb, f, 0, n, n, found);
  } else {
    vb__lits_anchored(cb, f, gap, n, n, found); /* the spaces at the end */
  }
  /* the sets each literal found is in (bits as in vb__cblang.set_need): the words' from their
   * forms, unless the text was searched whole, the others' listed in `found` */
  uint64_t *met = (uint64_t *)(an->lit_seen + met_off);
  memset(met, 0, VB_LIT_SETS * nw * sizeof *met);
  if (nw == 1 && !whole) memcpy(met, words_met, sizeof words_met);
  for (size_t q = 0; q < found->n; q++) {
    uint32_t k = found->id[q];
    for (uint32_t e = cb->lit_bits_start[k]; e < cb->lit_bits_start[k + 1]; e++)
      met[cb->lit_bits[e].at] |= cb->lit_bits[e].bits;
  }
  /* the patterns to run, in their order (in an->lit_found after the literals): those whose
   * sets are all met, and those without literals unless they are in the alternation */
  uint32_t *cand = an->lit_found + 6 * nl;
  an->n_cand = 0;
  for (size_t w = 0; w < nw; w++) {
    uint64_t run = cb->set_need[w];
    for (size_t s = 0; s < VB_LIT_SETS; s++) run &= met[s * nw + w] | ~cb->set_need[s * nw + w];
    run |= cb->solo_bits[w];
    for (; run; run &= run - 1) cand[an->n_cand++] = (uint32_t)(64 * w + __builtin_ctzll(run));
  }
  return VB_OK;
}

/* The last place a match of pattern `re` can start in a text where its literals were found
 * (with the text's offsets): each match holds a literal of each set, so it starts at or
 * before the last place of one. */
static size_t last_start(const vb__cbregex *re, const vb__litfound *found) {
  size_t end = SIZE_MAX;
  const uint32_t *id = re->lit_ids;
  for (size_t s = 0; s < re->n_sets; id += re->set_len[s], s++) {
    size_t last = 0;
    for (size_t q = 0; q < re->set_len[s]; q++)
      if (found->seen[id[q]] && found->last[id[q]] > last) last = found->last[id[q]];
    if (last < end) end = last;
  }
  return end;
}

/* The first place a match of pattern `re` can start (*off), by its leads: each lead's first
 * place in the text, less the characters that may come before it (vb__lead_start()); the
 * latest of these. PCRE2 still sees the text before the start (\b, lookbehinds). False when
 * a lead has no literal in the text: no match. */
static bool first_start(const char *text, const vb__cbregex *re, const vb__litfound *found,
                        size_t *off) {
  const uint32_t *id = re->lead_ids;
  for (size_t j = 0; j < re->n_leads; id += re->leads[j].n, j++) {
    size_t first = SIZE_MAX;
    for (size_t q = 0; q < re->leads[j].n; q++)
      if (found->seen[id[q]] && found->at[id[q]] < first) first = found->at[id[q]];
    if (first == SIZE_MAX) return false;
    *off = vb__lead_start(text, *off, first, re->leads[j].before, re->leads[j].skip);
  }
  return true;
}

int vb__patterns_run(vb_analyzer *an, const vb__cblang *cb) {
  vb_result *r = &an->res;
  /* Patterns on the original text: those with literals where a literal of each of their sets
   * occurs (find_literals), the others (joined in one alternation when possible)
   * everywhere. */
  vb__litfound found = {0};
  bool looked = false; /* literals were looked for, as they are whenever a pattern has some */
  bool same_offsets = false;
  an->n_cand = 0;
  an->lits_skipped = false;
  if (cb->n_regexes && cb->n_lits && !cb->lit_all && none_may_run(an, cb)) {
    /* (the pre-gate) only the patterns without literals that are not in the alternation */
    an->lits_skipped = looked = true;
    if (vb__grow(&an->lit_found, &an->cap_lit_found, 6 * cb->n_lits + cb->n_regexes,
                 sizeof *an->lit_found))
      return VB_ENOMEM;
    uint32_t *cand = an->lit_found + 6 * cb->n_lits;
    for (uint64_t solo = cb->solo_bits[0]; solo; solo &= solo - 1) /* (one word of bits) */
      cand[an->n_cand++] = (uint32_t)__builtin_ctzll(solo);
  } else if (cb->n_regexes && cb->n_lits) {
    int rc = find_literals(an, cb, &found, &same_offsets);
    if (rc) return rc;
    looked = true;
  }
  /* The patterns to run, in their order: those listed above (their literal sets all met, and
   * those without literals that are not in the alternation); every one when literals are not
   * used (tests) or the language has none. */
  bool listed = looked && !cb->lit_all;
  const uint32_t *cand = listed ? an->lit_found + 6 * cb->n_lits : NULL;
  size_t n_steps = listed ? an->n_cand + 1 : cb->n_regexes + 1;
  for (size_t step = 0; step < n_steps; step++) {
    const pcre2_code *code;
    PCRE2_SIZE off = 0, limit = r->len; /* the first and the last place a match may start */
    size_t k = listed ? (step < an->n_cand ? cand[step] : cb->n_regexes) : step;
    if (k == cb->n_regexes) {
      if (!cb->combined) break;
      code = cb->combined;
    } else {
      const vb__cbregex *re = &cb->regexes[k];
      if (re->joined) continue; /* in the alternation */
      code = re->code;
      /* a lead without a literal in the text: no match (found holds nothing after the
       * pre-gate, which lists only patterns without literals, so without leads) */
      if (listed && re->n_leads && (!found.seen || !first_start(r->text, re, &found, &off)))
        continue;
      if (listed && re->n_literals && same_offsets) {
        /* nor after the last place of a literal of one of its sets: PCRE2 stops trying
         * there (the patterns are compiled with PCRE2_USE_OFFSET_LIMIT) */
        size_t end = last_start(re, &found);
        if (end < off) continue;
        if (end < limit) {
          limit = end;
          pcre2_set_offset_limit(an->mctx, limit);
        }
      }
    }
    while (off <= limit) {
      /* the text was checked once (vb_analyzer_run); PCRE2 would check it again on every call,
       * which is quadratic in a long document with many matches */
      int m = pcre2_match(code, (PCRE2_SPTR)r->text, r->len, off, PCRE2_NO_UTF_CHECK, an->md,
                          an->mctx);
      if (m < 0) {
        /* no match; or a match, depth, heap or JIT stack limit hit: the pattern gives up on
         * this text, which the result tells (vb_result_pattern_limits) so that the caller can
         * warn */
        if ((m == PCRE2_ERROR_MATCHLIMIT || m == PCRE2_ERROR_DEPTHLIMIT ||
             m == PCRE2_ERROR_HEAPLIMIT || m == PCRE2_ERROR_JIT_STACKLIMIT) &&
            r->n_limited++ == 0)
          r->limited_theme = k == cb->n_regexes ? SIZE_MAX : cb->regexes[k].theme;
        break;
      }
      PCRE2_SIZE *ov = pcre2_get_ovector_pointer(an->md);
      uint32_t theme;
      if (k == cb->n_regexes) {
        PCRE2_SPTR mark = pcre2_get_mark(an->md);
        size_t idx = mark ? (size_t)strtoul((const char *)mark, NULL, 10) : SIZE_MAX;
        if (idx >= cb->n_regexes) break;
        theme = cb->regexes[idx].theme;
      } else {
        theme = cb->regexes[k].theme;
      }
      if (vb__grow(&an->matches, &an->cap_matches, an->n_matches + 1, sizeof *an->matches))
        return VB_ENOMEM;
      vb__match *mt = &an->matches[an->n_matches++];
      mt->theme = theme;
      mt->tok_begin = mt->tok_end = 0;
      mt->start = ov[0];
      mt->end = ov[1];
      mt->exclude = 0;
      off = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
      /* after an empty match, on to the next character: with PCRE2_NO_UTF_CHECK a start
       * inside a character is undefined (the JIT crashed on it: fuzz_codebook) */
      while (off < r->len && ((unsigned char)r->text[off] & 0xC0) == 0x80) off++;
    }
    if (limit < r->len) pcre2_set_offset_limit(an->mctx, PCRE2_UNSET);
  }
  return VB_OK;
}
