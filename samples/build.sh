#!/usr/bin/env bash
# Builds the sample upload: samples/hello-pkgme compiled into a binary tarball shaped the way an application developer
# ships one (bin/, lib/, share/, README, LICENSE; no debian/ metadata). Prints the tarball's path.
# Needs gcc, zlib1g-dev and libpng-dev (npm run setup installs them).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/hello-pkgme"
out="${1:-$(cd "$here/.." && pwd)/.cache/samples}"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
app="$work/hello-pkgme-1.0"
mkdir -p "$app/bin" "$app/lib" "$app/share/applications" "$app/share/icons"
gcc -O2 -g -shared -fPIC -Wl,-soname,libgreet.so.1 -o "$app/lib/libgreet.so.1" "$src/greet.c"
gcc -O2 -g -o "$app/bin/hello-pkgme" "$src/hello.c" -L"$app/lib" -l:libgreet.so.1 -lpng16 -lz -lm \
  -Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib'
cp "$src/hello-pkgme.desktop" "$app/share/applications/"
cp "$src/hello-pkgme.svg" "$app/share/icons/"
cp "$src/README" "$src/LICENSE" "$app/"
tarball="$out/hello-pkgme-1.0-linux-x86_64.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1700000000 -C "$work" -czf "$tarball" hello-pkgme-1.0
echo "$tarball"
