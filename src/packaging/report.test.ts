/**
 * The report's shape: the keys equal the schema table of docs/packaging.md (the docs are the contract scripts read),
 * launchers and generated files come from the layout, the release section from the resolver's verdict for the
 * package's architecture, and the bytes hold no absolute path of the run.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ReleaseVerdict } from '../depdb/resolve/index.ts';
import { guess } from '../inspect/guess/field.ts';
import { repoRoot } from '../testing/env.ts';
import { buildReport, REPORT_SCHEMA, reportName, serializeReport, type ReportInput } from './report.ts';
import type { PackagePlan } from './types.ts';

const verdict: ReleaseVerdict = {
  arch: 'amd64',
  depends: 'libc6 (>= 2.34)',
  dpkgShlibdeps: 'libc6 (>= 2.34)',
  dependencies: [],
  bundled: [
    {
      soname: 'libgreet.so.1',
      path: 'app-1.0/lib/libgreet.so.1',
      via: 'runpath',
      neededBy: ['app-1.0/bin/app'],
    },
  ],
  unresolved: [],
  satisfiable: true,
  why: [],
  architectures: {},
};
verdict.architectures.amd64 = { ...verdict, depends: 'libc6 (>= 2.34)' };

const plan: PackagePlan = {
  package: 'app',
  upstreamVersion: '1.0',
  revision: '1',
  version: '1:1.0-1',
  architecture: 'amd64',
  maintainer: 'Pat Packager <pat@example.org>',
  section: 'utils',
  priority: 'optional',
  summary: 'an app',
  description: 'An app.',
  license: 'MIT',
  copyright: '2024 Example',
  release: 'bookworm',
  standardsVersion: '4.6.2',
  depends: 'libc6 (>= 2.34)',
  verdict,
  executables: ['app-1.0/bin/app', 'app-1.0/bin/helper'],
  desktop: null,
  icon: null,
  categories: [],
  date: 1714564800,
  fields: { version: guess('1.0', 'user', 1) },
  problems: [{ severity: 'warning', code: 'ICON', message: 'no icon' }],
};

const input: ReportInput = {
  upload: { name: 'app-1.0.tar.gz', sha256: 'ab'.repeat(32), size: 10 },
  backend: 'binary',
  backends: [
    { name: 'binary', score: 90, reason: '2 ELF executables' },
    { name: 'deb', score: 0, reason: 'not a .deb' },
  ],
  plan,
  layout: {
    appDir: '/usr/lib/app',
    appRoot: 'app-1.0',
    placements: [
      { kind: 'upload', from: 'app-1.0', to: '/usr/lib/app' },
      { kind: 'upload', from: 'app-1.0/bin/app', to: '/usr/lib/app/bin/app' },
      { kind: 'generated', to: '/usr/bin/helper', mode: 0o755, data: '#!/bin/sh\n' },
      { kind: 'symlink', to: '/usr/bin/app', target: '../lib/app/bin/app' },
      { kind: 'generated', to: '/usr/share/man/man1/app.1', mode: 0o644, data: '.TH APP 1\n' },
      // Icons come without the leading slash (icons.ts); the report names every path absolutely.
      { kind: 'generated', to: 'usr/share/icons/hicolor/48x48/apps/app.png', mode: 0o644, data: '' },
    ],
  },
  files: [{ kind: 'dsc', name: 'app_1.0-1.dsc', size: 1, sha256: 'cd'.repeat(32) }],
};

/** The keys of the schema table under "### The report" in docs/packaging.md. */
function documentedKeys(): string[] {
  const doc = readFileSync(join(repoRoot, 'docs', 'packaging.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### The report'));
  const start = section.indexOf('\n|') + 1;
  const end = section.indexOf('\n\n', start);
  const table = section.slice(start, end === -1 ? undefined : end);
  return [...table.matchAll(/^\| `(\w+)`/gm)].map((m) => m[1]!);
}

test('the report keys are the documented schema, in order', () => {
  const report = buildReport(input);
  assert.deepEqual(Object.keys(report), documentedKeys());
  assert.equal(report.schema, REPORT_SCHEMA);
});

test('layout, release and fields come from the plan; the bytes are stable and hold no absolute path', () => {
  const report = buildReport(input);
  assert.deepEqual(report.layout.launchers, [
    { path: '/usr/bin/app', kind: 'symlink', target: '../lib/app/bin/app' },
    { path: '/usr/bin/helper', kind: 'wrapper' },
  ]);
  assert.deepEqual(report.layout.generated, [
    '/usr/bin/helper',
    '/usr/share/icons/hicolor/48x48/apps/app.png',
    '/usr/share/man/man1/app.1',
  ]);
  assert.equal(report.layout.uploadPlacements, 2);
  assert.equal(report.layout.fixed, false);
  assert.equal(report.release.depends, plan.depends);
  assert.deepEqual(
    report.release.bundled.map((b) => b.soname),
    ['libgreet.so.1'],
  );
  assert.equal(report.release.dependsSource, 'resolver');
  assert.deepEqual(report.fields.version, { value: '1.0', source: 'user', confidence: 1 });
  const bytes = serializeReport(report);
  assert.equal(bytes, serializeReport(buildReport(input)));
  assert.ok(bytes.endsWith('}\n'));
  assert.deepEqual(JSON.parse(bytes), report);
  assert.ok(!bytes.includes(repoRoot) && !bytes.includes('/tmp/'), 'no path of the run in the report');
  // Named as dpkg-source names the .dsc: no epoch.
  assert.equal(reportName(plan), 'app_1.0-1.pkgme.json');
});
