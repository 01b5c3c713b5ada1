package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TrailWatchApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code trailwatch scan s3://bucket/prefix}: history straight from an organization trail's bucket (S3Mock here,
 * reached through the AWS SDK's standard endpoint, region and credential settings, as a user would configure them).
 */
class ScanS3IT {

    private static final int PORT = freePort();
    private static final String BUCKET = "org-trail-logs";
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final Map<String, String> SDK_SETTINGS = Map.of("aws.endpointUrlS3", "http://127.0.0.1:" + PORT,
            "aws.region", "us-east-1", "aws.accessKeyId", "test", "aws.secretAccessKey", "test",
            "trailwatch.s3.pathStyle", "true");

    @RegisterExtension
    static final S3MockExtension S3_MOCK = S3MockExtension.builder().silent().withSecureConnection(false)
            .withHttpPort(PORT).withProperty("server.address", "127.0.0.1").withInitialBuckets(BUCKET).build();

    @TempDir
    Path dir;

    @BeforeEach
    void configureTheSdk() {
        SDK_SETTINGS.forEach(System::setProperty);
    }

    @AfterEach
    void restore() {
        SDK_SETTINGS.keySet().forEach(System::clearProperty);
    }

    @Test
    void scansAnOrganizationTrailPrefixSkippingDigests() throws IOException {
        String day = "AWSLogs/o-abc123/111122223333/CloudTrail/us-east-1/2026/11/20/";
        TestEvents stop = TestEvents.stopLogging(T0).user("mallory");
        try (S3Client s3 = client()) {
            put(s3, day + "111122223333_CloudTrail_us-east-1_20261120T1005Z_aaaaaaaaaaaaaaaa.json.gz",
                    "{\"Records\":[" + stop.json() + ","
                            + TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0.plusSeconds(5)).json() + "]}");
            put(s3, "AWSLogs/o-abc123/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/"
                    + "111122223333_CloudTrail-Digest_us-east-1_org_us-east-1_20261120T1005Z.json.gz", "{\"digest\":1}");
        }
        Path out = dir.resolve("alerts.jsonl");
        StringWriter err = new StringWriter();
        CommandLine cli = TrailWatchApp.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("scan", "--out", out.toString(), "s3://" + BUCKET + "/AWSLogs/o-abc123/");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(Files.readString(out)).contains("\"ruleId\":\"cloudtrail-logging-stopped\"")
                .contains(stop.eventId());
        assertThat(err.toString()).contains("2 events, 1 alerts, 0 rejected");
    }

    @Test
    void failsClearlyForABucketThatDoesNotExist() {
        StringWriter err = new StringWriter();
        CommandLine cli = TrailWatchApp.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("scan", "s3://no-such-bucket/AWSLogs/");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("cannot read s3://no-such-bucket/AWSLogs/");
    }

    /**
     * The case: an organization trail listed in key order gave foreign-account false positives and late events.
     * The same records in S3, as a local tree (account folders named in reverse), as the bundled multi-day files and as
     * a shuffled JSON-lines export give the identical alert set, with nothing late.
     */
    @Test
    void organizationTrailInS3AlertsExactlyAsEveryLocalFormOfTheSameRecords() throws IOException {
        OrgTrailFixture org = new OrgTrailFixture();
        try (S3Client s3 = client()) {
            org.organizationTrail(7, (key, bytes) ->
                    s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes)));
        }
        Path tree = Files.createDirectories(dir.resolve("tree"));
        org.writeOrganizationTrail(tree, 7);
        Path jsonl = dir.resolve("export.jsonl");
        org.writeShuffledJsonLines(jsonl, 11);
        Path samples = Path.of("src/main/resources/samples");
        Path accounts = tree.resolve(OrgTrailFixture.ORG_PREFIX);

        ScanRun fromS3 = ScanRun.of(dir, "s3://" + BUCKET + "/" + OrgTrailFixture.ORG_PREFIX);
        ScanRun fromTree = ScanRun.of(dir, accounts.resolve("333333333333").toString(),
                accounts.resolve("222222222222").toString(), accounts.resolve("111111111111").toString());
        ScanRun fromSamples = ScanRun.of(dir, samples.toString());
        ScanRun fromExport = ScanRun.of(dir, jsonl.toString());

        for (ScanRun run : List.of(fromS3, fromTree, fromSamples, fromExport)) {
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.err()).as(run.err()).contains(org.size() + " events, ")
                    .doesNotContainPattern("\\blate \\d");
        }
        assertThat(fromS3.ruleIds()).contains("console-bruteforce-success", "failed-console-login-burst");
        assertThat(fromS3.lines()).filteredOn(l -> l.contains("\"ruleId\":\"foreign-account\""))
                .as("only the attack's account 999999999999 is foreign, no organization account")
                .singleElement().asString().contains("999999999999");
        assertThat(fromS3.alertsWithoutDetectedAt()).isNotEmpty()
                .isEqualTo(fromTree.alertsWithoutDetectedAt())
                .isEqualTo(fromSamples.alertsWithoutDetectedAt())
                .isEqualTo(fromExport.alertsWithoutDetectedAt());
    }

    /**
     * The objects come back from S3 in whatever order the GETs finish; the scan hands their records on in its own order
     * whatever the number in flight, so one at a time and 24 at a time give the same alerts and counts.
     */
    @Test
    void theAlertsDoNotDependOnHowManyObjectsAreReadAtATime() throws IOException {
        OrgTrailFixture org = new OrgTrailFixture();
        try (S3Client s3 = client()) {
            org.organizationTrail(7, (key, bytes) ->
                    s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes)));
        }
        String trail = "s3://" + BUCKET + "/" + OrgTrailFixture.ORG_PREFIX;

        ScanRun one = ScanRun.of(dir, "--s3-concurrency", "1", trail);
        ScanRun many = ScanRun.of(dir, "--s3-concurrency", "24", trail);

        for (ScanRun run : List.of(one, many)) {
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.err()).as(run.err()).contains(org.size() + " events, ").doesNotContain("rejected:");
        }
        assertThat(many.objectsRead()).isGreaterThan(24).isEqualTo(one.objectsRead());
        assertThat(many.alertsWithoutDetectedAt()).isNotEmpty().isEqualTo(one.alertsWithoutDetectedAt());
    }

    @Test
    void accountsAndRegionsNarrowTheListingAndSinceUntilTheDays() throws IOException {
        OrgTrailFixture org = new OrgTrailFixture();
        try (S3Client s3 = client()) {
            org.organizationTrail(7, (key, bytes) ->
                    s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes)));
        }
        ScanRun narrowed = ScanRun.of(dir, "--accounts", "222222222222", "--regions", "eu-west-1",
                "--since", "2025-03-10", "--until", "2025-03-11T00:00:00Z", "s3://" + BUCKET + "/AWSLogs/");
        ScanRun nothing = ScanRun.of(dir, "--accounts", "999999999999", "s3://" + BUCKET + "/AWSLogs/");

        assertThat(narrowed.exit()).as(narrowed.err()).isZero();
        assertThat(narrowed.err()).containsPattern("\\b[1-9]\\d* events, ");
        assertThat(narrowed.objectsRead()).isBetween(1L, 25L);
        assertThat(nothing.exit()).isEqualTo(2);
        assertThat(nothing.err()).contains("no CloudTrail log files under s3://" + BUCKET + "/AWSLogs/");
    }

    private static S3Client client() {
        return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + PORT)).forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    private static void put(S3Client s3, String key, String json) throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        }
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(gz.toByteArray()));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
