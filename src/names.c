/*
 * names.c - person names for --redact: the name lists (lexicons/<lang>/names.tsv and the
 * caller's files; format in lexicons/README.md, "Names") and the rules that find the names of
 * a text in its tokens (vb__names_find, called by vb_model_redact in redact.c).
 *
 * No model of names exists for our four languages, so this is a list with context rules, as
 * a careful human redactor would apply them:
 *   - a listed given name or surname that is no ordinary word is a name in any case
 *     ("Sarah", "sarah"; lower case only from three letters), after Hebrew proclitics too
 *     (ליוסי) and with a possessive or genitive ending ("Sarah's", "Annas");
 *   - a listed name that is also a word (Bill, Per, Rose, אור) is a name only where its context
 *     says so: in Latin script when capitalised inside a sentence, or capitalised at the start
 *     before another capitalised listed name ("Mark Jensen"); in any script after a title
 *     ("Mr", "herr", מר, גב', ד"ר) or a role ("the driver", הנציגה), or next to another name;
 *   - after a title any word is a name (capitalised, in Latin script: "Dr Okafor");
 *   - a capitalised word that no lexicon holds, right after a name, is a surname ("Anna
 *     Okonkwo").
 * Names next to each other are one span ("Anna Berg" -> one "[name]"). Titles and roles are
 * kept: "Mr [name]".
 */
#include <string.h>
#include <utf8proc.h>

#include "vb_model.h"
#include "vb_text.h"

/* ---- loading ---- */

int vb__names_load(vb_model *m, const char *name, const char *data, size_t len,
                   vb_error *err) {
  vb__loadctx *L = &m->load;
  long line_no = 0;
  size_t i = 0;
  while (i < len) {
    const char *nl = memchr(data + i, '\n', len - i);
    size_t j = nl ? (size_t)(nl - data) : len;
    const char *line = data + i;
    size_t n = j - i;
    i = j + 1;
    line_no++;
    if (n && line[n - 1] == '\r') n--;
    if (n == 0 || line[0] == '#') continue;
    /* NAME TAB KIND [TAB word] */
    const char *t1 = memchr(line, '\t', n);
    if (!t1 || t1 == line)
      return vb__error_set(err, VB_EPARSE, name, line_no, 1,
                           "expected NAME<TAB>KIND (KIND g, s, t, r, a, p or c)");
    size_t nl1 = (size_t)(t1 - line);
    for (size_t k = 0; k < nl1; k++)
      if (line[k] == ' ' || line[k] == '-' || line[k] == '.')
        return vb__error_set(err, VB_EPARSE, name, line_no, (long)k + 1,
                             "a name is one word, without spaces, hyphens or dots");
    const char *kind = t1 + 1, *end = line + n;
    const char *t2 = memchr(kind, '\t', (size_t)(end - kind));
    size_t kl = (size_t)((t2 ? t2 : end) - kind);
    long kcol = (long)(kind - line) + 1;
    uint32_t f = 0;
    if (kl == 1 && *kind == 'g') f = VB__NAME_GIVEN;
    else if (kl == 1 && *kind == 's') f = VB__NAME_SURNAME;
    else if (kl == 1 && *kind == 't') f = VB__NAME_TITLE;
    else if (kl == 1 && *kind == 'r') f = VB__NAME_ROLE;
    else if (kl == 1 && *kind == 'a') f = VB__NAME_AFTER;
    else if (kl == 1 && *kind == 'p') f = VB__NAME_PLACE;
    else if (kl == 1 && *kind == 'c') f = VB__NAME_CONJ;
    else
      return vb__error_set(err, VB_EPARSE, name, line_no, kcol,
                           "unknown kind '%.*s' (g given name, s surname, t title, r role, a "
                           "after a name, p before a place, c conjunction)",
                           (int)(kl > 40 ? 40 : kl), kind);
    if (t2) {
      const char *w = t2 + 1;
      long wcol = (long)(w - line) + 1;
      bool word = (size_t)(end - w) == 4 && memcmp(w, "word", 4) == 0;
      bool proper = (size_t)(end - w) == 6 && memcmp(w, "proper", 6) == 0;
      if (!word && !proper)
        return vb__error_set(err, VB_EPARSE, name, line_no, wcol,
                             "expected 'word', 'proper' or the end of the line");
      if (!(f & (VB__NAME_GIVEN | VB__NAME_SURNAME)))
        return vb__error_set(err, VB_EPARSE, name, line_no, wcol,
                             "'%s' is for given names and surnames", word ? "word" : "proper");
      f |= VB__NAME_WORD | (proper ? VB__NAME_PROPER : 0);
    }
    L->buf.len = 0;
    int rc = vb__normalize(&L->norm, line, nl1, 0, &L->buf);
    if (rc) return vb__error_set(err, rc, name, line_no, 1, "%s", vb_strerror(rc));
    bool found;
    uint32_t *v;
    rc = vb__strmap_put(&m->names, L->buf.data, L->buf.len, f, &found, &v);
    if (rc) return vb__error_set(err, rc, name, line_no, 1, "%s", vb_strerror(rc));
    if (found) *v |= f; /* listed twice (two languages): both kinds, a word if either says so */
  }
  return VB_OK;
}

