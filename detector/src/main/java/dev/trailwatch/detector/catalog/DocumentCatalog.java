package dev.trailwatch.detector.catalog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current, validated content of a set of named YAML documents: a compacted topic (the rules topic, the exceptions
 * topic; record key = document name, value = its text, a tombstone removes it) or a folder of files (rules.dir,
 * tuning.dir, through {@link DirectoryWatch}: name = the file's path, a deleted file is removed). Each new version is validated when it
 * arrives; a valid one replaces the previous version, an invalid one is rejected with its reason (a WARN line and
 * {@code trailwatch_<kind>_rejected_total{source,reason}}, {@code source} the topic's name or {@code file}) and the
 * previous version stays in force. After each change
 * the listener gets the whole accepted set, once, to compile what the hot path reads (e.g. a rule index): nothing is
 * compiled per event.
 *
 * <p>A topic's catalog is fed by {@link CatalogUpdater} on the global stream thread, in topic order, on every instance,
 * and again from the beginning of the topic after a restart (the global store is in memory), so every instance ends up
 * with the same set. A folder's catalog is fed by the file-reload thread; each instance reads its own files.
 *
 * @param <T> the compiled document
 */
public final class DocumentCatalog<T> {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentCatalog.class);
    /** The rejection reason that a later change of the rules can lift. */
    private static final String WAITS = "unknown-rule";

    /** The outcome of one record, in words: what an operator reads in the log. */
    public enum Outcome { ACCEPTED, UNCHANGED, REMOVED, REJECTED }

    private record Entry<T>(String text, T value) {
    }

    private final String kind;
    private final String source;
    private final String medium;
    private final String label;
    private final DocumentValidator<T> validator;
    private final Consumer<Map<String, T>> listener;
    private final MeterRegistry registry;
    private final Map<String, Entry<T>> accepted = new TreeMap<>();
    /** Rejected only because a rule they name is not in force yet: checked again by {@link #retryWaiting}. */
    private final Map<String, String> waiting = new TreeMap<>();
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<Outcome, Counter> applied = new ConcurrentHashMap<>();
    private volatile int size;

    /**
     * @param kind      what the documents are, plural ({@code rules}): metric names and log lines
     * @param source    where they come from (the topic's name): the metric's {@code source} tag
     * @param validator compiles one document or rejects it
     * @param listener  gets every accepted document (name to compiled value) after each change
     */
    public DocumentCatalog(String kind, String source, DocumentValidator<T> validator,
                           Consumer<Map<String, T>> listener, MeterRegistry registry) {
        this(kind, source, "topic", kind + " topic " + source, validator, listener, registry);
    }

    private DocumentCatalog(String kind, String source, String medium, String label, DocumentValidator<T> validator,
                            Consumer<Map<String, T>> listener, MeterRegistry registry) {
        this.kind = kind;
        this.source = source;
        this.medium = medium;
        this.label = label;
        this.validator = validator;
        this.listener = listener;
        this.registry = registry;
        Gauge.builder("trailwatch." + kind + "." + medium + ".active", this, c -> c.size)
                .description("Documents of the " + kind + " " + medium + " in force on this instance")
                .tag("source", source).register(registry);
    }

    /**
     * The catalog of a folder of files ({@code setting} names it in log lines, e.g. {@code rules.dir}): metrics
     * {@code trailwatch_<kind>_rejected_total{source="file"}}, {@code trailwatch_<kind>_files_changes_total} and
     * {@code trailwatch_<kind>_files_active}.
     */
    public static <T> DocumentCatalog<T> files(String kind, String setting, String root, DocumentValidator<T> validator,
                                               Consumer<Map<String, T>> listener, MeterRegistry registry) {
        return new DocumentCatalog<>(kind, "file", "files", setting + " " + root, validator, listener, registry);
    }

    /** One record of the topic: a new version of {@code name}, or its removal when {@code text} is null. */
    public synchronized Outcome offer(String name, String text) {
        if (name == null || name.isBlank()) {
            return reject(String.valueOf(name), new DocumentRejected("key", "a record without a key: the key must be "
                    + "the document's name (for a rule, its id)"));
        }
        if (text == null) {
            waiting.remove(name);
            if (accepted.remove(name) == null) {
                return Outcome.UNCHANGED;
            }
            LOG.info("{}: '{}' removed{}", label, name, medium.equals("topic") ? " (tombstone)" : " (deleted)");
            count(Outcome.REMOVED, "removed");
            changed();
            return Outcome.REMOVED;
        }
        Entry<T> current = accepted.get(name);
        if (current != null && current.text().equals(text)) {
            return Outcome.UNCHANGED;
        }
        try {
            accepted.put(name, new Entry<>(text, compile(name, text)));
        } catch (DocumentRejected e) {
            if (WAITS.equals(e.reason())) {
                waiting.put(name, text);
            } else {
                waiting.remove(name);
            }
            return reject(name, e);
        }
        waiting.remove(name);
        LOG.info("{}: '{}' {}", label, name, current == null ? "added" : "updated");
        count(Outcome.ACCEPTED, "accepted");
        changed();
        return Outcome.ACCEPTED;
    }

    /**
     * Checks again the documents rejected because a rule they name was not in force (reason {@code unknown-rule}),
     * once the rules in force change: an exception published right after its new rule may reach this instance first
     * (the two topics are read side by side). Each is taken if it passes now; otherwise it keeps waiting, without
     * another rejection counted.
     */
    public synchronized void retryWaiting() {
        boolean taken = false;
        for (Map.Entry<String, String> doc : new TreeMap<>(waiting).entrySet()) {
            try {
                accepted.put(doc.getKey(), new Entry<>(doc.getValue(), compile(doc.getKey(), doc.getValue())));
            } catch (DocumentRejected e) {
                if (!WAITS.equals(e.reason())) {
                    waiting.remove(doc.getKey());
                }
                continue;
            }
            waiting.remove(doc.getKey());
            LOG.info("{}: '{}' accepted now that the rules it names are in force", label, doc.getKey());
            count(Outcome.ACCEPTED, "accepted");
            taken = true;
        }
        if (taken) {
            changed();
        }
    }

    /** Replaces the whole set with these accepted texts (a global store's content at start); one change at the end. */
    public synchronized void load(Map<String, String> texts) {
        Map<String, Entry<T>> before = new TreeMap<>(accepted);
        accepted.clear();
        waiting.clear();
        texts.forEach((name, text) -> {
            Entry<T> known = before.get(name);
            if (known != null && known.text().equals(text)) {
                accepted.put(name, known);
                return;
            }
            try {
                accepted.put(name, new Entry<>(text, compile(name, text)));
            } catch (DocumentRejected e) {
                if (WAITS.equals(e.reason())) {
                    waiting.put(name, text);
                }
                reject(name, e);
            }
        });
        changed();
    }

    /**
     * A document source that cannot be read (a folder that vanished, a file without read permission): rejected with
     * reason {@code unreadable}, what is in force stays.
     */
    public synchronized void unreadable(String name, String problem) {
        reject(name, new DocumentRejected("unreadable", problem));
    }

    /** The accepted documents, name to compiled value, sorted by name. */
    public synchronized Map<String, T> documents() {
        Map<String, T> out = new TreeMap<>();
        accepted.forEach((name, entry) -> out.put(name, entry.value()));
        return out;
    }

    /**
     * The validator's verdict. Whatever else it throws (a bug on some unforeseen input) is a rejection too: an entry of
     * the topic must never stop the global stream thread, and with it the detector.
     */
    private T compile(String name, String text) {
        try {
            return Objects.requireNonNull(validator.validate(name, text), "the validator returned nothing");
        } catch (DocumentRejected e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            LOG.warn("{}: checking '{}' failed unexpectedly", label, name, e);
            throw new DocumentRejected("error", "could not be checked: " + e, e);
        }
    }

    private Outcome reject(String name, DocumentRejected e) {
        boolean kept = accepted.containsKey(name);
        LOG.warn("{}: rejected '{}' ({}), {}: {}", label, name, e.reason(),
                kept ? "the previous version stays in force" : "nothing of that name is in force", e.getMessage());
        rejected.computeIfAbsent(e.reason(), reason -> Counter.builder("trailwatch." + kind + ".rejected")
                .description("Documents of the " + kind + " topics and files rejected as invalid (previous version kept)")
                .tag("source", source).tag("reason", reason).register(registry)).increment();
        return Outcome.REJECTED;
    }

    /** Changes applied on this instance: the operator's proof that a publish reached it. */
    private void count(Outcome outcome, String tag) {
        applied.computeIfAbsent(outcome, o -> Counter.builder("trailwatch." + kind + "." + medium + ".changes")
                .description("Changes of the " + kind + " " + medium + " applied on this instance (accepted or removed)")
                .tag("source", source).tag("outcome", tag).register(registry)).increment();
    }

    private void changed() {
        size = accepted.size();
        listener.accept(documents());
    }
}
