/*
 * patterns.c - the codebook's PCRE2 patterns on a document's original text.
 *
 * Each match becomes a theme match in an->matches, beside those of the terms (themes.c), and
 * goes through the same exclusion and duplicate rules there. A pattern runs only on texts
 * that hold a literal of each of its literal sets (regex_lit.c); patterns without literals
 * run, joined in one alternation when possible, on every text. PCRE2's match, depth and heap
 * limits stop a pattern that would take too long; the result counts those (vb_result_
 * pattern_limits) so that the caller can warn.
 */
#include <stdlib.h>

#include "vb_analyzer.h"

/* Whether the characters on both sides of byte p of the text are letters as word literals
 * hold them (vb__lit_letter()). */
static bool letters_meet(const unsigned char *s, size_t len, size_t p) {
  if (p == 0 || p >= len || (s[p] < 0x80 && !vb__ascii_alpha(s[p]))) return false;
  size_t adv, b = p - 1;
  while (b > 0 && (s[b] & 0xC0) == 0x80) b--;
  int32_t after = vb__utf8_decode(s + p, len - p, &adv);
  int32_t before = vb__utf8_decode(s + b, len - b, &adv);
  return after >= 0 && before >= 0 && vb__lit_letter((uint32_t)after) &&
         vb__lit_letter((uint32_t)before);
}

/* The word literals in word token i's form, found once per form (in the folded text f, which
 * has the text's offsets) and kept in its vb__lform. `mark` is cb->n_lits zero bytes, zero
 * again on return. */
static int form_literals(vb_analyzer *an, const vb__cblang *cb, const unsigned char *f, size_t i,
                         unsigned char *mark, const vb__lform **out) {
  vb__lform *lf = vb__lform_of(an, i);
  if (!lf) return VB_ENOMEM;
  *out = lf;
  if (lf->lits_set) return VB_OK;
  if (vb__grow(&an->tf_list, &an->cap_tf_list, an->n_tf_list + cb->n_lits, sizeof *an->tf_list))
    return VB_ENOMEM;
  const vb_token *t = &an->res.tokens[i];
  uint32_t *list = an->tf_list + an->n_tf_list;
  size_t n = 0;
  vb__lits_words(cb, f, t->start, t->end, t->end, mark, list, &n);
  for (size_t q = 0; q < n; q++) mark[list[q]] = 0;
  lf->lit_off = (uint32_t)an->n_tf_list;
  lf->n_lit = (uint32_t)n;
  lf->lits_set = 1;
  an->n_tf_list += n;
  return VB_OK;
}

/* Which of the language's literals the text holds, in an->lit_seen: what vb__lits_find()
 * finds, with less work. A word literal (letters only) lies in one token or across two
 * tokens that touch with a letter on each side, since only spaces separate tokens and every
 * letter is in a token: those of a word are known from its form, found once per form; the
 * few other tokens that may hold a letter (URLs, tags, e-mail addresses, emoticons, emoji,
 * entities) are searched each time; a text where two letters meet across tokens, or whose
 * fold changes byte offsets (a Kelvin sign, a non-ASCII digit), is searched whole. The
 * other literals (with a space, a digit or punctuation) are found at the bytes that anchor
 * them (vb__lits_anchored). */
static int find_literals(vb_analyzer *an, const vb__cblang *cb) {
  vb_result *r = &an->res;
  if (vb__grow(&an->lit_seen, &an->cap_lit_seen, 2 * cb->n_lits, 1) ||
      vb__buf_reserve(&an->folded, r->len + 8))
    return VB_ENOMEM;
  unsigned char *seen = an->lit_seen, *mark = an->lit_seen + cb->n_lits;
  memset(seen, 0, 2 * cb->n_lits);
  unsigned char *f = (unsigned char *)an->folded.data;
  size_t n = vb__lit_fold(r->text, r->len, an->folded.data);
  memset(f + n, 0, 8);
  vb__lits_anchored(cb, f, n, seen);
  if (!cb->lit_start && !cb->lit_he_start) return VB_OK; /* no word literals */
  const unsigned char *text = (const unsigned char *)r->text;
  const vb_token *tok = r->tokens;
  bool whole = n != r->len;
  for (size_t i = 0; i < r->n_tokens && !whole; i++) {
    const vb_token *t = &tok[i];
    if (i + 1 < r->n_tokens && t->end == tok[i + 1].start && letters_meet(text, r->len, t->end))
      whole = true;
    else if (t->type == VB_TOK_WORD) {
      const vb__lform *lf;
      int rc = form_literals(an, cb, f, i, mark, &lf);
      if (rc) return rc;
      for (uint32_t q = 0; q < lf->n_lit; q++) seen[an->tf_list[lf->lit_off + q]] = 1;
    } else if (t->type != VB_TOK_NUMBER && (t->type != VB_TOK_PUNCT || text[t->start] == '&')) {
      vb__lits_words(cb, f, t->start, t->end, t->end, seen, NULL, NULL);
    }
  }
  if (whole) vb__lits_words(cb, f, 0, n, n, seen, NULL, NULL);
  return VB_OK;
}

int vb__patterns_run(vb_analyzer *an, const vb__cblang *cb) {
  vb_result *r = &an->res;
  /* Patterns on the original text: those with literals where a literal of each of their sets
   * occurs (find_literals), the others (joined in one alternation when possible)
   * everywhere. */
  if (cb->n_regexes && cb->n_lits) {
    int rc = find_literals(an, cb);
    if (rc) return rc;
  }
  for (size_t k = 0; k <= cb->n_regexes; k++) {
    const pcre2_code *code;
    if (k == cb->n_regexes) {
      if (!cb->combined) break;
      code = cb->combined;
    } else {
      const vb__cbregex *re = &cb->regexes[k];
      if (re->n_literals == 0 && cb->combined) continue; /* in the alternation */
      if (!vb__regex_may_match(cb, re, an->lit_seen)) continue; /* a literal set is absent */
      code = re->code;
    }
    PCRE2_SIZE off = 0;
    while (off <= r->len) {
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
  }
  return VB_OK;
}
