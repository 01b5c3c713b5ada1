package dev.trailwatch.detector.detect.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The input task's share of the reorder-horizon watermark: what it observed since its last commit goes when that work
 * is rolled back (Kafka Streams revives the task after an exactly-once abort by calling {@code init} again on the same
 * processor, then reads the records since the commit once more) or leaves the instance.
 */
class InputProgressProcessorTest {

    private static final String APP = "trailwatch-test";
    private static final long MINUTE = 60_000;

    private final InputWatermark watermark = new InputWatermark(Duration.ofMinutes(15), 1);
    private final MockProcessorContext<String, InputProgress> context = new MockProcessorContext<>();
    private final InputProgressProcessor<String> processor = new InputProgressProcessor<>(APP, watermark);
    /** The global store of the progress topic: what was committed. */
    private final KeyValueStore<String, InputProgress> progressTopic = ProgressUpdater.store().build();

    InputProgressProcessorTest() {
        progressTopic.init(context.getStateStoreContext(), progressTopic);
        context.addStateStore(progressTopic);
    }

    @Test
    void aRevivedOrLeavingTaskFallsBackToItsCommittedProgress() {
        committed(new InputProgress(50 * MINUTE, 35 * MINUTE));
        processor.init(context);
        assertThat(watermark.completeUpTo(0)).as("a restart starts from the committed progress").isEqualTo(35 * MINUTE);

        context.setCurrentStreamTimeMs(500 * MINUTE);
        wallClockTick();
        assertThat(watermark.completeUpTo(0)).isEqualTo(485 * MINUTE);

        processor.init(context);
        assertThat(watermark.completeUpTo(0)).as("the aborted records' progress went with them").isEqualTo(35 * MINUTE);
        assertThat(watermark.latest()).isEqualTo(50 * MINUTE);

        context.setCurrentStreamTimeMs(700 * MINUTE);
        wallClockTick();
        processor.close();
        assertThat(watermark.completeUpTo(0)).as("a task leaving keeps only what it committed").isEqualTo(35 * MINUTE);
    }

    @Test
    void aTaskWithNothingCommittedYetKnowsNothingOfItsPartition() {
        processor.init(context);

        assertThat(watermark.completeUpTo(0)).isEqualTo(InputWatermark.NOTHING);
    }

    private void committed(InputProgress progress) {
        progressTopic.put(InputProgress.key(APP, 0), progress);
    }

    private void wallClockTick() {
        context.scheduledPunctuators().stream().filter(p -> p.getType() == PunctuationType.WALL_CLOCK_TIME)
                .forEach(p -> p.getPunctuator().punctuate(System.currentTimeMillis()));
    }
}
