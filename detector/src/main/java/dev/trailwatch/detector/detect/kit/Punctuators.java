package dev.trailwatch.detector.detect.kit;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.Cancellable;

/**
 * The punctuators a processor's {@code init} scheduled. Kafka Streams keeps a task's punctuators when it revives the
 * task after an exactly-once abort and calls {@code init} again on the same processor objects: without cancelling
 * them (in {@code close}, which it calls first, and again in {@code init} should it not), each revive would add one
 * more of each.
 */
public final class Punctuators {

    private final List<Cancellable> scheduled = new ArrayList<>();

    /** Cancels what an earlier {@code init} scheduled and keeps these. */
    public void replace(Cancellable... now) {
        cancel();
        scheduled.addAll(List.of(now));
    }

    public void cancel() {
        scheduled.forEach(Cancellable::cancel);
        scheduled.clear();
    }
}
