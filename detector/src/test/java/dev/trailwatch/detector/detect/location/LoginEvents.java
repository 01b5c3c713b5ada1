package dev.trailwatch.detector.detect.location;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.model.Alert;
import java.time.Instant;
import java.util.List;

/**
 * Console sign-ins as CloudTrail records them (eventSource signin.amazonaws.com, eventType AwsConsoleSignIn), from
 * real public addresses whose country and network the test databases know.
 */
public final class LoginEvents {

    static final String ACCOUNT = TestEvents.ACCOUNT;
    /** US, AS15169 Google LLC. */
    public static final String US_GOOGLE = "8.8.8.8";
    /** US, AS3356 Level 3. */
    public static final String US_LEVEL3 = "4.2.2.2";
    /** US, AS16509 Amazon. */
    public static final String US_AMAZON = "52.94.236.248";
    /** DE, AS6724 Strato AG. */
    public static final String DE_STRATO = "85.214.132.117";
    /** GB, AS20712 Andrews &amp; Arnold. */
    public static final String GB_AAISP = "81.2.69.142";
    /** JP, AS7500 WIDE Project. */
    public static final String JP_WIDE = "202.12.27.33";

    private LoginEvents() {
    }

    /** A successful console sign-in of IAM user {@code user} from {@code ip}. */
    static TestEvents login(String user, String ip, Instant time) {
        TestEvents event = signIn(ip, time);
        ObjectNode id = event.json().putObject("userIdentity");
        id.put("type", "IAMUser");
        id.put("principalId", "AIDACKCEVSQ6C2" + user.toUpperCase());
        id.put("arn", "arn:aws:iam::" + ACCOUNT + ":user/" + user);
        id.put("accountId", ACCOUNT);
        id.put("userName", user);
        event.json().putObject("responseElements").put("ConsoleLogin", "Success");
        return event;
    }

    /** A failed console sign-in for {@code user} (wrong password). */
    static TestEvents failedLogin(String user, String ip, Instant time) {
        TestEvents event = signIn(ip, time);
        ObjectNode id = event.json().putObject("userIdentity");
        id.put("type", "IAMUser");
        id.put("principalId", ACCOUNT);
        id.put("accountId", ACCOUNT);
        id.put("userName", user);
        event.json().put("errorMessage", "Failed authentication");
        event.json().putObject("responseElements").put("ConsoleLogin", "Failure");
        return event;
    }

    /**
     * An IAM Identity Center user signing in to the account's console through a permission set: an assumed-role
     * session of the {@code AWSReservedSSO_<set>_<hash>} role named for the user.
     */
    static TestEvents ssoLogin(String permissionSet, String user, String ip, Instant time) {
        TestEvents event = signIn(ip, time);
        String role = "AWSReservedSSO_" + permissionSet + "_0123456789abcdef";
        ObjectNode id = event.json().putObject("userIdentity");
        id.put("type", "AssumedRole");
        id.put("principalId", "AROAEXAMPLESSO000001:" + user);
        id.put("arn", "arn:aws:sts::" + ACCOUNT + ":assumed-role/" + role + "/" + user);
        id.put("accountId", ACCOUNT);
        ObjectNode issuer = id.putObject("sessionContext").putObject("sessionIssuer");
        issuer.put("type", "Role");
        issuer.put("principalId", "AROAEXAMPLESSO000001");
        issuer.put("arn", "arn:aws:iam::" + ACCOUNT + ":role/aws-reserved/sso.amazonaws.com/" + role);
        issuer.put("accountId", ACCOUNT);
        issuer.put("userName", role);
        event.json().putObject("responseElements").put("ConsoleLogin", "Success");
        return event;
    }

    /** Any API call: moves the partition's stream time, as the account's other events do. */
    static TestEvents tick(Instant time) {
        return TestEvents.event("ec2.amazonaws.com", "DescribeInstances", time).set("readOnly", "true");
    }

    static List<Alert> alertsOf(TopologyHarness topology, String ruleId) {
        return topology.alertValues().stream().filter(a -> a.ruleId().equals(ruleId)).toList();
    }

    private static TestEvents signIn(String ip, Instant time) {
        TestEvents event = TestEvents.event("signin.amazonaws.com", "ConsoleLogin", time).sourceIp(ip)
                .set("userAgent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
                .set("eventType", "AwsConsoleSignIn").remove("requestID").remove("readOnly");
        event.json().putNull("requestParameters");
        ObjectNode extra = event.json().putObject("additionalEventData");
        extra.put("LoginTo", "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true");
        extra.put("MobileVersion", "No");
        extra.put("MFAUsed", "Yes");
        return event;
    }
}
