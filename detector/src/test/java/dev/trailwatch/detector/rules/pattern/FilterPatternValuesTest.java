package dev.trailwatch.detector.rules.pattern;

import static dev.trailwatch.detector.rules.pattern.CloudTrailRecords.json;
import static dev.trailwatch.detector.rules.pattern.FilterPatternTest.matches;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How values compare: wildcards only at the ends, quoted strings with escapes and unicode, and {@code %regex%}. */
class FilterPatternValuesTest {

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiterString = " => ", value = {
        "\"AccessDenied*\" => AccessDeniedException => true", "\"AccessDenied*\" => AccessDenied => true",
        "\"AccessDenied*\" => NotAccessDenied => false", "\"*UnauthorizedOperation\" => Client.UnauthorizedOperation => true",
        "\"*UnauthorizedOperation\" => UnauthorizedOperationX => false", "*html* => GET /index.html HTTP/1.0 => true",
        "*html* => GET /index.htm => false", "* => anything at all => true", "\"*\" => '' => true", "4* => 404 => true",
        "Ev*ent => Ev*ent => true", "Ev*ent => Event => false", "Ev*ent => EvXent => false", "\"*Ev*ent*\" => PutEv*entNow => true",
        "\"\\*literal\" => *literal => true", "\"\\*literal\" => not-literal => false", "**double => x-double => true"})
    void areOnlyWildcardsAtTheEnds(String value, String field, boolean expected) {
        JsonNode event = CloudTrailRecords.MAPPER.createObjectNode().put("field", field);

        assertThat(matches("{ $.field = " + value + " }", event)).isEqualTo(expected);
    }

    @Test
    void negateWithNotEquals() {
        assertThat(matches("{ $.sourceIPAddress != 123.123.* }", "{\"sourceIPAddress\": \"123.123.4.5\"}"))
                .isFalse();
        assertThat(matches("{ $.sourceIPAddress != 123.123.* }", "{\"sourceIPAddress\": \"123.124.4.5\"}"))
                .isTrue();
        assertThat(matches("{ $.sourceIPAddress != 123.123.* }", "{\"other\": 1}")).isFalse();
    }

    @Test
    void starAloneMatchesAnyPresentScalarButNotAbsenceNullOrContainers() {
        assertThat(matches("{ $.latency = * }", "{\"latency\": 50}")).isTrue();
        assertThat(matches("{ $.latency = * }", "{\"latency\": false}")).isTrue();
        assertThat(matches("{ $.latency = * }", "{\"latency\": null}")).isFalse();
        assertThat(matches("{ $.latency = * }", "{\"latency\": {\"p99\": 3}}")).isFalse();
        assertThat(matches("{ $.latency = * }", "{}")).isFalse();
    }

    @Test
    void quotedStringsHoldUnicodeSpacesAndEscapedQuotes() {
        JsonNode event = json("{\"userName\": \"Zoë 用户 🚀\", \"policy\": \"say \\\"hi\\\" \\\\ bye\"}");

        assertThat(matches("{ $.userName = \"Zoë 用户 🚀\" }", event)).isTrue();
        assertThat(matches("{ $.userName = \"*用户*\" }", event)).isTrue();
        assertThat(matches("{ $.policy = \"say \\\"hi\\\" \\\\ bye\" }", event)).isTrue();
        assertThat(matches("{ $.policy = \"*\\\"hi\\\"*\" }", event)).isTrue();
    }

    @Test
    void unquotedValuesHoldDotsColonsSlashesAndDashes() {
        JsonNode event = json("{\"arn\": \"arn:aws:iam::123456789012:role/Ops-Admin_1\", \"src\": \"kms.amazonaws.com\"}");

        assertThat(matches("{ $.arn = arn:aws:iam::123456789012:role/Ops-Admin_1 }", event)).isTrue();
        assertThat(matches("{ $.arn = arn:aws:iam::*:role/Ops-* }", event)).isFalse();
        assertThat(matches("{ $.arn = *:role/Ops-Admin_1 && $.src = kms.amazonaws.com }", event)).isTrue();
    }

    @Test
    void regexMatchesAnywhereUnlessAnchored() {
        JsonNode event = json("{\"message\": \"[ERROR 401] UNAUTHORIZED REQUEST\", \"ip\": \"10.1.20.3\"}");

        assertThat(matches("{ $.message = %AUTHORIZED% }", event)).isTrue();
        assertThat(matches("{ $.message = %^AUTHORIZED% }", event)).isFalse();
        assertThat(matches("{ $.message != %REQUEST$% }", event)).isFalse();
        assertThat(matches("{ $.ip = %^10\\.[0-9]{1,3}\\.[0-9]+\\.3$% && $.message = %ERROR 40[0-9]% }", event))
                .isTrue();
        assertThat(matches("{ $.missing != %x% }", event)).isFalse();
    }
}
