package dev.trailwatch.detector.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trailwatch.detector.config.BurstSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.GeoIpSettings;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.config.TuningSettings;
import dev.trailwatch.detector.deadletter.DeadLetters;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.detect.location.ConsoleLoginNewAsnDetector;
import dev.trailwatch.detector.detect.location.ConsoleLoginNewCountryDetector;
import dev.trailwatch.detector.embedded.DataDirs;
import dev.trailwatch.detector.embedded.EmbeddedKafka;
import dev.trailwatch.detector.geoip.GeoIpDatabases;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.pipeline.Completion;
import dev.trailwatch.detector.serde.JacksonSerde;
import dev.trailwatch.detector.topology.DetectorInstance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Same CloudTrail, same alerts, live: one organization's history ({@link OrgHistory}) goes through real detector
 * instances on a real broker in several orders, partitionings and instance counts, and every run's alerts must equal
 * the reference run's record by record: alertId, ruleId, severity, eventIds, eventCount. The reference is the history
 * in event-time order on one partition, produced while the detector runs.
 *
 * <p>Each run has topics and an application id of its own. A run is over by the work done: every record committed,
 * then the end of input is signalled (as {@code scan} does) until two flush rounds change nothing; each step is waited
 * for as long as the run visibly moves, so a loaded machine makes a run slower, not failed ({@link RunWatch}). Records
 * are either produced while the detector runs, or produced first and found as a backlog when it starts (a first
 * deployment, a restart after an outage): the case where one partition's week used to be processed before the other
 * accounts were seen. No run may dead-letter a record as late.
 *
 * <p>What is compared is the last record of each alert id, as a consumer that upserts by id keeps it: alerts that
 * fold (suppression, bursts, correlations) send updates, and only the final one must be a function of the records.
 * Every detection is held to it: watch-list rules, suppressed repeats, foreign-account, first use, bursts and
 * correlations; with tuning configured (an exception takes the logging-stopped alerts out of every run); and, with the
 * GeoIP test databases ({@link GeoIpDatabases}, fetched by {@code scripts/fetch-geoip-test-dbs.sh}), console sign-ins
 * from a new country or network, whose alerts wait out the horizon. Without the databases those are left out with a
 * warning; in CI ({@code CI=true}, where {@code .ci/run} fetches them) their absence fails the suite.
 *
 * <p>The S3 backfill runs on eight partitions with each account on a partition of its own: account after account is
 * within the horizon on every partition only then. Accounts that share a partition would put one account's whole
 * history before another's on it, beyond any horizon: such a backfill belongs to {@code trailwatch scan}.
 */
class OrderInvarianceIT {

    private static final Logger LOG = LoggerFactory.getLogger(OrderInvarianceIT.class);
    private static final Duration HORIZON = Duration.ofMinutes(15);
    /** A step of a run fails when nothing of the run moved for this long ({@link RunWatch}). */
    private static final Duration STALL = Duration.ofMinutes(2);
    /** ... or when it has not been reached this long after it began, however much moved. */
    private static final Duration CEILING = Duration.ofMinutes(20);
    private static EmbeddedKafka kafka;
    private static OrgHistory history;
    private static Map<String, AlertRecord> reference;
    private static long suiteStart;
    /** {@code tuning.dir} of every run: an exception, so the suite holds with tuning configured. */
    private static Path tuning;
    /** The GeoIP settings of every run; empty when the test databases are absent (outside CI only). */
    private static Map<String, String> geoIp;

    /** What a run is compared on. */
    record AlertRecord(String alertId, String ruleId, String severity, List<String> eventIds, long eventCount) {
    }

