/* out.c - writing results: safe file replacement, JSON/CSV/TSV cells, messages. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

const char *progname = "verbatim";

void msg(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s: ", progname);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

void msg_error(const vb_error *e) {
  if (e->file[0] && e->line > 0 && e->column > 0)
    fprintf(stderr, "%s:%ld:%ld: %s\n", e->file, e->line, e->column, e->message);
  else if (e->file[0] && e->line > 0)
    fprintf(stderr, "%s:%ld: %s\n", e->file, e->line, e->message);
  else if (e->file[0])
    fprintf(stderr, "%s: %s\n", e->file, e->message);
  else
    fprintf(stderr, "%s: %s\n", progname, e->message[0] ? e->message : vb_strerror(e->code));
}

/* The temporary files being written (out_open), removed when a signal ends the run (Ctrl-C,
 * a scheduler's SIGTERM, a closed terminal's SIGHUP): an interrupted run leaves the target as
 * it was and nothing beside it. The handler only unlinks and dies of the same signal. */
#define OUT_PENDING 4
static char *volatile out_pending[OUT_PENDING];

static void out_on_signal(int sig) {
  for (int i = 0; i < OUT_PENDING; i++)
    if (out_pending[i]) unlink(out_pending[i]);
  signal(sig, SIG_DFL);
  raise(sig);
}

/* Lists `path` in the place of `old` (NULL: a free place); the first listing installs the
 * handler. */
static void out_pending_set(const char *old, char *path) {
  static bool handlers;
  if (path && !handlers) {
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
      struct sigaction sa, prev;
      memset(&sa, 0, sizeof sa);
      sa.sa_handler = out_on_signal;
      sigemptyset(&sa.sa_mask);
      /* a signal the caller ignores (nohup's SIGHUP) stays ignored */
      if (sigaction(sigs[i], NULL, &prev) == 0 && prev.sa_handler != SIG_IGN)
        sigaction(sigs[i], &sa, NULL);
    }
    handlers = true;
  }
  for (int i = 0; i < OUT_PENDING; i++)
    if (out_pending[i] == old) {
      out_pending[i] = path;
      return;
    }
}

/* Output files. A regular file (or a name not there yet) is written beside the target under a
 * temporary name and renamed into place only when everything was written, so that an error
 * never leaves a half-written report where the result should be, and an old report stays
 * intact. Anything else (a device such as /dev/null or /dev/full, a FIFO, /dev/stdout) is
 * written directly (o->path set, no o->tmp_path): renaming over it would replace the device
 * node itself. Every write error is found in out_close() and reported. */
int out_open(out *o, const char *path) {
  memset(o, 0, sizeof *o);
  if (!path || !strcmp(path, "-")) {
    o->fp = stdout;
    return EXIT_OK;
  }
  struct stat st;
  bool exists = stat(path, &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    msg("cannot write '%s': it is a directory", path);
    return EXIT_USAGE;
  }
  if (exists && !S_ISREG(st.st_mode)) {
    o->fp = fopen(path, "wb");
    if (!o->fp) {
      msg("cannot write '%s': %s", path, strerror(errno));
      return EXIT_INTERNAL;
    }
    o->path = path;
    return EXIT_OK;
  }
  size_t n = strlen(path);
  o->tmp_path = malloc(n + 16);
  if (!o->tmp_path) {
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  snprintf(o->tmp_path, n + 16, "%s.tmp.XXXXXX", path);
  sigset_t all, was;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &was); /* no signal between creating and listing it */
  int fd = mkstemp(o->tmp_path);
  if (fd >= 0) out_pending_set(NULL, o->tmp_path);
  pthread_sigmask(SIG_SETMASK, &was, NULL);
  if (fd < 0) {
    msg("cannot write '%s': %s", path, strerror(errno));
    free(o->tmp_path);
    o->tmp_path = NULL;
    return EXIT_INTERNAL;
  }
  /* mkstemp makes the file private (0600); give the report the mode of the file it replaces,
   * or the usual one under the user's umask. */
  mode_t mode;
  if (exists) {
    mode = st.st_mode & 07777;
  } else {
    mode_t mask = umask(0);
    umask(mask);
    mode = 0666 & ~mask;
  }
  (void)fchmod(fd, mode);
  o->fp = fdopen(fd, "wb");
  if (!o->fp) {
    msg("cannot write '%s': %s", path, strerror(errno));
    close(fd);
    unlink(o->tmp_path);
    out_pending_set(o->tmp_path, NULL);
    free(o->tmp_path);
    o->tmp_path = NULL;
    return EXIT_INTERNAL;
  }
  o->path = path;
  return EXIT_OK;
}

