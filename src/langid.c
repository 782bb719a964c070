/*
 * langid.c - language identification among Swedish, Danish, Hebrew and English.
 *
 * Hebrew is decided by script: a text whose letters are mostly Hebrew is Hebrew, even one word
 * long. Among sv, da and en three kinds of evidence are added up: (1) frequent words, each
 * worth one vote shared among the languages it belongs to (the lists are the team's own),
 * (2) letters: ä ö (Swedish) against æ ø (Danish), and å (both Nordic languages), and (3) the
 * character n-gram ranking of libexttextcat (Cavnar-Trenkle "out of place" distance against
 * its sv, da and en fingerprints only), worth up to two votes by how clear its margin is. A
 * text with too little evidence gets the caller's default language or "und" rather than a
 * guess. Without the fingerprint files (libexttextcat-data) the first two still work.
 */
#include <stdio.h>

#include <libexttextcat/fingerprint.h>

#include "vb_text.h"

#ifndef VB_TEXTCAT_DIR
#define VB_TEXTCAT_DIR "/usr/share/libexttextcat"
#endif

struct vb__langid {
  vb__strmap words; /* key -> bit mask of languages (1 << vb_lang) */
  void *fp[VB_LANG_COUNT]; /* libexttextcat fingerprints for en, sv, da (NULL if absent) */
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
    "waiting", "days", "one", "out", "up", "now", "even", "because", "should", "could",
    "he", "she", "his", "her", "him", "them", "these", "those", "who", "whom", "whose", "where",
    "there's", "here", "any", "some", "more", "most", "other", "into", "over", "under", "by",
    "as", "also", "such", "being", "does", "doing", "done", "make", "made", "much", "many",
    "well", "way", "said", "say", "says", "like", "know", "think", "see", "going", "want",
    "need", "use", "used", "new", "first", "last", "long", "little", "own", "same", "while",
    "through", "both", "each", "few", "every", "between", "another", "around", "without",
    "again", "ever", "yet", "though", "although", "however", "people", "year", "years",
    "day", "thing", "things", "something", "nothing", "anything", "everything", "really",
    "thanks", "i've", "you're", "isn't", "wasn't", "we're", "they're", "that's", "what's",
    "let", "us", "off", "down", "before", "until", "since", "about", "which", "than", "then",
    "would", "might", "must", "shall", "may", "got", "get", "gets", "getting", "am", "an",
    "does", "delivered", "parcel", "never", "ordered", "received", "refund", "phone", NULL};
static const char *const sv_words[] = {
    "och", "att", "det", "är", "som", "på", "jag", "inte", "för", "med", "har", "en", "ett",
    "av", "till", "den", "var", "de", "om", "så", "men", "mycket", "bra", "kan", "vi", "ni",
    "min", "mitt", "mina", "sin", "också", "eller", "när", "från", "efter", "bara", "skulle",
    "hade", "blev", "vara", "varit", "får", "fick", "fått", "nu", "här", "där", "vad", "hur",
    "något", "några", "ingen", "inget", "inga", "aldrig", "alltid", "mer", "än", "dem", "sig",
    "mig", "dig", "oss", "er", "hon", "han", "hej", "tack", "kunde", "ska", "väldigt", "jätte",
    "sen", "dock", "ju", "väl", "också", "leverans", "beställning", "kundtjänst", "paket",
    "dag", "dagar", "veckor", "gång", "bättre", "sämre", "dåligt", "dålig", "snabbt",
    "kom", "kommer", "komma", "kunna", "ville", "vill", "måste", "borde", "göra", "gjorde",
    "gjort", "gör", "säger", "sa", "sade", "tycker", "tyckte", "tror", "vet", "visste", "hela",
    "helt", "alla", "allt", "andra", "annat", "samma", "egen", "eget", "nya", "nytt", "ny",
    "stor", "stort", "stora", "liten", "litet", "lite", "små", "många", "mycket", "mest",
    "bästa", "bäst", "även", "utan", "under", "över", "mellan", "genom", "mot", "hos", "åt",
    "vid", "ut", "upp", "in", "ner", "fram", "bort", "igen", "redan", "ännu", "än", "sedan",
    "innan", "medan", "eftersom", "därför", "trots", "kanske", "nog", "ganska", "riktigt",
    "verkligen", "jättebra", "toppen", "okej", "funkar", "fungerar", "fungerade", "beställde",
    "fick", "kund", "kunder", "personalen", "priset", "priser", "appen", "sidan", "tid",
    "väntade", "vänta", "svar", "svarade", "leveransen", "levererades", "trevlig", "trevliga",
    "smidigt", "dyrt", "dyr", "billigt", "bättre", "hej", "tack", "ingenting", "någon",
    "något", "vilken", "vilket", "vilka", "varför", "också", "ja", "nej", "nåt", "typ", NULL};
