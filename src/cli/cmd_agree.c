/* cmd_agree.c - verbatim agree: verbatim's themes and sentiment against a hand coding of the
 * same records (a column of codes, a column of sentiment labels), per code and overall, with
 * the records the two disagree on. Two passes: the first reads the hand codes (the codes must
 * be known before any record is counted, vb_agree_code()), the second analyses. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

#define EXCERPT 100 /* bytes of a disagreeing record's text shown */

/* A hand code as written in the input (or a --map line), and the code it counts for. */
typedef struct hcode {
  char *name;
  long code;       /* index into the agreement's codes; -1 not known */
  size_t records;  /* records giving it */
  char where[160]; /* FILE:LINE of its first record */
} hcode;

/* A record the two coders disagree on, for one code. */
typedef struct example {
  char *id, *text;
} example;

typedef struct actx {
  opts o;
  const char *codes_col, *sent_col, *map_path;
  const char *sep; /* the characters codes are separated by */
  size_t show;     /* disagreements shown per code and kind */
  vb_model *m;
  vb_analyzer *an;
  vb_agree *ag;
  vb_run_options ro;
  int pass;        /* 1 hand codes, 2 analysis */
  bool mapped;     /* codes from --map: unknown hand codes are errors */
  hcode *hc;
  size_t n_hc, cap_hc;
  size_t n_codes;
  example *missed, *extra; /* n_codes x show each: coded by hand only, by verbatim only */
  size_t *n_missed, *n_extra;
  unsigned char *hand, *got;
  size_t records, coded, not_coded, labelled, errors, problems, bad_labels;
  size_t redacted;
  speakers speakers;
  obuf aliased_id;
  FILE *spool;
} actx;

static void on_problem(void *ctx, int severity, const vb_error *e) {
  actx *c = ctx;
  if (c->pass > 1) return; /* said in the first pass */
  if (severity == VB_PROBLEM_ERROR) c->problems++;
  fprintf(stderr, "%s:%ld:%ld: %s%s\n", e->file, e->line, e->column > 0 ? e->column : 1,
          severity == VB_PROBLEM_ERROR ? "" : "warning: ", e->message);
}

/* ---- hand codes ---- */

static hcode *hcode_find(actx *c, const char *s, size_t n) {
  for (size_t i = 0; i < c->n_hc; i++)
    if (strlen(c->hc[i].name) == n && !memcmp(c->hc[i].name, s, n)) return &c->hc[i];
  return NULL;
}

static hcode *hcode_add(actx *c, const char *s, size_t n) {
  if (c->n_hc == c->cap_hc) {
    size_t cap = c->cap_hc ? 2 * c->cap_hc : 16;
    hcode *v = realloc(c->hc, cap * sizeof *v);
    if (!v) return NULL;
    c->hc = v;
    c->cap_hc = cap;
  }
  hcode *h = &c->hc[c->n_hc];
  memset(h, 0, sizeof *h);
  if (!(h->name = strndup(s, n))) return NULL;
  h->code = -1;
  c->n_hc++;
  return h;
}

/* The theme a hand code names without a map: a theme id, else a label (ASCII case
 * ignored); -1 when none. */
static long theme_named(const vb_model *m, const char *name) {
  long t = vb_model_theme_find(m, name);
  if (t >= 0) return t;
  size_t n = vb_model_theme_count(m);
  for (size_t i = 0; i < n; i++) {
    const char *l = vb_model_theme_label(m, i);
    if (l && !strcasecmp(l, name)) return (long)i;
  }
  return -1;
}

/* The hand codes of a cell, trimmed, each passed to fn; a JSON array of strings (a JSONL
 * field holding a list) gives its strings. */
static int each_code(actx *c, const char *v, size_t n, int (*fn)(actx *, const char *, size_t,
                                                                 void *), void *arg) {
  while (n && (*v == ' ' || *v == '\t')) v++, n--;
  if (n >= 2 && v[0] == '[' && v[n - 1] == ']') { /* ["a","b"]: json_dumps' compact form */
    char buf[512];
    for (size_t i = 1; i + 1 < n; i++) {
      if (v[i] != '"') continue;
      size_t o = 0;
      for (i++; i + 1 < n && v[i] != '"'; i++) {
        if (v[i] == '\\' && i + 2 < n) i++;
        if (o + 1 < sizeof buf) buf[o++] = v[i];
      }
      int rc = fn(c, buf, o, arg);
      if (rc) return rc;
    }
    return EXIT_OK;
  }
  size_t a = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && !strchr(c->sep, v[i])) continue;
    size_t s = a, e = i;
    while (s < e && (v[s] == ' ' || v[s] == '\t')) s++;
    while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t' || v[e - 1] == '\r')) e--;
    if (e > s) {
      int rc = fn(c, v + s, e - s, arg);
      if (rc) return rc;
    }
    a = i + 1;
  }
  return EXIT_OK;
}