void out_abort(out *o) {
  if (!o->fp) return;
  if (o->path) fclose(o->fp);
  else fflush(o->fp);
  if (o->tmp_path) unlink(o->tmp_path);
  out_pending_set(o->tmp_path, NULL);
  free(o->tmp_path);
  o->tmp_path = NULL;
  o->fp = NULL;
}

/* Renames the finished temporary file onto the target; a symbolic link there is followed, so
 * that the file it names is replaced and the link stays. */
static int out_rename(const out *o) {
  struct stat lst;
  char *real = NULL;
  if (lstat(o->path, &lst) == 0 && S_ISLNK(lst.st_mode)) real = realpath(o->path, NULL);
  int rc = rename(o->tmp_path, real ? real : o->path);
  free(real);
  return rc;
}

int out_close(out *o) {
  if (!o->fp) return EXIT_INTERNAL;
  errno = 0;
  int bad = ferror(o->fp) != 0;
  int err = errno;
  if (fflush(o->fp) != 0) bad = 1, err = errno;
  bool to_file = o->path != NULL, replaced = o->tmp_path != NULL;
  if (to_file) {
    /* a full disk or a quota may only show when the data is written out */
    if (!bad && replaced && fsync(fileno(o->fp)) != 0) bad = 1, err = errno;
    if (fclose(o->fp) != 0 && !bad) bad = 1, err = errno;
    if (!bad && replaced && out_rename(o) != 0) bad = 1, err = errno;
    if (bad && replaced) unlink(o->tmp_path);
  }
  out_pending_set(o->tmp_path, NULL);
  free(o->tmp_path);
  o->tmp_path = NULL;
  o->fp = NULL;
  if (bad) {
    /* the stream's error flag says that a write failed, not why: errno may be gone by now */
    msg("error writing %s: %s%s", to_file ? o->path : "standard output",
        err ? strerror(err) : "a write failed", replaced ? " (the file was left as it was)" : "");
    return EXIT_INTERNAL;
  }
  return EXIT_OK;
}

/* The JSON escape of each byte: 0 for none, else the character after the backslash, 'u' for
 * \u00XX. The control characters, DEL, the quote and the backslash are escaped. */
static const char json_esc[256] = {
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 't', 'n', 'u', 'u', 'r', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    ['"'] = '"', ['\\'] = '\\', [0x7F] = 'u'};
static const char hex_digit[] = "0123456789abcdef";

void json_str(FILE *fp, const char *s, size_t n) {
  putc('"', fp);
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char e = json_esc[c];
    if (!e) continue;
    fwrite(s + run, 1, i - run, fp);
    run = i + 1;
    putc('\\', fp);
    putc(e, fp);
    if (e == 'u') {
      fputs("00", fp);
      putc(hex_digit[c >> 4], fp);
      putc(hex_digit[c & 15], fp);
    }
  }
  fwrite(s + run, 1, n - run, fp);
  putc('"', fp);
}

/* The most fmt_num writes: printf's output for huge values is cut at this size, as it always
 * was (the terminating NUL included). */
enum { NUM_MAX = 64 };

/* "00" to "99": whole numbers are written two digits at a time. */
static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324252627282930"
                                  "31323334353637383940414243444546474849505152535455565758596061"
                                  "62636465666768697071727374757677787980818283848586878889909192"
                                  "93949596979899";

/* Writes the n decimal digits of v < 10^n (leading zeros included) that end at end. Divisions
 * by constants in 32 bits are cheaper than in 64: a value that may not fit is cut into eight
 * digits at a time first. */
static void put_digits32(char *end, uint32_t v, int n) {
  for (; n >= 2; n -= 2, v /= 100) {
    end -= 2;
    memcpy(end, digit_pairs + 2 * (v % 100), 2);
  }
  if (n) end[-1] = (char)('0' + v);
}

static void put_digits(char *end, unsigned long long v, int n) {
  for (; n > 9; n -= 8, end -= 8, v /= 100000000)
    put_digits32(end, (uint32_t)(v % 100000000), 8);
  put_digits32(end, (uint32_t)v, n);
}

