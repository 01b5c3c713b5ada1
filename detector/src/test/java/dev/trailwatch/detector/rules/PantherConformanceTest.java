package dev.trailwatch.detector.rules;

import static dev.trailwatch.detector.rules.PeerDetection.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Panther's own unit tests (panther-labs/panther-analysis, commit daa10c88, Apache-2.0; see
 * {@code peer-tests/NOTICE.md}) for the rules that ask the same question as a TrailWatch rule: expected true means
 * the mapped TrailWatch rule(s) match, expected false means they do not. The burst rules' rows count as single
 * events here, against TrailWatch's single-event rules {@code console-login-failed} and
 * {@code unauthorized-api-call} (the burst thresholds are the burst detectors' business).
 *
 * <p>Panther's fixtures are not always complete CloudTrail records: times in Panther's own format
 * ({@code 2022-03-16 19:17:41}), a {@code redacted} time, one record without eventID and eventTime. The harness
 * fills in what the parser requires ({@link #asCloudTrail}); no watch-list rule reads those fields.
 */
class PantherConformanceTest {

    /** Panther rule id -> the TrailWatch rule(s) that answer the same question (mapping of peer-tests/README.md). */
    static final Map<String, PeerDetection> MAPPING = Map.ofEntries(
            Map.entry("AWS.CloudTrail.Stopped", rule("cloudtrail-logging-stopped")),
            Map.entry("AWS.CloudTrail.Created", rule("cloudtrail-trail-changed")),
            Map.entry("AWS.CloudTrail.EventSelectorsDisabled", rule(Severity.HIGH, "cloudtrail-trail-changed")),
            Map.entry("AWS.Console.RootLogin", rule("root-console-login")),
            Map.entry("AWS.Root.Activity", rule("root-account-used", "root-console-login")),
            Map.entry("AWS.CloudTrail.RootAccessKeyCreated", rule("root-access-key-created")),
            Map.entry("AWS.CloudTrail.RootPasswordChanged", rule("root-password-changed")),
            // A root sign-in without MFA is root-console-login's (HIGH, MFA in its title), not a second alert.
            Map.entry("AWS.Console.LoginWithoutMFA", rule("console-login-without-mfa", "root-console-login")),
            Map.entry("AWS.EC2.SecurityGroupModified", rule("security-group-changed")),
            Map.entry("AWS.RDS.SecurityGroupIngressAuthorized", rule("database-security-group-changed")),
            Map.entry("AWS.EC2.NetworkACLModified", rule("network-acl-changed")),
            Map.entry("AWS.CloudTrail.NetworkACLPermissiveEntry", rule(Severity.HIGH, "network-acl-changed")),
            Map.entry("AWS.EC2.RouteTableModified", rule("route-table-changed")),
            Map.entry("AWS.EC2.GatewayModified", rule("network-gateway-changed")),
            Map.entry("AWS.EC2.VPCModified", rule("vpc-changed")),
            Map.entry("AWS.VPCFlow.LogsDeleted", rule("vpc-flow-logs-deleted")),
            Map.entry("AWS.IAM.PolicyModified", rule("iam-policy-changed")),
            Map.entry("AWS.IAM.AttachAdminRolePolicy", rule(Severity.HIGH, "iam-policy-changed")),
            Map.entry("AWS.IAM.AttachAdminUserPolicy", rule(Severity.HIGH, "iam-policy-changed")),
            Map.entry("AWS.KMS.CustomerManagedKeyLoss", rule("kms-key-disabled-or-deleted")),
            Map.entry("AWS.S3.BucketPolicyModified", rule("s3-bucket-policy-changed")),
            Map.entry("AWS.S3.DeletePublicAccessBlock", rule("s3-public-access-block-removed")),
            Map.entry("AWS.ConfigService.DisabledDeleted", rule("config-recorder-stopped")),
            Map.entry("Standard.BruteForceByIP", rule("console-login-failed")),
            Map.entry("AWS.Console.RootLoginFailed", rule(Severity.LOW, "console-login-failed")),
            Map.entry("AWS.CloudTrail.UnauthorizedAPICall", rule("unauthorized-api-call")),
            Map.entry("AWS.IAMUser.ReconAccessDenied", rule("unauthorized-api-call")),
            // Stratus Red Team techniques (issue 15): Panther's tests of the same detonations.
            Map.entry("AWS.CloudTrail.AttemptToLeaveOrg", rule(Severity.MEDIUM, "critical-action-denied")),
            Map.entry("AWS.CloudTrail.DNSLogsDeleted", rule(Severity.HIGH, "dns-query-logging-deleted")),
            Map.entry("AWS.Bedrock.DeleteModelInvocationLoggingConfiguration",
                    rule(Severity.HIGH, "bedrock-invocation-logging-deleted")),
            Map.entry("AWS.EC2.DownloadInstanceUserData", rule("ec2-user-data-read")),
            Map.entry("AWS.EC2.LaunchUnusualEC2Instances", rule(Severity.MEDIUM, "ec2-unusual-instance-launched")),
            Map.entry("AWS.EC2.ManyPasswordReadAttempts", rule("ec2-password-data-retrieved")),
            Map.entry("AWS.EC2.MultiInstanceConnect", rule("ec2-instance-connect-key-sent")),
            Map.entry("AWS.EC2.Startup.Script.Change", rule(Severity.MEDIUM, "ec2-user-data-modified")),
            Map.entry("AWS.IAM.BackdoorRole", rule(Severity.HIGH, "iam-role-trust-policy-changed")),
            Map.entry("AWS.Lambda.UpdateFunctionCode", rule("lambda-function-code-updated")),
            Map.entry("AWS.Lambda.UpdateFunctionConfiguration", rule("lambda-layer-attached")),
            Map.entry("AWS.Potential.Backdoor.Lambda",
                    rule("lambda-permission-cross-account", "resource-policy-made-public")),
            Map.entry("AWS.SecretsManager.BatchRetrieveSecrets", rule(Severity.MEDIUM, "secretsmanager-batch-read")),
            Map.entry("AWS.SecretsManager.BatchRetrieveSecretsCatchAll",
                    rule(Severity.MEDIUM, "secretsmanager-batch-read")),
            Map.entry("AWS.SSM.DecryptSSMParams", rule("ssm-parameters-decrypted-in-bulk")),
            Map.entry("AWS.SSM.DistributedCommand", rule("ssm-command-sent")),
            Map.entry("AWS.CloudTrail.ShortLifecycle", rule(Severity.HIGH, "s3-bucket-policy-changed")),
            Map.entry("AWS.S3.CopyObjectWithClientSideEncryption", rule("s3-object-encrypted-with-customer-key")),
            // Calls the pack did not watch before session 22.
            Map.entry("AWS.RDS.ActivityStreamStopped", rule(Severity.HIGH, "rds-protection-removed")),
            Map.entry("AWS.RDS.AutomatedBackupDeleted", rule(Severity.MEDIUM, "rds-protection-removed")),
            Map.entry("AWS.RDS.DeletionProtectionDisabled", rule("rds-protection-removed")),
            Map.entry("AWS.RDS.SnapshotExport", rule(Severity.MEDIUM, "rds-snapshot-exported")),
            Map.entry("AWS.EC2.Traffic.Mirroring", rule("ec2-traffic-mirroring")),
            Map.entry("AWS.CloudTrail.EnableRegion", rule(Severity.MEDIUM, "account-region-enabled")));

    /** "rule / test name" -> why TrailWatch deliberately answers the other way. */
    static final Map<String, String> DISAGREEMENTS = Map.ofEntries(
            Map.entry("AWS.Root.Activity / Root Activity - CreateServiceLinkedRole",
                    "Panther ignores root CreateServiceLinkedRole calls; CIS 4.3 counts every root call not invoked "
                            + "by a service, and a root session creating roles is a person using root"),
            Map.entry("AWS.Root.Activity / Root Read-Only Enumeration",
                    "Panther ignores read-only root calls; CIS 4.3 does not: listing keys as root is still root use"),
            Map.entry("AWS.Root.Activity / Root User Failed Activity",
                    "Panther ignores failed root sign-in steps; CIS 4.3's filter matches them, and a failed root "
                            + "directory login means someone is trying the root credentials"),
            Map.entry("AWS.Console.LoginWithoutMFA / No MFA Login - New User",
                    "Panther suppresses users created recently (a mocked account-age lookup in its KV store); "
                            + "the single-event rule has no such state, and a new user without MFA is the gap CIS 4.2 "
                            + "wants closed"),
            Map.entry("AWS.RDS.SecurityGroupIngressAuthorized / Different RDS Event",
                    "the TrailWatch rule covers every DB security group change (priority row 23), revokes included"),
            Map.entry("AWS.IAMUser.ReconAccessDenied / Unauthorized API Call - From AWS console",
                    "Panther drops denials of calls the console makes (aws-internal user agent); TrailWatch counts "
                            + "them, since a stolen console session probing permissions looks exactly like this"),
            Map.entry("AWS.CloudTrail.UnauthorizedAPICall / Unauthorized API Call from Within AWS (FQDN)",
                    "Panther drops denials whose source address is an AWS service name; TrailWatch keys on who made "
                            + "the call: this one is an IAM user's own credentials (a service forwarding a user's call, "
                            + "or CloudFormation acting with its caller's rights, records the service as source), and "
                            + "only AWSService identities and service-linked roles are AWS's own"),
            Map.entry("AWS.IAMUser.ReconAccessDenied / Unauthorized API Call from Within AWS (FQDN)",
                    "as above: an IAM user's denial counts whichever service recorded it"),
            Map.entry("AWS.EC2.DownloadInstanceUserData / Panther Cloud Security Scanning",
                    "Panther allow-lists its own scanner role in code; TrailWatch raises the read at LOW and leaves "
                            + "allow-lists to the operator's exceptions, since a scanner's credentials are stolen too"),
            Map.entry("AWS.Lambda.UpdateFunctionCode / AssumedRole Updates Lambda Code (Normal CI/CD)",
                    "Panther only flags people (IAM, SSO, federated users); TrailWatch records every code update at "
                            + "LOW: a stolen pipeline role deploys code exactly like the pipeline does"),
            Map.entry("AWS.Lambda.UpdateFunctionCode / AssumedRole Updates Lambda Code v2 (Normal CI/CD)",
                    "as above: every code update at LOW, whoever makes it"),
            Map.entry("AWS.Lambda.UpdateFunctionConfiguration / AssumedRole Updates Lambda Configuration with Layers "
                            + "(Normal CI/CD)",
                    "Panther only flags people; TrailWatch records every layer change at LOW (MEDIUM for another "
                            + "account's layer), whoever makes it"),
            Map.entry("AWS.Potential.Backdoor.Lambda / Lambda Add Permission Event",
                    "the record does not say whom the permission is for (no principal in requestParameters); "
                            + "TrailWatch flags grants to everyone (HIGH) and to other accounts (MEDIUM) and leaves "
                            + "grants to the account's own services alone, so it needs the principal"),
            Map.entry("AWS.Potential.Backdoor.Lambda / Lambda Add Permission Event v2",
                    "as above: no principal in the record"),
            Map.entry("AWS.SecretsManager.BatchRetrieveSecretsCatchAll / BatchGetSecretValue Catch-All with other "
                            + "filters",
                    "Panther's rule only looks for the one never-existing-tag trick; TrailWatch treats every "
                            + "BatchGetSecretValue that selects secrets by filter as a sweep (MEDIUM)"),
            Map.entry("AWS.SSM.DecryptSSMParams / Single Secret Accessed in Single Event",
                    "Panther counts reads across events (a mocked cache); one GetParameter is ordinary and the "
                            + "count over time is the stateful harvesting detection's business, not a rule's"),
            Map.entry("AWS.SSM.DistributedCommand / Single Command Send, No Cached IDs",
                    "Panther counts instances across calls (a mocked cache); TrailWatch records every SendCommand "
                            + "at LOW and leaves the count over time to a stateful detection"),
            Map.entry("AWS.EC2.Traffic.Mirroring / CreateTrafficMirrorSession",
                    "the fixture's call failed (Client.NetworkInterfaceNotSupported): no packets are copied, and "
                            + "ec2-traffic-mirroring watches the sessions that exist"),
            Map.entry("AWS.EC2.Traffic.Mirroring / DeleteTrafficMirrorTarget",
                    "deleting a mirror target stops mirroring; ec2-traffic-mirroring watches what starts or "
                            + "widens it"),
            Map.entry("AWS.CloudTrail.EnableRegion / EnableRegion",
                    "the fixture records EnableRegion under cloudtrail.amazonaws.com; AWS records it under "
                            + "account.amazonaws.com (Account Management's CloudTrail examples), which the rule reads"));

    private static final Pattern PANTHER_TIME =
            Pattern.compile("(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2})(\\.\\d+)?");

    private final RulePack pack = RulePack.load(null);

    record Row(String rule, String name, boolean expected, JsonNode event) {
        String key() {
            return rule + " / " + name;
        }
    }

    static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : EventCatalogCoverageTest.read("/peer-tests/panther-cloudtrail-conformance.jsonl")
                .lines().filter(l -> !l.isBlank()).toList()) {
            JsonNode row = TestEvents.tree(line);
            rows.add(new Row(row.get("rule").asText(), row.get("name").asText(), row.get("expected").asBoolean(),
                    row.get("event")));
        }
        return rows;
    }

    @TestFactory
    Stream<DynamicTest> everyMappedRow() throws IOException {
        return rows().stream().map(row -> dynamicTest(row.key() + " (expected " + row.expected() + ")", () -> {
            boolean flagged = MAPPING.get(row.rule()).flags(pack, asCloudTrail(row.event()));
            if (DISAGREEMENTS.containsKey(row.key())) {
                assertThat(flagged).as("deliberate disagreement: %s", DISAGREEMENTS.get(row.key()))
                        .isEqualTo(!row.expected());
            } else {
                assertThat(flagged).as("TrailWatch's verdict").isEqualTo(row.expected());
            }
        }));
    }

    /** The record with an ISO-8601 eventTime and an eventID, as CloudTrail itself would deliver it. */
    static CloudTrailEvent asCloudTrail(JsonNode pantherEvent) {
        ObjectNode record = pantherEvent.deepCopy();
        String time = record.path("eventTime").asText("");
        Matcher panther = PANTHER_TIME.matcher(time);
        if (panther.matches()) {
            record.put("eventTime", panther.group(1) + "T" + panther.group(2) + "Z");
        } else if (!time.matches("\\d{4}-\\d{2}-\\d{2}T.*")) {
            record.put("eventTime", "2024-01-01T00:00:00Z");
        }
        if (!record.path("eventID").isTextual() || record.path("eventID").asText().isEmpty()) {
            record.put("eventID", "panther-fixture-without-event-id");
        }
        return TestEvents.parse(record);
    }

    @Test
    void everyRowIsMappedAndEveryListedExceptionIsARow() throws IOException {
        List<Row> rows = rows();
        assertThat(rows).extracting(Row::rule).allMatch(MAPPING::containsKey);
        assertThat(rows).extracting(Row::rule).containsAll(MAPPING.keySet());
        assertThat(rows).extracting(Row::key).doesNotHaveDuplicates()
                .containsAll(DISAGREEMENTS.keySet());
        assertThat(rows).hasSize(172);
    }
}
