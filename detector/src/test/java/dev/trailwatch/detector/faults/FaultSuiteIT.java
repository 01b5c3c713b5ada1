package dev.trailwatch.detector.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.embedded.BrokerProcessMain;
import dev.trailwatch.detector.embedded.DataDirs;
import dev.trailwatch.detector.embedded.LoopbackPorts;
import dev.trailwatch.detector.deadletter.DeadLetters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults against the detector as deployed: a broker and detector instances each in a JVM of its own (p1 a static
 * member with {@code instance.id}, p2 a dynamic one), traffic flowing while instances are killed with SIGKILL (p1
 * restarted at once, p2 later with its state wiped), the broker is killed and restarted, and p2 is restarted
 * gracefully. Garbage and a future-dated record are on the wire
 * throughout. Afterwards a clean single-instance run reads the same input, and the committed alerts of both
 * (read_committed) must match record by record: alertId, ruleId, severity, eventIds, eventCount. The dead letters
 * must match too.
 *
 * <p>How long each fault stopped detection is measured with probes: right after the fault, one StopLogging per
 * account (so every partition) is produced; the time until all of their alerts are committed is the pause. The
 * figures go to {@code target/faults/report.txt}; docs/operations.md quotes them.
 *
 * <p>{@code -Dfaults.rounds=N} repeats the fault round (the soak: {@code scripts/fault-soak.sh}); CI runs one.
 */
class FaultSuiteIT {

    private static final Logger LOG = LoggerFactory.getLogger(FaultSuiteIT.class);
    private static final int PARTITIONS = 4;
    private static final String EVENTS = "cloudtrail.events";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(120);

    private final int rounds = Integer.getInteger("faults.rounds", 1);
    private final int benignPerAccount = Integer.getInteger("faults.benign", 10);
    private final long batchMillis = Long.getLong("faults.batch.millis", 1_000);
    private final List<String> report = new ArrayList<>();
    /** Pauses by fault, in seconds, for the summary at the end. */
    private final Map<String, List<Double>> pauses = new TreeMap<>();
    private final AtomicInteger probes = new AtomicInteger();
    private Path root;
    private int[] brokerPorts;
    private String bootstrap;
    private ChildJvm broker;
    private KafkaProducer<String, byte[]> producer;

