package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;

/** What a windowed processor emits: an alert, or an event that came too late to be counted. */
sealed interface BurstOutcome {

    record Fired(Alert alert) implements BurstOutcome {
    }

    record Late(CloudTrailEvent event) implements BurstOutcome {
    }
}
