package dev.trailwatch.detector.parse;

import dev.trailwatch.detector.model.UserIdentity;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The parser's fast read of a record: its typed fields straight from the UTF-8 bytes, in one pass that also checks the
 * whole record is well-formed JSON, without a Jackson parser.
 *
 * <p>Why: a CloudTrail record is ~1.6 KB, most of it free-form JSON no typed field lives in ({@code requestParameters},
 * {@code responseElements}, {@code tlsDetails}, {@code resources}). Jackson steps over it token by token, hashing every
 * field name into its symbol table and walking every string through its decoder; this reader checks those bytes
 * against the JSON grammar and nothing more, and makes a String only for the typed fields it keeps.
 *
 * <p>It reads a strict subset of what {@link CloudTrailParser}'s Jackson read accepts, and <em>gives up</em> (returns
 * -1) on everything else, so that the Jackson read decides: a malformed record (the Jackson read then finds the error
 * and words it), and the rare well-formed shapes not worth a second implementation: a byte order mark, a number or
 * boolean where a typed field's text is expected, an escaped name among the typed fields' keys, UTF-8 that RFC 3629
 * forbids but Jackson reads (overlong forms, surrogates), containers nested deeper than {@link #MAX_DEPTH} inside a
 * skipped value, numbers longer than {@link #MAX_NUMBER}, names longer than {@link #MAX_NAME}, typed strings longer
 * than {@link #MAX_TYPED}. The limits sit far inside Jackson's {@code StreamReadConstraints} defaults, so a record
 * this reader accepts is one Jackson accepts. Where it accepts, the typed fields are what the Jackson read gives: a
 * later duplicate key wins, null and containers read as absent (and mark the fields not exact), strings decoded
 * exactly as Jackson decodes them. {@code ParserDifferentialTest} holds it to that on every record we have and on
 * fuzzed variants.
 *
 * <p>One instance reads one record (not thread-safe, cheap to create).
 */
final class RecordScanner {

    /** Containers nested inside one skipped value (a bit per level in a long); Jackson's default limit is 1000. */
    static final int MAX_DEPTH = 63;
    /** A number's characters; Jackson's default limit is 1000 digits. */
    static final int MAX_NUMBER = 200;
    /** A field name's bytes; Jackson's default limit is 50,000. */
    static final int MAX_NAME = 1024;
    /** A typed field's bytes; Jackson's default string limit is 20,000,000 characters. */
    static final int MAX_TYPED = 1 << 20;

    private static final int GAVE_UP = -1;

    /** Thrown (without a stack trace, one shared instance) to leave the record to the Jackson read. */
    private static final class GiveUp extends RuntimeException {
        GiveUp() {
            super("left to the Jackson read", null, false, false);
        }
    }

    private static final GiveUp GIVE_UP = new GiveUp();

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Bytes that may stand in a string as they are: printable ASCII other than the quote and the backslash. */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int c = 0x20; c < 0x80; c++) {
            PLAIN[c] = c != '"' && c != '\\';
        }
    }

    private static final byte[] EVENT_ID = ascii("eventID");
    private static final byte[] EVENT_TIME = ascii("eventTime");
    private static final byte[] EVENT_NAME = ascii("eventName");
    private static final byte[] EVENT_SOURCE = ascii("eventSource");
    private static final byte[] EVENT_TYPE = ascii("eventType");
    private static final byte[] AWS_REGION = ascii("awsRegion");
    private static final byte[] SOURCE_IP = ascii("sourceIPAddress");
    private static final byte[] USER_AGENT = ascii("userAgent");
    private static final byte[] RECIPIENT = ascii("recipientAccountId");
    private static final byte[] ERROR_CODE = ascii("errorCode");
    private static final byte[] ERROR_MESSAGE = ascii("errorMessage");
    private static final byte[] READ_ONLY = ascii("readOnly");
    private static final byte[] USER_IDENTITY = ascii("userIdentity");
    private static final byte[] REQUEST_PARAMETERS = ascii("requestParameters");
    private static final byte[] RECORDS = ascii("Records");
    private static final byte[] DETAIL_TYPE = ascii("detail-type");
    private static final byte[] TYPE = ascii("type");
    private static final byte[] PRINCIPAL_ID = ascii("principalId");
    private static final byte[] ARN = ascii("arn");
    private static final byte[] ACCOUNT_ID = ascii("accountId");
    private static final byte[] ACCESS_KEY_ID = ascii("accessKeyId");
    private static final byte[] USER_NAME = ascii("userName");
    private static final byte[] INVOKED_BY = ascii("invokedBy");
    private static final byte[] SESSION_CONTEXT = ascii("sessionContext");
    private static final byte[] SESSION_ISSUER = ascii("sessionIssuer");
    private static final byte[] IN_SCOPE_OF = ascii("inScopeOf");
    private static final byte[] ISSUER_TYPE = ascii("issuerType");
    private static final byte[] CREDENTIALS_ISSUED_TO = ascii("credentialsIssuedTo");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] NULL = ascii("null");

    private final byte[] b;
    private final int from;
    private final int end;
    private final CloudTrailParser.Fields f;
    /** The thread's one instance per name, for the typed fields that repeat ({@link #repeated}). */
    private final InternTable names;
    private int pos;
    /** Set by {@link #stringEnd}: the string just scanned holds an escape / a non-ASCII character. */
    private boolean escaped;
    private boolean nonAscii;
    /** {@code sessionContext.sessionIssuer}'s arn, accountId, userName while {@code userIdentity} is read. */
    private String issuerArn;
    private String issuerAccountId;
    private String issuerUserName;
    /** {@code userIdentity.inScopeOf} of the identity being read. */
    private String scopeIssuerType;
    private String scopeIssuedTo;

    private RecordScanner(byte[] b, int from, int to, CloudTrailParser.Fields f) {
        this.b = b;
        this.from = from;
        this.pos = from;
        this.end = to;
        this.f = f;
        this.names = InternTable.ofThread();
    }

    /**
     * Reads the record that starts at {@code b[from]} (white space allowed before it) and ends by {@code b[to]}.
     *
     * @return the index just past the record's closing brace, with {@code fields} filled; or -1 when this reader
     *         leaves the record to the Jackson read ({@code fields} then holds partial values and must be dropped)
     */
    static int scan(byte[] b, int from, int to, CloudTrailParser.Fields fields) {
        try {
            return new RecordScanner(b, from, to, fields).record();
        } catch (GiveUp e) {
            return GAVE_UP;
        }
    }

    private int record() {
        if (ws() != '{') {
            throw GIVE_UP;
        }
        pos++;
        int c = ws();
        if (c == '}') {
            return ++pos;
        }
        while (true) {
            int start = name(c);
            int length = pos - 1 - start;
            topField(start, length, valueStart());
            c = ws();
            if (c == ',') {
                pos++;
                c = ws();
            } else if (c == '}') {
                return ++pos;
            } else {
                throw GIVE_UP;
            }
        }
    }

    /** One top-level member: its name is {@code b[start, start + length)}, {@code pos} at its value. */
    private void topField(int start, int length, int c) {
        CloudTrailParser.Fields f = this.f;
        switch (length) {
            case 7 -> {
                if (is(start, EVENT_ID)) {
                    f.eventId = required(c);
                } else if (is(start, RECORDS)) {
                    f.readerShaped = true;
                    skipValue(c);
                } else {
                    skipValue(c);
                }
            }
            case 8 -> {
                if (is(start, READ_ONLY)) {
                    f.readOnly = flag(c);
                } else {
                    skipValue(c);
                }
            }
            case 9 -> {
                if (b[start] == 'e') {
                    if (is(start, EVENT_TIME)) {
                        f.eventTime = required(c);
                    } else if (is(start, EVENT_NAME)) {
                        f.eventName = required(c, true);
                    } else if (is(start, EVENT_TYPE)) {
                        f.eventType = text(c);
                    } else if (is(start, ERROR_CODE)) {
                        f.errorCode = text(c);
                    } else {
                        skipValue(c);
                    }
                } else if (is(start, AWS_REGION)) {
                    f.awsRegion = repeated(c);
                } else if (is(start, USER_AGENT)) {
                    f.userAgent = text(c);
                } else {
                    skipValue(c);
                }
            }
            case 11 -> {
                if (is(start, EVENT_SOURCE)) {
                    f.eventSource = required(c, true);
                } else if (is(start, DETAIL_TYPE)) {
                    f.readerShaped = true;
                    skipValue(c);
                } else {
                    skipValue(c);
                }
            }
            case 12 -> {
                if (is(start, USER_IDENTITY)) {
                    f.identity = identity(c);
                } else if (is(start, ERROR_MESSAGE)) {
                    f.errorMessage = text(c);
                } else {
                    skipValue(c);
                }
            }
            case 15 -> {
                if (is(start, SOURCE_IP)) {
                    f.sourceIp = text(c);
                } else {
                    skipValue(c);
                }
            }
            case 17 -> {
                if (is(start, REQUEST_PARAMETERS)) {
                    // where its value lies, relative to the record's first byte (the later of two, as a tree keeps)
                    f.requestFrom = pos - from;
                    skipValue(c);
                    f.requestTo = pos - from;
                } else {
                    skipValue(c);
                }
            }
            case 18 -> {
                if (is(start, RECIPIENT)) {
                    f.recipientAccountId = repeated(c);
                } else {
                    skipValue(c);
                }
            }
            default -> skipValue(c);
        }
    }

    /** {@code userIdentity}: an object's typed members, anything else reads as no identity. */
    private UserIdentity identity(int c) {
        if (c != '{') {
            skipValue(c);
            return UserIdentity.NONE;
        }
        String type = null;
        String principalId = null;
        String arn = null;
        String accountId = null;
        String accessKeyId = null;
        String userName = null;
        String invokedBy = null;
        issuerArn = null;
        issuerAccountId = null;
        issuerUserName = null;
        scopeIssuerType = null;
        scopeIssuedTo = null;
        pos++;
        c = ws();
        if (c != '}') {
            while (true) {
                int start = name(c);
                int length = pos - 1 - start;
                c = valueStart();
                switch (length) {
                    case 3 -> arn = is(start, ARN) ? repeated(c) : skipped(c, arn);
                    case 4 -> type = is(start, TYPE) ? text(c) : skipped(c, type);
                    case 8 -> userName = is(start, USER_NAME) ? text(c) : skipped(c, userName);
                    case 9 -> {
                        if (is(start, ACCOUNT_ID)) {
                            accountId = repeated(c);
                        } else if (is(start, INVOKED_BY)) {
                            invokedBy = text(c);
                        } else if (is(start, IN_SCOPE_OF)) {
                            inScopeOf(c);
                        } else {
                            skipValue(c);
                        }
                    }
                    case 11 -> {
                        if (is(start, PRINCIPAL_ID)) {
                            principalId = text(c);
                        } else if (is(start, ACCESS_KEY_ID)) {
                            accessKeyId = text(c);
                        } else {
                            skipValue(c);
                        }
                    }
                    case 14 -> {
                        if (is(start, SESSION_CONTEXT)) {
                            sessionContext(c);
                        } else {
                            skipValue(c);
                        }
                    }
                    default -> skipValue(c);
                }
                if (!next('}')) {
                    break;
                }
                c = ws();
            }
        }
        pos++;
        return new UserIdentity(type, principalId, arn, accountId, accessKeyId, userName, invokedBy, issuerArn,
                issuerAccountId, issuerUserName, scopeIssuerType, scopeIssuedTo);
    }

    /** Skips a value that is not the typed field its name's length suggested; the field keeps {@code kept}. */
    private String skipped(int c, String kept) {
        skipValue(c);
        return kept;
    }

    /** {@code userIdentity.sessionContext}: every occurrence starts the issuer afresh, as in the tree. */
    private void sessionContext(int c) {
        issuerMembers(c, sessionContextMember);
    }

    /**
     * {@code userIdentity.inScopeOf}: its issuerType and credentialsIssuedTo; a later occurrence starts afresh, and a
     * value that is not an object leaves both cleared, as in the tree.
     */
    private void inScopeOf(int c) {
        scopeIssuerType = null;
        scopeIssuedTo = null;
        members(c, inScopeOfMember);
    }

    private final Member inScopeOfMember = (start, length, c) -> {
        if (length == ISSUER_TYPE.length && is(start, ISSUER_TYPE)) {
            scopeIssuerType = text(c);
        } else if (length == CREDENTIALS_ISSUED_TO.length && is(start, CREDENTIALS_ISSUED_TO)) {
            scopeIssuedTo = text(c);
        } else {
            skipValue(c);
        }
    };

    /** {@code sessionContext.sessionIssuer}: its arn, accountId and userName; a later occurrence starts afresh. */
    private void sessionIssuer(int c) {
        issuerMembers(c, sessionIssuerMember);
    }

    /** What to do with one member of an object: its name at {@code [start, start + length)}, its value at {@code c}. */
    @FunctionalInterface
    private interface Member {
        void read(int start, int length, int c);
    }

    private final Member sessionContextMember = (start, length, c) -> {
        if (length == SESSION_ISSUER.length && is(start, SESSION_ISSUER)) {
            sessionIssuer(c);
        } else {
            skipValue(c);
        }
    };

    private final Member sessionIssuerMember = (start, length, c) -> {
        if (length == 3 && is(start, ARN)) {
            issuerArn = text(c);
        } else if (length == 9 && is(start, ACCOUNT_ID)) {
            issuerAccountId = text(c);
        } else if (length == 8 && is(start, USER_NAME)) {
            issuerUserName = text(c);
        } else {
            skipValue(c);
        }
    };

    /**
     * Clears the issuer, then walks an object's members through {@code member} ({@code c} its first byte); a value that
     * is not an object is skipped and leaves the issuer cleared, as in the tree.
     */
    private void issuerMembers(int c, Member member) {
        issuerArn = null;
        issuerAccountId = null;
        issuerUserName = null;
        members(c, member);
    }

    /** Walks an object's members through {@code member} ({@code c} its first byte); skips a value that is not one. */
    private void members(int c, Member member) {
        if (c != '{') {
            skipValue(c);
            return;
        }
        pos++;
        c = ws();
        if (c == '}') {
            pos++;
            return;
        }
        while (true) {
            int start = name(c);
            int length = pos - 1 - start;
            member.read(start, length, valueStart());
            if (!next('}')) {
                pos++;
                return;
            }
            c = ws();
        }
    }

    /**
     * After a member's value: true at a comma ({@code pos} past it), false at {@code close} ({@code pos} at it).
     */
    private boolean next(char close) {
        int c = ws();
        if (c == ',') {
            pos++;
            return true;
        }
        if (c == close) {
            return false;
        }
        throw GIVE_UP;
    }

    /** A required field: a non-empty string, else null (the value still checked and stepped over). */
    private String required(int c) {
        return required(c, false);
    }

    /**
     * {@link #required(int)}; for a field that {@code repeats} from record to record, the thread's instance for its
     * bytes.
     */
    private String required(int c, boolean repeats) {
        if (c == '"') {
            String text = string(repeats);
            return text.isEmpty() ? null : text;
        }
        skipValue(c);
        return null;
    }

    /** An optional field's text: null for null and containers, which mark the fields not exact. */
    private String text(int c) {
        return text(c, false);
    }

    /**
     * {@link #text} for a field the stream thread looks events up by (the principal's ARN, the accounts, the region):
     * the thread's one instance for its bytes ({@link InternTable}). Only those: each costs a lookup here, and the
     * fields only compared with constants (the identity's type, the error code) gain nothing from it.
     */
    private String repeated(int c) {
        return text(c, true);
    }

    private String text(int c, boolean repeats) {
        if (c == '"') {
            return string(repeats);
        }
        if (c == 'n') {
            literal(NULL);
        } else if (c == '{' || c == '[') {
            skipValue(c);
        } else {
            // a number or boolean reads as its JSON text as the tree gives it: the Jackson read knows how
            throw GIVE_UP;
        }
        f.typedExact = false;
        return null;
    }

    /** {@code readOnly}: true, "true" (trimmed), false for false, null and containers; numbers to Jackson. */
    private boolean flag(int c) {
        switch (c) {
            case 't' -> {
                literal(TRUE);
                return true;
            }
            case 'f' -> literal(FALSE);
            case 'n' -> literal(NULL);
            case '"' -> {
                return "true".equals(string().trim());
            }
            case '{', '[' -> skipValue(c);
            default -> throw GIVE_UP;
        }
        return false;
    }

    /**
     * A member's name, {@code pos} at its opening quote ({@code c}); returns the index of its first byte and leaves
     * {@code pos} just past its closing quote. A name with an escape is left to Jackson: it could spell a typed key.
     */
    private int name(int c) {
        if (c != '"') {
            throw GIVE_UP;
        }
        int start = pos + 1;
        pos = stringEnd(start);
        if (escaped || pos - 1 - start > MAX_NAME) {
            throw GIVE_UP;
        }
        return start;
    }

    /** After a member's name: the colon, then the first byte of its value ({@code pos} at it). */
    private int valueStart() {
        if (ws() != ':') {
            throw GIVE_UP;
        }
        pos++;
        return ws();
    }

    /** A string value, {@code pos} at its opening quote, decoded as Jackson decodes it. */
    private String string() {
        return string(false);
    }

    /** {@link #string()}; when {@code repeats}, the thread's instance for the same bytes (without escapes). */
    private String string(boolean repeats) {
        int start = pos + 1;
        pos = stringEnd(start);
        int length = pos - 1 - start;
        if (length > MAX_TYPED) {
            throw GIVE_UP;
        }
        if (escaped) {
            return unescape(start, pos - 1);
        }
        // strictly valid UTF-8 decodes to exactly what Jackson's decoder gives
        if (repeats) {
            return names.of(b, start, length, nonAscii);
        }
        return new String(b, start, length, nonAscii ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    /**
     * The index just past the closing quote of the string whose content starts at {@code p}; sets {@link #escaped}
     * and {@link #nonAscii}. Control characters, bad escapes and UTF-8 outside RFC 3629 give up.
     */
    private int stringEnd(int p) {
        byte[] b = this.b;
        int end = this.end;
        escaped = false;
        nonAscii = false;
        while (true) {
            // eight bytes at a time while they are all plain, then byte by byte
            while (p + 8 <= end) {
                long special = special((long) LONGS.get(b, p));
                if (special != 0) {
                    p += Long.numberOfTrailingZeros(special) >>> 3;
                    break;
                }
                p += 8;
            }
            while (p < end && PLAIN[b[p] & 0xFF]) {
                p++;
            }
            if (p >= end) {
                throw GIVE_UP;
            }
            int x = b[p] & 0xFF;
            if (x == '"') {
                return p + 1;
            }
            if (x == '\\') {
                escaped = true;
                p = escapeEnd(p);
            } else if (x >= 0x80) {
                nonAscii = true;
                p = utf8End(p, x);
            } else {
                throw GIVE_UP;
            }
        }
    }

    /**
     * The high bit of each byte of {@code x} (eight bytes of a string, little-endian) that is a quote, a backslash, a
     * control character or not ASCII; a byte above such a byte may be flagged too, the lowest flagged one is exact.
     */
    private static long special(long x) {
        long quote = x ^ 0x2222222222222222L;
        long backslash = x ^ 0x5C5C5C5C5C5C5C5CL;
        return ((quote - 0x0101010101010101L) & ~quote
                | (backslash - 0x0101010101010101L) & ~backslash
                | (x - 0x2020202020202020L)
                | x) & 0x8080808080808080L;
    }

    /** The index past the escape sequence at {@code p} (its backslash). */
    private int escapeEnd(int p) {
        if (p + 1 >= end) {
            throw GIVE_UP;
        }
        switch (b[p + 1]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return p + 2;
            }
            case 'u' -> {
                if (p + 5 >= end) {
                    throw GIVE_UP;
                }
                for (int i = p + 2; i < p + 6; i++) {
                    if (hex(b[i]) < 0) {
                        throw GIVE_UP;
                    }
                }
                return p + 6;
            }
            default -> throw GIVE_UP;
        }
    }

    /** The index past the UTF-8 sequence whose lead byte {@code x} is at {@code p}, strictly per RFC 3629. */
    private int utf8End(int p, int x) {
        if (x < 0xC2) {
            throw GIVE_UP;
        }
        if (x < 0xE0) {
            continuation(p + 1, 0x80, 0xBF);
            return p + 2;
        }
        if (x < 0xF0) {
            continuation(p + 1, x == 0xE0 ? 0xA0 : 0x80, x == 0xED ? 0x9F : 0xBF);
            continuation(p + 2, 0x80, 0xBF);
            return p + 3;
        }
        if (x < 0xF5) {
            continuation(p + 1, x == 0xF0 ? 0x90 : 0x80, x == 0xF4 ? 0x8F : 0xBF);
            continuation(p + 2, 0x80, 0xBF);
            continuation(p + 3, 0x80, 0xBF);
            return p + 4;
        }
        throw GIVE_UP;
    }

    private void continuation(int p, int low, int high) {
        if (p >= end) {
            throw GIVE_UP;
        }
        int y = b[p] & 0xFF;
        if (y < low || y > high) {
            throw GIVE_UP;
        }
    }

    /** Decodes {@code b[from, to)}, already checked, escapes and all, as Jackson does (a {@code \\u} is one char). */
    private String unescape(int from, int to) {
        StringBuilder out = new StringBuilder(to - from);
        int run = from;
        int p = from;
        while (p < to) {
            if (b[p] != '\\') {
                p++;
                continue;
            }
            out.append(new String(b, run, p - run, StandardCharsets.UTF_8));
            byte e = b[p + 1];
            if (e == 'u') {
                out.append((char) (hex(b[p + 2]) << 12 | hex(b[p + 3]) << 8 | hex(b[p + 4]) << 4 | hex(b[p + 5])));
                p += 6;
            } else {
                out.append(switch (e) {
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> (char) e; // '"', '\\', '/'
                });
                p += 2;
            }
            run = p;
        }
        out.append(new String(b, run, to - run, StandardCharsets.UTF_8));
        return out.toString();
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /**
     * Checks and steps over the value whose first byte {@code c} is at {@code pos}. Containers are walked without
     * recursion: a bit per open level says object or array.
     */
    private void skipValue(int c) {
        if (c != '{' && c != '[') {
            skipScalar(c);
            return;
        }
        long objects = 0;
        int depth = 0;
        while (true) {
            // open the container at pos
            if (depth == MAX_DEPTH) {
                throw GIVE_UP;
            }
            boolean object = c == '{';
            if (object) {
                objects |= 1L << depth;
            } else {
                objects &= ~(1L << depth);
            }
            depth++;
            pos++;
            c = ws();
            if (c == (object ? '}' : ']')) {
                pos++;
                depth--;
            } else {
                c = member(object, c);
                if (c == '{' || c == '[') {
                    continue;
                }
                skipScalar(c);
            }
            // after a value: commas and closing brackets until a value that opens a container, or the end
            while (true) {
                if (depth == 0) {
                    return;
                }
                boolean inObject = (objects & (1L << (depth - 1))) != 0;
                c = ws();
                if (c == ',') {
                    pos++;
                    c = member(inObject, ws());
                    if (c == '{' || c == '[') {
                        break;
                    }
                    skipScalar(c);
                } else if (c == (inObject ? '}' : ']')) {
                    pos++;
                    depth--;
                } else {
                    throw GIVE_UP;
                }
            }
        }
    }

    /** In an object, the member's name and colon; returns the first byte of the value ({@code pos} at it). */
    private int member(boolean object, int c) {
        if (!object) {
            return c;
        }
        if (c != '"') {
            throw GIVE_UP;
        }
        int start = pos + 1;
        pos = stringEnd(start);
        if (pos - 1 - start > MAX_NAME) {
            throw GIVE_UP;
        }
        return valueStart();
    }

    private void skipScalar(int c) {
        switch (c) {
            case '"' -> pos = stringEnd(pos + 1);
            case 't' -> literal(TRUE);
            case 'f' -> literal(FALSE);
            case 'n' -> literal(NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                } else {
                    throw GIVE_UP;
                }
            }
        }
    }

    private void literal(byte[] word) {
        if (pos + word.length > end || !is(pos, word)) {
            throw GIVE_UP;
        }
        pos += word.length;
    }

    /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, then something that is not part of it. */
    private void number() {
        byte[] b = this.b;
        int start = pos;
        int p = pos;
        if (b[p] == '-') {
            p++;
        }
        if (p >= end) {
            throw GIVE_UP;
        }
        if (b[p] == '0') {
            p++;
        } else {
            p = digits(p);
        }
        if (p < end && b[p] == '.') {
            p = digits(p + 1);
        }
        if (p < end && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            if (p < end && (b[p] == '+' || b[p] == '-')) {
                p++;
            }
            p = digits(p);
        }
        // a number that runs to the end of the bytes may be cut there: Jackson says
        if (p >= end || p - start > MAX_NUMBER) {
            throw GIVE_UP;
        }
        pos = p;
    }

    /** One or more digits from {@code p}; returns the index past them. */
    private int digits(int p) {
        int start = p;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            p++;
        }
        if (p == start) {
            throw GIVE_UP;
        }
        return p;
    }

    /** Skips JSON white space; returns the byte at {@code pos} (unsigned). Running out of bytes gives up. */
    private int ws() {
        byte[] b = this.b;
        int p = pos;
        while (p < end) {
            int c = b[p];
            // most tokens follow the last with no white space: one comparison for them (bytes over 0x7F are < 0)
            if (c > ' ' || c < 0 || (c != ' ' && c != '\n' && c != '\r' && c != '\t')) {
                pos = p;
                return c & 0xFF;
            }
            p++;
        }
        throw GIVE_UP;
    }

    /** Whether {@code b} holds {@code word} at {@code start} (the caller knows the lengths fit). */
    private boolean is(int start, byte[] word) {
        byte[] b = this.b;
        for (int i = 0; i < word.length; i++) {
            if (b[start + i] != word[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
