package dev.trailwatch.detector.model;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The common case of {@link EventJson#requestMembers} without a JSON parser: the located {@code requestParameters}
 * value is an object whose wanted members are plain strings or booleans. It answers only that case and leaves every
 * other one to Jackson (null): a value that is not an object, a wanted member that is a number, null, array or object,
 * and any escape in a member name or a wanted string. So what it returns is what the Jackson read returns, and what it
 * would have to decode the way Jackson does, it does not decode.
 *
 * <p>Why: credential-harvesting-burst reads a member or two of every candidate call (~6% of a typical trail), and a
 * Jackson parser over the slice costs its set-up and release (a symbol table and buffers taken and given back) more
 * than the read itself. The bytes were checked to be well-formed JSON when the record was read, so stepping over the
 * other members needs only to track strings and nesting.
 */
final class RequestMemberScan {

    private RequestMemberScan() {
    }

    /**
     * The members of the object at {@code b[from, to)} named in {@code names} (a member given twice: the later), or
     * null when this is not a case it answers (above).
     */
    static ObjectNode read(byte[] b, int from, int to, Set<String> names) {
        int i = whitespace(b, from, to);
        if (i >= to || b[i] != '{') {
            return null;
        }
        ObjectNode kept = JsonNodeFactory.instance.objectNode();
        i = whitespace(b, i + 1, to);
        if (i < to && b[i] == '}') {
            return kept;
        }
        while (i < to && b[i] == '"') {
            int nameEnd = plainStringEnd(b, i + 1, to);
            if (nameEnd < 0) {
                return null;
            }
            String name = new String(b, i + 1, nameEnd - i - 1, StandardCharsets.UTF_8);
            i = whitespace(b, nameEnd + 1, to);
            if (i >= to || b[i] != ':') {
                return null;
            }
            i = whitespace(b, i + 1, to);
            if (i >= to) {
                return null;
            }
            if (names.contains(name)) {
                int end = wanted(b, i, to, kept, name);
                if (end < 0) {
                    return null;
                }
                i = end;
            } else {
                i = skipValue(b, i, to);
                if (i < 0) {
                    return null;
                }
            }
            i = whitespace(b, i, to);
            if (i < to && b[i] == '}') {
                return kept;
            }
            if (i >= to || b[i] != ',') {
                return null;
            }
            i = whitespace(b, i + 1, to);
        }
        return null;
    }

    /** Reads a wanted member's value at {@code i} into {@code kept}: the index after it, or -1 to leave it to Jackson. */
    private static int wanted(byte[] b, int i, int to, ObjectNode kept, String name) {
        if (b[i] == '"') {
            int end = plainStringEnd(b, i + 1, to);
            if (end < 0) {
                return -1;
            }
            kept.set(name, TextNode.valueOf(new String(b, i + 1, end - i - 1, StandardCharsets.UTF_8)));
            return end + 1;
        }
        if (literal(b, i, to, "true")) {
            kept.set(name, BooleanNode.TRUE);
            return i + 4;
        }
        if (literal(b, i, to, "false")) {
            kept.set(name, BooleanNode.FALSE);
            return i + 5;
        }
        return -1;
    }

    /**
     * The closing quote of a string starting at {@code i} (after its opening quote); -1 for an escape, a raw control
     * character (Jackson's to judge) or no end.
     */
    private static int plainStringEnd(byte[] b, int i, int to) {
        for (; i < to; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c == '\\' || c >= 0 && c < 0x20) {
                return -1;
            }
        }
        return -1;
    }

    /** The index after the value at {@code i}, stepping over strings (with escapes) and nested values; -1 if unended. */
    private static int skipValue(byte[] b, int i, int to) {
        byte first = b[i];
        if (first == '"') {
            return afterString(b, i + 1, to);
        }
        if (first == '{' || first == '[') {
            int depth = 0;
            while (i < to) {
                byte c = b[i];
                if (c == '"') {
                    i = afterString(b, i + 1, to);
                    if (i < 0) {
                        return -1;
                    }
                    continue;
                }
                if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
                i++;
            }
            return -1;
        }
        // a number or a literal: up to the next delimiter
        while (i < to) {
            byte c = b[i];
            if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                return i;
            }
            i++;
        }
        return -1;
    }

    /** The index after the closing quote of a string starting at {@code i} (after its opening quote); -1 if none. */
    private static int afterString(byte[] b, int i, int to) {
        while (i < to) {
            byte c = b[i];
            if (c == '"') {
                return i + 1;
            }
            i += c == '\\' ? 2 : 1;
        }
        return -1;
    }

    private static boolean literal(byte[] b, int i, int to, String word) {
        if (i + word.length() > to) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (b[i + k] != word.charAt(k)) {
                return false;
            }
        }
        int after = i + word.length();
        return after == to || !Character.isLetterOrDigit(b[after]);
    }

    private static int whitespace(byte[] b, int i, int to) {
        while (i < to && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
        return i;
    }
}
