package dev.trailwatch.detector.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One String instance for the same bytes, per parsing thread: the typed fields that repeat from record to record (a
 * principal's ARN, its account, the region, the event's source and name) come out of the parser as the instance it
 * made the last time it read the same bytes.
 *
 * <p>Why: the stream thread looks events up by these strings in hash maps (discovery-burst's principals, the other
 * bursts' keys, the read metrics by account and region). A fresh String per event is hashed in full, and compared in
 * full against the map's key; the same instance again has its hash cached, and {@code equals} returns on the same
 * reference. The parse-ahead thread pays for it instead (a hash of the bytes and one comparison), and allocates
 * nothing for a name it has seen.
 *
 * <p>Bounded: {@link #SLOTS} slots in groups of four, strings of at most {@link #MAX_BYTES} bytes. A name whose group
 * is full takes the place of one of the four (an attacker controls the ARNs of failed calls, so the table must not
 * grow with them); a name not in the table is decoded afresh, so the table only decides which equal instance a
 * caller gets, never the text. Thread-confined ({@link #ofThread}): no locks, no sharing.
 *
 * <p>Heap per parsing thread, held while the thread lives: at most ~11 MB (every slot a name of {@link #MAX_BYTES}
 * bytes, kept as bytes and as a String, two bytes a character for text beyond Latin-1); the bench's traffic (5,000
 * principals, 50 accounts) ~1 MB.
 */
final class InternTable {

    /** Slots, a power of two: four times the 4,096 or so names a busy partition's records repeat. */
    static final int SLOTS = 1 << 14;
    /** Longer strings are decoded afresh each time: IAM's ARNs and names stay well under it. */
    static final int MAX_BYTES = 200;
    private static final int WAYS = 4;

    private static final ThreadLocal<InternTable> OF_THREAD = ThreadLocal.withInitial(InternTable::new);

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Each slot's bytes (what it was decoded from), their hash, and its String; null: empty. */
    private final byte[][] keys = new byte[SLOTS][];
    /** Compared before a slot's bytes are read: a slot of another name costs no read of its bytes. */
    private final int[] hashes = new int[SLOTS];
    private final String[] values = new String[SLOTS];

    /** The calling thread's table. */
    static InternTable ofThread() {
        return OF_THREAD.get();
    }

    /**
     * The string {@code b[from, from + length)} decodes to (strictly valid UTF-8 without escapes, as the scanner has
     * checked): the table's instance when it holds these bytes, else a new one, kept unless too long.
     */
    String of(byte[] b, int from, int length, boolean nonAscii) {
        if (length > MAX_BYTES) {
            return decode(b, from, length, nonAscii);
        }
        int hash = hash(b, from, length);
        int group = hash & (SLOTS - WAYS);
        byte[][] keys = this.keys;
        int[] hashes = this.hashes;
        for (int slot = group; slot < group + WAYS; slot++) {
            byte[] key = keys[slot];
            if (key == null) {
                return keep(slot, hash, b, from, length, nonAscii);
            }
            if (hashes[slot] == hash && key.length == length
                    && Arrays.equals(key, 0, length, b, from, from + length)) {
                return values[slot];
            }
        }
        // the group is full of other names: this one takes the place of one of them, chosen by its own hash
        return keep(group + ((hash >>> 28) & (WAYS - 1)), hash, b, from, length, nonAscii);
    }

    /** The names held (tests). */
    int size() {
        int size = 0;
        for (String value : values) {
            size += value == null ? 0 : 1;
        }
        return size;
    }

    private String keep(int slot, int hash, byte[] b, int from, int length, boolean nonAscii) {
        String value = decode(b, from, length, nonAscii);
        keys[slot] = Arrays.copyOfRange(b, from, from + length);
        hashes[slot] = hash;
        values[slot] = value;
        return value;
    }

    private static String decode(byte[] b, int from, int length, boolean nonAscii) {
        return new String(b, from, length, nonAscii ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    /** A hash of the bytes, eight at a time, its high bits mixed down (the group is taken from the low bits). */
    static int hash(byte[] b, int from, int length) {
        long h = length;
        int p = from;
        int end = from + length;
        for (; p + 8 <= end; p += 8) {
            h = (h ^ (long) LONGS.get(b, p)) * 0x9E3779B97F4A7C15L;
        }
        for (; p < end; p++) {
            h = (h ^ b[p]) * 0x9E3779B97F4A7C15L;
        }
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }
}
