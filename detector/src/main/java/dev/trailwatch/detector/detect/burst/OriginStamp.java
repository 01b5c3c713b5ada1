package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.model.CloudTrailEvent;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Marks each event, before it is re-keyed into a repartition topic, with the input partition it was read from
 * (header {@value #HEADER}). After the repartition a windowed processor sees events of every input partition
 * interleaved; partitions read from far behind reach it at different points of event time, and only events of the
 * same origin are in order with each other. {@link WindowedProcessor} keeps event time per origin with it.
 */
final class OriginStamp extends ContextualFixedKeyProcessor<String, CloudTrailEvent, CloudTrailEvent> {

    static final String HEADER = "trailwatch.origin";

    @Override
    public void process(FixedKeyRecord<String, CloudTrailEvent> record) {
        String origin = context().recordMetadata()
                .map(meta -> meta.topic() + "-" + meta.partition()).orElse("unknown");
        record.headers().remove(HEADER);
        record.headers().add(HEADER, origin.getBytes(StandardCharsets.UTF_8));
        context().forward(record);
    }
}
