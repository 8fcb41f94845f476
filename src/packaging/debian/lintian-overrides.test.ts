/**
 * The overrides file: only allowed tags, pointed-hint syntax, one justification comment per tag, paths sorted and
 * de-duplicated, whitespace in paths as lintian's wildcard; and docs/packaging.md lists exactly the allowed tags.
 * That lintian really uses these lines is checked in lintian.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inventoryTree } from '../../inspect/inventory.ts';
import { repoRoot, requireTools, run } from '../../testing/env.ts';
import { lintianArgs, parseLintianOutput } from '../check/lintian.ts';
import { ALLOWED_TAGS, elfFacts, lintianOverrides, NO_FACTS } from './lintian-overrides.ts';

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

test("lintian overrides: a data script's hints keep lintian's note in the context; whitespace and brackets become *", () => {
  const text = lintianOverrides(
    { package: 'p' },
    {
      ...NO_FACTS,
      dataScripts: [
        {
          path: '/usr/lib/p/ext/b.py',
          hints: [{ tag: 'unusual-interpreter', note: 'py[thon]' }, { tag: 'script-not-executable' }],
        },
        { path: '/usr/lib/p/ext/a b.py', hints: [{ tag: 'unusual-interpreter', note: 'python' }] },
      ],
      notElfOrScript: ['/usr/lib/p/lib/env.sh'],
    },
  );
  const reason = ALLOWED_TAGS['unusual-interpreter'].replace('<package>', 'p');
  assert.equal(
    text,
    [
      `# ${reason}`,
      'p: script-not-executable [usr/lib/p/ext/b.py]',
      '',
      `# ${reason}`,
      'p: unusual-interpreter py*thon* [usr/lib/p/ext/b.py]',
      'p: unusual-interpreter python [usr/lib/p/ext/a*b.py]',
      '',
      `# ${ALLOWED_TAGS['executable-not-elf-or-script']}`,
      'p: executable-not-elf-or-script [usr/lib/p/lib/env.sh]',
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

/**
 * The developer's build as shipped, judged by lintian itself: a non-PIE executable (gcc -no-pie: GHC, Free Pascal),
 * a static one (gcc -static: Go, esbuild) and a library holding zlib's version string (a bundled copy) under
 * /usr/lib/p, in a dpkg-deb-built .deb with the overrides elfFacts gives from the inventory's ELF headers.
 */
test('lintian: statically-linked-binary, hardening-no-pie, static-pie and embedded-library of the upload tree are overridden', (t) => {
  if (!requireTools(t, ['gcc', 'dpkg-deb', 'lintian'], 'gcc libc6-dev dpkg lintian')) return;
  const tmp = mkdtempSync(join(tmpdir(), 'pkgme-lo-'));
  try {
    const root = join(tmp, 'root');
    const bin = join(root, 'usr/lib/p/bin');
    mkdirSync(bin, { recursive: true });
    mkdirSync(join(root, 'usr/lib/p/lib'), { recursive: true });
    mkdirSync(join(root, 'DEBIAN'));
    writeFileSync(join(tmp, 'm.c'), '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n');
    writeFileSync(
      join(tmp, 'z.c'),
      '__attribute__((used)) const char z_copyright[] = " inflate 1.2.13 Copyright 1995-2022 Mark Adler ";\n',
    );
    run('gcc', ['-O2', '-no-pie', '-o', join(bin, 'nopie'), join(tmp, 'm.c')]);
    run('gcc', ['-O2', '-static', '-o', join(bin, 'static'), join(tmp, 'm.c')]);
    run('gcc', ['-O2', '-static-pie', '-o', join(bin, 'static-pie'), join(tmp, 'm.c')]);
    run('gcc', ['-shared', '-fPIC', '-o', join(root, 'usr/lib/p/lib/libbundled.so'), join(tmp, 'z.c')]);
    const shipped = inventoryTree(root)
      .entries.filter((e) => e.elf !== undefined && e.path.startsWith('usr/'))
      .map((e) => ({ to: `/${e.path}`, elf: e.elf! }));
    const facts = elfFacts(shipped, '/usr/lib/p');
    assert.deepEqual(facts, {
      staticExecutables: ['/usr/lib/p/bin/static'],
      nonPieExecutables: ['/usr/lib/p/bin/nopie'],
      staticPieExecutables: ['/usr/lib/p/bin/static-pie'],
      uploadTree: '/usr/lib/p',
    });
    mkdirSync(join(root, 'usr/share/lintian/overrides'), { recursive: true });
    writeFileSync(
      join(root, 'usr/share/lintian/overrides/p'),
      lintianOverrides(
        { package: 'p' },
        // debian-dir's own fact: the bundled library has no DT_NEEDED (nothing but data in it).
        { ...NO_FACTS, libsWithoutNeeded: ['/usr/lib/p/lib/libbundled.so'], ...facts },
      ),
    );
    writeFileSync(
      join(root, 'DEBIAN/control'),
      'Package: p\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: A B <a@b.org>\nDescription: test\n test\n',
    );
    const deb = join(tmp, 'p.deb');
    run('dpkg-deb', ['--root-owner-group', '-Zgzip', '-b', root, deb]);
    const out = spawnSync('lintian', lintianArgs([deb]), { encoding: 'utf8' });
    const hints = parseLintianOutput(out.stdout).hints;
    const ours = [
      'statically-linked-binary',
      'hardening-no-pie',
      'embedded-library',
      'shared-library-lacks-prerequisites',
    ];
    // Without the overrides lintian reports them as E/W (checked by the 'O' lines: each was found, then overridden).
    assert.deepEqual(
      hints
        .filter((h) => ours.includes(h.tag))
        .map((h) => `${h.code} ${h.tag} ${h.note}`)
        .sort(),
      [
        'O embedded-library zlib [usr/lib/p/lib/libbundled.so]',
        'O hardening-no-pie [usr/lib/p/bin/nopie]',
        'O shared-library-lacks-prerequisites [usr/lib/p/bin/static-pie]',
        'O shared-library-lacks-prerequisites [usr/lib/p/lib/libbundled.so]',
        'O statically-linked-binary [usr/lib/p/bin/static]',
      ],
    );
    assert.deepEqual(
      hints.filter((h) => h.tag === 'unused-override' || h.tag === 'mismatched-override'),
      [],
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
