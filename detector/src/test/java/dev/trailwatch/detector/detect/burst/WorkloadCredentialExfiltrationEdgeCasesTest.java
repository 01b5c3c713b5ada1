package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.geoip.GeoIpDatabases;
import dev.trailwatch.detector.model.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a workload's own traffic looks like when it is not a theft (presigned URLs its users open, egress through a
 * network outside AWS with its own SDK), and an address past the 16 a session keeps (review, session 25).
 */
class WorkloadCredentialExfiltrationEdgeCasesTest {
    static final String ACCOUNT = TestEvents.ACCOUNT;
    static final String ID = WorkloadCredentialExfiltrationDetector.ID;
    static final String ROLE = "service-role/image-resizer-role";
    static final String FN = "image-resizer";
    static final String KEY = "ASIAQNZGKIQYFUNCTION1";
    static final String AWS_EGRESS = "52.94.236.248";
    static final String LAMBDA_AGENT = "Boto3/1.34.34 md/Botocore#1.34.34 ua/2.0 os/linux lang/python#3.12.2"
            + " exec-env/AWS_Lambda_python3.12 Botocore/1.34.34";
    static final String BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/120.0.0.0 Safari/537.36";

    static TestEvents issued(Instant time) {
        TestEvents e = TestEvents.event("sts.amazonaws.com", "AssumeRole", time).sourceIp("lambda.amazonaws.com");
        e.json().putObject("userIdentity").put("type", "AWSService").put("invokedBy", "lambda.amazonaws.com");
        e.json().put("userAgent", "lambda.amazonaws.com");
        e.json().putObject("requestParameters").put("roleArn", "arn:aws:iam::" + ACCOUNT + ":role/" + ROLE)
                .put("roleSessionName", FN);
        e.json().putObject("responseElements").putObject("credentials").put("accessKeyId", KEY);
        return e;
    }

    private static int n;

    static TestEvents call(String ip, String agent, String source, String name, Instant time) {
        TestEvents e = TestEvents.event(source, name, time).sourceIp(ip);
        e.json().put("userAgent", agent);
        ObjectNode id = e.json().putObject("userIdentity");
        id.put("type", "AssumedRole").put("principalId", "AROAQNZGKIQYEXAMPLE01:" + FN)
                .put("arn", "arn:aws:sts::" + ACCOUNT + ":assumed-role/image-resizer-role/" + FN)
                .put("accountId", ACCOUNT).put("accessKeyId", KEY);
        id.putObject("sessionContext").putObject("sessionIssuer").put("type", "Role")
                .put("arn", "arn:aws:iam::" + ACCOUNT + ":role/" + ROLE).put("accountId", ACCOUNT);
        return e.set("eventID", "rev-" + (n++));
    }

    static TestEvents later(Duration d) {
        return TestEvents.event("s3.amazonaws.com", "ListBuckets", at(d)).user("ops");
    }

    /** S3 data event of a browser downloading through a presigned URL the function generated. */
    static TestEvents presignedGet(String ip, Instant time) {
        TestEvents e = call(ip, BROWSER, "s3.amazonaws.com", "GetObject", time);
        e.json().put("eventCategory", "Data").put("managementEvent", false);
        e.json().putObject("requestParameters").put("bucketName", "uploads").put("key", "img/1.jpg")
                .put("X-Amz-Expires", "300").put("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
        e.json().putObject("additionalEventData").put("SignatureVersion", "SigV4")
                .put("AuthenticationMethod", "QueryString").put("x-amz-id-2", "abc");
        return e;
    }

    @Test
    void aPresignedUrlOpenedByAUsersBrowserIsNoUseOfTheKeyWithTheDatabase() {
        try (TopologyHarness t = new TopologyHarness(GeoIpDatabases.settings(), FlushSignal.never())) {
            t.pipe(issued(at(Duration.ZERO)));
            t.pipe(call(AWS_EGRESS, LAMBDA_AGENT, "s3.amazonaws.com", "PutObject", at(Duration.ofSeconds(1))));
            t.pipe(presignedGet("81.2.69.142", at(Duration.ofMinutes(1))));
            t.pipe(later(Duration.ofHours(1)));
            assertThat(alertsOf(t, ID)).as("presigned URL used by an end user").isEmpty();
        }
    }

    @Test
    void aPresignedUrlOpenedByAUsersBrowserIsNoUseOfTheKeyWithoutTheDatabase() {
        try (TopologyHarness t = new TopologyHarness(Map.of(), FlushSignal.never())) {
            t.pipe(issued(at(Duration.ZERO)));
            t.pipe(call(AWS_EGRESS, LAMBDA_AGENT, "s3.amazonaws.com", "PutObject", at(Duration.ofSeconds(1))));
            t.pipe(presignedGet("81.2.69.142", at(Duration.ofMinutes(1))));
            t.pipe(later(Duration.ofHours(1)));
            assertThat(alertsOf(t, ID)).as("presigned URL used by an end user").isEmpty();
        }
    }

    @Test
    void aFunctionsOwnSdkCallingThroughANetworkOutsideAwsIsTheWorkload() {
        try (TopologyHarness t = new TopologyHarness(GeoIpDatabases.settings(), FlushSignal.never())) {
            t.pipe(issued(at(Duration.ZERO)));
            t.pipe(call("81.2.69.142", LAMBDA_AGENT, "s3.amazonaws.com", "GetObject", at(Duration.ofSeconds(1))));
            t.pipe(later(Duration.ofHours(1)));
            assertThat(alertsOf(t, ID)).as("function's own SDK, corporate egress").isEmpty();
        }
    }

    /** 17 outside addresses within the confirm delay, then the 17th keeps calling: it alerts once there is room. */
    @Test
    void aSeventeenthAddressDroppedForWantOfRoomIsReportedByItsNextCall() {
        try (TopologyHarness t = new TopologyHarness(GeoIpDatabases.settings(), FlushSignal.never())) {
            t.pipe(issued(at(Duration.ZERO)));
            for (int i = 1; i <= 17; i++) {
                t.pipe(call("1.128.0." + i, "aws-cli/2.15.30", "s3.amazonaws.com", "ListBuckets",
                        at(Duration.ofSeconds(10 + i))));
            }
            t.pipe(later(Duration.ofMinutes(30)));
            assertThat(alertsOf(t, ID)).as("the first 16 addresses").hasSize(16);
            for (int m = 31; m < 120; m += 10) {
                t.pipe(call("1.128.0.17", "aws-cli/2.15.30", "iam.amazonaws.com", "ListRoles", at(Duration.ofMinutes(m))));
            }
            t.pipe(later(Duration.ofHours(3)));
            List<Alert> all = alertsOf(t, ID);
            assertThat(all.stream().map(Alert::sourceIp)).as("the 17th address, used for 90 minutes").contains("1.128.0.17");
        }
    }
}
