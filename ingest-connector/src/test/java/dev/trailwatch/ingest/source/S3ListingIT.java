package dev.trailwatch.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordSink;
import dev.trailwatch.ingest.s3.AwsClients;
import dev.trailwatch.ingest.s3.AwsSettings;
import dev.trailwatch.ingest.s3.S3Locations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Backfill and {@code scan s3://} against S3Mock, through the AWS SDK v2 with an endpoint override. */
class S3ListingIT {

    static final int PORT = AwsFakes.freePort();
    static final String BUCKET = "org-trail";

    @RegisterExtension
    static final S3MockExtension S3_MOCK = S3MockExtension.builder().silent().withSecureConnection(false)
            .withHttpPort(PORT).withProperty("server.address", "127.0.0.1").withInitialBuckets(BUCKET).build();

    static S3Client s3;

    static final String ORG = "AWSLogs/o-abc123/111122223333/CloudTrail/";
    static final String NO_ORG = "AWSLogs/444455556666/CloudTrail/";

    @BeforeAll
    static void putTrail() throws IOException {
        s3 = AwsFakes.s3(PORT);
        put(ORG + "eu-west-1/2024/01/15/111122223333_CloudTrail_eu-west-1_20240115T1000Z_a.json.gz", "org-eu-1000");
        put(ORG + "eu-west-1/2024/01/15/111122223333_CloudTrail_eu-west-1_20240115T1010Z_b.json.gz", "org-eu-1010");
        put(ORG + "eu-west-1/2024/01/16/111122223333_CloudTrail_eu-west-1_20240116T0000Z_c.json.gz", "org-eu-0116");
        put(ORG + "us-east-1/2024/01/15/111122223333_CloudTrail_us-east-1_20240115T1005Z_d.json.gz", "org-us-1005");
        put(NO_ORG + "eu-west-1/2024/01/15/444455556666_CloudTrail_eu-west-1_20240115T1002Z_e.json.gz", "solo-1002");
        put(NO_ORG + "eu-west-1/2024/01/14/444455556666_CloudTrail_eu-west-1_20240114T2300Z_f.json.gz", "solo-0114");
        put("AWSLogs/o-abc123/111122223333/CloudTrail-Digest/eu-west-1/2024/01/15/"
                + "111122223333_CloudTrail-Digest_eu-west-1_trail_us-east-1_20240115T1000Z.json.gz", "digest");
        put("AWSLogs/o-abc123/111122223333/CloudTrail-Insight/eu-west-1/2024/01/15/"
                + "111122223333_CloudTrail-Insight_eu-west-1_20240115T1003Z_g.json.gz", "insight");
    }

    @AfterAll
    static void close() {
        s3.close();
    }

    static void put(String key, String id) throws IOException {
        String json = "{\"Records\":[{\"eventID\":\"" + id + "-0\",\"recipientAccountId\":\"" + key.replaceAll(".*/(\\d{12})/.*", "$1")
                + "\",\"eventTime\":\"2024-01-15T10:00:00Z\"},{\"eventID\":\"" + id + "-1\"}]}";
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(json.getBytes());
        }
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(gz.toByteArray()));
    }

    private static List<String> run(S3ListingSource.Selection selection, Routing routing,
                                    Map<Map<String, Object>, KeyOffset> committed, CollectingEmitter out) throws Exception {
        new S3ListingSource(s3, selection, routing, new CloudTrailFileReader(), null, p -> true,
                p -> committed.getOrDefault(p, KeyOffset.START)).run(out);
        return out.eventIds();
    }

    @Test
    void backfillMergesAccountRegionFoldersInDeliveryTimeOrderWithAndWithoutOrgLevel() throws Exception {
        CollectingEmitter out = new CollectingEmitter(true);

        List<String> ids = run(new S3ListingSource.Selection(BUCKET, "", List.of(), List.of(), null, null),
                new Routing("t", null), Map.of(), out);

        assertThat(ids).containsExactly("solo-0114-0", "solo-0114-1", "org-eu-1000-0", "org-eu-1000-1",
                "solo-1002-0", "solo-1002-1", "org-us-1005-0", "org-us-1005-1", "org-eu-1010-0", "org-eu-1010-1",
                "org-eu-0116-0", "org-eu-0116-1");
        IngestRecord first = out.records.get(0);
        assertThat(first.record().recipientAccountId()).isEqualTo("444455556666");
        assertThat(first.headers()).containsEntry(RecordHeaders.SOURCE, "s3").containsEntry(RecordHeaders.BUCKET, BUCKET)
                .containsEntry(RecordHeaders.OBJECT, NO_ORG + "eu-west-1/2024/01/14/"
                        + "444455556666_CloudTrail_eu-west-1_20240114T2300Z_f.json.gz");
        assertThat(first.sourcePartition()).containsEntry("prefix", NO_ORG + "eu-west-1/");
    }

    @Test
    void selectsAccountsRegionsAndATimeRangeAndRoutesInsights() throws Exception {
        CollectingEmitter out = new CollectingEmitter(true);
        S3ListingSource.Selection selection = new S3ListingSource.Selection(BUCKET, "AWSLogs/", List.of("111122223333"),
                List.of("eu-west-1"), Instant.parse("2024-01-15T10:00:00Z"), Instant.parse("2024-01-15T10:10:00Z"));

        List<String> ids = run(selection, new Routing("t", "insights"), Map.of(), out);

        assertThat(ids).containsExactly("org-eu-1000-0", "org-eu-1000-1", "insight-0", "insight-1");
        assertThat(out.records).extracting(IngestRecord::topic).containsExactly("t", "t", "insights", "insights");
    }

    @Test
    void resumesEachPrefixAfterItsOwnLastKeyAndInsideTheFileInProgress() throws Exception {
        CollectingEmitter first = new CollectingEmitter(true);
        S3ListingSource.Selection all = new S3ListingSource.Selection(BUCKET, "", List.of(), List.of(), null, null);
        run(all, new Routing("t", null), Map.of(), first);
        Map<Map<String, Object>, KeyOffset> committed = new HashMap<>();
        for (IngestRecord r : first.records.subList(0, 7)) { // up to org-us-1005-0: mid-file in us-east-1
            committed.put(r.sourcePartition(), KeyOffset.fromMap(r.sourceOffset()));
        }

        List<String> resumed = run(all, new Routing("t", null), committed, new CollectingEmitter(true));

        assertThat(resumed).containsExactly("org-us-1005-1", "org-eu-1010-0", "org-eu-1010-1",
                "org-eu-0116-0", "org-eu-0116-1");
    }

    @Test
    void scanReadsEveryObjectUnderAPrefixInKeyOrderSkippingDigestsAndInsights() throws IOException {
        List<String> ids = new ArrayList<>();
        RecordSink sink = new RecordSink() {
            @Override
            public void record(CloudTrailRecord record) {
                ids.add(new String(record.json()).replaceAll(".*\"eventID\":\"([^\"]+)\".*", "$1"));
            }

            @Override
            public void rejected(String location, String reason) {
                ids.add("rejected " + location);
            }
        };

        S3Locations.Summary summary = S3Locations.read(s3, "s3://" + BUCKET + "/AWSLogs/o-abc123/", sink);

        assertThat(ids).containsExactly("org-eu-1000-0", "org-eu-1000-1", "org-eu-1010-0", "org-eu-1010-1",
                "org-eu-0116-0", "org-eu-0116-1", "org-us-1005-0", "org-us-1005-1");
        assertThat(summary).isEqualTo(new S3Locations.Summary(4, 8, 2));
    }

    @Test
    void theSdksStandardEndpointAndCredentialSettingsWork() throws IOException {
        Map<String, String> props = Map.of("aws.endpointUrlS3", "http://127.0.0.1:" + PORT, "aws.region", "eu-west-1",
                "aws.accessKeyId", "test", "aws.secretAccessKey", "test");
        props.forEach(System::setProperty);
        try (S3Client standard = AwsClients.s3(new AwsSettings(null, null, true, null, null))) {
            List<String> keys = new ArrayList<>();
            S3Locations.read(standard, "s3://" + BUCKET + "/" + NO_ORG, new RecordSink() {
                @Override
                public void record(CloudTrailRecord record) {
                    keys.add(record.location());
                }

                @Override
                public void rejected(String location, String reason) {
                }
            });
            assertThat(keys).hasSize(4).allSatisfy(k -> assertThat(k).startsWith("s3://" + BUCKET + "/" + NO_ORG));
        } finally {
            props.keySet().forEach(System::clearProperty);
        }
    }
}
