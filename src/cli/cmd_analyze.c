/* cmd_analyze.c - analyze (the root-cause table) and merge (tables from split runs). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static bool table_format_ok(const char *f) {
  return !f || !strcmp(f, "table") || !strcmp(f, "tsv") || !strcmp(f, "csv") ||
         !strcmp(f, "json") || !strcmp(f, "md") || !strcmp(f, "html");
}

/* A name --table takes (a word of render_table_names). */
static bool table_name_ok(const char *t) {
  if (!t) return true;
  size_t n = strlen(t);
  for (const char *p = render_table_names; (p = strstr(p, t)); p += n)
    if ((p == render_table_names || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return n > 0;
  return false;
}

static char *command_line(const char *cmd, int argc, char **argv) {
  size_t n = strlen("verbatim ") + strlen(cmd) + 1;
  for (int i = 0; i < argc; i++) n += strlen(argv[i]) + 1;
  char *s = malloc(n + 1);
  if (!s) return NULL;
  size_t at = (size_t)snprintf(s, n + 1, "verbatim %s", cmd);
  for (int i = 0; i < argc && at < n; i++)
    at += (size_t)snprintf(s + at, n + 1 - at, " %s", argv[i]);
  return s;
}

static int print_table(const vb_agg *agg, const vb_model *m, const opts *o, const char *cl) {
  vb_table *t;
  if (vb_agg_table(agg, &t)) {
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  out w;
  int rc = out_open(&w, o->output);
  if (rc == EXIT_OK) {
    render_info info = {cl, o->score, o->table};
    /* The contract: an aligned table on a terminal; TSV when the output goes elsewhere. */
    const char *format = o->format ? o->format : (w.fp == stdout && isatty(1)) ? "table" : "tsv";
    if (!strcmp(format, "html")) render_html(w.fp, t, m, &info, o->n_files ? o : NULL);
    else render_table(w.fp, format, t, m, &info);
    rc = out_close(&w);
  }
  vb_table_free(t);
  return rc;
}

int cmd_analyze(int argc, char **argv) {
  job j;
  int rc = job_setup(&j, "analyze", argc, argv,
                     "text id lang lang-col lang-default input-format encoding delimiter format "
                     "output score score-type state codebook brands lexicon data max-field strict "
                     "quiet jobs no-default-codebook by date period driver drivers table "
                     "interviewer unit redact names");
  if (rc == EXIT_OK && !table_format_ok(j.o.format)) {
    msg("analyze: --format takes table, tsv, csv, json, md or html");
    rc = EXIT_USAGE;
  }
  if (rc == EXIT_OK && !table_name_ok(j.o.table)) {
    msg("analyze: --table takes %s", render_table_names);
    rc = EXIT_USAGE;
  }
  if (rc) {
    job_free(&j);
    return rc;
  }
  if (!j.o.score && !j.o.quiet)
    msg("no --score column given: the table shows mentions and sentiment only");
  int status = job_run(&j);
  if (status == EXIT_INTERNAL || status == EXIT_USAGE) {
    job_free(&j);
    return status;
  }
  job_finish_scores(&j);
  char *cl = command_line("analyze", argc, argv);
  int wrc = print_table(j.agg, j.m, &j.o, cl);
  free(cl);
  if (wrc == EXIT_OK && j.o.state) wrc = job_write_state(&j);
  job_summary(&j);
  job_free(&j);
  if (wrc) return wrc;
  if (status == EXIT_OK && j.problems) status = EXIT_BADINPUT;
  return status;
}

int cmd_merge(int argc, char **argv) {
  opts o;
  int rc = opts_parse("merge", argc, argv,
                      "format output codebook brands data no-default-codebook quiet table", &o);
  if (rc) return rc;
  if (!table_format_ok(o.format)) {
    msg("merge: --format takes table, tsv, csv, json, md or html");
    return EXIT_USAGE;
  }
  if (!table_name_ok(o.table)) {
    msg("merge: --table takes %s", render_table_names);
    return EXIT_USAGE;
  }
  if (o.n_files == 0) {
    msg("merge: give the state files to merge (see 'verbatim help merge')");
    return EXIT_USAGE;
  }
  vb_model *m;
  if ((rc = load_model(&o, &m))) return rc;
  vb_agg *total = NULL;
  int status = EXIT_OK;
  for (int i = 0; i < o.n_files && status == EXIT_OK; i++) {
    FILE *fp = fopen(o.files[i], "rb");
    if (!fp) {
      fprintf(stderr, "%s:1:1: cannot open the file: %s\n", o.files[i], strerror(errno));
      status = EXIT_BADINPUT;
      break;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
      if (len + n > cap) {
        cap = (len + n) * 2;
        char *nb = realloc(buf, cap);
        if (!nb) { status = EXIT_INTERNAL; break; }
        buf = nb;
      }
      memcpy(buf + len, chunk, n);
      len += n;
    }
    if (ferror(fp)) {
      fprintf(stderr, "%s:1:1: cannot read the file: %s\n", o.files[i], strerror(errno));
      status = EXIT_BADINPUT;
    }
    fclose(fp);
    vb_agg *part = NULL;
    vb_error e = {0};
    if (status == EXIT_OK && vb_agg_load(m, buf ? buf : "", len, &part, &e)) {
      snprintf(e.file, sizeof e.file, "%s", o.files[i]);
      msg_error(&e);
      status = EXIT_BADINPUT;
    }
    free(buf);
    if (status == EXIT_OK) {
      if (!total) {
        total = part;
        part = NULL;
      } else {
        int mrc = vb_agg_merge(total, part);
        if (mrc == VB_EMISMATCH) {
          msg("%s: made with another score type or codebook than %s, or with other --score, "
              "--by, --date, --period or --driver options", o.files[i], o.files[0]);
          status = EXIT_BADINPUT;
        } else if (mrc == VB_ELIMIT) {
          msg("%s: the states together have more than %d segments or %d periods", o.files[i],
              VB_AGG_MAX_SEGMENTS, VB_AGG_MAX_PERIODS);
          status = EXIT_BADINPUT;
        } else if (mrc) {
          status = EXIT_INTERNAL;
        }
      }
    }
    vb_agg_free(part);
  }
  if (status == EXIT_OK) {
    char *cl = command_line("merge", argc, argv);
    status = print_table(total, m, &o, cl);
    free(cl);
  }
  vb_agg_free(total);
  vb_model_free(m);
  return status;
}
