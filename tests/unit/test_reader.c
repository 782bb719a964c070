/*
 * test_reader.c - the vb_reader API on in-memory files (fmemopen): CSV (RFC 4180 with
 * embedded newlines and doubled quotes, BOM, delimiter detection, CRLF / CR line ends, broken
 * quoting), TSV, JSONL and plain text, with every problem checked for its line, column and
 * message through a problem callback that records them; and a pipe written in pieces (a
 * stream is read as it arrives, and gives what a file gives).
 */
#define _POSIX_C_SOURCE 200809L
#include "vb_test.h"

#include <iconv.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "verbatim.h"
#include "vb_internal.h"

/* ---- fixtures ---- */

typedef struct {
  int severity;
  long line, column;
  char message[256];
} problem;

typedef struct {
  FILE *fp;
  vb_reader *rd;
  problem probs[32];
  size_t n_probs;
  vb_error err;
} ctx;

static void on_problem(void *p, int severity, const vb_error *e) {
  ctx *c = p;
  if (c->n_probs >= sizeof c->probs / sizeof c->probs[0]) return;
  problem *pr = &c->probs[c->n_probs++];
  pr->severity = severity;
  pr->line = e->line;
  pr->column = e->column;
  snprintf(pr->message, sizeof pr->message, "%s", e->message);
  assert_string_equal(e->file, "test.in");
}

/* Opens a reader on `len` bytes of `data` with the options `o` (named "test.in"). Returns
 * vb_reader_new's code. */
static int open_with(ctx *c, const char *data, size_t len, const vb_reader_options *o) {
  memset(c, 0, sizeof *c);
  c->fp = fmemopen((void *)(uintptr_t)data, len, "r");
  assert_non_null(c->fp);
  return vb_reader_new(c->fp, o, on_problem, c, &c->rd, &c->err);
}
#define OPEN_WITH(c, lit, o) open_with((c), (lit), sizeof(lit) - 1, (o))

/* The same with a format and a field limit. */
static int open_reader(ctx *c, const char *data, size_t len, vb_format fmt, size_t max_field) {
  vb_reader_options o = {0};
  o.format = fmt;
  o.name = "test.in";
  o.max_field = max_field;
  return open_with(c, data, len, &o);
}
#define OPEN(c, lit, fmt) open_reader((c), (lit), sizeof(lit) - 1, (fmt), 0)

static void close_reader(ctx *c) {
  vb_reader_free(c->rd);
  c->rd = NULL;
  fclose(c->fp);
}

static int field(ctx *c, const char *name) {
  vb_error e = {0};
  int h = vb_reader_field(c->rd, name, &e);
  if (h < 0) fail_msg("no field '%s': %s", name, e.message);
  return h;
}

/* Reads the next record, which must exist, and checks its lines. */
static const vb_record *next_(ctx *c, long line, long line_end, const char *file, int ln) {
  const vb_record *r = NULL;
  int rc = vb_reader_next(c->rd, &r);
  if (rc != 1 || r->line != line || r->line_end != line_end) {
    print_error("vb_reader_next: rc %d, lines %ld-%ld; expected a record on lines %ld-%ld\n", rc,
                rc == 1 ? r->line : 0, rc == 1 ? r->line_end : 0, line, line_end);
    _fail(file, ln);
  }
  return r;
}
#define NEXT(c, line, line_end) next_((c), (line), (line_end), __FILE__, __LINE__)

static void expect_end(ctx *c) {
  const vb_record *r;
  assert_int_equal(vb_reader_next(c->rd, &r), 0);
  assert_int_equal(vb_reader_next(c->rd, &r), 0); /* and stays at the end */
}

static void value_is_(ctx *c, int h, const char *want, const char *file, int line) {
  size_t len = 0;
  const char *v = vb_reader_get(c->rd, h, &len);
  if (want == NULL) {
    if (v != NULL) {
      print_error("field %d = \"%.*s\", expected NULL\n", h, (int)len, v);
      _fail(file, line);
    }
    return;
  }
  vb_test_span(v, len, want, "field value", file, line);
}
#define VALUE(c, h, want) value_is_((c), (h), (want), __FILE__, __LINE__)

/* Finds a problem on `line` whose message contains `needle`. */
static const problem *find_problem_(ctx *c, long line, const char *needle, const char *file,
                                    int ln) {
  for (size_t i = 0; i < c->n_probs; i++)
    if (c->probs[i].line == line && strstr(c->probs[i].message, needle)) return &c->probs[i];
  print_error("no problem on line %ld containing \"%s\"; problems:\n", line, needle);
  for (size_t i = 0; i < c->n_probs; i++)
    print_error("  %ld:%ld: %s\n", c->probs[i].line, c->probs[i].column, c->probs[i].message);
  _fail(file, ln);
  return NULL;
}
#define PROBLEM(c, line, needle) find_problem_((c), (line), (needle), __FILE__, __LINE__)

/* ---- CSV ---- */

static void test_csv_quoted_newlines_and_doubled_quotes(void **state) {
  (void)state;
  ctx c;
  assert_int_equal(OPEN(&c,
                        "id,text,score\n"
                        "1,\"multi\nline \"\"quoted\"\"\",9\n"
                        "2,plain,8\n"
                        "3,\"a,b\",\n",
                        VB_FORMAT_CSV),
                   VB_OK);
  assert_int_equal(vb_reader_format(c.rd), VB_FORMAT_CSV);
  const char *const *cols;
  assert_int_equal(vb_reader_columns(c.rd, &cols), 3);
  assert_string_equal(cols[0], "id");
  assert_string_equal(cols[2], "score");
  int id = field(&c, "id"), text = field(&c, "text"), score = field(&c, "score");
  const vb_record *r = NEXT(&c, 2, 3);
  assert_int_equal(r->index, 1);
  assert_int_equal(r->error, 0);
  VALUE(&c, id, "1");
  VALUE(&c, text, "multi\nline \"quoted\"");
  VALUE(&c, score, "9");
  r = NEXT(&c, 4, 4);
  assert_int_equal(r->index, 2);
  VALUE(&c, text, "plain");
  r = NEXT(&c, 5, 5);
  VALUE(&c, text, "a,b");
  VALUE(&c, score, ""); /* present and empty */
  expect_end(&c);
  assert_int_equal(c.n_probs, 0);
  size_t n, w, e;
  vb_reader_stats(c.rd, &n, &w, &e);
  assert_int_equal(n, 3);
  assert_int_equal(w + e, 0);
  close_reader(&c);
}

static void test_csv_bom_and_semicolon(void **state) {
  (void)state;
  ctx c;
  assert_int_equal(OPEN(&c,
                        "\xEF\xBB\xBFid;text;score\n"
                        "1;Leveransen var sen, tyvärr;8,5\n"
                        "2;\"a;b\";7\n",
                        VB_FORMAT_CSV),
                   VB_OK);
  const char *const *cols;
  assert_int_equal(vb_reader_columns(c.rd, &cols), 3);
  assert_string_equal(cols[0], "id"); /* no BOM in the name */
  int id = field(&c, "id"), text = field(&c, "text"), score = field(&c, "score");
  NEXT(&c, 2, 2);
  VALUE(&c, id, "1");
  VALUE(&c, text, "Leveransen var sen, tyvärr");
  VALUE(&c, score, "8,5");
  NEXT(&c, 3, 3);
  VALUE(&c, text, "a;b");
  expect_end(&c);
  assert_int_equal(c.n_probs, 0);
  close_reader(&c);
}

static void test_csv_tab_detection_and_explicit_delimiter(void **state) {
  (void)state;
  ctx c;
  /* a TAB-separated file read as CSV: TAB is detected from the header */
  assert_int_equal(OPEN(&c, "id\ttext\n1\thej, du\n", VB_FORMAT_CSV), VB_OK);
  int text = field(&c, "text");
  NEXT(&c, 2, 2);
  VALUE(&c, text, "hej, du");
  expect_end(&c);
  close_reader(&c);
  /* the caller's delimiter wins over detection */
  memset(&c, 0, sizeof c);
  const char data[] = "a,b;c,d\n1,2;3,4\n";
  c.fp = fmemopen((void *)(uintptr_t)data, sizeof data - 1, "r");
  vb_reader_options o = {.format = VB_FORMAT_CSV, .name = "test.in", .delimiter = ';'};
  assert_int_equal(vb_reader_new(c.fp, &o, on_problem, &c, &c.rd, NULL), VB_OK);
  const char *const *cols;
  assert_int_equal(vb_reader_columns(c.rd, &cols), 2);
  assert_string_equal(cols[0], "a,b");
  assert_string_equal(cols[1], "c,d");
  close_reader(&c);
}

static void test_csv_crlf_and_cr(void **state) {
  (void)state;
  ctx c;
  assert_int_equal(OPEN(&c, "id,text\r\n1,\"a\r\nb\"\r\n\r\n2,c", VB_FORMAT_CSV), VB_OK);
  int text = field(&c, "text");
  NEXT(&c, 2, 3);
  VALUE(&c, text, "a\nb"); /* the line end inside quotes is read as a newline */
  NEXT(&c, 5, 5);          /* a blank line is skipped but counted */
  VALUE(&c, text, "c");    /* the last line needs no terminator */
  expect_end(&c);
  close_reader(&c);
  /* old Mac: CR alone */
  assert_int_equal(OPEN(&c, "id,text\r1,a\r2,\"x\ry\"\r3,b\r", VB_FORMAT_CSV), VB_OK);
  text = field(&c, "text");
  NEXT(&c, 2, 2);
  VALUE(&c, text, "a");
  NEXT(&c, 3, 4);
  VALUE(&c, text, "x\ny");
  NEXT(&c, 5, 5);
  VALUE(&c, text, "b");
  expect_end(&c);
  assert_int_equal(c.n_probs, 0);
  close_reader(&c);
}

