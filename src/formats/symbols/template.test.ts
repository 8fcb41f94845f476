import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseRelations } from '../relation/parse.ts';
import { parseSymbolsFile } from './parse.ts';
import { fillTemplate, templateFor } from './template.ts';

test('fillTemplate: #MINVER# with a version, without one, whitespace collapsed', () => {
  assert.equal(fillTemplate('libc6 #MINVER#', '2.34'), 'libc6 (>= 2.34)');
  assert.equal(fillTemplate('libc6 #MINVER#'), 'libc6 ');
  assert.equal(fillTemplate('libc6 #MINVER#', '0'), 'libc6 ');
  assert.equal(fillTemplate('a  (>> 1),\tb'), 'a (>> 1), b');
});

test('every installed template, filled with every minver its symbols use, is a valid Depends field', () => {
  const info = '/var/lib/dpkg/info';
  let filled = 0;
  for (const f of readdirSync(info).filter((n) => n.endsWith('.symbols'))) {
    for (const o of parseSymbolsFile(readFileSync(join(info, f), 'utf8')).objects) {
      const seen = new Set<string>();
      for (const s of o.symbols.values()) {
        const t = templateFor(o, s);
        assert.ok(t !== undefined, `${f} ${o.soname}: dep-id ${s.depId} has no template`);
        const key = `${s.depId} ${s.minver}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const dep = fillTemplate(t, s.minver);
        parseRelations(dep, { field: 'Depends' });
        if (t.includes('#MINVER#') && s.minver !== '0') assert.ok(dep.includes(`(>= ${s.minver})`), dep);
        filled++;
      }
    }
  }
  console.log(`fillTemplate: ${filled} (template, minver) pairs filled and parsed as Depends`);
  assert.ok(filled > 1000);
});
