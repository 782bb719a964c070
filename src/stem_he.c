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
 * All Hebrew letters are two bytes in UTF-8 (U+05D0..U+05EA = D7 90..D7 AA), so lengths below
 * are in bytes and a letter is two of them.
 */
#include "vb_text.h"

struct vb__he_vocab {
  vb__strmap words;
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

/* Proclitic prefixes: optional ו, then optional ש/כש/מש/לכש, then optional ב/כ/ל/מ, then
 * optional ה (generated: every combination, longest first). */
static const hword he_prefixes[] = {
    W("ולכשבה"), W("ולכשכה"), W("ולכשלה"), W("ולכשמה"), W("וכשבה"), W("וכשכה"), W("וכשלה"), W("וכשמה"), W("ולכשב"),
    W("ולכשה"), W("ולכשכ"), W("ולכשל"), W("ולכשמ"), W("ומשבה"), W("ומשכה"), W("ומשלה"), W("ומשמה"), W("לכשבה"), W("לכשכה"),
    W("לכשלה"), W("לכשמה"), W("וכשב"), W("וכשה"), W("וכשכ"), W("וכשל"), W("וכשמ"), W("ולכש"), W("ומשב"), W("ומשה"), W("ומשכ"),
    W("ומשל"), W("ומשמ"), W("ושבה"), W("ושכה"), W("ושלה"), W("ושמה"), W("כשבה"), W("כשכה"), W("כשלה"), W("כשמה"), W("לכשב"),
    W("לכשה"), W("לכשכ"), W("לכשל"), W("לכשמ"), W("משבה"), W("משכה"), W("משלה"), W("משמה"), W("ובה"), W("וכה"), W("וכש"),
    W("ולה"), W("ומה"), W("ומש"), W("ושב"), W("ושה"), W("ושכ"), W("ושל"), W("ושמ"), W("כשב"), W("כשה"), W("כשכ"), W("כשל"), W("כשמ"),
    W("לכש"), W("משב"), W("משה"), W("משכ"), W("משל"), W("משמ"), W("שבה"), W("שכה"), W("שלה"), W("שמה"), W("בה"), W("וב"), W("וה"),
    W("וכ"), W("ול"), W("ומ"), W("וש"), W("כה"), W("כש"), W("לה"), W("מה"), W("מש"), W("שב"), W("שה"), W("שכ"), W("של"), W("שמ"), W("ב"),
    W("ה"), W("ו"), W("כ"), W("ל"), W("מ"), W("ש"), {NULL, 0}};

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

static bool all_hebrew(const char *s, size_t len) { return hebrew_word(s, len, false, NULL); }

int vb__he_vocab_new(vb__he_vocab **out) {
  vb__he_vocab *v = vb__calloc(1, sizeof *v);
  if (!v) return VB_ENOMEM;
  vb__strmap_init(&v->words);
  *out = v;
  return VB_OK;
}

void vb__he_vocab_free(vb__he_vocab *v) {
  if (!v) return;
  vb__strmap_free(&v->words);
  vb__free(v);
}

int vb__he_vocab_add(vb__he_vocab *v, const char *key, size_t len) {
  if (!hebrew_word(key, len, true, NULL)) return VB_OK;
  return vb__strmap_put(&v->words, key, len, 0, NULL, NULL);
}

size_t vb__he_vocab_size(const vb__he_vocab *v) { return v ? vb__strmap_size(&v->words) : 0; }

static bool known(const vb__he_vocab *v, const char *s, size_t len) {
  uint32_t dummy;
  if (vb__strmap_get(&v->words, s, len, &dummy)) return true;
  /* stem + ה or stem + ת */
  char tmp[256];
  if (len + 2 > sizeof tmp) return false;
  memcpy(tmp, s, len);
  tmp[len] = (char)0xD7;
  tmp[len + 1] = (char)0x94; /* ה */
  if (vb__strmap_get(&v->words, tmp, len + 2, &dummy)) return true;
  tmp[len + 1] = (char)0xAA; /* ת */
  return vb__strmap_get(&v->words, tmp, len + 2, &dummy);
}

static bool is_protected(const char *s, size_t len) {
  for (const hword *w = protected_words; w->s; w++)
    if (w->n == len && memcmp(w->s, s, len) == 0) return true;
  return false;
}

size_t vb__he_prefixes(const char *key, size_t len, size_t *lens, size_t max) {
  size_t n = 0;
  if (!hebrew_word(key, len, true, NULL)) return 0;
  for (const hword *p = he_prefixes; p->s && n < max; p++)
    if (p->n + 4 <= len && memcmp(key, p->s, p->n) == 0) lens[n++] = p->n;
  return n;
}

int vb__he_stem(const vb__he_vocab *v, const char *key, size_t len, vb__buf *out) {
  bool acronym = false;
  if (v && hebrew_word(key, len, true, &acronym) && acronym) {
    /* an acronym: only a legal prefix before a known acronym comes off */
    uint32_t dummy;
    size_t plens[64];
    size_t np = vb__he_prefixes(key, len, plens, 64);
    for (size_t a = 0; a < np; a++)
      if (vb__strmap_get(&v->words, key + plens[a], len - plens[a], &dummy))
        return vb__buf_append(out, key + plens[a], len - plens[a]);
    return vb__buf_append(out, key, len);
  }
  if (len < 6 || !all_hebrew(key, len) || is_protected(key, len) || v == NULL)
    return vb__buf_append(out, key, len);
  size_t best_start = 0, best_len = 0;
  bool found = false;
  /* Candidate prefixes: the empty one and every legal one the word starts with. */
  size_t plens[64];
  size_t np = vb__he_prefixes(key, len, plens, 63);
  plens[np++] = 0;
  for (size_t a = 0; a < np; a++) {
    size_t pl = plens[a];
    for (const hword *s = he_suffixes; ; s++) {
      size_t sl = s->n;
      if (s->s && (sl > len - pl || memcmp(key + len - sl, s->s, sl) != 0)) continue;
      if (len - pl - sl >= 6 && known(v, key + pl, len - pl - sl)) {
        size_t stem_len = len - pl - sl;
        /* the longest known stem; on a tie the shorter prefix (שלחנו is שלח+נו, not ש+לחנו) */
        if (!found || stem_len > best_len || (stem_len == best_len && pl < best_start)) {
          found = true;
          best_start = pl;
          best_len = len - pl - sl;
        }
      }
      if (!s->s) break;
    }
  }
  if (!found) return vb__buf_append(out, key, len);
  /* Drop a final ה or ת from a stem longer than three letters. */
  if (best_len > 6) {
    unsigned char last = (unsigned char)key[best_start + best_len - 1];
    if (last == 0x94 || last == 0xAA) best_len -= 2;
  }
  return vb__buf_append(out, key + best_start, best_len);
}

bool vb__he_vocab_has(const vb__he_vocab *v, const char *key, size_t len) {
  uint32_t dummy;
  return v && vb__strmap_get(&v->words, key, len, &dummy);
}
