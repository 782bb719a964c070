/* main.c - the verbatim command: dispatch, help and version. */
#include <string.h>

#include "cli.h"

typedef struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
  const char *usage;
} command;

static const command commands[] = {
    {"analyze", cmd_analyze, "the root-cause table: scores joined with themes and sentiment",
     "usage: verbatim analyze [FILE...] [options]\n"
     "\n"
     "Reads feedback records, analyses each text, joins the results with a score column and\n"
     "prints the root-cause table: the overall score (NPS, CSAT, CES or a rating) with its 95%\n"
     "interval and distribution, then one row per theme: mentions, prevalence with its Wilson\n"
     "interval, the score among records mentioning the theme, impact (score of all records\n"
     "minus score of the records not mentioning it), p and q (Benjamini-Hochberg) of the\n"
     "difference (exact tests for small counts), the share of mentions in negative clauses, a\n"
     "verdict (common/rare x severe/mild) and quotes; then segments, periods, questions (with\n"
     "several --text), key drivers, score-text mismatches and testimonial candidates.\n"
     "\n"
     "  --score NAME          a numeric score column (NPS 0-10, CSAT 1-5, CES 1-7, rating);\n"
     "                        repeat for several (the first drives segments, trends, drivers)\n"
     "  --score-type T        nps | csat | ces | rating, the i-th for the i-th --score\n"
     "                        (default: guessed from the values and said on standard error)\n"
     "  --by NAME             per segment of this column: its score against the rest, themes\n"
     "                        (--by :lang: per language found)\n"
     "  --date NAME           per period of this date column (YYYY-MM-DD, DD.MM.YYYY ...):\n"
     "                        score, prevalence, impact, the change split among themes\n"
     "                        (Shapley), rising and emerging themes\n"
     "  --period P            day | week | month (default) | quarter\n"
     "  --drivers             key drivers of the first score: R^2 split by Shapley (LMG)\n"
     "  --driver NAME         a numeric column as a driver too (implies --drivers; repeats)\n"
     "  --format F            table | tsv | csv | json | md | html (default: table)\n"
     "  --table T             tsv/csv: themes (default) | scores | segments | segment-themes |\n"
     "                        periods | period-themes | attribution | rising | drivers |\n"
     "                        mismatch | quotes | testimonials | brands | segment-brands |\n"
     "                        period-brands | questions | question-themes | question-brands |\n"
     "                        pairs | brand-themes | brand-pairs | brand-switches\n"
     "  -o, --output FILE     write there (replaced only when complete) instead of stdout\n"
     "  --state FILE          also write the aggregate state (see 'verbatim merge')\n"
     "COMMON_OPTIONS"},
    {"report", cmd_report, "the root-cause tables as one self-contained HTML page",
     "usage: verbatim report [FILE...] [options]\n"
     "\n"
     "The same as 'verbatim analyze --format html': one HTML file with inline CSS and SVG\n"
     "charts, no script and no reference to anything outside it, printable. It shows the score\n"
     "with its interval and distribution, the theme table with impact and prevalence bars, a\n"
     "prevalence x impact chart, trends (with --date), segments (with --by), questions (with\n"
     "several --text), drivers (with --drivers), quotes per theme with the theme's and the\n"
     "sentiment words marked, recurring phrases the codebook does not cover (the input files\n"
     "are read twice more for them), the records whose score and text disagree, and the\n"
     "command line that made it.\n"
     "\n"
     "  -o, --output FILE     write there (default: standard output; report.html when that is\n"
     "                        a terminal)\n"
     "  every other option of 'verbatim analyze' (--score, --by, --date, --period ...)\n"},
    {"annotate", cmd_annotate, "sentiment and themes for every record, one result per line",
     "usage: verbatim annotate [FILE...] [options]\n"
     "\n"
     "One result per input record, in input order, nothing dropped; a record that cannot be\n"
     "analysed yields a line with an \"error\" field.\n"
     "\n"
     "  --format F            jsonl (default) | tsv | qdpx (a REFI-QDA project for NVivo,\n"
     "                        ATLAS.ti, MAXQDA, QualCoder: the texts coded with the themes\n"
     "                        and the sentiment, the other fields as variables, a\n"
     "                        transcript's respondents as cases; needs -o FILE.qdpx)\n"
     "  -o, --output FILE     write there (replaced only when complete) instead of stdout\n"
     "  --state FILE          also write the aggregate state of the records (combine parts\n"
     "                        with 'verbatim merge'; without --score, as for mentions, the\n"
     "                        table has mentions, sentiment, brands and rising themes)\n"
     "  --score NAME          the score column, for --state (repeats)\n"
     "  --score-type T        nps | csat | ces | rating, for --state (give it: every part must\n"
     "                        agree on the scale)\n"
     "  --by NAME, --date NAME, --period P, --drivers, --driver NAME: as in 'analyze', for\n"
     "                        --state\n"
     "COMMON_OPTIONS"},
    {"merge", cmd_merge, "combine aggregate states from split runs into one table",
     "usage: verbatim merge PART.vbs... [--format F] [-o FILE]\n"
     "\n"
     "Combines the states written by 'annotate --state' or 'analyze --state' on parts of the\n"
     "data and prints the table one run over all the records would print, to the last digit.\n"
     "States must come from the same codebook, score columns and types, and --by, --date,\n"
     "--period and --driver options.\n"
     "\n"
     "  --format F            table | tsv | csv | json | md | html (default: table)\n"
     "  --table T             tsv/csv: which table (see 'verbatim help analyze')\n"
     "  -o, --output FILE     write there instead of stdout\n"
     "  --codebook FILE, --brands FILE, --data DIR, --no-default-codebook: as the runs that\n"
     "                        made the states\n"},
    {"discover", cmd_discover, "recurring phrases the codebook does not cover, ranked by keyness",
     "usage: verbatim discover [FILE...] [options]\n"
     "\n"
     "Finds phrases of 1-4 words (over stems; stopwords neither begin nor end one) that recur\n"
     "across records, ranks them by support (records holding them) or, with two groups, by\n"
     "keyness (log-likelihood G2 with Williams's correction, p, and the log2 ratio of the\n"
     "groups' rates as effect size), merges near-duplicates, shows quotes and which theme of\n"
     "the codebook covers each phrase, and ends with a codebook snippet for the uncovered ones.\n"
     "Near-duplicates: a phrase inside a longer one of nearly its support goes into it; a\n"
     "word's spellings and abbreviations (lexicons/LANG/variants.txt: hrs, hours) count as\n"
     "the word ('spelled:'); with keyness, a longer phrase as typical of the focus group as\n"
     "the rest of a higher-ranked phrase inside it is listed under it ('longer:').\n"
     "The same input gives the same output.\n"
     "\n"
     "Groups (one of):\n"
     "  --score NAME          low vs high scores (NPS detractors 0-6 vs promoters 9-10; CSAT\n"
     "                        1-2 vs 4-5; CES 1-3 vs 5-7; ratings: lower vs upper third)\n"
     "  --score-type T        nps | csat | ces | rating (default: guessed from the values)\n"
     "  --by-sentiment        negative vs positive records\n"
     "  --group NAME --focus VALUE [--reference VALUE]\n"
     "                        records whose column NAME is VALUE vs the rest (or vs VALUE)\n"
     "  --date NAME [--period P]  the last period vs the one before (day | week | month |\n"
     "                        quarter; default month; dates as YYYY-MM-DD)\n"
     "Ranking and output:\n"
     "  --sort S              keyness (default with groups) | support\n"
     "  --top N               phrases to show (default 50)\n"
     "  --min-support N       records a phrase needs (default 3)\n"
     "  --max-words N         longest phrase, 1-4 (default 4)\n"
     "  --merge R             merge a phrase into a longer one holding R of its support (0.9)\n"
     "  --no-variants         count spelling variants and abbreviations (hrs, hours) apart\n"
     "  --no-fold             keep as rows the longer phrases whose keyness is that of a\n"
     "                        higher-ranked phrase inside them (Fisher's p >= 0.05)\n"
     "  --min-ratio R         with keyness, list only phrases whose rate in one group is at\n"
     "                        least 2^R times that in the other (default 1: twice; 0: all)\n"
     "  --examples N          quotes per phrase (default 2)\n"
     "  --max-ngrams N        phrases the counting table holds; when full, the least supported\n"
     "                        half is dropped (default 200000)\n"
     "  --snippet FILE        write the codebook snippet there (else after the table)\n"
     "  --format F            table (default) | tsv | json\n"
     "  -o, --output FILE     write there instead of stdout\n"
     "COMMON_OPTIONS"},
    {"agree", cmd_agree, "verbatim's themes and sentiment against a hand coding (kappa)",
     "usage: verbatim agree [FILE...] --codes NAME [--sentiment NAME] [options]\n"
     "\n"
     "Compares verbatim's coding with a person's coding of the same records, as a second coder\n"
     "is compared with the first: per hand code, the records coded so by hand, by verbatim\n"
     "and by both, the share of records the two agree on, Cohen's kappa with its 95% interval\n"
     "(Fleiss-Cohen-Everitt standard error), and verbatim's precision, recall and F1 against\n"
     "the hand coding; the micro average and the mean over the codes; then the sentiment\n"
     "confusion matrix, accuracy, macro-F1 and kappa; then records the two disagree on.\n"
     "Verbatim gives a code to a record that mentions its theme or a theme under it, so a\n"
     "hand code 'delivery' agrees with verbatim's 'delivery.late'. Kappa is low for a rare\n"
     "code even when the two agree on nearly every record: read it with the agreement.\n"
     "\n"
     "  --codes NAME          the column or JSON field of each record's hand codes: theme ids\n"
     "                        or labels of the codebook, separated by ; , or | (a JSON list\n"
     "                        in JSONL). A record without the field (JSONL: absent or null)\n"
     "                        is not in the sample; an empty cell means no code applies\n"
     "  --code-sep C          separate codes at C only (when a label holds a comma)\n"
     "  --map FILE            the hand codes' own names: 'CODE<TAB>THEME[, THEME...]' a line\n"
     "                        (# comments); each line is a code, with a row even when unused\n"
     "  --sentiment NAME      a column of hand sentiment labels: positive, negative, neutral\n"
     "                        or mixed (also pos/neg/neu, +/-/0, 1/-1/0, positiv/negativ,\n"
     "                        blandad/blandet and the Hebrew words); empty: not labelled.\n"
     "                        With a mixed label, verbatim's mixed records count as mixed\n"
     "  --disagreements N     records shown per code and kind (hand only, verbatim only);\n"
     "                        default 3, 0 none\n"
     "  --format F            table (default) | md | json | tsv (the code table)\n"
     "  -o, --output FILE     write there instead of stdout\n"
     "COMMON_OPTIONS"},
    {"codebook", cmd_codebook, "check a codebook and list its themes, or export it (REFI-QDA)",
     "usage: verbatim codebook check [FILE...] [--format tsv|json] [-o FILE]\n"
     "       verbatim codebook export [FILE...] [--format qdc] [-o FILE]\n"
     "\n"
     "check loads the codebooks, reports any error as FILE:LINE:COLUMN: message (exit 2), warns\n"
     "about themes without terms in a language the codebook uses, and lists the themes: id,\n"
     "label, parent, terms per language, exclusions, patterns, fallback (yes: the theme counts\n"
     "only where no other theme's mention shares its words; --format json: every term).\n"
     "export writes the codebook as a REFI-QDA codebook (.qdc) that QDA programs import: one\n"
     "code per theme, nested like the themes, with stable GUIDs.\n"
     "\n"
     "FILE... are codebooks used alone: ours (.codebook), LIWC (.dic), YAML (.yml) or a brand\n"
     "list (.brands); LANG:FILE\n"
     "puts the words of a LIWC/YAML file in one language. Without FILE: the default codebook\n"
     "and any --codebook FILE.\n"
     "\n"
     "  --format F            check: tsv (default) | json; export: qdc (default)\n"
     "  -o, --output FILE     write there instead of stdout\n"
     "  --codebook FILE, --brands FILE, --no-default-codebook, --data DIR, -q: as for analyze\n"},
    {"tokenize", cmd_tokenize, "split text into tokens",
     "usage: verbatim tokenize [--lang CODE] [FILE] [--format tsv]\n"
     "\n"
     "Reads one document per line. Writes each token on its own line exactly as it appears,\n"
     "and an empty line after each document. --format tsv writes the columns\n"
     "token start end type key stem (byte offsets into the line).\n"},
    {"stem", cmd_stem, "stem words", "usage: verbatim stem --lang CODE [FILE]\n\n"
                                     "One word per line in, its stem on the same line out.\n"},
    {"langid", cmd_langid, "identify the language of each line",
     "usage: verbatim langid [FILE] [--format tsv] [--lang-default CODE]\n"
     "\n"
     "One document per line in; one of sv da he en und per line out. --format tsv adds the\n"
     "confidence. Texts too short to tell give und unless --lang-default is given.\n"},
    {"version", NULL, "print the version", "usage: verbatim version\n"},
    {"help", cmd_help, "help on a command", "usage: verbatim help [COMMAND]\n"},
    {NULL, NULL, NULL, NULL}};

