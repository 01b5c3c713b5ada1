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
import org.apache.kafka.common.config.TopicConfig;
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
 * <p>Cost. Reads are most of CloudTrail, so this runs for most events. Every principal's open buckets are on the heap
 * (the mirror), and the calls' window store holds their changes as a journal ({@link CallJournal}): what changed since
 * the last commit is written just before the task commits ({@link CommitHook}), one entry per bucket, in the same
 * transaction as the input offsets it covers; the entries are dropped a segment at a time as event time passes (no
 * deletes, no timers). The mirror is rebuilt from the journal on every {@code init}, so a task re-initialised after an
 * exactly-once abort, restored on another instance or restarted holds exactly what its last commit held. A repeat of a
 * known call costs one lookup of the principal (by name) and of the call (in the task's {@link DiscoveryCalls}), then a
 * scan of a few longs ({@link DiscoveryPrincipal}); nothing is allocated and the event id is not parsed. A new call or
 * an earlier occurrence costs the event id's parse into two longs ({@link EventId}); a change (those, and a first
 * denial) costs a heap update and its place in the changes since the last commit: parallel arrays reused from commit to
 * commit, written at the commit by journal writers that are reused too, so no object is made per change (a commit
 * allocates its entries' bytes). A pair is built only when its two buckets hold enough distinct calls across enough
 * services (counted on the calls' numbers). The key-value store of the windowed processor holds only the pairs that
 * alerted (with their calls: a state write for each new distinct call an alerted principal makes in an open pair), so
 * only their principals get a timer.
 *
 * <p>Memory: the mirror holds every principal with a read in its last three buckets and the grace, on the heap, not
 * bounded by {@code state.memory}: a few hundred bytes each, most of it its account and name (as the record had them,
 * and encoded once for the journal); a bucket is one object and one {@code long[]} of four longs a call (~100 bytes for
 * one or two calls, 32 more for each further call), with no object per call (but for an event id that is not a
 * lowercase UUID, kept as its String). A principal keeps the bucket objects of its aged-out buckets for the next
 * ones it opens ({@link DiscoveryPrincipal#open}), so in steady state a read writes no object reference into the
 * long-lived mirror: with G1, such a write into an old object costs a dirty card and concurrent refinement.
 * Principals whose buckets have all aged out are dropped once per bucket of event time, found through an index of the
 * buckets by start (not by a scan of every principal).
 */
final class DiscoveryCounter extends WindowedProcessor<DiscoveryState> {

    private final String ruleId;
    private final String callsStore;
    private final long bucket;
    private final long grace;
    private final int minCalls;
    private final int minServices;
    private final Function<CallPair, Optional<Alerts.Finding>> wording;
    /**
     * Every principal's buckets that an open pair may still hold, as the journal's entries make them: by principal
     * name, another account's principal of the same name chained on ({@link DiscoveryPrincipal#other}).
     */
    private final Map<String, DiscoveryPrincipal> mirror = new HashMap<>(1024);
    /** Per bucket start, the principals that opened a bucket there: who to look at when the start ages out. */
    private final TreeMap<Long, List<DiscoveryPrincipal>> opened = new TreeMap<>();
    /** The last start a bucket was opened at, and its list in {@link #opened} (most buckets open at the latest). */
    private long openedAt = Long.MIN_VALUE;
    private List<DiscoveryPrincipal> openedThere;
    /**
     * Changes since the last commit, in the order they were made, written by {@link #journal} before the commit: change
     * i is the call as it now stands in principal {@code pendingWho[i]}'s bucket at {@code pendingStart[i]}. Parallel
     * arrays reused from commit to commit, not an object per change.
     */
    private DiscoveryPrincipal[] pendingWho = new DiscoveryPrincipal[256];
    private long[] pendingStart = new long[256];
    /**
     * The call's number and whether it was refused, as its bucket holds them ({@link DiscoveryPrincipal.Bucket#word}).
     */
    private long[] pendingCall = new long[256];
    private long[] pendingTime = new long[256];
    private long[] pendingHigh = new long[256];
    private long[] pendingLow = new long[256];
    /** Event ids that are not lowercase UUIDs (null for those that are): made at the first such id. */
    private String[] pendingOther;
    private int pending;
    /** The journal's writers and the bucket start each writes for, during {@link #journal}: reused commit to commit. */
    private CallJournal.Writer[] writers = new CallJournal.Writer[4];
    private long[] writerStarts = new long[4];
    /** The event id of the record being processed, parsed only if it is kept. */
    private final EventId eventId = new EventId();
    private DiscoveryCalls names = new DiscoveryCalls();
    /** Marks for counting a pair's distinct calls and services: call (service) number i was seen when = mark. */
    private int[] callMarks = new int[0];
    private int[] serviceMarks = new int[0];
    private int mark;
    /** The sequence number of the next journal entry. */
    private long sequence;
    /** The oldest bucket start the mirror was last swept down to. */
    private long swept = Long.MIN_VALUE;
    private WindowStore<String, byte[]> calls;

    /**
     * @param minCalls    the fewest distinct calls that can make a pair qualify (pairs with fewer are not worded)
     * @param minServices the fewest services that can make a pair qualify, likewise
     * @param wording     the alert for a pair, or empty while the pair does not qualify
     */
    DiscoveryCounter(String name, String ruleId, long bucket, long grace, int minCalls, int minServices,
                     Function<CallPair, Optional<Alerts.Finding>> wording, DetectionKit kit) {
        super(name, 2 * bucket + grace, DiscoveryState.SERDE, kit);
        this.ruleId = ruleId;
        this.callsStore = callsStore(name);
        this.bucket = bucket;
        this.grace = grace;
        this.minCalls = minCalls;
        this.minServices = minServices;
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
     *
     * <p>The changelog's records are stamped by the broker when it appends them ({@code LogAppendTime}), not with
     * event time. Kafka Streams gives a window store's changelog a time retention (the store's plus a day), which the
     * broker counts from the records' timestamps: replaying history, entries stamped with event times days or months
     * old were deleted by the broker once their log segment rolled, and a restart then restored the journal without
     * them and lost the calls they held. The store keys each entry by its bucket's start, so nothing reads the record
     * timestamp back.
     */
    static StoreBuilder<WindowStore<String, byte[]>> callsStoreBuilder(String processorName, long bucket, long grace) {
        Duration retention = Duration.ofMillis(4 * bucket + grace);
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(callsStore(processorName), retention,
                        Duration.ofMillis(bucket), false), Serdes.String(), Serdes.ByteArray())
                .withCachingDisabled()
                .withLoggingEnabled(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"));
    }

    @Override
    public void init(ProcessorContext<String, BurstOutcome> context) {
        super.init(context);
        calls = context.getStateStore(callsStore);
        mirror.clear();
        opened.clear();
        openedAt = Long.MIN_VALUE;
        clearPending();
        names = new DiscoveryCalls();
        swept = Long.MIN_VALUE;
        sequence = 0;
        try (KeyValueIterator<Windowed<String>, byte[]> stored = calls.all()) {
            replay(stored, (account, principal) -> principal(account, principal), true);
        }
    }

    /** Where a replay puts a principal's changes: its buckets, or null when they are not wanted. */
    private interface Into {
        DiscoveryPrincipal of(String account, String principal);
    }

    /**
     * Applies stored entries to the principals {@code into} gives: buckets stored before the journal first, then the
     * journal's changes in the order they were made. Moves the next sequence number past the highest read.
     *
     * @param indexed whether the buckets opened are the mirror's (indexed for the sweep)
     */
    private void replay(KeyValueIterator<Windowed<String>, byte[]> stored, Into into, boolean indexed) {
        List<KeyValue<Windowed<String>, byte[]>> entries = new ArrayList<>();
        while (stored.hasNext()) {
            KeyValue<Windowed<String>, byte[]> next = stored.next();
            String key = next.key.key();
            if (Journal.isEntry(key)) {
                sequence = Math.max(sequence, Journal.sequence(key) + 1);
                entries.add(next);
            } else {
                DiscoveryPrincipal known = ofEntity(key, into);
                if (known != null) {
                    bucketOf(known, next.key.window().start(), indexed).setAll(CallBucket.read(next.value), names);
                }
            }
        }
        entries.sort(Comparator.comparingLong(e -> Journal.sequence(e.key.key())));
        for (KeyValue<Windowed<String>, byte[]> entry : entries) {
            long start = entry.key.window().start();
            for (CallJournal.Change change : CallJournal.read(entry.value)) {
                DiscoveryPrincipal known = into.of(change.account(), change.principal());
                if (known != null) {
                    CallBucket.Call call = change.call();
                    bucketOf(known, start, indexed).set(names.id(call.source(), call.name()), call.time(),
                            eventId.of(call.eventId()), call.denied());
                }
            }
        }
    }

    /** {@code into}'s principal for an entity key ({@code account|principal}, {@link #entity}). */
    private static DiscoveryPrincipal ofEntity(String entity, Into into) {
        int bar = entity.indexOf('|');
        return into.of(entity.substring(0, bar), entity.substring(bar + 1));
    }

    /** The principal's bucket at this start, opened (and, for the mirror's, indexed) when it has none. */
    private DiscoveryPrincipal.Bucket bucketOf(DiscoveryPrincipal known, long start, boolean indexed) {
        DiscoveryPrincipal.Bucket b = known.at(start);
        if (b == null) {
            b = known.open(start);
            if (indexed) {
                if (start != openedAt) {
                    openedAt = start;
                    openedThere = opened.computeIfAbsent(start, s -> new ArrayList<>());
                }
                openedThere.add(known);
            }
        }
        return b;
    }

    @Override
    void beforeCommit() {
        journal();
        super.beforeCommit();
    }

    @Override
    void dropUncommitted() {
        clearPending();
        super.dropUncommitted();
    }

    /**
     * Before each commit: the changes made since the last one, one journal entry per bucket (more past
     * {@link CallJournal#CHUNK} changes), in the order they were made.
     */
    private void journal() {
        if (pending == 0) {
            return;
        }
        int open = 0;
        for (int i = 0; i < pending; i++) {
            long start = pendingStart[i];
            int w = 0;
            while (w < open && writerStarts[w] != start) {
                w++;
            }
            if (w == open) {
                if (open == writers.length) {
                    writers = Arrays.copyOf(writers, 2 * open);
                    writerStarts = Arrays.copyOf(writerStarts, 2 * open);
                }
                if (writers[w] == null) {
                    writers[w] = new CallJournal.Writer(names);
                }
                writers[w].reset(names);
                writerStarts[w] = start;
                open++;
            }
            CallJournal.Writer writer = writers[w];
            if (writer.size() >= CallJournal.CHUNK) {
                calls.put(Journal.key(sequence++), writer.bytes(), start);
                writer.reset(names);
            }
            long call = pendingCall[i];
            writer.add(pendingWho[i], (int) call, DiscoveryPrincipal.Bucket.denied(call), pendingTime[i],
                    pendingHigh[i], pendingLow[i], pendingOther == null ? null : pendingOther[i]);
        }
        clearPending();
        // the last entry of each bucket, in the order of their starts
        for (int written = 0; written < open; written++) {
            int first = written;
            for (int w = written + 1; w < open; w++) {
                if (writerStarts[w] < writerStarts[first]) {
                    first = w;
                }
            }
            swapWriters(written, first);
            calls.put(Journal.key(sequence++), writers[written].bytes(), writerStarts[written]);
            writers[written].reset(names);
        }
    }

    private void swapWriters(int a, int b) {
        CallJournal.Writer writer = writers[a];
        writers[a] = writers[b];
        writers[b] = writer;
        long start = writerStarts[a];
        writerStarts[a] = writerStarts[b];
        writerStarts[b] = start;
    }

    /** Forgets the changes since the last commit (and the principals they point at). */
    private void clearPending() {
        Arrays.fill(pendingWho, 0, pending, null);
        if (pendingOther != null) {
            Arrays.fill(pendingOther, 0, pending, null);
        }
        pending = 0;
    }

    /** Adds call i of the principal's bucket at this start, as it now stands, to the changes since the last commit. */
    private void pending(DiscoveryPrincipal who, long start, DiscoveryPrincipal.Bucket b, int i) {
        if (pending == pendingWho.length) {
            int n = 2 * pending;
            pendingWho = Arrays.copyOf(pendingWho, n);
            pendingStart = Arrays.copyOf(pendingStart, n);
            pendingCall = Arrays.copyOf(pendingCall, n);
            pendingTime = Arrays.copyOf(pendingTime, n);
            pendingHigh = Arrays.copyOf(pendingHigh, n);
            pendingLow = Arrays.copyOf(pendingLow, n);
            if (pendingOther != null) {
                pendingOther = Arrays.copyOf(pendingOther, n);
            }
        }
        String other = b.other(i);
        if (other != null && pendingOther == null) {
            pendingOther = new String[pendingWho.length];
        }
        if (pendingOther != null) {
            pendingOther[pending] = other;
        }
        pendingWho[pending] = who;
        pendingStart[pending] = start;
        pendingCall[pending] = b.word(i);
        pendingTime[pending] = b.time(i);
        pendingHigh[pending] = b.high(i);
        pendingLow[pending] = b.low(i);
        pending++;
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
        DiscoveryPrincipal known = known(event.recipientAccountId(), event.principal(), now);
        int call = names.id(event.eventSource(), event.eventName());
        DiscoveryPrincipal.Bucket calls = bucketOf(known, start, true);
        int changed = calls.with(call, event.eventTime(), eventId.of(event.eventId()),
                DiscoveryBurstDetector.isProbe(event));
        if (changed < 0) {
            return;
        }
        pending(known, start, calls, changed);
        grown(known, start - bucket, now, event);
        grown(known, start, now, event);
    }

    /** The entity key of a principal: {@code account|principal}, the store's key and part of the alert id. */
    static String entity(String account, String principal) {
        return account + '|' + principal;
    }

    /**
     * The pair starting at {@code start} holds a new call: its alert if it now qualifies; if it alerted already, its
     * calls as they stand now in its fired state, to be reported.
     */
    private void grown(DiscoveryPrincipal known, long start, long now, CloudTrailEvent event) {
        DiscoveryPrincipal.Bucket a = known.at(start);
        DiscoveryPrincipal.Bucket b = known.at(start + bucket);
        if (closesAt(start) < now || b == null || b.size == 0 || (a == null ? 0 : a.size) + b.size < minCalls
                || !mayQualify(a, b)) {
            return;
        }
        String entity = known.entity();
        CallBucket first = DiscoveryPrincipal.bucket(a, names);
        CallBucket second = DiscoveryPrincipal.bucket(b, names);
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
     * Whether two buckets together hold at least {@code minCalls} distinct calls across {@code minServices} services,
     * counted on the calls' numbers: a pair that cannot qualify is not built. (The pair counts calls by their label,
     * {@code source:name}; two calls are never fewer labels than numbers, so this rules out only pairs the wording
     * would.)
     */
    private boolean mayQualify(DiscoveryPrincipal.Bucket a, DiscoveryPrincipal.Bucket b) {
        if (callMarks.length < names.size()) {
            callMarks = new int[Math.max(names.size(), 2 * callMarks.length)];
        }
        if (serviceMarks.length < names.services()) {
            serviceMarks = new int[Math.max(names.services(), 2 * serviceMarks.length)];
        }
        if (++mark == Integer.MAX_VALUE) {
            Arrays.fill(callMarks, 0);
            Arrays.fill(serviceMarks, 0);
            mark = 1;
        }
        long counts = count(b, count(a, 0));
        int distinct = (int) (counts >>> 32);
        int services = (int) counts;
        return distinct >= minCalls && services >= minServices;
    }

    /** Adds a bucket's calls and services not marked yet to the counts (distinct calls << 32 | services). */
    private long count(DiscoveryPrincipal.Bucket part, long counts) {
        if (part == null) {
            return counts;
        }
        long distinct = counts >>> 32;
        long services = counts & 0xFFFFFFFFL;
        for (int i = 0; i < part.size; i++) {
            int id = part.id(i);
            if (callMarks[id] != mark) {
                callMarks[id] = mark;
                distinct++;
                int service = names.service(id);
                if (serviceMarks[service] != mark) {
                    serviceMarks[service] = mark;
                    services++;
                }
            }
        }
        return distinct << 32 | services;
    }

    /** The principal's mirrored buckets (none yet for a principal not seen in the buckets still open). */
    private DiscoveryPrincipal known(String account, String principal, long now) {
        DiscoveryPrincipal known = principal(account, principal);
        known.forgetBefore(oldest(now));
        return known;
    }

    /** The mirror's principal of this name and account, added when it has none. */
    private DiscoveryPrincipal principal(String account, String principal) {
        DiscoveryPrincipal known = mirrored(account, principal);
        if (known != null) {
            return known;
        }
        DiscoveryPrincipal added = new DiscoveryPrincipal(account, principal);
        added.other = mirror.get(principal);
        mirror.put(principal, added);
        return added;
    }

    /** The mirror's principal of this name and account, or null. */
    private DiscoveryPrincipal mirrored(String account, String principal) {
        for (DiscoveryPrincipal p = mirror.get(principal); p != null; p = p.other) {
            if (p.is(account)) {
                return p;
            }
        }
        return null;
    }

    /** Takes a principal out of the mirror (nothing when it is not there: a later one took its place). */
    private void forget(DiscoveryPrincipal gone) {
        DiscoveryPrincipal head = mirror.get(gone.principal);
        if (head == gone) {
            if (gone.other == null) {
                mirror.remove(gone.principal);
            } else {
                mirror.put(gone.principal, gone.other);
            }
            return;
        }
        for (DiscoveryPrincipal p = head; p != null; p = p.other) {
            if (p.other == gone) {
                p.other = gone.other;
                return;
            }
        }
    }

    /** The oldest bucket an open pair may still hold at stream time {@code now}: older ones take no more calls. */
    private long oldest(long now) {
        return AlertIds.windowStart(now - 2 * bucket - grace - bucket, bucket);
    }

    /**
     * Once per bucket of stream time: forgets the principals whose buckets no open pair holds any more, looking only
     * at those that opened a bucket in the starts that just aged out. Then, should the call dictionary have grown past
     * its bound (input with made-up API names), starts a new one with just the calls the mirror holds.
     */
    private void sweep(long now) {
        long oldest = oldest(now);
        if (oldest <= swept) {
            return;
        }
        swept = oldest;
        if (openedAt < oldest) {
            openedAt = Long.MIN_VALUE;
        }
        while (!opened.isEmpty() && opened.firstKey() < oldest) {
            for (DiscoveryPrincipal known : opened.pollFirstEntry().getValue()) {
                if (known.forgetBefore(oldest)) {
                    forget(known);
                }
            }
        }
        if (names.size() > DiscoveryCalls.COMPACT_AT) {
            DiscoveryCalls fresh = new DiscoveryCalls();
            for (DiscoveryPrincipal head : mirror.values()) {
                for (DiscoveryPrincipal p = head; p != null; p = p.other) {
                    p.renumber(names, fresh);
                }
            }
            for (int i = 0; i < pending; i++) {
                long call = pendingCall[i];
                pendingCall[i] = DiscoveryPrincipal.Bucket.renumbered(call,
                        fresh.id(names.source((int) call), names.name((int) call)));
            }
            names = fresh;
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

    /**
     * A bucket's content, from the mirror while it keeps the bucket, else replayed from the entries the store still
     * holds for it (a pair stored before pairs kept their calls, closing late: once per pair).
     */
    private CallBucket bucketAt(String entity, long start) {
        DiscoveryPrincipal known = ofEntity(entity, this::mirrored);
        if (known != null && start >= known.from) {
            return DiscoveryPrincipal.bucket(known.at(start), names);
        }
        DiscoveryPrincipal replayed = ofEntity(entity, DiscoveryPrincipal::new);
        try (KeyValueIterator<Windowed<String>, byte[]> stored = calls.fetchAll(start, start)) {
            replay(stored, (a, p) -> entity(a, p).equals(entity) ? replayed : null, false);
        }
        return DiscoveryPrincipal.bucket(replayed.at(start), names);
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
}
