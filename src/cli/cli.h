/* cli.h - the command-line tool's shared pieces. The CLI sees only include/verbatim.h. */
#ifndef VB_CLI_H
#define VB_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "verbatim.h"

/* Exit codes of the command-line contract. */
enum { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_BADINPUT = 2, EXIT_INTERNAL = 3 };

/* ---- options (opts.c) ---- */
#define OPT_MAX_REPEAT 32

typedef struct opts {
  const char *files[256];
  int n_files;
  int n_texts;
  /* --text repeats: several open-ended questions of one record are analysed as one text
   * (text_src); text is the first */
  const char *texts[OPT_MAX_REPEAT];
  const char *text, *id, *lang, *lang_col, *lang_default, *input_format, *format, *output;
  const char *encoding; /* --encoding: the input's (vb_reader_options.encoding) */
  const char *score, *score_type, *state, *data_dir;
  /* root-cause tables: --score and --score-type repeat (the i-th type goes with the i-th
   * score); score and score_type above are the first ones */
  const char *scores[VB_AGG_MAX_SCORES], *score_types[VB_AGG_MAX_SCORES];
  int n_scores, n_score_types;
  const char *by, *date, *period, *table;
  const char *driver_cols[VB_AGG_MAX_DRIVERS];
  int n_driver_cols;
  bool drivers;
  const char *codebooks[OPT_MAX_REPEAT];
  int n_codebooks;
  const char *brands[OPT_MAX_REPEAT]; /* --brands: brand lists */
  int n_brands;
  const char *names[OPT_MAX_REPEAT]; /* --names: name lists for --redact */
  int n_names;
  const char *lexicons[OPT_MAX_REPEAT];
  int n_lexicons;
  char delimiter;
  bool strict, quiet, no_default_codebook, tokens_only, id_given, text_given, explain;
  size_t max_field;
  int jobs; /* worker threads (-j); 0: one per core */
  const char *interviewers; /* transcripts: --interviewer */
  bool redact;              /* --redact: personal data out of the texts before analysis */
  int unit;                 /* transcripts: VB_UNIT_TURN or VB_UNIT_RESPONDENT (--unit) */
} opts;

/* ---- annotate --format qdpx (qdpx.c): a REFI-QDA project ---- */
typedef struct qdpx qdpx;
/* `questions`: the names of several --text fields (kept, not copied), or none. */
int qdpx_new(const vb_model *m, const char *const *questions, size_t n_questions, qdpx **made);
/* One record: its text and annotate's JSONL result for it (a transcript's turns go into
 * their interview's source). EXIT_OK or EXIT_INTERNAL. */
int qdpx_record(qdpx *q, const char *text, size_t tlen, const char *line, size_t len);
/* Writes the project (named `name`) to fp. EXIT_OK or EXIT_INTERNAL (with a message). */
int qdpx_finish(qdpx *q, const char *name, FILE *fp);
void qdpx_free(qdpx *q);

/* --redact: `*text` (of `*len` bytes) replaced by a copy without personal data, kept in
 * `*keep` (freed on the next call, and by the caller at the end); `*count` adds the
 * replacements. EXIT_OK or EXIT_INTERNAL. */
struct speakers;
/* --redact: the text without personal data (in *keep, which *text then points to); with a
 * transcript's reader and its speakers' fields (sp, rd: may be NULL), the words of the
 * interview's speaker labels are names in it too. */
int redact_text(const vb_model *m, const struct speakers *sp, const vb_reader *rd, char **keep,
                const char **text, size_t *len, size_t *count);

/* The reader's options for input `path` from the command's options. */
void reader_options(const opts *o, const char *path, vb_reader_options *ro);
/* Transcripts: the handle of the field "role" (-1 for other formats), and whether the
 * current record is an interviewer's turn (kept out of tables, phrases and quotes). */
int role_field(vb_reader *rd);
bool is_interviewer(const vb_reader *rd, int h_role);

