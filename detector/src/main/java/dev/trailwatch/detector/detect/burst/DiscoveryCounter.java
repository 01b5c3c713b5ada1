package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.kit.AlertIds;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.ReportBound;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts each principal's distinct read calls in aligned event-time buckets and alerts once per pair of adjacent
 * buckets that holds enough distinct calls across enough services.
 *
 * <p>Order of arrival does not matter: a bucket is a set of calls, a pair qualifies or not by its sets, and its
 * alert id is rule + principal + pair start. The alert goes out when the pair first qualifies; when the pair closes
 * (stream time past its end plus grace) an update with the same id lists everything the pair collected, if it grew.
 *
 * <p>Cost: reads are most of CloudTrail and a principal repeats the same few calls. A call already recorded in its
 * bucket changes nothing, so a bounded in-memory mirror of "recorded" facts answers repeats without touching the
 * store. The mirror only ever holds facts the store holds (it is filled after a write and emptied on every
 * {@code init}, so after a restart or a task move it simply starts cold); it changes how often the store is read,
 * never what is reported.
 */
final class DiscoveryCounter extends WindowedProcessor<DiscoveryState> {

    private static final int MIRROR_SIZE = 50_000;

    private final String ruleId;
    private final long bucket;
    private final long grace;
    private final Function<CloudTrailEvent, String> key;
    private final Function<CallPair, Optional<Alerts.Finding>> wording;
    private final Map<String, Boolean> recorded = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MIRROR_SIZE;
        }
    };

    /** @param wording the alert for a pair, or empty while the pair does not qualify */
    DiscoveryCounter(String name, String ruleId, long bucket, long grace, Function<CloudTrailEvent, String> key,
                     Function<CallPair, Optional<Alerts.Finding>> wording, DetectionKit kit) {
        super(name, 2 * bucket + grace, kit);
        this.ruleId = ruleId;
        this.bucket = bucket;
        this.grace = grace;
        this.key = key;
        this.wording = wording;
    }

    /** {@code eventSource:eventName}, the distinct unit of a discovery burst. */
    static String call(CloudTrailEvent event) {
        return event.eventSource() + ':' + event.eventName();
    }

    @Override
    public void init(ProcessorContext<String, BurstOutcome> context) {
        super.init(context);
        recorded.clear();
    }

    @Override
    public void process(Record<String, CloudTrailEvent> record) {
        CloudTrailEvent event = record.value();
        long now = observe(record);
        long start = Math.floorDiv(event.eventTime(), bucket) * bucket;
        if (closesAt(start) < now) {
            late(record);
            return;
        }
        String entity = key.apply(event);
        String call = call(event);
        boolean probe = DiscoveryBurstDetector.isProbe(event);
        String fact = entity + '|' + start + '|' + call + (probe ? "|denied" : "");
        if (recorded.get(fact) != null) {
            return;
        }
        DiscoveryState state = load(entity, now);
        CallBucket before = state.bucket(start).orElse(CallBucket.empty(start));
        CallBucket after = before.with(call, probe, event.eventId(), event.eventTime());
        if (after != before) {
            state = state.with(after);
            state = evaluate(entity, state, start - bucket, event);
            state = evaluate(entity, state, start, event);
            state = markGrown(entity, state, start - bucket);
            state = markGrown(entity, state, start);
            save(entity, state, now);
        }
        recorded.put(fact, Boolean.TRUE);
    }

    /** The pair starting at {@code start}: its alert now if it qualifies for the first time. */
    private DiscoveryState evaluate(String entity, DiscoveryState state, long start, CloudTrailEvent event) {
        if (state.fired(start).isPresent() || state.bucket(start).isEmpty() && state.bucket(start + bucket).isEmpty()) {
            return state;
        }
        CallPair pair = pair(entity, state, start);
        Optional<Alerts.Finding> finding = wording.apply(pair);
        if (finding.isEmpty() || firstBucketQualifiesAlone(entity, state, start)) {
            return state;
        }
        Alert alert = BurstAlerts.first(AlertIds.of(ruleId, entity, start), finding.get(), Anchor.of(event),
                pair.eventIds(), pair.calls().size(), pair.first(), pair.last());
        emit(alert, event.eventTime());
        return state.withFired(new DiscoveryState.Fired(start, alert, pair.calls().size(), 0));
    }

    /** An alerted pair that now holds calls its alert did not list waits for an update ({@code ReportBound}). */
    private DiscoveryState markGrown(String entity, DiscoveryState state, long start) {
        Optional<DiscoveryState.Fired> fired = state.fired(start);
        if (fired.isEmpty() || fired.get().pendingSince() > 0 || !outdated(fired.get(), pair(entity, state, start))) {
            return state;
        }
        return state.withFired(fired.get().pendingFrom(wallClock()));
    }

    @Override
    DiscoveryState reportDue(String key, DiscoveryState state, long now, Duration bound) {
        DiscoveryState reported = state;
        for (DiscoveryState.Fired fired : state.fired()) {
            if (ReportBound.due(fired.pendingSince(), now, bound)) {
                CallPair pair = pair(key, reported, fired.start());
                update(fired, pair);
                reported = reported.withFired(fired.reportedAs(pair.calls().size()));
            }
        }
        return reported;
    }

    /**
     * A burst inside one bucket qualifies in both pairs that hold the bucket; it is reported once, by the pair that
     * ends with it. (When a burst straddles two buckets and the first bucket's calls arrive after the second's, the
     * first bucket can come to qualify alone after the straddling pair alerted: then both alert.)
     */
    private boolean firstBucketQualifiesAlone(String entity, DiscoveryState state, long start) {
        return state.bucket(start).isPresent()
                && wording.apply(CallPair.of(entity, start, bucket, state.bucket(start), Optional.empty())).isPresent();
    }

    private CallPair pair(String entity, DiscoveryState state, long start) {
        return CallPair.of(entity, start, bucket, state.bucket(start), state.bucket(start + bucket));
    }

    /** When the pair starting at this bucket closes; the bucket is kept until then. */
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
        for (long start : starts(state)) {
            if (closesAt(start) < now) {
                close(key, open, start);
                open = open.without(start);
            }
        }
        return open;
    }

    @Override
    void closeAll(String key, DiscoveryState state) {
        state.fired().forEach(f -> close(key, state, f.start()));
    }

    @Override
    long nextDue(DiscoveryState state) {
        return closesAt(starts(state).stream().mapToLong(Long::longValue).min().orElseThrow()) + 1;
    }

    /** Starts of the buckets and of the alerted pairs (a pair may start at a bucket that holds nothing). */
    private static SortedSet<Long> starts(DiscoveryState state) {
        SortedSet<Long> starts = new TreeSet<>();
        state.buckets().forEach(b -> starts.add(b.start()));
        state.fired().forEach(f -> starts.add(f.start()));
        return starts;
    }

    /** The update of a pair's alert, when calls joined it after the alert went out. */
    private void close(String key, DiscoveryState state, long start) {
        Optional<DiscoveryState.Fired> fired = state.fired(start);
        if (fired.isEmpty()) {
            return;
        }
        CallPair pair = pair(key, state, start);
        if (outdated(fired.get(), pair)) {
            update(fired.get(), pair);
        }
    }

    /**
     * Whether the pair holds more than its alert (or last update) said: more calls, or enough denials for another
     * severity. Which call crossed the threshold depends on arrival order; the last word does not.
     */
    private boolean outdated(DiscoveryState.Fired fired, CallPair pair) {
        return pair.calls().size() > fired.reported() || wording.apply(pair)
                .map(finding -> finding.severity() != fired.alert().severity()).orElse(false);
    }

    /** The pair's alert again (same id), listing every call the pair holds now, at the severity they make. */
    private void update(DiscoveryState.Fired fired, CallPair pair) {
        wording.apply(pair).ifPresent(finding -> emit(BurstAlerts.followUp(fired.alert(), finding,
                pair.eventIds(), pair.calls().size(), pair.last()).toBuilder().severity(finding.severity()).build(),
                pair.last()));
    }
}
