package dev.trailwatch.detector.detect.kit;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Shares the reorder-horizon watermark across instances. Once a second (wall clock) each input task reports its
 * partition's stream time to this instance's {@link InputWatermark}, publishes how far that partition is complete to
 * the progress topic, and reads back what every instance published (a global table), so that each instance knows how
 * far the partitions it does not own are. Nothing happens per event: the task's stream time is read on the timer.
 */
public final class InputProgressProcessor<V> implements Processor<String, V, String, InputProgress> {

    /** The global table of the progress topic. */
    public static final String STORE = "input-progress";
    static final Duration EVERY = Duration.ofSeconds(1);

    private final String applicationId;
    private final InputWatermark watermark;
    private final BiConsumer<String, Long> learned;
    private ProcessorContext<String, InputProgress> context;
    private ReadOnlyKeyValueStore<String, ValueAndTimestamp<InputProgress>> published;
    private int partition;
    private InputProgress last;

    /** @param learned told each account another instance learned, with the earliest event time it was seen at */
    public InputProgressProcessor(String applicationId, InputWatermark watermark, BiConsumer<String, Long> learned) {
        this.applicationId = applicationId;
        this.watermark = watermark;
        this.learned = learned;
    }

    @Override
    public void init(ProcessorContext<String, InputProgress> context) {
        this.context = context;
        this.published = context.getStateStore(STORE);
        this.partition = context.taskId().partition();
        this.last = null;
        context.schedule(EVERY, PunctuationType.WALL_CLOCK_TIME, this::publish);
    }

    @Override
    public void process(Record<String, V> record) {
        // nothing per event: the timer reads the task's stream time
    }

    private void publish(long wallClock) {
        watermark.observe(partition, context.currentStreamTimeMs());
        readBack();
        InputProgress now = new InputProgress(watermark.streamTime(partition), watermark.completeUpTo(partition));
        if (now.completeUpTo() != InputWatermark.NOTHING && !now.equals(last)) {
            context.forward(new Record<>(InputProgress.key(applicationId, partition), now,
                    Math.max(0, now.streamTime())));
            last = now;
        }
    }

    /**
     * One consistent look at the table: the accounts first, then the progress, so that a partition counted complete
     * never runs ahead of what was learned on it.
     */
    private void readBack() {
        Map<Integer, InputProgress> progress = new HashMap<>();
        try (KeyValueIterator<String, ValueAndTimestamp<InputProgress>> all = published.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value == null || entry.value.value() == null) {
                    return;
                }
                String account = InputProgress.accountOf(entry.key, applicationId);
                if (account != null) {
                    learned.accept(account, entry.value.value().streamTime());
                    return;
                }
                int p = InputProgress.partitionOf(entry.key, applicationId);
                if (p >= 0) {
                    progress.put(p, entry.value.value());
                }
            });
        }
        progress.forEach((p, at) -> watermark.reported(p, at.streamTime(), at.completeUpTo()));
    }
}
