package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.DetectorContext;
import dev.trailwatch.detector.detect.FlushSignal;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.parse.RejectReason;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/** Wires windowed processors: run one, split its alerts from its late events, send the late ones to the DLQ. */
final class Bursts {

    /** A windowed processor's two outputs; late events keyed by account again, as the input topic keys them. */
    record Outputs(String name, KStream<String, Alert> alerts, KStream<String, CloudTrailEvent> late) {
    }

    private Bursts() {
    }

    /** Counts one key space of a burst detection (the stream holds only its events, keyed by its entity). */
    static Outputs count(KStream<String, CloudTrailEvent> events, BurstSpec spec, DetectorContext context) {
        CounterSupplier supplier = new CounterSupplier(spec, context.config().minSeverity(), context.metrics(),
                context.flush());
        return split(events.process(supplier, Named.as(spec.name())), spec.name());
    }

    static Outputs split(KStream<String, BurstOutcome> outcomes, String name) {
        Map<String, KStream<String, BurstOutcome>> parts = outcomes.split(Named.as(name + "-"))
                .branch((key, outcome) -> outcome instanceof BurstOutcome.Late, Branched.as("late-events"))
                .defaultBranch(Branched.as("alerts"));
        KStream<String, CloudTrailEvent> late = parts.get(name + "-late-events").map((key, outcome) -> {
            CloudTrailEvent event = ((BurstOutcome.Late) outcome).event();
            return KeyValue.pair(event.recipientAccountId(), event);
        }, Named.as(name + "-late-by-account"));
        KStream<String, Alert> alerts = parts.get(name + "-alerts")
                .mapValues(outcome -> ((BurstOutcome.Fired) outcome).alert(), Named.as(name + "-alert"));
        return new Outputs(name, alerts, late);
    }

    /**
     * A detection's alerts from all its key spaces: the first key space's are returned, the others are handed to
     * the context to be written on their own, and each key space's late events go to the DLQ as
     * {@code <key space>-late}. Nothing is merged: key spaces read different (repartition) topics, and a merge
     * would put them in one task whose stream time runs ahead on one topic and makes the other's events late.
     */
    static KStream<String, Alert> finish(String detectorId, DetectorContext context, Outputs first, Outputs... more) {
        context.deadLetter(first.name() + "-late", first.late(), RejectReason.LATE);
        for (Outputs other : more) {
            context.alerts(other.name(), other.alerts());
            context.deadLetter(other.name() + "-late", other.late(), RejectReason.LATE);
        }
        return first.alerts();
    }

    private record CounterSupplier(BurstSpec spec, Severity minSeverity, TrailWatchMetrics metrics,
                                   FlushSignal flush)
            implements ProcessorSupplier<String, CloudTrailEvent, String, BurstOutcome> {

        @Override
        public Processor<String, CloudTrailEvent, String, BurstOutcome> get() {
            return new BurstCounter(spec, minSeverity, metrics, flush);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return BurstStores.named(spec.name()).builders(BurstState.class);
        }
    }
}
