/**
 * Test-only oracle: perl's Dpkg::Shlibs::SymbolFile (libdpkg-perl) loads every given symbols file in ONE perl run
 * and dumps what it holds — per soname the dependency templates, meta fields, symbols (minver, dep_id, tags in
 * order, deprecated) and patterns (c++/symver aliases, generic) — plus the number of "failed to parse" warnings, or
 * the error it died with.
 */
import { run } from '../../testing/env.ts';

export type PerlTags = Array<[string, string | null]>;
/** [minver, dep_id, tags, deprecated (as Dpkg::Version's bool)]. */
export type PerlSymbol = [string, number, PerlTags, 0 | 1];

export interface PerlObject {
  deps: string[];
  fields: Record<string, string>;
  syms: Record<string, PerlSymbol>;
  aliases: Record<string, Record<string, PerlSymbol>>;
  generic: Array<[string, ...PerlSymbol]>;
}

export interface PerlSymbolFile {
  objects?: Record<string, PerlObject>;
  warnings: number;
  error?: string;
}

const SCRIPT = String.raw`
use strict; use warnings; use JSON::PP;
use Dpkg::Shlibs::SymbolFile;
my $files = decode_json(do { local $/; <STDIN> });
my $warnings = 0;
$SIG{__WARN__} = sub { $warnings++ if $_[0] =~ /failed to parse/; };
sub sym { my $s = shift;
  return [ $s->{minver}, 0 + $s->{dep_id}, [ map { [ $_, $s->{tags}{$_} ] } @{$s->{tagorder}} ],
           ($s->{deprecated} ? 1 : 0) ]; }
my %out;
for my $f (@$files) {
  $warnings = 0;
  my $sf = eval { Dpkg::Shlibs::SymbolFile->new(file => $f) };
  if (!$sf) { $out{$f} = { error => "$@", warnings => $warnings }; next; }
  my %objs;
  for my $so (keys %{$sf->{objects}}) {
    my $o = $sf->{objects}{$so};
    my %aliases;
    for my $t (keys %{$o->{patterns}{aliases} // {}}) {
      my $a = $o->{patterns}{aliases}{$t};
      $aliases{$t} = { map { $_ => sym($a->{$_}) } keys %$a };
    }
    $objs{$so} = {
      deps => $o->{deps} // [], fields => $o->{fields} // {},
      syms => { map { $_ => sym($o->{syms}{$_}) } keys %{$o->{syms} // {}} },
      aliases => \%aliases,
      generic => [ map { [ $_->{symbol}, @{ sym($_) } ] } @{$o->{patterns}{generic} // []} ],
    };
  }
  $out{$f} = { objects => \%objs, warnings => $warnings };
}
print JSON::PP->new->canonical->encode(\%out);
`;

export function perlSymbolFiles(files: string[]): Record<string, PerlSymbolFile> {
  return JSON.parse(run('perl', ['-e', SCRIPT], { input: JSON.stringify(files) })) as Record<
    string,
    PerlSymbolFile
  >;
}
