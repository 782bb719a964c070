/* fuzz_jsonl_fast.c - the JSONL fast path of reader.c against jansson alone, on arbitrary
 * bytes: the same records, error records, field values (bytes and presence) and problems
 * (severity, position, message), or an abort. The first byte picks the limits and the fields
 * (plain keys only: a dotted path sends every line to jansson); the rest is the file. */
#include "fuzz.h"
#include "vb_internal.h"

static void on_problem(void *ctx, int severity, const vb_error *e) {
  fprintf(ctx, "problem %d %ld:%ld %s\n", severity, e->line, e->column, e->message);
}

static char *dump(const uint8_t *data, size_t size, uint8_t opt, bool slow, size_t *len) {
  char *text = NULL;
  FILE *out = open_memstream(&text, len);
  FILE *fp = fuzz_stream(data, size);
  if (!out || !fp) abort();
  vb_reader_options o = {0};
  o.format = VB_FORMAT_JSONL;
  o.name = "fuzz.jsonl";
  o.max_field = (opt & 1) ? 16 : 4096;
  static const char *const names[] = {"text", "id", "nps", "meta", "a", "x y", "\xc3\xa5"};
  size_t n_names = (opt & 2) ? 3 : sizeof names / sizeof names[0];
  vb_reader *rd = NULL;
  int rc = vb_reader_new(fp, &o, on_problem, out, &rd, NULL);
  fprintf(out, "new %d\n", rc);
  if (rc == VB_OK) {
    vb__reader_jsonl_slow(rd, slow);
    int h[8];
    for (size_t f = 0; f < n_names; f++) h[f] = vb_reader_field(rd, names[f], NULL);
    const vb_record *r;
    while ((rc = vb_reader_next(rd, &r)) == 1) {
      fprintf(out, "record %ld-%ld %d %s %u\n", r->line, r->line_end, r->error, r->error_msg,
              r->n_invalid_utf8);
      for (size_t f = 0; f < n_names; f++) {
        size_t vl = 0;
        const char *v = vb_reader_get(rd, h[f], &vl);
        if (!v) fputs("  absent\n", out);
        else {
          fprintf(out, "  %zu [", vl);
          fwrite(v, 1, vl, out);
          fputs("]\n", out);
        }
      }
    }
    fprintf(out, "end %d\n", rc);
    vb_reader_free(rd);
  }
  fclose(fp);
  fclose(out);
  return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  size_t la, lb;
  char *a = dump(data + 1, size - 1, data[0], false, &la);
  char *b = dump(data + 1, size - 1, data[0], true, &lb);
  if (la != lb || memcmp(a, b, la) != 0) {
    fprintf(stderr, "fast path:\n%s\njansson:\n%s\n", a, b);
    FUZZ_CHECK(!"the fast path and jansson differ");
  }
  free(a);
  free(b);
  return 0;
}
