#!/usr/bin/env bash
# Fetches the real IP-location databases the GeoIP tests read, into ${GEOIP_TEST_DB_DIR:-~/.cache/trailwatch/geoip}
# (the tests look there; without the files they are skipped with a message naming this script). .ci/run calls it.
#   geo-whois-asn-country.mmdb  @ip-location-db/geo-whois-asn-country-mmdb (CC0-1.0), a MaxMind DB as published
#   asn.mmdb                    @ip-location-db/asn (CC BY 4.0: RouteViews, DB-IP, NRO): the npm registry has its data
#                               only as CSV, so it is written into a GeoLite2-ASN-format MaxMind DB with MaxMind's own
#                               writer (Debian: libmaxmind-db-writer-perl) by scripts/asn-csv-to-mmdb.pl (~1 min).
# Versions are pinned; installs nodejs/npm and the Perl writer from Debian when missing (CI runs as root).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${GEOIP_TEST_DB_DIR:-$HOME/.cache/trailwatch/geoip}"
country_pkg="@ip-location-db/geo-whois-asn-country-mmdb@2.3.2026061719"
asn_pkg="@ip-location-db/asn@2.3.2026061719"
mkdir -p "$dir"

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
command -v npm >/dev/null 2>&1 || apt_install nodejs npm

# npm pack PACKAGE into a temporary folder and unpack it; prints the package folder.
unpack() {
  local work
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent "$1" >/dev/null && tar xzf ./*.tgz)
  echo "$work/package"
}

if [ ! -s "$dir/geo-whois-asn-country.mmdb" ]; then
  echo "fetch-geoip-test-dbs: $country_pkg" >&2
  pkg="$(unpack "$country_pkg")"
  cp "$pkg/geo-whois-asn-country.mmdb" "$dir/geo-whois-asn-country.mmdb.tmp"
  mv "$dir/geo-whois-asn-country.mmdb.tmp" "$dir/geo-whois-asn-country.mmdb"
  rm -rf "$(dirname "$pkg")"
fi

if [ ! -s "$dir/asn.mmdb" ]; then
  perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null || apt_install libmaxmind-db-writer-perl
  echo "fetch-geoip-test-dbs: $asn_pkg (CSV -> MaxMind DB)" >&2
  pkg="$(unpack "$asn_pkg")"
  perl "$here/asn-csv-to-mmdb.pl" "$dir/asn.mmdb.tmp" "$pkg/asn-ipv4.csv" "$pkg/asn-ipv6.csv"
  mv "$dir/asn.mmdb.tmp" "$dir/asn.mmdb"
  rm -rf "$(dirname "$pkg")"
fi
echo "fetch-geoip-test-dbs: databases in $dir" >&2
