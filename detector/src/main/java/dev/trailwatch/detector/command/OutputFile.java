package dev.trailwatch.detector.command;

import dev.trailwatch.detector.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks an output file option before any work starts: a missing folder is the user's to fix (exit 2). */
final class OutputFile {

    private OutputFile() {
    }

    static void check(String option, Path file) {
        if (file == null) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            throw new ConfigException(option + " " + file + " is a folder; give a file name");
        }
        if (parent != null && !Files.isDirectory(parent)) {
            throw new ConfigException(option + " " + file + ": the folder " + parent + " does not exist");
        }
        if (parent != null && !Files.isWritable(parent)) {
            throw new ConfigException(option + " " + file + ": the folder " + parent + " is not writable");
        }
    }
}
