package dev.trailwatch.ingest.reader;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The reader's one-pass way ({@code scan}): cuts records out of a decoded file by letting a {@link RecordParser} parse
 * each one where it starts, instead of tokenizing the file first and the record again later. Between records only the
 * few bytes of the file's structure are looked at here (white space, commas, brackets, an envelope's
 * <code>{"Records":[</code>).
 *
 * <p>It handles the shapes CloudTrail and exports write when every record in them is plain
 * ({@link RecordParser#parse}): objects one per line or concatenated, a {@code {"Records":[...]}} envelope, a bare
 * array. At anything else (a syntax error, a truncated file, an EventBridge event, a record too large, a record the
 * parser does not call plain) it stops before that record, having delivered exactly the records the usual reader
 * ({@link RecordScanner}) delivers before it, and {@link #read} returns false: the caller reads the rest of the file
 * the usual way. Memory: the read buffer (256 KiB) plus the largest record.
 */
final class ParsingReader {

    private static final int CHUNK = 256 * 1024;
    /** Bytes ahead of a record's start when it is parsed (unless the file ends sooner): few records reach past it. */
    private static final int LOOKAHEAD = 64 * 1024;
    private static final byte[] RECORDS_KEY = "\"Records\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final String location;
    private final RecordSink sink;
    private final RecordParser parser;
    private final int maxRecordBytes;
    private final StringBuilder where = new StringBuilder();
    private final int whereBase;
    /**
     * The buffer a reading thread keeps from one file to the next: one of its own for every file was ~0.5 MB of
     * garbage a file (a CloudTrail tree: ~4 GB for 8,000 files, a young collection every ~300 files). Safe to share
     * on a thread: a reader is used start to end by one call, and what it delivers is copied out of the buffer.
     */
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[2 * CHUNK]);

    private byte[] buf = BUFFERS.get();
    private int pos;
    private int end;
    private boolean eof;
    private InputStream in;
    /** The stream failed after the bytes at hand: they are read first, then this is thrown. */
    private IOException failure;
    private int slot;
    private long delivered;

    ParsingReader(String location, RecordSink sink, RecordParser parser, int maxRecordBytes) {
        this.location = location;
        this.sink = sink;
        this.parser = parser;
        this.maxRecordBytes = maxRecordBytes;
        where.append(location).append('#');
        whereBase = where.length();
    }

    /** Records delivered so far. */
    long delivered() {
        return delivered;
    }

    /**
     * Reads the decoded file to its end.
     *
     * @return true when done; false when it stopped before a record it does not read (see the class comment)
     * @throws IOException what the stream threw (the caller tells a source failure from a decoder's)
     */
    boolean read(InputStream decoded) throws IOException {
        this.in = decoded;
        ensure(3);
        if (end - pos >= 3 && (buf[pos] & 0xff) == 0xEF && (buf[pos + 1] & 0xff) == 0xBB
                && (buf[pos + 2] & 0xff) == 0xBF) {
            pos += 3;
        }
        while (skipWhiteSpace()) {
            byte b = buf[pos];
            if (b == '{') {
                int array = envelopeArray();
                if (array >= 0) {
                    pos = array + 1;
                    if (!elements() || !skipWhiteSpace() || buf[pos] != '}') {
                        return false;
                    }
                    pos++;
                } else if (!record()) {
                    return false;
                }
            } else if (b == '[') {
                pos++;
                if (!elements()) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return true;
    }

    /**
     * Where the <code>[</code> of an envelope that starts at {@code pos} is, when the object's first key is
     * {@code Records} and its value an array; else -1 (a record, or an envelope of another shape: the parser then
     * calls it not plain).
     */
    private int envelopeArray() throws IOException {
        ensure(LOOKAHEAD);
        int i = whiteSpaceFrom(pos + 1);
        if (end - i < RECORDS_KEY.length || !Arrays.equals(buf, i, i + RECORDS_KEY.length, RECORDS_KEY, 0,
                RECORDS_KEY.length)) {
            return -1;
        }
        i = whiteSpaceFrom(i + RECORDS_KEY.length);
        if (i >= end || buf[i] != ':') {
            return -1;
        }
        i = whiteSpaceFrom(i + 1);
        return i < end && buf[i] == '[' ? i : -1;
    }

    /** An array's elements, after its <code>[</code>, through its <code>]</code>: every one a plain record. */
    private boolean elements() throws IOException {
        if (!skipWhiteSpace()) {
            return false;
        }
        if (buf[pos] == ']') {
            pos++;
            return true;
        }
        while (true) {
            if (buf[pos] != '{' || !record() || !skipWhiteSpace()) {
                return false;
            }
            byte b = buf[pos++];
            if (b == ']') {
                return true;
            }
            if (b != ',' || !skipWhiteSpace()) {
                return false;
            }
        }
    }

    /** The record at {@code pos} (a <code>{</code>), parsed and delivered; false when it is not read here. */
    private boolean record() throws IOException {
        ensure(LOOKAHEAD);
        while (true) {
            RecordParser.Parsed parsed = parser.parse(buf, pos, end - pos);
            if (parsed == RecordParser.INCOMPLETE) {
                if (failure != null) {
                    throw failure;
                }
                if (eof || end - pos > maxRecordBytes) {
                    return false;
                }
                ensure(end - pos + CHUNK);
                continue;
            }
            if (parsed == RecordParser.NOT_PLAIN || parsed.json().length > maxRecordBytes) {
                return false;
            }
            pos += parsed.json().length;
            where.setLength(whereBase);
            where.append(slot++);
            delivered++;
            sink.record(new CloudTrailRecord(parsed.json(), parsed.recipientAccountId(), parsed.eventTimeMillis(),
                    where.toString(), parsed.awsRegion(), parsed.result()));
            return true;
        }
    }

    /** Moves {@code pos} past white space; false at the end of the file. */
    private boolean skipWhiteSpace() throws IOException {
        while (true) {
            pos = whiteSpaceFrom(pos);
            if (pos < end) {
                return true;
            }
            if (eof) {
                return false;
            }
            ensure(1);
        }
    }

    private int whiteSpaceFrom(int i) {
        while (i < end) {
            byte b = buf[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return i;
            }
            i++;
        }
        return i;
    }

    /**
     * At least {@code n} bytes from {@code pos} in the buffer, unless the file ends sooner, or the stream fails after
     * some bytes were read (they are read first, as the usual read delivers the records complete before a failure).
     */
    private void ensure(int n) throws IOException {
        if (end - pos >= n || eof) {
            return;
        }
        if (failure != null) {
            // the bytes at hand are read first; only when they are used up does the failure stop the read
            if (end == pos) {
                throw failure;
            }
            return;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, end - pos);
            end -= pos;
            pos = 0;
        }
        if (buf.length < n + CHUNK) {
            buf = Arrays.copyOf(buf, Math.max(2 * buf.length, n + CHUNK));
        }
        while (end < n && !eof) {
            int read;
            try {
                read = in.read(buf, end, buf.length - end);
            } catch (IOException e) {
                if (end == 0) {
                    throw e;
                }
                failure = e;
                return;
            }
            if (read < 0) {
                eof = true;
            } else {
                end += read;
            }
        }
        if (buf.length > 4 * CHUNK && end < CHUNK) {
            buf = Arrays.copyOf(buf, 2 * CHUNK); // back to the usual size after a large record
        }
    }
}
