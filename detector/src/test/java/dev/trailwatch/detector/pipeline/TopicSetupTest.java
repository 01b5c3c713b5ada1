package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.config.DetectorConfig;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicSetupTest {

    @Test
    void theExceptionsTopicIsCreatedCompactedWithOnePartitionWhenItIsSet() {
        DetectorConfig config = DetectorConfig.defaults().with(Map.of("topic.exceptions", "trailwatch.exceptions"));

        NewTopic exceptions = topic(config, "trailwatch.exceptions").orElseThrow();

        assertThat(exceptions.numPartitions()).isEqualTo(1);
        assertThat(exceptions.configs()).containsEntry("cleanup.policy", "compact");
        assertThat(TopicSetup.howToCreate(config)).contains("trailwatch.rules, trailwatch.exceptions compacted");
    }

    @Test
    void noExceptionsTopicIsRequiredWhileTheSettingIsEmpty() {
        DetectorConfig config = DetectorConfig.defaults();

        assertThat(TopicSetup.catalogs(config)).containsExactly("trailwatch.rules");
        assertThat(TopicSetup.required(config, 4, (short) 3)).extracting(NewTopic::name)
                .doesNotContain("").contains("trailwatch.rules");
    }

    @Test
    void withoutRulesTopicOnlyTheExceptionsTopicIsACatalog() {
        DetectorConfig config = DetectorConfig.defaults().with(Map.of("topic.rules", "",
                "topic.exceptions", " team.exceptions "));

        assertThat(TopicSetup.catalogs(config)).containsExactly("team.exceptions");
        assertThat(topic(config, "team.exceptions")).isPresent();
    }

    private static Optional<NewTopic> topic(DetectorConfig config, String name) {
        return TopicSetup.required(config, 4, (short) 3).stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
