package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.T0;
import static dev.trailwatch.detector.detect.burst.BurstEvents.failedLogin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.detect.Alerts;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * Same events, same alerts: a burst counter fed the same records in random orders, each record arriving no later than
 * the grace after records with a later event time (and some delivered twice, as CloudTrail does), must leave the same
 * last alert per alertId as in event-time order. Compared on everything but {@code detectedAt}: id, severity, event
 * ids, count, first and last event time, the anchor fields, wording and evidence. Property-style: many seeds, and the
 * seed in the failure message.
 */
class BurstCounterOrderTest {

    private static final CloudTrailParser PARSER = new CloudTrailParser();
    private static final Duration WINDOW = Duration.ofMinutes(5);
    private static final Duration GRACE = Duration.ofMinutes(15);
    private static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin", "frank");
    private static final List<String> IPS = List.of("203.0.113.50", "203.0.113.51", "198.51.100.7");
    private static final int RUNS = 25;

    @Test
    void countsGiveTheSameLastAlertPerIdInAnyOrderWithinTheGrace() {
        assertOrderInvariant(spec(10, 1, List.of()), 120, 1);
    }

    @Test
    void distinctCountsGiveTheSameLastAlertPerIdInAnyOrderWithinTheGrace() {
        assertOrderInvariant(spec(4, 4, List.of()), 60, 2);
    }

    @Test
    void orderedTokensGiveTheSameLastAlertPerIdInAnyOrderWithinTheGrace() {
        assertOrderInvariant(spec(3, 3, List.of("111122223333/alice", "111122223333/bob", "111122223333/carol")),
                60, 3);
    }

    @Test
    void aWindowOfMoreEventsThanAnAlertListsNamesItsEarliestInAnyOrder() {
        assertOrderInvariant(spec(10, 1, List.of()), 400, 4);
    }

    @Test
    void anOrderedWindowOfMoreEventsThanAnAlertListsNamesItsEarliestInAnyOrder() {
        assertOrderInvariant(spec(3, 3, List.of("111122223333/alice", "111122223333/bob", "111122223333/carol")),
                400, 5);
    }

