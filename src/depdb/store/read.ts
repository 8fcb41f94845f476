/**
 * The read side: DepDbReader for the resolver and the libdep-service lookups. Every lookup is one indexed query per
 * table for all the sonames asked (index (release_id, soname) on files, shlibs and symbols), restricted to the
 * release's current generation.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { PkgmeError } from '../../errors.ts';
import type { DepDbReader, ImportOrigin, ReleaseKey, SonameProviders } from '../types.ts';
import { decodeSymbols } from './codec.ts';
import { shlibsKeyForSoname } from './soname.ts';
import { visibleAt } from './visible.ts';

export interface ReleaseInfo extends ReleaseKey {
  origin: ImportOrigin;
  packages: number;
  /** True when an import of this release was interrupted (the data shown is the previous, complete one). */
  partial: boolean;
}

function notImported(key: ReleaseKey): PkgmeError {
  return new PkgmeError(
    'DEPDB_RELEASE_NOT_IMPORTED',
    `release ${key.release}/${key.arch} has not been imported`,
    'input',
    {
      hint: `Import it first: pkgme depdb import … --release ${key.release} --arch ${key.arch}; pkgme depdb releases lists what is there.`,
      details: { ...key },
    },
  );
}

const cur = sql`r.current_gen`;

export class StoreReader implements DepDbReader {
  constructor(protected readonly db: Kysely<Database>) {}

  async releases(): Promise<ReleaseInfo[]> {
    const rows = await this.db
      .selectFrom('depdb_releases')
      .select(['release', 'arch', 'origin', 'packages', 'building_gen'])
      .where('current_gen', '>', 0)
      .orderBy('release')
      .orderBy('arch')
      .execute();
    return rows.map((r) => ({
      release: r.release,
      arch: r.arch,
      origin: (typeof r.origin === 'string' ? JSON.parse(r.origin) : r.origin) as ImportOrigin,
      packages: r.packages,
      partial: r.building_gen !== null,
    }));
  }

  /** The release's id, or a DEPDB_RELEASE_NOT_IMPORTED error. */
  async releaseId(key: ReleaseKey): Promise<number> {
    const r = await this.db
      .selectFrom('depdb_releases')
      .select('id')
      .where('release', '=', key.release)
      .where('arch', '=', key.arch)
      .where('current_gen', '>', 0)
      .executeTakeFirst();
    if (!r) throw notImported(key);
    return r.id;
  }

