/* fuzz_state.c - the aggregate-state reader (.vbs files come from other machines: untrusted).
 * A state that loads must also make a table. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const vb_model *m = fuzz_model();
  if (!m) return 0;
  vb_agg *a;
  if (vb_agg_load(m, (const char *)data, size, &a, NULL) == VB_OK) {
    vb_table *t;
    if (vb_agg_table(a, &t) == VB_OK) vb_table_free(t);
    vb_agg_free(a);
  }
  return 0;
}
