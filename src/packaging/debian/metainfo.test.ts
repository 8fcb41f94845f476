/**
 * AppStream MetaInfo against `appstreamcli validate --no-net --pedantic` (0 errors, 0 warnings; the infos that
 * remain are listed in docs/packaging.md) and against XML::LibXML for the escaping (what is read back is the text
 * that went in). Fixed cases plus fast-check plans with odd text.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { requireTools } from '../../testing/env.ts';
import type { PackagePlan } from '../types.ts';
import { componentId, metadataLicense, metainfo, metainfoPath, summaryText, xmlEscape } from './metainfo.ts';
import { planArbitrary, samplePlan } from './sample-plan.ts';
import { oneLine } from './text.ts';

/** Infos the validator may report on generated files (documented in docs/packaging.md); nothing else. */
const ALLOWED = new Set(['description-first-para-too-short', 'content-rating-missing']);

interface Issue {
  file: string;
  tag: string;
  severity: string;
}

/**
 * Writes each plan's metainfo as the package ships it and validates it, one appstreamcli run per file
 * (appstreamcli 0.16.1 given several files repeats earlier files' reports under later names).
 */
function validate(plans: PackagePlan[]): Issue[] {
  const root = mkdtempSync(join(tmpdir(), 'pkgme-metainfo-'));
  const issues: Issue[] = [];
  plans.forEach((p, i) => {
    const file = join(root, `${i}-${metainfoPath(p).split('/').pop()}`);
    writeFileSync(file, metainfo(p));
    const r = spawnSync('appstreamcli', ['validate', '--no-net', '--pedantic', '--format', 'yaml', file], {
      encoding: 'utf8',
    });
    assert.match(r.stdout, /^File: /m, r.stderr);
    for (const line of r.stdout.split('\n')) {
      const tag = /^- tag: (.*)$/.exec(line);
      if (tag !== null) issues.push({ file, tag: tag[1]!, severity: '' });
      const sev = /^ {2}severity: (.*)$/.exec(line);
      if (sev !== null) issues[issues.length - 1]!.severity = sev[1]!;
    }
  });
  return issues;
}

test('metainfo: the sample (desktop and console) validates with only the documented infos', (t) => {
  if (!requireTools(t, ['appstreamcli'], 'appstream')) return;
  const issues = validate([samplePlan(), samplePlan({ desktop: null, homepage: undefined })]);
  assert.deepEqual(
    issues.filter((i) => !ALLOWED.has(i.tag)),
    [],
  );
  const xml = metainfo(samplePlan());
  assert.match(xml, /<component type="desktop-application">/);
  assert.match(xml, /<launchable type="desktop-id">demo-app\.desktop<\/launchable>/);
  assert.match(xml, /<developer_name>Example Ltd<\/developer_name>/);
  assert.match(metainfo(samplePlan({ desktop: null })), /<component type="console-application">/);
});

test('metainfo: validate-tree on the installed layout (metainfoPath, desktop entry) has only the documented infos', (t) => {
  if (!requireTools(t, ['appstreamcli'], 'appstream')) return;
  const plan = samplePlan();
  const root = mkdtempSync(join(tmpdir(), 'pkgme-metainfo-tree-'));
  const meta = join(root, metainfoPath(plan));
  mkdirSync(join(meta, '..'), { recursive: true });
  writeFileSync(meta, metainfo(plan));
  mkdirSync(join(root, 'usr/share/applications'), { recursive: true });
  writeFileSync(join(root, 'usr/share/applications/demo-app.desktop'), plan.desktop!);
  const r = spawnSync('appstreamcli', ['validate-tree', '--no-net', '--pedantic', '--format', 'yaml', root], {
    encoding: 'utf8',
  });
  const tags = [...r.stdout.matchAll(/^- tag: (.*)$/gm)].map((m) => m[1]!);
  assert.deepEqual(
    tags.filter((x) => !ALLOWED.has(x)),
    [],
    r.stdout,
  );
  assert.equal(metainfoPath(plan), '/usr/share/metainfo/org.example.demo_app.metainfo.xml');
});

test('metainfo: component id rule', () => {
  const id = (homepage: string | undefined, maintainer = 'J <j@mail.example.net>'): string =>
    componentId({ homepage, maintainer, package: 'my-app' });
  assert.equal(id('https://www.example.com/x'), 'com.example.my_app');
  assert.equal(id('https://github.com/Some-User/repo'), 'io.github.some_user.my_app');
  assert.equal(id('https://gitlab.com/u/r'), 'io.gitlab.u.my_app');
  assert.equal(id('https://sourceforge.net/projects/x'), 'net.sourceforge.my_app');
  assert.equal(id('https://9lives.example.net/'), 'net.example._9lives.my_app');
  assert.equal(id(undefined), 'net.example.mail.my_app');
  assert.equal(id('not a url', 'J <j@localhost>'), 'io.pkgme.my_app');
  assert.equal(id('http://192.168.0.1/', 'nobody'), 'io.pkgme.my_app');
  // Reserved TLDs are no one's domain: pkgme's default maintainer is …@pkgme.invalid.
  assert.equal(id(undefined, 'pkgme <pkgme@pkgme.invalid>'), 'io.pkgme.my_app');
  assert.equal(id('https://app.example/', 'x <x@host.test>'), 'io.pkgme.my_app');
});

