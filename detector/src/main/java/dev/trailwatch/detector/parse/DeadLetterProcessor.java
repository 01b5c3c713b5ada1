package dev.trailwatch.detector.parse;

import dev.trailwatch.detector.errors.DeadLetters;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Turns a rejected parse back into the original bytes, with the reason and its origin in headers. A dead letter is
 * stamped with the time it was dead-lettered: the record's own timestamp may be one the broker refuses (a future
 * eventTime) or one the topic's retention has already passed.
 */
public final class DeadLetterProcessor extends ContextualFixedKeyProcessor<String, ParseResult, byte[]> {

    @Override
    public void process(FixedKeyRecord<String, ParseResult> record) {
        ParseResult.Rejected rejected = (ParseResult.Rejected) record.value();
        String origin = context().recordMetadata()
                .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse(null);
        DeadLetters.annotate(record.headers(), rejected.reason(), rejected.detail(), origin);
        context().forward(record.withValue(rejected.raw()).withTimestamp(context().currentSystemTimeMs()));
    }
}
