package dev.trailwatch.detector.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class DetectorStageTest {

    @Test
    void theTimelineEndsAtTheCountTheStageStopsAt() {
        // The detector commits its last 630 events while the 90% point's scrape runs: the count the bench stops at
        // (20,000) must be in the timeline, as the report's last point.
        Iterator<Long> commits = List.of(17_000L, 17_000L, 19_370L, 20_000L, 20_000L).iterator();
        List<Long> noted = new ArrayList<>();
        LongSupplier seen = DetectorStage.marking(commits::next, 2_000, noted::add);

        assertThat(seen.getAsLong()).isEqualTo(17_000);
        assertThat(seen.getAsLong()).isEqualTo(20_000);
        assertThat(noted).containsExactly(17_000L, 19_370L, 20_000L);
    }

    @Test
    void aPollThatCrossesSeveralMarksNotesItOnce() {
        Iterator<Long> commits = List.of(0L, 900L, 5_100L, 5_100L).iterator();
        List<Long> noted = new ArrayList<>();
        LongSupplier seen = DetectorStage.marking(commits::next, 1_000, noted::add);

        assertThat(seen.getAsLong()).isZero();
        assertThat(seen.getAsLong()).isEqualTo(900);
        assertThat(seen.getAsLong()).isEqualTo(5_100);
        assertThat(noted).containsExactly(5_100L);
    }
}
