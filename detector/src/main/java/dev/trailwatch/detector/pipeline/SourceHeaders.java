package dev.trailwatch.detector.pipeline;

import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.source.WireFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;

/**
 * The source headers {@code scan} sends each record with ({@link WireFormat#headers}: the source, the object it came
 * from, the moment it was handed to the detector), built once per object and source and shared: the same list of
 * {@code RecordHeader}s (never changed once built) for the records of one object in one millisecond, the same source
 * and object headers for all its records, the same {@code ingested-at} header for every record of one millisecond.
 *
 * <p>For a tree the records of many objects alternate (the sort merges them by event time), so the headers are kept
 * for the last {@value #OBJECTS} objects seen, not only the last one: with one entry they were built again for nearly
 * every record (~15% of the sorter's thread on the S3-layout tree). Single-threaded: one instance per thread that
 * builds them.
 */
final class SourceHeaders {

    /** Objects whose headers are kept (oldest first out): more than a sort window holds open at once. */
    static final int OBJECTS = 4096;

    /** One object's headers: those of its source and object, and the whole list for the last millisecond built. */
    private static final class Entry {
        final String object;
        final String source;
        final List<Header> sourceAndObject;
        long millis = Long.MIN_VALUE;
        List<Header> all;

        Entry(String object, String source, List<Header> sourceAndObject) {
            this.object = object;
            this.source = source;
            this.sourceAndObject = sourceAndObject;
        }
    }

    private final Map<String, Entry> byObject = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > OBJECTS;
        }
    };
    /** The entry of the last record: consecutive records of one object skip the lookup. */
    private Entry last;
    private long ingestedMillis = Long.MIN_VALUE;
    private Header ingested;

    /** The headers of {@code record} read from {@code source}, handed over at {@code now}. */
    List<Header> of(CloudTrailRecord record, String source, long now) {
        String location = record.location();
        int slot = location.lastIndexOf('#');
        int objectLength = slot < 0 ? location.length() : slot;
        Entry entry = last;
        if (entry == null || entry.object.length() != objectLength || !location.startsWith(entry.object)
                || !entry.source.equals(source)) {
            String object = location.substring(0, objectLength);
            entry = byObject.get(object);
            if (entry == null || !entry.source.equals(source)) {
                entry = build(record, source, object);
                byObject.put(object, entry);
            }
            last = entry;
        }
        if (entry.millis != now) {
            List<Header> all = new ArrayList<>(entry.sourceAndObject.size() + 1);
            all.addAll(entry.sourceAndObject);
            all.add(ingestedAt(now));
            entry.all = List.copyOf(all);
            entry.millis = now;
        }
        return entry.all;
    }

    /** The live path's headers for the object, without the last one ({@code ingested-at}). */
    private static Entry build(CloudTrailRecord record, String source, String object) {
        List<Header> wire = WireFormat.headers(EventFeeder.sourceHeaders(record, source), 0);
        return new Entry(object, source, List.copyOf(wire.subList(0, wire.size() - 1)));
    }

    /** The {@code ingested-at} header of {@code now}, shared by every object's records of that millisecond. */
    private Header ingestedAt(long now) {
        if (now != ingestedMillis) {
            List<Header> wire = WireFormat.headers(Map.of(), now);
            ingested = wire.get(wire.size() - 1);
            ingestedMillis = now;
        }
        return ingested;
    }
}