/* Parses argv for `cmd`; prints a message and returns EXIT_USAGE on a bad option. `allowed`
 * is a space-separated list of the long options the command takes. */
int opts_parse(const char *cmd, int argc, char **argv, const char *allowed, opts *o);
/* opts_parse for a command with options of its own: those of `with_arg` ("--NAME V" or
 * "--NAME=V") and of `flags` ("--NAME") go to fn(ctx, NAME, V) (V NULL for a flag), the others
 * (and everything after "--") to opts_parse with `allowed`; argv is not changed. Returns fn's
 * first non-zero result, EXIT_USAGE (said) for a missing value, or opts_parse's result. */
int opts_parse_own(const char *cmd, int argc, char **argv, const char *const *with_arg,
                   const char *const *flags,
                   int (*fn)(void *ctx, const char *name, const char *val), void *ctx,
                   const char *allowed, opts *o);

/* ---- output (out.c) ---- */
typedef struct out {
  FILE *fp;
  char *tmp_path;   /* writing to a temporary file beside the target */
  const char *path; /* the target, or NULL for standard output */
  bool failed;
} out;

int out_open(out *o, const char *path);
/* Flushes and, for a file, renames it into place. Returns EXIT_OK or EXIT_INTERNAL (with a
 * message) when anything could not be written. */
int out_close(out *o);
void out_abort(out *o);

/* Checks --lang, --lang-default and --input-format and sets ro's languages from them; EXIT_OK
 * or EXIT_USAGE (said). */
int input_lang_opts(const char *cmd, const opts *o, vb_run_options *ro);
/* The handle of column `name` in *h; EXIT_OK, or EXIT_BADINPUT with the reader's message
 * said (a column the header lacks). */
int reader_field_or_say(vb_reader *rd, const char *name, int *h);
/* The current record's language from its --lang-col column (h_lang; -1: none) into *lang, the
 * code as written into code[8]; false for a code that is not a language (*lang unchanged). */
bool record_lang(const vb_reader *rd, int h_lang, vb_lang *lang, char code[8]);
/* The current record's id from column h_id (-1: none), or when it has none its number
 * written into buf (32 bytes); its length in *len. */
const char *record_id(const vb_reader *rd, int h_id, size_t number, char buf[32], size_t *len);
/* fn(ctx, path) for each input file of the options (standard input, "-", without any): the
 * first usage or internal error stops; else the first other failure is returned at the end. */
int each_input(const opts *o, int (*fn)(void *ctx, const char *path), void *ctx);
/* Opens input `path` for a command that reads its inputs more than once ("-": standard
 * input, copied into *spool by stdin_spool()) and a reader on it. EXIT_OK, or the exit status
 * with the message said (a file that cannot be opened also counts in *problems). The caller
 * frees the reader and closes *fp unless it is *spool. */
int open_input(const opts *o, const char *path, FILE **spool, vb_problem_fn problem, void *ctx,
               size_t *problems, FILE **fp, vb_reader **rd);
struct text_src;
/* The end of an input opened with open_input(): a read error (vb_reader_next's rc < 0) said
 * and turned into EXIT_BADINPUT unless `status` is already a failure; the text fields, the
 * reader and the file released. Returns the status. */
int close_input(const char *path, int rc, const vb_record *rec, int status, struct text_src *ts,
                vb_reader *rd, FILE *fp);
/* Standard input for a command that reads it more than once: the first call copies it into a
 * temporary file (*spool, closed by the caller), every call rewinds that. NULL (said) when it
 * could not be written. */
FILE *stdin_spool(FILE **spool);
/* JSON string with escapes. */
void json_str(FILE *fp, const char *s, size_t n);
/* A number for JSON/TSV: fixed decimals, no "-0", "null" for NaN. */
void put_num(FILE *fp, double v, int decimals);

/* A growable byte buffer. annotate writes each batch's results into one and then into the
 * output with a single fwrite: stdio calls for every field on a memory stream were 5% of
 * annotate's instructions, 13% with --explain. After a failed allocation `failed` is set and
 * the contents are incomplete. Zero-initialised is empty; release it with obuf_free(). */
