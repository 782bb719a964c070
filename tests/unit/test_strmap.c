/*
 * test_strmap.c - vb__strmap: insert / find / overwrite semantics, growth, unusual keys and
 * iteration in insertion order.
 *
 * Semantics (vb_internal.h): put inserts a missing key with `value` (found = false); on a key
 * already present it leaves the value alone (found = true). In both cases *slot_value points
 * at the stored value, which is how callers overwrite.
 */
#include "vb_test.h"

#include <stdio.h>

#include "vb_internal.h"

static void put(vb__strmap *m, const char *k, size_t n, uint32_t v, bool want_found) {
  bool found = !want_found;
  assert_int_equal(vb__strmap_put(m, k, n, v, &found, NULL), VB_OK);
  assert_int_equal(found, want_found);
}

static void expect_get(const vb__strmap *m, const char *k, size_t n, uint32_t want) {
  uint32_t v = 0xDEADBEEF;
  if (!vb__strmap_get(m, k, n, &v)) fail_msg("key \"%.*s\" (%zu bytes) not found", (int)n, k, n);
  assert_int_equal(v, want);
}

static void expect_absent(const vb__strmap *m, const char *k, size_t n) {
  uint32_t v = 0xDEADBEEF;
  assert_false(vb__strmap_get(m, k, n, &v));
  assert_int_equal(v, 0xDEADBEEF); /* untouched */
}

static void test_empty_map(void **state) {
  (void)state;
  vb__strmap m;
  vb__strmap_init(&m);
  assert_int_equal(vb__strmap_size(&m), 0);
  expect_absent(&m, "a", 1);
  expect_absent(&m, "", 0);
  vb__strmap_free(&m);
  vb__strmap_free(&m); /* freeing twice after free is harmless: free zeroes the map */
}

static void test_insert_find(void **state) {
  (void)state;
  vb__strmap m;
  vb__strmap_init(&m);
  put(&m, "leverans", 8, 1, false);
  put(&m, "levering", 8, 2, false);
  put(&m, "delivery", 8, 3, false);
  put(&m, "\xD7\x9E\xD7\xA9\xD7\x9C\xD7\x95\xD7\x97", 10, 4, false); /* משלוח */
  assert_int_equal(vb__strmap_size(&m), 4);
  expect_get(&m, "leverans", 8, 1);
  expect_get(&m, "levering", 8, 2);
  expect_get(&m, "delivery", 8, 3);
  expect_get(&m, "\xD7\x9E\xD7\xA9\xD7\x9C\xD7\x95\xD7\x97", 10, 4);
  /* prefixes and extensions of keys are different keys */
  expect_absent(&m, "leve", 4);
  expect_absent(&m, "leveranser", 10);
  expect_absent(&m, "Leverans", 8); /* case matters: keys are bytes */
  /* the length, not a NUL, ends the key */
  expect_get(&m, "leveransproblem", 8, 1);
  vb__strmap_free(&m);
  assert_int_equal(vb__strmap_size(&m), 0);
}

static void test_put_existing_keeps_value_and_slot_overwrites(void **state) {
  (void)state;
  vb__strmap m;
  vb__strmap_init(&m);
  uint32_t *slot = NULL;
  bool found = true;
  assert_int_equal(vb__strmap_put(&m, "bra", 3, 10, &found, &slot), VB_OK);
  assert_false(found);
  assert_non_null(slot);
  assert_int_equal(*slot, 10);
  /* a second put does not overwrite ... */
  assert_int_equal(vb__strmap_put(&m, "bra", 3, 20, &found, &slot), VB_OK);
  assert_true(found);
  assert_int_equal(*slot, 10);
  expect_get(&m, "bra", 3, 10);
  assert_int_equal(vb__strmap_size(&m), 1);
  /* ... the slot pointer does */
  *slot = 30;
  expect_get(&m, "bra", 3, 30);
  /* found and slot_value may be NULL */
  assert_int_equal(vb__strmap_put(&m, "bra", 3, 40, NULL, NULL), VB_OK);
  expect_get(&m, "bra", 3, 30);
  vb__strmap_free(&m);
}

