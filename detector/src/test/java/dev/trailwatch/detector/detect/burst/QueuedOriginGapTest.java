package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.BYSTANDER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.T0;
import static dev.trailwatch.detector.detect.burst.BurstEvents.failedLogin;
import static dev.trailwatch.detector.detect.burst.BurstEvents.successfulLogin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.detect.kit.SeverityFilter;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The known gap in "windows close by the whole input" (docs/architecture.md, issue 10): an input partition this
 * correlator has not heard from yet, whose repartitioned records still queue behind another partition's later ones,
 * holds nothing, because the input watermark says how far the input tasks have read, not what they wrote that is
 * still on its way. The root sign-in is closed out before the failures that should claim it arrive: the CRITICAL
 * console-bruteforce-success for root is lost (OrderInvarianceIT's shuffled 4-partition backlog lost it once in a
 * fast run). Disabled until each input partition's progress travels in the repartition topics in order with its
 * records; enabled, it fails on this code (only bob's alert comes out).
 */
class QueuedOriginGapTest {

    private static final CloudTrailParser PARSER = new CloudTrailParser();

    @Test
    @Disabled("known gap (issue 10): fails until progress markers travel in the repartition topics")
    void rootLoginIsStillClaimedWhenTheFailuresComeBehindAnotherPartitionsLaterRecords() {
        MockProcessorContext<String, BurstOutcome> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        context.setCurrentStreamTimeMs(0);
        InputWatermark watermark = new InputWatermark(Duration.ofMinutes(15), 4);
        long read = T0.plus(Duration.ofDays(2)).toEpochMilli();
        for (int p = 0; p < 4; p++) {
            watermark.observe(p, read); // the input tasks have read every partition far ahead
        }
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        DetectionKit kit = new DetectionKit(new SeverityFilter(Severity.LOW, metrics), metrics, FlushSignal.never(),
                Duration.ofMinutes(5), watermark);
        MockBurstStores.add(context, "console-bruteforce-success", LoginStateCodec.SERDE);
        CorrelationLimits limits = new CorrelationLimits(10, Duration.ofMinutes(5).toMillis(),
                Duration.ofHours(1).toMillis(), Duration.ofMinutes(15).toMillis());
        BruteforceCorrelator correlator = new BruteforceCorrelator("console-bruteforce-success", limits,
                (ip, burst, login, count) -> new Alerts.Finding("console-bruteforce-success", "t", login.identity(),
                        Severity.CRITICAL, List.of(), "r", Map.of()), kit);
        correlator.init(context);

        feed(context, correlator, "events-3", successfulLogin(ATTACKER, "root", T0.plus(Duration.ofMinutes(58))));
        feed(context, correlator, "events-3", successfulLogin(BYSTANDER, "gina", T0.plus(Duration.ofHours(18))));
        for (int i = 0; i < 10; i++) {
            feed(context, correlator, "events-1", failedLogin(ATTACKER, "alice", T0.plusSeconds(10L * i)));
        }
        feed(context, correlator, "events-1", successfulLogin(ATTACKER, "bob", T0.plusSeconds(120)));

        List<String> alerted = new ArrayList<>();
        context.forwarded().forEach(f -> {
            if (f.record().value() instanceof BurstOutcome.Fired fired) {
                alerted.add(fired.alert().principal());
            }
        });
        assertThat(alerted).containsExactlyInAnyOrder(BurstEvents.arn("bob"), BurstEvents.arn("root"));
    }

    private static void feed(MockProcessorContext<String, BurstOutcome> context, BruteforceCorrelator correlator,
                             String origin, TestEvents event) {
        CloudTrailEvent parsed = ((ParseResult.Parsed) PARSER.parse(event.bytes())).event();
        Record<String, CloudTrailEvent> record = new Record<>(parsed.sourceIpAddress(), parsed, parsed.eventTime());
        record.headers().add(OriginStamp.HEADER, origin.getBytes(StandardCharsets.UTF_8));
        context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), record.timestamp()));
        correlator.process(record);
    }
}
