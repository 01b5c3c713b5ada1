package dev.trailwatch.detector.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live detector's records parsed on a thread of their own, ahead of the stream thread that processes them. A
 * stream thread reads one input partition's records one after the other; parsing them was about 30% of its work
 * (docs/performance.md). Here each main consumer ({@link ParseAheadInterceptor}, one per stream thread) hands every
 * batch it polls to a {@link Lane}, whose thread parses the records in the order they were fetched while the stream
 * thread is still processing the records it fetched before. The {@code parse} node ({@link ParseProcessor}) takes
 * the result parsed ahead for the record at its partition and offset, if it is <em>that very byte array</em>
 * ({@link Lane#take}; {@code scan}'s {@link ParsedAhead} also hands over by identity) and goes on as always: the time
 * check, the metrics, the dead-letter routing, the order of records and so the alerts are those of a record parsed on
 * the stream thread.
 *
 * <p>Each record is parsed once, by whichever thread gets to it first: a record the lane's thread has not started when
 * the stream thread needs it is parsed by the stream thread, and the lane's thread skips it. So the lane never makes
 * the stream thread wait longer than one record's parse, and on a machine with no core to spare it only moves the
 * parse from one thread to the other. A record fetched and then not processed (its partition revoked, the task
 * revived after an aborted transaction and its records fetched again) is never asked for: it is dropped when a
 * later record of its partition is taken, when its partition is fetched again from an earlier offset, or when its
 * partition has been neither fed nor taken from for {@link #SWEEP_EVERY} to twice as many polls.
 *
 * <p>One instance per detector instance, handed to its consumers' interceptors and its parse nodes under
 * {@link #CONFIG} ({@link #install}); setting {@code events.parse.ahead} ({@code RuntimeSettings}).
 */
public final class ParseAhead {

    /** Application and main-consumer config key under which an instance hands this object to its parts. */
    public static final String CONFIG = "trailwatch.parse.ahead";
    /**
     * Records a lane keeps for one partition: Kafka Streams buffers 1,000 a partition and pauses it beyond that, so a
     * longer queue holds records it will not ask for.
     */
    static final int MAX_QUEUED = 8_192;
    /** Polls after which the records of a partition neither fed nor taken from are dropped (a power of two). */
    static final int SWEEP_EVERY = 1_024;
    /**
     * How far the lane's thread parses ahead of the last record the stream thread took: enough to stay ahead through
     * a poll, few enough that the parsed records are still in the cache when they are taken and the heap does not
     * hold a parsed copy of everything Kafka Streams has buffered.
     */
    static final int AHEAD = 1_024;
    /** The longest the lane's thread sleeps when it is {@link #AHEAD} records ahead and no take wakes it. */
    private static final long GATE_PARK_NANOS = 5_000_000;
    /** How many times the stream thread checks a record being parsed before it parses the record itself. */
    private static final int PATIENCE = 2_000;

    private static final Logger LOG = LoggerFactory.getLogger(ParseAhead.class);

    private final String input;
    private final Map<Thread, Lane> byThread = new ConcurrentHashMap<>();
    private final Set<Lane> open = ConcurrentHashMap.newKeySet();
    private long takenByClosed;
    /** Bound once, before any record is queued ({@link Lane#submit} queues nothing without it). */
    private volatile CloudTrailParser parser;

    /** @param input the topic whose records are CloudTrail JSON for the parse node; the consumer's others are not */
    public ParseAhead(String input) {
        this.input = input;
    }

    /**
     * Hands {@code ahead} to the consumers and parse nodes of the Kafka Streams client built with {@code props}:
     * {@link ParseAheadInterceptor} joins the main consumer's interceptors (after any the user configured).
     */
    public static void install(Properties props, ParseAhead ahead) {
        String key = StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG);
        // the main consumer's interceptors are the first of these set (Kafka Streams' precedence); ours go after them
        Object configured = props.get(key);
        if (configured == null) {
            configured = props.get(StreamsConfig.consumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG));
        }
        if (configured == null) {
            configured = props.get(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG);
        }
        List<String> classes = new ArrayList<>();
        if (configured instanceof Collection<?> list) {
            list.forEach(c -> classes.add(c instanceof Class<?> type ? type.getName() : c.toString().trim()));
        } else if (configured != null) {
            for (String name : configured.toString().split(",")) {
                if (!name.isBlank()) {
                    classes.add(name.trim());
                }
            }
        }
        if (!classes.contains(ParseAheadInterceptor.class.getName())) {
            classes.add(ParseAheadInterceptor.class.getName());
        }
        props.put(key, String.join(",", classes));
        // Kafka Streams hands its unprefixed custom settings to every client it builds, the main consumer included
        props.put(CONFIG, ahead);
    }

    /**
     * Whether {@code events.parse.ahead} ({@code auto}, {@code true} or {@code false}) is on: {@code auto} when the
     * JVM has more processors than stream threads, so that each parse-ahead thread has a core to run on.
     */
    public static boolean enabled(String setting, int streamThreads, int processors) {
        return switch (setting) {
            case "true" -> true;
            case "false" -> false;
            default -> processors > streamThreads;
        };
    }

    /** The lane of the stream thread calling, or null (no consumer of this instance has polled on it). */
    Lane ofCurrentThread() {
        return byThread.get(Thread.currentThread());
    }

    /** The parse node's parser: results parsed ahead are parsed by the parser the node would use itself. */
    void bind(CloudTrailParser nodeParser) {
        if (parser == null) {
            parser = nodeParser;
        }
    }

    /** A lane for one main consumer ({@link ParseAheadInterceptor#configure}). */
    Lane open(String name) {
        Lane lane = openPaused(name);
        lane.start();
        return lane;
    }

    /** A lane whose thread has not started yet ({@link Lane#start}; tests: what the stream thread does alone). */
    Lane openPaused(String name) {
        Lane lane = new Lane(name);
        open.add(lane);
        return lane;
    }

    /** Records the parse nodes took already parsed, over every lane this instance has had. */
    public synchronized long parsedAhead() {
        long taken = takenByClosed;
        for (Lane lane : open) {
            taken += lane.taken();
        }
        return taken;
    }

    /** Lanes open (one per live main consumer). */
    int lanes() {
        return open.size();
    }

    /**
     * One main consumer's records: filled by its stream thread when it polls ({@link #submit}), parsed by the lane's
     * own thread, taken by the parse nodes on the same stream thread ({@link #take}). The queues are the stream
     * thread's alone; a result crosses threads through its slot's {@code state}.
     */
    final class Lane implements AutoCloseable {

        private static final int WAITING = 0;
        private static final int PARSING = 1;
        private static final int PARSED = 2;
        private static final int CLAIMED = 3;
        private static final VarHandle STATE;
        private static final VarHandle TAKEN;
        private static final VarHandle TAKEN_UP_TO;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Slot.class, "state", int.class);
                TAKEN = MethodHandles.lookup().findVarHandle(Lane.class, "taken", long.class);
                TAKEN_UP_TO = MethodHandles.lookup().findVarHandle(Lane.class, "takenUpTo", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final String name;
        /** The input partitions' records not taken yet, by partition number, in offset order. */
        @SuppressWarnings("unchecked")
        private ArrayDeque<Slot>[] queues = new ArrayDeque[0];
        /** For each partition, the number of the last poll that gave it records or took one of them. */
        private long[] touched = new long[0];
        private long polls;
        private final LinkedBlockingQueue<Slot[]> work = new LinkedBlockingQueue<>();
        private final Thread worker;
        private volatile boolean closed;
        private Thread owner;
        /** Sequence numbers of the records submitted; the stream thread's alone. */
        private long submitted;
        /** The greatest sequence number taken: written by the stream thread, read by the lane's thread. */
        @SuppressWarnings("unused")
        private long takenUpTo;
        /** Written by the stream thread only, read by the metric. */
        @SuppressWarnings("unused")
        private long taken;

        /** Records this lane's thread parsed (tests). */
        private volatile long parsed;
        /** While the lane's thread waits for room: the sequence number whose take wakes it. */
        private volatile long resumeAt = Long.MAX_VALUE;

        private Lane(String name) {
            this.name = name;
            this.worker = new Thread(this::parseLoop, "parse-ahead-" + name);
            worker.setDaemon(true);
        }

        void start() {
            worker.start();
        }

        /** The stream thread polled these records: the input topic's are queued for parsing, in the order they came. */
        void submit(ConsumerRecords<byte[], byte[]> polled) {
            Thread current = Thread.currentThread();
            if (owner != current) {
                // the consumer is built on another thread than the one that polls it: the lane is the poller's
                if (owner != null) {
                    byThread.remove(owner, this);
                }
                owner = current;
                byThread.put(current, this);
            }
            polls++;
            if ((polls & (SWEEP_EVERY - 1)) == 0) {
                sweep();
            }
            if (parser == null || closed || polled.isEmpty()) {
                // no parse node has run yet (its parser is the one to use): these records are parsed on the thread
                return;
            }
            Slot[] batch = null;
            int n = 0;
            for (TopicPartition partition : polled.partitions()) {
                // the repartition topics' records, read by the same consumer, are not CloudTrail JSON
                if (!partition.topic().equals(input)) {
                    continue;
                }
                List<ConsumerRecord<byte[], byte[]>> records = polled.records(partition);
                if (records.isEmpty()) {
                    continue;
                }
                ArrayDeque<Slot> queue = queue(partition.partition());
                Slot last = queue.peekLast();
                if ((last != null && last.offset >= records.get(0).offset()) || queue.size() > MAX_QUEUED) {
                    // fetched again from an earlier offset (a task revived, a seek), or never taken: from before
                    drop(queue);
                }
                touched[partition.partition()] = polls;
                if (batch == null) {
                    batch = new Slot[polled.count()];
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    byte[] raw = record.value();
                    if (raw == null) {
                        continue;
                    }
                    Slot slot = new Slot(raw, record.offset(), ++submitted);
                    queue.addLast(slot);
                    batch[n++] = slot;
                }
            }
            if (n > 0) {
                work.add(batch);
            }
        }

        /**
         * The result parsed ahead for the record at {@code offset} of {@code partition}, if it is exactly this array
         * (once), else null: not queued, or not started yet (then it is the caller's to parse, and the lane's thread
         * will skip it), or the parse failed on the lane's thread (the caller's own parse then fails the usual way).
         * Waits only for a parse already running. Records before it that were never asked for are dropped.
         */
        ParseResult take(int partition, long offset, byte[] raw) {
            if (partition < 0 || partition >= queues.length || queues[partition] == null) {
                return null;
            }
            ArrayDeque<Slot> queue = queues[partition];
            Slot slot = queue.peekFirst();
            while (slot != null && slot.offset < offset) {
                claim(queue.pollFirst());
                slot = queue.peekFirst();
            }
            if (slot == null || slot.offset != offset || slot.raw != raw) {
                return null;
            }
            queue.pollFirst();
            touched[partition] = polls;
            if (slot.seq > takenUpTo) {
                TAKEN_UP_TO.setRelease(this, slot.seq);
                if (slot.seq >= resumeAt) {
                    LockSupport.unpark(worker);
                }
            }
            if ((int) STATE.getVolatile(slot) == WAITING && STATE.compareAndSet(slot, WAITING, CLAIMED)) {
                return null;
            }
            for (int spins = 0; (int) STATE.getVolatile(slot) == PARSING; spins++) {
                if (spins == PATIENCE && STATE.compareAndSet(slot, PARSING, CLAIMED)) {
                    // the lane's thread is descheduled mid-parse (or gone): not worth waiting for
                    return null;
                }
                Thread.onSpinWait();
            }
            if ((int) STATE.getVolatile(slot) != PARSED) {
                return null;
            }
            ParseResult result = slot.result;
            if (result != null) {
                TAKEN.setRelease(this, taken + 1);
            }
            return result;
        }

        long taken() {
            return (long) TAKEN.getAcquire(this);
        }

        /** Records this lane's thread has parsed (tests). */
        long parsed() {
            return parsed;
        }

        /** Whether the record at {@code offset} of {@code partition} is parsed and waits to be taken (tests). */
        boolean parsedAndWaiting(int partition, long offset) {
            if (partition >= queues.length || queues[partition] == null) {
                return false;
            }
            for (Slot slot : queues[partition]) {
                if (slot.offset == offset) {
                    return (int) STATE.getVolatile(slot) == PARSED;
                }
            }
            return false;
        }

        /** Records queued and not taken yet, over all partitions (tests). */
        int pending() {
            int pending = 0;
            for (ArrayDeque<Slot> queue : queues) {
                pending += queue == null ? 0 : queue.size();
            }
            return pending;
        }

        private ArrayDeque<Slot> queue(int partition) {
            if (partition >= queues.length) {
                queues = Arrays.copyOf(queues, partition + 1);
                touched = Arrays.copyOf(touched, partition + 1);
            }
            if (queues[partition] == null) {
                queues[partition] = new ArrayDeque<>();
            }
            return queues[partition];
        }

        /**
         * Drops the records of partitions neither fed nor taken from in the last {@link #SWEEP_EVERY} polls (checked
         * every as many polls): the
         * partition was revoked, or its task stopped; they would only hold their bytes in the heap.
         */
        private void sweep() {
            for (int p = 0; p < queues.length; p++) {
                if (queues[p] != null && !queues[p].isEmpty() && polls - touched[p] >= SWEEP_EVERY) {
                    drop(queues[p]);
                }
            }
        }

        private void drop(ArrayDeque<Slot> queue) {
            for (Slot slot = queue.pollFirst(); slot != null; slot = queue.pollFirst()) {
                claim(slot);
            }
        }

        /** The lane's thread skips a record claimed while still waiting. */
        private void claim(Slot slot) {
            STATE.compareAndSet(slot, WAITING, CLAIMED);
        }

        private void parseLoop() {
            try {
                while (!closed) {
                    Slot[] batch = work.take();
                    for (Slot slot : batch) {
                        if (slot == null || closed) {
                            break;
                        }
                        awaitRoomFor(slot);
                        if (!STATE.compareAndSet(slot, WAITING, PARSING)) {
                            continue;
                        }
                        ParseResult result = null;
                        Throwable failed = null;
                        try {
                            result = parser.parse(slot.raw);
                        } catch (Throwable e) {
                            // a parser bug or an Error, not a bad record: the stream thread parses it again, and its
                            // handlers see what is thrown
                            failed = e;
                        }
                        slot.result = failed == null ? result : null;
                        // fails when the stream thread, tired of waiting, has claimed the record meanwhile
                        STATE.compareAndSet(slot, PARSING, PARSED);
                        parsed++;
                        if (failed instanceof Error error) {
                            // out of memory, say: this lane stops (its records are parsed by the stream thread)
                            LOG.error("{}: parse-ahead stops; the stream thread parses its records", name, error);
                            closed = true;
                            work.clear();
                            throw error;
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Waits while {@code slot} is more than {@link #AHEAD} beyond the last record taken, until the stream thread
         * has taken half of that ({@link #take} wakes this thread; a timed park in case that wake-up and this wait
         * crossed).
         */
        private void awaitRoomFor(Slot slot) {
            while (slot.seq > (long) TAKEN_UP_TO.getAcquire(this) + AHEAD && !closed
                    && (int) STATE.getVolatile(slot) == WAITING) {
                resumeAt = slot.seq - AHEAD / 2;
                if (slot.seq > (long) TAKEN_UP_TO.getAcquire(this) + AHEAD) {
                    LockSupport.parkNanos(this, GATE_PARK_NANOS);
                }
                resumeAt = Long.MAX_VALUE;
            }
        }

        /** The consumer closes: the lane's thread stops, its results are dropped (the stream thread stops too). */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            worker.interrupt();
            if (owner != null) {
                byThread.remove(owner, this);
            }
            synchronized (ParseAhead.this) {
                // under the lock the metric reads with: the count moves from the lane to the closed ones at once
                takenByClosed += taken();
                open.remove(this);
            }
            LOG.debug("{}: {} records parsed ahead", name, taken());
        }
    }

    /** One record on its way: its bytes, its place, and where the parse stands (by the parse node's bound parser). */
    private static final class Slot {
        final byte[] raw;
        /** Its offset in its partition. */
        final long offset;
        /** Its place in the lane: the lane's thread parses at most {@link #AHEAD} beyond the last one taken. */
        final long seq;
        /** {@link Lane#WAITING}, {@link Lane#PARSING}, {@link Lane#PARSED} or {@link Lane#CLAIMED}. */
        @SuppressWarnings("unused")
        volatile int state;
        /** Written before {@code state} becomes PARSED, read after. */
        ParseResult result;

        Slot(byte[] raw, long offset, long seq) {
            this.raw = raw;
            this.offset = offset;
            this.seq = seq;
        }
    }
}
