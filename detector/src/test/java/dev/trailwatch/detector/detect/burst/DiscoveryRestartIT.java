package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static dev.trailwatch.detector.embedded.RestartFixture.producer;
import static dev.trailwatch.detector.embedded.RestartFixture.send;
import static dev.trailwatch.detector.embedded.RestartFixture.startOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.embedded.EmbeddedKafka;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.pipeline.TopicSetup;
import dev.trailwatch.detector.serde.JacksonSerde;
import dev.trailwatch.detector.topology.DetectorInstance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A discovery sweep that spans a restart on a real broker: the first detector records five of its calls and stops;
 * the second starts on an empty state directory, so the calls can only come from the window store's changelog (and its
 * in-memory mirror starts cold), and three more calls complete the burst with all eight listed and its denials from
 * both sides of the restart making it MEDIUM.
 *
 * <p>The sweep is days old by the wall clock, as in any replay of history, and the calls' changelog is a window
 * store's, to which Kafka Streams gives a time retention (the store's plus a day). So the broker here checks time
 * retention twice a second, and the second detector starts only once a check has run since the first stopped: the
 * journal of a replayed sweep must survive it (a journal whose records the broker judged expired would lose the first
 * five calls).
 */
class DiscoveryRestartIT {

    private static final String APP = "discovery-restart-it";
    private static final String CHANGELOG = APP + "-discovery-burst-by-principal-calls-changelog";
    private static final String[][] CALLS = {
        {"sts.amazonaws.com", "GetCallerIdentity"}, {"s3.amazonaws.com", "ListBuckets"},
        {"iam.amazonaws.com", "GetAccountSummary"}, {"iam.amazonaws.com", "ListRoles"},
        {"iam.amazonaws.com", "ListUsers"}, {"iam.amazonaws.com", "GetAccountAuthorizationDetails"},
        {"ec2.amazonaws.com", "DescribeSnapshots"}, {"cloudtrail.amazonaws.com", "DescribeTrails"},
        {"guardduty.amazonaws.com", "ListDetectors"}};

    @TempDir
    Path brokerData;
    @TempDir
    Path first;
    @TempDir
    Path second;

    @Test
    void alertsWhenASweepSpansARestartWithItsCallsRestoredFromTheChangelog() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(brokerData, Map.of("log.retention.check.interval.ms", "500"));
             KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
            DetectorConfig config = DetectorConfig.defaults().with(Map.of("application.id", APP,
                    "kafka.bootstrap.servers", kafka.bootstrapServers(), "burst.discovery.scope", "all"));
            kafka.createTopics(TopicSetup.required(config, 2, (short) 1));
            List<TestEvents> sweep = new ArrayList<>();
            for (int i = 0; i < CALLS.length; i++) {
                TestEvents call = TestEvents.event(CALLS[i][0], CALLS[i][1], atSeconds(5L * i)).user("mallory");
                sweep.add(i % 3 == 1 ? call.error("AccessDenied", "not authorized") : call);
            }

            try (DetectorInstance detector = startOn(config, first)) {
                for (TestEvents call : sweep.subList(0, 5)) {
                    send(producer, config, call);
                }
                awaitRecordedCalls(kafka.bootstrapServers(), 5);
            }
            awaitRetentionCheck(kafka);
            // the changelog's records are stamped at append: the retention check above could not judge them expired
            ConfigResource changelog = new ConfigResource(ConfigResource.Type.TOPIC, CHANGELOG);
            assertThat(kafka.admin().describeConfigs(List.of(changelog)).all().get().get(changelog)
                    .get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value()).isEqualTo("LogAppendTime");
            try (DetectorInstance detector = startOn(config, second)) {
                for (TestEvents call : sweep.subList(5, sweep.size())) {
                    send(producer, config, call);
                }

                List<Alert> alerts = read(kafka.bootstrapServers(), "cloudtrail.alerts",
                        JacksonSerde.json(Alert.class).deserializer(),
                        a -> a.ruleId().equals(DiscoveryBurstDetector.ID));
                // The eighth call completes the burst: five of its calls (and one of its three denials) came before
                // the restart. Without them the second detector would have seen four calls, not a burst.
                assertThat(alerts.get(0)).satisfies(alert -> {
                    assertThat(alert.eventCount()).isEqualTo(8L);
                    assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
                    assertThat(alert.eventIds()).containsExactlyElementsOf(
                            sweep.subList(0, 8).stream().map(TestEvents::eventId).toList());
                });
            }
        }
    }

    /**
     * Waits until the committed changelog's journal entries hold this many of the principal's calls: they are written
     * at the detector's commits, while it runs, not only when it stops.
     */
    private static void awaitRecordedCalls(String bootstrap, int count) {
        Set<String> recorded = new HashSet<>();
        Deserializer<List<CallJournal.Change>> journal = (topic, bytes) -> CallJournal.read(bytes);
        read(bootstrap, CHANGELOG, journal, changes -> {
            if (changes != null) { // a tombstone: the consumer hands no bytes to the deserializer
                changes.forEach(change -> recorded.add(change.call().label()));
            }
            return recorded.size() == count;
        });
    }

    /**
     * Waits until the broker has run a time-retention check after this call: a probe topic with a one-second retention
     * gets a record stamped with the sweep's (old) event time, and the check that deletes it looks at every log.
     */
    private static void awaitRetentionCheck(EmbeddedKafka kafka) throws Exception {
        String probe = "retention-probe";
        kafka.createTopic(probe, 1, Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000"));
        try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
            producer.send(new ProducerRecord<>(probe, null, atSeconds(0).toEpochMilli(), "probe", new byte[0])).get();
        }
        TopicPartition partition = new TopicPartition(probe, 0);
        await().atMost(Duration.ofSeconds(60)).until(() -> kafka.admin()
                .listOffsets(Map.of(partition, OffsetSpec.earliest())).partitionResult(partition).get().offset() > 0);
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
