/**
 * Test-only oracles for shlibs: dpkg-shlibdeps' own `split_soname` and `extract_from_shlibs`, lifted out of the
 * installed /usr/bin/dpkg-shlibdeps at test time and run by perl (Dpkg::Shlibs has no shlibs-file reader of its
 * own; this is the code dpkg-shlibdeps runs). One perl run answers every query.
 */
import { readFileSync } from 'node:fs';
import { run } from '../../testing/env.ts';

const SHLIBDEPS = '/usr/bin/dpkg-shlibdeps';

function subSource(script: string, name: string): string {
  const start = script.indexOf(`\nsub ${name} {`);
  if (start < 0) throw new Error(`${SHLIBDEPS} has no sub ${name}: dpkg changed, update the oracle`);
  const end = script.indexOf('\n}\n', start);
  return script.slice(start, end + 3);
}

export interface ShlibsQuery {
  file: string;
  soname: string;
  packageType: string;
}

/** For each query, the dependency dpkg-shlibdeps takes from `file` (null when none). */
export function perlExtractFromShlibs(queries: ShlibsQuery[]): Array<string | null> {
  const script = readFileSync(SHLIBDEPS, 'utf8');
  const perl = `
use strict; use warnings; use JSON::PP;
use Dpkg::Gettext; use Dpkg::ErrorHandling;
$SIG{__WARN__} = sub {};
report_options(quiet_warnings => 1);
our %shlibs_cache; our $packagetype;
${subSource(script, 'split_soname')}
${subSource(script, 'extract_from_shlibs')}
my $in = decode_json(do { local $/; <STDIN> });
my @out;
for my $q (@$in) {
  %shlibs_cache = (); $packagetype = $q->{packageType};
  my $dep = extract_from_shlibs($q->{soname}, $q->{file});
  push @out, $dep;
}
print encode_json(\\@out);
`;
  return JSON.parse(run('perl', ['-e', perl], { input: JSON.stringify(queries) })) as Array<string | null>;
}

/** split_soname for each name: [library, soversion] or null. */
export function perlSplitSoname(names: string[]): Array<[string, string] | null> {
  const script = readFileSync(SHLIBDEPS, 'utf8');
  const perl = `
use strict; use warnings; use JSON::PP;
${subSource(script, 'split_soname')}
my $in = decode_json(do { local $/; <STDIN> });
print encode_json([ map { my @p = split_soname($_); @p ? [@p] : undef } @$in ]);
`;
  return JSON.parse(run('perl', ['-e', perl], { input: JSON.stringify(names) })) as Array<
    [string, string] | null
  >;
}
