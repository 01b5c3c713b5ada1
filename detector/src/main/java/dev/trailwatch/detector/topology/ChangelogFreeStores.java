package dev.trailwatch.detector.topology;

import dev.trailwatch.detector.config.DetectorConfig;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
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
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The switch that gives every state store of the topology no changelog topic, for {@code scan} only: a scan's state
 * lives and dies with its private broker, so nothing will ever be restored from a changelog, and writing one cost
 * about 9% of the stream thread in a profile of a 300,000-event scan. A live detector ({@code run}) keeps its
 * changelogs: exactly-once and a restart or a moved task restore state from them.
 *
 * <p>It is Kafka Streams' own {@code processor.wrapper.class} (KIP-1112), set by scan's replay settings as
 * {@code kafka.processor.wrapper.class}: every processor's supplier passes through it while the topology is built,
 * and the stores each one declares come back with logging disabled. Processors, their names and the graph are
 * unchanged, so the scan runs the production topology. Stores are never touched anywhere else: a detection declares
 * its stores as a live detector needs them.
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
            unlogged.add(store.withLoggingDisabled());
        }
        return unlogged;
    }
}
