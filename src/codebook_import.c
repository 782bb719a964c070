/*
 * codebook_import.c - dictionaries users already own, as codebooks: LIWC `.dic` files and
 * quanteda-style YAML dictionaries, and brand lists (formats in lexicons/README.md).
 *
 * Both are rewritten as our own codebook text and handed to the one codebook loader
 * (codebook.c), so that matching, stems, compounds and exclusions behave exactly as for a
 * hand-written codebook. Every output line records the line and column of the input it came
 * from; an error the loader finds in the rewritten text is moved back to the user's file.
 *
 * The YAML reader takes the subset such dictionaries use: nested block mappings (keys become
 * the levels of the theme id), block sequences ("- word") and one-line flow sequences
 * ("[a, b]") of plain or quoted scalars, comments and document markers. Anything else
 * (anchors, aliases, block scalars, flow mappings, tabs in indentation) is an error at its
 * line, never silently misread.
 */
#include "vb_codebook_io.h"

typedef struct conv {
  const char *name;
  vb_lang lang; /* VB_LANG_UND: every language */
  vb__buf *out;
  long *pos;    /* line, column of the input for each output line */
  size_t n_lines, cap_pos;
  vb_error *err;
  vb__buf *brand_terms; /* (vb__codebook_convert) */
} conv;

static int note_line(conv *c, long line, long col) {
  if (vb__grow(&c->pos, &c->cap_pos, 2 * (c->n_lines + 1), sizeof *c->pos)) return VB_ENOMEM;
  c->pos[2 * c->n_lines] = line;
  c->pos[2 * c->n_lines + 1] = col;
  c->n_lines++;
  return VB_OK;
}

static int emit_section(conv *c, const char *id, long line) {
  if (vb__buf_printf(c->out, "[%s]\n", id)) return VB_ENOMEM;
  return note_line(c, line, 1);
}

static int emit_key(conv *c, const char *key, const char *value, long line, long col) {
  if (vb__buf_printf(c->out, "%s: %s\n", key, value)) return VB_ENOMEM;
  return note_line(c, line, col);
}

static const vb_lang all_langs[] = {VB_LANG_EN, VB_LANG_SV, VB_LANG_DA, VB_LANG_HE};

/* Term t[0..n) on a line "LANG`suffix`: term" for every language (or the one of "LANG:PATH"),
 * each line noted as the input's line and column. */
static int emit_langs(conv *c, const char *suffix, const char *t, size_t n, long line,
                      long col) {
  int rc = VB_OK;
  for (size_t k = 0; rc == VB_OK && k < 4; k++) {
    vb_lang l = all_langs[k];
    if (c->lang != VB_LANG_UND && c->lang != l) continue;
    if (vb__buf_printf(c->out, "%s%s: %.*s\n", vb_lang_code(l), suffix, (int)n, t))
      rc = VB_ENOMEM;
    else rc = note_line(c, line, col);
  }
  return rc;
}

/* One term, checked and cleaned: blanks collapsed to single spaces; ';' (our separator) and a
 * '*' that does not end the term are errors at their column. */
static int emit_term(conv *c, const char *t, size_t n, long line, long col) {
  vb__buf clean = {0};
  int rc = VB_OK;
  bool space = false;
  while (n && (*t == ' ' || *t == '\t')) { t++; n--; col++; }
  while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\r')) n--;
  if (n == 0) return vb__error_set(c->err, VB_EPARSE, c->name, line, col, "empty term");
  for (size_t i = 0; i < n && rc == VB_OK; i++) {
    char ch = t[i];
    if (ch == ';')
      rc = vb__error_set(c->err, VB_EPARSE, c->name, line, col + (long)i,
                         "';' cannot be part of a term");
    else if (ch == '*' && i + 1 < n)
      rc = vb__error_set(c->err, VB_EPARSE, c->name, line, col + (long)i,
                         "'*' may only end a term (a prefix wildcard)");
    else if (ch == '?')
      rc = vb__error_set(c->err, VB_EPARSE, c->name, line, col + (long)i,
                         "'?' wildcards are not supported (use a trailing '*')");
    else if (ch == ' ' || ch == '\t') space = true;
    else {
      if (space && clean.len && vb__buf_putc(&clean, ' ')) rc = VB_ENOMEM;
      space = false;
      if (rc == VB_OK && vb__buf_putc(&clean, ch)) rc = VB_ENOMEM;
    }
  }
  if (rc == VB_OK && clean.len == 1 && clean.data[0] == '*')
    rc = vb__error_set(c->err, VB_EPARSE, c->name, line, col, "a term cannot be only '*'");
  if (rc == VB_OK) rc = emit_langs(c, "", clean.data, clean.len, line, col);
  vb__buf_free(&clean);
  return rc;
}

