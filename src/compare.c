/*
 * compare.c - brands in comparisons.
 *
 * A mention takes the sentiment of its clause (themes.c). That is wrong for the brand on the
 * losing side of a comparison: in "Lumo is so much better than Vexa" the clause is positive,
 * and Vexa is what it is better than. Two constructions are resolved, for brand mentions only
 * (HACKING.md, "Brands in comparisons"):
 *
 * - the brand is the object of "than" or a like word (en than, instead of, unlike; sv än,
 *   i stället för, till skillnad från; da end, i stedet for, i modsætning til; he מאשר, במקום,
 *   and יותר/פחות followed by the brand with the proclitic מ): its sentiment is the clause's
 *   with the sign turned. "Lumo is more expensive than Vexa" makes Vexa positive.
 * - the brand is what someone switched away from (en switched/moved/changed ... from; sv bytte
 *   ... från; da skiftede ... fra; he עברתי followed by the brand with מ): its sentiment is
 *   minus the size of the clause's, whatever the clause's sign ("switched from Vexa to Lumo,
 *   so much better" is not praise of Vexa). A neutral clause stays neutral.
 *
 * Only the words just before the brand are looked at (a filler word such as "at", "hos" may
 * come between), in the brand's clause: anything wider would take "than expected" and "from
 * home" for comparisons. A "than" turns the sentiment only when the clause's sentiment words
 * come before the marker, not after the brand (where they are the brand's own).
 */
#include <math.h>
#include <string.h>

#include "vb_analyzer.h"

typedef struct {
  const char *const *than;     /* one word before the brand (or before a filler) */
  const char *const *than2;    /* two words before the brand: pairs, first word first */
  const char *const *filler;   /* a word that may stand between the marker and the brand */
  const char *from;            /* "from" */
  const char *const *switched; /* a verb of switching, up to two words before "from" */
} lang_words;

static const char *const en_than[] = {"than", "unlike", NULL};
static const char *const en_than2[] = {"instead", "of", NULL};
static const char *const en_filler[] = {"at", "with", "from", "on", "the", "to", "using", NULL};
static const char *const en_switched[] = {"switched", "switching", "switch", "switches",
                                          "moved",    "moving",    "move",   "changed",
                                          "changing", "ported",    "migrated", NULL};
static const char *const sv_than[] = {"än", NULL};
static const char *const sv_than2[] = {"stället", "för", "istället", "för", "skillnad", "från",
                                       NULL};
static const char *const sv_filler[] = {"hos", "på", "med", "från", "i", "via", NULL};
static const char *const sv_switched[] = {"bytte", "byter",     "bytt",      "byta", "flyttade",
                                          "gick",  "övergick",  "över",      NULL};
static const char *const da_than[] = {"end", NULL};
static const char *const da_than2[] = {"stedet", "for", "modsætning", "til", NULL};
static const char *const da_filler[] = {"hos", "på", "med", "fra", "i", "via", NULL};
static const char *const da_switched[] = {"skiftede", "skifter", "skiftet", "skifte",
                                          "flyttede", "gik",     "over",    NULL};
static const char *const he_than[] = {"מאשר", "במקום", NULL};
static const char *const none[] = {NULL};

static const lang_words words[VB_LANG_COUNT] = {
    [VB_LANG_EN] = {en_than, en_than2, en_filler, "from", en_switched},
    [VB_LANG_SV] = {sv_than, sv_than2, sv_filler, "från", sv_switched},
    [VB_LANG_DA] = {da_than, da_than2, da_filler, "fra", da_switched},
    [VB_LANG_HE] = {he_than, none, none, NULL, none},
};

/* Hebrew: a comparative just before a brand written with the proclitic מ ("יותר מוקסה", "פחות
 * מ-Vexa"), or a verb of switching ("עברתי מוקסה ללומו"). */
static const char *const he_more[] = {"יותר", "פחות", NULL};
static const char *const he_switched[] = {"עברתי", "עברנו", "עבר", "עברה", "עברו", NULL};
#define HE_MEM "\xd7\x9e" /* מ */

