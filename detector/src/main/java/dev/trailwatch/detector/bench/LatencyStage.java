package dev.trailwatch.detector.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Stage 4: live traffic at a fixed rate into the warm detector; for each injected attack, the time from the broker
 * acknowledging the event that completes it to its alert being readable on the alerts topic.
 */
final class LatencyStage {

    /** An attack round every this many seconds of traffic: ~15 latency samples per second at the default rate. */
    private static final double ROUND_EVERY_SECONDS = 0.2;

    private LatencyStage() {
    }

    static Map<String, Object> run(DetectorStage detector, KafkaProducer<String, byte[]> producer, String topic,
                                   long seed, int accounts, int rate, int seconds, int firstRound,
                                   Duration alertWait) throws InterruptedException {
        long total = Math.max(200, (long) rate * seconds);
        TrafficGenerator generator = TrafficGenerator.live(seed, accounts, Instant.now(), rate,
                Math.round(rate * ROUND_EVERY_SECONDS), firstRound);
        // ack times of every attack step; which step completes which attack is known once generation returns
        Map<String, Long> ackedAt = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        List<TrafficGenerator.Attack> attacks = generator.generate(total, (i, e) -> {
            pace(start + i * interval);
            ProducerRecord<String, byte[]> record = e.toProducerRecord(topic);
            String id = e.attackEventId();
            if (id != null) {
                producer.send(record, (metadata, error) -> ackedAt.put(id, System.nanoTime()));
            } else {
                producer.send(record);
            }
        });
        producer.flush();
        double produceSeconds = (System.nanoTime() - start) / 1e9;
        List<String> missing = detector.awaitAttacks(attacks, alertWait);
        List<Long> samples = new ArrayList<>();
        for (TrafficGenerator.Attack attack : attacks) {
            Long acked = ackedAt.get(attack.triggerEventId());
            Long alerted = detector.alertedAt(attack);
            if (acked != null && alerted != null) {
                samples.add(Math.max(0, (alerted - acked) / 1_000_000));
            }
        }
        samples.sort(Comparator.naturalOrder());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("rate", rate);
        result.put("events", total);
        result.put("achieved_rate", Math.round(total / produceSeconds));
        result.put("samples", samples.size());
        result.put("p50_ms", percentile(samples, 50));
        result.put("p99_ms", percentile(samples, 99));
        result.put("max_ms", samples.isEmpty() ? null : samples.get(samples.size() - 1));
        result.put("attacks_missed", missing);
        return result;
    }

    /** Sleeps, then spins, until {@code due} (nanoTime). */
    private static void pace(long due) {
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            if (wait > 1_000_000) {
                try {
                    Thread.sleep(wait / 1_000_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("latency stage interrupted", e);
                }
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** Nearest-rank percentile of sorted samples, or null when there are none. */
    static Long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
