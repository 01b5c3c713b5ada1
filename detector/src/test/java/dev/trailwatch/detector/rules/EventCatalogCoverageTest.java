package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps the claim "every event of the CloudTrail event catalog is watched" true: each event name listed in
 * {@code reference/event-catalog.md} (a copy of the project's reference list), sent as a minimal successful call from
 * its service, must be matched by at least one rule.
 */
class EventCatalogCoverageTest {

    /** The catalog's section headings and the eventSource of their events. */
    private static final Map<String, String> SOURCES = Map.ofEntries(
            Map.entry("Auto Scaling", "autoscaling.amazonaws.com"),
            Map.entry("CloudFormation", "cloudformation.amazonaws.com"),
            Map.entry("Certificate Manager", "acm.amazonaws.com"),
            Map.entry("Disable CloudTrail Logging", "cloudtrail.amazonaws.com"),
            Map.entry("AWS Config", "config.amazonaws.com"),
            Map.entry("Direct Connect", "directconnect.amazonaws.com"),
            Map.entry("EC2", "ec2.amazonaws.com"),
            Map.entry("EC2 VPC", "ec2.amazonaws.com"),
            Map.entry("EC2 Security Groups", "ec2.amazonaws.com"),
            Map.entry("EFS", "elasticfilesystem.amazonaws.com"),
            Map.entry("Elastic Beanstalk", "elasticbeanstalk.amazonaws.com"),
            Map.entry("ElastiCache", "elasticache.amazonaws.com"),
            Map.entry("ELB", "elasticloadbalancing.amazonaws.com"),
            Map.entry("IAM", "iam.amazonaws.com"),
            Map.entry("Redshift", "redshift.amazonaws.com"),
            Map.entry("RDS", "rds.amazonaws.com"),
            Map.entry("Route 53", "route53.amazonaws.com"),
            Map.entry("S3", "s3.amazonaws.com"),
            Map.entry("WAF", "waf.amazonaws.com"));

    private final RulePack pack = RulePack.load(null);

    record CatalogEvent(String section, String source, String name) {
    }

    @Test
    void catalogHasEverySectionMapped() throws IOException {
        assertThat(catalog()).hasSizeGreaterThan(300)
                .allSatisfy(event -> assertThat(event.source()).as(event.section()).isNotNull());
    }

    @TestFactory
    Stream<DynamicTest> everyCatalogEventIsWatched() throws IOException {
        return catalog().stream().map(entry -> dynamicTest(entry.section() + ": " + entry.name(), () ->
                assertThat(pack.matching(TestEvents.parse(minimalEvent(entry)))).as("rules matching %s", entry)
                        .isNotEmpty()));
    }

    /** ConsoleLogin is a sign-in event: a successful password sign-in; everything else is a successful API call. */
    private static ObjectNode minimalEvent(CatalogEvent entry) {
        if (entry.name().equals("ConsoleLogin")) {
            ObjectNode record = TestEvents.record("signin.amazonaws.com", "ConsoleLogin", null);
            record.set("responseElements", TestEvents.tree("{\"ConsoleLogin\": \"Success\"}"));
            record.set("additionalEventData", TestEvents.tree("{\"MFAUsed\": \"Yes\"}"));
            record.put("eventType", "AwsConsoleSignIn");
            return record;
        }
        return TestEvents.record(entry.source(), entry.name(), "{}");
    }

    private static List<CatalogEvent> catalog() throws IOException {
        List<CatalogEvent> out = new ArrayList<>();
        String section = null;
        for (String line : read("/reference/event-catalog.md").lines().toList()) {
            if (line.startsWith("## ")) {
                section = line.substring(3).strip();
            } else if (section != null && !line.isBlank()) {
                for (String name : line.split(",")) {
                    out.add(new CatalogEvent(section, SOURCES.get(section), name.strip()));
                }
            }
        }
        return out;
    }

    static String read(String resource) throws IOException {
        try (InputStream in = EventCatalogCoverageTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
