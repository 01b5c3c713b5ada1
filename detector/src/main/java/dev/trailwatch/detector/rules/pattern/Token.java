package dev.trailwatch.detector.rules.pattern;

/**
 * One lexical token of a filter pattern.
 *
 * @param kind     what the token is
 * @param text     the token exactly as written (quotes and {@code %} included), empty at the end of the pattern
 * @param column   1-based column of the token's first character
 * @param selector the parsed selector for {@link Kind#SELECTOR} tokens, else {@code null}
 */
record Token(Kind kind, String text, int column, Selector selector) {

    enum Kind {
        LBRACE, RBRACE, LPAREN, RPAREN, AND, OR,
        /** One of {@code = != < <= > >=}. */
        OPERATOR,
        SELECTOR,
        /** A double-quoted string. */
        QUOTED,
        /** An unquoted value or keyword: {@code ConsoleLogin}, {@code 123.123.*}, {@code -1.5e3}, {@code IS}. */
        WORD,
        /** A {@code %regex%} value. */
        REGEX,
        END
    }

    /** How error messages show this token: quoted text, or "end of pattern". */
    String describe() {
        return kind == Kind.END ? "end of pattern" : "'" + text + "'";
    }

    /** Whether this is a {@link Kind#WORD} equal to {@code keyword}, ignoring case. */
    boolean isKeyword(String keyword) {
        return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }
}
