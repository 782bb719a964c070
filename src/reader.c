/*
 * reader.c - records from CSV, TSV, JSONL and plain text, with a position for every problem.
 *
 * Input is read in blocks and cut into physical lines (LF, CRLF or a lone CR). Each line is
 * checked for UTF-8 and NUL bytes first, so every encoding problem is reported with its exact
 * line and byte column whatever the format, and repaired (U+FFFD) before any parser sees it.
 * A line longer than the record limit is skipped to its end and its record marked as an error,
 * so a 1 GB line costs no more memory than the limit.
 *
 * CSV is parsed by libcsv (RFC 4180, strict mode), fed one line at a time: a record then ends
 * exactly at the end of the line that completes it, which gives its first and last line for
 * free. When libcsv rejects a line (a quote inside an unquoted field) the record's raw lines
 * are parsed again in lenient mode so that the record is reported, kept and read as well as
 * it can be. A quoted field still open at the end of the input is reported at the line where
 * it started, and the lines it swallowed are read again as records, so that an unbalanced
 * quote loses no record.
 * TSV is split at TABs (no quoting, as the contract says); JSONL by jansson, one object a
 * line, fields by key or dotted path; plain text is one record a line. Transcripts are read
 * line by line into speaker turns by transcript.c.
 */
#define _POSIX_C_SOURCE 200809L /* fileno, fstat, poll */
#include <csv.h>
#include <errno.h>
#include <poll.h>
#include <sys/stat.h>
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "vb_internal.h"

#define VB_DEFAULT_MAX_FIELD (1u << 20)
#define VB_DEFAULT_MAX_FIELDS 10000
#define VB_BLOCK 65536

typedef struct rawline {
  size_t off, len;
  long lineno;
  size_t bad; /* invalid sequences repaired in it (reported when first read) */
} rawline;

typedef struct cell {
  size_t off, len;
  bool present;
  bool in_line; /* the bytes are in the line itself (a JSON string without escapes), not vals */
} cell;

struct vb_reader {
  FILE *fp;
  vb_format fmt;
  char name[512];
  char delim;
  size_t max_field, max_fields, max_line;
  vb_problem_fn problem;
  void *ctx;

  /* block reader */
  char *blk;
  size_t blk_len, blk_pos;
  bool eof, read_error, pending_cr;
  bool stream;                 /* a pipe, socket or terminal: take what has arrived (fill) */
  /* another encoding than UTF-8 (vb_reader_options.encoding, a UTF-16 byte-order mark) */
  int enc;                     /* VB__ENC_* */
  vb__sbcs *sb;                /* VB__ENC_SINGLE: each line converted through it */
  unsigned char *u16;          /* UTF-16: the bytes read and not yet converted */
  size_t u16_len;
  bool u16_end;                /* the input has ended: what is left is converted as it is */
  bool hinted;                 /* said that the input may be in another encoding */
  void (*on_wait)(void *ctx);  /* vb_reader_on_wait() */
  void *wait_ctx;
  long lineno;       /* number of the line last read */
  vb__buf line;      /* the line last read, without its terminator */
  bool line_long;    /* it exceeded max_line and was cut */
  size_t line_bad;   /* invalid UTF-8 sequences / NUL bytes repaired in it */
  vb__buf fixbuf;

  /* pushed-back lines (CSV recovery): read again before the input */
  vb__buf replay;
  rawline *replay_lines;
  size_t n_replay, cap_replay, replay_pos;

  /* header and wanted fields */
  char **cols;
  size_t n_cols;
  struct { char *name; size_t len; long col; } *fields;
  size_t n_fields, cap_fields;
  uint64_t field_bits; /* JSONL: the wanted fields' json_key_bit */

  /* current record */
  vb_record rec;
  vb__buf vals;
  cell *cells;
  size_t n_cells, cap_cells;
  cell *fcells; /* JSONL: one per wanted field */
  size_t cap_fcells;
  struct jval *jvals; /* JSONL fast path: the value found for each wanted field */
  size_t cap_jvals;
  bool jsonl_slow;   /* every line through jansson (tests compare the two paths) */
  bool jsonl_paths;  /* a wanted field is a dotted path (or empty, or long): jansson only */
  size_t jsonl_fast_lines;
  struct jkey *jkeys; /* JSONL fast path: the keys of the last line, by place (jkey_hit) */

  /* CSV state */
  struct csv_parser csv;
  bool csv_open, row_done, field_too_big, too_many_fields, lenient;
  bool oom; /* an allocation failed inside a libcsv callback: the reader gives VB_ENOMEM */
  vb__buf raw; /* the raw lines of the record being parsed */
  rawline *raw_lines;
  size_t n_raw, cap_raw;

  /* transcripts */
  vb__tr *tr;
  bool tr_eof;
  bool tr_again; /* the line read is to be passed again (vb__tr_line: VB__TR_AGAIN) */

  /* vb_reader_record_fields(): the fields, their names and values in rf_vals */
  bool keep_fields; /* vb_reader_keep_fields(): JSONL lines left as read (not the fast path) */
  vb_field *rf;
  size_t cap_rf;
  vb__buf rf_vals;

  size_t records, warnings, errors;
};

/* ---- problems ---- */

static void report(vb_reader *rd, int severity, long line, long col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void report(vb_reader *rd, int severity, long line, long col, const char *fmt, ...) {
  if (severity == VB_PROBLEM_ERROR) rd->errors++;
  else rd->warnings++;
  if (!rd->problem) return;
  vb_error e = {0};
  e.code = severity == VB_PROBLEM_ERROR ? VB_EPARSE : 0;
  snprintf(e.file, sizeof e.file, "%.255s", rd->name);
  e.line = line;
  e.column = col;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e.message, sizeof e.message, fmt, ap);
  va_end(ap);
  rd->problem(rd->ctx, severity, &e);
}

/* ---- physical lines ---- */

/* The bytes fp has read from its file that we have not read yet: glibc's FILE read as gnulib's
 * freadahead() reads it (the bytes pushed back by ungetc() are left out: at worst a caller's
 * on_wait comes early). Only with glibc: elsewhere no input is a stream (vb_reader_new). */
static size_t stdio_ahead(FILE *fp) {
#if defined(__GLIBC__)
  if (fp->_IO_write_ptr > fp->_IO_write_base) return 0;
  return (size_t)(fp->_IO_read_end - fp->_IO_read_ptr);
#else
  (void)fp;
  return 0;
#endif
}

/* From a stream, what has arrived, without waiting for a whole block (fread would wait for
 * VB_BLOCK bytes, and a record that came alone would stay unread until more follow). When
 * nothing has arrived, the caller hears of it first (vb_reader_on_wait). */
static size_t fill_stream(vb_reader *rd, char *buf, size_t cap) {
  size_t ahead = stdio_ahead(rd->fp), n = 0;
  if (ahead == 0) {
    if (rd->on_wait) {
      struct pollfd pfd = {fileno(rd->fp), POLLIN, 0};
      if (poll(&pfd, 1, 0) == 0) rd->on_wait(rd->wait_ctx);
    }
    int c = getc(rd->fp); /* waits for the next bytes, and buffers all that came with it */
    if (c == EOF) return 0;
    buf[n++] = (char)c;
    ahead = stdio_ahead(rd->fp);
  }
  if (ahead > cap - n) ahead = cap - n;
  return n + fread(buf + n, 1, ahead, rd->fp);
}

/* At the start of a stream, whose first fill may hold fewer bytes than the reader looks at
 * (a byte-order mark, the first byte of a JSON object): reads on to `need` bytes, unless the
 * input ends first. */
static void fill_upto(vb_reader *rd, size_t need) {
  while (rd->stream && !rd->eof && rd->blk_len < need && rd->blk_len < VB_BLOCK) {
    int c = getc(rd->fp);
    if (c == EOF) return;
    rd->blk[rd->blk_len++] = (char)c;
  }
}

static size_t fill_raw(vb_reader *rd, char *buf, size_t cap) {
  return rd->stream ? fill_stream(rd, buf, cap) : fread(buf, 1, cap, rd->fp);
}

/* UTF-16 input read into the block converted to UTF-8, before lines are cut (encoding.c).
 * rd->u16 holds VB_BLOCK bytes. */
static size_t fill_utf16(vb_reader *rd) {
  for (;;) {
    size_t used, n = vb__utf16_decode(rd->u16, rd->u16_len, rd->enc == VB__ENC_UTF16BE,
                                      rd->u16_end, rd->blk, VB_BLOCK, &used);
    memmove(rd->u16, rd->u16 + used, rd->u16_len - used);
    rd->u16_len -= used;
    if (n > 0 || rd->u16_end) return n;
    size_t got = fill_raw(rd, (char *)rd->u16 + rd->u16_len, VB_BLOCK - rd->u16_len);
    if (got == 0) rd->u16_end = true; /* the rest (half a character) is converted as it is */
    rd->u16_len += got;
  }
}

static int fill(vb_reader *rd) {
  if (rd->eof) return 0;
  size_t n = rd->u16 ? fill_utf16(rd) : fill_raw(rd, rd->blk, VB_BLOCK);
  rd->blk_len = n;
  rd->blk_pos = 0;
  if (n == 0) {
    if (ferror(rd->fp)) rd->read_error = true;
    rd->eof = true;
  }
  return (int)n;
}

/* What is wrong with the invalid UTF-8 sequence at p[0] (n bytes left on the line), in words a
 * user can act on: a Latin-1 or Windows-1252 file shows as truncated sequences, CESU-8 or a
 * Java export as surrogates, a badly converted file as overlong forms. */
static const char *utf8_fault(const unsigned char *p, size_t n, bool last_line) {
  unsigned c = p[0];
  if (c >= 0x80 && c <= 0xBF) return "a continuation byte without a lead byte";
  if (c == 0xC0 || c == 0xC1) return "an overlong encoding";
  if (c >= 0xF5) return "a byte that never occurs in UTF-8";
  size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  for (size_t k = 1; k < need; k++) {
    if (k >= n)
      return last_line ? "a sequence cut off by the end of the file"
                       : "a sequence cut off by the end of the line";
    if ((p[k] & 0xC0) != 0x80) return "an incomplete sequence (a lead byte without its continuation)";
  }
  if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xF0 && p[1] < 0x90)) return "an overlong encoding";
  if (c == 0xED && p[1] >= 0xA0) return "a UTF-16 surrogate (CESU-8?)";
  if (c == 0xF4 && p[1] >= 0x90) return "a code point above U+10FFFF";
  return "an invalid sequence";
}

