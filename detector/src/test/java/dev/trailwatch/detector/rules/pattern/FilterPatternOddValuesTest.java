package dev.trailwatch.detector.rules.pattern;

import static dev.trailwatch.detector.rules.pattern.CloudTrailRecords.consoleLogin;
import static dev.trailwatch.detector.rules.pattern.CloudTrailRecords.json;
import static dev.trailwatch.detector.rules.pattern.CloudTrailRecords.rootApiCall;
import static dev.trailwatch.detector.rules.pattern.CloudTrailRecords.with;
import static dev.trailwatch.detector.rules.pattern.CloudTrailRecords.without;
import static dev.trailwatch.detector.rules.pattern.FilterPatternTest.matches;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Selectors, and the values neither {@code =} nor {@code !=} match: missing fields, nulls, objects, arrays. */
class FilterPatternOddValuesTest {

    @Test
    void walkNestedObjectsAndArrayIndexes() {
        JsonNode event = json("{\"a\": {\"b-c\": [{\"d_e\": [10, 20]}]}}");

        assertThat(matches("{ $.a.b-c[0].d_e[1] = 20 }", event)).isTrue();
        assertThat(matches("{ $.a.b-c[0].d_e[2] NOT EXISTS }", event)).isTrue();
        assertThat(matches("{ $.a.b-c[1] NOT EXISTS }", event)).isTrue();
        assertThat(matches("{ $.a.b-c.d_e NOT EXISTS }", event)).isTrue();
        assertThat(matches("{ $.a[0] NOT EXISTS }", event)).isTrue();
    }

    @Test
    void missingFieldMatchesNeitherEqualsNorNotEquals() {
        JsonNode noInvokedBy = rootApiCall("s3.amazonaws.com", "ListBuckets");

        assertThat(matches("{ $.userIdentity.invokedBy = \"cloudfront.amazonaws.com\" }", noInvokedBy)).isFalse();
        assertThat(matches("{ $.userIdentity.invokedBy != \"cloudfront.amazonaws.com\" }", noInvokedBy))
                .isFalse();
        assertThat(matches("{ $.userIdentity.invokedBy NOT EXISTS }", noInvokedBy)).isTrue();
    }

    @Test
    void consoleWithoutMfaAlarmNeedsMfaUsedToBePresentAndNotYes() {
        String cis42 = "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") }";

        assertThat(matches(cis42, consoleLogin("No", "Success"))).isTrue();
        assertThat(matches(cis42, consoleLogin("Yes", "Success"))).isFalse();
        assertThat(matches(cis42, without(consoleLogin("No", "Success"), "additionalEventData.MFAUsed")))
                .isFalse();
    }

    @Test
    void nullMatchesOnlyIsNull() {
        JsonNode event = json("{\"responseElements\": null}");

        assertThat(matches("{ $.responseElements IS NULL }", event)).isTrue();
        assertThat(matches("{ $.responseElements = null }", event)).isFalse();
        assertThat(matches("{ $.responseElements != null }", event)).isFalse();
        assertThat(matches("{ $.responseElements NOT EXISTS }", event)).isFalse();
        assertThat(matches("{ $.missing IS NULL }", event)).isFalse();
    }

    @Test
    void objectMatchesNeitherEqualsNorNotEquals() {
        JsonNode event = rootApiCall("iam.amazonaws.com", "CreateUser");

        assertThat(matches("{ $.userIdentity = Root }", event)).isFalse();
        assertThat(matches("{ $.userIdentity != Root }", event)).isFalse();
        assertThat(matches("{ $.userIdentity.sessionContext IS NULL }", event)).isFalse();
    }

    @Test
    void booleansMatchIsTrueAndIsFalseAndCompareByText() {
        JsonNode event = with(rootApiCall("iam.amazonaws.com", "CreateUser"), "readOnly", false);

        assertThat(matches("{ $.readOnly IS FALSE }", event)).isTrue();
        assertThat(matches("{ $.readOnly IS TRUE }", event)).isFalse();
        assertThat(matches("{ $.readOnly = false }", event)).isTrue();
        assertThat(matches("{ $.readOnly != true }", event)).isTrue();
        assertThat(matches("{ $.userIdentity.sessionContext.attributes.mfaAuthenticated IS TRUE }", event))
                .as("the string \"true\" is not a JSON boolean").isFalse();
        assertThat(matches("{ $.userIdentity.sessionContext.attributes.mfaAuthenticated = true }", event))
                .isTrue();
        assertThat(matches("{ $.missing IS FALSE }", event)).isFalse();
    }

    @Test
    void nonObjectEventsAndNullMatchNothing() {
        assertThat(matches("{ $.a NOT EXISTS }", "[1, 2]")).isTrue();
        assertThat(matches("{ $.a = * }", "\"text\"")).isFalse();
        assertThat(FilterPattern.parse("{ $.a NOT EXISTS }").matches(null)).isFalse();
    }
}
