package dev.trailwatch.detector.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A CloudTrail record's whole JSON: its source bytes, parsed into a tree only when something asks for a field the
 * typed {@link CloudTrailEvent} does not carry.
 *
 * <p>Most events are reads that no watch-list rule names, and the stateful detectors need only the typed fields, so
 * most events are never turned into a tree: building one costs more than the rest of their way through the detector.
 * The bytes were already checked to be one well-formed JSON object when the typed fields were read, so the later
 * parse cannot fail on them.
 *
 * <p>Serialized (in repartition topics) as the JSON tree itself.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final byte[] source;
    private final boolean typedExact;
    private volatile JsonNode tree;
    private volatile JsonNode typed;

    private EventJson(byte[] source, JsonNode tree, boolean typedExact) {
        this.source = source;
        this.tree = tree;
        this.typedExact = typedExact;
    }

    /**
     * Bytes known to hold a JSON object (the first value is used, as {@link ObjectMapper#readTree} does).
     *
     * @param typedExact whether every typed field was a string or absent in the source, so that a tree of only the
     *                   typed fields answers their selectors exactly as the whole record does
     */
    public static EventJson ofBytes(byte[] source, boolean typedExact) {
        return new EventJson(source, null, typedExact);
    }

    /** An already parsed record; {@code source} may be null when it did not come from bytes. */
    public static EventJson ofTree(JsonNode tree, byte[] source) {
        return new EventJson(source, tree, false);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static EventJson fromJson(JsonNode tree) {
        return new EventJson(null, tree, false);
    }

    /** See {@link CloudTrailEvent#typedFields()}: the whole tree when already built or the fields are not exact. */
    JsonNode typedFields(CloudTrailEvent event) {
        JsonNode whole = tree;
        if (whole != null || !typedExact) {
            return whole != null ? whole : tree();
        }
        JsonNode small = typed;
        if (small == null) {
            small = TypedFieldsNode.of(event);
            typed = small;
        }
        return small;
    }

    /** The parsed record, built on first use. */
    @JsonValue
    public JsonNode tree() {
        JsonNode parsed = tree;
        if (parsed == null) {
            try {
                parsed = MAPPER.readTree(source);
            } catch (IOException e) {
                throw new UncheckedIOException("event JSON was checked when read, yet does not parse", e);
            }
            tree = parsed;
        }
        return parsed;
    }

    /**
     * The named members of the record's top-level {@code requestParameters} object, each as
     * {@code tree().path("requestParameters").path(name)} gives it; other members are absent. While the tree has not
     * been built, one streaming pass over the bytes reads them, stepping over everything else: a detection that needs
     * two or three request fields of a few candidate calls does not pay for the whole tree. A member given twice reads
     * as the later, as in the tree.
     */
    public JsonNode requestMembers(Set<String> names) {
        JsonNode whole = tree;
        if (whole != null || source == null) {
            return tree().path("requestParameters");
        }
        try (JsonParser parser = MAPPER.getFactory().createParser(source)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return MissingNode.getInstance();
            }
            JsonNode request = MissingNode.getInstance();
            String field;
            while ((field = parser.nextFieldName()) != null) {
                JsonToken value = parser.nextToken();
                if ("requestParameters".equals(field)) {
                    request = value == JsonToken.START_OBJECT ? members(parser, names) : MAPPER.readTree(parser);
                } else {
                    parser.skipChildren();
                }
            }
            return request == null ? MissingNode.getInstance() : request;
        } catch (IOException e) {
            throw new UncheckedIOException("event JSON was checked when read, yet does not parse", e);
        }
    }

    /** Reads the object the parser is at (START_OBJECT read) through its end, keeping the named members. */
    private static ObjectNode members(JsonParser parser, Set<String> names) throws IOException {
        ObjectNode kept = MAPPER.createObjectNode();
        String member;
        while ((member = parser.nextFieldName()) != null) {
            parser.nextToken();
            if (names.contains(member)) {
                JsonNode node = MAPPER.readTree(parser);
                kept.set(member, node == null ? NullNode.getInstance() : node);
            } else {
                parser.skipChildren();
            }
        }
        return kept;
    }

    /** True once the tree has been built (tests and benchmarks use it to see which events needed one). */
    public boolean parsed() {
        return tree != null;
    }

    /**
     * Whether every typed field was a string or absent in the source (see {@link #ofBytes}); false for a tree
     * ({@link #ofTree}).
     */
    public boolean typedExact() {
        return typedExact;
    }

    /** The record as bytes: the source bytes when known, else the tree written back as JSON. */
    public byte[] bytes() {
        if (source != null) {
            return source;
        }
        try {
            return MAPPER.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            return tree.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EventJson that && tree().equals(that.tree());
    }

    @Override
    public int hashCode() {
        return tree().hashCode();
    }

    @Override
    public String toString() {
        return source != null ? new String(source, StandardCharsets.UTF_8) : tree.toString();
    }
}
