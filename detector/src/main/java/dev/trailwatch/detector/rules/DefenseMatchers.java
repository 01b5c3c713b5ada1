package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Matchers for calls that switch a detective control off, destroy the data it keeps, or open a database to the
 * internet.
 */
final class DefenseMatchers {

    /** An expiration this short on a whole bucket is a purge, not a retention policy. */
    static final int SHORT_EXPIRATION_DAYS = 7;
    /** Lifecycle filter prefixes that select every object ({@code *} is literal in S3, but attackers write it). */
    private static final List<String> WHOLE_BUCKET_PREFIXES = List.of("", "*", "/");

    private DefenseMatchers() {
    }

    static List<RequestMatcher> all() {
        return List.of(
                new RequestMatcher("guardduty-detector-disabled",
                        "DeleteDetector, or UpdateDetector with enable=false",
                        DefenseMatchers::guardDutyDisabled,
                        e -> RequestFields.evidence("detectorId", RequestFields.text(e.requestParameters(),
                                "detectorId"))),
                new RequestMatcher("rds-made-public",
                        "an RDS create, modify or restore call sets publiclyAccessible=true; a create or restore "
                                + "whose request leaves it out and whose response says publiclyAccessible=true "
                                + "(the default in a subnet group with an internet gateway) counts too",
                        DefenseMatchers::rdsMadePublic,
                        e -> RequestFields.isTrue(e.requestParameters().path("publiclyAccessible"))
                                ? Map.of("publiclyAccessible", true)
                                : Map.of("publiclyAccessible", true, "publiclyAccessibleFrom",
                                        "responseElements (not set in the request: the default)")),
                new RequestMatcher("management-events-excluded",
                        "PutEventSelectors leaves the trail without management write events: every basic selector "
                                + "has includeManagementEvents=false or readWriteType=ReadOnly, and no advanced "
                                + "selector selects eventCategory Management without readOnly=true",
                        DefenseMatchers::managementEventsExcluded, e -> Map.of("managementWriteEvents", false)),
                new RequestMatcher("lifecycle-expires-all-objects",
                        "PutBucketLifecycle adds an enabled rule that applies to every object of the bucket (no "
                                + "filter, or an empty or \"*\" prefix and no tag) and expires them within "
                                + SHORT_EXPIRATION_DAYS + " days or on a fixed date",
                        e -> !purgingRules(e).isEmpty(),
                        e -> RequestFields.evidence("purgingLifecycleRules", purgingRules(e))),
                new RequestMatcher("security-alarm-named",
                        "one of the request's alarmNames looks like a security alarm: CIS, security, unauthorized, "
                                + "root, sign-in, console, MFA, IAM, CloudTrail, GuardDuty, KMS/CMK, Config changes, "
                                + "NACL, security group, network gateway, route table, VPC changes, Organizations, "
                                + "audit",
                        e -> !securityAlarms(e).isEmpty(),
                        e -> RequestFields.evidence("securityAlarms", securityAlarms(e))),
                new RequestMatcher("object-rewritten-with-customer-key",
                        "CopyObject writes an object onto itself (x-amz-copy-source is the same bucket and key) "
                                + "encrypted with a customer-provided key (SSE-C): the data now opens only with a key "
                                + "AWS does not keep",
                        DefenseMatchers::rewrittenWithCustomerKey,
                        e -> RequestFields.evidence("rewrittenObject", copySource(e))));
    }

    /**
     * Whether an RDS call leaves an instance (or Multi-AZ cluster) publicly accessible: the request's
     * {@code publiclyAccessible} when it has one; else, for Create* and Restore* calls only, the response's. A new or
     * restored instance is public by default when its subnet group has an internet gateway, and CloudTrail's request
     * then says nothing. A Modify* response shows the settings before a pending change and a Delete*, Reboot* or
     * Promote* response the instance as it was, so their responses never count.
     */
    static boolean rdsMadePublic(CloudTrailEvent event) {
        JsonNode asked = event.requestParameters().path("publiclyAccessible");
        if (!asked.isMissingNode() && !asked.isNull()) {
            return RequestFields.isTrue(asked);
        }
        String name = event.eventName();
        return name != null && (name.startsWith("Create") || name.startsWith("Restore"))
                && RequestFields.isTrue(event.responseElements().path("publiclyAccessible"));
    }

