package dev.trailwatch.detector.parse;

import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.ingest.source.RecordHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Parses each raw record once. A parsed event is re-stamped with its {@code eventTime}, so windows and suppression
 * run on event time even when a producer did not set the record timestamp; it is counted by account and by the
 * {@code trailwatch.source} header the ingest connector sets.
 */
public final class ParseProcessor extends ContextualFixedKeyProcessor<String, byte[], ParseResult> {

    /** Header every producer of the events topic sets: {@code s3}, {@code eventbridge}, {@code file} (the wire contract). */
    public static final String SOURCE_HEADER = RecordHeaders.SOURCE;
    /**
     * Header with the epoch millis at which the record was produced to the events topic (the wire contract, declared in
     * the ingest module). Streams carries headers along, so the alert sink can measure produce-to-alert latency.
     */
    public static final String INGESTED_AT_HEADER = RecordHeaders.INGESTED_AT;

    private final CloudTrailParser parser;
    private final TrailWatchMetrics metrics;

    public ParseProcessor(CloudTrailParser parser, TrailWatchMetrics metrics) {
        this.parser = parser;
        this.metrics = metrics;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        ParseResult result = parser.parse(record.value());
        if (result instanceof ParseResult.Parsed parsed) {
            CloudTrailEvent event = parsed.event();
            metrics.eventRead(event.recipientAccountId(), event.awsRegion(), source(record), event.eventTime());
            context().forward(record.withValue(result).withTimestamp(event.eventTime()));
        } else {
            metrics.eventRejected(((ParseResult.Rejected) result).reason());
            context().forward(record.withValue(result));
        }
    }

    private static String source(FixedKeyRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(SOURCE_HEADER);
        return header == null ? "unknown" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
