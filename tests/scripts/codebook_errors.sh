#!/bin/sh
# Every way a LIWC or YAML codebook can be wrong, with the FILE:LINE:COLUMN it must be reported
# at: each tests/golden/codebooks/err_* must fail with exit status 2 and exactly the message
# listed for it in errors.expected.  BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
cd "$src" || exit 99
mkdir -p "$(dirname "$work")"
pass=0 fail=0
for f in tests/golden/codebooks/err_*; do
  "$bin" codebook check -q "$f" >/dev/null 2>"$work.err"
  code=$?
  want=$(grep -F "$f:" tests/golden/codebooks/errors.expected)
  got=$(cat "$work.err")
  if [ "$code" != 2 ] || [ -z "$want" ] || [ "$got" != "$want" ]; then
    echo "FAIL $f: exit $code"
    echo "  want: $want"
    echo "  got:  $got"
    fail=$((fail + 1))
  else
    pass=$((pass + 1))
  fi
done
# every expected message belongs to a file that exists
while IFS= read -r line; do
  f=${line%%:*}
  [ -f "$f" ] || { echo "FAIL: errors.expected names a missing file: $f"; fail=$((fail + 1)); }
done <tests/golden/codebooks/errors.expected
echo "$pass passed, $fail failed"
[ $fail = 0 ]
