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
 * Applies per-entity alert suppression to a detector's draft alerts. The stream must be keyed so that one entity's
 * alerts land on one partition (the account-keyed input stream is).
 */
public final class Suppression {

    private Suppression() {
    }

    public static KStream<String, Alert> apply(KStream<String, Alert> drafts, String detectorId, Duration window,
                                               DetectionKit kit) {
        SuppressionStores names = SuppressionStores.forDetector(detectorId);
        return drafts.process(new Supplier(names, window, kit), Named.as(detectorId + "-suppress"));
    }

    private record Supplier(SuppressionStores names, Duration window, DetectionKit kit)
            implements ProcessorSupplier<String, Alert, String, Alert> {

        @Override
        public Processor<String, Alert, String, Alert> get() {
            return new AlertSuppressor(names, window, kit);
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
