/*
 * stem_he.c - a light Hebrew stemmer guarded by a vocabulary (HLS-1 in LANGUAGES.md).
 *
 * Hebrew glues proclitics (ו ה ב כ ל מ ש and combinations) to the front of words and inflects
 * with suffixes. Stripping blindly destroys the words customers use most (משלוח -> לוח
 * "board", שירות -> שיר "song"), so a split (prefix, stem, suffix) is accepted only when the
 * stem, stem+ה or stem+ת is a known word. Among accepted splits the one with the LONGEST stem
 * wins (then the one that strips more): HLS-1 in LANGUAGES.md takes the split that strips the
 * most, but with a vocabulary that knows לוח "board" and שיר "song", that rule turns משלוחים
 * into לוח and שירות into שיר; the longest known stem keeps the word the customer wrote. A
 * final ה or ת of a stem longer than three letters is then dropped, so that הזמנה and הזמנות
 * both give הזמנ. Acronyms (דו"ח, צה"ל) are never cut, but a legal prefix before a known
 * acronym is removed (בדו"ח -> דו"ח). Keys arrive normalised: no points, final letters folded.
 *
 * Beyond HLS-1: verbs are listed in the vocabulary in one form only (past, third person
 * masculine singular), so a split whose stem is not known is tried again through templates
 * of Hebrew inflection (participles, infinitives, future forms of the binyanim, construct
 * feminine nouns, plurals of two-letter cores: see "Templates" below), limited by what the
 * proclitics allow (no future after the article or a preposition). A split after a proclitic
 * מ gives way to a participle reading (מזמינים -> הזמין, not מ + זמינים). Suppletive plurals
 * (ימים -> יום, אנשים -> איש) come from a small table, and a function word after proclitics
 * is that function word (ואין -> אין). Nothing is allocated: candidates are built on the stack.
 *
 * All Hebrew letters are two bytes in UTF-8 (U+05D0..U+05EA = D7 90..D7 AA), so lengths below
 * are in bytes and a letter is two of them.
 */
#include "vb_text.h"

struct vb__he_vocab {
  vb__strmap words;
  vb__strmap protect; /* protected_words (below), asked for every Hebrew word stemmed */
  vb__strmap base;    /* known(): the words, and those ending in ה or ת without that letter */
};

/* A word with its length in bytes, known at compile time: these tables are read for every
 * Hebrew token, and strlen on each entry cost a quarter of Hebrew analysis time. */
typedef struct hword {
  const char *s;
  size_t n;
} hword;
#define W(lit) {lit, sizeof(lit) - 1}

/* Function words never stemmed. */
static const hword protected_words[] = {
    W("של"), W("את"), W("עמ"), W("על"), W("כל"), W("לא"), W("אינ"), W("גמ"), W("רק"), W("כי"), W("מה"), W("זה"), W("זו"), W("זאת"),
    W("הוא"), W("היא"), W("הממ"), W("הנ"), W("אני"), W("אנחנו"), W("אתה"), W("את"), W("אתמ"), W("אבל"), W("או"), W("אמ"), W("אז"),
    W("כמו"), W("כבר"), W("עוד"), W("היה"), W("היתה"), W("הייתה"), W("היו"), W("יש"), W("אינו"), W("אינה"), W("מאוד"), W("למה"),
    W("איפה"), W("מתי"), W("איכ"), W("כמה"), W("שלי"), W("שלו"), W("שלה"), W("שלנו"), W("שלכמ"), W("שלהמ"), W("אותי"), W("אותו"),
    W("אותה"), W("אותנו"), W("אותמ"), W("לי"), W("לו"), W("לה"), W("לנו"), W("להמ"), W("בו"), W("בה"), W("בי"), W("ממני"), W("ממנו"),
    W("אחרי"), W("לפני"), W("בלי"), W("ללא"), W("עכשיו"), W("פה"), W("שמ"), W("כאנ"), W("הכל"), W("כלומ"), W("משהו"), W("מישהו"),
    W("כנ"), W("אולי"), W("בגלל"), W("למרות"), W("אפילו"), W("בכלל"), W("ממש"), W("יותר"), W("פחות"), {NULL, 0}};


