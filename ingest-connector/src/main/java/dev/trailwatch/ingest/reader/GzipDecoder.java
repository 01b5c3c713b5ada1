package dev.trailwatch.ingest.reader;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * A gzip file's decoded bytes, as {@link java.util.zip.GZIPInputStream} decodes them (every member of a multi-member
 * file, the header and trailer checks, and the same exceptions and messages for truncated or corrupt data), but with
 * the {@link Inflater} and the input buffer of the calling thread, reset for each file. {@code GZIPInputStream} takes
 * neither from its caller: it allocates a native inflater and an input buffer for every file, which for a CloudTrail
 * tree (thousands of ~20 KB files, each inflated by {@code scan}'s first pass and again by its reader) was ~12% of all
 * the bytes a scan allocated.
 *
 * <p>After a member's trailer, the next member is read when a valid header follows; anything else after it ends the
 * file and is ignored, as {@code GZIPInputStream} does (which in JDK 17 tries the next member only when the source
 * says more bytes are available: always the case for a file on disk).
 *
 * <p>Not thread-safe; a thread that opens a second file before closing the first gets a fresh inflater for it.
 * Closing releases the inflater to the thread and closes the source.
 */
final class GzipDecoder extends InputStream {

    private static final int INPUT_BYTES = 64 * 1024;
    private static final int GZIP_MAGIC = 0x8b1f;
    private static final int DEFLATE = 8;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    /** One inflater and input buffer a thread, lent to one open decoder at a time. */
    private static final class Inflation {
        final Inflater inflater = new Inflater(true);
        final byte[] input = new byte[INPUT_BYTES];
        boolean lent;
    }

    private static final ThreadLocal<Inflation> THREAD = ThreadLocal.withInitial(Inflation::new);

    private final InputStream in;
    private final Inflation inflation;
    private final boolean own;
    private final Inflater inf;
    private final byte[] buf;
    private final CRC32 crc = new CRC32();
    private final byte[] single = new byte[1];
    /** The input buffer's unread bytes are {@code buf[pos, limit)}; the inflater is given them from {@code pos}. */
    private int pos;
    private int limit;
    private boolean eos;
    private boolean closed;

    /**
     * Reads the first member's header from {@code in}, as {@code new GZIPInputStream(in)} does.
     *
     * @throws ZipException a header that is not gzip's, or of another compression method
     * @throws EOFException a header cut short
     */
    GzipDecoder(InputStream in) throws IOException {
        this.in = in;
        Inflation thread = THREAD.get();
        this.own = thread.lent;
        this.inflation = own ? new Inflation() : thread;
        this.inflation.lent = true;
        this.inf = inflation.inflater;
        this.buf = inflation.input;
        inf.reset();
        try {
            readHeader();
        } catch (IOException | RuntimeException e) {
            release();
            throw e;
        }
        inf.setInput(buf, pos, limit - pos);
    }

    @Override
    public int read() throws IOException {
        return read(single, 0, 1) == -1 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("Stream closed");
        }
        if (eos) {
            return -1;
        }
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        while (true) {
            int n = inflate(b, off, len);
            if (n > 0) {
                crc.update(b, off, n);
                return n;
            }
            if (endOfMember()) {
                eos = true;
                return -1;
            }
        }
    }

    @Override
    public int available() throws IOException {
        if (closed) {
            throw new IOException("Stream closed");
        }
        return eos ? 0 : 1;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            eos = true;
            release();
            in.close();
        }
    }

    /** Inflated bytes into {@code b}, or 0 at the end of the member's compressed data (never 0 for a read of more). */
    private int inflate(byte[] b, int off, int len) throws IOException {
        try {
            int n;
            while ((n = inf.inflate(b, off, len)) == 0) {
                if (inf.finished() || inf.needsDictionary()) {
                    return 0;
                }
                if (inf.needsInput()) {
                    if (!fill()) {
                        throw new EOFException("Unexpected end of ZLIB input stream");
                    }
                    inf.setInput(buf, pos, limit - pos);
                }
            }
            return n;
        } catch (DataFormatException e) {
            String message = e.getMessage();
            throw new ZipException(message != null ? message : "Invalid ZLIB data format");
        }
    }

    /**
     * Checks the member's trailer and starts the next member when a header follows.
     *
     * @return true at the end of the file
     */
    private boolean endOfMember() throws IOException {
        pos = limit - inf.getRemaining();
        long expectedCrc = crc.getValue();
        long expectedSize = inf.getBytesWritten() & 0xffffffffL;
        if (readUInt() != expectedCrc || readUInt() != expectedSize) {
            throw new ZipException("Corrupt GZIP trailer");
        }
        try {
            readHeader();
        } catch (IOException e) {
            return true; // not another member: ignored, as GZIPInputStream ignores it
        }
        inf.reset();
        inf.setInput(buf, pos, limit - pos);
        return false;
    }

    private void readHeader() throws IOException {
        crc.reset();
        if (readUShort() != GZIP_MAGIC) {
            throw new ZipException("Not in GZIP format");
        }
        if (readUByte() != DEFLATE) {
            throw new ZipException("Unsupported compression method");
        }
        int flags = readUByte();
        skipBytes(6); // MTIME, XFL, OS
        if ((flags & FEXTRA) == FEXTRA) {
            skipBytes(readUShort());
        }
        if ((flags & FNAME) == FNAME) {
            while (readUByte() != 0) {
                // the file name
            }
        }
        if ((flags & FCOMMENT) == FCOMMENT) {
            while (readUByte() != 0) {
                // the comment
            }
        }
        if ((flags & FHCRC) == FHCRC) {
            int headerCrc = (int) crc.getValue() & 0xffff;
            if (readUShort() != headerCrc) {
                throw new ZipException("Corrupt GZIP header");
            }
        }
        crc.reset();
    }

    private long readUInt() throws IOException {
        long low = readUShort();
        return (long) readUShort() << 16 | low;
    }

    private int readUShort() throws IOException {
        int low = readUByte();
        return readUByte() << 8 | low;
    }

    /** A header or trailer byte; a header's are summed into the CRC its FHCRC field checks. */
    private int readUByte() throws IOException {
        if (pos == limit && !fill()) {
            throw new EOFException();
        }
        int b = buf[pos++] & 0xff;
        crc.update(b);
        return b;
    }

    private void skipBytes(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            readUByte();
        }
    }

    /** Reads more input into the empty buffer; false at the end of the source. */
    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        while (n == 0) {
            n = in.read(buf, 0, buf.length);
        }
        if (n < 0) {
            pos = limit = 0;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    private void release() {
        inf.reset();
        if (own) {
            inf.end();
        } else {
            inflation.lent = false;
        }
    }
}
