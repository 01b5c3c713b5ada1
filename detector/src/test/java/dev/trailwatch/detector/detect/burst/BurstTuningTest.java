package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.BYSTANDER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static dev.trailwatch.detector.detect.burst.BurstEvents.denied;
import static dev.trailwatch.detector.detect.burst.BurstEvents.failedLogin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.tuning.TuningException;
import dev.trailwatch.detector.tuning.TuningParser;
import dev.trailwatch.detector.tuning.TuningSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Exceptions and threshold overrides on the burst detections, through the real topology. */
class BurstTuningTest {

    private static final String LOGIN_BURST = FailedConsoleLoginBurstDetector.ID;

    private static final TuningSet SCANNER = tuning("""
            exceptions:
              - id: pentest-range
                reason: the yearly penetration test brute-forces the console from its own range
                owner: security-engineering
                rules: [failed-console-login-burst, console-password-spray]
                when:
                  sourceIp: 203.0.113.0/24
            """);

    @Test
    void staysQuietForABurstFromTheExceptedRangeIncludingItsFollowUp() {
        try (TopologyHarness topology = harness(SCANNER)) {
            pipeBurstAndCloseIt(topology, ATTACKER);

            assertThat(alertsOf(topology, LOGIN_BURST)).isEmpty();
            assertThat(excepted(topology, "pentest-range")).as("the first alert and its follow-up").isEqualTo(2);
        }
    }

    @Test
    void alertsForABurstFromOutsideTheExceptedRange() {
        try (TopologyHarness topology = harness(SCANNER)) {
            pipeBurstAndCloseIt(topology, BYSTANDER);

            List<Alert> alerts = alertsOf(topology, LOGIN_BURST);
            assertThat(alerts).hasSize(2).extracting(Alert::sourceIp).containsOnly(BYSTANDER);
            assertThat(excepted(topology, "pentest-range")).isZero();
        }
    }

    @Test
    void appliesAThresholdFromAnOverride() {
        TuningSet higher = tuning("""
                overrides:
                  - id: office-nat
                    reason: the whole office shares one NAT address
                    owner: soc
                    rule: failed-console-login-burst
                    settings: {threshold: 13}
                """);
        try (TopologyHarness topology = harness(higher)) {
            for (int i = 0; i < 12; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(10L * i)));
            }
            assertThat(alertsOf(topology, LOGIN_BURST)).as("12 failures, threshold 13").isEmpty();

            topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(130)));
            assertThat(alertsOf(topology, LOGIN_BURST)).singleElement()
                    .satisfies(alert -> assertThat(alert.evidence()).containsEntry("threshold", 13));
        }
    }

    @Test
    void exceptsAnAccessDeniedBurstOfARoleByItsName() {
        TuningSet scanner = tuning("""
                exceptions:
                  - id: prowler
                    reason: Prowler probes every permission and is denied most of them
                    owner: security-engineering
                    rule: access-denied-burst
                    when:
                      principal: "arn:aws:iam::111122223333:user/prowler*"
                """);
        try (TopologyHarness topology = harness(scanner)) {
            for (int i = 0; i < 20; i++) {
                topology.pipe(denied("prowler-ci", BYSTANDER, "ListUsers", atSeconds(5L * i)));
                topology.pipe(denied("mallory", ATTACKER, "ListUsers", atSeconds(5L * i + 1)));
            }

            assertThat(alertsOf(topology, AccessDeniedBurstDetector.ID)).extracting(Alert::principal)
                    .containsExactly(BurstEvents.arn("mallory"));
            assertThat(excepted(topology, "prowler")).isEqualTo(1);
        }
    }

    @Test
    void removesExactlyTheExceptedAlertsWhateverOrderTheEventsArriveIn() {
        List<TestEvents> events = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            events.add(failedLogin(ATTACKER, "alice", atSeconds(10L * i)));
            events.add(failedLogin(BYSTANDER, "bob", atSeconds(10L * i + 3)));
        }
        for (long seed : new long[] {1, 7}) {
            List<TestEvents> shuffled = new ArrayList<>(events);
            Collections.shuffle(shuffled, new Random(seed));
            List<String> untuned = burstAlerts(TuningSet.empty(), shuffled).alerts();
            Run tuned = burstAlerts(SCANNER, shuffled);

            List<String> fromTheRange = untuned.stream().filter(a -> a.contains(ATTACKER)).toList();
            assertThat(fromTheRange).as("order %d", seed).isNotEmpty();
            assertThat(tuned.alerts()).as("order %d: the untuned alerts without the excepted range's", seed)
                    .isEqualTo(untuned.stream().filter(a -> !a.contains(ATTACKER)).toList()).isNotEmpty();
            assertThat(tuned.excepted()).as("order %d", seed).isEqualTo(fromTheRange.size());
        }
    }

    private record Run(List<String> alerts, double excepted) {
    }

    private static Run burstAlerts(TuningSet tuning, List<TestEvents> events) {
        try (TopologyHarness topology = harness(tuning)) {
            events.forEach(topology::pipe);
            topology.pipe(failedLogin("192.0.2.1", "carol", at(Duration.ofHours(1))));
            return new Run(alertsOf(topology, LOGIN_BURST).stream()
                    .map(a -> a.alertId() + " " + a.sourceIp() + " " + a.eventCount()).sorted().toList(),
                    excepted(topology, "pentest-range"));
        }
    }

    /** Twelve failures in two minutes, then an event long after, which closes the window and sends the follow-up. */
    private static void pipeBurstAndCloseIt(TopologyHarness topology, String ip) {
        for (int i = 0; i < 12; i++) {
            topology.pipe(failedLogin(ip, i % 2 == 0 ? "alice" : "bob", atSeconds(10L * i)));
        }
        topology.pipe(failedLogin("192.0.2.1", "carol", at(Duration.ofHours(1))));
    }

    private static TopologyHarness harness(TuningSet tuning) {
        return new TopologyHarness(Map.of(), FlushSignal.never(), tuning);
    }

    private static double excepted(TopologyHarness topology, String exception) {
        var counter = topology.metrics.registry().find("trailwatch.alerts.excepted").tag("exception", exception)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static TuningSet tuning(String yaml) {
        try {
            return TuningParser.parse("test.yml", yaml);
        } catch (TuningException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
