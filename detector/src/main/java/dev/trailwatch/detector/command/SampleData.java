package dev.trailwatch.detector.command;

import dev.trailwatch.detector.pipeline.EventFeeder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The sample CloudTrail logs bundled in the jar under samples/, fed in the delivery order samples/index.txt gives. */
final class SampleData {

    private static final String FOLDER = "/samples/";

    private SampleData() {
    }

    static List<String> names() throws IOException {
        try (InputStream in = resource("index.txt");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    /** Feeds every sample file; returns how many. */
    static int feed(EventFeeder feeder) throws IOException {
        List<String> names = names();
        for (String name : names) {
            try (InputStream in = resource(name)) {
                feeder.feed(in, "samples/" + name, "file");
            }
        }
        feeder.flush();
        return names.size();
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = SampleData.class.getResourceAsStream(FOLDER + name);
        if (in == null) {
            throw new IOException("bundled sample " + FOLDER + name + " is missing from the jar");
        }
        return in;
    }
}