/* Hebrew letters U+05D0..U+05EA in ASCII for ids (finals as their letters; ק q, כ k, so that
 * fewer names meet): a Hebrew brand or category name gets an id like the others. */
static const char *const he_ascii[27] = {
    "a", "b", "g", "d", "h", "v", "z", "ch", "t", "y", "k", "k", "l", "m", "m",
    "n", "n", "s", "e", "p", "p", "ts", "ts", "q", "r", "sh", "t"};

/* A theme id level from a category name or YAML key: ASCII letters lower-cased, digits, '_'
 * and '-' kept, common Nordic and accented letters and Hebrew letters spelled in ASCII
 * (Hebrew points left out), anything else '_' (runs collapsed, none at the ends). Appends to
 * `id`; false when nothing usable remains. */
static int id_level(const char *s, size_t n, vb__buf *id, bool *ok) {
  static const struct { const char *utf8, *ascii; } fold[] = {
      {"\xC3\xA5", "a"}, {"\xC3\x85", "a"}, {"\xC3\xA4", "a"}, {"\xC3\x84", "a"},
      {"\xC3\xA6", "ae"}, {"\xC3\x86", "ae"}, {"\xC3\xB6", "o"}, {"\xC3\x96", "o"},
      {"\xC3\xB8", "o"}, {"\xC3\x98", "o"}, {"\xC3\xA9", "e"}, {"\xC3\x89", "e"},
      {"\xC3\xA8", "e"}, {"\xC3\xBC", "u"}, {"\xC3\x9C", "u"}, {"\xC3\xA1", "a"},
      {"\xC3\xAD", "i"}, {"\xC3\xB3", "o"}, {"\xC3\xBA", "u"}, {"\xC3\xB1", "n"}};
  size_t start = id->len;
  bool under = false;
  for (size_t i = 0; i < n;) {
    unsigned char ch = (unsigned char)s[i];
    const char *put = NULL;
    size_t adv = 1;
    char one[2] = {0, 0};
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-') {
      one[0] = (char)ch;
      put = one;
    } else if (ch >= 'A' && ch <= 'Z') {
      one[0] = (char)(ch + 32);
      put = one;
    } else if (ch >= 0x80) {
      for (size_t k = 0; k < sizeof fold / sizeof fold[0] && !put; k++)
        if (i + 1 < n && memcmp(s + i, fold[k].utf8, 2) == 0) {
          put = fold[k].ascii;
          adv = 2;
        }
      if (!put && ch == 0xD7 && i + 1 < n) { /* Hebrew: U+05C0..U+05FF */
        unsigned c2 = (unsigned char)s[i + 1];
        adv = 2;
        if (c2 >= 0x90 && c2 <= 0xAA) put = he_ascii[c2 - 0x90];
        else if (c2 <= 0x87 || c2 >= 0xB3) { /* points, geresh, gershayim: nothing */
          i += adv;
          continue;
        }
      } else if (!put && ch == 0xD6 && i + 1 < n && (unsigned char)s[i + 1] >= 0x91) {
        i += 2; /* points U+0591..U+05BF */
        continue;
      }
      if (!put && adv == 1) { /* skip the whole UTF-8 sequence */
        adv = ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : ch >= 0xC0 ? 2 : 1;
        if (adv > n - i) adv = n - i;
      }
    }
    if (put) {
      if (under && id->len > start && vb__buf_putc(id, '_')) return VB_ENOMEM;
      under = false;
      if (vb__buf_append(id, put, strlen(put))) return VB_ENOMEM;
    } else {
      under = true;
    }
    i += adv;
  }
  *ok = id->len > start;
  if (id->len == start && vb__buf_append(id, "", 0)) return VB_ENOMEM;
  return VB_OK;
}

/* ---- lines ---- */

typedef struct line_iter {
  const char *data;
  size_t len, i;
  long lineno;
  vb__buf line;
} line_iter;

/* The next line without its LF / CR LF, NUL-terminated; 0 at the end. A NUL byte inside a
 * line is an error. */
