package dev.trailwatch.ingest.source;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local files and folders (same formats as {@code trailwatch scan}). One source partition per root as given;
 * files are read in {@link CloudTrailFiles#list} order and a restart resumes after the last finished file.
 * With a poll interval, folders are listed again for new files until stopped.
 */
public final class FilesSource implements IngestSource {

    private static final Logger LOG = LoggerFactory.getLogger(FilesSource.class);
    /** The same order as {@link CloudTrailFiles#list}: CloudTrail's file timestamp, then path; untimed files last. */
    static final Comparator<String> ORDER = Comparator
            .comparing((String k) -> CloudTrailFiles.fileTimestamp(Path.of(k).getFileName().toString()),
                    Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Function.identity());

    private final List<Path> roots;
    private final Routing routing;
    private final CloudTrailFileReader reader;
    private final Duration pollInterval;
    private final Function<Map<String, Object>, KeyOffset> committed;
    private final Map<Map<String, Object>, KeyOffset> progress = new HashMap<>();
    private final Pacer pacer = new Pacer();

    /**
     * @param pollInterval null to read what is there once and return
     * @param committed    the offset a previous run committed for a partition (Connect's offset reader)
     */
    public FilesSource(List<Path> roots, Routing routing, CloudTrailFileReader reader, Duration pollInterval,
                       Function<Map<String, Object>, KeyOffset> committed) {
        this.roots = List.copyOf(roots);
        this.routing = routing;
        this.reader = reader;
        this.pollInterval = pollInterval;
        this.committed = committed;
    }

    public static Map<String, Object> partitionOf(Path root) {
        return KeyOffset.partition("path", root.toString());
    }

    @Override
    public void run(RecordEmitter out) throws IOException, InterruptedException {
        do {
            for (Path root : roots) {
                readRoot(root, out);
            }
        } while (pollInterval != null && pacer.await(pollInterval));
    }

    private void readRoot(Path root, RecordEmitter out) throws IOException {
        Map<String, Object> partition = partitionOf(root);
        KeyOffset offset = progress.computeIfAbsent(partition, committed);
        for (Path file : CloudTrailFiles.list(List.of(root))) {
            String key = file.toString();
            if (pacer.stopped()) {
                return;
            }
            if (!offset.lastKey().isEmpty() && ORDER.compare(key, offset.lastKey()) <= 0) {
                continue;
            }
            String topic = routing.topicFor(key);
            if (topic != null) {
                readFile(file, topic, partition, offset, out);
            }
            offset = offset.finished(key);
            progress.put(partition, offset);
        }
    }

    private void readFile(Path file, String topic, Map<String, Object> partition, KeyOffset offset, RecordEmitter out)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(RecordHeaders.SOURCE, "file");
        headers.put(RecordHeaders.OBJECT, file.toString());
        FileSink sink = new FileSink(out, topic, headers, partition, offset, file.toString());
        try (InputStream in = Files.newInputStream(file)) {
            reader.read(in, file.toString(), sink);
        }
        sink.finish();
        LOG.debug("read {}", file);
    }

    @Override
    public void stop() {
        pacer.stop();
    }
}
