import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDeb822 } from '../../formats/deb822/index.ts';
import { COMMON_LICENSES, copyrightHolder, detectLicense, guessLicense } from './license.ts';

/** Re-wraps a text as a developer's LICENSE.md would: other line width, a markdown title, a copyright line. */
function reshaped(text: string): string {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 9) lines.push(words.slice(i, i + 9).join(' '));
  return `# License\n\nCopyright (c) 2021 Jane Doe\n\n${lines.join('\n')}\n`;
}

test("oracle: the machine's /usr/share/common-licenses texts, re-wrapped, are recognised", () => {
  const expected: Record<string, string> = {
    'GPL-2': 'GPL-2.0-only',
    'GPL-3': 'GPL-3.0-only',
    'LGPL-2.1': 'LGPL-2.1-only',
    'LGPL-3': 'LGPL-3.0-only',
    'Apache-2.0': 'Apache-2.0',
    'MPL-2.0': 'MPL-2.0',
    'CC0-1.0': 'CC0-1.0',
    BSD: 'BSD-3-Clause',
    // Licenses pkgme does not name must not be mistaken for one it does.
    'MPL-1.1': 'LicenseRef-proprietary',
    'GFDL-1.3': 'LicenseRef-proprietary',
    Artistic: 'LicenseRef-proprietary',
  };
  let hits = 0;
  for (const [file, spdx] of Object.entries(expected)) {
    const d = detectLicense(reshaped(readFileSync(join(COMMON_LICENSES, file), 'utf8')));
    assert.equal(d.spdx, spdx, file);
    hits++;
  }
  console.log(
    `license: ${hits}/${Object.keys(expected).length} common-licenses texts recognised after re-wrapping`,
  );
});

/** DEP-5 short names (copyright-format 1.0) → SPDX ids, for the licenses pkgme detects. */
const DEP5_TO_SPDX: Record<string, string> = {
  expat: 'MIT',
  mit: 'MIT',
  isc: 'ISC',
  zlib: 'Zlib',
  'bsd-2-clause': 'BSD-2-Clause',
  'bsd-3-clause': 'BSD-3-Clause',
  'bsd-4-clause': 'BSD-4-Clause',
  'apache-2.0': 'Apache-2.0',
  'mpl-2.0': 'MPL-2.0',
  'cc0-1.0': 'CC0-1.0',
  unlicense: 'Unlicense',
  'gpl-2+': 'GPL-2.0-or-later',
  'gpl-2.0+': 'GPL-2.0-or-later',
  'gpl-3+': 'GPL-3.0-or-later',
  'gpl-3.0+': 'GPL-3.0-or-later',
  'lgpl-2.1+': 'LGPL-2.1-or-later',
  'lgpl-3+': 'LGPL-3.0-or-later',
  'lgpl-3.0+': 'LGPL-3.0-or-later',
};

test('oracle: DEP-5 License paragraphs of /usr/share/doc/*/copyright (the text under the short name)', () => {
  let compared = 0;
  let hits = 0;
  const misses: string[] = [];
  for (const pkg of readdirSync('/usr/share/doc')) {
    let text: string;
    try {
      text = readFileSync(join('/usr/share/doc', pkg, 'copyright'), 'utf8');
    } catch {
      continue;
    }
    if (!/^Format:\s*\S*copyright-format/m.test(text)) continue;
    let paras;
    try {
      paras = parseDeb822(text);
    } catch {
      continue; // A malformed copyright file is not an oracle.
    }
    for (const p of paras) {
      const lic = p.get('License');
      if (lic === undefined) continue;
      const nl = lic.indexOf('\n');
      if (nl < 0) continue;
      const spdx = DEP5_TO_SPDX[lic.slice(0, nl).trim().toLowerCase()];
      // Paragraph bodies use " ." for empty lines; the normaliser ignores punctuation anyway.
      const body = lic.slice(nl + 1);
      if (spdx === undefined || body.length < 150) continue;
      compared++;
      const d = detectLicense(body);
      if (d.spdx === spdx) hits++;
      else misses.push(`${pkg}: ${spdx} → ${d.spdx}`);
    }
  }
  const rate = compared === 0 ? 0 : hits / compared;
  console.log(
    `license: ${compared} DEP-5 license texts compared, ${hits} hits (${(rate * 100).toFixed(1)} %)`,
  );
  if (misses.length > 0) console.log(`license: misses: ${misses.slice(0, 400).join('; ')}`);
  assert.ok(compared >= 50, `only ${compared} DEP-5 texts found`);
  assert.ok(rate >= 0.9, `hit rate ${rate}`);
});

