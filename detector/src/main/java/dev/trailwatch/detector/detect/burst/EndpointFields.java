package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.io.IOException;

/**
 * The VPC endpoint a call came through ({@code vpcEndpointId}, {@code vpcEndpointAccountId}: top-level fields of a
 * CloudTrail record). Read with Jackson's streaming parser from the record's bytes, skipping nested objects, when the
 * record's tree has not been built: calls through VPC endpoints can be many, and building a whole tree for two
 * top-level strings would cost several times more.
 *
 * @param id      the endpoint id, or null
 * @param account the account owning the endpoint, or null (records written before CloudTrail added the field)
 */
record EndpointFields(String id, String account) {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final EndpointFields NONE = new EndpointFields(null, null);

    static EndpointFields of(CloudTrailEvent event) {
        if (event.json().parsed()) {
            JsonNode id = event.field("vpcEndpointId");
            JsonNode account = event.field("vpcEndpointAccountId");
            return new EndpointFields(id.isTextual() ? id.asText() : null,
                    account.isTextual() ? account.asText() : null);
        }
        try (JsonParser parser = FACTORY.createParser(event.json().bytes())) {
            return scan(parser);
        } catch (IOException e) {
            // The record parsed once already; a record this scan cannot read has no endpoint to offer.
            return NONE;
        }
    }

    private static EndpointFields scan(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return NONE;
        }
        String id = null;
        String account = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("vpcEndpointId".equals(name) && value == JsonToken.VALUE_STRING) {
                id = parser.getText();
            } else if ("vpcEndpointAccountId".equals(name) && value == JsonToken.VALUE_STRING) {
                account = parser.getText();
            } else {
                parser.skipChildren();
            }
            if (id != null && account != null) {
                break;
            }
        }
        return new EndpointFields(id, account);
    }
}
