/* cmd_text.c - the line-oriented commands: tokenize, stem, langid. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The input, one document a line, read by the library's reader in plain-text mode: LF, CRLF
 * and lone CR line ends, a BOM skipped, invalid UTF-8 and NUL bytes repaired and each reported
 * as FILE:LINE:COLUMN, a line longer than --max-field skipped to its end without being stored
 * (memory stays bounded whatever the input). Every line gives one output, an over-long one an
 * empty document. */
typedef struct lines {
  FILE *fp;
  const char *name;
  vb_reader *rd;
  int h;
  int bad; /* problems reported */
  bool strict, read_error;
} lines;

static void on_problem(void *ctx, int severity, const vb_error *e) {
  lines *l = ctx;
  if (severity == VB_PROBLEM_ERROR) l->bad++;
  fprintf(stderr, "%s:%ld:%ld: %s%s\n", e->file, e->line, e->column > 0 ? e->column : 1,
          severity == VB_PROBLEM_ERROR ? "" : "warning: ", e->message);
}

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
  vb_reader_options ro = {0};
  ro.format = VB_FORMAT_TXT;
  ro.name = path;
  ro.max_field = o->max_field;
  ro.encoding = o->encoding;
  vb_error e = {0};
  int rc = vb_reader_new(l->fp, &ro, on_problem, l, &l->rd, &e);
  if (rc == VB_ENOTFOUND) return EXIT_OK; /* an empty input: no lines, no output */
  if (rc) {
    msg_error(&e);
    return rc == VB_ENOMEM ? EXIT_INTERNAL : EXIT_BADINPUT;
  }
  l->h = vb_reader_field(l->rd, "text", NULL);
  return l->h < 0 ? EXIT_INTERNAL : EXIT_OK;
}

static void lines_close(lines *l) {
  vb_reader_free(l->rd);
  if (l->fp && l->fp != stdin) fclose(l->fp);
}

/* The next line without its terminator, valid UTF-8. Returns its length, or -1 at the end. */
static long lines_next(lines *l, const char **text) {
  if (!l->rd) return -1;
  const vb_record *rec;
  int rc = vb_reader_next(l->rd, &rec);
  if (rc < 0) l->read_error = true;
  if (rc != 1) return -1;
  size_t n = 0;
  const char *t = rec->error ? NULL : vb_reader_get(l->rd, l->h, &n);
  *text = t ? t : "";
  return t ? (long)n : 0;
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
  if (rc == EXIT_OK && l->read_error) {
    fprintf(stderr, "%s: cannot read the input further: %s\n", l->name, strerror(errno));
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
  int rc = setup("tokenize", argc, argv, "lang lang-default format data strict max-field encoding",
                 &o, &m, &an, &l);
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
  int rc = setup("stem", argc, argv, "lang data strict max-field encoding", &o, &m, &an, &l);
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
  int rc = setup("langid", argc, argv, "lang-default format data strict max-field", &o, &m, &an, &l);
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
