#!/bin/sh
# The bad-input catalogue of the reliability issue: each case asserts the message on standard
# error (FILE:LINE:COLUMN: message), the exit status, and the record accounting (annotate
# writes one line per record it could read, an "error" line where it could not analyse one).
# The big inputs (a 50 MB field, a 1 GB line) are in bad_input_big.sh.
#   BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 99
fails=0 n=0
fail() { echo "FAIL $name: $*"; ok=0; }
# check NAME EXPECTED_STATUS EXPECTED_LINES MESSAGE -- ARGS...
#   MESSAGE must appear on standard error as a fixed string; "" means standard error is empty.
check() {
  name=$1 want=$2 lines=$3 text=$4
  shift 5
  n=$((n + 1))
  "$bin" "$@" >out.txt 2>err.txt
  code=$?
  got=$(wc -l <out.txt | tr -d ' ')
  ok=1
  [ "$code" = "$want" ] || fail "status $code, expected $want"
  [ "$got" = "$lines" ] || fail "$got output lines, expected $lines"
  if [ -z "$text" ]; then
    [ -s err.txt ] && fail "standard error is not empty"
  else
    grep -qF -- "$text" err.txt || fail "stderr lacks '$text'"
  fi
  done_case
}
done_case() {
  if [ $ok = 1 ]; then echo "ok $name"; else fails=$((fails + 1)); sed 's/^/  stderr: /' err.txt | head -5; fi
}
# more NAME: a further assertion on the last case (a command that must succeed)
more() {
  name=$1
  shift
  ok=1
  "$@" || fail "$*"
  if [ $ok = 0 ]; then fails=$((fails + 1)); fi
}
errors() { grep -c '"error"' out.txt; }
A="annotate -q --lang en --no-default-codebook"

# ---- encodings ----
printf 'id,text\n1,over\300\257long\n2,over\340\200\257long3\n' >overlong.csv
check utf8_overlong 2 2 "overlong.csv:2:7: invalid UTF-8 (byte 0xC0: an overlong encoding) replaced by U+FFFD" -- $A overlong.csv
more utf8_overlong_3byte grep -qF "overlong.csv:3:7: invalid UTF-8 (byte 0xE0: an overlong encoding)" err.txt
more utf8_overlong_analysed [ "$(errors)" = 0 ]

printf 'id,text\n1,sur\355\240\200rogate\n' >surrogate.csv
check utf8_surrogate 2 1 "surrogate.csv:2:6: invalid UTF-8 (byte 0xED: a UTF-16 surrogate (CESU-8?))" -- $A surrogate.csv

printf 'id,text\n1,big\364\220\200\200cp\n' >above.csv
check utf8_above_max 2 1 "above.csv:2:6: invalid UTF-8 (byte 0xF4: a code point above U+10FFFF)" -- $A above.csv

printf 'id,text\n1,cont\200x\n2,ff\377\n' >cont.csv
check utf8_continuation 2 2 "cont.csv:2:7: invalid UTF-8 (byte 0x80: a continuation byte without a lead byte)" -- $A cont.csv
more utf8_ff grep -qF "cont.csv:3:5: invalid UTF-8 (byte 0xFF: a byte that never occurs in UTF-8)" err.txt

printf 'id,text\n1,ok\n2,trunc\342\202' >trunc.csv
check utf8_truncated_eof 2 2 "trunc.csv:3:8: invalid UTF-8 (byte 0xE2: a sequence cut off by the end of the file)" -- $A trunc.csv

printf 'id,text\n1,caf\351 ok\n2,caf\351\n3,fine\n' >latin1.csv
check utf8_latin1 2 3 "latin1.csv:2:6: invalid UTF-8 (byte 0xE9: an incomplete sequence" -- $A latin1.csv
more utf8_latin1_eol grep -qF "latin1.csv:3:6: invalid UTF-8 (byte 0xE9: a sequence cut off by the end of the line)" err.txt
more utf8_latin1_hint grep -qF "latin1.csv:2:1: warning: the input may not be UTF-8 but windows-1252" err.txt
check utf8_strict 2 3 "latin1.csv:2:6: invalid UTF-8" -- $A latin1.csv --strict
more utf8_strict_records [ "$(grep -c '"error": "invalid UTF-8 (--strict)"' out.txt)" = 2 ]
# read as what it is: nothing to report, the letters kept
check latin1_encoding 0 3 "" -- $A latin1.csv --encoding windows-1252
more latin1_encoding_text grep -qF '"id": "2", "lang"' out.txt
printf 'id,text\n1,caf\201\n' >cp1252.csv
check cp1252_undefined 2 1 "cp1252.csv:2:6: byte 0x81 is not a character in cp1252: replaced by U+FFFD" -- $A cp1252.csv --encoding cp1252
check encoding_unknown 1 0 "annotate: --encoding: unknown encoding 'klingon'" -- $A latin1.csv --encoding klingon
check encoding_multibyte 1 0 "annotate: --encoding: the encoding 'UTF-32' is not one byte a character" -- $A latin1.csv --encoding UTF-32

