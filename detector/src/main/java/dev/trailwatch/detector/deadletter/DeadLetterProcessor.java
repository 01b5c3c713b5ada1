package dev.trailwatch.detector.deadletter;

import java.util.function.Function;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Turns a refused record back into its original bytes, with the reason and its origin in headers. A dead letter is
 * stamped with the time it was dead-lettered: the record's own timestamp may be one the broker refuses (a future
 * eventTime) or one the topic's retention has already passed.
 *
 * @param <V> the stream's value type, of which this processor sees only the refused ones
 */
public final class DeadLetterProcessor<V> extends ContextualFixedKeyProcessor<String, V, byte[]> {

    private final Function<V, Rejection> rejection;

    /** @param rejection how a value of the stream is read as the refusal it is */
    public DeadLetterProcessor(Function<V, Rejection> rejection) {
        this.rejection = rejection;
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        Rejection rejected = rejection.apply(record.value());
        String origin = context().recordMetadata()
                .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse(null);
        DeadLetters.annotate(record.headers(), rejected.reason(), rejected.detail(), origin);
        context().forward(record.withValue(rejected.raw()).withTimestamp(context().currentSystemTimeMs()));
    }
}
