package dev.trailwatch.detector.detect.location;

import static dev.trailwatch.detector.detect.location.LoginEvents.DE_STRATO;
import static dev.trailwatch.detector.detect.location.LoginEvents.US_GOOGLE;
import static dev.trailwatch.detector.detect.location.LoginEvents.login;
import static dev.trailwatch.detector.detect.location.LoginEvents.tick;
import static dev.trailwatch.detector.embedded.RestartFixture.producer;
import static dev.trailwatch.detector.embedded.RestartFixture.send;
import static dev.trailwatch.detector.embedded.RestartFixture.startOn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.baseline.BaselineHarness;
import dev.trailwatch.detector.embedded.EmbeddedKafka;
import dev.trailwatch.detector.embedded.CommittedReader;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.topology.DetectorInstance;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * A sign-in from a new country that is held (waiting out the reorder horizon) when the detector stops is reported by
 * the next one, even when that one starts with an empty state directory: the baseline, its held alert and its timer
 * are restored from the changelogs. The user's baseline is not learned again.
 */
class LoginLocationRestartIT {

    private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
    private static final Instant AFTER = T0.plus(Duration.ofDays(15));

    @Test
    void reportsAnAlertHeldAcrossARestartThatLostLocalState() {
        Path firstState = BaselineHarness.tempDir();
        Path secondState = BaselineHarness.tempDir();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
            kafka.createTopics(List.of(new NewTopic("cloudtrail.events", 2, (short) 1),
                    new NewTopic("cloudtrail.alerts", 1, (short) 1),
                    new NewTopic("cloudtrail.events.dlq", 1, (short) 1),
                    new NewTopic("trailwatch.accounts", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                    new NewTopic("trailwatch.rules", 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))));
            Map<String, String> settings = new HashMap<>(ConsoleLoginNewCountryDetectorTest.settings(Map.of()));
            settings.put("application.id", "login-location-restart-it");
            settings.put(DetectorConfig.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers());
            DetectorConfig config = DetectorConfig.defaults().with(settings);
            TestEvents berlin = login("alice", DE_STRATO, AFTER);
            try (DetectorInstance first = startOn(config, firstState)) {
                send(producer, config, login("alice", US_GOOGLE, T0));
                send(producer, config, berlin);
                // The watch-list's console-login alert on the same record is committed in the same transaction as
                // the held alert's state: once it is visible, so is the state.
                List<Alert> before = readAlertsUntil(kafka.bootstrapServers(),
                        a -> a.eventIds().contains(berlin.eventId()));
                assertThat(before).noneMatch(a -> a.ruleId().equals(ConsoleLoginNewCountryDetector.ID));
            }
            try (DetectorInstance second = startOn(config, secondState)) {
                send(producer, config, tick(AFTER.plus(Duration.ofMinutes(20))));
                send(producer, config, login("alice", DE_STRATO, AFTER.plus(Duration.ofDays(1))));
                send(producer, config, tick(AFTER.plus(Duration.ofDays(1)).plus(Duration.ofHours(1))));

                List<Alert> alerts = readAlertsUntil(kafka.bootstrapServers(),
                        a -> a.ruleId().equals(ConsoleLoginNewCountryDetector.ID));
                assertThat(alerts).filteredOn(a -> a.ruleId().equals(ConsoleLoginNewCountryDetector.ID))
                        .extracting(Alert::eventIds).containsExactly(List.of(berlin.eventId()));
            }
        } finally {
            BaselineHarness.deleteRecursively(firstState);
            BaselineHarness.deleteRecursively(secondState);
        }
    }

    /** Every committed alert, read from the start until one matches {@code last} (read_committed). */
    private static List<Alert> readAlertsUntil(String bootstrap, Predicate<Alert> last) {
        try (CommittedReader<Alert> alerts = CommittedReader.alerts(bootstrap, "cloudtrail.alerts")) {
            return alerts.awaitValue(last, Duration.ofSeconds(90));
        }
    }
}