/* Suffixes with final letters folded (ם -> מ, ן -> נ), longest first. */
static const hword he_suffixes[] = {
    W("ותיהמ"), W("ותיהנ"), W("ותיכמ"), W("ותיכנ"), W("ותינו"), W("ותיו"), W("ותיה"), W("ותיי"), W("יהמ"), W("יהנ"), W("יכמ"),
    W("יכנ"), W("ינו"), W("יות"), W("ימ"), W("ות"), W("יו"), W("יה"), W("המ"), W("הנ"), W("כמ"), W("כנ"), W("נו"), W("תי"), W("תמ"), W("תנ"),
    W("ה"), W("ת"), W("י"), W("ו"), {NULL, 0}};

/* Hebrew letters only; with `quotes`, also a gershayim (") inside (an acronym). */
static bool hebrew_word(const char *s, size_t len, bool quotes, bool *has_quote) {
  bool q = false;
  size_t i = 0;
  while (i < len) {
    if (s[i] == '"' && quotes && i > 0 && i + 1 < len) {
      q = true;
      i++;
      continue;
    }
    if (i + 1 >= len) return false;
    unsigned char a = (unsigned char)s[i], b = (unsigned char)s[i + 1];
    if (a != 0xD7 || b < 0x90 || b > 0xAA) return false;
    i += 2;
  }
  if (has_quote) *has_quote = q;
  return len > 0;
}

void vb__he_vocab_free(vb__he_vocab *v) {
  if (!v) return;
  vb__strmap_free(&v->words);
  vb__strmap_free(&v->protect);
  vb__strmap_free(&v->base);
  vb__free(v);
}

int vb__he_vocab_new(vb__he_vocab **out) {
  vb__he_vocab *v = vb__calloc(1, sizeof *v);
  if (!v) return VB_ENOMEM;
  vb__strmap_init(&v->words);
  vb__strmap_init(&v->protect);
  vb__strmap_init(&v->base);
  for (const hword *w = protected_words; w->s; w++)
    if (vb__strmap_put(&v->protect, w->s, w->n, 0, NULL, NULL)) {
      vb__he_vocab_free(v);
      return VB_ENOMEM;
    }
  *out = v;
  return VB_OK;
}

/* (known() asks of a stem of up to 254 bytes whether it, or it with ה or ת after it, is a word) */
#define HE_BASE_MAX 254

int vb__he_vocab_add(vb__he_vocab *v, const char *key, size_t len) {
  if (!hebrew_word(key, len, true, NULL)) return VB_OK;
  if (vb__strmap_put(&v->words, key, len, 0, NULL, NULL) ||
      vb__strmap_put(&v->base, key, len, 0, NULL, NULL))
    return VB_ENOMEM;
  if (len >= 2 && len - 2 <= HE_BASE_MAX && (unsigned char)key[len - 2] == 0xD7 &&
      ((unsigned char)key[len - 1] == 0x94 || (unsigned char)key[len - 1] == 0xAA)) /* ה, ת */
    return vb__strmap_put(&v->base, key, len - 2, 0, NULL, NULL);
  return VB_OK;
}

size_t vb__he_vocab_size(const vb__he_vocab *v) { return v ? vb__strmap_size(&v->words) : 0; }

/* Whether s is a word, or is one with ה or ת after it (one lookup in `base`). */
static bool known(const vb__he_vocab *v, const char *s, size_t len) {
  uint32_t dummy;
  if (len > HE_BASE_MAX) return vb__strmap_get(&v->words, s, len, &dummy);
  return vb__strmap_get(&v->base, s, len, &dummy);
}

static bool in_list(const hword *list, const char *s, size_t len) {
  for (const hword *w = list; w->s; w++)
    if (w->n == len && w->s[len - 1] == s[len - 1] && memcmp(w->s, s, len) == 0) return true;
  return false;
}

static bool is_protected(const vb__he_vocab *v, const char *s, size_t len) {
  uint32_t dummy;
  return vb__strmap_get(&v->protect, s, len, &dummy);
}

/* The second byte of the Hebrew letter at key[at] (every letter is D7 xx), or 0. */
static unsigned he_letter(const char *key, size_t len, size_t at) {
  return at + 2 <= len && (unsigned char)key[at] == 0xD7 ? (unsigned char)key[at + 1] : 0;
}
/* The second bytes of the letters named here */
#define HE_ALEF 0x90
#define HE_BET 0x91
#define HE_HE 0x94
#define HE_VAV 0x95
#define HE_YOD 0x99
#define HE_KAF 0x9B
#define HE_LAMED 0x9C
#define HE_MEM 0x9E
#define HE_NUN 0xA0
#define HE_SHIN 0xA9
#define HE_TAV 0xAA