test('metainfo: 150 odd plans: no validator error or warning; XML::LibXML reads back the texts', (t) => {
  if (!requireTools(t, ['appstreamcli', 'perl'], 'appstream libxml-libxml-perl')) return;
  const plans = fc.sample(planArbitrary, { numRuns: 150, seed: 11 });
  const bad = validate(plans).filter((i) => i.severity !== 'info' && i.severity !== 'pedantic');
  assert.deepEqual(bad, []);
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-metainfo-xml-'));
  const files = plans.map((p, i) => {
    const f = join(dir, `${i}.xml`);
    writeFileSync(f, metainfo(p));
    return f;
  });
  const out = execFileSync(
    'perl',
    [
      '-MXML::LibXML',
      '-MJSON::PP',
      '-e',
      'binmode STDOUT; print JSON::PP->new->utf8->encode([map { my $d = XML::LibXML->load_xml(location => $_); ' +
        '{ summary => $d->findvalue("/component/summary"), license => $d->findvalue("/component/project_license") } } @ARGV])',
      ...files,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const read = JSON.parse(out) as Array<{ summary: string; license: string }>;
  read.forEach((r, i) => {
    assert.equal(r.summary, summaryText(plans[i]!));
    const lic = plans[i]!.license;
    assert.equal(r.license, lic === 'proprietary' ? 'LicenseRef-proprietary' : oneLine(lic));
  });
});

test('metainfo: xmlEscape escapes markup and drops what XML cannot hold', () => {
  assert.equal(
    xmlEscape(`<a href="x">&'</a>\u0001\uffff`),
    '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;',
  );
});

/** lintian's own reading (Check/Debian/Copyright/Dep5.pm), in Perl with XML::LibXML: '' when it finds none. */
const LINTIAN_METADATA_LICENSE = String.raw`
use strict; use warnings; use XML::LibXML; use JSON::PP;
my @out;
for my $f (@ARGV) {
  my $seen = '';
  eval {
    my $p = XML::LibXML->new; $p->set_option('no_network', 1);
    my $doc = $p->parse_file($f);
    my @nodes = $doc->findnodes('/component/metadata_license');
    $seen = $nodes[0]->firstChild->data // '' if @nodes && $nodes[0]->firstChild;
  };
  push @out, $seen;
}
print JSON::PP->new->encode(\@out);
`;

test("metadataLicense reads what lintian reads: the machine's metainfo files and odd ones, against XML::LibXML", (t) => {
  if (!requireTools(t, ['perl'], 'perl libxml-libxml-perl')) return;
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-mdl-'));
  try {
    const odd = [
      '<?xml version="1.0"?>\n<component type="desktop-application"><id>a</id><metadata_license>CC0-1.0</metadata_license></component>',
      '<?xml version="1.0"?>\n<!-- <metadata_license>MIT</metadata_license> -->\n<component><metadata_license>FSFAP</metadata_license></component>',
      '<component><releases><release><metadata_license>X</metadata_license></release></releases><metadata_license>CC-BY-SA-4.0</metadata_license></component>',
      '<component><metadata_license><![CDATA[MIT]]></metadata_license></component>',
      '<component><metadata_license>CC0-1.0 &amp; x</metadata_license></component>',
      '<component><metadata_license/></component>',
      '<components><component><metadata_license>MIT</metadata_license></component></components>',
      '<component>\n  <metadata_license>\n    CC0-1.0\n  </metadata_license>\n</component>',
      '<!DOCTYPE component>\n<component><description><p>a<br/>b</p></description><metadata_license>MIT</metadata_license></component>',
    ];
    const files = odd.map((x, i) => {
      const f = join(dir, `odd${i}.metainfo.xml`);
      writeFileSync(f, x);
      return f;
    });
    for (const d of ['/usr/share/metainfo', '/usr/share/appdata'])
      if (existsSync(d))
        files.push(
          ...readdirSync(d)
            .filter((n) => n.endsWith('.xml'))
            .map((n) => join(d, n)),
        );
    const perl = JSON.parse(
      execFileSync('perl', ['-e', LINTIAN_METADATA_LICENSE, ...files], { encoding: 'utf8' }),
    ) as string[];
    const ours = files.map((f) => metadataLicense(readFileSync(f, 'utf8')) ?? '');
    assert.deepEqual(ours, perl);
    assert.ok(perl.filter((x) => x !== '').length >= 7);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