static int next_line(line_iter *it, conv *c) {
  if (it->i >= it->len) return 0;
  size_t j = it->i;
  while (j < it->len && it->data[j] != '\n') j++;
  it->line.len = 0;
  if (vb__buf_append(&it->line, it->data + it->i, j - it->i)) return VB_ENOMEM;
  while (it->line.len && it->line.data[it->line.len - 1] == '\r')
    it->line.data[--it->line.len] = '\0';
  it->i = j + 1;
  it->lineno++;
  if (strlen(it->line.data) != it->line.len)
    return vb__error_set(c->err, VB_EPARSE, c->name, it->lineno,
                         (long)strlen(it->line.data) + 1, "NUL byte");
  return 1;
}

static bool blank(const char *s) {
  while (*s == ' ' || *s == '\t') s++;
  return *s == '\0';
}

/* ---- LIWC ---- */

typedef struct liwc_cat {
  long number;
  char *id, *label;
  long line;
  bool used;
} liwc_cat;

typedef struct liwc_word {
  size_t cat;      /* index into the categories */
  uint32_t off, n; /* the term, in `terms` */
  long line, col;
} liwc_word;

static bool all_digits(const char *s, size_t n) {
  if (n == 0) return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

/* A LIWC2007 conditional code such as "(02 134)125/464": kept out (the word keeps its plain
 * categories). */
static bool conditional_code(const char *s, size_t n) {
  return memchr(s, '(', n) || memchr(s, ')', n) || memchr(s, '/', n);
}

static int liwc_convert(conv *c, const char *data, size_t len) {
  line_iter it = {data, len, 0, 0, {0}};
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) it.i = 3;
  liwc_cat *cats = NULL;
  size_t n_cats = 0, cap_cats = 0;
  liwc_word *words = NULL;
  size_t n_words = 0, cap_words = 0;
  vb__buf terms = {0}, id = {0};
  int state = 0; /* 0 before the first '%', 1 categories, 2 words */
  int rc = VB_OK, got = 0;
  long pct_line = 0;
  while (rc == VB_OK && (got = next_line(&it, c)) == 1) {
    char *s = it.line.data;
    if (blank(s)) continue;
    char *p = s;
    while (*p == ' ' || *p == '\t') p++;
    size_t pl = strlen(p);
    while (pl && (p[pl - 1] == ' ' || p[pl - 1] == '\t')) p[--pl] = '\0';
    if (pl == 1 && p[0] == '%') {
      if (state == 2) {
        rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, 1,
                           "a third '%%' line: a LIWC dictionary has one category section");
        break;
      }
      if (state == 1 && n_cats == 0) {
        rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, 1,
                           "no categories between the '%%' lines");
        break;
      }
      state++;
      pct_line = it.lineno;
      continue;
    }
    if (state == 0) {
      rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, 1,
                         "expected '%%' opening the category section of a LIWC dictionary");
      break;
    }
    if (state == 1) {
      /* NUMBER NAME [(description)]; without parentheses every word after the number makes
       * the name */
      size_t nl = strspn(p, "0123456789");
      if (nl == 0 || nl > 9 || (p[nl] != ' ' && p[nl] != '\t')) {
        rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, (long)(p - s) + 1,
                           "expected a category line 'NUMBER NAME'");
        break;
      }
      long number = strtol(p, NULL, 10);
      char *name = p + nl;
      while (*name == ' ' || *name == '\t') name++;
      size_t namel = strcspn(name, " \t");
      char *rest = name + namel;
      while (*rest == ' ' || *rest == '\t') rest++;
      if (*rest && *rest != '(') { /* "4 Small talk": the name has spaces */
        namel = strlen(name);
        rest = name + namel;
      }
      for (size_t k = 0; k < n_cats; k++)
        if (cats[k].number == number) {
          rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, (long)(p - s) + 1,
                             "category %ld defined twice (first on line %ld)", number,
                             cats[k].line);
          break;
        }
      if (rc) break;
      id.len = 0;
      bool ok;
      if ((rc = id_level(name, namel, &id, &ok))) break;
      if (!ok) {
        rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, (long)(name - s) + 1,
                           "cannot make a theme id from the category name '%.*s'",
                           (int)namel, name);
        break;
      }
      /* a label: the description in parentheses when there is one, else the name */
      size_t rl = strlen(rest);
      if (rl >= 2 && rest[0] == '(' && rest[rl - 1] == ')') {
        rest++;
        rl -= 2;
      }
      if (vb__grow(&cats, &cap_cats, n_cats + 1, sizeof *cats)) { rc = VB_ENOMEM; break; }
      liwc_cat *cat = &cats[n_cats];
      cat->number = number;
      cat->line = it.lineno;
      cat->used = false;
      cat->id = vb__strdup(id.data);
      cat->label = rl ? vb__strndup(rest, rl) : vb__strndup(name, namel);
      n_cats++;
      if (!cat->id || !cat->label) rc = VB_ENOMEM;
      continue;
    }
    /* a word line: TERM then category numbers; the term is the first TAB field when the line
     * has TABs (it may hold spaces: "kind of"), else every word before the trailing numbers */
    size_t term_end;
    char *tab = strchr(p, '\t');
    if (tab) {
      term_end = (size_t)(tab - p);
    } else {
      term_end = pl;
      for (;;) {
        size_t e = term_end;
        while (e && p[e - 1] == ' ') e--;
        size_t b = e;
        while (b && p[b - 1] != ' ') b--;
        if (b == 0 || !(all_digits(p + b, e - b) || conditional_code(p + b, e - b))) break;
        term_end = b;
      }
    }
    size_t ncat_here = 0;
    for (char *q = p + term_end; *q;) {
      while (*q == ' ' || *q == '\t') q++;
      if (!*q) break;
      size_t tl = strcspn(q, " \t");
      if (all_digits(q, tl)) {
        long number = strtol(q, NULL, 10);
        size_t k = 0;
        while (k < n_cats && cats[k].number != number) k++;
        if (k == n_cats) {
          rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, (long)(q - s) + 1,
                             "category %ld is not defined in the category section", number);
          break;
        }
        if (vb__grow(&words, &cap_words, n_words + 1, sizeof *words)) { rc = VB_ENOMEM; break; }
        words[n_words++] = (liwc_word){k, (uint32_t)terms.len, (uint32_t)term_end, it.lineno,
                                       (long)(p - s) + 1};
        cats[k].used = true;
        ncat_here++;
      } else if (!conditional_code(q, tl)) {
        rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, (long)(q - s) + 1,
                           "expected a category number, found '%.*s'", (int)tl, q);
        break;
      }
      q += tl;
    }
    if (rc) break;
    if (ncat_here == 0) {
      rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, (long)(p - s) + 1,
                         "no category numbers after the word");
      break;
    }
    if (vb__buf_append(&terms, p, term_end)) rc = VB_ENOMEM;
  }
  if (rc == VB_OK && got < 0) rc = got;
  if (rc == VB_OK && state < 2)
    rc = vb__error_set(c->err, VB_EPARSE, c->name, state == 0 ? 1 : pct_line, 1,
                       state == 0 ? "no '%%' line: not a LIWC dictionary"
                                  : "no closing '%%' after the categories");
  /* One section per category, in the order of the category section, then its words. */
  for (size_t k = 0; rc == VB_OK && k < n_cats; k++) {
    rc = emit_section(c, cats[k].id, cats[k].line);
    if (rc == VB_OK) rc = emit_key(c, "label", cats[k].label, cats[k].line, 1);
    if (rc == VB_OK) {
      char d[64];
      snprintf(d, sizeof d, "LIWC category %ld", cats[k].number);
      rc = emit_key(c, "description", d, cats[k].line, 1);
    }
    for (size_t w = 0; rc == VB_OK && w < n_words; w++)
      if (words[w].cat == k)
        rc = emit_term(c, terms.data + words[w].off, words[w].n, words[w].line, words[w].col);
  }
  for (size_t k = 0; k < n_cats; k++) {
    vb__free(cats[k].id);
    vb__free(cats[k].label);
  }
  vb__free(cats);
  vb__free(words);
  vb__buf_free(&terms);
  vb__buf_free(&id);
  vb__buf_free(&it.line);
  return rc;
}

