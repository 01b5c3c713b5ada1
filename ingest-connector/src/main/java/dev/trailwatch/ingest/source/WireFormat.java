package dev.trailwatch.ingest.source;

import dev.trailwatch.ingest.reader.CloudTrailRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The ingest -> detector wire contract of the events topic, declared once: every producer of CloudTrail records (the
 * Connect task, {@code trailwatch-ingest}, {@code scan}, {@code demo}, {@code bench}) builds its records here, and the
 * detector reads the headers by the names in {@link RecordHeaders}.
 *
 * <ul>
 *   <li>key: {@code recipientAccountId} (null when the record has none: it is dead-lettered downstream);</li>
 *   <li>value: the record's JSON bytes exactly as read;</li>
 *   <li>timestamp: {@code eventTime}; when it is missing or unreadable, none, so Kafka stamps the time of the send
 *       (the detector dead-letters such a record: it has no event time to detect on);</li>
 *   <li>headers: where the record came from ({@link RecordHeaders#SOURCE} and the source's own) and
 *       {@link RecordHeaders#INGESTED_AT}, the epoch millis it was handed to Kafka.</li>
 * </ul>
 */
public final class WireFormat {

    private WireFormat() {
    }

    /** The record timestamp: {@code eventTime} in epoch millis, or null to let Kafka stamp the send time. */
    public static Long timestamp(CloudTrailRecord record) {
        return record.eventTimeMillis() < 0 ? null : record.eventTimeMillis();
    }

    public static String key(CloudTrailRecord record) {
        return record.recipientAccountId();
    }

    /** The source's headers plus {@link RecordHeaders#INGESTED_AT}, in that order, as UTF-8 strings. */
    public static List<Header> headers(Map<String, String> sourceHeaders, long ingestedAtMillis) {
        List<Header> headers = new ArrayList<>(sourceHeaders.size() + 1);
        sourceHeaders.forEach((name, value) -> headers.add(new RecordHeader(name, utf8(value))));
        headers.add(new RecordHeader(RecordHeaders.INGESTED_AT, utf8(Long.toString(ingestedAtMillis))));
        return headers;
    }

    /** One record for the events topic {@code topic}, handed to Kafka at {@code ingestedAtMillis}. */
    public static ProducerRecord<String, byte[]> producerRecord(String topic, CloudTrailRecord record,
                                                                Map<String, String> sourceHeaders,
                                                                long ingestedAtMillis) {
        return new ProducerRecord<>(topic, null, timestamp(record), key(record), record.json(),
                headers(sourceHeaders, ingestedAtMillis));
    }

    /** The headers of a record read from a local file: source {@code file} and the path. */
    public static Map<String, String> fileHeaders(String path) {
        return Map.of(RecordHeaders.SOURCE, "file", RecordHeaders.OBJECT, path);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
