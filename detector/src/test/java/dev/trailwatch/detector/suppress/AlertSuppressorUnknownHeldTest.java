package dev.trailwatch.detector.suppress;

import static dev.trailwatch.detector.suppress.SuppressorTask.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.model.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    private static final SuppressionStores STORES = SuppressionStores.forDetector("unknown-held-test");

    @Test
    void closesNoWindowAndWarnsOnceUntilItsDetectorSaysWhatItHolds() {
        SuppressorTask task = new SuppressorTask(STORES);
        HeldBack held = new HeldBack();
        AlertSuppressor suppressor = task.suppressor(held);
        List<LogEvent> warnings;
        try (Captured log = Captured.warnings(AlertSuppressor.class)) {
            suppressor.init(task.context);
            task.punctuate(T0.minus(Duration.ofHours(1)));
            assertThat(log.events()).as("no matches yet: nothing to warn of").isEmpty();

            task.feed(suppressor, match("e0", T0));
            task.feed(suppressor, match("e1", T0.plus(Duration.ofMinutes(10))));
            // Hours on: with the detector's word that it holds nothing, the window [10:00, 11:00) would close here
            // and be forgotten (the input is complete to 14:45, released to 14:29:59.999).
            task.feed(suppressor, match("e9", T0.plus(Duration.ofHours(5)), "someone-else"));
            task.punctuate(T0.plus(Duration.ofHours(5)).plusSeconds(90));
            // still one of the window's matches, arriving late: it must fold in, not open the window again
            task.feed(suppressor, match("e2", T0.plus(Duration.ofMinutes(20))));
            task.punctuate(T0.plus(Duration.ofHours(6)));

            List<Alert> sent = task.sent();
            assertThat(sent).extracting(Alert::eventIds)
                    .as("each window's first match at once, and no update: no window closed")
                    .containsExactly(List.of("e0"), List.of("e9"));
            String windowId = sent.get(0).alertId();

            held.holding(task.context.taskId(), HeldBack.NONE);
            task.punctuate(T0.plus(Duration.ofHours(7)));

            List<Alert> closed = task.sent();
            assertThat(closed).filteredOn(alert -> alert.alertId().equals(windowId)).singleElement()
                    .as("the window's update once the detector spoke: everything folded while it waited")
                    .satisfies(update -> {
                        assertThat(update.eventIds()).containsExactly("e0", "e1", "e2");
                        assertThat(update.eventCount()).isEqualTo(3);
                    });
            warnings = log.events();
        }
        assertThat(warnings).singleElement().satisfies(warning -> assertThat(warning.getMessage().getFormattedMessage())
                .contains(STORES.open(), "task " + task.context.taskId(), "no word from its detector")
                .contains("its windows stay open"));
    }

    private static Alert match(String eventId, Instant time) {
        return match(eventId, time, "arn:aws:sts::999988887777:assumed-role/deployer/deploy");
    }

    private static Alert match(String eventId, Instant time, String principal) {
        return SuppressorTask.match("foreign-account", principal, eventId, time);
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
