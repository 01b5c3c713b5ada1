package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.RuleTexts;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The rules topic in the real topology: a rule published while the detector runs is matched from the next event on, a
 * rule with a built-in id replaces the built-in one until its tombstone, and a bad record is rejected with its reason
 * while the previous version stays in force.
 */
class TopicRulesTest {

    private static final Instant T0 = Instant.parse("2024-05-14T10:00:00Z");
    private static final String SIGMA = RuleTexts.sigmaBucketPolicyRead("medium");

    @Test
    void alertsOnATopicRuleFromTheNextEventOn() {
        try (TopologyHarness harness = new TopologyHarness()) {
            harness.pipe(RuleTexts.tagging("prod-before", T0));
            assertThat(harness.alertValues()).isEmpty();

            harness.pipeRule("bucket-tagged", RuleTexts.bucketTagged("bucket-tagged", "MEDIUM"));
            harness.pipe(RuleTexts.tagging("prod-after", T0.plusSeconds(60)));
            harness.pipe(RuleTexts.tagging("test-after", T0.plusSeconds(61)).user("bob"));

            assertThat(harness.alertValues()).singleElement().satisfies(alert -> {
                assertThat(alert.ruleId()).isEqualTo("bucket-tagged");
                assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
                assertThat(alert.title()).isEqualTo("Tags of bucket prod-after read by " + alert.principal());
            });
        }
    }