/* Zero bytes kept after every line read (line_pad): sixteen bytes can be loaded from any place
 * in the line, and a zero byte stops the scans that look for a quote or a control character. */
#define VB_LINE_PAD 16

static int line_pad(vb__buf *line) {
  if (line->cap - line->len <= VB_LINE_PAD && vb__buf_reserve(line, VB_LINE_PAD)) return VB_ENOMEM;
  memset(line->data + line->len, 0, VB_LINE_PAD);
  return VB_OK;
}

/* Whether s[0..len) is valid UTF-8 without NUL bytes: vb_utf8_check(s, len) == len and no
 * memchr(s, 0, len), in one pass; the VB_LINE_PAD bytes after s[len) must be zero (with SSE2
 * the last sixteen bytes are read whole). tests/unit/test_reader.c compares it with the two
 * calls. */
bool vb__reader_line_clean(const char *s, size_t len) {
#if VB_SSE2
  return vb__utf8_valid16((const unsigned char *)s, len, true, true) == len;
#else
  return vb_utf8_check(s, len) == len && !memchr(s, '\0', len);
#endif
}

/* A bad byte at column col of the current line, replaced by U+FFFD: the first three of a line
 * are reported, then that there are more. */
static void bad_byte(vb_reader *rd, size_t *reported, size_t col, const char *what) {
  if (*reported < 3) report(rd, VB_PROBLEM_ERROR, rd->lineno, (long)col, "%s", what);
  else if (*reported == 3)
    report(rd, VB_PROBLEM_WARNING, rd->lineno, (long)col,
           "more invalid bytes on this line (not reported one by one)");
  ++*reported;
  rd->line_bad++;
}


/* A line in a one-byte code page (vb_reader_options.encoding): each byte through the table;
 * a byte the code page leaves undefined, and a NUL byte, become U+FFFD, each reported at its
 * column in the file. */
static int decode_line(vb_reader *rd) {
  size_t len = rd->line.len, i = 0;
  const unsigned char *p = (const unsigned char *)rd->line.data;
  while (i < len && p[i] != 0 && p[i] < 0x80) i++;
  if (i == len) return line_pad(&rd->line); /* ASCII: as it is */
  if (!rd->hinted) { /* the first line that is not ASCII: code-page text is seldom valid UTF-8
                        by chance, so such a line says the file may be UTF-8 */
    rd->hinted = true;
    if (line_pad(&rd->line)) return VB_ENOMEM;
    if (vb__reader_line_clean(rd->line.data, len))
      report(rd, VB_PROBLEM_WARNING, rd->lineno, (long)i + 1, "this line is valid UTF-8: is the "
             "input UTF-8 rather than %s? (read as %s)", rd->sb->name, rd->sb->name);
    p = (const unsigned char *)rd->line.data;
  }
  rd->fixbuf.len = 0;
  if (vb__buf_reserve(&rd->fixbuf, len * 3 + 4)) return VB_ENOMEM;
  char *out = rd->fixbuf.data;
  memcpy(out, p, i);
  size_t o = i, reported = 0;
  for (; i < len; i++) {
    size_t run = i; /* ASCII as it is, a run at a time */
    while (run < len && p[run] != 0 && p[run] < 0x80) run++;
    memcpy(out + o, p + i, run - i);
    o += run - i;
    if ((i = run) == len) break;
    unsigned b = p[i];
    if (b != 0 && rd->sb->len[b]) {
      memcpy(out + o, rd->sb->to[b], rd->sb->len[b]);
      o += rd->sb->len[b];
      continue;
    }
    char what[96];
    if (b == 0) snprintf(what, sizeof what, "NUL byte replaced by U+FFFD");
    else snprintf(what, sizeof what, "byte 0x%02X is not a character in %s: replaced by U+FFFD",
                  b, rd->sb->name);
    bad_byte(rd, &reported, i + 1, what);
    memcpy(out + o, "\xEF\xBF\xBD", 3);
    o += 3;
  }
  rd->line.len = 0;
  if (vb__buf_append(&rd->line, out, o)) return VB_ENOMEM;
  return line_pad(&rd->line);
}

/* Repairs the current line: invalid UTF-8 and NUL bytes become U+FFFD, each reported. */
static int repair_line(vb_reader *rd) {
  rd->line_bad = 0;
  if (rd->sb) return decode_line(rd);
  size_t len = rd->line.len;
  if (line_pad(&rd->line)) return VB_ENOMEM;
  const char *s = rd->line.data;
  if (vb__reader_line_clean(s, len)) return VB_OK;
  rd->fixbuf.len = 0;
  if (vb__buf_reserve(&rd->fixbuf, len * 3 + 4)) return VB_ENOMEM;
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, o = 0, reported = 0;
  int first_bad = -1;      /* the first invalid byte */
  bool valid_wide = false; /* a character of two bytes or more decoded well */
  while (i < len) {
    size_t adv;
    int32_t cp = vb__utf8_decode(p + i, len - i, &adv);
    if (cp > 0x7F) valid_wide = true;
    if (cp <= 0) {
      char what[128];
      if (cp == 0) snprintf(what, sizeof what, "NUL byte replaced by U+FFFD");
      else if (rd->u16)
        snprintf(what, sizeof what, "an unpaired UTF-16 surrogate replaced by U+FFFD");
      else
        snprintf(what, sizeof what, "invalid UTF-8 (byte 0x%02X: %s) replaced by U+FFFD", p[i],
                 utf8_fault(p + i, len - i, rd->eof && rd->blk_pos >= rd->blk_len));
      bad_byte(rd, &reported, i + 1, what);
      if (cp < 0 && first_bad < 0) first_bad = p[i];
      memcpy(rd->fixbuf.data + o, "\xEF\xBF\xBD", 3);
      o += 3;
      i++;
      if (cp < 0)
        while (i < len && (p[i] & 0xC0) == 0x80) i++;
      continue;
    }
    memcpy(rd->fixbuf.data + o, s + i, adv);
    o += adv;
    i += adv;
  }
  if (first_bad >= 0xC0 && first_bad <= 0xFE && !valid_wide && !rd->u16 && !rd->hinted) {
    /* once: most such files are an Excel export in the system's code page, whose letters are
     * 0xC0-0xFE; not for a stray byte in a line of good UTF-8, nor for 0x80-0xBF (a cut UTF-8
     * sequence more often than a code page's punctuation) */
    rd->hinted = true;
    const char *cp = vb__legacy_guess(p, len);
    report(rd, VB_PROBLEM_WARNING, rd->lineno, 0,
           "the input may not be UTF-8 but %s (%s): if so, give its encoding (verbatim "
           "--encoding %s) and nothing is replaced", cp,
           !strcmp(cp, "windows-1255") ? "a Hebrew Excel export"
                                        : "a Swedish or Danish Excel export", cp);
  }
  rd->line.len = 0;
  if (vb__buf_append(&rd->line, rd->fixbuf.data, o)) return VB_ENOMEM;
  return line_pad(&rd->line);
}

/* Reads the next physical line into rd->line, followed by VB_LINE_PAD zero bytes unless it was
 * cut for being too long. Returns 1, 0 at the end, or VB_EIO. */
static int next_line(vb_reader *rd) {
  rd->line.len = 0;
  rd->line_long = false;
  rd->line_bad = 0;
  if (rd->replay_pos < rd->n_replay) {
    rawline *rl = &rd->replay_lines[rd->replay_pos++];
    rd->lineno = rl->lineno;
    rd->line_bad = rl->bad;
    if (vb__buf_append(&rd->line, rd->replay.data + rl->off, rl->len) || line_pad(&rd->line))
      return VB_ENOMEM;
    if (rd->replay_pos == rd->n_replay) rd->replay_pos = rd->n_replay = rd->replay.len = 0;
    return 1;
  }
  bool any = false;
  for (;;) {
    if (rd->blk_pos >= rd->blk_len) {
      if (fill(rd) == 0) {
        if (rd->read_error) return VB_EIO;
        if (!any) return 0;
        break;
      }
    }
    const char *b = rd->blk + rd->blk_pos;
    size_t avail = rd->blk_len - rd->blk_pos;
    if (rd->pending_cr) {
      /* CR LF split across two blocks */
      rd->pending_cr = false;
      if (b[0] == '\n') {
        rd->blk_pos++;
        continue;
      }
    }
    /* the first LF or CR: memchr twice, the second only up to the first */
    const char *nl = memchr(b, '\n', avail);
    const char *cr = memchr(b, '\r', nl ? (size_t)(nl - b) : avail);
    if (cr) nl = cr;
    size_t take = nl ? (size_t)(nl - b) : avail;
    any = true;
    if (!rd->line_long) {
      if (rd->line.len + take > rd->max_line) {
        rd->line_long = true;
      } else if (vb__buf_add(&rd->line, b, take)) {
        return VB_ENOMEM;
      }
    }
    rd->blk_pos += take;
    if (nl) {
      rd->blk_pos++;
      if (*nl == '\r') {
        if (rd->blk_pos < rd->blk_len) {
          if (rd->blk[rd->blk_pos] == '\n') rd->blk_pos++;
        } else {
          rd->pending_cr = true;
        }
      }
      break;
    }
  }
  rd->lineno++;
  if (rd->line.data == NULL && vb__buf_append(&rd->line, "", 0)) return VB_ENOMEM;
  if (!rd->line_long && repair_line(rd)) return VB_ENOMEM;
  return 1;
}

/* ---- cells ---- */

static int cell_add(vb_reader *rd, const void *s, size_t len, bool present) {
  if (vb__grow(&rd->cells, &rd->cap_cells, rd->n_cells + 1, sizeof *rd->cells)) return VB_ENOMEM;
  cell *c = &rd->cells[rd->n_cells++];
  c->off = rd->vals.len;
  c->len = len;
  c->present = present;
  c->in_line = false;
  if (vb__buf_append(&rd->vals, s, len)) return VB_ENOMEM;
  return vb__buf_putc(&rd->vals, '\0');
}

static void record_reset(vb_reader *rd) {
  rd->n_cells = 0;
  rd->vals.len = 0;
  memset(&rd->rec, 0, sizeof rd->rec);
}

static void record_error(vb_reader *rd, int code, const char *msg) {
  if (rd->rec.error) return;
  rd->rec.error = code;
  snprintf(rd->rec.error_msg, sizeof rd->rec.error_msg, "%s", msg);
}

