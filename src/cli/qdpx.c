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
 * coded with that. A survey's several questions (--text repeated) add a "Questions" code with
 * a code per question: each answer is a selection coded with its question, and the sentiment
 * is coded per answer, with the answer's own. Positions are in characters (code points), as
 * the format counts them.
 *
 * It reads what annotate writes: each record's JSONL result (jansson) beside its text, so it
 * codes exactly what `annotate --format jsonl` reports. GUIDs are name-based (vb_theme_guid of
 * "qdpx:..." names, which no theme id can be) and the entries' dates the zip epoch, so the same
 * input gives the same bytes. The
 * project is built in memory (texts and XML, about three times the input) and written out at
 * the end: it is meant for what a QDA tool opens, not for millions of mentions.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "cli.h"

struct qdpx {
  const vb_model *m;
  const char *const *questions; /* several --text fields (their names), or none */
  size_t n_questions;
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
  /* variables: the records' fields (and ours), typed at the end by the values they took */
  struct var {
    char *name;
    unsigned not; /* the types its values rule out (VT_*) */
    bool any;     /* a value that is not empty */
  } *vars;
  size_t n_vars, cap_vars;
  struct val {
    size_t var;
    size_t off, len; /* in vbytes */
  } *vals;
  size_t n_vals, cap_vals;
  obuf vbytes;
  /* per source written: where its values go in `xml`, and which they are */
  struct srcvals {
    size_t xml_at, from, to;
  } *srcs;
  size_t n_srcs, cap_srcs;
  size_t open_from;  /* the open source's values begin at vals[open_from] */
  /* transcripts: the open source's respondent turns (code points), for the cases */
  struct turn {
    size_t from, to, resp;
  } *turns;
  size_t n_turns, cap_turns;
  /* cases: a transcript's respondents, across interviews */
  struct qcase {
    char *name;
    size_t from, to; /* its values */
    obuf sources, selections; /* <SourceRef/> and <SelectionRef/> lines */
    size_t last_source; /* the source last referred to, + 1 */
  } *cases;
  size_t n_cases, cap_cases;
};

/* What a variable's values rule out, by type; the first type left is the variable's. */
enum { VT_BOOLEAN = 1, VT_INTEGER = 2, VT_FLOAT = 4, VT_DATE = 8 };

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
    if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
        ((unsigned char)s[i + 2] & 0xFE) == 0xBE) {
      i += 2; /* U+FFFE, U+FFFF: no XML character either (the project would not open) */
      continue;
    }
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

int qdpx_new(const vb_model *m, const char *const *questions, size_t n_questions, qdpx **made) {
  qdpx *q = calloc(1, sizeof *q);
  if (!q) return EXIT_INTERNAL;
  q->m = m;
  q->questions = questions;
  q->n_questions = n_questions > 1 ? n_questions : 0;
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
  for (size_t i = 0; i < q->n_vars; i++) free(q->vars[i].name);
  free(q->vars);
  free(q->vals);
  obuf_free(&q->vbytes);
  free(q->srcs);
  free(q->turns);
  for (size_t i = 0; i < q->n_cases; i++) {
    free(q->cases[i].name);
    obuf_free(&q->cases[i].sources);
    obuf_free(&q->cases[i].selections);
  }
  free(q->cases);
  free(q);
}

/* Adds an element of `size` bytes, zeroed, to the array *p of *n (room for *cap, doubled
 * when full); NULL when out of memory. */
static void *grow1(void *p, size_t *n, size_t *cap, size_t size) {
  void **pp = p;
  if (*n == *cap) {
    size_t c = *cap ? 2 * *cap : 16;
    void *m = realloc(*pp, c * size);
    if (!m) return NULL;
    *pp = m;
    *cap = c;
  }
  char *e = (char *)*pp + (*n)++ * size;
  memset(e, 0, size);
  return e;
}

/* A date as the format writes it (YYYY-MM-DD) that is a day of the calendar (vb_date_parse
 * reads other forms too, and a time after the date). */
