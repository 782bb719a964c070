/*
 * test_transcript.c - interview transcripts: what each kind of line is (speaker labels in the
 * shapes people and transcription services write them, timestamps, headers, fields, WebVTT),
 * and transcripts read through vb_reader: turns and their fields, whose turn it is, the unit
 * "respondent", fields given after the turns, several interviews, and the warnings.
 */
#define _POSIX_C_SOURCE 200809L
#include "vb_test.h"

#include <stdio.h>
#include <stdlib.h>

#include "verbatim.h"
#include "vb_internal.h"

/* ---- lines ---- */

typedef struct {
  const char *line;
  int kind;
  const char *label, *time, *text;
} line_case;

static void check_line(const line_case *c) {
  vb__trline l;
  size_t n = strlen(c->line);
  vb__tr_classify(c->line, n, false, &l);
  if (l.kind != c->kind) fail_msg("'%s': kind %d, expected %d", c->line, l.kind, c->kind);
  char got[128];
  if (c->label) {
    snprintf(got, sizeof got, "%.*s", (int)l.label_len, c->line + l.label_off);
    if (strcmp(got, c->label)) fail_msg("'%s': label '%s', expected '%s'", c->line, got, c->label);
  }
  if (c->time) {
    snprintf(got, sizeof got, "%.*s", (int)l.time_len, c->line + l.time_off);
    if (strcmp(got, c->time)) fail_msg("'%s': time '%s', expected '%s'", c->line, got, c->time);
  }
  if (c->text) {
    snprintf(got, sizeof got, "%.*s", (int)l.text_len, c->line + l.text_off);
    if (strcmp(got, c->text)) fail_msg("'%s': text '%s', expected '%s'", c->line, got, c->text);
  }
}

