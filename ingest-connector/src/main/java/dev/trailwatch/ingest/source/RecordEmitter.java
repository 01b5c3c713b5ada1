package dev.trailwatch.ingest.source;

/** Where a source hands its records: the Connect task's buffer, or the CLI's producer. */
public interface RecordEmitter {

    /** Blocks while the consumer side is full. */
    void emit(IngestRecord record) throws InterruptedException;

    /** A record, file or message that could not be read; it is counted and logged, never fatal. */
    void rejected(String location, String reason);
}
