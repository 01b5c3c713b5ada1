package dev.trailwatch.detector.rules.pattern;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A property selector such as {@code $.userIdentity.sessionContext.attributes} or {@code $.users[0].id}, split into
 * path segments once at parse time so that evaluation is a plain walk with no string handling.
 *
 * <p>Syntax as AWS documents it: the selector starts with {@code $}; property names are ASCII letters, digits,
 * {@code -} and {@code _}; array elements are {@code [NUMBER]} and must follow a property ({@code $.a[1][2]} is fine,
 * {@code $[0]} is not). No whitespace is allowed inside a selector.
 */
public final class Selector {

    private final String text;
    private final Segment[] path;

    private Selector(String text, Segment[] path) {
        this.text = text;
        this.path = path;
    }

    /**
     * Parses a whole string as a selector: the argument of {@link FilterPattern#requiredValues(String)}, a rule
     * template's or evidence list's field. The exception names the column and what is wrong there.
     */
    public static Selector parse(String text) {
        Read read = read(text, 0);
        if (read.end() != text.length()) {
            throw new FilterPatternException(read.end() + 1,
                    "unexpected " + Lexer.describeChar(text, read.end()) + " after selector '"
                            + read.selector() + "'");
        }
        return read.selector();
    }

    /** A selector read from {@code text} at {@code start}, and the index just after it. */
    record Read(Selector selector, int end) {
    }

    /** Reads the longest valid selector at {@code start}, which must hold {@code $}. */
    static Read read(String text, int start) {
        if (start >= text.length() || text.charAt(start) != '$') {
            throw new FilterPatternException(start + 1,
                    "expected a selector starting with '$' but found " + Lexer.describeChar(text, start));
        }
        List<Segment> segments = new ArrayList<>();
        int pos = start + 1;
        if (pos >= text.length() || text.charAt(pos) != '.') {
            throw new FilterPatternException(pos + 1, "expected '.' and a property name after '$' but found "
                    + Lexer.describeChar(text, pos) + " (array indexes must follow a property)");
        }
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '.') {
                pos = readField(text, pos + 1, segments);
            } else if (c == '[') {
                pos = readIndex(text, pos + 1, segments);
            } else {
                break;
            }
        }
        return new Read(new Selector(text.substring(start, pos), segments.toArray(Segment[]::new)), pos);
    }

    private static int readField(String text, int pos, List<Segment> segments) {
        int end = pos;
        while (end < text.length() && isNameChar(text.charAt(end))) {
            end++;
        }
        if (end == pos) {
            throw new FilterPatternException(pos + 1, "expected a property name (letters, digits, '-', '_') after '.'"
                    + " but found " + Lexer.describeChar(text, pos));
        }
        segments.add(new Field(text.substring(pos, end)));
        return end;
    }

    private static int readIndex(String text, int pos, List<Segment> segments) {
        int end = pos;
        while (end < text.length() && text.charAt(end) >= '0' && text.charAt(end) <= '9') {
            end++;
        }
        if (end == pos) {
            throw new FilterPatternException(pos + 1,
                    "expected an array index (digits) after '[' but found " + Lexer.describeChar(text, pos));
        }
        if (end >= text.length() || text.charAt(end) != ']') {
            throw new FilterPatternException(end + 1, "expected ']' but found " + Lexer.describeChar(text, end));
        }
        if (end - pos > 9) {
            throw new FilterPatternException(pos + 1, "array index " + text.substring(pos, end) + " is too large");
        }
        segments.add(new Index(Integer.parseInt(text, pos, end, 10)));
        return end + 1;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /**
     * The node this selector points at, or {@code null} when the path does not exist: a missing property, an index
     * past the end, or a step into something that is not an object (for a property) or not an array (for an index).
     * A JSON {@code null} at the end of the path is returned as a {@code NullNode}: it exists.
     */
    public JsonNode resolve(JsonNode root) {
        JsonNode node = root;
        for (Segment segment : path) {
            node = segment.step(node);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Selector that && Arrays.equals(path, that.path);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(path);
    }

    @Override
    public String toString() {
        return text;
    }

    /** One step of a path. Jackson's {@code get} already answers {@code null} for a wrong container type. */
    private sealed interface Segment permits Field, Index {
        JsonNode step(JsonNode node);
    }

    private record Field(String name) implements Segment {
        @Override
        public JsonNode step(JsonNode node) {
            return node.get(name);
        }
    }

    private record Index(int index) implements Segment {
        @Override
        public JsonNode step(JsonNode node) {
            return node.get(index);
        }
    }
}
