package dev.trailwatch.detector.detect.silence;

import static dev.trailwatch.detector.detect.silence.SilenceTopology.DELIVERY_DELAY;
import static dev.trailwatch.detector.detect.silence.SilenceTopology.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * trail-silent under a controlled wall clock: a region that was sending goes quiet while others go on (alert once,
 * one minute past the threshold), everything quiet, too few events, resume follow-up, forgetting, minimum severity.
 * Restarts are not covered here (a TopologyTestDriver cannot restart): the state is a changelogged store like the
 * baseline's, rebuilt in init.
 */
class TrailSilentDetectorTest {

    private static final String ACCOUNT = "111122223333";
    private static final String OTHER_ACCOUNT = "444455556666";
    private static final String BUSY = "us-east-1";
    private static final String QUIET = "eu-west-1";

    /** Ten minutes of one event a minute in both regions: QUIET reaches the default silence.min-events, 10. */
    private static TestEvents warmUp(SilenceTopology topology) {
        TestEvents[] last = new TestEvents[1];
        topology.minutes(10, () -> {
            topology.arrive(ACCOUNT, BUSY);
            last[0] = topology.arrive(ACCOUNT, QUIET);
        });
        return last[0];
    }

    private static Runnable busyRegionGoesOn(SilenceTopology topology) {
        return () -> topology.arrive(ACCOUNT, BUSY);
    }

