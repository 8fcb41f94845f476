/**
 * The package name the provider rule prefers (key 5, policyName) against lintian's own derivation: the substitutions
 * package-name-doesnt-match-sonames applies to a soname, read from the installed lintian's Soname.pm and run by perl
 * over the file names of this machine's library directories and a few odd forms, including the ones split_soname's
 * first rule cannot name (`libstk-4.6.2.so` → libstk-4.6.2, `libnss3.so` → libnss3).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { requireTools, unavailable } from '../../testing/env.ts';
import { policyName } from './provider.ts';

const SONAME_PM = '/usr/share/lintian/lib/Lintian/Check/Libraries/Shared/Soname.pm';

const ODD = [
  'libstk-4.6.2.so',
  'libnss3.so',
  'libfoo.so.1.so.2',
  'libFOO_bar-1.2.so',
  'libfoo2.so.3',
  'libSDL-1.2.so.0',
  'ld-linux-x86-64.so.2',
  'libx.so',
  'libfoo.so.1.2',
  'libbind9-9.18.49-1~deb12u1-Debian.so',
];

test("policyName: equal to lintian's soname → package name derivation", (t) => {
  if (!requireTools(t, ['perl'], 'perl')) return;
  if (!existsSync(SONAME_PM)) {
    unavailable(t, `${SONAME_PM} missing (apt-get install lintian)`);
    return;
  }
  // The loop body that turns `$soname` into the expected package name, as lintian writes it.
  const pm = readFileSync(SONAME_PM, 'utf8');
  const steps = [...pm.matchAll(/^\s*(\$soname =~ s\/.*;)\s*$/gm)].map((m) => m[1]!);
  assert.equal(steps.length, 3, `the substitutions of ${SONAME_PM}: ${steps.join(' ')}`);
  assert.match(pm, /my \$lowercase = lc \$soname;/);
  const names = new Set(ODD);
  for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib', '/lib/x86_64-linux-gnu']) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (/^(?:lib|ld).*\.so/.test(f)) names.add(f);
  }
  const list = [...names].sort();
  const script = `while (my $soname = <STDIN>) { chomp $soname; ${steps.join(' ')} print lc($soname), "\\n"; }`;
  const want = execFileSync('perl', ['-e', script], { input: list.join('\n') + '\n', encoding: 'utf8' })
    .split('\n')
    .slice(0, -1);
  assert.equal(want.length, list.length);
  const wrong = list.filter((s, i) => policyName(s) !== want[i]);
  console.log(
    `policyName: ${list.length} sonames, ${list.length - wrong.length} equal to lintian's derivation`,
  );
  assert.deepEqual(
    wrong.map((s) => `${s}: ${policyName(s)} ≠ ${want[list.indexOf(s)]}`),
    [],
  );
});
