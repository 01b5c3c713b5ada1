package dev.trailwatch.ingest.source;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps emitted records; acknowledges them at once, or only when told to. */
final class CollectingEmitter implements RecordEmitter {

    final List<IngestRecord> records = new CopyOnWriteArrayList<>();
    final List<String> rejections = new CopyOnWriteArrayList<>();
    private final boolean ackAtOnce;

    CollectingEmitter(boolean ackAtOnce) {
        this.ackAtOnce = ackAtOnce;
    }

    @Override
    public void emit(IngestRecord record) {
        records.add(record);
        if (ackAtOnce) {
            record.committed();
        }
    }

    @Override
    public void rejected(String location, String reason) {
        rejections.add(location + " " + reason);
    }

    void ackAll() {
        records.forEach(IngestRecord::committed);
    }

    List<String> eventIds() {
        return records.stream().map(r -> new String(r.record().json(), StandardCharsets.UTF_8))
                .map(j -> j.replaceAll(".*\"eventID\":\"([^\"]+)\".*", "$1")).toList();
    }
}
