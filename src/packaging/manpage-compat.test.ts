/**
 * The groff-1.23 rewrite, with man(1) as the oracle — the command lintian's groff-message check runs
 * (`man --warnings -E UTF-8 -l -Tutf8 -Z`): the machine's own tmux.1 (75 `.Tg` lines) renders to the same text with
 * no warning left, and `.MR` references render as `page(section)`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { requireTools, unavailable } from '../testing/env.ts';
import { compatManpage } from './manpage-compat.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-mancompat-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** grotty's overstrike (`x\bx` bold, `_\bx` italics) removed: a backspace takes back the character before it. */
function withoutOverstrike(s: string): string {
  const out: string[] = [];
  for (const ch of s) {
    if (ch === '\b') out.pop();
    else out.push(ch);
  }
  return out.join('');
}

/**
 * groff's warnings as lintian gets them (its exact command: -Z stops at troff's intermediate output), and the page
 * as a reader sees it (rendered, overstrike bold and italics removed).
 */
function man(page: string | Buffer, name: string): { out: string; warnings: string[] } {
  const file = join(tmp, name);
  writeFileSync(file, page);
  const env = { ...process.env, MANROFFSEQ: '', MANWIDTH: '120' };
  const r = spawnSync('man', ['--warnings', '-E', 'UTF-8', '-l', '-Tutf8', '-Z', file], {
    encoding: 'utf8',
    env,
  });
  assert.equal(r.status, 0, r.stderr);
  const shown = spawnSync('man', ['-E', 'UTF-8', '-l', '-Tutf8', file], { encoding: 'utf8', env });
  assert.equal(shown.status, 0, shown.stderr);
  return {
    out: withoutOverstrike(shown.stdout),
    warnings: r.stderr.split('\n').filter((l) => l.trim() !== ''),
  };
}

test("manpage-compat: the machine's tmux.1 loses its .Tg lines, renders the same, and groff has nothing to say", (t) => {
  if (!requireTools(t, ['man', 'groff'], 'man-db groff-base')) return;
  const path = '/usr/share/man/man1/tmux.1.gz';
  if (!existsSync(path)) {
    unavailable(t, 'no /usr/share/man/man1/tmux.1.gz (install tmux: its page is the real-world case)');
    return;
  }
  const original = gunzipSync(readFileSync(path)).toString('latin1');
  const tags = original.split('\n').filter((l) => /^\.Tg\b/.test(l)).length;
  assert.ok(tags > 0, 'tmux.1 has .Tg lines');
  const fixed = compatManpage(original);
  assert.ok(fixed !== undefined);
  assert.equal(fixed.split('\n').length, original.split('\n').length - tags);
  const before = man(Buffer.from(original, 'latin1'), 'before.1');
  const after = man(Buffer.from(fixed, 'latin1'), 'after.1');
  assert.equal(after.out, before.out);
  assert.deepEqual(
    after.warnings.filter((w) => /'Tg'/.test(w)),
    [],
  );
  assert.deepEqual(
    after.warnings,
    before.warnings.filter((w) => !/'Tg'/.test(w)),
  );
  console.log(
    `tmux.1: ${tags} .Tg lines dropped; groff warnings ${before.warnings.length} → ${after.warnings.length}`,
  );
});

test('manpage-compat: .MR becomes .IR page (section)trailer; pages without either are left alone', (t) => {
  if (!requireTools(t, ['man', 'groff'], 'man-db groff-base')) return;
  const page = [
    '.TH DEMO 1 2024 demo',
    '.SH NAME',
    'demo \\- show references',
    '.SH SEE ALSO',
    '.MR ls 1 ,',
    '.MR "odd name" 5',
    '.MR tmux 1',
    "'MR cat",
    '',
  ].join('\n');
  const fixed = compatManpage(page);
  assert.ok(fixed !== undefined);
  const r = man(fixed, 'demo.1');
  assert.deepEqual(r.warnings, []);
  const text = r.out.replace(/\s+/g, ' ');
  for (const ref of ['ls(1),', 'odd name(5)', 'tmux(1)', 'cat']) assert.ok(text.includes(ref), ref);
  assert.equal(compatManpage('.TH X 1\n.SH NAME\nx \\- y\n.Tgz not a Tg line\n'), undefined);
  assert.equal(compatManpage('.TH X 1\n.\\" .Tg in a comment\n'), undefined);
});
