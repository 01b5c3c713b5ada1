package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.kit.AlertIds;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.ReportBound;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
 * <p>Cost. Reads are most of CloudTrail, so this runs for most events. Every principal's open buckets are on the
 * heap (the mirror), and the calls' window store holds their changes as a journal ({@link CallJournal}): what changed
 * since the last commit is written just before the task commits ({@link CommitHook}), one entry per bucket, in the
 * same transaction as the input offsets it covers; the entries are dropped a segment at a time as event time passes
 * (no deletes, no timers). The mirror is rebuilt from the journal on every {@code init}, so a task re-initialised
 * after an exactly-once abort, restored on another instance or restarted holds exactly what its last commit held. A
 * repeat of a known call costs nothing but the lookup; a new call costs a heap update and its place in the next
 * commit's entry, where it used to cost a store write of its own (a RocksDB put and a changelog record). The key-value
 * store of the windowed processor holds only the pairs that alerted (with their calls: a state write for each new
 * distinct call an alerted principal makes in an open pair), so only their principals get a timer.
 *
 * <p>Memory: the mirror holds every principal with a read in its last three buckets and the grace (one to two
 * kilobytes each: its calls with their event ids), on the heap, not bounded by {@code state.memory}; principals whose
 * buckets have all aged out are dropped once per bucket of event time.
 */
final class DiscoveryCounter extends WindowedProcessor<DiscoveryState> {

    private final String ruleId;
    private final String callsStore;
    private final long bucket;
    private final long grace;
    private final int minCalls;
    private final Function<CallPair, Optional<Alerts.Finding>> wording;
    /** Every principal's buckets that an open pair may still hold, as the journal's entries make them. */
    private final Map<Who, Known> mirror = new HashMap<>(1024);
    /** Changes since the last commit, in the order they were made: written by {@link #journal} before the commit. */
    private final List<Pending> pending = new ArrayList<>();
    /** The sequence number of the next journal entry. */
    private long sequence;
    /** The oldest bucket start the mirror was last swept down to. */
    private long swept = Long.MIN_VALUE;
    private WindowStore<String, byte[]> calls;

    /**
     * @param minCalls the fewest distinct calls that can make a pair qualify (pairs with fewer are not worded)
     * @param wording  the alert for a pair, or empty while the pair does not qualify
     */
    DiscoveryCounter(String name, String ruleId, long bucket, long grace, int minCalls,
                     Function<CallPair, Optional<Alerts.Finding>> wording, DetectionKit kit) {
        super(name, 2 * bucket + grace, DiscoveryState.SERDE, kit);
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
     * The window store of the calls' journal ({@link CallJournal}): entries stamped with their bucket's start, kept
     * until the last pair holding the bucket has closed (two buckets and the grace), with a bucket to spare for a
     * close that runs a little late.
     *
     * <p>Not cached: each entry is written once, at the commit (a cache would only copy it once more).
     */
    static StoreBuilder<WindowStore<String, byte[]>> callsStoreBuilder(String processorName, long bucket, long grace) {
        Duration retention = Duration.ofMillis(4 * bucket + grace);
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(callsStore(processorName), retention,
                Duration.ofMillis(bucket), false), Serdes.String(), Serdes.ByteArray()).withCachingDisabled();
    }

    @Override
    public void init(ProcessorContext<String, BurstOutcome> context) {
        super.init(context);
        calls = context.getStateStore(callsStore);
        mirror.clear();
        pending.clear();
        swept = Long.MIN_VALUE;
        sequence = 0;
        try (KeyValueIterator<Windowed<String>, byte[]> stored = calls.all()) {
            replay(stored, who -> mirror.computeIfAbsent(who,
                    w -> new Known(entity(w.account(), w.principal()), Long.MIN_VALUE)));
        }
    }

    /**
     * Applies stored entries to the principals' buckets {@code into} gives (null: not wanted): buckets stored before
     * the journal first, then the journal's changes in the order they were made. Moves the next sequence number past
     * the highest read.
     */
    private void replay(KeyValueIterator<Windowed<String>, byte[]> stored, Function<Who, Known> into) {
        List<KeyValue<Windowed<String>, byte[]>> entries = new ArrayList<>();
        while (stored.hasNext()) {
            KeyValue<Windowed<String>, byte[]> next = stored.next();
            String key = next.key.key();
            if (Journal.isEntry(key)) {
                sequence = Math.max(sequence, Journal.sequence(key) + 1);
                entries.add(next);
            } else {
                Known known = into.apply(who(key));
                if (known != null) {
                    known.put(next.key.window().start(), CallBucket.read(next.value));
                }
            }
        }
        entries.sort(Comparator.comparingLong(e -> Journal.sequence(e.key.key())));
        for (KeyValue<Windowed<String>, byte[]> entry : entries) {
            long start = entry.key.window().start();
            for (CallJournal.Change change : CallJournal.read(entry.value)) {
                Known known = into.apply(new Who(change.account(), change.principal()));
                if (known != null) {
                    known.put(start, known.get(start).withCall(change.call()));
                }
            }
        }
    }

