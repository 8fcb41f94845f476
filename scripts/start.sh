#!/usr/bin/env bash
# `npm start`, the main job: pkgme's dependency service on its embedded default (PGlite in the data directory), with
# sample data: this machine's libraries (`depdb import --local`, incremental) and the sample upload (samples/), which
# is scanned and resolved before the server starts. Extra arguments go to `pkgme depdb serve` (e.g. -- --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s build
pkgme() { node bin/pkgme.js "$@"; }

sample="$(bash samples/build.sh)"
tree="$(mktemp -d)/upload"
trap 'rm -rf "$(dirname "$tree")"' EXIT
pkgme depdb import --local
pkgme extract "$sample" "$tree" >/dev/null
echo "== pkgme scan $(basename "$sample")"
pkgme scan "$tree"
echo "== pkgme depdb resolve"
pkgme depdb resolve "$tree"
echo "== pkgme depdb serve $*"
pkgme depdb serve "$@"
