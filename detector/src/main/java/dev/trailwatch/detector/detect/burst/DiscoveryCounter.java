package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.kit.AlertIds;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.ReportBound;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Counts each principal's distinct read calls in epoch-aligned event-time buckets ({@link AlertIds#windowStart}) and
 * alerts once per pair of adjacent buckets that holds enough distinct calls across enough services.
 *
 * <p>Alerts are a function of the input. A bucket is a set of calls with their earliest occurrences
 * ({@link CallBucket}); a pair alerts when it qualifies and its second bucket holds a call, both of which only ever
 * turn true as calls arrive, so the set of alert ids (rule + principal + pair start) does not depend on arrival order.
 * The pair's last word, sent when it closes (stream time past its end plus grace) if its content changed since the
 * alert, lists its calls, the event ids of their first {@link Alert#MAX_EVENT_IDS} occurrences by (event time, event
 * id), their count and the severity they make.
 *
 * <p>Two clocks, kept apart. Whether a call is late, and how long the window store and its mirror keep a bucket, run
 * on this task's stream time (its input partition's event time): a call is taken while its pair is open by that
 * clock, and the bucket is kept for longer than that. A fired pair's last word waits for more: for every input
 * partition to be past it (the {@link WindowedProcessor} watermark), which, while another partition or instance is
 * read from far behind, comes long after this task's stream time has aged the pair's buckets out of the window
 * store. So a pair keeps its calls in its {@link DiscoveryState.Fired} from the moment it alerts, every call it takes
 * afterwards is written there too, and its updates and its last word are built from that alone.
 *
 * <p>Cost. Reads are most of CloudTrail, so this runs for most events. The calls live in a window store (one entry
 * per principal and bucket, dropped a segment at a time as event time passes: no deletes, no timers); the key-value
 * store of the windowed processor holds only the pairs that alerted (with their calls: a state write for each new
 * distinct call an alerted principal makes in an open pair), so only their principals get a timer. A
 * per-task mirror holds, for the principals seen lately, exactly what the window store holds for their recent
 * buckets: filled by one range read when a principal is first seen (none when the store cannot hold anything of it:
 * see {@link #unmirrored}), updated by every write, emptied on every {@code init} (a task re-initialised after a
 * failure starts cold). A repeat of a known call is answered by the mirror and costs no store access at all; a new
 * call costs one store write (uncached, see {@link #callsStoreBuilder}). The mirror changes how often the store is
 * read, never what is reported.
 */
final class DiscoveryCounter extends WindowedProcessor<DiscoveryState> {

    /** Principals the mirror keeps; beyond that the least recently seen is read back from the store when it returns. */
    static final int MIRROR_PRINCIPALS = 20_000;

    private final String ruleId;
    private final String callsStore;
    private final long bucket;
    private final long grace;
    private final int minCalls;
    private final Function<CallPair, Optional<Alerts.Finding>> wording;
    private final Map<Who, Known> mirror = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Who, Known> eldest) {
            if (size() > MIRROR_PRINCIPALS) {
                unmirrored = true;
                return true;
            }
            return false;
        }
    };
    /**
     * Whether the store may hold buckets of a principal the mirror does not know: it held entries when the task was
     * initialised, or the mirror has dropped a principal since. While false (a task that started with an empty store
     * and has mirrored every principal it wrote), a principal seen for the first time needs no read of the store.
     */
    private boolean unmirrored;
    private WindowStore<String, CallBucket> calls;

    /**
     * @param minCalls the fewest distinct calls that can make a pair qualify (pairs with fewer are not worded)
     * @param wording  the alert for a pair, or empty while the pair does not qualify
     */
    DiscoveryCounter(String name, String ruleId, long bucket, long grace, int minCalls,
                     Function<CallPair, Optional<Alerts.Finding>> wording, DetectionKit kit) {
        super(name, 2 * bucket + grace, kit);
        this.ruleId = ruleId;
        this.callsStore = callsStore(name);
        this.bucket = bucket;
        this.grace = grace;
        this.minCalls = minCalls;
        this.wording = wording;
    }

    static String callsStore(String processorName) {
        return processorName + "-calls";
    }

    /**
     * The window store of the calls: one entry per principal and bucket, kept until the last pair holding the bucket
     * has closed (two buckets and the grace), with a bucket to spare for a close that runs a little late.
     *
     * <p>Not cached. The mirror already answers every read the cache would, and a principal adds one or two calls to
     * a bucket, so the cache had almost no writes to merge: it evicted (wrote through) what it had just taken, and
     * flushed the rest at each commit, and its entries pushed the other stores' entries out of the thread's shared
     * cache. Profiled: the cache's own work was about half of this store's 20% of the stream thread
     * (docs/performance.md).
     */
    static StoreBuilder<WindowStore<String, CallBucket>> callsStoreBuilder(String processorName, long bucket,
                                                                         long grace) {
        Duration retention = Duration.ofMillis(4 * bucket + grace);
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(callsStore(processorName), retention,
                Duration.ofMillis(bucket), false), Serdes.String(), CallBucket.SERDE).withCachingDisabled();
    }

    @Override
    public void init(ProcessorContext<String, BurstOutcome> context) {
        super.init(context);
        calls = context.getStateStore(callsStore);
        mirror.clear();
        try (KeyValueIterator<Windowed<String>, CallBucket> stored = calls.all()) {
            unmirrored = stored.hasNext();
        }
    }

    @Override
    public void process(Record<String, CloudTrailEvent> record) {
        CloudTrailEvent event = record.value();
        long now = observe(record);
        long start = AlertIds.windowStart(event.eventTime(), bucket);
        if (closesAt(start) < now) {
            late(record);
            return;
        }
        Known known = known(new Who(event.recipientAccountId(), event.principal()), start - bucket, now);
        CallBucket before = known.get(start);
        CallBucket after = before.with(event, DiscoveryBurstDetector.isProbe(event));
        if (after == before) {
            return;
        }
        known.put(start, after);
        calls.put(known.entity, after, start);
        grown(known.entity, known, start - bucket, now, event);
        grown(known.entity, known, start, now, event);
    }

    /** The entity key of a principal: {@code account|principal}, the store's key and part of the alert id. */
    static String entity(String account, String principal) {
        return account + '|' + principal;
    }

    /**
     * The pair starting at {@code start} holds a new call: its alert if it now qualifies; if it alerted already, its
     * calls as they stand now in its fired state, to be reported.
     */
    private void grown(String entity, Known known, long start, long now, CloudTrailEvent event) {
        CallBucket first = known.get(start);
        CallBucket second = known.get(start + bucket);
        if (closesAt(start) < now || second.isEmpty() || CallPair.atMost(first, second) < minCalls) {
            return;
        }
        CallPair pair = CallPair.of(entity, start, bucket, first, second);
        Optional<Alerts.Finding> finding = wording.apply(pair);
        if (finding.isEmpty()) {
            return;
        }
        DiscoveryState loaded = load(entity, now);
        DiscoveryState state;
        Optional<DiscoveryState.Fired> fired = loaded.fired(start);
        if (fired.isEmpty()) {
            Anchor anchor = Anchor.of(event);
            emit(alert(entity, start, finding.get(), anchor, pair), event.eventTime());
            state = loaded.withFired(new DiscoveryState.Fired(start, anchor, pair.digest(), 0, first, second));
        } else {
            // the pair is open by this task's clock, so the mirror holds its buckets as they are: they become the
            // pair's own (also for a pair stored before pairs kept their calls)
            DiscoveryState.Fired grown = fired.get().withCalls(first, second);
            if (grown.reported() != pair.digest()) {
                folded(ruleId);
                grown = grown.pendingFrom(wallClock());
            }
            state = loaded.withFired(grown);
        }
        save(entity, state, now);
    }

    /**
     * The principal's mirrored buckets, knowing every bucket from {@code from} on: a principal not in the mirror, or
     * needing an older bucket than it knows, is read from the store once, all its buckets from there on in one range.
     */
    private Known known(Who who, long from, long now) {
        Known known = mirror.get(who);
        if (known == null) {
            known = new Known(entity(who.account(), who.principal()), from);
            if (unmirrored) {
                readInto(known, known.entity, from, Long.MAX_VALUE);
            }
            mirror.put(who, known);
        } else if (from < known.from) {
            readInto(known, known.entity, from, known.from - 1);
            known.from = from;
        }
        known.forgetBefore(AlertIds.windowStart(now - 2 * bucket - grace - bucket, bucket));
        return known;
    }

    private void readInto(Known known, String entity, long from, long to) {
        try (WindowStoreIterator<CallBucket> stored = calls.fetch(entity, from, to)) {
            while (stored.hasNext()) {
                KeyValue<Long, CallBucket> next = stored.next();
                known.put(next.key, next.value);
            }
        }
    }

    /**
     * A fired pair with its calls: as it is; a pair stored before pairs kept their calls takes its buckets as the
     * mirror or the window store still hold them (what this processor reported from before), once.
     */
    private DiscoveryState.Fired own(String entity, DiscoveryState.Fired fired) {
        return fired.hasCalls() ? fired
                : fired.withCalls(bucketAt(entity, fired.start()), bucketAt(entity, fired.start() + bucket));
    }

    private CallPair pair(String entity, DiscoveryState.Fired fired) {
        return CallPair.of(entity, fired.start(), bucket, fired.first(), fired.second());
    }

    /** A bucket's content, from the mirror when it knows the principal, else from the store. */
    private CallBucket bucketAt(String entity, long start) {
        int bar = entity.indexOf('|');
        Known known = mirror.get(new Who(entity.substring(0, bar), entity.substring(bar + 1)));
        if (known != null && start >= known.from) {
            return known.get(start);
        }
        CallBucket stored = calls.fetch(entity, start);
        return stored == null ? CallBucket.EMPTY : stored;
    }

    /** When the pair starting at this bucket closes. */
    private long closesAt(long start) {
        return start + 2 * bucket + grace;
    }

    @Override
    DiscoveryState empty() {
        return DiscoveryState.EMPTY;
    }

    @Override
    DiscoveryState closeExpired(String key, DiscoveryState state, long now) {
        DiscoveryState open = state;
        for (DiscoveryState.Fired fired : state.fired()) {
            if (closesAt(fired.start()) < now) {
                close(key, fired);
                open = open.without(fired.start());
            }
        }
        return open;
    }

    @Override
    void closeAll(String key, DiscoveryState state) {
        state.fired().forEach(f -> close(key, f));
    }

    @Override
    long nextDue(DiscoveryState state) {
        return state.fired().stream().mapToLong(f -> closesAt(f.start())).min().orElseThrow() + 1;
    }

    @Override
    DiscoveryState reportDue(String key, DiscoveryState state, long now, Duration bound) {
        DiscoveryState reported = state;
        for (DiscoveryState.Fired fired : state.fired()) {
            if (ReportBound.due(fired.pendingSince(), now, bound)) {
                DiscoveryState.Fired own = own(key, fired);
                CallPair pair = pair(key, own);
                update(key, own, pair);
                reported = reported.withFired(own.reportedAs(pair.digest()));
            }
        }
        return reported;
    }

    /** The pair's last word, when its content changed since its alert or last update. */
    private void close(String key, DiscoveryState.Fired fired) {
        CallPair pair = pair(key, own(key, fired));
        if (pair.digest() != fired.reported()) {
            update(key, fired, pair);
        }
    }

    /** The pair's alert again (same id), with every call the pair holds now, at the severity they make. */
    private void update(String entity, DiscoveryState.Fired fired, CallPair pair) {
        Anchor anchor = fired.anchor() != null ? fired.anchor()
                : new Anchor(entity.substring(0, entity.indexOf('|')), null, pair.principal(), null, null, null, null,
                        null);
        wording.apply(pair).ifPresent(finding -> emit(alert(entity, fired.start(), finding, anchor, pair),
                pair.last()));
    }

    /** The alert on a pair, first or update: its id is the rule, the principal and the pair's aligned start. */
    private Alert alert(String entity, long start, Alerts.Finding finding, Anchor anchor, CallPair pair) {
        return BurstAlerts.first(AlertIds.of(ruleId, entity, start), finding, anchor, pair.eventIds(),
                pair.calls().size(), pair.first(), pair.last());
    }

    /** The mirror's key: a principal of an account, without building the entity string for every event. */
    private record Who(String account, String principal) {
    }

    /**
     * One principal's buckets as the store holds them, for every bucket start from {@link #from} on: a handful (the
     * pairs still open), so in two small arrays rather than a map of boxed starts, looked up five times per new call.
     */
    private static final class Known {

        private final String entity;
        private long[] starts = new long[4];
        private CallBucket[] buckets = new CallBucket[4];
        private int size;
        private long from;

        Known(String entity, long from) {
            this.entity = entity;
            this.from = from;
        }

        CallBucket get(long start) {
            for (int i = 0; i < size; i++) {
                if (starts[i] == start) {
                    return buckets[i];
                }
            }
            return CallBucket.EMPTY;
        }

        void put(long start, CallBucket calls) {
            for (int i = 0; i < size; i++) {
                if (starts[i] == start) {
                    buckets[i] = calls;
                    return;
                }
            }
            if (size == starts.length) {
                starts = Arrays.copyOf(starts, 2 * size);
                buckets = Arrays.copyOf(buckets, 2 * size);
            }
            starts[size] = start;
            buckets[size] = calls;
            size++;
        }

        /**
         * Drops buckets no open pair holds any more (their events are late); older ones are then read from the store
         * again, should a late close ask for them. {@code oldest} is a bucket start: this looks at the buckets once
         * per bucket of event time, not for every event.
         */
        void forgetBefore(long oldest) {
            if (oldest <= from) {
                return;
            }
            int kept = 0;
            for (int i = 0; i < size; i++) {
                if (starts[i] >= oldest) {
                    starts[kept] = starts[i];
                    buckets[kept] = buckets[i];
                    kept++;
                }
            }
            Arrays.fill(buckets, kept, size, null);
            size = kept;
            from = oldest;
        }
    }
}