/* Writes v in decimal into d (at least 20 bytes) and returns the length. Most whole numbers
 * written are offsets into a text and counts, below 10,000: up to four digits are written
 * without a loop. */
static inline size_t put_uint(char *d, unsigned long long v) {
  if (v < 10) {
    d[0] = (char)('0' + v);
    return 1;
  }
  if (v < 100) {
    memcpy(d, digit_pairs + 2 * v, 2);
    return 2;
  }
  if (v < 10000) {
    uint32_t hi = (uint32_t)v / 100, lo = (uint32_t)v % 100;
    size_t n = hi < 10 ? 3 : 4;
    if (hi < 10) d[0] = (char)('0' + hi);
    else memcpy(d, digit_pairs + 2 * hi, 2);
    memcpy(d + n - 2, digit_pairs + 2 * lo, 2);
    return n;
  }
  int n = 5;
  for (unsigned long long p = 100000; n < 20 && v >= p; p *= 10) n++;
  put_digits(d + n, v, n);
  return (size_t)n;
}

/* What fmt_num leaves to the two functions below is rare (values of 10 and more, more than six
 * decimals, NaN, ties): out of line, they leave fmt_num's common path without registers to
 * save. */
#if defined(__GNUC__)
#define VB_NOINLINE __attribute__((noinline))
#else
#define VB_NOINLINE
#endif

/* fmt_num's way for what its fast path leaves: printf, then the fraction's trailing zeros and a
 * bare "-0" removed, "null" for NaN and infinities. */
static VB_NOINLINE size_t fmt_num_printf(char *d, double v, int decimals) {
  if (isnan(v) || isinf(v)) {
    memcpy(d, "null", 4);
    return 4;
  }
  snprintf(d, NUM_MAX, "%.*f", decimals, v);
  size_t n = strlen(d);
  if (memchr(d, '.', n)) {
    while (d[n - 1] == '0') n--;
    if (d[n - 1] == '.') n--;
  }
  if (n == 2 && d[0] == '-' && d[1] == '0') {
    d[0] = '0';
    n = 1;
  }
  return n;
}

/* Writes u / 10^decimals (u < 10^15, decimals 0-9) after a '-' when neg, with the fraction's
 * trailing zeros removed, into d; returns the length. */
static VB_NOINLINE size_t put_scaled(char *d, bool neg, unsigned long long u,
                                      int decimals) {
  static const uint32_t pow10u[] = {1, 10, 100, 1000, 10000, 100000, 1000000,
                                    10000000, 100000000, 1000000000};
  unsigned long long one = pow10u[decimals], whole = u / one;
  uint32_t frac = (uint32_t)(u - whole * one);
  char *p = d;
  if (neg) *p++ = '-';
  p += put_uint(p, whole);
  if (frac == 0) return (size_t)(p - d);
  *p++ = '.';
  put_digits32(p + decimals, frac, decimals); /* frac < 10^9 */
  p += decimals;
  while (p[-1] == '0') p--; /* the fraction's trailing zeros; frac != 0 ends the loop */
  return (size_t)(p - d);
}

/* Writes v with `decimals` decimals into d (at least NUM_MAX bytes, not terminated) and returns
 * the length: printf's "%.*f", then the fraction's trailing zeros and a bare "-0" removed, and
 * "null" for NaN and infinities. */
