#!/bin/sh
# The big cases of the bad-input catalogue: a 50 MB field and a 1 GB file of one line. Both are
# generated here, in the build folder, and deleted at the end: nothing big is committed or
# kept. Each asserts the message, the exit status, the record accounting, and that memory stays
# bounded (the reader skips an over-long line to its end without storing it: peak RSS is
# measured and must stay under 256 MB, far below the input).
#   BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 99
command -v python3 >/dev/null || { echo "python3 needed"; exit 77; }
fails=0 n=0
fail() { echo "FAIL $name: $*"; ok=0; }
# run CMD...: runs it with stdout in out.txt, stderr in err.txt; sets code and rss (peak KB)
run() {
  python3 - "$@" <<'EOF' >rss.txt
import resource, subprocess, sys
with open("out.txt", "wb") as o, open("err.txt", "wb") as e:
    code = subprocess.call(sys.argv[1:], stdout=o, stderr=e)
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
EOF
  read -r code rss <rss.txt
}
finish() {
  if [ $ok = 1 ]; then echo "ok $name (peak RSS ${rss} KB)"; else fails=$((fails + 1)); sed 's/^/  stderr: /' err.txt | head -5; fi
}
A="annotate -q --lang en --no-default-codebook"
limit=262144

# a 50 MB quoted field: over the 1 MiB default, the record is an error, the next one is read
n=$((n + 1)); name=field_50mb ok=1
{ printf 'id,text\n1,"'; head -c 52428800 /dev/zero | tr '\0' 'a'; printf '"\n2,after the big one\n'; } >big50.csv
run "$bin" $A big50.csv
[ "$code" = 2 ] || fail "status $code, expected 2"
[ "$(wc -l <out.txt | tr -d ' ')" = 2 ] || fail "not one line per record"
grep -q '"id": "1", "error": "field too large"' out.txt || fail "record 1 not an error record"
grep -q '"id": "2", "lang"' out.txt || fail "record 2 not analysed"
grep -qF "big50.csv:2:1: line longer than 1114112 bytes: a field is longer than 1048576 bytes (see --max-field); record kept as an error" err.txt || fail "message"
[ "$rss" -lt $limit ] || fail "peak RSS $rss KB"
finish
rm -f big50.csv
# a 5 MB field allowed with --max-field: it is read and analysed (5 MB, not 50: one text of
# 50 MB takes minutes under the sanitizers, and the path is the same)
n=$((n + 1)); name=field_5mb_allowed ok=1
{ printf 'id,text\n1,"'; head -c 5242880 /dev/zero | tr '\0' 'a'; printf '"\n2,after the big one\n'; } >big5.csv
run "$bin" $A --max-field 8M --format tsv big5.csv
[ "$code" = 0 ] || fail "status $code, expected 0"
[ "$(grep -c '	en	' out.txt)" = 2 ] || fail "both records should be analysed"
finish
rm -f big5.csv

# a 1 GB file of one line (plain text: one record), then a second line
n=$((n + 1)); name=line_1gb_file ok=1
{ head -c 1073741824 /dev/zero | tr '\0' 'x'; printf '\nsecond line\n'; } >big1g.txt
run "$bin" $A big1g.txt
[ "$code" = 2 ] || fail "status $code, expected 2"
[ "$(wc -l <out.txt | tr -d ' ')" = 2 ] || fail "not one line per record"
grep -q '"id": "1", "error": "field too large"' out.txt || fail "record 1 not an error record"
grep -q '"id": "2", "lang"' out.txt || fail "record 2 not analysed"
grep -qF "big1g.txt:1:1: line longer than 1114112 bytes" err.txt || fail "message"
[ "$rss" -lt $limit ] || fail "peak RSS $rss KB"
finish
rm -f big1g.txt

# the same through a pipe, as CSV with a header: nothing is stored anywhere
n=$((n + 1)); name=line_1gb_stdin ok=1
python3 - "$bin" $A --input-format csv - <<'EOF' >rss.txt
import resource, subprocess, sys
with open("out.txt", "wb") as o, open("err.txt", "wb") as e:
    p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=o, stderr=e)
    p.stdin.write(b"id,text\n1,")
    block = b"y" * (1 << 20)
    for _ in range(1024):
        p.stdin.write(block)
    p.stdin.write(b"\n2,fine\n")
    p.stdin.close()
    code = p.wait()
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
EOF
read -r code rss <rss.txt
[ "$code" = 2 ] || fail "status $code, expected 2"
[ "$(wc -l <out.txt | tr -d ' ')" = 2 ] || fail "not one line per record"
grep -qF "<stdin>:2:1: line longer than 1114112 bytes" err.txt || fail "message"
[ "$rss" -lt $limit ] || fail "peak RSS $rss KB"
finish

echo "$((n - fails)) passed, $fails failed"
[ $fails = 0 ]
