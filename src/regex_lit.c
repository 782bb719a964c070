/*
 * regex_lit.c - literals that a pattern's every match must contain.
 *
 * Codebook patterns ("\bcharg\w*\b[^.!?\n]{0,40}\btwice\b") are matched on every text of
 * their language, and each tries every start position: with dozens of patterns that costs more
 * than the rest of the analysis. Most patterns, though, cannot match unless some literal word
 * is in the text ("twice" here). This module reads a pattern's source and computes a set of
 * literals such that every match contains at least one of them; the analyzer runs the pattern
 * only on texts that contain one (a case-folded substring search, far cheaper than the match).
 *
 * The analysis is deliberately conservative: lookarounds are skipped (they consume nothing),
 * and anything it does not understand (\Q..\E, (?|..), back-references, verbs) makes the
 * pattern "unfilterable", and the pattern
 * then runs on every text as before. Rules: a literal character run is required when none of
 * its characters is optional; a sequence requires the best requirement of any of its parts;
 * an alternation requires the union of its branches' requirements (if every branch has one);
 * an optional part (?, *, {0,n}) requires nothing.
 *
 * Literals may be a single byte ("&" in "t\s?&\s?c"), and a required \d is the pseudo-literal
 * VB_LIT_DIGIT ("any ASCII digit"): patterns such as order numbers ("[a-z]{2}\d{6,8}") have
 * no longer literal, and most texts have no digit at all. Longer literals are preferred.
 */
#include "vb_model.h"

#define LIT_MAX 24 /* literals in one set */

typedef struct litset {
  bool any; /* no requirement: the pattern may match without any literal */
  size_t n;
  char lit[LIT_MAX][48];
} litset;

typedef struct parser {
  const char *p, *end;
  bool fail; /* a construct we do not understand */
} parser;

static void set_any(litset *s) {
  s->any = true;
  s->n = 0;
}

/* Folds a literal the way the analyzer folds the text: ASCII and Latin-1 capitals. */
static void fold(char *s) {
  unsigned char *p = (unsigned char *)s;
  for (; *p; p++) {
    if (*p >= 'A' && *p <= 'Z') *p += 32;
    else if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0x9E && p[1] != 0x97) {
      p[1] += 0x20;
      p++;
    }
  }
}

/* The shortest literal of a set (0 for "any"). */
static size_t weakest(const litset *s) {
  if (s->any || s->n == 0) return 0;
  size_t w = SIZE_MAX;
  for (size_t i = 0; i < s->n; i++) {
    size_t l = strlen(s->lit[i]);
    if (l < w) w = l;
  }
  return w;
}

/* How well a set filters: twice its shortest literal's length, plus one when that is a
 * single punctuation byte ('&' is rarer in text than 't'). */
static size_t strength(const litset *s) {
  size_t w = weakest(s);
  if (w != 1) return 2 * w;
  for (size_t i = 0; i < s->n; i++) {
    unsigned char c = (unsigned char)s->lit[i][0];
    bool punct = c < 0x80 && !vb__ascii_alpha(c) && !vb__ascii_digit(c) && c != VB_LIT_DIGIT;
    if (s->lit[i][1] == '\0' && !punct) return 2; /* a letter, a digit or \d */
  }
  return 3;
}

/* Keeps the better of two requirements: the one that filters better (longer literals), and of
 * two alike the one with fewer literals. */
static void better(litset *best, const litset *cand) {
  if (cand->any || cand->n == 0) return;
  if (best->any || best->n == 0 || strength(cand) > strength(best) ||
      (strength(cand) == strength(best) && cand->n < best->n))
    *best = *cand;
}

static void parse_alt(parser *ps, litset *out);

