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
 *
 * The same words give the switches between brands (vb_switch, res.switches), whatever the
 * clause's sentiment: "switched from Vexa [to Lumo]", "switched [over|back] to Lumo [from
 * Vexa]", "ditched Vexa [for Lumo]", "left Vexa for Lumo" (a bare "left Vexa" is too often
 * "left Vexa a message"); "went over to Lumo" but not "went to Lumo". A brand left in any of
 * these takes minus the size of its clause's sentiment, as for "switched from". A negator up to
 * three words before the verb ("would never switch to Vexa", "won't leave Lumo for Vexa")
 * makes it no switch.
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
  /* switches (not Hebrew, which has its own rules below) */
  const char *to;              /* "to" after a verb of switching */
  const char *const *for_;     /* "for", "in favour of" after a verb of leaving: phrases, the
                                  words parted by a space */
  const char *const *over;     /* "over", "back": between the verb and "to" */
  const char *const *go;       /* "went": a switch only with an `over` word ("went over to") */
  const char *const *ditch;    /* a verb of leaving just before the brand ("ditched Vexa") */
  const char *const *leave;    /* the same, a switch only with "for" and a brand after it */
  const char *const *neg;      /* negators */
  const char *const *my;       /* "my", "our": "moved my weekly shop to Lumo" */
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
static const char *const he_neg[] = {"לא", "אל", "לעולם", "אף", "בחיים", NULL};
static const char *const none[] = {NULL};

static const char *const en_over[] = {"over", "back", NULL};
static const char *const en_go[] = {"went", "gone", "going", "go", "goes", NULL};
static const char *const en_ditch[] = {"ditched", "ditching", "ditch",   "dumped",    "dumping",
                                       "quit",    "quitting", "cancelled", "canceled", NULL};
static const char *const en_leave[] = {"left", "leaving", "leave", "dropped", "dropping", NULL};
static const char *const en_for[] = {"for", "in favour of", "in favor of", NULL};
static const char *const en_neg[] = {"not", "never", "no", "cannot", "wont", "dont", NULL};
static const char *const en_my[] = {"my", "our", NULL};
static const char *const sv_over[] = {"över", "tillbaka", NULL};
static const char *const sv_go[] = {"gick", "gått", "går", "gå", NULL};
static const char *const sv_ditch[] = {"dumpade", "dumpat", NULL};
static const char *const sv_leave[] = {"lämnade", "lämnat", "lämnar", "lämna", NULL};
static const char *const sv_for[] = {"för", "till förmån för", NULL};
static const char *const sv_neg[] = {"inte", "aldrig", "ej", "icke", "inga", NULL};
static const char *const sv_my[] = {"min", "mitt", "mina", "vår", "vårt", "våra", NULL};
static const char *const da_over[] = {"over", "tilbage", NULL};
static const char *const da_go[] = {"gik", "gået", "går", "gå", NULL};
static const char *const da_ditch[] = {"droppede", "droppet", "dumpede", NULL};
static const char *const da_leave[] = {"forlod", "forladt", "forlader", "forlade", NULL};
static const char *const da_for[] = {"for", "til fordel for", NULL};
static const char *const da_neg[] = {"ikke", "aldrig", "ej", "ingen", NULL};
static const char *const da_my[] = {"min", "mit", "mine", "vores", NULL};

static const lang_words words[VB_LANG_COUNT] = {
    [VB_LANG_EN] = {en_than, en_than2, en_filler, "from", en_switched, "to", en_for, en_over,
                    en_go, en_ditch, en_leave, en_neg, en_my},
    [VB_LANG_SV] = {sv_than, sv_than2, sv_filler, "från", sv_switched, "till", sv_for, sv_over,
                    sv_go, sv_ditch, sv_leave, sv_neg, sv_my},
    [VB_LANG_DA] = {da_than, da_than2, da_filler, "fra", da_switched, "til", da_for, da_over,
                    da_go, da_ditch, da_leave, da_neg, da_my},
    /* Hebrew's switches have their own rules (he_switched, he_leave below): no "to", "for" */
    [VB_LANG_HE] = {.than = he_than, .than2 = none, .filler = none, .switched = none,
                    .over = none, .go = none, .ditch = none, .leave = none, .neg = he_neg,
                    .my = none},
};

/* Hebrew: a comparative just before a brand written with the proclitic מ ("יותר מוקסה", "פחות
 * מ-Vexa"), or a verb of switching ("עברתי מוקסה ללומו"). */
static const char *const he_more[] = {"יותר", "פחות", NULL};
static const char *const he_switched[] = {"עברתי", "עברנו", "עבר",  "עברה", "עברו",
                                          "לעבור", "עוברים", "עוברת", NULL};
/* Hebrew switches: "עזבתי (את) וקסה", a brand with the proclitic ל after the brand left or
 * after a verb of switching ("עברתי ללומו"), or after לטובת ("in favour of") */
static const char *const he_leave[] = {"עזבתי", "עזבנו", "עזב", "עזבה", "עזבו", NULL};
#define HE_MEM "\xd7\x9e"    /* מ */
#define HE_LAMED "\xd7\x9c"  /* ל */