static bool is_date(const char *v, size_t n) {
  if (n != 10 || v[4] != '-' || v[7] != '-') return false;
  for (size_t k = 0; k < 10; k++)
    if (k != 4 && k != 7 && (v[k] < '0' || v[k] > '9')) return false;
  long days;
  return vb_date_parse(v, n, &days) == VB_OK;
}

/* What the value v[0..n) rules out: a Boolean is true or false, an Integer an optional minus
 * and up to 18 digits without a leading zero, a Float a decimal number without exponent (up
 * to 64 bytes), a Date YYYY-MM-DD. */
static unsigned rules_out(const char *v, size_t n) {
  unsigned not = 0;
  if (!((n == 4 && !strncasecmp(v, "true", 4)) || (n == 5 && !strncasecmp(v, "false", 5))))
    not |= VT_BOOLEAN;
  size_t i = n && v[0] == '-';
  size_t digits = 0;
  while (i + digits < n && v[i + digits] >= '0' && v[i + digits] <= '9') digits++;
  if (!(i + digits == n && digits >= 1 && digits <= 18 && !(digits > 1 && v[i] == '0')))
    not |= VT_INTEGER;
  /* xsd:decimal, which FloatValue is: [+-]digits[.digits], a digit on one side of the point
   * at least, no exponent (1e5 is Text) */
  size_t k = n && (v[0] == '-' || v[0] == '+'), before = 0, after = 0;
  while (k < n && v[k] >= '0' && v[k] <= '9') k++, before++;
  if (k < n && v[k] == '.')
    for (k++; k < n && v[k] >= '0' && v[k] <= '9'; k++) after++;
  if (k != n || before + after == 0 || n > 64) not |= VT_FLOAT;
  if (!is_date(v, n)) not |= VT_DATE;
  return not;
}

/* Adds a value of variable `name` (registered on first sight) to the list; an empty value
 * is none. False when out of memory. */
static bool value_add(qdpx *q, const char *name, const char *v, size_t n) {
  if (!n) return true;
  size_t k = 0;
  while (k < q->n_vars && strcmp(q->vars[k].name, name)) k++;
  if (k == q->n_vars) {
    char *d = strdup(name);
    struct var *x = d ? grow1(&q->vars, &q->n_vars, &q->cap_vars, sizeof *q->vars) : NULL;
    if (!x) {
      free(d);
      return false;
    }
    x->name = d;
  }
  q->vars[k].not |= rules_out(v, n);
  q->vars[k].any = true;
  struct val *x = grow1(&q->vals, &q->n_vals, &q->cap_vals, sizeof *q->vals);
  if (!x) return false;
  x->var = k;
  x->off = q->vbytes.len;
  x->len = n;
  obuf_put(&q->vbytes, v, n);
  return !q->vbytes.failed;
}

