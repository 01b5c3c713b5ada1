package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.detector.rules.pattern.FilterPattern;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TypedGuard}: a condition's cheap first look at the typed fields never changes what the condition matches.
 * Events go through the live path's byte parser, which is what decides whether typed fields are exact.
 */
class TypedGuardTest {

    private static final CloudTrailParser PARSER = new CloudTrailParser();
    private final RulePack pack = RulePack.load(null);

    private static CloudTrailEvent read(JsonNode record) {
        ParseResult result = PARSER.parse(record.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(result).as(record.toString()).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) result).event();
    }

    private static ObjectNode record(String userIdentity, String errorCode) {
        ObjectNode record = TestEvents.record("ec2.amazonaws.com", "DescribeInstances", null);
        if (userIdentity != null) {
            record.set("userIdentity", TestEvents.tree(userIdentity));
        }
        if (errorCode != null) {
            record.put("errorCode", errorCode);
        }
        return record;
    }

    private static final String ROOT = "{\"type\": \"Root\", \"principalId\": \"111122223333\","
            + " \"arn\": \"arn:aws:iam::111122223333:root\", \"accountId\": \"111122223333\"}";

    @Test
    void rulesOutTheRootUseRuleForACallerThatIsNotRoot() {
        TypedGuard guard = TypedGuard.of(pack.rule("root-account-used").orElseThrow().compiledCondition().pattern());

        assertThat(guard.admits(read(record(null, null)))).as("an IAM user").isFalse();
        assertThat(guard.admits(read(record(ROOT, null)))).as("the root user").isTrue();
    }

    @Test
    void rulesOutAnEventWithoutAFieldEveryMatchCompares() {
        TypedGuard guard = TypedGuard.of(FilterPattern.parse(
                "{ (($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\")) }"));

        assertThat(guard.admits(read(record(null, null)))).as("no errorCode").isFalse();
        assertThat(guard.admits(read(record(null, "AccessDenied")))).isTrue();
        assertThat(guard.admits(read(record(null, "ThrottlingException"))))
                .as("present: the pattern decides the rest").isTrue();
    }

    @Test
    void needsNothingOfAFieldThePatternAllowsToBeAbsent() {
        assertThat(TypedGuard.of(FilterPattern.parse("{ $.errorCode NOT EXISTS }"))).isNull();
        assertThat(TypedGuard.of(FilterPattern.parse(
                "{ ($.errorCode NOT EXISTS) || ($.errorCode = \"AccessDenied*\") }"))).isNull();
        assertThat(TypedGuard.of(FilterPattern.parse("{ $.requestParameters.userData = * }")))
                .as("not a typed field").isNull();
    }

    @Test
    void leavesAnEventWhoseTypedFieldsAreNotStringsToThePattern() {
        Condition numericType = new Condition(FilterPattern.parse("{ $.userIdentity.type = 5 }"), null);
        Condition rootType = new Condition(FilterPattern.parse("{ $.userIdentity.type = \"5\" }"), null);
        CloudTrailEvent event = read(record("{\"type\": 5, \"accountId\": \"111122223333\"}", null));

        assertThat(event.json().typedExact()).isFalse();
        assertThat(numericType.matches(event)).isTrue();
        assertThat(rootType.matches(event)).as("= \"5\" matches the number 5, as CloudWatch does").isTrue();
    }

    @Test
    void everyRuleMatchesWhatItsPatternMatchesOnTheWholeRecord() throws IOException {
        List<CloudTrailEvent> events = new ArrayList<>();
        for (StratusDetonationsTest.Detonation d : StratusDetonationsTest.detonations()) {
            events.add(read(d.event()));
        }
        for (String identity : List.of(ROOT, "{\"type\": \"AssumedRole\", \"accountId\": \"111122223333\","
                + " \"invokedBy\": \"signin.amazonaws.com\"}", "{\"type\": null}", "{}")) {
            for (String error : new String[] {null, "AccessDenied", "Client.UnauthorizedOperation", ""}) {
                events.add(read(record(identity, error)));
            }
        }
        int matched = 0;
        for (Rule rule : pack.rules()) {
            Condition whole = rule.compiledCondition();
            FilterPattern pattern = whole.pattern();
            if (pattern == null) {
                continue;
            }
            for (CloudTrailEvent event : events) {
                boolean expected = pattern.matches(event.record())
                        && (whole.matcher() == null || whole.matcher().matches(event));
                assertThat(rule.matches(event)).as(rule.id() + " on " + event.eventId()).isEqualTo(expected);
                matched += expected ? 1 : 0;
            }
        }
        assertThat(matched).as("the events match some rules, so the comparison means something").isPositive();
    }
}
