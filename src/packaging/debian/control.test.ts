/**
 * debian/control against dpkg's own parser (Dpkg::Control::Info, what dpkg-source and dpkg-gencontrol use) and
 * lintian's Description rules, run as lintian runs them: the regexes of lintian 2.116's fields/description check,
 * in Perl, on the parsed field. Fixed cases plus fast-check plans with odd text.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { requireTools } from '../../testing/env.ts';
import { control, description, synopsis } from './control.ts';
import { planArbitrary, samplePlan } from './sample-plan.ts';
import type { PackagePlan } from '../types.ts';

/** Parses each control file with Dpkg::Control::Info and applies lintian's error/warning Description checks. */
const ORACLE = String.raw`
use strict; use warnings; use Dpkg::Control::Info; use JSON::PP;
binmode STDOUT, ':utf8';
my @out;
for my $file (@ARGV) {
  my $info = Dpkg::Control::Info->new(filename => $file);
  my $src = $info->get_source; my ($pkg) = $info->get_packages;
  my %s = map { $_ => $src->{$_} } keys %$src; my %b = map { $_ => $pkg->{$_} } keys %$pkg;
  my @hints; my $name = $pkg->{Package};
  my ($syn, $ext) = split /\n/, $pkg->{Description}, 2; $ext //= '';
  utf8::decode($syn); utf8::decode($ext);
  push @hints, 'description-synopsis-is-empty' if $syn =~ /^\s*$/;
  push @hints, 'description-starts-with-package-name' if $syn =~ /^\Q$name\E\b/i;
  push @hints, 'description-synopsis-starts-with-article' if $syn =~ /^(an?|the)\s/i;
  push @hints, 'description-contains-tabs' if $syn =~ /\t/ || $ext =~ /\t/;
  push @hints, 'description-too-short' if $syn !~ /\s/;
  push @hints, 'synopsis-too-long' if length $syn > 80;
  my @lines = map { $_ eq '' ? ' .' : " $_" } split /\n/, $ext;
  my $pos = 1; my $list = 0;
  for my $line (@lines) {
    next if $line =~ /^ \.\s*$/;
    if ($pos == 1) {
      my ($f, $l) = (lc $line, lc $syn);
      push @hints, 'description-synopsis-is-duplicated' if $f =~ /^\Q$l\E$/;
      $f =~ s/[^a-zA-Z0-9]+//g; $l =~ s/[^a-zA-Z0-9]+//g;
      push @hints, 'description-synopsis-is-duplicated' if $f eq $l;
      push @hints, 'description-starts-with-leading-spaces' if $line =~ /^ \s/;
    }
    push @hints, 'description-contains-invalid-control-statement' if $line =~ /^ \.\s*\S/ || $line =~ /^ \s+\.\s*$/;
    push @hints, 'possible-unindented-list-in-extended-description' if $line =~ /^ [\-\*]/ && $list++ == 2;
    push @hints, "extended-description-line-too-long" if length $line > 80;
  } continue { $pos++ }
  my $rawext = join("\n", @lines);
  push @hints, 'extended-description-is-empty' if @lines == 0;
  push @hints, 'extended-description-contains-empty-paragraph'
    if @lines && $rawext =~ /^ \.\s*\n|\n \.\s*\n \.\s*\n|\n \.\s*\n?$/;
  push @out, { source => \%s, binary => \%b, hints => \@hints };
}
print JSON::PP->new->canonical->encode(\@out);
`;

interface Parsed {
  source: Record<string, string>;
  binary: Record<string, string>;
  hints: string[];
}

