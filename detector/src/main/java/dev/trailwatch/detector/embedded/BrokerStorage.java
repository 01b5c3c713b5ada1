package dev.trailwatch.detector.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.tools.StorageTool;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Formats the embedded broker's log directory with Kafka's storage tool, once: a formatted directory is reused. */
final class BrokerStorage {

    private static final Logger log = LoggerFactory.getLogger(BrokerStorage.class);

    private BrokerStorage() {
    }

    /** Formats {@code logDir} for a new cluster unless it already holds {@code meta.properties}. */
    static void formatIfNeeded(Path logDir, Properties props) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            log.debug("Reusing formatted broker storage in {}", logDir);
            return;
        }
        Path configFile = writeTemporaryConfig(props);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        // Transaction protocol v1: with v2, Kafka 4.2 on this single in-process node logs spurious
        // OutOfOrderSequence errors and CONCURRENT_TRANSACTIONS retries on changelog partitions (results stay right,
        // but a demo should not print broker errors, and the retries cost a scan about half its speed).
        String[] args = {"format", "--config", configFile.toString(), "--cluster-id", Uuid.randomUuid().toString(),
                "--ignore-formatted", "--feature", "transaction.version=1"};
        int exit;
        try (PrintStream printer = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            // execute, not main: main exits the JVM.
            exit = StorageTool.execute(args, printer);
        } catch (RuntimeException e) {
            throw new KafkaException("formatting broker storage in " + logDir + " failed: " + output, e);
        } finally {
            DataDirs.deleteRecursively(configFile);
        }
        if (exit != 0) {
            throw new KafkaException("formatting broker storage in " + logDir + " failed (exit " + exit + "): "
                    + output.toString(StandardCharsets.UTF_8).trim());
        }
        log.debug("Formatted broker storage: {}", output.toString(StandardCharsets.UTF_8).trim());
    }

    private static Path writeTemporaryConfig(Properties props) {
        try {
            Path file = Files.createTempFile("trailwatch-kafka-", ".properties");
            try (OutputStream out = Files.newOutputStream(file)) {
                props.store(out, "TrailWatch embedded broker");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the embedded broker's configuration", e);
        }
    }
}
