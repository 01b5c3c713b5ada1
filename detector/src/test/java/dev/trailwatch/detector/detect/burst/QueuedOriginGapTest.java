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
 * A correlator fed through a repartition, over a backlog: an input partition it has not heard from yet, whose
 * repartitioned records still queue behind another partition's later ones. Its input task has read it (so the input
 * watermark does not hold it) and it has sent this task nothing (so no origin holds it). Within a minute of the task's
 * start, nothing closes until every input partition has been heard from, and the root sign-in is still claimed by the
 * failures that come after it. Later than that the gap is open (docs/architecture.md, "Known gap", issue 10): the
 * root sign-in is closed out before its failures arrive and the CRITICAL console-bruteforce-success for root is lost
 * (OrderInvarianceIT's shuffled 4-partition backlog lost it on fast runs before the first-minute hold).
 */
class QueuedOriginGapTest {

    private static final CloudTrailParser PARSER = new CloudTrailParser();

    @Test
    void rootLoginIsStillClaimedWhenTheFailuresComeBehindAnotherPartitionsLaterRecords() {
        assertThat(alertedAfter(Duration.ofSeconds(5)))
                .containsExactlyInAnyOrder(BurstEvents.arn("bob"), BurstEvents.arn("root"));
    }

    @Test
    @Disabled("known gap (issue 10): fails until progress markers travel in the repartition topics")
    void rootLoginIsStillClaimedWhenTheFailuresComeMoreThanAMinuteLater() {
        assertThat(alertedAfter(Duration.ofMinutes(2)))
                .containsExactlyInAnyOrder(BurstEvents.arn("bob"), BurstEvents.arn("root"));
    }

    /** The principals alerted when partition 1's records reach the correlator {@code delay} after partition 3's. */
    private static List<String> alertedAfter(Duration delay) {
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
        feed(context, correlator, "events-0", successfulLogin(BYSTANDER, "hal", T0.plus(Duration.ofHours(18))));
        feed(context, correlator, "events-2", successfulLogin(BYSTANDER, "ivy", T0.plus(Duration.ofHours(18))));
        context.setCurrentSystemTimeMs(context.currentSystemTimeMs() + delay.toMillis());
        feed(context, correlator, "events-3", successfulLogin(BYSTANDER, "gina", T0.plus(Duration.ofHours(19))));
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
        return alerted;
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
