/*
 * tokenize.c - a hand-written scanner that splits text into typed tokens.
 *
 * One pass, left to right; at each position the first rule that matches wins: URL, e-mail,
 * @mention, #hashtag, emoticon, emoji sequence, number, word, punctuation. Tokens are spans
 * into the original text, so offsets stay exact for every script (right-to-left included).
 * A scanner is used instead of one PCRE2 pattern because it is measurably faster on our text
 * (about 550 MB/s against 230 MB/s with JIT, see bench/RESULTS.md) and the rules that need
 * context (a gershayim between two Hebrew letters, an apostrophe followed by a letter) are
 * easier to state as code.
 */
#include <utf8proc.h>

#include "vb_text.h"

typedef struct {
  const unsigned char *p;
  size_t len;
} scan;

static VB__INLINE int32_t cp_at(const scan *s, size_t i, size_t *adv) {
  if (i >= s->len) {
    *adv = 0;
    return -1;
  }
  int32_t cp = vb__utf8_next(s->p + i, s->len - i, adv);
  return cp < 0 ? 0xFFFD : cp;
}

bool vb__is_emoji_cp(int32_t cp) {
  return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
         (cp >= 0x2B05 && cp <= 0x2B07) || cp == 0x2B50 || cp == 0x2B55 || cp == 0x2B1B ||
         cp == 0x2B1C || (cp >= 0x231A && cp <= 0x231B) || (cp >= 0x23E9 && cp <= 0x23FA) ||
         cp == 0x203C || cp == 0x2049 || cp == 0x2122 || cp == 0x2139 || cp == 0x3030 ||
         cp == 0x303D || cp == 0x3297 || cp == 0x3299;
}

/* Fast answers for the scripts our texts are written in: ASCII, Latin-1 letters (å ä ö æ ø
 * é ü ...) and the Hebrew letters; utf8proc's tables for everything else. */
static bool is_latin1_letter(int32_t cp) { return cp >= 0xC0 && cp <= 0xFF && cp != 0xD7 && cp != 0xF7; }

static VB__INLINE bool is_letter(int32_t cp) {
  if (cp < 0x80) return vb__ascii_alpha(cp);
  if (is_latin1_letter(cp) || (cp >= 0x05D0 && cp <= 0x05EA)) return true;
  if (cp < 0x100) return cp == 0xAA || cp == 0xB5 || cp == 0xBA; /* ª µ º: Latin-1's others */
  if (cp == 0xFFFD) return false;
  utf8proc_category_t c = utf8proc_category(cp);
  return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME);
}

static bool is_digit(int32_t cp) {
  if (cp < 0x80) return vb__ascii_digit(cp);
  if (cp < 0x0660 || (cp >= 0x05D0 && cp <= 0x05EA)) return false; /* no decimal digits there */
  return utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
}

static VB__INLINE bool is_space(int32_t cp) {
  if (cp < 0x80) return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v';
  if (is_latin1_letter(cp) || (cp >= 0x05D0 && cp <= 0x05EA)) return false;
  if (cp < 0x100) return cp == 0xA0; /* Latin-1's only space: no-break space (£, «, ° are not) */
  utf8proc_category_t c = utf8proc_category(cp);
  return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP ||
         cp == 0x200B || cp == 0xFEFF || cp == 0x200E || cp == 0x200F;
}

static bool is_upper(int32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  if (cp >= 0xC0 && cp <= 0xDE) return cp != 0xD7;
  if (cp >= 0xDF && cp <= 0xFF) return false;
  if (cp >= 0x05D0 && cp <= 0x05EA) return false;
  return utf8proc_category(cp) == UTF8PROC_CATEGORY_LU;
}

