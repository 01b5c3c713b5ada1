package dev.trailwatch.detector.rules.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad patterns fail at parse time with the column of the problem and what was expected there. */
class FilterPatternParseErrorTest {

    static Stream<Arguments> badPatterns() {
        return Stream.of(
                // empty and not JSON
                arguments("", 1, "empty pattern"),
                arguments("   ", 1, "empty pattern"),
                arguments("{}", 2, "empty pattern: expected a condition"),
                arguments("{ }", 3, "empty pattern: expected a condition"),
                arguments("ERROR", 1, "expected '{' to open a JSON filter pattern"),
                arguments("  [ip, user, status_code = 4*]", 3, "space-delimited patterns"),
                // braces and parentheses
                arguments("$.eventName = ConsoleLogin }", 1, "expected '{' to open a JSON filter pattern"),
                arguments("{ $.eventName = ConsoleLogin", 29, "expected '}' to close the pattern but found end of"),
                arguments("{ ($.eventName = Login", 23, "expected ')' but found end of pattern (to close '(' at"
                        + " column 3)"),
                arguments("{ ($.a = 1 }", 12, "expected '&&', '||' or ')' but found '}'"),
                arguments("{ (($.a = 1) }", 14, "expected '&&', '||' or ')' but found '}' (to close '(' at column 3)"),
                arguments("{ $.a = 1) }", 10, "unbalanced parentheses: no '(' to close but found ')'"),
                arguments("{ ( ) }", 5, "expected a condition (a selector such as $.eventName) or '(' but found ')'"),
                // operators
                arguments("{ $.a == 1 }", 7, "unknown operator '==' (use '=')"),
                arguments("{ $.a =< 1 }", 7, "unknown operator '=<'"),
                arguments("{ $.a ! 1 }", 7, "unknown operator '!'"),
                arguments("{ $.a = 1 & $.b = 2 }", 11, "unknown operator '&' (use '&&')"),
                arguments("{ $.a = 1 ||| $.b = 2 }", 11, "unknown operator '|||' (use '||')"),
                arguments("{ $.a IN [\"x\", \"y\"] }", 7, "expected an operator (= != < <= > >=), IS or NOT EXISTS"
                        + " after $.a but found 'IN'"),
                arguments("{ $.a 1 }", 7, "expected an operator"),
                arguments("{ $.a = 1 $.b = 2 }", 11, "expected '&&', '||' or '}' but found '$.b'"),
                arguments("{ $.a = 1 && }", 14, "expected a condition (a selector such as $.eventName) or '('"),
                arguments("{ = 1 }", 3, "expected a condition (a selector such as $.eventName) or '(' but found '='"),
                arguments("{ eventName = 1 }", 3, "but found 'eventName'"),
                // values
                arguments("{ $.a = }", 9, "expected a value after '=' but found '}'"),
                arguments("{ $.a != && $.b = 1 }", 10, "expected a value after '!=' but found '&&'"),
                arguments("{ $.a = (1) }", 9, "expected a value after '=' but found '('"),
                arguments("{ $.a > abc }", 9, "operator '>' compares numbers: expected a number but found 'abc'"),
                arguments("{ $.a >= \"5\" }", 10, "operator '>=' compares numbers: expected a number but found '\"5\"'"),
                arguments("{ $.a < 4* }", 9, "expected a number but found '4*'"),
                arguments("{ $.a > 1e99999999999 }", 9, "number '1e99999999999' is out of range"),
                arguments("{ $.a = \"abc }", 15, "expected '\"' to close the string opened at column 9"),
                arguments("{ $.a = \"abc\\\" }", 17, "expected '\"' to close the string opened at column 9"),
                arguments("{ $.a = Zoë }", 11, "unexpected character 'ë'; values with characters other than"),
                arguments("{ $.a = user@example.com }", 13, "unexpected character '@'"),
                arguments("{ $.a = 'x' }", 9, "unexpected character '''; strings must be in double quotes"),
                // keywords
                arguments("{ $.a IS MAYBE }", 10, "expected TRUE, FALSE or NULL after IS but found 'MAYBE'"),
                arguments("{ $.a IS NOT NULL }", 10, "expected TRUE, FALSE or NULL after IS but found 'NOT'"),
                arguments("{ $.a IS }", 10, "expected TRUE, FALSE or NULL after IS but found '}'"),
                arguments("{ $.a NOT THERE }", 11, "expected EXISTS after NOT but found 'THERE'"),
                arguments("{ $.a EXISTS }", 7, "EXISTS alone is not part of the syntax; write '$.a = *'"),
                // selectors
                arguments("{ $..a = 1 }", 5, "expected a property name (letters, digits, '-', '_') after '.' but"
                        + " found '.'"),
                arguments("{ $.a[x] = 1 }", 7, "expected an array index (digits) after '[' but found 'x'"),
                arguments("{ $.a[] = 1 }", 7, "expected an array index (digits) after '[' but found ']'"),
                arguments("{ $.a[-1] = 1 }", 7, "expected an array index (digits) after '[' but found '-'"),
                arguments("{ $.a[0 = 1 }", 8, "expected ']' but found whitespace"),
                arguments("{ $.a[12345678901] = 1 }", 7, "array index 12345678901 is too large"),
                arguments("{ $[0] = 1 }", 4, "expected '.' and a property name after '$' but found '['"),
                arguments("{ $ = 1 }", 4, "expected '.' and a property name after '$' but found whitespace"),
                arguments("{ $.a. = 1 }", 7, "expected a property name"),
                arguments("{ $.a.b@c = 1 }", 8, "unexpected character '@'"),
                // regexes
                arguments("{ $.a = %ab(c)% }", 12, "parentheses are not supported in a %regex%"),
                arguments("{ $.a = %abc!% }", 13, "character '!' is not supported in a %regex%"),
                arguments("{ $.a = %ab\u00e9% }", 12, "character '\u00e9' is not supported in a %regex%"),
                arguments("{ $.a = %abc }", 15, "expected '%' to close the regex opened at column 9"),
                arguments("{ $.a = %% }", 9, "empty regex"),
                arguments("{ $.a = %[a-% }", 12, "invalid regex %[a-%: Illegal character range"),
                arguments("{ $.a = %x% || $.b = %y% || $.c = %z% }", 35, "at most 2 %regex% values"),
                // after the pattern
                arguments("{ $.a = 1 } x", 13, "unexpected 'x' after the closing '}'"),
                arguments("{ $.a = 1 }}", 12, "unexpected '}' after the closing '}'"));
    }

