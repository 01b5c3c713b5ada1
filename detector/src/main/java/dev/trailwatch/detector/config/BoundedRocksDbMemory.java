package dev.trailwatch.detector.config;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store of this process together, as the Kafka Streams memory-management
 * guide recommends: one LRU block cache and one write-buffer manager shared by all stores, index and filter blocks
 * counted in the cache. Without it each of TrailWatch's ~20 stores per partition gets its own default 50 MB block
 * cache and 3 x 16 MB memtables, and memory grows with partitions and stores rather than with the setting.
 *
 * <p>The cache is shared process-wide on purpose (the same objects for every store), so it is created once, sized
 * by {@code state.memory} as the first store configures it, and never closed by a store.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** Streams property carrying the byte budget, set from {@link Settings#STATE_MEMORY}. */
    public static final String BUDGET_CONFIG = "trailwatch.rocksdb.memory.bytes";

    private static final double INDEX_FILTER_SHARE = 0.1;
    private static final double MEMTABLE_SHARE = 0.5;
    private static final long BLOCK_SIZE = 16 * 1024;

    private static Shared shared;

    /** The cache and write-buffer manager every store shares. */
    private record Shared(Cache cache, WriteBufferManager writeBuffers) {
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared memory = shared(budget(configs));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(memory.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setBlockSize(BLOCK_SIZE);
        options.setWriteBufferManager(memory.writeBuffers());
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and write-buffer manager are shared by every store: closing them here would break the others.
    }

    private static synchronized Shared shared(long budget) {
        if (shared == null) {
            Cache cache = new LRUCache(budget, -1, false, INDEX_FILTER_SHARE);
            shared = new Shared(cache, new WriteBufferManager((long) (budget * MEMTABLE_SHARE), cache));
        }
        return shared;
    }

    private static long budget(Map<String, Object> configs) {
        Object value = configs.get(BUDGET_CONFIG);
        return value == null ? Sizes.parse(Settings.STATE_MEMORY.defaultValue()) : Long.parseLong(value.toString());
    }
}
