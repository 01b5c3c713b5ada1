package dev.trailwatch.detector.command;

import dev.trailwatch.detector.pipeline.EventFeeder;
import dev.trailwatch.ingest.reader.CloudTrailFiles;
import dev.trailwatch.ingest.s3.AwsClients;
import dev.trailwatch.ingest.s3.AwsSettings;
import dev.trailwatch.ingest.s3.S3Locations;
import dev.trailwatch.ingest.s3.S3Uri;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What {@code scan} reads: local files and folders (in CloudTrail delivery-time order) and {@code s3://bucket/prefix}
 * locations (in key order, through the same readers as the ingest connector). One unreadable file never stops the
 * rest; a location that does not exist or cannot be listed is the user's error and stops the scan with its reason.
 */
final class ScanInputs {

    private final List<Path> files;
    private final List<String> s3Locations;

    private ScanInputs(List<Path> files, List<String> s3Locations) {
        this.files = files;
        this.s3Locations = s3Locations;
    }

    /** Checks local paths and S3 URIs before anything starts, so a typo fails in a second, not after a broker start. */
    static ScanInputs of(List<String> arguments) throws IOException {
        List<Path> local = new ArrayList<>();
        List<String> s3 = new ArrayList<>();
        for (String argument : arguments) {
            if (S3Uri.isS3Uri(argument)) {
                S3Uri.parse(argument);
                s3.add(argument);
            } else {
                local.add(Path.of(argument));
            }
        }
        try {
            return new ScanInputs(CloudTrailFiles.list(local), s3);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file or directory: " + e.getFile(), e);
        }
    }

    void feedAll(EventFeeder feeder, PrintWriter err) {
        for (Path file : files) {
            try {
                feeder.feed(file);
            } catch (IOException e) {
                err.println("rejected: " + file + ": cannot read file: " + e.getMessage());
            }
        }
        if (!s3Locations.isEmpty()) {
            feedS3(feeder, err);
        }
        feeder.flush();
    }

    private void feedS3(EventFeeder feeder, PrintWriter err) {
        try (S3Client s3 = AwsClients.s3(AwsSettings.fromEnvironment())) {
            for (String location : s3Locations) {
                try {
                    S3Locations.Summary read = S3Locations.read(s3, location, feeder.sink("s3"));
                    err.printf("read %s: %d objects, %d records, %d skipped (digests, insights)%n", location,
                            read.objects(), read.records(), read.skippedObjects());
                } catch (IOException e) {
                    err.println("rejected: " + location + ": " + e.getMessage());
                } catch (SdkException e) {
                    throw new IllegalArgumentException("cannot read " + location + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
