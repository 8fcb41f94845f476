/**
 * The chroot's apt sources come from the machine's (read with the depdb importer's parser, mapped to the target
 * release, written as deb822 that the same parser reads back), and the per-install copies: overlay or cp, the cached
 * tree unchanged by writes to a copy, stale copies of dead processes removed.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isPkgmeError } from '../../errors.ts';
import { parseDeb822Sources, readSystemSources } from '../../depdb/import/apt/sources.ts';
import { unavailable } from '../../testing/env.ts';
import { makeCopy } from './chroot-copy.ts';
import { chrootSources, chrootUnavailable, formatChrootSources, machineRelease, withLock } from './chroot.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-chroot-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("the machine's sources, mapped to its own release and to another one, round-trip through deb822", () => {
  const machine = machineRelease();
  const system = readSystemSources();
  const own = chrootSources(machine, system, machine);
  assert.ok(own.some((s) => s.suite === machine));
  for (const s of own) assert.ok(system.some((x) => x.uri === s.uri && x.suite === s.suite));
  const other = chrootSources('trixie', system, machine);
  assert.deepEqual(
    other.map((s) => `${s.uri} ${s.suite.replace(/^trixie/, machine)}`),
    own.map((s) => `${s.uri} ${s.suite}`),
  );
  const back = parseDeb822Sources(formatChrootSources(other), 'pkgme.sources');
  assert.deepEqual(
    back.map((s) => [s.uri, s.suite, s.components]),
    other.map((s) => [s.uri, s.suite, s.components]),
  );
});

test('no source for the machine release: a clear environment error', () => {
  const sources = [
    { uri: 'http://mirror.invalid/x', suite: 'other', components: ['main'], archs: [], origin: 't' },
  ];
  assert.throws(
    () => chrootSources('bookworm', sources, 'bookworm'),
    (e) => isPkgmeError(e) && e.code === 'CHECK_NO_MIRROR' && e.kind === 'environment',
  );
});

function baseTree(): string {
  const base = join(tmp, 'base');
  mkdirSync(join(base, 'etc'), { recursive: true });
  writeFileSync(join(base, 'etc/file'), 'original\n');
  return base;
}

for (const mode of ['cp', 'overlay'] as const) {
  test(`${mode} copy: writes stay in the copy; dispose removes it; a dead process's copy is reaped`, async (t) => {
    if (mode === 'overlay' && chrootUnavailable()) return unavailable(t, chrootUnavailable()!);
    const base = baseTree();
    const work = join(tmp, `work-${mode}`);
    // pid 2^22+1 is above the kernel's pid_max limit (4194304), so no process has it.
    const stale = join(work, 'bookworm-4194305-1');
    mkdirSync(join(stale, 'root'), { recursive: true });
    const copy = await makeCopy(base, work, 'bookworm', mode);
    assert.equal(copy.mode, mode);
    assert.equal(existsSync(stale), false);
    assert.equal(readFileSync(join(copy.root, 'etc/file'), 'utf8'), 'original\n');
    writeFileSync(join(copy.root, 'etc/file'), 'changed\n');
    writeFileSync(join(copy.root, 'etc/new'), 'new\n');
    assert.equal(readFileSync(join(base, 'etc/file'), 'utf8'), 'original\n');
    assert.equal(existsSync(join(base, 'etc/new')), false);
    await copy.dispose();
    assert.equal(existsSync(copy.root), false);
    assert.equal(readFileSync('/proc/self/mountinfo', 'utf8').includes(work), false);
  });
}

test('withLock: holders never overlap; a lock left by a dead process is broken', async () => {
  const file = join(tmp, 'x.lock');
  const events: string[] = [];
  const hold = (name: string) =>
    withLock(file, async () => {
      events.push(`in ${name}`);
      await new Promise((r) => setTimeout(r, 300));
      events.push(`out ${name}`);
    });
  await Promise.all([hold('a'), hold('b')]);
  assert.deepEqual(
    events.map((e) => e.split(' ')[0]),
    ['in', 'out', 'in', 'out'],
  );
  writeFileSync(file, '4194305\n');
  const start = Date.now();
  assert.equal(await withLock(file, async () => 'taken'), 'taken');
  assert.ok(Date.now() - start < 5000);
  assert.equal(existsSync(file), false);
});
