/* fuzz_text.c - plain-text ingest (transcripts, comment lists: one record a line) and TSV (a
 * header, then TAB-separated lines without quoting), on arbitrary bytes. The first byte picks
 * the format and the limits; the rest is the file. Plain-text records are then analysed in
 * the transcript's way (language identified, tokens only and in full), as `verbatim
 * tokenize`, `langid` and `annotate` do with a .txt file. Checks: no line lost (an empty
 * line is an empty record in plain text), fields valid UTF-8, the read ends cleanly. */
#include "fuzz.h"

static void analyse_lines(const uint8_t *data, size_t size, const vb_reader_options *o) {
  const vb_model *m = fuzz_model();
  static vb_analyzer *an;
  if (!m || (!an && vb_analyzer_new(m, &an) != VB_OK)) return;
  FILE *fp = fuzz_stream(data, size);
  if (!fp) return;
  vb_reader *rd;
  if (vb_reader_new(fp, o, NULL, NULL, &rd, NULL) == VB_OK) {
    int h = vb_reader_field(rd, "text", NULL);
    FUZZ_CHECK(h >= 0);
    const vb_record *rec;
    unsigned k = 0;
    while (vb_reader_next(rd, &rec) == 1) {
      size_t n;
      const char *t = vb_reader_get(rd, h, &n);
      if (!t) continue;
      vb_run_options ro = {VB_LANG_UND, VB_LANG_EN, (k++ & 1) ? VB_RUN_TOKENS_ONLY : 0};
      const vb_result *r;
      int rc = vb_analyzer_run(an, t, n, &ro, &r);
      FUZZ_CHECK(rc == VB_OK || rc == VB_ENOMEM);
    }
    vb_reader_free(rd);
  }
  fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 1 << 16) return 0;
  vb_reader_options o = {0};
  bool tsv = data[0] & 1;
  o.format = tsv ? VB_FORMAT_TSV : VB_FORMAT_TXT;
  o.name = tsv ? "fuzz.tsv" : "fuzz.txt";
  if (data[0] & 2) {
    o.max_field = 16;
    o.max_fields = 4;
  } else {
    o.max_field = 4096;
    o.max_fields = 64;
  }
  static const char *const names[] = {"text", "id", "nps"};
  long n = fuzz_read_all(data + 1, size - 1, &o, names, tsv ? 3 : 1);
  if (!tsv && n >= 0 && (data[0] & 4)) analyse_lines(data + 1, size - 1, &o);
  return 0;
}
