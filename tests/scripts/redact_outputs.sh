#!/bin/sh
# --redact: the personal data of a fixture (phone numbers, e-mail, an IBAN, a handle, a URL,
# a personnummer, names) appears in no output of any command that writes text: annotate (JSONL with
# the redacted text, TSV, a qdpx project), analyze (quotes, testimonials in JSON), report
# (HTML) and discover (examples). Without --redact the same outputs do hold it (so the check
# can fail). The date in the fixture is kept. A transcript's speaker labels and the names in
# its turns are in neither the JSONL nor the qdpx project of annotate --redact; the names of
# the labels (listed or not) are taken out of every turn of their interview.
# BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
mkdir -p "$work"
cd "$src" || exit 99
in=tests/cli/data/pii.csv
pii='070-123 45 67|anna\.berg@example\.se|5000 0000 0583|@lumo_help|reviews\.example|\+46 70 123|19800101-1234|Sarah|Okonkwo|Mette'
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
grep -q '"text": "\[name\] at the front desk was lovely, and Mr \[name\] sorted the refund."' \
  "$work/annotate.redacted.jsonl" || { echo "FAIL: names and the title kept"; fail=1; }
# the qdpx project's variables (the other columns): redacted like the text
printf 'id,email,contact,nps,text\n1,anna.berg@example.se,Sarah Okonkwo,9,fine service\n' \
  >"$work/cols.csv"
for r in "" --redact; do
  "$bin" annotate "$work/cols.csv" --lang en -q --format qdpx -o "$work/cols$r.qdpx" $r || fail=1
  python3 -c "import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sys.stdout.buffer.write(z.read('project.qde'))" "$work/cols$r.qdpx" >"$work/cols$r.qde" || fail=1
done
grep -q 'anna.berg@example.se' "$work/cols.qde" && grep -q 'Sarah Okonkwo' "$work/cols.qde" ||
  { echo "FAIL: the columns are no variables without --redact"; fail=1; }
grep -Eq "$pii" "$work/cols--redact.qde" && { echo "FAIL: a variable holds personal data"; fail=1; }
grep -q '<TextValue>\[email\]</TextValue>' "$work/cols--redact.qde" &&
  grep -q '<TextValue>\[name\]</TextValue>' "$work/cols--redact.qde" ||
  { echo "FAIL: redacted variables"; fail=1; }
# a transcript: speaker labels become Speaker N, in the respondent field too
vtt=tests/cli/data/call.vtt
"$bin" annotate $vtt -q >"$work/call.jsonl" || fail=1
"$bin" annotate $vtt -q --redact >"$work/call.redacted.jsonl" || fail=1
"$bin" annotate $vtt -q --redact --format qdpx -o "$work/call.qdpx" || fail=1
python3 -c "import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sys.stdout.buffer.write(b''.join(z.read(n) for n in z.namelist()))" "$work/call.qdpx" \
  >"$work/call.qdpx.txt" || fail=1
grep -q 'Sara' "$work/call.jsonl" || { echo "FAIL: the transcript holds no name without --redact"; fail=1; }
for f in call.redacted.jsonl call.qdpx.txt; do
  grep -q 'Sara' "$work/$f" && { echo "FAIL: $f holds the speaker's name"; fail=1; }
done
grep -q '"speaker": "Speaker 2", "role": "respondent", "turn": 2,' "$work/call.redacted.jsonl" ||
  { echo "FAIL: speaker labels as Speaker N"; fail=1; }
# (no interviewer among the speakers: each speaker is a respondent, named in the field and,
# a record per respondent, in the id; discover's examples show the ids)
"$bin" annotate $vtt -q --redact --interviewer Nobody 2>/dev/null >"$work/call.resp.jsonl"
grep -q '"speaker": "Speaker 2", .*"respondent": "call/Speaker 2"' "$work/call.resp.jsonl" &&
  ! grep -q 'Sara' "$work/call.resp.jsonl" || { echo "FAIL: the respondent field"; fail=1; }
"$bin" annotate $vtt -q --redact --interviewer Nobody --unit respondent 2>/dev/null \
  >"$work/call.unit.jsonl"
grep -q '"id": "call/Speaker 2"' "$work/call.unit.jsonl" &&
  ! grep -q 'Sara' "$work/call.unit.jsonl" || { echo "FAIL: a respondent's id"; fail=1; }
"$bin" discover $vtt -q --interviewer Nobody --min-support 1 >"$work/call.disc.txt" 2>/dev/null
"$bin" discover $vtt -q --interviewer Nobody --min-support 1 --redact >"$work/call.disc.red.txt" 2>/dev/null
grep -q 'Sara' "$work/call.disc.txt" && ! grep -q 'Sara' "$work/call.disc.red.txt" &&
  grep -q 'call/Speaker 2' "$work/call.disc.red.txt" || { echo "FAIL: discover's example ids"; fail=1; }
# a brand named after people (a brand list's term) is no name; the person next to it is
printf 'Marks and Spencer: marks and spencer\n' >"$work/ms.brands"
printf '{"id":"1","text":"Marks and Spencer had no bread. Spencer Hall at the till was kind."}\n' \
  >"$work/ms.jsonl"
"$bin" annotate "$work/ms.jsonl" --lang en -q --brands "$work/ms.brands" --redact >"$work/ms.out" ||
  fail=1
grep -q '"text": "Marks and Spencer had no bread. \[name\] at the till was kind."' "$work/ms.out" &&
  grep -q '"theme": "brand.marks_and_spencer"' "$work/ms.out" ||
  { echo "FAIL: a brand's name taken for a person's"; cat "$work/ms.out"; fail=1; }
# the names of a transcript's speaker labels, listed or not, are names in every turn of the
# interview, also before their speaker first speaks; role labels name nobody
printf '## w-1\nInterviewer 2: Welcome, Wojciech, and thanks to Amira too.\nWojciech Kowalczyk: Thanks. The Interviewer knows Amira and I both order weekly.\nAmira: Wojciech'"'"'s delivery was late twice.\n' \
  >"$work/w.txt"
"$bin" annotate "$work/w.txt" --input-format transcript --lang en -q >"$work/w.jsonl" || fail=1
"$bin" annotate "$work/w.txt" --input-format transcript --lang en -q --redact \
  >"$work/w.redacted.jsonl" || fail=1
grep -q 'Wojciech' "$work/w.jsonl" || { echo "FAIL: the transcript's names without --redact"; fail=1; }
grep -Eq 'Wojciech|Kowalczyk|Amira' "$work/w.redacted.jsonl" &&
  { echo "FAIL: a speaker's name in the turns"; fail=1; }
grep -q '"text": "Welcome, \[name\], and thanks to \[name\] too."' "$work/w.redacted.jsonl" &&
  grep -q 'The Interviewer knows \[name\]' "$work/w.redacted.jsonl" &&
  grep -q '"text": "\[name\]'"'"'s delivery was late twice."' "$work/w.redacted.jsonl" ||
  { echo "FAIL: speaker names in the turns"; cat "$work/w.redacted.jsonl"; fail=1; }
[ $fail = 0 ] && echo "no personal data of the fixture in any output with --redact"
exit $fail
