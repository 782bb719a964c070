/*
 * langid.c - language identification among Swedish, Danish, Hebrew and English.
 *
 * Hebrew is decided by script: a text whose letters are mostly Hebrew is Hebrew, even one word
 * long. Among sv, da and en, votes are added up:
 *  1. words: about 1,900 English, 1,300 Swedish and 1,200 Danish words the team listed
 *     (langid_words.h); a word is one vote, shared among the languages that list it (Danish
 *     "er" gives three quarters of its vote to Danish unless a preposition comes before it);
 *     a word lengthened by a letter written three times ("sooooo", "yesss") is the listed
 *     word it lengthens;
 *  2. letters: ä ö (Swedish) against æ ø (Danish), å for both;
 *  3. spelling: half a vote for a word in no list whose spelling belongs to one language
 *     (Danish hv- and -erne, Swedish -arna and -het, English w, -ly, 's and ordinals such as
 *     22nd: spelling()), or that is an English inflection of a word only English lists
 *     (boxes, delayed);
 *  4. the caller's votes (the analyzer adds the words each language's lexicon knows);
 * and, only when these leave no language a vote ahead:
 *  5. compounds: half a vote for a Swedish or Danish word that starts or ends with a listed
 *     one (leveringstiden, kundeservicemedarbejderen), unless it is an English inflection
 *     (hundreds is not hund + reds);
 *  6. character n-grams: a likelihood model over libexttextcat's profiles of the three
 *     languages (the counts of their 400 most frequent 1-5 letter n-grams), up to two votes
 *     by the lead of the likeliest language (gram_likelihood()). It replaces libexttextcat's
 *     own rank comparison, which needs a fingerprint built and sorted per text and did worse
 *     on short texts.
 * A text with too little evidence (no language at a vote, or none half a vote ahead) gets
 * the caller's default language or "und" rather than a guess, unless the English lean holds
 * (english_lean(): a short text of words English shares with Swedish and Danish, with nothing
 * of theirs and something English of its own, such as "sent in time", or a short text whose
 * only evidence is words that the English lexicon alone knows, such as "Yikes!"). A text of
 * names alone (every word capitalised, no listed word) is too short to tell whatever its
 * spelling; so is laughter (haha), and a URL or e-mail address has no words at all. Without
 * the profile files (libexttextcat-data) the n-gram votes are left out and the rest works as
 * before.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "vb_text.h"

#ifndef VB_TEXTCAT_DIR
#define VB_TEXTCAT_DIR "/usr/share/libexttextcat"
#endif

/* Character n-grams: libexttextcat's profiles hold the 400 most frequent n-grams (1-5
 * characters, "_" marking a word's edge) of each language with their counts. */
#define NG_LANGS 3 /* en, sv, da: VB_LANG_EN + i */
#define NG_MAX 5
#define NG_SCALE 8.0 /* log-likelihood lead per vote */
#define NG_VOTES 2.0 /* at most */
#define NG_FULL 150  /* n-grams for full weight */
#define NG_MIN 20    /* fewer say nothing (a word of two or three letters) */
/* Votes are counted exactly, in 24ths of a vote: every share below (a whole vote, a half, a
 * third or a quarter, halved for a spelling cue and again for a Danish lean) is a whole number
 * of them, so a tie is a tie whatever the order of the words. Only the n-gram votes, added
 * last, are fractional. */
#define UNIT 24
#define MIN_VOTES 1.0 /* a language needs at least this many votes */
#define MARGIN 0.5    /* and this lead over the next */
#define CLEAR_LEAD UNIT /* a lead in words and letters that n-grams and compounds do not change */
#define LEAN (1u << 30) /* in a word's mask: an English function word of en_lean_words */
#define DA_LEAN (1u << 29) /* in a word's mask: a word of da_lean_words */

struct vb__langid {
  vb__strmap words; /* key -> bit mask of languages (1 << vb_lang) */
  vb__strmap grams; /* n-gram -> index into lp */
  float *lp;        /* NG_LANGS log-probabilities per n-gram */
  size_t cap_lp;
  bool have_grams; /* all three profiles were read */
};

#include "langid_words.h"

/* Lower-cases an n-gram from a profile in place (ASCII and the Latin-1 capitals, which is all
 * the profiles hold); false when it has anything but letters and "_" (digits, punctuation). */
static bool profile_gram(char *g, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)g[i];
    if (c >= 'A' && c <= 'Z') g[i] = (char)(c + 32);
    else if (c == 0xC3 && i + 1 < n && (unsigned char)g[i + 1] >= 0x80 &&
             (unsigned char)g[i + 1] <= 0x9E && (unsigned char)g[i + 1] != 0x97)
      g[++i] += 0x20;
    else if (c < 0x80 && c != '_' && !(c >= 'a' && c <= 'z')) return false;
  }
  return !(n == 1 && g[0] == '_');
}

static size_t utf8_count(const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
  return k;
}

/* Reads en.lm, sv.lm and da.lm. Each n-gram's probability in a language is its count over the
 * count of all letters; an n-gram missing from a language's profile gets a tenth of the
 * smallest count in that profile. Missing files leave the model off (no error). */
