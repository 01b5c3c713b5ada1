package dev.trailwatch.detector.pipeline;

import dev.trailwatch.detector.parse.ParseResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.header.Header;

/**
 * Drives a {@link ScanDriver} on a thread of its own, fed from the sorter's thread through a bounded queue, so that
 * the scan's one ordered stream of records is worked on by more than one core: the reader threads parse each record as
 * they cut it out of its file ({@link ScanDriver#readerParser}), the sorter's thread sorts (and parses the records the
 * sort spilled to disk, which drops their results: {@link ScanDriver#parse}), this thread runs the topology. Records
 * reach the topology in exactly the order the sorter releases them, each with its parse result (the parse node takes
 * it, by identity), so the alerts are those of driving the topology on the sorter's thread.
 *
 * <p>Records go across in batches of {@value #BATCH}, at most {@value #BATCHES_IN_FLIGHT} batches ahead of the
 * topology (bounded memory: the sorter's thread waits). A failure of the topology stops the sorter's thread at its
 * next hand-over and is rethrown there; {@link #finish()} returns once every record handed over has been processed.
 * The {@link ScanDriver} is used only by this thread between construction and {@link #finish()}/{@link #close()}.
 */
public final class DetectorThread implements AutoCloseable {

    /**
     * Records per hand-over. The queue is full while the topology is the slower side, and each batch it takes wakes the
     * sorter's thread (a futex call, and on a busy machine a context switch): 1,024 at a time, 4 ahead, keeps the same
     * 4,096 records in flight as 256 x 16 did with a quarter of the wake-ups.
     */
    static final int BATCH = 1024;
    static final int BATCHES_IN_FLIGHT = 4;
    private static final long CHECK_MILLIS = 100;

    /** A record as the sorter released it, with its parse result (null: the parse node parses it). */
    private record Parsed(EventTimeSorter.Entry entry, ParseResult result, List<Header> headers) {
    }

    /** The end of input, after the last batch. */
    private static final List<Parsed> END = List.of();

    private final ScanDriver driver;
    private final BlockingQueue<List<Parsed>> queue = new ArrayBlockingQueue<>(BATCHES_IN_FLIGHT);
    private final Thread thread;
    private volatile Throwable failure;
    private List<Parsed> batch = new ArrayList<>(BATCH);
    /** Used on the sorter's thread only. */
    private final SourceHeaders headers = new SourceHeaders();

    public DetectorThread(ScanDriver driver) {
        this.driver = driver;
        this.thread = new Thread(this::run, "trailwatch-scan-detector");
        thread.setDaemon(true);
        thread.start();
    }

    /** The sorter's output (its thread): each record parsed and handed to the detector, in event-time order. */
    public Consumer<EventTimeSorter.Entry> sink() {
        return entry -> {
            // parsed by the reader that cut it out of its file (unless it was spilled by the sort), else here
            ParseResult result = entry.record().parsed() instanceof ParseResult ahead ? ahead
                    : driver.parse(entry.record().json());
            // its source headers too: for a tree, records of many files alternate, and the detector thread built
            // them again for nearly every record (~8% of it)
            batch.add(new Parsed(entry, result, headers.of(entry.record(), entry.source(),
                    System.currentTimeMillis())));
            if (batch.size() == BATCH) {
                handOver(batch);
                batch = new ArrayList<>(BATCH);
            }
        };
    }

    /**
     * Records the {@link #sink()} takes now without making the sorter's thread wait: the rest of the batch being
     * filled when the detector has room for it, else all but its last record. Called on the sorter's thread, whose
     * batch it is; the queue's room can only grow meanwhile (the detector only takes from it).
     */
    public int room() {
        return BATCH - batch.size() - (queue.remainingCapacity() > 0 ? 0 : 1);
    }

    /** Records the {@link #sink()} takes before it waits for the detector at most once (the rest of the batch). */
    public int untilHandOver() {
        return BATCH - batch.size();
    }

    /** {@link #room()} and {@link #untilHandOver()} for a {@link BoundedFeed}. */
    public BoundedFeed.Outlet outlet() {
        return new BoundedFeed.Outlet() {
            @Override
            public int takesNow() {
                return room();
            }

            @Override
            public int takesWaitingOnce() {
                return untilHandOver();
            }
        };
    }

    /**
     * End of input: hands over the last records and waits until the detector has processed every record.
     *
     * @throws RuntimeException what the detector failed with, as {@link ScanDriver#send} threw it
     */
    public void finish() throws InterruptedException {
        if (!batch.isEmpty()) {
            handOver(batch);
            batch = new ArrayList<>(BATCH);
        }
        handOver(END);
        thread.join();
        rethrowFailure();
    }

    private void handOver(List<Parsed> records) {
        try {
            while (!queue.offer(records, CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                rethrowFailure();
                if (!thread.isAlive()) {
                    throw new IllegalStateException("the scan's detector thread stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing records to the detector", e);
        }
        rethrowFailure();
    }

    private void run() {
        try {
            while (true) {
                List<Parsed> records = queue.take();
                if (records == END) {
                    return;
                }
                for (Parsed record : records) {
                    driver.send(record.entry().record(), record.result(), record.headers());
                }
            }
        } catch (InterruptedException e) {
            // closed before the end of input (the feed failed or was restarted): nothing more is processed
        } catch (Throwable e) {
            failure = e;
        }
    }

    private void rethrowFailure() {
        Throwable e = failure;
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error r) {
            throw r;
        }
        if (e != null) {
            throw new IllegalStateException("the scan's detector failed", e);
        }
    }

    /** Stops the thread (when the input did not end normally) and waits for it: the driver is free again. */
    @Override
    public void close() {
        thread.interrupt();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