static void test_crlf_across_block_boundary(void **state) {
  (void)state;
  /* the reader reads 64 KiB blocks: put a CR LF exactly across the boundary; a CR LF split in
   * two must stay one line end (plain text would show an extra empty record otherwise) */
  const size_t block = 65536;
  char *data = malloc(block + 64);
  assert_non_null(data);
  memset(data, 'a', block - 1);
  data[block - 1] = '\r';
  data[block] = '\n';
  memcpy(data + block + 1, "second\r\nthird\n", 14);
  size_t len = block + 15;
  ctx c;
  assert_int_equal(open_reader(&c, data, len, VB_FORMAT_TXT, 0), VB_OK);
  int text = field(&c, "text");
  size_t n = 0;
  NEXT(&c, 1, 1);
  assert_true(vb_reader_get(c.rd, text, &n) != NULL);
  assert_int_equal(n, block - 1);
  NEXT(&c, 2, 2);
  VALUE(&c, text, "second");
  NEXT(&c, 3, 3);
  VALUE(&c, text, "third");
  expect_end(&c);
  close_reader(&c);
  free(data);
}

static void test_csv_stray_quote_in_unquoted_field(void **state) {
  (void)state;
  ctx c;
  assert_int_equal(OPEN(&c,
                        "id,text,x\n"
                        "1,he said \"hi\" ok,3\n"
                        "2,fine,4\n",
                        VB_FORMAT_CSV),
                   VB_OK);
  int id = field(&c, "id"), text = field(&c, "text"), x = field(&c, "x");
  NEXT(&c, 2, 2);
  /* kept, read with the quotes as text */
  VALUE(&c, id, "1");
  VALUE(&c, text, "he said \"hi\" ok");
  VALUE(&c, x, "3");
  const problem *p = PROBLEM(&c, 2, "quote");
  assert_int_equal(p->severity, VB_PROBLEM_ERROR);
  /* reader.c says "find the column of the offending quote for the message" but reports
   * column 0: the quote is at byte 11 of line 2 */
  assert_int_equal(p->column, 11);
  NEXT(&c, 3, 3);
  VALUE(&c, id, "2");
  VALUE(&c, text, "fine");
  expect_end(&c);
  close_reader(&c);
}

static void test_csv_text_after_closing_quote(void **state) {
  (void)state;
  ctx c;
  /*
   * 1,"abc"def,x : text after a closing quote. reader.c reports it and re-parses the line in
   * lenient mode, where libcsv keeps the field open as a quoted field: it swallows the line
   * end and the NEXT record ("2,ok,y") into the text of record 1, which then ends at line 3
   * with two fields. Expected: record 1 on line 2 alone, record 2 on line 3 intact (the
   * module promises that a record with problems is "kept and read as well as it can be",
   * not that it eats its neighbour).
   */
  assert_int_equal(OPEN(&c,
                        "id,text,x\n"
                        "1,\"abc\"def,x\n"
                        "2,ok,y\n",
                        VB_FORMAT_CSV),
                   VB_OK);
  int id = field(&c, "id");
  const vb_record *r;
  assert_int_equal(vb_reader_next(c.rd, &r), 1);
  assert_int_equal(r->line, 2);
  VALUE(&c, id, "1");
  PROBLEM(&c, 2, "quote");
  assert_int_equal(r->line_end, 2);
  NEXT(&c, 3, 3);
  VALUE(&c, id, "2");
  expect_end(&c);
  close_reader(&c);
}

static void test_csv_unterminated_quote_at_end(void **state) {
  (void)state;
  ctx c;
  assert_int_equal(OPEN(&c,
                        "id,text\n"
                        "1,\"open quote\n"
                        "2,hello\n"
                        "3,world\n",
                        VB_FORMAT_CSV),
                   VB_OK);
  int id = field(&c, "id"), text = field(&c, "text");
  /* the line that opened the quote is a record, its quote taken as text, marked as error */
  const vb_record *r = NEXT(&c, 2, 2);
  assert_int_equal(r->error, VB_EPARSE);
  assert_true(r->error_msg[0] != '\0');
  VALUE(&c, id, "1");
  VALUE(&c, text, "\"open quote");
  /* reported once, at the line where the quote opened */
  const problem *p = PROBLEM(&c, 2, "not closed");
  assert_int_equal(p->severity, VB_PROBLEM_ERROR);
  /* the swallowed lines come back as records: none lost */
  r = NEXT(&c, 3, 3);
  assert_int_equal(r->error, 0);
  assert_int_equal(r->index, 2);
  VALUE(&c, id, "2");
  VALUE(&c, text, "hello");
  r = NEXT(&c, 4, 4);
  assert_int_equal(r->index, 3);
  VALUE(&c, id, "3");
  VALUE(&c, text, "world");
  expect_end(&c);
  assert_int_equal(c.n_probs, 1);
  close_reader(&c);
}

static void test_csv_unterminated_quote_invalid_utf8_count(void **state) {
  (void)state;
  ctx c;
  /*
   * The lines re-read after an unterminated quote come from the replay buffer, and next_line()
   * does not reset rd->line_bad for them: every re-read record inherits the invalid-UTF-8 count
   * of the LAST physical line read. Here only line 4 has a bad byte; records on lines 2 and 3
   * report n_invalid_utf8 = 1 as well.
   */
  assert_int_equal(OPEN(&c,
                        "id,text\n"
                        "1,\"open\n"
                        "2,b\n"
                        "3,\xFF\n",
                        VB_FORMAT_CSV),
                   VB_OK);
  int text = field(&c, "text");
  const vb_record *r2 = NEXT(&c, 2, 2);
  unsigned bad2 = r2->n_invalid_utf8;
  const vb_record *r3 = NEXT(&c, 3, 3);
  unsigned bad3 = r3->n_invalid_utf8;
  const vb_record *r4 = NEXT(&c, 4, 4);
  assert_int_equal(r4->n_invalid_utf8, 1);
  VALUE(&c, text, "\xEF\xBF\xBD");
  PROBLEM(&c, 4, "invalid UTF-8");
  expect_end(&c);
  (void)bad2;
  (void)bad3;
  assert_int_equal(bad2, 0);
  assert_int_equal(bad3, 0);
  close_reader(&c);
}

static void test_csv_field_count_mismatch(void **state) {
  (void)state;
  ctx c;
  assert_int_equal(OPEN(&c, "id,text\n1,a,extra\n2\n3,ok\n", VB_FORMAT_CSV), VB_OK);
  int id = field(&c, "id"), text = field(&c, "text");
  NEXT(&c, 2, 2);
  VALUE(&c, text, "a");
  PROBLEM(&c, 2, "3 fields, the header has 2");
  NEXT(&c, 3, 3);
  VALUE(&c, id, "2");
  VALUE(&c, text, NULL); /* the record lacks it */
  PROBLEM(&c, 3, "1 fields, the header has 2");
  NEXT(&c, 4, 4);
  VALUE(&c, text, "ok");
  expect_end(&c);
  assert_int_equal(c.n_probs, 2);
  size_t n, w, e;
  vb_reader_stats(c.rd, &n, &w, &e);
  assert_int_equal(n, 3);
  assert_int_equal(e, 2);
  close_reader(&c);
}

static void test_csv_header_names(void **state) {
  (void)state;
  ctx c;
  assert_int_equal(OPEN(&c, " id ,\"Text\",id\n1,a,b\n", VB_FORMAT_CSV), VB_OK);
  /* duplicate names are reported on the header line; the first is used */
  const problem *p = PROBLEM(&c, 1, "duplicate column name 'id'");
  assert_contains(p->message, "columns 1 and 3");
  const char *const *cols;
  assert_int_equal(vb_reader_columns(c.rd, &cols), 3);
  assert_string_equal(cols[0], "id"); /* blanks around a name are trimmed */
  int id = field(&c, "id");
  /* exact name first, then ignoring case */
  int text = field(&c, "text");
  int text_exact = field(&c, "Text");
  assert_int_not_equal(text_exact, text); /* another name, another handle ... */
  /* asking twice for one name gives one handle */
  assert_int_equal(field(&c, "id"), id);
  /* a missing column: VB_ENOTFOUND and the columns listed */
  vb_error e = {0};
  assert_int_equal(vb_reader_field(c.rd, "score", &e), VB_ENOTFOUND);
  assert_int_equal(e.code, VB_ENOTFOUND);
  assert_contains(e.message, "score");
  assert_contains(e.message, "'id', 'Text', 'id'");
  assert_int_equal(vb_reader_field(c.rd, "score", NULL), VB_ENOTFOUND);
  NEXT(&c, 2, 2);
  VALUE(&c, id, "1");
  VALUE(&c, text, "a");
  VALUE(&c, text_exact, "a"); /* ... for the same column */
  expect_end(&c);
  close_reader(&c);
}

static void test_empty_and_header_only(void **state) {
  (void)state;
  ctx c;
  /* empty input */
  assert_int_equal(open_reader(&c, "", 0, VB_FORMAT_CSV, 0), VB_ENOTFOUND);
  assert_null(c.rd);
  assert_int_equal(c.err.code, VB_ENOTFOUND);
  assert_contains(c.err.message, "empty");
  fclose(c.fp);
  /* only a BOM, only blank lines */
  assert_int_equal(OPEN(&c, "\xEF\xBB\xBF", VB_FORMAT_CSV), VB_ENOTFOUND);
  fclose(c.fp);
  assert_int_equal(OPEN(&c, "\n\r\n\n", VB_FORMAT_CSV), VB_ENOTFOUND);
  fclose(c.fp);
  assert_int_equal(open_reader(&c, "", 0, VB_FORMAT_JSONL, 0), VB_ENOTFOUND);
  fclose(c.fp);
  /* a header and nothing else: zero records */
  assert_int_equal(OPEN(&c, "id,text\n", VB_FORMAT_CSV), VB_OK);
  field(&c, "text");
  expect_end(&c);
  size_t n;
  vb_reader_stats(c.rd, &n, NULL, NULL);
  assert_int_equal(n, 0);
  close_reader(&c);
  /* a header without a line end, after blank lines */
  assert_int_equal(OPEN(&c, "\n\nid,text", VB_FORMAT_CSV), VB_OK);
  field(&c, "text");
  expect_end(&c);
  close_reader(&c);
}

