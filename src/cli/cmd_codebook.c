/* cmd_codebook.c - codebook check (load, validate and list the themes) and codebook export
 * (a REFI-QDA .qdc file). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const vb_lang langs[] = {VB_LANG_EN, VB_LANG_SV, VB_LANG_DA, VB_LANG_HE};

/* FILE arguments are the codebooks to use alone; --codebook adds to the default one. */
static int load_codebooks(opts *o, vb_model **m) {
  if (o->n_files) {
    if (o->n_files + o->n_codebooks > OPT_MAX_REPEAT) {
      msg("codebook: too many codebooks");
      return EXIT_USAGE;
    }
    for (int i = o->n_codebooks - 1; i >= 0; i--) o->codebooks[i + o->n_files] = o->codebooks[i];
    for (int i = 0; i < o->n_files; i++) o->codebooks[i] = o->files[i];
    o->n_codebooks += o->n_files;
    o->no_default_codebook = true;
  }
  int rc = load_model(o, m);
  return rc == EXIT_OK ? EXIT_OK : rc;
}

static size_t count_terms(const vb_model *m, size_t i, vb_lang l, int kind) {
  char *s;
  size_t n = 0;
  if (vb_model_theme_terms(m, i, l, kind, &s, &n) == VB_OK) vb_free(s);
  return n;
}

static int check(opts *o) {
  if (o->format && strcmp(o->format, "tsv") && strcmp(o->format, "json")) {
    msg("codebook check: --format takes tsv or json");
    return EXIT_USAGE;
  }
  vb_model *m;
  int rc = load_codebooks(o, &m);
  if (rc) return rc;
  out w;
  if ((rc = out_open(&w, o->output))) {
    vb_model_free(m);
    return rc;
  }
  bool json = o->format && !strcmp(o->format, "json");
  size_t n = vb_model_theme_count(m);
  size_t total[4][3] = {{0}};
  for (size_t i = 0; i < n; i++)
    for (size_t l = 0; l < 4; l++)
      for (int k = 0; k < 3; k++) total[l][k] += count_terms(m, i, langs[l], k);
  if (!json)
    fputs("theme\tlabel\tparent\ten\tsv\tda\the\texclusions\tpatterns\tfallback\n", w.fp);
  else fputs("{\"themes\": [", w.fp);
  size_t warnings = 0;
  for (size_t i = 0; i < n; i++) {
    const char *id = vb_model_theme_id(m, i);
    long parent = vb_model_theme_parent(m, i);
    size_t c[4][3];
    for (size_t l = 0; l < 4; l++)
      for (int k = 0; k < 3; k++) c[l][k] = count_terms(m, i, langs[l], k);
    if (!json) {
      tsv_cell(w.fp, id, strlen(id));
      fputc('\t', w.fp);
      tsv_cell(w.fp, vb_model_theme_label(m, i), strlen(vb_model_theme_label(m, i)));
      fprintf(w.fp, "\t%s\t%zu\t%zu\t%zu\t%zu\t%zu\t%zu\t%s\n",
              parent >= 0 ? vb_model_theme_id(m, (size_t)parent) : "-", c[0][0], c[1][0],
              c[2][0], c[3][0], c[0][1] + c[1][1] + c[2][1] + c[3][1],
              c[0][2] + c[1][2] + c[2][2] + c[3][2],
              vb_model_theme_is_fallback(m, i) ? "yes" : "no");
    } else {
      fputs(i ? ",\n  {\"theme\": " : "\n  {\"theme\": ", w.fp);
      json_str(w.fp, id, strlen(id));
      fputs(", \"label\": ", w.fp);
      json_str(w.fp, vb_model_theme_label(m, i), strlen(vb_model_theme_label(m, i)));
      fputs(", \"description\": ", w.fp);
      json_str(w.fp, vb_model_theme_description(m, i), strlen(vb_model_theme_description(m, i)));
      fputs(", \"parent\": ", w.fp);
      if (parent >= 0) {
        const char *pid = vb_model_theme_id(m, (size_t)parent);
        json_str(w.fp, pid, strlen(pid));
      } else {
        fputs("null", w.fp);
      }
      fprintf(w.fp, ", \"fallback\": %s", vb_model_theme_is_fallback(m, i) ? "true" : "false");
      char guid[37];
      vb_theme_guid(id, guid);
      fprintf(w.fp, ", \"guid\": \"%s\"", guid);
      static const char *const kn[] = {"terms", "exclusions", "patterns"};
      for (size_t l = 0; l < 4; l++) {
        fprintf(w.fp, ", \"%s\": {", vb_lang_code(langs[l]));
        for (int k = 0; k < 3; k++) {
          char *s;
          size_t cnt;
          fprintf(w.fp, "%s\"%s\": [", k ? ", " : "", kn[k]);
          if (vb_model_theme_terms(m, i, langs[l], k, &s, &cnt) == VB_OK) {
            const char *sep = k == VB_TERMS_PATTERN ? "\n" : "; ";
            const char *p = s;
            for (size_t q = 0; q < cnt; q++) {
              const char *e = q + 1 < cnt ? strstr(p, sep) : p + strlen(p);
              if (!e) e = p + strlen(p);
              if (q) fputs(", ", w.fp);
              json_str(w.fp, p, (size_t)(e - p));
              p = *e ? e + strlen(sep) : e;
            }
            vb_free(s);
          }
          fputc(']', w.fp);
        }
        fputc('}', w.fp);
      }
      fputc('}', w.fp);
    }
    /* a theme silent in a language the codebook uses elsewhere: probably forgotten */
    bool has_children = false;
    for (size_t k = 0; k < n && !has_children; k++)
      has_children = vb_model_theme_parent(m, k) == (long)i;
    for (size_t l = 0; l < 4 && !has_children && !o->quiet; l++)
      if (total[l][0] + total[l][2] && !c[l][0] && !c[l][2]) {
        fprintf(stderr, "%s: warning: theme '%s' has no %s terms\n", progname, id,
                vb_lang_code(langs[l]));
        warnings++;
      }
  }
  if (json) fputs("\n]}\n", w.fp);
  rc = out_close(&w);
  if (!o->quiet)
    fprintf(stderr, "%s: codebook ok: %zu themes; terms en %zu, sv %zu, da %zu, he %zu; "
            "exclusions %zu; patterns %zu%s\n", progname, n, total[0][0], total[1][0],
            total[2][0], total[3][0], total[0][1] + total[1][1] + total[2][1] + total[3][1],
            total[0][2] + total[1][2] + total[2][2] + total[3][2],
            warnings ? " (warnings above)" : "");
  vb_model_free(m);
  return rc;
}

