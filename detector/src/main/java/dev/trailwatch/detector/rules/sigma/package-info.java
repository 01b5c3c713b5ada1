/**
 * Sigma rules for AWS CloudTrail (Sigma specification 2.1), compiled into TrailWatch watch-list rules.
 *
 * <p>{@link dev.trailwatch.detector.rules.sigma.SigmaRules} is the entry point: it recognizes Sigma files, compiles a
 * collection ({@link dev.trailwatch.detector.rules.sigma.SigmaRule} for single-event rules, global filters applied to
 * the rules they name, {@link dev.trailwatch.detector.rules.sigma.SigmaCorrelation} for correlations) and returns a
 * {@link dev.trailwatch.detector.rules.sigma.SigmaRefusal} for every document it does not run.
 *
 * <p>The pipeline: {@code SigmaYaml} (documents, with the line of every key) -> {@code RuleCompiler} (metadata,
 * logsource, status) -> {@code SelectionCompiler} (selections and modifiers into {@code Search} / {@code FieldTest}
 * / {@code ValueMatcher}) and {@code ConditionParser} (the condition into {@code Cond}) -> {@code SigmaRule}, which
 * evaluates over an {@code EventView} (the event's typed fields first, its tree only when needed) and becomes a
 * {@link dev.trailwatch.detector.rules.Rule} via {@link dev.trailwatch.detector.rules.Rule#compiled}. docs/sigma.md
 * is the user's description of all of it.
 */
package dev.trailwatch.detector.rules.sigma;
