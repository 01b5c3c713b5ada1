package dev.trailwatch.detector.rules.sigma;

/**
 * A Sigma document that was not compiled, and exactly why: the file, the document inside it (multi-document files
 * count from 1), the key path and its line, and what is not supported or wrong. A refusal never stops the detector;
 * it is logged and listed (docs/sigma.md lists every reason).
 *
 * @param source   the file as messages show it
 * @param document 1-based index of the YAML document in the file
 * @param title    the rule's title when it has one, else empty
 * @param path     the key path at fault ({@code detection.selection.userIdentity.arn|re}), empty for the document
 * @param line     the 1-based line of that key, 0 when unknown
 * @param kind     why, as a category a summary can count
 * @param reason   the problem in words
 */
public record SigmaRefusal(String source, int document, String title, String path, int line, Kind kind,
                           String reason) {

    /** The categories of refusal. */
    public enum Kind {
        /** The YAML is broken, or the document breaks the Sigma specification. */
        INVALID,
        /** Valid Sigma that TrailWatch does not run (a modifier, a placeholder, an aggregation). */
        UNSUPPORTED,
        /** A rule for another log source than AWS CloudTrail. */
        OTHER_LOG_SOURCE,
        /** {@code status: deprecated} or {@code status: unsupported}. */
        STATUS,
        /** A rule that only feeds correlations ({@code generate: false}): it raises no alert of its own. */
        CORRELATION_NOT_RUN
    }

    /** One line: {@code file (document 2, 'Title'): detection.sel|re, line 12: the problem}. */
    public String message() {
        StringBuilder out = new StringBuilder(source);
        if (document > 1 || !title.isEmpty()) {
            out.append(" (");
            if (document > 1) {
                out.append("document ").append(document).append(title.isEmpty() ? "" : ", ");
            }
            out.append(title.isEmpty() ? "" : "'" + title + "'").append(')');
        }
        out.append(": ");
        if (!path.isEmpty()) {
            out.append(path).append(line > 0 ? ", line " + line : "").append(": ");
        }
        return out.append(reason).toString();
    }

    @Override
    public String toString() {
        return message();
    }
}