    @BeforeAll
    static void startBrokerAndRunTheReference() throws Exception {
        suiteStart = System.nanoTime();
        geoIp = geoIpSettings();
        kafka = EmbeddedKafka.start();
        history = new OrgHistory();
        tuning = Files.createTempDirectory("trailwatch-order-tuning-");
        Files.writeString(tuning.resolve("exceptions.yml"), """
                exceptions:
                  - id: trail-maintenance
                    reason: the order-invariance suite holds with tuning configured (issue 14)
                    owner: trailwatch-tests
                    rule: cloudtrail-logging-stopped
                    when:
                      eventName: StopLogging
                """);
        Run sorted = run("sorted-1p", 1, history.sorted(), false, 1);
        reference = sorted.alerts();
        assertThat(sorted.excepted()).as("alerts the exception took out of the reference run").isPositive();
        assertThat(reference.values()).extracting(AlertRecord::ruleId).as("excepted, so never written")
                .doesNotContain("cloudtrail-logging-stopped");
        assertThat(reference.values()).extracting(AlertRecord::ruleId).as("the reference run's detections")
                .contains("foreign-account", "first-region-use", "first-service-use", "failed-console-login-burst",
                        "console-bruteforce-success", "access-denied-burst", "console-password-spray",
                        "console-cross-account-spray", "credential-harvesting-burst", "discovery-burst",
                        "instance-credential-exfiltration", "workload-credential-exfiltration");
        assertThat(reference.values()).filteredOn(a -> a.ruleId().equals("instance-credential-exfiltration"))
                .as("the stolen instance credentials (one, then two by one command), not the look-alikes")
                .hasSize(3);
        assertThat(reference.values()).filteredOn(a -> a.ruleId().equals("workload-credential-exfiltration"))
                .as("the Lambda session used from a hosting provider, not the ECS task used from AWS only")
                .singleElement().satisfies(a -> assertThat(a.eventIds()).containsExactly(history.stolenFunctionCall()));
        assertThat(reference.values()).filteredOn(a -> a.eventCount() > 1).extracting(AlertRecord::ruleId)
                .as("alerts that fold several events (suppressed repeats), compared like every other")
                .contains("foreign-account", "root-account-used");
        assertThat(reference.values()).filteredOn(a -> a.ruleId().equals("foreign-account"))
                .as("only the foreign account is foreign; D, E and the samples' member accounts are not")
                .isNotEmpty().allSatisfy(a -> assertThat(a.eventCount()).isPositive());
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
        if (tuning != null) {
            DataDirs.deleteRecursively(tuning);
        }
        LOG.info("order-invariance suite took {} s", (System.nanoTime() - suiteStart) / 1_000_000_000);
    }

    /**
     * The login-location alerts of the reference are the expected ones (so every run, equal to it, has them): one
     * console-login-new-country naming the first sign-in from the new country, one console-login-new-asn naming the
     * first from the new network; and no alert at MEDIUM or above names any other located sign-in (first sign-ins,
     * repeats within the horizon, a return to a known country, a private address).
     */
    @Test
    void theReferenceHasTheLoginLocationAttacksAndNothingMediumOnTheLookAlikes() {
        assumeTrue(!geoIp.isEmpty(), "GeoIP test databases absent: console-login-new-country/-asn not covered");
        assertThat(reference.values()).filteredOn(a -> a.ruleId().equals(ConsoleLoginNewCountryDetector.ID)
                        || a.ruleId().equals(ConsoleLoginNewAsnDetector.ID))
                .extracting(AlertRecord::ruleId, AlertRecord::severity, AlertRecord::eventIds, AlertRecord::eventCount)
                .containsExactlyInAnyOrder(
                        tuple(ConsoleLoginNewCountryDetector.ID, "MEDIUM",
                                List.of(history.newCountrySignIn()), 1L),
                        tuple(ConsoleLoginNewAsnDetector.ID, "LOW",
                                List.of(history.newNetworkSignIn()), 1L));
        Set<String> quiet = Set.copyOf(history.quietSignIns());
        assertThat(reference.values()).as("alerts at MEDIUM or above on a look-alike sign-in")
                .filteredOn(a -> Severity.valueOf(a.severity()).compareTo(Severity.MEDIUM) >= 0)
                .filteredOn(a -> a.eventIds().stream().anyMatch(quiet::contains)).isEmpty();
    }

    @Test
    void fourPartitionsSortedWhileRunningGiveTheReferenceAlerts() throws Exception {
        assertSameAlerts(run("sorted-4p", 4, history.sorted(), false, 1));
    }

    @Test
    void anS3BackfillAccountAfterAccountAlreadyInEightPartitionsGivesTheReferenceAlerts() throws Exception {
        assertSameAlerts(run("s3-backlog-8p", 8, history.s3KeyOrder(3), true, 1));
    }

    @Test
    void filesReversedInEachDeliveryBatchOnEightPartitionsGiveTheReferenceAlerts() throws Exception {
        assertSameAlerts(run("reversed-backlog-8p", 8, history.filesReversedPerBatch(5), true, 1));
    }

    @Test
    void recordsShuffledWithinTheHorizonOnOneAndFourPartitionsGiveTheReferenceAlerts() throws Exception {
        assertSameAlerts(run("shuffled-1p", 1, history.shuffledWithin(HORIZON, 7), false, 1));
        assertSameAlerts(run("shuffled-backlog-4p", 4, history.shuffledWithin(HORIZON, 11), true, 1));
    }

    @Test
    void twoInstancesSharingABacklogOnFourPartitionsGiveTheReferenceAlerts() throws Exception {
        assertSameAlerts(run("two-instances-4p", 4, history.shuffledWithin(HORIZON, 13), true, 2));
    }

