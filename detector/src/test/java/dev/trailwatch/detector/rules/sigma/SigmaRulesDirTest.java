package dev.trailwatch.detector.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.deadletter.DeadLetterProcessingHandler;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.rules.Rule;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.topology.DetectorTopology;
import dev.trailwatch.detector.topology.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rules directory ({@code rules.dir}) holding TrailWatch rule files and Sigma rules together: the Sigma rules that
 * compile run as watch-list rules through the real topology, and the ones that do not are refused one by one
 * without stopping the detector (test resources {@code rules-sigma/}, see its README).
 */
class SigmaRulesDirTest {

    private static Path dir() throws URISyntaxException {
        return Path.of(SigmaRulesDirTest.class.getResource("/rules-sigma").toURI());
    }

    @Test
    void loadsSigmaRulesNextToRuleFilesAndRefusesTheRestWithoutStopping() throws URISyntaxException {
        RulePack builtIn = RulePack.load(null);
        RulePack pack = RulePack.load(dir());

        assertThat(pack.rules()).hasSize(builtIn.rules().size() + 2);
        assertThat(pack.rule("secret-deleted")).isPresent();
        Rule sigma = pack.rule("sigma-aws-iam-access-key-for-other-user").orElseThrow();
        assertThat(sigma.source()).endsWith("cloudtrail/aws_iam_access_key_for_other_user.yml");
        assertThat(sigma.severity()).isEqualTo(Severity.HIGH);
        assertThat(sigma.mitre()).containsExactly("T1098.001");
        assertThat(sigma.falsePositives()).containsExactly("Administrators rotating keys for service users");
        assertThat(sigma.eventNames()).contains(java.util.Set.of("CreateAccessKey"));
        assertThat(sigma.condition()).isEqualTo("Sigma condition: selection and not 1 of filter_main_*");
        assertThat(sigma.runbook()).contains("Ask:", "Check:", "Contain:", "Administrators rotating keys",
                "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html");
    }

    @Test
    void listsEveryRefusalWithItsReason() throws URISyntaxException {
        SigmaRules.Loaded loaded = SigmaRules.load(dir());

        assertThat(loaded.rules()).extracting(SigmaRule::ruleId).containsExactly(
                "sigma-aws-iam-access-key-for-other-user");
        assertThat(loaded.correlations()).hasSize(2);
        assertThat(loaded.refusals()).extracting(r -> Path.of(r.source()).getFileName() + " " + r.kind())
                .containsExactlyInAnyOrder("aws_sts_token_with_typo.yml UNSUPPORTED",
                        "mr_console_bruteforce.yml CORRELATION_NOT_RUN", "mr_console_bruteforce.yml CORRELATION_NOT_RUN",
                        "win_whoami_execution.yml OTHER_LOG_SOURCE");
        assertThat(loaded.refusals()).filteredOn(r -> r.kind() == SigmaRefusal.Kind.UNSUPPORTED).singleElement()
                .extracting(SigmaRefusal::message).asString()
                .endsWith("aws_sts_token_with_typo.yml ('Session token requested by a scripted client'):"
                        + " detection.selection.userAgent|containz, line 10: unknown modifier 'containz' (supported: all,"
                        + " base64, base64offset, cased, cidr, contains, day, endswith, exists, expand, fieldref, gt,"
                        + " gte, hour, i, lt, lte, m, minute, month, neq, re, s, startswith, utf16, utf16be, utf16le,"
                        + " week, wide, windash, year)");
    }

    @Test
    void aRefusedFileInADirectoryOfOnlySigmaRulesStillLeavesTheDetectorRunnable(@TempDir Path tmp)
            throws IOException {
        Files.writeString(tmp.resolve("broken_rule.yml"), "title: Broken\nlogsource:\n    product: aws\n"
                + "    service: cloudtrail\ndetection:\n    sel: [unclosed\n");
        assertThat(RulePack.load(tmp).rules()).hasSize(RulePack.load(null).rules().size());
    }