static int read_profiles(vb__langid *li) {
  static const char *const files[NG_LANGS] = {"en.lm", "sv.lm", "da.lm"};
  double letters[NG_LANGS] = {0}, least[NG_LANGS] = {0};
  vb__strmap_init(&li->grams);
  for (int l = 0; l < NG_LANGS; l++) {
    char path[512], line[256];
    snprintf(path, sizeof path, "%s/%s", VB_TEXTCAT_DIR, files[l]);
    FILE *fp = fopen(path, "r");
    if (!fp) return VB_OK;
    while (fgets(line, sizeof line, fp)) {
      char *tab = strchr(line, '\t');
      if (!tab) continue;
      size_t n = (size_t)(tab - line);
      double count = strtod(tab + 1, NULL);
      if (n == 0 || count <= 0 || !profile_gram(line, n)) continue;
      bool found;
      uint32_t *v;
      if (vb__strmap_put(&li->grams, line, n, (uint32_t)vb__strmap_size(&li->grams), &found, &v) ||
          vb__grow(&li->lp, &li->cap_lp, ((size_t)*v + 1) * NG_LANGS, sizeof *li->lp)) {
        fclose(fp);
        return VB_ENOMEM;
      }
      if (!found)
        for (int k = 0; k < NG_LANGS; k++) li->lp[(size_t)*v * NG_LANGS + k] = 0;
      li->lp[(size_t)*v * NG_LANGS + l] += (float)count; /* a count until the end */
      if (utf8_count(line, n) == 1 && line[0] != '_') letters[l] += count;
      if (least[l] == 0 || count < least[l]) least[l] = count;
    }
    fclose(fp);
    if (letters[l] <= 0) return VB_OK;
  }
  size_t n = vb__strmap_size(&li->grams);
  for (size_t i = 0; i < n; i++)
    for (int l = 0; l < NG_LANGS; l++) {
      float *c = &li->lp[i * NG_LANGS + l];
      *c = (float)log((*c > 0 ? *c : 0.1 * least[l]) / letters[l]);
    }
  li->have_grams = n > 0;
  return VB_OK;
}

/* Adds the log-likelihood of each language to ll[] over the n-grams of the words (at most
 * 64 words, each cut to 60 bytes) that the profiles know; returns how many there were. */
static size_t gram_likelihood(const vb__langid *li, const char *const *keys, const size_t *lens,
                              size_t n_words, double ll[NG_LANGS]) {
  size_t found = 0;
  char buf[64];
  uint8_t at[64]; /* byte offset of each character in buf */
  if (n_words > 64) n_words = 64;
  for (size_t w = 0; w < n_words; w++) {
    const char *s = keys[w];
    size_t len = lens[w];
    for (size_t i = 0; i < len;) {
      /* a run of letters: ASCII letters and every multi-byte character */
      size_t j = i;
      while (j < len && (((unsigned char)s[j] >= 'a' && (unsigned char)s[j] <= 'z') ||
                         (unsigned char)s[j] >= 0x80))
        j++;
      if (j == i) {
        i++;
        continue;
      }
      size_t n = j - i > 60 ? 60 : j - i;
      while (n > 0 && i + n < j && ((unsigned char)s[i + n] & 0xC0) == 0x80) n--; /* whole chars */
      buf[0] = '_';
      memcpy(buf + 1, s + i, n);
      buf[n + 1] = '_';
      size_t bytes = n + 2, chars = 0;
      for (size_t b = 0; b < bytes; b++)
        if (((unsigned char)buf[b] & 0xC0) != 0x80) at[chars++] = (uint8_t)b;
      at[chars] = (uint8_t)bytes;
      for (size_t c = 0; c < chars; c++)
        for (size_t k = 1; k <= NG_MAX && c + k <= chars; k++) {
          uint32_t g;
          if (!vb__strmap_get(&li->grams, buf + at[c], (size_t)(at[c + k] - at[c]), &g)) continue;
          found++;
          for (int l = 0; l < NG_LANGS; l++) ll[l] += li->lp[(size_t)g * NG_LANGS + l];
        }
      i = j;
    }
  }
  return found;
}

int vb__langid_new(vb__langid **out) {
  vb__langid *li = vb__calloc(1, sizeof *li);
  if (!li) return VB_ENOMEM;
  vb__strmap_init(&li->words);
  static const struct {
    const char *const *words;
    uint32_t bits;
  } lists[] = {{en_words, 1u << VB_LANG_EN},
               {sv_words, 1u << VB_LANG_SV},
               {da_words, 1u << VB_LANG_DA},
               {en_lean_words, LEAN},
               {da_lean_words, DA_LEAN}};
  for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
    for (const char *const *line = lists[l].words; *line; line++) {
      /* a line holds words separated by single spaces */
      for (const char *w = *line; *w;) {
        const char *e = strchr(w, ' ');
        size_t n = e ? (size_t)(e - w) : strlen(w);
        uint32_t *v;
        if (vb__strmap_put(&li->words, w, n, 0, NULL, &v)) {
          vb__langid_free(li);
          return VB_ENOMEM;
        }
        *v |= lists[l].bits;
        w += n + (e != NULL);
      }
    }
  }
  int rc = read_profiles(li);
  if (rc) {
    vb__langid_free(li);
    return rc;
  }
  *out = li;
  return VB_OK;
}

