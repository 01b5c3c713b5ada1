package dev.trailwatch.detector.parse;

import dev.trailwatch.ingest.reader.RecordParser;

/** The parse node's reader view ({@link ParsedAhead#readerParser()}) over a plain parser, for tests of other packages. */
public final class ReaderParsers {

    private ReaderParsers() {
    }

    public static RecordParser of(CloudTrailParser parser) {
        return ParsedAhead.readerParser(parser);
    }
}
