/**
 * The overrides for what lintian reads in the upload's own files, judged by lintian 2.116 itself on a package the
 * pipeline builds (.deb + source package) from a gcc-built upload that ships: non-executable scripts with every kind
 * of #! line lintian's Scripts check complains about (data to the application), an executable script with a bad #!
 * line (a real problem: it must stay a warning), executable shell helpers with no #! line, a script and an ELF
 * program reading /var/lib/dpkg, a Latin-1 text file, an HTML manual and minified JavaScript with long lines (one
 * with its source beside it), and ELF files with and without a .c beside them. Without the overrides every one of
 * those hints is an E or W; with them each is O, no override is unused, and the executable script keeps its W.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { requireTools, run } from '../testing/env.ts';
import { lintianArgs, parseLintianOutput } from './check/lintian.ts';
import { ALLOWED_TAGS } from './debian/lintian-overrides.ts';
import { INTERPRETERS, VERSIONED_INTERPRETERS } from './debian/lintian-rules.ts';
import { packageUpload } from './pipeline.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-upload-files-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const LINTIAN_DATA = '/usr/share/lintian/data/scripts';

/** A lintian data file as Lintian::Data reads it: `key => value` lines, comments and blank lines skipped. */
function lintianData(name: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of readFileSync(join(LINTIAN_DATA, name), 'utf8').split('\n')) {
    if (/^\s*(?:#|$)/.test(line)) continue;
    const [key, rest] = line.trim().split(/\s*=>\s*/, 2);
    out.set(key!, rest!.split(/\s*,\s*/));
  }
  return out;
}

test("lintian-rules' interpreter tables are lintian's data/scripts files", (t) => {
  if (!requireTools(t, ['lintian'], 'lintian')) return;
  const plain = lintianData('interpreters');
  assert.deepEqual([...INTERPRETERS].sort(), [...plain].map(([k, v]): [string, string] => [k, v[0]!]).sort());
  const versioned = lintianData('versioned-interpreters');
  assert.deepEqual(
    [...VERSIONED_INTERPRETERS].map(([k, v]) => [k, v.folder, v.pattern]).sort(),
    [...versioned].map(([k, v]) => [k, v[0]!, v[1]!]).sort(),
  );
});

function put(root: string, path: string, data: string | Buffer, mode: number): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), data);
  chmodSync(join(root, path), mode);
}

/** The tags this test expects lintian to raise and pkgme to override (the fixture's coverage, not the rule). */
const OVERRIDDEN = [
  ...Object.keys(ALLOWED_TAGS).filter((t) =>
    ALLOWED_TAGS[t as keyof typeof ALLOWED_TAGS].includes('#! line'),
  ),
  'executable-not-elf-or-script',
  'uses-dpkg-database-directly',
  'national-encoding',
  'source-is-missing',
];

