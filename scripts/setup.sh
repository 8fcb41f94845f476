#!/usr/bin/env bash
# One-time set-up on a fresh Debian/Ubuntu machine: the Debian tools pkgme's tests use as oracles (and that pkgme
# itself calls: xz, zstd, dpkg-dev), the cross compilers that make ELF fixtures for other architectures, then npm ci.
# Idempotent: re-running it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  dpkg-dev binutils lintian xz-utils zstd bzip2 lz4 unzip zip libarchive-tools tar gzip
  gnupg gpgv liblzma-dev build-essential zlib1g-dev libpng-dev dctrl-tools debian-keyring apt-utils
  # Icons and desktop entries (issue 4): file(1) is the PNG header oracle, desktop-file-validate the .desktop one.
  file desktop-file-utils
  # PNG decode/encode/resize and SVG rasterising oracles (issue 4 icons): libpng via netpbm, pngcheck, librsvg.
  netpbm pngcheck librsvg2-bin
  # Packaging (issue 4): debhelper + fakeroot for the dpkg-buildpackage equivalence check, appstream for
  # `appstreamcli validate`, debootstrap for the install-test chroot.
  debhelper fakeroot appstream debootstrap
  # man-db + groff are lintian's groff-message oracle; tmux's man page is the real page with groff-1.23 macros.
  man-db groff-base tmux
  # ELF fixtures: 32-bit x86, arm64, armhf, and big-endian s390x (64-bit) and powerpc (32-bit).
  gcc-i686-linux-gnu gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-s390x-linux-gnu gcc-powerpc-linux-gnu
  # ELF fixtures made with as+ld only, to check the machine -> Debian architecture rule with dpkg-architecture.
  binutils-mips64el-linux-gnuabi64 binutils-mipsel-linux-gnu binutils-mips-linux-gnu
  binutils-mips64el-linux-gnuabin32 binutils-mipsisa64r6el-linux-gnuabi64 binutils-riscv64-linux-gnu
  binutils-powerpc64le-linux-gnu binutils-powerpc64-linux-gnu binutils-arm-linux-gnueabi binutils-x86-64-linux-gnux32
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

npm ci
