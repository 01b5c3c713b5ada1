package dev.trailwatch.ingest.source;

import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordSink;
import java.util.Map;

/**
 * Turns one file's records into {@link IngestRecord}s with {@link KeyOffset} offsets. It holds one record back, so
 * that the file's last record carries "file finished" and a restart after it never opens the file again; records a
 * previous run already delivered ({@code skip}) are dropped.
 */
final class FileSink implements RecordSink {

    private final RecordEmitter out;
    private final String topic;
    private final Map<String, String> headers;
    private final Map<String, Object> partition;
    private final KeyOffset before;
    private final String key;
    private final long skip;
    private long ordinal;
    private CloudTrailRecord held;
    private long heldIndex;
    private long emitted;

    FileSink(RecordEmitter out, String topic, Map<String, String> headers, Map<String, Object> partition,
             KeyOffset before, String key) {
        this.out = out;
        this.topic = topic;
        this.headers = headers;
        this.partition = partition;
        this.before = before;
        this.key = key;
        this.skip = before.resumeIndex(key);
    }

    @Override
    public void record(CloudTrailRecord record) {
        ordinal++;
        if (ordinal <= skip) {
            return;
        }
        if (held != null) {
            send(held, new KeyOffset(before.lastKey(), key, heldIndex));
        }
        held = record;
        heldIndex = ordinal;
    }

    @Override
    public void rejected(String location, String reason) {
        out.rejected(location, reason);
    }

    /** The file was read to its end: the held record goes out marked "file finished". */
    void finish() {
        if (held != null) {
            send(held, before.finished(key));
            held = null;
        }
    }

    /** Where a retry of this file has to resume after a failure mid-file. */
    KeyOffset resumePoint() {
        return emitted == 0 ? before : new KeyOffset(before.lastKey(), key, skip + emitted);
    }

    private void send(CloudTrailRecord record, KeyOffset offset) {
        try {
            out.emit(new IngestRecord(record, topic, headers, partition, offset.toMap(), null));
            emitted++;
        } catch (InterruptedException e) {
            throw Stopped.byInterrupt();
        }
    }
}