/* Proclitic prefixes: optional ו, then optional ש/כש/מש/לכש, then optional ב/כ/ל/מ, then
 * optional ה (99 combinations). Those the key begins with, leaving two letters or more, are
 * found by walking the key through the four slots (each slot's choices begin with different
 * letters, so at most one of them is there; a prefix of a given length is one string, so each
 * length counts once), and given longest first. */
static size_t prefixes_of(const char *key, size_t len, size_t *lens, size_t max) {
  unsigned found = 0; /* bit L / 2: a prefix of L bytes */
  size_t vav = he_letter(key, len, 0) == HE_VAV ? 2 : 0;
  for (size_t v = 0; v <= vav; v += 2) {
    /* ש, כש, מש, לכש */
    unsigned l0 = he_letter(key, len, v), l1 = he_letter(key, len, v + 2);
    size_t shin = l0 == HE_SHIN                                       ? 2
                  : (l0 == HE_KAF || l0 == HE_MEM) && l1 == HE_SHIN ? 4
                  : l0 == HE_LAMED && l1 == HE_KAF && he_letter(key, len, v + 4) == HE_SHIN ? 6
                                                                                          : 0;
    for (size_t a = v; a <= v + shin; a += shin ? shin : 1) {
      unsigned l = he_letter(key, len, a);
      size_t bklm = l == HE_BET || l == HE_KAF || l == HE_LAMED || l == HE_MEM ? 2 : 0;
      for (size_t c = a; c <= a + bklm; c += 2) {
        size_t he = he_letter(key, len, c) == HE_HE ? 2 : 0;
        for (size_t e = c; e <= c + he; e += 2)
          if (e > 0 && e + 4 <= len) found |= 1u << (e / 2);
      }
    }
  }
  size_t n = 0;
  for (size_t l = 6; l >= 1 && n < max; l--)
    if (found & (1u << l)) lens[n++] = 2 * l;
  return n;
}

size_t vb__he_prefixes(const char *key, size_t len, size_t *lens, size_t max) {
  if (hebrew_word(key, len, true, NULL)) return prefixes_of(key, len, lens, max);
  /* proclitics written with a hyphen before a word of another script or a number, as Hebrew
   * spelling has them (ל-Google, ב-2020, ו-Vexa): the one reading is the word after the
   * hyphen, when the letters before it are a sequence of proclitics */
  const char *dash = max ? memchr(key, '-', len) : NULL;
  size_t p = dash ? (size_t)(dash - key) : 0;
  if (p == 0 || p > 12 || p + 1 >= len || !hebrew_word(key, p, false, NULL)) return 0;
  char probe[16]; /* the proclitics before a two-letter word: prefixes_of() finds them */
  memcpy(probe, key, p);
  memcpy(probe + p, "\xD7\x90\xD7\x90", 4);
  size_t found[8], n = prefixes_of(probe, p + 4, found, 8);
  for (size_t k = 0; k < n; k++)
    if (found[k] == p) {
      lens[0] = p + 1;
      return 1;
    }
  return 0;
}

/* Plurals and construct forms that no suffix rule reaches (keys, finals folded), with the
 * singular they belong to. Each ends in ם, י or ת: vb__he_stem looks here only for such words
 * (test_noun_templates stems every form). */
static const struct {
  hword form, lemma;
} irregular[] = {
    {W("ימימ"), W("יומ")},   {W("ימי"), W("יומ")},     {W("אנשימ"), W("איש")}, {W("אנשי"), W("איש")},
    {W("נשימ"), W("אשה")},   {W("נשות"), W("אשה")},    {W("בנימ"), W("בנ")},   {W("בנות"), W("בת")},
    {W("ערימ"), W("עיר")},   {W("ערי"), W("עיר")},     {W("בתימ"), W("בית")},  {W("בתי"), W("בית")},
    {W("אחימ"), W("אח")},    {W("אחיות"), W("אחות")}, {W("אבות"), W("אב")},   {W("אמהות"), W("אמ")},
    {W("שמות"), W("שמ")},    {{NULL, 0}, {NULL, 0}}};

/* Nouns of the pattern C1 C2 ו C3 whose C1 C2 C3 is also a word: after ל they are the noun
 * (ללקוח "to the customer"), not an infinitive (לסגור -> סגר). Adjectives of the pattern (סגור,
 * כתוב, חשוב) are left out on purpose: after ל the infinitive is the likelier reading. */
