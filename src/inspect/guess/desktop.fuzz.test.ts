/** Fuzz the .desktop parser and validator with the machine's desktop entries and a generated one. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fuzz } from '../../testing/fuzz.ts';
import { generateDesktop, parseDesktop, serializeDesktop, validateDesktop } from './desktop.ts';

test('fuzz desktop parser', async () => {
  const seeds: Uint8Array[] = [];
  try {
    for (const f of readdirSync('/usr/share/applications'))
      if (f.endsWith('.desktop')) seeds.push(readFileSync(join('/usr/share/applications', f)));
  } catch {
    /* no applications dir: the generated seed below remains */
  }
  const gen = generateDesktop({
    exec: '/usr/bin/a %U',
    icon: 'a',
    name: 'A',
    comment: 'c',
    categories: ['Game'],
  });
  seeds.push(
    new TextEncoder().encode(`${serializeDesktop(gen)}Name[de]=Ä\\s\n\n[Desktop Action new]\nName=N\n`),
  );
  await fuzz({ name: 'desktop', seeds, run: (input) => validateDesktop(parseDesktop(input)) });
});
