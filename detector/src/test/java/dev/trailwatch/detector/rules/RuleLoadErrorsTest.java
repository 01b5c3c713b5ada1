package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rule file that cannot load fails with a message naming the file and what is wrong, where. */
class RuleLoadErrorsTest {

    @TempDir
    Path dir;

    private static Path extraRules() throws URISyntaxException {
        return Path.of(RuleLoadErrorsTest.class.getResource("/rules-extra").toURI());
    }

    private static String validUserRule() throws IOException, URISyntaxException {
        return Files.readString(extraRules().resolve("secret-deleted.yml"));
    }

    private Path write(String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void failsOnABadPatternNamingFileAndColumn() throws Exception {
        write("secret-deleted.yml", validUserRule().replace("($.errorCode NOT EXISTS)", "($.errorCode NOT EXIST)"));

        assertThatThrownBy(() -> RulePack.load(dir)).isInstanceOf(RuleLoadException.class)
                .hasMessageStartingWith(dir.resolve("secret-deleted.yml") + ": condition, column ")
                .hasMessageContaining("EXIST");
    }

    @Test
    void failsOnABadEscalationPattern() throws Exception {
        write("secret-deleted.yml", validUserRule().replace("IS TRUE }", "IS }"));

        assertThatThrownBy(() -> RulePack.load(dir)).isInstanceOf(RuleLoadException.class)
                .hasMessageStartingWith(dir.resolve("secret-deleted.yml") + ": escalations[0].when, column ");
    }

    @Test
    void failsOnAnUnknownMatcherListingTheKnownOnes() throws Exception {
        write("secret-deleted.yml", validUserRule().replace("evidence:", "matcher: secret-is-important\nevidence:"));

        assertThatThrownBy(() -> RulePack.load(dir)).isInstanceOf(RuleLoadException.class)
                .hasMessageStartingWith(dir.resolve("secret-deleted.yml") + ": matcher: unknown matcher "
                        + "'secret-is-important'")
                .hasMessageContaining("ingress-open-to-world");
    }

    @Test
    void failsOnADuplicateIdNamingBothFiles() throws Exception {
        write("a/secret-deleted.yml", validUserRule());
        write("b/secret-deleted.yml", validUserRule());

        assertThatThrownBy(() -> RulePack.load(dir)).isInstanceOf(RuleLoadException.class)
                .hasMessageContaining("duplicate rule id 'secret-deleted'")
                .hasMessageContaining(dir.resolve("a/secret-deleted.yml").toString())
                .hasMessageContaining(dir.resolve("b/secret-deleted.yml").toString());
    }

    @Test
    void failsWhenAUserRuleReusesABuiltInId() throws Exception {
        write("cloudtrail-logging-stopped.yml", validUserRule().replace("id: secret-deleted",
                "id: cloudtrail-logging-stopped"));

        assertThatThrownBy(() -> RulePack.load(dir)).isInstanceOf(RuleLoadException.class)
                .hasMessageContaining("duplicate rule id 'cloudtrail-logging-stopped'")
                .hasMessageContaining("rules/cloudtrail-logging-stopped.yml");
    }

    @Test
    void failsOnAnUnknownKeyWithItsLine() throws Exception {
        write("secret-deleted.yml", validUserRule().replace("severity: MEDIUM", "severty: MEDIUM"));

        assertThatThrownBy(() -> RulePack.load(dir)).isInstanceOf(RuleLoadException.class)
                .hasMessageStartingWith(dir.resolve("secret-deleted.yml") + ": unknown key 'severty' at line ")
                .hasMessageContaining("severity");
    }

    @Test
    void failsOnAnUnknownKeyInsideATestCase() throws Exception {
        write("secret-deleted.yml", validUserRule().replaceFirst("    expect: true", "    expected: true"));

        assertThatThrownBy(() -> RulePack.load(dir)).isInstanceOf(RuleLoadException.class)
                .hasMessageContaining("unknown key 'tests[0].expected'");
    }

    @Test
    void failsOnInvalidYaml() throws Exception {
        write("secret-deleted.yml", validUserRule().replace("severity: MEDIUM", "severity: [MEDIUM"));

        assertThatThrownBy(() -> RulePack.load(dir)).isInstanceOf(RuleLoadException.class)
                .hasMessageStartingWith(dir.resolve("secret-deleted.yml") + ": ");
    }

    @Test
    void failsWhenAnInlineTestDisagreesWithTheRule() throws Exception {
        write("secret-deleted.yml", validUserRule().replace("expectSeverity: HIGH", "expectSeverity: CRITICAL"));

        assertThatThrownBy(() -> RulePack.load(dir)).isInstanceOf(RuleLoadException.class)
                .hasMessage(dir.resolve("secret-deleted.yml")
                        + ": test 'Deleted at once': expected severity CRITICAL but got HIGH");
    }

    @Test
    void failsWhenTheFileNameIsNotTheId() throws Exception {
        write("deleted-secrets.yml", validUserRule());

        assertThatThrownBy(() -> RulePack.load(dir)).isInstanceOf(RuleLoadException.class)
                .hasMessageContaining("id 'secret-deleted' must equal the file name (deleted-secrets)");
    }

    @Test
    void failsWhenACaseOutcomeIsMissing() throws Exception {
        write("secret-deleted.yml", validUserRule().replace("expect: false", "expect: true"));

        assertThatThrownBy(() -> RulePack.load(dir)).isInstanceOf(RuleLoadException.class)
                .hasMessageContaining("at least one case with 'expect: true' and one with 'expect: false'");
    }

    @Test
    void failsOnAnEscalationThatDoesNotRaiseTheSeverity() throws Exception {
        write("secret-deleted.yml", validUserRule().replace("    severity: HIGH", "    severity: LOW"));

        assertThatThrownBy(() -> RulePack.load(dir)).isInstanceOf(RuleLoadException.class)
                .hasMessageContaining("escalations[0].severity LOW must be above the rule's severity MEDIUM");
    }

    @Test
    void failsOnALoweringThatDoesNotLowerTheSeverity() throws Exception {
        write("secret-deleted.yml", validUserRule().replace("evidence:", """
                lowerings:
                  - when: '{ $.userIdentity.type = "AWSService" }'
                    severity: HIGH
                evidence:"""));

        assertThatThrownBy(() -> RulePack.load(dir)).isInstanceOf(RuleLoadException.class)
                .hasMessageContaining("lowerings[0].severity HIGH must be below the rule's severity MEDIUM");
    }

    @Test
    void failsOnALoweringToTheSeverityOfARuleThatNothingRaises() throws Exception {
        write("secret-deleted.yml", validUserRule().replace("""
                escalations:
                  - when: '{ $.requestParameters.forceDeleteWithoutRecovery IS TRUE }'
                    severity: HIGH
                """, """
                lowerings:
                  - when: '{ $.userIdentity.type = "AWSService" }'
                    severity: MEDIUM
                """));

        assertThatThrownBy(() -> RulePack.load(dir)).isInstanceOf(RuleLoadException.class)
                .hasMessageContaining("lowerings[0].severity MEDIUM must be below the rule's severity MEDIUM (or equal"
                        + " to it when an escalation can raise it)");
    }

    @Test
    void failsOnAnUnquotedDecimalCisControl() throws Exception {
        write("secret-deleted.yml", validUserRule().replace("severity: MEDIUM", "severity: MEDIUM\ncis: 4.10"));

        assertThatThrownBy(() -> RulePack.load(dir)).isInstanceOf(RuleLoadException.class)
                .hasMessageContaining("'cis' at line");
    }

    @Test
    void failsOnAMissingDirectory() {
        assertThatThrownBy(() -> RulePack.load(dir.resolve("nope"))).isInstanceOf(RuleLoadException.class)
                .hasMessageContaining("does not exist or is not a directory");
    }
}