static const hword cvcc_nouns[] = {
    W("לקוח"), W("רחוב"), W("שבוע"), W("עמוד"), W("טיול"), W("נתונ"), W("מנוע"), W("אחות"), W("רשות"),
    W("שעונ"), W("בחור"), W("מיונ"), W("ציור"), W("גבול"), W("עשור"), W("אחוז"), W("שלומ"), W("דיונ"),
    W("רווח"), W("רכוש"), W("יבוא"), W("יצוא"), W("חלומ"), W("אמונ"), W("כבוד"), W("צחוק"), W("סיומ"),
    W("סיור"), W("בטונ"), W("ביוב"), W("כלוב"), W("מכונ"), W("יסוד"), W("אלופ"), W("גיוס"), W("חלוצ"),
    W("עיונ"), W("רווק"), W("חלוק"), W("ספוג"), W("פגוש"), W("פחות"), W("משומ"), W("בעוד"), {NULL, 0}};

/* ---- Templates: inflected verb forms and construct nouns to their dictionary form ----
 *
 * The vocabulary lists verbs in the past third person masculine singular (שלח, קיבל, הצביע,
 * התקשר, נבחר) and nouns in the absolute singular. A core (the word without its proclitics
 * and suffix) that is not itself known is rewritten the ways Hebrew inflects, and the first
 * rewrite that is a known word is taken:
 *   pa'al participle      C1 ו C2 C3  -> C1 C2 C3      שולח -> שלח, רוצ(ה) -> רצה
 *   pa'al infinitive      C1 C2 ו C3  -> C1 C2 C3      (ל)שלוח -> שלח
 *   lamed-he infinitive   ...ות       -> ...ה          (ל)עשות -> עשה
 *   future                [יתנא] rest -> rest, rest+ה, rest without ו, ה+rest (hif'il,
 *                         hitpa'el), נ+rest (nif'al), rest with י after its first letter (pi'el)
 *   participle            מ rest      -> ה+rest (מצביע -> הצביע, מתקשר -> התקשר), rest with
 *                         י after its first letter (מקבל -> קיבל)
 *   pi'el spelling        C1 י C2 C3 <-> C1 C2 C3     פירסם / פרסם
 *   nif'al infinitive     הי rest     -> נ+rest        (לה)יבחר -> נבחר
 *   construct feminine    ...ת        -> ...ה          שנת -> שנה
 * Hebrew letters are two bytes (D7 xx); `L(c, i)` is the second byte of letter i (HE_*). */
#define L(c, i) ((unsigned char)(c)[2 * (i) + 1])

typedef struct tbuf {
  char b[96];
  size_t n;
} tbuf;

static void t_set(tbuf *t, const char *s, size_t n) {
  memcpy(t->b, s, n);
  t->n = n;
}
static void t_letter(tbuf *t, unsigned char second) {
  t->b[t->n] = (char)0xD7;
  t->b[t->n + 1] = (char)second;
  t->n += 2;
}
/* s without its letter i */
static void t_drop(tbuf *t, const char *s, size_t n, size_t i) {
  memcpy(t->b, s, 2 * i);
  memcpy(t->b + 2 * i, s + 2 * i + 2, n - 2 * i - 2);
  t->n = n - 2;
}
/* s with letter `second` put before letter i */
static void t_insert(tbuf *t, const char *s, size_t n, size_t i, unsigned char second) {
  memcpy(t->b, s, 2 * i);
  t->n = 2 * i;
  t_letter(t, second);
  memcpy(t->b + t->n, s + 2 * i, n - 2 * i);
  t->n += n - 2 * i;
}

static bool in_vocab(const vb__he_vocab *v, const tbuf *t) {
  uint32_t dummy;
  return t->n >= 6 && vb__strmap_get(&v->words, t->b, t->n, &dummy);
}
/* t, or t + ה (a lamed-he verb whose ה fell before a suffix: עשו, רוצים) */
static bool in_vocab_h(const vb__he_vocab *v, tbuf *t) {
  if (in_vocab(v, t)) return true;
  t_letter(t, HE_HE);
  if (in_vocab(v, t)) return true;
  t->n -= 2;
  return false;
}

