/**
 * Test-only: the real Contents-amd64.gz of bookworm main from the machine's own apt source (the first deb822
 * paragraph of /etc/apt/sources.list.d/debian.sources that lists bookworm), fetched once into .cache/contents —
 * under the cache lock into a private directory renamed into place, so concurrent test files never see half a file.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDeb822 } from '../deb822/parse.ts';
import { cachedFixture } from '../../testing/env.ts';

const SOURCES = '/etc/apt/sources.list.d/debian.sources';
export const SUITE = 'bookworm';

/** The archive URI that serves `suite` main, read from the machine's apt sources. */
export function mirrorFor(suite: string): string {
  for (const p of parseDeb822(readFileSync(SOURCES, 'utf8'))) {
    const suites = (p.get('Suites') ?? '').split(/\s+/);
    const components = (p.get('Components') ?? '').split(/\s+/);
    const uri = (p.get('URIs') ?? '').split(/\s+/)[0];
    if (uri && suites.includes(suite) && components.includes('main')) return uri.replace(/\/+$/, '');
  }
  throw new Error(`${SOURCES} has no source for ${suite} main`);
}

/** Path of the cached Contents-amd64.gz (downloaded on first use). */
export function bookwormContents(): string {
  const dir = cachedFixture(`contents/${SUITE}-main-amd64`, (tmp) => {
    const url = `${mirrorFor(SUITE)}/dists/${SUITE}/main/Contents-amd64.gz`;
    execFileSync('curl', ['-fsS', '--retry', '3', '-o', join(tmp, 'Contents-amd64.gz'), url], {
      stdio: 'inherit',
    });
  });
  return join(dir, 'Contents-amd64.gz');
}
