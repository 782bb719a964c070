/*
 * bench.c - the verbatim benchmark driver (vb_bench).
 *
 * What it does
 * ------------
 * 1. Generates a deterministic JSONL corpus at run time (never committed) by recombining the
 *    sentences and clauses of the team's sample files, corpora/<lang>/survey.jsonl, with a
 *    fixed-seed PRNG. Every generated record takes its NPS, channel and date from one source
 *    record, and its sentences from that record and from other records with the same NPS,
 *    so that text and score still go together the way they do in the samples.
 * 2. Measures, for each language asked for:
 *      library   vb_reader + vb_analyzer_run over the file, one thread, automatic language
 *                (what the CLI does by default)
 *      annotate  `verbatim annotate FILE --quiet > /dev/null` as a child process (also with
 *                -j 2, and with --no-default-codebook: sentiment alone, issue 4's measurement)
 *      analyze   `verbatim analyze FILE --score nps --quiet > /dev/null` as a child process
 *      read      vb_reader alone over the file (the floor under the three above)
 *      tokens    VB_RUN_TOKENS_ONLY on the texts held in memory, language given
 *      full      full analysis on the texts in memory, language given
 *      auto      full analysis on the texts in memory, language identified
 *      load      vb_model_load() with the built-in data, median of 5
 *      load-j2   the same with vb_model_options.parallel on two threads (as the CLI with -j 2)
 * 3. Prints one Markdown table row per measurement (best of --runs runs), then notes: what
 *    the analyses found (languages identified, tokens and theme mentions per record) and how
 *    busy the machine was meanwhile with other processes (from /proc/stat), because on a
 *    shared machine that, more than anything in the code, moves the wall-clock numbers.
 *    Each row also gives the CPU time of its run, which waiting for a CPU does not inflate.
 *
 * Every measurement runs in a fresh process (this program re-executed with the internal
 * option --child, or the verbatim binary), so that the peak RSS reported by wait4() belongs
 * to that measurement alone and nothing is shared between measurements (heap state, caches).
 * The timed section of a --child process excludes its own start-up and, for the in-memory
 * stages, the loading of the texts; the peak RSS of an in-memory stage therefore includes
 * the texts themselves (about "input MB"). CLI rows are timed from fork to wait4 and so
 * include process start-up and model loading.
 *
 * Units: sizes given to --size take K, M, G as powers of 1000; MB in the table is 10^6 bytes.
 * "input MB" is the file size for rows that read the file, the sum of the texts' bytes for
 * the in-memory stages.
 *
 * Uses include/verbatim.h only.
 */
#define _DEFAULT_SOURCE /* wait4, realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "verbatim.h"

/* ---------------------------------------------------------------------------------------- */
/* Small utilities                                                                          */
/* ---------------------------------------------------------------------------------------- */

