/*
 * vb_codebook_io.h - codebooks in other formats (codebook_import.c): LIWC `.dic` and
 * quanteda-style YAML dictionaries, rewritten as our codebook text before loading.
 */
#ifndef VB_CODEBOOK_IO_H
#define VB_CODEBOOK_IO_H

#include "vb_model.h"

/* Codebook file formats. */
enum { VB_CBFMT_NATIVE = 0, VB_CBFMT_LIWC, VB_CBFMT_YAML, VB_CBFMT_BRANDS };

/* The format of a codebook: from the name's extension (.dic, .yml/.yaml, .codebook, .brands),
 * else from the content (a first line "%" is LIWC; "[theme]" ours; "key:" or "- item" YAML). */
int vb__codebook_detect(const char *name, const char *data, size_t len);

/* Rewrites a LIWC or YAML dictionary or a brand list as codebook text in `out`. Terms go to `lang`, or to all
 * four languages for VB_LANG_UND. `*pos` (new memory, release with vb__free) gets for each
 * output line the line and column of the input it came from (two longs per line). A brand
 * list's own terms (not its exclusions, handles or hashtags) go to `brand_terms` too (may be
 * NULL), each followed by a NUL. */
int vb__codebook_convert(int format, vb_lang lang, const char *name, const char *data,
                         size_t len, vb__buf *out, long **pos, size_t *n_lines, vb_error *err,
                         vb__buf *brand_terms);

/* Loads a codebook of any format (`format` VB_CBFMT_*, or -1: detected): converts it when
 * needed and feeds it to vb__codebook_load(); errors name the line and column of the original
 * file. */
int vb__codebook_load_any(vb_model *m, vb_lang lang, int format, const char *name,
                          const char *data, size_t len, vb_error *err);

/* "LANG:PATH" with LANG one of en sv da he: returns the language and moves *path past the
 * prefix; VB_LANG_UND (path unchanged) otherwise. */
vb_lang vb__codebook_lang_prefix(const char **path);

#endif