static bool is_n(const vb_token *t, const char *w, size_t n) {
  return t->type == VB_TOK_WORD && t->key_len == n && memcmp(t->key, w, n) == 0;
}

/* (the first byte first: most tokens are no marker, and this runs at every brand mention) */
static bool is(const vb_token *t, const char *w) {
  return t->key_len && t->key[0] == w[0] && is_n(t, w, strlen(w));
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

/* A negator up to three words before the verb at v, in its clause. */
static bool negated(const vb_token *tok, size_t first, size_t v, vb_lang lang) {
  const char *const *neg = words[lang].neg;
  for (size_t j = v; j > first && j + 3 >= v; j--) {
    const vb_token *t = &tok[j - 1];
    if (in(t, neg)) return true;
    /* don't, won't, can't, with either apostrophe */
    if (t->key_len >= 3 && memcmp(t->key + t->key_len - 3, "n't", 3) == 0) return true;
    if (t->key_len >= 5 && memcmp(t->key + t->key_len - 5, "n\xe2\x80\x99t", 5) == 0) return true;
  }
  return false;
}

/* The brand mention starting at token j, in the sentence of token k, of another theme than
 * `not`; SIZE_MAX when none. */
static size_t brand_at(const vb_analyzer *an, size_t j, size_t k, size_t not) {
  const vb_result *r = &an->res;
  if (j >= r->n_tokens || r->tokens[j].sentence != r->tokens[k].sentence) return SIZE_MAX;
  const vb__theme *th = an->model->themes;
  for (size_t i = 0; i < r->n_mentions; i++) {
    const vb_mention *m = &r->mentions[i];
    if (m->start == r->tokens[j].start && th[m->theme].brand && th[m->theme].parent >= 0 &&
        m->theme != not)
      return i;
  }
  return SIZE_MAX;
}

/* The tokens from e that spell one of the phrases (words parted by a space); 0 when none. */
static size_t phrase_at(const vb_result *r, size_t e, const char *const *list) {
  for (; *list; list++) {
    const char *w = *list;
    size_t j = e;
    for (;;) {
      size_t n = strcspn(w, " ");
      if (j >= r->n_tokens || !is_n(&r->tokens[j], w, n)) break;
      j++;
      if (!w[n]) return j - e;
      w += n + 1;
    }
  }
  return 0;
}

static bool he_with(const vb_token *t, const char *proclitic) {
  return t->key_len > 2 && memcmp(t->key, proclitic, 2) == 0;
}

/* Records a switch from mention `from` to mention `to` (either SIZE_MAX) said from token v;
 * the brand left takes minus the size of its clause's sentiment, the brand taken up none of
 * the clause's negative sentiment. One switch per verb. */
static int add_switch(vb_analyzer *an, size_t v, size_t from, size_t to) {
  vb_result *r = &an->res;
  size_t start = r->tokens[v].start;
  for (size_t i = 0; i < r->n_switches; i++)
    if (r->switches[i].start == start) return VB_OK;
  if (vb__grow(&r->switches, &r->cap_switches, r->n_switches + 1, sizeof *r->switches))
    return VB_ENOMEM;
  vb_switch *w = &r->switches[r->n_switches++];
  w->from = from == SIZE_MAX ? SIZE_MAX : r->mentions[from].theme;
  w->to = to == SIZE_MAX ? SIZE_MAX : r->mentions[to].theme;
  w->start = start;
  w->end = r->mentions[to == SIZE_MAX ? from : from == SIZE_MAX ? to
                       : r->mentions[to].end > r->mentions[from].end ? to : from].end;
  if (from != SIZE_MAX) r->mentions[from].sentiment = -fabs(r->mentions[from].sentiment);
  /* the complaint of the clause that says the switch is about the brand left, not the brand
   * taken up ("left Vexa for Lumo after the third late delivery") */
  vb_mention *m = to == SIZE_MAX ? NULL : &r->mentions[to];
  if (m && m->sentiment < 0 && m->clause == r->tokens[v].clause) m->sentiment = 0;
  return VB_OK;
}

/* A switch away from the brand mention i at token k (clause from token `first`): after a verb
 * of switching and "from" (v: the verb, found by compared()), or a verb of leaving just before
 * it; the brand taken up follows it: "to"/"for" and a brand, or in Hebrew a brand with ל. */
static int switch_from(vb_analyzer *an, size_t i, size_t k, size_t first, size_t v) {
  const vb_result *r = &an->res;
  const vb_token *tok = r->tokens;
  const vb_mention *m = &r->mentions[i];
  vb_lang lang = r->lang;
  const lang_words *w = &words[lang];
  bool need_to = false; /* "left Vexa" alone is no switch */
  bool leaving = false;  /* "for" rather than "to" */
  if (v == SIZE_MAX && k > first) {
    const vb_token *before = &tok[k - 1];
    if (lang == VB_LANG_HE) {
      if (in(before, he_leave)) v = k - 1;
      else if (k > first + 1 && is(before, "את") && in(&tok[k - 2], he_leave)) v = k - 2;
    } else if (in(before, w->ditch) || in(before, w->leave)) {
      v = k - 1;
      need_to = in(before, w->leave);
      leaving = true;
    }
  }
  if (v == SIZE_MAX || negated(tok, first, v, lang)) return VB_OK;
  size_t e = token_at(r, m->end), to = SIZE_MAX;
  if (lang == VB_LANG_HE) {
    to = brand_at(an, e, k, m->theme);
    if (to != SIZE_MAX && !he_with(&tok[e], HE_LAMED)) to = SIZE_MAX;
    if (to == SIZE_MAX && e < r->n_tokens && is(&tok[e], "לטובת"))
      to = brand_at(an, e + 1, k, m->theme);
  } else if (e < r->n_tokens) {
    size_t n = !leaving && is(&tok[e], w->to) ? 1 : phrase_at(r, e, w->for_);
    if (n) to = brand_at(an, e + n, k, m->theme);
  }
  if (need_to && to == SIZE_MAX) return VB_OK;
  return add_switch(an, v, i, to);
}

/* A switch to the brand mention i at token k: a verb of switching, an optional "over" or
 * "back" or what was moved ("my weekly shop"), "to", the brand ("went" only with "over"); in
 * Hebrew the verb and the brand with ל. The brand left may follow: "from" and a brand, in
 * Hebrew a brand with מ. */
static int switch_to(vb_analyzer *an, size_t i, size_t k, size_t first) {
  const vb_result *r = &an->res;
  const vb_token *tok = r->tokens;
  const vb_mention *m = &r->mentions[i];
  vb_lang lang = r->lang;
  const lang_words *w = &words[lang];
  size_t v = SIZE_MAX;
  if (lang == VB_LANG_HE) {
    if (k > first && he_with(&tok[k], HE_LAMED) && in(&tok[k - 1], he_switched)) v = k - 1;
  } else if (k > first + 1 && is(&tok[k - 1], w->to)) {
    size_t j = k - 2;
    bool over = in(&tok[j], w->over) && j > first; /* "switched over to", "gick över till" */
    if (over) j--;
    /* "moved my (weekly) shop to": a possessive two or three words before "to" */
    for (size_t d = 2; !over && d <= 3 && k >= first + d + 2; d++)
      if (in(&tok[k - 1 - d], w->my)) j = k - 2 - d;
    /* "gick till Lumo", "went to Lumo" are visits */
    if (in(&tok[j], w->go) ? over : in(&tok[j], w->switched) && !in(&tok[j], w->over))
      v = j;
  }
  if (v == SIZE_MAX || negated(tok, first, v, lang)) return VB_OK;
  for (size_t s = 0; s < r->n_switches; s++) /* "switched from Vexa to Lumo": said */
    if (r->switches[s].to == m->theme && r->switches[s].end == m->end) return VB_OK;
  size_t e = token_at(r, m->end), from = SIZE_MAX;
  if (lang == VB_LANG_HE) {
    from = brand_at(an, e, k, m->theme);
    if (from != SIZE_MAX && !he_with(&tok[e], HE_MEM)) from = SIZE_MAX;
  } else if (e < r->n_tokens && is(&tok[e], w->from)) {
    from = brand_at(an, e + 1, k, m->theme);
  }
  return add_switch(an, v, from, i);
}

static int cmp_switch(const void *x, const void *y) {
  const vb_switch *a = x, *b = y;
  return a->start < b->start ? -1 : a->start > b->start;
}

int vb__compare_brands(vb_analyzer *an) {
  vb_result *r = &an->res;
  const vb__theme *th = an->model->themes;
  r->n_switches = 0;
  if (r->lang <= VB_LANG_UND || r->lang >= VB_LANG_COUNT || !r->n_clauses) return VB_OK;
  int rc;
  for (size_t i = 0; i < r->n_mentions; i++) {
    vb_mention *m = &r->mentions[i];
    if (!th[m->theme].brand || th[m->theme].parent < 0) continue;
    size_t k = token_at(r, m->start);
    if (k >= r->n_tokens || r->tokens[k].start != m->start) continue;
    size_t first = r->clauses[m->clause].tok_begin, mark = 0;
    int how = compared(r->tokens, first, k, r->lang, &mark);
    /* a "than" turns the sentiment only when what the brand is compared in comes before the
     * marker: in "which is more than Parcelo have bothered to do" it is Parcelo's own */
    if (how == THAN && m->sentiment != 0 &&
        said_before(r, &r->clauses[m->clause], mark, m->sentiment))
      m->sentiment = -m->sentiment;
    /* (a switch away names the brand taken up after it, and a switch to one the brand left:
     * "switched from Vexa to Lumo" is found at Vexa, and at Lumo "to" follows no verb) */
    if ((rc = switch_from(an, i, k, first, how == SWITCHED_FROM ? mark : SIZE_MAX)) ||
        (rc = switch_to(an, i, k, first)))
      return rc;
  }
  if (r->n_switches > 1) qsort(r->switches, r->n_switches, sizeof *r->switches, cmp_switch);
  return VB_OK;
}
