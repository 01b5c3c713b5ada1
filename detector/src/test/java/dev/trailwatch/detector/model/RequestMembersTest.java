package dev.trailwatch.detector.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link CloudTrailEvent#requestParameters(Set)}: a few request fields without the record's tree. */
class RequestMembersTest {

    private static final Set<String> FIELDS = Set.of("secretId", "names", "withDecryption", "name");
    private static final String HEAD = "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\","
            + "\"arn\":\"arn:aws:iam::111122223333:user/mallory\",\"sessionContext\":{\"attributes\":{}}},"
            + "\"eventTime\":\"2026-11-20T10:00:00Z\",\"eventSource\":\"ssm.amazonaws.com\",\"eventName\":\"GetParameters\","
            + "\"eventID\":\"e-1\",\"tlsDetails\":{\"requestParameters\":{\"secretId\":\"nested, not the request\"}},";

    private static CloudTrailEvent parse(String json) {
        ParseResult result = new CloudTrailParser().parse(json.getBytes(StandardCharsets.UTF_8));
        return ((ParseResult.Parsed) result).event();
    }

    @Test
    void readsTheNamedMembersAsTheTreeDoesWithoutBuildingIt() throws Exception {
        List<String> records = List.of(
                HEAD + "\"requestParameters\":{\"names\":[\"/prod/db\",\"/prod/key\"],\"withDecryption\":true,"
                        + "\"other\":{\"deep\":[1,2,{\"name\":\"x\"}]}}}",
                HEAD + "\"requestParameters\":{\"secretId\":\"first\",\"secretId\":\"second\"}}",
                HEAD + "\"requestParameters\":{\"name\":null,\"withDecryption\":\"true\"},\"requestParameters\":"
                        + "{\"name\":\"/later/wins\"}}",
                HEAD + "\"requestParameters\":null}",
                HEAD + "\"requestParameters\":[\"not\",\"an\",\"object\"]}",
                HEAD + "\"responseElements\":{\"secretId\":\"in the response\"}}",
                HEAD + "\"requestParameters\":\"a string\",\"responseElements\":null}",
                HEAD + "\"requestParameters\" : { \"secretId\" : \"spaced\" } , \"requestParameters\":7}",
                HEAD + "\"requestParameters\":{\"secretId\":\"kept\"},\"x\":{\"requestParameters\":{\"secretId\":\"no\"}}}");
        ObjectMapper mapper = new ObjectMapper();
        for (String json : records) {
            CloudTrailEvent event = parse(json);
            var members = event.requestParameters(FIELDS);
            assertThat(event.json().parsed()).as("no tree built for %s", json).isFalse();
            var tree = mapper.readTree(json).path("requestParameters");
            for (String field : FIELDS) {
                assertThat(members.path(field)).as("%s in %s", field, json).isEqualTo(tree.path(field));
            }
        }
    }

    @Test
    void answersFromTheTreeOnceItIsBuilt() {
        CloudTrailEvent event = parse(HEAD + "\"requestParameters\":{\"secretId\":\"prod/db\"}}");
        event.record();

        assertThat(event.requestParameters(FIELDS).path("secretId").asText()).isEqualTo("prod/db");
    }
}
