import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { builtFixture } from '../../testing/env.ts';
import { fuzz } from '../../testing/fuzz.ts';
import { parseMetainfo, parseReadme } from './description.ts';

/** Real metainfo files when the oracle test has fetched them (debian-apps fixture), else none. */
function realMetainfo(): Uint8Array[] {
  const dir = builtFixture('debian-apps');
  if (dir === undefined) return [];
  return readdirSync(dir)
    .filter((p) => !p.startsWith('.'))
    .flatMap((pkg) => readdirSync(join(dir, pkg, 'metainfo')).map((f) => join(dir, pkg, 'metainfo', f)))
    .slice(0, 8)
    .map((f) => readFileSync(f));
}

test('fuzz: parseMetainfo and parseReadme return text and never throw', async () => {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const seeds = [
    enc.encode(
      '<?xml version="1.0"?><component><summary>Sum &amp; more</summary><summary xml:lang="de">X</summary>' +
        '<description><p>One <em>a</em>.</p><ul><li>x</li></ul><p xml:lang="fr">Y</p></description>' +
        '<releases><release><description><p>r</p></description></release></releases><!-- c --></component>',
    ),
    enc.encode(
      '<p align="center"><img src="x"></p>\n# app - does things\n\n[![b](i)](u) A **b** `c` [d](e).\n\n' +
        '```\ncode\n```\n- item\n\nTitle\n=====\n\nText :code:`x` `y <z>`_.\n',
    ),
    ...realMetainfo(),
  ];
  const report = await fuzz({
    name: 'description',
    seeds,
    run: (input) => {
      const text = dec.decode(input);
      const m = parseMetainfo(text);
      const r = parseReadme(text, 'app');
      assert.ok(m.summary === undefined || !/\n/.test(m.summary));
      assert.ok(r.tagline === undefined || !/\n/.test(r.tagline));
      return [m, r];
    },
  });
  assert.ok(report.inputs > 0);
});
