package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A named Java reader of the accounts a request hands something to (the grantees of a snapshot share, the principals
 * a trust policy lets in, a Lambda permission's principal, the publishers of a function's layers). A rule's
 * {@code insideOrganization:} lowering names one: the alert is lowered when every account it reads is the event's own
 * or one the operator declared (see {@link Organization}).
 *
 * @param name    the name rule files use, kebab-case
 * @param summary one sentence for the generated docs: what it reads
 * @param read    the grantees of the request, in order; never throws on an odd record
 */
public record AccountReader(String name, String summary, Function<CloudTrailEvent, List<Grantee>> read) {

    /**
     * One grantee as the request names it.
     *
     * @param shown     as written (an account id, an ARN, {@code all}, a federated provider)
     * @param accountId the 12-digit account it belongs to (an organization or OU ARN: the organization's management
     *                  account), null when none can be read (an account the record leaves out) or it is no account
     * @param kind      what it names
     */
    public record Grantee(String shown, String accountId, Kind kind) {

        /** What a grantee names. */
        public enum Kind {
            /** One account (or a principal of it). */
            ACCOUNT,
            /**
             * Every account of an organization or OU, as its ARN names it: never inside (the ARN is the caller's
             * to write), listed as outside.
             */
            ORGANIZATION,
            /**
             * No account at all (everyone, an identity provider): never inside, and not listed as an outside account
             * either (the public and federated escalations speak for them).
             */
            NOT_AN_ACCOUNT
        }

        public static Grantee account(String shown, String accountId) {
            return new Grantee(shown, accountId, Kind.ACCOUNT);
        }

        public static Grantee organization(String shown, String managementAccountId) {
            return new Grantee(shown, managementAccountId, Kind.ORGANIZATION);
        }

        public static Grantee notAnAccount(String shown) {
            return new Grantee(shown, null, Kind.NOT_AN_ACCOUNT);
        }

        public boolean isAccount() {
            return kind != Kind.NOT_AN_ACCOUNT;
        }
    }

    public List<Grantee> grantees(CloudTrailEvent event) {
        return read.apply(event);
    }

    /**
     * Whether the request stays inside the organization: it names at least one account other than the event's own, and
     * every grantee is the event's own account or a declared member. Everyone, an identity provider, an organization or
     * OU, or an account the record leaves out is never inside.
     */
    public boolean insideOrganization(CloudTrailEvent event, Organization organization) {
        List<Grantee> grantees = grantees(event);
        boolean another = false;
        for (Grantee grantee : grantees) {
            if (!inside(grantee, event, organization)) {
                return false;
            }
            another |= !grantee.accountId().equals(event.recipientAccountId());
        }
        return another;
    }

    /** The grantees that are accounts (or may be) and are neither the event's own nor declared members. */
    public List<String> outsideOrganization(CloudTrailEvent event, Organization organization) {
        List<String> out = new ArrayList<>();
        for (Grantee grantee : grantees(event)) {
            if (grantee.isAccount() && !inside(grantee, event, organization) && !out.contains(grantee.shown())) {
                out.add(grantee.shown());
            }
        }
        return out;
    }

    /**
     * An organization or OU is never inside: the caller writes its ARN, 12 digits included, and EC2 lets an owner share
     * with organizations it is not a member of, so the account in the ARN ties the share to nothing declared.
     */
    private static boolean inside(Grantee grantee, CloudTrailEvent event, Organization organization) {
        String account = grantee.accountId();
        return grantee.kind() != Grantee.Kind.ORGANIZATION && account != null
                && (account.equals(event.recipientAccountId()) || organization.declares(account));
    }
}
