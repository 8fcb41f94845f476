/**
 * What debhelper's `dh binary` does to the staged package tree, mirrored in-process so the .deb pkgme builds equals
 * the one `dpkg-buildpackage` builds from the generated source package (the equivalence test compares them). Each
 * function names the dh command it mirrors and follows that command's code in debhelper 13.11 (bookworm's), read
 * from /usr/bin/dh_* and Debian/Debhelper/Dh_Lib.pm on this machine:
 *
 * - dh_link:       every symlink rewritten by Dh_Lib::make_symlink (relative inside one top directory, absolute
 *                  across, "." and ".." expanded lexically);
 * - dh_compress:   which files get gzip -9n (man/info pages; docs > 4 KiB, changelog*, NEWS*, minus a list of
 *                  already-compressed or web formats), a-x on them, links to them renamed to .gz;
 * - dh_fixperms:   go=rX,u+rw,a-s on everything; 0644 for docs, man pages, desktop files, lintian overrides and
 *                  library/web/image patterns; a+x in the bin directories;
 * - dh_installchangelogs: the upstream changelog it picks from the source tree's ".", "doc", "docs".
 * The mode dpkg-source gives the unpacked source tree (its fixperms: u+rwX,go+rX,go-w with umask 022) needs no step
 * of its own: dh_fixperms' go=rX,u+rw decides the same bits again, and neither removes an x bit.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, readdirSync, statSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

/** Dh_Lib::_expand_path: "." and ".." expanded lexically, always absolute ("/" for nothing). */
function expandPath(path: string): string {
  const out: string[] = [];
  for (const part of path.split(/\/+/)) {
    if (part === '.' || part === '') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.length === 0 ? '/' : '/' + out.join('/');
}

/**
 * The target dh_link (Dh_Lib::make_symlink) stores for a link at `linkPath` (absolute, in the package) pointing to
 * `target` as written. Returns undefined when dh would skip the link ("link to self"), leaving it unchanged.
 */
export function dhLinkTarget(linkPath: string, target: string): string | undefined {
  const abs = target.startsWith('/') ? target : `${posix.dirname(linkPath)}/${target}`;
  const src = expandPath(abs)
    .replace(/^(\.\/+)+/, '')
    .replace(/^\/+/, '');
  const dest = linkPath.replace(/^(\.\/+)+/, '').replace(/^\/+/, '');
  if (src === dest) return undefined;
  const srcDirs = src.split(/\/+/).filter((d) => d !== '.' && d !== '');
  const destDirs = dest.split(/\/+/).filter((d) => d !== '.');
  if (srcDirs.length > 0 && srcDirs[0] === destDirs[0]) {
    let x = 0;
    while (x < srcDirs.length && srcDirs[x] === destDirs[x]) x++;
    let rel = '';
    for (let i = 1; i <= destDirs.length - 1 - x; i++) rel += '../';
    for (let i = x; i < srcDirs.length; i++) rel += srcDirs[i] + '/';
    if (x > srcDirs.length - 1 && rel.length === 0) rel = '.';
    return rel.replace(/\/$/, '');
  }
  return '/' + src;
}

/** dh_fixperms' 0644 patterns (find -name globs, matched against the base name). */
const MODE_0644 = /(\.so\..*|\.so|\.la|\.a|\.js|\.css|\.scss|\.sass|\.jpeg|\.jpg|\.png|\.gif|\.cmxs|\.node)$/;
const EXEC_DIRS = ['usr/bin/', 'bin/', 'usr/sbin/', 'sbin/', 'usr/games/', 'usr/libexec/', 'etc/init.d/'];
const PLAIN_0644_DIRS = [
  'usr/share/man/',
  'usr/include/',
  'usr/share/applications/',
  'usr/share/lintian/overrides/',
];

/** chmod go=rX,u+rw,a-s: X gives x to g and o when it is a directory or some x bit is set; u keeps its x. */
function baseFix(mode: number, isDir: boolean): number {
  const x = isDir || (mode & 0o111) !== 0;
  const u = (mode & 0o700) | 0o600;
  // `o=` clears the sticky bit too (chmod on all 4096 modes says so), and a-s the set-id bits.
  return u | (x ? 0o055 : 0o044);
}

/**
 * The mode dh_fixperms leaves on a file or directory at `path` (relative to the package root, no leading "/").
 * Symlinks are never touched. Mirrors the find/chmod calls in order: the later ones win.
 */
export function fixpermsMode(path: string, type: 'file' | 'dir', mode: number): number {
  let m = baseFix(mode, type === 'dir');
  const name = basename(path);
  if (path.startsWith('usr/share/doc/')) {
    if (type === 'dir') m = 0o755;
    else if (!/^usr\/share\/doc\/[^/]*\/examples\//.test(path)) m = 0o644;
  }
  if (type === 'file' && PLAIN_0644_DIRS.some((d) => path.startsWith(d))) m = 0o644;
  if (type === 'file' && MODE_0644.test(name)) m = 0o644;
  if (type === 'file' && EXEC_DIRS.some((d) => path.startsWith(d))) m |= 0o111;
  if (type === 'file' && path.startsWith('usr/lib/') && name.endsWith('.ali')) m &= ~0o222;
  if (type === 'file' && path.startsWith('etc/sudoers.d/')) m = 0o440;
  return m;
}

/** dh_compress' exclusions in usr/share/doc (case-insensitive -iname globs unless noted). */
const DOC_KEEP =
  /\.(htm[^/]*|xhtml|gif|png|jpg|jpeg|gz|taz|tgz|z|bz2|epub|jar|zip|odg|odp|odt|css|xz|lz|lzma|haddock|hs|woff|woff2|svg|svgz|js)$|(-gz|-z|_z)$|^\.htaccess$/i;
const IMAGE_OR_GZ = /\.(gz|gif|png|jpg|jpeg)$/i;

/**
 * Whether dh_compress gzips the regular file at `path` (relative, no leading "/") of `size` bytes.
 * `docPackage` is the package name (its usr/share/doc/<pkg>/examples is never compressed).
 */
export function dhCompresses(path: string, size: number, docPackage: string): boolean {
  const name = basename(path);
  if (path.startsWith('usr/share/info/') || path.startsWith('usr/share/man/')) return !IMAGE_OR_GZ.test(name);
  if (!path.startsWith('usr/share/doc/')) return false;
  if (path.split('/').includes('_sources')) return false;
  if (path.startsWith(`usr/share/doc/${docPackage}/examples/`)) return false;
  if (!(size > 4096 || name.startsWith('changelog') || name.startsWith('NEWS'))) return false;
  if (/\.htm/i.test(name) && name !== 'changelog.html') return false;
  if (DOC_KEEP.test(name)) return false;
  if (['index.sgml', 'objects.inv', 'search_index.json', 'copyright'].includes(name)) return false;
  return !(name.endsWith('.map') || name.endsWith('.devhelp2'));
}

/**
 * dh_installman's re-encoding, which runs on every regular file under usr/share/man (also those dh_install put
 * there) through man-recode --to-code UTF-8: it decompresses a .gz page (dh_compress gzips it again with -9n), keeps
 * a valid UTF-8 page byte for byte and reads any other page as ISO-8859-1, man-db's default for a man1/ directory
 * without a language (measured with man-recode 2.11 on a UTF-8, an ASCII and a Latin-1 page). Pages with an Emacs
 * `coding:` declaration are not mirrored (man-recode follows the declaration).
 */
export function dhManRecode(page: Buffer): Buffer {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(page);
    return page;
  } catch {
    return Buffer.from(page.toString('latin1'), 'utf8');
  }
}

/** Whether the regular file at `path` goes through dh_installman's re-encoding (a page, maybe gzipped). */
export function dhRecodesManPage(path: string): boolean {
  return path.startsWith('usr/share/man/') && (path.endsWith('.gz') || dhCompresses(path, 0, ''));
}

/**
 * dh_installchangelogs' upstream changelog: in the source tree's ".", "doc" and "docs" (in that order), the first
 * non-empty regular file named changelog, changes or history (case-insensitive), with no suffix, then .txt, .md,
 * .rst; within a directory the names are tried in sorted order, as perl's `sort glob("$dir/*")` (no dotfiles).
 * `tree` is the source tree on disk; returns the path relative to it.
 */
export function upstreamChangelog(tree: string): string | undefined {
  for (const dir of ['.', 'doc', 'docs']) {
    let names: string[];
    try {
      names = readdirSync(join(tree, dir)).filter((n) => !n.startsWith('.'));
    } catch {
      continue;
    }
    names.sort((a, b) => Buffer.compare(Buffer.from(`${dir}/${a}`), Buffer.from(`${dir}/${b}`)));
    for (const suffix of ['', '.txt', '.md', '.rst']) {
      for (const want of ['changelog', 'changes', 'history']) {
        for (const n of names) {
          if (n.toLowerCase() !== want + suffix) continue;
          const st = statSync(join(tree, dir, n), { throwIfNoEntry: false });
          if (st?.isFile() && st.size > 0) return dir === '.' ? n : `${dir}/${n}`;
        }
      }
    }
  }
  return undefined;
}

/**
 * `gzip -9n` of a file or bytes, written to `dest`. The system gzip (Essential in Debian, so always there) rather
 * than node:zlib: zlib's deflate at level 9 gives other bytes than GNU gzip's (measured: GPL-3 12,091 vs 12,124
 * bytes, /etc/services 5,379 vs 5,369), and the .deb must carry exactly what dh_compress writes.
 */
export async function gzip9n(input: { path: string } | { data: Uint8Array }, dest: string): Promise<void> {
  const child = spawn('gzip', ['-9n', '-c'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`gzip -9n exited with ${code}`))));
  });
  const source = 'path' in input ? createReadStream(input.path) : Readable.from([Buffer.from(input.data)]);
  await Promise.all([pipeline(source, child.stdin), pipeline(child.stdout, createWriteStream(dest)), exited]);
}

