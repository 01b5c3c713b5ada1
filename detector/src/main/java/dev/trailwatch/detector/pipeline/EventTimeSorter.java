package dev.trailwatch.detector.pipeline;

import dev.trailwatch.ingest.reader.CloudTrailRecord;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Puts CloudTrail records into event-time order with bounded memory: records are held in memory; when more than
 * {@code memoryBytes} of records are held they are written to disk as one sorted run, and the output is a merge of
 * what is held and the runs. A held record later than the last one queued joins a queue (in order by construction: a
 * sorted export goes through it with no heap operation), any other a heap. {@link #release(long)} emits everything
 * before a watermark (what the caller knows no later input can precede; a record that arrives below it all the same
 * waits for the next release, and is counted as out of order only if something later than it was already sent);
 * {@link #finish()} emits the rest. Ties keep input order, so the output is a function of the input. Records without
 * an event time sort last (the detector dead-letters them; first, their send-time timestamp would move stream time to
 * now). Single-threaded.
 */
public final class EventTimeSorter implements AutoCloseable {

    /** A record and what the feed needs to produce it. */
    public record Entry(long sortTime, long sequence, String source, CloudTrailRecord record) {
    }

    /** Event time, then input order; written out rather than composed: it runs ~20 times per record. */
    private static final Comparator<Entry> ORDER = (a, b) -> a.sortTime() != b.sortTime()
            ? Long.compare(a.sortTime(), b.sortTime()) : Long.compare(a.sequence(), b.sequence());
    private static final int OVERHEAD_BYTES = 160;
    /**
     * What a record's parse result (carried from the reader) holds besides the bytes: the event's typed fields, ~15
     * short strings and their objects. A spilled record keeps it: its typed fields are written with it
     * ({@link SpilledEvents}), so the record is not parsed a second time.
     */
    private static final int PARSED_BYTES = 1024;

    private final long memoryBytes;
    private final Path spillDir;
    private final Consumer<Entry> out;
    private final PriorityQueue<Entry> heap = new PriorityQueue<>(ORDER);
    /** Held records later than every record queued before them: in order. */
    private final ArrayDeque<Entry> inOrder = new ArrayDeque<>();
    private final PriorityQueue<Run> runs = new PriorityQueue<>(Comparator.comparing(Run::head, ORDER));
    private long heldBytes;
    private long sequence;
    private long latestSent = Long.MIN_VALUE;
    private long behindWatermark;
    private long worstBehindMillis;
    private long spilledRuns;

    public EventTimeSorter(long memoryBytes, Path spillDir, Consumer<Entry> out) {
        this.memoryBytes = memoryBytes;
        this.spillDir = spillDir;
        this.out = out;
    }

    public void add(CloudTrailRecord record, String source) {
        add(record, source, sequence++);
    }

    /**
     * Adds a record whose place among records of the same event time is {@code sequence} (unique; the caller's own
     * numbering, instead of the order of arrival: {@link BoundedFeed} reads files out of their scan order).
     */
    public void add(CloudTrailRecord record, String source, long sequence) {
        long time = record.eventTimeMillis() < 0 ? Long.MAX_VALUE : record.eventTimeMillis();
        Entry entry = new Entry(time, sequence, source, record);
        if (time < latestSent) {
            // something later was already sent: the watermark's assumption did not hold for this one; it goes on
            // with the next release, out of order
            behindWatermark++;
            worstBehindMillis = Math.max(worstBehindMillis, latestSent - time);
        }
        Entry last = inOrder.peekLast();
        if (last == null || ORDER.compare(entry, last) > 0) {
            inOrder.addLast(entry);
        } else {
            heap.add(entry);
        }
        heldBytes += size(entry);
        if (heldBytes > memoryBytes) {
            spill();
        }
    }

    /**
     * Emits, in order, every record held with an event time before {@code watermark}. A watermark lower than an
     * earlier one (the caller has learnt that its input steps back further than it thought) emits nothing.
     */
    public void release(long watermark) {
        release(watermark, Integer.MAX_VALUE);
    }

    /**
     * Emits, in order, at most {@code max} of the records held with an event time before {@code watermark}: a caller
     * whose consumer can take only so many without waiting releases the rest later (no record it adds meanwhile may
     * precede the watermark). Returns how many it emitted.
     */
    public int release(long watermark, int max) {
        int sent = 0;
        while (sent < max && holdsBefore(watermark)) {
            take();
            sent++;
        }
        return sent;
    }

    /** Whether a record held (in memory or spilled) has an event time before {@code watermark}. */
    public boolean holdsBefore(long watermark) {
        Entry next = peek();
        return next != null && next.sortTime() < watermark;
    }

    /** The records held in memory, by the sorter's reckoning; beyond {@link #memoryBytes()} it spills. */
    public long heldBytes() {
        return heldBytes;
    }

    public long memoryBytes() {
        return memoryBytes;
    }

    /** End of input: emits everything left, in order. */
    public void finish() {
        while (peek() != null) {
            take();
        }
    }

    /** Records that arrived after records later than themselves had been sent (sent on out of order). */
    public long behindWatermark() {
        return behindWatermark;
    }

    /**
     * How far behind records already sent the most out-of-order of those records was: no record was sent after records
     * more than this much later than itself (0 when none was).
     */
    public long worstBehindMillis() {
        return worstBehindMillis;
    }

    public long spilledRuns() {
        return spilledRuns;
    }

    private Entry peek() {
        Entry held = firstHeld();
        Run run = runs.peek();
        if (run == null) {
            return held;
        }
        return held == null || ORDER.compare(run.head(), held) < 0 ? run.head() : held;
    }

    /** The first record held in memory: the earlier of the queue's and the heap's first. */
    private Entry firstHeld() {
        Entry fromHeap = heap.peek();
        Entry fromQueue = inOrder.peekFirst();
        if (fromQueue == null) {
            return fromHeap;
        }
        return fromHeap == null || ORDER.compare(fromQueue, fromHeap) < 0 ? fromQueue : fromHeap;
    }

    /** Removes and returns the first record held in memory. */
    private Entry pollHeld() {
        Entry first = firstHeld();
        if (first == inOrder.peekFirst()) {
            inOrder.pollFirst();
        } else {
            heap.poll();
        }
        heldBytes -= size(first);
        return first;
    }

    private void take() {
        Entry held = firstHeld();
        Run run = runs.peek();
        if (run != null && (held == null || ORDER.compare(run.head(), held) < 0)) {
            runs.poll();
            send(run.head());
            if (run.advance()) {
                runs.add(run);
            } else {
                run.close();
            }
        } else {
            send(pollHeld());
        }
    }

    private void send(Entry entry) {
        latestSent = Math.max(latestSent, entry.sortTime());
        out.accept(entry);
    }

    private void spill() {
        try {
            Path file = Files.createTempFile(spillDir, "scan-run-", ".bin");
            try (DataOutputStream data = new DataOutputStream(new RunBuffers.Out(Files.newOutputStream(file)))) {
                SpillStrings strings = new SpillStrings();
                while (!heap.isEmpty() || !inOrder.isEmpty()) {
                    write(data, pollHeld(), strings);
                }
            }
            heldBytes = 0;
            spilledRuns++;
            Run run = Run.open(file);
            if (run != null) {
                runs.add(run);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spill sorted records to " + spillDir, e);
        }
    }

    /** Whether adding this record now would make the sorter spill what it holds to disk. */
    public boolean wouldSpill(CloudTrailRecord record) {
        return heldBytes + size(record) > memoryBytes;
    }

    private static long size(Entry entry) {
        return size(entry.record());
    }

    private static long size(CloudTrailRecord r) {
        return r.json().length + 2L * r.location().length() + OVERHEAD_BYTES
                + (r.parsed() == null ? 0 : PARSED_BYTES);
    }

    private static void write(DataOutputStream data, Entry e, SpillStrings strings) throws IOException {
        CloudTrailRecord r = e.record();
        data.writeLong(e.sortTime());
        data.writeLong(e.sequence());
        strings.write(data, e.source());
        SpillStrings.writeBytes(data, r.location());
        strings.write(data, r.recipientAccountId());
        strings.write(data, r.awsRegion());
        data.writeLong(r.eventTimeMillis());
        data.writeInt(r.json().length);
        data.write(r.json());
        SpilledEvents.write(data, r.parsed(), r.json(), strings);
    }

    @Override
    public void close() {
        runs.forEach(Run::close);
        runs.clear();
        heap.clear();
        inOrder.clear();
    }

    /** One sorted run on disk, read one record ahead; deleted when closed. */
    private static final class Run {
        private final Path file;
        private final DataInputStream data;
        private final SpillStrings strings = new SpillStrings();
        private Entry head;

        private Run(Path file, DataInputStream data) {
            this.file = file;
            this.data = data;
        }

        static Run open(Path file) throws IOException {
            Run run = new Run(file, new DataInputStream(new RunBuffers.In(Files.newInputStream(file))));
            if (!run.advance()) {
                run.close();
                return null;
            }
            return run;
        }

        Entry head() {
            return head;
        }

        boolean advance() {
            try {
                long sortTime = data.readLong();
                long sequence = data.readLong();
                String source = strings.read(data);
                String location = SpillStrings.readBytes(data);
                String account = strings.read(data);
                String region = strings.read(data);
                long eventTime = data.readLong();
                byte[] json = new byte[data.readInt()];
                data.readFully(json);
                Object parsed = SpilledEvents.read(data, json, strings);
                head = new Entry(sortTime, sequence, source,
                        new CloudTrailRecord(json, account, eventTime, location, region, parsed));
                return true;
            } catch (EOFException e) {
                head = null;
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read back sorted records from " + file, e);
            }
        }

        void close() {
            try {
                data.close();
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** For tests and the summary: every run currently open. */
    List<Path> openRuns() {
        List<Path> files = new ArrayList<>();
        runs.forEach(r -> files.add(r.file));
        return files;
    }
}
