package dev.trailwatch.detector.catalog;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link DocumentCatalog} in step with a folder of files (rules.dir, tuning.dir): each {@link #poll()} reads
 * the folder ({@link DocumentFiles}) and offers the catalog every file whose text changed since the last poll (added
 * or changed: the new text; deleted: a removal), exactly as a catalog topic offers its records. The catalog validates
 * each version, keeps the previous one of a file it rejects, and recompiles what the detector reads once per change.
 *
 * <p>Changes are found by content, not by modification times: a ConfigMap update swaps a symbolic link and keeps
 * neither times nor inodes meaningful, and an edit within the file system's time resolution would be missed. The
 * folders are small (a few hundred files at most), so reading them every few seconds costs next to nothing. A version
 * is offered once: a bad file is rejected (one WARN line and the metric) and stays rejected until it changes again.
 * When the folder cannot be read at all (an unmounted volume), nothing is removed: the documents in force stay, with
 * one WARN line until it can be read again.
 */
public final class DirectoryWatch {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatch.class);

    private final DocumentFiles files;
    private final DocumentCatalog<?> catalog;
    private Map<String, String> seen;
    private String unreadable;

    public DirectoryWatch(DocumentFiles files, DocumentCatalog<?> catalog) {
        this.files = files;
        this.catalog = catalog;
    }

    /**
     * Reads the folder and applies what changed. The first poll loads the whole folder at once (one recompilation).
     * Never throws for a problem with the files: it is what a catalog rejects or a WARN line.
     */
    public synchronized void poll() {
        Map<String, String> now;
        try {
            now = files.read();
        } catch (IOException | RuntimeException e) {
            String problem = String.valueOf(e.getMessage());
            if (!problem.equals(unreadable)) {
                unreadable = problem;
                catalog.unreadable(files.root().toString(), "cannot read " + files.root() + " (" + e
                        + "): the documents read before stay in force until it can be read again");
            }
            return;
        }
        if (unreadable != null) {
            LOG.info("{} can be read again", files.root());
            unreadable = null;
        }
        if (seen == null) {
            catalog.load(now);
        } else {
            seen.forEach((name, text) -> {
                if (!now.containsKey(name)) {
                    catalog.offer(name, null);
                }
            });
            now.forEach((name, text) -> {
                if (!Objects.equals(seen.get(name), text)) {
                    catalog.offer(name, text);
                }
            });
        }
        seen = new HashMap<>(now);
    }

    /** The folder or file watched. */
    public String root() {
        return files.root().toString();
    }
}