    @ParameterizedTest(name = "[{0}] -> column {1}")
    @MethodSource("badPatterns")
    void reportsTheColumnAndWhatWasExpected(String pattern, int column, String message) {
        assertThatThrownBy(() -> FilterPattern.parse(pattern))
                .isInstanceOfSatisfying(FilterPatternException.class, e -> {
                    assertThat(e.getMessage()).startsWith("column " + column + ": ").contains(message);
                    assertThat(e.column()).isEqualTo(column);
                    assertThat(e.detail()).contains(message);
                });
    }

    @Test
    void isAnIllegalArgumentExceptionSoCallersValidatingConfigCatchIt() {
        assertThatThrownBy(() -> FilterPattern.parse("{ $.a = }")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsANullPattern() {
        assertThatThrownBy(() -> FilterPattern.parse(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void rejectsABadSelectorGivenToRequiredValues() {
        FilterPattern pattern = FilterPattern.parse("{ $.eventName = ConsoleLogin }");

        assertThatThrownBy(() -> pattern.requiredValues("$.eventName[x]"))
                .isInstanceOf(FilterPatternException.class)
                .hasMessage("column 13: expected an array index (digits) after '[' but found 'x'");
        assertThatThrownBy(() -> pattern.requiredValues("$.eventName extra"))
                .isInstanceOf(FilterPatternException.class)
                .hasMessage("column 12: unexpected whitespace after selector '$.eventName'");
        assertThatThrownBy(() -> pattern.requiredValues("eventName"))
                .hasMessage("column 1: expected a selector starting with '$' but found 'e'");
    }
}
