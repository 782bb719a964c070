/* vb_embed.h - the data files built into the library (see cmake/embed.cmake). */
#ifndef VB_EMBED_H
#define VB_EMBED_H
#include <stddef.h>

typedef struct vb__embedded_file {
  const char *path; /* relative to the source tree, e.g. "lexicons/sv/valence.tsv" */
  const unsigned char *data;
  size_t len;
} vb__embedded_file;

/* Terminated by an entry whose path is NULL. */
extern const vb__embedded_file vb__embedded_files[];

#endif
