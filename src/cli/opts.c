/* opts.c - long options for every command, one table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct optdef {
  const char *name;
  int has_arg;
} optdef;

static const optdef defs[] = {
    {"text", 1},        {"id", 1},          {"lang", 1},        {"lang-col", 1},
    {"lang-default", 1}, {"input-format", 1}, {"delimiter", 1},  {"format", 1},
    {"output", 1},      {"score", 1},       {"score-type", 1},  {"state", 1},
    {"codebook", 1},    {"brands", 1},      {"lexicon", 1},     {"data", 1},        {"max-field", 1},
    {"strict", 0},      {"quiet", 0},       {"no-default-codebook", 0}, {"tokens-only", 0}, {"explain", 0},
    {"jobs", 1},
    {"by", 1},          {"date", 1},        {"period", 1},      {"driver", 1},
    {"drivers", 0},     {"table", 1},
    {"interviewer", 1}, {"unit", 1},       {"redact", 0}, {"names", 1},
    {"encoding", 1},
    {NULL, 0}};

/* Edits between a and b (optimal string alignment: each letter edited at most once), or a
 * number above `max` when there are more. */
static size_t edits(const char *a, const char *b, size_t max) {
  size_t na = strlen(a), nb = strlen(b);
  if (na > 31 || nb > 31 || (na > nb ? na - nb : nb - na) > max) return max + 1;
  size_t d[32][32];
  for (size_t i = 0; i <= na; i++) d[i][0] = i;
  for (size_t j = 0; j <= nb; j++) d[0][j] = j;
  for (size_t i = 1; i <= na; i++)
    for (size_t j = 1; j <= nb; j++) {
      size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1; /* two letters swapped */
      d[i][j] = v;
    }
  return d[na][nb];
}

const char *nearest_name(const char *word, const char *const *names, size_t n) {
  size_t max = strlen(word) <= 4 ? 1 : 2, best_d = max + 1;
  const char *best = NULL;
  for (size_t i = 0; i < n; i++) {
    size_t e = edits(word, names[i], max);
    if (e < best_d) {
      best_d = e;
      best = names[i];
    }
  }
  return best;
}

