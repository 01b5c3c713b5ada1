package dev.trailwatch.detector.ocsf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.rules.Rule;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttackTechniquesTest {

    private final AttackTechniques bundled = AttackTechniques.bundled();

    @Test
    void namesEveryTechniqueTheBundledRulesName() {
        List<String> named = TopologyHarness.rules().rules().stream().map(Rule::mitre).flatMap(List::stream)
                .distinct().toList();
        assertThat(named).isNotEmpty().allSatisfy(id -> assertThat(bundled.lists(id)).as(id).isTrue());
    }

    @Test
    void listsTheParentOfEverySubTechniqueWithATacticEach() {
        for (String id : List.of("T1078.004", "T1110.001", "T1110.003", "T1562.008", "T1098.001", "T1136.003")) {
            assertThat(bundled.lists(id.substring(0, id.indexOf('.')))).as(id).isTrue();
            assertThat(bundled.find(id).tactics()).as(id).isNotEmpty()
                    .allSatisfy(t -> assertThat(t.id()).matches("TA\\d{4}"));
        }
    }

    @Test
    void refusesAMalformedLineNamingIt() {
        assertThatThrownBy(() -> AttackTechniques.parse(List.of("T1110 Brute Force")))
                .hasMessageContaining("'T1110 Brute Force'");
    }
}