# UTF-16 (Excel's "Unicode text") is read as what it is; UTF-32 is refused
printf '\377\376i\000d\000,\000t\000e\000x\000t\000\n\0001\000,\000\345\000\n\000' >utf16le.csv
check utf16_le_bom 0 1 "" -- $A utf16le.csv
printf '\376\377\000{\000"\000t\000e\000x\000t\000"\000:\000"\330\075\336\000\000"\000}' >utf16be.jsonl
check utf16_be_bom 0 1 "" -- $A utf16be.jsonl
printf '\377\376\000\000i\000\000\000' >utf32.csv
check utf32_bom 2 0 "utf32.csv:1:1: the file is UTF-32 (byte-order mark found); convert it to UTF-8" -- $A utf32.csv

printf 'id,text\n1,nul\000byte\n2,ok\n' >nul.csv
check nul_byte 2 2 "nul.csv:2:6: NUL byte replaced by U+FFFD" -- $A nul.csv
printf 'one\000two\n' >nul.txt
check nul_byte_txt 2 1 "nul.txt:1:4: NUL byte replaced by U+FFFD" -- $A nul.txt

# ---- line ends ----
printf 'id,text\r1,cr only\r2,"two\rlines"\r3,x' >cr.csv
check cr_only 0 3 "" -- $A cr.csv
more cr_only_ids [ "$(grep -o '"id": "[0-9]*"' out.txt | tr -d '\n')" = '"id": "1""id": "2""id": "3"' ]
printf 'id,text\r\n1,crlf\n2,lf\r3,cr\r\n4,"q\r\nx"\n' >mixed.csv
check mixed_line_ends 0 4 "" -- $A mixed.csv
printf 'id,text\n1,a\n2,"b\n' >mixed2.csv
check line_after_unclosed_quote 2 2 "mixed2.csv:3:1: quoted field not closed before the end of the input" -- $A mixed2.csv

# the line commands (tokenize, stem, langid) read through the same reader: one output per line
printf 'one good\rtwo bad\r\nthree\n' >lines.txt
check langid_cr_lines 0 3 "" -- langid lines.txt
python3 -c "print('x' * 5000); print('short line')" >longline.txt
check langid_line_cap 2 2 "longline.txt:1:1: a line is longer than 1024 bytes (see --max-field); record kept as an error" -- langid --max-field 1K longline.txt
more langid_line_cap_output [ "$(tr '\n' ' ' <out.txt)" = "und en " ]
printf 'caf\351 \000x\n' >badline.txt
check tokenize_invalid_utf8 2 5 "badline.txt:1:4: invalid UTF-8 (byte 0xE9" -- tokenize badline.txt
more tokenize_nul grep -qF "badline.txt:1:6: NUL byte replaced by U+FFFD" err.txt

# ---- CSV structure ----
printf 'id,text\n1,fine\n2,"never closed\n3,next record\n4,last one\n' >unterminated.csv
check unterminated_quote 2 4 "unterminated.csv:3:1: quoted field not closed before the end of the input (opened on this line)" -- $A unterminated.csv
printf 'id,text\n1,ok\n2,"open at the very end' >uq_eof.csv
check unterminated_quote_eof 2 2 "uq_eof.csv:3:1: quoted field not closed before the end of the input" -- $A uq_eof.csv
more unterminated_quote_eof_error [ "$(errors)" = 1 ]

printf 'id,text\n1,a "quoted" word\n2,ok\n' >stray.csv
check stray_quote 2 2 "stray.csv:2:5: stray quote" -- $A stray.csv

printf 'id,text,extra\n1,fine\n2,ok,x,y\n3,a,b\n' >fields.csv
check fewer_fields 2 3 "fields.csv:2:1: record has 2 fields, the header has 3" -- $A fields.csv
more more_fields grep -qF "fields.csv:3:1: record has 4 fields, the header has 3" err.txt

printf 'id,text,text\n1,first,second\n' >dup.csv
check duplicate_header 2 1 "dup.csv:1:1: duplicate column name 'text' (columns 2 and 3): the first is used" -- $A dup.csv