uint32_t vb__langid_word(const vb__langid *li, const char *w, size_t n) {
  uint32_t mask;
  return vb__strmap_get(&li->words, w, n, &mask) ? mask : 0; /* a listed word has a bit */
}

uint32_t vb__langid_listed(const vb__langid *li, const char *w, size_t n) {
  return vb__langid_word(li, w, n) & ((1u << VB_LANG_EN) | (1u << VB_LANG_SV) | (1u << VB_LANG_DA));
}

void vb__langid_free(vb__langid *li) {
  if (!li) return;
  vb__strmap_free(&li->words);
  vb__strmap_free(&li->grams);
  vb__free(li->lp);
  vb__free(li);
}

/* Spelling that belongs to one language, for words in no list: half a vote. Each pattern was
 * chosen from knowledge of the languages (Danish hv- and -erne, Swedish -arna and -het,
 * English w and -ly ...); on the UD treebanks each one is found at least nine times out of ten
 * in words of its own language. */
#define CUE (1u << 31)
#define ELONG (1u << 28) /* from spelling(): a letter three times in a row */
static inline int langs_in(uint32_t mask) {
  return (int)((mask >> VB_LANG_EN & 1) + (mask >> VB_LANG_SV & 1) + (mask >> VB_LANG_DA & 1));
}
static inline bool ends_n(const char *s, size_t n, const char *suf, size_t k, size_t min_len) {
  return n >= min_len && memcmp(s + n - k, suf, k) == 0;
}
#define ends(lit, min_len) ends_n(s, n, (lit), sizeof(lit) - 1, (min_len))

/* Danish: hv-, op- and ud- before a consonant (Swedish upp-, ut-), kk, dt, -skab, -erne, -ede,
 * -ige, -iske, -eret, -ninger, -hed(en/er) after a letter other than s, c, t (English -shed,
 * -ched, -thed). Swedish: upp-, ut- before a consonant, -skap, -arna -orna -erna, -het(en/er),
 * -ade(s), -ande, -era, -erad, -erat, -iga, -iska, -ligen, -ningar. English: w, oo, qu, -ly,
 * -ness, -ful, -ous, -y, -ch, -ed (-hed only after s, c, t), and the clitics of English:
 * possessive 's and n't 're 've 'll 'd 'm (Swedish writes USA:s; Danish puts 's only after
 * abbreviations and numbers, among words of its own). Suffixes are looked up by the last
 * letter. */
static uint32_t spelling(const char *s, size_t n) {
  if (n < 3) return 0;
  const uint32_t EN = 1u << VB_LANG_EN, SV = 1u << VB_LANG_SV, DA = 1u << VB_LANG_DA;
  uint32_t m = 0;
  if (s[0] >= '0' && s[0] <= '9') { /* English ordinals: 1st 2nd 3rd 22th (sv 1:a 3:e, da 1.) */
    size_t d = 1;
    while (d < n && s[d] >= '0' && s[d] <= '9') d++;
    if (d + 2 == n && (memcmp(s + d, "st", 2) == 0 || memcmp(s + d, "nd", 2) == 0 ||
                       memcmp(s + d, "rd", 2) == 0 || memcmp(s + d, "th", 2) == 0))
      return EN | CUE;
  }
  if (s[0] == 'h' && s[1] == 'v') m |= DA;
  if (n >= 5 && s[0] == 'o' && s[1] == 'p' && s[2] && strchr("sldfghkrnbmvj", s[2])) m |= DA;
  if (n >= 5 && s[0] == 'u' && s[1] == 'd' && s[2] && strchr("sldfghkrnbmvjtp", s[2])) m |= DA;
  if (n >= 6 && s[0] == 'u' && s[1] == 'p' && s[2] == 'p' && memcmp(s, "upper", 5) != 0) m |= SV;
  if (n >= 5 && s[0] == 'u' && s[1] == 't' && s[2] && strchr("bvsfgklndp", s[2])) m |= SV;
  for (size_t i = 0; i + 1 < n; i++) {
    char a = s[i], b = s[i + 1];
    if (a == b && i + 2 < n && s[i + 2] == a) m |= ELONG;
    if (a == 'w' || b == 'w' || (a == 'o' && b == 'o') || (a == 'q' && b == 'u')) m |= EN;
    else if ((a == 'k' && b == 'k') || (a == 'd' && b == 't')) m |= DA;
    else if (a == 's' && b == 'k' && i + 3 < n && s[i + 2] == 'a')
      m |= s[i + 3] == 'b' ? DA : s[i + 3] == 'p' ? SV : 0;
  }
  if (s[n - 2] == '\'' && strchr("sdm", s[n - 1])) m |= EN; /* Hamas's, she'd, I'm */
  if (n >= 4 && s[n - 3] == '\'' &&
      (memcmp(s + n - 2, "re", 2) == 0 || memcmp(s + n - 2, "ve", 2) == 0 ||
       memcmp(s + n - 2, "ll", 2) == 0))
    m |= EN;
  if (n >= 4 && s[n - 2] == 't' && s[n - 3] == '\'' && s[n - 4] == 'n') m |= EN;
  switch (s[n - 1]) {
  case 'e':
    if (ends("ede", 5) || ends("ige", 5) || ends("iske", 6) || ends("erne", 6)) m |= DA;
    if (ends("ade", 6) || ends("ande", 6)) m |= SV;
    break;
  case 'a':
    if (ends("arna", 6) || ends("orna", 6) || ends("erna", 6) || ends("era", 6) || ends("iga", 5) ||
        ends("iska", 6))
      m |= SV;
    break;
  case 'r':
    if (ends("ningar", 7) || ends("heter", 7)) m |= SV;
    if (ends("ninger", 6)) m |= DA;
    if (ends("heder", 7) && s[n - 6] != 's' && s[n - 6] != 'c' && s[n - 6] != 't') m |= DA;
    break;
  case 't':
    if (ends("het", 6) || ends("erat", 6)) m |= SV;
    if (ends("eret", 6)) m |= DA;
    break;
  case 'n':
    if (ends("heten", 7) || ends("ligen", 7)) m |= SV;
    if (ends("heden", 7) && s[n - 6] != 's' && s[n - 6] != 'c' && s[n - 6] != 't') m |= DA;
    break;
  case 'd':
    if (ends("hed", 5)) {
      if (s[n - 4] != 's' && s[n - 4] != 'c' && s[n - 4] != 't') m |= DA;
      else m |= EN; /* crushed, reached, bathed */
    } else if (ends("ed", 5)) {
      m |= EN;
    }
    if (ends("erad", 6)) m |= SV;
    break;
  case 's':
    if (ends("ades", 7)) m |= SV;
    if (ends("ness", 5) || ends("ous", 5)) m |= EN;
    break;
  case 'y':
    if (n >= 4) m |= EN; /* -y, -ly */
    break;
  case 'l':
    if (ends("ful", 5)) m |= EN;
    break;
  case 'h':
    if (ends("ch", 4)) m |= EN;
    break;
  default:
    break;
  }
  return (m & ~ELONG) ? m | CUE : m;
}

