package dev.trailwatch.detector.pipeline;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.EventTimes;
import dev.trailwatch.ingest.reader.RecordParser;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * An exact event-time sort of one JSON-lines export on local disk that holds no record: a first pass over the file
 * notes each line's byte range and {@code eventTime} (a byte scan, no JSON parse), the index (24 bytes a record) is
 * sorted, and {@link #feed} then reads the records in event-time order straight from the file (the page cache holds it
 * after the first pass), parsing each once on its way to the detector. Nothing is spilled, and the detector gets its
 * first record as soon as the index is sorted, instead of after the whole file has been read, sorted and spilled.
 *
 * <p>The first pass takes only files it can read this way: not gzip, one JSON object per line (blank lines, CRLF line
 * ends and a byte order mark allowed), each with an {@code "eventTime"} string the reader accepts, no envelope, no
 * record over the reader's size limit, an index within the sort memory, and records not in event-time order already
 * (a sorted export streams through the usual read with nothing held). Anything else ({@link #build} returns
 * null) is read the usual way ({@link ScanFeed}). What the byte scan cannot check (that each line is one well-formed
 * plain record, and the {@code eventTime} it found is the record's own) the parse in {@link #feed} checks record by
 * record against what the usual read gives; where they differ {@link NotIndexable} stops the pass before anything
 * different reached the detector, and the caller scans again the usual way. So the records, their locations and parse
 * results, and their order (event time, then position in the file) are those of the usual read sorted exactly.
 */
public final class ExportIndex {

    /** Index bytes per record: event time, offset, length, and its place in the sorted order. */
    static final int BYTES_PER_RECORD = 8 + 8 + 4 + 4;
    private static final int CHUNK = 4 << 20;
    private static final byte[] EVENT_TIME = "\"eventTime\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RECORDS = "\"Records\"".getBytes(StandardCharsets.US_ASCII);
    static final long NOT_INDEXABLE = Long.MIN_VALUE;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long NEWLINES = ONES * '\n';
    private static final long CAPITAL_TS = ONES * 'T';
    /** Where the {@code T} is in {@code "eventTime"}. */
    static final int TIME_T = 6;

    /** A record the index placed is not what the usual read makes of it: this pass cannot give the usual alerts. */
    public static final class NotIndexable extends RuntimeException {
        NotIndexable(String message) {
            super(message);
        }
    }

    private final Path file;
    private final int records;
    private final long[] times;
    private final long[] offsets;
    private final int[] lengths;
    private final int[] order;
    private long filtered;

    private ExportIndex(Path file, int records, long[] times, long[] offsets, int[] lengths) {
        this.file = file;
        this.records = records;
        this.times = times;
        this.offsets = offsets;
        this.lengths = lengths;
        this.order = sortedOrder(records, times);
    }

    /**
     * Indexes {@code file} and sorts the index; null when the file is not one this way reads (see the class comment),
     * or its index would need more than {@code memoryBytes}.
     *
     * @throws IOException when the file cannot be read (the usual read then reports it)
     */
    public static ExportIndex build(Path file, long memoryBytes) throws IOException {
        return build(file, memoryBytes, CHUNK, CloudTrailFileReader.DEFAULT_MAX_RECORD_BYTES);
    }

    static ExportIndex build(Path file, long memoryBytes, int chunk, int maxRecordBytes) throws IOException {
        long most = Math.min(Integer.MAX_VALUE - 16L, memoryBytes / BYTES_PER_RECORD);
        int n = 0;
        boolean inOrder = true;
        long latest = Long.MIN_VALUE;
        long[] times = new long[1024];
        long[] offsets = new long[1024];
        int[] lengths = new int[1024];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] buf = new byte[chunk];
            long base = 0; // the file offset of buf[0]
            int start = 0;
            int end = 0;
            boolean eof = false;
            boolean first = true;
            while (true) {
                if (first && (end >= 3 || eof)) {
                    first = false;
                    if (end >= 2 && (buf[0] & 0xff) == 0x1f && (buf[1] & 0xff) == 0x8b) {
                        return null; // gzip: no random access
                    }
                    if (end >= 3 && (buf[0] & 0xff) == 0xEF && (buf[1] & 0xff) == 0xBB && (buf[2] & 0xff) == 0xBF) {
                        start = 3;
                    }
                }
                int p = first ? end : whiteSpaceFrom(buf, start, end);
                int newline = p < end ? newline(buf, p, end) : -1;
                if (first || p == end || (newline < 0 && !eof)) {
                    if (eof) {
                        break;
                    }
                    // more bytes: keep the line begun at p, make room, read
                    int keep = first ? 0 : p;
                    if (end - keep > maxRecordBytes) {
                        return null;
                    }
                    System.arraycopy(buf, keep, buf, 0, end - keep);
                    base += keep;
                    end -= keep;
                    start = 0;
                    if (end == buf.length) {
                        buf = Arrays.copyOf(buf, buf.length * 2);
                    }
                    int read = channel.read(ByteBuffer.wrap(buf, end, buf.length - end));
                    if (read < 0) {
                        eof = true;
                    } else {
                        end += read;
                    }
                    continue;
                }
                int lineEnd = newline < 0 ? end : newline;
                int q = lineEnd;
                while (q > p && isWhiteSpace(buf[q - 1])) {
                    q--;
                }
                if (buf[p] != '{' || buf[q - 1] != '}' || q - p > maxRecordBytes || envelope(buf, p + 1, q)) {
                    return null;
                }
                long time = eventTime(buf, p, q);
                if (time == NOT_INDEXABLE || n == most) {
                    return null;
                }
                if (n == times.length) {
                    int grown = (int) Math.min(most, 2L * n);
                    times = Arrays.copyOf(times, grown);
                    offsets = Arrays.copyOf(offsets, grown);
                    lengths = Arrays.copyOf(lengths, grown);
                }
                inOrder &= sortTime(time) >= latest;
                latest = Math.max(latest, sortTime(time));
                times[n] = time;
                offsets[n] = base + p;
                lengths[n] = q - p;
                n++;
                start = newline < 0 ? end : newline + 1;
            }
        }
        // in order already: the usual read streams it through the sorter with nothing held, at no index's cost
        return inOrder ? null : new ExportIndex(file, n, times, offsets, lengths);
    }

    /** Records in the file. */
    public int records() {
        return records;
    }

    /** Records {@link #feed} left out by its filter. */
    public long filtered() {
        return filtered;
    }

    /**
     * Reads every record in event-time order (ties in file order), parses it with {@code parser} (the detector's:
     * {@link ScanDriver#readerParser()}) and hands those {@code accepts} takes to {@code out}, as the sorter would
     * hand them on after the usual read: the same record, location ({@code location#slot}) and parse result.
     *
     * @return the records read
     * @throws NotIndexable when a record is not what the index took it for (see the class comment)
     * @throws IOException  when the file cannot be read
     */
    public long feed(RecordParser parser, String location, String source, Predicate<CloudTrailRecord> accepts,
                     Consumer<EventTimeSorter.Entry> out) throws IOException {
        byte[] scratch = new byte[64 * 1024];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int k = 0; k < records; k++) {
                int i = order[k];
                int length = lengths[i];
                if (scratch.length < length) {
                    scratch = new byte[Math.max(length, 2 * scratch.length)];
                }
                ByteBuffer into = ByteBuffer.wrap(scratch, 0, length);
                while (into.hasRemaining()) {
                    if (channel.read(into, offsets[i] + into.position()) < 0) {
                        throw new EOFException(file + " ended before its record " + i + " (changed while scanned?)");
                    }
                }
                RecordParser.Parsed parsed = parser.parse(scratch, 0, length);
                if (parsed == RecordParser.INCOMPLETE || parsed == RecordParser.NOT_PLAIN
                        || parsed.json().length != length || parsed.eventTimeMillis() != times[i]) {
                    throw new NotIndexable(location + "#" + i + " is not one plain record with the eventTime its "
                            + "line shows");
                }
                CloudTrailRecord record = new CloudTrailRecord(parsed.json(), parsed.recipientAccountId(),
                        parsed.eventTimeMillis(), location + "#" + i, parsed.awsRegion(), parsed.result());
                if (accepts.test(record)) {
                    out.accept(new EventTimeSorter.Entry(times[i] < 0 ? Long.MAX_VALUE : times[i], i, source,
                            record));
                } else {
                    filtered++;
                }
            }
        }
        return records;
    }

    /** The record at {@code i} in event-time order (tests). */
    int recordAt(int k) {
        return order[k];
    }

    /**
     * The value of the first {@code "eventTime"} key in {@code buf[from, to)} as epoch millis; NOT_INDEXABLE when there
     * is none, or it is not a plain string the reader reads as a time (the usual read decides those records).
     */
    private static long eventTime(byte[] buf, int from, int to) {
        return eventTimeAt(buf, eventTimeKey(buf, from, to), to);
    }

    /**
     * The value of the {@code "eventTime"} key that starts at {@code key} (-1: none) as epoch millis, looking no further
     * than {@code to}; NOT_INDEXABLE when it is not a plain string the reader reads as a time.
     */
    static long eventTimeAt(byte[] buf, int key, int to) {
        if (key < 0) {
            return NOT_INDEXABLE;
        }
        int i = whiteSpaceFrom(buf, key + EVENT_TIME.length, to);
        if (i >= to || buf[i] != ':') {
            return NOT_INDEXABLE;
        }
        i = whiteSpaceFrom(buf, i + 1, to);
        if (i >= to || buf[i] != '"') {
            return NOT_INDEXABLE;
        }
        int close = indexOf(buf, (byte) '"', i + 1, to);
        if (close < 0 || close - i > 64 || indexOf(buf, (byte) '\\', i + 1, close) >= 0) {
            return NOT_INDEXABLE;
        }
        try {
            return EventTimes.parseMillis(new String(buf, i + 1, close - i - 1, StandardCharsets.ISO_8859_1));
        } catch (DateTimeParseException e) {
            return NOT_INDEXABLE;
        }
    }

    /** Whether the object whose body starts at {@code from} begins with a {@code "Records"} key (an envelope). */
    private static boolean envelope(byte[] buf, int from, int to) {
        int i = whiteSpaceFrom(buf, from, to);
        return to - i >= RECORDS.length && Arrays.equals(buf, i, i + RECORDS.length, RECORDS, 0, RECORDS.length);
    }

    /** The first line feed in {@code buf[from, to)}, or -1. */
    private static int newline(byte[] buf, int from, int to) {
        return indexOfByte(buf, NEWLINES, (byte) '\n', from, to);
    }

    /**
     * Where the first {@code "eventTime"} in {@code buf[from, to)} starts, or -1. Found by its capital {@code T}, a
     * byte far rarer in a record than the quote it starts with (looking at every quote was half of the first pass).
     */
    static int eventTimeKey(byte[] buf, int from, int to) {
        int at = TIME_T;
        int i = from + at;
        while (true) {
            int t = indexOfByte(buf, CAPITAL_TS, (byte) 'T', i, to);
            if (t < 0) {
                return -1;
            }
            int start = t - at;
            if (start + EVENT_TIME.length <= to
                    && Arrays.equals(buf, start, start + EVENT_TIME.length, EVENT_TIME, 0, EVENT_TIME.length)) {
                return start;
            }
            i = t + 1;
        }
    }

    /**
     * The first {@code b} in {@code buf[from, to)}, or -1; eight bytes at a time ({@code repeated} is {@code b} in
     * every byte of a long; the bytes equal to it found with the usual zero-byte test): the first pass looks at every
     * byte of the file for line ends.
     */
    private static int indexOfByte(byte[] buf, long repeated, byte b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(buf, i) ^ repeated;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        return indexOf(buf, b, i, to);
    }

    private static int indexOf(byte[] buf, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isWhiteSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static int whiteSpaceFrom(byte[] buf, int i, int end) {
        while (i < end && isWhiteSpace(buf[i])) {
            i++;
        }
        return i;
    }

    /** Record numbers in event-time order, ties in file order (a stable merge sort of the index, no boxing). */
    private static int[] sortedOrder(int n, long[] times) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] scratch = new int[n];
        mergeSort(order, scratch, 0, n, times);
        return order;
    }

    private static void mergeSort(int[] a, int[] tmp, int from, int to, long[] times) {
        if (to - from <= 16) {
            for (int i = from + 1; i < to; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= from && sortTime(times[a[j]]) > sortTime(times[v])) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, tmp, from, mid, times);
        mergeSort(a, tmp, mid, to, times);
        if (sortTime(times[a[mid - 1]]) <= sortTime(times[a[mid]])) {
            return; // already in order: a sorted export costs one comparison per run
        }
        System.arraycopy(a, from, tmp, from, to - from);
        int i = from;
        int j = mid;
        for (int k = from; k < to; k++) {
            if (j >= to || (i < mid && sortTime(times[tmp[i]]) <= sortTime(times[tmp[j]]))) {
                a[k] = tmp[i++];
            } else {
                a[k] = tmp[j++];
            }
        }
    }

    /** The sorter's key: records without a (valid) event time last. */
    private static long sortTime(long time) {
        return time < 0 ? Long.MAX_VALUE : time;
    }
}