/* After an atom: its quantifier. Returns true when the atom may be absent (min 0). */
static bool quantifier(parser *ps, bool *quantified) {
  *quantified = false;
  if (ps->p >= ps->end) return false;
  char c = *ps->p;
  bool optional = false;
  if (c == '?' || c == '*') {
    optional = true;
    *quantified = true;
    ps->p++;
  } else if (c == '+') {
    *quantified = true;
    ps->p++;
  } else if (c == '{') {
    const char *q = ps->p + 1;
    if (q < ps->end && (*q >= '0' && *q <= '9')) {
      long min = 0;
      while (q < ps->end && *q >= '0' && *q <= '9') min = min * 10 + (*q++ - '0');
      while (q < ps->end && *q != '}') q++;
      if (q < ps->end) {
        optional = min == 0;
        *quantified = true;
        ps->p = q + 1;
      }
    } else if (q < ps->end && *q == ',') {
      while (q < ps->end && *q != '}') q++;
      optional = true;
      *quantified = true;
      ps->p = q < ps->end ? q + 1 : q;
    }
  }
  /* lazy or possessive */
  if (*quantified && ps->p < ps->end && (*ps->p == '?' || *ps->p == '+')) ps->p++;
  return optional;
}

/* Skips a character class [...]. */
static void skip_class(parser *ps) {
  ps->p++; /* [ */
  if (ps->p < ps->end && *ps->p == '^') ps->p++;
  if (ps->p < ps->end && *ps->p == ']') ps->p++;
  while (ps->p < ps->end && *ps->p != ']') {
    if (*ps->p == '\\' && ps->p + 1 < ps->end) ps->p++;
    else if (*ps->p == '[' && ps->p + 1 < ps->end && ps->p[1] == ':') {
      const char *e = strstr(ps->p + 2, ":]");
      if (e && e < ps->end) ps->p = e + 1;
    }
    ps->p++;
  }
  if (ps->p < ps->end) ps->p++;
  else ps->fail = true;
}

