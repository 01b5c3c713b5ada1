package dev.trailwatch.detector.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The literal a regular expression cannot match without: found only where it is certain. */
class RequiredLiteralTest {

    @Test
    void findsTheLongestPlainRunOutsideGroups() {
        assertThat(RequiredLiteral.of(".+:assumed-role/aws:.+")).contains(":assumed-role/aws:");
        assertThat(RequiredLiteral.of("^arn:aws:iam::\\d{12}:user/[a-z]+$")).contains("arn:aws:iam::");
        assertThat(RequiredLiteral.of("role\\/admin\\.x")).contains("role/admin.x");
        assertThat(RequiredLiteral.of("abc+def")).contains("abc");
    }

    @Test
    void dropsWhatAQuantifierMakesOptional() {
        assertThat(RequiredLiteral.of("abcd?")).contains("abc");
        assertThat(RequiredLiteral.of("xyzw*")).contains("xyz");
        assertThat(RequiredLiteral.of("wxyz{0,3}")).contains("wxy");
        assertThat(RequiredLiteral.of("[a-z]{2,3}end")).contains("end");
        assertThat(RequiredLiteral.of("(abc)?de")).isEmpty();
    }

    @Test
    void findsNothingWhenInDoubt() {
        assertThat(RequiredLiteral.of("abc|def")).isEmpty();
        assertThat(RequiredLiteral.of("(?i)abcdef")).isEmpty();
        assertThat(RequiredLiteral.of("(abcdef|x)")).isEmpty();
        assertThat(RequiredLiteral.of("\\d\\d\\d")).isEmpty();
        assertThat(RequiredLiteral.of("ab")).isEmpty();
    }
}
