package dev.trailwatch.detector.catalog;

import java.util.LinkedHashMap;
import java.util.Map;
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
 * The global store processor of a catalog topic: each record goes through {@link DocumentCatalog#offer}, and the store
 * keeps the text of the accepted version only, so that a rejected record leaves the last good one in place. The store
 * is in memory: after a restart Kafka Streams replays the whole (compacted, small) topic through this processor
 * before any event is processed, so the catalog is complete before the first event, and every instance replays the
 * same records in the same order.
 */
public final class CatalogUpdater<T> implements Processor<String, String, Void, Void> {

    private final DocumentCatalog<T> catalog;
    private final String storeName;
    private KeyValueStore<String, String> store;

    private CatalogUpdater(DocumentCatalog<T> catalog, String storeName) {
        this.catalog = catalog;
        this.storeName = storeName;
    }

    /** The store a catalog topic's global store is registered with (logging off: the topic is its own log). */
    public static StoreBuilder<KeyValueStore<String, String>> store(String name) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.String())
                .withLoggingDisabled();
    }

    public static <T> ProcessorSupplier<String, String, Void, Void> supplier(DocumentCatalog<T> catalog,
                                                                           String storeName) {
        return () -> new CatalogUpdater<>(catalog, storeName);
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        Map<String, String> texts = new LinkedHashMap<>();
        try (KeyValueIterator<String, String> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, String> entry = all.next();
                texts.put(entry.key, entry.value);
            }
        }
        catalog.load(texts);
    }

    @Override
    public void process(Record<String, String> record) {
        switch (catalog.offer(record.key(), record.value())) {
            case ACCEPTED -> store.put(record.key(), record.value());
            case REMOVED -> store.delete(record.key());
            case UNCHANGED, REJECTED -> {
            }
        }
    }
}
