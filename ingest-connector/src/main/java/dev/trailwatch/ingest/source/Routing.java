package dev.trailwatch.ingest.source;

import dev.trailwatch.ingest.reader.CloudTrailFiles;

/**
 * Which topic a file's records go to: CloudTrail events to {@code topic}; Insights files to {@code insightsTopic},
 * or nowhere when that is null. Digest files never get here.
 */
public record Routing(String topic, String insightsTopic) {

    public static final String DEFAULT_TOPIC = "cloudtrail.events";

    public Routing {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic must be set");
        }
        insightsTopic = insightsTopic == null || insightsTopic.isBlank() ? null : insightsTopic;
    }

    /** The topic for a file or key, or null to skip it. */
    public String topicFor(String pathOrKey) {
        if (CloudTrailFiles.isDigest(pathOrKey)) {
            return null;
        }
        return CloudTrailFiles.isInsight(pathOrKey) ? insightsTopic : topic;
    }
}
