/* alloc.c - the library's allocator hook and growable buffers. */
#include <stdio.h>
#include <stdlib.h>

#include "vb_internal.h"

static void *default_malloc(size_t n, void *ctx) { (void)ctx; return malloc(n); }
static void *default_realloc(void *p, size_t n, void *ctx) { (void)ctx; return realloc(p, n); }
static void default_free(void *p, void *ctx) { (void)ctx; free(p); }

static vb_allocator vb_alloc = {default_malloc, default_realloc, default_free, NULL};

void vb_set_allocator(const vb_allocator *alloc) {
  if (alloc == NULL) {
    vb_alloc = (vb_allocator){default_malloc, default_realloc, default_free, NULL};
  } else {
    vb_alloc = *alloc;
  }
}

void *vb__malloc(size_t n) { return vb_alloc.malloc_fn(n ? n : 1, vb_alloc.ctx); }

void *vb__calloc(size_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size) return NULL;
  void *p = vb__malloc(count * size);
  if (p) memset(p, 0, count * size);
  return p;
}

void *vb__realloc(void *p, size_t n) { return vb_alloc.realloc_fn(p, n ? n : 1, vb_alloc.ctx); }

void vb__free(void *p) {
  if (p) vb_alloc.free_fn(p, vb_alloc.ctx);
}

void vb_free(void *ptr) { vb__free(ptr); }

char *vb__strndup(const char *s, size_t n) {
  char *d = vb__malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

char *vb__strdup(const char *s) { return vb__strndup(s, strlen(s)); }

int vb__grow_to(void *ptr, size_t *cap, size_t need, size_t size) {
  void **p = (void **)ptr;
  if (need <= *cap) return VB_OK;
  size_t ncap = *cap ? *cap : 8;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2 / size) return VB_ENOMEM;
    ncap *= 2;
  }
  void *np = vb__realloc(*p, ncap * size);
  if (!np) return VB_ENOMEM;
  *p = np;
  *cap = ncap;
  return VB_OK;
}

int vb__reserve(void *ptr, size_t *cap, size_t need, size_t size) {
  void **p = (void **)ptr;
  if (need <= *cap) return VB_OK;
  if (need > SIZE_MAX / size) return VB_ENOMEM;
  void *np = vb__realloc(*p, need * size);
  if (!np) return VB_ENOMEM;
  *p = np;
  *cap = need;
  return VB_OK;
}

int vb__buf_reserve(vb__buf *b, size_t extra) {
  if (extra < b->cap - b->len) return VB_OK; /* room for the bytes and a NUL (cap 0: none) */
  if (extra > SIZE_MAX - b->len - 1) return VB_ENOMEM;
  return vb__grow_to(&b->data, &b->cap, b->len + extra + 1, 1);
}

int vb__buf_append(vb__buf *b, const void *s, size_t n) {
  if (n >= b->cap - b->len && vb__buf_reserve(b, n) != VB_OK) return VB_ENOMEM;
  if (n) memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
  return VB_OK;
}

int vb__buf_putc(vb__buf *b, char c) { return vb__buf_append(b, &c, 1); }

int vb__buf_printf(vb__buf *b, const char *fmt, ...) {
  va_list ap;
  char small[256];
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return VB_EINVAL;
  if ((size_t)n < sizeof small) return vb__buf_append(b, small, (size_t)n);
  if (vb__buf_reserve(b, (size_t)n) != VB_OK) return VB_ENOMEM;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return VB_OK;
}

void vb__buf_free(vb__buf *b) {
  vb__free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
