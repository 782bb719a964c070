/*
 * qdpx.c - annotate --format qdpx: the results as a REFI-QDA project (.qdpx), the exchange
 * format that NVivo, ATLAS.ti, MAXQDA and QualCoder import, so that a researcher opens the
 * texts already coded with the codebook's themes and the sentiment.
 *
 * A .qdpx is a zip (libzip) of project.qde, XML in the namespace urn:QDA-XML:project:1.0, and
 * the texts under sources/. The project holds the codebook (the codes of `codebook export`,
 * with the same GUIDs, and a "Sentiment" code with Positive and Negative), and one TextSource
 * per record, or per interview of a transcript (its turns as "SPEAKER: text" paragraphs, the
 * interviewer's included but not coded). Each theme mention is a PlainTextSelection coded
 * with its theme; each record (turn) whose sentiment is positive or negative is a selection
 * coded with that. Positions are in characters (code points), as the format counts them.
 *
 * It reads what annotate writes: each record's JSONL result (jansson) beside its text, so it
 * codes exactly what `annotate --format jsonl` reports. GUIDs are name-based (vb_theme_guid of
 * "qdpx:..." names, which no theme id can be) and the entries' dates the zip epoch, so the same
 * input gives the same bytes. The
 * project is built in memory (texts and XML, about three times the input) and written out at
 * the end: it is meant for what a QDA tool opens, not for millions of mentions.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "cli.h"

struct qdpx {
  const vb_model *m;
  zip_source_t *mem; /* the archive, in memory */
  zip_t *za;
  obuf xml;          /* <Sources> ... so far */
  obuf text;         /* the open source's text */
  size_t text_cp;    /* its length in code points */
  obuf sel;          /* its selections */
  bool open;         /* a source is open */
  obuf interview;    /* transcripts: the open source's interview */
  size_t n_sources, n_sel;
  char **bufs;       /* the entries' bytes, until the archive is written */
  size_t n_bufs;
  char user[37];
  bool failed;
};

static void guid_of(char guid[37], const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void guid_of(char guid[37], const char *fmt, ...) {
  char name[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(name, sizeof name, fmt, ap);
  va_end(ap);
  vb_theme_guid(name, guid);
}

/* XML text or attribute value: & < > " escaped, the control characters XML 1.0 cannot hold
 * left out (the texts are valid UTF-8: the reader repaired them). */
static void xml_esc(obuf *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '&') obuf_str(b, "&amp;");
    else if (c == '<') obuf_str(b, "&lt;");
    else if (c == '>') obuf_str(b, "&gt;");
    else if (c == '"') obuf_str(b, "&quot;");
    else if (c >= 0x20 || c == '\n' || c == '\t') obuf_putc(b, (char)c);
  }
}

static size_t code_points(const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
  return k;
}

/* Appends to the open source's text, counting its code points. */
static void text_put(qdpx *q, const char *s, size_t n) {
  obuf_put(&q->text, s, n);
  q->text_cp += code_points(s, n);
}

int qdpx_new(const vb_model *m, qdpx **made) {
  qdpx *q = calloc(1, sizeof *q);
  if (!q) return EXIT_INTERNAL;
  q->m = m;
  zip_error_t ze;
  zip_error_init(&ze);
  q->mem = zip_source_buffer_create(NULL, 0, 0, &ze);
  if (q->mem) q->za = zip_open_from_source(q->mem, ZIP_TRUNCATE, &ze);
  if (!q->za) {
    msg("cannot make a zip archive in memory: %s", zip_error_strerror(&ze));
    zip_error_fini(&ze);
    if (q->mem) zip_source_free(q->mem);
    free(q);
    return EXIT_INTERNAL;
  }
  zip_error_fini(&ze);
  zip_source_keep(q->mem); /* (read back after zip_close) */
  guid_of(q->user, "qdpx:user:verbatim");
  *made = q;
  return EXIT_OK;
}

void qdpx_free(qdpx *q) {
  if (!q) return;
  if (q->za) zip_discard(q->za);
  if (q->mem) zip_source_free(q->mem);
  for (size_t i = 0; i < q->n_bufs; i++) free(q->bufs[i]);
  free(q->bufs);
  obuf_free(&q->xml);
  obuf_free(&q->text);
  obuf_free(&q->sel);
  obuf_free(&q->interview);
  free(q);
}

/* Adds `len` bytes of `data` (malloc'd; kept in q->bufs, freed with q, since libzip reads
 * them only when the archive is closed) as entry `name`. */
