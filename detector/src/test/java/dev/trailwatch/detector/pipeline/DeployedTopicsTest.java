package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.config.TuningSettings;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The shipped deployments create every topic their detector settings require, the catalog topics compacted with one
 * partition, and their settings load (an unknown key would stop the detector): docker compose's detector properties
 * against docker/topics/create-topics.sh, the Kubernetes ConfigMap against the Strimzi KafkaTopics.
 */
class DeployedTopicsTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void theKubernetesConfigMapsTopicsAreStrimziKafkaTopicsAndItsFoldersAreMounted() throws IOException {
        DetectorConfig config = DetectorConfig.fromMap(properties(yaml("deploy/kubernetes/detector-configmap.yaml")
                .get(0).path("data").path("trailwatch.properties").asText()));
        Map<String, JsonNode> topics = new HashMap<>();
        yaml("deploy/kubernetes/strimzi/kafkatopics.yaml").forEach(doc -> topics.put(doc.path("metadata")
                .path("name").asText(), doc.path("spec")));

        for (NewTopic required : TopicSetup.required(config, 12, (short) 3)) {
            assertThat(topics).as("a KafkaTopic for %s", required.name()).containsKey(required.name());
            if (TopicSetup.catalogs(config).contains(required.name())) {
                assertThat(topics.get(required.name()).path("partitions").asInt()).isEqualTo(1);
                assertThat(topics.get(required.name()).path("config").path("cleanup.policy").asText())
                        .isEqualTo("compact");
            }
        }
        assertThat(TopicSetup.catalogs(config)).contains("trailwatch.exceptions");
        assertThat(config.get(Settings.RELOAD_INTERVAL)).isEqualTo(Duration.ofSeconds(5));
        String statefulSet = Files.readString(ROOT.resolve("deploy/kubernetes/detector-statefulset.yaml"));
        assertThat(statefulSet).contains("mountPath: " + config.get(Settings.RULES_DIR))
                .contains("mountPath: " + config.get(TuningSettings.DIR)).doesNotContain("subPath:");
    }

    @Test
    void dockerComposeCreatesEveryTopicItsDetectorRequires() throws IOException {
        Properties file = new Properties();
        file.load(new StringReader(Files.readString(ROOT.resolve("docker/detector/trailwatch.properties"))));
        Map<String, String> raw = new HashMap<>();
        file.forEach((key, value) -> raw.put(key.toString(), value.toString()));
        DetectorConfig config = DetectorConfig.fromMap(raw);
        String script = Files.readString(ROOT.resolve("docker/topics/create-topics.sh"));

        for (NewTopic required : TopicSetup.required(config, 4, (short) 1)) {
            assertThat(script).as("create-topics.sh creates %s", required.name())
                    .containsPattern("(\\ncreate|--topic) " + required.name().replace(".", "\\.") + " ");
        }
        for (String catalog : TopicSetup.catalogs(config)) {
            assertThat(script).containsPattern("--topic " + catalog.replace(".", "\\.")
                    + " \\\\\\n\\s+--partitions 1 .*--config cleanup.policy=compact");
        }
        assertThat(TopicSetup.catalogs(config)).contains("trailwatch.exceptions");
    }

    private static Map<String, String> properties(String text) throws IOException {
        Properties props = new Properties();
        props.load(new StringReader(text));
        Map<String, String> out = new HashMap<>();
        props.forEach((key, value) -> out.put(key.toString(), value.toString()));
        return out;
    }

    private static List<JsonNode> yaml(String path) throws IOException {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(ROOT.resolve(path).toFile())) {
            mapper.readValues(parser, JsonNode.class).forEachRemaining(doc -> {
                if (doc != null && !doc.isNull()) {
                    docs.add(doc);
                }
            });
        }
        return docs;
    }
}
