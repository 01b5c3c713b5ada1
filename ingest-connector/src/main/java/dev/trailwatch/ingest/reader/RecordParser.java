package dev.trailwatch.ingest.reader;

/**
 * A full parser of CloudTrail records that the reader may use to cut records out of a file
 * ({@link CloudTrailFileReader#read(CloudTrailFileReader.Opener, String, RecordSink, RecordParser)}), so that a
 * record's bytes are tokenized once: the parse that finds where the record ends is the one whose result goes on with it
 * ({@code scan} hands the detector's parser in; its result reaches the parse node). The reader uses it only for records
 * it can read the usual way to the same effect (see {@link #parse}); for anything else it reads the file its usual way.
 */
public interface RecordParser {

    /** The range ends before the object does: more bytes are needed. */
    Parsed INCOMPLETE = new Parsed(null, null, -1, null, null);
    /** Not a plain record (see {@link #parse}): the reader reads this file its usual way from here. */
    Parsed NOT_PLAIN = new Parsed(null, null, -1, null, null);

    /**
     * Parses the JSON object that starts at {@code buf[offset]} (a <code>{</code>) within
     * {@code buf[offset, offset + length)}.
     *
     * <p>A record is plain when it is well-formed JSON, is not shaped like an envelope or an EventBridge event (no
     * top-level {@code Records} or {@code detail-type} key), and its {@code recipientAccountId}, {@code eventTime} and
     * {@code awsRegion} are each absent or a string, the event time a valid one: then the fields returned are those
     * the reader itself would read, and the reader takes the record as returned.
     *
     * @return the record, whose {@code json} is a copy of exactly the object's bytes; {@link #INCOMPLETE} when the
     *         range ends before the object does; {@link #NOT_PLAIN} otherwise (malformed JSON included)
     */
    Parsed parse(byte[] buf, int offset, int length);

    /**
     * A plain record as the parser read it.
     *
     * @param json   the object's exact bytes (its length is how far the object reached)
     * @param result what the parser made of it, carried with the record ({@link CloudTrailRecord#parsed()})
     */
    record Parsed(byte[] json, String recipientAccountId, long eventTimeMillis, String awsRegion, Object result) {
    }
}
