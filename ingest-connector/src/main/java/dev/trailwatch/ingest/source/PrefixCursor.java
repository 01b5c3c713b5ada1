package dev.trailwatch.ingest.source;

import dev.trailwatch.ingest.reader.CloudTrailFiles;
import dev.trailwatch.ingest.s3.S3Objects;
import dev.trailwatch.ingest.s3.TrailLayout;
import dev.trailwatch.ingest.s3.TrailPrefix;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The keys of one account/region folder still to read: after the last finished key (or from the start day), with a
 * delivery time in {@code [start, end)}. Keys sort in delivery-time order, so the first key at or past the end ends it.
 */
final class PrefixCursor {

    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

    private final TrailPrefix prefix;
    private final Iterator<S3Object> keys;
    private final String startTime;
    private final String endTime;
    private final String endDay;
    private String currentKey;
    private String currentTime;

    PrefixCursor(S3Client s3, TrailPrefix prefix, KeyOffset offset, Instant start, Instant end) {
        this.prefix = prefix;
        this.startTime = start == null ? null : FILE_TIME.format(start);
        this.endTime = end == null ? null : FILE_TIME.format(end);
        this.endDay = end == null ? null : TrailLayout.day(end);
        String startAfter = offset.lastKey();
        if (start != null) {
            String dayKey = TrailLayout.firstKeyOfDay(prefix, start);
            startAfter = startAfter.compareTo(dayKey) > 0 ? startAfter : dayKey;
        }
        this.keys = S3Objects.list(s3, prefix.bucket(), prefix.prefix(), startAfter);
    }

    TrailPrefix prefix() {
        return prefix;
    }

    String currentKey() {
        return currentKey;
    }

    /** The sort key across folders: delivery time, then key; keys without a time sort last. */
    String sortKey() {
        return (currentTime == null ? "~" : currentTime) + currentKey;
    }

    /** Moves to the next key to read; false when the folder has none left. */
    boolean advance() {
        while (keys.hasNext()) {
            String key = keys.next().key();
            String day = TrailLayout.dayOf(prefix, key);
            String time = CloudTrailFiles.fileTimestamp(key.substring(key.lastIndexOf('/') + 1));
            if (endDay != null && day != null && day.compareTo(endDay) > 0
                    || endTime != null && time != null && time.compareTo(endTime) >= 0) {
                break;
            }
            if (key.endsWith("/") || startTime != null && time != null && time.compareTo(startTime) < 0) {
                continue;
            }
            currentKey = key;
            currentTime = time;
            return true;
        }
        currentKey = null;
        return false;
    }
}
