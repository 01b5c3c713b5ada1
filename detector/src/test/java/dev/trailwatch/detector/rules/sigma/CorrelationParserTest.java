package dev.trailwatch.detector.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.rules.sigma.SigmaCorrelation.Bound;
import dev.trailwatch.detector.rules.sigma.SigmaCorrelation.Type;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sigma correlation rules become a typed model: the specification's own examples (peer-tests/sigma-spec, public
 * domain), the CloudTrail correlations SigmaHQ has no backend for, and precise refusals for what is malformed.
 */
class CorrelationParserTest {

    private static final Path SPEC = Path.of("src/test/resources/peer-tests/sigma-spec");

    private static SigmaCorrelation parse(String yaml) {
        SigmaYaml.Document doc = SigmaYaml.read(yaml).get(0);
        return CorrelationParser.parse("rules/c.yml", 1, "sigma-c", doc.root());
    }

    private static SigmaCorrelation example(String file) throws IOException {
        return parse(Files.readString(SPEC.resolve(file)));
    }

    private static String refusal(String correlationBody) {
        String yaml = "title: Broken\ncorrelation:\n" + correlationBody.indent(4);
        try {
            parse(yaml);
        } catch (SigmaException e) {
            return e.path() + ": " + e.getMessage();
        }
        throw new AssertionError("accepted: " + yaml);
    }

    @Test
    void eventCountExample() throws IOException {
        SigmaCorrelation c = example("event_count.yml");
        assertThat(c.type()).isEqualTo(Type.EVENT_COUNT);
        assertThat(c.meta().title()).isEqualTo("Many failed logins");
        assertThat(c.meta().id()).isEqualTo("0e95725d-7320-415d-80f7-004da920fc11");
        assertThat(c.rules()).containsExactly("5638f7c0-ac70-491d-8465-2a65075e0d86");
        assertThat(c.groupBy()).containsExactly("ComputerName");
        assertThat(c.timespan()).isEqualTo(Duration.ofHours(1));
        assertThat(c.condition().bounds()).containsExactly(new Bound("gte", 100));
        assertThat(c.condition().test(99)).isFalse();
        assertThat(c.condition().test(100)).isTrue();
        assertThat(c.generate()).isFalse();
    }

    @Test
    void valueCountExampleCountsTheDistinctValuesOfItsField() throws IOException {
        SigmaCorrelation c = example("value_count.yml");
        assertThat(c.type()).isEqualTo(Type.VALUE_COUNT);
        assertThat(c.groupBy()).containsExactly("ComputerName", "WorkstationName");
        assertThat(c.timespan()).isEqualTo(Duration.ofDays(1));
        assertThat(c.condition().fields()).containsExactly("User");
        assertThat(c.condition().bounds()).containsExactly(new Bound("gte", 100));
    }

    @Test
    void temporalExamplesWithoutConditionNeedEveryRule() throws IOException {
        for (String file : List.of("temporal.yml", "temporal_ordered.yml")) {
            SigmaCorrelation c = example(file);
            assertThat(c.type()).isEqualTo(file.equals("temporal.yml") ? Type.TEMPORAL : Type.TEMPORAL_ORDERED);
            assertThat(c.rules()).containsExactly("recon_cmd_a", "recon_cmd_b", "recon_cmd_c");
            assertThat(c.groupBy()).containsExactly("ComputerName", "User");
            assertThat(c.timespan()).isEqualTo(Duration.ofMinutes(5));
            assertThat(c.condition().bounds()).containsExactly(new Bound("gte", 3));
            assertThat(c.meta().id()).isEmpty();
        }
    }

    @Test
    void theMetricTypesAndOtherTaxonomiesOfTheExamplesAreRefused() {
        for (String file : List.of("value_sum.yml", "value_avg.yml", "value_percentile.yml")) {
            assertThatThrownBy(() -> example(file)).isInstanceOf(SigmaException.class)
                    .hasMessageContaining("is not supported (TrailWatch runs event_count, value_count, temporal and"
                            + " temporal_ordered)")
                    .extracting(e -> ((SigmaException) e).kind()).isEqualTo(SigmaRefusal.Kind.UNSUPPORTED);
        }
        assertThatThrownBy(() -> example("event_count_ecs.yml")).hasMessageStartingWith("taxonomy 'ecs'");
    }

    @Test
    void examplesReferringToRulesThatAreNotLoadedAreRefusedAsACollection() throws IOException {
        SigmaRules.Loaded loaded = SigmaRules.compile(List.of(new SigmaRules.Input("spec/event_count.yml",
                Files.readString(SPEC.resolve("event_count.yml")))));
        assertThat(loaded.correlations()).isEmpty();
        assertThat(loaded.refusals()).singleElement().extracting(SigmaRefusal::message).isEqualTo(
                "spec/event_count.yml ('Many failed logins'): correlation.rules[0]: no loaded Sigma rule or correlation"
                        + " has id or name '5638f7c0-ac70-491d-8465-2a65075e0d86'");
    }