    /**
     * Both GeoIP test databases and a learning period of three days (the history is nine days long), or nothing when
     * a database is absent; in CI ({@code CI=true}) an absent database fails the suite instead of thinning it.
     */
    private static Map<String, String> geoIpSettings() {
        Path country = GeoIpDatabases.dir().resolve(GeoIpDatabases.COUNTRY_FILE);
        Path asn = GeoIpDatabases.dir().resolve(GeoIpDatabases.ASN_FILE);
        if (!Files.isRegularFile(country) || !Files.isRegularFile(asn)) {
            String missing = "GeoIP test databases " + country + " and " + asn + " are not both there: run "
                    + "scripts/fetch-geoip-test-dbs.sh (.ci/run does)";
            if ("true".equals(System.getenv("CI"))) {
                fail(missing + "; in CI the order-invariance suite must cover the login-location detections");
            }
            LOG.warn("{}; the order-invariance suite runs without console-login-new-country/-asn", missing);
            return Map.of();
        }
        Map<String, String> settings = new HashMap<>();
        settings.put(GeoIpSettings.COUNTRY_DB.name(), country.toString());
        settings.put(GeoIpSettings.ASN_DB.name(), asn.toString());
        settings.put(GeoIpSettings.LOGIN_LEARNING_PERIOD.name(), "3d");
        return settings;
    }

    private static void assertSameAlerts(Run run) {
        Map<String, AlertRecord> expected = new TreeMap<>(reference);
        Map<String, AlertRecord> got = new TreeMap<>(run.alerts());
        Set<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(got.keySet());
        Set<String> extra = new TreeSet<>(got.keySet());
        extra.removeAll(expected.keySet());
        assertThat(got).as("%s: alerts by id (missing %s, extra %s)", run.name(), describe(missing, expected),
                describe(extra, got)).isEqualTo(expected);
        assertThat(run.late()).as("%s: records dead-lettered as late", run.name()).isZero();
    }

    private static List<String> describe(Set<String> ids, Map<String, AlertRecord> alerts) {
        return ids.stream().map(id -> alerts.get(id).ruleId() + " " + id).toList();
    }

    record Run(String name, Map<String, AlertRecord> alerts, long late, double excepted) {
    }

