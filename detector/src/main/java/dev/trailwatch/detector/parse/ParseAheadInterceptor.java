package dev.trailwatch.detector.parse;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The main consumer's side of {@link ParseAhead}: every batch the stream thread polls goes to its consumer's lane to
 * be parsed ahead. Returns the records unchanged. Installed by {@link ParseAhead#install}; without a
 * {@link ParseAhead} in its configs (a consumer built by someone else's properties) it does nothing.
 */
public final class ParseAheadInterceptor implements ConsumerInterceptor<byte[], byte[]> {

    private ParseAhead.Lane lane;

    @Override
    public void configure(Map<String, ?> configs) {
        if (configs.get(ParseAhead.CONFIG) instanceof ParseAhead ahead) {
            Object clientId = configs.get(ConsumerConfig.CLIENT_ID_CONFIG);
            lane = ahead.open(clientId == null ? "consumer" : clientId.toString());
        }
    }

    @Override
    public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
        if (lane != null) {
            lane.submit(records);
        }
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        // nothing to do: results are dropped as they are taken
    }

    @Override
    public void close() {
        if (lane != null) {
            lane.close();
        }
    }
}
