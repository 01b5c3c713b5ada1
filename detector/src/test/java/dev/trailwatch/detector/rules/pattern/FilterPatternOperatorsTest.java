package dev.trailwatch.detector.rules.pattern;

import static dev.trailwatch.detector.rules.pattern.CloudTrailRecords.consoleLogin;
import static dev.trailwatch.detector.rules.pattern.CloudTrailRecords.rootApiCall;
import static dev.trailwatch.detector.rules.pattern.FilterPatternTest.matches;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The six comparison operators, numbers against numbers and strings, case sensitivity and keywords. */
class FilterPatternOperatorsTest {

    @ParameterizedTest(name = "{0} on latency 500 -> {1}")
    @CsvSource(delimiterString = " => ", value = {
        "{ $.latency = 500 } => true", "{ $.latency != 500 } => false", "{ $.latency != 499 } => true",
        "{ $.latency < 501 } => true", "{ $.latency < 500 } => false", "{ $.latency <= 500 } => true",
        "{ $.latency > 499.9 } => true", "{ $.latency > 500 } => false", "{ $.latency >= 500 } => true",
        "{ $.latency >= 5e2 } => true", "{ $.latency < 10e3 } => true", "{ $.latency > +1000 } => false",
        "{ $.latency > -1 } => true", "{ $.latency = 500.0 } => true", "{ $.latency < 10e-3 } => false"})
    void compareNumbersNumerically(String pattern, boolean expected) {
        assertThat(matches(pattern, "{\"latency\": 500}")).isEqualTo(expected);
    }

    @Test
    void compareDecimalsAndNegativesExactly() {
        assertThat(matches("{ $.runtime <= 55.5 }", "{\"runtime\": 55.5}")).isTrue();
        assertThat(matches("{ $.runtime < 55.5 }", "{\"runtime\": 55.5}")).isFalse();
        assertThat(matches("{ $.delta = -0.25 }", "{\"delta\": -2.5e-1}")).isTrue();
        assertThat(matches("{ $.big = 9007199254740993 }", "{\"big\": 9007199254740993}")).isTrue();
        assertThat(matches("{ $.big = 9007199254740993 }", "{\"big\": 9007199254740992}")).isFalse();
    }

    @Test
    void compareNumbersWithStringsThatHoldNumbers() {
        JsonNode event = consoleLogin("No", "Success");

        assertThat(matches("{ $.recipientAccountId = 123456789012 }", event)).isTrue();
        assertThat(matches("{ $.recipientAccountId > 100000000000 }", event)).isTrue();
        assertThat(matches("{ $.recipientAccountId != 123456789012 }", event)).isFalse();
    }

    @Test
    void treatANumberAgainstOtherStringsAndBooleansAsDifferent() {
        assertThat(matches("{ $.errorCode = 500 }", "{\"errorCode\": \"AccessDenied\"}")).isFalse();
        assertThat(matches("{ $.errorCode != 500 }", "{\"errorCode\": \"AccessDenied\"}")).isTrue();
        assertThat(matches("{ $.errorCode > 500 }", "{\"errorCode\": \"AccessDenied\"}")).isFalse();
        assertThat(matches("{ $.readOnly < 1 }", "{\"readOnly\": false}")).isFalse();
    }

    @Test
    void compareQuotedValuesAsTextEvenAgainstNumbers() {
        assertThat(matches("{ $.status = \"400\" }", "{\"status\": 400}")).isTrue();
        assertThat(matches("{ $.status = \"400\" }", "{\"status\": \"400\"}")).isTrue();
        assertThat(matches("{ $.status = \"400\" }", "{\"status\": 400.0}")).isFalse();
    }

    @Test
    void compareStringsCaseSensitively() {
        JsonNode event = consoleLogin("No", "Success");

        assertThat(matches("{ $.eventName = ConsoleLogin }", event)).isTrue();
        assertThat(matches("{ $.eventName = consolelogin }", event)).isFalse();
        assertThat(matches("{ $.eventName = \"CONSOLELOGIN\" }", event)).isFalse();
    }

    @Test
    void acceptKeywordsInAnyCase() {
        JsonNode event = rootApiCall("iam.amazonaws.com", "CreateUser");

        assertThat(matches("{ $.userIdentity.invokedBy not exists && $.readOnly is false }", event)).isTrue();
    }
}
