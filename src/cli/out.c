/* out.c - writing results: safe file replacement, JSON/CSV/TSV cells, messages. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <math.h>
#include <stdarg.h>
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
  int fd = mkstemp(o->tmp_path);
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

void json_str(FILE *fp, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  putc('"', fp);
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F) continue;
    fwrite(s + run, 1, i - run, fp);
    run = i + 1;
    switch (c) {
    case '"': fputs("\\\"", fp); break;
    case '\\': fputs("\\\\", fp); break;
    case '\n': fputs("\\n", fp); break;
    case '\r': fputs("\\r", fp); break;
    case '\t': fputs("\\t", fp); break;
    default:
      fputs("\\u00", fp);
      putc(hex[c >> 4], fp);
      putc(hex[c & 15], fp);
    }
  }
  fwrite(s + run, 1, n - run, fp);
  putc('"', fp);
}

void put_num(FILE *fp, double v, int decimals) {
  if (isnan(v) || isinf(v)) {
    fputs("null", fp);
    return;
  }
  char b[64];
  /* Fast path: scaled to an integer and written digit by digit. printf rounds the exact
   * binary value half to even; nearbyint() does the same on the scaled value, which differs
   * only where the scaling itself rounded, that is near a tie: those go to snprintf. */
  static const double pow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  bool fast = decimals >= 0 && decimals <= 9;
  double x = fast ? v * pow10[decimals] : 0;
  double r = nearbyint(x);
  if (fast && fabs(x) < 1e15 && fabs(fabs(x - r) - 0.5) > 1e-6) {
    unsigned long long u = (unsigned long long)fabs(r);
    char d[32];
    int nd = 0;
    for (; u || nd <= decimals; u /= 10) d[nd++] = (char)('0' + u % 10);
    char *p = b;
    if (r < 0) *p++ = '-';
    for (int i = nd - 1; i >= decimals; i--) *p++ = d[i];
    if (decimals > 0) {
      *p++ = '.';
      for (int i = decimals - 1; i >= 0; i--) *p++ = d[i];
    }
    *p = '\0';
  } else {
    snprintf(b, sizeof b, "%.*f", decimals, v);
  }
  /* trim trailing zeros, and "-0" */
  char *dot = strchr(b, '.');
  if (dot) {
    char *e = b + strlen(b) - 1;
    while (e > dot && *e == '0') *e-- = '\0';
    if (e == dot) *e = '\0';
  }
  if (!strcmp(b, "-0")) strcpy(b, "0");
  fputs(b, fp);
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

int load_model(const opts *o, vb_model **m) {
  vb_model_options mo = {0};
  mo.data_dir = o->data_dir;
  mo.codebooks = o->codebooks;
  mo.n_codebooks = (size_t)o->n_codebooks;
  mo.no_default_codebook = o->no_default_codebook;
  mo.lexicons = o->lexicons;
  mo.n_lexicons = (size_t)o->n_lexicons;
  vb_error e = {0};
  int rc = vb_model_load(&mo, m, &e);
  if (rc == VB_OK) return EXIT_OK;
  msg_error(&e);
  return rc == VB_ENOMEM ? EXIT_INTERNAL : EXIT_BADINPUT;
}
