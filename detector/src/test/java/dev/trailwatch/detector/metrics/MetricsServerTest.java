package dev.trailwatch.detector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean ready = new AtomicBoolean(false);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private MetricsServer server;

    @BeforeEach
    void startServer() {
        Counter.builder("trailwatch.test.events").tag("account", "111111111111").register(registry).increment(3);
        server = MetricsServer.start("127.0.0.1", 0, registry, ready::get);
    }

    @AfterEach
    void stopServer() {
        server.close();
        registry.close();
    }

    @Test
    void picksAFreePortWhenAskedForPortZero() {
        assertThat(server.port()).isPositive();
    }

    @Test
    void servesMetricsInThePrometheusTextFormat() throws Exception {
        HttpResponse<String> response = get("/metrics", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body())
                .contains("# TYPE trailwatch_test_events_total counter")
                .contains("trailwatch_test_events_total{account=\"111111111111\"} 3.0");
    }

    @Test
    void servesOpenMetricsWhenTheScraperAsksForIt() throws Exception {
        String prometheusAccept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

        HttpResponse<String> response = get("/metrics", prometheusAccept);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(response.body())
                .contains("trailwatch_test_events_total{account=\"111111111111\"} 3.0")
                .endsWith("# EOF\n");
    }

    @Test
    void answersHealthWhileTheProcessIsAlive() throws Exception {
        HttpResponse<String> response = get("/health", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok\n");
    }

    @Test
    void answersReadyOnlyWhenTheCheckSaysSo() throws Exception {
        assertThat(get("/ready", null).statusCode()).isEqualTo(503);

        ready.set(true);

        HttpResponse<String> response = get("/ready", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ready\n");
    }

    @Test
    void saysWhyItIsNotReady() throws Exception {
        try (MetricsServer withReason = MetricsServer.start("127.0.0.1", 0, registry,
                () -> "no answer from the brokers for 12 s")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + withReason.port() + "/ready")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).isEqualTo("not ready: no answer from the brokers for 12 s\n");
        }
    }

    @Test
    void answersNotFoundForAnyOtherPath() throws Exception {
        assertThat(get("/nope", null).statusCode()).isEqualTo(404);
        assertThat(get("/", null).statusCode()).isEqualTo(404);
        assertThat(get("/metrics/extra", null).statusCode()).isEqualTo(404);
    }

    @Test
    void answersHeadWithoutABodyAndRefusesOtherMethods() throws Exception {
        HttpResponse<String> head = send(HttpRequest.newBuilder(uri("/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build());

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void recognisesTheOpenMetricsAcceptHeader() {
        assertThat(MetricsServer.wantsOpenMetrics("application/openmetrics-text; version=1.0.0")).isTrue();
        assertThat(MetricsServer.wantsOpenMetrics("text/plain;version=0.0.4")).isFalse();
        assertThat(MetricsServer.wantsOpenMetrics(null)).isFalse();
    }

    private HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        return send(request.build());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
