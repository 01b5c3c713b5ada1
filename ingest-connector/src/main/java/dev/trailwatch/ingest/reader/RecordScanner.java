package dev.trailwatch.ingest.reader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;

/**
 * Walks one file's tokens with Jackson's non-blocking parser, fed chunk by chunk from a {@link ByteWindow}, and cuts
 * each record's exact source bytes out of the window by the token byte offsets.
 *
 * <p>Record slots are: top-level objects (one per line, or concatenated), the elements of a top-level array, and the
 * elements of a top-level object's {@code Records} array. A syntax error inside an array stops the file (its structure
 * is lost); a syntax error in a top-level object skips to the next line that starts with <code>{</code> in column 1 and
 * goes on, so one bad line of a one-per-line file costs only that record.
 */
final class RecordScanner {

    private static final JsonFactory JSON = new JsonFactory();
    private static final String RECORDS = "Records";
    private static final int NONE = -1;

    private final String location;
    private final RecordSink sink;
    private final ByteWindow window;
    private final int maxRecordBytes;

    private JsonParser parser;
    private ByteArrayFeeder feeder;
    private long parserBase;
    private int lineBase;
    private boolean started;
    private boolean endOfInput;

    private int depth;
    private int slotDepth;
    private boolean envelope;
    private boolean bareArray;
    private String pendingField;
    private Capture capture;
    private int nextSlot;
    private long delivered;
    private long lastTopEnd;
    private int lastTopEndLine = 1;
    private LineResync resync;

    RecordScanner(String location, RecordSink sink, ByteWindow window, int maxRecordBytes) {
        this.location = location;
        this.sink = sink;
        this.window = window;
        this.maxRecordBytes = maxRecordBytes;
    }

    long delivered() {
        return delivered;
    }

    /** The first absolute offset that must stay in the window: the start of the record being captured, if any. */
    long keepFrom() {
        if (capture == null || resync != null) {
            return window.endAbs();
        }
        if (!capture.oversized && window.endAbs() - capture.start > maxRecordBytes) {
            capture.oversized = true;
        }
        return capture.oversized ? window.endAbs() : capture.start;
    }

    /**
     * Parses the {@code n} bytes just appended to the window.
     *
     * @return false when the file cannot be read further
     */
    boolean feed(int n) throws IOException {
        long from = window.endAbs() - n;
        if (!started) {
            started = true;
            from = skipByteOrderMark(from);
            startParser(from, 1);
        }
        if (resync == null) {
            feeder.feedInput(window.array(), window.indexOf(from), window.indexOf(window.endAbs()));
        }
        return process();
    }

    void endOfInput() throws IOException {
        endOfInput = true;
        if (!started || resync != null) {
            return;
        }
        feeder.endOfInput();
        process();
    }

    /** The decoder failed (truncated or corrupt gzip): what was complete has been delivered. */
    void decodeFailed(String reason) {
        sink.rejected(location, reason);
    }

    void close() throws IOException {
        if (parser != null) {
            parser.close();
        }
    }

    private long skipByteOrderMark(long from) {
        boolean bom = window.endAbs() - from >= 3 && (window.byteAt(from) & 0xff) == 0xEF
                && (window.byteAt(from + 1) & 0xff) == 0xBB && (window.byteAt(from + 2) & 0xff) == 0xBF;
        return bom ? from + 3 : from;
    }

    private void startParser(long abs, int line) throws IOException {
        if (parser != null) {
            parser.close();
        }
        parser = JSON.createNonBlockingByteArrayParser();
        feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        parserBase = abs;
        lineBase = line - 1;
        lastTopEnd = abs;
        lastTopEndLine = line;
        depth = 0;
        slotDepth = 0;
        envelope = false;
        bareArray = false;
        pendingField = null;
        capture = null;
    }

    private boolean process() throws IOException {
        while (true) {
            if (resync != null && !resumeAfterResync()) {
                return true;
            }
            JsonToken token;
            try {
                token = parser.nextToken();
            } catch (StreamReadException e) {
                if (!onSyntaxError(e)) {
                    return false;
                }
                continue;
            }
            if (token == null || token == JsonToken.NOT_AVAILABLE) {
                return true;
            }
            onToken(token);
        }
    }

    private void onToken(JsonToken token) throws IOException {
        switch (token) {
            case FIELD_NAME -> pendingField = fieldOfInterest() ? parser.currentName() : null;
            case START_OBJECT, START_ARRAY -> {
                onValue(token);
                depth++;
            }
            case END_OBJECT, END_ARRAY -> {
                depth--;
                onEnd(token);
            }
            default -> onValue(token);
        }
        if (depth == 0 && token != JsonToken.FIELD_NAME && !token.isStructStart()) {
            JsonLocation here = parser.currentLocation();
            lastTopEnd = parserBase + here.getByteOffset();
            lastTopEndLine = lineBase + here.getLineNr();
        }
    }

