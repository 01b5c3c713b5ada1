package dev.trailwatch.detector.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The parser with its fast byte read ({@link RecordScanner}) gives exactly what the Jackson streaming read alone gives
 * (the parser as it was before the fast read): the same Parsed or Rejected, the same reason and wording, the same typed
 * fields, the same bytes; for {@code parseAt} the same record end, plainness, incompleteness. On every record we have,
 * on hand-made awkward and malformed shapes at each of the fast read's limits, and on thousands of fuzzed variants
 * (truncations, flipped and inserted bytes, bad escapes, bad numbers, deep nesting, duplicate keys, non-UTF-8).
 */
class ParserDifferentialTest {

    private static final CloudTrailParser FAST = new CloudTrailParser();
    private static final CloudTrailParser JACKSON = new CloudTrailParser(new ObjectMapper(), false);
    private static final String HEAD = "{\"eventVersion\":\"1.08\",\"eventID\":\"a\","
            + "\"eventTime\":\"2026-11-20T10:00:00Z\",\"eventName\":\"X\",\"eventSource\":\"s\"";

    private static List<byte[]> records() throws IOException {
        return CloudTrailParserTest.everyRecordWeHave().map(ParserDifferentialTest::utf8).toList();
    }

    @Test
    void everyRecordWeHaveReadsTheSameAndTheFastReadTakesEveryPlainOne() throws IOException {
        assertThat(FAST.scansFirst()).as("the default parser reads the bytes first").isTrue();
        assertThat(JACKSON.scansFirst()).isFalse();
        assertThat(new CloudTrailParser(new ObjectMapper().enable(
                com.fasterxml.jackson.core.JsonParser.Feature.ALLOW_COMMENTS)).scansFirst())
                .as("a mapper that reads other than Jackson's defaults").isFalse();
        int plain = 0;
        for (byte[] record : records()) {
            assertSame(record);
            CloudTrailParser.Located located = JACKSON.parseAt(record, 0, record.length);
            if (located.plain() && located.result() instanceof ParseResult.Parsed) {
                plain++;
                assertThat(RecordScanner.scan(record, 0, record.length, new CloudTrailParser.Fields()))
                        .as("the fast read takes a well-formed record itself: %s", text(record))
                        .isEqualTo(record.length);
            }
        }
        assertThat(plain).isGreaterThan(3_000);
    }

