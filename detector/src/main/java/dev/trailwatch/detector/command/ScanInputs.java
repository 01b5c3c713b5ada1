package dev.trailwatch.detector.command;

import dev.trailwatch.detector.pipeline.EventFeeder;
import dev.trailwatch.ingest.reader.CloudTrailFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Resolves scan arguments to files in event-time order and feeds them, one unreadable file never stopping the rest. */
final class ScanInputs {

    private ScanInputs() {
    }

    static List<Path> files(List<Path> roots) throws IOException {
        try {
            return CloudTrailFiles.list(roots);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file or directory: " + e.getFile(), e);
        }
    }

    static void feedAll(List<Path> files, EventFeeder feeder, PrintWriter err) {
        for (Path file : files) {
            try {
                feeder.feed(file);
            } catch (IOException e) {
                err.println("rejected: " + file + ": cannot read file: " + e.getMessage());
            }
        }
        feeder.flush();
    }
}
