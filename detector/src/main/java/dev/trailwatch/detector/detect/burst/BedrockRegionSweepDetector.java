package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.config.BurstSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Durations;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bedrock region sweep (LLMjacking reconnaissance): one principal, from one source IP, reaching for Bedrock models in
 * at least {@code burst.bedrock-sweep.threshold} (3) distinct regions within {@code burst.bedrock-sweep.window}
 * (10 minutes) of event time makes one MEDIUM alert listing the regions, the models and the outcomes (error codes,
 * {@code ok} for an allowed call); calls arriving later in the same window fold into a follow-up with the same alert
 * id. Windows are aligned to the epoch ({@link BurstCounter}): a sweep that straddles a boundary counts in each
 * window separately.
 *
 * <p>Counted: {@code bedrock.amazonaws.com} calls {@link #CALLS} (invocations and the model-catalogue reads attackers
 * pair with them), allowed, failing validation or refused. Not counted: calls AWS makes itself, and calls made from
 * an AWS Management Console session (CloudTrail writes {@code sessionCredentialFromConsole: "true"} on them): the
 * Bedrock console reads the model catalogue and model availability for the region it shows, and a person switching
 * the console from region to region to find a model makes the same reads by hand. LLMjacking tools and Stratus work
 * with access keys or role sessions, which never carry the flag. The key is the
 * account, the principal and the source IP together: an application deployed as one role in three regions calls from
 * three addresses and is three keys; one host sweeping the regions is one.
 *
 * <p>Why: stolen keys are checked for Bedrock access model by model and region by region before they are sold or
 * used (Sysdig "LLMjacking", Permiso "Exploiting hosted models"). Stratus Red Team
 * {@code bedrock-enumerate-models-multiple-regions} calls InvokeModel with an invalid body in six regions within
 * seconds: {@code ValidationException} where model access is granted (no single-event rule reads it),
 * {@code AccessDeniedException} where not.
 *
 * <p>False positives: a multi-region evaluation or benchmark script run from one host; a developer trying a model in
 * several regions (quota or availability) with the CLI or an SDK.
 *
 * <p>ATT&amp;CK: T1526 Cloud Service Discovery; T1496 Resource Hijacking (what the sweep prepares).
 */
public final class BedrockRegionSweepDetector {

    public static final String ID = "bedrock-region-sweep";
    static final String SOURCE = "bedrock.amazonaws.com";
    /** The calls counted: model invocations and the model-catalogue reads. */
    static final Set<String> CALLS = Set.of("InvokeModel", "InvokeModelWithResponseStream", "Converse",
            "ConverseStream", "ListFoundationModels", "GetFoundationModel", "GetFoundationModelAvailability");
    /** An allowed call's outcome in the token. */
    static final String OK = "ok";
    /** A call that names no model (ListFoundationModels). */
    static final String NO_MODEL = "-";
    private static final List<String> MODEL_FIELDS = List.of("modelId", "modelIdentifier");
    private static final Set<String> MODEL_FIELD_SET = Set.copyOf(MODEL_FIELDS);
    private static final List<String> MITRE = List.of("T1526", "T1496");
    private static final String RUNBOOK = "Ask the principal's owner whether a multi-region script or test ran from "
            + "this address. If not, treat the key as stolen: disable the access key or revoke the role's sessions, "
            + "look for successful InvokeModel/Converse calls and for PutFoundationModelEntitlement or "
            + "PutUseCaseForModelAccess (model access being enabled) from the same principal, check the Bedrock bill "
            + "and, where model invocation logging is on, what was asked.";

    private final DetectionKit kit;
    private final BurstSpec sweep;

    BedrockRegionSweepDetector(DetectorConfig config, DetectionKit kit) {
        int threshold = config.get(BurstSettings.BEDROCK_SWEEP_THRESHOLD);
        Duration window = config.get(BurstSettings.BEDROCK_SWEEP_WINDOW);
        Duration grace = config.get(BurstSettings.GRACE);
        this.kit = kit;
        this.sweep = new BurstSpec(ID, "by-caller", window, grace, threshold, threshold,
                BedrockRegionSweepDetector::caller, BedrockRegionSweepDetector::token,
                tally -> finding(tally, threshold, window), List.of(), null, BedrockRegionSweepDetector::region);
    }