printf 'id,text,nps\n1,fine,5\n' >nocol.csv
check missing_text_column 2 0 "nocol.csv:1:1: no column 'comment'; the columns are: 'id', 'text', 'nps'" -- $A nocol.csv --text comment
check missing_score_column 2 0 "nocol.csv:1:1: no column 'score'; the columns are: 'id', 'text', 'nps'" -- $A nocol.csv --score score

: >empty.csv
check empty_file 2 0 "empty.csv:1:1: the input is empty" -- $A empty.csv
printf 'id,text\n' >header.csv
check header_only 2 0 "header.csv:1:1: no records in the input after the header" -- $A header.csv
printf 'id,text\n\n\n' >header_blank.csv
check header_blank_lines 2 0 "header_blank.csv:1:1: no records in the input after the header" -- $A header_blank.csv

# ---- JSON ----
printf '{"id": 1, "text": "ok"}\n{"id": 2, "text": broken}\n[1,2]\n{"id": 4}\n' >bad.jsonl
check jsonl_bad 2 4 "bad.jsonl:2:19: invalid JSON" -- $A bad.jsonl
more jsonl_not_object grep -qF "bad.jsonl:3:1: a JSONL record must be an object" err.txt
more jsonl_no_text grep -qF "bad.jsonl:4:1: no field 'text' in this record" err.txt
more jsonl_errors [ "$(errors)" = 3 ]

python3 -c "
d = 100000
print('{\"id\": 1, \"text\": ' + '[' * d + ']' * d + '}')
print('{\"id\": 2, \"text\": \"fine\"}')" >deep.jsonl
check json_deeply_nested 2 2 "deep.jsonl:1:2066: invalid JSON: maximum parsing depth reached" -- $A deep.jsonl
more json_deep_error [ "$(errors)" = 1 ]

printf '{"id": 1, "text": "bad", "text": "good"}\n' >dupkey.jsonl
check json_duplicate_keys 2 2 "dupkey.jsonl:1:26: duplicate object key near '\"text\"' (the last value is used)" -- annotate --lang en --no-default-codebook dupkey.jsonl --format tsv
more json_duplicate_last_value grep -q '	positive	' out.txt

# ---- scores ----
printf 'id,nps,text\n1,11,too high\n2,-1,below\n3,"8,5",decimal comma\n4,,missing\n5, 9 ,blanks\n' >scores.csv
check score_outside_scale 2 1 "scores.csv:2:1: score '11' is outside the nps scale (whole numbers 0-10); counted as missing" -- analyze -q --lang en --no-default-codebook scores.csv --score nps --score-type nps --format tsv
more score_below_scale grep -qF "scores.csv:3:1: score '-1' is outside the nps scale" err.txt
more score_not_whole grep -qF "scores.csv:4:1: score '8,5' is outside the nps scale" err.txt
more score_blanks_ok sh -c '! grep -qF "scores.csv:6:" err.txt'
printf 'id,nps,text\n1,1e309,a\n2,NaN,b\n3,"8,5",c\n4, 9 ,d\n5,inf,e\n6,0x10,f\n7,abc,g\n' >numbers.csv
check score_1e309 2 1 "numbers.csv:2:1: score '1e309' is not a number; counted as missing" -- analyze --lang en --no-default-codebook numbers.csv --score nps --score-type rating --format tsv
more score_nan grep -qF "numbers.csv:3:1: score 'NaN' is not a number" err.txt
more score_inf grep -qF "numbers.csv:6:1: score 'inf' is not a number" err.txt
more score_hex grep -qF "numbers.csv:7:1: score '0x10' is not a number" err.txt
more score_text grep -qF "numbers.csv:8:1: score 'abc' is not a number" err.txt
# "8,5" and " 9 " are read (a decimal comma, blanks around): 2 valid, 5 missing
more score_accounting grep -qF "scores: 2 valid, 5 missing (5 of them unreadable or out of range)" err.txt

# ---- files ----
check missing_file 2 0 "nope.csv:1:1: cannot open the file: No such file or directory" -- $A nope.csv
mkdir -p adir.csv
check directory 2 0 "adir.csv:1:1: cannot read the input: Is a directory" -- $A adir.csv
printf 'id,text\n1,secret\n' >unreadable.csv
chmod 000 unreadable.csv
if [ "$(id -u)" != 0 ]; then
  check unreadable 2 0 "unreadable.csv:1:1: cannot open the file: Permission denied" -- $A unreadable.csv