static void test_many_keys_rehash(void **state) {
  (void)state;
  vb__strmap m;
  vb__strmap_init(&m);
  enum { N = 20000 };
  char k[32];
  for (uint32_t i = 0; i < N; i++) {
    int n = snprintf(k, sizeof k, "key-%u", i);
    put(&m, k, (size_t)n, i * 7 + 1, false);
    /* a key inserted long ago is still found after every growth */
    if ((i & (i - 1)) == 0) expect_get(&m, "key-0", 5, 1);
  }
  assert_int_equal(vb__strmap_size(&m), N);
  for (uint32_t i = 0; i < N; i++) {
    int n = snprintf(k, sizeof k, "key-%u", i);
    expect_get(&m, k, (size_t)n, i * 7 + 1);
  }
  for (uint32_t i = N; i < N + 100; i++) {
    int n = snprintf(k, sizeof k, "key-%u", i);
    expect_absent(&m, k, (size_t)n);
  }
  /* re-putting every key finds it and changes nothing */
  for (uint32_t i = 0; i < N; i += 97) {
    int n = snprintf(k, sizeof k, "key-%u", i);
    put(&m, k, (size_t)n, 0, true);
  }
  assert_int_equal(vb__strmap_size(&m), N);
  /* the load factor stays below 3/4 */
  assert_true(m.n_slots * 3 > vb__strmap_size(&m) * 4);
  vb__strmap_free(&m);
}

static void test_empty_key(void **state) {
  (void)state;
  vb__strmap m;
  vb__strmap_init(&m);
  /* the very first key may be the empty one */
  put(&m, "", 0, 5, false);
  expect_get(&m, "", 0, 5);
  expect_get(&m, "ignored", 0, 5); /* length 0 is the empty key whatever the pointer */
  put(&m, "a", 1, 6, false);
  put(&m, "", 0, 7, true);
  expect_get(&m, "", 0, 5);
  expect_get(&m, "a", 1, 6);
  size_t len = 99;
  (void)vb__strmap_key(&m, 0, &len);
  assert_int_equal(len, 0);
  assert_int_equal(vb__strmap_size(&m), 2);
  vb__strmap_free(&m);
}

static void test_binary_keys(void **state) {
  (void)state;
  vb__strmap m;
  vb__strmap_init(&m);
  const char k1[] = {'a', '\0', 'b'};
  const char k2[] = {'a', '\0', 'c'};
  const char k3[] = {'\0'};
  const char k4[] = {'\0', '\0'};
  const char k5[] = {(char)0xFF, (char)0x80, (char)0x00, (char)0xC0};
  put(&m, k1, 3, 1, false);
  put(&m, k2, 3, 2, false);
  put(&m, k3, 1, 3, false);
  put(&m, k4, 2, 4, false);
  put(&m, k5, 4, 5, false);
  put(&m, "a", 1, 6, false); /* the prefix of k1 before its NUL is another key */
  expect_get(&m, k1, 3, 1);
  expect_get(&m, k2, 3, 2);
  expect_get(&m, k3, 1, 3);
  expect_get(&m, k4, 2, 4);
  expect_get(&m, k5, 4, 5);
  expect_get(&m, "a", 1, 6);
  assert_int_equal(vb__strmap_size(&m), 6);
  size_t len;
  const char *s = vb__strmap_key(&m, 4, &len);
  assert_int_equal(len, 4);
  assert_memory_equal(s, k5, 4);
  vb__strmap_free(&m);
}

static void test_insertion_order(void **state) {
  (void)state;
  vb__strmap m;
  vb__strmap_init(&m);
  /* enough keys to force several rehashes; order must survive them */
  enum { N = 500 };
  char k[16];
  for (int i = N - 1; i >= 0; i--) {
    int n = snprintf(k, sizeof k, "w%03d", i);
    put(&m, k, (size_t)n, (uint32_t)i, false);
    put(&m, "w499", 4, 0, true); /* repeated puts do not add or move entries */
  }
  assert_int_equal(vb__strmap_size(&m), N);
  for (size_t e = 0; e < N; e++) {
    size_t len;
    const char *s = vb__strmap_key(&m, e, &len);
    int n = snprintf(k, sizeof k, "w%03d", (int)(N - 1 - e));
    assert_span(s, len, k);
    assert_int_equal((size_t)n, len);
    assert_int_equal(m.entries[e].value, N - 1 - e);
  }
  vb__strmap_free(&m);
}

