/* number.c - score fields as people type them: "8", " 9 ", "8,5", "8.5", "-1". */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "vb_internal.h"

int vb_parse_number(const char *s, size_t len, double *out) {
  while (len && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) { s++; len--; }
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
                 s[len - 1] == '\n')) len--;
  if (len == 0) return VB_ENOTFOUND;
  if (len > 64) return VB_EPARSE;
  /* Accept only sign, digits, one decimal separator and an exponent: strtod alone would also
   * take "nan", "inf" and hexadecimal floats, which are not scores. */
  char tmp[72];
  size_t n = 0, digits = 0, seps = 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (vb__ascii_digit(c)) { digits++; tmp[n++] = c; }
    else if ((c == '+' || c == '-') && (i == 0 || s[i - 1] == 'e' || s[i - 1] == 'E')) tmp[n++] = c;
    else if ((c == ',' || c == '.') && seps == 0) { seps++; tmp[n++] = '.'; }
    else if ((c == 'e' || c == 'E') && digits > 0) tmp[n++] = 'e';
    else return VB_EPARSE;
  }
  if (digits == 0) return VB_EPARSE;
  tmp[n] = '\0';
  char *end;
  errno = 0;
  double v = strtod(tmp, &end);
  if (*end != '\0' || errno == ERANGE || !isfinite(v)) return VB_EPARSE;
  *out = v;
  return VB_OK;
}