/* ---- CSV ---- */

static void csv_field_cb(void *s, size_t len, void *data) {
  vb_reader *rd = data;
  if (rd->n_cells >= rd->max_fields) {
    rd->too_many_fields = true;
    return;
  }
  if (len > rd->max_field) {
    rd->field_too_big = true;
    if (cell_add(rd, "", 0, true)) rd->oom = true;
    return;
  }
  if (cell_add(rd, s ? s : "", s ? len : 0, true)) rd->oom = true;
}

static void csv_row_cb(int c, void *data) {
  (void)c;
  vb_reader *rd = data;
  rd->row_done = true;
}

static int csv_start(vb_reader *rd, bool lenient) {
  if (rd->csv_open) csv_free(&rd->csv);
  if (csv_init(&rd->csv, lenient ? CSV_APPEND_NULL : (CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)))
    return VB_ENOMEM;
  csv_set_delim(&rd->csv, (unsigned char)rd->delim);
  /* libcsv's field buffer comes from our allocator too (vb_set_allocator) */
  csv_set_realloc_func(&rd->csv, vb__realloc);
  csv_set_free_func(&rd->csv, vb__free);
  rd->csv_open = true;
  rd->lenient = lenient;
  return VB_OK;
}

static int raw_keep(vb_reader *rd) {
  if (vb__grow(&rd->raw_lines, &rd->cap_raw, rd->n_raw + 1, sizeof *rd->raw_lines))
    return VB_ENOMEM;
  rd->raw_lines[rd->n_raw].off = rd->raw.len;
  rd->raw_lines[rd->n_raw].len = rd->line.len;
  rd->raw_lines[rd->n_raw].lineno = rd->lineno;
  rd->raw_lines[rd->n_raw].bad = rd->line_bad;
  rd->n_raw++;
  return vb__buf_append(&rd->raw, rd->line.data, rd->line.len);
}

/* Puts raw lines [from, n_raw) back in front of the input. */
static int replay_raw(vb_reader *rd, size_t from) {
  vb__buf nb = {0};
  rawline *nl = NULL;
  size_t n = 0, cap = 0;
  for (size_t k = from; k < rd->n_raw; k++) {
    if (vb__grow(&nl, &cap, n + 1, sizeof *nl)) goto fail;
    nl[n].off = nb.len;
    nl[n].len = rd->raw_lines[k].len;
    nl[n].lineno = rd->raw_lines[k].lineno;
    nl[n].bad = rd->raw_lines[k].bad;
    n++;
    if (vb__buf_append(&nb, rd->raw.data + rd->raw_lines[k].off, rd->raw_lines[k].len)) goto fail;
  }
  /* then whatever was already waiting */
  for (size_t k = rd->replay_pos; k < rd->n_replay; k++) {
    if (vb__grow(&nl, &cap, n + 1, sizeof *nl)) goto fail;
    nl[n].off = nb.len;
    nl[n].len = rd->replay_lines[k].len;
    nl[n].lineno = rd->replay_lines[k].lineno;
    nl[n].bad = rd->replay_lines[k].bad;
    n++;
    if (vb__buf_append(&nb, rd->replay.data + rd->replay_lines[k].off, rd->replay_lines[k].len))
      goto fail;
  }
  vb__buf_free(&rd->replay);
  vb__free(rd->replay_lines);
  rd->replay = nb;
  rd->replay_lines = nl;
  rd->n_replay = n;
  rd->cap_replay = cap;
  rd->replay_pos = 0;
  return VB_OK;
fail:
  vb__buf_free(&nb);
  vb__free(nl);
  return VB_ENOMEM;
}

/* Puts the line just read back, to be read again. */
static int replay_raw_line(vb_reader *rd) {
  rd->n_raw = 0;
  rd->raw.len = 0;
  if (raw_keep(rd)) return VB_ENOMEM;
  int rc = replay_raw(rd, 0);
  rd->n_raw = 0;
  rd->raw.len = 0;
  return rc;
}

/* Feeds the current line (and its terminator) to libcsv. On a parse error returns VB_EPARSE
 * and sets `*at` to the byte offset in the line where libcsv stopped. */
static int csv_feed_line(vb_reader *rd, size_t *at) {
  /* the terminator is part of the CSV text: inside quotes it belongs to the field */
  if (vb__buf_putc(&rd->line, '\n')) return VB_ENOMEM;
  size_t n = csv_parse(&rd->csv, rd->line.data, rd->line.len, csv_field_cb, csv_row_cb, rd);
  rd->line.len--;
  rd->line.data[rd->line.len] = '\0';
  if (at) *at = n;
  if (rd->oom || (n != rd->line.len + 1 && csv_error(&rd->csv) != CSV_EPARSE)) return VB_ENOMEM;
  return n == rd->line.len + 1 ? VB_OK : VB_EPARSE;
}

/* Ends the parser's input. Returns VB_OK, VB_EPARSE (a quoted field still open, in strict
 * mode) or VB_ENOMEM. */
static int csv_end(vb_reader *rd) {
  int r = csv_fini(&rd->csv, csv_field_cb, csv_row_cb, rd);
  if (rd->oom || (r != 0 && csv_error(&rd->csv) != CSV_EPARSE)) return VB_ENOMEM;
  return r == 0 ? VB_OK : VB_EPARSE;
}

/* The record's first raw line read again with quotes taken as text; the lines after it go
 * back in front of the input to be read as records of their own. Used when the record is
 * malformed (a stray quote, a quote never closed), so that nothing after it is swallowed. */
static int csv_literal_first_line(vb_reader *rd) {
  rd->n_cells = 0;
  rd->vals.len = 0;
  rd->row_done = false;
  rd->field_too_big = rd->too_many_fields = false;
  long first = rd->raw_lines[0].lineno;
  if (replay_raw(rd, 1)) return VB_ENOMEM;
  rd->line.len = 0;
  if (vb__buf_append(&rd->line, rd->raw.data + rd->raw_lines[0].off, rd->raw_lines[0].len))
    return VB_ENOMEM;
  rd->n_raw = 1;
  if (csv_start(rd, true)) return VB_ENOMEM;
  csv_set_quote(&rd->csv, '\0');
  if (csv_feed_line(rd, NULL) == VB_ENOMEM || csv_end(rd) == VB_ENOMEM) return VB_ENOMEM;
  if (csv_start(rd, false)) return VB_ENOMEM;
  rd->rec.line = rd->rec.line_end = first;
  rd->rec.n_invalid_utf8 = (unsigned)rd->raw_lines[0].bad;
  return VB_OK;
}

/* Reads one CSV record into cells. Returns 1, 0 at the end, or a negative code. */
static int csv_record(vb_reader *rd) {
  rd->row_done = false;
  rd->field_too_big = rd->too_many_fields = false;
  rd->n_raw = 0;
  rd->raw.len = 0;
  for (;;) {
    int rc = next_line(rd);
    if (rc < 0) return rc;
    if (rc == 0) {
      /* end of input */
      if (rd->n_raw == 0) return 0;
      int end = csv_end(rd);
      if (end == VB_ENOMEM) return VB_ENOMEM;
      if (end == VB_EPARSE) {
        /* a quoted field still open: report it where it began and read the swallowed lines
         * again as records, the first one with its quotes taken literally */
        long start = rd->raw_lines[0].lineno;
        report(rd, VB_PROBLEM_ERROR, start, 0,
               "quoted field not closed before the end of the input (opened on this line)");
        if (csv_literal_first_line(rd)) return VB_ENOMEM;
        record_error(rd, VB_EPARSE, "unbalanced quote: fields read with quotes as text");
        return 1;
      }
      if (csv_start(rd, rd->lenient)) return VB_ENOMEM;
      if (!rd->row_done) return 0;
      rd->rec.line_end = rd->lineno;
      return 1;
    }
    if (rd->n_raw == 0) rd->rec.line = rd->lineno;
    if (rd->line_long) {
      report(rd, VB_PROBLEM_ERROR, rd->lineno, 1,
             "line longer than %zu bytes: a field is longer than %zu bytes (see --max-field); "
             "record kept as an error", rd->max_line, rd->max_field);
      record_error(rd, VB_ELIMIT, "field too large");
      rd->lenient = false;
      if (csv_start(rd, false)) return VB_ENOMEM;
      rd->rec.line_end = rd->lineno;
      return 1;
    }
    if (rd->line_bad) rd->rec.n_invalid_utf8 += (unsigned)rd->line_bad;
    if (raw_keep(rd)) return VB_ENOMEM;
    if (rd->n_raw == 1 && rd->line.len == 0) {
      /* a blank line between records */
      rd->n_raw = 0;
      rd->raw.len = 0;
      continue;
    }
    size_t at = 0;
    rc = csv_feed_line(rd, &at);
    if (rc == VB_EPARSE) {
      /* libcsv stops just after the offending character: a quote inside an unquoted field,
       * or text after a closing quote */
      report(rd, VB_PROBLEM_ERROR, rd->lineno, (long)at + 1,
             "stray quote: a quote inside an unquoted field or text after a closing quote; "
             "the record's first line is read with quotes as text");
      if (csv_literal_first_line(rd)) return VB_ENOMEM;
      record_error(rd, 0, "");
      return 1;
    } else if (rc) {
      return rc;
    }
    if (!rd->row_done && rd->raw.len > rd->max_line) {
      /* a quoted field that runs on and on: almost surely a quote never closed */
      report(rd, VB_PROBLEM_ERROR, rd->raw_lines[0].lineno, 0,
             "quoted field longer than %zu bytes (opened on this line): read with quotes as "
             "text (see --max-field)", rd->max_line);
      if (csv_literal_first_line(rd)) return VB_ENOMEM;
      record_error(rd, VB_EPARSE, "unbalanced quote: fields read with quotes as text");
      return 1;
    }
    if (rd->row_done) {
      rd->rec.line_end = rd->lineno;
      if (rd->field_too_big) {
        report(rd, VB_PROBLEM_ERROR, rd->rec.line, 0,
               "a field is longer than %zu bytes (see --max-field); record kept as an error",
               rd->max_field);
        record_error(rd, VB_ELIMIT, "field too large");
      }
      if (rd->too_many_fields) {
        report(rd, VB_PROBLEM_ERROR, rd->rec.line, 0,
               "more than %zu fields in this record (the limit); record kept as an error",
               rd->max_fields);
        record_error(rd, VB_ELIMIT, "too many fields");
      }
      return 1;
    }
  }
}

