/* fuzz_state.c - the aggregate-state reader (.vbs files come from other machines: untrusted).
 * A state that loads must make a table, merge with itself, and save to a text that loads
 * again and saves to the same text (the format is canonical). A refusal says why. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const vb_model *m = fuzz_model();
  if (!m) return 0;
  vb_agg *a;
  vb_error err;
  memset(&err, 0, sizeof err);
  int rc = vb_agg_load(m, (const char *)data, size, &a, &err);
  if (rc != VB_OK) {
    FUZZ_CHECK(rc < 0 && err.message[0] != '\0');
    return 0;
  }
  vb_table *t;
  if (vb_agg_table(a, &t) == VB_OK) vb_table_free(t);
  char *s1, *s2;
  size_t n1, n2;
  if (vb_agg_save(a, &s1, &n1) == VB_OK) {
    vb_agg *b;
    FUZZ_CHECK(vb_agg_load(m, s1, n1, &b, NULL) == VB_OK);
    if (vb_agg_save(b, &s2, &n2) == VB_OK) {
      FUZZ_CHECK(n1 == n2 && memcmp(s1, s2, n1) == 0);
      vb_free(s2);
    }
    /* merging with itself doubles every count and stays valid */
    if (vb_agg_merge(b, a) == VB_OK && vb_agg_table(b, &t) == VB_OK) vb_table_free(t);
    vb_agg_free(b);
    vb_free(s1);
  }
  vb_agg_free(a);
  return 0;
}
