package dev.trailwatch.detector.pipeline;

import dev.trailwatch.ingest.reader.CloudTrailFiles;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Comparator;

/**
 * One CloudTrail log file to scan, on disk or in S3, with what its name says (account, region, delivery time; null
 * for a file not named the CloudTrail way).
 *
 * @param name     the file name (last path segment), which orders files the same on disk and in S3
 * @param location how records and errors name it: a path or {@code s3://bucket/key}
 * @param source   the {@code trailwatch.source} header of its records: {@code file} or {@code s3}
 */
public record TrailObject(String name, String location, String source, CloudTrailFiles.LogFileName parsed,
                          long sizeBytes, Opener opener) {

    /** Opens the object's bytes (plain or gzip). */
    public interface Opener {
        InputStream open() throws IOException;
    }

    /**
     * Scan order: files without a CloudTrail name first (they may hold any time, so nothing can be released while
     * they are read), then by delivery time, then by name and location, so the order does not depend on the order
     * of arguments, of a folder listing or of S3 keys.
     */
    public static final Comparator<TrailObject> ORDER = Comparator
            .comparing(TrailObject::deliveredAt, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(TrailObject::name).thenComparing(TrailObject::location);

    public static TrailObject of(String name, String location, String source, long sizeBytes, Opener opener) {
        return new TrailObject(name, location, source, CloudTrailFiles.parseName(name), sizeBytes, opener);
    }

    public Instant deliveredAt() {
        return parsed == null ? null : parsed.deliveredAt();
    }
}