/* The votes of a text, and what kind of evidence they came from. */
typedef struct {
  int64_t score[VB_LANG_COUNT]; /* in UNITs */
  bool nordic;     /* evidence for Swedish or Danish that English does not share */
  int listed;      /* listed words, of any language */
  int en_only;     /* listed words that are English alone */
  int en_spelled;  /* unlisted words spelled as English alone (-ed, -ly, w ...) */
  int en_listed;   /* listed words English has, alone or shared */
  int en_function; /* those of them in en_lean_words */
  bool lex_en;     /* the caller's votes are English alone: words only its English lexicon knows */
  bool lex_all;    /* and every word of the text is one of them */
} tally;

/* Adds the votes of one word: a listed word's vote, shared by the languages that list it, or
 * half a vote for its spelling. The parts of a hyphenated word that is not listed
 * (politi-pengeafpresning) count as words of their own. */
static VB__INLINE void add_votes(uint32_t mask, tally *t) {
  /* by the languages that list the word (bit 0 en, 1 sv, 2 da): how many, and the share of
   * each in UNITs (a whole vote shared); a spelling cue gets half of it */
  static const int count[8] = {0, 1, 1, 2, 1, 2, 2, 3};
  static const int64_t share[8] = {0, UNIT, UNIT, UNIT / 2, UNIT, UNIT / 2, UNIT / 2, UNIT / 3};
  _Static_assert(VB_LANG_SV == VB_LANG_EN + 1 && VB_LANG_DA == VB_LANG_EN + 2, "en sv da in a row");
  _Static_assert(UNIT % 12 == 0, "a third of a vote, halved twice, is a whole number of UNITs");
  uint32_t langs = (mask >> VB_LANG_EN) & 7;
  int k = count[langs];
  bool cue = (mask & CUE) != 0;
  int64_t w = cue ? share[langs] / 2 : share[langs];
  t->listed += !cue;
  t->score[VB_LANG_EN] += (langs & 1) ? w : 0;
  t->score[VB_LANG_SV] += (langs & 2) ? w : 0;
  t->score[VB_LANG_DA] += (langs & 4) ? w : 0;
  if (mask & DA_LEAN) { /* three quarters of the vote to Danish */
    t->score[VB_LANG_SV] -= w / 2;
    t->score[VB_LANG_DA] += w / 2;
  }
  if (!(langs & 1)) {
    t->nordic = t->nordic || k > 0;
  } else if (cue) {
    t->en_spelled += k == 1;
  } else {
    t->en_listed++;
    t->en_only += k == 1;
    t->en_function += (mask & LEAN) != 0;
  }
}

static void word_votes(const vb__langid *li, const char *s, size_t n, tally *t);

