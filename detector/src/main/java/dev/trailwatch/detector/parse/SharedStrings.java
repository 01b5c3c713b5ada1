package dev.trailwatch.detector.parse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One String per value of the typed fields whose values repeat from record to record: event names and sources,
 * regions, account ids, identity types, error codes. A record's value is looked up by its bytes and, when seen
 * before, the String made then is returned instead of a new one.
 *
 * <p>Why: every event's fields are map keys and set members all the way down the detector (the router's predicates,
 * the watch list's index, first use's regions and services, silence's and the metrics' accounts and regions). A
 * String made afresh for each event has its hash computed again by the first of those lookups and is compared
 * character by character with the key it finds; a shared one carries its hash and is the very object stored as the key
 * (the first event with that value put it there), so each lookup is a hash read and a reference comparison. And the
 * values are not allocated again for every event.
 *
 * <p>Direct-mapped and bounded ({@value #SLOTS} slots, values up to {@value #MAX_LENGTH} ASCII bytes): a value whose
 * slot another value took is made afresh, as before, so what an input holds cannot grow it. Safe to share between
 * threads without locking (scan parses on reader threads): a slot holds an immutable entry, written and read as one
 * reference, so a thread sees a whole entry or an older one, and at worst makes a String that another thread made too.
 */
final class SharedStrings {

    /** The longest value shared: the fields above are short; longer values (user agents) vary more. */
    static final int MAX_LENGTH = 64;
    private static final int SLOTS = 8192;

    /** A value's bytes and its String (the bytes compared, so a slot never answers for another value). */
    private record Entry(byte[] bytes, String text) {
    }

    private final Entry[] slots = new Entry[SLOTS];

    /**
     * The text of {@code b[start, start + length)}, which must be ASCII and at most {@link #MAX_LENGTH} bytes: the
     * String made for it before when its slot still holds it, else a new one (kept for the next record).
     */
    String ascii(byte[] b, int start, int length) {
        int hash = 0;
        for (int i = start, end = start + length; i < end; i++) {
            hash = 31 * hash + b[i]; // String.hashCode of ASCII text
        }
        int slot = (hash ^ (hash >>> 13)) & (SLOTS - 1);
        Entry entry = slots[slot];
        if (entry != null && Arrays.equals(entry.bytes, 0, entry.bytes.length, b, start, start + length)) {
            return entry.text;
        }
        String text = new String(b, start, length, StandardCharsets.ISO_8859_1);
        slots[slot] = new Entry(Arrays.copyOfRange(b, start, start + length), text);
        return text;
    }
}
