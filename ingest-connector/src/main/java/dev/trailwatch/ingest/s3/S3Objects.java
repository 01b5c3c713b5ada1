package dev.trailwatch.ingest.s3;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.RecordSink;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Streaming reads and key-ordered listings of S3 objects. */
public final class S3Objects {

    private S3Objects() {
    }

    /**
     * Streams one object's records through the reader. The object is never held in memory; a stream abandoned before
     * its end (a file stopped by a syntax error) is aborted rather than drained ({@link #open}).
     *
     * @return the number of records delivered
     * @throws IOException when S3 fails mid-object (the caller decides whether to retry)
     */
    public static long read(S3Client s3, S3ObjectRef object, CloudTrailFileReader reader, RecordSink sink)
            throws IOException {
        try (InputStream in = open(s3, object.bucket(), object.key())) {
            return reader.read(in, object.uri(), sink);
        }
    }

    /**
     * An object's bytes. Closed before its end (a file given up on, a scan that stops or starts over while its GETs
     * are half read), the GET is aborted: closing the SDK's stream as it is would read the rest of the object through
     * the connection first, which for a large object holds the connection, and the reader's thread, for as long as
     * the download takes.
     */
    public static InputStream open(S3Client s3, String bucket, String key) {
        return new AbortOnEarlyClose(s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build()));
    }

    /** Aborts its GET when closed with bytes left; read to the end, it closes normally (the connection is reused). */
    private static final class AbortOnEarlyClose extends FilterInputStream {
        private final ResponseInputStream<GetObjectResponse> response;
        private boolean ended;

        AbortOnEarlyClose(ResponseInputStream<GetObjectResponse> response) {
            super(response);
            this.response = response;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            int n = super.read(into, offset, length);
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() throws IOException {
            try {
                // a reader that stops right at the end has not seen it yet: one more read tells
                if (!ended && response.read() >= 0) {
                    response.abort();
                }
            } catch (IOException e) {
                response.abort();
            } finally {
                response.close();
            }
        }
    }

    /** Every key under {@code prefix} after {@code startAfter} (null: from the start), in S3's key order, page by page. */
    public static Iterator<S3Object> list(S3Client s3, String bucket, String prefix, String startAfter) {
        ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix);
        if (startAfter != null && !startAfter.isEmpty()) {
            request.startAfter(startAfter);
        }
        return s3.listObjectsV2Paginator(request.build()).contents().iterator();
    }
}
