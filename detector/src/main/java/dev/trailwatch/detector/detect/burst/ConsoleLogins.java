package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.model.CloudTrailEvent;
import org.apache.kafka.streams.kstream.KStream;

/**
 * Console sign-in events as the console detections read them, and the one repartition of them by source IP that
 * failed-console-login-burst, console-password-spray and console-bruteforce-success share: only failed and successful
 * {@code ConsoleLogin}s are written to it, a tiny share of all events, once for all three.
 *
 * <p>A failed sign-in records the user name that was typed in {@code userIdentity.userName}, and no ARN (no one
 * signed in). A name that is not an IAM user of the account is recorded as {@value #HIDDEN} (it might be a password
 * typed into the wrong box); a root sign-in has type {@code Root} and usually no user name.
 */
final class ConsoleLogins {

    /** The shared repartition, named for what it carries rather than for one of the three detections. */
    static final String BY_IP = "console-login-by-ip";
    static final String HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS";

    private ConsoleLogins() {
    }

    /**
     * Failed and successful console logins keyed by source IP, through the named repartition topic, with the input
     * partitions' progress markers ({@link OriginStamp}: a filter after it must let them through). Built once, by
     * {@link BurstFamily}, and read by the three console detections.
     */
    static KStream<String, CloudTrailEvent> byIp(EventRouter events, DetectionKit kit) {
        return OriginStamp.repartition(events, BY_IP, e -> (isFailed(e) || isSuccess(e)) && e.sourceIpAddress() != null,
                CloudTrailEvent::sourceIpAddress, kit);
    }

    static boolean isConsoleLogin(CloudTrailEvent event) {
        return "ConsoleLogin".equals(event.eventName()) && "signin.amazonaws.com".equals(event.eventSource());
    }

    /** {@code responseElements.ConsoleLogin = Failure}, or the older form, errorMessage "Failed authentication". */
    static boolean isFailed(CloudTrailEvent event) {
        return isConsoleLogin(event)
                && ("Failure".equals(event.responseElements().path("ConsoleLogin").asText())
                || "Failed authentication".equals(event.errorMessage()));
    }

    static boolean isSuccess(CloudTrailEvent event) {
        return isConsoleLogin(event) && !isFailed(event)
                && "Success".equals(event.responseElements().path("ConsoleLogin").asText());
    }

    /** The user name a login was for; {@code root} for the root user; null when CloudTrail hid or left it out. */
    static String userName(CloudTrailEvent event) {
        String name = event.userIdentity().userName();
        if (name != null && !name.isBlank() && !HIDDEN.equals(name)) {
            return name;
        }
        return event.userIdentity().isRoot() ? "root" : null;
    }

    /** Account and user name, as evidence lists targets: {@code 111122223333/alice}, {@code .../(hidden)}. */
    static String target(CloudTrailEvent event) {
        String name = userName(event);
        return event.recipientAccountId() + '/' + (name == null ? "(hidden)" : name);
    }
}
