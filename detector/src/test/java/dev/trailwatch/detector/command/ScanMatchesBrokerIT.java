package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.pipeline.AlertCollector;
import dev.trailwatch.detector.pipeline.EventFeeder;
import dev.trailwatch.detector.pipeline.EventTimeSorter;
import dev.trailwatch.detector.pipeline.LocalPipeline;
import dev.trailwatch.detector.pipeline.ScanFeed;
import dev.trailwatch.detector.pipeline.SortWindow;
import dev.trailwatch.detector.topology.Topics;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scan} drives the topology in-process, without a broker ({@code ScanDriver}); its alerts must be those of the
 * same records, in the same event-time order, produced into the input topic of a real (in-process) broker and
 * detected by a Kafka Streams client, as the broker-based scan did and the live detector does: every alert record
 * (folded updates included), the whole line but {@code detectedAt}.
 */
class ScanMatchesBrokerIT {

    private static final Path SAMPLES = Path.of("src/main/resources/samples");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theBundledSamplesGiveTheSameAlertsWithoutABrokerAsThroughOne() throws Exception {
        ScanRun scan = ScanRun.of(dir, SAMPLES.toString());
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        List<String> viaBroker = throughBroker(SAMPLES, "true", metrics);

        assertThat(scan.exit()).as(scan.err()).isZero();
        assertThat(scan.err()).contains("1068 events, " + viaBroker.size() + " alerts, 0 rejected");
        assertThat(sorted(scan.alertsWithoutDetectedAt())).hasSizeGreaterThan(40)
                .containsExactlyElementsOf(sorted(viaBroker));
        // the live detector parsed records on its consumer's parse-ahead thread (events.parse.ahead): same alerts
        assertThat(metrics.registry().get("trailwatch.events.parsed.ahead").functionCounter().count())
                .isPositive().isLessThanOrEqualTo(1068);
    }

    @Test
    void theLiveDetectorParsingEveryRecordOnItsStreamThreadGivesTheSameAlerts() throws Exception {
        ScanRun scan = ScanRun.of(dir, SAMPLES.toString());
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        List<String> viaBroker = throughBroker(SAMPLES, "false", metrics);

        assertThat(sorted(scan.alertsWithoutDetectedAt())).hasSizeGreaterThan(40)
                .containsExactlyElementsOf(sorted(viaBroker));
        assertThat(metrics.registry().find("trailwatch.events.parsed.ahead").functionCounter()).isNull();
    }

    /** The samples read and sorted as scan reads them, produced to the in-process broker, detected, flushed. */
    private List<String> throughBroker(Path input, String parseAhead, TrailWatchMetrics metrics) throws Exception {
        DetectorConfig config = DetectorConfig.defaults().with(Map.of("application.id",
                "scan-matches-broker-it-" + parseAhead, "events.parse.ahead", parseAhead));
        FlushSignal flush = FlushSignal.onRequest();
        List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
        ScanFilter everything = new ScanFilter(null, null, Set.of(), Set.of(), SortWindow.AUTO_WINDOW);
        try (LocalPipeline pipeline = LocalPipeline.start(config, metrics, flush);
             AlertCollector collector = new AlertCollector(pipeline.bootstrapServers(),
                     Topics.from(pipeline.config()).alerts(), alerts::add);
             EventFeeder feeder = new EventFeeder(pipeline.bootstrapServers(),
                     pipeline.config().get(Settings.TOPIC_EVENTS), (where, why) -> { });
             ScanInputs inputs = ScanInputs.of(List.of(input.toString()), everything);
             EventTimeSorter sorter = new EventTimeSorter(64 << 20, dir,
                     entry -> feeder.send(entry.record(), entry.source()))) {
            new ScanFeed(sorter, SortWindow.exact(), o -> true, r -> true)
                    .feed(inputs.objects(), noRejections(), (object, records) -> { }, 1);
            feeder.flush();
            new Drain(pipeline, Duration.ofMinutes(5)).await(flush, collector);
            Serializer<Alert> json = Topics.from(config).alerts().valueSerde().serializer();
            return alerts.stream().map(a -> withoutDetectedAt(new String(json.serialize("alerts", a)))).toList();
        }
    }

    private static RecordSink noRejections() {
        return new RecordSink() {
            @Override
            public void record(CloudTrailRecord record) {
                throw new IllegalStateException("records go to the sorter");
            }

            @Override
            public void rejected(String where, String reason) {
                throw new AssertionError("the samples are readable: " + where + ": " + reason);
            }
        };
    }

    private static String withoutDetectedAt(String line) {
        try {
            ObjectNode alert = (ObjectNode) MAPPER.readTree(line);
            alert.remove("detectedAt");
            return alert.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> sorted(List<String> lines) {
        List<String> copy = new ArrayList<>(lines);
        Collections.sort(copy);
        return copy;
    }
}
