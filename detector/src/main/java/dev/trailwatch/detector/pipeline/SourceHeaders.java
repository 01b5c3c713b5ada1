package dev.trailwatch.detector.pipeline;

import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.source.WireFormat;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;

/**
 * The source headers {@code scan} sends each record with ({@link WireFormat#headers}: the source, the object it came
 * from, the moment it was handed to the detector), built again only when the object, the source or the millisecond
 * changes: the same list of {@code RecordHeader}s (never changed once built) for the records of one object in one
 * millisecond. Single-threaded: one instance per thread that builds them.
 */
final class SourceHeaders {

    private List<Header> cached;
    private String object = "";
    private String source;
    private long millis = Long.MIN_VALUE;

    /** The headers of {@code record} read from {@code source}, handed over at {@code now}. */
    List<Header> of(CloudTrailRecord record, String source, long now) {
        String location = record.location();
        int slot = location.lastIndexOf('#');
        int objectLength = slot < 0 ? location.length() : slot;
        if (now != millis || !Objects.equals(source, this.source) || object.length() != objectLength
                || !location.startsWith(object)) {
            cached = WireFormat.headers(EventFeeder.sourceHeaders(record, source), now);
            object = location.substring(0, objectLength);
            this.source = source;
            millis = now;
        }
        return cached;
    }
}
