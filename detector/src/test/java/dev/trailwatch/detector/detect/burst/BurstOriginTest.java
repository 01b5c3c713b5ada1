package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.BYSTANDER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.T0;
import static dev.trailwatch.detector.detect.burst.BurstEvents.failedLogin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.deadletter.DeadLetterProductionHandler;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.FlushSignal;
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
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * After a repartition, a burst counter sees the events of several input partitions interleaved. When those
 * partitions are read from far behind, one can run hours ahead of another in event time; the slower one's events are
 * in order among themselves and must neither be judged late against the faster one nor lose their open windows to it.
 * Without per-origin time, 16 of 150 injected login bursts were missed in a 4-partition bench.
 */
class BurstOriginTest {

    private static final CloudTrailParser PARSER = new CloudTrailParser();
    private static final String FAST = "cloudtrail.events-0";
    private static final String SLOW = "cloudtrail.events-1";

    @Test
    void aPartitionAnHourBehindStillFormsItsBurst() {
        MockProcessorContext<String, BurstOutcome> context = context();
        BurstCounter counter = counter(context);

        // the fast partition is already an hour further on when the slow one's attack arrives
        feed(context, counter, record(failedLogin(BYSTANDER, "carol", T0.plus(Duration.ofHours(1))), FAST));
        for (int i = 0; i < 10; i++) {
            feed(context, counter, record(failedLogin(ATTACKER, "alice", T0.plusSeconds(10L * i)), SLOW));
            // the fast partition keeps moving meanwhile
            feed(context, counter, record(failedLogin("198.51.100." + (10 + i), "carol", T0.plusSeconds(3_600L + i)),
                    FAST));
        }

        List<BurstOutcome> outcomes = context.forwarded().stream().map(f -> (BurstOutcome) f.record().value())
                .toList();
        assertThat(outcomes).noneMatch(o -> o instanceof BurstOutcome.Late);
        assertThat(outcomes).filteredOn(o -> o instanceof BurstOutcome.Fired).hasSize(1)
                .allSatisfy(o -> assertThat(((BurstOutcome.Fired) o).alert().eventCount()).isEqualTo(10))
                .allSatisfy(o -> assertThat(((BurstOutcome.Fired) o).alert().description()).contains(ATTACKER));
    }

    @Test
    void anEventLateWithinItsOwnPartitionIsStillLate() {
        MockProcessorContext<String, BurstOutcome> context = context();
        BurstCounter counter = counter(context);

        feed(context, counter, record(failedLogin(ATTACKER, "alice", T0.plus(Duration.ofHours(1))), SLOW));
        feed(context, counter, record(failedLogin(ATTACKER, "alice", T0), SLOW));

        assertThat(context.forwarded()).hasSize(1);
        assertThat(context.forwarded().get(0).record().value()).isInstanceOf(BurstOutcome.Late.class);
    }

    @Test
    void aFasterPartitionDoesNotCloseAWindowASlowerOneIsStillFilling() {
        MockProcessorContext<String, BurstOutcome> context = context();
        BurstCounter counter = counter(context);

        for (int i = 0; i < 10; i++) {
            feed(context, counter, record(failedLogin(ATTACKER, "alice", T0.plusSeconds(10L * i)), SLOW));
        }
        // the fast partition, an hour on, brings a failure from the same address: its own clock is past the window
        feed(context, counter, record(failedLogin(ATTACKER, "bob", T0.plus(Duration.ofHours(1))), FAST));
        // the slow partition's next failure, in order on it and inside the window
        feed(context, counter, record(failedLogin(ATTACKER, "alice", T0.plusSeconds(100)), SLOW));
        // both partitions move on: every window of the attack closes
        feed(context, counter, record(failedLogin(BYSTANDER, "carol", T0.plus(Duration.ofHours(2))), SLOW));
        feed(context, counter, record(failedLogin(BYSTANDER, "carol", T0.plus(Duration.ofHours(2))), FAST));

        List<Alert> attack = context.forwarded().stream().map(f -> (BurstOutcome) f.record().value())
                .filter(o -> o instanceof BurstOutcome.Fired).map(o -> ((BurstOutcome.Fired) o).alert())
                .filter(a -> a.firstEventTime().equals(T0)).toList();
        assertThat(attack).as("the window's alert, then its last word when it closed").hasSize(2);
        assertThat(attack.get(1).alertId()).isEqualTo(attack.get(0).alertId());
        assertThat(attack.get(1).eventCount()).as("the slow partition's eleventh failure joined it").isEqualTo(11);
    }

    /** As a stream task does: its stream time is the highest timestamp over all it has read. */
    private static void feed(MockProcessorContext<String, BurstOutcome> context, BurstCounter counter,
                             Record<String, CloudTrailEvent> record) {
        context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), record.timestamp()));
        counter.process(record);
    }

    private static BurstCounter counter(MockProcessorContext<String, BurstOutcome> context) {
        BurstSpec spec = new BurstSpec("failed-console-login-burst", "by-ip", Duration.ofMinutes(5),
                Duration.ofMinutes(15), 10, 1, CloudTrailEvent::sourceIpAddress, ConsoleLogins::target,
                tally -> new Alerts.Finding("failed-console-login-burst", "burst", "burst from " + tally.entity(),
                        Severity.HIGH, List.of(), "runbook", Map.of()));
        MockBurstStores.add(context, spec.name());
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        BurstCounter counter = new BurstCounter(spec,
                new DetectionKit(new SeverityFilter(Severity.LOW, metrics), metrics, FlushSignal.never()));
        counter.init(context);
        return counter;
    }

    private static MockProcessorContext<String, BurstOutcome> context() {
        MockProcessorContext<String, BurstOutcome> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        context.setCurrentStreamTimeMs(0);
        return context;
    }

    private static Record<String, CloudTrailEvent> record(dev.trailwatch.detector.TestEvents event, String origin) {
        CloudTrailEvent parsed = ((ParseResult.Parsed) PARSER.parse(event.bytes())).event();
        Record<String, CloudTrailEvent> record = new Record<>(parsed.sourceIpAddress(), parsed, parsed.eventTime());
        record.headers().add(OriginStamp.HEADER, origin.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /**
     * The parse step stamps every event with its input record for the production exception handler; the burst
     * processors key their event-time origins by this stamp's header. Sharing one name made every event its own origin:
     * lateness was never judged, and the origin map grew by an entry per event (the detector fell to a quarter of its
     * speed over two million events).
     */
    @Test
    void originsAreNotConfusedWithTheInputRecordStampEveryEventCarries() {
        assertThat(OriginStamp.HEADER).isNotEqualTo(DeadLetterProductionHandler.ORIGIN_HEADER);
    }
}