/* ---- TSV and plain text ---- */

static int tsv_record(vb_reader *rd, bool txt) {
  for (;;) {
    int rc = next_line(rd);
    if (rc <= 0) return rc;
    rd->rec.line = rd->rec.line_end = rd->lineno;
    if (rd->line_long) {
      report(rd, VB_PROBLEM_ERROR, rd->lineno, 1,
             "line longer than %zu bytes: a field is longer than %zu bytes (see --max-field); "
             "record kept as an error", rd->max_line, rd->max_field);
      record_error(rd, VB_ELIMIT, "field too large");
      return 1;
    }
    rd->rec.n_invalid_utf8 = (unsigned)rd->line_bad;
    if (txt && rd->line.len > rd->max_field) {
      report(rd, VB_PROBLEM_ERROR, rd->lineno, 1,
             "a line is longer than %zu bytes (see --max-field); record kept as an error",
             rd->max_field);
      record_error(rd, VB_ELIMIT, "field too large");
      return cell_add(rd, "", 0, true) ? VB_ENOMEM : 1;
    }
    if (txt) return cell_add(rd, rd->line.data, rd->line.len, true) ? VB_ENOMEM : 1;
    if (rd->line.len == 0) continue; /* blank line */
    const char *p = rd->line.data, *end = p + rd->line.len;
    for (;;) {
      const char *t = memchr(p, '\t', (size_t)(end - p));
      const char *e = t ? t : end;
      if (rd->n_cells >= rd->max_fields) {
        report(rd, VB_PROBLEM_ERROR, rd->lineno, (long)(p - rd->line.data) + 1,
               "more than %zu fields in this record (the limit); record kept as an error",
               rd->max_fields);
        record_error(rd, VB_ELIMIT, "too many fields");
        break;
      }
      if ((size_t)(e - p) > rd->max_field) {
        report(rd, VB_PROBLEM_ERROR, rd->lineno, (long)(p - rd->line.data) + 1,
               "a field is longer than %zu bytes (see --max-field)", rd->max_field);
        record_error(rd, VB_ELIMIT, "field too large");
        if (cell_add(rd, "", 0, true)) return VB_ENOMEM;
      } else if (cell_add(rd, p, (size_t)(e - p), true)) {
        return VB_ENOMEM;
      }
      if (!t) break;
      p = t + 1;
    }
    return 1;
  }
}

/* ---- transcripts ---- */

static void tr_problem(void *ctx, int severity, long line, const char *msg) {
  report(ctx, severity, line, 1, "%s", msg);
}

/* The next turn or respondent (transcript.c gives them out when their interview has ended);
 * its fields as cells, one per wanted field. */
static int transcript_record(vb_reader *rd) {
  vb__trrec tr;
  int rc;
  while ((rc = vb__tr_next(rd->tr, &tr)) == 0) {
    if (rd->tr_eof) return 0;
    if (!rd->tr_again) { /* (else the line that ended a long interview's part, again) */
      rc = next_line(rd);
      if (rc < 0) return rc;
      if (rc == 0) {
        rd->tr_eof = true;
        if ((rc = vb__tr_finish(rd->tr))) return rc;
        continue;
      }
      if (rd->line_long)
        report(rd, VB_PROBLEM_ERROR, rd->lineno, 1,
               "line longer than %zu bytes (see --max-field); its turn kept as an error",
               rd->max_line);
    }
    rc = vb__tr_line(rd->tr, rd->line.data, rd->line_long ? 0 : rd->line.len, rd->lineno,
                     rd->line_bad, rd->line_long);
    rd->tr_again = rc == VB__TR_AGAIN;
    if (rc < 0) return rc;
  }
  if (rc < 0) return rc;
  rd->rec.line = tr.line;
  rd->rec.line_end = tr.line_end;
  rd->rec.n_invalid_utf8 = (unsigned)tr.bad;
  if (tr.error == VB__TR_ERR_LINE) record_error(rd, VB_ELIMIT, "field too large");
  bool big = tr.text_len > rd->max_field || tr.error == VB__TR_ERR_BIG;
  if (big && tr.error != VB__TR_ERR_LINE) {
    report(rd, VB_PROBLEM_ERROR, tr.line, 1,
           "a turn (or a respondent's turns) longer than %zu bytes (see --max-field); record "
           "kept as an error", rd->max_field);
    record_error(rd, VB_ELIMIT, "field too large");
  }
  for (size_t i = 0; i < rd->n_fields; i++) {
    const char *v;
    size_t len;
    if (!strcmp(rd->fields[i].name, "text")) {
      v = big || tr.error ? "" : tr.text;
      len = big || tr.error ? 0 : tr.text_len;
    } else if ((rc = vb__tr_get(rd->tr, rd->fields[i].name, &v, &len))) {
      return rc;
    }
    if (cell_add(rd, v ? v : "", v ? len : 0, v != NULL)) return VB_ENOMEM;
  }
  return 1;
}

/* ---- JSONL ---- */

static const json_t *json_path(const json_t *v, const char *path) {
  char part[256];
  while (v && *path) {
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    if (n >= sizeof part) return NULL;
    memcpy(part, path, n);
    part[n] = '\0';
    if (!json_is_object(v)) return NULL;
    const json_t *next = json_object_get(v, part);
    if (!next && dot) {
      /* a key that itself contains dots: "answer.text" as one key */
      next = json_object_get(v, path);
      if (next) return next;
    }
    v = next;
    path = dot ? dot + 1 : path + n;
  }
  return v;
}

/* The shortest text that reads back as the same number: 7.3, not 7.2999999999999998. */
static void real_text(double d, char *num, size_t cap) {
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(num, cap, "%.*g", prec, d);
    if (strtod(num, NULL) == d) break;
  }
}

static int json_value_cell(vb_reader *rd, const json_t *v) {
  char num[64];
  if (!v || json_is_null(v)) return cell_add(rd, "", 0, false);
  if (json_is_string(v)) return cell_add(rd, json_string_value(v), json_string_length(v), true);
  if (json_is_integer(v)) {
    snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return cell_add(rd, num, strlen(num), true);
  }
  if (json_is_real(v)) {
    real_text(json_real_value(v), num, sizeof num);
    return cell_add(rd, num, strlen(num), true);
  }
  if (json_is_boolean(v)) {
    const char *b = json_is_true(v) ? "true" : "false";
    return cell_add(rd, b, strlen(b), true);
  }
  char *d = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
  if (!d) return VB_ENOMEM;
  int rc = cell_add(rd, d, strlen(d), true);
  free(d);
  return rc;
}

/* The byte column (1-based) of a jansson error on a line that starts `skip` bytes before the
 * text parsed. jansson's own column counts characters, and both it and `position` point at the
 * last byte of the offending token; its text ends "near 'TOKEN'", so the token starts that
 * many bytes earlier. */
static long json_error_column(const json_error_t *je, size_t skip) {
  long pos = je->position > 0 ? (long)je->position : 1;
  const char *near = strstr(je->text, " near '");
  size_t tl = strlen(je->text);
  if (near && tl > 0 && je->text[tl - 1] == '\'' && tl < JSON_ERROR_TEXT_LENGTH - 1) {
    long tok = (long)(je->text + tl - 1 - (near + 7));
    if (tok > 0 && tok <= pos) pos = pos - tok + 1;
  }
  return (long)skip + pos;
}

/* ---- JSONL: the fast path ----
 *
 * Most JSONL exports are flat objects, one a line, and jansson builds a tree of every value of
 * every line only for the reader to copy a few of them out. For a line that is a flat object
 * of strings, numbers, true, false and null with plain keys, the fields are found by key in
 * the line itself and the strings unescaped as jansson does. Whatever this path does not
 * handle it leaves alone and the line goes to jansson, which then reports any error with its
 * own message and position: wanted fields whose values are objects or arrays (the others are
 * checked and skipped, down to 32 levels), keys with escapes, \u0000, a
 * lone surrogate, control characters, integers of more than 18 digits, reals over 63 bytes
 * or out of range (or a locale whose decimal point is not a dot), a repeated key, more than 64
 * keys, and any syntax error. The lines it accepts give the same cells as jansson
 * (tests/unit/test_reader.c compares the two). */

typedef struct jval {
  const char *p; /* string: the bytes between the quotes; number: its text */
  size_t len;
  char type; /* 0 absent, 's' string, 'i' integer, 'r' real, 't' true, 'f' false, 'n' null,
                'o' object or array */
  bool esc;  /* a string with backslash escapes */
  double real;
} jval;

#define VB_JSON_FAST_KEYS 64

/* The zero bytes after every line (VB_LINE_PAD, next_line): json_plain_end may read sixteen
 * bytes that pass the line's end (a zero byte ends its scan there), and json_ws needs no test
 * of the end (a zero byte is not white space). */

/* Skips JSON white space; the zero bytes after the line are not. */
static const char *json_ws(const char *p, const char *e) {
  (void)e;
  if (*p == ' ') p++; /* one space, after a colon or a comma, is the usual */
  if ((unsigned char)*p > ' ') return p;
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
  return p;
}

static bool json_hex4(const char *p, const char *e, uint32_t *out) {
  if (e - p < 4) return false;
  uint32_t v = 0;
  for (int k = 0; k < 4; k++) {
    char c = p[k];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
    else return false;
  }
  *out = v;
  return true;
}

/* A \u escape at p ('u' at p[0]); the code point and the bytes it takes, or 0 when this path
 * leaves it to jansson (\u0000, lone or reversed surrogates, bad hex digits). */
static size_t json_u_escape(const char *p, const char *e, uint32_t *cp) {
  uint32_t u, lo;
  if (!json_hex4(p + 1, e, &u) || u == 0 || (u >= 0xDC00 && u <= 0xDFFF)) return 0;
  if (u < 0xD800 || u > 0xDBFF) {
    *cp = u;
    return 5;
  }
  if (e - p < 11 || p[5] != '\\' || p[6] != 'u' || !json_hex4(p + 7, e, &lo) || lo < 0xDC00 ||
      lo > 0xDFFF)
    return 0;
  *cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
  return 11;
}

/* The index of the first byte of x whose high bit is set in m (m != 0, x as loaded by memcpy
 * from memory). */
static unsigned first_marked_byte(uint64_t m) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return (unsigned)__builtin_ctzll(m) >> 3;
#else
  unsigned char b[8];
  memcpy(b, &m, 8);
  unsigned i = 0;
  while (!(b[i] & 0x80)) i++;
  return i;
