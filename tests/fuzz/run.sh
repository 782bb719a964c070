#!/bin/sh
# run.sh BUILD_DIR TARGET SECONDS [WORK_DIR] - one recorded fuzzing run of fuzz_TARGET on both
# cores (libFuzzer fork mode, 2 workers, at the lowest priority), starting from the committed
# corpus plus the seeds of seed.sh. Crashes and timeouts land in WORK_DIR/artifacts; at the end
# the new inputs are minimised into the committed corpus (-merge=1) and one line for README.md
# is printed (regress-* files, the crashes found and fixed, are always kept): date | target | time | executions | findings.
set -e
build=$1 t=$2 secs=$3
here=$(cd "$(dirname "$0")" && pwd)
work=${4:-/tmp/vb-fuzz-run/$t}
bin=$(cd "$build" && pwd)/tests/fuzz_$t
[ -x "$bin" ] || { echo "no $bin: build with -DVB_FUZZ=ON (README.md)" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work/corpus" "$work/artifacts" "$work/seeds"
sh "$here/seed.sh" "$work/seeds" >/dev/null
cp "$here/corpus/$t"/* "$work/corpus/" 2>/dev/null || true
cp "$work/seeds/$t"/* "$work/corpus/" 2>/dev/null || true
cd "$work"
# -timeout: an input that runs 60 s is a hang (on a loaded machine a run of 1 s can take
# ten); -ignore_crashes: keep going after a finding, so that one run collects them all.
nice -n 19 "$bin" -fork=2 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -timeout=60 \
  -rss_limit_mb=2048 -max_len=16384 -max_total_time="$secs" -artifact_prefix="$work/artifacts/" \
  corpus >log 2>&1 || true
execs=$(grep -Eo '^#[0-9]+' log | tail -1 | tr -d '#')
found=$(ls artifacts | wc -l | tr -d ' ')
# minimise everything into the committed corpus: -use_counters=0 keeps one input per covered
# edge (not per hit-count bucket), which keeps the committed corpus small (tens of files)
mkdir -p merged
nice -n 19 "$bin" -merge=1 -use_counters=0 -timeout=60 merged "$here/corpus/$t" corpus \
  >merge.log 2>&1 || true
# regression inputs (regress-*: crashes found and fixed) stay whatever their coverage
find "$here/corpus/$t" -type f ! -name 'regress-*' -delete
cp merged/* "$here/corpus/$t/"
echo "| $(date +%Y-%m-%d) | $t | ${secs} s x 2 workers | $execs | $found artifacts |"
