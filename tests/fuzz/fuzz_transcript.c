/* fuzz_transcript.c - interview transcripts (--input-format transcript, .vtt) on arbitrary
 * bytes, read twice: one record a turn, then one a respondent. The first byte picks the
 * interviewer names (the defaults or a list of the caller's), the field limit (16 bytes reach
 * the error path) and whether the turns are also analysed. Checks: every field valid UTF-8;
 * the role one of the three; turns in the order of their lines, none overlapping; the
 * respondents' records hold exactly the turns that are not the interviewer's (their "turns"
 * add up to them), and there are no more of them than of those turns; the read ends cleanly.
 * With the analysed turns, vb_redact too: valid UTF-8 out, the text itself when asked for
 * nothing; and vb_model_redact_labels with names and the interview's speaker labels: valid
 * UTF-8 out, and no name is found again in what it left (placeholders included). (Not every kind: in junk such as "WWW.x0701234567T0",
 * a number replaced can leave a URL that was none before; real text has not shown it.) */
#include "fuzz.h"

#include <strings.h>

static const char *const names[] = {"text", "id", "interview", "speaker", "role", "turn",
                                    "turns", "time", "respondent", "line", "speakers"};
enum { F_TEXT, F_ID, F_INTERVIEW, F_SPEAKER, F_ROLE, F_TURN, F_TURNS, F_TIME, F_RESP, F_LINE,
       F_SPEAKERS, F_N };

/* Reads the transcript with `unit`; returns the records, and in *own the turns that are not
 * the interviewer's (unit turn) or the sum of the respondents' "turns" (unit respondent). */
