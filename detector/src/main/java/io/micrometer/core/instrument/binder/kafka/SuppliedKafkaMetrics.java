package io.micrometer.core.instrument.binder.kafka;

import io.micrometer.core.instrument.Tag;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Micrometer's Kafka binder over a metrics map TrailWatch supplies, where {@link KafkaStreamsMetrics} binds all of a
 * client's metrics: {@code KafkaMetrics}, the binder both build on, takes such a supplier but is package-private, so
 * this class lives in its package (TrailWatch runs on the class path, where packages are not sealed). It adds nothing
 * else; what the supplier leaves out is TrailWatch's choice ({@code dev.trailwatch.detector.metrics.KafkaStreamsMeters}).
 */
public final class SuppliedKafkaMetrics extends KafkaMetrics {

    /**
     * @param metrics   the Kafka metrics to bind, asked again at every refresh
     * @param tags      tags added to every meter
     * @param scheduler runs the refresh; the caller shuts it down
     * @param refresh   how often new and removed Kafka metrics are looked for
     */
    public SuppliedKafkaMetrics(Supplier<Map<MetricName, ? extends Metric>> metrics, Iterable<Tag> tags,
                                ScheduledExecutorService scheduler, Duration refresh) {
        super(metrics, tags, scheduler, refresh);
    }
}
