/* cmd_annotate.c - the record loop (shared with analyze) and the annotate command. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
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

void job_problem(job *j, const char *file, long line, const char *fmt, ...) {
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
  /* every text comes from vb_reader_get(), which gives valid UTF-8 only (invalid bytes are
   * repaired, or the record is an error with --strict; the fuzz targets check it): the
   * analyzer need not check it again */
  j->ro.flags = VB_RUN_VALID_UTF8;
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
    msg("%s: --input-format takes csv, tsv, jsonl, txt or transcript", cmd);
    return EXIT_USAGE;
  }
  if ((rc = agg_input_setup(j))) return rc; /* scores, segments, periods, drivers */
  if ((rc = load_model(o, &j->m))) return rc;
  if (vb_analyzer_new(j->m, &j->an) || vb_agg_new_with(j->m, &j->ao, &j->agg)) {
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  j->t0 = j->last_progress = now();
  return EXIT_OK;
}

void job_free(job *j) {
  speakers_free(&j->speakers);
  qdpx_free(j->qdpx);
  agg_input_free(j);
  vb_agg_free(j->agg);
  vb_analyzer_free(j->an);
  vb_model_free(j->m);
}

/* The progress line on a terminal: records, input MB read (of the total when the inputs are
 * files), MB/s and the time left at that rate. */
static void progress(job *j, bool final) {
  if (j->o.quiet || !isatty(2)) return;
  double t = now();
  if (!final && t - j->last_progress < 0.5) return;
  j->last_progress = t;
  double secs = t - j->t0;
  off_t pos = j->cur_in ? ftello(j->cur_in) : 0;
  /* a pipe has no position: count the texts' bytes instead */
  double done = pos >= 0 && (j->cur_in || j->in_done > 0) ? j->in_done + (double)pos
                                                          : (double)j->bytes;
  double rate = secs > 0 ? done / secs : 0.0;
  fprintf(stderr, "\r%s: %zu records, %.1f", j->cmd, j->records, done / 1e6);
  if (j->in_total > 0) fprintf(stderr, " of %.1f", j->in_total / 1e6);
  fprintf(stderr, " MB, %.1f MB/s", rate / 1e6);
  if (!final && j->in_total > done && rate > 0) {
    long left = (long)((j->in_total - done) / rate + 0.5);
    fprintf(stderr, ", %ld:%02ld left", left / 60, left % 60);
  }
  fputs(final ? "\n" : "      ", stderr);
}