    /**
     * One run: topics of its own, {@code instances} detector instances, the records produced before they start
     * ({@code backlog}) or while they run, then processed and flushed to the end; its alerts and late dead letters.
     */
    private static Run run(String name, int partitions, List<OrgHistory.Event> order, boolean backlog,
                           int instances) throws Exception {
        long start = System.nanoTime();
        String events = "events-" + name;
        kafka.createTopics(List.of(new NewTopic(events, partitions, (short) 1),
                new NewTopic("alerts-" + name, 1, (short) 1), new NewTopic("dlq-" + name, 1, (short) 1),
                new NewTopic("accounts-" + name, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))));
        DetectorConfig config = DetectorConfig.defaults().with(Map.of(
                Settings.APPLICATION_ID.name(), "order-" + name,
                Settings.TOPIC_EVENTS.name(), events,
                Settings.TOPIC_ALERTS.name(), "alerts-" + name,
                Settings.TOPIC_DLQ.name(), "dlq-" + name,
                Settings.TOPIC_ACCOUNTS.name(), "accounts-" + name,
                Settings.REORDER_HORIZON.name(), "15m",
                BurstSettings.DISCOVERY_SCOPE.name(), "all", // every principal: its mirrors and pairs are checked here
                DetectorConfig.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers(),
                DetectorConfig.KAFKA_PREFIX + "commit.interval.ms", "200"))
                .with(Map.of(Settings.TOPIC_RULES.name(), "", // the built-in rules only: no rules topic
                        TuningSettings.DIR.name(), tuning.toString()))
                .with(geoIp);
        List<SimpleMeterRegistry> registries = new ArrayList<>();
        FlushSignal flush = FlushSignal.onRequest();
        List<Path> stateDirs = new ArrayList<>();
        List<DetectorInstance> detectors = new ArrayList<>();
        try {
            if (backlog) {
                produce(events, order, partitions);
            }
            for (int i = 0; i < instances; i++) {
                Path state = Files.createTempDirectory("trailwatch-order-" + name + "-");
                stateDirs.add(state);
                detectors.add(DetectorInstance.start(config.with(Map.of(DetectorConfig.KAFKA_PREFIX + "state.dir",
                        state.toString())), new TrailWatchMetrics(registry(registries)), flush));
            }
            RunWatch watch = new RunWatch(name, detectors, stateDirs, config.get(Settings.TOPIC_PROGRESS));
            for (DetectorInstance detector : detectors) {
                watch.await("running", () -> detector.awaitRunning(CEILING));
            }
            if (!backlog) {
                produce(events, order, partitions);
            }
            try (Completion completion = new Completion(kafka.bootstrapServers(), "order-" + name, detectors.get(0),
                    Duration.ofMillis(200), Duration.ofMillis(200))) {
                watch.await("processed", () -> completion.awaitProcessed(events, CEILING));
                watch.await("flushed", () -> completion.flushUntilDone(flush, events, 30, CEILING));
            }
        } finally {
            detectors.forEach(DetectorInstance::close);
            stateDirs.forEach(DataDirs::deleteRecursively);
        }
        double excepted = registries.stream().flatMap(r -> r.find("trailwatch.alerts.excepted").counters().stream())
                .mapToDouble(c -> c.count()).sum();
        Run run = new Run(name, alerts("alerts-" + name), late("dlq-" + name), excepted);
        LOG.info("order run {}: {} records, {} partitions, {} instance(s), backlog {}: {} alerts, {} late, {} s", name,
                order.size(), partitions, instances, backlog, run.alerts().size(), run.late(),
                (System.nanoTime() - start) / 1_000_000_000);
        return run;
    }

    /**
     * Waits for the steps of a run (its detectors running, every record processed, flushed to the end) for as long as
     * the run visibly moves, not for a fixed time. On a loaded machine (CI's two cores, a developer's machine shared
     * with builds) a start, a rebalance, or an exactly-once producer fenced after a missed rebalance and the recovery
     * that follows (tasks closed, state restored, records since the last commit read again) take as long as the CPU
     * they get: fixed deadlines (90 s to run, 3 min to process) failed runs that were still moving. What counts as
     * moving: a detector's state, a committed offset of the run's group, an end offset of the run's topics (input,
     * output, changelogs, repartitions, the progress topic) or a topic added, files or bytes in the detectors' state
     * directories (stores opened, flushed). A step fails when none of that moved for {@link #STALL} (a detector that
     * stops processing after a fence fails here), or when it is still not reached {@link #CEILING} after it began;
     * either way with what was last seen. Every move of a detector's state is logged with the time into the step.
     */
    private static final class RunWatch {

        private final String name;
        private final List<DetectorInstance> detectors;
        private final List<Path> stateDirs;
        private final String progressTopic;

        RunWatch(String name, List<DetectorInstance> detectors, List<Path> stateDirs, String progressTopic) {
            this.name = name;
            this.detectors = detectors;
            this.stateDirs = stateDirs;
            this.progressTopic = progressTopic;
        }

        /** What could be seen of the run at one moment. */
        record Seen(List<KafkaStreams.State> states, Map<TopicPartition, Long> committed,
                    Map<TopicPartition, Long> ends, long stateFiles, long stateBytes) {

            /** The partitions whose committed offset is behind their end, as "topic-partition committed/end". */
            List<String> behind() {
                return ends.entrySet().stream().filter(e -> committed.containsKey(e.getKey())
                                && committed.get(e.getKey()) < e.getValue())
                        .map(e -> e.getKey() + " " + committed.get(e.getKey()) + "/" + e.getValue()).sorted().toList();
            }

            @Override
            public String toString() {
                return "detectors " + states + ", " + committed.values().stream().mapToLong(Long::longValue).sum()
                        + " offsets committed on " + committed.size() + " partitions, behind their end: " + behind()
                        + ", " + ends.size() + " partitions written (" + ends.values().stream()
                        .mapToLong(Long::longValue).sum() + " offsets), " + stateFiles + " files of " + stateBytes
                        + " bytes in the state directories";
            }
        }

        /** Runs {@code step} (true when reached) on a thread of its own and watches the run until it returns. */
        void await(String what, Callable<Boolean> step) throws Exception {
            ExecutorService waiting = Executors.newSingleThreadExecutor();
            long begin = System.nanoTime();
            try {
                Future<Boolean> reached = waiting.submit(step);
                Seen last = seen();
                long moved = begin;
                while (true) {
                    try {
                        if (!reached.get(1, TimeUnit.SECONDS)) {
                            fail("%s not %s: the wait gave up after %d s; last seen: %s", name, what,
                                    seconds(System.nanoTime() - begin), seen());
                        }
                        return;
                    } catch (TimeoutException notYet) {
                        // still waiting: look at the run
                    }
                    Seen now = seen();
                    long at = System.nanoTime();
                    if (!now.states().equals(last.states())) {
                        LOG.info("{} {}, {} s in: detectors {} -> {}", name, what, seconds(at - begin), last.states(),
                                now.states());
                    }
                    if (!now.equals(last)) {
                        moved = at;
                        last = now;
                    }
                    if (at - moved > STALL.toNanos()) {
                        fail("%s not %s: nothing moved for %d s (%d s since the step began); last seen: %s", name,
                                what, seconds(at - moved), seconds(at - begin), now);
                    }
                    if (at - begin > CEILING.toNanos()) {
                        fail("%s not %s after %d s, though the run still moved; last seen: %s", name, what,
                                seconds(at - begin), now);
                    }
                }
            } finally {
                waiting.shutdownNow();
                long took = seconds(System.nanoTime() - begin);
                if (took >= 30) {
                    LOG.info("{} {} took {} s", name, what, took);
                }
            }
        }

        private Seen seen() throws Exception {
            Admin admin = kafka.admin();
            Map<TopicPartition, Long> committed = new HashMap<>();
            admin.listConsumerGroupOffsets("order-" + name).partitionsToOffsetAndMetadata().get().forEach(
                    (partition, offset) -> committed.put(partition, offset == null ? -1 : offset.offset()));
            Set<String> topics = admin.listTopics().names().get().stream().filter(t -> t.endsWith("-" + name)
                    || t.startsWith("order-" + name + "-") || t.equals(progressTopic)).collect(Collectors.toSet());
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().values().forEach(t -> t.partitions().forEach(
                    p -> latest.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> ends = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
            admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
            long files = 0;
            long bytes = 0;
            for (Path dir : stateDirs) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                        files++;
                        bytes += sizeOf(file);
                    }
                } catch (IOException | UncheckedIOException e) {
                    // a store's files come and go as it flushes and compacts: the next look counts them
                }
            }
            return new Seen(detectors.stream().map(DetectorInstance::state).toList(), committed, ends, files, bytes);
        }

        private static long sizeOf(Path file) {
            try {
                return Files.size(file);
            } catch (IOException e) {
                return 0; // deleted since it was listed (a compaction)
            }
        }

        private static long seconds(long nanos) {
            return nanos / 1_000_000_000;
        }
    }

    /**
     * With 8 partitions, each account on its own partition (for the S3 backfill, see the class doc); else the
     * producer's default: by key, the recipient account, as the ingest connector produces.
     */
    private static Integer partitionOf(OrgHistory.Event event, int partitions) {
        return partitions == 8 ? OrgHistory.ACCOUNTS.indexOf(event.account()) : null;
    }

    /** Produces every record in the order given, once the topic's leaders are known; checks that all arrived. */
    private static void produce(String topic, List<OrgHistory.Event> order, int partitions) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1", ProducerConfig.LINGER_MS_CONFIG, "5"),
                new StringSerializer(), new ByteArraySerializer())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> producer.partitionsFor(topic).stream()
                    .allMatch(p -> p.leader() != null && p.leader().id() >= 0));
            for (OrgHistory.Event event : order) {
                producer.send(new ProducerRecord<>(topic, partitionOf(event, partitions), event.time(),
                        event.account(), event.json()));
            }
            producer.flush();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> all = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            assertThat(consumer.endOffsets(all).values().stream().mapToLong(Long::longValue).sum())
                    .as("records produced to %s", topic).isEqualTo(order.size());
        }
    }

    /** Every committed alert record; an alert updated in place (same id) keeps its last version. */
    private static Map<String, AlertRecord> alerts(String topic) {
        Map<String, AlertRecord> alerts = new TreeMap<>();
        try (KafkaConsumer<String, Alert> consumer = new KafkaConsumer<>(consumerConfig(),
                new StringDeserializer(), JacksonSerde.json(Alert.class).deserializer())) {
            for (ConsumerRecord<String, Alert> record : readAll(consumer, topic)) {
                Alert a = record.value();
                AlertRecord seen = new AlertRecord(a.alertId(), a.ruleId(), a.severity().name(),
                        a.eventIds(), a.eventCount());
                alerts.put(a.alertId(), seen);
            }
        }
        return alerts;
    }

    private static SimpleMeterRegistry registry(List<SimpleMeterRegistry> registries) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registries.add(registry);
        return registry;
    }

    private static long late(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return readAll(consumer, topic).stream().filter(record -> {
                Header reason = record.headers().lastHeader(DeadLetters.REASON);
                return reason != null && new String(reason.value(), StandardCharsets.UTF_8).equals("late");
            }).count();
        }
    }

    private static <K, V> List<ConsumerRecord<K, V>> readAll(KafkaConsumer<K, V> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    private static Map<String, Object> consumerConfig() {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }
}