    /**
     * True when the event counts toward a sweep: a counted Bedrock call by a principal, with region and address, not
     * made from a console session.
     */
    public static boolean countsTowardSweep(CloudTrailEvent event) {
        return SOURCE.equals(event.eventSource()) && CALLS.contains(event.eventName()) && !event.isAwsServiceCall()
                && present(event.awsRegion()) && present(event.sourceIpAddress()) && present(event.principal())
                && !event.isConsoleSessionCall();
    }

    Detections detect(EventRouter events) {
        // Typed fields decide; only a counted call's request is read (for the model), with the streaming parser.
        return Bursts.count(events, BedrockRegionSweepDetector::countsTowardSweep, sweep, kit);
    }

    /** The key: account, principal and source IP. */
    static String caller(CloudTrailEvent event) {
        return event.recipientAccountId() + '|' + event.principal() + '|' + event.sourceIpAddress();
    }

    /**
     * {@code region|model|outcome}: the region is what is counted ({@link #region}), the rest is evidence. A '|' in a
     * field (never in AWS's values; a forged record may hold one) is written as '/', so the parts stay apart.
     */
    static String token(CloudTrailEvent event) {
        String outcome = present(event.errorCode()) ? event.errorCode() : OK;
        return clean(event.awsRegion()) + '|' + model(event) + '|' + clean(outcome);
    }

    private static String clean(String text) {
        return text.replace('|', '/');
    }

    /** The region part of a token. */
    static String region(String token) {
        int bar = token.indexOf('|');
        return bar < 0 ? token : token.substring(0, bar);
    }

    /** The model the call names ({@code modelId}, {@code modelIdentifier} for GetFoundationModel), or {@code -}. */
    static String model(CloudTrailEvent event) {
        JsonNode request = event.requestParameters(MODEL_FIELD_SET);
        for (String field : MODEL_FIELDS) {
            JsonNode value = request.path(field);
            if (value.isTextual() && !value.asText().isBlank()) {
                return clean(value.asText());
            }
        }
        return NO_MODEL;
    }

    private static boolean present(String text) {
        return text != null && !text.isEmpty();
    }

    private static Alerts.Finding finding(BurstSpec.Tally tally, int threshold, Duration window) {
        Set<String> regions = new LinkedHashSet<>();
        Set<String> models = new LinkedHashSet<>();
        Set<String> outcomes = new LinkedHashSet<>();
        for (String token : tally.tokens()) {
            String[] parts = token.split("\\|", 3);
            regions.add(parts[0]);
            if (parts.length > 1 && !NO_MODEL.equals(parts[1])) {
                models.add(parts[1]);
            }
            if (parts.length > 2) {
                outcomes.add(parts[2]);
            }
        }
        String[] key = tally.entity().split("\\|");
        String ip = key[key.length - 1];
        String principal = tally.entity().substring(key[0].length() + 1, tally.entity().length() - ip.length() - 1);
        Map<String, Object> evidence = BurstEvidence.of("caller", "calls", tally, threshold, window);
        evidence.put("principal", principal);
        evidence.put("sourceIp", ip);
        evidence.put("regions", new ArrayList<>(regions));
        evidence.put("models", new ArrayList<>(models));
        evidence.put("outcomes", new ArrayList<>(outcomes));
        return new Alerts.Finding(ID, "Bedrock models probed in " + regions.size() + " regions by " + principal,
                principal + " from " + ip + " called Bedrock models " + tally.count() + " times in "
                        + regions.size() + " regions in the " + Durations.format(window) + " window from "
                        + Instant.ofEpochMilli(tally.start()) + ": " + BurstEvidence.head(new ArrayList<>(regions))
                        + "; models " + (models.isEmpty() ? "none named" : BurstEvidence.head(new ArrayList<>(models)))
                        + "; outcomes " + String.join(", ", outcomes),
                Severity.MEDIUM, MITRE, RUNBOOK, evidence);
    }
}
