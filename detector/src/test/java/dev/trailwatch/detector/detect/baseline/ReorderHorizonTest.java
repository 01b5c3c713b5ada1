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
import java.util.TreeMap;
import java.util.function.Consumer;
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

    /**
     * A held window closes only once its producer has decided past it, whatever moved completeness meanwhile. Two calls
     * of one outsider's role in one suppression window ([10:00, 11:00)): the first is decided (its alert goes out), the
     * second still waits. Then a record foreign-account never sees (one the parser rejects, so only the dead letter
     * reads it) moves the task's stream time hours on: the suppressor's own punctuation runs before foreign-account has
     * decided anything at that time. Closed and forgotten there, the window came back when the second call was released
     * a second later (wall clock), under the same alert id with that call alone: a consumer upserting by id lost the
     * first. As with a readable record at that time, the alert's last version carries both calls.
     */
    @Test
    void aHeldWindowStaysOpenUntilForeignAccountHasDecidedPastIt() {
        TestEvents first = assumedRoleOf(OUTSIDER, ec2("eu-west-1", T0));
        TestEvents second = assumedRoleOf(OUTSIDER, ec2("eu-west-1", T0.plus(Duration.ofMinutes(40))));
        Instant hoursOn = T0.plus(Duration.ofHours(4));
        Map<String, Alert> unreadable = lastVersionById(first, second, topology ->
                topology.pipeRaw(ACCOUNT, "{\"eventID\": \"x\", oops", hoursOn));
        Map<String, Alert> readable = lastVersionById(first, second, topology ->
                topology.pipe(ec2("eu-west-1", hoursOn)));

        assertThat(unreadable.values()).singleElement().satisfies(alert -> {
            assertThat(alert.eventIds()).containsExactly(first.eventId(), second.eventId());
            assertThat(alert.eventCount()).isEqualTo(2);
        });
        assertThat(unreadable).isEqualTo(readable);
    }

    /**
     * The foreign-account alerts a consumer upserting by alert id keeps: pipes the two calls and a record at 10:41 (the
     * first is decided, the second waits), then {@code jump}, then a second of wall clock (foreign-account's release)
     * and a record later still (the windows close).
     */
    private static Map<String, Alert> lastVersionById(TestEvents first, TestEvents second,
                                                      Consumer<BaselineHarness> jump) {
        try (BaselineHarness topology = new BaselineHarness(HORIZON)) {
            topology.pipe(first);
            topology.pipe(second);
            topology.pipe(ec2("eu-west-1", T0.plus(Duration.ofMinutes(41))));
            assertThat(topology.entries("foreign-account-pending")).as("the second call waits").isEqualTo(1);
            jump.accept(topology);
            topology.advanceWallClock(Duration.ofSeconds(1));
            topology.pipe(ec2("eu-west-1", T0.plus(Duration.ofHours(5))));
            Map<String, Alert> last = new TreeMap<>();
            topology.alerts(ForeignAccountDetector.ID)
                    .forEach(alert -> last.put(alert.alertId(), alert.toBuilder().detectedAt(null).build()));
            return last;
        }
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