    /** Only the captured object's own fields and its detail's fields matter; other names are not even decoded. */
    private boolean fieldOfInterest() {
        return capture == null || depth == capture.depth + 1 || depth == capture.depth + 2 && capture.inDetail();
    }

    private void onValue(JsonToken token) throws IOException {
        String field = pendingField;
        pendingField = null;
        if (capture != null) {
            onCapturedValue(token, field);
        } else if (depth == slotDepth) {
            startSlot(token);
        }
    }

    private void startSlot(JsonToken token) {
        if (token == JsonToken.START_OBJECT) {
            int line = lineBase + parser.currentTokenLocation().getLineNr();
            capture = new Capture(openingBracket(), line, depth, nextSlot++);
        } else if (token == JsonToken.START_ARRAY && depth == 0) {
            bareArray = true;
            slotDepth = 1;
        } else {
            sink.rejected(slotLocation(nextSlot++), "not a JSON object but " + describe(token));
        }
    }

    private void onCapturedValue(JsonToken token, String field) throws IOException {
        int c = capture.depth;
        if (field == null) {
            return;
        }
        if (depth == c + 1) {
            if (c == 0 && RECORDS.equals(field)) {
                becomeEnvelope(token);
            } else if ("detail".equals(field) && token == JsonToken.START_OBJECT) {
                capture.detailStarts(openingBracket());
            } else if (token == JsonToken.VALUE_STRING && Capture.isTopField(field)) {
                capture.topField(field, parser.getText());
            }
        } else if (depth == c + 2 && token == JsonToken.VALUE_STRING && capture.inDetail() && Capture.isDetailField(field)) {
            capture.detailField(field, parser.getText());
        }
    }

    private void becomeEnvelope(JsonToken token) {
        nextSlot = capture.slot;
        capture = null;
        envelope = true;
        slotDepth = token == JsonToken.START_ARRAY ? 2 : NONE;
        if (token != JsonToken.START_ARRAY && token != JsonToken.VALUE_NULL) {
            sink.rejected(location, "\"Records\" is not an array but " + describe(token));
        }
    }

    private void onEnd(JsonToken token) {
        if (capture != null) {
            if (depth == capture.depth) {
                finishCapture();
            } else if (depth == capture.depth + 1 && capture.inDetail()) {
                capture.detailEnds(parserBase + parser.currentLocation().getByteOffset());
            }
        } else if (envelope && depth == 1 && slotDepth == 2 && token == JsonToken.END_ARRAY) {
            slotDepth = NONE;
        } else if (depth == 0) {
            envelope = false;
            bareArray = false;
            slotDepth = 0;
        }
    }

    private void finishCapture() {
        Capture done = capture;
        capture = null;
        String where = slotLocation(done.slot);
        if (done.oversized) {
            sink.rejected(where, "record larger than " + maxRecordBytes + " bytes");
            return;
        }
        long end = parserBase + parser.currentLocation().getByteOffset();
        delivered++;
        sink.record(done.toRecord(window, end, where));
    }

    /** @return true to go on reading the file */
    private boolean onSyntaxError(StreamReadException e) {
        JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
        String what = e instanceof JsonEOFException ? "truncated JSON at line " : "not JSON at line ";
        String reason = what + (lineBase + at.getLineNr()) + " column " + at.getColumnNr() + ": " + message(e);
        int slot = capture != null ? capture.slot : nextSlot++;
        sink.rejected(slotLocation(slot), reason);
        if (envelope || bareArray || capture != null && capture.depth > 0) {
            return false;
        }
        long from = capture != null && !capture.oversized ? capture.start : lastTopEnd;
        int line = capture != null ? capture.startLine : lastTopEndLine;
        resync = new LineResync(Math.max(from, window.startAbs()), line);
        capture = null;
        return true;
    }

    /** Scans for the next line starting with '{'; when found, restarts the parser there. */
    private boolean resumeAfterResync() throws IOException {
        long found = resync.scan(window);
        if (found < 0) {
            return false;
        }
        int line = resync.line();
        resync = null;
        startParser(found, line);
        feeder.feedInput(window.array(), window.indexOf(found), window.indexOf(window.endAbs()));
        if (endOfInput) {
            feeder.endOfInput();
        }
        return true;
    }

    /**
     * Where the '{' just returned as START_OBJECT is. The non-blocking parser returns the token as soon as it has
     * consumed that one byte, so it is the byte before the current position (its token location is one past it).
     */
    private long openingBracket() {
        return parserBase + parser.currentLocation().getByteOffset() - 1;
    }

    private String slotLocation(int slot) {
        return location + "#" + slot;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }

    private static String message(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        int cut = m == null ? -1 : m.indexOf('\n');
        return cut < 0 ? String.valueOf(m) : m.substring(0, cut);
    }
}
