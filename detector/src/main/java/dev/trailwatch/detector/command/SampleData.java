package dev.trailwatch.detector.command;

import dev.trailwatch.detector.pipeline.EventFeeder;
import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordSink;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;

/** The sample CloudTrail logs bundled in the jar under samples/, listed by samples/index.txt. */
public final class SampleData {

    private static final String FOLDER = "/samples/";

    private SampleData() {
    }

    static List<String> names() throws IOException {
        try (InputStream in = resource("index.txt");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    /**
     * Feeds every sample record in event-time order; returns how many files. Each sample file spans days (real
     * CloudTrail files span minutes), so file order would put one account's Friday before another's Monday and the
     * windowed detections would rightly call the Monday events late. The samples are small: merge them in memory.
     */
    static int feed(EventFeeder feeder) throws IOException {
        RecordSink producer = feeder.sink("file");
        inEventTimeOrder(producer::rejected).forEach(producer::record);
        feeder.flush();
        return names().size();
    }

    /**
     * Every sample record, sorted by event time (ties keep file order); what a file cannot give goes to
     * {@code rejected} (location, reason) as it is read.
     */
    public static List<CloudTrailRecord> inEventTimeOrder(BiConsumer<String, String> rejected) throws IOException {
        List<CloudTrailRecord> records = new ArrayList<>();
        CloudTrailFileReader reader = new CloudTrailFileReader();
        for (String name : names()) {
            try (InputStream in = resource(name)) {
                reader.read(in, "samples/" + name, new RecordSink() {
                    @Override
                    public void record(CloudTrailRecord record) {
                        records.add(record);
                    }

                    @Override
                    public void rejected(String location, String reason) {
                        rejected.accept(location, reason);
                    }
                });
            }
        }
        records.sort(Comparator.comparingLong(CloudTrailRecord::eventTimeMillis));
        return records;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = SampleData.class.getResourceAsStream(FOLDER + name);
        if (in == null) {
            throw new IOException("bundled sample " + FOLDER + name + " is missing from the jar");
        }
        return in;
    }
}
