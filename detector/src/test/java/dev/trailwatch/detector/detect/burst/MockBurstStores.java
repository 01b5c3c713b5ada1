package dev.trailwatch.detector.detect.burst;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** A windowed processor's two stores (state and expiry, named as in production), in memory on a mock context. */
final class MockBurstStores {

    private MockBurstStores() {
    }

    static <S> void add(MockProcessorContext<?, ?> context, String processorName, Serde<S> states) {
        BurstStores names = BurstStores.named(processorName);
        KeyValueStore<String, S> state = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(names.state()),
                Serdes.String(), states).withLoggingDisabled().build();
        KeyValueStore<String, String> expiry = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(names.expiry()), Serdes.String(), Serdes.String())
                .withLoggingDisabled().build();
        state.init(context.getStateStoreContext(), state);
        expiry.init(context.getStateStoreContext(), expiry);
        context.addStateStore(state);
        context.addStateStore(expiry);
    }
}
