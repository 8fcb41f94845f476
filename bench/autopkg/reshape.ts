/**
 * Re-shapes an unpacked Debian application package into the bare tarball a developer would ship (issue 4,
 * "Real-world check"): `<name>-<upstream>/` with
 *
 * - bin/: the executables of /usr/bin, /bin, /usr/games, /usr/sbin (symlinks into the app kept, relative);
 * - lib/: the package's private directory (/usr/lib/<x>/, /usr/lib/x86_64-linux-gnu/<x>/, /usr/libexec/<x>/); one
 *   private directory becomes lib/ itself, several become lib/<x>/; a private directory that is a whole app tree
 *   (it has a bin/) becomes the tarball root;
 * - share/: data directories (/usr/share/<x>/, /usr/share/games/<x>/), icons, pixmaps, metainfo, locale, man pages
 *   (uncompressed, as upstream build trees have them);
 * - the .desktop file(s) at the top, LICENSE (or COPYING) and README.
 *
 * Left out, as a developer's tarball would not have them: /etc, debian/ metadata (control files, copyright as such,
 * README.Debian, changelogs), system integration (/usr/lib/mime, menu, bug, lintian, shell completions, gsettings
 * schemas, polkit, D-Bus). RUNPATH/RPATH entries that point into the moved directories are rewritten to `$ORIGIN`
 * (runpath.ts), because a relocatable tarball's libraries must be found wherever it is unpacked.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseDeb822 } from '../../src/formats/deb822/parse.ts';
import { continuationLines } from '../../src/formats/deb822/fields.ts';
import { isElf } from '../../src/formats/elf/elf.ts';
import { rewriteSearchPath, searchPath } from './runpath.ts';

/** /usr/lib subdirectories that are system integration, not an application's private tree. */
const SYSTEM_LIB_DIRS = new Set([
  'x86_64-linux-gnu',
  'mime',
  'systemd',
  'tmpfiles.d',
  'sysusers.d',
  'udev',
  'debug',
  'cargo',
  'girepository-1.0',
  'pkgconfig',
  'binfmt.d',
  'modules-load.d',
  'sysctl.d',
  'environment.d',
  'kernel',
  'sysimage',
]);

/** /usr/share subdirectories with a fixed meaning (never an application's data directory). */
const STANDARD_SHARE_DIRS = new Set([
  'doc',
  'doc-base',
  'man',
  'info',
  'lintian',
  'menu',
  'bug',
  'applications',
  'application-registry',
  'icons',
  'pixmaps',
  'metainfo',
  'appdata',
  'mime',
  'mimelnk',
  'glib-2.0',
  'locale',
  'bash-completion',
  'zsh',
  'fish',
  'dbus-1',
  'polkit-1',
  'python3',
  'thumbnailers',
  'initramfs-tools',
  'gnome-shell',
  'help',
  'games',
  'X11',
  'vim',
  'emacs',
  'perl5',
  'apport',
]);

/** License short names whose full text Debian ships in /usr/share/common-licenses (the '+' dropped). */
const COMMON_LICENSES: Record<string, string> = {
  'GPL-1': 'GPL-1',
  'GPL-2': 'GPL-2',
  'GPL-3': 'GPL-3',
  'LGPL-2': 'LGPL-2',
  'LGPL-2.1': 'LGPL-2.1',
  'LGPL-3': 'LGPL-3',
  'Apache-2.0': 'Apache-2.0',
  'MPL-1.1': 'MPL-1.1',
  'MPL-2.0': 'MPL-2.0',
  'CC0-1.0': 'CC0-1.0',
  Artistic: 'Artistic',
  'GFDL-1.2': 'GFDL-1.2',
  'GFDL-1.3': 'GFDL-1.3',
};

export interface DebianSource {
  /** dpkg-deb -x of the package. */
  root: string;
  /** The package's control paragraph (dpkg-deb -f). */
  control: string;
  /** The copyright file (the package's own, or the one its /usr/share/doc link points to); undefined if none. */
  copyright?: string;
}

