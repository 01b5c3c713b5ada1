package dev.trailwatch.detector.geoip;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The real IP-location databases the GeoIP tests read, fetched by {@code scripts/fetch-geoip-test-dbs.sh} (which
 * {@code .ci/run} runs before the build) into {@code $GEOIP_TEST_DB_DIR}, default {@code ~/.cache/trailwatch/geoip}.
 * A test that needs one is skipped, with a message saying how to get it, only when the file is absent.
 */
public final class GeoIpDatabases {

    /** @ip-location-db/geo-whois-asn-country-mmdb 2.3.2026061719 (CC0-1.0), as published. */
    public static final String COUNTRY_FILE = "geo-whois-asn-country.mmdb";
    /** @ip-location-db/asn 2.3.2026061719 (CC BY 4.0), written into a GeoLite2-ASN-format MaxMind DB. */
    public static final String ASN_FILE = "asn.mmdb";

    private GeoIpDatabases() {
    }

    public static Path dir() {
        String configured = System.getenv("GEOIP_TEST_DB_DIR");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "trailwatch", "geoip");
    }

    /** The country database; skips the calling test when it has not been fetched. */
    public static Path country() {
        return required(COUNTRY_FILE);
    }

    /** The ASN database; skips the calling test when it has not been fetched. */
    public static Path asn() {
        return required(ASN_FILE);
    }

    /** Settings pointing the detector at both databases (skipping the test when either is missing). */
    public static Map<String, String> settings() {
        return Map.of("geoip.country-db", country().toString(), "geoip.asn-db", asn().toString());
    }

    private static Path required(String name) {
        Path file = dir().resolve(name);
        assumeTrue(Files.isRegularFile(file), () -> "GeoIP test database " + file + " is missing: skipped. Run "
                + "scripts/fetch-geoip-test-dbs.sh (as .ci/run does) to fetch the real databases from the npm "
                + "registry.");
        return file;
    }
}
