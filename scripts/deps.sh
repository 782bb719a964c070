#!/bin/sh
# Installs what verbatim needs to build and test, from Debian bookworm's packages.
# Idempotent: apt-get runs only when something is missing. Needs root (or sudo).
set -e
pkgs="gcc make cmake pkg-config libpcre2-dev libutf8proc-dev libstemmer-dev libcmocka-dev
      libjansson-dev libcsv-dev libexttextcat-dev python3
      libxml2-utils chromium fonts-dejavu-core"
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
