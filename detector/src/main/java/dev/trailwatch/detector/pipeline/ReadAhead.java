package dev.trailwatch.detector.pipeline;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordParser;
import dev.trailwatch.ingest.reader.RecordSink;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Reads the next few objects on worker threads (decompression, and in {@code scan} the parse of each record, which is
 * how the reader cuts records out of a file; for S3 the network round trips) while the caller consumes the current one, and hands each object's records and rejections back in exactly
 * the order one reader would have produced them: what the caller sees does not depend on the number of threads.
 *
 * <p>Memory stays bounded: each object in flight passes its records through a small bounded queue, so a worker ahead
 * of the caller waits instead of buffering a whole file (a JSON-lines export of gigabytes is one object). The queues
 * of all objects in flight hold at most {@value #CHUNKS_IN_ALL} chunks together (each at most {@value #CHUNKS_IN_FLIGHT},
 * at least one): many objects in flight (S3 GETs, {@code scan --s3-concurrency}) hold about as many records as 8 did.
 */
final class ReadAhead implements AutoCloseable {

    private static final int CHUNK = 128;
    private static final int CHUNKS_IN_FLIGHT = 8;
    private static final int CHUNKS_IN_ALL = 64;

    /** A rejection, in its place among the records. */
    private record Rejection(String where, String reason) {
    }

    /** A batch of records and rejections; the last one of an object carries how its reading ended. */
    private record Chunk(List<Object> items, boolean last, Throwable failure) {
    }

    /** Thrown inside a worker whose reading was cancelled by {@link #close()}. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    private final CloudTrailFileReader reader;
    private final RecordParser parser;
    private final Iterator<TrailObject> objects;
    private final ExecutorService workers;
    private final int threads;
    private final int depth;
    private final long aheadBytes;
    private final int chunksPerObject;
    private final ArrayDeque<Reading> inFlight = new ArrayDeque<>();
    private long inFlightBytes;

    /** @param parser parses each record as the reader cuts it out (one JSON pass), or null: the reader's own scan */
    ReadAhead(CloudTrailFileReader reader, RecordParser parser, Iterator<TrailObject> objects, int threads) {
        this(reader, parser, objects, threads, threads, 0);
    }