export interface Reshaped {
  /** `<name>-<upstream>`: the top directory (and tarball base name). */
  dirName: string;
  name: string;
  debianVersion: string;
  upstreamVersion: string;
  files: number;
  /** Package paths not carried over (counted by top-level area, e.g. "/etc": 8). */
  dropped: Record<string, number>;
  /** ELF files whose search path was rewritten: "bin/foo: $ORIGIN/../lib/x → $ORIGIN/../lib". */
  rewritten: string[];
  license: string;
}

/** The upstream part of a Debian version: no epoch, no revision. */
export function upstreamOf(version: string): string {
  const noEpoch = version.replace(/^\d+:/, '');
  const dash = noEpoch.lastIndexOf('-');
  return dash < 0 ? noEpoch : noEpoch.slice(0, dash);
}

interface Entry {
  rel: string;
  kind: 'file' | 'link';
}

function walk(root: string, rel = ''): Entry[] {
  const out: Entry[] = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(root, r));
    if (st.isDirectory()) out.push(...walk(root, r));
    else if (st.isSymbolicLink()) out.push({ rel: r, kind: 'link' });
    else if (st.isFile()) out.push({ rel: r, kind: 'file' });
  }
  return out;
}

/** The package's private directories (relative to the package root, no trailing slash). */
function privateDirs(entries: Entry[]): string[] {
  const dirs = new Set<string>();
  for (const { rel } of entries) {
    const m =
      /^usr\/lib\/x86_64-linux-gnu\/([^/]+)\//.exec(rel) ??
      /^usr\/libexec\/([^/]+)\//.exec(rel) ??
      /^usr\/lib\/([^/]+)\//.exec(rel);
    if (!m) continue;
    const dir = m[0].slice(0, -1);
    if (
      rel.startsWith('usr/lib/') &&
      !rel.startsWith('usr/lib/x86_64-linux-gnu/') &&
      SYSTEM_LIB_DIRS.has(m[1]!)
    )
      continue;
    if (/^python\d|^perl/.test(m[1]!) || ['pkgconfig', 'girepository-1.0'].includes(m[1]!)) continue;
    dirs.add(dir);
  }
  return [...dirs].sort();
}

/** Maps package paths (relative, no leading slash) to tarball paths (relative to the top directory), or null. */
function makeMapper(entries: Entry[]): (rel: string) => string | null {
  const priv = privateDirs(entries);
  const prefixes: Array<[string, string]> = [
    ['usr/lib/cargo/bin/', 'bin/'],
    ['usr/bin/', 'bin/'],
    ['bin/', 'bin/'],
    ['usr/games/', 'bin/'],
    ['usr/sbin/', 'bin/'],
    ['sbin/', 'bin/'],
    ['usr/share/icons/', 'share/icons/'],
    ['usr/share/pixmaps/', 'share/pixmaps/'],
    ['usr/share/metainfo/', 'share/metainfo/'],
    ['usr/share/appdata/', 'share/metainfo/'],
    ['usr/share/locale/', 'share/locale/'],
  ];
  for (const d of priv) {
    const isTree = entries.some((e) => e.rel.startsWith(`${d}/bin/`));
    const to = isTree ? '' : priv.length === 1 ? 'lib/' : `lib/${posix.basename(d)}/`;
    prefixes.push([`${d}/`, to]);
  }
  prefixes.sort((a, b) => b[0].length - a[0].length);
  return (rel) => {
    for (const [from, to] of prefixes) if (rel.startsWith(from)) return to + rel.slice(from.length);
    let m = /^usr\/share\/applications\/([^/]+\.desktop)$/.exec(rel);
    if (m) return m[1]!;
    m = /^usr\/share\/man\/(man\d[^/]*)\/([^/]+?)(\.gz)?$/.exec(rel);
    if (m) return `share/man/${m[1]}/${m[2]}`;
    m = /^usr\/share\/games\/([^/]+)\/(.+)$/.exec(rel) ?? /^usr\/share\/([^/]+)\/(.+)$/.exec(rel);
    if (m && !STANDARD_SHARE_DIRS.has(m[1]!)) return `share/${m[1]}/${m[2]}`;
    return null;
  };
}

