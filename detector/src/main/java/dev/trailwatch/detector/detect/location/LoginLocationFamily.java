package dev.trailwatch.detector.detect.location;

import dev.trailwatch.detector.config.BurstSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.GeoIpSettings;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.DetectionFamily;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.geoip.GeoIp;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.UserIdentity;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Where users sign in to the console from: {@link ConsoleLoginNewCountryDetector} and
 * {@link ConsoleLoginNewAsnDetector}, from one processor ({@value #NAME}) over one baseline per user. Built only when a
 * GeoIP database is set ({@code geoip.country-db}, {@code geoip.asn-db}); otherwise it adds nothing to the topology.
 *
 * <p>Successful console logins are picked by typed fields first ({@code eventName}, {@code eventSource},
 * {@code errorCode}), so no other event reaches the processor or its stores. The baseline is keyed by account + user
 * inside the input's account partitions: no repartition. A user is the IAM user or root (its ARN), or, for a role
 * session (SAML federation, IAM Identity Center), the session name across the roles of the account: the same person
 * signing in through two permission sets is one user.
 */
public final class LoginLocationFamily implements DetectionFamily {

    static final String NAME = "console-login-location";
    private static final String SIGNIN = "signin.amazonaws.com";

    /** What the processor needs, resolved once from configuration. */
    record Parameters(GeoIp geoIp, long learningPeriod, long ttl, long horizon, int cacheSize, String baselineStore,
                      String timerStore, DetectionKit kit) {
    }

    private final Parameters params;

    public LoginLocationFamily(DetectorConfig config, GeoIp geoIp, DetectionKit kit) {
        this.params = new Parameters(geoIp, config.get(GeoIpSettings.LOGIN_LEARNING_PERIOD).toMillis(),
                config.get(GeoIpSettings.LOGIN_TTL).toMillis(),
                kit.graceMillis(config.get(BurstSettings.GRACE)),
                config.get(GeoIpSettings.LOGIN_CACHE_SIZE), NAME + "-baseline", NAME + "-timers", kit);
    }

    @Override
    public Detections build(EventRouter events) {
        if (!params.geoIp().enabled()) {
            return new Detections(List.of(), List.of(), List.of());
        }
        KStream<String, Alert> alerts = events
                .process(NAME, LoginLocationFamily::isConsoleLoginCall, new Supplier(params))
                .filter((account, alert) -> params.kit().severity().passes(alert), Named.as(NAME + "-min-severity"));
        return Detections.of(NAME, alerts);
    }

    /** Typed fields only: a console login that did not fail with an error code. */
    static boolean isConsoleLoginCall(CloudTrailEvent event) {
        return "ConsoleLogin".equals(event.eventName()) && SIGNIN.equals(event.eventSource())
                && event.errorCode() == null && event.recipientAccountId() != null;
    }

    /** {@code responseElements.ConsoleLogin = Success} (reads the record: console logins only). */
    static boolean isSuccessfulConsoleLogin(CloudTrailEvent event) {
        return isConsoleLoginCall(event) && !"Failed authentication".equals(event.errorMessage())
                && "Success".equals(event.responseElements().path("ConsoleLogin").asText());
    }

    /**
     * The user a sign-in is for, within its account: {@code <account>|<ARN>} for IAM users and root,
     * {@code <account>|session/<name>} for role sessions; null when the record names no one.
     */
    static String userKey(CloudTrailEvent event) {
        UserIdentity id = event.userIdentity();
        String account = event.recipientAccountId();
        String arn = id.arnIfPresent();
        if (arn != null && arn.contains(":assumed-role/")) {
            int slash = arn.lastIndexOf('/');
            return account + "|session/" + arn.substring(slash + 1);
        }
        if (arn != null) {
            return account + '|' + arn;
        }
        return id.principalId() == null ? null : account + '|' + id.principalId();
    }

    static Alert alert(Alerts.Finding finding, CloudTrailEvent event, String alertId) {
        return Alerts.draft(finding, event).withAlertId(alertId);
    }

    private record Supplier(Parameters params) implements ProcessorSupplier<String, CloudTrailEvent, String, Alert> {

        @Override
        public Processor<String, CloudTrailEvent, String, Alert> get() {
            return new LoginLocationProcessor(params);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(params.baselineStore()),
                            Serdes.String(), JacksonSerde.smile(LoginBaseline.class)).withCachingEnabled(),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(params.timerStore()),
                            Serdes.String(), Serdes.String()).withCachingEnabled());
        }
    }
}
