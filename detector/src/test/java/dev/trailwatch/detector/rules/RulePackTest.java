package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RulePackTest {

    private static final String ROOT = """
            {"type": "Root", "principalId": "111122223333", "arn": "arn:aws:iam::111122223333:root",
             "accountId": "111122223333", "accessKeyId": "ASIAROOTSESSIONEXAMPLE"}""";

    private static Path extraRules() throws URISyntaxException {
        return Path.of(RulePackTest.class.getResource("/rules-extra").toURI());
    }

    @Test
    void loadsTheUsersOwnRulesNextToTheBuiltInOnes() throws URISyntaxException {
        RulePack builtIn = RulePack.load(null);
        RulePack withExtra = RulePack.load(extraRules());

        assertThat(withExtra.rules()).hasSize(builtIn.rules().size() + 2);
        assertThat(withExtra.rule("secret-deleted")).get().extracting(Rule::source).asString()
                .endsWith("rules-extra/secret-deleted.yml");
        assertThat(withExtra.rule("federation-token-issued")).get().extracting(Rule::source).asString()
                .endsWith("identity/federation-token-issued.yaml");
        assertThat(builtIn.rule("secret-deleted")).isEmpty();
    }

    @Test
    void alertsWhenAUserRuleMatches() throws URISyntaxException {
        RulePack pack = RulePack.load(extraRules());
        CloudTrailEvent deleted = TestEvents.call("secretsmanager.amazonaws.com", "DeleteSecret",
                "{\"secretId\": \"prod/db/password\", \"forceDeleteWithoutRecovery\": true}");

        assertThat(pack.matching(deleted)).extracting(Rule::id).containsExactly("secret-deleted");
        Rule rule = pack.rule("secret-deleted").orElseThrow();
        assertThat(rule.severityFor(deleted)).isEqualTo(Severity.HIGH);
        assertThat(rule.renderTitle(deleted))
                .isEqualTo("Secret prod/db/password deleted by arn:aws:iam::111122223333:user/alice");
        assertThat(rule.evidence(deleted)).containsEntry("requestParameters.secretId", "prod/db/password")
                .containsEntry("requestParameters.forceDeleteWithoutRecovery", true);
    }

    @Test
    void matchingReturnsIndexedAndUnindexedRulesInIdOrder() {
        RulePack pack = RulePack.load(null);
        CloudTrailEvent rootStopsTrail = TestEvents.as(TestEvents.record("cloudtrail.amazonaws.com", "StopLogging",
                "{\"name\": \"org-trail\"}"), ROOT);

        assertThat(pack.matching(rootStopsTrail)).extracting(Rule::id)
                .containsExactly("cloudtrail-logging-stopped", "root-account-used");
    }

    @Test
    void alertsOnUnindexedRulesForEventNamesNoRuleIndexes() {
        RulePack pack = RulePack.load(null);
        CloudTrailEvent rootListsBuckets = TestEvents.as(TestEvents.record("s3.amazonaws.com", "ListBuckets", "{}"),
                ROOT);

        assertThat(pack.matching(rootListsBuckets)).extracting(Rule::id).containsExactly("root-account-used");
    }

    @Test
    void staysQuietForReadOnlyCalls() {
        RulePack pack = RulePack.load(null);

        assertThat(pack.matching(TestEvents.call("ec2.amazonaws.com", "DescribeInstances", "{}"))).isEmpty();
        assertThat(pack.matching(TestEvents.call("iam.amazonaws.com", "ListUsers", null))).isEmpty();
    }
}
