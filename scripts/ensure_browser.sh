#!/bin/sh
# Makes sure Debian's Chromium is there for the demo's real-browser tests (`make test`).
# Installs it with apt-get when it is missing and this user may (root, or passwordless
# sudo), as CI does; otherwise fails at once with one line that says what to run.
set -eu

CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
INSTALL="apt-get install -y chromium"

if [ -x "$CHROMIUM_BIN" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  as=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  as="sudo -n"
else
  echo "make: Chromium is missing for the browser tests; run: sudo $INSTALL" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "make: Chromium is missing for the browser tests and there is no apt-get;" \
    "install Chromium so that $CHROMIUM_BIN exists" >&2
  exit 1
fi
echo "make: installing Debian's chromium for the browser tests"
export DEBIAN_FRONTEND=noninteractive
$as apt-get update -qq
$as apt-get install -y -qq chromium >/dev/null
if [ ! -x "$CHROMIUM_BIN" ]; then
  echo "make: apt-get installed chromium but $CHROMIUM_BIN is not there; run: $INSTALL" >&2
  exit 1
fi