static inline size_t fmt_num(char *d, double v, int decimals) {
  /* Fast path: the magnitude scaled to an integer and written two digits at a time. printf
   * rounds the exact binary value half to even; nearbyint() does the same on the scaled value,
   * which differs only where the scaling itself rounded, that is near a tie: those go to
   * snprintf. Rounding to nearest is symmetric, so the magnitude is scaled and rounded and the
   * sign written before it; NaN and the infinities fail the test of the magnitude. */
  static const double pow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  static const uint32_t pow10u[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
  if (decimals < 0 || decimals > 9) return fmt_num_printf(d, v, decimals);
  double x = fabs(v) * pow10[decimals];
  if (!(x < 1e15)) return fmt_num_printf(d, v, decimals);
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
  /* nearbyint(x) without a call: adding 2^52 leaves no fraction bits, so the sum is rounded
   * to an integer as nearbyint rounds (0 <= x < 1e15 < 2^52), and taking 2^52 off is exact
   * (not where doubles are computed with more bits, as on the x87) */
  const double two52 = 4503599627370496.0;
  double r = (x + two52) - two52;
#else
  double r = nearbyint(x);
#endif
  if (!(fabs(fabs(x - r) - 0.5) > 1e-6)) return fmt_num_printf(d, v, decimals);
  unsigned long long u = (unsigned long long)r;
  if (u == 0) { /* never "-0" */
    d[0] = '0';
    return 1;
  }
  if (decimals > 6 || u >= 10 * (unsigned long long)pow10u[decimals])
    return put_scaled(d, v < 0, u, decimals);
  /* Most are scores and shares with three or four decimals and the explanation's values with
   * six, below 10: the whole digit, then the fraction as four or six digits (scaled up) less
   * its trailing zeros. */
  uint32_t one = pow10u[decimals], whole = (uint32_t)u < one ? 0 : (uint32_t)u / one;
  uint32_t frac = (uint32_t)u - whole * one;
  char *p = d;
  if (v < 0) *p++ = '-';
  *p++ = (char)('0' + whole);
  if (frac == 0) return (size_t)(p - d);
  *p++ = '.';
  if (decimals <= 4) {
    uint32_t f = frac * pow10u[4 - decimals];
    memcpy(p, digit_pairs + 2 * (f / 100), 2);
    memcpy(p + 2, digit_pairs + 2 * (f % 100), 2);
    p += 4;
  } else {
    uint32_t f = frac * pow10u[6 - decimals];
    memcpy(p, digit_pairs + 2 * (f / 10000), 2);
    memcpy(p + 2, digit_pairs + 2 * (f / 100 % 100), 2);
    memcpy(p + 4, digit_pairs + 2 * (f % 100), 2);
    p += 6;
  }
  while (p[-1] == '0') p--; /* frac != 0 ends the loop */
  return (size_t)(p - d);
}

void put_num(FILE *fp, double v, int decimals) {
  char b[NUM_MAX];
  fwrite(b, 1, fmt_num(b, v, decimals), fp);
}

bool obuf_grow(obuf *b, size_t n) {
  if (b->failed) return false;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap - b->len < n) {
    if (cap > SIZE_MAX / 2) {
      b->failed = true;
      return false;
    }
    cap *= 2;
  }
  char *p = realloc(b->p, cap);
  if (!p) {
    b->failed = true;
    return false;
  }
  b->p = p;
  b->cap = cap;
  return true;
}