test('copyright holder lines', () => {
  const cases: Array<[string, string | undefined]> = [
    [
      'Copyright (c) 2019-2021 Jane Doe <jane@example.org>\nAll rights reserved.',
      'Jane Doe <jane@example.org>',
    ],
    ['MIT License\n\nCopyright © 2020, 2022 Foo Corp. All rights reserved.', 'Foo Corp'],
    ['(c) 1999 Bob', 'Bob'],
    ['The above copyright notice and this permission notice shall be included', undefined],
  ];
  for (const [text, holder] of cases) assert.equal(copyrightHolder(text), holder, text);
});

test('guessLicense reads LICENSE files in the upload; unknown text is proprietary with low confidence', () => {
  const root = mkdtempSync(join(tmpdir(), 'pkgme-lic-'));
  try {
    const top = join(root, 'foo-1.0');
    mkdirSync(top);
    writeFileSync(join(top, 'LICENSE.txt'), 'Copyright 2024 Acme Ltd\n\nYou may not copy this software.\n');
    const p = guessLicense(root);
    assert.equal(p.license?.value, 'LicenseRef-proprietary');
    assert.ok((p.license?.confidence ?? 1) < 0.5);
    assert.deepEqual(p.copyright, { value: 'Acme Ltd', source: 'file:foo-1.0/LICENSE.txt', confidence: 0.8 });
    writeFileSync(join(top, 'COPYING'), readFileSync(join(COMMON_LICENSES, 'GPL-3'), 'utf8'));
    const g = guessLicense(root);
    assert.equal(g.license?.value, 'GPL-3.0-only');
    assert.equal(g.license?.source, 'file:foo-1.0/COPYING');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('guessLicense: LICENSE-<id> files are the alternatives of a dual license (zstd, audacity shapes)', () => {
  const root = mkdtempSync(join(tmpdir(), 'pkgme-lic-named-'));
  try {
    // zstd as its developer ships it: Debian's own copyright says "BSD-3-clause or GPL-2" for these files.
    const zstd = join(root, 'zstd', 'zstd-1.5.4');
    mkdirSync(zstd, { recursive: true });
    writeFileSync(join(zstd, 'LICENSE-BSD-3-clause'), readFileSync(join(COMMON_LICENSES, 'BSD'), 'utf8'));
    writeFileSync(join(zstd, 'LICENSE-GPL-2'), readFileSync(join(COMMON_LICENSES, 'GPL-2'), 'utf8'));
    const z = guessLicense(join(root, 'zstd'));
    assert.equal(z.license?.value, 'BSD-3-Clause OR GPL-2.0-only');
    assert.equal(z.license?.source, 'file:zstd-1.5.4/LICENSE-BSD-3-clause,file:zstd-1.5.4/LICENSE-GPL-2');
    // The GPL text's own "Free Software Foundation" line is not zstd's holder.
    assert.doesNotMatch(z.copyright?.value ?? '', /Free Software Foundation/);
    const deb = '/usr/share/doc/zstd/copyright';
    if (existsSync(deb)) assert.match(readFileSync(deb, 'utf8'), /^License: BSD-3-clause or GPL-2$/m);

    // A text pkgme does not recognise: the file's name names it (not "proprietary", as before).
    const aud = join(root, 'aud', 'audacity-3.2');
    mkdirSync(aud, { recursive: true });
    writeFileSync(join(aud, 'LICENSE-GPL-2'), readFileSync(join(COMMON_LICENSES, 'GPL-2'), 'utf8'));
    writeFileSync(
      join(aud, 'LICENSE-CC-BY-3.0'),
      'Creative Commons Attribution 3.0 Unported (short form).\n',
    );
    assert.equal(guessLicense(join(root, 'aud')).license?.value, 'CC-BY-3.0 OR GPL-2.0-only');

    // A recognised plain LICENSE still wins over named ones; LICENSE.md is not a named one.
    writeFileSync(join(aud, 'LICENSE.md'), readFileSync(join(COMMON_LICENSES, 'Apache-2.0'), 'utf8'));
    const a = guessLicense(join(root, 'aud'));
    assert.equal(a.license?.value, 'Apache-2.0');
    assert.equal(a.license?.source, 'file:audacity-3.2/LICENSE.md');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
