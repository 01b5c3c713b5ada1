package dev.trailwatch.detector.suppress;

import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Applies per-entity alert suppression to a detector's draft alerts, in suppression windows aligned to the epoch
 * ({@link AlertSuppressor}). The stream must be keyed so that one entity's alerts land on one partition (the
 * account-keyed input stream is).
 */
public final class Suppression {

    private Suppression() {
    }

    /**
     * Suppression of matches that come as their events are read (watch-list): the input's event time, one reorder
     * horizon on, closes windows.
     */
    public static KStream<String, Alert> apply(KStream<String, Alert> drafts, String detectorId, Duration window,
                                               DetectionKit kit) {
        return suppress(drafts, detectorId, window, null, kit);
    }

    /**
     * Suppression of matches held back until the whole input is complete past their time plus the horizon, then
     * released in ascending batches (foreign-account), by a detector in the same stream task (no repartition between
     * them) which tells {@code held} what it still holds: how far the matches have been released, one horizon on,
     * closes windows, and never one that a match the detector still holds falls in.
     */
    public static KStream<String, Alert> apply(KStream<String, Alert> drafts, String detectorId, Duration window,
                                               HeldBack held, DetectionKit kit) {
        return suppress(drafts, detectorId, window, Objects.requireNonNull(held, "held"), kit);
    }

    /** {@code held}: null for matches that come as their events are read. */
    private static KStream<String, Alert> suppress(KStream<String, Alert> drafts, String detectorId, Duration window,
                                                   HeldBack held, DetectionKit kit) {
        SuppressionStores names = SuppressionStores.forDetector(detectorId);
        return drafts.process(new Supplier(names, window, held, kit), Named.as(detectorId + "-suppress"));
    }

    private record Supplier(SuppressionStores names, Duration window, HeldBack held, DetectionKit kit)
            implements ProcessorSupplier<String, Alert, String, Alert> {

        @Override
        public Processor<String, Alert, String, Alert> get() {
            return new AlertSuppressor(names, window, held, kit);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.open()), Serdes.String(),
                            JacksonSerde.smile(SuppressionState.class)),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.byExpiry()), Serdes.String(),
                            Serdes.String()));
        }
    }
}
