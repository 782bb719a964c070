/* fuzz.h - shared by the fuzz targets: the entry point libFuzzer calls (and replay.c calls
 * for each file of a corpus when built without libFuzzer), a model loaded once, and the
 * record-accounting check every ingest target runs. */
#ifndef VB_FUZZ_H
#define VB_FUZZ_H
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verbatim.h"
#include "vb_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: say which, then crash so that libFuzzer saves the input (and the
 * replay test fails). */
#define FUZZ_CHECK(cond)                                                                     \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);          \
      abort();                                                                               \
    }                                                                                        \
  } while (0)

/* The built-in model, loaded on first use and kept for the process (fuzzers run millions of
 * inputs; loading per input would measure the loader, not the target). */
static inline const vb_model *fuzz_model(void) {
  static vb_model *m;
  if (!m && vb_model_load(NULL, &m, NULL) != VB_OK) m = NULL;
  return m;
}

/* The built-in model with a brand list of three brands in the four languages, as the sample
 * mentions use it: brand mentions, comparisons and switches between brands (compare.c), and
 * the brand tables of the aggregate. NULL when it cannot be made. */
static inline const vb_model *fuzz_model_brands(void) {
  static vb_model *m;
  static bool tried;
  if (m || tried) return m;
  tried = true;
  static const char list[] = "Lumo: lumo; Lumo Plus; \xd7\x9c\xd7\x95\xd7\x9e\xd7\x95; @LumoUK\n"
                             "Vexa: vexa; \xd7\x95\xd7\xa7\xd7\xa1\xd7\x94; #vexa\n"
                             "Parcelo: parcelo; @Parcelo\n";
  char path[] = "/tmp/vb-fuzz-brands-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return NULL;
  FILE *fp = fdopen(fd, "w");
  bool ok = fp && fwrite(list, 1, sizeof list - 1, fp) == sizeof list - 1;
  if (fp && fclose(fp) != 0) ok = false;
  const char *brands[1] = {path};
  vb_model_options o = {0};
  o.brands = brands;
  o.n_brands = 1;
  if (!ok || vb_model_load(&o, &m, NULL) != VB_OK) m = NULL;
  remove(path);
  return m;
}

/* A read-only stream over the bytes (fmemopen refuses a zero-length buffer: give it one byte
 * and move to its end). */
static inline FILE *fuzz_stream(const uint8_t *data, size_t size) {
  static const uint8_t none[1] = {0};
  FILE *fp = fmemopen((void *)(uintptr_t)(size ? data : none), size ? size : 1, "rb");
  if (fp && !size) fseek(fp, 1, SEEK_SET);
  return fp;
}

/* ---- record accounting ----
 * The reader must never lose a record silently: every physical line of the input belongs to a
 * record, is blank (skipped by the format's rule), or is the header. The check cuts the input
 * into physical lines exactly as the reader does (LF, CRLF, lone CR; a UTF-8 BOM skipped) and
 * follows the records as they come: each starts after the previous one ended, the lines
 * between them are blank, and so are the lines after the last. */
typedef struct fuzz_lines {
  size_t n;          /* physical lines */
  size_t *off, *len; /* where each starts (in the input) and its length without terminator */
} fuzz_lines;

static inline void fuzz_lines_cut(const uint8_t *d, size_t size, fuzz_lines *L) {
  size_t i = size >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  L->n = 0;
  L->off = malloc((size + 1) * sizeof *L->off);
  L->len = malloc((size + 1) * sizeof *L->len);
  if (!L->off || !L->len) abort();
  while (i < size) {
    size_t j = i;
    while (j < size && d[j] != '\n' && d[j] != '\r') j++;
    L->off[L->n] = i;
    L->len[L->n] = j - i;
    L->n++;
    if (j < size && d[j] == '\r' && j + 1 < size && d[j + 1] == '\n') j++;
    i = j + 1;
  }
}

static inline void fuzz_lines_free(fuzz_lines *L) {
  free(L->off);
  free(L->len);
}

/* Blank lines by format: TSV skips empty lines, CSV and JSONL lines of spaces and TABs (libcsv
 * skips those: they hold no field), plain text skips none (an empty line is an empty record). */
static inline bool fuzz_line_blank(const uint8_t *d, const fuzz_lines *L, size_t k,
                                   vb_format fmt) {
  if (fmt == VB_FORMAT_TXT) return false;
  if (fmt == VB_FORMAT_TSV) return L->len[k] == 0;
  for (size_t i = 0; i < L->len[k]; i++)
    if (d[L->off[k] + i] != ' ' && d[L->off[k] + i] != '\t') return false;
  return true;
}

typedef struct fuzz_account {
  const uint8_t *data;
  fuzz_lines L;
  vb_format fmt;
  long covered;    /* the last line accounted for (1-based) */
  size_t records;
} fuzz_account;

/* `first` is the line before the first record can start: 0 without a header; for TSV the
 * header's line; for CSV, whose header may span lines, -1 (not checked up to the first
 * record). */