/* Rewrites of a core of `n` bytes that are not prefixed forms; true with the lemma in `t`.
 * `inf`: the core follows ל or a future prefix, where C1 C2 ו C3 and ...ות are an infinitive
 * or future stem (elsewhere they are mostly nouns and plurals: קשות is not קשת). */
static bool stem_forms(const vb__he_vocab *v, const char *c, size_t n, bool inf, tbuf *t) {
  size_t l = n / 2;
  if (l >= 3 && L(c, 1) == HE_VAV) { /* שולח, רוצ */
    t_drop(t, c, n, 1);
    if (in_vocab_h(v, t)) return true;
  }
  if (inf && l >= 3 && L(c, 2) == HE_VAV) { /* שלוח, כתוב */
    t_drop(t, c, n, 2);
    if (in_vocab(v, t)) return true;
  }
  if (inf && l >= 3 && L(c, l - 2) == HE_VAV && L(c, l - 1) == HE_TAV) { /* עשות, חכות */
    t_set(t, c, n - 4);
    t_letter(t, HE_HE);
    if (in_vocab(v, t)) return true;
    tbuf base = *t; /* (ל)חכות -> חיכה: pi'el */
    t_insert(t, base.b, base.n, 1, HE_YOD);
    if (in_vocab(v, t)) return true;
  }
  if (l >= 4 && L(c, 1) == HE_YOD) { /* פירסם -> פרסם */
    t_drop(t, c, n, 1);
    if (in_vocab(v, t)) return true;
  }
  if (l >= 3 && L(c, 1) != HE_YOD) { /* פרסם -> פירסם, נס(ה) -> ניסה */
    t_insert(t, c, n, 1, HE_YOD);
    if (in_vocab_h(v, t)) return true;
  }
  if (l >= 3 && L(c, l - 1) == HE_TAV) { /* שנת -> שנה */
    t_set(t, c, n - 2);
    t_letter(t, HE_HE);
    if (in_vocab(v, t)) return true;
  }
  return false;
}

/* מ rest: the participle of hif'il, hitpa'el (ה + rest) or pi'el (rest with י). */
static bool participle(const vb__he_vocab *v, const char *c, size_t n, tbuf *t) {
  size_t l = n / 2;
  /* מ then י is not a participle (מיכל, מיטה): pe-yod verbs make מו... (מוציא) */
  if (l < 3 || L(c, 0) != HE_MEM || L(c, 1) == HE_YOD || n > sizeof t->b - 4) return false;
  const char *r = c + 2;
  size_t rn = n - 2;
  t->n = 0; /* מצביע -> הצביע, מתקשר -> התקשר */
  t_letter(t, HE_HE);
  memcpy(t->b + 2, r, rn);
  t->n += rn;
  if (in_vocab(v, t)) return true;
  t_insert(t, r, rn, 1, HE_YOD); /* מקבל -> קיבל, מנס(ה) -> ניסה */
  return in_vocab_h(v, t);
}

/* What the proclitics before a core allow: a finite verb (future) only after nothing, ו or ש
 * (not after the article or a preposition); an infinitive after ל. */
enum { T_FINITE = 1, T_INF = 2, T_TWO = 4 };

static unsigned prefix_allows(const char *key, size_t pl) {
  if (pl == 0) return T_FINITE;
  unsigned char last = (unsigned char)key[pl - 1];
  if (last == HE_VAV || last == 0xA9 /* ש */) return T_FINITE;
  if (last == 0x9C /* ל */) return T_INF;
  return 0;
}