function droppedArea(rel: string): string {
  const parts = rel.split('/');
  return (
    '/' +
    parts.slice(0, parts[0] === 'usr' ? (parts[1] === 'share' || parts[1] === 'lib' ? 3 : 2) : 1).join('/')
  );
}

/** An ELF file's search path, each entry re-expressed for the file's new place (`$ORIGIN` relative). */
function newSearchPath(
  value: string,
  oldFile: string,
  newFile: string,
  mapDir: (absDir: string) => string | null,
): string {
  const out: string[] = [];
  for (const entry of value.split(':')) {
    if (entry === '') continue;
    const abs = entry.startsWith('$ORIGIN')
      ? posix.normalize(posix.join(posix.dirname(oldFile), entry.slice('$ORIGIN'.length)))
      : entry.startsWith('/')
        ? posix.normalize(entry)
        : null;
    const mapped = abs === null ? null : mapDir(abs);
    let next = entry;
    if (mapped !== null) {
      const rel = posix.relative(posix.dirname(newFile), mapped);
      next = rel === '' ? '$ORIGIN' : `$ORIGIN/${rel}`;
    }
    if (!out.includes(next)) out.push(next);
  }
  return out.join(':');
}

function copyFile(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  const st = lstatSync(from);
  copyFileSync(from, to);
  chmodSync(to, st.mode & 0o7777);
  utimesSync(to, st.atime, st.mtime);
}

/** The copyright's license texts as files (name → text), the way an upstream ships them. */
export function licenseFiles(copyright: string | undefined): {
  files: Record<string, string>;
  license: string;
} {
  if (copyright === undefined) return { files: {}, license: 'none' };
  let paragraphs: ReturnType<typeof parseDeb822>;
  try {
    paragraphs = parseDeb822(copyright);
  } catch {
    paragraphs = [];
  }
  const isDep5 = paragraphs[0]?.get('Format') !== undefined;
  const filesStar = paragraphs.find((p) => p.get('Files')?.trim() === '*');
  const expr = filesStar?.get('License')?.split('\n')[0]?.trim();
  if (!isDep5 || !expr) return { files: { COPYING: copyright }, license: 'copyright file' };
  const names = expr
    .split(/\s+(?:or|and)\s+/i)
    .map((n) => n.replace(/\s+with\s+.*$/i, '').trim())
    .filter((n) => n !== '');
  const texts: Record<string, string> = {};
  for (const name of names) {
    const common = COMMON_LICENSES[name.replace(/\+$/, '')];
    if (common && existsSync(`/usr/share/common-licenses/${common}`)) {
      texts[name] = readFileSync(`/usr/share/common-licenses/${common}`, 'utf8');
      continue;
    }
    const para =
      paragraphs.find(
        (p) => p.get('Files') === undefined && p.get('License')?.split('\n')[0]?.trim() === name,
      ) ?? filesStar;
    const body = continuationLines(para?.get('License') ?? '')
      .map((l) => (l.trim() === '.' ? '' : l.replace(/^ /, '')))
      .join('\n')
      .trim();
    if (body && !/common-licenses/.test(body)) texts[name] = body + '\n';
  }
  if (Object.keys(texts).length !== names.length) return { files: { COPYING: copyright }, license: expr };
  if (names.length === 1) return { files: { LICENSE: texts[names[0]!]! }, license: expr };
  return {
    files: Object.fromEntries(names.map((n) => [`LICENSE-${n.replace(/\+$/, '')}`, texts[n]!])),
    license: expr,
  };
}

