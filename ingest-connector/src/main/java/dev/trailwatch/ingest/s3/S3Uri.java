package dev.trailwatch.ingest.s3;

/** An {@code s3://bucket/prefix} location. The prefix may be empty (the whole bucket). */
public record S3Uri(String bucket, String prefix) {

    public static boolean isS3Uri(String text) {
        return text != null && text.startsWith("s3://");
    }

    /** @throws IllegalArgumentException when the text is not {@code s3://bucket[/prefix]} */
    public static S3Uri parse(String text) {
        if (!isS3Uri(text)) {
            throw new IllegalArgumentException("not an s3://bucket/prefix location: " + text);
        }
        String rest = text.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("no bucket in " + text);
        }
        return new S3Uri(bucket, slash < 0 ? "" : rest.substring(slash + 1));
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix;
    }
}
