package dev.trailwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.topology.DetectorTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The topology block at the end of docs/architecture.md is what {@code DetectorTopology.build(...).describe()}
 * prints with the default settings and the bundled rules: a new or renamed step must update it.
 */
class TopologyDocsTest {

    private static final Path PAGE = Path.of("..", "docs", "architecture.md");
    private static final String START = "<!-- topology:start -->\n";
    private static final String END = "<!-- topology:end -->";
    private static final String STALE = "the topology in docs/architecture.md is stale: rerun this test with "
            + "-Dtrailwatch.docs.write=true (mvn -B -o -pl detector test -Dtest=TopologyDocsTest "
            + "-Dtrailwatch.docs.write=true), which rewrites the block between " + START.strip() + " and " + END;

    @Test
    void theCommittedTopologyMatchesDescribe() throws IOException {
        String page = Files.readString(PAGE);
        int start = page.indexOf(START);
        int end = page.indexOf(END);
        assertThat(start).as("docs/architecture.md has the markers " + START.strip() + " ... " + END)
                .isNotNegative().isLessThan(end);
        String expected = "```text\n" + describe().stripTrailing() + "\n```\n";
        if (Boolean.getBoolean("trailwatch.docs.write")) {
            page = page.substring(0, start + START.length()) + expected + page.substring(end);
            Files.writeString(PAGE, page);
        }
        assertThat(page.substring(start + START.length(), page.indexOf(END))).as(STALE).isEqualTo(expected);
    }

    private static String describe() {
        return DetectorTopology.build(DetectorConfig.defaults(), RulePack.load(null),
                new TrailWatchMetrics(new SimpleMeterRegistry())).describe().toString();
    }
}
