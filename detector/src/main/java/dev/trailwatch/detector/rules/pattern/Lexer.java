package dev.trailwatch.detector.rules.pattern;

import dev.trailwatch.detector.rules.pattern.Token.Kind;
import java.util.Set;

/**
 * Splits a pattern into tokens on demand, so that the parser reports the first problem in reading order (a stray
 * keyword before a stray bracket after it).
 *
 * <p>Unquoted values may hold ASCII letters, digits and {@code _ - . * : / +}: AWS documents that anything else
 * (unicode, {@code @}, {@code $}, {@code \}) must be double-quoted, and its own examples use unquoted
 * {@code 123.123.*} and {@code kms.amazonaws.com}.
 */
final class Lexer {

    private static final Set<String> OPERATORS = Set.of("=", "!=", "<", "<=", ">", ">=");
    /** Characters AWS allows inside {@code %regex%}, besides ASCII letters and digits (space: CDK's own example). */
    private static final String REGEX_CHARS = ":_#=@/;,- ^$?[]{}|\\*+.";

    private final String text;
    private int pos;

    Lexer(String text) {
        this.text = text;
    }

    Token next() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        if (pos >= text.length()) {
            return new Token(Kind.END, "", text.length() + 1, null);
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> single(Kind.LBRACE);
            case '}' -> single(Kind.RBRACE);
            case '(' -> single(Kind.LPAREN);
            case ')' -> single(Kind.RPAREN);
            case '&', '|' -> logical(c);
            case '=', '!', '<', '>' -> operator();
            case '"' -> quoted();
            case '%' -> regex();
            case '$' -> selector();
            default -> word(c);
        };
    }

    private Token single(Kind kind) {
        pos++;
        return new Token(kind, text.substring(pos - 1, pos), pos, null);
    }

    private Token logical(char c) {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) == c) {
            pos++;
        }
        String op = text.substring(start, pos);
        if (op.length() != 2) {
            throw new FilterPatternException(start + 1, "unknown operator '" + op + "' (use '" + c + c + "')");
        }
        return new Token(c == '&' ? Kind.AND : Kind.OR, op, start + 1, null);
    }

    private Token operator() {
        int start = pos;
        while (pos < text.length() && "=!<>".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        String op = text.substring(start, pos);
        if (!OPERATORS.contains(op)) {
            String hint = op.equals("==") ? " (use '=')" : " (expected one of = != < <= > >=)";
            throw new FilterPatternException(start + 1, "unknown operator '" + op + "'" + hint);
        }
        return new Token(Kind.OPERATOR, op, start + 1, null);
    }

    private Token quoted() {
        int start = pos++;
        while (pos < text.length() && text.charAt(pos) != '"') {
            pos += text.charAt(pos) == '\\' ? 2 : 1;
        }
        if (pos >= text.length()) {
            throw new FilterPatternException(text.length() + 1,
                    "expected '\"' to close the string opened at column " + (start + 1) + " but found end of pattern");
        }
        pos++;
        return new Token(Kind.QUOTED, text.substring(start, pos), start + 1, null);
    }

    private Token regex() {
        int start = pos++;
        while (pos < text.length() && text.charAt(pos) != '%') {
            checkRegexChar(pos);
            pos++;
        }
        if (pos >= text.length()) {
            throw new FilterPatternException(text.length() + 1,
                    "expected '%' to close the regex opened at column " + (start + 1) + " but found end of pattern");
        }
        if (pos == start + 1) {
            throw new FilterPatternException(start + 1, "empty regex '%%'");
        }
        pos++;
        return new Token(Kind.REGEX, text.substring(start, pos), start + 1, null);
    }

    private void checkRegexChar(int at) {
        char c = text.charAt(at);
        if (c == '(' || c == ')') {
            throw new FilterPatternException(at + 1, "parentheses are not supported in a %regex%");
        }
        if (!isAsciiLetterOrDigit(c) && REGEX_CHARS.indexOf(c) < 0) {
            throw new FilterPatternException(at + 1, "character " + describeChar(text, at)
                    + " is not supported in a %regex% (allowed: letters, digits and " + REGEX_CHARS.trim() + ")");
        }
    }

    private Token selector() {
        Selector.Read read = Selector.read(text, pos);
        int start = pos;
        pos = read.end();
        return new Token(Kind.SELECTOR, text.substring(start, pos), start + 1, read.selector());
    }

    private Token word(char first) {
        if (!isWordChar(first)) {
            String hint = first == '\'' ? "; strings must be in double quotes"
                    : "; values with characters other than letters, digits and _-.*:/+ must be in double quotes";
            throw new FilterPatternException(pos + 1, "unexpected character " + describeChar(text, pos) + hint);
        }
        int start = pos;
        while (pos < text.length() && isWordChar(text.charAt(pos))) {
            pos++;
        }
        return new Token(Kind.WORD, text.substring(start, pos), start + 1, null);
    }

    private static boolean isWordChar(char c) {
        return isAsciiLetterOrDigit(c) || "_-.*:/+".indexOf(c) >= 0;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** How error messages show the character at {@code index}: quoted, or "end of pattern". */
    static String describeChar(String text, int index) {
        if (index >= text.length()) {
            return "end of pattern";
        }
        char c = text.charAt(index);
        return Character.isWhitespace(c) ? "whitespace" : "'" + c + "'";
    }
}
