package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.accounts.KnownAccounts;
import dev.trailwatch.detector.detect.kit.Punctuators;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.time.Duration;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.TreeSet;
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
 * <p>A first use is reported once its partition is complete up to its event time ({@link InputWatermark}, one reorder
 * horizon): until then an earlier use of the same region or service may still arrive and take its place (or cancel
 * it, when that earlier use falls in the learning period), so the alert names the use that event-time order would
 * have named. The waiting first uses are few; they sit in a small store and an in-memory index of it, looked at per
 * event only while one of the event's account waits.
 *
 * <p>Per event: look the account up in an in-memory LRU of deserialized baselines (the store only on a miss), compare,
 * and write back only when something changed (a first sight, or a last use that moved by the resolution, a day). A
 * stream-time punctuator sweeps the store and forgets regions, services and whole accounts idle longer than the TTL, so
 * state stays proportional to what accounts use, not to history. The cache is rebuilt on {@link #init}, which Kafka
 * Streams calls again whenever the task's state is restored (restart, rebalance, aborted transaction).
 */
final class FirstUseProcessor implements Processor<String, CloudTrailEvent, String, FirstUse> {

    private static final Duration MIN_SWEEP = Duration.ofMinutes(1);
    private static final Duration RELEASE_EVERY = Duration.ofSeconds(1);

    private final String storeName;
    private final FirstUseBaseline.Parameters params;
    private ProcessorContext<String, FirstUse> context;
    private KeyValueStore<String, AccountBaseline> store;
    private KnownAccounts.Table accountTable;
    private Map<String, AccountBaseline> cache;
    private KeyValueStore<String, PendingUse> pendingStore;
    /** The waiting first uses by account, then by store key: the store's content, in memory. */
    private final Map<String, Map<String, PendingUse>> pending = new HashMap<>();
    private final CloudTrailParser parser = new CloudTrailParser();
    private InputWatermark watermark;
    private int partition;
    /** The earliest event time among the waiting first uses (may lag a cancellation); MAX_VALUE when none. */
    private long earliestPending = Long.MAX_VALUE;
    private long observed = InputWatermark.NOTHING;
    private final Punctuators punctuators = new Punctuators();

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
        this.pendingStore = context.getStateStore(FirstUseBaseline.PENDING);
        this.watermark = params.watermark();
        this.partition = context.taskId().partition();
        loadPending();
        long sweepEvery = Math.max(MIN_SWEEP.toMillis(), params.resolution());
        punctuators.replace(context.schedule(Duration.ofMillis(sweepEvery), PunctuationType.STREAM_TIME,
                        streamTime -> forgetIdle(streamTime - watermark.horizon())),
                context.schedule(RELEASE_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> releaseDue()),
                params.flush().onRequest(context, () -> release(Long.MAX_VALUE)));
    }

    @Override
    public void close() {
        punctuators.cancel();
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
        if (!pending.isEmpty()) {
            Map<String, PendingUse> waiting = pending.get(account);
            if (waiting != null) {
                reconsider(waiting, account, FirstUse.Kind.REGION, region, event, learning, record.key());
                reconsider(waiting, account, FirstUse.Kind.SERVICE, event.eventSource(), event, learning,
                        record.key());
            }
        }
        if (!learning && (use & (AccountBaseline.NEW_REGION | AccountBaseline.NEW_SERVICE)) != 0) {
            for (FirstUse firstUse : firstUses(event, baseline, use, region)) {
                hold(firstUse, record.key());
            }
        }
        if (!pending.isEmpty()) {
            releaseDue();
        }
    }

    /**
     * An event of an account with waiting first uses: if it uses one of them earlier than the waiting event, it takes
     * the waiting one's place, or cancels it when it falls inside the learning period (event-time order would have
     * learned it there).
     */
    private void reconsider(Map<String, PendingUse> waiting, String account, FirstUse.Kind kind, String what,
                            CloudTrailEvent event, boolean learning, String key) {
        if (what == null) {
            return;
        }
        String storeKey = PendingUse.storeKey(account, kind, what);
        PendingUse held = waiting.get(storeKey);
        if (held == null || held.time() <= event.eventTime()) {
            return;
        }
        if (learning) {
            forget(account, storeKey);
        } else {
            put(account, storeKey, new PendingUse(kind, what, held.known(), held.since(), held.accountName(),
                    event.json().bytes(), event.eventTime(), key));
        }
    }

    private void hold(FirstUse use, String key) {
        CloudTrailEvent event = use.event();
        String account = event.recipientAccountId();
        put(account, PendingUse.storeKey(account, use.kind(), use.what()), new PendingUse(use.kind(), use.what(),
                List.copyOf(use.known()), use.since(), use.accountName(), event.json().bytes(), event.eventTime(),
                key));
    }

    private void put(String account, String storeKey, PendingUse use) {
        earliestPending = Math.min(earliestPending, use.time());
        pendingStore.put(storeKey, use);
        pending.computeIfAbsent(account, a -> new HashMap<>()).put(storeKey, use);
    }

    private void forget(String account, String storeKey) {
        pendingStore.delete(storeKey);
        Map<String, PendingUse> waiting = pending.get(account);
        if (waiting != null) {
            waiting.remove(storeKey);
            if (waiting.isEmpty()) {
                pending.remove(account);
            }
        }
    }

    /** Cheap unless a waiting first use became due: two comparisons per event while something waits. */
    private void releaseDue() {
        if (pending.isEmpty()) {
            return;
        }
        long streamTime = context.currentStreamTimeMs();
        if (streamTime != observed) {
            watermark.observe(partition, streamTime);
            observed = streamTime;
        }
        long complete = watermark.completeUpTo(partition);
        if (complete != InputWatermark.NOTHING && complete >= earliestPending) {
            release(complete);
        }
    }

    /** Reports every waiting first use at or before {@code upTo}, in event-time order. */
    private void release(long upTo) {
        List<Map.Entry<String, PendingUse>> due = new ArrayList<>();
        pending.values().forEach(waiting -> waiting.entrySet().stream()
                .filter(entry -> entry.getValue().time() <= upTo).forEach(due::add));
        due.sort(Comparator.comparingLong((Map.Entry<String, PendingUse> e) -> e.getValue().time())
                .thenComparing(Map.Entry::getKey));
        long earliest = Long.MAX_VALUE;
        for (Map<String, PendingUse> waiting : pending.values()) {
            for (PendingUse use : waiting.values()) {
                if (use.time() > upTo) {
                    earliest = Math.min(earliest, use.time());
                }
            }
        }
        earliestPending = earliest;
        for (Map.Entry<String, PendingUse> entry : due) {
            PendingUse use = entry.getValue();
            String account = entry.getKey().substring(0, entry.getKey().indexOf('|'));
            forget(account, entry.getKey());
            if (parser.parse(use.raw()) instanceof ParseResult.Parsed parsed) {
                FirstUse firstUse = new FirstUse(use.kind(), parsed.event(), use.what(), new TreeSet<>(use.known()),
                        use.since(), use.accountName());
                context.forward(new Record<>(use.key(), firstUse, use.time()));
            }
        }
    }

    private void loadPending() {
        pending.clear();
        earliestPending = Long.MAX_VALUE;
        observed = InputWatermark.NOTHING;
        try (KeyValueIterator<String, PendingUse> all = pendingStore.all()) {
            all.forEachRemaining(entry -> pending.computeIfAbsent(entry.key.substring(0, entry.key.indexOf('|')),
                    a -> new HashMap<>()).put(entry.key, entry.value));
        }
        pending.values().forEach(waiting -> waiting.values()
                .forEach(use -> earliestPending = Math.min(earliestPending, use.time())));
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