void obuf_free(obuf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

/* Whether any of the eight bytes at s needs an escape: a byte below 0x20 (x - 0x20 borrows
 * there; ~x leaves out the bytes of 0x80 and more), a quote, a backslash or DEL (the zero bytes
 * of x ^ c). A borrow marks a byte only next to one that needs an escape, so the answer for
 * the eight is exact. */
static bool json_esc_in8(const char *s) {
  const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
  uint64_t x;
  memcpy(&x, s, 8);
  uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\'), del = x ^ (ones * 0x7F);
  return ((((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs) |
           ((del - ones) & ~del)) & high) != 0;
}

void obuf_json_str(obuf *b, const char *s, size_t n) {
  /* Room for the whole string and its quotes is made once; each escape makes room again for
   * itself (at most 6 bytes) and everything after it. Runs without escapes are copied; they
   * are passed over eight bytes at a time, and byte by byte in eight that hold an escape. */
  if (!obuf_reserve(b, n + 2)) return;
  b->p[b->len++] = '"';
  size_t run = 0, i = 0;
  for (;;) {
    while (i + 8 <= n && !json_esc_in8(s + i)) i += 8;
    size_t stop = i + 8 < n ? i + 8 : n;
    while (i < stop && !json_esc[(unsigned char)s[i]]) i++;
    if (i == stop) {
      if (i == n) break;
      continue;
    }
    unsigned char c = (unsigned char)s[i];
    char e = json_esc[c];
    if (!obuf_reserve(b, n - run + 6)) return;
    char *d = b->p + b->len;
    memcpy(d, s + run, i - run);
    d += i - run;
    run = ++i;
    *d++ = '\\';
    *d++ = e;
    if (e == 'u') {
      *d++ = '0';
      *d++ = '0';
      *d++ = hex_digit[c >> 4];
      *d++ = hex_digit[c & 15];
    }
    b->len = (size_t)(d - b->p);
  }
  if (n > run) memcpy(b->p + b->len, s + run, n - run);
  b->len += n - run;
  b->p[b->len++] = '"';
}

void obuf_num(obuf *b, double v, int decimals) {
  if (!obuf_reserve(b, NUM_MAX)) return;
  b->len += fmt_num(b->p + b->len, v, decimals);
}

void obuf_tsv_cell(obuf *b, const char *s, size_t n) {
  if (!obuf_reserve(b, n)) return;
  char *d = b->p + b->len;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    d[i] = (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
  }
  b->len += n;
}

void obuf_size(obuf *b, size_t v) {
  if (!obuf_reserve(b, 20)) return;
  b->len += put_uint(b->p + b->len, v);
}

void obuf_span(obuf *b, size_t start, size_t end, bool first) {
  if (!obuf_reserve(b, 2 + 1 + 20 + 2 + 20 + 1)) return;
  char *p = b->p + b->len;
  if (!first) {
    memcpy(p, ", ", 2);
    p += 2;
  }
  *p++ = '[';
  p += put_uint(p, start);
  memcpy(p, ", ", 2);
  p += 2;
  p += put_uint(p, end);
  *p++ = ']';
  b->len = (size_t)(p - b->p);
}

void obuf_long(obuf *b, long v) {
  if (v < 0) obuf_putc(b, '-');
  obuf_size(b, v < 0 ? 0UL - (unsigned long)v : (unsigned long)v);
}

void csv_cell(FILE *fp, const char *s, size_t n, char delim) {
  /* A cell starting with = + - @ TAB or CR is a formula to a spreadsheet: neutralise it. */
  bool formula = n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                           s[0] == '\t' || s[0] == '\r');
  bool quote = formula;
  for (size_t i = 0; i < n && !quote; i++)
    if (s[i] == '"' || s[i] == delim || s[i] == '\n' || s[i] == '\r') quote = true;
  if (!quote) {
    fwrite(s, 1, n, fp);
    return;
  }
  putc('"', fp);
  if (formula) putc('\'', fp);
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"') putc('"', fp);
    putc(s[i], fp);
  }
  putc('"', fp);
}

void tsv_cell(FILE *fp, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    putc((c == '\t' || c == '\n' || c == '\r') ? ' ' : c, fp);
  }
}

/* vb_model_options.parallel: each loading task but the first on a thread of its own, the
 * first on the caller's; a task whose thread cannot start runs on the caller's after it. */
typedef struct load_job {
  void (*run)(void *arg, size_t i);
  void *arg;
  size_t i;
} load_job;

static void *load_job_main(void *p) {
  load_job *jb = p;
  jb->run(jb->arg, jb->i);
  return NULL;
}

static void load_parallel(void *ctx, size_t n, void (*run)(void *arg, size_t i), void *arg) {
  (void)ctx;
  enum { MAX_THREADS = 4 };
  pthread_t th[MAX_THREADS];
  load_job jb[MAX_THREADS];
  bool started[MAX_THREADS] = {false};
  for (size_t i = 1; i < n && i < MAX_THREADS; i++) {
    jb[i] = (load_job){run, arg, i};
    started[i] = pthread_create(&th[i], NULL, load_job_main, &jb[i]) == 0;
  }
  if (n) run(arg, 0);
  for (size_t i = 1; i < n; i++) {
    if (i < MAX_THREADS && started[i]) pthread_join(th[i], NULL);
    else run(arg, i);
  }
}

int load_model(const opts *o, vb_model **m) {
  vb_model_options mo = {0};
  mo.data_dir = o->data_dir;
  mo.codebooks = o->codebooks;
  mo.n_codebooks = (size_t)o->n_codebooks;
  mo.brands = o->brands;
  mo.n_brands = (size_t)o->n_brands;
  mo.no_default_codebook = o->no_default_codebook;
  mo.lexicons = o->lexicons;
  mo.n_lexicons = (size_t)o->n_lexicons;
  mo.names = o->names;
  mo.n_names = (size_t)o->n_names;
  /* with two or more threads (-j; by default one per core), the lexicons and the codebooks
   * load at the same time */
  long cores = o->jobs ? o->jobs : sysconf(_SC_NPROCESSORS_ONLN);
  if (cores >= 2) mo.parallel = load_parallel;
  vb_error e = {0};
  int rc = vb_model_load(&mo, m, &e);
  if (rc == VB_OK) return EXIT_OK;
  msg_error(&e);
  return rc == VB_ENOMEM ? EXIT_INTERNAL : EXIT_BADINPUT;
}