static bool template_lemma(const vb__he_vocab *v, const char *c, size_t n, unsigned allow,
                           tbuf *t) {
  size_t l = n / 2;
  if (n > sizeof t->b - 4 || l < 2) return false;
  if (l == 2) { /* שנ(ים) -> שנה, עש(ו) -> עשה: only before ים ות ו (T_TWO) */
    if (!(allow & T_TWO)) return false;
    t_set(t, c, n);
    t_letter(t, HE_HE);
    return in_vocab(v, t);
  }
  if (stem_forms(v, c, n, allow & T_INF, t)) return true;
  unsigned char first = L(c, 0);
  const char *r = c + 2;
  size_t rn = n - 2;
  if ((allow & T_FINITE) && l == 3 &&
      (first == HE_YOD || first == HE_TAV || first == HE_NUN || first == HE_ALEF)) {
    t_set(t, c + 2, n - 2); /* יענ(ו) -> ענה: lamed-he future before a suffix */
    t_letter(t, HE_HE);
    if (in_vocab(v, t)) return true;
  }
  if ((allow & T_FINITE) && l >= 4 &&
      (first == HE_YOD || first == HE_TAV || first == HE_NUN || first == HE_ALEF)) {
    /* hif'il (rest C1 C2 י C3: יזמין is not זמין "available") before the plain rest */
    bool hifil = L(r, rn / 2 - 2) == HE_YOD;
    for (int pass = 0; pass < 2; pass++) {
      if (pass == hifil) {
        t_set(t, r, rn); /* תקבל -> קבל; a ה after two letters only: יעש(ה), not קבל(ה) */
        if (rn == 4 ? in_vocab_h(v, t) : in_vocab(v, t)) return true;
      } else {
        t->n = 0; /* יצביע -> הצביע, יתקשר -> התקשר */
        t_letter(t, HE_HE);
        memcpy(t->b + 2, r, rn);
        t->n += rn;
        if (in_vocab(v, t)) return true;
      }
    }
    t->n = 0; /* ייבחר, יבחר -> נבחר */
    t_letter(t, HE_NUN);
    size_t skip = L(r, 0) == HE_YOD ? 2 : 0;
    memcpy(t->b + 2, r + skip, rn - skip);
    t->n += rn - skip;
    if (in_vocab(v, t)) return true;
    if (stem_forms(v, r, rn, true, t)) return true; /* יכתוב -> כתב, תקבל -> קיבל */
  }
  if (participle(v, c, n, t)) return true;
  if ((allow & T_INF) && l >= 4 && first == HE_HE && L(c, 1) == HE_YOD) { /* היבחר -> נבחר */
    t->n = 0;
    t_letter(t, HE_NUN);
    memcpy(t->b + 2, c + 4, n - 4);
    t->n += n - 4;
    if (in_vocab(v, t)) return true;
  }
  return false;
}

/* Writes a stem: a final ה or ת of a stem longer than three letters is dropped. */
static int finish(const char *stem, size_t n, vb__buf *out) {
  if (n > 6) {
    unsigned char last = (unsigned char)stem[n - 1];
    if (last == HE_HE || last == HE_TAV) n -= 2;
  }
  return vb__buf_append(out, stem, n);
}