static void write_error_record(const job *j, obuf *ob, const char *id, size_t idlen,
                               const char *extra, size_t extra_len, long line, const char *file,
                               const char *what) {
  if (j->tsv) {
    obuf_tsv_cell(ob, id, idlen);
    obuf_str(ob, "\t\t\terror\t");
    for (int k = 0; j->o.n_texts > 1 && k < j->o.n_texts; k++) obuf_str(ob, "\t\t");
    obuf_putc(ob, '\n');
    return;
  }
  obuf_str(ob, "{\"id\": ");
  obuf_json_str(ob, id, idlen);
  obuf_put(ob, extra, extra_len);
  obuf_str(ob, ", \"error\": ");
  if (!what) what = "error";
  obuf_json_str(ob, what, strlen(what));
  obuf_str(ob, ", \"file\": ");
  obuf_json_str(ob, file, strlen(file));
  obuf_str(ob, ", \"line\": ");
  obuf_long(ob, line);
  obuf_str(ob, "}\n");
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
static void write_explain(obuf *ob, const vb_result *r) {
  const vb_explain *x;
  size_t nx = vb_result_explain(r, &x);
  const vb_token *t;
  vb_result_tokens(r, &t);
  const vb_span *sp;
  size_t ns = vb_result_sentences(r, &sp);
  size_t tl;
  const char *text = vb_result_text(r, &tl);
  obuf_str(ob, ", \"explain\": {\"tokens\": [");
  bool first = true;
  for (size_t k = 0; k < nx; k++) {
    if (x[k].kind == VB_EXPLAIN_PUNCT) continue;
    bool seen = false;
    for (size_t q = 0; q < k && !seen; q++)
      seen = x[q].kind != VB_EXPLAIN_PUNCT && x[q].token == x[k].token;
    if (seen) continue;
    size_t i = x[k].token;
    size_t end = x[k].token_end > i ? x[k].token_end : i + 1;
    obuf_str(ob, first ? "{\"token\": " : ", {\"token\": ");
    first = false;
    obuf_size(ob, i);
    obuf_str(ob, ", \"text\": ");
    obuf_json_str(ob, text + t[i].start, t[end - 1].end - t[i].start);
    obuf_str(ob, ", \"sentence\": ");
    obuf_size(ob, t[i].sentence);
    obuf_str(ob, ", \"valence\": ");
    obuf_num(ob, t[i].valence, 6);
    obuf_str(ob, ", \"steps\": [");
    bool fs = true;
    for (size_t q = k; q < nx; q++) {
      if (x[q].kind == VB_EXPLAIN_PUNCT || x[q].token != i) continue;
      obuf_str(ob, fs ? "{\"rule\": \"" : ", {\"rule\": \"");
      fs = false;
      obuf_str(ob, explain_rule(x[q].kind));
      obuf_str(ob, "\", \"value\": ");
      obuf_num(ob, x[q].value, 6);
      if (x[q].kind == VB_EXPLAIN_BOOSTER || x[q].kind == VB_EXPLAIN_NEGATION ||
          x[q].kind == VB_EXPLAIN_CONTRAST) {
        obuf_str(ob, ", \"by\": ");
        obuf_json_str(ob, text + t[x[q].other].start, t[x[q].other].end - t[x[q].other].start);
      }
      if (x[q].source) {
        obuf_str(ob, ", \"source\": ");
        obuf_json_str(ob, x[q].source, strlen(x[q].source));
        obuf_str(ob, ", \"line\": ");
        obuf_long(ob, x[q].line);
      }
      obuf_putc(ob, '}');
    }
    obuf_str(ob, "]}");
  }
  obuf_str(ob, "], \"sentences\": [");
  for (size_t s = 0; s < ns; s++) {
    double sum = 0, punct = 0;
    for (size_t i = sp[s].tok_begin; i < sp[s].tok_end; i++) sum += t[i].valence;
    for (size_t k = 0; k < nx; k++)
      if (x[k].kind == VB_EXPLAIN_PUNCT && x[k].token == s) punct += x[k].value;
    obuf_str(ob, s ? ", {\"start\": " : "{\"start\": ");
    obuf_size(ob, sp[s].start);
    obuf_str(ob, ", \"end\": ");
    obuf_size(ob, sp[s].end);
    obuf_str(ob, ", \"sum\": ");
    obuf_num(ob, sum, 6);
    obuf_str(ob, ", \"punct\": ");
    obuf_num(ob, punct, 6);
    obuf_str(ob, ", \"score\": ");
    obuf_num(ob, sp[s].sentiment, 6);
    obuf_putc(ob, '}');
  }
  obuf_str(ob, "], \"rule\": \"valence = ((entry + prefix + boosters + caps + elongation) x "
               "negation) x contrast x question; sentence score = S / sqrt(S^2 + 15) with S = "
               "sum + punct; document = the same of (sum of S) / sqrt(k), k = sentences with S "
               "!= 0\"}");
}

/* The piece of a result line that opens each theme, with its id as a JSON string escaped once
 * for the whole run (pool_start): theme t's `, {"theme": "id", "sentiment": ` is at json.p +
 * at[t], up to at[t + 1] (the first theme of a line without its ", "). Likewise the piece of
 * a result line from the language code to the score, for each language: at lang.p +
 * lang_at[l], up to lang_at[l + 1]. */
typedef struct theme_ids {
  obuf json;
  size_t *at;
  obuf lang;
  size_t lang_at[VB_LANG_COUNT + 1];
  bool brands; /* a brand list is loaded: every line says its "switches" */
} theme_ids;

/* The piece of a result line from the label to the positive share, whole, so that its length
 * is known when the program is compiled. */
static void put_label(obuf *ob, int label) {
  if (label < 0) obuf_str(ob, ", \"label\": \"negative\", \"pos\": ");
  else if (label > 0) obuf_str(ob, ", \"label\": \"positive\", \"pos\": ");
  else obuf_str(ob, ", \"label\": \"neutral\", \"pos\": ");
}

/* A sentiment's score to its mixed flag: "-0.62, "label": ... "mixed": false}" (the record's
 * lang prefix and a part's "sentiment": {"score": " come before it). */
static void put_sentiment(obuf *ob, const vb_sentiment *s) {
  obuf_num(ob, s->score, 4);
  put_label(ob, s->label);
  obuf_num(ob, s->pos, 3);
  obuf_str(ob, ", \"neg\": ");
  obuf_num(ob, s->neg, 3);
  obuf_str(ob, ", \"neu\": ");
  obuf_num(ob, s->neu, 3);
  obuf_str(ob, ", \"level\": ");
  obuf_long(ob, s->level);
  obuf_str(ob, s->mixed ? ", \"mixed\": true}" : ", \"mixed\": false}");
}

/* A part of a record's text (several --text fields): field `question` of o.texts at
 * [start, end), as the aggregate takes it. */
typedef vb_agg_answer part;

/* "parts": where each answer lies in the text and its own sentiment. `p` holds n parts, not
 * aligned (a batch's bytes). */
static void write_parts(const job *j, obuf *ob, const char *p, size_t n, const vb_result *r) {
  for (size_t i = 0; i < n; i++) {
    part pt;
    memcpy(&pt, p + i * sizeof pt, sizeof pt);
    obuf_str(ob, i ? ", {\"field\": " : ", \"parts\": [{\"field\": ");
    obuf_json_str(ob, j->o.texts[pt.question], strlen(j->o.texts[pt.question]));
    obuf_str(ob, ", \"start\": ");
    obuf_size(ob, pt.start);
    obuf_str(ob, ", \"end\": ");
    obuf_size(ob, pt.end);
    vb_sentiment s;
    if (vb_result_sentiment_range(r, pt.start, pt.end, &s) == VB_OK) {
      obuf_str(ob, ", \"sentiment\": {\"score\": ");
      put_sentiment(ob, &s);
    }
    obuf_str(ob, "}");
  }
  if (n) obuf_str(ob, "]");
}

/* --format tsv with several --text fields: each answer's score and label, in the order of the
 * fields (empty cells for a question not answered). */
static void tsv_parts(const job *j, obuf *ob, const char *p, size_t n, const vb_result *r) {
  for (int k = 0; j->o.n_texts > 1 && k < j->o.n_texts; k++) {
    vb_sentiment s;
    bool found = false;
    for (size_t i = 0; i < n && !found; i++) {
      part pt;
      memcpy(&pt, p + i * sizeof pt, sizeof pt);
      found = pt.question == (size_t)k &&
              vb_result_sentiment_range(r, pt.start, pt.end, &s) == VB_OK;
    }
    if (!found) {
      obuf_str(ob, "\t\t");
      continue;
    }
    obuf_putc(ob, '\t');
    obuf_num(ob, s.score, 4);
    obuf_putc(ob, '\t');
    obuf_str(ob, label_name(s.label));
  }
}

/* "switches": the switches between brands (vb_switch), in the order of the text. */
static void write_switches(const job *j, obuf *ob, const vb_result *r) {
  const vb_switch *sw;
  size_t n = vb_result_switches(r, &sw);
  obuf_str(ob, ", \"switches\": [");
  for (size_t i = 0; i < n; i++) {
    obuf_str(ob, i ? ", {\"from\": " : "{\"from\": ");
    for (int side = 0; side < 2; side++) {
      size_t t = side ? sw[i].to : sw[i].from;
      if (side) obuf_str(ob, ", \"to\": ");
      if (t == SIZE_MAX) {
        obuf_str(ob, "null");
      } else {
        const char *id = vb_model_theme_id(j->m, t);
        obuf_json_str(ob, id, strlen(id));
      }
    }
    obuf_str(ob, ", \"span\": ");
    obuf_span(ob, sw[i].start, sw[i].end, true);
    obuf_putc(ob, '}');
  }
  obuf_putc(ob, ']');
}

static void write_result(const job *j, const theme_ids *th, obuf *ob, const char *id,
                         size_t idlen, const char *extra, size_t extra_len, const char *parts,
                         size_t n_parts, const vb_result *r) {
  const vb_sentiment *s = vb_result_sentiment(r);
  const vb_mention *me;
  size_t nm = vb_result_mentions(r, &me);
  if (j->tsv) {
    obuf_tsv_cell(ob, id, idlen);
    obuf_putc(ob, '\t');
    obuf_str(ob, vb_lang_code(vb_result_lang(r)));
    obuf_putc(ob, '\t');
    obuf_num(ob, s->score, 4);
    obuf_putc(ob, '\t');
    obuf_str(ob, label_name(s->label));
    obuf_putc(ob, '\t');
    /* themes in order of first mention, each once */
    size_t printed = 0;
    for (size_t i = 0; i < nm; i++) {
      bool seen = false;
      for (size_t k = 0; k < i && !seen; k++) seen = me[k].theme == me[i].theme;
      if (seen) continue;
      if (printed++) obuf_putc(ob, '|');
      obuf_str(ob, vb_model_theme_id(j->m, me[i].theme));
    }
    tsv_parts(j, ob, parts, n_parts, r);
    obuf_putc(ob, '\n');
    return;
  }
  obuf_str(ob, "{\"id\": ");
  obuf_json_str(ob, id, idlen);
  obuf_put(ob, extra, extra_len);
  write_parts(j, ob, parts, n_parts, r);
  vb_lang l = vb_result_lang(r); /* ", "lang": "sv", "sentiment": {"score": " */
  obuf_put(ob, th->lang.p + th->lang_at[l], th->lang_at[l + 1] - th->lang_at[l]);
  put_sentiment(ob, s);
  obuf_str(ob, ", \"themes\": [");
  bool first_theme = true;
  uint64_t listed = 0; /* bit t % 64 for each theme t listed: most themes need no look back */
  for (size_t i = 0; i < nm; i++) {
    size_t t = me[i].theme;
    uint64_t bit = 1ULL << (t & 63);
    if (listed & bit) {
      bool seen = false;
      for (size_t k = 0; k < i && !seen; k++) seen = me[k].theme == t;
      if (seen) continue;
    }
    listed |= bit;
    double sum = 0;
    size_t cnt = 0, last = i; /* the theme's last mention */
    for (size_t k = i; k < nm; k++)
      if (me[k].theme == t) {
        sum += me[k].sentiment;
        cnt++;
        last = k;
      }
    size_t skip = first_theme ? 2 : 0;
    first_theme = false;
    obuf_put(ob, th->json.p + th->at[t] + skip, th->at[t + 1] - th->at[t] - skip);
    obuf_num(ob, sum / (double)cnt, 4);
    obuf_str(ob, ", \"spans\": [");
    bool first_span = true;
    for (size_t k = i; k <= last; k++) {
      if (me[k].theme != t) continue;
      obuf_span(ob, me[k].start, me[k].end, first_span);
      first_span = false;
    }
    obuf_str(ob, "]}");
  }
  obuf_putc(ob, ']');
  if (th->brands) write_switches(j, ob, r);
  if (j->o.explain) write_explain(ob, r);
  obuf_str(ob, "}\n");
}


/* ---- workers ----
 *
 * The main thread reads records and does everything that reports to standard error (scores,
 * language codes, reader problems), so messages keep their input order. It copies each
 * record's id and text into a batch; a worker analyses the batch with its own analyzer, writes
 * the results into the batch's buffer and adds them to its own aggregate. Batches are
 * written out in the order they were read, so the output is the same for any number of
 * workers. The aggregates are merged at the end: a vb_agg does not depend on the order of its
 * records (it holds counts and sums), which the merge of split runs already relies on.
 *
 * At most 2 x workers batches are in flight, each of at most BATCH_RECORDS records and about
 * BATCH_BYTES of text, so memory does not grow with the input. With one worker there are no
 * threads: the main thread analyses each batch as soon as it is full. */
#include <pthread.h>

enum { BATCH_RECORDS = 256, BATCH_BYTES = 1 << 18 };

typedef struct item {
  size_t id_off, id_len, text_off, text_len, err_off, err_len;
  size_t extra_off, extra_len; /* transcripts: the turn's fields, as JSON (", "speaker": ...") */
  size_t parts_off, n_parts;   /* several --text fields: the answers (part), for annotate */
  bool has_err;
  bool no_agg;                 /* an interviewer's turn: not in the aggregate */
  long line;
  const char *file;
  vb_run_options ro;
  size_t seg_off;
  agg_vals av; /* scores, segment (at seg_off in the batch), date, drivers: with keep_agg only */
} item;

typedef struct batch {
  item *items;
  size_t n, cap;
  char *data; /* ids, texts and error messages, back to back */
  size_t len, cap_data;
  obuf out;   /* the results, written out with one fwrite */
  size_t analysed, errors, by_lang[VB_LANG_COUNT];
  int status;
  bool done;
} batch;

typedef struct worker {
  struct pool *pool;
  vb_analyzer *an;
  vb_agg *agg;
  pthread_t thread;
  bool started;
} worker;

typedef struct pool {
  job *j;
  int n_workers;
  worker *w;
  batch *b;       /* ring of n_batches */
  size_t n_batches;
  size_t filled;  /* batches handed to workers (the one being filled is b[filled % n]) */
  size_t taken;   /* batches a worker has started */
  size_t written; /* batches written out */
  bool closing;
  /* the records' values for the aggregate are kept: not in annotate without --state, which
   * keeps no aggregate (9% of its time); 416 bytes a record to copy otherwise */
  bool keep_agg;
  theme_ids themes;
  pthread_mutex_t mu;
  pthread_cond_t work, done;
} pool;

static int batch_put(batch *b, const char *s, size_t n, size_t *off) {
  if (b->len + n + 1 > b->cap_data) {
    size_t cap = b->cap_data ? b->cap_data : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) return -1;
    b->data = d;
    b->cap_data = cap;
  }
  *off = b->len;
  if (n) memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len++] = '\0';
  return 0;
}

