package dev.trailwatch.detector.suppress;

import static dev.trailwatch.detector.suppress.SuppressorTask.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.CommittedStores;
import dev.trailwatch.detector.model.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What an exactly-once abort does to a stream task, and what suppression must survive: Kafka Streams closes the task
 * dirty (its output since the last commit aborted, its stores restored from the committed changelog) and revives it,
 * calling {@code init} again on the SAME processor object, which then reads the records after the last commit once
 * more. Event time the aborted records taught must not survive into that replay: kept, it closed and forgot a window
 * before its own replayed repeat arrived, and the repeat reopened the alert with itself alone.
 */
class AlertSuppressorReviveTest {

    private static final String RULE = "root-account-used";
    private static final SuppressionStores STORES = SuppressionStores.forDetector("revive-test");

    /** Committed before the abort: the first match, which goes out at once. */
    private static final List<Alert> BEFORE = List.of(match("root", "e0", T0));

    /** Read after the last commit: another principal's match, a repeat of the first, then one hours later. */
    private static final List<Alert> AFTER_COMMIT = List.of(match("admin", "e1", T0.plus(Duration.ofMinutes(2))),
            match("root", "e2", T0.plus(Duration.ofMinutes(10))), match("admin", "e3", T0.plus(Duration.ofHours(5))));

    /** Later still: every window has closed. */
    private static final List<Alert> AFTER = List.of(match("admin", "e4", T0.plus(Duration.ofHours(9))));

    @Test
    void aRevivedSuppressorSendsTheAlertsOfAnUninterruptedRun() {
        Map<String, Alert> uninterrupted = run(false);
        assertThat(uninterrupted.values()).filteredOn(a -> a.principal().equals("root")).singleElement()
                .satisfies(root -> assertThat(root.eventIds()).containsExactly("e0", "e2"));

        assertThat(run(true)).isEqualTo(uninterrupted);
    }

    /**
     * Feeds BEFORE, commits, feeds the records after the commit; with {@code abort}, then aborts as Kafka Streams does
     * (output since the commit dropped, stores back to the commit, {@code init} again on the same object) and feeds
     * them again; then AFTER. Returns the committed output: the last version of each alert id.
     */
    private static Map<String, Alert> run(boolean abort) {
        SuppressorTask task = new SuppressorTask(STORES);
        AlertSuppressor suppressor = task.suppressor(null);
        suppressor.init(task.context);
        List<Alert> committed = new ArrayList<>();

        BEFORE.forEach(match -> task.feed(suppressor, match));
        CommittedStores committedStores = CommittedStores.at(task.context,
                List.of(STORES.open(), STORES.byExpiry()));
        long committedStreamTime = task.context.currentStreamTimeMs();
        committed.addAll(task.sent());

        AFTER_COMMIT.forEach(match -> task.feed(suppressor, match));
        if (abort) {
            task.context.resetForwards();
            committedStores.restore(task.context);
            task.context.setCurrentStreamTimeMs(committedStreamTime);
            suppressor.init(task.context);
            AFTER_COMMIT.forEach(match -> task.feed(suppressor, match));
        }
        AFTER.forEach(match -> task.feed(suppressor, match));
        committed.addAll(task.sent());

        Map<String, Alert> last = new TreeMap<>();
        committed.forEach(alert -> last.put(alert.alertId(), alert.toBuilder().detectedAt(null).build()));
        return last;
    }

    private static Alert match(String user, String eventId, Instant time) {
        return SuppressorTask.match(RULE, user, eventId, time);
    }
}
