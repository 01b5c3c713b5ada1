package dev.trailwatch.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trailwatch-ingest files} into an embedded broker: records, exit codes, and the records/s figure. */
class IngestCliIT {

    static EmbeddedKafkaCluster kafka;
    @TempDir
    Path dir;
    final StringWriter err = new StringWriter();

    @BeforeAll
    static void startKafka() {
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        broker.put("log.cleaner.dedupe.buffer.size", "4194304");
        kafka = new EmbeddedKafkaCluster(1, broker);
        kafka.start();
        // history from 2024: a backfill topic keeps records of any age (with the default 7 days they are rejected)
        kafka.createTopic("perf.events", 4, 1, java.util.Map.of("retention.ms", "-1"));
        kafka.createTopic("rejects.events", 1);
        kafka.createTopic("timed.events", 1);
        kafka.createTopic("timed.dlq", 1);
    }

    @AfterAll
    static void stopKafka() {
        kafka.stop();
    }

    private int cli(String... args) {
        return IngestCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), args);
    }

    @Test
    void writesEveryRecordAndMeasuresThroughputFromLocalGzFiles() throws IOException {
        int files = 20;
        int perFile = 15_000;
        for (int f = 0; f < files; f++) {
            write(dir.resolve(String.format("111122223333_CloudTrail_eu-west-1_20240115T10%02dZ_f%d.json.gz", f, f)), f, perFile);
        }
        Files.createDirectories(dir.resolve("CloudTrail-Digest"));
        Files.writeString(dir.resolve("CloudTrail-Digest/x.json"), "{\"digest\":true}");

        long readStart = System.nanoTime();
        long read = 0;
        for (Path file : dev.trailwatch.ingest.reader.CloudTrailFiles.list(java.util.List.of(dir))) {
            try (var in = Files.newInputStream(file)) {
                read += new dev.trailwatch.ingest.reader.CloudTrailFileReader().read(in, file.toString(), COUNT_ONLY);
            }
        }
        double readSecs = (System.nanoTime() - readStart) / 1e9;
        System.out.printf("MEASURED reader alone: %d records in %.1f s (%.0f records/s)%n", read, readSecs, read / readSecs);

        int code = cli("files", dir.toString(), "-b", kafka.bootstrapServers(), "-t", "perf.events");

        assertThat(code).as(err.toString()).isZero();
        Matcher m = Pattern.compile("(\\d+) records to perf.events, 0 rejected, in ([\\d.]+) s \\((\\d+) records/s\\)")
                .matcher(err.toString());
        assertThat(m.find()).as(err.toString()).isTrue();
        assertThat(Long.parseLong(m.group(1))).isEqualTo((long) files * perFile);
        System.out.println("MEASURED trailwatch-ingest files: " + m.group(0) + " (" + Files.size(dir) + ")");
        ConsumerRecords<byte[], byte[]> some = kafka.consume(1_000, 30_000, "perf.events");
        assertThat(some.count()).isGreaterThanOrEqualTo(1_000);
    }

    @Test
    void reportsBadInputWithExitCodeTwo() {
        assertThat(cli("files", dir.resolve("missing.json.gz").toString(), "-b", kafka.bootstrapServers())).isEqualTo(2);
        assertThat(err.toString()).contains("no such file or folder").contains("missing.json.gz");
        assertThat(cli("s3", "bucket/prefix", "-b", kafka.bootstrapServers())).isEqualTo(2);
        assertThat(err.toString()).contains("not an s3://bucket/prefix location");
        assertThat(cli("s3", "s3://b/p", "--start", "yesterday")).isEqualTo(2);
        assertThat(cli("teleport")).isEqualTo(2);
    }

    @Test
    void countsRejectedRecordsAndStillDeliversTheRest() throws IOException {
        Files.writeString(dir.resolve("events.json"), "{\"eventID\":\"x-1\",\"recipientAccountId\":\"1\"}\nnot json\n"
                + "{\"eventID\":\"x-2\",\"recipientAccountId\":\"1\"}\n");

        int code = cli("files", dir.toString(), "-b", kafka.bootstrapServers(), "-t", "rejects.events");

        assertThat(code).isZero();
        assertThat(err.toString()).contains("2 records to rejects.events, 1 rejected");
    }

    @Test
    void deadLettersEventsDatedBeyondWhatTheTopicAcceptsOrKeepsAndWritesTheirNeighbours() throws IOException {
        java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String normal = "{\"eventID\":\"n-%d\",\"recipientAccountId\":\"1\",\"eventTime\":\"" + now + "\"}\n";
        Files.writeString(dir.resolve("events.json"), String.format(normal, 1)
                + "{\"eventID\":\"f-1\",\"recipientAccountId\":\"1\",\"eventTime\":\""
                + now.plus(java.time.Duration.ofHours(2)) + "\"}\n"
                + "{\"eventID\":\"o-1\",\"recipientAccountId\":\"1\",\"eventTime\":\""
                + now.minus(java.time.Duration.ofDays(30)) + "\"}\n" + String.format(normal, 2));

        int code = cli("files", dir.toString(), "-b", kafka.bootstrapServers(), "-t", "timed.events",
                "--dead-letter-topic", "timed.dlq");

        assertThat(code).as(err.toString()).isZero();
        // the topic: created with the broker defaults, 1 h ahead at most, 7 days of retention
        assertThat(err.toString()).contains("2 records to timed.events, 2 rejected (2 of them to timed.dlq)");
        ConsumerRecords<byte[], byte[]> events = kafka.consume(2, 30_000, "timed.events");
        assertThat(events.count()).isEqualTo(2);
        ConsumerRecords<byte[], byte[]> dead = kafka.consume(2, 30_000, "timed.dlq");
        java.util.Map<String, String> reasons = new java.util.TreeMap<>();
        dead.forEach(letter -> {
            assertThat(letter.timestamp()).isLessThanOrEqualTo(System.currentTimeMillis());
            reasons.put(new String(letter.value(), StandardCharsets.UTF_8).substring(12, 15), new String(
                    letter.headers().lastHeader("trailwatch.dlq.reason").value(), StandardCharsets.UTF_8));
        });
        assertThat(reasons).containsEntry("f-1", "future_event_time").containsEntry("o-1", "expired_event_time");
    }

    private static final dev.trailwatch.ingest.reader.RecordSink COUNT_ONLY = new dev.trailwatch.ingest.reader.RecordSink() {
        @Override
        public void record(dev.trailwatch.ingest.reader.CloudTrailRecord record) {
        }

        @Override
        public void rejected(String location, String reason) {
        }
    };

    private static void write(Path file, int f, int n) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16);
             Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            w.write("{\"Records\":[");
            for (int i = 0; i < n; i++) {
                w.write(i == 0 ? "" : ",");
                w.write(dev.trailwatch.ingest.connect.TrailFixturesAccess.record("f" + f, i));
            }
            w.write("]}");
        }
    }
}