/* The values of a result's "fields" ([[NAME, VALUE], ...]). */
static bool fields_add(qdpx *q, const json_t *fields) {
  size_t i;
  const json_t *pair;
  json_array_foreach(fields, i, pair) {
    const json_t *k = json_array_get(pair, 0), *v = json_array_get(pair, 1);
    if (json_is_string(k) && json_is_string(v) &&
        !value_add(q, json_string_value(k), json_string_value(v), json_string_length(v)))
      return false;
  }
  return true;
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

/* A selection [from, to) (code points of the source) coded with the code `code_guid`, or
 * with none (NULL: a respondent's turn, which their case refers to); its GUID in `sg`. */
static void selection(qdpx *q, const char *name, size_t from, size_t to, const char *code_guid,
                      char sg[37]) {
  char cg[37];
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
  if (!code_guid) {
    obuf_str(&q->sel, "\"/>\n");
    return;
  }
  obuf_str(&q->sel, "\">\n        <Coding guid=\"");
  obuf_str(&q->sel, cg);
  obuf_str(&q->sel, "\" creatingUser=\"");
  obuf_str(&q->sel, q->user);
  obuf_str(&q->sel, "\"><CodeRef targetGUID=\"");
  obuf_str(&q->sel, code_guid);
  obuf_str(&q->sel, "\"/></Coding>\n      </PlainTextSelection>\n");
}

static void ref_line(obuf *b, const char *element, const char *guid) {
  obuf_str(b, "      <");
  obuf_str(b, element);
  obuf_str(b, " targetGUID=\"");
  obuf_str(b, guid);
  obuf_str(b, "\"/>\n");
}

/* The open source's respondents: each case refers to the source; when it holds several
 * respondents (a focus group), to each of their turns, as a selection without a code. */
static void source_cases(qdpx *q, const char *source_guid) {
  size_t first = SIZE_MAX;
  bool several = false;
  for (size_t t = 0; t < q->n_turns; t++) {
    if (first == SIZE_MAX) first = q->turns[t].resp;
    else if (q->turns[t].resp != first) several = true;
  }
  for (size_t t = 0; t < q->n_turns; t++) {
    struct qcase *c = &q->cases[q->turns[t].resp];
    if (c->last_source != q->n_sources + 1) {
      ref_line(&c->sources, "SourceRef", source_guid);
      c->last_source = q->n_sources + 1;
    }
    if (several) {
      char sg[37];
      selection(q, c->name, q->turns[t].from, q->turns[t].to, NULL, sg);
      ref_line(&c->selections, "SelectionRef", sg);
    }
  }
  q->n_turns = 0;
}

/* The open source, written out: its text as sources/GUID.txt, its element in <Sources> (its
 * variable values are put in at the end, when their types are known: srcs). */
static void source_close(qdpx *q) {
  if (!q->open) return;
  q->open = false;
  char guid[37], path[64];
  guid_of(guid, "qdpx:source:%zu", q->n_sources);
  source_cases(q, guid);
  snprintf(path, sizeof path, "sources/%s.txt", guid);
  char *data = malloc(q->text.len + 1);
  struct srcvals *sv = data ? grow1(&q->srcs, &q->n_srcs, &q->cap_srcs, sizeof *q->srcs) : NULL;
  if (!sv || q->text.failed) {
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
  sv->xml_at = q->xml.len;
  sv->from = q->open_from;
  sv->to = q->n_vals;
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
  q->open_from = q->n_vals;
}

/* The case of respondent `name`, made on first sight with the open source's values (the
 * interview's fields), or SIZE_MAX when out of memory. */
static size_t case_of(qdpx *q, const char *name) {
  for (size_t i = 0; i < q->n_cases; i++)
    if (!strcmp(q->cases[i].name, name)) return i;
  char *d = strdup(name);
  struct qcase *c = d ? grow1(&q->cases, &q->n_cases, &q->cap_cases, sizeof *q->cases) : NULL;
  if (!c) {
    free(d);
    return SIZE_MAX;
  }
  c->name = d;
  c->from = q->open_from;
  c->to = q->n_vals;
  return q->n_cases - 1;
}

static const char *str_of(const json_t *o, const char *key, size_t *n) {
  const json_t *v = json_object_get(o, key);
  if (!json_is_string(v)) return NULL;
  *n = json_string_length(v);
  return json_string_value(v);
}

/* A selection coded Positive or Negative when `sent` (a result's sentiment) says so. */
static void sentiment_selection(qdpx *q, const json_t *sent, size_t from, size_t to) {
  size_t n;
  const char *label = str_of(sent, "label", &n);
  if (label && (!strcmp(label, "positive") || !strcmp(label, "negative"))) {
    char guid[37], sg[37];
    guid_of(guid, "qdpx:sentiment:%s", label);
    selection(q, label, from, to, guid, sg);
  }
}

/* A survey's answers (annotate's "parts"): each a selection coded with its question, and its
 * own sentiment. The record's text begins at `base` (code points) in the source. */
static void answers(qdpx *q, const json_t *parts, const char *text, size_t tlen, size_t base) {
  const json_t *p;
  size_t i;
  json_array_foreach(parts, i, p) {
    size_t n;
    const char *field = str_of(p, "field", &n);
    json_int_t b = json_integer_value(json_object_get(p, "start"));
    json_int_t e = json_integer_value(json_object_get(p, "end"));
    if (!field || b < 0 || e < b || (size_t)e > tlen) continue;
    size_t from = base + code_points(text, (size_t)b);
    size_t to = from + code_points(text + b, (size_t)(e - b));
    char guid[37], sg[37];
    guid_of(guid, "qdpx:question:%s", field);
    selection(q, field, from, to, guid, sg);
    sentiment_selection(q, json_object_get(p, "sentiment"), from, to);
  }
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
  bool ok = true;
  size_t para = 0; /* where a turn's paragraph begins (code points) */
  if (iv) {
    if (!q->open || q->interview.len != n || (n && memcmp(q->interview.p, iv, n))) {
      source_open(q, iv, n);
      q->interview.len = 0;
      obuf_put(&q->interview, iv, n);
      ok = fields_add(q, json_object_get(o, "fields")); /* the interview's */
    } else {
      text_put(q, "\n\n", 2);
    }
    para = q->text_cp;
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
    /* the record's language and sentiment, and its fields */
    const char *lang = str_of(o, "lang", &n);
    const json_t *score = json_object_get(json_object_get(o, "sentiment"), "score");
    char num[32] = "";
    if (json_is_number(score)) snprintf(num, sizeof num, "%.4f", json_number_value(score));
    ok = (!lang || value_add(q, "Language (verbatim)", lang, n)) &&
         value_add(q, "Sentiment score (verbatim)", num, strlen(num)) &&
         fields_add(q, json_object_get(o, "fields"));
  }
  size_t base = q->text_cp; /* where the record's text begins in the source (code points) */
  text_put(q, text, tlen);
  const char *role = str_of(o, "role", &n);
  if (!(role && n == 11 && !memcmp(role, "interviewer", 11))) {
    char sg[37];
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
        selection(q, theme, from, from + code_points(text + b, (size_t)(e - b)), guid, sg);
      }
    }
    const json_t *parts = json_object_get(o, "parts");
    if (json_array_size(parts) && q->n_questions)
      answers(q, parts, text, tlen, base);
    else
      sentiment_selection(q, json_object_get(o, "sentiment"), base, q->text_cp);
    /* a respondent's turn: their case (source_cases) */
    const char *resp = iv ? str_of(o, "respondent", &n) : NULL;
    if (resp && ok) {
      size_t c = case_of(q, resp);
      struct turn *tu =
          c == SIZE_MAX ? NULL : grow1(&q->turns, &q->n_turns, &q->cap_turns, sizeof *q->turns);
      if (tu) {
        tu->from = para;
        tu->to = q->text_cp;
        tu->resp = c;
      }
      ok = tu != NULL;
    }
  }
  json_decref(o);
  if (!iv) source_close(q);
  bool failed = !ok || q->failed || q->text.failed || q->sel.failed || q->xml.failed;
  return failed ? EXIT_INTERNAL : EXIT_OK;
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
              "records (transcripts: turns; a survey's several questions: answers) whose "
              "sentiment score is positive (&gt;= 0.05) or negative (&lt;= -0.05)"
              "</Description>\n");
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
  obuf_str(x, "    </Code>\n");
  if (q->n_questions) {
    guid_of(g, "qdpx:questions");
    obuf_str(x, "    <Code guid=\"");
    obuf_str(x, g);
    obuf_str(x, "\" name=\"Questions\" isCodable=\"false\">\n      <Description>verbatim: the "
                "survey's open-ended questions; each answer is coded with its question"
                "</Description>\n");
    for (size_t k = 0; k < q->n_questions; k++) {
      const char *name = q->questions[k];
      guid_of(g, "qdpx:question:%s", name);
      obuf_str(x, "      <Code guid=\"");
      obuf_str(x, g);
      obuf_str(x, "\" name=\"");
      xml_esc(x, name, strlen(name));
      obuf_str(x, "\" isCodable=\"true\">\n        <Description>verbatim: the answers in the "
                  "column or field ");
      xml_esc(x, name, strlen(name));
      obuf_str(x, "</Description>\n      </Code>\n");
    }
    obuf_str(x, "    </Code>\n");
  }
  obuf_str(x, "    </Codes>\n  </CodeBook>\n");
  return true;
}