    @Test
    void awkwardAndMalformedShapesReadTheSame() {
        List<String> bodies = new ArrayList<>(List.of(
                "}", ",\"x\":1}", ",\"x\":[]}", ",\"x\":{}}", ",\"x\":[{}, [], \"\", 0, -0, 1.5e-3, -0.0E+00, true, "
                        + "false, null]}",
                // escapes and non-ASCII in typed fields and elsewhere
                ",\"userAgent\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\\ud800 caf\u00e9 \uD83D\uDE00\"}",
                ",\"errorMessage\":\"\u0434\u043e\u0441\u0442\u0443\u043f \u62d2\u5426\",\"x\":\"\\u0000\"}",
                ",\"event\\u0049D\":\"escaped name\"}", ",\"userIdentity\":{\"ar\\u006e\":\"x\"}}",
                ",\"x\\\"y\":1}", ",\"\":\"empty name\"}", ",\"\u00e9\":1}",
                // typed fields that are not strings
                ",\"awsRegion\":12}", ",\"awsRegion\":-0.5e3}", ",\"awsRegion\":true}", ",\"awsRegion\":null}",
                ",\"awsRegion\":{}}", ",\"awsRegion\":[1]}", ",\"recipientAccountId\":123456789012345678901234567890}",
                ",\"readOnly\":true}", ",\"readOnly\":false}", ",\"readOnly\":\" true \"}", ",\"readOnly\":\"TRUE\"}",
                ",\"readOnly\":1}", ",\"readOnly\":0}", ",\"readOnly\":1.0}", ",\"readOnly\":null}",
                ",\"readOnly\":{}}", ",\"readOnly\":[true]}", ",\"eventID\":5}", ",\"eventID\":\"\"}",
                ",\"eventID\":null}", ",\"eventTime\":\"yesterday\"}",
                ",\"eventTime\":\"2026-11-20 10:00:00.123+01:00\"}",
                // duplicate keys, identities in every shape
                ",\"eventName\":\"Y\",\"eventName\":\"Z\"}",
                ",\"userIdentity\":{\"type\":\"Root\",\"arn\":\"a\",\"arn\":\"b\"},\"userIdentity\":{\"type\":\"X\"}}",
                ",\"userIdentity\":{\"type\":\"Root\"},\"userIdentity\":\"gone\"}", ",\"userIdentity\":{}}",
                ",\"userIdentity\":{\"sessionContext\":{\"sessionIssuer\":{\"arn\":\"i\",\"accountId\":\"1\","
                        + "\"userName\":\"u\",\"x\":[1]},\"attributes\":{\"a\":\"b\"}}}}",
                ",\"userIdentity\":{\"sessionContext\":{\"sessionIssuer\":{\"arn\":\"i\"},\"sessionIssuer\":[1]}}}",
                // inScopeOf: an object, not one, twice, members of other types
                ",\"userIdentity\":{\"inScopeOf\":{\"issuerType\":\"AWS::EC2::Instance\","
                        + "\"credentialsIssuedTo\":\"arn:aws:ec2:us-east-1:1:instance/i-0abc\",\"x\":[1]}}}",
                ",\"userIdentity\":{\"inScopeOf\":\"i-0abc\"}}",
                ",\"userIdentity\":{\"inScopeOf\":{\"issuerType\":\"a\"},\"inScopeOf\":{\"credentialsIssuedTo\":\"b\"}}}",
                ",\"userIdentity\":{\"inScopeOf\":{\"issuerType\":5,\"credentialsIssuedTo\":{\"a\":1}}}}",
                ",\"userIdentity\":{\"sessionContext\":{\"sessionIssuer\":{\"arn\":\"i\"}},\"sessionContext\":5}}",
                ",\"userIdentity\":{\"sessionContext\":{\"sessionIssuer\":{\"arn\":\"i\"}},\"sessionContext\":{}}}",
                ",\"userIdentity\":{\"sessionContext\":{}, \"typo\":1, \"arx\":2, \"userNam\":3, \"accountIx\":4,"
                        + "\"principalIx\":5, \"sessionContexx\":6}}",
                ",\"userIdentity\":{\"accountId\":1}}", ",\"userIdentity\":{\"invokedBy\":null}}",
                ",\"Records\":[]}", ",\"detail-type\":\"AWS API Call via CloudTrail\"}",
                // white space JSON allows, and what it does not
                " \t\r\n}", " \f}", " \u000b}", " \u00a0}", ",\"x\" : [ 1 , 2 ] }",
                // malformed
                ",\"x\":[1,2}", ",\"x\":[1,]}", ",\"x\":[,1]}", ",\"x\":{\"a\":1,}}", ",\"x\":{\"a\"}}",
                ",\"x\":{\"a\" 1}}", ",\"x\":{1:1}}", ",}", ",\"x\":1,}", ",\"x\":1 \"y\":2}", ",\"x\"}", ",\"x\":}",
                ",\"x\":tru}", ",\"x\":True}", ",\"x\":nulls}", ",\"x\":truefalse}", ",\"x\":nul}", ",\"x\":undefined}",
                ",\"x\":-}", ",\"x\":01}", ",\"x\":-01}", ",\"x\":1.}", ",\"x\":.5}", ",\"x\":1e}", ",\"x\":1e+}",
                ",\"x\":+1}", ",\"x\":0x1}", ",\"x\":1.5.3}",
                ",\"x\":[0e5,-0E-0,0.0,1E5,1e05,1e+5,-1.0e-05,9007199254740993,1e400,-1e-400]}", ",\"x\":NaN}",
                ",\"x\":-Infinity}", ",\"x\":1-2}",
                ",\"x\":\"\\x\"}", ",\"x\":\"\\u12\"}", ",\"x\":\"\\u12g4\"}", ",\"x\":\"\\\"}", ",\"x\":\"a\tb\"}",
                ",\"x\":\"a\nb\"}", ",\"x\":'single'}", ",\"x\":1 // comment\n}", ",\"x\":1 /* c */}",
                ",\"x\":1 # c\n}",
                ",\"eventName\":\"Y\"", ",\"eventName\":\"Y", ",\"eventName\"", ",", ""));
        for (String digits : List.of("9".repeat(199), "9".repeat(200), "9".repeat(201), "9".repeat(999),
                "9".repeat(1000), "9".repeat(1001), "1." + "5".repeat(1200), "1e" + "5".repeat(1200))) {
            bodies.add(",\"x\":" + digits + "}");
            bodies.add(",\"x\":[" + digits + "]}");
        }
        for (int length : new int[] {1023, 1024, 1025, 49_999, 50_000, 50_001}) {
            bodies.add(",\"x\":{\"" + "k".repeat(length) + "\":1}}");
            bodies.add(",\"" + "k".repeat(length) + "\":1}");
        }
        for (int depth : new int[] {61, 62, 63, 64, 998, 999, 1000, 1001, 5000}) {
            bodies.add(",\"requestParameters\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
            bodies.add(",\"userIdentity\":{\"sessionContext\":{\"sessionIssuer\":{\"x\":" + "{\"a\":".repeat(depth)
                    + "1" + "}".repeat(depth) + "}}}}");
            bodies.add(",\"requestParameters\":" + "[".repeat(depth) + "]".repeat(depth - 1) + "}");
        }
        bodies.add(",\"x\":\"" + "y".repeat(RecordScanner.MAX_TYPED + 10) + "\",\"userAgent\":\""
                + "z".repeat(RecordScanner.MAX_TYPED + 10) + "\"}");
        for (String body : bodies) {
            assertSame(utf8(HEAD + body));
        }
        for (String whole : List.of("{}", "{ }", "[]", "\"x\"", "1", "null", "  ", "{", "}", "\uFEFF" + HEAD + "}",
                " \n" + HEAD + "} trailing", HEAD + "}{\"more\":1}", HEAD + "} ]", HEAD + "}\u0000")) {
            assertSame(utf8(whole));
        }
    }

    @Test
    void bytesThatAreNotStrictUtf8ReadTheSame() {
        int[][] sequences = {
            {0xC3, 0xA9}, {0xE2, 0x82, 0xAC}, {0xF0, 0x9F, 0x98, 0x80}, // well-formed: é € 😀
            {0xC2, 0x80}, {0xDF, 0xBF}, {0xE0, 0xA0, 0x80}, {0xEF, 0xBF, 0xBF}, {0xEE, 0x80, 0x80}, // and their edges
            {0xF0, 0x90, 0x80, 0x80}, {0xF3, 0xBF, 0xBF, 0xBF},
            {0xC0, 0xAF}, {0xC1, 0xBF}, {0xE0, 0x80, 0xAF}, {0xF0, 0x80, 0x80, 0xAF}, // overlong
            {0xED, 0xA0, 0x80}, {0xED, 0xBF, 0xBF}, {0xED, 0x9F, 0xBF}, // surrogates, and the last before them
            {0xF4, 0x8F, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80}, {0xF7, 0xBF, 0xBF, 0xBF},
            {0xF8, 0x88, 0x80, 0x80, 0x80}, {0xFF}, {0xFE}, {0x80}, {0xBF}, {0xC3}, {0xE2, 0x82}, {0xF0, 0x9F, 0x98},
            {0xC3, 0x28}, {0xE2, 0x28, 0xA1}, {0xF0, 0x28, 0x8C, 0xBC}, {0x00}, {0x1F}, {0x7F},
        };
        for (int[] sequence : sequences) {
            byte[] bad = new byte[sequence.length];
            for (int i = 0; i < bad.length; i++) {
                bad[i] = (byte) sequence[i];
            }
            for (String[] around : new String[][] {{",\"userAgent\":\"a", "b\"}"}, {",\"x\":\"a", "b\"}"},
                    {",\"x\":{\"a", "b\":1}}"}, {",\"a", "b\":1}"}, {",\"userIdentity\":{\"arn\":\"", "\"}}"},
                    {",\"errorMessage\":\"", "\"}"}, {",\"x\":\"", "\"}"}}) {
                ByteArrayOutputStream record = new ByteArrayOutputStream();
                record.writeBytes(utf8(HEAD + around[0]));
                record.writeBytes(bad);
                record.writeBytes(utf8(around[1]));
                assertSame(record.toByteArray());
            }
        }
        // another encoding altogether: Jackson detects UTF-16 and UTF-32 from the first bytes
        String record = HEAD + ",\"awsRegion\":\"eu-west-1\"}";
        for (String charset : List.of("UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE")) {
            assertSame(record.getBytes(java.nio.charset.Charset.forName(charset)));
        }
    }

    /**
     * Jackson looks a field name up among those it has seen by its bytes, the last four padded with 0xFF: a name that
     * holds 0xFF there ({@code "\xFFarn"}) is found as the name it pads ({@code "arn"}) if Jackson met that one before,
     * earlier in the record or in any record the same parser read, and is then read as it without being decoded. 0xFF
     * is never UTF-8: both reads reject such a record, saying where the byte is, whatever they read before it.
     */
    @Test
    void aNamePaddedWithFfIsRejectedWhateverWasReadBefore() {
        int ff = 0xFF;
        Object[][] padded = {
            // the name it pads, then the record's body with it padded
            {"abc", new Object[] {",\"", ff, "abc\":1}"}},
            {"abc", new Object[] {",\"x\":{\"", ff, "abc\":1}}"}},
            {"arn", new Object[] {",\"userIdentity\":{\"type\":\"IAMUser\",\"", ff,
                "arn\":\"arn:aws:iam::1:user/x\"}}"}},
            {"eventName", new Object[] {",\"eventNam", ff, ff, ff, "e\":\"DeleteTrail\"}"}},
            {"keyName", new Object[] {",\"x\":[{\"keyN", ff, "ame\":1}]}"}},
            {"ab", new Object[] {",\"x\":{\"", ff, ff, "ab\":1}}"}},
            // a character cut by the padding: "abc\u00e9" is 61 62 63 C3 A9, the last quad A9 alone
            {"abc\u00e9", new Object[] {",\"x\":{\"abc", 0xC3, ff, ff, ff, 0xA9, "\":1}}"}},
            // the name it pads earlier in the same record
            {"abc", new Object[] {",\"abc\":0,\"x\":{\"", ff, "abc\":1}}"}},
            {"abc", new Object[] {",\"abc\":0,\"x\":{\"", ff, "abc\":1, \"y\":tru}}"}},
        };
        for (Object[] one : padded) {
            byte[] record = concat(utf8(HEAD), spliced((Object[]) one[1]));
            int at = indexOf(record, (byte) ff);
            // both parsers new, then after each read a record that holds the name it pads (the byte order mark leaves
            // it to Jackson): the same answer
            CloudTrailParser fast = new CloudTrailParser();
            CloudTrailParser jackson = new CloudTrailParser(new ObjectMapper(), false);
            for (int round = 0; round < 2; round++) {
                ParseResult result = fast.parse(record);
                assertThat(describe(result)).as(text(record)).isEqualTo(describe(jackson.parse(record)));
                assertThat(result).as(text(record)).isInstanceOfSatisfying(ParseResult.Rejected.class,
                        rejected -> assertThat(rejected.detail())
                                .isEqualTo("not JSON: invalid UTF-8, byte 0xff at offset " + at));
                assertThat(describe(fast.parseAt(record, 0, record.length))).as(text(record))
                        .isEqualTo(List.of("malformed"))
                        .isEqualTo(describe(jackson.parseAt(record, 0, record.length)));
                byte[] named = utf8("\uFEFF" + HEAD + ",\"x\":{\"" + one[0] + "\":1}}");
                assertThat(fast.parse(named)).isInstanceOf(ParseResult.Parsed.class);
                assertThat(jackson.parse(named)).isInstanceOf(ParseResult.Parsed.class);
            }
            assertSame(record);
        }
    }

    /**
     * The suite runs one seed; {@code -Dtrailwatch.fuzz.seeds=200} runs 200, from {@code -Dtrailwatch.fuzz.seed}, and
     * reports every disagreement it finds rather than the first.
     */
    @Test
    void fuzzedVariantsOfEveryRecordReadTheSame() throws IOException {
        long first = Long.getLong("trailwatch.fuzz.seed", 20261205);
        int seeds = Integer.getInteger("trailwatch.fuzz.seeds", 1);
        List<byte[]> records = records();
        List<String> disagreements = new ArrayList<>();
        int variants = 0;
        for (long seed = first; seed < first + seeds; seed++) {
            Random random = new Random(seed);
            for (byte[] record : records) {
                for (int i = 0; i < 6; i++) {
                    byte[] variant = record;
                    int mutations = 1 + random.nextInt(3);
                    for (int m = 0; m < mutations; m++) {
                        variant = mutate(variant, random);
                    }
                    try {
                        assertSame(variant);
                        if (indexOf(variant, (byte) 0xFF) >= 0 || variants % 16 == 0) {
                            // and a parser that has read nothing before: what Jackson met before must not matter
                            assertSame(variant, FAST, new CloudTrailParser(new ObjectMapper(), false));
                        }
                    } catch (AssertionError | RuntimeException e) {
                        disagreements.add("seed " + seed + ": " + e);
                    }
                    variants++;
                }
            }
        }
        assertThat(disagreements).as("%d disagreements, the first: %s", disagreements.size(),
                disagreements.stream().limit(5).map(d -> d.length() > 4_000 ? d.substring(0, 4_000) + "..." : d)
                        .toList()).isEmpty();
        assertThat(variants).isGreaterThan(18_000 * seeds);
    }

    @Test
    void recordsCutOutOfABufferAtEveryKindOfEndReadTheSame() throws IOException {
        Random random = new Random(7);
        List<byte[]> records = records();
        for (int i = 0; i < records.size(); i += 3) {
            byte[] record = random.nextBoolean() ? records.get(i) : mutate(records.get(i), random);
            byte[] next = records.get((i + 1) % records.size());
            byte[] buffer = concat(utf8(" ,\n"), record, utf8("\n"), next);
            int offset = 3;
            int[] lengths = {buffer.length - offset, record.length, record.length + 1, record.length - 1,
                record.length - 2, 1 + random.nextInt(Math.max(1, record.length)), 0};
            for (int length : lengths) {
                if (length >= 0 && offset + length <= buffer.length) {
                    assertThat(describe(FAST.parseAt(buffer, offset, length)))
                            .as("parseAt(%d) of %s", length, text(record))
                            .isEqualTo(describe(JACKSON.parseAt(buffer, offset, length)));
                }
            }
        }
    }

    /** One random change: a truncation, a byte replaced, removed or doubled, or a snippet inserted. */
    private static byte[] mutate(byte[] record, Random random) {
        if (record.length == 0) {
            return utf8("{");
        }
        int at = random.nextInt(record.length);
        return switch (random.nextInt(7)) {
            case 6 -> padName(record, at);
            case 0 -> Arrays.copyOf(record, at);
            case 1 -> {
                byte[] copy = record.clone();
                copy[at] = INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
                yield copy;
            }
            case 2 -> concat(Arrays.copyOfRange(record, 0, at), Arrays.copyOfRange(record, at + 1, record.length));
            case 3 -> concat(Arrays.copyOfRange(record, 0, at), new byte[] {record[at]},
                    Arrays.copyOfRange(record, at, record.length));
            default -> concat(Arrays.copyOfRange(record, 0, at),
                    utf8(SNIPPETS.get(random.nextInt(SNIPPETS.size()))), Arrays.copyOfRange(record, at, record.length));
        };
    }

    /**
     * The first member name from {@code at} on with 0xFF bytes where Jackson pads its last four bytes: the name then
     * looks like the one it was to Jackson's table of names seen ({@code "arn"} becomes {@code "\xFFarn"}); unchanged
     * when no name follows or its length is a multiple of four (nothing to pad).
     */
    private static byte[] padName(byte[] record, int at) {
        for (int open = at; open < record.length; open++) {
            if (record[open] != '"' || (open > 0 && record[open - 1] != '{' && record[open - 1] != ','
                    && record[open - 1] != ' ' && record[open - 1] != '\n')) {
                continue;
            }
            int close = open + 1;
            while (close < record.length && record[close] != '"' && record[close] != '\\') {
                close++;
            }
            if (close + 1 >= record.length || record[close] != '"' || record[close + 1] != ':') {
                continue;
            }
            int length = close - open - 1;
            int last = length % 4;
            if (last == 0) {
                return record;
            }
            byte[] padding = new byte[4 - last];
            Arrays.fill(padding, (byte) 0xFF);
            int lastQuad = open + 1 + length - last;
            return concat(Arrays.copyOfRange(record, 0, lastQuad), padding,
                    Arrays.copyOfRange(record, lastQuad, record.length));
        }
        return record;
    }

    private static final byte[] INTERESTING_BYTES = bytes('"', '\\', '{', '}', '[', ']', ',', ':', '0', '1', '-', '.',
            'e', '+', ' ', '\n', '\t', 't', 'n', 'u', 'x', 0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE0, 0xED, 0xF0,
            0xF4, 0xF5, 0xFF);

    private static final List<String> SNIPPETS = List.of("\\u12", "\\x", "\\u00e9", "\\\"", "01", "1.", "-", "1e",
            "tru", "nul", "null", "[", "]", "{", "}", ",", ":", "\"", "\"eventID\":\"z\",", "\"eventID\":7,",
            "\"readOnly\":1,", "\"readOnly\":\"true\",", "\"awsRegion\":12,", "\"awsRegion\":null,",
            "\"userIdentity\":null,", "\"userIdentity\":{\"arn\":\"dup\"},", "\"sessionContext\":{},",
            "\"x\":" + "[".repeat(70) + "]".repeat(70) + ",", "\"x\":" + "[".repeat(1100) + "]".repeat(1100) + ",",
            "\"x\":" + "7".repeat(1001) + ",", "\"Records\":[],", "\"event\\u0049D\":\"e\",", "\u00e9", "\uD83D\uDE00",
            " \r\n\t ", "\u00a0", "\uFEFF");

    /** Both parsers give the same for {@code raw}, by {@code parse} and by {@code parseAt} over all of it. */
    private static void assertSame(byte[] raw) {
        assertSame(raw, FAST, JACKSON);
    }

    private static void assertSame(byte[] raw, CloudTrailParser fast, CloudTrailParser jackson) {
        assertThat(describe(fast.parse(raw))).as(text(raw)).isEqualTo(describe(jackson.parse(raw)));
        assertThat(describe(fast.parseAt(raw, 0, raw.length))).as("parseAt " + text(raw))
                .isEqualTo(describe(jackson.parseAt(raw, 0, raw.length)));
    }

    private static List<Object> describe(CloudTrailParser.Located located) {
        if (located == CloudTrailParser.Located.INCOMPLETE) {
            return List.of("incomplete");
        }
        if (located == CloudTrailParser.Located.MALFORMED) {
            return List.of("malformed");
        }
        return List.of("located", exact(located.raw()), located.plain(), describe(located.result()));
    }

    private static List<Object> describe(ParseResult result) {
        if (result instanceof ParseResult.Rejected rejected) {
            return List.of("rejected", rejected.reason(), rejected.detail(), exact(rejected.raw()));
        }
        CloudTrailEvent e = ((ParseResult.Parsed) result).event();
        return Arrays.asList("parsed", e.eventId(), e.eventTime(), e.eventName(), e.eventSource(), e.eventType(),
                e.awsRegion(), e.sourceIpAddress(), e.userAgent(), e.recipientAccountId(), e.errorCode(),
                e.errorMessage(), e.readOnly(), e.userIdentity(), e.json().typedExact(), exact(e.json().bytes()),
                String.valueOf(e.requestParameters(REQUEST_MEMBERS)));
    }

    /**
     * Request members the detections read: the fast read locates {@code requestParameters} and reads only its value,
     * the Jackson read's event reads the whole record for them (or its tree), and both must give the same.
     */
    private static final Set<String> REQUEST_MEMBERS = Set.of("secretId", "names", "name", "withDecryption",
            "bucketName", "key", "instanceId", "attribute", "x", "requestParameters");

    /** The bytes for comparing: all of them when short, else their length and hash (messages stay readable). */
    private static String exact(byte[] raw) {
        if (raw == null || raw.length <= 3_000) {
            return text(raw);
        }
        return raw.length + " bytes, hash " + Arrays.hashCode(raw);
    }

    /** The bytes as text, every byte kept (ISO-8859-1), shortened for messages. */
    private static String text(byte[] raw) {
        if (raw == null) {
            return "<null>";
        }
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        return all.length() > 3_000 ? all.substring(0, 1_500) + "..." + all.substring(all.length() - 1_500) : all;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Strings as UTF-8, integers as one byte each. */
    private static byte[] spliced(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String text) {
                out.writeBytes(utf8(text));
            } else {
                out.write((Integer) part);
            }
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
