/**
 * Man pages against groff and man-db, as lintian runs them: `man --warnings -E UTF-8 -l -Tutf8 -Z` must print no
 * warning (lintian: groff-message), and `lexgrog` must find the whatis line "<cmd> - <synopsis>" (lintian:
 * bad-whatis-entry). Fixed cases plus fast-check plans with odd text and command names.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { requireTools } from '../../testing/env.ts';
import { synopsis } from './control.ts';
import { manpage, roffText } from './manpage.ts';
import { planArbitrary, samplePlan } from './sample-plan.ts';
import type { PackagePlan } from '../types.ts';

/** As lintian's documentation/manual check runs them: C.UTF-8, no MANROFFSEQ, a wide MANWIDTH. */
function check(
  plan: PackagePlan,
  exe: string,
): { warnings: string; whatis: string; lexStatus: number | null; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-man-'));
  const cmd = exe.split('/').pop()!;
  const file = join(dir, `${cmd}.1`);
  writeFileSync(file, manpage(plan, exe));
  const env = { PATH: process.env.PATH, LC_ALL: 'C.UTF-8', MANROFFSEQ: '', MANWIDTH: '120' };
  const man = spawnSync('man', ['--warnings', '-E', 'UTF-8', '-l', '-Tutf8', '-Z', file], {
    encoding: 'utf8',
    env,
  });
  const lex = spawnSync('lexgrog', [file], { encoding: 'utf8', env });
  // lintian drops wrapping warnings on lines that hold a URL (documentation/manual check); so does this test.
  const source = manpage(plan, exe).split('\n');
  const warnings = man.stderr
    .split('\n')
    .filter((l) => l.trim() !== '')
    .filter((l) => {
      const m = /:(\d+): warning \[.*\]: (?:can't break|cannot adjust) line/.exec(l);
      return m === null || !/(?:https?|ftp|file):\/\/.+/i.test(source[Number(m[1]) - 1] ?? '');
    })
    .join('\n');
  return { warnings, whatis: lex.stdout, lexStatus: lex.status, file };
}

test('manpage: the sample renders without warnings and lexgrog finds the whatis line', (t) => {
  if (!requireTools(t, ['man', 'lexgrog', 'groff'], 'man-db groff-base')) return;
  const plan = samplePlan();
  const r = check(plan, plan.executables[0]!);
  assert.equal(r.warnings, '');
  assert.equal(r.lexStatus, 0);
  assert.match(r.whatis.trim(), /: "demo-app - Small demonstration tool for packaging tests"$/);
  const text = spawnSync('man', ['-l', r.file], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, LC_ALL: 'C.UTF-8' },
  });
  assert.match(text.stdout, /DESCRIPTION\n\s+Demo App shows how pkgme turns a tarball/);
});

test('manpage: roff escaping', () => {
  assert.equal(roffText('.hidden'), '\\&.hidden');
  assert.equal(roffText("'quote"), "\\&'quote");
  assert.equal(roffText('a\\b'), 'a\\eb');
  assert.equal(roffText('é'), '\\[u00E9]');
  assert.equal(roffText('😀'), '\\[u1F600]');
  assert.equal(roffText('a-b', true), 'a\\-b');
});

test('manpage: 40 odd plans: no warnings from man/groff, lexgrog whatis = "<cmd> - <synopsis>"', (t) => {
  if (!requireTools(t, ['man', 'lexgrog', 'groff'], 'man-db groff-base')) return;
  for (const plan of fc.sample(planArbitrary, { numRuns: 40, seed: 3 })) {
    const exe = plan.executables[0]!;
    const cmd = exe.split('/').pop()!;
    const r = check(plan, exe);
    assert.equal(r.warnings, '', manpage(plan, exe));
    // lintian's bad-whatis-entry is lexgrog's exit status 2.
    assert.equal(r.lexStatus, 0, r.whatis);
    const m = /: "(.*)"$/.exec(r.whatis.trim());
    assert.ok(m !== null, r.whatis);
    // lexgrog prints the line as roff source; an ASCII synopsis comes back unchanged (a command name ending in
    // "-" is printed ambiguously by lexgrog itself, so only the synopsis is compared then).
    const syn = synopsis(plan);
    if (/^[\x20-\x7e]*$/.test(syn) && !syn.includes('\\')) {
      if (cmd.endsWith('-')) assert.ok(m[1]!.endsWith(` - ${syn}`), r.whatis);
      else assert.equal(m[1], `${cmd} - ${syn}`);
    }
  }
});
