package dev.trailwatch.ingest.reader;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A JSON object being read in a record slot: where it starts and the few fields the pipeline needs. An EventBridge
 * event for CloudTrail ({@code "detail-type": "... via CloudTrail"}) yields its {@code detail} object as the record.
 */
final class Capture {

    private static final String EVENTBRIDGE_SUFFIX = "via CloudTrail";

    final long start;
    final int startLine;
    final int depth;
    final int slot;
    boolean oversized;

    private String account;
    private String eventTime;
    private String detailType;
    private String eventBridgeAccount;
    private String eventBridgeTime;
    private long detailStart = -1;
    private long detailEnd = -1;
    private String detailAccount;
    private String detailTime;

    Capture(long start, int startLine, int depth, int slot) {
        this.start = start;
        this.startLine = startLine;
        this.depth = depth;
        this.slot = slot;
    }

    static boolean isTopField(String name) {
        return switch (name) {
            case "recipientAccountId", "eventTime", "detail-type", "account", "time" -> true;
            default -> false;
        };
    }

    static boolean isDetailField(String name) {
        return name.equals("recipientAccountId") || name.equals("eventTime");
    }

    /** A string field of the captured object itself. */
    void topField(String name, String value) {
        switch (name) {
            case "recipientAccountId" -> account = value;
            case "eventTime" -> eventTime = value;
            case "detail-type" -> detailType = value;
            case "account" -> eventBridgeAccount = value;
            case "time" -> eventBridgeTime = value;
            default -> { }
        }
    }

    /** A string field of the captured object's {@code detail} object. */
    void detailField(String name, String value) {
        switch (name) {
            case "recipientAccountId" -> detailAccount = value;
            case "eventTime" -> detailTime = value;
            default -> { }
        }
    }

    void detailStarts(long abs) {
        if (detailStart < 0) {
            detailStart = abs;
        }
    }

    void detailEnds(long abs) {
        detailEnd = abs;
    }

    boolean inDetail() {
        return detailStart >= 0 && detailEnd < 0;
    }

    CloudTrailRecord toRecord(ByteWindow window, long end, String location) {
        if (isEventBridgeEvent()) {
            String acct = detailAccount != null ? detailAccount : eventBridgeAccount;
            String time = detailTime != null ? detailTime : eventBridgeTime;
            return new CloudTrailRecord(window.slice(detailStart, detailEnd), acct, epochMillis(time), location);
        }
        return new CloudTrailRecord(window.slice(start, end), account, epochMillis(eventTime), location);
    }

    private boolean isEventBridgeEvent() {
        return detailType != null && detailType.endsWith(EVENTBRIDGE_SUFFIX) && detailEnd > detailStart;
    }

    static long epochMillis(String isoTime) {
        if (isoTime == null) {
            return -1;
        }
        try {
            return Instant.parse(isoTime).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            return -1;
        }
    }
}
