package dev.trailwatch.ingest.reader;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The decoded bytes of a file that are still needed: from the start of the record being captured (or from the read
 * position when none is) up to what has been read. Positions are absolute offsets in the decoded file, so a record's
 * bytes can be sliced out exactly as they appeared. Memory stays at one read chunk plus the largest record.
 */
final class ByteWindow {

    static final int CHUNK = 64 * 1024;

    private byte[] buf = new byte[2 * CHUNK];
    private long startAbs;
    private int length;

    /** Absolute offset just past the last byte read. */
    long endAbs() {
        return startAbs + length;
    }

    long startAbs() {
        return startAbs;
    }

    byte[] array() {
        return buf;
    }

    int indexOf(long abs) {
        return (int) (abs - startAbs);
    }

    byte byteAt(long abs) {
        return buf[indexOf(abs)];
    }

    /**
     * Drops the bytes before {@code keepFrom} and reads the next chunk.
     *
     * @return the number of bytes read (they sit at {@code array()[indexOf(endAbs() - n) ...]}), or -1 at end of stream
     */
    int readFrom(InputStream in, long keepFrom) throws IOException {
        discardBefore(Math.min(Math.max(keepFrom, startAbs), endAbs()));
        if (buf.length - length < CHUNK) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + CHUNK));
        }
        int n = in.read(buf, length, CHUNK);
        if (n > 0) {
            length += n;
        }
        return n;
    }

    /** A copy of the bytes in {@code [fromAbs, toAbs)}. */
    byte[] slice(long fromAbs, long toAbs) {
        return Arrays.copyOfRange(buf, indexOf(fromAbs), indexOf(toAbs));
    }

    private void discardBefore(long abs) {
        int drop = indexOf(abs);
        if (drop == 0) {
            return;
        }
        System.arraycopy(buf, drop, buf, 0, length - drop);
        length -= drop;
        startAbs = abs;
        if (buf.length > 4 * CHUNK && length < CHUNK) {
            buf = Arrays.copyOf(buf, 2 * CHUNK); // shrink back after a large record
        }
    }
}