    @Test
    void committedAlertsAfterKillsAndABrokerRestartMatchACleanRunRecordByRecord() throws Exception {
        root = Files.createDirectories(Path.of("target", "faults")).toAbsolutePath();
        for (String log : List.of("broker.log", "p1.log", "p2.log", "clean.log")) {
            Files.deleteIfExists(root.resolve(log));
        }
        Path data = Files.createTempDirectory(root, "run-");
        long suiteStart = System.nanoTime();
        brokerPorts = LoopbackPorts.pick(2);
        bootstrap = "127.0.0.1:" + brokerPorts[0];
        startBroker(data);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            createTopics(admin);
            producer = producer();
            FaultTraffic traffic = new FaultTraffic(Instant.now().minus(Duration.ofMinutes(20)), benignPerAccount);
            int batches = 8 + rounds * 24;
            DetectorProcess p1 = new DetectorProcess("p1", data.resolve("p1"), settings("faults", "p1"),
                    root.resolve("p1.log"));
            DetectorProcess p2 = new DetectorProcess("p2", data.resolve("p2"), settings("faults", ""),
                    root.resolve("p2.log"));
            try (AlertTail faults = new AlertTail(bootstrap, "alerts.faults", PARTITIONS); p1; p2) {
                p1.start();
                p2.start();
                awaitReady(p1, p2);
                Feeder feeder = new Feeder(traffic, batches);
                feeder.start();
                feeder.awaitBatch(1);
                note("no fault: probe alerts committed %.1f s after they were produced",
                        pause("no fault", probe(faults, "steady")));
                for (int round = 0; round < rounds; round++) {
                    faultRound(round, feeder, faults, p1, p2, data);
                }
                feeder.join();
                awaitCaughtUp(admin, "faults");
                faults.awaitQuiet(Duration.ofSeconds(8), Duration.ofMinutes(2));
                DetectorProcess clean = new DetectorProcess("clean", data.resolve("clean"), settings("clean", ""),
                        root.resolve("clean.log"));
                try (AlertTail reference = new AlertTail(bootstrap, "alerts.clean", PARTITIONS); clean) {
                    clean.start();
                    awaitCaughtUp(admin, "clean");
                    reference.awaitQuiet(Duration.ofSeconds(8), Duration.ofMinutes(2));
                    compare(faults.seen(), reference.seen());
                }
                assertThat(deadLetters("dlq.faults")).as("dead letters by reason and value")
                        .isEqualTo(deadLetters("dlq.clean")).containsKey("future_event_time").containsKey("parse");
            }
        } finally {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
            broker.stop();
            pauses.forEach((fault, seconds) -> {
                List<Double> sorted = seconds.stream().sorted().toList();
                note("pause, %s: min %.1f s, median %.1f s, max %.1f s (%d)", fault, sorted.get(0),
                        sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), sorted.size());
            });
            note("suite duration %.0f s (%d round(s))", (System.nanoTime() - suiteStart) / 1e9, rounds);
            Files.write(root.resolve("report.txt"), report);
            DataDirs.deleteRecursively(data);
        }
    }

    /** One of each fault, spaced by a few batches of traffic. */
    private void faultRound(int round, Feeder feeder, AlertTail alerts, DetectorProcess p1, DetectorProcess p2,
                            Path data) throws Exception {
        int at = 2 + round * 24;
        feeder.awaitBatch(at);
        p2.kill();
        note("round %d: p2 SIGKILLed, not restarted: p1 served all partitions again after %.1f s", round,
                pause("SIGKILL, taken over by the other instance", probe(alerts, "r" + round + "-kill-p2")));
        feeder.awaitBatch(at + 4);
        p2.wipeState();
        p2.start();
        awaitReady(p2);
        note("round %d: p2 restarted with its state directory wiped", round);
        feeder.awaitBatch(at + 8);
        long brokerDown = System.currentTimeMillis();
        broker.kill();
        long firstNotReady = awaitNotReady(p1, Duration.ofSeconds(30));
        TimeUnit.SECONDS.sleep(12);
        startBroker(data);
        note("round %d: broker SIGKILLed for %.0f s; p1 /ready went 503 after %.1f s; alerts flowed %.1f s after "
                        + "the broker was back", round, (System.currentTimeMillis() - brokerDown) / 1000.0,
                firstNotReady < 0 ? -1 : (firstNotReady - brokerDown) / 1000.0,
                pause("broker restart, from the broker back", probe(alerts, "r" + round + "-broker")));
        assertThat(firstNotReady).as("/ready answers 503 while the broker is down").isPositive();
        awaitReady(p1, p2);
        feeder.awaitBatch(at + 12);
        p1.kill();
        p1.start();
        note("round %d: p1 SIGKILLed and restarted at once (static membership): all partitions served again "
                + "after %.1f s", round, pause("SIGKILL of a static member, restarted at once",
                probe(alerts, "r" + round + "-kill-p1")));
        awaitReady(p1, p2);
        feeder.awaitBatch(at + 16);
        long pause = gracefulRestart(p2, alerts, "r" + round + "-graceful");
        note("round %d: p2 (dynamic member) restarted gracefully (SIGTERM, leaves the group, started again): all "
                + "partitions served again after %.1f s", round, pause("graceful restart, dynamic member", pause));
        awaitReady(p1, p2);
        feeder.awaitBatch(at + 20);
        pause = gracefulRestart(p1, alerts, "r" + round + "-graceful-static");
        note("round %d: p1 (static member) restarted gracefully (SIGTERM, leaves the group, started again): all "
                + "partitions served again after %.1f s", round, pause("graceful restart, static member", pause));
        awaitReady(p1, p2);
        note("round %d: no fault: probe alerts committed %.1f s after they were produced", round,
                pause("no fault", probe(alerts, "r" + round + "-steady")));
    }

    private double pause(String fault, long millis) {
        pauses.computeIfAbsent(fault, f -> new ArrayList<>()).add(millis / 1000.0);
        return millis / 1000.0;
    }

    private long gracefulRestart(DetectorProcess instance, AlertTail alerts, String tag) throws Exception {
        long started = System.currentTimeMillis();
        instance.stop();
        instance.start();
        return probeFrom(alerts, tag, started);
    }

    /** Milliseconds from now until one probe per account has its alert committed. */
    private long probe(AlertTail alerts, String tag) throws InterruptedException {
        return probeFrom(alerts, tag, System.currentTimeMillis());
    }

    private long probeFrom(AlertTail alerts, String tag, long since) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        Instant time = Instant.now().minusSeconds(30);
        for (int a = 0; a < FaultTraffic.ACCOUNTS; a++) {
            FaultTraffic.Event probe = FaultTraffic.probe(a, tag + "-" + probes.incrementAndGet(), time);
            producer.send(new ProducerRecord<>(EVENTS, null, System.currentTimeMillis(), probe.key(), probe.value()));
            ids.add(probe.eventId());
        }
        producer.flush();
        long at = alerts.awaitEvents(ids, PROBE_TIMEOUT);
        assertThat(at).as("probe alerts for %s within %s", tag, PROBE_TIMEOUT).isPositive();
        return at - since;
    }

    private void compare(List<AlertTail.Seen> faults, List<AlertTail.Seen> clean) {
        Map<String, Long> got = counts(faults);
        Map<String, Long> expected = counts(clean);
        List<String> missing = expected.keySet().stream().filter(k -> !got.containsKey(k)).toList();
        List<String> extra = got.keySet().stream().filter(k -> !expected.containsKey(k)).toList();
        long duplicated = got.entrySet().stream().filter(e -> expected.containsKey(e.getKey())
                && e.getValue() > expected.get(e.getKey())).count();
        note("alerts: clean run %d, fault run %d; missing %d, extra %d, duplicated %d", clean.size(), faults.size(),
                missing.size(), extra.size(), duplicated);
        assertThat(clean).as("the clean run alerts").hasSizeGreaterThan(FaultTraffic.ACCOUNTS);
        assertThat(got).as("committed alerts of the fault run, missing %s, extra %s", missing, extra)
                .isEqualTo(expected);
    }

    private static Map<String, Long> counts(List<AlertTail.Seen> seen) {
        return seen.stream().collect(Collectors.groupingBy(AlertTail.Seen::identity, TreeMap::new,
                Collectors.counting()));
    }

    private Map<String, Long> deadLetters(String topic) {
        Map<String, Long> byReasonAndValue = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                all.add(new TopicPartition(topic, p));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> ends = consumer.endOffsets(all);
            long deadline = System.currentTimeMillis() + 30_000;
            while (all.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                    && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> byReasonAndValue.merge(
                        DeadLetters.header(r.headers(), DeadLetters.REASON) + " " + (r.value() == null ? ""
                                : new String(r.value(), StandardCharsets.UTF_8)), 1L, Long::sum));
            }
        }
        return byReasonAndValue.entrySet().stream().collect(Collectors.groupingBy(
                e -> e.getKey().substring(0, e.getKey().indexOf(' ')), TreeMap::new,
                Collectors.summingLong(Map.Entry::getValue)));
    }

    private Properties settings(String app, String instanceId) {
        Properties props = new Properties();
        props.put("application.id", app);
        props.put("topic.alerts", "alerts." + app);
        props.put("topic.dlq", "dlq." + app);
        props.put("kafka.bootstrap.servers", bootstrap);
        // two instances: the recommended standby, so that a takeover does not wait for a restore
        props.put("kafka.num.standby.replicas", "1");
        // Both runs' alerts are compared record by record, updates included. An update sent by alerts.report-within
        // (wall clock: events folded into an open window wait at most that long to be reported) depends on how long a
        // run takes, which the faults and the machine's load decide: at load 20 the fault run outlasted the default
        // 5 minutes and sent one the clean run had no time to (a burst's 17 events after its 10-event alert). So
        // both report only by event time here, as the suite is about exactly-once, not about that bound.
        props.put("alerts.report-within", "6h");
        if (!instanceId.isEmpty()) {
            props.put("instance.id", instanceId);
        }
        return props;
    }

    private void createTopics(Admin admin) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : List.of(EVENTS, "alerts.faults", "dlq.faults", "alerts.clean", "dlq.clean")) {
            topics.add(new NewTopic(name, PARTITIONS, (short) 1));
        }
        topics.add(new NewTopic("trailwatch.accounts", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
        topics.add(new NewTopic("trailwatch.rules", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
        admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }

    private void startBroker(Path data) throws Exception {
        broker = ChildJvm.start("broker", BrokerProcessMain.class, List.of("-Xmx512m", "-XX:+UseSerialGC"),
                List.of(data.resolve("broker").toString(), Integer.toString(brokerPorts[0]),
                        Integer.toString(brokerPorts[1])), root.resolve("broker.log"));
        long deadline = System.currentTimeMillis() + 60_000;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.currentTimeMillis() > deadline || !broker.alive()) {
                        throw new IllegalStateException("broker did not start; see " + root.resolve("broker.log"), e);
                    }
                }
            }
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000, ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer());
    }

    private static void awaitReady(DetectorProcess... instances) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        for (DetectorProcess instance : instances) {
            while (instance.readyStatus() != 200) {
                if (System.currentTimeMillis() > deadline || !instance.alive()) {
                    throw new IllegalStateException(instance.name() + " not ready; its log:\n" + instance.log());
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    /** When {@code instance}'s /ready first answered other than 200, or -1 within {@code timeout}. */
    private static long awaitNotReady(DetectorProcess instance, Duration timeout) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            if (instance.readyStatus() != 200) {
                return System.currentTimeMillis();
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        return -1;
    }

    /** Until the group's committed offsets on the events topic reach its end. */
    private void awaitCaughtUp(Admin admin, String group) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(EVENTS, p));
        }
        while (System.currentTimeMillis() < deadline) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(),
                            p -> OffsetSpec.latest())), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all().get(10, TimeUnit.SECONDS).forEach((p, info) -> ends.put(p, info.offset()));
            if (partitions.stream().allMatch(p -> committed.get(p) != null
                    && committed.get(p).offset() >= ends.get(p))) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new IllegalStateException(group + " did not catch up with " + EVENTS + " in 3 minutes");
    }

    private void note(String format, Object... args) {
        String line = String.format(java.util.Locale.ROOT, format, args);
        LOG.info(line);
        report.add(line);
    }

    /** Produces the traffic, a batch every {@code faults.batch.millis}, through whatever faults happen meanwhile. */
    private final class Feeder extends Thread {

        private final FaultTraffic traffic;
        private final int batches;
        private final AtomicInteger sent = new AtomicInteger();

        Feeder(FaultTraffic traffic, int batches) {
            super("fault-feeder");
            setDaemon(true);
            this.traffic = traffic;
            this.batches = batches;
        }

        @Override
        public void run() {
            try {
                for (int b = 0; b < batches; b++) {
                    for (FaultTraffic.Event e : traffic.batch(b)) {
                        producer.send(new ProducerRecord<>(EVENTS, null, System.currentTimeMillis(), e.key(),
                                e.value()));
                    }
                    sent.set(b + 1);
                    TimeUnit.MILLISECONDS.sleep(batchMillis);
                }
                producer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void awaitBatch(int batch) throws InterruptedException {
            while (sent.get() < Math.min(batch, batches) && isAlive()) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }
}