    /** The principal a bucket stored before the journal was keyed by ({@code account|principal}). */
    private static Who who(String entity) {
        int bar = entity.indexOf('|');
        return new Who(entity.substring(0, bar), entity.substring(bar + 1));
    }

    @Override
    void beforeCommit() {
        journal();
        super.beforeCommit();
    }

    @Override
    void dropUncommitted() {
        pending.clear();
        super.dropUncommitted();
    }

    /**
     * Before each commit: the changes made since the last one, one journal entry per bucket (more past
     * {@link CallJournal#CHUNK} changes), in the order they were made.
     */
    private void journal() {
        if (pending.isEmpty()) {
            return;
        }
        Map<Long, List<CallJournal.Change>> byBucket = new TreeMap<>();
        for (Pending change : pending) {
            byBucket.computeIfAbsent(change.start(), start -> new ArrayList<>())
                    .add(new CallJournal.Change(change.who().account(), change.who().principal(), change.call()));
        }
        pending.clear();
        byBucket.forEach((start, changes) -> {
            for (int from = 0; from < changes.size(); from += CallJournal.CHUNK) {
                List<CallJournal.Change> chunk = changes.subList(from, Math.min(changes.size(),
                        from + CallJournal.CHUNK));
                calls.put(Journal.key(sequence++), CallJournal.bytes(chunk), start);
            }
        });
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
        sweep(now);
        Who who = new Who(event.recipientAccountId(), event.principal());
        Known known = known(who, now);
        CallBucket before = known.get(start);
        CallBucket after = before.with(event, DiscoveryBurstDetector.isProbe(event));
        if (after == before) {
            return;
        }
        known.put(start, after);
        pending.add(new Pending(who, start, after.call(event.eventSource(), event.eventName())));
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

    /** The principal's mirrored buckets (none yet for a principal not seen in the buckets still open). */
    private Known known(Who who, long now) {
        Known known = mirror.get(who);
        if (known == null) {
            known = new Known(entity(who.account(), who.principal()), Long.MIN_VALUE);
            mirror.put(who, known);
        }
        known.forgetBefore(oldest(now));
        return known;
    }

    /** The oldest bucket an open pair may still hold at stream time {@code now}: older ones take no more calls. */
    private long oldest(long now) {
        return AlertIds.windowStart(now - 2 * bucket - grace - bucket, bucket);
    }

    /** Once per bucket of stream time: forgets the principals whose buckets no open pair holds any more. */
    private void sweep(long now) {
        long oldest = oldest(now);
        if (oldest <= swept) {
            return;
        }
        swept = oldest;
        mirror.values().removeIf(known -> known.forgetBefore(oldest));
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

    /**
     * A bucket's content, from the mirror while it keeps the bucket, else replayed from the entries the store still
     * holds for it (a pair stored before pairs kept their calls, closing late: once per pair).
     */
    private CallBucket bucketAt(String entity, long start) {
        Known known = mirror.get(who(entity));
        if (known != null && start >= known.from) {
            return known.get(start);
        }
        Known replayed = new Known(entity, Long.MIN_VALUE);
        try (KeyValueIterator<Windowed<String>, byte[]> stored = calls.fetchAll(start, start)) {
            replay(stored, w -> entity(w.account(), w.principal()).equals(entity) ? replayed : null);
        }
        return replayed.get(start);
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

    /** A change made since the last commit: the call as it now stands in the principal's bucket at {@code start}. */
    private record Pending(Who who, long start, CallBucket.Call call) {
    }

    /**
     * One principal's buckets as the journal makes them, for every bucket start from {@link #from} on: a handful (the
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
         * Drops buckets no open pair holds any more (their events are late); should a late close ask for one, it is
         * replayed from the store. {@code oldest} is a bucket start: this looks at the buckets once per bucket of
         * event time, not for every event. True when no bucket is left.
         */
        boolean forgetBefore(long oldest) {
            if (oldest <= from) {
                return size == 0;
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
            return size == 0;
        }
    }
}
