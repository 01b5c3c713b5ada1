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
}
