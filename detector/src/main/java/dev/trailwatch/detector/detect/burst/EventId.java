package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.serde.BinaryCodec;
import java.util.UUID;

/**
 * An event id as discovery-burst holds it: CloudTrail's are lowercase UUIDs, held as their two 64-bit halves; any other
 * id (input that is not CloudTrail's) is held as its String. One instance is reused for every event of a task: it
 * parses its text only when asked ({@link #parsed}), which a repeat of a known call never does.
 *
 * <p>Order. Two ids are ordered as their Strings ({@link CallBucket.Call#OCCURRENCE}). Two lowercase UUIDs have the
 * same length and their dashes at the same places, and their digits {@code 0-9a-f} sort in the order of the values
 * they stand for, so their Strings compare as their 32 hex digits, most significant first: as the unsigned 128-bit
 * numbers they spell, the high halves first ({@link Long#compareUnsigned}). An id that is not a UUID is compared as a
 * String, with the UUID's text made again from its halves.
 *
 * <p>Never null: the parser rejects a record without an {@code eventID}.
 */
final class EventId {

    /** The halves of a UUID id; 0 for another id. */
    long high;
    long low;
    /** The id when it is not a lowercase UUID, else null. */
    String other;
    private String text;
    private boolean parsed;
    private final long[] halves = new long[2];

    /**
     * This, now standing for {@code id} (parsed later, if at all). Never null from an event: the parser rejects a
     * record without {@code eventID}. (A null would be taken as the all-zero UUID: only a version-3 journal entry
     * written from a hand-made call could hold one.)
     */
    EventId of(String id) {
        text = id;
        parsed = false;
        return this;
    }

    /** This, with {@link #high}, {@link #low} and {@link #other} set for the id it stands for. */
    EventId parsed() {
        if (!parsed) {
            if (BinaryCodec.uuid(text, halves)) {
                high = halves[0];
                low = halves[1];
                other = null;
            } else {
                high = 0;
                low = 0;
                other = text;
            }
            parsed = true;
        }
        return this;
    }

    /** The id as it came. */
    String text() {
        return text;
    }

    /** An id held as halves or as a String, as it came: {@link UUID#toString} writes a UUID in lowercase. */
    static String text(long high, long low, String other) {
        return other != null ? other : new UUID(high, low).toString();
    }
}