/* A stopword is a word: a listed name that is one counts as a word too (Per, "per"), and no
 * stopword is taken for a surname or for the name after a title ("טעם מר לי"). */
int vb__names_load_stopwords(vb_model *m, const char *name, const char *data, size_t len,
                             vb_error *err) {
  vb__loadctx *L = &m->load;
  long line_no = 0;
  for (size_t i = 0; i < len;) {
    const char *nl = memchr(data + i, '\n', len - i);
    size_t j = nl ? (size_t)(nl - data) : len, n = j - i;
    const char *line = data + i;
    i = j + 1;
    line_no++;
    while (n && (line[n - 1] == '\r' || line[n - 1] == ' ')) n--;
    if (n && line[0] == '!') { /* (a negation: discover's mark) */
      line++;
      n--;
    }
    if (n == 0 || line[0] == '#') continue;
    L->buf.len = 0;
    int rc = vb__normalize(&L->norm, line, n, 0, &L->buf);
    bool found;
    uint32_t *v;
    if (rc == VB_OK) rc = vb__strmap_put(&m->names, L->buf.data, L->buf.len, VB__NAME_STOP, &found, &v);
    if (rc) return vb__error_set(err, rc, name, line_no, 1, "%s", vb_strerror(rc));
    if (found) *v |= VB__NAME_STOP;
  }
  return VB_OK;
}

/* ---- finding ---- */

/* One word, or one part of a hyphenated word, of the text. */
typedef struct cand {
  size_t tok;       /* its token */
  size_t ns, ne;    /* the name's bytes: without proclitics or a possessive ending */
  uint32_t f;       /* VB__NAME_* of the name, 0 when unlisted */
  bool title;       /* Latin script, capitalised: an upper-case letter, a lower-case one later */
  bool upper;       /* Latin script, first letter upper case */
  bool lower;       /* Latin script, all lower case */
  bool he;          /* Hebrew script */
  bool start;       /* first word of a sentence */
  bool line;        /* a line break before it */
  bool mehe;        /* Hebrew, begins with מה ("from the") and two letters more */
  bool stop;        /* a stopword (known() tells whether any word list holds it) */
  size_t ws, we;    /* the word part's bytes (a trailing dot left out) */
  bool joined;      /* the next part of the same hyphenated word follows */
  bool after_title; /* a title before it: a name whatever it is */
  bool after_role;  /* a role before it: a listed name even if it is a word */
  bool after_place; /* a place word before it ("San", "St"): no person */
  bool mark;        /* a name */
  bool label;       /* a word of a speaker's label (vb__names_label_words) */
  bool brand;       /* a word of a brand-list term: no name (brand_words) */
} cand;

static int32_t first_cp(const char *s, size_t n, size_t *adv) {
  utf8proc_int32_t cp;
  utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
  *adv = k > 0 ? (size_t)k : 1;
  return k > 0 ? cp : -1;
}

