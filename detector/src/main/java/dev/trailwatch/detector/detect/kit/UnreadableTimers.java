package dev.trailwatch.detector.detect.kit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a detection does at task start with the timer keys its {@link TimerIndex} could not read and deleted
 * ({@link TimerIndex#takeUnreadable}): counts each in {@value #METRIC} (tagged with the detection), logs a WARN naming
 * the key and the task, and times the key it named again from the detection's own state, so that nothing it held
 * waits for the end of input or the wall-clock bound instead of its time.
 */
public final class UnreadableTimers {

    /** Timer keys a detection could not read and deleted at task start. */
    public static final String METRIC = "trailwatch.state.timers.dropped";
    private static final Logger LOG = LoggerFactory.getLogger(UnreadableTimers.class);

    private UnreadableTimers() {
    }

    /**
     * @param retime times a key named by a dropped timer (its value) again from the detection's state; a key the
     *               state no longer holds needs nothing
     * @return how many keys were dropped
     */
    public static int drop(TimerIndex index, String detection, TaskId task, MeterRegistry registry,
                           Consumer<String> retime) {
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
            LOG.warn("{}: deleted the timer key '{}' of task {}, which is not <time>|<key>; its key '{}' is timed "
                    + "again from the detection's state", detection, entry.key, task, entry.value);
            if (entry.value != null) {
                retime.accept(entry.value);
            }
        }
        return dropped.size();
    }
}
