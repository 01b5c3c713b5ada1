package dev.trailwatch.detector.ocsf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names and tactics of the ATT&CK techniques TrailWatch detections name, read from
 * {@code ocsf/attack-techniques.tsv} (data, not code), so an OCSF finding carries them next to the ids.
 */
final class AttackTechniques {

    private static final String RESOURCE = "/ocsf/attack-techniques.tsv";

    /** One technique or sub-technique. */
    record Technique(String id, String name, List<Tactic> tactics) {
    }

    /** One ATT&CK tactic, e.g. TA0005 Defense Evasion. */
    record Tactic(String id, String name) {
    }

    private final Map<String, Technique> byId;

    private AttackTechniques(Map<String, Technique> byId) {
        this.byId = Collections.unmodifiableMap(byId);
    }

    private static final class Bundled {
        static final AttackTechniques INSTANCE = read();
    }

    /** The bundled table, read once. */
    static AttackTechniques bundled() {
        return Bundled.INSTANCE;
    }

    private static AttackTechniques read() {
        try (InputStream in = AttackTechniques.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    static AttackTechniques parse(List<String> lines) {
        Map<String, Technique> byId = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split("\t");
            if (cells.length != 3) {
                throw new IllegalArgumentException(RESOURCE + ": expected 3 tab-separated cells in '" + line + "'");
            }
            List<Tactic> tactics = new ArrayList<>();
            for (String tactic : cells[2].split(";")) {
                String[] idAndName = tactic.trim().split(" ", 2);
                tactics.add(new Tactic(idAndName[0], idAndName[1]));
            }
            byId.put(cells[0], new Technique(cells[0], cells[1], List.copyOf(tactics)));
        }
        return new AttackTechniques(byId);
    }

    /** The technique, or one with only its id (no name, no tactics) when the table does not list it. */
    Technique find(String id) {
        return byId.getOrDefault(id, new Technique(id, null, List.of()));
    }

    boolean lists(String id) {
        return byId.containsKey(id);
    }
}
