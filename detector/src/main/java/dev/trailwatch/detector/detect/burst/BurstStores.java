package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.kit.TimerIndex;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The two stores of one windowed processor, named after it so that upgrades keep state: per-key state, and the
 * time-ordered {@link TimerIndex}. Both persistent and changelogged; caching folds a hot key's many updates into one
 * changelog write per commit.
 */
record BurstStores(String state, String expiry) {

    static BurstStores named(String processorName) {
        return new BurstStores(processorName + "-state", processorName + "-expiry");
    }

    /** Stores whose per-key state is Smile through Jackson. */
    <S> Set<StoreBuilder<?>> builders(Class<S> stateType) {
        return builders(JacksonSerde.smile(stateType));
    }

    /** Stores whose per-key state is written by {@code stateSerde} (e.g. a {@code CompactSerde}). */
    <S> Set<StoreBuilder<?>> builders(Serde<S> stateSerde) {
        return Set.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(state), Serdes.String(),
                        stateSerde).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(expiry), Serdes.String(),
                        Serdes.String()).withCachingEnabled());
    }
}
