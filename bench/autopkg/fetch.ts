/**
 * Fetches the corpus of recipe.ts once and turns every member into an upload file (cached under .cache/autopkg):
 * Debian packages with `apt-get download` (the machine's apt sources; bookworm here), npm packages with `npm pack`
 * (the registry npm is configured with). Downloads and uploads are cachedFixture directories, so concurrent runs
 * build them once and a failed build leaves nothing half-made.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join, posix } from 'node:path';
import { cachedFixture } from '../../src/testing/env.ts';
import { memberId, type Member } from './recipe.ts';
import { reshapeDebian, type Reshaped } from './reshape.ts';

/** Bump when reshape.ts changes what an upload holds: cached uploads are rebuilt. */
const UPLOADS_VERSION = '3';

export interface Upload {
  member: Member;
  id: string;
  /** The upload file (a .tar.gz or the .tgz npm made). */
  path: string;
  /** The version of the real package it came from (Debian version or npm version). */
  sourceVersion: string;
  /** Re-shaping facts (Debian members). */
  reshaped?: Omit<Reshaped, 'dirName'>;
}

function hash(parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 12);
}

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 26,
  });
}

/** apt-get download of `names` into `dir`; one call, then one per package to name the one that failed. */
function aptDownload(dir: string, names: string[]): void {
  try {
    run('apt-get', ['download', '-q', ...names], dir);
  } catch {
    for (const n of names) {
      try {
        run('apt-get', ['download', '-q', n], dir);
      } catch (err) {
        throw new Error(
          `apt-get download ${n} failed: ${(err as { stderr?: string }).stderr ?? String(err)}`,
        );
      }
    }
  }
}

function debOf(dir: string, pkg: string): string {
  const f = readdirSync(dir).find((x) => x.startsWith(`${pkg}_`) && x.endsWith('.deb'));
  if (!f) throw new Error(`no .deb of ${pkg} in ${dir}`);
  return join(dir, f);
}

/** The package whose /usr/share/doc directory `pkg`'s doc link points to (transmission-gtk → transmission-common). */
function docLinkTarget(root: string, pkg: string): string | undefined {
  const doc = join(root, 'usr/share/doc', pkg);
  if (!existsSync(doc) && !isLink(doc)) return undefined;
  if (!isLink(doc)) return undefined;
  return posix.basename(readlinkSync(doc));
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The Debian members' .debs, unpacked (`<dir>/root/<pkg>`), and the packages their doc links point to. */
function fetchDebian(names: string[]): string {
  const sorted = [...new Set(names)].sort();
  return cachedFixture(`autopkg/debs-${hash(sorted)}`, (tmp) => {
    const debs = join(tmp, 'debs');
    mkdirSync(debs);
    aptDownload(debs, sorted);
    const extra: string[] = [];
    mkdirSync(join(tmp, 'root'));
    for (const n of sorted) {
      run('dpkg-deb', ['-x', debOf(debs, n), join(tmp, 'root', n)]);
      const t = docLinkTarget(join(tmp, 'root', n), n);
      if (t !== undefined && t !== n) extra.push(t);
    }
    if (extra.length) {
      mkdirSync(join(tmp, 'docs'));
      mkdirSync(join(tmp, 'docroot'));
      aptDownload(join(tmp, 'docs'), [...new Set(extra)]);
      for (const t of new Set(extra))
        run('dpkg-deb', ['-x', debOf(join(tmp, 'docs'), t), join(tmp, 'docroot', t)]);
    }
  });
}

function npmPack(spec: string, dir: string): string {
  const out = JSON.parse(run('npm', ['pack', spec, '--json', '--pack-destination', dir], dir)) as Array<{
    filename: string;
  }>;
  return join(dir, out[0]!.filename);
}

/** The copyright text for `pkg`: its own, or the one of the package its doc directory links to. */
function copyrightOf(debDir: string, pkg: string): string | undefined {
  const own = join(debDir, 'root', pkg, 'usr/share/doc', pkg, 'copyright');
  if (existsSync(own)) return readFileSync(own, 'utf8');
  const target = docLinkTarget(join(debDir, 'root', pkg), pkg);
  const linked = target && join(debDir, 'docroot', target, 'usr/share/doc', target, 'copyright');
  return linked && existsSync(linked) ? readFileSync(linked, 'utf8') : undefined;
}

function tarGz(parent: string, dir: string, file: string): void {
  run('tar', ['-C', parent, '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-czf', file, dir]);
}

/** Every member of `members` as an upload file, fetched and re-shaped once (cached). */
export function buildUploads(members: Member[]): Upload[] {
  const debNames = members.flatMap((m) => (m.kind === 'debian' ? [m.package] : []));
  const debDir = debNames.length ? fetchDebian(debNames) : '';
  const key = hash([UPLOADS_VERSION, ...members.map((m) => JSON.stringify(m))]);
  const dir = cachedFixture(
    `autopkg/uploads-${key}`,
    (tmp) => {
      const uploads: Array<Omit<Upload, 'member'>> = [];
      const work = join(tmp, 'work');
      mkdirSync(work);
      for (const m of members) {
        const id = memberId(m);
        if (m.kind === 'debian') {
          const deb = debOf(join(debDir, 'debs'), m.package);
          const control = run('dpkg-deb', ['-f', deb]);
          const copyright = copyrightOf(debDir, m.package);
          const r = reshapeDebian(
            {
              root: join(debDir, 'root', m.package),
              control,
              ...(copyright !== undefined ? { copyright } : {}),
            },
            work,
          );
          const file = join(tmp, `${r.dirName}.tar.gz`);
          tarGz(work, r.dirName, file);
          const { dirName: _d, ...facts } = r;
          void _d;
          uploads.push({ id, path: file, sourceVersion: r.debianVersion, reshaped: facts });
        } else {
          const version = m.spec.slice(m.spec.lastIndexOf('@') + 1);
          const main = npmPack(m.spec, tmp);
          if (!m.with?.length) {
            uploads.push({ id, path: main, sourceVersion: version });
            continue;
          }
          // Several npm packages installed side by side: one directory per package, as node_modules/@scope/ holds them.
          const base = posix.basename(main).replace(/\.tgz$/, '');
          const top = join(work, base);
          for (const spec of [m.spec, ...m.with]) {
            const tgz = spec === m.spec ? main : npmPack(spec, work);
            const name = spec.replace(/@[^@]*$/, '').replace(/^@[^/]+\//, '');
            mkdirSync(join(top, name), { recursive: true });
            run('tar', ['-xzf', tgz, '-C', join(top, name), '--strip-components=1']);
          }
          const file = join(tmp, `${base}.tar.gz`);
          tarGz(work, base, file);
          renameSync(main, join(work, posix.basename(main)));
          uploads.push({ id, path: file, sourceVersion: version });
        }
      }
      writeFileSync(
        join(tmp, 'uploads.json'),
        JSON.stringify(
          uploads.map((u) => ({ ...u, path: posix.basename(u.path) })),
          null,
          1,
        ),
      );
      run('rm', ['-rf', work]);
    },
    { version: UPLOADS_VERSION },
  );
  const listed = JSON.parse(readFileSync(join(dir, 'uploads.json'), 'utf8')) as Array<Omit<Upload, 'member'>>;
  return listed.map((u, i) => ({ ...u, member: members[i]!, path: join(dir, u.path) }));
}