    @Test
    void rangesAndEveryComparison() {
        SigmaCorrelation c = parse("title: Range\ncorrelation:\n    type: event_count\n    rules: [a]\n"
                + "    group-by: [sourceIPAddress]\n    timespan: 30s\n    condition:\n        gt: 100\n        lte: 200\n");
        assertThat(c.timespan()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.condition().test(100)).isFalse();
        assertThat(c.condition().test(101)).isTrue();
        assertThat(c.condition().test(200)).isTrue();
        assertThat(c.condition().test(201)).isFalse();
        assertThat(new Bound("eq", 3).test(3)).isTrue();
        assertThat(new Bound("neq", 3).test(3)).isFalse();
        assertThat(new Bound("lt", 3).test(2)).isTrue();
    }

    @Test
    void malformedCorrelationsAreRefusedAtTheirKey() {
        String ok = "rules: [a, b]\ngroup-by: [userIdentity.arn]\n";
        assertThat(refusal("type: temporal\n" + ok)).isEqualTo("correlation.timespan: 'timespan' must be a number"
                + " and one of s, m, h, d (e.g. 10m, 1h), not ''");
        assertThat(refusal("type: temporal\n" + ok + "timespan: 1w")).startsWith("correlation.timespan:");
        assertThat(refusal("type: temporal\n" + ok + "timespan: 0m")).endsWith("longer than zero");
        assertThat(refusal("type: sequence\n" + ok + "timespan: 5m")).isEqualTo("correlation.type: unknown type"
                + " 'sequence' (event_count, value_count, temporal, temporal_ordered)");
        assertThat(refusal("type: event_count\n" + ok + "timespan: 5m")).isEqualTo("correlation.condition:"
                + " event_count needs a 'condition' (e.g. gte: 10)");
        assertThat(refusal("type: value_count\n" + ok + "timespan: 5m\ncondition: {gte: 3}"))
                .startsWith("correlation.condition.field: value_count needs 'field'");
        assertThat(refusal("type: event_count\n" + ok + "timespan: 5m\ncondition: {gte: 3, field: x}"))
                .isEqualTo("correlation.condition.field: 'field' only applies to value_count");
        assertThat(refusal("type: event_count\n" + ok + "timespan: 5m\ncondition: {atleast: 3}"))
                .startsWith("correlation.condition.atleast: unknown condition 'atleast'");
        assertThat(refusal("type: event_count\n" + ok + "timespan: 5m\ncondition: {gte: 2.5}"))
                .isEqualTo("correlation.condition.gte: 'gte' needs a whole number");
        assertThat(refusal("type: temporal\nrules: [a]\ngroup-by: [x]\ntimespan: 5m"))
                .isEqualTo("correlation.rules: temporal correlates at least two rules");
        assertThat(refusal("type: temporal\nrules: [a, a]\ngroup-by: [x]\ntimespan: 5m"))
                .isEqualTo("correlation.rules[1]: 'a' is listed twice");
        assertThat(refusal("type: temporal\nrules: [a, b]\ntimespan: 5m"))
                .startsWith("correlation.group-by: 'group-by' is required");
        assertThat(refusal("type: temporal\n" + ok + "timespan: 5m\ngroupby: [x]"))
                .startsWith("correlation.groupby: unknown key 'groupby'");
        assertThat(refusal("type: temporal\n" + ok + "timespan: 5m\ngenerate: yes please"))
                .isEqualTo("correlation.generate: 'generate' must be true or false");
        assertThat(refusal("type: temporal\n" + ok + "timespan: 5m\naliases:\n    ip:\n        c: sourceIPAddress"))
                .isEqualTo("correlation.aliases.ip.c: 'c' is not one of the rules of this correlation (a, b)");
    }

    /** Brute force then success from one IP: SigmaHQ merged no AWS correlation rule for lack of a backend. */
    private static final String BRUTE_FORCE = """
            title: Console brute force followed by a successful login
            id: 7c1f7b38-5f3e-4c55-9d1e-1c2b7a0f6d10
            level: critical
            author: TrailWatch
            correlation:
                type: temporal_ordered
                rules:
                    - many_failed_console_logins
                    - console_login_success
                group-by:
                    - sourceIPAddress
                timespan: 10m
            ---
            title: Many failed console logins from one address
            name: many_failed_console_logins
            correlation:
                type: event_count
                rules:
                    - failed_console_login
                group-by:
                    - sourceIPAddress
                timespan: 5m
                condition:
                    gte: 10
            ---
            title: Failed console login
            name: failed_console_login
            logsource:
                product: aws
                service: cloudtrail
            detection:
                selection:
                    eventName: ConsoleLogin
                    responseElements.ConsoleLogin: Failure
                condition: selection
            ---
            title: Successful console login
            name: console_login_success
            logsource:
                product: aws
                service: cloudtrail
            detection:
                selection:
                    eventName: ConsoleLogin
                    responseElements.ConsoleLogin: Success
                condition: selection
            """;

