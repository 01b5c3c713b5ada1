package dev.trailwatch.detector.detect.kit;

import java.time.Duration;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Shares the reorder-horizon watermark across instances. Once a second (wall clock) each input task reports its
 * partition's stream time to this instance's {@link InputWatermark} and publishes how far that partition is complete
 * to the progress topic; every instance applies what every instance published ({@link ProgressUpdater}, on its global
 * thread), so that each knows how far the partitions it does not own are. Nothing happens per event: the task's
 * stream time is read on the timer.
 */
public final class InputProgressProcessor<V> implements Processor<String, V, String, InputProgress> {

    /** The global store of the progress topic. */
    public static final String STORE = "input-progress";
    static final Duration EVERY = Duration.ofSeconds(1);

    private final String applicationId;
    private final InputWatermark watermark;
    private ProcessorContext<String, InputProgress> context;
    private ReadOnlyKeyValueStore<String, InputProgress> published;
    private int partition;
    private InputProgress last;
    private final Punctuators punctuators = new Punctuators();

    public InputProgressProcessor(String applicationId, InputWatermark watermark) {
        this.applicationId = applicationId;
        this.watermark = watermark;
    }

    @Override
    public void init(ProcessorContext<String, InputProgress> context) {
        this.context = context;
        this.published = context.getStateStore(STORE);
        this.partition = context.taskId().partition();
        this.last = null;
        rewindToCommitted();
        punctuators.replace(context.schedule(EVERY, PunctuationType.WALL_CLOCK_TIME, this::publish));
    }

    /**
     * The task leaves this instance (a rebalance, or lost after a failure): what it observed since its last commit may
     * be read again by the next owner, so only the committed progress stays. The next owner publishes its own.
     */
    @Override
    public void close() {
        punctuators.cancel();
        rewindToCommitted();
    }

    @Override
    public void process(Record<String, V> record) {
        // nothing per event: the timer reads the task's stream time
    }

    /**
     * Sets this partition's progress on the instance's watermark back to what was committed (the progress topic's
     * record, published in the same transactions as the task's output). Kafka Streams calls {@code init} again on this
     * same object when it revives the task after an exactly-once abort, and the records since the last commit are read
     * again: the progress observed on them must go with them. At first start this is what the previous run committed.
     * A store closed under a shutdown leaves the partition unknown, which only holds windows open.
     */
    private void rewindToCommitted() {
        InputProgress committed;
        try {
            committed = published.get(InputProgress.key(applicationId, partition));
        } catch (InvalidStateStoreException e) {
            committed = null;
        }
        watermark.rewind(partition, committed == null ? InputWatermark.NOTHING : committed.streamTime(),
                committed == null ? InputWatermark.NOTHING : committed.completeUpTo());
    }

    private void publish(long wallClock) {
        watermark.observe(partition, context.currentStreamTimeMs());
        InputProgress now = new InputProgress(watermark.streamTime(partition), watermark.completeUpTo(partition));
        if (now.completeUpTo() != InputWatermark.NOTHING && !now.equals(last)) {
            context.forward(new Record<>(InputProgress.key(applicationId, partition), now,
                    Math.max(0, now.streamTime())));
            last = now;
        }
    }
}
