/*
 * strmap.c - a map from byte strings to 32-bit values.
 *
 * Open addressing with linear probing over a power-of-two slot array; the entries live in a
 * separate dense array (so iteration order is insertion order, which keeps every output that
 * walks a map deterministic) and the keys in one growing byte buffer. The hash is FNV-1a over
 * 64 bits: keys are short words, where FNV is fast and well enough distributed.
 */
#include "vb_internal.h"

uint64_t vb__hash(const void *s, size_t n) {
  const unsigned char *p = s;
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h ^ (h >> 29);
}

void vb__strmap_init(vb__strmap *m) { memset(m, 0, sizeof *m); }

void vb__strmap_free(vb__strmap *m) {
  vb__free(m->slots);
  vb__free(m->entries);
  vb__buf_free(&m->keys);
  memset(m, 0, sizeof *m);
}

static int rehash(vb__strmap *m, size_t n_slots) {
  uint32_t *slots = vb__calloc(n_slots, sizeof *slots);
  if (!slots) return VB_ENOMEM;
  for (size_t i = 0; i < m->n_entries; i++) {
    size_t j = (size_t)m->entries[i].hash & (n_slots - 1);
    while (slots[j]) j = (j + 1) & (n_slots - 1);
    slots[j] = (uint32_t)i + 1;
  }
  vb__free(m->slots);
  m->slots = slots;
  m->n_slots = n_slots;
  return VB_OK;
}

bool vb__strmap_get(const vb__strmap *m, const char *key, size_t len, uint32_t *value) {
  if (m->n_slots == 0) return false;
  uint64_t h = vb__hash(key, len);
  size_t j = (size_t)h & (m->n_slots - 1);
  while (m->slots[j]) {
    const struct vb__strmap_entry *e = &m->entries[m->slots[j] - 1];
    if (e->hash == h && e->key_len == len && memcmp(m->keys.data + e->key_off, key, len) == 0) {
      *value = e->value;
      return true;
    }
    j = (j + 1) & (m->n_slots - 1);
  }
  return false;
}

int vb__strmap_put(vb__strmap *m, const char *key, size_t len, uint32_t value, bool *found,
                   uint32_t **slot_value) {
  if (len > UINT32_MAX || m->n_entries >= UINT32_MAX - 1) return VB_ELIMIT;
  if ((m->n_entries + 1) * 4 >= m->n_slots * 3) {
    int rc = rehash(m, m->n_slots ? m->n_slots * 2 : 64);
    if (rc) return rc;
  }
  uint64_t h = vb__hash(key, len);
  size_t j = (size_t)h & (m->n_slots - 1);
  while (m->slots[j]) {
    struct vb__strmap_entry *e = &m->entries[m->slots[j] - 1];
    if (e->hash == h && e->key_len == len && memcmp(m->keys.data + e->key_off, key, len) == 0) {
      if (found) *found = true;
      if (slot_value) *slot_value = &e->value;
      return VB_OK;
    }
    j = (j + 1) & (m->n_slots - 1);
  }
  if (m->keys.len + len >= UINT32_MAX) return VB_ELIMIT;
  if (vb__grow(&m->entries, &m->cap_entries, m->n_entries + 1, sizeof *m->entries))
    return VB_ENOMEM;
  size_t off = m->keys.len;
  if (vb__buf_append(&m->keys, key, len)) return VB_ENOMEM;
  struct vb__strmap_entry *e = &m->entries[m->n_entries];
  e->hash = h;
  e->key_off = (uint32_t)off;
  e->key_len = (uint32_t)len;
  e->value = value;
  m->slots[j] = (uint32_t)++m->n_entries;
  if (found) *found = false;
  if (slot_value) *slot_value = &e->value;
  return VB_OK;
}
