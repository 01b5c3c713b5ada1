package dev.trailwatch.detector.deadletter;

/** A record refused before it became an event: its bytes exactly as read and why it was refused. */
public interface Rejection {

    RejectReason reason();

    /** A human explanation, e.g. which field is missing. */
    String detail();

    /** The record's bytes exactly as read (may be null for a null value). */
    byte[] raw();
}
