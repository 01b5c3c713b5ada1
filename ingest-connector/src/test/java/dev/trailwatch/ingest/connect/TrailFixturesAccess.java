package dev.trailwatch.ingest.connect;

/** Lets tests in other packages use {@link TrailFixtures}' record shape. */
public final class TrailFixturesAccess {

    private TrailFixturesAccess() {
    }

    public static String record(String file, int i) {
        return TrailFixtures.record(file, i);
    }
}