    @Test
    void aChainedCloudTrailCorrelationResolvesAndItsBaseRulesDoNotAlertAlone() {
        SigmaRules.Loaded loaded = SigmaRules.compile(List.of(new SigmaRules.Input("rules/mr_console_bruteforce.yml",
                BRUTE_FORCE)));
        assertThat(loaded.correlations()).extracting(SigmaCorrelation::ruleId).containsExactly(
                "sigma-mr-console-bruteforce-doc1", "sigma-mr-console-bruteforce-many-failed-console-logins");
        SigmaCorrelation top = loaded.correlations().get(0);
        assertThat(top.type()).isEqualTo(Type.TEMPORAL_ORDERED);
        assertThat(top.meta().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(top.condition().bounds()).containsExactly(new Bound("gte", 2));
        assertThat(loaded.rules()).isEmpty();
        assertThat(loaded.feeders()).extracting(r -> r.meta().name())
                .containsExactlyInAnyOrder("failed_console_login", "console_login_success");
        assertThat(loaded.refusals()).extracting(SigmaRefusal::kind).containsOnly(
                SigmaRefusal.Kind.CORRELATION_NOT_RUN);
        assertThat(loaded.refusals()).extracting(SigmaRefusal::reason).containsExactlyInAnyOrder(
                "only feeds correlation 'Many failed console logins from one address' (rules/mr_console_bruteforce.yml,"
                        + " generate: false): it raises no alert of its own",
                "only feeds correlation 'Console brute force followed by a successful login'"
                        + " (rules/mr_console_bruteforce.yml, generate: false): it raises no alert of its own");
        assertThat(top.groupKey("console_login_success", SigmaEvents.tree("{\"sourceIPAddress\": \"203.0.113.9\"}")))
                .contains(List.of("203.0.113.9"));
        assertThat(top.groupKey("console_login_success", SigmaEvents.tree("{\"eventName\": \"ConsoleLogin\"}")))
                .isEmpty();
    }

    @Test
    void createUserThenAccessKeyThenAdminPolicyByOnePrincipalWithAliasesAndGenerate() {
        String yaml = """
                title: New user armed with a key and a policy by one principal
                correlation:
                    type: temporal_ordered
                    rules: [iam_create_user, iam_create_access_key, iam_attach_user_policy]
                    group-by: [actor, target]
                    timespan: 10m
                    generate: true
                    aliases:
                        actor:
                            iam_create_user: userIdentity.arn
                            iam_create_access_key: userIdentity.arn
                            iam_attach_user_policy: userIdentity.arn
                        target:
                            iam_create_user: requestParameters.userName
                            iam_create_access_key: requestParameters.userName
                            iam_attach_user_policy: requestParameters.userName
                """ + base("iam_create_user", "CreateUser") + base("iam_create_access_key", "CreateAccessKey")
                + base("iam_attach_user_policy", "AttachUserPolicy");
        SigmaRules.Loaded loaded = SigmaRules.compile(List.of(new SigmaRules.Input("rules/mr_iam_user_armed.yml",
                yaml)));
        assertThat(loaded.refusals()).isEmpty();
        assertThat(loaded.feeders()).isEmpty();
        assertThat(loaded.rules()).extracting(SigmaRule::ruleId).containsExactly(
                "sigma-mr-iam-user-armed-iam-create-user", "sigma-mr-iam-user-armed-iam-create-access-key",
                "sigma-mr-iam-user-armed-iam-attach-user-policy");
        SigmaCorrelation c = loaded.correlations().get(0);
        assertThat(c.condition().bounds()).containsExactly(new Bound("gte", 3));
        assertThat(c.groupKey("iam_create_access_key", SigmaEvents.tree("{\"userIdentity\": {\"arn\":"
                + " \"arn:aws:iam::1:user/mallory\"}, \"requestParameters\": {\"userName\": \"backup-svc\"}}")))
                .contains(List.of("arn:aws:iam::1:user/mallory", "backup-svc"));
    }

    private static String base(String name, String eventName) {
        return "---\ntitle: " + eventName + "\nname: " + name + "\nlogsource:\n    product: aws\n    service: cloudtrail\n"
                + "detection:\n    selection:\n        eventSource: iam.amazonaws.com\n        eventName: " + eventName
                + "\n    condition: selection\n";
    }
}
