package dev.trailwatch.detector.command;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.pipeline.AlertCollector;
import dev.trailwatch.detector.pipeline.BackgroundStart;
import dev.trailwatch.detector.pipeline.EventFeeder;
import dev.trailwatch.detector.pipeline.EventTimeSorter;
import dev.trailwatch.detector.pipeline.LocalPipeline;
import dev.trailwatch.detector.pipeline.ReplaySettings;
import dev.trailwatch.detector.topology.Topics;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What {@code scan} runs on: the in-process broker and detector, the producer that feeds them the sorted records and
 * the consumer that reads the alerts back; closed in reverse.
 */
record ScanPipeline(LocalPipeline pipeline, AlertCollector collector, EventFeeder feeder) implements AutoCloseable {

    static ScanPipeline start(DetectorConfig config, TrailWatchMetrics metrics, FlushSignal flush,
                              List<Alert> alerts, PrintWriter err) throws Exception {
        LocalPipeline pipeline = LocalPipeline.start(config, metrics, flush);
        AlertCollector collector = null;
        try {
            collector = new AlertCollector(pipeline.bootstrapServers(), Topics.from(pipeline.config()).alerts(),
                    alerts::add);
            EventFeeder feeder = new EventFeeder(pipeline.bootstrapServers(),
                    pipeline.config().get(Settings.TOPIC_EVENTS),
                    (where, why) -> err.println("rejected: " + where + ": " + why));
            return new ScanPipeline(pipeline, collector, feeder);
        } catch (RuntimeException e) {
            if (collector != null) {
                collector.close();
            }
            pipeline.close();
            throw e;
        }
    }

    @Override
    public void close() throws InterruptedException {
        try (pipeline; collector; feeder) {
            // closes feeder, collector, pipeline: in reverse, as try-with-resources would have
        }
    }

    /** The sorter's output: each record in event-time order to the producer, once the broker is up. */
    static Consumer<EventTimeSorter.Entry> produce(BackgroundStart<ScanPipeline> start) {
        return new Produce(start);
    }

    private static final class Produce implements Consumer<EventTimeSorter.Entry> {
        private final BackgroundStart<ScanPipeline> start;
        private EventFeeder feeder;

        Produce(BackgroundStart<ScanPipeline> start) {
            this.start = start;
        }

        @Override
        public void accept(EventTimeSorter.Entry entry) {
            if (feeder == null) {
                try {
                    feeder = start.get().feeder();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("the in-process broker and detector did not start", e);
                }
            }
            feeder.send(entry.record(), entry.source());
        }
    }

    /** Under at-least-once a replaced stream thread re-reads into state that holds part of what it re-reads. */
    static void checkNoThreadFailed(DetectorConfig config, TrailWatchMetrics metrics) {
        boolean atLeastOnce = StreamsConfig.AT_LEAST_ONCE.equals(
                config.streamsProperties().getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        if (atLeastOnce && metrics.streamThreadReplacements() > 0) {
            throw new IllegalStateException(ReplaySettings.threadFailureMessage());
        }
    }
}