/* ---- YAML (the subset dictionaries use) ---- */

/* Unquotes a scalar in place: 'it''s' -> it's, "a \"b\"" -> a "b". `*n` is updated. Returns
 * false for an unterminated quote. */
static bool unquote(char *s, size_t *n) {
  if (*n == 0 || (s[0] != '\'' && s[0] != '"')) return true;
  char q = s[0];
  size_t o = 0, i = 1;
  for (; i < *n; i++) {
    if (s[i] == q) {
      if (q == '\'' && i + 1 < *n && s[i + 1] == '\'') {
        s[o++] = '\'';
        i++;
        continue;
      }
      break;
    }
    if (q == '"' && s[i] == '\\' && i + 1 < *n) {
      i++;
      s[o++] = s[i] == 't' ? ' ' : s[i];
      continue;
    }
    s[o++] = s[i];
  }
  if (i >= *n) return false;
  /* only blanks may follow the closing quote */
  for (size_t k = i + 1; k < *n; k++)
    if (s[k] != ' ' && s[k] != '\t') return false;
  *n = o;
  s[o] = '\0';
  return true;
}

/* Removes a comment (" #" or a '#' at the start) outside quotes, and trailing blanks. */
static void strip_comment(char *s) {
  char q = 0;
  for (char *p = s; *p; p++) {
    if (q) {
      if (*p == q) q = 0;
      continue;
    }
    if ((*p == '\'' || *p == '"') && (p == s || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '[' ||
                                      p[-1] == ',' || p[-1] == '-' || p[-1] == ':'))
      q = *p;
    else if (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
      *p = '\0';
      break;
    }
  }
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = '\0';
}

