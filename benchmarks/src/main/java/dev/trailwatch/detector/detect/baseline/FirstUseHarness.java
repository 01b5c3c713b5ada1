package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.accounts.AccountInfoSerde;
import dev.trailwatch.detector.accounts.KnownAccounts;
import dev.trailwatch.detector.config.BaselineSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.detect.kit.SeverityFilter;
import dev.trailwatch.detector.embedded.DataDirs;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Severity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;

/**
 * The first-use processor ({@link FirstUseProcessor}: its LRU of deserialized baselines in front of the store) run
 * outside Kafka Streams, for the benchmarks. The store is the production one, RocksDB (configured as the detector
 * configures it) with Smile values, without the changelog and Streams' record cache, which only a running task has.
 *
 * <p>It lives in the benchmarks module under the detector's package so that the processor and its parameters can stay
 * package-private.
 */
public final class FirstUseHarness implements AutoCloseable {

    private final Path stateDir;
    private final FirstUseBaseline.Parameters params;
    private final KeyValueStore<String, AccountBaseline> store;
    private final TimestampedKeyValueStore<String, AccountInfo> accounts;
    private final KeyValueStore<String, PendingUse> pending;
    private final FirstUseProcessor processor;

    /** @param cacheSize {@code baseline.cache-size}: baselines kept deserialized; 0 reads the store for every event */
    public FirstUseHarness(int cacheSize) throws IOException {
        DetectorConfig config = DetectorConfig.defaults()
                .with(Map.of(BaselineSettings.CACHE_SIZE.name(), Integer.toString(cacheSize)));
        stateDir = Files.createTempDirectory("trailwatch-benchmark-state");
        MockProcessorContext<String, FirstUse> context =
                new MockProcessorContext<>(config.streamsProperties(), new TaskId(0, 0), stateDir.toFile());
        store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FirstUseBaseline.NAME), Serdes.String(),
                JacksonSerde.smile(AccountBaseline.class)).withLoggingDisabled().withCachingDisabled().build();
        accounts = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(
                KnownAccounts.STORE), Serdes.String(), new AccountInfoSerde()).withLoggingDisabled()
                .withCachingDisabled().build();
        pending = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(FirstUseBaseline.PENDING),
                Serdes.String(), JacksonSerde.smile(PendingUse.class)).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        accounts.init(context.getStateStoreContext(), accounts);
        pending.init(context.getStateStoreContext(), pending);
        context.addStateStore(store);
        context.addStateStore(accounts);
        context.addStateStore(pending);
        KnownAccounts known = new KnownAccounts(Map.of(), KnownAccounts.STORE);
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        params = FirstUseBaseline.Parameters.from(config, known, new DetectionKit(
                new SeverityFilter(Severity.LOW, metrics), metrics, FlushSignal.never()));
        processor = new FirstUseProcessor(FirstUseBaseline.NAME, params);
        processor.init(context);
    }

    /** The events that reach the baseline lookup: those its use policy counts (calls by people and workloads). */
    public List<CloudTrailEvent> counted(List<CloudTrailEvent> events) {
        return events.stream().filter(params.policy()::counts).toList();
    }

    /** One event through the processor, keyed as on the input topic. */
    public void process(CloudTrailEvent event) {
        processor.process(new Record<>(event.recipientAccountId(), event, event.eventTime()));
    }

    @Override
    public void close() {
        processor.close();
        store.close();
        accounts.close();
        pending.close();
        DataDirs.deleteRecursively(stateDir);
    }
}