typedef struct obuf {
  char *p;
  size_t len, cap;
  bool failed;
} obuf;

/* The slow path of obuf_reserve: at least n more bytes of room, or false and failed set. */
bool obuf_grow(obuf *b, size_t n);
void obuf_free(obuf *b);

/* Room for n more bytes at b->p + b->len; false when memory ran out. */
static inline bool obuf_reserve(obuf *b, size_t n) {
  return n <= b->cap - b->len || obuf_grow(b, n);
}

static inline void obuf_put(obuf *b, const char *s, size_t n) {
  if (n == 0 || !obuf_reserve(b, n)) return;
  memcpy(b->p + b->len, s, n);
  b->len += n;
}

static inline void obuf_putc(obuf *b, char c) {
  if (!obuf_reserve(b, 1)) return;
  b->p[b->len++] = c;
}

/* Inlined, a string literal's strlen and copy are constants. */
static inline void obuf_str(obuf *b, const char *s) { obuf_put(b, s, strlen(s)); }

/* The same bytes as json_str, put_num and tsv_cell write. */
void obuf_json_str(obuf *b, const char *s, size_t n);

/* --redact: a transcript's speaker labels become "Speaker N", N in the order a run first meets
 * each label. */
typedef struct speakers {
  char **v;
  size_t n, cap;
  int h_speaker, h_interview, h_speakers; /* the reader's fields (set by speakers_fields) */
} speakers;
/* Declares the reader's fields it needs; the interview's labels (for names in the turns) only
 * when `redact`. */
void speakers_fields(speakers *s, vb_reader *rd, bool redact);
/* The alias of the current record's speaker into buf (room for 32 bytes); 0 when the record has
 * no speaker, (size_t)-1 when out of memory. */
size_t speaker_alias(speakers *s, const vb_reader *rd, char *buf, size_t cap);
/* Whether v[0..n) is "INTERVIEW/SPEAKER" of the current record (a respondent's id and field
 * when an interview has several respondents): then `into` gets "INTERVIEW/ALIAS". */
bool speaker_id(const speakers *s, const vb_reader *rd, const char *v, size_t n,
                const char *alias, size_t alias_n, obuf *into);
/* Both for one record: its speaker's alias into alias[32] (*alias_n, 0 without a speaker), and
 * *id pointed at `idbuf` holding "INTERVIEW/ALIAS" when it was "INTERVIEW/SPEAKER". Returns
 * EXIT_OK or EXIT_INTERNAL (out of memory, said). */
int speaker_record(speakers *s, const vb_reader *rd, const char **id, size_t *idlen, obuf *idbuf,
                   char *alias, size_t *alias_n);
void speakers_free(speakers *s);

/* The record's text from its text fields (--text, repeatable). One field is the text as the
 * reader has it. Several (a survey's open-ended questions) are joined, those present and not
 * empty, with a blank line between them (a sentence end: nothing reads across it), each
 * redacted on its own first with --redact, so that each part's place (start, end) holds in
 * the text the spans point into. */
typedef struct text_src {
  int h[OPT_MAX_REPEAT];
  int n;
  char *keep; /* --redact: the last part without personal data */
  obuf joined;
  /* the current record's parts: field k at [start[k], end[k]) of the text, when present[k] */
  size_t start[OPT_MAX_REPEAT], end[OPT_MAX_REPEAT];
  bool present[OPT_MAX_REPEAT];
} text_src;
/* Declares the text fields. EXIT_OK, or EXIT_BADINPUT with the reader's message in `e` (a
 * column the header lacks), or EXIT_USAGE (said) for several on an input that has one text
 * (plain text, a transcript). */
int text_src_open(text_src *ts, const opts *o, vb_reader *rd, vb_error *e);
/* The current record's text in *text (NULL when none of the fields is in it, as in a JSONL
 * record without them); with a model (--redact), without personal data (sp, count: as for
 * redact_text()). EXIT_OK or EXIT_INTERNAL. */
