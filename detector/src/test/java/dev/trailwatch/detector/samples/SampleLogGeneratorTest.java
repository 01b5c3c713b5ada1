package dev.trailwatch.detector.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.samples.SampleLogGenerator.Samples;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

class SampleLogGeneratorTest {

    @Test
    void writesTheSameLogsEveryTime() throws IOException {
        Samples first = SampleLogGenerator.generate();
        Samples second = SampleLogGenerator.generate();

        assertThat(second.index()).isEqualTo(first.index());
        for (String file : first.index()) {
            assertThat(SampleLogGenerator.envelope(second.files().get(file)))
                    .as(file).isEqualTo(SampleLogGenerator.envelope(first.files().get(file)));
        }
        assertThat(SamplesReadme.render(second)).isEqualTo(SamplesReadme.render(first));
    }

    /** Regenerates the committed samples: {@code -DregenerateSamples=true} (see samples/README.md). */
    @Test
    @EnabledIfSystemProperty(named = "regenerateSamples", matches = "true")
    void regenerate() throws IOException {
        SampleLogGenerator.write(SampleLogGenerator.generate(), Path.of("src/main/resources/samples"));
    }
}
