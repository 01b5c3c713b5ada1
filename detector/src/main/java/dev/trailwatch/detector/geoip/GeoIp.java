package dev.trailwatch.detector.geoip;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import dev.trailwatch.detector.config.ConfigException;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.GeoIpSettings;
import dev.trailwatch.detector.model.IpLocation;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IP-address lookups in the MaxMind-format ({@code .mmdb}) databases the operator points to: a country database
 * ({@code geoip.country-db}) and an ASN database ({@code geoip.asn-db}), each optional. Read with MaxMind's own reader,
 * memory-mapped, and safe to share between stream threads.
 *
 * <p>Both record shapes in use are read: GeoIP2's ({@code country.iso_code}, as GeoLite2, GeoIP2 and DB-IP's
 * GeoIP2-compatible files write it; City databases work too) and ip-location-db's flat {@code country_code}; for ASN,
 * {@code autonomous_system_number} and {@code autonomous_system_organization} (GeoLite2-ASN, DB-IP ASN Lite,
 * ip-location-db's asn-mmdb). Only IP literals are looked up: a {@code sourceIPAddress} such as
 * {@code ec2.amazonaws.com} or {@code AWS Internal} is never resolved through DNS.
 *
 * <p>Opened once per detector from the configuration, shared by every topology built from it. A set path that is
 * missing or not a MaxMind database is a configuration error at start; with none set, lookups answer
 * {@link IpLocation#UNKNOWN} and the detector says so once in its log.
 */
public final class GeoIp {

    private static final Logger LOG = LoggerFactory.getLogger(GeoIp.class);
    private static final Duration STALE_AFTER = Duration.ofDays(90);
    private static final GeoIp OFF = new GeoIp(null, null);
    /** One open instance per pair of paths: each topology build (scan, run, tests) shares the mapped files. */
    private static final Map<String, GeoIp> OPEN = new ConcurrentHashMap<>();

    private final Reader country;
    private final Reader asn;

    private GeoIp(Reader country, Reader asn) {
        this.country = country;
        this.asn = asn;
    }

    /** No databases: every lookup is unknown. */
    public static GeoIp off() {
        return OFF;
    }

    /** The databases {@code geoip.country-db} and {@code geoip.asn-db} name, opened on first use. */
    public static GeoIp from(DetectorConfig config) {
        String countryPath = config.get(GeoIpSettings.COUNTRY_DB).strip();
        String asnPath = config.get(GeoIpSettings.ASN_DB).strip();
        if (countryPath.isEmpty() && asnPath.isEmpty()) {
            return OFF;
        }
        return OPEN.computeIfAbsent(countryPath + '\n' + asnPath, key -> open(countryPath, asnPath));
    }

    /** Opens the given databases (either path may be empty: not used). */
    public static GeoIp open(String countryPath, String asnPath) {
        return new GeoIp(reader(GeoIpSettings.COUNTRY_DB.name(), countryPath),
                reader(GeoIpSettings.ASN_DB.name(), asnPath));
    }

    /** Says once, at start, what the lookups will use; the line an operator looks for when locations are missing. */
    public void logStatus() {
        if (!enabled()) {
            LOG.info("GeoIP off: neither {} nor {} is set; alerts carry no source country or ASN, and "
                            + "console-login-new-country and console-login-new-asn do not run",
                    GeoIpSettings.COUNTRY_DB.name(), GeoIpSettings.ASN_DB.name());
        } else {
            LOG.info("GeoIP on: country from {}, ASN from {}", describe(country), describe(asn));
        }
        if (asn == null) {
            LOG.info("workload-credential-exfiltration without {}: an address's network is unknown, so a Lambda or"
                    + " ECS role session is judged by its own calls' user agents only (a call naming no runtime, from"
                    + " a public address none of the session's exec-env/AWS_Lambda or AWS_ECS calls came from)",
                    GeoIpSettings.ASN_DB.name());
        }
    }

    public boolean enabled() {
        return country != null || asn != null;
    }

    public boolean hasCountry() {
        return country != null;
    }

    public boolean hasAsn() {
        return asn != null;
    }

    /** Where {@code ip} is; {@link IpLocation#UNKNOWN} when it is not an IP literal or no database knows it. */
    public IpLocation locate(String ip) {
        if (!enabled() || ip == null) {
            return IpLocation.UNKNOWN;
        }
        InetAddress address = parse(ip);
        if (address == null) {
            return IpLocation.UNKNOWN;
        }
        String code = country == null ? null : countryCode(lookup(country, address));
        Map<?, ?> as = asn == null ? null : lookup(asn, address);
        Long number = as == null ? null : asNumber(as.get("autonomous_system_number"));
        String organization = as == null ? null : text(as.get("autonomous_system_organization"));
        if (code == null && number == null) {
            return IpLocation.UNKNOWN;
        }
        return new IpLocation(code, number, organization);
    }

    /**
     * The autonomous system number of {@code ip}, from the ASN database alone, or null (no ASN database, not an IP
     * literal, not known): for a caller that asks this for many addresses and needs no country.
     */
    public Long asn(String ip) {
        InetAddress address = asn == null || ip == null ? null : parse(ip);
        Map<?, ?> as = address == null ? null : lookup(asn, address);
        return as == null ? null : asNumber(as.get("autonomous_system_number"));
    }

    /** An IP literal as an address, or null: names are not resolved. */
    static InetAddress parse(String text) {
        IPAddress address = new IPAddressString(text.strip()).getAddress();
        return address == null ? null : address.toInetAddress();
    }

    private static Map<?, ?> lookup(Reader reader, InetAddress address) {
        try {
            return reader.get(address, Map.class);
        } catch (IOException | RuntimeException e) {
            // A damaged region of the file must not stop the detector: this address stays unlocated.
            LOG.debug("GeoIP lookup of {} failed: {}", address, e.toString());
            return null;
        }
    }

    private static String countryCode(Map<?, ?> record) {
        if (record == null) {
            return null;
        }
        String flat = text(record.get("country_code"));
        if (flat != null) {
            return flat;
        }
        for (String field : new String[] {"country", "registered_country"}) {
            if (record.get(field) instanceof Map<?, ?> country && text(country.get("iso_code")) != null) {
                return text(country.get("iso_code"));
            }
        }
        return null;
    }

    private static Long asNumber(Object value) {
        return value instanceof Number number ? number.longValue() : null;
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s : null;
    }

    private static Reader reader(String setting, String path) {
        if (path == null || path.isBlank()) {
            return null;
        }
        Path file = Path.of(path.strip());
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException(setting + ": no readable file at " + file.toAbsolutePath());
        }
        try {
            Reader reader = new Reader(file.toFile(), Reader.FileMode.MEMORY_MAPPED, new CHMCache());
            warnIfStale(setting, file, reader.getMetadata());
            return reader;
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(setting + ": " + file.toAbsolutePath() + " is not a MaxMind DB (.mmdb) file: "
                    + e.getMessage(), e);
        }
    }

    private static void warnIfStale(String setting, Path file, Metadata metadata) {
        Instant built = metadata.buildTime();
        if (built != null && built.isBefore(Instant.now().minus(STALE_AFTER))) {
            LOG.warn("{}: {} was built on {}, more than {} days ago: IP allocations move, update it", setting,
                    file, built, STALE_AFTER.toDays());
        }
    }

    private static String describe(Reader reader) {
        if (reader == null) {
            return "nothing (not set)";
        }
        Metadata metadata = reader.getMetadata();
        return metadata.databaseType() + " built " + metadata.buildTime();
    }
}
