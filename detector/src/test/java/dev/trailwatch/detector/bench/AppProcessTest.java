package dev.trailwatch.detector.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TrailWatchApp;
import org.junit.jupiter.api.Test;

class AppProcessTest {

    @Test
    void namesTheApplicationsEntryPoint() throws Exception {
        assertThat(Class.forName(AppProcess.TRAILWATCH_MAIN)).isEqualTo(TrailWatchApp.class);
        assertThat(TrailWatchApp.class.getMethod("main", String[].class)).isNotNull();
    }
}
