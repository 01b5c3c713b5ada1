package dev.trailwatch.detector.geoip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trailwatch.detector.config.ConfigException;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.model.IpLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lookups in real databases (see {@link GeoIpDatabases}), the off state and the start-up errors. */
class GeoIpTest {

    @Test
    void locatesTheCountryOfIpv4AndIpv6AddressesInTheCc0Database() {
        GeoIp geoIp = GeoIp.open(GeoIpDatabases.country().toString(), "");

        assertThat(geoIp.locate("8.8.8.8")).isEqualTo(new IpLocation("US", null, null));
        assertThat(geoIp.locate("81.2.69.142").country()).isEqualTo("GB");
        assertThat(geoIp.locate("202.12.27.33").country()).isEqualTo("JP");
        assertThat(geoIp.locate("85.214.132.117").country()).isEqualTo("DE");
        assertThat(geoIp.locate("2001:67c:2e8:22::c100:68b").country()).isEqualTo("NL");
        assertThat(geoIp.hasCountry()).isTrue();
        assertThat(geoIp.hasAsn()).isFalse();
    }

    @Test
    void locatesTheNetworkOfAnAddressInTheAsnDatabase() {
        GeoIp geoIp = GeoIp.open("", GeoIpDatabases.asn().toString());

        assertThat(geoIp.locate("8.8.8.8")).isEqualTo(new IpLocation(null, 15169L, "Google LLC"));
        assertThat(geoIp.locate("81.2.69.142").asn()).isEqualTo(20712L);
        assertThat(geoIp.locate("2001:4860:4860::8888").asn()).isEqualTo(15169L);
    }

    @Test
    void combinesBothDatabasesIntoOneLocation() {
        GeoIp geoIp = GeoIp.open(GeoIpDatabases.country().toString(), GeoIpDatabases.asn().toString());

        assertThat(geoIp.locate("3.5.140.2")).isEqualTo(new IpLocation("KR", 16509L, "Amazon.com, Inc."));
    }

    @Test
    void leavesServiceNamesPrivateRangesAndGarbageUnlocatedWithoutResolvingNames() {
        GeoIp geoIp = GeoIp.open(GeoIpDatabases.country().toString(), GeoIpDatabases.asn().toString());

        // CloudTrail's sourceIPAddress for calls made by AWS services: never looked up in DNS.
        assertThat(geoIp.locate("ec2.amazonaws.com")).isEqualTo(IpLocation.UNKNOWN);
        assertThat(geoIp.locate("AWS Internal")).isEqualTo(IpLocation.UNKNOWN);
        assertThat(geoIp.locate("localhost")).isEqualTo(IpLocation.UNKNOWN);
        assertThat(geoIp.locate("10.1.2.3")).isEqualTo(IpLocation.UNKNOWN);
        assertThat(geoIp.locate("999.1.1.1")).isEqualTo(IpLocation.UNKNOWN);
        assertThat(geoIp.locate("")).isEqualTo(IpLocation.UNKNOWN);
        assertThat(geoIp.locate(null)).isEqualTo(IpLocation.UNKNOWN);
    }

    @Test
    void isOffWhenNoDatabaseIsSet() {
        GeoIp geoIp = GeoIp.from(DetectorConfig.defaults());

        assertThat(geoIp.enabled()).isFalse();
        assertThat(geoIp.locate("8.8.8.8")).isEqualTo(IpLocation.UNKNOWN);
        geoIp.logStatus();
    }

    @Test
    void sharesOneOpenDatabaseBetweenTopologiesOfTheSameConfiguration() {
        DetectorConfig config = DetectorConfig.defaults()
                .with(Map.of("geoip.country-db", GeoIpDatabases.country().toString()));

        assertThat(GeoIp.from(config)).isSameAs(GeoIp.from(config));
        assertThat(GeoIp.from(config).locate("8.8.8.8").country()).isEqualTo("US");
    }

    @Test
    void refusesToStartWhenTheConfiguredFileIsMissing(@TempDir Path dir) {
        DetectorConfig config = DetectorConfig.defaults()
                .with(Map.of("geoip.country-db", dir.resolve("GeoLite2-Country.mmdb").toString()));

        assertThatThrownBy(() -> GeoIp.from(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("geoip.country-db").hasMessageContaining("no readable file")
                .hasMessageContaining("GeoLite2-Country.mmdb");
    }

    @Test
    void refusesToStartWhenTheConfiguredFileIsNotAMaxMindDatabase(@TempDir Path dir) throws IOException {
        Path csv = Files.writeString(dir.resolve("asn-ipv4.csv"), "1.0.0.0,1.0.0.255,13335,Cloudflare, Inc.\n");

        assertThatThrownBy(() -> GeoIp.open("", csv.toString())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("geoip.asn-db").hasMessageContaining("is not a MaxMind DB (.mmdb) file");
    }
}
