/* fuzz_reader.c - CSV, TSV, JSONL and text ingest on arbitrary bytes. The first byte picks the
 * format and the CSV delimiter; the rest is the file. Every record is read to the end. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static const vb_format formats[] = {VB_FORMAT_CSV, VB_FORMAT_TSV, VB_FORMAT_JSONL, VB_FORMAT_TXT};
  static const char delims[] = {0, ',', ';', '\t'};
  vb_reader_options o = {0};
  o.format = formats[data[0] & 3];
  o.delimiter = delims[(data[0] >> 2) & 3];
  o.max_field = 4096; /* small limits reach the limit paths */
  o.max_fields = 64;
  o.name = "fuzz";
  FILE *fp = fmemopen((void *)(uintptr_t)(data + 1), size - 1 ? size - 1 : 1, "rb");
  if (!fp) return 0;
  if (size == 1) fseek(fp, 1, SEEK_SET);
  vb_reader *rd;
  if (vb_reader_new(fp, &o, NULL, NULL, &rd, NULL) == VB_OK) {
    int text = vb_reader_field(rd, "text", NULL);
    int id = vb_reader_field(rd, "a.b", NULL);
    const vb_record *rec;
    while (vb_reader_next(rd, &rec) == 1) {
      size_t n;
      const char *v = vb_reader_get(rd, text, &n);
      if (v && vb_utf8_check(v, n) != n) __builtin_trap(); /* fields are always valid UTF-8 */
      (void)vb_reader_get(rd, id, &n);
    }
    vb_reader_free(rd);
  }
  fclose(fp);
  return 0;
}