/* Analyses a batch: results into its buffer, scores into the worker's aggregate. */
static void batch_run(worker *w, batch *b) {
  const job *j = w->pool->j;
  for (size_t i = 0; i < b->n && b->status == EXIT_OK; i++) {
    const item *it = &b->items[i];
    const char *id = b->data + it->id_off;
    const char *err_text = it->has_err ? b->data + it->err_off : NULL;
    const vb_result *r = NULL;
    if (!err_text) {
      int arc = vb_analyzer_run(w->an, b->data + it->text_off, it->text_len, &it->ro, &r);
      if (arc == VB_ENOMEM) {
        b->status = EXIT_INTERNAL;
        break;
      }
      if (arc) {
        err_text = vb_strerror(arc);
        r = NULL;
      }
      size_t lt;
      size_t nl = r ? vb_result_pattern_limits(r, &lt) : 0;
      if (nl) { /* a pattern that backtracks without end was stopped: say so, go on */
        char what[160];
        if (lt == SIZE_MAX) snprintf(what, sizeof what, "among those without literals");
        else snprintf(what, sizeof what, "of theme '%s'", vb_model_theme_id(j->m, lt));
        fprintf(stderr, "%s:%ld:1: warning: %zu codebook pattern%s (the first %s) hit a PCRE2 "
                "limit (match, depth or heap) on this text and stopped: no match from %s here\n",
                it->file, it->line, nl, nl > 1 ? "s" : "", what, nl > 1 ? "them" : "it");
      }
    }
    if (r) {
      b->analysed++;
      b->by_lang[vb_result_lang(r)]++;
      if (j->annotate)
        write_result(j, &w->pool->themes, &b->out, id, it->id_len, b->data + it->extra_off,
                     it->extra_len, b->data + it->parts_off, it->n_parts, r);
    } else {
      b->errors++;
      if (j->annotate)
        write_error_record(j, &b->out, id, it->id_len, b->data + it->extra_off, it->extra_len,
                           it->line, it->file, err_text);
    }
    if (!w->pool->keep_agg || it->no_agg) continue;
    vb_agg_record ar = {0};
    agg_input_record(&it->av, it->av.seg ? b->data + it->seg_off : NULL, &ar);
    if (j->o.by && !strcmp(j->o.by, ":lang")) { /* segments by the language found */
      ar.segment = r ? vb_lang_code(vb_result_lang(r)) : NULL;
      ar.segment_len = ar.segment ? strlen(ar.segment) : 0;
    }
    ar.result = r;
    ar.id = id;
    ar.id_len = it->id_len;
    part answers[OPT_MAX_REPEAT]; /* aligned: the batch's copy is not */
    memcpy(answers, b->data + it->parts_off, it->n_parts * sizeof *answers);
    ar.answers = answers;
    ar.n_answers = it->n_parts;
    if (vb_agg_add_record(w->agg, &ar)) b->status = EXIT_INTERNAL;
  }
  if (b->out.failed) b->status = EXIT_INTERNAL; /* out of memory */
}

