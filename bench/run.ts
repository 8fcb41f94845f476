/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those whose name contains an argument) and prints the
 * ratios each records. Each bench module exports `default async function (): Promise<void>` and calls `record()`.
 * Scratch data goes to bench/.work (git-ignored).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { allRows } from './lib.ts';

const filters = process.argv.slice(2);
const dir = import.meta.dirname;
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

for (const f of files) {
  console.log(`\n== ${f}`);
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default: () => Promise<void> };
  await mod.default();
}

console.log('\n== summary');
for (const r of allRows()) {
  const met = r.met === undefined ? '' : r.met ? 'met' : 'MISSED';
  console.log(`${r.bench.padEnd(50)} ${r.ratio.padEnd(28)} goal ${r.goal} ${met}`);
}
