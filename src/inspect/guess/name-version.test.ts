import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { requireTools } from '../../testing/env.ts';
import { guess } from './field.ts';
import {
  guessNameVersion,
  PACKAGE_NAME,
  splitUploadName,
  toPackageName,
  toUpstreamVersion,
} from './name-version.ts';

/** The upload-name shapes from the brief; the split is pkgme's design, so these are its specification. */
test('upload names: archive extensions, platform suffixes and a leading v are stripped', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['foo-1.2.3-linux-x86_64.tar.gz', 'foo', '1.2.3'],
    ['Foo_App-2.0.tgz', 'foo-app', '2.0'],
    ['foo-v1.2', 'foo', '1.2'],
    ['foo.1.2.zip', 'foo', '1.2'],
    ['my-tool_3.4.5_amd64.tar.xz', 'my-tool', '3.4.5'],
    ['Thing-0.9-rc1-linux-arm64.tar.zst', 'thing', '0.9~rc1'],
    ['bare', 'bare', undefined],
  ];
  for (const [file, name, version] of cases) {
    const s = splitUploadName(file);
    assert.equal(toPackageName(s.name), name, file);
    const v = s.version === undefined ? undefined : toUpstreamVersion(s.version);
    assert.equal(v === undefined ? undefined : 'version' in v ? v.version : v.problem, version, file);
  }
});

/** Runs dpkg's validator over many values in one shell; returns those dpkg rejects. */
function dpkgRejects(kind: 'pkgname' | 'version', values: string[]): string[] {
  const out = execFileSync(
    'sh',
    [
      '-c',
      `while IFS= read -r v; do dpkg --validate-${kind} -- "$v" >/dev/null 2>&1 || printf '%s\\n' "$v"; done`,
    ],
    { input: values.join('\n') + '\n', maxBuffer: 1 << 26 },
  );
  return out
    .toString()
    .split('\n')
    .filter((l) => l !== '');
}

test('oracle: installed packages re-shaped as upload names give back their name and a dpkg-valid version', (t) => {
  if (!requireTools(t, ['dpkg', 'dpkg-query'], 'dpkg')) return;
  const rows = execFileSync('dpkg-query', ['-W', '-f', '${Package}\t${Version}\n'])
    .toString()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t') as [string, string]);
  const names: string[] = [];
  const versions: string[] = [];
  let compared = 0;
  let recovered = 0;
  for (const [pkg, full] of rows) {
    const upstream = full.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
    // Names holding `-<digit>` (libfoo-2-0) are ambiguous with a version: no upload-name heuristic can split them.
    if (/[-.+_]\d/.test(pkg)) continue;
    const mangled = pkg.replace(/^./, (c) => c.toUpperCase()).replace(/-/g, '_');
    const g = guessNameVersion({ uploadName: `${mangled}-${upstream}-linux-x86_64.tar.gz` });
    compared++;
    if (g.package !== undefined) names.push(g.package.value);
    if (g.version !== undefined) versions.push(g.version.value);
    // The name always comes back; the version too when it has no `-` or pre-release word pkgme rewrites.
    assert.equal(g.package?.value, pkg);
    if (!/-|alpha|beta|rc|pre|dev/i.test(upstream) && /^\d/.test(upstream)) {
      assert.equal(g.version?.value, upstream, pkg);
      recovered++;
    }
  }
  const badNames = dpkgRejects('pkgname', [...new Set(names)]);
  const badVersions = dpkgRejects('version', [...new Set(versions)]);
  console.log(
    `name-version: ${compared} installed packages re-shaped; ${recovered} versions recovered exactly; ` +
      `${new Set(names).size} names and ${new Set(versions).size} versions checked by dpkg --validate-*: ` +
      `${badNames.length + badVersions.length} rejected`,
  );
  assert.ok(compared > 100);
  assert.deepEqual(badNames, []);
  assert.deepEqual(badVersions, []);
});

test('oracle: toPackageName output and PACKAGE_NAME agree with dpkg --validate-pkgname on messy inputs', (t) => {
  if (!requireTools(t, ['dpkg'], 'dpkg')) return;
  const raw = execFileSync('sh', ['-c', 'ls /usr/bin /usr/share/doc /usr/lib/x86_64-linux-gnu | head -800'])
    .toString()
    .split('\n')
    .filter((l) => l !== '' && !l.endsWith(':'));
  const messy = raw.flatMap((s) => [s, s.toUpperCase(), `_${s} App!`, s.slice(0, 1)]);
  const produced = [...new Set(messy.map(toPackageName).filter((n): n is string => n !== undefined))];
  assert.deepEqual(dpkgRejects('pkgname', produced), []);
  // The regex itself: what dpkg rejects among the raw strings, the regex rejects too (policy is stricter).
  const rejected = new Set(dpkgRejects('pkgname', [...new Set(messy)]));
  const disagreements = [...new Set(messy)].filter((s) => PACKAGE_NAME.test(s) && rejected.has(s));
  console.log(
    `name-version: ${messy.length} messy names → ${produced.length} produced, all dpkg-valid; ${rejected.size} raw rejected by dpkg`,
  );
  assert.deepEqual(disagreements, []);
});

test('versions that cannot be made valid are reported, not invented', () => {
  const g = guessNameVersion({
    uploadName: 'foo-latest.tar.gz',
    metadata: { version: guess('release!', 'metadata:pkgme.json', 1) },
  });
  assert.equal(g.version, undefined);
  assert.ok(g.problems.some((p) => p.code === 'VERSION_INVALID' && p.message.includes('release!')));
  assert.ok(g.problems.some((p) => p.code === 'VERSION_UNKNOWN'));
  const m = guessNameVersion({
    metadata: { package: guess('Foo_Bar', 'metadata:pkgme.json', 1) },
    uploadName: 'x-1.0.tgz',
  });
  assert.deepEqual(m.package, { value: 'foo-bar', source: 'metadata:pkgme.json', confidence: 0.9 });
  assert.deepEqual(m.version, { value: '1.0', source: 'heuristic:upload-name', confidence: 0.7 });
});