static void *worker_main(void *arg) {
  worker *w = arg;
  pool *p = w->pool;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (p->taken == p->filled && !p->closing) pthread_cond_wait(&p->work, &p->mu);
    if (p->taken == p->filled) break; /* closing, nothing left */
    batch *b = &p->b[p->taken++ % p->n_batches];
    pthread_mutex_unlock(&p->mu);
    batch_run(w, b);
    pthread_mutex_lock(&p->mu);
    b->done = true;
    pthread_cond_broadcast(&p->done);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

static int default_jobs(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static int pool_start(job *j) {
  pool *p = calloc(1, sizeof *p);
  if (!p) return EXIT_INTERNAL;
  j->pool = p;
  p->j = j;
  p->keep_agg = !j->annotate || j->o.state;
  p->n_workers = j->o.jobs ? j->o.jobs : default_jobs();
  p->n_batches = p->n_workers > 1 ? 2 * (size_t)p->n_workers : 1;
  p->w = calloc((size_t)p->n_workers, sizeof *p->w);
  p->b = calloc(p->n_batches, sizeof *p->b);
  if (!p->w || !p->b) return EXIT_INTERNAL;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->work, NULL);
  pthread_cond_init(&p->done, NULL);
  theme_ids *th = &p->themes;
  size_t n_themes = vb_model_theme_count(j->m);
  th->at = malloc((n_themes + 1) * sizeof *th->at);
  if (!th->at) return EXIT_INTERNAL;
  for (size_t t = 0; t < n_themes; t++) {
    const char *id = vb_model_theme_id(j->m, t);
    th->at[t] = th->json.len;
    obuf_str(&th->json, ", {\"theme\": ");
    obuf_json_str(&th->json, id, strlen(id));
    obuf_str(&th->json, ", \"sentiment\": ");
  }
  th->at[n_themes] = th->json.len;
  th->brands = model_has_brands(j->m);
  for (int l = 0; l < VB_LANG_COUNT; l++) {
    th->lang_at[l] = th->lang.len;
    obuf_str(&th->lang, ", \"lang\": \"");
    obuf_str(&th->lang, vb_lang_code((vb_lang)l));
    obuf_str(&th->lang, "\", \"sentiment\": {\"score\": ");
  }
  th->lang_at[VB_LANG_COUNT] = th->lang.len;
  if (th->json.failed || th->lang.failed) return EXIT_INTERNAL;
  for (int k = 0; k < p->n_workers; k++) {
    worker *w = &p->w[k];
    w->pool = p;
    if (k == 0) { /* the job's own analyzer and aggregate */
      w->an = j->an;
      w->agg = j->agg;
    } else if (vb_analyzer_new(j->m, &w->an) || vb_agg_new_with(j->m, &j->ao, &w->agg)) {
      return EXIT_INTERNAL;
    }
  }
  /* The main thread is worker 0 (pool_write_one): with as many threads as workers, it would
   * be a third thread on two cores, and the scheduler's switches between three threads cost
   * more than its reading does (measured: HACKING.md) */
  for (int k = 1; k < p->n_workers; k++) {
    if (pthread_create(&p->w[k].thread, NULL, worker_main, &p->w[k])) return EXIT_INTERNAL;
    p->w[k].started = true;
  }
  return EXIT_OK;
}

/* Writes out the oldest batch in flight once it is done. Until it is, the main thread runs a
 * batch that no worker has taken yet, as worker 0, rather than wait. */
static int pool_write_one(pool *p) {
  job *j = p->j;
  batch *b = &p->b[p->written % p->n_batches];
  if (p->n_workers > 1) {
    pthread_mutex_lock(&p->mu);
    while (!b->done) {
      if (p->taken == p->filled) {
        pthread_cond_wait(&p->done, &p->mu);
        continue;
      }
      batch *mine = &p->b[p->taken++ % p->n_batches];
      pthread_mutex_unlock(&p->mu);
      batch_run(&p->w[0], mine);
      pthread_mutex_lock(&p->mu);
      mine->done = true;
    }
    pthread_mutex_unlock(&p->mu);
  }
  int status = b->status;
  if (status == EXIT_OK && j->qdpx) { /* the results coded into the project, record by record */
    const char *line = b->out.p;
    for (size_t i = 0; i < b->n && status == EXIT_OK; i++) {
      const char *nl = memchr(line, '\n', b->out.len - (size_t)(line - b->out.p));
      if (!nl) {
        status = EXIT_INTERNAL;
        break;
      }
      const item *it = &b->items[i];
      status = qdpx_record(j->qdpx, it->has_err ? NULL : b->data + it->text_off, it->text_len,
                           line, (size_t)(nl - line));
      line = nl + 1;
    }
  } else if (status == EXIT_OK && b->out.len) {
    /* a short write leaves the stream's error flag set: out_close reports it */
    (void)fwrite(b->out.p, 1, b->out.len, j->out.fp);
  }
  j->analysed += b->analysed;
  j->errors += b->errors;
  for (int l = 0; l < VB_LANG_COUNT; l++) j->by_lang[l] += b->by_lang[l];
  b->n = b->len = b->analysed = b->errors = 0;
  memset(b->by_lang, 0, sizeof b->by_lang);
  b->status = EXIT_OK;
  b->done = false;
  b->out.len = 0; /* its memory is kept for the next batch */
  p->written++;
  return status;
}

/* Hands the batch being filled to the workers (or runs it, with one worker). */
static int pool_submit(pool *p) {
  batch *b = &p->b[p->filled % p->n_batches];
  if (b->n == 0) return EXIT_OK;
  if (p->n_workers == 1) {
    batch_run(&p->w[0], b);
    p->filled++;
    return pool_write_one(p);
  }
  pthread_mutex_lock(&p->mu);
  p->filled++;
  pthread_cond_signal(&p->work);
  pthread_mutex_unlock(&p->mu);
  /* the next batch to fill must be free: write out the oldest if the ring is full */
  if (p->filled - p->written >= p->n_batches) return pool_write_one(p);
  return EXIT_OK;
}

/* The batch to add a record to. */
static batch *pool_current(pool *p) { return &p->b[p->filled % p->n_batches]; }

static int pool_add(pool *p, const char *id, size_t idlen, const char *text, size_t tlen,
                    const char *err_text, const agg_vals *av, long line,
                    const char *file, const vb_run_options *ro, const obuf *extra,
                    const text_src *ts, bool no_agg) {
  batch *b = pool_current(p);
  if (b->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    item *v = realloc(b->items, cap * sizeof *v);
    if (!v) return EXIT_INTERNAL;
    b->items = v;
    b->cap = cap;
  }
  item *it = &b->items[b->n];
  if (batch_put(b, id, idlen, &it->id_off) || batch_put(b, text, text ? tlen : 0, &it->text_off))
    return EXIT_INTERNAL;
  it->id_len = idlen;
  it->text_len = text ? tlen : 0;
  it->extra_len = extra ? extra->len : 0;
  if (batch_put(b, extra ? extra->p : "", it->extra_len, &it->extra_off)) return EXIT_INTERNAL;
  it->n_parts = it->parts_off = 0;
  if (ts) { /* several --text fields (most records have one: nothing to keep) */
    part parts[OPT_MAX_REPEAT];
    for (int k = 0; k < ts->n; k++)
      if (ts->present[k]) parts[it->n_parts++] = (part){(size_t)k, ts->start[k], ts->end[k]};
    if (batch_put(b, (const char *)parts, it->n_parts * sizeof *parts, &it->parts_off))
      return EXIT_INTERNAL;
  }
  it->no_agg = no_agg;
  it->has_err = err_text != NULL;
  it->err_off = it->err_len = 0;
  if (err_text) {
    it->err_len = strlen(err_text);
    if (batch_put(b, err_text, it->err_len, &it->err_off)) return EXIT_INTERNAL;
  }
  it->line = line;
  it->file = file;
  it->ro = *ro;
  it->seg_off = 0;
  if (p->keep_agg && av) { /* av is read whenever an aggregate is kept */
    it->av = *av;
    if (av->seg && batch_put(b, av->seg, av->seg_len, &it->seg_off)) return EXIT_INTERNAL;
  }
  b->n++;
  if (b->n >= BATCH_RECORDS || b->len >= BATCH_BYTES) return pool_submit(p);
  return EXIT_OK;
}

/* Writes out everything in flight, stops the workers and merges their aggregates. */
static int pool_finish(job *j) {
  pool *p = j->pool;
  if (!p) return EXIT_OK;
  int status = EXIT_OK;
  if (p->w && p->b) {
    int rc = pool_submit(p);
    if (rc) status = rc;
    while (p->written < p->filled) {
      rc = pool_write_one(p);
      if (rc && !status) status = rc;
    }
  }
  if (p->w) {
    pthread_mutex_lock(&p->mu);
    p->closing = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (int k = 0; k < p->n_workers; k++) {
      worker *w = &p->w[k];
      if (w->started) pthread_join(w->thread, NULL);
      if (k == 0) continue;
      if (w->agg && status == EXIT_OK && vb_agg_merge(j->agg, w->agg)) status = EXIT_INTERNAL;
      vb_agg_free(w->agg);
      vb_analyzer_free(w->an);
    }
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
  }
  for (size_t k = 0; p->b && k < p->n_batches; k++) {
    obuf_free(&p->b[k].out);
    free(p->b[k].items);
    free(p->b[k].data);
  }
  free(p->b);
  free(p->w);
  obuf_free(&p->themes.json);
  obuf_free(&p->themes.lang);
  free(p->themes.at);
  free(p);
  j->pool = NULL;
  return status;
}

/* The input has nothing more for now (a pipe or terminal): the records read so far are
 * analysed and their results written out, so that a stream of mentions gets each result when
 * its record has arrived, not when a batch is full or the input ends. */
static void on_wait(void *ctx) {
  job *j = ctx;
  pool *p = j->pool;
  if (!p || j->wait_status) return;
  int rc = pool_submit(p);
  while (!rc && p->written < p->filled) rc = pool_write_one(p);
  if (rc) j->wait_status = rc;
  else if (j->annotate) fflush(j->out.fp);
}

/* Whether the start of a file read as plain text looks like an interview transcript: lines
 * that begin "LABEL: " with a short label, at least two labels each on two lines or more, or
 * a "## " header line among such lines. The file is read back from its start. */
static bool looks_like_transcript(FILE *fp) {
  char buf[4096];
  size_t n = fread(buf, 1, sizeof buf - 1, fp);
  rewind(fp);
  buf[n] = '\0';
  char labels[16][24];
  int count[16] = {0}, n_labels = 0, turns = 0, headers = 0;
  for (char *line = buf, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    else if (line + strlen(line) == buf + n && n == sizeof buf - 1) break; /* cut */
    if (!strncmp(line, "## ", 3)) headers++;
    char *colon = strstr(line, ": ");
    size_t len = colon ? (size_t)(colon - line) : 0;
    if (!len || len >= sizeof labels[0] || line[0] == ' ') continue;
    const char *punct = strpbrk(line, "\",.?!");
    if (punct && punct < colon) continue; /* ("Well, honestly: ...") */
    turns++;
    int k = 0;
    while (k < n_labels && (strlen(labels[k]) != len || memcmp(labels[k], line, len))) k++;
    if (k == n_labels && n_labels < 16) {
      memcpy(labels[k], line, len);
      labels[k][len] = '\0';
      n_labels++;
    }
    if (k < 16) count[k]++;
  }
  int repeated = 0;
  for (int k = 0; k < n_labels; k++) repeated += count[k] >= 2;
  return turns >= 4 && (repeated >= 2 || (headers && repeated >= 1));
}

/* annotate --format qdpx: the record's other fields (every column but the text, the id and
 * the language; a JSONL record's top-level values; a transcript interview's own fields), for
 * the project's variables, as "fields": [[NAME, VALUE], ...] after the result's own (qdpx.c
 * reads them; the JSONL of annotate does not have them). With --redact the values are
 * redacted like the text. */
static int qdpx_fields(job *j, vb_reader *rd, obuf *extra, char **keep) {
  const opts *o = &j->o;
  const vb_field *f;
  size_t n;
  if (vb_reader_record_fields(rd, &f, &n)) {
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  bool any = false;
  for (size_t i = 0; i < n; i++) {
    bool is_text = !strcasecmp(f[i].name, o->text);
    for (int k = 1; k < o->n_texts && !is_text; k++) is_text = !strcasecmp(f[i].name, o->texts[k]);
    if (is_text || (o->id && !strcasecmp(f[i].name, o->id)) ||
        (o->lang_col && !strcasecmp(f[i].name, o->lang_col)))
      continue;
    const char *v = f[i].value;
    size_t vl = f[i].value_len;
    if (o->redact && redact_text(j->m, NULL, NULL, keep, &v, &vl, &j->redacted)) {
      msg("out of memory");
      return EXIT_INTERNAL;
    }
    obuf_str(extra, any ? ", [" : ", \"fields\": [[");
    obuf_json_str(extra, f[i].name, f[i].name_len);
    obuf_str(extra, ", ");
    obuf_json_str(extra, v, vl);
    obuf_str(extra, "]");
    any = true;
  }
  if (any) obuf_str(extra, "]");
  if (extra->failed) {
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  return EXIT_OK;
}

/* One input: a file or standard input. */
static int run_input(job *j, const char *path) {
  const opts *o = &j->o;
  bool is_stdin = !strcmp(path, "-");
  FILE *fp = is_stdin ? stdin : fopen(path, "rb");
  const char *name = is_stdin ? "<stdin>" : path;
  j->cur_in = fp;
  if (!fp) {
    fprintf(stderr, "%s:1:1: cannot open the file: %s\n", path, strerror(errno));
    j->problems++;
    return EXIT_BADINPUT;
  }
  vb_reader_options ropt;
  reader_options(o, path, &ropt);
  if (!o->input_format && !is_stdin && vb_format_from_name(path) == VB_FORMAT_AUTO) {
    msg("%s: cannot tell the format from the name; give --input-format "
        "csv|tsv|jsonl|txt|transcript", path);
    if (!is_stdin) fclose(fp);
    return EXIT_USAGE;
  }
  /* an interview read as plain text scores the interviewer's questions as answers: say so */
  if (!is_stdin && !o->input_format && !o->quiet && ropt.format == VB_FORMAT_AUTO &&
      vb_format_from_name(path) == VB_FORMAT_TXT && looks_like_transcript(fp))
    msg("%s looks like an interview transcript (speaker turns such as 'I: ...', 'R: ...'); "
        "it is read as plain text, a record a line, the interviewer's lines too. "
        "--input-format transcript reads it by turns and keeps the interviewer's out of the "
        "tables", path);
  vb_reader *rd;
  vb_error e = {0};
  int rc = vb_reader_new(fp, &ropt, on_problem, j, &rd, &e);
  if (rc) {
    msg_error(&e);
    if (!is_stdin) fclose(fp);
    j->problems++;
    return rc == VB_ENOMEM ? EXIT_INTERNAL : rc == VB_EINVAL ? EXIT_USAGE : EXIT_BADINPUT;
  }
  vb_reader_on_wait(rd, on_wait, j);
  text_src ts;
  if ((rc = text_src_open(&ts, o, rd, &e))) {
    if (rc == EXIT_BADINPUT) {
      msg_error(&e);
      j->problems++;
    }
    text_src_free(&ts);
    vb_reader_free(rd);
    if (!is_stdin) fclose(fp);
    return rc;
  }
  int h_id = -1, h_lang = -1;
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
  }
  /* transcripts: the turn's fields, written after the id; the interviewer's turns are kept
   * out of the aggregate */
  enum { TR_INTERVIEW, TR_SPEAKER, TR_ROLE, TR_TURN, TR_TURNS, TR_TIME, TR_RESPONDENT, TR_N };
  static const char *const tr_names[TR_N] = {"interview", "speaker", "role", "turn", "turns",
                                              "time", "respondent"};
  int h_tr[TR_N];
  bool transcript = vb_reader_format(rd) == VB_FORMAT_TRANSCRIPT;
  for (int k = 0; k < TR_N; k++) h_tr[k] = transcript ? vb_reader_field(rd, tr_names[k], NULL) : -1;
  speakers_fields(&j->speakers, rd, o->redact);
  if (j->qdpx) vb_reader_keep_fields(rd); /* (qdpx_fields) */
  j->tr_last_len = SIZE_MAX; /* (each file's first interview counts, whatever its id) */
  obuf extra = {0};
  obuf aliased_id = {0}, aliased_field = {0}; /* --redact: the respondent's id and field */
  char *redacted_field = NULL; /* and a field's, for the qdpx project's variables */
  agg_fields af; /* scores, segment, date, drivers */
  if ((rc = agg_input_open(j, rd, &af))) {
    text_src_free(&ts);
    vb_reader_free(rd);
    if (!is_stdin) fclose(fp);
    return rc;
  }
  bool agg_any = j->n_sc || af.by >= 0 || af.date >= 0 || o->n_driver_cols;
  const vb_record *rec = NULL;
  char idbuf[32];
  int status = EXIT_OK;
  size_t first = j->records;
  size_t problems_before = j->problems;
  while ((rc = vb_reader_next(rd, &rec)) == 1) {
    if (j->wait_status) {
      msg("out of memory");
      status = EXIT_INTERNAL;
      break;
    }
    j->records++;
    size_t tlen = 0, idlen = 0;
    const char *text;
    if (text_src_get(&ts, rd, o->redact ? j->m : NULL, &j->speakers, &j->redacted, &text,
                     &tlen)) {
      msg("out of memory");
      status = EXIT_INTERNAL;
      break;
    }
    const char *id = record_id(rd, h_id, j->records, idbuf, &idlen);
    /* --redact: a transcript's speaker labels (names, often) become "Speaker N", in the
     * respondent's field and id ("interview/label") too */
    char alias[32] = "";
    size_t alias_n = 0;
    if (o->redact &&
        (status = speaker_record(&j->speakers, rd, &id, &idlen, &aliased_id, alias, &alias_n)))
      break;
    j->bytes += tlen;
    /* scores, segment, date, drivers: read when there are any, or when the aggregate wants
     * the record's values (all zero without them) */
    agg_vals av, *avp = NULL; /* read only when something uses it (its 416 bytes) */
    if (agg_any || j->pool->keep_agg) {
      if ((status = agg_input_read(j, rd, &af, name, rec->line, &av))) break;
      avp = &av;
    }
    /* the record's language */
    vb_run_options ro = j->ro;
    char code[8];
    if (!record_lang(rd, h_lang, &ro.lang, code))
      job_problem(j, name, rec->line, "unknown language code '%s'; identified instead", code);
    const char *err_text = NULL;
    if (rec->error) err_text = rec->error_msg[0] ? rec->error_msg : vb_strerror(rec->error);
    else if (!text && vb_reader_format(rd) == VB_FORMAT_JSONL) {
      char names[256];
      text_src_names(o, names, sizeof names);
      job_problem(j, name, rec->line, o->n_texts > 1 ? "none of the fields %s is in this record"
                                                   : "no field %s in this record", names);
      err_text = "no text field";
    } else if (o->strict && rec->n_invalid_utf8) {
      err_text = "invalid UTF-8 (--strict)";
    }
    bool no_agg = false;
    extra.len = 0;
    if (o->redact && text && j->annotate && !j->tsv && !j->qdpx) {
      /* the text the spans point into: the redacted one, which the user does not have */
      obuf_str(&extra, ", \"text\": ");
      obuf_json_str(&extra, text, tlen);
    }
    if (transcript) {
      no_agg = is_interviewer(rd, h_tr[TR_ROLE]);
      if (no_agg) j->tr_interviewer++;
      else j->tr_respondent++;
      size_t n;
      const char *v = vb_reader_get(rd, h_tr[TR_INTERVIEW], &n);
      size_t keep = n < sizeof j->tr_last ? n : sizeof j->tr_last;
      if (v && (n != j->tr_last_len || memcmp(v, j->tr_last, keep))) { /* the next interview */
        j->tr_interviews++;
        j->tr_last_len = n;
        memcpy(j->tr_last, v, keep);
      }
      for (int k = 0; k < TR_N && j->annotate && !j->tsv; k++) {
        if (k == TR_TURNS && o->unit == VB_UNIT_TURN) continue;
        if (!(v = vb_reader_get(rd, h_tr[k], &n))) continue;
        obuf_str(&extra, ", \"");
        obuf_str(&extra, tr_names[k]);
        obuf_str(&extra, "\": ");
        if (k == TR_TURN || k == TR_TURNS) obuf_put(&extra, v, n);
        else if (alias_n && k == TR_SPEAKER) obuf_json_str(&extra, alias, alias_n);
        else if (alias_n && k == TR_RESPONDENT &&
                 speaker_id(&j->speakers, rd, v, n, alias, alias_n, &aliased_field))
          obuf_json_str(&extra, aliased_field.p, aliased_field.len);
        else obuf_json_str(&extra, v, n);
      }
      if (extra.failed) {
        msg("out of memory");
        status = EXIT_INTERNAL;
        break;
      }
    }
    if (j->qdpx && (status = qdpx_fields(j, rd, &extra, &redacted_field))) break;
    /* several questions in one text: where each answer lies in it (its sentiment in JSONL,
     * the table per question of an aggregate) */
    bool parts = ts.n > 1 && text && (j->annotate || j->pool->keep_agg);
    int prc = pool_add(j->pool, id, idlen, text, tlen, err_text, avp, rec->line, name, &ro,
                       &extra, parts ? &ts : NULL, no_agg);
    if (prc) {
      msg("out of memory");
      status = EXIT_INTERNAL;
      break;
    }
    if (j->problems != problems_before) j->with_problems++;
    problems_before = j->problems;
    if ((j->records & 1023) == 0) progress(j, false);
  }
  if (j->wait_status && status == EXIT_OK) {
    msg("out of memory");
    status = EXIT_INTERNAL;
  }
  if (rc < 0 && status == EXIT_OK) {
    msg("%s: read error after line %ld", name, rec ? rec->line_end : 0L);
    j->problems++;
    status = EXIT_BADINPUT;
  }
  if (status == EXIT_OK && j->records == first) {
    /* A file with a header and nothing else holds nothing to analyse: say so. */
    job_problem(j, name, 1, "no records in the input%s",
               vb_reader_format(rd) == VB_FORMAT_CSV || vb_reader_format(rd) == VB_FORMAT_TSV
                   ? " after the header" : "");
    status = EXIT_BADINPUT;
  }
  obuf_free(&extra);
  obuf_free(&aliased_id);
  obuf_free(&aliased_field);
  vb_free(redacted_field);
  text_src_free(&ts);
  vb_reader_free(rd);
  if (!is_stdin) fclose(fp);
  return status;
}

int job_run(job *j) {
  /* the inputs' total size, for the progress line (unknown when one is not a regular file) */
  for (int i = 0; i < j->o.n_files; i++) {
    struct stat sb;
    if (strcmp(j->o.files[i], "-") == 0 || stat(j->o.files[i], &sb) || !S_ISREG(sb.st_mode)) {
      j->in_total = 0;
      break;
    }
    j->in_total += (double)sb.st_size;
  }
  int status = pool_start(j);
  if (status) {
    pool_finish(j);
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  const char *stdin_only[] = {"-"};
  const char *const *files = j->o.n_files ? j->o.files : stdin_only;
  int n = j->o.n_files ? j->o.n_files : 1;
  for (int i = 0; i < n; i++) {
    int rc = run_input(j, files[i]);
    struct stat sb;
    if (strcmp(files[i], "-") != 0 && stat(files[i], &sb) == 0) j->in_done += (double)sb.st_size;
    j->cur_in = NULL;
    if (rc == EXIT_INTERNAL || rc == EXIT_USAGE) {
      pool_finish(j);
      return rc;
    }
    if (rc && !status) status = rc;
  }
  if (pool_finish(j)) {
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  progress(j, true);
  return status;
}

int job_finish_scores(job *j) {
  agg_input_finish(j);
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
  if (j->tr_interviews) {
    if (j->o.unit == VB_UNIT_RESPONDENT)
      fprintf(stderr, "; transcripts: %zu interview%s, %zu respondent%s (a record each: their "
              "turns joined, the interviewer's left out; --unit turn for one record a turn)",
              j->tr_interviews, j->tr_interviews == 1 ? "" : "s", j->tr_respondent,
              j->tr_respondent == 1 ? "" : "s");
    else
      fprintf(stderr, "; transcripts: %zu interview%s, %zu respondent turn%s, %zu interviewer "
              "turn%s%s", j->tr_interviews, j->tr_interviews == 1 ? "" : "s", j->tr_respondent,
              j->tr_respondent == 1 ? "" : "s", j->tr_interviewer,
              j->tr_interviewer == 1 ? "" : "s",
              j->annotate && !j->o.state ? "" : " (left out of the table)");
  }
  if (j->o.redact) fprintf(stderr, "; redacted: %zu e-mail addresses, URLs, handles, long "
                              "numbers and names", j->redacted);
  agg_input_summary(j);
  if (j->problems) fprintf(stderr, "; %zu problems in all (above)", j->problems);
  fputc('\n', stderr);
  /* texts too short to tell ("Overall fine.", "meh") are scored neutral, with no themes: say
   * how to score them, with the run's most common language as the example */
  size_t und = j->by_lang[VB_LANG_UND];
  if (und && j->ro.lang == VB_LANG_UND && j->ro.lang_default == VB_LANG_UND) {
    vb_lang top = VB_LANG_UND;
    for (size_t k = 0; k + 1 < sizeof order / sizeof order[0]; k++)
      if (j->by_lang[order[k]] > (top == VB_LANG_UND ? 0 : j->by_lang[top])) top = order[k];
    if (top != VB_LANG_UND)
      fprintf(stderr, "%s: %zu %s too short or too mixed to tell the language (und) %s "
              "scored neutral, with no themes; --lang-default %s scores %s as %s, this run's "
              "most common language\n", progname, und, und == 1 ? "record" : "records",
              und == 1 ? "is" : "are", vb_lang_code(top), und == 1 ? "it" : "them",
              vb_lang_code(top));
  }
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
                     "text id lang lang-col lang-default input-format encoding delimiter format "
                     "output score score-type state codebook brands lexicon data max-field strict "
                     "quiet jobs no-default-codebook explain by date period driver drivers "
                     "interviewer unit redact names");
  if (rc == EXIT_OK && j.o.explain) j.ro.flags |= VB_RUN_EXPLAIN;
  if (rc == EXIT_OK && j.o.explain && j.o.format && strcmp(j.o.format, "jsonl")) {
    msg("annotate: --explain needs the jsonl format");
    rc = EXIT_USAGE;
  }
  if (rc == EXIT_OK && j.o.format && strcmp(j.o.format, "jsonl") && strcmp(j.o.format, "tsv") &&
      strcmp(j.o.format, "qdpx")) {
    msg("annotate: --format takes jsonl, tsv or qdpx");
    rc = EXIT_USAGE;
  }
  bool want_qdpx = rc == EXIT_OK && j.o.format && !strcmp(j.o.format, "qdpx");
  if (want_qdpx && (!j.o.output || !strcmp(j.o.output, "-"))) {
    msg("annotate: --format qdpx writes a zip archive (a REFI-QDA project): give -o FILE.qdpx");
    rc = EXIT_USAGE;
  }
  if (want_qdpx && j.o.explain) {
    msg("annotate: --explain needs the jsonl format");
    rc = EXIT_USAGE;
  }
  if (want_qdpx && rc == EXIT_OK &&
      qdpx_new(j.m, j.o.texts, j.o.n_texts > 1 ? (size_t)j.o.n_texts : 0, &j.qdpx))
    rc = EXIT_INTERNAL;
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
  if (j.tsv) { /* the contract's five columns; each answer's score and label after them */
    fputs("id\tlang\tscore\tlabel\tthemes", j.out.fp);
    for (int k = 0; j.o.n_texts > 1 && k < j.o.n_texts; k++) {
      for (int c = 0; c < 2; c++) {
        fputc('\t', j.out.fp);
        for (const char *q = j.o.texts[k]; *q; q++) /* a header cell holds no TAB or newline */
          fputc(*q == '\t' || *q == '\n' || *q == '\r' ? ' ' : *q, j.out.fp);
        fputs(c ? "_label" : "_score", j.out.fp);
      }
    }
    fputc('\n', j.out.fp);
  }
  int status = job_run(&j);
  if (j.qdpx && (status == EXIT_OK || status == EXIT_BADINPUT)) {
    const char *slash = strrchr(j.o.output, '/'), *base = slash ? slash + 1 : j.o.output;
    char name[256];
    snprintf(name, sizeof name, "%s", base);
    char *dot = strrchr(name, '.');
    if (dot && dot != name) *dot = '\0';
    int qrc = qdpx_finish(j.qdpx, name, j.out.fp);
    if (qrc) status = qrc;
  }
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