    @Test
    void aTopicRuleWithABuiltInIdReplacesItUntilItsTombstone() {
        try (TopologyHarness harness = new TopologyHarness()) {
            harness.pipeRule("cloudtrail-logging-stopped",
                    RuleTexts.bucketTagged("cloudtrail-logging-stopped", "LOW"));
            harness.pipe(TestEvents.stopLogging(T0).user("bob"));
            harness.pipe(RuleTexts.tagging("prod-data", T0.plusSeconds(1)));
            assertThat(harness.alertValues()).extracting(Alert::ruleId, Alert::eventName, Alert::severity)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("cloudtrail-logging-stopped",
                            "GetBucketTagging", Severity.LOW));

            harness.pipeRule("cloudtrail-logging-stopped", null);
            harness.pipe(TestEvents.stopLogging(T0.plusSeconds(2)).user("carol"));
            assertThat(harness.alertValues()).extracting(Alert::ruleId, Alert::eventName, Alert::severity)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("cloudtrail-logging-stopped",
                            "StopLogging", Severity.HIGH));
        }
    }

    @Test
    void rejectsBadRecordsWithTheirReasonAndKeepsThePreviousVersion() {
        try (TopologyHarness harness = new TopologyHarness()) {
            harness.pipeRule("bucket-tagged", RuleTexts.bucketTagged("bucket-tagged", "MEDIUM"));
            harness.pipeRule("bucket-tagged", RuleTexts.unknownKey("bucket-tagged"));
            harness.pipeRule("bucket-tagged", RuleTexts.badPattern("bucket-tagged"));
            harness.pipeRule("bucket-tagged", RuleTexts.failingTests("bucket-tagged"));
            harness.pipeRule("bucket-tagged", RuleTexts.notYaml());
            harness.pipeRule("bucket-tagged", RuleTexts.bucketTagged("bucket-tagged", "LOW")
                    .replace("tests:", "escalations: [null]\ntests:"));
            harness.pipeRule("bucket-tagged", RuleTexts.bucketTagged("bucket-tagged", "LOW")
                    .replace("  - Tagging automation", "  - null"));
            harness.pipeRule("bucket-tagged", RuleTexts.bucketTagged("other-id", "HIGH"));
            harness.pipeRule("Bucket Tagged", RuleTexts.bucketTagged("bucket-tagged", "HIGH"));
            harness.pipeRule("sigma-rule", "title: x\nlogsource:\n  product: aws\ndetection:\n  sel:\n"
                    + "    eventName: GetBucketTagging\n  condition: sel\n");

            harness.pipe(RuleTexts.tagging("prod-data", T0));
            assertThat(harness.alertValues()).singleElement().satisfies(alert -> {
                assertThat(alert.ruleId()).isEqualTo("bucket-tagged");
                assertThat(alert.severity()).as("the first, valid version").isEqualTo(Severity.MEDIUM);
            });
            assertThat(rejected(harness, "unknown-key")).isEqualTo(1);
            assertThat(rejected(harness, "pattern")).isEqualTo(1);
            assertThat(rejected(harness, "test")).isEqualTo(1);
            assertThat(rejected(harness, "yaml") + rejected(harness, "schema")).isEqualTo(1);
            assertThat(rejected(harness, "invalid")).as("id other than the key, empty escalation and false positive")
                    .isEqualTo(3);
            assertThat(rejected(harness, "error")).as("no check failed unexpectedly").isZero();
            assertThat(rejected(harness, "key")).isEqualTo(1);
            assertThat(rejected(harness, "sigma")).as("a Sigma rule for no CloudTrail service").isEqualTo(1);
        }
    }

    @Test
    void alertsOnASingleEventSigmaRulePublishedUnderItsRuleId() {
        try (TopologyHarness harness = new TopologyHarness()) {
            harness.pipeRule("sigma-bucket-policy-read", SIGMA);
            harness.pipe(TestEvents.event("s3.amazonaws.com", "GetBucketPolicy", T0));

            assertThat(harness.alertValues()).filteredOn(alert -> alert.ruleId().startsWith("sigma-"))
                    .singleElement().satisfies(alert -> {
                        assertThat(alert.ruleId()).isEqualTo("sigma-bucket-policy-read");
                        assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
                        assertThat(alert.title()).contains("Bucket policy read");
                    });

            harness.pipeRule("sigma-bucket-policy-read", null);
            harness.pipe(TestEvents.event("s3.amazonaws.com", "GetBucketPolicy", T0.plusSeconds(5)).user("carol"));
            assertThat(harness.alertValues()).as("removed by its tombstone")
                    .noneMatch(alert -> alert.ruleId().startsWith("sigma-"));
        }
    }

    @Test
    void refusesSigmaCorrelationsBadSigmaAndKeysThatAreNotTheRuleId() {
        try (TopologyHarness harness = new TopologyHarness()) {
            harness.pipeRule("sigma-bucket-policy-read", SIGMA);
            harness.pipeRule("bucket-policy-read", SIGMA);
            harness.pipeRule("sigma-bucket-policy-read", SIGMA.replace("eventName:", "eventName|containz:"));
            harness.pipeRule("sigma-many-reads", SIGMA + """
                    ---
                    title: Many policy reads
                    correlation:
                      type: event_count
                      rules: [8e3b1c55-3c1e-4d4a-9d1f-4b5d6f7a8b9c]
                      group-by: [sourceIPAddress]
                      timespan: 5m
                      condition: {gte: 10}
                    """);
            harness.pipe(TestEvents.event("s3.amazonaws.com", "GetBucketPolicy", T0));

            assertThat(harness.alertValues()).filteredOn(alert -> alert.ruleId().startsWith("sigma-"))
                    .singleElement().satisfies(alert -> assertThat(alert.severity())
                            .as("the first, valid version").isEqualTo(Severity.MEDIUM));
            assertThat(rejected(harness, "key")).isEqualTo(1);
            assertThat(rejected(harness, "sigma")).isEqualTo(1);
            assertThat(rejected(harness, "correlation")).isEqualTo(1);
        }
    }

    @Test
    void aRuleFileIsPublishedUnderTheIdItsAlertsCarry() {
        assertThat(TopicRules.key("detections/bucket-tagged.yml", RuleTexts.bucketTagged("bucket-tagged", "LOW")))
                .contains("bucket-tagged");
        assertThat(TopicRules.key("sigma/aws_bucket_policy_read.yml", SIGMA)).contains("sigma-aws-bucket-policy-read");
        assertThat(TopicRules.document("trailwatch.rules", "sigma-aws-bucket-policy-read", SIGMA))
                .extracting(Rule::id).containsExactly("sigma-aws-bucket-policy-read");
        assertThat(TopicRules.key("broken.yml", RuleTexts.notYaml())).isEmpty();
    }

    @Test
    void aTombstoneRemovesATopicRule() {
        try (TopologyHarness harness = new TopologyHarness()) {
            harness.pipeRule("bucket-tagged", RuleTexts.bucketTagged("bucket-tagged", "MEDIUM"));
            harness.pipeRule("bucket-tagged", null);
            harness.pipe(RuleTexts.tagging("prod-data", T0));
            assertThat(harness.alertValues()).isEmpty();
        }
    }

    private static double rejected(TopologyHarness harness, String reason) {
        var counter = harness.metrics.registry().find("trailwatch.rules.rejected").tag("reason", reason)
                .tag("source", "trailwatch.rules").counter();
        return counter == null ? 0 : counter.count();
    }
}
