package dev.trailwatch.detector.topology;

import dev.trailwatch.detector.config.DetectorConfig;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorWrapper;
import org.apache.kafka.streams.processor.api.WrappedFixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.WrappedProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.internals.AbstractStoreBuilder;
import org.apache.kafka.streams.state.internals.KeyValueStoreBuilder;
import org.apache.kafka.streams.state.internals.WindowStoreBuilder;

/**
 * The switch that gives every state store of the topology no changelog topic and keeps it in memory, for {@code scan}
 * only: a scan's state lives and dies with the scan, so nothing will ever be restored from a changelog (writing one
 * cost about 9% of the stream thread in a profile of a 300,000-event scan), and nothing needs to outlive the process.
 * A live detector ({@code run}) keeps its RocksDB stores and their changelogs: exactly-once and a restart or a moved
 * task restore state from them.
 *
 * <p>In memory, because scan drives the topology in-process ({@code pipeline/ScanDriver}, Kafka Streams'
 * TopologyTestDriver), which commits after every record: a commit flushes every store, and a RocksDB flush writes its
 * memtable to a new file (the driver measured ~300 events/s on RocksDB). An in-memory store's flush does nothing, and
 * a store without a changelog has no offset to checkpoint. Each key-value store becomes
 * {@link Stores#inMemoryKeyValueStore}, each window store {@link Stores#inMemoryWindowStore} with the same retention,
 * window size and duplicates setting; the serdes are the detection's own, so values are stored exactly as before.
 * Caching is turned off: its job is to spare the persistent store and the changelog writes between commits, and with a
 * commit per record it would only copy every write once more. Scan's state is bounded by design (windows expire and
 * are deleted, baselines are per account x region x service), so the heap holds it.
 *
 * <p>It is Kafka Streams' own {@code processor.wrapper.class} (KIP-1112), set by scan's replay settings as
 * {@code kafka.processor.wrapper.class}: every processor's supplier passes through it while the topology is built,
 * and the stores each one declares come back rebuilt as above. Processors, their names and the graph are unchanged,
 * so the scan runs the production topology. Stores are never touched anywhere else: a detection declares its stores
 * as a live detector needs them. Kafka Streams' store builders expose neither their supplier nor their serdes, so
 * this class reads them reflectively (the Kafka version is pinned; {@code ChangelogFreeStoresTest} fails on an
 * upgrade that moves them); a builder of another kind is kept as it is, without logging.
 */
public final class ChangelogFreeStores implements ProcessorWrapper {

    /** {@code kafka.*} setting (with its value) that turns the switch on. */
    public static final String SETTING = StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG;

    /**
     * A builder that honours a {@code processor.wrapper.class} in the detector's Kafka Streams settings (Streams
     * reads it only from a {@link TopologyConfig} given to the builder); without one, the plain builder, as before.
     */
    static StreamsBuilder streamsBuilder(DetectorConfig config) {
        Properties streams = config.streamsProperties();
        if (!streams.containsKey(SETTING)) {
            return new StreamsBuilder();
        }
        return new StreamsBuilder(new TopologyConfig(new StreamsConfig(streams)));
    }

    @Override
    public <K, V, KOut, VOut> WrappedProcessorSupplier<K, V, KOut, VOut> wrapProcessorSupplier(
            String processorName, ProcessorSupplier<K, V, KOut, VOut> supplier) {
        return new WrappedProcessorSupplier<>() {
            @Override
            public Processor<K, V, KOut, VOut> get() {
                return supplier.get();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return withoutLogging(supplier.stores());
            }
        };
    }

    @Override
    public <K, V, VOut> WrappedFixedKeyProcessorSupplier<K, V, VOut> wrapFixedKeyProcessorSupplier(
            String processorName, FixedKeyProcessorSupplier<K, V, VOut> supplier) {
        return new WrappedFixedKeyProcessorSupplier<>() {
            @Override
            public FixedKeyProcessor<K, V, VOut> get() {
                return supplier.get();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return withoutLogging(supplier.stores());
            }
        };
    }

    private static Set<StoreBuilder<?>> withoutLogging(Set<StoreBuilder<?>> stores) {
        if (stores == null) {
            return null;
        }
        Set<StoreBuilder<?>> unlogged = new HashSet<>();
        for (StoreBuilder<?> store : stores) {
            unlogged.add(inMemory(store).withLoggingDisabled());
        }
        return unlogged;
    }

    /** The same store (name, serdes, window) in memory and uncached; a builder of another kind as it is. */
    static StoreBuilder<?> inMemory(StoreBuilder<?> store) {
        if (store instanceof KeyValueStoreBuilder<?, ?> keyValue) {
            KeyValueBytesStoreSupplier supplier = Stores.inMemoryKeyValueStore(keyValue.name());
            return Stores.keyValueStoreBuilder(supplier, serde(keyValue, "keySerde"), serde(keyValue, "valueSerde"))
                    .withCachingDisabled();
        }
        if (store instanceof WindowStoreBuilder<?, ?> window) {
            WindowBytesStoreSupplier persistent = field(WindowStoreBuilder.class, window, "storeSupplier");
            WindowBytesStoreSupplier supplier = Stores.inMemoryWindowStore(window.name(),
                    Duration.ofMillis(persistent.retentionPeriod()), Duration.ofMillis(persistent.windowSize()),
                    persistent.retainDuplicates());
            return Stores.windowStoreBuilder(supplier, serde(window, "keySerde"), serde(window, "valueSerde"))
                    .withCachingDisabled();
        }
        return store;
    }

    private static Serde<Object> serde(AbstractStoreBuilder<?, ?, ?> builder, String name) {
        return field(AbstractStoreBuilder.class, builder, name);
    }

    @SuppressWarnings("unchecked")
    private static <T> T field(Class<?> owner, Object target, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return (T) field.get(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot rebuild state store '" + ((StoreBuilder<?>) target).name()
                    + "' in memory for scan: Kafka Streams' " + owner.getSimpleName() + "." + name
                    + " is not readable in this Kafka version", e);
        }
    }
}
