package dev.trailwatch.detector.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link AlertContext.Actor#fromEvent}: the human behind a role session where the record names one, read from the
 * whole record only when it can hold one (every burst window's first event asks).
 */
class ActorFromEventTest {

    private static final String ROLE = "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"AssumedRole\","
            + "\"arn\":\"arn:aws:sts::111122223333:assumed-role/deployer/botocore-session-1\","
            + "\"accountId\":\"111122223333\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\","
            + "\"arn\":\"arn:aws:iam::111122223333:role/deployer\"},\"attributes\":{}";
    private static final String TAIL = "}},\"eventTime\":\"2026-11-20T10:00:00Z\",\"eventSource\":"
            + "\"secretsmanager.amazonaws.com\",\"eventName\":\"GetSecretValue\",\"eventID\":\"e-1\","
            + "\"userAgent\":\"aws-cli/2.15.0\",\"requestParameters\":{\"secretId\":\"prod/db\"}}";

    private static CloudTrailEvent parse(String json) {
        ParseResult result = new CloudTrailParser().parse(json.getBytes(StandardCharsets.UTF_8));
        return ((ParseResult.Parsed) result).event();
    }

    @Test
    void aRoleSessionWithoutAHumanIsAnsweredWithoutTheRecordsTree() {
        CloudTrailEvent event = parse(ROLE + TAIL);

        assertThat(AlertContext.Actor.fromEvent(event)).isNull();
        assertThat(event.json().parsed()).isFalse();
    }

    @Test
    void readsTheSourceIdentityAndTheIdentityCenterUser() {
        CloudTrailEvent withSource = parse(ROLE + ",\"sourceIdentity\":\"dana@example.com\"" + TAIL);
        CloudTrailEvent onBehalf = parse(ROLE.replace("\"accountId\"", "\"onBehalfOf\":{\"userId\":"
                + "\"94482488-3041-7026-18f3-be45837cd0e4\"},\"accountId\"") + TAIL);

        assertThat(AlertContext.Actor.fromEvent(withSource)).isEqualTo(
                new AlertContext.Actor(null, null, null, null, "dana@example.com", null, null));
        assertThat(AlertContext.Actor.fromEvent(onBehalf)).isEqualTo(
                new AlertContext.Actor(null, null, null, null, null, null, "94482488-3041-7026-18f3-be45837cd0e4"));
    }

    @Test
    void aNameSpelledWithAUnicodeEscapeIsStillRead() {
        CloudTrailEvent escaped = parse(ROLE + ",\"source\\u0049dentity\":\"dana@example.com\"" + TAIL);

        assertThat(AlertContext.Actor.fromEvent(escaped)).isEqualTo(
                new AlertContext.Actor(null, null, null, null, "dana@example.com", null, null));
    }

    @Test
    void theNameElsewhereInTheRecordOnlyCostsTheTree() {
        CloudTrailEvent mentioned = parse((ROLE + TAIL).replace("prod/db", "sourceIdentity"));

        assertThat(AlertContext.Actor.fromEvent(mentioned)).isNull();
        assertThat(mentioned.json().parsed()).isTrue();
    }
}
