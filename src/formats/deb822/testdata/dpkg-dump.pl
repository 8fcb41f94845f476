# Oracle for deb822.oracle.test.ts: parses a control file with Dpkg::Control::HashCore (libdpkg-perl) and prints
# every paragraph as a JSON list of [name, value] pairs in file order.
use strict; use warnings;
use Dpkg::Control::HashCore;
use JSON::PP;
my $file = shift;
my $fh;
if ($file eq '-') { $fh = \*STDIN; binmode $fh; } else { open($fh, '<:raw', $file) or die "$file: $!"; }
my @out;
while (1) {
  my $c = Dpkg::Control::HashCore->new();
  last unless $c->parse($fh, $file);
  push @out, [ map { [$_, $c->{$_}] } keys %$c ];
}
print JSON::PP->new->canonical->encode(\@out);
