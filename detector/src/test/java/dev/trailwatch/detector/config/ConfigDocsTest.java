package dev.trailwatch.detector.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is what ConfigDocs generates from the code: a new or changed setting must update it. */
class ConfigDocsTest {

    private static final Path PAGE = Path.of("..", "docs", "configuration.md");

    @Test
    void theCommittedReferenceMatchesTheSettings() throws IOException {
        String expected = ConfigDocs.render();
        if (Boolean.getBoolean("trailwatch.docs.write")) {
            Files.writeString(PAGE, expected);
        }
        assertThat(PAGE).as("docs/configuration.md is stale: rerun this test with -Dtrailwatch.docs.write=true")
                .exists();
        assertThat(Files.readString(PAGE))
                .as("docs/configuration.md is stale: rerun this test with -Dtrailwatch.docs.write=true")
                .isEqualTo(expected);
    }

    @Test
    void documentsEverySetting() {
        String page = ConfigDocs.render();
        Settings.ALL.forEach(key -> assertThat(page).contains("`" + key.name() + "`").contains(key.envName()));
    }
}
