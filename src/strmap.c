/*
 * strmap.c - a map from byte strings to 32-bit values.
 *
 * Open addressing with linear probing over a power-of-two slot array; the entries live in a
 * separate dense array (so iteration order is insertion order, which keeps every output that
 * walks a map deterministic) and the keys in one growing byte buffer.
 *
 * Lookups are most of the analyzer's work (every token asks several maps), and most of them
 * miss, so each slot also holds the high half of the key's hash: a probe compares that before
 * it touches the entry or the key, and a miss costs one cache line. The hash reads eight bytes
 * at a time (a multiply-xorshift mix in the manner of wyhash and xxh3, written out here); the
 * keys are short words, and byte-at-a-time FNV cost more than the rest of a lookup.
 */
#include "vb_internal.h"

static inline uint64_t mix(uint64_t a, uint64_t b) {
  __uint128_t r = (__uint128_t)a * b;
  return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t load_le32(const unsigned char *p) {
  return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
}

/* Its values are kept in saved states (quote hashes): it must never change what it computes. */
uint64_t vb__hash(const void *s, size_t n) {
  const unsigned char *p = s;
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xA0761D6478BD642FULL);
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    h = mix(h ^ w, 0xE7037ED1A0B428DBULL);
    p += 8;
    n -= 8;
  }
  /* The last 0-7 bytes as a little-endian word (byte i at bits 8i), read with two
   * overlapping loads instead of a loop: the same value, as test_strmap checks. */
  uint64_t w = 0;
  if (n >= 4)
    w = load_le32(p) | load_le32(p + n - 4) << (8 * (n - 4));
  else if (n > 0)
    w = (uint64_t)p[0] | (uint64_t)p[n / 2] << (8 * (n / 2)) | (uint64_t)p[n - 1] << (8 * (n - 1));
  h = mix(h ^ w, 0x8EBC6AF09C88C6E3ULL);
  return mix(h, 0x589965CC75374CC3ULL);
}

static inline bool same_key(const vb__strmap *m, const struct vb__strmap_entry *e,
                            const char *key, size_t len) {
  return e->key_len == len && vb__same_bytes(m->keys.data + e->key_off, key, len);
}

#define SLOT(h, idx) ((((h) >> 32) << 32) | (uint64_t)(idx))
#define SLOT_TAG(s) ((s) >> 32)
#define SLOT_IDX(s) ((uint32_t)(s))

void vb__strmap_init(vb__strmap *m) { memset(m, 0, sizeof *m); }

void vb__strmap_free(vb__strmap *m) {
  vb__free(m->slots);
  vb__free(m->entries);
  vb__buf_free(&m->keys);
  memset(m, 0, sizeof *m);
}

static int rehash(vb__strmap *m, size_t n_slots) {
  uint64_t *slots = vb__calloc(n_slots, sizeof *slots);
  if (!slots) return VB_ENOMEM;
  for (size_t i = 0; i < m->n_entries; i++) {
    uint64_t h = m->entries[i].hash;
    size_t j = (size_t)h & (n_slots - 1);
    while (slots[j]) j = (j + 1) & (n_slots - 1);
    slots[j] = SLOT(h, (uint32_t)i + 1);
  }
  vb__free(m->slots);
  m->slots = slots;
  m->n_slots = n_slots;
  return VB_OK;
}

int vb__strmap_reserve(vb__strmap *m, size_t n, size_t bytes) {
  if (n == 0) return VB_OK; /* an empty map stays without slots */
  size_t n_slots = m->n_slots ? m->n_slots : 64;
  while ((m->n_entries + n + 1) * 4 >= n_slots * 3) n_slots *= 2;
  if (n_slots != m->n_slots && rehash(m, n_slots)) return VB_ENOMEM;
  if (vb__reserve(&m->entries, &m->cap_entries, m->n_entries + n, sizeof *m->entries) ||
      vb__buf_reserve(&m->keys, bytes))
    return VB_ENOMEM;
  return VB_OK;
}

bool vb__strmap_get(const vb__strmap *m, const char *key, size_t len, uint32_t *value) {
  if (m->n_slots == 0) return false;
  return vb__strmap_get_h(m, key, len, vb__hash(key, len), value);
}

bool vb__strmap_get_h(const vb__strmap *m, const char *key, size_t len, uint64_t h,
                      uint32_t *value) {
  if (m->n_slots == 0) return false;
  size_t j = (size_t)h & (m->n_slots - 1);
  for (uint64_t sl; (sl = m->slots[j]); j = (j + 1) & (m->n_slots - 1)) {
    if (SLOT_TAG(sl) != h >> 32) continue;
    const struct vb__strmap_entry *e = &m->entries[SLOT_IDX(sl) - 1];
    if (e->hash == h && same_key(m, e, key, len)) {
      *value = e->value;
      return true;
    }
  }
  return false;
}

int vb__strmap_put(vb__strmap *m, const char *key, size_t len, uint32_t value, bool *found,
                   uint32_t **slot_value) {
  return vb__strmap_put_h(m, key, len, vb__hash(key, len), value, found, slot_value);
}

int vb__strmap_put_h(vb__strmap *m, const char *key, size_t len, uint64_t h, uint32_t value,
                     bool *found, uint32_t **slot_value) {
  if (len > UINT32_MAX || m->n_entries >= UINT32_MAX - 1) return VB_ELIMIT;
  if ((m->n_entries + 1) * 4 >= m->n_slots * 3) {
    int rc = rehash(m, m->n_slots ? m->n_slots * 2 : 64);
    if (rc) return rc;
  }
  size_t j = (size_t)h & (m->n_slots - 1);
  for (uint64_t sl; (sl = m->slots[j]); j = (j + 1) & (m->n_slots - 1)) {
    if (SLOT_TAG(sl) != h >> 32) continue;
    struct vb__strmap_entry *e = &m->entries[SLOT_IDX(sl) - 1];
    if (e->hash == h && same_key(m, e, key, len)) {
      if (found) *found = true;
      if (slot_value) *slot_value = &e->value;
      return VB_OK;
    }
  }
  if (m->keys.len + len >= UINT32_MAX) return VB_ELIMIT;
  if (vb__grow(&m->entries, &m->cap_entries, m->n_entries + 1, sizeof *m->entries))
    return VB_ENOMEM;
  size_t off = m->keys.len;
  if (vb__buf_add(&m->keys, key, len)) return VB_ENOMEM;
  struct vb__strmap_entry *e = &m->entries[m->n_entries];
  e->hash = h;
  e->key_off = (uint32_t)off;
  e->key_len = (uint32_t)len;
  e->value = value;
  m->slots[j] = SLOT(h, (uint32_t)++m->n_entries);
  if (found) *found = false;
  if (slot_value) *slot_value = &e->value;
  return VB_OK;
}
