/*
 * redact.c - personal data out of a text before anyone reads it (vb_redact): e-mail
 * addresses, URLs and @handles as the tokenizer finds them, and numbers of seven digits or
 * more (phone, personal and account numbers: Swedish personnummer, Danish CPR, Israeli
 * teudat zehut, card numbers, IBANs) with the separators people write inside them, dates
 * kept; with a model (vb_model_redact), person names from its name lists (names.c).
 */
#include <stdlib.h>

#include "vb_model.h"

static bool digit(char c) { return c >= '0' && c <= '9'; }

/* A date, a time or years at s[0..n) (the run found): 2026-10-21, 21.10.2026, 21/10/26,
 * 12:30:00, 2019-2026. */
static bool date_like(const char *s, size_t n) {
  size_t groups[4] = {0}, g = 0;
  char sep = 0;
  for (size_t i = 0; i < n; i++) {
    if (digit(s[i])) {
      groups[g]++;
      continue;
    }
    if (sep && s[i] != sep) return false;
    sep = s[i];
    if (++g > 2) return false;
  }
  if (g == 1 && (sep == '-' || sep == '/') && groups[0] == 4 && groups[1] == 4)
    return true; /* years: 2019-2026 */
  if (g != 2 || !(sep == '-' || sep == '.' || sep == '/' || sep == ':')) return false;
  if (sep == ':') return groups[0] <= 2 && groups[1] == 2 && groups[2] == 2;
  bool iso = groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2 && groups[1] && groups[2];
  bool dmy = groups[0] <= 2 && groups[1] <= 2 && (groups[2] == 2 || groups[2] == 4) &&
             groups[0] && groups[1];
  return iso || dmy;
}

/* The number at s[i..]: a digit (or '+' and a digit) not after a digit, then digits and
 * single separators (space, - . / and parentheses) each followed by a digit. Returns its end
 * when it holds seven digits or more and is no date, else i. */
static size_t number_end(const char *s, size_t n, size_t i) {
  if (i > 0 && digit(s[i - 1])) return i;
  size_t p = i, digits = 0;
  if (s[p] == '+' || s[p] == '(') p++;
  if (p >= n || !digit(s[p])) return i;
  size_t end = p;
  while (p < n) {
    if (digit(s[p])) {
      digits++;
      end = ++p;
      continue;
    }
    bool sep = s[p] == ' ' || s[p] == '-' || s[p] == '.' || s[p] == '/' || s[p] == '(' ||
               s[p] == ')';
    /* one separator (or ") " / " (") and then a digit */
    size_t q = p + 1;
    if (sep && q < n && (s[q] == ' ' || s[q] == '(') && s[p] != s[q]) q++;
    if (!sep || q >= n || !digit(s[q])) break;
    p = q;
  }
  if (digits < 7 || date_like(s + i, end - i)) return i;
  return end;
}

static int token_span(const char *text, size_t len, const vb__tok *t, unsigned what) {
  if (t->type == VB_TOK_EMAIL && (what & VB_REDACT_EMAIL)) return VB__SPAN_EMAIL;
  if (t->type == VB_TOK_URL && (what & VB_REDACT_URL)) return VB__SPAN_URL;
  /* (not our own placeholder "[@user]": redacting a redacted text changes nothing) */
  if (t->type == VB_TOK_MENTION && (what & VB_REDACT_MENTION) &&
      !(t->end - t->start == 5 && !memcmp(text + t->start, "@user", 5) && t->start > 0 &&
        text[t->start - 1] == '[' && t->end < len && text[t->end] == ']'))
    return VB__SPAN_MENTION;
  return -1;
}

static int cmp_span(const void *pa, const void *pb) {
  const vb__span *a = pa, *b = pb;
  return a->start < b->start ? -1 : a->start > b->start;
}

/* The spans to replace: the tokens of the kinds asked for, the long numbers between them,
 * the names (with a model), in the order of the text and none overlapping the one before. */
/* The spans of the kinds in `what` other than names: the tokens asked for, and the long
 * numbers between them, in the order of the text. `toks` gets the text's tokens. */
