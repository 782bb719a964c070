#!/bin/sh
# The codebook snippet of `verbatim discover` is ready to use: it loads as a codebook, and with
# it the phrases it lists are covered (a second discover flags them). Also: two runs give the
# same bytes, a run whose table is pruned still ranks the strongest phrase first, and the
# spellings merged into a phrase are in its snippet.
# BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
mkdir -p "$(dirname "$work")"
cd "$src" || exit 99
in=tests/golden/discover/feedback.csv
cb="--no-default-codebook --codebook tests/cli/data/mini.codebook"
"$bin" discover $in --score nps $cb --min-support 2 --top 10 -q --snippet "$work.snippet" \
  --format tsv >"$work.1" || { echo "FAIL: discover"; exit 1; }
"$bin" discover $in --score nps $cb --min-support 2 --top 10 -q --format tsv >"$work.2"
cmp -s "$work.1" "$work.2" || { echo "FAIL: two runs differ"; exit 1; }
"$bin" codebook check -q "$work.snippet" >"$work.themes" || { echo "FAIL: the snippet does not load"; exit 1; }
n=$(grep -c '^discovered\.' "$work.themes")
[ "$n" -ge 5 ] || { echo "FAIL: only $n themes in the snippet"; exit 1; }
# with the snippet loaded as well, every phrase it proposed is covered
"$bin" discover $in --score nps $cb --codebook "$work.snippet" --min-support 2 --top 10 -q \
  --format tsv >"$work.3" || { echo "FAIL: discover with the snippet"; exit 1; }
uncovered=$(awk -F'\t' 'NR > 1 && $14 == "" {n++} END {print n + 0}' "$work.3")
[ "$uncovered" = 0 ] || { echo "FAIL: $uncovered phrases still uncovered"; cat "$work.3"; exit 1; }
# a table of 40 entries: pruned, yet the top phrase is the same
"$bin" discover $in --score nps $cb --min-support 2 --top 1 -q --max-ngrams 40 --format tsv >"$work.4"
[ "$(sed -n 2p "$work.4" | cut -f2)" = "$(sed -n 2p "$work.1" | cut -f2)" ] ||
  { echo "FAIL: pruning changed the top phrase"; exit 1; }
# spellings merged into a phrase (hrs under hours) are terms of its snippet too, so the
# snippet covers every record of the row, not only those with the spelled-out word
v=tests/golden/discover/variants.csv
"$bin" discover $v --score nps $cb --min-support 2 --top 6 -q --snippet "$work.vsnippet" \
  --format tsv >"$work.5" || { echo "FAIL: discover variants"; exit 1; }
grep -qx 'en: hours; hrs' "$work.vsnippet" || { echo "FAIL: no 'en: hours; hrs' in the snippet"; cat "$work.vsnippet"; exit 1; }
"$bin" discover $v --score nps $cb --codebook "$work.vsnippet" --min-support 2 --top 6 -q \
  --format tsv >"$work.6" || { echo "FAIL: discover variants with the snippet"; exit 1; }
hours=$(awk -F'\t' '$2 == "hours" {print $13}' "$work.6")
[ "$hours" = 1 ] || { echo "FAIL: 'hours' covered $hours with its snippet, not 1"; cat "$work.6"; exit 1; }
echo "1 passed, 0 failed"
