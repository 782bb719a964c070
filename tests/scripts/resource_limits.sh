#!/bin/sh
# Resource limits: a user's PCRE2 pattern that backtracks catastrophically on a long line is
# stopped by the match/depth/heap limits (a warning at the record's position, the record still
# analysed, the other themes still found, no hang); the caps on record size and field count
# give clear messages and error records.   BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 99
fails=0 n=0
fail() { echo "FAIL $name: $*"; ok=0; }
finish() {
  if [ $ok = 1 ]; then echo "ok $name"; else fails=$((fails + 1)); sed 's/^/  stderr: /' err.txt | head -5; fi
}
# run SECONDS CMD...: with a time limit (a hang is a failure, not a stuck CI)
run() {
  secs=$1
  shift
  timeout "$secs" "$@" >out.txt 2>err.txt
  code=$?
  [ "$code" = 124 ] && fail "did not finish in $secs s"
}

# delivery(a+)+$ on 'delivery', 20,000 'a' and a 'b' backtracks 2^20000 ways (it runs: the
# text holds its literal); (\w|\w\w)+$ on 30,000 'x' and a '!' as well; the patterns without
# literals run joined in one alternation, which stops as a whole (a required \d or a single
# character such as '%' counts as a literal, so the third one uses a class)
cat >evil.codebook <<'EOF'
[catastrophic]
label: a pattern that backtracks without end
en.re: delivery(a+)+$
[nested.alt]
label: another one, without literals
en.re: (?:\w|\w\w)+$
[digits]
label: a third one, also without literals
en.re: (?:[xy]|[xy][xy])+$
[delivery]
label: an ordinary theme
en: delivery
EOF
python3 -c "
print('id\ttext')
print('1\tthe delivery, delivery' + 'a' * 20000 + 'b')
print('2\tthe delivery was fine')
print('3\t' + 'x' * 30000 + '!')" >long.tsv
n=$((n + 1)); name=catastrophic_pattern ok=1
run 60 "$bin" annotate --lang en --no-default-codebook --codebook evil.codebook -q --format tsv long.tsv
[ "$code" = 0 ] || fail "status $code, expected 0 (a warning is not an error)"
[ "$(wc -l <out.txt | tr -d ' ')" = 4 ] || fail "not one line per record"
grep -qF "long.tsv:2:1: warning: 2 codebook patterns (the first of theme 'catastrophic') hit a PCRE2 limit (match, depth or heap) on this text and stopped: no match from them here" err.txt || fail "no warning for record 1"
grep -qF "long.tsv:4:1: warning: 1 codebook pattern (the first among those without literals) hit a PCRE2 limit" err.txt || fail "no warning for record 3"
grep -q '^1	en	.*	delivery$' out.txt || fail "record 1 lost its other theme"
grep -q '^2	en	.*	delivery|nested.alt$' out.txt || fail "record 2 not analysed"
grep -qF "long.tsv:3:" err.txt && fail "record 2 warned about"
finish

# the same through analyze with several workers: the run ends, the table is made
n=$((n + 1)); name=catastrophic_pattern_analyze ok=1
run 60 "$bin" analyze --lang en --no-default-codebook --codebook evil.codebook -q --format tsv -j 2 long.tsv
[ "$code" = 0 ] || fail "status $code, expected 0"
grep -q '^delivery	' out.txt || fail "no table row for delivery"
finish

# record size: a field over --max-field makes an error record with a clear message
python3 -c "
print('id,text')
print('1,' + 'w ' * 3000)
print('2,short')" >wide.csv
n=$((n + 1)); name=record_size_cap ok=1
run 60 "$bin" annotate --lang en --no-default-codebook --max-field 4K wide.csv
[ "$code" = 2 ] || fail "status $code, expected 2"
[ "$(wc -l <out.txt | tr -d ' ')" = 2 ] || fail "not one line per record"
grep -qF "wide.csv:2:1: line longer than 69632 bytes" err.txt && fail "the line limit is field + 64K, not hit here"
grep -qF "wide.csv:2:1: a field is longer than 4096 bytes (see --max-field); record kept as an error" err.txt || fail "no message"
grep -q '"id": "1", "error": "field too large"' out.txt || fail "record 1 not an error record"
finish

# field count: more than 10,000 fields in a record
python3 -c "
print('id,text')
print('1,' + ','.join(['x'] * 12000))
print('2,short')" >many.csv
n=$((n + 1)); name=field_count_cap ok=1
run 60 "$bin" annotate --lang en --no-default-codebook many.csv
[ "$code" = 2 ] || fail "status $code, expected 2"
[ "$(wc -l <out.txt | tr -d ' ')" = 2 ] || fail "not one line per record"
grep -qF "many.csv:2:1: more than 10000 fields in this record (the limit); record kept as an error" err.txt || fail "no message"
grep -q '"id": "1", "error": "too many fields"' out.txt || fail "record 1 not an error record"
finish
python3 -c "
print('id\ttext')
print('1\t' + '\t'.join(['x'] * 12000))
print('2\tshort')" >many.tsv
n=$((n + 1)); name=field_count_cap_tsv ok=1
run 60 "$bin" annotate --lang en --no-default-codebook many.tsv
[ "$code" = 2 ] || fail "status $code, expected 2"
[ "$(wc -l <out.txt | tr -d ' ')" = 2 ] || fail "not one line per record"
grep -qF "many.tsv:2:20001: more than 10000 fields in this record (the limit)" err.txt || fail "no message"
grep -q '"id": "1", "error": "too many fields"' out.txt || fail "record 1 not an error record"
finish

echo "$((n - fails)) passed, $fails failed"
[ $fails = 0 ]