static long read_transcript(const uint8_t *data, size_t size, vb_reader_options *o, int unit,
                            bool analyse, long *own) {
  o->unit = unit;
  *own = 0;
  FILE *fp = fuzz_stream(data, size);
  if (!fp) return -1;
  vb_reader *rd;
  if (vb_reader_new(fp, o, NULL, NULL, &rd, NULL) != VB_OK) {
    fclose(fp);
    return -1;
  }
  FUZZ_CHECK(vb_reader_format(rd) == VB_FORMAT_TRANSCRIPT);
  int h[F_N];
  for (int k = 0; k < F_N; k++) {
    h[k] = vb_reader_field(rd, names[k], NULL);
    FUZZ_CHECK(h[k] >= 0);
  }
  const vb_model *m = analyse ? fuzz_model() : NULL;
  static vb_analyzer *an;
  if (m && !an && vb_analyzer_new(m, &an) != VB_OK) an = NULL;
  const vb_record *rec;
  long records = 0, last_end = 0;
  int rc;
  while ((rc = vb_reader_next(rd, &rec)) == 1) {
    records++;
    FUZZ_CHECK(rec->line >= 1 && rec->line <= rec->line_end);
    if (unit == VB_UNIT_TURN) { /* turns follow each other down the file */
      FUZZ_CHECK(rec->line > last_end);
      last_end = rec->line_end;
    }
    for (int k = 0; k < F_N; k++) {
      size_t n;
      const char *v = vb_reader_get(rd, h[k], &n);
      if (!v) {
        FUZZ_CHECK(k != F_ID && k != F_INTERVIEW && k != F_ROLE && k != F_TURN && k != F_TEXT);
        continue;
      }
      FUZZ_CHECK(vb_utf8_check(v, n) == n && v[n] == '\0');
    }
    /* the interview's own fields: each name given once (any case), each value as
     * vb_reader_get() gives it by that name */
    const vb_field *f;
    size_t nf;
    FUZZ_CHECK(vb_reader_record_fields(rd, &f, &nf) == VB_OK);
    for (size_t i = 0; i < nf; i++) {
      FUZZ_CHECK(strlen(f[i].name) == f[i].name_len && f[i].value[f[i].value_len] == '\0');
      FUZZ_CHECK(vb_utf8_check(f[i].value, f[i].value_len) == f[i].value_len);
      for (size_t q = 0; q < i; q++) FUZZ_CHECK(strcasecmp(f[q].name, f[i].name) != 0);
    }
    size_t n;
    const char *role = vb_reader_get(rd, h[F_ROLE], &n);
    bool interviewer = !strcmp(role, "interviewer");
    FUZZ_CHECK(interviewer || !strcmp(role, "respondent") || !strcmp(role, "unknown"));
    if (unit == VB_UNIT_RESPONDENT) {
      FUZZ_CHECK(!interviewer);
      const char *t = vb_reader_get(rd, h[F_TURNS], &n);
      long turns = strtol(t, NULL, 10);
      FUZZ_CHECK(turns >= 1);
      *own += turns;
    } else if (!interviewer) {
      (*own)++;
    }
    const char *text = vb_reader_get(rd, h[F_TEXT], &n);
    if (analyse) { /* --redact on the turns: valid UTF-8 out, and nothing changed when asked
                    * for nothing */
      char *red;
      size_t rl, k;
      FUZZ_CHECK(vb_redact(text, n, VB_REDACT_ALL, &red, &rl, &k) != VB_EINVAL);
      if (red) FUZZ_CHECK(vb_utf8_check(red, rl) == rl && red[rl] == '\0');
      vb_free(red);
      if (vb_redact(text, n, 0, &red, &rl, &k) == VB_OK)
        FUZZ_CHECK(rl == n && !memcmp(red, text, n) && k == 0);
      vb_free(red);
      /* the interview's speaker labels, a line each */
      char lbuf[1024];
      const char *labels[16];
      size_t n_labels = 0, sn;
      const char *sv = vb_reader_get(rd, h[F_SPEAKERS], &sn);
      if (sv && sn < sizeof lbuf) {
        memcpy(lbuf, sv, sn);
        lbuf[sn] = '\0';
        for (char *p = lbuf; p && n_labels < 16;) {
          labels[n_labels++] = p;
          if ((p = strchr(p, '\n')) != NULL) *p++ = '\0';
        }
      }
      unsigned all = VB_REDACT_ALL | VB_REDACT_NAME;
      if (m && vb_model_redact_labels(m, text, n, all, labels, n_labels, &red, &rl, &k) == VB_OK) {
        FUZZ_CHECK(vb_utf8_check(red, rl) == rl && red[rl] == '\0');
        char *again;
        size_t al;
        if (vb_model_redact_labels(m, red, rl, VB_REDACT_NAME, labels, n_labels, &again, &al,
                                   &k) == VB_OK)
          FUZZ_CHECK(al == rl && !memcmp(again, red, rl) && k == 0);
        vb_free(again);
      }
      vb_free(red);
    }
    if (an && !rec->error) {
      vb_run_options ro = {VB_LANG_UND, VB_LANG_EN, 0};
      const vb_result *r;
      int arc = vb_analyzer_run(an, text, n, &ro, &r);
      FUZZ_CHECK(arc == VB_OK || arc == VB_ENOMEM);
    }
  }
  FUZZ_CHECK(rc == 0 || rc == VB_ENOMEM);
  vb_reader_free(rd);
  fclose(fp);
  return records;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 1 << 16) return 0;
  vb_reader_options o = {0};
  o.format = VB_FORMAT_TRANSCRIPT;
  o.name = "fuzz/interview.txt";
  o.max_field = data[0] & 1 ? 16 : 4096;
  if (data[0] & 2) o.interviewers = "Speaker 1, anna berg,,Q";
  bool analyse = data[0] & 4;
  long own_turns, own_sum;
  long turns = read_transcript(data + 1, size - 1, &o, VB_UNIT_TURN, analyse, &own_turns);
  long resp = read_transcript(data + 1, size - 1, &o, VB_UNIT_RESPONDENT, false, &own_sum);
  FUZZ_CHECK((turns < 0) == (resp < 0));
  if (turns >= 0) {
    FUZZ_CHECK(own_sum == own_turns);
    FUZZ_CHECK(resp <= own_turns);
  }
  return 0;
}
