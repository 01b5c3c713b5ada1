package dev.trailwatch.detector.detect;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells time-holding processors that the input has ended (`trailwatch scan`): each emits what it would emit once
 * event time moved past every open window, exactly as a live detector eventually would, then forgets it.
 *
 * <p>In a live detector input never ends, so {@link #never()} is used and no processor schedules a check.
 */
public final class FlushSignal {

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
}