static bool allowed_in(const char *allowed, const char *name) {
  size_t n = strlen(name);
  for (const char *p = allowed; (p = strstr(p, name)); p += n)
    if ((p == allowed || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return true;
  return false;
}

/* The option of this command (in `allowed`) nearest to `name`, if one is near enough. */
static const char *near_option(const char *allowed, const char *name) {
  const char *names[sizeof defs / sizeof defs[0]];
  size_t n = 0;
  for (const optdef *k = defs; k->name; k++)
    if (allowed_in(allowed, k->name)) names[n++] = k->name;
  return nearest_name(name, names, n);
}

static int set(opts *o, const char *name, const char *val, const char *cmd) {
  if (!val) val = ""; /* options without a value never read it */
  if (!strcmp(name, "text")) {
    if (o->n_texts >= OPT_MAX_REPEAT) { msg("%s: at most %d --text fields", cmd, OPT_MAX_REPEAT); return EXIT_USAGE; }
    for (int k = 0; k < o->n_texts; k++)
      if (!strcmp(o->texts[k], val)) { msg("%s: --text %s given twice", cmd, val); return EXIT_USAGE; }
    o->texts[o->n_texts++] = val;
    o->text = o->texts[0];
    o->text_given = true;
  }
  else if (!strcmp(name, "id")) { o->id = val; o->id_given = true; }
  else if (!strcmp(name, "lang")) o->lang = val;
  else if (!strcmp(name, "lang-col")) o->lang_col = val;
  else if (!strcmp(name, "lang-default")) o->lang_default = val;
  else if (!strcmp(name, "input-format")) o->input_format = val;
  else if (!strcmp(name, "encoding")) {
    vb_error e = {0};
    if (vb_encoding_check(val, &e)) {
      msg("%s: --encoding: %s", cmd, e.message);
      return EXIT_USAGE;
    }
    o->encoding = val;
  }
  else if (!strcmp(name, "format")) o->format = val;
  else if (!strcmp(name, "output")) o->output = val;
  else if (!strcmp(name, "score")) {
    if (o->n_scores >= VB_AGG_MAX_SCORES) { msg("%s: at most %d --score columns", cmd, VB_AGG_MAX_SCORES); return EXIT_USAGE; }
    o->scores[o->n_scores++] = val;
    o->score = o->scores[0];
  } else if (!strcmp(name, "score-type")) {
    if (o->n_score_types >= VB_AGG_MAX_SCORES) { msg("%s: at most %d --score-type options", cmd, VB_AGG_MAX_SCORES); return EXIT_USAGE; }
    o->score_types[o->n_score_types++] = val;
    o->score_type = o->score_types[0];
  }
  else if (!strcmp(name, "by")) o->by = val;
  else if (!strcmp(name, "date")) o->date = val;
  else if (!strcmp(name, "period")) o->period = val;
  else if (!strcmp(name, "table")) o->table = val;
  else if (!strcmp(name, "interviewer")) {
    if (!*val) { msg("%s: --interviewer takes speaker labels, comma-separated", cmd); return EXIT_USAGE; }
    o->interviewers = val;
  } else if (!strcmp(name, "unit")) {
    if (!strcmp(val, "turn")) o->unit = VB_UNIT_TURN;
    else if (!strcmp(val, "respondent")) o->unit = VB_UNIT_RESPONDENT;
    else { msg("%s: --unit takes turn or respondent", cmd); return EXIT_USAGE; }
  }
  else if (!strcmp(name, "drivers")) o->drivers = true;
  else if (!strcmp(name, "driver")) {
    if (o->n_driver_cols >= VB_AGG_MAX_DRIVERS) { msg("%s: at most %d --driver columns", cmd, VB_AGG_MAX_DRIVERS); return EXIT_USAGE; }
    o->driver_cols[o->n_driver_cols++] = val;
    o->drivers = true;
  }
  else if (!strcmp(name, "state")) o->state = val;
  else if (!strcmp(name, "data")) o->data_dir = val;
  else if (!strcmp(name, "codebook")) {
    if (o->n_codebooks >= OPT_MAX_REPEAT) { msg("%s: too many --codebook options", cmd); return EXIT_USAGE; }
    o->codebooks[o->n_codebooks++] = val;
  } else if (!strcmp(name, "brands")) {
    if (o->n_brands >= OPT_MAX_REPEAT) { msg("%s: too many --brands options", cmd); return EXIT_USAGE; }
    o->brands[o->n_brands++] = val;
  } else if (!strcmp(name, "names")) {
    if (o->n_names >= OPT_MAX_REPEAT) { msg("%s: too many --names options", cmd); return EXIT_USAGE; }
    o->names[o->n_names++] = val;
    o->redact = true; /* a name list is for --redact */
  } else if (!strcmp(name, "lexicon")) {
    if (o->n_lexicons >= OPT_MAX_REPEAT) { msg("%s: too many --lexicon options", cmd); return EXIT_USAGE; }
    o->lexicons[o->n_lexicons++] = val;
  } else if (!strcmp(name, "delimiter")) {
    if (!strcmp(val, "\\t") || !strcmp(val, "tab") || !strcmp(val, "TAB")) o->delimiter = '\t';
    else if (strlen(val) == 1 && (val[0] == ',' || val[0] == ';' || val[0] == '\t' || val[0] == '|'))
      o->delimiter = val[0];
    else { msg("%s: --delimiter takes one of , ; tab |", cmd); return EXIT_USAGE; }
  } else if (!strcmp(name, "max-field")) {
    char *end;
    unsigned long long v = strtoull(val, &end, 10);
    if (*end == 'k' || *end == 'K') { v <<= 10; end++; }
    else if (*end == 'm' || *end == 'M') { v <<= 20; end++; }
    if (*end || v == 0) { msg("%s: --max-field takes a size in bytes (e.g. 4M)", cmd); return EXIT_USAGE; }
    o->max_field = (size_t)v;
  }
  else if (!strcmp(name, "jobs")) {
    char *end;
    long v = strtol(val, &end, 10);
    if (*end || v < 1 || v > 256) { msg("%s: --jobs takes a number of threads from 1 to 256", cmd); return EXIT_USAGE; }
    o->jobs = (int)v;
  }
  else if (!strcmp(name, "strict")) o->strict = true;
  else if (!strcmp(name, "redact")) o->redact = true;
  else if (!strcmp(name, "quiet")) o->quiet = true;
  else if (!strcmp(name, "no-default-codebook")) o->no_default_codebook = true;
  else if (!strcmp(name, "tokens-only")) o->tokens_only = true;
  else if (!strcmp(name, "explain")) o->explain = true;
  return EXIT_OK;
}

int opts_parse(const char *cmd, int argc, char **argv, const char *allowed, opts *o) {
  memset(o, 0, sizeof *o);
  o->text = "text";
  o->id = "id";
  /* transcripts: annotate gives each turn; the tables count people */
  o->unit = strcmp(cmd, "annotate") ? VB_UNIT_RESPONDENT : VB_UNIT_TURN;
  bool only_files = false;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (only_files || a[0] != '-' || !strcmp(a, "-")) {
      if (o->n_files >= (int)(sizeof o->files / sizeof o->files[0])) {
        msg("%s: too many input files", cmd);
        return EXIT_USAGE;
      }
      o->files[o->n_files++] = a;
      continue;
    }
    if (!strcmp(a, "--")) {
      only_files = true;
      continue;
    }
    char jbuf[64];
    if (a[1] == 'j' && a[2] && strlen(a) < 32) { /* -j4 */
      snprintf(jbuf, sizeof jbuf, "--jobs=%s", a + 2);
      a = jbuf;
    }
    if (!strcmp(a, "-o")) a = "--output";
    else if (!strcmp(a, "-q")) a = "--quiet";
    else if (!strcmp(a, "-f")) a = "--format";
    else if (!strcmp(a, "-j")) a = "--jobs";
    if (a[1] != '-') {
      const char *near = near_option(allowed, a + 1);
      if (near)
        msg("%s: unknown option '%s'; did you mean '--%s'? (see 'verbatim help %s')", cmd, a,
            near, cmd);
      else
        msg("%s: unknown option '%s' (see 'verbatim help %s')", cmd, a, cmd);
      return EXIT_USAGE;
    }
    const char *name = a + 2;
    const char *eq = strchr(name, '=');
    char nbuf[64];
    size_t nl = eq ? (size_t)(eq - name) : strlen(name);
    if (nl >= sizeof nbuf) nl = sizeof nbuf - 1;
    memcpy(nbuf, name, nl);
    nbuf[nl] = '\0';
    const optdef *d = NULL;
    for (const optdef *k = defs; k->name; k++)
      if (!strcmp(k->name, nbuf)) d = k;
    if (d && !allowed_in(allowed, nbuf)) {
      msg("%s: '--%s' is not an option of %s (see 'verbatim help %s')", cmd, nbuf, cmd, cmd);
      return EXIT_USAGE;
    }
    if (!d) {
      const char *near = near_option(allowed, nbuf);
      if (near)
        msg("%s: unknown option '--%s'; did you mean '--%s'? (see 'verbatim help %s')", cmd,
            nbuf, near, cmd);
      else
        msg("%s: unknown option '--%s' (see 'verbatim help %s')", cmd, nbuf, cmd);
      return EXIT_USAGE;
    }
    const char *val = NULL;
    if (d->has_arg) {
      if (eq) val = eq + 1;
      else if (i + 1 < argc) val = argv[++i];
      else {
        msg("%s: option '--%s' needs a value", cmd, nbuf);
        return EXIT_USAGE;
      }
    } else if (eq) {
      msg("%s: option '--%s' takes no value", cmd, nbuf);
      return EXIT_USAGE;
    }
    int rc = set(o, nbuf, val, cmd);
    if (rc) return rc;
  }
  return EXIT_OK;
}

/* Moves the command's own options out of argv (to fn), the others to its front; *argc: how many
 * stay. */
static int take_own(const char *cmd, int *argc, char **argv, const char *const *with_arg,
                    const char *const *flags,
                    int (*fn)(void *ctx, const char *name, const char *val), void *ctx) {
  int w = 0;
  for (int i = 0; i < *argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) { /* the rest are files */
      while (i < *argc) argv[w++] = argv[i++];
      break;
    }
    const char *name = NULL, *val = NULL;
    for (int k = 0; flags && flags[k] && !name; k++)
      if (!strncmp(a, "--", 2) && !strcmp(a + 2, flags[k])) name = flags[k];
    for (int k = 0; with_arg && with_arg[k] && !name; k++) {
      size_t l = strlen(with_arg[k]);
      if (strncmp(a, "--", 2) || strncmp(a + 2, with_arg[k], l)) continue;
      if (a[2 + l] == '=') {
        name = with_arg[k];
        val = a + 3 + l;
      } else if (a[2 + l] == '\0') {
        name = with_arg[k];
        if (i + 1 >= *argc) {
          msg("%s: option '--%s' needs a value", cmd, name);
          return EXIT_USAGE;
        }
        val = argv[++i];
      }
    }
    if (!name) {
      argv[w++] = argv[i];
      continue;
    }
    int rc = fn(ctx, name, val);
    if (rc) return rc;
  }
  *argc = w;
  return EXIT_OK;
}

int opts_parse_own(const char *cmd, int argc, char **argv, const char *const *with_arg,
                   const char *const *flags,
                   int (*fn)(void *ctx, const char *name, const char *val), void *ctx,
                   const char *allowed, opts *o) {
  char **args = malloc(((size_t)argc + 1) * sizeof *args);
  if (!args) {
    msg("out of memory");
    return EXIT_INTERNAL;
  }
  memcpy(args, argv, (size_t)argc * sizeof *args);
  int n = argc;
  int rc = take_own(cmd, &n, args, with_arg, flags, fn, ctx);
  if (rc == EXIT_OK) rc = opts_parse(cmd, n, args, allowed, o);
  free(args);
  return rc;
}
