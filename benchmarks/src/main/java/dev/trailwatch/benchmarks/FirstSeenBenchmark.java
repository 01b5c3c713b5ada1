package dev.trailwatch.benchmarks;

import dev.trailwatch.detector.config.BaselineSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.baseline.FirstUseHarness;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The first-region-use / first-service-use lookup every counted event makes ("has this account used this region and
 * service before?"), once the baselines are learned: answered by the processor's LRU, or by a RocksDB read when the
 * account is not in it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FirstSeenBenchmark {

    /** A known region and service of an account in the LRU (the default cache size): no store access at all. */
    @Benchmark
    public void cacheHit(Cached baseline) {
        baseline.processNext();
    }

    /** The same events with no LRU ({@code baseline.cache-size=0}): a RocksDB get and a Smile read per event. */
    @Benchmark
    public void cacheMiss(Uncached baseline) {
        baseline.processNext();
    }

    /** A processor over a fresh store that has seen every event once, so every account's baseline is learned. */
    @State(Scope.Thread)
    public abstract static class Learned {

        private final int cacheSize;
        private FirstUseHarness harness;
        private Cycle<CloudTrailEvent> events;

        Learned(int cacheSize) {
            this.cacheSize = cacheSize;
        }

        @Setup
        public void learn() throws IOException {
            harness = new FirstUseHarness(cacheSize);
            List<CloudTrailEvent> counted = harness.counted(Traffic.events());
            counted.forEach(harness::process);
            events = new Cycle<>(counted);
        }

        @TearDown
        public void close() {
            harness.close();
        }

        void processNext() {
            harness.process(events.next());
        }
    }

    /** The default {@code baseline.cache-size}: every account of the traffic stays in the LRU. */
    public static class Cached extends Learned {
        public Cached() {
            super(DetectorConfig.defaults().get(BaselineSettings.CACHE_SIZE));
        }
    }

    /** {@code baseline.cache-size=0}: every lookup reads the store. */
    public static class Uncached extends Learned {
        public Uncached() {
            super(0);
        }
    }
}
