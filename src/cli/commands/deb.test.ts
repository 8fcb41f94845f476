/** `pkgme deb info|contents` against dpkg-deb on a real package. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { parseDeb822 } from '../../formats/deb822/index.ts';
import { realDebs } from '../../formats/deb/fixtures.ts';
import { repoRoot, requireTools, run } from '../../testing/env.ts';

function pkgme(...args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
}

test('pkgme deb contents prints what dpkg-deb --contents prints; info --json has dpkg-deb -f fields', (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get'], 'dpkg apt')) return;
  const debs = realDebs().filter((p) => /\/(hello|cron|python3-six|bash-doc)_/.test(p));
  let lines = 0;
  for (const deb of debs) {
    const ours = pkgme('deb', 'contents', deb);
    const theirs = execFileSync('dpkg-deb', ['--contents', deb], {
      env: { ...process.env, TZ: 'UTC' },
    }).toString();
    assert.equal(ours, theirs, deb);
    lines += ours.split('\n').length - 1;
    const info = JSON.parse(pkgme('deb', 'info', '--json', deb)) as {
      control: { fields: Record<string, string> };
    };
    assert.deepEqual(info.control.fields, parseDeb822(run('dpkg-deb', ['-f', deb]))[0]!.toJSON());
  }
  console.log(`pkgme deb: ${debs.length} debs, ${lines} contents lines identical to dpkg-deb --contents`);
});
