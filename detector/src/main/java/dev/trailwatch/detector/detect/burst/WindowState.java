package dev.trailwatch.detector.detect.burst;

/** What a windowed processor keeps per key, as far as storing and expiring it goes. */
interface WindowState<S extends WindowState<S>> {

    /** Nothing left to remember: the key is deleted. */
    boolean isEmpty();

    /** When this key's expiry-index entry fires (stream time), {@code Long.MIN_VALUE} when it has none. */
    long dueAt();

    S withDueAt(long time);
}
