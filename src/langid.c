/*
 * langid.c - language identification among Swedish, Danish, Hebrew and English.
 *
 * Hebrew is decided by script: a text whose letters are mostly Hebrew is Hebrew, even one word
 * long. Among sv, da and en the evidence is (1) distinguishing function words, each worth one
 * vote for the languages it belongs to, and (2) letters: ä ö (Swedish) against æ ø (Danish),
 * and å (both Nordic languages). A short text with too little evidence gets the caller's
 * default language or "und" rather than a guess. The word lists are the team's own.
 */
#include "vb_text.h"

struct vb__langid {
  vb__strmap words; /* key -> bit mask of languages (1 << vb_lang) */
};

/* Frequent words, each listed for every language it is a word of. */
static const char *const en_words[] = {
    "the", "and", "is", "was", "are", "were", "not", "it", "this", "that", "with", "for", "you",
    "my", "i", "to", "of", "in", "have", "has", "had", "but", "they", "be", "been", "on", "at",
    "very", "just", "your", "me", "we", "our", "what", "when", "would", "will", "can", "get",
    "got", "no", "so", "all", "from", "there", "their", "an", "a", "do", "did", "don't", "it's",
    "i'm", "didn't", "doesn't", "can't", "won't", "never", "again", "about", "which", "than",
    "or", "if", "been", "after", "still", "only", "really", "good", "great", "bad", "service",
    "delivery", "order", "customer", "time", "thanks", "thank", "please", "too", "why", "how",
    "waiting", "days", "one", "out", "up", "now", "even", "because", "should", "could", NULL};
static const char *const sv_words[] = {
    "och", "att", "det", "är", "som", "på", "jag", "inte", "för", "med", "har", "en", "ett",
    "av", "till", "den", "var", "de", "om", "så", "men", "mycket", "bra", "kan", "vi", "ni",
    "min", "mitt", "mina", "sin", "också", "eller", "när", "från", "efter", "bara", "skulle",
    "hade", "blev", "vara", "varit", "får", "fick", "fått", "nu", "här", "där", "vad", "hur",
    "något", "några", "ingen", "inget", "inga", "aldrig", "alltid", "mer", "än", "dem", "sig",
    "mig", "dig", "oss", "er", "hon", "han", "hej", "tack", "kunde", "ska", "väldigt", "jätte",
    "sen", "dock", "ju", "väl", "också", "leverans", "beställning", "kundtjänst", "paket",
    "dag", "dagar", "veckor", "gång", "bättre", "sämre", "dåligt", "dålig", "snabbt", NULL};
static const char *const da_words[] = {
    "og", "at", "det", "er", "som", "på", "jeg", "ikke", "for", "med", "har", "en", "et",
    "af", "til", "den", "var", "de", "om", "så", "men", "meget", "godt", "god", "kan", "vi",
    "min", "mit", "mine", "sin", "også", "eller", "når", "fra", "efter", "bare", "skulle",
    "havde", "blev", "være", "været", "får", "fik", "fået", "nu", "her", "der", "hvad", "hvordan",
    "noget", "nogle", "ingen", "intet", "aldrig", "altid", "mere", "end", "dem", "sig", "mig",
    "dig", "os", "hun", "han", "hej", "tak", "kunne", "skal", "rigtig", "virkelig", "dog",
    "jo", "vel", "levering", "bestilling", "kundeservice", "pakke", "dage", "uger", "gang",
    "bedre", "dårlig", "dårligt", "hurtigt", "hurtig", "ved", "mit", "også", "men", NULL};

int vb__langid_new(vb__langid **out) {
  vb__langid *li = vb__calloc(1, sizeof *li);
  if (!li) return VB_ENOMEM;
  vb__strmap_init(&li->words);
  static const struct {
    const char *const *words;
    vb_lang lang;
  } lists[] = {{en_words, VB_LANG_EN}, {sv_words, VB_LANG_SV}, {da_words, VB_LANG_DA}};
  for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
    for (const char *const *w = lists[l].words; *w; w++) {
      uint32_t *v;
      if (vb__strmap_put(&li->words, *w, strlen(*w), 0, NULL, &v)) {
        vb__langid_free(li);
        return VB_ENOMEM;
      }
      *v |= 1u << lists[l].lang;
    }
  }
  *out = li;
  return VB_OK;
}

void vb__langid_free(vb__langid *li) {
  if (!li) return;
  vb__strmap_free(&li->words);
  vb__free(li);
}

vb_lang vb__langid_run(vb__langid *li, const char *text, size_t len, const char *const *keys,
                       const size_t *lens, size_t n_words, vb_lang dflt, double *confidence) {
  /* Script evidence. */
  size_t hebrew = 0, latin = 0;
  double score[VB_LANG_COUNT] = {0};
  const unsigned char *p = (const unsigned char *)text;
  for (size_t i = 0; i < len;) {
    if (p[i] < 0x80) {
      if (vb__ascii_alpha(p[i])) latin++;
      i++;
      continue;
    }
    size_t adv;
    int32_t cp = vb__utf8_decode(p + i, len - i, &adv);
    i += adv;
    if (cp >= 0x05D0 && cp <= 0x05EA) hebrew++;
    else if (cp >= 0xC0 && cp <= 0x24F) {
      latin++;
      switch (cp) {
      case 0xE4: case 0xC4: case 0xF6: case 0xD6: score[VB_LANG_SV] += 1.5; break; /* ä ö */
      case 0xE6: case 0xC6: case 0xF8: case 0xD8: score[VB_LANG_DA] += 1.5; break; /* æ ø */
      case 0xE5: case 0xC5: /* å */
        score[VB_LANG_SV] += 0.5;
        score[VB_LANG_DA] += 0.5;
        break;
      default: break;
      }
    }
  }
  if (hebrew > 0 && hebrew >= latin) {
    if (confidence) *confidence = (double)hebrew / (double)(hebrew + latin);
    return VB_LANG_HE;
  }
  size_t known = 0;
  for (size_t i = 0; i < n_words; i++) {
    uint32_t mask;
    if (!vb__strmap_get(&li->words, keys[i], lens[i], &mask)) continue;
    known++;
    int k = __builtin_popcount(mask);
    for (int l = VB_LANG_EN; l < VB_LANG_COUNT; l++)
      if (mask & (1u << l)) score[l] += 1.0 / k;
  }
  vb_lang best = VB_LANG_UND;
  double top = 0, second = 0, total = 0;
  for (int l = VB_LANG_EN; l <= VB_LANG_DA; l++) {
    total += score[l];
    if (score[l] > top) {
      second = top;
      top = score[l];
      best = (vb_lang)l;
    } else if (score[l] > second) {
      second = score[l];
    }
  }
  /* Too little evidence: fewer than about two distinguishing words' worth, or a tie. */
  if (top < 1.5 || top - second < 0.5) {
    if (confidence) *confidence = total > 0 ? top / total : 0;
    if (dflt != VB_LANG_UND) return dflt;
    return (top >= 1.0 && top > second && n_words <= 3) ? best : VB_LANG_UND;
  }
  (void)known;
  if (confidence) *confidence = top / total;
  return best;
}
