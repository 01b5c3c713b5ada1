package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed {@code docs/detections/} pages must be exactly what {@link RuleDocs} generates from the rule files.
 * Run with {@code -Dtrailwatch.regenerateDocs=true} to rewrite them first (the command is in the failure message).
 */
class RuleDocsTest {

    private static final Path DOCS = Path.of("../docs/detections");
    static final String REGENERATE = "mvn -B -q -pl detector -am test -Dtest=RuleDocsTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dtrailwatch.regenerateDocs=true";

    private final RulePack pack = RulePack.load(null);

    @Test
    void committedPagesAreWhatTheGeneratorProduces() throws IOException {
        if (Boolean.getBoolean("trailwatch.regenerateDocs")) {
            RuleDocs.main(new String[] {DOCS.toString()});
        }
        Map<String, String> pages = RuleDocs.pages(pack, DOCS);
        for (Map.Entry<String, String> page : pages.entrySet()) {
            Path file = DOCS.resolve(page.getKey());
            assertThat(file).as("docs/detections/%s is missing; regenerate with: %s", page.getKey(), REGENERATE)
                    .exists();
            assertThat(Files.readString(file)).as("docs/detections/%s is out of date; regenerate with: %s",
                    page.getKey(), REGENERATE).isEqualTo(page.getValue());
        }
        assertThat(RuleDocs.generatedFiles(DOCS)).extracting(p -> p.getFileName().toString())
                .as("generated pages of rules that no longer exist; regenerate with: %s", REGENERATE)
                .allMatch(pages::containsKey);
    }

    @Test
    void everyPageCarriesWhatTheAnalystLooksUp() {
        Map<String, String> pages = RuleDocs.pages(pack, DOCS);
        for (Rule rule : pack.rules()) {
            assertThat(pages.get(rule.id() + ".md")).as(rule.id()).startsWith(RuleDocs.MARKER)
                    .contains("# " + rule.id(), rule.severity().name(), rule.runbook(),
                            "detector/src/main/resources/rules/" + rule.id() + ".yml")
                    .contains(rule.mitre()).contains(rule.falsePositives());
            rule.cis().ifPresent(cis -> assertThat(pages.get(rule.id() + ".md")).contains("control " + cis));
            rule.matcher().ifPresent(matcher -> assertThat(pages.get(rule.id() + ".md")).contains(matcher));
        }
        assertThat(pages.get("README.md")).contains(pack.rules().stream().map(r -> "(" + r.id() + ".md)").toList());
    }

    @Test
    void conditionLayoutOnlyAddsWhitespace() {
        for (Rule rule : pack.rules()) {
            assertThat(RulePage.layout(rule.condition()).replaceAll("\\s+", ""))
                    .isEqualTo(rule.condition().replaceAll("\\s+", ""));
        }
    }
}
