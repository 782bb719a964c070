#!/bin/sh
# --redact: the personal data of a fixture (phone numbers, e-mail, an IBAN, a handle, a URL,
# a personnummer) appears in no output of any command that writes text: annotate (JSONL with
# the redacted text, TSV, a qdpx project), analyze (quotes, testimonials in JSON), report
# (HTML) and discover (examples). Without --redact the same outputs do hold it (so the check
# can fail). The date in the fixture is kept.
# BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
mkdir -p "$work"
cd "$src" || exit 99
in=tests/cli/data/pii.csv
pii='070-123 45 67|anna\.berg@example\.se|5000 0000 0583|@lumo_help|reviews\.example|\+46 70 123|19800101-1234'
fail=0
outputs() { # SUFFIX EXTRA-OPTION...
  s=$1
  shift
  "$bin" annotate $in --lang en -q "$@" >"$work/annotate$s.jsonl" || fail=1
  "$bin" annotate $in --lang en -q --format tsv "$@" >"$work/annotate$s.tsv" || fail=1
  "$bin" annotate $in --lang en -q --format qdpx -o "$work/project$s.qdpx" "$@" || fail=1
  "$bin" analyze $in --lang en -q --score nps --score-type nps --format json "$@" \
    >"$work/analyze$s.json" || fail=1
  "$bin" report $in --lang en -q --score nps --score-type nps -o "$work/report$s.html" "$@" || fail=1
  "$bin" discover $in --lang en -q --min-support 2 "$@" >"$work/discover$s.txt" 2>/dev/null || fail=1
  python3 -c "import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sys.stdout.buffer.write(b''.join(z.read(n) for n in z.namelist()))" "$work/project$s.qdpx" \
    >"$work/project$s.txt" || fail=1
}
outputs ""
outputs .redacted --redact
for f in analyze.json report.html project.txt; do # (annotate writes no text without it)
  grep -Eq "$pii" "$work/$f" || { echo "FAIL: $f holds none of the data without --redact"; fail=1; }
done
for f in annotate.jsonl annotate.tsv project.txt analyze.json report.html discover.txt; do
  r=$(echo "$f" | sed 's/\./.redacted./')
  if grep -Eo "$pii" "$work/$r" >"$work/found"; then
    echo "FAIL: $r holds: $(sort -u "$work/found" | tr '\n' ' ')"
    fail=1
  fi
done
grep -q '"text": "The delivery was late again. Call me on \[number\], nobody answers at support."' \
  "$work/annotate.redacted.jsonl" || { echo "FAIL: annotate --redact gives the redacted text"; fail=1; }
grep -q '2026-10-21' "$work/annotate.redacted.jsonl" || { echo "FAIL: the date was redacted"; fail=1; }
[ $fail = 0 ] && echo "no personal data of the fixture in any output with --redact"
exit $fail
