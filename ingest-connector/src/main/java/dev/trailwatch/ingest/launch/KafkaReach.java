package dev.trailwatch.ingest.launch;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;

/**
 * Fails fast, and says why, when Kafka cannot be used: before a command starts its work it asks the cluster for its
 * brokers with the user's own client settings (security included) and a short deadline. Left to themselves the Kafka
 * clients retry silently for a minute and then name neither the address nor the cause.
 *
 * <p>On failure each bootstrap address is probed on its own (name lookup, TCP connect), so the message says what was
 * tried: "host not found", "connection refused", "no answer", or "TCP works but no Kafka answer" (a TLS or SASL
 * listener spoken to in plain text, or the other way round).
 */
public final class KafkaReach {

    /** How long a command waits for the cluster before it gives up (the bound is 15 s, probes included). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final int PROBE_MILLIS = 2_000;

    private KafkaReach() {
    }

    /**
     * Connects with the given client settings and lists the cluster's brokers within {@code timeout}.
     *
     * @param clientSettings Kafka client settings (producer, Streams or admin ones; what an admin client does not
     *                       know is left out), including {@code bootstrap.servers}
     * @param source         where the bootstrap servers came from, for the message (e.g. {@code kafka.bootstrap.servers})
     * @throws KafkaCheckFailed naming the servers and the cause; exit code 2 for a setting to fix (authentication,
     *                          TLS, mechanism), 1 when the cluster is out of reach
     */
    public static void check(Map<String, ?> clientSettings, String source, Duration timeout) {
        String servers = String.valueOf(clientSettings.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        String where = "Kafka at " + servers + " (" + source + ")";
        Map<String, Object> admin = adminSettings(clientSettings, timeout);
        Admin client;
        try {
            client = Admin.create(admin);
        } catch (KafkaException e) {
            String why = rootMessage(e);
            if (why.contains("bootstrap")) { // "No resolvable bootstrap urls given in bootstrap.servers"
                throw new KafkaCheckFailed("cannot reach " + where + ": " + why + "; tried " + probe(servers), 1);
            }
            String hint = why.contains("JAAS") ? " (set sasl.jaas.config: docs/security.md has one per mechanism)" : "";
            throw new KafkaCheckFailed("bad Kafka client setting for " + where + ": " + why + hint, 2);
        }
        try {
            client.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(where, servers, timeout, e.getCause());
        } catch (TimeoutException e) {
            throw failure(where, servers, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaCheckFailed("interrupted while connecting to " + where, 1);
        } finally {
            client.close(Duration.ZERO);
        }
    }

    private static KafkaCheckFailed failure(String where, String servers, Duration timeout, Throwable cause) {
        if (cause instanceof SslAuthenticationException) {
            return new KafkaCheckFailed("TLS handshake with " + where + " failed: " + rootMessage(cause)
                    + " (check ssl.truststore.*, ssl.keystore.* and security.protocol)", 2);
        }
        if (cause instanceof UnsupportedSaslMechanismException) {
            return new KafkaCheckFailed(where + " does not offer this SASL mechanism: " + rootMessage(cause)
                    + " (check sasl.mechanism)", 2);
        }
        if (cause instanceof AuthenticationException) {
            return new KafkaCheckFailed(where + " refused authentication: " + rootMessage(cause)
                    + " (check the credentials in sasl.jaas.config or the key store)", 2);
        }
        if (cause instanceof AuthorizationException) {
            return new KafkaCheckFailed(where + " denied access: " + rootMessage(cause)
                    + " (see the ACLs in docs/security.md)", 2);
        }
        if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return new KafkaCheckFailed("cannot reach " + where + " within " + timeout.toSeconds() + " s; tried "
                    + probe(servers), 1);
        }
        return new KafkaCheckFailed("cannot use " + where + ": " + rootMessage(cause) + "; tried " + probe(servers), 1);
    }

    /** Admin-client settings only (no warnings about unused producer or Streams keys), with the deadline. */
    private static Map<String, Object> adminSettings(Map<String, ?> clientSettings, Duration timeout) {
        Map<String, Object> admin = new HashMap<>();
        clientSettings.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key) && value != null) {
                admin.put(key, value);
            }
        });
        int millis = (int) timeout.toMillis();
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        admin.put(AdminClientConfig.CLIENT_ID_CONFIG, "trailwatch-connection-check");
        return admin;
    }

    /** What each bootstrap address does at the network level, in one line. */
    static String probe(String servers) {
        List<CompletableFuture<String>> probes = new ArrayList<>();
        for (String entry : servers.split(",")) {
            String server = entry.trim();
            if (!server.isEmpty()) {
                probes.add(CompletableFuture.supplyAsync(() -> server + ": " + probeOne(server)));
            }
        }
        return String.join("; ", probes.stream().map(CompletableFuture::join).toList());
    }

    private static String probeOne(String server) {
        int colon = server.lastIndexOf(':');
        if (colon <= 0 || colon == server.length() - 1) {
            return "not HOST:PORT";
        }
        String host = server.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(server.substring(colon + 1));
        } catch (NumberFormatException e) {
            return "port is not a number";
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return "host not found (DNS)";
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), PROBE_MILLIS);
            return "TCP connect to " + address.getHostAddress() + " works, but no Kafka answer: check security.protocol "
                    + "(TLS or SASL listener?) and that the broker is up";
        } catch (ConnectException e) {
            return "connection refused by " + address.getHostAddress() + " (nothing listens on port " + port + ")";
        } catch (SocketTimeoutException e) {
            return "no answer from " + address.getHostAddress() + " within " + PROBE_MILLIS / 1000 + " s "
                    + "(firewall, security group or wrong address)";
        } catch (IOException e) {
            return address.getHostAddress() + ": " + e.getMessage();
        }
    }

    /** The innermost message, without exception class names. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        String message = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
