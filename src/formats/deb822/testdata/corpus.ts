/**
 * Test-only: the machine's real deb822 files, the corpus the oracle and fuzz tests use. dpkg's status databases,
 * apt's sources in deb822 form, and every index apt fetched into /var/lib/apt/lists (compressed as .lz4 here;
 * .gz and plain files are read too). InRelease files are clearsigned and are listed separately.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';

export interface CorpusFile {
  path: string;
  text: string;
  /** Packages-like: has one `Package:` paragraph per package (status, Packages), so grep -c '^Package:' counts them. */
  packageIndex: boolean;
}

export const APT_LISTS = '/var/lib/apt/lists';

let ensured = false;

/**
 * On a fresh machine apt has not fetched its indices yet: run `apt-get update` once (it is quick, and what a user
 * would do) so the oracle tests have the real InRelease and Packages files to work on.
 */
function ensureAptLists(): void {
  if (ensured) return;
  ensured = true;
  const has = existsSync(APT_LISTS) && readdirSync(APT_LISTS).some((f) => f.endsWith('_InRelease'));
  if (has) return;
  try {
    execFileSync('apt-get', ['update', '-q'], { stdio: 'ignore' });
  } catch {
    // The tests then report that the indices are missing.
  }
}

function decompressed(path: string): Buffer {
  if (path.endsWith('.lz4')) return execFileSync('lz4', ['-dc', path], { maxBuffer: 1 << 30 });
  if (path.endsWith('.gz')) return gunzipSync(readFileSync(path));
  return readFileSync(path);
}

/** Plain deb822 files (not signed). */
export function corpusFiles(): CorpusFile[] {
  ensureAptLists();
  const out: CorpusFile[] = [];
  for (const path of ['/var/lib/dpkg/status', '/var/lib/dpkg/status-old', '/var/lib/dpkg/available']) {
    if (existsSync(path)) out.push({ path, text: readFileSync(path, 'utf8'), packageIndex: true });
  }
  if (existsSync('/etc/apt/sources.list.d')) {
    for (const f of readdirSync('/etc/apt/sources.list.d').filter((n) => n.endsWith('.sources'))) {
      const path = join('/etc/apt/sources.list.d', f);
      out.push({ path, text: readFileSync(path, 'utf8'), packageIndex: false });
    }
  }
  if (existsSync(APT_LISTS)) {
    for (const f of readdirSync(APT_LISTS).sort()) {
      const m = /_(Packages|Sources|Release)(\.lz4|\.gz)?$/.exec(f);
      if (m === null) continue;
      const path = join(APT_LISTS, f);
      out.push({ path, text: decompressed(path).toString('utf8'), packageIndex: m[1] === 'Packages' });
    }
  }
  return out;
}

/** The clearsigned InRelease files apt fetched. */
export function inReleaseFiles(): Array<{ path: string; text: string }> {
  ensureAptLists();
  if (!existsSync(APT_LISTS)) return [];
  return readdirSync(APT_LISTS)
    .filter((f) => f.endsWith('_InRelease'))
    .sort()
    .map((f) => ({ path: join(APT_LISTS, f), text: readFileSync(join(APT_LISTS, f), 'utf8') }));
}

/** The number of `Package:` lines, counted by grep (the oracle for paragraph counts). */
export function grepPackageCount(text: string): number {
  try {
    return Number(
      execFileSync('grep', ['-c', '^Package:'], { input: text, maxBuffer: 1 << 30 })
        .toString()
        .trim(),
    );
  } catch (err) {
    // grep exits 1 when it counts zero.
    if ((err as { status?: number }).status === 1) return 0;
    throw err;
  }
}
