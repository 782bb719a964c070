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

int vb__patterns_run(vb_analyzer *an, const vb__cblang *cb) {
  vb_result *r = &an->res;
  /* Patterns on the original text: those with literals where a literal of each of their sets
   * occurs (every literal of the language found in one scan: regex_lit.c), the others
   * (joined in one alternation when possible) everywhere. */
  if (cb->n_regexes && cb->n_lits) {
    if (vb__grow(&an->lit_seen, &an->cap_lit_seen, cb->n_lits, 1) ||
        vb__lits_find(cb, r->text, r->len, &an->folded, an->lit_seen))
      return VB_ENOMEM;
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
