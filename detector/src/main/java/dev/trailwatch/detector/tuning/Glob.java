package dev.trailwatch.detector.tuning;

import java.util.regex.Pattern;

/**
 * A shell-style pattern as security teams write allow-lists: {@code *} any run of characters (also {@code /} and
 * {@code :}, so {@code arn:aws:sts::*:assumed-role/terraform-*} spans accounts and sessions), {@code ?} one character,
 * everything else literal. Anchored at both ends: {@code terraform} matches only {@code terraform}.
 *
 * @param text the pattern as written
 */
public record Glob(String text, Pattern regex) {

    /** @param ignoreCase true for names AWS treats without regard to case (IAM role names), and OUs */
    public static Glob of(String text, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        int flags = Pattern.DOTALL | (ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        return new Glob(text, Pattern.compile(regex.toString(), flags));
    }

    public boolean matches(String value) {
        return value != null && regex.matcher(value).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
