package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Matchers for compute an attacker launches for themselves: GPU and other accelerated instances (cryptomining,
 * model training on someone else's bill) and the very largest sizes.
 */
final class ComputeMatchers {

    /**
     * Accelerated-computing families: P and G (GPU), Inf and Trn (Inferentia, Trainium), DL (Gaudi), F (FPGA),
     * VT (video transcoding). {@code gr6} is G with more memory.
     */
    static final Pattern ACCELERATED = Pattern.compile("^(p\\d|g\\d|gr\\d|inf\\d|trn\\d|dl\\d|f\\d|vt\\d)[a-z0-9-]*\\..+");
    /** 24xlarge and above, bare metal, and the U high-memory family. */
    static final Pattern VERY_LARGE = Pattern.compile("^(u\\d?-.+|[a-z0-9-]+\\.(metal(-\\d+xl)?|(2[4-9]|[3-9]\\d|\\d{3})xlarge))$");

    private ComputeMatchers() {
    }

    static List<RequestMatcher> all() {
        return List.of(new RequestMatcher("unusual-instance-type",
                "RunInstances asks for an accelerated-computing instance type (p*, g*, inf*, trn*, dl*, f*, vt*) "
                        + "or a very large one (24xlarge and up, metal, u-*)",
                e -> reason(instanceType(e)) != null,
                e -> RequestFields.evidence("instanceType", instanceType(e), "unusualBecause",
                        reason(instanceType(e)))));
    }

    /** {@code requestParameters.instanceType}, logged as a string or as {@code {"value": "p2.xlarge"}}. */
    static String instanceType(CloudTrailEvent event) {
        JsonNode type = event.requestParameters().path("instanceType");
        String text = type.isObject() ? RequestFields.text(type, "value") : RequestFields.text(
                event.requestParameters(), "instanceType");
        return text == null ? null : text.trim().toLowerCase(Locale.ROOT);
    }

    static String reason(String instanceType) {
        if (instanceType == null) {
            return null;
        }
        if (ACCELERATED.matcher(instanceType).matches()) {
            return "accelerated computing (GPU, Inferentia, Trainium, FPGA)";
        }
        return VERY_LARGE.matcher(instanceType).matches() ? "very large size" : null;
    }
}