static void test_hash_is_stable(void **state) {
  (void)state;
  /* The same bytes give the same hash, wherever they lie in memory. */
  char buf[64] = "xxleveransproblem";
  assert_true(vb__hash("leveransproblem", 15) == vb__hash(buf + 2, 15));
  assert_true(vb__hash("ab", 2) != vb__hash("ba", 2));
  assert_true(vb__hash("a\0b", 3) != vb__hash("a", 1));
  /* The length is part of the hash: runs of NUL bytes of every length up to 24 (inside and
   * across the eight-byte blocks) all differ, as do strings differing only in the last block. */
  static const char zeros[32] = {0};
  for (size_t i = 0; i <= 24; i++)
    for (size_t k = 0; k < i; k++) assert_true(vb__hash(zeros, i) != vb__hash(zeros, k));
  assert_true(vb__hash("abcdefgh1", 9) != vb__hash("abcdefgh2", 9));
  assert_true(vb__hash("abcdefgh", 8) != vb__hash("abcdefgH", 8));
  /* Short keys that differ in one bit land in different slots of a 64-slot table often
   * enough: of the 256 one-byte keys, at least 48 of the 64 slots are used. */
  bool used[64] = {false};
  int n_used = 0;
  for (int c = 0; c < 256; c++) {
    char ch = (char)c;
    size_t j = (size_t)vb__hash(&ch, 1) & 63;
    if (!used[j]) n_used++;
    used[j] = true;
  }
  assert_true(n_used >= 48);
}

/* vb__strmap_reserve: after room for n keys, n insertions neither rehash nor move the
 * entries or the key bytes; keys put before the reservation are still found; nothing to
 * reserve leaves an empty map without slots. */
static void test_reserve(void **state) {
  (void)state;
  vb__strmap m;
  vb__strmap_init(&m);
  assert_int_equal(vb__strmap_reserve(&m, 0, 0), VB_OK);
  assert_int_equal(m.n_slots, 0);
  char key[16];
  for (int i = 0; i < 100; i++) {
    int n = snprintf(key, sizeof key, "k%d", i);
    assert_int_equal(vb__strmap_put(&m, key, (size_t)n, (uint32_t)i, NULL, NULL), VB_OK);
  }
  assert_int_equal(vb__strmap_reserve(&m, 5000, 5000 * 6), VB_OK);
  const uint64_t *slots = m.slots;
  const void *entries = m.entries;
  const char *keys = m.keys.data;
  for (int i = 100; i < 5100; i++) {
    int n = snprintf(key, sizeof key, "k%d", i);
    assert_int_equal(vb__strmap_put(&m, key, (size_t)n, (uint32_t)i, NULL, NULL), VB_OK);
  }
  assert_ptr_equal(m.slots, slots);
  assert_ptr_equal(m.entries, entries);
  assert_ptr_equal(m.keys.data, keys);
  for (int i = 0; i < 5100; i++) {
    int n = snprintf(key, sizeof key, "k%d", i);
    uint32_t v;
    assert_true(vb__strmap_get(&m, key, (size_t)n, &v));
    assert_int_equal(v, (uint32_t)i);
    size_t kl;
    const char *k = vb__strmap_key(&m, (size_t)i, &kl); /* entries in insertion order */
    assert_int_equal(kl, (size_t)n);
    assert_memory_equal(k, key, kl);
  }
  vb__strmap_free(&m);
}

/* A lookup compares the key itself once the hash agrees (a word at a time, overlapping at the
 * end): given the stored key's hash, a key of the same length that differs in any one byte is
 * not found, for every length up to 40. */