static bool is(const vb_token *t, const char *w) {
  size_t n = strlen(w);
  return t->type == VB_TOK_WORD && t->key_len == n && memcmp(t->key, w, n) == 0;
}

static bool in(const vb_token *t, const char *const *list) {
  for (; *list; list++)
    if (is(t, *list)) return true;
  return false;
}

enum { NOT_COMPARED, THAN, SWITCHED_FROM };

/* How the brand whose first token is tok[k] is compared, looking back no further than `first`
 * (the first token of its clause); *mark: the first token of the marker. */
static int compared(const vb_token *tok, size_t first, size_t k, vb_lang lang, size_t *mark) {
  const lang_words *w = &words[lang];
  if (lang == VB_LANG_HE) {
    bool mem = tok[k].key_len > 2 && memcmp(tok[k].key, HE_MEM, 2) == 0;
    *mark = k - 1;
    if (k > first && in(&tok[k - 1], he_than)) return THAN;
    if (k > first && mem && in(&tok[k - 1], he_switched)) return SWITCHED_FROM;
    /* "טובה יותר מוקסה", "יותר טובה מוקסה" */
    for (size_t v = 1; v <= 2 && mem && k >= first + v; v++)
      if (in(&tok[k - v], he_more)) return *mark = k, THAN; /* the quality may follow יותר */
    return NOT_COMPARED;
  }
  if (!w->than) return NOT_COMPARED;
  /* the marker ends at j: just before the brand, or before one filler word */
  for (size_t skip = 0; skip < 2; skip++) {
    if (k < first + 1 + skip) break;
    size_t j = k - 1 - skip;
    if (skip && !in(&tok[k - 1], w->filler)) break;
    *mark = j;
    if (in(&tok[j], w->than)) return THAN;
    for (const char *const *p = w->than2; j > first && *p; p += 2)
      if (is(&tok[j - 1], p[0]) && is(&tok[j], p[1])) return *mark = j - 1, THAN;
    if (is(&tok[j], w->from))
      for (size_t v = 1; v <= 2 && j >= first + v; v++)
        if (in(&tok[j - v], w->switched)) return *mark = j - v, SWITCHED_FROM;
  }
  return NOT_COMPARED;
}

/* The first token starting at or after byte b. */
static size_t token_at(const vb_result *r, size_t b) {
  size_t lo = 0, hi = r->n_tokens;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (r->tokens[mid].start < b) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Whether the words of clause c before token `mark` carry sentiment of the sign of s, at
 * least as much as the words after it. */
static bool said_before(const vb_result *r, const vb_span *c, size_t mark, double s) {
  double before = 0, after = 0;
  for (size_t i = c->tok_begin; i < c->tok_end && i < r->n_tokens; i++)
    *(i < mark ? &before : &after) += r->tokens[i].valence;
  return before * s > 0 && fabs(before) >= fabs(after);
}

void vb__compare_brands(vb_analyzer *an) {
  vb_result *r = &an->res;
  const vb__theme *th = an->model->themes;
  if (r->lang >= VB_LANG_COUNT || !r->n_clauses) return;
  for (size_t i = 0; i < r->n_mentions; i++) {
    vb_mention *m = &r->mentions[i];
    if (!th[m->theme].brand || th[m->theme].parent < 0 || m->sentiment == 0) continue;
    size_t k = token_at(r, m->start);
    if (k >= r->n_tokens || r->tokens[k].start != m->start) continue;
    const vb_span *c = &r->clauses[m->clause];
    size_t mark = 0;
    switch (compared(r->tokens, c->tok_begin, k, r->lang, &mark)) {
    case THAN:
      /* only when what the brand is compared in comes before the marker: in "which is more
       * than Parcelo have bothered to do" the clause's sentiment is Parcelo's own */
      if (said_before(r, c, mark, m->sentiment)) m->sentiment = -m->sentiment;
      break;
    case SWITCHED_FROM:
      m->sentiment = -fabs(m->sentiment);
      break;
    default:
      break;
    }
  }
}
