/* fuzz.h - shared by the fuzz targets: the entry point libFuzzer calls (and replay.c calls
 * for each file of a corpus when built without libFuzzer), and a model loaded once. */
#ifndef VB_FUZZ_H
#define VB_FUZZ_H
#include <stddef.h>
#include <stdint.h>

#include "verbatim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The built-in model, loaded on first use and kept for the process (fuzzers run millions of
 * inputs; loading per input would measure the loader, not the target). */
static inline const vb_model *fuzz_model(void) {
  static vb_model *m;
  if (!m && vb_model_load(NULL, &m, NULL) != VB_OK) m = NULL;
  return m;
}
#endif
