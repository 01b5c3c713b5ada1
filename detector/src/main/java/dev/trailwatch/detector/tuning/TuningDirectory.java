package dev.trailwatch.detector.tuning;

import dev.trailwatch.detector.catalog.DirectoryWatch;
import dev.trailwatch.detector.catalog.DocumentCatalog;
import dev.trailwatch.detector.catalog.DocumentFiles;
import dev.trailwatch.detector.catalog.FileReload;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code tuning.dir} while the detector runs: each file that changes is checked alone (the checks of the files at
 * start, rule ids against the rules in force), a bad version is rejected with its reason and the previous one stays;
 * the accepted files go to {@link LiveTuning} together, where they apply from the next alert on (thresholds and
 * windows: after a restart).
 */
public final class TuningDirectory {

    /** The files of {@code tuning.dir} read at start and on reload. */
    public static final Set<String> EXTENSIONS = Set.of(".yml", ".yaml", ".json");

    private TuningDirectory() {
    }

    /**
     * Re-reads {@code path} (a file or a folder) with {@code reload} (when it is on) into {@code live}.
     *
     * @param knownRules the rule ids in force when a file is checked (files and topics)
     * @return the catalog of the files, to {@link DocumentCatalog#retryWaiting check again} a file that named a rule
     *         not in force yet when the rules change; null when reload is off
     */
    public static DocumentCatalog<TuningSet> watch(FileReload reload, Path path, LiveTuning live,
                                                   Supplier<Set<String>> knownRules, MeterRegistry registry) {
        if (!reload.enabled()) {
            return null;
        }
        Counter refused = Counter.builder("trailwatch.exceptions.rejected")
                .description("Documents of the exceptions topics and files rejected as invalid (previous version kept)")
                .tag("source", "file").tag("reason", "duplicate-id").register(registry);
        DocumentCatalog<TuningSet> catalog = DocumentCatalog.files("exceptions", "tuning.dir", path.toString(),
                (file, text) -> LiveTuning.validateFile(file, text, knownRules.get()), files -> {
                    if (!live.fileDocuments(files)) {
                        refused.increment();
                    }
                }, registry);
        reload.watch(new DirectoryWatch(new DocumentFiles(path, EXTENSIONS), catalog));
        return catalog;
    }
}
