package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.deadletter.RejectReason;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.detect.kit.Punctuators;
import dev.trailwatch.detector.detect.kit.ReportBound;
import dev.trailwatch.detector.detect.kit.TimerIndex;
import dev.trailwatch.detector.detect.kit.UnreadableTimers;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The plumbing every event-time windowed processor here shares: per-key state in one store, an {@link TimerIndex}
 * that wakes a key when its windows close (a stream-time punctuator, once a minute of event time), the end-of-input
 * flush, late events, and alerts below the configured minimum severity (counted, not sent).
 *
 * <p>Invariant: every stored key has a timer at or before the moment it next needs attention, so closing windows
 * costs a range scan of the due timers and nothing else.
 *
 * <p>Cost. The per-key states are on the heap ({@link StateJournal}) and written to their store once per commit, as
 * one journal entry for every key changed since the last ({@link CommitHook} runs the write just before the task
 * commits, in the same transaction); the timers are on the heap only, made again from the states' {@link
 * WindowState#dueAt} on {@code init}; the seen ids are read through {@link TimerIndex}'s mirror. An event costs no
 * store read, no deserialization and no store write of its state.
 */
abstract class WindowedProcessor<S extends WindowState<S>>
        implements Processor<String, CloudTrailEvent, String, BurstOutcome> {

    private static final Duration PUNCTUATE_EVERY = Duration.ofMinutes(1);
    private static final Duration ORIGIN_IDLE = Duration.ofMinutes(1);

    /** The processor's name (its stores' prefix), as metrics and logs name the detection. */
    private final String name;
    private final BurstStores names;
    private final long seenReach;
    private final Serde<S> serde;
    private final DetectionKit kit;
    private ProcessorContext<String, BurstOutcome> context;
    private StateJournal<S> states;
    private TimerIndex expiry;
    /**
     * When each key needs attention (a window closes, the key expires), earliest first. On the heap only: every stored
     * state carries the time of its timer ({@link WindowState#dueAt}), so {@link #init} makes them again.
     */
    private final NavigableMap<Long, Set<String>> timers = new TreeMap<>();
    /**
     * Per input partition (see {@link OriginStamp}): the latest event time seen, and when (wall clock) it came. The
     * event times are kept in the expiry store too and read back from it in {@link #init}: an origin this task heard
     * from before its last commit still holds its windows after a revive or a move (see {@link #observe}).
     */
    private final Map<String, Origin> origins = new HashMap<>();
    /**
     * Per input partition, how far it is complete as its latest progress marker said ({@link OriginStamp}), or
     * {@link InputWatermark#NOTHING}: every record of it up to there has reached this processor. On the heap only: a
     * revive or a move forgets them, and windows wait for the next marker of every partition (within a second or
     * two: markers are sent when the progress moves, and every {@link OriginStamp#HEARTBEAT} regardless).
     */
    private long[] marked = new long[0];
    private final Punctuators punctuators = new Punctuators();
    /** The watermark windows were last closed at. */
    private long lastClose = Long.MIN_VALUE / 2;

    /**
     * @param seenReach how long behind stream time an event id is remembered: as long as a copy would count
     * @param serde     how a key's state is written in the journal (and was stored before it)
     */
    WindowedProcessor(String name, long seenReach, Serde<S> serde, DetectionKit kit) {
        this.name = name;
        this.names = BurstStores.named(name);
        this.seenReach = seenReach;
        this.serde = serde;
        this.kit = kit;
    }

    /** The state of a key that has none stored. */
    abstract S empty();

    /** Closes the key's windows that stream time has passed (their follow-ups go out) and drops what expired. */
    abstract S closeExpired(String key, S state, long now);

    /** End of input: every open window of the key closes as if event time had moved past it. */
    abstract void closeAll(String key, S state);

    /**
     * Reports the key's windows whose folded events have waited unreported longer than {@code bound} at wall-clock
     * {@code now} ({@link ReportBound}), and returns the state marked reported; the same state when nothing was due.
     * A processor whose alerts fold nothing after they go out keeps this default.
     */
    S reportDue(String key, S state, long now, Duration bound) {
        return state;
    }

    /** When the key next needs attention with no new events: a window's close, or the moment it can be deleted. */
    abstract long nextDue(S state);

    @Override
    public void init(ProcessorContext<String, BurstOutcome> context) {
        this.context = context;
        this.states = new StateJournal<>(context.getStateStore(names.state()), serde);
        states.load();
        CommitHook hook = context.getStateStore(names.commit());
        hook.onCommit(this::beforeCommit, this::dropUncommitted);
        this.expiry = new TimerIndex(context.getStateStore(names.expiry()));
        // timer keys that cannot be read, and timers stored before they were kept on the heap only: each state names
        // its own, below (so a dropped key is timed again there, if its state is still held)
        UnreadableTimers.drop(expiry, name, context.taskId(), kit.metrics().registry(),
                key -> states.get(key) == null ? 0 : 1);
        expiry.takeDueBefore(Long.MAX_VALUE);
        timers.clear();
        for (KeyValue<String, S> entry : states.all()) {
            if (entry.value.dueAt() != Long.MIN_VALUE) {
                schedule(entry.value.dueAt(), entry.key);
            }
        }
        // Kafka Streams calls init again on this same object when it revives the task after an exactly-once abort,
        // with the stores restored to the last commit and the records since read again: the fields must hold what
        // the committed records taught, no more (kept, an origin's event time judged its own replayed records late)
        // and no less (cleared, an origin heard from before the commit no longer held the windows its records still
        // on their way need: both lost a CRITICAL correlation). So the origins come back from the store, as a task
        // moved to another thread or instance finds them; each counts as heard from now.
        long initAt = context.currentSystemTimeMs();
        origins.clear();
        expiry.originTimes().forEach((origin, time) -> {
            // origins stored before they were named by partition number ("<topic>-<partition>") are left out: the
            // markers now say how far each partition is, and the next record of each names it anew
            if (OriginStamp.partitionOf(origin) >= 0) {
                origins.put(origin, new Origin(origin, time, initAt));
            }
        });
        marked = new long[0];
        lastClose = Long.MIN_VALUE / 2;
        punctuators.replace(context.schedule(PUNCTUATE_EVERY, PunctuationType.STREAM_TIME, this::closeDue),
                kit.flush().onRequest(context, this::closeEverything),
                ReportBound.schedule(context, kit, this::reportDue));
    }

    /** Just before the task commits: the states changed since the last commit go to the store, one journal entry. */
    void beforeCommit() {
        states.commit();
    }

    /** The task's work since its last commit is thrown away (it is re-initialised before it runs again). */
    void dropUncommitted() {
        states.drop();
    }

    /**
     * Cancels the punctuators: Kafka Streams keeps a task's punctuators when it closes and revives the task, and
     * {@link #init} schedules them again (without this, each revive added one more of each).
     */
    @Override
    public void close() {
        punctuators.cancel();
    }

    /**
     * Takes a record's event time into account and returns event time "now" for it: the latest event time seen from
     * the record's origin (the input partition it was read from), so that lateness is judged within one partition,
     * where events are in order; without an origin (the processor reads an input partition itself), the task's
     * stream time. With an origin, also closes the windows the {@link #watermark} has passed. A record that moves its
     * origin's time on writes it to the expiry store (through the cache: one changelog record per origin and commit),
     * so that the time is restored with the windows it holds open.
     */
    final long observe(Record<String, CloudTrailEvent> record) {
        Header header = record.headers().lastHeader(OriginStamp.HEADER);
        if (header == null) {
            return context.currentStreamTimeMs();
        }
        Origin origin = origins.computeIfAbsent(new String(header.value(), StandardCharsets.UTF_8),
                name -> new Origin(name, Long.MIN_VALUE, 0));
        if (record.timestamp() > origin.latest) {
            origin.latest = record.timestamp();
            expiry.originTime(origin.key, origin.latest);
        }
        origin.heardAt = context.currentSystemTimeMs();
        closeIfDue();
        return origin.latest;
    }

    /**
     * Takes a progress marker ({@link OriginStamp}) into account and returns true; false, and nothing done, for an
     * event. A processor fed through a repartition calls this first with every record: a marker is no event (it
     * counts nowhere, is never late) but it moves its input partition's completeness, and so may close windows.
     */
    final boolean progress(Record<String, CloudTrailEvent> record) {
        if (!OriginStamp.isMarker(record)) {
            return false;
        }
        int partition = OriginStamp.origin(record.headers());
        long complete = OriginStamp.progress(record.headers());
        if (partition < 0 || complete == InputWatermark.NOTHING) {
            return true;
        }
        if (partition >= marked.length) {
            long[] grown = Arrays.copyOf(marked, partition + 1);
            Arrays.fill(grown, marked.length, grown.length, InputWatermark.NOTHING);
            marked = grown;
        }
        marked[partition] = Math.max(marked[partition], complete);
        closeIfDue();
        return true;
    }

    /**
     * The stream-time punctuator runs before the record that advanced stream time reaches this processor, so it sees
     * the record's origin one record behind; close here instead, at the same one-minute granularity. The watermark is
     * at most stream time: until that reaches the next close, there is nothing to look up.
     */
    private void closeIfDue() {
        long streamTime = context.currentStreamTimeMs();
        if (streamTime < lastClose + PUNCTUATE_EVERY.toMillis()) {
            return;
        }
        long watermark = watermark(streamTime);
        if (watermark >= lastClose + PUNCTUATE_EVERY.toMillis()) {
            closeDue(watermark);
        }
    }

    /**
     * How far windows may be closed: the task's stream time, held back to the slowest origin that sent anything in
     * the last {@link #ORIGIN_IDLE} of wall-clock time, and, for a processor fed through a repartition, to the least
     * input partition's completeness as its own progress markers carried it here ({@link #inBand}). While partitions
     * are read from far behind at different speeds, closing by the fastest would drop the slower partitions' open
     * windows; an origin that has gone quiet (no login or AccessDenied from its accounts lately) does not hold closing
     * back by its records, only by its markers, which keep coming.
     */
    private long watermark(long streamTime) {
        long now = context.currentSystemTimeMs();
        long watermark = streamTime;
        for (Origin origin : origins.values()) {
            if (now - origin.heardAt <= ORIGIN_IDLE.toMillis()) {
                watermark = Math.min(watermark, origin.latest);
            }
        }
        return Math.min(Math.min(watermark, inBand()), inputRead());
    }

    /**
     * How far every input partition is complete here, in this processor's own input: the least completeness the
     * partitions' progress markers brought, plus the horizon (as {@link #inputRead}); no bound before any marker of a
     * partition has come. A partition's records and markers travel in one order through the repartition, so this
     * counts what is still queued there, which {@link #inputRead} (what the input tasks have read) cannot: an input
     * partition not heard from yet holds every window until its marker comes through, behind its records. Not for a
     * processor that reads the input itself (it has its own partition's records in order), nor with one input
     * partition (nothing to interleave), nor without a reorder horizon (arrival order trusted).
     */
    private long inBand() {
        InputWatermark input = kit.watermark();
        int partitions = input.partitionCount();
        if (!repartitioned() || partitions <= 1 || input.horizon() == 0) {
            return Long.MAX_VALUE;
        }
        long least = Long.MAX_VALUE;
        for (int p = 0; p < partitions; p++) {
            long complete = p < marked.length ? marked[p] : InputWatermark.NOTHING;
            if (complete == InputWatermark.NOTHING) {
                return Long.MIN_VALUE / 2;
            }
            least = Math.min(least, complete);
        }
        return least + input.horizon();
    }

    /** Fed through a repartition: it has heard from an origin, by an event (kept across a restart) or a marker. */
    private boolean repartitioned() {
        return !origins.isEmpty() || marked.length > 0;
    }

    /**
     * How far every input partition has been read ({@link InputWatermark}: the least partition's event time), whether
     * or not it sent this processor anything lately or at all: a partition read from far behind, quiet for a minute
     * or not heard from yet, still holds windows open that its records may join. With no reorder horizon (arrival
     * order trusted) no bound.
     */
    private long inputRead() {
        InputWatermark input = kit.watermark();
        if (input.horizon() == 0) {
            return Long.MAX_VALUE;
        }
        long complete = input.completeUpTo();
        return complete == InputWatermark.NOTHING ? Long.MIN_VALUE / 2 : complete + input.horizon();
    }

    /** Counted as late and passed on for the dead-letter topic. */
    final void late(Record<String, CloudTrailEvent> record) {
        kit.metrics().eventRejected(RejectReason.LATE);
        context.forward(record.withValue(new BurstOutcome.Late(record.value())));
    }

    /** True the first time an event id is offered (CloudTrail delivers some events twice). */
    final boolean firstSighting(CloudTrailEvent event) {
        return firstSighting(event.eventId(), event.eventTime());
    }

    /** True the first time an event id (with its event time) is offered; remembers it until the seen reach. */
    final boolean firstSighting(String eventId, long eventTime) {
        return expiry.firstSighting(eventId, eventTime);
    }

    final void emit(Alert alert, long timestamp) {
        if (kit.severity().passes(alert)) {
            context.forward(new Record<>(alert.accountId(), new BurstOutcome.Fired(alert), timestamp));
        }
    }

    /** Wall-clock time, for {@link ReportBound}: when an event started waiting unreported. */
    final long wallClock() {
        return context.currentSystemTimeMs();
    }

    /** An event joined an alert already sent instead of alerting again. */
    final void folded(String ruleId) {
        kit.metrics().alertFolded(ruleId);
    }

    /**
     * The event time windows have been closed up to: every timer due before it has run. Far in the past before the
     * first close since {@code init}.
     */
    final long closedUpTo() {
        return lastClose;
    }

    /** The key's state with the windows {@code now} has passed closed. */
    final S load(String key, long now) {
        return closeExpired(key, current(key), now);
    }

    /**
     * The key's state as stored, none of its windows closed, or the empty state. For a processor fed by a
     * repartition, where {@code now} is the record's own input partition's clock: a faster partition's clock would
     * close a window a slower one is still filling, so windows close only by the watermark ({@link #closeDue}).
     */
    final S current(String key) {
        S state = stored(key);
        return state == null ? empty() : state;
    }

    /** Another key's stored state, as it is, or null (for a processor keeping two kinds of key in its store). */
    final S stored(String key) {
        return states.get(key);
    }

    /** Stores the state (or forgets an empty one) and makes sure a timer wakes it in time. */
    final void save(String key, S state, long now) {
        if (state.isEmpty()) {
            states.delete(key);
            return;
        }
        long next = nextDue(state);
        if (state.dueAt() <= now || next < state.dueAt()) {
            schedule(next, key);
            state = state.withDueAt(next);
        }
        states.put(key, state);
    }

    private void schedule(long time, String key) {
        timers.computeIfAbsent(time, t -> new TreeSet<>()).add(key);
    }

    /** Removes and returns the keys with a timer earlier than {@code now}, each once, earliest first. */
    private Set<String> takeDueBefore(long now) {
        if (timers.isEmpty() || timers.firstKey() >= now) {
            return Set.of();
        }
        Set<String> due = new LinkedHashSet<>();
        while (!timers.isEmpty() && timers.firstKey() < now) {
            due.addAll(timers.pollFirstEntry().getValue());
        }
        return due;
    }

    private void closeDue(long streamTime) {
        long now = watermark(streamTime);
        lastClose = Math.max(lastClose, now);
        expiry.forgetSeenBefore(now - seenReach);
        for (String key : takeDueBefore(now)) {
            if (stored(key) != null) {
                save(key, load(key, now), now);
            }
        }
    }

    private void reportDue(long now) {
        for (KeyValue<String, S> entry : states.all()) {
            S reported = reportDue(entry.key, entry.value, now, kit.reportWithin());
            if (reported != entry.value) {
                states.put(entry.key, reported);
            }
        }
    }

    /** End of input: every key's open windows close as if event time had moved past them. */
    private void closeEverything() {
        for (KeyValue<String, S> entry : states.all()) {
            closeAll(entry.key, entry.value);
            states.delete(entry.key);
        }
        timers.clear();
    }

    /** One input partition as this processor knows it: its latest event time, and when (wall clock) it was heard. */
    private static final class Origin {
        final String key;
        long latest;
        long heardAt;

        Origin(String name, long latest, long heardAt) {
            this.key = TimerIndex.originKey(name);
            this.latest = latest;
            this.heardAt = heardAt;
        }
    }
}
