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
 *       record is before its delivery time: CloudTrail's own files (minutes of lag) are released an hour behind
 *       (S3, where reading again downloads every object again); files that each hold days (the bundled samples) widen
 *       the window to days. A local tree ({@link #releasingNearDelivery()}) is released behind the largest lag seen
 *       less half the tolerance instead ({@link #deliveryWidthMillis}): CloudTrail's own files go on nearly as they
 *       are read, the detector ordering them within its reorder horizon. Should a record still arrive more than
 *       {@code tolerance} (the reorder horizon) behind records already sent, the feed stops with
 *       {@link ScanFeed.OrderNotKept} and the caller reads again from the start: a local tree in the order of its
 *       files' least event times (exact), S3 with a window wide enough for what it found
 *       ({@link ScanFeed.OrderNotKept#wider()}, held whole; after a few such passes, the exact sort): the alerts are
 *       always those of the exact sort. A single export is released the same way by its event times: everything before the latest
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
 * @param nearDelivery      whether CloudTrail-named files go on behind the largest delivery lag seen less half the
 *                          tolerance rather than the window (the first pass of {@code auto} over a local tree)
 */
public record SortWindow(Duration window, boolean adaptive, Duration tolerance, boolean streamWhileSorted,
                         boolean nearDelivery) {

    /**
     * The adaptive window's least width for an export read alone (by its event times) and for a pass widened because
     * the order broke; how far past {@code --until} S3 objects are listed.
     */
    public static final Duration AUTO_WINDOW = Duration.ofHours(1);

    public static SortWindow exact() {
        return new SortWindow(null, false, Duration.ZERO, false, false);
    }

    public static SortWindow fixed(Duration window) {
        return new SortWindow(window, false, Duration.ZERO, false, false);
    }

    public static SortWindow auto(Duration window, Duration tolerance) {
        return new SortWindow(window, true, tolerance, true, false);
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
        return new SortWindow(window.compareTo(least) >= 0 ? window : least, adaptive, tolerance, false, false);
    }

    /**
     * The first pass of {@code auto} over a local tree: CloudTrail-named files released near their delivery times
     * ({@link #deliveryWidthMillis}). A local tree can afford it: when the order breaks it is read again in the order
     * of its files' least event times, exact in one more pass, where S3 would download every object again. Other
     * windows are returned as they are.
     */
    public SortWindow releasingNearDelivery() {
        return adaptive && streamWhileSorted ? new SortWindow(window, true, tolerance, true, true) : this;
    }

    /**
     * How far behind the delivery time of the file just read CloudTrail-named files are released, when the largest
     * delivery lag seen so far is {@code largestLagMillis}. {@link #nearDelivery} releases that lag less half the
     * tolerance: the detector orders what arrives within the tolerance (the reorder horizon), so a record up to half
     * of it later than any seen so far still changes no alert, and little is held (CloudTrail's five-minute files of
     * all accounts overlap: an hour held twelve times what they need, and spilled). Else {@link #widthMillis}.
     */
    long deliveryWidthMillis(long largestLagMillis) {
        if (nearDelivery) {
            return Math.max(0, largestLagMillis - tolerance.toMillis() / 2);
        }
        return widthMillis(largestLagMillis);
    }

    /**
     * The window that releases after a file (or, for an export, a step back in time) when the largest lag seen so
     * far is {@code largestLagMillis}: at least {@link #window}, twice that lag when adaptive.
     */
    long widthMillis(long largestLagMillis) {
        long least = window.toMillis();
        return adaptive ? Math.max(least, 2 * Math.max(0, largestLagMillis)) : least;
    }
}