/**
 * dh commands that look at the package tree itself and then add maintainer scripts, triggers or ${misc:Depends}
 * (debhelper 13.11, compat 13), with the paths that wake them. pkgme packages have no maintainer scripts, so the
 * generated debian/rules overrides every one of them (debian/rules.ts; rules.test.ts finds them in debhelper's code)
 * and the files are shipped as plain files. The layout tells the reviewer what that means for the package (a
 * systemd unit is not enabled, say); buildDeb warns only when debian/rules was not pkgme's and runs one of them.
 */
const SCRIPT_SOURCES: Array<[string, RegExp]> = [
  ['dh_installsystemd', /^(usr\/)?lib\/systemd\/system\/[^/]+\.(service|socket|timer|path|mount|target)$/],
  ['dh_installsystemduser', /^usr\/lib\/systemd\/user\/[^/]+\.(service|socket|timer|path|target)$/],
  ['dh_installtmpfiles', /^(usr\/lib|etc)\/tmpfiles\.d\/[^/]+\.conf$/],
  ['dh_installsysusers', /^usr\/lib\/sysusers\.d\/[^/]+\.conf$/],
  ['dh_installmodules', /^(usr\/)?lib\/modules\/.+\.ko(\.(gz|xz|zst))?$/],
  ['dh_installgsettings', /^usr\/share\/glib-2\.0\/schemas\/[^/]+\.gschema\.(xml|override)$/],
  ['dh_installinitramfs', /^usr\/share\/initramfs-tools\/hooks\/[^/]+$/],
  ['dh_installxfonts', /^usr\/share\/fonts\/X11\/[^/]+\/.+$/],
  // dh_icons: an icon cache update for every theme but hicolor and gnome (dpkg triggers handle those).
  ['dh_icons', /^usr\/share\/icons\/(?!hicolor\/|gnome\/)[^/]+\/.+\.(png|svg|xpm|icon)$/],
  ['dh_usrlocal', /^usr\/local\/.+$/],
];

