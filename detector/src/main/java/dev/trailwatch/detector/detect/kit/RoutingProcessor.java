package dev.trailwatch.detector.detect.kit;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.ReadOutcome;
import dev.trailwatch.detector.parse.ParseResult;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The {@link EventRouter}'s node at run time: forwards each parsed event, by name, to each step whose predicate
 * passes (a null predicate: every event); a rejected record goes, as it came, to the dead-letter step.
 *
 * <p>A plain processor, not a fixed-key one, although it never changes the key: Kafka Streams turns a fixed-key
 * record into a new {@code Record} (copying its headers) on every {@code forward}, which is once per step here; a
 * {@code Record} is forwarded as it is. And the record it forwards is the one it received, when the parse node sent
 * the event itself ({@link ReadOutcome}): its headers are then the record context's, so Kafka Streams forwards it to
 * each step in that context, where a new record (even one made by {@code withValue}, which copies the headers) would
 * make it build a context for every step.
 */
final class RoutingProcessor extends ContextualProcessor<String, ReadOutcome, String, CloudTrailEvent> {

    /**
     * @param to       the steps events go to, in order
     * @param when     for each step, the events it wants; null for every event
     * @param rejected the dead-letter step, or null when none was attached (a rejected record then goes nowhere)
     */
    record Routes(String[] to, Predicate<? super CloudTrailEvent>[] when, String rejected) {
    }

    private final Supplier<Routes> routes;
    private String[] to;
    private Predicate<? super CloudTrailEvent>[] when;
    private String rejected;

    RoutingProcessor(Supplier<Routes> routes) {
        this.routes = routes;
    }

    @Override
    public void init(ProcessorContext<String, CloudTrailEvent> context) {
        super.init(context);
        Routes now = routes.get();
        this.to = now.to();
        this.when = now.when();
        this.rejected = now.rejected();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Record<String, ReadOutcome> record) {
        ReadOutcome value = record.value();
        if (value instanceof CloudTrailEvent) {
            route((Record<String, CloudTrailEvent>) (Record<String, ?>) record);
        } else if (value instanceof ParseResult.Parsed parsed) {
            route(record.withValue(parsed.event()));
        } else if (rejected != null) {
            forwardRejected(record);
        }
    }

    private void route(Record<String, CloudTrailEvent> record) {
        CloudTrailEvent event = record.value();
        Predicate<? super CloudTrailEvent> last = null;
        boolean wanted = false;
        for (int i = 0; i < to.length; i++) {
            Predicate<? super CloudTrailEvent> predicate = when[i];
            if (predicate == null) {
                context().forward(record, to[i]);
                continue;
            }
            if (predicate != last) {
                last = predicate;
                wanted = predicate.test(event);
            }
            if (wanted) {
                context().forward(record, to[i]);
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void forwardRejected(Record<String, ReadOutcome> record) {
        // The one child that reads rejections reads this node's stream as ParseResult (see EventRouter#rejected).
        context().forward((Record) record, rejected);
    }
}