/* A variable's type: the first its values do not rule out (Text when all are). */
static const char *var_type(const struct var *v) {
  static const char *const names[] = {"Boolean", "Integer", "Float", "Date"};
  for (unsigned k = 0; k < 4 && v->any; k++)
    if (!(v->not & (1u << k))) return names[k];
  return "Text";
}

static void var_guid(const qdpx *q, size_t k, char guid[37]) {
  guid_of(guid, "qdpx:variable:%s", q->vars[k].name);
}

/* <Variables>: one per field seen, and the language and sentiment score of a record. */
static void variables(qdpx *q, obuf *x) {
  if (!q->n_vars) return;
  obuf_str(x, "  <Variables>\n");
  for (size_t k = 0; k < q->n_vars; k++) {
    char guid[37];
    var_guid(q, k, guid);
    obuf_str(x, "    <Variable guid=\"");
    obuf_str(x, guid);
    obuf_str(x, "\" name=\"");
    xml_esc(x, q->vars[k].name, strlen(q->vars[k].name));
    obuf_str(x, "\" typeOfVariable=\"");
    obuf_str(x, var_type(&q->vars[k]));
    obuf_str(x, "\"/>\n");
  }
  obuf_str(x, "  </Variables>\n");
}

/* The values vals[from..to) as <VariableValue> elements, each indented by `ind`. */
static void values(qdpx *q, obuf *x, size_t from, size_t to, const char *ind) {
  for (size_t i = from; i < to; i++) {
    const struct val *v = &q->vals[i];
    const char *type = var_type(&q->vars[v->var]), *s = q->vbytes.p + v->off;
    char guid[37];
    var_guid(q, v->var, guid);
    obuf_str(x, ind);
    obuf_str(x, "<VariableValue><VariableRef targetGUID=\"");
    obuf_str(x, guid);
    obuf_str(x, "\"/><");
    obuf_str(x, type);
    obuf_str(x, "Value>");
    if (!strcmp(type, "Boolean")) obuf_str(x, tolower((unsigned char)s[0]) == 't' ? "true" : "false");
    else xml_esc(x, s, v->len);
    obuf_str(x, "</");
    obuf_str(x, type);
    obuf_str(x, "Value></VariableValue>\n");
  }
}

