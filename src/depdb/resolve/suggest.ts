/**
 * Suggestions for a soname no package provides: a close soname in the same (release, arch) — usually another
 * major version of the same library (libssl.so.1.1 → libssl.so.3) — and the same soname in the other imported
 * releases and architectures (built against trixie, resolved for bookworm). The database is asked by exact sonames
 * only (the reader's contract), so the close names are generated: the same library name with major versions 0–30,
 * the unversioned-major form, and the version with its minor parts dropped.
 */
import type { DepDbReader, ReleaseKey, SonameProviders } from '../types.ts';
import type { Suggestion } from './model.ts';
import { splitSoname } from '../../formats/shlibs/index.ts';

const MAX_MAJOR = 30;

export function closeSonames(soname: string): string[] {
  const s = splitSoname(soname);
  if (!s) return [];
  const out = new Set<string>();
  const dotted = soname.endsWith('.so') ? false : true;
  if (dotted) {
    for (let n = 0; n <= MAX_MAJOR; n++) out.add(`${s.library}.so.${n}`);
    const major = s.soversion.split('.')[0]!;
    out.add(`${s.library}.so.${major}`);
    for (let n = 0; n <= 3; n++) out.add(`${s.library}.so.${major}.${n}`);
  } else {
    for (let n = 0; n <= MAX_MAJOR; n++) out.add(`${s.library}-${n}.so`);
  }
  out.delete(soname);
  return [...out];
}

function packagesOf(p: SonameProviders): string[] {
  const names = new Set<string>();
  for (const x of p.symbols) names.add(x.package);
  for (const x of p.shlibs) names.add(x.package);
  for (const x of p.files) names.add(x.package);
  return [...names].sort();
}

export async function suggest(
  reader: DepDbReader,
  key: ReleaseKey,
  soname: string,
  imported: ReleaseKey[],
  keyImported: boolean,
): Promise<Suggestion[]> {
  const out: Suggestion[] = [];
  if (keyImported) {
    const close = await reader.providers(key, closeSonames(soname));
    for (const [name, p] of [...close].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      out.push({ kind: 'similar', soname: name, packages: packagesOf(p) });
    }
  }
  for (const other of imported) {
    if (other.release === key.release && other.arch === key.arch) continue;
    const p = (await reader.providers(other, [soname])).get(soname);
    if (p)
      out.push({
        kind: 'elsewhere',
        soname,
        packages: packagesOf(p),
        release: other.release,
        arch: other.arch,
      });
  }
  return out;
}