test("lintian: the upload's data scripts, shell helpers, dpkg readers, Latin-1 text and unbuilt files are overridden, an executable script's #! is not", async (t) => {
  if (!requireTools(t, ['gcc', 'tar', 'dpkg-deb', 'lintian', 'file'], 'gcc tar dpkg lintian file')) return;
  const root = join(tmp, 'scripty-1.0');
  writeFileSync(join(tmp, 'main.c'), '#include <stdio.h>\nint main(void) { puts("scripty"); return 0; }\n');
  writeFileSync(
    join(tmp, 'pkgs.c'),
    '#include <stdio.h>\nint main(void) { FILE *f = fopen("/var/lib/dpkg/status", "r"); return f == NULL; }\n',
  );
  mkdirSync(join(root, 'bin'), { recursive: true });
  run('gcc', ['-O2', '-o', join(root, 'bin/scripty'), join(tmp, 'main.c')]);
  run('gcc', ['-O2', '-o', join(root, 'bin/pkgcount'), join(tmp, 'pkgs.c')]);
  // An ELF file whose source is beside it: lintian's find_source accepts it, so it needs no override.
  run('gcc', ['-O2', '-o', join(root, 'bin/withsrc'), join(tmp, 'main.c')]);
  put(root, 'bin/withsrc.c', readFileSync(join(tmp, 'main.c')), 0o644);
  // Data scripts (not executable): each #! line lintian's Scripts check reads.
  const data: Array<[string, string]> = [
    ['share/ext/legacy.py', '#!/usr/bin/env python'],
    ['share/ext/export.py', '#!/bin/env python3'],
    ['share/ext/genpo.sh', '#!/bin/bash'],
    ['share/ext/tool.pl', '#!/usr/bin/env perl'],
    ['share/ext/old.rb', '#!/usr/local/bin/ruby'],
    ['share/ext/local.tcl', '#!/usr/local/bin/tclish -f'],
    ['share/ext/page.php', '#!/usr/bin/php7.4'],
    ['share/ext/own.sh', '#!/usr/bin/env scripty'],
    ['share/ext/fine.py', '#!/usr/bin/python3'],
    ['share/ext/plain.dat', '#!python'],
    ['libexec/bin/helper', '#!python'],
    ['libexec/bin/nothing', '#!'],
  ];
  for (const [path, line] of data) put(root, path, `${line}\nprint("data")\n`, 0o644);
  // dh_fixperms makes every .js 0644: uploaded executable, shipped as data.
  put(root, 'share/ext/serve.js', '#!/usr/bin/env nodejs\nconsole.log(1);\n', 0o755);
  // An executable script with an interpreter Debian does not have: a real problem, never overridden.
  put(root, 'share/ext/run-me.py', '#!/usr/bin/env python\nprint("run")\n', 0o755);
  // Sourced shell helpers, executable, with no #! line (mc's mc.sh, mc-wrapper.csh).
  put(root, 'lib/env.sh', 'MY_APP=1; export MY_APP\n', 0o755);
  put(root, 'lib/env.csh', 'setenv MY_APP 1\n', 0o755);
  put(root, 'lib/pkgs', '#!/bin/sh\ngrep -c "^Package:" /var/lib/dpkg/status\n', 0o755);
  put(root, 'share/latin1.txt', Buffer.from('Caf\xe9 cr\xe8me, na\xefve.\n', 'latin1'), 0o644);
  put(
    root,
    'share/doc/manual.html',
    `<html><body><p>${'manual text '.repeat(60)}</p></body></html>\n`,
    0o644,
  );
  put(root, 'share/web/app.min.js', 'var a=1;\n', 0o644);
  put(root, 'share/web/lib.min.js', 'var b=2;\n', 0o644);
  put(root, 'share/web/lib.js', 'var b = 2;\n', 0o644);
  put(root, 'LICENSE', 'MIT License\n\nCopyright (c) 2024 Example\n', 0o644);
  const upload = join(tmp, 'scripty-1.0.tar.gz');
  run('tar', ['-czf', upload, '-C', tmp, 'scripty-1.0']);

  const out = join(tmp, 'out');
  const r = await packageUpload(upload, { out, build: true, overrides: { depends: 'libc6 (>= 2.34)' } });
  const files = r.files.filter((f) => f.kind === 'deb' || f.kind === 'dsc').map((f) => f.path);
  assert.equal(files.length, 2);
  const lint = spawnSync('lintian', lintianArgs(files), { encoding: 'utf8', maxBuffer: 1 << 26 });
  const hints = parseLintianOutput(lint.stdout).hints;
  const shown = (h: { code: string; tag: string; note: string }): string => `${h.code} ${h.tag} ${h.note}`;
  console.log(hints.map(shown).join('\n'));

  // Every hint of these tags is overridden, but the executable script's: its #! line is used.
  const ours = hints.filter((h) => OVERRIDDEN.includes(h.tag));
  const open = ours.filter((h) => h.code !== 'O').map(shown);
  assert.deepEqual(open, ['W unusual-interpreter python [usr/lib/scripty/share/ext/run-me.py]']);
  // The reviewer was told first: the report's warning names the same script and interpreter lintian does.
  const warned = r.report.problems.filter((p) => p.code === 'SCRIPT_INTERPRETER_UNKNOWN');
  assert.equal(warned.length, 1);
  assert.match(
    warned[0]!.message,
    /^1 executable script\(s\) .*: \/usr\/lib\/scripty\/share\/ext\/run-me\.py \(python\)$/,
  );
  // The fixture reaches every tag (else the test proves less than it says).
  assert.deepEqual(
    [...new Set(ours.filter((h) => h.code === 'O').map((h) => h.tag))].sort(),
    OVERRIDDEN.sort(),
  );
  // Pointed at exactly the files lintian flags: none of these overrides is left unused. (The upload-tree-wide
  // embedded-library pattern is unused here: no bundled library; not this test's business.)
  assert.deepEqual(
    hints
      .filter((h) => h.tag === 'unused-override' || h.tag === 'mismatched-override')
      .filter((h) => OVERRIDDEN.includes(h.note.split(' ')[0]!))
      .map(shown),
    [],
  );
  // lintian's exceptions hold: fine.py (a known interpreter where it belongs) and plain.txt (not absolute, not in a
  // bin/ directory) raise nothing; the ELF file with its .c beside it and lib.min.js with lib.js are not "missing".
  for (const quiet of ['share/ext/fine.py', 'share/ext/plain.dat', 'bin/withsrc]', 'share/web/lib.min.js'])
    assert.deepEqual(ours.filter((h) => h.note.includes(quiet)).map(shown), [], quiet);
});
