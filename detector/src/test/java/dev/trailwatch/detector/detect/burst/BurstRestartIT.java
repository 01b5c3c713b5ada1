package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static dev.trailwatch.detector.detect.burst.BurstEvents.failedLogin;
import static dev.trailwatch.detector.embedded.RestartFixture.producer;
import static dev.trailwatch.detector.embedded.RestartFixture.send;
import static dev.trailwatch.detector.embedded.RestartFixture.startOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.embedded.EmbeddedKafka;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.pipeline.TopicSetup;
import dev.trailwatch.detector.serde.JacksonSerde;
import dev.trailwatch.detector.topology.DetectorInstance;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst that spans a restart on a real broker: the first detector counts six failures and stops; the second starts
 * on an empty state directory, so its state can only come from the changelog, and four more failures complete the
 * burst with all ten counted. The same for a credential harvest (the bench's busiest burst): its states reach the
 * changelog only as the journal entries written at each commit.
 */
class BurstRestartIT {

    private static final String APP = "burst-restart-it";
    private static final String CHANGELOG = APP + "-failed-console-login-burst-by-ip-state-changelog";
    private static final String HARVEST_CHANGELOG = APP + "-credential-harvesting-burst-by-principal-state-changelog";

    @TempDir
    Path first;
    @TempDir
    Path second;

    @Test
    void alertsWhenABurstSpansARestartWithItsStateRestoredFromTheChangelog() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
            DetectorConfig config = DetectorConfig.defaults().with(Map.of("application.id", APP,
                    "kafka.bootstrap.servers", kafka.bootstrapServers()));
            kafka.createTopics(TopicSetup.required(config, 2, (short) 1));

            try (DetectorInstance detector = startOn(config, first)) {
                for (int i = 0; i < 6; i++) {
                    send(producer, config, failedLogin(ATTACKER, "alice", atSeconds(10L * i)));
                }
                awaitPendingFailures(kafka.bootstrapServers(), 6);
            }
            try (DetectorInstance detector = startOn(config, second)) {
                for (int i = 6; i < 10; i++) {
                    send(producer, config, failedLogin(ATTACKER, "alice", atSeconds(10L * i)));
                }

                List<Alert> alerts = read(kafka.bootstrapServers(), "cloudtrail.alerts",
                        JacksonSerde.json(Alert.class).deserializer(),
                        a -> a.ruleId().equals(FailedConsoleLoginBurstDetector.ID));
                assertThat(alerts).extracting(Alert::eventCount).containsExactly(10L);
            }
        }
    }

    /**
     * The harvest's per-principal state, written as journal entries at the commits, restored from its changelog on an
     * empty state directory: six secrets read before the restart and five after make one alert of eleven (the
     * default threshold).
     */
    @Test
    void alertsWhenAHarvestSpansARestartWithItsStateRestoredFromTheChangelog() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
            DetectorConfig config = DetectorConfig.defaults().with(Map.of("application.id", APP,
                    "kafka.bootstrap.servers", kafka.bootstrapServers()));
            kafka.createTopics(TopicSetup.required(config, 2, (short) 1));

            try (DetectorInstance detector = startOn(config, first)) {
                for (int i = 0; i < 6; i++) {
                    send(producer, config, secret("prod/db-" + i, atSeconds(20L * i)));
                }
                awaitCounted(kafka.bootstrapServers(), HARVEST_CHANGELOG, 6);
            }
            try (DetectorInstance detector = startOn(config, second)) {
                for (int i = 6; i < 11; i++) {
                    send(producer, config, secret("prod/db-" + i, atSeconds(20L * i)));
                }

                List<Alert> alerts = read(kafka.bootstrapServers(), "cloudtrail.alerts",
                        JacksonSerde.json(Alert.class).deserializer(),
                        a -> a.ruleId().equals(CredentialHarvestingBurstDetector.ID));
                assertThat(alerts).singleElement().satisfies(alert -> {
                    assertThat(alert.eventCount()).isEqualTo(11L);
                    assertThat(((Number) alert.evidence().get("distinctResources")).intValue()).isEqualTo(11);
                });
            }
        }
    }

    private static TestEvents secret(String secretId, Instant time) {
        TestEvents e = TestEvents.event("secretsmanager.amazonaws.com", "GetSecretValue", time).user("mallory")
                .sourceIp(ATTACKER);
        e.json().with("requestParameters").put("secretId", secretId);
        return e;
    }

    /**
     * Waits until the committed changelog's journal entries hold the attacker's IP with this many failures waiting:
     * they are written at the detector's commits, while it runs.
     */
    private static void awaitPendingFailures(String bootstrap, int count) {
        awaitCounted(bootstrap, CHANGELOG, count);
    }

    /**
     * Waits until a burst's committed changelog holds a key whose one open window has counted this many events. A
     * tombstone (a journal entry the store dropped) reaches the reader as a null value: the consumer does not hand it
     * to the deserializer.
     */
    private static void awaitCounted(String bootstrap, String changelog, int count) {
        Deserializer<List<BurstState>> entry = (topic, bytes) -> bytes == null ? List.of()
                : StateJournal.decode(bytes, BurstStateCodec.SERDE, topic).stream()
                        .filter(state -> state.value != null).map(state -> state.value).toList();
        read(bootstrap, changelog, entry, states -> states != null && states.stream().anyMatch(state ->
                state.windows().size() == 1 && state.windows().get(0).count() == count));
    }

    /** Reads committed records from the start until one matches; returns the matching ones seen so far. */
    private static <V> List<V> read(String bootstrap, String topic, Deserializer<V> values,
                                    java.util.function.Predicate<V> wanted) {
        List<V> matching = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + topic + "-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (wanted.test(r.value())) {
                        matching.add(r.value());
                    }
                });
                return !matching.isEmpty();
            });
        }
        return matching;
    }
}
