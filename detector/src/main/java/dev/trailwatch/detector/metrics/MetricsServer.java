package dev.trailwatch.detector.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector's HTTP endpoints for Prometheus and for orchestrators, on the JDK's built-in HTTP server.
 *
 * <ul>
 *   <li>{@code GET /metrics}: the registry in the Prometheus text format 0.0.4, or OpenMetrics 1.0 when the
 *       {@code Accept} header asks for {@code application/openmetrics-text} (as Prometheus itself does).</li>
 *   <li>{@code GET /health}: 200 {@code ok} while the process is alive (liveness).</li>
 *   <li>{@code GET /ready}: 200 when the supplied check finds nothing wrong (the detector is RUNNING and making
 *       progress or idle), else 503 with the reason (readiness).</li>
 *   <li>Anything else: 404; a method other than GET or HEAD: 405.</li>
 * </ul>
 */
public final class MetricsServer implements AutoCloseable {

    public static final String DEFAULT_HOST = "0.0.0.0";
    static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_FORMAT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
    private static final String PLAIN_TEXT = "text/plain; charset=utf-8";
    private static final int THREADS = 2;

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    /** Null when ready, else why not. */
    private final Supplier<String> notReadyReason;

    private MetricsServer(HttpServer server, ExecutorService executor, PrometheusMeterRegistry registry,
            Supplier<String> notReadyReason) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
        this.notReadyReason = notReadyReason;
    }

    /** Serves on all interfaces ({@value #DEFAULT_HOST}); {@code port} 0 picks a free one (see {@link #port()}). */
    public static MetricsServer start(int port, PrometheusMeterRegistry registry, BooleanSupplier ready) {
        return start(DEFAULT_HOST, port, registry, ready);
    }

    /** Serves on {@code host} (an address or name to bind, e.g. {@code 127.0.0.1}) and {@code port} (0: any free). */
    public static MetricsServer start(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier ready) {
        return start(host, port, registry, () -> ready.getAsBoolean() ? null : "not ready");
    }

    /** As above; {@code notReadyReason} gives null when ready, else the reason /ready prints with its 503. */
    public static MetricsServer start(String host, int port, PrometheusMeterRegistry registry,
            Supplier<String> notReadyReason) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port, e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
        MetricsServer metricsServer = new MetricsServer(server, executor, registry, notReadyReason);
        server.createContext("/", metricsServer::handle);
        server.setExecutor(executor);
        server.start();
        log.info("Serving /metrics, /health and /ready on http://{}:{}", host, metricsServer.port());
        return metricsServer;
    }

    /** The bound port: the one asked for, or the one picked for port 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, PLAIN_TEXT, "method not allowed\n");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/metrics" -> serveMetrics(exchange);
                case "/health" -> respond(exchange, 200, PLAIN_TEXT, "ok\n");
                case "/ready" -> serveReady(exchange);
                default -> respond(exchange, 404, PLAIN_TEXT, "not found\n");
            }
        } catch (RuntimeException e) {
            // The JDK server would drop the connection without a word; say what went wrong instead.
            log.warn("Failed to answer {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            if (exchange.getResponseCode() == -1) {
                respond(exchange, 500, PLAIN_TEXT, "internal error\n");
            }
        }
    }

    private void serveMetrics(HttpExchange exchange) throws IOException {
        String contentType = wantsOpenMetrics(exchange.getRequestHeaders().getFirst("Accept"))
                ? OPENMETRICS_FORMAT : TEXT_FORMAT;
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        registry.scrape(body, contentType);
        respond(exchange, 200, contentType, body.toByteArray());
    }

    private void serveReady(HttpExchange exchange) throws IOException {
        String reason = notReadyReason.get();
        if (reason == null) {
            respond(exchange, 200, PLAIN_TEXT, "ready\n");
        } else {
            respond(exchange, 503, PLAIN_TEXT, reason.startsWith("not ready") ? reason + "\n"
                    : "not ready: " + reason + "\n");
        }
    }

    static boolean wantsOpenMetrics(String accept) {
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text");
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        respond(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        // -1: no body (HEAD); the length is still announced for GET.
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "trailwatch-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
