package dev.trailwatch.ingest.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.ingest.s3.TrailPrefix;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.junit.jupiter.api.Test;

class CloudTrailSourceConnectorTest {

    private final CloudTrailSourceConnector connector = new CloudTrailSourceConnector();

    private static Map<String, String> props(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void splitsQueuesAcrossTasksOrSharesThemWhenFewerThanTasks() {
        connector.start(props("source.type", "sqs", "sqs.queue.urls", "q1,q2,q3"));

        assertThat(connector.taskConfigs(2)).extracting(t -> t.get("sqs.queue.urls")).containsExactly("q1,q3", "q2");
        assertThat(connector.taskConfigs(5)).hasSize(5).allSatisfy(t -> assertThat(t.get("sqs.queue.urls")).isEqualTo("q1,q2,q3"));
    }

    @Test
    void splitsPathsOnePerTaskAtMost() {
        connector.start(props("source.type", "files", "files.paths", "/a,/b"));

        assertThat(connector.taskConfigs(4)).extracting(t -> t.get("files.paths")).containsExactly("/a", "/b");
    }

    @Test
    void givesEachS3TaskItsIndexAndEveryPrefixExactlyOneTask() {
        connector.start(props("source.type", "s3", "s3.bucket", "trail"));
        List<Map<String, String>> tasks = connector.taskConfigs(3);

        assertThat(tasks).extracting(t -> t.get("task.index")).containsExactly("0", "1", "2");
        for (int i = 0; i < 50; i++) {
            TrailPrefix p = new TrailPrefix("trail", "AWSLogs/" + (111122220000L + i) + "/CloudTrail/eu-west-1/", "", "", false);
            long owners = IntStream.range(0, 3).filter(t -> SourceFactory.assignment(t, 3).test(p)).count();
            assertThat(owners).isEqualTo(1);
        }
    }

    @Test
    void validationNamesTheSettingASourceTypeNeeds() {
        List<ConfigValue> values = connector.validate(props("source.type", "s3")).configValues();

        assertThat(values).filteredOn(v -> v.name().equals("s3.bucket")).singleElement()
                .satisfies(v -> assertThat(v.errorMessages()).containsExactly("s3.bucket is required for source.type=s3"));
        assertThat(connector.validate(props("source.type", "kinesis")).configValues())
                .filteredOn(v -> v.name().equals("source.type")).singleElement()
                .satisfies(v -> assertThat(v.errorMessages()).isNotEmpty());
        assertThat(connector.validate(props("source.type", "s3", "s3.bucket", "b", "s3.start.time", "yesterday"))
                .configValues()).filteredOn(v -> v.name().equals("s3.start.time")).singleElement()
                .satisfies(v -> assertThat(v.errorMessages()).isNotEmpty());
    }

    @Test
    void exactlyOnceWhereOffsetsDescribeTheSourceFully() {
        assertThat(connector.exactlyOnceSupport(props("source.type", "s3"))).isEqualTo(ExactlyOnceSupport.SUPPORTED);
        assertThat(connector.exactlyOnceSupport(props("source.type", "files"))).isEqualTo(ExactlyOnceSupport.SUPPORTED);
        assertThat(connector.exactlyOnceSupport(props("source.type", "sqs"))).isEqualTo(ExactlyOnceSupport.UNSUPPORTED);
    }

    @Test
    void everySettingIsDocumentedHereAndInDocsIngest() throws java.io.IOException {
        String docs = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/ingest.md"));
        assertThat(CloudTrailSourceConfig.CONFIG_DEF.configKeys().values())
                .filteredOn(k -> !k.internalConfig)
                .allSatisfy(k -> {
                    assertThat(k.documentation).as(k.name).isNotBlank();
                    assertThat(docs).as("docs/ingest.md documents " + k.name).contains("| `" + k.name + "` |");
                });
    }
}
