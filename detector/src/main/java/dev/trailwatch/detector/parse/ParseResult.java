package dev.trailwatch.detector.parse;

import dev.trailwatch.detector.deadletter.RejectReason;
import dev.trailwatch.detector.deadletter.Rejection;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.ReadOutcome;

/**
 * What parsing one raw input record gives: an event, or the reason it cannot be read. The parse node forwards a
 * {@link Parsed} event unwrapped (see {@link ReadOutcome}) and a {@link Rejected} record as it is.
 */
public sealed interface ParseResult extends ReadOutcome {

    record Parsed(CloudTrailEvent event) implements ParseResult {
    }

    /**
     * A record the detector cannot read. It goes to the dead-letter topic with its original bytes.
     *
     * @param raw    the record's bytes exactly as read (may be null for a null value)
     * @param detail a human explanation, e.g. which field is missing
     */
    record Rejected(RejectReason reason, String detail, byte[] raw) implements ParseResult, Rejection {
    }
}
