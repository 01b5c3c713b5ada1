package dev.trailwatch.ingest.reader;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.ZipException;

/**
 * Reads CloudTrail log files: gzip or plain (recognised by the gzip magic bytes, not the name), holding either a
 * {@code {"Records":[...]}} envelope (what CloudTrail writes to S3), a bare JSON array of records, or one JSON object
 * per line (concatenated or pretty-printed objects work too). An EventBridge event for CloudTrail
 * ({@code "detail-type": "AWS API Call via CloudTrail"} and the other {@code "... via CloudTrail"} types) yields its
 * {@code detail}.
 *
 * <p>Records are cut out of the decoded stream with their exact source bytes; memory stays flat at one 64 KiB chunk
 * plus the largest record, whatever the file size. A record larger than the limit (default 16 MiB; CloudTrail's own are
 * far below 1 MiB) is rejected and skipped without being buffered. Thread-safe: each call keeps its state on the stack.
 */
public final class CloudTrailFileReader {

    /** Default size limit for one record. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

    private final int maxRecordBytes;

    public CloudTrailFileReader() {
        this(DEFAULT_MAX_RECORD_BYTES);
    }

    public CloudTrailFileReader(int maxRecordBytes) {
        if (maxRecordBytes <= 0) {
            throw new IllegalArgumentException("maxRecordBytes must be positive: " + maxRecordBytes);
        }
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * Streams one file's records to the sink, in file order. Never throws for bad content: a malformed record or file is
     * reported through {@link RecordSink#rejected} and the good records around it are still delivered (see
     * {@link RecordScanner} for what a syntax error costs). The caller's stream is not closed.
     *
     * @param in       the file's bytes, gzip or plain
     * @param location how records and rejections name this file, e.g. its path or {@code s3://bucket/key}
     * @return the number of records delivered
     * @throws IOException only when the stream itself fails (not for truncated or corrupt content)
     */
    public long read(InputStream in, String location, RecordSink sink) throws IOException {
        SourceStream source = new SourceStream(in);
        ByteWindow window = new ByteWindow();
        RecordScanner scanner = new RecordScanner(location, sink, window, maxRecordBytes);
        try (InputStream data = decoded(source)) {
            while (true) {
                int n = window.readFrom(data, scanner.keepFrom());
                if (n < 0) {
                    scanner.endOfInput();
                    break;
                }
                if (n > 0 && !scanner.feed(n)) {
                    break;
                }
            }
        } catch (IOException e) {
            if (source.failed()) {
                throw e;
            }
            scanner.decodeFailed(decoderProblem(e));
        } finally {
            scanner.close();
        }
        return scanner.delivered();
    }

    /** Opens a file's bytes (gzip or plain), once more when the reader reads it again its usual way. */
    public interface Opener {
        InputStream open() throws IOException;
    }

    /**
     * {@link #read(InputStream, String, RecordSink)} in one JSON pass: each record is cut out of the file by
     * {@code parser} parsing it, and carries its result ({@link CloudTrailRecord#parsed()}). The records and
     * rejections delivered are those of the usual read: at anything but plain records in the shapes CloudTrail and
     * exports write ({@link RecordParser#parse}), the file is opened again and read the usual way from there on (its
     * records before that point are not delivered twice). Without a parser, the usual read.
     *
     * @throws IOException only when the stream itself fails (not for truncated or corrupt content)
     */
    public long read(Opener opener, String location, RecordSink sink, RecordParser parser) throws IOException {
        long skip = 0;
        if (parser != null) {
            ParsingReader parsing = new ParsingReader(location, sink, parser, maxRecordBytes);
            try (InputStream in = opener.open()) {
                SourceStream source = new SourceStream(in);
                try (InputStream data = decoded(source)) {
                    if (parsing.read(data)) {
                        return parsing.delivered();
                    }
                } catch (IOException e) {
                    if (source.failed()) {
                        throw e;
                    }
                    // a decoder error (truncated or corrupt gzip): the usual read reports it as such
                }
            }
            skip = parsing.delivered();
        }
        try (InputStream in = opener.open()) {
            return read(in, location, skip == 0 ? sink : skipping(sink, skip));
        }
    }

    /** {@code sink} without the first {@code records} records (already delivered by the one-pass read). */
    private static RecordSink skipping(RecordSink sink, long records) {
        return new RecordSink() {
            private long skipped;

            @Override
            public void record(CloudTrailRecord record) {
                if (skipped < records) {
                    skipped++;
                } else {
                    sink.record(record);
                }
            }

            @Override
            public void rejected(String location, String reason) {
                sink.rejected(location, reason);
            }
        };
    }

    /**
     * The bytes as this reader decodes them: gunzipped when they start with gzip's magic bytes (whatever the file's
     * name), else as they are. The gzip decoder inflates with the calling thread's inflater and input buffer
     * ({@link GzipDecoder}, reset for each file instead of allocated). Closing the stream closes {@code source}.
     */
    public static InputStream decoded(InputStream source) throws IOException {
        PushbackInputStream in = new PushbackInputStream(source, 2);
        byte[] head = in.readNBytes(2);
        in.unread(head);
        boolean gzip = head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
        return gzip ? new GzipDecoder(in) : in;
    }

    private static String decoderProblem(IOException e) {
        if (e instanceof EOFException) {
            return "truncated gzip";
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return e instanceof ZipException ? "corrupt gzip: " + detail : "unreadable content: " + detail;
    }
}