static void parse_seq(parser *ps, litset *out) {
  litset best;
  set_any(&best);
  char run[48];
  size_t rl = 0;
  bool run_ok = true;
#define FLUSH()                                                                                    \
  do {                                                                                             \
    if (rl >= 1 && run_ok) {                                                                      \
      litset one = {false, 1, {{0}}};                                                              \
      memcpy(one.lit[0], run, rl);                                                                 \
      one.lit[0][rl] = '\0';                                                                       \
      fold(one.lit[0]);                                                                            \
      better(&best, &one);                                                                         \
    }                                                                                              \
    rl = 0;                                                                                        \
    run_ok = true;                                                                                 \
  } while (0)
  while (ps->p < ps->end && !ps->fail && *ps->p != '|' && *ps->p != ')') {
    char c = *ps->p;
    bool quantified;
    if (c == '(') {
      ps->p++;
      litset inner;
      if (ps->p < ps->end && *ps->p == '?') {
        /* (?: ) groups are read; lookarounds consume nothing and are skipped (a requirement
         * computed without them still holds); other groups are not understood */
        if (ps->p + 1 < ps->end && ps->p[1] == ':') {
          ps->p += 2;
        } else if (ps->p + 1 < ps->end &&
                   (ps->p[1] == '=' || ps->p[1] == '!' ||
                    (ps->p[1] == '<' && ps->p + 2 < ps->end && (ps->p[2] == '=' || ps->p[2] == '!')))) {
          int depth = 1;
          while (ps->p < ps->end && depth > 0) {
            if (*ps->p == '\\' && ps->p + 1 < ps->end) ps->p += 2;
            else if (*ps->p == '[') skip_class(ps);
            else {
              if (*ps->p == '(') depth++;
              else if (*ps->p == ')') depth--;
              ps->p++;
            }
          }
          if (depth) {
            ps->fail = true;
            break;
          }
          FLUSH();
          continue;
        } else {
          ps->fail = true;
          break;
        }
      } else if (ps->p < ps->end && *ps->p == '*') {
        ps->fail = true;
        break;
      }
      parse_alt(ps, &inner);
      if (ps->p >= ps->end || *ps->p != ')') {
        ps->fail = true;
        break;
      }
      ps->p++;
      FLUSH();
      bool optional = quantifier(ps, &quantified);
      if (!optional) better(&best, &inner);
      continue;
    }
    if (c == '[') {
      skip_class(ps);
      FLUSH();
      quantifier(ps, &quantified);
      continue;
    }
    if (c == '\\') {
      if (ps->p + 1 >= ps->end) {
        ps->fail = true;
        break;
      }
      char e = ps->p[1];
      ps->p += 2;
      bool literal = !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'));
      if (e == 'p' || e == 'P' || e == 'x') {
        /* \p{..}, \x{..} */
        if (ps->p < ps->end && *ps->p == '{') {
          while (ps->p < ps->end && *ps->p != '}') ps->p++;
          if (ps->p < ps->end) ps->p++;
        } else if (e == 'x') {
          ps->p += 2 <= ps->end - ps->p ? 2 : ps->end - ps->p;
        } else if (ps->p < ps->end) {
          ps->p++;
        }
      }
      if (e == 'Q' || e == 'g' || e == 'k' || (e >= '1' && e <= '9')) {
        ps->fail = true;
        break;
      }
      bool zero_width = e == 'b' || e == 'B' || e == 'A' || e == 'z' || e == 'Z' || e == 'G';
      if (e == 'd') {
        FLUSH();
        if (!quantifier(ps, &quantified)) {
          litset digit = {false, 1, {{0}}};
          digit.lit[0][0] = VB_LIT_DIGIT;
          better(&best, &digit);
        }
        continue;
      }
      if (literal) {
        bool optional = quantifier(ps, &quantified);
        if (optional) FLUSH();
        else {
          if (rl + 1 < sizeof run) run[rl++] = e;
          if (quantified) FLUSH();
        }
      } else {
        if (!zero_width || rl) FLUSH();
        quantifier(ps, &quantified);
      }
      continue;
    }
    if (c == '.' || c == '^' || c == '$') {
      ps->p++;
      FLUSH();
      quantifier(ps, &quantified);
      continue;
    }
    /* a literal character (all the bytes of a UTF-8 sequence) */
    size_t n = 1;
    unsigned char b = (unsigned char)c;
    if (b >= 0xF0) n = 4;
    else if (b >= 0xE0) n = 3;
    else if (b >= 0xC0) n = 2;
    if ((size_t)(ps->end - ps->p) < n) {
      ps->fail = true;
      break;
    }
    char ch[4];
    memcpy(ch, ps->p, n);
    ps->p += n;
    bool optional = quantifier(ps, &quantified);
    if (optional) {
      FLUSH();
      continue;
    }
    if (rl + n < sizeof run) {
      memcpy(run + rl, ch, n);
      rl += n;
    }
    if (quantified) FLUSH();
  }
  FLUSH();
#undef FLUSH
  *out = best;
}

static void parse_alt(parser *ps, litset *out) {
  litset all;
  all.any = false;
  all.n = 0;
  for (;;) {
    litset branch;
    parse_seq(ps, &branch);
    if (ps->fail) break;
    if (branch.any || branch.n == 0 || all.n + branch.n > LIT_MAX) {
      all.any = true;
      all.n = 0;
    } else if (!all.any) {
      for (size_t i = 0; i < branch.n; i++) memcpy(all.lit[all.n++], branch.lit[i], 48);
    }
    if (ps->p < ps->end && *ps->p == '|') {
      ps->p++;
      continue;
    }
    break;
  }
  if (all.any) all.n = 0;
  *out = all;
}

int vb__regex_literals(const char *pattern, vb__buf *out, size_t *count) {
  parser ps = {pattern, pattern + strlen(pattern), false};
  litset set;
  parse_alt(&ps, &set);
  *count = 0;
  out->len = 0;
  if (ps.fail || ps.p != ps.end || set.any || set.n == 0 || weakest(&set) < 1) return VB_OK;
  for (size_t i = 0; i < set.n; i++)
    if (vb__buf_append(out, set.lit[i], strlen(set.lit[i]) + 1)) return VB_ENOMEM;
  *count = set.n;
  return VB_OK;
}
