/**
 * Every generator on arbitrary text in every free-text field (any Unicode, controls, lone surrogates, CR, huge
 * words): none throws, and what must stay machine-readable does: debian/control and debian/copyright parse with
 * pkgme's deb822 parser (which follows Dpkg::Control's rules) into the planned values, no Description line is over
 * 80 columns or a control statement, the changelog's first and last lines keep their fixed shape, the metainfo has
 * no character XML 1.0 forbids.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseDeb822 } from '../../formats/deb822/index.ts';
import { changelog, control, copyright, description, lintianOverrides, manpage, metainfo } from './index.ts';
import { samplePlan } from './sample-plan.ts';

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
);

const plan = fc
  .record({
    summary: anyText,
    description: anyText,
    copyright: anyText,
    licenseText: fc.option(anyText, { nil: undefined }),
    homepage: fc.option(anyText, { nil: undefined }),
    uploadName: fc.option(anyText, { nil: undefined }),
    exe: anyText,
    desktopName: anyText,
    license: fc.oneof(anyText, fc.constantFrom('MIT', 'GPL-3.0-or-later', 'MIT OR Apache-2.0')),
  })
  .map((r) =>
    samplePlan({
      ...r,
      executables: [`app/${r.exe}`],
      desktop: `[Desktop Entry]\nName=${r.desktopName}\n`,
    }),
  );

test('generators: arbitrary text never throws and stays parseable (800 plans)', () => {
  fc.assert(
    fc.property(plan, (p) => {
      const c = parseDeb822(control(p));
      assert.equal(c.length, 2);
      assert.equal(c[1]!.get('Description'), description(p));
      for (const line of control(p)
        .split('\n')
        .filter((l) => l.startsWith(' '))) {
        assert.ok([...line].length <= 80, line);
        assert.ok(!/^ \.\s*\S/.test(line) && !/^ \s+\.\s*$/.test(line), line);
      }
      const cr = parseDeb822(copyright(p));
      assert.ok(cr.length >= 5);
      const cl = changelog(p).split('\n');
      assert.match(cl[0]!, /^demo-app \(1\.2\.3-1\) bookworm; urgency=medium$/);
      assert.match(
        cl[cl.length - 2]!,
        /^ -- Jane Doe <jane@example\.org> {2}\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$/,
      );
      assert.doesNotMatch(metainfo(p), /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u);
      assert.doesNotMatch(metainfo(p), /[\ud800-\udfff](?![\udc00-\udfff])/u);
      assert.ok(manpage(p, p.executables[0]!).startsWith('.\\"'));
      lintianOverrides(p, { unstripped: [p.executables[0]!], libsWithoutNeeded: [], embeddedLibraries: [] });
    }),
    { numRuns: 800, seed: 42 },
  );
});
