package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Matchers for Lambda changes that hand a function to someone outside the account: a resource-policy grant to
 * another account, or a layer (code that runs inside the function, extensions included) published by another
 * account. "Another account" is any account id other than the record's {@code recipientAccountId}; whether it is one
 * of the organization's own is the rules' {@code insideOrganization} lowering's question (the accounts the operator
 * declared, see {@link AccountReaders}), not these matchers'.
 */
final class LambdaMatchers {

    /** An account id on its own or inside an IAM / STS / Lambda ARN. */
    private static final Pattern ACCOUNT = Pattern.compile("^(?:arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:)?(\\d{12})(?::.*)?$");

    private LambdaMatchers() {
    }

    static List<RequestMatcher> all() {
        return List.of(
                new RequestMatcher("lambda-permission-other-account",
                        "Lambda AddPermission grants an action to another AWS account (an account id or an IAM ARN "
                                + "of an account other than the one the function is in)",
                        e -> !grantedAccounts(e).isEmpty(),
                        e -> RequestFields.evidence("otherAccounts", List.copyOf(grantedAccounts(e)))),
                new RequestMatcher("lambda-layer-other-account",
                        "a Lambda function is created or configured with a layer published by another AWS account",
                        e -> !foreignLayers(e).isEmpty(),
                        e -> RequestFields.evidence("otherAccountLayers", foreignLayers(e))));
    }

    /** The other accounts an AddPermission request names as principal; service principals and "*" are not. */
    static Set<String> grantedAccounts(CloudTrailEvent event) {
        Set<String> out = new LinkedHashSet<>();
        String account = accountOf(RequestFields.text(event.requestParameters(), "principal"));
        if (account != null && !account.equals(event.recipientAccountId())) {
            out.add(account);
        }
        return out;
    }

    /**
     * The layer ARNs of the request ({@code layers: ["arn:..."]}) and of the response ({@code layers: [{"arn":
     * ...}]}) whose account is not the function's.
     */
    static List<String> foreignLayers(CloudTrailEvent event) {
        List<String> out = new ArrayList<>();
        for (String arn : layerArns(event)) {
            String account = accountOf(arn);
            if (account != null && !account.equals(event.recipientAccountId())) {
                out.add(arn);
            }
        }
        return out;
    }

    /** The layer ARNs of the request and of the response, each once. */
    static Set<String> layerArns(CloudTrailEvent event) {
        Set<String> arns = new LinkedHashSet<>();
        for (JsonNode layer : RequestFields.items(event.requestParameters().path("layers"))) {
            if (layer.isTextual()) {
                arns.add(layer.textValue());
            }
        }
        for (JsonNode layer : RequestFields.items(event.responseElements().path("layers"))) {
            String arn = layer.isTextual() ? layer.textValue() : RequestFields.text(layer, "arn");
            if (arn != null) {
                arns.add(arn);
            }
        }
        return arns;
    }

    /** The 12-digit account of an account id or ARN, or null. */
    static String accountOf(String principalOrArn) {
        if (principalOrArn == null) {
            return null;
        }
        Matcher matcher = ACCOUNT.matcher(principalOrArn.trim());
        return matcher.matches() ? matcher.group(1) : null;
    }
}
