#!/bin/sh
# The whole test suite: installs dependencies, builds with warnings as errors, runs ctest.
#   sh scripts/test.sh              normal build (build-test/)
#   sh scripts/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)
#   sh scripts/test.sh --tidy       the static checks: clang-tidy with the checks of
#                                   .clang-tidy (the Clang Static Analyzer) on the library and
#                                   the CLI, every warning an error (build-tidy/); then a
#                                   Release build (-O3) of everything with warnings as errors,
#                                   because gcc warns about more at -O3 (build-release/)
set -e
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--tidy" ]; then
  sh scripts/deps.sh tidy
  # only configured: compile_commands.json is all clang-tidy needs
  cmake -S . -B build-tidy -DCMAKE_C_COMPILER=clang -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DVB_BUILD_TESTS=OFF -DVB_BUILD_BENCH=OFF >/dev/null
  # one file per clang-tidy (clang 14's valist checker misreads every file after the first
  # in one process: va_start is not recognised any more), two at a time; xargs fails when any
  # clang-tidy does
  ls src/*.c src/cli/*.c | xargs -P 2 -n 1 clang-tidy -p build-tidy --quiet
  echo "clang-tidy: no findings"
  cmake -S . -B build-release -DVB_WERROR=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build-release -j2 >/dev/null
  echo "Release build (-O3): no warnings"
  exit 0
fi
sh scripts/deps.sh
dir=build-test
extra=""
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  extra="-DVB_SANITIZE=address,undefined"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
cmake -S . -B "$dir" -DVB_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo $extra >/dev/null
cmake --build "$dir" -j2
cd "$dir" && ctest --output-on-failure -j2
