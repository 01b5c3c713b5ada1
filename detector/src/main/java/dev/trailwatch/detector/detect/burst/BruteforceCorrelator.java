package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.kit.AlertIds;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.ReportBound;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Per source IP: finds failed-login bursts exactly as the failed-login burst does, and pairs each with the successful
 * console logins from the same IP between its start and {@code within} after its window. The first login of each
 * identity after a burst alerts at once; its further logins fold into one follow-up (same id) when the burst's
 * correlation window plus grace has passed. Logins are kept a while unclaimed, since the failures of one delivery
 * may be read after the login that ended them.
 *
 * <p>Input: failed and successful console logins keyed by source IP. A failure is late like in the burst (older than
 * stream time minus window minus grace); a login is late once no burst it could follow can still be open.
 */
final class BruteforceCorrelator extends WindowedProcessor<LoginState> {

    /** How the detection words a login that followed a burst. */
    @FunctionalInterface
    interface Wording {
        Alerts.Finding finding(String sourceIp, FailureBurst burst, Login login, long logins);
    }

    private final String ruleId;
    private final CorrelationLimits limits;
    private final Wording wording;

    BruteforceCorrelator(String ruleId, CorrelationLimits limits, Wording wording, DetectionKit kit) {
        super(ruleId, limits.loginReach(), kit);
        this.ruleId = ruleId;
        this.limits = limits;
        this.wording = wording;
    }

    @Override
    public void process(Record<String, CloudTrailEvent> record) {
        CloudTrailEvent event = record.value();
        boolean failure = ConsoleLogins.isFailed(event);
        long now = observe(record);
        if (event.eventTime() < now - (failure ? limits.failureReach() : limits.loginReach())) {
            late(record);
            return;
        }
        if (!firstSighting(event)) {
            return;
        }
        String ip = event.sourceIpAddress();
        LoginState state = load(ip, now);
        state = failure
                ? failed(ip, state, new Entry(event.eventTime(), event.eventId(), ConsoleLogins.target(event)))
                : loggedIn(ip, state, Login.of(event), now);
        save(ip, state, now);
    }

    private LoginState failed(String ip, LoginState state, Entry failure) {
        int covering = state.burstWhere(b -> b.covers(failure.time()));
        if (covering >= 0) {
            return state.withBurst(covering, state.bursts().get(covering).plus(failure));
        }
        List<Entry> pending = Entry.insert(state.failures(), failure);
        var span = SpanFinder.find(pending, failure.time(), limits.window(), limits.threshold(), 1);
        if (span.isEmpty()) {
            return state.withFailures(pending);
        }
        FailureBurst burst = FailureBurst.of(pending.subList(span.get().from(), span.get().to()), limits.window());
        List<Entry> rest = new ArrayList<>(pending.subList(0, span.get().from()));
        rest.addAll(pending.subList(span.get().to(), pending.size()));
        List<Login> unclaimed = new ArrayList<>();
        for (Login login : state.logins()) {
            if (burst.isFollowedBy(login.time(), limits.within())) {
                burst = correlated(ip, burst, login);
            } else {
                unclaimed.add(login);
            }
        }
        return state.opened(burst, rest, unclaimed);
    }

    private LoginState loggedIn(String ip, LoginState state, Login login, long now) {
        int followed = state.burstWhere(b -> b.isFollowedBy(login.time(), limits.within()));
        if (followed >= 0) {
            return state.withBurst(followed, correlated(ip, state.bursts().get(followed), login));
        }
        // A burst that begins at or before this login may still form while its failures are not late.
        return login.time() >= now - limits.failureReach() ? state.withLogin(login) : state;
    }

    /** The first login of an identity after a burst alerts now; later ones fold into its follow-up. */
    private FailureBurst correlated(String ip, FailureBurst burst, Login login) {
        Correlation existing = burst.correlationOf(login.identity());
        if (existing != null) {
            folded(ruleId);
            return burst.with(existing.plus(login, wallClock()));
        }
        String alertId = AlertIds.of(ruleId, ip + '|' + login.identity(), burst.start());
        Alert alert = BurstAlerts.first(alertId, wording.finding(ip, burst, login, 1), login.anchor(),
                List.of(login.eventId()), 1, login.time(), login.time());
        emit(alert, login.time());
        return burst.with(new Correlation(login, alert));
    }

    @Override
    LoginState empty() {
        return LoginState.EMPTY;
    }

    @Override
    LoginState closeExpired(String ip, LoginState state, long now) {
        List<FailureBurst> open = new ArrayList<>();
        for (FailureBurst burst : state.bursts()) {
            if (burst.end() + limits.within() + limits.grace() < now) {
                closeBurst(ip, burst);
            } else {
                open.add(burst);
            }
        }
        return state.withBursts(open).prunedBefore(now - limits.failureReach());
    }

    @Override
    void closeAll(String ip, LoginState state) {
        state.bursts().forEach(burst -> closeBurst(ip, burst));
    }

    @Override
    long nextDue(LoginState state) {
        return state.nextDue(limits.within() + limits.grace(), limits.failureReach());
    }

    @Override
    LoginState reportDue(String ip, LoginState state, long now, Duration bound) {
        List<FailureBurst> bursts = new ArrayList<>(state.bursts());
        boolean changed = false;
        for (int i = 0; i < bursts.size(); i++) {
            FailureBurst burst = bursts.get(i);
            for (Correlation c : burst.correlations()) {
                if (ReportBound.due(c.pendingSince(), now, bound)) {
                    report(ip, burst, c);
                    burst = burst.with(c.reportedAll());
                    changed = true;
                }
            }
            bursts.set(i, burst);
        }
        return changed ? state.withBursts(bursts) : state;
    }

    /** A follow-up for each identity that logged in again after its alert, unless already reported. */
    private void closeBurst(String ip, FailureBurst burst) {
        for (Correlation c : burst.correlations()) {
            if (c.unreported()) {
                report(ip, burst, c);
            }
        }
    }

    /** An update of the identity's alert (same id) covering every login so far. */
    private void report(String ip, FailureBurst burst, Correlation c) {
        Alert update = BurstAlerts.followUp(c.alert(), wording.finding(ip, burst, c.first(), c.count()),
                c.eventIds(), c.count(), c.lastEventTime());
        emit(update, c.lastEventTime());
    }
}
