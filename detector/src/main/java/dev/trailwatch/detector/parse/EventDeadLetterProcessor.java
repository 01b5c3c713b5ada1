package dev.trailwatch.detector.parse;

import dev.trailwatch.detector.errors.DeadLetters;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Dead-letters an already parsed event a detector could not use (e.g. later than its grace): the event's JSON is
 * written back from the parsed tree, so it is the same record, though not byte-for-byte the input.
 */
public final class EventDeadLetterProcessor extends ContextualFixedKeyProcessor<String, CloudTrailEvent, byte[]> {

    private final RejectReason reason;

    public EventDeadLetterProcessor(RejectReason reason) {
        this.reason = reason;
    }

    @Override
    public void process(FixedKeyRecord<String, CloudTrailEvent> record) {
        CloudTrailEvent event = record.value();
        String detail = reason.tag() + ": " + event.eventName() + " " + event.eventId() + " at "
                + java.time.Instant.ofEpochMilli(event.eventTime());
        DeadLetters.annotate(record.headers(), reason, detail, null);
        context().forward(record.withValue(event.record().toString().getBytes(StandardCharsets.UTF_8)));
    }
}
