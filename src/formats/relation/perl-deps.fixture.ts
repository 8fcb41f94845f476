/**
 * Test fixture: perl's Dpkg::Deps (libdpkg-perl) as the oracle for relation fields. One perl process reads all
 * fields (NUL-separated `field<TAB>value` records) and answers each with the canonical string `"$dep"`, or ERROR when
 * deps_parse refuses the field (it returns undef, or dies on an illegal architecture).
 */
import { execFileSync } from 'node:child_process';

const SCRIPT = String.raw`
use strict;
use warnings;
use Dpkg::ErrorHandling;
use Dpkg::Deps;
use Dpkg::Deps::KnownFacts;
use Dpkg::Control::FieldsCore;
report_options(quiet_warnings => 1);
my $SIMPLIFY = $ENV{PKGME_SIMPLIFY} ? 1 : 0;
binmode STDIN, ':raw';
binmode STDOUT, ':raw';
local $/ = "\0";
while (my $rec = <STDIN>) {
  chomp $rec;
  my ($field, $value) = split /\t/, $rec, 2;
  my $build = $field =~ /^Build-/i ? 1 : 0;
  my $union = $SIMPLIFY && field_get_dep_type($field) eq 'union' ? 1 : 0;
  my $dep = eval { deps_parse($value, build_dep => $build, union => $union) };
  if (defined $dep && $SIMPLIFY) {
    $dep->simplify_deps(Dpkg::Deps::KnownFacts->new());
    $dep->sort() if $union;
  }
  print defined $dep ? "$dep" : 'ERROR', "\0";
}
`;

/**
 * With `simplify`, each field also goes through what dpkg-source/dpkg-gencontrol do before writing it:
 * `simplify_deps` with no known facts, parsed as a union (and sorted) for union-type fields.
 */
export function perlDeps(fields: Array<[string, string]>, simplify = false): string[] {
  const input = fields.map(([f, v]) => `${f}\t${v}\0`).join('');
  const out = execFileSync('perl', ['-e', SCRIPT], {
    input: Buffer.from(input, 'utf8'),
    maxBuffer: 1 << 30,
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { ...process.env, PKGME_SIMPLIFY: simplify ? '1' : '' },
  }).toString('utf8');
  const answers = out.split('\0');
  answers.pop();
  if (answers.length !== fields.length) {
    throw new Error(`Dpkg::Deps answered ${answers.length} of ${fields.length} fields`);
  }
  return answers;
}
