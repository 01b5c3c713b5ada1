package dev.trailwatch.detector.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Buffered streams for the sorter's runs without {@link java.io.BufferedOutputStream}'s and
 * {@link java.io.BufferedInputStream}'s lock per call: a {@link java.io.DataOutputStream} writes an {@code int} as four
 * one-byte writes, so a record of a run cost ~100 lock acquisitions each way. A run is written and read by one thread.
 */
final class RunBuffers {

    static final int SIZE = 1 << 16;

    private RunBuffers() {
    }

    /** An unsynchronized buffered output stream. */
    static final class Out extends OutputStream {
        private final OutputStream out;
        private final byte[] buf = new byte[SIZE];
        private int count;

        Out(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (count == buf.length) {
                drain();
            }
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len >= buf.length) {
                drain();
                out.write(b, off, len);
                return;
            }
            if (len > buf.length - count) {
                drain();
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void drain() throws IOException {
            if (count > 0) {
                out.write(buf, 0, count);
                count = 0;
            }
        }

        @Override
        public void flush() throws IOException {
            drain();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            try (out) {
                flush();
            }
        }
    }

    /** An unsynchronized buffered input stream. */
    static final class In extends InputStream {
        private final InputStream in;
        private final byte[] buf = new byte[SIZE];
        private int pos;
        private int count;

        In(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (pos == count && !fill()) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos == count) {
                if (len >= buf.length) {
                    return in.read(b, off, len);
                }
                if (!fill()) {
                    return -1;
                }
            }
            int n = Math.min(len, count - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        private boolean fill() throws IOException {
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                return false;
            }
            pos = 0;
            count = n;
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
