/*
 * transcript.c - interview transcripts read as records: speaker turns, whose they are, and
 * what the transcript says of each interview (vb_reader, VB_FORMAT_TRANSCRIPT).
 *
 * A transcript is plain text in the shapes that people, transcription services and QDA tools
 * write (verbatim.1, "TRANSCRIPTS"):
 *
 *   ## en-1                                  an interview begins; its id
 *   # respondent: R36446, date: 2026-10-21   fields of the interview, anywhere in it
 *   I: How were the deliveries?              a turn: a speaker label, a colon, the text
 *   R: Late, every time.
 *   And nobody told me.                      a line without a label goes on with the turn
 *   [00:12:03] Anna Berg: ...                a timestamp before the label,
 *   Anna Berg (00:12:03):                    or after it, with the text on the lines after,
 *   Speaker 1  0:03                          or ending a line that holds only the label
 *   WEBVTT ... <v Anna Berg>...</v>          WebVTT (Teams, Zoom): cue numbers and timings
 *                                            dropped, voice tags as labels
 *
 * Turns of the same speaker one after the other are one turn. A speaker is the interviewer
 * when the label is one of the names of that role (the default list, or the caller's); the
 * others are respondents, and text before the first label belongs to no speaker ("unknown").
 *
 * An interview is held until it ends (the next "##" line or the end of the input), since its
 * fields may come after its turns; then its records are given out: one per turn (the
 * interviewer's included, marked), or one per respondent, their turns joined (the unit of a
 * table that counts people, not turns). An interview larger than VB__TR_MAX_INTERVIEW is given
 * out in parts (at a turn), with a warning, and a turn longer than the field limit keeps no
 * more than that (its record is an error), so memory stays bounded.
 */
#include <stdlib.h>

#include "vb_internal.h"

#define VB__TR_MAX_INTERVIEW (64u << 20)
#define MAX_LABEL 48 /* bytes of a speaker label */
#define MAX_LABEL_WORDS 4

enum { ROLE_UNKNOWN = 0, ROLE_INTERVIEWER, ROLE_RESPONDENT };
static const char *const role_names[] = {"unknown", "interviewer", "respondent"};

typedef struct trturn {
  size_t label_off, label_len; /* in bytes */
  size_t time_off, time_len;
  size_t text_off, text_len;   /* the text is the last thing appended while the turn goes on */
  long line, line_end;
  size_t bad;                  /* invalid UTF-8 sequences repaired in its lines */
  int role;
  int error;                   /* VB__TR_ERR_LINE, VB__TR_ERR_BIG: its text is not kept */
  size_t group;                /* its respondent (the unit "respondent"); interviewer: none */
} trturn;

typedef struct trgroup {       /* a respondent of the interview: a speaker who is no interviewer */
  size_t first;                /* their first turn */
  size_t n_turns;
} trgroup;

struct vb__tr {
  vb__tr_options o;
  vb__buf base;                /* the input's name without folder and extension */
  /* the interview being read */
  vb__buf id;
  vb__buf meta;                /* "key\0value\0" pairs */
  vb__buf bytes;               /* labels, times and texts of its turns */
  trturn *turns;
  size_t n_turns, cap_turns;
  trgroup *groups;
  size_t n_groups, cap_groups;
  long line;                   /* where it began */
  int n_headers;               /* "##" lines so far in the input */
  bool warned_unlabelled, warned_split, split;
  vb__buf pending_time;        /* a timestamp on a line of its own: for the next turn */
  bool vtt, vtt_skip;          /* WebVTT; inside a NOTE, STYLE or REGION block */
  /* giving out */
  bool ready;
  bool header_pending;         /* next_id holds the next interview's id */
  size_t next;                 /* the next turn or group to give out */
  size_t cur;                  /* the current record's turn or group */
  vb__buf joined;              /* a respondent's turns joined */
  vb__buf scratch;             /* the value vb__tr_get() made */
  vb__buf speakers;            /* the field "speakers" (speakers_list) */
  bool speakers_set;           /* made for the turns being given out */
  vb__buf next_id;             /* the id of the interview whose header came: after this one */
  size_t turn_base;            /* turns of the parts given out before (a long interview) */
};

/* ---- lines ---- */

static bool is_space(char c) { return c == ' ' || c == '\t'; }

