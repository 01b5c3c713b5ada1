package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matchers for snapshots and images shared outside the account: EBS snapshots ({@code createVolumePermission}),
 * AMIs ({@code launchPermission}), RDS DB and cluster snapshots ({@code valuesToAdd} of the {@code restore}
 * attribute) and Redshift snapshots ({@code AuthorizeSnapshotAccess}). Only additions count: a call that only
 * removes permissions never matches.
 */
final class SharingMatchers {

    /** How every one of these APIs spells "everyone". */
    static final String PUBLIC = "all";

    private SharingMatchers() {
    }

    static List<RequestMatcher> all() {
        return List.of(
                new RequestMatcher("snapshot-shared",
                        "a snapshot or image permission is added, for everyone or for another account",
                        e -> !grantees(e).isEmpty(), SharingMatchers::evidence),
                new RequestMatcher("snapshot-shared-publicly",
                        "a snapshot or image permission is added for everyone (group=all / all)",
                        e -> grantees(e).contains(PUBLIC), SharingMatchers::evidence),
                new RequestMatcher("snapshot-shared-with-account",
                        "a snapshot or image permission is added for another AWS account or organization",
                        e -> grantees(e).stream().anyMatch(g -> !g.equals(PUBLIC)), SharingMatchers::evidence));
    }

    /**
     * Who the call adds: {@code all} for everyone, else account ids or organization ARNs. Redshift's
     * {@code AuthorizeSnapshotAccess} always grants an account, even when the record omits which one.
     */
    static List<String> grantees(CloudTrailEvent event) {
        JsonNode request = event.requestParameters();
        List<String> out = new ArrayList<>();
        for (String attribute : List.of("createVolumePermission", "launchPermission")) {
            for (JsonNode item : RequestFields.items(request.path(attribute).path("add").path("items"))) {
                addEvery(out, item, "group", "userId", "organizationArn", "organizationalUnitArn");
            }
        }
        String attribute = RequestFields.text(request, "attributeName");
        if (attribute == null || attribute.equals("restore")) {
            for (JsonNode value : RequestFields.items(request.path("valuesToAdd"))) {
                if (value.isTextual()) {
                    out.add(value.textValue());
                }
            }
        }
        if ("AuthorizeSnapshotAccess".equals(event.eventName())) {
            String account = RequestFields.text(request, "accountWithRestoreAccess");
            out.add(account != null ? account : "another account");
        }
        return out;
    }

    /** Every field of a permission item that is set: an item may name an account and an organization at once. */
    private static void addEvery(List<String> out, JsonNode item, String... fields) {
        for (String field : fields) {
            String value = RequestFields.text(item, field);
            if (value != null) {
                out.add(value);
            }
        }
    }

    private static Map<String, Object> evidence(CloudTrailEvent event) {
        List<String> grantees = grantees(event);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sharedWith", grantees);
        out.put("public", grantees.contains(PUBLIC));
        return out;
    }
}
