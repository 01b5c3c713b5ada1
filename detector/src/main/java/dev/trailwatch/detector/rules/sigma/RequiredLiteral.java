package dev.trailwatch.detector.rules.sigma;

import java.util.Optional;

/**
 * The longest run of plain characters that every match of a regular expression contains: outside any group, not
 * made optional by {@code ?}, {@code *} or {@code {0,n}}, with no alternation at the top level. Conservative: when in
 * doubt (inline flags, escapes that stand for classes) it finds nothing, and the expression alone decides.
 */
final class RequiredLiteral {

    private static final int MIN_LENGTH = 3;

    private RequiredLiteral() {
    }

    static Optional<String> of(String regex) {
        if (regex.contains("(?")) {
            return Optional.empty();
        }
        String best = "";
        StringBuilder run = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            char literal;
            if (c == '\\' && i + 1 < regex.length()) {
                char next = regex.charAt(++i);
                if (Character.isLetterOrDigit(next)) {
                    best = longer(best, run);
                    continue;
                }
                literal = next;
            } else if (c == '|' && depth == 0) {
                return Optional.empty();
            } else if ("*?{".indexOf(c) >= 0) {
                if (run.length() > 0) {
                    run.setLength(run.length() - 1);
                }
                best = longer(best, run);
                if (c == '{') {
                    int close = regex.indexOf('}', i);
                    i = close < 0 ? regex.length() : close;
                }
                continue;
            } else if ("+.^$|)".indexOf(c) >= 0 || c == '(' || c == '[') {
                best = longer(best, run);
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                } else if (c == '[') {
                    i = classEnd(regex, i);
                }
                continue;
            } else {
                literal = c;
            }
            if (depth == 0) {
                run.append(literal);
            }
        }
        best = longer(best, run);
        return best.length() >= MIN_LENGTH ? Optional.of(best) : Optional.empty();
    }

    /** Ends the current run, keeping it when it is the longest so far. */
    private static String longer(String best, StringBuilder run) {
        String out = run.length() > best.length() ? run.toString() : best;
        run.setLength(0);
        return out;
    }

    private static int classEnd(String regex, int open) {
        int i = open + 1;
        if (i < regex.length() && regex.charAt(i) == '^') {
            i++;
        }
        if (i < regex.length() && regex.charAt(i) == ']') {
            i++;
        }
        while (i < regex.length() && regex.charAt(i) != ']') {
            if (regex.charAt(i) == '\\') {
                i++;
            }
            i++;
        }
        return i;
    }
}
