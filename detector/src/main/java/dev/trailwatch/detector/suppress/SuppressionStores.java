package dev.trailwatch.detector.suppress;

/** The names of one suppressor's two stores, derived from the owning detector's id so upgrades keep state. */
record SuppressionStores(String open, String byExpiry) {

    static SuppressionStores forDetector(String detectorId) {
        return new SuppressionStores(detectorId + "-suppression", detectorId + "-suppression-expiry");
    }
}
