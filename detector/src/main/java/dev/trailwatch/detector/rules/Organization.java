package dev.trailwatch.detector.rules;

/**
 * The accounts the operator declared as the organization's: {@code accounts.known} and the entries of the accounts
 * topic an operator wrote (no {@code learnedAt}). Configuration, not traffic: whether a share stays inside the
 * organization is then decided from the event and the configuration alone, never from which events happened to
 * arrive first (an account learned from traffic, {@code accounts.learn-recipients}, is not declared).
 */
@FunctionalInterface
public interface Organization {

    /** No account declared: every other account is outside (the answer without configuration, and of peer tests). */
    Organization NONE = accountId -> false;

    /** Whether the operator declared this 12-digit account a member of the organization. */
    boolean declares(String accountId);
}
