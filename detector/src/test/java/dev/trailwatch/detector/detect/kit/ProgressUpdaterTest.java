package dev.trailwatch.detector.detect.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * Every instance applies the progress topic on its global thread, whatever tasks it owns: an instance given only
 * repartitioned tasks (or none of the input's partitions) still learns how far the input is complete.
 */
class ProgressUpdaterTest {

    private static final String APP = "trailwatch-test";
    private static final long MINUTE = 60_000;

    private final InputWatermark watermark = new InputWatermark(Duration.ofMinutes(15), 2);
    private final Map<String, Long> learned = new HashMap<>();
    private final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
    private final KeyValueStore<String, InputProgress> store = ProgressUpdater.store().build();

    ProgressUpdaterTest() {
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }

    @Test
    void anInstanceOwningNoInputPartitionLearnsHowFarTheInputIsCompleteAndWhichAccountsWereSeen() {
        ProgressUpdater updater = updater();
        updater.process(new Record<>(InputProgress.accountKey(APP, "444455556666"), new InputProgress(7 * MINUTE,
                InputWatermark.NOTHING), 0));
        updater.process(new Record<>(InputProgress.key(APP, 0), new InputProgress(100 * MINUTE, 85 * MINUTE), 0));
        assertThat(watermark.completeUpTo()).as("partition 1 not heard of yet").isEqualTo(InputWatermark.NOTHING);

        updater.process(new Record<>(InputProgress.key(APP, 1), new InputProgress(60 * MINUTE, 45 * MINUTE), 0));
        updater.process(new Record<>(InputProgress.key("another-app", 1), new InputProgress(0, 0), 0));

        assertThat(watermark.completeUpTo()).isEqualTo(45 * MINUTE);
        assertThat(learned).containsExactly(Map.entry("444455556666", 7 * MINUTE));
    }

    @Test
    void aRestartedInstanceAppliesWhatTheStoreHoldsBeforeAnyEvent() {
        store.put(InputProgress.key(APP, 0), new InputProgress(100 * MINUTE, 85 * MINUTE));
        store.put(InputProgress.key(APP, 1), new InputProgress(60 * MINUTE, 45 * MINUTE));

        updater();

        assertThat(watermark.completeUpTo()).isEqualTo(45 * MINUTE);
    }

    private ProgressUpdater updater() {
        ProgressUpdater updater = (ProgressUpdater) ProgressUpdater.supplier(APP, watermark, learned::put).get();
        updater.init(context);
        return updater;
    }
}