/* First pass: counts a hand code, adding it when new. */
static int code_seen(actx *c, const char *s, size_t n, void *where) {
  hcode *h = hcode_find(c, s, n);
  if (!h && !c->mapped) {
    /* (with a map its codes are all declared; the case of a code is then also forgiven) */
    if (!(h = hcode_add(c, s, n))) return EXIT_INTERNAL;
    snprintf(h->where, sizeof h->where, "%s", (const char *)where);
  } else if (!h) {
    for (size_t i = 0; i < c->n_hc && !h; i++)
      if (strlen(c->hc[i].name) == n && !strncasecmp(c->hc[i].name, s, n)) h = &c->hc[i];
    if (!h) {
      if (!(h = hcode_add(c, s, n))) return EXIT_INTERNAL;
      h->code = -2; /* not in the map */
      snprintf(h->where, sizeof h->where, "%s", (const char *)where);
    }
  }
  h->records++;
  return EXIT_OK;
}

/* Second pass: marks a hand code of the record. */
static int code_mark(actx *c, const char *s, size_t n, void *unused) {
  (void)unused;
  hcode *h = hcode_find(c, s, n);
  for (size_t i = 0; i < c->n_hc && !h; i++)
    if (strlen(c->hc[i].name) == n && !strncasecmp(c->hc[i].name, s, n)) h = &c->hc[i];
  if (h && h->code >= 0) c->hand[h->code] = 1;
  return EXIT_OK;
}

/* The theme id (or with `labels` also label) nearest to `name` by nearest_name(), or NULL. */
static const char *nearest_theme(const vb_model *m, const char *name, bool labels) {
  size_t nt = vb_model_theme_count(m), n = 0;
  const char **names = malloc((2 * nt + 1) * sizeof *names);
  if (!names) return NULL;
  for (size_t t = 0; t < nt; t++) {
    names[n++] = vb_model_theme_id(m, t);
    if (labels && vb_model_theme_label(m, t)) names[n++] = vb_model_theme_label(m, t);
  }
  const char *near = nearest_name(name, names, n);
  free(names);
  return near;
}

/* --map FILE: "HAND CODE<TAB>THEME[, THEME...]" a line; # comments. Each line is a code. */
static int read_map(actx *c) {
  FILE *fp = fopen(c->map_path, "rb");
  if (!fp) {
    msg("agree: cannot open the map '%s'", c->map_path);
    return EXIT_BADINPUT;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  long ln = 0;
  int status = EXIT_OK;
  size_t themes[64];
  while (status == EXIT_OK && (len = getline(&line, &cap, fp)) >= 0) {
    ln++;
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
    if (ln == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) /* a byte-order mark */
      memmove(line, line + 3, (size_t)(len -= 3) + 1);
    if (!len || line[0] == '#') continue;
    char *tab = strchr(line, '\t');
    if (!tab || tab == line) {
      msg("%s:%ld:1: a line is a hand code, a TAB, and the theme ids it stands for", c->map_path,
          ln);
      status = EXIT_BADINPUT;
      break;
    }
    *tab = '\0';
    if (hcode_find(c, line, strlen(line))) {
      msg("%s:%ld:1: the hand code '%s' is mapped twice", c->map_path, ln, line);
      status = EXIT_BADINPUT;
      break;
    }
    size_t nt = 0;
    for (char *p = tab + 1; status == EXIT_OK && *p;) {
      char *e = p + strcspn(p, ",;");
      char save = *e;
      *e = '\0';
      char *s = p;
      while (*s == ' ') s++;
      for (char *t = e; t > s && t[-1] == ' ';) *--t = '\0';
      if (*s) {
        long t = vb_model_theme_find(c->m, s);
        if (t < 0) {
          const char *near = nearest_theme(c->m, s, false);
          msg("%s:%ld:%ld: no theme '%s' in the codebook%s%s%s", c->map_path, ln,
              (long)(s - line) + 1, s, near ? "; did you mean '" : "", near ? near : "",
              near ? "'?" : " ('verbatim codebook check' lists the themes)");
          status = EXIT_BADINPUT;
        } else if (nt < sizeof themes / sizeof themes[0]) {
          themes[nt++] = (size_t)t;
        }
      }
      *e = save;
      p = *e ? e + 1 : e;
    }
    if (status) break;
    if (!nt) {
      msg("%s:%ld:%ld: the hand code '%s' stands for no theme", c->map_path, ln,
          (long)(tab - line) + 2, line);
      status = EXIT_BADINPUT;
      break;
    }
    hcode *h = hcode_add(c, line, strlen(line));
    if (!h || vb_agree_code(c->ag, line, themes, nt)) {
      msg("out of memory");
      status = EXIT_INTERNAL;
      break;
    }
    h->code = (long)c->n_codes++;
  }
  free(line);
  fclose(fp);
  if (status == EXIT_OK && !c->n_codes) {
    msg("agree: the map '%s' holds no code", c->map_path);
    status = EXIT_BADINPUT;
  }
  return status;
}

/* ---- sentiment labels ---- */

/* A hand sentiment label in any of the four languages; false when not one. */
static bool parse_label(const char *v, size_t n, int *label) {
  static const struct { const char *w; int l; } words[] = {
      {"positive", VB_POSITIVE}, {"pos", VB_POSITIVE}, {"+", VB_POSITIVE}, {"1", VB_POSITIVE},
      {"positiv", VB_POSITIVE}, {"\xD7\x97\xD7\x99\xD7\x95\xD7\x91\xD7\x99", VB_POSITIVE},
      {"negative", VB_NEGATIVE}, {"neg", VB_NEGATIVE}, {"-", VB_NEGATIVE}, {"-1", VB_NEGATIVE},
      {"negativ", VB_NEGATIVE}, {"\xD7\xA9\xD7\x9C\xD7\x99\xD7\x9C\xD7\x99", VB_NEGATIVE},
      {"neutral", VB_NEUTRAL}, {"neu", VB_NEUTRAL}, {"0", VB_NEUTRAL},
      {"\xD7\xA0\xD7\x99\xD7\x98\xD7\xA8\xD7\x9C\xD7\x99", VB_NEUTRAL},
      {"mixed", VB_AGREE_MIXED}, {"blandad", VB_AGREE_MIXED}, {"blandet", VB_AGREE_MIXED},
      {"\xD7\x9E\xD7\xA2\xD7\x95\xD7\xA8\xD7\x91", VB_AGREE_MIXED}};
  while (n && (*v == ' ' || *v == '\t')) v++, n--;
  while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r')) n--;
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strlen(words[i].w) == n && !strncasecmp(words[i].w, v, n)) {
      *label = words[i].l;
      return true;
    }
  return false;
}

