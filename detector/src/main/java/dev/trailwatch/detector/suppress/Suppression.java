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
         * Held back until the whole input is complete up to their time, then released in ascending batches
         * (foreign-account): the latest released match's time, one horizon on, closes windows.
         */
        HELD
    }

    private Suppression() {
    }

    /** Suppression of matches that come as their events are read. */
    public static KStream<String, Alert> apply(KStream<String, Alert> drafts, String detectorId, Duration window,
                                               DetectionKit kit) {
        return apply(drafts, detectorId, window, Arrival.WITH_INPUT, kit);
    }

    public static KStream<String, Alert> apply(KStream<String, Alert> drafts, String detectorId, Duration window,
                                               Arrival arrival, DetectionKit kit) {
        SuppressionStores names = SuppressionStores.forDetector(detectorId);
        return drafts.process(new Supplier(names, window, arrival, kit), Named.as(detectorId + "-suppress"));
    }

    private record Supplier(SuppressionStores names, Duration window, Arrival arrival, DetectionKit kit)
            implements ProcessorSupplier<String, Alert, String, Alert> {

        @Override
        public Processor<String, Alert, String, Alert> get() {
            return new AlertSuppressor(names, window, arrival, kit);
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
