package dev.trailwatch.detector.suppress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Repeats of one rule for one principal fold into one alert and at most one follow-up per window. */
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
    void honoursAConfiguredWindow() {
        try (TopologyHarness topology = new TopologyHarness(Map.of("suppression.window", "10m"),
                FlushSignal.never())) {
            topology.pipe(TestEvents.stopLogging(T0).user("mallory"));
            topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(9))).user("mallory"));
            topology.pipe(TestEvents.stopLogging(T0.plus(Duration.ofMinutes(11))).user("mallory"));

            List<Alert> alerts = topology.alertValues();
            assertThat(alerts).extracting(Alert::eventCount).containsExactly(1L, 2L, 1L);
            assertThat(alerts.get(1).alertId()).isEqualTo(alerts.get(0).alertId());
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
