package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.DetectionFamily;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.model.CloudTrailEvent;
import org.apache.kafka.streams.kstream.KStream;

/**
 * The burst and correlation detections: failed console logins, password spray, brute force then success (all three
 * over one shared repartition of console logins by source IP, built here once), and AccessDenied bursts.
 */
public final class BurstFamily implements DetectionFamily {

    private final FailedConsoleLoginBurstDetector failedLogins;
    private final ConsolePasswordSprayDetector passwordSpray;
    private final ConsoleBruteforceSuccessDetector bruteforceSuccess;
    private final AccessDeniedBurstDetector accessDenied;

    public BurstFamily(DetectorConfig config, DetectionKit kit) {
        this.failedLogins = new FailedConsoleLoginBurstDetector(config, kit);
        this.passwordSpray = new ConsolePasswordSprayDetector(config, kit);
        this.bruteforceSuccess = new ConsoleBruteforceSuccessDetector(config, kit);
        this.accessDenied = new AccessDeniedBurstDetector(config, kit);
    }

    @Override
    public Detections build(KStream<String, CloudTrailEvent> events) {
        KStream<String, CloudTrailEvent> loginsByIp = ConsoleLogins.byIp(events);
        return Detections.all(
                failedLogins.detect(events, loginsByIp),
                passwordSpray.detect(loginsByIp),
                bruteforceSuccess.detect(loginsByIp),
                accessDenied.detect(events));
    }
}
