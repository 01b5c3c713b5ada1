package dev.trailwatch.detector.tuning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.model.Alert;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One alert as exceptions and overrides see it: its fields, the account's OU (looked up once, only when asked), the
 * role name in its principal, and a CloudTrail-shaped JSON view for filter patterns (built once, only when asked).
 *
 * <p>Everything here is the same for every record of one {@code alertId} (the first alert and its updates keep the
 * rule, account, principal, source IP, user agent, event name and first event time of the triggering event), so an
 * alert that is excepted stays excepted in its updates; except when a suppressed repeat raises a watch-list alert's
 * severity: the raising update describes that repeat and is judged on it (docs/tuning.md).
 */
public final class AlertSubject {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    /** Evidence keys that are a plain CloudTrail path ({@code requestParameters.bucketName}), placed at that path. */
    private static final Pattern PLAIN_PATH = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)+");

    private final Alert alert;
    private final Function<String, String> ouOf;
    private String ou;
    private boolean ouKnown;
    private JsonNode view;

    /**
     * @param ouOf the OU the accounts topic gives an account id, or null; asked at most once, and only when an
     *             exception or override of the alert's rule names OUs
     */
    public AlertSubject(Alert alert, Function<String, String> ouOf) {
        this.alert = alert;
        this.ouOf = ouOf;
    }

    public static AlertSubject of(Alert alert) {
        return new AlertSubject(alert, account -> null);
    }

    public Alert alert() {
        return alert;
    }

    /**
     * The event time exceptions and overrides are judged at: the alert's first event (the same in its updates), so a
     * replay of history by {@code scan} judges expiry as the live detector did.
     */
    Instant time() {
        if (alert.firstEventTime() != null) {
            return alert.firstEventTime();
        }
        return alert.lastEventTime() != null ? alert.lastEventTime() : alert.detectedAt();
    }

    String ou() {
        if (!ouKnown) {
            ou = alert.accountId() == null ? null : ouOf.apply(alert.accountId());
            ouKnown = true;
        }
        return ou;
    }

    /**
     * The IAM role in the principal: {@code Deploy} for {@code arn:aws:sts::111122223333:assumed-role/Deploy/ci-42}
     * and for {@code arn:aws:iam::111122223333:role/automation/Deploy}; null for users, root and services.
     */
    String roleName() {
        return roleName(alert.principal());
    }

    static String roleName(String arn) {
        if (arn == null || !arn.startsWith("arn:")) {
            return null;
        }
        String[] parts = arn.split(":", 6); // arn:partition:service:region:account:resource
        if (parts.length < 6) {
            return null;
        }
        String path = parts[5];
        if (path.startsWith("assumed-role/")) {
            int end = path.indexOf('/', "assumed-role/".length());
            return end < 0 ? path.substring("assumed-role/".length()) : path.substring("assumed-role/".length(), end);
        }
        if (path.startsWith("role/")) {
            return path.substring(path.lastIndexOf('/') + 1);
        }
        return null;
    }

    /**
     * What an exception's filter pattern reads: the alert's triggering-event fields under their CloudTrail names
     * ({@code $.eventName}, {@code $.eventSource}, {@code $.awsRegion}, {@code $.sourceIPAddress},
     * {@code $.userAgent}, {@code $.recipientAccountId}, {@code $.userIdentity.arn}), the alert's own
     * ({@code $.ruleId}, {@code $.severity}, {@code $.principal}, {@code $.accountName}), its evidence under
     * {@code $.evidence}, and each evidence entry named by a plain CloudTrail path (a watch-list rule's
     * {@code evidence: [$.requestParameters.bucketName]}) at that path as well, so the rule's own selector works.
     */
    JsonNode view() {
        if (view == null) {
            view = buildView();
        }
        return view;
    }

    private JsonNode buildView() {
        ObjectNode node = JSON.createObjectNode();
        put(node, "ruleId", alert.ruleId());
        put(node, "severity", alert.severity() == null ? null : alert.severity().name());
        put(node, "principal", alert.principal());
        put(node, "accountName", alert.accountName());
        put(node, "eventName", alert.eventName());
        put(node, "eventSource", alert.eventSource());
        put(node, "awsRegion", alert.region());
        put(node, "sourceIPAddress", alert.sourceIp());
        put(node, "userAgent", alert.userAgent());
        put(node, "recipientAccountId", alert.accountId());
        if (alert.principal() != null && alert.principal().startsWith("arn:")) {
            node.putObject("userIdentity").put("arn", alert.principal());
        }
        ObjectNode evidence = node.putObject("evidence");
        for (Map.Entry<String, Object> entry : alert.evidence().entrySet()) {
            JsonNode value = JSON.valueToTree(entry.getValue());
            evidence.set(entry.getKey(), value);
            if (PLAIN_PATH.matcher(entry.getKey()).matches()) {
                placeAt(node, entry.getKey().split("\\."), value);
            }
        }
        return node;
    }

    private static void placeAt(ObjectNode root, String[] path, JsonNode value) {
        ObjectNode parent = root;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = parent.get(path[i]);
            if (child == null) {
                parent = parent.putObject(path[i]);
            } else if (child instanceof ObjectNode object) {
                parent = object;
            } else {
                return; // an alert field of that name already: the alert's own value stays
            }
        }
        if (!parent.has(path[path.length - 1])) {
            parent.set(path[path.length - 1], value);
        }
    }

    private static void put(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