/* The ':' that ends a mapping key (followed by a blank or the end of the line, outside
 * quotes), or NULL. */
static char *key_colon(char *s) {
  char q = 0;
  for (char *p = s; *p; p++) {
    if (q) {
      if (*p == q) q = 0;
      continue;
    }
    if ((*p == '\'' || *p == '"') && p == s) q = *p;
    else if (*p == ':' && (p[1] == '\0' || p[1] == ' ' || p[1] == '\t')) return p;
  }
  return NULL;
}

/* Rejects what the subset does not read, with the reason. */
static int unsupported(conv *c, long line, long col, const char *v) {
  const char *what = NULL;
  if (v[0] == '&') what = "anchors (&) are not supported";
  else if (v[0] == '*' && v[1] && v[1] != ' ') what = NULL; /* a wildcard term "*x" fails later */
  else if (v[0] == '|' || v[0] == '>') what = "block scalars (| and >) are not supported";
  else if (v[0] == '{') what = "flow mappings ({...}) are not supported";
  else if (v[0] == '!') what = "tags (!) are not supported";
  else if (v[0] == '?' && (v[1] == ' ' || !v[1])) what = "complex keys (?) are not supported";
  if (!what) return VB_OK;
  return vb__error_set(c->err, VB_EPARSE, c->name, line, col, "%s", what);
}

/* One scalar term (plain or quoted) at column `col`. */
static int yaml_term(conv *c, char *v, size_t n, long line, long col) {
  int rc = unsupported(c, line, col, v);
  if (rc) return rc;
  if (!unquote(v, &n))
    return vb__error_set(c->err, VB_EPARSE, c->name, line, col, "unterminated quoted string");
  return emit_term(c, v, n, line, col + ((v[0] == '\'' || v[0] == '"') ? 1 : 0));
}

/* A one-line flow sequence "[a, 'b c', d*]". */
static int yaml_flow(conv *c, char *v, long line, long col) {
  size_t n = strlen(v);
  if (n < 2 || v[n - 1] != ']')
    return vb__error_set(c->err, VB_EPARSE, c->name, line, col,
                         "a [ list must end with ] on the same line");
  v[n - 1] = '\0';
  char *p = v + 1;
  for (;;) {
    while (*p == ' ' || *p == '\t') p++;
    if (!*p) break;
    char *start = p;
    char q = (*p == '\'' || *p == '"') ? *p : 0;
    if (q) {
      for (p++;; p++) {
        if (!*p)
          return vb__error_set(c->err, VB_EPARSE, c->name, line, col + (start - v),
                               "unterminated quoted string");
        if (*p == q && q == '\'' && p[1] == '\'') p++; /* '' inside '...' */
        else if (*p == '\\' && q == '"' && p[1]) p++; /* an escape inside "..." */
        else if (*p == q) break;
      }
      p++;
    }
    while (*p && *p != ',') {
      if (*p == '[' || *p == '{')
        return vb__error_set(c->err, VB_EPARSE, c->name, line, col + (p - v),
                             "nested lists are not supported");
      p++;
    }
    size_t len = (size_t)(p - start);
    while (len && (start[len - 1] == ' ' || start[len - 1] == '\t')) len--;
    char save = start[len];
    start[len] = '\0';
    int rc = len ? yaml_term(c, start, len, line, col + (start - v)) : VB_OK;
    start[len] = save;
    if (rc) return rc;
    if (*p == ',') p++;
  }
  return VB_OK;
}

enum { LV_MAP, LV_SEQ };
typedef struct yaml_level {
  long indent;
  int kind;
  size_t path_len; /* length of the theme id of this level's entries' parent */
} yaml_level;

#define YAML_MAX_DEPTH 32

