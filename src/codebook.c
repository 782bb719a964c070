/*
 * codebook.c - the codebook format (see lexicons/README.md): INI-like sections, one per theme,
 * with terms per language, exclusions and PCRE2 patterns.
 *
 * Terms are stored as sequences of (key, stem) words and indexed by the stem of their first
 * word, so matching a document costs one map lookup per token. Prefix terms ("refund*") are
 * kept in a map by their key (themes.c looks up a word's beginnings of the lengths they
 * have), exact forms ("=sorted") in a map by their key. A near term ("fast|quick ~3
 * deliver*") is a vb__near and its alternatives terms of their own, marked with its number
 * and their side. Patterns are compiled once with JIT.
 */
#include <ctype.h>

#include "vb_model.h"

typedef struct {
  const char *name;
  long theme; /* current section, -1 before the first */
} cb_ctx;

static bool valid_id(const char *s) {
  if (!*s || *s == '.') return false;
  for (const char *p = s; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '.') {
      if (p[1] == '.' || p[1] == '\0') return false;
    } else if (!(islower(c) || isdigit(c) || c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

static long find_theme(const vb_model *m, const char *id) {
  uint32_t i;
  return vb__strmap_get(&m->theme_ids, id, strlen(id), &i) ? (long)i : -1;
}

/* Returns the index of theme `id`, creating it (and its missing ancestors) if needed. */
static int get_theme(vb_model *m, const char *id, long *out) {
  long t = find_theme(m, id);
  if (t >= 0) {
    *out = t;
    return VB_OK;
  }
  long parent = -1;
  const char *dot = strrchr(id, '.');
  if (dot) {
    char *pid = vb__strndup(id, (size_t)(dot - id));
    if (!pid) return VB_ENOMEM;
    int rc = get_theme(m, pid, &parent);
    vb__free(pid);
    if (rc) return rc;
  }
  if (vb__grow(&m->themes, &m->cap_themes, m->n_themes + 1, sizeof *m->themes))
    return VB_ENOMEM;
  vb__theme *th = &m->themes[m->n_themes];
  memset(th, 0, sizeof *th);
  th->id = vb__strdup(id);
  th->label = vb__strdup(dot ? dot + 1 : id);
  th->description = vb__strdup("");
  if (!th->id || !th->label || !th->description) {
    vb__free(th->id);
    vb__free(th->label);
    vb__free(th->description);
    return VB_ENOMEM;
  }
  th->parent = parent;
  th->depth = parent >= 0 ? m->themes[parent].depth + 1 : 0;
  th->brand = parent >= 0 ? m->themes[parent].brand : strcmp(id, "brand") == 0;
  if (vb__strmap_put(&m->theme_ids, id, strlen(id), (uint32_t)m->n_themes, NULL, NULL)) {
    vb__free(th->id);
    vb__free(th->label);
    vb__free(th->description);
    return VB_ENOMEM;
  }
  *out = (long)m->n_themes++;
  return VB_OK;
}

/* Whether term text `s` is an exact form: '=' right before a letter ("=sorted"; "=)" is not). */
static bool exact_form(const char *s) {
  unsigned char c = (unsigned char)s[0] == '=' ? (unsigned char)s[1] : 0;
  return c >= 0x80 || isalpha(c);
}

/* Whether term text `s` is a handle or a hashtag ("@acme", "#acmefail"): '@' or '#' right
 * before a letter, digit or '_'. It matches that mention or hashtag token only, by its key. */
static bool tag_form(const char *s) {
  unsigned char c = (s[0] == '@' || s[0] == '#') ? (unsigned char)s[1] : 0;
  return c >= 0x80 || isalnum(c) || c == '_';
}

/* Files term idx under string s[0..n) of `map`, which holds the last term filed under each
 * string; *next gets the one filed before it (-1: none), the term's vb__term.next. */
static int file_under(vb__strmap *map, const char *s, size_t n, uint32_t idx, int32_t *next) {
  uint32_t *head;
  bool found;
  *next = -1;
  if (vb__strmap_put(map, s, n, idx, &found, &head)) return VB_ENOMEM;
  if (found) {
    *next = (int32_t)*head;
    *head = idx;
  }
  return VB_OK;
}

/* Adds a term (`near`: 0, or a part of near term near - 1, side 0 or 1). VB_EPARSE for a '*'
 * that does not end the term; VB_EINVAL for an exact form ("=word") or a tag ("@name",
 * "#tag") of more than one word or with a '*', or a tag in a near term. */
static int add_term(vb_model *m, vb_lang lang, uint32_t theme, char *term, int exclude,
                    long lineno, uint32_t near, int side) {
  vb__cblang *cb = &m->cb[lang];
  vb__term t = {0};
  t.theme = theme;
  t.exclude = (uint8_t)exclude;
  t.word_begin = (uint32_t)cb->w.n;
  t.line = (uint32_t)lineno;
  t.near = near;
  t.side = (uint8_t)side;
  bool tag = tag_form(term);
  t.exact = exact_form(term) || tag; /* (a tag is filed as an exact form, under its key) */
  /* "not =sorted": '=' (and '@', '#') mark a whole term only; (an empty term has no second
   * byte to start from: term + 1 would be past its end) */
  for (size_t i = 1; term[0] && term[i]; i++)
    if ((term[i - 1] == ' ' || term[i - 1] == '\t') && (exact_form(term + i) || tag_form(term + i)))
      return VB_EINVAL;
  bool star;
  int rc = vb__model_add_words(m, m->load_cb, lang, term + (t.exact && !tag), &cb->w,
                               &t.n_words, &star);
  if (rc) return rc;
  t.prefix = star;
  if (t.exact && (t.n_words != 1 || t.prefix)) return VB_EINVAL;
  if (tag && near) return VB_EINVAL;
  cb->tags |= tag;
  if (t.n_words == 0) return near ? VB_ENOTFOUND : VB_OK; /* an empty item between two ';' */
  if (vb__grow(&cb->terms, &cb->cap_terms, cb->n_terms + 1, sizeof *cb->terms)) return VB_ENOMEM;
  uint32_t idx = (uint32_t)cb->n_terms;
  t.next = -1;
  if (t.exact) {
    /* under its key only: themes.c looks up a token's key (and in Hebrew the key after each
     * proclitic), never its stem */
    const vb__pword *w0 = &cb->w.v[t.word_begin];
    if (file_under(&cb->exact, cb->w.text.data + w0->key_off, w0->key_len, idx, &t.next))
      return VB_ENOMEM;
  } else if (t.prefix && t.n_words == 1) {
    if (vb__grow(&cb->prefix_terms, &cb->cap_prefix, cb->n_prefix + 1, sizeof *cb->prefix_terms))
      return VB_ENOMEM;
    cb->prefix_terms[cb->n_prefix++] = idx;
    const vb__pword *w0 = &cb->w.v[t.word_begin];
    if (file_under(&cb->prefix_map, cb->w.text.data + w0->key_off, w0->key_len, idx, &t.next))
      return VB_ENOMEM;
    if (w0->key_len < 64) cb->prefix_lens |= 1ULL << w0->key_len;
    else cb->prefix_long = true;
  } else {
    /* Indexed under the first word's stem and, when it differs, under its key too: Snowball
     * cuts "leverans" to "leveran" but "leveransen" to "leverans", so a token's stem may equal
     * the term's key rather than its stem. */
    const vb__pword *w0 = &cb->w.v[t.word_begin];
    if (!cb->first_bits &&
        !(cb->first_bits = vb__calloc((1u << VB_FIRST_BITS) / 64, sizeof(uint64_t))))
      return VB_ENOMEM;
    vb__first_set(cb->first_bits, w0->stem_hash);
    vb__first_set(cb->first_bits, w0->key_hash);
    if (lang == VB_LANG_SV || lang == VB_LANG_DA) { /* (only their compounds are split) */
      if (!cb->part4_bits &&
          !(cb->part4_bits = vb__calloc((1u << VB_FIRST_BITS) / 64, sizeof(uint64_t))))
        return VB_ENOMEM;
      if (w0->stem_len >= 4)
        vb__first_set(cb->part4_bits, vb__part4_key(cb->w.text.data + w0->stem_off));
      if (w0->key_len >= 4)
        vb__first_set(cb->part4_bits, vb__part4_key(cb->w.text.data + w0->key_off));
    }
    if (file_under(&cb->first_stem, cb->w.text.data + w0->stem_off, w0->stem_len, idx, &t.next))
      return VB_ENOMEM;
    if (w0->key_len != w0->stem_len ||
        memcmp(cb->w.text.data + w0->key_off, cb->w.text.data + w0->stem_off, w0->key_len) != 0) {
      /* a second entry of the same term, chained under the key */
      cb->terms[cb->n_terms++] = t;
      if (vb__grow(&cb->terms, &cb->cap_terms, cb->n_terms + 1, sizeof *cb->terms))
        return VB_ENOMEM;
      idx = (uint32_t)cb->n_terms;
      if (file_under(&cb->first_stem, cb->w.text.data + w0->key_off, w0->key_len, idx, &t.next))
        return VB_ENOMEM;
    }
  }
  cb->terms[cb->n_terms++] = t;
  if (exclude) cb->n_excludes++;
  return VB_OK;
}

/* Whether a backslash comes before a digit 1-9 anywhere in the pattern (a reference by number,
 * or an octal escape that could be one; "\\1" counts too, which only costs the saving). */
static bool backslash_digit(const char *pat) {
  for (const char *p = strchr(pat, '\\'); p; p = strchr(p + 1, '\\'))
    if (p[1] >= '1' && p[1] <= '9') return true;
  return false;
}

/* Whether the pattern holds a construct that acts on the whole alternation it is joined into,
 * not only on its own branch: a backtracking verb or mark ("(*COMMIT)", "(*:name)", whose
 * mark would replace the branch's own) or a recursion into the whole pattern or a group by
 * number ("(?R)", "(?0)", "(?1)", "(?+1)", "(?-1)"). An escaped bracket may count too: that
 * only leaves the pattern to run on its own. */
static bool acts_on_whole(const char *pat) {
  for (const char *p = strchr(pat, '('); p; p = strchr(p + 1, '(')) {
    if (p[1] == '*') return true;
    if (p[1] == '?' && (p[2] == 'R' || p[2] == '+' || p[2] == '-' || p[2] == '&' ||
                        (p[2] >= '0' && p[2] <= '9')))
      return true;
  }
  return false;
}

static int add_regex(vb_model *m, vb_lang lang, uint32_t theme, const char *pat,
                     const char *name, long lineno, long col, vb_error *err) {
  vb__cblang *cb = &m->cb[lang];
  int ec;
  PCRE2_SIZE off;
  /* \C (one byte of a character) is refused: a match could end inside a character, and the
   * next search start there (the text is matched without UTF checks). patterns.c sets an
   * offset limit: the last place a match can start, from the literals found. */
  uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_NEVER_BACKSLASH_C |
                  PCRE2_USE_OFFSET_LIMIT;
  /* Only a match's span is used: plain groups need not capture (PCRE2_NO_AUTO_CAPTURE), which
   * saves PCRE2 work. Not when the pattern names a group: those are then numbered from 1, and
   * a reference by number would change its meaning; nor when a backslash comes before a
   * digit: "\10" is a reference when ten groups come before it and an octal escape when
   * fewer do, and without capturing groups it would silently become the byte 0x08. A
   * reference by number in another form (\g1, (?1)) fails to compile without the groups, and
   * the pattern is then compiled as it is. */
  pcre2_code *code = NULL;
  if (!backslash_digit(pat))
    code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, opts | PCRE2_NO_AUTO_CAPTURE,
                         &ec, &off, NULL);
  uint32_t names = 0;
  if (code && (pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &names) || names)) {
    pcre2_code_free(code);
    code = NULL;
  }
  if (!code)
    code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, opts, &ec, &off, NULL);
  if (!code) {
    PCRE2_UCHAR msg[160];
    pcre2_get_error_message(ec, msg, sizeof msg);
    return vb__error_set(err, VB_EPARSE, name, lineno, col + (long)off,
                         "bad pattern: %s", (const char *)msg);
  }
  (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
  if (vb__grow(&cb->regexes, &cb->cap_regexes, cb->n_regexes + 1, sizeof *cb->regexes)) {
    pcre2_code_free(code);
    return VB_ENOMEM;
  }
  vb__cbregex *re = &cb->regexes[cb->n_regexes];
  memset(re, 0, sizeof *re);
  re->theme = theme;
  re->code = code;
  re->source = vb__strdup(pat);
  vb__buf lits = {0};
  size_t n_sets = 0;
  if (!re->source || vb__regex_literals(pat, &lits, &n_sets, re->set_len)) {
    vb__buf_free(&lits);
    vb__free(re->source);
    pcre2_code_free(code);
    return VB_ENOMEM;
  }
  re->literals = lits.data;
  re->n_sets = (uint8_t)n_sets;
  for (size_t k = 0; k < n_sets; k++) re->n_literals += re->set_len[k];
  /* where its matches start (patterns.c starts PCRE2 there): for patterns with literals */
  vb__buf lead = {0};
  size_t n_leads = 0;
  re->lead = NULL;
  re->lead_ids = NULL;
  if (re->n_literals &&
      vb__regex_leads(pat, re->literals, re->n_literals, &lead, re->leads, &n_leads)) {
    vb__buf_free(&lead);
    vb__free(re->literals);
    vb__free(re->source);
    pcre2_code_free(code);
    return VB_ENOMEM;
  }
  re->lead = lead.data;
  re->n_leads = (uint8_t)n_leads;
  re->n_lead = 0;
  for (size_t i = 0; i < n_leads; i++) re->n_lead += re->leads[i].n;
  cb->n_regexes++;
  return VB_OK;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = '\0';
  return s;
}

static int replace_str(char **dst, const char *s) {
  char *d = vb__strdup(s);
  if (!d) return VB_ENOMEM;
  vb__free(*dst);
  *dst = d;
  return VB_OK;
}

/* The error of add_term()'s code rc for term text t (at its column in `line`). */
static int term_error(cb_ctx *ctx, int rc, const char *t, const char *line, long lineno,
                      vb_error *err) {
  long col = (long)(t - line) + 1;
  if (rc == VB_EPARSE)
    return vb__error_set(err, rc, ctx->name, lineno, col,
                         "bad term '%s' ('*' may only end the last word)", t);
  if (rc == VB_EINVAL)
    return vb__error_set(err, VB_EPARSE, ctx->name, lineno, col,
                         "bad term '%s' (an exact form '=word', a handle '@name' or a hashtag "
                         "'#tag' is one word without '*', and not part of a near term)", t);
  if (rc == VB_ENOTFOUND)
    return vb__error_set(err, VB_EPARSE, ctx->name, lineno, col,
                         "a part of a near term without a word ('A|B ~N C|D')");
  return vb__error_set(err, rc, ctx->name, lineno, 0, "%s", vb_strerror(rc));
}

/* Where a near term's "~N" begins in term text t (a word that begins with '~', after a space
 * or a tab), or NULL. */
static char *near_mark(char *t) {
  for (char *p = strchr(t, '~'); p; p = strchr(p + 1, '~'))
    if (p == t || p[-1] == ' ' || p[-1] == '\t') return p;
  return NULL;
}

/* Adds the alternatives of one part of near term `near` (1-based), separated by '|'. */
static int add_near_part(vb_model *m, cb_ctx *ctx, vb_lang lang, char *part, const char *line,
                         long lineno, uint32_t near, int side, vb_error *err) {
  for (char *alt = part; alt;) {
    char *bar = strchr(alt, '|');
    if (bar) *bar = '\0';
    char *a = trim(alt);
    int rc = add_term(m, lang, (uint32_t)ctx->theme, a, 0, lineno, near, side);
    if (rc) return term_error(ctx, rc, a, line, lineno, err);
    alt = bar ? bar + 1 : NULL;
  }
  return VB_OK;
}

/* One item of a LANG: or LANG.not: line: a term, or a near term "A ~N B" (each part one or
 * more alternatives separated by '|'). */
static int add_item(vb_model *m, cb_ctx *ctx, vb_lang lang, char *t, int exclude,
                    const char *line, long lineno, vb_error *err) {
  char *mark = near_mark(t);
  char *bar = strchr(t, '|');
  if (!mark && !bar) {
    int rc = add_term(m, lang, (uint32_t)ctx->theme, t, exclude, lineno, 0, 0);
    return rc ? term_error(ctx, rc, t, line, lineno, err) : VB_OK;
  }
  if (!mark)
    return vb__error_set(err, VB_EPARSE, ctx->name, lineno, (long)(bar - line) + 1,
                         "'|' only separates alternatives in a near term ('A|B ~N C|D')");
  long mcol = (long)(mark - line) + 1;
  if (exclude)
    return vb__error_set(err, VB_EPARSE, ctx->name, lineno, mcol,
                         "a near term ('A ~N B') cannot be an exclusion");
  char *end;
  unsigned long gap = strtoul(mark + 1, &end, 10);
  if (!isdigit((unsigned char)mark[1]) || gap > 99 ||
      (*end != ' ' && *end != '\t' && *end != '\0'))
    return vb__error_set(err, VB_EPARSE, ctx->name, lineno, mcol,
                         "'~' needs the most words between the parts, 0 to 99 ('A ~4 B')");
  if (near_mark(end))
    return vb__error_set(err, VB_EPARSE, ctx->name, lineno, (long)(near_mark(end) - line) + 1,
                         "a near term has two parts ('A ~N B')");
  if (*trim(end) == '\0' || mark == t)
    return vb__error_set(err, VB_EPARSE, ctx->name, lineno, mcol,
                         "a near term needs a part before and after '~N' ('A ~N B')");
  vb__cblang *cb = &m->cb[lang];
  if (vb__grow(&cb->nears, &cb->cap_nears, cb->n_nears + 1, sizeof *cb->nears))
    return vb__error_set(err, VB_ENOMEM, ctx->name, lineno, 0, "%s", vb_strerror(VB_ENOMEM));
  vb__near *nr = &cb->nears[cb->n_nears];
  nr->theme = (uint32_t)ctx->theme;
  nr->gap = (uint32_t)gap;
  if (!(nr->source = vb__strdup(t)))
    return vb__error_set(err, VB_ENOMEM, ctx->name, lineno, 0, "%s", vb_strerror(VB_ENOMEM));
  uint32_t id = (uint32_t)++cb->n_nears;
  *mark = '\0';
  int rc = add_near_part(m, ctx, lang, t, line, lineno, id, 0, err);
  return rc ? rc : add_near_part(m, ctx, lang, end, line, lineno, id, 1, err);
}

static int cb_line(vb_model *m, cb_ctx *ctx, char *line, long lineno, vb_error *err) {
  char *s = trim(line);
  if (*s == '\0' || *s == '#') return VB_OK;
  if (*s == '[') {
    char *e = strchr(s, ']');
    if (!e || trim(e + 1)[0] != '\0')
      return vb__error_set(err, VB_EPARSE, ctx->name, lineno, 1, "expected [theme.id]");
    *e = '\0';
    char *id = trim(s + 1);
    if (!valid_id(id))
      return vb__error_set(err, VB_EPARSE, ctx->name, lineno, 2,
                           "bad theme id '%s' (lower-case letters, digits, _ and -, "
                           "levels separated by dots)", id);
    int rc = get_theme(m, id, &ctx->theme);
    if (rc) return vb__error_set(err, rc, ctx->name, lineno, 0, "%s", vb_strerror(rc));
    return VB_OK;
  }
  char *colon = strchr(s, ':');
  if (!colon)
    return vb__error_set(err, VB_EPARSE, ctx->name, lineno, 1,
                         "expected 'key: value' or '[theme.id]'");
  if (ctx->theme < 0)
    return vb__error_set(err, VB_EPARSE, ctx->name, lineno, 1,
                         "'%.*s' before the first [theme] section", (int)(colon - s), s);
  *colon = '\0';
  char *key = trim(s);
  char *value = trim(colon + 1);
  long vcol = (long)(value - line) + 1;
  vb__theme *th = &m->themes[ctx->theme];
  if (strcmp(key, "label") == 0) return replace_str(&th->label, value);
  if (strcmp(key, "description") == 0) return replace_str(&th->description, value);
  if (strcmp(key, "fallback") == 0) {
    if (strcmp(value, "yes") && strcmp(value, "no"))
      return vb__error_set(err, VB_EPARSE, ctx->name, lineno, vcol,
                           "fallback must be 'yes' or 'no', not '%s'", value);
    th->fallback_own = value[0] == 'y' ? 1 : -1;
    return VB_OK;
  }
  char code[8];
  const char *sub = strchr(key, '.');
  size_t cl = sub ? (size_t)(sub - key) : strlen(key);
  vb_lang lang = VB_LANG_UND;
  if (cl < sizeof code) {
    memcpy(code, key, cl);
    code[cl] = '\0';
    if (vb_lang_parse(code, &lang) != VB_OK) lang = VB_LANG_UND;
  }
  if (lang == VB_LANG_UND || (sub && strcmp(sub, ".not") && strcmp(sub, ".re")))
    return vb__error_set(err, VB_EPARSE, ctx->name, lineno, 1,
                         "unknown key '%s' (label, description, fallback, en, sv, da, "
                         "he, LANG.not, LANG.re)", key);
  if (sub && strcmp(sub, ".re") == 0)
    return add_regex(m, lang, (uint32_t)ctx->theme, value, ctx->name, lineno, vcol, err);
  int exclude = sub != NULL;
  char *item = value;
  while (item) {
    char *semi = strchr(item, ';');
    if (semi) *semi = '\0';
    char *t = trim(item);
    int rc = add_item(m, ctx, lang, t, exclude, line, lineno, err);
    if (rc) return rc;
    item = semi ? semi + 1 : NULL;
  }
  return VB_OK;
}

int vb__codebook_load(vb_model *m, const char *name, const char *data, size_t len,
                      vb_error *err) {
  cb_ctx ctx = {name, -1};
  vb__buf line = {0};
  long lineno = 0;
  size_t i = 0;
  int rc = VB_OK;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) i = 3;
  if ((rc = vb__file_utf8(name, data, len, err))) return rc;
  while (i < len && rc == VB_OK) {
    size_t j = i;
    while (j < len && data[j] != '\n') j++;
    lineno++;
    line.len = 0;
    if (vb__buf_append(&line, data + i, j - i)) { rc = VB_ENOMEM; break; }
    i = j + 1;
    if (strlen(line.data) != line.len) {
      rc = vb__error_set(err, VB_EPARSE, name, lineno, (long)strlen(line.data) + 1, "NUL byte");
      break;
    }
    rc = cb_line(m, &ctx, line.data, lineno, err);
  }
  vb__buf_free(&line);
  return rc;
}