/* ---- disagreements ---- */

static int keep_example(example *slot, const char *id, size_t idlen, const char *text,
                        size_t tlen) {
  char buf[EXCERPT + 8];
  size_t o = 0, i = 0;
  bool space = false;
  for (; i < tlen && o < EXCERPT; i++) {
    char ch = text[i];
    if (ch == '\n' || ch == '\r' || ch == '\t' || ch == ' ') {
      space = o > 0;
      continue;
    }
    if (space) buf[o++] = ' ';
    space = false;
    if (o < EXCERPT) buf[o++] = ch;
  }
  if (i < tlen && ((unsigned char)text[i] & 0xC0) == 0x80) { /* a character cut: drop it */
    while (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80) o--;
    if (o > 0) o--;
  }
  if (i < tlen) {
    memcpy(buf + o, "...", 3);
    o += 3;
  }
  slot->id = strndup(id, idlen);
  slot->text = strndup(buf, o);
  return slot->id && slot->text ? EXIT_OK : EXIT_INTERNAL;
}

/* ---- one input, one pass ---- */

static int record(actx *c, vb_reader *rd, text_src *ts, const char *path, long line, int h_id,
                  int h_codes, int h_sent, int h_lang, size_t index) {
  size_t cn = 0, sn = 0;
  const char *cv = h_codes >= 0 ? vb_reader_get(rd, h_codes, &cn) : NULL;
  const char *sv = h_sent >= 0 ? vb_reader_get(rd, h_sent, &sn) : NULL;
  int label = VB_AGREE_NO_LABEL;
  if (sv && sn && !parse_label(sv, sn, &label)) {
    if (c->pass == 1) {
      fprintf(stderr, "%s:%ld:1: '%.*s' in '%s' is not a sentiment label (positive, negative, "
              "neutral or mixed)\n", path, line, (int)(sn > 40 ? 40 : sn), sv, c->sent_col);
      c->problems++;
      c->bad_labels++;
    }
    label = VB_AGREE_NO_LABEL;
  }
  if (c->pass == 1) {
    c->records++;
    if (label != VB_AGREE_NO_LABEL) c->labelled++;
    if (h_codes < 0) return EXIT_OK;
    if (!cv) {
      c->not_coded++;
      return EXIT_OK;
    }
    c->coded++;
    char where[160];
    snprintf(where, sizeof where, "%s:%ld", path, line);
    return each_code(c, cv, cn, code_seen, where);
  }
  if (!cv && label == VB_AGREE_NO_LABEL) return EXIT_OK; /* nothing to compare */
  size_t tlen = 0, idlen = 0;
  const char *text;
  if (text_src_get(ts, rd, c->o.redact ? c->m : NULL, &c->speakers, &c->redacted, &text, &tlen)) {
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  char idbuf[32];
  const char *id = record_id(rd, h_id, index, idbuf, &idlen);
  char alias[32];
  size_t alias_n;
  int rc;
  if (c->o.redact &&
      (rc = speaker_record(&c->speakers, rd, &id, &idlen, &c->aliased_id, alias, &alias_n)))
    return rc;
  vb_run_options ro = c->ro;
  char code[8];
  record_lang(rd, h_lang, &ro.lang, code);
  const vb_result *r;
  int arc = vb_analyzer_run(c->an, text ? text : "", tlen, &ro, &r);
  if (arc == VB_ENOMEM) {
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  if (arc) {
    c->errors++;
    return EXIT_OK;
  }
  if (cv) {
    memset(c->hand, 0, c->n_codes ? c->n_codes : 1);
    each_code(c, cv, cn, code_mark, NULL);
  }
  if (vb_agree_add(c->ag, r, cv ? c->hand : NULL, label, c->got)) {
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  for (size_t k = 0; cv && k < c->n_codes; k++) {
    if (c->got[k] == 0 || c->got[k] == 3) continue;
    bool hand_only = c->got[k] == 2;
    size_t *n = hand_only ? &c->n_missed[k] : &c->n_extra[k];
    if (*n >= c->show) continue;
    example *slot = &(hand_only ? c->missed : c->extra)[k * c->show + *n];
    if (keep_example(slot, id, idlen, text ? text : "", tlen)) {
      msg("out of memory");
      return EXIT_INTERNAL;
    }
    ++*n;
  }
  return EXIT_OK;
}

static int run_input(void *ctx, const char *path) {
  actx *c = ctx;
  const opts *o = &c->o;
  FILE *fp;
  vb_reader *rd;
  int rc = open_input(o, path, &c->spool, on_problem, c, &c->problems, &fp, &rd);
  if (rc) return rc;
  vb_error e = {0};
  int h_id = -1, h_codes = -1, h_sent = -1, h_lang = -1;
  text_src ts;
  int status = text_src_open(&ts, o, rd, &e);
  if (status == EXIT_BADINPUT) msg_error(&e);
  if (status == EXIT_OK && vb_reader_format(rd) == VB_FORMAT_TXT) {
    msg("%s: plain text has no column of hand codes (use CSV, TSV, JSONL or a transcript's "
        "fields)", path);
    status = EXIT_USAGE;
  }
  if (status == EXIT_OK) {
    vb_error ie = {0};
    h_id = vb_reader_field(rd, o->id, &ie);
    if (h_id < 0 && o->id_given) {
      msg_error(&ie);
      status = EXIT_BADINPUT;
    }
    if (status == EXIT_OK && c->codes_col) status = reader_field_or_say(rd, c->codes_col, &h_codes);
    if (status == EXIT_OK && c->sent_col) status = reader_field_or_say(rd, c->sent_col, &h_sent);
    if (status == EXIT_OK && o->lang_col) status = reader_field_or_say(rd, o->lang_col, &h_lang);
  }
  int h_role = status == EXIT_OK ? role_field(rd) : -1;
  speakers_fields(&c->speakers, rd, o->redact);
  const vb_record *rec = NULL;
  size_t index = 0;
  while (status == EXIT_OK && (rc = vb_reader_next(rd, &rec)) == 1) {
    index++;
    if (is_interviewer(rd, h_role)) continue; /* (the interviewer's turns are not coded) */
    if (rec->error) {
      if (c->pass == 1) c->errors++;
      continue;
    }
    status = record(c, rd, &ts, path, rec->line, h_id, h_codes, h_sent, h_lang, index);
  }
  return close_input(path, rc, rec, status, &ts, rd, fp);
}

static int run_pass(actx *c, int pass) {
  c->pass = pass;
  return each_input(&c->o, run_input, c);
}

/* After the first pass: the codes of the hand coding (without a map, one per theme named,
 * in the codebook's order), or the hand codes the map lacks and the codebook does not name,
 * said with their records. */
static int settle_codes(actx *c) {
  size_t unknown = 0;
  if (!c->mapped) {
    size_t nt = vb_model_theme_count(c->m);
    long *code_of = malloc((nt ? nt : 1) * sizeof *code_of);
    if (!code_of) return EXIT_INTERNAL;
    for (size_t t = 0; t < nt; t++) code_of[t] = -1;
    for (size_t i = 0; i < c->n_hc; i++) { /* code: the theme named, for now */
      long t = theme_named(c->m, c->hc[i].name);
      if (t >= 0 && (size_t)t < nt) code_of[t] = 0;
      c->hc[i].code = t >= 0 && (size_t)t < nt ? t : -2;
    }
    for (size_t t = 0; t < nt; t++) {
      if (code_of[t] < 0) continue;
      code_of[t] = (long)c->n_codes++;
      if (vb_agree_code(c->ag, vb_model_theme_id(c->m, t), &t, 1)) {
        free(code_of);
        return EXIT_INTERNAL;
      }
    }
    for (size_t i = 0; i < c->n_hc; i++)
      if (c->hc[i].code >= 0) c->hc[i].code = code_of[c->hc[i].code];
    free(code_of);
  }
  for (size_t i = 0; i < c->n_hc; i++) {
    if (c->hc[i].code != -2) continue;
    if (!unknown++)
      msg("agree: hand codes the %s does not know (%s):", c->mapped ? "map" : "codebook",
          c->mapped ? "add a line for each to the map"
                    : "use the themes' ids or labels, or give --map FILE");
    const char *near = c->mapped ? NULL : nearest_theme(c->m, c->hc[i].name, true);
    fprintf(stderr, "%s: '%s' in %zu record%s%s%s%s\n", c->hc[i].where, c->hc[i].name,
            c->hc[i].records, c->hc[i].records == 1 ? "" : "s", near ? " (did you mean '" : "",
            near ? near : "", near ? "'?)" : "");
  }
  if (unknown) return EXIT_BADINPUT;
  size_t n = c->n_codes ? c->n_codes : 1, s = c->show ? c->show : 1;
  c->hand = calloc(n, 1);
  c->got = calloc(n, 1);
  c->n_missed = calloc(n, sizeof *c->n_missed);
  c->n_extra = calloc(n, sizeof *c->n_extra);
  c->missed = calloc(n * s, sizeof *c->missed);
  c->extra = calloc(n * s, sizeof *c->extra);
  if (!c->hand || !c->got || !c->n_missed || !c->n_extra || !c->missed || !c->extra)
    return EXIT_INTERNAL;
  return EXIT_OK;
}

/* ---- output ---- */

static const char *const class_names[] = {"negative", "neutral", "positive", "mixed"};

/* The codes most often given by hand first (then by verbatim, then in order). */
static const vb_agree_row *sort_rows;
static int by_hand(const void *x, const void *y) {
  size_t i = *(const size_t *)x, j = *(const size_t *)y;
  const vb_agree_row *a = &sort_rows[i], *b = &sort_rows[j];
  if (a->hand != b->hand) return a->hand > b->hand ? -1 : 1;
  if (a->machine != b->machine) return a->machine > b->machine ? -1 : 1;
  return i < j ? -1 : (i > j);
}

static void fmt_num(char *buf, size_t cap, double v, int dec) {
  if (isnan(v)) snprintf(buf, cap, "-");
  else snprintf(buf, cap, "%.*f", dec, v);
}

static void fmt_ci(char *buf, size_t cap, double lo, double hi) {
  if (isnan(lo)) snprintf(buf, cap, "-");
  else snprintf(buf, cap, "[%.2f, %.2f]", lo, hi);
}

/* A row of the code table: a Markdown row, or columns of fixed width. */
enum { N_COLS = 10 };
static void put_row(FILE *fp, bool md, const char *const cells[N_COLS]) {
  static const int width[N_COLS] = {-30, 5, 8, 5, 6, 6, -13, 9, 6, 6};
  for (int i = 0; i < N_COLS; i++) {
    if (md) fprintf(fp, "%s %s", i ? " |" : "|", cells[i]);
    else fprintf(fp, i ? " %*s" : "%*s", width[i], cells[i]);
  }
  fputs(md ? " |\n" : "\n", fp);
}

/* The cells of a code's row (bufs: room for the numbers). */
static void row_cells(const vb_agree_row *r, char bufs[N_COLS][32], const char *cells[N_COLS]) {
  cells[0] = r->code;
  snprintf(bufs[1], 32, "%zu", r->hand);
  snprintf(bufs[2], 32, "%zu", r->machine);
  snprintf(bufs[3], 32, "%zu", r->both);
  if (isnan(r->agreement)) snprintf(bufs[4], 32, "-");
  else snprintf(bufs[4], 32, "%.1f%%", 100.0 * r->agreement);
  fmt_num(bufs[5], 32, r->kappa, 2);
  fmt_ci(bufs[6], 32, r->kappa_lo, r->kappa_hi);
  fmt_num(bufs[7], 32, r->precision, 3);
  fmt_num(bufs[8], 32, r->recall, 3);
  fmt_num(bufs[9], 32, r->f1, 3);
  for (int i = 1; i < N_COLS; i++) cells[i] = bufs[i];
}

static void md_cell(FILE *fp, const char *s) {
  for (; *s; s++) {
    if (*s == '|') fputc('\\', fp);
    fputc(*s, fp);
  }
}

static void write_examples(FILE *fp, const actx *c, size_t k, bool md) {
  for (int kind = 0; kind < 2; kind++) {
    size_t n = kind ? c->n_extra[k] : c->n_missed[k];
    const example *ex = &(kind ? c->extra : c->missed)[k * c->show];
    const char *what = kind ? "verbatim only" : "hand only";
    for (size_t i = 0; i < n; i++) {
      if (!md) {
        fprintf(fp, "  %-13s %-12s \"%s\"\n", what, ex[i].id, ex[i].text);
        continue;
      }
      fprintf(fp, "| %s | ", what);
      md_cell(fp, ex[i].id);
      fputs(" | ", fp);
      md_cell(fp, ex[i].text);
      fputs(" |\n", fp);
    }
  }
}

static void write_sentiment(FILE *fp, const vb_agree_info *in, bool md) {
  char acc[16], f1[16], ka[16], ci[32];
  fmt_num(acc, sizeof acc, in->accuracy, 3);
  fmt_num(f1, sizeof f1, in->sentiment_f1, 3);
  fmt_num(ka, sizeof ka, in->kappa, 2);
  fmt_ci(ci, sizeof ci, in->kappa_lo, in->kappa_hi);
  fprintf(fp, "%s%zu records with a hand label: accuracy %s, macro-F1 %s, kappa %s %s\n\n",
          md ? "## Sentiment\n\n" : "Sentiment: ", in->labelled, acc, f1, ka, ci);
  fputs(md ? "| hand \\ verbatim |" : "  hand \\ verbatim", fp);
  for (size_t j = 0; j < in->classes; j++) fprintf(fp, md ? " %s |" : " %9s", class_names[j]);
  if (md) {
    fputs("\n|---|", fp);
    for (size_t j = 0; j < in->classes; j++) fputs("---:|", fp);
  }
  fputc('\n', fp);
  for (size_t i = 0; i < in->classes; i++) {
    fprintf(fp, md ? "| %s |" : "  %-16s", class_names[i]);
    for (size_t j = 0; j < in->classes; j++)
      fprintf(fp, md ? " %zu |" : " %9zu", in->confusion[i][j]);
    fputc('\n', fp);
  }
}

static void write_text(FILE *fp, const actx *c, const vb_agree_row *rows, const size_t *order,
                       size_t n, const vb_agree_info *in, bool md) {
  if (c->codes_col) {
    fprintf(fp, "%s%zu records coded by hand ('%s')", md ? "## Codes\n\n" : "Codes: ",
            in->records, c->codes_col);
    if (c->not_coded)
      fprintf(fp, "; %zu record%s without the field left out", c->not_coded,
              c->not_coded == 1 ? "" : "s");
    fputs(md ? ".\n\n" : "\n\n", fp);
    static const char *const head[N_COLS] = {"code", "hand", "verbatim", "both", "agree",
                                             "kappa", "95% CI", "precision", "recall", "F1"};
    put_row(fp, md, head);
    if (md) fputs("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|\n", fp);
    char bufs[N_COLS][32];
    const char *cells[N_COLS];
    for (size_t i = 0; i < n; i++) {
      row_cells(&rows[order[i]], bufs, cells);
      put_row(fp, md, cells);
    }
    vb_agree_row all = {0};
    all.code = md ? "**all codes (micro)**" : "all codes (micro)";
    all.hand = in->hand;
    all.machine = in->machine;
    all.both = in->both;
    all.agreement = all.kappa = all.kappa_lo = NAN;
    all.precision = in->precision;
    all.recall = in->recall;
    all.f1 = in->f1;
    row_cells(&all, bufs, cells);
    cells[4] = "";
    cells[5] = "";
    cells[6] = "";
    put_row(fp, md, cells);
    const char *mean[N_COLS] = {md ? "**mean of the codes**" : "mean of the codes", "", "", "",
                                "", bufs[5], "", "", "", bufs[9]};
    fmt_num(bufs[5], 32, in->mean_kappa, 2);
    fmt_num(bufs[9], 32, in->macro_f1, 3);
    put_row(fp, md, mean);
  }
  if (c->sent_col) {
    if (c->codes_col) fputc('\n', fp);
    write_sentiment(fp, in, md);
  }
  bool any = false;
  for (size_t i = 0; i < n && c->show; i++) {
    size_t k = order[i];
    if (!c->n_missed[k] && !c->n_extra[k]) continue;
    if (!any)
      fprintf(fp, md ? "\n## Disagreements\n\nUp to %zu records of each kind a code "
                       "(--disagreements N).\n"
                     : "\nDisagreements (up to %zu records of each kind a code; "
                       "--disagreements N):\n", c->show);
    any = true;
    if (md) {
      fputs("\n### ", fp);
      md_cell(fp, rows[k].code);
      fputs("\n\n| coded by | record | text |\n|---|---|---|\n", fp);
    } else {
      fprintf(fp, "%s\n", rows[k].code);
    }
    write_examples(fp, c, k, md);
  }
}

static void write_tsv(FILE *fp, const actx *c, const vb_agree_row *rows, const size_t *order,
                      size_t n) {
  fputs("code\tthemes\trecords\thand\tverbatim\tboth\tagreement\tkappa\tkappa_low\tkappa_high"
        "\tprecision\trecall\tf1\n", fp);
  for (size_t i = 0; i < n; i++) {
    const vb_agree_row *r = &rows[order[i]];
    tsv_cell(fp, r->code, strlen(r->code));
    for (size_t t = 0; t < r->n_themes; t++)
      fprintf(fp, "%c%s", t ? ',' : '\t', vb_model_theme_id(c->m, r->themes[t]));
    fprintf(fp, "\t%zu\t%zu\t%zu\t%zu", r->records, r->hand, r->machine, r->both);
    const double v[] = {r->agreement, r->kappa, r->kappa_lo, r->kappa_hi, r->precision,
                        r->recall, r->f1};
    for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
      fputc('\t', fp);
      if (!isnan(v[j])) put_num(fp, v[j], 4);
    }
    fputc('\n', fp);
  }
}

static void json_examples(FILE *fp, const example *ex, size_t n) {
  fputc('[', fp);
  for (size_t i = 0; i < n; i++) {
    fputs(i ? ", {\"id\": " : "{\"id\": ", fp);
    json_str(fp, ex[i].id, strlen(ex[i].id));
    fputs(", \"text\": ", fp);
    json_str(fp, ex[i].text, strlen(ex[i].text));
    fputc('}', fp);
  }
  fputc(']', fp);
}

static void json_kv(FILE *fp, const char *key, double v, int dec) {
  fprintf(fp, ", \"%s\": ", key);
  put_num(fp, v, dec);
}

static void json_kappa(FILE *fp, double kappa, double lo, double hi) {
  json_kv(fp, "kappa", kappa, 4);
  fputs(", \"kappa_ci\": [", fp);
  put_num(fp, lo, 4);
  fputs(", ", fp);
  put_num(fp, hi, 4);
  fputc(']', fp);
}

static void write_json(FILE *fp, const actx *c, const vb_agree_row *rows, const size_t *order,
                       size_t n, const vb_agree_info *in) {
  fprintf(fp, "{\"records\": %zu", c->records);
  if (c->codes_col) {
    fprintf(fp, ", \"coded\": %zu, \"codes\": [", in->records);
    for (size_t i = 0; i < n; i++) {
      size_t k = order[i];
      const vb_agree_row *r = &rows[k];
      fputs(i ? ",\n  {\"code\": " : "\n  {\"code\": ", fp);
      json_str(fp, r->code, strlen(r->code));
      fputs(", \"themes\": [", fp);
      for (size_t t = 0; t < r->n_themes; t++) {
        const char *id = vb_model_theme_id(c->m, r->themes[t]);
        if (t) fputs(", ", fp);
        json_str(fp, id, strlen(id));
      }
      fprintf(fp, "], \"hand\": %zu, \"verbatim\": %zu, \"both\": %zu", r->hand, r->machine,
              r->both);
      json_kv(fp, "agreement", r->agreement, 4);
      json_kappa(fp, r->kappa, r->kappa_lo, r->kappa_hi);
      json_kv(fp, "precision", r->precision, 4);
      json_kv(fp, "recall", r->recall, 4);
      json_kv(fp, "f1", r->f1, 4);
      fputs(", \"hand_only\": ", fp);
      json_examples(fp, &c->missed[k * c->show], c->n_missed[k]);
      fputs(", \"verbatim_only\": ", fp);
      json_examples(fp, &c->extra[k * c->show], c->n_extra[k]);
      fputc('}', fp);
    }
    fprintf(fp, "%s], \"micro\": {\"hand\": %zu, \"verbatim\": %zu, \"both\": %zu",
            n ? "\n " : "", in->hand, in->machine, in->both);
    json_kv(fp, "precision", in->precision, 4);
    json_kv(fp, "recall", in->recall, 4);
    json_kv(fp, "f1", in->f1, 4);
    fputc('}', fp);
    json_kv(fp, "macro_f1", in->macro_f1, 4);
    json_kv(fp, "mean_kappa", in->mean_kappa, 4);
  }
  if (c->sent_col) {
    fprintf(fp, ",\n \"sentiment\": {\"records\": %zu, \"classes\": [", in->labelled);
    for (size_t j = 0; j < in->classes; j++) fprintf(fp, "%s\"%s\"", j ? ", " : "", class_names[j]);
    fputs("], \"confusion\": [", fp);
    for (size_t i = 0; i < in->classes; i++) {
      fputs(i ? ", [" : "[", fp);
      for (size_t j = 0; j < in->classes; j++)
        fprintf(fp, "%s%zu", j ? ", " : "", in->confusion[i][j]);
      fputc(']', fp);
    }
    fputc(']', fp);
    json_kv(fp, "accuracy", in->accuracy, 4);
    json_kv(fp, "macro_f1", in->sentiment_f1, 4);
    json_kappa(fp, in->kappa, in->kappa_lo, in->kappa_hi);
    fputc('}', fp);
  }
  fputs("}\n", fp);
}

/* ---- options ---- */

static int take(void *ctx, const char *name, const char *val) {
  actx *c = ctx;
  if (!strcmp(name, "codes")) c->codes_col = val;
  else if (!strcmp(name, "sentiment")) c->sent_col = val;
  else if (!strcmp(name, "map")) c->map_path = val;
  else if (!strcmp(name, "code-sep")) {
    if (strlen(val) != 1 || val[0] == ' ') {
      msg("agree: --code-sep takes one character (e.g. ';')");
      return EXIT_USAGE;
    }
    c->sep = val;
  } else if (!strcmp(name, "disagreements")) {
    char *end;
    unsigned long v = strtoul(val, &end, 10);
    if (*end || !*val || v > 1000) {
      msg("agree: --disagreements takes a whole number from 0 to 1000");
      return EXIT_USAGE;
    }
    c->show = v;
  }
  return EXIT_OK;
}

static void free_examples(example *ex, size_t n) {
  for (size_t i = 0; ex && i < n; i++) {
    free(ex[i].id);
    free(ex[i].text);
  }
  free(ex);
}

int cmd_agree(int argc, char **argv) {
  actx c;
  memset(&c, 0, sizeof c);
  c.sep = ";,|";
  c.show = 3;
  static const char *const with_arg[] = {"codes", "sentiment", "map", "code-sep",
                                         "disagreements", NULL};
  int rc = opts_parse_own("agree", argc, argv, with_arg, NULL, take, &c,
                          "text id lang lang-col lang-default input-format encoding delimiter "
                          "format output codebook brands lexicon data max-field quiet "
                          "no-default-codebook interviewer unit redact names strict",
                          &c.o);
  if (rc) return rc;
  opts *o = &c.o;
  if (!c.codes_col && !c.sent_col) {
    msg("agree: give the hand coding: --codes NAME (a column of codes) and/or --sentiment NAME "
        "(a column of sentiment labels)");
    return EXIT_USAGE;
  }
  if (c.map_path && !c.codes_col) {
    msg("agree: --map goes with --codes NAME");
    return EXIT_USAGE;
  }
  const char *fmt = o->format ? o->format : "table";
  if (strcmp(fmt, "table") && strcmp(fmt, "tsv") && strcmp(fmt, "json") && strcmp(fmt, "md")) {
    msg("agree: --format takes table, tsv, json or md");
    return EXIT_USAGE;
  }
  if (!strcmp(fmt, "tsv") && !c.codes_col) {
    msg("agree: --format tsv writes the code table; it needs --codes NAME (json, md and table "
        "show the sentiment)");
    return EXIT_USAGE;
  }
  if ((rc = input_lang_opts("agree", o, &c.ro))) return rc;
  if ((rc = load_model(o, &c.m))) return rc;
  int status = EXIT_OK;
  if (vb_analyzer_new(c.m, &c.an) || vb_agree_new(c.m, &c.ag)) {
    msg("out of memory");
    status = EXIT_INTERNAL;
  }
  c.mapped = c.map_path != NULL;
  /* Problems with single records (said as FILE:LINE) leave the comparison complete, as in the
   * other commands: exit 2 after the output. Hand codes nobody knows stop it: a code left out
   * would change every average. */
  if (status == EXIT_OK && c.mapped) status = read_map(&c);
  if (status == EXIT_OK) status = run_pass(&c, 1);
  if (status == EXIT_OK && (status = settle_codes(&c)) == EXIT_INTERNAL) msg("out of memory");
  if (status == EXIT_OK) status = run_pass(&c, 2);
  if (status == EXIT_OK) {
    const vb_agree_row *rows;
    size_t n = vb_agree_rows(c.ag, &rows);
    vb_agree_info info;
    vb_agree_stats(c.ag, &info);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    out w;
    int wrc = order ? out_open(&w, o->output) : EXIT_INTERNAL;
    if (wrc == EXIT_OK) {
      for (size_t i = 0; i < n; i++) order[i] = i;
      sort_rows = rows;
      qsort(order, n, sizeof *order, by_hand);
      if (!strcmp(fmt, "json")) write_json(w.fp, &c, rows, order, n, &info);
      else if (!strcmp(fmt, "tsv")) write_tsv(w.fp, &c, rows, order, n);
      else write_text(w.fp, &c, rows, order, n, &info, !strcmp(fmt, "md"));
      wrc = out_close(&w);
    }
    free(order);
    if (wrc) status = wrc;
    if (!o->quiet) {
      fprintf(stderr, "%s: agree: %zu records read", progname, c.records);
      if (c.codes_col) fprintf(stderr, ", %zu coded by hand", c.coded);
      if (c.sent_col) fprintf(stderr, ", %zu with a hand sentiment label", c.labelled);
      fprintf(stderr, ", %zu not analysable\n", c.errors);
    }
  }
  size_t n_ex = c.n_codes * c.show;
  free_examples(c.missed, c.missed ? n_ex : 0);
  free_examples(c.extra, c.extra ? n_ex : 0);
  free(c.n_missed);
  free(c.n_extra);
  free(c.hand);
  free(c.got);
  for (size_t i = 0; i < c.n_hc; i++) free(c.hc[i].name);
  free(c.hc);
  if (c.spool) fclose(c.spool);
  vb_agree_free(c.ag);
  speakers_free(&c.speakers);
  obuf_free(&c.aliased_id);
  vb_analyzer_free(c.an);
  vb_model_free(c.m);
  if (status == EXIT_OK && c.problems) status = EXIT_BADINPUT;
  return status;
}
