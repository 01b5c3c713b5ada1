package dev.trailwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.RuleTexts;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.embedded.CommittedReader;
import dev.trailwatch.detector.embedded.EmbeddedKafka;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.pipeline.TopicSetup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload from files and Sigma on the rules topic, on a real broker, with no restart: a rule file in rules.dir
 * changed while the detector runs changes the severity of the alerts of every later event; a broken version is
 * rejected and the good one stays; deleting the file stops its alerts; an exception file added to tuning.dir stops
 * the alerts it names; a single-event Sigma rule published to the rules topic alerts.
 */
class FileHotReloadIT {

    private static final Logger LOG = LoggerFactory.getLogger(FileHotReloadIT.class);
    private static final String ACCOUNT = "111122223333";
    private static final String RULE = "bucket-tagged";
    private static final String SIGMA = RuleTexts.sigmaBucketPolicyRead("high");
    private static final String TAG_AUDIT = """
            exceptions:
              - id: tag-audit-job
                reason: the tag audit job reads every bucket's tags
                owner: secops
                rule: bucket-tagged
                when:
                  principal: "*:user/excepted-*"
            """;

    @TempDir
    Path work;

    @Test
    void changedRuleAndTuningFilesAndATopicSigmaRuleChangeTheAlertsWithoutARestart() throws Exception {
        Path rules = Files.createDirectories(work.resolve("rules"));
        Path tuning = Files.createDirectories(work.resolve("tuning"));
        Files.writeString(rules.resolve(RULE + ".yml"), RuleTexts.bucketTagged(RULE, "MEDIUM"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<String, byte[]> events = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
             KafkaProducer<String, String> ruleTopic = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                     new StringSerializer(), new StringSerializer());
             CommittedReader<Alert> alerts = CommittedReader.alerts(kafka.bootstrapServers(), "cloudtrail.alerts")) {
            DetectorConfig config = DetectorConfig.defaults().with(Map.of("application.id", "file-hot-reload-it",
                    "kafka.bootstrap.servers", kafka.bootstrapServers(), "kafka.commit.interval.ms", "200",
                    "kafka.state.dir", Files.createDirectories(work.resolve("state")).toString(),
                    "rules.dir", rules.toString(), "tuning.dir", tuning.toString(), "reload.interval", "300ms"));
            kafka.createTopics(TopicSetup.required(config, 1, (short) 1));
            TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
            try (DetectorInstance detector = DetectorInstance.start(config, metrics, FlushSignal.never())) {
                assertThat(detector.awaitRunning(Duration.ofSeconds(90))).isTrue();

                phase(events, alerts, "before");
                assertThat(severities(alerts, "before-")).containsExactly(Severity.MEDIUM);

                Files.writeString(rules.resolve(RULE + ".yml"), RuleTexts.bucketTagged(RULE, "HIGH"));
                long written = System.nanoTime();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                        .until(() -> changes(metrics, "rules", "accepted") >= 1);
                LOG.info("the edited rule file was in force {} ms after it was written (reload.interval 300 ms)",
                        (System.nanoTime() - written) / 1_000_000);
                phase(events, alerts, "changed");
                assertThat(severities(alerts, "changed-")).as("the edited file, from the next event on")
                        .containsExactly(Severity.HIGH);

                Files.writeString(rules.resolve(RULE + ".yml"), RuleTexts.failingTests(RULE));
                await().atMost(Duration.ofSeconds(30)).until(() -> rejected(metrics, "rules", "test") == 1);
                phase(events, alerts, "broken");
                assertThat(severities(alerts, "broken-")).as("a broken version keeps the previous one")
                        .containsExactly(Severity.HIGH);

                Files.writeString(tuning.resolve("tag-audit.yml"), TAG_AUDIT);
                await().atMost(Duration.ofSeconds(30)).until(() -> changes(metrics, "exceptions", "accepted") >= 1);
                phase(events, alerts, "excepted");
                assertThat(severities(alerts, "excepted-")).as("the exception file applies").isEmpty();

                Files.delete(rules.resolve(RULE + ".yml"));
                await().atMost(Duration.ofSeconds(30)).until(() -> changes(metrics, "rules", "removed") >= 1);
                phase(events, alerts, "deleted");
                assertThat(severities(alerts, "deleted-")).as("the deleted file's rule is gone").isEmpty();

                ruleTopic.send(new ProducerRecord<>("trailwatch.rules", "sigma-bucket-policy-read", SIGMA)).get();
                await().atMost(Duration.ofSeconds(30)).until(() -> topicActive(metrics) == 1);
                send(events, TestEvents.event("s3.amazonaws.com", "GetBucketPolicy", Instant.now()), "sigma-user");
                events.flush();
                await().atMost(Duration.ofSeconds(60)).until(() -> forRule(alerts, "sigma-bucket-policy-read").size()
                        == 1);
                assertThat(forRule(alerts, "sigma-bucket-policy-read")).singleElement().satisfies(alert -> {
                    assertThat(alert.severity()).isEqualTo(Severity.HIGH);
                    assertThat(alert.principal()).endsWith(":user/sigma-user");
                });
            }
        }
    }

    /**
     * A production bucket's tags read by {@code <phase>-user}, then a StopLogging by {@code marker-<phase>}; returns
     * when the marker's alert is out, so the event before it has been processed.
     */
    private static void phase(KafkaProducer<String, byte[]> producer, CommittedReader<Alert> alerts, String phase)
            throws Exception {
        Instant now = Instant.now().minusSeconds(30);
        send(producer, RuleTexts.tagging("prod-data", now), phase + "-user");
        send(producer, TestEvents.stopLogging(now), "marker-" + phase);
        producer.flush();
        await().atMost(Duration.ofSeconds(60)).until(() -> alerts.values().stream()
                .anyMatch(alert -> alert.principal().endsWith(":user/marker-" + phase)));
    }

    private static List<Severity> severities(CommittedReader<Alert> alerts, String userPrefix) {
        return forRule(alerts, RULE).stream().filter(alert -> alert.principal().contains(":user/" + userPrefix))
                .map(Alert::severity).toList();
    }

    private static void send(KafkaProducer<String, byte[]> producer, TestEvents event, String user) throws Exception {
        ObjectNode json = event.json();
        json.put("recipientAccountId", ACCOUNT);
        ObjectNode identity = (ObjectNode) json.get("userIdentity");
        String arn = "arn:aws:iam::" + ACCOUNT + ":user/" + user;
        identity.put("accountId", ACCOUNT).put("arn", arn).put("userName", user);
        Instant time = Instant.parse(json.get("eventTime").asText());
        producer.send(new ProducerRecord<>("cloudtrail.events", null, time.toEpochMilli(), ACCOUNT, event.bytes()))
                .get();
    }

    private static double changes(TrailWatchMetrics metrics, String kind, String outcome) {
        Counter counter = metrics.registry().find("trailwatch." + kind + ".files.changes").tag("outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static double rejected(TrailWatchMetrics metrics, String kind, String reason) {
        Counter counter = metrics.registry().find("trailwatch." + kind + ".rejected").tag("source", "file")
                .tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static double topicActive(TrailWatchMetrics metrics) {
        Gauge gauge = metrics.registry().find("trailwatch.rules.topic.active").gauge();
        return gauge == null ? -1 : gauge.value();
    }

    /** The alerts of one rule read so far, after one more poll. */
    private static List<Alert> forRule(CommittedReader<Alert> alerts, String ruleId) {
        return alerts.values().stream().filter(alert -> alert.ruleId().equals(ruleId)).toList();
    }
}
