package dev.trailwatch.detector.parse;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingJsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.deadletter.RejectReason;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.EventJson;
import dev.trailwatch.detector.model.UserIdentity;
import dev.trailwatch.ingest.reader.EventTimes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * Turns one raw CloudTrail record into a {@link CloudTrailEvent}, or says why it cannot.
 *
 * <p>This is the only place a record's bytes are read. A record must be a JSON object with string {@code eventID},
 * {@code eventTime}, {@code eventName} and {@code eventSource}: without them no detection can key, order or name it.
 *
 * <p>One streaming pass checks that the whole record is well-formed JSON and picks out the typed fields; the free-form
 * parts ({@code requestParameters}, {@code responseElements}, ...) are stepped over, not built. The event keeps the
 * bytes, and builds the full JSON tree only if a rule asks for a field outside the typed ones (see {@link EventJson}).
 * The result is the same as reading the tree first: a later duplicate key wins, a field that is {@code null} or an
 * object reads as absent, and a number or boolean reads as its text.
 *
 * <p>The pass is {@link RecordScanner}'s when it can: a byte-level read that checks the free-form parts against the
 * JSON grammar without tokenizing them, two to three times as fast as Jackson's parser stepping over them. It accepts
 * a strict subset of what Jackson accepts and leaves everything else (every malformed record among it) to a Jackson
 * streaming read, which decides and words the rejection; either way the result is the same. Bytes that are not UTF-8
 * are rejected wherever they stand, in values and names alike (a 0xFF byte by {@link #readPastNotUtf8}, since Jackson
 * may read a name holding one as another name it has seen).
 */
public final class CloudTrailParser {

    private static final List<String> REQUIRED = List.of("eventID", "eventTime", "eventName", "eventSource");

    /**
     * CloudTrail Insights events ({@code eventCategory: Insight}) name the API they measured only inside
     * {@code insightDetails}: they are statistics about calls, not calls, and no detection reads them. The ingest
     * connector routes them to {@code insights.topic}; one that reaches the detector anyway is dead-lettered saying so.
     */
    private static final String INSIGHT = "AwsCloudTrailInsight";
    static final String INSIGHT_DETAIL = "a CloudTrail Insights event (eventType AwsCloudTrailInsight), not an API call: "
            + "no detection reads it (it has no top-level eventName or eventSource); Insights belong on insights.topic";
    static final String DIGEST_DETAIL = "a CloudTrail digest (digestStartTime, logFiles: the hashes of a trail's log "
            + "files), not an event: digest files are to be skipped (CloudTrail-Digest/ in their key)";
    private static final byte[] DIGEST_KEY = "\"digestSignatureAlgorithm\"".getBytes(StandardCharsets.US_ASCII);

    /** Whether a record that lacks a required field is a digest file's object (only asked of rejected records). */
    private static boolean isDigest(byte[] raw) {
        return raw != null && EventJson.indexOf(raw, DIGEST_KEY) >= 0;
    }

    private final ObjectMapper mapper;
    private final JsonFactory factory;
    /** Whether the fast byte read ({@link RecordScanner}) is tried first: only on Jackson's default JSON reading. */
    private final boolean scanFirst;

    public CloudTrailParser(ObjectMapper mapper) {
        this(mapper, true);
    }

    /** Tests: {@code scanFirst} false is the Jackson read alone (the parser as it was before the fast read). */
    CloudTrailParser(ObjectMapper mapper, boolean scanFirst) {
        this.mapper = mapper;
        this.factory = mapper.getFactory();
        this.scanFirst = scanFirst && readsAsByDefault(factory);
    }

    public CloudTrailParser() {
        this(new ObjectMapper());
    }

    /** Whether this parser tries the fast byte read first (tests). */
    boolean scansFirst() {
        return scanFirst;
    }

    public ParseResult parse(byte[] raw) {
        if (raw == null || raw.length == 0) {
            return new ParseResult.Rejected(RejectReason.PARSE, "empty record", raw);
        }
        if (scanFirst) {
            Fields fields = new Fields();
            if (RecordScanner.scan(raw, 0, raw.length, fields) >= 0) {
                return fields.toEvent(fields.scanned(raw), raw);
            }
        }
        try (JsonParser parser = factory.createParser(raw)) {
            ParseResult result;
            try {
                result = read(parser, raw);
            } catch (JacksonException e) {
                result = new ParseResult.Rejected(RejectReason.PARSE, "not JSON: " + e.getOriginalMessage(), raw);
            }
            int notUtf8 = readPastNotUtf8(parser, raw, 0, raw.length);
            return notUtf8 < 0 ? result : new ParseResult.Rejected(RejectReason.PARSE,
                    "not JSON: invalid UTF-8, byte 0xff at offset " + notUtf8, raw);
        } catch (JacksonException e) {
            return new ParseResult.Rejected(RejectReason.PARSE, "not JSON: " + e.getOriginalMessage(), raw);
        } catch (IOException e) {
            return new ParseResult.Rejected(RejectReason.PARSE, "unreadable: " + e.getMessage(), raw);
        }
    }

    /** The Jackson read of the record {@code parser} is at the start of. */
    private ParseResult read(JsonParser parser, byte[] raw) throws IOException {
        JsonToken first = parser.nextToken();
        if (first != JsonToken.START_OBJECT) {
            return new ParseResult.Rejected(RejectReason.NOT_OBJECT, "expected a JSON object, found " + kind(first),
                    raw);
        }
        Fields fields = new Fields();
        readRecord(parser, fields);
        return fields.toEvent(EventJson.ofBytes(raw, fields.typedExact), raw);
    }

    /**
     * {@code scan}'s reader (one JSON pass, {@link dev.trailwatch.ingest.reader.RecordParser}): the JSON object that
     * starts at {@code buf[offset]}, within {@code buf[offset, offset + length)}, parsed exactly as {@link #parse}
     * parses a copy of its bytes (the copy is the result's raw bytes).
     *
     * @return {@link Located#INCOMPLETE} when the range ends before the object does (or a token is cut at its end);
     *         {@link Located#MALFORMED} when it is not well-formed JSON
     */
    public Located parseAt(byte[] buf, int offset, int length) {
        if (scanFirst) {
            Fields fields = new Fields();
            int end = RecordScanner.scan(buf, offset, offset + length, fields);
            if (end >= 0) {
                byte[] raw = java.util.Arrays.copyOfRange(buf, offset, end);
                ParseResult result = fields.toEvent(fields.scanned(raw), raw);
                return new Located(result, raw, fields.typedExact && !fields.readerShaped);
            }
        }
        try (JsonParser parser = factory.createParser(buf, offset, length)) {
            try {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    return Located.MALFORMED;
                }
                Fields fields = new Fields();
                readRecord(parser, fields);
                long end = parser.currentLocation().getByteOffset();
                if (end <= 0 || end > length || readPastNotUtf8(parser, buf, offset, length) >= 0) {
                    return Located.MALFORMED;
                }
                byte[] raw = java.util.Arrays.copyOfRange(buf, offset, offset + (int) end);
                ParseResult result = fields.toEvent(EventJson.ofBytes(raw, fields.typedExact), raw);
                return new Located(result, raw, fields.typedExact && !fields.readerShaped);
            } catch (JacksonException e) {
                // not incomplete either: more bytes never make a 0xFF byte UTF-8
                if (readPastNotUtf8(parser, buf, offset, length) >= 0) {
                    return Located.MALFORMED;
                }
                throw e;
            }
        } catch (JsonEOFException e) {
            return Located.INCOMPLETE;
        } catch (JacksonException e) {
            // a token cut by the end of the range (a literal, a UTF-8 sequence) reads as an error there
            JsonLocation at = e.getLocation();
            return at != null && at.getByteOffset() >= length - CUT_TOKEN_BYTES ? Located.INCOMPLETE
                    : Located.MALFORMED;
        } catch (IOException e) {
            return Located.MALFORMED;
        }
    }

    /** Longer than any token Jackson can report as an error at the end of the input because it was cut there. */
    private static final int CUT_TOKEN_BYTES = 16;

    /**
     * Where the Jackson read, which stands at {@code parser}'s current location (relative to {@code from}), went past
     * a 0xFF byte of UTF-8 input: the byte's index in {@code b}, from {@code from}; or -1.
     *
     * <p>Why: 0xFF is never in UTF-8 (RFC 3629), and Jackson pads the last four bytes of a field name with it to look
     * the name up among those it has seen. A name holding 0xFF where the padding goes ({@code "\xFFarn"},
     * {@code "eventNam\xFF\xFF\xFFe"}) is then found as the name it pads ({@code arn}, {@code eventName}), without
     * its bytes ever being decoded, if that name came earlier: in the same record, or in any record the mapper's
     * factory read before. Jackson rejects it ("Invalid UTF-8") or reads it as the other name, depending on what it
     * read before. Anywhere else Jackson stops at a 0xFF byte with an error; {@link RecordScanner} leaves every record
     * holding one to this read. Up to the first 0xFF byte no name holds one, so what Jackson does there does not depend
     * on what it read before; a read that went past that byte is rejected here, whatever Jackson made of the rest. The
     * answer is then a function of the record's bytes, and the one strict UTF-8 gives. Only 0xFF pads a name: every
     * other byte of a name is decoded, and judged, by Jackson.
     */
    private static int readPastNotUtf8(JsonParser parser, byte[] b, int from, int length) {
        if (!(parser instanceof UTF8StreamJsonParser)) {
            return -1; // UTF-16 or UTF-32, which Jackson decodes to characters first: 0xFF may be part of one
        }
        long read = parser.currentLocation().getByteOffset();
        int to = read < 0 ? from + length : from + (int) Math.min(read, length);
        for (int i = from; i < to; i++) {
            if (b[i] == NOT_UTF8) {
                return i - from;
            }
        }
        return -1;
    }

    private static final byte NOT_UTF8 = (byte) 0xFF;

    /**
     * What {@link #parseAt} found.
     *
     * @param result what {@link #parse} gives for {@code raw}
     * @param raw    the object's exact bytes
     * @param plain  every optional typed field a string or absent, and no top-level {@code Records} or
     *               {@code detail-type} key (what only an envelope or an EventBridge event holds)
     */
    public record Located(ParseResult result, byte[] raw, boolean plain) {
        public static final Located INCOMPLETE = new Located(null, null, false);
        public static final Located MALFORMED = new Located(null, null, false);
    }

    /** Builds the event from an already parsed tree (rule test cases and the peer suites come as trees). */
    public ParseResult fromTree(JsonNode tree, byte[] raw) {
        try (JsonParser parser = mapper.treeAsTokens(tree)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                String kind = tree.getNodeType().name().toLowerCase(Locale.ROOT);
                return new ParseResult.Rejected(RejectReason.NOT_OBJECT, "expected a JSON object, found " + kind, raw);
            }
            Fields fields = new Fields();
            readRecord(parser, fields);
            return fields.toEvent(EventJson.ofTree(tree, raw), raw);
        } catch (IOException e) {
            return new ParseResult.Rejected(RejectReason.PARSE, "unreadable tree: " + e.getMessage(), raw);
        }
    }

    private static String kind(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase(Locale.ROOT);
        };
    }

    /** Reads the top-level object the parser is at (its START_OBJECT consumed), through its END_OBJECT. */
    private void readRecord(JsonParser p, Fields f) throws IOException {
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken value = p.nextToken();
            switch (name) {
                case "eventID" -> f.eventId = required(p, value);
                case "eventTime" -> f.eventTime = required(p, value);
                case "eventName" -> f.eventName = required(p, value);
                case "eventSource" -> f.eventSource = required(p, value);
                case "eventType" -> f.eventType = text(p, value, f);
                case "awsRegion" -> f.awsRegion = text(p, value, f);
                case "sourceIPAddress" -> f.sourceIp = text(p, value, f);
                case "userAgent" -> f.userAgent = text(p, value, f);
                case "recipientAccountId" -> f.recipientAccountId = text(p, value, f);
                case "errorCode" -> f.errorCode = text(p, value, f);
                case "errorMessage" -> f.errorMessage = text(p, value, f);
                case "readOnly" -> f.readOnly = flag(p, value);
                case "userIdentity" -> f.identity = identity(p, value, f);
                case "Records", "detail-type" -> {
                    // what a file reader takes for an envelope or an EventBridge event, not a record
                    f.readerShaped = true;
                    p.skipChildren();
                }
                default -> p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new IllegalStateException("parser left the record at " + p.currentToken());
        }
    }

    /** A required field's value: only a non-empty string counts; anything else is skipped and reads as missing. */
    private static String required(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            String text = p.getText();
            return text.isEmpty() ? null : text;
        }
        p.skipChildren();
        return null;
    }

    /** A flag as {@code JsonNode.asBoolean(false)} reads it: true, "true", or a non-zero integer. */
    private static boolean flag(JsonParser p, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_TRUE -> true;
            case VALUE_STRING -> "true".equals(p.getText().trim());
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? p.getBigIntegerValue().signum() != 0 : p.getLongValue() != 0;
            default -> {
                p.skipChildren();
                yield false;
            }
        };
    }

    /**
     * An optional field as text: null for null, objects and arrays; a number or boolean as its JSON text. Anything
     * but a string marks the record's typed fields as not exact (see {@link EventJson#ofBytes}).
     */
    private String text(JsonParser p, JsonToken value, Fields f) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        f.typedExact = false;
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        // numbers and booleans: the text the tree would give (1e3 reads as 1000.0, as JsonNode.asText() does)
        JsonNode node = mapper.readTree(p);
        return node.asText();
    }

    private UserIdentity identity(JsonParser p, JsonToken value, Fields f) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return UserIdentity.NONE;
        }
        String type = null;
        String principalId = null;
        String arn = null;
        String accountId = null;
        String accessKeyId = null;
        String userName = null;
        String invokedBy = null;
        String[] issuer = new String[3];
        String[] scope = new String[2];
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken token = p.nextToken();
            switch (name) {
                case "type" -> type = text(p, token, f);
                case "principalId" -> principalId = text(p, token, f);
                case "arn" -> arn = text(p, token, f);
                case "accountId" -> accountId = text(p, token, f);
                case "accessKeyId" -> accessKeyId = text(p, token, f);
                case "userName" -> userName = text(p, token, f);
                case "invokedBy" -> invokedBy = text(p, token, f);
                case "sessionContext" -> sessionIssuer(p, token, issuer, f);
                case "inScopeOf" -> inScopeOf(p, token, scope, f);
                default -> p.skipChildren();
            }
        }
        return new UserIdentity(type, principalId, arn, accountId, accessKeyId, userName, invokedBy, issuer[0],
                issuer[1], issuer[2], scope[0], scope[1]);
    }

    private static final List<String> SCOPE_MEMBERS = List.of("issuerType", "credentialsIssuedTo");
    private static final List<String> ISSUER_MEMBERS = List.of("arn", "accountId", "userName");

    /** {@code inScopeOf}'s issuerType and credentialsIssuedTo into {@code scope}; each occurrence starts afresh. */
    private void inScopeOf(JsonParser p, JsonToken value, String[] scope, Fields f) throws IOException {
        members(p, value, SCOPE_MEMBERS, scope, f);
    }

    /**
     * Clears {@code into}, then reads the text of the object's members {@code names} into it (member i into
     * {@code into[i]}; a later key wins), stepping over the rest; a value that is not an object leaves it cleared,
     * as in the tree ({@link RecordScanner}'s {@code members} walks them alike).
     */
    private void members(JsonParser p, JsonToken value, List<String> names, String[] into, Fields f)
            throws IOException {
        java.util.Arrays.fill(into, null);
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String field;
        while ((field = p.nextFieldName()) != null) {
            JsonToken fieldValue = p.nextToken();
            int i = names.indexOf(field);
            if (i < 0) {
                p.skipChildren();
            } else {
                into[i] = text(p, fieldValue, f);
            }
        }
    }

    /** {@code sessionContext.sessionIssuer}'s arn, accountId and userName into {@code issuer}; a later key wins. */
    private void sessionIssuer(JsonParser p, JsonToken value, String[] issuer, Fields f) throws IOException {
        java.util.Arrays.fill(issuer, null);
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken token = p.nextToken();
            if ("sessionIssuer".equals(name)) {
                members(p, token, ISSUER_MEMBERS, issuer, f);
            } else {
                p.skipChildren();
            }
        }
    }

    /**
     * Whether {@code factory} reads JSON as a plain {@code new ObjectMapper()} does, which is what
     * {@link RecordScanner} implements (strict JSON, duplicate keys allowed, limits no tighter than Jackson's
     * defaults).
     */
    private static boolean readsAsByDefault(JsonFactory factory) {
        if (factory.getClass() != JsonFactory.class && factory.getClass() != MappingJsonFactory.class) {
            return false;
        }
        StreamReadConstraints limits = factory.streamReadConstraints();
        return factory.getParserFeatures() == new JsonFactory().getParserFeatures()
                && factory.getInputDecorator() == null
                && limits.getMaxNestingDepth() >= 100 + RecordScanner.MAX_DEPTH
                && limits.getMaxNumberLength() >= RecordScanner.MAX_NUMBER
                && limits.getMaxNameLength() >= RecordScanner.MAX_NAME
                && limits.getMaxStringLength() >= RecordScanner.MAX_TYPED
                && !limits.hasMaxDocumentLength()
                && !limits.hasMaxTokenCount();
    }

    /** The typed fields of one record while it is read. */
    static final class Fields {
        String eventId;
        String eventTime;
        String eventName;
        String eventSource;
        String eventType;
        String awsRegion;
        String sourceIp;
        String userAgent;
        String recipientAccountId;
        String errorCode;
        String errorMessage;
        boolean readOnly;
        boolean typedExact = true;
        boolean readerShaped;
        UserIdentity identity = UserIdentity.NONE;
        /** Where the fast read found {@code requestParameters}' value, from the record's first byte; -1: none. */
        int requestFrom = -1;
        int requestTo = -1;

        /** The record's JSON as the fast read ({@link RecordScanner}) left it: the bytes and where the request lies. */
        EventJson scanned(byte[] raw) {
            return EventJson.ofBytes(raw, typedExact, requestFrom, requestTo);
        }

        ParseResult toEvent(EventJson json, byte[] raw) {
            String[] required = {eventId, eventTime, eventName, eventSource};
            for (int i = 0; i < required.length; i++) {
                if (required[i] == null) {
                    return new ParseResult.Rejected(RejectReason.MISSING_FIELD,
                            INSIGHT.equals(eventType) ? INSIGHT_DETAIL : isDigest(raw) ? DIGEST_DETAIL
                                    : "missing string field " + REQUIRED.get(i), raw);
                }
            }
            long millis;
            try {
                millis = EventTimes.parseMillis(eventTime);
            } catch (DateTimeParseException e) {
                return new ParseResult.Rejected(RejectReason.BAD_EVENT_TIME,
                        "eventTime is not an ISO-8601 instant: " + eventTime, raw);
            }
            return new ParseResult.Parsed(new CloudTrailEvent(eventId, millis, eventName, eventSource, eventType,
                    awsRegion, sourceIp, userAgent, recipientAccountId, errorCode, errorMessage, readOnly, identity,
                    json));
        }
    }
}