    /**
     * Reads up to {@code objectsAhead} objects ahead of the caller on {@code threads} threads: one a thread always,
     * and another while those in flight add up to at most {@code aheadBytes} (their size as stored; the one admitted
     * may take the total past it, by one object). Many small files keep the threads busy while the caller is held up
     * elsewhere; the records of each wait in its own small bounded queue, so large ones do not pile up records.
     */
    ReadAhead(CloudTrailFileReader reader, RecordParser parser, Iterator<TrailObject> objects, int threads,
              int objectsAhead, long aheadBytes) {
        this.reader = reader;
        this.parser = parser;
        this.objects = objects;
        this.threads = Math.max(1, threads);
        this.depth = Math.max(this.threads, objectsAhead);
        this.aheadBytes = aheadBytes;
        this.chunksPerObject = chunksPerObject(depth);
        AtomicInteger n = new AtomicInteger();
        // a FIFO pool: an object starts only once every object before it has its thread, so the one being consumed
        // is never queued behind later ones, however many are in flight
        this.workers = Executors.newFixedThreadPool(this.threads, task -> {
            Thread thread = new Thread(task, "trailwatch-scan-reader-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Chunks each object in flight may queue: {@value #CHUNKS_IN_FLIGHT} for up to 8 objects in flight, fewer beyond
     * ({@value #CHUNKS_IN_ALL} / n rounded down: 2 at 24, the most {@code scan --s3-concurrency} allows), so that the
     * chunks queued by all objects stay at most {@value #CHUNKS_IN_ALL} (of {@value #CHUNK} records), plus one full
     * chunk per object its worker is handing over: 64 + n chunks at most. 8 objects hold at most 72 chunks, 24 at most
     * 72 too, and no number up to 24 more than 84 (21 objects, 3 each). Only objects larger than a chunk notice: a
     * CloudTrail file of a few minutes' events is usually one chunk whole.
     */
    static int chunksPerObject(int objectsInFlight) {
        return Math.max(1, Math.min(CHUNKS_IN_FLIGHT, CHUNKS_IN_ALL / Math.max(1, objectsInFlight)));
    }

    boolean hasNext() {
        fill();
        return !inFlight.isEmpty();
    }

    /** The next object in input order; its reading is already under way. */
    Reading next() {
        fill();
        Reading reading = inFlight.poll();
        if (reading == null) {
            throw new NoSuchElementException();
        }
        inFlightBytes -= reading.object.sizeBytes();
        fill();
        return reading;
    }

    private void fill() {
        while (inFlight.size() < depth && (inFlight.size() < threads || inFlightBytes <= aheadBytes)
                && objects.hasNext()) {
            Reading reading = new Reading(objects.next());
            inFlight.add(reading);
            inFlightBytes += reading.object.sizeBytes();
            workers.execute(reading::read);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }

    /** One object being read on a worker. */
    final class Reading {
        private final TrailObject object;
        private final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(chunksPerObject);
        private List<Object> items = new ArrayList<>(CHUNK);

        private Reading(TrailObject object) {
            this.object = object;
        }

        TrailObject object() {
            return object;
        }

        /**
         * Hands the object's records and rejections to {@code sink} in file order, on the caller's thread, as they
         * are read. A failure of the object's stream (disk, network) arrives as a rejection after its complete
         * records; anything else that went wrong in the worker is rethrown here.
         *
         * @return the records delivered
         */
        long drainTo(RecordSink sink) throws InterruptedException {
            return drainTo(sink, () -> false);
        }

        /**
         * As {@link #drainTo(RecordSink)}; while the next records are not read yet, calls {@code whileWaiting}
         * (the caller's other work, which says whether it did any) before it waits for them.
         */
        long drainTo(RecordSink sink, BooleanSupplier whileWaiting) throws InterruptedException {
            long records = 0;
            while (true) {
                Chunk chunk = chunks.poll();
                while (chunk == null && whileWaiting.getAsBoolean()) {
                    chunk = chunks.poll();
                }
                if (chunk == null) {
                    chunk = chunks.take();
                }
                for (Object item : chunk.items()) {
                    if (item instanceof CloudTrailRecord record) {
                        records++;
                        sink.record(record);
                    } else {
                        Rejection r = (Rejection) item;
                        sink.rejected(r.where(), r.reason());
                    }
                }
                if (chunk.last()) {
                    rethrow(chunk.failure());
                    return records;
                }
            }
        }

        private void read() {
            Throwable failure = null;
            RecordSink sink = new RecordSink() {
                @Override
                public void record(CloudTrailRecord record) {
                    add(record);
                }

                @Override
                public void rejected(String where, String reason) {
                    add(new Rejection(where, reason));
                }
            };
            try {
                reader.read(object.opener()::open, object.location(), sink, parser);
            } catch (IOException | SdkException e) {
                // the object's stream failed: its complete records are in, the rest is reported
                items.add(new Rejection(object.location(), "cannot read: " + e.getMessage()));
            } catch (Cancelled e) {
                return;
            } catch (Throwable e) {
                failure = e;
            }
            try {
                chunks.put(new Chunk(items, true, failure));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // cancelled: nobody waits for it
            }
        }

        private void add(Object item) {
            items.add(item);
            if (items.size() == CHUNK) {
                try {
                    chunks.put(new Chunk(items, false, null));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Cancelled();
                }
                items = new ArrayList<>(CHUNK);
            }
        }

        private static void rethrow(Throwable failure) {
            if (failure == null) {
                return;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("reading failed", failure);
        }
    }
}