static int yaml_convert(conv *c, const char *data, size_t len) {
  line_iter it = {data, len, 0, 0, {0}};
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) it.i = 3;
  yaml_level st[YAML_MAX_DEPTH];
  int depth = 0;
  vb__buf path = {0};
  bool pending = false; /* a "key:" waits for its block */
  long pending_indent = 0;
  int rc = VB_OK, got = 0;
  size_t themes = 0;
  while (rc == VB_OK && (got = next_line(&it, c)) == 1) {
    char *s = it.line.data;
    if (strncmp(s, "---", 3) == 0 && (s[3] == '\0' || s[3] == ' ')) {
      if (themes) {
        rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, 1,
                           "a second YAML document is not supported");
        break;
      }
      continue;
    }
    if (strcmp(s, "...") == 0) break;
    long indent = 0;
    while (s[indent] == ' ') indent++;
    if (s[indent] == '\t') {
      rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, indent + 1,
                         "a TAB in the indentation (YAML indents with spaces)");
      break;
    }
    strip_comment(s);
    char *p = s + indent;
    if (!*p) continue;
    bool item = p[0] == '-' && (p[1] == ' ' || p[1] == '\0');
    char *colon = item ? NULL : key_colon(p);
    if (!item && !colon) {
      rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, indent + 1,
                         "expected 'key:' or '- word'");
      break;
    }
    if (pending) {
      pending = false;
      if (depth >= YAML_MAX_DEPTH) {
        rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, indent + 1,
                           "nested deeper than %d levels", YAML_MAX_DEPTH);
        break;
      }
      if (item && indent >= pending_indent)
        st[depth++] = (yaml_level){indent, LV_SEQ, path.len};
      else if (!item && indent > pending_indent)
        st[depth++] = (yaml_level){indent, LV_MAP, path.len};
      /* else: the key had no value (a theme without words) */
    }
    if (depth == 0) {
      if (item) {
        rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, indent + 1,
                           "a dictionary starts with a key ('name:'), not a list item");
        break;
      }
      st[depth++] = (yaml_level){indent, LV_MAP, 0};
    }
    while (depth > 0 && (st[depth - 1].indent > indent ||
                         (st[depth - 1].indent == indent && st[depth - 1].kind == LV_SEQ && !item)))
      depth--;
    if (depth == 0 || st[depth - 1].indent != indent) {
      rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, indent + 1,
                         "bad indentation (%ld spaces here; the enclosing level has %ld)", indent,
                         depth ? st[depth - 1].indent : 0L);
      break;
    }
    yaml_level *lv = &st[depth - 1];
    path.len = lv->path_len;
    if (path.data) path.data[path.len] = '\0';
    if (lv->kind == LV_SEQ) {
      if (!item) {
        rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, indent + 1,
                           "expected a list item ('- word')");
        break;
      }
      char *v = p + 1;
      while (*v == ' ') v++;
      if (!*v) continue; /* "-" alone: an empty item */
      if (key_colon(v) && v[0] != '\'' && v[0] != '"') {
        rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, (long)(v - s) + 1,
                           "a key inside a list is not supported (lists hold words)");
        break;
      }
      if (v[0] == '[') {
        rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, (long)(v - s) + 1,
                           "nested lists are not supported");
        break;
      }
      rc = yaml_term(c, v, strlen(v), it.lineno, (long)(v - s) + 1);
      continue;
    }
    if (item) {
      rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, indent + 1,
                         "a list item where a key ('name:') was expected");
      break;
    }
    /* a key */
    *colon = '\0';
    char *key = p;
    size_t kl = strlen(key);
    while (kl && (key[kl - 1] == ' ' || key[kl - 1] == '\t')) key[--kl] = '\0';
    if ((rc = unsupported(c, it.lineno, indent + 1, key))) break;
    if (!unquote(key, &kl)) {
      rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, indent + 1,
                         "unterminated quoted key");
      break;
    }
    if (path.len && vb__buf_putc(&path, '.')) { rc = VB_ENOMEM; break; }
    bool ok;
    if ((rc = id_level(key, kl, &path, &ok))) break;
    if (!ok) {
      rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, indent + 1,
                         "cannot make a theme id from the key '%s'", key);
      break;
    }
    if ((rc = emit_section(c, path.data, it.lineno))) break;
    if ((rc = emit_key(c, "label", key, it.lineno, indent + 1))) break;
    themes++;
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t') v++;
    long vcol = (long)(v - s) + 1;
    if (!*v) {
      pending = true;
      pending_indent = indent;
    } else if (v[0] == '[') {
      rc = yaml_flow(c, v, it.lineno, vcol);
    } else {
      rc = yaml_term(c, v, strlen(v), it.lineno, vcol);
    }
  }
  if (rc == VB_OK && got < 0) rc = got;
  if (rc == VB_OK && themes == 0)
    rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno ? it.lineno : 1, 1,
                       "no keys: an empty dictionary");
  vb__buf_free(&path);
  vb__buf_free(&it.line);
  return rc;
}

