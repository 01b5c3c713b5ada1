package dev.trailwatch.ingest.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.source.EventTimeBounds;
import dev.trailwatch.ingest.source.IngestRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The connector rejects records whose eventTime the topic would refuse or expire, to the dead-letter topic. */
class TaskEmitterTest {

    private final BlockingQueue<IngestRecord> buffer = new ArrayBlockingQueue<>(10);
    private final AtomicInteger released = new AtomicInteger();

    @Test
    void routesAFutureDatedRecordToTheDeadLetterTopicWithItsReasonAndNoTimestamp() throws InterruptedException {
        TaskEmitter emitter = new TaskEmitter(buffer, 0, EventTimeBounds.BROKER_DEFAULTS, "cloudtrail.events.dlq");
        long now = System.currentTimeMillis();

        emitter.emit(record("ok", now));
        emitter.emit(record("ahead", now + Duration.ofHours(2).toMillis()));

        assertThat(buffer).hasSize(2);
        assertThat(emitter.rejected()).isEqualTo(1);
        IngestRecord dead = buffer.toArray(new IngestRecord[0])[1];
        SourceRecord out = CloudTrailSourceTask.toSourceRecord(dead);
        assertThat(out.topic()).isEqualTo("cloudtrail.events.dlq");
        assertThat(out.timestamp()).as("stamped by the producer when sent").isNull();
        assertThat(out.headers().lastWithName("trailwatch.dlq.reason").value()).isEqualTo("future_event_time");
        assertThat(out.headers().lastWithName("trailwatch.dlq.origin").value()).isEqualTo("file.json#ahead");
        assertThat(new String((byte[]) out.value(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"ahead\"}");
    }

    @Test
    void withoutADeadLetterTopicCountsReleasesAndSkipsARecordOlderThanTheTopicKeeps() throws InterruptedException {
        TaskEmitter emitter = new TaskEmitter(buffer, 0,
                new EventTimeBounds(Duration.ofHours(1).toMillis(), Duration.ofDays(7).toMillis()), null);

        emitter.emit(record("old", System.currentTimeMillis() - Duration.ofDays(8).toMillis()));

        assertThat(buffer).isEmpty();
        assertThat(emitter.rejected()).isEqualTo(1);
        assertThat(released).hasValue(1);
    }

    private IngestRecord record(String id, long eventTime) {
        return new IngestRecord(new CloudTrailRecord(("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8),
                "111122223333", eventTime, "file.json#" + id, "us-east-1"), "cloudtrail.events",
                Map.of("trailwatch.source", "file"),
                Map.of("p", "x"), Map.of("o", 1), released::incrementAndGet);
    }
}
