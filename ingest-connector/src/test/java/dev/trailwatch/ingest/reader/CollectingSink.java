package dev.trailwatch.ingest.reader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Keeps what a reader delivers, for assertions. */
final class CollectingSink implements RecordSink {

    final List<CloudTrailRecord> records = new ArrayList<>();
    final List<String> rejections = new ArrayList<>();

    @Override
    public void record(CloudTrailRecord record) {
        records.add(record);
    }

    @Override
    public void rejected(String location, String reason) {
        rejections.add(location + " " + reason);
    }

    List<String> jsons() {
        return records.stream().map(r -> new String(r.json(), StandardCharsets.UTF_8)).toList();
    }

    List<String> locations() {
        return records.stream().map(CloudTrailRecord::location).toList();
    }
}