void vb__codebook_free(vb_model *m) {
  for (size_t i = 0; i < m->n_themes; i++) {
    vb__free(m->themes[i].id);
    vb__free(m->themes[i].label);
    vb__free(m->themes[i].description);
  }
  vb__free(m->themes);
  vb__strmap_free(&m->theme_ids);
  for (int l = 0; l < VB_LANG_COUNT; l++) {
    vb__cblang *cb = &m->cb[l];
    for (size_t r = 0; r < cb->n_regexes; r++) {
      pcre2_code_free(cb->regexes[r].code);
      vb__free(cb->regexes[r].source);
      vb__free(cb->regexes[r].literals);
      vb__free(cb->regexes[r].lit_ids);
      vb__free(cb->regexes[r].lead);
      vb__free(cb->regexes[r].lead_ids);
    }
    pcre2_code_free(cb->combined);
    for (size_t k = 0; k < cb->n_lits; k++) vb__free(cb->lits[k].s);
    vb__free(cb->lits);
    vb__free(cb->lit_start);
    vb__free(cb->lit_list);
    vb__free(cb->lit_he_start);
    vb__free(cb->lit_he_list);
    vb__free(cb->lit_b_start);
    vb__free(cb->lit_b_list);
    vb__free(cb->lit_one_start);
    vb__free(cb->lit_one_list);
    vb__free(cb->lit_anch_start);
    vb__free(cb->lit_anch_list);
    vb__free(cb->lit_gap_start);
    vb__free(cb->lit_gap_list);
    vb__free(cb->set_need);
    vb__free(cb->solo_bits);
    vb__free(cb->lit_bits_start);
    vb__free(cb->lit_bits);
    vb__free(cb->pre_anchor);
    vb__free(cb->regexes);
    vb__free(cb->terms);
    vb__free(cb->w.v);
    vb__free(cb->prefix_terms);
    vb__strmap_free(&cb->exact);
    vb__strmap_free(&cb->prefix_map);
    for (size_t k = 0; k < cb->n_nears; k++) vb__free(cb->nears[k].source);
    vb__free(cb->nears);
    vb__buf_free(&cb->w.text);
    vb__strmap_free(&cb->first_stem);
    vb__free(cb->first_bits);
    vb__free(cb->part4_bits);
    vb__free(cb->chains);
    vb__free(cb->chain_list);
    vb__free(cb->chain_pairs);
    vb__free(cb->chain_bits);
    vb__strmap_free(&cb->word_ids);
    vb__free(cb->word_kid);
    vb__free(cb->word_sid);
  }
}

