package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.T0;
import static dev.trailwatch.detector.detect.burst.BurstEvents.failedLogin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.detect.kit.SeverityFilter;
import dev.trailwatch.detector.detect.kit.UnreadableTimers;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * Timer keys a windowed processor's expiry store holds that are not {@code <19-digit time>|<key>} (a store written by
 * another version, or damaged), as a task restored from its changelog finds them. Taking every stored timer at start
 * used to cut the key out of such an entry at a fixed width, and a short one stopped the task with an exception at
 * every start; now each is deleted, counted and logged, and the processor raises what it would on a clean store.
 */
class WindowedProcessorTimerKeysTest {

    private static final CloudTrailParser PARSER = new CloudTrailParser();
    private static final String RULE = "failed-console-login-burst";
    private static final String NAME = RULE + "-by-ip";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void unreadableTimerKeysAreDroppedAtStartAndTheBurstStillAlerts() {
        MockProcessorContext<String, BurstOutcome> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(0);
        context.setCurrentStreamTimeMs(0);
        MockBurstStores.add(context, NAME);
        KeyValueStore<String, String> expiry = context.getStateStore(BurstStores.named(NAME).expiry());
        expiry.put("12|" + ATTACKER, ATTACKER); // not zero-padded, and shorter than the padded width
        expiry.put("!", "nobody");
        expiry.put("99999999999999999999|" + ATTACKER, ATTACKER); // beyond a long
        BurstCounter counter = counter();

        counter.init(context);

        assertThat(keys(expiry)).isEmpty();
        assertThat(dropped()).isEqualTo(3);
        for (int i = 0; i < 10; i++) {
            feed(context, counter, failedLogin(ATTACKER, "alice", T0.plusSeconds(10L * i)));
        }
        feed(context, counter, failedLogin(ATTACKER, "alice", T0.plus(Duration.ofHours(2))));
        assertThat(context.forwarded()).extracting(f -> f.record().value())
                .filteredOn(BurstOutcome.Fired.class::isInstance)
                .extracting(outcome -> ((BurstOutcome.Fired) outcome).alert().ruleId()).containsExactly(RULE);
    }

    private BurstCounter counter() {
        TrailWatchMetrics metrics = new TrailWatchMetrics(registry);
        DetectionKit kit = new DetectionKit(new SeverityFilter(Severity.LOW, metrics), metrics, FlushSignal.never());
        BurstSpec spec = new BurstSpec(RULE, "by-ip", Duration.ofMinutes(5), Duration.ofMinutes(15), 10, 1,
                CloudTrailEvent::sourceIpAddress, ConsoleLogins::target,
                tally -> new Alerts.Finding(RULE, "burst", "burst from " + tally.entity(), Severity.HIGH, List.of(),
                        "runbook", Map.of("count", tally.count())));
        return new BurstCounter(spec, kit);
    }

    private double dropped() {
        Counter found = registry.find(UnreadableTimers.METRIC).tag("detection", NAME).counter();
        return found == null ? 0 : found.count();
    }

    private static List<String> keys(KeyValueStore<String, String> store) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, String> all = store.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    private static void feed(MockProcessorContext<String, BurstOutcome> context, BurstCounter counter,
                             TestEvents event) {
        CloudTrailEvent parsed = ((ParseResult.Parsed) PARSER.parse(event.bytes())).event();
        context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), parsed.eventTime()));
        counter.process(new Record<>(parsed.sourceIpAddress(), parsed, parsed.eventTime()));
    }
}
