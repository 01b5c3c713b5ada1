package dev.trailwatch.detector.detect.location;

import dev.trailwatch.detector.detect.kit.AlertIds;
import dev.trailwatch.detector.detect.kit.Punctuators;
import dev.trailwatch.detector.detect.kit.ReportBound;
import dev.trailwatch.detector.detect.kit.StreamTimeAlarm;
import dev.trailwatch.detector.detect.kit.TimerIndex;
import dev.trailwatch.detector.detect.kit.UnreadableTimers;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.IpLocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Learns where each user signs in to the console from and raises console-login-new-country and
 * console-login-new-asn (see {@link LoginLocationFamily}). Reads only successful console logins, a tiny share of
 * events: per login one GeoIP lookup and one baseline read (an LRU of deserialized baselines in front of the store).
 *
 * <p>Alerts are a function of the input within the reorder horizon (the larger of {@code reorder.horizon} and
 * {@code burst.grace}, as {@link dev.trailwatch.detector.detect.kit.DetectionKit#graceMillis} gives every burst): a
 * sign-in from a new place is held (in the baseline, so it survives restarts) until event time passes its time plus
 * the horizon. An earlier
 * sign-in from the same place arriving meanwhile takes its place (or cancels it, when it fell in the learning period),
 * so the alert is always about the first sign-in from the place, whatever the arrival order. A wall-clock bound
 * ({@code alerts.report-within}) sends a held alert anyway when the partition goes quiet, and {@code scan} sends them
 * all at the end of its input.
 *
 * <p>A timer key it cannot read (not {@link TimerIndex}'s {@code <19-digit time>|<user>}: a store written by another
 * version, or damaged) is dropped when the task starts ({@link UnreadableTimers}: a warning and a count), and the
 * user it names gets its timer back from the held alerts in its baseline, the source of truth: such a key would
 * otherwise look due at every stream time (the alarm ringing on every turn) and never be taken.
 */
final class LoginLocationProcessor implements Processor<String, CloudTrailEvent, String, Alert> {

    private static final Duration MIN_SWEEP = Duration.ofMinutes(1);
    static final String COUNTRY = "country:";
    static final String NETWORK = "asn:";

    private final LoginLocationFamily.Parameters params;
    private final Map<String, Long> heldSince = new HashMap<>();
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, LoginBaseline> store;
    private TimerIndex timers;
    /** The earliest time a held alert is due (event time); Long.MAX_VALUE when none is held. */
    private long nextDue;
    /** Rings when stream time reaches {@link #nextDue}: one punctuation per due time, not one a second. */
    private StreamTimeAlarm releaseAlarm;
    private Map<String, LoginBaseline> cache;
    private final Punctuators punctuators = new Punctuators();

    LoginLocationProcessor(LoginLocationFamily.Parameters params) {
        this.params = params;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        this.store = context.getStateStore(params.baselineStore());
        this.timers = new TimerIndex(context.getStateStore(params.timerStore()));
        this.cache = lru(params.cacheSize());
        heldSince.clear();
        UnreadableTimers.drop(timers, LoginLocationFamily.NAME, context.taskId(), params.kit().metrics().registry(),
                this::retime);
        this.nextDue = timers.earliest();
        this.releaseAlarm = new StreamTimeAlarm(context, this::releaseDue);
        long sweepEvery = Math.max(MIN_SWEEP.toMillis(), Math.min(Duration.ofDays(1).toMillis(), params.ttl() / 10));
        punctuators.replace(context.schedule(Duration.ofMillis(sweepEvery), PunctuationType.STREAM_TIME,
                        this::forgetIdle),
                releaseAlarm,
                params.kit().flush().onRequest(context, this::releaseAll),
                ReportBound.schedule(context, params.kit(), this::releaseOverdue));
        releaseAlarm.setAt(nextDue);
    }

    @Override
    public void close() {
        punctuators.cancel();
    }

    @Override
    public void process(Record<String, CloudTrailEvent> record) {
        CloudTrailEvent event = record.value();
        if (!LoginLocationFamily.isSuccessfulConsoleLogin(event)) {
            return;
        }
        IpLocation location = params.geoIp().locate(event.sourceIpAddress());
        String user = LoginLocationFamily.userKey(event);
        if (location.isUnknown() || user == null) {
            return;
        }
        long time = event.eventTime();
        LoginBaseline baseline = baselineOf(user, time);
        if (baseline == null) {
            baseline = LoginBaseline.startingAt(time);
        }
        baseline.signedIn(time);
        boolean learning = baseline.learning(time, params.learningPeriod());
        boolean newCountry = location.country() != null
                && visit(baseline, baseline.countries(), COUNTRY, location.country(), event, learning, location);
        if (location.asn() != null) {
            // A new country is almost always a new network too: its alert names the network; no second alert.
            visit(baseline, baseline.networks(), NETWORK, Long.toString(location.asn()), event, learning || newCountry,
                    location);
        }
        store.put(user, baseline);
        cache.put(user, baseline);
    }

    /**
     * Records the sign-in from one place; holds an alert when it starts a new stretch after the learning period. An
     * earlier sign-in from a place whose alert is held replaces it (or, inside the learning period, cancels it).
     * True when the place was new.
     */
    private boolean visit(LoginBaseline baseline, Map<String, LoginBaseline.Place> places, String kind, String name,
                          CloudTrailEvent event, boolean quiet, IpLocation location) {
        long time = event.eventTime();
        boolean isNew = LoginBaseline.visit(places, name, time, params.ttl());
        String slot = kind + name;
        LoginBaseline.Pending held = baseline.pending().get(slot);
        if (held != null && time < held.event().eventTime()) {
            baseline.pending().remove(slot);
            if (!quiet) {
                hold(baseline, slot, event, location);
            }
        } else if (isNew && !quiet) {
            hold(baseline, slot, event, location);
        }
        return isNew;
    }

    /** The alert of a held sign-in, worded from the baseline as it is when the alert goes out. */
    private Alert draft(String slot, LoginBaseline.Pending pending, LoginBaseline baseline) {
        CloudTrailEvent event = pending.event();
        IpLocation location = pending.location();
        String kind = slot.startsWith(COUNTRY) ? COUNTRY : NETWORK;
        String name = slot.substring(kind.length());
        long time = event.eventTime();
        String user = LoginLocationFamily.userKey(event);
        if (kind.equals(COUNTRY)) {
            var known = LoginBaseline.known(baseline.countries(), time, params.ttl(), name);
            return LoginLocationFamily.alert(
                    ConsoleLoginNewCountryDetector.finding(event, location, known, baseline.firstSeen()), event,
                    AlertIds.of(ConsoleLoginNewCountryDetector.ID, user + '|' + name, time));
        }
        var known = LoginBaseline.known(baseline.networks(), time, params.ttl(), name);
        return LoginLocationFamily.alert(
                ConsoleLoginNewAsnDetector.finding(event, location, known, baseline.firstSeen()), event,
                AlertIds.of(ConsoleLoginNewAsnDetector.ID, user + '|' + name, time));
    }

    private void hold(LoginBaseline baseline, String slot, CloudTrailEvent event, IpLocation location) {
        long due = event.eventTime() + params.horizon();
        baseline.pending().put(slot, new LoginBaseline.Pending(event, location, due));
        String user = LoginLocationFamily.userKey(event);
        timers.schedule(due, user);
        nextDue = Math.min(nextDue, due);
        releaseAlarm.setAt(due);
        heldSince.putIfAbsent(user, context.currentSystemTimeMs());
    }

    /**
     * Sends the held alerts whose horizon event time has passed ({@link #releaseAlarm} rings once stream time reaches
     * the earliest) and sets the alarm for the next.
     */
    private void releaseDue(long streamTime) {
        if (streamTime >= nextDue) {
            for (String user : timers.takeDueBefore(streamTime + 1)) {
                release(user, pending -> pending.due() <= streamTime);
            }
            nextDue = timers.earliest();
        }
        releaseAlarm.setAt(nextDue);
    }

    /** A user's held alerts timed again, from its baseline (its timer key could not be read): how many. */
    private int retime(String user) {
        LoginBaseline baseline = store.get(user);
        if (baseline == null) {
            return 0;
        }
        baseline.pending().values().forEach(pending -> timers.schedule(pending.due(), user));
        return baseline.pending().size();
    }

    /** Sends held alerts of users holding them longer than the wall-clock bound (a partition gone quiet). */
    private void releaseOverdue(long now) {
        List<String> due = new ArrayList<>();
        heldSince.forEach((user, since) -> {
            if (ReportBound.due(since, now, params.kit().reportWithin())) {
                due.add(user);
            }
        });
        due.forEach(user -> release(user, pending -> true));
    }

    /** End of input ({@code scan}): everything held goes out, as it would once event time moved on. */
    private void releaseAll() {
        List<String> users = new ArrayList<>();
        try (KeyValueIterator<String, LoginBaseline> all = store.all()) {
            all.forEachRemaining(entry -> {
                if (!entry.value.pending().isEmpty()) {
                    users.add(entry.key);
                }
            });
        }
        users.forEach(user -> release(user, pending -> true));
    }

    private void release(String user, Predicate<LoginBaseline.Pending> ready) {
        LoginBaseline baseline = cache.containsKey(user) ? cache.get(user) : store.get(user);
        if (baseline == null) {
            heldSince.remove(user);
            return;
        }
        List<Map.Entry<String, LoginBaseline.Pending>> out = new ArrayList<>();
        for (Map.Entry<String, LoginBaseline.Pending> entry : baseline.pending().entrySet()) {
            if (ready.test(entry.getValue())) {
                out.add(entry);
            }
        }
        if (out.isEmpty()) {
            return;
        }
        out.sort(Map.Entry.comparingByKey());
        for (Map.Entry<String, LoginBaseline.Pending> entry : out) {
            baseline.pending().remove(entry.getKey());
            LoginBaseline.Pending pending = entry.getValue();
            CloudTrailEvent event = pending.event();
            context.forward(new Record<>(event.recipientAccountId(), draft(entry.getKey(), pending, baseline),
                    event.eventTime()));
        }
        if (baseline.pending().isEmpty()) {
            heldSince.remove(user);
        }
        store.put(user, baseline);
        cache.put(user, baseline);
    }

    private LoginBaseline baselineOf(String user, long time) {
        LoginBaseline baseline = cache.get(user);
        if (baseline == null) {
            baseline = store.get(user);
        }
        if (baseline == null || (baseline.idle(time, params.ttl()) && baseline.pending().isEmpty())) {
            return null;
        }
        return baseline;
    }

    /** Forgets places and users idle longer than the TTL, so state follows who signs in now. */
    private void forgetIdle(long streamTime) {
        long ttl = params.ttl();
        List<KeyValue<String, LoginBaseline>> changed = new ArrayList<>();
        try (KeyValueIterator<String, LoginBaseline> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, LoginBaseline> entry = all.next();
                LoginBaseline baseline = entry.value;
                if (!baseline.pending().isEmpty()) {
                    continue;
                }
                if (baseline.idle(streamTime, ttl)) {
                    changed.add(KeyValue.pair(entry.key, null));
                } else if (baseline.expire(streamTime, ttl)) {
                    changed.add(KeyValue.pair(entry.key, baseline));
                }
            }
        }
        for (KeyValue<String, LoginBaseline> change : changed) {
            cache.remove(change.key);
            if (change.value == null) {
                store.delete(change.key);
            } else {
                store.put(change.key, change.value);
            }
        }
    }

    private static Map<String, LoginBaseline> lru(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, LoginBaseline> eldest) {
                return size() > capacity;
            }
        };
    }
}
