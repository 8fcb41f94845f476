# Oracle for deb822.property.test.ts: reads NUL-separated control texts on stdin, parses each with
# Dpkg::Control::HashCore (libdpkg-perl), and prints one JSON line per text: {"ok":1,"p":[[[name,value],...],...]}
# or {"ok":0,"error":"..."}.
use strict; use warnings;
use Dpkg::Control::HashCore;
use Dpkg::ErrorHandling;
use JSON::PP;
binmode STDIN; binmode STDOUT;
my $all = do { local $/; <STDIN> };
my $json = JSON::PP->new->canonical;
for my $text (split /\0/, $all, -1) {
  open(my $fh, '<', \$text) or die;
  my @out;
  my $res = eval {
    while (1) {
      my $c = Dpkg::Control::HashCore->new();
      last unless $c->parse($fh, 'case');
      push @out, [ map { [$_, $c->{$_}] } keys %$c ];
    }
    1;
  };
  if ($res) { print $json->encode({ ok => 1, p => \@out }), "\n"; }
  else { my $e = $@; $e =~ s/\s+$//; print $json->encode({ ok => 0, error => $e }), "\n"; }
}
