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
 * Per source IP: counts failed console logins in windows aligned to the epoch, as failed-console-login-burst does
 * (a window holding the threshold is a burst), and pairs each burst with the successful console logins from the same
 * IP from its start to {@code within} after its end. One alert per burst and identity that got in, at once, with the
 * id {@code AlertIds.of(rule, ip|identity, windowStart)}; the identity's further logins fold into it, and once no
 * login of it can still arrive (the burst's end + within + grace) an update goes out if the alert as it stands
 * differs from what was sent. A login may follow more than one burst (failures that run over several windows): it
 * is reported for each.
 *
 * <p>Order does not matter: a login read before the failures that preceded it is kept until every window it could
 * follow has stopped taking failures; a burst that forms then claims it. What the alert carries is a function of the
 * failures and logins: the earliest login anchors it, its events are the first logins by (event time, event id).
 *
 * <p>Windows close only as the watermark of the whole input passes them ({@link WindowedProcessor}), never by the
 * time of the record at hand: failures and logins of one IP come from several input partitions (one per account),
 * and a partition read ahead must not close what another is still filling.
 *
 * <p>Input: failed and successful console logins keyed by source IP. A failure is late once its window takes no more
 * failures, a login once no burst it could follow takes logins, judged by event time on the input partition it came
 * from.
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
        super(ruleId, limits.seenReach(), LoginStateCodec.SERDE, kit);
        this.ruleId = ruleId;
        this.limits = limits;
        this.wording = wording;
    }

    @Override
    public void process(Record<String, CloudTrailEvent> record) {
        if (progress(record)) {
            return;
        }
        CloudTrailEvent event = record.value();
        boolean failure = ConsoleLogins.isFailed(event);
        long now = observe(record);
        long time = event.eventTime();
        if ((failure ? limits.failureLateAt(time) : limits.loginLateAt(time)) <= now) {
            late(record);
            return;
        }
        if (!firstSighting(event)) {
            return;
        }
        String ip = event.sourceIpAddress();
        LoginState state = current(ip);
        state = failure ? failed(ip, state, time, ConsoleLogins.target(event)) : loggedIn(ip, state, Login.of(event));
        save(ip, state, now);
    }

    private LoginState failed(String ip, LoginState state, long time, String target) {
        FailureBurst before = state.window(limits.windowStart(time), limits.window());
        FailureBurst burst = before.plus(target);
        if (burst.isBurst(limits.threshold()) && !before.isBurst(limits.threshold())) {
            for (Login login : state.logins()) {
                if (burst.isFollowedBy(login.time(), limits.within())) {
                    burst = correlated(ip, burst, login);
                }
            }
        } else if (before.isBurst(limits.threshold())) {
            // Its alerts name the failure count: they are due an update.
            FailureBurst grown = burst;
            burst = burst.withEach(c -> changed(ip, grown, c));
        }
        return state.with(burst);
    }

    private LoginState loggedIn(String ip, LoginState state, Login login) {
        LoginState next = state.withLogin(login);
        for (FailureBurst burst : state.bursts()) {
            if (burst.isBurst(limits.threshold()) && burst.isFollowedBy(login.time(), limits.within())) {
                next = next.with(correlated(ip, burst, login));
            }
        }
        return next;
    }

    /** The identity's first login after the burst alerts now; a later one folds into its alert. */
    private FailureBurst correlated(String ip, FailureBurst burst, Login login) {
        Correlation existing = burst.correlationOf(login.identity());
        if (existing == null) {
            Correlation c = Correlation.of(AlertIds.of(ruleId, ip + '|' + login.identity(), burst.start()), login);
            emit(alert(ip, burst, c), login.time());
            return burst.with(c.sent(content(burst, c)));
        }
        folded(ruleId);
        return burst.with(changed(ip, burst, existing.plus(login)));
    }

    /** The correlation waiting unreported when its alert as it stands differs from what was sent. */
    private Correlation changed(String ip, FailureBurst burst, Correlation c) {
        return content(burst, c).equals(c.sent()) ? c : c.pendingFrom(wallClock());
    }

    @Override
    LoginState empty() {
        return LoginState.EMPTY;
    }

    @Override
    LoginState closeExpired(String ip, LoginState state, long now) {
        List<FailureBurst> open = new ArrayList<>();
        for (FailureBurst burst : state.bursts()) {
            if (limits.loginsUntil(burst.start()) <= now) {
                closeBurst(ip, burst);
            } else if (burst.isBurst(limits.threshold()) || limits.failuresUntil(burst.start()) > now) {
                open.add(burst);
            }
        }
        List<Login> needed = state.logins().stream().filter(l -> limits.loginKeptUntil(l.time()) > now).toList();
        return state.withBursts(open).withLogins(needed);
    }

    @Override
    void closeAll(String ip, LoginState state) {
        state.bursts().forEach(burst -> closeBurst(ip, burst));
    }

    @Override
    long nextDue(LoginState state) {
        long due = Long.MAX_VALUE;
        for (FailureBurst burst : state.bursts()) {
            due = Math.min(due, burst.isBurst(limits.threshold()) ? limits.loginsUntil(burst.start())
                    : limits.failuresUntil(burst.start()));
        }
        for (Login login : state.logins()) {
            due = Math.min(due, limits.loginKeptUntil(login.time()));
        }
        return due;
    }

    @Override
    LoginState reportDue(String ip, LoginState state, long now, Duration bound) {
        LoginState next = state;
        for (FailureBurst burst : state.bursts()) {
            for (Correlation c : burst.correlations()) {
                if (ReportBound.due(c.pendingSince(), now, bound)) {
                    report(ip, burst, c);
                    next = next.with(next.window(burst.start(), limits.window()).with(c.sent(content(burst, c))));
                }
            }
        }
        return next;
    }

    /** The burst's last word: an update of each alert that differs from what was sent. */
    private void closeBurst(String ip, FailureBurst burst) {
        for (Correlation c : burst.correlations()) {
            if (!content(burst, c).equals(c.sent())) {
                report(ip, burst, c);
            }
        }
    }

    private void report(String ip, FailureBurst burst, Correlation c) {
        emit(alert(ip, burst, c), c.lastEventTime());
    }

    /** The alert of one identity after one burst, as it stands: anchored on its earliest login. */
    private Alert alert(String ip, FailureBurst burst, Correlation c) {
        Login first = c.first();
        return BurstAlerts.first(c.alertId(), wording.finding(ip, burst, first, c.count()), first.anchor(),
                c.eventIds(), c.count(), first.time(), c.lastEventTime());
    }

    /** What a reader compares between two versions of the alert: anchor, logins, and the burst it names. */
    private static String content(FailureBurst burst, Correlation c) {
        return c.first().eventId() + '|' + c.count() + '|' + c.lastEventTime() + '|' + c.eventIds().hashCode() + '|'
                + burst.count() + '|' + burst.targets().hashCode();
    }
}
