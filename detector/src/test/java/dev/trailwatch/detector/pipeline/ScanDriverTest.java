package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * scan's in-process driver: the production topology over the bundled samples, through the driver's loop without its
 * per-record commit and through its public API, gives the same alerts; records it cannot parse are dead-lettered with
 * their reason, as on a broker.
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
    void aRecordThatCannotBeParsedIsDeadLetteredWithItsReasonAndTheOthersAreDetected() throws IOException {
        List<CloudTrailRecord> samples = new ArrayList<>(samplesInEventTimeOrder().subList(0, 200));
        CloudTrailRecord first = samples.get(0);
        samples.add(100, new CloudTrailRecord("{\"eventVersion\": \"1.08\", \"eventTime\": "
                .getBytes(StandardCharsets.UTF_8), first.recipientAccountId(), first.eventTimeMillis(), "poison#1",
                first.awsRegion()));

        Scanned scanned = scan(samples, true);

        assertThat(scanned.events()).isEqualTo(200);
        assertThat(scanned.metrics().eventsRejectedByReason()).containsExactly(Map.entry("parse", 1L));
    }

    private record Scanned(boolean direct, long events, List<String> alerts, TrailWatchMetrics metrics) {
    }

    private static Scanned scan(List<CloudTrailRecord> records, boolean direct) {
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        List<Alert> alerts = new ArrayList<>();
        boolean wasDirect;
        try (ScanDriver driver = ScanDriver.start(SCAN, RULES, TuningSet.empty(), metrics,
                FlushSignal.onRequest(), alerts::add, direct)) {
            wasDirect = driver.direct();
            records.forEach(r -> driver.send(r, "file"));
            driver.finish();
        }
        var json = JacksonSerde.json(Alert.class).serializer();
        List<String> lines = alerts.stream().map(a -> new String(json.serialize("alerts", a), StandardCharsets.UTF_8)
                .replaceAll("\"detectedAt\":\"[^\"]*\",?", "")).toList();
        return new Scanned(wasDirect, metrics.eventsRead(), lines, metrics);
    }

    private static List<CloudTrailRecord> samplesInEventTimeOrder() throws IOException {
        return SampleData.inEventTimeOrder((where, reason) -> {
            throw new AssertionError(where + ": " + reason);
        });
    }
}
