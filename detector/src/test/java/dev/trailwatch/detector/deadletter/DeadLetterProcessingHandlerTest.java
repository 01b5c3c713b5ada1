package dev.trailwatch.detector.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.internals.DefaultErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** The safety nets dead-letter the original bytes with the reason, count them, and let processing resume. */
class DeadLetterProcessingHandlerTest {

    private final TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
    private final byte[] raw = "{\"eventID\":\"e-1\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void deadLettersTheSourceRecordOfAFailedProcessorAndResumes() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(Map.of(DeadLetterProcessingHandler.DLQ_TOPIC_CONFIG, "cloudtrail.events.dlq",
                DeadLetterProcessingHandler.METRICS_CONFIG, metrics));

        ProcessingExceptionHandler.Response response = handler.handleError(context(),
                new Record<>("111122223333", "value", 0L), new IllegalStateException("boom"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(this::isDeadLetterOfRaw);
        assertThat(metrics.eventsRejected()).isEqualTo(1);
    }

    @Test
    void deadLettersARecordThatCannotBeDeserialized() {
        DeadLetterDeserializationHandler handler = new DeadLetterDeserializationHandler();
        handler.configure(Map.of(DeadLetterProcessingHandler.DLQ_TOPIC_CONFIG, "cloudtrail.events.dlq",
                DeadLetterProcessingHandler.METRICS_CONFIG, metrics));
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("cloudtrail.events", 2, 41L,
                "111122223333".getBytes(StandardCharsets.UTF_8), raw);

        var response = handler.handleError(context(), record, new IllegalStateException("boom"));

        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(this::isDeadLetterOfRaw);
        assertThat(metrics.eventsRejected()).isEqualTo(1);
    }

    private void isDeadLetterOfRaw(ProducerRecord<byte[], byte[]> dead) {
        assertThat(dead.topic()).isEqualTo("cloudtrail.events.dlq");
        assertThat(dead.value()).isEqualTo(raw);
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).isEqualTo("processing_error");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.DETAIL)).contains("boom");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.ORIGIN)).isEqualTo("cloudtrail.events-2@41");
    }

    private ErrorHandlerContext context() {
        return new DefaultErrorHandlerContext(null, "cloudtrail.events", 2, 41L, new RecordHeaders(), "parse",
                new TaskId(0, 2), 0L, "111122223333".getBytes(StandardCharsets.UTF_8), raw);
    }
}