/* <Cases>: a transcript's respondents, with the interview's fields, the interviews they are
 * in, and their turns there when it has several respondents. */
static void cases(qdpx *q, obuf *x) {
  if (!q->n_cases) return;
  obuf_str(x, "  <Cases>\n");
  for (size_t i = 0; i < q->n_cases; i++) {
    const struct qcase *c = &q->cases[i];
    char guid[37];
    guid_of(guid, "qdpx:case:%s", c->name);
    obuf_str(x, "    <Case guid=\"");
    obuf_str(x, guid);
    obuf_str(x, "\" name=\"");
    xml_esc(x, c->name, strlen(c->name));
    obuf_str(x, "\">\n");
    values(q, x, c->from, c->to, "      ");
    obuf_put(x, c->sources.p, c->sources.len);
    obuf_put(x, c->selections.p, c->selections.len);
    obuf_str(x, "    </Case>\n");
    if (c->sources.failed || c->selections.failed) q->failed = true;
  }
  obuf_str(x, "  </Cases>\n");
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
  variables(q, &x);
  cases(q, &x);
  if (q->n_sources) {
    obuf_str(&x, "  <Sources>\n");
    size_t at = 0;
    for (size_t i = 0; i < q->n_srcs; i++) { /* each source's values before its end tag */
      obuf_put(&x, q->xml.p + at, q->srcs[i].xml_at - at);
      values(q, &x, q->srcs[i].from, q->srcs[i].to, "      ");
      at = q->srcs[i].xml_at;
    }
    obuf_put(&x, q->xml.p + at, q->xml.len - at);
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