static int find_spans(const char *text, size_t len, unsigned what, vb__toks *toks,
                      vb__spans *sp) {
  int rc = what & (VB_REDACT_EMAIL | VB_REDACT_URL | VB_REDACT_MENTION | VB_REDACT_NAME)
               ? vb__tokenize(text, len, toks) : VB_OK;
  size_t k = 0;
  for (size_t q = 0; rc == VB_OK && q < len;) {
    /* the next token to replace, and the numbers before it */
    while (k < toks->n && (toks->v[k].start < q || token_span(text, len, &toks->v[k], what) < 0)) k++;
    size_t tok_at = k < toks->n ? toks->v[k].start : len;
    for (; (what & VB_REDACT_NUMBER) && rc == VB_OK && q < tok_at; q++) {
      size_t e = number_end(text, len, q);
      if (e > q) {
        rc = vb__spans_add(sp, q, e, VB__SPAN_NUMBER);
        q = e - 1;
      }
    }
    if (rc || tok_at == len) break;
    rc = vb__spans_add(sp, tok_at, toks->v[k].end, token_span(text, len, &toks->v[k], what));
    q = toks->v[k].end;
  }
  return rc;
}

/* Copies text into `b` with the spans (in order) replaced; returns the replacements made. */
static int replace(const char *text, size_t len, const vb__spans *sp, vb__buf *b,
                   size_t *replaced) {
  static const char *const with[] = {"[email]", "[url]", "[@user]", "[number]", "[name]"};
  size_t pos = 0;
  int rc = VB_OK;
  for (size_t i = 0; rc == VB_OK && i < sp->n; i++) {
    if (sp->v[i].start < pos) continue; /* inside the one before */
    rc = vb__buf_append(b, text + pos, sp->v[i].start - pos); /* the text up to it, as it was */
    if (rc == VB_OK) rc = vb__buf_append(b, with[sp->v[i].kind], strlen(with[sp->v[i].kind]));
    ++*replaced;
    pos = sp->v[i].end;
  }
  return rc ? rc : vb__buf_append(b, text + pos, len - pos);
}

/* Names are looked for in the text as the other kinds leave it: a number inside a word
 * ("anna0701234567") leaves the word's letters a word of their own, and the result is the
 * same however often it is redacted. The tokens are made again only when something was
 * replaced. */
int vb_model_redact(const vb_model *m, const char *text, size_t len, unsigned what, char **out,
                    size_t *out_len, size_t *n_replaced) {
  return vb_model_redact_labels(m, text, len, what, NULL, 0, out, out_len, n_replaced);
}

int vb_model_redact_labels(const vb_model *m, const char *text, size_t len, unsigned what,
                           const char *const *labels, size_t n_labels, char **out,
                           size_t *out_len, size_t *n_replaced) {
  if (!out || (!text && len) || ((what & VB_REDACT_NAME) && !m) || (n_labels && !labels))
    return VB_EINVAL;
  *out = NULL;
  if (out_len) *out_len = 0;
  if (n_replaced) *n_replaced = 0;
  if (!text) text = "";
  vb__toks toks = {0};
  vb__spans sp = {0};
  vb__buf b = {0}, b2 = {0}, words = {0};
  size_t replaced = 0;
  int rc = find_spans(text, len, what, &toks, &sp);
  if (rc == VB_OK && (what & VB_REDACT_NAME) && n_labels)
    rc = vb__names_label_words(m, labels, n_labels, &words);
  if (rc == VB_OK) rc = replace(text, len, &sp, &b, &replaced);
  if (rc == VB_OK && (what & VB_REDACT_NAME)) {
    const char *t1 = b.data;
    size_t l1 = b.len;
    sp.n = 0;
    if (replaced) rc = vb__tokenize(t1, l1, &toks);
    if (rc == VB_OK) rc = vb__names_find(m, t1, toks.v, toks.n, words.data, words.len, &sp);
    if (rc == VB_OK && sp.n) {
      if (sp.n > 1) qsort(sp.v, sp.n, sizeof *sp.v, cmp_span);
      rc = replace(t1, l1, &sp, &b2, &replaced);
      vb__buf_free(&b);
      b = b2;
    }
  }
  vb__free(toks.v);
  vb__free(sp.v);
  vb__buf_free(&words);
  if (rc) {
    vb__buf_free(&b);
    return rc;
  }
  *out = b.data;
  if (out_len) *out_len = b.len;
  if (n_replaced) *n_replaced = replaced;
  return VB_OK;
}

int vb_redact(const char *text, size_t len, unsigned what, char **out, size_t *out_len,
              size_t *n_replaced) {
  return vb_model_redact(NULL, text, len, what, out, out_len, n_replaced);
}