#endif
}

/* The first byte at or after p that ends a plain run of a JSON string: a quote, a backslash or
 * a control character (below 0x20), or e when that comes first. The line is followed by
 * VB_LINE_PAD zero bytes, so a load that passes e ends the scan at e at the latest. Strings
 * are most of a JSONL line: the byte loop this replaced was two thirds of the JSONL fast path.
 * Portable version, eight bytes at a time: for a word x, (x - ones) & ~x & high marks every
 * zero byte of x, and a byte after a zero byte may be marked by the borrow, but never one
 * before: so the first mark of the test below is the first quote (a zero byte of x ^ '"'),
 * backslash or byte below 0x20 (x - 0x20 borrows there; ~x leaves out the bytes of 0x80 and
 * more). Exposed for the test that compares it with the SSE2 version and a byte loop. */
const char *vb__json_plain_end_swar(const char *p, const char *e) {
  const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
  for (;;) {
    uint64_t x;
    memcpy(&x, p, 8);
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    uint64_t m = (((q - ones) & ~q) | ((b - ones) & ~b) | ((x - ones * 0x20) & ~x)) & high;
    if (m) {
      p += first_marked_byte(m);
      return p < e ? p : e;
    }
    p += 8;
  }
}

#if VB_SSE2
/* The same sixteen bytes at a time with SSE2 (every x86-64 has it): a byte is below 0x20 when
 * the unsigned minimum of it and 0x1F is itself. A third of the instructions of the words. */
const char *vb__json_plain_end_sse2(const char *p, const char *e) {
  const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
  const __m128i ctl = _mm_set1_epi8(0x1F);
  for (;;) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
                             _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x));
    unsigned bits = (unsigned)_mm_movemask_epi8(m);
    if (bits) {
      p += __builtin_ctz(bits);
      return p < e ? p : e;
    }
    p += 16;
  }
}
#define json_plain_end vb__json_plain_end_sse2
#else
#define json_plain_end vb__json_plain_end_swar
#endif

/* A string whose opening quote is at p[-1]: its closing quote, or NULL when this path leaves
 * the line to jansson. The line's UTF-8 is already valid (repair_line). */
static inline const char *json_string_end(const char *p, const char *e, bool *esc) {
  *esc = false;
  for (;;) {
    p = json_plain_end(p, e);
    if (p >= e || (unsigned char)*p < 0x20) return NULL;
    if (*p == '"') return p;
    *esc = true; /* a backslash */
    if (++p >= e) return NULL;
    switch (*p) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't': p++; break;
    case 'u': {
      uint32_t cp;
      size_t k = json_u_escape(p, e, &cp);
      if (!k) return NULL;
      p += k;
      break;
    }
    default: return NULL;
    }
  }
}

/* Appends the unescaped bytes of a string json_string_end accepted. */
static int json_unescape(vb__buf *out, const char *p, size_t len) {
  const char *e = p + len;
  while (p < e) {
    const char *bs = memchr(p, '\\', (size_t)(e - p));
    size_t plain = bs ? (size_t)(bs - p) : (size_t)(e - p);
    if (vb__buf_append(out, p, plain)) return VB_ENOMEM;
    if (!bs) break;
    p = bs + 1;
    char c = *p, tmp[4];
    size_t n = 1;
    switch (c) {
    case 'b': tmp[0] = '\b'; break;
    case 'f': tmp[0] = '\f'; break;
    case 'n': tmp[0] = '\n'; break;
    case 'r': tmp[0] = '\r'; break;
    case 't': tmp[0] = '\t'; break;
    case 'u': {
      uint32_t cp = 0;
      size_t k = json_u_escape(p, e, &cp);
      n = vb__utf8_encode((int32_t)cp, tmp);
      p += k;
      if (vb__buf_append(out, tmp, n)) return VB_ENOMEM;
      continue;
    }
    default: tmp[0] = c; break; /* " \ / */
    }
    p++;
    if (vb__buf_append(out, tmp, n)) return VB_ENOMEM;
  }
  return VB_OK;
}

/* A number as jansson lexes it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?. Returns its
 * end, or NULL when this path leaves it to jansson (malformed, an integer jansson might find
 * too big, a real that is long or overflows). */
static const char *json_number(const char *p, const char *e, jval *v) {
  const char *s = p;
  bool real = false;
  if (p < e && *p == '-') p++;
  if (p < e && *p == '0') {
    p++;
  } else {
    if (p >= e || !vb__ascii_digit(*p)) return NULL;
    while (p < e && vb__ascii_digit(*p)) p++;
  }
  size_t int_digits = (size_t)(p - s) - (*s == '-');
  if (p < e && *p == '.') {
    real = true;
    if (++p >= e || !vb__ascii_digit(*p)) return NULL;
    while (p < e && vb__ascii_digit(*p)) p++;
  }
  if (p < e && (*p == 'e' || *p == 'E')) {
    real = true;
    p++;
    if (p < e && (*p == '+' || *p == '-')) p++;
    if (p >= e || !vb__ascii_digit(*p)) return NULL;
    while (p < e && vb__ascii_digit(*p)) p++;
  }
  v->p = s;
  v->len = (size_t)(p - s);
  if (!real) {
    if (int_digits > 18) return NULL;
    v->type = 'i';
    return p;
  }
  char buf[64];
  /* jansson reads reals whatever the locale's decimal point; strtod only with '.' */
  if (v->len >= sizeof buf || localeconv()->decimal_point[0] != '.') return NULL;
  memcpy(buf, s, v->len);
  buf[v->len] = '\0';
  v->real = strtod(buf, NULL);
  if (isinf(v->real)) return NULL; /* jansson: "real number overflow" */
  v->type = 'r';
  return p;
}

/* A value no wanted field is, checked as jansson checks it (nested objects and arrays too, with
 * their repeated keys): its end, or NULL when this path leaves the line to jansson. */
static const char *json_skip(const char *p, const char *e, int depth) {
  if (p >= e) return NULL;
  switch (*p) {
  case '"': {
    bool esc;
    const char *q = json_string_end(p + 1, e, &esc);
    return q ? q + 1 : NULL;
  }
  case 't': return e - p >= 4 && memcmp(p, "true", 4) == 0 ? p + 4 : NULL;
  case 'f': return e - p >= 5 && memcmp(p, "false", 5) == 0 ? p + 5 : NULL;
  case 'n': return e - p >= 4 && memcmp(p, "null", 4) == 0 ? p + 4 : NULL;
  case '{':
  case '[': {
    if (depth >= 32) return NULL; /* jansson's own limit is 2048 */
    bool obj = *p == '{';
    char close = obj ? '}' : ']';
    struct { const char *p; size_t len; } keys[VB_JSON_FAST_KEYS];
    size_t n_keys = 0;
    p = json_ws(p + 1, e);
    if (p < e && *p == close) return p + 1;
    for (;;) {
      if (obj) {
        bool esc;
        if (p >= e || *p != '"' || n_keys == VB_JSON_FAST_KEYS) return NULL;
        const char *key = p + 1, *kq = json_string_end(key, e, &esc);
        if (!kq || esc) return NULL;
        size_t klen = (size_t)(kq - key);
        for (size_t k = 0; k < n_keys; k++)
          if (keys[k].len == klen && memcmp(keys[k].p, key, klen) == 0) return NULL;
        keys[n_keys].p = key;
        keys[n_keys++].len = klen;
        p = json_ws(kq + 1, e);
        if (p >= e || *p != ':') return NULL;
        p = json_ws(p + 1, e);
      }
      if (!(p = json_skip(p, e, depth + 1))) return NULL;
      p = json_ws(p, e);
      if (p < e && *p == ',') {
        p = json_ws(p + 1, e);
        continue;
      }
      return p < e && *p == close ? p + 1 : NULL;
    }
  }
  default: {
    jval v = {0};
    return json_number(p, e, &v);
  }
  }
}

/* A value's cell. A string without escapes stays where it is in the line: its closing quote
 * becomes the terminating NUL (the line is not read again). */
static int jval_cell(vb_reader *rd, const jval *v) {
  char num[64];
  switch (v->type) {
  case 's': {
    if (!v->esc) {
      if (vb__grow(&rd->cells, &rd->cap_cells, rd->n_cells + 1, sizeof *rd->cells))
        return VB_ENOMEM;
      cell *c = &rd->cells[rd->n_cells++];
      c->off = (size_t)(v->p - rd->line.data);
      c->len = v->len;
      c->present = c->in_line = true;
      rd->line.data[c->off + c->len] = '\0';
      return VB_OK;
    }
    if (vb__grow(&rd->cells, &rd->cap_cells, rd->n_cells + 1, sizeof *rd->cells))
      return VB_ENOMEM;
    cell *c = &rd->cells[rd->n_cells++];
    c->off = rd->vals.len;
    c->present = true;
    c->in_line = false;
    if (json_unescape(&rd->vals, v->p, v->len)) return VB_ENOMEM;
    c->len = rd->vals.len - c->off;
    return vb__buf_putc(&rd->vals, '\0');
  }
  case 'i':
    if (v->len == 2 && v->p[0] == '-' && v->p[1] == '0') return cell_add(rd, "0", 1, true);
    return cell_add(rd, v->p, v->len, true);
  case 'r': real_text(v->real, num, sizeof num); return cell_add(rd, num, strlen(num), true);
  case 't': return cell_add(rd, "true", 4, true);
  case 'f': return cell_add(rd, "false", 5, true);
  default: return cell_add(rd, "", 0, false); /* absent or null */
  }
}

/* A key's bit in a 64-bit set of keys (from its length and its first and last bytes): a key
 * whose bit is not in the set of the line's keys so far is not a repeat, and one whose bit is
 * not in rd->field_bits is not a wanted field, without comparing it with any of them. */
static uint64_t json_key_bit(const char *key, size_t len) {
  unsigned h = (unsigned)len;
  if (len) h += 7u * (unsigned char)key[0] + 13u * (unsigned char)key[len - 1];
  return (uint64_t)1 << (h & 63);
}

/* The lines of a JSONL file mostly have the same keys in the same order, written the same way.
 * So the fast path keeps, for each of the first VB_JSON_KEYS places of an object, the bytes of
 * the key it found there last, from the first byte after the opening quote to the first byte
 * of the value (the key, its closing quote, the colon and the white space around it), with
 * what it learnt of the key: its bit and the wanted field it is. Where the line holds those
 * bytes again, the key is that key (they contain the closing quote, and the key had neither
 * escapes nor control bytes), and its scan, bit and field comparisons are skipped. Only the
 * fast path reads and writes them, and a new wanted field clears them. */
