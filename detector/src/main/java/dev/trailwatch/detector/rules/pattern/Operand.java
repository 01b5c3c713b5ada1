package dev.trailwatch.detector.rules.pattern;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * The right-hand side of {@code =} or {@code !=}, decided once at parse time so that matching does no string parsing.
 * {@link #matches} is only ever given a present scalar (string, number or boolean): missing fields, nulls, objects and
 * arrays never reach it, because for those neither {@code =} nor {@code !=} matches.
 */
sealed interface Operand permits Operand.Text, Operand.Glob, Operand.Regex, NumberLiteral {

    boolean matches(JsonNode scalar);

    /**
     * The text a scalar compares as: a string's value, a number's JSON text ({@code 400}, {@code 1.5}), a boolean's
     * {@code true}/{@code false}. Quoted and unquoted values are both strings, so {@code = "400"} matches the number
     * {@code 400} and {@code = true} matches the boolean {@code true}.
     */
    static String textOf(JsonNode scalar) {
        return scalar.isTextual() ? scalar.textValue() : scalar.asText();
    }

    /** An exact, case-sensitive string: {@code ConsoleLogin}, {@code "Failed authentication"}, {@code "Ev*ent"}. */
    record Text(String value) implements Operand {
        @Override
        public boolean matches(JsonNode scalar) {
            return value.equals(textOf(scalar));
        }
    }

    /**
     * A string with a leading and/or trailing {@code *}: {@code "AccessDenied*"}, {@code "*UnauthorizedOperation"},
     * {@code *html*}, or {@code *} alone (any string, number or boolean). AWS documents that a {@code *} in the middle
     * ({@code Ev*ent}) is a literal asterisk, so only the ends are wildcards; matching needs no regex.
     */
    record Glob(String core, boolean anyPrefix, boolean anySuffix) implements Operand {
        @Override
        public boolean matches(JsonNode scalar) {
            String text = textOf(scalar);
            if (anyPrefix && anySuffix) {
                return text.contains(core);
            }
            return anyPrefix ? text.endsWith(core) : text.startsWith(core);
        }
    }

    /**
     * A {@code %regex%} value, compiled once. Like a standalone {@code %AUTHORIZED%} pattern, which AWS documents as
     * matching "UNAUTHORIZED REQUEST", it matches anywhere in the text unless anchored with {@code ^} or {@code $}.
     */
    record Regex(String source, Pattern pattern) implements Operand {
        @Override
        public boolean matches(JsonNode scalar) {
            return pattern.matcher(textOf(scalar)).find();
        }
    }
}