/* Whether `base` (n bytes) plus `tail` is a word only the English list has. */
static bool english_base(const vb__langid *li, const char *base, size_t n, const char *tail) {
  char buf[64];
  size_t k = strlen(tail);
  if (n < 3 || n + k > sizeof buf) return false;
  memcpy(buf, base, n);
  memcpy(buf + n, tail, k);
  uint32_t mask;
  return vb__strmap_get(&li->words, buf, n + k, &mask) &&
         (mask & (1u << VB_LANG_EN | 1u << VB_LANG_SV | 1u << VB_LANG_DA)) == 1u << VB_LANG_EN;
}

/* Whether an unlisted word is an English inflection of a word only the English list has:
 * -s, -es, -ies, -ed, -ing, -ly (parcels, boxes, replies, delayed, stopped, booking, rudely).
 * English alone lists the base, so it is English spelling: half a vote, as the spelling
 * cues. */
static bool english_inflection(const vb__langid *li, const char *s, size_t n) {
  if (n < 4 || n > 60) return false;
  char last = s[n - 1];
  if (last == 's') {
    if (english_base(li, s, n - 1, "")) return true;
    if (n >= 5 && s[n - 2] == 'e' && english_base(li, s, n - 2, "")) return true;
    return n >= 5 && memcmp(s + n - 3, "ies", 3) == 0 && english_base(li, s, n - 3, "y");
  }
  if (last == 'd' && s[n - 2] == 'e') {
    if (english_base(li, s, n - 1, "") || english_base(li, s, n - 2, "")) return true;
    if (n >= 6 && s[n - 3] == s[n - 4] && english_base(li, s, n - 3, "")) return true;
    return n >= 5 && s[n - 3] == 'i' && english_base(li, s, n - 3, "y");
  }
  if (last == 'g' && n >= 6 && s[n - 2] == 'n' && s[n - 3] == 'i') {
    if (english_base(li, s, n - 3, "") || english_base(li, s, n - 3, "e")) return true;
    return n >= 7 && s[n - 4] == s[n - 5] && english_base(li, s, n - 4, "");
  }
  if (last == 'y' && s[n - 2] == 'l') return english_base(li, s, n - 2, "");
  return false;
}

/* Whether a word is a preposition of Swedish or Danish that the Swedish pronoun "er" (you,
 * your) follows ("hej på er", "tack till er", "med er"): after one, "er" is not Danish "is". */
static bool preposition(const char *s, size_t n) {
  static const struct {
    char w[8];
    uint8_t n;
  } preps[] = {{"på", 3},  {"till", 4}, {"för", 4},  {"med", 3},  {"om", 2},
               {"av", 2},  {"åt", 3},   {"hos", 3},  {"mot", 3},  {"från", 5},
               {"utan", 4}, {"efter", 5}, {"bland", 5}};
  if (n < 2 || n > 5) return false;
  for (size_t i = 0; i < sizeof preps / sizeof preps[0]; i++)
    if (preps[i].n == n && preps[i].w[0] == s[0] && memcmp(preps[i].w, s, n) == 0) return true;
  return false;
}

/* Writes s without its elongations (a run of three or more of the same ASCII letter cut to
 * `keep` letters: "sooooo" is "so" with keep 1, "goood" is "good" with keep 2) into buf (at
 * least n bytes); returns the new length, or 0 when s has no such run. Swedish and Danish
 * write no letter three times in a row (tull + lokal is tullokal or tull-lokal), English only
 * in a few hyphenless compounds, none of them frequent. */
static size_t unelongate(const char *s, size_t n, size_t keep, char *buf) {
  size_t k = 0;
  bool cut = false;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && s[j] == s[i]) j++;
    size_t run = j - i;
    if (run >= 3 && s[i] >= 'a' && s[i] <= 'z') {
      run = keep;
      cut = true;
    }
    memset(buf + k, s[i], run);
    k += run;
    i = j;
  }
  return cut ? k : 0;
}

/* The votes of a word that is not listed: its hyphenated parts as words, the listed word it
 * lengthens ("sooooo", "yesss", "tackkk"), or its spelling. */
static void unlisted_votes(const vb__langid *li, const char *s, size_t n, tally *t) {
  const char *h = memchr(s, '-', n);
  if (h) {
    if (h > s) word_votes(li, s, (size_t)(h - s), t);
    word_votes(li, h + 1, n - (size_t)(h - s) - 1, t);
    return;
  }
  uint32_t mask = spelling(s, n);
  if ((mask & ELONG) && n <= 64) {
    char buf[64];
    uint32_t lmask;
    for (size_t keep = 2; keep >= 1; keep--) {
      size_t k = unelongate(s, n, keep, buf);
      if (k < 2) break; /* no run of three, or one letter ("aaaa") */
      if (vb__strmap_get(&li->words, buf, k, &lmask)) {
        add_votes(lmask, t);
        return;
      }
    }
  }
  mask &= ~ELONG;
  if (!(mask & (1u << VB_LANG_EN)) && english_inflection(li, s, n))
    mask |= 1u << VB_LANG_EN | CUE;
  if (mask) add_votes(mask, t);
}

static void word_votes(const vb__langid *li, const char *s, size_t n, tally *t) {
  uint32_t mask;
  if (vb__strmap_get(&li->words, s, n, &mask)) add_votes(mask, t);
  else unlisted_votes(li, s, n, t);
}