#define VB_JSON_KEYS 16

typedef struct jkey {
  char pat[16];  /* "text\": " without the opening quote */
  unsigned len;  /* bytes of pat, 0 for none */
  unsigned klen; /* the key's */
  uint64_t bit;  /* json_key_bit */
  int field;     /* the wanted field, or -1 */
} jkey;

/* Whether the bytes at p are k's (p has 16 readable bytes: the line's padding). */
static inline bool jkey_hit(const char *p, const jkey *k) {
#if VB_SSE2
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
  __m128i pat = _mm_loadu_si128((const __m128i *)(const void *)k->pat);
  unsigned mask = (1u << k->len) - 1;
  return k->len && ((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, pat)) & mask) == mask;
#else
  return k->len && memcmp(p, k->pat, k->len) == 0;
#endif
}

/* The wanted fields of a flat object on the line s[0..n): 1 when their cells were added, 0
 * when the line is left to jansson (nothing added), or VB_ENOMEM. */
static int jsonl_fast(vb_reader *rd, const char *s, size_t n) {
  const char *p = s, *e = s + n;
  if (p >= e || *p != '{') return 0;
  if (vb__grow(&rd->jvals, &rd->cap_jvals, rd->n_fields ? rd->n_fields : 1, sizeof *rd->jvals))
    return VB_ENOMEM;
  if (!rd->jkeys && !(rd->jkeys = vb__calloc(VB_JSON_KEYS, sizeof *rd->jkeys))) return VB_ENOMEM;
  memset(rd->jvals, 0, rd->n_fields * sizeof *rd->jvals);
  struct { const char *p; size_t len; } keys[VB_JSON_FAST_KEYS];
  size_t n_keys = 0;
  uint64_t key_bits = 0;
  p = json_ws(p + 1, e);
  if (p < e && *p == '}') {
    p++;
  } else {
    for (;;) {
      if (p >= e || *p != '"' || n_keys == VB_JSON_FAST_KEYS) return 0;
      const char *key = p + 1;
      size_t klen;
      uint64_t bit;
      int field = -1;
      jkey *seen = n_keys < VB_JSON_KEYS ? &rd->jkeys[n_keys] : NULL;
      if (seen && jkey_hit(key, seen)) {
        klen = seen->klen;
        bit = seen->bit;
        field = seen->field;
        p = json_ws(key + seen->len, e);
      } else {
        bool esc;
        const char *kq = json_string_end(key, e, &esc);
        if (!kq || esc) return 0;
        klen = (size_t)(kq - key);
        bit = json_key_bit(key, klen);
        if (rd->field_bits & bit)
          for (size_t f = 0; f < rd->n_fields; f++)
            if (rd->fields[f].len == klen && memcmp(rd->fields[f].name, key, klen) == 0)
              field = (int)f;
        p = json_ws(kq + 1, e);
        if (p >= e || *p != ':') return 0;
        p = json_ws(p + 1, e);
        if (seen) {
          size_t len = (size_t)(p - key);
          seen->len = len <= sizeof seen->pat ? (unsigned)len : 0;
          if (seen->len) memcpy(seen->pat, key, len);
          seen->klen = (unsigned)klen;
          seen->bit = bit;
          seen->field = field;
        }
      }
      if (key_bits & bit)
        for (size_t k = 0; k < n_keys; k++) /* a repeated key: jansson says so */
          if (keys[k].len == klen && memcmp(keys[k].p, key, klen) == 0) return 0;
      key_bits |= bit;
      keys[n_keys].p = key;
      keys[n_keys++].len = klen;
      if (p >= e) return 0;
      jval v = {0};
      switch (*p) {
      case '"':
        v.type = 's';
        v.p = p + 1;
        if (!(p = json_string_end(v.p, e, &v.esc))) return 0;
        v.len = (size_t)(p - v.p);
        p++;
        break;
      case 't':
      case 'f':
      case 'n': {
        const char *word = *p == 't' ? "true" : *p == 'f' ? "false" : "null";
        size_t wl = strlen(word);
        if ((size_t)(e - p) < wl || memcmp(p, word, wl) != 0) return 0;
        v.type = *p;
        p += wl;
        break;
      }
      case '{':
      case '[':
        v.type = 'o'; /* checked, not kept: a wanted field that is one goes to jansson */
        if (!(p = json_skip(p, e, 1))) return 0;
        break;
      default:
        if (vb__ascii_digit(p[0]) && !vb__ascii_digit(p[1]) && p[1] != '.' && p[1] != 'e' &&
            p[1] != 'E') { /* one digit, as "nps": 9 (p[1] is the padding at the end) */
          v.type = 'i';
          v.p = p++;
          v.len = 1;
        } else if (!(p = json_number(p, e, &v))) {
          return 0;
        }
        break;
      }
      if (field >= 0) {
        if (v.type == 'o') return 0;
        rd->jvals[field] = v;
      }
      p = json_ws(p, e);
      if (p < e && *p == ',') {
        p = json_ws(p + 1, e);
        continue;
      }
      if (p < e && *p == '}') {
        p++;
        break;
      }
      return 0;
    }
  }
  if (json_ws(p, e) != e) return 0;
  for (size_t f = 0; f < rd->n_fields; f++)
    if (jval_cell(rd, &rd->jvals[f])) return VB_ENOMEM;
  return 1;
}

void vb__reader_jsonl_slow(vb_reader *rd, bool slow) { rd->jsonl_slow = slow; }
size_t vb__reader_jsonl_fast_lines(const vb_reader *rd) { return rd->jsonl_fast_lines; }

/* Fields over --max-field: reported, and emptied. */
static void field_limits(vb_reader *rd) {
  for (size_t f = 0; f < rd->n_fields; f++) {
    if (rd->cells[f].len > rd->max_field) {
      report(rd, VB_PROBLEM_ERROR, rd->lineno, 0, "field '%s' longer than %zu bytes",
             rd->fields[f].name, rd->max_field);
      record_error(rd, VB_ELIMIT, "field too large");
      rd->cells[f].len = 0; /* an empty value, terminated as every value is */
      (rd->cells[f].in_line ? rd->line.data : rd->vals.data)[rd->cells[f].off] = '\0';
    }
  }
}