  async providers(key: ReleaseKey, sonames: string[]): Promise<Map<string, SonameProviders>> {
    const rid = await this.releaseId(key);
    const out = new Map<string, SonameProviders>();
    const entry = (soname: string): SonameProviders => {
      let e = out.get(soname);
      if (!e) out.set(soname, (e = { soname, symbols: [], shlibs: [], files: [] }));
      return e;
    };
    const wanted = [...new Set(sonames)];
    if (wanted.length === 0) return out;

    const sym = await sql<{
      soname: string;
      body: Uint8Array;
      package: string;
      version: string;
      multi_arch: string | null;
    }>`
      SELECT s.soname, s.body, n.value AS package, p.version, p.multi_arch
      FROM depdb_symbols s JOIN depdb_packages p ON p.id = s.pkg_id JOIN depdb_releases r ON r.id = p.release_id
      JOIN depdb_strings n ON n.id = p.name_id
      WHERE s.release_id = ${rid} AND s.soname = ANY(${wanted}::text[]) AND ${visibleAt('p', cur)}
      ORDER BY n.value, p.version, s.ordinal`.execute(this.db);
    for (const r of sym.rows) {
      entry(r.soname).symbols.push({
        package: r.package,
        version: r.version,
        ...(r.multi_arch ? { multiArch: r.multi_arch } : {}),
        section: { soname: r.soname, text: decodeSymbols(r.body) },
      });
    }

    // shlibs lines are keyed by (library, soversion); both spellings of a soname map to that key.
    const byKey = new Map<string, string[]>();
    for (const s of wanted) {
      const k = shlibsKeyForSoname(s);
      if (k === undefined) continue;
      byKey.set(k, [...(byKey.get(k) ?? []), s]);
    }
    if (byKey.size > 0) {
      const sh = await sql<{ soname: string; line: string; package: string; version: string }>`
        SELECT s.soname, s.line, n.value AS package, p.version
        FROM depdb_shlibs s JOIN depdb_packages p ON p.id = s.pkg_id JOIN depdb_releases r ON r.id = p.release_id
        JOIN depdb_strings n ON n.id = p.name_id
        WHERE s.release_id = ${rid} AND s.soname = ANY(${[...byKey.keys()]}::text[]) AND s.type IS NULL
          AND ${visibleAt('p', cur)}
        ORDER BY n.value, p.version, s.ordinal`.execute(this.db);
      for (const r of sh.rows)
        for (const s of byKey.get(r.soname) ?? [])
          entry(s).shlibs.push({ package: r.package, version: r.version, line: r.line });
    }

    const files = await sql<{
      soname: string;
      path: string;
      symlink: boolean;
      package: string;
      version: string;
    }>`
      SELECT f.soname, fp.value AS path, f.symlink, n.value AS package, p.version
      FROM depdb_files f JOIN depdb_packages p ON p.id = f.pkg_id JOIN depdb_releases r ON r.id = p.release_id
      JOIN depdb_strings n ON n.id = p.name_id JOIN depdb_strings fp ON fp.id = f.path_id
      WHERE f.release_id = ${rid} AND f.soname = ANY(${wanted}::text[]) AND ${visibleAt('p', cur)}
      ORDER BY n.value, p.version, fp.value`.execute(this.db);
    for (const r of files.rows)
      entry(r.soname).files.push({
        package: r.package,
        version: r.version,
        path: r.path,
        symlink: r.symlink,
      });
    return out;
  }

  /**
   * The versions Debian's `release` has of each of `names` (any architecture imported, every binary package of its
   * Packages indices: depdb_names), sorted as text; names it lacks are absent. An empty map also when the release was
   * imported before the names were kept (re-import it) or not at all: a clash check then finds nothing to say.
   */
  async packageVersions(release: string, names: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    const wanted = [...new Set(names)];
    if (wanted.length === 0) return out;
    const rows = await sql<{ name: string; version: string }>`
      SELECT DISTINCT s.value AS name, d.version
      FROM depdb_names d JOIN depdb_releases r ON r.id = d.release_id AND d.gen = r.current_gen
      JOIN depdb_strings s ON s.id = d.name_id
      WHERE r.release = ${release} AND s.value = ANY(${wanted}::text[])
      ORDER BY 1, 2`.execute(this.db);
    for (const r of rows.rows) out.set(r.name, [...(out.get(r.name) ?? []), r.version]);
    return out;
  }

  /**
   * libdep-service's lookup: for each library (soname), the binary packages that provide it (ship the file, or
   * declare it in shlibs or symbols), sorted. Libraries nobody provides are absent, as in the original service.
   * Without `release`, the most recently imported release of `arch` answers.
   */
  async binariesForLibraries(
    release: string | undefined,
    arch: string,
    libs: string[],
  ): Promise<Record<string, string[]>> {
    let rel = release;
    if (rel === undefined) {
      const r = await this.db
        .selectFrom('depdb_releases')
        .select('release')
        .where('arch', '=', arch)
        .where('current_gen', '>', 0)
        .orderBy('imported_at', 'desc')
        .executeTakeFirst();
      if (!r) throw notImported({ release: '(any)', arch });
      rel = r.release;
    }
    const found = await this.providers({ release: rel, arch }, libs);
    const out: Record<string, string[]> = {};
    for (const lib of libs) {
      const p = found.get(lib);
      if (!p) continue;
      out[lib] = [...new Set([...p.files, ...p.shlibs, ...p.symbols].map((x) => x.package))].sort();
    }
    return out;
  }
}
