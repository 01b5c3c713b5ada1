package dev.trailwatch.ingest.reader;

/** Receives what a reader finds in a file, in file order. Called on the reading thread. */
public interface RecordSink {

    /** One well-formed record. */
    void record(CloudTrailRecord record);

    /**
     * A record or file that could not be read.
     *
     * @param location the file, or the file and record slot ({@code file#3})
     * @param reason   what was wrong, e.g. {@code "truncated gzip"} or {@code "not JSON at line 3 column 5: ..."}
     */
    void rejected(String location, String reason);
}
