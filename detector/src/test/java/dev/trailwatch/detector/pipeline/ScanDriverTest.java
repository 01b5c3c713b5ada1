package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trailwatch.detector.command.SampleData;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.serde.JacksonSerde;
import dev.trailwatch.detector.tuning.TuningSet;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * scan's in-process driver: the production topology over the bundled samples, through the driver's loop without its
 * per-record commit and through its public API, gives the same alerts; so does handing records parsed ahead to the
 * topology on a thread of its own, as scan does ({@link DetectorThread}); records it cannot parse are dead-lettered
 * with their reason, as on a broker.
 */
class ScanDriverTest {

    private static final RulePack RULES = RulePack.load(null);
    private static final DetectorConfig SCAN = ReplaySettings.under(DetectorConfig.defaults()
            .with(Map.of("application.id", "scan-driver-test")));

    @Test
    void theDirectLoopGivesTheSameAlertsAsTheDriversPublicApi() throws IOException {
        List<CloudTrailRecord> samples = samplesInEventTimeOrder();

        Scanned direct = scan(samples, true);
        Scanned viaApi = scan(samples, false);

        assertThat(direct.direct()).as("this Kafka version's driver allows the direct loop").isTrue();
        assertThat(viaApi.direct()).isFalse();
        assertThat(direct.events()).isEqualTo(1068);
        assertThat(direct.alerts()).hasSizeGreaterThan(40).containsExactlyElementsOf(viaApi.alerts());
    }

    @Test
    void theDirectLoopRecordsNoEndToEndLatencyButTheOtherStreamsMetricsAsTheApiDoes() throws IOException {
        List<CloudTrailRecord> samples = samplesInEventTimeOrder();

        Map<String, Double> direct = streamsMetricsAfter(samples, true);
        Map<String, Double> viaApi = streamsMetricsAfter(samples, false);

        // recorded through the public API (as on a stream thread), not in the direct loop, which a scan uses
        assertThat(viaApi.get("record-e2e-latency-max")).isGreaterThanOrEqualTo(0);
        assertThat(direct.get("record-e2e-latency-max")).isNaN();
        assertThat(direct.get("record-e2e-latency-avg")).isNaN();
        // the other metrics are left on: every sample consumed from the events topic, and more from repartitions
        assertThat(direct.get("records-consumed-total")).isGreaterThan(1068).isEqualTo(viaApi.get(
                "records-consumed-total"));
    }

    @Test
    void theAlertsDoNotDependOnHowOftenTheDirectLoopCommitsAndMovesTheWallClock() throws IOException {
        List<CloudTrailRecord> samples = samplesInEventTimeOrder();

        Scanned everyRecord = scan(samples, true, 1);
        Scanned asScanDoes = scan(samples, true, TaskLoop.COMMIT_EVERY);
        Scanned everyFewHundred = scan(samples, true, 300);

        assertThat(asScanDoes.events()).isEqualTo(1068);
        assertThat(asScanDoes.alerts()).hasSizeGreaterThan(40).containsExactlyElementsOf(everyRecord.alerts())
                .containsExactlyElementsOf(everyFewHundred.alerts());
    }

    @Test
    void recordsParsedAheadOnTheSortersThreadGiveTheSameAlertsAsRecordsTheParseNodeParses() throws Exception {
        List<CloudTrailRecord> samples = samplesInEventTimeOrder();

        Scanned onThisThread = scan(samples, true);
        Scanned handedOver = scanOnDetectorThread(samples);

        assertThat(onThisThread.parsedAhead()).isZero();
        assertThat(handedOver.parsedAhead()).as("every record parsed once, ahead, and taken by the parse node")
                .isEqualTo(1068);
        assertThat(handedOver.events()).isEqualTo(1068);
        assertThat(handedOver.alerts()).hasSizeGreaterThan(40).containsExactlyElementsOf(onThisThread.alerts());
        assertThat(handedOver.metrics().eventsRejected()).isZero();
    }

    @Test
    void aRecordParsedAheadThatCannotBeParsedIsDeadLetteredWithItsReason() throws Exception {
        Scanned scanned = scanOnDetectorThread(withPoisonRecord());

        assertThat(scanned.parsedAhead()).isEqualTo(201);
        assertThat(scanned.events()).isEqualTo(200);
        assertThat(scanned.metrics().eventsRejectedByReason()).containsExactly(Map.entry("parse", 1L));
    }

    @Test
    void aRecordThatCannotBeParsedIsDeadLetteredWithItsReasonAndTheOthersAreDetected() throws IOException {
        Scanned scanned = scan(withPoisonRecord(), true);

        assertThat(scanned.events()).isEqualTo(200);
        assertThat(scanned.metrics().eventsRejectedByReason()).containsExactly(Map.entry("parse", 1L));
    }

