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
    /** Arrived later than a windowed detection's grace allows. */
    LATE("late"),
    /** A Streams exception handler caught a record that failed deserialization or processing. */
    PROCESSING_ERROR("processing_error");

    private final String tag;

    RejectReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
