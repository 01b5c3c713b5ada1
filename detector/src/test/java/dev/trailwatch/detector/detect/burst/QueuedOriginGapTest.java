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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * A correlator fed through a repartition, over a backlog: an input partition it has not heard from yet, whose
 * repartitioned records still queue behind another partition's later ones. Its input task has read it (so the input
 * watermark does not hold it) and it has sent this task nothing yet. Each input task's progress markers travel in the
 * repartition in order with its records ({@link OriginStamp}): until partition 1's marker comes, behind its records,
 * nothing closes, however long that takes, and the root sign-in is still claimed by the failures. Before the markers
 * (issue 10's known gap) a delay of over a minute lost the CRITICAL console-bruteforce-success for root, as
 * OrderInvarianceIT's shuffled 4-partition backlog did on fast runs.
 */
class QueuedOriginGapTest {

    private static final CloudTrailParser PARSER = new CloudTrailParser();
    private static final long READ = T0.plus(Duration.ofDays(2)).toEpochMilli();
    private static final long HORIZON = Duration.ofMinutes(15).toMillis();

    @Test
    void rootLoginIsStillClaimedWhenTheFailuresComeSecondsBehindAnotherPartitionsLaterRecords() {
        assertThat(alerted(Duration.ofSeconds(5), false))
                .containsExactlyInAnyOrder(BurstEvents.arn("bob"), BurstEvents.arn("root"));
    }

    @Test
    void rootLoginIsStillClaimedWhenTheFailuresComeMoreThanAMinuteLater() {
        assertThat(alerted(Duration.ofMinutes(2), false))
                .containsExactlyInAnyOrder(BurstEvents.arn("bob"), BurstEvents.arn("root"));
    }

    @Test
    void rootLoginIsStillClaimedWhenTheFailuresComeAnHourLater() {
        assertThat(alerted(Duration.ofHours(1), false))
                .containsExactlyInAnyOrder(BurstEvents.arn("bob"), BurstEvents.arn("root"));
    }

    /**
     * The markers are what holds the windows: when partition 1's marker says it is complete far past the root
     * sign-in before its failures come (records sent against the reorder contract), the root sign-in has been
     * closed out and only bob's login, which follows the failures, is claimed.
     */
    @Test
    void windowsCloseOnceEveryPartitionsMarkerHasPassedThem() {
        assertThat(alerted(Duration.ofMinutes(2), true)).containsExactly(BurstEvents.arn("bob"));
    }

    /** A marker is no event: it neither counts nor goes out as late, whatever its time. */
    @Test
    void aMarkerIsNotAnEvent() {
        MockProcessorContext<String, BurstOutcome> context = new MockProcessorContext<>();
        BruteforceCorrelator correlator = correlator(context);
        context.setCurrentStreamTimeMs(READ);
        correlator.process(marker(0, READ - HORIZON));
        correlator.process(marker(2, 0));
        assertThat(context.forwarded()).isEmpty();
    }

    /**
     * The principals alerted when partition 1's records reach the correlator {@code delay} after partition 3's.
     * Partitions 0, 2 and 3 have sent their markers (read two days ahead); partition 1's marker comes behind its
     * records, or, with {@code markerFirst}, before them.
     */
    private static List<String> alerted(Duration delay, boolean markerFirst) {
        MockProcessorContext<String, BurstOutcome> context = new MockProcessorContext<>();
        BruteforceCorrelator correlator = correlator(context);

        feed(context, correlator, "3", successfulLogin(ATTACKER, "root", T0.plus(Duration.ofMinutes(58))));
        feed(context, correlator, "3", successfulLogin(BYSTANDER, "gina", T0.plus(Duration.ofHours(18))));
        feed(context, correlator, "0", successfulLogin(BYSTANDER, "hal", T0.plus(Duration.ofHours(18))));
        feed(context, correlator, "2", successfulLogin(BYSTANDER, "ivy", T0.plus(Duration.ofHours(18))));
        for (int p : new int[] {0, 2, 3}) {
            mark(context, correlator, p, READ - HORIZON);
        }
        context.setCurrentSystemTimeMs(context.currentSystemTimeMs() + delay.toMillis());
        feed(context, correlator, "3", successfulLogin(BYSTANDER, "gina", T0.plus(Duration.ofHours(19))));
        if (markerFirst) {
            mark(context, correlator, 1, READ - HORIZON);
        }
        for (int i = 0; i < 10; i++) {
            feed(context, correlator, "1", failedLogin(ATTACKER, "alice", T0.plusSeconds(10L * i)));
        }
        feed(context, correlator, "1", successfulLogin(ATTACKER, "bob", T0.plusSeconds(120)));
        mark(context, correlator, 1, READ - HORIZON);

        List<String> alerted = new ArrayList<>();
        context.forwarded().forEach(f -> {
            if (f.record().value() instanceof BurstOutcome.Fired fired) {
                alerted.add(fired.alert().principal());
            }
        });
        return alerted;
    }

    /** console-bruteforce-success on a task whose instance knows 4 input partitions, every one read two days ahead. */
    private static BruteforceCorrelator correlator(MockProcessorContext<String, BurstOutcome> context) {
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        context.setCurrentStreamTimeMs(0);
        InputWatermark watermark = new InputWatermark(Duration.ofMillis(HORIZON), 4);
        for (int p = 0; p < 4; p++) {
            watermark.observe(p, READ); // the input tasks have read every partition far ahead
        }
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        DetectionKit kit = new DetectionKit(new SeverityFilter(Severity.LOW, metrics), metrics, FlushSignal.never(),
                Duration.ofMinutes(5), watermark);
        MockBurstStores.add(context, "console-bruteforce-success");
        CorrelationLimits limits = new CorrelationLimits(10, Duration.ofMinutes(5).toMillis(),
                Duration.ofHours(1).toMillis(), Duration.ofMinutes(15).toMillis());
        BruteforceCorrelator correlator = new BruteforceCorrelator("console-bruteforce-success", limits,
                (ip, burst, login, count) -> new Alerts.Finding("console-bruteforce-success", "t", login.identity(),
                        Severity.CRITICAL, List.of(), "r", Map.of()), kit);
        correlator.init(context);
        return correlator;
    }

    /** A progress marker of input partition {@code partition}, as {@link OriginStamp} writes it. */
    private static Record<String, CloudTrailEvent> marker(int partition, long complete) {
        Record<String, CloudTrailEvent> marker = new Record<>(Integer.toString(partition), null, complete + HORIZON);
        marker.headers().add(OriginStamp.HEADER, Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
        marker.headers().add(OriginStamp.PROGRESS, Long.toString(complete).getBytes(StandardCharsets.UTF_8));
        return marker;
    }

    private static void mark(MockProcessorContext<String, BurstOutcome> context, BruteforceCorrelator correlator,
                             int partition, long complete) {
        Record<String, CloudTrailEvent> marker = marker(partition, complete);
        context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), marker.timestamp()));
        correlator.process(marker);
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