/** The upstream README from /usr/share/doc/<pkg>/ (not README.Debian), else one made of the package description. */
function readme(root: string, pkg: string, description: string): [string, Buffer | string] {
  const doc = join(root, 'usr/share/doc', pkg);
  if (existsSync(doc) && lstatSync(doc).isDirectory()) {
    const pick = readdirSync(doc)
      .filter((f) => /^readme(\.(md|txt|rst))?(\.gz)?$/i.test(f))
      .sort()[0];
    if (pick) {
      const data = readFileSync(join(doc, pick));
      const plain = pick.endsWith('.gz') ? gunzipSync(data) : data;
      return [pick.replace(/\.gz$/, '').replace(/^readme/i, 'README'), plain];
    }
  }
  const [synopsis, ...rest] = description.split('\n');
  const body = rest.map((l) => (l.trim() === '.' ? '' : l.replace(/^ /, ''))).join('\n');
  return ['README', `# ${pkg}\n\n${synopsis}\n\n${body}\n`];
}

/** Writes the re-shaped tree of `src` into `<outDir>/<name>-<upstream>/`. */
export function reshapeDebian(src: DebianSource, outDir: string): Reshaped {
  const control = parseDeb822(src.control)[0]!;
  const name = control.get('Package')!.trim();
  const debianVersion = control.get('Version')!.trim();
  const upstreamVersion = upstreamOf(debianVersion);
  const dirName = `${name}-${upstreamVersion}`;
  const top = join(outDir, dirName);
  mkdirSync(top, { recursive: true });

  const entries = walk(src.root);
  const map = makeMapper(entries);
  const mapDir = (abs: string): string | null => {
    const m = map(abs.replace(/^\//, '') + '/x');
    return m === null ? null : m.slice(0, -1).replace(/\/$/, '') || '.';
  };
  const dropped: Record<string, number> = {};
  const rewritten: string[] = [];
  let files = 0;
  for (const e of entries) {
    const to = map(e.rel);
    if (to === null) {
      const area = droppedArea(e.rel);
      dropped[area] = (dropped[area] ?? 0) + 1;
      continue;
    }
    const dest = join(top, to);
    if (existsSync(dest)) continue;
    if (e.kind === 'link') {
      const target = readlinkSync(join(src.root, e.rel));
      const abs = posix.resolve(posix.dirname('/' + e.rel), target);
      const mapped = map(abs.slice(1));
      if (mapped === null || abs.slice(1) === e.rel) {
        dropped[droppedArea(e.rel)] = (dropped[droppedArea(e.rel)] ?? 0) + 1;
        continue;
      }
      if (mapped === to) continue; // /usr/games/x → the app tree's bin/x, which is now that very path
      mkdirSync(dirname(dest), { recursive: true });
      symlinkSync(posix.relative(posix.dirname(to), mapped), dest);
      files++;
      continue;
    }
    if (to.startsWith('share/man/') && e.rel.endsWith('.gz')) {
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, gunzipSync(readFileSync(join(src.root, e.rel))));
      files++;
      continue;
    }
    copyFile(join(src.root, e.rel), dest);
    files++;
    const head = readFileSync(dest).subarray(0, 64);
    if (isElf(head)) {
      const sp = searchPath(dest);
      if (sp.kind !== null) {
        const next = newSearchPath(sp.value, '/' + e.rel, to, mapDir);
        if (next !== sp.value) {
          rewriteSearchPath(dest, sp.value, next);
          rewritten.push(`${to}: ${sp.value} → ${next}`);
        }
      }
    }
  }
  const lic = licenseFiles(src.copyright);
  for (const [f, text] of Object.entries(lic.files)) writeFileSync(join(top, f), text);
  const [readmeName, readmeText] = readme(src.root, name, control.get('Description') ?? name);
  writeFileSync(join(top, readmeName), readmeText);
  return { dirName, name, debianVersion, upstreamVersion, files, dropped, rewritten, license: lic.license };
}
