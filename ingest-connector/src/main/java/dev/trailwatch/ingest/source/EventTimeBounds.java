package dev.trailwatch.ingest.source;

import dev.trailwatch.ingest.reader.CloudTrailRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The record timestamps (= eventTime) the events topic keeps. A broker refuses a timestamp further ahead than
 * {@code message.timestamp.after.max.ms} (1 h by default) and, when set, further back than
 * {@code message.timestamp.before.max.ms}; and a record older than {@code retention.ms} may be deleted before the
 * detector reads it. Such a record is rejected before it is sent: sent, the broker would fail its whole batch, and its
 * neighbours with it.
 *
 * @param maxFutureMs how far ahead of this clock an eventTime may be; negative: no limit
 * @param maxAgeMs    how far behind; negative: no limit
 */
public record EventTimeBounds(long maxFutureMs, long maxAgeMs) {

    /** The broker's defaults: 1 h ahead, any age. */
    public static final EventTimeBounds BROKER_DEFAULTS = new EventTimeBounds(Duration.ofHours(1).toMillis(), -1);
    /** No limits (a LogAppendTime topic: the broker stamps records itself). */
    public static final EventTimeBounds NONE = new EventTimeBounds(-1, -1);

    /** Dead-letter header names, the same the detector writes. */
    public static final String REASON_HEADER = "trailwatch.dlq.reason";
    public static final String DETAIL_HEADER = "trailwatch.dlq.detail";
    public static final String ORIGIN_HEADER = "trailwatch.dlq.origin";

    /** Why a record cannot go to the topic: {@code tag} is the dead-letter reason, {@code detail} the explanation. */
    public record Violation(String tag, String detail) {
    }

    /** The violation of {@code record}'s eventTime at {@code nowMs}, or null when the topic takes it. */
    public Violation check(CloudTrailRecord record, long nowMs) {
        long time = record.eventTimeMillis();
        if (time < 0) {
            return null;
        }
        if (maxFutureMs >= 0 && time > nowMs + maxFutureMs) {
            return new Violation("future_event_time", "eventTime " + Instant.ofEpochMilli(time) + " is "
                    + Duration.ofMillis(time - nowMs).toMinutes() + " min ahead of this clock; the topic takes at most "
                    + Duration.ofMillis(maxFutureMs));
        }
        if (maxAgeMs >= 0 && time < nowMs - maxAgeMs) {
            return new Violation("expired_event_time", "eventTime " + Instant.ofEpochMilli(time)
                    + " is older than the topic keeps records (" + Duration.ofMillis(maxAgeMs) + ")");
        }
        return null;
    }

    /**
     * The dead letter for a rejected record: the same bytes and key to {@code topic}, the reason in headers, stamped
     * when sent (its own eventTime is the problem).
     */
    public static IngestRecord deadLetter(IngestRecord r, String topic, Violation violation) {
        Map<String, String> headers = new LinkedHashMap<>(r.headers());
        headers.put(REASON_HEADER, violation.tag());
        headers.put(DETAIL_HEADER, violation.detail());
        headers.put(ORIGIN_HEADER, r.record().location());
        CloudTrailRecord unstamped = new CloudTrailRecord(r.record().json(), r.record().recipientAccountId(), -1,
                r.record().location(), r.record().awsRegion());
        return new IngestRecord(unstamped, topic, headers, r.sourcePartition(), r.sourceOffset(), r.onCommitted());
    }
}