void reader_options(const opts *o, const char *path, vb_reader_options *ro) {
  memset(ro, 0, sizeof *ro);
  ro->name = path;
  ro->delimiter = o->delimiter;
  ro->max_field = o->max_field;
  ro->interviewers = o->interviewers;
  ro->unit = o->unit;
  ro->encoding = o->encoding;
  if (o->input_format) vb_format_parse(o->input_format, &ro->format);
}

int role_field(vb_reader *rd) {
  return vb_reader_format(rd) == VB_FORMAT_TRANSCRIPT ? vb_reader_field(rd, "role", NULL) : -1;
}

bool is_interviewer(const vb_reader *rd, int h_role) {
  size_t n;
  const char *v = h_role >= 0 ? vb_reader_get(rd, h_role, &n) : NULL;
  return v && n == 11 && !memcmp(v, "interviewer", 11);
}

int redact_text(const vb_model *m, const speakers *sp, const vb_reader *rd, char **keep,
                const char **text, size_t *len, size_t *count) {
  vb_free(*keep);
  *keep = NULL;
  if (!*text) return EXIT_OK;
  /* the interview's speaker labels, one a line */
  const char *labels[64], *v = NULL;
  char buf[4096];
  size_t n_labels = 0, vn = 0;
  if (sp && rd && sp->h_speakers >= 0) v = vb_reader_get(rd, sp->h_speakers, &vn);
  if (v) { /* (the labels past the 64th or past 4 kB are left out) */
    size_t take = vn < sizeof buf ? vn : sizeof buf - 1;
    if (take < vn)
      while (take && v[take] != '\n') take--;
    memcpy(buf, v, take);
    buf[take] = '\0';
    for (char *p = take ? buf : NULL; p && n_labels < 64;) {
      labels[n_labels++] = p;
      if ((p = strchr(p, '\n')) != NULL) *p++ = '\0';
    }
  }
  size_t n = 0;
  if (vb_model_redact_labels(m, *text, *len, VB_REDACT_ALL | VB_REDACT_NAME, labels, n_labels,
                             keep, len, &n))
    return EXIT_INTERNAL;
  *text = *keep;
  *count += n;
  return EXIT_OK;
}

int text_src_open(text_src *ts, const opts *o, vb_reader *rd, vb_error *e) {
  memset(ts, 0, sizeof *ts);
  int n = o->n_texts ? o->n_texts : 1;
  vb_format f = vb_reader_format(rd);
  if (n > 1 && (f == VB_FORMAT_TXT || f == VB_FORMAT_TRANSCRIPT)) {
    msg("several --text fields need CSV, TSV or JSONL input: %s has one text a record",
        f == VB_FORMAT_TXT ? "plain text" : "a transcript");
    return EXIT_USAGE;
  }
  for (int k = 0; k < n; k++) {
    ts->h[k] = vb_reader_field(rd, o->n_texts ? o->texts[k] : o->text, e);
    if (ts->h[k] < 0) return EXIT_BADINPUT;
  }
  ts->n = n;
  return EXIT_OK;
}

int text_src_get(text_src *ts, const vb_reader *rd, const vb_model *redact,
                 const speakers *sp, size_t *count, const char **text, size_t *len) {
  if (ts->n == 1) {
    *text = vb_reader_get(rd, ts->h[0], len);
    ts->present[0] = *text != NULL;
    ts->start[0] = 0;
    ts->end[0] = *text ? *len : 0;
    return redact ? redact_text(redact, sp, rd, &ts->keep, text, len, count) : EXIT_OK;
  }
  bool any = false;
  ts->joined.len = 0;
  for (int k = 0; k < ts->n; k++) {
    size_t n = 0;
    const char *v = vb_reader_get(rd, ts->h[k], &n);
    ts->present[k] = false;
    if (!v) continue;
    any = true;
    if (redact && redact_text(redact, sp, rd, &ts->keep, &v, &n, count)) return EXIT_INTERNAL;
    if (n == 0) continue;
    if (ts->joined.len) obuf_put(&ts->joined, "\n\n", 2);
    ts->present[k] = true;
    ts->start[k] = ts->joined.len;
    obuf_put(&ts->joined, v, n);
    ts->end[k] = ts->joined.len;
  }
  if (ts->joined.failed) return EXIT_INTERNAL;
  *text = any ? (ts->joined.p ? ts->joined.p : "") : NULL;
  *len = ts->joined.len;
  return EXIT_OK;
}

