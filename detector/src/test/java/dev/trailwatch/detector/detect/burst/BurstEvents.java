package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.deadletter.DeadLetters;
import dev.trailwatch.detector.model.Alert;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Console sign-in and denied-call records shaped like the examples in the CloudTrail user guide, and small helpers
 * the burst tests share. A failed sign-in carries the typed user name and no ARN; a name that is not a user of the
 * account is recorded as {@code HIDDEN_DUE_TO_SECURITY_REASONS}.
 */
final class BurstEvents {

    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    static final String ATTACKER = "203.0.113.50";
    static final String BYSTANDER = "198.51.100.99";
    static final String ACCOUNT = TestEvents.ACCOUNT;

    private BurstEvents() {
    }

    static Instant at(Duration offset) {
        return T0.plus(offset);
    }

    static Instant atSeconds(long seconds) {
        return T0.plusSeconds(seconds);
    }

    static TestEvents failedLogin(String ip, String user, Instant time) {
        TestEvents event = signIn(ip, time);
        ObjectNode id = event.json().putObject("userIdentity");
        id.put("type", "IAMUser");
        if (!ConsoleLogins.HIDDEN.equals(user)) {
            id.put("principalId", "AIDACKCEVSQ6C2" + user.toUpperCase());
        }
        id.put("accountId", ACCOUNT);
        id.put("accessKeyId", "");
        id.put("userName", user);
        event.json().put("errorMessage", "Failed authentication");
        event.json().putObject("responseElements").put("ConsoleLogin", "Failure");
        return event;
    }

    static TestEvents failedRootLogin(String ip, Instant time) {
        TestEvents event = signIn(ip, time);
        ObjectNode id = event.json().putObject("userIdentity");
        id.put("type", "Root");
        id.put("principalId", ACCOUNT);
        id.put("arn", "arn:aws:iam::" + ACCOUNT + ":root");
        id.put("accountId", ACCOUNT);
        id.put("accessKeyId", "");
        event.json().put("errorMessage", "Failed authentication");
        event.json().putObject("responseElements").put("ConsoleLogin", "Failure");
        return event;
    }

    static TestEvents successfulLogin(String ip, String user, Instant time) {
        TestEvents event = signIn(ip, time);
        ObjectNode id = event.json().putObject("userIdentity");
        id.put("type", "IAMUser");
        id.put("principalId", "AIDACKCEVSQ6C2" + user.toUpperCase());
        id.put("arn", arn(user));
        id.put("accountId", ACCOUNT);
        id.put("userName", user);
        event.json().putObject("responseElements").put("ConsoleLogin", "Success");
        return event;
    }

    /** A call by {@code user} from {@code ip} that IAM denied. */
    static TestEvents denied(String user, String ip, String eventName, Instant time) {
        return TestEvents.event("iam.amazonaws.com", eventName, time).user(user).sourceIp(ip)
                .error("AccessDenied", "User: " + arn(user) + " is not authorized to perform: iam:" + eventName
                        + " on resource: arn:aws:iam::" + ACCOUNT + ":user/*");
    }

    static String arn(String user) {
        return "arn:aws:iam::" + ACCOUNT + ":user/" + user;
    }

    /** The alerts written so far by one detection. */
    static List<Alert> alertsOf(TopologyHarness topology, String ruleId) {
        return topology.alertValues().stream().filter(a -> a.ruleId().equals(ruleId)).toList();
    }

    /** The ids of the events written to the dead-letter topic as late. */
    static List<String> lateEventIds(TopologyHarness topology) {
        return topology.deadLetters().stream()
                .filter(r -> "late".equals(DeadLetters.header(r.headers(), DeadLetters.REASON)))
                .map(r -> eventId(r.value())).toList();
    }

    private static TestEvents signIn(String ip, Instant time) {
        TestEvents event = TestEvents.event("signin.amazonaws.com", "ConsoleLogin", time).sourceIp(ip)
                .set("userAgent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
                .set("eventType", "AwsConsoleSignIn").remove("requestID").remove("readOnly");
        event.json().putNull("requestParameters");
        ObjectNode extra = event.json().putObject("additionalEventData");
        extra.put("LoginTo", "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true");
        extra.put("MobileVersion", "No");
        extra.put("MFAUsed", "No");
        return event;
    }

    private static String eventId(byte[] json) {
        try {
            return TestEvents.MAPPER.readTree(json).path("eventID").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
