package dev.trailwatch.detector.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Response;
import org.junit.jupiter.api.Test;

/**
 * Under exactly-once, a refused write quarantines the input record that produced it; the producer then fails the
 * transaction's other pending writes with the same error, and their input records are not at fault: they must be
 * processed again after the retry, not dead-lettered (seen in PoisonRecordIT: an innocent event's dead letter, sent in
 * the same transaction as a too-large alert, came back as {@code produce_failed}).
 */
class DeadLetterProductionHandlerTest {

    private final Quarantine quarantine = new Quarantine();
    private final DeadLetterProductionHandler handler = new DeadLetterProductionHandler();

    @Test
    void onlyTheWriteThatWasRefusedQuarantinesItsInputRecord() {
        handler.configure(Map.of(DeadLetterProcessingHandler.DLQ_TOPIC_CONFIG, "dlq", Quarantine.CONFIG, quarantine));
        RecordTooLargeException refused = new RecordTooLargeException("larger than the max message size");

        Response culprit = handler.handleError(null, record("alerts", "events-1@1"), refused);
        Response bystander = handler.handleError(null, record("dlq", "events-1@2"), refused);

        assertThat(culprit.result()).isEqualTo(Response.fail().result());
        assertThat(bystander.result()).as("the transaction aborts either way").isEqualTo(Response.fail().result());
        assertThat(quarantine.entry("events-1@1")).isNotNull();
        assertThat(quarantine.entry("events-1@2")).as("failed with the culprit's error: not at fault").isNull();
        assertThat(quarantine.size()).isEqualTo(1);

        handler.handleError(null, record("alerts", "events-1@3"),
                new RecordTooLargeException("a later transaction's own refusal"));
        assertThat(quarantine.entry("events-1@3")).as("a new error is a new culprit").isNotNull();
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String origin) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterProductionHandler.ORIGIN_HEADER, origin.getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, null, "k".getBytes(StandardCharsets.UTF_8),
                "v".getBytes(StandardCharsets.UTF_8), headers);
    }
}
