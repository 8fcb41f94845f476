/**
 * The overrides file: only allowed tags, pointed-hint syntax, one justification comment per tag, paths sorted and
 * de-duplicated, whitespace in paths as lintian's wildcard; and docs/packaging.md lists exactly the allowed tags.
 * That lintian really uses these lines is checked in lintian.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../testing/env.ts';
import { ALLOWED_TAGS, lintianOverrides, NO_FACTS } from './lintian-overrides.ts';

test('lintian overrides: nothing to override gives an empty file', () => {
  assert.equal(lintianOverrides({ package: 'p' }, NO_FACTS), '');
});

test('lintian overrides: pointed hints with their justifications', () => {
  const text = lintianOverrides(
    { package: 'p' },
    {
      unstripped: ['/usr/lib/p/bin/b', 'usr/lib/p/bin/a', '/usr/lib/p/bin/a'],
      libsWithoutNeeded: ['/usr/lib/p/lib/libx.so.1'],
      embeddedLibraries: [{ path: '/usr/lib/p/lib/my z.so', library: 'zlib' }],
      optDirs: ['/opt/Vendor App/'],
    },
  );
  assert.equal(
    text,
    [
      `# ${ALLOWED_TAGS['unstripped-binary-or-object']}`,
      'p: unstripped-binary-or-object [usr/lib/p/bin/a]',
      'p: unstripped-binary-or-object [usr/lib/p/bin/b]',
      '',
      `# ${ALLOWED_TAGS['shared-library-lacks-prerequisites']}`,
      'p: shared-library-lacks-prerequisites [usr/lib/p/lib/libx.so.1]',
      '',
      `# ${ALLOWED_TAGS['embedded-library'].replace('<package>', 'p')}`,
      'p: embedded-library zlib [usr/lib/p/lib/my*z.so]',
      '',
      `# ${ALLOWED_TAGS['dir-or-file-in-opt']}`,
      'p: dir-or-file-in-opt [opt/Vendor*App/*]',
      '',
    ].join('\n'),
  );
});

test('docs/packaging.md "lintian: allowed tags" lists exactly ALLOWED_TAGS', () => {
  const doc = readFileSync(join(repoRoot, 'docs/packaging.md'), 'utf8');
  const start = doc.indexOf('\n## lintian: allowed tags');
  assert.ok(start >= 0, 'the section exists');
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  const tags = [...section.matchAll(/^\| `([a-z0-9-]+)` +\|/gm)].map((m) => m[1]!);
  assert.deepEqual(tags.sort(), Object.keys(ALLOWED_TAGS).sort());
});
