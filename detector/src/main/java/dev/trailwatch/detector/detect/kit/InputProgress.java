package dev.trailwatch.detector.detect.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One record of the progress topic ({@code topic.progress}): how far one input partition of one application is
 * processed (key {@code <application.id>/<partition>}), or an account the application learned and the earliest event
 * time it was seen at (key {@code <application.id>/account/<id>}, {@code streamTime} = that time). Both travel in the
 * one partition of the topic, so whoever reads a partition's progress has read every account learned before it.
 *
 * @param streamTime   the latest event time processed on the partition (epoch millis)
 * @param completeUpTo every record of the partition before this event time has been processed (one exactly at it
 *                     may still come: {@link InputWatermark#completeUpTo(int)})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record InputProgress(long streamTime, long completeUpTo) {

    public static String key(String applicationId, int partition) {
        return applicationId + "/" + partition;
    }

    public static String accountKey(String applicationId, String accountId) {
        return applicationId + "/account/" + accountId;
    }

    /** The account a key of {@code applicationId} names, or null. */
    public static String accountOf(String key, String applicationId) {
        String prefix = applicationId + "/account/";
        return key != null && key.startsWith(prefix) ? key.substring(prefix.length()) : null;
    }

    /** The partition a key of {@code applicationId} names, or -1 when the key is another application's. */
    public static int partitionOf(String key, String applicationId) {
        if (key == null || !key.startsWith(applicationId) || key.length() <= applicationId.length() + 1
                || key.charAt(applicationId.length()) != '/') {
            return -1;
        }
        try {
            return Integer.parseInt(key.substring(applicationId.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
