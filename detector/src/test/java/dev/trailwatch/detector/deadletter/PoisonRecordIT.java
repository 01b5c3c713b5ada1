package dev.trailwatch.detector.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trailwatch.detector.topology.DetectorInstance;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.embedded.DataDirs;
import dev.trailwatch.detector.embedded.EmbeddedKafka;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.embedded.CommittedReader;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.serde.JacksonSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * No single record stalls the detector, on a real broker with exactly-once: an event dated two hours ahead and an
 * event whose alert is too large for the alerts topic are dead-lettered with their reasons, and the StopLogging
 * events around them are alerted.
 */
class PoisonRecordIT {

    @Test
    void deadLettersAFutureEventAndAnAlertKafkaRefusesAndAlertsOnTheirNeighbours() throws Exception {
        Path stateDir = Files.createTempDirectory("trailwatch-poison-");
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            DetectorConfig config = DetectorConfig.defaults().with(Map.of("application.id", "poison-it",
                    DetectorConfig.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers(),
                    DetectorConfig.KAFKA_PREFIX + "state.dir", stateDir.toString()));
            kafka.createTopics(List.of(new NewTopic("cloudtrail.events", 2, (short) 1),
                    // a small limit, so that one alert (carrying a 40 kB user agent) is refused by the broker
                    new NewTopic("cloudtrail.alerts", 2, (short) 1).configs(Map.of("max.message.bytes", "8192")),
                    new NewTopic("cloudtrail.events.dlq", 2, (short) 1),
                    new NewTopic("trailwatch.accounts", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                    new NewTopic("trailwatch.rules", 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))));
            try (DetectorInstance detector = DetectorInstance.start(config, metrics, FlushSignal.never());
                 KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
                assertThat(detector.awaitRunning(Duration.ofSeconds(90))).isTrue();
                Instant now = Instant.now().minusSeconds(60);
                TestEvents before = TestEvents.stopLogging(now).user("before");
                TestEvents huge = TestEvents.stopLogging(now).user("huge").set("userAgent", randomText(40_000));
                TestEvents future = TestEvents.stopLogging(now.plus(Duration.ofHours(2))).user("future");
                TestEvents after = TestEvents.stopLogging(now).user("after");
                send(producer, before.bytes());
                send(producer, huge.bytes());
                send(producer, future.bytes());
                send(producer, "garbage".getBytes(StandardCharsets.UTF_8));
                send(producer, after.bytes());
                producer.flush();

                List<Alert> alerts = read(kafka.bootstrapServers(), "cloudtrail.alerts",
                        JacksonSerde.json(Alert.class).deserializer(), 2).stream().map(ConsumerRecord::value).toList();
                assertThat(alerts).extracting(Alert::eventIds)
                        .containsExactlyInAnyOrder(List.of(before.eventId()), List.of(after.eventId()));
                List<ConsumerRecord<String, byte[]>> dead = read(kafka.bootstrapServers(), "cloudtrail.events.dlq",
                        new ByteArrayDeserializer(), 3);
                assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON))
                        .containsExactlyInAnyOrder("produce_failed", "future_event_time", "parse");
                assertThat(dead).filteredOn(r -> "produce_failed".equals(
                                DeadLetters.header(r.headers(), DeadLetters.REASON)))
                        .singleElement().satisfies(r -> {
                            assertThat(r.value()).isEqualTo(huge.bytes());
                            assertThat(DeadLetters.header(r.headers(), DeadLetters.DETAIL))
                                    .contains("cloudtrail.alerts", "RecordTooLarge");
                        });
                assertThat(dead).allSatisfy(r -> assertThat(r.timestamp())
                        .isLessThanOrEqualTo(System.currentTimeMillis()));
                // counters are not transactional: records of the aborted transaction are counted again on the retry
                assertThat(metrics.eventsRejectedByReason()).containsKeys("produce_failed", "future_event_time");
                assertThat(metrics.registry().get("trailwatch.stream.thread.replacements").counter().count())
                        .as("one replacement for the refused alert's transaction, then it moves on").isEqualTo(1.0);
                await().atMost(Duration.ofSeconds(30)).until(detector::ready);
            }
        } finally {
            DataDirs.deleteRecursively(stateDir);
        }
    }

    private static String randomText(int length) {
        Random random = new Random(42);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('!' + random.nextInt(90)));
        }
        return text.toString();
    }

    private static void send(KafkaProducer<String, byte[]> producer, byte[] value) {
        // timestamped now, as another producer (or a LogAppendTime topic) would: the broker accepts it
        producer.send(new ProducerRecord<>("cloudtrail.events", null, System.currentTimeMillis(),
                TestEvents.ACCOUNT, value));
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    private static <V> List<ConsumerRecord<String, V>> read(String bootstrap, String topic, Deserializer<V> values,
                                                           int count) {
        return CommittedReader.read(bootstrap, topic, values, count, Duration.ofSeconds(90));
    }
}
