package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.catalog.DirectoryWatch;
import dev.trailwatch.detector.catalog.DocumentCatalog;
import dev.trailwatch.detector.catalog.DocumentRejected;
import dev.trailwatch.detector.catalog.FileReload;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code rules.dir} while the detector runs: every file that changes is checked alone, the way the rules topic checks
 * a record (a TrailWatch rule file: schema, pattern, matchers, its inline tests; a file of another format: what keeps
 * it from compiling), and a bad version is rejected with its reason while the previous one stays in force. After each
 * change the folder's accepted files compile together, as at start (Sigma global filters and correlations refer
 * across files), and {@link LiveRules} puts them in place of the folder's previous rules.
 *
 * <p>Sigma correlations are stateful processors wired when the topology is built: a changed correlation file is taken
 * for its single-event rules, and a WARN line says that the correlation itself changes with a restart.
 */
public final class RuleDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(RuleDirectory.class);
    private static final List<RuleFormat> FORMATS = ServiceLoader.load(RuleFormat.class,
            RuleDirectory.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();

    /** One accepted file: a TrailWatch rule (parsed and verified), or a file of another format (compiled together). */
    record RuleFile(String text, Rule rule, RuleFormat format) {
    }

    private final String dir;
    private final LiveRules live;
    private final Counter refused;
    private Map<String, String> restartOnlyAtStart;
    private Map<String, String> restartOnlyWarned;

    private RuleDirectory(String dir, LiveRules live, MeterRegistry registry) {
        this.dir = dir;
        this.live = live;
        this.refused = Counter.builder("trailwatch.rules.rejected")
                .description("Documents of the rules topics and files rejected as invalid (previous version kept)")
                .tag("source", "file").tag("reason", "duplicate-id").register(registry);
    }

    /** Re-reads {@code dir} with {@code reload} (when it is on) into {@code live}. */
    public static void watch(FileReload reload, Path dir, LiveRules live, MeterRegistry registry) {
        if (!reload.enabled()) {
            return;
        }
        RuleDirectory directory = new RuleDirectory(dir.toString(), live, registry);
        DocumentCatalog<RuleFile> catalog = DocumentCatalog.files("rules", "rules.dir", dir.toString(),
                RuleDirectory::check, directory::apply, registry);
        reload.watch(new DirectoryWatch(RulePack.directoryFiles(dir), catalog));
    }

    /** One file, alone: what a file must pass at start, or the problems of another format's file on its own. */
    static RuleFile check(String location, String text) {
        RuleFormat format = FORMATS.stream().filter(f -> f.recognizes(text)).findFirst().orElse(null);
        if (format == null) {
            return new RuleFile(text, TopicRules.verified(location, text), null);
        }
        List<String> problems = format.problemsAlone(new RuleFormat.Input(location, text));
        if (!problems.isEmpty()) {
            throw new DocumentRejected("sigma", String.join("; ", problems));
        }
        return new RuleFile(text, null, format);
    }

    /** The folder's accepted files, compiled together and put in force. */
    private void apply(Map<String, RuleFile> files) {
        List<Rule> rules = new ArrayList<>();
        Map<RuleFormat, List<RuleFormat.Input>> otherFormats = new LinkedHashMap<>();
        Map<String, String> restartOnly = new TreeMap<>();
        files.forEach((location, file) -> {
            if (file.rule() != null) {
                rules.add(file.rule());
                return;
            }
            RuleFormat.Input input = new RuleFormat.Input(location, file.text());
            otherFormats.computeIfAbsent(file.format(), f -> new ArrayList<>()).add(input);
            if (file.format().needsRestart(input)) {
                restartOnly.put(location, file.text());
            }
        });
        otherFormats.forEach((format, inputs) -> rules.addAll(format.compile(inputs)));
        live.directoryRules(dir, rules).ifPresent(problem -> {
            refused.increment();
            LOG.warn("rules.dir {}: change refused, the previous rules stay in force: {}", dir, problem);
        });
        warnOnRestartOnly(restartOnly);
    }

    private void warnOnRestartOnly(Map<String, String> restartOnly) {
        if (restartOnlyAtStart == null) {
            restartOnlyAtStart = restartOnly;
            restartOnlyWarned = restartOnly;
            return;
        }
        if (restartOnly.equals(restartOnlyWarned)) {
            return;
        }
        restartOnlyWarned = restartOnly;
        if (!restartOnly.equals(restartOnlyAtStart)) {
            List<String> changed = new ArrayList<>();
            restartOnly.forEach((file, text) -> {
                if (!text.equals(restartOnlyAtStart.get(file))) {
                    changed.add(file);
                }
            });
            restartOnlyAtStart.keySet().stream().filter(file -> !restartOnly.containsKey(file)).forEach(changed::add);
            LOG.warn("rules.dir {}: Sigma correlations changed in {}: correlations are wired when the detector starts,"
                    + " restart it to apply them; the single-event rules of these files apply now", dir, changed);
        }
    }
}
