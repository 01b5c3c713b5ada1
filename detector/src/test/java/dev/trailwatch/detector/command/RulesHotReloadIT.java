package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.RuleTexts;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TrailWatchApp;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.embedded.CommittedReader;
import dev.trailwatch.detector.embedded.EmbeddedKafka;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.pipeline.TopicSetup;
import dev.trailwatch.detector.topology.DetectorInstance;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload on a real broker with two detector instances sharing the input's two partitions: a rule published with
 * {@code trailwatch rules publish} while they run alerts on every later event of both partitions and on none before;
 * a bad version written behind the CLI's back is rejected on both instances and the good one stays (and a third
 * instance started then replays the topic to the same state); an exception (with inline tests) published with
 * {@code rules publish} to the exceptions topic then stops the rule's alerts for the principals it names on both
 * instances, and its tombstone ({@code --delete-exceptions}) lifts it;
 * {@code --delete} removes the rule. No restart anywhere.
 */
class RulesHotReloadIT {

    private static final Logger LOG = LoggerFactory.getLogger(RulesHotReloadIT.class);
    private static final String APP = "rules-hot-reload-it";
    private static final String RULE = "bucket-tagged";
    private static final String EXCEPTIONS = "trailwatch.exceptions";
    /**
     * Excepts the published rule's alerts for the {@code excepted-*} users, with inline tests: {@code rules publish}
     * runs them, and the detectors take a document that carries them.
     */
    private static final String TAG_AUDIT = """
            exceptions:
              - id: tag-audit-job
                reason: the tag audit job reads every bucket's tags
                owner: secops
                rule: bucket-tagged
                when:
                  principal: "*:user/excepted-*"
                tests:
                  - name: the audit job
                    excepted: true
                    event: %s
                  - name: anyone else
                    excepted: false
                    event: %s
            """.formatted(RuleTexts.tagging("prod-data", Instant.parse("2026-11-03T10:00:00Z")).user("excepted-job")
                    .eventId("ev-job").json(), RuleTexts.tagging("prod-data", Instant.parse("2026-11-03T10:00:00Z"))
                    .user("mallory").eventId("ev-mallory").json());

    @TempDir
    Path work;

