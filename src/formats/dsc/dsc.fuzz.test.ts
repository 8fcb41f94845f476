import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fuzz } from '../../testing/fuzz.ts';
import { builtFixture } from '../../testing/env.ts';
import { parseDsc } from './read.ts';
import { REAL_SOURCES_CACHE } from './real-sources.fixture.ts';
import { writeFixturePackage } from './tree.fixture.ts';

test('fuzz: .dsc parsing throws only PkgmeError', async () => {
  const work = mkdtempSync(join(tmpdir(), 'pkgme-dscf-'));
  try {
    const ours = await writeFixturePackage(work, '1:1.0-1', '3.0 (quilt)');
    const seeds = [new TextEncoder().encode(ours.dscText)];
    // Real signed .dsc files, when read.test.ts has fetched them (waits for a fetch in progress, never reads half).
    const real = builtFixture(REAL_SOURCES_CACHE);
    if (real !== undefined)
      for (const f of readdirSync(real).filter((n) => n.endsWith('.dsc')))
        seeds.push(readFileSync(join(real, f)));
    await fuzz({ name: 'dsc', seeds, maxLen: 1 << 16, run: (input) => parseDsc(input) });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
