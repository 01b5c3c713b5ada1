package dev.trailwatch.detector.rules;

import java.util.List;

/**
 * A rule language besides TrailWatch's own rule files (Sigma is one), found through {@link java.util.ServiceLoader}:
 * the rules package loads every format on the classpath without naming any, so a format's package may build on the
 * rule model without the two depending on each other.
 */
public interface RuleFormat {

    /** One file's text and where it came from (a file path or a classpath resource). */
    record Input(String location, String text) {
    }

    /** True when this text is a rule file in this format. */
    boolean recognizes(String text);

    /**
     * Compiles every file of this format found, together (a file may refer to rules in another). A rule that cannot be
     * compiled is refused and reported (logged with its reason) by the format; it never stops the others.
     */
    List<Rule> compile(List<Input> inputs);

    /**
     * What keeps this one file from being used, judged alone (a file of {@code rules.dir} changed while the detector
     * runs): broken YAML, a document that breaks the format's specification or uses what TrailWatch does not run.
     * References to rules in other files are not judged here; they are resolved when all files compile together.
     * Empty when the file can be taken.
     */
    List<String> problemsAlone(Input input);

    /**
     * Whether this file holds something that is wired into the topology at start (Sigma correlations: stateful
     * processors) and so changes only with a restart.
     */
    boolean needsRestart(Input input);

    /**
     * Compiles one record of the rules topic in this format, on its own (a topic record refers to no other), strictly:
     * what would only be logged for a file of {@code rules.dir} (a refused rule, another log source, nothing to run)
     * rejects the record, so that the previous version stays in force.
     *
     * @param key the record's key: the id the rule's alerts carry
     * @throws dev.trailwatch.detector.catalog.DocumentRejected with the reason category and the problem in words
     */
    List<Rule> compileForTopic(String topic, String key, String text);

    /** The key a file of this format is published under on the rules topic (the id its alerts carry). */
    String topicKey(String location);
}
