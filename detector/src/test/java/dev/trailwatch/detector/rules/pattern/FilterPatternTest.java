package dev.trailwatch.detector.rules.pattern;

import static dev.trailwatch.detector.rules.pattern.CloudTrailRecords.json;
import static dev.trailwatch.detector.rules.pattern.CloudTrailRecords.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The AWS documentation examples, operator precedence and parentheses, and pattern identity. */
class FilterPatternTest {

    /** The JSON example from the CloudWatch Logs "Filter pattern syntax" page, JSON section. */
    private static final JsonNode AWS_EXAMPLE = json("""
            {
              "eventType": "UpdateTrail",
              "sourceIPAddress": "111.111.111.111",
              "arrayKey": ["value", "another value"],
              "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
              "SomeObject": null,
              "ThisFlag": true
            }
            """);

    /** The compound-conditions example from the same page. */
    private static final JsonNode AWS_COMPOUND_EXAMPLE = json("""
            {
              "user": {"id": 1, "email": "John.Stiles@example.com"},
              "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
              "actions": ["GET", "PUT", "DELETE"],
              "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]]
            }
            """);

    static boolean matches(String pattern, JsonNode event) {
        return FilterPattern.parse(pattern).matches(event);
    }

    static boolean matches(String pattern, String event) {
        return matches(pattern, json(event));
    }

    @Test
    void patternsAreEqualWhenTheirTextsAre() {
        assertThat(FilterPattern.parse("{ $.a = 1 }")).isEqualTo(FilterPattern.parse("{ $.a = 1 }"))
                .hasSameHashCodeAs(FilterPattern.parse("{ $.a = 1 }"))
                .isNotEqualTo(FilterPattern.parse("{$.a = 1}"));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "{ $.eventType = \"UpdateTrail\" }",
        "{ $.sourceIPAddress != 123.123.* }",
        "{ $.arrayKey[0] = \"value\" }",
        "{ $.objectList[1].id = 2 }",
        "{ $.SomeObject IS NULL }",
        "{ $.SomeOtherObject NOT EXISTS }",
        "{ $.ThisFlag IS TRUE }",
        "{$.foo = bar || $.eventType = UpdateTrail }"})
    void matchTheDocumentedEvent(String pattern) {
        assertThat(matches(pattern, AWS_EXAMPLE)).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "{ ($.user.id = 1) && ($.users[0].email = \"John.Doe@example.com\") } => true",
        "{ ($.user.id = 2 && $.users[0].email = \"nonmatch\") || $.actions[2] = \"GET\" } => false",
        "{ $.user.email = \"John.Stiles@example.com\" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch } => true",
        "{ ($.user.email = \"John.Stiles@example.com\" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch } => false"})
    void compoundConditionsFollowTheDocumentedPrecedence(String pattern, boolean expected) {
        assertThat(matches(pattern, AWS_COMPOUND_EXAMPLE)).isEqualTo(expected);
    }

    @Test
    void selectorOnAnArrayMatchesNeitherEqualsNorNotEquals() {
        JsonNode event = json("{\"users\": [1, 2, 3]}");

        assertThat(matches("{$.users = 1}", event)).isFalse();
        assertThat(matches("{$.users != 1}", event)).isFalse();
    }

    @Test
    void andBindsTighterThanOrAsInCis41() {
        String cis41 = "{($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") &&"
                + " ($.sourceIPAddress!=\"delivery.logs.amazonaws.com\") && ($.eventName!=\"HeadBucket\")}";
        JsonNode headBucketUnauthorized = with(CloudTrailRecords.apiCall("s3.amazonaws.com", "HeadBucket"),
                "errorCode", "Client.UnauthorizedOperation");

        assertThat(matches(cis41, headBucketUnauthorized))
                .as("A || (B && C && D): the UnauthorizedOperation branch ignores the HeadBucket exclusion")
                .isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", value = {
        "{\"name\": \"B\"} => true", "{\"name\": 7} => true", "{\"name\": \"Z\"} => false",
        "{\"name\": null} => false", "{\"name\": {\"B\": 1}} => false", "{\"other\": \"B\"} => false",
        "{\"name\": \"Z\", \"flag\": true} => true", "{\"name\": \"Z\", \"n\": 7} => true"})
    void anOrOfExactValuesMatchesLikeItsBranches(String event, boolean expected) {
        String folded = "{ $.name = A || $.flag IS TRUE || $.name = \"B\" || $.n = 7 || $.name = \"7\" || $.name = A }";
        String unfolded = "{ ($.name = A) || (($.flag IS TRUE) || ($.name = \"B\" || ($.n = 7 || ($.name = \"7\"))))"
                + " || $.name = A }";

        assertThat(matches(folded, event)).isEqualTo(expected);
        assertThat(matches(unfolded, event)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " => ", value = {
        "{ $.t = 1 || $.f = 1 && $.f = 1 } => true", "{ ($.t = 1 || $.f = 1) && $.f = 1 } => false",
        "{ $.f = 1 && $.f = 1 || $.t = 1 } => true", "{ $.f = 1 && ($.f = 1 || $.t = 1) } => false",
        "{ ((($.t = 1))) } => true", "{ ($.t = 1 && ($.f = 1 || ($.t = 1 && $.t = 1))) } => true",
        "{ $.t = 1 && $.t = 1 && $.t = 1 && $.f = 1 } => false", "{ $.f = 1 || $.f = 1 || $.f = 1 || $.t = 1 } => true"})
    void parenthesesOverrideAndNestArbitrarily(String pattern, boolean expected) {
        assertThat(matches(pattern, "{\"t\": 1, \"f\": 0}")).isEqualTo(expected);
    }
}
