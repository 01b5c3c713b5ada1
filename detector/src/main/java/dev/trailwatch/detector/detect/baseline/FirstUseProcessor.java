package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.accounts.KnownAccounts;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Learns each account's regions and services and emits the first-use alerts of both detections (see
 * {@link FirstUseBaseline}).
 *
 * <p>Per event: look the account up in an in-memory LRU of deserialized baselines (the store only on a miss), compare,
 * and write back only when something changed (a first sight, or a last use that moved by the resolution, a day). A
 * stream-time punctuator sweeps the store and forgets regions, services and whole accounts idle longer than the TTL, so
 * state stays proportional to what accounts use, not to history. The cache is rebuilt on {@link #init}, which Kafka
 * Streams calls again whenever the task's state is restored (restart, rebalance, aborted transaction).
 */
final class FirstUseProcessor implements Processor<String, CloudTrailEvent, String, FirstUse> {

    private static final Duration MIN_SWEEP = Duration.ofMinutes(1);

    private final String storeName;
    private final FirstUseBaseline.Parameters params;
    private ProcessorContext<String, FirstUse> context;
    private KeyValueStore<String, AccountBaseline> store;
    private KnownAccounts.Table accountTable;
    private Map<String, AccountBaseline> cache;

    FirstUseProcessor(String storeName, FirstUseBaseline.Parameters params) {
        this.storeName = storeName;
        this.params = params;
    }

    @Override
    public void init(ProcessorContext<String, FirstUse> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        ReadOnlyKeyValueStore<String, ValueAndTimestamp<AccountInfo>> accounts =
                context.getStateStore(params.accounts().storeName());
        this.accountTable = KnownAccounts.table(accounts);
        this.cache = lru(params.cacheSize());
        long sweepEvery = Math.max(MIN_SWEEP.toMillis(), params.resolution());
        context.schedule(Duration.ofMillis(sweepEvery), PunctuationType.STREAM_TIME, this::forgetIdle);
    }

    @Override
    public void process(Record<String, CloudTrailEvent> record) {
        CloudTrailEvent event = record.value();
        if (!params.policy().counts(event)) {
            return;
        }
        String account = event.recipientAccountId();
        long time = event.eventTime();
        AccountBaseline baseline = baselineOf(account, time);
        boolean fresh = baseline == null;
        if (fresh) {
            baseline = AccountBaseline.startingAt(time);
        }
        String region = params.policy().regionOf(event);
        boolean learning = baseline.learning(time, params.learningPeriod());
        int use = baseline.record(region, event.eventSource(), time, params.ttl(), params.resolution());
        if (fresh || (use & AccountBaseline.CHANGED) != 0) {
            store.put(account, baseline);
            cache.put(account, baseline);
        }
        if (!learning && (use & (AccountBaseline.NEW_REGION | AccountBaseline.NEW_SERVICE)) != 0) {
            for (FirstUse firstUse : firstUses(event, baseline, use, region)) {
                context.forward(new Record<>(record.key(), firstUse, record.timestamp()));
            }
        }
    }

    /** The account's baseline, or null when it has none or was idle so long that it is forgotten. */
    private AccountBaseline baselineOf(String account, long time) {
        AccountBaseline baseline = cache.get(account);
        if (baseline == null) {
            baseline = store.get(account);
            if (baseline != null) {
                cache.put(account, baseline);
            }
        }
        return baseline == null || baseline.idle(time, params.ttl()) ? null : baseline;
    }

    private List<FirstUse> firstUses(CloudTrailEvent event, AccountBaseline baseline, int use, String region) {
        long time = event.eventTime();
        long ttl = params.ttl();
        String service = event.eventSource();
        String name = params.accounts().nameOf(event.recipientAccountId(), accountTable);
        List<FirstUse> found = new ArrayList<>(2);
        if ((use & AccountBaseline.NEW_REGION) != 0) {
            found.add(new FirstUse(FirstUse.Kind.REGION, event, region,
                    AccountBaseline.known(baseline.regions(), time, ttl, region), baseline.firstSeen(), name));
        }
        if ((use & AccountBaseline.NEW_SERVICE) != 0) {
            found.add(new FirstUse(FirstUse.Kind.SERVICE, event, service,
                    AccountBaseline.known(baseline.services(), time, ttl, service), baseline.firstSeen(), name));
        }
        return found;
    }

    /** Forgets regions and services idle longer than the TTL, and accounts with nothing left. */
    private void forgetIdle(long streamTime) {
        long ttl = params.ttl();
        List<KeyValue<String, AccountBaseline>> changed = new ArrayList<>();
        try (KeyValueIterator<String, AccountBaseline> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, AccountBaseline> entry = all.next();
                AccountBaseline baseline = entry.value;
                if (baseline.idle(streamTime, ttl)) {
                    changed.add(KeyValue.pair(entry.key, null));
                } else if (baseline.expire(streamTime, ttl)) {
                    changed.add(KeyValue.pair(entry.key, baseline.empty() ? null : baseline));
                }
            }
        }
        for (KeyValue<String, AccountBaseline> change : changed) {
            cache.remove(change.key);
            if (change.value == null) {
                store.delete(change.key);
            } else {
                store.put(change.key, change.value);
            }
        }
    }

    private static Map<String, AccountBaseline> lru(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, AccountBaseline> eldest) {
                return size() > capacity;
            }
        };
    }
}
