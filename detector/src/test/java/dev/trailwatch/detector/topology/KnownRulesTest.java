package dev.trailwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.tuning.TuningParser;
import dev.trailwatch.detector.tuning.TuningSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class KnownRulesTest {

    /** One page per alert id: the tuning error sends operators there for the ids. */
    private static Set<String> documentedIds() throws IOException {
        try (Stream<Path> pages = Files.list(Path.of("../docs/detections"))) {
            return pages.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md") && !n.equals("README.md"))
                    .map(n -> n.substring(0, n.length() - 3)).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void everyDetectionOnItsPageIsAnIdTuningAccepts() throws IOException {
        Set<String> known = KnownRules.of(DetectorConfig.defaults(), RulePack.load(null));

        assertThat(known).containsAll(documentedIds());
        assertThat(documentedIds()).containsAll(KnownRules.STATEFUL);
    }

    @Test
    void everyDetectionsIdIsKnown() throws IOException {
        Pattern id = Pattern.compile("public static final String ID = \"([a-z0-9-]+)\";");
        Set<String> ids = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java/dev/trailwatch/detector/detect"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = id.matcher(Files.readString(source));
                while (m.find()) {
                    ids.add(m.group(1));
                }
            }
        }
        ids.remove("watchlist"); // the watch list's processor; its alerts carry each rule's own id

        assertThat(ids).hasSizeGreaterThan(10);
        assertThat(KnownRules.STATEFUL).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void anExceptionForAStatefulDetectionIsAccepted() throws Exception {
        TuningSet set = TuningParser.parse("t.yml", """
                exceptions:
                  - id: scanner
                    reason: the security team's scanner sweeps every region's APIs nightly
                    owner: secops
                    rules: [discovery-burst, s3-mass-deletion, instance-credential-exfiltration]
                    when: {role: scanner}
                """);

        assertThat(set.unknownRules(KnownRules.of(DetectorConfig.defaults(), RulePack.load(null))))
                .isEmpty();
    }
}
