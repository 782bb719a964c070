#!/bin/sh
# A run split into N parts (annotate --state on each) and merged gives exactly the table of
# one run over the whole file, for N = 1, 2 and 7, in every output format.
# BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 99
fails=0 n=0
for lang in en sv da he; do
  in="$src/corpora/$lang/survey.jsonl"
  opts="--score nps --score-type nps -q"
  for fmt in json tsv; do
    "$bin" analyze "$in" $opts --format $fmt | grep -v '^ "command"' >"$work/whole.$fmt" || exit 1
  done
  for parts in 1 2 7; do
    n=$((n + 1))
    rm -f "$work"/part.* "$work"/*.vbs
    split -n l/$parts -d "$in" "$work/part."
    for p in "$work"/part.*; do
      mv "$p" "$p.jsonl"
      "$bin" annotate "$p.jsonl" $opts --state "$p.vbs" >/dev/null || exit 1
    done
    ok=1
    for fmt in json tsv; do
      "$bin" merge "$work"/part.*.vbs --format $fmt | grep -v '^ "command"' >"$work/merged.$fmt"
      if ! cmp -s "$work/whole.$fmt" "$work/merged.$fmt"; then
        echo "FAIL $lang N=$parts $fmt: merged table differs"
        diff "$work/whole.$fmt" "$work/merged.$fmt" | head -10
        ok=0
      fi
    done
    if [ $ok = 1 ]; then echo "ok $lang N=$parts"; else fails=$((fails + 1)); fi
  done
done
# merging states of different score types is an error
"$bin" annotate "$src/corpora/en/survey.jsonl" --score nps --score-type rating -q --state "$work/rating.vbs" >/dev/null
n=$((n + 1))
if "$bin" merge "$work"/part.00.vbs "$work/rating.vbs" 2>"$work/err" >/dev/null; then
  echo "FAIL mixed score types merged"; fails=$((fails + 1))
elif ! grep -q "another score type or codebook" "$work/err"; then
  echo "FAIL mixed score types: wrong message"; cat "$work/err"; fails=$((fails + 1))
else
  echo "ok mixed score types refused"
fi
echo "$((n - fails)) passed, $fails failed"
[ $fails = 0 ]
