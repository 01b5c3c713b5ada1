package dev.trailwatch.detector.rules.sigma;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The encoding modifiers: a value as the bytes of {@code utf16le} / {@code wide}, {@code utf16be}, {@code utf16}
 * (with a byte-order mark) or UTF-8, then Base64-encoded whole ({@code base64}) or in its three offset forms
 * ({@code base64offset}). Encoded values are matched literally and case-sensitively.
 */
final class Encodings {

    private Encodings() {
    }

    /** The matchers of one value under {@code |base64}, {@code |base64offset} and the UTF-16 encodings. */
    static List<ValueMatcher> matchers(Set<String> set, String text, boolean lead, boolean trail, boolean cased) {
        byte[] bytes = bytes(set, text);
        List<String> encoded = new ArrayList<>();
        if (set.contains("base64")) {
            encoded.add(Base64.getEncoder().encodeToString(bytes));
        } else if (set.contains("base64offset")) {
            encoded.addAll(base64Offsets(bytes));
        } else {
            encoded.add(new String(bytes, StandardCharsets.ISO_8859_1));
        }
        List<ValueMatcher> out = new ArrayList<>();
        for (String e : encoded) {
            // Base64 text is case-sensitive: folding case would match other bytes.
            boolean exactCase = cased || set.contains("base64") || set.contains("base64offset");
            out.add(new ValueMatcher.Text(StringPattern.literal(e, lead, trail, exactCase), null));
        }
        return out;
    }

    private static byte[] bytes(Set<String> set, String text) {
        if (set.contains("utf16le") || set.contains("wide")) {
            return text.getBytes(StandardCharsets.UTF_16LE);
        }
        if (set.contains("utf16be")) {
            return text.getBytes(StandardCharsets.UTF_16BE);
        }
        if (set.contains("utf16")) {
            byte[] le = text.getBytes(StandardCharsets.UTF_16LE);
            byte[] out = new byte[le.length + 2];
            out[0] = (byte) 0xFF;
            out[1] = (byte) 0xFE;
            System.arraycopy(le, 0, out, 2, le.length);
            return out;
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The three Base64 forms of {@code value} at byte offsets 0, 1 and 2 of the encoded text, without the characters
     * that depend on the neighbouring bytes (pySigma's algorithm).
     */
    static List<String> base64Offsets(byte[] value) {
        int[] start = {0, 2, 3};
        int[] endTrim = {0, 3, 2};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] shifted = new byte[value.length + i];
            for (int j = 0; j < i; j++) {
                shifted[j] = ' ';
            }
            System.arraycopy(value, 0, shifted, i, value.length);
            String encoded = Base64.getEncoder().encodeToString(shifted);
            int trim = endTrim[(value.length + i) % 3];
            out.add(encoded.substring(start[i], encoded.length() - trim));
        }
        return out;
    }
}
