package dev.trailwatch.detector.deadletter;

import dev.trailwatch.detector.model.CloudTrailEvent;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Dead-letters an already parsed event a detector could not use (e.g. later than its grace): the event's source bytes
 * when this instance read them, else (after a repartition) its JSON written back from the tree, the same record
 * though not byte-for-byte the input.
 */
public final class EventDeadLetterProcessor extends ContextualFixedKeyProcessor<String, CloudTrailEvent, byte[]> {

    private final String route;
    private final RejectReason reason;

    /** @param route the step that gave the event up, named in the detail header (e.g. {@code access-denied-burst-late}) */
    public EventDeadLetterProcessor(String route, RejectReason reason) {
        this.route = route;
        this.reason = reason;
    }

    @Override
    public void process(FixedKeyRecord<String, CloudTrailEvent> record) {
        CloudTrailEvent event = record.value();
        String detail = route + ": " + event.eventName() + " " + event.eventId() + " at "
                + Instant.ofEpochMilli(event.eventTime());
        DeadLetters.annotate(record.headers(), reason, detail, null);
        // stamped when dead-lettered: an old eventTime could be past the dead-letter topic's retention
        context().forward(record.withValue(event.json().bytes()).withTimestamp(context().currentSystemTimeMs()));
    }
}
