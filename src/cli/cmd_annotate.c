/* cmd_annotate.c - the record loop (shared with analyze) and the annotate command. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reader problems: FILE:LINE:COLUMN: message on standard error. */
static void on_problem(void *ctx, int severity, const vb_error *e) {
  job *j = ctx;
  if (severity == VB_PROBLEM_ERROR) j->problems++;
  fprintf(stderr, "%s:%ld:%ld: %s%s\n", e->file, e->line, e->column > 0 ? e->column : 1,
          severity == VB_PROBLEM_ERROR ? "" : "warning: ", e->message);
}

static void problem_at(job *j, const char *file, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void problem_at(job *j, const char *file, long line, const char *fmt, ...) {
  char b[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(b, sizeof b, fmt, ap);
  va_end(ap);
  fprintf(stderr, "%s:%ld:1: %s\n", file, line, b);
  j->problems++;
}

int job_setup(job *j, const char *cmd, int argc, char **argv, const char *allowed) {
  memset(j, 0, sizeof *j);
  j->cmd = cmd;
  int rc = opts_parse(cmd, argc, argv, allowed, &j->o);
  if (rc) return rc;
  opts *o = &j->o;
  j->ro.lang = j->ro.lang_default = VB_LANG_UND;
  if (o->lang && vb_lang_parse(o->lang, &j->ro.lang)) {
    msg("%s: unknown language '%s' (sv, da, he, en or auto)", cmd, o->lang);
    return EXIT_USAGE;
  }
  if (o->lang_default && (vb_lang_parse(o->lang_default, &j->ro.lang_default) ||
                          j->ro.lang_default == VB_LANG_UND)) {
    msg("%s: --lang-default takes sv, da, he or en", cmd);
    return EXIT_USAGE;
  }
  vb_format f;
  if (o->input_format && vb_format_parse(o->input_format, &f)) {
    msg("%s: --input-format takes csv, tsv, jsonl or txt", cmd);
    return EXIT_USAGE;
  }
  if (o->score_type) {
    if (vb_score_type_parse(o->score_type, &j->type) || j->type == VB_SCORE_NONE) {
      msg("%s: --score-type takes nps, csat, ces or rating", cmd);
      return EXIT_USAGE;
    }
    j->type_given = true;
  }
  if (o->score_type && !o->score) {
    msg("%s: --score-type needs --score NAME (the score column)", cmd);
    return EXIT_USAGE;
  }
  j->want_scores = o->score != NULL;
  if (!j->type_given) j->type = j->want_scores ? VB_SCORE_RATING : VB_SCORE_NONE;
  if ((rc = load_model(o, &j->m))) return rc;
  if (vb_analyzer_new(j->m, &j->an) || vb_agg_new(j->m, j->type, &j->agg)) {
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  j->t0 = j->last_progress = now();
  return EXIT_OK;
}

void job_free(job *j) {
  vb_agg_free(j->agg);
  vb_analyzer_free(j->an);
  vb_model_free(j->m);
}

static void progress(job *j, bool final) {
  if (j->o.quiet || !isatty(2)) return;
  double t = now();
  if (!final && t - j->last_progress < 0.5) return;
  j->last_progress = t;
  double secs = t - j->t0;
  fprintf(stderr, "\r%s: %zu records, %.1f MB, %.1f MB/s%s", j->cmd, j->records,
          (double)j->bytes / 1e6, secs > 0 ? (double)j->bytes / 1e6 / secs : 0.0,
          final ? "\n" : "   ");
}

static void write_error_record(job *j, const char *id, size_t idlen, const vb_record *rec,
                               const char *file, const char *what) {
  FILE *fp = j->out.fp;
  if (j->tsv) {
    tsv_cell(fp, id, idlen);
    fputs("\t\t\terror\t\n", fp);
    return;
  }
  fputs("{\"id\": ", fp);
  json_str(fp, id, idlen);
  fputs(", \"error\": ", fp);
  if (!what) what = "error";
  json_str(fp, what, strlen(what));
  fputs(", \"file\": ", fp);
  json_str(fp, file, strlen(file));
  fprintf(fp, ", \"line\": %ld}\n", rec->line);
}

static const char *label_name(int label) {
  return label < 0 ? "negative" : label > 0 ? "positive" : "neutral";
}

static const char *explain_rule(int kind) {
  static const char *const names[] = {"entry", "stem", "phrase", "emoji", "prefix", "booster",
                                      "caps", "elongation", "negation", "contrast", "punct",
                                      "question"};
  return (kind >= 0 && kind <= VB_EXPLAIN_QUESTION) ? names[kind] : "unknown";
}

/* "explain": every token that carries valence with the steps that made it, every sentence
 * with its sum, punctuation and score, and the document score as their mean. */
static void write_explain(FILE *fp, const vb_result *r) {
  const vb_explain *x;
  size_t nx = vb_result_explain(r, &x);
  const vb_token *t;
  vb_result_tokens(r, &t);
  const vb_span *sp;
  size_t ns = vb_result_sentences(r, &sp);
  size_t tl;
  const char *text = vb_result_text(r, &tl);
  fputs(", \"explain\": {\"tokens\": [", fp);
  bool first = true;
  for (size_t k = 0; k < nx; k++) {
    if (x[k].kind == VB_EXPLAIN_PUNCT) continue;
    bool seen = false;
    for (size_t q = 0; q < k && !seen; q++)
      seen = x[q].kind != VB_EXPLAIN_PUNCT && x[q].token == x[k].token;
    if (seen) continue;
    size_t i = x[k].token;
    size_t end = x[k].token_end > i ? x[k].token_end : i + 1;
    fprintf(fp, "%s{\"token\": %zu, \"text\": ", first ? "" : ", ", i);
    first = false;
    json_str(fp, text + t[i].start, t[end - 1].end - t[i].start);
    fprintf(fp, ", \"sentence\": %u, \"valence\": ", t[i].sentence);
    put_num(fp, t[i].valence, 6);
    fputs(", \"steps\": [", fp);
    bool fs = true;
    for (size_t q = k; q < nx; q++) {
      if (x[q].kind == VB_EXPLAIN_PUNCT || x[q].token != i) continue;
      fprintf(fp, "%s{\"rule\": \"%s\", \"value\": ", fs ? "" : ", ", explain_rule(x[q].kind));
      fs = false;
      put_num(fp, x[q].value, 6);
      if (x[q].kind == VB_EXPLAIN_BOOSTER || x[q].kind == VB_EXPLAIN_NEGATION ||
          x[q].kind == VB_EXPLAIN_CONTRAST) {
        fputs(", \"by\": ", fp);
        json_str(fp, text + t[x[q].other].start, t[x[q].other].end - t[x[q].other].start);
      }
      if (x[q].source) {
        fputs(", \"source\": ", fp);
        json_str(fp, x[q].source, strlen(x[q].source));
        fprintf(fp, ", \"line\": %ld", x[q].line);
      }
      fputc('}', fp);
    }
    fputs("]}", fp);
  }
  fputs("], \"sentences\": [", fp);
  for (size_t s = 0; s < ns; s++) {
    double sum = 0, punct = 0;
    for (size_t i = sp[s].tok_begin; i < sp[s].tok_end; i++) sum += t[i].valence;
    for (size_t k = 0; k < nx; k++)
      if (x[k].kind == VB_EXPLAIN_PUNCT && x[k].token == s) punct += x[k].value;
    fprintf(fp, "%s{\"start\": %zu, \"end\": %zu, \"sum\": ", s ? ", " : "", sp[s].start,
            sp[s].end);
    put_num(fp, sum, 6);
    fputs(", \"punct\": ", fp);
    put_num(fp, punct, 6);
    fputs(", \"score\": ", fp);
    put_num(fp, sp[s].sentiment, 6);
    fputc('}', fp);
  }
  fputs("], \"rule\": \"valence = ((entry + prefix + boosters + caps + elongation) x negation) "
        "x contrast x question; sentence score = S / sqrt(S^2 + 15) with S = sum + punct; document = "
        "the same of (sum of S) / sqrt(k), k = sentences with S != 0\"}", fp);
}

static void write_result(job *j, const char *id, size_t idlen, const vb_result *r) {
  FILE *fp = j->out.fp;
  const vb_sentiment *s = vb_result_sentiment(r);
  const vb_mention *me;
  size_t nm = vb_result_mentions(r, &me);
  if (j->tsv) {
    tsv_cell(fp, id, idlen);
    fprintf(fp, "\t%s\t", vb_lang_code(vb_result_lang(r)));
    put_num(fp, s->score, 4);
    fprintf(fp, "\t%s\t", label_name(s->label));
    /* themes in order of first mention, each once */
    size_t printed = 0;
    for (size_t i = 0; i < nm; i++) {
      bool seen = false;
      for (size_t k = 0; k < i && !seen; k++) seen = me[k].theme == me[i].theme;
      if (seen) continue;
      if (printed++) putc('|', fp);
      fputs(vb_model_theme_id(j->m, me[i].theme), fp);
    }
    putc('\n', fp);
    return;
  }
  fputs("{\"id\": ", fp);
  json_str(fp, id, idlen);
  fprintf(fp, ", \"lang\": \"%s\", \"sentiment\": {\"score\": ", vb_lang_code(vb_result_lang(r)));
  put_num(fp, s->score, 4);
  fprintf(fp, ", \"label\": \"%s\", \"pos\": ", label_name(s->label));
  put_num(fp, s->pos, 3);
  fputs(", \"neg\": ", fp);
  put_num(fp, s->neg, 3);
  fputs(", \"neu\": ", fp);
  put_num(fp, s->neu, 3);
  fprintf(fp, ", \"level\": %d, \"mixed\": %s}, \"themes\": [", s->level,
          s->mixed ? "true" : "false");
  bool first_theme = true;
  for (size_t i = 0; i < nm; i++) {
    bool seen = false;
    for (size_t k = 0; k < i && !seen; k++) seen = me[k].theme == me[i].theme;
    if (seen) continue;
    double sum = 0;
    size_t cnt = 0;
    for (size_t k = i; k < nm; k++)
      if (me[k].theme == me[i].theme) {
        sum += me[k].sentiment;
        cnt++;
      }
    if (!first_theme) fputs(", ", fp);
    first_theme = false;
    fputs("{\"theme\": ", fp);
    const char *tid = vb_model_theme_id(j->m, me[i].theme);
    json_str(fp, tid, strlen(tid));
    fputs(", \"sentiment\": ", fp);
    put_num(fp, sum / (double)cnt, 4);
    fputs(", \"spans\": [", fp);
    bool first_span = true;
    for (size_t k = i; k < nm; k++) {
      if (me[k].theme != me[i].theme) continue;
      fprintf(fp, "%s[%zu, %zu]", first_span ? "" : ", ", me[k].start, me[k].end);
      first_span = false;
    }
    fputs("]}", fp);
  }
  fputc(']', fp);
  if (j->o.explain) write_explain(fp, r);
  fputs("}\n", fp);
}

/* One input: a file or standard input. */
static int run_input(job *j, const char *path) {
  const opts *o = &j->o;
  bool is_stdin = !strcmp(path, "-");
  FILE *fp = is_stdin ? stdin : fopen(path, "rb");
  const char *name = is_stdin ? "<stdin>" : path;
  if (!fp) {
    msg("cannot open '%s': %s", path, strerror(errno));
    j->problems++;
    return EXIT_BADINPUT;
  }
  vb_reader_options ropt = {0};
  ropt.name = path;
  ropt.delimiter = o->delimiter;
  ropt.max_field = o->max_field;
  if (o->input_format) vb_format_parse(o->input_format, &ropt.format);
  else if (is_stdin) ropt.format = VB_FORMAT_AUTO;
  else if (vb_format_from_name(path) == VB_FORMAT_AUTO) {
    msg("%s: cannot tell the format from the name; give --input-format csv|tsv|jsonl|txt", path);
    if (!is_stdin) fclose(fp);
    return EXIT_USAGE;
  }
  vb_reader *rd;
  vb_error e = {0};
  int rc = vb_reader_new(fp, &ropt, on_problem, j, &rd, &e);
  if (rc) {
    msg_error(&e);
    if (!is_stdin) fclose(fp);
    j->problems++;
    return rc == VB_ENOMEM ? EXIT_INTERNAL : rc == VB_EINVAL ? EXIT_USAGE : EXIT_BADINPUT;
  }
  int h_text = vb_reader_field(rd, o->text, &e);
  if (h_text < 0) {
    msg_error(&e);
    vb_reader_free(rd);
    if (!is_stdin) fclose(fp);
    j->problems++;
    return EXIT_BADINPUT;
  }
  int h_id = -1, h_score = -1, h_lang = -1;
  if (vb_reader_format(rd) != VB_FORMAT_TXT) {
    vb_error ie = {0};
    h_id = vb_reader_field(rd, o->id, &ie);
    if (h_id < 0 && o->id_given) {
      msg_error(&ie);
      vb_reader_free(rd);
      if (!is_stdin) fclose(fp);
      j->problems++;
      return EXIT_BADINPUT;
    }
    if (o->score) {
      h_score = vb_reader_field(rd, o->score, &e);
      if (h_score < 0) {
        msg_error(&e);
        vb_reader_free(rd);
        if (!is_stdin) fclose(fp);
        j->problems++;
        return EXIT_BADINPUT;
      }
    }
    if (o->lang_col) {
      h_lang = vb_reader_field(rd, o->lang_col, &e);
      if (h_lang < 0) {
        msg_error(&e);
        vb_reader_free(rd);
        if (!is_stdin) fclose(fp);
        j->problems++;
        return EXIT_BADINPUT;
      }
    }
  } else if (o->score) {
    msg("%s: plain text has no score column", name);
    vb_reader_free(rd);
    if (!is_stdin) fclose(fp);
    return EXIT_USAGE;
  }
  const vb_record *rec = NULL;
  char idbuf[32];
  int status = EXIT_OK;
  size_t first = j->records;
  size_t problems_before = j->problems;
  while ((rc = vb_reader_next(rd, &rec)) == 1) {
    j->records++;
    size_t tlen = 0, idlen = 0;
    const char *text = vb_reader_get(rd, h_text, &tlen);
    const char *id = h_id >= 0 ? vb_reader_get(rd, h_id, &idlen) : NULL;
    if (!id || (idlen == 0 && h_id < 0)) {
      snprintf(idbuf, sizeof idbuf, "%zu", j->records);
      id = idbuf;
      idlen = strlen(idbuf);
    }
    j->bytes += tlen;
    /* the score */
    bool has_score = false;
    double score = NAN;
    if (h_score >= 0) {
      size_t sl;
      const char *sv = vb_reader_get(rd, h_score, &sl);
      int prc = sv ? vb_parse_number(sv, sl, &score) : VB_ENOTFOUND;
      if (prc == VB_OK) {
        if (j->type_given && !vb_score_valid(j->type, score)) {
          problem_at(j, name, rec->line, "score '%.*s' is outside the %s scale (%s); counted as "
                     "missing", (int)(sl > 40 ? 40 : sl), sv, vb_score_type_name(j->type),
                     j->type == VB_SCORE_NPS ? "whole numbers 0-10" : j->type == VB_SCORE_CSAT
                     ? "whole numbers 1-5" : j->type == VB_SCORE_CES ? "whole numbers 1-7" : "");
          j->bad_score++;
        } else if (!vb_score_valid(VB_SCORE_RATING, score)) {
          problem_at(j, name, rec->line, "score '%.*s' is not a usable number", (int)(sl > 40 ? 40 : sl), sv);
          j->bad_score++;
        } else {
          has_score = true;
        }
      } else if (prc == VB_EPARSE) {
        problem_at(j, name, rec->line, "score '%.*s' is not a number; counted as missing",
                   (int)(sl > 40 ? 40 : sl), sv);
        j->bad_score++;
      }
      if (has_score) {
        if (!j->any_score || score < j->smin) j->smin = score;
        if (!j->any_score || score > j->smax) j->smax = score;
        j->any_score = true;
      } else {
        j->missing_score++;
      }
    }
    /* the record's language */
    vb_run_options ro = j->ro;
    if (h_lang >= 0) {
      size_t ll;
      const char *lv = vb_reader_get(rd, h_lang, &ll);
      char code[8];
      if (lv && ll > 0 && ll < sizeof code) {
        memcpy(code, lv, ll);
        code[ll] = '\0';
        vb_lang l;
        if (vb_lang_parse(code, &l) == VB_OK) ro.lang = l;
        else problem_at(j, name, rec->line, "unknown language code '%s'; identified instead", code);
      }
    }
    const char *err_text = NULL;
    if (rec->error) err_text = rec->error_msg[0] ? rec->error_msg : vb_strerror(rec->error);
    else if (!text && vb_reader_format(rd) == VB_FORMAT_JSONL) {
      problem_at(j, name, rec->line, "no field '%s' in this record", o->text);
      err_text = "no text field";
    } else if (o->strict && rec->n_invalid_utf8) {
      err_text = "invalid UTF-8 (--strict)";
    }
    const vb_result *r = NULL;
    if (!err_text) {
      int arc = vb_analyzer_run(j->an, text ? text : "", tlen, &ro, &r);
      if (arc == VB_ENOMEM) {
        msg("out of memory");
        status = EXIT_INTERNAL;
        break;
      }
      if (arc) {
        err_text = vb_strerror(arc);
        r = NULL;
      }
    }
    if (r) {
      j->analysed++;
      j->by_lang[vb_result_lang(r)]++;
      if (j->annotate) write_result(j, id, idlen, r);
    } else {
      j->errors++;
      if (j->annotate) write_error_record(j, id, idlen, rec, name, err_text);
    }
    if (vb_agg_add(j->agg, r, has_score && (!j->type_given || vb_score_valid(j->type, score)), score)) {
      msg("out of memory");
      status = EXIT_INTERNAL;
      break;
    }
    if (j->problems != problems_before) j->with_problems++;
    problems_before = j->problems;
    if ((j->records & 1023) == 0) progress(j, false);
  }
  if (rc < 0 && status == EXIT_OK) {
    msg("%s: read error after line %ld", name, rec ? rec->line_end : 0L);
    j->problems++;
    status = EXIT_BADINPUT;
  }
  if (status == EXIT_OK && j->records == first) {
    /* A file with a header and nothing else holds nothing to analyse: say so. */
    problem_at(j, name, 1, "no records in the input%s",
               vb_reader_format(rd) == VB_FORMAT_CSV || vb_reader_format(rd) == VB_FORMAT_TSV
                   ? " after the header" : "");
    status = EXIT_BADINPUT;
  }
  vb_reader_free(rd);
  if (!is_stdin) fclose(fp);
  return status;
}

int job_run(job *j) {
  int status = EXIT_OK;
  const char *stdin_only[] = {"-"};
  const char *const *files = j->o.n_files ? j->o.files : stdin_only;
  int n = j->o.n_files ? j->o.n_files : 1;
  for (int i = 0; i < n; i++) {
    int rc = run_input(j, files[i]);
    if (rc == EXIT_INTERNAL || rc == EXIT_USAGE) return rc;
    if (rc && !status) status = rc;
  }
  progress(j, true);
  return status;
}

int job_finish_scores(job *j) {
  if (!j->want_scores || j->type_given) return EXIT_OK;
  vb_score_type t = j->any_score ? vb_score_type_guess(j->smin, j->smax) : VB_SCORE_RATING;
  if (!j->o.quiet && j->any_score)
    msg("score type guessed as %s from the values %g to %g (set it with --score-type)",
        vb_score_type_name(t), j->smin, j->smax);
  if (vb_agg_set_score_type(j->agg, t)) {
    /* a guess always fits its range; fall back to a plain rating */
    vb_agg_set_score_type(j->agg, VB_SCORE_RATING);
  }
  j->type = vb_agg_score_type(j->agg);
  return EXIT_OK;
}

void job_summary(const job *j) {
  if (j->o.quiet) return;
  fprintf(stderr, "%s: %zu records read, %zu analysed, %zu not analysable, %zu with problems "
          "reported; languages:", progname, j->records, j->analysed, j->errors, j->with_problems);
  bool any = false;
  static const vb_lang order[] = {VB_LANG_SV, VB_LANG_DA, VB_LANG_HE, VB_LANG_EN, VB_LANG_UND};
  for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
    if (j->by_lang[order[k]]) {
      fprintf(stderr, " %s %zu", vb_lang_code(order[k]), j->by_lang[order[k]]);
      any = true;
    }
  if (!any) fputs(" none", stderr);
  if (j->want_scores)
    fprintf(stderr, "; scores: %zu valid, %zu missing (%zu of them unreadable or out of range)",
            j->records - j->missing_score, j->missing_score, j->bad_score);
  if (j->problems) fprintf(stderr, "; %zu problems in all (above)", j->problems);
  fputc('\n', stderr);
}

int job_write_state(job *j) {
  char *buf;
  size_t len;
  if (vb_agg_save(j->agg, &buf, &len)) {
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  out so;
  int rc = out_open(&so, j->o.state);
  if (rc == EXIT_OK) {
    fwrite(buf, 1, len, so.fp);
    rc = out_close(&so);
  }
  vb_free(buf);
  return rc;
}

int cmd_annotate(int argc, char **argv) {
  job j;
  int rc = job_setup(&j, "annotate", argc, argv,
                     "text id lang lang-col lang-default input-format delimiter format output "
                     "score score-type state codebook lexicon data max-field strict quiet "
                     "no-default-codebook explain");
  if (rc == EXIT_OK && j.o.explain) j.ro.flags |= VB_RUN_EXPLAIN;
  if (rc == EXIT_OK && j.o.explain && j.o.format && strcmp(j.o.format, "jsonl")) {
    msg("annotate: --explain needs the jsonl format");
    rc = EXIT_USAGE;
  }
  if (rc == EXIT_OK && j.o.format && strcmp(j.o.format, "jsonl") && strcmp(j.o.format, "tsv")) {
    msg("annotate: --format takes jsonl or tsv");
    rc = EXIT_USAGE;
  }
  if (rc == EXIT_OK && j.o.state && !j.o.score) {
    msg("annotate: --state needs --score NAME (the score column to aggregate)");
    rc = EXIT_USAGE;
  }
  if (rc) {
    job_free(&j);
    return rc;
  }
  j.annotate = true;
  j.tsv = j.o.format && !strcmp(j.o.format, "tsv");
  if ((rc = out_open(&j.out, j.o.output))) {
    job_free(&j);
    return rc;
  }
  if (j.tsv) fputs("id\tlang\tscore\tlabel\tthemes\n", j.out.fp);
  int status = job_run(&j);
  if (status == EXIT_INTERNAL || status == EXIT_USAGE) {
    out_abort(&j.out);
    job_free(&j);
    return status;
  }
  int wrc = out_close(&j.out);
  job_finish_scores(&j);
  if (wrc == EXIT_OK && j.o.state) wrc = job_write_state(&j);
  job_summary(&j);
  job_free(&j);
  if (wrc) return wrc;
  if (status == EXIT_OK && j.problems) status = EXIT_BADINPUT;
  return status;
}