static void test_invalid_utf8_reported_and_replaced(void **state) {
  (void)state;
  ctx c;
  assert_int_equal(OPEN(&c,
                        "id,text\n"
                        "1,caf\xE9 ok\n"
                        "2,fine\n"
                        "3,\xFF\xFE\xFF\xFE\xFF\n",
                        VB_FORMAT_CSV),
                   VB_OK);
  int text = field(&c, "text");
  const vb_record *r = NEXT(&c, 2, 2);
  assert_int_equal(r->n_invalid_utf8, 1);
  VALUE(&c, text, "caf\xEF\xBF\xBD ok");
  /* line 2, byte column 6 ("1,caf" is 5 bytes), naming the byte */
  const problem *p = PROBLEM(&c, 2, "invalid UTF-8");
  assert_int_equal(p->column, 6);
  assert_contains(p->message, "0xE9");
  assert_int_equal(p->severity, VB_PROBLEM_ERROR);
  r = NEXT(&c, 3, 3);
  assert_int_equal(r->n_invalid_utf8, 0);
  /* five bad bytes: three reported one by one, then one warning for the rest */
  r = NEXT(&c, 4, 4);
  assert_int_equal(r->n_invalid_utf8, 5);
  VALUE(&c, text, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  assert_int_equal(PROBLEM(&c, 4, "0xFF")->column, 3);
  assert_int_equal(PROBLEM(&c, 4, "0xFE")->column, 4);
  p = PROBLEM(&c, 4, "more invalid bytes");
  assert_int_equal(p->severity, VB_PROBLEM_WARNING);
  /* and once, at the first such line, what the file may be */
  assert_int_equal(PROBLEM(&c, 2, "may not be UTF-8 but windows-1252")->severity,
                   VB_PROBLEM_WARNING);
  assert_int_equal(c.n_probs, 6);
  expect_end(&c);
  size_t n, w, e;
  vb_reader_stats(c.rd, &n, &w, &e);
  assert_int_equal(w, 2);
  assert_int_equal(e, 4);
  close_reader(&c);
}

static void test_csv_field_longer_than_max(void **state) {
  (void)state;
  ctx c;
  const char data[] = "id,text\n1,short\n2,this field is far too long\n3,ok\n";
  assert_int_equal(open_reader(&c, data, sizeof data - 1, VB_FORMAT_CSV, 10), VB_OK);
  int id = field(&c, "id"), text = field(&c, "text");
  const vb_record *r = NEXT(&c, 2, 2);
  assert_int_equal(r->error, 0);
  VALUE(&c, text, "short");
  r = NEXT(&c, 3, 3);
  assert_int_equal(r->error, VB_ELIMIT);
  VALUE(&c, id, "2");
  size_t n = 99;
  const char *v = vb_reader_get(c.rd, text, &n);
  assert_true(v == NULL || n == 0); /* never the oversized text */
  PROBLEM(&c, 3, "longer than 10 bytes");
  r = NEXT(&c, 4, 4);
  assert_int_equal(r->error, 0);
  VALUE(&c, text, "ok");
  expect_end(&c);
  close_reader(&c);
}

/* ---- TSV ---- */

static void test_tsv(void **state) {
  (void)state;
  ctx c;
  assert_int_equal(OPEN(&c,
                        "id\ttext\tscore\n"
                        "1\thej \"då\", sa hon\t8\n"
                        "\n"
                        "2\tb\n"
                        "3\tc\t9\r\n",
                        VB_FORMAT_TSV),
                   VB_OK);
  assert_int_equal(vb_reader_format(c.rd), VB_FORMAT_TSV);
  int text = field(&c, "text"), score = field(&c, "score");
  NEXT(&c, 2, 2);
  VALUE(&c, text, "hej \"då\", sa hon"); /* no quoting in TSV */
  VALUE(&c, score, "8");
  NEXT(&c, 4, 4); /* blank line 3 skipped */
  VALUE(&c, text, "b");
  VALUE(&c, score, NULL);
  PROBLEM(&c, 4, "2 fields, the header has 3");
  NEXT(&c, 5, 5);
  VALUE(&c, score, "9");
  expect_end(&c);
  close_reader(&c);
  /* a field over the limit: record error, problem at the field's column */
  const char data[] = "id\ttext\n1\tlong text\n2\tok\n";
  assert_int_equal(open_reader(&c, data, sizeof data - 1, VB_FORMAT_TSV, 5), VB_OK);
  text = field(&c, "text");
  const vb_record *r = NEXT(&c, 2, 2);
  assert_int_equal(r->error, VB_ELIMIT);
  assert_int_equal(PROBLEM(&c, 2, "longer than 5 bytes")->column, 3);
  r = NEXT(&c, 3, 3);
  assert_int_equal(r->error, 0);
  VALUE(&c, text, "ok");
  expect_end(&c);
  close_reader(&c);
}

/* ---- JSONL ---- */

static void test_jsonl(void **state) {
  (void)state;
  ctx c;
  assert_int_equal(
      OPEN(&c,
           "{\"id\":1,\"answer\":{\"text\":\"hej\",\"score\":8.5},\"n\":null,\"ok\":true}\n"
           "{\"id\":\"2\",\"answer\":{\"text\":\"x\"},\"score\":-3}\n"
           "\n"
           "{bad json\n"
           "[1,2]\n"
           "{\"id\":5,\"id\":6,\"answer\":{\"text\":\"dup\"}}\n"
           "  {\"id\": 7, \"answer.text\": \"a key with a dot\"}  \n",
           VB_FORMAT_JSONL),
      VB_OK);
  const char *const *cols;
  assert_int_equal(vb_reader_columns(c.rd, &cols), 0);
  assert_null(cols);
  int id = field(&c, "id"), text = field(&c, "answer.text"), sc = field(&c, "answer.score"),
      n = field(&c, "n"), ok = field(&c, "ok"), score = field(&c, "score"),
      missing = field(&c, "missing");
  const vb_record *r = NEXT(&c, 1, 1);
  assert_int_equal(r->error, 0);
  VALUE(&c, id, "1");     /* a number as its text */
  VALUE(&c, text, "hej"); /* a dotted path */
  VALUE(&c, sc, "8.5");
  VALUE(&c, n, NULL); /* JSON null */
  VALUE(&c, ok, "true");
  VALUE(&c, missing, NULL);
  NEXT(&c, 2, 2);
  VALUE(&c, id, "2");
  VALUE(&c, text, "x");
  VALUE(&c, sc, NULL); /* missing inside an object */
  VALUE(&c, score, "-3");
  /* line 3 is blank; line 4 is not JSON: a record with an error and no fields */
  r = NEXT(&c, 4, 4);
  assert_int_equal(r->error, VB_EPARSE);
  VALUE(&c, id, NULL);
  VALUE(&c, text, NULL);
  PROBLEM(&c, 4, "invalid JSON"); /* fails unless a problem on line 4 says so */
  /* line 5 is JSON but not an object */
  r = NEXT(&c, 5, 5);
  assert_int_equal(r->error, VB_EPARSE);
  PROBLEM(&c, 5, "must be an object");
  /* duplicate keys: reported, the last value used, the record fine */
  r = NEXT(&c, 6, 6);
  assert_int_equal(r->error, 0);
  VALUE(&c, id, "6");
  VALUE(&c, text, "dup");
  PROBLEM(&c, 6, "duplicate");
  /* blanks around the object; a key that itself contains a dot */
  r = NEXT(&c, 7, 7);
  assert_int_equal(r->error, 0);
  VALUE(&c, id, "7");
  VALUE(&c, text, "a key with a dot");
  expect_end(&c);
  assert_int_equal(c.n_probs, 3);
  size_t nrec;
  vb_reader_stats(c.rd, &nrec, NULL, NULL);
  assert_int_equal(nrec, 6);
  close_reader(&c);
}

static void test_jsonl_detected_on_stream(void **state) {
  (void)state;
  ctx c;
  memset(&c, 0, sizeof c);
  const char data[] = "\n {\"text\":\"hej\"}\n";
  c.fp = fmemopen((void *)(uintptr_t)data, sizeof data - 1, "r");
  /* no format, no name: JSONL because the first non-blank byte is '{' */
  assert_int_equal(vb_reader_new(c.fp, NULL, NULL, NULL, &c.rd, NULL), VB_OK);
  assert_int_equal(vb_reader_format(c.rd), VB_FORMAT_JSONL);
  int text = field(&c, "text");
  NEXT(&c, 2, 2);
  VALUE(&c, text, "hej");
  expect_end(&c);
  close_reader(&c);
  /* anything else on a nameless stream: the caller must say */
  const char csv[] = "id,text\n";
  c.fp = fmemopen((void *)(uintptr_t)csv, sizeof csv - 1, "r");
  vb_error e = {0};
  assert_int_equal(vb_reader_new(c.fp, NULL, NULL, NULL, &c.rd, &e), VB_EINVAL);
  assert_contains(e.message, "format");
  fclose(c.fp);
}

static void test_jsonl_number_text(void **state) {
  (void)state;
  ctx c;
  /* verbatim.h: "JSON numbers, booleans are given as their text". reader.c prints reals with
   * %.17g, so 7.3 comes back as "7.2999999999999998" (the same double, not the text). */
  assert_int_equal(OPEN(&c, "{\"score\":7.3,\"big\":12345678901234}\n", VB_FORMAT_JSONL), VB_OK);
  int score = field(&c, "score"), big = field(&c, "big");
  NEXT(&c, 1, 1);
  VALUE(&c, big, "12345678901234");
  size_t n;
  const char *v = vb_reader_get(c.rd, score, &n);
  assert_non_null(v);
  double d;
  assert_int_equal(vb_parse_number(v, n, &d), VB_OK);
  assert_true(d == 7.3);
  VALUE(&c, score, "7.3");
  close_reader(&c);
}

/* ---- JSONL: the fast path gives what jansson gives ---- */

/* Everything a read shows (records, their lines and errors, every field's bytes, every
 * problem with its position, the stats) as one text, so that two reads compare at once. */
typedef struct {
  char *text;
  size_t len, cap;
} dump;

static void dump_add(dump *d, const char *s, size_t n) {
  if (d->len + n + 1 > d->cap) {
    d->cap = (d->len + n + 1) * 2;
    d->text = realloc(d->text, d->cap);
    assert_non_null(d->text);
  }
  memcpy(d->text + d->len, s, n);
  d->len += n;
  d->text[d->len] = '\0';
}

static void dump_printf(dump *d, const char *fmt, ...) {
  char buf[600];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  dump_add(d, buf, n < (int)sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void on_problem_dump(void *p, int severity, const vb_error *e) {
  dump_printf(p, "problem %d %s:%ld:%ld %s\n", severity, e->file, e->line, e->column,
              e->message);
}

static const char *const fast_fields[] = {"text", "nps", "id", "missing", "x"};
static const char *dump_encoding; /* read_dump_fp's vb_reader_options.encoding */

/* Reads fp as JSONL through the fast path or through jansson alone, with `wait` as the
 * reader's on_wait (or none); closes fp. */
static void read_dump_fp(FILE *fp, const char *const *fields, size_t n_fields, size_t max_field,
                         bool slow, dump *d, size_t *fast_lines, void (*wait)(void *),
                         void *wait_ctx) {
  vb_reader_options o = {0};
  o.format = VB_FORMAT_JSONL;
  o.name = "test.in";
  o.max_field = max_field;
  o.encoding = dump_encoding;
  vb_reader *rd = NULL;
  vb_error err = {0};
  int rc = vb_reader_new(fp, &o, on_problem_dump, d, &rd, &err);
  dump_printf(d, "new %d %s\n", rc, err.message);
  if (rc == VB_OK) {
    vb_reader_on_wait(rd, wait, wait_ctx);
    vb__reader_jsonl_slow(rd, slow);
    int h[8];
    for (size_t f = 0; f < n_fields; f++) h[f] = vb_reader_field(rd, fields[f], &err);
    const vb_record *r;
    while ((rc = vb_reader_next(rd, &r)) == 1) {
      dump_printf(d, "record %zu lines %ld-%ld error %d '%s' utf8 %u\n", r->index, r->line,
                  r->line_end, r->error, r->error_msg, r->n_invalid_utf8);
      for (size_t f = 0; f < n_fields; f++) {
        size_t vl = 99;
        const char *v = vb_reader_get(rd, h[f], &vl);
        if (!v) {
          dump_printf(d, "  %s: absent (%zu)\n", fields[f], vl);
          continue;
        }
        dump_printf(d, "  %s: %zu [", fields[f], vl);
        dump_add(d, v, vl);
        dump_printf(d, "] nul %d\n", v[vl] == '\0');
      }
    }
    size_t nr, nw, ne;
    vb_reader_stats(rd, &nr, &nw, &ne);
    dump_printf(d, "end %d records %zu warnings %zu errors %zu\n", rc, nr, nw, ne);
    *fast_lines += vb__reader_jsonl_fast_lines(rd);
    vb_reader_free(rd);
  }
  fclose(fp);
}

/* Reads `data` as JSONL through the fast path or through jansson alone. */
static void read_dump(const char *data, size_t len, const char *const *fields, size_t n_fields,
                      size_t max_field, bool slow, dump *d, size_t *fast_lines) {
  FILE *fp = fmemopen((void *)(uintptr_t)data, len, "r");
  assert_non_null(fp);
  read_dump_fp(fp, fields, n_fields, max_field, slow, d, fast_lines, NULL, NULL);
}

/* Both paths on `data`; fails with the input and both dumps when they differ. */
static void same_both_ways(const char *data, size_t len, const char *const *fields, size_t nf,
                           size_t max_field, size_t *fast_lines) {
  dump a = {0}, b = {0};
  size_t none = 0;
  read_dump(data, len, fields, nf, max_field, false, &a, fast_lines);
  read_dump(data, len, fields, nf, max_field, true, &b, &none);
  assert_int_equal(none, 0);
  if (a.len != b.len || memcmp(a.text, b.text, a.len) != 0)
    fail_msg("input:\n%.*s\nfast path:\n%s\njansson:\n%s", (int)len, data, a.text, b.text);
  free(a.text);
  free(b.text);
}

static const char *const tricky_lines[] = {
    "{\"text\":\"plain\",\"nps\":9}",
    "{\"text\":\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t end\",\"nps\":-0}",
    "{\"text\":\"\\u00e9\\u00C5\\u05d0\\u20ac\\u0041\\u007f\\u0080\\u07FF\\u0800\\uFFFF\",\"nps\":0}",
    "{\"text\":\"\\ud83d\\ude00 pair \\uD834\\uDD1E\",\"nps\":10}",
    "{\"text\":\"\\ud83d lone high\",\"nps\":1}",
    "{\"text\":\"\\ude00 lone low\"}",
    "{\"text\":\"\\ude00\\ud83d reversed\"}",
    "{\"text\":\"\\ud83d\\u0041 high then not low\"}",
    "{\"text\":\"\\ud83d\\\\ude00 high then backslash\"}",
    "{\"text\":\"\\ud83d\"}",
    "{\"text\":\"\\u0000 nul\",\"nps\":1}",
    "{\"text\":\"a\\u0000\"}",
    "{\"te\\u0000xt\":\"nul in key\"}",
    "{\"text\":\"bad \\x escape\"}",
    "{\"text\":\"bad \\u12G4 hex\"}",
    "{\"text\":\"short \\u12\"}",
    "{\"text\":\"ends in a backslash\\",
    "{\"text\":\"raw tab\tinside\"}",
    "{\"text\":\"raw \x01 control\"}",
    "{\"text\":\"raw \x1f control\"}",
    "{\"text\":\"del \x7f is fine\"}",
    "{\"text\":\"\xc3\xa5\xc3\xa4\xc3\xb6 \xd7\xa2\xd7\x91\xd7\xa8\xd7\x99\xd7\xaa \xf0\x9f\x98\x80\"}",
    "{\"text\":\"invalid \xff utf8\"}",
    "{\"text\":\"cut \xe2\x82\"}",
    "{ \"text\" : \"spaces\" , \"nps\" : 5 }",
    "\t{\"text\":\"tabs around\"}\t",
    "{\t\"text\"\t:\t\"tabs inside\"\t}",
    "{\"text\":null,\"nps\":null}",
    "{\"text\":true,\"nps\":false}",
    "{\"nps\":1.5,\"text\":\"order\"}",
    "{\"nps\":1.0}",
    "{\"nps\":2.50}",
    "{\"nps\":1e2}",
    "{\"nps\":1E+2}",
    "{\"nps\":-1.5e-3}",
    "{\"nps\":7.3}",
    "{\"nps\":0.1}",
    "{\"nps\":-0.0}",
    "{\"nps\":0e0}",
    "{\"nps\":1e400}",
    "{\"nps\":-1e400}",
    "{\"nps\":1e-400}",
    "{\"nps\":4.9e-324}",
    "{\"nps\":1.7976931348623157e308}",
    "{\"nps\":123456789012345678}",
    "{\"nps\":-123456789012345678}",
    "{\"nps\":1234567890123456789}",
    "{\"nps\":12345678901234567890}",
    "{\"nps\":-9223372036854775808}",
    "{\"nps\":9223372036854775807}",
    "{\"nps\":9223372036854775808}",
    "{\"nps\":0.12345678901234567890123456789012345678901234567890123456789012345}",
    "{\"nps\":01}",
    "{\"nps\":-}",
    "{\"nps\":-a}",
    "{\"nps\":1.}",
    "{\"nps\":.5}",
    "{\"nps\":1e}",
    "{\"nps\":1e+}",
    "{\"nps\":+1}",
    "{\"nps\":1x}",
    "{\"nps\":1.5.3}",
    "{\"nps\":truex}",
    "{\"nps\":tru}",
    "{\"nps\":nul}",
    "{\"nps\":NaN}",
    "{\"nps\":Infinity}",
    "{\"text\":\"a\",\"text\":\"b\"}",
    "{\"text\":\"a\",\"other\":1,\"other\":2}",
    "{\"te\\u0078t\":\"escaped key\"}",
    "{\"text\":\"a\",\"te\\u0078t\":\"the same key escaped\"}",
    "{\"text\":{\"nested\":1}}",
    "{\"text\":\"x\",\"meta\":{\"a\":[1,2,{\"b\":null}]}}",
    "{\"text\":\"x\",\"list\":[]}",
    "{\"text\":[\"a\"]}",
    "{\"text\":\"x\",\"meta\":{\"a\":1,\"a\":2}}",
    "{\"meta\":[1,[2,[3,{\"b\":[],\"c\":{}}]]],\"text\":\"deep\",\"nps\":3}",
    "{\"meta\":{\"k\":\"v\",},\"text\":\"x\"}",
    "{\"meta\":[1,2,],\"text\":\"x\"}",
    "{\"meta\":[tru],\"text\":\"x\"}",
    "{\"meta\":[true false],\"text\":\"x\"}",
    "{\"meta\":{\"e\\u0078\":1,\"ex\":2},\"text\":\"x\"}",
    "{\"meta\":{\"a\":1e999},\"text\":\"x\"}",
    "{\"meta\":{\"a\":\"\\ud800\"},\"text\":\"x\"}",
    "{\"meta\":{\"a\" 1},\"text\":\"x\"}",
    "{\"meta\":{1:2},\"text\":\"x\"}",
    "{\"meta\":[{\"a\":null,\"b\":[{\"a\":1},{\"a\":2}]}],\"text\":\"same key in sibling objects\"}",
    "{\"meta\":[1,2}",
    "{\"meta\":[1},\"text\":\"array closed by a brace\"}",
    "{\"meta\":{\"a\":1],\"text\":\"object closed by a bracket\"}",
    "{\"meta\":{\"a\":[1}]},\"text\":\"x\"}",
    "{}",
    "{ }",
    "{\"text\":\"x\",}",
    "{,\"text\":\"x\"}",
    "{\"text\":\"x\" \"nps\":1}",
    "{\"text\" \"x\"}",
    "{\"text\"::\"x\"}",
    "{\"text\":}",
    "{\"text\":\"x\"}}",
    "{\"text\":\"x\"} trailing",
    "{\"text\":\"x\"}{\"text\":\"y\"}",
    "{'text':'single quotes'}",
    "{text:\"bare key\"}",
    "[1,2]",
    "\"just a string\"",
    "42",
    "null",
    "{\"text\":\"unterminated",
    "{\"text\":\"x\"",
    "{\"text\":\"x\",",
    "{",
    "}",
    "{\"\":\"empty key\",\"text\":\"x\"}",
    "{\"x\":\"a key named x\",\"X\":\"and X\"}",
    "{\"text\":\"a long value that is longer than the small max-field limit of the test\"}",
    "\xef\xbb\xbf{\"text\":\"a BOM inside the file\"}",
};

static void test_jsonl_fast_path_same_as_jansson(void **state) {
  (void)state;
  size_t n_lines = sizeof tricky_lines / sizeof tricky_lines[0], fast = 0;
  const char *const dotted[] = {"text", "meta.a", "nps"};
  /* each line alone, with the usual fields, a dotted path (jansson only) and a small limit */
  for (size_t i = 0; i < n_lines; i++) {
    const char *l = tricky_lines[i];
    same_both_ways(l, strlen(l), fast_fields, 5, 0, &fast);
    same_both_ways(l, strlen(l), dotted, 3, 0, &fast);
    same_both_ways(l, strlen(l), fast_fields, 5, 16, &fast);
  }
  /* both paths must have been taken: the first lines are plain, the bad ones are not */
  assert_true(fast > 20);
  assert_true(fast < 2 * n_lines);
  /* all of them as one file (line numbers, stats), with LF, CRLF and blank lines */
  dump all = {0};
  for (size_t i = 0; i < n_lines; i++) {
    dump_add(&all, tricky_lines[i], strlen(tricky_lines[i]));
    dump_add(&all, i % 3 == 0 ? "\r\n" : i % 7 == 0 ? "\n\n" : "\n", i % 3 == 0 ? 2 : i % 7 == 0 ? 2 : 1);
  }
  fast = 0;
  same_both_ways(all.text, all.len, fast_fields, 5, 0, &fast);
  assert_true(fast > 20);
  free(all.text);
  /* nesting deeper than the fast path follows (32), and just under it */
  for (int depth = 30; depth <= 34; depth++) {
    dump deep = {0};
    const char *head = "{\"text\":\"deep\",\"meta\":", *key = "{\"a\":";
    dump_add(&deep, head, strlen(head));
    for (int k = 0; k < depth; k++) dump_add(&deep, k % 2 ? key : "[", k % 2 ? strlen(key) : 1);
    dump_add(&deep, "1", 1);
    for (int k = depth - 1; k >= 0; k--) dump_add(&deep, k % 2 ? "}" : "]", 1);
    dump_add(&deep, "}", 1);
    same_both_ways(deep.text, deep.len, fast_fields, 5, 0, &fast);
    free(deep.text);
  }
  /* limits of 64 bytes and more, with fields just under, at and over them (the fast path
   * looks at its values' lengths only on lines longer than the limit) */
  for (size_t limit = 64; limit <= 200; limit += 68) {
    for (size_t tl = limit - 2; tl <= limit + 2; tl++) {
      dump lim = {0};
      dump_add(&lim, "{\"id\": \"", 9);
      for (size_t k = 0; k < tl; k++) dump_add(&lim, k % 7 ? "a" : "\\n", k % 7 ? 1 : 2);
      const char *rest = "\", \"nps\": -1.2345678901234567e-300, \"text\": \"short\"}";
      dump_add(&lim, rest, strlen(rest));
      same_both_ways(lim.text, lim.len, fast_fields, 5, limit, &fast);
      free(lim.text);
    }
  }
  /* more keys than the fast path keeps */
  dump many = {0};
  dump_add(&many, "{", 1);
  for (int k = 0; k < 70; k++) dump_printf(&many, "\"k%d\":%d,", k, k);
  dump_add(&many, "\"text\":\"last\",\"k3\":0}", 22);
  same_both_ways(many.text, many.len, fast_fields, 5, 0, &fast);
  many.len = 0;
  dump_add(&many, "{", 1);
  for (int k = 0; k < 70; k++) dump_printf(&many, "\"k%d\":%d,", k, k);
  dump_add(&many, "\"text\":\"last\"}", 14);
  same_both_ways(many.text, many.len, fast_fields, 5, 0, &fast);
  free(many.text);
}

static size_t rnd(uint64_t *seed, size_t n) {
  *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
  return (size_t)((*seed >> 33) % n);
}

/* Random lines built from pieces of the tricky ones: keys, values, spaces, commas. */
static void test_jsonl_fast_path_random_lines(void **state) {
  (void)state;
  static const char *const keys[] = {"\"text\"", "\"nps\"", "\"id\"", "\"x\"", "\"te\\u0078t\"",
                                     "\"other\"", "\"\"", "\"text \"", "\"missing\""};
  static const char *const values[] = {
      "\"hej\"", "\"\"", "\"a\\\"b\"", "\"\\u00e9\\n\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"",
      "\"\\u0000\"", "\"\\x\"", "\"\xc3\xa5\xd7\x90\"", "\"tab\there\"", "\"\\/\\\\\"", "0", "-0",
      "7", "-12", "3.25", "7.3", "1e5", "-2E-2", "1e999", "01", "1.", "123456789012345678901",
      "true", "false", "null", "tru", "{}", "{\"a\":1}", "[1,\"x\"]", "\"unterminated"};
  static const char *const ws[] = {"", "", "", " ", "\t", "  "};
  uint64_t seed = 0x9E3779B97F4A7C15ull;
  size_t fast = 0, lines = 0;
  dump file = {0};
  for (int i = 0; i < 3000; i++) {
    dump line = {0};
    dump_add(&line, "", 0);
    int n_pairs;
    n_pairs = (int)rnd(&seed, 6);
    dump_printf(&line, "%s{", ws[rnd(&seed, 6)]);
    for (int k = 0; k < n_pairs; k++) {
      const char *w1 = ws[rnd(&seed, 6)], *key = keys[rnd(&seed, 9)], *w2 = ws[rnd(&seed, 6)];
      const char *w3 = ws[rnd(&seed, 6)];
      const char *val = values[rnd(&seed, sizeof values / sizeof values[0])];
      dump_printf(&line, "%s%s%s:%s%s%s", w1, key, w2, w3, val, ws[rnd(&seed, 6)]);
      if (k + 1 < n_pairs || rnd(&seed, 40) == 0) dump_add(&line, ",", 1);
    }
    dump_printf(&line, "}%s", ws[rnd(&seed, 6)]);
    if (rnd(&seed, 50) == 0) dump_add(&line, "x", 1);
    same_both_ways(line.text, line.len, fast_fields, 5, 0, &fast);
    dump_add(&file, line.text, line.len);
    dump_add(&file, "\n", 1);
    lines++;
    free(line.text);
  }
  assert_true(fast > lines / 10);
  assert_true(fast < lines);
  size_t fast_file = 0;
  same_both_ways(file.text, file.len, fast_fields, 5, 0, &fast_file);
  free(file.text);
}

/* A pipe written by a thread in pieces of 1 to 300 bytes, which stops three times until the
 * reader says it waits (on_wait): the reader takes what has arrived from a stream. */
typedef struct {
  int fd;
  const char *data;
  size_t len;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int waits, missed;
} piper;

static void piper_wait(void *p) {
  piper *w = p;
  pthread_mutex_lock(&w->mu);
  w->waits++;
  pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
}

static void *piper_main(void *p) {
  piper *w = p;
  uint64_t seed = 7;
  size_t stops[3] = {w->len / 4, w->len / 2, w->len - 1}, next_stop = 0;
  for (size_t off = 0; off < w->len;) {
    size_t n = 1 + rnd(&seed, 300);
    if (n > w->len - off) n = w->len - off;
    if (next_stop < 3 && off + n > stops[next_stop]) n = stops[next_stop] - off;
    ssize_t put = n ? write(w->fd, w->data + off, n) : 0;
    if (put < 0) break;
    off += (size_t)put;
    if (next_stop < 3 && off == stops[next_stop]) {
      /* everything so far is in the pipe: the reader takes it and finds nothing more */
      pthread_mutex_lock(&w->mu);
      int seen = w->waits;
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      until.tv_sec += 20;
      while (w->waits == seen &&
             pthread_cond_timedwait(&w->cv, &w->mu, &until) == 0) {
      }
      if (w->waits == seen) w->missed++;
      pthread_mutex_unlock(&w->mu);
      next_stop++;
    }
  }
  close(w->fd);
  return NULL;
}

static void test_stream_reads_what_has_arrived(void **state) {
  (void)state;
  /* lines of every kind, with long ones that span the pieces */
  static const char *const values[] = {"\"hej\"", "\"\"", "\"a\\\"b\"", "\"\\u00e9\"", "7",
                                       "-2E-2", "null", "{\"a\":1}", "\"unterminated",
                                       "\"\xc3\xa5\xd7\x90\xff\""};
  uint64_t seed = 11;
  dump file = {0};
  for (int i = 0; i < 2000; i++) {
    dump_printf(&file, "{\"id\": %d, \"text\": %s", i, values[rnd(&seed, 10)]);
    if (rnd(&seed, 20) == 0)
      for (int k = rnd(&seed, 400); k > 0; k--) dump_add(&file, " pad", 4);
    bool crlf = rnd(&seed, 30) == 0;
    dump_add(&file, crlf ? "}\r\n" : "}\n", crlf ? 3 : 2);
  }
  dump want = {0}, got = {0};
  size_t fast_a = 0, fast_b = 0;
  read_dump(file.text, file.len, fast_fields, 5, 0, false, &want, &fast_a);
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  piper w = {fds[1], file.text, file.len, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
             0, 0};
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, piper_main, &w), 0);
  FILE *fp = fdopen(fds[0], "r");
  assert_non_null(fp);
  read_dump_fp(fp, fast_fields, 5, 0, false, &got, &fast_b, piper_wait, &w);
  pthread_join(t, NULL);
  if (want.len != got.len || memcmp(want.text, got.text, want.len) != 0)
    fail_msg("from memory:\n%.2000s\nfrom the pipe:\n%.2000s", want.text, got.text);
  assert_int_equal(fast_a, fast_b);
  assert_int_equal(w.missed, 0);
  assert_true(w.waits >= 3);
  free(file.text);
  free(want.text);
  free(got.text);
}

/* ---- other encodings ---- */

/* `in` converted by iconv from UTF-8 to `to` (with "UTF-16LE" and a mark before it when
 * `mark`), in a malloc'd buffer of *len bytes. */
static char *iconv_to(const char *in, size_t n, const char *to, bool mark, size_t *len) {
  iconv_t cd = iconv_open(to, "UTF-8");
  assert_true(cd != (iconv_t)-1);
  char *out = malloc(n * 4 + 4), *op = out;
  size_t ol = n * 4 + 2;
  if (mark) {
    bool be = strstr(to, "BE") != NULL;
    memcpy(op, be ? "\xFE\xFF" : "\xFF\xFE", 2);
    op += 2;
  }
  char *ip = (char *)(uintptr_t)in;
  size_t il = n;
  assert_int_not_equal(iconv(cd, &ip, &il, &op, &ol), (size_t)-1);
  iconv_close(cd);
  *len = (size_t)(op - out);
  return out;
}

/* JSONL of many lines with the letters of the four languages, a euro sign, a tab and long
 * lines that cross the reader's 64 KB blocks; `wide` adds what only UTF-8 and UTF-16 hold
 * (Hebrew with Nordic, emoji: surrogate pairs in UTF-16). */
static void encoded_sample(dump *d, bool wide, bool hebrew) {
  static const char *const latin[] = {"bra", "l\xc3\xa5ng", "v\xc3\xa6rd", "s\xc3\xb8""d",
                                      "\xc3\xa4ter", "\xc3\xb6l", "\xe2\x82\xac" "12", "caf\xc3\xa9",
                                      "\\t", "\\\"q\\\""};
  static const char *const heb[] = {"\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", "\xd7\x90", "12",
                                    "\xd7\xaa\xd7\x95\xd7\x93\xd7\x94", "ok"};
  uint64_t seed = 5;
  for (int i = 0; i < 3000; i++) {
    dump_printf(d, "{\"id\": %d, \"text\": \"", i);
    int words = 1 + (int)rnd(&seed, i % 97 == 0 ? 4000 : 12);
    for (int w = 0; w < words; w++) {
      const char *s = hebrew ? heb[rnd(&seed, 5)] : latin[rnd(&seed, 10)];
      if (wide && rnd(&seed, 6) == 0) s = rnd(&seed, 2) ? "\xf0\x9f\x98\x80" : "\xd7\x90\xc3\xa5";
      dump_printf(d, "%s%s", w ? " " : "", s);
    }
    dump_add(d, i % 50 == 0 ? "\"}\r\n" : "\"}\n", i % 50 == 0 ? 4 : 3);
  }
}

static void dump_encoded(const char *data, size_t len, const char *encoding, dump *d) {
  size_t fast = 0;
  dump_encoding = encoding;
  read_dump(data, len, fast_fields, 5, 0, false, d, &fast);
  dump_encoding = NULL;
}

static void same_dumps(const dump *a, const dump *b, const char *what) {
  if (a->len != b->len || memcmp(a->text, b->text, a->len) != 0) {
    size_t k = 0;
    while (k < a->len && k < b->len && a->text[k] == b->text[k]) k++;
    size_t from = k > 200 ? k - 200 : 0;
    fail_msg("%s differs at byte %zu:\nUTF-8: %.400s\nthis: %.400s", what, k, a->text + from,
             b->text + from);
  }
}

static void test_utf16_read(void **state) {
  (void)state;
  dump text = {0}, want = {0};
  encoded_sample(&text, true, false);
  dump_encoded(text.text, text.len, NULL, &want);
  struct { const char *to; bool mark; const char *encoding; } cases[] = {
      {"UTF-16LE", true, NULL}, {"UTF-16BE", true, NULL}, {"UTF-16LE", true, "utf-16"},
      {"UTF-16LE", false, "UTF-16"}, {"UTF-16LE", false, "utf16le"},
      {"UTF-16BE", false, "utf_16BE"},
      {"UTF-16BE", true, "windows-1252"}, /* a mark is followed whatever is given */
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    size_t n;
    char *in = iconv_to(text.text, text.len, cases[k].to, cases[k].mark, &n);
    dump got = {0};
    dump_encoded(in, n, cases[k].encoding, &got);
    same_dumps(&want, &got, cases[k].to);
    free(got.text);
    got = (dump){0};
    /* without a mark or a name: the zero bytes tell, and that is said */
    if (!cases[k].mark && k == 3) {
      dump_encoded(in, n, NULL, &got);
      assert_non_null(strstr(got.text, "every other byte is zero: read as UTF-16LE"));
      free(got.text);
    }
    free(in);
  }
  /* through a pipe in pieces: a character, a surrogate pair and a CR LF split anywhere */
  size_t n;
  char *in = iconv_to(text.text, text.len, "UTF-16LE", true, &n);
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  piper w = {fds[1], in, n, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, piper_main, &w), 0);
  FILE *fp = fdopen(fds[0], "r");
  assert_non_null(fp);
  dump got = {0};
  size_t fast = 0;
  read_dump_fp(fp, fast_fields, 5, 0, false, &got, &fast, piper_wait, &w);
  pthread_join(t, NULL);
  same_dumps(&want, &got, "UTF-16LE from a pipe");
  free(got.text);
  free(in);
  free(text.text);
  free(want.text);
}

