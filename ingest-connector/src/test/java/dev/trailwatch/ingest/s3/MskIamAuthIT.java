package dev.trailwatch.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Amazon MSK IAM authentication, as far as it can be checked without MSK: the client settings TrailWatch documents
 * ({@code deploy/client-config/msk-iam*.properties}) load in a real Kafka client, and the SASL payload the bundled
 * {@code aws-msk-iam-auth} builds is the signed {@code kafka-cluster:Connect} request MSK verifies: right host, region
 * and service in the credential scope, the pod-role credentials STS issued (IRSA, through the loopback STS endpoint),
 * and a SigV4 signature recomputed here from the spec. MSK's own verifier (and its IAM policy evaluation) cannot run
 * here: docs/security.md says so.
 */
class MskIamAuthIT {

    static final Path CLIENT_CONFIG = Path.of("..", "deploy", "client-config");
    static final String BROKER = "b-1.trailwatch.a1b2c3.c4.kafka.eu-west-1.amazonaws.com";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    StsEndpoint sts;
    final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void podRole() throws IOException {
        sts = new StsEndpoint();
        Path token = Files.writeString(dir.resolve("token"), "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0d2luZ2VzdCJ9.c2ln");
        set("aws.region", "eu-west-1");
        set("aws.endpointUrlSts", sts.uri().toString());
        set("aws.webIdentityTokenFile", token.toString());
        set("aws.roleArn", "arn:aws:iam::111122223333:role/trailwatch-detector");
        set("aws.roleSessionName", "trailwatch-detector");
        set("aws.configFile", Files.writeString(dir.resolve("no-config"), "").toString());
        set("aws.sharedCredentialsFile", Files.writeString(dir.resolve("no-credentials"), "").toString());
    }

    @AfterEach
    void restore() {
        sts.close();
        saved.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    @Test
    void awsMskIamHandshakeCarriesASignedConnectRequestWithThePodRoleCredentials() throws Exception {
        Map<String, Object> client = load("msk-iam.properties");
        assertThat(client).containsEntry("sasl.mechanism", "AWS_MSK_IAM");

        // What Kafka's SaslClientAuthenticator does with these settings: JAAS login module, client callback
        // handler, then a SaslClient for the mechanism and the broker's host name; its first message is the payload.
        JaasContext jaas = JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                new Password((String) client.get("sasl.jaas.config"))));
        Class.forName("software.amazon.msk.auth.iam.IAMLoginModule"); // registers the SASL client provider
        AuthenticateCallbackHandler handler = handler(client, "sasl.client.callback.handler.class");
        handler.configure(client, "AWS_MSK_IAM", jaas.configurationEntries());
        SaslClient sasl = Sasl.createSaslClient(new String[] {"AWS_MSK_IAM"}, null, "kafka", BROKER, Map.of(),
                handler);
        assertThat(sasl).as("the bundled AWS_MSK_IAM SASL client").isNotNull();

        JsonNode payload = JSON.readTree(sasl.evaluateChallenge(new byte[0]));

