package dev.trailwatch.detector.detect.baseline;

import static dev.trailwatch.detector.detect.baseline.BaselineEvents.ACCOUNT;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.assumedRoleOf;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.call;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.ec2;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.runInstances;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The decisions that wait for the reorder horizon (15 minutes here), on one partition with explicit event times: the
 * partition is complete up to its stream time minus the horizon, so piping a later event is what moves the clock.
 * Wall-clock time only makes the waiting decisions be looked at again; it never decides them.
 */
class ReorderHorizonTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String MEMBER = "444455556666";
    private static final String OUTSIDER = "999988887777";
    private static final Map<String, String> HORIZON = Map.of("reorder.horizon", "15m", "accounts.known", ACCOUNT);

    @Test
    void staysQuietForAMemberWhoseOwnRecordsArriveAfterItsCallButWithinTheHorizon() {
        try (BaselineHarness topology = new BaselineHarness(HORIZON)) {
            topology.pipe(assumedRoleOf(MEMBER, ec2("eu-west-1", T0)));
            topology.pipe(call(MEMBER, "ec2.amazonaws.com", "DescribeInstances", "eu-west-1",
                    T0.plus(Duration.ofMinutes(10))));
            topology.pipe(ec2("eu-west-1", T0.plus(Duration.ofHours(2))));
            topology.advanceWallClock(Duration.ofSeconds(2));

            assertThat(topology.alerts(ForeignAccountDetector.ID)).isEmpty();
        }
    }

    @Test
    void alertsForAnAccountFirstSeenLaterThanTheHorizonAfterItsCall() {
        try (BaselineHarness topology = new BaselineHarness(HORIZON)) {
            TestEvents early = assumedRoleOf(MEMBER, ec2("eu-west-1", T0));
            topology.pipe(early);
            topology.pipe(call(MEMBER, "ec2.amazonaws.com", "DescribeInstances", "eu-west-1",
                    T0.plus(Duration.ofMinutes(20))));
            topology.pipe(ec2("eu-west-1", T0.plus(Duration.ofHours(2))));

            assertThat(topology.alerts(ForeignAccountDetector.ID)).extracting(Alert::eventIds)
                    .containsExactly(List.of(early.eventId()));
        }
    }

    @Test
    void holdsACallByAnUnknownAccountUntilTheInputIsCompleteTwoHorizonsPastIt() {
        try (BaselineHarness topology = new BaselineHarness(HORIZON)) {
            TestEvents outsider = assumedRoleOf(OUTSIDER, ec2("eu-west-1", T0));
            topology.pipe(outsider);
            topology.pipe(ec2("eu-west-1", T0.plus(Duration.ofMinutes(30))));
            topology.advanceWallClock(Duration.ofSeconds(5));
            assertThat(topology.alerts(ForeignAccountDetector.ID))
                    .as("a record of the account at exactly 15 minutes after may still come").isEmpty();

            topology.pipe(ec2("eu-west-1", T0.plus(Duration.ofMinutes(30)).plusSeconds(1)));
            assertThat(topology.alerts(ForeignAccountDetector.ID)).extracting(Alert::eventIds)
                    .containsExactly(List.of(outsider.eventId()));
        }
    }

    /**
     * The contract's boundary (issue 10): a record exactly one horizon behind the latest event time processed is within
     * it. A member's call at T0 waits; a record at T0 + 2 horizons arrives; then the member's own first record at
     * exactly T0 + 1 horizon (whole seconds, as CloudTrail writes them). Event-time order learns the member first.
     */
    @Test
    void anAccountsOwnRecordExactlyOneHorizonBehindStillMakesItKnown() {
        TestEvents call = assumedRoleOf(MEMBER, ec2("eu-west-1", T0));
        TestEvents own = call(MEMBER, "ec2.amazonaws.com", "DescribeInstances", "eu-west-1",
                T0.plus(Duration.ofMinutes(15)));
        TestEvents twoHorizons = ec2("eu-west-1", T0.plus(Duration.ofMinutes(30)));
        TestEvents end = ec2("eu-west-1", T0.plus(Duration.ofHours(2)));

        List<String> sorted = foreignAccountAlerts(call, own, twoHorizons, end);
        List<String> ownOneHorizonBehind = foreignAccountAlerts(call, twoHorizons, own, end);

        assertThat(sorted).isEmpty();
        assertThat(ownOneHorizonBehind).isEqualTo(sorted);
    }

    private static List<String> foreignAccountAlerts(TestEvents... inOrder) {
        return alertsInOrder(ForeignAccountDetector.ID, inOrder);
    }

    /** What a user sees of one rule's alerts (id, severity, events, count) from these records piped in this order. */
    private static List<String> alertsInOrder(String ruleId, TestEvents... inOrder) {
        try (BaselineHarness topology = new BaselineHarness(HORIZON)) {
            for (TestEvents event : inOrder) {
                topology.pipe(event);
            }
            topology.advanceWallClock(Duration.ofSeconds(2));
            return topology.alerts(ruleId).stream()
                    .map(a -> a.alertId() + " " + a.severity() + " " + a.eventIds() + " " + a.eventCount()).toList();
        }
    }

    @Test
    void settlesACallByAKnownAccountAtOnceWithoutWaiting() {
        try (BaselineHarness topology = new BaselineHarness(HORIZON)) {
            topology.pipe(call(MEMBER, "ec2.amazonaws.com", "DescribeInstances", "eu-west-1", T0));
            topology.pipe(assumedRoleOf(MEMBER, ec2("eu-west-1", T0.plus(Duration.ofMinutes(1)))));

            assertThat(topology.entries("foreign-account-pending")).isZero();
        }
    }

    @Test
    void aFlushDecidesWhatWaitsAtTheEndOfAScan() {
        FlushSignal flush = FlushSignal.onRequest();
        try (BaselineHarness topology = new BaselineHarness(HORIZON, null, flush)) {
            TestEvents outsider = assumedRoleOf(OUTSIDER, ec2("eu-west-1", T0));
            topology.pipe(outsider);
            assertThat(topology.alerts(ForeignAccountDetector.ID)).isEmpty();

            flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));
            assertThat(topology.alerts(ForeignAccountDetector.ID)).extracting(Alert::eventIds)
                    .containsExactly(List.of(outsider.eventId()));
        }
    }

    @Test
    void aFirstRegionUseNamesTheEarliestUseEvenWhenItArrivesSecond() {
        try (BaselineHarness topology = new BaselineHarness(HORIZON)) {
            topology.pipe(ec2("eu-west-1", T0));
            Instant later = T0.plus(Duration.ofDays(8));
            TestEvents second = runInstances("ap-east-1", later.plus(Duration.ofMinutes(6)));
            TestEvents first = runInstances("ap-east-1", later);
            topology.pipe(second);
            topology.pipe(first);
            topology.pipe(ec2("eu-west-1", later.plus(Duration.ofMinutes(14))));
            assertThat(topology.alerts(FirstRegionUseDetector.ID)).as("waits one horizon").isEmpty();

            topology.pipe(ec2("eu-west-1", later.plus(Duration.ofMinutes(22))));
            assertThat(topology.alerts(FirstRegionUseDetector.ID)).extracting(Alert::eventIds)
                    .containsExactly(List.of(first.eventId()));
        }
    }

    /**
     * The boundary for first use: the earliest use of a new region arrives when event time is exactly one horizon past
     * it (within the contract). The alert still names it, as in event-time order.
     */
    @Test
    void aFirstRegionUseExactlyOneHorizonBehindStillTakesTheAlert() {
        TestEvents start = ec2("eu-west-1", T0);
        Instant later = T0.plus(Duration.ofDays(8));
        TestEvents first = runInstances("ap-east-1", later);
        // held one second after the first: released a second early, it would take the alert
        TestEvents second = runInstances("ap-east-1", later.plusSeconds(1));
        TestEvents oneHorizonOn = ec2("eu-west-1", later.plus(Duration.ofMinutes(15)));
        TestEvents end = ec2("eu-west-1", later.plus(Duration.ofHours(2)));

        List<String> sorted = alertsInOrder(FirstRegionUseDetector.ID, start, first, second, oneHorizonOn, end);
        List<String> firstOneHorizonBehind =
                alertsInOrder(FirstRegionUseDetector.ID, start, second, oneHorizonOn, first, end);

        assertThat(sorted).hasSize(1).allMatch(alert -> alert.contains(first.eventId()));
        assertThat(firstOneHorizonBehind).isEqualTo(sorted);
    }

    /** The same inside the learning period: an earlier use exactly one horizon behind still cancels the first use. */
    @Test
    void anEarlierUseInsideTheLearningPeriodExactlyOneHorizonBehindStillCancelsTheFirstUse() {
        TestEvents start = ec2("eu-west-1", T0);
        Instant endOfLearning = T0.plus(Duration.ofDays(7));
        TestEvents learning = runInstances("ap-east-1", endOfLearning.minus(Duration.ofMinutes(3)));
        TestEvents after = runInstances("ap-east-1", endOfLearning.plus(Duration.ofMinutes(2)));
        TestEvents oneHorizonOn = ec2("eu-west-1", endOfLearning.plus(Duration.ofMinutes(12)));
        TestEvents end = ec2("eu-west-1", endOfLearning.plus(Duration.ofHours(2)));

        assertThat(alertsInOrder(FirstRegionUseDetector.ID, start, learning, after, oneHorizonOn, end)).isEmpty();
        assertThat(alertsInOrder(FirstRegionUseDetector.ID, start, after, oneHorizonOn, learning, end)).isEmpty();
    }

    @Test
    void anEarlierUseInsideTheLearningPeriodArrivingLateCancelsTheFirstUse() {
        try (BaselineHarness topology = new BaselineHarness(HORIZON)) {
            topology.pipe(ec2("eu-west-1", T0));
            Instant endOfLearning = T0.plus(Duration.ofDays(7));
            topology.pipe(runInstances("ap-east-1", endOfLearning.plus(Duration.ofMinutes(2))));
            topology.pipe(runInstances("ap-east-1", endOfLearning.minus(Duration.ofMinutes(3))));
            topology.pipe(ec2("eu-west-1", endOfLearning.plus(Duration.ofHours(1))));

            assertThat(topology.alerts(FirstRegionUseDetector.ID)).isEmpty();
        }
    }
}
