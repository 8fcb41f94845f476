/**
 * debian/copyright: the SPDX → DEP-5 mapping, and the file's structure as dpkg's parser reads it (Dpkg::Control,
 * paragraph by paragraph) on odd plans: Format first, every license named in a Files paragraph defined once by a
 * standalone License paragraph with text, references only to files /usr/share/common-licenses really has. lintian's
 * DEP-5 checks run on whole source packages in lintian.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { requireTools, unavailable } from '../../testing/env.ts';
import { copyright, DEP5_FORMAT, dep5Expression } from './copyright.ts';
import { COMMON_LICENSE_FILES, dep5License } from './licenses.ts';
import { planArbitrary, samplePlan } from './sample-plan.ts';

const PARSE = String.raw`
use strict; use warnings; use Dpkg::Control; use JSON::PP;
my @all;
for my $file (@ARGV) {
  open(my $fh, '<', $file) or die; my @paras;
  while (1) { my $c = Dpkg::Control->new(type => CTRL_UNKNOWN); last unless $c->parse($fh, $file); push @paras, { %$c }; }
  push @all, \@paras;
}
print JSON::PP->new->canonical->encode(\@all);
`;

test('copyright: SPDX ids map to DEP-5 short names and common-licenses files', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['GPL-2.0-only', 'GPL-2', 'GPL-2'],
    ['GPL-2.0', 'GPL-2', 'GPL-2'],
    ['GPL-2.0-or-later', 'GPL-2+', 'GPL-2'],
    ['GPL-2.0+', 'GPL-2+', 'GPL-2'],
    ['GPL-3.0-only', 'GPL-3', 'GPL-3'],
    ['LGPL-2.1-or-later', 'LGPL-2.1+', 'LGPL-2.1'],
    ['LGPL-3.0-only', 'LGPL-3', 'LGPL-3'],
    ['AGPL-3.0-or-later', 'AGPL-3+', undefined],
    ['GFDL-1.3-only', 'GFDL-1.3', 'GFDL-1.3'],
    ['Apache-2.0', 'Apache-2.0', 'Apache-2.0'],
    ['MPL-2.0', 'MPL-2.0', 'MPL-2.0'],
    ['CC0-1.0', 'CC0-1.0', 'CC0-1.0'],
    ['MIT', 'Expat', undefined],
    ['BSD-3-Clause', 'BSD-3-clause', undefined],
    ['BSD-2-Clause', 'BSD-2-clause', undefined],
    ['ISC', 'ISC', undefined],
    ['Zlib', 'Zlib', undefined],
    ['proprietary', 'proprietary', undefined],
    ['LicenseRef-proprietary', 'proprietary', undefined],
    ['LicenseRef-Acme-EULA', 'LicenseRef-Acme-EULA', undefined],
    // Found by the property test: object-prototype names are ordinary unknown ids.
    ['toString', 'toString', undefined],
    ['__proto__', '__proto__', undefined],
  ];
  for (const [spdx, name, file] of cases) {
    const l = dep5License(spdx);
    assert.equal(l.name, name, spdx);
    assert.equal(l.commonFile, file, spdx);
  }
  assert.equal(dep5Expression('MIT OR Apache-2.0').expression, 'Expat or Apache-2.0');
  assert.equal(dep5Expression('(MIT AND Zlib)').expression, 'Expat and Zlib');
  assert.equal(
    dep5Expression('GPL-2.0-or-later WITH Classpath-exception-2.0').expression,
    'GPL-2+ with Classpath-2.0 exception',
  );
});

test('copyright: every common-licenses file named exists on this machine', (t) => {
  if (!existsSync('/usr/share/common-licenses')) {
    unavailable(t, 'no /usr/share/common-licenses (not a Debian machine: base-files)');
    return;
  }
  for (const f of COMMON_LICENSE_FILES) assert.ok(existsSync(`/usr/share/common-licenses/${f}`), f);
});

test('copyright: the upload text is used for a single license; standard text for BSD/Expat; proprietary is plain', () => {
  const own = copyright(samplePlan({ license: 'MIT', licenseText: 'Custom MIT wording\n\n\nwith lines' }));
  assert.match(own, /^License: Expat\n Custom MIT wording\n \.\n with lines\n/m);
  assert.match(
    copyright(samplePlan({ license: 'BSD-3-Clause' })),
    /Neither the name of the copyright holder/,
  );
  assert.match(
    copyright(samplePlan({ license: 'proprietary' })),
    /^License: proprietary\n This software is not free/m,
  );
  // One file per alternative: each License paragraph gets its own file's text (audacity's LICENSE-CC-BY-3.0 fell
  // back to a pointer: lintian incomplete-creative-commons-license); a common license is still referenced.
  const dual = copyright(
    samplePlan({
      license: 'CC-BY-3.0 OR GPL-2.0-only',
      licenseTexts: { 'CC-BY-3.0': 'THE WORK IS PROVIDED\n\nUNDER THE TERMS', 'GPL-2.0-only': 'GPL text' },
    }),
  );
  assert.match(dual, /^License: CC-BY-3\.0\n THE WORK IS PROVIDED\n \.\n UNDER THE TERMS\n/m);
  assert.match(dual, /^License: GPL-2\n This program is free software/m);
  assert.doesNotMatch(dual, /GPL text/);
  // Without a generated metainfo, neither its Files paragraph nor the CC0-1.0 text (lintian would warn
  // superfluous-file-pattern; build.test.ts checks that with lintian on the cli fixture).
  const noMeta = copyright(samplePlan(), { metainfo: false });
  assert.doesNotMatch(noMeta, /debian\/pkgme|CC0/);
  assert.match(copyright(samplePlan()), /^Files: debian\/pkgme\/usr\/share\/metainfo\/\*$/m);
  const gpl = copyright(samplePlan());
  assert.match(gpl, /"\/usr\/share\/common-licenses\/GPL-2"/);
  assert.doesNotMatch(gpl, /TERMS AND CONDITIONS/);
});

test('copyright: 200 odd plans parse with Dpkg::Control into a consistent DEP-5 file', (t) => {
  if (!requireTools(t, ['perl'], 'perl')) return;
  const plans = fc.sample(planArbitrary, { numRuns: 200, seed: 5 });
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-copyright-'));
  const files = plans.map((p, i) => {
    const f = join(dir, `copyright.${i}`);
    writeFileSync(f, copyright(p));
    return f;
  });
  const parsed = JSON.parse(
    execFileSync('perl', ['-e', PARSE, ...files], { encoding: 'utf8', maxBuffer: 1 << 28 }),
  ) as Array<Array<Record<string, string>>>;
  parsed.forEach((paras, i) => {
    const plan = plans[i]!;
    assert.equal(paras[0]!.Format, DEP5_FORMAT);
    const files = paras.filter((p) => p.Files !== undefined);
    const standalone = paras.filter((p) => p.Files === undefined && p.License !== undefined);
    assert.deepEqual(
      files.map((p) => p.Files),
      ['*', 'debian/*', 'debian/pkgme/usr/share/metainfo/*'],
    );
    const defined = standalone.map((p) => p.License!.split('\n')[0]);
    assert.equal(new Set(defined).size, defined.length, 'each license defined once');
    for (const p of standalone) assert.ok(p.License!.split('\n').slice(1).join('').trim().length > 0);
    for (const p of files) {
      assert.ok(p.Copyright!.trim().length > 0);
      const names = p
        .License!.replace(/ with \S+ exception/g, '')
        .split(/ (?:or|and) /)
        .map((n) => n.trim());
      for (const n of names) assert.ok(defined.includes(n), `${n} of ${plan.license} is defined`);
    }
    for (const m of copyright(plan).matchAll(/\/usr\/share\/common-licenses\/([\w.+-]+)/g)) {
      assert.ok((COMMON_LICENSE_FILES as readonly string[]).includes(m[1]!), m[1]);
    }
  });
});