    @Test
    void aPublishedRuleAppliesOnBothInstancesFromThenOnAndATombstoneRemovesIt() throws Exception {
        Path rules = Files.createDirectories(work.resolve("repo"));
        Files.writeString(rules.resolve(RULE + ".yml"), RuleTexts.bucketTagged(RULE, "MEDIUM"));
        List<String> accounts = accountsOnBothPartitions();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<String, byte[]> events = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
             CommittedReader<Alert> alerts = CommittedReader.alerts(kafka.bootstrapServers(), "cloudtrail.alerts")) {
            DetectorConfig config = DetectorConfig.defaults().with(Map.of("application.id", APP,
                    "kafka.bootstrap.servers", kafka.bootstrapServers(), "kafka.commit.interval.ms", "200",
                    "topic.exceptions", EXCEPTIONS));
            kafka.createTopics(TopicSetup.required(config, 2, (short) 1));
            kafka.createTopic(EXCEPTIONS, 1, Map.of("cleanup.policy", "compact"));
            TrailWatchMetrics first = new TrailWatchMetrics(new SimpleMeterRegistry());
            TrailWatchMetrics second = new TrailWatchMetrics(new SimpleMeterRegistry());
            TrailWatchMetrics third = new TrailWatchMetrics(new SimpleMeterRegistry());
            try (DetectorInstance one = start(config, "one", first);
                 DetectorInstance two = start(config, "two", second)) {
                assertThat(one.awaitRunning(Duration.ofSeconds(90))).isTrue();
                assertThat(two.awaitRunning(Duration.ofSeconds(90))).isTrue();

                assertThat(cli("rules", "publish", rules.toString(), "--bootstrap-server", kafka.bootstrapServers(),
                        "-D", "topic.rules=no.such.topic")).as("a missing rules topic is a setting to fix").isEqualTo(2);

                phase(events, alerts, accounts, "before");
                assertThat(forRule(alerts, RULE)).as("no rule yet").isEmpty();

                assertThat(cli("rules", "publish", rules.toString(), "--bootstrap-server", kafka.bootstrapServers()))
                        .isZero();
                long published = System.nanoTime();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> active(first) == 1 && active(second) == 1);
                LOG.info("the published rule was in force on both instances {} ms after publish returned",
                        (System.nanoTime() - published) / 1_000_000);
                phase(events, alerts, accounts, "after");
                assertThat(forRule(alerts, RULE)).as("one alert per account, production buckets only")
                        .extracting(Alert::accountId, Alert::principal, Alert::severity)
                        .containsExactlyInAnyOrderElementsOf(accounts.stream().map(account -> org.assertj.core.groups
                                .Tuple.tuple(account, arn(account, "after-" + account), Severity.MEDIUM)).toList());

                try (KafkaProducer<String, String> raw = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        new StringSerializer(), new StringSerializer())) {
                    raw.send(new ProducerRecord<>("trailwatch.rules", RULE, RuleTexts.failingTests(RULE))).get();
                }
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> rejected(first, "test") == 1 && rejected(second, "test") == 1);
                phase(events, alerts, accounts, "rejected");
                assertThat(forRule(alerts, RULE)).as("the good version stays in force")
                        .filteredOn(alert -> alert.principal().contains("rejected-"))
                        .extracting(Alert::accountId).containsExactlyInAnyOrderElementsOf(accounts);

                try (DetectorInstance three = start(config, "three", third)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> active(third) == 1);
                    assertThat(rejected(third, "test")).as("a new instance replays the topic through the same checks")
                            .isEqualTo(1);
                }

                Path tuning = Files.writeString(Files.createDirectories(work.resolve("tuning"))
                        .resolve("tag-audit.yml"), TAG_AUDIT);
                assertThat(cli("rules", "publish", tuning.toString(), "--bootstrap-server", kafka.bootstrapServers(),
                        "-D", "topic.exceptions=" + EXCEPTIONS)).as("its rule is not in the run: an unknown rule id")
                        .isEqualTo(1);
                assertThat(cli("rules", "publish", rules.toString(), tuning.toString(), "--bootstrap-server",
                        kafka.bootstrapServers(), "-D", "topic.exceptions=no.such.topic"))
                        .as("a missing exceptions topic is a setting to fix").isEqualTo(2);
                assertThat(cli("rules", "publish", rules.toString(), tuning.toString(), "--bootstrap-server",
                        kafka.bootstrapServers(), "-D", "topic.exceptions=" + EXCEPTIONS)).isZero();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> documents(first) == 1 && documents(second) == 1);
                assertThat(active(first)).as("republishing the same rule text changes nothing").isEqualTo(1);
                phase(events, alerts, accounts, "excepted");
                assertThat(forRule(alerts, RULE)).as("the exception holds on both instances")
                        .filteredOn(alert -> alert.principal().contains("excepted-")).isEmpty();
                assertThat(excepted(first) + excepted(second)).as("counted, not silently dropped")
                        .isEqualTo(accounts.size());

                assertThat(cli("rules", "publish", "--delete-exceptions", "tag-audit", "--bootstrap-server",
                        kafka.bootstrapServers(), "-D", "topic.exceptions=" + EXCEPTIONS)).isZero();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> documents(first) == 0 && documents(second) == 0);
                phase(events, alerts, accounts, "lifted");
                assertThat(forRule(alerts, RULE)).as("the tombstone lifts it")
                        .filteredOn(alert -> alert.principal().contains("lifted-"))
                        .extracting(Alert::accountId).containsExactlyInAnyOrderElementsOf(accounts);

                assertThat(cli("rules", "publish", "--delete", RULE, "--bootstrap-server",
                        kafka.bootstrapServers())).isZero();
                await().atMost(Duration.ofSeconds(30)).until(() -> active(first) == 0 && active(second) == 0);
                phase(events, alerts, accounts, "deleted");
                assertThat(forRule(alerts, RULE)).filteredOn(alert -> alert.principal().contains("deleted-")).isEmpty();
                assertThat(forRule(alerts, RULE)).hasSize(3 * accounts.size());

                assertThat(first.eventsRead()).as("instance one did part of the work").isPositive();
                assertThat(second.eventsRead()).as("instance two did part of the work").isPositive();
            }
        }
    }

    /**
     * Per account: a production and a test bucket's tags read by {@code <phase>-<account>}, then a StopLogging by
     * {@code marker-<phase>-<account>}; returns when every marker's alert is out, so every event before it on its
     * partition has been processed.
     */
    private static void phase(KafkaProducer<String, byte[]> producer, CommittedReader<Alert> alerts, List<String> accounts,
                              String phase) throws Exception {
        Instant now = Instant.now().minusSeconds(30);
        for (String account : accounts) {
            send(producer, account, RuleTexts.tagging("prod-data", now), phase + "-" + account);
            send(producer, account, RuleTexts.tagging("test-data", now), phase + "-test-" + account);
            send(producer, account, TestEvents.stopLogging(now), "marker-" + phase + "-" + account);
        }
        producer.flush();
        await().atMost(Duration.ofSeconds(60)).until(() -> alerts.values().stream()
                .filter(alert -> alert.ruleId().equals("cloudtrail-logging-stopped")
                        && alert.principal().contains("marker-" + phase + "-")).count() == accounts.size());
    }

    private static void send(KafkaProducer<String, byte[]> producer, String account, TestEvents event, String user)
            throws Exception {
        ObjectNode json = event.json();
        json.put("recipientAccountId", account);
        ObjectNode identity = (ObjectNode) json.get("userIdentity");
        identity.put("accountId", account).put("arn", arn(account, user)).put("userName", user);
        Instant time = Instant.parse(json.get("eventTime").asText());
        producer.send(new ProducerRecord<>("cloudtrail.events", null, time.toEpochMilli(), account, event.bytes()))
                .get();
    }

    private static String arn(String account, String user) {
        return "arn:aws:iam::" + account + ":user/" + user;
    }

    /** Two account ids whose records go to partitions 0 and 1 of a two-partition topic (the producer's hash). */
    private static List<String> accountsOnBothPartitions() {
        List<String> out = new ArrayList<>(List.of("", ""));
        Stream.iterate(111122220000L, n -> n + 1).map(String::valueOf).takeWhile(ignored -> out.contains(""))
                .forEach(account -> {
                    int partition = Utils.toPositive(Utils.murmur2(account.getBytes())) % 2;
                    if (out.get(partition).isEmpty()) {
                        out.set(partition, account);
                    }
                });
        return List.copyOf(out);
    }

    private DetectorInstance start(DetectorConfig config, String name, TrailWatchMetrics metrics) throws Exception {
        Path state = Files.createDirectories(work.resolve(name));
        return DetectorInstance.start(config.with(Map.of("kafka.state.dir", state.toString())), metrics,
                FlushSignal.never());
    }

    private static int cli(String... args) {
        return TrailWatchApp.commandLine().execute(args);
    }

    private static double active(TrailWatchMetrics metrics) {
        Gauge gauge = metrics.registry().find("trailwatch.rules.topic.active").gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private static double documents(TrailWatchMetrics metrics) {
        Gauge gauge = metrics.registry().find("trailwatch.exceptions.topic.active").gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private static double excepted(TrailWatchMetrics metrics) {
        Counter counter = metrics.registry().find("trailwatch.alerts.excepted").tag("exception", "tag-audit-job")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static double rejected(TrailWatchMetrics metrics, String reason) {
        Counter counter = metrics.registry().find("trailwatch.rules.rejected").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The alerts of one rule read so far, after one more poll. */
    private static List<Alert> forRule(CommittedReader<Alert> alerts, String ruleId) {
        return alerts.values().stream().filter(alert -> alert.ruleId().equals(ruleId)).toList();
    }
}