static void test_turn_lines(void **state) {
  (void)state;
  static const line_case cases[] = {
      {"I: How were the deliveries?", VB__TL_TURN, "I", "", "How were the deliveries?"},
      {"R:   Late.  ", VB__TL_TURN, "R", "", "Late."},
      {"Interviewer 2: And then?", VB__TL_TURN, "Interviewer 2", "", "And then?"},
      {"Anna Berg: I love the app", VB__TL_TURN, "Anna Berg", "", "I love the app"},
      {"Dr. Cohen: Yes", VB__TL_TURN, "Dr. Cohen", "", "Yes"},
      {"P01: ok", VB__TL_TURN, "P01", "", "ok"},
      {"מראיין: איך היה המשלוח?", VB__TL_TURN, "מראיין", "", "איך היה המשלוח?"},
      {"Intervjuare:", VB__TL_TURN, "Intervjuare", "", ""},
      {"[00:12:03] Anna Berg: hej", VB__TL_TURN, "Anna Berg", "00:12:03", "hej"},
      {"(12:03) Bo: hej", VB__TL_TURN, "Bo", "12:03", "hej"},
      {"00:01:02.500 Bo: hej", VB__TL_TURN, "Bo", "00:01:02.500", "hej"},
      {"Bo (00:00:40):", VB__TL_TURN, "Bo", "00:00:40", ""},
      {"Bo [00:00:40]: and so", VB__TL_TURN, "Bo", "00:00:40", "and so"},
      {"Speaker 1  0:03", VB__TL_TURN, "Speaker 1", "0:03", ""},
      {"Anna Maria von Berg: hi", VB__TL_TEXT, NULL, NULL, NULL}, /* a lower-case word */
      {"So basically: it broke", VB__TL_TEXT, NULL, NULL, "So basically: it broke"},
      {"It was late: again", VB__TL_TEXT, NULL, NULL, NULL},
      {"Well, honestly: bad", VB__TL_TEXT, NULL, NULL, NULL},
      {"We met at 10:30 and talked", VB__TL_TEXT, NULL, NULL, NULL},
      {"10:30 we met", VB__TL_TEXT, NULL, "", "10:30 we met"},  /* (the words' own time) */
      {"10:30 Anna: hi", VB__TL_TURN, "Anna", "10:30", "hi"},
      {"00:10:30 and then", VB__TL_TEXT, NULL, "00:10:30", "and then"},
      {"[10:30] and then", VB__TL_TEXT, NULL, "10:30", "and then"},
      {"see http://lumo.example/help", VB__TL_TEXT, NULL, NULL, NULL},
      {"http: //x", VB__TL_TURN, "http", "", "//x"},
      {"1: the first point", VB__TL_TEXT, NULL, NULL, NULL},
      {"One two three four five: no", VB__TL_TEXT, NULL, NULL, NULL},
      {"\"Quote\": no", VB__TL_TEXT, NULL, NULL, NULL},
      {"  and a line that goes on", VB__TL_TEXT, NULL, NULL, "and a line that goes on"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_line(&cases[i]);
}

static void test_other_lines(void **state) {
  (void)state;
  static const line_case cases[] = {
      {"", VB__TL_BLANK, NULL, NULL, NULL},
      {"   \t ", VB__TL_BLANK, NULL, NULL, NULL},
      {"## en-1", VB__TL_HEADER, NULL, NULL, "en-1"},
      {"### Interview 3 ", VB__TL_HEADER, NULL, NULL, "Interview 3"},
      {"# respondent: R1, date: 2026-10-21", VB__TL_META, NULL, NULL,
       "respondent: R1, date: 2026-10-21"},
      {"# recorded by phone", VB__TL_COMMENT, NULL, NULL, NULL},
      {"#url: http://x", VB__TL_META, NULL, NULL, NULL},
      {"[00:01:02]", VB__TL_TIME, NULL, "00:01:02", NULL},
      {"00:00:01.000 --> 00:00:04.000", VB__TL_TIME, NULL, "00:00:01.000", NULL},
      {"00:00:01.000 --> 00:00:04.000 align:start position:10%", VB__TL_TIME, NULL,
       "00:00:01.000", NULL},
      {"[00:01:02", VB__TL_TEXT, NULL, NULL, NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_line(&cases[i]);
  /* a WebVTT voice tag */
  vb__trline l;
  const char *v = "<v Sara Lind>It arrived broken.</v>";
  vb__tr_classify(v, strlen(v), true, &l);
  assert_int_equal(l.kind, VB__TL_TURN);
  assert_int_equal(l.label_len, 9);
  assert_memory_equal(v + l.label_off, "Sara Lind", 9);
  assert_string_equal(v + l.text_off, "It arrived broken.</v>");
}

/* ---- through the reader ---- */

typedef struct {
  FILE *fp;
  vb_reader *rd;
  char probs[8][400];
  long prob_line[8];
  int prob_sev[8];
  size_t n_probs;
  int h[12];
} ctx;

static void on_problem(void *p, int severity, const vb_error *e) {
  ctx *c = p;
  if (c->n_probs >= 8) return;
  snprintf(c->probs[c->n_probs], sizeof c->probs[0], "%s", e->message);
  c->prob_line[c->n_probs] = e->line;
  c->prob_sev[c->n_probs++] = severity;
}

static const char *const names[] = {"text", "id", "interview", "speaker", "role", "turn",
                                    "turns", "time", "respondent", "date", "nps", "line"};
enum { F_TEXT, F_ID, F_INTERVIEW, F_SPEAKER, F_ROLE, F_TURN, F_TURNS, F_TIME, F_RESP, F_DATE,
       F_NPS, F_LINE, F_N };

static void open_tr(ctx *c, const char *data, const char *name, int unit,
                    const char *interviewers, size_t max_field) {
  memset(c, 0, sizeof *c);
  c->fp = fmemopen((void *)(uintptr_t)data, strlen(data), "r");
  assert_non_null(c->fp);
  vb_reader_options o = {0};
  o.name = name;
  o.unit = unit;
  o.interviewers = interviewers;
  o.max_field = max_field;
  /* the format from the name (.vtt), or given */
  o.format = vb_format_from_name(name) == VB_FORMAT_TRANSCRIPT ? VB_FORMAT_AUTO
                                                               : VB_FORMAT_TRANSCRIPT;
  assert_int_equal(vb_reader_new(c->fp, &o, on_problem, c, &c->rd, NULL), VB_OK);
  assert_int_equal(vb_reader_format(c->rd), VB_FORMAT_TRANSCRIPT);
  for (int k = 0; k < F_N; k++) {
    c->h[k] = vb_reader_field(c->rd, names[k], NULL);
    assert_true(c->h[k] >= 0);
  }
}

static void close_tr(ctx *c) {
  vb_reader_free(c->rd);
  fclose(c->fp);
}

/* Reads the next record and checks "field=value|field=value" ("field=" : absent). */
static void next_is(ctx *c, long line, long line_end, const char *want, int ln) {
  const vb_record *r;
  int rc = vb_reader_next(c->rd, &r);
  if (rc != 1) fail_msg("line %d: no record (rc %d)", ln, rc);
  if (r->line != line || r->line_end != line_end)
    fail_msg("line %d: lines %ld-%ld, expected %ld-%ld", ln, r->line, r->line_end, line, line_end);
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", want);
  for (char *save = NULL, *part = strtok_r(buf, "|", &save); part;
       part = strtok_r(NULL, "|", &save)) {
    char *eq = strchr(part, '=');
    assert_non_null(eq);
    *eq = '\0';
    int k = 0;
    while (k < F_N && strcmp(names[k], part)) k++;
    assert_true(k < F_N);
    size_t n;
    const char *v = vb_reader_get(c->rd, c->h[k], &n);
    if (!eq[1]) {
      if (v) fail_msg("line %d: %s is '%.*s', expected none", ln, part, (int)n, v);
      continue;
    }
    if (!v || n != strlen(eq + 1) || memcmp(v, eq + 1, n))
      fail_msg("line %d: %s is '%.*s', expected '%s'", ln, part, v ? (int)n : 6, v ? v : "(none)",
               eq + 1);
  }
}
#define NEXT(c, l, le, want) next_is((c), (l), (le), (want), __LINE__)

static void no_more(ctx *c) {
  const vb_record *r;
  assert_int_equal(vb_reader_next(c->rd, &r), 0);
  assert_int_equal(vb_reader_next(c->rd, &r), 0);
}

static const char two_interviews[] =
    "## t-1\n"                                                   /* 1 */
    "I: How has the delivery been?\n"                            /* 2 */
    "R: Late, every time.\n"                                     /* 3 */
    "And nobody answered the phone.\n"                           /* 4 */
    "\n"                                                         /* 5 */
    "I: Anything good?\n"                                        /* 6 */
    "R: The prices are fine.\n"                                  /* 7 */
    "# respondent: R1, nps: 2, date: 2026-10-02\n"               /* 8 */
    "## t-2\n"                                                   /* 9 */
    "# nps: 9\n"                                                 /* 10 */
    "[00:00:05] Moderator: What do you think of the app?\n"      /* 11 */
    "[00:00:12] Anna: I love the app.\n"                         /* 12 */
    "Bo (00:00:20):\n"                                           /* 13 */
    "It keeps crashing, my name: Bo.\n"                          /* 14 */
    "Moderator: And support?\n"                                  /* 15 */
    "Anna  0:52\n"                                               /* 16 */
    "Never tried them.\n";                                       /* 17 */

static void test_turns(void **state) {
  (void)state;
  ctx c;
  open_tr(&c, two_interviews, "study/interviews.txt", VB_UNIT_TURN, NULL, 0);
  /* the fields given after the turns are the interview's */
  NEXT(&c, 2, 2, "text=How has the delivery been?|id=t-1:1|interview=t-1|speaker=I|"
                 "role=interviewer|turn=1|turns=1|time=|respondent=R1|nps=2|date=2026-10-02|"
                 "line=2");
  NEXT(&c, 3, 4, "text=Late, every time.\nAnd nobody answered the phone.|id=t-1:2|speaker=R|"
                 "role=respondent|turn=2|respondent=R1|nps=2");
  NEXT(&c, 6, 6, "id=t-1:3|role=interviewer");
  NEXT(&c, 7, 7, "text=The prices are fine.|id=t-1:4|role=respondent");
  /* the second: two respondents, no respondent field: the interview and the speaker */
  NEXT(&c, 11, 11, "id=t-2:1|interview=t-2|speaker=Moderator|role=interviewer|time=00:00:05|"
                   "nps=9|date=|respondent=");
  NEXT(&c, 12, 12, "text=I love the app.|speaker=Anna|role=respondent|time=00:00:12|"
                   "respondent=t-2/Anna");
  NEXT(&c, 13, 14, "text=It keeps crashing, my name: Bo.|speaker=Bo|time=00:00:20|"
                   "respondent=t-2/Bo");
  NEXT(&c, 15, 15, "speaker=Moderator|time=|id=t-2:4");
  NEXT(&c, 16, 17, "text=Never tried them.|speaker=Anna|time=0:52|id=t-2:5|turn=5");
  no_more(&c);
  assert_int_equal(c.n_probs, 0);
  close_tr(&c);
}

static void test_respondents(void **state) {
  (void)state;
  ctx c;
  open_tr(&c, two_interviews, "interviews.txt", VB_UNIT_RESPONDENT, NULL, 0);
  NEXT(&c, 3, 7, "text=Late, every time.\nAnd nobody answered the phone.\n\nThe prices are fine.|"
                 "id=t-1|speaker=R|role=respondent|turn=2|turns=2|respondent=R1|nps=2");
  NEXT(&c, 12, 17, "text=I love the app.\n\nNever tried them.|id=t-2/Anna|turn=2|turns=2|"
                   "respondent=t-2/Anna|nps=9");
  NEXT(&c, 13, 14, "text=It keeps crashing, my name: Bo.|id=t-2/Bo|turn=3|turns=1");
  no_more(&c);
  close_tr(&c);
}

static void test_interviewer_names(void **state) {
  (void)state;
  /* the caller's names replace the defaults, matched whole */
  ctx c;
  open_tr(&c, "Speaker 1: Hello?\nSpeaker 2: Hi.\nI: me\n", "call.txt", VB_UNIT_TURN,
          "speaker 1, Someone", 0);
  NEXT(&c, 1, 1, "role=interviewer|interview=call|id=call:1");
  NEXT(&c, 2, 2, "role=respondent|respondent=call/Speaker 2");
  NEXT(&c, 3, 3, "role=respondent|speaker=I");
  no_more(&c);
  assert_int_equal(c.n_probs, 0);
  close_tr(&c);
  /* the defaults in the four languages, with a number */
  static const char *const interviewers[] = {"Interviewer 2", "int", "Moderator", "Q",
                                             "Intervjuaren", "Intervieweren", "מראיינת", "ש"};
  static const char *const respondents[] = {"R", "Respondent", "Anna", "ת", "Speaker 1", "P1"};
  for (size_t k = 0; k < 8 + 6; k++) {
    const char *who = k < 8 ? interviewers[k] : respondents[k - 8];
    char doc[128];
    snprintf(doc, sizeof doc, "%s: some words\n", who);
    open_tr(&c, doc, "x.txt", VB_UNIT_TURN, NULL, 0);
    char want[64];
    snprintf(want, sizeof want, "role=%s", k < 8 ? "interviewer" : "respondent");
    NEXT(&c, 1, 1, want);
    close_tr(&c);
  }
}

static void test_warnings(void **state) {
  (void)state;
  ctx c;
  /* no interviewer by name among several speakers */
  open_tr(&c, "Anna: hi\nBo: hello\n", "x.txt", VB_UNIT_TURN, NULL, 0);
  NEXT(&c, 1, 1, "role=respondent");
  assert_int_equal(c.n_probs, 1);
  assert_int_equal(c.prob_sev[0], VB_PROBLEM_WARNING);
  assert_non_null(
      strstr(c.probs[0], "no speaker is an interviewer by name (speakers 'Anna', 'Bo')"));
  assert_non_null(strstr(c.probs[0], "--interviewer NAME"));
  close_tr(&c);
  /* text before the first label; then no labels at all */
  open_tr(&c, "Notes from the call\nI: hi\nR: hello\n", "x.txt", VB_UNIT_TURN, NULL, 0);
  NEXT(&c, 1, 1, "text=Notes from the call|role=unknown|speaker=|respondent=x|id=x:1");
  NEXT(&c, 2, 2, "role=interviewer");
  NEXT(&c, 3, 3, "role=respondent|respondent=x/R");
  assert_int_equal(c.n_probs, 1);
  assert_int_equal(c.prob_line[0], 1);
  assert_non_null(strstr(c.probs[0], "text before the first speaker label"));
  close_tr(&c);
  open_tr(&c, "just a text\nwith two lines\n", "x.txt", VB_UNIT_RESPONDENT, NULL, 0);
  NEXT(&c, 1, 2, "text=just a text\nwith two lines|role=unknown|id=x");
  no_more(&c);
  assert_int_equal(c.n_probs, 2);
  assert_non_null(strstr(c.probs[1], "no speaker labels"));
  close_tr(&c);
}

static void test_long_turn_is_an_error(void **state) {
  (void)state;
  ctx c;
  /* a turn longer than the field limit: kept as an error record, the next one read */
  open_tr(&c, "I: q\nR: 0123456789 0123456789 0123456789\nI: next\n", "x.txt", VB_UNIT_TURN,
          NULL, 16);
  NEXT(&c, 1, 1, "text=q");
  const vb_record *r;
  assert_int_equal(vb_reader_next(c.rd, &r), 1);
  assert_int_equal(r->error, VB_ELIMIT);
  assert_int_equal(r->line, 2);
  NEXT(&c, 3, 3, "text=next|turn=3");
  no_more(&c);
  assert_int_equal(c.n_probs, 1);
  assert_int_equal(c.prob_sev[0], VB_PROBLEM_ERROR);
  close_tr(&c);
}

/* A long interview is given out in parts, at a turn: the turns keep their numbers, and the
 * line that ended a part is read again. Through vb__tr itself, with a small limit. */
static void feed(vb__tr *tr, const char *line, long lineno, vb__trrec *out, size_t *n_out,
                 char ids[][32]) {
  int rc = vb__tr_line(tr, line, strlen(line), lineno, 0, false);
  for (;;) {
    assert_true(rc == VB_OK || rc == VB__TR_AGAIN);
    vb__trrec r;
    while (vb__tr_next(tr, &r) == 1) {
      const char *v;
      size_t n;
      assert_int_equal(vb__tr_get(tr, "id", &v, &n), VB_OK);
      snprintf(ids[*n_out], 32, "%.*s", (int)n, v);
      out[(*n_out)++] = r;
    }
    if (rc != VB__TR_AGAIN) break;
    rc = vb__tr_line(tr, line, strlen(line), lineno, 0, false);
  }
}

static void test_long_interview_in_parts(void **state) {
  (void)state;
  static const char *const lines[] = {"## long", "I: one two three", "R: four five six",
                                      "seven", "I: eight", "R: nine", "# respondent: X"};
  for (int unit = 0; unit < 2; unit++) {
    vb__tr_options o = {"x.txt", 0, NULL, unit, NULL, NULL, 24};
    vb__tr *tr;
    assert_int_equal(vb__tr_new(&o, &tr), VB_OK);
    vb__trrec recs[8];
    char ids[8][32];
    size_t n = 0;
    for (long k = 0; k < 7; k++) feed(tr, lines[k], k + 1, recs, &n, ids);
    assert_int_equal(vb__tr_finish(tr), VB_OK);
    vb__trrec r;
    while (vb__tr_next(tr, &r) == 1) {
      const char *v;
      size_t len;
      assert_int_equal(vb__tr_get(tr, "id", &v, &len), VB_OK);
      snprintf(ids[n], 32, "%.*s", (int)len, v);
      recs[n++] = r;
    }
    if (unit == VB__TR_TURNS) {
      /* "I: one two three" and "R: four ... seven" hold 27 bytes: the part ends before "I:
       * eight"; the numbers go on */
      assert_int_equal(n, 4);
      assert_string_equal(ids[0], "long:1");
      assert_string_equal(ids[1], "long:2");
      assert_int_equal(recs[1].line, 3);
      assert_int_equal(recs[1].line_end, 4);
      assert_string_equal(ids[2], "long:3");
      assert_int_equal(recs[2].line, 5);
      assert_string_equal(ids[3], "long:4");
    } else {
      /* R is a record in each part */
      assert_int_equal(n, 2);
      assert_int_equal(recs[0].line, 3);
      assert_int_equal(recs[0].line_end, 4);
      assert_int_equal(recs[1].line, 6);
      assert_memory_equal(recs[1].text, "nine", 4);
    }
    vb__tr_free(tr);
  }
}

static void test_webvtt(void **state) {
  (void)state;
  static const char vtt[] =
      "WEBVTT - a call\n"                                  /* 1 */
      "\n"
      "1\n"
      "00:00:01.000 --> 00:00:04.000\n"                    /* 4 */
      "<v Interviewer>How was your order?</v>\n"           /* 5 */
      "\n"
      "2\n"
      "00:00:04.500 --> 00:00:09.000 align:start\n"        /* 8 */
      "<v Sara Lind>It arrived broken.</v>\n"              /* 9 */
      "\n"
      "NOTE a note\n"                                      /* 11 */
      "Bo: not a turn\n"
      "\n"
      "3\n"
      "00:00:09.000 --> 00:00:12.000\n"
      "<v Sara Lind>Otherwise <i>fine</i>.</v>\n"          /* 16 */
      "\n"
      "4\n"
      "00:00:12.000 --> 00:00:15.000\n"
      "Interviewer: Thank you.\n";                         /* 20 */
  ctx c;
  open_tr(&c, vtt, "call.vtt", VB_UNIT_TURN, NULL, 0);
  NEXT(&c, 5, 5, "text=How was your order?|speaker=Interviewer|role=interviewer|time=00:00:01.000");
  NEXT(&c, 9, 16, "text=It arrived broken.\nOtherwise fine.|speaker=Sara Lind|role=respondent|"
                  "time=00:00:04.500|turn=2");
  NEXT(&c, 20, 20, "text=Thank you.|time=00:00:12.000|turn=3");
  no_more(&c);
  assert_int_equal(c.n_probs, 0);
  close_tr(&c);
}

static void test_format_names(void **state) {
  (void)state;
  vb_format f;
  assert_int_equal(vb_format_parse("transcript", &f), VB_OK);
  assert_int_equal(f, VB_FORMAT_TRANSCRIPT);
  assert_int_equal(vb_format_from_name("a/b/call.vtt"), VB_FORMAT_TRANSCRIPT);
  assert_int_equal(vb_format_from_name("interview.txt"), VB_FORMAT_TXT); /* the contract */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_turn_lines),
      cmocka_unit_test(test_other_lines),
      cmocka_unit_test(test_turns),
      cmocka_unit_test(test_respondents),
      cmocka_unit_test(test_interviewer_names),
      cmocka_unit_test(test_warnings),
      cmocka_unit_test(test_long_turn_is_an_error),
      cmocka_unit_test(test_long_interview_in_parts),
      cmocka_unit_test(test_webvtt),
      cmocka_unit_test(test_format_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
