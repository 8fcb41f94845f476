/**
 * Fuzz target: what the resolver reads from the database is data an importer copied from packages (symbols
 * sections, shlibs lines). Mutated real ones (zlib1g's and libselinux1's symbols, libpng16-16's shlibs) are served as
 * the providers of the sonames a synthetic binary needs; the resolver must answer or throw a PkgmeError, never
 * anything else, never hang.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fuzz } from '../../testing/fuzz.ts';
import type { DepDbReader, ImportOrigin, ReleaseKey, SonameProviders } from '../types.ts';
import type { UploadElf } from './model.ts';
import { resolveUpload } from './resolve.ts';

const INFO = '/var/lib/dpkg/info';
const SEEDS = ['zlib1g:amd64.symbols', 'libselinux1:amd64.symbols', 'libpng16-16:amd64.shlibs'];

class OneSectionReader implements DepDbReader {
  constructor(private readonly text: string) {}
  releases(): Promise<Array<ReleaseKey & { origin: ImportOrigin; packages: number }>> {
    const origin: ImportOrigin = { kind: 'dpkg', location: 'fuzz', importedAt: '1970-01-01T00:00:00Z' };
    return Promise.resolve([{ release: 'r', arch: 'amd64', origin, packages: 1 }]);
  }
  providers(_key: ReleaseKey, sonames: string[]): Promise<Map<string, SonameProviders>> {
    const out = new Map<string, SonameProviders>();
    for (const soname of sonames) {
      const first = this.text.split('\n', 1)[0] ?? '';
      out.set(soname, {
        soname,
        symbols:
          soname === 'libz.so.1'
            ? [{ package: 'p', version: '1', section: { soname, text: this.text } }]
            : [],
        shlibs: [{ package: 'q', version: '1', line: first }],
        files: [{ package: 'p', version: '1', path: `/usr/lib/x86_64-linux-gnu/${soname}`, symlink: false }],
      });
    }
    return Promise.resolve(out);
  }
}

const bin: UploadElf = {
  path: 'bin/app',
  abs: '/nonexistent',
  arch: 'amd64',
  kind: 'pie-executable',
  needed: ['libz.so.1', 'libselinux.so.1', 'libpng16.so.16'],
  soname: null,
  searchPath: [],
  searchPathTag: 'none',
  imports: [
    { name: 'deflateSetHeader', version: 'ZLIB_1.2.2', weak: false },
    { name: 'inflate', version: 'ZLIB_1.2.0', weak: true },
    { name: 'getfilecon', version: 'LIBSELINUX_1.0', weak: false },
    { name: 'png_create_read_struct', version: 'PNG16_0', weak: false },
    { name: 'f', version: null, weak: false },
  ],
};

test('fuzz: resolver over mutated symbols/shlibs data', async () => {
  const seeds = SEEDS.map((f) => new Uint8Array(readFileSync(`${INFO}/${f}`)));
  const report = await fuzz({
    name: 'resolve: symbols/shlibs data',
    seeds,
    maxLen: 1 << 20,
    run: async (input) => {
      const text = Buffer.from(input).toString('utf8');
      await resolveUpload(new OneSectionReader(text), { files: [bin], skipped: [], bundled: new Map() });
    },
  });
  console.log(
    `resolve fuzz: ${report.inputs} inputs, ${report.typedErrors} typed errors, ${report.ok} answered`,
  );
  assert.ok(report.inputs > 0);
});