    @Test
    void alertsThroughTheTopologyWithTheRuleAuthorAndReferencesInTheEvidence(@TempDir Path state)
            throws URISyntaxException {
        RulePack pack = RulePack.load(dir());
        DetectorConfig config = DetectorConfig.defaults();
        Topics topics = Topics.from(config);
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        props.put(DeadLetterProcessingHandler.METRICS_CONFIG, metrics);
        try (TopologyTestDriver driver = new TopologyTestDriver(
                DetectorTopology.build(config, pack, metrics, FlushSignal.never()), props)) {
            var events = driver.createInputTopic(topics.events().name(), Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            var alerts = driver.createOutputTopic(topics.alerts().name(), Serdes.String().deserializer(),
                    topics.alerts().valueSerde().deserializer());
            Instant t0 = Instant.parse("2025-03-02T10:21:37Z");
            events.pipeInput(new TestRecord<>("111122223333", createAccessKey("bob", "e-1", t0), t0));
            events.pipeInput(new TestRecord<>("111122223333", createAccessKey("alice", "e-2", t0.plusSeconds(5)),
                    t0.plusSeconds(5)));

            List<Alert> out = alerts.readValuesToList();
            assertThat(out).as("the built-in rule alerts too").extracting(Alert::ruleId)
                    .contains("sigma-aws-iam-access-key-for-other-user");
            assertThat(out).filteredOn(a -> a.ruleId().startsWith("sigma-")).singleElement().satisfies(alert -> {
                assertThat(alert.ruleId()).isEqualTo("sigma-aws-iam-access-key-for-other-user");
                assertThat(alert.title()).isEqualTo("Access key created for another IAM user: CreateAccessKey by"
                        + " arn:aws:iam::111122223333:user/alice");
                assertThat(alert.description()).startsWith("An IAM principal created an access key")
                        .contains("Sigma rule 3c0d9a6e-2b1f-4f7e-9a55-0d6c1e8b7f21", "by TrailWatch",
                                "arn:aws:iam::111122223333:user/alice called CreateAccessKey (iam.amazonaws.com) in"
                                        + " account 111122223333, us-east-1, from 198.51.100.23.");
                assertThat(alert.severity()).isEqualTo(Severity.HIGH);
                assertThat(alert.mitre()).containsExactly("T1098.001");
                assertThat(alert.eventIds()).containsExactly("e-1");
                assertThat(alert.evidence()).containsEntry("requestParameters.userName", "bob")
                        .containsEntry("responseElements.accessKey.accessKeyId", "AKIAI44QH8DHBEXAMPLE");
                @SuppressWarnings("unchecked")
                Map<String, Object> sigma = (Map<String, Object>) alert.evidence().get("sigma");
                assertThat(sigma).containsEntry("id", "3c0d9a6e-2b1f-4f7e-9a55-0d6c1e8b7f21")
                        .containsEntry("author", "TrailWatch").containsEntry("status", "test")
                        .containsEntry("level", "high").containsEntry("matched", List.of("selection"))
                        .containsEntry("references", List.of(
                                "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html",
                                "https://attack.mitre.org/techniques/T1098/001/"));
                assertThat(sigma.get("file")).asString().endsWith("aws_iam_access_key_for_other_user.yml");
            });
        }
    }

    private static byte[] createAccessKey(String forUser, String eventId, Instant time) {
        ObjectNode record = (ObjectNode) SigmaEvents.tree("""
                {"eventVersion": "1.09",
                 "userIdentity": {"type": "IAMUser", "principalId": "AIDACKCEVSQ6C2EXAMPLE",
                   "arn": "arn:aws:iam::111122223333:user/alice", "accountId": "111122223333",
                   "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "userName": "alice"},
                 "eventSource": "iam.amazonaws.com", "eventName": "CreateAccessKey", "awsRegion": "us-east-1",
                 "sourceIPAddress": "198.51.100.23", "userAgent": "aws-cli/2.15.30 Python/3.11.8",
                 "responseElements": {"accessKey": {"accessKeyId": "AKIAI44QH8DHBEXAMPLE", "status": "Active",
                   "createDate": "Mar 2, 2025, 10:21:37 AM"}},
                 "requestID": "2d0a4b6e-8c1f-4e3a-9b5d-7f6e5d4c3b2a", "readOnly": false, "eventType": "AwsApiCall",
                 "managementEvent": true, "recipientAccountId": "111122223333", "eventCategory": "Management"}""");
        record.putObject("requestParameters").put("userName", forUser);
        ((ObjectNode) record.get("responseElements").get("accessKey")).put("userName", forUser);
        record.put("eventID", eventId);
        record.put("eventTime", time.toString());
        return record.toString().getBytes(StandardCharsets.UTF_8);
    }
}
