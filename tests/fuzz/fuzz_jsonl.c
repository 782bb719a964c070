/* fuzz_jsonl.c - JSONL ingest on arbitrary bytes: one object a line, fields by key and by
 * dotted path, numbers and nested values given as text. The first byte picks the limits and
 * whether the format is given or detected from the first byte ('{'); the rest is the file.
 * Checks: no record lost, every field valid UTF-8, the read ends cleanly. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  vb_reader_options o = {0};
  o.format = (data[0] & 1) ? VB_FORMAT_AUTO : VB_FORMAT_JSONL;
  o.name = (data[0] & 1) ? NULL : "fuzz.jsonl";
  o.max_field = (data[0] & 2) ? 16 : 4096;
  static const char *const names[] = {"text", "id", "nps", "answer.text", "a.b.c", "meta"};
  fuzz_read_all(data + 1, size - 1, &o, names, sizeof names / sizeof names[0]);
  return 0;
}
