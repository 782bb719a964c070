/* fuzz_csv.c - CSV ingest on arbitrary bytes. The first byte picks the delimiter (detected,
 * comma, semicolon, TAB), the limits (small ones reach the field-size and field-count paths)
 * and the encoding (UTF-8, UTF-16, Windows-1255, Windows-1252); the rest is the file. Checks:
 * no record lost (fuzz.h's accounting), every field valid UTF-8, the read ends cleanly. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static const char delims[] = {0, ',', ';', '\t'};
  vb_reader_options o = {0};
  o.format = VB_FORMAT_CSV;
  o.name = "fuzz.csv";
  o.delimiter = delims[data[0] & 3];
  if (data[0] & 4) {
    o.max_field = 16;
    o.max_fields = 4;
  } else {
    o.max_field = 4096;
    o.max_fields = 64;
  }
  static const char *const encodings[] = {NULL, "utf-16", "windows-1255", "windows-1252"};
  o.encoding = encodings[(data[0] >> 3) & 3];
  static const char *const names[] = {"text", "id", "nps", "Text", "missing"};
  fuzz_read_all(data + 1, size - 1, &o, names, sizeof names / sizeof names[0]);
  return 0;
}
