/**
 * The Release file (the verified text of InRelease): which indices exist, their SHA256 and size, the date, and
 * whether the mirror serves indices by hash (Acquire-By-Hash), which makes fetches immune to the window where
 * a mirror has the new InRelease but old index files.
 */
import { PkgmeError } from '../../../errors.ts';
import { parseDeb822 } from '../../../formats/deb822/index.ts';

export interface ReleaseFile {
  sha256: string;
  size: number;
}

export interface Release {
  suite?: string;
  codename?: string;
  date?: string;
  architectures: string[];
  components: string[];
  acquireByHash: boolean;
  /** Index path relative to dists/<suite>/ (e.g. main/binary-amd64/Packages.xz) → its checksum and size. */
  files: Map<string, ReleaseFile>;
}

function corrupt(problem: string): PkgmeError {
  return new PkgmeError('APT_RELEASE_CORRUPT', `Release: ${problem}`, 'input', {
    hint: 'the InRelease file is damaged or not an apt Release file; check the source URI and suite',
    details: { problem },
  });
}

export function parseRelease(text: string): Release {
  const paragraphs = parseDeb822(text, { source: 'InRelease' });
  const p = paragraphs[0];
  if (!p || paragraphs.length !== 1) throw corrupt(`expected one paragraph, found ${paragraphs.length}`);
  const sums = p.get('SHA256');
  if (sums === undefined) throw corrupt('no SHA256 field (apt requires it)');
  const files = new Map<string, ReleaseFile>();
  sums.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (t === '') return;
    const m = /^([0-9a-fA-F]{64})\s+(\d{1,15})\s+(\S+)$/.exec(t);
    if (!m) throw corrupt(`SHA256 line ${i}: ${JSON.stringify(t.slice(0, 100))} is not "sha256 size path"`);
    files.set(m[3]!, { sha256: m[1]!.toLowerCase(), size: Number(m[2]) });
  });
  const words = (v: string | undefined) => (v ?? '').split(/\s+/).filter((w) => w !== '');
  return {
    ...(p.get('Suite') ? { suite: p.get('Suite')! } : {}),
    ...(p.get('Codename') ? { codename: p.get('Codename')! } : {}),
    ...(p.get('Date') ? { date: p.get('Date')! } : {}),
    architectures: words(p.get('Architectures')),
    components: words(p.get('Components')),
    acquireByHash: (p.get('Acquire-By-Hash') ?? '').trim().toLowerCase() === 'yes',
    files,
  };
}
