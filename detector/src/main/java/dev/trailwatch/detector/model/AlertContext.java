package dev.trailwatch.detector.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an analyst asks first about an alert, beyond what the triggering event says: whose account it is (name, OU,
 * tags from the accounts topic), which human acted (when CloudTrail says it), and where the source IP is (country and
 * network, when a GeoIP database is set). Filled in once per alert, just before the alert sinks; members are left
 * out when unknown.
 *
 * @param account the account's entry in {@code accounts.known} / the accounts topic, or null when it has none
 * @param actor   the human behind the principal, or null when the principal says nothing about one
 * @param source  where {@code sourceIp} is, or null when it is not located (no database, not an IP, not listed)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlertContext(Account account, Actor actor, IpLocation source) {

    public static final AlertContext EMPTY = new AlertContext(null, null, null);

    /** The account as the organization describes it; {@code tags} as the accounts topic holds them, uninterpreted. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Account(String name, String ou, JsonNode tags) {
    }

    /**
     * The human behind the acting principal, and where that answer comes from.
     *
     * @param human                the best answer: {@code sourceIdentity}, else the IAM Identity Center user, else the
     *                             IAM or federated user's name, else the role session name
     * @param humanFrom            {@code sourceIdentity}, {@code identityCenter}, {@code iamUser}, {@code root},
     *                             {@code federatedUser} or {@code sessionName} (chosen by whoever assumed the role: a
     *                             hint, not proof)
     * @param role                 the assumed role's name, for role sessions
     * @param sessionName          the role session name, for role sessions
     * @param sourceIdentity       {@code userIdentity.sessionContext.sourceIdentity}: set by the identity provider or
     *                             the first AssumeRole, and kept through role chaining
     * @param identityCenterUser   the IAM Identity Center user name, for {@code AWSReservedSSO_*} role sessions
     * @param identityCenterUserId {@code userIdentity.onBehalfOf.userId}, for Identity Center sessions that carry it
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Actor(String human, String humanFrom, String role, String sessionName, String sourceIdentity,
                        String identityCenterUser, String identityCenterUserId) {

        private static final Pattern ARN = Pattern.compile(
                "arn:aws[a-z-]*:(?:iam|sts)::\\d{12}:(root|user|assumed-role|federated-user)(?:/(.*))?");
        private static final String IDENTITY_CENTER_ROLE = "AWSReservedSSO_";

        /** What only the event says (read from its record, so once per alert, never per event); null if nothing. */
        public static Actor fromEvent(CloudTrailEvent event) {
            String type = event.userIdentity().type();
            if (!"AssumedRole".equals(type) && !"IdentityCenterUser".equals(type) && !"FederatedUser".equals(type)) {
                return null;
            }
            if (!event.json().mayHold("sourceIdentity", "onBehalfOf")) {
                return null; // most role sessions: no tree of the whole record for a field it does not have
            }
            JsonNode identity = event.record().path("userIdentity");
            String sourceIdentity = text(identity.path("sessionContext").path("sourceIdentity"));
            String userId = text(identity.path("onBehalfOf").path("userId"));
            if (sourceIdentity == null && userId == null) {
                return null;
            }
            return new Actor(null, null, null, null, sourceIdentity, null, userId);
        }

        /**
         * The actor of {@code principal} (an ARN as alerts carry it), completed with what the event said
         * ({@code known}, may be null); null when neither says anything about a human (a service, an account id).
         */
        public static Actor of(String principal, Actor known) {
            String sourceIdentity = known == null ? null : known.sourceIdentity();
            String userId = known == null ? null : known.identityCenterUserId();
            Matcher arn = principal == null ? null : ARN.matcher(principal);
            if (arn == null || !arn.matches()) {
                return sourceIdentity == null && userId == null ? null
                        : new Actor(sourceIdentity, sourceIdentity != null ? "sourceIdentity" : null, null, null,
                        sourceIdentity, null, userId);
            }
            String path = arn.group(2) == null ? "" : arn.group(2);
            String last = path.substring(path.lastIndexOf('/') + 1);
            return switch (arn.group(1)) {
                case "root" -> chosen(sourceIdentity, "root", "root", null, null, null, userId);
                case "user" -> chosen(sourceIdentity, last, "iamUser", null, null, null, userId);
                case "federated-user" -> chosen(sourceIdentity, last, "federatedUser", null, null, null, userId);
                default -> roleSession(path, sourceIdentity, userId);
            };
        }

        private static Actor roleSession(String path, String sourceIdentity, String userId) {
            int slash = path.indexOf('/');
            String role = slash < 0 ? path : path.substring(0, slash);
            String session = slash < 0 ? null : path.substring(slash + 1);
            if (role.startsWith(IDENTITY_CENTER_ROLE) && session != null) {
                return chosen(sourceIdentity, session, "identityCenter", role, session, session, userId);
            }
            return chosen(sourceIdentity, session, "sessionName", role, session, null, userId);
        }

        private static Actor chosen(String sourceIdentity, String name, String from, String role, String session,
                                    String identityCenterUser, String userId) {
            boolean bySource = sourceIdentity != null;
            return new Actor(bySource ? sourceIdentity : name, bySource ? "sourceIdentity" : name == null ? null : from,
                    role, session, sourceIdentity, identityCenterUser, userId);
        }

        private static String text(JsonNode node) {
            return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
        }
    }
}
