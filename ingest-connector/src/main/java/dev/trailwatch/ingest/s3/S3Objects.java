package dev.trailwatch.ingest.s3;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.RecordSink;
import java.io.IOException;
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
     * its end (a file stopped by a syntax error) is aborted rather than drained.
     *
     * @return the number of records delivered
     * @throws IOException when S3 fails mid-object (the caller decides whether to retry)
     */
    public static long read(S3Client s3, S3ObjectRef object, CloudTrailFileReader reader, RecordSink sink)
            throws IOException {
        GetObjectRequest request = GetObjectRequest.builder().bucket(object.bucket()).key(object.key()).build();
        ResponseInputStream<GetObjectResponse> in = s3.getObject(request);
        boolean drained = false;
        try {
            long n = reader.read(in, object.uri(), sink);
            drained = in.read() < 0;
            return n;
        } finally {
            if (!drained) {
                in.abort();
            }
            in.close();
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
