package dev.trailwatch.detector.parse;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The parser's variants the benchmarks compare. It lives in the benchmarks module under the parser's package so that
 * the switch stays package-private.
 */
public final class ParserVariants {

    private ParserVariants() {
    }

    /** The parser with its Jackson streaming read alone: what every record cost before the fast byte read. */
    public static CloudTrailParser jacksonOnly() {
        return new CloudTrailParser(new ObjectMapper(), false);
    }
}