static bool zip_put(qdpx *q, const char *name, char *data, size_t len) {
  char **bufs = realloc(q->bufs, (q->n_bufs + 1) * sizeof *bufs);
  if (!bufs) {
    free(data);
    return false;
  }
  q->bufs = bufs;
  q->bufs[q->n_bufs++] = data;
  zip_source_t *s = zip_source_buffer(q->za, len ? data : NULL, len, 0);
  if (!s) return false;
  zip_int64_t k = zip_file_add(q->za, name, s, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
  if (k < 0) {
    zip_source_free(s);
    return false;
  }
  /* the zip epoch (1980-01-01), as reproducible builds do: the same input, the same bytes */
  return zip_file_set_mtime(q->za, (zip_uint64_t)k, 315532800 + 12 * 3600, 0) == 0;
}

/* The open source, written out: its text as sources/GUID.txt, its element in <Sources>. */
static void source_close(qdpx *q) {
  if (!q->open) return;
  q->open = false;
  char guid[37], path[64];
  guid_of(guid, "qdpx:source:%zu", q->n_sources);
  snprintf(path, sizeof path, "sources/%s.txt", guid);
  char *data = malloc(q->text.len + 1);
  if (!data || q->text.failed) {
    free(data);
    q->failed = true;
    return;
  }
  memcpy(data, q->text.p ? q->text.p : "", q->text.len);
  if (!zip_put(q, path, data, q->text.len)) q->failed = true;
  obuf_str(&q->xml, "\" plainTextPath=\"internal://");
  obuf_str(&q->xml, guid);
  obuf_str(&q->xml, ".txt\" creatingUser=\"");
  obuf_str(&q->xml, q->user);
  obuf_str(&q->xml, "\">\n");
  obuf_put(&q->xml, q->sel.p, q->sel.len);
  obuf_str(&q->xml, "    </TextSource>\n");
  q->n_sources++;
}

/* A new source named `name` (its element is finished by source_close). */
static void source_open(qdpx *q, const char *name, size_t n) {
  source_close(q);
  char guid[37];
  guid_of(guid, "qdpx:source:%zu", q->n_sources);
  obuf_str(&q->xml, "    <TextSource guid=\"");
  obuf_str(&q->xml, guid);
  obuf_str(&q->xml, "\" name=\"");
  xml_esc(&q->xml, name, n);
  q->text.len = q->sel.len = 0;
  q->text_cp = 0;
  q->open = true;
}

/* A selection [from, to) (code points of the source) coded with the code `code_guid`. */
static void selection(qdpx *q, const char *name, size_t from, size_t to, const char *code_guid) {
  char sg[37], cg[37];
  guid_of(sg, "qdpx:selection:%zu:%zu", q->n_sources, q->n_sel);
  guid_of(cg, "qdpx:coding:%zu:%zu", q->n_sources, q->n_sel);
  q->n_sel++;
  char num[64];
  obuf_str(&q->sel, "      <PlainTextSelection guid=\"");
  obuf_str(&q->sel, sg);
  obuf_str(&q->sel, "\" name=\"");
  xml_esc(&q->sel, name, strlen(name));
  snprintf(num, sizeof num, "\" startPosition=\"%zu\" endPosition=\"%zu\" creatingUser=\"", from,
           to);
  obuf_str(&q->sel, num);
  obuf_str(&q->sel, q->user);
  obuf_str(&q->sel, "\">\n        <Coding guid=\"");
  obuf_str(&q->sel, cg);
  obuf_str(&q->sel, "\" creatingUser=\"");
  obuf_str(&q->sel, q->user);
  obuf_str(&q->sel, "\"><CodeRef targetGUID=\"");
  obuf_str(&q->sel, code_guid);
  obuf_str(&q->sel, "\"/></Coding>\n      </PlainTextSelection>\n");
}

static const char *str_of(const json_t *o, const char *key, size_t *n) {
  const json_t *v = json_object_get(o, key);
  if (!json_is_string(v)) return NULL;
  *n = json_string_length(v);
  return json_string_value(v);
}

int qdpx_record(qdpx *q, const char *text, size_t tlen, const char *line, size_t len) {
  json_error_t je;
  json_t *o = json_loadb(line, len, 0, &je);
  if (!o) {
    msg("internal error: an annotate result that is no JSON (%s)", je.text);
    return EXIT_INTERNAL;
  }
  size_t n, idn = 0;
  const char *id = str_of(o, "id", &idn);
  if (json_object_get(o, "error") || !id || !text) { /* not analysed: nothing to code */
    json_decref(o);
    return EXIT_OK;
  }
  /* a transcript's turn goes into its interview's source; anything else is a source */
  const char *iv = str_of(o, "interview", &n);
  if (iv) {
    if (!q->open || q->interview.len != n || (n && memcmp(q->interview.p, iv, n))) {
      source_open(q, iv, n);
      q->interview.len = 0;
      obuf_put(&q->interview, iv, n);
    } else {
      text_put(q, "\n\n", 2);
    }
    const char *time = str_of(o, "time", &n);
    if (time) {
      text_put(q, "[", 1);
      text_put(q, time, n);
      text_put(q, "] ", 2);
    }
    const char *speaker = str_of(o, "speaker", &n);
    if (speaker) {
      text_put(q, speaker, n);
      text_put(q, ": ", 2);
    }
  } else {
    source_open(q, id, idn);
    q->interview.len = 0;
  }
  size_t base = q->text_cp; /* where the record's text begins in the source (code points) */
  text_put(q, text, tlen);
  const char *role = str_of(o, "role", &n);
  if (!(role && n == 11 && !memcmp(role, "interviewer", 11))) {
    const json_t *themes = json_object_get(o, "themes"), *t;
    size_t k;
    json_array_foreach(themes, k, t) {
      const char *theme = str_of(t, "theme", &n);
      const json_t *spans = json_object_get(t, "spans"), *sp;
      char guid[37];
      if (!theme) continue;
      vb_theme_guid(theme, guid);
      size_t s;
      json_array_foreach(spans, s, sp) {
        json_int_t b = json_integer_value(json_array_get(sp, 0));
        json_int_t e = json_integer_value(json_array_get(sp, 1));
        if (b < 0 || e < b || (size_t)e > tlen) continue;
        size_t from = base + code_points(text, (size_t)b);
        selection(q, theme, from, from + code_points(text + b, (size_t)(e - b)), guid);
      }
    }
    const json_t *sent = json_object_get(o, "sentiment");
    const char *label = str_of(sent, "label", &n);
    if (label && (!strcmp(label, "positive") || !strcmp(label, "negative"))) {
      char guid[37];
      guid_of(guid, "qdpx:sentiment:%s", label);
      selection(q, label, base, q->text_cp, guid);
    }
  }
  json_decref(o);
  if (!iv) source_close(q);
  return q->failed || q->text.failed || q->sel.failed || q->xml.failed ? EXIT_INTERNAL : EXIT_OK;
}

/* The codebook: the codes of `codebook export` (the same GUIDs), and Sentiment. */
static bool codebook(qdpx *q, obuf *x) {
  char *qdc;
  size_t len;
  if (vb_codebook_export_qdc(q->m, &qdc, &len)) return false;
  const char *a = strstr(qdc, "<Codes>\n"), *b = a ? strstr(a, "  </Codes>") : NULL;
  obuf_str(x, "  <CodeBook>\n    <Codes>\n");
  if (a && b) obuf_put(x, a + 8, (size_t)(b - (a + 8)));
  vb_free(qdc);
  char g[37];
  guid_of(g, "qdpx:sentiment");
  obuf_str(x, "    <Code guid=\"");
  obuf_str(x, g);
  obuf_str(x, "\" name=\"Sentiment\" isCodable=\"false\">\n      <Description>verbatim: "
              "records (transcripts: turns) whose sentiment score is positive (&gt;= 0.05) or "
              "negative (&lt;= -0.05)</Description>\n");
  static const char *const labels[] = {"positive", "negative"};
  static const char *const names[] = {"Positive", "Negative"};
  for (int k = 0; k < 2; k++) {
    guid_of(g, "qdpx:sentiment:%s", labels[k]);
    obuf_str(x, "      <Code guid=\"");
    obuf_str(x, g);
    obuf_str(x, "\" name=\"");
    obuf_str(x, names[k]);
    obuf_str(x, "\" isCodable=\"true\"/>\n");
  }
  obuf_str(x, "    </Code>\n    </Codes>\n  </CodeBook>\n");
  return true;
}

int qdpx_finish(qdpx *q, const char *name, FILE *fp) {
  source_close(q);
  obuf x = {0};
  obuf_str(&x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Project name=\"");
  xml_esc(&x, name, strlen(name));
  obuf_str(&x, "\" origin=\"verbatim " VB_VERSION_STRING "\" creatingUserGUID=\"");
  obuf_str(&x, q->user);
  obuf_str(&x, "\" xmlns=\"urn:QDA-XML:project:1.0\">\n  <Users>\n    <User guid=\"");
  obuf_str(&x, q->user);
  obuf_str(&x, "\" name=\"verbatim\"/>\n  </Users>\n");
  bool ok = codebook(q, &x);
  if (q->n_sources) {
    obuf_str(&x, "  <Sources>\n");
    obuf_put(&x, q->xml.p, q->xml.len);
    obuf_str(&x, "  </Sources>\n");
  }
  obuf_str(&x, "</Project>\n");
  ok = ok && !x.failed && !q->failed && !q->xml.failed;
  char *qde = ok ? malloc(x.len) : NULL;
  if (qde) memcpy(qde, x.p, x.len);
  ok = qde && zip_put(q, "project.qde", qde, x.len);
  obuf_free(&x);
  if (!ok) {
    msg("out of memory while making the project");
    return EXIT_INTERNAL;
  }
  if (zip_close(q->za) < 0) {
    msg("cannot make the zip archive: %s", zip_strerror(q->za));
    return EXIT_INTERNAL;
  }
  q->za = NULL;
  /* the archive's bytes, out */
  zip_stat_t st;
  if (zip_source_stat(q->mem, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) ||
      zip_source_open(q->mem) < 0) {
    msg("cannot read the zip archive back");
    return EXIT_INTERNAL;
  }
  char buf[65536];
  zip_int64_t r;
  while ((r = zip_source_read(q->mem, buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)r, fp);
  zip_source_close(q->mem);
  return r < 0 ? EXIT_INTERNAL : EXIT_OK;
}
