package dev.trailwatch.detector.detect.location;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Whose sign-in history a record belongs to: one user, one key. */
class LoginLocationUserKeyTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    /**
     * CloudTrail writes {@code "arn": ""} for IAM Identity Center users: read as a real ARN, every such user of an
     * account shared the key {@code account|} and so one sign-in history.
     */
    @Test
    void usersWithAnEmptyArnKeepHistoriesOfTheirOwn() {
        String alice = LoginLocationFamily.userKey(identityCenterUser("94482488-3041-7026-18f3-be45837cd0e4"));
        String bob = LoginLocationFamily.userKey(identityCenterUser("c4d8f4a8-2071-70e1-d5d3-96d1ab0a1f27"));

        assertThat(alice).isNotEqualTo(bob).isNotEqualTo(TestEvents.ACCOUNT + "|");
        assertThat(alice).isEqualTo(TestEvents.ACCOUNT + "|94482488-3041-7026-18f3-be45837cd0e4");
    }

    private static CloudTrailEvent identityCenterUser(String userId) {
        TestEvents e = TestEvents.event("signin.amazonaws.com", "ConsoleLogin", T0);
        ObjectNode id = e.json().putObject("userIdentity");
        id.put("type", "IdentityCenterUser");
        id.put("principalId", userId);
        id.put("arn", "");
        id.put("accountId", TestEvents.ACCOUNT);
        id.putObject("onBehalfOf").put("userId", userId)
                .put("identityStoreArn", "arn:aws:identitystore::111122223333:identitystore/d-1234567890");
        ParseResult parsed = new CloudTrailParser().parse(e.bytes());
        return ((ParseResult.Parsed) parsed).event();
    }
}
