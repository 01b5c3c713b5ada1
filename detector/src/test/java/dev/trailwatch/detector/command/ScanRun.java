package dev.trailwatch.detector.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TrailWatchApp;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** One {@code trailwatch scan} run in this JVM: its exit code, stderr and the alert lines it wrote. */
record ScanRun(int exit, String err, List<String> lines) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static ScanRun of(Path workDir, String... arguments) {
        try {
            Path out = Files.createTempFile(workDir, "alerts-", ".out");
            List<String> args = new ArrayList<>(List.of("scan", "--out", out.toString()));
            args.addAll(List.of(arguments));
            StringWriter err = new StringWriter();
            CommandLine cli = TrailWatchApp.commandLine();
            cli.setErr(new PrintWriter(err, true));
            int exit = cli.execute(args.toArray(String[]::new));
            return new ScanRun(exit, err.toString(), Files.readAllLines(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The alerts as written, without {@code detectedAt} (the wall-clock moment of detection). */
    List<String> alertsWithoutDetectedAt() {
        return lines.stream().map(line -> {
            ObjectNode alert = (ObjectNode) json(line);
            alert.remove("detectedAt");
            return alert.toString();
        }).toList();
    }

    List<String> ruleIds() {
        return lines.stream().map(l -> json(l).get("ruleId").asText()).toList();
    }

    long objectsRead() {
        Matcher m = Pattern.compile("read (\\d+) objects").matcher(err);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static JsonNode json(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
