package dev.trailwatch.detector.detect.kit;

import dev.trailwatch.detector.serde.JacksonSerde;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The global store processor of the progress topic, on every instance: each record (committed only: under
 * exactly-once the global consumer reads committed records) goes into the store and straight into the instance's
 * {@link InputWatermark} (a partition's progress) or its known accounts (an account learned, with the earliest event
 * time it was seen at). Applied in topic order, on the global thread, whatever tasks the instance owns: an instance
 * that reads no input partition itself (more instances than input partitions, or only repartitioned tasks assigned to
 * it) still learns how far the input is complete, and so still closes its windows. The topic has one partition, so
 * an account learned on a partition is applied before that partition's progress past it.
 *
 * <p>The store is in memory: after a restart Kafka Streams replays the topic through this processor before any event
 * is processed (the topic is compacted and small: a record per input partition and per learned account).
 */
public final class ProgressUpdater implements Processor<String, InputProgress, Void, Void> {

    public static final Serde<InputProgress> SERDE = JacksonSerde.json(InputProgress.class);

    private final String applicationId;
    private final InputWatermark watermark;
    private final BiConsumer<String, Long> learned;
    private KeyValueStore<String, InputProgress> store;

    private ProgressUpdater(String applicationId, InputWatermark watermark, BiConsumer<String, Long> learned) {
        this.applicationId = applicationId;
        this.watermark = watermark;
        this.learned = learned;
    }

    /** The progress topic's global store (logging off: the topic is its own log). */
    public static StoreBuilder<KeyValueStore<String, InputProgress>> store() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(InputProgressProcessor.STORE),
                Serdes.String(), SERDE).withLoggingDisabled();
    }

    /** @param learned told each account an instance learned, with the earliest event time it was seen at */
    public static ProcessorSupplier<String, InputProgress, Void, Void> supplier(String applicationId,
                                                                            InputWatermark watermark,
                                                                            BiConsumer<String, Long> learned) {
        return () -> new ProgressUpdater(applicationId, watermark, learned);
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(InputProgressProcessor.STORE);
        try (KeyValueIterator<String, InputProgress> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, InputProgress> entry = all.next();
                apply(entry.key, entry.value);
            }
        }
    }

    @Override
    public void process(Record<String, InputProgress> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        store.put(record.key(), record.value());
        apply(record.key(), record.value());
    }

    private void apply(String key, InputProgress progress) {
        String account = InputProgress.accountOf(key, applicationId);
        if (account != null) {
            learned.accept(account, progress.streamTime());
            return;
        }
        int partition = InputProgress.partitionOf(key, applicationId);
        if (partition >= 0) {
            watermark.reported(partition, progress.streamTime(), progress.completeUpTo());
        }
    }
}
