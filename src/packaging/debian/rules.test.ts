/**
 * debian/rules as debhelper 13 runs it: `dh binary --no-act` must drop every overridden step (dh skips an empty
 * override target) and keep the others; dh_installchangelogs, which is kept, must pick the upstream changelog that
 * the in-process build's mirror (dh.ts upstreamChangelog) picks (run for real in a scratch tree; no root needed).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { requireTools } from '../../testing/env.ts';
import { upstreamChangelog } from '../dh.ts';
import { changelog } from './changelog.ts';
import { control } from './control.ts';
import { rules, RULES_MODE, sourceFormat } from './rules.ts';
import { samplePlan } from './sample-plan.ts';

const OVERRIDDEN = [
  'dh_update_autotools_config',
  'dh_autoreconf',
  'dh_auto_configure',
  'dh_auto_build',
  'dh_auto_test',
  'dh_auto_install',
  'dh_strip_nondeterminism',
  'dh_dwz',
  'dh_strip',
  'dh_makeshlibs',
  'dh_shlibdeps',
];

function tree(): string {
  const plan = samplePlan();
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-rules-'));
  mkdirSync(join(dir, 'debian/source'), { recursive: true });
  writeFileSync(join(dir, 'debian/control'), control(plan));
  writeFileSync(join(dir, 'debian/changelog'), changelog(plan));
  writeFileSync(join(dir, 'debian/rules'), rules(plan), { mode: RULES_MODE });
  writeFileSync(join(dir, 'debian/source/format'), sourceFormat());
  return dir;
}

test('rules: dh runs every override target instead of the step it replaces, and keeps the rest', (t) => {
  if (!requireTools(t, ['dh', 'make'], 'debhelper')) return;
  const dir = tree();
  assert.equal(statSync(join(dir, 'debian/rules')).mode & 0o777, 0o755);
  const seq = execFileSync('dh', ['binary', '--no-act'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .split('\n')
    .map((l) => l.trim());
  for (const step of OVERRIDDEN) {
    assert.ok(!seq.includes(step) && !seq.some((l) => l.startsWith(`${step} `)), `${step} is not run as is`);
  }
  // Empty override targets are skipped by dh altogether.
  for (const kept of [
    'dh_install',
    'dh_installdocs',
    'dh_compress',
    'dh_fixperms',
    'dh_lintian',
    'dh_gencontrol',
  ]) {
    assert.ok(seq.includes(kept), `${kept} still runs`);
  }
});

function dhSequence(dir: string): string[] {
  return execFileSync('dh', ['binary', '--no-act'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .split('\n')
    .map((l) => l.trim().split(' ')[0]!)
    .filter((l) => l.startsWith('dh_'));
}

/**
 * The oracle is debhelper's own code: every step of the plain `dh binary` sequence whose program calls autoscript,
 * autotrigger or adds to ${misc:Depends} must be overridden. Two are kept: dh_installdeb writes scripts only from
 * debian/<package>.maintscript and friends, which pkgme never writes (and it makes DEBIAN/conffiles); dh_installdocs
 * adds ${misc:Depends} only with --link-doc.
 */
test('rules: no step that can write maintainer scripts, triggers or ${misc:Depends} runs', (t) => {
  if (!requireTools(t, ['dh', 'make'], 'debhelper')) return;
  const dir = tree();
  const ours = dhSequence(dir);
  writeFileSync(join(dir, 'debian/rules'), '#!/usr/bin/make -f\n%:\n\tdh $@\n', { mode: RULES_MODE });
  const plain = dhSequence(dir);
  const writers = plain.filter((step) => {
    const path = execFileSync('sh', ['-c', `command -v ${step}`], { encoding: 'utf8' }).trim();
    const code = readFileSync(path, 'utf8');
    return /\bautoscript\(|\bautotrigger\(|addsubstvar\([^,]+,\s*["']misc:/.test(code);
  });
  assert.ok(writers.includes('dh_installsystemd') && writers.length >= 10, writers.join(' '));
  const running = writers.filter((s) => ours.includes(s));
  assert.deepEqual(running, ['dh_installdocs', 'dh_installdeb']);
  console.log(
    `steps that can write maintainer scripts: ${writers.length}, overridden: ${writers.length - 2}`,
  );
});

test('rules: dh_installchangelogs (kept) picks the upstream changelog that the in-process mirror picks', (t) => {
  if (!requireTools(t, ['dh_installchangelogs'], 'debhelper')) return;
  const dir = tree();
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'docs/HISTORY.md'), 'older\n');
  writeFileSync(join(dir, 'Changes.txt'), 'changes\n');
  writeFileSync(join(dir, 'NEWS'), 'news\n');
  const picked = upstreamChangelog(dir);
  assert.equal(picked, 'Changes.txt');
  execFileSync('dh_installchangelogs', [], { cwd: dir, stdio: 'pipe' });
  const doc = join(dir, 'debian/demo-app/usr/share/doc/demo-app');
  assert.ok(existsSync(join(doc, 'changelog.Debian')), 'debian/changelog installed');
  assert.equal(readFileSync(join(doc, 'changelog'), 'utf8'), readFileSync(join(dir, picked), 'utf8'));
});
