#!/usr/bin/perl
# Writes a GeoLite2-ASN-format MaxMind DB (autonomous_system_number, autonomous_system_organization) from an
# ip-location-db ASN CSV (ip_range_start,ip_range_end,asn,organization), with MaxMind's own writer (Debian package
# libmaxmind-db-writer-perl). Used by scripts/fetch-geoip-test-dbs.sh: the npm registry carries the ASN data only as CSV.
# Usage: asn-csv-to-mmdb.pl OUT.mmdb IN.csv...
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($out, @inputs) = @ARGV;
die "usage: $0 OUT.mmdb IN.csv...\n" unless $out && @inputs;

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version            => 6,
    record_size           => 28,
    database_type         => 'ip-location-db-ASN (GeoLite2-ASN format)',
    languages             => ['en'],
    description           => { en => 'ASN data of @ip-location-db/asn (CC BY 4.0: RouteViews, DB-IP, NRO)' },
    map_key_type_callback => sub {
        return $_[0] eq 'autonomous_system_number' ? 'uint32' : 'utf8_string';
    },
    # The IPv6 data has its own rows for 6to4 and Teredo (2002::/16, 2001::/32): no aliases of the IPv4 tree there.
    alias_ipv6_to_ipv4    => 0,
    remove_reserved_networks => 0,
);

my $rows = 0;
for my $input (@inputs) {
    open(my $in, '<:encoding(UTF-8)', $input) or die "cannot read $input: $!\n";
    while (my $line = <$in>) {
        chomp $line;
        my ($start, $end, $asn, $org) = split /,/, $line, 4;
        next unless defined $asn && $asn =~ /^\d+$/;
        $org = '' unless defined $org;
        $org =~ s/^"(.*)"$/$1/;
        $org =~ s/""/"/g;
        my %record = (autonomous_system_number => $asn + 0);
        $record{autonomous_system_organization} = $org if length $org;
        $tree->insert_range($start, $end, \%record);
        $rows++;
    }
    close $in;
}
open(my $fh, '>:raw', $out) or die "cannot write $out: $!\n";
$tree->write_tree($fh);
close $fh;
print STDERR "asn-csv-to-mmdb: $rows ranges -> $out\n";