/* The indexes in cb->lits of `n` (> 0) NUL-separated literals, each added there when new.
 * Returns a new array (NULL when out of memory). */
static uint32_t *literal_ids(vb__cblang *cb, vb__strmap *seen, const char *lit, size_t n) {
  uint32_t *ids = vb__calloc(n, sizeof *ids);
  for (size_t q = 0; ids && q < n; q++, lit += strlen(lit) + 1) {
    size_t len = strlen(lit);
    bool found;
    uint32_t *k;
    char *d = NULL;
    if (vb__strmap_put(seen, lit, len, (uint32_t)cb->n_lits, &found, &k) ||
        (!found && (!(d = vb__strdup(lit)) ||
                    vb__grow(&cb->lits, &cb->cap_lits, cb->n_lits + 1, sizeof *cb->lits)))) {
      vb__free(d);
      vb__free(ids);
      return NULL;
    }
    if (!found) cb->lits[cb->n_lits++] = (struct vb__lit){.s = d, .len = (uint32_t)len};
    ids[q] = *k;
  }
  return ids;
}

/* The table of a language's distinct literals (see vb__cblang): those of the patterns' sets
 * and of their leads. */
static int index_literals(vb__cblang *cb) {
  vb__strmap seen; /* literal -> its index */
  vb__strmap_init(&seen);
  int rc = VB_OK;
  for (size_t r = 0; r < cb->n_regexes && rc == VB_OK; r++) {
    vb__cbregex *re = &cb->regexes[r];
    if (!re->n_literals) continue;
    if (!(re->lit_ids = literal_ids(cb, &seen, re->literals, re->n_literals)) ||
        (re->n_lead && !(re->lead_ids = literal_ids(cb, &seen, re->lead, re->n_lead))))
      rc = VB_ENOMEM;
  }
  vb__strmap_free(&seen);
  if (rc || !cb->n_lits) return rc;
  return vb__lits_index(cb);
}

