package dev.trailwatch.detector.detect.kit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.ToIntFunction;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a detection does at task start with the timer keys its {@link TimerIndex} could not read and deleted
 * ({@link TimerIndex#takeUnreadable}): counts each in {@value #METRIC} (tagged with the detection), logs a WARN naming
 * the key and the task, and times the key it named again from the detection's own state, so that nothing it held
 * waits for the end of input or the wall-clock bound instead of its time.
 *
 * <p>Under exactly-once, a task that fails before its first commit after such a start restores the store with the
 * keys in it, and the next start drops and counts them again: the count may exceed the keys that were ever there.
 */
public final class UnreadableTimers {

    /** Timer keys a detection could not read and deleted at task start. */
    public static final String METRIC = "trailwatch.state.timers.dropped";
    private static final Logger LOG = LoggerFactory.getLogger(UnreadableTimers.class);

    private UnreadableTimers() {
    }

    /**
     * @param retime times a key named by a dropped timer (its value) again from the detection's state, and says how
     *               many timers that set (none for a key the state no longer holds)
     * @return how many keys were dropped
     */
    public static int drop(TimerIndex index, String detection, TaskId task, MeterRegistry registry,
                           ToIntFunction<String> retime) {
        List<KeyValue<String, String>> dropped = index.takeUnreadable();
        if (dropped.isEmpty()) {
            return 0;
        }
        Counter counter = Counter.builder(METRIC)
                .description("Timer keys a detection could not read and deleted at task start (then re-timed from "
                        + "its state)")
                .tag("detection", detection).register(registry);
        for (KeyValue<String, String> entry : dropped) {
            counter.increment();
            int set = entry.value == null ? 0 : retime.applyAsInt(entry.value);
            LOG.warn("{}: deleted the timer key '{}' of task {}, which is not <time>|<key>; {} timer(s) of the key "
                    + "it named, '{}', set again from the detection's state", detection, entry.key, task, set,
                    entry.value);
        }
        return dropped.size();
    }
}
