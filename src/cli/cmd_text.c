/* cmd_text.c - the line-oriented commands: tokenize, stem, langid. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct lines {
  FILE *fp;
  const char *name;
  char *buf;
  size_t cap;
  char *fixed;
  size_t fixed_cap;
  long lineno;
  int bad; /* problems reported */
  bool strict;
} lines;

static int lines_open(lines *l, const opts *o) {
  memset(l, 0, sizeof *l);
  if (o->n_files > 1) {
    msg("this command reads one file (or standard input)");
    return EXIT_USAGE;
  }
  const char *path = o->n_files ? o->files[0] : "-";
  l->name = strcmp(path, "-") ? path : "<stdin>";
  l->strict = o->strict;
  l->fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  if (!l->fp) {
    fprintf(stderr, "%s:1:1: cannot open the file: %s\n", path, strerror(errno));
    return EXIT_BADINPUT;
  }
  return EXIT_OK;
}

static void lines_close(lines *l) {
  if (l->fp && l->fp != stdin) fclose(l->fp);
  free(l->buf);
  free(l->fixed);
}

/* The next line without its terminator, repaired to valid UTF-8 (problems reported).
 * Returns its length, or -1 at the end. */
static long lines_next(lines *l, const char **text) {
  ssize_t n = getline(&l->buf, &l->cap, l->fp);
  if (n < 0) return -1;
  l->lineno++;
  while (n > 0 && (l->buf[n - 1] == '\n' || l->buf[n - 1] == '\r')) n--;
  size_t len = (size_t)n;
  if (l->lineno == 1 && len >= 3 && !memcmp(l->buf, "\xEF\xBB\xBF", 3)) {
    memmove(l->buf, l->buf + 3, len - 3);
    len -= 3;
  }
  size_t bad = vb_utf8_check(l->buf, len);
  const char *nul = memchr(l->buf, '\0', len);
  if (bad < len || nul) {
    size_t col = nul && (size_t)(nul - l->buf) < bad ? (size_t)(nul - l->buf) : bad;
    fprintf(stderr, "%s:%ld:%zu: %s\n", l->name, l->lineno, col + 1,
            nul && (size_t)(nul - l->buf) == col ? "NUL byte replaced by U+FFFD"
                                                  : "invalid UTF-8 replaced by U+FFFD");
    l->bad++;
    if (l->fixed_cap < len * 3 + 1) {
      free(l->fixed);
      l->fixed_cap = len * 3 + 1;
      l->fixed = malloc(l->fixed_cap);
      if (!l->fixed) return -1;
    }
    len = vb_utf8_repair(l->buf, len, l->fixed, l->fixed_cap, NULL);
    for (size_t i = 0; i < len; i++)
      if (l->fixed[i] == '\0') l->fixed[i] = ' ';
    *text = l->fixed;
    return (long)len;
  }
  *text = l->buf;
  return (long)len;
}

