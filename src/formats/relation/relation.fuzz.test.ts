import { test } from 'node:test';
import { fuzz } from '../../testing/fuzz.ts';
import { aptParagraphs } from '../version/apt-index.fixture.ts';
import { formatRelations } from './format.ts';
import { parseRelations } from './parse.ts';
import { simplifyRelations } from './simplify.ts';
import { simplifyLikeDpkg } from './implies.ts';

test('fuzz: relation parsing, formatting and both simplifications throw only PkgmeError', async () => {
  const seeds = aptParagraphs()
    .slice(0, 3000)
    .flatMap((p) => [p.get('Depends'), p.get('Provides'), p.get('Breaks')])
    .filter((v): v is string => v !== undefined)
    .slice(0, 400)
    .map((v) => new TextEncoder().encode(v));
  seeds.push(
    new TextEncoder().encode('a:any (>= 1:2~3) [amd64 !i386] <!nocheck> <cross>, ${shlibs:Depends}, b | c'),
  );
  const decoder = new TextDecoder();
  const fields = ['Depends', 'Build-Depends', 'Provides', 'Conflicts'];
  let n = 0;
  await fuzz({
    name: 'relation',
    seeds,
    maxLen: 65536,
    run: (input) => {
      const field = fields[n++ % fields.length]!;
      const list = parseRelations(decoder.decode(input), { field });
      formatRelations(simplifyRelations(list));
      formatRelations(simplifyLikeDpkg(list, field));
    },
  });
});
