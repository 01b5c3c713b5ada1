package dev.trailwatch.detector.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Exceptions and overrides applied by the real topology to watch-list alerts: what is excepted and what is not, the
 * updates of an excepted alert, expiry by event time, severity overrides, disabled rules, and the metrics.
 */
class TuningTopologyTest {

    static final String RULE = "cloudtrail-logging-stopped";
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String ALICE = "arn:aws:iam::" + TestEvents.ACCOUNT + ":user/alice";

    static TuningSet tuning(String yaml) {
        try {
            return TuningParser.parse("test.yml", yaml);
        } catch (TuningException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static final TuningSet ALICE_MAY_STOP_LOGGING = tuning("""
            exceptions:
              - id: alice-rotates-trails
                reason: alice's trail rotation job stops the old trail
                owner: cloud-team
                expires: 2026-11-21T00:00:00Z
                rule: cloudtrail-logging-stopped
                when:
                  principal: "arn:aws:iam::*:user/alice"
                  pattern: '{ $.requestParameters.name = "*:trail/org-trail" }'
            """);

    @Test
    void staysQuietForTheExceptedPrincipalAndCountsIt() {
        try (TopologyHarness topology = harness(ALICE_MAY_STOP_LOGGING)) {
            topology.pipe(TestEvents.stopLogging(T0));

            assertThat(ruleAlerts(topology)).isEmpty();
            assertThat(excepted(topology.metrics, "alice-rotates-trails")).isEqualTo(1);
        }
    }

    @Test
    void alertsForAnotherPrincipalOrAnotherTrail() {
        try (TopologyHarness topology = harness(ALICE_MAY_STOP_LOGGING)) {
            topology.pipe(TestEvents.stopLogging(T0).user("mallory"));
            TestEvents otherTrail = TestEvents.stopLogging(T0.plusSeconds(60));
            otherTrail.json().with("requestParameters").put("name", "security-trail");
            topology.pipe(otherTrail);

            assertThat(ruleAlerts(topology)).extracting(Alert::principal)
                    .containsExactly("arn:aws:iam::" + TestEvents.ACCOUNT + ":user/mallory", ALICE);
            assertThat(excepted(topology.metrics, "alice-rotates-trails")).isZero();
        }
    }

    @Test
    void exceptsTheUpdatesOfAnExceptedAlertToo() {
        List<Alert> untuned;
        try (TopologyHarness topology = harness(TuningSet.empty())) {
            pipeRepeatsAndCloseTheSuppressionWindow(topology);
            untuned = ruleAlerts(topology);
        }
        assertThat(untuned).as("without tuning: the alert and its follow-up, one id").hasSize(2)
                .extracting(Alert::alertId).containsOnly(untuned.get(0).alertId());

        try (TopologyHarness topology = harness(ALICE_MAY_STOP_LOGGING)) {
            pipeRepeatsAndCloseTheSuppressionWindow(topology);

            assertThat(ruleAlerts(topology)).isEmpty();
            assertThat(excepted(topology.metrics, "alice-rotates-trails")).isEqualTo(2);
        }
    }

    @Test
    void stopsApplyingAtItsExpiryByEventTime() {
        try (TopologyHarness topology = harness(ALICE_MAY_STOP_LOGGING)) {
            topology.pipe(TestEvents.stopLogging(Instant.parse("2026-11-20T23:59:59Z")));
            topology.pipe(TestEvents.stopLogging(Instant.parse("2026-11-21T01:00:00Z")));

            assertThat(ruleAlerts(topology)).singleElement().satisfies(alert ->
                    assertThat(alert.firstEventTime()).isEqualTo(Instant.parse("2026-11-21T01:00:00Z")));
            assertThat(excepted(topology.metrics, "alice-rotates-trails")).isEqualTo(1);
        }
    }

    @Test
    void writesTheSeverityAnOverrideGives() {
        TuningSet lower = tuning("""
                overrides:
                  - {id: trail-medium, reason: our trails are managed by StackSets, owner: soc,
                     rule: cloudtrail-logging-stopped, severity: MEDIUM}
                """);
        try (TopologyHarness topology = harness(lower)) {
            topology.pipe(TestEvents.stopLogging(T0));

            assertThat(ruleAlerts(topology)).singleElement()
                    .satisfies(alert -> assertThat(alert.severity()).isEqualTo(Severity.MEDIUM));
            assertThat(alertsTotal(topology.metrics, Severity.MEDIUM)).isEqualTo(1);
            assertThat(alertsTotal(topology.metrics, Severity.HIGH)).isZero();
        }
    }

    @Test
    void countsButDoesNotWriteAnAlertAnOverrideLowersBelowTheMinimumSeverity() {
        TuningSet info = tuning("""
                overrides:
                  - {id: trail-info, reason: r, owner: soc, rule: cloudtrail-logging-stopped, severity: INFO}
                """);
        try (TopologyHarness topology = harness(info)) {
            topology.pipe(TestEvents.stopLogging(T0));

            assertThat(ruleAlerts(topology)).isEmpty();
            assertThat(alertsTotal(topology.metrics, Severity.INFO)).isEqualTo(1);
        }
    }

    @Test
    void writesNothingForADisabledRuleAndSaysSo() {
        TuningSet off = tuning("""
                overrides:
                  - {id: no-trail-alerts, reason: r, owner: soc, rule: cloudtrail-logging-stopped, disabled: true}
                """);
        try (TopologyHarness topology = harness(off)) {
            topology.pipe(TestEvents.stopLogging(T0));
            topology.pipe(TestEvents.event("iam.amazonaws.com", "CreateUser", T0.plusSeconds(5)));

            assertThat(topology.alertValues()).as("other rules alert as before").extracting(Alert::ruleId)
                    .contains("iam-user-created").doesNotContain(RULE);
            assertThat(topology.metrics.registry().find("trailwatch.alerts.disabled").tag("rule", RULE).counter()
                    .count()).isEqualTo(1);
        }
    }

    @Test
    void disablesARuleOnlyInTheAccountsItNames() {
        TuningSet off = tuning("""
                overrides:
                  - {id: trail-off-elsewhere, reason: r, owner: soc, rule: cloudtrail-logging-stopped,
                     disabled: true, accounts: ["999988887777"]}
                """);
        try (TopologyHarness topology = harness(off)) {
            topology.pipe(TestEvents.stopLogging(T0));

            assertThat(ruleAlerts(topology)).hasSize(1);
        }
    }

    @Test
    void appliesANewTuningSetFromTheNextAlertOnWithoutARestart() {
        AtomicReference<TuningSet> current = new AtomicReference<>(TuningSet.empty());
        try (TopologyHarness topology = new TopologyHarness(Map.of(), FlushSignal.never(), current::get)) {
            topology.pipe(TestEvents.stopLogging(T0));
            current.set(ALICE_MAY_STOP_LOGGING);
            topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofHours(2))));
            current.set(TuningSet.empty());
            topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofHours(4))));

            assertThat(ruleAlerts(topology)).extracting(Alert::firstEventTime)
                    .containsExactly(T0, T0.plus(Duration.ofHours(4)));
            assertThat(excepted(topology.metrics, "alice-rotates-trails")).isEqualTo(1);
        }
    }

    private static TopologyHarness harness(TuningSet tuning) {
        return new TopologyHarness(Map.of(), FlushSignal.never(), tuning);
    }

    /** Alice stops the trail three times within the hour, then time moves past the suppression window. */
    private static void pipeRepeatsAndCloseTheSuppressionWindow(TopologyHarness topology) {
        topology.pipe(TestEvents.stopLogging(T0));
        topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(10))));
        topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(20))));
        topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0.plus(Duration.ofHours(2))));
    }

    private static List<Alert> ruleAlerts(TopologyHarness topology) {
        return topology.alertValues().stream().filter(a -> a.ruleId().equals(RULE)).toList();
    }

    static double excepted(TrailWatchMetrics metrics, String exception) {
        Counter counter = metrics.registry().find("trailwatch.alerts.excepted").tag("exception", exception).counter();
        return counter == null ? 0 : counter.count();
    }

    private static double alertsTotal(TrailWatchMetrics metrics, Severity severity) {
        Counter counter = metrics.registry().find("trailwatch.alerts").tag("rule", RULE)
                .tag("severity", severity.name()).counter();
        return counter == null ? 0 : counter.count();
    }
}