    /**
     * One address, every event in one window, a third of them delivered twice: the window counts more events than it
     * keeps, so a copy of one it no longer keeps is told apart by the seen ids, in any order of arrival.
     */
    @Test
    void aWindowOfMoreEventsThanItKeepsCountsEachCopyOnceInAnyOrder() {
        Random random = new Random(6);
        List<TestEvents> history = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            TestEvents event = failedLogin(IPS.get(0), USERS.get(random.nextInt(USERS.size())),
                    T0.plusSeconds(random.nextInt(290)));
            history.add(event);
            if (random.nextInt(3) == 0) {
                history.add(event);
            }
        }
        Map<String, Alert> reference = lastPerId(run(spec(10, 1, List.of()), sortedByTime(history)));
        assertThat(reference.values()).extracting(Alert::eventCount).containsExactly(300L);
        for (int run = 0; run < RUNS; run++) {
            long runSeed = random.nextLong();
            assertThat(lastPerId(run(spec(10, 1, List.of()), withinGrace(history, new Random(runSeed)))))
                    .as("arrival order of seed %d", runSeed).isEqualTo(reference);
        }
    }

    /**
     * Events that count as several tokens (GetParameters calls of one to ten names out of 160, so a window holds more
     * distinct tokens than it keeps): the distinct tokens, the ones listed and the alert are the same in any order.
     */
    @Test
    void eventsOfSeveralTokensGiveTheSameLastAlertPerIdInAnyOrderWithinTheGrace() {
        Random random = new Random(8);
        List<TestEvents> history = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Instant time = T0.plusSeconds(random.nextInt((int) Duration.ofMinutes(17).toSeconds()));
            TestEvents call = TestEvents.event("ssm.amazonaws.com", "GetParameters", time)
                    .sourceIp(IPS.get(random.nextInt(2))).set("userAgent", "agent-" + random.nextInt(5));
            var names = call.json().with("requestParameters").put("withDecryption", true).putArray("names");
            int first = random.nextInt(160);
            int count = 1 + random.nextInt(10);
            for (int n = 0; n < count; n++) {
                names.add("/prod/secret-" + ((first + n * 7) % 160));
            }
            history.add(call);
            if (random.nextInt(10) == 0) {
                history.add(call);
            }
        }
        BurstSpec spec = new BurstSpec("test-burst", "by-ip", WINDOW, GRACE, 2, 10, CloudTrailEvent::sourceIpAddress,
                e -> {
                    List<String> read = CredentialHarvestingBurstDetector.resources(e);
                    return read == null ? null : read.get(0);
                }, WORDING, List.of(), e -> {
                    List<String> read = CredentialHarvestingBurstDetector.resources(e);
                    return read == null ? List.of() : read.subList(1, read.size());
                });
        Map<String, Alert> reference = lastPerId(run(spec, sortedByTime(history)));
        assertThat(reference.values()).as("some window lists as many tokens as it keeps")
                .anySatisfy(alert -> assertThat((List<?>) alert.evidence().get("tokens"))
                        .hasSize(OpenBurst.MAX_TOKENS));
        for (int run = 0; run < RUNS; run++) {
            long runSeed = random.nextLong();
            assertThat(lastPerId(run(spec, withinGrace(history, new Random(runSeed)))))
                    .as("arrival order of seed %d", runSeed).isEqualTo(reference);
        }
    }

    private static void assertOrderInvariant(BurstSpec spec, int events, long seed) {
        Random random = new Random(seed);
        List<TestEvents> history = history(random, events);
        Map<String, Alert> reference = lastPerId(run(spec, sortedByTime(history)));
        assertThat(reference).as("the event-time order raises alerts to compare").isNotEmpty();
        for (int run = 0; run < RUNS; run++) {
            long runSeed = random.nextLong();
            List<TestEvents> arrival = withinGrace(history, new Random(runSeed));
            assertThat(lastPerId(run(spec, arrival))).as("arrival order of seed %d", runSeed)
                    .isEqualTo(reference);
        }
    }

    /**
     * Failed logins from a few IPs over 17 minutes (four windows) with different user agents (so that which event
     * anchors an alert shows), some of them delivered twice.
     */
    private static List<TestEvents> history(Random random, int count) {
        List<TestEvents> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Instant time = T0.plusMillis(random.nextInt((int) Duration.ofMinutes(17).toMillis()) / 1000 * 1000);
            TestEvents event = failedLogin(IPS.get(random.nextInt(IPS.size())), USERS.get(random.nextInt(USERS.size())),
                    time).set("userAgent", "agent-" + random.nextInt(5));
            all.add(event);
            if (random.nextInt(10) == 0) {
                all.add(event);
            }
        }
        return all;
    }

    private static List<TestEvents> sortedByTime(List<TestEvents> history) {
        List<TestEvents> sorted = new ArrayList<>(history);
        sorted.sort(Comparator.comparing(BurstCounterOrderTest::time));
        return sorted;
    }

    /**
     * An arrival order within the grace: each event is held back by a random delay of up to the grace, so it arrives
     * after events at most that much later in event time.
     */
    private static List<TestEvents> withinGrace(List<TestEvents> history, Random random) {
        Map<Long, TestEvents> byArrival = new TreeMap<>();
        for (TestEvents event : history) {
            long delay = (long) (random.nextDouble() * GRACE.toMillis());
            long arrival = time(event).toEpochMilli() + delay;
            while (byArrival.containsKey(arrival)) {
                arrival++;
            }
            byArrival.put(arrival, event);
        }
        return new ArrayList<>(byArrival.values());
    }

    /** Runs the events through a counter, then moves event time far on so that every window closes. */
    private static List<Alert> run(BurstSpec spec, List<TestEvents> arrival) {
        MockProcessorContext<String, BurstOutcome> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        context.setCurrentStreamTimeMs(0);
        BurstCounter counter = counter(spec, context);
        for (TestEvents event : arrival) {
            feed(context, counter, event);
        }
        feed(context, counter, failedLogin("192.0.2.1", "zed", T0.plus(Duration.ofHours(2))));
        List<Alert> alerts = new ArrayList<>();
        for (var forwarded : context.forwarded()) {
            BurstOutcome outcome = (BurstOutcome) forwarded.record().value();
            assertThat(outcome).as("no event within the grace is late").isInstanceOf(BurstOutcome.Fired.class);
            alerts.add(((BurstOutcome.Fired) outcome).alert());
        }
        return alerts;
    }

    private static Map<String, Alert> lastPerId(List<Alert> alerts) {
        Map<String, Alert> last = new LinkedHashMap<>();
        alerts.forEach(alert -> last.put(alert.alertId(), alert.toBuilder().detectedAt(null).build()));
        return new TreeMap<>(last);
    }

    private static void feed(MockProcessorContext<String, BurstOutcome> context, BurstCounter counter,
                             TestEvents event) {
        CloudTrailEvent parsed = ((ParseResult.Parsed) PARSER.parse(event.bytes())).event();
        Record<String, CloudTrailEvent> record = new Record<>(parsed.sourceIpAddress(), parsed, parsed.eventTime());
        record.headers().add(OriginStamp.HEADER, "0".getBytes(StandardCharsets.UTF_8));
        context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), record.timestamp()));
        counter.process(record);
    }

    private static Instant time(TestEvents event) {
        return Instant.parse(event.json().get("eventTime").asText());
    }

    /** A burst per source IP of failed logins, worded with everything a tally holds so that all of it is compared. */
    private static BurstSpec spec(int minEvents, int minDistinct, List<String> order) {
        return new BurstSpec("test-burst", "by-ip", WINDOW, GRACE, minEvents, minDistinct,
                CloudTrailEvent::sourceIpAddress, ConsoleLogins::target, WORDING, order);
    }

    private static final BurstSpec.Wording WORDING = tally -> new Alerts.Finding("test-burst",
            "burst from " + tally.entity(),
            tally.count() + " from " + tally.entity() + " in [" + tally.start() + ", " + tally.end() + ")",
            tally.tokens().size() > 5 ? Severity.HIGH : Severity.MEDIUM, List.of(), "runbook",
            Map.of("tokens", tally.tokens()));

    private static BurstCounter counter(BurstSpec spec, MockProcessorContext<String, BurstOutcome> context) {
        MockBurstStores.add(context, spec.name());
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        BurstCounter counter = new BurstCounter(spec,
                new DetectionKit(new SeverityFilter(Severity.LOW, metrics), metrics, FlushSignal.never()));
        counter.init(context);
        return counter;
    }
}