/* Whether every word of the text starts with a capital and goes on in small letters (Wendy
 * Wilson, Debra Perlingiere, Acme Logistics): names and titles. ASCII words only; a word
 * starting with another letter counts as capitalised when its first byte is a Latin-1
 * capital's (Åsa, Ørsted). */
static bool names_only(const unsigned char *p, size_t len) {
  bool lower = false;
  for (size_t i = 0; i < len; i++) {
    bool start = i == 0 || !(vb__ascii_alpha(p[i - 1]) || p[i - 1] >= 0x80 || p[i - 1] == '\'' ||
                             (p[i - 1] >= '0' && p[i - 1] <= '9'));
    if (!start) {
      lower = lower || (p[i] >= 'a' && p[i] <= 'z');
      continue;
    }
    if (p[i] >= 'a' && p[i] <= 'z') return false;
    if (p[i] == 0xC3 && i + 1 < len && p[i + 1] >= 0xA0 && p[i + 1] <= 0xBF) return false;
  }
  return lower;
}

/* Whether the text has the English pronoun "I" inside a sentence: a capital I standing alone
 * ("I", "I'm") after a word or a comma, in a text that is not all capitals. Swedish and
 * Danish "i" (in) is capitalised only at the start of a sentence. */
static bool pronoun_i(const unsigned char *p, size_t len) {
  bool lower = false;
  for (size_t i = 0; i < len && !lower; i++) lower = p[i] >= 'a' && p[i] <= 'z';
  if (!lower) return false;
  for (size_t i = 1; i < len; i++) {
    if (p[i] != 'I' || vb__ascii_alpha(p[i - 1]) || p[i - 1] >= 0x80 ||
        (p[i - 1] >= '0' && p[i - 1] <= '9'))
      continue;
    if (i + 1 < len && (vb__ascii_alpha(p[i + 1]) || p[i + 1] >= 0x80 ||
                        (p[i + 1] >= '0' && p[i + 1] <= '9')))
      continue; /* a word, not the pronoun */
    size_t k = i;
    while (k > 0 && (p[k - 1] == ' ' || p[k - 1] == '"' || p[k - 1] == '(')) k--;
    if (k > 0 && (vb__ascii_alpha(p[k - 1]) || p[k - 1] == ',' || p[k - 1] >= 0x80)) return true;
  }
  return false;
}

/* Whether a word is laughter (haha, hehehe, ahahah, hihi): every other letter an h, the rest
 * vowels. English lexicons list it, but it is written the same in Swedish and Danish. */
static bool laughter(const char *s, size_t n) {
  if (n < 4) return false;
  size_t phase = s[0] == 'h' ? 0 : 1;
  for (size_t i = 0; i < n; i++)
    if ((i % 2 == phase) ? s[i] != 'h' : !strchr("aeiou", s[i]) || !s[i]) return false;
  return true;
}

/* English lean. English shares many short words with Swedish and Danish (i, in, to, have,
 * under, all, sent, fine ...), so a short English text often has no vote ahead: "sent in
 * time", "all in all", "have to". But a Swedish or Danish text nearly always shows something
 * of its own: a letter (å ä ö æ ø), one of its many function words that English lacks (och,
 * og, att, det, er, jag, jeg ...), a listed word or a spelling of its own. When a text shows
 * none of these, the words it shares with English are read as English, provided English has a
 * listed word there and also something of its own: a word only English lists, a word spelled
 * as English alone ("boxes crushed"), the pronoun I inside a sentence, or a second listed word
 * where one is an English function word (en_lean_words). Returns whether that holds; the
 * caller also asks that the n-grams do not prefer Swedish or Danish, which keeps Nordic texts
 * of shared words and unlisted ones ("kom in i") from English. A lone shared word ("I
 * Danmark", "for sent", "god mad") is not enough: it stays undecided.
 * Words the English lexicon alone knows are English evidence too, even as the only words of
 * the text ("Yikes!", "shoddy packaging"; t->lex_en): they hold when the text is not
 * capitalised words alone, or when every word is one of them (a name that happens to be an
 * English word, such as Bent in "Bent Nielsen", is not). */
static bool english_lean(const tally *t, const char *text, size_t len) {
  if (t->nordic) return false;
  if (t->lex_en && (t->lex_all || !names_only((const unsigned char *)text, len))) return true;
  if (t->en_listed == 0) return false;
  if (t->en_only > 0 || t->en_spelled > 0 || (t->en_function > 0 && t->en_listed >= 2))
    return true;
  return pronoun_i((const unsigned char *)text, len);
}

/* Swedish and Danish write compounds as one word (kundtjänsten, leveringstiden): a word in no
 * list whose first or last part (at least four bytes, leaving at least four) is a listed
 * Swedish or Danish word gets half a vote, shared as that part's is. English is left out: its
 * compounds are mostly written apart, and its short words start many unrelated words. */
