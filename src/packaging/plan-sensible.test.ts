/**
 * sensibleUsers against lintian itself: the files of a dpkg-deb-built tree that lintian 2.116 reports as
 * missing-depends-on-sensible-utils are exactly the ones pkgme finds (an ELF program calling sensible-editor, a
 * script running sensible-pager, a 2 MB script whose select-editor straddles pkgme's read chunk; not a text file,
 * not `x-sensible-editor`, not a plain program); with withSensibleUtils' Depends lintian reports none.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inventoryTree } from '../inspect/inventory.ts';
import { requireTools, run } from '../testing/env.ts';
import { lintianArgs, parseLintianOutput } from './check/lintian.ts';
import { sensibleUsers, withSensibleUtils } from './plan-sensible.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-sensible-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function put(path: string, data: string | Buffer, mode = 0o755): void {
  writeFileSync(path, data);
  chmodSync(path, mode);
}

/** lintian's missing-depends-on-sensible-utils pointers for a .deb of `root` with this Depends. */
function lintianFlags(root: string, depends: string): string[] {
  writeFileSync(
    join(root, 'DEBIAN/control'),
    `Package: p\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: A B <a@b.org>\n${depends ? `Depends: ${depends}\n` : ''}Description: test\n test\n`,
  );
  const deb = join(tmp, 'p.deb');
  run('dpkg-deb', ['--root-owner-group', '-Zgzip', '-b', root, deb]);
  const out = spawnSync('lintian', lintianArgs([deb]), { encoding: 'utf8' });
  return parseLintianOutput(out.stdout)
    .hints.filter((h) => h.tag === 'missing-depends-on-sensible-utils')
    .map((h) => /\[([^\]]+)\]/.exec(h.note)?.[1] ?? h.note)
    .sort();
}

test('sensible-utils: the files lintian flags are the ones pkgme finds; the added Depends silences it', (t) => {
  if (!requireTools(t, ['gcc', 'dpkg-deb', 'lintian'], 'gcc dpkg lintian')) return;
  const root = join(tmp, 'root');
  const bin = join(root, 'usr/lib/p/bin');
  mkdirSync(bin, { recursive: true });
  mkdirSync(join(root, 'usr/lib/p/share'), { recursive: true });
  mkdirSync(join(root, 'DEBIAN'));
  writeFileSync(
    join(tmp, 'ed.c'),
    '#include <stdlib.h>\nint main(int c, char **v) { return system(c > 1 ? "sensible-editor notes.txt" : "true"); }\n',
  );
  writeFileSync(join(tmp, 'plain.c'), 'int main(void) { return 0; }\n');
  run('gcc', ['-O2', '-o', join(bin, 'editor-caller'), join(tmp, 'ed.c')]);
  run('gcc', ['-O2', '-o', join(bin, 'plain'), join(tmp, 'plain.c')]);
  put(join(bin, 'pager.sh'), '#!/bin/sh\nexec sensible-pager "$@"\n');
  put(join(bin, 'dash.sh'), '#!/bin/sh\nexec x-sensible-editor "$@"\n');
  put(join(root, 'usr/lib/p/share/readme.txt'), 'Set sensible-browser as your browser.\n', 0o644);
  // select-editor starts 5 bytes before the first 1 MiB chunk ends.
  const big = Buffer.alloc(2 << 20, 0x20);
  big.write('#!/bin/sh\n', 0, 'latin1');
  big.write('\nselect-editor\n', (1 << 20) - 6, 'latin1');
  put(join(bin, 'big.sh'), big);

  const entries = inventoryTree(root).entries.filter((e) => e.path.startsWith('usr/'));
  const users = sensibleUsers(root, entries);
  const found = users.map((u) => u.path).sort();
  assert.deepEqual(found, ['usr/lib/p/bin/big.sh', 'usr/lib/p/bin/editor-caller', 'usr/lib/p/bin/pager.sh']);
  assert.deepEqual(lintianFlags(root, 'libc6 (>= 2.34)'), found);

  const fixed = withSensibleUtils('libc6 (>= 2.34)', users, false);
  assert.equal(fixed.depends, 'libc6 (>= 2.34), sensible-utils');
  assert.equal(fixed.problems[0]?.code, 'DEPENDS_SENSIBLE_UTILS');
  assert.match(fixed.problems[0]!.message, /runs sensible-|select-editor/);
  assert.deepEqual(lintianFlags(root, fixed.depends), []);
});

test('sensible-utils: already there, nothing to add, or a user Depends (warned, not changed)', () => {
  const users = [{ path: 'bin/mc', command: 'sensible-editor' }];
  assert.deepEqual(withSensibleUtils('libc6, sensible-utils (>= 0.0.17)', users, false).problems, []);
  assert.deepEqual(withSensibleUtils('libc6', [], false), { depends: 'libc6', problems: [] });
  assert.equal(withSensibleUtils('', users, false).depends, 'sensible-utils');
  const user = withSensibleUtils('libc6', users, true);
  assert.equal(user.depends, 'libc6');
  assert.equal(user.problems[0]?.code, 'DEPENDS_SENSIBLE_UTILS_MISSING');
  // Another package whose name merely contains it does not count.
  assert.equal(
    withSensibleUtils('not-sensible-utils', users, false).depends,
    'not-sensible-utils, sensible-utils',
  );
});
