package dev.trailwatch.detector.detect.baseline;

import static dev.trailwatch.detector.detect.baseline.BaselineEvents.ACCOUNT;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.call;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.ec2;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** First use of a service (eventSource) per account, sharing the region detection's baseline and learning period. */
class FirstServiceUseDetectorTest {

    private static final String ID = FirstServiceUseDetector.ID;
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Duration LEARNING = Duration.ofDays(7);

    private static TestEvents secrets(String region, Instant time) {
        return call(ACCOUNT, "secretsmanager.amazonaws.com", "ListSecrets", region, time);
    }

    @Test
    void staysQuietWhenNewServicesAreUsedDuringTheLearningPeriod() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(call(ACCOUNT, "s3.amazonaws.com", "ListBuckets", "eu-west-1", T0.plus(Duration.ofDays(2))));
            topology.pipe(secrets("eu-west-1", T0.plus(LEARNING).minusMillis(1)));

            assertThat(topology.alerts(ID)).isEmpty();
        }
    }

    @Test
    void alertsWhenANewServiceIsUsedAfterTheLearningPeriod() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(call(ACCOUNT, "s3.amazonaws.com", "ListBuckets", "eu-west-1", T0.plusSeconds(60)));
            TestEvents list = secrets("eu-west-1", T0.plus(Duration.ofDays(9)));
            topology.pipe(list);

            List<Alert> alerts = topology.alerts(ID, FirstRegionUseDetector.ID);
            assertThat(alerts).extracting(Alert::ruleId).containsExactly(ID);
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.LOW);
            assertThat(alert.alertId()).isNotBlank();
            assertThat(alert.eventSource()).isEqualTo("secretsmanager.amazonaws.com");
            assertThat(alert.eventIds()).containsExactly(list.eventId());
            assertThat(alert.mitre()).containsExactly("T1078.004");
            assertThat(alert.evidence()).containsEntry("newService", "secretsmanager.amazonaws.com")
                    .containsEntry("knownServices", List.of("ec2.amazonaws.com", "s3.amazonaws.com"));
        }
    }

    @Test
    void alertsWhenANewServiceIsUsedAsTheLearningPeriodEnds() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(secrets("eu-west-1", T0.plus(LEARNING)));

            assertThat(topology.alerts(ID)).hasSize(1);
        }
    }

    @Test
    void alertsForRegionAndServiceWhenOneCallIsNewToBoth() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(secrets("ap-east-1", T0.plus(Duration.ofDays(8))));

            assertThat(topology.alerts(ID, FirstRegionUseDetector.ID)).extracting(Alert::ruleId)
                    .containsExactlyInAnyOrder(FirstRegionUseDetector.ID, ID);
        }
    }

    /**
     * Stratus Red Team's ses-enumerate: GetAccountSendingEnabled, GetSendQuota, ListIdentities and
     * GetIdentityVerificationAttributes, all allowed reads of one service, so discovery-burst (refused calls, four
     * services) does not count them. In an account past its learning period that never sent mail, the first of them,
     * whichever arrives first, is a first use of SES: one alert, not four.
     */
    @Test
    void stratusSesEnumerationIsOneFirstUseOfSesInAnAccountThatDoesNotUseIt() {
        List<String> calls = List.of("GetAccountSendingEnabled", "GetSendQuota", "ListIdentities",
                "GetIdentityVerificationAttributes");
        for (List<String> order : List.of(calls, List.of(calls.get(2), calls.get(0), calls.get(3), calls.get(1)))) {
            try (BaselineHarness topology = new BaselineHarness()) {
                topology.pipe(ec2("us-east-1", T0));
                topology.pipe(call(ACCOUNT, "s3.amazonaws.com", "ListBuckets", "us-east-1", T0.plusSeconds(60)));
                Instant detonation = T0.plus(Duration.ofDays(8));
                for (int i = 0; i < order.size(); i++) {
                    topology.pipe(call(ACCOUNT, "ses.amazonaws.com", order.get(i), "us-east-1",
                            detonation.plusSeconds(i)));
                }

                List<Alert> alerts = topology.alerts(ID, FirstRegionUseDetector.ID);
                assertThat(alerts).as("order %s", order).extracting(Alert::ruleId).containsExactly(ID);
                assertThat(alerts.get(0).severity()).isEqualTo(Severity.LOW);
                assertThat(alerts.get(0).eventSource()).isEqualTo("ses.amazonaws.com");
            }
        }
    }

    @Test
    void alertsWhenAGlobalServiceIsFirstUsedButNeverForItsRegion() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(call(ACCOUNT, "iam.amazonaws.com", "ListUsers", "us-east-1", T0.plusSeconds(5)));
            Instant after = T0.plus(Duration.ofDays(8));
            topology.pipe(call(ACCOUNT, "iam.amazonaws.com", "CreateUser", "us-east-1", after));
            topology.pipe(call(ACCOUNT, "organizations.amazonaws.com", "ListAccounts", "us-east-1", after));

            List<Alert> alerts = topology.alerts(ID, FirstRegionUseDetector.ID);
            assertThat(alerts).extracting(Alert::ruleId).containsExactly(ID);
            assertThat(alerts.get(0).eventSource()).isEqualTo("organizations.amazonaws.com");
        }
    }

    @Test
    void staysQuietWhenAwsServicesCallANewService() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            Instant after = T0.plus(Duration.ofDays(8));
            topology.pipe(BaselineEvents.byAwsService("config.amazonaws.com",
                    call(ACCOUNT, "kms.amazonaws.com", "Decrypt", "eu-west-1", after)));
            topology.pipe(BaselineEvents.invokedBy("cloudformation.amazonaws.com",
                    call(ACCOUNT, "lambda.amazonaws.com", "CreateFunction", "eu-west-1", after)));

            assertThat(topology.alerts(ID)).isEmpty();
        }
    }

    @Test
    void alertsOnlyOnceWhenTheSameEventArrivesTwice() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            TestEvents list = secrets("eu-west-1", T0.plus(Duration.ofDays(8)));
            topology.pipe(list);
            topology.pipe(list);

            assertThat(topology.alerts(ID)).hasSize(1);
        }
    }

    @Test
    void staysQuietWhenServiceAlertsAreBelowTheMinimumSeverity() {
        try (BaselineHarness topology = new BaselineHarness(Map.of("alerts.min.severity", "MEDIUM"))) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(secrets("ap-east-1", T0.plus(Duration.ofDays(8))));

            assertThat(topology.alerts(ID, FirstRegionUseDetector.ID)).extracting(Alert::ruleId)
                    .containsExactly(FirstRegionUseDetector.ID);
            assertThat(topology.metrics.registry().get("trailwatch.alerts").tag("rule", ID).counter().count())
                    .isEqualTo(1.0);
        }
    }
}
