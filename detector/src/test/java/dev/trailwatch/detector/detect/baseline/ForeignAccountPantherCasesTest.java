package dev.trailwatch.detector.detect.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.model.Alert;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Panther's test cases for {@code AWS.CloudTrail.VPCE.ExternalPrincipal}, the one Panther rule that means what
 * foreign-account means: a principal of another account acting in this one. Copied from panther-labs/panther-analysis
 * (commit daa10c88, rules/aws_cloudtrail_rules/aws_vpce_external_principal.yml) under the Apache License 2.0
 * ({@code panther-analysis-LICENSE.txt} next to the data). Panther's records carry no {@code eventID}; each case gets
 * its own. Each case runs alone, so the recipient it names is the only account seen.
 */
class ForeignAccountPantherCasesTest {

    private static final Map<String, JsonNode> CASES = load();

    @Test
    void alertsWhenPantherFlagsAnExternalPrincipalThroughAVpcEndpoint() {
        assertThat(run("External Principal Access")).extracting(Alert::principal).containsExactly("111111111111");
    }

    @Test
    void staysQuietWhenPantherSeesSameAccountAccessThroughAVpcEndpoint() {
        assertThat(run("Same Account Access")).isEmpty();
    }

    /**
     * Deliberate disagreement: Panther's rule looks at VPC endpoint events only, so it passes this call. The same
     * foreign principal reaching the bucket without an endpoint is just as foreign to TrailWatch.
     */
    @Test
    void alertsWhenAnExternalPrincipalCallsWithoutAVpcEndpointUnlikePanther() {
        assertThat(run("Non-VPC Event")).extracting(Alert::principal).containsExactly("111111111111");
    }

    private static List<Alert> run(String name) {
        ObjectNode event = CASES.get(name).get("event").deepCopy();
        event.put("eventID", UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString());
        try (BaselineHarness topology = new BaselineHarness()) {
            topology.pipeRaw(event.get("recipientAccountId").asText(), event.toString(),
                    Instant.parse(event.get("eventTime").asText()));
            return topology.alerts(ForeignAccountDetector.ID);
        }
    }

    private static Map<String, JsonNode> load() {
        try (InputStream in = ForeignAccountPantherCasesTest.class.getResourceAsStream(
                "panther-vpce-external-principal.jsonl");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().map(ForeignAccountPantherCasesTest::parse)
                    .collect(Collectors.toMap(row -> row.get("name").asText(), Function.identity()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return TestEvents.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
