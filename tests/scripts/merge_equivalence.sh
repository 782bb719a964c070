#!/bin/sh
# A run split into N parts (annotate --state on each) and merged gives exactly the table of
# one run over the whole file, for N = 1, 2 and 7, in JSON (everything: themes, quotes,
# segments, periods, attribution, rising themes, drivers, mismatches, testimonials) and, for
# the Swedish sample, in every TSV table too; the same with -j 3 (worker threads merge their
# aggregates as well); with a brand list, its brand tables; a survey's two questions; and
# mentions without a score, by day.
# BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 99
fails=0 n=0
tables="themes scores segments segment-themes periods period-themes attribution rising drivers mismatch quotes testimonials pairs"
# the whole run: JSON and each TSV table
whole() { # INPUT OPTIONS...
  in=$1
  shift
  "$bin" analyze "$in" "$@" --format json | grep -v '^ "command"' >"$work/whole.json" || return 1
  for t in $tables; do
    "$bin" analyze "$in" "$@" --format tsv --table $t >"$work/whole.$t.tsv" || return 1
  done
}
compare() { # LABEL (merged.* against whole.*)
  ok=1
  for f in json $(for t in $tables; do echo $t.tsv; done); do
    if ! cmp -s "$work/whole.$f" "$work/merged.$f"; then
      echo "FAIL $1 $f: merged table differs"
      diff "$work/whole.$f" "$work/merged.$f" | head -10
      ok=0
    fi
  done
  n=$((n + 1))
  if [ $ok = 1 ]; then echo "ok $1"; else fails=$((fails + 1)); fi
}
states() { # PARTS INPUT OPTIONS...: the input split into PARTS, a state of each part
  parts=$1 in=$2
  shift 2
  rm -f "$work"/part.* "$work"/*.vbs
  split -n l/$parts -d "$in" "$work/part."
  for p in "$work"/part.*; do
    mv "$p" "$p.jsonl"
    "$bin" annotate "$p.jsonl" "$@" --state "$p.vbs" >/dev/null || exit 1
  done
}
merged() { # STATES...
  "$bin" merge "$@" --format json | grep -v '^ "command"' >"$work/merged.json"
  for t in $tables; do "$bin" merge "$@" --format tsv --table $t >"$work/merged.$t.tsv"; done
}
all_tables=$tables
for lang in en sv da he; do
  in="$src/corpora/$lang/survey.jsonl"
  if [ $lang = sv ]; then tables=$all_tables; else tables=""; fi
  set -- --score nps --score-type nps --by channel --date date --period month --drivers -q
  whole "$in" "$@" || exit 1
  for parts in 1 2 7; do
    states $parts "$in" "$@"
    merged "$work"/part.*.vbs
    compare "$lang N=$parts"
  done
  # worker threads: their aggregates are merged too
  "$bin" analyze "$in" "$@" -j 3 --format json | grep -v '^ "command"' >"$work/merged.json"
  for t in $tables; do "$bin" analyze "$in" "$@" -j 3 --format tsv --table $t >"$work/merged.$t.tsv"; done
  compare "$lang -j 3"
done
# the weekly table of two score columns (the second a rating), states merged in reverse order
tables=$all_tables
in="$src/corpora/sv/survey.jsonl"
set -- --score nps --score-type nps --score nps --score-type rating --by channel --date date --period week -q
whole "$in" "$@" || exit 1
states 7 "$in" "$@"
merged $(ls -r "$work"/part.*.vbs)
compare "sv two scores, weeks, reverse order"
# a survey's two questions: the tables per question merge too, and -j 3 gives the same
tables="themes segments questions question-themes"
in="$src/tests/browser/data/questions.jsonl"
set -- --text liked --text improve --score nps --score-type nps --by channel --lang en -q
whole "$in" "$@" || exit 1
grep -q '"question": "improve"' "$work/whole.json" || { echo "FAIL: no question rows"; fails=$((fails + 1)); }
states 4 "$in" "$@"
merged "$work"/part.*.vbs
compare "questions, 4 parts"
"$bin" analyze "$in" "$@" -j 3 --format json | grep -v '^ "command"' >"$work/merged.json"
for t in $tables; do "$bin" analyze "$in" "$@" -j 3 --format tsv --table $t >"$work/merged.$t.tsv"; done
compare "questions -j 3"
# merging states made with different options is an error
"$bin" annotate "$src/corpora/en/survey.jsonl" --score nps --score-type rating -q --state "$work/rating.vbs" >/dev/null
"$bin" annotate "$src/corpora/en/survey.jsonl" --score nps --score-type nps --by channel -q --state "$work/by.vbs" >/dev/null
"$bin" annotate "$src/corpora/en/survey.jsonl" --score nps --score-type nps --by date -q --state "$work/bydate.vbs" >/dev/null
for other in rating by bydate; do
  n=$((n + 1))
  first=$work/part.00.vbs
  [ $other = bydate ] && first=$work/by.vbs
  if "$bin" merge "$first" "$work/$other.vbs" 2>"$work/err" >/dev/null; then
    echo "FAIL $other merged"; fails=$((fails + 1))
  elif ! grep -q "another score type or codebook" "$work/err"; then
    echo "FAIL $other: wrong message"; cat "$work/err"; fails=$((fails + 1))
  else
    echo "ok states made with other options ($other) refused"
  fi
done
# with a brand list: the brands' rows per segment and period, and their rising counts
tables="themes brands segment-brands period-brands rising brand-themes brand-pairs"
in="$src/corpora/en/survey.jsonl"
set -- --score nps --score-type nps --by channel --date date --period week \
  --brands "$src/corpora/mentions/brands.brands" -q
whole "$in" "$@" || exit 1
states 3 "$in" "$@"
merged "$work"/part.*.vbs --brands "$src/corpora/mentions/brands.brands"
compare "en with brands, weeks"
grep -q '"brand": "brand.lumo"' "$work/merged.json" || { echo "FAIL: no brand rows"; fails=$((fails + 1)); }
grep -q '"brand": "brand.lumo", "theme": ' "$work/merged.json" ||
  { echo "FAIL: no themes mentioned with a brand"; fails=$((fails + 1)); }
# mentions have no score: a scoreless run by day, in 5 parts, merges to the same table
tables="themes brands periods period-brands rising brand-themes brand-pairs brand-switches"
cat "$src"/corpora/mentions/*.jsonl >"$work/mentions.jsonl"
in="$work/mentions.jsonl"
set -- --date date --period day --brands "$src/corpora/mentions/brands.brands" -q
whole "$in" "$@" || exit 1
states 5 "$in" "$@"
merged "$work"/part.*.vbs --brands "$src/corpora/mentions/brands.brands"
compare "mentions without a score, days"
grep -q '"theme": "brand.parcelo", "mentions": "all", "count": 69' "$work/merged.json" ||
  { echo "FAIL: the courier outage is not among the rising themes"; fails=$((fails + 1)); }
grep -q '"pairs": \[$' "$work/merged.json" && grep -q '{"a": {"brand": "brand.lumo", "n": ' "$work/merged.json" ||
  { echo "FAIL: no brands named together"; fails=$((fails + 1)); }
grep -q '"switches": {"flows": \[$' "$work/merged.json" ||
  { echo "FAIL: no switches between brands"; fails=$((fails + 1)); }
# no score, nothing to attribute: the attribution column stays empty
[ -z "$(sed 1d "$work/merged.periods.tsv" | cut -f17 | tr -d '\n')" ] ||
  { echo "FAIL: an attribution without a score"; fails=$((fails + 1)); }
echo "$((n - fails)) passed, $fails failed"
[ $fails = 0 ]
