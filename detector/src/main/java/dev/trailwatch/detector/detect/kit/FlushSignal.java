package dev.trailwatch.detector.detect.kit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * Tells time-holding processors that the input has ended (`trailwatch scan`): each emits what it would emit once
 * event time moved past every open window, exactly as a live detector eventually would, then forgets it.
 *
 * <p>In a live detector input never ends, so {@link #never()} is used and no processor schedules a check.
 */
public final class FlushSignal {

    private static final Duration CHECK_EVERY = Duration.ofMillis(200);

    private final boolean enabled;
    private final AtomicLong generation = new AtomicLong();

    private FlushSignal(boolean enabled) {
        this.enabled = enabled;
    }

    public static FlushSignal never() {
        return new FlushSignal(false);
    }

    public static FlushSignal onRequest() {
        return new FlushSignal(true);
    }

    public boolean enabled() {
        return enabled;
    }

    /** Asks every processor to flush once more. */
    public void request() {
        generation.incrementAndGet();
    }

    /** Increases by one per {@link #request()}; a processor flushes when it sees a generation it has not seen. */
    public long generation() {
        return generation.get();
    }

    /**
     * Has {@code flushAll} run on the processor's own thread once per {@link #request()}: a wall-clock punctuator
     * polls the generation. Schedules nothing when the signal is {@link #never()}.
     *
     * @return what cancels the check (a processor's {@code close}: Kafka Streams keeps a task's punctuators when it
     *         revives the task, and {@code init} schedules them again)
     */
    public Cancellable onRequest(ProcessingContext context, Runnable flushAll) {
        if (!enabled) {
            return () -> { };
        }
        long[] flushed = {0};
        return context.schedule(CHECK_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> {
            long current = generation.get();
            if (current != flushed[0]) {
                flushed[0] = current;
                flushAll.run();
            }
        });
    }
}
