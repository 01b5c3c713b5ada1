package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.List;
import java.util.Map;

/** Matchers for calls that switch a detective control off or open a database to the internet. */
final class DefenseMatchers {

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
                        "an RDS create, modify or restore call sets publiclyAccessible=true",
                        e -> RequestFields.isTrue(e.requestParameters().path("publiclyAccessible")),
                        e -> Map.of("publiclyAccessible", true)),
                new RequestMatcher("management-events-excluded",
                        "PutEventSelectors leaves the trail without management events (every basic selector has "
                                + "includeManagementEvents=false, or no advanced selector selects eventCategory "
                                + "Management)",
                        DefenseMatchers::managementEventsExcluded, e -> Map.of("managementEvents", false)));
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
                .anyMatch(s -> !RequestFields.isFalse(s.path("includeManagementEvents")));
        boolean advancedKeeps = advanced.stream().anyMatch(DefenseMatchers::selectsManagement);
        return !basicKeeps && !advancedKeeps;
    }

    private static boolean selectsManagement(JsonNode advancedSelector) {
        for (JsonNode field : RequestFields.items(advancedSelector.path("fieldSelectors"))) {
            if ("eventCategory".equals(RequestFields.text(field, "field"))) {
                return field.path("equals").toString().contains("\"Management\"");
            }
        }
        return false;
    }
}
