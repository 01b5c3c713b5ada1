package dev.trailwatch.detector.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.CloudTrailEvent;

/**
 * The record a rule is evaluated on, in two forms: the event's typed fields (no tree to build, see
 * {@link CloudTrailEvent#typedFields()}) for tests of fields CloudTrail records always carry, and the whole record,
 * built only when a test reads another field. Most events are ruled out by a typed test ({@code eventName},
 * {@code eventSource}, {@code userIdentity.type}) and never need the tree.
 */
final class EventView {

    private final CloudTrailEvent event;
    private final JsonNode record;

    private EventView(CloudTrailEvent event, JsonNode record) {
        this.event = event;
        this.record = record;
    }

    static EventView of(CloudTrailEvent event) {
        return new EventView(event, null);
    }

    static EventView of(JsonNode record) {
        return new EventView(null, record);
    }

    /** A node that answers the typed paths exactly as the whole record would. */
    JsonNode typed() {
        return event != null ? event.typedFields() : record;
    }

    JsonNode full() {
        return event != null ? event.record() : record;
    }
}
