/**
 * The bridge from a Contents index to selection's ContentsEntry. TEMPORARY body: the Contents parser belongs to
 * src/formats/contents (another helper's module); this minimal line splitter stands in until it lands and is then
 * replaced by a call to it. Lines are `path<whitespace>section/pkg[,section/pkg…]`; the path may hold spaces, so the
 * package column is the last whitespace-separated word.
 */
import { PkgmeError } from '../../../errors.ts';
import type { ContentsEntry } from './libraries.ts';

export function* contentsEntries(data: Buffer, source = 'Contents'): Generator<ContentsEntry> {
  const text = data.toString('utf8');
  let line = 0;
  for (let start = 0; start < text.length;) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    line++;
    const l = text.slice(start, nl).trimEnd();
    start = nl + 1;
    if (l === '') continue;
    const m = /^(.*\S)\s+(\S+)$/.exec(l);
    if (!m) {
      throw new PkgmeError('APT_INDEX_CORRUPT', `${source}:${line}: no package column`, 'input', {
        hint: 'the Contents index is damaged; import without it (--no-contents) or try another mirror',
        details: { source, line },
      });
    }
    yield { path: m[1]!, packages: m[2]!.split(',').map((q) => q.slice(q.lastIndexOf('/') + 1)) };
  }
}