        StsEndpoint.Issued issued = onlyIssued();
        String today = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC).format(Instant.now());
        assertThat(payload.path("version").asText()).isEqualTo("2020_10_22");
        assertThat(payload.path("host").asText()).isEqualTo(BROKER);
        assertThat(payload.path("action").asText()).isEqualTo("kafka-cluster:Connect");
        assertThat(payload.path("x-amz-algorithm").asText()).isEqualTo("AWS4-HMAC-SHA256");
        assertThat(payload.path("x-amz-credential").asText())
                .isEqualTo(issued.accessKeyId() + "/" + today + "/eu-west-1/kafka-cluster/aws4_request");
        assertThat(payload.path("x-amz-security-token").asText()).isEqualTo(issued.sessionToken());
        assertThat(payload.path("x-amz-signedheaders").asText()).isEqualTo("host");
        assertThat(payload.toString()).doesNotContain(issued.secretAccessKey());

        Map<String, String> query = new LinkedHashMap<>();
        query.put("Action", payload.path("action").asText());
        payload.fields().forEachRemaining(field -> {
            if (field.getKey().startsWith("x-amz-") && !field.getKey().equals("x-amz-signature")) {
                query.put(QUERY_NAMES.get(field.getKey()), field.getValue().asText());
            }
        });
        assertThat(payload.path("x-amz-signature").asText()).isEqualTo(SigV4Check.presignedSignature(BROKER, query,
                issued.secretAccessKey(), "eu-west-1", "kafka-cluster"));
    }

    @Test
    void oauthbearerTokenIsAPresignedConnectRequestWithThePodRoleCredentials() throws Exception {
        Map<String, Object> client = load("msk-iam-oauthbearer.properties");
        assertThat(client).containsEntry("sasl.mechanism", "OAUTHBEARER");
        JaasContext jaas = JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                new Password((String) client.get("sasl.jaas.config"))));
        AuthenticateCallbackHandler handler = handler(client, "sasl.login.callback.handler.class");
        handler.configure(client, "OAUTHBEARER", jaas.configurationEntries());
        OAuthBearerTokenCallback callback = new OAuthBearerTokenCallback();

        handler.handle(new javax.security.auth.callback.Callback[] {callback});

        StsEndpoint.Issued issued = onlyIssued();
        URI url = URI.create(new String(Base64.getUrlDecoder().decode(callback.token().value()),
                StandardCharsets.UTF_8));
        assertThat(url.getHost()).isEqualTo("kafka.eu-west-1.amazonaws.com");
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : url.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        assertThat(query).containsEntry("Action", "kafka-cluster:Connect")
                .containsEntry("X-Amz-Security-Token", issued.sessionToken());
        assertThat(query.get("X-Amz-Credential")).startsWith(issued.accessKeyId() + "/")
                .endsWith("/eu-west-1/kafka-cluster/aws4_request");
        String signature = query.remove("X-Amz-Signature");
        query.remove("User-Agent"); // appended after signing, as MSK expects
        assertThat(signature).isEqualTo(SigV4Check.presignedSignature(url.getHost(), query,
                issued.secretAccessKey(), "eu-west-1", "kafka-cluster"));
        assertThat(callback.token().lifetimeMs()).isGreaterThan(System.currentTimeMillis());
    }

    @Test
    void bothDocumentedClientConfigsBuildARealKafkaClient() throws Exception {
        for (String file : List.of("msk-iam.properties", "msk-iam-oauthbearer.properties")) {
            Map<String, Object> client = load(file);
            client.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
            client.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            client.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            // Builds the SSL + SASL channel, loads the login module and callback handlers (OAUTHBEARER logs in,
            // i.e. fetches its first token, here).
            new KafkaProducer<byte[], byte[]>(client).close(Duration.ZERO);
        }
        assertThat(sts.calls()).as("the OAUTHBEARER login fetched pod-role credentials").isNotEmpty();
    }

    private StsEndpoint.Issued onlyIssued() {
        assertThat(sts.calls()).extracting(StsEndpoint.Call::action).containsOnly("AssumeRoleWithWebIdentity");
        return sts.issued().get(sts.issued().size() - 1);
    }

    private static AuthenticateCallbackHandler handler(Map<String, Object> client, String key) throws Exception {
        return (AuthenticateCallbackHandler) Class.forName((String) client.get(key)).getConstructor().newInstance();
    }

    private static Map<String, Object> load(String file) throws IOException {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(CLIENT_CONFIG.resolve(file))) {
            props.load(reader);
        }
        Map<String, Object> map = new HashMap<>();
        props.forEach((k, v) -> map.put(k.toString(), v.toString()));
        return map;
    }

    /** The payload's lower-case keys as the signed request's query parameters. */
    private static final Map<String, String> QUERY_NAMES = Map.of("x-amz-algorithm", "X-Amz-Algorithm",
            "x-amz-credential", "X-Amz-Credential", "x-amz-date", "X-Amz-Date", "x-amz-expires", "X-Amz-Expires",
            "x-amz-security-token", "X-Amz-Security-Token", "x-amz-signedheaders", "X-Amz-SignedHeaders");

    private void set(String property, String value) {
        saved.putIfAbsent(property, System.getProperty(property));
        System.setProperty(property, value);
    }
}
