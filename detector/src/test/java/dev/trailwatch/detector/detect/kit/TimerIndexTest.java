package dev.trailwatch.detector.detect.kit;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Timers and seen ids: each due timer once, in time order, whatever order they were set in and across a restart. */
class TimerIndexTest {

    private KeyValueStore<String, String> store;

    @BeforeEach
    void store() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("timers"), Serdes.String(), Serdes.String())
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
    }

    @Test
    void takesEachDueTimerOnceInTimeOrder() {
        TimerIndex index = new TimerIndex(store);
        index.schedule(3_000, "c");
        index.schedule(1_000, "a");
        index.schedule(2_000, "b");

        assertThat(index.takeDueBefore(2_001)).containsExactly("a", "b");
        assertThat(index.takeDueBefore(2_001)).isEmpty();
        assertThat(index.takeDueBefore(10_000)).containsExactly("c");
    }

    @Test
    void aTimerSetBeforeTheLastTakenTimeIsStillTaken() {
        TimerIndex index = new TimerIndex(store);
        index.schedule(5_000, "later");
        assertThat(index.takeDueBefore(6_000)).containsExactly("later");

        // A late event's window closes before the point the index last took timers up to.
        index.schedule(1_000, "earlier");
        assertThat(index.takeDueBefore(6_000)).containsExactly("earlier");
        assertThat(index.takeDueBefore(7_000)).isEmpty();
    }

    @Test
    void aCancelledTimerIsNotTaken() {
        TimerIndex index = new TimerIndex(store);
        index.schedule(1_000, "a");
        index.schedule(1_500, "b");
        index.cancel(1_000, "a");

        assertThat(index.takeDueBefore(2_000)).containsExactly("b");
    }

    @Test
    void timersLeftBeforeARestartAreTakenAfterIt() {
        TimerIndex before = new TimerIndex(store);
        before.schedule(1_000, "a");
        before.schedule(9_000, "b");
        assertThat(before.takeDueBefore(2_000)).containsExactly("a");

        TimerIndex after = new TimerIndex(store);
        assertThat(after.takeDueBefore(10_000)).containsExactly("b");
    }

    @Test
    void remembersSeenIdsUntilForgotten() {
        TimerIndex index = new TimerIndex(store);
        assertThat(index.firstSighting("e1", 1_000)).isTrue();
        assertThat(index.firstSighting("e1", 1_000)).isFalse();
        assertThat(index.firstSighting("e2", 5_000)).isTrue();

        index.forgetSeenBefore(2_000);
        assertThat(index.firstSighting("e2", 5_000)).isFalse();
        assertThat(index.firstSighting("e1", 1_000)).isTrue();

        // e1 came back with a time before the point ids were forgotten up to: the next call forgets it again.
        index.forgetSeenBefore(2_000);
        assertThat(index.firstSighting("e1", 1_000)).isTrue();
    }

    @Test
    void seenIdsAndTimersDoNotMix() {
        TimerIndex index = new TimerIndex(store);
        index.firstSighting("e1", 1_000);
        index.schedule(1_000, "k");

        assertThat(index.takeDueBefore(Long.MAX_VALUE)).containsExactly("k");
        assertThat(index.firstSighting("e1", 1_000)).isFalse();
    }
}
