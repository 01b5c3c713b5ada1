package dev.trailwatch.detector.serde;

import java.util.Arrays;

/**
 * A lowercase UUID (CloudTrail's event ids) as its two 64-bit halves, for {@link BinaryCodec#uuid}. The digits are
 * looked up in a table and any bad one is noticed once at the end: a packed journal entry checks every new string it
 * writes, most of them event ids, so this runs a few hundred thousand times per million events.
 */
final class LowercaseUuid {

    /** Each char's value as a lowercase hex digit, or -1. */
    private static final byte[] DIGIT = new byte[128];

    static {
        Arrays.fill(DIGIT, (byte) -1);
        for (char c = '0'; c <= '9'; c++) {
            DIGIT[c] = (byte) (c - '0');
        }
        for (char c = 'a'; c <= 'f'; c++) {
            DIGIT[c] = (byte) (c - 'a' + 10);
        }
    }

    private LowercaseUuid() {
    }

    /** True, with the halves in {@code bits}, when {@code id} is a UUID in lowercase canonical form. */
    static boolean split(String id, long[] bits) {
        if (id == null || id.length() != 36 || id.charAt(8) != '-' || id.charAt(13) != '-' || id.charAt(18) != '-'
                || id.charAt(23) != '-') {
            return false;
        }
        int bad = 0;
        long high = 0;
        for (int i = 0; i < 18; i++) {
            if (i != 8 && i != 13) {
                int v = digit(id.charAt(i));
                bad |= v;
                high = high << 4 | (v & 0xF);
            }
        }
        long low = 0;
        for (int i = 19; i < 36; i++) {
            if (i != 23) {
                int v = digit(id.charAt(i));
                bad |= v;
                low = low << 4 | (v & 0xF);
            }
        }
        if (bad < 0) {
            return false;
        }
        bits[0] = high;
        bits[1] = low;
        return true;
    }

    private static int digit(char c) {
        return c < DIGIT.length ? DIGIT[c] : -1;
    }
}