static inline void fuzz_account_begin(fuzz_account *a, const uint8_t *d, size_t size,
                                      vb_format fmt) {
  memset(a, 0, sizeof *a);
  a->data = d;
  a->fmt = fmt;
  fuzz_lines_cut(d, size, &a->L);
  a->covered = -1;
  if (fmt == VB_FORMAT_JSONL || fmt == VB_FORMAT_TXT) a->covered = 0;
  if (fmt == VB_FORMAT_TSV) { /* the header: the first non-empty line */
    size_t k = 0;
    while (k < a->L.n && a->L.len[k] == 0) k++;
    a->covered = (long)k + 1;
  }
}

static inline void fuzz_account_gap(const fuzz_account *a, long from, long to) {
  for (long k = from; k <= to; k++) FUZZ_CHECK(fuzz_line_blank(a->data, &a->L, (size_t)k - 1, a->fmt));
}

static inline void fuzz_account_record(fuzz_account *a, const vb_record *r) {
  a->records++;
  FUZZ_CHECK(r->index == a->records);
  FUZZ_CHECK(r->line >= 1 && r->line <= r->line_end);
  FUZZ_CHECK((size_t)r->line_end <= a->L.n);
  if (a->covered >= 0) {
    FUZZ_CHECK(r->line > a->covered);
    fuzz_account_gap(a, a->covered + 1, r->line - 1);
  }
  a->covered = r->line_end;
  if (r->error) FUZZ_CHECK(r->error < 0);
}

static inline void fuzz_account_end(fuzz_account *a) {
  if (a->covered >= 0) fuzz_account_gap(a, a->covered + 1, (long)a->L.n);
  fuzz_lines_free(&a->L);
}

/* Reads every record of `data` with `o` and checks it: accounting, every field valid UTF-8
 * and NUL-terminated, the read ends cleanly (no read error on memory). `names` are the fields
 * asked for (unknown columns are fine). Returns the records read, or -1 when the reader
 * refused the input at the start. */
static inline long fuzz_read_all(const uint8_t *data, size_t size, const vb_reader_options *o,
                                 const char *const *names, size_t n_names) {
  FILE *fp = fuzz_stream(data, size);
  if (!fp) return -1;
  vb_reader *rd;
  vb_error err;
  int rc = vb_reader_new(fp, o, NULL, NULL, &rd, &err);
  if (rc != VB_OK) {
    FUZZ_CHECK(rc < 0 && err.message[0] != '\0'); /* every refusal says why */
    fclose(fp);
    return -1;
  }
  int h[16];
  for (size_t i = 0; i < n_names && i < 16; i++) h[i] = vb_reader_field(rd, names[i], NULL);
  /* every field too (vb_reader_record_fields), in half the inputs: it turns the JSONL fast
   * path off */
  bool all = size && (data[size - 1] & 1);
  if (all) vb_reader_keep_fields(rd);
  const char *const *cols;
  size_t n_cols = vb_reader_columns(rd, &cols);
  /* UTF-16 is converted before lines are cut: the lines to account for are the UTF-8's */
  unsigned char *u8 = NULL;
  int enc = vb__reader_encoding(rd);
  if (enc == VB__ENC_UTF16LE || enc == VB__ENC_UTF16BE) {
    size_t skip = size >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) ||
                                (data[0] == 0xFE && data[1] == 0xFF)) ? 2 : 0, used;
    u8 = malloc(size * 2 + 8);
    if (!u8) abort();
    size = vb__utf16_decode(data + skip, size - skip, enc == VB__ENC_UTF16BE, true, (char *)u8,
                            size * 2 + 8, &used);
    data = u8;
  }
  fuzz_account a;
  fuzz_account_begin(&a, data, size, vb_reader_format(rd));
  const vb_record *rec;
  while ((rc = vb_reader_next(rd, &rec)) == 1) {
    fuzz_account_record(&a, rec);
    for (size_t i = 0; i < n_names && i < 16; i++) {
      size_t n;
      const char *v = vb_reader_get(rd, h[i], &n);
      if (!v) continue;
      FUZZ_CHECK(vb_utf8_check(v, n) == n);
      FUZZ_CHECK(v[n] == '\0');
      double x;
      (void)vb_parse_number(v, n, &x);
    }
    const vb_field *f;
    size_t nf;
    FUZZ_CHECK(vb_reader_record_fields(rd, &f, &nf) == VB_OK);
    FUZZ_CHECK(!all || rec->error || !n_cols || nf == n_cols); /* CSV, TSV: every column */
    for (size_t i = 0; i < nf; i++) {
      FUZZ_CHECK(strlen(f[i].name) == f[i].name_len);
      FUZZ_CHECK(vb_utf8_check(f[i].name, f[i].name_len) == f[i].name_len);
      FUZZ_CHECK(f[i].value[f[i].value_len] == '\0');
      FUZZ_CHECK(vb_utf8_check(f[i].value, f[i].value_len) == f[i].value_len);
    }
  }
  FUZZ_CHECK(rc == 0);
  size_t recs, warns, errs;
  vb_reader_stats(rd, &recs, &warns, &errs);
  FUZZ_CHECK(recs == a.records);
  fuzz_account_end(&a);
  vb_reader_free(rd);
  fclose(fp);
  free(u8);
  return (long)a.records;
}
#endif
