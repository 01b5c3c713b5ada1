package dev.trailwatch.ingest.reader;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The caller's stream, remembering whether it failed. A decoder error (truncated or corrupt gzip) is bad content and is
 * reported; a failure of the stream itself (disk, network) is an I/O error and is thrown. Closing it leaves the
 * caller's stream open: the caller owns it.
 */
final class SourceStream extends FilterInputStream {

    private boolean failed;

    SourceStream(InputStream in) {
        super(in);
    }

    boolean failed() {
        return failed;
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            failed = true;
            throw e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            failed = true;
            throw e;
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (IOException e) {
            failed = true;
            throw e;
        }
    }

    @Override
    public void close() {
        // the caller closes its own stream
    }
}
