package dev.trailwatch.detector.command;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.metrics.JvmMeters;
import dev.trailwatch.detector.metrics.MetricsServer;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.topology.DetectorInstance;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The Prometheus registry and the /metrics, /health, /ready server of a long-running detector. */
final class Monitoring {

    private Monitoring() {
    }

    static TrailWatchMetrics metrics() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmMeters.bindTo(registry);
        return new TrailWatchMetrics(registry);
    }

    static MetricsServer serve(DetectorConfig config, TrailWatchMetrics metrics, DetectorInstance detector) {
        return MetricsServer.start(config.get(Settings.METRICS_HOST), config.get(Settings.METRICS_PORT),
                (PrometheusMeterRegistry) metrics.registry(), detector::notReadyReason);
    }
}