/* ---- brand lists ---- */

/* The terms of "LABEL: terms" or "not: terms" (v, inside line `s`), each on a line of its own
 * under key LANG + `suffix` for every language. The loader checks them. */
static int brand_terms(conv *c, const char *s, char *v, const char *suffix, long line) {
  int rc = VB_OK;
  for (char *item = v; item && rc == VB_OK;) {
    char *semi = strchr(item, ';');
    if (semi) *semi = '\0';
    char *t = item;
    while (*t == ' ' || *t == '\t') t++;
    size_t n = strlen(t);
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t')) n--;
    if (n) rc = emit_langs(c, suffix, t, n, line, (long)(t - s) + 1);
    if (n && rc == VB_OK && !*suffix && c->brand_terms && *t != '@' && *t != '#' &&
        (vb__buf_append(c->brand_terms, t, n) || vb__buf_putc(c->brand_terms, '\0')))
      rc = VB_ENOMEM;
    item = semi ? semi + 1 : NULL;
  }
  return rc;
}

/* A brand list: "LABEL: term; term ..." per brand, then optionally "not: term; ..." lines with
 * its exclusions; '#' comments. Each brand becomes theme brand.ID (ID from the label, as for a
 * LIWC category) under the theme "brand", its terms in every language (or the one of
 * "LANG:PATH"). */
static int brands_convert(conv *c, const char *data, size_t len) {
  line_iter it = {data, len, 0, 0, {0}};
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) it.i = 3;
  vb__buf id = {0};
  vb__strmap seen;
  vb__strmap_init(&seen);
  bool any = false;
  int rc;
  while ((rc = next_line(&it, c)) == 1) {
    char *s = it.line.data, *k = s;
    while (*k == ' ' || *k == '\t') k++;
    if (*k == '\0' || *k == '#') continue;
    char *colon = strchr(k, ':');
    if (!colon) {
      rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, (long)(k - s) + 1,
                         "expected 'BRAND: terms' (Acme: Acme; @acme; #acme) or 'not: terms'");
      break;
    }
    char *ke = colon;
    while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t')) ke--;
    *ke = '\0';
    char *v = colon + 1;
    bool terms = false;
    for (const char *p = v; *p && !terms; p++) terms = *p != ' ' && *p != '\t' && *p != ';';
    if (vb__strieq(k, "not")) { /* (any case: "Not:") */
      if (!any) {
        rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, (long)(k - s) + 1,
                           "'not:' lists a brand's exclusions: it comes after the brand's line");
        break;
      }
      if ((rc = brand_terms(c, s, v, ".not", it.lineno))) break;
      continue;
    }
    bool ok;
    id.len = 0;
    if ((rc = vb__buf_append(&id, "brand.", 6)) || (rc = id_level(k, strlen(k), &id, &ok))) break;
    if (!ok || *k == '\0') {
      rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, (long)(k - s) + 1,
                         "a brand's name needs a letter or a digit");
      break;
    }
    if (!terms) {
      rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, (long)(colon - s) + 2,
                         "brand '%s' has no terms: list the names it goes by after the colon "
                         "(%s: %s; @handle; #tag)", k, k, k);
      break;
    }
    bool found;
    uint32_t *first;
    if ((rc = vb__strmap_put(&seen, id.data, id.len, (uint32_t)it.lineno, &found, &first))) break;
    if (found) {
      rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno, (long)(k - s) + 1,
                         "brand '%s' is the same as the brand of line %u (both are %s)", k,
                         (unsigned)*first, id.data);
      break;
    }
    if (!any && ((rc = emit_section(c, "brand", it.lineno)) ||
                 (rc = emit_key(c, "label", "Brands", it.lineno, 1)) ||
                 (rc = emit_key(c, "description", "The brands of the brand list.", it.lineno, 1))))
      break;
    any = true;
    if ((rc = emit_section(c, id.data, it.lineno)) ||
        (rc = emit_key(c, "label", k, it.lineno, (long)(k - s) + 1)) ||
        (rc = brand_terms(c, s, v, "", it.lineno)))
      break;
  }
  if (rc == 0 && !any)
    rc = vb__error_set(c->err, VB_EPARSE, c->name, it.lineno ? it.lineno : 1, 1,
                       "no brand in the brand list (one per line: Acme: Acme; @acme; #acme)");
  vb__strmap_free(&seen);
  vb__buf_free(&id);
  vb__buf_free(&it.line);
  return rc;
}

