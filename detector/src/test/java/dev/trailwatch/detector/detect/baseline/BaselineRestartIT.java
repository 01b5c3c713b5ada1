package dev.trailwatch.detector.detect.baseline;

import static dev.trailwatch.detector.detect.baseline.BaselineEvents.ACCOUNT;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.call;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.ec2;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.runInstances;
import static dev.trailwatch.detector.embedded.RestartFixture.producer;
import static dev.trailwatch.detector.embedded.RestartFixture.send;
import static dev.trailwatch.detector.embedded.RestartFixture.startOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.accounts.AccountInfoSerde;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.embedded.EmbeddedKafka;
import dev.trailwatch.detector.embedded.CommittedReader;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.topology.DetectorInstance;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The baselines and the learned accounts survive a restart on a real broker, even one that lost its local state
 * directory: the first-use store is restored from its changelog, the known accounts from the accounts topic.
 */
class BaselineRestartIT {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final String MEMBER = "444455556666";

    @Test
    void alertsWhenANewRegionIsUsedAfterARestartThatLostLocalStateAndStaysQuietForWhatWasLearned() throws Exception {
        Path firstState = BaselineHarness.tempDir();
        Path secondState = BaselineHarness.tempDir();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
            createTopics(kafka);
            // A reorder horizon of 0: this test is about what survives a restart; its last event is the one that
            // alerts, which a live horizon would hold until event time moved past it (OrderInvarianceIT tests that).
            DetectorConfig config = DetectorConfig.defaults().with(Map.of("application.id", "baseline-restart-it",
                    "reorder.horizon", "0s",
                    DetectorConfig.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers()));
            try (DetectorInstance first = startOn(config, firstState)) {
                send(producer, config, ec2("eu-west-1", T0));
                send(producer, config, call(MEMBER, "ec2.amazonaws.com", "DescribeInstances", "eu-west-1", T0));
                awaitAccountsWritten(kafka.bootstrapServers(), Set.of(ACCOUNT, MEMBER));
            }
            try (DetectorInstance second = startOn(config, secondState)) {
                Instant later = T0.plus(Duration.ofDays(8));
                send(producer, config, BaselineEvents.assumedRoleOf(MEMBER,
                        call(ACCOUNT, "ec2.amazonaws.com", "DescribeInstances", "eu-west-1", later)));
                send(producer, config, ec2("eu-west-1", later));
                send(producer, config, runInstances("ap-east-1", later.plusSeconds(60)));

                List<Alert> alerts = readAlertsUntil(kafka.bootstrapServers(), a -> "ap-east-1".equals(a.region()));
                // Only the new region: no first-use alert for the known one, no foreign-account alert for MEMBER.
                List<String> baselineRules = List.of(FirstRegionUseDetector.ID, FirstServiceUseDetector.ID,
                        ForeignAccountDetector.ID);
                assertThat(alerts).filteredOn(alert -> baselineRules.contains(alert.ruleId()))
                        .extracting(Alert::ruleId, Alert::region)
                        .containsExactly(tuple(FirstRegionUseDetector.ID, "ap-east-1"));
            }
        } finally {
            BaselineHarness.deleteRecursively(firstState);
            BaselineHarness.deleteRecursively(secondState);
        }
    }

    private static void createTopics(EmbeddedKafka kafka) {
        kafka.createTopics(List.of(new NewTopic("cloudtrail.events", 2, (short) 1),
                new NewTopic("cloudtrail.alerts", 1, (short) 1), new NewTopic("cloudtrail.events.dlq", 1, (short) 1),
                new NewTopic("trailwatch.accounts", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                new NewTopic("trailwatch.rules", 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))));
    }

    /** Read committed: once the detector's writes of these accounts are visible, so is the state they came with. */
    private static void awaitAccountsWritten(String bootstrap, Set<String> accounts) {
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, AccountInfo> consumer = consumer(bootstrap, new AccountInfoSerde().deserializer())) {
            consumer.subscribe(List.of("trailwatch.accounts"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.key()));
                return seen.containsAll(accounts);
            });
        }
    }

    /** Alerts up to the one {@code last} matches, then everything committed before it. */
    private static List<Alert> readAlertsUntil(String bootstrap, Predicate<Alert> last) {
        try (CommittedReader<Alert> alerts = CommittedReader.alerts(bootstrap, "cloudtrail.alerts")) {
            alerts.awaitValue(last, Duration.ofSeconds(60));
            return alerts.readToEnd(Duration.ofSeconds(30));
        }
    }

    private static <V> KafkaConsumer<String, V> consumer(String bootstrap, Deserializer<V> values) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "baseline-restart-it-reader-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), values);
    }
}
