package dev.trailwatch.detector.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster (KRaft broker and controller in one process) running inside this JVM.
 *
 * <p>It backs {@code trailwatch demo} and {@code trailwatch scan} and the integration tests: a real broker, so the
 * detector runs with {@code exactly_once_v2}, real changelogs and real repartition topics, without Docker or an
 * installed Kafka. It listens on loopback only. Replication factors and min ISR are 1, so transactions and internal
 * topics work on one broker; time-based retention is off, so replayed history with old event-time timestamps is not
 * deleted under the detector's feet.
 *
 * <p>Storage in {@code <dataDir>/kafka} is formatted only when it has no {@code meta.properties}: a second start on the
 * same directory finds its topics, offsets and transactions again. Ports are new on every start.
 *
 * <p>Like any Kafka broker, it halts the JVM on a fatal fault (a corrupt metadata log, a full disk): it is meant for
 * {@code demo}, {@code scan} and tests, not for a process that must outlive its broker.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    private final Path dataDir;
    private final boolean ownsDataDir;
    private final String bootstrapServers;
    private final KafkaRaftServer server;
    private final Admin admin;
    private Map<String, String> listenerAddresses = Map.of();
    private boolean closed;

    private EmbeddedKafka(Path dataDir, boolean ownsDataDir, String bootstrapServers, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.bootstrapServers = bootstrapServers;
        this.server = server;
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "trailwatch-embedded-admin"));
    }

    /** Starts a broker in a new temporary directory, deleted again by {@link #close()}. */
    public static EmbeddedKafka start() {
        try {
            return start(Files.createTempDirectory("trailwatch-kafka-"), true, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the embedded broker", e);
        }
    }

    /** Starts a broker whose data lives in {@code dataDir} (created if absent, kept on close, reused if formatted). */
    public static EmbeddedKafka start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    /**
     * Starts a broker on {@code dataDir} with broker settings layered over the defaults ({@code overrides} win).
     * Listener, port and directory settings are this class's own and cannot be overridden.
     */
    public static EmbeddedKafka start(Path dataDir, Map<String, String> overrides) {
        return start(dataDir, false, overrides);
    }

    /**
     * Starts a broker with extra client listeners next to the PLAINTEXT one (which inter-broker traffic and
     * {@link #admin()} keep using): {@code listeners} maps a listener name (e.g. {@code SCRAM}) to its security
     * protocol ({@code SASL_SSL}, {@code SSL}); its settings go in {@code overrides} as
     * {@code listener.name.<name lower-case>.*}. For tests of secured clients; see {@link #bootstrapServers(String)}.
     */
    public static EmbeddedKafka start(Path dataDir, Map<String, String> overrides, Map<String, String> listeners) {
        return start(dataDir, false, overrides, listeners);
    }

    private static EmbeddedKafka start(Path dataDir, boolean ownsDataDir, Map<String, String> overrides) {
        return start(dataDir, ownsDataDir, overrides, Map.of());
    }

    private static EmbeddedKafka start(Path dataDir, boolean ownsDataDir, Map<String, String> overrides,
                                       Map<String, String> extraListeners) {
        long started = System.nanoTime();
        Path logDir = dataDir.resolve("kafka");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's data directory " + logDir, e);
        }
        RuntimeException lastFailure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            // A port picked up front can be taken by another process before the broker binds it: try fresh ones.
            int[] ports = LoopbackPorts.pick(2 + extraListeners.size());
            Map<String, Map.Entry<String, Integer>> extra = new java.util.LinkedHashMap<>();
            int next = 2;
            for (Map.Entry<String, String> listener : extraListeners.entrySet()) {
                extra.put(listener.getKey(), Map.entry(listener.getValue(), ports[next++]));
            }
            Properties props = BrokerSettings.properties(logDir, ports[0], ports[1], overrides, extra);
            BrokerStorage.formatIfNeeded(logDir, props);
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                lastFailure = e;
                log.warn("Embedded Kafka broker failed to start on ports {} and {} (attempt {}): {}",
                        ports[0], ports[1], attempt, e.toString());
                shutdownQuietly(server);
                continue;
            }
            EmbeddedKafka kafka = new EmbeddedKafka(dataDir, ownsDataDir, "127.0.0.1:" + ports[0], server);
            Map<String, String> addresses = new java.util.HashMap<>();
            extra.forEach((name, protocolAndPort) -> addresses.put(name, "127.0.0.1:" + protocolAndPort.getValue()));
            kafka.listenerAddresses = Map.copyOf(addresses);
            kafka.awaitReady();
            log.info("Embedded Kafka broker ready at {} (data in {}) in {} ms", kafka.bootstrapServers, logDir,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return kafka;
        }
        throw new KafkaException("the embedded Kafka broker did not start after " + START_ATTEMPTS + " attempts",
                lastFailure);
    }

    /** {@code host:port} of an extra listener given to {@link #start(Path, Map, Map)}. */
    public String bootstrapServers(String listener) {
        String address = listenerAddresses.get(listener);
        if (address == null) {
            throw new IllegalArgumentException("no listener " + listener + "; listeners: " + listenerAddresses.keySet());
        }
        return address;
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The directory given to {@link #start(Path)} (or the temporary one); the broker's logs are in its {@code kafka}. */
    public Path dataDir() {
        return dataDir;
    }

    /** Creates a topic with replication factor 1; an existing topic of that name is left as it is. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.of((short) 1)).configs(configs)));
    }

    /**
     * Creates the topics that do not exist yet (topics that already exist are left as they are) and returns once the
     * broker serves their metadata, so a producer or a Streams client started next finds them.
     */
    public void createTopics(Collection<NewTopic> topics) {
        admin.createTopics(topics).values().forEach((name, future) -> {
            try {
                future.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new KafkaException("cannot create topic " + name, e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while creating topic " + name, e);
            } catch (TimeoutException e) {
                throw new KafkaException("timed out creating topic " + name, e);
            }
        });
        awaitMetadata(topics.stream().map(NewTopic::name).toList());
    }

    /** An admin client on this broker, owned by this instance: do not close it. */
    public Admin admin() {
        return admin;
    }

    /** Stops the broker cleanly; a temporary data directory created by {@link #start()} is deleted. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        admin.close(Duration.ofSeconds(5));
        shutdownQuietly(server);
        log.info("Embedded Kafka broker at {} stopped in {} ms", bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        if (ownsDataDir) {
            DataDirs.deleteRecursively(dataDir);
        }
    }

    /** The controller has committed the topics; wait until the broker's metadata cache has them too. */
    private void awaitMetadata(List<String> names) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try {
                admin.describeTopics(names).allTopicNames().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new KafkaException("topics " + names + " did not appear on the broker", e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for topics " + names, e);
            } catch (TimeoutException e) {
                throw new KafkaException("timed out waiting for topics " + names, e);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for topics " + names, e);
            }
        }
    }

    private void awaitReady() {
        try {
            admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            close();
            throw new KafkaException("the embedded Kafka broker at " + bootstrapServers + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new KafkaException("interrupted while waiting for the embedded Kafka broker", e);
        }
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Embedded Kafka broker did not shut down cleanly", e);
        }
    }
}