    @Test
    void aFailureOfTheDetectorThreadStopsTheFeedWithTheDetectorsErrorInsteadOfHangingIt() throws Exception {
        List<CloudTrailRecord> samples = samplesInEventTimeOrder();
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        ScanDriver driver = ScanDriver.start(SCAN, RULES, TuningSet.empty(), metrics, FlushSignal.onRequest(),
                alert -> { });
        driver.close(); // every record now fails in the topology: what a bug the dead-letter handlers miss would do

        try (DetectorThread detecting = new DetectorThread(driver)) {
            var sink = detecting.sink();
            assertThatThrownBy(() -> {
                long sequence = 0;
                for (int round = 0; round < 100; round++) { // far more than the queue holds
                    for (CloudTrailRecord r : samples) {
                        sink.accept(new EventTimeSorter.Entry(r.eventTimeMillis(), sequence++, "file", r));
                    }
                }
                detecting.finish();
            }).isInstanceOf(IllegalStateException.class).hasMessageContaining("the detector failed on");
        }
    }

    /** The first 200 samples with a truncated record in the middle. */
    private static List<CloudTrailRecord> withPoisonRecord() throws IOException {
        List<CloudTrailRecord> samples = new ArrayList<>(samplesInEventTimeOrder().subList(0, 200));
        CloudTrailRecord first = samples.get(0);
        samples.add(100, new CloudTrailRecord("{\"eventVersion\": \"1.08\", \"eventTime\": "
                .getBytes(StandardCharsets.UTF_8), first.recipientAccountId(), first.eventTimeMillis(), "poison#1",
                first.awsRegion()));
        return samples;
    }

    private record Scanned(boolean direct, long events, List<String> alerts, TrailWatchMetrics metrics,
                           long parsedAhead) {
    }

    private static Scanned scan(List<CloudTrailRecord> records, boolean direct) {
        return scan(records, direct, TaskLoop.COMMIT_EVERY);
    }

    private static Scanned scan(List<CloudTrailRecord> records, boolean direct, int commitEvery) {
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        List<Alert> alerts = new ArrayList<>();
        boolean wasDirect;
        long parsedAhead;
        try (ScanDriver driver = ScanDriver.start(SCAN, RULES, TuningSet.empty(), metrics,
                FlushSignal.onRequest(), alerts::add, direct, commitEvery)) {
            wasDirect = driver.direct();
            records.forEach(r -> driver.send(r, "file"));
            driver.finish();
            parsedAhead = driver.parsedAhead();
        }
        return scanned(wasDirect, alerts, metrics, parsedAhead);
    }

    /**
     * The driver's Streams metrics by name once {@code records} are processed: the largest value of each over all
     * nodes, tasks and topics (NaN when never recorded anywhere).
     */
    private static Map<String, Double> streamsMetricsAfter(List<CloudTrailRecord> records, boolean direct) {
        Map<String, Double> values = new HashMap<>();
        try (ScanDriver driver = ScanDriver.start(SCAN, RULES, TuningSet.empty(),
                new TrailWatchMetrics(new SimpleMeterRegistry()), FlushSignal.onRequest(), a -> { }, direct,
                TaskLoop.COMMIT_EVERY)) {
            records.forEach(r -> driver.send(r, "file"));
            driver.finish();
            driver.streamsMetrics().forEach((name, metric) -> {
                if (metric.metricValue() instanceof Double value && !value.isNaN()) {
                    boolean total = name.name().endsWith("-total");
                    values.merge(name.name(), value, (a, b) -> a.isNaN() ? b : total ? a + b : Math.max(a, b));
                } else {
                    values.putIfAbsent(name.name(), Double.NaN);
                }
            });
        }
        return values;
    }

    /** As scan does: this thread parses and hands records over in batches; the topology runs on its own thread. */
    private static Scanned scanOnDetectorThread(List<CloudTrailRecord> records) throws InterruptedException {
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        List<Alert> alerts = new ArrayList<>();
        long parsedAhead;
        try (ScanDriver driver = ScanDriver.start(SCAN, RULES, TuningSet.empty(), metrics,
                FlushSignal.onRequest(), alerts::add);
             DetectorThread detecting = new DetectorThread(driver)) {
            var sink = detecting.sink();
            long sequence = 0;
            for (CloudTrailRecord r : records) {
                sink.accept(new EventTimeSorter.Entry(r.eventTimeMillis(), sequence++, "file", r));
            }
            detecting.finish();
            driver.finish();
            parsedAhead = driver.parsedAhead();
        }
        return scanned(true, alerts, metrics, parsedAhead);
    }

    private static Scanned scanned(boolean direct, List<Alert> alerts, TrailWatchMetrics metrics, long parsedAhead) {
        var json = JacksonSerde.json(Alert.class).serializer();
        List<String> lines = alerts.stream().map(a -> new String(json.serialize("alerts", a), StandardCharsets.UTF_8)
                .replaceAll("\"detectedAt\":\"[^\"]*\",?", "")).toList();
        return new Scanned(direct, metrics.eventsRead(), lines, metrics, parsedAhead);
    }

    private static List<CloudTrailRecord> samplesInEventTimeOrder() throws IOException {
        return SampleData.inEventTimeOrder((where, reason) -> {
            throw new AssertionError(where + ": " + reason);
        });
    }
}
