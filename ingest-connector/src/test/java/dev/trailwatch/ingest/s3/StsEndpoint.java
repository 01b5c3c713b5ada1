package dev.trailwatch.ingest.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * An AWS STS endpoint on loopback speaking the Query API (form-encoded POST, XML answer) for
 * {@code AssumeRoleWithWebIdentity} and {@code AssumeRole}: each call gets temporary credentials of its own
 * ({@code ASIA...} key, session token), as the real service would. Records every call for the test to check.
 */
final class StsEndpoint implements AutoCloseable {

    /** One call: the form parameters and the Authorization header (absent for AssumeRoleWithWebIdentity). */
    record Call(Map<String, String> params, String authorization) {
        String action() {
            return params.get("Action");
        }
    }

    /** Credentials handed out by one call. */
    record Issued(String accessKeyId, String secretAccessKey, String sessionToken) {
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Issued> issued = new CopyOnWriteArrayList<>();

    StsEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Issued> issued() {
        return List.copyOf(issued);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> params = form(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            calls.add(new Call(params, exchange.getRequestHeaders().getFirst("Authorization")));
            String action = params.getOrDefault("Action", "");
            if (!action.equals("AssumeRoleWithWebIdentity") && !action.equals("AssumeRole")) {
                respond(exchange, 400, error("InvalidAction", "unsupported action " + action));
                return;
            }
            int n = issued.size() + 1;
            Issued credentials = new Issued(String.format("ASIASTSLOOPBACK%05d", n), "sts-secret-" + n,
                    "sts-session-token-" + n);
            issued.add(credentials);
            respond(exchange, 200, answer(action, params, credentials));
        }
    }

    private static String answer(String action, Map<String, String> params, Issued c) {
        String session = params.getOrDefault("RoleSessionName", "session");
        String role = params.getOrDefault("RoleArn", "arn:aws:iam::111122223333:role/unknown");
        String roleName = role.substring(role.lastIndexOf('/') + 1);
        String expiration = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        String webIdentity = action.equals("AssumeRoleWithWebIdentity")
                ? "<SubjectFromWebIdentityToken>system:serviceaccount:trailwatch:trailwatch-ingest"
                        + "</SubjectFromWebIdentityToken><Audience>sts.amazonaws.com</Audience>"
                        + "<Provider>arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EX"
                        + "</Provider>"
                : "";
        return "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<" + action + "Result>" + webIdentity
                + "<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/" + roleName + "/" + session
                + "</Arn><AssumedRoleId>AROAEXAMPLEROLEID:" + session + "</AssumedRoleId></AssumedRoleUser>"
                + "<Credentials><AccessKeyId>" + c.accessKeyId() + "</AccessKeyId><SecretAccessKey>"
                + c.secretAccessKey() + "</SecretAccessKey><SessionToken>" + c.sessionToken() + "</SessionToken>"
                + "<Expiration>" + expiration + "</Expiration></Credentials>"
                + "</" + action + "Result>"
                + "<ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>"
                + "</" + action + "Response>";
    }

    private static String error(String code, String message) {
        return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>"
                + code + "</Code><Message>" + message + "</Message></Error><RequestId>0</RequestId></ErrorResponse>";
    }

    private static void respond(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> form(String body) {
        return java.util.Arrays.stream(body.split("&")).filter(p -> !p.isEmpty()).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(kv -> decode(kv[0]), kv -> kv.length > 1 ? decode(kv[1]) : "",
                        (a, b) -> b));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
