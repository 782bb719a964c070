#!/bin/sh
# Bad input: each case asserts the message on standard error, the exit status and that no
# record is lost (annotate writes one line per record read).  BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 99
fails=0 n=0
# check NAME EXPECTED_STATUS EXPECTED_LINES MESSAGE -- ARGS...
check() {
  name=$1 want=$2 lines=$3 text=$4
  shift 5
  n=$((n + 1))
  "$bin" "$@" >out.txt 2>err.txt
  code=$?
  got=$(wc -l <out.txt | tr -d ' ')
  ok=1
  [ "$code" = "$want" ] || { echo "FAIL $name: status $code, expected $want"; ok=0; }
  [ "$got" = "$lines" ] || { echo "FAIL $name: $got output lines, expected $lines"; ok=0; }
  grep -qF -- "$text" err.txt || { echo "FAIL $name: stderr lacks '$text'"; ok=0; }
  if [ $ok = 1 ]; then echo "ok $name"; else fails=$((fails + 1)); sed 's/^/  stderr: /' err.txt | head -5; fi
}
A="annotate -q --lang en --no-default-codebook"

printf 'id,text\n1,fine\n2,"never closed\n3,next record\n4,last one\n' >unterminated.csv
check unterminated_quote 2 4 "unterminated.csv:3:1: quoted field not closed" -- $A unterminated.csv

printf 'id,text\n1,a "quoted" word\n2,ok\n' >stray.csv
check stray_quote 2 2 "stray.csv:2:5: stray quote" -- $A stray.csv

printf 'id,text\n1,fine\n' >nocol.csv
check missing_column 2 0 "no column 'comment'; the columns are: 'id', 'text'" -- $A nocol.csv --text comment

printf 'id,text\n1,caf\351 ok\n2,fine\n' >latin1.csv
check invalid_utf8 2 2 "latin1.csv:2:6: invalid UTF-8 (byte 0xE9)" -- $A latin1.csv
check invalid_utf8_strict 2 2 "latin1.csv:2:6: invalid UTF-8" -- $A latin1.csv --strict
grep -q '"error": "invalid UTF-8 (--strict)"' out.txt || { echo "FAIL strict record not an error"; fails=$((fails + 1)); }

: >empty.csv
check empty_file 2 0 "empty.csv:1:1: the input is empty" -- $A empty.csv

printf 'id,text\n' >header.csv
check header_only 2 0 "header.csv:1:1: no records in the input after the header" -- $A header.csv

{ printf 'id,text\n1,"'; head -c 5242880 /dev/zero | tr '\0' 'a'; printf '"\n2,after the big one\n'; } >big.csv
check field_5mb 2 2 "is longer than 1048576 bytes (see --max-field)" -- $A big.csv
grep -q '"error": "field too large"' out.txt || { echo "FAIL big field record not marked"; fails=$((fails + 1)); }
check field_5mb_allowed 0 2 "2 analysed" -- annotate --lang en --no-default-codebook --max-field 8M big.csv

printf 'id,text,extra\n1,fine\n2,ok,x,y\n' >fields.csv
check field_count 2 2 "fields.csv:2:1: record has 2 fields, the header has 3" -- $A fields.csv

printf '\377\376i\000d\000' >utf16.csv
check utf16 2 0 "UTF-16" -- $A utf16.csv

check missing_file 2 0 "cannot open 'nope.csv'" -- $A nope.csv
mkdir -p adir.csv
check directory 2 0 "adir.csv" -- $A adir.csv

printf '{"id": 1, "text": "ok"}\n{"id": 2, "text": broken}\n[1,2]\n{"id": 4}\n' >bad.jsonl
check jsonl_bad 2 4 "bad.jsonl:2:" -- $A bad.jsonl

printf 'id,nps,text\n1,11,too high\n2,abc,not a number\n3,"8,5",decimal comma\n4,,missing\n' >scores.csv
check score_range 2 1 "scores.csv:2:1: score '11' is outside the nps scale" -- analyze -q --lang en --no-default-codebook scores.csv --score nps --score-type nps --format tsv
check score_text 2 1 "scores.csv:3:1: score 'abc' is not a number" -- analyze --lang en --no-default-codebook scores.csv --score nps --score-type rating --format tsv

echo "$((n - fails)) passed, $fails failed"
[ $fails = 0 ]
