#!/usr/bin/env bash
# `npm start`, the main job: pkgme's dependency service on its embedded default (PGlite in the data directory), with
# sample data: this machine's libraries (`depdb import --local`, incremental) and the sample upload (samples/), which
# is scanned, resolved, packaged and built (`pkgme build`: source package, .deb and report in the data directory's
# packages/) before the server starts. Extra arguments go to `pkgme depdb serve` (e.g. -- --port 9000).
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
data="${PKGME_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/pkgme}"
echo "== pkgme build $(basename "$sample") --out $data/packages"
pkgme build "$sample" --out "$data/packages"
echo "(the source package, the .deb and the report <package>_<version>.pkgme.json are in $data/packages)"
echo "== pkgme depdb serve $*"
pkgme depdb serve "$@"
