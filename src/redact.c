/*
 * redact.c - personal data out of a text before anyone reads it (vb_redact): e-mail
 * addresses, URLs and @handles as the tokenizer finds them, and numbers of seven digits or
 * more (phone, personal and account numbers: Swedish personnummer, Danish CPR, Israeli
 * teudat zehut, card numbers, IBANs) with the separators people write inside them, dates
 * kept. Names are not found: that needs a model of names in four languages we do not have.
 */
#include <stdlib.h>

#include "vb_internal.h"
#include "vb_text.h"

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

static bool redactable(const vb__tok *t, unsigned what) {
  return (t->type == VB_TOK_EMAIL && (what & VB_REDACT_EMAIL)) ||
         (t->type == VB_TOK_URL && (what & VB_REDACT_URL)) ||
         (t->type == VB_TOK_MENTION && (what & VB_REDACT_MENTION));
}

int vb_redact(const char *text, size_t len, unsigned what, char **out, size_t *out_len,
              size_t *n_replaced) {
  if (!out || (!text && len)) return VB_EINVAL;
  *out = NULL;
  if (out_len) *out_len = 0;
  if (n_replaced) *n_replaced = 0;
  if (!text) text = "";
  vb__toks toks = {0};
  int rc = what & (VB_REDACT_EMAIL | VB_REDACT_URL | VB_REDACT_MENTION)
               ? vb__tokenize(text, len, &toks) : VB_OK;
  vb__buf b = {0};
  size_t replaced = 0, pos = 0, k = 0;
  while (rc == VB_OK && pos < len) {
    /* the next token to replace, and the next place a number may begin */
    while (k < toks.n && (toks.v[k].start < pos || !redactable(&toks.v[k], what))) k++;
    size_t tok_at = k < toks.n ? toks.v[k].start : len, num_at = len, num_end = len;
    for (size_t q = pos; (what & VB_REDACT_NUMBER) && q < tok_at; q++)
      if ((num_end = number_end(text, len, q)) > q) {
        num_at = q;
        break;
      }
    size_t at = tok_at < num_at ? tok_at : num_at;
    rc = vb__buf_append(&b, text + pos, at - pos); /* the text up to it, as it was */
    if (rc || at == len) break;
    const vb__tok *t = tok_at < num_at ? &toks.v[k] : NULL;
    const char *with = !t ? "[number]" : t->type == VB_TOK_EMAIL ? "[email]"
                                       : t->type == VB_TOK_URL   ? "[url]" : "[@user]";
    rc = vb__buf_append(&b, with, strlen(with));
    replaced++;
    pos = t ? t->end : num_end;
  }
  vb__free(toks.v);
  if (rc == VB_OK && !b.data) rc = vb__buf_append(&b, "", 0);
  if (rc) {
    vb__buf_free(&b);
    return rc;
  }
  *out = b.data;
  if (out_len) *out_len = b.len;
  if (n_replaced) *n_replaced = replaced;
  return VB_OK;
}
