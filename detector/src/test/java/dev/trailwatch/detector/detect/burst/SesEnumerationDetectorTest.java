package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * SES enumeration (Stratus Red Team ses-enumerate, replayed as its detonation makes it: GetAccountSendingEnabled,
 * GetSendQuota, ListIdentities and GetIdentityVerificationAttributes within seconds), in a detector that has just
 * started: no learning period.
 */
class SesEnumerationDetectorTest {

    private static final String ID = SesEnumerationDetector.ID;
    private static final List<String> STRATUS = List.of("GetAccountSendingEnabled", "GetSendQuota", "ListIdentities",
            "GetIdentityVerificationAttributes");

    /** An SES read as CloudTrail writes it for the Go SDK Stratus uses. */
    private static TestEvents ses(String eventName, Instant time) {
        return TestEvents.event("ses.amazonaws.com", eventName, time).user("stratus-operator").sourceIp(ATTACKER)
                .set("readOnly", "true")
                .set("userAgent", "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux api/ses#1.25.3");
    }

    private static List<TestEvents> reads(List<String> calls, long secondsApart) {
        List<TestEvents> reads = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            reads.add(ses(calls.get(i), atSeconds(secondsApart * i)));
        }
        return reads;
    }

    /** The last update of each alert of the detection, after stream time has passed the window and its grace. */
    private static Map<String, Alert> lastAlerts(List<TestEvents> events) {
        try (TopologyHarness topology = new TopologyHarness()) {
            events.forEach(topology::pipe);
            topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", at(Duration.ofHours(1))));
            Map<String, Alert> last = new TreeMap<>();
            alertsOf(topology, ID).forEach(alert -> last.put(alert.alertId(), alert));
            return last;
        }
    }

    @Test
    void alertsAtLowOnTheFirstDayWhenStratusEnumeratesSes() {
        Map<String, Alert> alerts = lastAlerts(reads(STRATUS, 1));

        assertThat(alerts.values()).singleElement().satisfies(alert -> {
            assertThat(alert.severity()).isEqualTo(Severity.LOW);
            assertThat(alert.principal()).isEqualTo(BurstEvents.arn("stratus-operator"));
            assertThat(alert.eventCount()).isEqualTo(4);
            assertThat(alert.title()).isEqualTo("Amazon SES sending capacity and identities read by "
                    + BurstEvents.arn("stratus-operator"));
            assertThat(alert.evidence()).containsEntry("sesCalls", STRATUS).containsEntry("threshold", 3)
                    .containsEntry("window", "10m");
            assertThat(alert.mitre()).containsExactly("T1526");
        });
    }

    @Test
    void alertsOnTheSameQuestionsAskedThroughSesApiV2() {
        Map<String, Alert> alerts = lastAlerts(reads(List.of("GetAccount", "ListEmailIdentities", "GetEmailIdentity"),
                2));

        assertThat(alerts.values()).singleElement()
                .satisfies(alert -> assertThat(alert.evidence()).containsEntry("sesCalls",
                        List.of("GetAccount", "ListEmailIdentities", "GetEmailIdentity")));
    }

    @Test
    void staysQuietWhenAnApplicationKeepsReadingItsQuota() {
        List<String> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(i % 2 == 0 ? "GetSendQuota" : "GetSendStatistics");
        }

        assertThat(lastAlerts(reads(calls, 20))).isEmpty();
    }

    @Test
    void staysQuietWhenTheThirdReadFallsInTheNextWindow() {
        List<TestEvents> calls = List.of(ses("GetSendQuota", atSeconds(0)), ses("ListIdentities", atSeconds(60)),
                ses("GetAccountSendingEnabled", at(Duration.ofMinutes(10))));

        assertThat(lastAlerts(calls)).isEmpty();
    }

    @Test
    void staysQuietWhenTheSesConsoleDashboardMakesTheReads() {
        List<TestEvents> page = reads(STRATUS, 1);
        page.forEach(read -> read.set("sessionCredentialFromConsole", "true").set("userAgent",
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko)"));

        assertThat(lastAlerts(page)).isEmpty();
    }

    @Test
    void staysQuietForOtherServicesAndCallsMadeByAws() {
        List<TestEvents> calls = new ArrayList<>();
        for (String call : STRATUS) {
            TestEvents byService = ses(call, atSeconds(calls.size()));
            byService.json().with("userIdentity").put("invokedBy", "cognito-idp.amazonaws.com");
            calls.add(byService);
            calls.add(TestEvents.event("sns.amazonaws.com", call, atSeconds(calls.size())).user("stratus-operator"));
        }

        assertThat(lastAlerts(calls)).isEmpty();
    }

    @Test
    void readsInReverseOrderMakeTheSameAlert() {
        List<TestEvents> forward = reads(STRATUS, 1);
        List<TestEvents> reverse = new ArrayList<>(forward);
        Collections.reverse(reverse);

        Map<String, Alert> inOrder = lastAlerts(forward);
        Map<String, Alert> reversed = lastAlerts(reverse);

        assertThat(reversed).hasSize(1).containsOnlyKeys(inOrder.keySet());
        Alert a = inOrder.values().iterator().next();
        Alert b = reversed.values().iterator().next();
        assertThat(b.title()).isEqualTo(a.title());
        assertThat(b.description()).isEqualTo(a.description());
        assertThat(b.evidence()).isEqualTo(a.evidence());
        assertThat(b.eventIds()).isEqualTo(a.eventIds());
        assertThat(b.eventCount()).isEqualTo(4);
        assertThat(b.firstEventTime()).isEqualTo(a.firstEventTime());
        assertThat(b.lastEventTime()).isEqualTo(a.lastEventTime());
    }
}