static int setup(const char *cmd, int argc, char **argv, const char *allowed, opts *o,
                 vb_model **m, vb_analyzer **an, lines *l) {
  int rc = opts_parse(cmd, argc, argv, allowed, o);
  if (rc) return rc;
  if (o->format && strcmp(o->format, "text") && strcmp(o->format, "tsv")) {
    msg("%s: --format takes text or tsv", cmd);
    return EXIT_USAGE;
  }
  vb_model_options mo = {0};
  mo.data_dir = o->data_dir;
  mo.no_default_codebook = 1; /* these commands need no themes */
  vb_error e = {0};
  if (vb_model_load(&mo, m, &e)) {
    msg_error(&e);
    return EXIT_BADINPUT;
  }
  if (vb_analyzer_new(*m, an)) {
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  return lines_open(l, o);
}

static int parse_lang(const char *cmd, const char *code, vb_lang *lang) {
  *lang = VB_LANG_UND;
  if (!code) return EXIT_OK;
  if (vb_lang_parse(code, lang)) {
    msg("%s: unknown language '%s' (sv, da, he, en or auto)", cmd, code);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

static int finish(lines *l, vb_analyzer *an, vb_model *m, int rc) {
  if (fflush(stdout) != 0 || ferror(stdout)) {
    msg("error writing standard output: %s", strerror(errno));
    rc = EXIT_INTERNAL;
  }
  if (rc == EXIT_OK && l->fp && ferror(l->fp)) {
    msg("error reading %s", l->name);
    rc = EXIT_BADINPUT;
  }
  if (rc == EXIT_OK && l->bad) rc = EXIT_BADINPUT;
  lines_close(l);
  vb_analyzer_free(an);
  vb_model_free(m);
  return rc;
}

int cmd_tokenize(int argc, char **argv) {
  opts o;
  vb_model *m = NULL;
  vb_analyzer *an = NULL;
  lines l = {0};
  int rc = setup("tokenize", argc, argv, "lang lang-default format data strict", &o, &m, &an, &l);
  vb_run_options ro = {VB_LANG_UND, VB_LANG_UND, VB_RUN_TOKENS_ONLY};
  if (!rc) rc = parse_lang("tokenize", o.lang, &ro.lang);
  if (!rc) rc = parse_lang("tokenize", o.lang_default, &ro.lang_default);
  if (rc) return finish(&l, an, m, rc);
  bool tsv = o.format && !strcmp(o.format, "tsv");
  const char *text;
  long len;
  while ((len = lines_next(&l, &text)) >= 0) {
    const vb_result *r;
    if (vb_analyzer_run(an, text, (size_t)len, &ro, &r)) {
      rc = EXIT_INTERNAL;
      break;
    }
    const vb_token *t;
    size_t n = vb_result_tokens(r, &t);
    for (size_t i = 0; i < n; i++) {
      fwrite(text + t[i].start, 1, t[i].end - t[i].start, stdout);
      if (tsv) {
        printf("\t%zu\t%zu\t%s\t", t[i].start, t[i].end, vb_token_type_name(t[i].type));
        tsv_cell(stdout, t[i].key, t[i].key_len);
        putchar('\t');
        tsv_cell(stdout, t[i].stem, t[i].stem_len);
      }
      putchar('\n');
    }
    putchar('\n');
  }
  return finish(&l, an, m, rc);
}

int cmd_stem(int argc, char **argv) {
  opts o;
  vb_model *m = NULL;
  vb_analyzer *an = NULL;
  lines l = {0};
  int rc = setup("stem", argc, argv, "lang data strict", &o, &m, &an, &l);
  vb_lang lang = VB_LANG_UND;
  if (!rc) rc = parse_lang("stem", o.lang, &lang);
  if (!rc && lang == VB_LANG_UND) {
    msg("stem: --lang is required (sv, da, he or en)");
    rc = EXIT_USAGE;
  }
  if (rc) return finish(&l, an, m, rc);
  const char *text;
  long len;
  while ((len = lines_next(&l, &text)) >= 0) {
    /* one word per line: surrounding blanks are not part of it */
    while (len > 0 && (*text == ' ' || *text == '\t')) { text++; len--; }
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t')) len--;
    const char *s;
    size_t sl;
    if (vb_analyzer_stem(an, lang, text, (size_t)len, &s, &sl)) {
      rc = EXIT_INTERNAL;
      break;
    }
    fwrite(s, 1, sl, stdout);
    putchar('\n');
  }
  return finish(&l, an, m, rc);
}

int cmd_langid(int argc, char **argv) {
  opts o;
  vb_model *m = NULL;
  vb_analyzer *an = NULL;
  lines l = {0};
  int rc = setup("langid", argc, argv, "lang-default format data strict", &o, &m, &an, &l);
  vb_lang dflt = VB_LANG_UND;
  if (!rc) rc = parse_lang("langid", o.lang_default, &dflt);
  if (rc) return finish(&l, an, m, rc);
  bool tsv = o.format && !strcmp(o.format, "tsv");
  const char *text;
  long len;
  while ((len = lines_next(&l, &text)) >= 0) {
    double conf = 0;
    vb_lang lang = vb_analyzer_langid(an, text, (size_t)len, dflt, &conf);
    fputs(vb_lang_code(lang), stdout);
    if (tsv) {
      putchar('\t');
      put_num(stdout, conf, 3);
    }
    putchar('\n');
  }
  return finish(&l, an, m, rc);
}