static void test_utf16_faults(void **state) {
  (void)state;
  /* a lone low surrogate, a high one before a letter, half a character at the end */
  static const char in[] = "\xFF\xFE{\0\"\0t\0\"\0:\0\"\0a\0\x00\xDC" "b\0\x3D\xD8" "c\0\"\0}\0\n\0"
                           "{\0}\0\n\0x";
  ctx c;
  assert_int_equal(open_reader(&c, in, sizeof in - 1, VB_FORMAT_JSONL, 0), VB_OK);
  int h = field(&c, "t");
  const vb_record *r = NEXT(&c, 1, 1);
  assert_int_equal(r->n_invalid_utf8, 2);
  VALUE(&c, h, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c");
  /* columns count the UTF-8 bytes: {"t":"a is seven */
  assert_int_equal(PROBLEM(&c, 1, "an unpaired UTF-16 surrogate")->column, 8);
  NEXT(&c, 2, 2);
  r = NEXT(&c, 3, 3); /* "\xEF\xBF\xBD": not JSON */
  assert_int_not_equal(r->error, 0);
  expect_end(&c);
  close_reader(&c);
  /* UTF-32 is refused */
  assert_int_equal(OPEN(&c, "\xFF\xFE\0\0i\0\0\0", VB_FORMAT_CSV), VB_EUTF8);
  assert_null(c.rd);
  assert_contains(c.err.message, "UTF-32");
  fclose(c.fp);
}

static void test_code_pages(void **state) {
  (void)state;
  struct { const char *name; bool hebrew; } pages[] = {
      {"windows-1252", false}, {"ISO-8859-15", false}, {"cp1252", false},
      {"windows-1255", true}, {"iso-8859-8", true}};
  for (size_t k = 0; k < sizeof pages / sizeof pages[0]; k++) {
    dump text = {0}, want = {0}, got = {0};
    encoded_sample(&text, false, pages[k].hebrew);
    dump_encoded(text.text, text.len, NULL, &want);
    size_t n;
    char *in = iconv_to(text.text, text.len, pages[k].name, false, &n);
    assert_true(n < text.len); /* one byte a letter */
    dump_encoded(in, n, pages[k].name, &got);
    same_dumps(&want, &got, pages[k].name);
    free(in);
    free(text.text);
    free(want.text);
    free(got.text);
  }
  /* undefined bytes and NUL at their columns; a UTF-8 byte-order mark wins, said */
  ctx c;
  static const char in[] = "id,text\n1,caf\xE9 \x81x\x80\n2,a\0b\n";
  vb_reader_options o = {0};
  o.format = VB_FORMAT_CSV;
  o.name = "test.in";
  o.encoding = "windows-1252";
  assert_int_equal(OPEN_WITH(&c, in, &o), VB_OK);
  int h = field(&c, "text");
  const vb_record *r = NEXT(&c, 2, 2);
  VALUE(&c, h, "caf\xC3\xA9 \xEF\xBF\xBDx\xE2\x82\xAC");
  assert_int_equal(r->n_invalid_utf8, 1);
  assert_int_equal(PROBLEM(&c, 2, "byte 0x81 is not a character in windows-1252")->column, 8);
  NEXT(&c, 3, 3);
  VALUE(&c, h, "a\xEF\xBF\xBD" "b");
  assert_int_equal(PROBLEM(&c, 3, "NUL byte")->column, 4);
  expect_end(&c);
  close_reader(&c);
  static const char utf8[] = "\xEF\xBB\xBFid,text\n1,\xC3\xA5r\n";
  assert_int_equal(OPEN_WITH(&c, utf8, &o), VB_OK);
  h = field(&c, "text");
  NEXT(&c, 2, 2);
  VALUE(&c, h, "\xC3\xA5r");
  PROBLEM(&c, 1, "UTF-8 byte-order mark: read as UTF-8, not windows-1252");
  close_reader(&c);
  /* UTF-8 without a mark but read as a code page: said once, at the first such line */
  static const char mixed[] = "id,text\n1,ok\n2,\xC3\xA5r\n3,\xC3\xB6l\n";
  assert_int_equal(OPEN_WITH(&c, mixed, &o), VB_OK);
  h = field(&c, "text");
  NEXT(&c, 2, 2);
  NEXT(&c, 3, 3);
  VALUE(&c, h, "\xC3\x83\xC2\xA5r"); /* as asked: each byte a windows-1252 letter */
  NEXT(&c, 4, 4);
  assert_int_equal(c.n_probs, 1);
  PROBLEM(&c, 3, "this line is valid UTF-8");
  close_reader(&c);
  /* names that cannot be read */
  vb_error e = {0};
  assert_int_equal(vb_encoding_check("utf-8", &e), VB_OK);
  assert_int_equal(vb_encoding_check("UTF-16BE", &e), VB_OK);
  assert_int_equal(vb_encoding_check("latin1", &e), VB_OK);
  assert_int_equal(vb_encoding_check("no-such-code", &e), VB_EINVAL);
  assert_contains(e.message, "unknown encoding 'no-such-code'");
  assert_int_equal(vb_encoding_check("UTF-32", &e), VB_EINVAL);
  assert_contains(e.message, "not one byte a character");
  assert_int_equal(vb_encoding_check("EBCDIC-US", &e), VB_EINVAL);
  assert_contains(e.message, "does not keep ASCII");
  /* the reader refuses them too */
  o.encoding = "no-such-code";
  assert_int_equal(OPEN_WITH(&c, in, &o), VB_EINVAL);
  assert_null(c.rd);
  fclose(c.fp);
}

static void test_legacy_hint(void **state) {
  (void)state;
  /* a Danish Windows-1252 line, then a Hebrew Windows-1255 one: the hint once, as guessed */
  ctx c;
  assert_int_equal(OPEN(&c, "id,text\n1,s\xF8""d og v\xE6rd\n2,\xF8l\n", VB_FORMAT_CSV), VB_OK);
  NEXT(&c, 2, 2);
  NEXT(&c, 3, 3);
  PROBLEM(&c, 2, "may not be UTF-8 but windows-1252 (a Swedish or Danish Excel export)");
  size_t hints = 0;
  for (size_t i = 0; i < c.n_probs; i++) hints += strstr(c.probs[i].message, "may not be") != NULL;
  assert_int_equal(hints, 1);
  close_reader(&c);
  assert_int_equal(OPEN(&c, "id,text\n1,\xF9\xEC\xE5\xED \xF2\xEC\xE9\xEA\xED\n", VB_FORMAT_CSV),
                   VB_OK);
  NEXT(&c, 2, 2);
  PROBLEM(&c, 2, "may not be UTF-8 but windows-1255 (a Hebrew Excel export)");
  close_reader(&c);
  /* no hint for damaged UTF-8: a stray byte beside good UTF-8, a byte no code page's letter */
  assert_int_equal(OPEN(&c, "id,text\n1,caf\xC3\xA9 \xE9t\xC3\xA9\n2,ok \xFF\n3,\x80x\n",
                        VB_FORMAT_CSV), VB_OK);
  NEXT(&c, 2, 2);
  NEXT(&c, 3, 3);
  NEXT(&c, 4, 4);
  assert_int_equal(c.n_probs, 3);
  for (size_t i = 0; i < c.n_probs; i++) assert_null(strstr(c.probs[i].message, "may not be"));
  close_reader(&c);
}

/* Random strings of every length up to 48 bytes as keys and values, built from fragments that
 * end or interrupt a plain run (quotes, backslashes and their escapes, control bytes, DEL,
 * multi-byte UTF-8) at every position of the eight-byte words the fast path tests at once,
 * and lines cut short inside them. */
static void rnd_string(uint64_t *seed, dump *d) {
  /* plain bytes, then what the fast path unescapes or passes, then what it leaves to jansson */
  static const char *const frags[] = {
      "a", "b", "0", " ", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xd7\x90", "\x7f",
      "\\\"", "\\\\", "\\n", "\\/", "\\u00e9", "\\ud83d\\ude00", "!", "~", "\xc2\xa0",
      "\"", "\\ud83d", "\\q", "\x01", "\x1f", "\t"};
  size_t n = rnd(seed, 49), n_frags = sizeof frags / sizeof frags[0];
  bool mostly_plain = rnd(seed, 4) != 0; /* letters, now and then something it handles */
  for (size_t k = 0; k < n; k++) {
    const char *f = !mostly_plain ? frags[rnd(seed, n_frags)]
                    : rnd(seed, 8) != 0 ? frags[rnd(seed, 4)] : frags[rnd(seed, n_frags - 6)];
    dump_add(d, f, strlen(f));
  }
}

static void test_jsonl_fast_path_random_strings(void **state) {
  (void)state;
  static const char *const keys[] = {"text", "id", "nps", "other", NULL};
  uint64_t seed = 0x243F6A8885A308D3ull;
  size_t fast = 0;
  dump file = {0};
  for (int i = 0; i < 4000; i++) {
    dump line = {0};
    dump_add(&line, "{", 1);
    int n_pairs = 1 + (int)rnd(&seed, 4);
    for (int k = 0; k < n_pairs; k++) {
      dump_add(&line, k ? ", \"" : "\"", k ? 3 : 1);
      const char *key = keys[rnd(&seed, 5)];
      if (key) dump_add(&line, key, strlen(key));
      else rnd_string(&seed, &line);
      dump_add(&line, "\": \"", 4);
      rnd_string(&seed, &line);
      dump_add(&line, "\"", 1);
    }
    dump_add(&line, "}", 1);
    size_t len = line.len;
    if (rnd(&seed, 20) == 0) len = rnd(&seed, len + 1); /* cut short */
    same_both_ways(line.text, len, fast_fields, 5, 0, &fast);
    dump_add(&file, line.text, len);
    dump_add(&file, "\n", 1);
    free(line.text);
  }
  assert_true(fast > 800);
  assert_true(fast < 4000);
  size_t fast_file = 0;
  same_both_ways(file.text, file.len, fast_fields, 5, 0, &fast_file);
  free(file.text);
}

/* The fast path remembers the keys of the last line by place: files whose lines repeat, vary
 * and contradict them (keys that are prefixes or extensions of each other, escaped spellings,
 * other white space around the colon, keys whose bytes up to the value are about 16 long, the
 * same key twice), read as one file each way. */
static void test_jsonl_fast_path_key_places(void **state) {
  (void)state;
  static const char *const keys[] = {
      "\"text\"", "\"tex\"", "\"textt\"", "\"te\\u0078t\"", "\"id\"", "\"i\"", "\"idd\"",
      "\"nps\"", "\"x\"", "\"\"", "\"text:\"", "\"a_key_of_12\"", "\"a_key_of_13b\"",
      "\"a_key_of_14bb\"", "\"a_key_of_15bbb\"", "\"text \"", "\"\xc3\xa5\""};
  static const char *const before[] = {"", "", "", " ", "\t"}, *const after[] = {"", " ", " ", "  ", "\t"};
  static const char *const values[] = {"\"v\"", "1", "\"\"", "null", "\"a\\\"b\"", "[1]"};
  uint64_t seed = 0xBB67AE8584CAA73Bull;
  size_t n_keys = sizeof keys / sizeof keys[0];
  for (int file_no = 0; file_no < 40; file_no++) {
    dump file = {0};
    /* a few shapes per file, so that the places often hold the same key as the line before */
    size_t shape[4][6];
    for (int k = 0; k < 4; k++)
      for (int i = 0; i < 6; i++) shape[k][i] = rnd(&seed, n_keys);
    for (int line = 0; line < 60; line++) {
      const size_t *sh = shape[rnd(&seed, 4)];
      size_t n_pairs = 1 + rnd(&seed, 6);
      dump_add(&file, "{", 1);
      for (size_t i = 0; i < n_pairs; i++) {
        const char *key = rnd(&seed, 10) ? keys[sh[i]] : keys[rnd(&seed, n_keys)];
        dump_printf(&file, "%s%s%s:%s%s", i ? ", " : "", key, before[rnd(&seed, 5)],
                    after[rnd(&seed, 5)], values[rnd(&seed, 6)]);
      }
      dump_add(&file, "}\n", 2);
    }
    size_t fast = 0;
    same_both_ways(file.text, file.len, fast_fields, 5, 0, &fast);
    assert_true(fast > 0);
    free(file.text);
  }
}

/* A field asked for after some records were read: the keys remembered from the lines before
 * must not hide it. */
static void late_field_dump(const char *data, bool slow, dump *d) {
  FILE *fp = fmemopen((void *)(uintptr_t)data, strlen(data), "r");
  assert_non_null(fp);
  vb_reader_options o = {0};
  o.format = VB_FORMAT_JSONL;
  vb_reader *rd = NULL;
  vb_error err = {0};
  assert_int_equal(vb_reader_new(fp, &o, NULL, NULL, &rd, &err), VB_OK);
  vb__reader_jsonl_slow(rd, slow);
  int h[2] = {vb_reader_field(rd, "text", &err), -1};
  const vb_record *r;
  for (int k = 0; vb_reader_next(rd, &r) == 1; k++) {
    if (k == 2) h[1] = vb_reader_field(rd, "id", &err);
    for (int f = 0; f < 2; f++) {
      size_t vl = 0;
      const char *v = h[f] >= 0 ? vb_reader_get(rd, h[f], &vl) : NULL;
      dump_printf(d, "%d:%.*s|", f, v ? (int)vl : 4, v ? v : "none");
    }
    dump_add(d, "\n", 1);
  }
  vb_reader_free(rd);
  fclose(fp);
}

static void test_jsonl_fast_path_late_field(void **state) {
  (void)state;
  const char *data = "{\"id\": \"a\", \"text\": \"one\"}\n{\"id\": \"b\", \"text\": \"two\"}\n"
                     "{\"id\": \"c\", \"text\": \"three\"}\n{\"id\": \"d\", \"text\": \"four\"}\n";
  dump a = {0}, b = {0};
  late_field_dump(data, false, &a);
  late_field_dump(data, true, &b);
  assert_string_equal(a.text, b.text);
  assert_non_null(strstr(a.text, "1:d|")); /* from the record after the one it was asked at */
  free(a.text);
  free(b.text);
}

/* ---- the scans under the JSONL fast path ---- */

/* A plain run's end one byte at a time: what both versions of json_plain_end must give. */
static const char *plain_end_ref(const char *p, const char *e) {
  while (p < e && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) p++;
  return p;
}

/* Random buffers of up to 70 bytes, mostly plain with the bytes that end a run (quote,
 * backslash, every control byte, NUL) and those that do not (DEL, bytes of 0x80 and more, the
 * space) now and then, followed by the sixteen zero bytes the reader keeps: the end from
 * every start, by both versions and the byte loop. */
static void test_json_plain_end(void **state) {
  (void)state;
  static const unsigned char special[] = {'"', '\\', 0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F,
                                          0x20, 0x7F, 0x80, 0xBF, 0xC3, 0xD7, 0xFF, '/'};
  uint64_t seed = 0x3C6EF372FE94F82Bull;
  char buf[70 + 16];
  for (int round = 0; round < 20000; round++) {
    size_t len = rnd(&seed, 71), odds = 1 + rnd(&seed, 40);
    for (size_t i = 0; i < len; i++)
      buf[i] = rnd(&seed, odds) == 0 ? (char)special[rnd(&seed, sizeof special)]
                                     : (char)('a' + rnd(&seed, 26));
    memset(buf + len, 0, 16);
    for (size_t from = 0; from <= len; from++) {
      const char *want = plain_end_ref(buf + from, buf + len);
      assert_ptr_equal(vb__json_plain_end_swar(buf + from, buf + len), want);
#if defined(__SSE2__) && defined(__GNUC__)
      assert_ptr_equal(vb__json_plain_end_sse2(buf + from, buf + len), want);
#endif
    }
  }
}

/* Random lines of up to 100 bytes from fragments of valid and invalid UTF-8 (two-byte
 * characters and their overlong C0 C1 forms, three- and four-byte ones, surrogates, code
 * points above U+10FFFF, stray continuation bytes, leads cut short, NUL) at every place of the
 * sixteen bytes the SSE2 path takes at once, and the line's end among them: the reader's one
 * pass must say what vb_utf8_check and memchr say. */
static void test_line_clean(void **state) {
  (void)state;
  static const char *const frags[] = {
      "a", "b", " ", ".", "\xc3\xa5", "\xd7\x90", "\xd7\xa9", "\xc2\x80", "\xdf\xbf",
      "\xe2\x82\xac", "\xef\xbf\xbd", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "\x7f",
      "\xc0\x80", "\xc1\xbf", "\xed\xa0\x80", "\xe0\x80\x80", "\xf0\x80\x80\x80",
      "\xf4\x90\x80\x80", "\xf5\x80", "\xff", "\x80", "\xbf", "\xc3", "\xd7", "\xe2\x82",
      "\xf0\x9f\x98", "\xc3\xc3"};
  const size_t n_valid = 14; /* the first ones, NUL aside */
  uint64_t seed = 0xA4093822299F31D0ull;
  char buf[128 + 16];
  size_t clean = 0;
  for (int round = 0; round < 60000; round++) {
    size_t len = 0, target = rnd(&seed, 101);
    int bad_odds = (int)rnd(&seed, 4); /* 0: only valid characters */
    while (len < target) {
      const char *f;
      size_t fl;
      if (bad_odds && rnd(&seed, 30) == 0) {
        f = "\0";
        fl = 1;
      } else {
        f = frags[bad_odds && rnd(&seed, (size_t)bad_odds * 25) == 0
                      ? n_valid + rnd(&seed, sizeof frags / sizeof frags[0] - n_valid)
                  : rnd(&seed, 3) ? rnd(&seed, 4) : rnd(&seed, n_valid)];
        fl = strlen(f);
      }
      if (len + fl > 128) break;
      memcpy(buf + len, f, fl);
      len += fl;
    }
    if (rnd(&seed, 8) == 0 && len) len = rnd(&seed, len + 1); /* cut anywhere */
    memset(buf + len, 0, 16);
    bool want = vb_utf8_check(buf, len) == len && !memchr(buf, 0, len);
    if (vb__reader_line_clean(buf, len) != want)
      fail_msg("line_clean %d, vb_utf8_check and memchr %d on %zu bytes", !want, want, len);
    clean += want;
  }
  assert_true(clean > 20000 && clean < 55000); /* both answers often */
}

/* ---- plain text ---- */

static void test_plain_text(void **state) {
  (void)state;
  ctx c;
  assert_int_equal(OPEN(&c, "one\nשלום עולם\r\nthree", VB_FORMAT_TXT), VB_OK);
  assert_int_equal(vb_reader_format(c.rd), VB_FORMAT_TXT);
  vb_error e = {0};
  assert_int_equal(vb_reader_field(c.rd, "body", &e), VB_ENOTFOUND);
  assert_contains(e.message, "text");
  int text = field(&c, "text");
  NEXT(&c, 1, 1);
  VALUE(&c, text, "one");
  NEXT(&c, 2, 2);
  VALUE(&c, text, "שלום עולם");
  NEXT(&c, 3, 3);
  VALUE(&c, text, "three");
  expect_end(&c);
  close_reader(&c);
}

static void test_format_names(void **state) {
  (void)state;
  vb_format f = VB_FORMAT_AUTO;
  assert_int_equal(vb_format_parse("csv", &f), VB_OK);
  assert_int_equal(f, VB_FORMAT_CSV);
  assert_int_equal(vb_format_parse("NDJSON", &f), VB_OK);
  assert_int_equal(f, VB_FORMAT_JSONL);
  assert_int_equal(vb_format_parse("txt", &f), VB_OK);
  assert_int_equal(f, VB_FORMAT_TXT);
  assert_int_equal(vb_format_parse("xlsx", &f), VB_EINVAL);
  assert_int_equal(vb_format_from_name("data/answers.tsv"), VB_FORMAT_TSV);
  assert_int_equal(vb_format_from_name("a.jsonl"), VB_FORMAT_JSONL);
  assert_int_equal(vb_format_from_name("a.CSV"), VB_FORMAT_CSV);
  assert_int_equal(vb_format_from_name("dir.csv/file"), VB_FORMAT_AUTO);
  assert_int_equal(vb_format_from_name("noext"), VB_FORMAT_AUTO);
  assert_int_equal(vb_format_from_name(NULL), VB_FORMAT_AUTO);
  /* the format from the name given in the options */
  ctx c;
  memset(&c, 0, sizeof c);
  const char data[] = "id\ttext\n1\tx\n";
  c.fp = fmemopen((void *)(uintptr_t)data, sizeof data - 1, "r");
  vb_reader_options o = {.format = VB_FORMAT_AUTO, .name = "answers.tsv"};
  assert_int_equal(vb_reader_new(c.fp, &o, NULL, NULL, &c.rd, NULL), VB_OK);
  assert_int_equal(vb_reader_format(c.rd), VB_FORMAT_TSV);
  close_reader(&c);
}

/* vb_reader_record_fields(): every field of a record, in order, whatever was asked for. */
static void fields_are_(ctx *c, const char *want, const char *file, int line) {
  const vb_field *f;
  size_t n;
  assert_int_equal(vb_reader_record_fields(c->rd, &f, &n), VB_OK);
  char got[512] = "";
  for (size_t i = 0; i < n; i++) {
    size_t at = strlen(got);
    snprintf(got + at, sizeof got - at, "%s%s=%s", i ? "|" : "", f[i].name, f[i].value);
    if (strlen(f[i].name) != f[i].name_len || strlen(f[i].value) != f[i].value_len) {
      print_error("field %zu: lengths differ from the strings'\n", i);
      _fail(file, line);
    }
  }
  vb_test_span(got, strlen(got), want, "record fields", file, line);
}
#define FIELDS(c, want) fields_are_((c), (want), __FILE__, __LINE__)

static void test_record_fields(void **state) {
  (void)state;
  ctx c;
  /* CSV: every column, a short row's missing one empty; the fields asked for do not matter */
  assert_int_equal(OPEN(&c, "id,nps,text\n1,9,\"a, b\"\n2,3\n", VB_FORMAT_CSV), VB_OK);
  field(&c, "text");
  NEXT(&c, 2, 2);
  FIELDS(&c, "id=1|nps=9|text=a, b");
  NEXT(&c, 3, 3);
  FIELDS(&c, "id=2|nps=3|text=");
  close_reader(&c);
  /* JSONL: top-level strings, numbers, booleans as text, in order; objects, arrays and null
   * left out; an error record has none; without vb_reader_keep_fields() none at all */
  static const char jl[] = "{\"id\":\"a\\\"b\",\"o\":{\"x\":1},\"n\":null,\"s\":8.5,"
                           "\"ok\":false,\"l\":[1],\"text\":\"hej\"}\n{bad\n{\"text\":\"x\"}\n";
  assert_int_equal(OPEN(&c, jl, VB_FORMAT_JSONL), VB_OK);
  int text = field(&c, "text");
  vb_reader_keep_fields(c.rd);
  NEXT(&c, 1, 1);
  FIELDS(&c, "id=a\"b|s=8.5|ok=false|text=hej");
  VALUE(&c, text, "hej"); /* the fields asked for still read */
  NEXT(&c, 2, 2);
  FIELDS(&c, "");
  NEXT(&c, 3, 3);
  FIELDS(&c, "text=x");
  close_reader(&c);
  assert_int_equal(OPEN(&c, jl, VB_FORMAT_JSONL), VB_OK);
  field(&c, "text");
  NEXT(&c, 1, 1);
  FIELDS(&c, "");
  close_reader(&c);
  /* a transcript: the interview's own fields, the first of a repeated key (any case) */
  assert_int_equal(OPEN(&c, "## a\n# age: 34, segment: plus\nI: hi\nR: fine\n# Age: 35\n",
                        VB_FORMAT_TRANSCRIPT),
                   VB_OK);
  field(&c, "text");
  NEXT(&c, 3, 3);
  FIELDS(&c, "age=34|segment=plus");
  NEXT(&c, 4, 4);
  FIELDS(&c, "age=34|segment=plus");
  close_reader(&c);
  /* plain text: none */
  assert_int_equal(OPEN(&c, "one\n", VB_FORMAT_TXT), VB_OK);
  field(&c, "text");
  NEXT(&c, 1, 1);
  FIELDS(&c, "");
  close_reader(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_quoted_newlines_and_doubled_quotes),
      cmocka_unit_test(test_record_fields),
      cmocka_unit_test(test_csv_bom_and_semicolon),
      cmocka_unit_test(test_csv_tab_detection_and_explicit_delimiter),
      cmocka_unit_test(test_csv_crlf_and_cr),
      cmocka_unit_test(test_crlf_across_block_boundary),
      cmocka_unit_test(test_csv_stray_quote_in_unquoted_field),
      cmocka_unit_test(test_csv_text_after_closing_quote),
      cmocka_unit_test(test_csv_unterminated_quote_at_end),
      cmocka_unit_test(test_csv_unterminated_quote_invalid_utf8_count),
      cmocka_unit_test(test_csv_field_count_mismatch),
      cmocka_unit_test(test_csv_header_names),
      cmocka_unit_test(test_empty_and_header_only),
      cmocka_unit_test(test_invalid_utf8_reported_and_replaced),
      cmocka_unit_test(test_csv_field_longer_than_max),
      cmocka_unit_test(test_tsv),
      cmocka_unit_test(test_jsonl),
      cmocka_unit_test(test_jsonl_detected_on_stream),
      cmocka_unit_test(test_jsonl_number_text),
      cmocka_unit_test(test_jsonl_fast_path_same_as_jansson),
      cmocka_unit_test(test_jsonl_fast_path_random_lines),
      cmocka_unit_test(test_stream_reads_what_has_arrived),
      cmocka_unit_test(test_utf16_read),
      cmocka_unit_test(test_utf16_faults),
      cmocka_unit_test(test_code_pages),
      cmocka_unit_test(test_legacy_hint),
      cmocka_unit_test(test_jsonl_fast_path_random_strings),
      cmocka_unit_test(test_jsonl_fast_path_key_places),
      cmocka_unit_test(test_jsonl_fast_path_late_field),
      cmocka_unit_test(test_json_plain_end),
      cmocka_unit_test(test_line_clean),
      cmocka_unit_test(test_plain_text),
      cmocka_unit_test(test_format_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
