package dev.trailwatch.detector.model;

/**
 * What the parse node hands on for one input record: the {@link CloudTrailEvent} it read, or the parse step's
 * {@code ParseResult} (a rejection with its reason). The event is its own outcome, without a wrapper, so the routing
 * node after the parse can forward the record it receives as it is: Kafka Streams then keeps that record's context
 * (its headers are the context's) instead of building a new one for every step the event goes to.
 *
 * <p>Not sealed: its two kinds live in two packages ({@code model} and {@code parse}).
 */
public interface ReadOutcome {
}
