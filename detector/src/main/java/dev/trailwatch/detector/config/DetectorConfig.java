package dev.trailwatch.detector.config;

import dev.trailwatch.detector.model.Severity;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector's one typed configuration, layered: built-in defaults &lt; the {@code --config} properties file &lt;
 * {@code TRAILWATCH_*} environment variables. Keys starting with {@code kafka.} (and {@code KAFKA_*} variables, e.g.
 * {@code KAFKA_BOOTSTRAP_SERVERS}) pass through to the Kafka Streams client with the prefix removed, so any client
 * setting (SASL, SSL, timeouts) can be given without TrailWatch knowing it.
 */
public final class DetectorConfig {

    public static final String KAFKA_PREFIX = "kafka.";

    private static final Logger LOG = LoggerFactory.getLogger(DetectorConfig.class);

    /**
     * The variables Kubernetes injects for every Service in the namespace (service links): a Service named
     * {@code trailwatch} or {@code kafka} yields {@code TRAILWATCH_PORT=tcp://10.0.0.7:9464},
     * {@code TRAILWATCH_PORT_9464_TCP_ADDR}, {@code KAFKA_SERVICE_HOST}, {@code KAFKA_SERVICE_PORT_CLIENTS}...
     */
    private static final Pattern SERVICE_LINK = Pattern.compile(
            "[A-Z0-9_]+_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT_[0-9]+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?)");
    /** {@code <SERVICE>_PORT} itself: only with the {@code tcp://host:port} value Kubernetes gives it. */
    private static final Pattern SERVICE_LINK_PORT = Pattern.compile("[A-Z0-9_]+_PORT");
    private static final Pattern SERVICE_LINK_PORT_VALUE = Pattern.compile("(tcp|udp|sctp)://\\S+");

    /** JVM launcher variables that share the KAFKA_ prefix but are not client settings. */
    private static final Set<String> NOT_CLIENT_SETTINGS = Set.of("KAFKA_HEAP_OPTS", "KAFKA_OPTS",
            "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_JMX_OPTS", "KAFKA_GC_LOG_OPTS", "KAFKA_DEBUG");

    /** Read by the launcher script or the S3 reader, not settings of the detector. */
    private static final Set<String> LAUNCHER_VARIABLES = Set.of("TRAILWATCH_JAVA_OPTS", "TRAILWATCH_HOME",
            "TRAILWATCH_S3_PATH_STYLE", "TRAILWATCH_SCAN_JAVA_OPTS", "TRAILWATCH_CDS");

    private final Map<String, String> settings;
    private final Map<String, String> kafka;

    private DetectorConfig(Map<String, String> settings, Map<String, String> kafka) {
        this.settings = Collections.unmodifiableMap(settings);
        this.kafka = Collections.unmodifiableMap(kafka);
        Settings.ALL.forEach(key -> key.parse(settingOf(key)));
        BurstSettings.discoveryScope(this); // the one pair of settings that may not both be given
    }

    /** Built-in defaults only (tests, demo). */
    public static DetectorConfig defaults() {
        return new DetectorConfig(new TreeMap<>(), new TreeMap<>());
    }

    /** Defaults, then {@code file} (may be null), then the environment. */
    public static DetectorConfig load(Path file, Map<String, String> env) {
        Map<String, String> raw = new LinkedHashMap<>();
        if (file != null) {
            raw.putAll(readFile(file));
        }
        env.forEach((name, value) -> {
            boolean ours = name.startsWith("TRAILWATCH_") || name.startsWith("KAFKA_");
            if (ours && isServiceLink(name, value)) {
                LOG.debug("ignoring {}: a Kubernetes service-link variable, not a setting", name);
            } else if (name.startsWith("TRAILWATCH_") && !LAUNCHER_VARIABLES.contains(name)) {
                raw.put(Settings.byEnvName(name), value);
            } else if (name.startsWith("KAFKA_") && !NOT_CLIENT_SETTINGS.contains(name)) {
                raw.put(KAFKA_PREFIX + name.substring(6).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return fromMap(raw);
    }

    /**
     * Whether a variable has the shape Kubernetes gives service links ({@code <SERVICE>_SERVICE_HOST},
     * {@code <SERVICE>_SERVICE_PORT[_<NAME>]}, {@code <SERVICE>_PORT=tcp://...}, {@code <SERVICE>_PORT_<n>_TCP[_*]}),
     * so that a Service that happens to be named {@code trailwatch} or {@code kafka} never stops the detector.
     */
    static boolean isServiceLink(String name, String value) {
        if (SERVICE_LINK_PORT.matcher(name).matches() && value != null
                && SERVICE_LINK_PORT_VALUE.matcher(value.trim()).matches()) {
            return true; // even TRAILWATCH_METRICS_PORT, from a Service named trailwatch-metrics: never a port number
        }
        return SERVICE_LINK.matcher(name).matches() && !Settings.isEnvName(name);
    }

    /** Settings as a flat map of config-file keys. Unknown non-kafka keys are an error, not a silent typo. */
    public static DetectorConfig fromMap(Map<String, String> raw) {
        Map<String, String> settings = new TreeMap<>();
        Map<String, String> kafka = new TreeMap<>();
        raw.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX)) {
                kafka.put(key.substring(KAFKA_PREFIX.length()), value);
            } else if (Settings.byName(key) != null) {
                settings.put(key, value);
            } else {
                throw new ConfigException("unknown setting '" + key + "'; known settings: " + Settings.names()
                        + " (Kafka client settings take the prefix 'kafka.')");
            }
        });
        return new DetectorConfig(settings, kafka);
    }

    /** This configuration with some settings replaced (the CLI's options, a test's overrides). */
    public DetectorConfig with(Map<String, String> overrides) {
        Map<String, String> raw = new LinkedHashMap<>(asMap());
        raw.putAll(overrides);
        return fromMap(raw);
    }

    public <T> T get(ConfigKey<T> key) {
        return key.parse(settingOf(key));
    }

    /** The Kafka client settings given by the user, prefix removed. */
    public Map<String, String> kafka() {
        return kafka;
    }

    public String applicationId() {
        return get(Settings.APPLICATION_ID);
    }

    public Severity minSeverity() {
        return get(Settings.ALERTS_MIN_SEVERITY);
    }

    public Duration suppressionWindow() {
        return get(Settings.SUPPRESSION_WINDOW);
    }

    /** Every setting as the config file would spell it, kafka ones prefixed. */
    public Map<String, String> asMap() {
        Map<String, String> all = new TreeMap<>(settings);
        kafka.forEach((k, v) -> all.put(KAFKA_PREFIX + k, v));
        return all;
    }

    /** The Kafka Streams properties: TrailWatch's defaults under the user's own kafka.* settings. */
    public Properties streamsProperties() {
        Properties props = new Properties();
        props.putAll(kafka);
        StreamsDefaults.applyTo(props, this);
        return props;
    }

    private String settingOf(ConfigKey<?> key) {
        return settings.getOrDefault(key.name(), key.defaultValue());
    }

    private static Map<String, String> readFile(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> raw = new LinkedHashMap<>();
        for (String name : List.copyOf(props.stringPropertyNames())) {
            raw.put(name.trim(), props.getProperty(name).trim());
        }
        return raw;
    }
}