    /**
     * The names (in a CloudWatch request's {@code alarmNames}) that read like the alarms a security team sets up: the
     * CIS AWS Foundations monitoring alarms (UnauthorizedAPICalls, ConsoleSigninWithoutMFA, RootAccountUsage,
     * IAMPolicyChanges, CloudTrailConfigChanges, DisableOrDeleteCMK, AWSConfigChanges, SecurityGroupChanges,
     * NACLChanges, NetworkGatewayChanges, RouteTableChanges, VPCChanges, OrganizationsChanges) and names holding the
     * word cis, security, guardduty or audit. Judged on the name's words (split at punctuation and at camel case), so
     * "decision-service-5xx", "web-RootVolumeDiskUsage" or "kms-throttling" are not security alarms. The defender
     * chose these names, not the caller: a caller silencing alarms gains nothing by how they are named.
     */
    private static final Pattern WORD_BREAK =
            Pattern.compile("[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])"
                    + "|(?<=[0-9])(?=[A-Za-z])");
    private static final Set<String> SECURITY_WORDS = Set.of("cis", "security", "securityhub",
            "guardduty", "audit", "cloudtrail", "unauthorized", "unauthorised", "mfa", "iam", "cmk", "nacl", "nacls",
            "organizations");
    /** Two words in a row: the first, then any of the second. */
    private static final Map<String, Set<String>> SECURITY_PAIRS = Map.ofEntries(
            Map.entry("root", Set.of("account", "usage", "login", "activity", "user", "access")),
            Map.entry("console", Set.of("signin", "sign", "login")),
            Map.entry("config", Set.of("changes", "change", "recorder")),
            Map.entry("route", Set.of("table", "tables")),
            Map.entry("vpc", Set.of("changes", "change")),
            Map.entry("aws", Set.of("config")),
            Map.entry("cloud", Set.of("trail")),
            Map.entry("guard", Set.of("duty")),
            Map.entry("network", Set.of("gateway", "gateways", "gw")),
            Map.entry("bucket", Set.of("policy")));