/* ---- detection and loading ---- */

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && vb__strieq(s + n - k, suffix);
}

int vb__codebook_detect(const char *name, const char *data, size_t len) {
  if (name) {
    if (ends_with(name, ".dic")) return VB_CBFMT_LIWC;
    if (ends_with(name, ".yml") || ends_with(name, ".yaml")) return VB_CBFMT_YAML;
    if (ends_with(name, ".codebook")) return VB_CBFMT_NATIVE;
    if (ends_with(name, ".brands")) return VB_CBFMT_BRANDS;
  }
  /* the first line that is neither blank nor a comment */
  size_t i = 0;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) i = 3;
  while (i < len) {
    size_t j = i;
    while (j < len && data[j] != '\n') j++;
    size_t a = i, b = j;
    i = j + 1;
    while (a < b && (data[a] == ' ' || data[a] == '\t')) a++;
    while (b > a && (data[b - 1] == ' ' || data[b - 1] == '\t' || data[b - 1] == '\r')) b--;
    if (a == b || data[a] == '#') continue;
    if (b - a == 1 && data[a] == '%') return VB_CBFMT_LIWC;
    if (data[a] == '[') return VB_CBFMT_NATIVE;
    if (b - a >= 3 && memcmp(data + a, "---", 3) == 0) return VB_CBFMT_YAML;
    if (data[a] == '-' && (b - a == 1 || data[a + 1] == ' ')) return VB_CBFMT_YAML;
    if (data[b - 1] == ':') return VB_CBFMT_YAML; /* "key:" opening a block */
    return VB_CBFMT_NATIVE;
  }
  return VB_CBFMT_NATIVE;
}

int vb__codebook_convert(int format, vb_lang lang, const char *name, const char *data,
                         size_t len, vb__buf *out, long **pos, size_t *n_lines, vb_error *err,
                         vb__buf *brand_terms) {
  conv c = {name, lang, out, NULL, 0, 0, err, brand_terms};
  int rc = format == VB_CBFMT_LIWC ? liwc_convert(&c, data, len)
         : format == VB_CBFMT_YAML ? yaml_convert(&c, data, len)
         : format == VB_CBFMT_BRANDS ? brands_convert(&c, data, len)
                                   : VB_EINVAL;
  if (rc == VB_OK && !out->data) rc = vb__buf_append(out, "", 0);
  if (rc) {
    if (rc == VB_ENOMEM) vb__error_set(err, rc, name, 0, 0, "out of memory");
    vb__free(c.pos);
    *pos = NULL;
    *n_lines = 0;
    return rc;
  }
  *pos = c.pos;
  *n_lines = c.n_lines;
  return VB_OK;
}

int vb__codebook_load_any(vb_model *m, vb_lang lang, int format, const char *name,
                          const char *data, size_t len, vb_error *err) {
  if (format < 0) format = vb__codebook_detect(name, data, len);
  if (format == VB_CBFMT_NATIVE) return vb__codebook_load(m, name, data, len, err);
  int urc = vb__file_utf8(name, data, len, err);
  if (urc) return urc;
  vb__buf text = {0}, brand_terms = {0};
  long *pos = NULL;
  size_t n_lines = 0;
  int rc = vb__codebook_convert(format, lang, name, data, len, &text, &pos, &n_lines, err,
                                &brand_terms);
  /* a brand's names are no person's (--redact: names.c) */
  for (size_t i = 0; rc == VB_OK && i < brand_terms.len; i += strlen(brand_terms.data + i) + 1)
    rc = vb__names_brand_term(m, brand_terms.data + i);
  vb__buf_free(&brand_terms);
  if (rc == VB_OK) {
    rc = vb__codebook_load(m, name, text.data, text.len, err);
    /* the loader counts lines of the rewritten text: name the user's line instead */
    if (rc && err && err->line > 0 && (size_t)err->line <= n_lines) {
      size_t k = (size_t)err->line - 1;
      err->line = pos[2 * k];
      err->column = pos[2 * k + 1];
    }
  }
  vb__free(pos);
  vb__buf_free(&text);
  return rc;
}

vb_lang vb__codebook_lang_prefix(const char **path) {
  const char *p = *path;
  static const char *const codes[] = {"en:", "sv:", "da:", "he:"};
  for (size_t k = 0; k < 4; k++)
    if (strncmp(p, codes[k], 3) == 0 && p[3]) {
      *path = p + 3;
      return all_langs[k];
    }
  return VB_LANG_UND;
}
