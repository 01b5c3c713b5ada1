package dev.trailwatch.ingest.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trailwatch.ingest.source.KeyOffset;
import dev.trailwatch.ingest.source.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connector in an embedded Connect cluster on embedded KRaft brokers. */
class CloudTrailSourceConnectorIT {

    static final String TOPIC = "cloudtrail.events";
    static final String NAME = "cloudtrail-files";

    @TempDir
    Path dir;
    EmbeddedConnectCluster connect;

    @BeforeEach
    void startCluster() {
        Map<String, String> worker = new HashMap<>();
        worker.put("plugin.discovery", "service_load");
        worker.put("offset.flush.interval.ms", "300");
        worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        broker.put("log.cleaner.dedupe.buffer.size", "4194304");
        connect = new EmbeddedConnectCluster.Builder().name("trailwatch-it").numWorkers(1).numBrokers(1)
                .workerProps(worker).brokerProps(broker).build();
        connect.start();
        connect.kafka().createTopic(TOPIC, 2);
    }

    @AfterEach
    void stopCluster() {
        connect.stop();
    }

    private Map<String, String> connectorConfig(int maxRecordsPerSecond) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", CloudTrailSourceConnector.class.getName());
        c.put("tasks.max", "1");
        c.put("source.type", "files");
        c.put("files.paths", dir.toString());
        c.put("poll.interval.ms", "0");
        c.put("max.records.per.second", Integer.toString(maxRecordsPerSecond));
        c.put("batch.max.records", "500");
        return c;
    }

    private KeyOffset committedOffset() {
        Map<Map<String, ?>, Map<String, ?>> offsets = connect.connectorOffsets(NAME).toMap();
        return KeyOffset.fromMap(offsets.get(Map.of("path", dir.toString())));
    }

    @Test
    void deliversRecordsWithKeysTimestampsAndHeadersAndResumesMidFileAfterARestart() throws Exception {
        Path a = TrailFixtures.write(dir, "a", 0, 1_000);
        Path b = TrailFixtures.write(dir, "b", 5, 25_000);
        Path c = TrailFixtures.write(dir, "c", 10, 1_000);

        connect.configureConnector(NAME, connectorConfig(4_000));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            KeyOffset o = committedOffset();
            return o.fileInProgress().equals(b.toString()) && o.recordIndex() >= 2_000;
        });
        KeyOffset beforeRestart = committedOffset();
        assertThat(beforeRestart.lastKey()).isEqualTo(a.toString());

        connect.restartTask(NAME, 0);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> committedOffset().lastKey().equals(c.toString()));

        ConsumerRecords<byte[], byte[]> all = connect.kafka().consumeAll(30_000, TOPIC);
        List<ConsumerRecord<byte[], byte[]>> records = StreamSupport.stream(all.spliterator(), false).toList();
        Map<String, Long> copies = records.stream().collect(Collectors.groupingBy(r -> eventId(r.value()), Collectors.counting()));
        assertThat(copies).hasSize(27_000);
        assertThat(copies).allSatisfy((id, n) -> {
            if (!id.startsWith("b-")) {
                assertThat(n).as("records of finished files are not read again: " + id).isEqualTo(1L);
            }
        });
        long duplicates = records.size() - copies.size();
        assertThat(duplicates).as("only records after the last committed offset come again").isLessThan(25_000 - beforeRestart.recordIndex() + 1);

        ConsumerRecord<byte[], byte[]> first = records.stream().filter(r -> eventId(r.value()).equals("a-1")).findFirst().orElseThrow();
        assertThat(new String(first.key(), StandardCharsets.UTF_8)).isEqualTo("444455556666");
        assertThat(first.timestamp()).isEqualTo(Instant.parse("2024-01-15T10:00:01Z").toEpochMilli());
        assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo(TrailFixtures.record("a", 1));
        Map<String, String> headers = StreamSupport.stream(first.headers().spliterator(), false)
                .collect(Collectors.toMap(h -> h.key(), h -> new String(h.value(), StandardCharsets.UTF_8)));
        assertThat(headers).containsEntry(RecordHeaders.SOURCE, "file").containsEntry(RecordHeaders.OBJECT, a.toString());
    }

    private static String eventId(byte[] json) {
        String s = new String(json, StandardCharsets.UTF_8);
        int at = s.indexOf("\"eventID\":\"") + 11;
        return s.substring(at, s.indexOf('"', at));
    }

}
