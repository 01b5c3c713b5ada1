package dev.trailwatch.detector.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The accounts topic's value serde: JSON out; in, a JSON object, or anything else taken as the account's name
 * ({@code 111122223333 -> prod-payments} typed by hand into a console producer). Reading never fails: a bad record on
 * this operator-written topic must not stop the global table every instance depends on.
 */
public final class AccountInfoSerde implements Serde<AccountInfo> {

    private static final ObjectMapper MAPPER = JacksonSerde.configure(new ObjectMapper());

    @Override
    public Serializer<AccountInfo> serializer() {
        return (topic, info) -> {
            if (info == null) {
                return null;
            }
            try {
                return MAPPER.writeValueAsBytes(info);
            } catch (IOException e) {
                throw new SerializationException("cannot write account info for " + topic, e);
            }
        };
    }

    @Override
    public Deserializer<AccountInfo> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    public static AccountInfo read(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8).strip();
        if (text.startsWith("{")) {
            return fromJson(text);
        }
        if (text.startsWith("\"") && text.endsWith("\"") && text.length() >= 2) {
            text = text.substring(1, text.length() - 1);
        }
        return AccountInfo.named(text.isEmpty() || "null".equals(text) ? null : text);
    }

    /**
     * The object's fields; its name (and {@code learnedFrom}, so that a learned entry with an unreadable time is not
     * taken for an operator's) when a field has an unexpected shape; no name when it is not JSON.
     */
    private static AccountInfo fromJson(String text) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(text);
        } catch (IOException e) {
            return AccountInfo.named(null);
        }
        try {
            return MAPPER.treeToValue(tree, AccountInfo.class);
        } catch (IOException | IllegalArgumentException e) {
            return new AccountInfo(tree.path("name").asText(null), null, null,
                    tree.has("learnedFrom") || tree.has("learnedAt") ? tree.path("learnedFrom").asText("unknown") : null,
                    null);
        }
    }
}
