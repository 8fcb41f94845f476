/**
 * A complete PackagePlan for the generators' tests and for trying them by hand; `samplePlan({...})` overrides
 * fields. Test-only (no production module imports it).
 */
import fc from 'fast-check';
import type { PackagePlan } from '../types.ts';

export function samplePlan(over: Partial<PackagePlan> = {}): PackagePlan {
  return {
    package: 'demo-app',
    upstreamVersion: '1.2.3',
    revision: '1',
    version: '1.2.3-1',
    architecture: 'amd64',
    maintainer: 'Jane Doe <jane@example.org>',
    section: 'utils',
    priority: 'optional',
    homepage: 'https://www.example.org/demo',
    summary: 'Small demonstration tool for packaging tests',
    description:
      'Demo App shows how pkgme turns a tarball into a Debian package.\n\nIt has:\n- a launcher\n- a bundled library',
    license: 'GPL-2.0-or-later',
    copyright: '2024 Example Ltd',
    release: 'bookworm',
    standardsVersion: '4.6.2',
    depends: 'libc6 (>= 2.34)',
    executables: ['demo-app-1.2.3/bin/demo-app'],
    desktop:
      '[Desktop Entry]\nType=Application\nName=Demo App\nExec=demo-app\nIcon=demo-app\nCategories=Utility;\n',
    icon: 'demo-app',
    categories: ['Utility'],
    uploadName: 'demo-app-1.2.3-linux-x86_64.tar.gz',
    date: 1_700_000_000,
    fields: {},
    problems: [],
    ...over,
  };
}

/** Odd but plan-valid inputs for the property tests: UTF-8, markup, quotes, `<&>`, long words, leading dots. */
const oddText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.constantFrom(
    'Tool for <b>bold</b> & "quoted" \'text\'',
    'Éditeur de texte à la française — rapide',
    '中文 应用程序',
    '.NET runtime helper',
    '...and more',
    'A very-long-word-' + 'x'.repeat(120),
    'https://example.org/' + 'path/'.repeat(30),
    'tab\there\u0007bell\u0000nul',
    '# Heading\n\nText',
    '- item one\n- item two\n* item three',
    '1. first\n2) second',
    '.\n.\n..',
    ' leading space',
    'I made this, we love it',
  ),
);

export const planArbitrary: fc.Arbitrary<PackagePlan> = fc
  .record({
    package: fc.stringMatching(/^[a-z0-9][a-z0-9+.-]{1,20}$/),
    upstreamVersion: fc.stringMatching(/^[0-9][0-9a-z.+~]{0,8}$/),
    maintainer: fc.constantFrom(
      'Jane Doe <jane@example.org>',
      'Zoë Ångström <zoe@bücher.example>',
      'Acme "Dev" Team <dev@acme.io>',
      'x <x@localhost>',
    ),
    summary: fc.oneof(
      oddText,
      fc.constantFrom(
        'demo-app - a tool',
        'The best editor.',
        'Editor',
        'First release at https://example.org/x',
      ),
    ),
    description: fc.oneof(
      oddText,
      fc.array(oddText, { maxLength: 6 }).map((a) => a.join('\n\n')),
    ),
    license: fc.constantFrom(
      'GPL-2.0-or-later',
      'GPL-3.0-only',
      'LGPL-2.1-only',
      'AGPL-3.0-or-later',
      'MIT',
      'Apache-2.0',
      'MIT OR Apache-2.0',
      'BSD-3-Clause',
      'MPL-2.0',
      'Zlib',
      'ISC',
      'Unlicense',
      'proprietary',
      'LicenseRef-proprietary',
      'GPL-2.0-or-later WITH Classpath-exception-2.0',
    ),
    licenseText: fc.option(oddText, { nil: undefined }),
    copyright: fc.oneof(oddText, fc.constant('2020-2024 Example Ltd\n2019 Other <o@x.y>')),
    homepage: fc.option(
      fc.constantFrom(
        'https://github.com/Some-User/Repo',
        'https://www.example.co.uk/app?a=1&b=<2>',
        'http://192.168.0.1/',
        'https://9lives.example/',
        'not a url',
      ),
      { nil: undefined },
    ),
    executables: fc.array(fc.stringMatching(/^[a-z][a-z0-9_.+-]{0,12}$/), { minLength: 1, maxLength: 3 }),
    desktop: fc.boolean(),
    date: fc.integer({ min: 0, max: 4_102_444_800 }),
  })
  .map((r) =>
    samplePlan({
      ...r,
      version: `${r.upstreamVersion}-1`,
      executables: r.executables.map((e) => `app/bin/${e}`),
      desktop: r.desktop
        ? `[Desktop Entry]\nType=Application\nName=${r.summary.split('\n')[0]}\nExec=x\n`
        : null,
    }),
  );
