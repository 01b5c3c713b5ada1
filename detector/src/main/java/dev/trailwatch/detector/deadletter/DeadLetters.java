package dev.trailwatch.detector.deadletter;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The dead-letter record format: the original key and value bytes unchanged, the original headers, and TrailWatch's
 * own headers saying why and where from. An operator can replay a fixed record by producing its value back.
 */
public final class DeadLetters {

    /** The {@link RejectReason#tag()}: {@code parse}, {@code missing_field}, {@code late}, ... */
    public static final String REASON = "trailwatch.dlq.reason";
    /** A human explanation, e.g. "missing string field eventTime". */
    public static final String DETAIL = "trailwatch.dlq.detail";
    /** Where the record came from: {@code topic-partition@offset}, when known. */
    public static final String ORIGIN = "trailwatch.dlq.origin";

    private static final int MAX_DETAIL = 1_000;

    private DeadLetters() {
    }

    /** Adds the reason headers in place. */
    public static Headers annotate(Headers headers, RejectReason reason, String detail, String origin) {
        headers.remove(REASON).remove(DETAIL).remove(ORIGIN);
        headers.add(REASON, bytes(reason.tag()));
        headers.add(DETAIL, bytes(truncate(detail)));
        if (origin != null) {
            headers.add(ORIGIN, bytes(origin));
        }
        return headers;
    }

    public static ProducerRecord<byte[], byte[]> record(String topic, byte[] key, byte[] value, Headers original,
                                                        RejectReason reason, String detail, String origin) {
        Headers headers = annotate(new RecordHeaders(original == null ? null : original.toArray()), reason, detail,
                origin);
        return new ProducerRecord<>(topic, null, key, value, headers);
    }

    public static String header(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
    }

    private static String truncate(String detail) {
        return detail == null || detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL) + "...";
    }
}