static size_t skip_spaces(const char *s, size_t n, size_t i) {
  while (i < n && is_space(s[i])) i++;
  return i;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* A timestamp at s[i..]: [h]h:mm[:ss][.fff] (or a comma before the fraction), in [] or () or
 * bare; a WebVTT cue timing "00:00:01.000 --> 00:00:04.000" as a whole. Returns its length
 * (0: none) and sets the bytes of the time itself. */
static size_t timestamp(const char *s, size_t n, size_t i, size_t *t_off, size_t *t_len) {
  size_t p = i;
  char close = 0;
  if (p < n && (s[p] == '[' || s[p] == '(')) close = s[p++] == '[' ? ']' : ')';
  size_t start = p, groups = 0;
  for (;;) {
    size_t d = p;
    while (p < n && is_digit(s[p]) && p - d < 2) p++;
    if (p == d || (groups > 0 && p - d != 2)) return 0;
    groups++;
    if (groups < 3 && p + 1 < n && s[p] == ':' && is_digit(s[p + 1])) {
      p++;
      continue;
    }
    break;
  }
  if (groups < 2) return 0;
  if (p + 1 < n && (s[p] == '.' || s[p] == ',') && is_digit(s[p + 1])) {
    p++;
    while (p < n && is_digit(s[p])) p++;
  }
  *t_off = start;
  *t_len = p - start;
  if (close) {
    if (p >= n || s[p] != close) return 0;
    p++;
  }
  if (p < n && !is_space(s[p]) && s[p] != ':') return 0;
  /* a cue timing: the end time too */
  size_t q = skip_spaces(s, n, p);
  if (!close && q + 3 <= n && memcmp(s + q, "-->", 3) == 0) {
    size_t e_off, e_len;
    size_t r = skip_spaces(s, n, q + 3);
    size_t m = timestamp(s, n, r, &e_off, &e_len);
    if (m) p = r + m;
    else p = n; /* the cue settings after it are no text either */
    while (p < n && !is_space(s[p])) p++;
    if (p < n) p = n; /* (settings: "align:start position:10%") */
  }
  return p - i;
}

/* Whether s[0..n) may be a speaker label: up to four words and 48 bytes, beginning with a
 * letter or digit, not all digits ("1: the first point"), none of the punctuation that does
 * not occur in names; of several words, each begins with a capital, a digit or a letter of
 * another script ("Speaker 1", "Anna Berg", but not "So basically: it broke"). */
static bool label_ok(const char *s, size_t n) {
  if (n == 0 || n > MAX_LABEL) return false;
  unsigned char c0 = (unsigned char)s[0];
  if (!(c0 >= 0x80 || vb__ascii_alpha(c0) || is_digit((char)c0))) return false;
  bool all_digits = true, lower = c0 >= 'a' && c0 <= 'z';
  size_t words = 1;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!is_digit(c)) all_digits = false;
    if (is_space(c) && i + 1 < n && !is_space(s[i + 1])) {
      words++;
      if (s[i + 1] >= 'a' && s[i + 1] <= 'z') lower = true;
    }
    if (c && strchr("\"?!,;()[]{}<>=*/\\|~^`#", c)) return false;
  }
  return !all_digits && words <= MAX_LABEL_WORDS && !(lower && words > 1);
}

static void classify_label(const char *s, size_t n, size_t i, vb__trline *out);

