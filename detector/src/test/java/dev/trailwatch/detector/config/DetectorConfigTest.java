package dev.trailwatch.detector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trailwatch.detector.model.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectorConfigTest {

    @TempDir
    Path dir;

    @Test
    void usesSafeDefaults() {
        DetectorConfig config = DetectorConfig.defaults();
        Properties streams = config.streamsProperties();

        assertThat(streams.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
        assertThat(streams.getProperty(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("trailwatch-detector");
        assertThat(config.minSeverity()).isEqualTo(Severity.LOW);
        assertThat(config.suppressionWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(config.get(Settings.TOPIC_EVENTS)).isEqualTo("cloudtrail.events");
    }

    @Test
    void layersEnvironmentOverFileOverDefaults() throws IOException {
        Path file = dir.resolve("trailwatch.properties");
        Files.writeString(file, """
                suppression.window = 30m
                alerts.min.severity = MEDIUM
                kafka.bootstrap.servers = file:9092
                kafka.security.protocol = SASL_SSL
                """);

        DetectorConfig config = DetectorConfig.load(file, Map.of(
                "TRAILWATCH_ALERTS_MIN_SEVERITY", "high",
                "KAFKA_BOOTSTRAP_SERVERS", "env:9093",
                "KAFKA_HEAP_OPTS", "-Xmx1g",
                "PATH", "/usr/bin"));

        assertThat(config.suppressionWindow()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.minSeverity()).isEqualTo(Severity.HIGH);
        Properties streams = config.streamsProperties();
        assertThat(streams.getProperty("bootstrap.servers")).isEqualTo("env:9093");
        assertThat(streams.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(streams).doesNotContainKey("heap.opts");
    }

    @Test
    void ignoresTheServiceLinkVariablesKubernetesInjects() {
        // What Kubernetes injects for Services named trailwatch, kafka and trailwatch-metrics in the namespace.
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "TRAILWATCH_PORT", "tcp://10.96.0.7:9464",
                "TRAILWATCH_PORT_9464_TCP", "tcp://10.96.0.7:9464",
                "TRAILWATCH_PORT_9464_TCP_ADDR", "10.96.0.7",
                "TRAILWATCH_PORT_9464_TCP_PORT", "9464",
                "TRAILWATCH_PORT_9464_TCP_PROTO", "tcp",
                "TRAILWATCH_SERVICE_HOST", "10.96.0.7",
                "TRAILWATCH_SERVICE_PORT", "9464",
                "TRAILWATCH_SERVICE_PORT_METRICS", "9464",
                "KAFKA_SERVICE_HOST", "10.96.0.9",
                "KAFKA_PORT", "tcp://10.96.0.9:9092"));
        env.put("TRAILWATCH_METRICS_PORT", "tcp://10.96.0.8:9464");
        env.put("KAFKA_PORT_9092_TCP_ADDR", "10.96.0.9");
        env.put("TRAILWATCH_ALERTS_MIN_SEVERITY", "MEDIUM");

        DetectorConfig config = DetectorConfig.load(null, env);

        assertThat(config.minSeverity()).isEqualTo(Severity.MEDIUM);
        assertThat(config.get(Settings.METRICS_PORT)).isEqualTo(9464);
        assertThat(config.kafka()).isEmpty();
    }

    @Test
    void stillRejectsAMistypedSettingThatLooksLikeAPort() {
        assertThatThrownBy(() -> DetectorConfig.load(null, Map.of("TRAILWATCH_METRIC_PORT", "9500")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown environment variable TRAILWATCH_METRIC_PORT")
                .hasMessageContaining("TRAILWATCH_METRICS_PORT");
        assertThatThrownBy(() -> DetectorConfig.load(null, Map.of("TRAILWATCH_SUPRESSION_WINDOW", "1h")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TRAILWATCH_SUPRESSION_WINDOW");
    }

    @Test
    void acceptsTheLaunchersOwnVariables() {
        // the trailwatch launcher reads them; the JVM it starts sees them in its environment too
        DetectorConfig config = DetectorConfig.load(null, Map.of("TRAILWATCH_SCAN_JAVA_OPTS", "-Xmx1g",
                "TRAILWATCH_CDS", "off"));

        assertThat(config.kafka()).isEmpty();
    }

    @Test
    void letsTheUserOverrideKafkaStreamsDefaults() {
        DetectorConfig config = DetectorConfig.fromMap(Map.of("kafka.processing.guarantee", "at_least_once"));

        assertThat(config.streamsProperties().getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                .isEqualTo("at_least_once");
    }

    @Test
    void rejectsAnUnknownSettingNamingIt() {
        assertThatThrownBy(() -> DetectorConfig.fromMap(Map.of("supression.window", "1h")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting 'supression.window'")
                .hasMessageContaining("suppression.window");
    }

    @Test
    void rejectsABadValueNamingKeyAndValue() {
        assertThatThrownBy(() -> DetectorConfig.fromMap(Map.of("suppression.window", "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("suppression.window").hasMessageContaining("soon");
        assertThatThrownBy(() -> DetectorConfig.fromMap(Map.of("alerts.min.severity", "URGENT")))
                .hasMessageContaining("alerts.min.severity").hasMessageContaining("URGENT");
        assertThatThrownBy(() -> DetectorConfig.fromMap(Map.of("events.parse.ahead", "sometimes")))
                .hasMessageContaining("events.parse.ahead").hasMessageContaining("sometimes")
                .hasMessageContaining("expected auto, true or false");
        assertThat(DetectorConfig.fromMap(Map.of("events.parse.ahead", " TRUE "))
                .get(RuntimeSettings.EVENTS_PARSE_AHEAD)).isEqualTo("true");
    }

    @Test
    void booleanSettingsTakeOnlyTrueOrFalse() {
        // a typo must fail at start, not silently mean false: the same parse for every boolean setting
        assertThatThrownBy(() -> DetectorConfig.fromMap(Map.of("tuning.audit-log", "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tuning.audit-log")
                .hasMessageContaining("'yes'").hasMessageContaining("expected true or false");
        assertThatThrownBy(() -> DetectorConfig.fromMap(Map.of("burst.discovery.enabled", "ture")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("burst.discovery.enabled")
                .hasMessageContaining("'ture'").hasMessageContaining("expected true or false");
        assertThat(DetectorConfig.fromMap(Map.of("tuning.audit-log", " FALSE ")).get(TuningSettings.AUDIT_LOG))
                .isFalse();
        assertThat(DetectorConfig.fromMap(Map.of("burst.discovery.enabled", "True"))
                .get(BurstSettings.DISCOVERY_ENABLED)).contains(true);
        // the deprecated key alone takes an empty value: not given
        assertThat(DetectorConfig.fromMap(Map.of("burst.discovery.enabled", "")).get(BurstSettings.DISCOVERY_ENABLED))
                .isEmpty();
    }

    @Test
    void reportsAMissingConfigFile() {
        assertThatThrownBy(() -> DetectorConfig.load(dir.resolve("nope.properties"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("config file not found");
    }

    @Test
    void readsDurationsAsOperatorsWriteThem() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
    }
}
