#!/bin/sh
# Installs what verbatim needs to build and test, from Debian bookworm's packages.
# Idempotent: apt-get runs only when something is missing. Needs root (or sudo).
#   sh scripts/deps.sh           what the build and the tests need
#   sh scripts/deps.sh tidy      also clang and clang-tidy (the static analyser: test.sh --tidy)
#   sh scripts/deps.sh fuzz      also clang and its libFuzzer runtime (tests/fuzz/README.md)
#   sh scripts/deps.sh valgrind  also valgrind (scripts/valgrind.sh)
set -e
pkgs="gcc make cmake pkg-config libpcre2-dev libutf8proc-dev libstemmer-dev libcmocka-dev
      libjansson-dev libcsv-dev libzip-dev libexttextcat-data python3
      libxml2-utils chromium fonts-dejavu-core"
case "${1:-}" in
  tidy) pkgs="$pkgs clang clang-tidy" ;;
  fuzz) pkgs="$pkgs clang libclang-rt-14-dev" ;;
  valgrind) pkgs="$pkgs valgrind" ;;
esac
missing=""
for p in $pkgs; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "installing:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