void vb__tr_classify(const char *s, size_t n, bool vtt, vb__trline *out) {
  memset(out, 0, sizeof *out);
  while (n && (is_space(s[n - 1]))) n--;
  size_t i = skip_spaces(s, n, 0);
  if (i == n) {
    out->kind = VB__TL_BLANK;
    return;
  }
  if (s[i] == '#' && !vtt) {
    size_t h = i;
    while (h < n && s[h] == '#') h++;
    size_t b = skip_spaces(s, n, h);
    out->text_off = b;
    out->text_len = n - b;
    if (h - i >= 2) {
      out->kind = VB__TL_HEADER;
      return;
    }
    /* "# key: value": fields; anything else a comment */
    size_t k = b;
    while (k < n && !is_space(s[k]) && s[k] != ':' && s[k] != ',') k++;
    out->kind = k > b && k < n && s[k] == ':' && (k + 1 == n || is_space(s[k + 1]))
                    ? VB__TL_META : VB__TL_COMMENT;
    return;
  }
  /* a timestamp first (it may be all the line holds) */
  size_t line_start = i;
  size_t t = timestamp(s, n, i, &out->time_off, &out->time_len);
  if (t) {
    i = skip_spaces(s, n, i + t);
    if (i == n) {
      out->kind = VB__TL_TIME;
      return;
    }
    if (s[i] == ':') i = skip_spaces(s, n, i + 1); /* "00:01:02: Anna: ..." (rare) */
  }
  out->kind = VB__TL_TEXT;
  out->text_off = i;
  out->text_len = n - i;
  /* a WebVTT voice tag: <v Anna Berg>text</v> */
  if (n - i > 3 && s[i] == '<' && s[i + 1] == 'v' && (s[i + 2] == ' ' || s[i + 2] == '.')) {
    size_t a = i + 2;
    while (a < n && s[a] != ' ' && s[a] != '>') a++; /* (classes: <v.loud Anna>) */
    a = skip_spaces(s, n, a);
    const char *gt = memchr(s + a, '>', n - a);
    if (gt && gt > s + a) {
      out->kind = VB__TL_TURN;
      out->label_off = a;
      out->label_len = (size_t)(gt - (s + a));
      while (out->label_len && is_space(s[a + out->label_len - 1])) out->label_len--;
      out->text_off = skip_spaces(s, n, (size_t)(gt - s) + 1);
      out->text_len = n - out->text_off;
      return;
    }
  }
  /* LABEL: text | LABEL (time): [text] | LABEL  time */
  classify_label(s, n, i, out);
  /* a bare hh:mm before words that are no turn may be the words' own ("10:30 we met"): kept
   * as text; a time in brackets, with seconds or a fraction is the transcript's */
  size_t colons = 0, fraction = 0;
  for (size_t k = 0; k < out->time_len; k++) {
    colons += s[out->time_off + k] == ':';
    fraction += s[out->time_off + k] == '.' || s[out->time_off + k] == ',';
  }
  if (out->kind == VB__TL_TEXT && t && s[line_start] != '[' && s[line_start] != '(' &&
      colons == 1 && !fraction) {
    out->time_off = out->time_len = 0;
    out->text_off = line_start;
    out->text_len = n - line_start;
  }
}

/* The speaker label at s[i..] when there is one (out->kind TURN), else nothing changes. */
static void classify_label(const char *s, size_t n, size_t i, vb__trline *out) {
  size_t p = i;
  for (size_t words = 0; p < n && words < MAX_LABEL_WORDS; words++) {
    while (p < n && !is_space(s[p]) && s[p] != ':') p++;
    if (p < n && s[p] == ':') {
      if (p + 1 < n && !is_space(s[p + 1])) return; /* "10:30", "http://" */
      if (!label_ok(s + i, p - i)) return;
      out->kind = VB__TL_TURN;
      out->label_off = i;
      out->label_len = p - i;
      out->text_off = skip_spaces(s, n, p + 1);
      out->text_len = n - out->text_off;
      return;
    }
    size_t w_end = p;
    p = skip_spaces(s, n, p);
    size_t t_off, t_len, m = timestamp(s, n, p, &t_off, &t_len);
    if (m) {
      size_t after = skip_spaces(s, n, p + m);
      bool colon = after < n && s[after] == ':';
      if ((colon || after == n) && label_ok(s + i, w_end - i)) {
        out->kind = VB__TL_TURN;
        out->label_off = i;
        out->label_len = w_end - i;
        out->time_off = t_off;
        out->time_len = t_len;
        out->text_off = colon ? skip_spaces(s, n, after + 1) : n;
        out->text_len = n - out->text_off;
      }
      return;
    }
  }
}

/* ---- interviewers ---- */

/* The names of the interviewer's role in the four languages (lower case): a label is one of
 * them, or one of them and a number ("Interviewer 2"). */
static const char *const interviewer_names[] = {
    "i", "int", "intv", "interviewer", "interviewers", "q", "mod", "moderator",
    "facilitator", "researcher",
    "intervjuare", "intervjuaren", "intervjuarna", "moderatorn", "samtalsledare",
    "intervieweren", "moderatoren", "ordstyrer",
    "מ", "מראיין", "מראיינת", "המראיין", "המראיינת", "מנחה", "המנחה", "מנחת", "ש",
    "שואל", "שואלת"};

