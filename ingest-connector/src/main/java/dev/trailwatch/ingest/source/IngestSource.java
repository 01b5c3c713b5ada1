package dev.trailwatch.ingest.source;

/** One of the ingest paths (files, S3 listing, SQS). {@link #run} is called once, on a thread of its own. */
public interface IngestSource extends AutoCloseable {

    /**
     * Reads until the source is exhausted (one-shot mode) or until {@link #stop()} (follow mode).
     *
     * @throws Exception when the source cannot go on (bad credentials, missing bucket); the caller reports it
     */
    void run(RecordEmitter out) throws Exception;

    /** Asks {@link #run} to return soon; records already emitted stay valid. */
    void stop();

    @Override
    default void close() {
        stop();
    }
}