static void compound_one(const vb__langid *li, const char *s, size_t n, tally *t) {
  const uint32_t nordic = 1u << VB_LANG_SV | 1u << VB_LANG_DA;
  uint32_t mask = 0;
  if (n < 8 || n > 64 || vb__strmap_get(&li->words, s, n, &mask)) return;
  for (size_t k = n - 4; k >= 4 && !mask; k--) /* the longest first part */
    if (((unsigned char)s[k] & 0xC0) != 0x80 && vb__strmap_get(&li->words, s, k, &mask))
      mask &= nordic;
  for (size_t k = 4; k + 4 <= n && !mask; k++) /* else the longest last part */
    if (((unsigned char)s[k] & 0xC0) != 0x80 && vb__strmap_get(&li->words, s + k, n - k, &mask))
      mask &= nordic;
  if (!mask) return;
  /* not an English inflection of a word only English lists ("hundreds" is not hund + reds) */
  if (english_inflection(li, s, n)) return;
  int shared = langs_in(mask);
  for (int l = VB_LANG_SV; l <= VB_LANG_DA; l++)
    if (mask & (1u << l)) t->score[l] += UNIT / 2 / shared;
  t->nordic = true;
}

static void compound_parts(const vb__langid *li, const char *const *keys, const size_t *lens,
                           size_t n_words, tally *t) {
  for (size_t i = 0; i < n_words && i < 64; i++) {
    const char *s = keys[i], *end = keys[i] + lens[i];
    while (s < end) { /* each part of a hyphenated word */
      const char *h = memchr(s, '-', (size_t)(end - s));
      if (!h) h = end;
      compound_one(li, s, (size_t)(h - s), t);
      s = h + 1;
    }
  }
}