static int jsonl_record(vb_reader *rd) {
  for (;;) {
    int rc = next_line(rd);
    if (rc <= 0) return rc;
    rd->rec.line = rd->rec.line_end = rd->lineno;
    if (rd->line_long) {
      report(rd, VB_PROBLEM_ERROR, rd->lineno, 1,
             "line longer than %zu bytes: a field is longer than %zu bytes (see --max-field); "
             "record kept as an error", rd->max_line, rd->max_field);
      record_error(rd, VB_ELIMIT, "field too large");
      break;
    }
    rd->rec.n_invalid_utf8 = (unsigned)rd->line_bad;
    const char *s = rd->line.data;
    size_t n = rd->line.len;
    while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
    if (n == 0) continue; /* blank line */
    s = rd->line.data + (rd->line.len - n);
    int fast = rd->jsonl_slow || rd->jsonl_paths || rd->keep_fields ? 0 : jsonl_fast(rd, s, n);
    if (fast < 0) return fast;
    if (fast) {
      rd->jsonl_fast_lines++;
      /* the fast path's values are no longer than the line, but for the text of a real
       * number (real_text: at most 24 bytes) */
      if (n > rd->max_field || rd->max_field < 64) field_limits(rd);
      return 1;
    }
    json_error_t je;
    json_t *doc = json_loadb(s, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (!doc && strstr(je.text, "duplicate")) {
      report(rd, VB_PROBLEM_ERROR, rd->lineno, json_error_column(&je, (size_t)(s - rd->line.data)),
             "%s (the last value is used)", je.text);
      doc = json_loadb(s, n, JSON_ALLOW_NUL, &je);
    }
    if (!doc) {
      report(rd, VB_PROBLEM_ERROR, rd->lineno, json_error_column(&je, (size_t)(s - rd->line.data)),
             "invalid JSON: %s", je.text);
      record_error(rd, VB_EPARSE, "invalid JSON");
      break;
    }
    if (!json_is_object(doc)) {
      report(rd, VB_PROBLEM_ERROR, rd->lineno, 1, "a JSONL record must be an object");
      record_error(rd, VB_EPARSE, "not a JSON object");
      json_decref(doc);
      break;
    }
    for (size_t f = 0; f < rd->n_fields; f++) {
      const json_t *v = json_path(doc, rd->fields[f].name);
      if (json_value_cell(rd, v)) {
        json_decref(doc);
        return VB_ENOMEM;
      }
    }
    json_decref(doc);
    field_limits(rd);
    return 1;
  }
  /* an error record: no fields */
  for (size_t f = 0; f < rd->n_fields; f++)
    if (cell_add(rd, "", 0, false)) return VB_ENOMEM;
  return 1;
}

/* ---- public ---- */

int vb_format_parse(const char *name, vb_format *out) {
  static const struct { const char *n; vb_format f; } names[] = {
      {"csv", VB_FORMAT_CSV}, {"tsv", VB_FORMAT_TSV}, {"jsonl", VB_FORMAT_JSONL},
      {"ndjson", VB_FORMAT_JSONL}, {"txt", VB_FORMAT_TXT}, {"text", VB_FORMAT_TXT},
      {"transcript", VB_FORMAT_TRANSCRIPT}, {"vtt", VB_FORMAT_TRANSCRIPT}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (vb__strieq(name, names[i].n)) {
      *out = names[i].f;
      return VB_OK;
    }
  return VB_EINVAL;
}

vb_format vb_format_from_name(const char *path) {
  if (!path) return VB_FORMAT_AUTO;
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  if (!dot || (slash && dot < slash)) return VB_FORMAT_AUTO;
  vb_format f;
  return vb_format_parse(dot + 1, &f) == VB_OK ? f : VB_FORMAT_AUTO;
}

static void free_header(vb_reader *rd) {
  /* (cols is tested too: clang's analyser lets a problem callback, which vb_reader_new may
   * call before the header is read, change n_cols) */
  for (size_t i = 0; rd->cols && i < rd->n_cols; i++) vb__free(rd->cols[i]);
  vb__free(rd->cols);
  rd->cols = NULL;
  rd->n_cols = 0;
}

int vb__reader_encoding(const vb_reader *rd) { return rd->enc; }

void vb_reader_free(vb_reader *rd) {
  if (!rd) return;
  free_header(rd);
  for (size_t i = 0; i < rd->n_fields; i++) vb__free(rd->fields[i].name);
  vb__free(rd->fields);
  vb__free(rd->blk);
  vb__buf_free(&rd->line);
  vb__buf_free(&rd->fixbuf);
  vb__buf_free(&rd->replay);
  vb__free(rd->replay_lines);
  vb__buf_free(&rd->vals);
  vb__free(rd->cells);
  vb__free(rd->fcells);
  vb__free(rd->jvals);
  vb__free(rd->jkeys);
  vb__buf_free(&rd->raw);
  vb__free(rd->raw_lines);
  vb__tr_free(rd->tr);
  vb__free(rd->rf);
  vb__buf_free(&rd->rf_vals);
  if (rd->csv_open) csv_free(&rd->csv);
  vb__free(rd->sb);
  vb__free(rd->u16);
  vb__free(rd);
}

/* The input's encoding, from its byte-order mark and `name` (vb_reader_options.encoding),
 * with the first block read (raw): UTF-16 is moved to rd->u16 and the block filled again
 * converted; a UTF-8 mark is skipped. */
static int start_encoding(vb_reader *rd, const char *name, vb_error *err) {
  const unsigned char *b = (const unsigned char *)rd->blk;
  size_t n = rd->blk_len;
  int kind = vb__encoding_kind(name);
  bool le = n >= 2 && b[0] == 0xFF && b[1] == 0xFE, be = n >= 2 && b[0] == 0xFE && b[1] == 0xFF;
  if (le && n >= 4 && b[2] == 0 && b[3] == 0)
    return vb__error_set(err, VB_EUTF8, rd->name, 1, 1, "the file is UTF-32 (byte-order mark "
                         "found); convert it to UTF-8, e.g. iconv -f UTF-32 -t UTF-8");
  if (n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0) {
    if (kind != VB__ENC_UTF8)
      report(rd, VB_PROBLEM_WARNING, 1, 1, "the file begins with a UTF-8 byte-order mark: read "
             "as UTF-8, not %s", name);
    rd->blk_pos = 3;
    return VB_OK;
  }
  if (le || be) kind = le ? VB__ENC_UTF16LE : VB__ENC_UTF16BE;
  else if (!name || !*name) {
    /* UTF-16 without a mark (written by some tools): zero bytes, nearly all at odd places
     * (the high bytes of ASCII characters, little-endian) or at even ones (a few the other
     * way: the low byte of U+DE00, U+0100 ...); UTF-8 text has none */
    size_t z[2] = {0, 0};
    for (size_t i = 0; i < n; i++) z[i & 1] += b[i] == 0;
    if ((z[1] >= 4 && z[0] * 4 < z[1]) || (z[0] >= 4 && z[1] * 4 < z[0])) {
      kind = z[1] ? VB__ENC_UTF16LE : VB__ENC_UTF16BE;
      report(rd, VB_PROBLEM_WARNING, 1, 1, "no byte-order mark, but every other byte is zero: "
             "read as UTF-16%s (give --encoding otherwise)", z[1] ? "LE" : "BE");
    }
  }
  rd->enc = kind;
  if (kind == VB__ENC_UTF8) return VB_OK;
  if (kind == VB__ENC_SINGLE) {
    char msg[256];
    if (!(rd->sb = vb__malloc(sizeof *rd->sb)))
      return vb__error_set(err, VB_ENOMEM, rd->name, 0, 0, "out of memory");
    int rc = vb__sbcs_open(name, rd->sb, msg, sizeof msg);
    return rc ? vb__error_set(err, rc, rd->name, 0, 0, "%s", msg) : VB_OK;
  }
  if (!(rd->u16 = vb__malloc(VB_BLOCK)))
    return vb__error_set(err, VB_ENOMEM, rd->name, 0, 0, "out of memory");
  size_t skip = le || be ? 2 : 0; /* the mark itself */
  memcpy(rd->u16, b + skip, n - skip);
  rd->u16_len = n - skip;
  rd->blk_len = rd->blk_pos = 0;
  fill(rd);
  return VB_OK;
}

/* Picks the delimiter that occurs most often outside quotes in the header line. */
static char detect_delim(const char *s, size_t n) {
  size_t comma = 0, semi = 0, tab = 0;
  bool q = false;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"') q = !q;
    else if (!q && s[i] == ',') comma++;
    else if (!q && s[i] == ';') semi++;
    else if (!q && s[i] == '\t') tab++;
  }
  if (tab > comma && tab > semi) return '\t';
  if (semi > comma) return ';';
  return ',';
}

int vb_reader_new(FILE *fp, const vb_reader_options *opts, vb_problem_fn problem, void *ctx,
                  vb_reader **out, vb_error *err) {
  if (!fp || !out) return VB_EINVAL;
  *out = NULL;
  vb_reader *rd = vb__calloc(1, sizeof *rd);
  if (!rd) return vb__error_set(err, VB_ENOMEM, NULL, 0, 0, "out of memory");
  rd->fp = fp;
  rd->problem = problem;
  rd->ctx = ctx;
  const char *name = opts && opts->name && strcmp(opts->name, "-") ? opts->name : "<stdin>";
  snprintf(rd->name, sizeof rd->name, "%s", name);
  rd->fmt = opts ? opts->format : VB_FORMAT_AUTO;
  if (rd->fmt == VB_FORMAT_AUTO) rd->fmt = vb_format_from_name(opts ? opts->name : NULL);
  rd->delim = opts ? opts->delimiter : 0;
  rd->max_field = opts && opts->max_field ? opts->max_field : VB_DEFAULT_MAX_FIELD;
  rd->max_fields = opts && opts->max_fields ? opts->max_fields : VB_DEFAULT_MAX_FIELDS;
  rd->max_line = rd->max_field + 65536;
  rd->blk = vb__malloc(VB_BLOCK);
  if (!rd->blk) {
    vb_reader_free(rd);
    return vb__error_set(err, VB_ENOMEM, name, 0, 0, "out of memory");
  }
#if defined(__GLIBC__)
  struct stat st;
  int fd = fileno(fp); /* -1 for a memory stream (fmemopen): read in blocks */
  rd->stream = fd >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode);
#endif
  /* Byte-order marks (UTF-32's has four bytes), the encoding. */
  fill(rd);
  fill_upto(rd, 4);
  if (rd->read_error) {
    vb__error_set(err, VB_EIO, name, 1, 1, "cannot read the input: %s", strerror(errno));
    vb_reader_free(rd);
    return VB_EIO;
  }
  int rc = start_encoding(rd, opts ? opts->encoding : NULL, err);
  if (rc) {
    vb_reader_free(rd);
    return rc;
  }
  if (rd->blk_pos >= rd->blk_len && rd->eof) {
    vb__error_set(err, VB_ENOTFOUND, name, 1, 1, "the input is empty");
    vb_reader_free(rd);
    return VB_ENOTFOUND;
  }
  if (rd->fmt == VB_FORMAT_AUTO) {
    size_t k = rd->blk_pos;
    for (;;) {
      while (k < rd->blk_len && (rd->blk[k] == ' ' || rd->blk[k] == '\n' || rd->blk[k] == '\r'))
        k++;
      size_t had = rd->blk_len;
      if (k < rd->blk_len || (fill_upto(rd, had + 1), rd->blk_len == had)) break;
    }
    if (k < rd->blk_len && rd->blk[k] == '{') {
      rd->fmt = VB_FORMAT_JSONL;
    } else {
      vb__error_set(err, VB_EINVAL, name, 0, 0,
                    "cannot tell the input format: give --input-format "
                    "csv|tsv|jsonl|txt|transcript");
      vb_reader_free(rd);
      return VB_EINVAL;
    }
  }
  if (rd->fmt == VB_FORMAT_TRANSCRIPT) {
    bool per_respondent = opts && opts->unit == VB_UNIT_RESPONDENT;
    vb__tr_options to = {name, rd->max_field + 1, opts ? opts->interviewers : NULL,
                         per_respondent ? VB__TR_RESPONDENTS : VB__TR_TURNS, tr_problem, rd, 0};
    if (vb__tr_new(&to, &rd->tr)) {
      vb_reader_free(rd);
      return vb__error_set(err, VB_ENOMEM, name, 0, 0, "out of memory");
    }
  }
  if (rd->fmt == VB_FORMAT_CSV || rd->fmt == VB_FORMAT_TSV) {
    /* The header: the first non-blank line. */
    do {
      rc = next_line(rd);
    } while (rc == 1 && rd->line.len == 0);
    if (rc <= 0) {
      vb__error_set(err, rc == 0 ? VB_ENOTFOUND : rc, name, 1, 1,
                    rc == 0 ? "the input is empty" : "read error");
      vb_reader_free(rd);
      return rc == 0 ? VB_ENOTFOUND : rc;
    }
    if (rd->fmt == VB_FORMAT_TSV) rd->delim = '\t';
    else if (!rd->delim) rd->delim = detect_delim(rd->line.data, rd->line.len);
    if (rd->fmt == VB_FORMAT_CSV) {
      if (csv_start(rd, false)) {
        vb_reader_free(rd);
        return vb__error_set(err, VB_ENOMEM, name, 0, 0, "out of memory");
      }
      /* re-read the header line through the CSV parser */
      if (replay_raw_line(rd)) {
        vb_reader_free(rd);
        return vb__error_set(err, VB_ENOMEM, name, 0, 0, "out of memory");
      }
      rc = csv_record(rd);
    } else {
      rd->replay_pos = 0;
      record_reset(rd);
      if (replay_raw_line(rd)) {
        vb_reader_free(rd);
        return vb__error_set(err, VB_ENOMEM, name, 0, 0, "out of memory");
      }
      rc = tsv_record(rd, false);
    }
    if (rc < 0) {
      vb__error_set(err, rc, name, 1, 1, "%s", rc == VB_ENOMEM ? "out of memory" : "read error");
      vb_reader_free(rd);
      return rc;
    }
    if (rc == 0 || rd->n_cells == 0) {
      vb__error_set(err, VB_EPARSE, name, 1, 1, "cannot read the header line");
      vb_reader_free(rd);
      return VB_EPARSE;
    }
    rd->cols = vb__calloc(rd->n_cells, sizeof *rd->cols);
    if (!rd->cols) {
      vb_reader_free(rd);
      return vb__error_set(err, VB_ENOMEM, name, 0, 0, "out of memory");
    }
    rd->n_cols = rd->n_cells;
    for (size_t i = 0; i < rd->n_cells; i++) {
      const char *c = rd->vals.data + rd->cells[i].off;
      size_t n = rd->cells[i].len;
      while (n && (*c == ' ')) { c++; n--; }
      while (n && c[n - 1] == ' ') n--;
      rd->cols[i] = vb__strndup(c, n);
      if (!rd->cols[i]) {
        vb_reader_free(rd);
        return vb__error_set(err, VB_ENOMEM, name, 0, 0, "out of memory");
      }
      for (size_t j = 0; j < i; j++)
        if (strcmp(rd->cols[j], rd->cols[i]) == 0)
          report(rd, VB_PROBLEM_ERROR, rd->rec.line, 0,
                 "duplicate column name '%s' (columns %zu and %zu): the first is used",
                 rd->cols[i], j + 1, i + 1);
    }
    record_reset(rd);
  }
  *out = rd;
  return VB_OK;
}

