package dev.trailwatch.detector.command;

import dev.trailwatch.detector.config.ConfigException;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.metrics.JvmMeters;
import dev.trailwatch.detector.metrics.KafkaStreamsMeters;
import dev.trailwatch.detector.metrics.MetricsServer;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.util.function.Supplier;

/** The Prometheus registry and the /metrics, /health, /ready server of a long-running detector. */
final class Monitoring {

    private Monitoring() {
    }

    static TrailWatchMetrics metrics() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(KafkaStreamsMeters.storeTags());
        JvmMeters.bindTo(registry);
        return new TrailWatchMetrics(registry);
    }

    /**
     * Binds the metrics server; started before anything connects, so a port in use is reported at once, naming the
     * port and the setting ({@code option}) that chose it. {@code notReadyReason} is null while ready, else why not
     * (the body of a 503 on {@code /ready}).
     */
    static MetricsServer serve(DetectorConfig config, TrailWatchMetrics metrics, Supplier<String> notReadyReason,
                               String option) {
        String host = config.get(Settings.METRICS_HOST);
        int port = config.get(Settings.METRICS_PORT);
        try {
            return MetricsServer.start(host, port, (PrometheusMeterRegistry) metrics.registry(), notReadyReason);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof BindException bind) {
                throw new ConfigException("cannot serve /metrics on " + host + ":" + port + " (" + option + "): "
                        + (port == 0 ? bind.getMessage() : "port " + port + " is already in use") + "; choose another "
                        + "port with " + option);
            }
            throw new ConfigException("cannot serve /metrics on " + host + ":" + port + " (" + option + ", "
                    + Settings.METRICS_HOST.name() + "): " + e.getCause().getMessage(), e);
        }
    }
}