vb_lang vb__langid_run(vb__langid *li, const char *text, size_t len, const char *const *keys,
                       const size_t *lens, const uint32_t *masks, size_t n_words, vb_lang dflt,
                       const uint32_t *extra_q, double *confidence) {
  /* Script evidence. ASCII is skipped eight bytes at a time: only the other letters count
   * here, and ASCII letters only when there is Hebrew to weigh them against. */
  size_t hebrew = 0, latin = 0;
  tally t = {{0}, false, 0, 0, 0, 0, 0, false, false};
  int64_t *score = t.score;
  const unsigned char *p = (const unsigned char *)text;
  for (size_t i = 0; i < len;) {
    uint64_t w8;
    if (i + 8 <= len && (memcpy(&w8, p + i, 8), !(w8 & 0x8080808080808080ULL))) {
      i += 8;
      continue;
    }
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    size_t adv;
    int32_t cp = vb__utf8_next(p + i, len - i, &adv);
    i += adv;
    if (cp >= 0x05D0 && cp <= 0x05EA) hebrew++;
    else if (cp >= 0xC0 && cp <= 0x24F) {
      latin++;
      switch (cp) {
      case 0xE4: case 0xC4: case 0xF6: case 0xD6: score[VB_LANG_SV] += UNIT * 3 / 2; break; /* ä ö */
      case 0xE6: case 0xC6: case 0xF8: case 0xD8: score[VB_LANG_DA] += UNIT * 3 / 2; break; /* æ ø */
      case 0xE5: case 0xC5: /* å */
        score[VB_LANG_SV] += UNIT / 2;
        score[VB_LANG_DA] += UNIT / 2;
        break;
      default: break;
      }
    }
  }
  if (hebrew > 0) {
    for (size_t i = 0; i < len; i++) latin += p[i] < 0x80 && vb__ascii_alpha(p[i]);
    if (hebrew >= latin) {
      if (confidence) *confidence = (double)hebrew / (double)(hebrew + latin);
      return VB_LANG_HE;
    }
  }
  t.nordic = score[VB_LANG_SV] > 0 || score[VB_LANG_DA] > 0; /* å ä ö æ ø */
  /* The caller's votes do not make a text Nordic for the English lean: the lexicons hold
   * sentiment words, and a word that the English one lacks may well be English ("sent" is
   * Swedish and Danish for late, and neutral in English). Measured: taking them as Nordic
   * evidence left more short English texts undecided and turned no Nordic text from English. */
  if (extra_q) {
    for (int l = VB_LANG_EN; l <= VB_LANG_DA; l++) score[l] += (int64_t)extra_q[l] * (UNIT / 4);
    /* English alone has caller's votes: every word some lexicon knows is English only. The
     * analyzer gives such a word half a vote, so with n_words halves every word is one. */
    t.lex_en = extra_q[VB_LANG_EN] > 0 && extra_q[VB_LANG_SV] == 0 && extra_q[VB_LANG_DA] == 0;
    t.lex_all = t.lex_en && extra_q[VB_LANG_EN] >= 2 * (uint64_t)n_words;
    if (t.lex_en) { /* laughter alone is no language */
      bool other = false;
      for (size_t i = 0; i < n_words && !other; i++) other = !laughter(keys[i], lens[i]);
      t.lex_en = other;
    }
  }
  /* Listed words first; the unlisted ones (up to 64 remembered) are looked at only when their
   * spelling could still change the answer: each gives at most half a vote to a language, so a
   * lead of more than CLEAR_LEAD + half a vote per unlisted word stands (a hyphenated word may
   * hold listed words: then they are always looked at). */
  size_t unlisted[64], n_unlisted = 0;
  bool hyphen = false;
  for (size_t i = 0; i < n_words; i++) {
    uint32_t mask = masks ? masks[i] : vb__langid_word(li, keys[i], lens[i]);
    if (mask) {
      if ((mask & DA_LEAN) && i > 0 && preposition(keys[i - 1], lens[i - 1])) mask &= ~DA_LEAN;
      add_votes(mask, &t);
    } else if (n_unlisted < 64) {
      unlisted[n_unlisted++] = i;
      hyphen = hyphen || memchr(keys[i], '-', lens[i]);
    } else {
      unlisted_votes(li, keys[i], lens[i], &t);
    }
  }
  {
    int64_t a = 0, b = 0;
    for (int l = VB_LANG_EN; l <= VB_LANG_DA; l++) {
      if (score[l] > a) {
        b = a;
        a = score[l];
      } else if (score[l] > b) {
        b = score[l];
      }
    }
    if (hyphen || a - b < CLEAR_LEAD + UNIT / 2 * (int64_t)n_unlisted)
      for (size_t k = 0; k < n_unlisted; k++)
        unlisted_votes(li, keys[unlisted[k]], lens[unlisted[k]], &t);
  }
  /* Too short to tell: a text of names alone (no listed word, none the lexicons know, no
   * Swedish or Danish letter, every word capitalised). The spelling and the n-grams of a name
   * tell where the name comes from, not the language of the text: "Wendy Wilson" is not
   * English evidence. */
  bool known = false; /* a word some lexicon of the caller's knows */
  for (int l = VB_LANG_EN; extra_q && l <= VB_LANG_DA; l++) known = known || extra_q[l] > 0;
  if (t.listed == 0 && !known && !t.nordic && names_only(p, len)) {
    if (confidence) *confidence = 0;
    return dflt;
  }
  int64_t top0 = 0, second0 = 0;
  for (int l = VB_LANG_EN; l <= VB_LANG_DA; l++) {
    if (score[l] > top0) {
      second0 = top0;
      top0 = score[l];
    } else if (score[l] > second0) {
      second0 = score[l];
    }
  }
  /* Words and letters that already lead by a vote decide: compounds and n-grams are the
   * weakest evidence (the profiles lean Swedish on Danish text) and the costliest. */
  bool clear = top0 - second0 >= CLEAR_LEAD;
  if (!clear) compound_parts(li, keys, lens, n_words, &t);
  double ll[NG_LANGS] = {0};
  size_t grams = 0;
  if (!clear && li->have_grams) grams = gram_likelihood(li, keys, lens, n_words, ll);
  /* Up to NG_VOTES votes for the likeliest language, by its lead in log-likelihood over the
   * next (NG_SCALE per vote), scaled down below NG_FULL n-grams (a name says little). */
  int gram_lang = VB_LANG_UND; /* the likeliest by n-grams, when they say anything */
  double ng[VB_LANG_COUNT] = {0}; /* the n-grams' votes */
  if (grams >= NG_MIN) {
    int b = 0, c = -1;
    for (int l = 1; l < NG_LANGS; l++)
      if (ll[l] > ll[b]) b = l;
    for (int l = 0; l < NG_LANGS; l++)
      if (l != b && (c < 0 || ll[l] > ll[c])) c = l;
    double v = (ll[b] - ll[c]) / NG_SCALE;
    if (v > NG_VOTES) v = NG_VOTES;
    if (grams < NG_FULL) v *= (double)grams / NG_FULL;
    ng[VB_LANG_EN + b] = v;
    gram_lang = VB_LANG_EN + b;
  }
  vb_lang best = VB_LANG_UND, next = VB_LANG_UND;
  double votes[VB_LANG_COUNT] = {0}, top = 0, second = 0, total = 0;
  for (int l = VB_LANG_EN; l <= VB_LANG_DA; l++) {
    votes[l] = (double)score[l] / UNIT + ng[l];
    total += votes[l];
    if (votes[l] > top) {
      second = top;
      top = votes[l];
      next = best;
      best = (vb_lang)l;
    } else if (votes[l] > second) {
      second = votes[l];
      next = (vb_lang)l;
    }
  }
  /* the lead, exact when the n-grams said nothing (a difference of whole UNITs) */
  double lead = next == VB_LANG_UND
                    ? top
                    : (double)(score[best] - score[next]) / UNIT + (ng[best] - ng[next]);
  if (confidence) *confidence = total > 0 ? top / total : 0;
  /* Too little evidence: under one vote, or no clear winner (half a vote apart); unless the
   * English lean holds and the n-grams, if they say anything, do not say otherwise. Then the
   * confidence is English's share of the votes (the shared words are not certain). */
  if ((top < MIN_VOTES || lead < MARGIN) && english_lean(&t, text, len) &&
      (gram_lang == VB_LANG_UND || gram_lang == VB_LANG_EN) && (total >= MIN_VOTES || t.lex_en)) {
    if (confidence) *confidence = votes[VB_LANG_EN] / total;
    return VB_LANG_EN;
  }
  if (top < MIN_VOTES || lead < MARGIN) {
    if (dflt != VB_LANG_UND) return dflt;
    return VB_LANG_UND;
  }
  return best;
}