static bool name_eq(const char *a, size_t an, const char *b, size_t bn) {
  if (an != bn) return false;
  for (size_t i = 0; i < an; i++)
    if (vb__ascii_lower((unsigned char)a[i]) != vb__ascii_lower((unsigned char)b[i])) return false;
  return true;
}

static int role_of(const vb__tr *tr, const char *label, size_t n) {
  if (n == 0) return ROLE_UNKNOWN;
  if (tr->o.interviewers) { /* the caller's names, comma-separated, exactly (case aside) */
    const char *p = tr->o.interviewers;
    for (;;) {
      const char *c = strchr(p, ',');
      size_t len = c ? (size_t)(c - p) : strlen(p);
      while (len && is_space(*p)) p++, len--;
      while (len && is_space(p[len - 1])) len--;
      if (len && name_eq(p, len, label, n)) return ROLE_INTERVIEWER;
      if (!c) break;
      p = c + 1;
    }
    return ROLE_RESPONDENT;
  }
  size_t m = n; /* "Interviewer 2", "I1" */
  while (m > 1 && is_digit(label[m - 1])) m--;
  while (m > 1 && is_space(label[m - 1])) m--;
  for (size_t k = 0; k < sizeof interviewer_names / sizeof *interviewer_names; k++) {
    size_t kl = strlen(interviewer_names[k]);
    if (name_eq(label, n, interviewer_names[k], kl) || name_eq(label, m, interviewer_names[k], kl))
      return ROLE_INTERVIEWER;
  }
  return ROLE_RESPONDENT;
}

/* ---- the interview being read ---- */