static bool is_lower(int32_t cp) {
  if (cp < 0x80) return cp >= 'a' && cp <= 'z';
  if (cp >= 0xDF && cp <= 0xFF) return cp != 0xF7;
  if (cp >= 0xC0 && cp <= 0xDE) return false;
  if (cp >= 0x05D0 && cp <= 0x05EA) return false;
  return utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

static bool is_hebrew_letter(int32_t cp) { return cp >= 0x05D0 && cp <= 0x05EA; }

/* Characters that may not end a URL or e-mail (they usually end the sentence around it). */
static bool url_trailing(unsigned char c) {
  return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' ||
         c == '"' || c == '\'' || c == ']' || c == '>';
}

static size_t match_url(const scan *s, size_t i) {
  const char *q = (const char *)s->p + i;
  size_t rest = s->len - i, pre = 0;
  if (rest >= 8 && strncmp(q, "https://", 8) == 0) pre = 8;
  else if (rest >= 7 && strncmp(q, "http://", 7) == 0) pre = 7;
  else if (rest >= 4 && (strncmp(q, "www.", 4) == 0 || strncmp(q, "WWW.", 4) == 0)) pre = 4;
  if (!pre) return 0;
  size_t j = i + pre;
  while (j < s->len) {
    size_t adv;
    int32_t cp = cp_at(s, j, &adv);
    if (is_space(cp) || cp == '<' || cp == '"' || (cp >= 0x80 && vb__is_emoji_cp(cp))) break;
    j += adv;
  }
  while (j > i + pre && url_trailing(s->p[j - 1])) j--;
  return j > i + pre ? j - i : 0;
}

static bool email_local(unsigned char c) {
  return vb__ascii_alpha(c) || vb__ascii_digit(c) || c == '.' || c == '_' || c == '-' ||
         c == '+' || c == '%';
}

static bool domain_char(unsigned char c) {
  return vb__ascii_alpha(c) || vb__ascii_digit(c) || c == '.' || c == '-' || c >= 0x80;
}

/* Whether the text holds an '@' (*has_at: 1 yes, 0 no, -1 not looked for yet): an e-mail
 * address needs one, and most texts have none, so no word start is tried as one. Asked only
 * where a word could start an address: most texts never get there (plain words do not). */
static bool text_has_at(const scan *s, int *has_at) {
  if (*has_at < 0) *has_at = memchr(s->p, '@', s->len) != NULL;
  return *has_at;
}

/* An e-mail address starting at i (only checked where a word or number starts). */
static size_t match_email(const scan *s, size_t i) {
  size_t j = i;
  while (j < s->len && email_local(s->p[j])) j++;
  if (j == i || j >= s->len || s->p[j] != '@') return 0;
  size_t at = j++;
  size_t dom = j, dots = 0;
  while (j < s->len && domain_char(s->p[j])) {
    if (s->p[j] == '.') dots++;
    j++;
  }
  while (j > dom && (s->p[j - 1] == '.' || s->p[j - 1] == '-')) {
    if (s->p[j - 1] == '.') dots--;
    j--;
  }
  if (dots == 0 || j == dom || at == i) return 0;
  return j - i;
}

/* @name or #tag: the sign followed by letters, digits or underscores (any script). */
static size_t match_tag(const scan *s, size_t i) {
  size_t j = i + 1;
  while (j < s->len) {
    unsigned char c = s->p[j];
    if (c < 0x80) { /* is_letter() and is_digit() of ASCII, without decoding */
      if (!(vb__ascii_alpha(c) || vb__ascii_digit(c) || c == '_')) break;
      j++;
      continue;
    }
    size_t adv;
    int32_t cp = cp_at(s, j, &adv);
    if (!(is_letter(cp) || is_digit(cp))) break;
    j += adv;
  }
  return j > i + 1 ? j - i : 0;
}

#define E(x) {x, sizeof x - 1}
static const struct {
  const char *s;
  unsigned char n;
} emoticons[] = {
    /* longest first within a shared prefix, so the first match is the longest; the ASCII
     * emoticons of lexicons/emoji.tsv but "+1" (also a telephone prefix) */
    E(">:-("), E(">:("), E(">:["), E(">_<"), E(":'-("), E(":'("), E(":'-)"), E(":')"),
    E(":-))"), E(":-)"), E(":-("), E(":-D"), E(":-P"), E(":-p"), E(":-/"), E(":-\\"), E(":-|"),
    E(":-O"), E(":-o"), E(":-*"), E(":-S"), E(":-$"), E(":-]"), E(":-["), E(";-)"), E(";-("),
    E(";_;"), E("</3"), E("<333"), E("<33"), E("<3"), E("^_^"), E("^.^"), E("^^"), E("-_-"),
    E("-.-"), E("T_T"), E("T.T"), E(":)))"), E(":((("), E(":))"), E(":(("), E(":)"), E(":("),
    E(":D"), E(":P"), E(":p"), E(":/"), E(":\\"), E(":|"), E(":O"), E(":o"), E(":*"), E(":S"),
    E(":s"), E(":$"), E(":@"), E(":]"), E(":["), E(":>"), E(":3"), E(";)"), E(";("), E(";D"),
    E(";P"), E("=)"), E("=("), E("=D"), E("=/"), E("=]"), E("xD"), E("XD"), E("xP"), E("x_x"),
    E("X("), E("D-:"), E("D:"), E("o_O"), E("O_o"), E("o.O"), E("O.o"), E("8-)"), E("B-)"),
    E("\\o/"), E("\\m/"), E("o/"), E("(y)"), E("(:"), E("):"), E("&lt;/3"), E("&lt;3"),
    {NULL, 0}}; /* the last two: HTML-escaped hearts, common in scraped posts */
#undef E

/* Letters and digits that begin an emoticon (x, T, D, B, o, O, 8): such a word is tried as
 * an emoticon only when its second byte cannot continue a word ("xD" and "xP" aside), so
 * ordinary words ("The", "Day", "on") cost one test. */
static bool emoticon_letter(const scan *s, size_t i) {
  unsigned char c = s->p[i];
  if (!(c == 'x' || c == 'X' || c == 'T' || c == 'D' || c == 'B' || c == 'o' || c == 'O' ||
        c == '8'))
    return false;
  if (i + 1 >= s->len) return false;
  unsigned char d = s->p[i + 1];
  if (c == 'x' && (d == 'D' || d == 'P')) return true;
  if (c == 'X' && d == 'D') return true;
  return d < 0x80 && !vb__ascii_alpha(d) && !vb__ascii_digit(d) && d != '\'' && d != ' ';
}

/* The first bytes of the table above: a full stop or comma is no emoticon at one test. */
static bool emoticon_first(unsigned char c) {
  switch (c) {
  case '&': case '(': case ')': case '-': case '8': case ':': case ';': case '<': case '=':
  case '>': case 'B': case 'D': case 'O': case 'T': case 'X': case '\\': case '^': case 'o':
  case 'x':
    return true;
  default:
    return false;
  }
}

static size_t match_emoticon(const scan *s, size_t i) {
  if (!emoticon_first(s->p[i])) return 0;
  /* Must start after a space or the start, and end before a space, punctuation or the end. */
  if (i > 0 && s->p[i] != '&') {
    /* the previous byte of a multi-byte character (à, נ) is never a space */
    unsigned char prev = s->p[i - 1];
    bool boundary = prev < 0x80 && (is_space(prev) || prev == '(' || prev == '"');
    if (!boundary && s->p[i] != '<') return 0;
  }
  unsigned char c0 = s->p[i];
  for (size_t k = 0; emoticons[k].s; k++) {
    const char *e = emoticons[k].s;
    size_t n = emoticons[k].n;
    if ((unsigned char)e[0] != c0) continue; /* the first byte rules out almost all */
    if (n <= s->len - i && memcmp(s->p + i, e, n) == 0) {
      size_t j = i + n;
      if (j < s->len) {
        unsigned char c = s->p[j];
        if (vb__ascii_alpha(c) || vb__ascii_digit(c)) continue;
        /* ":/" followed by "/" is a URL scheme, not an emoticon; "D:\\" a Windows path */
        if (c == '/' || c == '\\') continue;
        /* "(:" and "):" only stand alone: "(:-)" is a bracket and a smiley */
        if ((e[0] == '(' || e[0] == ')') && !is_space(c)) continue;
      }
      return n;
    }
  }
  return 0;
}

/* An HTML entity left in scraped text (&amp; &lt; &gt; &quot; &#39;): one punctuation token. */
static size_t match_entity(const scan *s, size_t i) {
  static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&apos;", "&nbsp;", NULL};
  for (const char *const *e = ents; *e; e++) {
    size_t n = strlen(*e);
    if (n <= s->len - i && memcmp(s->p + i, *e, n) == 0) return n;
  }
  return 0;
}

/* An emoji sequence: base (+ VS16 / skin tone)* (+ ZWJ + base ...)*, a regional-indicator
 * pair (a flag), or a keycap (digit, # or * + FE0F + 20E3). */
static size_t match_emoji(const scan *s, size_t i) {
  size_t adv;
  int32_t cp = cp_at(s, i, &adv);
  size_t j = i + adv;
  if (cp >= 0x1F1E6 && cp <= 0x1F1FF) {
    size_t a2;
    int32_t c2 = cp_at(s, j, &a2);
    if (c2 >= 0x1F1E6 && c2 <= 0x1F1FF) j += a2;
    return j - i;
  }
  if (!vb__is_emoji_cp(cp)) return 0;
  for (;;) {
    int32_t c = cp_at(s, j, &adv);
    if (c == 0xFE0F || c == 0xFE0E || (c >= 0x1F3FB && c <= 0x1F3FF) || c == 0x20E3 ||
        (c >= 0xE0020 && c <= 0xE007F)) {
      j += adv;
      continue;
    }
    if (c == 0x200D) {
      size_t a2;
      int32_t c2 = cp_at(s, j + adv, &a2);
      if (vb__is_emoji_cp(c2)) {
        j += adv + a2;
        continue;
      }
    }
    break;
  }
  return j - i;
}

/* A keycap: a digit, # or * followed by VS16 (optional) and U+20E3. */
static size_t match_keycap(const scan *s, size_t i) {
  size_t j = i + 1, adv;
  int32_t c = cp_at(s, j, &adv);
  if (c == 0xFE0F) {
    j += adv;
    c = cp_at(s, j, &adv);
  }
  return c == 0x20E3 ? j + adv - i : 0;
}

/* A number: digits with single inner separators followed by digits ("8,5", "24/7", "2-3",
 * "10:30", "1.000.000"). A letter right after the digits makes it a word ("3rd", "4g"). */
static size_t number_end(const unsigned char *p, size_t i, size_t len) {
  size_t j = i;
  while (j < len) {
    if (vb__ascii_digit(p[j])) { j++; continue; }
    unsigned char c = p[j];
    if ((c == ',' || c == '.' || c == '/' || c == '-' || c == ':') && j + 1 < len &&
        vb__ascii_digit(p[j + 1]) && j > i) {
      j++;
      continue;
    }
    break;
  }
  return j;
}

static size_t match_number(const scan *s, size_t i, bool *is_word) {
  size_t j = number_end(s->p, i, s->len);
  *is_word = false;
  size_t adv;
  int32_t cp = cp_at(s, j, &adv);
  if (cp >= 0 && is_letter(cp)) *is_word = true;
  return j - i;
}

/* Single-segment abbreviations written with a final dot, in our four languages' Latin
 * script (the team's list; lower case), leaving out words that also end sentences as words
 * ("no.", "maj.", "sun."). Multi-segment ones (t.ex., bl.a., f.eks., U.S.,
 * e.g.) are recognised by their shape instead. */
static const struct {
  unsigned char lens; /* the lengths of the letter's abbreviations (bits 1 << n), so that most
                         words before a full stop are ruled out at one test (test_tokenize's
                         test_abbreviations finds a length left out) */
  const char *words;  /* between spaces */
} abbreviations[26] = {
    [0] = {1 << 3 | 1 << 6, " approx ang aug "},
    [1] = {1 << 2, " bl "},
    [2] = {1 << 2 | 1 << 4, " corp ca "},
    [3] = {1 << 2 | 1 << 3 | 1 << 4, " dr dept dvs dec "},
    [4] = {1 << 3 | 1 << 4 | 1 << 5, " etc evt ekskl exkl "},
    [5] = {1 << 2 | 1 << 3, " frk fx feb "},
    [7] = {1 << 2, " hr "},
    [8] = {1 << 3 | 1 << 4, " inc inkl iflg ifm "},
    [9] = {1 << 2 | 1 << 3, " jr jfr "},
    [10] = {1 << 2, " kr kl "},
    [11] = {1 << 3, " ltd "},
    [12] = {1 << 2 | 1 << 3, " mr mrs ms mdr mrd mht mv mm "},
    [13] = {1 << 2 | 1 << 3, " nr nov "},
    [14] = {1 << 3, " osv oct okt "},
    [15] = {1 << 3 | 1 << 4, " pga prof "},
    [17] = {1 << 4, " resp "},
    [18] = {1 << 2 | 1 << 3 | 1 << 4, " sr st stk sept "},
    [19] = {1 << 3, " tel tlf tkr "},
    [21] = {1 << 2 | 1 << 3, " vs vha "},
};

/* Whether w[0..n) is one of the list's abbreviations, in any case: the entries of its first
 * letter compared with it byte by byte (the old strstr() over " word " cost three times as
 * much; test_tokenize compares the two). */
static bool is_abbreviation(const unsigned char *w, size_t n) {
  if (n == 0 || n > 6) return false; /* "approx" is the longest */
  int c = vb__ascii_lower(w[0]);
  if (c < 'a' || c > 'z' || !(abbreviations[c - 'a'].lens >> n & 1)) return false;
  const char *a = abbreviations[c - 'a'].words + 1; /* the first entry */
  while (*a) {
    size_t q = 1; /* a[0] is the first letter */
    while (q < n && a[q] == vb__ascii_lower(w[q])) q++;
    if (q == n && a[q] == ' ') return true;
    while (a[q] != ' ') q++; /* the next entry */
    a += q + 1;
  }
  return false;
}

/* Top-level domains that make "lumo.se" one token. */
static const char *const tlds[] = {"se", "dk", "com", "net", "org", "il", "co", "uk", "io", "nu",
                                   "no", "fi", "de", "eu", "info", "app",
                                   /* and file names: kvitto.pdf, faktura.xlsx */
                                   "pdf", "doc", "docx", "htm", "html", "txt", "xls", "xlsx",
                                   "csv", "jpg", "jpeg", "png", "gif", "zip", "ppt", "pptx", NULL};

/* After a word ending at j: an abbreviation's dots (t.ex., U.S., e.g., Dr.) or a domain
 * (lumo.se, www-less). Returns the new end. */
static size_t extend_dotted(const scan *s, size_t start, size_t j) {
  if (j >= s->len || s->p[j] != '.') return j;
  /* multi-segment: letters(1-3) '.' letters(1-3) '.' ... (each segment short) */
  size_t k = start, segs = 0;
  bool shape = true;
  while (k < s->len) {
    size_t a = k;
    while (k < s->len && vb__ascii_alpha(s->p[k])) k++;
    size_t n = k - a;
    if (n == 0 || n > 3) { shape = false; break; }
    if (k >= s->len || s->p[k] != '.') { shape = false; break; }
    k++;
    segs++;
    if (k >= s->len || !vb__ascii_alpha(s->p[k])) break;
  }
  if (shape && segs >= 2) return k;
  /* one word and a dot: a known abbreviation */
  bool ascii = true;
  for (size_t q = start; q < j; q++) ascii = ascii && vb__ascii_alpha(s->p[q]);
  if (ascii && is_abbreviation(s->p + start, j - start)) return j + 1;
  /* an initial: one capital letter, a dot, a space and a capital (A. I. Rabin) */
  if (j - start == 1 && s->p[start] >= 'A' && s->p[start] <= 'Z' && j + 2 < s->len &&
      s->p[j + 1] == ' ' && s->p[j + 2] >= 'A' && s->p[j + 2] <= 'Z')
    return j + 1;
  /* a domain: word '.' tld, followed by neither a letter nor a digit (every tld is lower
   * case: a sentence's full stop is followed by none) */
  if (j + 1 >= s->len || s->p[j + 1] < 'a' || s->p[j + 1] > 'z') return j;
  for (const char *const *t = tlds; *t; t++) {
    size_t n = strlen(*t);
    if (j + 1 + n <= s->len && memcmp(s->p + j + 1, *t, n) == 0 &&
        (j + 1 + n == s->len || !(vb__ascii_alpha(s->p[j + 1 + n]) || vb__ascii_digit(s->p[j + 1 + n]))))
      return j + 1 + n;
  }
  return j;
}

/* The characters people type for an apostrophe, all folded to ' in keys (normalize.c): ' and
 * the typographic ’, and what keyboards and autocorrection give instead (´ on many European
 * keyboards: "don´t"; ‘ ‛ ′ and the fullwidth ＇). */
static VB__INLINE bool is_apostrophe(int32_t cp) {
  return cp == '\'' || cp == 0x2019 || cp == 0x00B4 || cp == 0x2018 || cp == 0x201B ||
         cp == 0x2032 || cp == 0xFF07;
}

/* A word: letters, marks and digits, with inner apostrophes, hyphens and Hebrew gershayim
 * when a letter follows them. Sets VB_TOKF_CAPS / VB_TOKF_ELONGATED. */
static size_t match_word(const scan *s, size_t i, uint16_t *flags) {
  size_t j = i;
  int32_t prev = -1;
  size_t n_upper = 0, n_lower = 0, run = 0;
  bool elongated = false;
  while (j < s->len) {
    unsigned char c = s->p[j];
    if (c < 0x80 && (vb__ascii_alpha(c) || vb__ascii_digit(c))) { /* the common case */
      if (c >= 'A' && c <= 'Z') n_upper++;
      else if (c >= 'a' && c <= 'z') n_lower++;
      run = ((int32_t)c == prev) ? run + 1 : 1;
      if (run >= 3 && !vb__ascii_digit(c)) elongated = true;
      prev = c;
      j++;
      continue;
    }
    size_t adv;
    int32_t cp = cp_at(s, j, &adv);
    if (is_letter(cp) || is_digit(cp)) {
      if (is_upper(cp)) n_upper++;
      else if (is_lower(cp)) n_lower++;
      run = (cp == prev) ? run + 1 : 1;
      if (run >= 3 && !is_digit(cp)) elongated = true;
      prev = cp;
      j += adv;
      continue;
    }
    /* Inner joiners: keep them when a letter follows. */
    if (is_apostrophe(cp) || cp == '-' || cp == 0x2010 || cp == '"' || cp == 0x05F4 ||
        cp == 0x05F3 || cp == '_' || cp == 0x201D) {
      size_t a2;
      int32_t next = cp_at(s, j + adv, &a2);
      bool next_letter = next >= 0 && is_letter(next);
      if (cp == '"' || cp == 0x05F4 || cp == 0x201D) {
        /* gershayim: only between two Hebrew letters (צה"ל, דו"ח) */
        if (!(is_hebrew_letter(prev) && is_hebrew_letter(next))) break;
      } else if (!next_letter) {
        /* a geresh after ג ז צ ץ ח belongs to the letter (צ'יפס, ג'וב) even at the end; not
         * the typographic apostrophes there, which close quotes more often ("שמח’") */
        if ((cp == '\'' || cp == 0x05F3) &&
            (prev == 0x05D2 || prev == 0x05D6 || prev == 0x05E6 || prev == 0x05E5 ||
             prev == 0x05D7)) {
          j += adv;
        }
        break;
      }
      j += adv;
      prev = cp;
      run = 0;
      continue;
    }
    break;
  }
  if (n_upper >= 2 && n_lower == 0) *flags |= VB_TOKF_CAPS;
  if (elongated) *flags |= VB_TOKF_ELONGATED;
  return j - i;
}

/* Appends a token; `*line` (VB__TOKF_LINE after a line break, else 0) is added to its flags
 * and cleared. */
static VB__INLINE int push(vb__toks *out, size_t start, size_t end, int type, unsigned flags,
                           unsigned *line) {
  if (out->n == out->cap && vb__grow(&out->v, &out->cap, out->n + 1, sizeof *out->v))
    return VB_ENOMEM;
  vb__tok *t = &out->v[out->n++];
  t->start = start;
  t->end = end;
  t->type = (uint16_t)type;
  t->flags = (uint16_t)(flags | *line);
  *line = 0;
  return VB_OK;
}

/* The second byte of a Latin-1 letter after C3 (U+00C0-00FF but the signs × and ÷), and of
 * a lower-case one (U+00DF-00FF but ÷). */
static bool latin1_letter(unsigned char b) { return b >= 0x80 && b <= 0xBF && b != 0x97 && b != 0xB7; }
static bool latin1_lower(unsigned char b) { return b >= 0x9F && b <= 0xBF && b != 0xB7; }

/* What a byte is to the plain-word fast path (tokenize()), one table lookup where a chain of
 * comparisons was (-4.6 M instructions of 146 M in the front on English):
 * PW_LETTER  an ASCII letter that begins a plain word whatever follows;
 * PW_EMO     a letter that may begin an emoticon ("xD", "o_O", "B)", "T_T"): it begins one
 *            only before a lower-case letter, as in no emoticon (emoticon_letter()): "on", "The";
 * PW_JOIN    the word may go on after it: an apostrophe or hyphen before a lower-case letter,
 *            C3 (a Latin-1 letter);
 * PW_END     it ends a plain word as the general path would: a space, a comma, '!', '?', ')' or
 *            a line break (a full stop has rules of its own);
 * PW_LATIN   it also ends a plain word of Latin letters or a number: '"', ';' and '/' (after
 *            Hebrew letters '"' may be gershayim). */
enum { PW_LETTER = 1, PW_EMO = 2, PW_JOIN = 4, PW_END = 8, PW_LATIN = 16 };
#define PW_IS_EMO(c) \
  ((c) == 'x' || (c) == 'o' || (c) == 'X' || (c) == 'T' || (c) == 'D' || (c) == 'B' || (c) == 'O')
#define PW_IS_ALPHA(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))
#define PW_CLASS(c)                                                                     \
  ((PW_IS_ALPHA(c) ? (PW_IS_EMO(c) ? PW_EMO : PW_LETTER) : 0) |                         \
   ((c) == '\'' || (c) == '-' || (c) == 0xC3 ? PW_JOIN : 0) |                           \
   ((c) == ' ' || (c) == ',' || (c) == '!' || (c) == '?' || (c) == ')' || (c) == '\n' || \
            (c) == '\r'                                                                 \
        ? PW_END | PW_LATIN                                                             \
        : 0) |                                                                          \
   ((c) == '"' || (c) == ';' || (c) == '/' ? PW_LATIN : 0))
#define PW4(c) PW_CLASS(c), PW_CLASS((c) + 1), PW_CLASS((c) + 2), PW_CLASS((c) + 3)
#define PW16(c) PW4(c), PW4((c) + 4), PW4((c) + 8), PW4((c) + 12)
#define PW64(c) PW16(c), PW16((c) + 16), PW16((c) + 32), PW16((c) + 48)
static const unsigned char plain_class[256] = {PW64(0), PW64(64), PW64(128), PW64(192)};
#undef PW64
#undef PW16
#undef PW4
#undef PW_CLASS
#undef PW_IS_ALPHA
#undef PW_IS_EMO

static bool plain_end(unsigned char e) { return plain_class[e] & PW_END; }

/* Whether a plain word may start with the byte c, followed by the byte d: an ASCII letter (an
 * emoticon's only before a lower-case letter), or a Latin-1 one (C3 and its second byte). */
static VB__INLINE bool plain_start(unsigned char c, unsigned char d) {
  unsigned k = plain_class[c];
  if (k & PW_LETTER) return true;
  if (k & PW_EMO) return d >= 'a' && d <= 'z';
  return c == 0xC3 && latin1_letter(d);
}

/* Whether the sign at i is one punctuation token by itself, as the general path finds it: a
 * quote always (no emoticon begins with one), a bracket unless an emoticon begins there
 * ("(y)", "(:", "):"), a colon, semicolon, '=' or dash before a space, a line break or the end
 * (no emoticon goes on with a space; runs of '-' and '=' need a second sign). */
static bool lone_punct(const unsigned char *p, size_t i, size_t len) {
  unsigned char d = i + 1 < len ? p[i + 1] : ' ';
  switch (p[i]) {
  case '"':
    return true;
  case '(':
    return d != 'y' && d != ':';
  case ')':
    return d != ':';
  case ':': case ';': case '=': case '-':
    return d == ' ' || d == '\n';
  default:
    return false;
  }
}

/* The general path at byte i (not a space the fast paths skip): the first rule that matches
 * wins (keycap, URL, mention, hashtag, e-mail, emoticon, entity, emoji, number, word,
 * punctuation). Returns the token's type with its length in *n and flags in *flags, or -1
 * for a space character (its length in *n). */
static int general_token(const scan *sp, size_t i, int *has_at, size_t *np, uint16_t *fp) {
  const scan s = *sp;
  size_t len = s.len;
  size_t adv;
  int32_t cp = cp_at(&s, i, &adv);
  if (is_space(cp)) {
    *np = adv;
    return -1;
  }
  size_t n;
  uint16_t flags = 0;
  int type;
  unsigned char c = s.p[i];
  if ((vb__ascii_digit(c) || c == '#' || c == '*') && (n = match_keycap(&s, i)))
    type = VB_TOK_EMOJI;
  else if ((c == 'h' || c == 'w' || c == 'W') && (n = match_url(&s, i))) type = VB_TOK_URL;
  else if (c == '@' && (n = match_tag(&s, i))) type = VB_TOK_MENTION;
  else if (c == '#' && (n = match_tag(&s, i)) && !vb__ascii_digit(s.p[i + 1])) type = VB_TOK_HASHTAG;
  else if (c < 0x80 && (vb__ascii_alpha(c) || vb__ascii_digit(c)) && text_has_at(&s, has_at) &&
           (n = match_email(&s, i)))
    type = VB_TOK_EMAIL;
  else if (c < 0x80 && !vb__ascii_alpha(c) && !vb__ascii_digit(c) && (n = match_emoticon(&s, i)))
    type = VB_TOK_EMOTICON;
  else if (c == '&' && (n = match_entity(&s, i))) type = VB_TOK_PUNCT;
  else if (c < 0x80 && emoticon_letter(&s, i) && (n = match_emoticon(&s, i)))
    type = VB_TOK_EMOTICON;
  else if (cp >= 0x80 && (n = match_emoji(&s, i))) type = VB_TOK_EMOJI;
  else if (is_digit(cp)) {
    bool word;
    n = match_number(&s, i, &word);
    type = VB_TOK_NUMBER;
    if (word) {
      n = match_word(&s, i, &flags);
      type = VB_TOK_WORD;
    }
  } else if (is_letter(cp)) {
    n = match_word(&s, i, &flags);
    type = VB_TOK_WORD;
    size_t e = extend_dotted(&s, i, i + n);
    if (e > i + n) {
      bool domain = s.p[e - 1] != '.';
      n = e - i;
      if (domain) type = VB_TOK_URL;
    }
  } else {
    /* Punctuation: a run of the same mark is one token ("!!!", "...", "?!?"). */
    n = adv;
    type = VB_TOK_PUNCT;
    if (c == '!' || c == '?' || c == '.') {
      while (i + n < len && (s.p[i + n] == '!' || s.p[i + n] == '?' ||
                             (c == '.' && s.p[i + n] == '.'))) n++;
      if (n >= 3) flags |= VB_TOKF_ELONGATED;
    } else if (c == '-' || c == '=' || c == '$' || c == '<' || c == '>' || c == '*' ||
               c == '_' || c == '~' || c == '+') {
      while (i + n < len && s.p[i + n] == c) n++; /* "--", "====", "$$$", "<<" as one */
    }
  }
  if (n == 0) n = adv ? adv : 1; /* cannot happen; never loop forever */
  *np = n;
  *fp = flags;
  return type;
}

/* Inlined into its three callers: the fast paths on or off, and with `elong` off the fast
 * paths' words are not looked at for elongation letter by letter (vb__tokenize_forms()). */
static VB__INLINE int tokenize(const char *text, size_t len, vb__toks *out, bool plain_words,
                               bool elong) {
  scan s = {(const unsigned char *)text, len};
  out->n = 0;
  if (len > UINT32_MAX) return VB_ELIMIT;
  size_t i = 0;
  int has_at = -1; /* text_has_at() */
  unsigned line = 0; /* a line break since the last token */
  while (i < len) {
    unsigned char c0 = s.p[i];
    if (c0 == ' ') { /* the most common byte between tokens */
      i++;
      continue;
    }
    /* A word of Hebrew letters without points (two bytes each, D7 90-AA) that no joiner
     * (gershayim, geresh, apostrophe, hyphen) or mark continues: what the general path below
     * finds, without its tries. */
    if (plain_words && c0 == 0xD7 && i + 1 < len && s.p[i + 1] >= 0x90 && s.p[i + 1] <= 0xAA) {
      size_t j = i + 2;
      bool elongated = false; /* three equal letters in a row: equal second bytes */
      for (; j + 1 < len && s.p[j] == 0xD7 && (unsigned char)(s.p[j + 1] - 0x90) <= 0xAA - 0x90;
           j += 2)
        if (elong && s.p[j + 1] == s.p[j - 1] && j - i >= 4 && s.p[j + 1] == s.p[j - 3])
          elongated = true;
      unsigned char e = j < len ? s.p[j] : ' ';
      if (plain_end(e) || (e == '.' && (j + 1 == len || s.p[j + 1] < 'a' || s.p[j + 1] > 'z'))) {
        if (push(out, i, j, VB_TOK_WORD, elongated ? VB_TOKF_ELONGATED : 0, &line))
          return VB_ENOMEM;
        i = j;
        continue;
      }
    }
    /* Most tokens are a word of lower-case letters (ASCII and Latin-1), or one capital and
     * lower-case letters, with inner apostrophes and hyphens before a lower-case letter
     * ("don't", "I've", "wi-fi"), ended as above: the same shortcut. Such a word is no e-mail
     * address (its end is no '@' nor a character of one, and the general path's check stops
     * at an apostrophe or Latin-1 letter), no URL ("www" and "http" end at a '.' or ':' that
     * does not end the word here) and no emoticon (plain_start()). Abbreviations before a full
     * stop ("etc.", "Dr.") and every word ended by anything else (an apostrophe or hyphen at
     * its end, a digit, a capital, a dot inside "e.g.") take the general path. Three equal
     * letters in a row (elongation) are three equal bytes or byte pairs: no joiner between. */
    unsigned char d0 = i + 1 < len ? s.p[i + 1] : 0;
    if (plain_words && plain_start(c0, d0)) {
      /* past the first letter, and the second when it is a-z: the loop below looks back two
       * bytes only from the third letter on */
      size_t j = c0 == 0xC3 ? i + 2 : i + 1 + (d0 >= 'a' && d0 <= 'z');
      bool elongated = false;
      for (;;) {
        for (; j < len && (unsigned char)(s.p[j] - 'a') <= 'z' - 'a'; j++)
          if (elong && s.p[j] == s.p[j - 1] && s.p[j] == s.p[j - 2]) elongated = true;
        if (j + 1 >= len || !(plain_class[s.p[j]] & PW_JOIN)) break;
        unsigned char c = s.p[j], d = s.p[j + 1];
        if (c == 0xC3 && latin1_lower(d)) { /* å ä ö æ ø é ü ß ... */
          if (elong && j - i >= 4 && s.p[j - 2] == c && s.p[j - 1] == d && s.p[j - 4] == c &&
              s.p[j - 3] == d)
            elongated = true;
          j += 2;
        } else if ((c == '\'' || c == '-') && d >= 'a' && d <= 'z') {
          j++;
        } else {
          break;
        }
      }
      unsigned char e = j < len ? s.p[j] : ' ';
      /* and a colon that begins no "://" (http, https: a URL) */
      bool plain = plain_class[e] & PW_LATIN || (e == ':' && (j + 1 == len || s.p[j + 1] != '/'));
      if (!plain && e == '.' && j - i >= 2 &&
          (j + 1 == len || s.p[j + 1] == ' ' || s.p[j + 1] == '\n'))
        plain = !is_abbreviation(s.p + i, j - i);
      if (plain) {
        if (push(out, i, j, VB_TOK_WORD, elongated ? VB_TOKF_ELONGATED : 0, &line))
          return VB_ENOMEM;
        i = j < len && e == ' ' ? j + 1 : j; /* and the space after it, most words' end */
        continue;
      }
    }
    /* Sentence and clause punctuation, as the general path below ends it (a run of ! ? and,
     * after a full stop, full stops: "!!!", "?!", "..."), without its tries: no emoticon,
     * number or word starts with these. */
    if (plain_words && (c0 == ',' || c0 == '.' || c0 == '!' || c0 == '?')) {
      size_t j = i + 1;
      if (c0 != ',')
        while (j < len && (s.p[j] == '!' || s.p[j] == '?' || (c0 == '.' && s.p[j] == '.'))) j++;
      if (push(out, i, j, VB_TOK_PUNCT, c0 != ',' && j - i >= 3 ? VB_TOKF_ELONGATED : 0, &line))
        return VB_ENOMEM;
      i = j;
      continue;
    }
    if (plain_words && lone_punct(s.p, i, len)) {
      if (push(out, i, i + 1, VB_TOK_PUNCT, 0, &line)) return VB_ENOMEM;
      i++;
      continue;
    }
    /* A number ended by a space, comma, '!', '?', line break, '"', ';', '/' or a full stop
     * before a space: what the general path finds, without its tries. No keycap (digit, FE0F,
     * 20E3), e-mail address (its local part ends where the number does, at no '@'), emoticon
     * ("8-)": a '-' ends no number here) or word ("3rd": a letter ends none) goes on from such
     * a number. */
    if (plain_words && vb__ascii_digit(c0)) {
      size_t j = number_end(s.p, i, len);
      unsigned char e = j < len ? s.p[j] : ' ';
      if ((plain_class[e] & PW_LATIN && e != ')') ||
          (e == '.' && (j + 1 == len || s.p[j + 1] == ' ' || s.p[j + 1] == '\n'))) {
        if (push(out, i, j, VB_TOK_NUMBER, 0, &line)) return VB_ENOMEM;
        i = j;
        continue;
      }
    }
    size_t n;
    uint16_t flags = 0;
    int type = general_token(&s, i, &has_at, &n, &flags);
    if (type < 0) { /* a space */
      if (s.p[i] == '\n') line = VB__TOKF_LINE;
    } else if (push(out, i, i + n, type, flags, &line)) {
      return VB_ENOMEM;
    }
    i += n;
  }
  return VB_OK;
}

int vb__tokenize(const char *text, size_t len, vb__toks *out) {
  return tokenize(text, len, out, true, true);
}

int vb__tokenize_forms(const char *text, size_t len, vb__toks *out) {
  return tokenize(text, len, out, true, false);
}

int vb__tokenize_general(const char *text, size_t len, vb__toks *out) {
  return tokenize(text, len, out, false, true);
}

bool vb__word_elongated(const char *w, size_t n) {
  const unsigned char *p = (const unsigned char *)w;
  /* the bytes the fast paths take for a word: unpointed Hebrew letters; or an ASCII or
   * Latin-1 letter, then a-z, lower-case Latin-1 letters and an apostrophe or hyphen before
   * a-z. Each character is one byte or two. */
  if (n == 0) return false;
  if (p[0] == 0xD7) {
    for (size_t i = 0; i < n; i += 2)
      if (i + 1 >= n || p[i] != 0xD7 || p[i + 1] < 0x90 || p[i + 1] > 0xAA) return false;
  } else {
    size_t i = vb__ascii_alpha(p[0]) ? 1 : n >= 2 && p[0] == 0xC3 && latin1_letter(p[1]) ? 2 : 0;
    if (!i) return false;
    while (i < n) {
      unsigned char c = p[i], d = i + 1 < n ? p[i + 1] : 0;
      if (c >= 'a' && c <= 'z') i++;
      else if (c == 0xC3 && latin1_lower(d)) i += 2;
      else if ((c == '\'' || c == '-') && d >= 'a' && d <= 'z') i++;
      else return false;
    }
  }
  /* Three equal characters in a row: a character is compared with the bytes of the two of
   * its own width before it (where one of the other width stands, an ASCII byte meets a
   * continuation byte, and they differ). A joiner is never next to another. */
  for (size_t i = 0; i < n;) {
    size_t c = p[i] < 0x80 ? 1 : 2;
    if (i >= 2 * c && memcmp(p + i, p + i - c, c) == 0 && memcmp(p + i, p + i - 2 * c, c) == 0)
      return true;
    i += c;
  }
  return false;
}
