package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.kit.TimerIndex;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The stores of one windowed processor, named after it so that upgrades keep state: per-key state, written as a
 * {@link StateJournal} before each commit; the {@link TimerIndex} (seen event ids and the input partitions' event
 * times); and the {@link CommitHook} that runs the journal's write. State and index persistent and changelogged.
 *
 * <p>The state store is not cached: its journal entry is written once, at the commit (a cache would only copy it once
 * more, and would flush it after the hook has run). The index is: a hot key's seen ids and an origin's time fold into
 * one changelog write per commit.
 */
record BurstStores(String state, String expiry, String commit) {

    static BurstStores named(String processorName) {
        return new BurstStores(processorName + "-state", processorName + "-expiry", processorName + "-commit");
    }

    Set<StoreBuilder<?>> builders() {
        return Set.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(state), Serdes.String(),
                        Serdes.ByteArray()).withCachingDisabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(expiry), Serdes.String(),
                        Serdes.String()).withCachingEnabled(),
                CommitHook.builder(commit));
    }
}