void vb_reader_on_wait(vb_reader *rd, void (*fn)(void *ctx), void *ctx) {
  if (!rd) return;
  rd->on_wait = fn;
  rd->wait_ctx = ctx;
}

vb_format vb_reader_format(const vb_reader *rd) { return rd->fmt; }

size_t vb_reader_columns(const vb_reader *rd, const char *const **names) {
  *names = (const char *const *)rd->cols;
  return rd->n_cols;
}

int vb_reader_field(vb_reader *rd, const char *name, vb_error *err) {
  if (!rd || !name) return VB_EINVAL;
  long col = -1;
  if (rd->fmt == VB_FORMAT_CSV || rd->fmt == VB_FORMAT_TSV) {
    for (size_t i = 0; i < rd->n_cols && col < 0; i++)
      if (strcmp(rd->cols[i], name) == 0) col = (long)i;
    for (size_t i = 0; i < rd->n_cols && col < 0; i++) /* then ignoring case */
      if (vb__strieq(rd->cols[i], name)) col = (long)i;
    if (col < 0) {
      vb__buf list = {0};
      for (size_t i = 0; i < rd->n_cols && list.len < 200; i++)
        vb__buf_printf(&list, "%s'%s'", i ? ", " : "", rd->cols[i]);
      vb__error_set(err, VB_ENOTFOUND, rd->name, 1, 1, "no column '%s'; the columns are: %s",
                    name, list.data ? list.data : "(none)");
      vb__buf_free(&list);
      return VB_ENOTFOUND;
    }
  } else if (rd->fmt == VB_FORMAT_TXT) {
    if (strcmp(name, "text") != 0) {
      vb__error_set(err, VB_ENOTFOUND, rd->name, 0, 0,
                    "plain text has only the field 'text', not '%s'", name);
      return VB_ENOTFOUND;
    }
    col = 0;
  }
  for (size_t i = 0; i < rd->n_fields; i++)
    if (strcmp(rd->fields[i].name, name) == 0) return (int)i;
  if (vb__grow(&rd->fields, &rd->cap_fields, rd->n_fields + 1, sizeof *rd->fields))
    return VB_ENOMEM;
  char *d = vb__strdup(name);
  if (!d) return VB_ENOMEM;
  rd->fields[rd->n_fields].name = d;
  rd->fields[rd->n_fields].len = strlen(d);
  rd->field_bits |= json_key_bit(d, strlen(d));
  if (rd->jkeys) memset(rd->jkeys, 0, VB_JSON_KEYS * sizeof *rd->jkeys); /* their fields */
  /* a dotted path (json_path), an empty name or one json_path refuses: jansson only */
  if (!*name || strchr(name, '.') || strlen(name) >= 256) rd->jsonl_paths = true;
  rd->fields[rd->n_fields].col =
      rd->fmt == VB_FORMAT_JSONL || rd->fmt == VB_FORMAT_TRANSCRIPT ? (long)rd->n_fields : col;
  return (int)rd->n_fields++;
}

int vb_reader_next(vb_reader *rd, const vb_record **rec) {
  record_reset(rd);
  int rc;
  switch (rd->fmt) {
  case VB_FORMAT_CSV: rc = csv_record(rd); break;
  case VB_FORMAT_TSV: rc = tsv_record(rd, false); break;
  case VB_FORMAT_TXT: rc = tsv_record(rd, true); break;
  case VB_FORMAT_TRANSCRIPT: rc = transcript_record(rd); break;
  default: rc = jsonl_record(rd); break;
  }
  if (rc <= 0) return rc;
  rd->records++;
  rd->rec.index = rd->records;
  if ((rd->fmt == VB_FORMAT_CSV || rd->fmt == VB_FORMAT_TSV) && !rd->rec.error &&
      rd->n_cells != rd->n_cols) {
    report(rd, VB_PROBLEM_ERROR, rd->rec.line, 0,
           "record has %zu fields, the header has %zu", rd->n_cells, rd->n_cols);
  }
  *rec = &rd->rec;
  return 1;
}

const char *vb_reader_get(const vb_reader *rd, int handle, size_t *len) {
  if (handle < 0 || (size_t)handle >= rd->n_fields) return NULL;
  long col = rd->fields[handle].col;
  if (col < 0 || (size_t)col >= rd->n_cells || !rd->cells[col].present) {
    if (len) *len = 0;
    return NULL;
  }
  if (len) *len = rd->cells[col].len;
  return (rd->cells[col].in_line ? rd->line.data : rd->vals.data) + rd->cells[col].off;
}

/* Adds a field to rf (its pointers set at the end: rf_vals may move); `name_len` and
 * `value_len` are kept in the pointers' place until then. */
static int rf_add(vb_reader *rd, size_t *n, const char *name, size_t nl, const char *v, size_t vl) {
  if (vb__grow(&rd->rf, &rd->cap_rf, *n + 1, sizeof *rd->rf)) return VB_ENOMEM;
  vb_field *f = &rd->rf[(*n)++];
  f->name_len = nl;
  f->value_len = vl;
  if (vb__buf_append(&rd->rf_vals, name, nl) || vb__buf_putc(&rd->rf_vals, '\0') ||
      vb__buf_append(&rd->rf_vals, v, vl) || vb__buf_putc(&rd->rf_vals, '\0'))
    return VB_ENOMEM;
  return VB_OK;
}

/* Where field q's name is in rf_vals, before the pointers are set. */
static size_t rf_name_off(const vb_reader *rd, size_t q) {
  size_t off = 0;
  for (size_t i = 0; i < q; i++) off += rd->rf[i].name_len + rd->rf[i].value_len + 2;
  return off;
}

void vb_reader_keep_fields(vb_reader *rd) { rd->keep_fields = true; }

/* The JSONL record's top-level members (the line as read: the fast path, which writes into it,
 * is not taken when fields are kept) that are strings, numbers or booleans. */
static int rf_json(vb_reader *rd, size_t *n) {
  const char *s = rd->line.data;
  size_t len = rd->line.len;
  while (len && (*s == ' ' || *s == '\t')) { s++; len--; }
  json_t *doc = json_loadb(s, len, JSON_ALLOW_NUL, NULL);
  if (!json_is_object(doc)) {
    json_decref(doc);
    return VB_OK;
  }
  const char *key;
  json_t *v;
  int rc = VB_OK;
  json_object_foreach(doc, key, v) {
    char num[64];
    const char *val = num;
    size_t vl;
    if (json_is_string(v)) {
      val = json_string_value(v);
      vl = json_string_length(v);
    } else if (json_is_integer(v)) {
      snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
      vl = strlen(num);
    } else if (json_is_real(v)) {
      real_text(json_real_value(v), num, sizeof num);
      vl = strlen(num);
    } else if (json_is_boolean(v)) {
      val = json_is_true(v) ? "true" : "false";
      vl = strlen(val);
    } else {
      continue; /* object, array, null */
    }
    if ((rc = rf_add(rd, n, key, strlen(key), val, vl))) break;
  }
  json_decref(doc);
  return rc;
}

int vb_reader_record_fields(vb_reader *rd, const vb_field **fields, size_t *n) {
  *fields = NULL;
  *n = 0;
  rd->rf_vals.len = 0;
  size_t k = 0;
  int rc = VB_OK;
  if (rd->rec.error || rd->records == 0) {
    /* nothing to trust */
  } else if (rd->fmt == VB_FORMAT_CSV || rd->fmt == VB_FORMAT_TSV) {
    for (size_t i = 0; i < rd->n_cols && !rc; i++) {
      const cell *c = i < rd->n_cells && rd->cells[i].present ? &rd->cells[i] : NULL;
      const char *v = c ? (c->in_line ? rd->line.data : rd->vals.data) + c->off : "";
      rc = rf_add(rd, &k, rd->cols[i], strlen(rd->cols[i]), v, c ? c->len : 0);
    }
  } else if (rd->fmt == VB_FORMAT_JSONL && rd->keep_fields) {
    rc = rf_json(rd, &k);
  } else if (rd->fmt == VB_FORMAT_TRANSCRIPT && rd->tr) {
    size_t len;
    const char *m = vb__tr_meta(rd->tr, &len);
    for (size_t i = 0; i < len && !rc;) {
      const char *key = m + i, *v = key + strlen(key) + 1;
      bool seen = false;
      for (size_t q = 0; q < k && !seen; q++) /* (the names so far are in rf_vals, in order) */
        seen = vb__strieq(rd->rf_vals.data + rf_name_off(rd, q), key);
      if (!seen) rc = rf_add(rd, &k, key, strlen(key), v, strlen(v));
      i = (size_t)(v - m) + strlen(v) + 1;
    }
  }
  if (rc) return rc;
  size_t off = 0;
  for (size_t q = 0; q < k; q++) { /* the pointers, now that rf_vals has stopped moving */
    vb_field *f = &rd->rf[q];
    f->name = rd->rf_vals.data + off;
    f->value = f->name + f->name_len + 1;
    off += f->name_len + f->value_len + 2;
  }
  *fields = rd->rf;
  *n = k;
  return VB_OK;
}

void vb_reader_stats(const vb_reader *rd, size_t *records, size_t *warnings, size_t *errors) {
  if (records) *records = rd->records;
  if (warnings) *warnings = rd->warnings;
  if (errors) *errors = rd->errors;
}
