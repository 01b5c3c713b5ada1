package dev.trailwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.model.Alert;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The published native schema, the {@link Alert} record and the two docs pages name the same fields: a field added
 * to the alert must reach the schema, the contract page and the OCSF mapping table.
 */
class AlertSchemaDocsTest {

    private static final List<String> FIELDS = Arrays.stream(Alert.class.getRecordComponents())
            .map(component -> component.getName()).toList();

    @Test
    void theSchemaRequiresExactlyTheAlertsFields() throws IOException {
        JsonNode schema;
        try (InputStream in = getClass().getResourceAsStream("/schema/alert.schema.json")) {
            schema = new ObjectMapper().readTree(in);
        }
        List<String> required = StreamSupport.stream(schema.path("required").spliterator(), false)
                .map(JsonNode::asText).toList();
        List<String> properties = new ArrayList<>();
        schema.path("properties").fieldNames().forEachRemaining(properties::add);
        assertThat(required).containsExactlyElementsOf(FIELDS);
        assertThat(properties).containsExactlyElementsOf(FIELDS);
    }

    @Test
    void everyConnectorExampleOnTheSinksPageIsAConnectConfigForTheAlertsTopic() throws IOException {
        String sinks = Files.readString(Path.of("..", "docs", "alert-sinks.md"));
        Matcher block = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(sinks);
        List<JsonNode> examples = new ArrayList<>();
        while (block.find()) {
            examples.add(new ObjectMapper().readTree(block.group(1)));
        }
        assertThat(examples).hasSize(3).allSatisfy(example -> {
            assertThat(example.path("name").asText()).startsWith("trailwatch-");
            JsonNode config = example.path("config");
            assertThat(config.path("connector.class").asText()).matches("[a-z]+(\\.[a-z]+)+\\.[A-Za-z]+Connector");
            assertThat(config.path("topics").asText()).isEqualTo("cloudtrail.alerts");
            assertThat(config.path("consumer.override.isolation.level").asText()).isEqualTo("read_committed");
        });
    }

    @Test
    void theContractPageAndTheOcsfMappingTableNameEveryField() throws IOException {
        String contract = Files.readString(Path.of("..", "docs", "alert-schema.md"));
        String sinks = Files.readString(Path.of("..", "docs", "alert-sinks.md"));
        assertThat(contract).contains("alert.schema.json");
        for (String field : FIELDS) {
            assertThat(contract).as("docs/alert-schema.md names %s", field).contains("`" + field + "`");
            assertThat(sinks).as("docs/alert-sinks.md maps %s", field).contains("| `" + field + "` |");
        }
    }
}
