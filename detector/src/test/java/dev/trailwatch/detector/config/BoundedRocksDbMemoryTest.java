package dev.trailwatch.detector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** Every store gets the one shared, bounded cache and write-buffer manager; the budget is a setting. */
class BoundedRocksDbMemoryTest {

    static {
        RocksDB.loadLibrary();
    }

    @Test
    void putsEveryStoreOnTheSharedBoundedCache() {
        BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
        try (Options first = new Options(); Options second = new Options()) {
            first.setTableFormatConfig(new BlockBasedTableConfig());
            second.setTableFormatConfig(new BlockBasedTableConfig());

            setter.setConfig("a", first, Map.of(BoundedRocksDbMemory.BUDGET_CONFIG, "67108864"));
            setter.setConfig("b", second, Map.of(BoundedRocksDbMemory.BUDGET_CONFIG, "67108864"));

            BlockBasedTableConfig table = (BlockBasedTableConfig) first.tableFormatConfig();
            assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(table.blockSize()).isEqualTo(16 * 1024);
            assertThat(first.writeBufferManager()).isNotNull().isSameAs(second.writeBufferManager());
        }
    }

    @Test
    void isTheDefaultAndTakesItsBudgetFromTheStateMemorySetting() {
        var props = DetectorConfig.fromMap(Map.of("state.memory", "1GB")).streamsProperties();

        assertThat(props.getProperty(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
                .isEqualTo(BoundedRocksDbMemory.class.getName());
        assertThat(props.getProperty(BoundedRocksDbMemory.BUDGET_CONFIG)).isEqualTo(Long.toString(1L << 30));
    }

    @Test
    void readsSizesAsOperatorsWriteThem() {
        assertThat(Sizes.parse("256MB")).isEqualTo(256L << 20);
        assertThat(Sizes.parse("512 kb")).isEqualTo(512L << 10);
        assertThat(Sizes.parse("4096")).isEqualTo(4096L);
        assertThatThrownBy(() -> DetectorConfig.fromMap(Map.of("state.memory", "lots")))
                .hasMessageContaining("state.memory").hasMessageContaining("lots");
    }
}
