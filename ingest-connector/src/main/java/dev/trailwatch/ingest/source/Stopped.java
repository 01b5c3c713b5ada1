package dev.trailwatch.ingest.source;

/** Unwinds a reader from inside a {@link dev.trailwatch.ingest.reader.RecordSink} when the source is stopped. */
final class Stopped extends RuntimeException {

    Stopped() {
        super("stopped", null, false, false);
    }

    /** Restores the thread's interrupt flag; called where an InterruptedException turned into this. */
    static Stopped byInterrupt() {
        Thread.currentThread().interrupt();
        return new Stopped();
    }
}
