package dev.trailwatch.detector.deadletter;

/** Why a record went to the dead-letter topic; {@link #tag()} is its value in headers and metrics. */
public enum RejectReason {
    /** Empty value or not JSON at all. */
    PARSE("parse"),
    /** JSON, but not an object (an array, a string, ...). */
    NOT_OBJECT("not_object"),
    /** One of eventID, eventTime, eventName, eventSource is absent or not a string. */
    MISSING_FIELD("missing_field"),
    /** eventTime is present but not an ISO-8601 instant. */
    BAD_EVENT_TIME("bad_event_time"),
    /**
     * eventTime is further ahead of the detector's clock than {@code events.max.future} allows: no genuine CloudTrail
     * record is, and one would move stream time forward and turn every real event after it "late".
     */
    FUTURE_EVENT_TIME("future_event_time"),
    /** Arrived later than a windowed detection's grace allows. */
    LATE("late"),
    /** A Streams exception handler caught a record that failed deserialization or processing. */
    PROCESSING_ERROR("processing_error"),
    /**
     * Writing what this record produced (an alert, a dead letter) failed permanently, e.g. the record was too large
     * for the topic: the input record is dead-lettered instead, so the transaction can commit without it.
     */
    PRODUCE_FAILED("produce_failed");

    private final String tag;

    RejectReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
