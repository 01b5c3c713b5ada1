package dev.trailwatch.ingest.s3;

/** One S3 object: {@code s3://bucket/key}. */
public record S3ObjectRef(String bucket, String key) {

    public String uri() {
        return "s3://" + bucket + "/" + key;
    }
}