    static boolean isSecurityAlarm(String name) {
        String[] words = WORD_BREAK.split(name);
        for (int i = 0; i < words.length; i++) {
            String word = words[i].toLowerCase(Locale.ROOT);
            if (SECURITY_WORDS.contains(word)) {
                return true;
            }
            Set<String> next = SECURITY_PAIRS.get(word);
            if (next != null && i + 1 < words.length && next.contains(words[i + 1].toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    static List<String> securityAlarms(CloudTrailEvent event) {
        List<String> out = new ArrayList<>();
        for (JsonNode name : RequestFields.items(event.requestParameters().path("alarmNames"))) {
            if (name.isTextual() && isSecurityAlarm(name.textValue())) {
                out.add(name.textValue());
            }
        }
        return out;
    }

    /** The object a CopyObject copies from, as {@code bucket/key} without a leading slash or version; or null. */
    private static String copySource(CloudTrailEvent event) {
        String source = RequestFields.text(event.requestParameters(), "x-amz-copy-source");
        if (source == null) {
            return null;
        }
        String path = URLDecoder.decode(source.trim(), StandardCharsets.UTF_8);
        path = path.startsWith("/") ? path.substring(1) : path;
        int version = path.indexOf("?versionId=");
        return version < 0 ? path : path.substring(0, version);
    }

    static boolean rewrittenWithCustomerKey(CloudTrailEvent event) {
        JsonNode request = event.requestParameters();
        String bucket = RequestFields.text(request, "bucketName");
        String key = RequestFields.text(request, "key");
        String source = copySource(event);
        return "CopyObject".equals(event.eventName())
                && RequestFields.text(request, "x-amz-server-side-encryption-customer-algorithm") != null
                && bucket != null && key != null && (bucket + "/" + key).equals(source);
    }

    /**
     * The lifecycle rules of a {@code PutBucketLifecycle} request (CloudTrail logs one rule as an object, several
     * as a list) that expire the whole bucket quickly, as JSON text. Noncurrent-version expirations do not count:
     * short ones are an ordinary cost setting and leave the current objects alone.
     */
    static List<String> purgingRules(CloudTrailEvent event) {
        if (!"PutBucketLifecycle".equals(event.eventName())) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        JsonNode config = event.requestParameters().path("LifecycleConfiguration");
        for (JsonNode rule : RequestFields.items(config.path("Rule"))) {
            if ("Enabled".equalsIgnoreCase(RequestFields.text(rule, "Status")) && appliesToWholeBucket(rule)
                    && expiresSoon(rule.path("Expiration"))) {
                out.add(rule.toString());
            }
        }
        return out;
    }

    private static boolean appliesToWholeBucket(JsonNode rule) {
        JsonNode filter = rule.has("Filter") ? rule.path("Filter") : rule;
        if (filter.isTextual() || filter.isNull() || filter.isMissingNode()) {
            return filter.asText("").isBlank();
        }
        if (filter.has("Tag") || filter.has("And") || filter.has("ObjectSizeGreaterThan")) {
            return false;
        }
        String prefix = RequestFields.text(filter, "Prefix");
        return prefix == null || WHOLE_BUCKET_PREFIXES.contains(prefix.trim());
    }

    private static boolean expiresSoon(JsonNode expiration) {
        if (expiration.has("Date")) {
            return true;
        }
        String days = RequestFields.text(expiration, "Days");
        try {
            return days != null && Integer.parseInt(days.trim()) <= SHORT_EXPIRATION_DAYS;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static boolean guardDutyDisabled(CloudTrailEvent event) {
        return switch (event.eventName()) {
            case "DeleteDetector" -> true;
            case "UpdateDetector" -> RequestFields.isFalse(event.requestParameters().path("enable"));
            default -> false;
        };
    }

    static boolean managementEventsExcluded(CloudTrailEvent event) {
        if (!"PutEventSelectors".equals(event.eventName())) {
            return false;
        }
        JsonNode request = event.requestParameters();
        List<JsonNode> basic = RequestFields.items(request.path("eventSelectors"));
        List<JsonNode> advanced = RequestFields.items(request.path("advancedEventSelectors"));
        if (basic.isEmpty() && advanced.isEmpty()) {
            return false;
        }
        boolean basicKeeps = basic.stream()
                .anyMatch(s -> !RequestFields.isFalse(s.path("includeManagementEvents"))
                        && !"ReadOnly".equalsIgnoreCase(RequestFields.text(s, "readWriteType")));
        boolean advancedKeeps = advanced.stream().anyMatch(DefenseMatchers::selectsManagementWrites);
        return !basicKeeps && !advancedKeeps;
    }

    /** A read-only selection keeps the trail's volume and drops exactly the calls that change something. */
    private static boolean selectsManagementWrites(JsonNode advancedSelector) {
        boolean management = false;
        boolean readOnlyOnly = false;
        for (JsonNode field : RequestFields.items(advancedSelector.path("fieldSelectors"))) {
            String name = RequestFields.text(field, "field");
            if ("eventCategory".equals(name)) {
                management = field.path("equals").toString().contains("\"Management\"");
            } else if ("readOnly".equals(name)) {
                readOnlyOnly = field.path("equals").toString().contains("\"true\"");
            }
        }
        return management && !readOnlyOnly;
    }
}
