package dev.trailwatch.detector.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link RequestMemberScan}: answers what Jackson's read of the same members answers, or leaves it to Jackson. */
class RequestMemberScanTest {

    private static final Set<String> NAMES = Set.of("secretId", "withDecryption", "name", "names", "attribute");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The members Jackson's tree of the value holds under the wanted names (what the Jackson read keeps). */
    private static JsonNode jackson(String value) throws Exception {
        JsonNode tree = MAPPER.readTree(value);
        ObjectNode kept = MAPPER.createObjectNode();
        tree.fields().forEachRemaining(member -> {
            if (NAMES.contains(member.getKey())) {
                kept.set(member.getKey(), member.getValue());
            }
        });
        return kept;
    }

    private static ObjectNode scan(String value) {
        byte[] bytes = ("{\"requestParameters\":" + value + ",\"z\":1}").getBytes(StandardCharsets.UTF_8);
        int from = "{\"requestParameters\":".getBytes(StandardCharsets.UTF_8).length;
        return RequestMemberScan.read(bytes, from, from + value.getBytes(StandardCharsets.UTF_8).length, NAMES);
    }

    @Test
    void readsPlainStringAndBooleanMembersAsJacksonDoes() throws Exception {
        List<String> values = List.of(
                "{\"secretId\":\"arn:aws:secretsmanager:eu-central-1:1:secret:prod/db\",\"maxResults\":1000,"
                        + "\"filterSet\":{\"items\":[{\"name\":\"tag:team\",\"valueSet\":{\"items\":[{\"value\":\"p\"}]}}]},"
                        + "\"includeAllInstances\":false}",
                "{\"name\":\"/prod/key\",\"withDecryption\":true}",
                "{\"withDecryption\":false,\"attribute\":\"userData\",\"instanceId\":\"i-1\"}",
                "{\"secretId\":\"first\",\"secretId\":\"second\"}",
                "{ \"secretId\" : \"spaced\" ,\n\t\"other\" : [ \"a]\" , \"b}\\\"\" , {\"c\":[1,2.5e3,null]} ] }",
                "{\"other\":\"esc \\\" \\\\ \\u0041 in a member not wanted\",\"name\":\"after it\"}",
                "{\"name\":\"ünïcødé ✓\"}",
                "{\"name\":\"\"}",
                "{}",
                "{\"unrelated\":true,\"n\":-12}");
        for (String value : values) {
            ObjectNode scanned = scan(value);
            assertThat(scanned).as(value).isNotNull();
            assertThat((JsonNode) scanned).as(value).isEqualTo(jackson(value));
        }
    }

    @Test
    void leavesToJacksonWhatItDoesNotDecode() {
        List<String> values = List.of(
                "{\"names\":[\"/prod/db\"]}",
                "{\"name\":null}",
                "{\"name\":7}",
                "{\"name\":{\"deep\":1}}",
                "{\"name\":\"esc\\\"aped\"}",
                "{\"na\\u006de\":\"escaped name\"}",
                "[\"not\",\"an\",\"object\"]",
                "\"a string\"",
                "null");
        for (String value : values) {
            assertThat(scan(value)).as(value).isNull();
        }
    }

    @Test
    void agreesWithJacksonOnGeneratedRequests() throws Exception {
        Random random = new Random(13);
        List<String> pool = new ArrayList<>(NAMES);
        pool.addAll(List.of("other", "filterSet", "maxResults", "x"));
        int answered = 0;
        for (int n = 0; n < 3_000; n++) {
            StringBuilder value = new StringBuilder("{");
            int members = random.nextInt(6);
            for (int m = 0; m < members; m++) {
                if (m > 0) {
                    value.append(random.nextBoolean() ? "," : " , ");
                }
                value.append('"').append(pool.get(random.nextInt(pool.size()))).append("\":");
                value.append(randomValue(random, 0));
            }
            value.append('}');
            String json = value.toString();
            ObjectNode scanned = scan(json);
            if (scanned != null) {
                answered++;
                assertThat((JsonNode) scanned).as(json).isEqualTo(jackson(json));
            }
        }
        assertThat(answered).as("requests the scan answered itself").isGreaterThan(300);
    }

    private static String randomValue(Random random, int depth) {
        return switch (random.nextInt(depth > 2 ? 5 : 7)) {
            case 0 -> "\"plain-" + random.nextInt(100) + "\"";
            case 1 -> random.nextBoolean() ? "true" : "false";
            case 2 -> "\"with \\\"quote\\\" and ] } , brackets\"";
            case 3 -> random.nextBoolean() ? "null" : Integer.toString(random.nextInt(2000) - 1000);
            case 4 -> "\"ütf-8 ✓ {\"";
            case 5 -> "[" + randomValue(random, depth + 1) + "," + randomValue(random, depth + 1) + "]";
            default -> "{\"k\":" + randomValue(random, depth + 1) + ",\"secretId\":" + randomValue(random, depth + 1)
                    + "}";
        };
    }
}
