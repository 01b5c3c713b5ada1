package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.deadletter.RejectReason;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.detect.kit.Punctuators;
import dev.trailwatch.detector.detect.kit.ReportBound;
import dev.trailwatch.detector.detect.kit.TimerIndex;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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
 * <p>Cost. The per-key states are read through a {@link StateMirror} (on the heap, exactly as stored) and the
 * seen ids through {@link TimerIndex}'s mirror: an event costs no store read and no deserialization, only the writes.
 */
abstract class WindowedProcessor<S extends WindowState<S>>
        implements Processor<String, CloudTrailEvent, String, BurstOutcome> {

    private static final Duration PUNCTUATE_EVERY = Duration.ofMinutes(1);
    private static final Duration ORIGIN_IDLE = Duration.ofMinutes(1);

    private final BurstStores names;
    private final long seenReach;
    private final DetectionKit kit;
    private ProcessorContext<String, BurstOutcome> context;
    private StateMirror<S> states;
    private TimerIndex expiry;
    /**
     * Per input partition (see {@link OriginStamp}): the latest event time seen, and when (wall clock) it came. The
     * event times are kept in the expiry store too and read back from it in {@link #init}: an origin this task heard
     * from before its last commit still holds its windows after a revive or a move (see {@link #observe}).
     */
    private final Map<String, Origin> origins = new HashMap<>();
    private final Punctuators punctuators = new Punctuators();
    /** The watermark windows were last closed at. */
    private long lastClose = Long.MIN_VALUE / 2;
    /** When (wall clock) {@link #init} last ran: see {@link #watermark}. */
    private long initAt;

    /** @param seenReach how long behind stream time an event id is remembered: as long as a copy would count */
    WindowedProcessor(String name, long seenReach, DetectionKit kit) {
        this.names = BurstStores.named(name);
        this.seenReach = seenReach;
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
        this.states = new StateMirror<>(context.getStateStore(names.state()));
        this.expiry = new TimerIndex(context.getStateStore(names.expiry()));
        // Kafka Streams calls init again on this same object when it revives the task after an exactly-once abort,
        // with the stores restored to the last commit and the records since read again: the fields must hold what
        // the committed records taught, no more (kept, an origin's event time judged its own replayed records late)
        // and no less (cleared, an origin heard from before the commit no longer held the windows its records still
        // on their way need: both lost a CRITICAL correlation). So the origins come back from the store, as a task
        // moved to another thread or instance finds them; each counts as heard from now.
        initAt = context.currentSystemTimeMs();
        origins.clear();
        expiry.originTimes().forEach((name, time) -> origins.put(name, new Origin(name, time, initAt)));
        lastClose = Long.MIN_VALUE / 2;
        punctuators.replace(context.schedule(PUNCTUATE_EVERY, PunctuationType.STREAM_TIME, this::closeDue),
                kit.flush().onRequest(context, this::closeEverything),
                ReportBound.schedule(context, kit, this::reportDue));
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
        // The stream-time punctuator runs before the record that advanced stream time reaches this processor, so it
        // sees this origin one record behind; close here instead, at the same one-minute granularity. The watermark
        // is at most stream time: until that reaches the next close, there is nothing to look up.
        long streamTime = context.currentStreamTimeMs();
        if (streamTime < lastClose + PUNCTUATE_EVERY.toMillis()) {
            return origin.latest;
        }
        long watermark = watermark(streamTime);
        if (watermark >= lastClose + PUNCTUATE_EVERY.toMillis()) {
            closeDue(watermark);
        }
        return origin.latest;
    }

    /**
     * How far windows may be closed: the task's stream time, held back to the slowest origin that sent anything in
     * the last {@link #ORIGIN_IDLE} of wall-clock time. While partitions are read from far behind at different speeds,
     * closing by the fastest would drop the slower partitions' open windows; an origin that has gone quiet (no login
     * or AccessDenied from its accounts lately) does not hold closing back.
     *
     * <p>An input partition this task has not heard from at all may still have records on their way: read by its
     * input task (so {@link #inputRead} does not hold it), but queued in the repartition behind other partitions'
     * later records. So for {@link #ORIGIN_IDLE} after {@link #init}, a processor fed through a repartition (one that
     * has heard from any origin) closes nothing until every input partition has been heard from (a task starting over a backlog gets each partition's first records within seconds). This
     * narrows the gap, it does not close it: a partition whose records take longer than that to come through the
     * repartition is still not waited for (docs/architecture.md, "Known gap"; {@code QueuedOriginGapTest}).
     */
    private long watermark(long streamTime) {
        long now = context.currentSystemTimeMs();
        if (!origins.isEmpty() && origins.size() < kit.watermark().partitionCount()
                && now - initAt <= ORIGIN_IDLE.toMillis()) {
            return Long.MIN_VALUE / 2;
        }
        long watermark = streamTime;
        for (Origin origin : origins.values()) {
            if (now - origin.heardAt <= ORIGIN_IDLE.toMillis()) {
                watermark = Math.min(watermark, origin.latest);
            }
        }
        return Math.min(watermark, inputRead());
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
        return expiry.firstSighting(event.eventId(), event.eventTime());
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
            expiry.schedule(next, key);
            state = state.withDueAt(next);
        }
        states.put(key, state);
    }

    private void closeDue(long streamTime) {
        long now = watermark(streamTime);
        lastClose = Math.max(lastClose, now);
        expiry.forgetSeenBefore(now - seenReach);
        for (String key : expiry.takeDueBefore(now)) {
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
        expiry.takeDueBefore(Long.MAX_VALUE);
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