int vb__he_stem(const vb__he_vocab *v, const char *key, size_t len, vb__buf *out) {
  bool acronym = false;
  bool hebrew = hebrew_word(key, len, true, &acronym); /* and without a quote, all letters */
  if (v && hebrew && acronym) {
    /* an acronym: only a legal prefix before a known acronym comes off */
    uint32_t dummy;
    size_t plens[64];
    size_t np = prefixes_of(key, len, plens, 64);
    for (size_t a = 0; a < np; a++)
      if (vb__strmap_get(&v->words, key + plens[a], len - plens[a], &dummy))
        return vb__buf_append(out, key + plens[a], len - plens[a]);
    return vb__buf_append(out, key, len);
  }
  if (v == NULL || len < 6 || !hebrew || is_protected(v, key, len))
    return vb__buf_append(out, key, len);
  /* Candidate prefixes: every legal one the word starts with, then the empty one. */
  size_t plens[64];
  size_t np = prefixes_of(key, len, plens, 63); /* (the word is Hebrew: checked above) */
  /* A function word after proclitics is that function word (ואין, שאני), or, when it has
   * two letters, the word as written (בזה, ולא; and מלא "full" is not מ+לא). */
  for (size_t a = 0; a < np; a++)
    if (is_protected(v, key + plens[a], len - plens[a]))
      return len - plens[a] <= 4 ? vb__buf_append(out, key, len)
                                 : vb__buf_append(out, key + plens[a], len - plens[a]);
  size_t best_start = 0, best_len = 0;
  bool found = false;
  plens[np++] = 0;
  unsigned char last = (unsigned char)key[len - 1];
  bool may_irregular = last == HE_MEM || last == HE_YOD || last == HE_TAV; /* how they end */
  for (size_t a = 0; a < np && may_irregular; a++)
    for (size_t i = 0; irregular[i].form.s; i++)
      if (irregular[i].form.n == len - plens[a] &&
          irregular[i].form.s[irregular[i].form.n - 1] == key[len - 1] &&
          memcmp(irregular[i].form.s, key + plens[a], len - plens[a]) == 0)
        return finish(irregular[i].lemma.s, irregular[i].lemma.n, out);
  /* The suffixes the word ends with, longest first, then the empty one: the same for every
   * prefix (each split takes those no longer than what the prefix leaves). */
  const hword *sufs[sizeof he_suffixes / sizeof he_suffixes[0]];
  size_t ns = 0;
  for (const hword *s = he_suffixes; s->s; s++)
    if (s->n < len && key[len - 1] == s->s[s->n - 1] && memcmp(key + len - s->n, s->s, s->n) == 0)
      sufs[ns++] = s;
  sufs[ns++] = &he_suffixes[sizeof he_suffixes / sizeof he_suffixes[0] - 1];
  for (size_t a = 0; a < np; a++) {
    size_t pl = plens[a];
    for (size_t k = 0; k < ns; k++) {
      const hword *s = sufs[k];
      size_t sl = s->n;
      if (sl > len - pl) continue;
      if (len - pl - sl >= 6 && known(v, key + pl, len - pl - sl)) {
        size_t stem_len = len - pl - sl;
        /* the longest known stem; on a tie the shorter prefix (שלחנו is שלח+נו, not ש+לחנו) */
        if (!found || stem_len > best_len || (stem_len == best_len && pl < best_start)) {
          found = true;
          best_start = pl;
          best_len = len - pl - sl;
        }
      }
    }
  }
  const char *stem = key + best_start;
  tbuf t;
  /* A split after a proclitic מ may be a participle instead (מזמינים is not מ+זמינים
   * "from available" but the participle of הזמין). */
  if (found && best_start >= 2 && (unsigned char)key[best_start - 1] == HE_MEM &&
      participle(v, key + best_start - 2, best_len + 2, &t)) {
    stem = t.b;
    best_len = t.n;
  } else if (found && best_start >= 2 && (unsigned char)key[best_start - 1] == 0x9C /* ל */ &&
             best_len == 8 && L(stem, 2) == HE_VAV && !in_list(cvcc_nouns, stem, best_len) &&
             (t_drop(&t, stem, best_len, 2), in_vocab(v, &t))) {
    /* after ל, C1 C2 ו C3 is the infinitive (לסגור -> סגר, not the adjective סגור), unless
     * it is one of the nouns of that pattern (ללקוחות -> לקוח) */
    stem = t.b;
    best_len = t.n;
  } else if (found && best_start >= 2 && (unsigned char)key[best_start - 1] == 0x9C /* ל */ &&
             !vb__strmap_get(&v->words, stem, best_len, &(uint32_t){0}) &&
             template_lemma(v, stem, best_len, T_INF, &t)) {
    /* after ל, a stem known only as stem+ה is an infinitive first: לקבל -> קיבל, not קבלה */
    stem = t.b;
    best_len = t.n;
  } else if (!found) {
    /* No split leaves a known word: try the templates on each split, the one with the
     * shortest prefix first, then the longest core (שנים is שנ+ים -> שנה, not ש+נים). */
    size_t best_core = 0, best_pl = 0;
    for (size_t a = 0; a < np; a++) {
      size_t pl = plens[a];
      for (size_t k = 0; k < ns; k++) {
        const hword *s = sufs[k];
        size_t sl = s->n;
        if (sl > len - pl) continue;
        size_t core = len - pl - sl;
        tbuf cand;
        unsigned allow = prefix_allows(key, pl);
        if ((sl == 4 && (memcmp(s->s, "\xD7\x99\xD7\x9E", 4) == 0 ||  /* ים */
                         memcmp(s->s, "\xD7\x95\xD7\xAA", 4) == 0)) || /* ות */
            (sl == 2 && (unsigned char)s->s[1] == HE_VAV))                 /* ו */
          allow |= T_TWO;
        bool better = !found || pl < best_pl || (pl == best_pl && core > best_core);
        if (core >= 4 && better && template_lemma(v, key + pl, core, allow, &cand)) {
          best_core = core;
          best_pl = pl;
          t = cand;
          found = true;
        }
      }
    }
    if (!found) return vb__buf_append(out, key, len);
    stem = t.b;
    best_len = t.n;
  }
  return finish(stem, best_len, out);
}

bool vb__he_vocab_has(const vb__he_vocab *v, const char *key, size_t len) {
  uint32_t dummy;
  return v && vb__strmap_get(&v->words, key, len, &dummy);
}
