package dev.trailwatch.ingest.s3;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailFiles;
import dev.trailwatch.ingest.reader.RecordSink;
import java.io.IOException;
import java.util.Iterator;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads CloudTrail history straight from S3, for {@code trailwatch scan s3://bucket/prefix}: every object under the
 * prefix, in key order (for an account/region prefix of CloudTrail's layout, that is delivery-time order), digest and
 * Insights files skipped, each streamed through the same {@link CloudTrailFileReader} as local files.
 */
public final class S3Locations {

    /** What a read covered. */
    public record Summary(long objects, long records, long skippedObjects) {
    }

    private S3Locations() {
    }

    /**
     * @param s3  a client, e.g. {@code AwsClients.s3(AwsSettings.fromEnvironment())}
     * @param uri {@code s3://bucket/prefix} ({@code s3://bucket} for the whole bucket)
     * @throws IllegalArgumentException when {@code uri} is not an s3:// location
     * @throws IOException              when S3 fails while an object is read
     * @throws software.amazon.awssdk.core.exception.SdkException when S3 refuses a listing or a read
     */
    public static Summary read(S3Client s3, String uri, RecordSink sink) throws IOException {
        return read(s3, S3Uri.parse(uri), new CloudTrailFileReader(), sink);
    }

    public static Summary read(S3Client s3, S3Uri location, CloudTrailFileReader reader, RecordSink sink)
            throws IOException {
        long objects = 0;
        long records = 0;
        long skipped = 0;
        Iterator<S3Object> keys = S3Objects.list(s3, location.bucket(), location.prefix(), null);
        while (keys.hasNext()) {
            String key = keys.next().key();
            if (key.endsWith("/") || CloudTrailFiles.isDigest(key) || CloudTrailFiles.isInsight(key)) {
                skipped++;
                continue;
            }
            records += S3Objects.read(s3, new S3ObjectRef(location.bucket(), key), reader, sink);
            objects++;
        }
        return new Summary(objects, records, skipped);
    }
}
