package dev.trailwatch.detector.detect.kit;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongConsumer;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * Wakes a processor once, when its task's stream time reaches the time the processor next needs attention (a held
 * alert due), instead of a stream-time punctuator that looks every second of event time whether anything is due.
 *
 * <p>Why: Kafka Streams' stream thread halves the records it processes per task per loop turn after every turn in
 * which a punctuator ran. Stream time runs as fast as the input is read: catching up on a backlog (or in the bench)
 * it runs thousands of times faster than the wall clock, and a one-second stream-time punctuator then ran every few
 * dozen records, whether or not anything was due, turning the loop (and paying its per-turn work) five times as
 * often. An alarm makes one punctuation per due time.
 *
 * <p>When it wakes: at the first stream-time punctuation check after stream time reaches the time set (the same check
 * a periodic punctuator runs on, in {@code run}, {@code scan} and under TopologyTestDriver alike), with the stream time
 * then, and the processor releases what that stream time has passed. A periodic punctuator released on its own grid,
 * up to an interval after the due time, and where that grid fell depended on when the task last started; the alarm
 * releases at the due time itself, which depends on the records alone. On a quiet partition stream time stops and the alarm waits, as the periodic punctuator did; the
 * wall-clock bound ({@link ReportBound}) and the end-of-input flush cover that case.
 *
 * <p>Built on Kafka Streams' anchored schedule ({@code schedule(Instant, Duration, ...)}, KIP-1146): a stream-time
 * schedule starting at the due time fires when stream time reaches it; one already passed starts at the current
 * stream time, so it fires at the next check (but never twice at one stream time: set again from its own ring for a
 * time not after it, it waits for stream time to move on, as the periodic punctuator did, so a processor whose due
 * time does not move cannot spin). Cancelled on firing, so the interval never matters. Register it with
 * {@link Punctuators#replace} in {@code init}: a revived task's {@code init} cancels it with the rest.
 */
public final class StreamTimeAlarm implements Cancellable {

    /** Any interval: the alarm is cancelled when it fires, before Kafka Streams would repeat it. */
    private static final Duration ONCE = Duration.ofDays(1);

    private final ProcessingContext context;
    private final LongConsumer onDue;
    private Cancellable scheduled;
    /** The stream time the alarm is set for; {@link Long#MAX_VALUE} when not set. */
    private long at = Long.MAX_VALUE;
    /** The stream time it last rang at. */
    private long rangAt = Long.MIN_VALUE;

    /**
     * @param onDue runs on the processor's thread with the task's stream time once it has reached the time set; the
     *              alarm is unset by then, so it may {@link #setAt} the next
     */
    public StreamTimeAlarm(ProcessingContext context, LongConsumer onDue) {
        this.context = context;
        this.onDue = onDue;
    }

    /**
     * Makes the alarm ring once stream time reaches {@code time}, or earlier if already set earlier;
     * {@link Long#MAX_VALUE} (nothing due) changes nothing.
     */
    public void setAt(long time) {
        if (time >= at) {
            return;
        }
        cancel();
        at = time;
        long streamTime = context.currentStreamTimeMs();
        long start = Math.max(0, Math.max(time, streamTime));
        if (start <= rangAt) {
            start = rangAt + 1;
        }
        scheduled = context.schedule(Instant.ofEpochMilli(start), ONCE, PunctuationType.STREAM_TIME, this::ring);
    }

    /** Kafka Streams calls this once stream time reaches the schedule's start, which is never before {@link #at}. */
    private void ring(long streamTime) {
        cancel();
        rangAt = streamTime;
        onDue.accept(streamTime);
    }

    /** Unsets the alarm. */
    @Override
    public void cancel() {
        if (scheduled != null) {
            scheduled.cancel();
            scheduled = null;
        }
        at = Long.MAX_VALUE;
    }
}
