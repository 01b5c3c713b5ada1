package dev.trailwatch.detector.detect.baseline;

import static dev.trailwatch.detector.detect.baseline.BaselineEvents.ACCOUNT;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.call;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.ec2;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.runInstances;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** First use of a region per account: learning period, what counts as use, once per region, TTL, restarts. */
class FirstRegionUseDetectorTest {

    private static final String ID = FirstRegionUseDetector.ID;
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Duration LEARNING = Duration.ofDays(7);

    @Test
    void staysQuietWhenNewRegionsAreUsedDuringTheLearningPeriod() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(ec2("us-west-2", T0.plus(Duration.ofDays(3))));
            topology.pipe(runInstances("ap-southeast-2", T0.plus(LEARNING).minus(Duration.ofHours(1))));

            assertThat(topology.alerts(ID)).isEmpty();
        }
    }

    @Test
    void alertsWhenANewRegionIsUsedAfterTheLearningPeriod() {
        try (BaselineHarness topology = new BaselineHarness(Map.of("accounts.known", ACCOUNT + "=prod-payments"))) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(ec2("us-west-2", T0.plus(Duration.ofDays(1))));
            TestEvents run = runInstances("ap-east-1", T0.plus(Duration.ofDays(8)));
            topology.pipe(run);

            List<Alert> alerts = topology.alerts(ID);
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(alert.alertId()).isNotBlank();
            assertThat(alert.accountId()).isEqualTo(ACCOUNT);
            assertThat(alert.accountName()).isEqualTo("prod-payments");
            assertThat(alert.region()).isEqualTo("ap-east-1");
            assertThat(alert.principal()).isEqualTo("arn:aws:iam::" + ACCOUNT + ":user/alice");
            assertThat(alert.eventName()).isEqualTo("RunInstances");
            assertThat(alert.eventIds()).containsExactly(run.eventId());
            assertThat(alert.mitre()).containsExactly("T1535");
            assertThat(alert.title()).contains("ap-east-1").contains(ACCOUNT);
            assertThat(alert.evidence()).containsEntry("newRegion", "ap-east-1")
                    .containsEntry("knownRegions", List.of("eu-west-1", "us-west-2"))
                    .containsEntry("baselineSince", T0.toString());
        }
    }

    @Test
    void staysQuietWhenANewRegionIsUsedJustBeforeTheLearningPeriodEnds() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(ec2("ap-east-1", T0.plus(LEARNING).minusMillis(1)));
            // Learned in the last millisecond of the learning period: known afterwards.
            topology.pipe(runInstances("ap-east-1", T0.plus(LEARNING).plus(Duration.ofDays(1))));

            assertThat(topology.alerts(ID)).isEmpty();
        }
    }

    @Test
    void alertsWhenANewRegionIsUsedAsTheLearningPeriodEnds() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(ec2("ap-east-1", T0.plus(LEARNING)));
            topology.pipe(ec2("sa-east-1", T0.plus(LEARNING).plusMillis(1)));

            assertThat(topology.alerts(ID)).extracting(Alert::region).containsExactly("ap-east-1", "sa-east-1");
        }
    }

    @Test
    void alertsOnlyOnceWhenANewRegionIsUsedAgainOrTheEventArrivesTwice() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            TestEvents run = runInstances("ap-east-1", T0.plus(Duration.ofDays(8)));
            topology.pipe(run);
            topology.pipe(run);
            topology.pipe(ec2("ap-east-1", T0.plus(Duration.ofDays(8)).plusSeconds(5)));
            topology.pipe(ec2("ap-east-1", T0.plus(Duration.ofDays(12))));

            assertThat(topology.alerts(ID)).hasSize(1);
        }
    }

    @Test
    void staysQuietWhenAwsServicesCallANewRegionAndDoesNotLearnFromThem() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            // During learning: AWS acting in ap-east-1 does not make it a region the account uses.
            topology.pipe(BaselineEvents.byAwsService("config.amazonaws.com", ec2("ap-east-1", T0.plusSeconds(60))));
            Instant after = T0.plus(Duration.ofDays(8));
            topology.pipe(BaselineEvents.byAwsService("ec2.amazonaws.com", ec2("sa-east-1", after)));
            topology.pipe(BaselineEvents.invokedBy("cloudformation.amazonaws.com", runInstances("ap-south-1", after)));
            topology.pipe(BaselineEvents.serviceEvent(ec2("me-south-1", after)));
            assertThat(topology.alerts(ID)).isEmpty();

            topology.pipe(runInstances("ap-east-1", after.plusSeconds(60)));
            assertThat(topology.alerts(ID)).extracting(Alert::region).containsExactly("ap-east-1");
        }
    }

    @Test
    void alertsWhenUsEast1IsFirstUsedByARegionalServiceInAnAccountThatOnlyCalledGlobalOnes() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(call(ACCOUNT, "iam.amazonaws.com", "ListUsers", "us-east-1", T0.plusSeconds(10)));
            topology.pipe(call(ACCOUNT, "sts.amazonaws.com", "GetCallerIdentity", "us-east-1", T0.plusSeconds(20)));
            Instant after = T0.plus(Duration.ofDays(8));
            topology.pipe(call(ACCOUNT, "iam.amazonaws.com", "ListRoles", "us-east-1", after));
            assertThat(topology.alerts(ID)).isEmpty();

            topology.pipe(runInstances("us-east-1", after.plusSeconds(60)));
            List<Alert> alerts = topology.alerts(ID);
            assertThat(alerts).extracting(Alert::region).containsExactly("us-east-1");
            assertThat(alerts.get(0).evidence()).containsEntry("knownRegions", List.of("eu-west-1"));
        }
    }

    @Test
    void staysQuietWhenACallToANewRegionIsDenied() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(runInstances("ap-east-1", T0.plus(Duration.ofDays(8)))
                    .error("Client.UnauthorizedOperation", "You are not authorized to perform this operation."));
            topology.pipe(ec2("sa-east-1", T0.plus(Duration.ofDays(8)))
                    .error("AccessDenied", "User is not authorized to perform: ec2:DescribeInstances"));

            assertThat(topology.alerts(ID)).isEmpty();
        }
    }

    @Test
    void staysQuietWhenAnAccountFirstSeenLaterIsStillLearning() {
        String other = "444455556666";
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(call(other, "ec2.amazonaws.com", "DescribeInstances", "eu-west-1",
                    T0.plus(Duration.ofDays(10))));
            Instant later = T0.plus(Duration.ofDays(12));
            topology.pipe(call(other, "ec2.amazonaws.com", "RunInstances", "ap-east-1", later));
            topology.pipe(runInstances("ap-east-1", later));

            assertThat(topology.alerts(ID)).extracting(Alert::accountId).containsExactly(ACCOUNT);
        }
    }

    @Test
    void alertsWhenARegionUnusedForLongerThanTheTtlIsUsedAgain() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(ec2("us-west-2", T0));
            topology.pipe(ec2("ap-south-1", T0));
            for (int day = 10; day <= 80; day += 10) {
                topology.pipe(ec2("eu-west-1", T0.plus(Duration.ofDays(day))));
            }
            // Within the 90-day TTL: still known.
            topology.pipe(ec2("us-west-2", T0.plus(Duration.ofDays(89))));
            topology.pipe(ec2("eu-west-1", T0.plus(Duration.ofDays(90))));
            // 91 days and more after its last use (TTL + the one-day resolution of last use): forgotten.
            topology.pipe(ec2("ap-south-1", T0.plus(Duration.ofDays(91)).plusMillis(1)));

            List<Alert> alerts = topology.alerts(ID);
            assertThat(alerts).extracting(Alert::region).containsExactly("ap-south-1");
            assertThat(alerts.get(0).evidence()).containsEntry("knownRegions", List.of("eu-west-1", "us-west-2"));
        }
    }

    @Test
    void staysQuietWhenAnAccountIdleLongerThanTheTtlReturnsAndItsStateIsGone() {
        try (BaselineHarness topology = new BaselineHarness()) {
            for (int i = 0; i < 50; i++) {
                String account = String.format("%012d", 100_000_000_000L + i);
                topology.pipe(call(account, "ec2.amazonaws.com", "DescribeInstances", "eu-west-1", T0));
            }
            topology.pipe(ec2("eu-west-1", T0));
            assertThat(topology.entries(FirstUseBaseline.NAME)).isEqualTo(51);

            // Stream time moves past the TTL: the sweep forgets every idle account, so state stays bounded.
            Instant back = T0.plus(Duration.ofDays(92));
            topology.pipe(runInstances("ap-east-1", back));
            assertThat(topology.entries(FirstUseBaseline.NAME)).isEqualTo(1);

            // The returning account starts a new learning period rather than alerting on everything it does.
            topology.pipe(runInstances("sa-east-1", back.plus(Duration.ofDays(1))));
            assertThat(topology.alerts(ID)).isEmpty();
        }
    }

    /** The store alone, no cache in front, gives the same answers: what a restarted task restores is enough. */
    @Test
    void alertsWhenANewRegionIsUsedWithTheCacheOffAndKeepsTheBaselineInAChangeloggedStore() {
        try (BaselineHarness topology = new BaselineHarness(Map.of("baseline.cache-size", "0"))) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(ec2("eu-west-1", T0.plus(Duration.ofDays(8))));
            topology.pipe(runInstances("ap-east-1", T0.plus(Duration.ofDays(8))));
            topology.pipe(runInstances("ap-east-1", T0.plus(Duration.ofDays(9))));

            assertThat(topology.alerts(ID)).extracting(Alert::region).containsExactly("ap-east-1");
            assertThat(topology.store(FirstUseBaseline.NAME).persistent()).isTrue();
            assertThat(topology.producedTopicNames()).contains("trailwatch-detector-first-use-baseline-changelog");
        }
    }

    @Test
    void staysQuietWhenAReadOnlyCallUsesANewRegionAndOnlyChangesCount() {
        try (BaselineHarness topology = new BaselineHarness(Map.of("baseline.count-read-only", "false"))) {
            topology.pipe(BaselineEvents.readOnly(runInstances("eu-west-1", T0), false));
            Instant after = T0.plus(Duration.ofDays(8));
            topology.pipe(BaselineEvents.readOnly(ec2("ap-east-1", after), true));
            assertThat(topology.alerts(ID)).isEmpty();

            topology.pipe(BaselineEvents.readOnly(runInstances("ap-east-1", after.plusSeconds(1)), false));
            assertThat(topology.alerts(ID)).extracting(Alert::region).containsExactly("ap-east-1");
        }
    }
}
