#!/bin/sh
# Worker threads change nothing but the speed: annotate (jsonl, tsv, --explain), analyze and
# the aggregate state are byte for byte the same with -j 1, 2, 3 and 7, on an input of many
# batches in all four languages (records from the sample corpora, repeated).
# BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 99
in="$work/mixed.jsonl"
for k in 1 2 3 4; do
  for lang in en sv da he; do cat "$src/corpora/$lang/survey.jsonl"; done
done >"$in"
records=$(wc -l <"$in")
[ "$records" -gt 5000 ] || { echo "FAIL: the input has only $records records"; exit 1; }
fails=0
for j in 1 2 3 7; do
  "$bin" annotate -q -j $j "$in" >"$work/annotate.$j.jsonl" || exit 1
  "$bin" annotate -q --jobs=$j --format tsv "$in" >"$work/annotate.$j.tsv" || exit 1
  "$bin" annotate -q -j$j --explain "$in" >"$work/explain.$j.jsonl" || exit 1
  "$bin" annotate -q -j $j --score nps --score-type nps --state "$work/state.$j.vbs" "$in" \
    >/dev/null || exit 1
  "$bin" analyze -q -j $j --score nps --format json "$in" | grep -v '"command"' \
    >"$work/analyze.$j.json" || exit 1
done
for f in annotate.jsonl annotate.tsv explain.jsonl state.vbs analyze.json; do
  base=${f%.*} ext=${f##*.}
  for j in 2 3 7; do
    if ! cmp -s "$work/$base.1.$ext" "$work/$base.$j.$ext"; then
      echo "FAIL $f: -j $j differs from -j 1"
      fails=$((fails + 1))
    fi
  done
done
# one line per record, in input order
lines=$(wc -l <"$work/annotate.7.jsonl")
[ "$lines" -eq "$records" ] || { echo "FAIL: $lines lines for $records records"; fails=$((fails + 1)); }
ids_in=$(sed 's/.*"id": *"\{0,1\}\([^",]*\).*/\1/' "$in" | md5sum)
ids_out=$(sed 's/^{"id": "\([^"]*\)".*/\1/' "$work/annotate.7.jsonl" | md5sum)
[ "$ids_in" = "$ids_out" ] || { echo "FAIL: ids out of input order with -j 7"; fails=$((fails + 1)); }
# bad thread counts are usage errors
for bad in 0 -1 x 1000; do
  "$bin" annotate -q -j "$bad" "$in" >/dev/null 2>&1
  rc=$?
  [ $rc -eq 1 ] || { echo "FAIL: -j $bad exits $rc, not 1"; fails=$((fails + 1)); }
done
[ $fails -eq 0 ] && echo "ok: -j 1, 2, 3, 7 give identical outputs on $records records"
exit $fails
