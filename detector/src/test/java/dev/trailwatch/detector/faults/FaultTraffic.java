package dev.trailwatch.detector.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The fault suite's input: several accounts (so every partition gets work), benign calls, StopLogging by a new
 * principal now and then (a HIGH alert each), a failed-console-login burst per even account (through the
 * repartitioned burst detector), garbage, and one event dated two hours ahead. Deterministic but for the event ids.
 */
final class FaultTraffic {

    static final int ACCOUNTS = 8;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[][] BENIGN = {{"ec2.amazonaws.com", "DescribeInstances"},
            {"s3.amazonaws.com", "ListBuckets"}, {"iam.amazonaws.com", "GetUser"}, {"sts.amazonaws.com",
            "GetCallerIdentity"}};

    /** One record for the events topic. */
    record Event(String key, byte[] value, String eventId) {
    }

    private final Instant base;
    private final int benignPerAccount;

    /** @param base event time of the first batch; each batch is 10 s of event time later */
    FaultTraffic(Instant base, int benignPerAccount) {
        this.base = base;
        this.benignPerAccount = benignPerAccount;
    }

    static String account(int index) {
        return Long.toString(210_000_000_000L + index * 1_111L);
    }

    List<Event> batch(int index) {
        Instant time = base.plusSeconds(index * 10L);
        List<Event> events = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            String account = account(a);
            for (int i = 0; i < benignPerAccount; i++) {
                String[] call = BENIGN[(i + index) % BENIGN.length];
                events.add(event(account, call[0], call[1], "app-" + a, "10.0.0." + a, time.plusMillis(i)));
            }
            if ((index + a) % 5 == 0) {
                events.add(stopLogging(account, "stopper-" + index + "-" + a, time.plusMillis(500)));
            }
            if (index % 10 == 3 && a % 2 == 0) {
                for (int i = 0; i < 12; i++) {
                    events.add(failedLogin(account, "203.0.113." + (10 + a), "target-" + a,
                            time.plusSeconds(i * 5L)));
                }
            }
        }
        if (index % 10 == 4) {
            for (int i = 0; i < 25; i++) {
                events.add(new Event(account(i % ACCOUNTS), ("garbage " + index + "-" + i)
                        .getBytes(StandardCharsets.UTF_8), null));
            }
        }
        if (index % 10 == 5) {
            events.add(stopLogging(account(1), "time-traveller-" + index, Instant.now().plusSeconds(7_200)));
        }
        return events;
    }

    /** A StopLogging by a principal of its own: one alert, whose arrival shows the account's partition is served. */
    static Event probe(int account, String tag, Instant time) {
        return stopLogging(account(account), "probe-" + tag, time);
    }

    static Event stopLogging(String account, String user, Instant time) {
        ObjectNode root = base(account, "cloudtrail.amazonaws.com", "StopLogging", user, "198.51.100.9", time);
        root.with("requestParameters").put("name", "arn:aws:cloudtrail:us-east-1:" + account + ":trail/org-trail");
        return toEvent(account, root);
    }

    private static Event failedLogin(String account, String ip, String user, Instant time) {
        ObjectNode root = base(account, "signin.amazonaws.com", "ConsoleLogin", user, ip, time);
        root.put("eventType", "AwsConsoleSignIn");
        root.put("errorMessage", "Failed authentication");
        root.putObject("responseElements").put("ConsoleLogin", "Failure");
        return toEvent(account, root);
    }

    private static Event event(String account, String source, String name, String user, String ip, Instant time) {
        return toEvent(account, base(account, source, name, user, ip, time));
    }

    private static ObjectNode base(String account, String source, String name, String user, String ip,
                                   Instant time) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("eventVersion", "1.08");
        ObjectNode id = root.putObject("userIdentity");
        id.put("type", "IAMUser");
        id.put("principalId", "AIDA" + Integer.toHexString(user.hashCode()).toUpperCase());
        id.put("arn", "arn:aws:iam::" + account + ":user/" + user);
        id.put("accountId", account);
        id.put("userName", user);
        root.put("eventTime", time.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        root.put("eventSource", source);
        root.put("eventName", name);
        root.put("awsRegion", "us-east-1");
        root.put("sourceIPAddress", ip);
        root.put("userAgent", "aws-cli/2.15.0");
        root.putObject("requestParameters");
        root.putNull("responseElements");
        root.put("requestID", UUID.randomUUID().toString());
        root.put("eventID", UUID.randomUUID().toString());
        root.put("readOnly", false);
        root.put("eventType", "AwsApiCall");
        root.put("managementEvent", true);
        root.put("recipientAccountId", account);
        root.put("eventCategory", "Management");
        return root;
    }

    private static Event toEvent(String account, ObjectNode root) {
        try {
            return new Event(account, MAPPER.writeValueAsBytes(root), root.get("eventID").asText());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
