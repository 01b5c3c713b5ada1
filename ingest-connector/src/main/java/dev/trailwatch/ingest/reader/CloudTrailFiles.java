package dev.trailwatch.ingest.reader;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds CloudTrail log files on disk and names them the way CloudTrail does. */
public final class CloudTrailFiles {

    /** The delivery time CloudTrail puts in every log file name: {@code <account>_CloudTrail_<region>_20240115T1005Z_<id>}. */
    private static final Pattern FILE_TIME = Pattern.compile("_CloudTrail(?:-Insight)?_[A-Za-z0-9-]+_(\\d{8}T\\d{4}Z)_");

    /** The whole name CloudTrail gives a log file: {@code <account>_CloudTrail_<region>_<yyyyMMddTHHmmZ>_<id>}. */
    private static final Pattern LOG_NAME =
            Pattern.compile("(\\d{12})_CloudTrail_([a-z0-9-]+)_(\\d{8}T\\d{4}Z)_[^/]*");
    private static final java.time.format.DateTimeFormatter NAME_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmX");

    /** What a CloudTrail log file's name says: whose, which region, and when it was delivered. */
    public record LogFileName(String account, String region, java.time.Instant deliveredAt) {
    }

    private CloudTrailFiles() {
    }

    /** The account, region and delivery time in a CloudTrail log file's name, or null for any other name. */
    public static LogFileName parseName(String fileName) {
        Matcher m = LOG_NAME.matcher(fileName);
        if (!m.matches()) {
            return null;
        }
        try {
            return new LogFileName(m.group(1), m.group(2),
                    java.time.OffsetDateTime.parse(m.group(3), NAME_TIME).toInstant());
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Expands files and folders (recursively) into the files to read, in the order to read them.
     *
     * <ul>
     *   <li>Digest files are skipped ({@link #isDigest}); in folders, hidden files and folders (name starts with
     *       {@code .}) and files that are not JSON logs by name ({@link #isLogFileName}) are skipped too. A file named
     *       explicitly is read whatever its name, unless it is a digest.</li>
     *   <li>Order: by the delivery timestamp in CloudTrail's file name, then by path. Files without such a timestamp
     *       come after all timestamped ones, in path order.</li>
     *   <li>A file reached twice (overlapping roots) is listed once. Paths keep the form they were given in (relative
     *       roots give relative paths).</li>
     * </ul>
     *
     * @throws NoSuchFileException naming the path, when a root does not exist
     */
    public static List<Path> list(List<Path> roots) throws IOException {
        List<Path> found = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (Path root : roots) {
            walk(root, (file, size) -> {
                if (seen.add(file.toAbsolutePath().normalize())) {
                    found.add(file);
                }
            });
        }
        // each name's timestamp found once, not at every comparison (a regex: a tree of thousands of files took ~0.3 s)
        Map<Path, String> stamps = new HashMap<>();
        found.forEach(p -> stamps.put(p, fileTimestamp(p.getFileName().toString())));
        List<Path> ordered = new ArrayList<>(found);
        ordered.sort(Comparator.comparing((Path p) -> stamps.get(p), Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(Path::toString));
        return ordered;
    }

    /** Where {@link #walk} reports each file it finds. */
    public interface FoundFile {
        void found(Path file, long sizeBytes) throws IOException;
    }

    /**
     * The files {@link #list} finds under one root, each handed over as soon as it is found (in the walk's order, not
     * sorted, a file reached twice reported twice), with its size: a caller can start on the first folder's files
     * while the others are still being listed. One {@code stat} a file (the walk's own).
     *
     * @throws NoSuchFileException naming the path, when the root does not exist
     */
    public static void walk(Path root, FoundFile found) throws IOException {
        if (!Files.exists(root)) {
            throw new NoSuchFileException(root.toString());
        }
        if (!Files.isDirectory(root)) {
            if (!isDigest(root.toString())) {
                found.found(root, Files.size(root));
            }
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.equals(root) || !hidden(dir.getFileName()) ? FileVisitResult.CONTINUE
                        : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (hidden(file.getFileName()) || isDigest(file.toString()) || !isLogFileName(name)) {
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.isRegularFile()) {
                    found.found(file, attrs.size());
                } else if (attrs.isSymbolicLink() && Files.isRegularFile(file)) {
                    found.found(file, Files.size(file)); // a link to a file is read, as Files.isRegularFile says
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** True for CloudTrail digest files: a {@code CloudTrail-Digest/} path segment or a {@code _CloudTrail-Digest_} name. */
    public static boolean isDigest(String pathOrKey) {
        String p = pathOrKey.replace('\\', '/');
        return p.contains("/CloudTrail-Digest/") || p.startsWith("CloudTrail-Digest/") || p.contains("_CloudTrail-Digest_");
    }

    /** True for CloudTrail Insights files ({@code CloudTrail-Insight/} path segment or {@code _CloudTrail-Insight_} name). */
    public static boolean isInsight(String pathOrKey) {
        String p = pathOrKey.replace('\\', '/');
        return p.contains("/CloudTrail-Insight/") || p.startsWith("CloudTrail-Insight/") || p.contains("_CloudTrail-Insight_");
    }

    /** The {@code yyyyMMddTHHmmZ} delivery timestamp in a CloudTrail file name, or null. It sorts chronologically. */
    public static String fileTimestamp(String fileName) {
        Matcher m = FILE_TIME.matcher(fileName);
        return m.find() ? m.group(1) : null;
    }

    /**
     * True for the names a folder scan reads: {@code .json}, {@code .json.gz}, {@code .jsonl}, {@code .ndjson} and
     * plain {@code .gz} (case-insensitive). A folder of logs often carries READMEs, manifests or checksums beside
     * them; those are not records.
     */
    public static boolean isLogFileName(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".json") || n.endsWith(".gz") || n.endsWith(".jsonl") || n.endsWith(".ndjson");
    }

    private static boolean hidden(Path name) {
        return name.toString().startsWith(".");
    }
}
