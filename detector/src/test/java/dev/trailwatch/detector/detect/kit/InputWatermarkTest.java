package dev.trailwatch.detector.detect.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InputWatermarkTest {

    private static final long MINUTE = 60_000;
    private final InputWatermark watermark = new InputWatermark(Duration.ofMinutes(15), 3);

    @Test
    void aPartitionIsCompleteOneHorizonBeforeItsStreamTime() {
        watermark.observe(0, 100 * MINUTE);

        assertThat(watermark.completeUpTo(0)).isEqualTo(85 * MINUTE);
    }

    @Test
    void theInputIsCompleteOnlyUpToItsLeastPartitionAndNotAtAllWhileOneHasNotReported() {
        watermark.observe(0, 100 * MINUTE);
        watermark.observe(1, 50 * MINUTE);
        assertThat(watermark.completeUpTo()).isEqualTo(InputWatermark.NOTHING);

        watermark.reported(2, 70 * MINUTE, 55 * MINUTE);
        assertThat(watermark.completeUpTo()).isEqualTo(35 * MINUTE);
    }

    @Test
    void aPartitionReadToItsEndIsCompleteUpToTheLatestTimeProcessedBeforeTheLookMinusTheHorizon() {
        watermark.observe(0, 100 * MINUTE);
        watermark.observe(1, 90 * MINUTE);
        long before = watermark.latest();
        watermark.caughtUp(2, before);

        assertThat(watermark.completeUpTo(2)).isEqualTo(85 * MINUTE);
        assertThat(watermark.completeUpTo()).isEqualTo(75 * MINUTE);
    }

    @Test
    void aDecisionARecordOneHorizonLaterCouldChangeGoesOnlyOnceTheInputIsCompletePastThatRecord() {
        InputWatermark one = new InputWatermark(Duration.ofMinutes(15), 1);
        assertThat(one.releasedUpTo()).isEqualTo(InputWatermark.NOTHING);

        one.observe(0, 100 * MINUTE); // complete up to 85 min: a record at exactly 85 min may still come
        assertThat(one.completeUpTo()).isEqualTo(85 * MINUTE);
        assertThat(one.releasedUpTo()).as("an event at 70 min waits for that record; one a millisecond earlier goes")
                .isEqualTo(70 * MINUTE - 1);

        one.observe(0, 100 * MINUTE + 1);
        assertThat(one.releasedUpTo()).isEqualTo(70 * MINUTE);
    }

    @Test
    void withoutAHorizonADecisionGoesOnceTheInputIsCompleteUpToItsTime() {
        InputWatermark none = InputWatermark.singlePartition(Duration.ZERO);
        assertThat(none.releasedUpTo()).isEqualTo(InputWatermark.NOTHING);

        none.observe(0, 100 * MINUTE);

        assertThat(none.releasedUpTo()).isEqualTo(100 * MINUTE);
    }

    @Test
    void aDecisionWaitsForTheLeastPartition() {
        watermark.observe(0, 100 * MINUTE);
        watermark.observe(1, 60 * MINUTE);
        assertThat(watermark.releasedUpTo()).as("partition 2 not heard from").isEqualTo(InputWatermark.NOTHING);

        watermark.observe(2, 80 * MINUTE);

        assertThat(watermark.releasedUpTo()).isEqualTo(30 * MINUTE - 1);
    }

    @Test
    void completenessNeverMovesBack() {
        watermark.observe(0, 100 * MINUTE);
        watermark.observe(0, 60 * MINUTE);
        watermark.reported(0, 40 * MINUTE, 20 * MINUTE);

        assertThat(watermark.completeUpTo(0)).isEqualTo(85 * MINUTE);
        assertThat(watermark.streamTime(0)).isEqualTo(100 * MINUTE);
    }

    @Test
    void aPartitionBeyondTheKnownCountHoldsTheInputUntilItReports() {
        InputWatermark one = InputWatermark.singlePartition(Duration.ZERO);
        one.observe(0, 10 * MINUTE);
        one.observe(3, 20 * MINUTE);

        assertThat(one.completeUpTo()).isEqualTo(InputWatermark.NOTHING);
    }

    @Test
    void aRewoundPartitionIsCompleteOnlyUpToItsCommittedProgressAndHoldsTheInputWithoutAny() {
        watermark.observe(0, 100 * MINUTE);
        watermark.observe(1, 300 * MINUTE);
        watermark.observe(2, 200 * MINUTE);

        watermark.rewind(1, 120 * MINUTE, 105 * MINUTE);
        assertThat(watermark.completeUpTo(1)).isEqualTo(105 * MINUTE);
        assertThat(watermark.streamTime(1)).isEqualTo(120 * MINUTE);
        assertThat(watermark.latest()).as("the rolled-back stream time is no longer the latest").isEqualTo(200 * MINUTE);

        watermark.rewind(0, InputWatermark.NOTHING, InputWatermark.NOTHING);
        assertThat(watermark.completeUpTo()).isEqualTo(InputWatermark.NOTHING);
        watermark.reported(0, 90 * MINUTE, 75 * MINUTE);
        assertThat(watermark.completeUpTo()).isEqualTo(75 * MINUTE);
    }
}
