package dev.trailwatch.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The credentials SOCs run TrailWatch with on AWS, through the SDK's own providers and TrailWatch's own S3 and SQS
 * clients ({@link AwsClients}): EKS pod roles (IRSA: a projected service-account token file plus a role ARN,
 * exchanged at STS with {@code AssumeRoleWithWebIdentity}) and {@code role_arn} profiles ({@code AssumeRole} with a
 * source profile's keys). STS is an in-test endpoint on loopback speaking the STS Query API; the temporary
 * credentials it hands out then sign real S3 (S3Mock) and SQS (ElasticMQ) calls. Neither fake checks signatures, so
 * the test checks the signatures' credential scope and session token itself, on the requests as sent.
 */
class AwsCredentialChainsIT {

    static final int S3_PORT = freePort();
    static final String BUCKET = "org-trail";
    static final String ROLE = "arn:aws:iam::111122223333:role/trailwatch-ingest";

    @RegisterExtension
    static final S3MockExtension S3_MOCK = S3MockExtension.builder().silent().withSecureConnection(false)
            .withHttpPort(S3_PORT).withProperty("server.address", "127.0.0.1").withInitialBuckets(BUCKET).build();

    static int sqsPort;
    static SQSRestServer elasticMq;

    @TempDir
    Path dir;
    StsEndpoint sts;
    final Map<String, String> saved = new java.util.HashMap<>();

    @BeforeAll
    static void startSqs() {
        sqsPort = freePort();
        elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(sqsPort).start();
        elasticMq.waitUntilStarted();
    }

    @AfterAll
    static void stopSqs() {
        elasticMq.stopAndWait();
    }

    @BeforeEach
    void startSts() throws IOException {
        sts = new StsEndpoint();
        // As on a pod: region from the environment, STS at its (here: loopback) endpoint, no keys anywhere.
        set("aws.region", "eu-west-1");
        set("aws.endpointUrlSts", sts.uri().toString());
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
    void podRoleFromAServiceAccountTokenFileSignsS3AndSqsCalls() throws IOException {
        Path token = Files.writeString(dir.resolve("eks.amazonaws.com/serviceaccount/token".replace('/', '_')),
                "eyJhbGciOiJSUzI1NiIsImtpZCI6ImV4YW1wbGUifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6dHJhaWx3YXRjaDp0"
                        + "cmFpbHdhdGNoLWluZ2VzdCJ9.c2lnbmF0dXJl");
        set("aws.webIdentityTokenFile", token.toString());
        set("aws.roleArn", ROLE);
        set("aws.roleSessionName", "trailwatch-ingest-pod");

        AwsCredentials direct = WebIdentityTokenFileCredentialsProvider.create().resolveCredentials();

        assertThat(sts.calls()).hasSize(1);
        StsEndpoint.Call call = sts.calls().get(0);
        assertThat(call.action()).isEqualTo("AssumeRoleWithWebIdentity");
        assertThat(call.params()).containsEntry("RoleArn", ROLE)
                .containsEntry("RoleSessionName", "trailwatch-ingest-pod")
                .containsEntry("WebIdentityToken", Files.readString(token));
        assertThat(direct).isInstanceOf(AwsSessionCredentials.class);
        assertThat(direct.accessKeyId()).isEqualTo(sts.issued().get(0).accessKeyId());

        StsEndpoint.Issued issued = readTrailAndQueueWithTrailWatchClients();

        assertThat(sts.calls()).extracting(StsEndpoint.Call::action).containsOnly("AssumeRoleWithWebIdentity");
        assertThat(issued.accessKeyId()).startsWith("ASIA");
    }

    @Test
    void roleArnProfileAssumesTheRoleWithTheSourceProfilesKeys() throws IOException {
        Path config = Files.writeString(dir.resolve("config"), """
                [profile security-base]
                aws_access_key_id = AKIASOURCEPROFILE01
                aws_secret_access_key = source-profile-secret
                [profile trailwatch]
                role_arn = %s
                source_profile = security-base
                role_session_name = trailwatch-backfill
                region = eu-west-1
                """.formatted(ROLE));
        set("aws.configFile", config.toString());
        set("aws.profile", "trailwatch");

        StsEndpoint.Issued issued = readTrailAndQueueWithTrailWatchClients();

        List<StsEndpoint.Call> assumeRole = sts.calls();
        assertThat(assumeRole).extracting(StsEndpoint.Call::action).containsOnly("AssumeRole");
        assertThat(assumeRole.get(0).params()).containsEntry("RoleArn", ROLE)
                .containsEntry("RoleSessionName", "trailwatch-backfill");
        assertThat(assumeRole.get(0).authorization()).as("AssumeRole is signed with the source profile's key")
                .contains("Credential=AKIASOURCEPROFILE01/").contains("/eu-west-1/sts/aws4_request");
        assertThat(issued.accessKeyId()).startsWith("ASIA");
    }

    /**
     * Writes a trail file to S3 and a notice to SQS, reads both back with {@link AwsClients} on the default
     * credential chain, and checks that every S3 and SQS request was signed with credentials STS issued.
     */
    private StsEndpoint.Issued readTrailAndQueueWithTrailWatchClients() {
        AwsSettings s3Settings = new AwsSettings(null, URI.create("http://127.0.0.1:" + S3_PORT), true, null, null);
        AwsSettings sqsSettings = new AwsSettings(null, URI.create("http://127.0.0.1:" + sqsPort), false, null, null);
        String key = "AWSLogs/111122223333/CloudTrail/eu-west-1/2024/01/15/trail-" + System.nanoTime() + ".json";
        try (S3Client s3 = AwsClients.s3(s3Settings); SqsClient sqs = AwsClients.sqs(sqsSettings)) {
            s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("{\"Records\": []}"));
            assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String()).contains("Records");
            String queue = sqs.createQueue(b -> b.queueName("trail-notices-" + System.nanoTime())).queueUrl();
            sqs.sendMessage(b -> b.queueUrl(queue).messageBody("{\"s3Bucket\":\"" + BUCKET + "\"}"));
            assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages()).hasSize(1);
        }
        assertThat(sts.issued()).isNotEmpty();
        Map<String, StsEndpoint.Issued> byKey = new java.util.HashMap<>();
        sts.issued().forEach(i -> byKey.put(i.accessKeyId(), i));
        for (String endpoint : List.of("127.0.0.1:" + S3_PORT, "127.0.0.1:" + sqsPort)) {
            List<SignedRequests.Signed> requests = SignedRequests.to(endpoint).stream()
                    .filter(r -> byKey.keySet().stream().anyMatch(k -> r.authorization().contains(k))).toList();
            assertThat(requests).as("requests to %s signed with credentials from STS", endpoint).hasSizeGreaterThan(1);
            assertThat(requests).allSatisfy(r -> {
                String accessKey = r.authorization().replaceFirst("^AWS4-HMAC-SHA256 Credential=([^/]+)/.*$", "$1");
                assertThat(byKey).containsKey(accessKey);
                assertThat(r.securityToken()).isEqualTo(byKey.get(accessKey).sessionToken());
                assertThat(r.status()).as(r.operation()).isBetween(200, 299);
            });
        }
        StsEndpoint.Issued issued = sts.issued().get(0);
        return issued;
    }

    private void set(String property, String value) {
        saved.putIfAbsent(property, System.getProperty(property));
        System.setProperty(property, value);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
