/**
 * Test-only: the checks every real deb822 file goes through, shared by the oracle tests. `checkFile` parses a text,
 * checks the paragraph count against grep, the byte-identical round trip, and every value against
 * Dpkg::Control::HashCore (libdpkg-perl); it returns the counts compared.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { formatDeb822, parseDeb822 } from '../index.ts';
import { grepPackageCount } from './corpus.ts';

const DUMP = join(import.meta.dirname, 'dpkg-dump.pl');

/** Dpkg::Control's paragraphs for a text: a list of [name, value] pairs per paragraph. */
export function dpkgParagraphs(text: string): Array<Array<[string, string]>> {
  const json = execFileSync('perl', [DUMP, '-'], { input: Buffer.from(text, 'utf8'), maxBuffer: 1 << 30 });
  return JSON.parse(json.toString('utf8')) as Array<Array<[string, string]>>;
}

/** Compares our paragraphs of `text` with Dpkg's: same names in order (case aside), same values. */
export function compareWithDpkg(path: string, text: string): { paragraphs: number; values: number } {
  const expected = dpkgParagraphs(text);
  const ours = parseDeb822(text, { source: path });
  assert.equal(ours.length, expected.length, `${path}: paragraph count vs Dpkg`);
  let values = 0;
  for (let i = 0; i < ours.length; i++) {
    const p = ours[i]!;
    const exp = expected[i]!;
    // Dpkg re-capitalises known names (Description-md5 → Description-Md5); spelling is checked by the round trip.
    assert.deepEqual(
      p.fields().map((n) => n.toLowerCase()),
      exp.map(([n]) => n.toLowerCase()),
      `${path} paragraph ${i + 1}: field names and order`,
    );
    for (const [name, value] of exp) {
      assert.equal(p.get(name), value, `${path} paragraph ${i + 1}: field ${name}`);
      values++;
    }
  }
  return { paragraphs: ours.length, values };
}

/** Paragraph count vs `grep -c '^Package:'` (when `packageIndex`) and the byte-identical round trip. */
export function checkRoundTrip(
  path: string,
  text: string,
  packageIndex: boolean,
): { paragraphs: number; fields: number } {
  const ps = parseDeb822(text, { source: path });
  if (packageIndex) assert.equal(ps.length, grepPackageCount(text), `${path}: paragraph count vs grep -c`);
  else assert.ok(ps.length > 0, `${path}: no paragraph`);
  assert.ok(formatDeb822(ps) === text, `${path}: parse → write is not byte-identical`);
  let fields = 0;
  for (const p of ps) fields += p.size;
  return { paragraphs: ps.length, fields };
}
