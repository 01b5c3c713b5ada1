package dev.trailwatch.detector.suppress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Repeats of one rule for one principal fold into one alert and at most one follow-up per aligned window. */
class SuppressionTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void sendsTheFirstMatchAtOnceAndFoldsRepeatsIntoOneFollowUpWhenTheWindowCloses() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 5; i++) {
                topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(10L * i))).user("mallory"));
            }
            List<Alert> sofar = topology.alertValues();
            assertThat(sofar).hasSize(1);
            assertThat(sofar.get(0).eventCount()).isEqualTo(1);

            // Event time moves past the 1 h window: the follow-up goes out, with the same id.
            topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0.plus(Duration.ofMinutes(62))));
            List<Alert> followUps = topology.alertValues();
            assertThat(followUps).hasSize(1);
            Alert followUp = followUps.get(0);
            assertThat(followUp.alertId()).isEqualTo(sofar.get(0).alertId());
            assertThat(followUp.eventCount()).isEqualTo(5);
            assertThat(followUp.eventIds()).hasSize(5);
            assertThat(followUp.firstEventTime()).isEqualTo(T0);
            assertThat(followUp.lastEventTime()).isEqualTo(T0.plus(Duration.ofMinutes(40)));
        }
    }

    @Test
    void sendsNoFollowUpWhenNothingWasFolded() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(TestEvents.stopLogging(T0).user("mallory"));
            topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0.plus(Duration.ofHours(3))));

            assertThat(topology.alertValues()).hasSize(1);
        }
    }

    @Test
    void startsANewAlertWithANewIdAfterTheWindow() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(TestEvents.stopLogging(T0).user("mallory"));
            topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(61))).user("mallory"));

            List<Alert> alerts = topology.alertValues();
            assertThat(alerts).hasSize(2);
            assertThat(alerts.get(0).alertId()).isNotEqualTo(alerts.get(1).alertId());
        }
    }

    @Test
    void keepsPrincipalsApart() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(TestEvents.stopLogging(T0).user("mallory"));
            topology.pipe(TestEvents.stopLogging(T0.plusSeconds(30)).user("trent"));

            assertThat(topology.alertValues()).extracting(Alert::principal).containsExactly(
                    "arn:aws:iam::111122223333:user/mallory", "arn:aws:iam::111122223333:user/trent");
        }
    }

    @Test
    void neverCountsAnEventDeliveredTwice() {
        try (TopologyHarness topology = new TopologyHarness()) {
            TestEvents stop = TestEvents.stopLogging(T0).user("mallory");
            topology.pipe(stop);
            topology.pipe(stop);
            topology.pipe(stop);
            topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0.plus(Duration.ofHours(2))));

            assertThat(topology.alertValues()).hasSize(1);
        }
    }

    @Test
    void honoursAConfiguredWindowAlignedToTheEpoch() {
        try (TopologyHarness topology = new TopologyHarness(Map.of("suppression.window", "10m"),
                FlushSignal.never())) {
            // Windows [10:00, 10:10) and [10:10, 10:20): 10:09 folds into the first, 10:11 opens the second.
            topology.pipe(TestEvents.stopLogging(T0).user("mallory"));
            topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(9))).user("mallory"));
            topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(11))).user("mallory"));

            List<Alert> alerts = topology.alertValues();
            assertThat(alerts).extracting(Alert::eventCount).containsExactly(1L, 1L, 2L);
            assertThat(alerts.get(2).alertId()).isEqualTo(alerts.get(0).alertId());
            assertThat(alerts.get(1).alertId()).isNotEqualTo(alerts.get(0).alertId());
        }
    }

    @Test
    void foldsRepeatsStraddlingAWindowBoundaryIntoOneAlertPerWindow() {
        try (TopologyHarness topology = new TopologyHarness()) {
            // Ten minutes apart, but on both sides of 11:00: the aligned windows' one trade-off.
            topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(55))).user("mallory"));
            topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(65))).user("mallory"));

            List<Alert> alerts = topology.alertValues();
            assertThat(alerts).hasSize(2);
            assertThat(alerts.get(0).alertId()).isNotEqualTo(alerts.get(1).alertId());
        }
    }

    @Test
    void givesTheSameFinalAlertWhateverOrderTheRepeatsArriveInBeforeTheWindowCloses() {
        List<TestEvents> repeats = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            repeats.add(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(5L + 9 * i))).user("mallory"));
        }
        // 10:05 .. 10:50, all in the window [10:00, 11:00), which closes at 11:15 (end + horizon).
        List<List<Integer>> orders = List.of(List.of(0, 1, 2, 3, 4, 5), List.of(5, 4, 3, 2, 1, 0),
                List.of(2, 0, 5, 1, 3, 4), List.of(1, 2, 3, 4, 5, 0));
        Set<List<Object>> finals = finalAlerts(repeats, orders, last -> List.of(last.alertId(), last.severity(),
                last.eventIds(), last.eventCount(), last.firstEventTime(), last.lastEventTime()));
        assertThat(finals).hasSize(1);
        List<Object> only = finals.iterator().next();
        assertThat(only.get(2)).isEqualTo(repeats.stream().map(TestEvents::eventId).toList());
        assertThat(only.get(3)).isEqualTo(6L);
        assertThat(only.get(4)).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(only.get(5)).isEqualTo(T0.plus(Duration.ofMinutes(50)));
    }

    /**
     * What {@code seen} takes of the last alert sent, for each arrival order of {@code repeats} (indexes), once event
     * time passed the window's close (11:16); every record sent must be of that one alert id.
     */
    private static Set<List<Object>> finalAlerts(List<TestEvents> repeats, List<List<Integer>> orders,
                                                 Function<Alert, List<Object>> seen) {
        Set<List<Object>> finals = new HashSet<>();
        for (List<Integer> order : orders) {
            try (TopologyHarness topology = new TopologyHarness(Map.of("reorder.horizon", "15m"),
                    FlushSignal.never())) {
                order.forEach(i -> topology.pipe(repeats.get(i)));
                topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0.plus(Duration.ofMinutes(76))));
                List<Alert> alerts = topology.alertValues();
                Alert last = alerts.get(alerts.size() - 1);
                assertThat(alerts).extracting(Alert::alertId).containsOnly(last.alertId());
                finals.add(seen.apply(last));
            }
        }
        return finals;
    }

    /** alice adds an ingress rule on port 22 from {@code cidr} to a security group. */
    private static TestEvents sshIngress(Instant time, String cidr) {
        TestEvents e = TestEvents.event("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", time);
        ObjectNode range = TestEvents.MAPPER.createObjectNode().put("cidrIp", cidr);
        ObjectNode permission = TestEvents.MAPPER.createObjectNode().put("ipProtocol", "tcp").put("fromPort", 22)
                .put("toPort", 22);
        permission.putObject("ipRanges").putArray("items").add(range);
        ObjectNode request = e.json().with("requestParameters");
        request.put("groupId", "sg-0123456789abcdef0");
        request.putObject("ipPermissions").putArray("items").add(permission);
        return e;
    }

    @Test
    void raisesTheAlertAtOnceWhenARepeatOfTheSameRuleIsMoreSevere() {
        // An ordinary change of a security group, then the same person opens SSH to the world 4 minutes later:
        // one rule, one principal, one window. The second must not hide under the first one's severity.
        TestEvents ordinary = sshIngress(T0.plus(Duration.ofMinutes(5)), "10.0.0.0/16");
        TestEvents open = sshIngress(T0.plus(Duration.ofMinutes(9)), "0.0.0.0/0");
        try (TopologyHarness topology = new TopologyHarness(Map.of("reorder.horizon", "15m"), FlushSignal.never())) {
            topology.pipe(ordinary);
            List<Alert> first = topology.alertValues();
            assertThat(first).extracting(Alert::severity).containsExactly(Severity.MEDIUM);

            topology.pipe(open);
            List<Alert> raised = topology.alertValues();
            assertThat(raised).as("the escalating repeat is reported at once, not at the window's close")
                    .hasSize(1);
            Alert update = raised.get(0);
            assertThat(update.alertId()).isEqualTo(first.get(0).alertId());
            assertThat(update.severity()).isEqualTo(Severity.HIGH);
            assertThat(update.evidence()).containsKey("openCidrs");
            assertThat(update.eventIds()).as("the event the wording describes comes first")
                    .containsExactly(open.eventId(), ordinary.eventId());
            assertThat(update.firstEventTime()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
            assertThat(update.lastEventTime()).isEqualTo(T0.plus(Duration.ofMinutes(9)));
        }
    }

    @Test
    void listsTheRaisingEventFirstEvenBeyondTheHundredEarliest() {
        try (TopologyHarness topology = new TopologyHarness(Map.of("reorder.horizon", "15m"), FlushSignal.never())) {
            for (int i = 0; i < 120; i++) {
                topology.pipe(sshIngress(T0.plus(Duration.ofSeconds(10L * i)), "10.0.0.0/16"));
            }
            TestEvents open = sshIngress(T0.plus(Duration.ofMinutes(30)), "0.0.0.0/0");
            topology.alertValues();
            topology.pipe(open);
            topology.pipe(open);
            List<Alert> raised = topology.alertValues();
            assertThat(raised).hasSize(1);
            assertThat(raised.get(0).severity()).isEqualTo(Severity.HIGH);
            assertThat(raised.get(0).eventIds()).hasSize(Alert.MAX_EVENT_IDS).first().isEqualTo(open.eventId());
            assertThat(raised.get(0).eventCount()).as("the raising event delivered twice counts once").isEqualTo(121);
        }
    }

    @Test
    void givesTheMostSevereRepeatsWordingWhateverOrderTheRepeatsArriveIn() {
        List<TestEvents> repeats = List.of(sshIngress(T0.plus(Duration.ofMinutes(5)), "10.0.0.0/16"),
                sshIngress(T0.plus(Duration.ofMinutes(9)), "0.0.0.0/0"),
                sshIngress(T0.plus(Duration.ofMinutes(20)), "0.0.0.0/0"),
                sshIngress(T0.plus(Duration.ofMinutes(30)), "192.168.0.0/24"));
        List<List<Integer>> orders = List.of(List.of(0, 1, 2, 3), List.of(3, 2, 1, 0), List.of(2, 3, 0, 1),
                List.of(1, 0, 3, 2));
        Set<List<Object>> finals = finalAlerts(repeats, orders, last -> List.of(last.alertId(), last.severity(),
                last.title(), last.description(), last.evidence(), last.eventIds(), last.eventCount(),
                last.firstEventTime(), last.lastEventTime()));
        assertThat(finals).hasSize(1);
        List<Object> only = finals.iterator().next();
        assertThat(only.get(1)).isEqualTo(Severity.HIGH);
        assertThat(only.get(5)).isEqualTo(List.of(repeats.get(1).eventId(), repeats.get(0).eventId(),
                repeats.get(2).eventId(), repeats.get(3).eventId()));
        assertThat(only.get(7)).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(only.get(8)).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    }

    @Test
    void waitsOneHorizonPastTheWindowBeforeItsFinalUpdate() {
        try (TopologyHarness topology = new TopologyHarness(Map.of("reorder.horizon", "15m"),
                FlushSignal.never())) {
            topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(50))).user("mallory"));
            topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0.plus(Duration.ofMinutes(70))));
            TestEvents earlier = TestEvents.stopLogging(T0.plus(Duration.ofMinutes(10))).user("mallory");
            topology.pipe(earlier);
            assertThat(topology.alertValues()).extracting(Alert::eventCount).containsExactly(1L);

            topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0.plus(Duration.ofMinutes(76))));
            List<Alert> closed = topology.alertValues();
            assertThat(closed).hasSize(1);
            assertThat(closed.get(0).eventCount()).isEqualTo(2);
            assertThat(closed.get(0).eventIds().get(0)).isEqualTo(earlier.eventId());
            assertThat(closed.get(0).firstEventTime()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        }
    }

    /**
     * The contract's boundary (issue 10): a repeat exactly one horizon behind is within it. The window [10:00, 11:00)
     * closes at 11:15; its last second's repeat arriving at 11:14:59 still folds into it before the close, and a repeat
     * at exactly 11:00, arriving at 11:15, opens the next window: the same final alerts as event-time order.
     */
    @Test
    void givesTheSameFinalAlertsWhenRepeatsArriveExactlyOneHorizonBehind() {
        TestEvents first = TestEvents.stopLogging(T0.plus(Duration.ofMinutes(50))).user("mallory");
        TestEvents lastSecond = TestEvents.stopLogging(T0.plus(Duration.ofMinutes(60)).minusSeconds(1)).user("mallory");
        TestEvents nextWindow = TestEvents.stopLogging(T0.plus(Duration.ofMinutes(60))).user("mallory");
        TestEvents beforeClose = TestEvents.event("ec2.amazonaws.com", "DescribeInstances",
                T0.plus(Duration.ofMinutes(75)).minusSeconds(1));
        TestEvents atClose = TestEvents.event("ec2.amazonaws.com", "DescribeInstances",
                T0.plus(Duration.ofMinutes(75)));
        TestEvents end = TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0.plus(Duration.ofHours(3)));

        List<List<Object>> sorted = alertsInOrder(first, lastSecond, nextWindow, beforeClose, atClose, end);
        List<List<Object>> oneHorizonBehind = alertsInOrder(first, beforeClose, lastSecond, atClose, nextWindow, end);

        assertThat(sorted).extracting(alert -> alert.get(2)).containsExactlyInAnyOrder(1L, 2L, 1L);
        assertThat(oneHorizonBehind).containsExactlyInAnyOrderElementsOf(sorted);
    }

    /**
     * Every alert record (id, events, count) these records give, in this order, with a 15-minute horizon: a first
     * alert and its update each once (when they go out differs with the order; what goes out does not).
     */
    private static List<List<Object>> alertsInOrder(TestEvents... order) {
        try (TopologyHarness topology = new TopologyHarness(Map.of("reorder.horizon", "15m"), FlushSignal.never())) {
            for (TestEvents event : order) {
                topology.pipe(event);
            }
            return topology.alertValues().stream()
                    .map(a -> List.<Object>of(a.alertId(), a.eventIds(), a.eventCount())).toList();
        }
    }

    @Test
    void foldsAMatchOfAClosedWindowThatArrivesBeyondTheHorizonIntoItsAlertAtOnce() {
        try (TopologyHarness topology = new TopologyHarness(Map.of("reorder.horizon", "15m"),
                FlushSignal.never())) {
            topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(50))).user("mallory"));
            topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(55))).user("mallory"));
            topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0.plus(Duration.ofMinutes(76))));
            List<Alert> sofar = topology.alertValues();
            assertThat(sofar).extracting(Alert::eventCount).containsExactly(1L, 2L);

            // 30 minutes behind event time: beyond the horizon, but the closed window is still kept.
            topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(46))).user("mallory"));
            List<Alert> update = topology.alertValues();
            assertThat(update).hasSize(1);
            assertThat(update.get(0).alertId()).isEqualTo(sofar.get(0).alertId());
            assertThat(update.get(0).eventCount()).isEqualTo(3);
        }
    }

    @Test
    void flushesOpenWindowsWhenTheInputEnds() {
        try (TopologyHarness topology = new TopologyHarness(Map.of(), FlushSignal.onRequest())) {
            topology.pipe(TestEvents.stopLogging(T0).user("mallory"));
            topology.pipe(TestEvents.stopLogging(T0.plusSeconds(60)).user("mallory"));
            assertThat(topology.alertValues()).hasSize(1);

            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));

            List<Alert> flushed = topology.alertValues();
            assertThat(flushed).hasSize(1);
            assertThat(flushed.get(0).eventCount()).isEqualTo(2);
        }
    }

    @Test
    void reportsFoldedRepeatsWithinTheBoundWhenEventTimeStops() {
        try (TopologyHarness topology = new TopologyHarness(Map.of("alerts.report-within", "2m"), FlushSignal.never())) {
            // StopLogging, then DeleteTrail-like repeats: the account goes quiet and event time never moves again.
            for (int i = 0; i < 3; i++) {
                topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(i))).user("mallory"));
            }
            List<Alert> first = topology.alertValues();
            assertThat(first).extracting(Alert::eventCount).containsExactly(1L);

            topology.advanceWallClock(Duration.ofMinutes(1));
            assertThat(topology.alertValues()).as("not yet: the bound is 2 minutes").isEmpty();
            topology.advanceWallClock(Duration.ofMinutes(2));
            List<Alert> update = topology.alertValues();
            assertThat(update).hasSize(1);
            assertThat(update.get(0).alertId()).isEqualTo(first.get(0).alertId());
            assertThat(update.get(0).eventCount()).isEqualTo(3);
            assertThat(update.get(0).eventIds()).hasSize(3);

            topology.advanceWallClock(Duration.ofMinutes(10));
            assertThat(topology.alertValues()).as("nothing new to report").isEmpty();
        }
    }

    @Test
    void sendsOneMoreUpdateAtTheCloseOnlyForRepeatsAfterTheBoundedReport() {
        try (TopologyHarness topology = new TopologyHarness(Map.of("alerts.report-within", "2m"), FlushSignal.never())) {
            topology.pipe(TestEvents.stopLogging(T0).user("mallory"));
            topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(1))).user("mallory"));
            topology.advanceWallClock(Duration.ofMinutes(3));
            assertThat(topology.alertValues()).extracting(Alert::eventCount).containsExactly(1L, 2L);

            // Event time closes the window: nothing new was folded, so no third record.
            topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0.plus(Duration.ofMinutes(62))));
            assertThat(topology.alertValues()).isEmpty();
        }
    }

    @Test
    void scanReportsAtTheEndOfInputOnlySoItsOutputDoesNotDependOnTiming() {
        try (TopologyHarness topology = new TopologyHarness(Map.of("alerts.report-within", "2m"),
                FlushSignal.onRequest())) {
            topology.pipe(TestEvents.stopLogging(T0).user("mallory"));
            topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(1))).user("mallory"));
            topology.advanceWallClock(Duration.ofMinutes(10));
            assertThat(topology.alertValues()).extracting(Alert::eventCount).containsExactly(1L);

            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));
            assertThat(topology.alertValues()).extracting(Alert::eventCount).containsExactly(2L);
        }
    }
}
