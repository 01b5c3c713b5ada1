package dev.trailwatch.detector.rules.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Sigma string value with its wildcards: {@code *} (any run of characters) and {@code ?} (exactly one), escaped
 * with a backslash as the specification says ({@code \*}, {@code \?}, {@code \\}; a backslash before any other
 * character is itself). Case-insensitive unless {@code cased}. {@code windash} makes each of
 * {@code - / – — ―} match any of them.
 *
 * <p>The common shapes (a plain value, a prefix, a suffix, a substring) are matched with {@link String#regionMatches}
 * instead of a regular expression: they are what nearly every CloudTrail rule uses.
 */
final class StringPattern {

    static final String DASHES = "-/\u2013\u2014\u2015";

    private enum Shape { EXACT, PREFIX, SUFFIX, CONTAINS, ANY, REGEX }

    private final String text;
    private final Shape shape;
    private final String literal;
    private final boolean cased;
    private final Pattern regex;

    private StringPattern(String text, Shape shape, String literal, boolean cased, Pattern regex) {
        this.text = text;
        this.shape = shape;
        this.literal = literal;
        this.cased = cased;
        this.regex = regex;
    }

    /** A plain value: its wildcards and escapes apply. */
    static StringPattern of(String value, boolean cased, boolean windash) {
        return compile(value, parse(value), cased, windash);
    }

    /** A value placed with {@code contains}, {@code startswith} or {@code endswith}: a {@code *} is added around it. */
    static StringPattern placed(String value, boolean leadingStar, boolean trailingStar, boolean cased,
                                boolean windash) {
        List<Object> parts = parse(value);
        if (leadingStar && (parts.isEmpty() || parts.get(0) != Wild.STAR)) {
            parts.add(0, Wild.STAR);
        }
        if (trailingStar && (parts.isEmpty() || parts.get(parts.size() - 1) != Wild.STAR)) {
            parts.add(Wild.STAR);
        }
        return compile(value, parts, cased, windash);
    }

    /** A value taken as written, no wildcards (an encoded value, a referenced field's content). */
    static StringPattern literal(String value, boolean leadingStar, boolean trailingStar, boolean cased) {
        List<Object> parts = new ArrayList<>();
        if (leadingStar) {
            parts.add(Wild.STAR);
        }
        if (!value.isEmpty()) {
            parts.add(value);
        }
        if (trailingStar) {
            parts.add(Wild.STAR);
        }
        return compile(value, parts, cased, false);
    }

    boolean matches(String value) {
        return switch (shape) {
            case EXACT -> cased ? value.equals(literal) : value.equalsIgnoreCase(literal);
            case PREFIX -> value.regionMatches(!cased, 0, literal, 0, literal.length());
            case SUFFIX -> value.length() >= literal.length()
                    && value.regionMatches(!cased, value.length() - literal.length(), literal, 0, literal.length());
            case CONTAINS -> contains(value);
            case ANY -> true;
            case REGEX -> regex.matcher(value).matches();
        };
    }

    /** The value as written in the rule. */
    String text() {
        return text;
    }

    /** The plain text this pattern equals, when it has no wildcard (what the event-name index can use). */
    java.util.Optional<String> exactValue() {
        return shape == Shape.EXACT ? java.util.Optional.of(literal) : java.util.Optional.empty();
    }

    private boolean contains(String value) {
        int last = value.length() - literal.length();
        for (int i = 0; i <= last; i++) {
            if (value.regionMatches(!cased, i, literal, 0, literal.length())) {
                return true;
            }
        }
        return false;
    }

    private enum Wild { STAR, ONE }

    /** Literal strings and wildcards, escapes resolved. */
    private static List<Object> parse(String value) {
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() && "*?\\".indexOf(value.charAt(i + 1)) >= 0) {
                literal.append(value.charAt(++i));
            } else if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                Wild wild = c == '*' ? Wild.STAR : Wild.ONE;
                if (wild == Wild.ONE || parts.isEmpty() || parts.get(parts.size() - 1) != Wild.STAR) {
                    parts.add(wild);
                }
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            parts.add(literal.toString());
        }
        return parts;
    }

    private static StringPattern compile(String text, List<Object> parts, boolean cased, boolean windash) {
        boolean dashes = windash && parts.stream().anyMatch(p -> p instanceof String s && hasDash(s));
        if (!dashes && !parts.contains(Wild.ONE)) {
            List<Object> shape = parts.stream().map(p -> p instanceof String ? "L" : p).toList();
            String lit = parts.stream().filter(p -> p instanceof String).map(String.class::cast).findFirst().orElse("");
            if (shape.isEmpty()) {
                return new StringPattern(text, Shape.EXACT, "", cased, null);
            }
            if (shape.equals(List.of("L"))) {
                return new StringPattern(text, Shape.EXACT, lit, cased, null);
            }
            if (shape.equals(List.of("L", Wild.STAR))) {
                return new StringPattern(text, Shape.PREFIX, lit, cased, null);
            }
            if (shape.equals(List.of(Wild.STAR, "L"))) {
                return new StringPattern(text, Shape.SUFFIX, lit, cased, null);
            }
            if (shape.equals(List.of(Wild.STAR, "L", Wild.STAR))) {
                return new StringPattern(text, Shape.CONTAINS, lit, cased, null);
            }
            if (shape.equals(List.of(Wild.STAR))) {
                return new StringPattern(text, Shape.ANY, "", cased, null);
            }
        }
        StringBuilder re = new StringBuilder();
        for (Object part : parts) {
            if (part == Wild.STAR) {
                re.append(".*");
            } else if (part == Wild.ONE) {
                re.append('.');
            } else {
                re.append(literalRegex((String) part, windash));
            }
        }
        int flags = Pattern.DOTALL | (cased ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        return new StringPattern(text, Shape.REGEX, null, cased, Pattern.compile(re.toString(), flags));
    }

    private static String literalRegex(String literal, boolean windash) {
        if (!windash) {
            return Pattern.quote(literal);
        }
        StringBuilder out = new StringBuilder();
        int start = 0;
        for (int i = 0; i < literal.length(); i++) {
            if (DASHES.indexOf(literal.charAt(i)) >= 0) {
                out.append(start < i ? Pattern.quote(literal.substring(start, i)) : "").append("[-/\u2013\u2014\u2015]");
                start = i + 1;
            }
        }
        return out.append(start < literal.length() ? Pattern.quote(literal.substring(start)) : "").toString();
    }

    private static boolean hasDash(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (DASHES.indexOf(s.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
