/**
 * The auto-packaging-rate corpus (issue 4, "Real-world check"): real applications nobody here wrote, turned into the
 * uploads a developer would hand over. Two kinds:
 *
 * - `debian`: a bookworm amd64 application package, re-shaped by reshape.ts into a bare tarball
 *   `<name>-<upstream>/` (bin/, lib/ for private libraries with RUNPATH rewritten to `$ORIGIN`, share/ data and
 *   icons, a .desktop file, LICENSE, README). No debian/ metadata, no /usr layout. Versions are not pinned: a bookworm
 *   point release removes superseded versions from the mirror, so a pin would break the fetch; the versions used are
 *   recorded in every run's result instead.
 * - `npm`: prebuilt Linux executables and .node addons as the npm registry ships them (`npm pack`, pinned versions);
 *   `with` adds packages that are installed beside it (node_modules/ layout), as npm would lay them out.
 *
 * The list mixes command-line tools and desktop applications, programs with private libraries (RUNPATH), with data
 * directories, static and dynamic executables. Members are never dropped because they fail: a failing member is
 * a finding (docs/accuracy.md, "Auto-packaging rate").
 */

export type Member =
  | { kind: 'debian'; package: string; traits: string[] }
  | { kind: 'npm'; spec: string; with?: string[]; traits: string[] };

const deb = (pkg: string, ...traits: string[]): Member => ({ kind: 'debian', package: pkg, traits });
const npm = (spec: string, traits: string[], withPkgs?: string[]): Member =>
  withPkgs ? { kind: 'npm', spec, with: withPkgs, traits } : { kind: 'npm', spec, traits };

export const MEMBERS: Member[] = [
  // Desktop applications (a .desktop file and hicolor icons).
  deb('audacity', 'gui', 'private-libs', 'data'),
  deb('inkscape', 'gui', 'private-libs', 'data'),
  deb('darktable', 'gui', 'private-libs', 'data'),
  deb('keepassxc', 'gui', 'private-libs'),
  deb('hexchat', 'gui', 'plugins'),
  deb('qbittorrent', 'gui'),
  deb('transmission-gtk', 'gui'),
  deb('mousepad', 'gui'),
  deb('geeqie', 'gui', 'data'),
  deb('mtpaint', 'gui'),
  deb('xournalpp', 'gui', 'data'),
  deb('rawtherapee', 'gui', 'data'),
  deb('gimp', 'gui', 'private-executables', 'data'),
  deb('lmms', 'gui', 'private-libs', 'data'),
  deb('pavucontrol', 'gui'),
  deb('xterm', 'gui'),
  deb('feh', 'gui', 'data'),
  deb('mpv', 'gui'),
  deb('dosbox', 'gui'),
  deb('hedgewars', 'gui'),
  // Command-line tools.
  deb('jq', 'cli'),
  deb('ripgrep', 'cli', 'rust'),
  deb('fd-find', 'cli', 'rust'),
  deb('bat', 'cli', 'rust'),
  deb('hexyl', 'cli', 'rust'),
  deb('htop', 'cli'),
  deb('tmux', 'cli'),
  deb('curl', 'cli'),
  deb('git', 'cli', 'private-executables', 'data'),
  deb('neovim', 'cli', 'data'),
  deb('mc', 'cli', 'private-executables', 'data'),
  deb('aria2', 'cli'),
  deb('zstd', 'cli'),
  deb('p7zip-full', 'cli', 'private-libs'),
  deb('sqlite3', 'cli'),
  deb('shellcheck', 'cli', 'haskell'),
  deb('busybox', 'cli', 'static'),
  deb('btop', 'cli'),
  // Prebuilt binaries from the npm registry.
  npm('@esbuild/linux-x64@0.28.2', ['cli', 'go', 'static']),
  npm('@biomejs/cli-linux-x64@2.6.8', ['cli', 'rust']),
  npm('turbo-linux-64@2.8.17', ['cli', 'go']),
  npm('@oxlint/linux-x64-gnu@1.43.0', ['cli', 'rust']),
  npm('@dprint/linux-x64-glibc@0.57.4', ['cli', 'rust']),
  npm('@rollup/rollup-linux-x64-gnu@4.68.7', ['node-addon']),
  npm('lightningcss-linux-x64-gnu@1.33.0', ['node-addon']),
  npm('@swc/core-linux-x64-gnu@1.16.22', ['node-addon']),
  npm('@tailwindcss/oxide-linux-x64-gnu@4.3.5', ['node-addon']),
  npm('@parcel/watcher-linux-x64-glibc@2.6.0', ['node-addon']),
  npm('@resvg/resvg-js-linux-x64-gnu@2.6.2', ['node-addon']),
  npm('@img/sharp-linux-x64@0.35.5', ['node-addon', 'bundled-libs'], ['@img/sharp-libvips-linux-x64@1.3.4']),
];

/** A stable identifier of a member (report rows, file names). */
export function memberId(m: Member): string {
  return m.kind === 'debian' ? m.package : m.spec.replace(/@[^@]*$/, '');
}
