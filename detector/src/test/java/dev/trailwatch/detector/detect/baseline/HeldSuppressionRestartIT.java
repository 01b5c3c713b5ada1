package dev.trailwatch.detector.detect.baseline;

import static dev.trailwatch.detector.detect.baseline.BaselineEvents.ACCOUNT;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.assumedRoleOf;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.ec2;
import static dev.trailwatch.detector.embedded.RestartFixture.producer;
import static dev.trailwatch.detector.embedded.RestartFixture.send;
import static dev.trailwatch.detector.embedded.RestartFixture.startOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.embedded.CommittedReader;
import dev.trailwatch.detector.embedded.EmbeddedKafka;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.pipeline.TopicSetup;
import dev.trailwatch.detector.topology.DetectorInstance;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A foreign-account suppression window that spans a restart on a real broker, the second detector on an empty state
 * directory, so that what foreign-account still holds (its pending calls) and the window (the suppressor's stores)
 * can only come from their changelogs. The user must see, under the window's one alert id, a last version listing
 * every call of the window, as an uninterrupted run shows it. That rests on foreign-account telling {@code HeldBack}
 * in its {@code init} what its restored stores hold: before that the suppressor closes nothing in the task, and a
 * wrong word lets it close too early.
 *
 * <p>One input partition, so that the input's completeness is that partition's and each step below is decided by the
 * records sent, not by which task ran first. Reorder horizon 15 minutes, suppression window 1 hour ([10:00, 11:00):
 * it closes once held matches are released to 11:15, and is forgotten at 11:30). The report bound is an hour: within
 * the test only a window's close sends an update.
 */
class HeldSuppressionRestartIT {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String OUTSIDER = "999988887777";
    private static EmbeddedKafka kafka;

    @TempDir
    Path first;
    @TempDir
    Path second;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    /**
     * The second call is still held when the detector stops. After the restart a record foreign-account never sees (one
     * the parser rejects: only the dead letter reads it) moves the task's stream time hours on, so the suppressor's
     * punctuation runs with the input complete far past the window before foreign-account has looked at its restored
     * call again (it does on its one-second timer). Told nothing, the suppressor would wait; told "nothing held", it
     * closed and forgot the window there, and the released call came back under the same id alone.
     */
    @Test
    void aCallHeldAtTheStopJoinsItsWindowsAlertAfterARestartThatLostLocalState() throws Exception {
        DetectorConfig config = config("held-restart-a");
        TestEvents call1 = assumedRoleOf(OUTSIDER, ec2("eu-west-1", T0));
        TestEvents call2 = assumedRoleOf(OUTSIDER, ec2("eu-west-1", T0.plus(Duration.ofMinutes(40))));
        String id;
        try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
            try (DetectorInstance detector = startOn(config, first)) {
                send(producer, config, call1);
                send(producer, config, call2);
                // complete to 10:35, released to 10:19:59.999: the first call is decided, the second waits
                send(producer, config, ec2("eu-west-1", T0.plus(Duration.ofMinutes(50))));
                // committed with the state of everything read before it: the second call waiting
                List<Alert> before = foreignAccountAlerts(config, "listing the first call " + call1.eventId(),
                        a -> a.eventIds().contains(call1.eventId()));
                assertThat(before).extracting(Alert::eventIds).containsExactly(List.of(call1.eventId()));
                assertThat(waiting(config)).as("foreign-account still holds the second call at the stop")
                        .containsEntry(call2.eventId(), true);
                id = before.get(0).alertId();
            }
            try (DetectorInstance detector = startOn(config, second)) {
                sendRaw(producer, config, "{\"eventID\": \"x\", oops", T0.plus(Duration.ofHours(4)));
                // its dead letter is committed after the suppressor's punctuation that followed it
                deadLetters(config, 1);
                send(producer, config, ec2("eu-west-1", T0.plus(Duration.ofHours(5))));

                List<Alert> versions = foreignAccountAlerts(config, "of window [10:00, 11:00) (alert " + id
                        + ") listing the second call " + call2.eventId() + ", released after the restart",
                        a -> a.alertId().equals(id) && a.eventIds().contains(call2.eventId()));
                assertThat(versions).filteredOn(a -> a.alertId().equals(id)).extracting(Alert::eventIds)
                        .as("never a version of the window with the second call alone")
                        .doesNotContain(List.of(call2.eventId()))
                        .last().isEqualTo(List.of(call1.eventId(), call2.eventId()));
                assertThat(versions).filteredOn(a -> a.alertId().equals(id)).last()
                        .extracting(Alert::eventCount).isEqualTo(2L);
            }
        }
    }

    /**
     * Both calls are decided before the stop (the second folded into the open window, not yet reported), so after the
     * restart foreign-account holds nothing and no call of its comes again: only its word in {@code init} ("nothing
     * held") lets the suppressor close the window when event time passes it. Without it the update never came.
     */
    @Test
    void aWindowWhoseCallsWereAllDecidedBeforeTheStopClosesAfterIt() throws Exception {
        DetectorConfig config = config("held-restart-b");
        TestEvents call1 = assumedRoleOf(OUTSIDER, ec2("eu-west-1", T0));
        TestEvents call2 = assumedRoleOf(OUTSIDER, ec2("eu-west-1", T0.plus(Duration.ofMinutes(20))));
        String id;
        try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
            try (DetectorInstance detector = startOn(config, first)) {
                send(producer, config, call1);
                send(producer, config, call2);
                // released to 10:09:59.999: the first call is decided (sent), then to 10:24:59.999: the second folds in
                send(producer, config, ec2("eu-west-1", T0.plus(Duration.ofMinutes(40))));
                send(producer, config, ec2("eu-west-1", T0.plus(Duration.ofMinutes(55))));
                // the second call's decision, and with it its fold into the window, committed
                awaitDecided(config, call2);
                List<Alert> before = foreignAccountAlerts(config, "listing the first call " + call1.eventId(),
                        a -> true);
                assertThat(before).extracting(Alert::eventIds)
                        .as("the window is still open at the stop").containsExactly(List.of(call1.eventId()));
                id = before.get(0).alertId();
            }
            try (DetectorInstance detector = startOn(config, second)) {
                // released to 11:29:59.999: past the window's close (11:15)
                send(producer, config, ec2("eu-west-1", T0.plus(Duration.ofHours(2))));

                List<Alert> versions = foreignAccountAlerts(config, "closing window [10:00, 11:00) (alert " + id
                        + ", due at 11:15) with the second call " + call2.eventId() + ", folded in before the stop",
                        a -> a.eventIds().contains(call2.eventId()));
                assertThat(versions).extracting(Alert::eventIds)
                        .containsExactly(List.of(call1.eventId()), List.of(call1.eventId(), call2.eventId()));
                assertThat(versions).extracting(Alert::alertId).containsOnly(id);
                assertThat(versions.get(1).eventCount()).isEqualTo(2L);
            }
        }
    }

    private static DetectorConfig config(String app) {
        Map<String, String> settings = new HashMap<>();
        settings.put("application.id", app);
        settings.put(DetectorConfig.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers());
        settings.put("topic.events", app + ".events");
        settings.put("topic.alerts", app + ".alerts");
        settings.put("topic.dlq", app + ".dlq");
        settings.put("topic.accounts", app + ".accounts");
        settings.put("reorder.horizon", "15m");
        settings.put("suppression.window", "1h");
        settings.put("alerts.report-within", "1h");
        settings.put("accounts.known", ACCOUNT);
        DetectorConfig config = DetectorConfig.defaults().with(settings);
        kafka.createTopics(TopicSetup.required(config, 1, (short) 1));
        return config;
    }

    private static void sendRaw(KafkaProducer<String, byte[]> producer, DetectorConfig config, String text,
                                Instant time) throws Exception {
        producer.send(new ProducerRecord<>(events(config), null, time.toEpochMilli(), ACCOUNT,
                text.getBytes(StandardCharsets.UTF_8))).get();
    }

    private static String events(DetectorConfig config) {
        return config.get(Settings.TOPIC_EVENTS);
    }

    /**
     * The committed foreign-account alerts, every version, read until one matches {@code last} and to the end. None
     * within 60 s fails naming the version awaited ({@code expected}) and listing the versions committed instead.
     */
    private static List<Alert> foreignAccountAlerts(DetectorConfig config, String expected, Predicate<Alert> last) {
        try (CommittedReader<Alert> alerts = CommittedReader.alerts(kafka.bootstrapServers(),
                config.get(Settings.TOPIC_ALERTS))) {
            try {
                alerts.awaitValue(a -> isForeignAccount(a) && last.test(a), Duration.ofSeconds(60));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("no committed foreign-account alert within 60 s " + expected + "; committed: "
                        + versions(alerts.values().stream().filter(HeldSuppressionRestartIT::isForeignAccount)
                                .toList()), e);
            }
            return alerts.readToEnd(Duration.ofSeconds(30)).stream()
                    .filter(HeldSuppressionRestartIT::isForeignAccount).toList();
        }
    }

    private static boolean isForeignAccount(Alert alert) {
        return alert.ruleId().equals(ForeignAccountDetector.ID);
    }

    /** Alert versions as a failure message shows them: id, event ids and count of each, in the order committed. */
    private static String versions(List<Alert> alerts) {
        return alerts.isEmpty() ? "none" : alerts.stream()
                .map(a -> "alert " + a.alertId() + " events " + a.eventIds() + " count " + a.eventCount())
                .collect(Collectors.joining("; "));
    }

    /**
     * Waits up to 60 s until foreign-account's committed changelog no longer holds {@code call} as waiting; fails
     * naming the call and what the changelog holds.
     */
    private static void awaitDecided(DetectorConfig config, TestEvents call) {
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !waiting(config).getOrDefault(call.eventId(), true));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("foreign-account's decision on call " + call.eventId() + " not committed within"
                    + " 60 s; its pending changelog holds (event id = still waiting): " + waiting(config), e);
        }
    }

    /**
     * The calls foreign-account holds as its committed changelog says: event id to whether it still waits (its last
     * record is a value, not a tombstone).
     */
    private static Map<String, Boolean> waiting(DetectorConfig config) {
        TopicPartition changelog = new TopicPartition(config.get(Settings.APPLICATION_ID)
                + "-foreign-account-pending-changelog", 0);
        Map<String, Boolean> waiting = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(changelog));
            consumer.seekToBeginning(List.of(changelog));
            long end = consumer.endOffsets(List.of(changelog)).get(changelog);
            while (consumer.position(changelog) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> waiting.put(r.key(), r.value() != null));
            }
        }
        return waiting;
    }

    private static void deadLetters(DetectorConfig config, int count) {
        CommittedReader.read(kafka.bootstrapServers(), config.get(Settings.TOPIC_DLQ),
                new ByteArrayDeserializer(), count, Duration.ofSeconds(60));
    }
}
