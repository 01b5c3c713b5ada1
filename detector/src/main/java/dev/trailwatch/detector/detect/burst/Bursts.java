package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/** Wires windowed processors: run one, and split its alerts from the late events it gave up on. */
final class Bursts {

    private Bursts() {
    }

    /** Counts one key space of a burst detection (the stream holds only its events, keyed by its entity). */
    static Detections count(KStream<String, CloudTrailEvent> events, BurstSpec spec, DetectionKit kit) {
        return split(events.process(new CounterSupplier(spec, kit), Named.as(spec.name())), spec.name());
    }

    /** Counts one key space of a burst on the account-keyed events {@code wanted} passes (no repartition). */
    static Detections count(EventRouter events, Predicate<? super CloudTrailEvent> wanted, BurstSpec spec,
                            DetectionKit kit) {
        return split(events.process(spec.name(), wanted, new CounterSupplier(spec, kit)), spec.name());
    }

    /**
     * A windowed processor's outcomes as what it produces: alerts named after the processor, and late events (keyed
     * by account again, as the input topic keys them) for the dead-letter topic as {@code <name>-late}.
     */
    static Detections split(KStream<String, BurstOutcome> outcomes, String name) {
        Map<String, KStream<String, BurstOutcome>> parts = outcomes.split(Named.as(name + "-"))
                .branch((key, outcome) -> outcome instanceof BurstOutcome.Late, Branched.as("late-events"))
                .defaultBranch(Branched.as("alerts"));
        KStream<String, CloudTrailEvent> late = parts.get(name + "-late-events").map((key, outcome) -> {
            CloudTrailEvent event = ((BurstOutcome.Late) outcome).event();
            return KeyValue.pair(event.recipientAccountId(), event);
        }, Named.as(name + "-late-by-account"));
        KStream<String, Alert> alerts = parts.get(name + "-alerts")
                .mapValues(outcome -> ((BurstOutcome.Fired) outcome).alert(), Named.as(name + "-alert"));
        return Detections.windowed(name, alerts, late);
    }

    private record CounterSupplier(BurstSpec spec, DetectionKit kit)
            implements ProcessorSupplier<String, CloudTrailEvent, String, BurstOutcome> {

        @Override
        public Processor<String, CloudTrailEvent, String, BurstOutcome> get() {
            return new BurstCounter(spec, kit);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return BurstStores.named(spec.name()).builders();
        }
    }
}
