package dev.trailwatch.detector.detect.watchlist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import io.micrometer.core.instrument.Counter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** The watch-list path through the real topology: rule match, alert contract, minimum severity. */
class WatchListDetectorTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void alertsWhenATrailIsStoppedWithTheContractFieldsFilled() {
        try (TopologyHarness topology = new TopologyHarness()) {
            TestEvents stop = TestEvents.stopLogging(T0).user("mallory").sourceIp("203.0.113.66");
            topology.pipe(stop);

            List<TestRecord<String, Alert>> records = topology.alerts();
            assertThat(records).hasSize(1);
            Alert alert = records.get(0).value();
            assertThat(records.get(0).key()).isEqualTo(alert.alertId()).isNotBlank();
            assertThat(alert.schemaVersion()).isEqualTo(1);
            assertThat(alert.ruleId()).isEqualTo("cloudtrail-logging-stopped");
            assertThat(alert.severity()).isEqualTo(Severity.HIGH);
            assertThat(alert.accountId()).isEqualTo(TestEvents.ACCOUNT);
            assertThat(alert.region()).isEqualTo("us-east-1");
            assertThat(alert.principal()).isEqualTo("arn:aws:iam::111122223333:user/mallory");
            assertThat(alert.sourceIp()).isEqualTo("203.0.113.66");
            assertThat(alert.eventName()).isEqualTo("StopLogging");
            assertThat(alert.eventSource()).isEqualTo("cloudtrail.amazonaws.com");
            assertThat(alert.eventIds()).containsExactly(stop.eventId());
            assertThat(alert.eventCount()).isEqualTo(1);
            assertThat(alert.firstEventTime()).isEqualTo(T0);
            assertThat(alert.lastEventTime()).isEqualTo(T0);
            assertThat(alert.mitre()).contains("T1562.008");
            assertThat(alert.runbook()).isNotBlank();
            assertThat(alert.title() + " " + alert.description()).contains("mallory");
        }
    }

    @Test
    void staysQuietForRoutineReadOnlyCalls() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0));
            topology.pipe(TestEvents.event("s3.amazonaws.com", "ListBuckets", T0.plusSeconds(1)));

            assertThat(topology.alerts()).isEmpty();
            assertThat(topology.deadLetters()).isEmpty();
        }
    }

    @Test
    void countsInfoMatchesInMetricsWithoutWritingThem() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0)
                    .error("Client.UnauthorizedOperation", "You are not authorized to perform this operation."));

            assertThat(topology.alerts()).isEmpty();
            Counter info = topology.metrics.registry().find("trailwatch.alerts").tag("severity", "INFO").counter();
            assertThat(info).isNotNull();
            assertThat(info.count()).isEqualTo(1.0);
        }
    }

    @Test
    void dropsAlertsBelowTheConfiguredMinimumSeverity() {
        try (TopologyHarness topology = new TopologyHarness(Map.of("alerts.min.severity", "CRITICAL"),
                FlushSignal.never())) {
            topology.pipe(TestEvents.stopLogging(T0));

            assertThat(topology.alerts()).isEmpty();
        }
    }

    @Test
    void givesTheSameAlertIdWhenTheSameEventsAreReplayed() {
        String first;
        TestEvents stop = TestEvents.stopLogging(T0).user("mallory");
        try (TopologyHarness topology = new TopologyHarness()) {
            first = topology.pipe(stop).alertValues().get(0).alertId();
        }
        try (TopologyHarness replay = new TopologyHarness()) {
            assertThat(replay.pipe(stop).alertValues().get(0).alertId()).isEqualTo(first);
        }
    }

    /** The same sign-in by root, without MFA. */
    private static final String ROOT_CONSOLE_LOGIN_WITHOUT_MFA = "{\"eventVersion\":\"1.09\",\"userIdentity\":{"
            + "\"type\":\"Root\",\"principalId\":\"111122223333\",\"arn\":\"arn:aws:iam::111122223333:root\","
            + "\"accountId\":\"111122223333\",\"accessKeyId\":\"\"},\"eventTime\":\"2026-11-20T10:00:00Z\","
            + "\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\",\"awsRegion\":\"us-east-1\","
            + "\"sourceIPAddress\":\"203.0.113.77\",\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64; rv:132.0)"
            + " Gecko/20100101 Firefox/132.0\",\"requestParameters\":null,\"responseElements\":{\"ConsoleLogin\":"
            + "\"Success\"},\"additionalEventData\":{\"LoginTo\":\"https://console.aws.amazon.com/console/home\","
            + "\"MobileVersion\":\"No\",\"MFAUsed\":\"No\"},\"eventID\":\"0ce18666-d3c4-5b15-abd1-062bad95db88\","
            + "\"eventType\":\"AwsConsoleSignIn\",\"recipientAccountId\":\"111122223333\"}";

    @Test
    void alertsOnceAtHighWithTheMfaFactWhenRootSignsInWithoutMfa() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipeRaw(ROOT_CONSOLE_LOGIN_WITHOUT_MFA, T0);

            List<Alert> alerts = topology.alertValues();
            assertThat(alerts).extracting(Alert::ruleId).containsExactly("root-console-login");
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.HIGH);
            assertThat(alert.title()).isEqualTo("Root user signed in to the console from 203.0.113.77 (MFA used: No)");
            assertThat(alert.description()).contains("MFA used: No");
            assertThat(alert.evidence()).containsEntry("additionalEventData.MFAUsed", "No");
        }
    }

    /** AWS's documentation example of a console sign-in (elastic's integration tests): no recipientAccountId. */
    private static final String OLD_CONSOLE_LOGIN = "{\"eventVersion\":\"1.05\",\"userIdentity\":{\"type\":\"IAMUser\","
            + "\"principalId\":\"AIDACKCEVSQ6C2EXAMPLE\",\"arn\":\"arn:aws:iam::111122223333:user/JohnDoe\","
            + "\"accountId\":\"111122223333\",\"userName\":\"JohnDoe\"},\"eventTime\":\"2014-07-16T15:49:27Z\","
            + "\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\",\"awsRegion\":\"us-east-2\","
            + "\"sourceIPAddress\":\"89.160.20.156\",\"userAgent\":\"Mozilla/5.0 (Windows NT 6.1; WOW64; rv:24.0)"
            + " Gecko/20100101 Firefox/24.0\",\"requestParameters\":null,\"responseElements\":{\"ConsoleLogin\":"
            + "\"Success\"},\"additionalEventData\":{\"MobileVersion\":\"No\",\"LoginTo\":"
            + "\"https://console.aws.amazon.com/s3/\",\"MFAUsed\":\"No\"},\"eventID\":\"3fcfb182-98f8-4744-bd45-10aEXAMPLE\"}";

    @Test
    void namesTheSignedInAccountWhenTheRecordHasNoRecipientAccount() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipeRaw(OLD_CONSOLE_LOGIN, Instant.parse("2014-07-16T15:49:27Z"));

            List<Alert> alerts = topology.alertValues();
            assertThat(alerts).extracting(Alert::ruleId).contains("console-login", "console-login-without-mfa")
                    .noneMatch(id -> id.startsWith("foreign"));
            for (Alert alert : alerts) {
                assertThat(alert.accountId()).as(alert.ruleId()).isEqualTo("111122223333");
            }
            Alert login = alerts.stream().filter(a -> a.ruleId().equals("console-login")).findFirst().orElseThrow();
            assertThat(login.description()).contains("account 111122223333");
        }
    }
}