/* Letter case of s[0..n): sets title, upper and lower of `c` (Latin and other cased scripts). */
static void letter_case(cand *c, const char *s, size_t n) {
  size_t adv, i = 0;
  bool first = true, any_lower_after = false, any_upper = false;
  for (i = 0; i < n && (unsigned char)s[i] < 0x80; i++) { /* ASCII: no utf8proc (most words) */
    bool up = s[i] >= 'A' && s[i] <= 'Z';
    if (i == 0) c->upper = up;
    else if (s[i] >= 'a' && s[i] <= 'z') any_lower_after = true;
    any_upper |= up;
  }
  if (i == n) {
    c->title = c->upper && any_lower_after;
    c->lower = !any_upper;
    return;
  }
  i = 0;
  any_lower_after = any_upper = false;
  while (i < n) {
    int32_t cp = first_cp(s + i, n - i, &adv);
    utf8proc_category_t cat = cp < 0 ? UTF8PROC_CATEGORY_CN : utf8proc_category(cp);
    bool up = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
    if (first) c->upper = up;
    else if (cat == UTF8PROC_CATEGORY_LL) any_lower_after = true;
    if (up) any_upper = true;
    first = false;
    i += adv;
  }
  c->title = c->upper && any_lower_after;
  c->lower = !any_upper;
}

/* Byte length of the possessive or plural-possessive ending of s[0..n): 's, ’s, ', ’. */
static size_t possessive(const char *s, size_t n) {
  if (n > 3 && s[n - 1] == 's' && s[n - 2] == '\'') return 2;
  if (n > 5 && s[n - 1] == 's' && memcmp(s + n - 4, "\xE2\x80\x99", 3) == 0) return 4;
  if (n > 2 && s[n - 1] == '\'') return 1;
  if (n > 4 && memcmp(s + n - 3, "\xE2\x80\x99", 3) == 0) return 3;
  return 0;
}

typedef struct finder {
  const vb_model *m;
  const char *text;
  vb__norm nz;
  vb__buf key;
} finder;

