import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PkgmeError } from '../../errors.ts';
import { requireTools } from '../../testing/env.ts';
import { parseRelations } from './parse.ts';

/** dpkg-deb's control parser (the C one) as the oracle for field-specific rules: does it refuse the field? */
function dpkgDebRefuses(dir: string, field: string, value: string): boolean {
  const pkg = join(dir, 'pkg');
  mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
  writeFileSync(
    join(pkg, 'DEBIAN', 'control'),
    `Package: x\nVersion: 1\nArchitecture: all\nMaintainer: A <a@example.org>\nDescription: d\n d\n${field}: ${value}\n`,
  );
  const r = spawnSync('dpkg-deb', ['--build', pkg, join(dir, 'x.deb')], { encoding: 'utf8' });
  return r.status !== 0;
}

test('field rules: alternatives and versions refused where dpkg-deb refuses them', (t) => {
  if (!requireTools(t, ['dpkg-deb'], 'dpkg')) return;
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-rel-'));
  const cases: Array<[string, string]> = [
    ['Conflicts', 'a | b'],
    ['Breaks', 'a | b'],
    ['Replaces', 'a|b'],
    ['Provides', 'a | b'],
    ['Enhances', 'a | b'],
    ['Depends', 'a | b (>= 1:2.3-4)'],
    ['Depends', 'a (>= 1.0-)'],
    ['Depends', 'a (>= :1)'],
    ['Pre-Depends', 'a (<< 1 0)'],
    ['Provides', 'a (= 1.0)'],
    ['Recommends', 'a:any, b:amd64 (>= 2)'],
  ];
  try {
    for (const [field, value] of cases) {
      let refused = false;
      try {
        parseRelations(value, { field });
      } catch (err) {
        assert.ok(err instanceof PkgmeError && err.code === 'RELATION_SYNTAX');
        refused = true;
      }
      assert.equal(refused, dpkgDebRefuses(dir, field, value), `${field}: ${value}`);
    }
    console.log(`relation field rules: ${cases.length} cases agree with dpkg-deb`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('errors carry the offset and the field', () => {
  assert.throws(
    () => parseRelations('libc6 (>= 2.34), libfoo1 (?? 1)', { field: 'Depends' }),
    (e: unknown) =>
      e instanceof PkgmeError &&
      e.code === 'RELATION_SYNTAX' &&
      e.details.offset === 26 &&
      e.message.startsWith('Depends field: expected a relation operator'),
  );
});
