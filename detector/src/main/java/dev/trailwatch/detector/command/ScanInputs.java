package dev.trailwatch.detector.command;

import dev.trailwatch.detector.pipeline.MergedObjects;
import dev.trailwatch.detector.pipeline.TrailObject;
import dev.trailwatch.ingest.reader.CloudTrailFiles;
import dev.trailwatch.ingest.s3.S3Uri;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * What {@code scan} reads: local files and folders and {@code s3://bucket/prefix} locations, as one stream of objects
 * in {@link TrailObject#ORDER} (local listings sorted, S3 account/region folders listed lazily and merged). Checked
 * before anything starts: a path that does not exist, or holds no CloudTrail log file, is the user's error.
 */
final class ScanInputs implements AutoCloseable {

    private final List<TrailObject> local;
    private final S3Inputs s3;
    private final List<String> s3Locations;
    private final ScanFilter filter;

    private ScanInputs(List<TrailObject> local, List<String> s3Locations, ScanFilter filter) {
        this.local = local;
        this.s3Locations = s3Locations;
        this.filter = filter;
        this.s3 = s3Locations.isEmpty() ? null : new S3Inputs(filter);
    }

    /** Lists the arguments: local files and folders now, S3 locations when they are read. */
    static ScanInputs of(List<String> arguments, ScanFilter filter) throws IOException {
        Map<Path, TrailObject> local = new HashMap<>();
        List<String> s3 = new ArrayList<>();
        for (String argument : arguments) {
            if (S3Uri.isS3Uri(argument)) {
                S3Uri.parse(argument);
                s3.add(argument);
                continue;
            }
            long[] files = {0};
            Path root = Path.of(argument);
            walk(root, (file, size) -> {
                if (!file.equals(root) && CloudTrailFiles.isInsight(root.relativize(file).toString())) {
                    return; // a bucket's CloudTrail-Insight/ files, skipped as in S3 (S3Inputs): not API calls
                }
                files[0]++;
                Path key = file.toAbsolutePath().normalize();
                if (!local.containsKey(key)) {
                    TrailObject object = TrailObject.of(file.getFileName().toString(), file.toString(), "file", size,
                            () -> Files.newInputStream(file));
                    local.put(key, object);
                }
            });
            if (files[0] == 0) {
                throw new IllegalArgumentException("no CloudTrail log files in " + argument
                        + " (looked for .json, .json.gz, .jsonl, .ndjson and .gz files; digest files are skipped)");
            }
        }
        List<TrailObject> sorted = new ArrayList<>(local.values());
        sorted.sort(TrailObject.ORDER);
        return new ScanInputs(sorted, s3, filter);
    }

    private static void walk(Path root, CloudTrailFiles.FoundFile found) throws IOException {
        try {
            CloudTrailFiles.walk(root, found);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file or directory: " + e.getFile(), e);
        }
    }

    /** Local files named on the command line or found in folders, after the filter; S3 objects are not counted. */
    long localObjects() {
        return local.stream().filter(filter::mayHold).count();
    }

    long localBytes() {
        return local.stream().filter(filter::mayHold).mapToLong(TrailObject::sizeBytes).sum();
    }

    /** The input's one object when it is a single local file and nothing else, else null. */
    TrailObject onlyLocalObject() {
        return s3 == null && local.size() == 1 ? local.get(0) : null;
    }

    /**
     * The local files to read (after the filter), in scan order, when the input is two or more of them and nothing
     * in S3: a tree, read by its files' delivery times or, when that breaks, their least event times
     * ({@code BoundedFeed}); else null.
     */
    List<TrailObject> localTree() {
        if (s3 != null) {
            return null;
        }
        List<TrailObject> wanted = local.stream().filter(filter::mayHold).toList();
        return wanted.size() < 2 ? null : wanted;
    }

    boolean hasS3() {
        return s3 != null;
    }

    /**
     * Every object in scan order. S3 locations are listed here (account/region folders narrowed by --accounts and
     * --regions, days from --since on); one with nothing to scan fails the scan with its reason.
     */
    Iterator<TrailObject> objects() {
        List<Iterator<TrailObject>> sources = new ArrayList<>();
        sources.add(local.iterator());
        for (String location : s3Locations) {
            Iterator<TrailObject> listed;
            try {
                listed = s3.list(location);
                listed.hasNext();
            } catch (SdkException e) {
                throw new IllegalArgumentException("cannot read " + location + ": " + e.getMessage(), e);
            }
            if (!listed.hasNext()) {
                throw new IllegalArgumentException("no CloudTrail log files under " + location
                        + (filter.narrows() ? " for the given --since/--until/--accounts/--regions" : ""));
            }
            sources.add(listed);
        }
        return new MergedObjects(sources);
    }

    @Override
    public void close() {
        if (s3 != null) {
            s3.close();
        }
    }

}
