package dev.trailwatch.ingest.reader;

/**
 * One CloudTrail record: its JSON object's bytes exactly as they appear in the file (unchanged), plus what the
 * pipeline keys and orders it by.
 *
 * @param json               the record's JSON object, the exact source bytes (after gzip decoding)
 * @param recipientAccountId the record's {@code recipientAccountId}, or {@code null} if absent
 * @param eventTimeMillis    the record's {@code eventTime} in epoch milliseconds, or {@code -1} if absent or unparseable
 * @param location           where it came from: the file or object name, {@code #}, and the record's 0-based position
 *                           among the file's record slots, e.g. {@code "path/to/file.json.gz#12"}
 * @param awsRegion          the record's {@code awsRegion}, or {@code null} if absent (what {@code scan --regions} reads)
 * @param parsed             what a {@link RecordParser} made of {@code json} while reading it ({@code scan}: the
 *                           detector's parse result, handed to its parse node), or {@code null}
 */
public record CloudTrailRecord(byte[] json, String recipientAccountId, long eventTimeMillis, String location,
                               String awsRegion, Object parsed) {

    /** A record read without a {@link RecordParser}. */
    public CloudTrailRecord(byte[] json, String recipientAccountId, long eventTimeMillis, String location,
                            String awsRegion) {
        this(json, recipientAccountId, eventTimeMillis, location, awsRegion, null);
    }
}
