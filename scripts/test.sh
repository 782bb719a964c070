#!/bin/sh
# The whole test suite: installs dependencies, builds with warnings as errors, runs ctest.
#   sh scripts/test.sh              normal build (build-test/)
#   sh scripts/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)
set -e
cd "$(dirname "$0")/.."
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