static const char common_options[] =
    "\n"
    "Input (see the contract in the manual page):\n"
    "  FILE...               .csv .tsv .jsonl/.ndjson .txt .vtt; none or - reads standard input\n"
    "  --input-format F      csv | tsv | jsonl | txt | transcript (needed on stdin unless it\n"
    "                        is JSONL)\n"
    "  --delimiter C         CSV delimiter: , ; tab | (default: detected from the header)\n"
    "  --encoding NAME       the input's: utf-8 (default), utf-16, windows-1252 (Swedish and\n"
    "                        Danish Excel CSV), windows-1255 (Hebrew), iso-8859-1 ...\n"
    "  --text NAME           the text column or JSON field (dotted path) (default: text);\n"
    "                        repeat it for a survey's several open-ended questions: their\n"
    "                        answers are one text, a blank line apart (annotate gives each\n"
    "                        one's place and sentiment in \"parts\")\n"
    "  --id NAME             the identifier column (default: id, else the record number)\n"
    "  --lang CODE           sv | da | he | en | auto (default: auto)\n"
    "  --lang-col NAME       a column holding each record's language code\n"
    "  --lang-default CODE   language for texts too short to identify\n"
    "  --strict              a record with invalid UTF-8 is an error, not repaired\n"
    "  --redact              personal data out of every text before analysis: e-mail\n"
    "                        addresses, URLs, @handles, numbers of 7+ digits (phone, ID,\n"
    "                        card, account) and person names become [email] [url] [@user]\n"
    "                        [number] [name]; speaker labels become Speaker 1, 2, ...\n"
    "  --names FILE          more names for --redact (NAME TAB g|s [TAB word]: a staff\n"
    "                        roster, a study's participants; the full format in the manual);\n"
    "                        turns --redact on; repeatable\n"
    "  --max-field SIZE      longest field accepted (default 1M)\n"
    "Transcripts (interviews: speaker turns, 'I: ...' 'R: ...'; see the manual page):\n"
    "  --interviewer NAMES   the interviewer's speaker labels, comma-separated (default:\n"
    "                        I, Interviewer, Moderator, Intervjuare, ... in four languages)\n"
    "  --unit turn|respondent  a record per turn, or per respondent and interview (their\n"
    "                        turns joined); analyze/report/discover default to respondent,\n"
    "                        annotate to turn; the interviewer's turns are never in a table\n"
    "Model:\n"
    "  --codebook FILE       an extra codebook (repeatable; later files add and override)\n"
    "  --no-default-codebook use only the --codebook files\n"
    "  --brands FILE         a brand list ('Lumo: lumo; @LumoUK; #lumo' per line): brands\n"
    "                        found like themes, reported apart (share of voice, net sentiment)\n"
    "  --lexicon LANG:FILE   an extra valence list (term TAB valence) for a language\n"
    "  --data DIR            read lexicons/ from DIR instead of the built-in ones\n"
    "Other:\n"
    "  -j, --jobs N          worker threads (default: one per core); output order is input order\n"
    "  -q, --quiet           no summary on standard error\n"
    "\n"
    "Exit status: 0 success; 1 usage error; 2 bad input (each problem reported on standard\n"
    "error as FILE:LINE:COLUMN: message; the output is still complete); 3 internal error.\n";