static int key_of(finder *F, const char *s, size_t n) {
  F->key.len = 0;
  size_t i = 0;
  while (i < n && (unsigned char)s[i] < 0x80) i++;
  if (i < n) return vb__normalize(&F->nz, s, n, 0, &F->key);
  int rc = vb__buf_reserve(&F->key, n + 1); /* ASCII: its key is its lower case */
  if (rc) return rc;
  for (i = 0; i < n; i++) F->key.data[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
  F->key.data[n] = '\0';
  F->key.len = n;
  return VB_OK;
}

static uint32_t listed(const finder *F, const char *k, size_t n) {
  uint32_t f;
  if (!vb__strmap_get(&F->m->names, k, n, &f)) return 0;
  return f & VB__NAME_STOP ? f | VB__NAME_WORD : f;
}

/* The raw bytes of the first `letters` Hebrew letters of s (marks after a letter go with it). */
static size_t he_letters(const char *s, size_t n, size_t letters) {
  size_t i = 0, adv;
  while (i < n && letters) {
    (void)first_cp(s + i, n - i, &adv);
    i += adv;
    while (i < n) { /* the letter's marks (points, cantillation) */
      size_t a2;
      int32_t cp = first_cp(s + i, n - i, &a2);
      if (cp < 0x0591 || cp > 0x05C7 || cp == 0x05BE || cp == 0x05C0 || cp == 0x05C3 ||
          cp == 0x05C6)
        break;
      i += a2;
    }
    letters--;
  }
  return i;
}

/* ד"ר (doctor; the tokenizer keeps it one word, and the lists hold no marks) */
static bool he_doctor(const char *k, size_t n) {
  return n == 5 && memcmp(k, "\xD7\x93\"\xD7\xA8", 5) == 0;
}

/* Whether a word list holds the key in F->key: a stopword, a lexicon's word of any language,
 * a word of the Hebrew vocabulary. */
static bool key_known(const finder *F, bool he) {
  const char *k = F->key.data;
  size_t n = F->key.len;
  uint32_t v;
  if (vb__strmap_get(&F->m->names, k, n, &v) && (v & VB__NAME_STOP)) return true;
  for (int l = 0; l < VB_LANG_COUNT; l++)
    if (vb__strmap_get(&F->m->lex[l].surface, k, n, &v)) return true;
  return he && F->m->he_vocab && vb__he_vocab_has(F->m->he_vocab, k, n);
}

/* The same for a word of the text (its whole token part, found again): asked only of the few
 * words a rule needs it for, so that the common word costs no lexicon lookups. */
static bool known(finder *F, const cand *c) {
  if (c->stop) return true;
  const char *s = F->text + c->ws;
  size_t n = c->we - c->ws, pos = c->he ? 0 : possessive(s, n);
  return key_of(F, s, n - pos) == VB_OK && key_known(F, c->he);
}

/* Looks one word part s[0..n) up: fills ns, ne and f of `c` (at byte `at` of the text). */
static int look_up(finder *F, cand *c, size_t at, const char *s, size_t n) {
  if (n > 1 && s[n - 1] == '.') n--; /* "St.", "Dr." */
  c->ws = c->ns = at;
  c->we = c->ne = at + n;
  c->he = n >= 2 && (unsigned char)s[0] == 0xD7;
  if (!c->he) letter_case(c, s, n);
  else c->mehe = n >= 8 && memcmp(s, "\xD7\x9E\xD7\x94", 4) == 0;
  size_t pos = c->he ? 0 : possessive(s, n);
  int rc = key_of(F, s, n - pos);
  if (rc) return rc;
  c->f = listed(F, F->key.data, F->key.len);
  c->stop = c->f & VB__NAME_STOP;
  if (c->he && he_doctor(F->key.data, F->key.len)) c->f |= VB__NAME_TITLE;
  if (c->f & ~(uint32_t)(VB__NAME_STOP | VB__NAME_WORD)) {
    c->ne -= pos;
    return VB_OK;
  }
  if (c->he) { /* after proclitics: ליוסי, ומיכל */
    size_t lens[4];
    size_t np = vb__he_prefixes(F->key.data, F->key.len, lens, 4);
    for (size_t p = 0; p < np; p++) {
      /* the proclitics names take: one letter, or ו and one (ליוסי, ולדני); no article (הדני),
       * nor longer runs that read other words (מ+ש+ענת in משענת) */
      const char *k = F->key.data;
      if (memcmp(k + lens[p] - 2, "\xD7\x94", 2) == 0 ||
          !(lens[p] == 2 || (lens[p] == 4 && memcmp(k, "\xD7\x95", 2) == 0)))
        continue;
      uint32_t f = listed(F, F->key.data + lens[p], F->key.len - lens[p]);
      if ((f & VB__NAME_TITLE) || he_doctor(k + lens[p], F->key.len - lens[p])) {
        c->f = VB__NAME_TITLE; /* ומר, וד"ר */
        return VB_OK;
      }
      if ((f & (VB__NAME_GIVEN | VB__NAME_SURNAME)) && !key_known(F, true)) {
        /* (a word the lists know is itself, not proclitics and a name) */
        c->f = f;
        c->ns = at + he_letters(s, n, lens[p] / 2); /* Hebrew letters are two bytes in keys */
        return VB_OK;
      }
    }
  } else if (!pos && n > 4 && s[n - 1] == 's') {
    /* a Scandinavian genitive (Annas, Mikaels), not of a word (a stopword, a lexicon's) */
    uint32_t f = listed(F, F->key.data, F->key.len - 1);
    if ((f & (VB__NAME_GIVEN | VB__NAME_SURNAME)) && !(f & VB__NAME_WORD) && !key_known(F, false)) {
      c->f = f;
      c->ne -= 1;
    }
  }
  return VB_OK;
}

/* ---- brands and speaker labels ---- */

/* The next word of s[*i..n) (ASCII letters, digits and apostrophes; bytes above 0x7F count as
 * letters), its possessive ending left out, as [*b, *e); false at the end. */
static bool next_word(const char *s, size_t n, size_t *i, size_t *b, size_t *e) {
  while (*i < n && (unsigned char)s[*i] < 0x80 && !vb__ascii_alpha(s[*i]) &&
         !(s[*i] >= '0' && s[*i] <= '9'))
    (*i)++;
  *b = *i;
  while (*i < n && ((unsigned char)s[*i] >= 0x80 || vb__ascii_alpha(s[*i]) ||
                    (s[*i] >= '0' && s[*i] <= '9') || s[*i] == '\''))
    (*i)++;
  *e = *i - possessive(s + *b, *i - *b);
  return *i > *b;
}

int vb__names_brand_term(vb_model *m, const char *term) {
  finder F = {m, NULL, {0}, {0}};
  vb__buf phrase = {0};
  size_t i = 0, n = strlen(term), b, e, words = 0, first_len = 0;
  int rc = VB_OK;
  while (rc == VB_OK && next_word(term, n, &i, &b, &e)) {
    if ((rc = key_of(&F, term + b, e - b))) break;
    if ((words++ && vb__buf_putc(&phrase, ' ')) || vb__buf_append(&phrase, F.key.data, F.key.len))
      rc = VB_ENOMEM;
    if (words == 1) first_len = phrase.len;
  }
  bool found;
  uint32_t *v;
  if (rc == VB_OK && words && words < 64) {
    /* the term; its first word says where terms start and how many words the longest has */
    if ((rc = vb__strmap_put(&m->brand_names, phrase.data, phrase.len, 0, &found, &v)) == VB_OK)
      *v |= VB__BRAND_TERM;
    if (rc == VB_OK &&
        (rc = vb__strmap_put(&m->brand_names, phrase.data, first_len, 0, &found, &v)) == VB_OK &&
        (*v >> 8) < words)
      *v = (*v & 0xFF) | VB__BRAND_START | (uint32_t)(words << 8);
    else if (rc == VB_OK)
      *v |= VB__BRAND_START;
  }
  vb__buf_free(&phrase);
  vb__free(F.nz.cps);
  vb__buf_free(&F.key);
  return rc;
}

/* Marks the candidates that are the words of a brand-list term (c[i].brand): the longest term
 * starting at each. A Hebrew term's first word may carry proclitics (באורי, ולאורי): it is
 * looked up from where the name would begin (c[i].ns, moved past them when the rest is a
 * listed name, as only then is there a name to keep it from). */
static int brand_words(finder *F, cand *c, size_t nc) {
  vb__buf phrase = {0};
  int rc = VB_OK;
  for (size_t i = 0; i < nc && rc == VB_OK; i++) {
    size_t from = c[i].he ? c[i].ns : c[i].ws;
    const char *s = F->text + from;
    size_t n = c[i].we - from;
    uint32_t v;
    if ((rc = key_of(F, s, n - (c[i].he ? 0 : possessive(s, n))))) break;
    if (!vb__strmap_get(&F->m->brand_names, F->key.data, F->key.len, &v) ||
        !(v & VB__BRAND_START))
      continue;
    size_t longest = v >> 8, found = 0;
    phrase.len = 0;
    for (size_t k = 0; k < longest && i + k < nc && rc == VB_OK; k++) {
      size_t at = k ? c[i + k].ws : from;
      s = F->text + at;
      n = c[i + k].we - at;
      if ((rc = key_of(F, s, n - (c[i + k].he ? 0 : possessive(s, n))))) break;
      if ((k && vb__buf_putc(&phrase, ' ')) || vb__buf_append(&phrase, F->key.data, F->key.len))
        rc = VB_ENOMEM;
      else if (vb__strmap_get(&F->m->brand_names, phrase.data, phrase.len, &v) &&
               (v & VB__BRAND_TERM))
        found = k + 1;
    }
    for (size_t k = 0; k < found; k++) c[i + k].brand = true;
    if (found) i += found - 1;
  }
  vb__buf_free(&phrase);
  return rc;
}

int vb__names_label_words(const vb_model *m, const char *const *labels, size_t n_labels,
                          vb__buf *words) {
  finder F = {m, NULL, {0}, {0}};
  int rc = VB_OK;
  words->len = 0;
  for (size_t l = 0; l < n_labels && rc == VB_OK; l++) {
    const char *s = labels[l];
    size_t i = 0, n = strlen(s), b, e;
    while (rc == VB_OK && next_word(s, n, &i, &b, &e)) {
      size_t letters = 0;
      bool digit = false;
      for (size_t q = b; q < i; q++) {
        digit |= s[q] >= '0' && s[q] <= '9';
        letters += ((unsigned char)s[q] & 0xC0) != 0x80;
      }
      if (digit || letters < 2) continue;
      bool he = (unsigned char)s[b] == 0xD7;
      if (!he && (unsigned char)s[b] < 0x80 && !(s[b] >= 'A' && s[b] <= 'Z')) continue;
      if ((rc = key_of(&F, s + b, i - b))) break;
      uint32_t f = listed(&F, F.key.data, F.key.len);
      if (f & ~(uint32_t)(VB__NAME_GIVEN | VB__NAME_SURNAME | VB__NAME_WORD | VB__NAME_PROPER))
        continue; /* a title, role, place word, conjunction, word after a name, stopword */
      if (he && (f & VB__NAME_WORD || key_known(&F, true))) continue;
      if (vb__buf_append(words, s + b, i - b) || vb__buf_putc(words, '\0')) rc = VB_ENOMEM;
    }
  }
  vb__free(F.nz.cps);
  vb__buf_free(&F.key);
  return rc;
}

/* Whether the word part s[0..n) is one of the label words: the same bytes, with a possessive
 * or (Latin, three letters or more) a genitive s after them, or (Hebrew) after one proclitic
 * letter other than the article, or ו and one. Sets the name's bytes [*ns, *ne) in s. */
static bool label_word(const char *s, size_t n, bool he, const char *words, size_t len,
                       size_t *ns, size_t *ne) {
  size_t pos = he ? 0 : possessive(s, n);
  for (size_t i = 0; i < len;) {
    const char *w = words + i;
    size_t wl = strlen(w);
    i += wl + 1;
    *ns = 0;
    *ne = wl;
    if (n - pos == wl && !memcmp(s, w, wl)) return true;
    if (!he && n == wl + 1 && wl >= 3 && s[wl] == 's' && !memcmp(s, w, wl)) return true;
    if (he && n > wl && !memcmp(s + n - wl, w, wl)) {
      size_t p = n - wl; /* the proclitics' bytes: Hebrew letters are two */
      *ns = p;
      *ne = n;
      if ((p == 2 && memcmp(s, "\xD7\x94", 2) != 0) || (p == 4 && !memcmp(s, "\xD7\x95", 2) &&
                                                       memcmp(s + 2, "\xD7\x94", 2) != 0))
        return true;
    }
  }
  return false;
}

static bool punct_is(const char *s, size_t n, const char *what) {
  return n == strlen(what) && memcmp(s, what, n) == 0;
}

/* Whether token k begins a sentence: nothing before it but opening quotes, brackets and
 * dashes since the text's start, a line break, an emoji or . ! ? : … */
static bool starts_sentence(const char *text, const vb__tok *t, size_t k) {
  for (size_t p = k; p-- > 0;) {
    if (t[p + 1].flags & VB__TOKF_LINE) return true;
    if (t[p].type == VB_TOK_EMOJI || t[p].type == VB_TOK_EMOTICON) return true;
    if (t[p].type != VB_TOK_PUNCT) return false;
    const char *s = text + t[p].start;
    size_t n = t[p].end - t[p].start;
    if ((s[0] && strchr(".!?:", s[0])) || punct_is(s, n, "\xE2\x80\xA6")) return true;
    if (!((s[0] && strchr("\"'([-*", s[0])) || punct_is(s, n, "\xC2\xAB") || punct_is(s, n, "\xC2\xBB") ||
          punct_is(s, n, "\xE2\x80\x9C") || punct_is(s, n, "\xE2\x80\x9D") ||
          punct_is(s, n, "\xE2\x80\x98") || punct_is(s, n, "\xE2\x80\x99") ||
          punct_is(s, n, "\xE2\x80\x93") || punct_is(s, n, "\xE2\x80\x94")))
      return false;
  }
  return true; /* the text's first word */
}

/* Whether the word after c[i] says that c[i] is a person: a role ("גל הטכנאי"), a word listed
 * as `a` ("Per i kundtjänst", "Frank from support"), or Hebrew "from the" (מה) before a
 * workplace ("אבי מהמוסך", "שחר מהמשלוחים"). */
static bool said_after(const cand *c, size_t nc, size_t i) {
  if (i + 1 >= nc || c[i + 1].tok != c[i].tok + 1 || c[i + 1].line || c[i].joined) return false;
  const cand *y = &c[i + 1];
  if (y->f & (VB__NAME_ROLE | VB__NAME_AFTER)) return true;
  return c[i].he && y->he && y->mehe;
}

int vb__names_find(const vb_model *m, const char *text, const vb__tok *t, size_t n_tok,
                   const char *words, size_t words_len, vb__spans *out) {
  finder F = {m, text, {0}, {0}};
  cand *c = NULL;
  size_t nc = 0, cap = 0;
  int rc = n_tok ? vb__grow(&c, &cap, n_tok + 8, sizeof *c) : VB_OK; /* (a part per word, mostly) */
  /* the word before was a title / a role / a place word */
  bool title_before = false, role_before = false, place_before = false;
  for (size_t k = 0; rc == VB_OK && k < n_tok; k++) {
    if (t[k].type != VB_TOK_WORD) {
      /* a comma may stand between a role and its name ("the driver, Tom,"), a dot after a
       * title ("Mr . Smith" as the tokenizer splits it) */
      bool attached = k > 0 && t[k].start == t[k - 1].end;
      if (!(t[k].type == VB_TOK_PUNCT && text[t[k].start] == ',')) role_before = false;
      if (!(t[k].type == VB_TOK_PUNCT && text[t[k].start] == '.' && attached))
        title_before = place_before = false;
      continue;
    }
    const char *s = text + t[k].start;
    size_t n = t[k].end - t[k].start, at = t[k].start;
    bool start = starts_sentence(text, t, k), first = true;
    bool title = title_before, role = role_before, place = place_before;
    title_before = role_before = place_before = false;
    while (rc == VB_OK && n) { /* the parts of a hyphenated word */
      const char *h = memchr(s, '-', n);
      size_t pl = h ? (size_t)(h - s) : n;
      if (pl) {
        if (nc == cap && (rc = vb__grow(&c, &cap, nc + 1, sizeof *c))) break;
        cand *x = &c[nc++];
        memset(x, 0, sizeof *x);
        x->tok = k;
        x->start = start && first;
        x->line = first && (t[k].flags & VB__TOKF_LINE);
        if ((rc = look_up(&F, x, at, s, pl))) break;
        size_t lns, lne;
        if (words_len && label_word(s, pl, x->he, words, words_len, &lns, &lne)) {
          x->label = true;
          x->ns = at + lns;
          x->ne = at + lne;
        }
        if (!first) c[nc - 2].joined = true;
        /* גב' (Mrs): the tokenizer splits the geresh off */
        if (x->he && pl == 4 && !memcmp(s, "\xD7\x92\xD7\x91", 4) && !h && k + 1 < n_tok &&
            t[k + 1].type == VB_TOK_PUNCT && t[k + 1].start == t[k].end &&
            (punct_is(text + t[k + 1].start, t[k + 1].end - t[k + 1].start, "'") ||
             punct_is(text + t[k + 1].start, t[k + 1].end - t[k + 1].start, "\xD7\xB3"))) {
          x->f = VB__NAME_TITLE;
          k++;
        }
        if (x->f & VB__NAME_TITLE) title_before = true;
        if (x->f & VB__NAME_ROLE) role_before = true;
        if (x->f & VB__NAME_PLACE) place_before = true;
        x->after_title = title && first;
        x->after_role = role && first;
        x->after_place = place && first;
        first = false;
      }
      if (!h) break;
      at += pl + 1;
      s += pl + 1;
      n -= pl + 1;
    }
  }
  /* adjacency: the same hyphenated word, or the next token with only spaces between */
#define NEXT_TO(i) \
  ((i) + 1 < nc && (c[i].joined || (c[(i) + 1].tok == c[i].tok + 1 && !c[(i) + 1].line)))
  const uint32_t NAME = VB__NAME_GIVEN | VB__NAME_SURNAME;
  if (rc == VB_OK && m->brand_names.n_entries) rc = brand_words(&F, c, nc);
  for (size_t i = 0; rc == VB_OK && i < nc; i++) { /* names by themselves */
    cand *x = &c[i];
    bool named = x->f & NAME, word = x->f & VB__NAME_WORD;
    size_t len = x->ne - x->ns;
    if (x->brand)
      x->mark = false;
    else if (x->label)
      x->mark = true;
    else if ((x->f & (VB__NAME_TITLE | VB__NAME_ROLE | VB__NAME_PLACE)) || x->after_place)
      x->mark = false;
    else if (x->he) /* after a title, a word no list holds (מר can also mean "bitter") */
      x->mark = (named && (!word || x->after_role || x->after_title || said_after(c, nc, i))) ||
                (x->after_title && !known(&F, x));
    else if (named && !word) x->mark = !x->lower || len >= 3;
    else if (named)
      x->mark = x->title && ((!x->start && !(x->f & VB__NAME_PROPER)) || x->after_title ||
                             x->after_role ||
                             (NEXT_TO(i) && c[i + 1].title && (c[i + 1].f & NAME)) ||
                             ((x->f & VB__NAME_GIVEN) && said_after(c, nc, i)));
    else x->mark = x->after_title && x->upper;
  }
  /* names next to names; a few rounds (a name has a few words: a long run of capitals must not
   * cost a round a word) */
  bool grew = true;
  for (int round = 0; grew && round < 4; round++) {
    grew = false;
    for (size_t i = 0; i < nc; i++) {
      cand *x = &c[i];
      if (x->mark || x->brand || (x->f & (VB__NAME_TITLE | VB__NAME_ROLE | VB__NAME_PLACE)) ||
          x->after_place)
        continue;
      bool after = i > 0 && NEXT_TO(i - 1) && c[i - 1].mark;
      bool before = NEXT_TO(i) && c[i + 1].mark;
      /* "Tine og Morten", "Lise and Ahmad": a name is joined to a name */
      bool joined = NEXT_TO(i) && NEXT_TO(i + 1) && (c[i + 1].f & VB__NAME_CONJ) && c[i + 2].mark &&
                    (c[i].f & NAME) && (x->he || x->title);
      if (joined) {
        x->mark = grew = true;
        continue;
      }
      if (!after && !before) continue;
      if (x->he) x->mark = (x->f & NAME) != 0;
      else /* a surname by position; not in a heading's run of capitals ("Stochastic Processes") */
        x->mark = x->title && ((x->f & NAME) || (after && !x->start && !known(&F, x) &&
                                                 !(NEXT_TO(i) && c[i + 1].title)));
      grew |= x->mark;
    }
  }
  for (size_t i = 0; rc == VB_OK && i < nc; i++) { /* spans: neighbours make one */
    if (!c[i].mark) continue;
    size_t e = i;
    while (NEXT_TO(e) && c[e + 1].mark) e++;
    rc = vb__spans_add(out, c[i].ns, c[e].ne, VB__SPAN_NAME);
    i = e;
  }
#undef NEXT_TO
  vb__free(c);
  vb__free(F.nz.cps);
  vb__buf_free(&F.key);
  return rc;
}
