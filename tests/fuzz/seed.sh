#!/bin/sh
# seed.sh OUT_DIR - writes the initial seeds of every fuzz target (OUT_DIR/<target>/) from the
# team's sample data (corpora/, tests/cli/data/, lexicons/). The committed corpora were made by
# minimising these and what the fuzzers found with `fuzz_<target> -merge=1` (README.md).
# Each seed starts with the target's selector byte (see the fuzz_<target>.c comments).
set -e
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
[ -n "$out" ] || { echo "usage: seed.sh OUT_DIR" >&2; exit 1; }
c=$src/corpora d=$src/tests/cli/data
# seed TARGET NAME SELECTOR_OCTAL FILE [LINES]
seed() {
  mkdir -p "$out/$1"
  { [ -n "$3" ] && printf "\\$3"; if [ -n "$5" ]; then head -n "$5" "$4"; else cat "$4"; fi; } >"$out/$1/$2"
}
for l in en sv da; do
  seed csv "$l-survey" 000 "$c/$l/survey.csv" 12
  seed csv "$l-survey-small" 004 "$c/$l/survey.csv" 4
  seed jsonl "$l-survey" 000 "$c/$l/survey.jsonl" 8
  seed jsonl "$l-survey-auto" 001 "$c/$l/survey.jsonl" 3
done
seed csv small 000 "$d/small.csv"; seed csv nordic 002 "$d/nordic.csv"
printf '\000id,text\n1,fine\n2,"never closed\n3,next record\n' >"$out/csv/unterminated"
printf '\000id,text\n1,a "quoted" word\n\n2,"two\nlines",x\n' >"$out/csv/stray"
seed jsonl small 000 "$d/small.jsonl"; seed jsonl he-survey 000 "$c/he/survey.jsonl" 6
printf '\000{"id": 1, "a": {"b": {"c": [1, 2.5e3, null, true]}}, "nps": "8,5"}\n  \n{"id":1,"id":2}\n[1]\n' >"$out/jsonl/nested"
for l in en sv da he; do seed text "$l-interview" 004 "$c/transcripts/$l-interview.txt" 8; done
seed text he-survey 001 "$c/he/survey.tsv" 10; seed text small-tsv 001 "$d/small.tsv"
seed text small-txt 000 "$d/small.txt"; seed text multi 004 "$d/tok_multi.txt"
# transcript selector: bit 0 a 16-byte field limit, bit 1 the caller's interviewer names,
# bit 2 the turns analysed too
for l in en sv da he; do seed transcript "$l-interview" 004 "$c/transcripts/$l-interview.txt"; done
seed transcript interviews 000 "$d/interviews.txt"; seed transcript call-vtt 006 "$d/call.vtt"
printf '\000Speaker 1  0:03\nhello\n\nSpeaker 2  0:07\nhi\n' >"$out/transcript/otter"
printf '\003Speaker 1: hi there\nanna berg: x\nQ: y\n# k: v, k2: v2\n## b\n' >"$out/transcript/names"
for f in tok_en tok_multi langid stem_en stem_sv; do seed tokenize "$f" "" "$d/$f.txt"; done
for l in en sv da he; do
  sed -n '5,12p' "$c/transcripts/$l-interview.txt" >"$out/tokenize/$l-interview.tmp"
  mv "$out/tokenize/$l-interview.tmp" "$out/tokenize/$l-interview"
done
seed codebook mini "" "$d/mini.codebook"; seed codebook evil "" "$d/evil.codebook"
awk '/^\[/{n++} n>=1 && n<=4' "$src/lexicons/themes/cx.codebook" >"$out/codebook/cx-part"
printf '[a]\nlabel: A\nen: foo*; bar baz\nen.not: bar baz qux\nsv.re: (?i)\\bx{2,}\\b\n[a.b]\nhe.re: (a+)+$\n' >"$out/codebook/patterns"
seed codebook liwc 001 "$src/tests/golden/codebooks/cx.dic"; seed codebook yaml 002 "$src/tests/golden/codebooks/cx.yml"
seed codebook brands 003 "$src/corpora/mentions/brands.brands"; seed codebook brands-fixture 003 "$d/shops.brands"
mkdir -p "$out/lexicon" "$out/annotate"
# lexicon selector: low 3 bits kind (0 detected, 1 tsv, 2 vader, 3 afinn, 4 sentida,
# 5 modifiers, 6 emoji, 7 he vocab), bits 3-4 language (en sv da he)
printf '\001# plain list\nlumo-fantastic\t2.5\nlumo-awful\t-2\nnot bad\t1.5\n' >"$out/lexicon/tsv"
printf '\002lumo-fantastic\t3.2\t0.4\t[3, 3, 4, 3]\n' >"$out/lexicon/vader"
printf '\003lumo-fantastic\t5\nlumo-awful\t-4\n' >"$out/lexicon/afinn"
printf '\014word,score\nlumo-fantastic,5\n"lumo-awful",-4.5\n' >"$out/lexicon/sentida-sv"
printf '\000lumo-fantastic\t5\nlumo-awful\t-4\n' >"$out/lexicon/detect"
seed lexicon modifiers-en 005 "$src/lexicons/en/modifiers.tsv" 20
seed lexicon modifiers-sv 015 "$src/lexicons/sv/modifiers.tsv" 20
seed lexicon modifiers-he 035 "$src/lexicons/he/modifiers.tsv" 20
seed lexicon emoji 006 "$src/lexicons/emoji.tsv" 30
seed lexicon vocab 037 "$src/lexicons/he/vocab.txt" 30
for l in en sv da he; do
  head -n 6 "$c/$l/survey.jsonl" | sed 's/.*"text": "\([^"]*\)".*/\1/' >"$out/annotate/$l.tmp"
  mv "$out/annotate/$l.tmp" "$out/annotate/$l"
done