static void warn(vb__tr *tr, int severity, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static void warn(vb__tr *tr, int severity, long line, const char *fmt, ...) {
  if (!tr->o.problem) return;
  char b[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(b, sizeof b, fmt, ap);
  va_end(ap);
  tr->o.problem(tr->o.ctx, severity, line, b);
}

int vb__tr_new(const vb__tr_options *o, vb__tr **out) {
  vb__tr *tr = vb__calloc(1, sizeof *tr);
  if (!tr) return VB_ENOMEM;
  tr->o = *o;
  if (!tr->o.max_interview) tr->o.max_interview = VB__TR_MAX_INTERVIEW;
  if (!tr->o.max_text) tr->o.max_text = SIZE_MAX;
  const char *name = o->name ? o->name : "";
  const char *slash = strrchr(name, '/');
  const char *b = slash ? slash + 1 : name;
  const char *dot = strrchr(b, '.');
  size_t bl = dot && dot > b ? (size_t)(dot - b) : strlen(b);
  if (!*b || !strcmp(name, "<stdin>")) b = "interview", bl = 9;
  if (vb__buf_append(&tr->base, b, bl) || vb__buf_append(&tr->id, b, bl)) {
    vb__tr_free(tr);
    return VB_ENOMEM;
  }
  *out = tr;
  return VB_OK;
}

void vb__tr_free(vb__tr *tr) {
  if (!tr) return;
  vb__buf_free(&tr->base);
  vb__buf_free(&tr->id);
  vb__buf_free(&tr->meta);
  vb__buf_free(&tr->bytes);
  vb__buf_free(&tr->pending_time);
  vb__buf_free(&tr->joined);
  vb__buf_free(&tr->scratch);
  vb__buf_free(&tr->speakers);
  vb__buf_free(&tr->next_id);
  vb__free(tr->turns);
  vb__free(tr->groups);
  vb__free(tr);
}

/* The interview is complete: its respondents, a warning when no speaker is an interviewer,
 * and its records to give out. */
static int interview_end(vb__tr *tr) {
  if (tr->n_turns == 0) return VB_OK;
  size_t labelled = 0, interviewer = 0, speakers = 0;
  tr->n_groups = 0;
  for (size_t k = 0; k < tr->n_turns; k++) {
    trturn *t = &tr->turns[k];
    if (t->label_len) labelled++;
    if (t->role == ROLE_INTERVIEWER) {
      interviewer++;
      t->group = SIZE_MAX;
      continue;
    }
    size_t g = 0;
    for (; g < tr->n_groups; g++) {
      const trturn *f = &tr->turns[tr->groups[g].first];
      if (f->label_len == t->label_len &&
          !memcmp(tr->bytes.data + f->label_off, tr->bytes.data + t->label_off, t->label_len))
        break;
    }
    if (g == tr->n_groups) {
      if (vb__grow(&tr->groups, &tr->cap_groups, g + 1, sizeof *tr->groups)) return VB_ENOMEM;
      tr->groups[g] = (trgroup){k, 0};
      tr->n_groups++;
      if (t->label_len) speakers++;
    }
    tr->groups[g].n_turns++;
    t->group = g;
  }
  if (!tr->split) {
    if (labelled == 0) {
      warn(tr, VB_PROBLEM_WARNING, tr->line,
           "interview '%s': no speaker labels ('NAME: text' at the start of a line): read as "
           "one text by no one; is this a transcript?", tr->id.data);
    } else if (interviewer == 0 && speakers >= 2) {
      vb__buf names = {0};
      for (size_t g = 0; g < tr->n_groups && names.len < 120; g++) {
        const trturn *f = &tr->turns[tr->groups[g].first];
        if (f->label_len)
          vb__buf_printf(&names, "%s'%.*s'", names.len ? ", " : "", (int)f->label_len,
                         tr->bytes.data + f->label_off);
      }
      warn(tr, VB_PROBLEM_WARNING, tr->line,
           "interview '%s': no speaker is an interviewer by name (speakers %s): every turn is "
           "read as a respondent's; --interviewer NAME names the interviewer",
           tr->id.data, names.data ? names.data : "");
      vb__buf_free(&names);
    }
  }
  tr->ready = true;
  tr->next = 0;
  return VB_OK;
}

/* Clears the interview given out, for the next (`keep`: the same interview goes on after a
 * part given out: its id, fields and the number of its turns stay). */
static void interview_reset(vb__tr *tr, bool keep) {
  tr->bytes.len = 0;
  tr->speakers_set = false;
  tr->n_turns = 0;
  tr->n_groups = 0;
  tr->ready = false;
  if (keep) return;
  tr->meta.len = 0;
  tr->warned_unlabelled = tr->split = false;
}

static trturn *turn_new(vb__tr *tr, const char *s, const vb__trline *l, long lineno) {
  if (vb__grow(&tr->turns, &tr->cap_turns, tr->n_turns + 1, sizeof *tr->turns) || !tr->turns)
    return NULL;
  trturn *t = &tr->turns[tr->n_turns++];
  memset(t, 0, sizeof *t);
  t->line = t->line_end = lineno;
  t->label_off = tr->bytes.len;
  t->label_len = l->label_len;
  if (vb__buf_append(&tr->bytes, s + l->label_off, l->label_len)) return NULL;
  t->time_off = tr->bytes.len;
  if (l->time_len) {
    t->time_len = l->time_len;
    if (vb__buf_append(&tr->bytes, s + l->time_off, l->time_len)) return NULL;
  } else if (tr->pending_time.len) {
    t->time_len = tr->pending_time.len;
    if (vb__buf_append(&tr->bytes, tr->pending_time.data, tr->pending_time.len)) return NULL;
  }
  tr->pending_time.len = 0;
  t->text_off = tr->bytes.len;
  t->role = role_of(tr, s + l->label_off, l->label_len);
  return t;
}

/* Appends text to the last turn (a line break before it unless it is the first). WebVTT
 * text loses its tags (<i>, <c.yellow>, </v>). A turn longer than the limit keeps no more:
 * its record is an error, and memory stays bounded. */
static int turn_text(vb__tr *tr, trturn *t, const char *s, size_t n) {
  if (n == 0 || t->error) return VB_OK;
  if (t->text_len + n + 1 > tr->o.max_text) {
    t->error = VB__TR_ERR_BIG;
    return VB_OK;
  }
  if (t->text_len && vb__buf_putc(&tr->bytes, '\n')) return VB_ENOMEM;
  size_t before = tr->bytes.len;
  if (!tr->vtt) {
    if (vb__buf_append(&tr->bytes, s, n)) return VB_ENOMEM;
  } else {
    for (size_t i = 0; i < n;) {
      const char *lt = memchr(s + i, '<', n - i);
      size_t e = lt ? (size_t)(lt - s) : n;
      if (vb__buf_append(&tr->bytes, s + i, e - i)) return VB_ENOMEM;
      if (!lt) break;
      const char *gt = memchr(lt, '>', n - e);
      i = gt ? (size_t)(gt - s) + 1 : n;
    }
  }
  t->text_len += tr->bytes.len - before + (t->text_len ? 1 : 0);
  return VB_OK;
}

/* Fields "# key: value, key: value" of the interview. */
static int meta_add(vb__tr *tr, const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    i = skip_spaces(s, n, i);
    size_t k = i;
    while (k < n && !is_space(s[k]) && s[k] != ':' && s[k] != ',') k++;
    if (k == i || k >= n || s[k] != ':') return VB_OK; /* (no key: the rest is a comment) */
    size_t v = skip_spaces(s, n, k + 1), e = v;
    /* the value ends at a comma that begins the next "key:" */
    for (; e < n; e++) {
      if (s[e] != ',') continue;
      size_t a = skip_spaces(s, n, e + 1), b = a;
      while (b < n && !is_space(s[b]) && s[b] != ':' && s[b] != ',') b++;
      if (b > a && b < n && s[b] == ':') break;
    }
    size_t ve = e;
    while (ve > v && is_space(s[ve - 1])) ve--;
    if (vb__buf_append(&tr->meta, s + i, k - i) || vb__buf_putc(&tr->meta, '\0') ||
        vb__buf_append(&tr->meta, s + v, ve - v) || vb__buf_putc(&tr->meta, '\0'))
      return VB_ENOMEM;
    i = e < n ? e + 1 : n;
  }
  return VB_OK;
}

int vb__tr_line(vb__tr *tr, const char *s, size_t n, long lineno, size_t bad, bool too_long) {
  if (tr->ready) return VB_EINVAL; /* (the caller gives out the records first) */
  if (lineno == 1 && n >= 6 && memcmp(s, "WEBVTT", 6) == 0 &&
      (n == 6 || is_space(s[6]) || s[6] == '-')) {
    tr->vtt = true;
    return VB_OK;
  }
  trturn *last = tr->n_turns ? &tr->turns[tr->n_turns - 1] : NULL;
  if (too_long) { /* its record is an error; the line is not read */
    if (!last && !(last = turn_new(tr, s, &(vb__trline){0}, lineno))) return VB_ENOMEM;
    last->error = VB__TR_ERR_LINE;
    last->line_end = lineno;
    return VB_OK;
  }
  vb__trline l;
  vb__tr_classify(s, n, tr->vtt, &l);
  if (tr->vtt) { /* cue numbers, NOTE / STYLE / REGION blocks */
    if (l.kind == VB__TL_BLANK) tr->vtt_skip = false;
    if (tr->vtt_skip) return VB_OK;
    const char *w = s + l.text_off;
    if (l.kind == VB__TL_TEXT && ((l.text_len >= 4 && !memcmp(w, "NOTE", 4)) ||
                                  (l.text_len >= 5 && !memcmp(w, "STYLE", 5)) ||
                                  (l.text_len >= 6 && !memcmp(w, "REGION", 6)))) {
      tr->vtt_skip = true;
      return VB_OK;
    }
    size_t d = 0;
    while (d < l.text_len && is_digit(w[d])) d++;
    if (l.kind == VB__TL_TEXT && d == l.text_len) return VB_OK;
  }
  switch (l.kind) {
  case VB__TL_BLANK:
  case VB__TL_COMMENT:
    return VB_OK;
  case VB__TL_TIME:
    tr->pending_time.len = 0;
    return vb__buf_append(&tr->pending_time, s + l.time_off, l.time_len);
  case VB__TL_META:
    return meta_add(tr, s + l.text_off, l.text_len);
  case VB__TL_HEADER: {
    tr->n_headers++;
    int rc = interview_end(tr);
    if (rc) return rc;
    /* (no turns before it: the fields above the header are its interview's) */
    tr->line = lineno;
    tr->pending_time.len = 0;
    /* the id takes effect once the interview before is given out (vb__tr_next) */
    vb__buf *id = tr->ready ? &tr->next_id : &tr->id;
    tr->header_pending = tr->ready;
    id->len = 0;
    if (l.text_len == 0) return vb__buf_printf(id, "%s-%d", tr->base.data, tr->n_headers);
    return vb__buf_append(id, s + l.text_off, l.text_len);
  }
  default:
    break;
  }
  if (tr->n_turns == 0 && tr->line == 0) tr->line = lineno;
  if (l.kind == VB__TL_TURN) {
    const char *label = s + l.label_off;
    bool same = last && last->label_len == l.label_len && last->label_len &&
                !memcmp(tr->bytes.data + last->label_off, label, l.label_len);
    if (!same && tr->bytes.len > tr->o.max_interview) {
      /* a long interview is given out in parts, at a turn: this line again after them */
      if (!tr->warned_split)
        warn(tr, VB_PROBLEM_WARNING, lineno,
             "interview '%s' is longer than %u MB: given out in parts (in each, a respondent's "
             "turns are a record of their own), and fields given after this line do not reach "
             "the turns before it", tr->id.data, (unsigned)(tr->o.max_interview >> 20));
      tr->warned_split = true;
      int rc = interview_end(tr);
      if (rc) return rc;
      tr->split = true;
      return VB__TR_AGAIN;
    }
    if (!same && !(last = turn_new(tr, s, &l, lineno))) return VB_ENOMEM;
  } else if (!last) { /* text before the first label */
    if (!tr->warned_unlabelled && tr->o.problem) {
      tr->warned_unlabelled = true;
      warn(tr, VB_PROBLEM_WARNING, lineno,
           "text before the first speaker label: read as a turn by no speaker (role 'unknown')");
    }
    if (!(last = turn_new(tr, s, &(vb__trline){0}, lineno))) return VB_ENOMEM;
  }
  last->line_end = lineno;
  last->bad += bad;
  return turn_text(tr, last, s + l.text_off, l.text_len);
}

int vb__tr_finish(vb__tr *tr) {
  if (tr->ready) return VB_EINVAL;
  return interview_end(tr);
}

/* ---- giving out ---- */

int vb__tr_next(vb__tr *tr, vb__trrec *rec) {
  if (!tr->ready) return 0;
  size_t count = tr->o.unit == VB__TR_TURNS ? tr->n_turns : tr->n_groups;
  if (tr->next >= count) { /* given out: on to the one whose header came, or the next part */
    bool keep = tr->split && !tr->header_pending;
    tr->turn_base = keep ? tr->turn_base + tr->n_turns : 0;
    interview_reset(tr, keep);
    if (tr->header_pending) {
      tr->id.len = 0;
      if (vb__buf_append(&tr->id, tr->next_id.data, tr->next_id.len)) return VB_ENOMEM;
      tr->header_pending = false;
    }
    return 0;
  }
  tr->cur = tr->next++;
  memset(rec, 0, sizeof *rec);
  if (tr->o.unit == VB__TR_TURNS) {
    const trturn *t = &tr->turns[tr->cur];
    rec->line = t->line;
    rec->line_end = t->line_end;
    rec->bad = t->bad;
    rec->error = t->error;
    rec->text = tr->bytes.data + t->text_off;
    rec->text_len = t->text_len;
    return 1;
  }
  /* a respondent: their turns joined by a blank line (a sentence never runs across turns) */
  const trgroup *g = &tr->groups[tr->cur];
  tr->joined.len = 0;
  if (vb__buf_append(&tr->joined, "", 0)) return VB_ENOMEM;
  rec->line = tr->turns[g->first].line;
  for (size_t k = g->first, seen = 0; k < tr->n_turns && seen < g->n_turns; k++) {
    const trturn *t = &tr->turns[k];
    if (t->group != tr->cur) continue;
    if (seen++ && vb__buf_append(&tr->joined, "\n\n", 2)) return VB_ENOMEM;
    if (vb__buf_append(&tr->joined, tr->bytes.data + t->text_off, t->text_len)) return VB_ENOMEM;
    rec->line_end = t->line_end;
    rec->bad += t->bad;
    if (!rec->error) rec->error = t->error;
  }
  rec->text = tr->joined.data;
  rec->text_len = tr->joined.len;
  return 1;
}

/* The interview's speaker labels (of the part being given out), each once, a line each. */
static int speakers_list(vb__tr *tr) {
  vb__buf *b = &tr->speakers;
  b->len = 0;
  for (size_t k = 0; k < tr->n_turns; k++) {
    const trturn *u = &tr->turns[k];
    const char *lb = tr->bytes.data + u->label_off;
    bool seen = !u->label_len;
    for (size_t i = 0; i < b->len && !seen;) { /* (the labels so far: few) */
      const char *e = memchr(b->data + i, '\n', b->len - i);
      size_t n = e ? (size_t)(e - (b->data + i)) : b->len - i;
      seen = n == u->label_len && !memcmp(b->data + i, lb, n);
      i += n + 1;
    }
    if (!seen && ((b->len && vb__buf_putc(b, '\n')) || vb__buf_append(b, lb, u->label_len)))
      return VB_ENOMEM;
  }
  tr->speakers_set = true;
  return VB_OK;
}

static const char *meta_get(const vb__tr *tr, const char *name, size_t *len) {
  for (size_t i = 0; i < tr->meta.len;) {
    const char *k = tr->meta.data + i;
    size_t kl = strlen(k);
    const char *v = k + kl + 1;
    size_t vl = strlen(v);
    if (vb__strieq(k, name)) {
      *len = vl;
      return v;
    }
    i += kl + vl + 2;
  }
  return NULL;
}

const char *vb__tr_meta(const vb__tr *tr, size_t *len) {
  *len = tr->meta.len;
  return tr->meta.data;
}

int vb__tr_get(vb__tr *tr, const char *name, const char **val, size_t *len) {
  bool turns = tr->o.unit == VB__TR_TURNS;
  const trturn *t = turns ? &tr->turns[tr->cur] : &tr->turns[tr->groups[tr->cur].first];
  const char *label = tr->bytes.data + t->label_off;
  size_t number = tr->turn_base + (size_t)(t - tr->turns) + 1; /* (its first turn's) */
  /* a respondent's own id: the interview's, and the speaker's when it has several */
  bool own = t->role != ROLE_INTERVIEWER && tr->n_groups > 1 && t->label_len;
  *val = NULL;
  *len = 0;
  tr->scratch.len = 0;
  int rc = VB_OK;
  if (!strcmp(name, "id")) {
    if (turns) rc = vb__buf_printf(&tr->scratch, "%s:%zu", tr->id.data, number);
    else if (own)
      rc = vb__buf_printf(&tr->scratch, "%s/%.*s", tr->id.data, (int)t->label_len, label);
    else rc = vb__buf_append(&tr->scratch, tr->id.data, tr->id.len);
  } else if (!strcmp(name, "interview")) {
    *val = tr->id.data;
    *len = tr->id.len;
  } else if (!strcmp(name, "speaker")) {
    *val = t->label_len ? label : NULL;
    *len = t->label_len;
  } else if (!strcmp(name, "role")) {
    *val = role_names[t->role];
    *len = strlen(*val);
  } else if (!strcmp(name, "time")) {
    *val = t->time_len ? tr->bytes.data + t->time_off : NULL;
    *len = t->time_len;
  } else if (!strcmp(name, "speakers")) {
    if (!tr->speakers_set && (rc = speakers_list(tr))) return rc;
    *val = tr->speakers.len ? tr->speakers.data : NULL;
    *len = tr->speakers.len;
  } else if (!strcmp(name, "turn")) {
    rc = vb__buf_printf(&tr->scratch, "%zu", number);
  } else if (!strcmp(name, "turns")) {
    rc = vb__buf_printf(&tr->scratch, "%zu", turns ? (size_t)1 : tr->groups[tr->cur].n_turns);
  } else if (!strcmp(name, "line")) {
    rc = vb__buf_printf(&tr->scratch, "%ld", t->line);
  } else if ((*val = meta_get(tr, name, len)) != NULL) {
    /* a field of the interview */
  } else if (!strcmp(name, "respondent") && t->role != ROLE_INTERVIEWER) {
    /* none given: the interview, and the speaker when it has several respondents */
    if (own) rc = vb__buf_printf(&tr->scratch, "%s/%.*s", tr->id.data, (int)t->label_len, label);
    else rc = vb__buf_append(&tr->scratch, tr->id.data, tr->id.len);
  }
  if (rc) return rc;
  if (tr->scratch.len) {
    *val = tr->scratch.data;
    *len = tr->scratch.len;
  }
  return VB_OK;
}
