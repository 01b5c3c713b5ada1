package dev.trailwatch.detector.parse;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.ingest.reader.RecordParser;

/**
 * {@code scan} only: records parsed on other threads ahead of the topology, so that the one thread driving it (event
 * time order) does not spend a fifth of its time parsing: the reader threads parse each record as they cut it out of
 * its file ({@link #readerParser()}: one JSON pass per record), the sorter's thread the records it spilled. The topology stays the production one: its {@code parse}
 * node ({@link ParseProcessor}) finds this object in the application configs under {@link #CONFIG}, binds its own
 * parser to it ({@link #bind}), and for each record takes the result parsed ahead for <em>that very byte array</em>
 * ({@link #take}, by identity); for any other record it parses as always. Each record is still parsed once, by the
 * parse node's parser, and then goes through the node's time check, metrics and dead-letter routing unchanged.
 *
 * <p>{@link #parse} and {@link #readerParser()} may be called from any thread once the topology is built; {@link #next} and {@link #take} from the
 * thread that drives the topology only.
 */
public final class ParsedAhead {

    /** Application config key under which the scan hands this object to the parse node. */
    public static final String CONFIG = "trailwatch.scan.parsed.ahead";

    private volatile CloudTrailParser parser;
    private byte[] nextRaw;
    private ParseResult nextResult;
    private long taken;

    /** Called by the parse node when the topology is initialised: results parsed ahead are its own parser's. */
    void bind(CloudTrailParser nodeParser) {
        parser = nodeParser;
    }

    /** Parses {@code raw} as the parse node would (any thread; the topology must have been built). */
    public ParseResult parse(byte[] raw) {
        CloudTrailParser bound = parser;
        if (bound == null) {
            throw new IllegalStateException("the topology's parse node has not bound its parser (it is not built "
                    + "with " + CONFIG + " in its configs)");
        }
        return bound.parse(raw);
    }

    /**
     * The parse node's parser for the scan's file reader ({@link RecordParser}: the reader cuts records out of files
     * by parsing them, one JSON pass, and each record carries its result here). Any thread; the topology must have
     * been built.
     */
    public RecordParser readerParser() {
        return (buf, offset, length) -> {
            CloudTrailParser bound = parser;
            if (bound == null) {
                throw new IllegalStateException("the topology's parse node has not bound its parser");
            }
            return located(bound, buf, offset, length);
        };
    }

    /** The reader's view of {@code parser} (tests: the parse node's parser is a plain {@link CloudTrailParser}). */
    static RecordParser readerParser(CloudTrailParser parser) {
        return (buf, offset, length) -> located(parser, buf, offset, length);
    }

    private static RecordParser.Parsed located(CloudTrailParser parser, byte[] buf, int offset, int length) {
        CloudTrailParser.Located located;
        try {
            located = parser.parseAt(buf, offset, length);
        } catch (RuntimeException e) {
            // the parser failed (a bug, not a bad record): the parse node parses the record, and the dead-letter
            // handlers see what it throws
            return RecordParser.NOT_PLAIN;
        }
        if (located == CloudTrailParser.Located.INCOMPLETE) {
            return RecordParser.INCOMPLETE;
        }
        // a record the parse node rejects (a missing field, a bad eventTime) is read by the reader its usual way
        if (!located.plain() || !(located.result() instanceof ParseResult.Parsed parsed)) {
            return RecordParser.NOT_PLAIN;
        }
        CloudTrailEvent event = parsed.event();
        return new RecordParser.Parsed(located.raw(), event.recipientAccountId(), event.eventTime(), event.awsRegion(),
                parsed);
    }

    /** The result parsed ahead for {@code raw}, which is about to go into the topology (the driving thread). */
    public void next(byte[] raw, ParseResult result) {
        nextRaw = raw;
        nextResult = result;
    }

    /** The result parsed ahead for exactly this array (once), else null: the parse node then parses it itself. */
    ParseResult take(byte[] raw) {
        if (raw == null || raw != nextRaw) {
            return null;
        }
        ParseResult result = nextResult;
        nextRaw = null;
        nextResult = null;
        taken++;
        return result;
    }

    /** How many records the parse node took parsed ahead (tests: the hand-over by identity works). */
    public long taken() {
        return taken;
    }
}
