package dev.trailwatch.detector.rules.pattern;

import java.util.BitSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Turns a value token into an {@link Operand} once, at parse time. */
final class OperandReader {

    private OperandReader() {
    }

    /**
     * A double-quoted string. A backslash makes the next character literal: {@code \"} and {@code \\} (how the AWS CDK
     * quotes terms), and {@code \*} for an asterisk at either end that is not a wildcard.
     */
    static Operand quoted(Token token) {
        String raw = token.text();
        StringBuilder decoded = new StringBuilder(raw.length());
        BitSet escaped = new BitSet();
        for (int i = 1; i < raw.length() - 1; i++) {
            char c = raw.charAt(i);
            if (c == '\\') {
                escaped.set(decoded.length());
                c = raw.charAt(++i);
            }
            decoded.append(c);
        }
        return textOrGlob(decoded.toString(), escaped);
    }

    /** An unquoted value that is not a number: {@code ConsoleLogin}, {@code 123.123.*}, {@code *}. */
    static Operand unquoted(String text) {
        return textOrGlob(text, new BitSet());
    }

    /** A {@code %regex%} value; the lexer has already checked its characters against the documented set. */
    static Operand regex(Token token) {
        String source = token.text().substring(1, token.text().length() - 1);
        try {
            return new Operand.Regex(source, Pattern.compile(source));
        } catch (PatternSyntaxException e) {
            int column = token.column() + 1 + Math.max(0, Math.min(e.getIndex(), source.length() - 1));
            throw new FilterPatternException(column, "invalid regex " + token.text() + ": " + e.getDescription());
        }
    }

    /** Unescaped {@code *} at either end are wildcards; everything else, including a middle {@code *}, is literal. */
    private static Operand textOrGlob(String value, BitSet escaped) {
        int lead = 0;
        while (lead < value.length() && isWildcard(value, escaped, lead)) {
            lead++;
        }
        int trail = 0;
        while (trail < value.length() - lead && isWildcard(value, escaped, value.length() - 1 - trail)) {
            trail++;
        }
        if (lead == 0 && trail == 0) {
            return new Operand.Text(value);
        }
        return new Operand.Glob(value.substring(lead, value.length() - trail), lead > 0, trail > 0);
    }

    private static boolean isWildcard(String value, BitSet escaped, int index) {
        return value.charAt(index) == '*' && !escaped.get(index);
    }
}