void text_src_names(const opts *o, char *buf, size_t cap) {
  size_t used = 0;
  buf[0] = '\0';
  for (int k = 0; k < (o->n_texts ? o->n_texts : 1) && used < cap; k++) {
    int w = snprintf(buf + used, cap - used, "%s'%s'", k ? ", " : "",
                     o->n_texts ? o->texts[k] : o->text);
    if (w < 0) break;
    used += (size_t)w;
  }
}

void text_src_free(text_src *ts) {
  vb_free(ts->keep);
  obuf_free(&ts->joined);
  ts->keep = NULL;
}

void speakers_fields(speakers *s, vb_reader *rd, bool redact) {
  bool tr = vb_reader_format(rd) == VB_FORMAT_TRANSCRIPT;
  s->h_speaker = tr ? vb_reader_field(rd, "speaker", NULL) : -1;
  s->h_interview = tr ? vb_reader_field(rd, "interview", NULL) : -1;
  /* (the reader makes the field for every record it is declared for) */
  s->h_speakers = tr && redact ? vb_reader_field(rd, "speakers", NULL) : -1;
}

size_t speaker_alias(speakers *s, const vb_reader *rd, char *buf, size_t cap) {
  size_t n;
  const char *v = s->h_speaker >= 0 ? vb_reader_get(rd, s->h_speaker, &n) : NULL;
  if (!v) return 0;
  size_t i = 0;
  while (i < s->n && (strlen(s->v[i]) != n || memcmp(s->v[i], v, n))) i++;
  if (i == s->n) {
    if (s->n == s->cap) {
      size_t nc = s->cap ? 2 * s->cap : 16;
      char **nv = realloc(s->v, nc * sizeof *nv);
      if (!nv) return (size_t)-1;
      s->v = nv;
      s->cap = nc;
    }
    char *c = malloc(n + 1);
    if (!c) return (size_t)-1;
    memcpy(c, v, n);
    c[n] = '\0';
    s->v[s->n++] = c;
  }
  int k = snprintf(buf, cap, "Speaker %zu", i + 1);
  return k > 0 && (size_t)k < cap ? (size_t)k : (size_t)-1;
}

bool speaker_id(const speakers *s, const vb_reader *rd, const char *v, size_t n,
                const char *alias, size_t alias_n, obuf *into) {
  size_t sn, ivn;
  const char *sp = s->h_speaker >= 0 ? vb_reader_get(rd, s->h_speaker, &sn) : NULL;
  const char *iv = s->h_interview >= 0 ? vb_reader_get(rd, s->h_interview, &ivn) : NULL;
  if (!v || !sp || !iv || n != ivn + 1 + sn || memcmp(v, iv, ivn) || v[ivn] != '/' ||
      memcmp(v + ivn + 1, sp, sn))
    return false;
  into->len = 0;
  obuf_put(into, iv, ivn);
  obuf_put(into, "/", 1);
  obuf_put(into, alias, alias_n);
  return true;
}

