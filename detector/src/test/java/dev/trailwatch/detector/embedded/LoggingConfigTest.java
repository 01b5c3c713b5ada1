package dev.trailwatch.detector.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The broker must not drown TrailWatch's own messages: Kafka at WARN, TrailWatch at INFO, logs on stderr. */
class LoggingConfigTest {

    @Test
    void keepsKafkaQuietAndTrailWatchAtInfoInTests() {
        assertThat(LoggerFactory.getLogger("dev.trailwatch.detector.Anything").isInfoEnabled()).isTrue();
        assertThat(LoggerFactory.getLogger("dev.trailwatch.detector.Anything").isDebugEnabled()).isFalse();
        for (String name : new String[] {"org.apache.kafka.streams.KafkaStreams", "kafka.server.BrokerServer",
                "org.apache.kafka.raft.KafkaRaftClient", "org.apache.kafka.clients.producer.ProducerConfig"}) {
            Logger logger = LoggerFactory.getLogger(name);
            assertThat(logger.isInfoEnabled()).as(name).isFalse();
            assertThat(logger.isWarnEnabled()).as(name).isTrue();
        }
        assertThat(LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient").isWarnEnabled()).isFalse();
        assertThat(LoggerFactory.getLogger("state.change.logger").isWarnEnabled()).isFalse();
    }

    @Test
    void shipsAMainConfigThatLogsToStderrWithTimeLevelAndLogger() throws IOException {
        Properties main = load("/log4j2.properties");

        assertThat(main.getProperty("rootLogger.level")).isEqualTo("warn");
        assertThat(main.getProperty("logger.trailwatch.name")).isEqualTo("dev.trailwatch");
        assertThat(main.getProperty("logger.trailwatch.level")).isEqualTo("info");
        assertThat(main.getProperty("appender.stderr.target")).isEqualTo("SYSTEM_ERR");
        assertThat(main.getProperty("appender.stderr.layout.pattern")).contains("%d{", "%-5level", "%logger", "%msg");
    }

    @Test
    void testConfigHasTheSameLevelsAsTheMainConfig() throws IOException {
        assertThat(loggerSettings(load("/log4j2-test.properties"))).isEqualTo(loggerSettings(load("/log4j2.properties")));
    }

    private static Map<String, String> loggerSettings(Properties props) {
        Map<String, String> settings = new TreeMap<>();
        props.stringPropertyNames().stream()
                .filter(key -> key.startsWith("logger.") || key.startsWith("rootLogger.") || key.startsWith("appender."))
                .forEach(key -> settings.put(key, props.getProperty(key)));
        return settings;
    }

    private static Properties load(String resource) throws IOException {
        Properties props = new Properties();
        try (InputStream in = LoggingConfigTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            props.load(in);
        }
        return props;
    }
}
