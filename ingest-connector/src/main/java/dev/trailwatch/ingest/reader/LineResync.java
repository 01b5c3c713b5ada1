package dev.trailwatch.ingest.reader;

/**
 * After a syntax error in a one-per-line file: finds the next line that starts with <code>{</code> in column 1,
 * counting lines on the way. Indented lines are inside a pretty-printed object, so they never restart parsing.
 */
final class LineResync {

    private long position;
    private int line;
    private boolean atLineStart;

    /** @param from where the failed value starts (or where the last good one ended); its line never restarts */
    LineResync(long from, int line) {
        this.position = from;
        this.line = line;
    }

    int line() {
        return line;
    }

    /** @return the absolute offset of the restart point, or -1 when the window holds none yet */
    long scan(ByteWindow window) {
        byte[] bytes = window.array();
        long end = window.endAbs();
        for (; position < end; position++) {
            byte b = bytes[window.indexOf(position)];
            if (b == '\n') {
                line++;
                atLineStart = true;
            } else if (atLineStart && b == '{') {
                return position;
            } else {
                atLineStart = false;
            }
        }
        return -1;
    }
}