static int export(opts *o) {
  if (o->format && strcmp(o->format, "qdc")) {
    msg("codebook export: --format takes qdc (REFI-QDA codebook)");
    return EXIT_USAGE;
  }
  vb_model *m;
  int rc = load_codebooks(o, &m);
  if (rc) return rc;
  char *xml;
  size_t len;
  if (vb_codebook_export_qdc(m, &xml, &len)) {
    msg("out of memory");
    vb_model_free(m);
    return EXIT_INTERNAL;
  }
  out w;
  if ((rc = out_open(&w, o->output)) == EXIT_OK) {
    fwrite(xml, 1, len, w.fp);
    rc = out_close(&w);
  }
  vb_free(xml);
  vb_model_free(m);
  return rc;
}

int cmd_codebook(int argc, char **argv) {
  if (argc < 1) {
    usage_of("codebook", stderr);
    return EXIT_USAGE;
  }
  const char *sub = argv[0];
  bool is_check = !strcmp(sub, "check"), is_export = !strcmp(sub, "export");
  if (!is_check && !is_export) {
    msg("codebook: unknown subcommand '%s' (check or export)", sub);
    return EXIT_USAGE;
  }
  opts o;
  int rc = opts_parse(is_check ? "codebook check" : "codebook export", argc - 1, argv + 1,
                      "format output codebook brands data no-default-codebook quiet", &o);
  if (rc) return rc;
  return is_check ? check(&o) : export(&o);
}