/* Patterns with literals (regex_lit.c) run one by one, on texts that hold a literal of
 * each of their sets. Those without run on every text; rather than each trying every start position
 * on its own, they are joined in one alternation, each branch marked with its index (but
 * those with capturing groups, whose numbers would shift: joinable()). The
 * price of joining: at one start position only the first branch that matches is reported, so
 * two such patterns of different themes matching at the same place give one mention. A
 * combination that fails to compile leaves them to run one by one. */
/* Whether a pattern without literals may join the alternation: group numbers shift there,
 * so only one without capturing groups (add_regex() compiles it with PCRE2_NO_AUTO_CAPTURE:
 * it has some only when it names a group or refers to one by number), and without verbs and
 * recursions (acts_on_whole()). */
static bool joinable(const vb__cbregex *re) {
  uint32_t groups = 1;
  return re->n_literals == 0 &&
         pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &groups) == 0 && groups == 0 &&
         !acts_on_whole(re->source);
}

int vb__codebook_finish(vb_model *m) {
  /* A theme's parent comes before it (get_theme() makes the ancestors first) */
  m->any_fallback = m->any_brand = false;
  for (size_t t = 0; t < m->n_themes; t++) {
    vb__theme *th = &m->themes[t];
    th->fallback = th->fallback_own ? th->fallback_own > 0
                                    : th->parent >= 0 && m->themes[th->parent].fallback;
    m->any_fallback |= th->fallback;
    m->any_brand |= th->brand && th->parent >= 0;
  }
  for (int l = 0; l < VB_LANG_COUNT; l++) {
    vb__cblang *cb = &m->cb[l];
    int rc = index_literals(cb);
    if (!rc) rc = vb__terms_index(cb);
    if (rc) return rc;
    size_t always = 0;
    for (size_t r = 0; r < cb->n_regexes; r++) always += joinable(&cb->regexes[r]);
    if (always < 2) continue;
    vb__buf src = {0};
    bool first = true;
    for (size_t r = 0; r < cb->n_regexes; r++) {
      if (!joinable(&cb->regexes[r])) continue;
      if (vb__buf_printf(&src, "%s(*MARK:%zu)(?:%s)", first ? "" : "|", r, cb->regexes[r].source)) {
        vb__buf_free(&src);
        return VB_ENOMEM;
      }
      first = false;
    }
    int ec;
    PCRE2_SIZE off;
    cb->combined = pcre2_compile((PCRE2_SPTR)src.data, src.len,
                                 PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS |
                                     PCRE2_NEVER_BACKSLASH_C | PCRE2_NO_AUTO_CAPTURE,
                                 &ec, &off, NULL);
    vb__buf_free(&src);
    if (!cb->combined) continue;
    (void)pcre2_jit_compile(cb->combined, PCRE2_JIT_COMPLETE);
    for (size_t r = 0; r < cb->n_regexes; r++) /* (they no longer run on their own) */
      if (joinable(&cb->regexes[r])) {
        cb->regexes[r].joined = true;
        if (cb->solo_bits) cb->solo_bits[r / 64] &= ~(1ULL << (r & 63));
      }
  }
  return VB_OK;
}
