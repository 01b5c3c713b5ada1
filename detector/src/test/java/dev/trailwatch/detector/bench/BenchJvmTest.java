package dev.trailwatch.detector.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bench measures the detector as it is deployed: its children get the JIT options the launcher, the image, the
 * Compose stack and the Kubernetes manifest give the detector (docs/performance.md, "A second C2 compiler thread").
 */
class BenchJvmTest {

    private static final String SECOND_C2_THREAD = "-XX:CICompilerCount=3";

    @Test
    void belowFourCpusTheChildrenGetASecondCompilerThreadAsTheDeployedDetectorDoes() {
        assertThat(BenchCommand.defaultJvm(2)).isEqualTo("-Xmx512m " + SECOND_C2_THREAD);
        assertThat(BenchCommand.defaultJvm(3)).contains(SECOND_C2_THREAD);
        // from 4 CPUs the JVM's own choice is 3 compiler threads or more: nothing to add
        assertThat(BenchCommand.defaultJvm(4)).isEqualTo("-Xmx512m");
        assertThat(BenchCommand.defaultJvm(16)).isEqualTo("-Xmx512m");
    }

    @Test
    void everyWayOfRunningTheDetectorSetsTheSameCompilerThreads() throws IOException {
        for (String file : List.of("../trailwatch", "../docker/detector/Dockerfile", "../docker/compose.yml",
                "../deploy/kubernetes/detector-statefulset.yaml")) {
            assertThat(Files.readString(Path.of(file))).as(file).contains(SECOND_C2_THREAD);
        }
    }
}
