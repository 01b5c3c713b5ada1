package dev.trailwatch.ingest.reader;

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
    private String region;
    private String detailType;
    private String eventBridgeAccount;
    private String eventBridgeTime;
    private long detailStart = -1;
    private long detailEnd = -1;
    private String detailAccount;
    private String detailTime;
    private String detailRegion;
    private String eventBridgeRegion;

    Capture(long start, int startLine, int depth, int slot) {
        this.start = start;
        this.startLine = startLine;
        this.depth = depth;
        this.slot = slot;
    }

    static boolean isTopField(String name) {
        return switch (name) {
            case "recipientAccountId", "eventTime", "awsRegion", "detail-type", "account", "time", "region" -> true;
            default -> false;
        };
    }

    static boolean isDetailField(String name) {
        return name.equals("recipientAccountId") || name.equals("eventTime") || name.equals("awsRegion");
    }

    /** A string field of the captured object itself. */
    void topField(String name, String value) {
        switch (name) {
            case "recipientAccountId" -> account = value;
            case "eventTime" -> eventTime = value;
            case "awsRegion" -> region = value;
            case "region" -> eventBridgeRegion = value;
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
            case "awsRegion" -> detailRegion = value;
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
            String where = detailRegion != null ? detailRegion : eventBridgeRegion;
            return new CloudTrailRecord(window.slice(detailStart, detailEnd), acct, EventTimes.millisOrUnknown(time),
                    location, where);
        }
        return new CloudTrailRecord(window.slice(start, end), account, EventTimes.millisOrUnknown(eventTime), location,
                region);
    }

    private boolean isEventBridgeEvent() {
        return detailType != null && detailType.endsWith(EVENTBRIDGE_SUFFIX) && detailEnd > detailStart;
    }
}
