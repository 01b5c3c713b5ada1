package dev.trailwatch.detector.rules.pattern;

/**
 * A filter pattern that cannot be parsed. The message names the 1-based column and what was expected there, e.g.
 * {@code column 23: expected ')' but found end of pattern}, because rule authors fix patterns from this message alone.
 */
public final class FilterPatternException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int column;
    private final String detail;

    FilterPatternException(int column, String detail) {
        super("column " + column + ": " + detail);
        this.column = column;
        this.detail = detail;
    }

    /** The 1-based column of the problem in the pattern text; one past the last character for "end of pattern". */
    public int column() {
        return column;
    }

    /** The message without its {@code column N: } prefix. */
    public String detail() {
        return detail;
    }
}
