package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.accounts.KnownAccounts;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.rules.AccountReader.Grantee;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The named account readers rule files may use in an {@code insideOrganization:} lowering, by name; fixed at build
 * time, a rule naming another fails to load. Each reads the request the way its API spells grantees:
 *
 * <ul>
 *   <li>{@code snapshot-grantees}: EC2 {@code createVolumePermission} / {@code launchPermission} add items
 *       ({@code userId}, {@code group: all}, {@code organizationArn}, {@code organizationalUnitArn}), RDS
 *       {@code valuesToAdd} ({@code all} or account ids), Redshift {@code accountWithRestoreAccess}</li>
 *   <li>{@code trust-policy-principals}: the principals of a role trust policy's Allow statements (an account id,
 *       an IAM / STS ARN, {@code "*"}, {@code Federated}; AWS service principals name no grantee)</li>
 *   <li>{@code lambda-permission-principal}: Lambda AddPermission's {@code principal}</li>
 *   <li>{@code layer-publishers}: the accounts of a function's layer ARNs (request and response)</li>
 * </ul>
 *
 * <p>An organization or OU ARN ({@code arn:aws:organizations::<account>:organization/o-...}) is read with the account
 * it names, for the evidence, but is never inside: the caller writes the whole ARN, and EC2 lets an owner share with
 * an organization or OU it is not a member of.
 */
public final class AccountReaders {

    private static final Pattern ORGANIZATION_ARN =
            Pattern.compile("^arn:aws[a-z-]*:organizations::(\\d{12}):(?:organization|ou)/o-.*$");

    private static final Map<String, AccountReader> BY_NAME = index(List.of(
            new AccountReader("snapshot-grantees", "the accounts, organizations and OUs a snapshot or image "
                    + "permission is added for (everyone is never inside)", AccountReaders::snapshotGrantees),
            new AccountReader("trust-policy-principals", "the principals the Allow statements of a role trust "
                    + "policy let in (\"*\" and identity providers are never inside; AWS services do not count)",
                    AccountReaders::trustPolicyPrincipals),
            new AccountReader("lambda-permission-principal", "the account Lambda AddPermission's principal names",
                    AccountReaders::lambdaPermissionPrincipal),
            new AccountReader("layer-publishers", "the accounts that published the function's layers",
                    AccountReaders::layerPublishers)));

    private AccountReaders() {
    }

    public static Optional<AccountReader> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Every reader's name, in a stable order (for error messages). */
    public static String names() {
        return String.join(", ", BY_NAME.keySet());
    }

    static List<Grantee> snapshotGrantees(CloudTrailEvent event) {
        List<Grantee> out = new ArrayList<>();
        for (String grantee : SharingMatchers.grantees(event)) {
            if (grantee.equals(SharingMatchers.PUBLIC)) {
                out.add(Grantee.notAnAccount(grantee));
            } else {
                Matcher organization = ORGANIZATION_ARN.matcher(grantee);
                out.add(organization.matches() ? Grantee.organization(grantee, organization.group(1))
                        : Grantee.account(grantee, KnownAccounts.isAccountId(grantee) ? grantee : null));
            }
        }
        return out;
    }

    static List<Grantee> trustPolicyPrincipals(CloudTrailEvent event) {
        List<Grantee> out = new ArrayList<>();
        for (JsonNode statement : ExposureMatchers.trustStatements(event)) {
            if (!"Allow".equals(RequestFields.text(statement, "Effect"))) {
                continue;
            }
            JsonNode principal = statement.path("Principal");
            if (principal.isTextual()) {
                out.add(Grantee.notAnAccount(principal.textValue()));
                continue;
            }
            for (JsonNode aws : RequestFields.items(principal.path("AWS"))) {
                String text = aws.asText();
                out.add(text.equals("*") ? Grantee.notAnAccount(text)
                        : Grantee.account(text, LambdaMatchers.accountOf(text)));
            }
            for (JsonNode other : List.of(principal.path("Federated"), principal.path("CanonicalUser"))) {
                RequestFields.items(other).forEach(value -> out.add(Grantee.notAnAccount(value.asText())));
            }
        }
        return out;
    }

    static List<Grantee> lambdaPermissionPrincipal(CloudTrailEvent event) {
        String principal = RequestFields.text(event.requestParameters(), "principal");
        String account = LambdaMatchers.accountOf(principal);
        if (account != null) {
            return List.of(Grantee.account(principal, account));
        }
        return "*".equals(principal) ? List.of(Grantee.notAnAccount(principal)) : List.of();
    }

    static List<Grantee> layerPublishers(CloudTrailEvent event) {
        Set<String> arns = new LinkedHashSet<>(LambdaMatchers.layerArns(event));
        return arns.stream().map(arn -> Grantee.account(arn, LambdaMatchers.accountOf(arn)))
                .collect(Collectors.toList());
    }

    private static Map<String, AccountReader> index(List<AccountReader> readers) {
        Map<String, AccountReader> byName = new LinkedHashMap<>();
        readers.forEach(reader -> byName.put(reader.name(), reader));
        return Collections.unmodifiableMap(byName);
    }
}
