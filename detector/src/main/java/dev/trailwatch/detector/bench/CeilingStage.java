package dev.trailwatch.detector.bench;

import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Stage 1: a plain consumer that reads every record and parses it with the detector's own parser. */
final class CeilingStage {

    private CeilingStage() {
    }

    static Throughput.Rate run(String bootstrap, String topic, long events, double warmup, Duration timeout)
            throws InterruptedException {
        AtomicLong seen = new AtomicLong();
        AtomicLong unparsed = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                read(bootstrap, topic, events, seen, unparsed, stop);
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "trailwatch-bench-ceiling");
        reader.start();
        try {
            Throughput.Rate rate = Throughput.measure("ceiling", events, warmup, seen::get,
                    () -> failure.get() == null, timeout, Duration.ofMillis(2));
            if (unparsed.get() > 0) {
                throw new IllegalStateException("ceiling stage: " + unparsed.get()
                        + " generated records did not parse");
            }
            return rate;
        } finally {
            stop.set(true);
            reader.join();
        }
    }

    private static void read(String bootstrap, String topic, long events, AtomicLong seen, AtomicLong unparsed,
                             AtomicBoolean stop) {
        CloudTrailParser parser = new CloudTrailParser();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (seen.get() < events && !stop.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!(parser.parse(record.value()) instanceof ParseResult.Parsed)) {
                        unparsed.incrementAndGet();
                    }
                    seen.incrementAndGet();
                }
            }
        }
    }
}