    @Test
    void alertsWhenARegionFallsSilentWhileOthersStillArrive() {
        try (SilenceTopology topology = new SilenceTopology()) {
            TestEvents last = warmUp(topology);
            topology.minutes(29, busyRegionGoesOn(topology));
            assertThat(topology.alerts()).as("quiet for exactly silence.after (30m)").isEmpty();

            topology.minutes(1, busyRegionGoesOn(topology));

            List<Alert> alerts = topology.alerts();
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.ruleId()).isEqualTo(TrailSilentDetector.ID);
            assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(alert.accountId()).isEqualTo(ACCOUNT);
            assertThat(alert.region()).isEqualTo(QUIET);
            assertThat(alert.principal()).isEqualTo("arn:aws:iam::" + TestEvents.ACCOUNT + ":user/alice");
            assertThat(alert.eventName()).isEqualTo("DescribeInstances");
            assertThat(alert.eventSource()).isEqualTo("ec2.amazonaws.com");
            assertThat(alert.eventIds()).containsExactly(last.eventId());
            assertThat(alert.mitre()).containsExactly("T1562.008");
            assertThat(alert.title()).contains(ACCOUNT).contains(QUIET);
            assertThat(alert.description()).contains(ACCOUNT).contains(QUIET).contains("PutEventSelectors");
            assertThat(alert.runbook()).contains("get-trail-status").contains("get-event-selectors")
                    .contains("PutEventSelectors").contains("StopLogging").contains("DeleteTrail");
            assertThat(alert.alertId()).isNotBlank();
            String lastEventTime = T0.plus(Duration.ofMinutes(9)).minus(DELIVERY_DELAY).toString();
            assertThat(alert.lastEventTime()).hasToString(lastEventTime);
            assertThat(alert.evidence()).containsEntry("accountId", ACCOUNT).containsEntry("region", QUIET)
                    .containsEntry("lastEventTime", lastEventTime).containsEntry("silentFor", "31m")
                    .containsEntry("threshold", "30m").containsEntry("recentEvents", 10);
        }
    }

    @Test
    void writesTheLastEventOfABusyRegionByTheNextCheck() {
        try (SilenceTopology topology = new SilenceTopology()) {
            warmUp(topology);
            // past silence.min-events its counts no longer change: only the last-event fields, written a minute later
            TestEvents[] latest = new TestEvents[2];
            topology.minutes(1, () -> {
                for (int i = 0; i < 20; i++) {
                    latest[0] = topology.arrive(ACCOUNT, QUIET);
                    latest[1] = topology.arrive(OTHER_ACCOUNT, BUSY);
                }
            });
            assertThat(topology.storedLastEventId(ACCOUNT, QUIET)).isEqualTo(latest[0].eventId());
            assertThat(topology.storedLastEventId(OTHER_ACCOUNT, BUSY)).isEqualTo(latest[1].eventId());
        }
    }

    @Test
    void alertsWhenAnAccountFallsSilentWhileOtherAccountsStillArrive() {
        try (SilenceTopology topology = new SilenceTopology()) {
            topology.minutes(10, () -> {
                topology.arrive(ACCOUNT, BUSY);
                topology.arrive(OTHER_ACCOUNT, BUSY);
            });
            topology.minutes(40, busyRegionGoesOn(topology));

            assertThat(topology.alerts()).singleElement().satisfies(alert -> {
                assertThat(alert.accountId()).isEqualTo(OTHER_ACCOUNT);
                assertThat(alert.region()).isEqualTo(BUSY);
            });
        }
    }

    @Test
    void staysQuietWhenNothingArrivesAnywhere() {
        try (SilenceTopology topology = new SilenceTopology()) {
            warmUp(topology);
            topology.minutes(180);

            assertThat(topology.alerts()).isEmpty();
        }
    }

    @Test
    void staysQuietWhenARegionSentFewerThanMinEvents() {
        try (SilenceTopology topology = new SilenceTopology()) {
            topology.minutes(9, () -> {
                topology.arrive(ACCOUNT, BUSY);
                topology.arrive(ACCOUNT, QUIET);
            });
            topology.minutes(120, busyRegionGoesOn(topology));

            assertThat(topology.alerts()).isEmpty();
        }
    }

    @Test
    void alertsOnlyOncePerSilence() {
        try (SilenceTopology topology = new SilenceTopology()) {
            warmUp(topology);
            topology.minutes(6 * 60, busyRegionGoesOn(topology));

            assertThat(topology.alerts()).hasSize(1);
        }
    }

    @Test
    void alertsLowWhenEventsResumeInTheSilentRegion() {
        try (SilenceTopology topology = new SilenceTopology()) {
            warmUp(topology);
            topology.minutes(50, busyRegionGoesOn(topology));
            Alert silence = topology.alerts().get(0);

            TestEvents back = topology.arrive(ACCOUNT, QUIET);
            topology.arrive(ACCOUNT, QUIET);

            List<Alert> resumed = topology.alerts();
            assertThat(resumed).hasSize(1);
            Alert alert = resumed.get(0);
            assertThat(alert.ruleId()).isEqualTo(TrailSilentDetector.ID);
            assertThat(alert.severity()).isEqualTo(Severity.LOW);
            assertThat(alert.accountId()).isEqualTo(ACCOUNT);
            assertThat(alert.region()).isEqualTo(QUIET);
            assertThat(alert.alertId()).isNotBlank().isNotEqualTo(silence.alertId());
            assertThat(alert.eventIds()).containsExactly(back.eventId());
            assertThat(alert.title()).contains(ACCOUNT).contains(QUIET).contains("resumed");
            assertThat(alert.evidence()).containsEntry("silenceAlertId", silence.alertId())
                    .containsEntry("silentFrom", T0.plus(Duration.ofMinutes(9)).toString())
                    .containsEntry("silentTo", T0.plus(Duration.ofMinutes(60)).toString())
                    .containsEntry("silentFor", "51m");
        }
    }

    @Test
    void alertsAgainWithANewIdWhenTheRegionFallsSilentAgain() {
        try (SilenceTopology topology = new SilenceTopology()) {
            warmUp(topology);
            topology.minutes(40, busyRegionGoesOn(topology));
            Alert first = topology.alerts().get(0);
            topology.minutes(10, () -> {
                topology.arrive(ACCOUNT, BUSY);
                topology.arrive(ACCOUNT, QUIET);
            });
            topology.minutes(40, busyRegionGoesOn(topology));

            List<Alert> alerts = topology.alerts();
            assertThat(alerts).extracting(Alert::severity).containsExactly(Severity.LOW, Severity.MEDIUM);
            assertThat(alerts.get(1).alertId()).isNotEqualTo(first.alertId());
        }
    }

    @Test
    void forgetsRegionsSilentLongerThanForgetAfter() {
        try (SilenceTopology topology = new SilenceTopology(Map.of("silence.forget-after", "3h"))) {
            warmUp(topology);
            topology.minutes(3 * 60 - 1, busyRegionGoesOn(topology));
            assertThat(topology.storedRegions(ACCOUNT)).as("silent for exactly 3h").containsExactly(QUIET, BUSY);

            topology.minutes(1, busyRegionGoesOn(topology));
            assertThat(topology.storedRegions(ACCOUNT)).containsExactly(BUSY);
            assertThat(topology.alerts()).hasSize(1);

            topology.arrive(ACCOUNT, QUIET);
            assertThat(topology.alerts()).as("a forgotten region starts afresh, no follow-up").isEmpty();

            topology.minutes(3 * 60 + 2);
            assertThat(topology.storedRegions(ACCOUNT)).as("an account with nothing left is deleted").isEmpty();
        }
    }

    @Test
    void countsButDoesNotWriteSilencesBelowTheMinimumSeverity() {
        try (SilenceTopology topology = new SilenceTopology(Map.of("alerts.min.severity", "HIGH"))) {
            warmUp(topology);
            topology.minutes(40, busyRegionGoesOn(topology));
            topology.arrive(ACCOUNT, QUIET);

            assertThat(topology.alerts()).isEmpty();
            assertThat(topology.counted("MEDIUM")).isEqualTo(1);
            assertThat(topology.counted("LOW")).isEqualTo(1);
        }
    }

    @Test
    void alertsWithTheConfiguredThresholdAndSeverity() {
        Map<String, String> settings = Map.of("silence.after", "10m", "silence.min-events", "3",
                "silence.severity", "HIGH");
        try (SilenceTopology topology = new SilenceTopology(settings)) {
            topology.minutes(3, () -> {
                topology.arrive(ACCOUNT, BUSY);
                topology.arrive(ACCOUNT, QUIET);
            });
            topology.minutes(9, busyRegionGoesOn(topology));
            assertThat(topology.alerts()).as("quiet for exactly 10m").isEmpty();

            topology.minutes(1, busyRegionGoesOn(topology));
            assertThat(topology.alerts()).singleElement().satisfies(alert -> {
                assertThat(alert.severity()).isEqualTo(Severity.HIGH);
                assertThat(alert.evidence()).containsEntry("threshold", "10m");
            });
        }
    }
}