static void die(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("vb_bench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) die("out of memory");
  return q;
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = xrealloc(NULL, n);
  memcpy(d, s, n);
  return d;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process (user + system). On a shared machine wall time also counts the
 * time spent waiting for a CPU; CPU time does not, so both are reported. */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A growable byte buffer. */
typedef struct buf {
  char *p;
  size_t n, cap;
} buf;

static void buf_add(buf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (b->n + n + 1 > cap) cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static void buf_adds(buf *b, const char *s) { buf_add(b, s, strlen(s)); }

/* splitmix64 seeds xoshiro256**, the generator behind every random choice. Both are fully
 * specified integer recurrences, so the corpus is the same on every platform and libc. */
typedef struct rng {
  uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

static void rng_seed(rng *r, uint64_t seed) {
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&seed);
}

/* Uniform in [0, n) (n > 0); the modulo bias is below 2^-40 for the pool sizes used here. */
static size_t rng_below(rng *r, size_t n) { return (size_t)(rng_next(r) % (uint64_t)n); }

/* Uniform in [0, 1). */
static double rng_unit(rng *r) { return (double)(rng_next(r) >> 11) / 9007199254740992.0; }

/* Parses 100M, 1G, 250k, 123456 (K, M, G: powers of 1000). Returns 0 on a bad size. */
static uint64_t parse_size(const char *s) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || v <= 0) return 0;
  uint64_t mul = 1;
  if (*end == 'k' || *end == 'K') mul = 1000ULL, end++;
  else if (*end == 'm' || *end == 'M') mul = 1000000ULL, end++;
  else if (*end == 'g' || *end == 'G') mul = 1000000000ULL, end++;
  if (*end == 'B' || *end == 'b') end++;
  if (*end) return 0;
  return (uint64_t)(v * (double)mul);
}

static uint64_t file_size(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return 0;
  return (uint64_t)st.st_size;
}

/* Problems met by a vb_reader are printed, at most 20 per reader. */
static void on_problem(void *ctx, int severity, const vb_error *e) {
  int *count = ctx;
  if ((*count)++ < 20)
    fprintf(stderr, "vb_bench: %s:%ld:%ld: %s%s\n", e->file, e->line, e->column,
            severity == VB_PROBLEM_ERROR ? "" : "warning: ", e->message);
}

/* Opens a JSONL reader on `path`; dies with the library's message on failure. */
static vb_reader *open_reader(const char *path, FILE **fp, int *problems) {
  *fp = fopen(path, "rb");
  if (!*fp) die("cannot open %s: %s", path, strerror(errno));
  vb_reader_options ro = {0};
  ro.format = VB_FORMAT_JSONL;
  ro.name = path;
  vb_reader *rd;
  vb_error e = {0};
  int rc = vb_reader_new(*fp, &ro, on_problem, problems, &rd, &e);
  if (rc) die("%s:%ld: %s (%s)", path, e.line, e.message, vb_strerror(rc));
  return rd;
}

static int reader_field(vb_reader *rd, const char *name) {
  vb_error e = {0};
  int h = vb_reader_field(rd, name, &e);
  if (h < 0) die("field '%s': %s", name, e.message[0] ? e.message : vb_strerror(h));
  return h;
}

/* ---------------------------------------------------------------------------------------- */
/* The corpus generator                                                                     */
/* ---------------------------------------------------------------------------------------- */

static const char *const all_langs[] = {"en", "sv", "da", "he"};
enum { N_LANGS = 4, N_BUCKETS = 12 }; /* NPS 0..10, and 11 for a missing score */

/* One source record: its metadata and the range of its sentences in the language pool. */
typedef struct src_rec {
  char *date, *channel;
  int nps; /* 0..10, or -1 for null */
  size_t sent_begin, sent_end;
} src_rec;

/* Sentences and clauses of one language. A "head" is the first clause of a sentence that
 * has several (ending before its first comma), a "tail" is what follows that comma. */
typedef struct pool {
  src_rec *recs;
  size_t n_recs;
  char **sents;
  size_t n_sents;
  size_t *by_bucket[N_BUCKETS]; /* sentence indices per NPS bucket */
  size_t n_by_bucket[N_BUCKETS];
  char **heads[N_BUCKETS], **tails[N_BUCKETS];
  size_t n_heads[N_BUCKETS], n_tails[N_BUCKETS];
} pool;

static int bucket_of(int nps) { return nps < 0 ? 11 : nps; }

static void push_str(char ***arr, size_t *n, char *s) {
  *arr = xrealloc(*arr, (*n + 1) * sizeof **arr);
  (*arr)[(*n)++] = s;
}

static char *dup_range(const char *s, size_t n) {
  char *d = xrealloc(NULL, n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Splits a text into sentences: after a run of . ! ? (or the ellipsis U+2026) followed by
 * white space, and at every line break. Each piece is trimmed; empty pieces are dropped. */
static void split_sentences(pool *p, const char *t, size_t n) {
  size_t i = 0;
  while (i < n) {
    while (i < n && is_blank(t[i])) i++;
    if (i >= n) break;
    size_t start = i, end = n;
    while (i < n) {
      if (t[i] == '\n' || t[i] == '\r') {
        end = i;
        break;
      }
      bool stop = t[i] == '.' || t[i] == '!' || t[i] == '?';
      size_t adv = 1;
      if ((unsigned char)t[i] == 0xE2 && i + 2 < n && (unsigned char)t[i + 1] == 0x80 &&
          (unsigned char)t[i + 2] == 0xA6) {
        stop = true;
        adv = 3;
      }
      i += adv;
      if (stop) {
        while (i < n && (t[i] == '.' || t[i] == '!' || t[i] == '?')) i++;
        if (i >= n || t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r') {
          end = i;
          break;
        }
      }
    }
    if (i >= n && end > n) end = n;
    size_t e = end;
    while (e > start && is_blank(t[e - 1])) e--;
    if (e > start) push_str(&p->sents, &p->n_sents, dup_range(t + start, e - start));
    i = end;
  }
}

/* Reads corpora/<lang>/survey.jsonl into a pool. */
static void pool_load(pool *p, const char *corpora, const char *lang) {
  memset(p, 0, sizeof *p);
  char path[PATH_MAX + 32];
  if ((size_t)snprintf(path, sizeof path, "%s/%s/survey.jsonl", corpora, lang) >= sizeof path)
    die("path too long: %s", corpora);
  FILE *fp;
  int problems = 0;
  vb_reader *rd = open_reader(path, &fp, &problems);
  int h_text = reader_field(rd, "text"), h_nps = reader_field(rd, "nps");
  int h_date = reader_field(rd, "date"), h_channel = reader_field(rd, "channel");
  const vb_record *rec;
  int rc;
  while ((rc = vb_reader_next(rd, &rec)) == 1) {
    if (rec->error) continue;
    size_t tl = 0, nl = 0, dl = 0, cl = 0;
    const char *text = vb_reader_get(rd, h_text, &tl);
    const char *nps = vb_reader_get(rd, h_nps, &nl);
    const char *date = vb_reader_get(rd, h_date, &dl);
    const char *channel = vb_reader_get(rd, h_channel, &cl);
    src_rec r;
    r.nps = -1;
    double v;
    if (nps && vb_parse_number(nps, nl, &v) == VB_OK && v >= 0 && v <= 10 && v == (int)v)
      r.nps = (int)v;
    r.date = date ? dup_range(date, dl) : xstrdup("2026-01-01");
    r.channel = channel ? dup_range(channel, cl) : xstrdup("web");
    r.sent_begin = p->n_sents;
    if (text) split_sentences(p, text, tl);
    r.sent_end = p->n_sents;
    p->recs = xrealloc(p->recs, (p->n_recs + 1) * sizeof *p->recs);
    p->recs[p->n_recs++] = r;
  }
  if (rc < 0) die("%s: read error", path);
  vb_reader_free(rd);
  fclose(fp);
  if (p->n_recs == 0 || p->n_sents == 0) die("%s: no usable records", path);

  /* Index the sentences and clauses by the NPS bucket of the record they came from. */
  for (size_t k = 0; k < p->n_recs; k++) {
    int b = bucket_of(p->recs[k].nps);
    for (size_t s = p->recs[k].sent_begin; s < p->recs[k].sent_end; s++) {
      p->by_bucket[b] = xrealloc(p->by_bucket[b], (p->n_by_bucket[b] + 1) * sizeof(size_t));
      p->by_bucket[b][p->n_by_bucket[b]++] = s;
      const char *sent = p->sents[s];
      const char *comma = strstr(sent, ", ");
      if (comma && comma > sent && comma[2]) {
        push_str(&p->heads[b], &p->n_heads[b], dup_range(sent, (size_t)(comma - sent)));
        push_str(&p->tails[b], &p->n_tails[b], xstrdup(comma + 2));
      }
    }
  }
}

static void pool_free(pool *p) {
  for (size_t k = 0; k < p->n_recs; k++) {
    free(p->recs[k].date);
    free(p->recs[k].channel);
  }
  free(p->recs);
  for (size_t s = 0; s < p->n_sents; s++) free(p->sents[s]);
  free(p->sents);
  for (int b = 0; b < N_BUCKETS; b++) {
    free(p->by_bucket[b]);
    for (size_t k = 0; k < p->n_heads[b]; k++) free(p->heads[b][k]);
    for (size_t k = 0; k < p->n_tails[b]; k++) free(p->tails[b][k]);
    free(p->heads[b]);
    free(p->tails[b]);
  }
}

/* A JSON string: quotes, backslashes and control characters escaped; UTF-8 kept as it is. */
static void json_str(buf *b, const char *s, size_t n) {
  buf_add(b, "\"", 1);
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    buf_add(b, s + run, i - run);
    run = i + 1;
    char esc[8];
    switch (c) {
    case '"': buf_adds(b, "\\\""); break;
    case '\\': buf_adds(b, "\\\\"); break;
    case '\n': buf_adds(b, "\\n"); break;
    case '\t': buf_adds(b, "\\t"); break;
    case '\r': buf_adds(b, "\\r"); break;
    default:
      snprintf(esc, sizeof esc, "\\u%04x", c);
      buf_adds(b, esc);
    }
  }
  buf_add(b, s + run, n - run);
  buf_add(b, "\"", 1);
}

/* Builds the text of one generated record from source record `r` of pool `p`: as many
 * sentences as the source had; each is the source's own sentence (half of the time), a
 * sentence of another record with the same NPS, or (one time in five) a new sentence made
 * of the first clause of one such sentence and the rest of another. */
static void make_text(buf *t, const pool *p, const src_rec *r, rng *g) {
  int b = bucket_of(r->nps);
  size_t n = r->sent_end - r->sent_begin;
  t->n = 0;
  for (size_t i = 0; i < n; i++) {
    if (i) buf_add(t, " ", 1);
    double u = rng_unit(g);
    if (u < 0.2 && p->n_heads[b] && p->n_tails[b]) {
      buf_adds(t, p->heads[b][rng_below(g, p->n_heads[b])]);
      buf_add(t, ", ", 2);
      buf_adds(t, p->tails[b][rng_below(g, p->n_tails[b])]);
    } else if (u < 0.6 && p->n_by_bucket[b]) {
      buf_adds(t, p->sents[p->by_bucket[b][rng_below(g, p->n_by_bucket[b])]]);
    } else {
      buf_adds(t, p->sents[r->sent_begin + i]);
    }
  }
}

/* Writes records until the file holds at least `target` bytes. Returns the record count. */
static uint64_t generate(const char *corpora, const char *lang, uint64_t target, uint64_t seed,
                         const char *out_path) {
  bool mix = !strcmp(lang, "mix");
  pool pools[N_LANGS];
  int pool_lang[N_LANGS];
  int n_pools = 0;
  for (int k = 0; k < N_LANGS; k++)
    if (mix || !strcmp(lang, all_langs[k])) {
      pool_load(&pools[n_pools], corpora, all_langs[k]);
      pool_lang[n_pools++] = k;
    }
  if (!n_pools) die("unknown language '%s' (en, sv, da, he or mix)", lang);

  char tmp[PATH_MAX + 128];
  snprintf(tmp, sizeof tmp, "%s.partial", out_path);
  FILE *fp = fopen(tmp, "wb");
  if (!fp) die("cannot write %s: %s", tmp, strerror(errno));
  static char iobuf[1 << 20];
  setvbuf(fp, iobuf, _IOFBF, sizeof iobuf);

  rng g;
  rng_seed(&g, seed);
  buf line = {0}, text = {0};
  uint64_t written = 0, n = 0;
  char num[64];
  while (written < target) {
    int pi = n_pools > 1 ? (int)rng_below(&g, (size_t)n_pools) : 0;
    const pool *p = &pools[pi];
    const src_rec *r = &p->recs[rng_below(&g, p->n_recs)];
    make_text(&text, p, r, &g);
    n++;
    line.n = 0;
    snprintf(num, sizeof num, "{\"id\": \"%s-%09llu\", \"nps\": ", all_langs[pool_lang[pi]],
             (unsigned long long)n);
    buf_adds(&line, num);
    if (r->nps >= 0) snprintf(num, sizeof num, "%d", r->nps);
    else snprintf(num, sizeof num, "null");
    buf_adds(&line, num);
    buf_adds(&line, ", \"channel\": ");
    json_str(&line, r->channel, strlen(r->channel));
    buf_adds(&line, ", \"date\": ");
    json_str(&line, r->date, strlen(r->date));
    buf_adds(&line, ", \"text\": ");
    json_str(&line, text.p ? text.p : "", text.n);
    buf_adds(&line, "}\n");
    if (fwrite(line.p, 1, line.n, fp) != line.n) die("write error on %s", tmp);
    written += line.n;
  }
  if (fclose(fp) != 0) die("write error on %s", tmp);
  if (rename(tmp, out_path) != 0) die("cannot rename %s: %s", tmp, strerror(errno));
  free(line.p);
  free(text.p);
  for (int k = 0; k < n_pools; k++) pool_free(&pools[k]);
  return n;
}

static uint64_t count_lines(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) die("cannot open %s: %s", path, strerror(errno));
  static char b[1 << 16];
  size_t k;
  uint64_t n = 0;
  while ((k = fread(b, 1, sizeof b, fp)) > 0)
    for (size_t i = 0; i < k; i++) n += b[i] == '\n';
  fclose(fp);
  return n;
}

/* ---------------------------------------------------------------------------------------- */
/* Child side: one measurement in a fresh process                                           */
/* ---------------------------------------------------------------------------------------- */

/* A child reports on standard output: "ok SECONDS RECORDS BYTES" then free-form "note ..."
 * lines that the parent prints under the table. */

/* vb_model_options.parallel for "load-j2": task i > 0 on a thread of its own (as the CLI). */
typedef struct task_arg {
  void (*run)(void *arg, size_t i);
  void *arg;
  size_t i;
} task_arg;

static void *task_main(void *p) {
  task_arg *t = p;
  t->run(t->arg, t->i);
  return NULL;
}

static void run_tasks(void *ctx, size_t n, void (*run)(void *arg, size_t i), void *arg) {
  (void)ctx;
  pthread_t th[8];
  task_arg ta[8];
  if (n > 8) die("run_tasks: %zu tasks", n);
  for (size_t i = 1; i < n; i++) {
    ta[i] = (task_arg){run, arg, i};
    if (pthread_create(&th[i], NULL, task_main, &ta[i])) die("pthread_create failed");
  }
  if (n) run(arg, 0);
  for (size_t i = 1; i < n; i++) pthread_join(th[i], NULL);
}

static vb_model *load_model_parallel_or_die(bool parallel) {
  vb_model *m;
  vb_error e = {0};
  vb_model_options o = {0};
  if (parallel) o.parallel = run_tasks;
  int rc = vb_model_load(&o, &m, &e);
  if (rc) die("vb_model_load: %s (%s)", e.message, vb_strerror(rc));
  return m;
}

static vb_model *load_model_or_die(void) {
  vb_model *m;
  vb_error e = {0};
  int rc = vb_model_load(NULL, &m, &e);
  if (rc) die("vb_model_load: %s (%s)", e.message, vb_strerror(rc));
  return m;
}

static vb_analyzer *new_analyzer_or_die(const vb_model *m) {
  vb_analyzer *an;
  if (vb_analyzer_new(m, &an)) die("vb_analyzer_new failed");
  return an;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void print_lang_shares(const char *what, const uint64_t *by_lang, uint64_t total) {
  printf("note %s: languages identified:", what);
  for (int l = 0; l < VB_LANG_COUNT; l++)
    if (by_lang[l])
      printf(" %s %.1f%%", vb_lang_code((vb_lang)l), 100.0 * (double)by_lang[l] / (double)total);
  printf("\n");
}

/* The library path, and the reader alone ("read"). */
static int child_file(const char *kind, const char *path) {
  bool analyse = !strcmp(kind, "lib");
  vb_model *m = analyse ? load_model_or_die() : NULL;
  vb_analyzer *an = analyse ? new_analyzer_or_die(m) : NULL;
  vb_run_options ro = {VB_LANG_UND, VB_LANG_UND, 0}; /* as the CLI without --lang */
  uint64_t by_lang[VB_LANG_COUNT] = {0}, records = 0, errors = 0, tokens = 0, mentions = 0;
  uint64_t text_bytes = 0;

  double t0 = now(), c0 = cpu_now();
  FILE *fp;
  int problems = 0;
  vb_reader *rd = open_reader(path, &fp, &problems);
  int h_text = reader_field(rd, "text");
  const vb_record *rec;
  int rc;
  while ((rc = vb_reader_next(rd, &rec)) == 1) {
    records++;
    size_t tl = 0;
    const char *text = vb_reader_get(rd, h_text, &tl);
    text_bytes += tl;
    if (!analyse) continue;
    const vb_result *r;
    if (rec->error || vb_analyzer_run(an, text ? text : "", tl, &ro, &r) != VB_OK) {
      errors++;
      continue;
    }
    by_lang[vb_result_lang(r)]++;
    const vb_token *tk;
    const vb_mention *me;
    tokens += vb_result_tokens(r, &tk);
    mentions += vb_result_mentions(r, &me);
  }
  if (rc < 0) die("%s: read error", path);
  vb_reader_free(rd);
  fclose(fp);
  double secs = now() - t0, cpu = cpu_now() - c0;

  printf("ok %.6f %llu %llu %.6f\n", secs, (unsigned long long)records,
         (unsigned long long)file_size(path), cpu);
  if (analyse) {
    print_lang_shares("library (auto)", by_lang, records);
    printf("note library: %.1f tokens and %.3f theme mentions per record; %llu records not "
           "analysed\n",
           (double)tokens / (double)(records ? records : 1),
           (double)mentions / (double)(records ? records : 1), (unsigned long long)errors);
  } else {
    printf("note read: %llu records, texts %.1f MB of the %.1f MB file; %d reader problems\n",
           (unsigned long long)records, (double)text_bytes / 1e6, (double)file_size(path) / 1e6,
           problems);
  }
  vb_analyzer_free(an);
  vb_model_free(m);
  return 0;
}

/* The texts of a file in memory: one buffer, offsets, and each record's language (from the
 * id prefix the generator writes, else `lang`). */
typedef struct texts {
  char *data;
  size_t *off; /* n + 1 offsets */
  unsigned char *lang;
  size_t n;
} texts;

static void texts_load(texts *t, const char *path, vb_lang lang) {
  FILE *fp;
  int problems = 0;
  vb_reader *rd = open_reader(path, &fp, &problems);
  int h_text = reader_field(rd, "text"), h_id = reader_field(rd, "id");
  buf data = {0};
  size_t cap = 0;
  memset(t, 0, sizeof *t);
  const vb_record *rec;
  int rc;
  while ((rc = vb_reader_next(rd, &rec)) == 1) {
    if (t->n + 2 > cap) {
      cap = cap ? cap * 2 : 4096;
      t->off = xrealloc(t->off, cap * sizeof *t->off);
      t->lang = xrealloc(t->lang, cap);
    }
    size_t tl = 0, il = 0;
    const char *text = vb_reader_get(rd, h_text, &tl);
    const char *id = vb_reader_get(rd, h_id, &il);
    vb_lang l = lang;
    char code[3];
    if (id && il > 3 && id[2] == '-') {
      memcpy(code, id, 2);
      code[2] = '\0';
      vb_lang p;
      if (vb_lang_parse(code, &p) == VB_OK && p != VB_LANG_UND) l = p;
    }
    t->off[t->n] = data.n;
    t->lang[t->n] = (unsigned char)l;
    if (text && !rec->error) buf_add(&data, text, tl);
    t->n++;
  }
  if (rc < 0) die("%s: read error", path);
  if (t->off) t->off[t->n] = data.n;
  vb_reader_free(rd);
  fclose(fp);
  t->data = data.p ? data.p : xstrdup("");
}

/* The in-memory stages: "tokens", "full" (language given) and "auto". */
static int child_memory(const char *kind, const char *path, vb_lang lang) {
  texts t;
  texts_load(&t, path, lang);
  vb_model *m = load_model_or_die();
  vb_analyzer *an = new_analyzer_or_die(m);
  bool given = strcmp(kind, "auto") != 0;
  vb_run_options ro = {VB_LANG_UND, VB_LANG_UND, 0};
  if (!strcmp(kind, "tokens")) ro.flags = VB_RUN_TOKENS_ONLY;
  uint64_t by_lang[VB_LANG_COUNT] = {0}, tokens = 0, errors = 0;
  double t0 = now(), c0 = cpu_now();
  for (size_t i = 0; i < t.n; i++) {
    if (given) ro.lang = (vb_lang)t.lang[i];
    const vb_result *r;
    if (vb_analyzer_run(an, t.data + t.off[i], t.off[i + 1] - t.off[i], &ro, &r) != VB_OK) {
      errors++;
      continue;
    }
    const vb_token *tk;
    tokens += vb_result_tokens(r, &tk);
    by_lang[vb_result_lang(r)]++;
  }
  double secs = now() - t0, cpu = cpu_now() - c0;
  size_t bytes = t.n ? t.off[t.n] : 0;
  printf("ok %.6f %zu %zu %.6f\n", secs, t.n, bytes, cpu);
  if (!strcmp(kind, "auto")) print_lang_shares("auto", by_lang, t.n);
  if (!strcmp(kind, "tokens"))
    printf("note tokens: %.1f tokens per record, %.1f bytes per token; %llu runs failed\n",
           (double)tokens / (double)(t.n ? t.n : 1), (double)bytes / (double)(tokens ? tokens : 1),
           (unsigned long long)errors);
  else if (errors)
    printf("note %s: %llu runs failed\n", kind, (unsigned long long)errors);
  vb_analyzer_free(an);
  vb_model_free(m);
  free(t.data);
  free(t.off);
  free(t.lang);
  return 0;
}

/* The front of the pipeline one stage at a time (stages.c). */
int bench_stage(const char *kind, const char *data, const size_t *off, const unsigned char *lang,
                size_t n, double *secs, double *cpu, char *note, size_t note_len);

static int child_stage(const char *kind, const char *path, vb_lang lang) {
  texts t;
  texts_load(&t, path, lang);
  double secs, cpu;
  char note[256];
  if (bench_stage(kind, t.data, t.off, t.lang, t.n, &secs, &cpu, note, sizeof note))
    die("%s: the stage failed", kind);
  printf("ok %.6f %zu %zu %.6f\n", secs, t.n, t.n ? t.off[t.n] : 0, cpu);
  printf("note %s: %s\n", kind, note);
  free(t.data);
  free(t.off);
  free(t.lang);
  return 0;
}

/* Model load: median of 5 loads of the built-in data (VB_BENCH_LOADS=N for another N). */
static int child_load(bool parallel) {
  double s[101], c[101];
  const char *env = getenv("VB_BENCH_LOADS");
  int n = env ? atoi(env) : 5;
  if (n < 1 || n > 101) n = 5;
  for (int i = 0; i < n; i++) {
    double t0 = now(), c0 = cpu_now();
    vb_model *m = load_model_parallel_or_die(parallel);
    s[i] = now() - t0;
    c[i] = cpu_now() - c0;
    vb_model_free(m);
  }
  qsort(s, (size_t)n, sizeof s[0], cmp_double);
  qsort(c, (size_t)n, sizeof c[0], cmp_double);
  printf("ok %.6f 0 0 %.6f\n", s[n / 2], c[n / 2]);
  printf("note %s: %d loads of the built-in model: %.2f / %.2f / %.2f ms wall, %.2f / %.2f / "
         "%.2f ms CPU (min / median / max)\n",
         parallel ? "load-j2" : "load", n, s[0] * 1e3, s[n / 2] * 1e3, s[n - 1] * 1e3, c[0] * 1e3, c[n / 2] * 1e3,
         c[n - 1] * 1e3);
  return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Parent side: running measurements and printing the table                                 */
/* ---------------------------------------------------------------------------------------- */

typedef struct outcome {
  bool ok;
  char why[128];
  double secs, cpu; /* wall and CPU seconds */
  uint64_t records, bytes;
  double rss_mb;
  buf notes;
} outcome;

/* Runs argv[0] with stdout going to `out_fd`; fills secs (fork to reap), rss and status. */
static void run_child(char *const argv[], int out_fd, outcome *o) {
  fflush(NULL);
  double t0 = now();
  pid_t pid = fork();
  if (pid < 0) die("fork: %s", strerror(errno));
  if (pid == 0) {
    if (dup2(out_fd, 1) < 0) _exit(126);
    execv(argv[0], argv);
    fprintf(stderr, "vb_bench: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  int status;
  struct rusage ru;
  pid_t w;
  do w = wait4(pid, &status, 0, &ru);
  while (w < 0 && errno == EINTR);
  if (w < 0) die("wait4: %s", strerror(errno));
  o->secs = now() - t0;
  o->rss_mb = (double)ru.ru_maxrss * 1024.0 / 1e6; /* ru_maxrss is in KiB on Linux */
  o->cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
  o->ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (WIFSIGNALED(status))
    snprintf(o->why, sizeof o->why, "killed by signal %d (%s)", WTERMSIG(status),
             strsignal(WTERMSIG(status)));
  else if (!o->ok)
    snprintf(o->why, sizeof o->why, "exit status %d", WEXITSTATUS(status));
}

/* Runs this program with --child and reads back its report. */
static void run_self(const char *self, const char *kind, const char *path, const char *lang,
                     outcome *o) {
  char tmpl[] = "/tmp/vb_bench.XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) die("mkstemp: %s", strerror(errno));
  unlink(tmpl);
  char *argv[] = {(char *)(uintptr_t)self, "--child", (char *)(uintptr_t)kind,
                  (char *)(uintptr_t)path, (char *)(uintptr_t)lang, NULL};
  run_child(argv, fd, o);
  o->notes.n = 0;
  FILE *fp = fdopen(fd, "r");
  if (!fp) die("fdopen: %s", strerror(errno));
  rewind(fp);
  char line[1024];
  bool got = false;
  while (fgets(line, sizeof line, fp)) {
    double s, c;
    unsigned long long r, b;
    if (sscanf(line, "ok %lf %llu %llu %lf", &s, &r, &b, &c) == 4) {
      o->secs = s; /* the child's own timed section */
      o->cpu = c;
      o->records = r;
      o->bytes = b;
      got = true;
    } else if (!strncmp(line, "note ", 5)) {
      buf_adds(&o->notes, line + 5);
    }
  }
  fclose(fp);
  if (o->ok && !got) {
    o->ok = false;
    snprintf(o->why, sizeof o->why, "no report from the child");
  }
}

/* Runs the verbatim binary on `path` with stdout to /dev/null. */
static void run_cli(const char *verbatim, const char *cmd, const char *path, outcome *o) {
  int fd = open("/dev/null", O_WRONLY);
  if (fd < 0) die("/dev/null: %s", strerror(errno));
  char *argv[12];
  int k = 0;
  /* "annotate-j2": the command with -j 2; the plain names run one worker (-j 1);
   * "annotate-sent": sentiment alone, without the default codebook (issue 4's measurement) */
  const char *jobs = strstr(cmd, "-j2") ? "2" : "1";
  bool analyze = !strncmp(cmd, "analyze", 7), no_themes = strstr(cmd, "-sent") != NULL;
  argv[k++] = (char *)(uintptr_t)verbatim;
  argv[k++] = analyze ? "analyze" : "annotate";
  argv[k++] = (char *)(uintptr_t)path;
  argv[k++] = "-j";
  argv[k++] = (char *)(uintptr_t)jobs;
  if (analyze) {
    argv[k++] = "--score";
    argv[k++] = "nps";
  }
  if (no_themes) argv[k++] = "--no-default-codebook";
  argv[k++] = "--quiet";
  argv[k] = NULL;
  run_child(argv, fd, o);
  close(fd);
}

typedef struct measure {
  const char *key, *label;
} measure;

static const measure measures[] = {
    {"lib", "library: vb_reader + vb_analyzer_run, file, 1 thread, auto lang"},
    {"annotate", "`verbatim annotate FILE -j 1 --quiet > /dev/null`"},
    {"annotate-j2", "`verbatim annotate FILE -j 2 --quiet > /dev/null`"},
    {"annotate-sent", "`verbatim annotate FILE -j 1 --no-default-codebook --quiet > /dev/null`"},
    {"analyze", "`verbatim analyze FILE -j 1 --score nps --quiet > /dev/null`"},
    {"analyze-j2", "`verbatim analyze FILE -j 2 --score nps --quiet > /dev/null`"},
    {"read", "stage: vb_reader only (JSONL parse), file"},
    {"tokens", "stage: tokenize only (VB_RUN_TOKENS_ONLY), lang given, in memory"},
    {"s-tokenize", "front stage alone: tokenize, in memory"},
    {"s-normalize", "front stage alone: normalise word tokens to keys, in memory"},
    {"s-langid", "front stage alone: language identification from keys, in memory"},
    {"s-stem", "front stage alone: stem word keys (cached), lang given, in memory"},
    {"full", "stage: full analysis, lang given, in memory"},
    {"auto", "stage: full analysis, auto lang, in memory"},
    {"load", "model load (built-in data, median of 5)"},
    {"load-j2", "model load, lexicons and codebook on two threads (as with -j 2), median of 5"},
    {NULL, NULL}};

static bool in_list(const char *list, const char *word) {
  size_t n = strlen(word);
  for (const char *p = list; (p = strstr(p, word)); p += n)
    if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) return true;
  return false;
}

static void print_row(const char *label, const char *lang, const outcome *best, double rss,
                      bool is_load, int runs_ok, int runs) {
  if (!runs_ok) {
    printf("| %s | %s | | FAILED: %s | | | | |\n", label, lang, best->why);
    fflush(stdout);
    return;
  }
  char secs[32], mbs[32], rps[32], mb[32], cpu[32];
  if (is_load) {
    snprintf(secs, sizeof secs, "%.4f", best->secs);
    snprintf(cpu, sizeof cpu, "%.4f", best->cpu);
    snprintf(mb, sizeof mb, "-");
    snprintf(mbs, sizeof mbs, "-");
    snprintf(rps, sizeof rps, "-");
  } else {
    double in_mb = (double)best->bytes / 1e6;
    snprintf(mb, sizeof mb, "%.1f", in_mb);
    snprintf(secs, sizeof secs, "%.2f", best->secs);
    snprintf(cpu, sizeof cpu, "%.2f", best->cpu);
    snprintf(mbs, sizeof mbs, "%.1f", best->secs > 0 ? in_mb / best->secs : 0.0);
    snprintf(rps, sizeof rps, "%.0f", best->secs > 0 ? (double)best->records / best->secs : 0.0);
  }
  printf("| %s | %s | %s | %s | %s | %s | %.1f | %s |", label, lang, mb, secs, mbs, rps, rss, cpu);
  if (runs_ok < runs) printf(" (%d of %d runs failed)", runs - runs_ok, runs);
  printf("\n");
  fflush(stdout);
}

/* Machine-wide CPU time from the first line of /proc/stat, in seconds: busy (everything but
 * idle and iowait) and steal (taken by the hypervisor for other guests). Zero when absent. */
typedef struct machine_cpu {
  double busy, steal, wall, ours;
} machine_cpu;

static void machine_cpu_read(machine_cpu *m) {
  memset(m, 0, sizeof *m);
  m->wall = now();
  struct rusage ru;
  getrusage(RUSAGE_CHILDREN, &ru);
  m->ours = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
            (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
  getrusage(RUSAGE_SELF, &ru);
  m->ours += (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
             (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
  FILE *fp = fopen("/proc/stat", "r");
  if (!fp) return;
  unsigned long long v[8] = {0};
  if (fscanf(fp, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
             &v[4], &v[5], &v[6], &v[7]) >= 4) {
    double hz = (double)sysconf(_SC_CLK_TCK);
    m->busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6]) / hz;
    m->steal = (double)v[7] / hz;
  }
  fclose(fp);
}

/* The folder holding this program (resolved), for finding ../src/verbatim. */
static char *self_path(const char *argv0) {
  char *p = NULL;
  if (strchr(argv0, '/')) p = realpath(argv0, NULL);
  if (!p) p = realpath("/proc/self/exe", NULL);
  if (!p) die("cannot find my own path (argv[0] = %s)", argv0);
  return p;
}

static char *dir_of(const char *path) {
  char *d = xstrdup(path);
  char *slash = strrchr(d, '/');
  if (slash == d) d[1] = '\0';
  else if (slash) *slash = '\0';
  else strcpy(d, ".");
  return d;
}

static bool is_dir_with(const char *dir, const char *rel) {
  char p[PATH_MAX];
  snprintf(p, sizeof p, "%s/%s", dir, rel);
  return access(p, R_OK) == 0;
}

/* The source tree: the folder above the one holding this file (bench/), when the compiler
 * recorded an absolute path; else the current folder or one of its parents. */
static char *source_root(void) {
  const char *f = __FILE__;
  if (f[0] == '/') {
    char *d = dir_of(f);
    char *root = dir_of(d);
    free(d);
    if (is_dir_with(root, "corpora")) return root;
    free(root);
  }
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) return xstrdup(".");
  char *d = xstrdup(cwd);
  for (int i = 0; i < 4; i++) {
    if (is_dir_with(d, "corpora")) return d;
    char *up = dir_of(d);
    free(d);
    d = up;
  }
  free(d);
  return xstrdup(".");
}

static void usage(FILE *fp) {
  fputs("usage: vb_bench [options]\n"
        "\n"
        "Generates a corpus from corpora/<lang>/survey.jsonl and measures the library and the\n"
        "CLI on it; prints a Markdown table on standard output.\n"
        "\n"
        "  --lang L[,L...]     en | sv | da | he | mix (default: en)\n"
        "  --size SIZE         corpus size, K/M/G = 10^3/10^6/10^9 bytes (default: 100M)\n"
        "  --out PATH          the corpus file (default: bench/data/bench-LANG-SIZE.jsonl in\n"
        "                      the source tree); with several languages LANG is put in the name\n"
        "  --runs N            best of N runs (default: 3)\n"
        "  --only LIST         some of lib,annotate,annotate-j2,annotate-sent,analyze,analyze-j2,\n"
        "                      read,tokens,s-tokenize,s-normalize,s-langid,s-stem,full,auto,load\n"
        "                      (default: all)\n"
        "  --verbatim PATH     the CLI (default: ../src/verbatim beside this program's folder)\n"
        "  --corpora DIR       the sample data (default: corpora/ in the source tree)\n"
        "  --seed N            PRNG seed (default: 1)\n"
        "  --reuse             use an existing corpus file of at least SIZE bytes\n"
        "  --keep              keep the corpus file (default: delete it when done)\n"
        "  --generate-only     write the corpus and stop\n"
        "  --no-header         leave out the table header\n",
        fp);
}

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "--child")) {
    if (argc != 5) die("--child KIND FILE LANG");
    vb_lang l;
    if (vb_lang_parse(argv[4], &l) != VB_OK) l = VB_LANG_UND; /* "mix": from the ids */
    if (!strcmp(argv[2], "lib") || !strcmp(argv[2], "read")) return child_file(argv[2], argv[3]);
    if (!strcmp(argv[2], "load")) return child_load(false);
    if (!strcmp(argv[2], "load-j2")) return child_load(true);
    if (!strncmp(argv[2], "s-", 2)) return child_stage(argv[2], argv[3], l);
    return child_memory(argv[2], argv[3], l);
  }

  const char *langs = "en", *out = NULL, *only = NULL, *verbatim = NULL, *corpora = NULL;
  const char *size_arg = "100M";
  uint64_t size = 100000000ULL, seed = 1;
  int runs = 3;
  bool reuse = false, keep = false, gen_only = false, header = true;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE()                                                                                 \
  do {                                                                                         \
    if (!v) die("option %s needs a value", a);                                                 \
    i++;                                                                                       \
  } while (0)
    if (!strcmp(a, "--lang")) { TAKE(); langs = v; }
    else if (!strcmp(a, "--size")) {
      TAKE();
      size_arg = v;
      if (!(size = parse_size(v))) die("--size takes a size such as 100M or 1G");
    } else if (!strcmp(a, "--out")) { TAKE(); out = v; }
    else if (!strcmp(a, "--runs")) {
      TAKE();
      runs = atoi(v);
      if (runs < 1 || runs > 100) die("--runs takes 1 to 100");
    } else if (!strcmp(a, "--only")) { TAKE(); only = v; }
    else if (!strcmp(a, "--verbatim")) { TAKE(); verbatim = v; }
    else if (!strcmp(a, "--corpora")) { TAKE(); corpora = v; }
    else if (!strcmp(a, "--seed")) { TAKE(); seed = strtoull(v, NULL, 10); }
    else if (!strcmp(a, "--reuse")) reuse = true;
    else if (!strcmp(a, "--keep")) keep = true;
    else if (!strcmp(a, "--generate-only")) gen_only = true, keep = true;
    else if (!strcmp(a, "--no-header")) header = false;
    else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(stdout); return 0; }
    else { usage(stderr); die("unknown option '%s'", a); }
#undef TAKE
  }
  if (only)
    for (const char *p = only; *p;) {
      size_t n = strcspn(p, ",");
      bool known = false;
      for (const measure *m = measures; m->key; m++)
        known |= strlen(m->key) == n && !strncmp(m->key, p, n);
      if (!known) die("--only: unknown measurement '%.*s'", (int)n, p);
      p += n + (p[n] == ',');
    }

  char *self = self_path(argv[0]);
  char *root = source_root();
  char *self_dir = dir_of(self);
  char vpath[PATH_MAX], cpath[PATH_MAX];
  if (!verbatim) {
    snprintf(vpath, sizeof vpath, "%s/../src/verbatim", self_dir);
    verbatim = vpath;
  }
  if (!corpora) {
    snprintf(cpath, sizeof cpath, "%s/corpora", root);
    corpora = cpath;
  }
  if (!gen_only && access(verbatim, X_OK) != 0)
    fprintf(stderr, "vb_bench: warning: %s is not executable; the CLI rows will fail "
                    "(give --verbatim PATH)\n", verbatim);

  /* Several languages: one after the other, one corpus file each. */
  int n_langs = 0;
  char *lang_list = xstrdup(langs);
  char *lang_v[8];
  for (char *tok = strtok(lang_list, ","); tok && n_langs < 8; tok = strtok(NULL, ","))
    lang_v[n_langs++] = tok;
  for (int li = 0; li < n_langs; li++) {
    bool ok = !strcmp(lang_v[li], "mix");
    for (int k = 0; k < N_LANGS; k++) ok |= !strcmp(lang_v[li], all_langs[k]);
    if (!ok) die("unknown language '%s' (en, sv, da, he or mix)", lang_v[li]);
  }

  if (header && !gen_only) {
    printf("| what | language | input MB | seconds | MB/s | records/s | peak RSS MB | CPU s |\n"
           "|---|---|---:|---:|---:|---:|---:|---:|\n");
    fflush(stdout);
  }
  buf notes = {0};

  for (int li = 0; li < n_langs; li++) {
    const char *lang = lang_v[li];
    char path[PATH_MAX + 64];
    if (out && n_langs == 1) {
      snprintf(path, sizeof path, "%s", out);
    } else if (out) {
      /* insert the language before the extension */
      const char *dot = strrchr(out, '.');
      const char *slash = strrchr(out, '/');
      if (dot && (!slash || dot > slash))
        snprintf(path, sizeof path, "%.*s-%s%s", (int)(dot - out), out, lang, dot);
      else
        snprintf(path, sizeof path, "%s-%s", out, lang);
    } else {
      char dir[PATH_MAX - 64];
      snprintf(dir, sizeof dir, "%s/bench/data", root);
      if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        die("cannot create %s: %s", dir, strerror(errno));
      snprintf(path, sizeof path, "%s/bench-%s-%s.jsonl", dir, lang, size_arg);
    }

    uint64_t n_records;
    bool generated = false;
    if (reuse && file_size(path) >= size) {
      n_records = count_lines(path);
      fprintf(stderr, "vb_bench: reusing %s (%.1f MB, %llu records)\n", path,
              (double)file_size(path) / 1e6, (unsigned long long)n_records);
    } else {
      fprintf(stderr, "vb_bench: generating %s (%s, %.1f MB, seed %llu) ... ", path, lang,
              (double)size / 1e6, (unsigned long long)seed);
      double t0 = now();
      n_records = generate(corpora, lang, size, seed, path);
      generated = true;
      fprintf(stderr, "%llu records, %.1f MB in %.1f s\n", (unsigned long long)n_records,
              (double)file_size(path) / 1e6, now() - t0);
    }
    if (gen_only) continue;

    machine_cpu mc0, mc1;
    machine_cpu_read(&mc0);
    for (const measure *m = measures; m->key; m++) {
      if (only && !in_list(only, m->key)) continue;
      bool is_load = !strncmp(m->key, "load", 4);
      bool is_cli = !strncmp(m->key, "annotate", 8) || !strncmp(m->key, "analyze", 7);
      outcome best = {0}, o = {0};
      double rss = 0;
      int runs_ok = 0;
      int n_runs = is_load ? 1 : runs; /* load is already a median of 5 */
      for (int r = 0; r < n_runs; r++) {
        fprintf(stderr, "vb_bench: %s %s run %d/%d ...", lang, m->key, r + 1, n_runs);
        o.ok = false;
        o.why[0] = '\0';
        if (is_cli) {
          run_cli(verbatim, m->key, path, &o);
          o.records = n_records;
          o.bytes = file_size(path);
        } else {
          run_self(self, m->key, path, lang, &o);
        }
        fprintf(stderr, " %s %.2f s, %.2f CPU s, %.1f MB RSS\n", o.ok ? "" : o.why, o.secs,
                o.cpu, o.rss_mb);
        if (!o.ok) {
          if (!runs_ok) snprintf(best.why, sizeof best.why, "%s", o.why);
          continue;
        }
        if (o.rss_mb > rss) rss = o.rss_mb;
        if (!runs_ok || o.secs < best.secs) {
          buf keep_notes = best.notes;
          best = o;
          best.notes = keep_notes;
          best.notes.n = 0;
          if (o.notes.n) buf_add(&best.notes, o.notes.p, o.notes.n);
        }
        runs_ok++;
      }
      print_row(m->label, lang, &best, rss, is_load, runs_ok, n_runs);
      if (best.notes.n) {
        char *p = best.notes.p;
        for (char *nl; (nl = strchr(p, '\n')); p = nl + 1) {
          buf_adds(&notes, "- ");
          buf_adds(&notes, lang);
          buf_adds(&notes, ", ");
          buf_add(&notes, p, (size_t)(nl - p) + 1);
        }
      }
      free(best.notes.p);
      free(o.notes.p);
    }
    machine_cpu_read(&mc1);
    {
      double wall = mc1.wall - mc0.wall, ours = mc1.ours - mc0.ours;
      double others = (mc1.busy - mc0.busy) - ours;
      long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
      char line[512];
      snprintf(line, sizeof line,
               "- %s, machine: over the %.0f s of these rows (%ld CPUs) the benchmark used "
               "%.0f CPU s and other processes %.0f CPU s (on average %.2f CPUs busy with "
               "other work); steal %.0f CPU s\n",
               lang, wall, ncpu, ours, others > 0 ? others : 0.0,
               wall > 0 && others > 0 ? others / wall : 0.0, mc1.steal - mc0.steal);
      buf_adds(&notes, line);
    }
    if (generated && !keep) {
      if (unlink(path) == 0) fprintf(stderr, "vb_bench: deleted %s\n", path);
    }
  }
  if (notes.n) printf("\nNotes (from the best run of each row):\n\n%s", notes.p);
  if (!gen_only)
    printf("\nseconds: wall time of the fastest of %d runs (MB/s and records/s from it); CPU s:\n"
           "user + system time of that same run; peak RSS: the largest of the runs;\n"
           "MB = 10^6 bytes\n", runs);
  free(notes.p);
  free(lang_list);
  free(self);
  free(self_dir);
  free(root);
  return 0;
}