static const char *const da_words[] = {
    "og", "at", "det", "er", "som", "på", "jeg", "ikke", "for", "med", "har", "en", "et",
    "af", "til", "den", "var", "de", "om", "så", "men", "meget", "godt", "god", "kan", "vi",
    "min", "mit", "mine", "sin", "også", "eller", "når", "fra", "efter", "bare", "skulle",
    "havde", "blev", "være", "været", "får", "fik", "fået", "nu", "her", "der", "hvad", "hvordan",
    "noget", "nogle", "ingen", "intet", "aldrig", "altid", "mere", "end", "dem", "sig", "mig",
    "dig", "os", "hun", "han", "hej", "tak", "kunne", "skal", "rigtig", "virkelig", "dog",
    "jo", "vel", "levering", "bestilling", "kundeservice", "pakke", "dage", "uger", "gang",
    "bedre", "dårlig", "dårligt", "hurtigt", "hurtig", "ved", "mit", "også", "men",
    "kom", "kommer", "komme", "ville", "vil", "må", "burde", "gøre", "gjorde", "gjort",
    "gør", "siger", "sagde", "synes", "syntes", "tror", "ved", "vidste", "hele", "helt",
    "alle", "alt", "andre", "andet", "samme", "egen", "eget", "nye", "nyt", "ny", "stor",
    "stort", "store", "lille", "lidt", "små", "mange", "meget", "mest", "bedste", "bedst",
    "også", "uden", "under", "over", "mellem", "gennem", "mod", "hos", "ud", "op", "ind",
    "ned", "frem", "væk", "igen", "allerede", "endnu", "siden", "inden", "mens", "fordi",
    "derfor", "trods", "måske", "nok", "ret", "virkelig", "super", "okay", "fungerer",
    "fungerede", "bestilte", "fik", "kunde", "kunder", "personalet", "prisen", "priser",
    "appen", "siden", "tid", "ventede", "vente", "svar", "svarede", "leveringen", "leveret",
    "venlig", "venlige", "nemt", "nem", "dyrt", "dyr", "billigt", "hej", "tak", "ingenting",
    "nogen", "noget", "hvilken", "hvilket", "hvilke", "hvorfor", "ja", "nej", "sgu", "bare",
    "jeres", "jer", "vores", "deres", "hans", "hendes", "dens", "dets", "kr", NULL};

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
  /* libexttextcat's fingerprints for our three Latin-script languages only */
  static const struct { const char *file; vb_lang lang; } fps[] = {
      {"en.lm", VB_LANG_EN}, {"sv.lm", VB_LANG_SV}, {"da.lm", VB_LANG_DA}};
  for (size_t f = 0; f < sizeof fps / sizeof fps[0]; f++) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", VB_TEXTCAT_DIR, fps[f].file);
    void *fp = fp_Init(fps[f].file);
    if (fp && fp_Read(fp, path, 400)) li->fp[fps[f].lang] = fp;
    else if (fp) fp_Done(fp);
  }
  *out = li;
  return VB_OK;
}

void vb__langid_free(vb__langid *li) {
  if (!li) return;
  vb__strmap_free(&li->words);
  for (int l = 0; l < VB_LANG_COUNT; l++)
    if (li->fp[l]) fp_Done(li->fp[l]);
  vb__free(li);
}

vb_lang vb__langid_run(vb__langid *li, const char *text, size_t len, const char *const *keys,
                       const size_t *lens, size_t n_words, vb_lang dflt, const double *extra,
                       double *confidence) {
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
  if (extra)
    for (int l = VB_LANG_EN; l <= VB_LANG_DA; l++) score[l] += extra[l];
  size_t known = 0;
  for (size_t i = 0; i < n_words; i++) {
    uint32_t mask;
    if (!vb__strmap_get(&li->words, keys[i], lens[i], &mask)) continue;
    known++;
    int k = __builtin_popcount(mask);
    for (int l = VB_LANG_EN; l < VB_LANG_COUNT; l++)
      if (mask & (1u << l)) score[l] += 1.0 / k;
  }
  /* n-gram ranking: up to two votes for the nearest fingerprint, by the margin to the next.
   * It costs more than everything else here (a fingerprint is built and sorted per text), so
   * it runs only when words and letters have not already decided clearly. */
  double top0 = 0, second0 = 0;
  for (int l = VB_LANG_EN; l <= VB_LANG_DA; l++) {
    if (score[l] > top0) {
      second0 = top0;
      top0 = score[l];
    } else if (score[l] > second0) {
      second0 = score[l];
    }
  }
  bool clear = top0 >= 3.0 && top0 - second0 >= 2.0;
  /* A fresh fingerprint per text, as libexttextcat's own classifier does: fp_Create on a
   * used handle keeps the old n-grams' memory, and a long run grew without bound. */
  void *unknown = NULL;
  if (!clear && li->fp[VB_LANG_EN] && latin >= 6 && len < (1u << 30))
    unknown = fp_Init(NULL);
  if (unknown && fp_Create(unknown, text, (uint4)(len > 4096 ? 4096 : len), 400)) {
    int best_d = -1, second_d = -1;
    vb_lang nearest = VB_LANG_UND;
    for (int l = VB_LANG_EN; l <= VB_LANG_DA; l++) {
      if (!li->fp[l]) continue;
      int d = fp_Compare(li->fp[l], unknown, 1 << 30);
      if (best_d < 0 || d < best_d) {
        second_d = best_d;
        best_d = d;
        nearest = (vb_lang)l;
      } else if (second_d < 0 || d < second_d) {
        second_d = d;
      }
    }
    if (nearest != VB_LANG_UND && best_d > 0 && second_d > best_d) {
      double margin = (double)(second_d - best_d) / (double)best_d;
      double votes = 2.0 * (margin >= 0.1 ? 1.0 : margin / 0.1);
      /* a short text's n-grams are few: trust them less */
      if (latin < 20) votes *= 0.5;
      score[nearest] += votes;
    }
  }
  if (unknown) fp_Done(unknown);
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
  if (confidence) *confidence = total > 0 ? top / total : 0;
  /* Too little evidence: under one vote, or no clear winner (half a vote apart). */
  if (top < 1.0 || top - second < 0.5) {
    if (dflt != VB_LANG_UND) return dflt;
    return VB_LANG_UND;
  }
  (void)known;
  return best;
}