int text_src_get(text_src *ts, const vb_reader *rd, const vb_model *redact,
                 const speakers *sp, size_t *count, const char **text, size_t *len);
/* The names of the text fields, "'a'" or "'a', 'b'", for messages. */
void text_src_names(const opts *o, char *buf, size_t cap);
void text_src_free(text_src *ts);
void obuf_num(obuf *b, double v, int decimals);
void obuf_tsv_cell(obuf *b, const char *s, size_t n);
/* Whole numbers in decimal, as printf's %zu and %ld. */
void obuf_size(obuf *b, size_t v);
void obuf_long(obuf *b, long v);
/* A span as annotate writes it, "[start, end]", after ", " unless it is the first. */
void obuf_span(obuf *b, size_t start, size_t end, bool first);
/* A CSV cell, quoted when needed, with a leading ' when it would start a formula. */
void csv_cell(FILE *fp, const char *s, size_t n, char delim);
/* A TSV cell: TAB and newlines become spaces. */
void tsv_cell(FILE *fp, const char *s, size_t n);

/* Messages on standard error. */
extern const char *progname;
void msg(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
void msg_error(const vb_error *e);
/* The name of `names` (n of them) nearest to `word` by
 * edits (a letter added, dropped, changed, or two swapped), when it is near enough to be a
 * slip: one edit for a word of up to four letters, two beyond; NULL otherwise. */
const char *nearest_name(const char *word, const char *const *names, size_t n);

/* ---- model loading shared by the commands ---- */
int load_model(const opts *o, vb_model **m);

/* ---- commands ---- */
int cmd_annotate(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_tokenize(int argc, char **argv);
int cmd_stem(int argc, char **argv);
int cmd_langid(int argc, char **argv);
int cmd_codebook(int argc, char **argv);
int cmd_discover(int argc, char **argv);
int cmd_agree(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_report(int argc, char **argv); /* analyze --format html (html.c) */
void usage_of(const char *cmd, FILE *fp);

/* ---- the record loop shared by annotate and analyze (cmd_annotate.c) ---- */
typedef struct score_in {
  const char *name;
  vb_score_type type;
  bool type_given, any;
  double smin, smax;  /* range of the values seen (for the guess) */
  size_t missing, bad; /* records without a usable score; of those, unreadable or off scale */
} score_in;

typedef struct job {
  opts o;
  const char *cmd;
  vb_model *m;
  vb_analyzer *an;
  vb_agg *agg;
  vb_run_options ro;
  score_in sc[VB_AGG_MAX_SCORES]; /* the score columns (agg_input.c) */
  size_t n_sc;
  bool want_scores;
  size_t undated, bad_date, bad_driver;
  vb_agg_options ao;              /* what every aggregate of the job collects */
  vb_score_type ao_types[VB_AGG_MAX_SCORES];
  struct agg_seen *seen;          /* segments and periods seen (agg_input.c) */
  bool annotate;  /* write one result per record */
  bool tsv;       /* annotate --format tsv */
  out out;
  size_t records, analysed, errors, problems, invalid_utf8;
  size_t with_problems; /* records with at least one problem reported */
  size_t by_lang[VB_LANG_COUNT];
  size_t bytes;
  double t0, last_progress;
  FILE *cur_in;              /* the input being read (for the progress line's position) */
  double in_done, in_total;  /* bytes of the inputs finished, and of all (0: not known) */
  struct pool *pool; /* the workers and the batches in flight (cmd_annotate.c) */
  int wait_status;   /* a failure while writing out before a wait for input (on_wait) */
  /* transcripts: interviews (a change of interview id), turns or respondents read */
  size_t tr_interviews, tr_respondent, tr_interviewer;
  char tr_last[128];
  size_t tr_last_len;
  qdpx *qdpx;        /* annotate --format qdpx */
  size_t redacted;   /* --redact: replacements made */
  speakers speakers; /* --redact: the speaker labels met */
} job;

/* Parses options, loads the model, opens the output; then runs every input through. */
int job_setup(job *j, const char *cmd, int argc, char **argv, const char *allowed);
int job_run(job *j);
/* One problem with a record: FILE:LINE:1: message on standard error, counted. */
void job_problem(job *j, const char *file, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Settles the score type (given or guessed) and prints the summary. */
int job_finish_scores(job *j);
void job_summary(const job *j);
void job_free(job *j);
/* Writes the aggregate state to j->o.state. */
int job_write_state(job *j);

/* ---- the columns an aggregate reads besides the text (agg_input.c) ---- */
typedef struct agg_fields {
  int score[VB_AGG_MAX_SCORES], by, date, driver[VB_AGG_MAX_DRIVERS];
} agg_fields;

/* The values of one record for its aggregate (the segment points into the reader). */
typedef struct agg_vals {
  vb_value scores[VB_AGG_MAX_SCORES];
  vb_value drivers[VB_AGG_MAX_DRIVERS];
  const char *seg;
  size_t seg_len;
  bool has_date;
  long date;
} agg_vals;

/* Checks the options of root-cause tables and fills j->ao (job_setup); EXIT_OK or a message
 * and EXIT_USAGE. */
int agg_input_setup(job *j);
void agg_input_free(job *j);
/* Finds the columns in a reader; EXIT_OK, or a message and EXIT_BADINPUT. */
int agg_input_open(job *j, vb_reader *rd, agg_fields *f);
/* Reads the current record's scores, segment, date and drivers, reporting unusable ones as
 * FILE:LINE problems. EXIT_OK, or EXIT_USAGE with a message when the record would make more
 * segments or periods than an aggregate holds. */
int agg_input_read(job *j, vb_reader *rd, const agg_fields *f, const char *file, long line,
                   agg_vals *v);
/* The record for vb_agg_add_record (the segment given separately: it may have moved). */
void agg_input_record(const agg_vals *v, const char *seg, vb_agg_record *rec);
/* Settles the score types (given or guessed, said on standard error). */
void agg_input_finish(job *j);
/* The summary of the score columns on standard error (job_summary). */
void agg_input_summary(const job *j);

/* ---- tables (render.c) ---- */
typedef struct render_info {
  const char *command_line;
  const char *score_name;
  const char *table; /* tsv/csv: which table (NULL: themes) */
} render_info;

/* The names --table takes, space-separated. */
extern const char *const render_table_names;
/* Whether the codebook holds brands (a brand list): then every format has its brand part,
 * even when no record names one. */
bool model_has_brands(const vb_model *m);
/* Whether row i of t->brand_themes is one the terminal, Markdown and HTML show: among the
 * first few of its brand, whose brand is among the first few. */
bool brand_theme_shown(const vb_table *t, size_t i);
/* Brands named together: the terminal, Markdown and HTML show the first BP_SHOWN pairs (named
 * together by most records); JSON and TSV/CSV (--table brand-pairs) every pair of VB_PAIR_MIN
 * records. */
#define BP_SHOWN 10
/* Switches between brands: the terminal, Markdown and HTML show the first SW_SHOWN switches
 * (said by most records) and brands; JSON and TSV/CSV (--table brand-switches) every one. */
#define SW_SHOWN 10
/* The label of side `t` of a switch: the brand's, or "(not named)" for SIZE_MAX. */
const char *switch_side_label(const vb_model *m, size_t t);
/* Writes the table in a format: "table", "tsv", "csv", "json", "md". */
int render_table(FILE *fp, const char *format, const vb_table *t, const vb_model *m,
                 const render_info *info);

/* ---- the HTML report (html.c) ---- */
/* Writes the self-contained HTML page of the table. `inputs` (may be NULL) are the options of
 * the run whose input files are read again for the discovered phrases. */
int render_html(FILE *fp, const vb_table *t, const vb_model *m, const render_info *info,
                const opts *inputs);

#endif
