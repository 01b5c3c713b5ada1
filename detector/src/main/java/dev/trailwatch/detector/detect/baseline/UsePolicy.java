package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.Set;

/**
 * What counts as use of a region or service. Not: calls AWS makes itself ({@link CloudTrailEvent#isAwsServiceCall()}:
 * {@code AWSService} identities, calls {@code invokedBy} a service, {@code AwsServiceEvent}s), events that are not
 * calls (Insights, VPC endpoint network events), calls denied for lack of permission (nothing was used; the
 * AccessDenied burst detection watches those), and, when configured, read-only calls.
 *
 * <p>A global service's call is use of the service but not of a region: it is logged in us-east-1 wherever the
 * caller works, so counting it would make us-east-1 known in every account that ever touched IAM.
 */
final class UsePolicy {

    private static final Set<String> CALLS = Set.of("AwsApiCall", "AwsConsoleAction", "AwsConsoleSignIn");

    private final boolean countReadOnly;
    private final Set<String> globalServices;

    UsePolicy(boolean countReadOnly, Set<String> globalServices) {
        this.countReadOnly = countReadOnly;
        this.globalServices = Set.copyOf(globalServices);
    }

    boolean counts(CloudTrailEvent event) {
        if (event.recipientAccountId() == null || event.isAwsServiceCall()) {
            return false;
        }
        if (event.eventType() != null && !CALLS.contains(event.eventType())) {
            return false;
        }
        if (event.isDenied()) {
            return false;
        }
        return countReadOnly || !event.readOnly();
    }

    /** The region this call used, or null: none given, or a global service. */
    String regionOf(CloudTrailEvent event) {
        String region = event.awsRegion();
        if (region == null || region.isEmpty() || globalServices.contains(event.eventSource())) {
            return null;
        }
        return region;
    }
}
