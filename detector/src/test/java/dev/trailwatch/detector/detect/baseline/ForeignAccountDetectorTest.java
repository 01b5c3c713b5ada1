package dev.trailwatch.detector.detect.baseline;

import static dev.trailwatch.detector.detect.baseline.BaselineEvents.ACCOUNT;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.assumeRoleBy;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.assumedRoleOf;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.call;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.ec2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.accounts.OrganizationAccounts;
import dev.trailwatch.detector.config.ConfigException;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/** Principals of accounts outside the organization, against every source of known accounts. */
class ForeignAccountDetectorTest {

    private static final String ID = ForeignAccountDetector.ID;
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String OUTSIDER = "999988887777";
    private static final String MEMBER = "444455556666";

    @Test
    void alertsWhenAnAccountOutsideTheOrganizationAssumesARole() {
        try (BaselineHarness topology = new BaselineHarness(Map.of("accounts.known", ACCOUNT + "=prod-payments"))) {
            TestEvents assume = assumeRoleBy(OUTSIDER, ACCOUNT, T0);
            topology.pipe(assume);

            List<Alert> alerts = topology.alerts(ID);
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.HIGH);
            assertThat(alert.alertId()).isNotBlank();
            assertThat(alert.accountId()).isEqualTo(ACCOUNT);
            assertThat(alert.accountName()).isEqualTo("prod-payments");
            assertThat(alert.principal()).isEqualTo(OUTSIDER);
            assertThat(alert.eventName()).isEqualTo("AssumeRole");
            assertThat(alert.eventIds()).containsExactly(assume.eventId());
            assertThat(alert.mitre()).containsExactly("T1199", "T1078.004");
            assertThat(alert.title()).contains(OUTSIDER).contains(ACCOUNT);
            assertThat(alert.evidence()).containsEntry("foreignAccount", OUTSIDER)
                    .containsEntry("principalType", "AWSAccount");
        }
    }

    @Test
    void alertsWhenARoleSessionOfAForeignAccountActs() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipeAccount(ACCOUNT, "{\"name\": \"prod-payments\", \"ou\": \"workloads\"}");
            topology.pipe(assumedRoleOf(OUTSIDER,
                    call(ACCOUNT, "s3.amazonaws.com", "GetObject", "eu-west-1", T0)));

            List<Alert> alerts = topology.alerts(ID);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).principal())
                    .isEqualTo("arn:aws:sts::" + OUTSIDER + ":assumed-role/deployer/deploy");
            assertThat(alerts.get(0).accountName()).isEqualTo("prod-payments");
            assertThat(alerts.get(0).evidence())
                    .containsEntry("sessionIssuer", "arn:aws:iam::" + OUTSIDER + ":role/deployer");
        }
    }

    @Test
    void staysQuietWhenAPrincipalActsInItsOwnAccount() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(ec2("eu-west-1", T0));
            topology.pipe(assumedRoleOf(MEMBER, call(MEMBER, "ec2.amazonaws.com", "RunInstances", "eu-west-1", T0)));

            assertThat(topology.alerts(ID)).isEmpty();
        }
    }

    /**
     * Older records (eventVersion 1.05 console sign-ins among them) can lack recipientAccountId. Then nothing says the
     * caller acted in an account other than its own: the alert read "acted in account null".
     */
    @Test
    void staysQuietWhenTheRecordNamesNoRecipientAccount() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(call(MEMBER, "signin.amazonaws.com", "ConsoleLogin", "us-east-1", T0)
                    .remove("recipientAccountId"));
            topology.pipe(assumedRoleOf(MEMBER, call(MEMBER, "s3.amazonaws.com", "ListBuckets", "us-east-1", T0))
                    .remove("recipientAccountId"));

            assertThat(topology.alerts(ID)).isEmpty();
        }
    }

    @Test
    void staysQuietWhenTheCallerIsAConfiguredAccount() {
        try (BaselineHarness topology = new BaselineHarness(
                Map.of("accounts.known", MEMBER + "," + OUTSIDER + "=partner-monitoring"))) {
            topology.pipe(assumeRoleBy(OUTSIDER, ACCOUNT, T0));
            topology.pipe(assumeRoleBy(MEMBER, ACCOUNT, T0));

            assertThat(topology.alerts(ID)).isEmpty();
        }
    }

    @Test
    void staysQuietWhenTheCallerAccountWasSeenAsARecipientAndWritesItOnce() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(call(MEMBER, "ec2.amazonaws.com", "DescribeInstances", "eu-west-1", T0));
            topology.pipe(call(MEMBER, "ec2.amazonaws.com", "DescribeInstances", "eu-west-1", T0.plusSeconds(1)));
            topology.pipe(assumedRoleOf(MEMBER, call(ACCOUNT, "s3.amazonaws.com", "GetObject", "eu-west-1",
                    T0.plusSeconds(60))));

            assertThat(topology.alerts(ID)).isEmpty();
            List<KeyValue<String, AccountInfo>> written = topology.accountsWritten();
            assertThat(written).extracting(kv -> kv.key).containsExactly(MEMBER, ACCOUNT);
            assertThat(written.get(0).value.learnedFrom()).isEqualTo("recipient");
            assertThat(written.get(0).value.learnedAt()).isEqualTo(T0);
        }
    }

    @Test
    void alertsWhenTheCallerAccountWasOnlySeenAsARecipientButLearningRecipientsIsOff() {
        try (BaselineHarness topology = new BaselineHarness(Map.of("accounts.learn-recipients", "false"))) {
            topology.pipe(call(MEMBER, "ec2.amazonaws.com", "DescribeInstances", "eu-west-1", T0));
            topology.pipe(assumedRoleOf(MEMBER, call(ACCOUNT, "s3.amazonaws.com", "GetObject", "eu-west-1",
                    T0.plusSeconds(60))));

            assertThat(topology.alerts(ID)).extracting(Alert::principal)
                    .containsExactly("arn:aws:sts::" + MEMBER + ":assumed-role/deployer/deploy");
            assertThat(topology.accountsWritten()).isEmpty();
        }
    }

    @Test
    void staysQuietWhenTheAccountsTopicListsTheAccountAndAlertsAgainAfterItsTombstone() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipe(assumeRoleBy(OUTSIDER, ACCOUNT, T0));
            assertThat(topology.alerts(ID)).hasSize(1);

            topology.pipeAccount(OUTSIDER, "{\"name\": \"partner-monitoring\", \"ou\": \"vendors\"}");
            topology.pipe(assumeRoleBy(OUTSIDER, ACCOUNT, T0.plus(Duration.ofHours(2))));
            assertThat(topology.alerts(ID)).isEmpty();

            topology.pipeAccount(OUTSIDER, null);
            topology.pipe(assumeRoleBy(OUTSIDER, ACCOUNT, T0.plus(Duration.ofHours(4))));
            assertThat(topology.alerts(ID)).hasSize(1);
        }
    }

    /** A known caller is re-checked against the table at most once a minute (stream time) per task. */
    @Test
    void alertsWhenATombstonedAccountCallsAgainOnceTheMinuteSinceItWasLastCheckedHasPassed() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipeAccount(OUTSIDER, "{\"name\": \"partner-monitoring\"}");
            topology.pipe(assumeRoleBy(OUTSIDER, ACCOUNT, T0));
            topology.pipeAccount(OUTSIDER, null);
            topology.pipe(assumeRoleBy(OUTSIDER, ACCOUNT, T0.plusSeconds(30)));
            assertThat(topology.alerts(ID)).isEmpty();

            topology.pipe(assumeRoleBy(OUTSIDER, ACCOUNT, T0.plusSeconds(61)));
            assertThat(topology.alerts(ID)).hasSize(1);
        }
    }

    @Test
    void staysQuietWhenTheAccountsTopicNamesTheAccountInPlainText() {
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipeAccount(OUTSIDER, "partner-monitoring");
            topology.pipe(assumeRoleBy(OUTSIDER, ACCOUNT, T0));

            assertThat(topology.alerts(ID)).isEmpty();
        }
    }

    @Test
    void staysQuietWhenTheOrganizationCreatedTheAccount() {
        String created = "210987654321";
        try (BaselineHarness topology = new BaselineHarness()) {
            // The service event that carries the new account's id, as a JSON string (as Panther's fixture has it).
            TestEvents result = BaselineEvents.serviceEvent(call(ACCOUNT, OrganizationAccounts.SOURCE,
                    "CreateAccountResult", "us-east-1", T0));
            result.set("serviceEventDetails", "{\"createAccountStatus\": {\"accountId\": \"" + created
                    + "\", \"accountName\": \"sandbox\", \"state\": \"SUCCEEDED\"}}");
            topology.pipe(result);
            topology.pipe(assumeRoleBy(created, ACCOUNT, T0.plusSeconds(300)));

            assertThat(topology.alerts(ID)).isEmpty();
            assertThat(topology.accountsWritten()).filteredOn(kv -> kv.key.equals(created))
                    .extracting(kv -> kv.value.name(), kv -> kv.value.learnedFrom())
                    .containsExactly(tuple("sandbox", "organizations:CreateAccountResult"));
        }
    }

    @Test
    void staysQuietWhenTheOrganizationInvitedOrAcceptedTheAccount() {
        String invited = "135792468013";
        String accepted = "246813579024";
        try (BaselineHarness topology = new BaselineHarness()) {
            TestEvents invite = invitation(T0);
            ObjectNode target = invite.json().with("requestParameters").putObject("target");
            target.put("id", invited);
            target.put("type", "ACCOUNT");
            topology.pipe(invite);
            TestEvents accept = call(ACCOUNT, OrganizationAccounts.SOURCE, "AcceptHandshake", "us-east-1", T0);
            ObjectNode handshake = accept.json().putObject("responseElements").putObject("handshake");
            handshake.putArray("parties").addObject().put("id", "o-exampleorgid").put("type", "ORGANIZATION");
            handshake.withArray("parties").addObject().put("id", accepted).put("type", "ACCOUNT");
            topology.pipe(accept);
            topology.pipe(assumeRoleBy(invited, ACCOUNT, T0.plusSeconds(60)));
            topology.pipe(assumeRoleBy(accepted, ACCOUNT, T0.plusSeconds(60)));

            assertThat(topology.alerts(ID)).isEmpty();
        }
    }

    @Test
    void alertsWhenAnInvitationFailed() {
        try (BaselineHarness topology = new BaselineHarness()) {
            TestEvents invite = invitation(T0)
                    .error("AccessDeniedException", "not authorized");
            ObjectNode target = invite.json().with("requestParameters").putObject("target");
            target.put("id", OUTSIDER);
            target.put("type", "ACCOUNT");
            topology.pipe(invite);
            topology.pipe(assumeRoleBy(OUTSIDER, ACCOUNT, T0.plusSeconds(60)));

            assertThat(topology.alerts(ID)).hasSize(1);
        }
    }

    @Test
    void staysQuietWhenAwsServicesOrAnonymousCallersAct() {
        try (BaselineHarness topology = new BaselineHarness()) {
            TestEvents service = BaselineEvents.byAwsService("cloudtrail.amazonaws.com", ec2("eu-west-1", T0));
            service.json().with("userIdentity").put("accountId", OUTSIDER);
            topology.pipe(service);
            TestEvents serviceEvent = BaselineEvents.serviceEvent(ec2("eu-west-1", T0));
            serviceEvent.json().with("userIdentity").put("accountId", OUTSIDER);
            topology.pipe(serviceEvent);
            topology.pipe(BaselineEvents.awsAccountCaller("ANONYMOUS_PRINCIPAL",
                    call(ACCOUNT, "s3.amazonaws.com", "GetObject", "eu-west-1", T0)));

            assertThat(topology.alerts(ID)).isEmpty();
        }
    }

    @Test
    void alertsOnlyOnceWhenTheSameEventArrivesTwiceEvenAfterTheSuppressionWindowClosed() {
        try (BaselineHarness topology = new BaselineHarness()) {
            TestEvents assume = assumeRoleBy(OUTSIDER, ACCOUNT, T0);
            topology.pipe(assume);
            topology.pipe(assume);
            // The 1 h window closes (nothing folded: no follow-up), then CloudTrail delivers the event once more.
            topology.pipe(ec2("eu-west-1", T0.plus(Duration.ofMinutes(80))));
            topology.pipe(assume);
            topology.pipe(ec2("eu-west-1", T0.plus(Duration.ofHours(6))));

            assertThat(topology.alerts(ID)).hasSize(1);
        }
    }

    @Test
    void alertsOnceAndFoldsRepeatsWhenOneForeignPrincipalKeepsCalling() {
        try (BaselineHarness topology = new BaselineHarness()) {
            for (int i = 0; i < 5; i++) {
                topology.pipe(assumeRoleBy(OUTSIDER, ACCOUNT, T0.plus(Duration.ofMinutes(10L * i))));
            }
            List<Alert> first = topology.alerts(ID);
            assertThat(first).hasSize(1);

            topology.pipe(ec2("eu-west-1", T0.plus(Duration.ofMinutes(62))));
            List<Alert> followUps = topology.alerts(ID);
            assertThat(followUps).hasSize(1);
            assertThat(followUps.get(0).alertId()).isEqualTo(first.get(0).alertId());
            assertThat(followUps.get(0).eventCount()).isEqualTo(5);
        }
    }

    private static TestEvents invitation(Instant time) {
        return call(ACCOUNT, OrganizationAccounts.SOURCE, "InviteAccountToOrganization", "us-east-1", time);
    }

    @Test
    void refusesAKnownAccountThatIsNotAnAccountId() {
        assertThatThrownBy(() -> DetectorConfig.defaults().with(Map.of("accounts.known", "1234=short")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("accounts.known");
    }
}
