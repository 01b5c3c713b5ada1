package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;

/**
 * What one key (a source IP, a user, a principal) holds between events: its windows that have events and have not
 * closed yet, by start. Window + grace of event time spans at most a few windows, so there are few.
 *
 * @param windows by start; each holds at least one event
 * @param dueAt   see {@link WindowState#dueAt()}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record BurstState(List<OpenBurst> windows, long dueAt) implements WindowState<BurstState> {

    static final BurstState EMPTY = new BurstState(List.of(), Long.MIN_VALUE);

    BurstState {
        // State written before windows were epoch-aligned has none: its pending events and bursts are not carried over.
        windows = windows == null ? List.of() : List.copyOf(windows);
    }

    @Override
    @JsonIgnore
    public boolean isEmpty() {
        return windows.isEmpty();
    }

    /** The window starting at {@code start}, or a new one with no events. */
    OpenBurst window(long start) {
        for (OpenBurst window : windows) {
            if (window.start() == start) {
                return window;
            }
        }
        return OpenBurst.opening(start);
    }

    /** This state with the window (by its start) replaced or added. */
    BurstState with(OpenBurst window) {
        List<OpenBurst> all = new ArrayList<>(windows.size() + 1);
        int at = 0;
        for (OpenBurst existing : windows) {
            if (existing.start() < window.start()) {
                at++;
            }
            if (existing.start() != window.start()) {
                all.add(existing);
            }
        }
        all.add(Math.min(at, all.size()), window);
        return new BurstState(all, dueAt);
    }

    BurstState withWindows(List<OpenBurst> open) {
        return new BurstState(open, dueAt);
    }

    @Override
    public BurstState withDueAt(long time) {
        return new BurstState(windows, time);
    }

    /** When the earliest window closes (its last update goes out, or it is dropped if it never qualified). */
    long nextDue(long window, long grace) {
        return windows.get(0).start() + window + grace;
    }
}
