package dev.trailwatch.detector.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The principal an alert names, for identities CloudTrail records without an ARN or with an empty one. The records
 * are real shapes, trimmed: an IAM Identity Center user signing in to the access portal
 * ({@code signin.amazonaws.com UserAuthentication}, an {@code AwsServiceEvent} whose {@code userIdentity} has
 * {@code "arn": ""}), a root sign-in with {@code "accessKeyId": ""}, a cross-account {@code AWSAccount} caller and an
 * {@code AWSService}.
 */
class PrincipalTest {

    private final CloudTrailParser parser = new CloudTrailParser();

    private CloudTrailEvent parse(String json) {
        ParseResult result = parser.parse(json.getBytes(StandardCharsets.UTF_8));
        assertThat(result).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) result).event();
    }

    private static String record(String identity) {
        return "{\"eventVersion\":\"1.09\",\"userIdentity\":" + identity + ",\"eventTime\":\"2025-09-22T12:29:21Z\","
                + "\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"UserAuthentication\","
                + "\"awsRegion\":\"us-east-2\",\"sourceIPAddress\":\"198.51.100.20\",\"requestParameters\":null,"
                + "\"responseElements\":null,\"additionalEventData\":{\"CredentialType\":\"EXTERNAL_IDP\"},"
                + "\"eventID\":\"e1\",\"readOnly\":false,\"eventType\":\"AwsServiceEvent\","
                + "\"recipientAccountId\":\"111122223333\",\"serviceEventDetails\":{\"UserAuthentication\":\"Success\"},"
                + "\"eventCategory\":\"Management\"}";
    }

    @Test
    void anIdentityCenterUserWithAnEmptyArnIsNamedByItsIdentityStoreUser() {
        CloudTrailEvent event = parse(record("{\"type\":\"IdentityCenterUser\",\"arn\":\"\",\"accountId\":"
                + "\"111122223333\",\"accessKeyId\":\"\",\"onBehalfOf\":{\"userId\":\"544894e8-80c1-707f-60e3-3ba6510dfac1\","
                + "\"identityStoreArn\":\"arn:aws:identitystore::111122223333:identitystore/d-9067642ac7\"},"
                + "\"credentialId\":\"EXAMPLE\"}"));

        assertThat(event.principal())
                .isEqualTo("arn:aws:identitystore:::user/544894e8-80c1-707f-60e3-3ba6510dfac1");
    }

    @Test
    void theIdentityStoreUserKeepsThePartitionOfItsStore() {
        CloudTrailEvent event = parse(record("{\"type\":\"IdentityCenterUser\",\"accountId\":\"111122223333\","
                + "\"onBehalfOf\":{\"userId\":\"u-1\",\"identityStoreArn\":"
                + "\"arn:aws-us-gov:identitystore::111122223333:identitystore/d-1\"}}"));

        assertThat(event.principal()).isEqualTo("arn:aws-us-gov:identitystore:::user/u-1");
    }

    @Test
    void anIdentityCenterUserWithoutAUserIdFallsBackToItsAccount() {
        CloudTrailEvent event = parse(record("{\"type\":\"IdentityCenterUser\",\"arn\":\"\","
                + "\"accountId\":\"111122223333\"}"));

        assertThat(event.principal()).isEqualTo("111122223333");
    }

    @Test
    void anEmptyArnIsNotAPrincipal() {
        CloudTrailEvent event = parse(record("{\"type\":\"IAMUser\",\"arn\":\"\",\"principalId\":\"AIDAEXAMPLE\","
                + "\"accountId\":\"\",\"userName\":\"alice\"}"));

        assertThat(event.principal()).isEqualTo("AIDAEXAMPLE");
    }

    @Test
    void anArnStillWinsAndTheOtherIdentitiesKeepTheirNames() {
        assertThat(parse(record("{\"type\":\"Root\",\"principalId\":\"111122223333\",\"arn\":"
                + "\"arn:aws:iam::111122223333:root\",\"accountId\":\"111122223333\",\"accessKeyId\":\"\"}")).principal())
                .isEqualTo("arn:aws:iam::111122223333:root");
        assertThat(parse(record("{\"type\":\"AWSAccount\",\"principalId\":\"AROAEXAMPLE:session\","
                + "\"accountId\":\"444455556666\"}")).principal()).isEqualTo("444455556666");
        assertThat(parse(record("{\"type\":\"AWSService\",\"invokedBy\":\"ec2.amazonaws.com\"}")).principal())
                .isEqualTo("ec2.amazonaws.com");
        assertThat(parse(record("{}")).principal()).isEqualTo("unknown");
    }
}
