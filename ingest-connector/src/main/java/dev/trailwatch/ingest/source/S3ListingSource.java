package dev.trailwatch.ingest.source;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailFiles;
import dev.trailwatch.ingest.s3.S3ObjectRef;
import dev.trailwatch.ingest.s3.S3Objects;
import dev.trailwatch.ingest.s3.TrailLayout;
import dev.trailwatch.ingest.s3.TrailPrefix;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Backfill and replay from a trail's S3 bucket. Discovers the account/region folders ({@link TrailLayout}), keeps those
 * assigned to this task, and reads their keys merged in delivery-time order across folders, from the start time (or
 * after the last finished key of each folder) up to the end time. One source partition per folder; with a poll
 * interval it keeps tailing new keys.
 */
public final class S3ListingSource implements IngestSource {

    private static final Logger LOG = LoggerFactory.getLogger(S3ListingSource.class);

    /** What to read. {@code start}/{@code end} select files by the delivery time in their names; null = open. */
    public record Selection(String bucket, String prefix, List<String> accounts, List<String> regions,
                            Instant start, Instant end) {
    }

    private final S3Client s3;
    private final Selection selection;
    private final Routing routing;
    private final CloudTrailFileReader reader;
    private final Duration pollInterval;
    private final Predicate<TrailPrefix> assigned;
    private final Function<Map<String, Object>, KeyOffset> committed;
    private final Map<Map<String, Object>, KeyOffset> progress = new HashMap<>();
    private final Pacer pacer = new Pacer();

    public S3ListingSource(S3Client s3, Selection selection, Routing routing, CloudTrailFileReader reader,
                           Duration pollInterval, Predicate<TrailPrefix> assigned,
                           Function<Map<String, Object>, KeyOffset> committed) {
        this.s3 = s3;
        this.selection = selection;
        this.routing = routing;
        this.reader = reader;
        this.pollInterval = pollInterval;
        this.assigned = assigned;
        this.committed = committed;
    }

    public static Map<String, Object> partitionOf(TrailPrefix prefix) {
        return KeyOffset.partition("bucket", prefix.bucket(), "prefix", prefix.prefix());
    }

    @Override
    public void run(RecordEmitter out) throws IOException, InterruptedException {
        do {
            try {
                readRound(out);
            } catch (SdkException | IOException e) {
                if (pollInterval == null) {
                    throw e;
                }
                LOG.warn("S3 read of s3://{}/{} failed; retrying in {}: {}", selection.bucket(), selection.prefix(),
                        pollInterval, e.toString());
            }
        } while (pollInterval != null && !pastEnd() && pacer.await(pollInterval));
    }

    private void readRound(RecordEmitter out) throws IOException {
        List<TrailPrefix> prefixes = TrailLayout.discover(s3, selection.bucket(), selection.prefix(),
                selection.accounts(), selection.regions(), routing.insightsTopic() != null);
        List<PrefixCursor> cursors = new ArrayList<>();
        for (TrailPrefix p : prefixes) {
            if (assigned.test(p)) {
                KeyOffset offset = progress.computeIfAbsent(partitionOf(p), committed);
                cursors.add(new PrefixCursor(s3, p, offset, selection.start(), selection.end()));
            }
        }
        KeyMerge merge = new KeyMerge(cursors);
        for (PrefixCursor next = merge.next(); next != null && !pacer.stopped(); next = merge.next()) {
            readObject(next, out);
        }
    }

    private void readObject(PrefixCursor cursor, RecordEmitter out) throws IOException {
        String key = cursor.currentKey();
        Map<String, Object> partition = partitionOf(cursor.prefix());
        KeyOffset offset = progress.get(partition);
        String topic = routing.topicFor(key);
        if (topic != null && !CloudTrailFiles.isDigest(key)) {
            S3ObjectRef object = new S3ObjectRef(selection.bucket(), key);
            FileSink sink = new FileSink(out, topic, S3Headers.of(object, null, null), partition, offset, key);
            try {
                S3Objects.read(s3, object, reader, sink);
            } catch (IOException | SdkException e) {
                progress.put(partition, sink.resumePoint());
                throw e;
            }
            sink.finish();
        }
        progress.put(partition, offset.finished(key));
    }

    private boolean pastEnd() {
        return selection.end() != null && Instant.now().isAfter(selection.end().plus(Duration.ofHours(1)));
    }

    @Override
    public void stop() {
        pacer.stop();
    }
}
