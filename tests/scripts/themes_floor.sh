#!/bin/sh
# The themes regression floor: when the evaluation corpora are beside the checkout
# (../shared/corpora), every headline number of docs/themes-eval.md (airline reasons macro-F1,
# SemEval categories micro-F1 and aspect polarity, CFPB, app reviews, the discovery count) must
# still be reached within 0.02. Skipped (77) where the corpora are absent.
# BINARY SOURCE_DIR WORK_DIR
bin=$1 src=$2 work=$3
corpora="$src/../shared/corpora"
if [ ! -d "$corpora" ]; then
  echo "skipped: no evaluation corpora at $corpora"
  exit 77
fi
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
mkdir -p "$(dirname "$work")"
python3 "$src/tools/eval_themes.py" --verbatim "$bin" --corpora "$corpora" \
  --check "$src/docs/themes-eval.md" >"$work.log" 2>&1
rc=$?
grep -E "headline|regression|check:" "$work.log" | tail -10
[ $rc = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
