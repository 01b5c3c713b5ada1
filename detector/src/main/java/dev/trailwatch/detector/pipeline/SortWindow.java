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
 *       and a newest-first or shuffled one (whose steps back soon span it all) is held whole.</li>
 * </ul>
 *
 * @param window    the (least) window; null for the exact sort
 * @param adaptive  whether the window widens with the lag seen and the order is checked
 * @param tolerance how far behind records already sent a record may arrive without changing the alerts (adaptive)
 */
public record SortWindow(Duration window, boolean adaptive, Duration tolerance) {

    /** The adaptive window's least width: CloudTrail delivers a file within minutes of its events. */
    public static final Duration AUTO_WINDOW = Duration.ofHours(1);

    public static SortWindow exact() {
        return new SortWindow(null, false, Duration.ZERO);
    }

    public static SortWindow fixed(Duration window) {
        return new SortWindow(window, false, Duration.ZERO);
    }

    public static SortWindow auto(Duration window, Duration tolerance) {
        return new SortWindow(window, true, tolerance);
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

    /** This window with at least {@code least} as its least width (the exact sort stays exact). */
    public SortWindow widenedTo(Duration least) {
        if (window == null || window.compareTo(least) >= 0) {
            return this;
        }
        return new SortWindow(least, adaptive, tolerance);
    }

    /** The window that releases after a file whose lag is the largest seen so far is {@code largestLagMillis}. */
    long widthMillis(long largestLagMillis) {
        long least = window.toMillis();
        return adaptive ? Math.max(least, 2 * Math.max(0, largestLagMillis)) : least;
    }
}