void usage_of(const char *cmd, FILE *fp) {
  for (const command *c = commands; c->name; c++) {
    if (strcmp(c->name, cmd) != 0) continue;
    const char *u = c->usage;
    const char *mark = strstr(u, "COMMON_OPTIONS");
    if (mark) {
      fwrite(u, 1, (size_t)(mark - u), fp);
      fputs(common_options, fp);
    } else {
      fputs(u, fp);
    }
    return;
  }
}

static void overview(FILE *fp) {
  fprintf(fp, "verbatim %s - sentiment, themes and root-cause tables for open-ended feedback\n"
              "in Swedish, Danish, Hebrew and English.\n\nusage: verbatim COMMAND [ARGS]\n\n"
              "commands:\n", vb_version());
  for (const command *c = commands; c->name; c++) fprintf(fp, "  %-10s %s\n", c->name, c->summary);
  fprintf(fp, "\n'verbatim help COMMAND' tells more. Example:\n"
              "  verbatim analyze corpora/sv/survey.csv --score nps\n");
}

/* The command nearest to a misspelt one, if one is near enough. */
static const char *near_command(const char *word) {
  const char *names[sizeof commands / sizeof commands[0]];
  size_t n = 0;
  for (const command *c = commands; c->name; c++) names[n++] = c->name;
  return nearest_name(word, names, n);
}

int cmd_help(int argc, char **argv) {
  if (argc == 0) {
    overview(stdout);
    return EXIT_OK;
  }
  for (const command *c = commands; c->name; c++)
    if (!strcmp(c->name, argv[0])) {
      usage_of(argv[0], stdout);
      return EXIT_OK;
    }
  const char *near = near_command(argv[0]);
  if (near) msg("no command '%s'; did you mean '%s'? (see 'verbatim help')", argv[0], near);
  else msg("no command '%s' (see 'verbatim help')", argv[0]);
  return EXIT_USAGE;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    overview(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) return cmd_help(0, NULL);
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
    printf("verbatim %s\n", vb_version());
    return EXIT_OK;
  }
  for (const command *c = commands; c->name; c++) {
    if (strcmp(c->name, cmd) != 0 || !c->run) continue;
    for (int i = 2; i < argc; i++)
      if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
        usage_of(cmd, stdout);
        return EXIT_OK;
      }
    return c->run(argc - 2, argv + 2);
  }
  const char *near = near_command(cmd);
  if (near) msg("unknown command '%s'; did you mean '%s'? (see 'verbatim help')", cmd, near);
  else msg("unknown command '%s' (see 'verbatim help')", cmd);
  return EXIT_USAGE;
}
