package dev.trailwatch.detector.pipeline;

import dev.trailwatch.detector.config.Durations;
import java.time.Duration;
import java.util.Locale;

/**
 * When the scan's sorter may send records on before the whole input is read ({@code --sort-window}). Releases are
 * judged by the delivery times in CloudTrail file names, or, for an input that is a single file without such a name
 * (a JSON-lines export), by the event times read so far; several unnamed files are sorted whole.
 *
 * <ul>
 *   <li>{@link #exact()} ({@code none}): nothing before the end of the input.</li>
 *   <li>{@link #fixed(Duration)} ({@code 1h}): before reading a file delivered at T, everything before T - window.
 *       A record delivered later than that is still sent, out of order, and counted.</li>
 *   <li>{@link #auto(Duration, Duration)} ({@code auto}, the default): after reading a file delivered at T, everything
 *       before T - max(window, twice the largest delivery lag seen so far), a file's lag being how far its oldest
 *       record is before its delivery time. CloudTrail's own files (minutes of lag) are released an hour behind;
 *       files that each hold days (the bundled samples) widen the window to days. Should a record still arrive more
 *       than {@code tolerance} (the reorder horizon) behind records already sent, the feed stops with
 *       {@link ScanFeed.OrderNotKept} and the caller scans again from the start with a window wide enough for what it
 *       found ({@link ScanFeed.OrderNotKept#wider()}; after a few such passes, the exact sort): the alerts are always
 *       those of the exact sort. A single export is released the same way by its event times: everything before the latest
 *       seen minus max(window, twice the largest step back in time seen so far), so a sorted export streams through,
 *       and a newest-first or shuffled one (whose steps back soon span it all) is held whole. While such an export
 *       has not stepped back at all, nothing is held for it ({@link #streamWhileSorted()}): an hour held would be
 *       spilled to disk and read back, or kept in the heap for the collector to copy, for a margin a sorted export
 *       never uses (a step back within the tolerance still changes no alert; beyond it, the feed stops).</li>
 * </ul>
 *
 * @param window            the (least) window; null for the exact sort
 * @param adaptive          whether the window widens with the lag seen and the order is checked
 * @param tolerance         how far behind records already sent a record may arrive without changing the alerts
 *                          (adaptive)
 * @param streamWhileSorted whether an export read in order so far is sent on as it is read, without its least window
 *                          (the first pass of {@code auto}; a pass widened because the order broke holds it)
 */
public record SortWindow(Duration window, boolean adaptive, Duration tolerance, boolean streamWhileSorted) {

    /** The adaptive window's least width: CloudTrail delivers a file within minutes of its events. */
    public static final Duration AUTO_WINDOW = Duration.ofHours(1);

    public static SortWindow exact() {
        return new SortWindow(null, false, Duration.ZERO, false);
    }

    public static SortWindow fixed(Duration window) {
        return new SortWindow(window, false, Duration.ZERO, false);
    }

    public static SortWindow auto(Duration window, Duration tolerance) {
        return new SortWindow(window, true, tolerance, true);
    }

    /** {@code auto}, {@code none} or a duration ({@code 1h}, {@code 90m}), as {@code --sort-window} takes it. */
    public static SortWindow parse(String text, Duration tolerance) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("auto")) {
            return auto(AUTO_WINDOW, tolerance);
        }
        if (value.equals("none")) {
            return exact();
        }
        Duration window;
        try {
            window = Durations.parse(value);
        } catch (RuntimeException e) {
            window = Duration.ZERO;
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("--sort-window '" + text + "' must be auto, none or a positive duration "
                    + "such as 1h");
        }
        return fixed(window);
    }

    /**
     * This window with at least {@code least} as its least width (the exact sort stays exact), held whole: the pass
     * that needs it found the input out of order, so no part of it is a margin to give up.
     */
    public SortWindow widenedTo(Duration least) {
        if (window == null) {
            return this;
        }
        return new SortWindow(window.compareTo(least) >= 0 ? window : least, adaptive, tolerance, false);
    }

    /** The window that releases after a file whose lag is the largest seen so far is {@code largestLagMillis}. */
    long widthMillis(long largestLagMillis) {
        long least = window.toMillis();
        return adaptive ? Math.max(least, 2 * Math.max(0, largestLagMillis)) : least;
    }
}
