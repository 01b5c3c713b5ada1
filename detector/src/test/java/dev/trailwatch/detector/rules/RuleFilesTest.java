package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.trailwatch.detector.rules.pattern.FilterPattern;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The corpus-wide test over every built-in rule file (Sigma-style): each file loads, each inline case holds, and
 * each rule carries what an analyst needs (text, ATT&CK ids, false positives, runbook, both kinds of test case).
 */
class RuleFilesTest {

    private static final Path RULES_DIR = Path.of("src/main/resources/rules");
    /** The two rules that watch every service: CIS 4.3 root use and CIS 4.1 AccessDenied. */
    private static final Set<String> CROSS_SERVICE = Set.of("root-account-used", "unauthorized-api-call");

    private final RulePack pack = RulePack.load(null);

    @Test
    void indexListsExactlyTheRuleFilesOfTheFolder() throws IOException {
        List<String> indexed = RuleSources.indexedNames(getClass().getClassLoader());
        try (Stream<Path> files = Files.list(RULES_DIR)) {
            List<String> onDisk = files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(".yml") || name.endsWith(".yaml")).sorted().toList();
            assertThat(indexed)
                    .as("src/main/resources/rules/index.txt must list every rule file (one name a line)")
                    .containsExactlyElementsOf(onDisk);
        }
    }

    @Test
    void loadsEveryIndexedRule() {
        assertThat(pack.rules()).hasSize(RuleSources.indexedNames(getClass().getClassLoader()).size());
        assertThat(pack.rules()).extracting(Rule::source).allSatisfy(source -> assertThat(source).startsWith("rules/"));
    }

    @Test
    void noTwoRuleFilesShareAnId() throws IOException {
        Set<String> ids = new HashSet<>();
        try (Stream<Path> files = Files.list(RULES_DIR)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yml")).toList()) {
                Rule rule = RuleParser.parse("rules/" + file.getFileName(), Files.readString(file));
                assertThat(ids.add(rule.id())).as("duplicate id %s", rule.id()).isTrue();
            }
        }
    }

    @TestFactory
    Stream<DynamicNode> inlineCases() {
        return pack.rules().stream().map(rule -> dynamicContainer(rule.id(), rule.tests().stream()
                .map(test -> dynamicTest(rule.id() + ": " + test.name(), () -> {
                    // the check a user's rule file gets at load: the built-in ones get it here, not at each start
                    assertThat(test.check(rule)).isEmpty();
                    assertThat(rule.matches(test.event())).as("match").isEqualTo(test.expect());
                    test.expectSeverity().ifPresent(severity ->
                            assertThat(rule.severityFor(test.event(), test.organization())).as("severity")
                                    .isEqualTo(severity));
                }))));
    }

    /**
     * A rule that lowers shares inside the declared organization shows it both ways in its own cases: a case whose
     * declared accounts bring it down to the lowering's severity, and one with declared accounts where an account
     * outside them keeps it above, with that account named in the evidence.
     */
    @TestFactory
    Stream<DynamicNode> everyInsideOrganizationLoweringIsShownBothWays() {
        return pack.rules().stream()
                .filter(rule -> rule.lowerings().stream().anyMatch(l -> l.insideOrganization() != null))
                .map(rule -> dynamicTest(rule.id(), () -> {
                    Escalation lowering = rule.lowerings().stream().filter(l -> l.insideOrganization() != null)
                            .findFirst().orElseThrow();
                    List<RuleCase> declaring = rule.tests().stream()
                            .filter(test -> test.expect() && !test.knownAccounts().isEmpty()).toList();
                    assertThat(declaring).as("cases with knownAccounts")
                            .anySatisfy(test -> assertThat(rule.severityFor(test.event(), test.organization()))
                                    .isEqualTo(lowering.severity()))
                            .anySatisfy(test -> {
                                assertThat(rule.severityFor(test.event(), test.organization()))
                                        .isGreaterThan(lowering.severity());
                                assertThat(rule.evidence(test.event(), test.organization()))
                                        .containsKey("outsideOrganization");
                            });
                    for (RuleCase test : declaring) {
                        assertThat(rule.severityFor(test.event())).as("%s without the declared accounts", test.name())
                                .isGreaterThanOrEqualTo(rule.severityFor(test.event(), test.organization()));
                    }
                }));
    }

    @TestFactory
    Stream<DynamicNode> everyRuleIsComplete() {
        return pack.rules().stream().map(rule -> dynamicTest(rule.id(), () -> {
            assertThat(rule.source()).isEqualTo("rules/" + rule.id() + ".yml");
            assertThat(rule.id()).matches(RuleChecks.ID);
            assertThat(rule.title()).isNotBlank();
            assertThat(rule.description()).isNotBlank();
            assertThat(rule.runbook()).contains("Ask:", "Check:", "Contain:").doesNotContain("{", "}");
            assertThat(rule.mitre()).isNotEmpty().allSatisfy(id -> assertThat(id).matches("T\\d{4}(\\.\\d{3})?"));
            assertThat(rule.falsePositives()).isNotEmpty().allSatisfy(fp -> assertThat(fp).isNotBlank());
            assertThat(rule.tests()).anyMatch(RuleCase::expect).anyMatch(test -> !test.expect());
            rule.cis().ifPresent(cis -> assertThat(cis).matches("\\d+\\.\\d+"));
        }));
    }

    /** Event names collide across services (CreateRule is ELB and WAF), so every rule pins its event source. */
    @TestFactory
    Stream<DynamicNode> everyServiceRuleIsIndexedAndPinsItsEventSource() {
        return pack.rules().stream().filter(rule -> !CROSS_SERVICE.contains(rule.id()))
                .map(rule -> dynamicTest(rule.id(), () -> {
                    FilterPattern pattern = FilterPattern.parse(rule.condition());
                    assertThat(pattern.requiredValues("$.eventSource")).as("eventSource").isPresent();
                    assertThat(rule.eventNames()).as("indexed by eventName").isPresent();
                    assertThat(rule.eventNames().get()).isNotEmpty();
                }));
    }

    @Test
    void onlyTheCrossServiceRulesAreUnindexed() {
        assertThat(pack.rules()).filteredOn(rule -> rule.eventNames().isEmpty()).extracting(Rule::id)
                .containsExactlyInAnyOrderElementsOf(CROSS_SERVICE);
    }
}
