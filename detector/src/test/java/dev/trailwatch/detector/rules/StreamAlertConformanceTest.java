package dev.trailwatch.detector.rules;

import static dev.trailwatch.detector.rules.PeerDetection.anyRule;
import static dev.trailwatch.detector.rules.PeerDetection.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * airbnb/streamalert's community CloudTrail rule tests (Apache-2.0; see {@code peer-tests/NOTICE.md}) where they map
 * cleanly: expected true means the mapped TrailWatch detection flags the record, expected false means it does not.
 * Rule files whose records are placeholders ({@code "eventTime": "..."}) or whose question TrailWatch does not ask
 * are skipped, each with its reason.
 */
class StreamAlertConformanceTest {

    /** StreamAlert rule file -> the TrailWatch detection that answers the same question. */
    static final Map<String, PeerDetection> MAPPING = Map.of(
            "cloudtrail_critical_api_calls", anyRule(Severity.MEDIUM),
            "cloudtrail_public_resources", anyRule(Severity.HIGH),
            "cloudtrail_security_group_ingress_anywhere", rule(Severity.HIGH, "security-group-changed"),
            "cloudtrail_snapshot_or_ami_made_public", rule(Severity.HIGH, "snapshot-shared"),
            "cloudtrail_ec2_image_creation", rule(Severity.HIGH, "snapshot-shared"));

    /** StreamAlert rule file, or "file / description" for one row -> why it is not evaluated. */
    static final Map<String, String> SKIPPED = Map.of(
            "cloudtrail_aws_config", "placeholder records (eventTime \"...\"); also a question about Config "
                    + "compliance results, which TrailWatch only records at INFO (config-evaluations-reported)",
            "cloudtrail_mfa_policy_abuse_attempt", "a different question: MFA changes attempted from a session "
                    + "without MFA; TrailWatch flags every MFA removal whatever the session",
            "cloudtrail_network_acl_ingress_anywhere", "placeholder records (eventTime and eventSource \"...\")",
            "cloudtrail_put_bucket_acl", "placeholder records (eventTime \"...\")",
            "cloudtrail_put_object_acl_public", "object-level S3 data events (PutObjectAcl) are not watched; "
                    + "several records are placeholders",
            "cloudtrail_put_object_acl_public_publisher_example", "object-level S3 data events (PutObjectAcl) "
                    + "are not watched",
            "cloudtrail_root_account_usage", "placeholder records (eventTime \"...\")",
            "cloudtrail_ec2_image_creation / Creating an AMI with unencrypted Volume should trigger an alert",
            "TrailWatch has no rule for unencrypted AMI volumes (CreateImage is not watched)");

    private final RulePack pack = RulePack.load(null);

    record Row(String file, String description, boolean expected, JsonNode event) {
        String key() {
            return file + " / " + description;
        }

        String skipReason() {
            return SKIPPED.getOrDefault(key(), SKIPPED.get(file));
        }
    }

    static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : EventCatalogCoverageTest.read("/peer-tests/streamalert-cloudtrail-conformance.jsonl")
                .lines().filter(l -> !l.isBlank()).toList()) {
            JsonNode row = TestEvents.tree(line);
            rows.add(new Row(row.get("rule").asText(), row.get("description").asText(),
                    row.get("expected").asBoolean(), row.get("event")));
        }
        return rows;
    }

    @TestFactory
    Stream<DynamicTest> everyCleanlyMappedRow() throws IOException {
        return rows().stream().map(row -> dynamicTest(row.key() + " (expected " + row.expected() + ")", () -> {
            assumeTrue(row.skipReason() == null, row::skipReason);
            boolean flagged = MAPPING.get(row.file()).flags(pack, TestEvents.parse(row.event()));
            assertThat(flagged).as("TrailWatch's verdict").isEqualTo(row.expected());
        }));
    }

    @Test
    void everyRowIsEitherMappedOrSkippedWithAReason() throws IOException {
        List<Row> rows = rows();
        assertThat(rows).hasSize(54).allSatisfy(row ->
                assertThat(MAPPING.containsKey(row.file()) || row.skipReason() != null).as(row.key()).isTrue());
        assertThat(rows).filteredOn(row -> row.skipReason() == null).hasSize(35);
    }
}
