package dev.trailwatch.detector.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where {@code trailwatch run} keeps its local state (RocksDB copies of the changelogs). Kafka Streams' own default is
 * the OS temp directory, which the OS may clear under a running detector (and Kafka Streams warns about it on every
 * start); {@code run} uses a durable folder instead: {@code kafka.state.dir} when set, else
 * {@code $XDG_STATE_HOME/trailwatch}, else {@code ~/.local/state/trailwatch}. {@code demo}, {@code scan} and tests keep
 * temp folders of their own.
 */
public final class StateDirectory {

    public static final String KEY = DetectorConfig.KAFKA_PREFIX + "state.dir";

    private StateDirectory() {
    }

    /** {@code config} with a durable, writable state directory; a folder that cannot be used is the user's to fix. */
    public static DetectorConfig durable(DetectorConfig config, Map<String, String> env) {
        String configured = config.kafka().get("state.dir");
        Path dir = configured == null || configured.isBlank() ? defaultDir(env) : Path.of(configured);
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new ConfigException("cannot create the state directory " + dir + " (" + KEY + "): " + e
                    + "; set " + KEY + " to a writable folder on a persistent disk");
        }
        if (!Files.isWritable(dir)) {
            throw new ConfigException("the state directory " + dir + " (" + KEY + ") is not writable by this user; "
                    + "set " + KEY + " to a writable folder on a persistent disk");
        }
        return configured == null || configured.isBlank() ? config.with(Map.of(KEY, dir.toString())) : config;
    }

    static Path defaultDir(Map<String, String> env) {
        String xdg = env.get("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("trailwatch");
    }
}
