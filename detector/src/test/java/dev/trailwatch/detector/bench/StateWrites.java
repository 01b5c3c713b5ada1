package dev.trailwatch.detector.bench;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.embedded.DataDirs;
import dev.trailwatch.detector.embedded.EmbeddedKafka;
import dev.trailwatch.detector.embedded.LoopbackPorts;
import dev.trailwatch.detector.pipeline.TopicSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the live detector writes per input event, by topic: a measuring command, not a test. Runs the bench's
 * detector (its traffic, its settings, {@code trailwatch run} in a JVM of its own, one partition) over N pre-loaded
 * events on an in-process broker, stops it cleanly, then prints per topic the records its producer sent (the
 * producer's {@code record-send-total}, which counts repartition records the app purges after use) and, for the
 * changelogs and the progress topic, what the topic holds: records, tombstones, key and value bytes (committed
 * transactions only). Every changelog record is also one RocksDB write of its store (a put, or a delete for a
 * tombstone): the caching layer writes its flushed entries to both.
 *
 * <p>Run from the module after {@code test-compile} and {@code install}:
 * {@code java -cp detector/target/test-classes:detector/target/trailwatch.jar
 * dev.trailwatch.detector.bench.StateWrites [EVENTS] [KEY=VALUE...]} (detector settings, as
 * {@code bench --detector-config}); the detector's JVM options come from {@code -Dstatewrites.jvm="..."}.
 */
public final class StateWrites {

    private static final String INPUT = "bench.events";

    private StateWrites() {
    }

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        Map<String, String> settings = new TreeMap<>();
        for (String arg : Arrays.asList(args).subList(Math.min(1, args.length), args.length)) {
            settings.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        List<String> jvm = List.of(System.getProperty("statewrites.jvm", "-Xmx512m").trim().split("\\s+"));
        Path work = Files.createTempDirectory("trailwatch-statewrites-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"))) {
            String bootstrap = kafka.bootstrapServers();
            kafka.createTopic(INPUT, 1, Map.of());
            preload(bootstrap, events);
            DetectorConfig config = BenchCommand.detectorConfig(bootstrap, work, 1, settings);
            kafka.createTopics(TopicSetup.required(config, 1, (short) 1));
            String app = config.streamsProperties().getProperty("application.id");
            String sends;
            long t0 = System.nanoTime();
            try (AppProcess detector = AppProcess.detector(config, LoopbackPorts.pick(1)[0], jvm,
                    Files.createDirectories(work.resolve("detector")));
                 CommittedOffsets progress = new CommittedOffsets(bootstrap, app, config.get(Settings.TOPIC_EVENTS))) {
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(15);
                while (progress.get() < events) {
                    if (!detector.alive()) {
                        throw new IllegalStateException("detector stopped:\n" + detector.logTail(30));
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the detector committed " + progress.get() + " of " + events
                                + " events in 15 minutes:\n" + detector.logTail(30));
                    }
                    Thread.sleep(200);
                }
                System.out.printf("processed %,d events in %.1f s%n", events, (System.nanoTime() - t0) / 1e9);
                Thread.sleep(2_000); // a few wall-clock punctuations and commits more, as in the bench's tail
                sends = detector.scrape();
            }
            System.out.println("\nproducer record-send-total per topic (per 1,000,000 input events):");
            for (String line : sends.split("\n")) {
                if (line.contains("record_send_total{") && line.contains("topic=\"")) {
                    int at = line.indexOf("topic=\"") + 7;
                    String topic = line.substring(at, line.indexOf('"', at));
                    double sent = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    System.out.printf("  %-75s %,12.0f  (%,10.0f)%n", topic, sent, sent * 1e6 / events);
                }
            }
            System.out.println("\nwhat each changelog / progress topic holds (committed; per 1,000,000 input events):");
            System.out.printf("  %-75s %12s %12s %14s %14s%n", "topic", "records", "tombstones", "bytes",
                    "transactions");
            for (String topic : new TreeSet<>(kafka.admin().listTopics().names().get())) {
                if (topic.endsWith("-changelog") || topic.contains("progress")) {
                    long[] counted = count(bootstrap, topic);
                    System.out.printf("  %-75s %,12d %,12d %,14d %,14d%n", topic, counted[0] * 1_000_000 / events,
                            counted[1] * 1_000_000 / events, counted[2] * 1_000_000 / events,
                            counted[3] * 1_000_000 / events);
                }
            }
        } finally {
            DataDirs.deleteRecursively(work);
        }
    }

    private static void preload(String bootstrap, long events) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            TrafficGenerator.endingNow(42, 50, events)
                    .withPrincipalsPerAccount(TrafficGenerator.DEFAULT_PRINCIPALS_PER_ACCOUNT)
                    .generate(events, (i, e) -> producer.send(e.toProducerRecord(INPUT)));
            producer.flush();
        }
    }

    /**
     * Records, tombstones and key + value bytes the topic holds, committed transactions only; and the transactions
     * that wrote to it (offsets minus records: each transaction leaves one commit marker in every partition it wrote).
     */
    private static long[] count(String bootstrap, String topic) {
        long[] counted = new long[4];
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    counted[0]++;
                    counted[1] += record.value() == null ? 1 : 0;
                    counted[2] += record.serializedKeySize() + Math.max(0, record.serializedValueSize());
                }
            }
            counted[3] = end.values().stream().mapToLong(Long::longValue).sum() - counted[0];
        }
        return counted;
    }
}
