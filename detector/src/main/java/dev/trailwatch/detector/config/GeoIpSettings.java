package dev.trailwatch.detector.config;

import java.time.Duration;
import java.util.List;

/**
 * Settings of the IP-location lookups (MaxMind-format databases the operator provides) and of the console-login
 * location detections that use them. Without a database set, both are off.
 */
public final class GeoIpSettings {

    public static final ConfigKey<String> COUNTRY_DB = ConfigKey.text("geoip.country-db", "",
            "Path of a MaxMind-format (.mmdb) country database: GeoLite2-Country or -City, DB-IP IP-to-Country "
                    + "Lite, or the CC0 @ip-location-db/geo-whois-asn-country-mmdb. Gives each alert's source IP a "
                    + "country and turns on console-login-new-country. Empty: no country lookups. A file that is "
                    + "missing or not an .mmdb stops the detector at start.");

    public static final ConfigKey<String> ASN_DB = ConfigKey.text("geoip.asn-db", "",
            "Path of a MaxMind-format (.mmdb) ASN database: GeoLite2-ASN, DB-IP IP-to-ASN Lite, or "
                    + "@ip-location-db/asn-mmdb. Gives each alert's source IP its autonomous system (number and "
                    + "organization) and turns on console-login-new-asn. Empty: no ASN lookups.");

    public static final ConfigKey<Duration> LOGIN_LEARNING_PERIOD = ConfigKey.duration(
            "login-location.learning-period", "14d",
            "console-login-new-country and console-login-new-asn stay silent for this long (event time) after a "
                    + "user's first successful console login seen, while they learn where the user signs in from.")
            .positive();

    public static final ConfigKey<Duration> LOGIN_TTL = ConfigKey.duration("login-location.ttl", "90d",
            "A country or network a user has not signed in from for this long (event time) is forgotten: signing "
                    + "in from it again alerts again. A user with nothing left starts a new learning period.")
            .positive();

    public static final ConfigKey<Integer> LOGIN_CACHE_SIZE = ConfigKey.integer("login-location.cache-size", "2000",
            "Per-user login baselines each stream task keeps deserialized in memory in front of its RocksDB store "
                    + "(least recently used out); a few hundred bytes each.")
            .nonNegative();

    public static final List<ConfigKey<?>> ALL = List.of(COUNTRY_DB, ASN_DB, LOGIN_LEARNING_PERIOD, LOGIN_TTL,
            LOGIN_CACHE_SIZE);

    private GeoIpSettings() {
    }
}
