package dev.trailwatch.detector.suppress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.detect.kit.SeverityFilter;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.serde.JacksonSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

/**
 * Held suppression in a task whose detector has not said yet what it still holds ({@code HeldBack} has nothing for
 * the task): it cannot tell which windows a match still waiting there falls in, so it closes none, however far the
 * watermark has moved, and says so once. Once the detector speaks, the windows close with everything folded meanwhile.
 * In the topology the detector speaks in its {@code init}, before any punctuation of its task; a suppressor left
 * waiting means the two ended up in different tasks.
 */
class AlertSuppressorUnknownHeldTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final SuppressionStores STORES = SuppressionStores.forDetector("unknown-held-test");

    @Test
    void closesNoWindowAndWarnsOnceUntilItsDetectorSaysWhatItHolds() {
        MockProcessorContext<String, Alert> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        context.setCurrentStreamTimeMs(0);
        addStore(context, STORES.open(), JacksonSerde.smile(SuppressionState.class));
        addStore(context, STORES.byExpiry(), Serdes.String());
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        HeldBack held = new HeldBack();
        AlertSuppressor suppressor = new AlertSuppressor(STORES, Duration.ofHours(1), held,
                new DetectionKit(new SeverityFilter(Severity.LOW, metrics), metrics, FlushSignal.never(),
                        Duration.ofHours(1), InputWatermark.singlePartition(Duration.ofMinutes(15))));
        List<LogEvent> warnings;
        try (Captured log = Captured.warnings(AlertSuppressor.class)) {
            suppressor.init(context);
            punctuate(context, T0.minus(Duration.ofHours(1)));
            assertThat(log.events()).as("no matches yet: nothing to warn of").isEmpty();

            feed(context, suppressor, match("e0", T0));
            feed(context, suppressor, match("e1", T0.plus(Duration.ofMinutes(10))));
            // Hours on: with the detector's word that it holds nothing, the window [10:00, 11:00) would close here
            // and be forgotten (the input is complete to 14:45, released to 14:29:59.999).
            feed(context, suppressor, match("e9", T0.plus(Duration.ofHours(5)), "someone-else"));
            punctuate(context, T0.plus(Duration.ofHours(5)).plusSeconds(90));
            // still one of the window's matches, arriving late: it must fold in, not open the window again
            feed(context, suppressor, match("e2", T0.plus(Duration.ofMinutes(20))));
            punctuate(context, T0.plus(Duration.ofHours(6)));

            List<Alert> sent = sent(context);
            assertThat(sent).extracting(Alert::eventIds)
                    .as("each window's first match at once, and no update: no window closed")
                    .containsExactly(List.of("e0"), List.of("e9"));
            String windowId = sent.get(0).alertId();

            held.holding(context.taskId(), HeldBack.NONE);
            punctuate(context, T0.plus(Duration.ofHours(7)));

            List<Alert> closed = sent(context);
            assertThat(closed).filteredOn(alert -> alert.alertId().equals(windowId)).singleElement()
                    .as("the window's update once the detector spoke: everything folded while it waited")
                    .satisfies(update -> {
                        assertThat(update.eventIds()).containsExactly("e0", "e1", "e2");
                        assertThat(update.eventCount()).isEqualTo(3);
                    });
            warnings = log.events();
        }
        assertThat(warnings).singleElement().satisfies(warning -> assertThat(warning.getMessage().getFormattedMessage())
                .contains(STORES.open(), "task " + context.taskId(), "no word from its detector")
                .contains("its windows stay open"));
    }

    private static Alert match(String eventId, Instant time) {
        return match(eventId, time, "arn:aws:sts::999988887777:assumed-role/deployer/deploy");
    }

    private static Alert match(String eventId, Instant time, String principal) {
        return Alert.builder().ruleId("foreign-account").title("Foreign principal")
                .description("a principal of another account acted").severity(Severity.HIGH)
                .accountId("111122223333").principal(principal).eventIds(List.of(eventId)).eventCount(1)
                .firstEventTime(time).lastEventTime(time).mitre(List.of("T1199")).runbook("look")
                .evidence(Map.of()).build();
    }

    /** As a stream task does: stream time is the highest timestamp read, and its punctuators run once it moved. */
    private static void feed(MockProcessorContext<String, Alert> context, AlertSuppressor suppressor, Alert match) {
        long time = match.firstEventTime().toEpochMilli();
        context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), time));
        suppressor.process(new Record<>(match.accountId(), match, time));
        punctuate(context, Instant.ofEpochMilli(context.currentStreamTimeMs()));
    }

    private static void punctuate(MockProcessorContext<String, Alert> context, Instant streamTime) {
        context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), streamTime.toEpochMilli()));
        context.scheduledPunctuators().stream().filter(p -> p.getType() == PunctuationType.STREAM_TIME)
                .forEach(p -> p.getPunctuator().punctuate(context.currentStreamTimeMs()));
    }

    /** What was forwarded since the last call. */
    private static List<Alert> sent(MockProcessorContext<String, Alert> context) {
        List<Alert> sent = context.forwarded().stream().<Alert>map(f -> f.record().value()).toList();
        context.resetForwards();
        return sent;
    }

    private static <V> void addStore(MockProcessorContext<String, Alert> context, String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), values).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }

    /**
     * The WARN (and worse) events one class logs while open: an appender added to that class's logger in the running
     * Log4j 2 configuration (log4j-core's own ListAppender is in log4j-core-test, which the build does not have).
     */
    private static final class Captured implements AutoCloseable {

        private final List<LogEvent> events = new CopyOnWriteArrayList<>();
        private final Logger logger;
        private final AbstractAppender appender;

        private Captured(Class<?> type) {
            logger = LoggerContext.getContext(false).getLogger(type.getName());
            appender = new AbstractAppender("captured-" + type.getSimpleName(), null, null, true,
                    Property.EMPTY_ARRAY) {
                @Override
                public void append(LogEvent event) {
                    if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
                        events.add(event.toImmutable());
                    }
                }
            };
            appender.start();
            logger.addAppender(appender);
        }

        static Captured warnings(Class<?> type) {
            return new Captured(type);
        }

        List<LogEvent> events() {
            return List.copyOf(events);
        }

        @Override
        public void close() {
            logger.removeAppender(appender);
            appender.stop();
        }
    }
}