/** What each command's maintainer scripts would have done, for the reviewer. */
const SCRIPT_EFFECT: Record<string, string> = {
  dh_installsystemd: 'the unit is not enabled or started at install',
  dh_installsystemduser: 'the user unit is not enabled at install',
  dh_installtmpfiles: 'the tmpfiles.d entries are not created at install (only at the next boot)',
  dh_installsysusers: 'the system users are not created at install (only at the next boot)',
  dh_installmodules: 'depmod is not run at install',
  dh_installgsettings: 'no gsettings backend is added to Depends',
  dh_installinitramfs: 'the initramfs is not rebuilt at install',
  dh_installxfonts: 'the X font indexes are not updated at install',
  dh_icons: "the theme's icon cache is not updated at install",
  dh_usrlocal: 'the /usr/local directories are shipped in the package instead of being made at install',
};

/**
 * The dh commands (with one path each) that would add maintainer scripts or dependencies for these paths, minus
 * those `rulesText` (debian/rules) overrides.
 */
export function dhScriptSources(
  paths: Iterable<string>,
  rulesText = '',
): Array<{ command: string; path: string; effect: string }> {
  const found = new Map<string, string>();
  for (const p of paths) {
    for (const [command, re] of SCRIPT_SOURCES) if (!found.has(command) && re.test(p)) found.set(command, p);
  }
  return [...found]
    .filter(([command]) => !overridden(rulesText, command))
    .map(([command, path]) => ({ command, path, effect: SCRIPT_EFFECT[command]! }));
}

/** Whether debian/rules has an override target for `command` (on a target line, not in a comment). */
function overridden(rulesText: string, command: string): boolean {
  return rulesText
    .split('\n')
    .some(
      (l) =>
        !l.startsWith('#') && /:/.test(l) && l.split(':')[0]!.split(/\s+/).includes(`override_${command}`),
    );
}
