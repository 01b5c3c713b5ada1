package dev.trailwatch.detector.deadletter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Input records whose output could not be written, by origin ({@code topic-partition@offset}), with the reason.
 *
 * <p>Under exactly-once a failed write aborts the whole transaction, so a production exception handler cannot simply
 * skip the one bad record: the transaction that would commit its neighbours is already doomed. The handler notes the
 * input record here instead; the stream thread fails, is replaced, and reprocesses from the last commit; the parse
 * step then finds the record here and dead-letters it ({@code produce_failed}) rather than processing it again, so
 * the retried transaction commits. One replacement per poison record, then its neighbours flow.
 *
 * <p>Shared by every stream thread of the instance (it travels in the Streams config as {@link #CONFIG}); bounded, the
 * oldest entries go first.
 */
public final class Quarantine {

    /** Streams property carrying this instance's quarantine (an object, not a string). */
    public static final String CONFIG = "trailwatch.quarantine";

    private static final int MAX_ENTRIES = 10_000;

    private final Map<String, Entry> entries = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    });

    /** Origin of a record as the dead letters name it. */
    public static String origin(String topic, int partition, long offset) {
        return originPrefix(topic, partition) + offset;
    }

    /** What every origin of a partition starts with: {@link #origin} is it followed by the offset. */
    public static String originPrefix(String topic, int partition) {
        return topic + "-" + partition + "@";
    }

    /** Notes a failure of what the record at {@code origin} produced; a second one means its dead letter failed too. */
    public void add(String origin, String reason) {
        entries.merge(origin, new Entry(reason, 1), (old, fresh) -> new Entry(old.reason(), old.failures() + 1));
    }

    /** Why the record at {@code origin} is quarantined, or null when it is not. */
    public Entry entry(String origin) {
        return entries.isEmpty() ? null : entries.get(origin);
    }

    public int size() {
        return entries.size();
    }

    /**
     * @param reason   the first failure, e.g. "writing to cloudtrail.alerts failed: RecordTooLargeException ..."
     * @param failures how many writes failed: 2 or more means even its dead letter could not be written
     */
    public record Entry(String reason, int failures) {
    }
}
