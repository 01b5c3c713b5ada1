package dev.trailwatch.detector.metrics;

import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.ingest.source.RecordHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Counts each alert on its way to the alerts topic and observes its detection latency. The ingest-stage latency
 * uses the {@code trailwatch.ingested-at} header Streams carried from the triggering input record; follow-ups built
 * at a window's close have no such header and only count toward the event-time stage.
 *
 * <p>Last step before the alerts topic, it also keeps the record timestamp (the alert's event time) from being ahead
 * of the wall clock, which a broker refuses beyond {@code message.timestamp.after.max.ms}.
 */
public final class AlertSinkMetrics extends ContextualFixedKeyProcessor<String, Alert, Alert> {

    private final TrailWatchMetrics metrics;
    private final boolean measureLatency;

    /** @param measureLatency false for detections whose alerts come late by design (see Detector#measuresLatency) */
    public AlertSinkMetrics(TrailWatchMetrics metrics, boolean measureLatency) {
        this.metrics = metrics;
        this.measureLatency = measureLatency;
    }

    @Override
    public void process(FixedKeyRecord<String, Alert> record) {
        Alert alert = record.value();
        metrics.alertEmitted(alert.ruleId(), alert.severity());
        if (measureLatency) {
            metrics.alertLatency(alert.lastEventTime().toEpochMilli(), ingestedAt(record), System.currentTimeMillis());
        }
        long now = context().currentSystemTimeMs();
        context().forward(record.timestamp() > now ? record.withTimestamp(now) : record);
    }

    private static long ingestedAt(FixedKeyRecord<String, Alert> record) {
        Header header = record.headers().lastHeader(RecordHeaders.INGESTED_AT);
        if (header == null || header.value() == null) {
            return -1;
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
