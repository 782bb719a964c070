#!/bin/sh
# Runs the CLI tests (every golden case of tests/cli and every script of tests/scripts) with
# the verbatim binary under valgrind memcheck. A plain build (no sanitizers: valgrind and ASan
# do not mix) in build-valgrind/; a wrapper in its place makes each run of the binary a
# memcheck run, which writes its findings to build-valgrind/vg-logs/ (one suppression: PCRE2's
# JIT reads past the subject, see valgrind-pcre2-jit.supp). It passes when every test
# passes (memcheck's error exit status, 97, would fail the test) and no log holds a finding.
#   sh scripts/valgrind.sh            all of them (about half an hour of CPU)
#   sh scripts/valgrind.sh --quick    without bad_input_big.sh (a 1 GB file read under memcheck)
set -e
cd "$(dirname "$0")/.."
src=$(pwd)
sh scripts/deps.sh valgrind
b=build-valgrind
cmake -S . -B $b -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVB_BUILD_BENCH=OFF >/dev/null
cmake --build $b -j2 --target verbatim_cli >/dev/null
logs=$src/$b/vg-logs
rm -rf "$logs" && mkdir -p "$logs" && chmod 1777 "$logs" # bad_input.sh runs a case as nobody
cat >$b/vg-verbatim <<EOF
#!/bin/sh
exec valgrind -q --error-exitcode=97 --leak-check=full --show-leak-kinds=definite,indirect \\
  --errors-for-leak-kinds=definite,indirect --track-origins=yes \\
  --suppressions=$src/scripts/valgrind-pcre2-jit.supp \\
  --log-file=$logs/%q{VB_VG_TEST}.%p.log $src/$b/src/verbatim "\$@"
EOF
chmod 755 $b/vg-verbatim
bin=$src/$b/vg-verbatim
work=$src/$b/vg-work
rm -rf "$work" && mkdir -p "$work"
failed=0 ran=0
for c in tests/cli/*.cmd; do
  ran=$((ran + 1))
  VB_VG_TEST=cli.$(basename "${c%.cmd}")
  export VB_VG_TEST
  sh tests/cli/run_case.sh "$bin" "$src/${c%.cmd}" "$src" "$work/cli" >"$work/last.txt" 2>&1 ||
    { failed=$((failed + 1)); echo "FAIL ${c%.cmd}"; cat "$work/last.txt"; }
done
for t in tests/scripts/*.sh; do
  [ "${1:-}" = "--quick" ] && [ "$(basename "$t")" = bad_input_big.sh ] && continue
  ran=$((ran + 1))
  VB_VG_TEST=script.$(basename "$t" .sh)
  export VB_VG_TEST
  set +e
  sh "$t" "$bin" "$src" "$work/$(basename "$t" .sh)" >"$work/last.txt" 2>&1
  rc=$?
  set -e
  if [ $rc = 77 ]; then echo "skip $t"; continue; fi
  [ $rc = 0 ] || { failed=$((failed + 1)); echo "FAIL $t"; tail -20 "$work/last.txt"; }
done
runs=$(ls "$logs" | wc -l | tr -d ' ')
dirty=0
for l in "$logs"/*.log; do
  [ -s "$l" ] || continue
  dirty=$((dirty + 1))
  echo "memcheck findings in $l:"
  head -40 "$l"
done
echo "valgrind: $ran tests, $failed failed; $runs runs of the binary under memcheck, $dirty with findings"
[ $failed = 0 ] && [ $dirty = 0 ]
