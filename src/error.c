/* error.c - error codes, their texts, and filling a vb_error. */
#include <stdio.h>

#include "vb_internal.h"

const char *vb_strerror(int code) {
  switch (code) {
  case VB_OK: return "success";
  case VB_ENOMEM: return "out of memory";
  case VB_EINVAL: return "invalid argument";
  case VB_EUTF8: return "invalid UTF-8";
  case VB_EIO: return "input/output error";
  case VB_EPARSE: return "malformed input";
  case VB_ELANG: return "unknown or unsupported language";
  case VB_ENOTFOUND: return "not found";
  case VB_ELIMIT: return "size limit exceeded";
  case VB_EMISMATCH: return "objects made with different options";
  default: return "unknown error";
  }
}

const char *vb_version(void) { return VB_VERSION_STRING; }

int vb__error_set(vb_error *err, int code, const char *file, long line, long column,
                  const char *fmt, ...) {
  if (err) {
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
  }
  return code;
}

bool vb__strieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    if (vb__ascii_lower((unsigned char)*a) != vb__ascii_lower((unsigned char)*b)) return false;
  }
  return *a == *b;
}
