package dev.trailwatch.detector.detect.burst;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A windowed processor's stores (state, expiry and commit hook, named as in production), in memory on a mock context,
 * and its commit: what Kafka Streams does just before a task commits ({@link CommitHook#flushCache}).
 */
final class MockBurstStores {

    private MockBurstStores() {
    }

    static void add(MockProcessorContext<?, ?> context, String processorName) {
        BurstStores names = BurstStores.named(processorName);
        KeyValueStore<String, byte[]> state = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(names.state()),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        KeyValueStore<String, String> expiry = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(names.expiry()), Serdes.String(), Serdes.String())
                .withLoggingDisabled().build();
        CommitHook hook = CommitHook.builder(names.commit()).build();
        state.init(context.getStateStoreContext(), state);
        expiry.init(context.getStateStoreContext(), expiry);
        hook.init(context.getStateStoreContext(), hook);
        context.addStateStore(state);
        context.addStateStore(expiry);
        context.addStateStore(hook);
    }

    /**
     * The processor's pre-commit write, as Kafka Streams runs it before the task commits; nothing for a processor
     * whose stores the context does not hold.
     */
    static void commit(MockProcessorContext<?, ?> context, String processorName) {
        CommitHook hook = context.getStateStore(BurstStores.named(processorName).commit());
        if (hook != null) {
            hook.flushCache();
        }
    }
}
