package dev.trailwatch.detector.suppress;

import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.time.Duration;
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

    /** How a detector's matches reach suppression: what tells it a window can get no more of them. */
    public enum Arrival {
        /** As their events are read (watch-list): the input's event time, one reorder horizon on, closes windows. */
        WITH_INPUT,
        /**
         * Held back until the whole input is complete past their time plus the horizon, then released in ascending
         * batches (foreign-account): how far that has been released, one horizon on, closes windows, and never one
         * that a match the detector still holds ({@link HeldBack}) falls in.
         */
        HELD
    }

    private Suppression() {
    }

    /** Suppression of matches that come as their events are read. */
    public static KStream<String, Alert> apply(KStream<String, Alert> drafts, String detectorId, Duration window,
                                               DetectionKit kit) {
        return apply(drafts, detectorId, window, Arrival.WITH_INPUT, null, kit);
    }

    /**
     * Suppression of matches held back ({@link Arrival#HELD}) by a detector in the same stream task (no repartition
     * between them), which tells {@code held} what it still holds.
     */
    public static KStream<String, Alert> apply(KStream<String, Alert> drafts, String detectorId, Duration window,
                                               HeldBack held, DetectionKit kit) {
        return apply(drafts, detectorId, window, Arrival.HELD, held, kit);
    }

    private static KStream<String, Alert> apply(KStream<String, Alert> drafts, String detectorId, Duration window,
                                                Arrival arrival, HeldBack held, DetectionKit kit) {
        SuppressionStores names = SuppressionStores.forDetector(detectorId);
        return drafts.process(new Supplier(names, window, arrival, held, kit), Named.as(detectorId + "-suppress"));
    }

    private record Supplier(SuppressionStores names, Duration window, Arrival arrival, HeldBack held,
                            DetectionKit kit) implements ProcessorSupplier<String, Alert, String, Alert> {

        @Override
        public Processor<String, Alert, String, Alert> get() {
            return new AlertSuppressor(names, window, arrival, held, kit);
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
