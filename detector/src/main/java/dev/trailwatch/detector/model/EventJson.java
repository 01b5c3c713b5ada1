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
import com.fasterxml.jackson.databind.node.TextNode;
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

    /** {@link #requestFrom} when the record's {@code requestParameters} was not located (read it all to know). */
    private static final int UNLOCATED = -2;
    /** {@link #requestFrom} of a record known to have no top-level {@code requestParameters}. */
    private static final int ABSENT = -1;
    /** {@code \\u}: how JSON spells a character by its code. */
    private static final byte[] UNICODE_ESCAPE = {'\\', 'u'};

    private final byte[] source;
    private final boolean typedExact;
    /** Where {@code requestParameters}' value lies in {@link #source}: {@code [requestFrom, requestTo)}. */
    private final int requestFrom;
    private final int requestTo;
    private volatile JsonNode tree;
    private volatile JsonNode typed;

    private EventJson(byte[] source, JsonNode tree, boolean typedExact, int requestFrom, int requestTo) {
        this.source = source;
        this.tree = tree;
        this.typedExact = typedExact;
        this.requestFrom = requestFrom;
        this.requestTo = requestTo;
    }

    /**
     * Bytes known to hold a JSON object (the first value is used, as {@link ObjectMapper#readTree} does).
     *
     * @param typedExact whether every typed field was a string or absent in the source, so that a tree of only the
     *                   typed fields answers their selectors exactly as the whole record does
     */
    public static EventJson ofBytes(byte[] source, boolean typedExact) {
        return new EventJson(source, null, typedExact, UNLOCATED, UNLOCATED);
    }

    /**
     * As {@link #ofBytes(byte[], boolean)}, with where the reader that checked the bytes found the top-level
     * {@code requestParameters} value (the later one when given twice): {@code source[requestFrom, requestTo)}, or
     * {@code requestFrom} negative when the record has none. {@link #requestMembers} then reads only those bytes.
     */
    public static EventJson ofBytes(byte[] source, boolean typedExact, int requestFrom, int requestTo) {
        if (requestFrom < 0) {
            return new EventJson(source, null, typedExact, ABSENT, ABSENT);
        }
        if (requestTo <= requestFrom || requestTo > source.length) {
            throw new IllegalArgumentException("requestParameters at [" + requestFrom + ", " + requestTo
                    + ") is outside the record's " + source.length + " bytes");
        }
        return new EventJson(source, null, typedExact, requestFrom, requestTo);
    }

    /** An already parsed record; {@code source} may be null when it did not come from bytes. */
    public static EventJson ofTree(JsonNode tree, byte[] source) {
        return new EventJson(source, tree, false, UNLOCATED, UNLOCATED);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static EventJson fromJson(JsonNode tree) {
        return new EventJson(null, tree, false, UNLOCATED, UNLOCATED);
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
     * as the later, as in the tree. When the reader of the bytes located {@code requestParameters}' value
     * ({@link #ofBytes(byte[], boolean, int, int)}), only that value is read, not the whole record, and without a
     * JSON parser when its wanted members are plain strings or booleans ({@link RequestMemberScan}).
     */
    public JsonNode requestMembers(Set<String> names) {
        JsonNode whole = tree;
        if (whole != null || source == null) {
            return tree().path("requestParameters");
        }
        if (requestFrom == ABSENT) {
            return MissingNode.getInstance();
        }
        if (requestFrom >= 0) {
            return locatedRequestMembers(names);
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

    private JsonNode locatedRequestMembers(Set<String> names) {
        JsonNode plain = RequestMemberScan.read(source, requestFrom, requestTo, names);
        if (plain != null) {
            return plain;
        }
        try (JsonParser parser = MAPPER.getFactory().createParser(source, requestFrom, requestTo - requestFrom)) {
            JsonToken value = parser.nextToken();
            JsonNode request = value == JsonToken.START_OBJECT ? members(parser, names) : MAPPER.readTree(parser);
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
            JsonToken token = parser.nextToken();
            if (names.contains(member)) {
                kept.set(member, token == JsonToken.VALUE_STRING ? TextNode.valueOf(parser.getText()) : value(parser));
            } else {
                parser.skipChildren();
            }
        }
        return kept;
    }

    /** The value the parser is at as a tree node (a String member is read without the mapper, above). */
    private static JsonNode value(JsonParser parser) throws IOException {
        JsonNode node = MAPPER.readTree(parser);
        return node == null ? NullNode.getInstance() : node;
    }

    /**
     * False only when the record cannot hold a member named any of {@code names} anywhere: the tree is not built, and
     * the source bytes hold none of those names' UTF-8 spellings nor a {@code \\u} escape (the one way JSON can spell a
     * name's letters otherwise). True when it might, and always once the tree is built or without source bytes. Lets a
     * caller that wants rare members skip building the tree of every record that lacks them.
     *
     * @param names plain ASCII
     */
    public boolean mayHold(String... names) {
        byte[] bytes = source;
        if (tree != null || bytes == null || indexOf(bytes, UNICODE_ESCAPE) >= 0) {
            return true;
        }
        for (String name : names) {
            if (indexOf(bytes, name.getBytes(StandardCharsets.US_ASCII)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Where {@code wanted} (not empty) first occurs in {@code bytes}, or -1. */
    public static int indexOf(byte[] bytes, byte[] wanted) {
        byte first = wanted[0];
        int last = bytes.length - wanted.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (bytes[i] != first) {
                continue;
            }
            for (int j = 1; j < wanted.length; j++) {
                if (bytes[i + j] != wanted[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
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