elif command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
  # root reads every file whatever its mode: run the case as nobody (uid 65534), from a folder
  # of /tmp that nobody can enter (the build folder may be under /root)
  n=$((n + 1))
  name=unreadable_as_nobody ok=1
  nb=$(mktemp -d /tmp/vb-nobody.XXXXXX)
  chmod 755 "$nb"
  cp "$bin" "$nb/verbatim"
  printf 'id,text\n1,secret\n' >"$nb/unreadable.csv"
  chmod 000 "$nb/unreadable.csv"
  (cd "$nb" && setpriv --reuid=65534 --regid=65534 --clear-groups ./verbatim $A unreadable.csv) >out.txt 2>err.txt
  code=$?
  rm -rf "$nb"
  [ "$code" = 2 ] || fail "status $code, expected 2"
  [ -s out.txt ] && fail "output not empty"
  grep -qF "unreadable.csv:1:1: cannot open the file: Permission denied" err.txt || fail "stderr lacks the message"
  done_case
else
  echo "skip unreadable: running as root and cannot drop privileges (setpriv)"
fi
chmod 600 unreadable.csv

printf 'id,text\n1,good\n2,bad\n' >ok.csv
# a directory or a missing file where a codebook, a lexicon or a state file is expected
mkdir -p adir.codebook adir.vbs
check codebook_directory 2 0 "adir.codebook:1:1: cannot read the file: Is a directory" -- $A --codebook adir.codebook ok.csv
check lexicon_missing 2 0 "nope.tsv:1:1: cannot open the file: No such file or directory" -- $A --lexicon en:nope.tsv ok.csv
check merge_directory 2 0 "adir.vbs:1:1: cannot read the file: Is a directory" -- merge adir.vbs

# ---- output errors: never ignored ----
# full disk on standard output
n=$((n + 1)); name=stdout_full ok=1
"$bin" $A ok.csv >/dev/full 2>err.txt; code=$?
[ "$code" = 3 ] || fail "status $code, expected 3"
grep -qF "error writing standard output: No space left on device" err.txt || fail "no write error reported"
done_case
for cmd in "analyze --lang en --no-default-codebook" "tokenize" "langid"; do
  n=$((n + 1)); name="stdout_full_${cmd%% *}" ok=1
  "$bin" $cmd ok.csv >/dev/full 2>err.txt; code=$?
  [ "$code" = 3 ] || fail "status $code, expected 3"
  grep -qF "error writing standard output" err.txt || fail "no write error reported"
  done_case
done
# full disk through -o: written directly (a device is never renamed over), error reported
n=$((n + 1)); name=output_full ok=1
"$bin" $A ok.csv -o /dev/full 2>err.txt; code=$?
[ "$code" = 3 ] || fail "status $code, expected 3"
grep -qF "error writing /dev/full: No space left on device" err.txt || fail "no write error reported"
[ -c /dev/full ] || fail "/dev/full is no longer a device"
done_case
n=$((n + 1)); name=state_full ok=1
printf 'id,nps,text\n1,9,good\n' >scored.csv
"$bin" $A scored.csv --score nps --score-type nps --state /dev/full >/dev/null 2>err.txt; code=$?
[ "$code" = 3 ] || fail "status $code, expected 3"
grep -qF "error writing /dev/full" err.txt || fail "no write error reported"
done_case
# a regular file that cannot grow (RLIMIT_FSIZE, as a full disk): the old file stays intact
python3 -c "
print('id,text')
for i in range(4000): print(f'{i},good service number {i}')" >many.csv
echo "the old report" >report.jsonl
n=$((n + 1)); name=output_file_full ok=1
(trap '' XFSZ; ulimit -f 64; exec "$bin" $A many.csv -o report.jsonl) 2>err.txt; code=$?
[ "$code" = 3 ] || fail "status $code, expected 3"
grep -qF "error writing report.jsonl" err.txt || fail "no write error reported"
[ "$(cat report.jsonl)" = "the old report" ] || fail "the old report was replaced or damaged"
[ -z "$(ls report.jsonl.tmp.* 2>/dev/null)" ] || fail "a temporary file was left behind"
done_case
# and when it can be written, it is replaced whole, keeping its mode
chmod 640 report.jsonl
n=$((n + 1)); name=output_file_replaced ok=1
"$bin" $A many.csv -o report.jsonl 2>err.txt; code=$?
[ "$code" = 0 ] || fail "status $code, expected 0"
[ "$(wc -l <report.jsonl | tr -d ' ')" = 4000 ] || fail "report not complete"
[ "$(stat -c %a report.jsonl)" = 640 ] || fail "mode $(stat -c %a report.jsonl), expected 640"
done_case

echo "$((n - fails)) passed, $fails failed"
[ $fails = 0 ]
