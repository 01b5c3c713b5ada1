package dev.trailwatch.detector.rules.pattern;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * An unquoted number in a pattern: an integer or decimal with an optional sign and exponent ({@code 400},
 * {@code +1000}, {@code 55.5}, {@code 10e-3}), as AWS documents for numeric comparisons. It compares numerically with
 * JSON numbers and with strings that hold a number ({@code "123456789012"} for an account id is a string in
 * CloudTrail), exactly (as decimals), so {@code 1.0 = 1} and large integers do not lose precision.
 */
record NumberLiteral(BigDecimal value, long longValue, boolean isLong) implements Operand {

    /** What {@link #compareWith} returns when the value is not a number. */
    static final int NOT_COMPARABLE = Integer.MIN_VALUE;

    /**
     * Parses text that {@link #isNumber} accepted.
     *
     * @throws NumberFormatException if the exponent is beyond what a decimal can hold
     */
    static NumberLiteral of(String text) {
        BigDecimal value = new BigDecimal(trimPlus(text));
        try {
            return new NumberLiteral(value, value.longValueExact(), true);
        } catch (ArithmeticException notALong) {
            return new NumberLiteral(value, 0L, false);
        }
    }

    @Override
    public boolean matches(JsonNode scalar) {
        return compareWith(scalar) == 0;
    }

    /**
     * Compares the value with this literal (negative, zero, positive like {@link Comparable}), or returns
     * {@link #NOT_COMPARABLE} for a boolean, a non-numeric string or anything else that is not a number.
     */
    int compareWith(JsonNode node) {
        if (node.isNumber()) {
            if (isLong && node.isIntegralNumber() && node.canConvertToLong()) {
                return Long.compare(node.longValue(), longValue);
            }
            return node.decimalValue().compareTo(value);
        }
        if (node.isTextual() && isNumber(node.textValue())) {
            return compareText(node.textValue());
        }
        return NOT_COMPARABLE;
    }

    private int compareText(String text) {
        try {
            return new BigDecimal(trimPlus(text)).compareTo(value);
        } catch (NumberFormatException exponentOutOfRange) {
            return NOT_COMPARABLE;
        }
    }

    private static String trimPlus(String text) {
        return text.startsWith("+") ? text.substring(1) : text;
    }

    /** Whether {@code text} is {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}. */
    static boolean isNumber(String text) {
        int i = skipSign(text, 0);
        int intDigits = countDigits(text, i);
        i += intDigits;
        int fractionDigits = 0;
        if (i < text.length() && text.charAt(i) == '.') {
            fractionDigits = countDigits(text, i + 1);
            i += 1 + fractionDigits;
        }
        if (intDigits == 0 && fractionDigits == 0) {
            return false;
        }
        if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            int exponentStart = skipSign(text, i + 1);
            int exponentDigits = countDigits(text, exponentStart);
            if (exponentDigits == 0) {
                return false;
            }
            i = exponentStart + exponentDigits;
        }
        return i == text.length();
    }

    private static int skipSign(String text, int i) {
        return i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-') ? i + 1 : i;
    }

    private static int countDigits(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i - from;
    }
}
