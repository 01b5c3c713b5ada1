package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.config.BurstSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.DetectionFamily;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.geoip.GeoIp;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.kstream.KStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The burst and correlation detections: failed console logins, password spray, brute force then success (all three
 * over one shared repartition of console logins by source IP, built here once, as is the cross-account spray),
 * AccessDenied bursts, credential harvesting bursts, EC2 instance and Lambda / ECS workload credentials used
 * elsewhere, Bedrock region sweeps, SES enumeration, and the Sigma correlation rules found in {@code rules.dir}.
 */
public final class BurstFamily implements DetectionFamily {

    private static final Logger LOG = LoggerFactory.getLogger(BurstFamily.class);

    private final FailedConsoleLoginBurstDetector failedLogins;
    private final ConsolePasswordSprayDetector passwordSpray;
    private final ConsoleBruteforceSuccessDetector bruteforceSuccess;
    private final AccessDeniedBurstDetector accessDenied;
    private final ConsoleCrossAccountSprayDetector crossAccountSpray;
    private final CredentialHarvestingBurstDetector credentialHarvesting;
    /** Null when {@code burst.discovery.scope} is {@code off}. */
    private final DiscoveryBurstDetector discovery;
    private final InstanceCredentialExfiltrationDetector instanceCredentials;
    private final WorkloadCredentialExfiltrationDetector workloadCredentials;
    private final S3MassDeletionDetector s3MassDeletion;
    private final BedrockRegionSweepDetector bedrockRegionSweep;
    private final SesEnumerationDetector sesEnumeration;
    private final List<SigmaCorrelationDetector> sigmaCorrelations;
    private final DetectionKit kit;

    public BurstFamily(DetectorConfig config, DetectionKit kit) {
        this.kit = kit;
        this.failedLogins = new FailedConsoleLoginBurstDetector(config, kit);
        this.passwordSpray = new ConsolePasswordSprayDetector(config, kit);
        this.bruteforceSuccess = new ConsoleBruteforceSuccessDetector(config, kit);
        this.accessDenied = new AccessDeniedBurstDetector(config, kit);
        this.crossAccountSpray = new ConsoleCrossAccountSprayDetector(config, kit);
        this.credentialHarvesting = new CredentialHarvestingBurstDetector(config, kit);
        BurstSettings.DiscoveryScope scope = BurstSettings.discoveryScope(config);
        if (config.get(BurstSettings.DISCOVERY_ENABLED).isPresent()) {
            LOG.warn("{} is deprecated: it is read as {}={}; set that instead", BurstSettings.DISCOVERY_ENABLED.name(),
                    BurstSettings.DISCOVERY_SCOPE.name(), scope.text());
        }
        this.discovery = scope == BurstSettings.DiscoveryScope.OFF ? null
                : new DiscoveryBurstDetector(config, kit, scope);
        this.instanceCredentials = new InstanceCredentialExfiltrationDetector(config, kit);
        this.workloadCredentials = new WorkloadCredentialExfiltrationDetector(config, GeoIp.from(config), kit);
        this.s3MassDeletion = new S3MassDeletionDetector(config, kit);
        this.bedrockRegionSweep = new BedrockRegionSweepDetector(config, kit);
        this.sesEnumeration = new SesEnumerationDetector(config, kit);
        this.sigmaCorrelations = SigmaCorrelationDetector.fromRulesDir(config, kit);
    }

    @Override
    public Detections build(EventRouter events) {
        KStream<String, CloudTrailEvent> loginsByIp = ConsoleLogins.byIp(events, kit);
        Detections builtIn = Detections.all(
                failedLogins.detect(events, loginsByIp),
                passwordSpray.detect(loginsByIp),
                bruteforceSuccess.detect(loginsByIp),
                accessDenied.detect(events),
                crossAccountSpray.detect(loginsByIp),
                credentialHarvesting.detect(events),
                instanceCredentials.detect(events),
                workloadCredentials.detect(events),
                s3MassDeletion.detect(events),
                bedrockRegionSweep.detect(events),
                sesEnumeration.detect(events));
        List<Detections> all = new ArrayList<>(List.of(builtIn));
        if (discovery != null) {
            all.add(discovery.detect(events));
        }
        sigmaCorrelations.forEach(correlation -> all.add(correlation.detect(events)));
        return Detections.all(all.toArray(Detections[]::new));
    }
}