function oracle(plans: PackagePlan[]): Parsed[] {
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-control-'));
  const files = plans.map((p, i) => {
    const f = join(dir, `control.${i}`);
    writeFileSync(f, control(p));
    return f;
  });
  const json = execFileSync('perl', ['-e', ORACLE, ...files], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return JSON.parse(json) as Parsed[];
}

test('control: the sample parses with Dpkg::Control::Info, fields as planned, no lintian description hints', (t) => {
  if (!requireTools(t, ['perl', 'dpkg-source'], 'dpkg-dev')) return;
  const plan = samplePlan();
  const [r] = oracle([plan]);
  assert.deepEqual(r!.hints, []);
  assert.equal(r!.source.Source, 'demo-app');
  assert.equal(r!.source['Rules-Requires-Root'], 'no');
  assert.equal(r!.source['Build-Depends'], 'debhelper-compat (= 13)');
  assert.equal(r!.source['Standards-Version'], '4.6.2');
  assert.equal(r!.source.Homepage, 'https://www.example.org/demo');
  assert.equal(r!.binary.Depends, 'libc6 (>= 2.34), ${misc:Depends}');
  assert.equal(r!.binary.Architecture, 'amd64');
  assert.doesNotMatch(control(plan), /shlibs:Depends/);
});

test('control: no Depends from the resolver gives ${misc:Depends} alone', () => {
  assert.match(control(samplePlan({ depends: '' })), /^Depends: \$\{misc:Depends\}$/m);
});

test('control: synopsis rewrites that lintian requires', () => {
  const s = (summary: string): string => synopsis({ package: 'demo-app', summary });
  assert.equal(s('demo-app - a tool for demos.'), 'Tool for demos');
  assert.equal(s('Demo-App: the demo tool'), 'Demo tool');
  assert.equal(s('An editor for text'), 'Editor for text');
  assert.equal(s('Editor'), 'Editor application');
  assert.equal(s(''), 'Application packaged by pkgme');
  assert.equal(s('demo-apps collection'), 'Demo-apps collection');
  assert.ok(s('word '.repeat(40)).length <= 80);
});

test('control: description blocks: paragraphs wrapped, lists indented, dots never start a line', () => {
  const d = description(
    samplePlan({
      description:
        '- one\n- two\n\n' + 'word '.repeat(40) + '\n\n.NET is used. ' + 'x '.repeat(37) + '.hidden file',
    }),
  ).split('\n');
  assert.equal(d[1], 'Features:');
  assert.equal(d[2], '');
  assert.equal(d[3], ' * one');
  for (const line of d.slice(1)) {
    assert.ok([...line].length <= 79, line);
    assert.ok(!line.startsWith('.'), line);
  }
});

test('control: 300 odd plans parse with Dpkg::Control::Info and raise no lintian description error or warning', (t) => {
  if (!requireTools(t, ['perl', 'dpkg-source'], 'dpkg-dev')) return;
  const plans = fc.sample(planArbitrary, { numRuns: 300, seed: 4 });
  const results = oracle(plans);
  results.forEach((r, i) => {
    const plan = plans[i]!;
    assert.deepEqual(r.hints, [], JSON.stringify(plan.summary) + ' / ' + JSON.stringify(plan.description));
    assert.equal(r.binary.Package, plan.package);
    assert.equal(r.source.Source, plan.package);
  });
});

/** Descriptions that once gave lintian's description-contains-invalid-control-statement. */
const DOT_CASES = [
  // zstd's README: moving ".gz," up to its line left ".zst," starting the next one (line 5).
  "Zstandard's format is stable and documented in RFC8878. Multiple independent implementations are already " +
    'available. This repository represents the reference implementation, provided as an open-source dual BSD and ' +
    'GPLv2 licensed C library, and a command line utility producing and decoding .zst, .gz, .xz and .lz4 files. ' +
    'Should your project require another programming language, a list of known ports and bindings is provided.',
  // A list item whose lone "." would be wrapped onto a continuation line ("   .").
  `Features:\n\n- ${'word '.repeat(14)}abcdefg .\n- ok`,
  `${'x '.repeat(36)}.a .b .c .d .e .f .g .h .i .j .k .l .m .n .o .p .q .r .s .t .u .v .w .x .y .z`,
  // Words led by "-" or "*" wrapped to the start of lines: possible-unindented-list-in-extended-description from the
  // third such line (dosbox: command-line options in its README).
  `${'y '.repeat(37)}-a -b -c -d -e -f -g -h -i -j -k -l -m -n -o -p -q -r -s -t -u -v -w -x -y -z ` +
    `${'z '.repeat(30)}* * * - - - ${'-fullscreen '.repeat(20)}`,
];

test('control: words led by ".", "-" or "*" never start a Description line (lintian on a dpkg-deb .deb, and the Perl oracle)', (t) => {
  if (!requireTools(t, ['perl', 'dpkg-deb', 'lintian'], 'dpkg-dev lintian')) return;
  const plans = DOT_CASES.map((d) => samplePlan({ description: d }));
  for (const r of oracle(plans)) assert.deepEqual(r.hints, []);
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-control-dots-'));
  const debs = plans.map((plan, i) => {
    const root = join(dir, `p${i}`);
    mkdirSync(join(root, 'DEBIAN'), { recursive: true });
    const [syn, ...ext] = description(plan).split('\n');
    writeFileSync(
      join(root, 'DEBIAN/control'),
      `Package: dots${i}\nVersion: 1.0-1\nArchitecture: all\nMaintainer: A B <a@b.org>\n` +
        `Description: ${syn}\n${ext.map((l) => (l === '' ? ' .' : ` ${l}`)).join('\n')}\n`,
    );
    const deb = join(dir, `dots${i}.deb`);
    execFileSync('dpkg-deb', ['--root-owner-group', '-b', root, deb], { stdio: 'ignore' });
    return deb;
  });
  const out = spawnSync('lintian', ['--no-cfg', '--tag-display-limit', '0', ...debs], { encoding: 'utf8' });
  assert.deepEqual(
    out.stdout
      .split('\n')
      .filter((l) =>
        /description-contains-invalid-control-statement|extended-description-line-too-long|possible-unindented-list/.test(
          l,
        ),
      ),
    [],
  );
  rmSync(dir, { recursive: true, force: true });
});
