/** debian/changelog against dpkg-parsechangelog: every field as planned, on the sample and on odd plans. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseDeb822 } from '../../formats/deb822/index.ts';
import { requireTools } from '../../testing/env.ts';
import type { PackagePlan } from '../types.ts';
import { changelog, rfc2822 } from './changelog.ts';
import { planArbitrary, samplePlan } from './sample-plan.ts';

function parsed(plan: PackagePlan): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-changelog-'));
  const file = join(dir, 'changelog');
  writeFileSync(file, changelog(plan));
  const out = execFileSync('dpkg-parsechangelog', ['-l', file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p = parseDeb822(out)[0]!;
  return new Map(p.entries());
}

test('changelog: dpkg-parsechangelog reads the planned source, version, release, maintainer and date', (t) => {
  if (!requireTools(t, ['dpkg-parsechangelog'], 'dpkg-dev')) return;
  const plan = samplePlan({ fields: { summary: { value: 'x', source: 'user', confidence: 1 } } });
  const f = parsed(plan);
  assert.equal(f.get('Source'), 'demo-app');
  assert.equal(f.get('Version'), '1.2.3-1');
  assert.equal(f.get('Distribution'), 'bookworm');
  assert.equal(f.get('Urgency'), 'medium');
  assert.equal(f.get('Maintainer'), 'Jane Doe <jane@example.org>');
  assert.equal(f.get('Date'), 'Tue, 14 Nov 2023 22:13:20 +0000');
  assert.equal(f.get('Timestamp'), String(plan.date));
  assert.match(f.get('Changes')!, /Packaged by pkgme from demo-app-1\.2\.3-linux-x86_64\.tar\.gz\./);
  assert.match(f.get('Changes')!, /Corrected by the user: summary\./);
});

test('changelog: RFC 2822 dates in UTC, zero-padded', () => {
  assert.equal(rfc2822(0), 'Thu, 01 Jan 1970 00:00:00 +0000');
  assert.equal(rfc2822(951_782_400), 'Tue, 29 Feb 2000 00:00:00 +0000');
});

test('changelog: 40 odd plans: dpkg-parsechangelog gives back version, timestamp, maintainer; lines ≤ 80', (t) => {
  if (!requireTools(t, ['dpkg-parsechangelog'], 'dpkg-dev')) return;
  for (const plan of fc.sample(planArbitrary, { numRuns: 40, seed: 7 })) {
    const name = `${'x'.repeat(60)} ${plan.summary}.tar.gz`;
    const p = { ...plan, uploadName: name };
    const f = parsed(p);
    assert.equal(f.get('Version'), p.version);
    assert.equal(f.get('Timestamp'), String(p.date));
    assert.equal(f.get('Maintainer'), p.maintainer);
    for (const line of changelog(p).split('\n')) assert.ok([...line].length <= 80, line);
  }
});
