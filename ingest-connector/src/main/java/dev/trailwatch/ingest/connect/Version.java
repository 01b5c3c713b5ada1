package dev.trailwatch.ingest.connect;

/** The connector's version, as reported to Connect. */
final class Version {

    static final String VERSION = versionOf(Version.class.getPackage());

    private Version() {
    }

    private static String versionOf(Package p) {
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
