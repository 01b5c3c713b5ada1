package dev.trailwatch.detector.command;

import dev.trailwatch.detector.pipeline.ScanFeed;
import dev.trailwatch.detector.pipeline.TrailObject;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The progress line of a long scan on stderr, every few seconds once the scan has taken a while: objects read (of how
 * many, when known), events, events/s and, when the total is known (local files), the time left by bytes read.
 */
final class ScanProgress implements ScanFeed.Progress {

    private static final long FIRST_AFTER_NANOS = 5_000_000_000L;
    private static final long EVERY_NANOS = 5_000_000_000L;

    private final PrintWriter err;
    private final long totalObjects;
    private final long totalBytes;
    private final long start = System.nanoTime();
    private long nextLine = start + FIRST_AFTER_NANOS;
    private long objects;
    private long bytes;
    private long events;

    /** @param totalObjects objects to read, or -1 when unknown (S3 is listed as it goes) */
    ScanProgress(PrintWriter err, long totalObjects, long totalBytes) {
        this.err = err;
        this.totalObjects = totalObjects;
        this.totalBytes = totalBytes;
    }

    @Override
    public void objectDone(TrailObject object, long records) {
        objects++;
        bytes += object.sizeBytes();
        events += records;
        long now = System.nanoTime();
        if (now >= nextLine) {
            nextLine = now + EVERY_NANOS;
            err.println(line(now));
            err.flush();
        }
    }

    String line(long now) {
        double seconds = Math.max(1e-3, (now - start) / 1e9);
        String of = totalObjects >= 0 ? "/" + String.format(Locale.ROOT, "%,d", totalObjects) : "";
        String eta = "";
        if (totalObjects >= 0 && totalBytes > 0 && bytes > 0) {
            long left = Math.round(seconds * (totalBytes - bytes) / bytes);
            eta = String.format(Locale.ROOT, ", ETA %d:%02d", left / 60, left % 60);
        }
        return String.format(Locale.ROOT, "scan: %,d%s objects, %,d events, %,.0f events/s%s", objects, of, events,
                events / seconds, eta);
    }
}
