/**
 * The accuracy corpus: real Debian application packages, the library packages their binaries need, and one scratch
 * source tree in which dpkg-shlibdeps (the oracle) sees all of them as `debian/<pkg>/` (../shared/DEBIAN-NOTES.md,
 * "dpkg-shlibdeps as an oracle"). Our resolver gets the very same library .debs through the `--deb` importer, so the
 * two sides answer from one universe of packages.
 *
 * Providers: a NEEDED soname is mapped to packages with the release's Contents index (src/formats/contents). Exactly
 * ONE provider per soname enters the universe: dpkg-shlibdeps searches the `debian/*` trees in Perl hash order, so
 * two trees shipping one soname would make the oracle itself random. The one chosen is the provider the
 * applications' real Depends name (votes across the corpus), else the first by name; every soname with several
 * candidates is reported with the choice, so the reader can see where the setup, not the resolver, decided.
 *
 * Everything downloaded is cached under .cache/accuracy (cachedFixture: built once, atomically, across processes).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parseDeb822 } from '../../formats/deb822/parse.ts';
import { readContentsLibraries } from '../../formats/contents/index.ts';
import { parseRelations } from '../../formats/relation/index.ts';
import { cachedFixture, cacheDir, withCacheLock } from '../../testing/env.ts';
import { readUpload } from '../resolve/upload.ts';

export interface CorpusApp {
  name: string;
  version: string;
  /** debian/<name> inside the tree. */
  root: string;
  /** ELF files of the package our resolver examines, relative to root (the same list goes to dpkg-shlibdeps). */
  files: string[];
  /** Sonames those files NEED (bundled ones included; the resolver and dpkg-shlibdeps decide what is bundled). */
  needed: string[];
  /** The package's real Depends field (with Pre-Depends). */
  depends: string;
  /** Its Recommends and Suggests (where maintainers move the libraries of optional plugins). */
  weaker: string;
}

export interface Corpus {
  /** The scratch source tree (debian/control, debian/<pkg>/ for every application and library package). */
  tree: string;
  apps: CorpusApp[];
  /** The library .debs of the universe (what the store imports). */
  libDebs: string[];
  /** soname → the one provider put in the universe. */
  provider: Map<string, string>;
  /**
   * The providers NOT put in the universe (other candidates of sonames several packages ship), as .debs: a second
   * store holding them too measures the resolver's provider rule against the choice Debian made (real Depends).
   */
  alternateDebs: string[];
  /** Sonames several packages ship: candidates and the one chosen. */
  choices: Array<{ soname: string; candidates: string[]; chosen: string }>;
  /** NEEDED sonames no package of the release ships in a library directory (private or bundled libraries). */
  unknown: string[];
  /** Every package of the release that ships a library file (to tell library Depends from others). */
  libraryPackages: Set<string>;
}

/** Reads a corpus list: one package per line, `#` comments, blank lines ignored. */
export function readCorpusList(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '');
}

function hash(parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 12);
}

/** Downloads `names` with apt-get into `dir` (apt's own configuration: the machine's sources). */
function aptDownload(dir: string, names: string[]): void {
  for (let i = 0; i < names.length; i += 50) {
    execFileSync('apt-get', ['download', '-q', ...names.slice(i, i + 50)], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  }
}

/** Unpacks every .deb of `debs` into `<dir>/<package>/` (data + DEBIAN control files). */
function unpackAll(debs: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(debs).filter((x) => x.endsWith('.deb'))) {
    const pkg = f.slice(0, f.indexOf('_'));
    const dest = join(dir, pkg);
    execFileSync('dpkg-deb', ['-x', join(debs, f), dest]);
    execFileSync('dpkg-deb', ['-e', join(debs, f), join(dest, 'DEBIAN')]);
  }
}

/** Fetched and unpacked packages: `<dir>/debs/*.deb` and `<dir>/root/<pkg>/`. */
function fetched(kind: string, names: string[]): string {
  const sorted = [...new Set(names)].sort();
  return cachedFixture(`accuracy/${kind}-${hash(sorted)}`, (tmp) => {
    mkdirSync(join(tmp, 'debs'));
    aptDownload(join(tmp, 'debs'), sorted);
    unpackAll(join(tmp, 'debs'), join(tmp, 'root'));
  });
}

interface LibraryIndex {
  /** soname → packages shipping it in a library directory (only the sonames asked for). */
  sonames: Record<string, string[]>;
  libraryPackages: string[];
}

/**
 * The directories an amd64 binary's libraries are found in (ld.so.conf's multiarch dirs, then /lib, /usr/lib and
 * the lib64 multilib dirs). /lib32, /libx32 and other triplets hold other ABIs: dpkg-shlibdeps skips them (ELF
 * format mismatch), so their packages (libc6-i386, lib32z1…) are not providers of an amd64 soname.
 */
const AMD64_DIR = /^\/(?:usr\/)?(?:lib|lib64|lib\/x86_64-linux-gnu)\/[^/]+$/;

