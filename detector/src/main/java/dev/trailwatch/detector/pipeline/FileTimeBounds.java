package dev.trailwatch.detector.pipeline;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first pass over a local tree for {@link BoundedFeed}: for each file, a lower bound of its records' event times,
 * the least {@code "eventTime"} value written anywhere in it (a byte scan of the decoded bytes, no JSON parse, the key
 * found as {@link ExportIndex} finds it). However the records nest (envelope, array, lines, an EventBridge event's
 * {@code detail}), each record's own {@code eventTime} is one of the values seen, so the least is at or below every
 * record's; a value nested deeper only lowers it, which costs holding, never order. What the scan cannot read (an
 * escaped key or value, a value cut off by a very long run of white space) may make a bound too high: the feed checks
 * every record against its file's bound ({@link BoundedFeed.BoundMissed}) and the scan then reads the usual way.
 *
 * <p>A file the pass cannot decode whole (truncated or corrupt gzip, a read error) gets {@link #UNREADABLE}: it is
 * read first and nothing is released before it is; the usual reader reports what is wrong with it. A file with no
 * readable {@code eventTime} gets {@link #NONE}: its records (without a time, or one the reader cannot read) sort
 * last.
 */
public final class FileTimeBounds {

    /** The bound of a file this pass could not decode whole: below everything. */
    public static final long UNREADABLE = Long.MIN_VALUE;
    /** The bound of a file without an event time this pass can read: its records sort last. */
    public static final long NONE = Long.MAX_VALUE;

    private static final int CHUNK = 256 * 1024;
    /** Bytes kept from one chunk to the next: a key near the end of a chunk is read with its value in the next. */
    private static final int TAIL = 128;

    private FileTimeBounds() {
    }

    /**
     * Starts the pass over {@code objects} on {@code threads} daemon threads of its own; completes with their bounds,
     * in the list's order (a file listed twice is read twice). The threads take the files in the list's order, each
     * the next one not yet taken.
     */
    public static CompletableFuture<long[]> start(List<TrailObject> objects, int threads) {
        List<TrailObject> files = List.copyOf(objects);
        long[] bounds = new long[files.size()];
        CompletableFuture<long[]> done = new CompletableFuture<>();
        AtomicInteger next = new AtomicInteger();
        int count = Math.max(1, threads);
        AtomicInteger running = new AtomicInteger(count);
        for (int t = 0; t < count; t++) {
            Thread thread = new Thread(() -> {
                try {
                    byte[] buffer = new byte[CHUNK + TAIL]; // one a thread: a buffer a file was ~2.6 GB of garbage
                    for (int i = next.getAndIncrement(); i < files.size() && !done.isDone();
                            i = next.getAndIncrement()) {
                        bounds[i] = of(files.get(i), buffer);
                    }
                    // each thread's bounds are written before its decrement; the last one sees them all
                    if (running.decrementAndGet() == 0) {
                        done.complete(bounds);
                    }
                } catch (RuntimeException | Error e) {
                    done.completeExceptionally(e); // the other threads stop at their next file
                }
            }, "trailwatch-scan-bounds-" + (t + 1));
            thread.setDaemon(true);
            thread.start();
        }
        return done;
    }

    /** The least event time in {@code object}: {@link #UNREADABLE} when it cannot be decoded whole. */
    public static long of(TrailObject object) {
        return of(object, new byte[CHUNK + TAIL]);
    }

    private static long of(TrailObject object, byte[] buffer) {
        // gzip is inflated with this thread's inflater and input buffer, reset for each file
        try (InputStream in = CloudTrailFileReader.decoded(object.opener().open())) {
            return leastEventTime(in, buffer);
        } catch (IOException | RuntimeException e) {
            return UNREADABLE;
        }
    }

    /**
     * The least {@code "eventTime"} value in {@code in} as epoch millis ({@link #NONE} without one); values the reader
     * reads as no time (before 1970, unparseable) are left out, as the sorter puts such records last.
     */
    static long leastEventTime(InputStream in) throws IOException {
        return leastEventTime(in, new byte[CHUNK + TAIL]);
    }

    private static long leastEventTime(InputStream in, byte[] buf) throws IOException {
        long least = NONE;
        int end = 0;
        boolean eof = false;
        while (true) {
            while (!eof && end < buf.length) {
                int read = in.read(buf, end, buf.length - end);
                if (read < 0) {
                    eof = true;
                } else {
                    end += read;
                }
            }
            int limit = eof ? end : end - TAIL; // keys starting before limit are read from this buffer
            int key = ExportIndex.eventTimeKey(buf, 0, end);
            while (key >= 0 && key < limit) {
                long time = ExportIndex.eventTimeAt(buf, key, end);
                if (time >= 0 && time < least) {
                    least = time;
                }
                key = ExportIndex.eventTimeKey(buf, key + 1, end);
            }
            if (eof) {
                return least;
            }
            System.arraycopy(buf, limit, buf, 0, end - limit);
            end -= limit;
        }
    }
}
