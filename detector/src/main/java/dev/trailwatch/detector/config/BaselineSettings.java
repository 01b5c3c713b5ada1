package dev.trailwatch.detector.config;

import dev.trailwatch.detector.accounts.KnownAccounts;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings of the per-account baseline detections (learning period, TTL, known accounts).

 */
public final class BaselineSettings {

    public static final ConfigKey<Duration> LEARNING_PERIOD = ConfigKey.duration("baseline.learning-period", "7d",
            "first-region-use and first-service-use stay silent for this long (event time) after the first call "
                    + "that counts as use in an account, while they learn the regions and services it uses.");

    public static final ConfigKey<Duration> TTL = ConfigKey.duration("baseline.ttl", "90d",
            "A region or service not used in an account for this long (event time) is forgotten: using it again "
                    + "alerts again. An account with nothing left is forgotten and starts a new learning period. "
                    + "Last use is recorded to within a day (ttl/10 when shorter), so an entry goes between ttl and "
                    + "ttl + 1 day after its last use.");

    public static final ConfigKey<Boolean> COUNT_READ_ONLY = ConfigKey.bool("baseline.count-read-only", "true",
            "Whether read-only calls (readOnly=true) count as use of a region or service. false tracks only calls "
                    + "that change something (as Panther's UnusedRegion does): console global views and read-only "
                    + "scanners stop alerting, and read-only reconnaissance in a new region goes unseen.");

    public static final ConfigKey<Set<String>> GLOBAL_SERVICES = new ConfigKey<>("baseline.global-services",
            "iam.amazonaws.com, sts.amazonaws.com, signin.amazonaws.com, organizations.amazonaws.com, "
                    + "cloudfront.amazonaws.com, route53.amazonaws.com, route53domains.amazonaws.com, "
                    + "waf.amazonaws.com, shield.amazonaws.com, support.amazonaws.com, health.amazonaws.com, "
                    + "account.amazonaws.com, billingconsole.amazonaws.com, ce.amazonaws.com, budgets.amazonaws.com, "
                    + "trustedadvisor.amazonaws.com, notifications.amazonaws.com, cur.amazonaws.com",
            "eventSources of global services, comma-separated. Their calls are logged in us-east-1 (us-gov-west-1, "
                    + "cn-north-1) wherever the caller works, so they count as use of the service but never of a "
                    + "region: first-region-use neither learns nor alerts on them.",
            BaselineSettings::names);

    public static final ConfigKey<Integer> CACHE_SIZE = ConfigKey.integer("baseline.cache-size", "5000",
            "Per-account baselines each stream task keeps deserialized in memory (least recently used first out), "
                    + "in front of its RocksDB store; a few KB each. A hit costs no store access; 0 reads the store "
                    + "for every event (several times slower).")
            .nonNegative();

    public static final ConfigKey<Map<String, String>> KNOWN_ACCOUNTS = new ConfigKey<>("accounts.known", "",
            "Accounts of the organization, comma-separated 12-digit ids, each optionally id=name "
                    + "(e.g. 111122223333=prod-payments,444455556666). Never foreign; the name fills accountName. "
                    + "Added to the accounts topic and every recipientAccountId seen. Declared accounts (these and "
                    + "the accounts topic's entries without learnedAt) also decide the sharing rules: a snapshot, "
                    + "AMI, role trust, Lambda permission or layer handed only to declared accounts is LOW instead "
                    + "of MEDIUM (snapshot-shared, iam-role-created, iam-role-trust-policy-changed, "
                    + "lambda-permission-cross-account, lambda-layer-attached); accounts learned from traffic "
                    + "never do, so that the severity does not depend on which events arrived first.",
            KnownAccounts::parse);

    public static final ConfigKey<Boolean> LEARN_RECIPIENTS = ConfigKey.bool("accounts.learn-recipients", "true",
            "Every recipientAccountId seen is a known account: written once to the accounts topic, so every "
                    + "instance learns it. false: only accounts.known, the accounts topic and Organizations events "
                    + "define the organization (a principal acting in its own account is still never foreign).");

    public static final ConfigKey<Boolean> LEARN_ORGANIZATIONS = ConfigKey.bool("accounts.learn-organizations", "true",
            "Accounts created or invited through AWS Organizations (CreateAccount, CreateAccountResult, "
                    + "InviteAccountToOrganization, AcceptHandshake) are known accounts, written to the accounts topic "
                    + "with the name Organizations gives them.");

    public static final List<ConfigKey<?>> ALL = List.of(LEARNING_PERIOD, TTL, COUNT_READ_ONLY, GLOBAL_SERVICES,
            CACHE_SIZE, KNOWN_ACCOUNTS, LEARN_RECIPIENTS, LEARN_ORGANIZATIONS);

    private BaselineSettings() {
    }

    private static Set<String> names(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