static void test_key_compare_every_byte(void **state) {
  (void)state;
  for (size_t n = 0; n <= 40; n++) {
    vb__strmap m;
    vb__strmap_init(&m);
    char key[48], other[48];
    for (size_t i = 0; i < n; i++) key[i] = (char)('a' + (i * 7) % 26);
    assert_int_equal(vb__strmap_put(&m, key, n, 7, NULL, NULL), VB_OK);
    uint64_t h = vb__hash(key, n);
    uint32_t v = 0;
    memcpy(other, key, n);
    assert_true(vb__strmap_get_h(&m, other, n, h, &v));
    assert_int_equal(v, 7);
    for (size_t i = 0; i < n; i++)
      for (int bit = 0; bit < 8; bit += 7) { /* the low bit and the high bit */
        memcpy(other, key, n);
        other[i] = (char)(other[i] ^ (1 << bit));
        assert_false(vb__strmap_get_h(&m, other, n, h, &v));
      }
    vb__strmap_free(&m);
  }
}

/* vb__hash as it was first written (the tail byte by byte): saved states hold its values, so
 * the function must compute exactly these, whatever way it reads the bytes. */
static uint64_t ref_mix(uint64_t a, uint64_t b) {
  __uint128_t r = (__uint128_t)a * b;
  return (uint64_t)r ^ (uint64_t)(r >> 64);
}
static uint64_t ref_hash(const unsigned char *p, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xA0761D6478BD642FULL);
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w = 0;
    for (size_t i = 0; i < 8; i++) w |= (uint64_t)p[i] << (8 * i);
    h = ref_mix(h ^ w, 0xE7037ED1A0B428DBULL);
  }
  uint64_t w = 0;
  for (size_t i = 0; i < n; i++) w |= (uint64_t)p[i] << (8 * i);
  h = ref_mix(h ^ w, 0x8EBC6AF09C88C6E3ULL);
  return ref_mix(h, 0x589965CC75374CC3ULL);
}

static void test_hash_values_never_change(void **state) {
  (void)state;
  static const struct { const char *s; uint64_t h; } golden[] = {
      {"", 0x41efea6f7f9c730fULL}, {"a", 0xe0970d418b5931fbULL}, {"ab", 0x2af85ec2de741b01ULL},
      {"abc", 0xa97af905b3b3a13dULL}, {"good", 0xa1af275830f4b815ULL},
      {"great", 0x8b45e90dfba1db2eULL}, {"service", 0xe0c4f3d7fb532206ULL},
      {"leveransproblem", 0x41f8b58500cf1663ULL}, {"שירות", 0x19a6beb071b4d0ecULL},
      {"kundtjänst", 0xac8b46c089816c46ULL},
      {"abcdefghijklmnopqrstuvwxyz0123", 0xe3d3fe40b4fa479fULL}};
  for (size_t i = 0; i < sizeof golden / sizeof golden[0]; i++)
    assert_true(vb__hash(golden[i].s, strlen(golden[i].s)) == golden[i].h);
  /* every length up to 64 at every alignment, on random bytes (high bits set too) */
  unsigned char buf[80];
  uint64_t x = 88172645463325252ULL;
  for (int round = 0; round < 200; round++) {
    for (size_t i = 0; i < sizeof buf; i++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      buf[i] = (unsigned char)x;
    }
    for (size_t off = 0; off < 8; off++)
      for (size_t n = 0; n <= 64; n++)
        assert_true(vb__hash(buf + off, n) == ref_hash(buf + off, n));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty_map),
      cmocka_unit_test(test_insert_find),
      cmocka_unit_test(test_put_existing_keeps_value_and_slot_overwrites),
      cmocka_unit_test(test_many_keys_rehash),
      cmocka_unit_test(test_empty_key),
      cmocka_unit_test(test_binary_keys),
      cmocka_unit_test(test_insertion_order),
      cmocka_unit_test(test_hash_is_stable),
      cmocka_unit_test(test_hash_values_never_change),
      cmocka_unit_test(test_key_compare_every_byte),
      cmocka_unit_test(test_reserve),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
