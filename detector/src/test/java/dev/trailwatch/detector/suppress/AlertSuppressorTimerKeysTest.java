package dev.trailwatch.detector.suppress;

import static dev.trailwatch.detector.suppress.SuppressorTask.ACCOUNT;
import static dev.trailwatch.detector.suppress.SuppressorTask.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.detect.kit.TimerIndex;
import dev.trailwatch.detector.detect.kit.UnreadableTimers;
import dev.trailwatch.detector.model.Alert;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * Timer keys a suppression's expiry store holds that are not {@code <19-digit time>|<key>} (a store written by another
 * version, or damaged), as a task restored from its changelog finds them. Taken when due, such a key was cut at the
 * padded width (a short one threw from the punctuator, stopping the task); now each is deleted at start, counted,
 * and the window it named is timed again from its state: an open window still closes with its update, a closed one
 * is still forgotten.
 */
class AlertSuppressorTimerKeysTest {

    private static final String RULE = "root-account-used";
    private static final SuppressionStores STORES = SuppressionStores.forDetector("watchlist");

    private final SuppressorTask task = new SuppressorTask(STORES);
    private final MockProcessorContext<String, Alert> context = task.context;

    @Test
    void unreadableTimerKeysAreDroppedAtStartAndTheirWindowsTimedAgainFromTheirState() {
        AlertSuppressor before = task.suppressor(null);
        before.init(context);
        task.feed(before, match("admin", "a0", T0)); // window [10:00, 11:00): closes at 11:15, forgotten at 11:30
        task.feed(before, match("root", "r0", T0.plus(Duration.ofHours(1)))); // [11:00, 12:00): closes at 12:15
        task.feed(before, match("bob", "b0", T0.plus(Duration.ofMinutes(76)))); // 11:16: admin's window closes
        KeyValueStore<String, String> expiry = context.getStateStore(STORES.byExpiry());
        Map<String, Long> timers = timers(expiry);
        String admin = key("admin", T0);
        String root = key("root", T0.plus(Duration.ofHours(1)));
        assertThat(timers).containsEntry(admin, at(T0.plus(Duration.ofMinutes(90))))
                .containsEntry(root, at(T0.plus(Duration.ofMinutes(135))));
        // The task restarts from a store whose timer keys for admin and root cannot be read, and one naming nothing.
        for (KeyValue<String, String> entry : all(expiry)) {
            if (entry.value.equals(admin) || entry.value.equals(root)) {
                expiry.put(entry.key, null);
                expiry.put("!" + entry.key.substring(5), entry.value); // shorter than the padded width, '!' first
            }
        }
        expiry.put("x", "nobody");
        before.close();
        context.resetForwards();

        AlertSuppressor after = task.suppressor(null);
        after.init(context);

        assertThat(dropped()).isEqualTo(3);
        assertThat(timers(expiry)).as("each window's timer, from its state")
                .containsEntry(admin, at(T0.plus(Duration.ofMinutes(90))))
                .containsEntry(root, at(T0.plus(Duration.ofMinutes(135)))).hasSize(3);
        task.feed(after, match("root", "r1", T0.plus(Duration.ofMinutes(80))));
        task.feed(after, match("bob", "b1", T0.plus(Duration.ofMinutes(136)))); // 12:16: root's window closes
        assertThat(context.forwarded()).extracting(f -> f.record().value())
                .filteredOn(alert -> alert.principal().equals("root")).singleElement()
                .satisfies(update -> assertThat(update.eventIds()).containsExactly("r0", "r1"));
        KeyValueStore<String, SuppressionState> open = context.getStateStore(STORES.open());
        assertThat(open.get(admin)).as("admin's closed window, forgotten at 11:30").isNull();
    }

    private static String key(String user, Instant windowStart) {
        return RULE + '|' + ACCOUNT + '|' + user + '|' + windowStart.toEpochMilli();
    }

    private static long at(Instant time) {
        return time.toEpochMilli();
    }

    private double dropped() {
        Counter found = task.registry.find(UnreadableTimers.METRIC).tag("detection", STORES.open()).counter();
        return found == null ? 0 : found.count();
    }

    /** The timers stored, by the window they name: the window key and its time. */
    private static Map<String, Long> timers(KeyValueStore<String, String> expiry) {
        Map<String, Long> timers = new TreeMap<>();
        all(expiry).forEach(entry -> timers.put(entry.value, TimerIndex.timeOf(entry.key)));
        return timers;
    }

    private static List<KeyValue<String, String>> all(KeyValueStore<String, String> store) {
        List<KeyValue<String, String>> entries = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.all()) {
            it.forEachRemaining(entries::add);
        }
        return entries;
    }

    private static Alert match(String user, String eventId, Instant time) {
        return SuppressorTask.match(RULE, user, eventId, time);
    }
}
