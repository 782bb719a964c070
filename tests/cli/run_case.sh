#!/bin/sh
# Runs one golden CLI case: BINARY CASE_PATH_WITHOUT_EXT SOURCE_DIR WORK_DIR
# The .cmd file holds the arguments on one line (shell words; $WORK is a scratch folder and
# $SRC the source tree); the case runs in the source tree so that paths in messages are
# relative. An optional <case>.stdin is fed to standard input.
bin=$1 case=$2 src=$3 work=$4
name=$(basename "$case")
WORK="$work/$name"
SRC="$src"
rm -rf "$WORK" && mkdir -p "$WORK"
export WORK SRC
cd "$src" || exit 99
args=$(cat "$case.cmd")
stdin=/dev/null
[ -f "$case.stdin" ] && stdin="$case.stdin"
eval "set -- $args"
"$bin" "$@" <"$stdin" >"$WORK/stdout" 2>"$WORK/stderr"
code=$?
if [ "${VB_REGEN:-0}" = 1 ]; then
  cp "$WORK/stdout" "$case.out"
  echo "$code" >"$case.code"
  echo "regenerated $name"
  exit 0
fi
fail=0
want=$(cat "$case.code" 2>/dev/null || echo 0)
if [ "$code" != "$want" ]; then
  echo "FAIL $name: exit status $code, expected $want"
  fail=1
fi
if [ -f "$case.out" ] && ! cmp -s "$WORK/stdout" "$case.out"; then
  echo "FAIL $name: standard output differs from $case.out:"
  diff "$case.out" "$WORK/stdout" | head -40
  fail=1
fi
if [ -f "$case.err" ]; then
  while IFS= read -r line; do
    [ -z "$line" ] && continue
    if ! grep -qF -- "$line" "$WORK/stderr"; then
      echo "FAIL $name: standard error lacks: $line"
      fail=1
    fi
  done <"$case.err"
fi
if [ $fail = 1 ]; then
  echo "--- stderr:"
  head -20 "$WORK/stderr"
  exit 1
fi
echo "ok $name"
