package dev.trailwatch.detector.bench;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Stage 2: the streams baseline ({@link BaselineApp}) in its own JVM, watched like the detector. */
final class BaselineStage {

    private BaselineStage() {
    }

    static Throughput.Rate run(DetectorConfig config, String bootstrap, List<String> jvmOptions, Path dir,
                               long events, double warmup, Duration timeout) throws Exception {
        Files.createDirectories(dir);
        DetectorConfig own = config.with(java.util.Map.of(DetectorConfig.KAFKA_PREFIX + "state.dir",
                Files.createDirectories(dir.resolve("state")).toString()));
        try (AppProcess app = AppProcess.baseline(own, jvmOptions, dir);
             CommittedOffsets progress = new CommittedOffsets(bootstrap, BaselineApp.applicationId(own),
                     config.get(Settings.TOPIC_EVENTS))) {
            return Throughput.measure("baseline", events, warmup, progress::get, app::alive, timeout,
                    Duration.ofMillis(100));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " (its output is in " + dir.resolve("baseline.log")
                    + ")", e);
        }
    }
}