/** The Contents lookup for `sonames`, cached as JSON beside the index (a full pass takes ~20 s). */
async function libraryIndex(contents: string, sonames: string[]): Promise<LibraryIndex> {
  const want = [...new Set(sonames)].sort();
  const file = join(cacheDir('accuracy'), `sonames-amd64-${hash(want)}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LibraryIndex;
  const wanted = new Set(want);
  const out: Record<string, Set<string>> = {};
  const libPkgs = new Set<string>();
  for await (const lib of readContentsLibraries(createReadStream(contents))) {
    if (!AMD64_DIR.test(lib.path)) continue;
    const pkgs = lib.packages.map((p) => p.slice(p.lastIndexOf('/') + 1));
    for (const p of pkgs) libPkgs.add(p);
    if (wanted.has(lib.soname)) for (const p of pkgs) (out[lib.soname] ??= new Set()).add(p);
  }
  const index: LibraryIndex = {
    sonames: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()])),
    libraryPackages: [...libPkgs].sort(),
  };
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(index));
  renameSync(tmp, file);
  return index;
}

function dependsNames(depends: string): Set<string> {
  const out = new Set<string>();
  if (depends.trim() === '') return out;
  for (const g of parseRelations(depends)) for (const a of g) if (a.type === 'package') out.add(a.name);
  return out;
}

function appFacts(root: string, name: string): CorpusApp {
  const control = parseDeb822(readFileSync(join(root, 'DEBIAN', 'control'), 'utf8'))[0]!;
  const upload = readUpload([root]);
  const files = upload.files.filter((f) => f.arch === 'amd64');
  return {
    name,
    version: control.get('Version') ?? '',
    root,
    files: files.map((f) => f.path),
    needed: [...new Set(files.flatMap((f) => f.needed))].sort(),
    depends: [control.get('Pre-Depends'), control.get('Depends')].filter((x) => x).join(', '),
    weaker: [control.get('Recommends'), control.get('Suggests')].filter((x) => x).join(', '),
  };
}

/**
 * Builds (or reuses) the corpus for the application packages `names`, with `contents` the release's
 * Contents-amd64.gz (src/formats/contents/contents.fixture.ts fetches bookworm's).
 */
export async function buildCorpus(names: string[], contents: string): Promise<Corpus> {
  const appsDir = fetched('apps', names);
  const appRoots = readdirSync(join(appsDir, 'root')).sort();
  const missingApps = names.filter((n) => !appRoots.includes(n));
  if (missingApps.length > 0)
    throw new Error(`apt-get download gave no package for ${missingApps.join(', ')}`);
  const apps = appRoots.map((n) => appFacts(join(appsDir, 'root', n), n));

  const index = await libraryIndex(
    contents,
    apps.flatMap((a) => a.needed),
  );
  const votes = new Map<string, number>();
  for (const a of apps) for (const n of dependsNames(a.depends)) votes.set(n, (votes.get(n) ?? 0) + 1);
  const appNames = new Set(names);
  const provider = new Map<string, string>();
  const choices: Corpus['choices'] = [];
  const unknown: string[] = [];
  for (const soname of [...new Set(apps.flatMap((a) => a.needed))].sort()) {
    const candidates = (index.sonames[soname] ?? []).filter((p) => !appNames.has(p));
    if (candidates.length === 0) {
      if (!(index.sonames[soname] ?? []).length) unknown.push(soname);
      continue;
    }
    const ranked = [...candidates].sort(
      (a, b) => (votes.get(b) ?? 0) - (votes.get(a) ?? 0) || a.localeCompare(b),
    );
    provider.set(soname, ranked[0]!);
    if (candidates.length > 1) choices.push({ soname, candidates, chosen: ranked[0]! });
  }
  const libsDir = fetched('libs', [...provider.values()]);

  // The tree: debian/<pkg> symlinks to the unpacked packages (dpkg-shlibdeps works on the paths it is given).
  const everything = [
    ...appRoots.map((n) => join(appsDir, 'root', n)),
    ...readdirSync(join(libsDir, 'root')).map((n) => join(libsDir, 'root', n)),
  ];
  const tree = withCacheLock('accuracy-tree', () => {
    const dir = join(cacheDir('accuracy'), `tree-${hash(everything)}`);
    if (!existsSync(join(dir, 'debian', 'control'))) {
      mkdirSync(join(dir, 'debian'), { recursive: true });
      for (const p of everything) {
        const link = join(dir, 'debian', p.slice(p.lastIndexOf('/') + 1));
        if (!existsSync(link)) execFileSync('ln', ['-s', p, link]);
      }
      writeFileSync(join(dir, 'debian', 'control'), 'Source: x\n\nPackage: x\nArchitecture: any\n');
    }
    return dir;
  });
  for (const a of apps) a.root = join(tree, 'debian', a.name);
  const libDebs = readdirSync(join(libsDir, 'debs'))
    .filter((f) => f.endsWith('.deb'))
    .sort()
    .map((f) => join(libsDir, 'debs', f));
  const alternates = choices.flatMap((c) => c.candidates.filter((p) => p !== c.chosen));
  const altDir = alternates.length > 0 ? fetched('alternates', alternates) : undefined;
  const alternateDebs = altDir
    ? readdirSync(join(altDir, 'debs'))
        .filter((f) => f.endsWith('.deb'))
        .sort()
        .map((f) => join(altDir, 'debs', f))
    : [];
  return {
    tree,
    apps,
    libDebs,
    alternateDebs,
    provider,
    choices,
    unknown,
    libraryPackages: new Set(index.libraryPackages),
  };
}
