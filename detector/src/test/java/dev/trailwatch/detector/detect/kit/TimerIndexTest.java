package dev.trailwatch.detector.detect.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
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

    /** A timer set twice (a key rescheduled to a time it already had) or cancelled when unset writes nothing more. */
    @Test
    @SuppressWarnings("unchecked")
    void writesATimerOnceAndCancelsOnlyWhatIsSet() {
        List<String> written = new ArrayList<>();
        TimerIndex index = new TimerIndex((KeyValueStore<String, String>) java.lang.reflect.Proxy.newProxyInstance(
                KeyValueStore.class.getClassLoader(), new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("put")) {
                        written.add((String) args[0]);
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
        index.schedule(1_000, "a");
        index.schedule(1_000, "a");
        index.cancel(2_000, "a");

        assertThat(written).containsExactly("0000000000000001000|a");
        assertThat(index.takeDueBefore(5_000)).containsExactly("a");
    }

    @Test
    void staysExactWhenMoreTimersAreSetThanItsMirrorHolds() {
        TimerIndex index = new TimerIndex(store, TimerIndex.MIRROR_IDS, 2);
        index.schedule(4_000, "d");
        index.schedule(1_000, "a");
        assertThat(index.takeDueBefore(1_500)).containsExactly("a");
        index.schedule(3_000, "c");
        index.schedule(2_000, "b");
        index.schedule(5_000, "e");
        index.cancel(3_000, "c");

        assertThat(index.takeDueBefore(4_500)).containsExactly("b", "d");
        assertThat(new TimerIndex(store, TimerIndex.MIRROR_IDS, 2).takeDueBefore(Long.MAX_VALUE))
                .containsExactly("e");
    }

    @Test
    void theEarliestTimerComesFromTheMirrorOrFromTheStoreWhenTooManyToMirror() {
        for (int mirrored : new int[] {TimerIndex.MIRROR_TIMERS, 2}) {
            store();
            TimerIndex index = new TimerIndex(store, TimerIndex.MIRROR_IDS, mirrored);
            assertThat(index.earliest()).as("none set, mirror of %d", mirrored).isEqualTo(Long.MAX_VALUE);
            index.schedule(4_000, "d");
            index.schedule(2_000, "b");
            index.schedule(3_000, "c");
            index.firstSighting("event-1", 1_000);
            assertThat(index.earliest()).as("mirror of %d", mirrored).isEqualTo(2_000);
            index.takeDueBefore(2_500);
            index.cancel(3_000, "c");
            assertThat(index.earliest()).as("mirror of %d", mirrored).isEqualTo(4_000);
            assertThat(new TimerIndex(store, TimerIndex.MIRROR_IDS, mirrored).earliest())
                    .as("after a restart, mirror of %d", mirrored).isEqualTo(4_000);
        }
    }

    @Test
    void keysThatAreNotTimersAreDroppedWhenTheStoreIsFirstReadAndHandedOverOnce() {
        store.put("12|short", "short"); // not zero-padded: cut at the padded width, it was past its end
        store.put("!", "nobody");
        store.put("99999999999999999999|big", "big"); // beyond a long
        store.put("0000000000000001000|a", "a");
        TimerIndex index = new TimerIndex(store);
        index.originTime(TimerIndex.originKey("0"), 5);

        assertThat(index.takeUnreadable()).extracting(entry -> entry.key)
                .containsExactlyInAnyOrder("12|short", "!", "99999999999999999999|big");
        assertThat(index.takeUnreadable()).isEmpty();
        assertThat(keys()).containsExactly("0000000000000001000|a", "~origin|0");
        assertThat(index.earliest()).isEqualTo(1_000);
        assertThat(index.takeDueBefore(Long.MAX_VALUE)).containsExactly("a");
    }

    @Test
    void originTimesThatAreNotNumbersAreDroppedLikeUnreadableTimers() {
        store.put("~origin|events-0", "1700000000000");
        store.put("~origin|events-1", "soon");
        TimerIndex index = new TimerIndex(store);

        assertThat(index.originTimes()).containsExactly(Map.entry("events-0", 1_700_000_000_000L));
        assertThat(index.takeUnreadable()).extracting(entry -> entry.key).containsExactly("~origin|events-1");
        assertThat(keys()).containsExactly("~origin|events-0");
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

    @Test
    void originTimesOutliveTimersAndSeenIdsAndComeBackInANewIndex() {
        TimerIndex index = new TimerIndex(store);
        index.schedule(1_000, "k");
        index.firstSighting("e1", 1_000);
        index.originTime(TimerIndex.originKey("cloudtrail.events-0"), 7_000);
        index.originTime(TimerIndex.originKey("cloudtrail.events-0"), 9_000);
        index.originTime(TimerIndex.originKey("cloudtrail.events-3"), 4_000);

        assertThat(index.takeDueBefore(Long.MAX_VALUE)).containsExactly("k");
        index.forgetSeenBefore(Long.MAX_VALUE);
        assertThat(keys()).containsExactly("~origin|cloudtrail.events-0", "~origin|cloudtrail.events-3");

        // A re-initialised task (a revive, or the task on another thread or instance) reads them from the store.
        assertThat(new TimerIndex(store).originTimes())
                .containsExactlyInAnyOrderEntriesOf(Map.of("cloudtrail.events-0", 9_000L, "cloudtrail.events-3", 4_000L));
    }

    @Test
    void keysKeepTheFormatStoresWrittenByEarlierVersionsHold() {
        TimerIndex index = new TimerIndex(store);
        index.schedule(1_000, "a");
        index.schedule(12_345_678_901_234L, "b");
        index.schedule(-5, "before-epoch");
        index.firstSighting("e1", 1_000);

        assertThat(keys()).containsExactly("0000000000000000000|before-epoch", "0000000000000001000|a",
                "0000012345678901234|b", "~seen|0000000000000001000|e1");
    }

    @Test
    void anIndexBuiltOnAStoreWithIdsKnowsThemAndForgetsThem() {
        TimerIndex before = new TimerIndex(store);
        before.firstSighting("e1", 1_000);
        before.firstSighting("e2", 5_000);

        // A re-initialised task builds a new index on the committed store.
        TimerIndex after = new TimerIndex(store);
        assertThat(after.firstSighting("e1", 1_000)).isFalse();
        assertThat(after.firstSighting("e2", 5_000)).isFalse();
        assertThat(after.firstSighting("e3", 5_000)).isTrue();

        after.forgetSeenBefore(2_000);
        assertThat(keys()).containsExactly("~seen|0000000000000005000|e2", "~seen|0000000000000005000|e3");
        assertThat(after.firstSighting("e1", 1_000)).isTrue();
        assertThat(after.firstSighting("e3", 5_000)).isFalse();
    }

    @Test
    void staysExactWhenMoreIdsAreSeenThanItsMirrorHolds() {
        TimerIndex index = new TimerIndex(store, 2, TimerIndex.MIRROR_TIMERS);
        for (int i = 0; i < 5; i++) {
            assertThat(index.firstSighting("e" + i, 1_000L * i)).as("e%d", i).isTrue();
        }
        for (int i = 0; i < 5; i++) {
            assertThat(index.firstSighting("e" + i, 1_000L * i)).as("copy of e%d", i).isFalse();
        }

        // Once the ids that did not fit are forgotten, the mirror holds every id again and new ones still count once.
        index.forgetSeenBefore(3_500);
        assertThat(index.firstSighting("e4", 4_000)).isFalse();
        assertThat(index.firstSighting("e5", 5_000)).isTrue();
        assertThat(index.firstSighting("e5", 5_000)).isFalse();
        assertThat(index.firstSighting("e2", 2_000)).isTrue();
        assertThat(keys()).containsExactly("~seen|0000000000000002000|e2", "~seen|0000000000000004000|e4",
                "~seen|0000000000000005000|e5");
    }

    private List<String> keys() {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.all()) {
            it.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }
}
