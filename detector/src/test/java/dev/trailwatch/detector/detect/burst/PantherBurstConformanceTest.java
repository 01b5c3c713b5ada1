package dev.trailwatch.detector.detect.burst;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Panther's unit tests for its per-event failed-login and denied-call rules (panther-labs/panther-analysis,
 * Apache-2.0; rows copied unchanged to {@code peer-tests/panther-burst-conformance.jsonl}), run against the
 * predicates that decide whether an event counts toward a TrailWatch burst. Panther applies no threshold in these
 * tests, so {@code expected = true} means "counts toward the burst".
 *
 * <p>Where scopes differ the rows mostly do not test it: Panther's ReconAccessDenied looks only at IAM users and at
 * List/Describe/Get calls of five services; TrailWatch counts every principal and every call, because enumeration
 * tools try far more than that. Both leave out the console's background calls ({@code aws-internal/} user agents).
 * Panther also leaves out every call whose source is a service name; TrailWatch keys on who made the call (only
 * {@code AWSService} identities and service-linked roles are AWS's own), so a user's denial carried by a service
 * counts toward the user's burst: the two rows that test it are listed in {@link #DISAGREEMENTS} with the reason.
 */
class PantherBurstConformanceTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ROWS = "/peer-tests/panther-burst-conformance.jsonl";

    /** Panther rule id to the TrailWatch predicate it is compared with. */
    private static final Map<String, Predicate<CloudTrailEvent>> PREDICATES = Map.of(
            "Standard.BruteForceByIP", FailedConsoleLoginBurstDetector::countsTowardBurst,
            "AWS.Console.RootLoginFailed", FailedConsoleLoginBurstDetector::countsTowardBurst,
            "AWS.CloudTrail.UnauthorizedAPICall", AccessDeniedBurstDetector::countsTowardBurst,
            "AWS.IAMUser.ReconAccessDenied", AccessDeniedBurstDetector::countsTowardBurst);

    /** {@code rule / test name} to why TrailWatch decides differently. */
    private static final Map<String, String> DISAGREEMENTS = Map.of(
            "AWS.CloudTrail.UnauthorizedAPICall / Unauthorized API Call from Within AWS (FQDN)",
            "an IAM user's own credentials, carried by SQS: the denial is the user's, and anyone who can make a "
                    + "service call for them (a CloudFormation stack without a service role) chooses that source; "
                    + "it counts for the user's burst, never for a per-IP one",
            "AWS.IAMUser.ReconAccessDenied / Unauthorized API Call from Within AWS (FQDN)",
            "as above: the IAM user's denial counts whichever service carried it");

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("rows")
    void agreesWithPantherWhetherTheEventCountsTowardABurst(String rule, String name, boolean expected,
                                                             JsonNode record) {
        ParseResult parsed = new CloudTrailParser().fromTree(record, null);
        assertThat(parsed).isInstanceOf(ParseResult.Parsed.class);
        boolean counts = PREDICATES.get(rule).test(((ParseResult.Parsed) parsed).event());

        boolean agree = !DISAGREEMENTS.containsKey(rule + " / " + name);
        assertThat(counts).as(DISAGREEMENTS.getOrDefault(rule + " / " + name, "Panther's expected result"))
                .isEqualTo(agree == expected);
    }

    @Test
    void coversEveryMappedRuleWithBothOutcomes() {
        List<Object[]> all = rows().toList();
        assertThat(all).hasSize(12);
        for (String rule : PREDICATES.keySet()) {
            assertThat(all).filteredOn(row -> row[0].equals(rule)).extracting(row -> row[2])
                    .as(rule).contains(true, false);
        }
    }

    static Stream<Object[]> rows() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(PantherBurstConformanceTest.class.getResourceAsStream(ROWS), ROWS),
                StandardCharsets.UTF_8))) {
            List<Object[]> rows = reader.lines().filter(line -> !line.isBlank()).map(PantherBurstConformanceTest::row)
                    .toList();
            return rows.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object[] row(String line) {
        try {
            JsonNode row = MAPPER.readTree(line);
            return new Object[] {row.get("rule").asText(), row.get("name").asText(), row.get("expected").asBoolean(),
                    row.get("event")};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
