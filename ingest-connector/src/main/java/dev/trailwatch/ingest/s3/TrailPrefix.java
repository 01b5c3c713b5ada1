package dev.trailwatch.ingest.s3;

/**
 * One account/region folder of a trail's S3 layout: {@code [trail-prefix/]AWSLogs/[o-id/]<account>/CloudTrail/<region>/}
 * (or {@code CloudTrail-Insight/}). Keys under it sort in delivery-time order, so "resume after the last key" is exact.
 */
public record TrailPrefix(String bucket, String prefix, String account, String region, boolean insight) {
}