int speaker_record(speakers *s, const vb_reader *rd, const char **id, size_t *idlen, obuf *idbuf,
                   char *alias, size_t *alias_n) {
  *alias_n = speaker_alias(s, rd, alias, 32);
  if (*alias_n == (size_t)-1) {
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  if (*alias_n && speaker_id(s, rd, *id, *idlen, alias, *alias_n, idbuf)) {
    if (idbuf->failed) {
      msg("out of memory");
      return EXIT_INTERNAL;
    }
    *id = idbuf->p;
    *idlen = idbuf->len;
  }
  return EXIT_OK;
}

void speakers_free(speakers *s) {
  for (size_t i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
  memset(s, 0, sizeof *s);
}

FILE *stdin_spool(FILE **spool) {
  if (!*spool) {
    *spool = tmpfile();
    if (!*spool) {
      msg("cannot make a temporary file: %s", strerror(errno));
      return NULL;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) fwrite(buf, 1, n, *spool);
    if (ferror(*spool) || fflush(*spool)) {
      msg("cannot write a temporary file");
      return NULL;
    }
  }
  rewind(*spool);
  return *spool;
}

const char *record_id(const vb_reader *rd, int h_id, size_t number, char buf[32], size_t *len) {
  const char *id = h_id >= 0 ? vb_reader_get(rd, h_id, len) : NULL;
  if (id) return id;
  snprintf(buf, 32, "%zu", number);
  *len = strlen(buf);
  return buf;
}

int reader_field_or_say(vb_reader *rd, const char *name, int *h) {
  vb_error e = {0};
  *h = vb_reader_field(rd, name, &e);
  if (*h >= 0) return EXIT_OK;
  msg_error(&e);
  return EXIT_BADINPUT;
}

bool record_lang(const vb_reader *rd, int h_lang, vb_lang *lang, char code[8]) {
  code[0] = '\0';
  size_t ll;
  const char *lv = h_lang >= 0 ? vb_reader_get(rd, h_lang, &ll) : NULL;
  if (!lv || ll == 0 || ll >= 8) return true;
  memcpy(code, lv, ll);
  code[ll] = '\0';
  vb_lang l;
  if (vb_lang_parse(code, &l) != VB_OK) return false;
  *lang = l;
  return true;
}

int close_input(const char *path, int rc, const vb_record *rec, int status, struct text_src *ts,
                vb_reader *rd, FILE *fp) {
  if (rc < 0 && status == EXIT_OK) {
    msg("%s: read error after line %ld", path, rec ? rec->line_end : 0L);
    status = EXIT_BADINPUT;
  }
  text_src_free(ts);
  vb_reader_free(rd);
  if (strcmp(path, "-") != 0) fclose(fp);
  return status;
}

int each_input(const opts *o, int (*fn)(void *ctx, const char *path), void *ctx) {
  const char *stdin_only[] = {"-"};
  const char *const *files = o->n_files ? o->files : stdin_only;
  int n = o->n_files ? o->n_files : 1;
  int status = EXIT_OK;
  for (int i = 0; i < n; i++) {
    int rc = fn(ctx, files[i]);
    if (rc == EXIT_INTERNAL || rc == EXIT_USAGE) return rc;
    if (rc && !status) status = rc;
  }
  return status;
}

int open_input(const opts *o, const char *path, FILE **spool, vb_problem_fn problem, void *ctx,
               size_t *problems, FILE **fp, vb_reader **rd) {
  bool is_stdin = !strcmp(path, "-");
  *rd = NULL;
  if (is_stdin) {
    if (!(*fp = stdin_spool(spool))) return EXIT_INTERNAL;
  } else if (!(*fp = fopen(path, "rb"))) {
    fprintf(stderr, "%s:1:1: cannot open the file: %s\n", path, strerror(errno));
    ++*problems;
    return EXIT_BADINPUT;
  }
  vb_reader_options ropt;
  reader_options(o, path, &ropt);
  if (!o->input_format && !is_stdin && vb_format_from_name(path) == VB_FORMAT_AUTO) {
    msg("%s: cannot tell the format from the name; give --input-format "
        "csv|tsv|jsonl|txt|transcript", path);
    fclose(*fp);
    return EXIT_USAGE;
  }
  vb_error e = {0};
  int rc = vb_reader_new(*fp, &ropt, problem, ctx, rd, &e);
  if (rc) {
    msg_error(&e);
    if (!is_stdin) fclose(*fp);
    return rc == VB_ENOMEM ? EXIT_INTERNAL : EXIT_BADINPUT;
  }
  return EXIT_OK;
}

int input_lang_opts(const char *cmd, const opts *o, vb_run_options *ro) {
  ro->lang = ro->lang_default = VB_LANG_UND;
  if (o->lang && vb_lang_parse(o->lang, &ro->lang)) {
    msg("%s: unknown language '%s' (sv, da, he, en or auto)", cmd, o->lang);
    return EXIT_USAGE;
  }
  if (o->lang_default &&
      (vb_lang_parse(o->lang_default, &ro->lang_default) || ro->lang_default == VB_LANG_UND)) {
    msg("%s: --lang-default takes sv, da, he or en", cmd);
    return EXIT_USAGE;
  }
  vb_format f;
  if (o->input_format && vb_format_parse(o->input_format, &f)) {
    msg("%s: --input-format takes csv, tsv, jsonl, txt or transcript", cmd);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}
