package dev.trailwatch.detector.parse;

/**
 * {@code scan} only: records parsed on another thread ahead of the topology, so that the one thread driving it (event
 * time order) does not spend a fifth of its time parsing. The topology stays the production one: its {@code parse}
 * node ({@link ParseProcessor}) finds this object in the application configs under {@link #CONFIG}, binds its own
 * parser to it ({@link #bind}), and for each record takes the result parsed ahead for <em>that very byte array</em>
 * ({@link #take}, by identity); for any other record it parses as always. Each record is still parsed once, by the
 * parse node's parser, and then goes through the node's time check, metrics and dead-letter routing unchanged.
 *
 * <p>{@link #parse} may be called from any thread once the topology is built; {@link #next} and {@link #take} from the
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
