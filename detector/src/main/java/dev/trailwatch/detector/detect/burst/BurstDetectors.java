package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.Detector;
import dev.trailwatch.detector.detect.DetectorContext;
import java.util.List;

/** The burst and correlation detections, in merge order. */
public final class BurstDetectors {

    private BurstDetectors() {
    }

    public static List<Detector> create(DetectorContext context) {
        // The three console detections read one shared repartition of console logins by source IP.
        ConsoleLogins logins = new ConsoleLogins();
        return List.of(
                new FailedConsoleLoginBurstDetector(context, logins),
                new ConsolePasswordSprayDetector(context, logins),
                new ConsoleBruteforceSuccessDetector(context, logins),
                new AccessDeniedBurstDetector(context));
    }
}
